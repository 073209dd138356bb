/* The event loop: epoll for descriptors, one timerfd behind a min-heap of
 * timers, signalfd for signals and SIGCHLD-driven child reaping. */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

#define LOOP_MAX_EVENTS 64
#define LOOP_SIG_BATCH	16

/* A wake-up for a timer also runs every timer due within this much after it
 * (they run that much late at most, never early): with hundreds of routers
 * the deadlines of a second share far fewer wake-ups. */
#define LOOP_TIMER_SLACK (USEC_PER_SEC / 1000)

/* tfd_deadline when the timerfd fired: readable until the next settime. */
#define TFD_FIRED 0
#define TFD_DISARMED (-1)

/* One watched descriptor; gen tells a live watcher from a stale epoll event. */
struct fd_watch {
	loop_fd_cb cb;
	void *arg;
	uint32_t gen;
	bool used;
};

struct sig_watch {
	loop_signal_cb cb;
	void *arg;
};

struct child_watch {
	pid_t pid;
	loop_child_cb cb;
	void *arg;
};

struct loop {
	int epfd;
	int tfd;
	int sfd;
	bool running;

	struct fd_watch *fds; /* indexed by fd */
	size_t fds_cap;
	uint32_t fd_gen;

	struct loop_timer **heap;
	size_t heap_len;
	size_t heap_cap;
	usec_t tfd_deadline; /* what the timerfd is set to, TFD_FIRED or TFD_DISARMED */
	struct loop_stats stats;

	sigset_t sigmask;
	struct sig_watch sigs[NSIG];
	bool reaping; /* SIGCHLD taken for child watching */

	struct child_watch *children;
	size_t children_len;
	size_t children_cap;
};

/* Grow *arr (of elem-sized items, *cap of them) to hold at least need. */
static int grow_array(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 16;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*arr, ncap * elem);
	if (!n)
		return -1;
	memset((char *)n + *cap * elem, 0, (ncap - *cap) * elem);
	*arr = n;
	*cap = ncap;
	return 0;
}

/* ---- descriptors ---- */

static int epoll_op(struct loop *loop, int op, int fd, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = (uint64_t)(uint32_t)fd | (uint64_t)loop->fds[fd].gen << 32;
	return epoll_ctl(loop->epfd, op, fd, &ev);
}

int loop_add_fd(struct loop *loop, int fd, uint32_t events, loop_fd_cb cb, void *arg)
{
	struct fd_watch *w;

	if (fd < 0 || !cb) {
		errno = EINVAL;
		return -1;
	}
	if (grow_array((void **)&loop->fds, &loop->fds_cap, (size_t)fd + 1, sizeof(*loop->fds)) < 0)
		return -1;
	w = &loop->fds[fd];
	if (w->used) {
		errno = EEXIST;
		return -1;
	}
	w->gen = ++loop->fd_gen;
	if (epoll_op(loop, EPOLL_CTL_ADD, fd, events) < 0)
		return -1;
	w->cb = cb;
	w->arg = arg;
	w->used = true;
	return 0;
}

static struct fd_watch *fd_lookup(struct loop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->fds_cap || !loop->fds[fd].used)
		return NULL;
	return &loop->fds[fd];
}

int loop_mod_fd(struct loop *loop, int fd, uint32_t events)
{
	if (!fd_lookup(loop, fd)) {
		errno = ENOENT;
		return -1;
	}
	return epoll_op(loop, EPOLL_CTL_MOD, fd, events);
}

void loop_del_fd(struct loop *loop, int fd)
{
	struct fd_watch *w = fd_lookup(loop, fd);

	if (!w)
		return;
	/* Fails harmlessly (EBADF) when the caller closed the fd first. */
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(w, 0, sizeof(*w));
}

/* Run the watcher an epoll event names, unless it was deleted (or deleted and
 * replaced) earlier in this round. */
static void fd_dispatch(struct loop *loop, const struct epoll_event *ev)
{
	int fd = (int)(uint32_t)ev->data.u64;
	uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
	struct fd_watch *w = fd_lookup(loop, fd);

	if (!w || w->gen != gen)
		return;
	w->cb(w->arg, ev->events);
}

/* ---- timers: a binary min-heap ordered by deadline ---- */

static void heap_set(struct loop *loop, size_t i, struct loop_timer *t)
{
	loop->heap[i] = t;
	t->heap_index = i;
}

static void heap_up(struct loop *loop, size_t i)
{
	struct loop_timer *t = loop->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (loop->heap[parent]->deadline <= t->deadline)
			break;
		heap_set(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_set(loop, i, t);
}

static void heap_down(struct loop *loop, size_t i)
{
	struct loop_timer *t = loop->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= loop->heap_len)
			break;
		if (c + 1 < loop->heap_len && loop->heap[c + 1]->deadline < loop->heap[c]->deadline)
			c++;
		if (t->deadline <= loop->heap[c]->deadline)
			break;
		heap_set(loop, i, loop->heap[c]);
		i = c;
	}
	heap_set(loop, i, t);
}

/* True if t sits in this loop's heap (guards against foreign or stale timers). */
static bool heap_holds(const struct loop *loop, const struct loop_timer *t)
{
	return t->heap_index < loop->heap_len && loop->heap[t->heap_index] == t;
}

static void heap_remove(struct loop *loop, struct loop_timer *t)
{
	size_t i = t->heap_index;
	struct loop_timer *last = loop->heap[--loop->heap_len];

	t->heap_index = SIZE_MAX;
	if (last == t)
		return;
	heap_set(loop, i, last);
	heap_up(loop, i);
	heap_down(loop, last->heap_index);
}

void loop_timer_init(struct loop_timer *t, loop_timer_cb cb, void *arg)
{
	t->deadline = 0;
	t->heap_index = SIZE_MAX;
	t->cb = cb;
	t->arg = arg;
}

void loop_timer_arm(struct loop *loop, struct loop_timer *t, usec_t deadline)
{
	if (heap_holds(loop, t)) {
		t->deadline = deadline;
		heap_up(loop, t->heap_index);
		heap_down(loop, t->heap_index);
		return;
	}
	if (grow_array((void **)&loop->heap, &loop->heap_cap, loop->heap_len + 1,
		       sizeof(*loop->heap)) < 0) {
		/* A timer silently not armed would be worse than stopping. */
		log_err("loop: out of memory arming a timer");
		abort();
	}
	t->deadline = deadline;
	heap_set(loop, loop->heap_len++, t);
	heap_up(loop, t->heap_index);
}

void loop_timer_cancel(struct loop *loop, struct loop_timer *t)
{
	if (heap_holds(loop, t))
		heap_remove(loop, t);
	else
		t->heap_index = SIZE_MAX;
}

bool loop_timer_armed(const struct loop_timer *t)
{
	return t->heap_index != SIZE_MAX;
}

/* When the timerfd should fire for the earliest timer: at once when it is
 * due, else up to LOOP_TIMER_SLACK later so that neighbours share the
 * wake-up. TFD_DISARMED when no timer is armed. */
static usec_t timerfd_wanted(const struct loop *loop)
{
	usec_t first;

	if (!loop->heap_len)
		return TFD_DISARMED;
	first = loop->heap[0]->deadline;
	if (first <= time_now())
		return first > 0 ? first : 1; /* 0 would disarm */
	return first + LOOP_TIMER_SLACK;
}

/* Point the timerfd at the earliest deadline, with no syscall when it is set
 * no later than wanted: an early wake-up runs nothing and re-arms, which is
 * cheaper than a settime for every advert that moves a Backup's timer later.
 * After it fired the timerfd stays readable until it is set again, so the
 * expiry count is never read. */
static int timerfd_sync(struct loop *loop)
{
	usec_t want = timerfd_wanted(loop);
	struct itimerspec its;

	if (loop->tfd_deadline == want ||
	    (loop->tfd_deadline > TFD_FIRED && want > 0 && loop->tfd_deadline <= want))
		return 0;
	memset(&its, 0, sizeof(its));
	if (want > 0) {
		its.it_value.tv_sec = want / USEC_PER_SEC;
		its.it_value.tv_nsec = (long)(want % USEC_PER_SEC) * 1000;
	}
	loop->stats.timerfd_sets++;
	if (timerfd_settime(loop->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		log_err("loop: timerfd_settime: %s", strerror(errno));
		return -1;
	}
	loop->tfd_deadline = want;
	return 0;
}

/* Run every timer that is due; each leaves the heap before its callback. */
static void timers_run(struct loop *loop)
{
	usec_t now = time_now();

	while (loop->heap_len && loop->heap[0]->deadline <= now) {
		struct loop_timer *t = loop->heap[0];

		heap_remove(loop, t);
		loop->stats.timers_run++;
		t->cb(t->arg);
	}
}

static void on_timerfd(void *arg, uint32_t events)
{
	struct loop *loop = arg;

	(void)events;
	/* One-shot: it has expired. The next timerfd_sync re-arms (or disarms)
	 * it, which also clears its readability; no read needed. */
	loop->tfd_deadline = TFD_FIRED;
	loop->stats.timer_wakeups++;
	timers_run(loop);
}

/* ---- signals and children ---- */

static int signal_take(struct loop *loop, int signo)
{
	sigset_t one;

	sigemptyset(&one);
	sigaddset(&one, signo);
	if (sigprocmask(SIG_BLOCK, &one, NULL) < 0)
		return -1;
	sigaddset(&loop->sigmask, signo);
	if (signalfd(loop->sfd, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC) < 0)
		return -1;
	return 0;
}

int loop_on_signal(struct loop *loop, int signo, loop_signal_cb cb, void *arg)
{
	if (signo <= 0 || signo >= NSIG || signo == SIGKILL || signo == SIGSTOP || !cb) {
		errno = EINVAL;
		return -1;
	}
	if (signal_take(loop, signo) < 0)
		return -1;
	loop->sigs[signo].cb = cb;
	loop->sigs[signo].arg = arg;
	return 0;
}

static struct child_watch *child_find(struct loop *loop, pid_t pid)
{
	size_t i;

	for (i = 0; i < loop->children_len; i++)
		if (loop->children[i].pid == pid)
			return &loop->children[i];
	return NULL;
}

static void child_remove(struct loop *loop, struct child_watch *c)
{
	*c = loop->children[--loop->children_len];
}

/* Reap every exited child; watched ones are forgotten before their callback. */
static void children_reap(struct loop *loop)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		struct child_watch *c;
		struct child_watch copy;

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		c = child_find(loop, pid);
		if (!c)
			continue;
		copy = *c;
		child_remove(loop, c);
		copy.cb(copy.arg, pid, st);
	}
}

/* Start reaping; a child that exited before SIGCHLD was blocked left no
 * pending signal, so raise one to collect it on the next round. */
static int reaping_enable(struct loop *loop)
{
	if (loop->reaping)
		return 0;
	if (signal_take(loop, SIGCHLD) < 0)
		return -1;
	loop->reaping = true;
	raise(SIGCHLD);
	return 0;
}

int loop_watch_child(struct loop *loop, pid_t pid, loop_child_cb cb, void *arg)
{
	struct child_watch *c;

	if (pid <= 0 || !cb) {
		errno = EINVAL;
		return -1;
	}
	if (reaping_enable(loop) < 0)
		return -1;
	c = child_find(loop, pid);
	if (!c) {
		if (grow_array((void **)&loop->children, &loop->children_cap,
			       loop->children_len + 1, sizeof(*loop->children)) < 0)
			return -1;
		c = &loop->children[loop->children_len++];
	}
	c->pid = pid;
	c->cb = cb;
	c->arg = arg;
	return 0;
}

void loop_unwatch_child(struct loop *loop, pid_t pid)
{
	struct child_watch *c = child_find(loop, pid);

	if (c)
		child_remove(loop, c);
}

static void signal_dispatch(struct loop *loop, int signo)
{
	if (signo <= 0 || signo >= NSIG)
		return;
	if (signo == SIGCHLD && loop->reaping)
		children_reap(loop);
	if (loop->sigs[signo].cb)
		loop->sigs[signo].cb(loop->sigs[signo].arg, signo);
}

static void on_signalfd(void *arg, uint32_t events)
{
	struct loop *loop = arg;
	struct signalfd_siginfo si[LOOP_SIG_BATCH];
	ssize_t n;
	size_t i;

	(void)events;
	for (;;) {
		n = read(loop->sfd, si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n / sizeof(si[0]); i++)
			signal_dispatch(loop, (int)si[i].ssi_signo);
	}
	if (n < 0 && errno != EAGAIN)
		log_warn("loop: signalfd read: %s", strerror(errno));
}

void loop_child_reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL); /* EINVAL for SIGKILL/SIGSTOP: fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* ---- lifecycle and running ---- */

static int loop_open(struct loop *loop)
{
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		return -1;
	loop->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (loop->tfd < 0)
		return -1;
	loop->sfd = signalfd(-1, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop->sfd < 0)
		return -1;
	if (loop_add_fd(loop, loop->tfd, EPOLLIN, on_timerfd, loop) < 0)
		return -1;
	return loop_add_fd(loop, loop->sfd, EPOLLIN, on_signalfd, loop);
}

struct loop *loop_new(void)
{
	struct loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->epfd = loop->tfd = loop->sfd = -1;
	loop->tfd_deadline = TFD_DISARMED;
	sigemptyset(&loop->sigmask);
	if (loop_open(loop) < 0) {
		int saved = errno;

		loop_free(loop);
		errno = saved;
		return NULL;
	}
	return loop;
}

/* Signals the loop took stay blocked: unblocking would deliver any pending
 * one with its default action (often: terminate). */
void loop_free(struct loop *loop)
{
	size_t i;

	if (!loop)
		return;
	for (i = 0; i < loop->heap_len; i++)
		loop->heap[i]->heap_index = SIZE_MAX;
	if (loop->sfd >= 0)
		close(loop->sfd);
	if (loop->tfd >= 0)
		close(loop->tfd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	free(loop->fds);
	free(loop->heap);
	free(loop->children);
	free(loop);
}

static bool is_timerfd_event(const struct loop *loop, const struct epoll_event *ev)
{
	return (int)(uint32_t)ev->data.u64 == loop->tfd;
}

/* Descriptors first, timers last: after the daemon waited for a CPU, the
 * adverts already queued must reset the Master_Down timers before those
 * timers are run, or every delay would be a takeover. */
static void dispatch(struct loop *loop, const struct epoll_event *evs, int n)
{
	const struct epoll_event *timer_ev = NULL;
	int i;

	for (i = 0; i < n && loop->running; i++) {
		if (is_timerfd_event(loop, &evs[i]))
			timer_ev = &evs[i];
		else
			fd_dispatch(loop, &evs[i]);
	}
	if (timer_ev && loop->running)
		fd_dispatch(loop, timer_ev);
}

int loop_run(struct loop *loop)
{
	struct epoll_event evs[LOOP_MAX_EVENTS];
	int n;

	loop->running = true;
	while (loop->running) {
		if (timerfd_sync(loop) < 0)
			return -1;
		n = epoll_wait(loop->epfd, evs, LOOP_MAX_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_err("loop: epoll_wait: %s", strerror(errno));
			return -1;
		}
		loop->stats.wakeups++;
		dispatch(loop, evs, n);
	}
	return 0;
}

void loop_get_stats(const struct loop *loop, struct loop_stats *out)
{
	*out = loop->stats;
}

void loop_stop(struct loop *loop)
{
	loop->running = false;
}
