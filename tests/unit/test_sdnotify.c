/* Unit tests for the notify protocol: a real AF_UNIX datagram socket stands
 * for the service manager, as a path and as an abstract name; every test
 * asserts the exact datagrams vipd sends. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
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

#include "sdnotify.h"

#define MSEC 1000LL

/* The service manager's end: a bound datagram socket. */
struct manager {
	int fd;
	bool bound;
	char name[108]; /* NOTIFY_SOCKET value */
	char dir[64];	/* for a path socket */
};

static void manager_bind(struct manager *m, bool abstract)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	socklen_t len;

	m->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(m->fd >= 0);
	m->dir[0] = '\0';
	if (abstract) {
		snprintf(m->name, sizeof(m->name), "@vipd-test-sdnotify-%ld", (long)getpid());
		memcpy(sun.sun_path + 1, m->name + 1, strlen(m->name) - 1);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(m->name));
	} else {
		snprintf(m->dir, sizeof(m->dir), "/tmp/vipd-sdnotify.XXXXXX");
		assert_non_null(mkdtemp(m->dir));
		snprintf(m->name, sizeof(m->name), "%s/notify", m->dir);
		strcpy(sun.sun_path, m->name);
		len = (socklen_t)sizeof(sun);
	}
	assert_int_equal(bind(m->fd, (struct sockaddr *)&sun, len), 0);
	m->bound = true;
	assert_int_equal(setenv("NOTIFY_SOCKET", m->name, 1), 0);
}

static void manager_close(struct manager *m)
{
	close(m->fd);
	if (m->dir[0]) {
		unlink(m->name);
		rmdir(m->dir);
	}
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

/* The next datagram, or "" when none is waiting. */
static const char *manager_recv(struct manager *m)
{
	static char buf[1024];
	ssize_t n = recv(m->fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void open_ok(void)
{
	char err[256] = "";

	assert_int_equal(sdnotify_open(err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static int setup(void **state)
{
	struct manager *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	struct manager *m = *state;

	sdnotify_close();
	if (m->bound)
		manager_close(m);
	free(m);
	return 0;
}

/* ---- the messages ---- */

static void lifecycle_sends_exact_datagrams(struct manager *m)
{
	open_ok();
	assert_true(sdnotify_enabled());
	assert_int_equal(sdnotify_ready(), 0);
	assert_string_equal(manager_recv(m), "READY=1");
	assert_int_equal(sdnotify_status("apiserver/IPv4 Master"), 0);
	assert_string_equal(manager_recv(m), "STATUS=apiserver/IPv4 Master");
	assert_int_equal(sdnotify_stopping(), 0);
	assert_string_equal(manager_recv(m), "STOPPING=1");
	assert_string_equal(manager_recv(m), "");
}

static void path_socket_gets_ready_status_stopping(void **state)
{
	struct manager *m = *state;

	manager_bind(m, false);
	lifecycle_sends_exact_datagrams(m);
}

static void abstract_socket_gets_ready_status_stopping(void **state)
{
	struct manager *m = *state;

	manager_bind(m, true);
	lifecycle_sends_exact_datagrams(m);
}

static void reloading_carries_monotonic_usec(void **state)
{
	struct manager *m = *state;
	usec_t before, sent;
	const char *msg;

	manager_bind(m, false);
	open_ok();
	before = time_now();
	assert_int_equal(sdnotify_reloading(), 0);
	msg = manager_recv(m);
	assert_int_equal(strncmp(msg, "RELOADING=1\nMONOTONIC_USEC=", 27), 0);
	sent = strtoll(msg + 27, NULL, 10);
	assert_true(sent >= before && sent <= time_now());
	assert_int_equal(sdnotify_ready(), 0);
	assert_string_equal(manager_recv(m), "READY=1");
}

static void status_newlines_become_spaces(void **state)
{
	struct manager *m = *state;

	manager_bind(m, true);
	open_ok();
	assert_int_equal(sdnotify_status("a Master\nREADY=1"), 0);
	assert_string_equal(manager_recv(m), "STATUS=a Master READY=1");
}

static void status_is_cut_at_max(void **state)
{
	struct manager *m = *state;
	char text[SDNOTIFY_STATUS_MAX + 50];

	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	manager_bind(m, true);
	open_ok();
	assert_int_equal(sdnotify_status(text), 0);
	assert_int_equal(strlen(manager_recv(m)), strlen("STATUS=") + SDNOTIFY_STATUS_MAX);
}

/* ---- without a manager ---- */

static void no_notify_socket_is_a_noop(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	setenv("WATCHDOG_USEC", "1000000", 1);
	open_ok();
	assert_false(sdnotify_enabled());
	assert_int_equal(sdnotify_ready(), 0);
	assert_int_equal(sdnotify_status("x"), 0);
	assert_int_equal(sdnotify_stopping(), 0);
	assert_int_equal(sdnotify_watchdog_usec(), 0);
}

static void relative_notify_socket_is_refused(void **state)
{
	char err[256] = "";

	(void)state;
	setenv("NOTIFY_SOCKET", "run/notify", 1);
	assert_int_equal(sdnotify_open(err, sizeof(err)), -1);
	assert_non_null(strstr(err, "run/notify"));
	assert_false(sdnotify_enabled());
	unsetenv("NOTIFY_SOCKET");
}

static void manager_gone_fails_quietly(void **state)
{
	struct manager *m = *state;

	manager_bind(m, false);
	open_ok();
	unlink(m->name);
	assert_int_equal(sdnotify_ready(), -1);
	assert_int_equal(sdnotify_ready(), -1); /* warned once, still no crash */
}

/* ---- the watchdog ---- */

static void watchdog_usec_read_for_our_pid(void **state)
{
	struct manager *m = *state;
	char pid[32];

	manager_bind(m, false);
	setenv("WATCHDOG_USEC", "4000000", 1);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	open_ok();
	assert_int_equal(sdnotify_watchdog_usec(), 4000000);
}

static void watchdog_of_another_pid_is_ignored(void **state)
{
	struct manager *m = *state;
	char pid[32];

	manager_bind(m, false);
	setenv("WATCHDOG_USEC", "4000000", 1);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	open_ok();
	assert_int_equal(sdnotify_watchdog_usec(), 0);
}

static void watchdog_garbage_is_ignored(void **state)
{
	struct manager *m = *state;

	manager_bind(m, false);
	setenv("WATCHDOG_USEC", "12abc", 1);
	open_ok();
	assert_int_equal(sdnotify_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "-5", 1);
	open_ok();
	assert_int_equal(sdnotify_watchdog_usec(), 0);
}

static void on_stop(void *arg)
{
	loop_stop(arg);
}

/* Run the loop for span; count the WATCHDOG=1 datagrams (nothing else may come). */
static int run_and_count_pings(struct manager *m, struct loop *loop, usec_t span)
{
	struct loop_timer stop;
	const char *msg;
	int pings = 0;

	loop_timer_init(&stop, on_stop, loop);
	loop_timer_arm(loop, &stop, time_now() + span);
	assert_int_equal(loop_run(loop), 0);
	while (*(msg = manager_recv(m))) {
		assert_string_equal(msg, "WATCHDOG=1");
		pings++;
	}
	return pings;
}

static void watchdog_pings_every_half_interval_from_the_loop(void **state)
{
	struct manager *m = *state;
	struct loop *loop = loop_new();
	int pings;

	assert_non_null(loop);
	manager_bind(m, true);
	setenv("WATCHDOG_USEC", "40000", 1); /* 40 ms: a ping every 20 ms */
	open_ok();
	sdnotify_watchdog_start(loop);
	pings = run_and_count_pings(m, loop, 110 * MSEC);
	/* at 0, 20, 40, 60, 80, 100 ms: 6, give or take a slow scheduler */
	assert_true(pings >= 4 && pings <= 7);
	sdnotify_watchdog_stop();
	assert_int_equal(run_and_count_pings(m, loop, 50 * MSEC), 0);
	loop_free(loop);
}

static void no_watchdog_no_pings(void **state)
{
	struct manager *m = *state;
	struct loop *loop = loop_new();

	assert_non_null(loop);
	manager_bind(m, false);
	open_ok();
	sdnotify_watchdog_start(loop);
	assert_int_equal(run_and_count_pings(m, loop, 30 * MSEC), 0);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(path_socket_gets_ready_status_stopping, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(abstract_socket_gets_ready_status_stopping, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(reloading_carries_monotonic_usec, setup, teardown),
	    cmocka_unit_test_setup_teardown(status_newlines_become_spaces, setup, teardown),
	    cmocka_unit_test_setup_teardown(status_is_cut_at_max, setup, teardown),
	    cmocka_unit_test_setup_teardown(no_notify_socket_is_a_noop, setup, teardown),
	    cmocka_unit_test_setup_teardown(relative_notify_socket_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(manager_gone_fails_quietly, setup, teardown),
	    cmocka_unit_test_setup_teardown(watchdog_usec_read_for_our_pid, setup, teardown),
	    cmocka_unit_test_setup_teardown(watchdog_of_another_pid_is_ignored, setup, teardown),
	    cmocka_unit_test_setup_teardown(watchdog_garbage_is_ignored, setup, teardown),
	    cmocka_unit_test_setup_teardown(watchdog_pings_every_half_interval_from_the_loop, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(no_watchdog_no_pings, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
