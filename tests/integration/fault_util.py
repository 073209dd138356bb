#!/usr/bin/python3
"""Helpers of the fault-injection tests (tests/integration/t_fault_*.sh).

Parses `vipctl stats --json` / `status --json` documents saved to files and
vipd logs, with the standard library only.

  fault_util.py drops OLD.json NEW.json [INSTANCE [FAMILY]]
      one line per router whose counters moved between the two stats
      documents: "INSTANCE FAMILY accepted=+N sent=+N reason=+N ..." (drop
      reasons that moved, by name; transitions as to_STATE=+N).
  fault_util.py delta OLD.json NEW.json INSTANCE FAMILY KEY
      one number: how much counter KEY moved for that router; KEY is a drop
      reason ("checksum"), "adverts_received", "adverts_sent" or
      "transitions" (all transitions). Prints MISSING if KEY does not exist.
  fault_util.py get FILE EXPR
      evaluate a Python expression on the document d (r_of(NAME, FAM) gives a
      router, chk(NAME) a check) and print it.
  fault_util.py garps PCAP [FROM_MS]
      "MS SENDER_MAC ADDRESS KIND" per gratuitous ARP (sender IP = target IP)
      and unsolicited neighbour advertisement in a pcap file (tcpdump -w,
      Ethernet), from FROM_MS on; KIND is arp or na.
  fault_util.py first_icmp PCAP FROM_MS SRC
      the time (epoch ms) of the first IPv4 ICMP packet from SRC at or after
      FROM_MS in the pcap file; nothing if none.
  fault_util.py neighmon FILE FROM_MS ADDRESS MAC
      the time (epoch ms) of the first update of ADDRESS to MAC at or after
      FROM_MS in an `ip -ts monitor neigh` log; nothing if none.
  fault_util.py logtimes LOG MARK REGEX
      for every line after line MARK of a vipd log matching REGEX, print
      "EPOCH_MS line" (the log's HH:MM:SS.mmm is local time of today; a time
      later than now is taken as yesterday's).
"""
import json
import re
import socket
import struct
import sys
import time


def load(path):
    with open(path) as f:
        return json.load(f)


def routers(doc):
    for inst in doc.get("instances", []):
        for r in inst.get("routers", []):
            yield inst["name"], r["family"], r


def counters(r):
    c = r.get("counters", r)
    return c


def flat(r):
    c = counters(r)
    out = {
        "adverts_received": c.get("adverts_received", 0),
        "adverts_sent": c.get("adverts_sent", 0),
        "transitions": sum(c.get("transitions", {}).values()),
    }
    for k, v in c.get("drops", {}).items():
        out[k] = v
    for k, v in c.get("transitions", {}).items():
        out["to_" + k] = v
    return out


def cmd_drops(args):
    old, new = load(args[0]), load(args[1])
    want_inst = args[2] if len(args) > 2 else None
    want_fam = args[3] if len(args) > 3 else None
    before = {(i, f): flat(r) for i, f, r in routers(old)}
    for inst, fam, r in routers(new):
        if want_inst and inst != want_inst or want_fam and fam != want_fam:
            continue
        a, b = before.get((inst, fam), {}), flat(r)
        parts = []
        for key in ["adverts_received", "adverts_sent"]:
            parts.append("%s=+%d" % (key.split("_")[1], b[key] - a.get(key, 0)))
        for key in sorted(b):
            if key in ("adverts_received", "adverts_sent", "transitions"):
                continue
            d = b[key] - a.get(key, 0)
            if d:
                parts.append("%s=+%d" % (key, d))
        print(inst, fam, " ".join(parts))


def cmd_delta(args):
    old, new, inst, fam, key = load(args[0]), load(args[1]), args[2], args[3], args[4]
    a = {(i, f): flat(r) for i, f, r in routers(old)}.get((inst, fam), {})
    for i, f, r in routers(new):
        if i == inst and f == fam:
            b = flat(r)
            if key not in b:
                print("MISSING")
            else:
                print(b[key] - a.get(key, 0))
            return
    print("MISSING")


def cmd_get(args):
    d = load(args[0])

    def r_of(name, fam=None):
        for i, f, r in routers(d):
            if i == name and (fam is None or f == fam):
                return r
        raise KeyError(name)

    def chk(name):
        for c in d.get("checks", []):
            if c["name"] == name:
                return c
        raise KeyError(name)

    v = eval(args[1], {"d": d, "r_of": r_of, "chk": chk, "sum": sum, "len": len})
    print(json.dumps(v) if isinstance(v, (list, dict)) or v is None else v)


def pcap_frames(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    magic = struct.unpack(e + "I", data[:4])[0]
    div = 1e9 if magic == 0xa1b23c4d else 1e6
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        yield (sec + frac / div) * 1000.0, data[off:off + incl]
        off += incl


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def cmd_garps(args):
    since = float(args[1]) if len(args) > 1 else 0.0
    for ms, fr in pcap_frames(args[0]):
        if ms < since or len(fr) < 14:
            continue
        et, p = struct.unpack(">H", fr[12:14])[0], fr[14:]
        if et == 0x0806 and len(p) >= 28 and p[14:18] == p[24:28]:
            print("%.0f %s %s arp" % (ms, mac_str(p[8:14]),
                                      socket.inet_ntop(socket.AF_INET, p[14:18])))
        elif et == 0x86dd and len(p) >= 64 and p[6] == 58 and p[40] == 136:
            print("%.0f %s %s na" % (ms, mac_str(fr[6:12]),
                                     socket.inet_ntop(socket.AF_INET6, p[48:64])))


def cmd_first_icmp(args):
    since, src = float(args[1]), socket.inet_aton(args[2])
    for ms, fr in pcap_frames(args[0]):
        if ms < since or len(fr) < 34:
            continue
        if fr[12:14] == b"\x08\x00" and fr[23] == 1 and fr[26:30] == src:
            print("%.0f" % ms)
            return


def cmd_neighmon(args):
    since, addr, mac = float(args[1]), args[2], args[3].lower()
    rx = re.compile(r"^\[(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)\.(\d+)\] (\S+) .*lladdr (\S+)")
    with open(args[0], errors="replace") as f:
        for line in f:
            m = rx.match(line)
            if not m or m.group(8) != addr or m.group(9).lower() != mac:
                continue
            y, mo, d, h, mi, se = (int(x) for x in m.groups()[:6])
            t = time.mktime((y, mo, d, h, mi, se, 0, 0, -1)) + float("0." + m.group(7))
            if t * 1000 >= since:
                print("%.0f" % (t * 1000))
                return


def cmd_logtimes(args):
    path, mark, rx = args[0], int(args[1]), re.compile(args[2])
    now = time.time()
    lt = time.localtime(now)
    midnight = time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, 0, 0, 0, 0, 0, -1))
    with open(path, errors="replace") as f:
        for n, line in enumerate(f, 1):
            if n <= mark or not rx.search(line):
                continue
            m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) ", line)
            if not m:
                continue
            h, mi, s, ms = (int(x) for x in m.groups())
            t = midnight + h * 3600 + mi * 60 + s + ms / 1000.0
            if t > now + 60:
                t -= 86400
            print("%d %s" % (round(t * 1000), line.rstrip("\n")))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd = {"drops": cmd_drops, "delta": cmd_delta, "get": cmd_get,
           "garps": cmd_garps, "first_icmp": cmd_first_icmp,
           "neighmon": cmd_neighmon, "logtimes": cmd_logtimes}.get(sys.argv[1])
    if not cmd:
        sys.exit(__doc__)
    cmd(sys.argv[2:])


if __name__ == "__main__":
    main()
