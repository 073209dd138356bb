/* IPsec AH (RFC 2402) around VRRPv2 adverts (RFC 3768 10.3 allowed it as
 * auth type 2), as keepalived builds and checks it: HMAC-MD5-96 (RFC 2403,
 * RFC 2104) keyed with the password (1..8 bytes, zero padded to 8), SPI = the
 * sender's IPv4 address, one 32-bit sequence counter per instance that both
 * sending and receiving move. The ICV covers the IPv4 header with TOS,
 * flags/fragment offset and header checksum zeroed (the TTL too with unicast
 * peers, kept at 255 for multicast), the AH header with its ICV zeroed, and
 * the VRRP message. Pure: bytes in, bytes or a drop reason out; no I/O. */
#ifndef VIPD_VRRP_AH_H
#define VIPD_VRRP_AH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipaddr.h"
#include "vrrp_packet.h"

#define VRRP_AH_PROTO 51
#define VRRP_AH_LEN 24     /* next header, length, reserved, SPI, sequence, ICV */
#define VRRP_AH_ICV_LEN 12 /* HMAC-MD5 cut to 96 bits */
#define VRRP_AH_IP_LEN 20  /* the IPv4 header we send: no options */
#define VRRP_AH_TOS 0xc0   /* internetwork control, as keepalived */
/* The counter stops here: keepalived's "cycled" mark (2^32 adverts, over
 * 136 years at 1 s). */
#define VRRP_AH_SEQ_MAX 0xfffffffeu

/* Per instance: the sequence number last sent or accepted, the IP ID last
 * sent. Zeroed at start (the first advert sent has sequence 1). */
struct vrrp_ah_state {
	uint32_t seq;
	uint16_t ip_id;
};

/* What to wrap a VRRP message in. */
struct vrrp_ah_send {
	const struct ip_addr *src; /* IPv4: also the SPI */
	const struct ip_addr *dst;
	const char *password;      /* 1..8 bytes used, NULL is "" */
	bool ttl_mutable;          /* unicast peers: the TTL is not in the ICV */
};

/* Advance the counter and the IP ID for one advert (the ID skips 0, which
 * the kernel would replace). */
void vrrp_ah_next(struct vrrp_ah_state *st);

/* Write IPv4 header (20 bytes, TTL 255, protocol 51, st's IP ID, header
 * checksum filled), AH header (st's sequence, ICV) and msg into buf. The
 * length written, or -1 when buf is too small, the addresses are not IPv4
 * or msg is longer than an IPv4 packet can carry. */
ssize_t vrrp_ah_build(const struct vrrp_ah_send *p, const struct vrrp_ah_state *st,
		      const uint8_t *msg, size_t msglen, uint8_t *buf, size_t buflen);

/* Check a received IPv4 packet (pkt, len: its total length) that carries
 * AH: the ICV (constant-time compare), then SPI == source address, then
 * sequence > st->seq, which then becomes st->seq (keepalived's order: a
 * packet with a wrong ICV moves nothing). Returns VRRP_DROP_NONE,
 * VRRP_DROP_AH_ICV (also: not AH, no room for a 96-bit ICV),
 * VRRP_DROP_AH_SPI or VRRP_DROP_AH_REPLAY. */
enum vrrp_drop_reason vrrp_ah_verify(const uint8_t *pkt, size_t len, const char *password,
				     bool ttl_mutable, struct vrrp_ah_state *st);

#endif
