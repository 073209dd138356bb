/* What daemon.c, daemon_control.c and daemon_reload.c share: the daemon's
 * state and the few functions each needs of the others. Not for other
 * modules. */
#ifndef VIPD_DAEMON_INTERNAL_H
#define VIPD_DAEMON_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "daemon.h"
#include "health.h"
#include "iface_table.h"
#include "loop.h"
#include "notify.h"
#include "status.h"
#include "vrrp_instance.h"

/* At shutdown, how long the last notify hooks (e.g. "BACKUP") may finish,
 * and how often we look. */
#define DAEMON_NOTIFY_DRAIN (2 * USEC_PER_SEC)
#define DAEMON_DRAIN_POLL (USEC_PER_SEC / 50)

/* After a failed read of interface state, try again this often. */
#define DAEMON_IFACE_RETRY USEC_PER_SEC

struct daemon {
	const struct daemon_options *opts;
	struct config *cfg;
	struct loop *loop;
	struct vrrp_instance **instances;
	struct notifier **notifiers; /* parallel to instances; NULL without a script */
	size_t n_instances;
	struct health *health;
	struct iface_table *ifaces;
	struct loop_timer iface_retry;
	bool stopping;
	usec_t drain_until;
	struct loop_timer drain_timer;
	int64_t started_unix;
	struct status_reload reload;
	struct metrics_http *metrics; /* the metrics_listen listener, or NULL */
};

/* daemon.c: build one instance (wired to the daemon's state callback) and
 * its notifier (NULL without a notify script: check icfg->notify). */
struct vrrp_instance *daemon_new_instance(struct daemon *d, const struct instance_config *icfg,
					  char *err, size_t errlen);
struct notifier *daemon_new_notifier(struct daemon *d, const struct config *cfg,
				     const struct instance_config *icfg, char *err, size_t errlen);
bool daemon_runs_scripts(const struct config *cfg);
void daemon_report_status(const struct daemon *d);

/* daemon_control.c: answer one control-socket command. */
int daemon_control(void *arg, const char *command, FILE *out);

/* daemon_control.c: the Prometheus text of `vipctl metrics` into out (for
 * the metrics listener); 0, or -1 without memory. */
int daemon_write_metrics(struct daemon *d, FILE *out);

/* daemon_reload.c: read the config file again and apply the difference
 * (SIGHUP, vipctl reload). 0, or -1 with "file:line: what" in err and the
 * running configuration untouched. */
int daemon_reload(struct daemon *d, char *err, size_t errlen);

#endif
