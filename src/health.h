/* Health: runs the configured checks and turns the states of the checks an
 * instance tracks into its effective priority (and Fault for a failing
 * weight-0 check). */
#ifndef VIPD_HEALTH_H
#define VIPD_HEALTH_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "loop.h"
#include "vrrp_instance.h"

struct health;

/* Build every configured check (not started). NULL with err. */
struct health *health_new(struct loop *loop, const struct config *cfg, char *err, size_t errlen);

/* Follow the checks one instance tracks and set its starting health. 0 or -1. */
int health_attach(struct health *h, struct vrrp_instance *in, char *err, size_t errlen);

/* Start running the checks. */
void health_start(struct health *h);

/* Stop every check (kill scripts, close connections) and free. */
void health_free(struct health *h);

/* One line per check: state, last failure reason, counters. */
void health_print_status(const struct health *h, FILE *out);

#endif
