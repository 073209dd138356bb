/* Notify hooks: a FIFO of calls per notifier, one script at a time. */
#include "notify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "config.h"
#include "log.h"
#include "spawn.h"

#define NOTIFY_STATE_MAX 16
#define NOTIFY_PRIO_MAX	 12

struct notify_call {
	struct notify_call *next;
	char instance[CONFIG_NAME_MAX];
	char state[NOTIFY_STATE_MAX];
	char priority[NOTIFY_PRIO_MAX];
	char env[4][NOTIFY_ENV_MAX]; /* VIPD_* for the script */
};

struct notifier {
	struct loop *loop;
	char *cmd; /* `script "$@"` */
	struct spawn_user user;
	struct spawn_job job;
	struct notify_call *running;
	struct notify_call *head, *tail; /* waiting */
	size_t n_waiting;
};

static struct notify_call *queue_pop(struct notifier *n)
{
	struct notify_call *call = n->head;

	if (!call)
		return NULL;
	n->head = call->next;
	if (!n->head)
		n->tail = NULL;
	n->n_waiting--;
	call->next = NULL;
	return call;
}

static void queue_push(struct notifier *n, struct notify_call *call)
{
	if (n->tail)
		n->tail->next = call;
	else
		n->head = call;
	n->tail = call;
	n->n_waiting++;
}

/* Start the oldest waiting call, skipping any that cannot start. */
static void notify_next(struct notifier *n)
{
	while (!n->running && n->head) {
		struct notify_call *call = queue_pop(n);
		char *argv[] = {call->instance, call->state, call->priority, NULL};
		char *env[] = {call->env[0], call->env[1], call->env[2], call->env[3], NULL};

		log_debug("notify: %s %s %s", call->instance, call->state, call->priority);
		if (spawn_job_start_env(&n->job, &n->user, n->cmd, argv, env, NOTIFY_TIMEOUT) == 0) {
			n->running = call;
			return;
		}
		log_warn("notify %s %s: cannot start the script: %s", call->instance, call->state,
			 strerror(errno));
		free(call);
	}
}

static void notify_on_exit(void *arg, int wait_status, bool timed_out)
{
	struct notifier *n = arg;
	struct notify_call *call = n->running;
	char what[64];

	n->running = NULL;
	if (timed_out)
		log_warn("notify %s %s: script killed after %lld s", call->instance, call->state,
			 (long long)(NOTIFY_TIMEOUT / USEC_PER_SEC));
	else if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
		spawn_describe_status(wait_status, what, sizeof(what));
		log_warn("notify %s %s: script failed: %s", call->instance, call->state, what);
	}
	free(call);
	notify_next(n);
}

static char *notify_command(const char *script)
{
	size_t len = strlen(script) + sizeof(" \"$@\"");
	char *cmd = malloc(len);

	if (cmd)
		snprintf(cmd, len, "%s \"$@\"", script);
	return cmd;
}

struct notifier *notify_new(struct loop *loop, const char *script, const char *script_user,
			    char *err, size_t errlen)
{
	struct notifier *n = calloc(1, sizeof(*n));
	char why[CONFIG_ERR_MAX];

	if (!n || !(n->cmd = notify_command(script))) {
		snprintf(err, errlen, "notify: out of memory");
		free(n);
		return NULL;
	}
	if (spawn_user_lookup(script_user, &n->user, err, errlen) < 0)
		goto fail;
	if (spawn_check_command(&n->user, script, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "notify '%s': %s", script, why);
		goto fail;
	}
	n->loop = loop;
	spawn_job_init(&n->job, loop, notify_on_exit, n);
	return n;
fail:
	free(n->cmd);
	free(n);
	return NULL;
}

void notify_state(struct notifier *n, const char *instance, const char *state, unsigned priority)
{
	notify_state_why(n, instance, state, priority, NULL, NULL);
}

void notify_state_why(struct notifier *n, const char *instance, const char *state,
		      unsigned priority, const char *family, const char *reason)
{
	struct notify_call *call = calloc(1, sizeof(*call));

	if (!call) {
		log_err("notify %s %s: out of memory", instance, state);
		return;
	}
	snprintf(call->instance, sizeof(call->instance), "%s", instance);
	snprintf(call->state, sizeof(call->state), "%s", state);
	snprintf(call->priority, sizeof(call->priority), "%u", priority);
	snprintf(call->env[0], sizeof(call->env[0]), "VIPD_INSTANCE=%s", instance);
	snprintf(call->env[1], sizeof(call->env[1]), "VIPD_STATE=%s", state);
	snprintf(call->env[2], sizeof(call->env[2]), "VIPD_FAMILY=%s", family ? family : "");
	snprintf(call->env[3], sizeof(call->env[3]), "VIPD_REASON=%s", reason ? reason : "");
	if (n->n_waiting >= NOTIFY_QUEUE_MAX) {
		struct notify_call *old = queue_pop(n);

		log_warn("notify %s: too many calls waiting, dropping %s", old->instance,
			 old->state);
		free(old);
	}
	queue_push(n, call);
	notify_next(n);
}

bool notify_busy(const struct notifier *n)
{
	return n->running || n->head;
}

void notify_free(struct notifier *n)
{
	struct notify_call *call;

	if (!n)
		return;
	spawn_job_abort(&n->job);
	free(n->running);
	while ((call = queue_pop(n)) != NULL)
		free(call);
	free(n->cmd);
	free(n);
}
