#!/usr/bin/python3
"""Hostile VRRP sender for t_fault_hostile.sh: malformed and hostile frames.

  fault_flood.py flood IFACE RATE SECONDS OUT.json [PEERS]
  fault_flood.py stranger IFACE RATE SECONDS OUT.json [PEERS]

Run in the client's namespace of the lab. Frames are built whole (Ethernet,
IPv4 or IPv6, VRRP) and sent on IFACE with an AF_PACKET socket, the client's
own MAC as the Ethernet source; IP destinations are only 224.0.0.18,
ff02::12 and the lab peers given in PEERS ("IP=MAC,IP=MAC": 192.0.2.0/24
addresses). Bounded: at most RATE * SECONDS frames (RATE <= 20000, SECONDS
<= 60), and it stops at SECONDS + 5 s whatever was sent. Writes the count
sent of every kind to OUT.json.

flood: round-robin over these kinds (VRID 51 is the multicast group, VRID 52
the unicast one; source 192.0.2.200 / 2001:db8::200 unless said):
  truncated       4-byte VRRP message                      -> too_short
  bad_checksum    valid advert, checksum spoiled            -> checksum
  count_mismatch  count 4, one address                      -> length
  ttl_64          valid advert, TTL 64                      -> ttl
  interval_zero   Max Adver Int 0                           -> interval_zero
  count_zero      count 0, no address                       -> count_zero
  version_2       a well-formed VRRPv2 advert (v3 group)    -> version
  type_2          type 2                                    -> type
  replay          the Master's own advert, captured on the wire first
                  (IP packet unchanged, source 192.0.2.13)  -> own on the
                  Master, accepted (same priority) on the Backups
  random          random bytes (0..64) as the VRRP message  -> mostly VRID
                  not configured (counted per socket, not shown in stats)
  random_vrid51   random bytes with VRID 51 at byte 1       -> any reason
  vrid52_mcast    VRID 52 at priority 255 to 224.0.0.18     -> not_peer
  vrid52_unicast  VRID 52 at priority 255 to each peer      -> not_peer
  v6_hoplimit     IPv6 advert, hop limit 64                 -> ttl
  v6_bad_checksum IPv6 advert, checksum spoiled             -> checksum
  v6_truncated    IPv6, 4-byte VRRP message                 -> too_short
  v6_interval_zero IPv6, Max Adver Int 0                    -> interval_zero
stranger: what VRRP without authentication cannot stop, for the report:
  stranger51      VRID 51 at priority 255 from 192.0.2.200 to 224.0.0.18
  spoofed52       VRID 52 at priority 255 to 192.0.2.13, forged source
                  192.0.2.11 (a configured peer)
"""
import json
import os
import random
import select
import socket
import struct
import sys
import time

VIP4 = socket.inet_aton("192.0.2.100")
VIP4B = socket.inet_aton("192.0.2.101")
VIP6 = socket.inet_pton(socket.AF_INET6, "2001:db8::100")
SRC4 = socket.inet_aton("192.0.2.200")
SRC6 = socket.inet_pton(socket.AF_INET6, "2001:db8::200")
GRP4 = socket.inet_aton("224.0.0.18")
GRP6 = socket.inet_pton(socket.AF_INET6, "ff02::12")
MAC4 = bytes.fromhex("01005e000012")
MAC6 = bytes.fromhex("333300000012")
MASTER4 = socket.inet_aton("192.0.2.13")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def vrrp3(vrid, prio, addrs, interval=100, count=None, ver_type=0x31):
    n = len(addrs) if count is None else count
    return struct.pack("!BBBBH", ver_type, vrid, prio, n, interval) + b"\0\0" + b"".join(addrs)


def with_csum4(body, src, dst, spoil=False):
    c = csum(src + dst + struct.pack("!BBH", 0, 112, len(body)) + body)
    return body[:6] + struct.pack("!H", c ^ (0x5555 if spoil else 0)) + body[8:]


def with_csum6(body, src, dst, spoil=False):
    c = csum(src + dst + struct.pack("!I", len(body)) + b"\0\0\0" + bytes([112]) + body)
    return body[:6] + struct.pack("!H", c ^ (0x5555 if spoil else 0)) + body[8:]


def ip4(src, dst, payload, ttl=255, proto=112):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(payload), random.randrange(65536),
                    0, ttl, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ip6(src, dst, payload, hops=255):
    return struct.pack("!IHBB", 6 << 28, len(payload), 112, hops) + src + dst + payload


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def own_mac(iface):
    with open("/sys/class/net/%s/address" % iface) as f:
        return bytes.fromhex(f.read().strip().replace(":", ""))


def capture_advert(sock, src, seconds=5.0):
    """The first IPv4 VRRP packet from src seen on the socket (IP bytes)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not select.select([sock], [], [], 0.2)[0]:
            continue
        fr = sock.recv(2048)
        if len(fr) >= 34 and fr[12:14] == b"\x08\x00" and fr[23] == 112 and fr[26:30] == src:
            ihl = (fr[14] & 15) * 4
            total = struct.unpack("!H", fr[16:18])[0]
            if fr[14 + ihl] >> 4 == 3:
                return fr[14:14 + total]
    return None


def parse_peers(text):
    peers = []
    for item in filter(None, (text or "").split(",")):
        ip, _, mac = item.partition("=")
        if not ip.startswith("192.0.2."):
            sys.exit("fault_flood.py: peer %s is not a lab address" % ip)
        peers.append((socket.inet_aton(ip), bytes.fromhex(mac.replace(":", ""))))
    return peers


def flood_kinds(me, peers, replay):
    m4 = lambda p: eth(MAC4, me, 0x0800, p)  # noqa: E731
    m6 = lambda p: eth(MAC6, me, 0x86DD, p)  # noqa: E731
    good4 = with_csum4(vrrp3(51, 100, [VIP4]), SRC4, GRP4)
    good6 = with_csum6(vrrp3(51, 100, [VIP6]), SRC6, GRP6)
    v2 = struct.pack("!BBBBBBH", 0x21, 51, 100, 1, 0, 1, 0) + VIP4 + b"\0" * 8
    v2 = v2[:6] + struct.pack("!H", csum(v2)) + v2[8:]
    kinds = {
        "truncated": [m4(ip4(SRC4, GRP4, good4[:4]))],
        "bad_checksum": [m4(ip4(SRC4, GRP4, with_csum4(vrrp3(51, 100, [VIP4]), SRC4, GRP4, True)))],
        "count_mismatch": [m4(ip4(SRC4, GRP4, with_csum4(vrrp3(51, 100, [VIP4], count=4), SRC4, GRP4)))],
        "ttl_64": [m4(ip4(SRC4, GRP4, good4, ttl=64))],
        "interval_zero": [m4(ip4(SRC4, GRP4, with_csum4(vrrp3(51, 100, [VIP4], interval=0), SRC4, GRP4)))],
        "count_zero": [m4(ip4(SRC4, GRP4, with_csum4(vrrp3(51, 100, []), SRC4, GRP4)))],
        "version_2": [m4(ip4(SRC4, GRP4, v2))],
        "type_2": [m4(ip4(SRC4, GRP4, with_csum4(vrrp3(51, 100, [VIP4], ver_type=0x32), SRC4, GRP4)))],
        "random": [m4(ip4(SRC4, GRP4, os.urandom(random.randrange(65)))) for _ in range(512)],
        "random_vrid51": [],
        "vrid52_mcast": [m4(ip4(SRC4, GRP4, with_csum4(vrrp3(52, 255, [VIP4B]), SRC4, GRP4)))],
        "v6_hoplimit": [m6(ip6(SRC6, GRP6, good6, hops=64))],
        "v6_bad_checksum": [m6(ip6(SRC6, GRP6, with_csum6(vrrp3(51, 100, [VIP6]), SRC6, GRP6, True)))],
        "v6_truncated": [m6(ip6(SRC6, GRP6, good6[:4]))],
        "v6_interval_zero": [m6(ip6(SRC6, GRP6, with_csum6(vrrp3(51, 100, [VIP6], interval=0), SRC6, GRP6)))],
    }
    for _ in range(512):
        b = bytearray(os.urandom(random.randrange(2, 65)))
        b[1] = 51
        kinds["random_vrid51"].append(m4(ip4(SRC4, GRP4, bytes(b))))
    if peers:
        kinds["vrid52_unicast"] = [
            eth(mac, me, 0x0800, ip4(SRC4, ip, with_csum4(vrrp3(52, 255, [VIP4B]), SRC4, ip)))
            for ip, mac in peers]
    if replay:
        kinds["replay"] = [m4(replay)]
    return kinds


def stranger_kinds(me, peers):
    kinds = {"stranger51": [eth(MAC4, me, 0x0800, ip4(SRC4, GRP4, with_csum4(vrrp3(51, 255, [VIP4]), SRC4, GRP4)))]}
    forged = socket.inet_aton("192.0.2.11")
    for ip, mac in peers:
        if ip == MASTER4:
            kinds["spoofed52"] = [eth(mac, me, 0x0800, ip4(forged, ip, with_csum4(vrrp3(52, 255, [VIP4B]), forged, ip)))]
    return kinds


def main():
    if len(sys.argv) < 6 or sys.argv[1] not in ("flood", "stranger"):
        sys.exit(__doc__)
    mode, iface, rate, seconds, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    peers = parse_peers(sys.argv[6] if len(sys.argv) > 6 else "")
    rate, seconds = max(1, min(rate, 20000)), max(0.1, min(seconds, 60.0))
    limit = int(rate * seconds)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    sock.bind((iface, 0))
    me = own_mac(iface)
    replay = None
    if mode == "flood":
        replay = capture_advert(sock, MASTER4)
        kinds = flood_kinds(me, peers, replay)
    else:
        kinds = stranger_kinds(me, peers)
    sock.close()
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    tx.bind((iface, 0))
    tx.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    names = sorted(kinds)
    sent = {k: 0 for k in names}
    errors = 0
    start = time.monotonic()
    hard_end = start + seconds + 5.0
    slot = 0.005  # pace in 5 ms slots
    n = 0
    idx = {k: 0 for k in names}
    while n < limit:
        now = time.monotonic()
        if now >= hard_end or now - start >= seconds:
            break
        due = min(limit, int((now - start + slot) * rate))
        while n < due:
            k = names[n % len(names)]
            frames = kinds[k]
            try:
                tx.send(frames[idx[k] % len(frames)])
                sent[k] += 1
            except OSError:
                errors += 1
            idx[k] += 1
            n += 1
        left = start + (n / rate) - time.monotonic()
        if left > 0:
            time.sleep(min(left, slot))
    elapsed = time.monotonic() - start
    with open(out, "w") as f:
        json.dump({"sent": sent, "total": sum(sent.values()), "errors": errors,
                   "seconds": round(elapsed, 3), "replay_captured": replay is not None}, f)


if __name__ == "__main__":
    main()
