#!/usr/bin/env bash
# The suite's short fuzz run: every libFuzzer target of tests/fuzz/run.sh
# (built with clang -fsanitize=fuzzer,address,undefined), FUZZ_SECONDS each
# (default 12), two at a time, on its seed corpus and dictionary. A crash, a
# sanitizer report, a leak or a hang is a FAIL line naming the target (the
# input is kept and its path printed). One PASS/FAIL line per target.
# A longer run: bash tests/fuzz/run.sh SECONDS (README, Development).
set -u
cd "$(dirname "$0")/.." || exit 1
if ! command -v clang >/dev/null 2>&1; then
	echo "FAIL fuzz: clang not found (scripts/bootstrap.sh installs it)"
	exit 1
fi
out=$(mktemp -d /tmp/vipd-fuzz-smoke.XXXXXX)
start=$(date +%s)
FUZZ_OUT=$out FUZZ_JOBS=${FUZZ_JOBS:-2} bash tests/fuzz/run.sh "${FUZZ_SECONDS:-12}" >"$out/run.out" 2>&1
rc=$?
grep -E '^(PASS|FAIL) |^    ' "$out/run.out"
if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out/run.out"; then
	echo "FAIL fuzz: tests/fuzz/run.sh exited $rc (a build error?)"
	tail -n 30 "$out/run.out" | sed 's/^/    /'
fi
echo "fuzz smoke: $(($(date +%s) - start))s"
if [ $rc -eq 0 ]; then
	rm -rf "$out"
else
	echo "kept: $out"
fi
exit $rc
