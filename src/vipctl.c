/* vipctl: ask a running vipd for its status over the control socket. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define VIPCTL_DEFAULT_SOCKET "/run/vipd/vipd.sock"
#define VIPCTL_TIMEOUT_SEC 5

static void usage(FILE *out)
{
	fprintf(out, "usage: vipctl [-s SOCK] status\n");
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
		fprintf(stderr, "vipctl: %s: %s (is vipd running with --control?)\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int send_command(int fd, const char *command)
{
	char line[256];
	int len = snprintf(line, sizeof(line), "%s\n", command);

	if (len < 0 || (size_t)len >= sizeof(line) || write(fd, line, (size_t)len) != len) {
		fprintf(stderr, "vipctl: cannot send the command\n");
		return -1;
	}
	return 0;
}

/* Copy the answer to stdout; an answer that starts with "error:" fails. */
static int copy_answer(int fd)
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
		fwrite(buf, 1, (size_t)n, stdout);
	}
	if (n < 0)
		return 1;
	return strcmp(start, error_prefix) == 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *path = VIPCTL_DEFAULT_SOCKET;
	int c, fd, status;

	while ((c = getopt(argc, argv, "s:h")) != -1) {
		if (c == 's') {
			path = optarg;
		} else {
			usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc - 1 || strcmp(argv[optind], "status") != 0) {
		usage(stderr);
		return 2;
	}
	fd = connect_to(path);
	if (fd < 0)
		return 1;
	status = send_command(fd, argv[optind]) < 0 ? 1 : copy_answer(fd);
	close(fd);
	return status;
}
