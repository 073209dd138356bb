#!/bin/bash
# Scale benchmark (issue 6), vipd next to keepalived in the same run and the
# same namespace set-up (tests/integration/lib.sh): two masters m1 (priority
# 200) and m2 (priority 100) on one bridge, N VRRPv3 instances on eth0 (VRIDs
# 1..N), one /32 VIP each, adverts every 0.05 s. The agents run one after the
# other, never at the same time. For each agent and N:
#   CPU s     utime+stime (plus reaped children's) of the agent's processes on
#             both masters, over SCALE_SECONDS of steady state after the
#             election settled (m1 holds all N VIPs, m2 none)
#   RssAnon   /proc/PID/status, summed over one node's processes (the master's;
#             keepalived has a parent and a VRRP child, vipd one process)
#   Pss       /proc/PID/smaps_rollup, summed the same way
# plus, for vipd only, a row of N instances with an IPv4 /32 and an IPv6 /128
# VIP each (2N routers); and the spurious transitions: adverts sent by the
# backup (m2), counted by a capture on m2's bridge port (IP source m2), while
# stress-ng --cpu 2 saturates both cores for STRESS_SECONDS, at 200 x 0.05 s
# and 50 x 0.01 s; and the RssAnon of one vipd instance with one https check
# (tests/integration/apiserver_standin.py as the target) and the memory per
# added instance (slope between N=50 and N=255).
# Prints Markdown tables, writes scale.csv, scale.md and scale.png (CPU
# against N, gnuplot) into the output dir. It reports numbers; it never passes
# or fails on them.
#
# usage: [VIPD=path] [env...] tests/bench/scale.sh
#   SCALE_NS="1 50 200 255"   instance counts ("": no CPU rows)
#   SCALE_AGENTS="vipd keepalived"
#   SCALE_SECONDS=30          CPU window (s)
#   SCALE_SETTLE=5            wait after the election before measuring (s)
#   SCALE_ELECT_TIMEOUT=90    bound on the election (s); unsettled: noted
#   SCALE_INTERVAL=0.05       advert interval of the CPU rows (s)
#   SCALE_DUAL_N=max(SCALE_NS)  N of the vipd IPv4+IPv6 row (0: none)
#   STRESS_CASES="200x0.05 50x0.01"   NxINTERVAL under stress ("": none)
#   STRESS_SECONDS=60         stress-ng duration per case (s)
#   SCALE_HTTPS=1             the one-instance https-check memory row (0: none)
#   SCALE_RT=0                real-time priority of both agents (vipd
#                             realtime_priority, keepalived vrrp_rt_priority); 0: off
#   SCALE_OUT=tests/bench/results   output dir
# Quick run: SCALE_NS="1 50" SCALE_SECONDS=5 STRESS_SECONDS=10 tests/bench/scale.sh
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
LAB_SHORT=scale
# shellcheck source=../integration/lib.sh
. "$TOP/tests/integration/lib.sh"
# shellcheck source=../integration/lib_apiserver.sh
. "$TOP/tests/integration/lib_apiserver.sh"
# shellcheck source=scale_lib.sh
. "$TOP/tests/bench/scale_lib.sh"

SCALE_NS=${SCALE_NS-1 50 200 255}
SCALE_AGENTS=${SCALE_AGENTS:-vipd keepalived}
SCALE_SECONDS=${SCALE_SECONDS:-30}
SCALE_SETTLE=${SCALE_SETTLE:-5}
SCALE_ELECT_TIMEOUT=${SCALE_ELECT_TIMEOUT:-90}
SCALE_INTERVAL=${SCALE_INTERVAL:-0.05}
# shellcheck disable=SC2086
_max_n=$(printf '%s\n' $SCALE_NS | sort -n | tail -n1)
SCALE_DUAL_N=${SCALE_DUAL_N:-${_max_n:-0}}
STRESS_CASES=${STRESS_CASES-200x0.05 50x0.01}
STRESS_SECONDS=${STRESS_SECONDS:-60}
SCALE_HTTPS=${SCALE_HTTPS:-1}
OUT=${SCALE_OUT:-$TOP/tests/bench/results}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
VIPCTL=${VIPCTL:-$(dirname "$VIPD")/vipctl}
CLK_TCK=$(getconf CLK_TCK)

[ "$(id -u)" = 0 ] || { echo "scale.sh: run as root" >&2; exit 1; }
command -v stress-ng >/dev/null || echo "warning: stress-ng not installed: no stress cases"
command -v tcpdump >/dev/null || { echo "scale.sh: tcpdump is needed" >&2; exit 1; }
mkdir -p "$OUT"
CSV=$OUT/scale.csv
MD=$OUT/scale.md

# Processes started here outside lib.sh's bookkeeping (tcpdump, stress-ng):
# they run in the lab's namespaces, so lab_cleanup kills them anyway; they are
# also killed by pid first.
SCALE_PIDS=()
scale_cleanup()
{
	local rc=$? p
	disown -a 2>/dev/null
	for p in "${SCALE_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	(exit "$rc")
	lab_cleanup
}

lab_setup 2 >/dev/null
trap scale_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
say "lab $LAB_PREFIX ready; output in $OUT"

# ---------------------------------------------------------------- capture

# capture_start NODE: count (in DIR/NODE.cap) the VRRP packets (IPv4 and IPv6)
# sent by NODE, seen on its bridge port in the switch namespace.
CAP_PID=""
capture_start()
{
	local node=$1 f=$LAB_DIR/$1.cap mac
	: >"$f"; : >"$f.err"
	CAP_PID=""
	mac=$(node_mac "$node")
	if [ -z "$mac" ]; then say "warning: no MAC address for $node: no capture"; return; fi
	ip netns exec "$(ns sw)" tcpdump -l -nn -p -i "$node" \
	    "(ip proto 112 and src host $(node_ip4 "$node")) or (ip6 proto 112 and ether src $mac)" \
	    >"$f" 2>"$f.err" </dev/null &
	CAP_PID=$!
	SCALE_PIDS+=("$CAP_PID")
	if ! wait_for 5 grep -q "listening on" "$f.err"; then
		say "warning: tcpdump on $node not ready: $(cat "$f.err")"
		kill "$CAP_PID" 2>/dev/null
		CAP_PID=""
	fi
}

# capture_stop NODE: stop the capture; print the number of packets (NA if
# there was no capture or tcpdump says the kernel dropped some).
capture_stop()
{
	[ -n "$CAP_PID" ] || { echo NA; return; }
	sleep 0.2
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=""
	if grep -qE '^[1-9][0-9]* packets dropped by kernel' "$LAB_DIR/$1.cap.err"; then
		echo NA
		return
	fi
	grep -c . "$LAB_DIR/$1.cap"
}

# ---------------------------------------------------------------- one case

# Current run, set by run_start.
R_SETTLE_MS=NA R_STATE=""

# run_start AGENT N INTERVAL FAMILIES: clean VIPs, start the master m1, wait
# until it holds every VIP, start the backup m2, wait SCALE_SETTLE s.
run_start()
{
	local agent=$1 n=$2 int=$3 fam=$4 want t0
	R_STATE=settled
	want=$n
	[ "$fam" = dual ] && want=$(( 2 * n ))
	vips_flush m1; vips_flush m2
	t0=$(now_ms)
	agent_start "$agent" m1 200 "$n" "$int" "$fam"
	if wait_for "$SCALE_ELECT_TIMEOUT" vip_count_is m1 "$want"; then
		R_SETTLE_MS=$(( $(now_ms) - t0 ))
	else
		R_SETTLE_MS=NA R_STATE="unsettled (m1 holds $(vip_count m1) of $want VIPs)"
	fi
	agent_start "$agent" m2 100 "$n" "$int" "$fam"
	pause "$SCALE_SETTLE"
	if [ "$R_STATE" = settled ] && ! { vip_count_is m1 "$want" && vip_count_is m2 0; }; then
		R_STATE="unsettled (m1 $(vip_count m1), m2 $(vip_count m2) of $want VIPs)"
	fi
	say "$agent N=$n interval $int s $fam: master elected in ${R_SETTLE_MS} ms; $R_STATE"
}

# run_stop: stop both daemons (SIGTERM, then SIGKILL), remove their VIPs.
run_stop()
{
	local n
	for n in m1 m2; do agent_stop "$n"; done
	vips_flush m1; vips_flush m2
}

# cpu_row AGENT N FAMILIES LABEL: one CPU/memory row into the CSV. The
# processes are listed once, when the window opens, and sampled by pid.
cpu_row()
{
	local agent=$1 n=$2 fam=$3 label=$4 tr0 tr1 cap routers
	local p1 p2 c1a c2a c1b c2b cpu0 cpu1 cpu2 m1mem m2mem k1 k2
	routers=$n
	[ "$fam" = dual ] && routers=$(( 2 * n ))
	run_start "$agent" "$n" "$SCALE_INTERVAL" "$fam"
	p1=$(agent_pids m1); p2=$(agent_pids m2)
	k1=$(wc -w <<<"$p1"); k2=$(wc -w <<<"$p2")
	[ "$k1" -gt 0 ] && [ "$k2" -gt 0 ] || R_STATE="$R_STATE; no process found (m1 $k1, m2 $k2)"
	tr0=$(log_transitions m2 "$agent")
	capture_start m2
	# shellcheck disable=SC2086
	{ c1a=$(cpu_ticks $p1); c2a=$(cpu_ticks $p2); }
	cpu0=$(ticks_s "${c1a% *}")   # the master's start-up and election
	pause "$SCALE_SECONDS"
	# shellcheck disable=SC2086
	{ c1b=$(cpu_ticks $p1); c2b=$(cpu_ticks $p2); m1mem=$(mem_kb $p1); m2mem=$(mem_kb $p2); }
	cap=$(capture_stop m2)
	tr1=$(log_transitions m2 "$agent")
	cpu1=$(ticks_s $(( ${c1b% *} - ${c1a% *} ))); cpu2=$(ticks_s $(( ${c2b% *} - ${c2a% *} )))
	if [ "${c1b#* }" != "$k1" ] || [ "${c2b#* }" != "$k2" ]; then
		# Killed from outside, or crashed: no figure rather than a wrong one.
		R_STATE="$R_STATE; processes exited in the window (m1 ${c1b#* } of $k1, m2 ${c2b#* } of $k2 left)"
		cpu1=NA cpu2=NA m1mem="NA NA" m2mem="NA NA"
		say "warning: $agent $label: $R_STATE"
	fi
	# agent,label,n,routers,cpu_total,cpu_master,cpu_backup,rss_m,pss_m,rss_b,pss_b,settle_ms,cpu_master_election_s,backup_adverts,backup_to_master,state
	echo "$agent,$label,$n,$routers,$(add_s "$cpu1" "$cpu2"),$cpu1,$cpu2,${m1mem% *},${m1mem#* },${m2mem% *},${m2mem#* },$R_SETTLE_MS,$cpu0,$cap,$(( tr1 - tr0 )),${R_STATE//,/;}" >>"$CSV"
	say "$agent $label: CPU $cpu1 + $cpu2 s in ${SCALE_SECONDS} s ($k1 + $k2 processes); master RssAnon/Pss ${m1mem% *}/${m1mem#* } KiB; backup adverts $cap"
	run_stop
}

# stress_row AGENT N INTERVAL: spurious transitions under stress-ng.
stress_row()
{
	local agent=$1 n=$2 int=$3 tr0 tr1 cap cnt0 cnt1 spid
	local p k alive=0
	run_start "$agent" "$n" "$int" v4
	k=$(agent_pids m1; agent_pids m2)
	k=$(wc -w <<<"$k")
	tr0=$(log_transitions m2 "$agent")
	cnt0=$(backup_counter m2 "$agent")
	capture_start m2
	ip netns exec "$(ns cl)" stress-ng --cpu 2 --timeout "${STRESS_SECONDS}s" --quiet \
	    </dev/null >>"$LAB_DIR/stress.log" 2>&1 &
	spid=$!
	SCALE_PIDS+=("$spid")
	wait "$spid"
	pause 1   # adverts already queued
	cap=$(capture_stop m2)
	cnt1=$(backup_counter m2 "$agent")
	tr1=$(log_transitions m2 "$agent")
	local cdelta=NA
	[ "$cnt0" != NA ] && [ "$cnt1" != NA ] && cdelta=$(( cnt1 - cnt0 ))
	for p in $(agent_pids m1) $(agent_pids m2); do _pid_alive "$p" && alive=$(( alive + 1 )); done
	[ "$alive" -ge "$k" ] || R_STATE="$R_STATE; agent processes gone during the stress ($alive of $k left)"
	# agent,n,interval,stress_s,backup_adverts_capture,backup_adverts_counter,backup_to_master,state
	echo "$agent,$n,$int,$STRESS_SECONDS,$cap,$cdelta,$(( tr1 - tr0 )),${R_STATE//,/;}" >>"$CSV.stress"
	say "$agent ${n}x$int under stress ${STRESS_SECONDS} s: backup sent $cap adverts (counter $cdelta), $(( tr1 - tr0 )) Backup->Master"
	run_stop
}

# https_row: one vipd instance with one https check: RssAnon and Pss.
HTTPS_MEM="NA NA"
https_row()
{
	pki_setup
	notify_setup
	apiserver_start m1
	vips_flush m1
	start_vipd m1 "$(checks_conf m1 200 1)"
	if ! wait_for 15 vip_on m1 "$VIP4"; then
		say "warning: m1 does not hold $VIP4 (https row); its log:"
		log_tail m1 15
	fi
	pause 5   # the check has run ten times, the TLS session is up
	# shellcheck disable=SC2046
	HTTPS_MEM=$(mem_kb $(agent_pids m1))
	say "vipd, 1 instance + 1 https check: RssAnon/Pss ${HTTPS_MEM% *}/${HTTPS_MEM#* } KiB"
	agent_stop m1
	ip -n "$(ns m1)" addr del "$VIP4/24" dev eth0 2>/dev/null
}

# ---------------------------------------------------------------- run

echo "agent,label,n,routers,cpu_s,cpu_master_s,cpu_backup_s,rss_anon_master_kib,pss_master_kib,rss_anon_backup_kib,pss_backup_kib,settle_ms,cpu_master_election_s,backup_adverts,backup_to_master,state" >"$CSV"
echo "agent,n,interval_s,stress_s,backup_adverts_capture,backup_adverts_counter,backup_to_master,state" >"$CSV.stress"

AGENTS=""
for a in $SCALE_AGENTS; do
	case $a in
	vipd) [ -x "$VIPD" ] || { echo "no vipd at $VIPD: skipping vipd"; continue; } ;;
	keepalived) [ -x "$KEEPALIVED" ] || { echo "no keepalived: skipping it"; continue; } ;;
	*) echo "unknown agent $a"; continue ;;
	esac
	AGENTS="$AGENTS $a"
done
T_START=$(date -u +%FT%TZ)
VIPD_BUILD=$(vipd_build)

for n in $SCALE_NS; do
	for a in $AGENTS; do cpu_row "$a" "$n" v4 "$n"; done
done
case " $AGENTS " in *" vipd "*)
	[ "$SCALE_DUAL_N" -gt 0 ] 2>/dev/null &&
	    cpu_row vipd "$SCALE_DUAL_N" dual "${SCALE_DUAL_N}+${SCALE_DUAL_N}v6" ;;
esac
if command -v stress-ng >/dev/null; then
	for c in $STRESS_CASES; do
		for a in $AGENTS; do stress_row "$a" "${c%x*}" "${c#*x}"; done
	done
fi
case " $AGENTS " in *" vipd "*) [ "$SCALE_HTTPS" = 1 ] && https_row ;; esac

report "$T_START" | tee "$MD"
plot_png
echo "wrote $CSV, $CSV.stress and $MD"
