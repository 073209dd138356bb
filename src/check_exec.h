/* The exec probe of a check: one run = the check's command, run through
 * /bin/sh -c as the script user (see spawn.h); exit status 0 is success,
 * anything else, or the timeout, a failure with a reason. */
#ifndef VIPD_CHECK_EXEC_H
#define VIPD_CHECK_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "loop.h"
#include "spawn.h"

struct check_exec;

/* A run ended: ok, or not with a reason ("exit status 1", "timeout",
 * "killed by signal 9", "fork: ..."). Called exactly once per
 * check_exec_run, never from inside it. */
typedef void (*check_exec_done_cb)(void *arg, bool ok, const char *reason);

/* Whether the command of an exec check may run as u: when it starts with an
 * absolute path, that program exists, is a regular file and u may run it
 * (search the directories above it, execute it); and for scripts run as
 * root, spawn_check_command's rule. 0, or -1 with the reason in err ("'/x'
 * does not exist"). check_exec_new applies it, and so does vipd -t. */
int check_exec_check_command(const struct spawn_user *u, const char *cmdline, char *err,
			     size_t errlen);

/* Set up the probe: resolve script_user, check the command as above.
 * NULL with a message in err ("script_user 'vipd' does not exist", ...). */
struct check_exec *check_exec_new(struct loop *loop, const struct check_config *cfg,
				  const char *script_user, check_exec_done_cb done, void *arg,
				  char *err, size_t errlen);

/* Start one run bounded by timeout. Must not be called while busy. */
void check_exec_run(struct check_exec *x, usec_t timeout);

/* Whether a run is in progress (including a timed-out group being killed). */
bool check_exec_busy(const struct check_exec *x);

/* Kill a running script's group and free. */
void check_exec_free(struct check_exec *x);

/* A reload kept the check: point it at the new (equal) config. */
void check_exec_rebind(struct check_exec *x, const struct check_config *cfg);

#endif
