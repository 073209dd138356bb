/* The control socket: a Unix stream socket that answers one-line commands
 * ("status", "status --json") from vipctl. */
#ifndef VIPD_CONTROL_H
#define VIPD_CONTROL_H

#include <stddef.h>
#include <stdio.h>

#include "loop.h"

/* Writes the answer to a command into out; returns 0, or -1 for an unknown command. */
typedef int (*control_handler)(void *arg, const char *command, FILE *out);

/* Listen on path (replacing a stale socket). 0, or -1 with err. */
int control_open(struct loop *loop, const char *path, control_handler handler, void *arg,
		 char *err, size_t errlen);

/* Stop listening and remove the socket file. */
void control_close(struct loop *loop);

#endif
