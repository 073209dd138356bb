/* One VRRP router: one instance's VIPs of one address family, its state
 * machine, socket registration, timers and counters. Internal to
 * vrrp_instance; vrrp_router.c carries out the state machine's actions. */
#ifndef VIPD_VRRP_ROUTER_H
#define VIPD_VRRP_ROUTER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "iface_table.h"
#include "log.h"
#include "loop.h"
#include "vrrp_ah.h"
#include "vrrp_fsm.h"
#include "vrrp_packet.h"

struct vrrp_router;

/* How a router tells its owner (the instance) what happened. */
struct vrrp_router_owner {
	/* After each state change. */
	void (*on_state)(void *arg, struct vrrp_router *r, enum vrrp_state from,
			 enum vrrp_state to);
	/* The source address appeared, changed or vanished (have_primary). */
	void (*on_source)(void *arg, struct vrrp_router *r);
};

/* What a router runs on: shared by the routers of a daemon. */
struct vrrp_router_env {
	struct loop *loop;
	struct iface_table *ifaces;
	const struct vrrp_router_owner *owner;
	void *owner_arg;
};

struct vrrp_router {
	const struct instance_config *cfg;
	struct loop *loop;
	struct iface_table *ifaces;
	const struct vrrp_router_owner *owner;
	void *owner_arg;
	int ifindex;
	int vip_ifindex; /* where the VIPs are held: ifindex, or the vip_interface's */
	sa_family_t family;
	struct ip_prefix *vips; /* this family's VIPs (link-local first for IPv6) */
	size_t n_vips;
	struct ip_addr *peers; /* unicast peers of this family */
	size_t n_peers;
	struct vrrp_fsm fsm;
	struct vrrp_socket *sock;
	struct loop_timer fsm_timer;
	struct loop_timer announce_timer;
	unsigned announce_left;
	bool have_primary;
	bool fault_wanted; /* the fault the instance last asked for */
	size_t n_claimed;  /* at start: VIPs claimed so far in the interface table */
	struct ip_prefix *reload_old; /* between the two steps of a reconfigure */
	size_t n_reload_old;
	int reload_old_vip_ifindex; /* where reload_old were held */
	struct iface_watch source_watch;
	char health_note[96];  /* why the priority is what it is ("check X down") */
	bool priority_configured; /* the next priority change comes from a reload */
	const char *fault_note; /* why the instance holds us in Fault */
	struct vrrp_action last_change; /* the last STATE action, why included */
	char last_reason[160];  /* it, as one line */
	usec_t last_change_at;  /* monotonic; 0: never changed */
	int64_t last_change_unix;
	uint64_t rx_accepted;
	uint64_t tx_adverts;
	uint64_t tx_errors;
	uint64_t vip_restores;
	uint64_t drops[VRRP_DROP__COUNT];
	struct vrrp_ah_state ah; /* auth AH: the sequence number sent or accepted last */
	struct log_ratelimit drop_log;
	struct log_ratelimit mismatch_log;
};

/* Fill in a router for the instance's VIPs of one family on a tracked
 * interface (adverts on ifindex, VIPs held on vip_ifindex, also tracked;
 * announced only when the two are the same); 0 when it has none (n_vips
 * stays 0), -1 with err when its VIPs or socket cannot be set up. */
int vrrp_router_init(struct vrrp_router *r, const struct vrrp_router_env *env,
		     const struct instance_config *cfg, int ifindex, int vip_ifindex,
		     sa_family_t family, char *err, size_t errlen);

/* Remove stale VIPs, then feed the Startup event (and Fault first when
 * fault, its reason, is not NULL). */
void vrrp_router_start(struct vrrp_router *r, const char *fault);

/* Feed the Shutdown event: a Master sends priority 0 and drops its VIPs. */
void vrrp_router_stop(struct vrrp_router *r);

/* A reload with the same identity (interface, VRID, version, family,
 * unicast or not): take cfg's settings in place, keeping state, timers and
 * socket, in two steps so that a VIP may move between instances: first
 * every router lets go of (and a Master removes) the VIPs it no longer
 * has; then vrrp_router_reconfigure_finish claims (and a Master adds and
 * announces) the new ones. Priority comes separately
 * (vrrp_router_set_priority). 0, or -1 with err (out of memory; or, from
 * finish, a new VIP that another instance holds). vip_ifindex: where the
 * VIPs are held now; when it changed, every VIP moves (dropped from the old
 * interface, taken on the new one). */
int vrrp_router_reconfigure(struct vrrp_router *r, const struct instance_config *cfg,
			    int vip_ifindex, char *err, size_t errlen);
int vrrp_router_reconfigure_finish(struct vrrp_router *r, char *err, size_t errlen);

/* The interface is gone: let go of the socket bound to it; the router
 * sends nothing from now on (vrrp_router_release and init again to come
 * back). */
void vrrp_router_drop_socket(struct vrrp_router *r);

/* Unregister from the socket and the interface table, cancel timers. */
void vrrp_router_release(struct vrrp_router *r);

/* Enter or leave Fault; note says why (a string that lives as long as the
 * instance, e.g. "interface down"). */
void vrrp_router_set_fault(struct vrrp_router *r, bool fault, const char *note);

/* The effective priority changed; note says why ("check apiserver down"),
 * for the log line of a resulting transition. */
void vrrp_router_set_priority(struct vrrp_router *r, uint8_t priority, const char *note);

/* Drain (out of the election while another master is up) or resume. */
void vrrp_router_set_drain(struct vrrp_router *r, bool drained);

/* "IPv4" or "IPv6". */
const char *vrrp_router_family_name(const struct vrrp_router *r);

void vrrp_router_print_status(const struct vrrp_router *r, FILE *out);

#endif
