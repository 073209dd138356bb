/* check_probe: run one health check in a real event loop and print its
 * transitions, for the integration tests.
 *
 *   check_probe [-u USER] [-i SEC] [-t SEC] [-r RISE] [-f FALL] [-U]
 *               [-e NAME=VALUE]... [-n RUNS] [-d SEC] [-k] [-v] exec|tcp|https TARGET
 *
 * Prints "up" / "down: REASON" on each transition, and at the end
 * "runs=.. successes=.. failures=.. skipped=.. transitions=.. up=.. reason=..".
 * Stops after RUNS finished runs, after -d seconds, or on SIGTERM/SIGINT.
 * -k: after stopping the check, stay in the loop (reaping) until SIGTERM, so
 * a test can look for leftover children. -e: an exec check's env entry. Exit 2 when the check cannot be set
 * up (the error on stderr), 0 otherwise. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "log.h"

#define POLL_INTERVAL (10 * USEC_PER_SEC / 1000)

struct probe_opts {
	struct check_config cfg;
	char *env[CONFIG_ENV_MAX + 1];
	const char *user;
	unsigned max_runs;
	usec_t duration;
	bool keep;
	int verbose;
};

struct probe_ctx {
	struct loop *loop;
	struct check *check;
	const struct probe_opts *o;
	struct loop_timer poll;
	usec_t end;
	bool stopped; /* the check is finished; in -k mode the loop still runs */
};

static void on_change(void *arg, struct check *c, bool up)
{
	(void)arg;
	if (up)
		printf("up\n");
	else
		printf("down: %s\n", check_last_reason(c));
	fflush(stdout);
}

static void print_summary(const struct check *c)
{
	struct check_stats st;

	check_get_stats(c, &st);
	printf("runs=%llu successes=%llu failures=%llu skipped=%llu transitions=%llu up=%d "
	       "reason=%s\n",
	       (unsigned long long)st.runs, (unsigned long long)st.successes,
	       (unsigned long long)st.failures, (unsigned long long)st.skipped,
	       (unsigned long long)st.transitions, check_is_up(c) ? 1 : 0, check_last_reason(c));
	fflush(stdout);
}

static void finish(struct probe_ctx *x)
{
	if (x->stopped)
		return;
	x->stopped = true;
	loop_timer_cancel(x->loop, &x->poll);
	print_summary(x->check);
	check_free(x->check);
	x->check = NULL;
	if (!x->o->keep)
		loop_stop(x->loop);
}

static void on_poll(void *arg)
{
	struct probe_ctx *x = arg;
	struct check_stats st;
	usec_t now = time_now();

	check_get_stats(x->check, &st);
	if ((x->o->max_runs && st.successes + st.failures >= x->o->max_runs) ||
	    (x->end && now >= x->end)) {
		finish(x);
		return;
	}
	loop_timer_arm(x->loop, &x->poll, now + POLL_INTERVAL);
}

static void on_signal(void *arg, int signo)
{
	struct probe_ctx *x = arg;

	(void)signo;
	finish(x);
	loop_stop(x->loop);
}

static enum check_type parse_type(const char *s)
{
	if (strcmp(s, "exec") == 0)
		return CHECK_EXEC;
	if (strcmp(s, "tcp") == 0)
		return CHECK_TCP;
	if (strcmp(s, "https") == 0)
		return CHECK_HTTPS;
	fprintf(stderr, "unknown check type '%s'\n", s);
	exit(2);
}

static void usage(void)
{
	fprintf(stderr, "usage: check_probe [-u USER] [-i SEC] [-t SEC] [-r N] [-f N] [-U] "
			"[-e NAME=VALUE]... [-n RUNS] [-d SEC] [-k] [-v] exec|tcp|https TARGET\n");
	exit(2);
}

static void parse_args(int argc, char **argv, struct probe_opts *o)
{
	int opt;

	memset(o, 0, sizeof(*o));
	strcpy(o->cfg.name, "probe");
	o->cfg.interval = USEC_PER_SEC;
	o->cfg.timeout = USEC_PER_SEC / 2;
	o->cfg.rise = 1;
	o->cfg.fall = 1;
	o->cfg.insecure = true;
	o->user = "nobody";
	while ((opt = getopt(argc, argv, "u:i:t:r:f:Ue:n:d:kv")) != -1) {
		switch (opt) {
		case 'u':
			o->user = optarg;
			break;
		case 'i':
			o->cfg.interval = time_from_sec(atof(optarg));
			break;
		case 't':
			o->cfg.timeout = time_from_sec(atof(optarg));
			break;
		case 'r':
			o->cfg.rise = (unsigned)atoi(optarg);
			break;
		case 'f':
			o->cfg.fall = (unsigned)atoi(optarg);
			break;
		case 'U':
			o->cfg.initial_up = true;
			break;
		case 'e':
			if (o->cfg.n_env == CONFIG_ENV_MAX || !strchr(optarg, '='))
				usage();
			o->env[o->cfg.n_env++] = optarg;
			o->cfg.env = o->env;
			break;
		case 'n':
			o->max_runs = (unsigned)atoi(optarg);
			break;
		case 'd':
			o->duration = time_from_sec(atof(optarg));
			break;
		case 'k':
			o->keep = true;
			break;
		case 'v':
			o->verbose++;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	o->cfg.type = parse_type(argv[optind]);
	o->cfg.target = argv[optind + 1];
	if (o->cfg.type != CHECK_EXEC &&
	    check_target_parse(o->cfg.type == CHECK_HTTPS, o->cfg.target, &o->cfg.net) !=
		CHECK_TARGET_OK) {
		fprintf(stderr, "error: bad %s target '%s'\n", argv[optind], o->cfg.target);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct probe_opts o;
	struct probe_ctx x = {0};
	char err[CONFIG_ERR_MAX];

	parse_args(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN); /* as a daemon does: scripts must not inherit it */
	log_init("check_probe", false, o.verbose);
	x.o = &o;
	x.loop = loop_new();
	if (!x.loop)
		return 1;
	x.check = check_new(x.loop, &o.cfg, o.user, err, sizeof(err));
	if (!x.check) {
		fprintf(stderr, "error: %s\n", err);
		loop_free(x.loop);
		return 2;
	}
	check_subscribe(x.check, on_change, &x);
	loop_on_signal(x.loop, SIGTERM, on_signal, &x);
	loop_on_signal(x.loop, SIGINT, on_signal, &x);
	x.end = o.duration ? time_now() + o.duration : 0;
	loop_timer_init(&x.poll, on_poll, &x);
	loop_timer_arm(x.loop, &x.poll, time_now() + POLL_INTERVAL);
	check_start(x.check);
	loop_run(x.loop);
	finish(&x);
	loop_free(x.loop);
	return 0;
}
