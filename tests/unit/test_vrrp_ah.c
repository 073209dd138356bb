/* vrrp_ah: keepalived's AH (HMAC-MD5-96) around VRRPv2, pinned on the frames
 * keepalived 2.2.7 sent (../shared/vectors/v2-ah.*: key "secret12", VRID 52,
 * sequence 1..4, IP ID 1..4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vrrp_ah.h"
#include "test_vrrp_packet_vectors.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ETH_LEN 14
#define PKT_MAX 256
#define IP_LEN 20
#define AH_OFF IP_LEN
#define MSG_OFF (IP_LEN + VRRP_AH_LEN)

static const char key[] = "secret12";

struct pkt {
	uint8_t b[PKT_MAX];
	size_t len;
};

static unsigned nibble(char c)
{
	return c <= '9' ? (unsigned)(c - '0') : (unsigned)(c - 'a' + 10);
}

/* The IPv4 packet of captured frame i (Ethernet header off). */
static void load(size_t i, struct pkt *p)
{
	const char *hex = vec_v2_ah[i];
	size_t n = strlen(hex) / 2, j;

	assert_true(n > ETH_LEN && n - ETH_LEN <= PKT_MAX);
	for (j = ETH_LEN; j < n; j++)
		p->b[j - ETH_LEN] = (uint8_t)(nibble(hex[2 * j]) << 4 | nibble(hex[2 * j + 1]));
	p->len = n - ETH_LEN;
	assert_int_equal(p->len, (size_t)p->b[2] << 8 | p->b[3]);
}

/* The test's own ICV: RFC 2402's zeroing written out here, not the module's. */
static void ref_icv(const uint8_t *pkt, size_t len, const char *pw, bool ttl_mutable,
		    uint8_t out[VRRP_AH_ICV_LEN])
{
	uint8_t copy[PKT_MAX], k[8] = { 0 }, md[16];
	unsigned mdlen = 0;

	memcpy(copy, pkt, len);
	copy[1] = copy[6] = copy[7] = copy[10] = copy[11] = 0;
	if (ttl_mutable)
		copy[8] = 0;
	memset(copy + AH_OFF + 12, 0, VRRP_AH_ICV_LEN);
	memcpy(k, pw, strnlen(pw, 8));
	assert_non_null(HMAC(EVP_md5(), k, 8, copy, len, md, &mdlen));
	memcpy(out, md, VRRP_AH_ICV_LEN);
}

static void reseal(struct pkt *p, const char *pw, bool ttl_mutable)
{
	ref_icv(p->b, p->len, pw, ttl_mutable, p->b + AH_OFF + 12);
}

static void addrs_of(const struct pkt *p, struct ip_addr *src, struct ip_addr *dst)
{
	ipaddr_from_bytes(src, AF_INET, p->b + 12);
	ipaddr_from_bytes(dst, AF_INET, p->b + 16);
}

/* ---- the captured frames ---- */

static void captured_frames_verify_in_order(void **state)
{
	struct vrrp_ah_state st = { 0 };
	struct pkt p;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(vec_v2_ah); i++) {
		load(i, &p);
		assert_int_equal(vrrp_ah_verify(p.b, p.len, key, false, &st), VRRP_DROP_NONE);
		assert_int_equal(st.seq, i + 1);
	}
}

static void test_icv_matches_captured_icv(void **state)
{
	uint8_t icv[VRRP_AH_ICV_LEN];
	struct pkt p;

	(void)state;
	load(0, &p);
	ref_icv(p.b, p.len, key, false, icv);
	assert_memory_equal(icv, p.b + AH_OFF + 12, VRRP_AH_ICV_LEN);
}

/* Given keepalived's inputs (addresses, sequence, IP ID, message), the
 * packet is keepalived's, byte for byte: IP header, SPI, ICV. */
static void build_reproduces_every_captured_packet(void **state)
{
	struct ip_addr src, dst;
	struct vrrp_ah_send s = { &src, &dst, key, false };
	uint8_t out[PKT_MAX];
	struct pkt p;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(vec_v2_ah); i++) {
		struct vrrp_ah_state st = { (uint32_t)i + 1, (uint16_t)(i + 1) };

		load(i, &p);
		addrs_of(&p, &src, &dst);
		assert_int_equal(vrrp_ah_build(&s, &st, p.b + MSG_OFF, p.len - MSG_OFF, out,
					       sizeof(out)),
				 (ssize_t)p.len);
		assert_memory_equal(out, p.b, p.len);
	}
}

static void build_then_verify_round_trips(void **state)
{
	struct ip_addr src, dst;
	struct vrrp_ah_send s = { &src, &dst, "42", false };
	struct vrrp_ah_state tx = { 0 }, rx = { 0 };
	uint8_t out[PKT_MAX];
	struct pkt p;
	ssize_t n;

	(void)state;
	load(0, &p);
	addrs_of(&p, &src, &dst);
	vrrp_ah_next(&tx);
	n = vrrp_ah_build(&s, &tx, p.b + MSG_OFF, p.len - MSG_OFF, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(vrrp_ah_verify(out, (size_t)n, "42", false, &rx), VRRP_DROP_NONE);
	assert_int_equal(rx.seq, 1);
}

/* ---- what is dropped ---- */

static void wrong_key_is_ah_icv(void **state)
{
	struct vrrp_ah_state st = { 0 };
	struct pkt p;

	(void)state;
	load(0, &p);
	assert_int_equal(vrrp_ah_verify(p.b, p.len, "secret13", false, &st), VRRP_DROP_AH_ICV);
	assert_int_equal(vrrp_ah_verify(p.b, p.len, "secret1", false, &st), VRRP_DROP_AH_ICV);
	assert_int_equal(st.seq, 0); /* a bad ICV moves nothing */
}

/* The key is 8 bytes at most, as keepalived's auth_data: more is cut. */
static void password_longer_than_8_is_cut(void **state)
{
	struct vrrp_ah_state st = { 0 };
	struct pkt p;

	(void)state;
	load(0, &p);
	assert_int_equal(vrrp_ah_verify(p.b, p.len, "secret12xyz", false, &st), VRRP_DROP_NONE);
}

static void any_covered_byte_changed_is_ah_icv(void **state)
{
	/* version/IHL, length, ID, protocol, source, destination; AH next
	 * header, SPI, sequence; VRRP priority, checksum, a VIP, auth data */
	static const size_t covered[] = { 0, 3, 5, 9, 15, 19, 20, 25, 31, 46, 50, 55, 67 };
	struct vrrp_ah_state st;
	struct pkt p;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(covered); i++) {
		load(0, &p);
		p.b[covered[i]] ^= 0x01;
		memset(&st, 0, sizeof(st));
		assert_int_equal(vrrp_ah_verify(p.b, p.len, key, false, &st), VRRP_DROP_AH_ICV);
	}
	load(0, &p);
	p.b[AH_OFF + 12 + 11] ^= 0x80; /* the ICV itself */
	assert_int_equal(vrrp_ah_verify(p.b, p.len, key, false, &st), VRRP_DROP_AH_ICV);
}

/* TOS, flags/offset and checksum may change on the way; the TTL of a
 * multicast advert is covered (keepalived), of a unicast one not. */
static void mutable_fields_are_not_covered(void **state)
{
	struct vrrp_ah_state st = { 0 };
	struct pkt p;

	(void)state;
	load(0, &p);
	p.b[1] = 0x00;
	p.b[6] = 0x40;
	p.b[10] ^= 0xff;
	assert_int_equal(vrrp_ah_verify(p.b, p.len, key, false, &st), VRRP_DROP_NONE);
	load(1, &p);
	p.b[8] = 64;
	assert_int_equal(vrrp_ah_verify(p.b, p.len, key, false, &st), VRRP_DROP_AH_ICV);
	reseal(&p, key, true);
	assert_int_equal(vrrp_ah_verify(p.b, p.len, key, true, &st), VRRP_DROP_NONE);
}

static void replayed_or_older_sequence_is_ah_replay(void **state)
{
	struct vrrp_ah_state st = { 0 };
	struct pkt p0, p2;

	(void)state;
	load(0, &p0);
	load(2, &p2);
	assert_int_equal(vrrp_ah_verify(p2.b, p2.len, key, false, &st), VRRP_DROP_NONE);
	assert_int_equal(vrrp_ah_verify(p2.b, p2.len, key, false, &st), VRRP_DROP_AH_REPLAY);
	assert_int_equal(vrrp_ah_verify(p0.b, p0.len, key, false, &st), VRRP_DROP_AH_REPLAY);
	assert_int_equal(st.seq, 3);
}

/* One counter for sending and receiving: what we sent is "seen" too, so a
 * peer that restarts at 1 is dropped until it takes up a higher number
 * (keepalived: a Master takes a lower priority advert's number). */
static void sequence_sent_counts_as_seen(void **state)
{
	struct vrrp_ah_state st = { 0 };
	struct pkt p;

	(void)state;
	st.seq = 3;
	vrrp_ah_next(&st);
	load(3, &p); /* sequence 4 */
	assert_int_equal(vrrp_ah_verify(p.b, p.len, key, false, &st), VRRP_DROP_AH_REPLAY);
}

static void spi_not_source_is_ah_spi(void **state)
{
	struct vrrp_ah_state st = { 0 };
	struct pkt p;

	(void)state;
	load(0, &p);
	p.b[AH_OFF + 7] ^= 0x01;
	reseal(&p, key, false);
	assert_int_equal(vrrp_ah_verify(p.b, p.len, key, false, &st), VRRP_DROP_AH_SPI);
	assert_int_equal(st.seq, 0);
}

static void malformed_is_ah_icv_and_reads_in_bounds(void **state)
{
	struct vrrp_ah_state st = { 0 };
	struct pkt p;
	size_t n;

	(void)state;
	load(0, &p);
	for (n = 0; n < IP_LEN + VRRP_AH_LEN; n++)
		assert_int_equal(vrrp_ah_verify(p.b, n, key, false, &st), VRRP_DROP_AH_ICV);
	assert_int_equal(vrrp_ah_verify(NULL, p.len, key, false, &st), VRRP_DROP_AH_ICV);
	assert_int_equal(vrrp_ah_verify(p.b, p.len, key, false, NULL), VRRP_DROP_AH_ICV);
	p.b[AH_OFF + 1] = 3; /* a 64-bit ICV: not HMAC-MD5-96 */
	assert_int_equal(vrrp_ah_verify(p.b, p.len, key, false, &st), VRRP_DROP_AH_ICV);
	load(0, &p);
	p.b[9] = VRRP_PROTO;
	assert_int_equal(vrrp_ah_verify(p.b, p.len, key, false, &st), VRRP_DROP_AH_ICV);
	load(0, &p);
	p.b[0] = 0x4f; /* IHL 60: the AH header would run past the end */
	assert_int_equal(vrrp_ah_verify(p.b, IP_LEN + VRRP_AH_LEN + 8, key, false, &st),
			 VRRP_DROP_AH_ICV);
}

static void build_refuses_bad_input(void **state)
{
	struct ip_addr src, dst, v6;
	struct vrrp_ah_send s = { &src, &dst, key, false };
	struct vrrp_ah_state st = { 1, 1 };
	uint8_t out[PKT_MAX];
	struct pkt p;

	(void)state;
	load(0, &p);
	addrs_of(&p, &src, &dst);
	assert_int_equal(ipaddr_parse("fe80::1", &v6), 0);
	assert_int_equal(vrrp_ah_build(&s, &st, p.b + MSG_OFF, p.len - MSG_OFF, out, p.len - 1),
			 -1);
	s.dst = &v6;
	assert_int_equal(vrrp_ah_build(&s, &st, p.b + MSG_OFF, p.len - MSG_OFF, out, sizeof(out)),
			 -1);
	s.dst = NULL;
	assert_int_equal(vrrp_ah_build(&s, &st, p.b + MSG_OFF, p.len - MSG_OFF, out, sizeof(out)),
			 -1);
}

static void next_counts_saturates_and_skips_id_zero(void **state)
{
	struct vrrp_ah_state st = { VRRP_AH_SEQ_MAX - 1, 0xffff };

	(void)state;
	vrrp_ah_next(&st);
	assert_int_equal(st.seq, VRRP_AH_SEQ_MAX);
	assert_int_equal(st.ip_id, 1);
	vrrp_ah_next(&st);
	assert_int_equal(st.seq, VRRP_AH_SEQ_MAX);
	assert_int_equal(st.ip_id, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(captured_frames_verify_in_order),
		cmocka_unit_test(test_icv_matches_captured_icv),
		cmocka_unit_test(build_reproduces_every_captured_packet),
		cmocka_unit_test(build_then_verify_round_trips),
		cmocka_unit_test(wrong_key_is_ah_icv),
		cmocka_unit_test(password_longer_than_8_is_cut),
		cmocka_unit_test(any_covered_byte_changed_is_ah_icv),
		cmocka_unit_test(mutable_fields_are_not_covered),
		cmocka_unit_test(replayed_or_older_sequence_is_ah_replay),
		cmocka_unit_test(sequence_sent_counts_as_seen),
		cmocka_unit_test(spi_not_source_is_ah_spi),
		cmocka_unit_test(malformed_is_ah_icv_and_reads_in_bounds),
		cmocka_unit_test(build_refuses_bad_input),
		cmocka_unit_test(next_counts_saturates_and_skips_id_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
