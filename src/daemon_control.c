/* The control socket's commands: status, stats and metrics (views of one
 * status document), reload, drain and resume. */
#include <string.h>

#include "daemon_internal.h"
#include "log.h"

static json_t *daemon_status_doc(const struct daemon *d)
{
	struct status_source src = {
		.config_file = d->opts->config_path,
		.router_id = d->cfg->router_id,
		.started_unix = d->started_unix,
		.instances = d->instances,
		.n_instances = d->n_instances,
		.health = d->health,
		.reload = &d->reload,
	};

	return status_build(&src);
}

/* The counters of the status document, for "stats --json". */
static json_t *stats_doc(const json_t *doc)
{
	json_t *out = json_object(), *instances = json_array(), *checks = json_array();
	const json_t *in, *r, *c;
	size_t i, j;

	json_array_foreach(json_object_get(doc, "instances"), i, in) {
		json_t *routers = json_array();

		json_array_foreach(json_object_get(in, "routers"), j, r)
			json_array_append_new(routers,
					      json_pack("{s:O, s:O}", "family", json_object_get(r, "family"),
							"counters", json_object_get(r, "counters")));
		json_array_append_new(instances, json_pack("{s:O, s:o}", "name",
							   json_object_get(in, "name"), "routers",
							   routers));
	}
	json_array_foreach(json_object_get(doc, "checks"), i, c)
		json_array_append_new(checks,
				      json_pack("{s:O, s:O, s:O, s:O, s:O}", "name",
						json_object_get(c, "name"), "runs", json_object_get(c, "runs"),
						"successes", json_object_get(c, "successes"), "failures",
						json_object_get(c, "failures"), "transitions",
						json_object_get(c, "transitions")));
	json_object_set_new(out, "instances", instances);
	json_object_set_new(out, "checks", checks);
	return out;
}

static int print_json(json_t *doc, FILE *out)
{
	int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	fputc('\n', out);
	return rc;
}

int daemon_write_metrics(struct daemon *d, FILE *out)
{
	json_t *doc = daemon_status_doc(d);

	if (!doc)
		return -1;
	status_print_metrics(doc, out);
	json_decref(doc);
	return 0;
}

/* status, status --json, stats, stats --json, metrics. */
static int control_view(struct daemon *d, const char *command, FILE *out)
{
	json_t *doc = daemon_status_doc(d), *stats;
	int rc = 0;

	if (!doc) {
		fprintf(out, "error: out of memory\n");
		return 0;
	}
	if (strcmp(command, "status") == 0) {
		status_print_table(doc, out);
	} else if (strcmp(command, "status --json") == 0) {
		print_json(doc, out);
	} else if (strcmp(command, "stats") == 0) {
		status_print_stats(doc, out);
	} else if (strcmp(command, "stats --json") == 0) {
		stats = stats_doc(doc);
		print_json(stats, out);
		json_decref(stats);
	} else if (strcmp(command, "metrics") == 0) {
		status_print_metrics(doc, out);
	} else {
		rc = -1;
	}
	json_decref(doc);
	return rc;
}

/* drain [NAME] / resume [NAME]: every instance, or the one named. */
static int control_drain(struct daemon *d, const char *name, bool drain, FILE *out)
{
	size_t i, hit = 0;

	for (i = 0; i < d->n_instances; i++) {
		if (name[0] && strcmp(vrrp_instance_config(d->instances[i])->name, name) != 0)
			continue;
		vrrp_instance_set_drain(d->instances[i], drain);
		hit++;
	}
	if (hit == 0) {
		fprintf(out, "error: no instance '%s'\n", name);
		return 0;
	}
	log_notice("%s %s by the operator", name[0] ? name : "all instances",
		   drain ? "drained" : "resumed");
	fprintf(out, "ok: %zu instance(s) %s\n", hit, drain ? "drained" : "resumed");
	return 0;
}

/* holding [NAME]: how many of the instances (or the one named) hold VIPs
 * here; vipctl drain --wait polls it. */
static int control_holding(struct daemon *d, const char *name, FILE *out)
{
	size_t i, held = 0;

	for (i = 0; i < d->n_instances; i++)
		if ((!name[0] || strcmp(vrrp_instance_config(d->instances[i])->name, name) == 0) &&
		    vrrp_instance_holds_vips(d->instances[i]))
			held++;
	fprintf(out, "holding %zu\n", held);
	return 0;
}

static int control_reload(struct daemon *d, FILE *out)
{
	char err[CONFIG_ERR_MAX];

	if (daemon_reload(d, err, sizeof(err)) < 0)
		fprintf(out, "error: %s\n", err);
	else
		fprintf(out, "ok: configuration reloaded from %s\n", d->opts->config_path);
	return 0;
}

/* The argument after a command word ("drain NAME"), "" if none; NULL when
 * the command is not that word. */
static const char *command_arg(const char *command, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(command, word, n) != 0 || (command[n] != '\0' && command[n] != ' '))
		return NULL;
	command += n;
	while (*command == ' ')
		command++;
	return command;
}

int daemon_control(void *arg, const char *command, FILE *out)
{
	struct daemon *d = arg;
	const char *name;

	if (strcmp(command, "reload") == 0)
		return control_reload(d, out);
	if ((name = command_arg(command, "drain")))
		return control_drain(d, name, true, out);
	if ((name = command_arg(command, "resume")))
		return control_drain(d, name, false, out);
	if ((name = command_arg(command, "holding")))
		return control_holding(d, name, out);
	return control_view(d, command, out);
}
