/* One network probe for a check: a non-blocking TCP connect, or an HTTPS GET
 * with OpenSSL, run inside the event loop (no fork). Where the server allows,
 * the connection stays open between runs (HTTP keep-alive; for tcp the
 * connected socket is kept) and its loss is reported at once. */
#ifndef VIPD_CHECK_NET_H
#define VIPD_CHECK_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "loop.h"

struct net_probe;

/* A run ended: ok, or not with a short reason ("connection refused",
 * "tls: certificate verify failed", "http status 503", "timeout", ...).
 * Called exactly once per net_probe_run, never from inside net_probe_run. */
typedef void (*net_probe_done_cb)(void *arg, bool ok, const char *reason);

/* Between runs, the kept-open connection was closed or reset by the peer. */
typedef void (*net_probe_lost_cb)(void *arg, const char *reason);

/* Set up a probe for a tcp or https check (the SSL_CTX is built here, once).
 * NULL with a message in err on a bad target, CA file or client certificate. */
struct net_probe *net_probe_new(struct loop *loop, const struct check_config *cfg,
				net_probe_done_cb done, net_probe_lost_cb lost, void *arg,
				char *err, size_t errlen);

/* Start one run that must finish within timeout (reusing a kept connection
 * when there is one). Must not be called while a run is in progress. */
void net_probe_run(struct net_probe *p, usec_t timeout);

/* Whether a run is in progress. */
bool net_probe_busy(const struct net_probe *p);

/* Keep connections open between runs (the default) or close each one after
 * its run (for measurements and servers that mind idle connections). */
void net_probe_set_keepalive(struct net_probe *p, bool on);

/* Abort any run, close the connection, free. */
void net_probe_free(struct net_probe *p);

#endif
