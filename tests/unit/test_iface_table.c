/* Unit tests for src/iface_table.c: netlink events in, answers and
 * notifications out. Links the module alone (plus ipaddr); the loader is a
 * fake that replays a scripted "kernel" state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <linux/if_addr.h>

#include "iface_table.h"

#define IF_A 3
#define IF_B 4
#define IF_OTHER 9

/* ---- a fake kernel for the loader ---- */

static struct {
	struct netlink_event events[64];
	size_t n;
	int fail;  /* loads that fail before one succeeds */
	int loads; /* how many times the loader ran */
} kernel;

static int fake_load(void *arg, struct iface_table *t, int ifindex)
{
	size_t i;

	(void)arg;
	kernel.loads++;
	if (kernel.fail > 0) {
		kernel.fail--;
		return -1;
	}
	for (i = 0; i < kernel.n; i++)
		if (kernel.events[i].ifindex == ifindex)
			iface_table_apply(t, &kernel.events[i]);
	return 0;
}

static struct netlink_event addr_event(enum netlink_event_kind kind, int ifindex,
				       const char *text, uint8_t len, uint32_t flags)
{
	struct netlink_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.ifindex = ifindex;
	assert_int_equal(ipaddr_parse(text, &ev.addr), 0);
	ev.prefix_len = len;
	ev.addr_flags = flags;
	return ev;
}

static struct netlink_event link_event(int ifindex, bool up)
{
	struct netlink_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = NETLINK_EV_LINK;
	ev.ifindex = ifindex;
	ev.up = up;
	ev.has_mac = true;
	memcpy(ev.mac, "\x02\x00\x00\x00\x00\x01", 6);
	return ev;
}

static void kernel_has(struct netlink_event ev)
{
	assert_true(kernel.n < 64);
	kernel.events[kernel.n++] = ev;
}

static void kernel_reset(void)
{
	memset(&kernel, 0, sizeof(kernel));
}

/* ---- helpers ---- */

static struct ip_addr A(const char *text)
{
	struct ip_addr a;

	assert_int_equal(ipaddr_parse(text, &a), 0);
	return a;
}

static void add(struct iface_table *t, int ifindex, const char *text, uint32_t flags)
{
	struct netlink_event ev = addr_event(NETLINK_EV_ADDR_ADD, ifindex, text, 24, flags);

	iface_table_apply(t, &ev);
}

static void del(struct iface_table *t, int ifindex, const char *text)
{
	struct netlink_event ev = addr_event(NETLINK_EV_ADDR_DEL, ifindex, text, 24, 0);

	iface_table_apply(t, &ev);
}

static void assert_source(struct iface_table *t, int ifindex, sa_family_t family,
			  const char *want)
{
	struct ip_addr got;
	char buf[IPADDR_STRLEN];

	if (!want) {
		assert_int_equal(iface_table_source(t, ifindex, family, &got), -1);
		return;
	}
	assert_int_equal(iface_table_source(t, ifindex, family, &got), 0);
	assert_string_equal(ipaddr_str(&got, buf), want);
}

struct counter {
	struct iface_watch w;
	int calls;
};

static void count_cb(void *arg)
{
	((struct counter *)arg)->calls++;
}

static void counter_init(struct counter *c)
{
	iface_watch_init(&c->w, count_cb, c);
	c->calls = 0;
}

struct gone_log {
	int calls;
	struct ip_addr last;
};

static void gone_cb(void *arg, const struct ip_addr *addr)
{
	struct gone_log *g = arg;

	g->calls++;
	g->last = *addr;
}

/* A table tracking IF_A, loaded from the fake kernel: 192.0.2.1/24 primary,
 * fe80::1 link-local, link up. */
static struct iface_table *standard_table(void)
{
	struct iface_table *t;

	kernel_reset();
	kernel_has(link_event(IF_A, true));
	kernel_has(addr_event(NETLINK_EV_ADDR_ADD, IF_A, "192.0.2.1", 24, IFA_F_PERMANENT));
	kernel_has(addr_event(NETLINK_EV_ADDR_ADD, IF_A, "fe80::1", 64, IFA_F_PERMANENT));
	t = iface_table_new(fake_load, NULL);
	assert_non_null(t);
	assert_int_equal(iface_table_track(t, IF_A), 0);
	return t;
}

/* ---- tests ---- */

static void track_loads_link_mac_and_addresses(void **state)
{
	struct iface_table *t = standard_table();
	uint8_t mac[6];
	struct ip_addr a = A("192.0.2.1");

	(void)state;
	assert_int_equal(kernel.loads, 1);
	assert_true(iface_table_tracks(t, IF_A));
	assert_true(iface_table_link_up(t, IF_A));
	assert_int_equal(iface_table_mac(t, IF_A, mac), 0);
	assert_memory_equal(mac, "\x02\x00\x00\x00\x00\x01", 6);
	assert_true(iface_table_has_addr(t, IF_A, &a));
	assert_source(t, IF_A, AF_INET, "192.0.2.1");
	assert_source(t, IF_A, AF_INET6, "fe80::1");
	iface_table_free(t);
}

static void second_track_does_not_load_again(void **state)
{
	struct iface_table *t = standard_table();

	(void)state;
	assert_int_equal(iface_table_track(t, IF_A), 0);
	assert_int_equal(kernel.loads, 1);
	iface_table_untrack(t, IF_A);
	assert_true(iface_table_tracks(t, IF_A));
	iface_table_untrack(t, IF_A);
	assert_false(iface_table_tracks(t, IF_A));
	iface_table_free(t);
}

static void events_for_untracked_interfaces_are_ignored(void **state)
{
	struct iface_table *t = standard_table();
	struct counter src;
	struct ip_addr other = A("198.51.100.7");

	(void)state;
	counter_init(&src);
	iface_table_watch_source(t, IF_A, AF_INET, &src.w);
	add(t, IF_OTHER, "198.51.100.7", 0);
	iface_table_commit(t);
	assert_false(iface_table_tracks(t, IF_OTHER));
	assert_false(iface_table_has_addr(t, IF_OTHER, &other));
	assert_false(iface_table_link_up(t, IF_OTHER));
	assert_int_equal(src.calls, 0);
	iface_table_free(t);
}

static void many_interfaces_only_tracked_answer(void **state)
{
	struct iface_table *t = standard_table();
	struct ip_addr b = A("198.51.100.2");
	int i;

	(void)state;
	kernel_has(link_event(IF_B, false));
	kernel_has(addr_event(NETLINK_EV_ADDR_ADD, IF_B, "198.51.100.2", 24, 0));
	assert_int_equal(iface_table_track(t, IF_B), 0);
	for (i = 100; i < 300; i++) {
		struct netlink_event ev = link_event(i, true);

		iface_table_apply(t, &ev);
	}
	iface_table_commit(t);
	assert_true(iface_table_has_addr(t, IF_B, &b));
	assert_false(iface_table_has_addr(t, IF_A, &b));
	assert_false(iface_table_link_up(t, IF_B));
	assert_true(iface_table_link_up(t, IF_A));
	assert_false(iface_table_link_up(t, 150));
	assert_source(t, IF_B, AF_INET, "198.51.100.2");
	iface_table_free(t);
}

static void secondary_is_never_the_source(void **state)
{
	struct iface_table *t = standard_table();

	(void)state;
	add(t, IF_A, "192.0.2.50", IFA_F_SECONDARY);
	iface_table_commit(t);
	assert_source(t, IF_A, AF_INET, "192.0.2.1");
	iface_table_free(t);
}

static void removal_of_primary_moves_source_and_notifies_once(void **state)
{
	struct iface_table *t = standard_table();
	struct counter src4, src6;
	struct netlink_event promoted;

	(void)state;
	counter_init(&src4);
	counter_init(&src6);
	iface_table_watch_source(t, IF_A, AF_INET, &src4.w);
	iface_table_watch_source(t, IF_A, AF_INET6, &src6.w);
	add(t, IF_A, "192.0.2.2", IFA_F_SECONDARY);
	iface_table_commit(t);
	assert_int_equal(src4.calls, 0);
	/* promote_secondaries: DEL of the primary, NEW of the promoted one. */
	del(t, IF_A, "192.0.2.1");
	promoted = addr_event(NETLINK_EV_ADDR_ADD, IF_A, "192.0.2.2", 24, 0);
	iface_table_apply(t, &promoted);
	iface_table_commit(t);
	assert_int_equal(src4.calls, 1);
	assert_int_equal(src6.calls, 0);
	assert_source(t, IF_A, AF_INET, "192.0.2.2");
	del(t, IF_A, "192.0.2.2");
	iface_table_commit(t);
	assert_int_equal(src4.calls, 2);
	assert_source(t, IF_A, AF_INET, NULL);
	iface_table_free(t);
}

static void tentative_linklocal_is_not_usable_until_dad_completes(void **state)
{
	struct iface_table *t;
	struct counter src6;

	(void)state;
	kernel_reset();
	kernel_has(link_event(IF_A, true));
	kernel_has(addr_event(NETLINK_EV_ADDR_ADD, IF_A, "fe80::9", 64, IFA_F_TENTATIVE));
	t = iface_table_new(fake_load, NULL);
	assert_int_equal(iface_table_track(t, IF_A), 0);
	counter_init(&src6);
	iface_table_watch_source(t, IF_A, AF_INET6, &src6.w);
	assert_source(t, IF_A, AF_INET6, NULL);
	add(t, IF_A, "2001:db8::9", 0); /* global: never the IPv6 source */
	iface_table_commit(t);
	assert_source(t, IF_A, AF_INET6, NULL);
	assert_int_equal(src6.calls, 0);
	add(t, IF_A, "fe80::9", IFA_F_PERMANENT); /* DAD done: same address, new flags */
	iface_table_commit(t);
	assert_source(t, IF_A, AF_INET6, "fe80::9");
	assert_int_equal(src6.calls, 1);
	add(t, IF_A, "fe80::9", IFA_F_DADFAILED);
	iface_table_commit(t);
	assert_source(t, IF_A, AF_INET6, NULL);
	assert_int_equal(src6.calls, 2);
	iface_table_free(t);
}

static void claimed_vip_is_never_the_source(void **state)
{
	struct iface_table *t;
	struct ip_addr vip = A("192.0.2.100");
	struct gone_log g = { 0 };

	(void)state;
	kernel_reset();
	/* A VIP left by a crashed run sits before the real address. */
	kernel_has(addr_event(NETLINK_EV_ADDR_ADD, IF_A, "192.0.2.100", 32, 0));
	kernel_has(addr_event(NETLINK_EV_ADDR_ADD, IF_A, "192.0.2.1", 24, 0));
	t = iface_table_new(fake_load, NULL);
	assert_int_equal(iface_table_track(t, IF_A), 0);
	assert_source(t, IF_A, AF_INET, "192.0.2.100");
	assert_int_equal(iface_table_claim_vip(t, IF_A, &vip, gone_cb, &g), 0);
	assert_source(t, IF_A, AF_INET, "192.0.2.1");
	assert_int_equal(iface_table_claim_vip(t, IF_A, &vip, gone_cb, &g), -1);
	iface_table_release_vip(t, IF_A, &vip, NULL); /* not the owner: no effect */
	assert_source(t, IF_A, AF_INET, "192.0.2.1");
	iface_table_release_vip(t, IF_A, &vip, &g);
	assert_source(t, IF_A, AF_INET, "192.0.2.100");
	iface_table_free(t);
}

static void vip_events_touch_only_their_owner(void **state)
{
	struct iface_table *t = standard_table();
	struct gone_log g1 = { 0 }, g2 = { 0 };
	struct ip_addr v1 = A("192.0.2.101"), v2 = A("192.0.2.102");
	struct counter src4, link;
	char buf[IPADDR_STRLEN];

	(void)state;
	counter_init(&src4);
	counter_init(&link);
	iface_table_watch_source(t, IF_A, AF_INET, &src4.w);
	iface_table_watch_link(t, IF_A, &link.w);
	assert_int_equal(iface_table_claim_vip(t, IF_A, &v1, gone_cb, &g1), 0);
	assert_int_equal(iface_table_claim_vip(t, IF_A, &v2, gone_cb, &g2), 0);
	add(t, IF_A, "192.0.2.101", 0);
	add(t, IF_A, "192.0.2.102", 0);
	iface_table_commit(t);
	assert_true(iface_table_has_addr(t, IF_A, &v1));
	del(t, IF_A, "192.0.2.101");
	iface_table_commit(t);
	assert_int_equal(g1.calls, 1);
	assert_string_equal(ipaddr_str(&g1.last, buf), "192.0.2.101");
	assert_int_equal(g2.calls, 0);
	assert_int_equal(src4.calls, 0);
	assert_int_equal(link.calls, 0);
	assert_false(iface_table_has_addr(t, IF_A, &v1));
	assert_true(iface_table_has_addr(t, IF_A, &v2));
	iface_table_free(t);
}

static void vip_gone_and_back_in_one_batch_is_not_reported(void **state)
{
	struct iface_table *t = standard_table();
	struct gone_log g = { 0 };
	struct ip_addr v = A("192.0.2.101");

	(void)state;
	assert_int_equal(iface_table_claim_vip(t, IF_A, &v, gone_cb, &g), 0);
	add(t, IF_A, "192.0.2.101", 0);
	iface_table_commit(t);
	del(t, IF_A, "192.0.2.101");
	add(t, IF_A, "192.0.2.101", 0);
	iface_table_commit(t);
	assert_int_equal(g.calls, 0);
	iface_table_free(t);
}

static void source_change_is_reported_before_vip_loss(void **state)
{
	struct iface_table *t = standard_table();
	struct ip_addr v = A("192.0.2.101");
	struct gone_log g = { 0 };
	struct counter src4;

	(void)state;
	counter_init(&src4);
	iface_table_watch_source(t, IF_A, AF_INET, &src4.w);
	assert_int_equal(iface_table_claim_vip(t, IF_A, &v, gone_cb, &g), 0);
	add(t, IF_A, "192.0.2.101", IFA_F_SECONDARY);
	iface_table_commit(t);
	/* The primary goes and takes its secondaries with it: by the time the
	 * owner hears of its VIP, the source is already gone. */
	del(t, IF_A, "192.0.2.101");
	del(t, IF_A, "192.0.2.1");
	iface_table_commit(t);
	assert_int_equal(src4.calls, 1);
	assert_int_equal(g.calls, 1);
	assert_source(t, IF_A, AF_INET, NULL);
	iface_table_free(t);
}

static void link_changes_notify_only_on_change(void **state)
{
	struct iface_table *t = standard_table();
	struct counter link;
	struct netlink_event down = link_event(IF_A, false), up = link_event(IF_A, true);

	(void)state;
	counter_init(&link);
	iface_table_watch_link(t, IF_A, &link.w);
	iface_table_apply(t, &up);
	iface_table_commit(t);
	assert_int_equal(link.calls, 0);
	iface_table_apply(t, &down);
	iface_table_commit(t);
	assert_int_equal(link.calls, 1);
	assert_false(iface_table_link_up(t, IF_A));
	iface_table_apply(t, &up);
	iface_table_apply(t, &down);
	iface_table_commit(t);
	assert_int_equal(link.calls, 1); /* down, up, down in one batch: still down */
	iface_table_unwatch(t, &link.w);
	iface_table_apply(t, &up);
	iface_table_commit(t);
	assert_int_equal(link.calls, 1);
	iface_table_free(t);
}

static void reload_after_overrun_reports_what_changed(void **state)
{
	struct iface_table *t = standard_table();
	struct ip_addr v = A("192.0.2.101"), gone_addr = A("192.0.2.1");
	struct gone_log g = { 0 };
	struct counter src4, link;

	(void)state;
	counter_init(&src4);
	counter_init(&link);
	iface_table_watch_source(t, IF_A, AF_INET, &src4.w);
	iface_table_watch_link(t, IF_A, &link.w);
	assert_int_equal(iface_table_claim_vip(t, IF_A, &v, gone_cb, &g), 0);
	add(t, IF_A, "192.0.2.101", 0);
	iface_table_commit(t);
	/* Events were lost: the kernel now has another primary, no VIP, link down. */
	kernel_reset();
	kernel_has(link_event(IF_A, false));
	kernel_has(addr_event(NETLINK_EV_ADDR_ADD, IF_A, "192.0.2.7", 24, 0));
	kernel_has(addr_event(NETLINK_EV_ADDR_ADD, IF_A, "fe80::1", 64, 0));
	assert_int_equal(iface_table_reload(t), 0);
	assert_int_equal(kernel.loads, 1);
	assert_int_equal(link.calls, 1);
	assert_int_equal(src4.calls, 1);
	assert_int_equal(g.calls, 1);
	assert_false(iface_table_has_addr(t, IF_A, &gone_addr));
	assert_source(t, IF_A, AF_INET, "192.0.2.7");
	assert_source(t, IF_A, AF_INET6, "fe80::1");
	iface_table_free(t);
}

static void failed_reload_keeps_what_was_known(void **state)
{
	struct iface_table *t = standard_table();
	struct ip_addr a = A("192.0.2.1");

	(void)state;
	kernel.fail = 1;
	assert_int_equal(iface_table_reload(t), -1);
	assert_true(iface_table_has_addr(t, IF_A, &a));
	assert_source(t, IF_A, AF_INET, "192.0.2.1");
	assert_int_equal(iface_table_reload(t), 0);
	assert_true(iface_table_has_addr(t, IF_A, &a));
	iface_table_free(t);
}

static void failed_first_load_still_tracks(void **state)
{
	struct iface_table *t;
	struct counter src4;

	(void)state;
	kernel_reset();
	kernel.fail = 1;
	kernel_has(addr_event(NETLINK_EV_ADDR_ADD, IF_A, "192.0.2.1", 24, 0));
	t = iface_table_new(fake_load, NULL);
	assert_int_equal(iface_table_track(t, IF_A), -1);
	assert_true(iface_table_tracks(t, IF_A));
	counter_init(&src4);
	iface_table_watch_source(t, IF_A, AF_INET, &src4.w);
	assert_source(t, IF_A, AF_INET, NULL);
	assert_int_equal(iface_table_reload(t), 0);
	assert_int_equal(src4.calls, 1);
	assert_source(t, IF_A, AF_INET, "192.0.2.1");
	iface_table_free(t);
}

static void watched_address_reports_appear_and_vanish(void **state)
{
	struct iface_table *t = standard_table();
	struct ip_addr s = A("192.0.2.9");
	struct counter w;

	(void)state;
	counter_init(&w);
	assert_int_equal(iface_table_watch_addr(t, IF_A, &s, &w.w), 0);
	assert_false(iface_table_has_addr(t, IF_A, &s));
	add(t, IF_A, "192.0.2.9", IFA_F_SECONDARY);
	iface_table_commit(t);
	assert_int_equal(w.calls, 1);
	assert_true(iface_table_has_addr(t, IF_A, &s));
	add(t, IF_A, "192.0.2.9", 0); /* flags only */
	iface_table_commit(t);
	assert_int_equal(w.calls, 1);
	del(t, IF_A, "192.0.2.9");
	iface_table_commit(t);
	assert_int_equal(w.calls, 2);
	iface_table_unwatch(t, &w.w);
	iface_table_free(t);
}

static void thousands_of_addresses_stay_consistent(void **state)
{
	struct iface_table *t = standard_table();
	struct gone_log g = { 0 };
	char text[32];
	int i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		struct ip_addr a;

		snprintf(text, sizeof(text), "198.51.%d.%d", 100 + i / 250, 1 + i % 250);
		a = A(text);
		assert_int_equal(iface_table_claim_vip(t, IF_A, &a, gone_cb, &g), 0);
		add(t, IF_A, text, 0);
	}
	iface_table_commit(t);
	assert_source(t, IF_A, AF_INET, "192.0.2.1");
	for (i = 0; i < 2000; i += 2) {
		snprintf(text, sizeof(text), "198.51.%d.%d", 100 + i / 250, 1 + i % 250);
		del(t, IF_A, text);
	}
	iface_table_commit(t);
	assert_int_equal(g.calls, 1000);
	for (i = 0; i < 2000; i++) {
		struct ip_addr a;

		snprintf(text, sizeof(text), "198.51.%d.%d", 100 + i / 250, 1 + i % 250);
		a = A(text);
		assert_int_equal(iface_table_has_addr(t, IF_A, &a), i % 2 == 1);
	}
	iface_table_free(t);
}

/* ---- a deleted interface and its name again ---- */

static struct netlink_event named_link(int ifindex, const char *name, bool up, bool deleted)
{
	struct netlink_event ev = link_event(ifindex, up);

	ev.deleted = deleted;
	snprintf(ev.ifname, sizeof(ev.ifname), "%s", name);
	return ev;
}

static void dellink_marks_gone_and_tells_link_watchers(void **state)
{
	struct iface_table *t = iface_table_new(fake_load, NULL);
	struct netlink_event ev;
	struct counter link;

	(void)state;
	kernel_reset();
	counter_init(&link);
	kernel_has(link_event(IF_A, false));
	iface_table_track(t, IF_A);
	iface_table_watch_link(t, IF_A, &link.w);
	ev = named_link(IF_A, "eth0", false, true);
	iface_table_apply(t, &ev);
	iface_table_commit(t);
	/* down already: only the deletion changed, and watchers hear of it */
	assert_int_equal(link.calls, 1);
	assert_true(iface_table_link_gone(t, IF_A));
	assert_false(iface_table_link_up(t, IF_A));
	assert_true(iface_table_tracks(t, IF_A));
	iface_table_unwatch(t, &link.w);
	iface_table_free(t);
}

static void new_link_of_a_watched_name_is_reported_at_commit(void **state)
{
	struct iface_table *t = iface_table_new(fake_load, NULL);
	struct netlink_event ev;
	struct counter name;

	(void)state;
	kernel_reset();
	counter_init(&name);
	assert_false(iface_table_awaits_names(t));
	iface_table_watch_name(t, "eth0", &name.w);
	assert_true(iface_table_awaits_names(t));
	ev = named_link(IF_OTHER, "eth1", true, false);
	iface_table_apply(t, &ev);
	iface_table_commit(t);
	assert_int_equal(name.calls, 0);
	ev = named_link(IF_B, "eth0", false, false);
	iface_table_apply(t, &ev);
	assert_int_equal(name.calls, 0); /* not before the commit */
	assert_false(iface_table_tracks(t, IF_B));
	iface_table_commit(t);
	assert_int_equal(name.calls, 1);
	iface_table_commit(t);
	assert_int_equal(name.calls, 1);
	iface_table_unwatch(t, &name.w);
	assert_false(iface_table_awaits_names(t));
	iface_table_free(t);
}

static void deleted_link_event_does_not_match_a_name(void **state)
{
	struct iface_table *t = iface_table_new(fake_load, NULL);
	struct netlink_event ev;
	struct counter name;

	(void)state;
	kernel_reset();
	counter_init(&name);
	iface_table_watch_name(t, "eth0", &name.w);
	ev = named_link(IF_B, "eth0", false, true);
	iface_table_apply(t, &ev);
	iface_table_commit(t);
	assert_int_equal(name.calls, 0);
	iface_table_unwatch(t, &name.w);
	iface_table_free(t);
}

static void same_ifindex_back_clears_gone_and_matches_name(void **state)
{
	struct iface_table *t = iface_table_new(fake_load, NULL);
	struct netlink_event ev;
	struct counter name, link;

	(void)state;
	kernel_reset();
	counter_init(&name);
	counter_init(&link);
	kernel_has(link_event(IF_A, true));
	iface_table_track(t, IF_A);
	iface_table_watch_link(t, IF_A, &link.w);
	ev = named_link(IF_A, "eth0", false, true);
	iface_table_apply(t, &ev);
	iface_table_commit(t);
	iface_table_watch_name(t, "eth0", &name.w);
	ev = named_link(IF_A, "eth0", true, false);
	iface_table_apply(t, &ev);
	iface_table_commit(t);
	assert_false(iface_table_link_gone(t, IF_A));
	assert_true(iface_table_link_up(t, IF_A));
	assert_int_equal(name.calls, 1);
	assert_int_equal(link.calls, 2);
	/* a tracked live link is not "appearing": no name match */
	iface_table_apply(t, &ev);
	iface_table_commit(t);
	assert_int_equal(name.calls, 1);
	iface_table_unwatch(t, &name.w);
	iface_table_unwatch(t, &link.w);
	iface_table_free(t);
}

static void reload_tells_name_watchers_to_look_again(void **state)
{
	struct iface_table *t = iface_table_new(fake_load, NULL);
	struct counter name;

	(void)state;
	kernel_reset();
	counter_init(&name);
	iface_table_watch_name(t, "eth0", &name.w);
	assert_int_equal(iface_table_reload(t), 0);
	assert_int_equal(name.calls, 1);
	iface_table_unwatch(t, &name.w);
	iface_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(track_loads_link_mac_and_addresses),
		cmocka_unit_test(second_track_does_not_load_again),
		cmocka_unit_test(events_for_untracked_interfaces_are_ignored),
		cmocka_unit_test(many_interfaces_only_tracked_answer),
		cmocka_unit_test(secondary_is_never_the_source),
		cmocka_unit_test(removal_of_primary_moves_source_and_notifies_once),
		cmocka_unit_test(tentative_linklocal_is_not_usable_until_dad_completes),
		cmocka_unit_test(claimed_vip_is_never_the_source),
		cmocka_unit_test(vip_events_touch_only_their_owner),
		cmocka_unit_test(vip_gone_and_back_in_one_batch_is_not_reported),
		cmocka_unit_test(source_change_is_reported_before_vip_loss),
		cmocka_unit_test(link_changes_notify_only_on_change),
		cmocka_unit_test(reload_after_overrun_reports_what_changed),
		cmocka_unit_test(failed_reload_keeps_what_was_known),
		cmocka_unit_test(failed_first_load_still_tracks),
		cmocka_unit_test(watched_address_reports_appear_and_vanish),
		cmocka_unit_test(thousands_of_addresses_stay_consistent),
		cmocka_unit_test(dellink_marks_gone_and_tells_link_watchers),
		cmocka_unit_test(new_link_of_a_watched_name_is_reported_at_commit),
		cmocka_unit_test(deleted_link_event_does_not_match_a_name),
		cmocka_unit_test(same_ifindex_back_clears_gone_and_matches_name),
		cmocka_unit_test(reload_tells_name_watchers_to_look_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
