#!/usr/bin/python3
"""Hostile AH adverts for t_ah_reject.sh (run in the lab's client namespace).

  ah_inject.py capture IFACE SRC OUT.hex [SECONDS]
      wait (at most SECONDS, default 5) for one VRRP-in-AH advert from SRC on
      IFACE and write its IPv4 packet as hex to OUT.hex; print its sequence
  ah_inject.py replay IFACE IN.hex COUNT
      send that IPv4 packet again, unchanged, COUNT times (0.05 s apart)
  ah_inject.py forge IFACE KEY VRID PRIO VIP COUNT
      send COUNT AH adverts (0.05 s apart) from 192.0.2.200 to 224.0.0.18,
      VRRPv2 VRID at PRIO listing VIP, keyed with KEY, sequence numbers from
      0x7fffff00 up (above anything a lab Master reaches)

Frames go out whole on IFACE (AF_PACKET, the interface's own MAC as source,
01:00:5e:00:00:12 as destination): nothing but the lab's own 192.0.2.0/24
and the VRRP group. COUNT is at most 1000.
"""
import hashlib
import hmac
import select
import socket
import struct
import sys
import time

GRP4 = socket.inet_aton("224.0.0.18")
SRC4 = socket.inet_aton("192.0.2.200")
MAC_GROUP = bytes.fromhex("01005e000012")
ETH_P_ALL = 0x0003
AH_PROTO = 51


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def own_mac(iface):
    with open("/sys/class/net/%s/address" % iface) as f:
        return bytes.fromhex(f.read().strip().replace(":", ""))


def vrrp2(vrid, prio, vip):
    body = struct.pack("!BBBBBBH", 0x21, vrid, prio, 1, 2, 1, 0) + vip + b"\0" * 8
    return body[:6] + struct.pack("!H", csum(body)) + body[8:]


def ah_packet(key, src, dst, seq, msg, ident=1):
    """IPv4 + AH + msg as keepalived builds it (ICV: TOS, frag, csum zeroed)."""
    total = 20 + 24 + len(msg)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, total, ident, 0, 255, AH_PROTO, 0, src, dst)
    ah = struct.pack("!BBH4sI", 112, 4, 0, src, seq)
    zeroed = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, ident, 0, 255, AH_PROTO, 0, src, dst)
    k = key.encode()[:8].ljust(8, b"\0")
    icv = hmac.new(k, zeroed + ah + b"\0" * 12 + msg, hashlib.md5).digest()[:12]
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + ah + icv + msg


def tx_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.bind((iface, 0))
    return s


def send_ip(sock, iface, pkt, count):
    frame = MAC_GROUP + own_mac(iface) + b"\x08\x00" + pkt
    for _ in range(min(count, 1000)):
        sock.send(frame)
        time.sleep(0.05)


def capture(iface, src, out, seconds):
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    rx.bind((iface, 0))
    want = socket.inet_aton(src)
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([rx], [], [], max(0.0, end - time.time()))
        if not r:
            break
        frame = rx.recv(2048)
        ip = frame[14:]
        if frame[12:14] != b"\x08\x00" or len(ip) < 44 or ip[9] != AH_PROTO:
            continue
        if ip[12:16] != want or ip[20] != 112:
            continue
        total = struct.unpack("!H", ip[2:4])[0]
        with open(out, "w") as f:
            f.write(ip[:total].hex() + "\n")
        print(struct.unpack("!I", ip[28:32])[0])
        return 0
    print("no AH advert from %s on %s in %s s" % (src, iface, seconds), file=sys.stderr)
    return 1


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, iface = sys.argv[1], sys.argv[2]
    if cmd == "capture":
        return capture(iface, sys.argv[3], sys.argv[4],
                       float(sys.argv[5]) if len(sys.argv) > 5 else 5.0)
    if cmd == "replay":
        with open(sys.argv[3]) as f:
            pkt = bytes.fromhex(f.read().strip())
        send_ip(tx_socket(iface), iface, pkt, int(sys.argv[4]))
        return 0
    if cmd == "forge":
        key, vrid, prio = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        vip, count = socket.inet_aton(sys.argv[6]), min(int(sys.argv[7]), 1000)
        sock = tx_socket(iface)
        for i in range(count):
            pkt = ah_packet(key, SRC4, GRP4, 0x7FFFFF00 + i, vrrp2(vrid, prio, vip), i + 1)
            send_ip(sock, iface, pkt, 1)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
