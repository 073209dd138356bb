#!/bin/bash
# vt: solo
# Fault injection, control socket: m2 (150, Master) and m1 (100, Backup),
# 0.5 s adverts. fault_ctl.py opens CLIENTS (1,000) connections to m2's
# control socket, PER_S (100) a second, at most 64 at a time, with garbage, floods, NUL bytes, idle and
# slow clients, clients that never read, and real queries (stats, metrics,
# status): see its header. Meanwhile a capture on m2's bridge port records
# its adverts and vipctl status is tried every 0.5 s as an operator would.
# Passes if m2 keeps advertising on time (no gap over 1.5 intervals between
# its adverts while the clients run), neither node logs a state change, and
# afterwards `vipctl status` answers (exit 0, m2 Master) and m2 has no more
# descriptors than before. Measured: outcomes by behaviour, the largest
# gap, how many operator queries were answered during the storm and their
# latency, descriptors and RssAnon before and after.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
CLIENTS=${CLIENTS:-1000}
CONC=${CONC:-64}
PER_S=${PER_S:-100}
IV=0.5
FU="$PY $LIB_DIR/fault_util.py"

lab_setup 2
vipd_node m1 -p 100 -i "$IV"
vipd_node m2 -p 150 -i "$IV"
expect_holder 10 "$VIP4" m2 "$LAB_READY" "election"
sleep 1
pid=$(vipd_pid m2)
fd0=$(fd_count "$pid"); rss0=$(rss_anon "$pid")
mk1=$(log_mark m1); mk2=$(log_mark m2)
vctl m1 stats --json >"$LAB_DIR/m1.c0.json"
cap_start ctl m2 'ip proto 112'
sleep 1

t0=$(now_ms)
timeout -k 2 60 $PY "$LIB_DIR/fault_ctl.py" "$LAB_DIR/m2.sock" "$CLIENTS" "$CONC" 45 \
    "$LAB_DIR/ctl.json" "$PER_S" </dev/null >"$LAB_DIR/ctl.out" 2>&1 &
cpid=$!
ok=0 tried=0 worst=0
while kill -0 "$cpid" 2>/dev/null; do
	t=$(now_ms)
	tried=$(( tried + 1 ))
	if vctl m2 status >/dev/null 2>&1; then
		ok=$(( ok + 1 ))
		d=$(( $(now_ms) - t )); [ "$d" -gt "$worst" ] && worst=$d
	fi
	node_alive m2 || fail "m2's daemon died"
	sleep 0.5
done
wait "$cpid" || fail "fault_ctl.py failed: $(cat "$LAB_DIR/ctl.out")"
t1=$(now_ms)
sleep 1
cap_stop ctl

$PY - "$LAB_DIR/ctl.json" <<'EOF' | while read -r l; do measured "$l"; done
import json, sys
d = json.load(open(sys.argv[1]))
print("%d clients in %.1f s" % (d["clients"], d["seconds"]))
print("; ".join("%s: %s" % (k, ", ".join("%s %d" % kv for kv in sorted(v.items())))
                for k, v in d["results"].items()))
EOF
measured "operator queries (vipctl status every 0.5 s) during the storm: $ok of $tried answered, slowest $worst ms"
read -r gap _ n _ < <(cap_gap ctl 192.0.2.12 "$t0" "$t1" 51)
lim=$(( 3 * $(to_ms "$IV") / 2 ))
measured "m2's adverts during the storm: $n, largest gap $(fmt_ms "$gap") ms (interval $(to_ms "$IV") ms, limit $lim ms)"
vctl m1 stats --json >"$LAB_DIR/m1.c1.json"
measured "m1 (Backup): $($FU drops "$LAB_DIR/m1.c0.json" "$LAB_DIR/m1.c1.json" | tr '\n' ';')"

FAILS=0
check()
{
	if [ "$2" = ok ]; then echo "PASS: $1"; else echo "FAIL: $1: $2"; FAILS=$(( FAILS + 1 )); fi
}
[ "$n" -ge 2 ] && lt "$gap" "$lim" && r=ok || r="largest gap $(fmt_ms "$gap") ms over $n adverts"
check "m2 kept advertising on time (no gap over 1.5 intervals)" "$r"
c=$(( $(transitions_since m1 "$mk1") + $(transitions_since m2 "$mk2") ))
[ "$c" = 0 ] && r=ok || r="$c state changes"
check "no transition during the storm" "$r"
out=$(vctl m2 status 2>&1); rc=$?
[ "$rc" = 0 ] && jexpect m2 'r["state"] == "Master"' "m2 Master after the storm" && r=ok || r="vipctl status: exit $rc: $out"
check "vipctl status answers afterwards" "$r"
sleep 2.5   # past the daemon's 2 s client deadline
fd1=$(fd_count "$pid"); rss1=$(rss_anon "$pid")
measured "m2: descriptors $fd0 before, $fd1 after; RssAnon $rss0 kB before, $rss1 kB after"
[ "$fd1" -le "$fd0" ] && r=ok || r="$fd0 -> $fd1"
check "no descriptor left open by the clients" "$r"
measured "m2 log lines during the storm: $(( $(log_mark m2) - mk2 )): $(log_since m2 "$mk2" | cut -d' ' -f2- | sort | uniq -c | sort -rn | head -n 3 | tr -s ' ' | tr '\n' ';')"
[ "$FAILS" = 0 ] || { echo "FAIL: $FAILS assertion(s) failed"; exit 1; }
echo PASS
