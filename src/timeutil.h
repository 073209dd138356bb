/* Monotonic time in microseconds: the one clock every module uses. */
#ifndef VIPD_TIMEUTIL_H
#define VIPD_TIMEUTIL_H

#include <stdint.h>
#include <time.h>

typedef int64_t usec_t;

#define USEC_PER_SEC 1000000LL
#define USEC_PER_CSEC 10000LL

/* Now on CLOCK_MONOTONIC, in microseconds. */
static inline usec_t time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (usec_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Seconds (as a double, from the config) to microseconds, rounded. */
static inline usec_t time_from_sec(double sec)
{
	return (usec_t)(sec * (double)USEC_PER_SEC + 0.5);
}

#endif
