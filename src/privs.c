/* Capabilities: what the daemon keeps after start-up, and none for scripts. */
#include "privs.h"

#include <cap-ng.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "log.h"

/* Highest capability number looked at (the kernel has about 41). */
#define PRIVS_CAP_SCAN 64

struct privs_set {
	unsigned caps[8];
	size_t n;
};

static const unsigned privs_always[] = {CAP_NET_ADMIN, CAP_NET_RAW};
static const unsigned privs_for_scripts[] = {CAP_SETUID, CAP_SETGID, CAP_KILL};

/* Add the capabilities of list that the process holds now (permitted). */
static void privs_add_held(struct privs_set *set, const unsigned *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (capng_have_capability(CAPNG_PERMITTED, list[i]))
			set->caps[set->n++] = list[i];
}

static bool privs_set_has(const struct privs_set *set, unsigned cap)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->caps[i] == cap)
			return true;
	return false;
}

/* Whether the current bounding set holds more than keep. */
static bool privs_bounding_wider(const struct privs_set *keep)
{
	unsigned cap;

	for (cap = 0; cap < PRIVS_CAP_SCAN; cap++)
		if (capng_have_capability(CAPNG_BOUNDING_SET, cap) && !privs_set_has(keep, cap))
			return true;
	return false;
}

static void privs_log_kept(void)
{
	char *text;

	if (capng_get_caps_process() < 0)
		return;
	text = capng_print_caps_text(CAPNG_PRINT_BUFFER, CAPNG_EFFECTIVE);
	log_info("capabilities kept: %s", text ? text : "?");
	free(text);
}

/* Bounding set first (it needs CAP_SETPCAP, which the second step drops). */
static int privs_apply(bool bounding, char *err, size_t errlen)
{
	if (bounding && capng_apply(CAPNG_SELECT_BOUNDS) != 0) {
		snprintf(err, errlen, "cannot reduce the capability bounding set");
		return -1;
	}
	if (capng_apply(CAPNG_SELECT_CAPS) != 0) {
		snprintf(err, errlen, "cannot drop capabilities");
		return -1;
	}
	return 0;
}

int privs_drop(bool scripts, char *err, size_t errlen)
{
	struct privs_set keep = {.n = 0};
	bool setpcap, wider;
	size_t i;

	if (capng_get_caps_process() != 0) {
		snprintf(err, errlen, "cannot read the process capabilities");
		return -1;
	}
	privs_add_held(&keep, privs_always, sizeof(privs_always) / sizeof(privs_always[0]));
	if (scripts)
		privs_add_held(&keep, privs_for_scripts,
			       sizeof(privs_for_scripts) / sizeof(privs_for_scripts[0]));
	setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	wider = privs_bounding_wider(&keep);
	capng_clear(CAPNG_SELECT_BOTH);
	for (i = 0; i < keep.n; i++)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			     keep.caps[i]);
	if (privs_apply(setpcap && wider, err, errlen) < 0)
		return -1;
	if (!setpcap && wider)
		log_notice("no CAP_SETPCAP: the capability bounding set stays as it was");
	privs_log_kept();
	return 0;
}

int privs_child_clear(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	capng_clear(CAPNG_SELECT_CAPS);
	capng_setpid(getpid());
	return capng_apply(CAPNG_SELECT_CAPS) == 0 ? 0 : -1;
}
