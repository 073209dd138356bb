/* The notify protocol of sd_notify(3): datagrams to $NOTIFY_SOCKET. */
#include "sdnotify.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

static struct {
	int fd;
	struct sockaddr_un addr;
	socklen_t addrlen;
	usec_t watchdog;
	struct loop *loop; /* runs the watchdog timer; NULL when stopped */
	struct loop_timer timer;
	bool warned;
} sdn = {.fd = -1};

/* NOTIFY_SOCKET: "/path" or "@abstract". 0, or -1 with the reason in err. */
static int sdnotify_parse_address(const char *value, char *err, size_t errlen)
{
	size_t len = strlen(value);

	memset(&sdn.addr, 0, sizeof(sdn.addr));
	sdn.addr.sun_family = AF_UNIX;
	if ((value[0] != '/' && value[0] != '@') || len < 2 || len >= sizeof(sdn.addr.sun_path)) {
		snprintf(err, errlen, "NOTIFY_SOCKET '%s' is not a socket path or abstract name",
			 value);
		return -1;
	}
	memcpy(sdn.addr.sun_path, value, len);
	if (value[0] == '@') {
		sdn.addr.sun_path[0] = '\0';
		sdn.addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	} else {
		sdn.addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	}
	return 0;
}

/* A positive decimal number from the environment, or 0. */
static unsigned long long sdnotify_env_number(const char *name)
{
	const char *value = getenv(name);
	char *end = NULL;
	unsigned long long n;

	if (!value || !*value || *value == '-')
		return 0;
	errno = 0;
	n = strtoull(value, &end, 10);
	return errno || *end ? 0 : n;
}

/* WATCHDOG_USEC applies to us unless WATCHDOG_PID names another process. */
static usec_t sdnotify_parse_watchdog(void)
{
	unsigned long long usec = sdnotify_env_number("WATCHDOG_USEC");
	unsigned long long pid = sdnotify_env_number("WATCHDOG_PID");

	if (getenv("WATCHDOG_PID") && pid != (unsigned long long)getpid())
		return 0;
	if (usec == 0 || usec > (unsigned long long)INT64_MAX)
		return 0;
	return (usec_t)usec;
}

int sdnotify_open(char *err, size_t errlen)
{
	const char *value = getenv("NOTIFY_SOCKET");

	sdnotify_close();
	sdn.warned = false;
	if (!value || !*value)
		return 0;
	if (sdnotify_parse_address(value, err, errlen) < 0)
		return -1;
	sdn.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sdn.fd < 0) {
		snprintf(err, errlen, "notify socket: %s", strerror(errno));
		return -1;
	}
	sdn.watchdog = sdnotify_parse_watchdog();
	return 0;
}

void sdnotify_close(void)
{
	sdnotify_watchdog_stop();
	if (sdn.fd >= 0)
		close(sdn.fd);
	sdn.fd = -1;
	sdn.watchdog = 0;
}

bool sdnotify_enabled(void)
{
	return sdn.fd >= 0;
}

int sdnotify_send(const char *msg)
{
	ssize_t n;

	if (sdn.fd < 0)
		return 0;
	n = sendto(sdn.fd, msg, strlen(msg), MSG_NOSIGNAL, (const struct sockaddr *)&sdn.addr,
		   sdn.addrlen);
	if (n == (ssize_t)strlen(msg))
		return 0;
	if (!sdn.warned)
		log_warn("cannot notify the service manager: %s",
			 n < 0 ? strerror(errno) : "short write");
	sdn.warned = true;
	return -1;
}

int sdnotify_ready(void)
{
	return sdnotify_send("READY=1");
}

int sdnotify_reloading(void)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%" PRId64, time_now());
	return sdnotify_send(msg);
}

int sdnotify_stopping(void)
{
	return sdnotify_send("STOPPING=1");
}

int sdnotify_status(const char *text)
{
	char msg[sizeof("STATUS=") + SDNOTIFY_STATUS_MAX];
	char *p;

	snprintf(msg, sizeof(msg), "STATUS=%s", text);
	for (p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return sdnotify_send(msg);
}

usec_t sdnotify_watchdog_usec(void)
{
	return sdn.fd >= 0 ? sdn.watchdog : 0;
}

static void sdnotify_on_watchdog(void *arg)
{
	(void)arg;
	sdnotify_send("WATCHDOG=1");
	loop_timer_arm(sdn.loop, &sdn.timer, time_now() + sdn.watchdog / 2);
}

void sdnotify_watchdog_start(struct loop *loop)
{
	if (sdnotify_watchdog_usec() == 0 || sdn.loop)
		return;
	sdn.loop = loop;
	loop_timer_init(&sdn.timer, sdnotify_on_watchdog, NULL);
	sdnotify_on_watchdog(NULL);
	log_info("service manager watchdog: pinging every %" PRId64 " ms", sdn.watchdog / 2 / 1000);
}

void sdnotify_watchdog_stop(void)
{
	if (!sdn.loop)
		return;
	loop_timer_cancel(sdn.loop, &sdn.timer);
	sdn.loop = NULL;
}
