/* Test helpers for test_vrrp_packet.c: golden frames from hex, the test's own
 * IPv6 header parse, and a reference checksum independent of the module
 * (used to make a mutated message wrong in one respect only). */
#ifndef VIPD_TEST_VRRP_PACKET_FRAMES_H
#define VIPD_TEST_VRRP_PACKET_FRAMES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vrrp_packet.h"

#define FRAME_MAX 256
#define ETH_LEN 14
#define IPV6_LEN 40

/* One captured frame, its IP header stripped. */
struct frame {
	uint8_t bytes[FRAME_MAX];
	size_t len;
	struct ip_addr src, dst;
	uint8_t ttl;
	const uint8_t *vrrp;
	size_t vrrp_len;
	bool had_ah;
};

static size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned byte;

	while (hex[0] && hex[1]) {
		assert_true(n < cap);
		assert_int_equal(sscanf(hex, "%2x", &byte), 1);
		out[n++] = (uint8_t)byte;
		hex += 2;
	}
	return n;
}

/* The test parses the fixed IPv6 header itself (the module has no v6 strip). */
static void strip_ipv6(struct frame *f)
{
	const uint8_t *ip = f->bytes + ETH_LEN;

	assert_true(f->len >= ETH_LEN + IPV6_LEN);
	assert_int_equal(ip[0] >> 4, 6);
	assert_int_equal(ip[6], VRRP_PROTO);
	f->vrrp_len = (size_t)ip[4] << 8 | ip[5];
	assert_true(ETH_LEN + IPV6_LEN + f->vrrp_len <= f->len);
	f->ttl = ip[7];
	ipaddr_from_bytes(&f->src, AF_INET6, ip + 8);
	ipaddr_from_bytes(&f->dst, AF_INET6, ip + 24);
	f->vrrp = ip + IPV6_LEN;
}

static void load_frame(const char *hex, struct frame *f)
{
	unsigned ethertype;

	memset(f, 0, sizeof(*f));
	f->len = hex_decode(hex, f->bytes, sizeof(f->bytes));
	assert_true(f->len > ETH_LEN);
	ethertype = (unsigned)f->bytes[12] << 8 | f->bytes[13];
	if (ethertype == 0x86dd) {
		strip_ipv6(f);
		return;
	}
	assert_int_equal(ethertype, 0x0800);
	assert_int_equal(vrrp_packet_strip_ipv4(f->bytes + ETH_LEN, f->len - ETH_LEN,
						&f->src, &f->dst, &f->ttl, &f->vrrp,
						&f->vrrp_len, &f->had_ah),
			 VRRP_DROP_NONE);
}

/* Reference pseudo-header (independent of the module) into ph; its length. */
static size_t ref_pseudo(const struct frame *f, size_t mlen, uint8_t *ph)
{
	size_t alen = f->src.family == AF_INET ? 4 : 16;

	memset(ph, 0, 40);
	memcpy(ph, &f->src.u, alen);
	memcpy(ph + alen, &f->dst.u, alen);
	ph += 2 * alen;
	ph[2] = (uint8_t)(mlen >> 8);
	ph[3] = (uint8_t)mlen;
	if (alen == 4) { /* zero, protocol, 16-bit length */
		ph[0] = 0;
		ph[1] = VRRP_PROTO;
		return 12;
	}
	ph[7] = VRRP_PROTO; /* 32-bit length, 3 zero bytes, next header */
	return 40;
}

/* Reference checksum to make a mutated message wrong in one respect only.
 * mlen is the original message length. */
static uint16_t ref_csum(const struct frame *f, const uint8_t *msg, size_t mlen,
			 bool pseudo)
{
	uint8_t ph[40];
	size_t plen = pseudo ? ref_pseudo(f, mlen, ph) : 0, i;
	uint64_t sum = 0;

	for (i = 0; i < plen; i += 2)
		sum += (unsigned)ph[i] << 8 | ph[i + 1];
	for (i = 0; i < mlen; i += 2)
		sum += (unsigned)msg[i] << 8 | (i + 1 < mlen ? msg[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void ref_fix_csum(const struct frame *f, uint8_t *msg, size_t mlen, bool pseudo)
{
	uint16_t c;

	msg[6] = msg[7] = 0;
	c = ref_csum(f, msg, mlen, pseudo);
	msg[6] = (uint8_t)(c >> 8);
	msg[7] = (uint8_t)c;
}

#endif
