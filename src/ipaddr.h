/* IPv4/IPv6 addresses as one value type: parse, format, compare. Pure. */
#ifndef VIPD_IPADDR_H
#define VIPD_IPADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct ip_addr {
	sa_family_t family; /* AF_INET, AF_INET6, or AF_UNSPEC when unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* An address with a prefix length: a VIP as configured. */
struct ip_prefix {
	struct ip_addr addr;
	uint8_t len;
};

#define IPADDR_STRLEN 64 /* enough for an IPv6 address plus "/128" */

/* Parse "192.0.2.1" or "2001:db8::1"; 0 on success, -1 if not an address. */
int ipaddr_parse(const char *text, struct ip_addr *out);

/* Parse "ADDR[/LEN]"; the length defaults to 32 or 128. 0 or -1. */
int ipprefix_parse(const char *text, struct ip_prefix *out);

/* Format into buf (IPADDR_STRLEN bytes); returns buf. */
const char *ipaddr_str(const struct ip_addr *a, char *buf);

/* Format "ADDR/LEN" into buf (IPADDR_STRLEN bytes); returns buf. */
const char *ipprefix_str(const struct ip_prefix *p, char *buf);

/* Same family and same bytes. */
bool ipaddr_equal(const struct ip_addr *a, const struct ip_addr *b);

/* Unsigned compare in network byte order; families compare AF_INET first. */
int ipaddr_cmp(const struct ip_addr *a, const struct ip_addr *b);

/* Address length in bytes for a family: 4, 16, or 0. */
size_t ipaddr_family_len(sa_family_t family);

/* An IPv6 link-local address (fe80::/10). */
bool ipaddr_is_v6_linklocal(const struct ip_addr *a);

/* Build from raw bytes of the family's length. */
void ipaddr_from_bytes(struct ip_addr *out, sa_family_t family, const void *bytes);

#endif
