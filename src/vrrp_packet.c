/* VRRPv2 (RFC 3768) and VRRPv3 (RFC 9568) advertisements: encode, decode,
 * validate. Pure: no I/O, no allocation, every read bounds-checked. */
#include "vrrp_packet.h"

#include <arpa/inet.h>
#include <string.h>

#define IPV4_HEADER_MIN 20
#define IPPROTO_AH_NUM 51
#define AH_FIXED_LEN 12 /* next header, length, reserved, SPI, sequence */
#define V3_INTERVAL_MAX 4095
#define V2_INTERVAL_MAX_S 255

static const char *const drop_names[VRRP_DROP__COUNT] = {
	[VRRP_DROP_NONE] = "none",
	[VRRP_DROP_TOO_SHORT] = "too_short",
	[VRRP_DROP_LENGTH] = "length",
	[VRRP_DROP_TTL] = "ttl",
	[VRRP_DROP_VERSION] = "version",
	[VRRP_DROP_TYPE] = "type",
	[VRRP_DROP_CHECKSUM] = "checksum",
	[VRRP_DROP_COUNT_ZERO] = "count_zero",
	[VRRP_DROP_INTERVAL_ZERO] = "interval_zero",
	[VRRP_DROP_VRID] = "vrid",
	[VRRP_DROP_AUTH_TYPE] = "auth_type",
	[VRRP_DROP_AUTH_DATA] = "auth_data",
	[VRRP_DROP_INTERVAL_MISMATCH] = "interval_mismatch",
	[VRRP_DROP_OWN] = "own",
	[VRRP_DROP_FAMILY] = "family",
	[VRRP_DROP_IP_HEADER] = "ip_header",
	[VRRP_DROP_NOT_PEER] = "not_peer",
	[VRRP_DROP_AH_ICV] = "ah_icv",
	[VRRP_DROP_AH_SPI] = "ah_spi",
	[VRRP_DROP_AH_REPLAY] = "ah_replay",
};

const char *vrrp_drop_reason_name(enum vrrp_drop_reason reason)
{
	if ((unsigned)reason >= VRRP_DROP__COUNT || !drop_names[reason])
		return "unknown";
	return drop_names[reason];
}

/* ---- checksum (RFC 1071) ---- */

static uint32_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint32_t vrrp_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	sum = csum_fold(sum);
	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)p[i] << 8 | p[i + 1];
		if (sum & 0x80000000u)
			sum = csum_fold(sum);
	}
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return csum_fold(sum);
}

uint16_t vrrp_csum_finish(uint32_t sum)
{
	return (uint16_t)~csum_fold(sum);
}

/* Partial sum of the pseudo-header for a message of msg_len bytes. */
static uint32_t csum_pseudo(const struct ip_addr *src, const struct ip_addr *dst,
			    size_t msg_len)
{
	uint8_t tail[8] = { 0 };
	size_t alen = ipaddr_family_len(src->family);
	uint32_t sum;

	sum = vrrp_csum_add(0, &src->u, alen);
	sum = vrrp_csum_add(sum, &dst->u, alen);
	if (src->family == AF_INET) {
		/* zero, protocol, 16-bit length */
		tail[1] = VRRP_PROTO;
		tail[2] = (uint8_t)(msg_len >> 8);
		tail[3] = (uint8_t)msg_len;
		return vrrp_csum_add(sum, tail, 4);
	}
	/* 32-bit upper-layer length, three zero bytes, next header */
	tail[2] = (uint8_t)(msg_len >> 8);
	tail[3] = (uint8_t)msg_len;
	tail[7] = VRRP_PROTO;
	return vrrp_csum_add(sum, tail, 8);
}

/* ---- decode ---- */

static size_t message_len(uint8_t version, uint8_t count, size_t alen)
{
	return VRRP_HEADER_LEN + (size_t)count * alen +
	       (version == 2 ? VRRP_V2_AUTH_LEN : 0);
}

/* src and dst must be one family that the version can use. */
static enum vrrp_drop_reason check_family(uint8_t version,
					  const struct ip_addr *src,
					  const struct ip_addr *dst)
{
	if (!src || !dst || src->family != dst->family)
		return VRRP_DROP_FAMILY;
	if (src->family == AF_INET)
		return VRRP_DROP_NONE;
	if (src->family == AF_INET6 && version == 3)
		return VRRP_DROP_NONE;
	return VRRP_DROP_FAMILY;
}

/* Verify the checksum of buf[0..mlen) and record the form that matched. */
static enum vrrp_drop_reason check_csum(const uint8_t *buf, size_t mlen,
					const struct ip_addr *src,
					const struct ip_addr *dst,
					struct vrrp_advert *out)
{
	uint32_t msg = vrrp_csum_add(0, buf, mlen);

	if (out->version == 2) {
		out->csum_form = VRRP_CSUM_MESSAGE;
		return vrrp_csum_finish(msg) ? VRRP_DROP_CHECKSUM : VRRP_DROP_NONE;
	}
	out->csum_form = VRRP_CSUM_PSEUDO;
	if (vrrp_csum_finish(msg + csum_pseudo(src, dst, mlen)) == 0)
		return VRRP_DROP_NONE;
	if (src->family == AF_INET && vrrp_csum_finish(msg) == 0) {
		out->csum_form = VRRP_CSUM_MESSAGE;
		return VRRP_DROP_NONE;
	}
	return VRRP_DROP_CHECKSUM;
}

/* The fixed header fields that need no family: filled even for a drop. */
static void decode_header(const uint8_t *buf, struct vrrp_advert *out)
{
	out->version = buf[0] >> 4;
	out->type = buf[0] & 0x0f;
	out->vrid = buf[1];
	out->priority = buf[2];
	out->count = buf[3];
	if (out->version == 2) {
		out->auth_type = buf[4];
		out->interval_cs = (uint16_t)(buf[5] * 100);
	} else {
		out->auth_type = 0;
		out->interval_cs = (uint16_t)((buf[4] & 0x0f) << 8 | buf[5]);
	}
}

static void decode_body(const uint8_t *buf, size_t alen, struct vrrp_advert *out)
{
	const uint8_t *p = buf + VRRP_HEADER_LEN;
	unsigned i;

	for (i = 0; i < out->count; i++, p += alen)
		ipaddr_from_bytes(&out->addrs[i], out->family, p);
	if (out->version == 2)
		memcpy(out->auth_data, p, VRRP_V2_AUTH_LEN);
	else
		memset(out->auth_data, 0, VRRP_V2_AUTH_LEN);
}

enum vrrp_drop_reason vrrp_packet_decode(const uint8_t *buf, size_t len,
					 const struct ip_addr *src,
					 const struct ip_addr *dst,
					 struct vrrp_advert *out)
{
	enum vrrp_drop_reason r;
	size_t alen, mlen;

	if (!buf || len < VRRP_HEADER_LEN)
		return VRRP_DROP_TOO_SHORT;
	decode_header(buf, out);
	if (out->version != 2 && out->version != 3)
		return VRRP_DROP_VERSION;
	if (out->type != VRRP_TYPE_ADVERT)
		return VRRP_DROP_TYPE;
	if (out->count == 0)
		return VRRP_DROP_COUNT_ZERO;
	r = check_family(out->version, src, dst);
	if (r != VRRP_DROP_NONE)
		return r;
	out->family = src->family;
	alen = ipaddr_family_len(out->family);
	mlen = message_len(out->version, out->count, alen);
	if (len < mlen)
		return VRRP_DROP_LENGTH;
	if (out->version == 3 && out->interval_cs == 0)
		return VRRP_DROP_INTERVAL_ZERO;
	r = check_csum(buf, mlen, src, dst, out);
	if (r != VRRP_DROP_NONE)
		return r;
	decode_body(buf, alen, out);
	return VRRP_DROP_NONE;
}

/* ---- encode ---- */

static bool interval_ok(const struct vrrp_advert *adv)
{
	if (adv->version == 3)
		return adv->interval_cs >= 1 && adv->interval_cs <= V3_INTERVAL_MAX;
	return adv->interval_cs % 100 == 0 && adv->interval_cs >= 100 &&
	       adv->interval_cs <= V2_INTERVAL_MAX_S * 100;
}

static bool addrs_ok(const struct vrrp_advert *adv)
{
	unsigned i;

	for (i = 0; i < adv->count; i++)
		if (adv->addrs[i].family != adv->family)
			return false;
	return true;
}

/* v3 checksums include the pseudo-header, except the v3 IPv4 message form. */
static bool needs_pseudo(const struct vrrp_advert *adv)
{
	return adv->version == 3 &&
	       (adv->family == AF_INET6 || adv->csum_form == VRRP_CSUM_PSEUDO);
}

/* src and dst are needed only for a pseudo-header, and must fit it. */
static bool endpoints_ok(const struct vrrp_advert *adv,
			 const struct ip_addr *src, const struct ip_addr *dst)
{
	if (!needs_pseudo(adv))
		return true;
	return src && dst && src->family == adv->family &&
	       dst->family == adv->family;
}

static bool advert_ok(const struct vrrp_advert *adv,
		      const struct ip_addr *src, const struct ip_addr *dst)
{
	if (adv->version != 2 && adv->version != 3)
		return false;
	if (adv->family != AF_INET && adv->family != AF_INET6)
		return false;
	if (adv->version == 2 && adv->family != AF_INET)
		return false;
	if (adv->count == 0 || !interval_ok(adv) || !addrs_ok(adv))
		return false;
	if (adv->version == 3 && adv->csum_form != VRRP_CSUM_PSEUDO &&
	    adv->csum_form != VRRP_CSUM_MESSAGE)
		return false;
	return endpoints_ok(adv, src, dst);
}

static void encode_header(const struct vrrp_advert *adv, uint8_t *buf)
{
	buf[0] = (uint8_t)(adv->version << 4 | VRRP_TYPE_ADVERT);
	buf[1] = adv->vrid;
	buf[2] = adv->priority;
	buf[3] = adv->count;
	if (adv->version == 2) {
		buf[4] = adv->auth_type;
		buf[5] = (uint8_t)(adv->interval_cs / 100);
	} else {
		buf[4] = (uint8_t)(adv->interval_cs >> 8 & 0x0f);
		buf[5] = (uint8_t)adv->interval_cs;
	}
	buf[6] = 0;
	buf[7] = 0;
}

ssize_t vrrp_packet_encode(const struct vrrp_advert *adv,
			   const struct ip_addr *src, const struct ip_addr *dst,
			   uint8_t *buf, size_t buflen)
{
	size_t alen, mlen;
	uint8_t *p;
	uint32_t sum;
	uint16_t csum;
	unsigned i;

	if (!adv || !buf || !advert_ok(adv, src, dst))
		return -1;
	alen = ipaddr_family_len(adv->family);
	mlen = message_len(adv->version, adv->count, alen);
	if (buflen < mlen)
		return -1;
	encode_header(adv, buf);
	p = buf + VRRP_HEADER_LEN;
	for (i = 0; i < adv->count; i++, p += alen)
		memcpy(p, &adv->addrs[i].u, alen);
	if (adv->version == 2)
		memcpy(p, adv->auth_data, VRRP_V2_AUTH_LEN);
	sum = vrrp_csum_add(0, buf, mlen);
	if (needs_pseudo(adv))
		sum += csum_pseudo(src, dst, mlen);
	csum = vrrp_csum_finish(sum);
	buf[6] = (uint8_t)(csum >> 8);
	buf[7] = (uint8_t)csum;
	return (ssize_t)mlen;
}

/* ---- IPv4 and AH ---- */

/* Skip an AH header at p (len bytes); the next header must be VRRP. */
static enum vrrp_drop_reason strip_ah(const uint8_t *p, size_t len,
				      const uint8_t **payload, size_t *payload_len)
{
	size_t ah_len;

	if (len < AH_FIXED_LEN || p[0] != VRRP_PROTO)
		return VRRP_DROP_IP_HEADER;
	ah_len = ((size_t)p[1] + 2) * 4;
	if (ah_len < AH_FIXED_LEN || ah_len > len)
		return VRRP_DROP_IP_HEADER;
	*payload = p + ah_len;
	*payload_len = len - ah_len;
	return VRRP_DROP_NONE;
}

enum vrrp_drop_reason vrrp_packet_strip_ipv4(const uint8_t *pkt, size_t len,
					     struct ip_addr *src, struct ip_addr *dst,
					     uint8_t *ttl, const uint8_t **payload,
					     size_t *payload_len, bool *had_ah)
{
	size_t ihl, total;

	*had_ah = false;
	if (!pkt || len < IPV4_HEADER_MIN || pkt[0] >> 4 != 4)
		return VRRP_DROP_IP_HEADER;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	total = (size_t)pkt[2] << 8 | pkt[3];
	if (ihl < IPV4_HEADER_MIN || total < ihl || total > len)
		return VRRP_DROP_IP_HEADER;
	if ((pkt[6] & 0x3f) != 0 || pkt[7] != 0) /* MF or an offset: a fragment */
		return VRRP_DROP_IP_HEADER;
	ipaddr_from_bytes(src, AF_INET, pkt + 12);
	ipaddr_from_bytes(dst, AF_INET, pkt + 16);
	*ttl = pkt[8];
	if (pkt[9] == VRRP_PROTO) {
		*payload = pkt + ihl;
		*payload_len = total - ihl;
		return VRRP_DROP_NONE;
	}
	if (pkt[9] != IPPROTO_AH_NUM)
		return VRRP_DROP_IP_HEADER;
	*had_ah = true;
	return strip_ah(pkt + ihl, total - ihl, payload, payload_len);
}

/* ---- v2 authentication ---- */

static void pad_password(const char *password, uint8_t out[VRRP_V2_AUTH_LEN])
{
	size_t n = password ? strnlen(password, VRRP_V2_AUTH_LEN) : 0;

	memset(out, 0, VRRP_V2_AUTH_LEN);
	if (n)
		memcpy(out, password, n);
}

enum vrrp_drop_reason vrrp_packet_check_v2_auth(const struct vrrp_advert *adv,
						enum vrrp_auth_type type,
						const char *password)
{
	uint8_t want[VRRP_V2_AUTH_LEN];

	if (adv->auth_type != (uint8_t)type)
		return VRRP_DROP_AUTH_TYPE;
	if (type != VRRP_AUTH_PASS)
		return VRRP_DROP_NONE;
	pad_password(password, want);
	if (memcmp(adv->auth_data, want, VRRP_V2_AUTH_LEN) != 0)
		return VRRP_DROP_AUTH_DATA;
	return VRRP_DROP_NONE;
}

void vrrp_packet_set_v2_auth(struct vrrp_advert *adv, enum vrrp_auth_type type,
			     const char *password)
{
	adv->auth_type = (uint8_t)type;
	if (type == VRRP_AUTH_PASS)
		pad_password(password, adv->auth_data);
	else
		memset(adv->auth_data, 0, VRRP_V2_AUTH_LEN);
}
