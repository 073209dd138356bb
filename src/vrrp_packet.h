/* VRRPv2 (RFC 3768) and VRRPv3 (RFC 9568) advertisements: encode, decode,
 * validate. Pure: bytes in, struct or a named drop reason out; no I/O. */
#ifndef VIPD_VRRP_PACKET_H
#define VIPD_VRRP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipaddr.h"

#define VRRP_PROTO 112
#define VRRP_TYPE_ADVERT 1
#define VRRP_TTL 255
#define VRRP_MAX_ADDRS 255
#define VRRP_V2_AUTH_LEN 8
#define VRRP_HEADER_LEN 8
#define VRRP_MAX_PACKET (VRRP_HEADER_LEN + VRRP_MAX_ADDRS * 16 + VRRP_V2_AUTH_LEN)

enum vrrp_auth_type {
	VRRP_AUTH_NONE = 0,
	VRRP_AUTH_PASS = 1,
	VRRP_AUTH_AH = 2,
};

/* Why a received packet was dropped (or ignored). Every value has a counter. */
enum vrrp_drop_reason {
	VRRP_DROP_NONE = 0,     /* accepted */
	VRRP_DROP_TOO_SHORT,    /* shorter than the fixed header */
	VRRP_DROP_LENGTH,       /* shorter than header + count of addresses (+ auth) */
	VRRP_DROP_TTL,          /* TTL / hop limit not 255 (unicast: below unicast_ttl_min) */
	VRRP_DROP_VERSION,      /* version not the instance's (or not 2/3) */
	VRRP_DROP_TYPE,         /* type not 1 */
	VRRP_DROP_CHECKSUM,     /* checksum wrong in every accepted form */
	VRRP_DROP_COUNT_ZERO,   /* count of addresses is 0 */
	VRRP_DROP_INTERVAL_ZERO, /* v3 Max Adver Int is 0 */
	VRRP_DROP_VRID,         /* VRID not configured on that interface */
	VRRP_DROP_AUTH_TYPE,    /* v2 auth type differs from ours */
	VRRP_DROP_AUTH_DATA,    /* v2 auth data differs from ours */
	VRRP_DROP_INTERVAL_MISMATCH, /* v2 advert interval differs from ours */
	VRRP_DROP_OWN,          /* sent by us (our own address): ignored */
	VRRP_DROP_FAMILY,       /* IPv6 with version 2, or unknown family */
	VRRP_DROP_IP_HEADER,    /* malformed IPv4 or AH header around the advert */
	VRRP_DROP_NOT_PEER,     /* unicast mode: the sender is not a configured peer */
	VRRP_DROP_AH_ICV,       /* AH: the ICV is wrong (another key, or changed on the way) */
	VRRP_DROP_AH_SPI,       /* AH: the SPI is not the sender's address (keepalived's rule) */
	VRRP_DROP_AH_REPLAY,    /* AH: sequence number not above the last one seen or sent */
	VRRP_DROP__COUNT
};

/* Short stable name of a drop reason ("checksum", "ttl", ...), for logs and stats;
 * "unknown" for a value out of range. */
const char *vrrp_drop_reason_name(enum vrrp_drop_reason reason);

/* Which checksum form a v3 IPv4 advert uses. IPv6 always uses the pseudo-header. */
enum vrrp_csum_form {
	VRRP_CSUM_PSEUDO = 0,  /* with the IPv4 pseudo-header: keepalived, FRR (default) */
	VRRP_CSUM_MESSAGE = 1, /* over the VRRP message only: RFC 9568 text */
};

/* One advertisement, decoded or to encode. */
struct vrrp_advert {
	uint8_t version;     /* 2 or 3 */
	uint8_t type;        /* 1 */
	uint8_t vrid;        /* 1..255 */
	uint8_t priority;    /* 0..255 */
	uint8_t count;       /* number of addrs */
	uint16_t interval_cs; /* v3: Max Adver Int in centiseconds; v2: Adver Int seconds * 100 */
	uint8_t auth_type;   /* v2 only */
	uint8_t auth_data[VRRP_V2_AUTH_LEN]; /* v2 only, zero padded */
	sa_family_t family;  /* AF_INET or AF_INET6: the family of addrs */
	enum vrrp_csum_form csum_form; /* decode: the form that matched; encode: the form to use */
	struct ip_addr addrs[VRRP_MAX_ADDRS];
};

/* Decode and validate the VRRP message (IP payload) in buf. src and dst are the
 * IP addresses of the packet (for the pseudo-header checksum). Checks: length,
 * version 2/3, type, count != 0, v3 interval != 0, checksum (either form for
 * v3 IPv4), v2 only over IPv4. Does not check TTL, VRID, auth or the interval
 * against a configuration: the caller does (see vrrp_packet_check_v2_auth).
 * Returns VRRP_DROP_NONE and fills *out, or the reason. Checks, in order:
 *   TOO_SHORT (len < 8), VERSION (not 2/3), TYPE (not 1), COUNT_ZERO,
 *   FAMILY (src/dst NULL, of different families, not IPv4/IPv6, or v2 over
 *   IPv6; the family gives the address length, so it comes before LENGTH),
 *   LENGTH (len < 8 + count * addrlen, + 8 auth bytes for v2; trailing bytes
 *   are allowed and ignored), INTERVAL_ZERO (v3 only), CHECKSUM.
 * The checksum covers the message (header, count addresses, v2 auth), never
 * trailing bytes; pseudo-header length = that message length. csum_form is
 * set to the form that matched: v3 IPv4 tries PSEUDO then MESSAGE; v3 IPv6 is
 * PSEUDO; v2 is MESSAGE. On a drop, the header fields read so far (version,
 * type, vrid, priority, count, interval, auth type) are filled for logging. */
enum vrrp_drop_reason vrrp_packet_decode(const uint8_t *buf, size_t len,
					 const struct ip_addr *src,
					 const struct ip_addr *dst,
					 struct vrrp_advert *out);

/* Encode adv (its count addrs, its family) into buf with the checksum for
 * src/dst. Returns the length written, or -1 if buflen is too small or adv is
 * inconsistent (count 0, v2 with IPv6, version not 2/3). Also -1 for: family
 * not AF_INET/AF_INET6, an addrs[i] of another family, v3 interval_cs outside
 * 1..4095, v2 interval_cs not a whole number of seconds in 1..255, v3 with an
 * unknown csum_form, or src/dst NULL or of another family when the checksum
 * needs a pseudo-header (v3 IPv6, v3 IPv4 PSEUDO; otherwise they may be NULL).
 * The type written is always 1 (adv->type is ignored); the v3 reserved bits
 * are 0; v2 writes auth_type and auth_data as they are; csum_form is used for
 * v3 IPv4 only. */
ssize_t vrrp_packet_encode(const struct vrrp_advert *adv,
			   const struct ip_addr *src, const struct ip_addr *dst,
			   uint8_t *buf, size_t buflen);

/* Strip an IPv4 header (and an AH header, IP protocol 51, if present) from a
 * packet read from a raw IPv4 socket. Fills src, dst, ttl; points *payload at
 * the VRRP message. *had_ah tells whether an AH header was skipped (its ICV
 * is not checked here: vrrp_ah_verify does). Returns VRRP_DROP_NONE or
 * VRRP_DROP_IP_HEADER. The header
 * must be version 4, IHL >= 5, total length (network order) between the IHL
 * and len (bytes beyond it are padding and excluded from the payload), not a
 * fragment, protocol 112 or 51; AH needs next header 112 and a length
 * ((payload len + 2) * 4 bytes) that fits. */
enum vrrp_drop_reason vrrp_packet_strip_ipv4(const uint8_t *pkt, size_t len,
					     struct ip_addr *src, struct ip_addr *dst,
					     uint8_t *ttl, const uint8_t **payload,
					     size_t *payload_len, bool *had_ah);

/* v2: compare auth type and data with ours (password zero padded to 8 bytes).
 * Returns VRRP_DROP_NONE, VRRP_DROP_AUTH_TYPE or VRRP_DROP_AUTH_DATA. NONE and
 * AH compare the type only (the AH ICV is not checked here); PASS compares the
 * 8 bytes; a password longer than 8 is cut to 8, a NULL one is "". */
enum vrrp_drop_reason vrrp_packet_check_v2_auth(const struct vrrp_advert *adv,
						enum vrrp_auth_type type,
						const char *password);

/* Fill auth_type and auth_data for sending (PASS: password, zero padded to 8). */
void vrrp_packet_set_v2_auth(struct vrrp_advert *adv, enum vrrp_auth_type type,
			     const char *password);

/* The Internet checksum (RFC 1071) over buf, continuing from a partial sum.
 * Big-endian 16-bit words; an odd length pads a zero byte, so every chunk but
 * the last must have an even length. finish folds and complements (host
 * order value; 0 when a sum over data including its checksum verifies). */
uint32_t vrrp_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t vrrp_csum_finish(uint32_t sum);

#endif
