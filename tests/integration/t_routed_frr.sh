#!/bin/bash
# Routed set-up (issue 11): three masters in three subnets behind one router,
# no shared segment. vipd elects over unicast through the router (TTL 254,
# unicast_ttl_min 254), holds the VIP 198.51.100.100/32 on lo (vip_interface)
# and FRR (zebra + bgpd, started here) on each master announces it to the
# router through route-map VIP. A client behind the router reaches the
# apiserver stand-in on VIP:6443. Then:
#   the Master (m1) crashes     -> the router's route moves to m2
#   m2's apiserver dies         -> the check's weight resigns m2, route to m3
#   m1 comes back (preempts)    -> the route moves to m1, one route all along
# The router's RIB is read with vtysh's JSON output; every kernel route event
# on the router is recorded too (ip monitor route): never two nexthops.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_apiserver.sh
. "$(dirname "$0")/lib_apiserver.sh"
# shellcheck source=tests/integration/lib_routed.sh
. "$(dirname "$0")/lib_routed.sh"

# expect_route NODE TIMEOUT_S T0 LABEL: the router's only route to the VIP
# goes to NODE, NODE alone holds the VIP on lo, the client reaches NODE's
# apiserver; prints how long the route took.
expect_route()
{
	local node=$1 timeout=$2 t0=$3 label=$4 t
	wait_for "$timeout" rt_route_is "$node" ||
	    fail "$label: the router's route to $VIP4 should go to $node (RIB: $(rt_nexthops), on lo: $(lo_holders))"
	t=$(rt_route_to_ms "$node" "$t0") || t=$(now_ms)
	measured "$label: the router routes $VIP4 to $node after $(( t - t0 )) ms (its route event)"
	wait_for 5 eval '[ "$(lo_holders)" = '"$node"' ]' ||
	    fail "$label: $node should be the only master with $VIP4 on lo (on lo: $(lo_holders))"
	wait_for 5 https_client_gets "$VIP4" "$node" ||
	    fail "$label: the client does not reach $node's apiserver on $VIP4"
	say "$label: the client reaches $VIP4:$PORT, answered by $node"
}

# never_two SECONDS LABEL [UNTIL]: sample the router's RIB for SECONDS (or
# until the route goes to master UNTIL): never more than one nexthop.
never_two()
{
	local end=$(( $(now_ms) + $(to_ms "$1") )) hops samples=0
	while [ "$(now_ms)" -lt "$end" ]; do
		hops=$(rt_nexthops)
		samples=$(( samples + 1 ))
		[ "${hops// /}" = "$hops" ] || fail "$2: the router has two routes to $VIP4: $hops"
		[ -n "${3:-}" ] && [ "$hops" = "$3" ] && break
	done
	say "$2: $samples RIB samples, one route or none in each (last: $hops)"
}

routed_lab
rt_route_watch_start
routed_start
expect_route m1 15 "$LAB_T0" "election"
stays_for 2 rt_route_is m1 || fail "the route left m1 while all are healthy (RIB: $(rt_nexthops))"
for n in m2 m3; do
	vip_on_lo "$n" && fail "$n holds $VIP4 on lo as a Backup"
	grep -q "Backup" "$LAB_DIR/$n.log" || fail "$n never became Backup"
done
grep -q "vip_interface" "$LAB_DIR/m1.conf" || fail "the config lost vip_interface"
vip_on m1 "$VIP4" && fail "m1 put $VIP4 on eth0 (vip_interface is lo)"
ip netns exec "$(ns m1)" "$VIPD" -t -f "$LAB_DIR/m1.conf" || fail "vipd -t refuses m1's config"
"$VIPD" -t --offline -f "$TOP_DIR/conf/routed/vipd.conf" || fail "conf/routed/vipd.conf does not load"

# 1. The Master crashes (every process of m1 frozen, then killed).
tcp_probe_start "$VIP4"
sleep 0.3
t0=$(node_crash m1)
say "crash: m1 frozen and killed (vipd, zebra, bgpd, apiserver)"
expect_route m2 15 "$t0" "Master crashed"
probe_stop
outage=$(tcp_outage_since "$t0")
[ -n "$outage" ] || fail "no TCP connection to the VIP succeeded after the crash"
measured "Master crashed: client outage $outage ms"
assert_le "$outage" 15000 "outage after the crash (generous bound; figures in tests/bench/routed.sh)"

# 2. The apiserver dies on the Master (m2): the check resigns it (120 - 50 < 100).
tcp_probe_start "$VIP4"
sleep 0.3
t0=$(apiserver_kill m2)
say "apiserver killed on m2"
expect_route m3 15 "$t0" "apiserver died on the Master"
probe_stop
outage=$(tcp_outage_since "$t0")
[ -n "$outage" ] || fail "no TCP connection to the VIP succeeded after the apiserver died"
measured "apiserver died: client outage $outage ms"
assert_le "$outage" 15000 "outage after the apiserver died"
grep -q "check 'apiserver' is now down" "$LAB_DIR/m2.log" || fail "m2 did not log the check going down"

# 3. m1 comes back (rebooted: no VIP, FRR, apiserver, vipd) and preempts:
#    one route all along, then m1's.
t0=$(now_ms)
node_reboot m1 150
wait_for 30 _rt_sessions_up || fail "m1's BGP session did not come back"
never_two 20 "m1 back" m1
expect_route m1 10 "$t0" "old Master back"
never_two 2 "after m1's return"
rt_route_watch_stop
rt_multipath_seen && fail "a route event gave $VIP4 two nexthops: $(grep -A3 -F "$VIP4 " "$LAB_DIR/rt.routes" | head -20)"
paths=$(rt_bgp_paths)
assert_eq 1 "$paths" "BGP paths to $VIP4 on the router after m1's return"
for n in m2 m3; do vip_on_lo "$n" && fail "$n kept $VIP4 on lo after m1 took over"; done
say "route events for $VIP4 on rt: $(grep -cF "$VIP4 " "$LAB_DIR/rt.routes")"
echo PASS
