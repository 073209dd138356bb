/* State-change hooks: `<script> <instance> <STATE> <priority>`, run as the
 * script user (see spawn.h), in order for one notifier and never two at a
 * time; a call made while one runs waits in a queue. */
#ifndef VIPD_NOTIFY_H
#define VIPD_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "loop.h"
#include "timeutil.h"

/* How long one notify script may run before its process group is killed. */
#define NOTIFY_TIMEOUT (30 * USEC_PER_SEC)

/* Calls waiting behind a running script; beyond this the oldest waiting
 * one is dropped (with a warning): the newest state matters most. */
#define NOTIFY_QUEUE_MAX 32

struct notifier;

/* A notifier for one instance. script: a command (may carry arguments of its
 * own; the three are appended). NULL with a message in err when the user does
 * not exist or a root-run script could be modified by a non-root user. */
struct notifier *notify_new(struct loop *loop, const char *script, const char *script_user,
			    char *err, size_t errlen);

/* Queue one call; it starts at once when nothing runs. state is passed as
 * given ("MASTER", "BACKUP", "FAULT", ...). */
void notify_state(struct notifier *n, const char *instance, const char *state, unsigned priority);

/* The same, and the script's environment says it too: VIPD_INSTANCE,
 * VIPD_STATE, VIPD_FAMILY ("IPv4", "IPv6", or "" for the instance) and
 * VIPD_REASON (the transition's reason, as logged and shown in status). */
#define NOTIFY_ENV_MAX 200
void notify_state_why(struct notifier *n, const char *instance, const char *state,
		      unsigned priority, const char *family, const char *reason);

/* Whether a script runs or calls wait (e.g. to let the last ones finish at
 * shutdown). */
bool notify_busy(const struct notifier *n);

/* Kill a running script's group, drop waiting calls, free. */
void notify_free(struct notifier *n);

#endif
