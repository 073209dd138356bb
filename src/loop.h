/* The event loop: one thread, epoll for descriptors, one timerfd
 * (CLOCK_MONOTONIC, absolute) behind a min-heap of timers, signalfd for
 * signals, and child-process reaping on SIGCHLD. */
#ifndef VIPD_LOOP_H
#define VIPD_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/types.h>

#include "timeutil.h"

struct loop;

typedef void (*loop_fd_cb)(void *arg, uint32_t events);
typedef void (*loop_timer_cb)(void *arg);
typedef void (*loop_signal_cb)(void *arg, int signo);
typedef void (*loop_child_cb)(void *arg, pid_t pid, int wait_status);

/* A timer is embedded in its owner; the loop never allocates one. */
struct loop_timer {
	usec_t deadline;
	size_t heap_index; /* position in the loop's heap; SIZE_MAX when not armed */
	loop_timer_cb cb;
	void *arg;
};

struct loop *loop_new(void);
void loop_free(struct loop *loop);

/* Watch fd for EPOLLIN/EPOLLOUT/...; one callback per fd. 0 or -1 (errno). */
int loop_add_fd(struct loop *loop, int fd, uint32_t events, loop_fd_cb cb, void *arg);
int loop_mod_fd(struct loop *loop, int fd, uint32_t events);
void loop_del_fd(struct loop *loop, int fd);

void loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg);
/* Arm (or re-arm) at an absolute CLOCK_MONOTONIC deadline. */
void loop_timer_arm(struct loop *loop, struct loop_timer *t, usec_t deadline);
void loop_timer_cancel(struct loop *loop, struct loop_timer *t);
bool loop_timer_armed(const struct loop_timer *t);

/* Deliver signo through signalfd (the signal is blocked in the process). */
int loop_on_signal(struct loop *loop, int signo, loop_signal_cb cb, void *arg);

/* Call cb once when child pid exits (reaped with waitpid(-1, WNOHANG) on
 * SIGCHLD; children nobody watches are reaped too). */
int loop_watch_child(struct loop *loop, pid_t pid, loop_child_cb cb, void *arg);
/* Forget a watched child (its exit is still reaped, silently). */
void loop_unwatch_child(struct loop *loop, pid_t pid);

/* What the loop did, for status and for tests of its cost. */
struct loop_stats {
	uint64_t wakeups;       /* epoll_wait returns */
	uint64_t timer_wakeups; /* of those, with the timerfd expired */
	uint64_t timerfd_sets;  /* timerfd_settime calls */
	uint64_t timers_run;    /* timer callbacks */
};

void loop_get_stats(const struct loop *loop, struct loop_stats *out);

/* Run until loop_stop(); 0, or -1 on a fatal epoll error. */
int loop_run(struct loop *loop);
void loop_stop(struct loop *loop);

/* In a child after fork(): unblock every signal and reset dispositions, so an
 * exec'd program does not inherit the loop's blocked mask. */
void loop_child_reset_signals(void);

#endif
