/* vipctl: send one command to a running vipd over its control socket and
 * print the answer. Exit status: 0 ok, 1 the daemon answered an error,
 * 2 usage, 3 the socket cannot be reached (or gives no answer). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "vipctl_generate.h"
#include "vipd_paths.h"

#define VIPCTL_TIMEOUT_SEC 5
#define VIPCTL_LINE_MAX 256 /* the daemon's command line limit, newline included */

enum vipctl_exit {
	VIPCTL_OK = 0,
	VIPCTL_ANSWERED_ERROR = 1,
	VIPCTL_USAGE = 2,
	VIPCTL_UNREACHABLE = 3,
};

static void usage(FILE *out)
{
	fprintf(out, "usage: vipctl [-s SOCK] status [--json]\n"
		     "       vipctl [-s SOCK] stats [--json]\n"
		     "       vipctl [-s SOCK] metrics\n"
		     "       vipctl [-s SOCK] reload\n"
		     "       vipctl [-s SOCK] drain [INSTANCE] [--wait SECONDS]\n"
		     "       vipctl [-s SOCK] resume [INSTANCE]\n"
		     "       vipctl generate config --vip ADDR/PREFIX --interface IF --peers A,B,C --node N\n"
		     "                      [--unicast] [--vrid ID] [--advert-interval SECONDS]\n"
		     "       vipctl generate static-pod --config PATH [--image IMAGE]\n"
		     "       vipctl -h | -V\n");
}

static void help(void)
{
	usage(stdout);
	printf("\n"
	       "  status              instances, states, priorities, masters, VIPs, last\n"
	       "                      transition and its reason, checks, last reload\n"
	       "  stats               adverts, drops by reason, transitions, check runs\n"
	       "  --json              the same as JSON (schema in vipctl(8))\n"
	       "  metrics             Prometheus text exposition\n"
	       "  reload              read the config again (as SIGHUP); a bad file is\n"
	       "                      refused with file:line and exit status 1\n"
	       "  drain               give the VIPs away and stay out of the election while\n"
	       "                      another master is up (all instances, or INSTANCE);\n"
	       "                      --wait: until this node holds none of them (exit 1\n"
	       "                      after SECONDS)\n"
	       "  resume              end a drain\n"
	       "\n"
	       "  -s, --socket SOCK   the control socket (default %s)\n"
	       "  -h, --help          print this help and exit\n"
	       "  -V, --version       print the version and exit\n"
	       "\n"
	       "exit status: 0 ok, 1 the daemon answered an error, 2 usage,\n"
	       "3 the socket cannot be reached\n",
	       VIPD_CONTROL_SOCKET);
}

static int connect_to(const char *path)
{
	const struct timeval reply_timeout = { VIPCTL_TIMEOUT_SEC, 0 };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "vipctl: %s: path too long\n", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &reply_timeout, sizeof(reply_timeout));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "vipctl: %s: %s (is vipd running? -s SOCK picks its socket)\n",
			path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The words joined by blanks, with a newline; -1 when too long or not
 * printable. */
static int build_line(char *const words[], int n, char *line, size_t size)
{
	size_t len = 0;
	int i;

	for (i = 0; i < n; i++) {
		const char *c;
		int k;

		for (c = words[i]; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return -1;
		k = snprintf(line + len, size - len, "%s%s", i ? " " : "", words[i]);
		if (k < 0 || (size_t)k >= size - len - 1)
			return -1;
		len += (size_t)k;
	}
	line[len++] = '\n';
	line[len] = '\0';
	return (int)len;
}

static int send_line(int fd, const char *line, int len)
{
	if (write(fd, line, (size_t)len) == len)
		return 0;
	fprintf(stderr, "vipctl: cannot send the command: %s\n", strerror(errno));
	return -1;
}

/* Copy the answer to out (NULL: stdout): OK, ANSWERED_ERROR when it starts
 * with "error:", UNREACHABLE when reading failed (no answer in time). */
static enum vipctl_exit copy_answer(int fd, FILE *out)
{
	static const char error_prefix[] = "error:";
	char start[sizeof(error_prefix)] = "";
	size_t seen = 0;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		size_t take = sizeof(start) - 1 - seen;

		if (take > (size_t)n)
			take = (size_t)n;
		memcpy(start + seen, buf, take);
		seen += take;
		fwrite(buf, 1, (size_t)n, out ? out : stdout);
	}
	if (n < 0) {
		fprintf(stderr, "vipctl: no answer from vipd: %s\n",
			errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : strerror(errno));
		return VIPCTL_UNREACHABLE;
	}
	return strcmp(start, error_prefix) == 0 ? VIPCTL_ANSWERED_ERROR : VIPCTL_OK;
}

static const struct option long_options[] = {
	{ "socket", required_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Options up to the command ("+": what follows it is the command's). Returns
 * -1 to exit with 2, 1 to exit 0, 0 to go on. */
static int parse_options(int argc, char **argv, const char **path)
{
	int c;

	while ((c = getopt_long(argc, argv, "+s:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 's': *path = optarg; break;
		case 'h': help(); return 1;
		case 'V': printf("vipctl %s\n", PACKAGE_VERSION); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Send one command line, copy the answer to out (NULL: stdout). */
static enum vipctl_exit run_command(const char *path, char *const words[], int n, FILE *out)
{
	char line[VIPCTL_LINE_MAX + 1];
	enum vipctl_exit status;
	int fd, len = build_line(words, n, line, sizeof(line));

	if (len < 0) {
		fprintf(stderr, "vipctl: the command is too long or holds control characters\n");
		return VIPCTL_USAGE;
	}
	fd = connect_to(path);
	if (fd < 0)
		return VIPCTL_UNREACHABLE;
	status = send_line(fd, line, len) < 0 ? VIPCTL_UNREACHABLE : copy_answer(fd, out);
	close(fd);
	return status;
}

/* The words a command may take: 0 ok, -1 usage. */
static int check_command(char *const words[], int n)
{
	static const char *const views[] = { "status", "stats" };
	size_t i;

	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (strcmp(words[0], views[i]) == 0)
			return n == 1 || (n == 2 && strcmp(words[1], "--json") == 0) ? 0 : -1;
	if (strcmp(words[0], "metrics") == 0 || strcmp(words[0], "reload") == 0)
		return n == 1 ? 0 : -1;
	if (strcmp(words[0], "resume") == 0)
		return n <= 2 ? 0 : -1;
	return -1;
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* How many of the named instances (or all) this node holds VIPs for; -1
 * when the daemon cannot be asked. */
static int holding(const char *path, const char *name)
{
	char *words[] = { "holding", (char *)name, NULL };
	char answer[64] = "";
	FILE *out = fmemopen(answer, sizeof(answer) - 1, "w");
	int n = -1;

	if (!out)
		return -1;
	if (run_command(path, words, name[0] ? 2 : 1, out) != VIPCTL_OK)
		n = -1;
	fclose(out);
	if (sscanf(answer, "holding %d", &n) != 1)
		return -1;
	return n;
}

/* drain [INSTANCE] [--wait SECONDS] */
static int drain(const char *path, char *const words[], int n)
{
	char *send[] = { "drain", NULL, NULL };
	const char *name = "";
	double wait = -1, end;
	int i, held;
	enum vipctl_exit status;

	for (i = 1; i < n; i++) {
		if (strcmp(words[i], "--wait") == 0 && i + 1 < n) {
			char *tail;

			wait = strtod(words[++i], &tail);
			if (*tail || wait < 0) {
				fprintf(stderr, "vipctl: --wait takes seconds, not '%s'\n", words[i]);
				return VIPCTL_USAGE;
			}
		} else if (!name[0] && words[i][0] != '-') {
			name = words[i];
		} else {
			usage(stderr);
			return VIPCTL_USAGE;
		}
	}
	send[1] = (char *)name;
	status = run_command(path, send, name[0] ? 2 : 1, NULL);
	if (status != VIPCTL_OK || wait < 0)
		return (int)status;
	end = now_sec() + wait;
	while ((held = holding(path, name)) != 0 && now_sec() < end)
		usleep(50 * 1000);
	if (held == 0)
		return VIPCTL_OK;
	fprintf(stderr, "vipctl: still holding VIPs after %g s\n", wait);
	return VIPCTL_ANSWERED_ERROR;
}

int main(int argc, char **argv)
{
	const char *path = VIPD_CONTROL_SOCKET;
	int rc = parse_options(argc, argv, &path);
	char **words = argv + optind;
	int n = argc - optind;

	if (rc != 0)
		return rc < 0 ? VIPCTL_USAGE : VIPCTL_OK;
	if (strcmp(words[0], "generate") == 0) /* prints text; no socket */
		return vipctl_generate(n, words);
	if (strcmp(words[0], "drain") == 0)
		return drain(path, words, n);
	if (check_command(words, n) < 0) {
		fprintf(stderr, "vipctl: unknown command or arguments: %s\n", words[0]);
		usage(stderr);
		return VIPCTL_USAGE;
	}
	return (int)run_command(path, words, n, NULL);
}
