#!/usr/bin/env bash
# valgrind memcheck on the cmocka unit tests of this (non-sanitized) build:
# every tests/unit/test_* binary under
#   valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect
# fails on any memory error or definite/indirect leak (exit 9) as well as on
# a failed test. VALGRIND_JOBS at a time (default: the number of CPUs).
# VIPD_TEST_SLOWDOWN=50 widens the tests' time bounds (test_log's).
# One PASS/FAIL line per binary. Needs `make check TESTS=` first.
set -u
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 1
if ! command -v valgrind >/dev/null 2>&1; then
	echo "FAIL valgrind: not installed (scripts/bootstrap.sh installs it)"
	exit 1
fi
out=$(mktemp -d /tmp/vipd-valgrind.XXXXXX)
start=$(date +%s)

# vg_one BIN: run it under memcheck, print its PASS or FAIL line.
vg_one() {
	local bin=$1 name rc t0
	name=$(basename "$bin")
	t0=$(date +%s)
	VIPD_TEST_DATA="$PWD/tests/unit/config" VIPD_TEST_SLOWDOWN=50 timeout 600 valgrind -q --leak-check=full \
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=9 --num-callers=30 --log-file="$out/$name.vg.%p" \
		"$bin" >"$out/$name.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -qs '^==[0-9]*== [^ ]' "$out/$name.vg."*; then
		echo "PASS valgrind $name ($(($(date +%s) - t0))s)"
	else
		echo "FAIL valgrind $name (exit $rc$([ $rc = 9 ] && echo ': memcheck errors'))"
		# failed tests first (a failed assertion leaks what the test held)
		grep -E '^\[  (FAILED|ERROR) |^\[   LINE' "$out/$name.out" | head -n 20 | sed 's/^/    /'
		cat "$out/$name.vg."* 2>/dev/null | head -n 80 | sed 's/^/    /'
	fi
}

bins=()
for bin in tests/unit/test_*; do
	case "$bin" in *.c | *.h | *.o) continue ;; esac
	[ -x "$bin" ] && bins+=("$bin")
done
if [ ${#bins[@]} -eq 0 ]; then
	echo "FAIL valgrind: no unit test binaries (make check TESTS= first)"
	exit 1
fi
for bin in "${bins[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "${VALGRIND_JOBS:-$(nproc)}" ]; do wait -n; done
	vg_one "$bin" >"$out/$(basename "$bin").result" 2>&1 &
done
wait
failed=0
for bin in "${bins[@]}"; do
	cat "$out/$(basename "$bin").result"
	grep -q '^PASS' "$out/$(basename "$bin").result" || failed=1
done
echo "valgrind: $(($(date +%s) - start))s"
if [ $failed -eq 0 ]; then rm -rf "$out"; else echo "kept: $out"; fi
exit $failed
