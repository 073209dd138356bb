/* Unit tests for the capability drop: each case runs in a forked child (a
 * drop cannot be undone) and reads the child's own /proc/self/status. As
 * root only; skipped otherwise. */
#define _GNU_SOURCE
#include <cap-ng.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "privs.h"

#define CAPS_BASE    0x3000ULL /* CAP_NET_ADMIN, CAP_NET_RAW */
#define CAPS_SCRIPTS 0x30e0ULL /* + CAP_KILL, CAP_SETGID, CAP_SETUID */

/* A field of /proc/self/status as a number (hex for Cap*), or ~0 when absent. */
static unsigned long long status_field(const char *name)
{
	char line[256];
	size_t len = strlen(name);
	unsigned long long v = ~0ULL;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, len) == 0 && line[len] == ':')
			v = strtoull(line + len + 1, NULL, strncmp(name, "Cap", 3) == 0 ? 16 : 10);
	fclose(f);
	return v;
}

/* Exit codes of the children: 0 ok, else which check failed. */
static int child_expect(unsigned long long eff_prm, unsigned long long bnd)
{
	if (status_field("CapEff") != eff_prm)
		return 10;
	if (status_field("CapPrm") != eff_prm)
		return 11;
	if (status_field("CapBnd") != bnd)
		return 12;
	if (status_field("CapInh") != 0 || status_field("CapAmb") != 0)
		return 13;
	return 0;
}

/* What a drop to want leaves from the sets held now: only what is held, and
 * a smaller bounding set only with CAP_SETPCAP. */
struct expected {
	unsigned long long caps;
	unsigned long long bnd;
};

static struct expected expect_after(unsigned long long want)
{
	struct expected e;

	e.caps = want & status_field("CapPrm");
	e.bnd = status_field("CapEff") & (1ULL << CAP_SETPCAP) ? e.caps : status_field("CapBnd");
	return e;
}

static int child_drop(bool scripts)
{
	struct expected e = expect_after(scripts ? CAPS_SCRIPTS : CAPS_BASE);
	char err[256];

	if (privs_drop(scripts, err, sizeof(err)) < 0)
		return 1;
	return child_expect(e.caps, e.bnd);
}

/* Without CAP_SETPCAP the bounding set cannot shrink; the rest still drops. */
static int child_drop_without_setpcap(void)
{
	struct expected e;
	char err[256];

	if (capng_get_caps_process() != 0 ||
	    capng_update(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_SETPCAP) != 0 ||
	    capng_apply(CAPNG_SELECT_CAPS) != 0)
		return 2;
	e = expect_after(CAPS_BASE);
	if (privs_drop(false, err, sizeof(err)) < 0)
		return 1;
	return child_expect(e.caps, e.bnd);
}

/* A capability not held is never added: drop CAP_KILL first. */
static int child_drop_keeps_only_what_was_held(void)
{
	struct expected e;
	char err[256];

	if (capng_get_caps_process() != 0 ||
	    capng_update(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_KILL) != 0 ||
	    capng_apply(CAPNG_SELECT_CAPS) != 0)
		return 2;
	e = expect_after(CAPS_SCRIPTS);
	if (e.caps & (1ULL << CAP_KILL))
		return 3;
	if (privs_drop(true, err, sizeof(err)) < 0)
		return 1;
	return child_expect(e.caps, e.bnd);
}

/* After the daemon's drop, a script child clears everything and exec as
 * root gains nothing: the exec'd shell reports its own sets. */
static int child_script_gets_nothing(void)
{
	struct expected e = expect_after(CAPS_SCRIPTS);
	char err[256];

	if (privs_drop(true, err, sizeof(err)) < 0 || privs_child_clear() < 0)
		return 1;
	if (status_field("NoNewPrivs") != 1)
		return 3;
	if (child_expect(0, e.bnd) != 0)
		return 4;
	execl("/bin/sh", "sh", "-c",
	      "grep -q '^CapEff:[[:space:]]*0000000000000000$' /proc/self/status && "
	      "grep -q '^CapPrm:[[:space:]]*0000000000000000$' /proc/self/status && exit 0; exit 5",
	      (char *)NULL);
	return 6;
}

static void run_child(int (*fn)(void))
{
	int status = 0;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static int drop_without_scripts(void)
{
	return child_drop(false);
}

static int drop_with_scripts(void)
{
	return child_drop(true);
}

static void drop_keeps_net_admin_net_raw(void **state)
{
	(void)state;
	run_child(drop_without_scripts);
}

static void drop_with_scripts_keeps_setuid_setgid_kill(void **state)
{
	(void)state;
	run_child(drop_with_scripts);
}

static void drop_without_setpcap_leaves_bounding_set(void **state)
{
	(void)state;
	run_child(child_drop_without_setpcap);
}

static void drop_never_adds_a_capability(void **state)
{
	(void)state;
	run_child(child_drop_keeps_only_what_was_held);
}

static void script_child_has_no_capabilities_even_as_root(void **state)
{
	(void)state;
	run_child(child_script_gets_nothing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(drop_keeps_net_admin_net_raw),
	    cmocka_unit_test(drop_with_scripts_keeps_setuid_setgid_kill),
	    cmocka_unit_test(drop_without_setpcap_leaves_bounding_set),
	    cmocka_unit_test(drop_never_adds_a_capability),
	    cmocka_unit_test(script_child_has_no_capabilities_even_as_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
