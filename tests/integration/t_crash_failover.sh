#!/bin/bash
# Crash: the master (m3, 150) is killed with kill -9 and its link cut; the
# next (m2, 120) must hold the VIP after Master_Down_Interval (3 s + Skew_Time
# of 0.53 s at most, not before 2 s) and the client must reach it.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
vipd_node m1 -p 100
vipd_node m2 -p 120
vipd_node m3 -p 150
expect_holder 10 "$VIP4" m3 "$LAB_READY" "election"
expect_client "$VIP4" m3
crash_and_measure m3 m2 "$VIP4" 8 "crash of m3" 2000
expect_sole_holder_for 2 "$VIP4" m2 "after the crash"
echo PASS
