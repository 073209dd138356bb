/* A configured instance at run time: its routers (one per address family of
 * its VIPs), the links it tracks, and its health from the checks. */
#include "vrrp_instance.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "vrrp_router.h"

#define INSTANCE_MAX_ROUTERS 2

/* An interface whose link state the instance follows: its own, or a
 * tracked one. Deleted, it is awaited by name until one of that name
 * appears (a new ifindex): then the instance follows that one. */
struct tracked_link {
	int ifindex; /* 0: not set up */
	struct iface_watch watch;
	char name[IF_NAMESIZE];
	struct iface_watch name_watch; /* while awaiting */
	bool awaiting;
};

/* A router's counters, carried over when it is set up again on a new
 * interface (they count for the process's life), and its AH sequence (a
 * peer would take a restart from 1 for replays). */
struct router_tally {
	sa_family_t family;
	struct vrrp_ah_state ah;
	uint64_t rx_accepted, tx_adverts, tx_errors, vip_restores;
	uint64_t drops[VRRP_DROP__COUNT];
	unsigned transitions[VRRP_STATE__COUNT];
};

struct vrrp_instance {
	const struct instance_config *cfg;
	struct loop *loop;
	struct iface_table *ifaces;
	int ifindex;
	bool link_up;
	struct tracked_link link;
	struct tracked_link vip_link; /* vip_interface; ifindex 0 when the VIPs are on link */
	struct tracked_link *tracked;
	size_t n_tracked;
	bool external_fault;
	char health_note[96]; /* which checks are down, from health */
	bool drained;
	bool started;
	bool detached;              /* an interface was deleted: routers to set up again */
	struct loop_timer relink;   /* look for an awaited interface by name */
	uint8_t effective_priority; /* the last set_health, to set up routers again */
	bool health_set;
	struct router_tally tally[INSTANCE_MAX_ROUTERS];
	size_t n_tally;
	struct vrrp_router routers[INSTANCE_MAX_ROUTERS];
	size_t n_routers;
	vrrp_instance_state_cb on_state;
	void *on_state_arg;
};

static void instance_update_faults(struct vrrp_instance *in);
static void instance_note_gone(struct vrrp_instance *in);

static bool instance_link_up(const struct vrrp_instance *in, const struct tracked_link *t)
{
	return iface_table_link_up(in->ifaces, t->ifindex);
}

static void instance_on_link(void *arg)
{
	struct vrrp_instance *in = arg;

	in->link_up = instance_link_up(in, &in->link);
	instance_note_gone(in);
	instance_update_faults(in);
}

/* A link of the awaited name appeared: look it up, out of the commit. */
static void instance_on_name(void *arg)
{
	struct vrrp_instance *in = arg;

	loop_timer_arm(in->loop, &in->relink, time_now());
}

/* Track ifname in the interface table and watch its link. 0 or -1. */
static int instance_track(struct vrrp_instance *in, struct tracked_link *t, const char *ifname,
			  const char *what, char *err, size_t errlen)
{
	int ifindex = (int)if_nametoindex(ifname);

	if (ifindex == 0) {
		snprintf(err, errlen, "%s: %s '%s' does not exist", in->cfg->name, what, ifname);
		return -1;
	}
	if (iface_table_track(in->ifaces, ifindex) < 0)
		log_warn("%s: cannot read the state of %s yet: retrying", in->cfg->name, ifname);
	t->ifindex = ifindex;
	snprintf(t->name, sizeof(t->name), "%s", ifname);
	t->awaiting = false;
	iface_watch_init(&t->name_watch, instance_on_name, in);
	iface_watch_init(&t->watch, instance_on_link, in);
	iface_table_watch_link(in->ifaces, ifindex, &t->watch);
	return 0;
}

static void instance_untrack(struct vrrp_instance *in, struct tracked_link *t)
{
	if (t->ifindex == 0)
		return;
	iface_table_unwatch(in->ifaces, &t->name_watch);
	iface_table_unwatch(in->ifaces, &t->watch);
	iface_table_untrack(in->ifaces, t->ifindex);
	t->ifindex = 0;
}

static int instance_resolve_tracked(struct vrrp_instance *in, char *err, size_t errlen)
{
	size_t i;

	in->tracked = calloc(in->cfg->n_track_interfaces + 1, sizeof(*in->tracked));
	if (!in->tracked) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < in->cfg->n_track_interfaces; i++) {
		if (instance_track(in, &in->tracked[i], in->cfg->track_interfaces[i],
				   "tracked interface", err, errlen) < 0)
			return -1;
		in->n_tracked++;
	}
	return 0;
}

/* The interface the VIPs are held on: the instance's own, or vip_interface. */
static int instance_vip_ifindex(const struct vrrp_instance *in)
{
	return in->vip_link.ifindex ? in->vip_link.ifindex : in->ifindex;
}

static int instance_resolve_vip_link(struct vrrp_instance *in, struct tracked_link *t, char *err,
				     size_t errlen)
{
	t->ifindex = 0;
	if (!in->cfg->vip_interface[0])
		return 0;
	return instance_track(in, t, in->cfg->vip_interface, "vip_interface", err, errlen);
}

static int instance_resolve_links(struct vrrp_instance *in, char *err, size_t errlen)
{

	if (instance_track(in, &in->link, in->cfg->interface, "interface", err, errlen) < 0 ||
	    instance_resolve_vip_link(in, &in->vip_link, err, errlen) < 0)
		return -1;
	in->ifindex = in->link.ifindex;
	in->link_up = instance_link_up(in, &in->link);
	return instance_resolve_tracked(in, err, errlen);
}

static void instance_on_router_state(void *arg, struct vrrp_router *r, enum vrrp_state from,
				     enum vrrp_state to)
{
	struct vrrp_instance *in = arg;

	if (in->on_state)
		in->on_state(in->on_state_arg, in, vrrp_router_family_name(r), from, to,
			     r->fsm.priority, r->last_reason);
}

static void instance_on_router_source(void *arg, struct vrrp_router *r)
{
	(void)r;
	instance_update_faults(arg);
}

static const struct vrrp_router_owner instance_router_owner = {
	.on_state = instance_on_router_state,
	.on_source = instance_on_router_source,
};

static int instance_add_router(struct vrrp_instance *in, sa_family_t family, char *err,
			       size_t errlen)
{
	struct vrrp_router *r = &in->routers[in->n_routers];
	struct vrrp_router_env env = { in->loop, in->ifaces, &instance_router_owner, in };

	if (vrrp_router_init(r, &env, in->cfg, in->ifindex, instance_vip_ifindex(in), family, err,
			     errlen) < 0) {
		vrrp_router_release(r);
		return -1;
	}
	if (r->n_vips > 0)
		in->n_routers++;
	return 0;
}

/* ---- a deleted interface, and one of its name again ---- */

static void tally_save(struct router_tally *t, const struct vrrp_router *r)
{
	t->family = r->family;
	t->ah = r->ah;
	t->rx_accepted = r->rx_accepted;
	t->tx_adverts = r->tx_adverts;
	t->tx_errors = r->tx_errors;
	t->vip_restores = r->vip_restores;
	memcpy(t->drops, r->drops, sizeof(t->drops));
	memcpy(t->transitions, r->fsm.transitions, sizeof(t->transitions));
}

static void tally_restore(const struct router_tally *t, struct vrrp_router *r)
{
	size_t i;

	r->ah = t->ah;
	r->rx_accepted += t->rx_accepted;
	r->tx_adverts += t->tx_adverts;
	r->tx_errors += t->tx_errors;
	r->vip_restores += t->vip_restores;
	for (i = 0; i < VRRP_DROP__COUNT; i++)
		r->drops[i] += t->drops[i];
	for (i = 0; i < VRRP_STATE__COUNT; i++)
		r->fsm.transitions[i] += t->transitions[i];
}

/* Let go of the routers (socket, VIP claims, timers), keeping their counters. */
static void instance_release_routers(struct vrrp_instance *in)
{
	size_t i;

	if (in->n_routers > 0)
		in->n_tally = in->n_routers;
	for (i = 0; i < in->n_routers; i++) {
		tally_save(&in->tally[i], &in->routers[i]);
		vrrp_router_release(&in->routers[i]);
	}
	in->n_routers = 0;
}

static void instance_restore_tallies(struct vrrp_instance *in)
{
	size_t i, k;

	for (i = 0; i < in->n_routers; i++)
		for (k = 0; k < in->n_tally; k++)
			if (in->tally[k].family == in->routers[i].family)
				tally_restore(&in->tally[k], &in->routers[i]);
	in->n_tally = 0;
}

/* Health and drain as they were, on routers set up again (not started). */
static void instance_reapply(struct vrrp_instance *in)
{
	size_t i;

	for (i = 0; i < in->n_routers; i++) {
		if (in->health_set)
			vrrp_router_set_priority(&in->routers[i], in->effective_priority,
						 in->health_note);
		if (in->drained)
			vrrp_router_set_drain(&in->routers[i], true);
	}
}

static bool instance_await(struct vrrp_instance *in, struct tracked_link *t)
{
	if (t->ifindex == 0 || t->awaiting || !iface_table_link_gone(in->ifaces, t->ifindex))
		return false;
	t->awaiting = true;
	iface_table_watch_name(in->ifaces, t->name, &t->name_watch);
	log_warn("%s: %s (ifindex %d) was deleted: waiting for an interface of that name",
		 in->cfg->name, t->name, t->ifindex);
	return true;
}

/* A deleted interface is awaited by name. The instance's own: its routers
 * let go of the sockets bound to it first, so that the Fault that follows
 * sends nothing (and removes no VIP) there. */
static void instance_note_gone(struct vrrp_instance *in)
{
	bool any = instance_await(in, &in->link);
	size_t i;

	for (i = 0; i < in->n_tracked; i++)
		any = instance_await(in, &in->tracked[i]) || any;
	any = instance_await(in, &in->vip_link) || any;
	if (in->link.awaiting && !in->detached) {
		for (i = 0; i < in->n_routers; i++)
			vrrp_router_drop_socket(&in->routers[i]);
		in->detached = true;
	}
	if (any && in->loop) /* it may be back already: its event came before the watch */
		loop_timer_arm(in->loop, &in->relink, time_now());
}

/* The ifindex of the interface now called t->name, or 0 while there is
 * none (or only the deleted one, its removal not yet read). */
static int instance_find_again(const struct vrrp_instance *in, const struct tracked_link *t)
{
	int ifindex = (int)if_nametoindex(t->name);

	if (ifindex == t->ifindex && iface_table_link_gone(in->ifaces, t->ifindex))
		return 0;
	return ifindex;
}

/* Follow t's interface under ifindex, and let go of the deleted one. */
static void instance_relink(struct vrrp_instance *in, struct tracked_link *t, int ifindex)
{
	int old = t->ifindex;

	if (iface_table_track(in->ifaces, ifindex) < 0)
		log_warn("%s: cannot read the state of %s yet: retrying", in->cfg->name, t->name);
	iface_table_unwatch(in->ifaces, &t->name_watch);
	iface_table_unwatch(in->ifaces, &t->watch);
	t->awaiting = false;
	t->ifindex = ifindex;
	iface_table_watch_link(in->ifaces, ifindex, &t->watch);
	iface_table_untrack(in->ifaces, old);
	log_notice("%s: %s is back as ifindex %d (was %d)", in->cfg->name, t->name, ifindex, old);
}

/* The links the routers stand on (the instance's own, vip_interface) are
 * followed once every deleted one of them is back, and only after the
 * routers let go of them (their watches live on the old ones). */
static void instance_relink_own(struct vrrp_instance *in)
{
	int link = in->link.awaiting ? instance_find_again(in, &in->link) : 0;
	int vip = in->vip_link.awaiting ? instance_find_again(in, &in->vip_link) : 0;

	if ((in->link.awaiting && !link) || (in->vip_link.awaiting && !vip) || (!link && !vip))
		return;
	instance_release_routers(in);
	if (link)
		instance_relink(in, &in->link, link);
	if (vip)
		instance_relink(in, &in->vip_link, vip);
	in->detached = true; /* set up again on the new ones */
}

static int instance_add_router(struct vrrp_instance *in, sa_family_t family, char *err,
			       size_t errlen);

/* The routers set up again on the instance's interface, as at start (socket,
 * VIP claims, source address, health), and started: Init, then Backup. */
static void instance_rebuild(struct vrrp_instance *in)
{
	char err[CONFIG_ERR_MAX];

	instance_release_routers(in);
	in->ifindex = in->link.ifindex;
	in->link_up = instance_link_up(in, &in->link);
	if (instance_add_router(in, AF_INET, err, sizeof(err)) < 0 ||
	    instance_add_router(in, AF_INET6, err, sizeof(err)) < 0) {
		instance_release_routers(in);
		log_err("%s: cannot set up again on %s: %s; retrying in 1 s", in->cfg->name,
			in->link.name, err);
		loop_timer_arm(in->loop, &in->relink, time_now() + USEC_PER_SEC);
		return;
	}
	in->detached = false;
	instance_restore_tallies(in);
	instance_reapply(in);
	log_notice("%s: set up again on %s (ifindex %d)", in->cfg->name, in->link.name,
		   in->ifindex);
	if (in->started)
		vrrp_instance_start(in);
}

static void instance_on_relink(void *arg)
{
	struct vrrp_instance *in = arg;
	size_t i;

	for (i = 0; i < in->n_tracked; i++) {
		int ifindex = in->tracked[i].awaiting ? instance_find_again(in, &in->tracked[i]) : 0;

		if (ifindex)
			instance_relink(in, &in->tracked[i], ifindex);
	}
	if (in->started)
		instance_relink_own(in);
	if (in->detached && !in->link.awaiting && !in->vip_link.awaiting && in->started)
		instance_rebuild(in);
	instance_update_faults(in);
}

struct vrrp_instance *vrrp_instance_new(struct loop *loop, struct iface_table *ifaces,
					const struct instance_config *cfg, char *err, size_t errlen)
{
	struct vrrp_instance *in = calloc(1, sizeof(*in));

	if (!in) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	in->cfg = cfg;
	in->loop = loop;
	in->ifaces = ifaces;
	loop_timer_init(&in->relink, instance_on_relink, in);
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
		if (!instance_link_up(in, &in->tracked[i]))
			return "tracked interface down";
	if (in->vip_link.ifindex && !instance_link_up(in, &in->vip_link))
		return "vip_interface down";
	if (in->external_fault)
		return in->health_note[0] ? in->health_note : "a weight-0 check failed";
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
		vrrp_router_set_fault(r, reason != NULL, reason);
	}
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
		vrrp_router_start(r, reason);
	}
	instance_update_faults(in);
}

void vrrp_instance_stop(struct vrrp_instance *in)
{
	size_t i;

	for (i = 0; i < in->n_routers; i++)
		vrrp_router_stop(&in->routers[i]);
	in->started = false;
	if (in->loop)
		loop_timer_cancel(in->loop, &in->relink);
}

void vrrp_instance_free(struct vrrp_instance *in)
{
	size_t i;

	if (!in)
		return;
	if (in->loop)
		loop_timer_cancel(in->loop, &in->relink);
	for (i = 0; i < in->n_routers; i++)
		vrrp_router_release(&in->routers[i]);
	for (i = 0; i < in->n_tracked; i++)
		instance_untrack(in, &in->tracked[i]);
	instance_untrack(in, &in->vip_link);
	instance_untrack(in, &in->link);
	free(in->tracked);
	free(in);
}

void vrrp_instance_set_health(struct vrrp_instance *in, uint8_t effective_priority,
			      bool external_fault, const char *note)
{
	size_t i;

	in->external_fault = external_fault;
	in->effective_priority = effective_priority;
	in->health_set = true;
	snprintf(in->health_note, sizeof(in->health_note), "%s", note ? note : "");
	for (i = 0; i < in->n_routers; i++)
		vrrp_router_set_priority(&in->routers[i], effective_priority, in->health_note);
	instance_update_faults(in);
}

void vrrp_instance_set_drain(struct vrrp_instance *in, bool drained)
{
	size_t i;

	in->drained = drained;
	for (i = 0; i < in->n_routers; i++)
		vrrp_router_set_drain(&in->routers[i], drained);
}

bool vrrp_instance_drained(const struct vrrp_instance *in)
{
	return in->drained;
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

void vrrp_instance_state_summary(const struct vrrp_instance *in, FILE *out)
{
	size_t i;

	for (i = 0; i < in->n_routers; i++)
		fprintf(out, "%s%s/%s %s", i ? "; " : "", in->cfg->name,
			vrrp_router_family_name(&in->routers[i]),
			vrrp_state_name(in->routers[i].fsm.state));
}

/* Track the new list of interfaces before letting go of the old one, so an
 * interface in both is never untracked (and reloaded) on the way. */
static int instance_retrack(struct vrrp_instance *in, char *err, size_t errlen)
{
	struct tracked_link *old = in->tracked;
	size_t n_old = in->n_tracked, i;

	in->tracked = NULL;
	in->n_tracked = 0;
	if (instance_resolve_tracked(in, err, errlen) < 0) {
		for (i = 0; i < in->n_tracked; i++)
			instance_untrack(in, &in->tracked[i]);
		free(in->tracked);
		in->tracked = old;
		in->n_tracked = n_old;
		return -1;
	}
	for (i = 0; i < n_old; i++)
		instance_untrack(in, &old[i]);
	free(old);
	return 0;
}

/* A new vip_interface is tracked before the routers move their VIPs to it;
 * the old one (*gone) is untracked by the caller after they let go of it. */
static int instance_retrack_vip_link(struct vrrp_instance *in, const struct instance_config *old,
				     int *gone, char *err, size_t errlen)
{
	struct tracked_link t = { 0 };

	*gone = 0;
	if (strcmp(old->vip_interface, in->cfg->vip_interface) == 0)
		return 0;
	if (instance_resolve_vip_link(in, &t, err, errlen) < 0)
		return -1;
	if (t.ifindex)
		iface_table_unwatch(in->ifaces, &t.watch); /* watched from in->vip_link below */
	if (in->vip_link.ifindex)
		iface_table_unwatch(in->ifaces, &in->vip_link.watch);
	*gone = in->vip_link.ifindex;
	iface_table_unwatch(in->ifaces, &in->vip_link.name_watch);
	in->vip_link.awaiting = false;
	memcpy(in->vip_link.name, t.name, sizeof(t.name));
	in->vip_link.ifindex = t.ifindex;
	if (t.ifindex) {
		iface_watch_init(&in->vip_link.watch, instance_on_link, in);
		iface_table_watch_link(in->ifaces, t.ifindex, &in->vip_link.watch);
	}
	return 0;
}

int vrrp_instance_reconfigure(struct vrrp_instance *in, const struct instance_config *cfg,
			      char *err, size_t errlen)
{
	const struct instance_config *old = in->cfg;
	int gone;
	size_t i;

	in->cfg = cfg;
	if (instance_retrack(in, err, errlen) < 0 ||
	    instance_retrack_vip_link(in, old, &gone, err, errlen) < 0) {
		in->cfg = old;
		return -1;
	}
	for (i = 0; i < in->n_routers; i++)
		if (vrrp_router_reconfigure(&in->routers[i], cfg, instance_vip_ifindex(in), err,
					    errlen) < 0)
			break;
	if (gone)
		iface_table_untrack(in->ifaces, gone);
	return i < in->n_routers ? -1 : 0;
}

int vrrp_instance_reconfigure_finish(struct vrrp_instance *in, char *err, size_t errlen)
{
	int rc = 0;
	size_t i;

	for (i = 0; i < in->n_routers; i++)
		if (vrrp_router_reconfigure_finish(&in->routers[i], err, errlen) < 0)
			rc = -1;
	instance_update_faults(in);
	return rc;
}

size_t vrrp_instance_router_count(const struct vrrp_instance *in)
{
	return in->n_routers;
}

const struct vrrp_router *vrrp_instance_router(const struct vrrp_instance *in, size_t i)
{
	return i < in->n_routers ? &in->routers[i] : NULL;
}

bool vrrp_instance_link_is_up(const struct vrrp_instance *in)
{
	return in->link_up;
}

bool vrrp_instance_holds_vips(const struct vrrp_instance *in)
{
	size_t i;

	for (i = 0; i < in->n_routers; i++)
		if (in->routers[i].fsm.state == VRRP_STATE_MASTER)
			return true;
	return false;
}
