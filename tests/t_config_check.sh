#!/usr/bin/env bash
# vipd -t predicts start-up: the real src/vipd checks each config of issue 8
# (and more) and must exit 1 with "FILE:LINE: what"; vipd -f must refuse the
# same file with the same line; --offline must accept a file whose users,
# files and interfaces do not exist here. No network namespaces needed (the
# vipd -f runs go into a private one when we may make it, else are skipped).
# Prints PASS name / FAIL name; exit 1 on any FAIL.
#   VIPD=path   the vipd binary (default: src/vipd of this tree)
set -u
export LC_ALL=C

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VIPD=${VIPD:-$TOP/src/vipd}
DATA=$TOP/tests/unit/config
TMP=$(mktemp -d /tmp/vipd-t-check.XXXXXX)
chmod 755 "$TMP"
FAILS=0
trap 'rm -rf "$TMP"' EXIT

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1${2:+: $2}"
	FAILS=$((FAILS + 1))
}

[ -x "$VIPD" ] || { echo "FAIL no vipd binary at $VIPD (build first)"; exit 1; }

# Whether vipd -f can be tried safely: in a fresh network namespace.
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
	CAN_RUN=1
else
	CAN_RUN=0
	echo "SKIP vipd -f comparisons: not root or no unshare -n"
fi

# conf NAME TEXT: write $TMP/NAME.conf.
conf() { printf '%s\n' "$2" >"$TMP/$1.conf"; }

# refused NAME FILE MESSAGE: vipd -t exits 1 with exactly MESSAGE on stderr
# and nothing on stdout; vipd -f (start-up) exits 1 with the same line.
refused() {
	local name=$1 file=$2 want=$3 out err rc
	out=$("$VIPD" -t -f "$file" 2>"$TMP/err")
	rc=$?
	err=$(cat "$TMP/err")
	if [ $rc -ne 1 ] || [ "$err" != "$want" ] || [ -n "$out" ]; then
		fail "$name" "exit $rc, stderr '$err', want '$want'"
		return
	fi
	pass "$name"
	[ $CAN_RUN -eq 1 ] || return
	err=$(timeout 10 unshare -n "$VIPD" -f "$file" --control "$TMP/ctl.sock" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && printf '%s\n' "$err" | grep -qxF -- "$want"; then
		pass "$name (start-up refuses it the same way)"
	else
		fail "$name (start-up)" "exit $rc: $err"
	fi
}

# accepted NAME EXPECTED-STDOUT ARGS...: vipd ARGS exits 0 with that output.
accepted() {
	local name=$1 want=$2 out rc
	shift 2
	out=$("$VIPD" "$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ "$out" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "exit $rc: $out"
	fi
}

INST='instances = ( { name = "a"; interface = "lo"; vrid = 51; vips = [ "192.0.2.100/24" ]; track_checks = [ "c" ]; } );'

# ---- the four cases of the issue's first paragraph

conf user 'vipd: { router_id = "r";
  script_user = "vipd-no-such-user"; };
checks = ( { name = "c"; type = "exec"; target = "/bin/true"; } );
'"$INST"
refused script_user_missing "$TMP/user.conf" \
	"$TMP/user.conf:2: script_user 'vipd-no-such-user' does not exist"

conf tcpname 'checks = (
  { name = "c"; type = "tcp";
    target = "etcd.local:2379"; } );
'"$INST"
refused tcp_target_host_name "$TMP/tcpname.conf" \
	"$TMP/tcpname.conf:3: tcp target 'etcd.local:2379': vipd does not resolve host names: write an IPv4 address, [IPv6] or localhost"

conf port 'checks = ( { name = "c"; type = "https";
    target = "https://127.0.0.1:99999/livez"; } );
'"$INST"
refused https_port_99999 "$TMP/port.conf" \
	"$TMP/port.conf:2: https target 'https://127.0.0.1:99999/livez': the port must be 1..65535"

conf prio 'instances = ( { name = "a"; interface = "lo"; vrid = 51;
  priority = 4294967397; vips = [ "192.0.2.100/24" ]; } );'
refused priority_4294967397 "$TMP/prio.conf" \
	"$TMP/prio.conf:2: priority 4294967397 out of range 1..255"

# ---- more of what start-up refuses

conf exec 'vipd: { script_user = "root"; };
checks = ( { name = "c"; type = "exec";
  target = "/nonexistent/check_apiserver.sh"; } );
'"$INST"
refused exec_target_missing "$TMP/exec.conf" \
	"$TMP/exec.conf:3: check 'c': '/nonexistent/check_apiserver.sh' does not exist"

printf '#!/bin/sh\nexit 0\n' >"$TMP/noexec.sh"
chmod 644 "$TMP/noexec.sh"
if [ "$(id -u)" -eq 0 ]; then who="script_user 'root'"; else who="uid $(id -u) (vipd's own user)"; fi
conf noexec 'vipd: { script_user = "root"; };
checks = ( { name = "c"; type = "exec"; target = "'"$TMP/noexec.sh"'"; } );
'"$INST"
refused exec_target_not_executable "$TMP/noexec.conf" \
	"$TMP/noexec.conf:2: check 'c': '$TMP/noexec.sh' is not executable by $who (mode 0644)"

if [ "$(id -u)" -eq 0 ]; then
	cp "$TMP/noexec.sh" "$TMP/unsafe.sh"
	chmod 777 "$TMP/unsafe.sh"
	conf unsafe 'vipd: { script_user = "root"; };
checks = ( { name = "c"; type = "exec"; target = "'"$TMP/unsafe.sh"'"; } );
'"$INST"
	refused exec_target_unsafe_for_root "$TMP/unsafe.conf" \
		"$TMP/unsafe.conf:2: check 'c': '$TMP/unsafe.sh' could be modified by a non-root user (owner uid 0, mode 0777); refusing to run it as root"
else
	echo "SKIP exec_target_unsafe_for_root: the root rule needs root"
fi

https() { # NAME CA CERT KEY: an https check with those files on lines 2-4
	conf "$1" 'checks = ( { name = "c"; type = "https"; target = "https://127.0.0.1:6443/livez";
  ca_file = "'"$2"'";
  client_cert = "'"$3"'";
  client_key = "'"$4"'"; server_name = "kubernetes"; } );
'"$INST"
}
https ca /nonexistent/ca.crt "$DATA/tls-client.crt" "$DATA/tls-client.key"
# A CA file that does not exist yet (before kubeadm init writes it): a
# warning with file:line, exit 0; the check fails until it appears.
out=$("$VIPD" -t -f "$TMP/ca.conf" 2>&1)
rc=$?
case $out in
*"$TMP/ca.conf:2: check 'c': ca_file '/nonexistent/ca.crt' does not exist (yet): the check fails until it appears"*)
	if [ $rc -eq 0 ]; then pass ca_file_missing_is_a_warning
	else fail ca_file_missing_is_a_warning "exit $rc: $out"; fi ;;
*) fail ca_file_missing_is_a_warning "exit $rc: $out" ;;
esac
https capem "$DATA/good-lo.conf" "$DATA/tls-client.crt" "$DATA/tls-client.key"
refused ca_file_not_pem "$TMP/capem.conf" \
	"$TMP/capem.conf:2: check 'c': ca_file '$DATA/good-lo.conf': no PEM certificate in it (no certificate or crl found)"
https certpem "$DATA/tls-client.crt" "$DATA/good-lo.conf" "$DATA/tls-client.key"
refused client_cert_not_pem "$TMP/certpem.conf" \
	"$TMP/certpem.conf:3: check 'c': client_cert '$DATA/good-lo.conf': not a PEM certificate (no start line)"
https mismatch "$DATA/tls-client.crt" "$DATA/tls-client.crt" "$DATA/tls-other.key"
refused client_key_does_not_match "$TMP/mismatch.conf" \
	"$TMP/mismatch.conf:4: check 'c': client_key '$DATA/tls-other.key' does not match client_cert '$DATA/tls-client.crt'"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	cp "$DATA/tls-client.key" "$TMP/secret.key"
	chmod 600 "$TMP/secret.key"
	# The certificate where nobody can read it: a clone may sit in a 0700 dir.
	cp "$DATA/tls-client.crt" "$TMP/client.crt"
	chmod 644 "$TMP/client.crt"
	https unread "$TMP/client.crt" "$TMP/client.crt" "$TMP/secret.key"
	chmod 644 "$TMP/unread.conf"
	err=$(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$VIPD" -t -f "$TMP/unread.conf" 2>&1)
	rc=$?
	want="$TMP/unread.conf:4: check 'c': client_key '$TMP/secret.key': Permission denied"
	if [ $rc -eq 1 ] && [ "$err" = "$want" ]; then
		pass client_key_unreadable
	else
		fail client_key_unreadable "exit $rc: $err"
	fi
else
	echo "SKIP client_key_unreadable: needs root, setpriv and user nobody"
fi

conf iface 'instances = ( { name = "a"; interface = "vcfg-nosuch0"; vrid = 51; vips = [ "192.0.2.100/24" ]; } );'
refused interface_missing "$TMP/iface.conf" \
	"$TMP/iface.conf:1: interface 'vcfg-nosuch0' does not exist"

# ---- what passes

https good "$DATA/tls-client.crt" "$DATA/tls-client.crt" "$DATA/tls-client.key"
accepted tls_files_that_load "$TMP/good.conf: configuration OK" -t -f "$TMP/good.conf"
accepted design_example_offline \
	"$DATA/good-design.conf: configuration OK (offline: users, files and interfaces not checked)" \
	-t --offline -f "$DATA/good-design.conf"
accepted offline_looks_nothing_up \
	"$DATA/sys-offline.conf: configuration OK (offline: users, files and interfaces not checked)" \
	-t --offline -f "$DATA/sys-offline.conf"
err=$("$VIPD" -t -f "$DATA/sys-offline.conf" 2>&1)
rc=$?
if [ $rc -eq 1 ] && [ "$err" = "$DATA/sys-offline.conf:9: interface 'vcfg-nosuch0' does not exist" ]; then
	pass same_file_online_is_refused
else
	fail same_file_online_is_refused "exit $rc: $err"
fi
conf offprio 'instances = ( { name = "a"; interface = "vcfg-nosuch0"; vrid = 51;
  priority = 4294967397; vips = [ "192.0.2.100/24" ]; } );'
err=$("$VIPD" -t --offline -f "$TMP/offprio.conf" 2>&1)
rc=$?
if [ $rc -eq 1 ] && [ "$err" = "$TMP/offprio.conf:2: priority 4294967397 out of range 1..255" ]; then
	pass offline_still_checks_what_the_file_says
else
	fail offline_still_checks_what_the_file_says "exit $rc: $err"
fi

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS check(s) failed"
	exit 1
fi
echo "all passed"
