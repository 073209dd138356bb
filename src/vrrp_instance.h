/* A configured instance at run time: one VRRP router per address family of
 * its VIPs, each binding a state machine to its socket, timers and VIPs, and
 * carrying out the machine's actions. */
#ifndef VIPD_VRRP_INSTANCE_H
#define VIPD_VRRP_INSTANCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "iface_table.h"
#include "loop.h"
#include "vrrp_fsm.h"

struct vrrp_instance;

/* Set up the routers of one instance (sockets, addresses, its interfaces
 * tracked in the table); not started yet. NULL with a message in err. */
struct vrrp_instance *vrrp_instance_new(struct loop *loop, struct iface_table *ifaces,
					const struct instance_config *cfg, char *err, size_t errlen);

/* A reload with the same identity (config_instance_same_identity): take
 * cfg's settings in place, keeping state, VIPs, timers and socket. cfg must
 * outlive the instance or the next reconfigure. 0, or -1 with err. */
int vrrp_instance_reconfigure(struct vrrp_instance *in, const struct instance_config *cfg,
			      char *err, size_t errlen);

/* The second step, once every kept instance did the first: claim (and as
 * Master add and announce) the new VIPs. 0, or -1 with err. */
int vrrp_instance_reconfigure_finish(struct vrrp_instance *in, char *err, size_t errlen);

/* Remove stale VIPs left by a previous run, then start the state machines. */
void vrrp_instance_start(struct vrrp_instance *in);

/* Graceful stop: a Master sends priority 0 and removes its VIPs. */
void vrrp_instance_stop(struct vrrp_instance *in);

void vrrp_instance_free(struct vrrp_instance *in);

/* A tracked condition outside VRRP changed: effective priority and whether a
 * weight-0 check or other external fault holds the instance in Fault; note
 * says which checks are down ("check apiserver down"), or is NULL. */
void vrrp_instance_set_health(struct vrrp_instance *in, uint8_t effective_priority,
			      bool external_fault, const char *note);

/* Planned handover: drained, the instance's routers give their VIPs away and
 * stay out of the election while another master is up; resume ends it. */
void vrrp_instance_set_drain(struct vrrp_instance *in, bool drained);
bool vrrp_instance_drained(const struct vrrp_instance *in);

/* Called on every state change of one of the instance's routers. */
typedef void (*vrrp_instance_state_cb)(void *arg, struct vrrp_instance *in, const char *family,
				       enum vrrp_state from, enum vrrp_state to, uint8_t priority,
				       const char *reason);
void vrrp_instance_set_state_cb(struct vrrp_instance *in, vrrp_instance_state_cb cb, void *arg);

/* The instance's config. */
const struct instance_config *vrrp_instance_config(const struct vrrp_instance *in);

/* Its routers (one per address family of its VIPs), for status. */
struct vrrp_router;
size_t vrrp_instance_router_count(const struct vrrp_instance *in);
const struct vrrp_router *vrrp_instance_router(const struct vrrp_instance *in, size_t i);
bool vrrp_instance_link_is_up(const struct vrrp_instance *in);

/* Whether any of its routers is Master (holds VIPs). */
bool vrrp_instance_holds_vips(const struct vrrp_instance *in);

/* Write one human-readable status block (state, priority, counters). */
void vrrp_instance_print_status(const struct vrrp_instance *in, FILE *out);

/* Write its routers' states on one line: "apiserver/IPv4 Master; apiserver/IPv6 Backup". */
void vrrp_instance_state_summary(const struct vrrp_instance *in, FILE *out);

#endif
