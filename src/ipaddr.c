/* IPv4/IPv6 address value type. */
#include "ipaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ipaddr_parse(const char *text, struct ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, &out->u.v4) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &out->u.v6) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -1;
}

static int parse_prefix_len(const char *text, unsigned max, uint8_t *out)
{
	char *end;
	unsigned long value;

	if (*text < '0' || *text > '9')
		return -1;
	value = strtoul(text, &end, 10);
	if (*end != '\0' || value > max)
		return -1;
	*out = (uint8_t)value;
	return 0;
}

int ipprefix_parse(const char *text, struct ip_prefix *out)
{
	char addr_part[IPADDR_STRLEN];
	const char *slash = strchr(text, '/');
	size_t addr_len = slash ? (size_t)(slash - text) : strlen(text);
	unsigned max;

	memset(out, 0, sizeof(*out));
	if (addr_len == 0 || addr_len >= sizeof(addr_part))
		return -1;
	memcpy(addr_part, text, addr_len);
	addr_part[addr_len] = '\0';
	if (ipaddr_parse(addr_part, &out->addr) < 0)
		return -1;
	max = out->addr.family == AF_INET ? 32 : 128;
	if (!slash) {
		out->len = (uint8_t)max;
		return 0;
	}
	return parse_prefix_len(slash + 1, max, &out->len);
}

const char *ipaddr_str(const struct ip_addr *a, char *buf)
{
	if (a->family != AF_INET && a->family != AF_INET6) {
		snprintf(buf, IPADDR_STRLEN, "(none)");
		return buf;
	}
	if (!inet_ntop(a->family, &a->u, buf, IPADDR_STRLEN))
		snprintf(buf, IPADDR_STRLEN, "(bad)");
	return buf;
}

const char *ipprefix_str(const struct ip_prefix *p, char *buf)
{
	char addr[IPADDR_STRLEN];

	snprintf(buf, IPADDR_STRLEN, "%s/%u", ipaddr_str(&p->addr, addr), p->len);
	return buf;
}

size_t ipaddr_family_len(sa_family_t family)
{
	if (family == AF_INET)
		return 4;
	if (family == AF_INET6)
		return 16;
	return 0;
}

bool ipaddr_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	return ipaddr_cmp(a, b) == 0;
}

int ipaddr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(&a->u, &b->u, ipaddr_family_len(a->family));
}

bool ipaddr_is_v6_linklocal(const struct ip_addr *a)
{
	return a->family == AF_INET6 && a->u.v6.s6_addr[0] == 0xfe &&
	       (a->u.v6.s6_addr[1] & 0xc0) == 0x80;
}

void ipaddr_from_bytes(struct ip_addr *out, sa_family_t family, const void *bytes)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(&out->u, bytes, ipaddr_family_len(family));
}
