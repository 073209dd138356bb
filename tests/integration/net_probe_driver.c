/* net_probe_driver: run a tcp or https probe (src/check_net.c) N times in a
 * real event loop and print each result and each lost connection, for the
 * integration tests and the CPU-cost bench.
 *
 *   net_probe_driver [-c CA_FILE] [-s SERVER_NAME] [-k] [-C CERT] [-K KEY]
 *                    [-o TIMEOUT] [-n RUNS] [-i INTERVAL] [-w WAIT] [-N] [-R]
 *                    [-q] [-u] [-v] tcp|https TARGET
 *
 *   -k  insecure         -N  no keep-alive (a fresh connection per run)
 *   -o  run timeout (s, default 1)      -n  runs (default 1)
 *   -i  interval between run starts (s, default 0.2; 0 = back to back)
 *   -w  stay in the loop this long after the last run (s), to see lost events
 *   -R  start a run at once on a lost event (as the check core does)
 *   -q  print only the summary   -u  print the CPU time used (getrusage)
 *   -v  debug logging on stderr
 *
 * Lines: "<ms since start> <epoch ms> run N: ok" / "... run N: fail: REASON" /
 * "... lost: REASON"; at the end "summary: runs=.. ok=.. fail=.. lost=..".
 * Exit 2 when the probe cannot be set up (the error on stderr), else 0. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "check_net.h"
#include "log.h"

struct driver {
	struct loop *loop;
	struct check_net *probe;
	usec_t start, timeout, interval, wait;
	int runs, started, ok, failed, lost;
	bool rerun_on_lost, quiet;
	usec_t run_start;
	struct loop_timer next;
	struct loop_timer stop;
};

static void stamp(const struct driver *d)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	printf("%.1f %lld ", (double)(time_now() - d->start) / 1000.0,
	       (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void start_run(struct driver *d)
{
	d->started++;
	d->run_start = time_now();
	check_net_run(d->probe, d->timeout);
}

static void on_next(void *arg)
{
	struct driver *d = arg;

	if (!check_net_busy(d->probe))
		start_run(d);
}

static void on_stop(void *arg)
{
	struct driver *d = arg;

	loop_stop(d->loop);
}

static void on_done(void *arg, bool ok, const char *reason)
{
	struct driver *d = arg;

	if (ok)
		d->ok++;
	else
		d->failed++;
	if (!d->quiet) {
		stamp(d);
		if (ok)
			printf("run %d: ok\n", d->started);
		else
			printf("run %d: fail: %s\n", d->started, reason);
		fflush(stdout);
	}
	if (d->ok + d->failed >= d->runs) {
		loop_timer_arm(d->loop, &d->stop, time_now() + d->wait);
		return;
	}
	if (d->interval == 0)
		start_run(d); /* back to back, straight from the callback */
	else
		loop_timer_arm(d->loop, &d->next, d->run_start + d->interval);
}

static void on_lost(void *arg, const char *reason)
{
	struct driver *d = arg;

	d->lost++;
	stamp(d);
	printf("lost: %s\n", reason);
	fflush(stdout);
	if (d->rerun_on_lost && d->ok + d->failed < d->runs) {
		loop_timer_cancel(d->loop, &d->next);
		start_run(d);
	}
}

static void on_signal(void *arg, int signo)
{
	struct driver *d = arg;

	(void)signo;
	loop_stop(d->loop);
}

static void usage(void)
{
	fprintf(stderr, "usage: net_probe_driver [-c CA] [-s NAME] [-k] [-C CERT] [-K KEY] "
			"[-o SEC] [-n RUNS] [-i SEC] [-w SEC] [-N] [-R] [-q] [-u] [-v] "
			"tcp|https TARGET\n");
	exit(2);
}

/* Options into cfg and d; returns whether keep-alive is off. */
static bool parse_args(int argc, char **argv, struct check_config *cfg, struct driver *d,
		       bool *print_cpu, int *verbose)
{
	bool no_keep = false;
	int c;

	while ((c = getopt(argc, argv, "c:s:kC:K:o:n:i:w:NRquv")) != -1) {
		switch (c) {
		case 'c': cfg->ca_file = optarg; break;
		case 's': cfg->server_name = optarg; break;
		case 'k': cfg->insecure = true; break;
		case 'C': cfg->client_cert = optarg; break;
		case 'K': cfg->client_key = optarg; break;
		case 'o': d->timeout = time_from_sec(atof(optarg)); break;
		case 'n': d->runs = atoi(optarg); break;
		case 'i': d->interval = time_from_sec(atof(optarg)); break;
		case 'w': d->wait = time_from_sec(atof(optarg)); break;
		case 'N': no_keep = true; break;
		case 'R': d->rerun_on_lost = true; break;
		case 'q': d->quiet = true; break;
		case 'u': *print_cpu = true; break;
		case 'v': *verbose = 1; break;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();
	if (strcmp(argv[optind], "tcp") == 0)
		cfg->type = CHECK_TCP;
	else if (strcmp(argv[optind], "https") == 0)
		cfg->type = CHECK_HTTPS;
	else
		usage();
	cfg->target = argv[optind + 1];
	cfg->timeout = d->timeout;
	return no_keep;
}

/* The target through the parser the config loader uses; exit 2 when bad. */
static void parse_target(struct check_config *cfg)
{
	enum check_target_error e =
	    check_target_parse(cfg->type == CHECK_HTTPS, cfg->target, &cfg->net);

	if (e == CHECK_TARGET_OK)
		return;
	fprintf(stderr, "%s target '%s': %s\n", cfg->type == CHECK_HTTPS ? "https" : "tcp",
		cfg->target, check_target_error_text(e));
	exit(2);
}

static void print_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("cpu: user_ms=%.3f sys_ms=%.3f\n",
	       ru.ru_utime.tv_sec * 1000.0 + ru.ru_utime.tv_usec / 1000.0,
	       ru.ru_stime.tv_sec * 1000.0 + ru.ru_stime.tv_usec / 1000.0);
}

int main(int argc, char **argv)
{
	struct check_config cfg;
	struct driver d;
	char err[512];
	bool cpu = false, no_keep;
	int verbose = 0;

	memset(&cfg, 0, sizeof(cfg));
	memset(&d, 0, sizeof(d));
	snprintf(cfg.name, sizeof(cfg.name), "probe");
	d.timeout = USEC_PER_SEC;
	d.runs = 1;
	d.interval = time_from_sec(0.2);
	no_keep = parse_args(argc, argv, &cfg, &d, &cpu, &verbose);
	parse_target(&cfg);
	log_init("net_probe_driver", false, verbose);
	signal(SIGPIPE, SIG_IGN);
	d.loop = loop_new();
	if (!d.loop) {
		fprintf(stderr, "loop_new failed\n");
		return 2;
	}
	d.probe = check_net_new(d.loop, &cfg, on_done, on_lost, &d, err, sizeof(err));
	if (!d.probe) {
		fprintf(stderr, "%s\n", err);
		loop_free(d.loop);
		return 2;
	}
	check_net_set_keepalive(d.probe, !no_keep);
	loop_timer_init(&d.next, on_next, &d);
	loop_timer_init(&d.stop, on_stop, &d);
	loop_on_signal(d.loop, SIGTERM, on_signal, &d);
	loop_on_signal(d.loop, SIGINT, on_signal, &d);
	d.start = time_now();
	if (d.runs > 0)
		start_run(&d);
	else
		loop_timer_arm(d.loop, &d.stop, d.start + d.wait);
	loop_run(d.loop);
	printf("summary: runs=%d ok=%d fail=%d lost=%d\n", d.ok + d.failed, d.ok, d.failed,
	       d.lost);
	check_net_free(d.probe);
	loop_free(d.loop);
	if (cpu)
		print_cpu();
	return 0;
}
