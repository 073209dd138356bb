/* The metrics listener: accept, read one request head (http_req.c parses
 * it), queue the answer, write it as the socket takes it, then read and drop
 * what the client still sends for a moment before closing (so its kernel
 * does not answer our close with a reset that eats the answer). Every step
 * is one non-blocking call from the loop; a timer bounds each client. */
#define _GNU_SOURCE
#include "metrics_http.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_req.h"
#include "log.h"

#define METRICS_HTTP_BACKLOG	  128 /* pending connections; the cap applies once accepted */
#define METRICS_HTTP_ACCEPT_BATCH 16  /* accepts per wake-up; the rest wait for the next */
/* Out of descriptors: stop accepting for this long instead of spinning. */
#define METRICS_HTTP_ACCEPT_BACKOFF (USEC_PER_SEC / 2)
#define METRICS_HTTP_LINGER_BYTES   ((size_t)64 * 1024) /* dropped at most while lingering */
#define METRICS_HTTP_REFUSED_LOG    (60 * USEC_PER_SEC) /* at most one warning this often */
#define METRICS_CONTENT_TYPE	    "text/plain; version=0.0.4; charset=utf-8"

enum client_phase {
	CLIENT_READ,   /* waiting for the request head */
	CLIENT_WRITE,  /* sending the answer */
	CLIENT_LINGER, /* answer sent, write side shut: dropping input until EOF */
};

struct client {
	struct metrics_http *srv;
	size_t slot;
	int fd;
	enum client_phase phase;
	char req[HTTP_REQ_MAX];
	size_t used;
	char *out; /* the whole answer */
	size_t out_len, out_off;
	size_t dropped;
	struct loop_timer deadline;
};

struct metrics_http {
	struct loop *loop;
	int fd;
	struct ip_addr addr;
	uint16_t port;
	metrics_http_body_fn body;
	void *arg;
	struct client *clients[METRICS_HTTP_MAX_CLIENTS];
	size_t n_clients;
	struct loop_timer accept_backoff;
	unsigned long long refused; /* closed at once since the last warning */
	usec_t refused_logged;	    /* when that warning was; 0: never */
};

/* An answer: status, reason, content type and body. */
struct answer {
	int status;
	const char *reason;
	const char *body;
	size_t len;
	const char *type;
};

static void srv_on_accept(void *arg, uint32_t events);

/* ---- clients ---- */

static void client_close(struct client *c)
{
	struct metrics_http *srv = c->srv;

	loop_timer_cancel(srv->loop, &c->deadline);
	loop_del_fd(srv->loop, c->fd);
	close(c->fd);
	free(c->out);
	srv->clients[c->slot] = NULL;
	srv->n_clients--;
	free(c);
}

static void client_on_deadline(void *arg)
{
	struct client *c = arg;

	if (c->phase != CLIENT_LINGER)
		log_debug("metrics: client %d closed: too slow (%s)", c->fd,
			  c->phase == CLIENT_READ ? "request" : "answer");
	client_close(c);
}

static void client_set_deadline(struct client *c, usec_t after)
{
	loop_timer_arm(c->srv->loop, &c->deadline, time_now() + after);
}

#define TEXT(s) s, sizeof(s) - 1

/* The answer to a request parsed as st. */
static void choose_answer(enum http_req_status st, const struct http_req *r, struct answer *a)
{
	static const struct answer bad = {400, "Bad Request", TEXT("bad request\n"), NULL};
	static const struct answer long_head = {431, "Request Header Fields Too Large",
						TEXT("request too long\n"), NULL};
	static const struct answer version = {505, "HTTP Version Not Supported",
					      TEXT("HTTP/1.0 and HTTP/1.1 only\n"), NULL};
	static const struct answer method = {405, "Method Not Allowed", TEXT("GET only\n"), NULL};
	static const struct answer health = {200, "OK", TEXT("ok\n"), NULL};
	static const struct answer metrics = {200, "OK", NULL, 0, METRICS_CONTENT_TYPE};
	static const struct answer missing = {404, "Not Found", TEXT("not found\n"), NULL};

	if (st == HTTP_REQ_TOO_LONG)
		*a = long_head;
	else if (st == HTTP_REQ_VERSION_UNSUPPORTED)
		*a = version;
	else if (st != HTTP_REQ_OK)
		*a = bad;
	else if (r->method != HTTP_REQ_GET)
		*a = method;
	else if (strcmp(r->path, "/metrics") == 0)
		*a = metrics;
	else if (strcmp(r->path, "/healthz") == 0)
		*a = health;
	else
		*a = missing;
}

/* The metrics text into a heap buffer; -1 when it could not be made. */
static int render_metrics(struct metrics_http *srv, char **text, size_t *len)
{
	FILE *f = open_memstream(text, len);
	int rc;

	if (!f)
		return -1;
	rc = srv->body(srv->arg, f);
	if (fclose(f) != 0 || rc < 0) {
		free(*text);
		*text = NULL;
		return -1;
	}
	return 0;
}

/* Put head and body of a into c->out; -1 without memory. */
static int format_answer(struct client *c, const struct answer *a)
{
	FILE *f = open_memstream(&c->out, &c->out_len);

	if (!f)
		return -1;
	fprintf(f,
		"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Cache-Control: no-store\r\n%sConnection: close\r\n\r\n",
		a->status, a->reason, a->type ? a->type : "text/plain; charset=utf-8", a->len,
		a->status == 405 ? "Allow: GET\r\n" : "");
	fwrite(a->body, 1, a->len, f);
	if (fclose(f) != 0) {
		free(c->out);
		c->out = NULL;
		return -1;
	}
	return 0;
}

static void client_write(struct client *c);

/* Build the answer to the request in c->req (parsed as st) and start sending it. */
static void client_answer(struct client *c, enum http_req_status st, const struct http_req *r)
{
	static const struct answer failed = {500, "Internal Server Error", TEXT("no metrics\n"),
					     NULL};
	struct answer a;
	char *text = NULL;
	int rc;

	choose_answer(st, r, &a);
	if (st != HTTP_REQ_OK)
		log_debug("metrics: client %d: %d: %s", c->fd, a.status, http_req_status_text(st));
	if (a.status == 200 && !a.body) {
		if (render_metrics(c->srv, &text, &a.len) < 0)
			a = failed;
		else
			a.body = text;
	}
	rc = format_answer(c, &a);
	free(text);
	if (rc < 0) {
		client_close(c);
		return;
	}
	c->phase = CLIENT_WRITE;
	client_set_deadline(c, METRICS_HTTP_SEND_DEADLINE);
	client_write(c);
}

/* Answer sent: shut the write side and drop input until EOF or the linger ends. */
static void client_linger(struct client *c)
{
	free(c->out);
	c->out = NULL;
	if (shutdown(c->fd, SHUT_WR) < 0 || loop_mod_fd(c->srv->loop, c->fd, EPOLLIN) < 0) {
		client_close(c);
		return;
	}
	c->phase = CLIENT_LINGER;
	client_set_deadline(c, METRICS_HTTP_LINGER);
}

static void client_write(struct client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (loop_mod_fd(c->srv->loop, c->fd, EPOLLOUT) < 0)
				client_close(c);
			return;
		}
		if (n <= 0) {
			client_close(c);
			return;
		}
		c->out_off += (size_t)n;
	}
	client_linger(c);
}

static void client_read(struct client *c)
{
	struct http_req r;
	enum http_req_status st;
	ssize_t n = read(c->fd, c->req + c->used, sizeof(c->req) - c->used);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	c->used += (size_t)n;
	st = http_req_parse(c->req, c->used, &r);
	if (st != HTTP_REQ_INCOMPLETE)
		client_answer(c, st, &r);
}

static void client_drop_input(struct client *c)
{
	ssize_t n = read(c->fd, c->req, sizeof(c->req));

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n > 0 && (c->dropped += (size_t)n) <= METRICS_HTTP_LINGER_BYTES)
		return;
	client_close(c);
}

static void client_on_event(void *arg, uint32_t events)
{
	struct client *c = arg;

	(void)events;
	if (c->phase == CLIENT_READ)
		client_read(c);
	else if (c->phase == CLIENT_WRITE)
		client_write(c);
	else
		client_drop_input(c);
}

/* A new connection on fd: a client in a free slot. */
static void client_new(struct metrics_http *srv, int fd)
{
	struct client *c = calloc(1, sizeof(*c));
	size_t slot = 0;

	while (slot < METRICS_HTTP_MAX_CLIENTS && srv->clients[slot])
		slot++;
	if (!c || slot == METRICS_HTTP_MAX_CLIENTS ||
	    loop_add_fd(srv->loop, fd, EPOLLIN, client_on_event, c) < 0) {
		free(c);
		close(fd);
		return;
	}
	c->srv = srv;
	c->slot = slot;
	c->fd = fd;
	c->phase = CLIENT_READ;
	srv->clients[slot] = c;
	srv->n_clients++;
	loop_timer_init(&c->deadline, client_on_deadline, c);
	client_set_deadline(c, METRICS_HTTP_REQUEST_DEADLINE);
}

/* ---- the listener ---- */

static void srv_resume_accept(void *arg)
{
	struct metrics_http *srv = arg;

	if (loop_add_fd(srv->loop, srv->fd, EPOLLIN, srv_on_accept, srv) < 0)
		log_err_errno("metrics: cannot accept again");
}

/* Out of descriptors: the listener stays readable, so pause it. */
static void srv_pause_accept(struct metrics_http *srv)
{
	log_warn_errno("metrics: pausing accepts");
	loop_del_fd(srv->loop, srv->fd);
	loop_timer_arm(srv->loop, &srv->accept_backoff, time_now() + METRICS_HTTP_ACCEPT_BACKOFF);
}

/* A connection closed at once: say so, once a minute at most. */
static void srv_refused(struct metrics_http *srv)
{
	usec_t now = time_now();

	srv->refused++;
	if (srv->refused_logged && now - srv->refused_logged < METRICS_HTTP_REFUSED_LOG)
		return;
	log_warn("metrics: %d clients already: %llu new connection(s) closed at once",
		 METRICS_HTTP_MAX_CLIENTS, srv->refused);
	srv->refused = 0;
	srv->refused_logged = now;
}

static void srv_on_accept(void *arg, uint32_t events)
{
	struct metrics_http *srv = arg;
	int i, fd;

	(void)events;
	for (i = 0; i < METRICS_HTTP_ACCEPT_BATCH; i++) {
		fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				srv_pause_accept(srv);
			return;
		}
		if (srv->n_clients >= METRICS_HTTP_MAX_CLIENTS) {
			close(fd);
			srv_refused(srv);
			continue;
		}
		client_new(srv, fd);
	}
}

/* A socket address of either family. */
union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
};

/* addr:port as a socket address; its length. */
static socklen_t make_sockaddr(const struct ip_addr *addr, uint16_t port, union sockaddr_any *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (addr->family == AF_INET6) {
		sa->in6.sin6_family = AF_INET6;
		sa->in6.sin6_port = htons(port);
		sa->in6.sin6_addr = addr->u.v6;
		return sizeof(sa->in6);
	}
	sa->in4.sin_family = AF_INET;
	sa->in4.sin_port = htons(port);
	sa->in4.sin_addr = addr->u.v4;
	return sizeof(sa->in4);
}

static int srv_listen(struct metrics_http *srv)
{
	union sockaddr_any sa;
	socklen_t len = make_sockaddr(&srv->addr, srv->port, &sa);
	int one = 1;

	srv->fd = socket(srv->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->fd < 0)
		return -1;
	if (setsockopt(srv->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (srv->addr.family == AF_INET6 &&
	     setsockopt(srv->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0))
		return -1;
	if (bind(srv->fd, &sa.sa, len) < 0 || listen(srv->fd, METRICS_HTTP_BACKLOG) < 0)
		return -1;
	return loop_add_fd(srv->loop, srv->fd, EPOLLIN, srv_on_accept, srv);
}

static bool is_loopback(const struct ip_addr *a)
{
	if (a->family == AF_INET)
		return (ntohl(a->u.v4.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&a->u.v6);
}

struct metrics_http *metrics_http_open(struct loop *loop, const struct ip_addr *addr, uint16_t port,
				       metrics_http_body_fn body, void *arg, char *err,
				       size_t errlen)
{
	struct metrics_http *srv = calloc(1, sizeof(*srv));
	char buf[IPADDR_STRLEN];
	const char *open = addr->family == AF_INET6 ? "[" : "";
	const char *close_ = addr->family == AF_INET6 ? "]" : "";

	ipaddr_str(addr, buf);
	if (!srv) {
		snprintf(err, errlen, "metrics_listen: out of memory");
		return NULL;
	}
	*srv = (struct metrics_http){
	    .loop = loop, .fd = -1, .addr = *addr, .port = port, .body = body, .arg = arg};
	loop_timer_init(&srv->accept_backoff, srv_resume_accept, srv);
	if (srv_listen(srv) < 0) {
		snprintf(err, errlen, "metrics_listen %s%s%s:%u: %s", open, buf, close_, port,
			 strerror(errno));
		metrics_http_close(srv);
		return NULL;
	}
	log_info("metrics: listening on http://%s%s%s:%u/metrics", open, buf, close_, port);
	if (!is_loopback(addr))
		log_warn("metrics: %s is not a loopback address: whoever reaches it reads the "
			 "metrics (no authentication)",
			 buf);
	return srv;
}

bool metrics_http_listens_on(const struct metrics_http *m, const struct ip_addr *addr,
			     uint16_t port)
{
	return m && ipaddr_equal(&m->addr, addr) && m->port == port;
}

void metrics_http_close(struct metrics_http *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++)
		if (m->clients[i])
			client_close(m->clients[i]);
	loop_timer_cancel(m->loop, &m->accept_backoff);
	if (m->fd >= 0) {
		loop_del_fd(m->loop, m->fd);
		close(m->fd);
	}
	free(m);
}
