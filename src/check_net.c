/* The network probes: a non-blocking TCP connect, or an HTTPS GET with
 * OpenSSL, driven by the event loop. The connection is kept between runs
 * where the server allows, and watched so that its loss is reported at once. */
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
#include <openssl/x509v3.h>

#include "http_resp.h"
#include "ipaddr.h"
#include "log.h"

#define NET_HOST_MAX 256
#define NET_PATH_MAX 1024
#define NET_REQ_MAX (NET_PATH_MAX + NET_HOST_MAX + 128)
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

struct net_probe {
	struct loop *loop;
	char name[CONFIG_NAME_MAX];
	enum check_type type;
	struct sockaddr_storage sa;
	socklen_t salen;
	char verify_name[NET_HOST_MAX]; /* server_name, or the target's host */
	bool verify_is_ip;
	bool insecure;
	char req[NET_REQ_MAX];
	size_t req_len;
	SSL_CTX *ctx;
	SSL_SESSION *session; /* resumed on the next fresh connection */
	bool keepalive;       /* net_probe_set_keepalive */
	bool server_closes;   /* the server closes idle connections at once */
	unsigned uses;        /* successful runs on the current connection */
	unsigned quick_losses;
	net_probe_done_cb done;
	net_probe_lost_cb lost;
	void *arg;

	int fd;
	SSL *ssl;
	enum net_state state;
	bool busy;      /* a run is under way or its result not yet delivered */
	bool in_run;    /* inside net_probe_run: results are deferred */
	bool reused;    /* this attempt is on a kept connection */
	bool got_bytes; /* response bytes arrived on this attempt */
	struct loop_timer deadline;
	struct loop_timer defer;
	bool result_ok;
	char reason[NET_REASON_MAX];
	struct http_resp resp;
};

static void tls_step(struct net_probe *p);
static void start_connect(struct net_probe *p);
static void on_fd(void *arg, uint32_t events);

/* ---- results ---- */

static void deliver(struct net_probe *p)
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
static void finish(struct net_probe *p, bool ok, const char *fmt, ...) LOG_PRINTF(3, 4);
static void finish(struct net_probe *p, bool ok, const char *fmt, ...)
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

static void conn_close(struct net_probe *p, bool graceful)
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
static void fail(struct net_probe *p, const char *reason)
{
	conn_close(p, false);
	SSL_SESSION_free(p->session);
	p->session = NULL;
	finish(p, false, "%s", reason);
}

/* A server that closes every kept connection before its reuse gains nothing
 * from keep-alive and would make each loss a re-check: stop keeping them. */
static void note_loss(struct net_probe *p)
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
static void fail_or_retry(struct net_probe *p, const char *reason)
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
static void watch(struct net_probe *p, uint32_t events)
{
	if (loop_mod_fd(p->loop, p->fd, events) < 0)
		log_err("check '%s': epoll: %s", p->name, strerror(errno));
}

/* The connection stays open between runs, watched for loss. */
static void keep_idle(struct net_probe *p)
{
	watch(p, NET_IDLE_EVENTS);
	p->state = NS_IDLE;
}

static void tls_begin(struct net_probe *p)
{
	p->ssl = SSL_new(p->ctx);
	if (!p->ssl || !SSL_set_fd(p->ssl, p->fd)) {
		fail(p, "tls: cannot set up the connection");
		return;
	}
	if (!p->verify_is_ip && !SSL_set_tlsext_host_name(p->ssl, p->verify_name)) {
		fail(p, "tls: cannot set the server name");
		return;
	}
	if (!p->insecure) {
		int rc = p->verify_is_ip
				 ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(p->ssl), p->verify_name)
				 : SSL_set1_host(p->ssl, p->verify_name);

		if (rc != 1) {
			fail(p, "tls: cannot set the name to verify");
			return;
		}
	}
	if (p->session)
		SSL_set_session(p->ssl, p->session);
	p->state = NS_HANDSHAKE;
	tls_step(p);
}

static void on_connected(struct net_probe *p)
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

static void connect_failed(struct net_probe *p, int err)
{
	char why[NET_REASON_MAX];

	if (err == ECONNREFUSED)
		snprintf(why, sizeof(why), "connection refused");
	else
		snprintf(why, sizeof(why), "connect: %s", strerror(err));
	fail_or_retry(p, why);
}

static void on_connect_event(struct net_probe *p)
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

static void start_connect(struct net_probe *p)
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

/* The reason text of an OpenSSL error code (system errors as strerror). */
static const char *ssl_err_text(unsigned long e)
{
	const char *s;

	if (!e)
		return "protocol error";
	if (ERR_SYSTEM_ERROR(e))
		return strerror(ERR_GET_REASON(e));
	s = ERR_reason_error_string(e);
	return s ? s : "unknown error";
}

/* "tls: <first OpenSSL error>", with the verify result when that failed. */
static void tls_reason(struct net_probe *p, char *why, size_t len)
{
	unsigned long e = ERR_peek_error();
	const char *what = ssl_err_text(e);
	long v = p->ssl ? SSL_get_verify_result(p->ssl) : X509_V_OK;

	if (v != X509_V_OK && ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED)
		snprintf(why, len, "tls: %s (%s)", what, X509_verify_cert_error_string(v));
	else
		snprintf(why, len, "tls: %s", what);
	ERR_clear_error();
}

enum io_kind { IO_WANT_READ, IO_WANT_WRITE, IO_EOF, IO_ERROR };

/* Classify a failed SSL call (errno was cleared before it); for IO_ERROR
 * the reason is in why. */
static enum io_kind tls_io_kind(struct net_probe *p, int rc, char *why, size_t len)
{
	int saved = errno;
	unsigned long e;

	switch (SSL_get_error(p->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		return IO_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return IO_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return IO_EOF;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error())
			break;
		if (!saved)
			return IO_EOF;
		if (saved == ECONNRESET || saved == EPIPE)
			snprintf(why, len, "connection reset");
		else
			snprintf(why, len, "connection error: %s", strerror(saved));
		return IO_ERROR;
	default:
		e = ERR_peek_error();
		if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
		    ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			return IO_EOF;
		}
		break;
	}
	tls_reason(p, why, len);
	return IO_ERROR;
}

enum resp_end { RESP_DONE, RESP_CAPPED, RESP_EOF };

static void save_session(struct net_probe *p)
{
	SSL_SESSION *s = SSL_get1_session(p->ssl);

	if (!s)
		return;
	if (!SSL_SESSION_is_resumable(s)) {
		SSL_SESSION_free(s);
		return;
	}
	SSL_SESSION_free(p->session);
	p->session = s;
}

/* A response was read (or enough of it): keep or close, report the status. */
static void response_done(struct net_probe *p, enum resp_end how)
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
static void tls_failed(struct net_probe *p, int rc)
{
	char why[NET_REASON_MAX];

	switch (tls_io_kind(p, rc, why, sizeof(why))) {
	case IO_WANT_READ:
		watch(p, EPOLLIN);
		return;
	case IO_WANT_WRITE:
		watch(p, EPOLLOUT);
		return;
	case IO_EOF:
		if (p->state == NS_READING && http_resp_reads_to_close(&p->resp))
			response_done(p, RESP_EOF);
		else if (p->state == NS_HANDSHAKE)
			fail_or_retry(p, "tls: connection closed during handshake");
		else
			fail_or_retry(p, "connection closed");
		return;
	case IO_ERROR:
		fail_or_retry(p, why);
		return;
	}
}

/* Read and parse the response until it is complete or the socket is dry. */
static void tls_read(struct net_probe *p)
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
static void tls_step(struct net_probe *p)
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
static int idle_tcp(struct net_probe *p, char *why, size_t len)
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
static int idle_tls(struct net_probe *p, char *why, size_t len)
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
	switch (tls_io_kind(p, n, why, len)) {
	case IO_WANT_READ:
	case IO_WANT_WRITE:
		return 0;
	case IO_EOF:
		lost_reason(0, why, len);
		return -1;
	case IO_ERROR:
		return -1;
	}
	return -1;
}

static void on_idle_event(struct net_probe *p)
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
static void run_kept(struct net_probe *p)
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
	struct net_probe *p = arg;

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
	struct net_probe *p = arg;

	conn_close(p, false);
	finish(p, false, "timeout");
}

/* ---- set-up ---- */

/* A literal host (brackets removed) to a socket address; no DNS. */
static int host_addr(struct net_probe *p, const char *host, bool bracketed, uint16_t port)
{
	struct ip_addr a;

	if (!bracketed && strcasecmp(host, "localhost") == 0)
		ipaddr_parse("127.0.0.1", &a);
	else if (ipaddr_parse(host, &a) < 0 || (a.family == AF_INET6) != bracketed)
		return -1;
	memset(&p->sa, 0, sizeof(p->sa));
	if (a.family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&p->sa;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		s->sin_addr = a.u.v4;
		p->salen = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&p->sa;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		s->sin6_addr = a.u.v6;
		p->salen = sizeof(*s);
	}
	return 0;
}

/* "1".."65535" in [s, end); -1 otherwise. */
static int parse_port(const char *s, const char *end)
{
	long v = 0;

	if (s >= end || end - s > 5)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v >= 1 && v <= 65535 ? (int)v : -1;
}

/* HOST[:PORT] in [s, s+len): the address into p, the host into host.
 * defport < 0: the port is required. */
static int parse_authority(struct net_probe *p, const char *s, size_t len, int defport,
			   char *host, const char **why)
{
	const char *end = s + len, *hs = s, *hend, *colon;
	bool br = len && s[0] == '[';
	int port = defport;

	if (br) {
		hs = s + 1;
		hend = memchr(s, ']', len);
		if (!hend || (hend + 1 < end && hend[1] != ':'))
			return *why = "bad [IPv6] address", -1;
		colon = hend + 1 < end ? hend + 1 : NULL;
	} else {
		colon = memchr(s, ':', len);
		hend = colon ? colon : end;
	}
	if (hend == hs || (size_t)(hend - hs) >= NET_HOST_MAX)
		return *why = "missing or too long host", -1;
	memcpy(host, hs, (size_t)(hend - hs));
	host[hend - hs] = '\0';
	if (colon)
		port = parse_port(colon + 1, end);
	if (port < 0)
		return *why = colon ? "bad port" : "missing port", -1;
	if (host_addr(p, host, br, (uint16_t)port) < 0)
		return *why = "the host must be an IPv4 address, [IPv6] or localhost (no DNS)", -1;
	return 0;
}

/* https://HOST[:PORT][/path]: address, name to verify and the request. */
static int parse_https(struct net_probe *p, const char *t, char *host, const char **why)
{
	const char *a, *path, *c;
	int n;

	if (strncasecmp(t, "https://", 8) != 0)
		return *why = "expected https://HOST[:PORT][/PATH]", -1;
	a = t + 8;
	path = a + strcspn(a, "/?");
	if (parse_authority(p, a, (size_t)(path - a), 443, host, why) < 0)
		return -1;
	for (c = path; *c; c++)
		if (*c <= ' ' || *c > '~' || *c == '#')
			return *why = "bad character in the path", -1;
	n = snprintf(p->req, sizeof(p->req),
		     "GET %s%s HTTP/1.1\r\nHost: %.*s\r\nUser-Agent: vipd\r\nAccept: */*\r\n"
		     "Connection: keep-alive\r\n\r\n",
		     *path == '/' ? "" : "/", path, (int)(path - a), a);
	if (n < 0 || (size_t)n >= sizeof(p->req))
		return *why = "target too long", -1;
	p->req_len = (size_t)n;
	return 0;
}

/* The first queued OpenSSL error, for set-up messages. */
static const char *ssl_errstr(void)
{
	return ssl_err_text(ERR_peek_error());
}

static int tls_ctx_verify(struct net_probe *p, const struct check_config *cfg, char *err,
			  size_t errlen)
{
	int ok;

	if (cfg->insecure) {
		SSL_CTX_set_verify(p->ctx, SSL_VERIFY_NONE, NULL);
		return 0;
	}
	if (cfg->ca_file)
		ok = SSL_CTX_load_verify_locations(p->ctx, cfg->ca_file, NULL);
	else
		ok = SSL_CTX_set_default_verify_paths(p->ctx);
	if (ok != 1) {
		snprintf(err, errlen, "check '%s': ca_file '%s': %s", p->name,
			 cfg->ca_file ? cfg->ca_file : "(system default)", ssl_errstr());
		return -1;
	}
	SSL_CTX_set_verify(p->ctx, SSL_VERIFY_PEER, NULL);
	return 0;
}

static int tls_ctx_client_cert(struct net_probe *p, const struct check_config *cfg, char *err,
			       size_t errlen)
{
	const char *key = cfg->client_key ? cfg->client_key : cfg->client_cert;

	if (!cfg->client_cert && !cfg->client_key)
		return 0;
	if (!cfg->client_cert) {
		snprintf(err, errlen, "check '%s': client_key without client_cert", p->name);
		return -1;
	}
	if (SSL_CTX_use_certificate_chain_file(p->ctx, cfg->client_cert) != 1) {
		snprintf(err, errlen, "check '%s': client_cert '%s': %s", p->name,
			 cfg->client_cert, ssl_errstr());
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(p->ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(p->ctx) != 1) {
		snprintf(err, errlen, "check '%s': client_key '%s': %s", p->name, key,
			 ssl_errstr());
		return -1;
	}
	return 0;
}

static int tls_ctx_new(struct net_probe *p, const struct check_config *cfg, char *err,
		       size_t errlen)
{
	int rc = -1;

	ERR_clear_error();
	p->ctx = SSL_CTX_new(TLS_client_method());
	if (!p->ctx || SSL_CTX_set_min_proto_version(p->ctx, TLS1_2_VERSION) != 1)
		snprintf(err, errlen, "check '%s': cannot set up TLS: %s", p->name, ssl_errstr());
	else if (tls_ctx_verify(p, cfg, err, errlen) == 0 &&
		 tls_ctx_client_cert(p, cfg, err, errlen) == 0)
		rc = 0;
	ERR_clear_error();
	return rc;
}

static int probe_setup(struct net_probe *p, const struct check_config *cfg, char *err,
		       size_t errlen)
{
	char host[NET_HOST_MAX];
	const char *why = NULL;
	struct ip_addr a;
	int rc;

	if (!cfg->target)
		rc = (why = "no target", -1);
	else if (cfg->type == CHECK_TCP)
		rc = parse_authority(p, cfg->target, strlen(cfg->target), -1, host, &why);
	else if (cfg->type == CHECK_HTTPS)
		rc = parse_https(p, cfg->target, host, &why);
	else
		rc = (why = "not a tcp or https check", -1);
	if (rc < 0) {
		snprintf(err, errlen, "check '%s': target '%s': %s", p->name,
			 cfg->target ? cfg->target : "", why);
		return -1;
	}
	if (cfg->type == CHECK_TCP)
		return 0;
	if (cfg->server_name && strlen(cfg->server_name) >= sizeof(p->verify_name)) {
		snprintf(err, errlen, "check '%s': server_name too long", p->name);
		return -1;
	}
	snprintf(p->verify_name, sizeof(p->verify_name), "%s",
		 cfg->server_name ? cfg->server_name : host);
	p->verify_is_ip = ipaddr_parse(p->verify_name, &a) == 0;
	return tls_ctx_new(p, cfg, err, errlen);
}

/* ---- public ---- */

struct net_probe *net_probe_new(struct loop *loop, const struct check_config *cfg,
				net_probe_done_cb done, net_probe_lost_cb lost, void *arg,
				char *err, size_t errlen)
{
	struct net_probe *p = calloc(1, sizeof(*p));

	if (!p) {
		snprintf(err, errlen, "check '%s': out of memory", cfg->name);
		return NULL;
	}
	p->loop = loop;
	snprintf(p->name, sizeof(p->name), "%s", cfg->name);
	p->type = cfg->type;
	p->insecure = cfg->insecure;
	p->keepalive = true;
	p->done = done;
	p->lost = lost;
	p->arg = arg;
	p->fd = -1;
	loop_timer_init(&p->deadline, on_deadline, p);
	loop_timer_init(&p->defer, on_defer, p);
	if (probe_setup(p, cfg, err, errlen) < 0) {
		net_probe_free(p);
		return NULL;
	}
	return p;
}

void net_probe_run(struct net_probe *p, usec_t timeout)
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
	else
		start_connect(p);
	p->in_run = false;
}

bool net_probe_busy(const struct net_probe *p)
{
	return p->busy;
}

void net_probe_set_keepalive(struct net_probe *p, bool on)
{
	p->keepalive = on;
	if (!on && p->state == NS_IDLE)
		conn_close(p, true);
}

void net_probe_free(struct net_probe *p)
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
