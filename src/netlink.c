/* rtnetlink: VIP writes through libnl-route-3; link and address dumps and
 * the link/address event monitor through libmnl. A singleton by design. */
#include "netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "log.h"

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define NETLINK_RECV_SIZE 32768 /* a dump message can exceed one page */
#define NETLINK_MAX_READS 64    /* per dispatch; the loop calls again */
#define NETLINK_MON_RCVBUF (1 << 20)

static struct nl_sock *nl_write_sock;

static struct {
	struct mnl_socket *nl;
	struct loop *loop;
	struct netlink_monitor_ops ops;
	void *arg;
} mon;

/* ---- libnl writes ---- */

int netlink_open(char *err, size_t errlen)
{
	int rc;

	if (nl_write_sock)
		return 0;
	nl_write_sock = nl_socket_alloc();
	if (!nl_write_sock) {
		snprintf(err, errlen, "nl_socket_alloc failed");
		return -1;
	}
	rc = nl_connect(nl_write_sock, NETLINK_ROUTE);
	if (rc < 0) {
		snprintf(err, errlen, "nl_connect: %s", nl_geterror(rc));
		nl_socket_free(nl_write_sock);
		nl_write_sock = NULL;
		return -1;
	}
	return 0;
}

void netlink_close(void)
{
	if (!nl_write_sock)
		return;
	nl_close(nl_write_sock);
	nl_socket_free(nl_write_sock);
	nl_write_sock = NULL;
}

/* An rtnl_addr for vip on ifindex, or NULL with err set. */
static struct rtnl_addr *vip_object(int ifindex, const struct ip_prefix *vip, char *err,
				    size_t errlen)
{
	size_t alen = ipaddr_family_len(vip->addr.family);
	struct rtnl_addr *obj;
	struct nl_addr *local;
	int rc;

	if (alen == 0) {
		snprintf(err, errlen, "VIP has no address family");
		return NULL;
	}
	obj = rtnl_addr_alloc();
	local = nl_addr_build(vip->addr.family, &vip->addr.u, alen);
	if (!obj || !local) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	nl_addr_set_prefixlen(local, vip->len);
	rtnl_addr_set_ifindex(obj, ifindex);
	rtnl_addr_set_family(obj, vip->addr.family);
	rc = rtnl_addr_set_local(obj, local);
	if (rc < 0) {
		snprintf(err, errlen, "rtnl_addr_set_local: %s", nl_geterror(rc));
		goto fail;
	}
	rtnl_addr_set_prefixlen(obj, vip->len);
	nl_addr_put(local);
	return obj;
fail:
	nl_addr_put(local);
	rtnl_addr_put(obj);
	return NULL;
}

/* Check the socket is open; fills err if not. */
static int write_sock_ready(char *err, size_t errlen)
{
	if (nl_write_sock)
		return 0;
	snprintf(err, errlen, "netlink socket not open");
	return -1;
}

int netlink_vip_add(int ifindex, const struct ip_prefix *vip, char *err, size_t errlen)
{
	struct rtnl_addr *obj;
	char text[IPADDR_STRLEN];
	int rc;

	if (write_sock_ready(err, errlen) < 0)
		return -1;
	obj = vip_object(ifindex, vip, err, errlen);
	if (!obj)
		return -1;
	if (vip->addr.family == AF_INET6)
		rtnl_addr_set_flags(obj, IFA_F_NODAD);
	rc = rtnl_addr_add(nl_write_sock, obj, NLM_F_EXCL);
	rtnl_addr_put(obj);
	if (rc == 0 || rc == -NLE_EXIST)
		return rc == 0 ? 0 : 1;
	snprintf(err, errlen, "add %s on ifindex %d: %s", ipprefix_str(vip, text), ifindex,
		 nl_geterror(rc));
	return -1;
}

int netlink_vip_del(int ifindex, const struct ip_prefix *vip, char *err, size_t errlen)
{
	struct rtnl_addr *obj;
	char text[IPADDR_STRLEN];
	int rc;

	if (write_sock_ready(err, errlen) < 0)
		return -1;
	obj = vip_object(ifindex, vip, err, errlen);
	if (!obj)
		return -1;
	rc = rtnl_addr_delete(nl_write_sock, obj, 0);
	rtnl_addr_put(obj);
	if (rc == 0)
		return 0;
	if (rc == -NLE_NOADDR || rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV)
		return 1; /* a deleted interface took its addresses with it */
	snprintf(err, errlen, "delete %s on ifindex %d: %s", ipprefix_str(vip, text), ifindex,
		 nl_geterror(rc));
	return -1;
}

/* ---- message parsing (pure) ---- */

struct addr_attrs {
	size_t alen;
	const struct nlattr *tb[IFA_MAX + 1];
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	struct addr_attrs *a = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
		return MNL_CB_OK; /* newer than our headers: skip */
	switch (type) {
	case IFA_ADDRESS:
	case IFA_LOCAL:
		if (mnl_attr_validate2(attr, MNL_TYPE_BINARY, a->alen) < 0 ||
		    mnl_attr_get_payload_len(attr) != a->alen)
			return MNL_CB_ERROR;
		break;
	case IFA_FLAGS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	a->tb[type] = attr;
	return MNL_CB_OK;
}

static size_t payload_len(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN)
		return 0;
	return mnl_nlmsg_get_payload_len(nlh);
}

/* IFLA_IFNAME: a NUL-terminated name that fits IF_NAMESIZE, else none. */
static void link_name(const struct nlattr *attr, struct netlink_event *ev)
{
	const char *name;

	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return;
	name = mnl_attr_get_str(attr);
	if (strlen(name) < sizeof(ev->ifname))
		memcpy(ev->ifname, name, strlen(name) + 1);
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct netlink_event *ev = data;

	if (mnl_attr_get_type(attr) == IFLA_IFNAME) {
		link_name(attr, ev);
		return MNL_CB_OK;
	}
	if (mnl_attr_get_type(attr) != IFLA_ADDRESS ||
	    mnl_attr_get_payload_len(attr) != sizeof(ev->mac))
		return MNL_CB_OK;
	memcpy(ev->mac, mnl_attr_get_payload(attr), sizeof(ev->mac));
	ev->has_mac = true;
	return MNL_CB_OK;
}

static int parse_link(const struct nlmsghdr *nlh, netlink_want_fn want, void *arg,
		      struct netlink_event *ev)
{
	const struct ifinfomsg *ifi;

	if (payload_len(nlh) < sizeof(*ifi))
		return -1;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (want && !want(arg, ifi->ifi_index))
		return 0;
	ev->kind = NETLINK_EV_LINK;
	ev->ifindex = ifi->ifi_index;
	ev->up = nlh->nlmsg_type == RTM_NEWLINK && (ifi->ifi_flags & IFF_UP) &&
		 (ifi->ifi_flags & IFF_RUNNING);
	ev->deleted = nlh->nlmsg_type == RTM_DELLINK;
	if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, ev) != MNL_CB_OK)
		return -1;
	return 1;
}

static int parse_addr(const struct nlmsghdr *nlh, netlink_want_fn want, void *arg,
		      struct netlink_event *ev)
{
	struct addr_attrs a = { 0 };
	const struct ifaddrmsg *ifa;
	const struct nlattr *addr;

	if (payload_len(nlh) < sizeof(*ifa))
		return -1;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (want && !want(arg, (int)ifa->ifa_index))
		return 0;
	a.alen = ipaddr_family_len(ifa->ifa_family);
	if (a.alen == 0)
		return 0;
	if (ifa->ifa_prefixlen > a.alen * 8)
		return -1;
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, &a) != MNL_CB_OK)
		return -1;
	addr = a.tb[IFA_LOCAL] ? a.tb[IFA_LOCAL] : a.tb[IFA_ADDRESS];
	if (!addr)
		return -1;
	ev->kind = nlh->nlmsg_type == RTM_NEWADDR ? NETLINK_EV_ADDR_ADD : NETLINK_EV_ADDR_DEL;
	ev->ifindex = (int)ifa->ifa_index;
	ipaddr_from_bytes(&ev->addr, ifa->ifa_family, mnl_attr_get_payload(addr));
	ev->prefix_len = ifa->ifa_prefixlen;
	ev->addr_flags = a.tb[IFA_FLAGS] ? mnl_attr_get_u32(a.tb[IFA_FLAGS]) : ifa->ifa_flags;
	return 1;
}

int netlink_event_parse(const struct nlmsghdr *nlh, netlink_want_fn want, void *arg,
			struct netlink_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return parse_link(nlh, want, arg, ev);
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return parse_addr(nlh, want, arg, ev);
	default:
		return 0;
	}
}

/* ---- dumps (libmnl): start-up and resynchronisation only ---- */

struct dump_ctx {
	int ifindex;
	netlink_visit_fn visit;
	void *arg;
};

static bool want_ifindex(void *arg, int ifindex)
{
	return ((const struct dump_ctx *)arg)->ifindex == ifindex;
}

static int dump_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct netlink_event ev;

	if (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (netlink_event_parse(nlh, want_ifindex, d, &ev) == 1)
		d->visit(d->arg, &ev);
	return MNL_CB_OK;
}

/* Send one request (built in buf by the caller) on a new socket and feed
 * every answer to the visitor until the kernel says done. 0 or -1. */
static int dump_run(struct nlmsghdr *nlh, struct dump_ctx *d)
{
	static char buf[NETLINK_RECV_SIZE];
	unsigned seq = (unsigned)time_now();
	struct mnl_socket *nl;
	unsigned portid;
	int one = 1, ret = -1, saved;
	ssize_t n;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -1;
	/* Kernel-side filtering by ifindex where supported (5.0+). */
	(void)mnl_socket_setsockopt(nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	nlh->nlmsg_seq = seq;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	portid = mnl_socket_get_portid(nl);
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			goto out;
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, dump_msg_cb, d);
	} while (ret > MNL_CB_STOP);
	ret = ret == MNL_CB_STOP ? 0 : -1;
out:
	saved = errno;
	if (ret < 0 && saved != ENODEV)
		log_debug("netlink: request for ifindex %d: %s", d->ifindex, strerror(saved));
	mnl_socket_close(nl);
	errno = saved;
	return ret;
}

/* The kernel has no such interface (any more): say it was deleted. */
static int visit_deleted(int ifindex, netlink_visit_fn visit, void *arg)
{
	struct netlink_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = NETLINK_EV_LINK;
	ev.ifindex = ifindex;
	ev.deleted = true;
	visit(arg, &ev);
	return 0;
}

int netlink_dump_link(int ifindex, netlink_visit_fn visit, void *arg)
{
	char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg))];
	struct dump_ctx d = { ifindex, visit, arg };
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (dump_run(nlh, &d) == 0)
		return 0;
	return errno == ENODEV ? visit_deleted(ifindex, visit, arg) : -1;
}

static int dump_addrs_of(int ifindex, sa_family_t family, struct dump_ctx *d)
{
	char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifaddrmsg))];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_index = (uint32_t)ifindex;
	return dump_run(nlh, d);
}

int netlink_dump_addrs(int ifindex, netlink_visit_fn visit, void *arg)
{
	struct dump_ctx d = { ifindex, visit, arg };

	if (dump_addrs_of(ifindex, AF_INET, &d) < 0)
		return -1;
	return dump_addrs_of(ifindex, AF_INET6, &d);
}

/* ---- monitor (libmnl) ---- */

static bool monitor_wants(void *arg, int ifindex)
{
	(void)arg;
	return !mon.ops.want || mon.ops.want(mon.arg, ifindex);
}

/* Whether a new link of any interface is wanted (its name is awaited). */
static bool monitor_wants_all(const struct nlmsghdr *nlh)
{
	return nlh->nlmsg_type == RTM_NEWLINK && mon.ops.want_new_links &&
	       mon.ops.want_new_links(mon.arg);
}

static int monitor_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct netlink_event ev;
	int rc;

	(void)data;
	rc = netlink_event_parse(nlh, monitor_wants_all(nlh) ? NULL : monitor_wants, NULL, &ev);
	if (rc < 0)
		log_debug("netlink: malformed message type %u dropped", nlh->nlmsg_type);
	else if (rc > 0 && mon.ops.event)
		mon.ops.event(mon.arg, &ev);
	return MNL_CB_OK;
}

static void monitor_overrun(void)
{
	log_warn("netlink: event overrun (ENOBUFS): reloading interface state");
	if (mon.ops.overrun)
		mon.ops.overrun(mon.arg);
}

/* Read what is pending; false when the socket is drained or failed. */
static bool monitor_read_one(void)
{
	static char buf[NETLINK_RECV_SIZE];
	ssize_t n = mnl_socket_recvfrom(mon.nl, buf, sizeof(buf));

	if (n >= 0) {
		mnl_cb_run(buf, (size_t)n, 0, 0, monitor_msg_cb, NULL);
		return true;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return false;
	if (errno == ENOBUFS) {
		monitor_overrun();
		return true;
	}
	if (errno == EINTR || errno == ENOSPC || errno == ESRCH)
		return true;
	log_warn("netlink: monitor recv: %s", strerror(errno));
	return false;
}

void netlink_monitor_dispatch(void)
{
	int reads;

	for (reads = 0; mon.nl && reads < NETLINK_MAX_READS; reads++)
		if (!monitor_read_one())
			break;
	if (mon.ops.batch_done)
		mon.ops.batch_done(mon.arg);
}

static void monitor_readable(void *arg, uint32_t events)
{
	(void)arg;
	(void)events;
	netlink_monitor_dispatch();
}

int netlink_monitor_fd(void)
{
	return mon.nl ? mnl_socket_get_fd(mon.nl) : -1;
}

/* Open, size and bind the monitor socket. 0 or -1 with err. */
static int monitor_open(char *err, size_t errlen)
{
	int rcvbuf = NETLINK_MON_RCVBUF;

	mon.nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!mon.nl) {
		snprintf(err, errlen, "mnl_socket_open: %s", strerror(errno));
		return -1;
	}
	/* Best effort; ENOBUFS is handled by a reload anyway. */
	(void)setsockopt(mnl_socket_get_fd(mon.nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			 sizeof(rcvbuf));
	if (mnl_socket_bind(mon.nl, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
			    MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "mnl_socket_bind: %s", strerror(errno));
		mnl_socket_close(mon.nl);
		mon.nl = NULL;
		return -1;
	}
	return 0;
}

int netlink_monitor_start(struct loop *loop, const struct netlink_monitor_ops *ops, void *arg,
			  char *err, size_t errlen)
{
	if (mon.nl) {
		snprintf(err, errlen, "netlink monitor already running");
		return -1;
	}
	if (monitor_open(err, errlen) < 0)
		return -1;
	mon.ops = *ops;
	mon.arg = arg;
	mon.loop = loop;
	if (loop && loop_add_fd(loop, mnl_socket_get_fd(mon.nl), EPOLLIN, monitor_readable,
				NULL) < 0) {
		snprintf(err, errlen, "loop_add_fd: %s", strerror(errno));
		mnl_socket_close(mon.nl);
		mon.nl = NULL;
		return -1;
	}
	return 0;
}

void netlink_monitor_stop(struct loop *loop)
{
	if (mon.nl) {
		if (!loop)
			loop = mon.loop;
		if (loop)
			loop_del_fd(loop, mnl_socket_get_fd(mon.nl));
		mnl_socket_close(mon.nl);
	}
	memset(&mon, 0, sizeof(mon));
}
