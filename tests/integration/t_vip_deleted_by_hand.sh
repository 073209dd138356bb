#!/bin/bash
# A VIP deleted by hand on the master comes back within about one advert
# interval (netlink address events): asserted < 2 s with 1 s adverts.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
vipd_node m1 -p 100
vipd_node m2 -p 120
vipd_node m3 -p 150
expect_holder 10 "$VIP4" m3 "$LAB_READY" "election"
sleep 1
t0=$(now_ms)
ip -n "$(ns m3)" addr del "$VIP4/24" dev eth0 || fail "cannot delete the VIP"
say "deleted $VIP4 on m3 by hand"
expect_holder 2 "$VIP4" m3 "$t0" "VIP deleted by hand, put back"
expect_client "$VIP4" m3
expect_sole_holder_for 2 "$VIP4" m3 "after the VIP came back"
echo PASS
