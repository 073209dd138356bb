/* Raw IP sockets for VRRP (protocol 112): one per interface and family,
 * shared by every router on it and demultiplexed by VRID. Joins the multicast
 * group, sends with TTL / hop limit 255 from a chosen source, reads the
 * received TTL / hop limit from cmsg. */
#ifndef VIPD_VRRP_SOCKET_H
#define VIPD_VRRP_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"
#include "loop.h"
#include "vrrp_packet.h"

/* One received packet, IP header already taken off. */
struct vrrp_rx {
	struct ip_addr src;
	struct ip_addr dst;
	int ttl;                /* TTL or hop limit, -1 if unknown */
	int ifindex;
	const uint8_t *payload; /* the VRRP message */
	size_t len;
	bool had_ah;            /* arrived inside IPsec AH */
	const uint8_t *ip;      /* IPv4: the whole packet, up to its total length (AH ICV) */
	size_t ip_len;
};

typedef void (*vrrp_rx_cb)(void *arg, const struct vrrp_rx *rx);

struct vrrp_socket;

/* Get the socket for (ifindex, family), opening it on first use. A new
 * registration of a VRID bumps a reference count. Returns NULL with a message
 * in err when the socket cannot be set up. */
struct vrrp_socket *vrrp_socket_get(struct loop *loop, int ifindex, sa_family_t family,
				    char *err, size_t errlen);

/* Deliver packets for vrid to cb. -1 if that VRID is taken on this socket. */
int vrrp_socket_register(struct vrrp_socket *s, uint8_t vrid, vrrp_rx_cb cb, void *arg);

/* Stop delivering vrid; closes the socket when the last VRID leaves. */
void vrrp_socket_unregister(struct vrrp_socket *s, uint8_t vrid);

/* Join the multicast group (224.0.0.18 / ff02::12) on the interface; the
 * socket joins once however many routers ask. 0 or -1. */
int vrrp_socket_join_multicast(struct vrrp_socket *s);

/* Send one VRRP message from src (our primary / link-local address) to dst,
 * with TTL / hop limit 255. 0 or -1 (errno). */
int vrrp_socket_send(struct vrrp_socket *s, const struct ip_addr *src,
		     const struct ip_addr *dst, const uint8_t *msg, size_t len);

/* IPv4: also open the AH socket (raw, protocol 51, IP_HDRINCL) on this
 * interface, whose packets go to the same VRIDs; once per socket, kept until
 * it closes. 0, or -1 with err. */
int vrrp_socket_enable_ah(struct vrrp_socket *s, char *err, size_t errlen);

/* Send a whole IPv4 packet (header included: vrrp_ah_build) to dst on the
 * AH socket. 0 or -1 (errno). */
int vrrp_socket_send_ip(struct vrrp_socket *s, const struct ip_addr *dst, const uint8_t *pkt,
			size_t len);

/* Every open socket, for status: vrrp_socket_next(NULL) is the first, NULL
 * after the last. */
const struct vrrp_socket *vrrp_socket_next(const struct vrrp_socket *prev);
int vrrp_socket_ifindex(const struct vrrp_socket *s);
sa_family_t vrrp_socket_family(const struct vrrp_socket *s);

/* Packets dropped before reaching a router: unknown VRID, bad IP header. */
uint64_t vrrp_socket_drops(const struct vrrp_socket *s, enum vrrp_drop_reason reason);

/* The multicast group for a family: 224.0.0.18 or ff02::12. */
void vrrp_socket_group(sa_family_t family, struct ip_addr *out);

/* Added by the vrrp_socket module (not in the lead's first draft): */

/* Read and deliver every pending packet (at most 64 per call); the loop calls
 * it when the socket is readable, a test may call it directly. */
void vrrp_socket_dispatch(struct vrrp_socket *s);

/* Close the socket if no VRID is registered on it (undoes a get whose
 * register failed or never happened). */
void vrrp_socket_put(struct vrrp_socket *s);

/* The socket's descriptor, for a caller that polls it itself. */
int vrrp_socket_fd(const struct vrrp_socket *s);

#endif
