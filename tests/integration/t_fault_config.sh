#!/bin/bash
# Fault injection, bad configuration files, at start and at reload.
# At start (vipd in m1's namespace, as the test runs it): a missing file, a
# directory, a file vipd may not read (mode 000, vipd started without
# CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH, as root without them is; and a
# file in a directory of mode 000), a truncated file (cut in the middle of
# an instance) and an empty one: each must exit 1 within 5 s with one clear
# line naming the file (and the line for a syntax error), leaving no pid
# file, no control socket and no VIP.
# At reload (m2, 150, Master; m1, 100, Backup; 0.5 s adverts): the same
# files put in place of m2's config, by `vipctl reload` (exit 1 and the error
# printed; the mode-000 file is unreadable to the running daemon, which
# keeps only net_admin and net_raw) and once by SIGHUP (logged). Throughout:
# m2 stays Master with its VIP (no address event removes it: ip monitor),
# no state change, m2's adverts keep priority 150 and come on time (no gap
# over 1.5 intervals); a good file afterwards reloads (exit 0).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
lab_setup 2
D=$LAB_DIR
FAILS=0
check()
{
	if [ "$2" = ok ]; then echo "PASS: $1"; else echo "FAIL: $1: $2"; FAILS=$(( FAILS + 1 )); fi
}
GOOD1=$(vipd_conf m1 -p 100 -i 0.5)
GOOD2=$(vipd_conf m2 -p 150 -i 0.5)
# half: the first half of a file's bytes (cut inside the instance).
half() { printf '%s\n' "$1" | head -c $(( $(printf '%s\n' "$1" | wc -c) / 2 )); }

# ---- at start
mkdir "$D/locked"
printf '%s\n' "$GOOD1" >"$D/locked/m1.conf"
chmod 000 "$D/locked"
printf '%s\n' "$GOOD1" >"$D/mode000.conf"
chmod 000 "$D/mode000.conf"
half "$GOOD1" >"$D/truncated.conf"
: >"$D/empty.conf"
mkdir "$D/adir.conf"
NOCAP=(setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search)

# start_bad WHAT EXPECTED_TEXT FILE [WRAPPER...]: vipd must refuse to start.
start_bad()
{
	local what=$1 want=$2 file=$3 rc out t0 r
	shift 3
	rm -f "$D/bad.pid" "$D/bad.sock"
	t0=$(now_ms)
	timeout -k 1 5 ip netns exec "$(ns m1)" "$@" "$VIPD" -f "$file" --control "$D/bad.sock" \
	    --pidfile "$D/bad.pid" --log stderr </dev/null >"$D/bad.out" 2>&1
	rc=$?
	out=$(cat "$D/bad.out")
	measured "start with $what: exit $rc after $(( $(now_ms) - t0 )) ms: $(printf '%s' "$out" | tr '\n' '|')"
	r=ok
	[ "$rc" = 1 ] || r="exit status $rc"
	case $out in *"$want"*) ;; *) r="${r#ok}${r:+; }the error does not say '$want'" ;; esac
	[ -e "$D/bad.pid" ] && r="${r#ok}${r:+; }a pid file was left"
	[ -e "$D/bad.sock" ] && r="${r#ok}${r:+; }a control socket was left"
	vip_on m1 "$VIP4" && r="${r#ok}${r:+; }the VIP was added"
	[ -n "$r" ] || r=ok
	check "start with $what: exit 1 with a clear error" "$r"
}
start_bad "a missing file" "$D/nosuch.conf: cannot open: No such file or directory" "$D/nosuch.conf"
start_bad "a directory" "$D/adir.conf: cannot read: Is a directory" "$D/adir.conf"
start_bad "a mode-000 file (no CAP_DAC_OVERRIDE)" "$D/mode000.conf: cannot open: Permission denied" "$D/mode000.conf" "${NOCAP[@]}"
start_bad "a file in a mode-000 directory (no CAP_DAC_OVERRIDE)" "$D/locked/m1.conf: cannot open: Permission denied" "$D/locked/m1.conf" "${NOCAP[@]}"
start_bad "a truncated file" "$D/truncated.conf:" "$D/truncated.conf"
start_bad "an empty file" "$D/empty.conf:" "$D/empty.conf"

# ---- at reload
start_vipd m1 "$GOOD1"
start_vipd m2 "$GOOD2"
expect_holder 10 "$VIP4" m2 "$LAB_READY" "election"
F=$D/m2.conf
addr_watch_start m2
cap_start rl m2 'ip proto 112'
sleep 1
mk1=$(log_mark m1); mk2=$(log_mark m2)
t_begin=$(now_ms)

# reload_bad WHAT EXPECTED_TEXT: put the bad file in place (done by the
# caller), vipctl reload must exit 1 printing EXPECTED_TEXT.
reload_bad()
{
	local what=$1 want=$2 out rc r=ok
	out=$(vctl m2 reload 2>&1); rc=$?
	measured "reload with $what: vipctl exit $rc: $(printf '%s' "$out" | tr '\n' '|')"
	[ "$rc" = 1 ] || r="exit status $rc"
	case $out in *"$want"*) ;; *) r="${r#ok}${r:+; }the error does not say '$want'" ;; esac
	jexpect m2 'r["state"] == "Master" and r["base_priority"] == 150 and d["reload"]["last_ok"] is False' \
	    "reload with $what: m2 keeps its old configuration"
	[ -n "$r" ] || r=ok
	check "reload with $what: refused with a clear error, the old configuration runs" "$r"
}
mv -f "$D/truncated.conf" "$F"
reload_bad "a truncated file" "$F:"
: >"$F.new" && mv -f "$F.new" "$F"
reload_bad "an empty file" "$F:1: missing 'instances'"
rm -f "$F"
reload_bad "a missing file" "$F: cannot open: No such file or directory"
mkdir "$F"
reload_bad "a directory" "$F: cannot read: Is a directory"
rmdir "$F"
printf '%s\n' "$GOOD2" >"$F"
chmod 000 "$F"
reload_bad "a mode-000 file" "$F: cannot open: Permission denied"
chmod 644 "$F"
half "$GOOD2" >"$F.new" && mv -f "$F.new" "$F"
mk=$(log_mark m2)
hup m2
if wait_for 3 eval 'log_since m2 $mk | grep -qF "reload refused: $F:"'; then
	measured "SIGHUP with a truncated file: m2 logged: $(log_since m2 "$mk" | grep -F "reload refused" | head -n 1 | cut -d' ' -f2-)"
	r=ok
else
	r="no 'reload refused: $F:' in m2's log"
fi
check "SIGHUP with a truncated file: refused and logged" "$r"
sleep 1.5
t_end=$(now_ms)

# Nothing lost meanwhile.
holder_is "$VIP4" m2 && r=ok || r="VIP on $(vip_holder "$VIP4")"
check "m2 kept the VIP through the bad reloads" "$r"
addr_watch_stop m2
dels=$(grep -c "Deleted.* $VIP4/" "$D/m2.mon")
[ "$dels" = 0 ] && r=ok || r="$dels address events removed $VIP4 on m2"
check "the VIP was never removed on m2" "$r"
c=$(( $(transitions_since m1 "$mk1") + $(transitions_since m2 "$mk2") ))
[ "$c" = 0 ] && r=ok || r="$c state changes"
check "no state change during the bad reloads" "$r"
printf '%s\n' "$GOOD2" >"$F.new" && mv -f "$F.new" "$F"
out=$(vctl m2 reload 2>&1); rc=$?
[ "$rc" = 0 ] && r=ok || r="vipctl reload: exit $rc: $out"
check "a good file reloads afterwards" "$r"
sleep 1
cap_stop rl
prios=$(cap_read adverts "$D/rl.pcap" | awk -v t="$t_begin" -v u="$t_end" '$2 == "192.0.2.12" && $1 >= t && $1 <= u { print $4 }' | sort -u | tr '\n' ' ')
read -r gap _ n _ < <(cap_gap rl 192.0.2.12 "$t_begin" "$t_end" 51)
measured "during the bad reloads ($(( (t_end - t_begin) / 1000 )) s): $n adverts from m2, priorities: ${prios% }, largest gap $(fmt_ms "$gap") ms (limit 750)"
[ "$prios" = "150 " ] && lt "$gap" 750 && r=ok || r="priorities '$prios', largest gap $(fmt_ms "$gap") ms"
check "m2 advertised at 150 on time throughout" "$r"
[ "$FAILS" = 0 ] || { echo "FAIL: $FAILS assertion(s) failed"; exit 1; }
echo PASS
