/* A configured instance at run time: its routers (one per address family of
 * its VIPs), the links it tracks, and its health from the checks. */
#include "vrrp_instance.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "netlink.h"
#include "vrrp_router.h"

#define INSTANCE_MAX_ROUTERS 2

/* While a router has no source address, look again this often: a failed
 * netlink dump must not leave it in Fault until the next address event. */
#define INSTANCE_PRIMARY_RETRY USEC_PER_SEC

static void instance_on_primary_retry(void *arg);

struct tracked_link {
	int ifindex;
	bool up;
};

struct vrrp_instance {
	const struct instance_config *cfg;
	struct loop *loop;
	int ifindex;
	bool link_up;
	struct tracked_link *tracked;
	size_t n_tracked;
	bool external_fault;
	bool started;
	struct loop_timer primary_retry;
	struct vrrp_router routers[INSTANCE_MAX_ROUTERS];
	size_t n_routers;
	vrrp_instance_state_cb on_state;
	void *on_state_arg;
};

static int instance_resolve_links(struct vrrp_instance *in, char *err, size_t errlen)
{
	size_t i;

	in->ifindex = (int)if_nametoindex(in->cfg->interface);
	if (in->ifindex == 0) {
		snprintf(err, errlen, "%s: interface '%s' does not exist", in->cfg->name,
			 in->cfg->interface);
		return -1;
	}
	netlink_monitor_watch(in->ifindex);
	in->link_up = netlink_link_is_up(in->ifindex);
	in->tracked = calloc(in->cfg->n_track_interfaces + 1, sizeof(*in->tracked));
	if (!in->tracked) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < in->cfg->n_track_interfaces; i++) {
		struct tracked_link *t = &in->tracked[i];

		t->ifindex = (int)if_nametoindex(in->cfg->track_interfaces[i]);
		if (t->ifindex == 0) {
			snprintf(err, errlen, "%s: tracked interface '%s' does not exist",
				 in->cfg->name, in->cfg->track_interfaces[i]);
			return -1;
		}
		netlink_monitor_watch(t->ifindex);
		t->up = netlink_link_is_up(t->ifindex);
	}
	in->n_tracked = in->cfg->n_track_interfaces;
	return 0;
}

static int instance_add_router(struct vrrp_instance *in, sa_family_t family, char *err,
			       size_t errlen)
{
	struct vrrp_router *r = &in->routers[in->n_routers];

	if (vrrp_router_init(r, in, in->cfg, in->loop, in->ifindex, family, err, errlen) < 0) {
		vrrp_router_release(r);
		return -1;
	}
	if (r->n_vips > 0)
		in->n_routers++;
	return 0;
}

struct vrrp_instance *vrrp_instance_new(struct loop *loop, const struct instance_config *cfg,
					char *err, size_t errlen)
{
	struct vrrp_instance *in = calloc(1, sizeof(*in));

	if (!in) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	in->cfg = cfg;
	in->loop = loop;
	loop_timer_init(&in->primary_retry, instance_on_primary_retry, in);
	if (instance_resolve_links(in, err, errlen) < 0 ||
	    instance_add_router(in, AF_INET, err, errlen) < 0 ||
	    instance_add_router(in, AF_INET6, err, errlen) < 0) {
		vrrp_instance_free(in);
		return NULL;
	}
	return in;
}

void vrrp_instance_set_state_cb(struct vrrp_instance *in, vrrp_instance_state_cb cb, void *arg)
{
	in->on_state = cb;
	in->on_state_arg = arg;
}

static const char *instance_fault_reason(const struct vrrp_instance *in,
					 const struct vrrp_router *r)
{
	size_t i;

	if (!in->link_up)
		return "interface down";
	for (i = 0; i < in->n_tracked; i++)
		if (!in->tracked[i].up)
			return "tracked interface down";
	if (in->external_fault)
		return "a weight-0 check failed";
	if (!r->have_primary)
		return "no source address";
	return NULL;
}

static void instance_update_faults(struct vrrp_instance *in)
{
	size_t i;

	if (!in->started)
		return;
	for (i = 0; i < in->n_routers; i++) {
		struct vrrp_router *r = &in->routers[i];
		const char *reason = instance_fault_reason(in, r);

		if (reason && !r->fault_wanted)
			log_warn("%s/%s: fault: %s", in->cfg->name, vrrp_router_family_name(r),
				 reason);
		vrrp_router_set_fault(r, reason != NULL);
		if (!r->have_primary && !loop_timer_armed(&in->primary_retry))
			loop_timer_arm(in->loop, &in->primary_retry,
				       time_now() + INSTANCE_PRIMARY_RETRY);
	}
}

static void instance_on_primary_retry(void *arg)
{
	struct vrrp_instance *in = arg;
	size_t i;

	for (i = 0; i < in->n_routers; i++)
		if (!in->routers[i].have_primary)
			vrrp_router_refresh_primary(&in->routers[i]);
	instance_update_faults(in);
}

void vrrp_instance_start(struct vrrp_instance *in)
{
	size_t i;

	in->started = true;
	for (i = 0; i < in->n_routers; i++) {
		struct vrrp_router *r = &in->routers[i];
		const char *reason = instance_fault_reason(in, r);

		if (reason)
			log_warn("%s/%s: starting in Fault: %s", in->cfg->name,
				 vrrp_router_family_name(r), reason);
		vrrp_router_start(r, reason != NULL);
	}
	instance_update_faults(in);
}

void vrrp_instance_stop(struct vrrp_instance *in)
{
	size_t i;

	for (i = 0; i < in->n_routers; i++)
		vrrp_router_stop(&in->routers[i]);
	loop_timer_cancel(in->loop, &in->primary_retry);
	in->started = false;
}

void vrrp_instance_free(struct vrrp_instance *in)
{
	size_t i;

	if (!in)
		return;
	loop_timer_cancel(in->loop, &in->primary_retry);
	for (i = 0; i < in->n_routers; i++)
		vrrp_router_release(&in->routers[i]);
	free(in->tracked);
	free(in);
}

void vrrp_instance_link_changed(struct vrrp_instance *in, int ifindex, bool up)
{
	size_t i;

	if (ifindex == in->ifindex)
		in->link_up = up;
	for (i = 0; i < in->n_tracked; i++)
		if (in->tracked[i].ifindex == ifindex)
			in->tracked[i].up = up;
	instance_update_faults(in);
}

void vrrp_instance_addr_changed(struct vrrp_instance *in, int ifindex,
				const struct ip_addr *addr, bool added)
{
	size_t i;

	if (ifindex != in->ifindex)
		return;
	for (i = 0; i < in->n_routers; i++) {
		struct vrrp_router *r = &in->routers[i];

		if (r->family == addr->family)
			vrrp_router_refresh_primary(r);
	}
	/* Faults first: a Master that lost its source address goes to Fault
	 * rather than restoring a VIP the kernel dropped with that address. */
	instance_update_faults(in);
	for (i = 0; !added && i < in->n_routers; i++)
		if (in->routers[i].family == addr->family)
			vrrp_router_addr_removed(&in->routers[i], addr);
}

void vrrp_instance_set_health(struct vrrp_instance *in, uint8_t effective_priority,
			      bool external_fault)
{
	size_t i;

	in->external_fault = external_fault;
	for (i = 0; i < in->n_routers; i++)
		vrrp_router_set_priority(&in->routers[i], effective_priority);
	instance_update_faults(in);
}

void vrrp_instance_on_state(struct vrrp_instance *in, struct vrrp_router *r,
			    enum vrrp_state from, enum vrrp_state to)
{
	if (in->on_state)
		in->on_state(in->on_state_arg, in, vrrp_router_family_name(r), from, to,
			     r->fsm.priority);
}

const struct instance_config *vrrp_instance_config(const struct vrrp_instance *in)
{
	return in->cfg;
}

void vrrp_instance_print_status(const struct vrrp_instance *in, FILE *out)
{
	size_t i;

	fprintf(out, "instance %s: interface %s (%s), vrid %u, version %u\n", in->cfg->name,
		in->cfg->interface, in->link_up ? "up" : "down", in->cfg->vrid,
		in->cfg->version);
	for (i = 0; i < in->n_routers; i++)
		vrrp_router_print_status(&in->routers[i], out);
}
