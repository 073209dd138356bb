#!/bin/bash
# Health check recovery: after its apiserver died and the VIP moved, m1's
# apiserver comes back. With preempt on, m1 (101 once the check has risen)
# takes the VIP back; with preempt off on every node, m3 (100; m2 is 60)
# keeps it. m2 sits well below m3: with preempt off the first backup whose
# Skew_Time ends keeps the VIP, and 99 against 100 (4 ms apart) was a race
# on a loaded machine.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_apiserver.sh
. "$(dirname "$0")/lib_apiserver.sh"

run_case()
{
	local preempt=$1 expected=$2 n t0
	for n in m1 m2 m3; do stop_node "$n" >/dev/null 2>&1; done
	for n in m1 m2 m3; do
		node_alive "$n" && fail "$n still runs"
		[ -e "$LAB_DIR/$n.apiserver.pid" ] || apiserver_start "$n"
	done
	start_vipd m1 "$(checks_conf m1 101 1 "$preempt")"
	start_vipd m2 "$(checks_conf m2 60 1 "$preempt")"
	start_vipd m3 "$(checks_conf m3 100 1 "$preempt")"
	t0=$(now_ms)
	expect_holder 15 "$VIP4" m1 "$t0" "preempt=$preempt: election"
	t0=$(apiserver_kill m1)
	expect_holder 10 "$VIP4" m3 "$t0" "preempt=$preempt: apiserver killed on m1"
	apiserver_start m1
	t0=$(now_ms)
	say "preempt=$preempt: m1's apiserver is back"
	if [ "$expected" = m1 ]; then
		expect_holder 10 "$VIP4" m1 "$t0" "preempt=$preempt: m1 healthy again"
	else
		# rise 2 at 0.5 s: m1 is at 101 again within ~1.5 s; give it 4 s.
		expect_sole_holder_for 4 "$VIP4" m3 "preempt=$preempt: m1 healthy again"
		grep -q "check 'apiserver' is now up" "$LAB_DIR/m1.log" ||
		    fail "m1's check did not rise again"
		measured "preempt=$preempt: m3 kept the VIP after m1 recovered"
	fi
}

checks_lab 3
run_case true m1
run_case false m3
echo PASS
