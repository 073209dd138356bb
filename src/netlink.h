/* rtnetlink: the VIP writes (libnl-route-3) and the link/address event
 * monitor (libmnl). The only module that speaks rtnetlink. */
#ifndef VIPD_NETLINK_H
#define VIPD_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"
#include "loop.h"

/* Open the libnl socket for address writes. 0 or -1 with err. */
int netlink_open(char *err, size_t errlen);
void netlink_close(void);

/* Add a VIP (IPv6 with IFA_F_NODAD). Adding one already there succeeds.
 * 0, or -1 with a message in err. */
int netlink_vip_add(int ifindex, const struct ip_prefix *vip, char *err, size_t errlen);

/* Remove a VIP. Removing one that is not there succeeds. 0 or -1 with err. */
int netlink_vip_del(int ifindex, const struct ip_prefix *vip, char *err, size_t errlen);

/* Whether the address is on the interface now (a netlink dump). */
bool netlink_vip_present(int ifindex, const struct ip_prefix *vip);

/* The interface's operational state: up with carrier (IFF_UP and IFF_RUNNING). */
bool netlink_link_is_up(int ifindex);

/* The interface's MAC address (6 bytes). 0 or -1. */
int netlink_link_mac(int ifindex, uint8_t mac[6]);

/* The interface's primary IPv4 address (first non-secondary, skipping the
 * given VIPs), or its IPv6 link-local address. 0, or -1 if it has none. */
int netlink_primary_addr(int ifindex, sa_family_t family, const struct ip_prefix *skip,
			 size_t n_skip, struct ip_addr *out);

/* Events from the monitor, already filtered to interfaces someone watches. */
struct netlink_monitor_ops {
	void (*link_changed)(void *arg, int ifindex, bool up);
	void (*addr_removed)(void *arg, int ifindex, const struct ip_addr *addr, uint8_t prefix_len);
	void (*addr_added)(void *arg, int ifindex, const struct ip_addr *addr, uint8_t prefix_len);
};

/* Start the libmnl monitor in the loop (RTMGRP_LINK, IPV4_IFADDR, IPV6_IFADDR).
 * 0 or -1 with err. */
int netlink_monitor_start(struct loop *loop, const struct netlink_monitor_ops *ops, void *arg,
			  char *err, size_t errlen);
void netlink_monitor_stop(struct loop *loop);

/* Only events for watched interfaces reach the ops (the rest are filtered out
 * before any work). */
void netlink_monitor_watch(int ifindex);

/* --- Additions (netlink helper) --- */

/* The monitor's descriptor, -1 when stopped. With a NULL loop given to
 * netlink_monitor_start, the caller polls it and calls
 * netlink_monitor_dispatch when it is readable. */
int netlink_monitor_fd(void);

/* Read and dispatch pending events (what the loop callback does). */
void netlink_monitor_dispatch(void);

/* Stop reporting events for ifindex. */
void netlink_monitor_unwatch(int ifindex);

struct nlmsghdr;

enum netlink_event_kind {
	NETLINK_EV_LINK,
	NETLINK_EV_ADDR_ADD,
	NETLINK_EV_ADDR_DEL,
};

/* One parsed rtnetlink message. */
struct netlink_event {
	enum netlink_event_kind kind;
	int ifindex;
	bool up;             /* LINK: IFF_UP and IFF_RUNNING (false on RTM_DELLINK) */
	struct ip_addr addr; /* ADDR_*: IFA_LOCAL, else IFA_ADDRESS */
	uint8_t prefix_len;
	uint32_t addr_flags; /* ADDR_*: IFA_FLAGS, else ifa_flags */
};

/* Whether events for ifindex are wanted. */
typedef bool (*netlink_want_fn)(void *arg, int ifindex);

/* Parse one link/address message; want (may be NULL) is asked before any
 * attribute is read. 1 with *ev filled, 0 ignored (other type, family or
 * interface), -1 malformed. Pure, no I/O. */
int netlink_event_parse(const struct nlmsghdr *nlh, netlink_want_fn want, void *arg,
			struct netlink_event *ev);

#endif
