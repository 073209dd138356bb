#!/bin/bash
# A bad reload changes nothing. m2 Master (120), m1 Backup (100), 1 s
# adverts, under a capture. Each bad file also raises the priority to 150,
# so a file applied in part would show on the wire.
# 1. a syntax error on line 4: `vipctl reload` prints "m2.conf:4: ..." and
#    exits 1; the log says "reload refused: ...m2.conf:4:"; status (table
#    and --json) and metrics (vipd_last_reload_success 0,
#    vipd_reload_failures_total 1) show the failure with file:line.
# 2. an unknown tracked check on line 7 (vipctl reload: exit 1, file:line),
#    then an interface that does not exist on line 3, by SIGHUP (logged with
#    file:line; failures 3).
# 3. throughout: the VIP stays on m2, no state change, every advert of m2
#    still says priority 120, no gap over 1.5 intervals.
# 4. a good file (priority 130): exit 0, status and metrics show success
#    (vipd_last_reload_success 1, failures still 3, reloads 4), the next
#    advert carries 130.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
lab_setup 2
M=192.0.2.12

vipd_node m1 -p 100
vipd_node m2 -p 120
expect_holder 10 "$VIP4" m2 "$LAB_READY" "election"
cap_start bad
sleep 1.2
mk1=$(log_mark m1); mk2=$(log_mark m2)
t_begin=$(now_ms)
F=$LAB_DIR/m2.conf

# bad_reload WHAT EXPECTED_ERROR: vipctl reload must fail with that text.
bad_reload()
{
	local out rc
	out=$(vctl m2 reload 2>&1); rc=$?
	say "$1: vipctl reload: exit $rc: $out"
	assert_eq 1 "$rc" "$1: exit status of vipctl reload"
	case $out in *"$F:$2"*) ;; *) fail "$1: vipctl reload did not print '$F:$2': $out" ;; esac
	grep -qF "reload refused: $F:$2" "$LAB_DIR/m2.log" || fail "$1: m2's log lacks 'reload refused: $F:$2'"
}

# failure_shown FAILURES FILE_LINE: status and metrics show the last failure.
failure_shown()
{
	local t
	t=$(vctl m2 status) || fail "vipctl status failed after a bad reload"
	printf '%s\n' "$t" | grep -qF "reload: last FAILED: $F:$2" ||
	    fail "the status table does not show 'reload: last FAILED: $F:$2': $(printf '%s\n' "$t" | head -n3)"
	jexpect m2 "d['reload']['last_ok'] is False and d['reload']['failures'] == $1 and '$F:$2' in d['reload']['last_error'] and isinstance(d['reload']['last_unix_time'], int)" \
	    "status --json after a bad reload: reload.last_ok false, failures $1, last_error with $F:$2"
	mexpect m2 vipd_last_reload_success 0
	mexpect m2 vipd_reload_failures_total "$1"
	jexpect m2 'r["state"] == "Master" and r["base_priority"] == 120 and r["vips"] == ["192.0.2.100/24"]' \
	    "m2 runs the old configuration after a bad reload"
}

# ---- 1. syntax error
good=$(vipd_conf m2 -p 150)
put_conf m2 "$(printf '%s\n' "$good" | sed '4i\    this is not a setting;')"
bad_reload "syntax error" "4: syntax error"
failure_shown 1 "4:"
mexpect m2 vipd_reloads_total 1
echo "PASS: syntax error refused with file:line"

# ---- 2. semantic errors
set_conf m2 -p 150 -x 'track_checks = [ "nosuch" ];'
bad_reload "unknown tracked check" "7: unknown check 'nosuch'"
failure_shown 2 "7:"
put_conf m2 "$(vipd_conf m2 -p 150 | sed 's/"eth0"/"eth9"/')"
mk=$(log_mark m2)
refused_since() { log_since m2 "$1" | grep -qF "reload refused: $F:3: interface 'eth9' does not exist"; }
hup m2
wait_for 2 refused_since "$mk" ||
    fail "SIGHUP with an unknown interface: m2's log lacks 'reload refused: $F:3: interface 'eth9' does not exist'"
failure_shown 3 "3:"
echo "PASS: semantic errors refused with file:line (vipctl reload and SIGHUP)"

# ---- 3. the old configuration kept running
sleep 2.5
t_bad_end=$(now_ms)
holder_is "$VIP4" m2 || fail "the VIP is not on m2 alone after the bad reloads: $(vip_holder "$VIP4")"
assert_eq 0 "$(transitions_since m1 "$mk1")" "state changes in m1's log"
assert_eq 0 "$(transitions_since m2 "$mk2")" "state changes in m2's log"
prios=$(cap_read adverts "$LAB_DIR/bad.pcap" | awk -v s="$M" -v t="$t_begin" '$2 == s && $1 >= t { print $4 }' | sort -u | tr '\n' ' ')
assert_eq "120 " "$prios" "priorities in m2's adverts during the bad reloads"
read -r gap _ n _ < <(cap_gap bad "$M" "$t_begin" "$t_bad_end" 51)
measured "during three bad reloads: $n adverts from m2, all at 120, largest gap $(fmt_ms "$gap") ms"
[ "$n" -ge 3 ] || fail "only $n adverts from m2 during the bad reloads"
lt "$gap" 1500 || fail "gap of $gap ms in m2's adverts during the bad reloads"
echo "PASS: the old configuration keeps running"

# ---- 4. a good reload clears the failure
set_conf m2 -p 130
out=$(vctl m2 reload 2>&1) || fail "the good reload failed: $out"
t0=$(now_ms) # after the answer: an advert may leave while the reload is applied
case $out in "ok:"*) ;; *) fail "the good reload answered: $out" ;; esac
vctl m2 status | grep -qx 'reload: last ok' || fail "the status table does not say 'reload: last ok'"
jexpect m2 'd["reload"]["last_ok"] is True and d["reload"]["last_error"] is None and d["reload"]["failures"] == 3 and d["reload"]["count"] == 4 and r["base_priority"] == 130' \
    "status --json after the good reload"
mexpect m2 vipd_last_reload_success 1
mexpect m2 vipd_reload_failures_total 3
mexpect m2 vipd_reloads_total 4
sleep 1.2
cap_stop bad
read -r ms prio < <(cap_first_advert bad "$M" "$t0" 51)
assert_eq 130 "${prio:-none}" "priority of m2's first advert after the good reload"
assert_eq 0 "$(transitions_since m2 "$mk2")" "state changes in m2's log after the good reload"
echo "PASS: a good reload after bad ones"
echo PASS
