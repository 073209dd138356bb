/* Unit tests for netlink_event_parse: the pure rtnetlink message parser
 * behind the monitor and the address dumps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "netlink.h"

/* Fakes: netlink.c refers to the loop, which these tests never start. */
int loop_add_fd(struct loop *loop, int fd, uint32_t events, loop_fd_cb cb, void *arg)
{
	(void)loop, (void)fd, (void)events, (void)cb, (void)arg;
	return -1;
}

void loop_del_fd(struct loop *loop, int fd)
{
	(void)loop, (void)fd;
}

static union {
	char bytes[1024];
	struct nlmsghdr align;
} msgbuf;

struct want_state {
	int ifindex;
	int calls;
};

static bool want_one(void *arg, int ifindex)
{
	struct want_state *w = arg;

	w->calls++;
	return ifindex == w->ifindex;
}

static struct nlmsghdr *link_msg(uint16_t type, int ifindex, unsigned flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(memset(&msgbuf, 0, sizeof(msgbuf)));
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	return nlh;
}

static struct nlmsghdr *addr_msg(uint16_t type, int family, int ifindex, uint8_t plen,
				 uint8_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(memset(&msgbuf, 0, sizeof(msgbuf)));
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = type;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_index = (uint32_t)ifindex;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_flags = flags;
	return nlh;
}

static void put_v4(struct nlmsghdr *nlh, uint16_t type, const char *text)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, text, &a), 1);
	mnl_attr_put(nlh, type, sizeof(a), &a);
}

static void put_v6(struct nlmsghdr *nlh, uint16_t type, const char *text)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, text, &a), 1);
	mnl_attr_put(nlh, type, sizeof(a), &a);
}

static void assert_addr(const struct netlink_event *ev, const char *text)
{
	char buf[IPADDR_STRLEN];

	assert_string_equal(ipaddr_str(&ev->addr, buf), text);
}

static void newlink_up_needs_iff_up_and_running(void **state)
{
	struct netlink_event ev;

	(void)state;
	assert_int_equal(netlink_event_parse(link_msg(RTM_NEWLINK, 3, IFF_UP | IFF_RUNNING),
					     NULL, NULL, &ev), 1);
	assert_int_equal(ev.kind, NETLINK_EV_LINK);
	assert_int_equal(ev.ifindex, 3);
	assert_true(ev.up);
}

static void newlink_carrier_loss_is_down_while_iff_up(void **state)
{
	struct netlink_event ev;

	(void)state;
	assert_int_equal(netlink_event_parse(link_msg(RTM_NEWLINK, 3, IFF_UP), NULL, NULL, &ev), 1);
	assert_false(ev.up);
}

static void dellink_is_down(void **state)
{
	struct netlink_event ev;

	(void)state;
	assert_int_equal(netlink_event_parse(link_msg(RTM_DELLINK, 3, IFF_UP | IFF_RUNNING),
					     NULL, NULL, &ev), 1);
	assert_false(ev.up);
}

static void link_unwatched_ifindex_ignored(void **state)
{
	struct want_state w = { 4, 0 };
	struct netlink_event ev;

	(void)state;
	assert_int_equal(netlink_event_parse(link_msg(RTM_NEWLINK, 3, IFF_UP), want_one, &w, &ev),
			 0);
	assert_int_equal(w.calls, 1);
}

static void addr_v4_prefers_ifa_local_over_ifa_address(void **state)
{
	struct nlmsghdr *nlh = addr_msg(RTM_NEWADDR, AF_INET, 2, 24, IFA_F_SECONDARY);
	struct netlink_event ev;

	(void)state;
	put_v4(nlh, IFA_ADDRESS, "192.0.2.9"); /* a point-to-point peer */
	put_v4(nlh, IFA_LOCAL, "192.0.2.100");
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), 1);
	assert_int_equal(ev.kind, NETLINK_EV_ADDR_ADD);
	assert_int_equal(ev.ifindex, 2);
	assert_int_equal(ev.prefix_len, 24);
	assert_true(ev.addr_flags & IFA_F_SECONDARY);
	assert_addr(&ev, "192.0.2.100");
}

static void addr_v6_uses_ifa_address(void **state)
{
	struct nlmsghdr *nlh = addr_msg(RTM_DELADDR, AF_INET6, 2, 64, 0);
	struct netlink_event ev;

	(void)state;
	put_v6(nlh, IFA_ADDRESS, "2001:db8::100");
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), 1);
	assert_int_equal(ev.kind, NETLINK_EV_ADDR_DEL);
	assert_int_equal(ev.prefix_len, 64);
	assert_addr(&ev, "2001:db8::100");
}

static void addr_ifa_flags_attribute_overrides_header(void **state)
{
	struct nlmsghdr *nlh = addr_msg(RTM_NEWADDR, AF_INET6, 2, 64, 0);
	struct netlink_event ev;

	(void)state;
	put_v6(nlh, IFA_ADDRESS, "fe80::1");
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_TENTATIVE | IFA_F_NOPREFIXROUTE);
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), 1);
	assert_int_equal(ev.addr_flags, IFA_F_TENTATIVE | IFA_F_NOPREFIXROUTE);
}

static void addr_unwatched_skipped_before_attributes_are_read(void **state)
{
	struct nlmsghdr *nlh = addr_msg(RTM_NEWADDR, AF_INET, 7, 24, 0);
	struct want_state other = { 8, 0 }, same = { 7, 0 };
	struct netlink_event ev;
	uint8_t three[3] = { 192, 0, 2 };

	(void)state;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(three), three); /* malformed */
	assert_int_equal(netlink_event_parse(nlh, want_one, &other, &ev), 0);
	assert_int_equal(netlink_event_parse(nlh, want_one, &same, &ev), -1);
}

static void addr_wrong_address_length_rejected(void **state)
{
	struct nlmsghdr *nlh = addr_msg(RTM_NEWADDR, AF_INET6, 2, 64, 0);
	struct netlink_event ev;

	(void)state;
	put_v4(nlh, IFA_ADDRESS, "192.0.2.1"); /* 4 bytes in an IPv6 message */
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), -1);
}

static void addr_short_ifa_flags_rejected(void **state)
{
	struct nlmsghdr *nlh = addr_msg(RTM_NEWADDR, AF_INET, 2, 24, 0);
	struct netlink_event ev;

	(void)state;
	put_v4(nlh, IFA_LOCAL, "192.0.2.1");
	mnl_attr_put_u16(nlh, IFA_FLAGS, 1);
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), -1);
}

static void addr_without_address_rejected(void **state)
{
	struct nlmsghdr *nlh = addr_msg(RTM_NEWADDR, AF_INET, 2, 24, 0);
	struct netlink_event ev;

	(void)state;
	mnl_attr_put_strz(nlh, IFA_LABEL, "eth0");
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), -1);
}

static void addr_prefix_longer_than_family_rejected(void **state)
{
	struct nlmsghdr *nlh = addr_msg(RTM_NEWADDR, AF_INET, 2, 33, 0);
	struct netlink_event ev;

	(void)state;
	put_v4(nlh, IFA_LOCAL, "192.0.2.1");
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), -1);
}

static void addr_unknown_attribute_type_skipped(void **state)
{
	struct nlmsghdr *nlh = addr_msg(RTM_NEWADDR, AF_INET, 2, 24, 0);
	struct netlink_event ev;
	uint8_t junk[5] = { 0 };

	(void)state;
	mnl_attr_put(nlh, 250, sizeof(junk), junk);
	put_v4(nlh, IFA_LOCAL, "192.0.2.1");
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), 1);
	assert_addr(&ev, "192.0.2.1");
}

static void addr_other_family_ignored(void **state)
{
	struct nlmsghdr *nlh = addr_msg(RTM_NEWADDR, AF_PACKET, 2, 0, 0);
	struct netlink_event ev;

	(void)state;
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), 0);
}

static void truncated_payload_rejected(void **state)
{
	struct nlmsghdr *nlh = addr_msg(RTM_NEWADDR, AF_INET, 2, 24, 0);
	struct netlink_event ev;

	(void)state;
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4; /* shorter than struct ifaddrmsg */
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), -1);
	nlh = link_msg(RTM_NEWLINK, 3, IFF_UP);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 8; /* shorter than struct ifinfomsg */
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), -1);
}

static void other_message_types_ignored(void **state)
{
	struct nlmsghdr *nlh = link_msg(RTM_NEWROUTE, 3, IFF_UP);
	struct netlink_event ev;

	(void)state;
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), 0);
}

static void link_name_and_deletion_parsed(void **state)
{
	struct netlink_event ev;

	(void)state;
	assert_int_equal(netlink_event_parse(link_msg(RTM_NEWLINK, 3, IFF_UP), NULL, NULL, &ev), 1);
	assert_string_equal(ev.ifname, "eth0");
	assert_false(ev.deleted);
	assert_int_equal(netlink_event_parse(link_msg(RTM_DELLINK, 3, IFF_UP), NULL, NULL, &ev), 1);
	assert_string_equal(ev.ifname, "eth0");
	assert_true(ev.deleted);
}

static void link_name_too_long_or_unterminated_is_no_name(void **state)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct netlink_event ev;

	(void)state;
	nlh = mnl_nlmsg_put_header(memset(&msgbuf, 0, sizeof(msgbuf)));
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 5;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "a-name-longer-than-ifnamsiz");
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), 1);
	assert_string_equal(ev.ifname, "");
	nlh = mnl_nlmsg_put_header(memset(&msgbuf, 0, sizeof(msgbuf)));
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 5;
	mnl_attr_put(nlh, IFLA_IFNAME, 4, "eth0"); /* no NUL */
	assert_int_equal(netlink_event_parse(nlh, NULL, NULL, &ev), 1);
	assert_string_equal(ev.ifname, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(newlink_up_needs_iff_up_and_running),
		cmocka_unit_test(newlink_carrier_loss_is_down_while_iff_up),
		cmocka_unit_test(dellink_is_down),
		cmocka_unit_test(link_unwatched_ifindex_ignored),
		cmocka_unit_test(addr_v4_prefers_ifa_local_over_ifa_address),
		cmocka_unit_test(addr_v6_uses_ifa_address),
		cmocka_unit_test(addr_ifa_flags_attribute_overrides_header),
		cmocka_unit_test(addr_unwatched_skipped_before_attributes_are_read),
		cmocka_unit_test(addr_wrong_address_length_rejected),
		cmocka_unit_test(addr_short_ifa_flags_rejected),
		cmocka_unit_test(addr_without_address_rejected),
		cmocka_unit_test(addr_prefix_longer_than_family_rejected),
		cmocka_unit_test(addr_unknown_attribute_type_skipped),
		cmocka_unit_test(addr_other_family_ignored),
		cmocka_unit_test(truncated_payload_rejected),
		cmocka_unit_test(other_message_types_ignored),
		cmocka_unit_test(link_name_and_deletion_parsed),
		cmocka_unit_test(link_name_too_long_or_unterminated_is_no_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
