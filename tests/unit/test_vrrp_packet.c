/* Unit tests for vrrp_packet: golden keepalived vectors, malformed variants,
 * the order of checks, the checksum forms, encode's refusals, v2 auth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vrrp_packet.h"
#include "test_vrrp_packet_vectors.h"
#include "test_vrrp_packet_frames.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* What tcpdump -nvr shows for one capture; the last frame has priority 0. */
struct vector {
	const char *const *frames;
	size_t nframes;
	uint8_t version, vrid, priority, count;
	uint16_t interval_cs;
	uint8_t auth_type;
	const char *auth_data; /* zero padded to 8 */
	const char *addrs[2];
	const char *src, *dst;
	bool had_ah;
	size_t vrrp_len;
};

static const struct vector v2_pass = {
	vec_v2_pass, ARRAY_LEN(vec_v2_pass), 2, 51, 101, 1, 100, VRRP_AUTH_PASS,
	"42", { "192.0.2.100" }, "192.0.2.11", "224.0.0.18", false, 20,
};
static const struct vector v2_ah = {
	vec_v2_ah, ARRAY_LEN(vec_v2_ah), 2, 52, 150, 2, 100, VRRP_AUTH_AH, "",
	{ "192.0.2.101", "192.0.2.102" }, "192.0.2.11", "224.0.0.18", true, 24,
};
static const struct vector v3_ipv4 = {
	vec_v3_ipv4, ARRAY_LEN(vec_v3_ipv4), 3, 53, 200, 2, 50, 0, "",
	{ "192.0.2.103", "198.51.100.7" }, "192.0.2.11", "224.0.0.18", false, 16,
};
static const struct vector v3_ipv4_unicast = {
	vec_v3_ipv4_unicast, ARRAY_LEN(vec_v3_ipv4_unicast), 3, 55, 100, 1, 100,
	0, "", { "192.0.2.105" }, "192.0.2.11", "192.0.2.200", false, 12,
};
static const struct vector v3_ipv6 = {
	vec_v3_ipv6, ARRAY_LEN(vec_v3_ipv6), 3, 54, 120, 2, 100, 0, "",
	{ "fe80::54", "2001:db8::54" }, "fe80::11", "ff02::12", false, 40,
};

static void assert_addr(const struct ip_addr *a, const char *text)
{
	char buf[IPADDR_STRLEN];

	assert_string_equal(ipaddr_str(a, buf), text);
}

static void assert_fields(const struct vector *v, const struct frame *f,
			  const struct vrrp_advert *adv, uint8_t priority)
{
	uint8_t auth[VRRP_V2_AUTH_LEN] = { 0 };
	unsigned i;

	assert_int_equal(adv->version, v->version);
	assert_int_equal(adv->type, VRRP_TYPE_ADVERT);
	assert_int_equal(adv->vrid, v->vrid);
	assert_int_equal(adv->priority, priority);
	assert_int_equal(adv->count, v->count);
	assert_int_equal(adv->interval_cs, v->interval_cs);
	assert_int_equal(adv->auth_type, v->auth_type);
	memcpy(auth, v->auth_data, strlen(v->auth_data));
	assert_memory_equal(adv->auth_data, auth, sizeof(auth));
	for (i = 0; i < v->count; i++)
		assert_addr(&adv->addrs[i], v->addrs[i]);
	assert_addr(&f->src, v->src);
	assert_addr(&f->dst, v->dst);
	assert_int_equal(f->ttl, VRRP_TTL);
	assert_int_equal(f->had_ah, v->had_ah);
	assert_int_equal(f->vrrp_len, v->vrrp_len);
	if (v->version == 3)
		assert_int_equal(adv->csum_form, VRRP_CSUM_PSEUDO);
}

/* Every frame decodes to what tcpdump shows, and re-encodes byte for byte. */
static void golden_frames_decode_and_reencode_identically(void **state)
{
	const struct vector *v = *state;
	struct vrrp_advert adv;
	struct frame f;
	uint8_t out[VRRP_MAX_PACKET];
	size_t i;

	for (i = 0; i < v->nframes; i++) {
		load_frame(v->frames[i], &f);
		assert_int_equal(vrrp_packet_decode(f.vrrp, f.vrrp_len, &f.src, &f.dst, &adv),
				 VRRP_DROP_NONE);
		assert_fields(v, &f, &adv, i + 1 == v->nframes ? 0 : v->priority);
		assert_int_equal(vrrp_packet_encode(&adv, &f.src, &f.dst, out, sizeof(out)),
				 (ssize_t)f.vrrp_len);
		assert_memory_equal(out, f.vrrp, f.vrrp_len);
	}
}

/* ---- malformed variants ---- */

/* Decode a copy of the first frame's message after mutate(); checksum fixed. */
static enum vrrp_drop_reason decode_mutated(const struct vector *v, size_t len,
					    void (*mutate)(uint8_t *msg))
{
	struct vrrp_advert adv;
	struct frame f;
	uint8_t msg[FRAME_MAX];

	load_frame(v->frames[0], &f);
	memcpy(msg, f.vrrp, f.vrrp_len);
	if (mutate)
		mutate(msg);
	ref_fix_csum(&f, msg, f.vrrp_len, v->version == 3);
	return vrrp_packet_decode(msg, len, &f.src, &f.dst, &adv);
}

static void set_version4(uint8_t *m) { m[0] = (uint8_t)(4 << 4 | (m[0] & 0x0f)); }
static void set_version1(uint8_t *m) { m[0] = (uint8_t)(1 << 4 | (m[0] & 0x0f)); }
static void set_type2(uint8_t *m) { m[0] = (uint8_t)((m[0] & 0xf0) | 2); }
static void set_count0(uint8_t *m) { m[3] = 0; }
static void set_interval0(uint8_t *m) { m[4] &= 0xf0; m[5] = 0; }
static void set_reserved_bits(uint8_t *m) { m[4] |= 0xf0; }

static void truncated_below_header_is_too_short(void **state)
{
	const struct vector *v = *state;

	assert_int_equal(decode_mutated(v, VRRP_HEADER_LEN - 1, NULL), VRRP_DROP_TOO_SHORT);
	assert_int_equal(decode_mutated(v, 0, NULL), VRRP_DROP_TOO_SHORT);
}

static void truncated_header_only_or_mid_address_is_length(void **state)
{
	const struct vector *v = *state;
	size_t alen = strchr(v->src, ':') ? 16 : 4;

	assert_int_equal(decode_mutated(v, VRRP_HEADER_LEN, NULL), VRRP_DROP_LENGTH);
	assert_int_equal(decode_mutated(v, VRRP_HEADER_LEN + alen / 2, NULL), VRRP_DROP_LENGTH);
	assert_int_equal(decode_mutated(v, v->vrrp_len - 1, NULL), VRRP_DROP_LENGTH);
	assert_int_equal(decode_mutated(v, v->vrrp_len, NULL), VRRP_DROP_NONE);
}

static void flipped_byte_is_checksum(void **state)
{
	const struct vector *v = *state;
	struct vrrp_advert adv;
	struct frame f;
	uint8_t msg[FRAME_MAX];
	size_t i;

	load_frame(v->frames[0], &f);
	for (i = 0; i < f.vrrp_len; i++) {
		if (i == 0 || i == 3 || (v->version == 3 && i == 4))
			continue; /* version/type, count, reserved+interval: other rules */
		memcpy(msg, f.vrrp, f.vrrp_len);
		msg[i] ^= 0x01;
		assert_int_equal(vrrp_packet_decode(msg, f.vrrp_len, &f.src, &f.dst, &adv),
				 VRRP_DROP_CHECKSUM);
	}
}

static void version_1_or_4_is_version(void **state)
{
	const struct vector *v = *state;

	assert_int_equal(decode_mutated(v, v->vrrp_len, set_version4), VRRP_DROP_VERSION);
	assert_int_equal(decode_mutated(v, v->vrrp_len, set_version1), VRRP_DROP_VERSION);
}

static void type_2_is_type(void **state)
{
	const struct vector *v = *state;

	assert_int_equal(decode_mutated(v, v->vrrp_len, set_type2), VRRP_DROP_TYPE);
}

static void count_0_is_count_zero(void **state)
{
	const struct vector *v = *state;

	assert_int_equal(decode_mutated(v, v->vrrp_len, set_count0), VRRP_DROP_COUNT_ZERO);
}

static void v3_interval_0_is_interval_zero(void **state)
{
	const struct vector *v = *state;

	assert_int_equal(decode_mutated(v, v->vrrp_len, set_interval0),
			 VRRP_DROP_INTERVAL_ZERO);
}

static void v3_reserved_bits_are_ignored(void **state)
{
	const struct vector *v = *state;

	assert_int_equal(decode_mutated(v, v->vrrp_len, set_reserved_bits), VRRP_DROP_NONE);
}

static void v2_interval_0_is_left_to_the_caller(void **state)
{
	struct vrrp_advert adv;
	struct frame f;
	uint8_t msg[FRAME_MAX];

	(void)state;
	load_frame(vec_v2_pass[0], &f);
	memcpy(msg, f.vrrp, f.vrrp_len);
	msg[5] = 0;
	ref_fix_csum(&f, msg, f.vrrp_len, false);
	assert_int_equal(vrrp_packet_decode(msg, f.vrrp_len, &f.src, &f.dst, &adv),
			 VRRP_DROP_NONE);
	assert_int_equal(adv.interval_cs, 0);
}

/* ---- order of checks, trailing bytes, families ---- */

static enum vrrp_drop_reason decode_raw(const char *vec_hex, const uint8_t *msg,
					size_t len, bool v6_endpoints)
{
	struct vrrp_advert adv;
	struct frame f;
	struct ip_addr s6, d6;

	load_frame(vec_hex, &f);
	if (!v6_endpoints)
		return vrrp_packet_decode(msg, len, &f.src, &f.dst, &adv);
	assert_int_equal(ipaddr_parse("fe80::11", &s6), 0);
	assert_int_equal(ipaddr_parse("ff02::12", &d6), 0);
	return vrrp_packet_decode(msg, len, &s6, &d6, &adv);
}

static void decode_checks_in_documented_order(void **state)
{
	/* each message breaks two rules; the earlier one in the order wins */
	const uint8_t short_v4[7] = { 0x41, 1, 100, 1, 0, 100, 0 };
	const uint8_t v4_type2[8] = { 0x42, 1, 100, 1, 0, 100, 0, 0 };
	const uint8_t type2_count0[8] = { 0x32, 1, 100, 0, 0, 100, 0, 0 };
	const uint8_t count0_short[8] = { 0x21, 1, 100, 0, 1, 1, 0, 0 };
	const uint8_t v2_short[8] = { 0x21, 1, 100, 1, 1, 1, 0, 0 };
	const uint8_t v3_int0_short[8] = { 0x31, 1, 100, 1, 0, 0, 0, 0 };
	const uint8_t v3_int0_badsum[12] = { 0x31, 1, 100, 1, 0, 0, 0xde, 0xad, 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(decode_raw(vec_v3_ipv4[0], short_v4, 7, false), VRRP_DROP_TOO_SHORT);
	assert_int_equal(decode_raw(vec_v3_ipv4[0], v4_type2, 8, false), VRRP_DROP_VERSION);
	assert_int_equal(decode_raw(vec_v3_ipv4[0], type2_count0, 8, false), VRRP_DROP_TYPE);
	assert_int_equal(decode_raw(vec_v2_pass[0], count0_short, 8, false),
			 VRRP_DROP_COUNT_ZERO);
	assert_int_equal(decode_raw(vec_v2_pass[0], v2_short, 8, true), VRRP_DROP_FAMILY);
	assert_int_equal(decode_raw(vec_v2_pass[0], v2_short, 8, false), VRRP_DROP_LENGTH);
	assert_int_equal(decode_raw(vec_v3_ipv4[0], v3_int0_short, 8, false), VRRP_DROP_LENGTH);
	assert_int_equal(decode_raw(vec_v3_ipv4[0], v3_int0_badsum, 12, false),
			 VRRP_DROP_INTERVAL_ZERO);
}

static void v2_over_ipv6_is_family(void **state)
{
	struct frame f;

	(void)state;
	load_frame(vec_v2_pass[0], &f);
	assert_int_equal(decode_raw(vec_v2_pass[0], f.vrrp, f.vrrp_len, true), VRRP_DROP_FAMILY);
}

static void mixed_or_missing_endpoints_are_family(void **state)
{
	struct vrrp_advert adv;
	struct frame f;
	struct ip_addr s6;

	(void)state;
	load_frame(vec_v3_ipv4[0], &f);
	assert_int_equal(ipaddr_parse("fe80::11", &s6), 0);
	assert_int_equal(vrrp_packet_decode(f.vrrp, f.vrrp_len, &s6, &f.dst, &adv),
			 VRRP_DROP_FAMILY);
	assert_int_equal(vrrp_packet_decode(f.vrrp, f.vrrp_len, NULL, &f.dst, &adv),
			 VRRP_DROP_FAMILY);
	assert_int_equal(vrrp_packet_decode(f.vrrp, f.vrrp_len, &f.src, NULL, &adv),
			 VRRP_DROP_FAMILY);
}

/* Trailing bytes are accepted and left out of the checksum and its length. */
static void trailing_bytes_are_ignored(void **state)
{
	const struct vector *v = *state;
	struct vrrp_advert adv;
	struct frame f;
	uint8_t msg[FRAME_MAX];

	load_frame(v->frames[0], &f);
	memcpy(msg, f.vrrp, f.vrrp_len);
	memset(msg + f.vrrp_len, 0xa5, 6);
	assert_int_equal(vrrp_packet_decode(msg, f.vrrp_len + 6, &f.src, &f.dst, &adv),
			 VRRP_DROP_NONE);
	assert_int_equal(adv.count, v->count);
}

static void drop_leaves_header_fields_for_logging(void **state)
{
	struct vrrp_advert adv;
	struct frame f;
	uint8_t msg[FRAME_MAX];

	(void)state;
	load_frame(vec_v3_ipv4[0], &f);
	memcpy(msg, f.vrrp, f.vrrp_len);
	msg[9] ^= 0xff;
	assert_int_equal(vrrp_packet_decode(msg, f.vrrp_len, &f.src, &f.dst, &adv),
			 VRRP_DROP_CHECKSUM);
	assert_int_equal(adv.vrid, 53);
	assert_int_equal(adv.priority, 200);
}

/* ---- checksum forms ---- */

static void v3_ipv4_pseudo_checksum_covers_src_and_dst(void **state)
{
	struct vrrp_advert adv;
	struct frame f;
	struct ip_addr other;

	(void)state;
	load_frame(vec_v3_ipv4_unicast[0], &f);
	assert_int_equal(ipaddr_parse("192.0.2.12", &other), 0);
	assert_int_equal(vrrp_packet_decode(f.vrrp, f.vrrp_len, &other, &f.dst, &adv),
			 VRRP_DROP_CHECKSUM);
	assert_int_equal(vrrp_packet_decode(f.vrrp, f.vrrp_len, &f.src, &other, &adv),
			 VRRP_DROP_CHECKSUM);
}

static void v3_ipv6_checksum_covers_src_and_dst(void **state)
{
	struct vrrp_advert adv;
	struct frame f;
	struct ip_addr other;

	(void)state;
	load_frame(vec_v3_ipv6[0], &f);
	assert_int_equal(ipaddr_parse("fe80::12", &other), 0);
	assert_int_equal(vrrp_packet_decode(f.vrrp, f.vrrp_len, &other, &f.dst, &adv),
			 VRRP_DROP_CHECKSUM);
	assert_int_equal(vrrp_packet_decode(f.vrrp, f.vrrp_len, &f.src, &other, &adv),
			 VRRP_DROP_CHECKSUM);
}

static void v2_checksum_is_message_only(void **state)
{
	struct vrrp_advert adv;
	struct frame f;
	struct ip_addr other;

	(void)state;
	load_frame(vec_v2_pass[0], &f);
	assert_int_equal(ipaddr_parse("192.0.2.99", &other), 0);
	assert_int_equal(vrrp_packet_decode(f.vrrp, f.vrrp_len, &other, &other, &adv),
			 VRRP_DROP_NONE);
	assert_int_equal(adv.csum_form, VRRP_CSUM_MESSAGE);
}

static void v3_ipv4_message_only_checksum_accepted_and_produced(void **state)
{
	const struct vector *v = *state;
	struct vrrp_advert adv, back;
	struct frame f;
	uint8_t msg[FRAME_MAX], out[VRRP_MAX_PACKET];

	load_frame(v->frames[0], &f);
	memcpy(msg, f.vrrp, f.vrrp_len);
	ref_fix_csum(&f, msg, f.vrrp_len, false);
	assert_memory_not_equal(msg + 6, f.vrrp + 6, 2);
	assert_int_equal(vrrp_packet_decode(msg, f.vrrp_len, &f.src, &f.dst, &back),
			 VRRP_DROP_NONE);
	assert_int_equal(back.csum_form, VRRP_CSUM_MESSAGE);
	assert_int_equal(back.vrid, v->vrid);

	assert_int_equal(vrrp_packet_decode(f.vrrp, f.vrrp_len, &f.src, &f.dst, &adv),
			 VRRP_DROP_NONE);
	adv.csum_form = VRRP_CSUM_MESSAGE;
	assert_int_equal(vrrp_packet_encode(&adv, NULL, NULL, out, sizeof(out)),
			 (ssize_t)f.vrrp_len);
	assert_memory_equal(out, msg, f.vrrp_len);
}

/* ---- encode refusals ---- */

static void load_advert(const char *hex, struct frame *f, struct vrrp_advert *adv)
{
	load_frame(hex, f);
	assert_int_equal(vrrp_packet_decode(f->vrrp, f->vrrp_len, &f->src, &f->dst, adv),
			 VRRP_DROP_NONE);
}

static ssize_t encode_with(const struct vrrp_advert *base, const struct frame *f,
			   void (*change)(struct vrrp_advert *))
{
	struct vrrp_advert adv = *base;
	uint8_t out[VRRP_MAX_PACKET];

	change(&adv);
	return vrrp_packet_encode(&adv, &f->src, &f->dst, out, sizeof(out));
}

static void chg_none(struct vrrp_advert *a) { (void)a; }
static void chg_count0(struct vrrp_advert *a) { a->count = 0; }
static void chg_version1(struct vrrp_advert *a) { a->version = 1; }
static void chg_version4(struct vrrp_advert *a) { a->version = 4; }
static void chg_v3_int0(struct vrrp_advert *a) { a->interval_cs = 0; }
static void chg_v3_int4095(struct vrrp_advert *a) { a->interval_cs = 4095; }
static void chg_v3_int4096(struct vrrp_advert *a) { a->interval_cs = 4096; }
static void chg_v2_int150(struct vrrp_advert *a) { a->interval_cs = 150; }
static void chg_v2_int25500(struct vrrp_advert *a) { a->interval_cs = 25500; }
static void chg_v2_int25600(struct vrrp_advert *a) { a->interval_cs = 25600; }
static void chg_family6(struct vrrp_advert *a) { a->family = AF_INET6; }
static void chg_family0(struct vrrp_advert *a) { a->family = AF_UNSPEC; }
static void chg_addr_family(struct vrrp_advert *a) { a->addrs[1].family = AF_INET6; }
static void chg_form_bad(struct vrrp_advert *a) { a->csum_form = (enum vrrp_csum_form)7; }

static void encode_rejects_inconsistent_v3(void **state)
{
	struct vrrp_advert adv;
	struct frame f;

	(void)state;
	load_advert(vec_v3_ipv4[0], &f, &adv);
	assert_int_equal(encode_with(&adv, &f, chg_none), 16);
	assert_int_equal(encode_with(&adv, &f, chg_count0), -1);
	assert_int_equal(encode_with(&adv, &f, chg_version1), -1);
	assert_int_equal(encode_with(&adv, &f, chg_version4), -1);
	assert_int_equal(encode_with(&adv, &f, chg_v3_int0), -1);
	assert_int_equal(encode_with(&adv, &f, chg_v3_int4095), 16);
	assert_int_equal(encode_with(&adv, &f, chg_v3_int4096), -1);
	assert_int_equal(encode_with(&adv, &f, chg_family0), -1);
	assert_int_equal(encode_with(&adv, &f, chg_addr_family), -1);
	assert_int_equal(encode_with(&adv, &f, chg_form_bad), -1);
}

static void encode_rejects_inconsistent_v2(void **state)
{
	struct vrrp_advert adv;
	struct frame f;

	(void)state;
	load_advert(vec_v2_ah[0], &f, &adv);
	assert_int_equal(encode_with(&adv, &f, chg_none), 24);
	assert_int_equal(encode_with(&adv, &f, chg_family6), -1);
	assert_int_equal(encode_with(&adv, &f, chg_v3_int0), -1);
	assert_int_equal(encode_with(&adv, &f, chg_v2_int150), -1);
	assert_int_equal(encode_with(&adv, &f, chg_v2_int25500), 24);
	assert_int_equal(encode_with(&adv, &f, chg_v2_int25600), -1);
	assert_int_equal(encode_with(&adv, &f, chg_count0), -1);
}

static void encode_rejects_short_buffer(void **state)
{
	struct vrrp_advert adv;
	struct frame f;
	uint8_t out[VRRP_MAX_PACKET];

	(void)state;
	load_advert(vec_v3_ipv6[0], &f, &adv);
	assert_int_equal(vrrp_packet_encode(&adv, &f.src, &f.dst, out, 39), -1);
	assert_int_equal(vrrp_packet_encode(&adv, &f.src, &f.dst, out, 40), 40);
}

static void encode_pseudo_form_needs_matching_endpoints(void **state)
{
	struct vrrp_advert adv;
	struct frame f, f4;
	uint8_t out[VRRP_MAX_PACKET];

	(void)state;
	load_advert(vec_v3_ipv6[0], &f, &adv);
	assert_int_equal(vrrp_packet_encode(&adv, NULL, &f.dst, out, sizeof(out)), -1);
	load_frame(vec_v3_ipv4[0], &f4);
	assert_int_equal(vrrp_packet_encode(&adv, &f4.src, &f4.dst, out, sizeof(out)), -1);
	load_advert(vec_v2_pass[0], &f, &adv);
	assert_int_equal(vrrp_packet_encode(&adv, NULL, NULL, out, sizeof(out)), 20);
	assert_memory_equal(out, f.vrrp, 20);
}

/* ---- v2 authentication ---- */

static void v2_pass_auth_matches_configured_password(void **state)
{
	struct vrrp_advert adv;
	struct frame f;

	(void)state;
	load_advert(vec_v2_pass[0], &f, &adv);
	assert_int_equal(vrrp_packet_check_v2_auth(&adv, VRRP_AUTH_PASS, "42"), VRRP_DROP_NONE);
}

static void v2_pass_auth_wrong_password_is_auth_data(void **state)
{
	struct vrrp_advert adv;
	struct frame f;

	(void)state;
	load_advert(vec_v2_pass[0], &f, &adv);
	assert_int_equal(vrrp_packet_check_v2_auth(&adv, VRRP_AUTH_PASS, "43"),
			 VRRP_DROP_AUTH_DATA);
	assert_int_equal(vrrp_packet_check_v2_auth(&adv, VRRP_AUTH_PASS, "420"),
			 VRRP_DROP_AUTH_DATA);
	assert_int_equal(vrrp_packet_check_v2_auth(&adv, VRRP_AUTH_PASS, "4"),
			 VRRP_DROP_AUTH_DATA);
	assert_int_equal(vrrp_packet_check_v2_auth(&adv, VRRP_AUTH_PASS, NULL),
			 VRRP_DROP_AUTH_DATA);
}

static void v2_auth_wrong_type_is_auth_type(void **state)
{
	struct vrrp_advert adv;
	struct frame f;

	(void)state;
	load_advert(vec_v2_pass[0], &f, &adv);
	assert_int_equal(vrrp_packet_check_v2_auth(&adv, VRRP_AUTH_NONE, NULL),
			 VRRP_DROP_AUTH_TYPE);
	assert_int_equal(vrrp_packet_check_v2_auth(&adv, VRRP_AUTH_AH, "42"),
			 VRRP_DROP_AUTH_TYPE);
	load_advert(vec_v2_ah[0], &f, &adv);
	assert_int_equal(vrrp_packet_check_v2_auth(&adv, VRRP_AUTH_PASS, "secret12"),
			 VRRP_DROP_AUTH_TYPE);
}

static void v2_ah_and_none_auth_compare_type_only(void **state)
{
	struct vrrp_advert adv;
	struct frame f;

	(void)state;
	load_advert(vec_v2_ah[0], &f, &adv);
	assert_int_equal(vrrp_packet_check_v2_auth(&adv, VRRP_AUTH_AH, "other"), VRRP_DROP_NONE);
	adv.auth_type = VRRP_AUTH_NONE;
	memcpy(adv.auth_data, "junkjunk", VRRP_V2_AUTH_LEN);
	assert_int_equal(vrrp_packet_check_v2_auth(&adv, VRRP_AUTH_NONE, "x"), VRRP_DROP_NONE);
}

static void v2_set_pass_auth_zero_pads_and_cuts_to_8(void **state)
{
	static const uint8_t want42[8] = { '4', '2', 0, 0, 0, 0, 0, 0 };
	struct vrrp_advert adv;

	(void)state;
	memset(&adv, 0xff, sizeof(adv));
	vrrp_packet_set_v2_auth(&adv, VRRP_AUTH_PASS, "42");
	assert_int_equal(adv.auth_type, VRRP_AUTH_PASS);
	assert_memory_equal(adv.auth_data, want42, 8);
	vrrp_packet_set_v2_auth(&adv, VRRP_AUTH_PASS, "123456789");
	assert_memory_equal(adv.auth_data, "12345678", 8);
	assert_int_equal(vrrp_packet_check_v2_auth(&adv, VRRP_AUTH_PASS, "123456789"),
			 VRRP_DROP_NONE);
	vrrp_packet_set_v2_auth(&adv, VRRP_AUTH_AH, "secret12");
	assert_int_equal(adv.auth_type, VRRP_AUTH_AH);
	assert_memory_equal(adv.auth_data, "\0\0\0\0\0\0\0\0", 8);
}

/* ---- IPv4 / AH header ---- */

static enum vrrp_drop_reason strip(const uint8_t *pkt, size_t len, size_t *plen,
				   const uint8_t **payload)
{
	struct ip_addr s, d;
	uint8_t ttl;
	bool ah;

	return vrrp_packet_strip_ipv4(pkt, len, &s, &d, &ttl, payload, plen, &ah);
}

/* Copy the IPv4 packet of a vector's first frame; returns its length. */
static size_t ip_copy(const char *hex, uint8_t *pkt)
{
	struct frame f;

	load_frame(hex, &f);
	memcpy(pkt, f.bytes + ETH_LEN, f.len - ETH_LEN);
	return f.len - ETH_LEN;
}

static void strip_ipv4_rejects_bad_headers(void **state)
{
	uint8_t pkt[FRAME_MAX];
	const uint8_t *p;
	size_t plen, n = ip_copy(vec_v3_ipv4[0], pkt);

	(void)state;
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_NONE);
	assert_int_equal(strip(pkt, 19, &plen, &p), VRRP_DROP_IP_HEADER);
	pkt[0] = 0x65; /* version 6 */
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_IP_HEADER);
	pkt[0] = 0x44; /* IHL 4 */
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_IP_HEADER);
	pkt[0] = 0x45;
	assert_int_equal(strip(pkt, n - 1, &plen, &p), VRRP_DROP_IP_HEADER); /* total > len */
	pkt[3] = 19; /* total < IHL */
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_IP_HEADER);
	pkt[3] = (uint8_t)n;
	pkt[9] = 17; /* UDP */
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_IP_HEADER);
	pkt[9] = VRRP_PROTO;
	pkt[6] = 0x20; /* more fragments */
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_IP_HEADER);
}

static void strip_ipv4_excludes_padding_beyond_total_length(void **state)
{
	uint8_t pkt[FRAME_MAX] = { 0 };
	const uint8_t *p;
	size_t plen, n = ip_copy(vec_v3_ipv4_unicast[0], pkt);

	(void)state;
	assert_int_equal(strip(pkt, n + 14, &plen, &p), VRRP_DROP_NONE); /* Ethernet pad */
	assert_int_equal(plen, 12);
	assert_ptr_equal(p, pkt + 20);
}

static void strip_ipv4_skips_options(void **state)
{
	uint8_t pkt[FRAME_MAX], opt[FRAME_MAX];
	const uint8_t *p;
	size_t plen, n = ip_copy(vec_v3_ipv4[0], pkt);

	(void)state;
	memcpy(opt, pkt, 20);
	opt[0] = 0x46;
	opt[3] = (uint8_t)(n + 4);
	memcpy(opt + 20, "\x94\x04\x00\x00", 4); /* router alert */
	memcpy(opt + 24, pkt + 20, n - 20);
	assert_int_equal(strip(opt, n + 4, &plen, &p), VRRP_DROP_NONE);
	assert_int_equal(plen, n - 20);
	assert_memory_equal(p, pkt + 20, plen);
}

static void strip_ipv4_ah_needs_vrrp_next_header_and_fitting_length(void **state)
{
	uint8_t pkt[FRAME_MAX];
	const uint8_t *p;
	size_t plen, n = ip_copy(vec_v2_ah[0], pkt);

	(void)state;
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_NONE);
	assert_ptr_equal(p, pkt + 20 + 24);
	pkt[20] = 17; /* next header */
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_IP_HEADER);
	pkt[20] = VRRP_PROTO;
	pkt[21] = 10; /* (10 + 2) * 4 = 48: exactly the IP payload */
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_NONE);
	assert_int_equal(plen, 0);
	pkt[21] = 11; /* 52 bytes > 48 */
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_IP_HEADER);
	pkt[21] = 0; /* 8 bytes: shorter than the fixed AH fields */
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_IP_HEADER);
	pkt[21] = 1;
	pkt[3] = 20 + 11; /* IP payload of 11 bytes: no room for AH */
	assert_int_equal(strip(pkt, n, &plen, &p), VRRP_DROP_IP_HEADER);
}

/* ---- names and the checksum primitive ---- */

static void drop_reason_names_are_stable(void **state)
{
	static const char *const names[VRRP_DROP__COUNT] = {
		"none", "too_short", "length", "ttl", "version", "type",
		"checksum", "count_zero", "interval_zero", "vrid", "auth_type",
		"auth_data", "interval_mismatch", "own", "family", "ip_header", "not_peer",
		"ah_icv", "ah_spi", "ah_replay",
	};
	int i;

	(void)state;
	for (i = 0; i < VRRP_DROP__COUNT; i++)
		assert_string_equal(vrrp_drop_reason_name((enum vrrp_drop_reason)i), names[i]);
	assert_string_equal(vrrp_drop_reason_name(VRRP_DROP__COUNT), "unknown");
	assert_string_equal(vrrp_drop_reason_name((enum vrrp_drop_reason)-1), "unknown");
}

static void csum_follows_rfc1071(void **state)
{
	static const uint8_t rfc[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[3] = { 0x01, 0x02, 0x03 };
	static const uint8_t carry[6] = { 0xff, 0xff, 0xff, 0xff, 0x00, 0x01 };

	(void)state;
	assert_int_equal(vrrp_csum_add(0, rfc, 8), 0xddf2);
	assert_int_equal(vrrp_csum_finish(vrrp_csum_add(0, rfc, 8)), 0x220d);
	assert_int_equal(vrrp_csum_add(vrrp_csum_add(0, rfc, 4), rfc + 4, 4), 0xddf2);
	assert_int_equal(vrrp_csum_finish(vrrp_csum_add(0, odd, 3)), 0xfbfd);
	assert_int_equal(vrrp_csum_finish(vrrp_csum_add(0, carry, 6)), 0xfffe);
	assert_int_equal(vrrp_csum_finish(0xffffffffu), 0);
}

#define VT(name, fn, vec) { name, fn, NULL, NULL, (void *)(vec) }
#define PER_VECTOR(tag, vec)                                                   \
	VT(tag "_frames_decode_as_tcpdump_and_reencode_identically",          \
	   golden_frames_decode_and_reencode_identically, vec),                \
	VT(tag "_truncated_below_header_is_too_short",                         \
	   truncated_below_header_is_too_short, vec),                          \
	VT(tag "_truncated_header_only_or_mid_address_is_length",              \
	   truncated_header_only_or_mid_address_is_length, vec),               \
	VT(tag "_flipped_byte_is_checksum", flipped_byte_is_checksum, vec),   \
	VT(tag "_version_1_or_4_is_version", version_1_or_4_is_version, vec), \
	VT(tag "_type_2_is_type", type_2_is_type, vec),                       \
	VT(tag "_count_0_is_count_zero", count_0_is_count_zero, vec),         \
	VT(tag "_trailing_bytes_are_ignored", trailing_bytes_are_ignored, vec)
#define PER_V3_VECTOR(tag, vec)                                                \
	VT(tag "_interval_0_is_interval_zero", v3_interval_0_is_interval_zero, vec), \
	VT(tag "_reserved_bits_are_ignored", v3_reserved_bits_are_ignored, vec)

int main(void)
{
	const struct CMUnitTest tests[] = {
		PER_VECTOR("v2_pass", &v2_pass),
		PER_VECTOR("v2_ah", &v2_ah),
		PER_VECTOR("v3_ipv4", &v3_ipv4),
		PER_VECTOR("v3_ipv4_unicast", &v3_ipv4_unicast),
		PER_VECTOR("v3_ipv6", &v3_ipv6),
		PER_V3_VECTOR("v3_ipv4", &v3_ipv4),
		PER_V3_VECTOR("v3_ipv4_unicast", &v3_ipv4_unicast),
		PER_V3_VECTOR("v3_ipv6", &v3_ipv6),
		VT("v3_ipv4_message_only_checksum_accepted_and_produced",
		   v3_ipv4_message_only_checksum_accepted_and_produced, &v3_ipv4),
		VT("v3_ipv4_unicast_message_only_checksum_accepted_and_produced",
		   v3_ipv4_message_only_checksum_accepted_and_produced, &v3_ipv4_unicast),
		cmocka_unit_test(v2_interval_0_is_left_to_the_caller),
		cmocka_unit_test(decode_checks_in_documented_order),
		cmocka_unit_test(v2_over_ipv6_is_family),
		cmocka_unit_test(mixed_or_missing_endpoints_are_family),
		cmocka_unit_test(drop_leaves_header_fields_for_logging),
		cmocka_unit_test(v3_ipv4_pseudo_checksum_covers_src_and_dst),
		cmocka_unit_test(v3_ipv6_checksum_covers_src_and_dst),
		cmocka_unit_test(v2_checksum_is_message_only),
		cmocka_unit_test(encode_rejects_inconsistent_v3),
		cmocka_unit_test(encode_rejects_inconsistent_v2),
		cmocka_unit_test(encode_rejects_short_buffer),
		cmocka_unit_test(encode_pseudo_form_needs_matching_endpoints),
		cmocka_unit_test(v2_pass_auth_matches_configured_password),
		cmocka_unit_test(v2_pass_auth_wrong_password_is_auth_data),
		cmocka_unit_test(v2_auth_wrong_type_is_auth_type),
		cmocka_unit_test(v2_ah_and_none_auth_compare_type_only),
		cmocka_unit_test(v2_set_pass_auth_zero_pads_and_cuts_to_8),
		cmocka_unit_test(strip_ipv4_rejects_bad_headers),
		cmocka_unit_test(strip_ipv4_excludes_padding_beyond_total_length),
		cmocka_unit_test(strip_ipv4_skips_options),
		cmocka_unit_test(strip_ipv4_ah_needs_vrrp_next_header_and_fitting_length),
		cmocka_unit_test(drop_reason_names_are_stable),
		cmocka_unit_test(csum_follows_rfc1071),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
