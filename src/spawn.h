/* Running scripts safely: the one place that forks and execs. A script runs
 * through /bin/sh -c as the script user, with no capabilities and
 * no_new_privs (even as root), in its own process group, with a
 * clean environment, stdin/stdout/stderr on /dev/null, no other inherited
 * descriptors and default signals; a timeout kills its whole group (TERM,
 * then KILL after a grace) and nothing is left behind when it exits. */
#ifndef VIPD_SPAWN_H
#define VIPD_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "loop.h"
#include "timeutil.h"

/* Time between SIGTERM and SIGKILL to a timed-out script's group. */
#define SPAWN_KILL_GRACE (USEC_PER_SEC / 2)

/* In that grace, once the leader is gone: how often to see whether the rest
 * of its group has gone too. */
#define SPAWN_GRACE_POLL (USEC_PER_SEC / 50)

/* Exit status of a child whose set-up (privileges, descriptors) failed. */
#define SPAWN_EXIT_SETUP 125

#define SPAWN_NAME_MAX	 64
#define SPAWN_PATH_MAX	 256
#define SPAWN_GROUPS_MAX 64

/* Who scripts run as, resolved once at start-up (no NSS calls after fork). */
struct spawn_user {
	char name[SPAWN_NAME_MAX];
	uid_t uid;
	gid_t gid;
	gid_t groups[SPAWN_GROUPS_MAX];
	int n_groups;
	char home[SPAWN_PATH_MAX];
	bool change; /* false: vipd is not root, scripts run as vipd's own user */
};

/* Resolve a script user. "root" is the only way to get uid 0. 0, or -1 with
 * e.g. "script_user 'vipd' does not exist" in err. */
int spawn_user_lookup(const char *name, struct spawn_user *u, char *err, size_t errlen);

/* Whether scripts of this user run with uid 0. */
bool spawn_user_is_root(const struct spawn_user *u);

/* For scripts that run as root: refuse a command whose program (the first
 * word, looked up in the scripts' PATH when it has no '/') a non-root user
 * could modify or replace. 0 when safe (or the user is not root), else -1
 * with the reason in err. */
int spawn_check_command(const struct spawn_user *u, const char *cmdline, char *err, size_t errlen);

/* One running script. Embedded in its owner; zero it or spawn_job_init it. */
typedef void (*spawn_done_cb)(void *arg, int wait_status, bool timed_out);

struct spawn_job {
	struct loop *loop;
	pid_t pid; /* also the process group id; 0 when idle */
	bool timed_out;
	bool killed; /* SIGKILL already sent to the group */
	bool reaped; /* the leader is gone, the rest of its group in its grace */
	int wait_status;
	usec_t grace_end;
	struct loop_timer timer;
	spawn_done_cb done;
	void *arg;
};

/* Prepare an idle job whose runs report to done(arg, ...). */
void spawn_job_init(struct spawn_job *j, struct loop *loop, spawn_done_cb done, void *arg);

/* Start `/bin/sh -c cmd [sh argv...]` (argv: extra positional parameters,
 * NULL-terminated, or NULL). done is called once, after the process is
 * reaped (after a timeout: once its whole group is gone or SIGKILLed), never
 * from inside this call. 0, or -1 (errno) when fork failed. */
int spawn_job_start(struct spawn_job *j, const struct spawn_user *u, const char *cmd,
		    char *const argv[], usec_t timeout);

/* The same, with extra environment entries ("NAME=value", NULL-terminated,
 * at most SPAWN_EXTRA_ENV_MAX of them) beside PATH and HOME. */
#define SPAWN_EXTRA_ENV_MAX 16
int spawn_job_start_env(struct spawn_job *j, const struct spawn_user *u, const char *cmd,
			char *const argv[], char *const extra_env[], usec_t timeout);

/* Whether a script is running (or being killed). */
bool spawn_job_running(const struct spawn_job *j);

/* Kill a running script's group at once, without calling done; the loop
 * reaps it. */
void spawn_job_abort(struct spawn_job *j);

/* Describe a wait status for logs: "exit status 1", "killed by signal 9". */
void spawn_describe_status(int wait_status, char *buf, size_t len);

#endif
