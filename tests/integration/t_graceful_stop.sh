#!/bin/bash
# Graceful stop: SIGTERM on the master (m3, 150): it sends priority 0 and
# removes its VIP, exits 0; m2 (120) takes over after Skew_Time (0.53 s),
# well before Master_Down_Interval (3.53 s): asserted < 2.5 s.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
vipd_node m1 -p 100
vipd_node m2 -p 120
vipd_node m3 -p 150
expect_holder 10 "$VIP4" m3 "$LAB_READY" "election"
expect_client "$VIP4" m3
stop_and_measure m3 m2 "$VIP4" 2.5 "graceful stop of m3"
expect_sole_holder_for 2 "$VIP4" m2 "after the stop"
echo PASS
