#!/bin/bash
# Reload benchmark (issue 7): vipd next to keepalived 2.2.7 in the same
# namespace set-up (tests/integration/lib.sh), one agent after the other.
# Two masters: m2 (priority 150, the Master) and m1 (100, the Backup), N
# VRRPv3 instances (VRIDs 1..N, one /32 VIP each, tests/bench/scale_lib.sh's
# configs), at 1 instance x 1 s adverts and 200 instances x 0.05 s. A capture
# on the bridge (br0) records every advert. For each agent and case:
#   (a) SIGHUP to both daemons with unchanged files;
#   (b) m2's file changed (priority 150 -> 160), SIGHUP to both.
# Reported per reload: the largest gap between two adverts of one VRID from
# the Master (any VRID; the window runs from 2 intervals before the SIGHUP
# to RELOAD_WATCH s after it) next to the largest gap before any reload
# (the baseline), the adverts the Backup sent (it never should), the state
# lines both logs gained (vipd: "X -> Y"; keepalived: "Entering ... STATE"),
# the VIPs deleted on the Master (its address log), and for (b) how long
# after the SIGHUP the first advert with priority 160 came.
# Then the client's outage during a planned handover: `vipctl drain --wait
# 10` on vipd's Master (1 instance, 1 s adverts, m2 150 -> m1 100), probed
# from the client (lib.sh probe_start / probe_outage) and from the address
# logs (no VIP anywhere between the deletion on m2 and the addition on m1),
# DRAIN_RUNS times (resume and preemption in between); and for reference,
# keepalived has no drain: its graceful stop (SIGTERM, priority 0) in the
# same set-up.
# Prints Markdown tables (and writes them to RELOAD_OUT if set). It reports
# numbers; it never passes or fails on them.
#
# usage: [VIPD=path] [env...] tests/bench/reload.sh
#   RELOAD_AGENTS="vipd keepalived"
#   RELOAD_CASES="1x1 200x0.05"   NxINTERVAL
#   RELOAD_WATCH=                 seconds watched after each SIGHUP
#                                 (default: 4 s at 1 s adverts, 2 s below)
#   DRAIN_RUNS=3                  drains measured (0: none)
#   RELOAD_OUT=file               also write the Markdown there
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC2034 # read by lib.sh
LAB_SHORT=reload
# shellcheck source=../integration/lib.sh
. "$TOP/tests/integration/lib.sh"
# shellcheck source=../integration/lib_ops.sh
. "$TOP/tests/integration/lib_ops.sh"
# shellcheck source=scale_lib.sh
. "$TOP/tests/bench/scale_lib.sh"

RELOAD_AGENTS=${RELOAD_AGENTS:-vipd keepalived}
RELOAD_CASES=${RELOAD_CASES:-1x1 200x0.05}
RELOAD_WATCH=${RELOAD_WATCH:-}
DRAIN_RUNS=${DRAIN_RUNS:-3}
RELOAD_OUT=${RELOAD_OUT:-}
M=192.0.2.12 B=192.0.2.11
P_OLD=150 P_NEW=160

[ "$(id -u)" = 0 ] || { echo "reload.sh: run as root" >&2; exit 1; }
command -v tcpdump >/dev/null || { echo "reload.sh: tcpdump is needed" >&2; exit 1; }
[ -x "$VIPCTL" ] || { echo "reload.sh: no vipctl at $VIPCTL" >&2; exit 1; }
# shellcheck disable=SC2034 # scale_lib.sh's pause() records its sleeps here
SCALE_PIDS=()

lab_setup 2 >/dev/null
ROWS=$LAB_DIR/rows
: >"$ROWS"
say "lab $LAB_PREFIX ready"

# agent_pid NODE: the process a SIGHUP goes to: vipd, or keepalived's parent
# (both write DIR/NODE.pid).
agent_pid() { cat "$LAB_DIR/$1.pid"; }

# state_lines NODE AGENT MARK: state changes logged after MARK.
state_lines()
{
	local c
	if [ "$2" = vipd ]; then
		transitions_since "$1" "$3"
	else
		c=$(log_since "$1" "$3" | grep -cE 'Entering (MASTER|BACKUP|FAULT) STATE')
		echo "${c:-0}"
	fi
}

# deletions NODE T0_MS: VIPs (198.51.100.0/24) deleted on NODE since T0_MS.
deletions()
{
	local c=0 ts ms
	while read -r ts; do
		ms=$(date -d "${ts/T/ }" +%s%3N) || continue
		[ "$ms" -ge "$2" ] && c=$(( c + 1 ))
	done < <(grep -E '^\[[^]]*\] Deleted .* 198\.51\.100\.' "$LAB_DIR/$1.mon" 2>/dev/null |
	    sed -n 's/^\[\([^]]*\)\].*/\1/p')
	echo "$c"
}

# conf AGENT NODE PRIO N INTERVAL: the config text.
conf()
{
	if [ "$1" = vipd ]; then vipd_scale_conf "$2" "$3" "$4" "$5" v4
	else ka_scale_conf "$2" "$3" "$4" "$5"; fi
}

# reload_one AGENT N INT LABEL T_BASE0: SIGHUP both, watch, record a row.
reload_one()
{
	local agent=$1 n=$2 int=$3 label=$4 base0=$5 mk1 mk2 t gap vrid cnt seen base first=NA
	local int_ms; int_ms=$(to_ms "$int")
	mk1=$(log_mark m1); mk2=$(log_mark m2)
	t=$(now_ms)
	kill -HUP "$(agent_pid m2)" "$(agent_pid m1)"
	pause "$WATCH"
	read -r gap vrid cnt seen < <(cap_gap rl "$M" $(( t - 2 * int_ms )) "$(now_ms)" "1-$n")
	read -r base _ _ _ < <(cap_gap rl "$M" "$base0" $(( T_FIRST - 50 )) "1-$n")
	if [ "$label" = "changed priority" ]; then
		first=$(cap_read adverts "$LAB_DIR/rl.pcap" | awk -v s="$M" -v t="$t" -v p="$P_NEW" \
		    '!done && $2 == s && $1 >= t && $4 == p { printf "%d", $1 - t; done = 1 }')
		[ -n "$first" ] || first=never
	fi
	printf '%s|%s x %s s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$agent" "$n" "$int" "$label" \
	    "$(fmt_ms "$gap")" "$(fmt_ms "$base")" "$(cap_adverts_from rl "$B" "$t")" \
	    "$(state_lines m2 "$agent" "$mk2")+$(state_lines m1 "$agent" "$mk1")" \
	    "$(deletions m2 "$t")" "$first" "$(vip_count m2)/$n" >>"$ROWS"
	say "$agent $n x $int s, $label: largest gap $(fmt_ms "$gap") ms (VRID $vrid, $cnt adverts, $seen VRIDs), baseline $(fmt_ms "$base") ms"
}

# run_case AGENT N INTERVAL
run_case()
{
	local agent=$1 n=$2 int=$3 t0 base0
	WATCH=${RELOAD_WATCH:-$(awk -v i="$int" 'BEGIN { print (i >= 1 ? 4 : 2) }')}
	vips_flush m1; vips_flush m2
	rm -f "$LAB_DIR/m1.mon" "$LAB_DIR/m2.mon"
	t0=$(now_ms)
	agent_start "$agent" m2 "$P_OLD" "$n" "$int" v4
	WAIT_STEP=0.1 wait_for 60 vip_count_is m2 "$n" ||
	    { say "$agent $n x $int: m2 holds $(vip_count m2)/$n VIPs after 60 s: skipped"; agent_stop m2; return; }
	agent_start "$agent" m1 100 "$n" "$int" v4
	pause 3
	if [ "$(vip_count m1)" != 0 ] || [ "$(vip_count m2)" != "$n" ]; then
		say "$agent $n x $int: not settled (m2 $(vip_count m2), m1 $(vip_count m1)): skipped"
		agent_stop m1; agent_stop m2; return
	fi
	say "$agent $n x $int s: m2 Master of $n instances, m1 Backup ($(ms_since "$t0") ms)"
	addr_watch_start m2
	cap_start rl br0 'ip proto 112'
	base0=$(now_ms)
	pause 2
	T_FIRST=$(now_ms)
	reload_one "$agent" "$n" "$int" "unchanged" "$base0"
	put_conf m2 "$(conf "$agent" m2 "$P_NEW" "$n" "$int")"
	reload_one "$agent" "$n" "$int" "changed priority" "$base0"
	cap_stop rl
	addr_watch_stop m2
	if [ "$agent" = vipd ]; then
		say "vipd's own reload times (log 'reading' to 'done'): $(grep -E 'reload: (reading|done)' "$LAB_DIR/m2.log" | tail -n4 |
		    awk '{ split($1, a, ":"); t = (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 } /reading/ { s = t } /done/ { printf "%d ms ", t - s }')"
	fi
	agent_stop m1; agent_stop m2
	vips_flush m1; vips_flush m2
}

for c in $RELOAD_CASES; do
	for a in $RELOAD_AGENTS; do run_case "$a" "${c%x*}" "${c#*x}"; done
done

# ---------------------------------------------------------------- drain

DRAINS=$LAB_DIR/drains
: >"$DRAINS"
# handover_once NODE_OLD NODE_NEW WHAT CMD...: probe, run CMD, measure.
handover_once()
{
	local old=$1 new=$2 what=$3 t0 add del out
	shift 3
	addr_watch_start "$old"; addr_watch_start "$new"
	probe_start "$VIP4"
	pause 0.5
	t0=$(now_ms)
	"$@" >/dev/null 2>&1
	wait_for 6 holder_is "$VIP4" "$new" || say "warning: $what: $new does not hold the VIP"
	wait_for 3 client_gets "$VIP4" "$new" || say "warning: $what: the client does not reach $new"
	pause 0.2
	probe_stop
	out=$(probe_outage "$t0" "$old") || out=NA
	add=$(vip_event_ms "$new" "$VIP4" "$t0") || add=NA
	del=$(vip_event_ms "$old" "$VIP4" "$t0" Deleted) || del=NA
	addr_watch_stop "$old"; addr_watch_stop "$new"
	[ "$add" != NA ] && [ "$del" != NA ] && no_vip=$(( add - del )) || no_vip=NA
	echo "$what|$out|$del|$add|$no_vip" >>"$DRAINS"
	say "$what: client outage $out ms; VIP deleted on $old at $del ms, added on $new at $add ms"
}

if [ "$DRAIN_RUNS" -gt 0 ] && [[ " $RELOAD_AGENTS " == *" vipd "* ]]; then
	vips_flush m1; vips_flush m2
	start_vipd m2 "$(vipd_conf m2 -p "$P_OLD")"
	start_vipd m1 "$(vipd_conf m1 -p 100)"
	wait_for 10 holder_is "$VIP4" m2 || say "warning: m2 not elected"
	for i in $(seq 1 "$DRAIN_RUNS"); do
		handover_once m2 m1 "vipd: vipctl drain --wait 10 (run $i)" vctl m2 drain --wait 10
		vctl m2 resume >/dev/null
		wait_for 8 holder_is "$VIP4" m2 || say "warning: m2 did not preempt after resume"
		pause 1
	done
	agent_stop m1; agent_stop m2
	ip -n "$(ns m1)" addr del "$VIP4/24" dev eth0 2>/dev/null
	ip -n "$(ns m2)" addr del "$VIP4/24" dev eth0 2>/dev/null
fi
if [ "$DRAIN_RUNS" -gt 0 ] && [[ " $RELOAD_AGENTS " == *" keepalived "* ]]; then
	start_keepalived m2 "$(ka_conf m2 -p "$P_OLD")"
	start_keepalived m1 "$(ka_conf m1 -p 100)"
	wait_for 10 holder_is "$VIP4" m2 || say "warning: keepalived m2 not elected"
	pause 2
	handover_once m2 m1 "keepalived: no drain; graceful stop (SIGTERM)" stop_node m2
	agent_stop m1; agent_stop m2
fi

# ---------------------------------------------------------------- report

report()
{
	echo
	echo "## Reload: the Master's adverts and the transitions seen"
	echo
	echo "Run $(date '+%F %T') on $(uname -sr), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg);"
	echo "vipd $VIPD (built $(date -r "$VIPD" '+%F %T'), tree $(git -C "$TOP" describe --always --dirty 2>/dev/null)), $("$KEEPALIVED" --version 2>&1 | head -n1)."
	echo "m2 Master (150), m1 Backup (100); SIGHUP to both; a capture on the bridge. Gap: the largest interval"
	echo "between two adverts of one VRID from m2 around the reload (baseline: before any reload)."
	echo "State lines: m2+m1. VIPs deleted: on m2 during the reload. New prio: ms from the SIGHUP to m2's first advert at $P_NEW."
	echo
	echo "| agent | instances x interval | reload | largest gap ms | baseline gap ms | adverts from the Backup | state lines | VIPs deleted | new prio after ms | VIPs on m2 after |"
	echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, ($9 == "NA" ? "-" : $9), $10 }' "$ROWS"
	if [ -s "$DRAINS" ]; then
		echo
		echo "## Planned handover: the client's outage"
		echo
		echo "1 instance, 1 s adverts, m2 (150) -> m1 (100; Skew_Time 0.61 s). Client outage: lib.sh's probe (a TCP"
		echo "connection to VIP:6443 every 20 ms). Address logs: ms after the command for the deletion on m2 and the"
		echo "addition on m1, and the time no node held the VIP."
		echo
		echo "| handover | client outage ms | deleted on m2 ms | added on m1 ms | no VIP ms |"
		echo "| --- | ---: | ---: | ---: | ---: |"
		awk -F'|' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$DRAINS"
	fi
}
report | { if [ -n "$RELOAD_OUT" ]; then tee "$RELOAD_OUT"; else cat; fi; }
