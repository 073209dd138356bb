#!/bin/bash
# Election: 3 vipd with priorities 100/150/120 -> m2 holds the VIP, and it is
# the only holder; the client reaches m2.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
vipd_node m1 -p 100
vipd_node m2 -p 150
vipd_node m3 -p 120
expect_holder 10 "$VIP4" m2 "$LAB_READY" "election (100/150/120)"
expect_client "$VIP4" m2
expect_sole_holder_for 3 "$VIP4" m2 "election (100/150/120)"
measured "exactly one holder (m2) for 3 s"
echo PASS
