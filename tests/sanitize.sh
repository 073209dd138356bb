#!/usr/bin/env bash
# ASan + UBSan in the suite. Builds a copy of this tree (the files git knows
# and untracked ones not ignored) in a temp dir with
# ./configure --enable-sanitizers, then
#   1. runs every cmocka unit test with leak checks, any report aborting it;
#   2. runs a representative set of namespace tests (SANITIZE_TESTS, names of
#      tests/integration/t_*.sh) with VIPD and VIPCTL the sanitized binaries,
#      and fails a test whose daemons or vipctl wrote any ASan, LSan or UBSan
#      report (in files of their own, log_path, or in the daemons' logs),
#      even if the test itself passed. The daemons still running when a test
#      ends are stopped with SIGTERM (VT_STOP_DAEMONS=1), so that LeakSanitizer
#      checks each of them at exit.
# Needs root for step 2 (skipped otherwise, with a FAIL line). One PASS/FAIL
# line per unit binary and per namespace test; exits 1 on any FAIL.
#   sudo bash tests/sanitize.sh            KEEP=1 keeps the build dir
set -u
export LC_ALL=C
TOP=$(cd "$(dirname "$0")/.." && pwd)
SANITIZE_TESTS=${SANITIZE_TESTS:-"t_elect_highest_priority t_crash_failover t_graceful_stop
	t_vip_deleted_by_hand t_ipv6_vip t_check_apiserver_killed t_unicast_peers
	t_reload_bad t_reload_vips_instances t_ah_reject t_fault_iface_recreate"}
jobs=$(nproc)
start=$(date +%s)
failed=0

dir=$(mktemp -d /tmp/vipd-san.XXXXXX)
reports=$dir/reports
mkdir -p "$reports"
chmod 1777 "$reports" # a dropped-privilege child may write there too
cleanup() {
	if [ "${KEEP:-0}" = 1 ] || [ "$failed" -ne 0 ]; then
		echo "kept: $dir"
	else
		rm -rf "$dir"
	fi
}
trap cleanup EXIT

pass() { echo "PASS $*"; }
fail() {
	echo "FAIL $*"
	failed=1
}

# ---- build
cd "$TOP" || exit 1
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
	[ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -C "$dir" -xf - || {
	fail "sanitize: copying the tree"
	exit 1
}
# the autotools output too when there is some (the bootstrap's): no autoreconf
for f in configure aclocal.m4 Makefile.in build-aux; do
	[ -e "$f" ] && cp -pr "$f" "$dir/"
done
cd "$dir" || exit 1
t0=$(date +%s)
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi >build.log 2>&1 || {
		fail "sanitize: autoreconf"
		tail -n 40 build.log | sed 's/^/    /'
		exit 1
	}
fi
if ! { ./configure -q --enable-sanitizers &&
	make -j"$jobs" && make -j"$jobs" check TESTS=; } >>build.log 2>&1; then
	fail "sanitize: build with --enable-sanitizers"
	tail -n 40 build.log | sed 's/^/    /'
	exit 1
fi
echo "sanitized build: $(($(date +%s) - t0))s"

# Every report aborts the process; the daemons' go to files in $reports.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:disable_coredump=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# LSan stops the process's threads with ptrace; that needs no yama here.
ulimit -c 0

# ---- 1. unit tests (reports on stderr, in the test's output)
t0=$(date +%s)
for bin in tests/unit/test_*; do
	case "$bin" in *.c | *.h | *.o) continue ;; esac
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	VIPD_TEST_DATA="$dir/tests/unit/config" timeout 300 "$bin" >"$dir/$name.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$dir/$name.out"; then
		pass "sanitize unit $name"
	else
		fail "sanitize unit $name (exit $rc)"
		grep -E -A 40 'Sanitizer|runtime error:|FAILED|\[  ERROR' "$dir/$name.out" | head -n 60 |
			sed 's/^/    /'
	fi
done
echo "sanitized unit tests: $(($(date +%s) - t0))s"

# ---- 2. namespace tests with the sanitized daemon
if [ "$(id -u)" != 0 ]; then
	fail "sanitize namespace tests: need root"
	exit 1
fi
export VIPD=$dir/src/vipd VIPCTL=$dir/src/vipctl
# ns_test NAME: run it; print its PASS or FAIL line (and the reports).
# ASan and LSan reports go to files (log_path), vipctl's too; GCC's UBSan
# ignores log_path and writes to stderr: the daemons' logs in the lab dirs
# (kept for this, KEEP_LOGS=1, and removed here) are searched for them.
ns_attempt() {
	local name=$1 out=$2 rep=$reports/$1 rc f lab
	ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$rep/asan" KEEP_LOGS=1 VT_STOP_DAEMONS=1 \
		bash tests/run-integration.sh -v "$name" >"$out" 2>&1
	rc=$?
	for lab in $(grep -oE 'logs (kept )?in /tmp/vt[0-9]+-[A-Za-z0-9_.-]+' "$out" |
		awk '{print $NF}' | sort -u); do
		[ -d "$lab" ] || continue
		for f in "$lab"/*.log; do
			grep -qE 'runtime error:|ERROR: (Address|Leak)Sanitizer|SUMMARY: [A-Za-z]+Sanitizer' \
				"$f" 2>/dev/null && cp "$f" "$rep/$(basename "$lab")-$(basename "$f")"
		done
		rm -rf "$lab"
	done
	[ $rc -eq 0 ] && grep -q "^PASS $name " "$out"
}
# A test that fails with no sanitizer report (the slower binaries widen some
# tests' timing windows) runs once more; a report in either run fails it.
ns_test() {
	local name=$1 rep=$reports/$1 t0 ok=0 secs found f note=""
	mkdir -p "$rep"
	chmod 1777 "$rep"
	t0=$(date +%s)
	ns_attempt "$name" "$dir/$name.out" && ok=1
	if [ $ok = 0 ] && [ -z "$(find "$rep" -type f -size +0)" ]; then
		mv "$dir/$name.out" "$dir/$name.first.out"
		f=$dir/$name.first.out
		note=", run twice: the first failed with no sanitizer report: $({ grep -m1 -E '^ *FAIL:' "$f" ||
			grep -m1 -E '^ *FAIL' "$f"; } | sed 's/^ *//')"
		ns_attempt "$name" "$dir/$name.out" && ok=1
	fi
	secs=$(($(date +%s) - t0))
	found=$(find "$rep" -type f -size +0 | sort)
	if [ $ok = 1 ] && [ -z "$found" ]; then
		echo "PASS sanitize $name (${secs}s$note)"
	else
		echo "FAIL sanitize $name (${secs}s$note)"
		for f in $found; do
			echo "    --- $(basename "$f")"
			grep -E -B 5 -A 40 'runtime error:|ERROR: (Address|Leak)Sanitizer' "$f" |
				head -n 60 | sed 's/^/    /'
		done
		[ -n "$found" ] || sed 's/^/    /' "$dir/$name.out" | tail -n 60
	fi
}
# SANITIZE_JOBS at a time (default 2: the tests mostly wait on VRRP timers;
# each has namespaces of its own).
started=()
for name in $SANITIZE_TESTS; do
	if [ ! -f "tests/integration/$name.sh" ]; then
		echo "(no tests/integration/$name.sh here: not run)"
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "${SANITIZE_JOBS:-2}" ]; do wait -n; done
	ns_test "$name" >"$dir/$name.result" 2>&1 &
	started+=("$name")
done
wait
for name in "${started[@]}"; do
	cat "$dir/$name.result"
	grep -q '^PASS' "$dir/$name.result" || failed=1
done
echo "sanitize: $(($(date +%s) - start))s"
exit $failed
