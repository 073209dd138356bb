/* Unit tests for the event loop: timers, descriptors, signals, children. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"

#define MSEC	    1000LL
#define GUARD_USEC  (1000 * MSEC * slowdown())
#define MANY_TIMERS 1000
#define MANY_FDS    200

/* VIPD_TEST_SLOWDOWN=N stretches the stall test's times N times:
 * tests/valgrind.sh runs this under memcheck, some 50 times slower. */
static long long slowdown(void)
{
	const char *env = getenv("VIPD_TEST_SLOWDOWN");
	long long n = env ? atoll(env) : 1;

	return n >= 1 ? n : 1;
}

/* Every test runs its loop under a guard timer, so a bug cannot hang it. */
struct guard {
	struct loop *loop;
	struct loop_timer timer;
	bool fired;
};

static void guard_cb(void *arg)
{
	struct guard *g = arg;

	g->fired = true;
	loop_stop(g->loop);
}

static void run_guarded(struct loop *loop, usec_t limit, bool expect_timeout)
{
	struct guard g = {.loop = loop};

	loop_timer_init(&g.timer, guard_cb, &g);
	loop_timer_arm(loop, &g.timer, time_now() + limit);
	assert_int_equal(loop_run(loop), 0);
	loop_timer_cancel(loop, &g.timer);
	assert_int_equal(g.fired, expect_timeout);
}

static struct loop *new_loop(void)
{
	struct loop *loop = loop_new();

	assert_non_null(loop);
	return loop;
}

/* ---- timers ---- */

struct tctx {
	struct loop *loop;
	struct loop_timer timers[MANY_TIMERS];
	usec_t fired_deadline[MANY_TIMERS];
	int order[MANY_TIMERS];
	int nfired;
	int stop_after;
	int rearms_left;
	bool late; /* a callback ran before its deadline */
	bool armed_in_cb;
};

static struct tctx *tctx_new(void)
{
	struct tctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->loop = new_loop();
	return c;
}

static void tctx_free(struct tctx *c)
{
	loop_free(c->loop);
	free(c);
}

static void record(struct tctx *c, int id)
{
	struct loop_timer *t = &c->timers[id];

	if (time_now() < t->deadline)
		c->late = true;
	if (loop_timer_armed(t))
		c->armed_in_cb = true;
	c->fired_deadline[c->nfired] = t->deadline;
	c->order[c->nfired++] = id;
	if (c->nfired == c->stop_after)
		loop_stop(c->loop);
}

static struct tctx *cb_ctx;

static void record_cb(void *arg)
{
	record(cb_ctx, (int)(intptr_t)arg);
}

static void arm_ms(struct tctx *c, int id, loop_timer_cb cb, usec_t base, int ms)
{
	loop_timer_init(&c->timers[id], cb, (void *)(intptr_t)id);
	loop_timer_arm(c->loop, &c->timers[id], base + ms * MSEC);
}

static void timers_fire_in_deadline_order_not_early(void **state)
{
	struct tctx *c = tctx_new();
	usec_t now = time_now();

	(void)state;
	cb_ctx = c;
	c->stop_after = 3;
	arm_ms(c, 0, record_cb, now, 30);
	arm_ms(c, 1, record_cb, now, 10);
	arm_ms(c, 2, record_cb, now, 20);
	run_guarded(c->loop, GUARD_USEC, false);
	assert_int_equal(c->nfired, 3);
	assert_int_equal(c->order[0], 1);
	assert_int_equal(c->order[1], 2);
	assert_int_equal(c->order[2], 0);
	assert_false(c->late);
	assert_false(c->armed_in_cb); /* popped before its callback runs */
	tctx_free(c);
}

static void rearm_cb(void *arg)
{
	struct tctx *c = cb_ctx;
	struct loop_timer *t = &c->timers[(intptr_t)arg];

	record(c, (int)(intptr_t)arg);
	if (c->rearms_left-- > 0)
		loop_timer_arm(c->loop, t, t->deadline + 2 * MSEC);
}

static void timer_rearmed_from_own_callback_fires_again(void **state)
{
	struct tctx *c = tctx_new();

	(void)state;
	cb_ctx = c;
	c->rearms_left = 3;
	c->stop_after = 4;
	arm_ms(c, 0, rearm_cb, time_now(), 1);
	run_guarded(c->loop, GUARD_USEC, false);
	assert_int_equal(c->nfired, 4);
	assert_true(c->fired_deadline[3] == c->fired_deadline[0] + 6 * MSEC);
	assert_false(c->late);
	tctx_free(c);
}

static void cancelled_timer_does_not_fire(void **state)
{
	struct tctx *c = tctx_new();
	usec_t now = time_now();

	(void)state;
	cb_ctx = c;
	arm_ms(c, 0, record_cb, now, 2);
	arm_ms(c, 1, record_cb, now, 1);
	assert_true(loop_timer_armed(&c->timers[0]));
	loop_timer_cancel(c->loop, &c->timers[0]);
	assert_false(loop_timer_armed(&c->timers[0]));
	loop_timer_cancel(c->loop, &c->timers[0]); /* twice is harmless */
	run_guarded(c->loop, 20 * MSEC, true);
	assert_int_equal(c->nfired, 1);
	assert_int_equal(c->order[0], 1);
	tctx_free(c);
}

static void cancel_other_cb(void *arg)
{
	record(cb_ctx, (int)(intptr_t)arg);
	loop_timer_cancel(cb_ctx->loop, &cb_ctx->timers[1]);
}

static void timer_cancelled_by_earlier_callback_does_not_fire(void **state)
{
	struct tctx *c = tctx_new();
	usec_t now = time_now();

	(void)state;
	cb_ctx = c;
	/* Same deadline: both are due in the same round, the first cancels the second. */
	loop_timer_init(&c->timers[0], cancel_other_cb, (void *)0);
	loop_timer_init(&c->timers[1], record_cb, (void *)1);
	loop_timer_arm(c->loop, &c->timers[0], now + 3 * MSEC);
	loop_timer_arm(c->loop, &c->timers[1], now + 3 * MSEC + 1);
	arm_ms(c, 2, record_cb, now, 10);
	c->stop_after = 2;
	run_guarded(c->loop, GUARD_USEC, false);
	assert_int_equal(c->nfired, 2);
	assert_int_equal(c->order[0], 0);
	assert_int_equal(c->order[1], 2);
	assert_false(loop_timer_armed(&c->timers[1]));
	tctx_free(c);
}

static void thousand_random_timers_fire_in_deadline_order(void **state)
{
	struct tctx *c = tctx_new();
	usec_t now = time_now();
	int i, expected = 0;

	(void)state;
	cb_ctx = c;
	srand(12345);
	for (i = 0; i < MANY_TIMERS; i++) {
		loop_timer_init(&c->timers[i], record_cb, (void *)(intptr_t)i);
		loop_timer_arm(c->loop, &c->timers[i], now + 1 * MSEC + rand() % (40 * MSEC));
	}
	/* Re-arm some (heap moves both ways) and cancel others (removal mid-heap). */
	for (i = 0; i < MANY_TIMERS; i += 5)
		loop_timer_arm(c->loop, &c->timers[i], now + 1 * MSEC + rand() % (40 * MSEC));
	for (i = 3; i < MANY_TIMERS; i += 7)
		loop_timer_cancel(c->loop, &c->timers[i]);
	for (i = 0; i < MANY_TIMERS; i++)
		expected += loop_timer_armed(&c->timers[i]);
	c->stop_after = expected;
	run_guarded(c->loop, GUARD_USEC, false);
	assert_int_equal(c->nfired, expected);
	for (i = 1; i < c->nfired; i++)
		assert_true(c->fired_deadline[i - 1] <= c->fired_deadline[i]);
	for (i = 0; i < c->nfired; i++)
		assert_int_not_equal(c->order[i] % 7, 3);
	assert_false(c->late);
	tctx_free(c);
}

static int kick_fd[2];

static void kick_cb(void *arg, uint32_t events)
{
	struct tctx *c = arg;
	char b;

	(void)events;
	assert_int_equal(read(kick_fd[0], &b, 1), 1);
	loop_timer_arm(c->loop, &c->timers[0], time_now() + 5 * MSEC);
}

static void timer_rearmed_earlier_from_callback_moves_timerfd(void **state)
{
	struct tctx *c = tctx_new();
	usec_t start = time_now();

	(void)state;
	cb_ctx = c;
	c->stop_after = 1;
	/* The loop programs the timerfd for +300 ms, then the fd callback moves
	 * the only timer to +5 ms: the timerfd must follow. */
	arm_ms(c, 0, record_cb, start, 300);
	assert_int_equal(pipe2(kick_fd, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(loop_add_fd(c->loop, kick_fd[0], EPOLLIN, kick_cb, c), 0);
	assert_int_equal(write(kick_fd[1], "x", 1), 1);
	run_guarded(c->loop, GUARD_USEC, false);
	assert_int_equal(c->nfired, 1);
	assert_true(time_now() - start < 150 * MSEC);
	close(kick_fd[0]);
	close(kick_fd[1]);
	tctx_free(c);
}

static void timer_in_the_past_fires_at_once(void **state)
{
	struct tctx *c = tctx_new();

	(void)state;
	cb_ctx = c;
	c->stop_after = 2;
	loop_timer_init(&c->timers[0], record_cb, (void *)0);
	loop_timer_init(&c->timers[1], record_cb, (void *)1);
	loop_timer_arm(c->loop, &c->timers[0], 0);
	loop_timer_arm(c->loop, &c->timers[1], time_now() - 5 * MSEC);
	run_guarded(c->loop, GUARD_USEC, false);
	assert_int_equal(c->nfired, 2);
	tctx_free(c);
}

/* Hundreds of routers: 200 deadlines within half a millisecond share one
 * wake-up and one timerfd re-arm, and none runs before its deadline. */
static int batch_fired, batch_early;
static usec_t batch_deadline[200];

static void batch_cb(void *arg)
{
	size_t id = (size_t)arg;

	if (time_now() < batch_deadline[id])
		batch_early++;
	if (++batch_fired == 200)
		loop_stop(cb_ctx->loop);
}

static void deadlines_within_slack_share_one_wakeup(void **state)
{
	struct tctx *c = tctx_new();
	struct loop_timer timers[200];
	struct loop_stats st;
	usec_t base = time_now() + 20 * MSEC;
	size_t i;

	(void)state;
	cb_ctx = c;
	batch_fired = batch_early = 0;
	for (i = 0; i < 200; i++) {
		batch_deadline[i] = base + (usec_t)(i * 2); /* 2 us apart: 0.4 ms in all */
		loop_timer_init(&timers[i], batch_cb, (void *)i);
		loop_timer_arm(c->loop, &timers[i], batch_deadline[i]);
	}
	run_guarded(c->loop, GUARD_USEC, false);
	loop_get_stats(c->loop, &st);
	assert_int_equal(batch_fired, 200);
	assert_int_equal(batch_early, 0);
	assert_int_equal(st.timer_wakeups, 1);
	assert_int_equal(st.timers_run, 200);
	assert_true(st.timerfd_sets <= 2); /* the guard timer's, then this batch's */
	for (i = 0; i < 200; i++)
		loop_timer_cancel(c->loop, &timers[i]);
	tctx_free(c);
}

/* A Backup hears an advert and moves its Master_Down timer later, again
 * and again: the timerfd is not re-armed for each (it may wake early). */
static int push_left;

static void push_later_cb(void *arg, uint32_t events)
{
	struct tctx *c = arg;
	char b;

	(void)events;
	if (read(kick_fd[0], &b, 1) != 1)
		return;
	loop_timer_arm(c->loop, &c->timers[0], time_now() + 200 * MSEC);
	if (--push_left == 0)
		loop_stop(c->loop);
	else if (write(kick_fd[1], "x", 1) != 1)
		loop_stop(c->loop);
}

static void timer_moved_later_does_not_rearm_timerfd(void **state)
{
	struct tctx *c = tctx_new();
	struct loop_stats st;

	(void)state;
	cb_ctx = c;
	push_left = 500;
	loop_timer_init(&c->timers[0], record_cb, (void *)0);
	loop_timer_arm(c->loop, &c->timers[0], time_now() + 200 * MSEC);
	assert_int_equal(pipe2(kick_fd, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(loop_add_fd(c->loop, kick_fd[0], EPOLLIN, push_later_cb, c), 0);
	assert_int_equal(write(kick_fd[1], "x", 1), 1);
	run_guarded(c->loop, GUARD_USEC, false);
	loop_get_stats(c->loop, &st);
	assert_int_equal(push_left, 0);
	assert_int_equal(c->nfired, 0);
	assert_true(st.wakeups >= 500);
	assert_true(st.timerfd_sets <= 3);
	loop_timer_cancel(c->loop, &c->timers[0]);
	close(kick_fd[0]);
	close(kick_fd[1]);
	tctx_free(c);
}

/* After a stall, an expired Master_Down timer and a queued advert are seen
 * in one wake-up, the timer ready first: the advert (descriptor) must go
 * first and push the timer later, so the timer does not run. */
static int stall_fd[2];

static void reset_timer_cb(void *arg, uint32_t events)
{
	struct tctx *c = arg;
	char b;

	(void)events;
	if (read(kick_fd[0], &b, 1) == 1)
		loop_timer_arm(c->loop, &c->timers[0], time_now() + 100 * MSEC);
	loop_timer_arm(c->loop, &c->timers[1], time_now() + 30 * MSEC);
}

/* The stall: the timer expires meanwhile, then the advert arrives. */
static void stall_cb(void *arg, uint32_t events)
{
	char b;

	(void)arg;
	(void)events;
	if (read(stall_fd[0], &b, 1) != 1)
		return;
	usleep((useconds_t)(20 * MSEC * slowdown()));
	assert_int_equal(write(kick_fd[1], "x", 1), 1);
}

static void descriptors_run_before_timers_after_a_stall(void **state)
{
	struct tctx *c = tctx_new();

	(void)state;
	cb_ctx = c;
	c->stop_after = 1;
	loop_timer_init(&c->timers[0], record_cb, (void *)0);
	loop_timer_init(&c->timers[1], record_cb, (void *)1);
	loop_timer_arm(c->loop, &c->timers[0], time_now() + 5 * MSEC * slowdown());
	assert_int_equal(pipe2(kick_fd, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(pipe2(stall_fd, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(loop_add_fd(c->loop, kick_fd[0], EPOLLIN, reset_timer_cb, c), 0);
	assert_int_equal(loop_add_fd(c->loop, stall_fd[0], EPOLLIN, stall_cb, c), 0);
	assert_int_equal(write(stall_fd[1], "x", 1), 1);
	run_guarded(c->loop, GUARD_USEC, false);
	assert_int_equal(c->nfired, 1);
	assert_int_equal(c->order[0], 1); /* the marker, not the reset timer */
	loop_timer_cancel(c->loop, &c->timers[0]);
	close(kick_fd[0]);
	close(kick_fd[1]);
	close(stall_fd[0]);
	close(stall_fd[1]);
	tctx_free(c);
}

/* ---- descriptors ---- */

struct fctx {
	struct loop *loop;
	int p[2];
	int q[2];
	int calls;
	int qcalls;
	uint32_t events;
	bool del_self;
	bool replace; /* del_other_*_cb put a new watcher on the other's fd number */
	bool stop;
};

static void pipe_cb(void *arg, uint32_t events)
{
	struct fctx *f = arg;
	char b;

	f->calls++;
	f->events = events;
	if (events & EPOLLIN)
		assert_int_equal(read(f->p[0], &b, 1), 1);
	if (f->del_self)
		loop_del_fd(f->loop, f->p[0]);
	if (f->stop)
		loop_stop(f->loop);
}

static void fctx_open(struct fctx *f)
{
	memset(f, 0, sizeof(*f));
	f->loop = new_loop();
	assert_int_equal(pipe2(f->p, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(pipe2(f->q, O_CLOEXEC | O_NONBLOCK), 0);
}

static void fctx_close(struct fctx *f)
{
	loop_free(f->loop);
	close(f->p[0]);
	close(f->p[1]);
	close(f->q[0]);
	close(f->q[1]);
}

static void readable_pipe_calls_fd_callback(void **state)
{
	struct fctx f;

	(void)state;
	fctx_open(&f);
	f.stop = true;
	assert_int_equal(loop_add_fd(f.loop, f.p[0], EPOLLIN, pipe_cb, &f), 0);
	assert_int_equal(write(f.p[1], "x", 1), 1);
	run_guarded(f.loop, GUARD_USEC, false);
	assert_int_equal(f.calls, 1);
	assert_true(f.events & EPOLLIN);
	fctx_close(&f);
}

static void add_fd_twice_fails_and_mod_unknown_fails(void **state)
{
	struct fctx f;

	(void)state;
	fctx_open(&f);
	assert_int_equal(loop_add_fd(f.loop, f.p[0], EPOLLIN, pipe_cb, &f), 0);
	assert_int_equal(loop_add_fd(f.loop, f.p[0], EPOLLIN, pipe_cb, &f), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(loop_mod_fd(f.loop, f.q[0], EPOLLIN), -1);
	assert_int_equal(loop_add_fd(f.loop, -1, EPOLLIN, pipe_cb, &f), -1);
	loop_del_fd(f.loop, f.p[0]);
	loop_del_fd(f.loop, f.p[0]); /* unknown now: a no-op */
	assert_int_equal(loop_add_fd(f.loop, f.p[0], EPOLLIN, pipe_cb, &f), 0);
	fctx_close(&f);
}

static void fd_deleted_in_own_callback_not_called_again(void **state)
{
	struct fctx f;

	(void)state;
	fctx_open(&f);
	f.del_self = true;
	assert_int_equal(loop_add_fd(f.loop, f.p[0], EPOLLIN, pipe_cb, &f), 0);
	/* Two bytes: still readable after the first read, but no longer watched. */
	assert_int_equal(write(f.p[1], "xy", 2), 2);
	run_guarded(f.loop, 30 * MSEC, true);
	assert_int_equal(f.calls, 1);
	fctx_close(&f);
}

static int newcalls;

static void new_watcher_cb(void *arg, uint32_t events)
{
	(void)arg;
	(void)events;
	newcalls++;
}

/* Delete fd, put a never-readable eventfd on the same number, watch it. */
static void replace_fd(struct loop *loop, int fd)
{
	int e = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	assert_true(e >= 0);
	loop_del_fd(loop, fd);
	assert_int_equal(dup3(e, fd, O_CLOEXEC), fd);
	close(e);
	assert_int_equal(loop_add_fd(loop, fd, EPOLLIN, new_watcher_cb, NULL), 0);
}

/* Both pipes are ready in the same round; whichever runs first deletes (or
 * replaces) the other. */
static void del_other_p_cb(void *arg, uint32_t events)
{
	struct fctx *f = arg;
	char b;

	(void)events;
	f->calls++;
	assert_int_equal(read(f->p[0], &b, 1), 1);
	if (f->replace)
		replace_fd(f->loop, f->q[0]);
	else
		loop_del_fd(f->loop, f->q[0]);
}

static void del_other_q_cb(void *arg, uint32_t events)
{
	struct fctx *f = arg;
	char b;

	(void)events;
	f->qcalls++;
	assert_int_equal(read(f->q[0], &b, 1), 1);
	if (f->replace)
		replace_fd(f->loop, f->p[0]);
	else
		loop_del_fd(f->loop, f->p[0]);
}

static void fd_deleted_by_other_callback_same_round_skipped(void **state)
{
	struct fctx f;

	(void)state;
	fctx_open(&f);
	assert_int_equal(loop_add_fd(f.loop, f.p[0], EPOLLIN, del_other_p_cb, &f), 0);
	assert_int_equal(loop_add_fd(f.loop, f.q[0], EPOLLIN, del_other_q_cb, &f), 0);
	assert_int_equal(write(f.p[1], "x", 1), 1);
	assert_int_equal(write(f.q[1], "x", 1), 1);
	run_guarded(f.loop, 30 * MSEC, true);
	assert_int_equal(f.calls + f.qcalls, 1);
	fctx_close(&f);
}

static void stale_event_for_reused_fd_number_skipped(void **state)
{
	struct fctx f;

	(void)state;
	fctx_open(&f);
	newcalls = 0;
	f.replace = true;
	assert_int_equal(loop_add_fd(f.loop, f.p[0], EPOLLIN, del_other_p_cb, &f), 0);
	assert_int_equal(loop_add_fd(f.loop, f.q[0], EPOLLIN, del_other_q_cb, &f), 0);
	assert_int_equal(write(f.p[1], "x", 1), 1);
	assert_int_equal(write(f.q[1], "x", 1), 1);
	run_guarded(f.loop, 30 * MSEC, true);
	assert_int_equal(f.calls + f.qcalls, 1);
	assert_int_equal(newcalls, 0); /* the stale event was the old fd's */
	fctx_close(&f);
}

static void q_read_stop_cb(void *arg, uint32_t events)
{
	struct fctx *f = arg;

	(void)events;
	f->qcalls++;
	loop_stop(f->loop);
}

static void add_q_cb(void *arg, uint32_t events)
{
	struct fctx *f = arg;

	(void)events;
	f->calls++;
	loop_del_fd(f->loop, f->p[0]);
	assert_int_equal(loop_add_fd(f->loop, f->q[0], EPOLLIN, q_read_stop_cb, f), 0);
	assert_int_equal(write(f->q[1], "x", 1), 1);
}

static void fd_added_in_callback_is_dispatched(void **state)
{
	struct fctx f;

	(void)state;
	fctx_open(&f);
	assert_int_equal(loop_add_fd(f.loop, f.p[0], EPOLLIN, add_q_cb, &f), 0);
	assert_int_equal(write(f.p[1], "x", 1), 1);
	run_guarded(f.loop, GUARD_USEC, false);
	assert_int_equal(f.calls, 1);
	assert_int_equal(f.qcalls, 1);
	fctx_close(&f);
}

static void mod_fd_switches_to_epollout(void **state)
{
	struct fctx f;

	(void)state;
	fctx_open(&f);
	f.stop = true;
	/* The write end of an empty pipe is writable, never readable. */
	f.p[0] = dup(f.p[1]);
	assert_true(f.p[0] >= 0);
	assert_int_equal(loop_add_fd(f.loop, f.p[0], EPOLLIN, pipe_cb, &f), 0);
	run_guarded(f.loop, 10 * MSEC, true);
	assert_int_equal(f.calls, 0);
	assert_int_equal(loop_mod_fd(f.loop, f.p[0], EPOLLOUT), 0);
	run_guarded(f.loop, GUARD_USEC, false);
	assert_int_equal(f.calls, 1);
	assert_true(f.events & EPOLLOUT);
	fctx_close(&f);
}

struct many {
	struct loop *loop;
	int fds[MANY_FDS][2];
	int calls[MANY_FDS];
	int total;
};

static struct many *many_ctx;

static void many_fd_cb(void *arg, uint32_t events)
{
	int i = (int)(intptr_t)arg;
	char b;

	(void)events;
	assert_int_equal(read(many_ctx->fds[i][0], &b, 1), 1);
	many_ctx->calls[i]++;
	loop_del_fd(many_ctx->loop, many_ctx->fds[i][0]);
	if (++many_ctx->total == MANY_FDS)
		loop_stop(many_ctx->loop);
}

static void hundreds_of_fds_each_dispatched_once(void **state)
{
	struct many *m = calloc(1, sizeof(*m));
	int i;

	(void)state;
	assert_non_null(m);
	many_ctx = m;
	m->loop = new_loop();
	for (i = 0; i < MANY_FDS; i++) {
		assert_int_equal(pipe2(m->fds[i], O_CLOEXEC | O_NONBLOCK), 0);
		assert_int_equal(
		    loop_add_fd(m->loop, m->fds[i][0], EPOLLIN, many_fd_cb, (void *)(intptr_t)i),
		    0);
		assert_int_equal(write(m->fds[i][1], "x", 1), 1);
	}
	run_guarded(m->loop, GUARD_USEC, false);
	for (i = 0; i < MANY_FDS; i++) {
		assert_int_equal(m->calls[i], 1);
		close(m->fds[i][0]);
		close(m->fds[i][1]);
	}
	loop_free(m->loop);
	free(m);
}

/* ---- signals and children ---- */

struct sctx {
	struct loop *loop;
	int signo;
	int calls;
	pid_t pids[2];
	int status[2];
	int children_done;
	int want_children;
};

static void sig_cb(void *arg, int signo)
{
	struct sctx *s = arg;

	s->signo = signo;
	s->calls++;
	loop_stop(s->loop);
}

static void raised_signal_dispatched_through_signalfd(void **state)
{
	struct sctx s = {0};

	(void)state;
	s.loop = new_loop();
	assert_int_equal(loop_on_signal(s.loop, SIGUSR1, sig_cb, &s), 0);
	assert_int_equal(loop_on_signal(s.loop, SIGKILL, sig_cb, &s), -1);
	assert_int_equal(raise(SIGUSR1), 0); /* blocked: pending until read */
	run_guarded(s.loop, GUARD_USEC, false);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.signo, SIGUSR1);
	loop_free(s.loop);
}

static void child_cb(void *arg, pid_t pid, int status)
{
	struct sctx *s = arg;
	int i;

	for (i = 0; i < 2; i++)
		if (s->pids[i] == pid)
			s->status[i] = status;
	if (++s->children_done == s->want_children)
		loop_stop(s->loop);
}

static pid_t spawn(int code, int delay_ms)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (delay_ms)
			usleep((useconds_t)delay_ms * 1000);
		_exit(code);
	}
	return pid;
}

static void watched_child_exit_status_delivered(void **state)
{
	struct sctx s = {0};

	(void)state;
	s.loop = new_loop();
	s.want_children = 1;
	s.pids[0] = spawn(7, 0);
	assert_int_equal(loop_watch_child(s.loop, s.pids[0], child_cb, &s), 0);
	run_guarded(s.loop, GUARD_USEC, false);
	assert_int_equal(s.children_done, 1);
	assert_true(WIFEXITED(s.status[0]));
	assert_int_equal(WEXITSTATUS(s.status[0]), 7);
	loop_free(s.loop);
}

static void child_exited_before_first_watch_still_reported(void **state)
{
	struct sctx s = {0};
	sigset_t chld;
	siginfo_t si;

	(void)state;
	/* Unblocked SIGCHLD with the default action is discarded: no signal
	 * will be pending for this child when the loop starts watching. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	assert_int_equal(sigprocmask(SIG_UNBLOCK, &chld, NULL), 0);
	s.loop = new_loop();
	s.want_children = 1;
	s.pids[0] = spawn(9, 0);
	memset(&si, 0, sizeof(si));
	assert_int_equal(waitid(P_PID, (id_t)s.pids[0], &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(loop_watch_child(s.loop, s.pids[0], child_cb, &s), 0);
	run_guarded(s.loop, GUARD_USEC, false);
	assert_int_equal(WEXITSTATUS(s.status[0]), 9);
	loop_free(s.loop);
}

static void two_children_exiting_together_both_reaped(void **state)
{
	struct sctx s = {0};

	(void)state;
	s.loop = new_loop();
	s.want_children = 2;
	s.pids[0] = spawn(3, 5);
	s.pids[1] = spawn(4, 5);
	assert_int_equal(loop_watch_child(s.loop, s.pids[0], child_cb, &s), 0);
	assert_int_equal(loop_watch_child(s.loop, s.pids[1], child_cb, &s), 0);
	run_guarded(s.loop, GUARD_USEC, false);
	assert_int_equal(s.children_done, 2);
	assert_int_equal(WEXITSTATUS(s.status[0]), 3);
	assert_int_equal(WEXITSTATUS(s.status[1]), 4);
	loop_free(s.loop);
}

/* Block until pid has exited, leaving it to be reaped (WNOWAIT). */
static void wait_exited_unreaped(pid_t pid)
{
	siginfo_t info;

	assert_int_equal(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT), 0);
}

static void unwatched_child_reaped_silently(void **state)
{
	struct sctx s = {0};
	pid_t stray, quiet;

	(void)state;
	s.loop = new_loop();
	s.want_children = 1;
	stray = spawn(1, 0);
	quiet = spawn(2, 0);
	/* Both have exited (zombies, not reaped) before the loop runs: under
	 * valgrind a child's exit can take longer than the watched one's delay. */
	wait_exited_unreaped(stray);
	wait_exited_unreaped(quiet);
	s.pids[0] = spawn(5, 20);
	assert_int_equal(loop_watch_child(s.loop, quiet, child_cb, &s), 0);
	loop_unwatch_child(s.loop, quiet);
	assert_int_equal(loop_watch_child(s.loop, s.pids[0], child_cb, &s), 0);
	run_guarded(s.loop, GUARD_USEC, false);
	assert_int_equal(s.children_done, 1); /* only the watched one called back */
	assert_int_equal(WEXITSTATUS(s.status[0]), 5);
	assert_int_equal(waitpid(stray, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(waitpid(quiet, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	loop_free(s.loop);
}

/* Exit 0 if nothing is blocked and SIGPIPE/SIGUSR1 are back to default. */
static int child_check_reset(void)
{
	sigset_t cur;
	struct sigaction sa;
	int sig;

	loop_child_reset_signals();
	if (sigprocmask(SIG_SETMASK, NULL, &cur) < 0)
		return 10;
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&cur, sig) == 1)
			return 11;
	if (sigaction(SIGPIPE, NULL, &sa) < 0 || sa.sa_handler != SIG_DFL)
		return 12;
	if (sigaction(SIGUSR1, NULL, &sa) < 0 || sa.sa_handler != SIG_DFL)
		return 13;
	return 0;
}

static void child_reset_signals_leaves_mask_empty(void **state)
{
	struct sctx s = {0};
	sigset_t blk;
	pid_t pid;
	int st;

	(void)state;
	s.loop = new_loop();
	assert_int_equal(loop_on_signal(s.loop, SIGTERM, sig_cb, &s), 0);
	sigemptyset(&blk);
	sigaddset(&blk, SIGUSR2);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGPIPE, SIG_IGN);
		sigprocmask(SIG_BLOCK, &blk, NULL);
		_exit(child_check_reset());
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	loop_free(s.loop);
}

static void stop_cb(void *arg)
{
	struct tctx *c = cb_ctx;

	(void)arg;
	c->nfired++;
	loop_stop(c->loop);
}

static void loop_stop_from_callback_ends_run(void **state)
{
	struct tctx *c = tctx_new();
	usec_t now = time_now();

	(void)state;
	cb_ctx = c;
	arm_ms(c, 0, stop_cb, now, 2);
	arm_ms(c, 1, stop_cb, now, 400);
	assert_int_equal(loop_run(c->loop), 0);
	assert_int_equal(c->nfired, 1);
	assert_true(loop_timer_armed(&c->timers[1]));
	assert_true(time_now() - now < 200 * MSEC);
	tctx_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(timers_fire_in_deadline_order_not_early),
	    cmocka_unit_test(timer_rearmed_from_own_callback_fires_again),
	    cmocka_unit_test(cancelled_timer_does_not_fire),
	    cmocka_unit_test(timer_cancelled_by_earlier_callback_does_not_fire),
	    cmocka_unit_test(thousand_random_timers_fire_in_deadline_order),
	    cmocka_unit_test(timer_rearmed_earlier_from_callback_moves_timerfd),
	    cmocka_unit_test(deadlines_within_slack_share_one_wakeup),
	    cmocka_unit_test(timer_moved_later_does_not_rearm_timerfd),
	    cmocka_unit_test(descriptors_run_before_timers_after_a_stall),
	    cmocka_unit_test(timer_in_the_past_fires_at_once),
	    cmocka_unit_test(readable_pipe_calls_fd_callback),
	    cmocka_unit_test(add_fd_twice_fails_and_mod_unknown_fails),
	    cmocka_unit_test(fd_deleted_in_own_callback_not_called_again),
	    cmocka_unit_test(fd_deleted_by_other_callback_same_round_skipped),
	    cmocka_unit_test(stale_event_for_reused_fd_number_skipped),
	    cmocka_unit_test(fd_added_in_callback_is_dispatched),
	    cmocka_unit_test(mod_fd_switches_to_epollout),
	    cmocka_unit_test(hundreds_of_fds_each_dispatched_once),
	    cmocka_unit_test(raised_signal_dispatched_through_signalfd),
	    cmocka_unit_test(watched_child_exit_status_delivered),
	    cmocka_unit_test(child_exited_before_first_watch_still_reported),
	    cmocka_unit_test(two_children_exiting_together_both_reaped),
	    cmocka_unit_test(unwatched_child_reaped_silently),
	    cmocka_unit_test(child_reset_signals_leaves_mask_empty),
	    cmocka_unit_test(loop_stop_from_callback_ends_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
