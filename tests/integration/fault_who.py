#!/usr/bin/python3
"""Who answers for an address on the segment? (fault-injection tests)

  fault_who.py IFACE ADDRESS [WAIT_S] [TRIES]

Run in the client's namespace. For an IPv4 ADDRESS sends an ARP request
(who-has ADDRESS, from the interface's own IPv4 address), for an IPv6 one a
Neighbor Solicitation to its solicited-node group, TRIES times (default 2)
WAIT_S (default 0.4) seconds apart, and prints the distinct MAC addresses
that answered, one per line, sorted ("none" if nobody did). Only the lab's
addresses are asked (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32).
"""
import fcntl
import ipaddress
import select
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806
SIOCGIFHWADDR = 0x8927
SIOCGIFADDR = 0x8915
LAB = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "2001:db8::/32")]


def ifreq(sock, iface, req):
    return fcntl.ioctl(sock.fileno(), req, struct.pack("256s", iface.encode()[:15]))


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def ask_v4(iface, addr, wait, tries):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    s.bind((iface, ETH_P_ARP))
    mac = ifreq(s, iface, SIOCGIFHWADDR)[18:24]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    own = ifreq(u, iface, SIOCGIFADDR)[20:24]
    u.close()
    tpa = socket.inet_aton(addr)
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + own + b"\0" * 6 + tpa
    frame = b"\xff" * 6 + mac + struct.pack("!H", ETH_P_ARP) + arp
    seen = set()
    for _ in range(tries):
        s.send(frame)
        end = time.monotonic() + wait
        while True:
            left = end - time.monotonic()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                break
            p = s.recv(2048)[14:]
            if len(p) >= 28 and struct.unpack("!H", p[6:8])[0] == 2 and p[14:18] == tpa:
                seen.add(mac_str(p[8:14]))
    return seen


def ask_v6(iface, addr, wait, tries):
    target = socket.inet_pton(socket.AF_INET6, addr)
    group = socket.inet_pton(socket.AF_INET6, "ff02::1:ff00:0")[:13] + target[13:]
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    p.bind((iface, 0))
    mac = ifreq(p, iface, SIOCGIFHWADDR)[18:24]
    p.close()
    ifindex = socket.if_nametoindex(iface)
    ns = struct.pack("!BBHI", 135, 0, 0, 0) + target + struct.pack("!BB", 1, 1) + mac
    seen = set()
    for _ in range(tries):
        s.sendto(ns, (socket.inet_ntop(socket.AF_INET6, group), 0, 0, ifindex))
        end = time.monotonic() + wait
        while True:
            left = end - time.monotonic()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                break
            m = s.recv(2048)
            if len(m) < 24 or m[0] != 136 or m[8:24] != target:
                continue
            opts = m[24:]
            while len(opts) >= 8 and opts[1]:
                if opts[0] == 2:
                    seen.add(mac_str(opts[2:8]))
                opts = opts[opts[1] * 8:]
    return seen


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    iface, addr = sys.argv[1], sys.argv[2]
    wait = float(sys.argv[3]) if len(sys.argv) > 3 else 0.4
    tries = min(int(sys.argv[4]) if len(sys.argv) > 4 else 2, 10)
    ip = ipaddress.ip_address(addr)
    if not any(ip in n for n in LAB):
        sys.exit("fault_who.py: %s is not a lab address" % addr)
    seen = ask_v4(iface, addr, wait, tries) if ip.version == 4 else ask_v6(iface, addr, wait, tries)
    print("\n".join(sorted(seen)) if seen else "none")


if __name__ == "__main__":
    main()
