/* The status document and its human views (table, stats). */
#include "status.h"

#include <net/if.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "health.h"
#include "ipaddr.h"
#include "sched_rt.h"
#include "vrrp_instance.h"
#include "vrrp_router.h"
#include "vrrp_socket.h"

/* ---- building ---------------------------------------------------------- */

static json_t *json_addr_or_null(const struct ip_addr *a)
{
	char buf[IPADDR_STRLEN];

	if (a->family != AF_INET && a->family != AF_INET6)
		return json_null();
	return json_string(ipaddr_str(a, buf));
}

static json_t *router_vips(const struct vrrp_router *r)
{
	json_t *list = json_array();
	char buf[IPADDR_STRLEN];
	size_t i;

	for (i = 0; i < r->n_vips; i++)
		json_array_append_new(list, json_string(ipprefix_str(&r->vips[i], buf)));
	return list;
}

static json_t *router_drops(const struct vrrp_router *r)
{
	json_t *drops = json_object();
	int reason;

	for (reason = 1; reason < VRRP_DROP__COUNT; reason++)
		json_object_set_new(drops, vrrp_drop_reason_name(reason),
				    json_integer((json_int_t)r->drops[reason]));
	return drops;
}

static json_t *router_transitions(const struct vrrp_router *r)
{
	json_t *t = json_object();
	int s;

	for (s = 0; s < VRRP_STATE__COUNT; s++)
		json_object_set_new(t, vrrp_state_name(s),
				    json_integer((json_int_t)r->fsm.transitions[s]));
	return t;
}

static json_t *router_counters(const struct vrrp_router *r)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}", "adverts_sent", (json_int_t)r->tx_adverts,
			 "adverts_received", (json_int_t)r->rx_accepted, "send_errors",
			 (json_int_t)r->tx_errors, "vip_restores", (json_int_t)r->vip_restores,
			 "drops", router_drops(r), "transitions", router_transitions(r));
}

static json_t *router_last_transition(const struct vrrp_router *r)
{
	const struct vrrp_action *a = &r->last_change;

	if (r->last_change_at == 0)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s, s:I}", "from", vrrp_state_name(a->from), "to",
			 vrrp_state_name(a->to), "reason", r->last_reason, "reason_code",
			 vrrp_reason_name(a->why.reason), "unix_time", (json_int_t)r->last_change_unix);
}

static double router_state_seconds(const struct vrrp_router *r, usec_t started)
{
	usec_t since = r->last_change_at ? r->last_change_at : started;

	return (double)(time_now() - since) / (double)USEC_PER_SEC;
}

static json_t *router_json(const struct vrrp_router *r, usec_t started)
{
	bool master = r->fsm.state == VRRP_STATE_MASTER;
	json_t *o = json_object();

	json_object_set_new(o, "family", json_string(vrrp_router_family_name(r)));
	json_object_set_new(o, "state", json_string(vrrp_state_name(r->fsm.state)));
	json_object_set_new(o, "base_priority", json_integer(r->cfg->priority));
	json_object_set_new(o, "effective_priority", json_integer(r->fsm.priority));
	json_object_set_new(o, "advertised_priority",
			    json_integer(vrrp_fsm_election_priority(&r->fsm)));
	json_object_set_new(o, "drained", json_boolean(r->fsm.drained));
	json_object_set_new(o, "source", r->have_primary ? json_addr_or_null(&r->fsm.cfg.primary)
							 : json_null());
	json_object_set_new(o, "master", json_addr_or_null(&r->fsm.master));
	json_object_set_new(o, "vips", router_vips(r));
	json_object_set_new(o, "holds_vips", json_boolean(master));
	json_object_set_new(o, "state_seconds", json_real(router_state_seconds(r, started)));
	json_object_set_new(o, "last_transition", router_last_transition(r));
	json_object_set_new(o, "counters", router_counters(r));
	return o;
}

static json_t *instance_json(const struct vrrp_instance *in, usec_t started)
{
	const struct instance_config *c = vrrp_instance_config(in);
	json_t *routers = json_array();
	size_t i;

	for (i = 0; i < vrrp_instance_router_count(in); i++)
		json_array_append_new(routers, router_json(vrrp_instance_router(in, i), started));
	return json_pack("{s:s, s:s, s:i, s:i, s:b, s:b, s:o}", "name", c->name, "interface",
			 c->interface, "vrid", c->vrid, "version", c->version, "drained",
			 vrrp_instance_drained(in), "link_up", vrrp_instance_link_is_up(in),
			 "routers", routers);
}

static const char *check_type_name(enum check_type type)
{
	switch (type) {
	case CHECK_EXEC:
		return "exec";
	case CHECK_HTTPS:
		return "https";
	case CHECK_TCP:
		return "tcp";
	}
	return "?";
}

static json_t *check_json(const struct check *c)
{
	const struct check_config *cfg = check_config_of(c);
	const char *reason = check_last_reason(c);
	struct check_stats st;

	check_get_stats(c, &st);
	return json_pack("{s:s, s:s, s:s, s:b, s:i, s:s, s:o, s:f, s:I, s:I, s:I, s:I, s:I}",
			 "name",
			 cfg->name, "type", check_type_name(cfg->type), "target", cfg->target, "up",
			 check_is_up(c), "weight", cfg->weight, "last_result",
			 st.runs == 0 ? "none" : (reason[0] ? "fail" : "ok"), "last_reason",
			 reason[0] ? json_string(reason) : json_null(), "last_latency_seconds",
			 (double)st.last_latency / (double)USEC_PER_SEC, "runs", (json_int_t)st.runs,
			 "successes", (json_int_t)st.successes, "failures", (json_int_t)st.failures,
			 "transitions", (json_int_t)st.transitions, "lost_connections",
			 (json_int_t)st.lost);
}

static json_t *checks_json(const struct health *h)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; h && i < health_check_count(h); i++)
		json_array_append_new(list, check_json(health_check(h, i)));
	return list;
}

/* Drops before any router saw the packet (unknown VRID, bad IP header, too
 * short), per VRRP socket (interface and family). */
static json_t *sockets_json(void)
{
	const struct vrrp_socket *s = NULL;
	json_t *list = json_array();
	char ifname[IF_NAMESIZE];
	int reason;

	while ((s = vrrp_socket_next(s))) {
		json_t *drops = json_object();

		for (reason = 1; reason < VRRP_DROP__COUNT; reason++)
			json_object_set_new(drops, vrrp_drop_reason_name(reason),
					    json_integer((json_int_t)vrrp_socket_drops(s, reason)));
		if (!if_indextoname((unsigned)vrrp_socket_ifindex(s), ifname))
			snprintf(ifname, sizeof(ifname), "#%d", vrrp_socket_ifindex(s));
		json_array_append_new(list,
				      json_pack("{s:s, s:s, s:o}", "interface", ifname, "family",
						vrrp_socket_family(s) == AF_INET ? "IPv4" : "IPv6",
						"drops", drops));
	}
	return list;
}

static json_t *reload_json(const struct status_reload *r)
{
	return json_pack("{s:I, s:I, s:o, s:b, s:o}", "count", (json_int_t)r->count, "failures",
			 (json_int_t)r->failures, "last_unix_time",
			 r->last_unix ? json_integer(r->last_unix) : json_null(), "last_ok", r->last_ok,
			 "last_error", r->last_error[0] ? json_string(r->last_error) : json_null());
}

/* The daemon's CPU scheduling: realtime_priority in force, or ordinary. */
static json_t *scheduling_json(void)
{
	int prio = sched_rt_priority();

	return json_pack("{s:s, s:i, s:b, s:s?}", "policy", prio ? "rr" : "other", "priority",
			 prio, "realtime_fell_back", sched_rt_fell_back(), "realtime_error",
			 sched_rt_error());
}

json_t *status_build(const struct status_source *src)
{
	usec_t started = time_now() - (usec_t)(time(NULL) - src->started_unix) * USEC_PER_SEC;
	json_t *instances = json_array();
	size_t i;

	for (i = 0; i < src->n_instances; i++)
		json_array_append_new(instances, instance_json(src->instances[i], started));
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:o, s:o, s:o, s:o, s:o}", "version",
			 PACKAGE_VERSION, "router_id", src->router_id, "config_file",
			 src->config_file, "started_unix_time", (json_int_t)src->started_unix,
			 "uptime_seconds", (json_int_t)(time(NULL) - src->started_unix), "reload",
			 reload_json(src->reload), "instances", instances, "checks",
			 checks_json(src->health), "sockets", sockets_json(), "scheduling",
			 scheduling_json());
}

/* ---- the table ----------------------------------------------------------- */

static const char *str_or(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

static void print_vips(const json_t *r, FILE *out)
{
	const json_t *v;
	size_t i;

	json_array_foreach(json_object_get(r, "vips"), i, v)
		fprintf(out, "%s%s", i ? "," : "", json_string_value(v));
}

static void print_router_row(const json_t *in, const json_t *r, FILE *out)
{
	const json_t *last = json_object_get(r, "last_transition");

	fprintf(out, "%-16s %-4s %-7s %3lld/%-3lld %-8s %-22s %8.1f  ", str_or(in, "name", "?"),
		str_or(r, "family", "?"), str_or(r, "state", "?"),
		(long long)json_integer_value(json_object_get(r, "effective_priority")),
		(long long)json_integer_value(json_object_get(r, "base_priority")),
		json_is_true(json_object_get(r, "drained")) ? "drained" : "-",
		str_or(r, "master", "-"), json_real_value(json_object_get(r, "state_seconds")));
	print_vips(r, out);
	fprintf(out, "%s%s%s\n", json_is_object(last) ? "  (" : "",
		json_is_object(last) ? str_or(last, "reason", "") : "", json_is_object(last) ? ")" : "");
}

static void print_checks_table(const json_t *doc, FILE *out)
{
	const json_t *c;
	size_t i;

	if (json_array_size(json_object_get(doc, "checks")) == 0)
		return;
	fprintf(out, "\n%-16s %-6s %-5s %8s %8s  %s\n", "CHECK", "TYPE", "STATE", "RUNS", "FAILS",
		"LAST FAILURE");
	json_array_foreach(json_object_get(doc, "checks"), i, c)
		fprintf(out, "%-16s %-6s %-5s %8lld %8lld  %s\n", str_or(c, "name", "?"),
			str_or(c, "type", "?"), json_is_true(json_object_get(c, "up")) ? "up" : "down",
			(long long)json_integer_value(json_object_get(c, "runs")),
			(long long)json_integer_value(json_object_get(c, "failures")),
			str_or(c, "last_reason", "-"));
}

static void print_reload_line(const json_t *doc, FILE *out)
{
	const json_t *r = json_object_get(doc, "reload");

	if (json_integer_value(json_object_get(r, "count")) == 0) {
		fprintf(out, "reload: none since start\n");
		return;
	}
	fprintf(out, "reload: last %s%s%s\n", json_is_true(json_object_get(r, "last_ok")) ? "ok" : "FAILED",
		json_is_string(json_object_get(r, "last_error")) ? ": " : "",
		str_or(r, "last_error", ""));
}

void status_print_table(const json_t *doc, FILE *out)
{
	const json_t *in, *r;
	size_t i, j;

	fprintf(out, "vipd %s, router_id %s, config %s, up %lld s\n", str_or(doc, "version", "?"),
		str_or(doc, "router_id", "?"), str_or(doc, "config_file", "?"),
		(long long)json_integer_value(json_object_get(doc, "uptime_seconds")));
	print_reload_line(doc, out);
	fprintf(out, "\n%-16s %-4s %-7s %-7s %-8s %-22s %8s  %s\n", "INSTANCE", "FAM", "STATE",
		"PRIO", "DRAIN", "MASTER", "SECONDS", "VIPS (LAST TRANSITION)");
	json_array_foreach(json_object_get(doc, "instances"), i, in)
		json_array_foreach(json_object_get(in, "routers"), j, r)
			print_router_row(in, r, out);
	print_checks_table(doc, out);
}

/* ---- stats --------------------------------------------------------------- */

static void print_counter_object(const char *title, const json_t *o, FILE *out)
{
	const char *key;
	const json_t *v;

	fprintf(out, "    %s:", title);
	json_object_foreach((json_t *)o, key, v)
		if (json_integer_value(v))
			fprintf(out, " %s=%lld", key, (long long)json_integer_value(v));
	fputc('\n', out);
}

static void print_router_stats(const json_t *in, const json_t *r, FILE *out)
{
	const json_t *c = json_object_get(r, "counters");

	fprintf(out, "%s/%s: adverts sent %lld, received %lld, send errors %lld, VIP restores %lld\n",
		str_or(in, "name", "?"), str_or(r, "family", "?"),
		(long long)json_integer_value(json_object_get(c, "adverts_sent")),
		(long long)json_integer_value(json_object_get(c, "adverts_received")),
		(long long)json_integer_value(json_object_get(c, "send_errors")),
		(long long)json_integer_value(json_object_get(c, "vip_restores")));
	print_counter_object("transitions into", json_object_get(c, "transitions"), out);
	print_counter_object("drops", json_object_get(c, "drops"), out);
}

void status_print_stats(const json_t *doc, FILE *out)
{
	const json_t *in, *r, *c;
	size_t i, j;

	json_array_foreach(json_object_get(doc, "instances"), i, in)
		json_array_foreach(json_object_get(in, "routers"), j, r)
			print_router_stats(in, r, out);
	json_array_foreach(json_object_get(doc, "checks"), i, c)
		fprintf(out, "check %s: runs %lld, failures %lld, transitions %lld, lost connections %lld\n",
			str_or(c, "name", "?"), (long long)json_integer_value(json_object_get(c, "runs")),
			(long long)json_integer_value(json_object_get(c, "failures")),
			(long long)json_integer_value(json_object_get(c, "transitions")),
			(long long)json_integer_value(json_object_get(c, "lost_connections")));
}
