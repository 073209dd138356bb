/* The exec probe: one script run per check run, through spawn. */
#include "check_exec.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

#define CHECK_EXEC_REASON_MAX 96

_Static_assert(CONFIG_ENV_MAX <= SPAWN_EXTRA_ENV_MAX, "an exec check's env must fit spawn's");

struct check_exec {
	struct loop *loop;
	const struct check_config *cfg;
	struct spawn_user user;
	struct spawn_job job;
	struct loop_timer failed; /* reports a run that could not start */
	bool start_failed;
	char reason[CHECK_EXEC_REASON_MAX];
	check_exec_done_cb done;
	void *arg;
};

/* ---- can the command run ---- */

/* Who a script runs as: the script user, or vipd's own user when it cannot
 * change users (not root). */
struct runner {
	uid_t uid;
	gid_t gid;
	gid_t groups[SPAWN_GROUPS_MAX];
	int n_groups;
	char who[SPAWN_NAME_MAX + 32];
};

static void runner_of(const struct spawn_user *u, struct runner *r)
{
	int n;

	if (u->change) {
		r->uid = u->uid;
		r->gid = u->gid;
		r->n_groups = u->n_groups;
		memcpy(r->groups, u->groups, sizeof(r->groups));
		snprintf(r->who, sizeof(r->who), "script_user '%s'", u->name);
		return;
	}
	r->uid = geteuid();
	r->gid = getegid();
	n = getgroups(SPAWN_GROUPS_MAX, r->groups);
	r->n_groups = n < 0 ? 0 : n;
	snprintf(r->who, sizeof(r->who), "uid %u (vipd's own user)", (unsigned)r->uid);
}

/* The execute (search, for a directory) bit that applies to r. */
static bool runner_may_exec(const struct runner *r, const struct stat *st)
{
	int i;

	if (st->st_uid == r->uid)
		return st->st_mode & S_IXUSR;
	if (st->st_gid == r->gid)
		return st->st_mode & S_IXGRP;
	for (i = 0; i < r->n_groups; i++)
		if (st->st_gid == r->groups[i])
			return st->st_mode & S_IXGRP;
	return st->st_mode & S_IXOTH;
}

/* The program of a command that starts with an absolute path, without shell
 * expansions; -1 when there is none to check (a name, a builtin, "$X"). */
static int leading_path(const char *cmdline, char *out, size_t outlen)
{
	size_t n;

	cmdline += strspn(cmdline, " \t\n");
	if (*cmdline != '/')
		return -1;
	n = strcspn(cmdline, " \t\n;|&<>()");
	if (n >= outlen)
		return -1;
	memcpy(out, cmdline, n);
	out[n] = '\0';
	return strpbrk(out, "$`\\*?[~{'\"") ? -1 : 0;
}

/* Every directory above path must be searchable by r. */
static int dirs_searchable(const struct runner *r, const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && !runner_may_exec(r, &st)) {
			snprintf(err, errlen, "'%s' cannot run as %s: no search permission on '%s'",
				 path, r->who, dir);
			return -1;
		}
		*slash = '/';
	}
	return 0;
}

static int program_runnable(const struct spawn_user *u, const char *cmdline, char *err,
			    size_t errlen)
{
	char path[PATH_MAX];
	struct runner r;
	struct stat st;

	if (leading_path(cmdline, path, sizeof(path)) < 0)
		return 0;
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "'%s' %s", path,
			 errno == ENOENT ? "does not exist" : strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "'%s' is not a regular file", path);
		return -1;
	}
	runner_of(u, &r);
	if (dirs_searchable(&r, path, err, errlen) < 0)
		return -1;
	if (runner_may_exec(&r, &st))
		return 0;
	snprintf(err, errlen, "'%s' is not executable by %s (mode %04o)", path, r.who,
		 (unsigned)(st.st_mode & 07777));
	return -1;
}

int check_exec_check_command(const struct spawn_user *u, const char *cmdline, char *err,
			     size_t errlen)
{
	if (program_runnable(u, cmdline, err, errlen) < 0)
		return -1;
	return spawn_check_command(u, cmdline, err, errlen);
}

/* ---- the probe ---- */

static void exec_on_exit(void *arg, int wait_status, bool timed_out)
{
	struct check_exec *x = arg;
	bool ok = !timed_out && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;

	if (timed_out)
		snprintf(x->reason, sizeof(x->reason), "timeout");
	else if (ok)
		x->reason[0] = '\0';
	else
		spawn_describe_status(wait_status, x->reason, sizeof(x->reason));
	x->done(x->arg, ok, x->reason);
}

static void exec_on_start_failed(void *arg)
{
	struct check_exec *x = arg;

	x->start_failed = false;
	x->done(x->arg, false, x->reason);
}

struct check_exec *check_exec_new(struct loop *loop, const struct check_config *cfg,
				  const char *script_user, check_exec_done_cb done, void *arg,
				  char *err, size_t errlen)
{
	struct check_exec *x = calloc(1, sizeof(*x));
	char why[CONFIG_ERR_MAX];

	if (!x) {
		snprintf(err, errlen, "check '%s': out of memory", cfg->name);
		return NULL;
	}
	if (spawn_user_lookup(script_user, &x->user, err, errlen) < 0) {
		free(x);
		return NULL;
	}
	if (check_exec_check_command(&x->user, cfg->target, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "check '%s': %s", cfg->name, why);
		free(x);
		return NULL;
	}
	x->loop = loop;
	x->cfg = cfg;
	x->done = done;
	x->arg = arg;
	spawn_job_init(&x->job, loop, exec_on_exit, x);
	loop_timer_init(&x->failed, exec_on_start_failed, x);
	return x;
}

void check_exec_run(struct check_exec *x, usec_t timeout)
{
	if (spawn_job_start_env(&x->job, &x->user, x->cfg->target, NULL, x->cfg->env, timeout) == 0)
		return;
	snprintf(x->reason, sizeof(x->reason), "cannot start: %s", strerror(errno));
	x->start_failed = true;
	loop_timer_arm(x->loop, &x->failed, time_now());
}

bool check_exec_busy(const struct check_exec *x)
{
	return x->start_failed || spawn_job_running(&x->job);
}

void check_exec_free(struct check_exec *x)
{
	if (!x)
		return;
	spawn_job_abort(&x->job);
	loop_timer_cancel(x->loop, &x->failed);
	free(x);
}

void check_exec_rebind(struct check_exec *x, const struct check_config *cfg)
{
	x->cfg = cfg;
}
