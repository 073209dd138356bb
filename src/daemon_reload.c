/* Reload (SIGHUP, vipctl reload): the new file is checked exactly as
 * `vipd -t` checks it; a bad one changes nothing. A good one is applied as a
 * difference: instances of the same identity take the new settings in place
 * (state, VIPs, timers and socket kept), others are removed (a Master
 * resigns) or added (in Backup); checks whose settings did not change keep
 * running. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon_internal.h"
#include "log.h"
#include "metrics_http.h"
#include "sdnotify.h"

/* The new world being assembled, parallel to cfg->instances. */
struct reload_plan {
	struct config *cfg;
	struct vrrp_instance **instances;
	struct notifier **notifiers;
	bool *kept;     /* old instance reused */
	bool *old_used; /* parallel to the old instances */
	char (*drained)[CONFIG_NAME_MAX]; /* names of removed instances that were drained */
	size_t n_drained;
	char error[CONFIG_ERR_MAX + CONFIG_NAME_MAX + 4]; /* the first thing not applied */
};

/* Log what could not be applied, and keep the first for the answer. */
static void plan_error(struct reload_plan *p, const char *name, const char *err)
{
	log_err("reload: %s: %s", name, err);
	if (!p->error[0])
		snprintf(p->error, sizeof(p->error), "%s: %s", name, err);
}

static void plan_free(struct reload_plan *p)
{
	free(p->instances);
	free(p->notifiers);
	free(p->kept);
	free(p->old_used);
	free(p->drained);
}

static int plan_alloc(struct reload_plan *p, size_t n_old)
{
	size_t n = p->cfg->n_instances + 1;

	p->instances = calloc(n, sizeof(*p->instances));
	p->notifiers = calloc(n, sizeof(*p->notifiers));
	p->kept = calloc(n, sizeof(*p->kept));
	p->old_used = calloc(n_old + 1, sizeof(*p->old_used));
	p->drained = calloc(n_old + 1, sizeof(*p->drained));
	return p->instances && p->notifiers && p->kept && p->old_used && p->drained ? 0 : -1;
}

/* ---- checking the new file ------------------------------------------------ */

static struct config *reload_load(const struct daemon *d, char *err, size_t errlen)
{
	struct config *cfg = config_load(d->opts->config_path, err, errlen);

	if (cfg && config_check_system(cfg, false, err, errlen) < 0) {
		config_free(cfg);
		return NULL;
	}
	if (cfg && daemon_runs_scripts(cfg) && !daemon_runs_scripts(d->cfg)) {
		snprintf(err, errlen,
			 "%s: the new configuration runs scripts (exec checks or notify), but vipd "
			 "started without them and dropped the privileges scripts need: restart it",
			 d->opts->config_path);
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

static void reload_failed(struct daemon *d, const char *err)
{
	d->reload.failures++;
	d->reload.last_ok = false;
	snprintf(d->reload.last_error, sizeof(d->reload.last_error), "%s", err);
	log_err("reload refused: %s; the running configuration stays", err);
}

/* The file was good but part of it could not be applied (a VIP another
 * instance still holds, no memory): say so everywhere, exit 1 in vipctl. */
static void reload_partial(struct daemon *d, const char *err)
{
	d->reload.failures++;
	d->reload.last_ok = false;
	snprintf(d->reload.last_error, sizeof(d->reload.last_error), "%s", err);
	log_err("reload applied with errors: %s", err);
}

/* ---- matching instances ------------------------------------------------------ */

static int old_index_of(const struct daemon *d, const struct instance_config *icfg)
{
	size_t i;

	for (i = 0; i < d->n_instances; i++)
		if (config_instance_same_identity(vrrp_instance_config(d->instances[i]), icfg))
			return (int)i;
	return -1;
}

/* Old instances with no same-identity successor: resign and go, first, so
 * that an instance that moved (same VRID, new name) finds its socket free. */
static void reload_remove_gone(struct daemon *d, struct reload_plan *p)
{
	size_t i;

	for (i = 0; i < p->cfg->n_instances; i++) {
		int k = old_index_of(d, &p->cfg->instances[i]);

		if (k >= 0 && !p->old_used[k]) {
			p->old_used[k] = true;
			p->kept[i] = true;
			p->instances[i] = d->instances[k];
		}
	}
	for (i = 0; i < d->n_instances; i++) {
		if (p->old_used[i])
			continue;
		log_notice("reload: %s: removed", vrrp_instance_config(d->instances[i])->name);
		if (vrrp_instance_drained(d->instances[i]))
			snprintf(p->drained[p->n_drained++], CONFIG_NAME_MAX, "%s",
				 vrrp_instance_config(d->instances[i])->name);
		vrrp_instance_stop(d->instances[i]);
		vrrp_instance_free(d->instances[i]);
		notify_free(d->notifiers[i]);
		d->instances[i] = NULL;
		d->notifiers[i] = NULL;
	}
}

static struct notifier *old_notifier(const struct daemon *d, const struct vrrp_instance *in)
{
	size_t i;

	for (i = 0; i < d->n_instances; i++)
		if (d->instances[i] == in)
			return d->notifiers[i];
	return NULL;
}

static void forget_old_notifier(struct daemon *d, const struct vrrp_instance *in)
{
	size_t i;

	for (i = 0; i < d->n_instances; i++)
		if (d->instances[i] == in)
			d->notifiers[i] = NULL;
}

/* The notifier for a kept instance: the old one when the script and user
 * did not change, else a new one. */
static void reload_notifier(struct daemon *d, struct reload_plan *p, size_t i,
			    const struct instance_config *old)
{
	const struct instance_config *icfg = &p->cfg->instances[i];
	struct notifier *n = old_notifier(d, p->instances[i]);
	char err[CONFIG_ERR_MAX];
	bool same = old->notify && icfg->notify && strcmp(old->notify, icfg->notify) == 0 &&
		    strcmp(d->cfg->script_user, p->cfg->script_user) == 0;

	if (same) {
		p->notifiers[i] = n;
		forget_old_notifier(d, p->instances[i]);
		return;
	}
	p->notifiers[i] = daemon_new_notifier(d, p->cfg, icfg, err, sizeof(err));
	if (icfg->notify && !p->notifiers[i])
		log_err("reload: %s: %s", icfg->name, err);
}

static void reload_keep(struct daemon *d, struct reload_plan *p, size_t i)
{
	const struct instance_config *icfg = &p->cfg->instances[i];
	const struct instance_config *old = vrrp_instance_config(p->instances[i]);
	char change[256], err[CONFIG_ERR_MAX];
	bool equal = config_instance_equal(old, icfg);

	if (!equal)
		config_instance_describe_change(old, icfg, change, sizeof(change));
	reload_notifier(d, p, i, old);
	if (vrrp_instance_reconfigure(p->instances[i], icfg, err, sizeof(err)) < 0)
		plan_error(p, icfg->name, err);
	if (equal) {
		log_info("reload: %s: unchanged", icfg->name);
		return;
	}
	log_notice("reload: %s: %s", icfg->name, change);
	if (p->notifiers[i])
		notify_state_why(p->notifiers[i], icfg->name, "RELOAD", icfg->priority, "", change);
}

static bool was_drained(const struct reload_plan *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n_drained; i++)
		if (strcmp(p->drained[i], name) == 0)
			return true;
	return false;
}

static void reload_add(struct daemon *d, struct reload_plan *p, size_t i)
{
	const struct instance_config *icfg = &p->cfg->instances[i];
	char err[CONFIG_ERR_MAX];

	p->instances[i] = daemon_new_instance(d, icfg, err, sizeof(err));
	if (!p->instances[i]) {
		plan_error(p, icfg->name, err);
		return;
	}
	p->notifiers[i] = daemon_new_notifier(d, p->cfg, icfg, err, sizeof(err));
	if (icfg->notify && !p->notifiers[i])
		log_err("reload: %s: %s", icfg->name, err);
	log_notice("reload: %s: added", icfg->name);
	if (was_drained(p, icfg->name))
		vrrp_instance_set_drain(p->instances[i], true); /* a drain survives a reload */
}

/* ---- applying ------------------------------------------------------------ */

/* Put the plan in place: arrays, the config, health, and start what is new. */
static void reload_commit(struct daemon *d, struct reload_plan *p)
{
	char err[CONFIG_ERR_MAX];
	size_t i, n = 0;

	for (i = 0; i < p->cfg->n_instances; i++) {
		if (!p->instances[i])
			continue;
		p->instances[n] = p->instances[i];
		p->notifiers[n] = p->notifiers[i];
		p->kept[n++] = p->kept[i];
	}
	for (i = 0; i < d->n_instances; i++)
		notify_free(d->notifiers[i]); /* old notifiers not carried over */
	free(d->instances);
	free(d->notifiers);
	d->instances = p->instances;
	d->notifiers = p->notifiers;
	d->n_instances = n;
	for (i = 0; i < n; i++)
		if (health_attach(d->health, d->instances[i], err, sizeof(err)) < 0)
			log_err("reload: %s", err);
	health_start(d->health);
	for (i = 0; i < n; i++)
		if (!p->kept[i])
			vrrp_instance_start(d->instances[i]);
	p->instances = NULL;
	p->notifiers = NULL;
}

/* Kept instances in two steps (every one lets go of dropped VIPs before any
 * claims new ones, so a VIP may move between them), then the new ones. */
static void reload_apply(struct daemon *d, struct reload_plan *p)
{
	struct config *old_cfg = d->cfg;
	char err[CONFIG_ERR_MAX];
	size_t i;

	reload_remove_gone(d, p);
	for (i = 0; i < p->cfg->n_instances; i++)
		if (p->kept[i])
			reload_keep(d, p, i);
	for (i = 0; i < p->cfg->n_instances; i++)
		if (p->kept[i] && vrrp_instance_reconfigure_finish(p->instances[i], err,
								   sizeof(err)) < 0)
			plan_error(p, p->cfg->instances[i].name, err);
	for (i = 0; i < p->cfg->n_instances; i++)
		if (!p->kept[i])
			reload_add(d, p, i);
	d->cfg = p->cfg;
	reload_commit(d, p);
	config_free(old_cfg);
}

/* The metrics listener was bound before the privilege drop: a change of
 * metrics_listen waits for a restart. */
static void reload_metrics_listen(const struct daemon *d, const struct config *cfg)
{
	bool same = cfg->metrics_addr.family == AF_UNSPEC
			    ? !d->metrics
			    : metrics_http_listens_on(d->metrics, &cfg->metrics_addr, cfg->metrics_port);

	if (!same)
		log_warn("reload: metrics_listen changed: that needs a restart; the listener stays "
			 "as it was");
}

/* The scheduling policy was set before the privilege drop (CAP_SYS_NICE): a
 * change of realtime_priority waits for a restart. */
static void reload_realtime(const struct daemon *d, const struct config *cfg)
{
	if (cfg->realtime_priority != d->cfg->realtime_priority)
		log_warn("reload: realtime_priority changed (%d -> %d): that needs a restart; "
			 "the scheduling stays as it was", d->cfg->realtime_priority,
			 cfg->realtime_priority);
}

int daemon_reload(struct daemon *d, char *err, size_t errlen)
{
	struct reload_plan plan = { 0 };
	struct timespec ts;

	if (d->stopping) {
		snprintf(err, errlen, "vipd is stopping");
		return -1;
	}
	d->reload.count++;
	clock_gettime(CLOCK_REALTIME, &ts);
	d->reload.last_unix = ts.tv_sec;
	log_notice("reload: reading %s", d->opts->config_path);
	plan.cfg = reload_load(d, err, errlen);
	if (!plan.cfg) {
		reload_failed(d, err);
		return -1;
	}
	if (plan_alloc(&plan, d->n_instances) < 0 ||
	    health_reconfigure(d->health, plan.cfg, err, errlen) < 0) {
		if (!plan.instances || !plan.old_used)
			snprintf(err, errlen, "out of memory");
		config_free(plan.cfg);
		plan_free(&plan);
		reload_failed(d, err);
		return -1;
	}
	sdnotify_reloading();
	reload_metrics_listen(d, plan.cfg);
	reload_realtime(d, plan.cfg);
	reload_apply(d, &plan);
	sdnotify_ready();
	daemon_report_status(d);
	if (plan.error[0]) {
		snprintf(err, errlen, "applied with errors: %s", plan.error);
		plan_free(&plan);
		reload_partial(d, err);
		return -1;
	}
	plan_free(&plan);
	d->reload.last_ok = true;
	d->reload.last_error[0] = '\0';
	log_notice("reload: done, %zu instance(s)", d->n_instances);
	return 0;
}
