/* Logging: one API with printf checking, stderr or syslog, rate limits. */
#ifndef VIPD_LOG_H
#define VIPD_LOG_H

#include <stdbool.h>
#include <syslog.h>

#include "timeutil.h"

#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Where logs go and how much: verbosity 0 = info and above, 1+ = debug. */
void log_init(const char *ident, bool use_syslog, int verbosity);

/* Log at a syslog level (LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG). */
void log_msg(int level, const char *fmt, ...) LOG_PRINTF(2, 3);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* At most `burst` messages per `window`; the rest are counted and reported once. */
struct log_ratelimit {
	usec_t window;
	unsigned burst;
	usec_t window_start;
	unsigned in_window;
	unsigned suppressed;
};

#define LOG_RATELIMIT_INIT { 10 * USEC_PER_SEC, 5, 0, 0, 0 }

/* True if a message may be logged now; reports what was suppressed before. */
bool log_ratelimit_allow(struct log_ratelimit *rl, usec_t now);

#endif
