#!/bin/bash
# Health check: every master's apiserver dies, one after the other (m1, m3,
# m2); the VIP always goes to a healthy master while there is one. Once all
# are down, the least unhealthy master (m1: 101 - 50 = 51; m3 50, m2 49)
# holds the VIP, exactly one holds it, and it stays put (no ping-pong).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_apiserver.sh
. "$(dirname "$0")/lib_apiserver.sh"

checks_lab 3
start_vipd m1 "$(checks_conf m1 101)"
start_vipd m2 "$(checks_conf m2 99)"
start_vipd m3 "$(checks_conf m3 100)"
expect_holder 15 "$VIP4" m1 "$LAB_READY" "election"
t0=$(apiserver_kill m1)
expect_holder 10 "$VIP4" m3 "$t0" "m1's apiserver killed"
t0=$(apiserver_kill m3)
expect_holder 10 "$VIP4" m2 "$t0" "m3's apiserver killed too: m2 is the healthy one"
t0=$(apiserver_kill m2)
expect_holder 10 "$VIP4" m1 "$t0" "all three apiservers down: the least unhealthy"
expect_sole_holder_for 3 "$VIP4" m1 "all unhealthy"
transitions() { grep -c -- " -> " "$LAB_DIR/$1.log"; }
declare -A before
for n in m1 m2 m3; do before[$n]=$(transitions "$n"); done
sleep 3
for n in m1 m2 m3; do
	assert_eq "${before[$n]}" "$(transitions "$n")" \
	    "state changes of $n while everything stayed unhealthy (ping-pong)"
done
holder_is "$VIP4" m1 || fail "the VIP left m1 (holders: $(vip_holder "$VIP4"))"
measured "all unhealthy: m1 (effective priority 51) holds the VIP, no flapping"
echo PASS
