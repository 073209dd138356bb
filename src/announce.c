/* Gratuitous ARP over AF_PACKET and unsolicited Neighbor Advertisements over
 * a raw ICMPv6 socket. The two sockets are opened on first use and kept. */
#include "announce.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#define ARP_FRAME_LEN 42 /* Ethernet 14 + ARP for IPv4 over Ethernet 28 */
#define ND_HOPLIMIT 255

static int packet_fd = -1;
static int icmp6_fd = -1;

static const uint8_t eth_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* The ARP payload after the fixed header: sha, spa, tha, tpa. */
struct arp_ipv4 {
	struct arphdr hdr;
	uint8_t sha[6];
	uint8_t spa[4];
	uint8_t tha[6];
	uint8_t tpa[4];
} __attribute__((packed));

struct unsolicited_na {
	struct nd_neighbor_advert na;
	struct nd_opt_hdr opt;
	uint8_t mac[6];
} __attribute__((packed));

_Static_assert(sizeof(struct ether_header) + sizeof(struct arp_ipv4) == ARP_FRAME_LEN,
	       "ARP frame layout");
_Static_assert(sizeof(struct unsolicited_na) == 32, "NA layout");

static int packet_socket(void)
{
	if (packet_fd < 0)
		/* Protocol 0: send only, nothing is ever queued for reading. */
		packet_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	return packet_fd;
}

/* Build the broadcast Ethernet frame carrying the ARP request into frame. */
static void garp_build(uint8_t frame[ARP_FRAME_LEN], const uint8_t mac[6],
		       const struct in_addr *vip)
{
	struct ether_header eth;
	struct arp_ipv4 arp;

	memcpy(eth.ether_dhost, eth_broadcast, 6);
	memcpy(eth.ether_shost, mac, 6);
	eth.ether_type = htons(ETHERTYPE_ARP);
	arp.hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp.hdr.ar_pro = htons(ETHERTYPE_IP);
	arp.hdr.ar_hln = 6;
	arp.hdr.ar_pln = 4;
	arp.hdr.ar_op = htons(ARPOP_REQUEST);
	memcpy(arp.sha, mac, 6);
	memcpy(arp.spa, vip, 4);
	memset(arp.tha, 0, 6);
	memcpy(arp.tpa, vip, 4);
	memcpy(frame, &eth, sizeof(eth));
	memcpy(frame + sizeof(eth), &arp, sizeof(arp));
}

int announce_garp(int ifindex, const uint8_t mac[6], const struct in_addr *vip)
{
	uint8_t frame[ARP_FRAME_LEN];
	struct sockaddr_ll sll;
	int fd = packet_socket();

	if (fd < 0)
		return -1;
	garp_build(frame, mac, vip);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ARP);
	sll.sll_ifindex = ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, eth_broadcast, 6);
	if (sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -1;
	return 0;
}

static int set_int6(int fd, int opt, int value)
{
	return setsockopt(fd, IPPROTO_IPV6, opt, &value, sizeof(value));
}

/* Raw ICMPv6 with hop limit 255 and every incoming type filtered out. */
static int icmp6_socket(void)
{
	struct icmp6_filter filter;
	int fd;

	if (icmp6_fd >= 0)
		return icmp6_fd;
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -1;
	ICMP6_FILTER_SETBLOCKALL(&filter);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) < 0 ||
	    set_int6(fd, IPV6_MULTICAST_HOPS, ND_HOPLIMIT) < 0 ||
	    set_int6(fd, IPV6_UNICAST_HOPS, ND_HOPLIMIT) < 0 ||
	    set_int6(fd, IPV6_MULTICAST_LOOP, 0) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	icmp6_fd = fd;
	return fd;
}

static void na_build(struct unsolicited_na *msg, const uint8_t mac[6],
		     const struct in6_addr *vip)
{
	memset(msg, 0, sizeof(*msg));
	msg->na.nd_na_type = ND_NEIGHBOR_ADVERT;
	msg->na.nd_na_code = 0;
	/* Override only: not a router, not solicited. Already network order. */
	msg->na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	msg->na.nd_na_target = *vip;
	msg->opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
	msg->opt.nd_opt_len = 1; /* units of 8 bytes */
	memcpy(msg->mac, mac, 6);
}

int announce_unsolicited_na(int ifindex, const uint8_t mac[6], const struct in6_addr *vip)
{
	struct unsolicited_na msg;
	struct sockaddr_in6 dst;
	int fd = icmp6_socket();

	if (fd < 0)
		return -1;
	if (set_int6(fd, IPV6_MULTICAST_IF, ifindex) < 0)
		return -1;
	na_build(&msg, mac, vip);
	memset(&dst, 0, sizeof(dst));
	dst.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	dst.sin6_scope_id = (uint32_t)ifindex;
	/* The kernel fills the checksum and picks the link-local source. */
	if (sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		return -1;
	return 0;
}

void announce_close(void)
{
	if (packet_fd >= 0)
		close(packet_fd);
	if (icmp6_fd >= 0)
		close(icmp6_fd);
	packet_fd = -1;
	icmp6_fd = -1;
}
