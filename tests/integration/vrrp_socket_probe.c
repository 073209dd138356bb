/* Namespace probe for src/vrrp_socket.c.
 *   vrrp_socket_probe send IFNAME 4|6 VRID SRC DST [PRIO]
 *     encode a VRRPv3 advert and send it 3 times from SRC to DST.
 *   vrrp_socket_probe recv IFNAME 4|6 VRID SECONDS
 *     join the group, register VRID, print one line per packet for SECONDS,
 *     then the socket's drop counters.
 *   vrrp_socket_probe burst IFNAME 4|6 COUNT SRC DST
 *     send one advert for each VRID 1..COUNT.
 *   vrrp_socket_probe backlog IFNAME 4|6 COUNT SECONDS
 *     register VRIDs 1..COUNT, sleep SECONDS without reading (a daemon
 *     waiting for a CPU), then dispatch the socket once, as the loop does for
 *     one readable event, and print how many adverts that one dispatch handed
 *     over.
 * Links src/vrrp_socket.c vrrp_packet.c ipaddr.c log.c loop.c. */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "vrrp_packet.h"
#include "vrrp_socket.h"

struct probe {
	struct vrrp_socket *sock;
	struct loop *loop;
	struct loop_timer stop;
	unsigned received;
};

static int usage(void)
{
	fprintf(stderr, "usage: vrrp_socket_probe send IFNAME 4|6 VRID SRC DST [PRIO]\n"
			"       vrrp_socket_probe recv IFNAME 4|6 VRID SECONDS\n"
			"       vrrp_socket_probe burst IFNAME 4|6 COUNT SRC DST\n"
			"       vrrp_socket_probe backlog IFNAME 4|6 COUNT SECONDS\n");
	return 2;
}

static int parse_family(const char *text, sa_family_t *family)
{
	if (strcmp(text, "4") == 0)
		*family = AF_INET;
	else if (strcmp(text, "6") == 0)
		*family = AF_INET6;
	else
		return -1;
	return 0;
}

static struct vrrp_socket *open_sock(struct loop *loop, const char *ifname,
				     sa_family_t family)
{
	char err[256];
	unsigned ifindex = if_nametoindex(ifname);
	struct vrrp_socket *s;

	if (ifindex == 0) {
		fprintf(stderr, "unknown interface %s\n", ifname);
		return NULL;
	}
	s = vrrp_socket_get(loop, (int)ifindex, family, err, sizeof(err));
	if (!s)
		fprintf(stderr, "vrrp_socket_get: %s\n", err);
	return s;
}

static void fill_advert(struct vrrp_advert *adv, sa_family_t family, int vrid, int prio)
{
	memset(adv, 0, sizeof(*adv));
	adv->version = 3;
	adv->type = VRRP_TYPE_ADVERT;
	adv->vrid = (uint8_t)vrid;
	adv->priority = (uint8_t)prio;
	adv->count = 1;
	adv->interval_cs = 100;
	adv->family = family;
	adv->csum_form = VRRP_CSUM_PSEUDO;
	ipaddr_parse(family == AF_INET ? "192.0.2.100" : "fe80::100", &adv->addrs[0]);
}

static int cmd_send(char **argv, int argc)
{
	struct vrrp_advert adv;
	struct ip_addr src, dst;
	uint8_t buf[VRRP_MAX_PACKET];
	struct vrrp_socket *s;
	sa_family_t family;
	ssize_t len;
	int i;

	if (parse_family(argv[3], &family) < 0 || ipaddr_parse(argv[5], &src) < 0 ||
	    ipaddr_parse(argv[6], &dst) < 0)
		return usage();
	fill_advert(&adv, family, atoi(argv[4]), argc > 7 ? atoi(argv[7]) : 100);
	len = vrrp_packet_encode(&adv, &src, &dst, buf, sizeof(buf));
	s = open_sock(NULL, argv[2], family);
	if (len < 0 || !s)
		return 1;
	for (i = 0; i < 3; i++) {
		if (vrrp_socket_send(s, &src, &dst, buf, (size_t)len) < 0) {
			perror("vrrp_socket_send");
			return 1;
		}
		usleep(20000);
	}
	printf("sent=3\n");
	vrrp_socket_put(s);
	return 0;
}

static int cmd_burst(char **argv)
{
	struct vrrp_advert adv;
	struct ip_addr src, dst;
	uint8_t buf[VRRP_MAX_PACKET];
	struct vrrp_socket *s;
	sa_family_t family;
	int vrid, count = atoi(argv[4]);
	ssize_t len;

	if (parse_family(argv[3], &family) < 0 || count < 1 || count > 255 ||
	    ipaddr_parse(argv[5], &src) < 0 || ipaddr_parse(argv[6], &dst) < 0)
		return usage();
	s = open_sock(NULL, argv[2], family);
	if (!s)
		return 1;
	for (vrid = 1; vrid <= count; vrid++) {
		fill_advert(&adv, family, vrid, 100);
		len = vrrp_packet_encode(&adv, &src, &dst, buf, sizeof(buf));
		if (len < 0 || vrrp_socket_send(s, &src, &dst, buf, (size_t)len) < 0) {
			perror("vrrp_socket_send");
			return 1;
		}
	}
	printf("sent=%d\n", count);
	vrrp_socket_put(s);
	return 0;
}

static void count_packet(void *arg, const struct vrrp_rx *rx)
{
	struct probe *p = arg;

	(void)rx;
	p->received++;
}

static int cmd_backlog(char **argv)
{
	struct probe p;
	sa_family_t family;
	int vrid, count = atoi(argv[4]);

	memset(&p, 0, sizeof(p));
	if (parse_family(argv[3], &family) < 0 || count < 1 || count > 255)
		return usage();
	p.loop = loop_new();
	p.sock = p.loop ? open_sock(p.loop, argv[2], family) : NULL;
	if (!p.sock || vrrp_socket_join_multicast(p.sock) < 0)
		return 1;
	for (vrid = 1; vrid <= count; vrid++)
		if (vrrp_socket_register(p.sock, (uint8_t)vrid, count_packet, &p) < 0)
			return 1;
	printf("ready\n");
	fflush(stdout);
	usleep((useconds_t)(atof(argv[5]) * 1e6));
	vrrp_socket_dispatch(p.sock);
	printf("handled=%u\n", p.received);
	for (vrid = 1; vrid <= count; vrid++)
		vrrp_socket_unregister(p.sock, (uint8_t)vrid);
	loop_free(p.loop);
	return 0;
}

static void on_packet(void *arg, const struct vrrp_rx *rx)
{
	struct probe *p = arg;
	struct vrrp_advert adv;
	char src[IPADDR_STRLEN], dst[IPADDR_STRLEN];
	enum vrrp_drop_reason r;

	p->received++;
	r = vrrp_packet_decode(rx->payload, rx->len, &rx->src, &rx->dst, &adv);
	printf("src=%s dst=%s ttl=%d vrid=%u", ipaddr_str(&rx->src, src),
	       ipaddr_str(&rx->dst, dst), rx->ttl, rx->payload[1]);
	if (r == VRRP_DROP_NONE)
		printf(" prio=%u len=%zu ifindex=%d\n", adv.priority, rx->len, rx->ifindex);
	else
		printf(" decode=%s len=%zu ifindex=%d\n", vrrp_drop_reason_name(r), rx->len,
		       rx->ifindex);
	fflush(stdout);
}

static void on_stop(void *arg)
{
	struct probe *p = arg;

	loop_stop(p->loop);
}

static void print_drops(const struct vrrp_socket *s, unsigned received)
{
	int r;

	printf("received=%u drops:", received);
	for (r = VRRP_DROP_NONE + 1; r < VRRP_DROP__COUNT; r++)
		printf(" %s=%llu", vrrp_drop_reason_name((enum vrrp_drop_reason)r),
		       (unsigned long long)vrrp_socket_drops(s, (enum vrrp_drop_reason)r));
	printf("\n");
}

static int cmd_recv(char **argv)
{
	struct probe p;
	sa_family_t family;
	int rc;

	memset(&p, 0, sizeof(p));
	if (parse_family(argv[3], &family) < 0)
		return usage();
	p.loop = loop_new();
	if (!p.loop)
		return 1;
	p.sock = open_sock(p.loop, argv[2], family);
	if (!p.sock || vrrp_socket_join_multicast(p.sock) < 0 ||
	    vrrp_socket_register(p.sock, (uint8_t)atoi(argv[4]), on_packet, &p) < 0) {
		perror("vrrp_socket setup");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	loop_timer_init(&p.stop, on_stop, &p);
	loop_timer_arm(p.loop, &p.stop, time_now() + time_from_sec(atof(argv[5])));
	rc = loop_run(p.loop);
	print_drops(p.sock, p.received);
	vrrp_socket_unregister(p.sock, (uint8_t)atoi(argv[4]));
	loop_free(p.loop);
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	log_init("vrrp_socket_probe", false, 1);
	if (argc >= 7 && strcmp(argv[1], "send") == 0)
		return cmd_send(argv, argc);
	if (argc == 6 && strcmp(argv[1], "recv") == 0)
		return cmd_recv(argv);
	if (argc == 7 && strcmp(argv[1], "burst") == 0)
		return cmd_burst(argv);
	if (argc == 6 && strcmp(argv[1], "backlog") == 0)
		return cmd_backlog(argv);
	return usage();
}
