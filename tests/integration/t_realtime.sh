#!/bin/bash
# realtime_priority: the daemon runs SCHED_RR at that priority (so saturated
# CPUs do not delay its adverts: see tests/bench/scale.sh SCALE_RT), with its
# RLIMIT_RTTIME guard; the exec checks it spawns run as ordinary processes
# (reset on fork); status JSON reports it; a reload that changes it says that
# needs a restart and changes nothing; without CAP_SYS_NICE it is a warning and
# vipd runs with ordinary scheduling; out of range is a file:line error.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

# rt_conf PRIORITY: one instance with an exec check that records its own
# scheduling policy.
rt_conf()
{
	cat <<CONF
vipd: { router_id = "m1"; script_user = "root"; realtime_priority = $1; };
checks = (
  { name = "sched"; type = "exec"; target = "$LAB_DIR/sched_check.sh";
    interval = 0.5; timeout = 0.5; weight = -10; }
);
instances = (
  { name = "VI_1"; interface = "eth0"; vrid = $VRID; priority = 150; advert_interval = 0.1;
    vips = [ "$VIP4/24" ]; track_checks = [ "sched" ]; }
);
CONF
}

lab_setup 1
cat >"$LAB_DIR/sched_check.sh" <<EOF
#!/bin/sh
chrt -p \$\$ >"$LAB_DIR/child.sched.tmp" && mv "$LAB_DIR/child.sched.tmp" "$LAB_DIR/child.sched"
exit 0
EOF
chmod 755 "$LAB_DIR/sched_check.sh"

# Out of range: refused with file:line.
printf '%s\n' "$(rt_conf 100)" >"$LAB_DIR/bad.conf"
out=$("$VIPD" -t --offline -f "$LAB_DIR/bad.conf" 2>&1) && fail "realtime_priority 100 accepted"
case $out in
*bad.conf:1:*realtime_priority*) say "realtime_priority 100 refused: $out" ;;
*) fail "realtime_priority 100: no file:line error: $out" ;;
esac

start_vipd m1 "$(rt_conf 10)"
expect_holder 10 "$VIP4" m1 "$LAB_READY" "election"
pid=$(vipd_pid m1)
sched=$(chrt -p "$pid")
say "vipd: $sched"
grep -q "scheduling policy: SCHED_RR" <<<"$sched" || fail "vipd is not SCHED_RR: $sched"
grep -q "scheduling priority: 10" <<<"$sched" || fail "vipd priority is not 10: $sched"
grep -q "SCHED_RESET_ON_FORK" <<<"$sched" || fail "vipd lacks reset-on-fork: $sched"
rttime=$(awk '/Max realtime timeout/ { print $4, $5 }' "/proc/$pid/limits")
say "RLIMIT_RTTIME (soft hard, us): $rttime"
[ "$rttime" = "200000 1200000" ] || fail "RLIMIT_RTTIME is '$rttime'"
wait_for 5 test -s "$LAB_DIR/child.sched" || fail "the exec check never ran"
child=$(cat "$LAB_DIR/child.sched")
say "exec check: $child"
grep -q "scheduling policy: SCHED_OTHER" <<<"$child" || fail "the check runs real-time: $child"
jexpect m1 'd["scheduling"] == {"policy": "rr", "priority": 10, "realtime_fell_back": False,
    "realtime_error": None}' "status JSON reports SCHED_RR 10"

# A reload that changes it: a warning, the scheduling unchanged.
put_conf m1 "$(rt_conf 20)"
reload m1
wait_for 3 grep -q "realtime_priority changed (10 -> 20): that needs a restart" "$LAB_DIR/m1.log" ||
    fail "no restart warning on a realtime_priority change"
grep -q "scheduling priority: 10" <<<"$(chrt -p "$pid")" || fail "a reload changed the priority"

# Without CAP_SYS_NICE: a warning, ordinary scheduling, and vipd runs on.
stop_node m1 || fail "m1 did not stop"
printf '%s\n' "$(rt_conf 10)" >"$LAB_DIR/m1.conf"
_start_daemon m1 "$LAB_DIR/m1.pid" setpriv --bounding-set -sys_nice -- "$VIPD" \
    -f "$LAB_DIR/m1.conf" --control "$LAB_DIR/m1.sock" --pidfile "$LAB_DIR/m1.pid" --log stderr -v
expect_holder 10 "$VIP4" m1 "$(now_ms)" "without CAP_SYS_NICE"
grep -q "realtime_priority 10: cannot switch to SCHED_RR: Operation not permitted (needs CAP_SYS_NICE.*: running with ordinary scheduling" \
    "$LAB_DIR/m1.log" || fail "no warning without CAP_SYS_NICE"
grep -q "scheduling policy: SCHED_OTHER" <<<"$(chrt -p "$(vipd_pid m1)")" ||
    fail "without CAP_SYS_NICE the daemon should run SCHED_OTHER"
jexpect m1 'd["scheduling"]["policy"] == "other" and "CAP_SYS_NICE" in d["scheduling"]["realtime_error"]' \
    "status JSON shows why real-time scheduling is off"

# Off (the default): ordinary scheduling.
stop_node m1 || fail "m1 did not stop"
start_vipd m1 "$(rt_conf 0)"
wait_for 5 test -s "$LAB_DIR/m1.pid" || fail "no pid file"
sched=$(chrt -p "$(vipd_pid m1)")
grep -q "scheduling policy: SCHED_OTHER" <<<"$sched" || fail "realtime_priority 0: $sched"
jexpect m1 'd["scheduling"]["policy"] == "other"' "status JSON reports ordinary scheduling"
echo PASS
