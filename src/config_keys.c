/* The key tables: for each group (vipd, a check, an instance) the allowed keys with
 * their types, ranges, defaults and print order, and the code of the keys that need
 * more than a generic parser (check targets, VIPs, unicast peers, auth). */
#include "config_internal.h"

#include <stdlib.h>
#include <string.h>

#define COUNT_MAX 1000

static const char *const check_types[] = { "exec", "https", "tcp", NULL };
static const char *const initial_states[] = { "failed", "up", NULL };
static const char *const auth_types[] = { "none", "pass", "ah", NULL };
static const char *const csum_forms[] = { "pseudo-header", "message", NULL };

/* ---- string checks ---- */

static int check_name(struct loader *ld, const config_setting_t *s, const char *name)
{
	const char *p;

	for (p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("_-.", *p))
			return cfg_fail(ld, s,
					"name '%s' may only hold letters, digits, '_', '-' and '.'",
					name);
	return 0;
}

/* A Linux interface name: 1..IF_NAMESIZE-1 bytes, no '/', ':' or blanks. */
static int check_ifname(struct loader *ld, const config_setting_t *s, const char *name)
{
	if (strlen(name) >= IF_NAMESIZE)
		return cfg_fail(ld, s, "interface name '%s' is too long (max %d)", name,
				IF_NAMESIZE - 1);
	if (*name == '\0' || strpbrk(name, "/: ") || !strcmp(name, ".") || !strcmp(name, ".."))
		return cfg_fail(ld, s, "bad interface name '%s'", name);
	return 0;
}

static int check_known(struct loader *ld, const config_setting_t *s, const char *name)
{
	if (!config_find_check(ld->cfg, name))
		return cfg_fail(ld, s, "unknown check '%s'", name);
	return 0;
}

/* ---- checks ---- */

/* tcp and https targets through the probe's own grammar, parsed once here. */
static int check_target(struct loader *ld, const config_setting_t *g, struct check_config *c)
{
	const config_setting_t *s = config_setting_get_member(g, "target");
	enum check_target_error e;

	if (!c->target)
		return cfg_fail(ld, s, "'target' must not be empty");
	if (c->type == CHECK_EXEC)
		return 0;
	e = check_target_parse(c->type == CHECK_HTTPS, c->target, &c->net);
	if (e != CHECK_TARGET_OK)
		return cfg_fail(ld, s, "%s target '%s': %s", config_check_type_name(c->type),
				c->target, check_target_error_text(e));
	return 0;
}

/* The line of a key of group g, or the group's line when it is not there. */
static int key_line(const config_setting_t *g, const char *key)
{
	const config_setting_t *s = config_setting_get_member(g, key);

	return cfg_setting_line(s ? s : g);
}

static void check_lines(const config_setting_t *g, struct check_config *c)
{
	c->line = cfg_setting_line(g);
	c->target_line = key_line(g, "target");
	c->ca_file_line = key_line(g, "ca_file");
	c->client_cert_line = key_line(g, "client_cert");
	c->client_key_line = key_line(g, "client_key");
}

static int check_https_keys(struct loader *ld, const config_setting_t *g,
			    const struct check_config *c)
{
	const config_setting_t *half;
	const struct key *k;

	for (k = cfg_check_spec.keys; k->name && c->type != CHECK_HTTPS; k++)
		if ((k->flags & F_HTTPS) && config_setting_get_member(g, k->name))
			return cfg_fail(ld, config_setting_get_member(g, k->name),
					"'%s' applies to https checks only", k->name);
	if (c->server_name && strlen(c->server_name) >= CHECK_TARGET_HOST_MAX)
		return cfg_fail(ld, config_setting_get_member(g, "server_name"),
				"'server_name' is too long (max %d characters)",
				CHECK_TARGET_HOST_MAX - 1);
	if (!c->client_cert == !c->client_key)
		return 0;
	half = config_setting_get_member(g, c->client_cert ? "client_cert" : "client_key");
	return cfg_fail(ld, half, "'client_cert' and 'client_key' go together");
}

static int check_post(struct loader *ld, const config_setting_t *g, void *obj)
{
	struct check_config *c = obj;
	const config_setting_t *t = config_setting_get_member(g, "timeout");

	check_lines(g, c);
	if (check_target(ld, g, c) < 0)
		return -1;
	if (!t)
		c->timeout = c->interval < USEC_PER_SEC ? c->interval : USEC_PER_SEC;
	else if (c->timeout > c->interval)
		return cfg_fail(ld, t, "'timeout' must not exceed 'interval'");
	return check_https_keys(ld, g, c);
}

/* A variable name of an exec check's env: a letter or '_', then letters,
 * digits and '_'; PATH and HOME are vipd's own. */
static int check_env_name(struct loader *ld, const config_setting_t *e, const char *name)
{
	const char *p = name;

	if (strcmp(name, "PATH") == 0 || strcmp(name, "HOME") == 0)
		return cfg_fail(ld, e, "env '%s' is set by vipd (PATH and HOME are fixed)", name);
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
		return cfg_fail(ld, e, "env name '%s' must start with a letter or '_'", name);
	for (p++; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return cfg_fail(ld, e, "env name '%s' may only hold letters, digits and '_'",
					name);
	return 0;
}

static int add_env(struct loader *ld, const config_setting_t *e, struct check_config *c)
{
	const char *name = config_setting_name(e), *value;
	size_t len;

	if (check_env_name(ld, e, name) < 0 || cfg_check_string(ld, e, name) < 0)
		return -1;
	value = config_setting_get_string(e);
	len = strlen(name) + strlen(value) + 2;
	if (!(c->env[c->n_env] = cfg_calloc(ld, len, 1)))
		return -1;
	snprintf(c->env[c->n_env], len, "%s=%s", name, value);
	c->n_env++;
	return 0;
}

/* env = { NAME = "value"; ... }: extra environment of an exec check's script. */
static int parse_env(struct loader *ld, const config_setting_t *s, void *obj)
{
	struct check_config *c = obj;
	int i, n;

	if (!s)
		return 0;
	if (c->type != CHECK_EXEC)
		return cfg_fail(ld, s, "'env' applies to exec checks only");
	if (!config_setting_is_group(s))
		return cfg_fail(ld, s, "'env' must be a group: env = { NAME = \"value\"; };");
	n = config_setting_length(s);
	if (n > CONFIG_ENV_MAX)
		return cfg_fail(ld, s, "at most %d env entries", CONFIG_ENV_MAX);
	if (n == 0)
		return 0;
	if (!(c->env = cfg_calloc(ld, (size_t)n + 1, sizeof(*c->env))))
		return -1;
	for (i = 0; i < n; i++)
		if (add_env(ld, cfg_elem(s, i), c) < 0)
			return -1;
	return 0;
}

static bool check_shows(const void *obj, const struct key *k)
{
	const struct check_config *c = obj;

	if (k->flags & F_EXEC)
		return c->type == CHECK_EXEC;
	return !(k->flags & F_HTTPS) || c->type == CHECK_HTTPS;
}

#define CHK struct check_config
static const struct key check_keys[] = {
	{ "name", K_BUF, F_REQ, AT(CHK, name), .check = check_name },
	{ "type", K_CHOICE, F_REQ, AT(CHK, type), .words = check_types },
	{ "target", K_STR, F_REQ, AT(CHK, target) },
	{ "interval", K_SECS, F_POSITIVE, AT(CHK, interval), .def = USEC_PER_SEC },
	{ "timeout", K_SECS, F_POSITIVE, AT(CHK, timeout) },
	{ "rise", K_INT, 0, AT(CHK, rise), .min = 1, .max = COUNT_MAX, .def = 1 },
	{ "fall", K_INT, 0, AT(CHK, fall), .min = 1, .max = COUNT_MAX, .def = 1 },
	{ "weight", K_INT, 0, AT(CHK, weight), .min = -254, .max = 254 },
	{ "initial", K_CHOICE, 0, AT(CHK, initial_up), .words = initial_states },
	{ "env", K_CUSTOM, F_EXEC, .parse = parse_env, .print = cfg_print_env },
	{ "ca_file", K_STR, F_HTTPS, AT(CHK, ca_file) },
	{ "server_name", K_STR, F_HTTPS, AT(CHK, server_name) },
	{ "insecure", K_BOOL, F_HTTPS, AT(CHK, insecure) },
	{ "client_cert", K_STR, F_HTTPS, AT(CHK, client_cert) },
	{ "client_key", K_STR, F_HTTPS, AT(CHK, client_key) },
	{ .name = NULL },
};

const struct group_spec cfg_check_spec = { "check", check_keys, true, check_post, check_shows };

/* ---- instances: the keys that need code ---- */

static int parse_advert(struct loader *ld, const config_setting_t *s, void *obj)
{
	struct instance_config *in = obj;
	usec_t iv = USEC_PER_SEC;
	char text[32];

	if (s && cfg_get_secs(ld, s, true, &iv) < 0)
		return -1;
	cfg_fmt_secs(iv, text, sizeof(text));
	if (in->version == 2) {
		if (iv % USEC_PER_SEC)
			return cfg_fail(ld, s, "version 2 needs a whole-second advert_interval");
		if (iv > 255 * USEC_PER_SEC)
			return cfg_fail(ld, s, "advert_interval %s out of range 1..255 for version 2",
					text);
	} else {
		if (iv % USEC_PER_CSEC)
			return cfg_fail(ld, s, "advert_interval %s must be a multiple of 0.01 s",
					text);
		if (iv > 4095 * USEC_PER_CSEC)
			return cfg_fail(ld, s, "advert_interval %s out of range 0.01..40.95", text);
	}
	in->advert_interval_cs = (uint16_t)(iv / USEC_PER_CSEC);
	return 0;
}

static bool vip_addr_ok(const struct ip_addr *a)
{
	static const struct ip_addr zero4 = { .family = AF_INET };
	static const struct ip_addr zero6 = { .family = AF_INET6 };

	if (a->family == AF_INET)
		return !ipaddr_equal(a, &zero4) && (ntohl(a->u.v4.s_addr) >> 28) != 0xe;
	return !ipaddr_equal(a, &zero6) && a->u.v6.s6_addr[0] != 0xff;
}

static int add_vip(struct loader *ld, const config_setting_t *e, struct instance_config *in,
		   size_t count[2])
{
	struct ip_prefix *p = &in->vips[in->n_vips];
	const char *text = config_setting_get_string(e);
	char buf[IPADDR_STRLEN];
	size_t i;
	int v6;

	if (ipprefix_parse(text, p) < 0 || !vip_addr_ok(&p->addr))
		return cfg_fail(ld, e, "bad VIP '%s'", text);
	v6 = p->addr.family == AF_INET6;
	if (v6 && in->version == 2)
		return cfg_fail(ld, e, "IPv6 VIP '%s' needs version 3", text);
	for (i = 0; i < in->n_vips; i++)
		if (ipaddr_equal(&in->vips[i].addr, &p->addr))
			return cfg_fail(ld, e, "duplicate VIP '%s'", ipaddr_str(&p->addr, buf));
	if (++count[v6] > VRRP_MAX_ADDRS)
		return cfg_fail(ld, e, "too many IPv%d VIPs (max %d)", v6 ? 6 : 4, VRRP_MAX_ADDRS);
	in->n_vips++;
	return 0;
}

static int parse_vips(struct loader *ld, const config_setting_t *s, void *obj)
{
	struct instance_config *in = obj;
	size_t count[2] = { 0, 0 };
	int i, n;

	if (cfg_check_strlist(ld, s) < 0)
		return -1;
	n = config_setting_length(s);
	if (n == 0)
		return cfg_fail(ld, s, "'vips' must not be empty");
	if (!(in->vips = cfg_calloc(ld, (size_t)n, sizeof(*in->vips))))
		return -1;
	for (i = 0; i < n; i++)
		if (add_vip(ld, cfg_elem(s, i), in, count) < 0)
			return -1;
	return 0;
}

const char *cfg_family_name(sa_family_t family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* A unicast address: parsed, and of a family the instance has VIPs of. */
static int parse_unicast_addr(struct loader *ld, const config_setting_t *e, const char *key,
			      const struct instance_config *in, struct ip_addr *out)
{
	const char *text = config_setting_get_string(e);

	if (ipaddr_parse(text, out) < 0)
		return cfg_fail(ld, e, "bad address '%s' in '%s'", text, key);
	if (!config_instance_has_family(in, out->family))
		return cfg_fail(ld, e, "%s '%s' is %s but instance '%s' has no %s VIP", key, text,
				cfg_family_name(out->family), in->name,
				cfg_family_name(out->family));
	return 0;
}

static int parse_source(struct loader *ld, const config_setting_t *s, void *obj)
{
	struct instance_config *in = obj;

	if (!s)
		return 0;
	if (cfg_check_string(ld, s, "unicast_source") < 0)
		return -1;
	if (config_setting_get_string(s)[0] == '\0')
		return 0;
	return parse_unicast_addr(ld, s, "unicast_source", in, &in->unicast_source);
}

static bool has_peer_of(const struct instance_config *in, sa_family_t family)
{
	size_t i;

	for (i = 0; i < in->n_unicast_peers; i++)
		if (in->unicast_peers[i].family == family)
			return true;
	return false;
}

static int add_peer(struct loader *ld, const config_setting_t *e, struct instance_config *in)
{
	struct ip_addr *a = &in->unicast_peers[in->n_unicast_peers];
	size_t j;

	if (parse_unicast_addr(ld, e, "unicast_peers", in, a) < 0)
		return -1;
	for (j = 0; j < in->n_unicast_peers; j++)
		if (ipaddr_equal(&in->unicast_peers[j], a))
			return cfg_fail(ld, e, "duplicate unicast peer '%s'",
					config_setting_get_string(e));
	in->n_unicast_peers++;
	return 0;
}

/* Peers: each of a VIP family, no duplicates, and one at least per VIP family. */
static int parse_peers(struct loader *ld, const config_setting_t *s, void *obj)
{
	struct instance_config *in = obj;
	const sa_family_t fams[2] = { AF_INET, AF_INET6 };
	int i, n;

	if (!s)
		return 0;
	if (cfg_check_strlist(ld, s) < 0)
		return -1;
	n = config_setting_length(s);
	if (n == 0)
		return 0;
	if (n > VRRP_MAX_ADDRS)
		return cfg_fail(ld, s, "at most %d unicast peers", VRRP_MAX_ADDRS);
	if (!(in->unicast_peers = cfg_calloc(ld, (size_t)n, sizeof(*in->unicast_peers))))
		return -1;
	for (i = 0; i < n; i++)
		if (add_peer(ld, cfg_elem(s, i), in) < 0)
			return -1;
	for (i = 0; i < 2; i++)
		if (config_instance_has_family(in, fams[i]) && !has_peer_of(in, fams[i]))
			return cfg_fail(ld, s, "instance '%s' has %s VIPs but no %s unicast peer",
					in->name, cfg_family_name(fams[i]),
					cfg_family_name(fams[i]));
	return 0;
}

static int parse_password(struct loader *ld, const config_setting_t *a, long long type,
			  struct instance_config *in)
{
	const config_setting_t *p = config_setting_get_member(a, "password");
	const char *text;

	if (type == 0 && p)
		return cfg_fail(ld, p, "'password' needs auth type \"pass\" or \"ah\"");
	if (type == 0)
		return 0;
	if (!p)
		return cfg_fail(ld, a, "missing 'password' in auth of instance '%s'", in->name);
	if (cfg_check_string(ld, p, "password") < 0)
		return -1;
	text = config_setting_get_string(p);
	if (!*text || strlen(text) > VRRP_V2_AUTH_LEN)
		return cfg_fail(ld, p, "'password' must be 1 to %d characters", VRRP_V2_AUTH_LEN);
	strcpy(in->auth_password, text);
	return 0;
}

static int parse_auth(struct loader *ld, const config_setting_t *a, void *obj)
{
	struct instance_config *in = obj;
	const config_setting_t *t;
	long long type = 0;
	int i;

	if (!a)
		return 0;
	if (!config_setting_is_group(a))
		return cfg_fail(ld, a, "'auth' must be a group");
	for (i = 0; i < config_setting_length(a); i++)
		if (strcmp(config_setting_name(cfg_elem(a, i)), "type") != 0 &&
		    strcmp(config_setting_name(cfg_elem(a, i)), "password") != 0)
			return cfg_fail(ld, cfg_elem(a, i),
					"unknown key '%s' in auth of instance '%s'",
					config_setting_name(cfg_elem(a, i)), in->name);
	t = config_setting_get_member(a, "type");
	if (t && cfg_get_choice(ld, t, auth_types, &type) < 0)
		return -1;
	if (type != 0 && in->version != 2)
		return cfg_fail(ld, t, "auth is VRRPv2 only");
	in->auth_type = type == 2 ? VRRP_AUTH_AH : type == 1 ? VRRP_AUTH_PASS : VRRP_AUTH_NONE;
	return parse_password(ld, a, type, in);
}

#define INST struct instance_config
static const struct key instance_keys[] = {
	{ "name", K_BUF, F_REQ, AT(INST, name), .check = check_name },
	{ "interface", K_BUF, F_REQ, AT(INST, interface), .check = check_ifname },
	{ "vrid", K_INT, F_REQ, AT(INST, vrid), .min = 1, .max = 255 },
	{ "priority", K_INT, 0, AT(INST, priority), .min = 1, .max = 255, .def = 100 },
	{ "version", K_INT, 0, AT(INST, version), .min = 2, .max = 3, .def = 3 },
	{ "advert_interval", K_CUSTOM, 0, .parse = parse_advert, .print = cfg_print_advert },
	{ "preempt", K_BOOL, 0, AT(INST, preempt), .def = 1 },
	{ "preempt_delay", K_SECS, 0, AT(INST, preempt_delay) },
	{ "vips", K_CUSTOM, F_REQ, .parse = parse_vips, .print = cfg_print_vips },
	{ "vip_interface", K_BUF, 0, AT(INST, vip_interface), .check = check_ifname },
	{ "unicast_source", K_CUSTOM, 0, .parse = parse_source, .print = cfg_print_source },
	{ "unicast_peers", K_CUSTOM, 0, .parse = parse_peers, .print = cfg_print_peers },
	{ "unicast_ttl_min", K_INT, 0, AT(INST, unicast_ttl_min), .min = 1, .max = 255,
	  .def = 255 },
	{ "auth", K_CUSTOM, 0, .parse = parse_auth, .print = cfg_print_auth },
	{ "checksum", K_CHOICE, 0, AT(INST, v3_checksum), .words = csum_forms },
	{ "garp_count", K_INT, 0, AT(INST, garp_count), .min = 0, .max = 100, .def = 3 },
	{ "garp_interval", K_SECS, 0, AT(INST, garp_interval), .def = USEC_PER_SEC / 10 },
	{ "garp_refresh", K_SECS, 0, AT(INST, garp_refresh) },
	{ "track_checks", K_STRV, 0, AT(INST, track_checks),
	  .aux = offsetof(INST, n_track_checks), .check = check_known },
	{ "track_interfaces", K_STRV, 0, AT(INST, track_interfaces),
	  .aux = offsetof(INST, n_track_interfaces), .check = check_ifname },
	{ "notify", K_STR, 0, AT(INST, notify) },
	{ .name = NULL },
};

/* vip_interface: another interface than the VRRP one, and host routes only
 * (a wider prefix there would make a whole subnet local to this node). */
static int check_vip_interface(struct loader *ld, const config_setting_t *g,
			       const struct instance_config *in)
{
	const config_setting_t *s = config_setting_get_member(g, "vip_interface");
	char buf[IPADDR_STRLEN];
	size_t i;

	if (!s)
		return 0;
	if (strcmp(in->vip_interface, in->interface) == 0)
		return cfg_fail(ld, s, "'vip_interface' names the VRRP interface '%s': leave it out",
				in->interface);
	for (i = 0; i < in->n_vips; i++) {
		const struct ip_prefix *v = &in->vips[i];
		int host = v->addr.family == AF_INET6 ? 128 : 32;

		if (v->len != host)
			return cfg_fail(ld, s, "VIP '%s' must be a /%d to be held on vip_interface '%s'",
					ipprefix_str(v, buf), host, in->vip_interface);
		if (ipaddr_is_v6_linklocal(&v->addr))
			return cfg_fail(ld, s, "link-local VIP '%s' cannot be held on vip_interface '%s'",
					ipaddr_str(&v->addr, buf), in->vip_interface);
	}
	return 0;
}

static int instance_post(struct loader *ld, const config_setting_t *g, void *obj)
{
	struct instance_config *in = obj;
	const config_setting_t *t = config_setting_get_member(g, "track_interfaces");

	in->line = cfg_setting_line(g);
	in->interface_line = cfg_setting_line(config_setting_get_member(g, "interface"));
	in->notify_line = key_line(g, "notify");
	in->track_interfaces_line = t ? cfg_setting_line(t) : 0;
	t = config_setting_get_member(g, "vip_interface");
	in->vip_interface_line = t ? cfg_setting_line(t) : 0;
	return check_vip_interface(ld, g, in);
}

/* vip_interface is printed when set: "" is not a value it takes. */
static bool instance_shows(const void *obj, const struct key *k)
{
	const struct instance_config *in = obj;

	return strcmp(k->name, "vip_interface") != 0 || in->vip_interface[0] != '\0';
}

const struct group_spec cfg_instance_spec = { "instance", instance_keys, true, instance_post,
					       instance_shows };

/* metrics_listen = "ADDR[:PORT]" (":PORT" for 127.0.0.1): the tcp check
 * grammar, with CONFIG_METRICS_PORT when no port is given. */
static enum check_target_error listen_target(const char *text, struct check_target *t)
{
	char buf[CHECK_TARGET_HOST_MAX + 16];
	enum check_target_error e;

	snprintf(buf, sizeof(buf), "%s%s", *text == ':' ? "127.0.0.1" : "", text);
	e = check_target_parse(false, buf, t);
	if (e == CHECK_TARGET_NO_PORT) {
		snprintf(buf, sizeof(buf), "%s:%d", text, CONFIG_METRICS_PORT);
		e = check_target_parse(false, buf, t);
	}
	return e;
}

/* metrics_listen: off when absent or "". */
static int parse_metrics_listen(struct loader *ld, const config_setting_t *s, void *obj)
{
	struct config *cfg = obj;
	struct check_target t;
	enum check_target_error e;
	const char *text;

	if (!s)
		return 0;
	if (cfg_check_string(ld, s, "metrics_listen") < 0)
		return -1;
	text = config_setting_get_string(s);
	cfg->metrics_listen_line = cfg_setting_line(s);
	if (!*text)
		return 0;
	e = listen_target(text, &t);
	if (e == CHECK_TARGET_BAD_PORT || (e == CHECK_TARGET_OK && t.port < CONFIG_METRICS_PORT_MIN))
		return cfg_fail(ld, s, "metrics_listen '%s': the port must be %d..65535", text,
				CONFIG_METRICS_PORT_MIN);
	if (e != CHECK_TARGET_OK)
		return cfg_fail(ld, s, "metrics_listen '%s': %s", text, check_target_error_text(e));
	if (ipaddr_is_v6_linklocal(&t.addr))
		return cfg_fail(ld, s, "metrics_listen '%s': a link-local address is not supported",
				text);
	cfg->metrics_addr = t.addr;
	cfg->metrics_port = t.port;
	return 0;
}

static const struct key vipd_keys[] = {
	{ "router_id", K_BUF, 0, AT(struct config, router_id) },
	{ "script_user", K_BUF, 0, AT(struct config, script_user), .sdef = "vipd" },
	{ "metrics_listen", K_CUSTOM, 0, .parse = parse_metrics_listen,
	  .print = cfg_print_metrics_listen },
	{ "realtime_priority", K_INT, 0, AT(struct config, realtime_priority), .min = 0,
	  .max = 99 },
	{ .name = NULL },
};

static int vipd_post(struct loader *ld, const config_setting_t *g, void *obj)
{
	const config_setting_t *s = config_setting_get_member(g, "script_user");

	(void)ld;
	((struct config *)obj)->script_user_line = s ? cfg_setting_line(s) : 0;
	return 0;
}

const struct group_spec cfg_vipd_spec = { "'vipd'", vipd_keys, false, vipd_post, NULL };

const struct key cfg_top_keys[] = {
	{ .name = "vipd" }, { .name = "checks" }, { .name = "instances" }, { .name = NULL },
};

const char *config_check_type_name(enum check_type type)
{
	if ((unsigned)type < sizeof(check_types) / sizeof(check_types[0]) - 1)
		return check_types[type];
	return "?";
}

