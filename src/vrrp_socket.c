/* Raw IP protocol-112 sockets: one per (interface, family), shared by every
 * router on it, demultiplexed by VRID; on IPv4, a second raw socket for
 * protocol 51 (AH) once an AH router asks. The registry is a module singleton. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* struct in6_pktinfo */
#endif
#include "vrrp_socket.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

/* Datagrams read per readable event, at most. A daemon that waited for a CPU
 * must read every advert queued meanwhile before its timers run, or the VRIDs
 * whose adverts are still queued time out: so the bound is well above one
 * advert per VRID (255 per family) times a few missed intervals, and still
 * bounds the time a flood can hold the loop. */
#define VRRP_SOCKET_BATCH 2048
#define VRRP_SOCKET_MMSG 16  /* datagrams per recvmmsg call */
#define VRRP_SOCKET_RCVBUF (4 << 20)
/* Largest IPv4 header (60) plus an AH header (24 with HMAC-96, room for more). */
#define VRRP_SOCKET_HDR_ROOM 128
#define VRRP_SOCKET_BUFLEN (VRRP_MAX_PACKET + VRRP_SOCKET_HDR_ROOM)
#define VRRP_SOCKET_CMSGLEN 256
#define VRRP_AH_PROTO_NUM 51

struct vrrp_handler {
	vrrp_rx_cb cb;
	void *arg;
};

struct vrrp_socket {
	struct vrrp_socket *next;
	struct loop *loop;
	int fd;
	int ah_fd; /* IPv4 AH, protocol 51, IP_HDRINCL: -1 until an AH router asks */
	int ifindex;
	sa_family_t family;
	bool joined;
	bool in_dispatch; /* free only after vrrp_socket_dispatch returns */
	bool closed;
	unsigned nvrids;
	struct vrrp_handler handlers[256];
	uint64_t drops[VRRP_DROP__COUNT];
	struct log_ratelimit vrid_rl;
};

static struct vrrp_socket *vrrp_sockets;

static const struct log_ratelimit vrrp_socket_rl_init = LOG_RATELIMIT_INIT;

void vrrp_socket_group(sa_family_t family, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	if (family == AF_INET) {
		out->u.v4.s_addr = htonl(0xe0000012); /* 224.0.0.18 */
	} else if (family == AF_INET6) {
		out->u.v6.s6_addr[0] = 0xff;
		out->u.v6.s6_addr[1] = 0x02;
		out->u.v6.s6_addr[15] = 0x12; /* ff02::12 */
	} else {
		out->family = AF_UNSPEC;
	}
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

static int setup_ipv4(int fd, int ifindex)
{
	struct ip_mreqn mreq;

	memset(&mreq, 0, sizeof(mreq));
	mreq.imr_ifindex = ifindex;
	if (set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL) < 0 ||
	    set_int(fd, IPPROTO_IP, IP_TTL, VRRP_TTL) < 0 ||
	    set_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) < 0 ||
	    set_int(fd, IPPROTO_IP, IP_PKTINFO, 1) < 0)
		return -1;
	return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq));
}

/* No IPV6_CHECKSUM: the codec computes and checks the checksum itself, so a
 * bad one reaches it and is counted. */
static int setup_ipv6(int fd, int ifindex)
{
	if (set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL) < 0 ||
	    set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL) < 0 ||
	    set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0 ||
	    set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex) < 0 ||
	    set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) < 0)
		return -1;
	return set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
}

/* Room for the adverts of hundreds of routers while the daemon waits for a
 * CPU: a full queue drops adverts, and missed adverts are takeovers. Best
 * effort: FORCE needs CAP_NET_ADMIN, the plain form is capped by rmem_max. */
static void size_rcvbuf(int fd)
{
	if (set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, VRRP_SOCKET_RCVBUF) < 0)
		(void)set_int(fd, SOL_SOCKET, SO_RCVBUF, VRRP_SOCKET_RCVBUF);
}

/* Open and configure a raw socket for proto bound to the interface; -1 with
 * err set. */
static int open_fd(int ifindex, sa_family_t family, int proto, char *err, size_t errlen)
{
	char ifname[IF_NAMESIZE];
	int fd, rc;

	if (!if_indextoname((unsigned)ifindex, ifname)) {
		snprintf(err, errlen, "interface %d: %s", ifindex, strerror(errno));
		return -1;
	}
	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0) {
		snprintf(err, errlen, "%s: raw socket: %s", ifname, strerror(errno));
		return -1;
	}
	size_rcvbuf(fd);
	rc = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1);
	if (rc == 0)
		rc = family == AF_INET ? setup_ipv4(fd, ifindex) : setup_ipv6(fd, ifindex);
	if (rc < 0) {
		snprintf(err, errlen, "%s: socket options: %s", ifname, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void on_readable(void *arg, uint32_t events)
{
	(void)events;
	vrrp_socket_dispatch(arg);
}

static struct vrrp_socket *find_socket(int ifindex, sa_family_t family)
{
	struct vrrp_socket *s;

	for (s = vrrp_sockets; s; s = s->next)
		if (s->ifindex == ifindex && s->family == family)
			return s;
	return NULL;
}

static struct vrrp_socket *new_socket(struct loop *loop, int ifindex, sa_family_t family,
				      char *err, size_t errlen)
{
	struct vrrp_socket *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->ah_fd = -1;
	s->fd = open_fd(ifindex, family, VRRP_PROTO, err, errlen);
	if (s->fd < 0) {
		free(s);
		return NULL;
	}
	s->ifindex = ifindex;
	s->family = family;
	s->vrid_rl = vrrp_socket_rl_init;
	if (loop && loop_add_fd(loop, s->fd, EPOLLIN, on_readable, s) < 0) {
		snprintf(err, errlen, "event loop: %s", strerror(errno));
		close(s->fd);
		free(s);
		return NULL;
	}
	s->loop = loop;
	return s;
}

struct vrrp_socket *vrrp_socket_get(struct loop *loop, int ifindex, sa_family_t family,
				    char *err, size_t errlen)
{
	struct vrrp_socket *s;

	if (family != AF_INET && family != AF_INET6) {
		snprintf(err, errlen, "unsupported address family %d", family);
		return NULL;
	}
	s = find_socket(ifindex, family);
	if (s)
		return s;
	s = new_socket(loop, ifindex, family, err, errlen);
	if (!s)
		return NULL;
	s->next = vrrp_sockets;
	vrrp_sockets = s;
	return s;
}

static void close_socket(struct vrrp_socket *s)
{
	struct vrrp_socket **pp;

	for (pp = &vrrp_sockets; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	if (s->loop)
		loop_del_fd(s->loop, s->fd);
	close(s->fd);
	s->fd = -1;
	if (s->ah_fd >= 0) {
		if (s->loop)
			loop_del_fd(s->loop, s->ah_fd);
		close(s->ah_fd);
		s->ah_fd = -1;
	}
	s->closed = true;
	if (!s->in_dispatch)
		free(s);
}

int vrrp_socket_register(struct vrrp_socket *s, uint8_t vrid, vrrp_rx_cb cb, void *arg)
{
	if (!cb || s->handlers[vrid].cb)
		return -1;
	s->handlers[vrid].cb = cb;
	s->handlers[vrid].arg = arg;
	s->nvrids++;
	return 0;
}

void vrrp_socket_unregister(struct vrrp_socket *s, uint8_t vrid)
{
	if (s->handlers[vrid].cb) {
		s->handlers[vrid].cb = NULL;
		s->handlers[vrid].arg = NULL;
		s->nvrids--;
	}
	vrrp_socket_put(s);
}

void vrrp_socket_put(struct vrrp_socket *s)
{
	if (s->nvrids == 0)
		close_socket(s);
}

int vrrp_socket_fd(const struct vrrp_socket *s)
{
	return s->fd;
}

static int join_fd(const struct vrrp_socket *s, int fd)
{
	struct ip_addr group;
	int rc;

	vrrp_socket_group(s->family, &group);
	if (s->family == AF_INET) {
		struct ip_mreqn mreq;

		memset(&mreq, 0, sizeof(mreq));
		mreq.imr_multiaddr = group.u.v4;
		mreq.imr_ifindex = s->ifindex;
		rc = setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq));
	} else {
		struct ipv6_mreq mreq;

		memset(&mreq, 0, sizeof(mreq));
		mreq.ipv6mr_multiaddr = group.u.v6;
		mreq.ipv6mr_interface = (unsigned)s->ifindex;
		rc = setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq, sizeof(mreq));
	}
	return rc < 0 ? -1 : 0;
}

int vrrp_socket_join_multicast(struct vrrp_socket *s)
{
	if (s->joined)
		return 0;
	if (join_fd(s, s->fd) < 0 || (s->ah_fd >= 0 && join_fd(s, s->ah_fd) < 0))
		return -1;
	s->joined = true;
	return 0;
}

static void on_readable_ah(void *arg, uint32_t events);

/* The AH socket: the kernel hands protocol 51 only to raw sockets of that
 * protocol. IP_HDRINCL: the ICV covers the IP header, so we write it. */
static int open_ah_fd(struct vrrp_socket *s, char *err, size_t errlen)
{
	int fd = open_fd(s->ifindex, AF_INET, VRRP_AH_PROTO_NUM, err, errlen);

	if (fd < 0)
		return -1;
	if (set_int(fd, IPPROTO_IP, IP_HDRINCL, 1) < 0 || (s->joined && join_fd(s, fd) < 0)) {
		snprintf(err, errlen, "ifindex %d: AH socket options: %s", s->ifindex,
			 strerror(errno));
		close(fd);
		return -1;
	}
	if (s->loop && loop_add_fd(s->loop, fd, EPOLLIN, on_readable_ah, s) < 0) {
		snprintf(err, errlen, "event loop: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int vrrp_socket_enable_ah(struct vrrp_socket *s, char *err, size_t errlen)
{
	if (s->ah_fd >= 0)
		return 0;
	if (s->family != AF_INET) {
		snprintf(err, errlen, "AH is IPv4 only");
		return -1;
	}
	s->ah_fd = open_ah_fd(s, err, errlen);
	return s->ah_fd < 0 ? -1 : 0;
}

const struct vrrp_socket *vrrp_socket_next(const struct vrrp_socket *prev)
{
	const struct vrrp_socket *s = prev ? prev->next : vrrp_sockets;

	while (s && s->closed)
		s = s->next;
	return s;
}

int vrrp_socket_ifindex(const struct vrrp_socket *s)
{
	return s->ifindex;
}

sa_family_t vrrp_socket_family(const struct vrrp_socket *s)
{
	return s->family;
}

uint64_t vrrp_socket_drops(const struct vrrp_socket *s, enum vrrp_drop_reason reason)
{
	if ((unsigned)reason >= VRRP_DROP__COUNT)
		return 0;
	return s->drops[reason];
}

/* ---- sending ---- */

/* sendmsg msg to name with one control message (level, type, data). */
static int send_with_cmsg(int fd, void *name, socklen_t namelen, int level, int type,
			  const void *data, size_t datalen, const uint8_t *msg, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh;
	struct cmsghdr *cm;

	memset(&control, 0, sizeof(control));
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = name;
	mh.msg_namelen = namelen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = CMSG_SPACE(datalen);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(datalen);
	memcpy(CMSG_DATA(cm), data, datalen);
	return sendmsg(fd, &mh, 0) < 0 ? -1 : 0;
}

/* IP_PKTINFO: ipi_spec_dst is the source, so a VIP on the interface (even
 * one the kernel would pick first) never becomes the advert's source. */
static int send_ipv4(const struct vrrp_socket *s, const struct ip_addr *src,
		     const struct ip_addr *dst, const uint8_t *msg, size_t len)
{
	struct sockaddr_in sin;
	struct in_pktinfo pi;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = dst->u.v4;
	memset(&pi, 0, sizeof(pi));
	pi.ipi_ifindex = s->ifindex;
	pi.ipi_spec_dst = src->u.v4;
	return send_with_cmsg(s->fd, &sin, sizeof(sin), IPPROTO_IP, IP_PKTINFO, &pi,
			      sizeof(pi), msg, len);
}

_Static_assert(sizeof(struct in_pktinfo) <= sizeof(struct in6_pktinfo),
	       "send_with_cmsg control buffer");

static bool needs_scope(const struct in6_addr *a)
{
	return IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MULTICAST(a);
}

static int send_ipv6(const struct vrrp_socket *s, const struct ip_addr *src,
		     const struct ip_addr *dst, const uint8_t *msg, size_t len)
{
	struct sockaddr_in6 sin6;
	struct in6_pktinfo pi;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = dst->u.v6;
	if (needs_scope(&dst->u.v6))
		sin6.sin6_scope_id = (uint32_t)s->ifindex;
	memset(&pi, 0, sizeof(pi));
	pi.ipi6_addr = src->u.v6;
	pi.ipi6_ifindex = (unsigned)s->ifindex;
	return send_with_cmsg(s->fd, &sin6, sizeof(sin6), IPPROTO_IPV6, IPV6_PKTINFO, &pi,
			      sizeof(pi), msg, len);
}

int vrrp_socket_send_ip(struct vrrp_socket *s, const struct ip_addr *dst, const uint8_t *pkt,
			size_t len)
{
	struct sockaddr_in sin;

	if (s->ah_fd < 0 || dst->family != AF_INET) {
		errno = s->ah_fd < 0 ? ENOTCONN : EAFNOSUPPORT;
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = dst->u.v4;
	return sendto(s->ah_fd, pkt, len, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0 ? -1 : 0;
}

int vrrp_socket_send(struct vrrp_socket *s, const struct ip_addr *src,
		     const struct ip_addr *dst, const uint8_t *msg, size_t len)
{
	if (src->family != s->family || dst->family != s->family) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (s->family == AF_INET)
		return send_ipv4(s, src, dst, msg, len);
	return send_ipv6(s, src, dst, msg, len);
}

/* ---- receiving ---- */

static void drop(struct vrrp_socket *s, enum vrrp_drop_reason reason)
{
	s->drops[reason]++;
}

static void deliver(struct vrrp_socket *s, const struct vrrp_rx *rx)
{
	const struct vrrp_handler *h;
	char ifname[IF_NAMESIZE], src[IPADDR_STRLEN];

	if (rx->len < 2) {
		drop(s, VRRP_DROP_TOO_SHORT);
		return;
	}
	h = &s->handlers[rx->payload[1]];
	if (h->cb) {
		h->cb(h->arg, rx);
		return;
	}
	drop(s, VRRP_DROP_VRID);
	if (log_ratelimit_allow(&s->vrid_rl, time_now())) {
		if (!if_indextoname((unsigned)s->ifindex, ifname))
			snprintf(ifname, sizeof(ifname), "#%d", s->ifindex);
		log_warn("%s: advert for VRID %u from %s: VRID not configured here",
			 ifname, rx->payload[1], ipaddr_str(&rx->src, src));
	}
}

/* The ifindex from IP_PKTINFO, or -1. */
static int cmsg_ipv4_ifindex(struct msghdr *mh)
{
	struct cmsghdr *cm;
	struct in_pktinfo pi;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			return pi.ipi_ifindex;
		}
	}
	return -1;
}

static void handle_ipv4(struct vrrp_socket *s, struct msghdr *mh, const uint8_t *buf,
			size_t len)
{
	struct vrrp_rx rx;
	uint8_t ttl = 0;
	enum vrrp_drop_reason r;

	memset(&rx, 0, sizeof(rx));
	r = vrrp_packet_strip_ipv4(buf, len, &rx.src, &rx.dst, &ttl, &rx.payload, &rx.len,
				   &rx.had_ah);
	if (r != VRRP_DROP_NONE) {
		drop(s, r);
		return;
	}
	rx.ttl = ttl;
	rx.ip = buf;
	rx.ip_len = (size_t)buf[2] << 8 | buf[3]; /* checked against len by the strip */
	rx.ifindex = cmsg_ipv4_ifindex(mh);
	if (rx.ifindex < 0)
		rx.ifindex = s->ifindex;
	if (rx.ifindex != s->ifindex)
		return; /* only before SO_BINDTODEVICE took effect */
	deliver(s, &rx);
}

/* Fill dst, ifindex and ttl of rx from IPV6_PKTINFO and IPV6_HOPLIMIT. */
static void cmsg_ipv6(struct msghdr *mh, struct vrrp_rx *rx)
{
	struct cmsghdr *cm;
	struct in6_pktinfo pi;
	int hops;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		if (cm->cmsg_type == IPV6_PKTINFO && cm->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			ipaddr_from_bytes(&rx->dst, AF_INET6, &pi.ipi6_addr);
			rx->ifindex = (int)pi.ipi6_ifindex;
		} else if (cm->cmsg_type == IPV6_HOPLIMIT &&
			   cm->cmsg_len >= CMSG_LEN(sizeof(hops))) {
			memcpy(&hops, CMSG_DATA(cm), sizeof(hops));
			rx->ttl = hops;
		}
	}
}

static void handle_ipv6(struct vrrp_socket *s, struct msghdr *mh, const uint8_t *buf,
			size_t len)
{
	const struct sockaddr_in6 *from = mh->msg_name;
	struct vrrp_rx rx;

	memset(&rx, 0, sizeof(rx));
	rx.ttl = -1;
	rx.ifindex = s->ifindex;
	if (mh->msg_namelen < sizeof(*from) || from->sin6_family != AF_INET6) {
		drop(s, VRRP_DROP_IP_HEADER);
		return;
	}
	ipaddr_from_bytes(&rx.src, AF_INET6, &from->sin6_addr);
	cmsg_ipv6(mh, &rx);
	if (rx.dst.family != AF_INET6) {
		drop(s, VRRP_DROP_IP_HEADER); /* no IPV6_PKTINFO: no pseudo-header */
		return;
	}
	if (rx.ifindex != s->ifindex)
		return; /* only before SO_BINDTODEVICE took effect */
	rx.payload = buf;
	rx.len = len;
	deliver(s, &rx);
}

/* Receive buffers for one recvmmsg call (one thread: static). */
static struct {
	uint8_t data[VRRP_SOCKET_MMSG][VRRP_SOCKET_BUFLEN];
	union {
		char buf[VRRP_SOCKET_CMSGLEN];
		struct cmsghdr align;
	} control[VRRP_SOCKET_MMSG];
	struct sockaddr_storage from[VRRP_SOCKET_MMSG];
	struct iovec iov[VRRP_SOCKET_MMSG];
	struct mmsghdr msgs[VRRP_SOCKET_MMSG];
} rxb;

static void rx_buffers_reset(void)
{
	int i;

	memset(rxb.msgs, 0, sizeof(rxb.msgs));
	for (i = 0; i < VRRP_SOCKET_MMSG; i++) {
		struct msghdr *mh = &rxb.msgs[i].msg_hdr;

		rxb.iov[i].iov_base = rxb.data[i];
		rxb.iov[i].iov_len = sizeof(rxb.data[i]);
		mh->msg_name = &rxb.from[i];
		mh->msg_namelen = sizeof(rxb.from[i]);
		mh->msg_iov = &rxb.iov[i];
		mh->msg_iovlen = 1;
		mh->msg_control = rxb.control[i].buf;
		mh->msg_controllen = sizeof(rxb.control[i].buf);
	}
}

static void handle_one(struct vrrp_socket *s, struct msghdr *mh, const uint8_t *buf, size_t n)
{
	if (mh->msg_flags & MSG_TRUNC)
		drop(s, VRRP_DROP_LENGTH);
	else if (s->family == AF_INET)
		handle_ipv4(s, mh, buf, n);
	else
		handle_ipv6(s, mh, buf, n);
}

/* Read what is queued, up to VRRP_SOCKET_MMSG datagrams in one call, and
 * handle them. The count read, 0 when none was left, -1 on error. */
static int read_batch(struct vrrp_socket *s, int fd)
{
	int n, i;

	rx_buffers_reset();
	n = recvmmsg(fd, rxb.msgs, VRRP_SOCKET_MMSG, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	for (i = 0; i < n && !s->closed; i++)
		handle_one(s, &rxb.msgs[i].msg_hdr, rxb.data[i], rxb.msgs[i].msg_len);
	return n;
}

static void dispatch_fd(struct vrrp_socket *s, int fd)
{
	int i, rc = VRRP_SOCKET_MMSG;

	/* A handler may unregister the last VRID, which closes s: free it
	 * here, after the last read. A short batch means the queue is empty:
	 * no extra call just to hear EAGAIN. */
	s->in_dispatch = true;
	for (i = 0; i < VRRP_SOCKET_BATCH / VRRP_SOCKET_MMSG && rc == VRRP_SOCKET_MMSG &&
		    !s->closed; i++) {
		rc = read_batch(s, fd);
		if (rc < 0 && errno != EINTR)
			log_warn("VRRP socket on ifindex %d: recvmmsg: %s", s->ifindex,
				 strerror(errno));
	}
	s->in_dispatch = false;
	if (s->closed)
		free(s);
}

void vrrp_socket_dispatch(struct vrrp_socket *s)
{
	dispatch_fd(s, s->fd);
}

static void on_readable_ah(void *arg, uint32_t events)
{
	struct vrrp_socket *s = arg;

	(void)events;
	dispatch_fd(s, s->ah_fd);
}
