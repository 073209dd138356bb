#!/bin/bash
# Preemption on: m1 (100) and m2 (120) run, m2 holds the VIP; m3 (150)
# started later takes over (after its Master_Down_Interval).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
vipd_node m1 -p 100
vipd_node m2 -p 120
expect_holder 10 "$VIP4" m2 "$LAB_READY" "election without m3"
t0=$(now_ms)
vipd_node m3 -p 150
expect_holder 8 "$VIP4" m3 "$t0" "preemption by m3 started later"
expect_client "$VIP4" m3
expect_sole_holder_for 2 "$VIP4" m3 "after preemption"
echo PASS
