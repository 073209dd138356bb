/* The keepalived importer's vrrp_instance: its keywords into a ki_instance,
 * keepalived's defaults and corrections applied (VRRPv2 unless told,
 * advert_int 1, auth_pass cut to 8 characters, v2 intervals rounded to whole
 * seconds, no authentication with v3), and the instance's vipd group. */
#include "keepalived_import_internal.h"

#include <stdlib.h>
#include <string.h>

typedef void (*inst_fn)(struct ki *k, struct ki_instance *in, const struct kp_node *n);

/* ---- scalars ---- */

static bool ifname_ok(const char *s)
{
	return *s && strlen(s) < IF_NAMESIZE && !strpbrk(s, "/: ") && strcmp(s, ".") != 0 &&
	       strcmp(s, "..") != 0;
}

static void inst_interface(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const char *v = ki_value(k, n);

	if (v && !ifname_ok(v))
		ki_fail(k, n, "'interface' '%s' is not an interface name vipd takes (1..%d "
			"characters, no '/', ':' or blank)", v, IF_NAMESIZE - 1);
	else if (v)
		snprintf(in->interface, sizeof(in->interface), "%s", v);
}

static void inst_state(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const char *v = ki_value(k, n);

	if (!v)
		return;
	if (strcmp(v, "MASTER") == 0)
		in->state_master = true;
	else if (strcmp(v, "BACKUP") != 0)
		ki_fail(k, n, "'state' '%s' must be MASTER or BACKUP%s", v,
			v[0] == '$' ? " (a template placeholder left unfilled?)" : "");
}

static void inst_int(struct ki *k, const struct kp_node *n, long long min, long long max,
		     int *out)
{
	const char *v = ki_value(k, n);
	long long x;

	if (v && ki_int(k, n, v, min, max, &x))
		*out = (int)x;
}

static void inst_vrid(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	inst_int(k, n, 1, 255, &in->vrid);
}

static void inst_priority(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	inst_int(k, n, 1, 255, &in->priority);
}

static void inst_version(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	inst_int(k, n, 2, 3, &in->version);
}

static void inst_advert(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const char *v = ki_value(k, n);
	long long us = -1;

	if (v && ki_secs(k, n, v, 255, &us) && us > 0)
		in->advert_us = us;
	else if (v && us == 0)
		ki_warn(k, n, "'advert_int 0' is ignored by keepalived (1 s), and so here");
}

static void inst_nopreempt(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	(void)k;
	(void)n;
	in->preempt = false;
}

static void inst_preempt_delay(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const char *v = ki_value(k, n);

	if (v)
		ki_secs(k, n, v, 1000, &in->preempt_delay_us);
}

static void inst_source(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const char *v = ki_value(k, n);

	if (v && ipaddr_parse(v, &in->source) < 0)
		ki_fail(k, n, "'unicast_src_ip' '%s' is not an address", v);
}

static void inst_mcast_src(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	(void)in;
	if (ki_value(k, n))
		ki_warn(k, n, "'mcast_src_ip' not carried over: vipd sends multicast adverts from "
			"the interface's primary address; make sure that is %s", n->args[0]);
}

/* ---- authentication ---- */

static void auth_pass(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const char *v = ki_value(k, n);

	if (!v)
		return;
	snprintf(in->password, sizeof(in->password), "%.8s", v);
	if (strlen(v) > 8)
		ki_warn(k, n, "auth_pass cut to its first 8 characters, '%s', as keepalived does "
			"(it sends only those)", in->password);
}

static void inst_auth(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const struct kp_node *c;
	const char *v;

	in->auth_node = n;
	for (c = n->child; c; c = c->next)
		if (strcmp(c->keyword, "auth_type") == 0 && (v = ki_value(k, c))) {
			if (strcmp(v, "PASS") == 0 || strcmp(v, "AH") == 0)
				in->auth = v[0] == 'P' ? 1 : 2;
			else
				ki_fail(k, c, "'auth_type' '%s' must be PASS or AH", v);
		} else if (strcmp(c->keyword, "auth_pass") == 0)
			auth_pass(k, in, c);
		else if (strcmp(c->keyword, "auth_type") != 0)
			ki_other_keyword(k, c);
}

/* ---- addresses ---- */

/* One option of a virtual_ipaddress line ("dev eth0", "label eth0:1"); the
 * number of words it took. False when the address cannot be carried over. */
static bool vip_option(struct ki *k, const struct ki_instance *in, const struct kp_node *e,
		       size_t *i)
{
	const char *opt = e->args[*i], *val = *i + 1 < e->n_args ? e->args[*i + 1] : NULL;

	*i += val ? 2 : 1;
	if (strcmp(opt, "no_track") == 0) {
		*i -= val ? 1 : 0;
		return true;
	}
	if (!val)
		ki_fail(k, e, "virtual_ipaddress option '%s' not supported here: give the address "
			"alone", opt);
	else if (strcmp(opt, "dev") == 0 && strcmp(val, in->interface) != 0)
		ki_fail(k, e, "'dev %s' not supported: vipd adds an instance's VIPs on its "
			"interface (%s); make an instance on %s for them", val, in->interface, val);
	else if (strcmp(opt, "scope") == 0 && strcmp(val, "global") != 0)
		ki_fail(k, e, "'scope %s' not supported: vipd adds VIPs with scope global", val);
	else if (strcmp(opt, "label") == 0 || strcmp(opt, "brd") == 0 ||
		 strcmp(opt, "broadcast") == 0) {
		ki_warn(k, e, "'%s %s' not carried over: vipd adds the address without a %s (ip "
			"addr shows it either way)", opt, val,
			opt[0] == 'l' ? "label" : "broadcast address");
		return true;
	} else if (strcmp(opt, "dev") != 0 && strcmp(opt, "scope") != 0)
		ki_fail(k, e, "virtual_ipaddress option '%s' not supported: give the address with "
			"dev and label only", opt);
	else
		return true;
	return false;
}

static void add_vip(struct ki *k, struct ki_instance *in, const struct kp_node *e)
{
	struct ip_prefix p, *grown;
	char text[IPADDR_STRLEN];
	bool ok = true;
	size_t i = 0;

	if (ki_placeholder(k, e))
		return;
	while (i < e->n_args)
		ok &= vip_option(k, in, e, &i);
	if (!ok)
		return;
	if (ipprefix_parse(e->keyword, &p) < 0) {
		ki_fail(k, e, "'%s' is not an address%s", e->keyword,
			e->keyword[0] == '$' ? " (a template placeholder left unfilled?)" : "");
		return;
	}
	if (in->n_vips && p.addr.family != in->vips[0].addr.family) {
		ki_warn(k, e, "'%s': keepalived ignores an address of the other family than the "
			"instance's first, and so does the import", ipprefix_str(&p, text));
		return;
	}
	if (!(grown = ki_grow(k, in->vips, &in->n_vips, sizeof(*grown))))
		return;
	in->vips = grown;
	in->vips[in->n_vips - 1] = p;
}

static void inst_vips(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const struct kp_node *e;

	for (e = n->child; e; e = e->next)
		add_vip(k, in, e);
}

static void inst_excluded(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	(void)in;
	ki_fail(k, n, "'virtual_ipaddress_excluded' not supported: vipd advertises every VIP it "
		"holds, and keepalived peers drop adverts whose addresses differ from theirs; once "
		"no keepalived is left in the group, move these into virtual_ipaddress");
}

/* "min_ttl N" and "max_ttl N" of a peer: vipd has one lowest TTL per
 * instance (unicast_ttl_min) and no highest. */
static void peer_ttl(struct ki *k, struct ki_instance *in, const struct kp_node *e)
{
	long long ttl;
	size_t i;

	for (i = 0; i + 1 < e->n_args; i += 2) {
		if (!ki_int(k, e, e->args[i + 1], 0, 255, &ttl))
			continue;
		if (strcmp(e->args[i], "max_ttl") == 0 && ttl != 255)
			ki_fail(k, e, "'max_ttl %lld' not supported: vipd takes adverts of any TTL "
				"from unicast_ttl_min up; drop it", ttl);
		else if (strcmp(e->args[i], "min_ttl") == 0 && in->ttl_min != KI_UNSET &&
			 in->ttl_min != (ttl ? ttl : 1))
			ki_fail(k, e, "'min_ttl %lld' not supported beside another peer's: vipd has "
				"one unicast_ttl_min per instance; give every peer the same", ttl);
		else if (strcmp(e->args[i], "min_ttl") == 0)
			in->ttl_min = ttl ? ttl : 1;
		else if (strcmp(e->args[i], "max_ttl") != 0)
			ki_fail(k, e, "unicast_peer option '%s' not supported: give the address, "
				"min_ttl and max_ttl only", e->args[i]);
	}
	if (e->n_args % 2)
		ki_fail(k, e, "unicast_peer option '%s' needs a value", e->args[e->n_args - 1]);
}

static void inst_peers(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const struct kp_node *e;
	struct ip_addr *grown;

	for (e = n->child; e; e = e->next) {
		struct ip_addr a;

		peer_ttl(k, in, e);
		if (ipaddr_parse(e->keyword, &a) < 0) {
			ki_fail(k, e, "unicast_peer '%s' is not an address", e->keyword);
			continue;
		}
		if (!(grown = ki_grow(k, in->peers, &in->n_peers, sizeof(*grown))))
			return;
		in->peers = grown;
		in->peers[in->n_peers - 1] = a;
	}
	if (in->n_peers && in->ttl_min == KI_UNSET)
		ki_note(k, n, "keepalived takes unicast adverts of any TTL from its peers, vipd only "
			"with 255 (unicast_ttl_min): lower it if the peers are routed");
}

static void inst_unicast_ttl(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const char *v = ki_value(k, n);
	long long ttl;

	(void)in;
	if (v && ki_int(k, n, v, 1, 255, &ttl) && ttl != 255)
		ki_fail(k, n, "'unicast_ttl %lld' not supported: vipd sends unicast adverts with "
			"TTL 255; set unicast_ttl_min on the peers instead", ttl);
}

/* ---- tracking ---- */

static int track_weight(struct ki *k, const struct kp_node *e, int weight)
{
	long long w;

	if (e->n_args == 0)
		return weight;
	if (strcmp(e->args[0], "weight") != 0 || e->n_args < 2) {
		ki_fail(k, e, "track_script '%s': '%s' not supported: give 'weight N' or nothing",
			e->keyword, e->args[0]);
		return weight;
	}
	if (!ki_int(k, e, e->args[1], -254, 254, &w))
		return weight;
	if (w == 254 || w == -254) {
		ki_warn(k, e, "weight %lld is %d in keepalived, and so here", w, w > 0 ? 253 : -253);
		w = w > 0 ? 253 : -253;
	}
	if (e->n_args > 2 && strcmp(e->args[2], "reverse") == 0)
		ki_fail(k, e, "'weight ... reverse' not supported: vipd adds a positive weight while "
			"the check passes and a negative one while it fails; invert the script's exit "
			"status instead");
	return (int)w;
}

static bool has_check(const struct ki_instance *in, size_t c)
{
	size_t i;

	for (i = 0; i < in->n_checks; i++)
		if (in->checks[i] == c)
			return true;
	return false;
}

static void inst_track_script(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const struct kp_node *e;
	size_t *grown;

	for (e = n->child; e; e = e->next) {
		long s = ki_find_script(k, e->keyword), c;

		if (s < 0 || !k->scripts[s].command) {
			ki_warn(k, e, "track_script '%s' names no usable vrrp_script: keepalived "
				"ignores it, and so does the import", e->keyword);
			continue;
		}
		c = ki_check_for(k, (size_t)s, track_weight(k, e, k->scripts[s].weight));
		if (c < 0 || has_check(in, (size_t)c))
			continue;
		if (!(grown = ki_grow(k, in->checks, &in->n_checks, sizeof(*grown))))
			return;
		in->checks = grown;
		in->checks[in->n_checks - 1] = (size_t)c;
		k->any_script = true;
	}
}

static void inst_track_interface(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const struct kp_node *e;
	char **grown;

	for (e = n->child; e; e = e->next) {
		if (e->n_args && !(e->n_args == 2 && strcmp(e->args[0], "weight") == 0 &&
				   strcmp(e->args[1], "0") == 0)) {
			ki_fail(k, e, "track_interface '%s' with '%s' not supported: vipd puts the "
				"instance in Fault while a tracked interface is down; for a weight use "
				"an exec check such as 'ip link show %s up | grep -q UP'", e->keyword,
				e->args[0], e->keyword);
			continue;
		}
		if (!ifname_ok(e->keyword)) {
			ki_fail(k, e, "track_interface '%s' is not an interface name", e->keyword);
			continue;
		}
		if (!(grown = ki_grow(k, in->ifaces, &in->n_ifaces, sizeof(*grown))))
			return;
		in->ifaces = grown;
		in->ifaces[in->n_ifaces - 1] = ki_strdup(k, e->keyword);
	}
}

/* ---- notify ---- */

static void set_notify(struct ki *k, const struct kp_node *n, char **slot)
{
	if (!n->n_args) {
		ki_fail(k, n, "'%s' needs a script", n->keyword);
		return;
	}
	if (n->n_args > 1)
		ki_script_user(k, n, 1);
	free(*slot);
	*slot = ki_command(k, n, 0, 1);
	k->any_script = true;
}

static void inst_notify(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	const char *kw = n->keyword;
	struct ki_notify *t = &in->notify;

	set_notify(k, n, strcmp(kw, "notify") == 0	   ? &t->any
			 : strcmp(kw, "notify_master") == 0 ? &t->master
			 : strcmp(kw, "notify_backup") == 0 ? &t->backup
			 : strcmp(kw, "notify_fault") == 0  ? &t->fault
							    : &t->stop);
	if (strcmp(kw, "notify") == 0)
		ki_warn(k, n, "keepalived calls notify with 'INSTANCE name state priority', vipd "
			"with 'name state priority': the imported command puts INSTANCE first, so the "
			"script gets keepalived's arguments");
	else
		ki_note(k, n, "vipd has one notify command: the imported one runs '%s' on %s, "
			"without arguments, as keepalived does", kw, kw + strlen("notify_"));
}

/* One command for vipd's notify (which appends "name STATE priority"): the
 * per-state scripts by $2, then the generic one with keepalived's arguments. */
static char *notify_command(struct ki *k, const struct ki_notify *t)
{
	const char *states[4] = { "MASTER", "BACKUP", "FAULT", "STOP" };
	const char *scripts[4] = { t->master, t->backup, t->fault, t->stop };
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;

	if (!t->any && !t->master && !t->backup && !t->fault && !t->stop)
		return NULL;
	if (!(f = open_memstream(&text, &len))) {
		k->oom = true;
		return NULL;
	}
	if (t->master || t->backup || t->fault || t->stop) {
		fputs("case \"$2\" in", f);
		for (i = 0; i < 4; i++)
			if (scripts[i])
				fprintf(f, " %s) %s ;;", states[i], scripts[i]);
		fputs(" esac; ", f);
	}
	fputs(t->any ? t->any : ":", f);
	fputs(t->any ? " INSTANCE" : "", f);
	if (fclose(f) != 0)
		k->oom = true;
	return text;
}

/* ---- gratuitous ARP ---- */

static bool garp_secs(struct ki *k, const struct kp_node *n, long long *us)
{
	const char *v = ki_value(k, n);

	return v && ki_secs(k, n, v, 86400, us);
}

static void garp_delay(struct ki *k, const struct kp_node *n)
{
	long long us;

	if (garp_secs(k, n, &us) && us > 0)
		ki_warn(k, n, "'%s' not carried over: keepalived sends a second burst of "
			"gratuitous ARPs that long after becoming Master, vipd one burst (garp_count, "
			"garp_interval apart); set garp_refresh to repeat it while Master", n->keyword);
}

static void garp_interval(struct ki *k, struct ki_garp *g, const struct kp_node *n)
{
	long long us;

	if (!garp_secs(k, n, &us))
		return;
	if (g->interval_us != KI_UNSET && g->interval_us != us)
		ki_fail(k, n, "'%s' not supported beside a different garp interval: vipd spaces "
			"ARPs and neighbour advertisements alike (garp_interval)", n->keyword);
	else
		g->interval_us = us;
}

bool ki_garp_key(struct ki *k, struct ki_garp *g, const struct kp_node *n, const char *kw)
{
	const char *v;
	long long x;

	if (strcmp(kw, "garp_master_delay") == 0)
		garp_delay(k, n);
	else if (strcmp(kw, "garp_master_repeat") == 0) {
		if ((v = ki_value(k, n)) && ki_int(k, n, v, 0, 100, &x))
			g->count = x ? x : 1;
	} else if (strcmp(kw, "garp_master_refresh") == 0)
		garp_secs(k, n, &g->refresh_us);
	else if (strcmp(kw, "garp_master_refresh_repeat") == 0) {
		if ((v = ki_value(k, n)) && ki_int(k, n, v, 0, 100, &x) && x > 1)
			ki_fail(k, n, "'%s' %lld not supported: vipd sends one announcement per VIP "
				"at each garp_refresh", n->keyword, x);
	} else if (strcmp(kw, "garp_interval") == 0 || strcmp(kw, "gna_interval") == 0)
		garp_interval(k, g, n);
	else
		return false;
	return true;
}

/* ---- the instance ---- */

struct inst_key {
	const char *keyword;
	inst_fn fn;
};

static const struct inst_key inst_keys[] = {
	{ "state", inst_state },
	{ "virtual_router_id", inst_vrid },
	{ "priority", inst_priority },
	{ "advert_int", inst_advert },
	{ "version", inst_version },
	{ "authentication", inst_auth },
	{ "virtual_ipaddress", inst_vips },
	{ "virtual_ipaddress_excluded", inst_excluded },
	{ "unicast_src_ip", inst_source },
	{ "unicast_peer", inst_peers },
	{ "unicast_ttl", inst_unicast_ttl },
	{ "nopreempt", inst_nopreempt },
	{ "preempt_delay", inst_preempt_delay },
	{ "track_script", inst_track_script },
	{ "track_interface", inst_track_interface },
	{ "notify", inst_notify },
	{ "notify_master", inst_notify },
	{ "notify_backup", inst_notify },
	{ "notify_fault", inst_notify },
	{ "notify_stop", inst_notify },
	{ "mcast_src_ip", inst_mcast_src },
};

static void inst_key(struct ki *k, struct ki_instance *in, const struct kp_node *n)
{
	size_t i;

	if (strcmp(n->keyword, "interface") == 0 || ki_garp_key(k, &in->garp, n, n->keyword))
		return;
	for (i = 0; i < sizeof(inst_keys) / sizeof(inst_keys[0]); i++)
		if (strcmp(inst_keys[i].keyword, n->keyword) == 0) {
			inst_keys[i].fn(k, in, n);
			return;
		}
	ki_other_keyword(k, n);
}

/* keepalived's version: its own, or vrrp_version; IPv6 is always 3. */
static void finish_version(struct ki *k, struct ki_instance *in)
{
	int asked = in->version;

	in->version = asked ? asked : k->default_version;
	if (in->vips[0].addr.family == AF_INET6 && in->version == 2) {
		if (asked)
			ki_warn(k, in->node, "IPv6 needs VRRP version 3: keepalived uses 3 for this "
				"instance, and so does the import");
		in->version = 3;
	}
}

/* v2: whole seconds, rounded as keepalived does; v3: centiseconds. */
static void finish_advert(struct ki *k, struct ki_instance *in)
{
	long long unit = in->version == 2 ? KI_USEC : KI_USEC / 100;
	long long max = in->version == 2 ? 255 * KI_USEC : 4095 * (KI_USEC / 100);
	long long r = (in->advert_us + unit / 2) / unit * unit;

	if (r == 0)
		r = unit;
	if (r != in->advert_us)
		ki_warn(k, in->node, "advert_int rounded to %lld.%02lld s for VRRPv%d, as keepalived "
			"does", r / KI_USEC, r % KI_USEC / (KI_USEC / 100), in->version);
	if (r > max)
		ki_fail(k, in->node, "advert_int is more than %lld.%02lld s, the most VRRPv%d has",
			max / KI_USEC, max % KI_USEC / (KI_USEC / 100), in->version);
	in->advert_us = r > max ? max : r;
}

static void finish_auth(struct ki *k, struct ki_instance *in)
{
	if (!in->auth)
		return;
	if (in->version == 3) {
		ki_warn(k, in->auth_node, "keepalived ignores authentication with VRRP version 3, "
			"and so does the import");
		in->auth = 0;
	} else if (!in->password[0]) {
		ki_fail(k, in->auth_node, "authentication without an auth_pass cannot be carried "
			"over: vipd needs a password of 1 to 8 characters");
		in->auth = 0;
	}
}

static void finish_notes(struct ki *k, struct ki_instance *in)
{
	size_t i;

	if (in->state_master)
		ki_warn(k, in->node, "'state MASTER' only affects keepalived's start-up (it takes "
			"the VIP at once); vipd has no equivalent: it starts as Backup, and the highest "
			"priority becomes Master within about 3 advert intervals");
	for (i = 0; in->priority == 255 && i < in->n_checks; i++)
		if (k->checks[in->checks[i]].weight != 0) {
			ki_warn(k, in->node, "priority 255 never changes in vipd (the address "
				"owner's), so the weights of its checks do nothing; use 254 or less");
			break;
		}
}

/* Defaults, keepalived's corrections, what vipd requires. */
static void finish(struct ki *k, struct ki_instance *in)
{
	char *cmd;

	if (!in->interface[0] || !in->vrid || !in->n_vips) {
		ki_fail(k, in->node, "vrrp_instance '%s' needs %s: not imported", in->node->args[0],
			!in->interface[0] ? "an interface" : !in->vrid ? "a virtual_router_id"
								  : "a virtual_ipaddress");
		in->dropped = true;
		return;
	}
	finish_version(k, in);
	finish_advert(k, in);
	finish_auth(k, in);
	finish_notes(k, in);
	if (in->garp.count == KI_UNSET)
		in->garp.count = k->garp.count;
	if (in->garp.interval_us == KI_UNSET)
		in->garp.interval_us = k->garp.interval_us;
	if (in->garp.refresh_us == KI_UNSET)
		in->garp.refresh_us = k->garp.refresh_us;
	cmd = notify_command(k, &in->notify);
	free(in->notify.any);
	in->notify.any = cmd;
}

static bool name_taken(const struct ki *k, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < k->n_instances; i++)
		if (strcmp(k->instances[i].name, name) == 0)
			return true;
	return false;
}

void ki_instance(struct ki *k, const struct kp_node *n)
{
	struct ki_instance *in, *grown;
	const struct kp_node *c;
	char name[KI_NAME_MAX];

	if (!ki_name(k, n, "vrrp_instance", name))
		return;
	if (!(grown = ki_grow(k, k->instances, &k->n_instances, sizeof(*grown))))
		return;
	k->instances = grown;
	in = &k->instances[k->n_instances - 1];
	in->node = n;
	memcpy(in->name, name, sizeof(name));
	in->priority = 100;
	in->advert_us = KI_USEC;
	in->preempt = true;
	in->preempt_delay_us = 0;
	in->ttl_min = KI_UNSET;
	in->garp = (struct ki_garp){ KI_UNSET, KI_UNSET, KI_UNSET };
	if (name_taken(k, name)) {
		ki_fail(k, n, "vrrp_instance '%s': there is another instance of that name", name);
		in->dropped = true;
		return;
	}
	for (c = n->child; c; c = c->next)
		if (strcmp(c->keyword, "interface") == 0)
			inst_interface(k, in, c);
	if (!in->interface[0])
		snprintf(in->interface, sizeof(in->interface), "%s", k->default_interface);
	for (c = n->child; c && !k->oom; c = c->next)
		inst_key(k, in, c);
	finish(k, in);
}

void ki_instances_free(struct ki *k)
{
	size_t i, j;

	for (i = 0; i < k->n_instances; i++) {
		struct ki_instance *in = &k->instances[i];

		free(in->vips);
		free(in->peers);
		free(in->checks);
		for (j = 0; j < in->n_ifaces; j++)
			free(in->ifaces[j]);
		free(in->ifaces);
		free(in->notify.any);
		free(in->notify.master);
		free(in->notify.backup);
		free(in->notify.fault);
		free(in->notify.stop);
	}
	free(k->instances);
}

/* ---- output ---- */

static void write_list(FILE *f, const char *key, char *const *v, size_t n)
{
	size_t i;

	fprintf(f, "\t\t%s = [", key);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : " ", f);
		ki_out_str(f, v[i]);
	}
	fputs(" ];\n", f);
}

static void write_addrs(FILE *f, const struct ki_instance *in)
{
	char buf[IPADDR_STRLEN];
	size_t i;

	fputs("\t\tvips = [", f);
	for (i = 0; i < in->n_vips; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : " ", ipprefix_str(&in->vips[i], buf));
	fputs(" ];\n", f);
	if (in->source.family != AF_UNSPEC)
		fprintf(f, "\t\tunicast_source = \"%s\";\n", ipaddr_str(&in->source, buf));
	if (!in->n_peers)
		return;
	fputs("\t\tunicast_peers = [", f);
	for (i = 0; i < in->n_peers; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : " ", ipaddr_str(&in->peers[i], buf));
	fputs(" ];\n", f);
	if (in->ttl_min != KI_UNSET)
		fprintf(f, "\t\tunicast_ttl_min = %lld;\n", in->ttl_min);
}

static void write_garp(FILE *f, const struct ki_garp *g)
{
	if (g->count != KI_UNSET)
		fprintf(f, "\t\tgarp_count = %lld;\n", g->count);
	if (g->interval_us != KI_UNSET) {
		fputs("\t\tgarp_interval = ", f);
		ki_out_secs(f, g->interval_us);
		fputs(";\n", f);
	}
	if (g->refresh_us != KI_UNSET) {
		fputs("\t\tgarp_refresh = ", f);
		ki_out_secs(f, g->refresh_us);
		fputs(";\n", f);
	}
}

static void write_tracking(const struct ki *k, const struct ki_instance *in, FILE *f)
{
	size_t i;

	if (in->n_checks) {
		fputs("\t\ttrack_checks = [", f);
		for (i = 0; i < in->n_checks; i++)
			fprintf(f, "%s\"%s\"", i ? ", " : " ", k->checks[in->checks[i]].name);
		fputs(" ];\n", f);
	}
	if (in->n_ifaces)
		write_list(f, "track_interfaces", in->ifaces, in->n_ifaces);
}

void ki_write_instance(const struct ki *k, const struct ki_instance *in, FILE *f)
{
	fprintf(f, "\t# vrrp_instance %s, %s:%d\n\t{\n", in->node->args[0], in->node->file,
		in->node->line);
	ki_out_key_str(f, "name", in->name);
	ki_out_key_str(f, "interface", in->interface);
	fprintf(f, "\t\tvrid = %d;\n\t\tpriority = %d;\n\t\tversion = %d;\n\t\tadvert_interval = ",
		in->vrid, in->priority, in->version);
	ki_out_secs(f, in->advert_us);
	fputs(";\n", f);
	if (!in->preempt)
		fputs("\t\tpreempt = false;\n", f);
	if (in->preempt_delay_us > 0) {
		fputs("\t\tpreempt_delay = ", f);
		ki_out_secs(f, in->preempt_delay_us);
		fputs(";\n", f);
	}
	write_addrs(f, in);
	if (in->auth) {
		fprintf(f, "\t\tauth = { type = \"%s\"; password = ", in->auth == 2 ? "ah" : "pass");
		ki_out_str(f, in->password);
		fputs("; };\n", f);
	}
	write_garp(f, &in->garp);
	write_tracking(k, in, f);
	if (in->notify.any)
		ki_out_key_str(f, "notify", in->notify.any);
	fputs("\t}", f);
}
