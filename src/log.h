/* Logging: one API with printf checking, stderr or syslog, rate limits.
 *
 * Until log_set_backlog_hook() is called, every line is written at once and
 * synchronously (a config error reaches stderr before the call returns). From
 * then on logging never blocks: a line the sink cannot take now waits in a
 * bounded queue that the event loop flushes when the sink becomes writable. */
#ifndef VIPD_LOG_H
#define VIPD_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "timeutil.h"

#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* One formatted line at most (longer text is cut); the queue's bounds. */
#define LOG_LINE_MAX	2048
#define LOG_QUEUE_LINES 1000
#define LOG_QUEUE_BYTES ((size_t)128 * 1024)

/* Where logs go and how much: verbosity 0 = info and above, 1+ = debug.
 * Looks at what fd 2 is (pipe, socket, file) or connects to syslog now. */
void log_init(const char *ident, bool use_syslog, int verbosity);

/* The syslog socket log_init() connects to ("/dev/log"; tests set their own). */
void log_set_syslog_path(const char *path);

/* Log at a syslog level (LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG). */
void log_msg(int level, const char *fmt, ...) LOG_PRINTF(2, 3);

/* Like log_msg, with ": strerror(errno)" appended (errno as it was on entry). */
void log_msg_errno(int level, const char *fmt, ...) LOG_PRINTF(2, 3);

#define log_err(...)	    log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	    log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	    log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	    log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	    log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_err_errno(...)  log_msg_errno(LOG_ERR, __VA_ARGS__)
#define log_warn_errno(...) log_msg_errno(LOG_WARNING, __VA_ARGS__)

/* Told when queued lines wait for fd to become writable (waiting: watch it
 * for EPOLLOUT and call log_flush) and when they no longer do. */
typedef void (*log_backlog_hook)(void *arg, int fd, bool waiting);

/* Never block from now on; hook (may be NULL) hears about the backlog. */
void log_set_backlog_hook(log_backlog_hook hook, void *arg);

/* Write queued lines while the sink takes them, without blocking. */
void log_flush(void);

/* At shutdown: flush for at most budget, then drop what is left and clear
 * the hook. Logging stays non-blocking. */
void log_finish(usec_t budget);

/* Forget the sink, the queue and the hook; back to synchronous stderr. */
void log_close(void);

struct log_stats {
	size_t queued;	       /* lines waiting now */
	size_t queued_bytes;   /* their size */
	unsigned long dropped; /* lines lost to a full queue since log_init */
};

/* How the queue stands. */
void log_get_stats(struct log_stats *out);

/* At most `burst` messages per `window`; the rest are counted and reported once. */
struct log_ratelimit {
	usec_t window;
	unsigned burst;
	usec_t window_start;
	unsigned in_window;
	unsigned suppressed;
};

#define LOG_RATELIMIT_INIT                                                                         \
	{                                                                                          \
		10 * USEC_PER_SEC, 5, 0, 0, 0                                                      \
	}

/* True if a message may be logged now; reports what was suppressed before. */
bool log_ratelimit_allow(struct log_ratelimit *rl, usec_t now);

#endif
