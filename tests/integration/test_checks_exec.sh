#!/bin/bash
# Exec health checks, no namespaces: timeouts kill the whole process group,
# no zombies, the script user, a clean environment, the root-script safety
# rule, and the kubeadm guide's check_apiserver.sh against an openssl
# s_server stand-in on loopback. Needs root (to switch to the user nobody).
#
#   tests/integration/test_checks_exec.sh
#   CHECK_PROBE=/path/to/check_probe   use a prebuilt driver
#   VCHK_PORT=16443                    the stand-in apiserver port
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PORT=${VCHK_PORT:-16443}
WORK=$(mktemp -d /tmp/vchk-exec.XXXXXX)
chmod 755 "$WORK"
PIDS=()
FAILED=0

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	# anything a failed test left behind runs $WORK/sleeper: end those by pid
	for p in $(pgrep -f "^$WORK/" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILED=$((FAILED + 1)); }

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (scripts switch to the user nobody)"
	exit 77
fi

# The probe is built by `make check` (tests/integration/check_probe).
PROBE=${CHECK_PROBE:-$ROOT/tests/integration/check_probe}
if [ ! -x "$PROBE" ]; then
	echo "FAIL: no check_probe at $PROBE (run make check TESTS= first)"
	exit 1
fi

# Every script's long-running child is $WORK/sleeper, so leftovers are easy to find.
cp "$(command -v sleep)" "$WORK/sleeper"
leftovers() { pgrep -f "^$WORK/sleeper" | tr '\n' ' '; }

script() { # name body
	printf '#!/bin/sh\n%s\n' "$2" >"$WORK/$1"
	chmod 755 "$WORK/$1"
}

field() { # summary-line key
	sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"
}

# wait_line FILE REGEX SECONDS
wait_line() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

ms_now() { date +%s%3N; }

# ---- timeouts and process groups ----

# run_timeout NAME SCRIPT-BODY MIN-MS MAX-MS: a check with timeout 0.3 s must
# fail with "timeout" between MIN-MS and MAX-MS and leave no process behind
# (whatever ignores SIGTERM gets SIGKILL after the 0.5 s grace).
run_timeout() {
	local name=$1 start out ms left
	script "$name.sh" "$2"
	start=$(ms_now)
	out=$("$PROBE" -n 1 -t 0.3 exec "$WORK/$name.sh" 2>/dev/null | tail -n 1)
	ms=$(($(ms_now) - start))
	sleep 0.1
	left=$(leftovers)
	if [ "$(field "$out" reason)" = timeout ] && [ "$(field "$out" failures)" = 1 ] &&
		[ "$ms" -ge "$3" ] && [ "$ms" -lt "$4" ] && [ -z "$left" ]; then
		pass "$name: killed at the timeout after ${ms} ms, counted as a failure, nothing left"
	else
		fail "$name: summary '$out', ${ms} ms, leftovers '$left'"
	fi
}

run_timeout hang "$WORK/sleeper 1000" 250 1500
run_timeout fork_child "$WORK/sleeper 1000 & wait" 250 1500
run_timeout ignores_term "trap '' TERM; $WORK/sleeper 1000; $WORK/sleeper 1000" 750 2000

script leaves_child.sh "$WORK/sleeper 1000 & exit 0"
out=$("$PROBE" -n 1 exec "$WORK/leaves_child.sh" 2>/dev/null | tail -n 1)
sleep 0.1
left=$(leftovers)
if [ "$(field "$out" successes)" = 1 ] && [ -z "$left" ]; then
	pass "leaves_child: a child left behind by a finished script is killed"
else
	fail "leaves_child: summary '$out', leftovers '$left'"
fi

# ---- many runs, no zombies ----

script fast.sh "exit 0"
"$PROBE" -k -n 50 -i 0.02 -t 1 exec "$WORK/fast.sh" >"$WORK/fast.out" 2>/dev/null &
probe_pid=$!
PIDS+=("$probe_pid")
if wait_line "$WORK/fast.out" '^runs=' 20; then
	sleep 0.2
	kids=$(ps --ppid "$probe_pid" -o pid=,stat= | tr '\n' ' ')
	out=$(tail -n 1 "$WORK/fast.out")
	if [ "$(field "$out" successes)" -ge 50 ] && [ -z "$kids" ]; then
		pass "50 runs of a fast script: $(field "$out" successes) successes, no child left (no zombie)"
	else
		fail "fast runs: summary '$out', children '$kids'"
	fi
else
	fail "fast runs: no summary within 20 s"
fi
kill "$probe_pid" 2>/dev/null
wait "$probe_pid" 2>/dev/null

# ---- the script user and the environment ----

OUT=$WORK/out
mkdir "$OUT"
chmod 777 "$OUT"
"$PROBE" -n 1 exec "id -u > $OUT/uid; env > $OUT/env; exec > $OUT/fds; ls /proc/\$\$/fd; \
grep -E 'Sig(Blk|Ign)' /proc/self/status > $OUT/sig; cut -d' ' -f5 /proc/\$\$/stat > $OUT/pgid; echo \$\$ > $OUT/pid" \
	3</dev/null 7>/dev/null >/dev/null 2>&1
if [ "$(cat "$OUT/uid" 2>/dev/null)" = "$(id -u nobody)" ]; then
	pass "script_user nobody: the script runs with uid $(cat "$OUT/uid")"
else
	fail "script_user nobody: uid '$(cat "$OUT/uid" 2>/dev/null)'"
fi
envs=$(grep -v '^PWD=' "$OUT/env" 2>/dev/null | sort | tr '\n' ' ')
if [ "$envs" = "HOME=$(getent passwd nobody | cut -d: -f6) PATH=/usr/sbin:/usr/bin:/sbin:/bin " ]; then
	pass "clean environment: $envs"
else
	fail "environment: '$envs'"
fi
fds=$(sort -n "$OUT/fds" 2>/dev/null | tr '\n' ' ')
if [ "$fds" = "0 1 2 " ]; then
	pass "no inherited descriptors: $fds"
else
	fail "descriptors: '$fds'"
fi
if grep -q 'SigBlk:[[:space:]]*0*$' "$OUT/sig" 2>/dev/null &&
	grep -q 'SigIgn:[[:space:]]*0*$' "$OUT/sig" 2>/dev/null; then
	pass "no blocked or ignored signals in the script (vipd ignores SIGPIPE)"
else
	fail "signals: '$(tr '\n' ' ' <"$OUT/sig" 2>/dev/null)'"
fi
if [ -s "$OUT/pid" ] && [ "$(cat "$OUT/pgid")" = "$(cat "$OUT/pid")" ]; then
	pass "the script leads its own process group"
else
	fail "process group '$(cat "$OUT/pgid" 2>/dev/null)' of pid '$(cat "$OUT/pid" 2>/dev/null)'"
fi

# ---- the root-script safety rule ----

# expect_refused NAME USER COMMAND PATTERN
expect_refused() {
	local err rc
	err=$("$PROBE" -u "$2" -n 1 exec "$3" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 2 ] && grep -q -- "$4" <<<"$err"; then
		pass "$1: refused ($err)"
	else
		fail "$1: rc $rc, '$err'"
	fi
}

mkdir "$WORK/ww" "$WORK/safe"
chmod 777 "$WORK/ww"
chmod 755 "$WORK/safe"
printf '#!/bin/sh\nexit 0\n' | tee "$WORK/ww/ok.sh" "$WORK/safe/ok.sh" "$WORK/safe/nobodys.sh" >/dev/null
chmod 755 "$WORK/ww/ok.sh" "$WORK/safe/ok.sh" "$WORK/safe/nobodys.sh"
chown nobody "$WORK/safe/nobodys.sh"
expect_refused "root script in a world-writable dir" root "$WORK/ww/ok.sh" "could be modified by a non-root user"
expect_refused "root script owned by nobody" root "$WORK/safe/nobodys.sh arg" "could be modified by a non-root user"
expect_refused "root script behind an assignment" root "X=1 $WORK/ww/ok.sh" "could be modified by a non-root user"
expect_refused "unknown script user" vchk-nouser "true" "script_user 'vchk-nouser' does not exist"
out=$("$PROBE" -u root -n 1 exec "$WORK/safe/ok.sh" 2>/dev/null | tail -n 1)
if [ "$(field "$out" successes)" = 1 ]; then
	pass "root script in a root-owned 755 dir under sticky /tmp runs"
else
	fail "root script in a safe dir: '$out'"
fi
out=$("$PROBE" -u nobody -n 1 exec "$WORK/ww/ok.sh" 2>/dev/null | tail -n 1)
if [ "$(field "$out" successes)" = 1 ]; then
	pass "the same script in the world-writable dir runs as nobody"
else
	fail "nobody script in a world-writable dir: '$out'"
fi

# ---- check_apiserver.sh against an openssl s_server stand-in ----

openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=kubernetes -days 1 \
	-keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
openssl s_server -quiet -www -accept "127.0.0.1:$PORT" -cert "$WORK/cert.pem" \
	-key "$WORK/key.pem" >/dev/null 2>&1 </dev/null &
server_pid=$!
PIDS+=("$server_pid")
for ((i = 0; i < 100; i++)); do
	curl --silent --insecure --max-time 1 "https://127.0.0.1:$PORT/" -o /dev/null && break
	sleep 0.05
done

# An unchanged copy the script user can reach (the tree may sit in a 0700 dir).
cp "$ROOT/scripts/check_apiserver.sh" "$WORK/check_apiserver.sh"
cmp -s "$ROOT/scripts/check_apiserver.sh" "$WORK/check_apiserver.sh" || fail "copy differs"
cmd="APISERVER_VIP=127.0.0.1 APISERVER_DEST_PORT=$PORT $WORK/check_apiserver.sh"
"$PROBE" -i 0.5 -t 3 -r 1 -f 1 exec "$cmd" >"$WORK/api.out" 2>/dev/null &
probe_pid=$!
PIDS+=("$probe_pid")
if wait_line "$WORK/api.out" '^up$' 10; then
	pass "check_apiserver.sh: up while the stand-in apiserver serves on $PORT"
else
	fail "check_apiserver.sh: not up ($(cat "$WORK/api.out"))"
fi
kill "$server_pid"
wait "$server_pid" 2>/dev/null
if wait_line "$WORK/api.out" '^down: exit status 1$' 10; then
	pass "check_apiserver.sh: down after the stand-in is killed"
else
	fail "check_apiserver.sh: not down ($(cat "$WORK/api.out"))"
fi
kill "$probe_pid" 2>/dev/null
wait "$probe_pid" 2>/dev/null

left=$(leftovers)
[ -z "$left" ] || fail "processes left at the end: $left"

if [ "$FAILED" -gt 0 ]; then
	echo "$FAILED test(s) FAILED"
	exit 1
fi
echo "all exec check tests passed"
