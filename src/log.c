/* Logging to stderr or syslog that never blocks the event loop.
 *
 * Each line is formatted once. Before the daemon runs it is written
 * synchronously, as any program would. Once a backlog hook is set, it goes
 * out without blocking: a pipe on fd 2 is written through a private
 * non-blocking open of /proc/self/fd/2 (fd 2's own flags, which our children
 * share, stay as they are), a socket on fd 2 (the journal) with MSG_DONTWAIT,
 * syslog through our own non-blocking datagram socket on /dev/log. What the
 * sink cannot take now waits, in order, in a bounded queue; lines beyond the
 * bound are dropped, counted and reported once the queue has drained. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* A lost syslog socket is reopened at most this often after a failed try. */
#define LOG_RECONNECT_INTERVAL USEC_PER_SEC

enum log_sink_kind {
	LOG_SINK_WRITE,	 /* write(): file, tty, pipe */
	LOG_SINK_STREAM, /* send(MSG_DONTWAIT): a stream socket on fd 2 */
	LOG_SINK_DGRAM,	 /* send(MSG_DONTWAIT): the syslog socket, one line a datagram */
};

enum log_put { LOG_PUT_DONE, LOG_PUT_AGAIN };

struct log_rec {
	struct log_rec *next;
	size_t len;
	char data[];
};

struct log_state {
	bool syslog;
	bool async; /* a backlog hook was set: never block */
	int max_level;
	char ident[32];
	long pid;
	int fd;	       /* where async lines go; -1 when there is nowhere */
	bool fd_owned; /* ours to close */
	bool gate;     /* a pipe we could not reopen: poll before each write */
	enum log_sink_kind kind;
	bool connect_failed;
	usec_t last_connect;
	log_backlog_hook hook;
	void *hook_arg;
	int hooked_fd; /* the fd the hook was told to watch, or -1 */
	bool in_hook;
	struct log_rec *head, *tail;
	size_t head_off; /* bytes of head already written (stream sinks) */
	size_t q_lines, q_bytes;
	unsigned long unreported; /* dropped since the last report */
	unsigned long dropped;
};

#define LOG_STATE_INIT                                                                             \
	{                                                                                          \
		.max_level = LOG_INFO, .ident = "vipd", .fd = -1, .hooked_fd = -1                  \
	}

static struct log_state lg = LOG_STATE_INIT;
static struct sockaddr_un log_syslog_addr = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};

static void log_emit(int level, bool with_errno, const char *fmt, va_list ap) LOG_PRINTF(3, 0);

/* ---- formatting ---- */

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

/* The length after appending n (snprintf's result) to len bytes in a buffer of size. */
static size_t clamp_len(int n, size_t len, size_t size)
{
	if (n < 0)
		return len;
	return len + (size_t)n < size ? len + (size_t)n : size - 1;
}

/* "HH:MM:SS.mmm level: " for stderr, "<PRI>Mmm dd HH:MM:SS ident[pid]: " for syslog. */
static size_t format_prefix(char *buf, size_t size, int level)
{
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	if (lg.syslog)
		n = snprintf(buf, size, "<%d>%s %2d %02d:%02d:%02d %s[%ld]: ", LOG_DAEMON | level,
			     months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			     lg.ident, lg.pid);
	else
		n = snprintf(buf, size, "%02d:%02d:%02d.%03ld %s: ", tm.tm_hour, tm.tm_min,
			     tm.tm_sec, ts.tv_nsec / 1000000, level_name(level));
	return clamp_len(n, 0, size);
}

/* One whole line into buf; its length. errnum is the caller's errno (for %m
 * and, with_errno, the ": strerror" suffix). */
static size_t format_line(char *buf, size_t size, int level, int errnum, bool with_errno,
			  const char *fmt, va_list ap)
{
	size_t room = size - 1; /* keep one byte for stderr's newline */
	size_t len = format_prefix(buf, room, level);

	errno = errnum;
	len = clamp_len(vsnprintf(buf + len, room - len, fmt, ap), len, room);
	if (with_errno)
		len =
		    clamp_len(snprintf(buf + len, room - len, ": %s", strerror(errnum)), len, room);
	if (!lg.syslog)
		buf[len++] = '\n';
	return len;
}

/* ---- the sink ---- */

static bool fd_writable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};

	return poll(&p, 1, 0) > 0;
}

static ssize_t sink_send(const char *p, size_t n)
{
	if (lg.fd < 0) {
		errno = ENOTCONN;
		return -1;
	}
	if (lg.kind != LOG_SINK_WRITE)
		return send(lg.fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (lg.gate && !fd_writable(lg.fd)) {
		errno = EAGAIN;
		return -1;
	}
	return write(lg.fd, p, n);
}

/* Tell the hook which fd to watch: lg.fd while lines wait and it is open. */
static void backlog_update(void)
{
	int tries;

	if (!lg.hook || lg.in_hook)
		return;
	lg.in_hook = true;
	for (tries = 0; tries < 4; tries++) {
		int want = lg.head && lg.fd >= 0 ? lg.fd : -1;
		int old = lg.hooked_fd;

		if (want == old)
			break;
		lg.hooked_fd = -1;
		if (old >= 0)
			lg.hook(lg.hook_arg, old, false);
		lg.hooked_fd = want;
		if (want >= 0)
			lg.hook(lg.hook_arg, want, true);
	}
	lg.in_hook = false;
}

static void sink_close(void)
{
	int fd = lg.fd;

	lg.fd = -1;
	backlog_update(); /* the loop forgets fd before it is closed */
	if (fd >= 0 && lg.fd_owned)
		close(fd);
	lg.fd_owned = false;
	lg.gate = false;
}

static bool syslog_connect(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	lg.last_connect = time_now();
	if (fd >= 0 &&
	    connect(fd, (const struct sockaddr *)&log_syslog_addr, sizeof(log_syslog_addr)) < 0) {
		close(fd);
		fd = -1;
	}
	lg.connect_failed = fd < 0;
	if (fd < 0)
		return false;
	lg.fd = fd;
	lg.fd_owned = true;
	lg.kind = LOG_SINK_DGRAM;
	return true;
}

/* The syslog daemon went away (or was never there): open a new socket,
 * at once after a working one, then at most once per interval. */
static bool syslog_reconnect(void)
{
	sink_close();
	if (lg.connect_failed && time_now() - lg.last_connect < LOG_RECONNECT_INTERVAL)
		return false;
	return syslog_connect();
}

static bool syslog_lost(int err)
{
	return err == ECONNREFUSED || err == ENOTCONN || err == ECONNRESET || err == EPIPE ||
	       err == ENOENT;
}

static void stderr_open(void)
{
	struct stat st;
	int fd;

	lg.kind = LOG_SINK_WRITE;
	if (fstat(STDERR_FILENO, &st) < 0)
		return; /* closed: nothing is written */
	lg.fd = STDERR_FILENO;
	if (S_ISSOCK(st.st_mode)) {
		lg.kind = LOG_SINK_STREAM;
	} else if (S_ISFIFO(st.st_mode)) {
		fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		lg.gate = fd < 0;
		if (fd >= 0) {
			lg.fd = fd;
			lg.fd_owned = true;
		}
	}
}

/* Write p[*off..n) without blocking. DONE: all of it went out, or it is lost
 * to a hard error (a closed pipe, a full disk). AGAIN: the rest must wait. */
static enum log_put sink_put(const char *p, size_t n, size_t *off)
{
	bool reconnected = false;

	for (;;) {
		ssize_t r = sink_send(p + *off, n - *off);

		if (r >= 0) {
			*off += (size_t)r;
			if (*off >= n || lg.kind == LOG_SINK_DGRAM)
				return LOG_PUT_DONE;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			return LOG_PUT_AGAIN;
		} else if (lg.syslog && syslog_lost(errno)) {
			if (reconnected || !syslog_reconnect())
				return LOG_PUT_AGAIN;
			reconnected = true;
		} else if (errno != EINTR) {
			return LOG_PUT_DONE;
		}
	}
}

/* Before the daemon runs: write it all now, waiting if we must (as stdio would). */
static void sink_put_sync(const char *p, size_t n)
{
	bool retried = !lg.syslog; /* a lost syslog socket is reopened once */
	int fd = STDERR_FILENO;
	size_t off = 0;
	ssize_t r;

	if (lg.syslog) {
		if (lg.fd < 0 && syslog_reconnect())
			retried = true;
		fd = lg.fd;
	}
	while (fd >= 0 && off < n) {
		r = lg.syslog ? send(fd, p + off, n - off, MSG_NOSIGNAL)
			      : write(fd, p + off, n - off);
		if (r >= 0) {
			off = lg.syslog ? n : off + (size_t)r;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};

			(void)poll(&pfd, 1, -1);
		} else if (!retried && syslog_lost(errno)) {
			retried = true;
			fd = syslog_reconnect() ? lg.fd : -1;
		} else if (errno != EINTR) {
			return;
		}
	}
}

/* ---- the queue ---- */

static void queue_drop(void)
{
	lg.unreported++;
	lg.dropped++;
}

static void queue_push(const char *p, size_t n, size_t off)
{
	struct log_rec *r;

	if (lg.q_lines >= LOG_QUEUE_LINES || lg.q_bytes + n > LOG_QUEUE_BYTES) {
		queue_drop();
		return;
	}
	r = malloc(sizeof(*r) + n);
	if (!r) {
		queue_drop();
		return;
	}
	r->next = NULL;
	r->len = n;
	memcpy(r->data, p, n);
	if (lg.tail)
		lg.tail->next = r;
	else
		lg.head = r;
	if (lg.head == r) /* the first line may be partly written already */
		lg.head_off = off;
	lg.tail = r;
	lg.q_lines++;
	lg.q_bytes += n;
}

static void queue_pop(void)
{
	struct log_rec *r = lg.head;

	lg.head = r->next;
	if (!lg.head)
		lg.tail = NULL;
	lg.head_off = 0;
	lg.q_lines--;
	lg.q_bytes -= r->len;
	free(r);
}

static void queue_clear(void)
{
	while (lg.head) {
		queue_pop();
		lg.dropped++;
	}
	lg.unreported = 0;
}

static void log_report_drops(void)
{
	unsigned long n = lg.unreported;

	lg.unreported = 0;
	log_msg(LOG_WARNING, "%lu log messages dropped (log sink too slow)", n);
}

void log_flush(void)
{
	while (lg.head && sink_put(lg.head->data, lg.head->len, &lg.head_off) == LOG_PUT_DONE)
		queue_pop();
	if (!lg.head && lg.unreported > 0)
		log_report_drops();
	backlog_update();
}

/* Hand one line to the sink; never ahead of older lines still queued. */
static void deliver(const char *line, size_t n)
{
	size_t off = 0;

	if (!lg.async) {
		sink_put_sync(line, n);
		return;
	}
	if (lg.head)
		log_flush();
	if (!lg.head && sink_put(line, n, &off) == LOG_PUT_DONE)
		return;
	queue_push(line, n, off);
	backlog_update();
}

/* ---- the API ---- */

static void log_emit(int level, bool with_errno, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int saved = errno;

	level = LOG_PRI(level);
	if (level <= lg.max_level)
		deliver(line, format_line(line, sizeof(line), level, saved, with_errno, fmt, ap));
	errno = saved;
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(level, false, fmt, ap);
	va_end(ap);
}

void log_msg_errno(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(level, true, fmt, ap);
	va_end(ap);
}

void log_set_syslog_path(const char *path)
{
	snprintf(log_syslog_addr.sun_path, sizeof(log_syslog_addr.sun_path), "%s", path);
}

void log_init(const char *ident, bool use_syslog, int verbosity)
{
	log_close();
	lg.syslog = use_syslog;
	lg.max_level = verbosity > 0 ? LOG_DEBUG : LOG_INFO;
	snprintf(lg.ident, sizeof(lg.ident), "%s", ident);
	lg.pid = (long)getpid();
	if (use_syslog)
		(void)syslog_connect();
	else
		stderr_open();
}

void log_set_backlog_hook(log_backlog_hook hook, void *arg)
{
	if (lg.hook && lg.hooked_fd >= 0 && !lg.in_hook)
		lg.hook(lg.hook_arg, lg.hooked_fd, false);
	lg.hooked_fd = -1;
	lg.hook = hook;
	lg.hook_arg = arg;
	lg.async = true;
	backlog_update();
}

void log_finish(usec_t budget)
{
	usec_t end = time_now() + budget;

	log_flush();
	while (lg.head && lg.fd >= 0) {
		struct pollfd p = {.fd = lg.fd, .events = POLLOUT};
		usec_t left = end - time_now();

		if (left <= 0 || (poll(&p, 1, (int)((left + 999) / 1000)) == 0))
			break;
		log_flush();
	}
	queue_clear();
	log_set_backlog_hook(NULL, NULL);
}

void log_close(void)
{
	log_set_backlog_hook(NULL, NULL);
	queue_clear();
	sink_close();
	lg = (struct log_state)LOG_STATE_INIT;
}

void log_get_stats(struct log_stats *out)
{
	out->queued = lg.q_lines;
	out->queued_bytes = lg.q_bytes;
	out->dropped = lg.dropped;
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
