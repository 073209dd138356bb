#!/bin/bash
# Link down: the master's eth0 loses carrier (its veth is set down on the
# bridge side): it goes to Fault and removes its VIP; m2 takes the VIP. When
# the link comes back, m3 (highest, preempt on) takes it back.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
vipd_node m1 -p 100
vipd_node m2 -p 120
vipd_node m3 -p 150
expect_holder 10 "$VIP4" m3 "$LAB_READY" "election"
probe_start "$VIP4"
sleep 0.3
t0=$(now_ms)
link_down m3
say "m3's link is down (carrier lost)"
t=$(measure_until 3 "$t0" vip_absent "$VIP4" m3) ||
    fail "m3 kept $VIP4 ${t} ms after its link went down (no Fault?)"
measured "link down: m3 removed $VIP4 after $t ms (Fault)"
expect_holder 8 "$VIP4" m2 "$t0" "link down of m3"
expect_client "$VIP4" m2
probe_stop
vip_absent "$VIP4" m3 || fail "m3 put $VIP4 back while its link is down"
node_alive m3 || fail "vipd on m3 exited on link down"
t0=$(now_ms)
link_up m3
say "m3's link is up again"
expect_holder 10 "$VIP4" m3 "$t0" "link back on m3, preemption"
expect_client "$VIP4" m3
echo PASS
