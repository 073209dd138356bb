/* Real-time scheduling of the daemon (realtime_priority): SCHED_RR, so that
 * a node whose CPUs are saturated by ordinary processes still sends and hears
 * adverts on time; children (checks, notify hooks) start as ordinary
 * processes (SCHED_RESET_ON_FORK); and a guard against a loop that would
 * never sleep: after RLIMIT_RTTIME of CPU without blocking the daemon falls
 * back to ordinary scheduling instead of starving the node. */
#ifndef VIPD_SCHED_RT_H
#define VIPD_SCHED_RT_H

#include <stdbool.h>
#include <stddef.h>

/* CPU time (us) the daemon may run at real-time priority without blocking
 * before it falls back to ordinary scheduling (soft RLIMIT_RTTIME), and the
 * hard limit (SIGKILL) a second later. */
#define SCHED_RT_BUDGET_US 200000
#define SCHED_RT_HARD_US 1200000

/* Switch the calling process to SCHED_RR at priority (1..99) with reset on
 * fork and the budget above. 0 does nothing. Needs CAP_SYS_NICE (and, under
 * systemd, RestrictRealtime=no). -1 with err set on failure (the process then
 * keeps its scheduling). */
int sched_rt_apply(int priority, char *err, size_t errlen);

/* Why the last sched_rt_apply failed; NULL when it did not. */
const char *sched_rt_error(void);

/* The priority in force: 0 when off or fallen back. */
int sched_rt_priority(void);

/* True once the budget ran out and the daemon fell back. */
bool sched_rt_fell_back(void);

#endif
