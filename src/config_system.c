/* A loaded config against this build and this machine, by the code start-up
 * runs, so that vipd -t refuses what vipd -f would: interfaces, the script
 * user and its scripts (check_exec.c, spawn.c), the TLS files of https checks
 * (check_tls.c). Errors read "file:line: what". */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "check_exec.h"
#include "check_tls.h"
#include "log.h"
#include "spawn.h"

static int fail_at(const struct config *cfg, int line, char *err, size_t errlen, const char *fmt,
		   ...) __attribute__((format(printf, 5, 6)));
static int fail_at(const struct config *cfg, int line, char *err, size_t errlen, const char *fmt,
		   ...)
{
	char what[CONFIG_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%d: %s", cfg->file, line, what);
	return -1;
}

/* ---- interfaces ---- */

static int no_interface(const struct config *cfg, int line, const char *name, char *err,
			size_t errlen)
{
	if (if_nametoindex(name) != 0)
		return 0;
	return fail_at(cfg, line, err, errlen, "interface '%s' does not exist", name);
}

static int check_interfaces(const struct config *cfg, char *err, size_t errlen)
{
	size_t i, j;

	for (i = 0; i < cfg->n_instances; i++) {
		const struct instance_config *in = &cfg->instances[i];

		if (no_interface(cfg, in->interface_line, in->interface, err, errlen) < 0)
			return -1;
		if (in->vip_interface[0] &&
		    no_interface(cfg, in->vip_interface_line, in->vip_interface, err, errlen) < 0)
			return -1;
		for (j = 0; j < in->n_track_interfaces; j++)
			if (no_interface(cfg, in->track_interfaces_line, in->track_interfaces[j],
					 err, errlen) < 0)
				return -1;
	}
	return 0;
}

/* ---- scripts: exec checks and notify hooks ---- */

static bool has_notify(const struct instance_config *in)
{
	return in->notify && in->notify[0];
}

/* The line to blame for the script user: where it is set, else the first
 * script that needs it (its name into what). 0 when no script needs it. */
static int user_line(const struct config *cfg, char *what, size_t len)
{
	size_t i;

	for (i = 0; i < cfg->n_checks; i++)
		if (cfg->checks[i].type == CHECK_EXEC) {
			snprintf(what, len, "check '%s'", cfg->checks[i].name);
			return cfg->script_user_line ? cfg->script_user_line : cfg->checks[i].line;
		}
	for (i = 0; i < cfg->n_instances; i++)
		if (has_notify(&cfg->instances[i])) {
			snprintf(what, len, "the notify of instance '%s'", cfg->instances[i].name);
			return cfg->script_user_line ? cfg->script_user_line
						     : cfg->instances[i].notify_line;
		}
	return 0;
}

static int lookup_user(const struct config *cfg, int line, const char *what, struct spawn_user *u,
		       char *err, size_t errlen)
{
	char why[CONFIG_ERR_MAX];

	if (spawn_user_lookup(cfg->script_user, u, why, sizeof(why)) == 0)
		return 0;
	if (cfg->script_user_line)
		return fail_at(cfg, line, err, errlen, "%s", why);
	return fail_at(cfg, line, err, errlen, "%s (the default, needed by %s)", why, what);
}

static int check_scripts(const struct config *cfg, char *err, size_t errlen)
{
	char why[CONFIG_ERR_MAX], what[CONFIG_NAME_MAX + 64];
	int line = user_line(cfg, what, sizeof(what));
	struct spawn_user u;
	size_t i;

	if (!line)
		return 0; /* start-up does not look the user up either */
	if (lookup_user(cfg, line, what, &u, err, errlen) < 0)
		return -1;
	for (i = 0; i < cfg->n_checks; i++) {
		const struct check_config *c = &cfg->checks[i];

		if (c->type == CHECK_EXEC &&
		    check_exec_check_command(&u, c->target, why, sizeof(why)) < 0)
			return fail_at(cfg, c->target_line, err, errlen, "check '%s': %s", c->name,
				       why);
	}
	for (i = 0; i < cfg->n_instances; i++) {
		const struct instance_config *in = &cfg->instances[i];

		if (has_notify(in) && spawn_check_command(&u, in->notify, why, sizeof(why)) < 0)
			return fail_at(cfg, in->notify_line, err, errlen, "notify '%s': %s",
				       in->notify, why);
	}
	return 0;
}

/* ---- TLS of https checks ---- */

static int tls_line(const struct check_config *c, enum check_tls_part part)
{
	switch (part) {
	case CHECK_TLS_PART_CA:
		return c->ca_file_line;
	case CHECK_TLS_PART_CERT:
		return c->client_cert_line;
	case CHECK_TLS_PART_KEY:
		return c->client_key ? c->client_key_line : c->client_cert_line;
	case CHECK_TLS_PART_CTX:
		break;
	}
	return c->line;
}

static int check_tls(const struct config *cfg, char *err, size_t errlen)
{
	char why[CONFIG_ERR_MAX];
	enum check_tls_part part;
	size_t i;

	for (i = 0; i < cfg->n_checks; i++) {
		const struct check_config *c = &cfg->checks[i];
		SSL_CTX *ctx;

		if (c->type != CHECK_HTTPS)
			continue;
		ctx = check_tls_ctx_new(c, &part, why, sizeof(why));
		if (!ctx)
			return fail_at(cfg, tls_line(c, part), err, errlen, "check '%s': %s",
				       c->name, why);
		if (check_tls_ca_pending(ctx))
			log_warn("%s:%d: check '%s': ca_file '%s' does not exist (yet): the check "
				 "fails until it appears, then loads it",
				 cfg->file, c->ca_file_line, c->name, c->ca_file);
		SSL_CTX_free(ctx);
	}
	return 0;
}

int config_check_system(const struct config *cfg, bool offline, char *err, size_t errlen)
{
	if (offline)
		return 0;
	if (check_interfaces(cfg, err, errlen) < 0 || check_scripts(cfg, err, errlen) < 0)
		return -1;
	return check_tls(cfg, err, errlen);
}
