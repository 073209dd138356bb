/* TLS for the https probe: contexts, connections and the reasons of failures. */
#include "check_tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

/* ---- error texts ---- */

/* The reason text of an OpenSSL error code (system errors as strerror). */
static const char *err_text(unsigned long e)
{
	const char *s;

	if (!e)
		return "protocol error";
	if (ERR_SYSTEM_ERROR(e))
		return strerror(ERR_GET_REASON(e));
	s = ERR_reason_error_string(e);
	return s ? s : "unknown error";
}

/* The first queued OpenSSL error, for set-up messages. */
static const char *first_err(void)
{
	return err_text(ERR_peek_error());
}

/* "tls: <first OpenSSL error>", with the verify result when that failed. */
static void tls_reason(SSL *ssl, char *why, size_t len)
{
	unsigned long e = ERR_peek_error();
	const char *what = err_text(e);
	long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;

	if (v != X509_V_OK && ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED)
		snprintf(why, len, "tls: %s (%s)", what, X509_verify_cert_error_string(v));
	else
		snprintf(why, len, "tls: %s", what);
	ERR_clear_error();
}

/* ---- the context ---- */

/* Files are opened first, so that a missing or unreadable one says so. */
static int file_readable(const char *key, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errlen, "%s '%s': %s", key, path, strerror(errno));
		return -1;
	}
	fclose(f);
	return 0;
}

/* ---- a ca_file that does not exist yet ---- */

/* The path of a missing ca_file, kept on the context (ex_data, freed with
 * it) until the file appears. */
static int pending_index = -1;

static void pending_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
			 void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	free(ptr);
}

static int pending_set(SSL_CTX *ctx, const char *path, char *err, size_t errlen)
{
	char *copy;

	if (pending_index < 0)
		pending_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, pending_free);
	copy = pending_index < 0 ? NULL : strdup(path);
	if (!copy || !SSL_CTX_set_ex_data(ctx, pending_index, copy)) {
		free(copy);
		snprintf(err, errlen, "cannot set up TLS: out of memory");
		return -1;
	}
	return 0;
}

const char *check_tls_ca_pending(const SSL_CTX *ctx)
{
	return pending_index < 0 ? NULL : SSL_CTX_get_ex_data(ctx, pending_index);
}

/* Load ca_file into the context's store. 0, or -1 with err. */
static int ca_load(SSL_CTX *ctx, const char *path, char *err, size_t errlen)
{
	if (SSL_CTX_load_verify_locations(ctx, path, NULL) == 1)
		return 0;
	snprintf(err, errlen, "ca_file '%s': no PEM certificate in it (%s)", path, first_err());
	ERR_clear_error();
	return -1;
}

int check_tls_ca_ready(SSL_CTX *ctx, char *why, size_t len)
{
	const char *path = check_tls_ca_pending(ctx);
	FILE *f;

	if (!path)
		return 0;
	f = fopen(path, "r");
	if (!f && errno == ENOENT)
		snprintf(why, len, "ca_file missing: %s", path);
	else if (!f)
		snprintf(why, len, "ca_file '%s': %s", path, strerror(errno));
	if (!f)
		return -1;
	fclose(f);
	if (ca_load(ctx, path, why, len) < 0)
		return -1;
	snprintf(why, len, "ca_file '%s' appeared: loaded", path);
	SSL_CTX_set_ex_data(ctx, pending_index, NULL);
	free((void *)path);
	return 1;
}

/* ---- building the context ---- */

/* A ca_file that does not exist (yet: kubeadm writes it at init) is no
 * error: the server cannot be verified, so each run fails until it appears.
 * One that exists must be readable and hold a certificate. */
static int ctx_ca_file(SSL_CTX *ctx, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");

	if (!f && errno == ENOENT)
		return pending_set(ctx, path, err, errlen);
	if (!f) {
		snprintf(err, errlen, "ca_file '%s': %s", path, strerror(errno));
		return -1;
	}
	fclose(f);
	return ca_load(ctx, path, err, errlen);
}

static int ctx_verify(SSL_CTX *ctx, const struct check_config *cfg, char *err, size_t errlen)
{
	if (cfg->insecure) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		return 0;
	}
	if (cfg->ca_file) {
		if (ctx_ca_file(ctx, cfg->ca_file, err, errlen) < 0)
			return -1;
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		snprintf(err, errlen, "the system's CA certificates: %s", first_err());
		return -1;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return 0;
}

static int ctx_cert(SSL_CTX *ctx, const struct check_config *cfg, char *err, size_t errlen)
{
	if (file_readable("client_cert", cfg->client_cert, err, errlen) < 0)
		return -1;
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->client_cert) == 1)
		return 0;
	snprintf(err, errlen, "client_cert '%s': not a PEM certificate (%s)", cfg->client_cert,
		 first_err());
	return -1;
}

static bool key_mismatch(void)
{
	unsigned long e = ERR_peek_last_error();

	return ERR_GET_LIB(e) == ERR_LIB_X509 && (ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH ||
						  ERR_GET_REASON(e) == X509_R_KEY_TYPE_MISMATCH);
}

static int ctx_key(SSL_CTX *ctx, const char *key, const char *cert, char *err, size_t errlen)
{
	if (file_readable("client_key", key, err, errlen) < 0)
		return -1;
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1 &&
	    SSL_CTX_check_private_key(ctx) == 1)
		return 0;
	if (key_mismatch())
		snprintf(err, errlen, "client_key '%s' does not match client_cert '%s'", key, cert);
	else
		snprintf(err, errlen, "client_key '%s': not a PEM private key (%s)", key,
			 first_err());
	return -1;
}

/* The parts in order; *part says which failed. */
static int ctx_fill(SSL_CTX *ctx, const struct check_config *cfg, enum check_tls_part *part,
		    char *err, size_t errlen)
{
	*part = CHECK_TLS_PART_CTX;
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		snprintf(err, errlen, "cannot set up TLS: %s", first_err());
		return -1;
	}
	*part = CHECK_TLS_PART_CA;
	if (ctx_verify(ctx, cfg, err, errlen) < 0)
		return -1;
	if (!cfg->client_cert && !cfg->client_key)
		return 0;
	*part = CHECK_TLS_PART_CERT;
	if (!cfg->client_cert) {
		snprintf(err, errlen, "client_key without client_cert");
		return -1;
	}
	if (ctx_cert(ctx, cfg, err, errlen) < 0)
		return -1;
	*part = CHECK_TLS_PART_KEY;
	return ctx_key(ctx, cfg->client_key ? cfg->client_key : cfg->client_cert, cfg->client_cert,
		       err, errlen);
}

SSL_CTX *check_tls_ctx_new(const struct check_config *cfg, enum check_tls_part *part, char *err,
			   size_t errlen)
{
	enum check_tls_part ignored;
	SSL_CTX *ctx;

	if (!part)
		part = &ignored;
	*part = CHECK_TLS_PART_CTX;
	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		snprintf(err, errlen, "cannot set up TLS: %s", first_err());
	else if (ctx_fill(ctx, cfg, part, err, errlen) < 0) {
		SSL_CTX_free(ctx);
		ctx = NULL;
	}
	ERR_clear_error();
	return ctx;
}

/* ---- connections ---- */

void check_tls_peer_init(struct check_tls_peer *peer, const struct check_config *cfg)
{
	struct ip_addr a;

	snprintf(peer->name, sizeof(peer->name), "%s",
		 cfg->server_name ? cfg->server_name : cfg->net.host);
	peer->is_ip = ipaddr_parse(peer->name, &a) == 0;
	peer->insecure = cfg->insecure;
}

/* SNI for a name; the name or address to verify. 0, or -1 with why. */
static int conn_names(SSL *ssl, const struct check_tls_peer *peer, char *why, size_t len)
{
	int rc;

	if (!peer->is_ip && !SSL_set_tlsext_host_name(ssl, peer->name)) {
		snprintf(why, len, "tls: cannot set the server name");
		return -1;
	}
	if (peer->insecure)
		return 0;
	rc = peer->is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), peer->name)
			 : SSL_set1_host(ssl, peer->name);
	if (rc == 1)
		return 0;
	snprintf(why, len, "tls: cannot set the name to verify");
	return -1;
}

SSL *check_tls_conn_new(SSL_CTX *ctx, int fd, const struct check_tls_peer *peer,
			SSL_SESSION *session, char *why, size_t len)
{
	SSL *ssl = SSL_new(ctx);

	if (!ssl || !SSL_set_fd(ssl, fd)) {
		snprintf(why, len, "tls: cannot set up the connection");
		SSL_free(ssl);
		return NULL;
	}
	if (conn_names(ssl, peer, why, len) < 0) {
		SSL_free(ssl);
		return NULL;
	}
	if (session)
		SSL_set_session(ssl, session);
	return ssl;
}

/* SSL_ERROR_SYSCALL without a queued error: EOF, or the socket's errno. */
static enum check_tls_io syscall_kind(int saved, char *why, size_t len)
{
	if (!saved)
		return CHECK_TLS_EOF;
	if (saved == ECONNRESET || saved == EPIPE)
		snprintf(why, len, "connection reset");
	else
		snprintf(why, len, "connection error: %s", strerror(saved));
	return CHECK_TLS_ERROR;
}

/* A peer that closed without close_notify is an EOF, not an error. */
static bool unexpected_eof(void)
{
	unsigned long e = ERR_peek_error();

	if (ERR_GET_LIB(e) != ERR_LIB_SSL || ERR_GET_REASON(e) != SSL_R_UNEXPECTED_EOF_WHILE_READING)
		return false;
	ERR_clear_error();
	return true;
}

enum check_tls_io check_tls_io_kind(SSL *ssl, int rc, char *why, size_t len)
{
	int saved = errno;

	switch (SSL_get_error(ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		return CHECK_TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return CHECK_TLS_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return CHECK_TLS_EOF;
	case SSL_ERROR_SYSCALL:
		if (!ERR_peek_error())
			return syscall_kind(saved, why, len);
		break;
	default:
		if (unexpected_eof())
			return CHECK_TLS_EOF;
		break;
	}
	tls_reason(ssl, why, len);
	return CHECK_TLS_ERROR;
}

SSL_SESSION *check_tls_resumable(SSL *ssl)
{
	SSL_SESSION *s = SSL_get1_session(ssl);

	if (s && !SSL_SESSION_is_resumable(s)) {
		SSL_SESSION_free(s);
		s = NULL;
	}
	return s;
}
