/* Health-check core: scheduling, rise/fall, fast retries after a failure or
 * a lost connection, transitions to subscribers. The probes (exec, tcp,
 * https) only run once and report. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_exec.h"
#include "check_net.h"
#include "log.h"


#define CHECK_REASON_MAX 128

struct check_sub {
	check_change_cb cb;
	void *arg;
};

struct check {
	struct loop *loop;
	const struct check_config *cfg;
	struct check_net *net;	 /* tcp, https */
	struct check_exec *exec; /* exec */
	struct check_counter counter;
	struct loop_timer timer;
	usec_t next_regular; /* the interval grid */
	usec_t last_start;
	bool started;
	char reason[CHECK_REASON_MAX];
	struct check_sub *subs;
	size_t n_subs;
	struct check_stats stats;
};

/* ---- rise/fall ---- */

void check_counter_init(struct check_counter *k, bool up)
{
	k->up = up;
	k->ok_streak = 0;
	k->fail_streak = 0;
}

bool check_counter_feed(struct check_counter *k, unsigned rise, unsigned fall, bool ok)
{
	if (ok) {
		k->fail_streak = 0;
		if (k->ok_streak < ~0U)
			k->ok_streak++;
		if (k->up || k->ok_streak < (rise ? rise : 1))
			return false;
		k->up = true;
		return true;
	}
	k->ok_streak = 0;
	if (k->fail_streak < ~0U)
		k->fail_streak++;
	if (!k->up || k->fail_streak < (fall ? fall : 1))
		return false;
	k->up = false;
	return true;
}

bool check_counter_falling(const struct check_counter *k)
{
	return k->up && k->fail_streak > 0;
}

/* ---- the probe, whichever kind ---- */

static void probe_run(struct check *c)
{
	if (c->exec)
		check_exec_run(c->exec, c->cfg->timeout);
	else
		check_net_run(c->net, c->cfg->timeout);
}

static bool probe_busy(const struct check *c)
{
	return c->exec ? check_exec_busy(c->exec) : check_net_busy(c->net);
}

static void probe_free(struct check *c)
{
	if (c->exec)
		check_exec_free(c->exec);
	if (c->net)
		check_net_free(c->net);
	c->exec = NULL;
	c->net = NULL;
}

/* ---- scheduling ---- */

/* Network checks run the rest of a fall sequence at the fast pace: a refused
 * or reset connection is a fact, not noise. Exec scripts keep their interval,
 * so `fall` keeps meaning "tolerate this many intervals of failure". */
static usec_t fast_pace(const struct check *c)
{
	if (c->cfg->type == CHECK_EXEC)
		return c->cfg->interval;
	return c->cfg->interval < CHECK_FAST_RETRY ? c->cfg->interval : CHECK_FAST_RETRY;
}

/* Arm the timer at `when` unless it is already due sooner. */
static void timer_arm_by(struct check *c, usec_t when)
{
	if (loop_timer_armed(&c->timer) && c->timer.deadline <= when)
		return;
	loop_timer_arm(c->loop, &c->timer, when);
}

/* Move the interval grid past now, from its previous deadline. */
static void grid_advance(struct check *c, usec_t now)
{
	usec_t iv = c->cfg->interval > 0 ? c->cfg->interval : 1;

	if (now < c->next_regular)
		return;
	c->next_regular += ((now - c->next_regular) / iv + 1) * iv;
}

static void check_run(struct check *c, usec_t now)
{
	if (probe_busy(c)) {
		c->stats.skipped++;
		log_debug("check '%s': previous run still going, skipping a run", c->cfg->name);
		return;
	}
	c->stats.runs++;
	c->last_start = now;
	log_debug("check '%s': run %llu", c->cfg->name, (unsigned long long)c->stats.runs);
	probe_run(c);
}

static void check_on_timer(void *arg)
{
	struct check *c = arg;
	usec_t now = time_now();

	grid_advance(c, now);
	loop_timer_arm(c->loop, &c->timer, c->next_regular);
	check_run(c, now);
}

/* ---- results ---- */

static void check_transition(struct check *c)
{
	size_t i;

	c->stats.transitions++;
	if (c->counter.up)
		log_notice("check '%s' is now up", c->cfg->name);
	else
		log_notice("check '%s' is now down: %s", c->cfg->name, c->reason);
	for (i = 0; i < c->n_subs; i++)
		c->subs[i].cb(c->subs[i].arg, c, c->counter.up);
}

static void check_on_done(void *arg, bool ok, const char *reason)
{
	struct check *c = arg;

	c->stats.last_latency = time_now() - c->last_start;
	if (ok) {
		c->stats.successes++;
		c->reason[0] = '\0';
		log_debug("check '%s': ok", c->cfg->name);
	} else {
		c->stats.failures++;
		snprintf(c->reason, sizeof(c->reason), "%s", reason && *reason ? reason : "failed");
		log_debug("check '%s': failed: %s", c->cfg->name, c->reason);
	}
	if (check_counter_feed(&c->counter, c->cfg->rise, c->cfg->fall, ok))
		check_transition(c);
	if (c->started && check_counter_falling(&c->counter) && c->cfg->type != CHECK_EXEC)
		timer_arm_by(c, time_now() + fast_pace(c));
}

/* The kept connection went away: not a failure, but look again now. */
static void check_on_lost(void *arg, const char *reason)
{
	struct check *c = arg;
	usec_t when = c->last_start + fast_pace(c);
	usec_t now = time_now();

	c->stats.lost++;
	log_debug("check '%s': connection lost (%s), checking again", c->cfg->name,
		  reason ? reason : "closed");
	if (c->started)
		timer_arm_by(c, when > now ? when : now);
}

/* ---- life cycle ---- */

static int check_probe_new(struct check *c, const char *script_user, char *err, size_t errlen)
{
	switch (c->cfg->type) {
	case CHECK_EXEC:
		c->exec =
		    check_exec_new(c->loop, c->cfg, script_user, check_on_done, c, err, errlen);
		return c->exec ? 0 : -1;
	case CHECK_TCP:
	case CHECK_HTTPS:
		c->net =
		    check_net_new(c->loop, c->cfg, check_on_done, check_on_lost, c, err, errlen);
		return c->net ? 0 : -1;
	}
	snprintf(err, errlen, "check '%s': unknown type", c->cfg->name);
	return -1;
}

struct check *check_new(struct loop *loop, const struct check_config *cfg, const char *script_user,
			char *err, size_t errlen)
{
	struct check *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "check '%s': out of memory", cfg->name);
		return NULL;
	}
	c->loop = loop;
	c->cfg = cfg;
	check_counter_init(&c->counter, cfg->initial_up);
	loop_timer_init(&c->timer, check_on_timer, c);
	if (check_probe_new(c, script_user, err, errlen) < 0) {
		free(c);
		return NULL;
	}
	return c;
}

int check_subscribe(struct check *c, check_change_cb cb, void *arg)
{
	struct check_sub *subs = realloc(c->subs, (c->n_subs + 1) * sizeof(*subs));

	if (!subs)
		return -1;
	subs[c->n_subs].cb = cb;
	subs[c->n_subs].arg = arg;
	c->subs = subs;
	c->n_subs++;
	return 0;
}

void check_start(struct check *c)
{
	if (c->started)
		return;
	c->started = true;
	c->next_regular = time_now();
	loop_timer_arm(c->loop, &c->timer, c->next_regular);
}

void check_free(struct check *c)
{
	if (!c)
		return;
	loop_timer_cancel(c->loop, &c->timer);
	probe_free(c);
	free(c->subs);
	free(c);
}

bool check_is_up(const struct check *c)
{
	return c->counter.up;
}

const struct check_config *check_config_of(const struct check *c)
{
	return c->cfg;
}

const char *check_last_reason(const struct check *c)
{
	return c->reason;
}

void check_get_stats(const struct check *c, struct check_stats *out)
{
	*out = c->stats;
}

void check_rebind(struct check *c, const struct check_config *cfg)
{
	c->cfg = cfg;
	if (c->exec)
		check_exec_rebind(c->exec, cfg);
}
