#!/usr/bin/env bash
# The whole suite: cmocka unit tests, static analysis, the module namespace
# tests and the namespace integration tests (real vipd and keepalived).
# Needs root and a built tree (scripts/run-tests.sh does both). Ends with one
# line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()
# SUITE_LOGS=DIR keeps every part's full log (the measured figures) in DIR.
logdir=${SUITE_LOGS:-$(mktemp -d /tmp/vipd-suite.XXXXXX)}
mkdir -p "$logdir"

count_pass() { passed=$((passed + $1)); }
count_fail() { failed=$((failed + $1)); failures+=("$2"); }

# A cmocka binary: count its test cases from its summary lines.
run_unit() {
	local bin=$1 name out rc p f
	name=$(basename "$bin")
	out="$logdir/$name.log"
	VIPD_TEST_DATA="$PWD/tests/unit/config" timeout 120 "$bin" >"$out" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	count_pass "${p:-0}"
	if [ -n "$f" ] && [ "$f" -gt 0 ]; then
		count_fail "$f" "$name"
	elif [ $rc -ne 0 ] || [ -z "$p" ]; then
		count_fail 1 "$name (exit $rc)"
	fi
	echo "unit  $name: ${p:-0} passed, ${f:-0} failed (exit $rc)"
	[ $rc -eq 0 ] || sed 's/^/    /' "$out" | tail -n 40
}

# A shell test that prints PASS/FAIL lines: count those lines.
run_script() {
	local script=$1 limit=$2 name out rc p f
	name=$(basename "$script" .sh)
	out="$logdir/$name.log"
	timeout --kill-after=10 "$limit" bash "$script" >"$out" 2>&1 </dev/null
	rc=$?
	p=$(grep -c '^PASS' "$out")
	f=$(grep -c '^FAIL' "$out")
	count_pass "$p"
	if [ "$f" -gt 0 ]; then
		count_fail "$f" "$name"
	elif [ $rc -ne 0 ] || [ "$p" -eq 0 ]; then
		count_fail 1 "$name (exit $rc)"
	fi
	echo "suite $name: $p passed, $f failed (exit $rc)"
	[ $rc -eq 0 ] && [ "$f" -eq 0 ] || sed 's/^/    /' "$out" | tail -n 60
}

echo "== unit tests (cmocka)"
for bin in tests/unit/test_*; do
	case "$bin" in *.c | *.h) continue ;; esac
	[ -x "$bin" ] && run_unit "$bin"
done

echo "== static analysis"
run_script tests/lint.sh 600

echo "== command line and config checks (no namespaces)"
for script in tests/t_*.sh; do
	[ -f "$script" ] && run_script "$script" 300
done

echo "== install: make install, the unit, man pages, make distcheck"
run_script tests/install.sh 600

echo "== module tests in network namespaces"
export NETLINK_PROBE=$PWD/tests/integration/netlink_probe
export VRRP_SOCKET_PROBE=$PWD/tests/integration/vrrp_socket_probe
export CHECK_PROBE=$PWD/tests/integration/check_probe
export NET_PROBE_DRIVER=$PWD/tests/integration/net_probe_driver
for script in tests/integration/test_*.sh; do
	[ -f "$script" ] && run_script "$script" 300
done

echo "== namespace integration tests (vipd, keepalived)"
run_script tests/run-integration.sh 1800

echo "== sanitizers (ASan + UBSan: unit and namespace tests), valgrind, fuzzing"
run_script tests/sanitize.sh 900
run_script tests/valgrind.sh 600
run_script tests/fuzz_smoke.sh 600

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed: ${failures[*]}"
	echo "logs: $logdir"
elif [ -z "${SUITE_LOGS:-}" ]; then
	rm -rf "$logdir"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
