/* rtnetlink: the VIP writes (libnl-route-3) and the link/address event
 * monitor (libmnl). The only module that speaks rtnetlink. */
#ifndef VIPD_NETLINK_H
#define VIPD_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "ipaddr.h"
#include "loop.h"

/* Open the libnl socket for address writes. 0 or -1 with err. */
int netlink_open(char *err, size_t errlen);
void netlink_close(void);

/* Add a VIP (IPv6 with IFA_F_NODAD). 0 added, 1 it was there already, or
 * -1 with a message in err. */
int netlink_vip_add(int ifindex, const struct ip_prefix *vip, char *err, size_t errlen);

/* Remove a VIP. 0 removed, 1 it was not there (nor its interface), or -1
 * with err. */
int netlink_vip_del(int ifindex, const struct ip_prefix *vip, char *err, size_t errlen);

struct netlink_event;

/* Receives each message of a dump, already parsed. */
typedef void (*netlink_visit_fn)(void *arg, const struct netlink_event *ev);

/* Ask the kernel for one interface's link state and MAC (RTM_GETLINK), or for
 * its IPv4 and IPv6 addresses (RTM_GETADDR dumps). One short-lived socket per
 * call: for start-up and resynchronisation, never for a hot path. 0 or -1.
 * An interface that no longer exists is visited as a deleted link (0). */
int netlink_dump_link(int ifindex, netlink_visit_fn visit, void *arg);
int netlink_dump_addrs(int ifindex, netlink_visit_fn visit, void *arg);

/* What the monitor reports. want is asked before a message is parsed (events
 * for other interfaces cost nothing more); while want_new_links (may be
 * NULL) says yes, RTM_NEWLINK of every interface is parsed and passed on too
 * (its name, for an owner waiting for a deleted interface to come back);
 * event gets each wanted one; batch_done follows each read of pending
 * messages; overrun says events were lost (ENOBUFS) and the owner must
 * reload what it keeps. */
struct netlink_monitor_ops {
	bool (*want)(void *arg, int ifindex);
	bool (*want_new_links)(void *arg);
	void (*event)(void *arg, const struct netlink_event *ev);
	void (*batch_done)(void *arg);
	void (*overrun)(void *arg);
};

/* Start the libmnl monitor (RTMGRP_LINK, IPV4_IFADDR, IPV6_IFADDR) in the
 * loop, or, with a NULL loop, for a caller that polls netlink_monitor_fd and
 * calls netlink_monitor_dispatch. 0 or -1 with err. */
int netlink_monitor_start(struct loop *loop, const struct netlink_monitor_ops *ops, void *arg,
			  char *err, size_t errlen);
void netlink_monitor_stop(struct loop *loop);

/* The monitor's descriptor, -1 when stopped. */
int netlink_monitor_fd(void);

/* Read and dispatch pending events (what the loop callback does). */
void netlink_monitor_dispatch(void);

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
	bool deleted;        /* LINK: RTM_DELLINK, the interface is gone */
	char ifname[IF_NAMESIZE]; /* LINK: IFLA_IFNAME, "" without one */
	struct ip_addr addr; /* ADDR_*: IFA_LOCAL, else IFA_ADDRESS */
	uint8_t prefix_len;
	uint32_t addr_flags; /* ADDR_*: IFA_FLAGS, else ifa_flags */
	bool has_mac;        /* LINK: IFLA_ADDRESS was a 6-byte address */
	uint8_t mac[6];
};

/* Whether events for ifindex are wanted. */
typedef bool (*netlink_want_fn)(void *arg, int ifindex);

/* Parse one link/address message; want (may be NULL) is asked before any
 * attribute is read. 1 with *ev filled, 0 ignored (other type, family or
 * interface), -1 malformed. Pure, no I/O. */
int netlink_event_parse(const struct nlmsghdr *nlh, netlink_want_fn want, void *arg,
			struct netlink_event *ev);

#endif
