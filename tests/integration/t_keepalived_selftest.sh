#!/bin/bash
# Harness self-test with keepalived in every role (no vipd needed): proves the
# lab, the VIP checks, the client probes, crash and graceful stop, timing.
# 3 keepalived (v3, 1 s), priorities 100/150/120 -> m2; crash m2 -> m3;
# SIGTERM m3 -> m1.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
ka_node m1 -p 100
ka_node m2 -p 150
ka_node m3 -p 120
t=$(measure_until 10 "$LAB_READY" holder_is "$VIP4" m2) ||
    fail "m2 should hold $VIP4 (holder: $(vip_holder "$VIP4"))"
measured "election: m2 holds $VIP4 ${t} ms after lab start"
who=$(client_reaches "$VIP4") || fail "the client cannot reach $VIP4"
assert_eq m2 "$who" "master answering the client"

probe_start "$VIP4"
sleep 0.3
t0=$(now_ms)
kill_node m2
say "killed m2 (kill -9, link cut)"
t=$(measure_until 10 "$t0" holder_is "$VIP4" m3) ||
    fail "m3 should hold $VIP4 after the crash (holder: $(vip_holder "$VIP4"))"
wait_for 5 client_gets "$VIP4" m3 || fail "the client does not reach m3"
sleep 0.1
probe_stop
out=$(probe_outage "$t0" m2) || fail "the prober saw no answer after the crash"
measured "crash: VIP on m3 after $t ms, client outage $out ms"

probe_start "$VIP4"
sleep 0.3
t0=$(now_ms)
stop_node m3 || fail "keepalived on m3 did not stop on SIGTERM"
t=$(measure_until 10 "$t0" holder_is "$VIP4" m1) ||
    fail "m1 should hold $VIP4 after m3 stopped (holder: $(vip_holder "$VIP4"))"
wait_for 5 client_gets "$VIP4" m1 || fail "the client does not reach m1"
sleep 0.1
probe_stop
out=$(probe_outage "$t0" m3) || fail "the prober saw no answer after the stop"
vip_absent "$VIP4" m3 || fail "m3 kept $VIP4 after stopping"
measured "graceful stop: VIP on m1 after $t ms, client outage $out ms"
echo "PASS"
