/* Health checks: exec scripts, native HTTPS and TCP, each with interval,
 * timeout, rise, fall and weight. A check reports only its transitions
 * (up <-> down) to its owner. */
#ifndef VIPD_CHECK_H
#define VIPD_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "loop.h"

struct check;

/* Pace of the remaining runs of a tcp/https fall sequence (capped by the
 * interval), and the least spacing between runs triggered by a lost
 * connection. */
#define CHECK_FAST_RETRY (USEC_PER_SEC / 50)

/* Called when the check's state changes (after rise passes / fall failures). */
typedef void (*check_change_cb)(void *arg, struct check *c, bool up);

/* Build a check from its config. script_user: the user exec checks run as.
 * NULL with a message in err when it cannot be set up (e.g. an exec script
 * writable by a non-root user while it would run as root, a bad CA file). */
struct check *check_new(struct loop *loop, const struct check_config *cfg,
			const char *script_user, char *err, size_t errlen);

/* Add a listener for transitions (several routers may track one check). */
int check_subscribe(struct check *c, check_change_cb cb, void *arg);

/* Start running (first run at once). */
void check_start(struct check *c);

/* Stop and free: kills a running script's process group, closes connections. */
void check_free(struct check *c);

/* A reload kept the check (config_check_equal): point it at the new config,
 * keeping its rise/fall state, schedule and connection. */
void check_rebind(struct check *c, const struct check_config *cfg);

bool check_is_up(const struct check *c);
const struct check_config *check_config_of(const struct check *c);

/* The reason of the last failed run ("connection refused", "timeout",
 * "http status 500", "exit status 1", ...), or "" after a success. */
const char *check_last_reason(const struct check *c);

/* Counters for status. skipped: runs not started because the previous one
 * was still going; lost: kept connections closed by the peer. */
struct check_stats {
	uint64_t runs, successes, failures, transitions;
	uint64_t skipped, lost;
	usec_t last_latency; /* start to result of the last finished run */
};
void check_get_stats(const struct check *c, struct check_stats *out);

/* Rise/fall counting, pure: a down check comes up after `rise` successes in
 * a row, an up check goes down after `fall` failures in a row. */
struct check_counter {
	bool up;
	unsigned ok_streak;
	unsigned fail_streak;
};

/* Start in the given state with no history. */
void check_counter_init(struct check_counter *k, bool up);

/* Count one run's result; true when the state flipped. */
bool check_counter_feed(struct check_counter *k, unsigned rise, unsigned fall, bool ok);

/* A fall sequence is under way: still up, with failures since the last success. */
bool check_counter_falling(const struct check_counter *k);

#endif
