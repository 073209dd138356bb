/* The running daemon. */
#include "daemon.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "health.h"
#include "log.h"
#include "loop.h"
#include "netlink.h"
#include "notify.h"
#include "pidfile.h"
#include "vrrp_instance.h"

/* At shutdown, how long the last notify hooks (e.g. "BACKUP") may finish,
 * and how often we look. */
#define DAEMON_NOTIFY_DRAIN (2 * USEC_PER_SEC)
#define DAEMON_DRAIN_POLL (USEC_PER_SEC / 50)

struct daemon {
	const struct daemon_options *opts;
	struct config *cfg;
	struct loop *loop;
	struct vrrp_instance **instances;
	struct notifier **notifiers; /* parallel to instances; NULL without a script */
	size_t n_instances;
	struct health *health;
	bool stopping;
	usec_t drain_until;
	struct loop_timer drain_timer;
};

static void on_link_changed(void *arg, int ifindex, bool up)
{
	struct daemon *d = arg;
	size_t i;

	log_info("link %d is %s", ifindex, up ? "up" : "down");
	for (i = 0; i < d->n_instances; i++)
		vrrp_instance_link_changed(d->instances[i], ifindex, up);
}

static void on_addr(struct daemon *d, int ifindex, const struct ip_addr *addr, bool added)
{
	size_t i;

	for (i = 0; i < d->n_instances; i++)
		vrrp_instance_addr_changed(d->instances[i], ifindex, addr, added);
}

static void on_addr_removed(void *arg, int ifindex, const struct ip_addr *addr, uint8_t len)
{
	(void)len;
	on_addr(arg, ifindex, addr, false);
}

static void on_addr_added(void *arg, int ifindex, const struct ip_addr *addr, uint8_t len)
{
	(void)len;
	on_addr(arg, ifindex, addr, true);
}

static const struct netlink_monitor_ops monitor_ops = {
	.link_changed = on_link_changed,
	.addr_removed = on_addr_removed,
	.addr_added = on_addr_added,
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
	for (i = 0; i < d->n_instances; i++)
		vrrp_instance_stop(d->instances[i]);
	d->drain_until = time_now() + DAEMON_NOTIFY_DRAIN;
	on_drain_timer(d);
}

static void on_hup(void *arg, int signo)
{
	(void)arg;
	(void)signo;
	log_warn("SIGHUP: reload is not supported yet; the running configuration stays");
}

static int on_control(void *arg, const char *command, FILE *out)
{
	struct daemon *d = arg;
	size_t i;

	if (strcmp(command, "status") != 0)
		return -1;
	fprintf(out, "router_id %s\n", d->cfg->router_id);
	for (i = 0; i < d->n_instances; i++)
		vrrp_instance_print_status(d->instances[i], out);
	health_print_status(d->health, out);
	return 0;
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

static void on_instance_state(void *arg, struct vrrp_instance *in, const char *family,
			      enum vrrp_state from, enum vrrp_state to, uint8_t priority)
{
	struct notifier *n = arg;

	(void)family;
	(void)from;
	notify_state(n, vrrp_instance_config(in)->name, notify_state_word(to), priority);
}

static int daemon_add_instance(struct daemon *d, size_t i, char *err, size_t errlen)
{
	const struct instance_config *icfg = &d->cfg->instances[i];
	struct vrrp_instance *in = vrrp_instance_new(d->loop, icfg, err, errlen);

	if (!in)
		return -1;
	d->instances[d->n_instances++] = in;
	if (icfg->notify && icfg->notify[0]) {
		d->notifiers[i] = notify_new(d->loop, icfg->notify, d->cfg->script_user, err, errlen);
		if (!d->notifiers[i])
			return -1;
		vrrp_instance_set_state_cb(in, on_instance_state, d->notifiers[i]);
	}
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

static int daemon_setup(struct daemon *d, char *err, size_t errlen)
{
	if (d->opts->pidfile && pidfile_write(d->opts->pidfile, err, errlen) < 0)
		return -1;
	d->loop = loop_new();
	if (!d->loop) {
		snprintf(err, errlen, "cannot create the event loop");
		return -1;
	}
	loop_timer_init(&d->drain_timer, on_drain_timer, d);
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
	    control_open(d->loop, d->opts->control_path, on_control, d, err, errlen) < 0)
		return -1;
	return 0;
}

static void daemon_teardown(struct daemon *d)
{
	size_t i;

	if (d->loop) {
		loop_timer_cancel(d->loop, &d->drain_timer);
		control_close(d->loop);
	}
	health_free(d->health);
	for (i = 0; i < d->n_instances; i++)
		vrrp_instance_free(d->instances[i]);
	for (i = 0; d->notifiers && i < d->cfg->n_instances; i++)
		notify_free(d->notifiers[i]);
	free(d->instances);
	free(d->notifiers);
	if (d->loop)
		netlink_monitor_stop(d->loop);
	netlink_close();
	if (d->loop)
		loop_free(d->loop);
	if (d->opts->pidfile)
		pidfile_remove(d->opts->pidfile);
	config_free(d->cfg);
}

int daemon_run(const struct daemon_options *opts, struct config *cfg)
{
	struct daemon d = { .opts = opts, .cfg = cfg };
	char err[CONFIG_ERR_MAX];
	int status = 0;
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	if (daemon_setup(&d, err, sizeof(err)) < 0) {
		log_err("%s", err);
		status = 1;
	} else {
		log_notice("vipd started: %zu instance(s) from %s", d.n_instances,
			   opts->config_path);
		health_start(d.health);
		for (i = 0; i < d.n_instances; i++)
			vrrp_instance_start(d.instances[i]);
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
