#!/bin/bash
# Fault injection, crash and restart: the Master's daemon (m3, 150) is killed
# with kill -9 on a live host (its link stays up, its kernel keeps the VIPs:
# nothing cleans up after a SIGKILL) and started again; m2 (120), m1 (100).
# IPv4 and IPv6 VIPs, 1 s adverts. Two rounds:
#   late:  m3's vipd restarts after m2 took over (a stale copy of each VIP
#          on m3 beside m2's meanwhile: measured, it is the kernel's);
#   quick: m3's vipd restarts 0.2 s after the kill, before anyone noticed.
# Once it settles (m3 preempts: the only holder on its own interface), the
# VIPs must be on exactly one node: by `ip addr` on every node, and on the
# segment (fault_who.py from the client: exactly one MAC, m3's, answers ARP
# for the IPv4 VIP and Neighbor Solicitation for the IPv6 VIP), and stay so
# for 3 s. Measured: m2's takeover, how long the duplicate lasted, the time
# from the restart to one holder, the client's outage (TCP every 20 ms).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
FU="$PY $LIB_DIR/fault_util.py"
WHO="$PY $LIB_DIR/fault_who.py"

mac_of() { ip -n "$(ns "$1")" -o link show dev eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
who_answers() { ip netns exec "$(ns cl)" $WHO eth0 "$1" 0.3 2 | tr '\n' ' ' | sed 's/ $//'; }
both_on() { holder_is "$VIP4" "$1" && holder_is "$VIP6" "$1"; }
# deleted_ms NODE VIP: epoch ms of the first removal of VIP in NODE's address log.
deleted_ms()
{
	local ts
	ts=$(grep -F " $2/" "$LAB_DIR/$1.mon" | grep '^\[[^]]*\] Deleted' | head -n1 | sed -n 's/^\[\([^]]*\)\].*/\1/p')
	[ -n "$ts" ] && date -d "${ts/T/ }" +%s%3N
}
ms_of_log() { $FU logtimes "$LAB_DIR/$1.log" "$2" "$3" | awk 'NR == 1 { print $1 }'; }

lab_setup 3
M3=$(mac_of m3)
o=(-a "$VIP4/24" -a "$VIP6/64")
vipd_node m1 -p 100 "${o[@]}"
vipd_node m2 -p 120 "${o[@]}"
vipd_node m3 -p 150 "${o[@]}"
expect_holder 10 "$VIP4" m3 "$LAB_READY" "election (IPv4)"
expect_holder 5 "$VIP6" m3 "$LAB_READY" "election (IPv6)"
FAILS=0
check()
{
	if [ "$2" = ok ]; then echo "PASS: $1"; else echo "FAIL: $1: $2"; FAILS=$(( FAILS + 1 )); fi
}

# crash NODE: kill -9 its vipd (only the daemon: the link and addresses stay).
crash()
{
	local pid
	pid=$(vipd_pid "$1")
	disown "$(cat "$LAB_DIR/$1.launch.pid")" 2>/dev/null   # no "Killed" notice
	kill -9 "$pid"
	wait_for 2 eval '! _pid_alive '"$pid"
}

round()
{
	local kind=$1 t_kill t_start mk2 mk3 ms t dup_end r a4 a6 n
	say "---- round $kind"
	sleep 1
	client_ping "$VIP4"; client_ping "$VIP6"
	mk2=$(log_mark m2); mk3=$(log_mark m3)
	probe_start "$VIP4" 20 40
	sleep 0.5
	t_kill=$(now_ms)
	crash m3
	say "$kind: m3's vipd killed (kill -9); m3 still has: $(ip -n "$(ns m3)" -o addr show dev eth0 | awk '{ printf "%s ", $4 }')"
	if [ "$kind" = late ]; then
		wait_for 8 eval 'vip_on m2 "$VIP4" && vip_on m2 "$VIP6"' || fail "$kind: m2 did not take over"
		ms=$(ms_of_log m2 "$mk2" '/IPv4: Backup -> Master')
		measured "$kind: m2 took over $(( ${ms:-0} - t_kill )) ms after the kill; holders now: IPv4 $(vip_holder "$VIP4"), IPv6 $(vip_holder "$VIP6"); ARP answered by: $(who_answers "$VIP4")"
		sleep 1
	else
		sleep 0.2
	fi
	addr_watch_start m3
	sleep 0.2
	t_start=$(now_ms)
	start_vipd m3 "$(cat "$LAB_DIR/m3.conf")"
	say "$kind: m3's vipd restarted $(( t_start - t_kill )) ms after the kill"
	# The stale copies go at start-up (ip monitor on m3: when).
	wait_for 3 eval '! vip_on m3 "$VIP4"'
	sleep 0.2
	addr_watch_stop m3
	dup_end=$(deleted_ms m3 "$VIP4")
	if [ -n "$dup_end" ]; then
		measured "$kind: m3's stale $VIP4 removed $(( dup_end - t_start )) ms after the restart began$([ "$kind" = late ] && echo "; the duplicate (m2 and stale m3) lasted $(( dup_end - t_kill )) ms from the kill")"
	else
		measured "$kind: no removal of $VIP4 on m3 seen after the restart"
	fi
	if wait_for 15 both_on m3; then
		measured "$kind: m3 the only holder of both VIPs $(( $(now_ms) - t_start )) ms after the restart"
	fi
	expect_client "$VIP4" m3 5
	sleep 0.2
	probe_stop
	# The longest stretch without an answer from t_kill on.
	ms=$(sort -n "$LAB_DIR/probe.log" | awk -v t0="$t_kill" '$1 >= t0 - 500 { if (last && $2 - last > gap) gap = $2 - last; last = $2 } END { print gap + 0 }')
	measured "$kind: the client's longest gap between answers: $ms ms (TCP every 20 ms); answered by: $(sort -n "$LAB_DIR/probe.log" | awk -v t0="$t_kill" '$1 >= t0 { if ($3 != w) { if (w != "") printf "%s +%d..+%d ms, ", w, f - t0, l - t0; w = $3; f = $1 } l = $2 } END { if (w != "") printf "%s +%d..+%d ms", w, f - t0, l - t0 }')"
	log_since m3 "$mk3" | grep -E 'stale|VIP|Initialize|-> Master' | head -n 6 | sed "s/^/    m3 log: /"
	sleep 1
	# Settled: exactly one holder, by addresses and on the wire, for 3 s.
	a4=$(who_answers "$VIP4"); a6=$(who_answers "$VIP6")
	measured "$kind: settled: IPv4 VIP on $(vip_holder "$VIP4"), ARP answered by $a4 (m3 is $M3); IPv6 VIP on $(vip_holder "$VIP6"), NS answered by $a6"
	both_on m3 && [ "$a4" = "$M3" ] && [ "$a6" = "$M3" ] && r=ok ||
	    r="IPv4 VIP on $(vip_holder "$VIP4") (ARP: $a4), IPv6 VIP on $(vip_holder "$VIP6") (NS: $a6)"
	check "$kind: after kill -9 and restart, each VIP on exactly one node (m3), one MAC answers for it" "$r"
	stays_for 3 both_on m3 && r=ok || r="IPv4 VIP on $(vip_holder "$VIP4"), IPv6 VIP on $(vip_holder "$VIP6")"
	check "$kind: m3 stays the only holder for 3 s" "$r"
	for n in m1 m2; do
		[ -z "$(ip -n "$(ns "$n")" -o addr show dev eth0 | grep -F -e " $VIP4/" -e " $VIP6/")" ] && r=ok ||
		    r="$n still has $(ip -n "$(ns "$n")" -o addr show dev eth0 | grep -F -e " $VIP4/" -e " $VIP6/" | awk '{ printf "%s ", $4 }')"
		check "$kind: no stale VIP left on $n" "$r"
	done
}

round late
round quick
[ "$FAILS" = 0 ] || { echo "FAIL: $FAILS assertion(s) failed"; lab_dump_state; for n in m1 m2 m3; do log_tail "$n" 20; done; exit 1; }
echo PASS
