#!/bin/bash
# Routed failover benchmark (issue 11): the lab of t_routed_frr.sh (three
# masters in three subnets, FRR zebra + bgpd on each and on the router, the
# VIP on lo, the apiserver stand-in and the https check, adverts every 1 s).
# Each round:
#   crash      m1 (Master, priority 150) frozen and killed -> m2 (120)
#   apiserver  the apiserver dies on m2 (weight -50: 70)   -> m3 (100)
#   then m1 comes back (rebooted) and m2's apiserver too, for the next round.
# For each failure, from the failure (t0):
#   vrrp_ms    until the new Master's vipd became Master (its log line, ms;
#              the VIP goes on lo in the same step): VRRP detection (for the
#              apiserver case this includes the check's own detection)
#   client_ms  until the client's TCP connections to VIP:6443 are answered
#              again (routed_probe.py in the client: a new connect every
#              10 ms, stamped when it is answered)
#   bgp_ms     client_ms - vrrp_ms: from the VIP on the new Master to the
#              client reaching it (redistribution, UPDATE, the router's RIB
#              and FIB)
#   rt_ms      the router's kernel route to the new Master, from its
#              timestamped route events (ip -ts monitor; under load these
#              stamps can come late), minus vrrp_ms
#   wd_ms      (apiserver) from the old Master's removal of the VIP to the
#              router's withdrawal of its route (both from ip -ts monitor)
# Prints every round, then median / min / max; writes routed.csv to OUT.
# It reports numbers; it does not pass or fail on timing.
#
# usage: [VIPD=path] tests/bench/routed.sh [-n ROUNDS] [-o DIR]
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
VIPD=${VIPD:-src/vipd}
case $VIPD in /*) ;; *) VIPD=$PWD/$VIPD ;; esac
N=3 OUT=$PWD/bench-out
while getopts "n:o:h" o; do
	case $o in
	n) N=$OPTARG ;; o) OUT=$OPTARG ;;
	*) sed -n '2,24p' "$0"; exit 2 ;;
	esac
done
LAB_SHORT=brouted
# shellcheck source=../integration/lib.sh
. "$TOP/tests/integration/lib.sh"
# shellcheck source=../integration/lib_apiserver.sh
. "$TOP/tests/integration/lib_apiserver.sh"
# shellcheck source=../integration/lib_routed.sh
. "$TOP/tests/integration/lib_routed.sh"
WAIT_STEP=0.01
mkdir -p "$OUT"
CSV=$OUT/routed.csv

# lo_added_ms NODE T0 / lo_deleted_ms NODE T0: the first time after T0 the
# VIP was added to / deleted from NODE's lo (its address events); 1 if never.
_lo_event_ms()
{
	local f=$LAB_DIR/$1.mon ts t line
	while read -r line; do
		ts=$(sed -n 's/^\[\([^]]*\)\].*/\1/p' <<<"$line")
		t=$(date -d "${ts/T/ }" +%s%3N) || continue
		[ "$t" -ge "$2" ] && { echo "$t"; return 0; }
	done < <(grep -F " $VIP4/32" "$f" | grep -F " lo " | $3)
	return 1
}
lo_added_ms() { _lo_event_ms "$1" "$2" "grep -v Deleted"; }
lo_deleted_ms() { _lo_event_ms "$1" "$2" "grep Deleted"; }


# master_at_ms T0 NODE: when NODE's vipd last logged "-> Master" after T0
# (its log's HH:MM:SS.mmm, today, or yesterday across midnight).
master_at_ms()
{
	local hms t
	while read -r hms; do
		t=$(date -d "$(date +%F) $hms" +%s%3N) || continue
		[ "$t" -gt $(( $(now_ms) + 60000 )) ] && t=$(( t - 86400000 ))
		[ "$t" -ge "$1" ] 2>/dev/null && { echo "$t"; return 0; }
	done < <(grep -F -- "-> Master" "$LAB_DIR/$2.log" | awk '{ print $1 }')
	return 1
}

# client_probe_start VIP: the client's prober (routed_probe.py: a connect
# every 10 ms, each outcome stamped when known). The old Master's kernel may
# still complete a handshake or two right after t0: the outage ends at the
# first answer after a failure.
client_probe_start()
{
	ip netns exec "$(ns cl)" /usr/bin/python3 "$TOP/tests/bench/routed_probe.py" "$1" "$PORT" \
	    "$LAB_DIR/clientprobe.log" </dev/null >/dev/null 2>&1 &
	LAB_PROBE_PID=$!
}

# record ROUND CASE T0 NEW [OLD]: the figures of one failure, into the CSV.
record()
{
	local round=$1 case=$2 t0=$3 new=$4 old=${5:-} up route client rt="" wd=""
	up=$(master_at_ms "$t0" "$new") || { say "round $round $case: $new never became Master"; return 1; }
	client=$(sort -n "$LAB_DIR/clientprobe.log" | awk -v t0="$t0" '
		$1 >= t0 && $2 == "fail" { down = 1 }
		down && $2 == "ok" { print $1; exit }')
	[ -n "$client" ] || { say "round $round $case: the client never got through"; return 1; }
	route=$(rt_route_to_ms "$new" "$t0") && rt=$(( route - up ))
	if [ -n "$old" ]; then
		local del w
		del=$(lo_deleted_ms "$old" "$t0") && w=$(rt_withdrawn_ms "$old" "$del") && wd=$(( w - del ))
	fi
	echo "$round,$case,$(( up - t0 )),$(( client - up )),$(( client - t0 )),$rt,$wd" >>"$CSV"
	printf '  round %s %-9s vrrp %5d  bgp %4d  client %5d  (rt %s, withdraw %s) ms\n' \
	    "$round" "$case" $(( up - t0 )) $(( client - up )) $(( client - t0 )) "${rt:--}" "${wd:--}"
}

routed_lab
rt_route_watch_start
routed_start
wait_for 20 rt_route_is m1 || fail "no route to m1 after the election"
echo "round,case,vrrp_ms,bgp_ms,client_ms,rt_ms,withdraw_ms" >"$CSV"
say "bench: $N rounds; VIPD=$VIPD"
for r in $(seq 1 "$N"); do
	addr_watch_start m2
	addr_watch_start m3
	sleep 0.5
	client_probe_start "$VIP4"
	sleep 0.5
	t0=$(node_crash m1)
	wait_for 15 rt_route_is m2 || fail "round $r: no route to m2 after the crash"
	sleep 0.5
	probe_stop
	record "$r" crash "$t0" m2

	wait_for 5 https_client_gets "$VIP4" m2 || fail "round $r: the client does not reach m2"
	client_probe_start "$VIP4"
	sleep 0.5
	t0=$(apiserver_kill m2)
	wait_for 15 rt_route_is m3 || fail "round $r: no route to m3 after m2's apiserver died"
	sleep 0.5
	probe_stop
	addr_watch_stop m2
	addr_watch_stop m3
	record "$r" apiserver "$t0" m3 m2

	node_reboot m1 150
	apiserver_start m2
	wait_for 30 rt_route_is m1 || fail "round $r: the route did not come back to m1"
	wait_for 10 grep -q "check 'apiserver' is now up" "$LAB_DIR/m2.log"
	sleep 2
done
rt_route_watch_stop

summary()
{
	local case=$1 col=$2 name=$3
	awk -F, -v c="$case" -v k="$col" 'NR > 1 && $2 == c && $k != "" { print $k }' "$CSV" |
	    sort -n | awk -v n="$name" -v c="$case" '
		{ v[NR] = $1 }
		END { if (NR) printf "  %-9s %-10s median %5d  min %5d  max %5d  (n=%d)\n",
			c, n, v[int((NR + 1) / 2)], v[1], v[NR], NR }'
}
echo "summary (ms):"
for c in crash apiserver; do
	summary "$c" 3 vrrp
	summary "$c" 4 bgp
	summary "$c" 5 client
	summary "$c" 6 rt
done
summary apiserver 7 withdraw
echo "csv: $CSV"
