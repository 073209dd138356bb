/* netlink_probe: drive src/netlink.c, src/iface_table.c and src/announce.c
 * from the shell, for tests/integration/test_netlink.sh. Questions about an
 * interface are answered by an interface table loaded with netlink dumps. Exit 0 on success, 1 on failure, 2 on
 * usage errors.
 *
 *   netlink_probe add IFNAME ADDR/LEN      add a VIP (idempotent)
 *   netlink_probe del IFNAME ADDR/LEN      remove a VIP (idempotent)
 *   netlink_probe present IFNAME ADDR      prints present|absent; exit 0|1
 *   netlink_probe primary IFNAME 4|6 [SKIP_ADDR...]
 *   netlink_probe link IFNAME              prints up|down
 *   netlink_probe mac IFNAME               prints the MAC
 *   netlink_probe garp IFNAME ADDR         one gratuitous ARP
 *   netlink_probe na IFNAME ADDR           one unsolicited NA
 *   netlink_probe monitor IFNAME SECONDS [STALL]
 *                                          prints "ready", then events, and
 *                                          the table's answers when they
 *                                          change ("source4 ADDR|none",
 *                                          "source6 ...", "link up|down");
 *                                          with STALL, a minimal receive
 *                                          buffer and no reading for STALL
 *                                          seconds (to force an overrun)
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "announce.h"
#include "iface_table.h"
#include "log.h"
#include "netlink.h"

/* netlink.c refers to the loop; the probe drives the monitor with poll() and
 * passes no loop, so these stand in when src/loop.c is not linked. */
__attribute__((weak)) int loop_add_fd(struct loop *loop, int fd, uint32_t events, loop_fd_cb cb,
				      void *arg)
{
	(void)loop, (void)fd, (void)events, (void)cb, (void)arg;
	errno = ENOSYS;
	return -1;
}

__attribute__((weak)) void loop_del_fd(struct loop *loop, int fd)
{
	(void)loop, (void)fd;
}

static int ifindex_of(const char *name)
{
	int ifindex = (int)if_nametoindex(name);

	if (ifindex == 0)
		fprintf(stderr, "no interface %s\n", name);
	return ifindex;
}

static int parse_prefix(const char *text, struct ip_prefix *p)
{
	if (ipprefix_parse(text, p) == 0)
		return 0;
	fprintf(stderr, "bad address %s\n", text);
	return -1;
}

static int cmd_addr(int ifindex, const char *op, const char *text)
{
	struct ip_prefix vip;
	char err[256];
	int rc;

	if (parse_prefix(text, &vip) < 0)
		return 2;
	if (netlink_open(err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (strcmp(op, "add") == 0)
		rc = netlink_vip_add(ifindex, &vip, err, sizeof(err));
	else
		rc = netlink_vip_del(ifindex, &vip, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "%s\n", err);
	netlink_close();
	return rc < 0 ? 1 : 0;
}

static void table_visit(void *arg, const struct netlink_event *ev)
{
	iface_table_apply(arg, ev);
}

static int table_load(void *arg, struct iface_table *t, int ifindex)
{
	(void)arg;
	if (netlink_dump_link(ifindex, table_visit, t) < 0 ||
	    netlink_dump_addrs(ifindex, table_visit, t) < 0)
		return -1;
	return 0;
}

/* A table that tracks ifindex, loaded from the kernel; NULL on failure. */
static struct iface_table *table_for(int ifindex)
{
	struct iface_table *t = iface_table_new(table_load, NULL);

	if (t && iface_table_track(t, ifindex) < 0) {
		fprintf(stderr, "cannot load ifindex %d\n", ifindex);
		iface_table_free(t);
		return NULL;
	}
	return t;
}

static int cmd_present(int ifindex, const char *text)
{
	struct iface_table *t = table_for(ifindex);
	struct ip_prefix vip;
	bool present;

	if (!t)
		return 1;
	if (parse_prefix(text, &vip) < 0) {
		iface_table_free(t);
		return 2;
	}
	present = iface_table_has_addr(t, ifindex, &vip.addr);
	iface_table_free(t);
	printf("%s\n", present ? "present" : "absent");
	return present ? 0 : 1;
}

static void ignore_gone(void *arg, const struct ip_addr *addr)
{
	(void)arg, (void)addr;
}

/* The source address, with the SKIP addresses claimed as VIPs. */
static int cmd_primary(int ifindex, const char *fam, int n_skip, char **skip_text)
{
	struct iface_table *t = table_for(ifindex);
	struct ip_prefix skip;
	struct ip_addr out;
	char buf[IPADDR_STRLEN];
	int i, rc = 0;

	if (!t)
		return 1;
	for (i = 0; i < n_skip && rc == 0; i++)
		if (parse_prefix(skip_text[i], &skip) < 0 ||
		    iface_table_claim_vip(t, ifindex, &skip.addr, ignore_gone, NULL) < 0)
			rc = 2;
	if (rc == 0 && iface_table_source(t, ifindex, strcmp(fam, "6") == 0 ? AF_INET6 : AF_INET,
					  &out) < 0)
		rc = 1;
	if (rc == 0)
		printf("%s\n", ipaddr_str(&out, buf));
	else if (rc == 1)
		printf("none\n");
	iface_table_free(t);
	return rc;
}

static int cmd_link(int ifindex, const char *what)
{
	struct iface_table *t = table_for(ifindex);
	uint8_t m[6];
	int rc = 0;

	if (!t)
		return 1;
	if (strcmp(what, "link") == 0)
		printf("%s\n", iface_table_link_up(t, ifindex) ? "up" : "down");
	else if (iface_table_mac(t, ifindex, m) == 0)
		printf("%02x:%02x:%02x:%02x:%02x:%02x\n", m[0], m[1], m[2], m[3], m[4], m[5]);
	else
		rc = 1;
	iface_table_free(t);
	return rc;
}

static int cmd_announce(int ifindex, const char *what, const char *text)
{
	struct ip_addr vip;
	uint8_t mac[6];
	int rc;

	struct iface_table *t;

	if (ipaddr_parse(text, &vip) < 0)
		return 2;
	t = table_for(ifindex);
	if (!t || iface_table_mac(t, ifindex, mac) < 0) {
		fprintf(stderr, "no MAC for ifindex %d\n", ifindex);
		iface_table_free(t);
		return 1;
	}
	iface_table_free(t);
	if (strcmp(what, "garp") == 0 && vip.family == AF_INET)
		rc = announce_garp(ifindex, mac, &vip.u.v4);
	else if (strcmp(what, "na") == 0 && vip.family == AF_INET6)
		rc = announce_unsolicited_na(ifindex, mac, &vip.u.v6);
	else
		return 2;
	if (rc < 0)
		perror(what);
	announce_close();
	return rc < 0 ? 1 : 0;
}

/* The monitor's state: the table, and what the probe last printed. */
static struct {
	struct iface_table *table;
	int ifindex;
	struct iface_watch link_watch, source_watch[2];
} mon_probe;

static void print_event(const struct netlink_event *ev)
{
	char buf[IPADDR_STRLEN];

	if (ev->kind == NETLINK_EV_LINK) {
		printf("link %s ifindex %d\n", ev->up ? "up" : "down", ev->ifindex);
		return;
	}
	printf("addr %s %s/%u ifindex %d\n", ev->kind == NETLINK_EV_ADDR_ADD ? "add" : "del",
	       ipaddr_str(&ev->addr, buf), ev->prefix_len, ev->ifindex);
}

static bool probe_want(void *arg, int ifindex)
{
	(void)arg;
	return iface_table_tracks(mon_probe.table, ifindex);
}

static void probe_event(void *arg, const struct netlink_event *ev)
{
	(void)arg;
	print_event(ev);
	iface_table_apply(mon_probe.table, ev);
}

static void probe_batch_done(void *arg)
{
	(void)arg;
	iface_table_commit(mon_probe.table);
}

/* After an overrun: reload, and say what the table knows now. */
static void probe_overrun(void *arg)
{
	(void)arg;
	iface_table_reload(mon_probe.table);
	printf("link %s ifindex %d\n",
	       iface_table_link_up(mon_probe.table, mon_probe.ifindex) ? "up" : "down",
	       mon_probe.ifindex);
}

static void on_table_link(void *arg)
{
	(void)arg;
	printf("table link %s\n", iface_table_link_up(mon_probe.table, mon_probe.ifindex) ? "up" : "down");
}

static void on_table_source(void *arg)
{
	sa_family_t family = arg ? AF_INET6 : AF_INET;
	char buf[IPADDR_STRLEN];
	struct ip_addr a;

	if (iface_table_source(mon_probe.table, mon_probe.ifindex, family, &a) < 0)
		printf("source%c none\n", arg ? '6' : '4');
	else
		printf("source%c %s\n", arg ? '6' : '4', ipaddr_str(&a, buf));
}

static int monitor_table_open(int ifindex)
{
	static int six = 1;

	mon_probe.ifindex = ifindex;
	mon_probe.table = table_for(ifindex);
	if (!mon_probe.table)
		return -1;
	iface_watch_init(&mon_probe.link_watch, on_table_link, NULL);
	iface_watch_init(&mon_probe.source_watch[0], on_table_source, NULL);
	iface_watch_init(&mon_probe.source_watch[1], on_table_source, &six);
	iface_table_watch_link(mon_probe.table, ifindex, &mon_probe.link_watch);
	iface_table_watch_source(mon_probe.table, ifindex, AF_INET, &mon_probe.source_watch[0]);
	iface_table_watch_source(mon_probe.table, ifindex, AF_INET6, &mon_probe.source_watch[1]);
	return 0;
}

/* Shrink the monitor's receive buffer and stop reading for a while. */
static void monitor_stall(const char *seconds)
{
	int tiny = 1; /* the kernel rounds up to its minimum */

	setsockopt(netlink_monitor_fd(), SOL_SOCKET, SO_RCVBUF, &tiny, sizeof(tiny));
	printf("ready stalling\n");
	usleep((useconds_t)time_from_sec(atof(seconds)));
}

static int cmd_monitor(int ifindex, const char *seconds, const char *stall)
{
	static const struct netlink_monitor_ops ops = { .want = probe_want,
							.event = probe_event,
							.batch_done = probe_batch_done,
							.overrun = probe_overrun };
	usec_t end = time_now() + time_from_sec(atof(seconds));
	struct pollfd pfd;
	char err[256];

	if (monitor_table_open(ifindex) < 0)
		return 1;
	if (netlink_monitor_start(NULL, &ops, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("ready link %s\n", iface_table_link_up(mon_probe.table, ifindex) ? "up" : "down");
	on_table_source(NULL);
	on_table_source(&ifindex);
	if (stall)
		monitor_stall(stall);
	pfd.fd = netlink_monitor_fd();
	pfd.events = POLLIN;
	while (time_now() < end) {
		int ms = (int)((end - time_now()) / 1000) + 1;

		if (poll(&pfd, 1, ms) > 0)
			netlink_monitor_dispatch();
	}
	netlink_monitor_stop(NULL);
	iface_table_free(mon_probe.table);
	return 0;
}

static int run(int argc, char **argv)
{
	int ifindex;

	if (argc < 3)
		return 2;
	ifindex = ifindex_of(argv[2]);
	if (ifindex == 0)
		return 1;
	if (strcmp(argv[1], "link") == 0 || strcmp(argv[1], "mac") == 0)
		return cmd_link(ifindex, argv[1]);
	if (argc < 4)
		return 2;
	if (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "del") == 0)
		return cmd_addr(ifindex, argv[1], argv[3]);
	if (strcmp(argv[1], "present") == 0)
		return cmd_present(ifindex, argv[3]);
	if (strcmp(argv[1], "primary") == 0)
		return cmd_primary(ifindex, argv[3], argc - 4, argv + 4);
	if (strcmp(argv[1], "garp") == 0 || strcmp(argv[1], "na") == 0)
		return cmd_announce(ifindex, argv[1], argv[3]);
	if (strcmp(argv[1], "monitor") == 0)
		return cmd_monitor(ifindex, argv[3], argc > 4 ? argv[4] : NULL);
	return 2;
}

int main(int argc, char **argv)
{
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init("netlink_probe", false, 1);
	rc = run(argc, argv);
	if (rc == 2)
		fprintf(stderr, "usage: see the comment at the top of netlink_probe.c\n");
	return rc;
}
