#!/bin/bash
# Preemption off: with preempt = false, m3 (150) started after m2 (120) became
# master does not take the VIP (watched for 8 s, over twice its
# Master_Down_Interval); it does take over when m2 crashes.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
# m2 first: with preempt off, whoever times out first keeps the VIP, and a
# slow start of m2 (a loaded machine) must not hand the first election to m1.
vipd_node m2 -p 120 -P
vipd_node m1 -p 100 -P
expect_holder 10 "$VIP4" m2 "$LAB_READY" "election without m3"
vipd_node m3 -p 150 -P
expect_sole_holder_for 8 "$VIP4" m2 "preempt off"
node_alive m3 || fail "vipd on m3 is not running"
measured "preempt off: m2 kept $VIP4 for 8 s after m3 (150) started"
crash_and_measure m2 m3 "$VIP4" 8 "crash of m2 (preempt off)" 2000
echo PASS
