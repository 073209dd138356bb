/* IPsec AH around VRRPv2 adverts, keepalived's way (see vrrp_ah.h). Pure: no
 * I/O; every read bounds-checked; the HMAC is OpenSSL's. */
#include "vrrp_ah.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define IPV4_MIN_HDR 20
#define IPV4_MAX_HDR 60
#define AH_LEN_WORDS 4 /* AH length field: 32-bit words less 2 (24 bytes) */
#define AH_ICV_OFF 12
#define MD5_LEN 16
/* Largest packet we check: IPv4 header with options, AH, a full advert. */
#define AH_SCRATCH (IPV4_MAX_HDR + VRRP_AH_LEN + VRRP_MAX_PACKET)

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* keepalived keys with its 8-byte auth_data: the password zero padded (HMAC
 * pads a short key with zeros anyway: the same key either way). */
static void ah_key(const char *password, uint8_t key[VRRP_V2_AUTH_LEN])
{
	size_t n = password ? strnlen(password, VRRP_V2_AUTH_LEN) : 0;

	memset(key, 0, VRRP_V2_AUTH_LEN);
	if (n)
		memcpy(key, password, n);
}

/* In place: zero what the ICV leaves out (RFC 2402 3.3.3.1.1: the mutable
 * IPv4 fields; keepalived keeps the TTL of multicast adverts in) and the ICV. */
static void zero_mutable(uint8_t *pkt, size_t ihl, bool ttl_mutable)
{
	pkt[1] = 0;             /* TOS */
	pkt[6] = pkt[7] = 0;    /* flags, fragment offset */
	pkt[10] = pkt[11] = 0;  /* header checksum */
	if (ttl_mutable)
		pkt[8] = 0;
	memset(pkt + ihl + AH_ICV_OFF, 0, VRRP_AH_ICV_LEN);
}

/* HMAC-MD5 over buf (mutable fields already zeroed), cut to 96 bits. */
static int ah_icv(const char *password, const uint8_t *buf, size_t len,
		  uint8_t icv[VRRP_AH_ICV_LEN])
{
	uint8_t key[VRRP_V2_AUTH_LEN], md[MD5_LEN];
	unsigned mdlen = 0;

	ah_key(password, key);
	if (!HMAC(EVP_md5(), key, VRRP_V2_AUTH_LEN, buf, len, md, &mdlen) || mdlen != MD5_LEN)
		return -1;
	memcpy(icv, md, VRRP_AH_ICV_LEN);
	return 0;
}

void vrrp_ah_next(struct vrrp_ah_state *st)
{
	if (st->seq < VRRP_AH_SEQ_MAX)
		st->seq++;
	st->ip_id++;
	if (st->ip_id == 0)
		st->ip_id = 1;
}

static void write_ipv4_header(const struct vrrp_ah_send *p, const struct vrrp_ah_state *st,
			      size_t total, uint8_t *buf)
{
	uint16_t csum;

	memset(buf, 0, VRRP_AH_IP_LEN);
	buf[0] = 0x45;
	buf[1] = VRRP_AH_TOS;
	put16(buf + 2, (uint32_t)total);
	put16(buf + 4, st->ip_id);
	buf[8] = VRRP_TTL;
	buf[9] = VRRP_AH_PROTO;
	memcpy(buf + 12, &p->src->u.v4, 4);
	memcpy(buf + 16, &p->dst->u.v4, 4);
	csum = vrrp_csum_finish(vrrp_csum_add(0, buf, VRRP_AH_IP_LEN));
	put16(buf + 10, csum);
}

static void write_ah_header(const struct vrrp_ah_send *p, const struct vrrp_ah_state *st,
			    uint8_t *ah)
{
	memset(ah, 0, VRRP_AH_LEN);
	ah[0] = VRRP_PROTO;
	ah[1] = AH_LEN_WORDS;
	memcpy(ah + 4, &p->src->u.v4, 4);
	put32(ah + 8, st->seq);
}

ssize_t vrrp_ah_build(const struct vrrp_ah_send *p, const struct vrrp_ah_state *st,
		      const uint8_t *msg, size_t msglen, uint8_t *buf, size_t buflen)
{
	size_t total = VRRP_AH_IP_LEN + VRRP_AH_LEN + msglen;
	uint8_t scratch[AH_SCRATCH], icv[VRRP_AH_ICV_LEN];

	if (!p || !st || !msg || !buf || !p->src || !p->dst || p->src->family != AF_INET ||
	    p->dst->family != AF_INET || msglen > VRRP_MAX_PACKET || buflen < total)
		return -1;
	write_ipv4_header(p, st, total, buf);
	write_ah_header(p, st, buf + VRRP_AH_IP_LEN);
	memcpy(buf + VRRP_AH_IP_LEN + VRRP_AH_LEN, msg, msglen);
	memcpy(scratch, buf, total);
	zero_mutable(scratch, VRRP_AH_IP_LEN, p->ttl_mutable);
	if (ah_icv(p->password, scratch, total, icv) < 0)
		return -1;
	memcpy(buf + VRRP_AH_IP_LEN + AH_ICV_OFF, icv, VRRP_AH_ICV_LEN);
	return (ssize_t)total;
}

/* The IPv4 header length of an AH packet with room for a 96-bit ICV, or 0. */
static size_t ah_header_ok(const uint8_t *pkt, size_t len)
{
	size_t ihl;

	if (!pkt || len < IPV4_MIN_HDR || pkt[0] >> 4 != 4 || pkt[9] != VRRP_AH_PROTO)
		return 0;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (ihl < IPV4_MIN_HDR || len < ihl + VRRP_AH_LEN || pkt[ihl + 1] != AH_LEN_WORDS)
		return 0;
	return ihl;
}

static enum vrrp_drop_reason check_icv(const uint8_t *pkt, size_t len, size_t ihl,
				       const char *password, bool ttl_mutable)
{
	uint8_t scratch[AH_SCRATCH], icv[VRRP_AH_ICV_LEN];

	if (len > sizeof(scratch))
		return VRRP_DROP_AH_ICV;
	memcpy(scratch, pkt, len);
	zero_mutable(scratch, ihl, ttl_mutable);
	if (ah_icv(password, scratch, len, icv) < 0 ||
	    CRYPTO_memcmp(icv, pkt + ihl + AH_ICV_OFF, VRRP_AH_ICV_LEN) != 0)
		return VRRP_DROP_AH_ICV;
	return VRRP_DROP_NONE;
}

enum vrrp_drop_reason vrrp_ah_verify(const uint8_t *pkt, size_t len, const char *password,
				     bool ttl_mutable, struct vrrp_ah_state *st)
{
	size_t ihl = ah_header_ok(pkt, len);
	enum vrrp_drop_reason reason;
	uint32_t seq;

	if (ihl == 0 || !st)
		return VRRP_DROP_AH_ICV;
	reason = check_icv(pkt, len, ihl, password, ttl_mutable);
	if (reason != VRRP_DROP_NONE)
		return reason;
	if (memcmp(pkt + ihl + 4, pkt + 12, 4) != 0)
		return VRRP_DROP_AH_SPI;
	seq = get32(pkt + ihl + 8);
	if (seq <= st->seq)
		return VRRP_DROP_AH_REPLAY;
	st->seq = seq;
	return VRRP_DROP_NONE;
}
