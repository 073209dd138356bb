/* rtnetlink: VIP writes through libnl-route-3, address dumps and the
 * link/address event monitor through libmnl. A singleton by design. */
#include "netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
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

struct netlink_watch {
	int ifindex;
	bool up;
};

static struct {
	struct mnl_socket *nl;
	struct loop *loop;
	struct netlink_monitor_ops ops;
	void *arg;
	struct netlink_watch *watch;
	size_t n_watch;
	size_t cap_watch;
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
		return 0;
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
	if (rc == 0 || rc == -NLE_NOADDR || rc == -NLE_OBJ_NOTFOUND)
		return 0;
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

/* ---- address dumps (libmnl) ---- */

typedef int (*addr_visit_fn)(void *arg, const struct netlink_event *ev);

struct addr_dump {
	int ifindex;
	addr_visit_fn visit;
	void *arg;
};

static bool want_ifindex(void *arg, int ifindex)
{
	return ((const struct addr_dump *)arg)->ifindex == ifindex;
}

static int addr_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_dump *d = data;
	struct netlink_event ev;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	if (netlink_event_parse(nlh, want_ifindex, d, &ev) != 1)
		return MNL_CB_OK;
	return d->visit(d->arg, &ev);
}

/* Send an RTM_GETADDR dump request for family and ifindex on nl. */
static int addr_dump_request(struct mnl_socket *nl, sa_family_t family, int ifindex,
			     unsigned seq)
{
	char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifaddrmsg))];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int one = 1;

	/* Kernel-side filtering by ifindex where supported (5.0+). */
	(void)mnl_socket_setsockopt(nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_index = (uint32_t)ifindex;
	return mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

/* Walk the addresses of family on ifindex; visit returns MNL_CB_OK to go
 * on or MNL_CB_STOP. 0 or -1. */
static int addr_dump_walk(int ifindex, sa_family_t family, addr_visit_fn visit, void *arg)
{
	static char buf[NETLINK_RECV_SIZE];
	struct addr_dump d = { ifindex, visit, arg };
	unsigned seq = (unsigned)time_now();
	struct mnl_socket *nl;
	unsigned portid;
	ssize_t n;
	int ret = -1;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    addr_dump_request(nl, family, ifindex, seq) < 0)
		goto out;
	portid = mnl_socket_get_portid(nl);
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			goto out;
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, addr_dump_cb, &d);
	} while (ret > MNL_CB_STOP);
	ret = ret == MNL_CB_STOP ? 0 : -1;
out:
	if (ret < 0)
		log_debug("netlink: address dump for ifindex %d: %s", ifindex, strerror(errno));
	mnl_socket_close(nl);
	return ret;
}

struct present_ctx {
	const struct ip_addr *addr;
	bool found;
};

static int present_visit(void *arg, const struct netlink_event *ev)
{
	struct present_ctx *c = arg;

	if (!ipaddr_equal(&ev->addr, c->addr))
		return MNL_CB_OK;
	c->found = true;
	return MNL_CB_STOP;
}

bool netlink_vip_present(int ifindex, const struct ip_prefix *vip)
{
	struct present_ctx c = { &vip->addr, false };

	if (addr_dump_walk(ifindex, vip->addr.family, present_visit, &c) < 0)
		return false;
	return c.found;
}

struct primary_ctx {
	const struct ip_prefix *skip;
	size_t n_skip;
	struct ip_addr *out;
	bool found;
};

static bool primary_skipped(const struct primary_ctx *c, const struct ip_addr *a)
{
	size_t i;

	for (i = 0; i < c->n_skip; i++)
		if (ipaddr_equal(&c->skip[i].addr, a))
			return true;
	return false;
}

static int primary_visit(void *arg, const struct netlink_event *ev)
{
	struct primary_ctx *c = arg;

	if (primary_skipped(c, &ev->addr))
		return MNL_CB_OK;
	if (ev->addr.family == AF_INET && (ev->addr_flags & IFA_F_SECONDARY))
		return MNL_CB_OK;
	if (ev->addr.family == AF_INET6 &&
	    (!ipaddr_is_v6_linklocal(&ev->addr) ||
	     (ev->addr_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))))
		return MNL_CB_OK;
	*c->out = ev->addr;
	c->found = true;
	return MNL_CB_STOP;
}

int netlink_primary_addr(int ifindex, sa_family_t family, const struct ip_prefix *skip,
			 size_t n_skip, struct ip_addr *out)
{
	struct primary_ctx c = { skip, n_skip, out, false };

	if (family != AF_INET && family != AF_INET6)
		return -1;
	if (addr_dump_walk(ifindex, family, primary_visit, &c) < 0)
		return -1;
	return c.found ? 0 : -1;
}

/* ---- link state (ioctl) ---- */

/* SIOCGIFFLAGS or SIOCGIFHWADDR on ifindex into ifr. 0 or -1. */
static int link_ioctl(int ifindex, unsigned long req, struct ifreq *ifr)
{
	int fd, rc;

	memset(ifr, 0, sizeof(*ifr));
	if (!if_indextoname((unsigned)ifindex, ifr->ifr_name))
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	rc = ioctl(fd, req, ifr);
	close(fd);
	return rc < 0 ? -1 : 0;
}

bool netlink_link_is_up(int ifindex)
{
	struct ifreq ifr;

	if (link_ioctl(ifindex, SIOCGIFFLAGS, &ifr) < 0)
		return false;
	return (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}

int netlink_link_mac(int ifindex, uint8_t mac[6])
{
	struct ifreq ifr;

	if (link_ioctl(ifindex, SIOCGIFHWADDR, &ifr) < 0)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* ---- monitor (libmnl) ---- */

static struct netlink_watch *watch_find(int ifindex)
{
	size_t i;

	for (i = 0; i < mon.n_watch; i++)
		if (mon.watch[i].ifindex == ifindex)
			return &mon.watch[i];
	return NULL;
}

static bool want_watched(void *arg, int ifindex)
{
	(void)arg;
	return watch_find(ifindex) != NULL;
}

void netlink_monitor_watch(int ifindex)
{
	struct netlink_watch *grown;
	size_t cap;

	if (watch_find(ifindex))
		return;
	if (mon.n_watch == mon.cap_watch) {
		cap = mon.cap_watch ? mon.cap_watch * 2 : 8;
		grown = realloc(mon.watch, cap * sizeof(*grown));
		if (!grown) {
			log_err("netlink: out of memory watching ifindex %d", ifindex);
			return;
		}
		mon.watch = grown;
		mon.cap_watch = cap;
	}
	mon.watch[mon.n_watch].ifindex = ifindex;
	mon.watch[mon.n_watch].up = netlink_link_is_up(ifindex);
	mon.n_watch++;
}

void netlink_monitor_unwatch(int ifindex)
{
	struct netlink_watch *w = watch_find(ifindex);

	if (w)
		*w = mon.watch[--mon.n_watch];
}

static void report_link(int ifindex, bool up, bool always)
{
	struct netlink_watch *w = watch_find(ifindex);

	if (!w || (w->up == up && !always))
		return;
	w->up = up;
	if (mon.ops.link_changed)
		mon.ops.link_changed(mon.arg, ifindex, up);
}

/* After an overrun events were lost: report every watched link as it is now. */
static void monitor_resync(void)
{
	size_t i;

	log_warn("netlink: event overrun (ENOBUFS), resynchronising %zu interfaces",
		 mon.n_watch);
	/* By index: a callback may watch or unwatch and move the array. */
	for (i = 0; i < mon.n_watch; i++) {
		int ifindex = mon.watch[i].ifindex;

		report_link(ifindex, netlink_link_is_up(ifindex), true);
	}
}

static void report_event(const struct netlink_event *ev)
{
	switch (ev->kind) {
	case NETLINK_EV_LINK:
		report_link(ev->ifindex, ev->up, false);
		break;
	case NETLINK_EV_ADDR_ADD:
		if (mon.ops.addr_added)
			mon.ops.addr_added(mon.arg, ev->ifindex, &ev->addr, ev->prefix_len);
		break;
	case NETLINK_EV_ADDR_DEL:
		if (mon.ops.addr_removed)
			mon.ops.addr_removed(mon.arg, ev->ifindex, &ev->addr, ev->prefix_len);
		break;
	}
}

static int monitor_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct netlink_event ev;
	int rc;

	(void)data;
	rc = netlink_event_parse(nlh, want_watched, NULL, &ev);
	if (rc < 0)
		log_debug("netlink: malformed message type %u dropped", nlh->nlmsg_type);
	else if (rc > 0)
		report_event(&ev);
	return MNL_CB_OK;
}

void netlink_monitor_dispatch(void)
{
	static char buf[NETLINK_RECV_SIZE];
	ssize_t n;
	int reads;

	for (reads = 0; mon.nl && reads < NETLINK_MAX_READS; reads++) {
		n = mnl_socket_recvfrom(mon.nl, buf, sizeof(buf));
		if (n >= 0) {
			mnl_cb_run(buf, (size_t)n, 0, 0, monitor_msg_cb, NULL);
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		if (errno == ENOBUFS)
			monitor_resync();
		else if (errno != EINTR && errno != ENOSPC && errno != ESRCH) {
			log_warn("netlink: monitor recv: %s", strerror(errno));
			return;
		}
	}
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
	/* Best effort; ENOBUFS is handled by a resync anyway. */
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
	free(mon.watch);
	memset(&mon, 0, sizeof(mon));
}
