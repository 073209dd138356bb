# shellcheck shell=bash
# Helpers for the operations tests (reload, status, metrics, drain), sourced
# after lib.sh: vipctl, JSON and Prometheus parsing with real parsers, a
# capture on the bridge and what it saw (adverts, gaps, gratuitous ARPs), log
# marks, and the daemon's descriptors and memory.
#
# Parsers: JSON with Python's json module, metrics with prometheus_client's
# text parser (Debian's python3-prometheus-client); both through
# /usr/bin/python3 (PY=...), not a python3 on the PATH that may lack it.

VIPCTL=${VIPCTL:-$TOP_DIR/src/vipctl}
PY=${PY:-/usr/bin/python3}

# vctl NODE ARGS...: vipctl on NODE's control socket.
vctl() { local n=$1; shift; "$VIPCTL" -s "$LAB_DIR/$n.sock" "$@"; }

# vipd_pid NODE: the daemon's pid (its pid file).
vipd_pid() { cat "$LAB_DIR/$1.pid"; }

# ops_require: skip unless vipctl, tcpdump and the parsers are there.
ops_require()
{
	[ -x "$VIPCTL" ] || { echo "SKIP: no vipctl at $VIPCTL"; exit 77; }
	command -v tcpdump >/dev/null || { echo "SKIP: tcpdump is needed"; exit 77; }
	"$PY" -c 'import json, prometheus_client.parser' 2>/dev/null ||
	    { echo "SKIP: $PY lacks prometheus_client (python3-prometheus-client)"; exit 77; }
}

# put_conf NODE TEXT: replace NODE's config file (atomically: a reload never
# reads half a file).
put_conf()
{
	printf '%s\n' "$2" >"$LAB_DIR/$1.conf.new" && mv -f "$LAB_DIR/$1.conf.new" "$LAB_DIR/$1.conf"
}

# set_conf NODE [vipd_conf OPTIONS]: NODE's config becomes vipd_conf NODE OPTIONS.
set_conf() { local n=$1; shift; put_conf "$n" "$(vipd_conf "$n" "$@")"; }

# multi_conf NODE SPEC...: a config of several instances, one per SPEC
# "VRID:PRIO:VIP[,VIP...][:INTERVAL]" (instance vi_VRID on eth0, v3,
# preempt on, INTERVAL default 1). OPS_GLOBAL is added inside the vipd
# group, OPS_TOP after it (e.g. a checks list), OPS_EXTRA inside every
# instance.
multi_conf()
{
	local node=$1 spec vrid prio vips int sep="," i=0 v list
	shift
	printf 'vipd: { router_id = "%s"; script_user = "root"; %s };\n' "$node" "${OPS_GLOBAL:-}"
	[ -n "${OPS_TOP:-}" ] && printf '%s\n' "$OPS_TOP"
	echo "instances = ("
	for spec in "$@"; do
		i=$(( i + 1 ))
		IFS=: read -r vrid prio vips int <<<"$spec"
		list=""
		for v in ${vips//,/ }; do list="$list${list:+, }\"$v\""; done
		[ "$i" = $# ] && sep=""
		printf '  { name = "vi_%s"; interface = "eth0"; vrid = %s; priority = %s; version = 3;\n' \
		    "$vrid" "$vrid" "$prio"
		printf '    advert_interval = %s; preempt = true; vips = [ %s ]; %s }%s\n' \
		    "${int:-1}" "$list" "${OPS_EXTRA:-}" "$sep"
	done
	echo ");"
}

# reload NODE: vipctl reload; fail unless it answers ok (exit 0).
reload()
{
	local out rc
	out=$(vctl "$1" reload 2>&1); rc=$?
	[ $rc = 0 ] || fail "reload of $1: vipctl exit $rc: $out"
}

# hup NODE: SIGHUP to NODE's daemon.
hup() { kill -HUP "$(vipd_pid "$1")"; }

# ---------------------------------------------------------------- JSON

# jstatus NODE EXPR: evaluate a Python expression on NODE's parsed
# `vipctl status --json` (d = the document, r = the first router of the
# first instance, r_of(NAME) = the first router of instance NAME) and print
# it (True/False, numbers, strings, or json for lists and dicts).
JPY='
import json, sys
d = json.load(sys.stdin)
def r_of(name, fam=None):
    for i in d["instances"]:
        if i["name"] == name:
            for r in i["routers"]:
                if fam is None or r["family"] == fam:
                    return r
    raise KeyError(name)
r = d["instances"][0]["routers"][0] if d["instances"] and d["instances"][0]["routers"] else None
v = eval(sys.argv[1])
print(json.dumps(v) if isinstance(v, (list, dict)) or v is None else v)
'
jstatus()
{
	local n=$1 doc
	doc=$(vctl "$n" status --json) || return 1
	printf '%s' "$doc" | "$PY" -c "$JPY" "$2"
}

# jstats NODE EXPR: the same on `vipctl stats --json` (r = first router).
jstats()
{
	local n=$1 doc
	doc=$(vctl "$n" stats --json) || return 1
	printf '%s' "$doc" | "$PY" -c "$JPY" "$2"
}

# jexpect NODE EXPR WHAT: fail unless EXPR is True on NODE's status.
jexpect()
{
	local v
	v=$(jstatus "$1" "$2" 2>&1)
	[ "$v" = True ] || fail "$3 ($1: $2 gives '$v')"
}

# ---------------------------------------------------------------- metrics

# metrics NODE QUERY...: parse NODE's `vipctl metrics` with
# prometheus_client's text parser (it fails on a malformed exposition) and
# print, for each QUERY "name{label=value,...}", the value of the one sample
# of that name whose labels include those (NONE if none matches). The query
# "families" prints every family as "name type", "untyped" lists the families
# without HELP or TYPE.
MPY='
import sys
from prometheus_client.parser import text_string_to_metric_families
fams = list(text_string_to_metric_families(sys.stdin.read()))
def want(q):
    name, _, rest = q.partition("{")
    labels = {}
    for kv in filter(None, rest.rstrip("}").split(",")):
        k, _, v = kv.partition("=")
        labels[k] = v.strip("\"")
    return name, labels
for q in sys.argv[1:]:
    if q == "families":
        for f in fams:
            print(f.name, f.type)
        continue
    if q == "untyped":
        for f in fams:
            if f.type in ("unknown", "untyped") or not f.documentation:
                print(f.name)
        continue
    name, labels = want(q)
    hits = [s for f in fams for s in f.samples
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]
    print("%g" % hits[0].value if len(hits) == 1 else ("NONE" if not hits else "MANY"))
'
metrics()
{
	local n=$1 text
	shift
	text=$(vctl "$n" metrics) || return 1
	printf '%s\n' "$text" | "$PY" -c "$MPY" "$@"
}

# mexpect NODE QUERY VALUE: fail unless the metric has that value.
mexpect()
{
	local v
	v=$(metrics "$1" "$2" 2>&1)
	[ "$v" = "$3" ] || fail "metrics of $1: $2 is '$v', expected $3"
}

# inject_advert TTL VRID [bad]: from the client, send one VRRPv3 advert for
# VRID (priority 100, 1 s, VIP 192.0.2.100) to 224.0.0.18 with that TTL;
# "bad" spoils its checksum. Every master's router of that VRID must drop it
# (reason ttl when TTL != 255, else checksum).
INJPY='
import socket, struct, sys
ttl, vrid, bad = int(sys.argv[1]), int(sys.argv[2]), len(sys.argv) > 3
src, dst = socket.inet_aton("192.0.2.200"), socket.inet_aton("224.0.0.18")
body = struct.pack("!BBBBH", 0x31, vrid, 100, 1, 100) + b"\0\0" + socket.inet_aton("192.0.2.100")
pseudo = src + dst + struct.pack("!BBH", 0, 112, len(body))
data = pseudo + body
s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
while s >> 16:
    s = (s & 0xffff) + (s >> 16)
csum = (~s & 0xffff) ^ (0x5555 if bad else 0)
body = body[:6] + struct.pack("!H", csum) + body[8:]
sk = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
sk.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
sk.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, src)
sk.sendto(body, ("224.0.0.18", 0))
'
inject_advert() { ip netns exec "$(ns cl)" "$PY" -c "$INJPY" "$@"; }

# ---------------------------------------------------------------- capture

# cap_start NAME [IFACE] [FILTER]: capture on the switch (br0 sees every
# multicast and broadcast frame; a port name, e.g. m2, sees what that node
# sends) into DIR/NAME.pcap; FILTER defaults to VRRP, ARP and neighbour
# advertisements. Waits until tcpdump listens.
cap_start()
{
	local name=$1 ifc=${2:-br0} filter=${3:-'ip proto 112 or ip6 proto 112 or arp or icmp6'} i
	ip netns exec "$(ns sw)" tcpdump -i "$ifc" -n -p -s 200 -B 16384 -U --immediate-mode \
	    -w "$LAB_DIR/$name.pcap" "$filter" </dev/null >/dev/null 2>"$LAB_DIR/$name.caperr" &
	echo $! >"$LAB_DIR/$name.cap.pid"
	for i in $(seq 1 100); do
		grep -q "listening on" "$LAB_DIR/$name.caperr" 2>/dev/null && return 0
		sleep 0.02
	done
	fail "tcpdump on $ifc did not start: $(cat "$LAB_DIR/$name.caperr")"
}

# cap_stop NAME: stop that capture (SIGINT: tcpdump flushes and says how many
# packets the kernel dropped; a warning is printed if any).
cap_stop()
{
	local f=$LAB_DIR/$1.cap.pid p d
	[ -s "$f" ] || return 0
	p=$(cat "$f")
	kill -INT "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	rm -f "$f"
	d=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$LAB_DIR/$1.caperr")
	[ "${d:-0}" = 0 ] || say "warning: capture $1: $d packets dropped by the kernel"
}

# The capture reader: a pcap file (tcpdump -w) decoded here, no other tools.
#   adverts PCAP      "ms src vrid prio version" per VRRP packet (ms: epoch, 3 decimals)
#   garps PCAP        "ms address" per gratuitous ARP (sender = target) or
#                     unsolicited neighbour advertisement
#   gap PCAP SRC FROM_MS TO_MS [VRIDS]
#                     the largest interval between two consecutive adverts of
#                     one VRID from SRC, over the adverts between FROM_MS and
#                     TO_MS (plus the last one before FROM_MS): "GAP_MS VRID
#                     ADVERTS VRIDS_SEEN"; VRIDS (e.g. 51 or 1-200) limits it.
CAPPY='
import struct, sys, socket
def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        e = "<"
    else:
        e = ">"
        magic = struct.unpack(">I", data[:4])[0]
    div = 1e9 if magic == 0xa1b23c4d else 1e6
    linktype = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        frame = data[off:off + incl]
        off += incl
        yield (sec + frac / div) * 1000.0, frame, linktype
def l3(frame, linktype):
    if linktype == 113:          # Linux cooked (any)
        et, p = struct.unpack(">H", frame[14:16])[0], frame[16:]
    else:
        et, p = struct.unpack(">H", frame[12:14])[0], frame[14:]
        if et == 0x8100:
            et, p = struct.unpack(">H", p[2:4])[0], p[4:]
    return et, p
def adverts(path):
    for ms, frame, lt in packets(path):
        et, p = l3(frame, lt)
        if et == 0x0800 and len(p) >= 20 and p[9] == 112:
            ihl = (p[0] & 15) * 4
            src = socket.inet_ntop(socket.AF_INET, p[12:16])
            v = p[ihl:]
        elif et == 0x86dd and len(p) >= 40 and p[6] == 112:
            src = socket.inet_ntop(socket.AF_INET6, p[8:24])
            v = p[40:]
        else:
            continue
        if len(v) >= 3:
            yield ms, src, v[1], v[2], v[0] >> 4
def garps(path):
    for ms, frame, lt in packets(path):
        et, p = l3(frame, lt)
        if et == 0x0806 and len(p) >= 28:
            spa, tpa = p[14:18], p[24:28]
            if spa == tpa:
                yield ms, socket.inet_ntop(socket.AF_INET, spa)
        elif et == 0x86dd and len(p) >= 64 and p[6] == 58 and p[40] == 136:
            yield ms, socket.inet_ntop(socket.AF_INET6, p[48:64])
def vrid_set(spec):
    out = set()
    for part in spec.split(","):
        a, _, b = part.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out
mode, path = sys.argv[1], sys.argv[2]
if mode == "adverts":
    for ms, src, vrid, prio, ver in adverts(path):
        print("%.3f %s %d %d %d" % (ms, src, vrid, prio, ver))
elif mode == "garps":
    for ms, a in garps(path):
        print("%.3f %s" % (ms, a))
elif mode == "gap":
    src, t0, t1 = sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
    only = vrid_set(sys.argv[6]) if len(sys.argv) > 6 and sys.argv[6] else None
    last, best, n = {}, (0.0, 0), 0
    for ms, s, vrid, prio, ver in adverts(path):
        if s != src or (only and vrid not in only) or ms > t1:
            continue
        if ms >= t0:
            n += 1
            if vrid in last and ms - last[vrid] > best[0]:
                best = (ms - last[vrid], vrid)
        last[vrid] = ms
    print("%.1f %d %d %d" % (best[0], best[1], n, len(last)))
'
cap_read() { "$PY" -c "$CAPPY" "$@"; }

# cap_gap NAME SRC FROM_MS TO_MS [VRIDS]: see "gap" above.
cap_gap() { local n=$1; shift; cap_read gap "$LAB_DIR/$n.pcap" "$@"; }

# cap_adverts_from NAME SRC [FROM_MS]: how many adverts SRC sent (after FROM_MS).
cap_adverts_from()
{
	cap_read adverts "$LAB_DIR/$1.pcap" |
	    awk -v s="$2" -v t="${3:-0}" '$2 == s && $1 >= t { c++ } END { print c + 0 }'
}

# cap_first_advert NAME SRC FROM_MS [VRID]: "ms prio" of SRC's first advert
# at or after FROM_MS (of VRID, if given); nothing if none.
cap_first_advert()
{
	cap_read adverts "$LAB_DIR/$1.pcap" |
	    awk -v s="$2" -v t="$3" -v v="${4:-}" \
	    '!done && $2 == s && $1 >= t && (v == "" || $3 == v) { print $1, $4; done = 1 }'
}

# cap_last_advert NAME SRC FROM_MS [VRID]: "ms priority" of the last advert
# from SRC at or after FROM_MS (of VRID if given).
cap_last_advert()
{
	cap_read adverts "$LAB_DIR/$1.pcap" |
	    awk -v s="$2" -v t="$3" -v v="${4:-}" \
	    '$2 == s && $1 >= t && (v == "" || $3 == v) { last = $1 " " $4 } END { if (last != "") print last }'
}

# cap_garps NAME ADDRESS [FROM_MS]: gratuitous ARPs / NAs for ADDRESS (after FROM_MS).
cap_garps()
{
	cap_read garps "$LAB_DIR/$1.pcap" |
	    awk -v a="$2" -v t="${3:-0}" '$2 == a && $1 >= t { c++ } END { print c + 0 }'
}

# ---------------------------------------------------------------- logs

# log_mark NODE: the number of lines in NODE's log now.
log_mark() { wc -l <"$LAB_DIR/$1.log"; }

# log_since NODE MARK: NODE's log after that mark.
log_since() { tail -n +"$(( $2 + 1 ))" "$LAB_DIR/$1.log"; }

# TRANSITION: a state change line, "NAME/IPv4: Master -> Backup (reason)".
TRANSITION='/IPv[46]: [A-Za-z]+ -> [A-Za-z]+( |$)'

# transitions_since NODE MARK: how many state changes NODE logged after MARK.
transitions_since()
{
	local c
	c=$(log_since "$1" "$2" | grep -cE "$TRANSITION")
	echo "${c:-0}"
}

# ---------------------------------------------------------------- address log

# vip_event_ms NODE VIP T0_MS [Deleted]: ms from T0_MS to the first time
# VIP was added (or, with "Deleted", removed) on NODE at or after T0_MS,
# from NODE's address log (addr_watch_start). The daemons' own timing, not
# the test's polling of `ip`, which a loaded machine slows down. Returns 1
# if there is no such event.
vip_event_ms()
{
	local node=$1 vip=$2 t0=$3 del=${4:-} ts ms
	while read -r ts; do
		ms=$(date -d "${ts/T/ }" +%s%3N) || continue
		[ "$ms" -ge "$t0" ] && { echo $(( ms - t0 )); return 0; }
	done < <(grep -F " $vip/" "$LAB_DIR/$node.mon" 2>/dev/null |
	    if [ -n "$del" ]; then grep '^\[[^]]*\] Deleted'; else grep -v '^\[[^]]*\] Deleted'; fi |
	    sed -n 's/^\[\([^]]*\)\].*/\1/p')
	return 1
}

# wait_vip_event NODE VIP T0_MS [Deleted]: wait (5 s at most) for that
# event in the address log and print its ms; fail if it does not come.
wait_vip_event()
{
	local ms
	wait_for 5 vip_event_ms "$@" || fail "no address event for $2 on $1 after the mark (${4:-added})"
	vip_event_ms "$@"
}

# ---------------------------------------------------------------- process

# fd_count PID: open descriptors.
fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

# rss_anon PID: RssAnon in KiB.
rss_anon() { awk '/^RssAnon:/ { print $2 }' "/proc/$1/status"; }

# ms_since T0_MS: ms elapsed.
ms_since() { echo $(( $(now_ms) - $1 )); }

# fmt_ms A: print a decimal of ms as an integer (rounded).
fmt_ms() { awk -v a="$1" 'BEGIN { printf "%d", a + 0.5 }'; }

# lt A B: true if decimal A < decimal B.
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
