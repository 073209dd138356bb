/* Unit tests for notify: arguments, order, one script at a time, the queue
 * bound. Links src/notify.c alone with a fake spawn defined here. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "notify.h"
#include "spawn.h"

#define MAX_STARTS 64

/* ---- fake spawn ---- */

struct start_rec {
	char cmd[128];
	char args[3][64];
	char env[4][200];
	usec_t timeout;
};

static struct start_rec starts[MAX_STARTS];
static unsigned n_starts, n_aborts;
static int fail_next_start;
static struct spawn_job *the_job;

int spawn_user_lookup(const char *name, struct spawn_user *u, char *err, size_t errlen)
{
	memset(u, 0, sizeof(*u));
	if (strcmp(name, "missing") == 0) {
		snprintf(err, errlen, "script_user '%s' does not exist", name);
		return -1;
	}
	snprintf(u->name, sizeof(u->name), "%s", name);
	return 0;
}

bool spawn_user_is_root(const struct spawn_user *u)
{
	return strcmp(u->name, "root") == 0;
}

int spawn_check_command(const struct spawn_user *u, const char *cmdline, char *err, size_t errlen)
{
	if (spawn_user_is_root(u) && strstr(cmdline, "/tmp/ww/")) {
		snprintf(err, errlen, "'/tmp/ww' could be modified by a non-root user");
		return -1;
	}
	return 0;
}

void spawn_job_init(struct spawn_job *j, struct loop *loop, spawn_done_cb done, void *arg)
{
	memset(j, 0, sizeof(*j));
	j->loop = loop;
	j->done = done;
	j->arg = arg;
	the_job = j;
}

int spawn_job_start_env(struct spawn_job *j, const struct spawn_user *u, const char *cmd,
			char *const argv[], char *const extra_env[], usec_t timeout)
{
	struct start_rec *r = &starts[n_starts];
	int i;

	for (i = 0; extra_env && extra_env[i] && i < 4; i++)
		snprintf(r->env[i], sizeof(r->env[i]), "%s", extra_env[i]);
	(void)u;
	assert_true(j->pid == 0); /* never two at a time */
	if (fail_next_start) {
		fail_next_start--;
		errno = EAGAIN;
		return -1;
	}
	assert_true(n_starts < MAX_STARTS);
	snprintf(r->cmd, sizeof(r->cmd), "%s", cmd);
	for (i = 0; i < 3; i++) {
		assert_non_null(argv[i]);
		snprintf(r->args[i], sizeof(r->args[i]), "%s", argv[i]);
	}
	assert_null(argv[3]);
	r->timeout = timeout;
	n_starts++;
	j->pid = 1000 + (pid_t)n_starts;
	return 0;
}

bool spawn_job_running(const struct spawn_job *j)
{
	return j->pid > 0;
}

void spawn_job_abort(struct spawn_job *j)
{
	if (j->pid > 0)
		n_aborts++;
	j->pid = 0;
}

void spawn_describe_status(int wait_status, char *buf, size_t len)
{
	snprintf(buf, len, "status %d", wait_status);
}

/* The running script exits. */
static void script_exits(int wait_status, bool timed_out)
{
	assert_true(the_job->pid > 0);
	the_job->pid = 0;
	the_job->done(the_job->arg, wait_status, timed_out);
}

static int setup(void **state)
{
	(void)state;
	n_starts = 0;
	n_aborts = 0;
	fail_next_start = 0;
	the_job = NULL;
	return 0;
}

static struct notifier *make(void)
{
	char err[256];
	struct notifier *n = notify_new(NULL, "/etc/vipd/notify.sh", "vipd", err, sizeof(err));

	assert_non_null(n);
	return n;
}

/* ---- tests ---- */

static void notify_passes_instance_state_priority(void **state)
{
	struct notifier *n = make();

	(void)state;
	notify_state(n, "apiserver", "MASTER", 101);
	assert_int_equal(n_starts, 1);
	assert_string_equal(starts[0].cmd, "/etc/vipd/notify.sh \"$@\"");
	assert_string_equal(starts[0].args[0], "apiserver");
	assert_string_equal(starts[0].args[1], "MASTER");
	assert_string_equal(starts[0].args[2], "101");
	assert_int_equal(starts[0].timeout, NOTIFY_TIMEOUT);
	notify_free(n);
}

static void notify_environment_says_family_and_reason(void **state)
{
	struct notifier *n = make();

	(void)state;
	notify_state_why(n, "apiserver", "BACKUP", 120, "IPv4",
			 "higher priority 150 from 192.0.2.12");
	assert_int_equal(n_starts, 1);
	assert_string_equal(starts[0].args[1], "BACKUP");
	assert_string_equal(starts[0].env[0], "VIPD_INSTANCE=apiserver");
	assert_string_equal(starts[0].env[1], "VIPD_STATE=BACKUP");
	assert_string_equal(starts[0].env[2], "VIPD_FAMILY=IPv4");
	assert_string_equal(starts[0].env[3], "VIPD_REASON=higher priority 150 from 192.0.2.12");
	notify_free(n);
}

static void notify_runs_one_at_a_time_in_order(void **state)
{
	struct notifier *n = make();

	(void)state;
	notify_state(n, "apiserver", "BACKUP", 100);
	notify_state(n, "apiserver", "MASTER", 100);
	notify_state(n, "apiserver", "BACKUP", 98);
	assert_int_equal(n_starts, 1);
	script_exits(0, false);
	assert_int_equal(n_starts, 2);
	assert_string_equal(starts[1].args[1], "MASTER");
	script_exits(1 << 8, false); /* a failing script does not stop the queue */
	assert_int_equal(n_starts, 3);
	assert_string_equal(starts[2].args[1], "BACKUP");
	assert_string_equal(starts[2].args[2], "98");
	assert_true(notify_busy(n));
	script_exits(0, false);
	assert_false(notify_busy(n));
	notify_free(n);
}

static void notify_timeout_moves_to_next(void **state)
{
	struct notifier *n = make();

	(void)state;
	notify_state(n, "apiserver", "MASTER", 101);
	notify_state(n, "apiserver", "FAULT", 101);
	script_exits(9, true);
	assert_int_equal(n_starts, 2);
	assert_string_equal(starts[1].args[1], "FAULT");
	notify_free(n);
}

static void notify_start_failure_moves_to_next(void **state)
{
	struct notifier *n = make();

	(void)state;
	notify_state(n, "apiserver", "MASTER", 101);
	fail_next_start = 1;
	notify_state(n, "apiserver", "BACKUP", 100);
	notify_state(n, "apiserver", "FAULT", 100);
	script_exits(0, false); /* BACKUP cannot start: FAULT runs */
	assert_int_equal(n_starts, 2);
	assert_string_equal(starts[1].args[1], "FAULT");
	notify_free(n);
}

static void notify_queue_bound_drops_oldest_waiting(void **state)
{
	struct notifier *n = make();
	char name[16];
	unsigned i;

	(void)state;
	notify_state(n, "apiserver", "MASTER", 1);
	for (i = 0; i < NOTIFY_QUEUE_MAX + 2; i++) {
		snprintf(name, sizeof(name), "S%u", i);
		notify_state(n, "apiserver", name, i);
	}
	for (i = 0; i < NOTIFY_QUEUE_MAX; i++)
		script_exits(0, false);
	assert_int_equal(n_starts, NOTIFY_QUEUE_MAX + 1);
	assert_string_equal(starts[1].args[1], "S2"); /* S0 and S1 were dropped */
	snprintf(name, sizeof(name), "S%u", NOTIFY_QUEUE_MAX + 1);
	assert_string_equal(starts[NOTIFY_QUEUE_MAX].args[1], name);
	notify_free(n);
}

static void notify_free_kills_running_script(void **state)
{
	struct notifier *n = make();

	(void)state;
	notify_state(n, "apiserver", "MASTER", 101);
	notify_state(n, "apiserver", "BACKUP", 100);
	notify_free(n);
	assert_int_equal(n_aborts, 1);
	assert_int_equal(n_starts, 1);
}

static void notify_new_rejects_missing_user(void **state)
{
	char err[256];

	(void)state;
	assert_null(notify_new(NULL, "/etc/vipd/notify.sh", "missing", err, sizeof(err)));
	assert_string_equal(err, "script_user 'missing' does not exist");
}

static void notify_new_rejects_unsafe_root_script(void **state)
{
	char err[256];

	(void)state;
	assert_null(notify_new(NULL, "/tmp/ww/notify.sh", "root", err, sizeof(err)));
	assert_non_null(strstr(err, "could be modified by a non-root user"));
	assert_non_null(strstr(err, "notify '/tmp/ww/notify.sh'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(notify_passes_instance_state_priority, setup),
	    cmocka_unit_test_setup(notify_runs_one_at_a_time_in_order, setup),
	    cmocka_unit_test_setup(notify_environment_says_family_and_reason, setup),
	    cmocka_unit_test_setup(notify_timeout_moves_to_next, setup),
	    cmocka_unit_test_setup(notify_start_failure_moves_to_next, setup),
	    cmocka_unit_test_setup(notify_queue_bound_drops_oldest_waiting, setup),
	    cmocka_unit_test_setup(notify_free_kills_running_script, setup),
	    cmocka_unit_test_setup(notify_new_rejects_missing_user, setup),
	    cmocka_unit_test_setup(notify_new_rejects_unsafe_root_script, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
