/* libFuzzer target for the VRRP codec: strip an IPv4 header, decode, and for
 * every accepted advert re-encode and check the round trip. A packet with AH
 * also goes through vrrp_ah_verify (key "secret12", keepalived's capture),
 * and, with its ICV resealed, must verify and round-trip through
 * vrrp_ah_build.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc
 *        src/vrrp_packet.c src/vrrp_ah.c src/ipaddr.c tests/fuzz/fuzz_vrrp_packet.c
 *        -lcrypto
 * The first input byte picks a mode: 0 the rest as is, 1 and 2 the rest with
 * its VRRP checksum repaired (pseudo-header / message form) so that the
 * accepting paths are reached too. */
#include <stdlib.h>
#include <string.h>

#include "vrrp_ah.h"
#include "vrrp_packet.h"

#define FUZZ_MAX 2048

static struct ip_addr v4_src, v4_dst, v6_src, v6_dst;

static void setup(void)
{
	static int done;

	if (done)
		return;
	if (ipaddr_parse("192.0.2.11", &v4_src) || ipaddr_parse("224.0.0.18", &v4_dst) ||
	    ipaddr_parse("fe80::11", &v6_src) || ipaddr_parse("ff02::12", &v6_dst))
		abort();
	done = 1;
}

static bool same_advert(const struct vrrp_advert *a, const struct vrrp_advert *b)
{
	unsigned i;

	if (a->version != b->version || a->type != b->type || a->vrid != b->vrid ||
	    a->priority != b->priority || a->count != b->count ||
	    a->interval_cs != b->interval_cs || a->auth_type != b->auth_type ||
	    a->family != b->family || a->csum_form != b->csum_form ||
	    memcmp(a->auth_data, b->auth_data, VRRP_V2_AUTH_LEN) != 0)
		return false;
	for (i = 0; i < a->count; i++)
		if (!ipaddr_equal(&a->addrs[i], &b->addrs[i]))
			return false;
	return true;
}

/* The re-encoding equals the input message, but for the v3 reserved bits
 * (ignored on receive, 0 on send, and then the checksum differs too) and the
 * two spellings of a zero checksum. */
static bool same_bytes(const uint8_t *in, const uint8_t *out, size_t n, uint8_t version)
{
	uint16_t cin = (uint16_t)(in[6] << 8 | in[7]);
	uint16_t cout = (uint16_t)(out[6] << 8 | out[7]);
	uint8_t mask = version == 3 ? 0x0f : 0xff;
	bool reserved_set = (in[4] & mask) != in[4];

	if (memcmp(in, out, 4) != 0 || (in[4] & mask) != out[4] || in[5] != out[5])
		return false;
	if (!reserved_set && cin != cout && !(cin == 0xffff && cout == 0))
		return false;
	return memcmp(in + 8, out + 8, n - 8) == 0;
}

static void round_trip(const uint8_t *msg, size_t len, const struct ip_addr *src,
		       const struct ip_addr *dst)
{
	static struct vrrp_advert adv, again;
	uint8_t out[VRRP_MAX_PACKET];
	ssize_t n;

	if (vrrp_packet_decode(msg, len, src, dst, &adv) != VRRP_DROP_NONE)
		return;
	n = vrrp_packet_encode(&adv, src, dst, out, sizeof(out));
	if (n < 0) {
		/* v2 Adver Int 0 is the caller's to drop (interval mismatch) */
		if (adv.version == 2 && adv.interval_cs == 0)
			return;
		abort();
	}
	if ((size_t)n > len || !same_bytes(msg, out, (size_t)n, adv.version))
		abort();
	if (vrrp_packet_decode(out, (size_t)n, src, dst, &again) != VRRP_DROP_NONE ||
	    !same_advert(&adv, &again))
		abort();
}

/* Write a valid checksum into msg (a writable copy) when its header allows. */
static void repair_csum(uint8_t *msg, size_t len, const struct ip_addr *src,
			const struct ip_addr *dst, bool pseudo)
{
	size_t alen = ipaddr_family_len(src->family), mlen;
	uint8_t ph[8] = { 0 };
	uint32_t sum;
	uint16_t c;

	if (len < VRRP_HEADER_LEN)
		return;
	mlen = VRRP_HEADER_LEN + msg[3] * alen + (msg[0] >> 4 == 2 ? VRRP_V2_AUTH_LEN : 0);
	if (mlen > len)
		return;
	msg[6] = msg[7] = 0;
	sum = vrrp_csum_add(0, msg, mlen);
	if (pseudo) {
		sum = vrrp_csum_add(sum, &src->u, alen);
		sum = vrrp_csum_add(sum, &dst->u, alen);
		/* v4: 0, 112, len16; v6: len32, 0, 0, 0, 112 */
		ph[2] = (uint8_t)(mlen >> 8);
		ph[3] = (uint8_t)mlen;
		ph[alen == 4 ? 1 : 7] = VRRP_PROTO;
		sum = vrrp_csum_add(sum, ph, alen == 4 ? 4 : 8);
	}
	c = vrrp_csum_finish(sum);
	msg[6] = (uint8_t)(c >> 8);
	msg[7] = (uint8_t)c;
}

static void try_endpoints(const uint8_t *data, size_t len, const struct ip_addr *src,
			  const struct ip_addr *dst, int mode)
{
	uint8_t copy[FUZZ_MAX];

	memcpy(copy, data, len);
	if (mode)
		repair_csum(copy, len, src, dst, mode == 1);
	round_trip(copy, len, src, dst);
}

/* AH: verify as received (anything goes but a crash), then rebuild the
 * packet from its parts with vrrp_ah_build: it must verify (sequence 1 above
 * the one received) and keep the message. */
static void try_ah(const uint8_t *pkt, size_t len, const uint8_t *msg, size_t msglen)
{
	struct vrrp_ah_state st = { 0, 0 }, tx;
	struct ip_addr src, dst;
	struct vrrp_ah_send p = { &src, &dst, "secret12", false };
	uint8_t out[FUZZ_MAX + VRRP_AH_IP_LEN + VRRP_AH_LEN];
	size_t total = (size_t)pkt[2] << 8 | pkt[3];
	ssize_t n;

	(void)vrrp_ah_verify(pkt, total <= len ? total : len, "secret12", pkt[8] != VRRP_TTL, &st);
	if (msglen > VRRP_MAX_PACKET)
		return;
	if (st.seq == UINT32_MAX)
		st.seq = 0;
	ipaddr_from_bytes(&src, AF_INET, pkt + 12);
	ipaddr_from_bytes(&dst, AF_INET, pkt + 16);
	tx.seq = st.seq + 1;
	tx.ip_id = 7;
	n = vrrp_ah_build(&p, &tx, msg, msglen, out, sizeof(out));
	if (n < 0 || vrrp_ah_verify(out, (size_t)n, "secret12", false, &st) != VRRP_DROP_NONE ||
	    memcmp(out + VRRP_AH_IP_LEN + VRRP_AH_LEN, msg, msglen) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ip_addr src, dst;
	const uint8_t *payload;
	size_t payload_len;
	uint8_t ttl;
	bool had_ah;
	int mode;

	setup();
	if (size < 1 || size > FUZZ_MAX)
		return 0;
	mode = data[0] % 3;
	data++;
	size--;
	if (vrrp_packet_strip_ipv4(data, size, &src, &dst, &ttl, &payload, &payload_len,
				   &had_ah) == VRRP_DROP_NONE) {
		if (payload < data || payload + payload_len > data + size)
			abort();
		if (had_ah)
			try_ah(data, size, payload, payload_len);
		try_endpoints(payload, payload_len, &src, &dst, mode);
	}
	try_endpoints(data, size, &v4_src, &v4_dst, mode);
	try_endpoints(data, size, &v6_src, &v6_dst, mode);
	return 0;
}
