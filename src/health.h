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

/* A reload: checks equal in cfg keep running (state, schedule, kept
 * connections), others are built anew, dropped ones stop. Every instance
 * must then be attached again (health_attach), and health_start starts the
 * new checks. 0, or -1 with err and the running set untouched. */
int health_reconfigure(struct health *h, const struct config *cfg, char *err, size_t errlen);

/* Start running the checks (those not running yet). */
void health_start(struct health *h);

/* Stop every check (kill scripts, close connections) and free. */
void health_free(struct health *h);

/* The checks, for status. */
struct check;
size_t health_check_count(const struct health *h);
const struct check *health_check(const struct health *h, size_t i);

/* One line per check: state, last failure reason, counters. */
void health_print_status(const struct health *h, FILE *out);

#endif
