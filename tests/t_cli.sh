#!/usr/bin/env bash
# Command-line conventions of vipd and vipctl: --help and --version print to
# stdout and exit 0, bad usage exits 2, every option in --help is in the man
# page, vipctl's exit status (0 ok, 1 the daemon answered an error, 2 usage,
# 3 unreachable, against a stand-in daemon), and mandoc -T lint is clean for
# every man page. No root, no namespaces. Prints PASS/FAIL lines; exit 1 on FAIL.
set -u
export LC_ALL=C

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VIPD=${VIPD:-$TOP/src/vipd}
VIPCTL=${VIPCTL:-$TOP/src/vipctl}
TMP=$(mktemp -d /tmp/vipd-t-cli.XXXXXX)
FAILS=0
STANDIN=
cleanup() {
	[ -n "$STANDIN" ] && kill "$STANDIN" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1${2:+: $2}"
	FAILS=$((FAILS + 1))
}

# status NAME WANT-EXIT STDOUT-PATTERN CMD...: exit status and stdout (ERE;
# "" for none at all).
status() {
	local name=$1 want=$2 pat=$3 rc ok
	shift 3
	"$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	if [ -z "$pat" ]; then
		[ ! -s "$TMP/out" ] && ok=1 || ok=0
	else
		grep -qE -- "$pat" "$TMP/out" && ok=1 || ok=0
	fi
	if [ $rc -eq "$want" ] && [ $ok -eq 1 ]; then
		pass "$name"
	else
		fail "$name" "exit $rc (want $want), stdout: $(head -c 200 "$TMP/out"), stderr: $(head -c 200 "$TMP/err")"
	fi
}

for b in "$VIPD" "$VIPCTL"; do
	[ -x "$b" ] || { echo "FAIL no binary at $b (build first)"; exit 1; }
done

status vipd_help_exits_0 0 '^usage: vipd ' "$VIPD" --help
status vipd_h_exits_0 0 '^usage: vipd ' "$VIPD" -h
status vipd_version_exits_0 0 '^vipd [0-9]' "$VIPD" --version
status vipd_V_exits_0 0 '^vipd [0-9]' "$VIPD" -V
status vipd_bad_option_exits_2 2 '' "$VIPD" --bogus
status vipd_no_file_exits_2 2 '' "$VIPD" -t
status vipd_offline_without_t_exits_2 2 '' "$VIPD" --offline -f /dev/null
status vipd_bad_log_exits_2 2 '' "$VIPD" --log file -f /dev/null
status vipctl_help_exits_0 0 '^usage: vipctl ' "$VIPCTL" --help
status vipctl_version_exits_0 0 '^vipctl [0-9]' "$VIPCTL" --version
status vipctl_no_command_exits_2 2 '' "$VIPCTL"
status vipctl_bad_option_exits_2 2 '' "$VIPCTL" --bogus status
status vipctl_unreachable_exits_3 3 '' "$VIPCTL" --socket "$TMP/none.sock" status

# Every option of --help (-x and --long; a command's too) is in the man page.
options_match() { # NAME BINARY PAGE
	local help man missing
	help=$("$2" --help | sed -n '/^  *-/p' | grep -oE -- '(^| )--?[a-zA-Z][a-z-]*' | tr -d ' ' | sort -u)
	man=$(sed -n '/^\.SH SYNOPSIS/,$p' "$3" | grep -oE -- '(\\-)+[a-zA-Z]([a-z-]|\\-)*' |
		sed 's/\\//g' | sort -u)
	missing=$(comm -23 <(echo "$help") <(echo "$man"))
	if [ -n "$help" ] && [ -z "$missing" ]; then
		pass "$1"
	else
		fail "$1" "not in $3: $(echo $missing)"
	fi
}
options_match vipd_man_lists_every_option "$VIPD" "$TOP/man/vipd.8"
options_match vipctl_man_lists_every_option "$VIPCTL" "$TOP/man/vipctl.8"

# vipctl against a stand-in daemon: one line in, an answer out.
if command -v python3 >/dev/null; then
	python3 - "$TMP/ctl.sock" <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(4)
while True:
    c, _ = s.accept()
    line = c.makefile().readline().strip()
    if line == "status":
        c.sendall(b"router_id r\n")
    elif line == "stats":
        time.sleep(6)  # longer than vipctl waits
    elif line != "metrics":  # metrics: an empty answer
        c.sendall(("error: cannot '%s'\n" % line).encode())
    c.close()
EOF
	STANDIN=$!
	for _ in $(seq 100); do [ -S "$TMP/ctl.sock" ] && break; sleep 0.05; done
	status vipctl_ok_exits_0 0 '^router_id r$' "$VIPCTL" -s "$TMP/ctl.sock" status
	status vipctl_error_answer_exits_1 1 "^error: cannot 'reload'" \
		"$VIPCTL" -s "$TMP/ctl.sock" reload
	status vipctl_unknown_command_exits_2 2 '' "$VIPCTL" -s "$TMP/ctl.sock" bogus
	status vipctl_empty_answer_exits_0 0 '' "$VIPCTL" -s "$TMP/ctl.sock" metrics
	status vipctl_no_answer_in_5s_exits_3 3 '' "$VIPCTL" -s "$TMP/ctl.sock" stats
else
	echo "SKIP vipctl against a stand-in: no python3"
fi

# Every man page: mandoc -T lint clean.
if command -v mandoc >/dev/null; then
	for page in "$TOP"/man/*.[1-8]; do
		out=$(mandoc -T lint "$page" 2>&1)
		if [ -z "$out" ]; then
			pass "mandoc_lint_$(basename "$page")"
		else
			fail "mandoc_lint_$(basename "$page")" "$out"
		fi
	done
else
	echo "SKIP mandoc lint: no mandoc"
fi

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS check(s) failed"
	exit 1
fi
echo "all passed"
