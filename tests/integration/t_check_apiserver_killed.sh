#!/bin/bash
# Health check: three masters with the kubeadm example's native https check
# (weight -50, fall 2), priorities 101/99/100 (distinct, so that which
# backup wins is not a race between equal timers). The apiserver on the
# Master (m1) dies: m1 resigns and the healthiest backup, m3, takes the VIP; the client reaches 6443 on the VIP again; the notify hook
# saw m1 go MASTER then BACKUP.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_apiserver.sh
. "$(dirname "$0")/lib_apiserver.sh"

checks_lab 3
start_vipd m1 "$(checks_conf m1 101)"
start_vipd m2 "$(checks_conf m2 99)"
start_vipd m3 "$(checks_conf m3 100)"
expect_holder 15 "$VIP4" m1 "$LAB_READY" "election with healthy checks"
wait_for 5 https_client_gets "$VIP4" m1 || fail "the client does not reach m1's apiserver on the VIP"

tcp_probe_start "$VIP4"
sleep 0.5
t0=$(apiserver_kill m1)
say "killed the apiserver on m1"
expect_holder 10 "$VIP4" m3 "$t0" "apiserver killed on the Master"
wait_for 5 https_client_gets "$VIP4" m3 || fail "the client does not reach m3's apiserver on the VIP"
sleep 0.2
probe_stop
outage=$(tcp_outage_since "$t0")
[ -n "$outage" ] || fail "no TCP connection to the VIP succeeded after the kill"
measured "apiserver killed: TCP connects to VIP:6443 succeed again after $outage ms"
assert_le "$outage" 5000 "outage after the apiserver died (generous bound; goals live in the bench)"

wait_for 3 grep -q "MASTER" "$LAB_DIR/m1.notify" || fail "m1's notify hook never saw MASTER"
wait_for 3 grep -q "BACKUP" "$LAB_DIR/m1.notify" || fail "m1's notify hook never saw BACKUP"
say "m1 notify calls: $(tr '\n' ';' <"$LAB_DIR/m1.notify")"
grep -q "^apiserver MASTER 101$" "$LAB_DIR/m1.notify" ||
    fail "m1's notify hook was not called as 'apiserver MASTER 101'"
[ "$(grep -n MASTER "$LAB_DIR/m1.notify" | head -1 | cut -d: -f1)" -lt \
  "$(grep -n BACKUP "$LAB_DIR/m1.notify" | tail -1 | cut -d: -f1)" ] ||
    fail "m1's notify calls are out of order"
grep -q "check 'apiserver' is now down" "$LAB_DIR/m1.log" || fail "m1 did not log the check going down"
expect_sole_holder_for 2 "$VIP4" m3 "after the failover"

# A graceful stop of the Master: its notify hook gets STOP before vipd exits.
stop_node m3 || fail "m3 did not exit on SIGTERM"
tail -n 1 "$LAB_DIR/m3.notify" | grep -q "^apiserver STOP 100$" ||
    fail "m3's last notify call is not 'apiserver STOP 100' ($(tail -n 1 "$LAB_DIR/m3.notify"))"
echo PASS
