/* The control socket: one-line commands in, text out, then close. */
#define _GNU_SOURCE
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

#define CONTROL_LINE_MAX 256
#define CONTROL_SEND_TIMEOUT_SEC 1
#define CONTROL_MAX_CLIENTS 16
/* A client must send its command within this time. */
#define CONTROL_CLIENT_DEADLINE (2 * USEC_PER_SEC)
/* Out of descriptors: stop accepting for this long instead of spinning. */
#define CONTROL_ACCEPT_BACKOFF (USEC_PER_SEC / 2)

struct control_client {
	int fd;
	size_t used;
	char line[CONTROL_LINE_MAX];
	struct loop_timer deadline;
};

static struct {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	control_handler handler;
	void *arg;
	struct loop *loop;
	unsigned n_clients;
	struct loop_timer accept_backoff;
} control = { .fd = -1 };

static void control_on_accept(void *arg, uint32_t events);

static void client_close(struct control_client *c)
{
	loop_timer_cancel(control.loop, &c->deadline);
	loop_del_fd(control.loop, c->fd);
	close(c->fd);
	free(c);
	control.n_clients--;
}

static void client_on_deadline(void *arg)
{
	client_close(arg);
}

static void client_answer(struct control_client *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct timeval tv = { CONTROL_SEND_TIMEOUT_SEC, 0 };
	int flags = fcntl(c->fd, F_GETFL);

	if (!out)
		return;
	if (control.handler(control.arg, c->line, out) < 0)
		fprintf(out, "error: unknown command '%s'\n", c->line);
	fclose(out);
	/* The answer is small; send it blocking, bounded by a timeout. */
	fcntl(c->fd, F_SETFL, flags & ~O_NONBLOCK);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (size_t off = 0; off < len;) {
		ssize_t n = send(c->fd, text + off, len - off, MSG_NOSIGNAL);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	free(text);
}

static void client_on_read(void *arg, uint32_t events)
{
	struct control_client *c = arg;
	char *newline;
	ssize_t n;

	(void)events;
	n = read(c->fd, c->line + c->used, sizeof(c->line) - 1 - c->used);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	c->used += (size_t)n;
	c->line[c->used] = '\0';
	newline = strchr(c->line, '\n');
	if (!newline && c->used < sizeof(c->line) - 1)
		return;
	if (newline)
		*newline = '\0';
	client_answer(c);
	client_close(c);
}

static void control_resume_accept(void *arg)
{
	(void)arg;
	if (loop_add_fd(control.loop, control.fd, EPOLLIN, control_on_accept, NULL) < 0)
		log_err("control socket: cannot accept again: %s", strerror(errno));
}

/* Out of descriptors: the listener stays readable, so pause it. */
static void control_pause_accept(void)
{
	log_warn("control socket: %s; pausing accepts", strerror(errno));
	loop_del_fd(control.loop, control.fd);
	loop_timer_arm(control.loop, &control.accept_backoff, time_now() + CONTROL_ACCEPT_BACKOFF);
}

static void control_on_accept(void *arg, uint32_t events)
{
	struct control_client *c;
	int fd;

	(void)arg;
	(void)events;
	fd = accept4(control.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			control_pause_accept();
		return;
	}
	if (control.n_clients >= CONTROL_MAX_CLIENTS) {
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c || loop_add_fd(control.loop, fd, EPOLLIN, client_on_read, c) < 0) {
		free(c);
		close(fd);
		return;
	}
	c->fd = fd;
	control.n_clients++;
	loop_timer_init(&c->deadline, client_on_deadline, c);
	loop_timer_arm(control.loop, &c->deadline, time_now() + CONTROL_CLIENT_DEADLINE);
}

int control_open(struct loop *loop, const char *path, control_handler handler, void *arg,
		 char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: control socket path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	control.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (control.fd < 0)
		goto fail;
	unlink(path);
	if (bind(control.fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(path, 0660) < 0 || listen(control.fd, 16) < 0 ||
	    loop_add_fd(loop, control.fd, EPOLLIN, control_on_accept, NULL) < 0)
		goto fail;
	strcpy(control.path, path);
	control.handler = handler;
	control.arg = arg;
	control.loop = loop;
	loop_timer_init(&control.accept_backoff, control_resume_accept, NULL);
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (control.fd >= 0)
		close(control.fd);
	control.fd = -1;
	return -1;
}

void control_close(struct loop *loop)
{
	if (control.fd < 0)
		return;
	loop_timer_cancel(loop, &control.accept_backoff);
	loop_del_fd(loop, control.fd);
	close(control.fd);
	unlink(control.path);
	control.fd = -1;
}
