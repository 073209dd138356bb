# shellcheck shell=bash
# Namespace test harness for vipd: sourced by every tests/integration/t_*.sh, by
# scripts/demo.sh and by tests/bench/failover.sh.
#
# The lab: a "switch" namespace holding bridge br0, N master namespaces m1..mN
# (eth0 = 192.0.2.1N/24 and 2001:db8::1N/64, plus the automatic link-local) and
# a client namespace cl (192.0.2.200/24, 2001:db8::200/64), each joined to br0
# by a veth pair created directly between the two namespaces, so nothing ever
# appears in the host's network namespace. Every master runs a TCP listener on
# port 6443 that answers its node name, so the client can tell which master
# holds the VIP.
#
# Names: namespaces are "vt<pid>-<short test name>-<node>", unique per run.
# lab_cleanup (trapped on EXIT, INT and TERM) kills every process in those
# namespaces by pid, deletes them and removes the run's temp dir.
#
# Environment:
#   VIPD=path        the vipd binary (default: src/vipd of this tree)
#   KEEPALIVED=path  the keepalived binary (default /usr/sbin/keepalived)
#   DAEMON=keepalived  harness self-check only: vipd_node starts keepalived
#                    instead of vipd (says nothing about vipd)
#   KEEP_LOGS=1      keep the run's temp dir (configs, logs) after the run
#   VT_STOP_DAEMONS=1  at cleanup, stop the vipd daemons with SIGTERM (5 s)
#                    before killing what is left (exit-time leak checks)
#   VT_REGISTRY=file the runner's list of namespaces to sweep after a test

export LC_ALL=C
set -u

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$LIB_DIR/../.." && pwd)
VIPD=${VIPD:-$TOP_DIR/src/vipd}
case $VIPD in /*) ;; *) VIPD=$PWD/$VIPD ;; esac
KEEPALIVED=${KEEPALIVED:-/usr/sbin/keepalived}
DAEMON=${DAEMON:-vipd}

VIP4=192.0.2.100
VIP6=2001:db8::100
VRID=51
PORT=6443

LAB_PREFIX=""          # vt<pid>-<short>
LAB_DIR=""             # the run's temp dir
LAB_NS=()              # every namespace made, for cleanup
LAB_MASTERS=()         # m1 .. mN
LAB_STARTED=()         # nodes a daemon was started on (for logs)
LAB_PROBE_PID=""
LAB_READY=0            # when lab_setup finished (ms): daemons start after it

# ---------------------------------------------------------------- output

# Print a line prefixed with the time since the lab was set up.
say() { printf '[%6s ms] %s\n' "$(( $(now_ms) - ${LAB_T0:-$(now_ms)} ))" "$*"; }

# Print a measured value: the runner shows these lines for passing tests.
measured() { printf '  measured: %s\n' "$*"; }

# Print FAIL with a reason, the lab's state and the daemons' logs, exit 1.
fail()
{
	printf 'FAIL: %s\n' "$*"
	lab_dump_state
	local n
	for n in "${LAB_STARTED[@]}"; do log_tail "$n" 40; done
	exit 1
}

# assert_eq EXPECTED ACTUAL WHAT: fail unless equal.
assert_eq()
{
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}

# assert_le VALUE LIMIT WHAT: fail unless integer VALUE <= LIMIT.
assert_le()
{
	[ "$1" -le "$2" ] || fail "${3:-value}: $1 > limit $2"
}

# Print the last lines of a node's daemon log.
log_tail()
{
	local f=$LAB_DIR/$1.log
	[ -f "$f" ] || return 0
	printf -- '----- log of %s (last %s lines) -----\n' "$1" "${2:-40}"
	tail -n "${2:-40}" "$f"
}

# Print which node holds which address, for failure reports.
lab_dump_state()
{
	[ -n "$LAB_PREFIX" ] || return 0
	local n
	printf -- '----- lab state -----\n'
	for n in "${LAB_MASTERS[@]}"; do
		printf '%s: daemon %s, link %s; %s\n' "$n" \
		    "$(node_alive "$n" && echo running || echo stopped)" \
		    "$(link_is_cut "$n" && echo cut || echo up)" \
		    "$(ip -n "$(ns "$n")" -o addr show dev eth0 2>/dev/null |
		      awk '{printf "%s ", $4}')"
	done
}

# ---------------------------------------------------------------- time

# Milliseconds since the epoch (the clock of date +%s%N).
now_ms()
{
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME/./}
		echo $(( 10#$t / 1000 ))
	else
		local t; t=$(date +%s%N)
		echo $(( t / 1000000 ))
	fi
}

# Convert seconds (integer or decimal, e.g. 0.25) to milliseconds.
to_ms()
{
	local s=$1 int frac
	int=${s%%.*}; frac=
	[ "$int" != "$s" ] && frac=${s#*.}
	frac=${frac}000; frac=${frac:0:3}
	echo $(( 10#${int:-0} * 1000 + 10#$frac ))
}

# wait_for TIMEOUT_S CMD...: poll CMD every 20 ms (WAIT_STEP seconds) until
# it succeeds (0) or TIMEOUT_S seconds pass (1). CMD's output is discarded.
wait_for()
{
	local end=$(( $(now_ms) + $(to_ms "$1") ))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep "${WAIT_STEP:-0.02}"
	done
}

# measure_until TIMEOUT_S T0_MS CMD...: wait_for CMD, then print the ms
# elapsed since T0_MS; returns 1 (printing the elapsed time too) on timeout.
measure_until()
{
	local timeout=$1 t0=$2 rc=0
	shift 2
	wait_for "$timeout" "$@" || rc=1
	echo $(( $(now_ms) - t0 ))
	return $rc
}

# stays_for SECONDS CMD...: succeed if CMD keeps succeeding, polled every
# 50 ms, for SECONDS; fail at the first time it does not.
stays_for()
{
	local end=$(( $(now_ms) + $(to_ms "$1") ))
	shift
	while [ "$(now_ms)" -lt "$end" ]; do
		"$@" >/dev/null 2>&1 || return 1
		sleep 0.05
	done
	return 0
}

# ---------------------------------------------------------------- lab

# The namespace name of a node (m1.., cl, sw).
ns() { echo "$LAB_PREFIX-$1"; }

# A master's index from its name: m3 -> 3.
node_index() { echo "${1#m}"; }

# The IPv4 / IPv6 address of a node.
node_ip4() { if [ "$1" = cl ]; then echo 192.0.2.200; else echo "192.0.2.1$(node_index "$1")"; fi; }
node_ip6() { if [ "$1" = cl ]; then echo 2001:db8::200; else echo "2001:db8::1$(node_index "$1")"; fi; }

_lab_short()
{
	local s
	s=$(basename "${0%.sh}")
	s=${s#t_}
	s=${s//_/}
	echo "${LAB_SHORT:-${s:0:8}}"
}

# Make a namespace with lo up; remember it for cleanup.
_lab_ns_add()
{
	local name; name=$(ns "$1")
	ip netns add "$name" || fail "cannot create namespace $name"
	LAB_NS+=("$name")
	[ -n "${VT_REGISTRY:-}" ] && echo "ns $name" >>"$VT_REGISTRY"
	ip -n "$name" link set lo up
}

# Join a node to the bridge: eth0 in the node, NODE on br0 in the switch.
_lab_join()
{
	local node=$1 nsn sw
	nsn=$(ns "$node"); sw=$(ns sw)
	ip -n "$nsn" link add eth0 type veth peer name "$node" netns "$sw" ||
	    fail "cannot create the veth of $node"
	ip -n "$sw" link set "$node" master br0 up
	ip -n "$nsn" addr add "$(node_ip4 "$node")/24" dev eth0
	ip -n "$nsn" addr add "$(node_ip6 "$node")/64" dev eth0 nodad
	ip -n "$nsn" link set eth0 up
}

# True when no address of the node is tentative (IPv6 DAD done).
_lab_dad_done() { ! ip -n "$(ns "$1")" -6 addr show dev eth0 tentative | grep -q inet6; }

# Start the port-6443 listener of a master: it answers the node's name.
_lab_listener()
{
	local node=$1
	ip netns exec "$(ns "$node")" socat \
	    TCP6-LISTEN:$PORT,ipv6only=0,fork,reuseaddr SYSTEM:"echo $node" \
	    </dev/null >/dev/null 2>&1 &
	echo $! >"$LAB_DIR/$node.listener.pid"
}

_lab_listening() { ip netns exec "$(ns "$1")" ss -Hltn "sport = :$PORT" | grep -q .; }

# lab_setup N: the switch, N masters m1..mN, the client, the listeners.
lab_setup()
{
	local n=$1 i node
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
	LAB_PREFIX="vt$$-$(_lab_short)"
	LAB_DIR=$(mktemp -d "/tmp/$LAB_PREFIX.XXXXXX")
	[ -n "${VT_REGISTRY:-}" ] && echo "dir $LAB_DIR" >>"$VT_REGISTRY"
	trap lab_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	LAB_T0=$(now_ms)
	_lab_ns_add sw
	ip netns exec "$(ns sw)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1
	ip -n "$(ns sw)" link add br0 type bridge stp_state 0 forward_delay 0 \
	    mcast_snooping 0 || fail "cannot create the bridge"
	ip -n "$(ns sw)" link set br0 up
	for i in $(seq 1 "$n"); do LAB_MASTERS+=("m$i"); done
	for node in "${LAB_MASTERS[@]}" cl; do
		_lab_ns_add "$node"
		_lab_join "$node"
	done
	for node in "${LAB_MASTERS[@]}"; do _lab_listener "$node"; done
	for node in "${LAB_MASTERS[@]}" cl; do
		wait_for 5 _lab_dad_done "$node" || fail "IPv6 DAD not done on $node"
	done
	for node in "${LAB_MASTERS[@]}"; do
		wait_for 3 _lab_listening "$node" || fail "listener of $node not up"
	done
	say "lab $LAB_PREFIX: switch, ${LAB_MASTERS[*]}, client; logs in $LAB_DIR"
	LAB_READY=$(now_ms)
}

# All pids started for a node's daemon, children before parents: from the
# pid files and the launch pid, each with its descendants; only pids that run
# in the node's namespace (a stale pid file never names someone else's).
_node_pids()
{
	local node=$1 f p nsn
	nsn=$(ns "$node")
	for f in "$LAB_DIR/$node.vrrp.pid" "$LAB_DIR/$node.pid" \
	    "$LAB_DIR/$node.launch.pid"; do
		[ -s "$f" ] || continue
		p=$(cat "$f")
		[ -n "$p" ] && [ -e "/proc/$p" ] && _descendants "$p"
	done | awk '!seen[$0]++' | while read -r p; do
		[ "$(ip netns identify "$p" 2>/dev/null)" = "$nsn" ] && echo "$p"
	done
}

# Print PID's descendants, deepest first, then PID itself.
_descendants()
{
	local c
	for c in $(pgrep -P "$1" 2>/dev/null); do _descendants "$c"; done
	echo "$1"
}

# True if a pid is running (and not a zombie).
_pid_alive()
{
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	local st; st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}

# True if the node's daemon (its launch pid) is running.
node_alive()
{
	local f=$LAB_DIR/$1.launch.pid
	[ -s "$f" ] && _pid_alive "$(cat "$f")"
}

# VT_STOP_DAEMONS=1 (tests/sanitize.sh): before the kill, SIGTERM every vipd
# still running (SIGCONT first) and give them 5 s, so that what runs at exit
# (LeakSanitizer) runs.
_lab_stop_vipds()
{
	local n p pids=()
	[ -n "$LAB_DIR" ] && [ -d "$LAB_DIR" ] || return 0
	for n in "${LAB_MASTERS[@]}"; do
		[ "$(cat "$LAB_DIR/$n.kind" 2>/dev/null)" = vipd ] && node_alive "$n" || continue
		p=$(cat "$LAB_DIR/$n.launch.pid")
		kill -CONT "$p" 2>/dev/null
		kill -TERM "$p" 2>/dev/null && pids+=("$p")
	done
	for p in "${pids[@]}"; do wait_for 5 eval '! _pid_alive '"$p"; done
}

# lab_cleanup: kill everything in our namespaces, delete them, remove the dir.
lab_cleanup()
{
	local rc=$? n p name
	trap - EXIT INT TERM
	probe_stop 2>/dev/null
	disown -a 2>/dev/null
	if [ "${VT_STOP_DAEMONS:-0}" = 1 ]; then _lab_stop_vipds; fi
	if [ -n "$LAB_DIR" ] && [ -d "$LAB_DIR" ]; then
		for n in "${LAB_MASTERS[@]}"; do
			for p in $(_node_pids "$n"); do kill -9 "$p" 2>/dev/null; done
		done
	fi
	for name in "${LAB_NS[@]}"; do
		for p in $(ip netns pids "$name" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
	done
	wait 2>/dev/null
	for name in "${LAB_NS[@]}"; do ip netns del "$name" 2>/dev/null; done
	if [ -n "$LAB_DIR" ] && [ -d "$LAB_DIR" ]; then
		if [ "${KEEP_LOGS:-0}" = 1 ]; then
			echo "logs kept in $LAB_DIR"
		else
			rm -rf "$LAB_DIR"
		fi
	fi
	exit "$rc"
}

# ---------------------------------------------------------------- daemons

# Start a daemon command in a node's namespace, logs in DIR/NODE.log; waits
# until READY_FILE exists (or the daemon dies: fail).
_start_daemon()
{
	local node=$1 ready=$2
	shift 2
	[ -n "$LAB_DIR" ] || fail "lab_setup first"
	rm -f "$ready"
	printf -- '--- %s: %s\n' "$(date +%T.%N)" "$*" >>"$LAB_DIR/$node.log"
	ip netns exec "$(ns "$node")" "$@" </dev/null >>"$LAB_DIR/$node.log" 2>&1 &
	echo $! >"$LAB_DIR/$node.launch.pid"
	LAB_STARTED+=("$node")
	local i
	for i in $(seq 1 150); do
		[ -s "$ready" ] && return 0
		_pid_alive "$!" || fail "$node: the daemon exited at start"
		sleep 0.02
	done
	say "warning: $node: no pid file $ready after 3 s (daemon still running)"
}

# start_vipd NODE CONFIGTEXT: run vipd in NODE with that config.
start_vipd()
{
	local node=$1 d=$LAB_DIR
	[ -x "$VIPD" ] || fail "vipd binary not found: $VIPD (set VIPD=path)"
	printf '%s\n' "$2" >"$d/$node.conf"
	echo vipd >"$d/$node.kind"
	_start_daemon "$node" "$d/$node.pid" "$VIPD" -f "$d/$node.conf" \
	    --control "$d/$node.sock" --pidfile "$d/$node.pid" --log stderr -v
}

# start_keepalived NODE CONFIGTEXT: run keepalived (VRRP only, foreground,
# its own pid files, console log) in NODE with that config.
start_keepalived()
{
	local node=$1 d=$LAB_DIR
	[ -x "$KEEPALIVED" ] || fail "keepalived not found: $KEEPALIVED"
	printf '%s\n' "$2" >"$d/$node.conf"
	echo keepalived >"$d/$node.kind"
	_start_daemon "$node" "$d/$node.vrrp.pid" "$KEEPALIVED" -n -l -D -G \
	    --vrrp -f "$d/$node.conf" -p "$d/$node.pid" -r "$d/$node.vrrp.pid" \
	    -i "$LAB_PREFIX-$node"
}

# vipd_node NODE [OPTIONS]: start vipd with vipd_conf NODE OPTIONS
# (keepalived with ka_conf instead when DAEMON=keepalived: harness self-check).
vipd_node()
{
	local node=$1
	shift
	if [ "$DAEMON" = keepalived ]; then
		start_keepalived "$node" "$(ka_conf "$node" "$@")"
	else
		start_vipd "$node" "$(vipd_conf "$node" "$@")"
	fi
}

# ka_node NODE [OPTIONS]: start keepalived with ka_conf NODE OPTIONS.
ka_node()
{
	local node=$1
	shift
	start_keepalived "$node" "$(ka_conf "$node" "$@")"
}

# stop_node NODE [TIMEOUT_S]: SIGTERM and wait for the exit (default 10 s).
# Returns 0 when it exited; its exit status is in DIR/NODE.rc.
stop_node()
{
	local node=$1 pid rc
	pid=$(cat "$LAB_DIR/$node.launch.pid" 2>/dev/null) || return 1
	kill -TERM "$pid" 2>/dev/null
	wait_for "${2:-10}" eval '! _pid_alive '"$pid" || return 1
	wait "$pid" 2>/dev/null
	rc=$?
	echo "$rc" >"$LAB_DIR/$node.rc"
	return 0
}

# kill_node NODE: a crash. The daemon and its children are frozen at once
# (SIGSTOP: nothing more leaves them, no process learns of another's death),
# the node's link is cut (bridge side down), then they are killed (SIGKILL).
# The dead node keeps its addresses, as a crashed host does; vip_holder
# ignores a node whose link is cut. KILL_T = the time of the freeze (ms).
KILL_T=0
kill_node()
{
	local node=$1 pids p
	pids=$(_node_pids "$node")
	{
		for p in $pids; do kill -STOP "$p"; done
		KILL_T=$(now_ms)
		link_down "$node"
		for p in $pids; do kill -KILL "$p"; done
		for p in $pids; do wait "$p"; done
	} 2>/dev/null
	return 0
}

# link_down NODE: set the node's veth down on the bridge side (its eth0 loses
# carrier); the node is then off the network: vip_holder skips it.
link_down()
{
	ip -n "$(ns sw)" link set "$1" down
	: >"$LAB_DIR/$1.cut"
}

# link_up NODE: the node's link back up; waits until IPv6 DAD is done again.
link_up()
{
	ip -n "$(ns sw)" link set "$1" up
	rm -f "$LAB_DIR/$1.cut"
	wait_for 5 _lab_dad_done "$1"
}

# revive_node NODE: after kill_node, the node "reboots": its VIPs are gone
# (a rebooted host has none) and its link is back. Start a daemon after it.
revive_node()
{
	local nsn; nsn=$(ns "$1")
	ip -n "$nsn" addr del "$VIP4/24" dev eth0 2>/dev/null
	ip -n "$nsn" addr del "$VIP6/64" dev eth0 2>/dev/null
	link_up "$1"
}

# link_is_cut NODE: true while the node's link is down (link_down, kill_node).
link_is_cut() { [ -e "$LAB_DIR/$1.cut" ]; }

# ---------------------------------------------------------------- configs

# Options of vipd_conf and ka_conf:
#   -p PRIO  (100)   -i INTERVAL_S (1)   -V VERSION (3)   -r VRID (51)
#   -a VIP/PREFIX    (repeatable; default 192.0.2.100/24)
#   -P               preempt off
#   -d SECONDS       preempt_delay
#   -A PASSWORD      v2 PASS authentication
#   -u               unicast: source = own address, peers = the other masters
#   -x TEXT          extra text inside the instance
_conf_opts()
{
	C_PRIO=100; C_INT=1; C_VER=3; C_VRID=$VRID; C_VIPS=(); C_PREEMPT=1
	C_DELAY=""; C_PASS=""; C_UNICAST=0; C_EXTRA=""
	local OPTIND=1 o
	while getopts "p:i:V:r:a:Pd:A:ux:" o; do
		case $o in
		p) C_PRIO=$OPTARG ;; i) C_INT=$OPTARG ;; V) C_VER=$OPTARG ;;
		r) C_VRID=$OPTARG ;; a) C_VIPS+=("$OPTARG") ;; P) C_PREEMPT=0 ;;
		d) C_DELAY=$OPTARG ;; A) C_PASS=$OPTARG ;; u) C_UNICAST=1 ;;
		x) C_EXTRA=$OPTARG ;; *) fail "bad config option -$o" ;;
		esac
	done
	[ ${#C_VIPS[@]} -gt 0 ] || C_VIPS=("$VIP4/24")
}

# The other masters of the lab (unicast peers of NODE).
_peers_of()
{
	local n
	for n in "${LAB_MASTERS[@]}"; do [ "$n" != "$1" ] && echo "$n"; done
}

# Print a libconfig quoted list: ["a", "b"].
_cfg_list()
{
	local out="" x
	for x in "$@"; do out="$out${out:+, }\"$x\""; done
	echo "[ $out ]"
}

# vipd_conf NODE [OPTIONS]: print a vipd config for NODE.
vipd_conf()
{
	local node=$1 peers=()
	shift
	_conf_opts "$@"
	local n
	for n in $(_peers_of "$node"); do peers+=("$(node_ip4 "$n")"); done
	cat <<EOF
vipd: { router_id = "$node"; script_user = "root"; };
instances = (
  { name = "vi_$C_VRID"; interface = "eth0"; vrid = $C_VRID; priority = $C_PRIO;
    version = $C_VER; advert_interval = $C_INT;
    preempt = $([ "$C_PREEMPT" = 1 ] && echo true || echo false);
    vips = $(_cfg_list "${C_VIPS[@]}");
EOF
	[ -n "$C_DELAY" ] && echo "    preempt_delay = $C_DELAY;"
	[ -n "$C_PASS" ] &&
	    echo "    auth = { type = \"pass\"; password = \"$C_PASS\"; };"
	if [ "$C_UNICAST" = 1 ]; then
		echo "    unicast_source = \"$(node_ip4 "$node")\";"
		echo "    unicast_peers = $(_cfg_list "${peers[@]}");"
	fi
	[ -n "$C_EXTRA" ] && echo "    $C_EXTRA"
	echo "  }"
	echo ");"
}

# ka_conf NODE [OPTIONS]: print the equivalent keepalived config for NODE.
ka_conf()
{
	local node=$1 n v
	shift
	_conf_opts "$@"
	cat <<EOF
global_defs {
  router_id $node
  script_user root
  enable_script_security
}
vrrp_instance VI_$C_VRID {
  state BACKUP
  interface eth0
  version $C_VER
  virtual_router_id $C_VRID
  priority $C_PRIO
  advert_int $C_INT
EOF
	[ "$C_PREEMPT" = 0 ] && echo "  nopreempt"
	[ -n "$C_DELAY" ] && echo "  preempt_delay $C_DELAY"
	[ -n "$C_PASS" ] &&
	    printf '  authentication {\n    auth_type PASS\n    auth_pass %s\n  }\n' "$C_PASS"
	if [ "$C_UNICAST" = 1 ]; then
		echo "  unicast_src_ip $(node_ip4 "$node")"
		echo "  unicast_peer {"
		for n in $(_peers_of "$node"); do echo "    $(node_ip4 "$n")"; done
		echo "  }"
	fi
	[ -n "$C_EXTRA" ] && echo "  $C_EXTRA"
	echo "  virtual_ipaddress {"
	for v in "${C_VIPS[@]}"; do echo "    $v dev eth0"; done
	echo "  }"
	echo "}"
}

# ---------------------------------------------------------------- VIP checks

# vip_on NODE VIP: true if NODE has VIP on its eth0.
vip_on()
{
	ip -n "$(ns "$1")" -o addr show dev eth0 2>/dev/null | grep -qF " $2/"
}

# vip_holder VIP: print the node holding VIP, "none", or the holders' list;
# a node whose link is cut is off the network and does not count.
vip_holder()
{
	local n out=""
	for n in "${LAB_MASTERS[@]}"; do
		link_is_cut "$n" && continue
		vip_on "$n" "$1" && out="$out${out:+ }$n"
	done
	echo "${out:-none}"
}

# holder_is VIP NODE: true if NODE is the one and only holder of VIP.
holder_is() { [ "$(vip_holder "$1")" = "$2" ]; }

# holder_not VIP NODE: true if exactly one node holds VIP and it is not NODE.
holder_not()
{
	local h; h=$(vip_holder "$1")
	[ "$h" != none ] && [ "$h" != "$2" ] && [ "${h// /}" = "$h" ]
}

# vip_absent VIP NODE: true if NODE does not hold VIP.
vip_absent() { ! vip_on "$2" "$1"; }

# ---------------------------------------------------------------- client

# The socat address of VIP:6443 (TCP or TCP6).
_tcp_addr()
{
	case $1 in *:*) echo "TCP6:[$1]:$PORT" ;; *) echo "TCP4:$1:$PORT" ;; esac
}

# client_reaches VIP [TIMEOUT_S]: connect from the client to VIP:6443 and
# print the name of the master that answered; 0 if one did.
client_reaches()
{
	local out
	out=$(ip netns exec "$(ns cl)" socat -T1 - \
	    "$(_tcp_addr "$1"),connect-timeout=${2:-1}" </dev/null 2>/dev/null)
	[ -n "$out" ] || return 1
	echo "$out"
}

# client_gets VIP NODE: true if the client's connection is answered by NODE.
client_gets() { [ "$(client_reaches "$1" 0.3)" = "$2" ]; }

# client_ping VIP: one ping (v4 or v6) from the client.
client_ping() { ip netns exec "$(ns cl)" ping -q -c1 -W1 "$1" >/dev/null 2>&1; }

# probe_start VIP [PERIOD_MS] [MAX_S]: in the background, every PERIOD_MS
# (default 20) try a connection to VIP:6443 from the client (timeout 0.2 s)
# and log "start_ms end_ms node" for each answer; stops after MAX_S (60).
probe_start()
{
	local addr period=${2:-20} max=${3:-60}
	addr="$(_tcp_addr "$1"),connect-timeout=0.2"
	: >"$LAB_DIR/probe.log"
	ip netns exec "$(ns cl)" bash -c '
		t=${EPOCHREALTIME/./}; end=$(( 10#$t / 1000 + $3 * 1000 ))
		p=$(printf "0.%03d" "$2")
		while t=${EPOCHREALTIME/./}; s=$(( 10#$t / 1000 )); [ "$s" -lt "$end" ]; do
			{ a=$(socat -T0.3 - "$1" </dev/null 2>/dev/null)
			  t=${EPOCHREALTIME/./}
			  [ -n "$a" ] && echo "$s $(( 10#$t / 1000 )) $a"; } >>"$4" &
			sleep "$p"
		done
		wait' probe "$addr" "$period" "$max" "$LAB_DIR/probe.log" \
	    </dev/null >/dev/null 2>&1 &
	LAB_PROBE_PID=$!
}

# probe_stop: stop the background prober.
probe_stop()
{
	[ -n "$LAB_PROBE_PID" ] || return 0
	local p
	for p in $(_descendants "$LAB_PROBE_PID"); do kill "$p" 2>/dev/null; done
	wait "$LAB_PROBE_PID" 2>/dev/null
	LAB_PROBE_PID=""
}

# probe_outage T0_MS OLD: print the client-visible outage of a failover that
# began at T0_MS away from master OLD: the end of the first answer from
# another master after T0, minus max(T0, the start of OLD's last answered
# attempt before that). Returns 1 (printing nothing) if no other master
# answered.
probe_outage()
{
	sort -n "$LAB_DIR/probe.log" | awk -v t0="$1" -v old="$2" '
		{ s[NR] = $1; e[NR] = $2; who[NR] = $3 }
		$1 >= t0 && $3 != old && (first == "" || $2 < first) { first = $2 }
		END {
			if (first == "") exit 1
			from = t0
			for (i = 1; i <= NR; i++)
				if (who[i] == old && s[i] > from && s[i] < first)
					from = s[i]
			print first - from
		}'
}

# probe_first_answer T0_MS: the master that answered first after T0_MS.
probe_first_answer()
{
	sort -n "$LAB_DIR/probe.log" | awk -v t0="$1" '$1 >= t0 { print $3; exit }'
}

# ---------------------------------------------------------------- firewall

# block_vrrp NODE / unblock_vrrp NODE: drop every incoming VRRP packet (IPv4
# and IPv6, IP protocol 112) in NODE, or stop doing so.
block_vrrp()
{
	ip netns exec "$(ns "$1")" nft -f - <<EOF || fail "nft failed on $1"
table inet vtvrrp {
  chain in { type filter hook input priority 0; meta l4proto 112 drop; }
}
EOF
}
unblock_vrrp() { ip netns exec "$(ns "$1")" nft delete table inet vtvrrp; }

# block_multicast NODE: drop VRRP multicast (224.0.0.18, ff02::12) in and out.
block_multicast()
{
	ip netns exec "$(ns "$1")" nft -f - <<EOF || fail "nft failed on $1"
table inet vtmcast {
  chain in { type filter hook input priority 0;
    ip daddr 224.0.0.18 counter drop; ip6 daddr ff02::12 counter drop; }
  chain out { type filter hook output priority 0;
    ip daddr 224.0.0.18 counter drop; ip6 daddr ff02::12 counter drop; }
}
EOF
}

# ---------------------------------------------------------------- scenarios

MS=0        # the last expect_holder time, ms
OUTAGE=0    # the last client outage, ms

# expect_holder TIMEOUT_S VIP NODE T0_MS LABEL: wait until NODE is the only
# holder of VIP; MS = ms since T0_MS, printed as measured; fail on timeout.
expect_holder()
{
	local timeout=$1 vip=$2 node=$3 t0=$4 label=$5
	if wait_for "$timeout" holder_is "$vip" "$node"; then
		MS=$(( $(now_ms) - t0 ))
		measured "$label: $node holds $vip after $MS ms"
		return 0
	fi
	fail "$label: $node should be the only holder of $vip within ${timeout} s (holders: $(vip_holder "$vip"))"
}

# expect_client VIP NODE [TIMEOUT_S]: the client's connection to VIP:6443 is
# answered by NODE within TIMEOUT_S (default 5); fail otherwise.
expect_client()
{
	wait_for "${3:-5}" client_gets "$1" "$2" ||
	    fail "the client does not reach $2 at $1 (answer: '$(client_reaches "$1" 0.5)')"
	say "the client reaches $1: answered by $2"
}

# expect_sole_holder_for SECONDS VIP NODE WHAT: NODE stays the only holder.
expect_sole_holder_for()
{
	stays_for "$1" holder_is "$2" "$3" ||
	    fail "$4: $3 should stay the only holder of $2 (holders: $(vip_holder "$2"))"
}

# crash_and_measure OLD NEW VIP TIMEOUT_S LABEL [MIN_MS]: kill -9 OLD and cut
# its link while the client probes; NEW must become the only holder within
# TIMEOUT_S (and not before MIN_MS) and answer the client. Sets MS, OUTAGE.
crash_and_measure()
{
	local old=$1 new=$2 vip=$3 timeout=$4 label=$5 min=${6:-0} t0
	probe_start "$vip"
	sleep 0.3
	kill_node "$old"
	t0=$KILL_T
	say "$label: killed $old (kill -9, link cut)"
	expect_holder "$timeout" "$vip" "$new" "$t0" "$label"
	[ "$MS" -ge "$min" ] ||
	    fail "$label: $new took over after $MS ms, before Master_Down_Interval (>= $min ms expected)"
	expect_client "$vip" "$new"
	sleep 0.1
	probe_stop
	OUTAGE=$(probe_outage "$t0" "$old") || fail "$label: the prober saw no answer"
	measured "$label: client outage $OUTAGE ms"
}

# stop_and_measure OLD NEW VIP TIMEOUT_S LABEL: SIGTERM OLD while the client
# probes; it must exit (status 0) without the VIP, and NEW must become the
# only holder within TIMEOUT_S and answer the client. Sets MS, OUTAGE.
stop_and_measure()
{
	local old=$1 new=$2 vip=$3 timeout=$4 label=$5 t0 rc
	probe_start "$vip"
	sleep 0.3
	t0=$(now_ms)
	stop_node "$old" || fail "$label: $old did not exit on SIGTERM"
	rc=$(cat "$LAB_DIR/$old.rc")
	say "$label: $old stopped (SIGTERM) after $(( $(now_ms) - t0 )) ms, exit status $rc"
	assert_eq 0 "$rc" "$label: exit status of $old after SIGTERM"
	vip_absent "$vip" "$old" || fail "$label: $old kept $vip after it stopped"
	expect_holder "$timeout" "$vip" "$new" "$t0" "$label"
	expect_client "$vip" "$new"
	sleep 0.1
	probe_stop
	OUTAGE=$(probe_outage "$t0" "$old") || fail "$label: the prober saw no answer"
	measured "$label: client outage $OUTAGE ms"
}

# ms_to_s MS: print milliseconds as seconds (1500 -> 1.500).
ms_to_s() { printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )); }

# interop_run VERSION INTERVAL_S VIP/PREFIX [PASSWORD]: a mixed group in one
# VRID: vipd on m1 (50) and m2 (120), keepalived on m3. Checks election with
# keepalived highest, then vipd highest, and failover in both directions by
# crash and by graceful stop.
interop_run()
{
	local ver=$1 int=$2 vipp=$3 pass=${4:-} vip=${3%/*} o int_ms
	o=(-V "$ver" -i "$int" -a "$vipp")
	[ -n "$pass" ] && o+=(-A "$pass")
	int_ms=$(to_ms "$int")
	local elect crash grace hold
	elect=$(ms_to_s $(( 4 * int_ms + 5000 )))   # MDI + start-up
	crash=$(ms_to_s $(( 4 * int_ms + 3000 )))   # MDI + margin
	grace=$(ms_to_s $(( 2 * int_ms + 500 )))    # Skew_Time + margin < MDI
	hold=$(ms_to_s $(( 4 * int_ms + 1000 )))    # longer than MDI

	lab_setup 3
	say "v$ver, advert interval $int s, VIP $vipp${pass:+, PASS auth \"$pass\"}"
	vipd_node m1 -p 50 "${o[@]}"
	vipd_node m2 -p 120 "${o[@]}"
	ka_node m3 -p 150 "${o[@]}"
	expect_holder "$elect" "$vip" m3 "$LAB_READY" "election, keepalived highest"
	expect_client "$vip" m3
	expect_sole_holder_for "$int" "$vip" m3 "election, keepalived highest"

	crash_and_measure m3 m2 "$vip" "$crash" \
	    "failover keepalived->vipd (crash)" $(( 2 * int_ms ))

	revive_node m3
	ka_node m3 -p 110 "${o[@]}"
	say "keepalived restarted on m3 with priority 110"
	expect_sole_holder_for "$hold" "$vip" m2 "election, vipd highest"
	measured "election, vipd highest: m2 kept $vip for $hold s with keepalived (110) in the group"

	crash_and_measure m2 m3 "$vip" "$crash" \
	    "failover vipd->keepalived (crash)" $(( 2 * int_ms ))

	revive_node m2
	local t0; t0=$(now_ms)
	vipd_node m2 -p 120 "${o[@]}"
	expect_holder "$elect" "$vip" m2 "$t0" "vipd (120) preempts keepalived (110)"
	expect_client "$vip" m2

	stop_and_measure m2 m3 "$vip" "$grace" "failover vipd->keepalived (graceful)"
	stop_and_measure m3 m1 "$vip" "$grace" "failover keepalived->vipd (graceful)"
}

# ---------------------------------------------------------------- address events

# addr_watch_start NODE: log NODE's address events with timestamps
# (ip -ts monitor address) to DIR/NODE.mon, for exact takeover times.
addr_watch_start()
{
	ip -n "$(ns "$1")" -ts monitor address >"$LAB_DIR/$1.mon" 2>/dev/null </dev/null &
	echo $! >"$LAB_DIR/$1.mon.pid"
}

# addr_watch_stop NODE: stop that log.
addr_watch_stop()
{
	local f=$LAB_DIR/$1.mon.pid p
	[ -s "$f" ] || return 0
	p=$(cat "$f")
	{ kill "$p"; wait "$p"; } 2>/dev/null
	rm -f "$f"
}

# addr_added_ms NODE VIP: the time (epoch ms) VIP was first added on NODE in
# its address log; returns 1 if it never was.
addr_added_ms()
{
	local ts
	ts=$(grep -F " $2/" "$LAB_DIR/$1.mon" | grep -v '^\[[^]]*\] Deleted' |
	    head -n1 | sed -n 's/^\[\([^]]*\)\].*/\1/p')
	[ -n "$ts" ] || return 1
	date -d "${ts/T/ }" +%s%3N
}
