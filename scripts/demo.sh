#!/bin/bash
# vipd demo, for an operator of a kubeadm HA control plane: three masters
# m1, m2, m3 and a client in network namespaces on one bridge. Each master
# runs an apiserver stand-in (HTTPS on 6443, a throwaway CA, the name
# "kubernetes") and vipd with the config `vipctl generate config` prints for
# it (native https checks of /readyz and /livez). The client asks
# https://VIP:6443/readyz every 20 ms, each time on a new connection, and an
# answer counts only if it is 200: that is an apiserver that can serve.
#
# Scenes, each with its timeline and the outage the client saw:
#   1. the apiserver dies on the Master (kill -9 of the stand-in)
#   2. the apiserver on the Master turns not ready (it lost etcd) but stays up
#   3. the Master node crashes (kill -9 of the daemon, link down)
#   4. a planned drain of the Master (vipctl drain --wait)
#   5. the crashed master comes back
# --compare keepalived runs the same scenes on the same namespaces with
# keepalived and the kubeadm HA guide's keepalived.conf and check_apiserver.sh
# (its scene 4 is a graceful stop: keepalived has no drain), then prints both
# columns side by side.
#
# Needs root; touches nothing outside the namespaces it makes (192.0.2.0/24,
# 2001:db8::/64), and removes them and its processes on any exit.
#
# usage: [VIPD=path] [KEEPALIVED=path] scripts/demo.sh [--compare keepalived] [--quick]
#   --quick   shorter pauses between scenes (the test suite's smoke run)
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
COMPARE="" QUICK=0
while [ $# -gt 0 ]; do
	case $1 in
	--compare) [ "${2:-}" = keepalived ] || { echo "demo: --compare takes 'keepalived'" >&2; exit 2; }
		COMPARE=keepalived; shift ;;
	--compare=keepalived) COMPARE=keepalived ;;
	--quick) QUICK=1 ;;
	-h|--help) sed -n '2,25p' "$0"; exit 0 ;;
	*) echo "demo: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
LAB_SHORT=demo
# shellcheck source=../tests/integration/lib.sh
. "$TOP/tests/integration/lib.sh"
# shellcheck source=../tests/integration/lib_apiserver.sh
. "$TOP/tests/integration/lib_apiserver.sh"
VIPCTL=${VIPCTL:-$TOP/src/vipctl}

[ "$(id -u)" = 0 ] || { echo "demo: run as root (network namespaces)" >&2; exit 1; }
for b in "$VIPD" "$VIPCTL"; do
	[ -x "$b" ] || { echo "demo: no binary at $b (build first: make)" >&2; exit 1; }
done
[ -z "$COMPARE" ] || [ -x "$KEEPALIVED" ] ||
    { echo "demo: no keepalived at $KEEPALIVED (apt-get install keepalived)" >&2; exit 1; }
for c in curl socat openssl "$STANDIN_PY"; do
	command -v "$c" >/dev/null || { echo "demo: $c is needed" >&2; exit 1; }
done

PEERS=192.0.2.11,192.0.2.12,192.0.2.13
PAUSE=1.0                 # between scenes: the reader sees the steady state
[ "$QUICK" = 1 ] && PAUSE=0.3
CLIENT_WAIT=15            # how long the client may take to reach the new holder
NOTREADY_S=35             # how long scene 2 waits for a move before it gives up
FOLLOW_PIDS=()
TZ_OFFSET_MS=$(date +%z | awk '{ s = substr($1, 1, 1) == "-" ? -1 : 1
	print s * (substr($1, 2, 2) * 3600 + substr($1, 4, 2) * 60) * 1000 }')
declare -A RESULT         # RESULT[daemon,scene] = outage text

# ---------------------------------------------------------------- output

# tl TEXT: one timeline line, seconds since the demo started.
tl() { tl_at "$(now_ms)" "$@"; }

# tl_at T_MS TEXT: a timeline line for an event at T_MS.
tl_at()
{
	local d=$(( $1 - DEMO_T0 ))
	shift
	printf '%4d.%03d  %s\n' $(( d / 1000 )) $(( d % 1000 )) "$*"
}

# scene N TITLE: a scene's heading.
scene() { printf '\nscene %s: %s\n' "$1" "$2"; }

# die TEXT: the demo cannot go on (the state is printed, the trap cleans up).
die()
{
	tl "ERROR: $*"
	lab_dump_state
	exit 1
}

# ---------------------------------------------------------------- daemon logs as events

# log_event NODE LINE: print LINE of NODE's daemon log if it is an event an
# operator cares about (a check up or down, a state change, a priority change).
log_event()
{
	local node=$1 line=$2 re name rest at t
	case $line in
	*" is now "*|*" -> "*|*VRRP_Script*|*"effective priority"*|*"Entering "*) ;;
	*) return 0 ;;   # most lines: no fork, so that the follower keeps up
	esac
	t=${EPOCHREALTIME/./}
	at=$(( 10#$t / 1000 ))
	re='^[A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]+ [0-9:.]+ [0-9]{4}: (.*)$'
	[[ $line =~ $re ]] && line=${BASH_REMATCH[1]}
	re='^([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{3}) [a-z]+: (.*)$'
	if [[ $line =~ $re ]]; then
		line=${BASH_REMATCH[5]}
		log_time_ms "$at" "${BASH_REMATCH[@]:1:4}"
		at=$LOG_MS
	fi
	case $line in
	*"check '"*"' is now "*)
		name=${line#*check \'}; name=${name%%\'*}; rest=${line#*\' is now }
		line="check $name ${rest%%:*}"
		[ "$rest" != "${rest#*: }" ] && line="$line (${rest#*: })" ;;
	*"/IPv4: "*" -> "*) line=${line#*/IPv4: } ;;
	*"VRRP_Script("*") failed"*|*"VRRP_Script("*") succeeded"*)
		line=${line#*VRRP_Script(}; line="check ${line/) / }"; line=${line/exited with status/exit status} ;;
	*"Changing effective priority from "*" to "*)
		line=${line#*priority from }; line="priority ${line/ to / -> }" ;;
	*"Entering "*" STATE"*) line=${line#*) } ;;
	*) return 0 ;;
	esac
	tl_at "$at" "  $node: $line"
}

# log_time_ms NOW_MS HH MM SS MMM: LOG_MS = the epoch ms of vipd's log time
# stamp (local time, within the day before NOW_MS).
log_time_ms()
{
	local now=$1 t
	t=$(( ((10#$2 * 60 + 10#$3) * 60 + 10#$4) * 1000 + 10#$5 ))
	t=$(( now - (now + TZ_OFFSET_MS) % 86400000 + t ))
	[ "$t" -gt $(( now + 60000 )) ] && t=$(( t - 86400000 ))
	LOG_MS=$t
}

# follow_log NODE: in the background, print the events of NODE's daemon log
# as they are written (from the current end on).
follow_log()
{
	local node=$1 f=$LAB_DIR/$1.log
	touch "$f"
	(
		exec {fd}<"$f"
		while IFS= read -r _ <&"$fd"; do :; done
		part=""
		while :; do
			if IFS= read -r line <&"$fd"; then
				log_event "$node" "$part$line"
				part=""
			else
				part=$part$line
				sleep 0.05
			fi
		done
	) &
	FOLLOW_PIDS+=($!)
}

follow_stop()
{
	local p
	for p in "${FOLLOW_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	FOLLOW_PIDS=()
}

demo_cleanup()
{
	local rc=$?
	follow_stop
	(exit "$rc")
	lab_cleanup
}

# ---------------------------------------------------------------- the client

# client_start: in the client's namespace, every 20 ms (bounded: 400 s) an
# HTTPS GET of https://VIP:6443/readyz on a new connection, verified against
# the CA (tests/integration/https_poller.py); every 200 answer is logged as
# "start_ms end_ms node", which probe_outage (lib.sh) reads.
client_start()
{
	: >"$LAB_DIR/probe.log"
	ip netns exec "$(ns cl)" "$STANDIN_PY" "$TOP/tests/integration/https_poller.py" \
	    "$LAB_DIR/pki/ca.crt" "$VIP4" "$PORT" /readyz "$LAB_DIR/probe.log" 20 400 \
	    </dev/null >/dev/null 2>&1 &
	LAB_PROBE_PID=$!
}

# client_answered_by NODE T0_MS: the client got a 200 from NODE that it asked after T0.
client_answered_by()
{
	awk -v t0="$2" -v n="$1" '$1 >= t0 && $3 == n { f = 1; exit } END { exit !f }' \
	    "$LAB_DIR/probe.log"
}

# ---------------------------------------------------------------- the masters

# holder: the one node that holds the VIP, or fail.
holder()
{
	local h; h=$(vip_holder "$VIP4")
	[ "$h" != none ] && [ "${h// /}" = "$h" ] && echo "$h"
}

# gen_conf NODE: the config `vipctl generate config` prints for NODE, with the
# demo's CA in place of kubeadm's.
gen_conf()
{
	"$VIPCTL" generate config --vip "$VIP4/24" --interface eth0 --peers "$PEERS" \
	    --node "$(node_index "$1")" | sed "s|/etc/kubernetes/pki/ca.crt|$LAB_DIR/pki/ca.crt|"
}

# The kubeadm HA guide's check_apiserver.sh (scripts/check_apiserver.sh)
# with the VIP and port written in, as the guide has the operator do.
guide_script()
{
	sed -e "s|^APISERVER_DEST_PORT=.*|APISERVER_DEST_PORT=$PORT|" \
	    -e "/^APISERVER_DEST_PORT=/a APISERVER_VIP=$VIP4" \
	    "$TOP/scripts/check_apiserver.sh" >"$LAB_DIR/check_apiserver.sh"
	chmod 755 "$LAB_DIR/check_apiserver.sh"
}

# start_daemon DAEMON NODE: vipd with the generated config, or keepalived
# with the guide's.
start_daemon()
{
	if [ "$1" = vipd ]; then
		start_vipd "$2" "$(gen_conf "$2")"
	else
		local prio=100
		[ "$2" = m1 ] && prio=101
		start_keepalived "$2" "$(ka_guide_conf "$2" "$prio")"
	fi
}

# reboot_node NODE: after kill_node, the node is back: no VIP, link up, a
# new apiserver (ready); its daemon is not started.
reboot_node()
{
	revive_node "$1"
	apiserver_ready "$1"
	[ -s "$LAB_DIR/$1.apiserver.pid" ] && apiserver_kill "$1" >/dev/null
	apiserver_start "$1"
}

# kill_daemons: the end of a run: every daemon killed, every node rebooted.
kill_daemons()
{
	local n p pids
	for n in "${LAB_MASTERS[@]}"; do
		pids=$(_node_pids "$n")
		{
			for p in $pids; do kill -9 "$p"; done
			for p in $pids; do wait "$p"; done
		} 2>/dev/null
		rm -f "$LAB_DIR/$n.pid" "$LAB_DIR/$n.vrrp.pid" "$LAB_DIR/$n.launch.pid"
		reboot_node "$n"
	done
}

# ---------------------------------------------------------------- a scene's measurement

# await_move DAEMON SCENE OLD T0_MS TIMEOUT_S: wait until one node other than
# OLD holds the VIP and answers the client; print when, and the client's
# outage; store it as RESULT[DAEMON,SCENE]. On timeout, the outage is the
# whole wait ("N+ ms"). Sets NEW (the node, or "").
await_move()
{
	local d=$1 sc=$2 old=$3 t0=$4 timeout=$5 out
	NEW=""
	if ! wait_for "$timeout" holder_not "$VIP4" "$old"; then
		RESULT[$d,$sc]="$(( $(now_ms) - t0 ))+"
		tl "the VIP is still on $old after $timeout s: no ready answer for ${RESULT[$d,$sc]} ms"
		return 1
	fi
	NEW=$(holder)
	if ! wait_for "$CLIENT_WAIT" client_answered_by "$NEW" "$t0"; then
		RESULT[$d,$sc]="$(( $(now_ms) - t0 ))+"
		client_stuck "$NEW"
		return 0
	fi
	sleep 0.1
	out=$(probe_outage "$t0" "$old") || die "no answer from another master after the event"
	RESULT[$d,$sc]=$out
	tl_at "$(client_first_answer "$NEW" "$t0")" "client answered by $NEW: outage $out ms"
}

# client_first_answer NODE T0_MS: when (ms) the first 200 from NODE asked after T0 came.
client_first_answer()
{
	sort -n "$LAB_DIR/probe.log" | awk -v t0="$2" -v n="$1" '$1 >= t0 && $3 == n { print $2; exit }'
}

# mac_node MAC: the master whose eth0 has that MAC ("?" if none).
mac_node()
{
	local n
	for n in "${LAB_MASTERS[@]}"; do
		ip -n "$(ns "$n")" -o link show eth0 | grep -qi " $1 " && { echo "$n"; return; }
	done
	echo "?"
}

# client_stuck NEW: the client got no answer from NEW, which holds the VIP:
# say where its ARP entry for the VIP points, and flush it to go on.
client_stuck()
{
	local mac to=nothing
	mac=$(ip -n "$(ns cl)" neigh show "$VIP4" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
	[ -n "$mac" ] && to="the MAC of $(mac_node "$mac")"
	tl "client: no answer from $1 in $CLIENT_WAIT s; its ARP entry for the VIP points at $to"
	tl "client: (a gratuitous ARP less than 1 s (locktime) after another is ignored; a real client waits for its entry to expire, 15-45 s)"
	ip -n "$(ns cl)" neigh flush "$VIP4" 2>/dev/null
	tl "client: ARP entry flushed by the demo to go on"
	wait_for 5 client_answered_by "$1" "$(now_ms)" || die "the client gets no answer from $1 even after an ARP flush"
}

# await_master NODE TIMEOUT_S WHAT: NODE becomes the only holder and answers.
await_master()
{
	local t0; t0=$(now_ms)
	wait_for "$2" holder_is "$VIP4" "$1" || die "$1 did not take the VIP $3 (holders: $(vip_holder "$VIP4"))"
	wait_for "$CLIENT_WAIT" client_answered_by "$1" "$t0" || client_stuck "$1"
}

# back_line T0_MS OLD: m1 took the VIP back from OLD (preempt): the client's outage.
back_line()
{
	tl_at "$(client_first_answer m1 "$1")" \
	    "client answered by m1 again: outage $(probe_outage "$1" "$2" 2>/dev/null || echo ?) ms"
}

# ---------------------------------------------------------------- the story

# story DAEMON: the five scenes with DAEMON on the three masters.
story()
{
	local d=$1 n t0 old ka=0 to_fail=10 to_back=15
	[ "$d" = keepalived ] && ka=1 to_fail=45 to_back=25
	printf '\n==== %s ====\n' "$d"
	if [ $ka = 0 ]; then
		echo "configs: vipctl generate config --vip $VIP4/24 --interface eth0 \\"
		echo "           --peers $PEERS --node N   (N = 1, 2, 3)"
		echo "  VRRPv3, priorities 254/253/252, native https checks of /readyz (weight -50)"
		echo "  and /livez (-100) every 0.5 s, fall 2, rise 2"
	else
		echo "config: the kubeadm HA guide's keepalived.conf: VRRPv2, PASS auth,"
		echo "  priorities 101/100/100, check_apiserver.sh (GET https://localhost:6443/)"
		echo "  every 3 s, weight -2, fall 10, rise 2"
	fi
	client_start
	for n in "${LAB_MASTERS[@]}"; do start_daemon "$d" "$n"; done
	tl "$d started on m1, m2, m3"
	await_master m1 20 "at start"
	tl "m1 holds the VIP; the client is answered by m1"
	[ $ka = 1 ] && sleep 7   # the guide's check has risen (rise 2, every 3 s)
	for n in "${LAB_MASTERS[@]}"; do follow_log "$n"; done
	sleep "$PAUSE"

	scene 1 "the apiserver dies on the Master (m1)"
	kill -9 "$(cat "$LAB_DIR/m1.apiserver.pid")"
	t0=$(now_ms)
	rm -f "$LAB_DIR/m1.apiserver.pid"
	tl_at "$t0" "m1's apiserver killed (kill -9)"
	await_move "$d" 1 m1 "$t0" "$to_fail"
	sleep "$PAUSE"
	t0=$(now_ms)
	apiserver_start m1
	tl "m1's apiserver is back"
	old=$NEW
	await_master m1 "$to_back" "back after its apiserver returned"
	back_line "$t0" "$old"
	[ $ka = 1 ] || sleep "$PAUSE"

	scene 2 "the apiserver on the Master (m1) turns not ready (lost etcd), still running"
	t0=$(apiserver_not_ready m1)
	tl_at "$t0" "m1's /readyz answers 500; /livez and / still 200"
	if await_move "$d" 2 m1 "$t0" "$([ $ka = 1 ] && echo "$NOTREADY_S" || echo 10)"; then
		sleep "$PAUSE"
		t0=$(now_ms)
		apiserver_ready m1
		tl "m1's apiserver is ready again"
		old=$NEW
		await_master m1 "$to_back" "back after its apiserver turned ready"
		back_line "$t0" "$old"
	else
		tl "  (the guide's check_apiserver.sh asks GET /, which a not-ready apiserver answers)"
		apiserver_ready m1
		tl "m1's apiserver is ready again"
	fi
	sleep "$PAUSE"

	scene 3 "the Master node (m1) crashes"
	kill_node m1
	t0=$KILL_T
	tl_at "$t0" "m1 crashed ($d killed with kill -9, link down)"
	await_move "$d" 3 m1 "$t0" 15
	old=$NEW
	sleep "$PAUSE"

	if [ $ka = 0 ]; then
		scene 4 "a planned drain of the Master ($old)"
		t0=$(now_ms)
		"$VIPCTL" -s "$LAB_DIR/$old.sock" drain --wait 10 >/dev/null ||
		    die "vipctl drain --wait 10 failed on $old"
		tl "vipctl drain --wait 10 on $old returned"
	else
		scene 4 "a planned handover of the Master ($old): keepalived has no drain, so a graceful stop"
		t0=$(now_ms)
		stop_node "$old" || die "keepalived on $old did not stop"
		tl "keepalived on $old stopped (SIGTERM)"
	fi
	await_move "$d" 4 "$old" "$t0" 10
	old=$NEW
	sleep "$PAUSE"

	scene 5 "the crashed master (m1) comes back"
	tl "m1 reboots: link up, VIP gone, apiserver restarted"
	reboot_node m1
	t0=$(now_ms)
	tl "m1: $d starts"
	start_daemon "$d" m1
	await_move "$d" 5 "$old" "$t0" 20
	[ "$NEW" = m1 ] || die "m1 should hold the VIP, $NEW does"
	if [ $ka = 0 ]; then
		vctl_resume=$("$VIPCTL" -s "$LAB_DIR/m2.sock" resume 2>&1) || die "vipctl resume on m2: $vctl_resume"
		tl "m2's maintenance is over: vipctl resume (m1, 254, stays Master)"
	fi
	sleep "$PAUSE"
	FINAL[$d]=$(vip_holder "$VIP4")
	tl "the VIP is on: ${FINAL[$d]}"
	probe_stop
	follow_stop
}

# ---------------------------------------------------------------- the summary

SCENES=("apiserver dies on the Master" "apiserver not ready, still up"
    "Master node crashes" "planned drain of the Master" "crashed master comes back")
declare -A FINAL

summary()
{
	local d i text
	printf '\nclient-visible outage (ms), one run, adverts every 1 s\n'
	if [ -z "$COMPARE" ]; then
		printf '  %-33s %s\n' scene vipd
		for i in 1 2 3 4 5; do
			printf '  %d %-31s %s\n' "$i" "${SCENES[$((i - 1))]}" "${RESULT[vipd,$i]:-?}"
		done
	else
		printf '  %-33s %-8s %s\n' scene vipd keepalived
		for i in 1 2 3 4 5; do
			text=${SCENES[$((i - 1))]}
			printf '  %d %-31s %-8s %s\n' "$i" "$text" "${RESULT[vipd,$i]:-?}" \
			    "${RESULT[keepalived,$i]:-?}$([ $i = 4 ] && echo ' (graceful stop: no drain)')"
		done
		echo "  (N+ : the VIP never left the failed master in the time given)"
	fi
	for d in vipd $COMPARE; do
		echo "VIP $VIP4 at the end ($d): ${FINAL[$d]:-?}"
	done
}

# ---------------------------------------------------------------- main

DEMO_T0=$(now_ms)
echo "vipd demo: a kubeadm HA control plane of three masters in network namespaces"
echo "  m1 192.0.2.11, m2 .12, m3 .13 and a client .200 on one bridge; VIP $VIP4:6443"
echo "  each master: an apiserver stand-in (HTTPS, test CA, name \"kubernetes\")"
echo "  client: GET https://$VIP4:6443/readyz every 20 ms, a new connection each time"
echo "  outage: from the event (or the failed master's last 200, if later) to the end"
echo "  of the first 200 from the next master; so it includes one request's time"
echo "  machine: $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg) (a loaded machine adds to every figure)"
lab_setup 3 >/dev/null
trap demo_cleanup EXIT
pki_setup
for n in "${LAB_MASTERS[@]}"; do apiserver_start "$n"; done
for n in "${LAB_MASTERS[@]}"; do
	gen_conf "$n" >"$LAB_DIR/$n.generated.conf" || die "vipctl generate config failed"
	ip netns exec "$(ns "$n")" "$VIPD" -t -f "$LAB_DIR/$n.generated.conf" >/dev/null 2>&1 ||
	    die "vipd -t refuses the generated config of $n"
done
guide_script
tl "lab ready: namespaces $LAB_PREFIX-*, apiservers up"

story vipd
if [ -n "$COMPARE" ]; then
	kill_daemons
	story keepalived
fi
summary
tl "done; cleaning up"
exit 0
