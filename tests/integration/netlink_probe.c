/* netlink_probe: drive src/netlink.c and src/announce.c from the shell, for
 * tests/integration/test_netlink.sh. Exit 0 on success, 1 on failure, 2 on
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
 *                                          prints "ready", then events; with
 *                                          STALL, a minimal receive buffer and
 *                                          no reading for STALL seconds (to
 *                                          force an overrun)
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

static int cmd_present(int ifindex, const char *text)
{
	struct ip_prefix vip;
	bool present;

	if (parse_prefix(text, &vip) < 0)
		return 2;
	present = netlink_vip_present(ifindex, &vip);
	printf("%s\n", present ? "present" : "absent");
	return present ? 0 : 1;
}

static int cmd_primary(int ifindex, const char *fam, int n_skip, char **skip_text)
{
	struct ip_prefix skip[16];
	struct ip_addr out;
	char buf[IPADDR_STRLEN];
	int i;

	if (n_skip > 16)
		return 2;
	for (i = 0; i < n_skip; i++)
		if (parse_prefix(skip_text[i], &skip[i]) < 0)
			return 2;
	if (netlink_primary_addr(ifindex, strcmp(fam, "6") == 0 ? AF_INET6 : AF_INET, skip,
				 (size_t)n_skip, &out) < 0) {
		printf("none\n");
		return 1;
	}
	printf("%s\n", ipaddr_str(&out, buf));
	return 0;
}

static int cmd_announce(int ifindex, const char *what, const char *text)
{
	struct ip_addr vip;
	uint8_t mac[6];
	int rc;

	if (ipaddr_parse(text, &vip) < 0)
		return 2;
	if (netlink_link_mac(ifindex, mac) < 0) {
		perror("netlink_link_mac");
		return 1;
	}
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

static void on_link(void *arg, int ifindex, bool up)
{
	(void)arg;
	printf("link %s ifindex %d\n", up ? "up" : "down", ifindex);
}

static void print_addr(const char *what, int ifindex, const struct ip_addr *addr,
		       uint8_t prefix_len)
{
	char buf[IPADDR_STRLEN];

	printf("addr %s %s/%u ifindex %d\n", what, ipaddr_str(addr, buf), prefix_len, ifindex);
}

static void on_addr_removed(void *arg, int ifindex, const struct ip_addr *addr,
			    uint8_t prefix_len)
{
	(void)arg;
	print_addr("del", ifindex, addr, prefix_len);
}

static void on_addr_added(void *arg, int ifindex, const struct ip_addr *addr, uint8_t prefix_len)
{
	(void)arg;
	print_addr("add", ifindex, addr, prefix_len);
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
	static const struct netlink_monitor_ops ops = { on_link, on_addr_removed, on_addr_added };
	usec_t end = time_now() + time_from_sec(atof(seconds));
	struct pollfd pfd;
	char err[256];

	netlink_monitor_watch(ifindex);
	if (netlink_monitor_start(NULL, &ops, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("ready link %s\n", netlink_link_is_up(ifindex) ? "up" : "down");
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
	if (strcmp(argv[1], "link") == 0) {
		printf("%s\n", netlink_link_is_up(ifindex) ? "up" : "down");
		return 0;
	}
	if (strcmp(argv[1], "mac") == 0) {
		uint8_t m[6];

		if (netlink_link_mac(ifindex, m) < 0)
			return 1;
		printf("%02x:%02x:%02x:%02x:%02x:%02x\n", m[0], m[1], m[2], m[3], m[4], m[5]);
		return 0;
	}
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
