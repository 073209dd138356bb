/* vipd: options, config checking, and start-up. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "daemon.h"
#include "keepalived_load.h"
#include "log.h"
#include "vipd_paths.h"

enum mode { MODE_RUN, MODE_TEST, MODE_PRINT, MODE_IMPORT };

struct options {
	enum mode mode;
	bool offline;
	const char *import_path; /* --import-keepalived FILE */
	bool default_control; /* no --control: VIPD_CONTROL_SOCKET */
	struct daemon_options run;
	bool use_syslog;
	int verbosity;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vipd -f FILE [--control SOCK] [--pidfile FILE] [--log stderr|syslog] [-v]\n"
		"       vipd -t [--offline] -f FILE\n"
		"       vipd -n -f FILE\n"
		"       vipd --import-keepalived FILE\n"
		"       vipd -h | -V\n");
}

static void help(void)
{
	usage(stdout);
	printf("\n"
	       "  -f, --config FILE   the configuration file (required)\n"
	       "  -t, --test          check FILE as start-up would and exit: 0, or 1 with\n"
	       "                      FILE:LINE: what on standard error\n"
	       "      --offline       with -t: check only what the file says (no users, files\n"
	       "                      or interfaces are looked up)\n"
	       "  -n, --normalize     print the normalized configuration and exit\n"
	       "      --import-keepalived FILE\n"
	       "                      print the vipd config equivalent to keepalived.conf FILE;\n"
	       "                      exit 1 when something could not be carried over\n"
	       "      --control SOCK  the control socket for vipctl (default %s)\n"
	       "      --pidfile FILE  write the process ID to FILE\n"
	       "      --log TARGET    log to stderr (default) or syslog\n"
	       "  -v, --verbose       log debug messages too\n"
	       "  -V, --version       print the version and exit\n"
	       "  -h, --help          print this help and exit\n"
	       "\n"
	       "exit status: 0 ok, 1 an invalid configuration or a failure to start, 2 usage\n",
	       VIPD_CONTROL_SOCKET);
}

enum { OPT_CONTROL = 256, OPT_PIDFILE, OPT_LOG, OPT_OFFLINE, OPT_IMPORT };

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'f' },
	{ "test", no_argument, NULL, 't' },
	{ "offline", no_argument, NULL, OPT_OFFLINE },
	{ "import-keepalived", required_argument, NULL, OPT_IMPORT },
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

/* One option; -1 to exit with status 2 (usage), 1 to exit 0, 0 to go on. */
static int take_option(int c, struct options *o)
{
	switch (c) {
	case 'f': o->run.config_path = optarg; return 0;
	case 't': o->mode = MODE_TEST; return 0;
	case 'n': o->mode = MODE_PRINT; return 0;
	case 'v': o->verbosity++; return 0;
	case OPT_OFFLINE: o->offline = true; return 0;
	case OPT_IMPORT: o->import_path = optarg; return 0;
	case OPT_CONTROL: o->run.control_path = optarg; return 0;
	case OPT_PIDFILE: o->run.pidfile = optarg; return 0;
	case OPT_LOG:
		if (parse_log_target(optarg, o) == 0)
			return 0;
		fprintf(stderr, "vipd: --log takes stderr or syslog, not '%s'\n", optarg);
		return -1;
	case 'V': printf("vipd %s\n", PACKAGE_VERSION); return 1;
	case 'h': help(); return 1;
	default: usage(stderr); return -1;
	}
}

/* Returns -1 to exit with status 2 (usage), 1 to exit 0 (help/version), 0 to go on. */
static int parse_options(int argc, char **argv, struct options *o)
{
	int c, rc;

	while ((c = getopt_long(argc, argv, "f:tnvVh", long_options, NULL)) != -1)
		if ((rc = take_option(c, o)) != 0)
			return rc;
	if (o->import_path && (o->run.config_path || o->mode != MODE_RUN || o->offline)) {
		fprintf(stderr, "vipd: --import-keepalived FILE goes alone\n");
		return -1;
	}
	if (o->import_path)
		o->mode = MODE_IMPORT;
	if (optind < argc || (!o->run.config_path && !o->import_path)) {
		usage(stderr);
		return -1;
	}
	if (o->offline && o->mode != MODE_TEST) {
		fprintf(stderr, "vipd: --offline goes with -t\n");
		return -1;
	}
	return 0;
}

/* Load, and unless printing, check against the system (or only this build). */
static struct config *load_checked(const struct options *o)
{
	char err[CONFIG_ERR_MAX];
	struct config *cfg = config_load(o->run.config_path, err, sizeof(err));

	if (cfg && o->mode != MODE_PRINT &&
	    config_check_system(cfg, o->offline, err, sizeof(err)) < 0) {
		config_free(cfg);
		cfg = NULL;
	}
	if (!cfg)
		fprintf(stderr, "%s\n", err);
	return cfg;
}

/* The default socket's directory: made (0755) when it is missing. */
static int make_control_dir(const struct options *o)
{
	static const char dir[] = VIPD_CONTROL_SOCKET;
	char path[sizeof(dir)];
	char *slash;

	if (!o->default_control)
		return 0;
	memcpy(path, dir, sizeof(dir));
	slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	*slash = '\0';
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "vipd: cannot create %s for the control socket: %s (or give --control SOCK)\n",
		path, strerror(errno));
	return -1;
}

/* -t and -n: report on the loaded config and exit. */
static int report(const struct options *o, struct config *cfg)
{
	if (o->mode == MODE_TEST)
		printf("%s: configuration OK%s\n", o->run.config_path,
		       o->offline ? " (offline: users, files and interfaces not checked)" : "");
	else
		config_print(cfg, stdout);
	config_free(cfg);
	return 0;
}

static int run(struct options *o, struct config *cfg)
{
	if (!o->run.control_path) {
		o->run.control_path = VIPD_CONTROL_SOCKET;
		o->default_control = true;
	}
	if (make_control_dir(o) < 0) {
		config_free(cfg);
		return 1;
	}
	log_init("vipd", o->use_syslog, o->verbosity);
	return daemon_run(&o->run, cfg);
}

int main(int argc, char **argv)
{
	struct options o = { .mode = MODE_RUN };
	struct config *cfg;
	int rc = parse_options(argc, argv, &o);

	if (rc != 0)
		return rc < 0 ? 2 : 0;
	if (o.mode == MODE_IMPORT)
		return keepalived_import_file(o.import_path, stdout, stderr);
	cfg = load_checked(&o);
	if (!cfg)
		return 1;
	return o.mode == MODE_RUN ? run(&o, cfg) : report(&o, cfg);
}
