/* The running daemon: builds instances from a validated config, wires the
 * netlink monitor, signals and control socket to them, runs the loop, and
 * stops gracefully. */
#ifndef VIPD_DAEMON_H
#define VIPD_DAEMON_H

#include <stdbool.h>

#include "config.h"

struct daemon_options {
	const char *config_path;
	const char *control_path; /* NULL: no control socket */
	const char *pidfile;      /* NULL: no pid file */
};

/* Run until SIGTERM/SIGINT; cfg is owned by the daemon from here on.
 * Returns the process exit status. */
int daemon_run(const struct daemon_options *opts, struct config *cfg);

#endif
