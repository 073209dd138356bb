/* Logging to stderr or syslog, with a rate limiter for per-packet warnings. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static bool log_to_syslog;
static int log_max_level = LOG_INFO;

void log_init(const char *ident, bool use_syslog, int verbosity)
{
	log_to_syslog = use_syslog;
	log_max_level = verbosity > 0 ? LOG_DEBUG : LOG_INFO;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static const char *level_name(int level)
{
	switch (level) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

static void log_stderr(int level, const char *fmt, va_list ap)
{
	struct timespec ts;
	struct tm tm;
	char stamp[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s: ", stamp, ts.tv_nsec / 1000000, level_name(level));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_max_level)
		return;
	va_start(ap, fmt);
	if (log_to_syslog)
		vsyslog(level, fmt, ap);
	else
		log_stderr(level, fmt, ap);
	va_end(ap);
}

bool log_ratelimit_allow(struct log_ratelimit *rl, usec_t now)
{
	if (now - rl->window_start >= rl->window) {
		if (rl->suppressed > 0)
			log_warn("%u similar messages suppressed", rl->suppressed);
		rl->window_start = now;
		rl->in_window = 0;
		rl->suppressed = 0;
	}
	if (rl->in_window < rl->burst) {
		rl->in_window++;
		return true;
	}
	rl->suppressed++;
	return false;
}
