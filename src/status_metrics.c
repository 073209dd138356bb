/* The status document as Prometheus text exposition (format 0.0.4): every
 * family with HELP and TYPE, names prefixed vipd_. */
#include "status.h"

#include <string.h>

#include "vrrp_fsm.h"

/* One label value, escaped as the format says (backslash, quote, newline). */
static void put_label_value(const char *v, FILE *out)
{
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', out);
		if (*v == '\n') {
			fputs("\\n", out);
			continue;
		}
		fputc(*v, out);
	}
}

static void family_header(const char *name, const char *type, const char *help, FILE *out)
{
	fprintf(out, "# HELP vipd_%s %s\n# TYPE vipd_%s %s\n", name, help, name, type);
}

/* labels: "key", value, "key", value, ..., NULL. */
static void sample(FILE *out, const char *name, double value, const char *const *labels)
{
	size_t i;

	fprintf(out, "vipd_%s", name);
	for (i = 0; labels && labels[i]; i += 2) {
		fprintf(out, "%s%s=\"", i ? "," : "{", labels[i]);
		put_label_value(labels[i + 1], out);
		fputc('"', out);
	}
	fprintf(out, "%s %.17g\n", labels && labels[0] ? "}" : "", value);
}

static double num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_true(v) ? 1 : json_number_value(v);
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Call fn for every router of every instance. */
typedef void (*router_fn)(const json_t *in, const json_t *r, FILE *out);

static void each_router(const json_t *doc, router_fn fn, FILE *out)
{
	const json_t *in, *r;
	size_t i, j;

	json_array_foreach(json_object_get(doc, "instances"), i, in)
		json_array_foreach(json_object_get(in, "routers"), j, r)
			fn(in, r, out);
}

static void router_states(const json_t *in, const json_t *r, FILE *out)
{
	int s;

	for (s = 0; s < VRRP_STATE__COUNT; s++) {
		const char *labels[] = { "instance", str(in, "name"), "family", str(r, "family"),
					 "state", vrrp_state_name(s), NULL };

		sample(out, "router_state", strcmp(str(r, "state"), vrrp_state_name(s)) == 0, labels);
	}
}

static void router_gauge(const json_t *in, const json_t *r, FILE *out, const char *name,
			 double value)
{
	const char *labels[] = { "instance", str(in, "name"), "family", str(r, "family"), NULL };

	sample(out, name, value, labels);
}

static void router_priorities(const json_t *in, const json_t *r, FILE *out)
{
	router_gauge(in, r, out, "router_priority", num(r, "effective_priority"));
}

static void router_base_priorities(const json_t *in, const json_t *r, FILE *out)
{
	router_gauge(in, r, out, "router_base_priority", num(r, "base_priority"));
}

static void router_drained(const json_t *in, const json_t *r, FILE *out)
{
	router_gauge(in, r, out, "router_drained", num(r, "drained"));
}

static void router_state_seconds(const json_t *in, const json_t *r, FILE *out)
{
	router_gauge(in, r, out, "router_state_seconds", num(r, "state_seconds"));
}

static void router_sent(const json_t *in, const json_t *r, FILE *out)
{
	router_gauge(in, r, out, "adverts_sent_total",
		     num(json_object_get(r, "counters"), "adverts_sent"));
}

static void router_received(const json_t *in, const json_t *r, FILE *out)
{
	router_gauge(in, r, out, "adverts_received_total",
		     num(json_object_get(r, "counters"), "adverts_received"));
}

static void router_send_errors(const json_t *in, const json_t *r, FILE *out)
{
	router_gauge(in, r, out, "advert_send_errors_total",
		     num(json_object_get(r, "counters"), "send_errors"));
}

static void router_restores(const json_t *in, const json_t *r, FILE *out)
{
	router_gauge(in, r, out, "vip_restores_total",
		     num(json_object_get(r, "counters"), "vip_restores"));
}

/* One sample per key of a counters sub-object, the key as label lname. */
static void router_keyed(const json_t *in, const json_t *r, FILE *out, const char *sub,
			 const char *name, const char *lname)
{
	const char *key;
	const json_t *v;

	json_object_foreach(json_object_get(json_object_get(r, "counters"), sub), key, v) {
		const char *labels[] = { "instance", str(in, "name"), "family", str(r, "family"),
					 lname, key, NULL };

		sample(out, name, json_number_value(v), labels);
	}
}

static void router_transitions(const json_t *in, const json_t *r, FILE *out)
{
	router_keyed(in, r, out, "transitions", "transitions_total", "state");
}

static void router_drops(const json_t *in, const json_t *r, FILE *out)
{
	router_keyed(in, r, out, "drops", "drops_total", "reason");
}

struct router_family {
	const char *name, *type, *help;
	router_fn fn;
};

static const struct router_family router_families[] = {
	{ "router_state", "gauge", "1 for the state the router is in.", router_states },
	{ "router_priority", "gauge", "Effective priority (after health checks).", router_priorities },
	{ "router_base_priority", "gauge", "Configured priority.", router_base_priorities },
	{ "router_drained", "gauge", "1 while drained for a planned handover.", router_drained },
	{ "router_state_seconds", "gauge", "Seconds in the current state.", router_state_seconds },
	{ "transitions_total", "counter", "Entries into each state.", router_transitions },
	{ "adverts_sent_total", "counter", "Advertisements sent.", router_sent },
	{ "adverts_received_total", "counter", "Advertisements accepted.", router_received },
	{ "advert_send_errors_total", "counter", "Advertisements that could not be sent.",
	  router_send_errors },
	{ "drops_total", "counter", "Received advertisements dropped, by reason.", router_drops },
	{ "vip_restores_total", "counter", "VIPs put back after they vanished while Master.",
	  router_restores },
};

static void check_samples(const json_t *doc, FILE *out, const char *name, const char *key)
{
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(doc, "checks"), i, c) {
		const char *labels[] = { "check", str(c, "name"), "type", str(c, "type"), NULL };

		sample(out, name, num(c, key), labels);
	}
}

static void print_checks(const json_t *doc, FILE *out)
{
	family_header("check_up", "gauge", "1 while the check passes (after rise/fall).", out);
	check_samples(doc, out, "check_up", "up");
	family_header("check_runs_total", "counter", "Check runs.", out);
	check_samples(doc, out, "check_runs_total", "runs");
	family_header("check_failures_total", "counter", "Failed check runs.", out);
	check_samples(doc, out, "check_failures_total", "failures");
	family_header("check_latency_seconds", "gauge", "Duration of the last check run.", out);
	check_samples(doc, out, "check_latency_seconds", "last_latency_seconds");
}

static void print_sockets(const json_t *doc, FILE *out)
{
	const json_t *sk, *v;
	const char *key;
	size_t i;

	family_header("socket_drops_total", "counter",
		      "Packets dropped before any instance saw them, by reason (e.g. vrid).", out);
	json_array_foreach(json_object_get(doc, "sockets"), i, sk)
		json_object_foreach(json_object_get(sk, "drops"), key, v) {
			const char *labels[] = { "interface", str(sk, "interface"), "family",
						 str(sk, "family"), "reason", key, NULL };

			sample(out, "socket_drops_total", json_number_value(v), labels);
		}
}

static void print_daemon(const json_t *doc, FILE *out)
{
	const json_t *rl = json_object_get(doc, "reload");
	const char *info[] = { "version", str(doc, "version"), "router_id", str(doc, "router_id"),
			       NULL };

	family_header("info", "gauge", "vipd version and router id.", out);
	sample(out, "info", 1, info);
	family_header("start_time_seconds", "gauge", "Start time, seconds since the epoch.", out);
	sample(out, "start_time_seconds", num(doc, "started_unix_time"), NULL);
	family_header("reloads_total", "counter", "Reloads tried (SIGHUP or vipctl reload).", out);
	sample(out, "reloads_total", num(rl, "count"), NULL);
	family_header("reload_failures_total", "counter", "Reloads refused (bad file).", out);
	sample(out, "reload_failures_total", num(rl, "failures"), NULL);
	family_header("last_reload_success", "gauge", "1 if the last reload was applied.", out);
	sample(out, "last_reload_success", num(rl, "count") == 0 || num(rl, "last_ok"), NULL);
	family_header("last_reload_time_seconds", "gauge",
		      "Time of the last reload, seconds since the epoch (0: none).", out);
	sample(out, "last_reload_time_seconds", num(rl, "last_unix_time"), NULL);
}

void status_print_metrics(const json_t *doc, FILE *out)
{
	size_t i;

	print_daemon(doc, out);
	for (i = 0; i < sizeof(router_families) / sizeof(router_families[0]); i++) {
		family_header(router_families[i].name, router_families[i].type,
			      router_families[i].help, out);
		each_router(doc, router_families[i].fn, out);
	}
	print_checks(doc, out);
	print_sockets(doc, out);
}
