/* Running scripts: user lookup, the root-script safety rule, fork/exec with
 * dropped privileges (script user, no capabilities, no_new_privs), and process-group lifetime (timeout, TERM, KILL). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* close_range */
#endif
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "privs.h"

/* The only PATH a script sees (also where a bare command name is looked up). */
static const char spawn_path[] = "/usr/sbin:/usr/bin:/sbin:/bin";

/* ---- the script user ---- */

static int user_fill(struct spawn_user *u, const struct passwd *pw, char *err, size_t errlen)
{
	int n = SPAWN_GROUPS_MAX;

	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	if (snprintf(u->home, sizeof(u->home), "%s", pw->pw_dir) >= (int)sizeof(u->home)) {
		snprintf(err, errlen, "script_user '%s': home directory path too long", u->name);
		return -1;
	}
	if (getgrouplist(u->name, u->gid, u->groups, &n) < 0) {
		log_warn("script_user '%s' is in more than %d groups; using the first %d", u->name,
			 SPAWN_GROUPS_MAX, SPAWN_GROUPS_MAX);
		n = SPAWN_GROUPS_MAX;
	}
	u->n_groups = n;
	return 0;
}

/* root may be missing from a minimal passwd file: it needs no lookup. */
static void user_fill_root(struct spawn_user *u)
{
	u->uid = 0;
	u->gid = 0;
	u->groups[0] = 0;
	u->n_groups = 1;
	snprintf(u->home, sizeof(u->home), "/root");
}

int spawn_user_lookup(const char *name, struct spawn_user *u, char *err, size_t errlen)
{
	const struct passwd *pw;
	bool root = name && strcmp(name, "root") == 0;

	memset(u, 0, sizeof(*u));
	if (!name || !*name || strlen(name) >= sizeof(u->name)) {
		snprintf(err, errlen, "script_user '%s' is not a valid user name",
			 name ? name : "");
		return -1;
	}
	strcpy(u->name, name);
	pw = getpwnam(name);
	if (!pw && !root) {
		snprintf(err, errlen, "script_user '%s' does not exist", name);
		return -1;
	}
	if (pw && pw->pw_uid == 0 && !root) {
		snprintf(err, errlen,
			 "script_user '%s' has uid 0; write script_user = \"root\" to run scripts "
			 "as root",
			 name);
		return -1;
	}
	if (pw && user_fill(u, pw, err, errlen) < 0)
		return -1;
	if (!pw)
		user_fill_root(u);
	u->change = geteuid() == 0;
	if (!u->change && u->uid != geteuid())
		log_warn("vipd is not running as root: scripts run as uid %u, not as '%s'",
			 (unsigned)geteuid(), name);
	return 0;
}

bool spawn_user_is_root(const struct spawn_user *u)
{
	return u->change ? u->uid == 0 : geteuid() == 0;
}

/* ---- the root-script safety rule ---- */

/* Owned by root and not writable by anyone else; a root-owned sticky
 * directory (like /tmp) is fine: only an entry's owner may replace it. */
static bool stat_is_safe(const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return st->st_uid == 0;
	if (st->st_uid != 0)
		return false;
	if (!(st->st_mode & (S_IWGRP | S_IWOTH)))
		return true;
	return S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX);
}

static int object_check(const char *path, bool follow, char *err, size_t errlen)
{
	struct stat st;
	int rc = follow ? stat(path, &st) : lstat(path, &st);

	if (rc < 0) {
		snprintf(err, errlen, "cannot check '%s': %s", path, strerror(errno));
		return -1;
	}
	if (stat_is_safe(&st))
		return 0;
	snprintf(err, errlen,
		 "'%s' could be modified by a non-root user (owner uid %u, mode %04o); "
		 "refusing to run it as root",
		 path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	return -1;
}

/* The file and every directory above it, "/" included. */
static int chain_check(const char *path, bool follow, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	char *slash;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		snprintf(err, errlen, "path too long: %s", path);
		return -1;
	}
	if (object_check(buf, follow, err, errlen) < 0)
		return -1;
	while ((slash = strrchr(buf, '/')) != NULL) {
		if (slash == buf) {
			buf[1] = '\0';
			return object_check(buf, true, err, errlen);
		}
		*slash = '\0';
		if (object_check(buf, follow, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* Both the path as written (symlinks as such) and where it really leads. */
static int path_check(const char *path, char *err, size_t errlen)
{
	char real[PATH_MAX];

	if (chain_check(path, false, err, errlen) < 0)
		return -1;
	if (!realpath(path, real)) {
		snprintf(err, errlen, "cannot check '%s': %s", path, strerror(errno));
		return -1;
	}
	return chain_check(real, true, err, errlen);
}

/* A shell variable assignment word: NAME=value. */
static bool is_assignment(const char *word)
{
	const char *eq = strchr(word, '=');
	const char *p;

	if (!eq || eq == word || (*word >= '0' && *word <= '9'))
		return false;
	for (p = word; p < eq; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* The program word of a shell command: skips leading NAME=value words. */
static int program_word(const char *cmd, char *out, size_t outlen)
{
	for (;;) {
		size_t n;

		cmd += strspn(cmd, " \t\n");
		n = strcspn(cmd, " \t\n;|&<>()");
		if (n == 0 || n >= outlen)
			return -1;
		memcpy(out, cmd, n);
		out[n] = '\0';
		cmd += n;
		if (!is_assignment(out))
			return 0;
	}
}

/* A bare name: the PATH entry that holds it, or "" (a shell builtin). */
static void path_lookup(const char *word, char *out, size_t outlen)
{
	char dirs[sizeof(spawn_path)];
	char *save = NULL;
	const char *dir;

	out[0] = '\0';
	memcpy(dirs, spawn_path, sizeof(spawn_path));
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (snprintf(out, outlen, "%s/%s", dir, word) < (int)outlen &&
		    access(out, F_OK) == 0)
			return;
		out[0] = '\0';
	}
}

int spawn_check_command(const struct spawn_user *u, const char *cmdline, char *err, size_t errlen)
{
	char word[PATH_MAX];
	char path[PATH_MAX];

	if (!spawn_user_is_root(u))
		return 0;
	if (program_word(cmdline, word, sizeof(word)) < 0) {
		snprintf(err, errlen, "cannot find the program in command '%s'", cmdline);
		return -1;
	}
	if (!strchr(word, '/'))
		path_lookup(word, path, sizeof(path));
	else if (snprintf(path, sizeof(path), "%s%s", word[0] == '/' ? "" : "/", word) >=
		 (int)sizeof(path))
		path[0] = '\0';
	if (!path[0])
		return 0; /* a shell builtin, or not there: it fails when run */
	return path_check(path, err, errlen);
}

/* ---- the child ---- */

static int child_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);
	int i;

	if (fd < 0)
		return -1;
	for (i = 0; i < 3; i++)
		if (fd != i && dup2(fd, i) < 0)
			return -1;
	if (fd > 2)
		close(fd);
	if (close_range(3, ~0U, 0) == 0)
		return 0;
	for (i = 3; i < (int)sysconf(_SC_OPEN_MAX); i++)
		close(i);
	return 0;
}

static int child_drop_privileges(const struct spawn_user *u)
{
	if (!u->change)
		return 0;
	if (setgroups((size_t)u->n_groups, u->groups) < 0 || setgid(u->gid) < 0 ||
	    setuid(u->uid) < 0)
		return -1;
	if (u->uid != 0 && (setuid(0) == 0 || geteuid() == 0))
		return -1; /* root must be gone for good */
	return 0;
}

static void __attribute__((noreturn))
child_exec(const struct spawn_user *u, char *const args[], char *const envp[])
{
	setpgid(0, 0);
	loop_child_reset_signals();
	/* After the user change: no capability survives, none comes back on exec. */
	if (child_stdio() < 0 || child_drop_privileges(u) < 0 || privs_child_clear() < 0 ||
	    chdir("/") < 0)
		_exit(SPAWN_EXIT_SETUP);
	umask(022);
	execve("/bin/sh", args, envp);
	_exit(127);
}

/* sh -c cmd [sh argv...] */
static char **build_args(const char *cmd, char *const argv[])
{
	size_t n = 0, i;
	char **args;

	while (argv && argv[n])
		n++;
	args = calloc(n + 5, sizeof(*args));
	if (!args)
		return NULL;
	args[0] = (char *)"sh";
	args[1] = (char *)"-c";
	args[2] = (char *)cmd;
	if (argv) {
		args[3] = (char *)"sh";
		for (i = 0; i < n; i++)
			args[4 + i] = argv[i];
	}
	return args;
}

/* ---- the job ---- */

/* The leader is reaped and the group is gone (or killed): report. */
static void job_finish(struct spawn_job *j)
{
	loop_timer_cancel(j->loop, &j->timer);
	kill(-j->pid, SIGKILL); /* whatever the script left behind in its group */
	j->pid = 0;
	j->reaped = false;
	j->done(j->arg, j->wait_status, j->timed_out);
}

/* In the grace after SIGTERM with the leader gone: look again soon. */
static void job_poll(struct spawn_job *j, usec_t now)
{
	usec_t when = now + SPAWN_GRACE_POLL;

	loop_timer_arm(j->loop, &j->timer, when < j->grace_end ? when : j->grace_end);
}

static void job_on_timer(void *arg)
{
	struct spawn_job *j = arg;
	usec_t now = time_now();

	if (!j->timed_out) {
		j->timed_out = true;
		j->grace_end = now + SPAWN_KILL_GRACE;
		kill(-j->pid, SIGTERM);
		loop_timer_arm(j->loop, &j->timer, j->grace_end);
		return;
	}
	if (j->reaped && kill(-j->pid, 0) < 0) {
		job_finish(j); /* the whole group is gone */
		return;
	}
	if (now < j->grace_end) {
		job_poll(j, now);
		return;
	}
	kill(-j->pid, SIGKILL);
	j->killed = true;
	if (j->reaped)
		job_finish(j);
}

static void job_on_exit(void *arg, pid_t pid, int wait_status)
{
	struct spawn_job *j = arg;

	(void)pid;
	j->wait_status = wait_status;
	j->reaped = true;
	/* After SIGTERM the rest of the group keeps its grace. */
	if (j->timed_out && !j->killed && kill(-j->pid, 0) == 0) {
		job_poll(j, time_now());
		return;
	}
	job_finish(j);
}

void spawn_job_init(struct spawn_job *j, struct loop *loop, spawn_done_cb done, void *arg)
{
	memset(j, 0, sizeof(*j));
	j->loop = loop;
	j->done = done;
	j->arg = arg;
	loop_timer_init(&j->timer, job_on_timer, j);
}

/* The watch could not be registered: kill and reap right here. */
static void job_reap_now(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

int spawn_job_start(struct spawn_job *j, const struct spawn_user *u, const char *cmd,
		    char *const argv[], usec_t timeout)
{
	return spawn_job_start_env(j, u, cmd, argv, NULL, timeout);
}

int spawn_job_start_env(struct spawn_job *j, const struct spawn_user *u, const char *cmd,
			char *const argv[], char *const extra_env[], usec_t timeout)
{
	char home[SPAWN_PATH_MAX + sizeof("HOME=")];
	char path[sizeof(spawn_path) + sizeof("PATH=")];
	char *envp[SPAWN_EXTRA_ENV_MAX + 3] = {path, home, NULL};
	char **args;
	pid_t pid;
	size_t i;

	snprintf(home, sizeof(home), "HOME=%s", u->home);
	snprintf(path, sizeof(path), "PATH=%s", spawn_path);
	for (i = 0; extra_env && extra_env[i] && i < SPAWN_EXTRA_ENV_MAX; i++)
		envp[2 + i] = extra_env[i];
	args = build_args(cmd, argv);
	if (!args)
		return -1;
	/* Orphans of a script come to us, and the loop reaps them at once:
	 * no zombie waits for a slow init, and a group dies promptly. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid = fork();
	if (pid == 0)
		child_exec(u, args, envp);
	free(args);
	if (pid < 0)
		return -1;
	setpgid(pid, pid); /* also done by the child: whichever runs first */
	if (loop_watch_child(j->loop, pid, job_on_exit, j) < 0) {
		int e = errno;

		job_reap_now(pid);
		errno = e;
		return -1;
	}
	j->pid = pid;
	j->timed_out = false;
	j->killed = false;
	j->reaped = false;
	loop_timer_arm(j->loop, &j->timer, time_now() + timeout);
	return 0;
}

bool spawn_job_running(const struct spawn_job *j)
{
	return j->pid > 0;
}

void spawn_job_abort(struct spawn_job *j)
{
	if (j->pid <= 0)
		return;
	loop_timer_cancel(j->loop, &j->timer);
	kill(-j->pid, SIGKILL);
	if (!j->reaped)
		loop_unwatch_child(j->loop, j->pid);
	j->pid = 0;
	j->reaped = false;
}

void spawn_describe_status(int wait_status, char *buf, size_t len)
{
	if (WIFEXITED(wait_status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(wait_status));
	else if (WIFSIGNALED(wait_status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(wait_status));
	else
		snprintf(buf, len, "wait status 0x%x", (unsigned)wait_status);
}
