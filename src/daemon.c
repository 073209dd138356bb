/* The running daemon. */
#include "daemon.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control.h"
#include "daemon_internal.h"
#include "health.h"
#include "iface_table.h"
#include "log.h"
#include "loop.h"
#include "metrics_http.h"
#include "netlink.h"
#include "notify.h"
#include "pidfile.h"
#include "privs.h"
#include "sched_rt.h"
#include "sdnotify.h"
#include "vrrp_instance.h"

/* ---- the interface table, fed by the netlink monitor ---- */

static void iface_visit(void *arg, const struct netlink_event *ev)
{
	iface_table_apply(arg, ev);
}

/* The table's loader: one link request and one address dump. */
static int iface_load(void *arg, struct iface_table *t, int ifindex)
{
	struct daemon *d = arg;

	if (netlink_dump_link(ifindex, iface_visit, t) == 0 &&
	    (iface_table_link_gone(t, ifindex) || netlink_dump_addrs(ifindex, iface_visit, t) == 0))
		return 0;
	if (d->loop && !loop_timer_armed(&d->iface_retry))
		loop_timer_arm(d->loop, &d->iface_retry, time_now() + DAEMON_IFACE_RETRY);
	return -1;
}

static void on_iface_retry(void *arg)
{
	struct daemon *d = arg;

	if (iface_table_reload(d->ifaces) < 0)
		log_warn("netlink: cannot read interface state: retrying");
}

static bool monitor_want(void *arg, int ifindex)
{
	return iface_table_tracks(((struct daemon *)arg)->ifaces, ifindex);
}

static bool monitor_want_new_links(void *arg)
{
	return iface_table_awaits_names(((struct daemon *)arg)->ifaces);
}

static void monitor_log_link(const struct daemon *d, const struct netlink_event *ev)
{
	if (!iface_table_tracks(d->ifaces, ev->ifindex))
		return;
	if (ev->deleted)
		log_notice("link %d (%s) deleted", ev->ifindex, ev->ifname);
	else if (ev->up != iface_table_link_up(d->ifaces, ev->ifindex))
		log_info("link %d is %s", ev->ifindex, ev->up ? "up" : "down");
}

static void monitor_event(void *arg, const struct netlink_event *ev)
{
	struct daemon *d = arg;

	if (ev->kind == NETLINK_EV_LINK)
		monitor_log_link(d, ev);
	iface_table_apply(d->ifaces, ev);
}

static void monitor_batch_done(void *arg)
{
	iface_table_commit(((struct daemon *)arg)->ifaces);
}

static void monitor_overrun(void *arg)
{
	on_iface_retry(arg);
}

static const struct netlink_monitor_ops monitor_ops = {
	.want = monitor_want,
	.want_new_links = monitor_want_new_links,
	.event = monitor_event,
	.batch_done = monitor_batch_done,
	.overrun = monitor_overrun,
};

static bool notifiers_busy(const struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->n_instances; i++)
		if (d->notifiers[i] && notify_busy(d->notifiers[i]))
			return true;
	return false;
}

/* Stop the loop once the notify hooks of the last transitions have run. */
static void on_drain_timer(void *arg)
{
	struct daemon *d = arg;

	if (!notifiers_busy(d)) {
		loop_stop(d->loop);
	} else if (time_now() >= d->drain_until) {
		log_warn("notify hooks still running after %lld s: stopping them",
			 (long long)(DAEMON_NOTIFY_DRAIN / USEC_PER_SEC));
		loop_stop(d->loop);
	} else {
		loop_timer_arm(d->loop, &d->drain_timer, time_now() + DAEMON_DRAIN_POLL);
	}
}

static void on_stop_signal(void *arg, int signo)
{
	struct daemon *d = arg;
	size_t i;

	if (d->stopping) {
		log_notice("signal %d again: stopping now", signo);
		loop_stop(d->loop);
		return;
	}
	d->stopping = true;
	log_notice("signal %d: stopping", signo);
	sdnotify_stopping();
	for (i = 0; i < d->n_instances; i++)
		vrrp_instance_stop(d->instances[i]);
	d->drain_until = time_now() + DAEMON_NOTIFY_DRAIN;
	on_drain_timer(d);
}

static void on_hup(void *arg, int signo)
{
	char err[CONFIG_ERR_MAX];

	(void)signo;
	(void)daemon_reload(arg, err, sizeof(err));
}

static const char *notify_state_word(enum vrrp_state state)
{
	static const char *const words[VRRP_STATE__COUNT] = {
		[VRRP_STATE_INIT] = "STOP", /* Initialize is entered only on shutdown */
		[VRRP_STATE_BACKUP] = "BACKUP",
		[VRRP_STATE_MASTER] = "MASTER",
		[VRRP_STATE_FAULT] = "FAULT",
	};

	return words[state];
}

/* STATUS= for the service manager: every router's state on one line. */
void daemon_report_status(const struct daemon *d)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *out;

	if (!sdnotify_enabled() || !(out = open_memstream(&text, &len)))
		return;
	for (i = 0; i < d->n_instances; i++) {
		fputs(i ? "; " : "", out);
		vrrp_instance_state_summary(d->instances[i], out);
	}
	if (fclose(out) == 0)
		sdnotify_status(text);
	free(text);
}

static struct notifier *daemon_notifier_of(const struct daemon *d, const struct vrrp_instance *in)
{
	size_t i;

	for (i = 0; i < d->n_instances; i++)
		if (d->instances[i] == in)
			return d->notifiers[i];
	return NULL;
}

static void on_instance_state(void *arg, struct vrrp_instance *in, const char *family,
			      enum vrrp_state from, enum vrrp_state to, uint8_t priority,
			      const char *reason)
{
	struct daemon *d = arg;
	struct notifier *n = daemon_notifier_of(d, in);

	(void)from;
	if (n)
		notify_state_why(n, vrrp_instance_config(in)->name, notify_state_word(to), priority,
				 family, reason);
	daemon_report_status(d);
}

struct vrrp_instance *daemon_new_instance(struct daemon *d, const struct instance_config *icfg,
					  char *err, size_t errlen)
{
	struct vrrp_instance *in = vrrp_instance_new(d->loop, d->ifaces, icfg, err, errlen);

	if (in)
		vrrp_instance_set_state_cb(in, on_instance_state, d);
	return in;
}

struct notifier *daemon_new_notifier(struct daemon *d, const struct config *cfg,
				     const struct instance_config *icfg, char *err, size_t errlen)
{
	if (!icfg->notify || !icfg->notify[0])
		return NULL;
	return notify_new(d->loop, icfg->notify, cfg->script_user, err, errlen);
}

static int daemon_add_instance(struct daemon *d, size_t i, char *err, size_t errlen)
{
	const struct instance_config *icfg = &d->cfg->instances[i];
	struct vrrp_instance *in = daemon_new_instance(d, icfg, err, errlen);

	if (!in)
		return -1;
	d->instances[d->n_instances++] = in;
	d->notifiers[i] = daemon_new_notifier(d, d->cfg, icfg, err, errlen);
	if (icfg->notify && icfg->notify[0] && !d->notifiers[i])
		return -1;
	return health_attach(d->health, in, err, errlen);
}

static int daemon_build(struct daemon *d, char *err, size_t errlen)
{
	size_t i;

	d->instances = calloc(d->cfg->n_instances + 1, sizeof(*d->instances));
	d->notifiers = calloc(d->cfg->n_instances + 1, sizeof(*d->notifiers));
	if (!d->instances || !d->notifiers) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->health = health_new(d->loop, d->cfg, err, errlen);
	if (!d->health)
		return -1;
	for (i = 0; i < d->cfg->n_instances; i++)
		if (daemon_add_instance(d, i, err, errlen) < 0)
			return -1;
	return 0;
}

static void on_log_writable(void *arg, uint32_t events)
{
	(void)arg;
	(void)events;
	log_flush();
}

/* Log lines wait for fd: watch it (if that fails, the next line retries). */
static void on_log_backlog(void *arg, int fd, bool waiting)
{
	struct loop *loop = arg;

	if (waiting)
		(void)loop_add_fd(loop, fd, EPOLLOUT, on_log_writable, NULL);
	else
		loop_del_fd(loop, fd);
}

/* Whether exec checks or notify hooks may run (they need CAP_SETUID,
 * CAP_SETGID and CAP_KILL after the drop). */
bool daemon_runs_scripts(const struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_checks; i++)
		if (cfg->checks[i].type == CHECK_EXEC)
			return true;
	for (i = 0; i < cfg->n_instances; i++)
		if (cfg->instances[i].notify && cfg->instances[i].notify[0])
			return true;
	return false;
}

static int write_metrics(void *arg, FILE *out)
{
	return daemon_write_metrics(arg, out);
}

/* The metrics_listen listener, bound while the daemon may still bind any port. */
static int daemon_open_metrics(struct daemon *d, char *err, size_t errlen)
{
	char why[CONFIG_ERR_MAX / 2];

	if (d->cfg->metrics_addr.family == AF_UNSPEC)
		return 0;
	d->metrics = metrics_http_open(d->loop, &d->cfg->metrics_addr, d->cfg->metrics_port,
				       write_metrics, d, why, sizeof(why));
	if (d->metrics)
		return 0;
	snprintf(err, errlen, "%s:%d: %s", d->cfg->file, d->cfg->metrics_listen_line, why);
	return -1;
}

static int daemon_setup(struct daemon *d, char *err, size_t errlen)
{
	if (d->opts->pidfile && pidfile_write(d->opts->pidfile, err, errlen) < 0)
		return -1;
	d->loop = loop_new();
	if (!d->loop) {
		snprintf(err, errlen, "cannot create the event loop");
		return -1;
	}
	log_set_backlog_hook(on_log_backlog, d->loop); /* logging never blocks from here */
	loop_timer_init(&d->drain_timer, on_drain_timer, d);
	loop_timer_init(&d->iface_retry, on_iface_retry, d);
	d->ifaces = iface_table_new(iface_load, d);
	if (!d->ifaces) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (loop_on_signal(d->loop, SIGTERM, on_stop_signal, d) < 0 ||
	    loop_on_signal(d->loop, SIGINT, on_stop_signal, d) < 0 ||
	    loop_on_signal(d->loop, SIGHUP, on_hup, d) < 0) {
		snprintf(err, errlen, "cannot set up signal handling");
		return -1;
	}
	if (netlink_open(err, errlen) < 0 ||
	    netlink_monitor_start(d->loop, &monitor_ops, d, err, errlen) < 0)
		return -1;
	if (daemon_build(d, err, errlen) < 0)
		return -1;
	if (d->opts->control_path &&
	    control_open(d->loop, d->opts->control_path, daemon_control, d, err, errlen) < 0)
		return -1;
	if (daemon_open_metrics(d, err, errlen) < 0)
		return -1;
	/* Without real-time scheduling vipd still works, only with less margin on
	 * a saturated node: a warning (and status), not a refusal to start. */
	if (sched_rt_apply(d->cfg->realtime_priority, err, errlen) < 0)
		log_warn("%s: running with ordinary scheduling", err);
	return privs_drop(daemon_runs_scripts(d->cfg), err, errlen);
}

static void daemon_teardown(struct daemon *d)
{
	size_t i;

	sdnotify_close(); /* its watchdog timer is in the loop */
	if (d->loop) {
		loop_timer_cancel(d->loop, &d->drain_timer);
		loop_timer_cancel(d->loop, &d->iface_retry);
		control_close(d->loop);
		metrics_http_close(d->metrics);
	}
	health_free(d->health);
	for (i = 0; i < d->n_instances; i++)
		vrrp_instance_free(d->instances[i]);
	for (i = 0; d->notifiers && i < d->n_instances; i++)
		notify_free(d->notifiers[i]);
	free(d->instances);
	free(d->notifiers);
	iface_table_free(d->ifaces);
	if (d->loop)
		netlink_monitor_stop(d->loop);
	netlink_close();
	if (d->loop) {
		log_finish(USEC_PER_SEC / 2); /* what a slow reader has not taken by then is lost */
		loop_free(d->loop);
	}
	if (d->opts->pidfile)
		pidfile_remove(d->opts->pidfile);
	config_free(d->cfg);
}

int daemon_run(const struct daemon_options *opts, struct config *cfg)
{
	struct daemon d = { .opts = opts, .cfg = cfg, .started_unix = time(NULL),
			   .reload = { .last_ok = true } };
	char err[CONFIG_ERR_MAX];
	int status = 0;
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	if (sdnotify_open(err, sizeof(err)) < 0)
		log_warn("%s: not notifying the service manager", err);
	if (daemon_setup(&d, err, sizeof(err)) < 0) {
		log_err("%s", err);
		status = 1;
	} else {
		log_notice("vipd started: %zu instance(s) from %s", d.n_instances,
			   opts->config_path);
		health_start(d.health);
		for (i = 0; i < d.n_instances; i++)
			vrrp_instance_start(d.instances[i]);
		sdnotify_ready();
		daemon_report_status(&d);
		sdnotify_watchdog_start(d.loop);
		if (loop_run(d.loop) < 0) {
			log_err("the event loop failed: stopping");
			for (i = 0; i < d.n_instances; i++)
				vrrp_instance_stop(d.instances[i]);
			status = 1;
		}
		log_notice("vipd stopped");
	}
	daemon_teardown(&d);
	return status;
}
