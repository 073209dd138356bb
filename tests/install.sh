#!/usr/bin/env bash
# Install checks, in a configured tree: `make install DESTDIR=tmp` puts every
# expected file in place and nothing under sysconfdir; the installed unit has
# this build's paths and passes `systemd-analyze verify` silently; every man
# page is `mandoc -T lint` clean; `make distcheck` passes. One PASS or FAIL
# line per check. Needs no root.
#   INSTALL_DISTCHECK=0  skip make distcheck (the slow part, 1-2 min)
set -u
cd "$(dirname "$0")/.."
export LC_ALL=C

fails=0
pass() { echo "PASS $*"; }
fail() {
	echo "FAIL $*"
	fails=$((fails + 1))
}
check() { # check WHAT COMMAND...: PASS or FAIL by the command's status
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

[ -f Makefile ] || {
	echo "FAIL install: no Makefile (configure first)"
	exit 1
}
tmp=$(mktemp -d /tmp/vipd-install.XXXXXX)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# make_var NAME: a variable of the configured Makefile, fully expanded.
make_var() {
	printf 'vipd-print-var:\n\t@echo $(%s)\n' "$1" |
		make -s --no-print-directory -f Makefile -f - vipd-print-var
}

sbindir=$(make_var sbindir)
bindir=$(make_var bindir)
mandir=$(make_var mandir)
docdir=$(make_var docdir)
sysconfdir=$(make_var sysconfdir)
unitdir=$(make_var systemdsystemunitdir)
dest=$tmp/root

if make -s install DESTDIR="$dest" >"$tmp/install.log" 2>&1; then
	pass "make install DESTDIR"
else
	fail "make install DESTDIR"
	tail -n 20 "$tmp/install.log"
fi

# ---- the files
check_file() { # check_file PATH [x]: installed (and executable)
	local f=$dest$1
	if [ -f "$f" ] && { [ "${2:-}" != x ] || [ -x "$f" ]; }; then
		pass "installed $1"
	else
		fail "installed $1 ($([ -e "$f" ] && echo "not executable" || echo missing))"
	fi
}
check_file "$sbindir/vipd" x
check_file "$bindir/vipctl" x
check_file "$mandir/man8/vipd.8"
check_file "$mandir/man8/vipctl.8"
check_file "$mandir/man5/vipd.conf.5"
check_file "$docdir/examples/vipd.conf.example"
check_file "$docdir/examples/kubeadm.conf"
check_file "$docdir/examples/check_apiserver.sh" x
if [ -n "$unitdir" ]; then
	check_file "$unitdir/vipd.service"
else
	fail "installed vipd.service (configured --without-systemdsystemunitdir)"
fi
check "nothing installed under $sysconfdir" test ! -e "$dest$sysconfdir"

# ---- the unit
unit=$dest$unitdir/vipd.service
exec_start="ExecStart=$sbindir/vipd -f $sysconfdir/vipd/vipd.conf "
check "unit runs $sbindir/vipd with $sysconfdir/vipd/vipd.conf" grep -qF "$exec_start" "$unit"
check "unit has no unsubstituted @variables@" eval '! grep -q "@[a-z]*@" "$unit"'
check "unit's control socket is /run/vipd/vipd.sock" \
	eval 'grep -q "^RuntimeDirectory=vipd$" "$unit" && grep -q "control /run/vipd/vipd.sock" "$unit"'

# systemd-analyze verify wants ExecStart= to exist: verify a copy that runs
# the DESTDIR binary; the man pages it names are looked up in DESTDIR too.
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$tmp/verify"
	sed "s|^ExecStart=$sbindir/|ExecStart=$dest$sbindir/|" "$unit" >"$tmp/verify/vipd.service"
	out=$(MANPATH=$dest$mandir systemd-analyze verify "$tmp/verify/vipd.service" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$out" ]; then
		pass "systemd-analyze verify vipd.service: silent"
	else
		fail "systemd-analyze verify vipd.service (exit $rc)"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
	exposure=$(systemd-analyze security --offline=yes "$tmp/verify/vipd.service" 2>&1 |
		sed -n 's/^.*Overall exposure level for [^:]*: *\(.*\)$/\1/p')
	echo "  measured: systemd-analyze security exposure: ${exposure:-unknown}"
else
	fail "systemd-analyze verify: systemd-analyze not installed"
fi

# ---- the man pages
for page in man/*.[0-9]; do
	if ! command -v mandoc >/dev/null; then
		fail "mandoc -T lint $page: mandoc not installed"
		continue
	fi
	out=$(mandoc -T lint "$page" 2>&1)
	if [ -z "$out" ]; then
		pass "mandoc -T lint $page: clean"
	else
		fail "mandoc -T lint $page"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
done

# ---- the distribution
if [ "${INSTALL_DISTCHECK:-1}" = 1 ]; then
	distdir=$(make_var distdir)
	tarball=$distdir.tar.gz
	had_tarball=$([ -e "$tarball" ] && echo 1)
	had_distdir=$([ -e "$distdir" ] && echo 1)
	start=$(date +%s)
	if make -j"$(nproc)" distcheck >"$tmp/distcheck.log" 2>&1; then
		pass "make distcheck ($(($(date +%s) - start)) s)"
	else
		fail "make distcheck"
		grep -E 'error|Error|FAIL|ERROR' "$tmp/distcheck.log" | head -n 20 | sed 's/^/    /'
		tail -n 20 "$tmp/distcheck.log" | sed 's/^/    /'
	fi
	[ -n "$had_tarball" ] || rm -f "$tarball"
	# a failed distcheck leaves its read-only tree behind
	if [ -z "$had_distdir" ] && [ -d "$distdir" ]; then
		chmod -R u+w "$distdir" && rm -rf "$distdir"
	fi
fi

[ $fails -eq 0 ]
