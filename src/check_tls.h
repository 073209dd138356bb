/* TLS for the https probe, with OpenSSL: the SSL_CTX of a check (built once
 * at start-up, and by vipd -t to see that it builds), the set-up of one
 * connection (SNI, the name or address to verify, session resumption), and
 * failed calls told apart and put in short words. */
#ifndef VIPD_CHECK_TLS_H
#define VIPD_CHECK_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "config.h"

/* Which part of a check's TLS set-up failed. */
enum check_tls_part {
	CHECK_TLS_PART_CTX,  /* OpenSSL itself */
	CHECK_TLS_PART_CA,   /* ca_file */
	CHECK_TLS_PART_CERT, /* client_cert */
	CHECK_TLS_PART_KEY,  /* client_key */
};

/* The context of an https check: TLS 1.2 or later; the server verified
 * against ca_file (else the system's store) unless insecure; the client
 * certificate chain and its key, which must match. NULL with e.g.
 * "client_cert '/x': No such file or directory" in err and the part in
 * *part. A ca_file that does not exist is loaded later (check_tls_ca_ready);
 * one that exists but is unreadable or holds no certificate is an error. */
SSL_CTX *check_tls_ctx_new(const struct check_config *cfg, enum check_tls_part *part, char *err,
			   size_t errlen);

/* A ca_file missing when the context was built (not an error: kubeadm
 * writes /etc/kubernetes/pki/ca.crt at init, after vipd started): its path
 * while it is still not loaded, else NULL. */
const char *check_tls_ca_pending(const SSL_CTX *ctx);

/* Before a run: a pending ca_file is looked for and, once there, loaded.
 * 0 nothing pending; 1 loaded now (what happened in why); -1 not there or
 * not usable yet ("ca_file missing: /etc/kubernetes/pki/ca.crt" in why):
 * the run fails without connecting. */
int check_tls_ca_ready(SSL_CTX *ctx, char *why, size_t len);

/* What a connection sends and verifies: server_name, else the target's host;
 * an IP literal is verified as an address and sent without SNI. */
struct check_tls_peer {
	char name[CHECK_TARGET_HOST_MAX];
	bool is_ip;
	bool insecure; /* verify nothing */
};

/* The peer of an https check whose target is parsed. */
void check_tls_peer_init(struct check_tls_peer *peer, const struct check_config *cfg);

/* A client connection on fd for peer, resuming session (may be NULL). NULL
 * with the reason ("tls: cannot set the server name") in why. */
SSL *check_tls_conn_new(SSL_CTX *ctx, int fd, const struct check_tls_peer *peer,
			SSL_SESSION *session, char *why, size_t len);

/* How a failed SSL call ended. */
enum check_tls_io {
	CHECK_TLS_WANT_READ,
	CHECK_TLS_WANT_WRITE,
	CHECK_TLS_EOF,
	CHECK_TLS_ERROR,
};

/* Classify a failed SSL call (errno and the error queue cleared before it);
 * for CHECK_TLS_ERROR the reason ("connection reset", "tls: certificate
 * verify failed (hostname mismatch)") is in why. */
enum check_tls_io check_tls_io_kind(SSL *ssl, int rc, char *why, size_t len);

/* The session of ssl as a new reference when it can be resumed, else NULL. */
SSL_SESSION *check_tls_resumable(SSL *ssl);

#endif
