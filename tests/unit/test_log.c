/* Unit tests for log: the stderr format, synchronous writes before the daemon
 * runs, and afterwards never blocking on a slow pipe, stream socket or syslog
 * socket: the bounded queue, its order, the drop report and the backlog hook.
 * Links src/log.c alone; real pipes and AF_UNIX sockets stand in for the
 * reader. While fd 2 is a pipe nobody reads, nothing is asserted (a failing
 * assert would print to it), so each test moves fd 2 back before checking. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

#define MSEC  1000LL
#define BURST 2000
/* A call that blocked on a reader that never reads would never return (the
 * alarm in main ends the run); these bounds leave room for being preempted
 * on a busy machine: the 99th percentile call, the slowest, the whole burst. */
#define P99_CALL_USEC  (1 * MSEC)
#define MAX_CALL_USEC  (25 * MSEC)
#define MAX_BURST_USEC (500 * MSEC)
#define OUT_CAP	       ((size_t)1024 * 1024)
#define PAD	       "................................................................................"

static const char stderr_re[] =
    "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\\.[0-9]{3} (error|warning|notice|"
    "info|debug): (.*)$";

/* ---- the backlog hook ---- */

struct hook_call {
	int fd;
	bool waiting;
};

static struct hook_call hook_calls[16];
static unsigned n_hook_calls;

static void record_hook(void *arg, int fd, bool waiting)
{
	(void)arg;
	if (n_hook_calls < 16)
		hook_calls[n_hook_calls] = (struct hook_call){fd, waiting};
	n_hook_calls++;
}

/* ---- fd 2 ---- */

static int saved_stderr = -1;

static void stderr_to(int fd)
{
	fflush(stderr);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
}

static void stderr_back(void)
{
	dup2(saved_stderr, STDERR_FILENO);
}

/* A pipe of `size` bytes (0: the default); the read end is non-blocking. */
static void make_pipe(int p[2], int size)
{
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	if (size > 0)
		assert_true(fcntl(p[1], F_SETPIPE_SZ, size) >= size);
	assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
}

/* Append what fd has now to out (cap bytes); the new length. */
static size_t read_some(int fd, char *out, size_t len, size_t cap)
{
	ssize_t n;

	while (len < cap - 1 && (n = read(fd, out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	return len;
}

/* Read and flush until the queue is empty and the hook was told so. */
static size_t drain(int fd, char *out, size_t len, size_t cap)
{
	struct log_stats st;
	int rounds;

	for (rounds = 0; rounds < 100000; rounds++) {
		len = read_some(fd, out, len, cap);
		log_get_stats(&st);
		if (st.queued == 0)
			break;
		log_flush();
	}
	return read_some(fd, out, len, cap);
}

static usec_t call_usec[BURST];
static usec_t max_call_usec, p99_call_usec, burst_usec;

static int cmp_usec(const void *a, const void *b)
{
	usec_t x = *(const usec_t *)a, y = *(const usec_t *)b;

	return (x > y) - (x < y);
}

/* count lines "line NNNN <pad>" at level info, timing each call. */
static void burst(int count, const char *pad)
{
	usec_t start = time_now();
	int i;

	for (i = 0; i < count; i++) {
		call_usec[i] = time_now();
		log_info("line %04d %s", i, pad);
		call_usec[i] = time_now() - call_usec[i];
	}
	burst_usec = time_now() - start;
	qsort(call_usec, (size_t)count, sizeof(call_usec[0]), cmp_usec);
	max_call_usec = call_usec[count - 1];
	p99_call_usec = call_usec[count * 99 / 100];
}

/* VIPD_TEST_SLOWDOWN=N widens the time bounds N times: tests/valgrind.sh
 * runs this under memcheck, some 50 times slower (a blocked call still never
 * returns). */
static long long slowdown(void)
{
	const char *env = getenv("VIPD_TEST_SLOWDOWN");
	long long n = env ? atoll(env) : 1;

	return n >= 1 ? n : 1;
}

static void assert_burst_fast(void)
{
	assert_true(p99_call_usec < P99_CALL_USEC * slowdown());
	assert_true(max_call_usec < MAX_CALL_USEC * slowdown());
	assert_true(burst_usec < MAX_BURST_USEC * slowdown());
}

/* Every line has the stderr format; the texts "line N" run 0, 1, ... with no
 * gap; a drop report may end the output. Returns the lines seen; *reported
 * gets the count in the drop report (0 without one). */
static int check_lines(char *out, unsigned long *reported)
{
	regex_t re;
	regmatch_t m[3];
	char *save = NULL;
	char *line;
	int next = 0;

	*reported = 0;
	assert_int_equal(regcomp(&re, stderr_re, REG_EXTENDED), 0);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int seq;

		assert_int_equal(regexec(&re, line, 3, m, 0), 0);
		assert_int_equal(*reported, 0); /* the report comes last */
		if (sscanf(line + m[2].rm_so, "line %d", &seq) == 1) {
			assert_int_equal(seq, next);
			next++;
		} else {
			assert_int_equal(sscanf(line + m[2].rm_so,
						"%lu log messages dropped (log sink too slow)",
						reported),
					 1);
			assert_int_equal(strncmp(line + m[1].rm_so, "warning:", 8), 0);
		}
	}
	regfree(&re);
	return next;
}

static int teardown(void **state)
{
	(void)state;
	stderr_back();
	log_close();
	n_hook_calls = 0;
	return 0;
}

/* ---- before the daemon runs: synchronous, the old format ---- */

static void sync_before_hook_writes_at_once_in_the_old_format(void **state)
{
	char out[4096];
	int p[2];
	size_t len;

	(void)state;
	make_pipe(p, 0);
	stderr_to(p[1]);
	log_warn("before log_init %d", 1);
	log_init("vipd", false, 0);
	log_info("after log_init %s", "too");
	log_debug("not at verbosity 0");
	stderr_back();
	len = read_some(p[0], out, 0, sizeof(out));
	assert_true(len > 0);
	assert_int_equal(strchr(out, '\n') - out,
			 strlen("HH:MM:SS.mmm warning: before log_init 1"));
	assert_non_null(strstr(out, " warning: before log_init 1\n"));
	assert_non_null(strstr(out, " info: after log_init too\n"));
	assert_null(strstr(out, "verbosity"));
	assert_int_equal(out[2], ':');
	assert_int_equal(out[5], ':');
	assert_int_equal(out[8], '.');
	close(p[0]);
	close(p[1]);
}

static void errno_variant_appends_strerror_and_keeps_errno(void **state)
{
	char out[4096];
	int p[2];

	(void)state;
	make_pipe(p, 0);
	stderr_to(p[1]);
	log_init("vipd", false, 1);
	errno = EACCES;
	log_warn_errno("cannot open %s", "x.conf");
	log_err_errno("bind");
	log_debug("plain %m");
	stderr_back();
	assert_int_equal(errno, EACCES);
	read_some(p[0], out, 0, sizeof(out));
	assert_non_null(strstr(out, " warning: cannot open x.conf: Permission denied\n"));
	assert_non_null(strstr(out, " error: bind: Permission denied\n"));
	assert_non_null(strstr(out, " debug: plain Permission denied\n"));
	close(p[0]);
	close(p[1]);
}

static void long_line_is_cut_and_still_ends_in_newline(void **state)
{
	static char big[3 * LOG_LINE_MAX];
	static char out[4 * LOG_LINE_MAX];
	int p[2];
	size_t len;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	make_pipe(p, 0);
	stderr_to(p[1]);
	log_init("vipd", false, 0);
	log_set_backlog_hook(record_hook, NULL);
	log_info("%s", big);
	stderr_back();
	len = read_some(p[0], out, 0, sizeof(out));
	assert_int_equal(len, LOG_LINE_MAX - 1);
	assert_int_equal(out[len - 1], '\n');
	assert_int_equal(n_hook_calls, 0);
	close(p[0]);
	close(p[1]);
}

/* ---- a pipe nobody reads ---- */

static void pipe_burst_never_blocks_queues_in_order_and_reports_drops(void **state)
{
	char *out = malloc(OUT_CAP);
	struct log_stats st;
	unsigned long reported;
	int p[2], fd2_flags, seen;

	(void)state;
	assert_non_null(out);
	make_pipe(p, 4096);
	stderr_to(p[1]);
	log_init("vipd", false, 0);
	fd2_flags = fcntl(STDERR_FILENO, F_GETFL);
	log_set_backlog_hook(record_hook, NULL);
	burst(BURST, PAD);
	stderr_back();

	/* fd 2 (shared with our children) stays blocking; we wrote elsewhere */
	assert_int_equal(fd2_flags & O_NONBLOCK, 0);
	assert_burst_fast();
	print_message("   2000 lines into a full pipe: %lld us in all; per call %lld us at p99, "
		      "%lld us the slowest\n",
		      (long long)burst_usec, (long long)p99_call_usec, (long long)max_call_usec);
	log_get_stats(&st);
	assert_int_equal(st.queued, LOG_QUEUE_LINES);
	assert_true(st.queued_bytes <= LOG_QUEUE_BYTES);
	assert_true(st.dropped > 0);
	assert_int_equal(n_hook_calls, 1);
	assert_true(hook_calls[0].waiting);
	assert_true(hook_calls[0].fd > STDERR_FILENO);

	drain(p[0], out, 0, OUT_CAP);
	seen = check_lines(out, &reported);
	assert_int_equal(seen + (int)reported, BURST);
	assert_int_equal(reported, st.dropped);
	assert_int_equal(n_hook_calls, 2);
	assert_false(hook_calls[1].waiting);
	assert_int_equal(hook_calls[1].fd, hook_calls[0].fd);

	/* drained: the next line goes straight out, the hook hears nothing */
	log_info("after the burst");
	read_some(p[0], out, 0, OUT_CAP);
	assert_non_null(strstr(out, " info: after the burst\n"));
	assert_int_equal(n_hook_calls, 2);
	free(out);
	close(p[0]);
	close(p[1]);
}

static void queue_bounded_by_bytes_with_long_lines(void **state)
{
	static char pad[1500];
	char *out = malloc(OUT_CAP);
	struct log_stats st;
	unsigned long reported;
	int p[2], seen;

	(void)state;
	assert_non_null(out);
	memset(pad, 'y', sizeof(pad) - 1);
	make_pipe(p, 4096);
	stderr_to(p[1]);
	log_init("vipd", false, 0);
	log_set_backlog_hook(record_hook, NULL);
	burst(500, pad);
	stderr_back();
	assert_burst_fast();
	log_get_stats(&st);
	assert_true(st.queued < LOG_QUEUE_LINES);
	assert_true(st.queued_bytes <= LOG_QUEUE_BYTES);
	assert_true(st.queued_bytes > LOG_QUEUE_BYTES - LOG_LINE_MAX);
	drain(p[0], out, 0, OUT_CAP);
	seen = check_lines(out, &reported);
	assert_int_equal(seen + (int)reported, 500);
	assert_int_equal(reported, st.dropped);
	free(out);
	close(p[0]);
	close(p[1]);
}

static void new_line_waits_behind_queued_ones(void **state)
{
	char *out = malloc(OUT_CAP);
	struct log_stats st;
	unsigned long reported;
	size_t len;
	int p[2];

	(void)state;
	assert_non_null(out);
	make_pipe(p, 4096);
	stderr_to(p[1]);
	log_init("vipd", false, 0);
	log_set_backlog_hook(record_hook, NULL);
	/* ~20 KiB: most of it queued, none dropped; then room for a few queued lines */
	burst(200, PAD);
	len = read_some(p[0], out, 0, OUT_CAP);
	log_info("line %04d newest", 200);
	stderr_back();
	log_get_stats(&st);
	assert_true(st.queued > 0); /* so "newest" had to wait */
	assert_int_equal(st.dropped, 0);
	assert_null(strstr(out, "newest"));
	drain(p[0], out, len, OUT_CAP);
	assert_int_equal(check_lines(out, &reported), 201);
	assert_int_equal(reported, 0);
	free(out);
	close(p[0]);
	close(p[1]);
}

static void closed_pipe_drops_lines_and_releases_the_fd(void **state)
{
	struct log_stats st;
	int p[2];

	(void)state;
	make_pipe(p, 4096);
	stderr_to(p[1]);
	log_init("vipd", false, 0);
	log_set_backlog_hook(record_hook, NULL);
	burst(100, PAD);
	stderr_back();
	close(p[0]); /* the reader is gone: EPIPE, the lines are lost */
	log_flush();
	log_get_stats(&st);
	assert_int_equal(st.queued, 0);
	assert_int_equal(n_hook_calls, 2);
	assert_false(hook_calls[1].waiting);
	close(p[1]);
}

static void finish_gives_up_within_its_budget(void **state)
{
	struct log_stats st;
	usec_t t;
	int p[2];

	(void)state;
	make_pipe(p, 4096);
	stderr_to(p[1]);
	log_init("vipd", false, 0);
	log_set_backlog_hook(record_hook, NULL);
	burst(200, PAD);
	t = time_now();
	log_finish(100 * MSEC);
	t = time_now() - t;
	burst(10, "after finish"); /* still never blocks, nobody flushes */
	stderr_back();
	assert_true(t >= 90 * MSEC && t < 400 * MSEC * slowdown());
	assert_burst_fast();
	assert_int_equal(n_hook_calls, 2);
	assert_false(hook_calls[1].waiting);
	log_get_stats(&st);
	assert_true(st.dropped > 100);
	close(p[0]);
	close(p[1]);
}

static void finish_returns_at_once_when_nothing_waits(void **state)
{
	char *out = malloc(OUT_CAP);
	unsigned long reported;
	usec_t t;
	int p[2];

	(void)state;
	assert_non_null(out);
	make_pipe(p, 0); /* 64 KiB: takes all 200 lines */
	stderr_to(p[1]);
	log_init("vipd", false, 0);
	log_set_backlog_hook(record_hook, NULL);
	burst(200, PAD);
	t = time_now();
	log_finish(100 * MSEC);
	t = time_now() - t;
	stderr_back();
	assert_true(t < 10 * MSEC * slowdown());
	assert_int_equal(n_hook_calls, 0);
	read_some(p[0], out, 0, OUT_CAP);
	assert_int_equal(check_lines(out, &reported), 200);
	free(out);
	close(p[0]);
	close(p[1]);
}

/* ---- a stream socket on fd 2 (the journal) ---- */

static void stream_socket_partial_writes_keep_lines_whole(void **state)
{
	static char pad[1200];
	char *out = malloc(OUT_CAP);
	struct log_stats st;
	unsigned long reported;
	int sv[2], fd2_flags, small = 4096;

	(void)state;
	assert_non_null(out);
	memset(pad, 'z', sizeof(pad) - 1);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	stderr_to(sv[1]);
	log_init("vipd", false, 0);
	log_set_backlog_hook(record_hook, NULL);
	burst(60, pad); /* 72 KiB: within the queue's bound */
	fd2_flags = fcntl(STDERR_FILENO, F_GETFL);
	log_get_stats(&st);
	drain(sv[0], out, 0, OUT_CAP); /* fd 2 stays the socket: log sends on it */
	stderr_back();
	assert_int_equal(fd2_flags & O_NONBLOCK, 0);
	assert_burst_fast();
	assert_true(st.queued > 0);
	assert_int_equal(n_hook_calls, 2);
	assert_int_equal(hook_calls[0].fd, STDERR_FILENO);
	assert_true(hook_calls[0].waiting);
	assert_false(hook_calls[1].waiting);
	assert_int_equal(check_lines(out, &reported), 60);
	assert_int_equal(reported, 0);
	free(out);
	close(sv[0]);
	close(sv[1]);
}

/* ---- syslog ---- */

static char sock_dir[32], sock_path[64];

static int syslog_server(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	unlink(sock_path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static int syslog_setup(void **state)
{
	(void)state;
	snprintf(sock_dir, sizeof(sock_dir), "/tmp/test_log.XXXXXX");
	assert_non_null(mkdtemp(sock_dir));
	snprintf(sock_path, sizeof(sock_path), "%s/log", sock_dir);
	log_set_syslog_path(sock_path);
	return 0;
}

static int syslog_teardown(void **state)
{
	teardown(state);
	unlink(sock_path);
	rmdir(sock_dir);
	log_set_syslog_path("/dev/log");
	return 0;
}

/* The next datagram as a string, or NULL when none waits. */
static const char *recv_line(int fd)
{
	static char buf[LOG_LINE_MAX + 1];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static void assert_syslog_line(const char *line, int pri, const char *text)
{
	char re_text[256];
	regex_t re;

	assert_non_null(line);
	snprintf(re_text, sizeof(re_text),
		 "^<%d>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123][0-9] "
		 "[0-2][0-9]:[0-5][0-9]:[0-6][0-9] vipd\\[%ld\\]: %s$",
		 pri, (long)getpid(), text);
	assert_int_equal(regcomp(&re, re_text, REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, line, 0, NULL, 0) != 0)
		fail_msg("'%s' does not match '%s'", line, re_text);
	regfree(&re);
}

static void syslog_lines_arrive_in_the_traditional_format(void **state)
{
	int srv = syslog_server();

	(void)state;
	log_init("vipd", true, 0);
	log_notice("before the hook %s", "(synchronous)");
	log_set_backlog_hook(record_hook, NULL);
	log_notice("hello %s", "world");
	log_err("broken");
	log_debug("not at verbosity 0");
	errno = ENOENT;
	log_warn_errno("open %s", "/x");
	assert_syslog_line(recv_line(srv), LOG_DAEMON | LOG_NOTICE,
			   "before the hook \\(synchronous\\)");
	assert_syslog_line(recv_line(srv), 29, "hello world");
	assert_syslog_line(recv_line(srv), 27, "broken");
	assert_syslog_line(recv_line(srv), 28, "open /x: No such file or directory");
	assert_null(recv_line(srv));
	assert_int_equal(n_hook_calls, 0);
	close(srv);
}

static void syslog_full_receiver_never_blocks(void **state)
{
	int srv = syslog_server();
	struct log_stats st;
	const char *line;
	unsigned long reported = 0;
	int next = 0, rounds, seq;

	(void)state;
	log_init("vipd", true, 0);
	log_set_backlog_hook(record_hook, NULL);
	burst(BURST, "x");
	assert_burst_fast();
	print_message("   2000 lines to a syslog socket nobody reads: %lld us in all; per call "
		      "%lld us at p99, %lld us the slowest\n",
		      (long long)burst_usec, (long long)p99_call_usec, (long long)max_call_usec);
	log_get_stats(&st);
	assert_int_equal(st.queued, LOG_QUEUE_LINES);
	assert_int_equal(n_hook_calls, 1);
	assert_true(hook_calls[0].waiting);
	assert_true(hook_calls[0].fd > STDERR_FILENO);
	for (rounds = 0; rounds < 100000 && !reported; rounds++) {
		while (!reported && (line = recv_line(srv)) != NULL) {
			const char *text = strstr(line, "]: ");

			assert_non_null(text);
			if (sscanf(text, "]: line %d", &seq) == 1)
				assert_int_equal(seq, next++);
			else
				assert_int_equal(
				    sscanf(text, "]: %lu log messages dropped", &reported), 1);
		}
		log_flush();
	}
	assert_int_equal(next + (int)reported, BURST);
	assert_int_equal(reported, st.dropped);
	assert_int_equal(n_hook_calls, 2);
	assert_false(hook_calls[1].waiting);
	close(srv);
}

static void syslog_reopens_at_once_after_the_daemon_restarts(void **state)
{
	int srv = syslog_server();

	(void)state;
	log_init("vipd", true, 0);
	log_set_backlog_hook(record_hook, NULL);
	log_notice("first");
	assert_syslog_line(recv_line(srv), 29, "first");
	close(srv);
	srv = syslog_server(); /* a new socket at the same path */
	log_notice("second");
	assert_syslog_line(recv_line(srv), 29, "second");
	close(srv);
}

static void syslog_queues_while_away_and_retries_once_a_second(void **state)
{
	int srv = syslog_server();
	struct log_stats st;

	(void)state;
	log_init("vipd", true, 0);
	log_set_backlog_hook(record_hook, NULL);
	close(srv);
	unlink(sock_path);
	log_notice("a"); /* refused; reconnecting fails: queued */
	log_notice("b"); /* no new try within a second */
	log_get_stats(&st);
	assert_int_equal(st.queued, 2);
	assert_int_equal(n_hook_calls, 0); /* no socket to watch */
	srv = syslog_server();
	log_notice("c");
	assert_null(recv_line(srv));
	usleep(1100 * 1000);
	log_notice("d");
	assert_syslog_line(recv_line(srv), 29, "a");
	assert_syslog_line(recv_line(srv), 29, "b");
	assert_syslog_line(recv_line(srv), 29, "c");
	assert_syslog_line(recv_line(srv), 29, "d");
	log_get_stats(&st);
	assert_int_equal(st.queued, 0);
	close(srv);
}

/* ---- rate limits ---- */

static void ratelimit_allows_a_burst_then_reports_suppressed(void **state)
{
	struct log_ratelimit rl = LOG_RATELIMIT_INIT;
	char out[4096];
	int p[2], i, allowed = 0;

	(void)state;
	make_pipe(p, 0);
	stderr_to(p[1]);
	log_init("vipd", false, 0);
	for (i = 0; i < 8; i++)
		allowed += log_ratelimit_allow(&rl, 100 * USEC_PER_SEC);
	allowed += log_ratelimit_allow(&rl, 111 * USEC_PER_SEC);
	stderr_back();
	assert_int_equal(allowed, 6);
	read_some(p[0], out, 0, sizeof(out));
	assert_non_null(strstr(out, " warning: 3 similar messages suppressed\n"));
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(sync_before_hook_writes_at_once_in_the_old_format, teardown),
	    cmocka_unit_test_teardown(errno_variant_appends_strerror_and_keeps_errno, teardown),
	    cmocka_unit_test_teardown(long_line_is_cut_and_still_ends_in_newline, teardown),
	    cmocka_unit_test_teardown(pipe_burst_never_blocks_queues_in_order_and_reports_drops,
				      teardown),
	    cmocka_unit_test_teardown(queue_bounded_by_bytes_with_long_lines, teardown),
	    cmocka_unit_test_teardown(new_line_waits_behind_queued_ones, teardown),
	    cmocka_unit_test_teardown(closed_pipe_drops_lines_and_releases_the_fd, teardown),
	    cmocka_unit_test_teardown(finish_gives_up_within_its_budget, teardown),
	    cmocka_unit_test_teardown(finish_returns_at_once_when_nothing_waits, teardown),
	    cmocka_unit_test_teardown(stream_socket_partial_writes_keep_lines_whole, teardown),
	    cmocka_unit_test_setup_teardown(syslog_lines_arrive_in_the_traditional_format,
					    syslog_setup, syslog_teardown),
	    cmocka_unit_test_setup_teardown(syslog_full_receiver_never_blocks, syslog_setup,
					    syslog_teardown),
	    cmocka_unit_test_setup_teardown(syslog_reopens_at_once_after_the_daemon_restarts,
					    syslog_setup, syslog_teardown),
	    cmocka_unit_test_setup_teardown(syslog_queues_while_away_and_retries_once_a_second,
					    syslog_setup, syslog_teardown),
	    cmocka_unit_test_teardown(ratelimit_allows_a_burst_then_reports_suppressed, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	alarm(60); /* a write that blocks fails the run instead of hanging it */
	saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 10);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
