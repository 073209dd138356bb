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

struct check_net;

/* A run ended: ok, or not with a short reason ("connection refused",
 * "tls: certificate verify failed", "http status 503", "timeout", ...).
 * Called exactly once per check_net_run, never from inside check_net_run. */
typedef void (*check_net_done_cb)(void *arg, bool ok, const char *reason);

/* Between runs, the kept-open connection was closed or reset by the peer. */
typedef void (*check_net_lost_cb)(void *arg, const char *reason);

/* Set up a probe for a tcp or https check whose target is parsed (cfg->net,
 * as config_load leaves it); the SSL_CTX is built here, once. NULL with a
 * message in err on a CA file or client certificate that does not load. */
struct check_net *check_net_new(struct loop *loop, const struct check_config *cfg,
				check_net_done_cb done, check_net_lost_cb lost, void *arg,
				char *err, size_t errlen);

/* Start one run that must finish within timeout (reusing a kept connection
 * when there is one). Must not be called while a run is in progress. */
void check_net_run(struct check_net *p, usec_t timeout);

/* Whether a run is in progress. */
bool check_net_busy(const struct check_net *p);

/* Keep connections open between runs (the default) or close each one after
 * its run (for measurements and servers that mind idle connections). */
void check_net_set_keepalive(struct check_net *p, bool on);

/* Abort any run, close the connection, free. */
void check_net_free(struct check_net *p);

#endif
