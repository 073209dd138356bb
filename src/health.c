/* Health: checks -> effective priority per instance. */
#include "health.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log.h"
#include "priority.h"

struct health_watch {
	struct vrrp_instance *in;
	size_t *check_index; /* into health.checks, one per tracked check */
	size_t n;
};

struct health {
	struct loop *loop;
	const struct config *cfg;
	struct check **checks; /* parallel to cfg->checks */
	size_t n_checks;
	struct health_watch *watches;
	size_t n_watches;
};

/* "check a down" or "checks a, b down" for the tracked checks that are
 * down, into note ("" when all are up). */
static void health_note(const struct health *h, const struct health_watch *w, char *note,
			size_t len)
{
	char names[80] = "";
	size_t i, used = 0, down = 0;

	for (i = 0; i < w->n && used < sizeof(names); i++) {
		const struct check *c = h->checks[w->check_index[i]];

		if (!check_is_up(c))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 down++ ? ", " : "", check_config_of(c)->name);
	}
	if (down == 0)
		note[0] = '\0';
	else
		snprintf(note, len, "%s %s down", down > 1 ? "checks" : "check", names);
}

static void health_update(struct health *h, const struct health_watch *w)
{
	struct priority_input inputs[w->n ? w->n : 1];
	const struct instance_config *icfg = vrrp_instance_config(w->in);
	bool fault = false;
	uint8_t priority;
	char note[96];
	size_t i;

	for (i = 0; i < w->n; i++) {
		struct check *c = h->checks[w->check_index[i]];

		inputs[i].weight = check_config_of(c)->weight;
		inputs[i].up = check_is_up(c);
	}
	priority = priority_effective(icfg->priority, inputs, w->n, &fault);
	health_note(h, w, note, sizeof(note));
	vrrp_instance_set_health(w->in, priority, fault, note);
}

static bool watch_tracks(const struct health *h, const struct health_watch *w,
			 const struct check *c)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (h->checks[w->check_index[i]] == c)
			return true;
	return false;
}

static void health_on_check_change(void *arg, struct check *c, bool up)
{
	struct health *h = arg;
	size_t i;

	(void)up;
	for (i = 0; i < h->n_watches; i++)
		if (watch_tracks(h, &h->watches[i], c))
			health_update(h, &h->watches[i]);
}

struct health *health_new(struct loop *loop, const struct config *cfg, char *err, size_t errlen)
{
	struct health *h = calloc(1, sizeof(*h));
	size_t i;

	if (!h || !(h->checks = calloc(cfg->n_checks + 1, sizeof(*h->checks))) ||
	    !(h->watches = calloc(cfg->n_instances + 1, sizeof(*h->watches)))) {
		snprintf(err, errlen, "out of memory");
		health_free(h);
		return NULL;
	}
	h->loop = loop;
	h->cfg = cfg;
	for (i = 0; i < cfg->n_checks; i++) {
		h->checks[i] = check_new(loop, &cfg->checks[i], cfg->script_user, err, errlen);
		if (!h->checks[i]) {
			health_free(h);
			return NULL;
		}
		h->n_checks++;
		if (check_subscribe(h->checks[i], health_on_check_change, h) < 0) {
			snprintf(err, errlen, "check '%s': out of memory", cfg->checks[i].name);
			health_free(h);
			return NULL;
		}
	}
	return h;
}

/* For a reload: the check of the running set equal to cfg, taken out of it
 * (its slot set to NULL), or NULL. */
static struct check *health_take_equal(struct health *h, const struct check_config *cfg)
{
	struct check *c;
	size_t i;

	for (i = 0; i < h->n_checks; i++) {
		c = h->checks[i];
		if (c && config_check_equal(check_config_of(c), cfg)) {
			h->checks[i] = NULL;
			return c;
		}
	}
	return NULL;
}

static struct check *health_new_check(struct health *h, const struct config *cfg, size_t j,
				      char *err, size_t errlen)
{
	struct check *c = check_new(h->loop, &cfg->checks[j], cfg->script_user, err, errlen);

	if (c && check_subscribe(c, health_on_check_change, h) < 0) {
		snprintf(err, errlen, "check '%s': out of memory", cfg->checks[j].name);
		check_free(c);
		c = NULL;
	}
	return c;
}

/* Undo a failed reconfigure: fresh checks go, kept ones go back. */
static void health_undo(struct health *h, struct check **next, const bool *kept, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (!kept[i]) {
			check_free(next[i]);
			continue;
		}
		for (k = 0; k < h->n_checks; k++)
			if (!h->checks[k] && config_check_equal(&h->cfg->checks[k],
								check_config_of(next[i]))) {
				check_rebind(next[i], &h->cfg->checks[k]);
				h->checks[k] = next[i];
				break;
			}
	}
}

static void health_reset_watches(struct health *h)
{
	size_t i;

	for (i = 0; i < h->n_watches; i++)
		free(h->watches[i].check_index);
	h->n_watches = 0;
}

/* Build the next set of checks: kept ones from the running set, new ones
 * fresh. 0, or -1 with everything as it was. */
static int health_next_checks(struct health *h, const struct config *cfg, struct check **next,
			      bool *kept, char *err, size_t errlen)
{
	size_t j;

	for (j = 0; j < cfg->n_checks; j++) {
		next[j] = health_take_equal(h, &cfg->checks[j]);
		kept[j] = next[j] != NULL;
		if (kept[j]) {
			check_rebind(next[j], &cfg->checks[j]);
			continue;
		}
		next[j] = health_new_check(h, cfg, j, err, errlen);
		if (!next[j]) {
			health_undo(h, next, kept, j);
			return -1;
		}
	}
	return 0;
}

int health_reconfigure(struct health *h, const struct config *cfg, char *err, size_t errlen)
{
	struct check **next = calloc(cfg->n_checks + 1, sizeof(*next));
	bool *kept = calloc(cfg->n_checks + 1, sizeof(*kept));
	struct health_watch *watches = calloc(cfg->n_instances + 1, sizeof(*watches));
	size_t i;

	if (!next || !kept || !watches || health_next_checks(h, cfg, next, kept, err, errlen) < 0) {
		if (!next || !kept || !watches)
			snprintf(err, errlen, "out of memory");
		free(next);
		free(kept);
		free(watches);
		return -1;
	}
	for (i = 0; i < h->n_checks; i++)
		check_free(h->checks[i]); /* the ones no longer configured */
	health_reset_watches(h);
	free(h->checks);
	free(h->watches);
	free(kept);
	h->checks = next;
	h->n_checks = cfg->n_checks;
	h->watches = watches;
	h->cfg = cfg;
	return 0;
}

static int health_find(const struct health *h, const char *name, size_t *index)
{
	size_t i;

	for (i = 0; i < h->n_checks; i++) {
		if (strcmp(h->cfg->checks[i].name, name) == 0) {
			*index = i;
			return 0;
		}
	}
	return -1;
}

int health_attach(struct health *h, struct vrrp_instance *in, char *err, size_t errlen)
{
	const struct instance_config *icfg = vrrp_instance_config(in);
	struct health_watch *w = &h->watches[h->n_watches];
	size_t i;

	w->in = in;
	w->check_index = calloc(icfg->n_track_checks + 1, sizeof(*w->check_index));
	if (!w->check_index) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	h->n_watches++;
	for (i = 0; i < icfg->n_track_checks; i++) {
		if (health_find(h, icfg->track_checks[i], &w->check_index[i]) < 0) {
			snprintf(err, errlen, "%s: unknown check '%s'", icfg->name,
				 icfg->track_checks[i]);
			return -1;
		}
		w->n++;
	}
	health_update(h, w);
	return 0;
}

void health_start(struct health *h)
{
	size_t i;

	for (i = 0; i < h->n_checks; i++)
		check_start(h->checks[i]);
}

void health_free(struct health *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->n_checks; i++)
		check_free(h->checks[i]);
	for (i = 0; i < h->n_watches; i++)
		free(h->watches[i].check_index);
	free(h->checks);
	free(h->watches);
	free(h);
}

void health_print_status(const struct health *h, FILE *out)
{
	struct check_stats st;
	size_t i;

	for (i = 0; i < h->n_checks; i++) {
		const struct check *c = h->checks[i];
		const char *reason = check_last_reason(c);

		check_get_stats(c, &st);
		fprintf(out, "check %s: %s%s%s, weight %d, runs %llu, failures %llu, transitions %llu\n",
			check_config_of(c)->name, check_is_up(c) ? "up" : "down",
			reason[0] ? ", last failure: " : "", reason, check_config_of(c)->weight,
			(unsigned long long)st.runs, (unsigned long long)st.failures,
			(unsigned long long)st.transitions);
	}
}

size_t health_check_count(const struct health *h)
{
	return h->n_checks;
}

const struct check *health_check(const struct health *h, size_t i)
{
	return i < h->n_checks ? h->checks[i] : NULL;
}
