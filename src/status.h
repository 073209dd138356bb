/* What the daemon shows of itself: one JSON document (jansson) built from
 * the running instances, routers and checks, and the views made from it:
 * the status table, the stats, and the Prometheus text exposition. The JSON
 * field names are a stable contract (vipctl(8) documents them). */
#ifndef VIPD_STATUS_H
#define VIPD_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct vrrp_instance;
struct health;

/* The result of the last reload, kept by the daemon. */
struct status_reload {
	uint64_t count;      /* reloads tried */
	uint64_t failures;
	int64_t last_unix;   /* 0: never */
	bool last_ok;
	char last_error[512]; /* "file:line: what" of the last failure */
};

struct status_source {
	const char *config_file;
	const char *router_id;
	int64_t started_unix;
	struct vrrp_instance *const *instances;
	size_t n_instances;
	const struct health *health;
	const struct status_reload *reload;
};

/* The whole document; the caller json_decref()s it. NULL without memory. */
json_t *status_build(const struct status_source *src);

/* Views of a document. */
void status_print_table(const json_t *doc, FILE *out);
void status_print_stats(const json_t *doc, FILE *out);
void status_print_metrics(const json_t *doc, FILE *out);

#endif
