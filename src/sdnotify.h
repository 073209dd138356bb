/* The service manager's notify protocol (sd_notify(3)), spoken by vipd
 * itself: each message is one AF_UNIX datagram to $NOTIFY_SOCKET (a path, or
 * an abstract name when it starts with '@'), sent without blocking. Without
 * NOTIFY_SOCKET every call does nothing: vipd needs no systemd at run time.
 * One notifier per process. */
#ifndef VIPD_SDNOTIFY_H
#define VIPD_SDNOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "loop.h"
#include "timeutil.h"

/* Longest STATUS= text sent; longer text is cut. */
#define SDNOTIFY_STATUS_MAX 400

/* Read NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID and open the socket.
 * 0 (also when there is nothing to notify), or -1 with the reason in err. */
int sdnotify_open(char *err, size_t errlen);

/* Close the socket and stop the watchdog timer (if a loop runs it). */
void sdnotify_close(void);

/* Whether a service manager listens (NOTIFY_SOCKET was usable). */
bool sdnotify_enabled(void);

/* Send one message, e.g. "READY=1". 0 (also when not enabled), or -1. */
int sdnotify_send(const char *msg);

/* READY=1: start-up (or a reload) is complete. */
int sdnotify_ready(void);

/* RELOADING=1 with MONOTONIC_USEC=: a reload begins; send sdnotify_ready()
 * when it is done. For the reload feature (SIGHUP); unused until then. */
int sdnotify_reloading(void);

/* STOPPING=1: shutdown has begun. */
int sdnotify_stopping(void);

/* STATUS=text, one line (newlines become spaces), cut at SDNOTIFY_STATUS_MAX. */
int sdnotify_status(const char *text);

/* The watchdog interval the service manager asks for (WATCHDOG_USEC, when
 * WATCHDOG_PID is unset or ours), or 0 for none. */
usec_t sdnotify_watchdog_usec(void);

/* Send WATCHDOG=1 from the loop every half interval, so a loop that hangs
 * stops the pings. Nothing happens without a watchdog. */
void sdnotify_watchdog_start(struct loop *loop);

/* Stop the pings (before the loop is freed). */
void sdnotify_watchdog_stop(void);

#endif
