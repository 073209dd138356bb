#!/usr/bin/env bash
# vipd --import-keepalived with the real binaries: the kubeadm HA guide's
# keepalived.conf imports into a config that vipd -t --offline accepts and that
# keeps its check, VRID, VRRPv2, PASS auth and VIP; an auth_pass longer than 8
# characters is cut with a warning; an unsupported keyword exits 1 with
# "file:line: 'KEYWORD' not supported: ..."; include follows a glob; the
# imported exec check's APISERVER_VIP reaches the script (check_probe).
# No root, no namespaces. Prints PASS/FAIL lines; exit 1 on any FAIL.
#   VIPD=path          the vipd binary (default: src/vipd of this tree)
#   CHECK_PROBE=path   tests/integration/check_probe (skipped when not built)
set -u
export LC_ALL=C

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VIPD=${VIPD:-$TOP/src/vipd}
CHECK_PROBE=${CHECK_PROBE:-$TOP/tests/integration/check_probe}
DATA=$TOP/tests/unit/import
TMP=$(mktemp -d /tmp/vipd-t-import.XXXXXX)
chmod 755 "$TMP"
FAILS=0
trap 'rm -rf "$TMP"' EXIT

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1${2:+: $2}"
	FAILS=$((FAILS + 1))
}

[ -x "$VIPD" ] || { echo "FAIL no vipd binary at $VIPD (build first)"; exit 1; }

# import NAME FILE: run the importer from FILE's directory; $TMP/NAME.out,
# $TMP/NAME.err, and the exit status in RC.
import() {
	(cd "$(dirname "$2")" && "$VIPD" --import-keepalived "$(basename "$2")") \
		>"$TMP/$1.out" 2>"$TMP/$1.err" </dev/null
	RC=$?
}

# has NAME FILE LINE...: every LINE (fixed string) is a line of FILE.
has() {
	local name=$1 file=$2 line
	shift 2
	for line in "$@"; do
		grep -qxF -- "$line" "$file" || { fail "$name" "no line '$line' in $(basename "$file")"; return 1; }
	done
	return 0
}

# ---- the kubeadm HA guide's keepalived.conf ----
import guide "$DATA/kubeadm-guide.conf"
if [ $RC -eq 0 ]; then pass "guide: exit 0 (everything carried over)"; else fail "guide: exit $RC" "$(cat "$TMP/guide.err")"; fi
out=$("$VIPD" -t --offline -f "$TMP/guide.out" 2>&1)
if [ $? -eq 0 ]; then pass "guide: vipd -t --offline accepts the import"; else fail "guide: vipd -t --offline" "$out"; fi
has "guide: keeps the check (interval 3, timeout 3, weight -2, fall 10, rise 2)" "$TMP/guide.out" \
	$'\t\ttype = "exec";' $'\t\ttarget = "/etc/keepalived/check_apiserver.sh";' \
	$'\t\tinterval = 3;' $'\t\ttimeout = 3;' $'\t\tweight = -2;' $'\t\tfall = 10;' $'\t\trise = 2;' &&
	pass "guide: keeps the check (interval 3, timeout 3, weight -2, fall 10, rise 2)"
has "guide: VRID 51, VRRPv2, 1 s adverts, priority 101, PASS auth, the VIP" "$TMP/guide.out" \
	$'\t\tvrid = 51;' $'\t\tversion = 2;' $'\t\tadvert_interval = 1;' $'\t\tpriority = 101;' \
	$'\t\tauth = { type = "pass"; password = "42"; };' $'\t\tvips = [ "192.0.2.100/32" ];' \
	$'\t\ttrack_checks = [ "check_apiserver" ];' &&
	pass "guide: VRID 51, VRRPv2, 1 s adverts, priority 101, PASS auth, the VIP"
has "guide: APISERVER_VIP for check_apiserver.sh" "$TMP/guide.out" \
	$'\t\tenv = { APISERVER_VIP = "192.0.2.100"; };' && pass "guide: APISERVER_VIP for check_apiserver.sh"
if grep -q "warning: 'state MASTER' only affects keepalived's start-up" "$TMP/guide.err" &&
	! grep -qE 'warning|not supported' "$TMP/guide.out"; then
	pass "guide: messages on stderr only (state MASTER noted)"
else
	fail "guide: messages on stderr only" "$(cat "$TMP/guide.err")"
fi
"$VIPD" -n -f "$TMP/guide.out" >"$TMP/guide.norm" 2>&1 &&
	has "guide: normalized, the check starts as up (keepalived's INIT)" "$TMP/guide.norm" \
		$'\t\tinitial = "up";' && pass "guide: normalized, the check starts as up (keepalived's INIT)"

# The imported env reaches the script: run the check as vipd would.
if [ -x "$CHECK_PROBE" ]; then
	vip=$(sed -n 's/.*APISERVER_VIP = "\(.*\)".*/\1/p' "$TMP/guide.out")
	out=$("$CHECK_PROBE" -n 1 -e "APISERVER_VIP=$vip" exec \
		"test \"\$APISERVER_VIP\" = 192.0.2.100" 2>&1)
	if printf '%s\n' "$out" | grep -qx up; then
		pass "guide: the exec check's script sees APISERVER_VIP=$vip"
	else
		fail "guide: the exec check's script sees APISERVER_VIP" "$out"
	fi
else
	echo "SKIP env reaches the script: no $CHECK_PROBE (make check builds it)"
fi

# ---- auth_pass longer than 8 characters ----
cat >"$TMP/long.conf" <<'EOF'
vrrp_instance VI_1 {
	interface eth0
	virtual_router_id 51
	authentication {
		auth_type PASS
		auth_pass 0123456789
	}
	virtual_ipaddress {
		192.0.2.100/24
	}
}
EOF
import long "$TMP/long.conf"
if [ $RC -eq 0 ] &&
	grep -qxF "long.conf:6: warning: auth_pass cut to its first 8 characters, '01234567', as keepalived does (it sends only those)" "$TMP/long.err" &&
	has "long auth_pass" "$TMP/long.out" $'\t\tauth = { type = "pass"; password = "01234567"; };' &&
	"$VIPD" -t --offline -f "$TMP/long.out" >/dev/null 2>&1; then
	pass "auth_pass of 10 characters: cut to 8 with a warning, exit 0, vipd -t accepts it"
else
	fail "auth_pass of 10 characters" "exit $RC: $(cat "$TMP/long.err")"
fi

# ---- an unsupported keyword ----
cat >"$TMP/unsup.conf" <<'EOF'
global_defs {
	router_id n1
	vrrp_strict
}
vrrp_instance VI_1 {
	interface eth0
	virtual_router_id 51
	use_vmac
	virtual_ipaddress {
		192.0.2.100
	}
}
EOF
import unsup "$TMP/unsup.conf"
if [ $RC -eq 1 ] && grep -qE "^unsup.conf:3: 'vrrp_strict' not supported: .+" "$TMP/unsup.err" &&
	grep -qE "^unsup.conf:8: 'use_vmac' not supported: .+" "$TMP/unsup.err" &&
	grep -qF "2 things not carried over" "$TMP/unsup.err"; then
	pass "unsupported keywords: exit 1, file:line: 'KEYWORD' not supported: what to do"
else
	fail "unsupported keywords" "exit $RC: $(cat "$TMP/unsup.err")"
fi
if "$VIPD" -t --offline -f "$TMP/unsup.out" >/dev/null 2>&1; then
	pass "unsupported keywords: the rest is still a config vipd accepts"
else
	fail "unsupported keywords: the rest" "$(cat "$TMP/unsup.out")"
fi

# ---- include with a glob, relative to the including file ----
mkdir -p "$TMP/inc/conf.d"
cat >"$TMP/inc/keepalived.conf" <<'EOF'
global_defs {
	router_id n2
}
include conf.d/*.conf
include missing/*.conf
EOF
cat >"$TMP/inc/conf.d/10-script.conf" <<'EOF'
vrrp_script chk {
	script "/bin/true"
	interval 2
	weight -5
}
EOF
cat >"$TMP/inc/conf.d/20-instance.conf" <<'EOF'
vrrp_instance VI_1 {
	interface eth0
	virtual_router_id 60
	virtual_ipaddress {
		192.0.2.60
	}
	track_script {
		chk
	}
}
EOF
cp "$TMP/inc/conf.d/10-script.conf" "$TMP/inc/conf.d/ignored.conf.disabled"
import inc "$TMP/inc/keepalived.conf"
if [ $RC -eq 0 ] && has "include" "$TMP/inc.out" $'\t\tname = "chk";' $'\t\tvrid = 60;' \
	$'\t\ttrack_checks = [ "chk" ];' $'\t# vrrp_instance VI_1, conf.d/20-instance.conf:1' &&
	grep -qxF "keepalived.conf:5: warning: include 'missing/*.conf' matches no file (keepalived skips it too)" "$TMP/inc.err" &&
	"$VIPD" -t --offline -f "$TMP/inc.out" >/dev/null 2>&1; then
	pass "include conf.d/*.conf: both files imported, an empty glob warned about"
else
	fail "include with a glob" "exit $RC: $(cat "$TMP/inc.err")"
fi

# ---- errors and usage ----
printf 'vrrp_instance VI_1 {\n\tinterface eth0\n' >"$TMP/open.conf"
import open "$TMP/open.conf"
if [ $RC -eq 1 ] && [ ! -s "$TMP/open.out" ] &&
	grep -qxF "open.conf:1: the block of 'vrrp_instance' is not closed (missing '}')" "$TMP/open.err"; then
	pass "a block left open: exit 1, file:line, nothing on stdout"
else
	fail "a block left open" "exit $RC: $(cat "$TMP/open.err")"
fi
"$VIPD" --import-keepalived "$TMP/no-such.conf" >"$TMP/none.out" 2>"$TMP/none.err"
rc=$?
if [ $rc -eq 1 ] && grep -qF "no-such.conf: cannot open" "$TMP/none.err"; then
	pass "a missing file: exit 1"
else
	fail "a missing file" "exit $rc: $(cat "$TMP/none.err")"
fi
"$VIPD" --import-keepalived "$TMP/long.conf" -f "$TMP/long.out" >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then pass "--import-keepalived with -f: usage, exit 2"; else fail "--import-keepalived with -f" "exit $rc"; fi

[ $FAILS -eq 0 ]
