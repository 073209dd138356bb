/* A VRRP router: validates received adverts, feeds the state machine, and
 * carries out its actions (send, add/remove VIPs, announce). */
#include "vrrp_router.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "announce.h"
#include "netlink.h"
#include "vrrp_ah.h"
#include "vrrp_socket.h"

static void router_handle(struct vrrp_router *r, const struct vrrp_fsm_event *ev);

const char *vrrp_router_family_name(const struct vrrp_router *r)
{
	return r->family == AF_INET ? "IPv4" : "IPv6";
}

/* ---- sending ------------------------------------------------------------- */

static void router_fill_advert(const struct vrrp_router *r, uint8_t priority,
			       struct vrrp_advert *adv)
{
	size_t i;

	memset(adv, 0, offsetof(struct vrrp_advert, addrs));
	adv->version = r->cfg->version;
	adv->type = VRRP_TYPE_ADVERT;
	adv->vrid = r->cfg->vrid;
	adv->priority = priority;
	adv->count = (uint8_t)r->n_vips;
	adv->interval_cs = r->cfg->advert_interval_cs;
	adv->family = r->family;
	adv->csum_form = r->cfg->v3_checksum;
	if (adv->version == 2)
		vrrp_packet_set_v2_auth(adv, r->cfg->auth_type, r->cfg->auth_password);
	for (i = 0; i < r->n_vips; i++)
		adv->addrs[i] = r->vips[i].addr;
}

/* AH: the message inside AH inside an IPv4 header of our own (vrrp_ah.c). */
static int router_send_ah(struct vrrp_router *r, const struct ip_addr *dst, const uint8_t *msg,
			  size_t len)
{
	struct vrrp_ah_send p = { &r->fsm.cfg.primary, dst, r->cfg->auth_password,
				  r->n_peers > 0 };
	uint8_t pkt[VRRP_AH_IP_LEN + VRRP_AH_LEN + VRRP_MAX_PACKET];
	ssize_t n;

	vrrp_ah_next(&r->ah);
	n = vrrp_ah_build(&p, &r->ah, msg, len, pkt, sizeof(pkt));
	if (n < 0) {
		errno = EINVAL;
		return -1;
	}
	return vrrp_socket_send_ip(r->sock, dst, pkt, (size_t)n);
}

static int router_send_msg(struct vrrp_router *r, const struct ip_addr *dst, const uint8_t *msg,
			   size_t len)
{
	if (r->cfg->auth_type == VRRP_AUTH_AH)
		return router_send_ah(r, dst, msg, len);
	return vrrp_socket_send(r->sock, &r->fsm.cfg.primary, dst, msg, len);
}

static void router_send_to(struct vrrp_router *r, const struct vrrp_advert *adv,
			   const struct ip_addr *dst)
{
	uint8_t buf[VRRP_MAX_PACKET];
	char addr[IPADDR_STRLEN];
	ssize_t len;

	len = vrrp_packet_encode(adv, &r->fsm.cfg.primary, dst, buf, sizeof(buf));
	if (len < 0) {
		r->tx_errors++;
		log_err("%s/%s: cannot encode an advertisement", r->cfg->name,
			vrrp_router_family_name(r));
		return;
	}
	if (router_send_msg(r, dst, buf, (size_t)len) < 0) {
		r->tx_errors++;
		/* ENODEV: the interface is being deleted, which the instance logs */
		if (errno != ENODEV && log_ratelimit_allow(&r->drop_log, time_now()))
			log_warn("%s/%s: send to %s: %s", r->cfg->name,
				 vrrp_router_family_name(r), ipaddr_str(dst, addr),
				 strerror(errno));
		return;
	}
	r->tx_adverts++;
}

static void router_send_advert(struct vrrp_router *r, uint8_t priority)
{
	struct vrrp_advert adv;
	struct ip_addr group;
	size_t i;

	if (!r->have_primary || !r->sock)
		return;
	router_fill_advert(r, priority, &adv);
	if (r->n_peers == 0) {
		vrrp_socket_group(r->family, &group);
		router_send_to(r, &adv, &group);
		return;
	}
	for (i = 0; i < r->n_peers; i++)
		if (!ipaddr_equal(&r->peers[i], &r->fsm.cfg.primary))
			router_send_to(r, &adv, &r->peers[i]);
}

/* ---- VIPs and announcements ---------------------------------------------- */

/* 0 added, 1 it was there, -1 failed (logged). */
static int router_add_vip(struct vrrp_router *r, const struct ip_prefix *vip)
{
	char err[256];
	int rc = netlink_vip_add(r->vip_ifindex, vip, err, sizeof(err));

	if (rc < 0)
		log_err("%s/%s: %s", r->cfg->name, vrrp_router_family_name(r), err);
	return rc;
}

static void router_add_vips(struct vrrp_router *r)
{
	size_t i;

	for (i = 0; i < r->n_vips; i++)
		router_add_vip(r, &r->vips[i]);
}

static void router_del_vips(struct vrrp_router *r)
{
	char err[256];
	size_t i;

	for (i = 0; i < r->n_vips; i++)
		if (netlink_vip_del(r->vip_ifindex, &r->vips[i], err, sizeof(err)) < 0)
			log_err("%s/%s: %s", r->cfg->name, vrrp_router_family_name(r), err);
}

/* VIPs held on a vip_interface have no segment to announce them on. */
static bool router_announces(const struct vrrp_router *r)
{
	return r->vip_ifindex == r->ifindex;
}

static void router_announce_once(struct vrrp_router *r)
{
	uint8_t mac[6];
	size_t i;
	int rc;

	if (iface_table_mac(r->ifaces, r->ifindex, mac) < 0)
		return;
	for (i = 0; i < r->n_vips; i++) {
		const struct ip_addr *vip = &r->vips[i].addr;

		if (vip->family == AF_INET)
			rc = announce_garp(r->ifindex, mac, &vip->u.v4);
		else
			rc = announce_unsolicited_na(r->ifindex, mac, &vip->u.v6);
		if (rc < 0 && log_ratelimit_allow(&r->drop_log, time_now()))
			log_warn("%s/%s: announce: %s", r->cfg->name,
				 vrrp_router_family_name(r), strerror(errno));
	}
}

static void router_on_announce_timer(void *arg)
{
	struct vrrp_router *r = arg;

	if (r->fsm.state != VRRP_STATE_MASTER)
		return;
	router_announce_once(r);
	if (r->announce_left > 0)
		r->announce_left--;
	if (r->announce_left > 0)
		loop_timer_arm(r->loop, &r->announce_timer, time_now() + r->cfg->garp_interval);
	else if (r->cfg->garp_refresh > 0)
		loop_timer_arm(r->loop, &r->announce_timer, time_now() + r->cfg->garp_refresh);
}

static void router_start_announce(struct vrrp_router *r)
{
	if (r->cfg->garp_count == 0 || !router_announces(r))
		return;
	r->announce_left = r->cfg->garp_count;
	router_on_announce_timer(r);
}

/* ---- the state machine's actions ----------------------------------------- */

/* The reason of a state change as one line, with what only the instance
 * knows (which check, which fault). */
static void router_reason_text(const struct vrrp_router *r, const struct vrrp_why *why,
			       char *buf, size_t len)
{
	if (why->reason == VRRP_REASON_RESIGNED && r->health_note[0])
		snprintf(buf, len, "resigned: %s, priority %u -> %u", r->health_note,
			 why->old_priority, why->new_priority);
	else if (why->reason == VRRP_REASON_FAULT && r->fault_note)
		snprintf(buf, len, "fault: %s", r->fault_note);
	else
		vrrp_why_format(why, buf, len);
}

static void router_note_change(struct vrrp_router *r, const struct vrrp_action *a)
{
	struct timespec ts;

	r->last_change = *a;
	r->last_change_at = time_now();
	clock_gettime(CLOCK_REALTIME, &ts);
	r->last_change_unix = ts.tv_sec;
	router_reason_text(r, &a->why, r->last_reason, sizeof(r->last_reason));
}

static void router_do_action(struct vrrp_router *r, const struct vrrp_action *a)
{
	switch (a->type) {
	case VRRP_ACT_SEND_ADVERT:
		router_send_advert(r, a->priority);
		break;
	case VRRP_ACT_ADD_VIPS:
		router_add_vips(r);
		break;
	case VRRP_ACT_DEL_VIPS:
		loop_timer_cancel(r->loop, &r->announce_timer);
		router_del_vips(r);
		break;
	case VRRP_ACT_ANNOUNCE:
		router_start_announce(r);
		break;
	case VRRP_ACT_STATE:
		router_note_change(r, a);
		log_notice("%s/%s: %s -> %s (%s)", r->cfg->name, vrrp_router_family_name(r),
			   vrrp_state_name(a->from), vrrp_state_name(a->to), r->last_reason);
		r->owner->on_state(r->owner_arg, r, a->from, a->to);
		break;
	}
}

static void router_arm_timer(struct vrrp_router *r)
{
	usec_t deadline = vrrp_fsm_next_deadline(&r->fsm);

	if (deadline == 0)
		loop_timer_cancel(r->loop, &r->fsm_timer);
	else
		loop_timer_arm(r->loop, &r->fsm_timer, deadline);
}

static void router_handle(struct vrrp_router *r, const struct vrrp_fsm_event *ev)
{
	struct vrrp_actions actions;
	unsigned i;

	vrrp_fsm_handle(&r->fsm, ev, &actions);
	for (i = 0; i < actions.count; i++)
		router_do_action(r, &actions.list[i]);
	router_arm_timer(r);
}

static void router_feed(struct vrrp_router *r, enum vrrp_event_type type)
{
	struct vrrp_fsm_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.now = time_now();
	router_handle(r, &ev);
}

static void router_on_fsm_timer(void *arg)
{
	router_feed(arg, VRRP_EV_TIMER);
}

/* ---- receiving ----------------------------------------------------------- */

static void router_drop(struct vrrp_router *r, enum vrrp_drop_reason reason,
			const struct ip_addr *src)
{
	char addr[IPADDR_STRLEN];

	r->drops[reason]++;
	if (reason == VRRP_DROP_OWN)
		return;
	if (log_ratelimit_allow(&r->drop_log, time_now()))
		log_warn("%s/%s: dropped an advertisement from %s: %s", r->cfg->name,
			 vrrp_router_family_name(r), ipaddr_str(src, addr),
			 vrrp_drop_reason_name(reason));
}

/* AH: ICV, SPI and sequence (vrrp_ah.c) before anything else of v2. */
static enum vrrp_drop_reason router_check_v2(struct vrrp_router *r, const struct vrrp_rx *rx,
					     const struct vrrp_advert *adv)
{
	enum vrrp_drop_reason reason;

	if (rx->had_ah != (r->cfg->auth_type == VRRP_AUTH_AH))
		return VRRP_DROP_AUTH_TYPE;
	if (rx->had_ah) {
		reason = vrrp_ah_verify(rx->ip, rx->ip_len, r->cfg->auth_password, r->n_peers > 0,
					&r->ah);
		if (reason != VRRP_DROP_NONE)
			return reason;
	}
	reason = vrrp_packet_check_v2_auth(adv, r->cfg->auth_type, r->cfg->auth_password);
	if (reason != VRRP_DROP_NONE)
		return reason;
	if (adv->interval_cs != r->cfg->advert_interval_cs)
		return VRRP_DROP_INTERVAL_MISMATCH;
	return VRRP_DROP_NONE;
}

static bool router_is_peer(const struct vrrp_router *r, const struct ip_addr *src)
{
	size_t i;

	for (i = 0; i < r->n_peers; i++)
		if (ipaddr_equal(&r->peers[i], src))
			return true;
	return false;
}

/* Multicast: TTL / hop limit 255 only. Unicast: only configured peers, with
 * at least unicast_ttl_min (routed peers arrive with less than 255). */
static enum vrrp_drop_reason router_check_sender(const struct vrrp_router *r,
						 const struct vrrp_rx *rx)
{
	if (r->n_peers == 0)
		return rx->ttl == VRRP_TTL ? VRRP_DROP_NONE : VRRP_DROP_TTL;
	if (ipaddr_equal(&rx->src, &r->fsm.cfg.primary))
		return VRRP_DROP_OWN;
	if (!router_is_peer(r, &rx->src))
		return VRRP_DROP_NOT_PEER;
	if (rx->ttl < r->cfg->unicast_ttl_min || rx->ttl > VRRP_TTL)
		return VRRP_DROP_TTL;
	return VRRP_DROP_NONE;
}

static enum vrrp_drop_reason router_validate(struct vrrp_router *r,
					     const struct vrrp_rx *rx, struct vrrp_advert *adv)
{
	enum vrrp_drop_reason reason = router_check_sender(r, rx);

	if (reason != VRRP_DROP_NONE)
		return reason;
	reason = vrrp_packet_decode(rx->payload, rx->len, &rx->src, &rx->dst, adv);
	if (reason != VRRP_DROP_NONE)
		return reason;
	if (adv->version != r->cfg->version)
		return VRRP_DROP_VERSION;
	if (adv->family != r->family)
		return VRRP_DROP_FAMILY;
	if (ipaddr_equal(&rx->src, &r->fsm.cfg.primary))
		return VRRP_DROP_OWN;
	if (adv->version == 2)
		return router_check_v2(r, rx, adv);
	return VRRP_DROP_NONE;
}

static bool router_addrs_match(const struct vrrp_router *r, const struct vrrp_advert *adv)
{
	size_t i, j;

	if (adv->count != r->n_vips)
		return false;
	for (i = 0; i < adv->count; i++) {
		for (j = 0; j < r->n_vips; j++)
			if (ipaddr_equal(&adv->addrs[i], &r->vips[j].addr))
				break;
		if (j == r->n_vips)
			return false;
	}
	return true;
}

static void router_on_rx(void *arg, const struct vrrp_rx *rx)
{
	struct vrrp_router *r = arg;
	struct vrrp_advert adv;
	struct vrrp_fsm_event ev;
	enum vrrp_drop_reason reason;
	char addr[IPADDR_STRLEN];

	reason = router_validate(r, rx, &adv);
	if (reason != VRRP_DROP_NONE) {
		router_drop(r, reason, &rx->src);
		return;
	}
	r->rx_accepted++;
	if (!router_addrs_match(r, &adv) && log_ratelimit_allow(&r->mismatch_log, time_now()))
		log_warn("%s/%s: advertisement from %s lists other addresses than ours",
			 r->cfg->name, vrrp_router_family_name(r), ipaddr_str(&rx->src, addr));
	memset(&ev, 0, sizeof(ev));
	ev.type = VRRP_EV_ADVERT;
	ev.now = time_now();
	ev.adv_priority = adv.priority;
	ev.adv_interval_cs = adv.interval_cs;
	ev.adv_src = rx->src;
	router_handle(r, &ev);
}

/* ---- the interface table: source address and VIPs ---------------------- */

/* Our source address: a configured unicast_source that is on the interface,
 * else the interface's primary IPv4 / link-local IPv6 address. */
static bool router_lookup_primary(const struct vrrp_router *r, struct ip_addr *out)
{
	if (r->family == AF_INET && r->cfg->unicast_source.family == AF_INET) {
		*out = r->cfg->unicast_source;
		return iface_table_has_addr(r->ifaces, r->ifindex, out);
	}
	return iface_table_source(r->ifaces, r->ifindex, r->family, out) == 0;
}

static void router_refresh_primary(struct vrrp_router *r)
{
	struct ip_addr primary;
	char addr[IPADDR_STRLEN];

	if (!router_lookup_primary(r, &primary)) {
		if (r->have_primary)
			log_warn("%s/%s: %s has no usable %s source address", r->cfg->name,
				 vrrp_router_family_name(r), r->cfg->interface,
				 vrrp_router_family_name(r));
		r->have_primary = false;
		return;
	}
	if (!r->have_primary || !ipaddr_equal(&primary, &r->fsm.cfg.primary))
		log_info("%s/%s: source address %s", r->cfg->name, vrrp_router_family_name(r),
			 ipaddr_str(&primary, addr));
	r->fsm.cfg.primary = primary;
	r->have_primary = true;
}

static void router_on_source_changed(void *arg)
{
	struct vrrp_router *r = arg;

	router_refresh_primary(r);
	r->owner->on_source(r->owner_arg, r);
}

static int router_watch_source(struct vrrp_router *r, char *err, size_t errlen)
{
	if (r->family == AF_INET && r->cfg->unicast_source.family == AF_INET) {
		if (iface_table_watch_addr(r->ifaces, r->ifindex, &r->cfg->unicast_source,
					   &r->source_watch) == 0)
			return 0;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	iface_table_watch_source(r->ifaces, r->ifindex, r->family, &r->source_watch);
	return 0;
}

/* One of our VIPs left the interface. A Master puts it back: the answer of
 * the add tells a real loss from the late echo of our own earlier removal. */
static void router_on_vip_gone(void *arg, const struct ip_addr *addr)
{
	struct vrrp_router *r = arg;
	size_t i;

	if (r->fsm.state != VRRP_STATE_MASTER || !r->have_primary)
		return;
	for (i = 0; i < r->n_vips; i++) {
		if (!ipaddr_equal(addr, &r->vips[i].addr))
			continue;
		if (router_add_vip(r, &r->vips[i]) != 0)
			return;
		log_warn("%s/%s: VIP removed behind our back while Master: restored it",
			 r->cfg->name, vrrp_router_family_name(r));
		r->vip_restores++;
		router_start_announce(r);
		return;
	}
}

/* The interface the VIPs are held on, by name. */
static const char *router_vip_ifname(const struct vrrp_router *r)
{
	return r->cfg->vip_interface[0] ? r->cfg->vip_interface : r->cfg->interface;
}

static int router_claim_vips(struct vrrp_router *r, char *err, size_t errlen)
{
	char addr[IPADDR_STRLEN];

	for (; r->n_claimed < r->n_vips; r->n_claimed++) {
		const struct ip_addr *vip = &r->vips[r->n_claimed].addr;

		if (iface_table_claim_vip(r->ifaces, r->vip_ifindex, vip, router_on_vip_gone, r) < 0) {
			snprintf(err, errlen, "%s: VIP %s is used by another instance on %s",
				 r->cfg->name, ipaddr_str(vip, addr), router_vip_ifname(r));
			return -1;
		}
	}
	return 0;
}

/* ---- life cycle ---------------------------------------------------------- */

/* RFC 9568 5.2.9: in IPv6 adverts the first address is the link-local one. */
static void router_linklocal_first(struct vrrp_router *r)
{
	struct ip_prefix first;
	size_t i;

	for (i = 1; i < r->n_vips; i++) {
		if (!ipaddr_is_v6_linklocal(&r->vips[i].addr))
			continue;
		first = r->vips[i];
		memmove(&r->vips[1], &r->vips[0], i * sizeof(r->vips[0]));
		r->vips[0] = first;
		return;
	}
}

static size_t count_vips(const struct instance_config *cfg, sa_family_t family)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->n_vips; i++)
		n += cfg->vips[i].addr.family == family;
	return n < VRRP_MAX_ADDRS ? n : VRRP_MAX_ADDRS;
}

static size_t count_peers(const struct instance_config *cfg, sa_family_t family)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->n_unicast_peers; i++)
		n += cfg->unicast_peers[i].family == family;
	return n < VRRP_MAX_ADDRS ? n : VRRP_MAX_ADDRS;
}

/* This family's VIPs and peers from the config, in arrays of their size
 * (none allocated when the family has no VIP). 0, or -1 out of memory. */
static int router_collect(struct vrrp_router *r)
{
	size_t i, nv = count_vips(r->cfg, r->family), np = count_peers(r->cfg, r->family);

	r->n_vips = r->n_peers = 0;
	r->vips = NULL;
	r->peers = NULL;
	if (nv == 0)
		return 0;
	r->vips = calloc(nv, sizeof(*r->vips));
	r->peers = calloc(np ? np : 1, sizeof(*r->peers));
	if (!r->vips || !r->peers)
		return -1;
	for (i = 0; i < r->cfg->n_vips && r->n_vips < nv; i++)
		if (r->cfg->vips[i].addr.family == r->family)
			r->vips[r->n_vips++] = r->cfg->vips[i];
	for (i = 0; i < r->cfg->n_unicast_peers && r->n_peers < np; i++)
		if (r->cfg->unicast_peers[i].family == r->family)
			r->peers[r->n_peers++] = r->cfg->unicast_peers[i];
	if (r->family == AF_INET6)
		router_linklocal_first(r);
	return 0;
}

static int router_open_socket(struct vrrp_router *r, char *err, size_t errlen)
{
	r->sock = vrrp_socket_get(r->loop, r->ifindex, r->family, err, errlen);
	if (!r->sock)
		return -1;
	if (vrrp_socket_register(r->sock, r->cfg->vrid, router_on_rx, r) < 0) {
		snprintf(err, errlen, "%s: vrid %u is taken on %s", r->cfg->name, r->cfg->vrid,
			 r->cfg->interface);
		vrrp_socket_put(r->sock);
		r->sock = NULL;
		return -1;
	}
	if (r->cfg->auth_type == VRRP_AUTH_AH && vrrp_socket_enable_ah(r->sock, err, errlen) < 0)
		return -1;
	if (r->n_peers == 0 && vrrp_socket_join_multicast(r->sock) < 0) {
		snprintf(err, errlen, "%s: cannot join the VRRP multicast group on %s: %s",
			 r->cfg->name, r->cfg->interface, strerror(errno));
		return -1;
	}
	return 0;
}

int vrrp_router_init(struct vrrp_router *r, const struct vrrp_router_env *env,
		     const struct instance_config *cfg, int ifindex, int vip_ifindex,
		     sa_family_t family, char *err, size_t errlen)
{
	struct vrrp_fsm_config fc;

	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->loop = env->loop;
	r->ifaces = env->ifaces;
	r->owner = env->owner;
	r->owner_arg = env->owner_arg;
	r->ifindex = ifindex;
	r->vip_ifindex = vip_ifindex;
	r->family = family;
	r->drop_log = (struct log_ratelimit)LOG_RATELIMIT_INIT;
	r->mismatch_log = (struct log_ratelimit)LOG_RATELIMIT_INIT;
	loop_timer_init(&r->fsm_timer, router_on_fsm_timer, r);
	loop_timer_init(&r->announce_timer, router_on_announce_timer, r);
	iface_watch_init(&r->source_watch, router_on_source_changed, r);
	if (router_collect(r) < 0) {
		snprintf(err, errlen, "%s: out of memory", cfg->name);
		return -1;
	}
	if (r->n_vips == 0)
		return 0;
	memset(&fc, 0, sizeof(fc));
	fc.version = cfg->version;
	fc.adver_interval_cs = cfg->advert_interval_cs;
	fc.preempt = cfg->preempt;
	fc.preempt_delay = cfg->preempt_delay;
	vrrp_fsm_init(&r->fsm, &fc, cfg->priority);
	if (router_claim_vips(r, err, errlen) < 0 || router_watch_source(r, err, errlen) < 0)
		return -1;
	router_refresh_primary(r);
	return router_open_socket(r, err, errlen);
}

/* VIPs a previous run left behind (the table was loaded from the kernel). */
static void router_del_stale_vips(struct vrrp_router *r)
{
	char err[256];
	size_t i;

	for (i = 0; i < r->n_vips; i++)
		if (iface_table_has_addr(r->ifaces, r->vip_ifindex, &r->vips[i].addr) &&
		    netlink_vip_del(r->vip_ifindex, &r->vips[i], err, sizeof(err)) < 0)
			log_err("%s/%s: %s", r->cfg->name, vrrp_router_family_name(r), err);
}

void vrrp_router_start(struct vrrp_router *r, const char *fault)
{
	router_del_stale_vips(r);
	/* A fault known at start holds the router in Fault from the first moment:
	 * an owner (255) must not grab the VIPs for an instant on its way there. */
	r->fault_wanted = fault != NULL;
	r->fault_note = fault;
	if (fault)
		router_feed(r, VRRP_EV_FAULT);
	router_feed(r, VRRP_EV_STARTUP);
}

void vrrp_router_stop(struct vrrp_router *r)
{
	router_feed(r, VRRP_EV_SHUTDOWN);
	loop_timer_cancel(r->loop, &r->announce_timer);
}

void vrrp_router_drop_socket(struct vrrp_router *r)
{
	if (r->sock)
		vrrp_socket_unregister(r->sock, r->cfg->vrid);
	r->sock = NULL;
}

void vrrp_router_release(struct vrrp_router *r)
{
	size_t i;

	loop_timer_cancel(r->loop, &r->fsm_timer);
	loop_timer_cancel(r->loop, &r->announce_timer);
	if (r->sock)
		vrrp_socket_unregister(r->sock, r->cfg->vrid);
	r->sock = NULL;
	if (r->ifaces) {
		iface_table_unwatch(r->ifaces, &r->source_watch);
		/* Releases only what this router claimed: the others' stay. */
		for (i = 0; i < r->n_vips; i++)
			iface_table_release_vip(r->ifaces, r->vip_ifindex, &r->vips[i].addr, r);
		for (i = 0; i < r->n_reload_old; i++)
			iface_table_release_vip(r->ifaces, r->reload_old_vip_ifindex,
						&r->reload_old[i].addr, r);
	}
	free(r->reload_old);
	r->reload_old = NULL;
	r->n_reload_old = 0;
	r->n_claimed = 0;
	free(r->vips);
	free(r->peers);
	r->vips = NULL;
	r->peers = NULL;
	r->n_vips = r->n_peers = 0;
}

void vrrp_router_set_fault(struct vrrp_router *r, bool fault, const char *note)
{
	if (fault == r->fault_wanted)
		return;
	r->fault_wanted = fault;
	if (fault)
		r->fault_note = note;
	router_feed(r, fault ? VRRP_EV_FAULT : VRRP_EV_FAULT_CLEAR);
}

void vrrp_router_set_drain(struct vrrp_router *r, bool drained)
{
	if (drained == r->fsm.drained)
		return;
	log_notice("%s/%s: %s", r->cfg->name, vrrp_router_family_name(r),
		   drained ? "drained: out of the election while another master is up"
			   : "resumed");
	router_feed(r, drained ? VRRP_EV_DRAIN : VRRP_EV_RESUME);
}

void vrrp_router_set_priority(struct vrrp_router *r, uint8_t priority, const char *note)
{
	struct vrrp_fsm_event ev;
	bool configured = r->priority_configured;

	r->priority_configured = false;
	snprintf(r->health_note, sizeof(r->health_note), "%s", note ? note : "");
	if (priority == r->fsm.priority)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = VRRP_EV_PRIORITY;
	ev.now = time_now();
	ev.new_priority = priority;
	ev.configured = configured;
	router_handle(r, &ev);
}


/* ---- reload: new settings, same identity ------------------------------------ */

/* The same VIP: address and prefix (a new prefix is a new address on the
 * interface). */
static bool vip_listed(const struct ip_prefix *v, const struct ip_prefix *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ipaddr_equal(&v->addr, &list[i].addr) && v->len == list[i].len)
			return true;
	return false;
}

/* Release the claims of old VIPs the new list drops (all of them when they
 * move to another interface, old_ifindex their old one); a Master removes them. */
static void router_drop_old_vips(struct vrrp_router *r, const struct ip_prefix *old, size_t n_old,
				 int old_ifindex)
{
	char err[256];
	size_t i;

	for (i = 0; i < n_old; i++) {
		if (old_ifindex == r->vip_ifindex && vip_listed(&old[i], r->vips, r->n_vips))
			continue;
		iface_table_release_vip(r->ifaces, old_ifindex, &old[i].addr, r);
		if (r->fsm.state == VRRP_STATE_MASTER &&
		    netlink_vip_del(old_ifindex, &old[i], err, sizeof(err)) < 0)
			log_err("%s/%s: %s", r->cfg->name, vrrp_router_family_name(r), err);
	}
}

/* Claim the VIPs the old list lacked (all of them when they moved to another
 * interface); a Master adds and announces them. */
static int router_take_new_vips(struct vrrp_router *r, const struct ip_prefix *old, size_t n_old,
				int old_ifindex, char *err, size_t errlen)
{
	char addr[IPADDR_STRLEN];
	uint8_t mac[6];
	size_t i;
	int rc = 0;

	for (i = 0; i < r->n_vips; i++) {
		const struct ip_prefix *v = &r->vips[i];

		if (old_ifindex == r->vip_ifindex && vip_listed(v, old, n_old))
			continue;
		if (iface_table_claim_vip(r->ifaces, r->vip_ifindex, &v->addr, router_on_vip_gone,
					  r) < 0) {
			snprintf(err, errlen, "%s: VIP %s is used by another instance on %s",
				 r->cfg->name, ipaddr_str(&v->addr, addr), router_vip_ifname(r));
			rc = -1;
			continue;
		}
		if (r->fsm.state != VRRP_STATE_MASTER || router_add_vip(r, v) < 0 ||
		    !router_announces(r) || iface_table_mac(r->ifaces, r->ifindex, mac) < 0)
			continue;
		if (v->addr.family == AF_INET)
			announce_garp(r->ifindex, mac, &v->addr.u.v4);
		else
			announce_unsolicited_na(r->ifindex, mac, &v->addr.u.v6);
	}
	return rc;
}

static void router_rewatch_source(struct vrrp_router *r, const struct instance_config *old)
{
	char err[64];

	if (ipaddr_equal(&old->unicast_source, &r->cfg->unicast_source))
		return;
	iface_table_unwatch(r->ifaces, &r->source_watch);
	if (router_watch_source(r, err, sizeof(err)) < 0)
		log_err("%s/%s: %s", r->cfg->name, vrrp_router_family_name(r), err);
	router_on_source_changed(r);
}

int vrrp_router_reconfigure(struct vrrp_router *r, const struct instance_config *cfg,
			    int vip_ifindex, char *err, size_t errlen)
{
	const struct instance_config *old_cfg = r->cfg;
	struct ip_prefix *old = r->vips;
	struct ip_addr *old_peers = r->peers;
	size_t n_old = r->n_vips, n_old_peers = r->n_peers;

	/* auth changed to ah: the AH socket too (kept open if it goes back) */
	if (cfg->auth_type == VRRP_AUTH_AH && r->sock &&
	    vrrp_socket_enable_ah(r->sock, err, errlen) < 0)
		return -1;
	r->cfg = cfg;
	if (router_collect(r) < 0 || r->n_vips == 0) {
		free(r->vips);
		free(r->peers);
		r->cfg = old_cfg;
		r->vips = old;
		r->peers = old_peers;
		r->n_vips = n_old;
		r->n_peers = n_old_peers;
		snprintf(err, errlen, "%s: out of memory", cfg->name);
		return -1;
	}
	r->priority_configured = old_cfg->priority != cfg->priority;
	r->fsm.cfg.adver_interval_cs = cfg->advert_interval_cs;
	r->fsm.cfg.preempt = cfg->preempt;
	r->fsm.cfg.preempt_delay = cfg->preempt_delay;
	r->reload_old_vip_ifindex = r->vip_ifindex;
	r->vip_ifindex = vip_ifindex;
	router_drop_old_vips(r, old, n_old, r->reload_old_vip_ifindex);
	router_rewatch_source(r, old_cfg);
	free(old_peers);
	r->reload_old = old; /* vrrp_router_reconfigure_finish claims the new VIPs */
	r->n_reload_old = n_old;
	return 0;
}

int vrrp_router_reconfigure_finish(struct vrrp_router *r, char *err, size_t errlen)
{
	int rc = router_take_new_vips(r, r->reload_old, r->n_reload_old, r->reload_old_vip_ifindex,
				      err, errlen);

	free(r->reload_old);
	r->reload_old = NULL;
	r->n_reload_old = 0;
	return rc;
}

static void print_drops(const struct vrrp_router *r, FILE *out)
{
	int reason;

	fprintf(out, "    drops:");
	for (reason = 1; reason < VRRP_DROP__COUNT; reason++)
		if (r->drops[reason])
			fprintf(out, " %s=%llu", vrrp_drop_reason_name(reason),
				(unsigned long long)r->drops[reason]);
	fputc('\n', out);
}

void vrrp_router_print_status(const struct vrrp_router *r, FILE *out)
{
	char addr[IPADDR_STRLEN];

	fprintf(out, "  %s: state %s, priority %u, source %s\n", vrrp_router_family_name(r),
		vrrp_state_name(r->fsm.state), r->fsm.priority,
		r->have_primary ? ipaddr_str(&r->fsm.cfg.primary, addr) : "(none)");
	fprintf(out, "    adverts sent %llu, send errors %llu, accepted %llu, VIP restores %llu\n",
		(unsigned long long)r->tx_adverts, (unsigned long long)r->tx_errors,
		(unsigned long long)r->rx_accepted, (unsigned long long)r->vip_restores);
	print_drops(r, out);
}
