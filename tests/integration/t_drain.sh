#!/bin/bash
# Planned handover: m3 (150) Master, m2 (120), m1 (100), 1 s adverts,
# preempt on, a notify hook on each that appends "$@ $VIPD_REASON".
# 1. `vipctl drain --wait 10` on m3 returns 0 once m3 holds no VIP; m2 holds
#    it within 1.5 s of the drain (its Skew_Time is 0.53 s; a timeout would
#    take 3.5 s); the client's outage is measured (probe); m3's status,
#    JSON and metrics show it drained, its log and notify hook say why.
# 2. m3 stays Backup for 5 s (longer than its Master_Down_Interval) although
#    its priority is the highest: no preemption while drained.
# 3. the drain survives a reload (priority 150 -> 155): still drained, still
#    Backup; the notify hook got RELOAD with the change.
# 4. `vipctl resume` on m3: it preempts m2 again (within its
#    Master_Down_Interval + margin), reason "preempting master 192.0.2.12".
# 5. drain m3 by instance name, then kill m2: m1 (not drained) takes the
#    VIP, not m3; kill m1 too: m3, drained, takes it (the least bad), and
#    `vipctl resume` ends the drain while it is Master.
# Also: `drain nosuch` is an error (exit 1), `drain --wait` without seconds
# a usage error (exit 2).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
lab_setup 3
cat >"$LAB_DIR/notify.sh" <<EOF
#!/bin/sh
node=\$1
shift
echo "\$* \$VIPD_REASON" >>"$LAB_DIR/\$node.notify"
EOF
chmod 755 "$LAB_DIR/notify.sh"
node_conf() { OPS_EXTRA="notify = \"$LAB_DIR/notify.sh $1\";" multi_conf "$1" "51:$2:$VIP4/24"; }
notified() { grep -qE "$2" "$LAB_DIR/$1.notify" 2>/dev/null; }
expect_notify()
{
	wait_for 3 notified "$1" "$2" ||
	    fail "$1's notify hook did not get a line matching '$2': $(tail -n5 "$LAB_DIR/$1.notify" 2>/dev/null | tr '\n' ';')"
}

start_vipd m3 "$(node_conf m3 150)"
start_vipd m2 "$(node_conf m2 120)"
start_vipd m1 "$(node_conf m1 100)"
expect_holder 10 "$VIP4" m3 "$LAB_READY" "election"
expect_client "$VIP4" m3
expect_notify m3 '^vi_51 MASTER 150 .+'

# ---- usage and errors
vctl m3 drain nosuch >/dev/null 2>&1; rc=$?
assert_eq 1 "$rc" "exit status of 'vipctl drain nosuch'"
vctl m3 drain --wait >/dev/null 2>&1; rc=$?
assert_eq 2 "$rc" "exit status of 'vipctl drain --wait' (no seconds)"
jexpect m3 "r['drained'] is False and r['state'] == 'Master'" "m3 not drained by the bad commands"

# ---- 1. drain with --wait
for n in m1 m2 m3; do addr_watch_start "$n"; done
probe_start "$VIP4"
sleep 0.5
t0=$(now_ms)
vctl m3 drain --wait 10 >/dev/null; rc=$?
wait_ms=$(ms_since "$t0")
assert_eq 0 "$rc" "exit status of 'vipctl drain --wait 10' on the Master"
vip_absent "$VIP4" m3 || fail "m3 still holds the VIP when drain --wait returned"
expect_holder 5 "$VIP4" m2 "$t0" "drain of m3 (polled)"
add=$(wait_vip_event m2 "$VIP4" "$t0")
del=$(wait_vip_event m3 "$VIP4" "$t0" Deleted)
measured "drain: VIP deleted on m3 $del ms, added on m2 $add ms after vipctl drain was started (address logs): no VIP for $(( add - del )) ms"
assert_le "$add" 1500 "ms from the drain until m2 holds the VIP (Skew_Time 530 ms; a timeout would take 3.5 s)"
expect_client "$VIP4" m2
sleep 0.2
probe_stop
outage=$(probe_outage "$t0" m3) || fail "the prober saw no answer from another master after the drain"
measured "drain: vipctl drain --wait returned after $wait_ms ms; client outage $outage ms (probe)"
vctl m3 status | grep -qE '^vi_51 +IPv4 +Backup +150/150 +drained ' || fail "m3's status table does not show it drained: $(vctl m3 status | grep vi_51)"
jexpect m3 "r['drained'] is True and d['instances'][0]['drained'] is True and r['state'] == 'Backup' and r['advertised_priority'] == 1 and r['last_transition']['reason_code'] == 'drain'" \
    "m3's status --json after the drain"
mexpect m3 'vipd_router_drained{instance=vi_51}' 1
grep -q 'vi_51/IPv4: Master -> Backup (drained by the operator)' "$LAB_DIR/m3.log" ||
    fail "m3's log lacks 'vi_51/IPv4: Master -> Backup (drained by the operator)'"
grep -q 'drained by the operator' <(grep -v 'Master -> Backup' "$LAB_DIR/m3.log") ||
    fail "m3's log does not say the operator drained it"
expect_notify m3 '^vi_51 BACKUP [0-9]+ drained by the operator$'
expect_notify m2 '^vi_51 MASTER 120 master 192\.0\.2\.13 resigned'
echo "PASS: drain --wait hands the VIP over within Skew_Time"

# ---- 2. no preemption while drained
expect_sole_holder_for 5 "$VIP4" m2 "drained m3 (150) must not preempt m2 (120)"
jexpect m3 "r['state'] == 'Backup' and r['drained'] is True and r['master'] == '192.0.2.12'" "m3 drained Backup, master m2"
echo "PASS: drained node stays Backup"

# ---- 3. the drain survives a reload
put_conf m3 "$(node_conf m3 155)"
reload m3
jexpect m3 "r['drained'] is True and r['base_priority'] == 155 and r['state'] == 'Backup'" "m3 after a reload: still drained"
expect_notify m3 '^vi_51 RELOAD 155 priority 150 -> 155$'
expect_sole_holder_for 4 "$VIP4" m2 "drained m3 after a reload"
echo "PASS: the drain survives a reload"

# ---- 4. resume: preemption
t0=$(now_ms)
out=$(vctl m3 resume) || fail "vipctl resume failed: $out"
jexpect m3 "r['drained'] is False" "m3 after resume"
expect_holder 7 "$VIP4" m3 "$t0" "resume on m3 (155 over m2's 120)"
add=$(wait_vip_event m3 "$VIP4" "$t0")
measured "resume: m3 holds the VIP again $add ms after vipctl resume (address log; its Master_Down_Interval is 3.39 s)"
assert_le "$add" 5000 "ms from resume until m3 preempted"
grep -qE 'vi_51/IPv4: Backup -> Master \(preempting master 192\.0\.2\.12 at lower priority 120\)' "$LAB_DIR/m3.log" ||
    fail "m3's log lacks 'Backup -> Master (preempting master 192.0.2.12 at lower priority 120)'"
expect_notify m3 '^vi_51 MASTER 155 preempting master 192\.0\.2\.12 at lower priority 120$'
mexpect m3 'vipd_router_drained{instance=vi_51}' 0
expect_client "$VIP4" m3
echo "PASS: resume moves the VIP back by preemption"

# ---- 5. a drained node takes the VIP only as the last one
t0=$(now_ms)
vctl m3 drain vi_51 --wait 10 >/dev/null || fail "vipctl drain vi_51 --wait 10 failed"
expect_holder 5 "$VIP4" m2 "$t0" "second drain of m3 (by name)"
assert_le "$(wait_vip_event m2 "$VIP4" "$t0")" 1500 "ms from the second drain until m2 holds the VIP"
kill_node m2
say "killed m2: m1 (100) and drained m3 remain"
expect_holder 8 "$VIP4" m1 "$KILL_T" "m2 killed while m3 is drained: m1 takes over"
expect_sole_holder_for 2 "$VIP4" m1 "m1 over drained m3"
kill_node m1
say "killed m1: only the drained m3 remains"
expect_holder 8 "$VIP4" m3 "$KILL_T" "m1 killed: the drained m3 takes the VIP (least bad)"
add=$(wait_vip_event m3 "$VIP4" "$KILL_T")
measured "the drained m3 added the VIP $add ms after m1 was killed (address log)"
[ "$add" -ge 3000 ] || fail "the drained m3 took over after $add ms, before a Master_Down_Interval"
jexpect m3 "r['state'] == 'Master' and r['drained'] is True and r['last_transition']['reason_code'] == 'master_down'" \
    "m3 Master while drained"
vctl m3 resume >/dev/null || fail "vipctl resume failed on the drained Master"
jexpect m3 "r['state'] == 'Master' and r['drained'] is False and r['advertised_priority'] == 155" "m3 after resume as Master"
expect_client "$VIP4" m3
echo "PASS: a drained node is the last resort"
echo PASS
