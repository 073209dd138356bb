/* vipd: options, config checking, and start-up. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "log.h"

enum mode { MODE_RUN, MODE_TEST, MODE_PRINT };

struct options {
	enum mode mode;
	struct daemon_options run;
	bool use_syslog;
	int verbosity;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vipd -f FILE [--control SOCK] [--pidfile FILE] [--log stderr|syslog] [-v]\n"
		"       vipd -t -f FILE     check the config and exit 0, or print file:line: what\n"
		"       vipd -n -f FILE     print the normalized config\n"
		"       vipd -V             print the version\n");
}

enum { OPT_CONTROL = 256, OPT_PIDFILE, OPT_LOG };

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'f' },
	{ "test", no_argument, NULL, 't' },
	{ "normalize", no_argument, NULL, 'n' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "log", required_argument, NULL, OPT_LOG },
	{ NULL, 0, NULL, 0 },
};

static int parse_log_target(const char *arg, struct options *o)
{
	if (strcmp(arg, "stderr") == 0)
		o->use_syslog = false;
	else if (strcmp(arg, "syslog") == 0)
		o->use_syslog = true;
	else
		return -1;
	return 0;
}

/* Returns -1 to exit with status 2 (usage), 1 to exit 0 (help/version), 0 to go on. */
static int parse_options(int argc, char **argv, struct options *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "f:tnvVh", long_options, NULL)) != -1) {
		switch (c) {
		case 'f': o->run.config_path = optarg; break;
		case 't': o->mode = MODE_TEST; break;
		case 'n': o->mode = MODE_PRINT; break;
		case 'v': o->verbosity++; break;
		case OPT_CONTROL: o->run.control_path = optarg; break;
		case OPT_PIDFILE: o->run.pidfile = optarg; break;
		case OPT_LOG:
			if (parse_log_target(optarg, o) < 0) {
				fprintf(stderr, "vipd: --log takes stderr or syslog, not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'V': printf("vipd %s\n", PACKAGE_VERSION); return 1;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc || !o->run.config_path) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static struct config *load_checked(const char *path, bool check_system)
{
	char err[CONFIG_ERR_MAX];
	struct config *cfg = config_load(path, err, sizeof(err));

	if (cfg && check_system && config_check_system(cfg, err, sizeof(err)) < 0) {
		config_free(cfg);
		cfg = NULL;
	}
	if (!cfg)
		fprintf(stderr, "%s\n", err);
	return cfg;
}

int main(int argc, char **argv)
{
	struct options o = { .mode = MODE_RUN };
	struct config *cfg;
	int rc = parse_options(argc, argv, &o);

	if (rc != 0)
		return rc < 0 ? 2 : 0;
	cfg = load_checked(o.run.config_path, o.mode != MODE_PRINT);
	if (!cfg)
		return 1;
	switch (o.mode) {
	case MODE_TEST:
		printf("%s: configuration OK\n", o.run.config_path);
		config_free(cfg);
		return 0;
	case MODE_PRINT:
		config_print(cfg, stdout);
		config_free(cfg);
		return 0;
	case MODE_RUN:
		break;
	}
	log_init("vipd", o.use_syslog, o.verbosity);
	return daemon_run(&o.run, cfg);
}
