/* The network probes: a non-blocking TCP connect, or an HTTPS GET with
 * OpenSSL, driven by the event loop. The connection is kept between runs
 * where the server allows, and watched so that its loss is reported at once.
 * The target comes parsed (check_target.c); TLS set-up is in check_tls.c. */
#include "check_net.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "check_tls.h"
#include "http_resp.h"
#include "log.h"

#define NET_REQ_MAX (CHECK_TARGET_PATH_MAX + CHECK_TARGET_HOST_MAX + 160)
#define NET_REASON_MAX 192
#define NET_IDLE_EVENTS (EPOLLIN | EPOLLRDHUP)
#define NET_QUICK_LOSSES 3 /* kept connections lost before any reuse, in a row */

enum net_state {
	NS_CLOSED,     /* no connection */
	NS_CONNECTING, /* TCP connect under way */
	NS_HANDSHAKE,  /* TLS handshake */
	NS_WRITING,    /* sending the request */
	NS_READING,    /* reading the response */
	NS_IDLE,       /* kept open between runs, watched for loss */
};

struct check_net {
	struct loop *loop;
	char name[CONFIG_NAME_MAX];
	enum check_type type;
	struct sockaddr_storage sa;
	socklen_t salen;
	struct check_tls_peer peer;
	char req[NET_REQ_MAX];
	size_t req_len;
	SSL_CTX *ctx;
	SSL_SESSION *session; /* resumed on the next fresh connection */
	bool keepalive;       /* check_net_set_keepalive */
	bool server_closes;   /* the server closes idle connections at once */
	unsigned uses;        /* successful runs on the current connection */
	unsigned quick_losses;
	check_net_done_cb done;
	check_net_lost_cb lost;
	void *arg;

	int fd;
	SSL *ssl;
	enum net_state state;
	bool busy;      /* a run is under way or its result not yet delivered */
	bool in_run;    /* inside check_net_run: results are deferred */
	bool reused;    /* this attempt is on a kept connection */
	bool got_bytes; /* response bytes arrived on this attempt */
	struct loop_timer deadline;
	struct loop_timer defer;
	bool result_ok;
	char reason[NET_REASON_MAX];
	struct http_resp resp;
};

static void tls_step(struct check_net *p);
static void start_connect(struct check_net *p);
static void on_fd(void *arg, uint32_t events);

/* ---- results ---- */

static void deliver(struct check_net *p)
{
	char reason[NET_REASON_MAX];

	/* the callback may start the next run, which reuses p->reason */
	memcpy(reason, p->reason, sizeof(reason));
	p->busy = false;
	p->done(p->arg, p->result_ok, reason);
}

static void on_defer(void *arg)
{
	deliver(arg);
}

/* End the run (the connection is already closed or kept). */
static void finish(struct check_net *p, bool ok, const char *fmt, ...) LOG_PRINTF(3, 4);
static void finish(struct check_net *p, bool ok, const char *fmt, ...)
{
	va_list ap;

	loop_timer_cancel(p->loop, &p->deadline);
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
	p->result_ok = ok;
	if (ok && p->state == NS_IDLE)
		p->uses++;
	if (p->in_run)
		loop_timer_arm(p->loop, &p->defer, time_now());
	else
		deliver(p);
}

/* ---- connections ---- */

static void conn_close(struct check_net *p, bool graceful)
{
	if (p->ssl) {
		/* close_notify (no waiting for the peer's); either way the
		 * session stays resumable, SSL_free would spoil it otherwise */
		if (graceful)
			SSL_shutdown(p->ssl);
		else
			SSL_set_shutdown(p->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
		SSL_free(p->ssl);
		p->ssl = NULL;
	}
	if (p->fd >= 0) {
		loop_del_fd(p->loop, p->fd);
		close(p->fd);
		p->fd = -1;
	}
	p->state = NS_CLOSED;
	ERR_clear_error();
}

/* End the run as failed; the next connection starts a full handshake. */
static void fail(struct check_net *p, const char *reason)
{
	conn_close(p, false);
	SSL_SESSION_free(p->session);
	p->session = NULL;
	finish(p, false, "%s", reason);
}

/* A server that closes every kept connection before its reuse gains nothing
 * from keep-alive and would make each loss a re-check: stop keeping them. */
static void note_loss(struct check_net *p)
{
	if (p->uses > 1) {
		p->quick_losses = 0;
		return;
	}
	if (++p->quick_losses == NET_QUICK_LOSSES) {
		p->server_closes = true;
		log_info("check '%s': the server closes idle connections; a new connection "
			 "per run from now on", p->name);
	}
}

/* A failure before any response byte on a kept connection means the server
 * closed it in between: try once more on a fresh one. */
static void fail_or_retry(struct check_net *p, const char *reason)
{
	if (!p->reused || p->got_bytes) {
		fail(p, reason);
		return;
	}
	log_debug("check '%s': kept connection unusable (%s), reconnecting", p->name, reason);
	note_loss(p);
	conn_close(p, false);
	p->reused = false;
	start_connect(p);
}

/* Change what the loop watches on the connection. A failure here cannot
 * happen for a registered fd; if it did, the run ends at its deadline. */
static void watch(struct check_net *p, uint32_t events)
{
	if (loop_mod_fd(p->loop, p->fd, events) < 0)
		log_err("check '%s': epoll: %s", p->name, strerror(errno));
}

/* The connection stays open between runs, watched for loss. */
static void keep_idle(struct check_net *p)
{
	watch(p, NET_IDLE_EVENTS);
	p->state = NS_IDLE;
}

static void tls_begin(struct check_net *p)
{
	char why[NET_REASON_MAX];

	p->ssl = check_tls_conn_new(p->ctx, p->fd, &p->peer, p->session, why, sizeof(why));
	if (!p->ssl) {
		fail(p, why);
		return;
	}
	p->state = NS_HANDSHAKE;
	tls_step(p);
}

static void on_connected(struct check_net *p)
{
	if (p->type == CHECK_HTTPS) {
		tls_begin(p);
		return;
	}
	if (p->keepalive && !p->server_closes)
		keep_idle(p);
	else
		conn_close(p, false);
	finish(p, true, "%s", "");
}

static void connect_failed(struct check_net *p, int err)
{
	char why[NET_REASON_MAX];

	if (err == ECONNREFUSED)
		snprintf(why, sizeof(why), "connection refused");
	else
		snprintf(why, sizeof(why), "connect: %s", strerror(err));
	fail_or_retry(p, why);
}

static void on_connect_event(struct check_net *p)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err)
		connect_failed(p, err);
	else
		on_connected(p);
}

static void start_connect(struct check_net *p)
{
	char why[NET_REASON_MAX];
	int one = 1;

	p->got_bytes = false;
	p->uses = 0;
	p->fd = socket(p->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		snprintf(why, sizeof(why), "socket: %s", strerror(errno));
		fail(p, why);
		return;
	}
	/* Finished and the request go out back to back: no Nagle delay */
	setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(p->fd, (struct sockaddr *)&p->sa, p->salen) < 0 && errno != EINPROGRESS) {
		connect_failed(p, errno);
		return;
	}
	if (loop_add_fd(p->loop, p->fd, EPOLLOUT, on_fd, p) < 0) {
		snprintf(why, sizeof(why), "epoll: %s", strerror(errno));
		fail(p, why);
		return;
	}
	p->state = NS_CONNECTING;
}

/* ---- TLS ---- */

enum resp_end { RESP_DONE, RESP_CAPPED, RESP_EOF };

static void save_session(struct check_net *p)
{
	SSL_SESSION *s = check_tls_resumable(p->ssl);

	if (!s)
		return;
	SSL_SESSION_free(p->session);
	p->session = s;
}

/* A response was read (or enough of it): keep or close, report the status. */
static void response_done(struct check_net *p, enum resp_end how)
{
	const struct http_resp *r = &p->resp;
	int status = r->status;
	bool keep = how == RESP_DONE && r->keep && !r->leftover && p->keepalive && !p->server_closes &&
		    SSL_pending(p->ssl) == 0;

	save_session(p);
	if (keep)
		keep_idle(p);
	else
		conn_close(p, how != RESP_EOF);
	if (status >= 200 && status < 300)
		finish(p, true, "%s", "");
	else
		finish(p, false, "http status %d", status);
}

/* An SSL call failed: wait for the socket, or end (or retry) the run. */
static void tls_failed(struct check_net *p, int rc)
{
	char why[NET_REASON_MAX];

	switch (check_tls_io_kind(p->ssl, rc, why, sizeof(why))) {
	case CHECK_TLS_WANT_READ:
		watch(p, EPOLLIN);
		return;
	case CHECK_TLS_WANT_WRITE:
		watch(p, EPOLLOUT);
		return;
	case CHECK_TLS_EOF:
		if (p->state == NS_READING && http_resp_reads_to_close(&p->resp))
			response_done(p, RESP_EOF);
		else if (p->state == NS_HANDSHAKE)
			fail_or_retry(p, "tls: connection closed during handshake");
		else
			fail_or_retry(p, "connection closed");
		return;
	case CHECK_TLS_ERROR:
		fail_or_retry(p, why);
		return;
	}
}

/* Read and parse the response until it is complete or the socket is dry. */
static void tls_read(struct check_net *p)
{
	char buf[8192];
	int n;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		n = SSL_read(p->ssl, buf, sizeof(buf));
		if (n <= 0) {
			tls_failed(p, n);
			return;
		}
		p->got_bytes = true;
		switch (http_resp_feed(&p->resp, buf, (size_t)n)) {
		case HTTP_RESP_MORE:
			break;
		case HTTP_RESP_DONE:
			response_done(p, RESP_DONE);
			return;
		case HTTP_RESP_CAPPED:
			response_done(p, RESP_CAPPED);
			return;
		case HTTP_RESP_BAD:
			fail(p, "bad http response");
			return;
		}
	}
}

/* Drive handshake, request and response as far as the socket allows. */
static void tls_step(struct check_net *p)
{
	int rc;

	ERR_clear_error();
	errno = 0;
	if (p->state == NS_HANDSHAKE) {
		rc = SSL_connect(p->ssl);
		if (rc != 1) {
			tls_failed(p, rc);
			return;
		}
		log_debug("check '%s': %s handshake done%s", p->name, SSL_get_version(p->ssl),
			  SSL_session_reused(p->ssl) ? " (resumed)" : "");
		p->state = NS_WRITING;
	}
	if (p->state == NS_WRITING) {
		ERR_clear_error();
		errno = 0;
		rc = SSL_write(p->ssl, p->req, (int)p->req_len);
		if (rc <= 0) {
			tls_failed(p, rc);
			return;
		}
		http_resp_reset(&p->resp);
		p->state = NS_READING;
	}
	if (p->state == NS_READING)
		tls_read(p);
}

/* ---- the idle connection ---- */

static void lost_reason(int err, char *why, size_t len)
{
	if (!err)
		snprintf(why, len, "connection closed by peer");
	else if (err == ECONNRESET || err == EPIPE)
		snprintf(why, len, "connection reset");
	else
		snprintf(why, len, "connection error: %s", strerror(err));
}

/* 0 while a kept tcp connection is alive (data from the server is
 * discarded), -1 with a reason when it is gone. */
static int idle_tcp(struct check_net *p, char *why, size_t len)
{
	char buf[1024];
	ssize_t n;
	int i;

	for (i = 0; i < 64; i++) {
		n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0 || (n < 0 && errno == EINTR))
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		lost_reason(n == 0 ? 0 : errno, why, len);
		return -1;
	}
	return 0;
}

/* Same for a kept TLS connection: post-handshake messages are fine, a
 * close_notify, EOF, reset or application data is not. */
static int idle_tls(struct check_net *p, char *why, size_t len)
{
	char buf[512];
	int n;

	ERR_clear_error();
	errno = 0;
	n = SSL_read(p->ssl, buf, sizeof(buf));
	if (n > 0) {
		snprintf(why, len, "unexpected data from server");
		return -1;
	}
	switch (check_tls_io_kind(p->ssl, n, why, len)) {
	case CHECK_TLS_WANT_READ:
	case CHECK_TLS_WANT_WRITE:
		return 0;
	case CHECK_TLS_EOF:
		lost_reason(0, why, len);
		return -1;
	case CHECK_TLS_ERROR:
		return -1;
	}
	return -1;
}

static void on_idle_event(struct check_net *p)
{
	char why[NET_REASON_MAX];
	int rc;

	/* A result is still to be delivered: look again after that (the
	 * event stays pending, epoll is level-triggered). */
	if (p->busy)
		return;
	rc = p->type == CHECK_TCP ? idle_tcp(p, why, sizeof(why)) : idle_tls(p, why, sizeof(why));
	if (rc == 0)
		return;
	log_debug("check '%s': kept connection lost: %s", p->name, why);
	note_loss(p);
	conn_close(p, false);
	p->lost(p->arg, why);
}

/* A run on a kept connection. */
static void run_kept(struct check_net *p)
{
	char c;
	ssize_t n;

	if (p->type == CHECK_HTTPS) {
		p->reused = true;
		p->got_bytes = false;
		p->state = NS_WRITING;
		tls_step(p);
		return;
	}
	n = recv(p->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))) {
		finish(p, true, "%s", "");
		return;
	}
	conn_close(p, false);
	start_connect(p);
}

static void on_fd(void *arg, uint32_t events)
{
	struct check_net *p = arg;

	(void)events;
	switch (p->state) {
	case NS_CONNECTING:
		on_connect_event(p);
		break;
	case NS_HANDSHAKE:
	case NS_WRITING:
	case NS_READING:
		tls_step(p);
		break;
	case NS_IDLE:
		on_idle_event(p);
		break;
	case NS_CLOSED:
		break;
	}
}

static void on_deadline(void *arg)
{
	struct check_net *p = arg;

	conn_close(p, false);
	finish(p, false, "timeout");
}

/* ---- set-up ---- */

/* The target's socket address. */
static void set_sockaddr(struct check_net *p, const struct check_target *t)
{
	memset(&p->sa, 0, sizeof(p->sa));
	if (t->addr.family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&p->sa;

		s->sin_family = AF_INET;
		s->sin_port = htons(t->port);
		s->sin_addr = t->addr.u.v4;
		p->salen = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&p->sa;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(t->port);
		s->sin6_addr = t->addr.u.v6;
		p->salen = sizeof(*s);
	}
}

/* The GET request every run sends. */
static int build_request(struct check_net *p, const struct check_target *t)
{
	char host[CHECK_TARGET_HOST_MAX + 16];
	int n;

	if (check_target_host_header(t, host, sizeof(host)) < 0)
		return -1;
	n = snprintf(p->req, sizeof(p->req),
		     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: vipd\r\nAccept: */*\r\n"
		     "Connection: keep-alive\r\n\r\n",
		     t->path, host);
	if (n < 0 || (size_t)n >= sizeof(p->req))
		return -1;
	p->req_len = (size_t)n;
	return 0;
}

static int probe_setup(struct check_net *p, const struct check_config *cfg, char *err,
		       size_t errlen)
{
	char why[CONFIG_ERR_MAX];

	if ((cfg->type != CHECK_TCP && cfg->type != CHECK_HTTPS) || cfg->net.port == 0) {
		snprintf(err, errlen, "check '%s': no parsed tcp or https target", p->name);
		return -1;
	}
	set_sockaddr(p, &cfg->net);
	if (cfg->type == CHECK_TCP)
		return 0;
	if (build_request(p, &cfg->net) < 0) {
		snprintf(err, errlen, "check '%s': target too long", p->name);
		return -1;
	}
	check_tls_peer_init(&p->peer, cfg);
	p->ctx = check_tls_ctx_new(cfg, NULL, why, sizeof(why));
	if (p->ctx)
		return 0;
	snprintf(err, errlen, "check '%s': %s", p->name, why);
	return -1;
}

/* ---- public ---- */

struct check_net *check_net_new(struct loop *loop, const struct check_config *cfg,
				check_net_done_cb done, check_net_lost_cb lost, void *arg,
				char *err, size_t errlen)
{
	struct check_net *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "check '%s': out of memory", cfg->name);
		return NULL;
	}
	p->loop = loop;
	snprintf(p->name, sizeof(p->name), "%s", cfg->name);
	p->type = cfg->type;
	p->keepalive = true;
	p->done = done;
	p->lost = lost;
	p->arg = arg;
	p->fd = -1;
	loop_timer_init(&p->deadline, on_deadline, p);
	loop_timer_init(&p->defer, on_defer, p);
	if (probe_setup(p, cfg, err, errlen) < 0) {
		check_net_free(p);
		return NULL;
	}
	return p;
}

/* An https check whose ca_file did not exist yet fails without connecting,
 * until the file appears: then it is loaded (and said so). */
static bool ca_ready(struct check_net *p)
{
	char why[NET_REASON_MAX];
	int rc = p->ctx ? check_tls_ca_ready(p->ctx, why, sizeof(why)) : 0;

	if (rc > 0)
		log_notice("check '%s': %s", p->name, why);
	if (rc >= 0)
		return true;
	finish(p, false, "%s", why);
	return false;
}

void check_net_run(struct check_net *p, usec_t timeout)
{
	if (p->busy) {
		log_warn("check '%s': run requested while one is in progress", p->name);
		return;
	}
	p->busy = true;
	p->in_run = true;
	p->reused = false;
	loop_timer_arm(p->loop, &p->deadline, time_now() + timeout);
	if (p->state == NS_IDLE)
		run_kept(p);
	else if (ca_ready(p))
		start_connect(p);
	p->in_run = false;
}

bool check_net_busy(const struct check_net *p)
{
	return p->busy;
}

void check_net_set_keepalive(struct check_net *p, bool on)
{
	p->keepalive = on;
	if (!on && p->state == NS_IDLE)
		conn_close(p, true);
}

void check_net_free(struct check_net *p)
{
	if (!p)
		return;
	loop_timer_cancel(p->loop, &p->deadline);
	loop_timer_cancel(p->loop, &p->defer);
	conn_close(p, p->state == NS_IDLE);
	SSL_SESSION_free(p->session);
	SSL_CTX_free(p->ctx);
	free(p);
}
