/* The HTTP listener of vipd.metrics_listen: GET /metrics (the Prometheus
 * text of `vipctl metrics`) and GET /healthz, nothing else (404 for other
 * paths, 405 for other methods, 400 for a malformed request). One request
 * per connection, answered with Connection: close. Non-blocking inside the
 * daemon's loop, no threads: at most METRICS_HTTP_MAX_CLIENTS connections
 * (more are closed at once), and each must send its request within
 * METRICS_HTTP_REQUEST_DEADLINE and take the answer within
 * METRICS_HTTP_SEND_DEADLINE, or it is closed. */
#ifndef VIPD_METRICS_HTTP_H
#define VIPD_METRICS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ipaddr.h"
#include "loop.h"

#define METRICS_HTTP_MAX_CLIENTS      32
#define METRICS_HTTP_REQUEST_DEADLINE (2 * USEC_PER_SEC)
#define METRICS_HTTP_SEND_DEADLINE    (5 * USEC_PER_SEC)
#define METRICS_HTTP_LINGER	      (USEC_PER_SEC / 2) /* after the answer: read and drop */

struct metrics_http;

/* Writes the metrics text into out; 0, or -1 (the client gets a 500). */
typedef int (*metrics_http_body_fn)(void *arg, FILE *out);

/* Listen on addr:port (bind before the privilege drop) and serve from loop;
 * body writes /metrics. The listener, or NULL with err. */
struct metrics_http *metrics_http_open(struct loop *loop, const struct ip_addr *addr, uint16_t port,
				       metrics_http_body_fn body, void *arg, char *err,
				       size_t errlen);

/* Whether it listens on addr:port. */
bool metrics_http_listens_on(const struct metrics_http *m, const struct ip_addr *addr,
			     uint16_t port);

/* Close every connection and the listener; NULL is fine. */
void metrics_http_close(struct metrics_http *m);

#endif
