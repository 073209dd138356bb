#!/bin/bash
# The metrics listener (vipd.metrics_listen = "127.0.0.1:9650") on a 2-node
# group: m1 (150) Master, m2 (100) Backup, 0.1 s adverts; each vipd listens
# on the loopback of its own namespace.
# 1. GET /metrics parses with a real Prometheus text parser (Debian's
#    python3-prometheus-client): HELP and TYPE for every family, the state,
#    priority and advert families with sane values on both nodes, and the
#    same samples as `vipctl metrics`.
# 2. /healthz is 200 "ok"; /other 404; POST 405; a malformed request 400;
#    HTTP/2.0 505; a 5 KiB header 431.
# 3. An idle client is closed at the 2 s deadline; so is one that sends its
#    request a byte at a time, too slowly.
# 4. 100 idle clients for 3 s under a capture on the bridge: 32 (the cap)
#    are held until the deadline, the other 68 are closed at once; no gap in
#    m1's adverts longer than 1.5 intervals (150 ms), no transition on
#    either node, the Backup's received counter keeps pace, no descriptor
#    left behind, and /metrics answers again afterwards. The same 100
#    clients reconnecting as soon as they are closed (a flood) for 3 s.
# 5. A metrics port already taken fails start-up with the key's file:line;
#    a reload that changes metrics_listen says it needs a restart and the
#    listener stays.
# 6. vipd stops cleanly (exit 0) with metrics clients connected.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3 # Debian's, with python3-prometheus-client (not a pyenv's)
VIPCTL=${VIPCTL:-$TOP_DIR/src/vipctl}
MPORT=9650
MURL=http://127.0.0.1:$MPORT
INTERVAL_MS=100
$PY -c 'import prometheus_client.parser' 2>/dev/null ||
    { echo "SKIP: needs python3-prometheus-client for $PY"; exit 77; }
for t in curl tcpdump; do
	command -v "$t" >/dev/null || { echo "SKIP: needs $t"; exit 77; }
done
[ -x "$VIPCTL" ] || { echo "SKIP: no vipctl at $VIPCTL"; exit 77; }

in_ns() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }

# metrics_conf NODE PRIORITY: the lab's config with metrics_listen set.
metrics_conf()
{
	vipd_conf "$1" -p "$2" -i 0.1 |
	    sed "s/script_user = \"root\";/& metrics_listen = \"127.0.0.1:$MPORT\";/"
}

# http_code NODE [CURL_ARGS] PATH: the status curl gets from NODE's listener.
http_code()
{
	local n=$1; shift
	local a=("$@")
	a[-1]=$MURL${a[-1]}
	in_ns "$n" curl -s -o /dev/null -m 3 -w '%{http_code}' "${a[@]}"
}

# raw_status NODE TEXT: send TEXT (printf escapes) and print the status line.
RAWPY='
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
s.sendall(sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1"))
data = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
print(data.split(b"\r\n")[0].decode())
'
raw_status() { in_ns "$1" $PY -c "$RAWPY" "$MPORT" "$2"; }

# A parse of the exposition: checks for one node, then the sample names.
PARSEPY='
import sys
from prometheus_client.parser import text_string_to_metric_families
role, text = sys.argv[1], sys.stdin.read()
fams = list(text_string_to_metric_families(text))
s = {}
for f in fams:
    if f.type == "unknown" or not f.documentation:
        sys.exit(f"family {f.name} has no TYPE or HELP")
    for x in f.samples:
        key = x.name + "{" + ",".join(f"{k}={v}" for k, v in sorted(x.labels.items())) + "}"
        s[key] = x.value
def get(name, **lab):
    key = name + "{" + ",".join(f"{k}={v}" for k, v in sorted(lab.items())) + "}"
    if key not in s:
        sys.exit(f"no sample {key}")
    return s[key]
r = dict(instance="vi_51", family="IPv4")
names = {f.name for f in fams}
for need in ("vipd_router_state", "vipd_router_priority", "vipd_adverts_sent",
             "vipd_adverts_received", "vipd_transitions", "vipd_drops", "vipd_info"):
    if need not in names:
        sys.exit(f"no family {need} in {sorted(names)}")
state = "Master" if role == "master" else "Backup"
if get("vipd_router_state", state=state, **r) != 1:
    sys.exit(f"vipd_router_state for {state} is not 1")
if sum(get("vipd_router_state", state=x, **r) for x in ("Initialize", "Backup", "Master", "Fault")) != 1:
    sys.exit("vipd_router_state: not exactly one state is 1")
sent, recv = get("vipd_adverts_sent_total", **r), get("vipd_adverts_received_total", **r)
prio = get("vipd_router_priority", **r)
if role == "master" and not (sent >= 10 and prio == 150):
    sys.exit(f"master: adverts sent {sent}, priority {prio}")
if role == "backup" and not (recv >= 10 and sent == 0 and prio == 100):
    sys.exit(f"backup: adverts received {recv}, sent {sent}, priority {prio}")
if get("vipd_start_time_seconds") < 1e9:
    sys.exit("vipd_start_time_seconds is not a time")
print(f"{len(fams)} families, {len(s)} samples, sent {sent:.0f}, received {recv:.0f}")
'
NAMESPY='
import sys
from prometheus_client.parser import text_string_to_metric_families
for f in text_string_to_metric_families(sys.stdin.read()):
    for x in f.samples:
        print(x.name, sorted(x.labels.items()))
'

# The idle clients: connect N to the listener and keep them HOLD seconds,
# sending nothing (or a byte of a request every DRIP seconds); report when the
# daemon closed each (seconds after its connect). With RECONNECT, a closed
# client connects again at once, for the whole HOLD (a flood).
IDLEPY='
import select, socket, sys, time
port, n, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
drip, reconnect = float(sys.argv[4]), sys.argv[5] == "1"
start, closed, conns = {}, [], 0
def connect():
    global conns
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setblocking(False)
    start[s] = time.monotonic()
    conns += 1
for i in range(n):
    connect()
t0 = time.monotonic()
req, sent, next_drip = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 0, t0
while time.monotonic() - t0 < hold and (start or reconnect):
    now = time.monotonic()
    if drip and now >= next_drip and sent < len(req):
        for s in start:
            try:
                s.send(req[sent:sent + 1])
            except OSError:
                pass
        sent, next_drip = sent + 1, now + drip
    r, _, _ = select.select(list(start), [], [], 0.02)
    for s in r:
        try:
            d = s.recv(4096)
        except OSError:
            d = b""
        if not d:
            closed.append(time.monotonic() - start.pop(s))
            s.close()
            if reconnect:
                connect()
left = hold - (time.monotonic() - t0)
if left > 0:
    time.sleep(left)
early = [t for t in closed if t < 1.0]
late = [t for t in closed if t >= 1.0]
print(len(early), len(late), len(start), "%.3f" % (max(early) if early else -1),
      "%.3f" % (min(late) if late else -1), "%.3f" % (max(late) if late else -1), conns)
'
# idle_clients NODE N HOLD_S [DRIP_S [RECONNECT]]:
#   "early late open early_max late_min late_max connections".
idle_clients() { in_ns "$1" $PY -c "$IDLEPY" "$MPORT" "$2" "$3" "${4:-0}" "${5:-0}"; }

# The adverts of SRC in capture FILE between two epoch times (ms): "count largest_gap_ms mean_ms".
advert_gaps()
{
	awk -v src="$2" -v from="$3" -v to="$4" '
	    $2 == "IP" && $3 == src && $0 ~ /VRRP/ {
		t = $1 * 1000
		if (t < from || t > to) next
		if (n++ && t - last > gap) gap = t - last
		if (n == 1) first = t
		last = t
	    }
	    END { printf "%d %.0f %.1f\n", n, gap, (n > 1 ? (last - first) / (n - 1) : 0) }' "$1"
}

transitions() { grep -c -- ' -> ' "$LAB_DIR/$1.log"; }
vipd_pid() { cat "$LAB_DIR/$1.pid"; }
fd_count() { ls "/proc/$1/fd" | wc -l; }
received() {
	in_ns "$1" curl -s -m 3 "$MURL/metrics" |
	    awk '/^vipd_adverts_received_total\{instance="vi_51",family="IPv4"\}/ { print $2 }'
}

lab_setup 2
start_vipd m1 "$(metrics_conf m1 150)"
expect_holder 10 "$VIP4" m1 "$LAB_READY" "m1 (150) alone"
start_vipd m2 "$(metrics_conf m2 100)"
wait_for 5 grep -q 'metrics: listening on' "$LAB_DIR/m2.log" || fail "m2 does not listen"
sleep 1.5
expect_sole_holder_for 0.5 "$VIP4" m1 "with m2 as Backup"

# ---- 1. the exposition, parsed
for n in m1 m2; do
	role=master; [ $n = m2 ] && role=backup
	in_ns $n curl -s -m 3 -D "$LAB_DIR/$n.hdr" "$MURL/metrics" >"$LAB_DIR/$n.prom" ||
	    fail "$n: GET /metrics failed"
	grep -qi '^content-type: text/plain; version=0.0.4' "$LAB_DIR/$n.hdr" ||
	    fail "$n: /metrics content type: $(grep -i content-type "$LAB_DIR/$n.hdr")"
	out=$($PY -c "$PARSEPY" $role <"$LAB_DIR/$n.prom" 2>&1) ||
	    fail "$n: /metrics does not parse as expected: $out"
	measured "$n ($role) /metrics: $out"
	$PY -c "$NAMESPY" <"$LAB_DIR/$n.prom" >"$LAB_DIR/$n.http.names"
	"$VIPCTL" -s "$LAB_DIR/$n.sock" metrics | $PY -c "$NAMESPY" >"$LAB_DIR/$n.ctl.names" ||
	    fail "$n: vipctl metrics does not parse"
	cmp -s "$LAB_DIR/$n.http.names" "$LAB_DIR/$n.ctl.names" ||
	    fail "$n: /metrics and vipctl metrics differ in samples: $(diff "$LAB_DIR/$n.http.names" "$LAB_DIR/$n.ctl.names" | head -5)"
done
echo "PASS: /metrics parses on both nodes, the same samples as vipctl metrics"

# ---- 2. the other answers
assert_eq 200 "$(http_code m1 /healthz)" "GET /healthz"
assert_eq ok "$(in_ns m1 curl -s -m 3 "$MURL/healthz")" "the body of /healthz"
assert_eq 404 "$(http_code m1 /other)" "GET /other"
assert_eq 404 "$(http_code m1 /metrics/x)" "GET /metrics/x"
assert_eq 405 "$(http_code m1 -X POST /metrics)" "POST /metrics"
assert_eq 405 "$(http_code m1 -d x=1 /healthz)" "POST /healthz with a body"
assert_eq 405 "$(http_code m1 -X DELETE /metrics)" "DELETE /metrics"
assert_eq 200 "$(http_code m1 --http1.0 /metrics)" "GET /metrics over HTTP/1.0"
assert_eq "HTTP/1.1 400 Bad Request" "$(raw_status m1 'HELLO\r\n\r\n')" "a malformed request"
assert_eq "HTTP/1.1 400 Bad Request" "$(raw_status m1 'GET /metrics HTTP/1.1\r\n\r\n')" \
    "HTTP/1.1 without Host"
assert_eq "HTTP/1.1 400 Bad Request" "$(raw_status m1 '\x16\x03\x01\x00\xa5\x01\x00')" \
    "a TLS ClientHello"
assert_eq "HTTP/1.1 505 HTTP Version Not Supported" \
    "$(raw_status m1 'GET /metrics HTTP/2.0\r\n\r\n')" "HTTP/2.0"
big=$(printf 'X-Pad: %05000d\\r\\n' 0)
assert_eq "HTTP/1.1 431 Request Header Fields Too Large" \
    "$(raw_status m1 "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\n$big\\r\\n")" "a 5 KiB header"
echo "PASS: /healthz 200, other paths 404, other methods 405, malformed 400, 505, 431"

# ---- 3. the deadline
read -r early late open _ late_min late_max _ < <(idle_clients m1 1 4)
measured "one idle client: closed after $late_max s (deadline 2 s)"
[ "$late" = 1 ] || fail "the idle client was not closed at the deadline (early $early, open $open)"
awk -v a="$late_min" 'BEGIN { exit !(a >= 1.9 && a <= 3.0) }' ||
    fail "the idle client was closed after $late_min s, not at the 2 s deadline"
read -r early late open _ late_min late_max _ < <(idle_clients m1 1 4 0.3)
measured "a client sending a byte every 0.3 s: closed after $late_max s"
[ "$late" = 1 ] && awk -v a="$late_min" 'BEGIN { exit !(a >= 1.9 && a <= 3.0) }' ||
    fail "the slow client was not closed at the deadline (early $early late $late open $open, $late_min s)"
echo "PASS: idle and slow clients are closed at the deadline"

# ---- 4. 100 idle clients do not delay adverts
pid1=$(vipd_pid m1)
fds0=$(fd_count "$pid1")
tr1=$(transitions m1); tr2=$(transitions m2)
ip netns exec "$(ns sw)" tcpdump -i br0 -n -tt -l -p 'ip proto 112' \
    >"$LAB_DIR/cap.txt" 2>"$LAB_DIR/cap.err" &
cap_pid=$!
wait_for 5 grep -q 'listening on' "$LAB_DIR/cap.err" || fail "tcpdump did not start"
sleep 1
rx0=$(received m2)
t_start=$(now_ms)
read -r early late open early_max late_min late_max _ < <(idle_clients m1 100 3)
t_end=$(now_ms)
rx1=$(received m2)
measured "100 idle clients for 3 s: $early closed at once (the last after $early_max s), $late held until the deadline ($late_min..$late_max s), $open still open"
assert_eq 68 "$early" "clients beyond the cap of 32 closed at once"
assert_eq 32 "$late" "clients held until the deadline"
assert_eq 0 "$open" "clients still open after 3 s"
awk -v a="$late_min" 'BEGIN { exit !(a >= 1.9) }' ||
    fail "a client within the cap was closed after $late_min s, before the 2 s deadline"

# The same 100 clients reconnecting as soon as they are closed, for 3 s.
t_fstart=$(now_ms)
read -r early late open _ _ _ conns < <(idle_clients m1 100 3 0 1)
t_fend=$(now_ms)
sleep 0.3
kill "$cap_pid"; wait "$cap_pid" 2>/dev/null
measured "100 clients reconnecting for 3 s: $conns connections, $early closed at once, $late at the deadline"

read -r nb gapb meanb < <(advert_gaps "$LAB_DIR/cap.txt" 192.0.2.11 $(( t_start - 1000 )) "$t_start")
read -r n gap mean < <(advert_gaps "$LAB_DIR/cap.txt" 192.0.2.11 "$t_start" "$t_end")
read -r nf gapf meanf < <(advert_gaps "$LAB_DIR/cap.txt" 192.0.2.11 "$t_fstart" "$t_fend")
measured "m1's adverts (0.1 s interval), the second before: $nb, mean interval $meanb ms, largest gap $gapb ms"
measured "m1's adverts with 100 idle clients: $n in $(( t_end - t_start )) ms, mean interval $mean ms, largest gap $gap ms"
measured "m1's adverts with 100 reconnecting clients: $nf in $(( t_fend - t_fstart )) ms, mean interval $meanf ms, largest gap $gapf ms"
measured "m2's adverts received during the idle clients: +$(awk -v a="$rx1" -v b="$rx0" 'BEGIN { print a - b }') in $(( t_end - t_start )) ms"
[ "$n" -ge 25 ] || fail "only $n adverts from m1 in the 3 s of idle clients"
assert_le "$gap" $(( INTERVAL_MS * 3 / 2 )) "the largest gap in m1's adverts with idle clients (ms)"
[ "$nf" -ge 25 ] || fail "only $nf adverts from m1 in the 3 s of reconnecting clients"
assert_le "$gapf" $(( INTERVAL_MS * 3 / 2 )) "the largest gap in m1's adverts with reconnecting clients (ms)"
awk -v a="$rx1" -v b="$rx0" -v t=$(( t_end - t_start )) \
    'BEGIN { exit !(a - b >= t / 100 - 3) }' ||
    fail "m2 received $rx0 -> $rx1 adverts in $(( t_end - t_start )) ms"
assert_eq "$tr1" "$(transitions m1)" "transitions in m1's log"
assert_eq "$tr2" "$(transitions m2)" "transitions in m2's log"
expect_sole_holder_for 0.3 "$VIP4" m1 "after the clients"
assert_eq 200 "$(http_code m1 /metrics)" "GET /metrics after the clients"
wait_for 3 eval '[ "$(fd_count '"$pid1"')" = '"$fds0"' ]' ||
    fail "m1 has $(fd_count "$pid1") descriptors after the clients, $fds0 before"
echo "PASS: 100 idle clients: the cap holds, adverts keep their interval, no transition"

# ---- 5. start-up and reload
# A port already taken: start-up fails with the key's file:line (in the
# client's namespace, where no vipd runs; nothing is started there).
in_ns cl socat TCP4-LISTEN:$MPORT,bind=127.0.0.1,reuseaddr,fork SYSTEM:true \
    </dev/null >/dev/null 2>&1 &
wait_for 3 eval 'in_ns cl ss -Hltn "sport = :$MPORT" | grep -q .' || fail "no listener in cl"
metrics_conf cl 100 | sed 's/vrid = 51/vrid = 52/; s|192.0.2.100/24|192.0.2.152/24|' \
    >"$LAB_DIR/cl.conf"
rc=0
out=$(in_ns cl timeout 10 "$VIPD" -f "$LAB_DIR/cl.conf" --control "$LAB_DIR/cl.sock" \
    --log stderr 2>&1) || rc=$?
assert_eq 1 "$rc" "the exit status of vipd with its metrics port taken"
echo "$out" | grep -q "cl.conf:1: metrics_listen 127.0.0.1:$MPORT: Address already in use" ||
    fail "start-up with the port taken says: $out"
measured "start-up with the port taken: $(echo "$out" | grep metrics_listen)"
# A reload that changes metrics_listen: logged, the listener stays.
metrics_conf m2 100 | sed "s/:$MPORT/:$(( MPORT + 1 ))/" >"$LAB_DIR/m2.conf"
kill -HUP "$(vipd_pid m2)"
wait_for 5 grep -q 'metrics_listen changed: that needs a restart' "$LAB_DIR/m2.log" ||
    fail "m2's log does not say that metrics_listen needs a restart"
assert_eq 200 "$(http_code m2 /healthz)" "m2's /healthz on the old port after the reload"
echo "PASS: a taken port fails start-up with file:line; a reload keeps the listener"

# ---- 6. a graceful stop with clients connected
idle_clients m1 5 1.5 >/dev/null &
idle_pid=$!
sleep 0.5
stop_node m1 || fail "m1 did not stop with clients connected"
assert_eq 0 "$(cat "$LAB_DIR/m1.rc")" "m1's exit status"
stop_node m2 || fail "m2 did not stop"
assert_eq 0 "$(cat "$LAB_DIR/m2.rc")" "m2's exit status"
wait "$idle_pid"
echo "PASS: vipd stops cleanly with metrics clients connected"
echo PASS
