#!/bin/bash
# Run the namespace tests: every tests/integration/t_*.sh (or those whose name
# contains FILTER), each under `timeout`, as root.
#
# usage: [VIPD=path] tests/run-integration.sh [-v] [FILTER]
#   VIPD      the vipd binary (default src/vipd)
#   LIMIT     seconds allowed per test (default 120)
#   JOBS      tests run at the same time (default 3; "# vt: solo" ones alone)
#   -v        print every test's full output, not only failures' and measurements
# Prints "PASS name (Ns)" with the test's measured values, "FAIL name" with its
# output, "SKIP name" (exit 77), then the counts; exits 1 if any test failed.
export LC_ALL=C
TOP=$(cd "$(dirname "$0")/.." && pwd)
VERBOSE=0
[ "${1:-}" = -v ] && { VERBOSE=1; shift; }
FILTER=${1:-}
VIPD=${VIPD:-src/vipd}
case $VIPD in /*) ;; *) VIPD=$PWD/$VIPD ;; esac
[ -x "$VIPD" ] || VIPD_MISSING=1
export VIPD
LIMIT=${LIMIT:-120}

if [ "$(id -u)" != 0 ]; then
	echo "run-integration: needs root (network namespaces)" >&2
	exit 1
fi
[ -n "${VIPD_MISSING:-}" ] && echo "warning: no vipd binary at $VIPD (set VIPD=path)"

WORK=$(mktemp -d /tmp/vt-run.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# sweep REGISTRY: delete what a test that was killed left behind.
sweep()
{
	local kind what p
	while read -r kind what; do
		case $kind in
		ns)
			ip netns list | awk '{print $1}' | grep -qxF "$what" || continue
			for p in $(ip netns pids "$what" 2>/dev/null); do
				kill -9 "$p" 2>/dev/null
			done
			ip netns del "$what" 2>/dev/null
			echo "  (swept leftover namespace $what)"
			;;
		dir) [ "${KEEP_LOGS:-0}" = 1 ] || rm -rf "$what" ;;
		esac
	done <"$1"
}

# A test whose file has a line "# vt: solo" (heavy on CPU, or a flood) runs
# alone, after the others; the others run JOBS at a time (default 3: they
# mostly wait on protocol timers, and each has its own namespaces).
JOBS=${JOBS:-3}

# run_one NAME FILE: run the test, leave its exit status and time beside its
# output.
run_one()
{
	local name=$1 t=$2 start rc
	: >"$WORK/$name.reg"
	start=$(date +%s)
	VT_REGISTRY=$WORK/$name.reg timeout -k 10 "$LIMIT" bash "$t" >"$WORK/$name.out" 2>&1 </dev/null
	rc=$?
	echo $(( $(date +%s) - start )) >"$WORK/$name.secs"
	echo "$rc" >"$WORK/$name.rc"
}

# report NAME: sweep what the test left, print its result, count it.
report()
{
	local name=$1 out=$WORK/$1.out rc secs
	rc=$(cat "$WORK/$name.rc" 2>/dev/null || echo 1)
	secs=$(cat "$WORK/$name.secs" 2>/dev/null || echo 0)
	sweep "$WORK/$name.reg"
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name (${secs}s)"
		if [ $VERBOSE = 1 ]; then sed 's/^/    /' "$out"; else grep 'measured:' "$out"; fi
	elif [ "$rc" = 77 ]; then
		skip=$((skip + 1))
		echo "SKIP $name: $(tail -n1 "$out")"
	else
		fail=$((fail + 1))
		failed+=("$name")
		if [ "$rc" = 124 ]; then echo "FAIL $name (timed out after ${LIMIT}s)"
		else echo "FAIL $name (${secs}s, exit $rc)"; fi
		sed 's/^/    /' "$out"
	fi
}

pass=0 fail=0 skip=0 failed=()
declare -A running=()   # pid -> test name
pool=() solo=()
for t in "$TOP"/tests/integration/t_*.sh; do
	name=$(basename "$t" .sh)
	case $name in *"$FILTER"*) ;; *) continue ;; esac
	if grep -qx '# vt: solo' "$t"; then solo+=("$t"); else pool+=("$t"); fi
done

# wait_one: wait for one running test and report it.
wait_one()
{
	local pid
	wait -n -p pid "${!running[@]}"
	report "${running[$pid]}"
	unset "running[$pid]"
}

for t in "${pool[@]}"; do
	[ "${#running[@]}" -lt "$JOBS" ] || wait_one
	name=$(basename "$t" .sh)
	run_one "$name" "$t" &
	running[$!]=$name
done
while [ "${#running[@]}" -gt 0 ]; do wait_one; done
for t in "${solo[@]}"; do
	name=$(basename "$t" .sh)
	run_one "$name" "$t"
	report "$name"
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
[ $((pass + skip)) -gt 0 ] || { echo "no test matched '$FILTER'"; exit 1; }
exit 0
