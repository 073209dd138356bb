/* Unit tests for check: rise/fall, initial state, transitions, scheduling,
 * fast retries and lost connections. Links src/check.c alone, with a fake
 * clock, fake loop timers and a fake net probe defined here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "check.h"
#include "check_exec.h"
#include "check_net.h"

#define MS	   (USEC_PER_SEC / 1000)
#define T0	   (1000 * USEC_PER_SEC)
#define MAX_TIMERS 8
#define MAX_RUNS   64

/* ---- fake clock: check.c reads time_now(), i.e. clock_gettime ---- */

static usec_t fake_now;

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (clk != CLOCK_MONOTONIC)
		return (int)syscall(SYS_clock_gettime, clk, ts);
	ts->tv_sec = fake_now / USEC_PER_SEC;
	ts->tv_nsec = (fake_now % USEC_PER_SEC) * 1000;
	return 0;
}

/* ---- fake loop timers ---- */

static struct loop_timer *timers[MAX_TIMERS];
static size_t n_timers;

void loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg)
{
	t->cb = cb;
	t->arg = arg;
	t->deadline = 0;
	t->heap_index = SIZE_MAX;
}

bool loop_timer_armed(const struct loop_timer *t)
{
	return t->heap_index != SIZE_MAX;
}

void loop_timer_cancel(struct loop *loop, struct loop_timer *t)
{
	size_t i;

	(void)loop;
	for (i = 0; i < n_timers; i++) {
		if (timers[i] == t) {
			timers[i] = timers[--n_timers];
			break;
		}
	}
	t->heap_index = SIZE_MAX;
}

void loop_timer_arm(struct loop *loop, struct loop_timer *t, usec_t deadline)
{
	if (!loop_timer_armed(t)) {
		assert_true(n_timers < MAX_TIMERS);
		timers[n_timers++] = t;
	}
	t->heap_index = 0;
	t->deadline = deadline;
	(void)loop;
}

/* Fire every timer due up to `until` in deadline order, moving the clock. */
static void advance_to(usec_t until)
{
	for (;;) {
		struct loop_timer *next = NULL;
		size_t i;

		for (i = 0; i < n_timers; i++)
			if (timers[i]->deadline <= until &&
			    (!next || timers[i]->deadline < next->deadline))
				next = timers[i];
		if (!next)
			break;
		if (next->deadline > fake_now)
			fake_now = next->deadline;
		loop_timer_cancel(NULL, next);
		next->cb(next->arg);
	}
	fake_now = until;
}

/* ---- fake net probe ---- */

struct check_net {
	check_net_done_cb done;
	check_exec_done_cb exec_done; /* set when the fake stands for an exec probe */
	check_net_lost_cb lost;
	void *arg;
	bool busy;
	bool freed;
	unsigned runs;
	usec_t run_at[MAX_RUNS];
	usec_t timeout;
};

static struct check_net probe;

struct check_net *check_net_new(struct loop *loop, const struct check_config *cfg,
				check_net_done_cb done, check_net_lost_cb lost, void *arg,
				char *err, size_t errlen)
{
	(void)loop;
	(void)cfg;
	(void)err;
	(void)errlen;
	memset(&probe, 0, sizeof(probe));
	probe.done = done;
	probe.lost = lost;
	probe.arg = arg;
	return &probe;
}

void check_net_run(struct check_net *p, usec_t timeout)
{
	assert_false(p->busy); /* the contract: never started twice */
	assert_true(p->runs < MAX_RUNS);
	p->busy = true;
	p->timeout = timeout;
	p->run_at[p->runs++] = fake_now;
}

bool check_net_busy(const struct check_net *p)
{
	return p->busy;
}

void check_net_free(struct check_net *p)
{
	p->freed = true;
}

static void probe_finish(bool ok, const char *reason)
{
	assert_true(probe.busy);
	probe.busy = false;
	if (probe.exec_done)
		probe.exec_done(probe.arg, ok, reason);
	else
		probe.done(probe.arg, ok, reason);
}

static void probe_lose(void)
{
	assert_false(probe.busy);
	probe.lost(probe.arg, "connection reset by peer");
}

/* ---- fake exec probe: the same record, driven the same way ---- */

struct check_exec {
	int unused;
};

struct check_exec *check_exec_new(struct loop *loop, const struct check_config *cfg,
				  const char *script_user, check_exec_done_cb done, void *arg,
				  char *err, size_t errlen)
{
	static struct check_exec handle;

	(void)loop;
	(void)cfg;
	(void)script_user;
	(void)err;
	(void)errlen;
	memset(&probe, 0, sizeof(probe));
	probe.exec_done = done;
	probe.arg = arg;
	return &handle;
}

void check_exec_run(struct check_exec *x, usec_t timeout)
{
	(void)x;
	check_net_run(&probe, timeout);
}

bool check_exec_busy(const struct check_exec *x)
{
	(void)x;
	return probe.busy;
}

void check_exec_free(struct check_exec *x)
{
	(void)x;
	probe.freed = true;
}

void check_exec_rebind(struct check_exec *x, const struct check_config *cfg)
{
	(void)x;
	(void)cfg;
}

/* ---- helpers ---- */

static unsigned n_changes;
static bool last_change_up;

static void on_change(void *arg, struct check *c, bool up)
{
	(void)arg;
	(void)c;
	n_changes++;
	last_change_up = up;
}

static struct check_config cfg;

static struct check *make_typed_check(enum check_type type, usec_t interval, unsigned rise,
				      unsigned fall, bool initial_up)
{
	char err[256];
	struct check *c;

	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.name, "apiserver");
	cfg.type = type;
	cfg.target = (char *)(type == CHECK_EXEC ? "/etc/vipd/check_apiserver.sh"
						 : "https://127.0.0.1:6443/livez");
	cfg.interval = interval;
	cfg.timeout = interval * 8 / 10;
	cfg.rise = rise;
	cfg.fall = fall;
	cfg.weight = -50;
	cfg.initial_up = initial_up;
	c = check_new(NULL, &cfg, "nobody", err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(check_subscribe(c, on_change, NULL), 0);
	return c;
}

static struct check *make_check(usec_t interval, unsigned rise, unsigned fall, bool initial_up)
{
	return make_typed_check(CHECK_HTTPS, interval, rise, fall, initial_up);
}

static int setup(void **state)
{
	(void)state;
	fake_now = T0;
	n_timers = 0;
	n_changes = 0;
	last_change_up = false;
	return 0;
}

static struct check_stats stats_of(const struct check *c)
{
	struct check_stats st;

	check_get_stats(c, &st);
	return st;
}

/* ---- rise/fall counter (pure) ---- */

static void counter_down_rises_after_rise_successes(void **state)
{
	struct check_counter k;

	(void)state;
	check_counter_init(&k, false);
	assert_false(check_counter_feed(&k, 3, 2, true));
	assert_false(check_counter_feed(&k, 3, 2, true));
	assert_true(check_counter_feed(&k, 3, 2, true));
	assert_true(k.up);
}

static void counter_failure_resets_rise_streak(void **state)
{
	struct check_counter k;

	(void)state;
	check_counter_init(&k, false);
	check_counter_feed(&k, 2, 2, true);
	check_counter_feed(&k, 2, 2, false);
	assert_false(check_counter_feed(&k, 2, 2, true));
	assert_false(k.up);
	assert_true(check_counter_feed(&k, 2, 2, true));
}

static void counter_up_falls_after_fall_failures(void **state)
{
	struct check_counter k;

	(void)state;
	check_counter_init(&k, true);
	assert_false(check_counter_feed(&k, 2, 3, false));
	assert_true(check_counter_falling(&k));
	assert_false(check_counter_feed(&k, 2, 3, false));
	assert_true(check_counter_feed(&k, 2, 3, false));
	assert_false(k.up);
	assert_false(check_counter_falling(&k));
	assert_false(check_counter_feed(&k, 2, 3, false)); /* already down: no flip */
}

static void counter_success_resets_fall_streak(void **state)
{
	struct check_counter k;

	(void)state;
	check_counter_init(&k, true);
	check_counter_feed(&k, 2, 2, false);
	check_counter_feed(&k, 2, 2, true);
	assert_false(check_counter_falling(&k));
	assert_false(check_counter_feed(&k, 2, 2, false));
	assert_true(k.up);
}

static void counter_zero_rise_fall_act_as_one(void **state)
{
	struct check_counter k;

	(void)state;
	check_counter_init(&k, false);
	assert_true(check_counter_feed(&k, 0, 0, true));
	assert_true(check_counter_feed(&k, 0, 0, false));
}

/* ---- the check driven through fake timers and probe ---- */

static void initial_state_down_until_risen(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 2, 3, false);

	(void)state;
	assert_false(check_is_up(c));
	check_start(c);
	advance_to(T0);
	assert_int_equal(probe.runs, 1); /* first run at once */
	assert_int_equal(probe.timeout, cfg.timeout);
	probe_finish(true, "");
	assert_false(check_is_up(c));
	assert_int_equal(n_changes, 0);
	advance_to(T0 + USEC_PER_SEC);
	probe_finish(true, "");
	assert_true(check_is_up(c));
	assert_int_equal(n_changes, 1);
	assert_true(last_change_up);
	check_free(c);
}

static void initial_up_when_configured(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 2, 3, true);

	(void)state;
	assert_true(check_is_up(c));
	check_start(c);
	advance_to(T0);
	probe_finish(true, "");
	assert_true(check_is_up(c));
	assert_int_equal(n_changes, 0);
	assert_int_equal(stats_of(c).transitions, 0);
	check_free(c);
}

static void transitions_reported_once(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 1, 1, false);
	int i;

	(void)state;
	check_start(c);
	for (i = 0; i < 4; i++) {
		advance_to(T0 + i * USEC_PER_SEC);
		probe_finish(true, "");
	}
	assert_int_equal(n_changes, 1);
	for (i = 4; i < 8; i++) {
		advance_to(T0 + i * USEC_PER_SEC);
		if (probe.busy)
			probe_finish(false, "connection refused");
	}
	assert_int_equal(n_changes, 2);
	assert_false(last_change_up);
	assert_int_equal(stats_of(c).transitions, 2);
	check_free(c);
}

static void runs_follow_interval_grid_not_completion(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 1, 3, true);
	int i;

	(void)state;
	check_start(c);
	for (i = 0; i < 5; i++) {
		advance_to(T0 + i * USEC_PER_SEC + 300 * MS);
		probe_finish(true, ""); /* slow successes do not shift the grid */
	}
	for (i = 0; i < 5; i++)
		assert_int_equal(probe.run_at[i], T0 + i * USEC_PER_SEC);
	check_free(c);
}

static void fast_retry_after_first_failure(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 2, 3, true);

	(void)state;
	check_start(c);
	advance_to(T0);
	probe_finish(true, "");
	advance_to(T0 + USEC_PER_SEC);
	probe_finish(false, "connection refused");
	assert_true(check_is_up(c));
	advance_to(T0 + USEC_PER_SEC + CHECK_FAST_RETRY);
	assert_int_equal(probe.runs, 3);
	assert_int_equal(probe.run_at[2], T0 + USEC_PER_SEC + CHECK_FAST_RETRY);
	probe_finish(false, "connection refused");
	advance_to(T0 + USEC_PER_SEC + 2 * CHECK_FAST_RETRY);
	assert_int_equal(probe.runs, 4);
	probe_finish(false, "connection refused");
	assert_false(check_is_up(c)); /* fall 3 reached two fast steps after the first failure */
	assert_int_equal(n_changes, 1);
	assert_string_equal(check_last_reason(c), "connection refused");
	/* down: back to the interval */
	advance_to(T0 + 2 * USEC_PER_SEC - 1);
	assert_int_equal(probe.runs, 4);
	advance_to(T0 + 2 * USEC_PER_SEC);
	assert_int_equal(probe.runs, 5);
	check_free(c);
}

static void fast_retry_pace_capped_by_interval(void **state)
{
	struct check *c = make_check(CHECK_FAST_RETRY / 2, 1, 3, true);

	(void)state;
	check_start(c);
	advance_to(T0);
	probe_finish(false, "timeout");
	advance_to(T0 + CHECK_FAST_RETRY / 2);
	assert_int_equal(probe.runs, 2);
	assert_int_equal(probe.run_at[1], T0 + CHECK_FAST_RETRY / 2);
	check_free(c);
}

static void exec_check_falls_at_its_interval(void **state)
{
	struct check *c = make_typed_check(CHECK_EXEC, 3 * USEC_PER_SEC, 2, 3, true);

	(void)state;
	check_start(c);
	advance_to(T0);
	probe_finish(false, "exit status 1");
	advance_to(T0 + 3 * USEC_PER_SEC - 1);
	assert_int_equal(probe.runs, 1); /* no fast retry for scripts */
	advance_to(T0 + 3 * USEC_PER_SEC);
	assert_int_equal(probe.runs, 2);
	probe_finish(false, "exit status 1");
	advance_to(T0 + 6 * USEC_PER_SEC);
	probe_finish(false, "exit status 1");
	assert_false(check_is_up(c)); /* fall 3 = three intervals, as configured */
	check_free(c);
}

static void success_ends_fast_retry(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 2, 3, true);

	(void)state;
	check_start(c);
	advance_to(T0);
	probe_finish(false, "connection refused");
	advance_to(T0 + CHECK_FAST_RETRY);
	assert_int_equal(probe.runs, 2);
	probe_finish(true, "");
	assert_string_equal(check_last_reason(c), "");
	advance_to(T0 + USEC_PER_SEC - 1);
	assert_int_equal(probe.runs, 2);
	advance_to(T0 + USEC_PER_SEC);
	assert_int_equal(probe.runs, 3);
	assert_int_equal(n_changes, 0);
	check_free(c);
}

static void lost_triggers_immediate_run_not_failure(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 2, 1, true);

	(void)state;
	check_start(c);
	advance_to(T0);
	probe_finish(true, "");
	advance_to(T0 + 500 * MS);
	probe_lose();
	advance_to(T0 + 500 * MS);
	assert_int_equal(probe.runs, 2);
	assert_int_equal(probe.run_at[1], T0 + 500 * MS);
	probe_finish(true, ""); /* the server only closed an idle connection */
	assert_true(check_is_up(c));
	assert_int_equal(n_changes, 0);
	assert_int_equal(stats_of(c).failures, 0);
	assert_int_equal(stats_of(c).lost, 1);
	advance_to(T0 + USEC_PER_SEC); /* the grid is unchanged */
	assert_int_equal(probe.runs, 3);
	assert_int_equal(probe.run_at[2], T0 + USEC_PER_SEC);
	check_free(c);
}

static void lost_then_refused_falls_at_fast_pace(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 2, 3, true);

	(void)state;
	check_start(c);
	advance_to(T0);
	probe_finish(true, "");
	advance_to(T0 + 400 * MS);
	probe_lose(); /* the apiserver died */
	advance_to(T0 + 400 * MS);
	probe_finish(false, "connection refused");
	advance_to(T0 + 400 * MS + CHECK_FAST_RETRY);
	probe_finish(false, "connection refused");
	advance_to(T0 + 400 * MS + 2 * CHECK_FAST_RETRY);
	probe_finish(false, "connection refused");
	assert_false(check_is_up(c));
	assert_int_equal(probe.runs, 4);
	check_free(c);
}

static void lost_right_after_a_run_waits_fast_pace(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 2, 3, true);

	(void)state;
	check_start(c);
	advance_to(T0);
	probe_finish(true, "");
	advance_to(T0 + CHECK_FAST_RETRY / 2);
	probe_lose();
	advance_to(T0 + CHECK_FAST_RETRY - 1);
	assert_int_equal(probe.runs, 1);
	advance_to(T0 + CHECK_FAST_RETRY);
	assert_int_equal(probe.runs, 2);
	check_free(c);
}

static void no_double_start_when_run_overlaps(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 1, 1, false);

	(void)state;
	check_start(c);
	advance_to(T0 + 3 * USEC_PER_SEC + 500 * MS); /* the run never ends */
	assert_int_equal(probe.runs, 1);
	assert_int_equal(stats_of(c).runs, 1);
	assert_int_equal(stats_of(c).skipped, 3);
	probe_finish(true, "");
	advance_to(T0 + 4 * USEC_PER_SEC);
	assert_int_equal(probe.runs, 2);
	assert_int_equal(probe.run_at[1], T0 + 4 * USEC_PER_SEC);
	check_free(c);
}

static void free_releases_probe_and_timer(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 1, 1, false);

	(void)state;
	check_start(c);
	advance_to(T0);
	check_free(c);
	assert_true(probe.freed);
	assert_int_equal(n_timers, 0);
}

static void stats_count_runs_and_results(void **state)
{
	struct check *c = make_check(USEC_PER_SEC, 1, 2, true);
	struct check_stats st;

	(void)state;
	check_start(c);
	advance_to(T0);
	probe_finish(true, "");
	advance_to(T0 + USEC_PER_SEC);
	probe_finish(false, "http status 500");
	st = stats_of(c);
	assert_int_equal(st.runs, 2);
	assert_int_equal(st.successes, 1);
	assert_int_equal(st.failures, 1);
	assert_string_equal(check_last_reason(c), "http status 500");
	assert_ptr_equal(check_config_of(c), &cfg);
	check_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(counter_down_rises_after_rise_successes),
	    cmocka_unit_test(counter_failure_resets_rise_streak),
	    cmocka_unit_test(counter_up_falls_after_fall_failures),
	    cmocka_unit_test(counter_success_resets_fall_streak),
	    cmocka_unit_test(counter_zero_rise_fall_act_as_one),
	    cmocka_unit_test_setup(initial_state_down_until_risen, setup),
	    cmocka_unit_test_setup(initial_up_when_configured, setup),
	    cmocka_unit_test_setup(transitions_reported_once, setup),
	    cmocka_unit_test_setup(runs_follow_interval_grid_not_completion, setup),
	    cmocka_unit_test_setup(fast_retry_after_first_failure, setup),
	    cmocka_unit_test_setup(fast_retry_pace_capped_by_interval, setup),
	    cmocka_unit_test_setup(exec_check_falls_at_its_interval, setup),
	    cmocka_unit_test_setup(success_ends_fast_retry, setup),
	    cmocka_unit_test_setup(lost_triggers_immediate_run_not_failure, setup),
	    cmocka_unit_test_setup(lost_then_refused_falls_at_fast_pace, setup),
	    cmocka_unit_test_setup(lost_right_after_a_run_waits_fast_pace, setup),
	    cmocka_unit_test_setup(no_double_start_when_run_overlaps, setup),
	    cmocka_unit_test_setup(free_releases_probe_and_timer, setup),
	    cmocka_unit_test_setup(stats_count_runs_and_results, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
