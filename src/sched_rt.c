/* Real-time scheduling of the daemon: see sched_rt.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* SCHED_RESET_ON_FORK */
#endif
#include "sched_rt.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static volatile sig_atomic_t fell_back;
static int applied_priority;
static char apply_error[256]; /* why the last sched_rt_apply failed, "" if it did not */

/* SIGXCPU: the soft RLIMIT_RTTIME ran out. Back to ordinary scheduling
 * (sched_setscheduler is async-signal-safe: a plain system call). */
static void on_rt_budget_spent(int signo)
{
	struct sched_param p = { .sched_priority = 0 };

	(void)signo;
	sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &p);
	fell_back = 1;
}

static int set_budget(char *err, size_t errlen)
{
	struct rlimit rl = { .rlim_cur = SCHED_RT_BUDGET_US, .rlim_max = SCHED_RT_HARD_US };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_rt_budget_spent;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGXCPU, &sa, NULL) < 0 || setrlimit(RLIMIT_RTTIME, &rl) < 0) {
		snprintf(err, errlen, "realtime_priority: cannot set RLIMIT_RTTIME: %s",
			 strerror(errno));
		return -1;
	}
	return 0;
}

int sched_rt_apply(int priority, char *err, size_t errlen)
{
	struct sched_param p = { .sched_priority = priority };

	apply_error[0] = '\0';
	if (priority == 0)
		return 0;
	if (set_budget(err, errlen) < 0) {
		snprintf(apply_error, sizeof(apply_error), "%s", err);
		return -1;
	}
	if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &p) < 0) {
		snprintf(err, errlen,
			 "realtime_priority %d: cannot switch to SCHED_RR: %s (needs CAP_SYS_NICE; "
			 "under systemd also RestrictRealtime=no)",
			 priority, strerror(errno));
		snprintf(apply_error, sizeof(apply_error), "%s", err);
		return -1;
	}
	applied_priority = priority;
	return 0;
}

const char *sched_rt_error(void)
{
	return apply_error[0] ? apply_error : NULL;
}

int sched_rt_priority(void)
{
	return fell_back ? 0 : applied_priority;
}

bool sched_rt_fell_back(void)
{
	return fell_back != 0;
}
