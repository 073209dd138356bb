/* Announcements on becoming Master: gratuitous ARP (AF_PACKET) per IPv4 VIP
 * and unsolicited Neighbor Advertisement (ICMPv6 136, Override flag, target
 * link-layer option, hop limit 255, to ff02::1) per IPv6 VIP. */
#ifndef VIPD_ANNOUNCE_H
#define VIPD_ANNOUNCE_H

#include <stdint.h>

#include "ipaddr.h"

/* Send one gratuitous ARP request (sender IP = target IP = vip, Ethernet
 * broadcast) from mac on ifindex. 0 or -1 (errno). */
int announce_garp(int ifindex, const uint8_t mac[6], const struct in_addr *vip);

/* Send one unsolicited NA for vip from the link-local src on ifindex. 0 or -1. */
int announce_unsolicited_na(int ifindex, const uint8_t mac[6], const struct in6_addr *vip);

/* Close the sockets opened on first use. */
void announce_close(void);

#endif
