/* The exec probe: one script run per check run, through spawn. */
#include "check_exec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"
#include "spawn.h"

#define CHECK_EXEC_REASON_MAX 96

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
	if (spawn_check_command(&x->user, cfg->target, why, sizeof(why)) < 0) {
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
	if (spawn_job_start(&x->job, &x->user, x->cfg->target, NULL, timeout) == 0)
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
