# shellcheck shell=bash
# The routed lab, sourced after lib.sh and lib_apiserver.sh by
# t_routed_frr.sh and tests/bench/routed.sh: no shared segment. A router
# namespace "rt" with one /28 per master and one for the client:
#
#   m1 eth0 192.0.2.2/28  ---  rt 192.0.2.1/28  (rt-m1)
#   m2 eth0 192.0.2.18/28 ---  rt 192.0.2.17/28 (rt-m2)
#   m3 eth0 192.0.2.34/28 ---  rt 192.0.2.33/28 (rt-m3)
#   cl eth0 192.0.2.50/28 ---  rt 192.0.2.49/28 (rt-cl)
#
# rt and each master run FRR (zebra + bgpd, their own config, pid, zserv and
# vty paths under $LAB_DIR/frr-NODE): rt is AS 65000, master i AS 6500i,
# one eBGP session per master, timers 1 3, advertisement-interval 0. Each
# master redistributes its connected routes through route-map VIP, which
# permits the VIP's /32 only, and takes no route from rt. The masters' own AS
# numbers make their paths to the VIP unequal for multipath: while two
# announce it (a handover), rt keeps one route, the older, never both. vipd on each master holds the VIP on lo
# (vip_interface), elects over unicast through rt (TTL 254 on arrival), and
# tracks the apiserver stand-in with the https check (weight -50).

VIP4=198.51.100.100
RT_AS=65000
FRR_DIR=${FRR_DIR:-/usr/lib/frr}
ROUTED_TTL_MIN=254 # 255 less the one router between masters

# The /28 of master i (1..3) or the client (4): its base address's last byte.
_routed_base() { echo $(( ($1 - 1) * 16 )); }
_routed_index() { if [ "$1" = cl ]; then echo 4; else node_index "$1"; fi; }

# routed_ip NODE: a master's or the client's eth0 address; routed_gw NODE:
# the router's address on that node's link.
routed_ip() { echo "192.0.2.$(( $(_routed_base "$(_routed_index "$1")") + 2 ))"; }
routed_gw() { echo "192.0.2.$(( $(_routed_base "$(_routed_index "$1")") + 1 ))"; }

# routed_node_of IP: the master whose eth0 has IP, or the IP itself.
routed_node_of()
{
	local n
	for n in "${LAB_MASTERS[@]}"; do
		[ "$(routed_ip "$n")" = "$1" ] && { echo "$n"; return 0; }
	done
	echo "$1"
}

# A veth between the router and NODE, NODE's default route through it.
_routed_link()
{
	local node=$1 nsn rt
	nsn=$(ns "$node"); rt=$(ns rt)
	ip -n "$nsn" link add eth0 type veth peer name "rt-$node" netns "$rt" ||
	    fail "cannot create the veth of $node"
	ip -n "$rt" addr add "$(routed_gw "$node")/28" dev "rt-$node"
	ip -n "$rt" link set "rt-$node" up
	ip -n "$nsn" addr add "$(routed_ip "$node")/28" dev eth0
	ip -n "$nsn" link set eth0 up
	ip -n "$nsn" route add default via "$(routed_gw "$node")"
}

# routed_lab: the namespaces, links and routes (no daemons yet).
routed_lab()
{
	local node
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
	[ -x "$FRR_DIR/zebra" ] && [ -x "$FRR_DIR/bgpd" ] && command -v vtysh >/dev/null ||
	    { echo "SKIP: FRR (zebra, bgpd, vtysh) is not installed"; exit 77; }
	LAB_PREFIX="vt$$-$(_lab_short)"
	LAB_DIR=$(mktemp -d "/tmp/$LAB_PREFIX.XXXXXX")
	chmod 755 "$LAB_DIR"
	[ -n "${VT_REGISTRY:-}" ] && echo "dir $LAB_DIR" >>"$VT_REGISTRY"
	trap lab_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	LAB_T0=$(now_ms)
	LAB_MASTERS=(m1 m2 m3)
	_lab_ns_add rt
	ip netns exec "$(ns rt)" sysctl -qw net.ipv4.ip_forward=1
	for node in "${LAB_MASTERS[@]}" cl; do
		_lab_ns_add "$node"
		ip netns exec "$(ns "$node")" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		_routed_link "$node"
	done
	say "routed lab $LAB_PREFIX: rt, ${LAB_MASTERS[*]}, cl; logs in $LAB_DIR"
}

# ---------------------------------------------------------------- FRR

_frr_bgp_common()
{
	cat <<EOF
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp 1 3
EOF
}

_frr_neighbor()
{
	cat <<EOF
 neighbor $1 remote-as $2
 neighbor $1 timers connect 1
 neighbor $1 advertisement-interval 0
EOF
}

# master_as NODE: a master's AS number (m1: 65001 ...).
master_as() { echo $(( 65000 + $(node_index "$1") )); }

# The router's bgpd.conf: one session per master.
_frr_rt_conf()
{
	local n
	echo "hostname rt"
	echo "router bgp $RT_AS"
	echo " bgp router-id $(routed_gw cl)"
	_frr_bgp_common
	for n in "${LAB_MASTERS[@]}"; do _frr_neighbor "$(routed_ip "$n")" "$(master_as "$n")"; done
}

# A master's bgpd.conf: the session to the router, the VIP's /32 only.
_frr_master_conf()
{
	cat <<EOF
hostname $1
ip prefix-list VIP seq 10 permit $VIP4/32
route-map VIP permit 10
 match ip address prefix-list VIP
exit
route-map NONE deny 10
exit
router bgp $(master_as "$1")
 bgp router-id $(routed_ip "$1")
EOF
	_frr_bgp_common
	_frr_neighbor "$(routed_gw "$1")" "$RT_AS"
	cat <<EOF
 address-family ipv4 unicast
  redistribute connected route-map VIP
  neighbor $(routed_gw "$1") route-map NONE in
  neighbor $(routed_gw "$1") route-map VIP out
 exit-address-family
EOF
}

# frr_start NODE...: zebra, then bgpd, in each NODE, with their own paths
# (every zebra first, then every bgpd, so that the nodes start together).
frr_start()
{
	local node d
	for node in "$@"; do
		d=$LAB_DIR/frr-$node
		mkdir -p "$d"
		echo "hostname $node" >"$d/zebra.conf"
		if [ "$node" = rt ]; then _frr_rt_conf; else _frr_master_conf "$node"; fi >"$d/bgpd.conf"
		chown -R frr:frr "$d"
		ip netns exec "$(ns "$node")" "$FRR_DIR/zebra" -f "$d/zebra.conf" -i "$d/zebra.pid" \
		    -z "$d/zserv.api" --vty_socket "$d" -P 0 </dev/null >>"$d/zebra.log" 2>&1 &
		disown $!
	done
	for node in "$@"; do
		d=$LAB_DIR/frr-$node
		wait_for 10 test -S "$d/zserv.api" ||
		    fail "$node: zebra did not start ($(tail -n 3 "$d/zebra.log"))"
		ip netns exec "$(ns "$node")" "$FRR_DIR/bgpd" -f "$d/bgpd.conf" -i "$d/bgpd.pid" \
		    -z "$d/zserv.api" --vty_socket "$d" -P 0 </dev/null >>"$d/bgpd.log" 2>&1 &
		disown $!
	done
	for node in "$@"; do
		d=$LAB_DIR/frr-$node
		wait_for 10 test -S "$d/bgpd.vty" ||
		    fail "$node: bgpd did not start ($(tail -n 3 "$d/bgpd.log"))"
	done
}

# frr_vtysh NODE DAEMON CMD: one vtysh command to NODE's zebra or bgpd.
frr_vtysh() { vtysh --vty_socket "$LAB_DIR/frr-$1" -d "$2" -c "$3" 2>/dev/null; }

# _rt_sessions_up: the router has an Established session with every master.
_rt_sessions_up()
{
	frr_vtysh rt bgpd "show bgp ipv4 unicast summary json" | /usr/bin/python3 -c '
import json, sys
peers = json.load(sys.stdin).get("peers", {})
sys.exit(0 if len(peers) == int(sys.argv[1]) and
         all(p.get("state") == "Established" for p in peers.values()) else 1)' \
	    "${#LAB_MASTERS[@]}"
}

# rt_nexthops: the nexthops of the router's selected route to the VIP, as
# master names in order (e.g. "m1", "m1 m2"), or "none": from zebra's RIB
# (vtysh show ip route json).
rt_nexthops()
{
	local ips n out=""
	ips=$(frr_vtysh rt zebra "show ip route $VIP4/32 json" | /usr/bin/python3 -c '
import json, sys
try:
    routes = json.load(sys.stdin).get(sys.argv[1], [])
except ValueError:
    routes = []
hops = [h.get("ip", "?") for r in routes if r.get("selected")
        for h in r.get("nexthops", []) if h.get("active")]
print(" ".join(sorted(hops)))' "$VIP4/32")
	for n in $ips; do out="$out${out:+ }$(routed_node_of "$n")"; done
	echo "${out:-none}"
}

# rt_route_is NODE: the router's only route to the VIP goes to NODE.
rt_route_is() { [ "$(rt_nexthops)" = "$1" ]; }

# rt_bgp_paths: how many BGP paths to the VIP the router knows (received).
rt_bgp_paths()
{
	frr_vtysh rt bgpd "show bgp ipv4 unicast $VIP4/32 json" | /usr/bin/python3 -c '
import json, sys
try:
    print(len(json.load(sys.stdin).get("paths", [])))
except ValueError:
    print(0)'
}

# rt_route_watch_start / _stop: the router's kernel route events, timestamped
# (ip -ts monitor route), to DIR/rt.routes: a full record of every nexthop.
rt_route_watch_start()
{
	ip -n "$(ns rt)" -ts monitor route >"$LAB_DIR/rt.routes" 2>/dev/null </dev/null &
	echo $! >"$LAB_DIR/rt.routes.pid"
}

rt_route_watch_stop()
{
	local p
	p=$(cat "$LAB_DIR/rt.routes.pid" 2>/dev/null) || return 0
	{ kill "$p"; wait "$p"; } 2>/dev/null
	rm -f "$LAB_DIR/rt.routes.pid"
}

# _rt_event_ms NODE T0 DELETED: the epoch ms of the first route event after T0
# for the VIP via NODE: a deletion (DELETED=1) or an addition (0); 1 if none.
_rt_event_ms()
{
	local gw line ts t
	gw=$(routed_ip "$1")
	while read -r line; do
		case $line in *"] Deleted"*) [ "$3" = 1 ] || continue ;; *) [ "$3" = 0 ] || continue ;; esac
		ts=$(sed -n 's/^\[\([^]]*\)\].*/\1/p' <<<"$line")
		t=$(date -d "${ts/T/ }" +%s%3N) || continue
		[ "$t" -ge "$2" ] && { echo "$t"; return 0; }
	done < <(grep -F "$VIP4 " "$LAB_DIR/rt.routes" | grep -F "via $gw ")
	return 1
}

# rt_route_to_ms NODE T0: the first route event after T0 that sends the VIP
# to NODE. rt_withdrawn_ms NODE T0: the first withdrawal of that route.
rt_route_to_ms() { _rt_event_ms "$1" "$2" 0; }
rt_withdrawn_ms() { _rt_event_ms "$1" "$2" 1; }

# rt_multipath_seen: a route event gave the VIP more than one nexthop.
rt_multipath_seen() { grep -A3 -F "$VIP4 " "$LAB_DIR/rt.routes" | grep -q 'nexthop via'; }

# ---------------------------------------------------------------- masters

# vip_on_lo NODE: the VIP is on NODE's lo.
vip_on_lo() { ip -n "$(ns "$1")" -o addr show dev lo 2>/dev/null | grep -qF " $VIP4/32"; }

# lo_holders: the live masters holding the VIP on lo ("none" if none); a
# crashed node's lo does not count (nothing announces it).
lo_holders()
{
	local n out=""
	for n in "${LAB_MASTERS[@]}"; do
		[ -e "$LAB_DIR/$n.crashed" ] && continue
		vip_on_lo "$n" && out="$out${out:+ }$n"
	done
	echo "${out:-none}"
}

# routed_conf NODE PRIO: vipd's config: unicast to the other masters (through
# the router, so TTL 254), the VIP on lo, the apiserver check.
routed_conf()
{
	local node=$1 prio=$2 n peers=""
	for n in "${LAB_MASTERS[@]}"; do
		[ "$n" = "$node" ] || peers="$peers${peers:+, }\"$(routed_ip "$n")\""
	done
	cat <<CONF
vipd: { router_id = "$node"; script_user = "root"; };
checks = (
  { name = "apiserver"; type = "https"; target = "https://127.0.0.1:$PORT/livez";
    ca_file = "$LAB_DIR/pki/ca.crt"; server_name = "kubernetes";
    interval = 0.5; timeout = 0.4; rise = 2; fall = 2; weight = -50; }
);
instances = (
  { name = "apiserver"; interface = "eth0"; vrid = $VRID; priority = $prio;
    advert_interval = 1;
    vips = [ "$VIP4/32" ];
    vip_interface = "lo";
    unicast_source = "$(routed_ip "$node")";
    unicast_peers = [ $peers ];
    unicast_ttl_min = $ROUTED_TTL_MIN;
    track_checks = [ "apiserver" ]; }
);
CONF
}

# node_crash NODE: the whole node fails at once: every process in its
# namespace (vipd, zebra, bgpd, the apiserver) is frozen, then killed (-9).
# Its kernel closes the BGP session; its lo keeps the VIP, as a dead host's
# memory would. Prints the time of the freeze (ms).
node_crash()
{
	local nsn pids p t
	nsn=$(ns "$1")
	pids="$(ip netns pids "$nsn") $(_node_pids "$1")"
	for p in $pids; do kill -STOP "$p" 2>/dev/null; done
	t=$(now_ms)
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	# ip netns pids reads /proc while other processes come and go: ask
	# again until nothing is left in the namespace (bounded).
	for _ in $(seq 1 100); do
		pids=$(ip netns pids "$nsn" 2>/dev/null)
		[ -z "$pids" ] && ! node_alive "$1" && break
		for p in $pids $(_node_pids "$1"); do kill -KILL "$p" 2>/dev/null; done
		sleep 0.05
	done
	[ -z "$pids" ] || fail "node_crash $1: processes left in $nsn: $pids"
	rm -f "$LAB_DIR/$1.apiserver.pid"
	: >"$LAB_DIR/$1.crashed"
	echo "$t"
}

# node_reboot NODE: after node_crash, the node comes back: no VIP on lo (a
# rebooted host has none), FRR, the apiserver, then vipd.
node_reboot()
{
	local d=$LAB_DIR/frr-$1
	ip -n "$(ns "$1")" addr del "$VIP4/32" dev lo 2>/dev/null
	rm -f "$LAB_DIR/$1.crashed"
	rm -f "$d/zserv.api" "$d/zebra.vty" "$d/bgpd.vty" "$d"/*.pid
	frr_start "$1"
	apiserver_start "$1"
	start_vipd "$1" "$(routed_conf "$1" "$2")"
}

# routed_start: PKI, FRR everywhere, sessions up, stand-ins and vipd on the
# masters with priorities 150 / 120 / 100, m1 elected and routed to.
routed_start()
{
	local n
	pki_setup
	frr_start rt "${LAB_MASTERS[@]}"
	wait_for 30 _rt_sessions_up || fail "BGP sessions rt - masters not Established"
	say "BGP: rt has Established sessions with ${LAB_MASTERS[*]}"
	for n in "${LAB_MASTERS[@]}"; do apiserver_start "$n"; done
	start_vipd m1 "$(routed_conf m1 150)"
	wait_for 10 vip_on_lo m1 || fail "m1 did not take the VIP on lo"
	start_vipd m2 "$(routed_conf m2 120)"
	start_vipd m3 "$(routed_conf m3 100)"
}
