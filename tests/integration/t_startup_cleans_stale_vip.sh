#!/bin/bash
# Start-up hygiene: a VIP left on the interface by a previous run is removed
# at start when the node is not master (m1, 100, starts while m3, 150, is
# master): asserted gone within 2 s of the start, m3 the only holder.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
vipd_node m3 -p 150
expect_holder 10 "$VIP4" m3 "$LAB_READY" "election"
ip -n "$(ns m1)" addr add "$VIP4/24" dev eth0 || fail "cannot add the stale VIP"
say "stale $VIP4 added on m1 by hand (holders: $(vip_holder "$VIP4"))"
t0=$(now_ms)
vipd_node m1 -p 100
expect_holder 2 "$VIP4" m3 "$t0" "stale VIP removed from m1 at start"
expect_sole_holder_for 2 "$VIP4" m3 "after start-up clean-up"
expect_client "$VIP4" m3
echo PASS
