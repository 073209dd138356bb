#!/bin/bash
# Reload that changes priorities, m2 Master (120), m1 Backup (100), 1 s
# adverts, under a capture on the bridge:
# 1. m2 120 -> 150: m2's first advert after the reload carries prio 150
#    (tcpdump -v says "prio 150" too), within one interval; no state change,
#    no advert from m1, no gap over 1.5 intervals; status shows 150/150 and
#    m1's status learns priority nothing but keeps master = m2's address.
# 2. m2 150 -> 110 (still above m1): the next advert carries 110, no state
#    change, and m2 keeps the VIP for longer than m1's Master_Down_Interval.
# 3. m1 100 -> 130 (a Backup now above the Master, preempt on): m1 takes
#    over as the protocol says (Master_Down_Interval, then "preempting"),
#    m2 goes Backup because of "higher priority 130 from 192.0.2.11".
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
lab_setup 2
M=192.0.2.12 B=192.0.2.11

vipd_node m1 -p 100
vipd_node m2 -p 120
expect_holder 10 "$VIP4" m2 "$LAB_READY" "election"
cap_start prio
sleep 1.5
mk1=$(log_mark m1); mk2=$(log_mark m2)

# ---- 1. raise the Master's priority
set_conf m2 -p 150
t_up=$(now_ms)
reload m2
t_up_done=$(now_ms) # adverts before the answer may be the old priority's
grep -q 'reload: vi_51: priority 120 -> 150' "$LAB_DIR/m2.log" ||
    fail "m2's log does not say what the reload changed (priority 120 -> 150)"
sleep 1.5
# ---- 2. lower it, still above the Backup
set_conf m2 -p 110
t_down=$(now_ms)
reload m2
t_down_done=$(now_ms)
expect_sole_holder_for 4.5 "$VIP4" m2 "after lowering m2 to 110 (above m1's 100)"
t_end=$(now_ms)
cap_stop prio

read -r ms prio < <(cap_first_advert prio "$M" "$t_up_done" 51)
[ -n "${ms:-}" ] || fail "no advert from m2 after the reload to 150"
d=$(fmt_ms "$(awk -v a="$ms" -v b="$t_up" 'BEGIN { print a - b }')")
measured "raise 120 -> 150: m2's first advert ${d} ms after vipctl reload was started, prio $prio"
assert_eq 150 "$prio" "priority in m2's first advert after the raise"
assert_le "$d" 1100 "ms from the reload to the advert with the new priority"
tcpdump -r "$LAB_DIR/prio.pcap" -n -v 'ip proto 112' 2>/dev/null | grep -q "vrid 51, prio 150," ||
    fail "tcpdump -v shows no advert with prio 150"
read -r ms prio < <(cap_first_advert prio "$M" "$t_down_done" 51)
d=$(fmt_ms "$(awk -v a="$ms" -v b="$t_down" 'BEGIN { print a - b }')")
measured "lower 150 -> 110: m2's first advert ${d} ms after the reload, prio $prio"
assert_eq 110 "$prio" "priority in m2's first advert after lowering it"
assert_le "$d" 1100 "ms from the reload to the advert with the lowered priority"
read -r gap _ n _ < <(cap_gap prio "$M" "$t_up" "$t_end" 51)
measured "largest gap in m2's adverts over both reloads $(fmt_ms "$gap") ms ($n adverts)"
lt "$gap" 1500 || fail "gap of $gap ms in the Master's adverts (limit 1500 ms)"
assert_eq 0 "$(cap_adverts_from prio "$B")" "adverts from the Backup m1"
assert_eq 0 "$(transitions_since m2 "$mk2")" "state changes in m2's log after the priority reloads"
assert_eq 0 "$(transitions_since m1 "$mk1")" "state changes in m1's log after the priority reloads"
jexpect m2 'r["state"] == "Master" and r["base_priority"] == 110 and r["effective_priority"] == 110' \
    "m2's status after the reloads: Master at 110/110"
jexpect m1 'r["state"] == "Backup" and r["master"] == "192.0.2.12"' \
    "m1's status: Backup, master 192.0.2.12"
echo "PASS: priority raised and lowered on the Master by reload: no transition"

# ---- 3. a Backup raised above the Master preempts
addr_watch_start m1
set_conf m1 -p 130
t0=$(now_ms)
reload m1
grep -q 'reload: vi_51: priority 100 -> 130' "$LAB_DIR/m1.log" ||
    fail "m1's log does not say priority 100 -> 130"
# Master_Down_Interval of 130 at 1 s: 3.49 s after m2's last advert.
expect_holder 7 "$VIP4" m1 "$t0" "m1 raised to 130 above the Master's 110 (polled)"
ms=$(wait_vip_event m1 "$VIP4" "$t0")
measured "m1 raised to 130: VIP on m1 $ms ms after its reload (address log; Master_Down_Interval 3.49 s)"
assert_le "$ms" 4600 "ms until m1 took over after its reload"
grep -qE 'vi_51/IPv4: Backup -> Master \(preempting master 192\.0\.2\.12 at lower priority 110\)' \
    "$LAB_DIR/m1.log" || fail "m1's log lacks 'Backup -> Master (preempting master 192.0.2.12 at lower priority 110)'"
wait_for 2 grep -qE 'vi_51/IPv4: Master -> Backup \(higher priority 130 from 192\.0\.2\.11\)' \
    "$LAB_DIR/m2.log" || fail "m2's log lacks 'Master -> Backup (higher priority 130 from 192.0.2.11)'"
jexpect m2 'r["state"] == "Backup" and r["last_transition"]["reason"] == "higher priority 130 from 192.0.2.11" and r["last_transition"]["reason_code"] == "higher_priority"' \
    "m2's status: last transition with its reason"
expect_client "$VIP4" m1
echo "PASS: a Backup raised by reload preempts"
echo PASS
