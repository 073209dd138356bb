#!/bin/bash
# vt: solo
# Reload with an unchanged file, under a capture on the bridge.
# 1. m2 (120) Master, m1 (100) Backup, 1 s adverts: SIGHUP to both, then
#    `vipctl reload` on both. No state change in either log, the Backup
#    sends no advert, the VIP is never deleted on the Master (its address
#    log), each log says "unchanged", and no gap in the Master's adverts is
#    longer than 1.5 intervals (1500 ms).
# 2. The same with 200 instances at 0.05 s adverts (VRIDs 1..200, one /32
#    VIP each): all 200 VIPs stay on m2, no state change, no advert from m1;
#    the largest gap of any VRID is measured (the goal is 1.5 intervals,
#    75 ms) and must stay below 3 intervals (150 ms: a Backup at priority
#    100 waits 3.6 intervals), the gap before the reload is the baseline;
#    m2's address log shows no deletion.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"
# shellcheck source=tests/bench/scale_lib.sh
. "$TOP_DIR/tests/bench/scale_lib.sh"

ops_require
lab_setup 2
M=192.0.2.12 B=192.0.2.11

# ---- 1. one instance, 1 s
vipd_node m1 -p 100
vipd_node m2 -p 120
expect_holder 10 "$VIP4" m2 "$LAB_READY" "election"
addr_watch_start m2
cap_start one
sleep 2.2
mk1=$(log_mark m1); mk2=$(log_mark m2)
t_hup=$(now_ms)
hup m2; hup m1
say "SIGHUP to m2 and m1 (unchanged files)"
sleep 1.3
t_ctl=$(now_ms)
reload m2; reload m1
say "vipctl reload on m2 and m1: $(ms_since "$t_ctl") ms for both"
sleep 2.5
t_end=$(now_ms)
cap_stop one
addr_watch_stop m2

read -r gap vrid n _ < <(cap_gap one "$M" $(( t_hup - 1500 )) "$t_end" 51)
measured "1 instance, 1 s adverts: largest gap in m2's adverts around the two reloads $(fmt_ms "$gap") ms ($n adverts)"
[ "$n" -ge 4 ] || fail "only $n adverts from m2 in the 5.3 s after the reloads"
lt "$gap" 1500 || fail "gap of $gap ms in the Master's adverts (limit 1.5 intervals = 1500 ms)"
assert_eq 0 "$(cap_adverts_from one "$B")" "adverts from the Backup m1 in the capture"
assert_eq 0 "$(transitions_since m2 "$mk2")" "state changes in m2's log after the reloads"
assert_eq 0 "$(transitions_since m1 "$mk1")" "state changes in m1's log after the reloads"
holder_is "$VIP4" m2 || fail "the VIP is not (only) on m2 after the reloads: $(vip_holder "$VIP4")"
! grep -F " $VIP4/" "$LAB_DIR/m2.mon" | grep -q Deleted ||
    fail "m2 deleted the VIP during an unchanged reload: $(grep -F "$VIP4" "$LAB_DIR/m2.mon")"
for n in m1 m2; do
	if [ "$n" = m1 ]; then mk=$mk1; else mk=$mk2; fi
	c=$(log_since "$n" "$mk" | grep -c 'reload: vi_51: unchanged')
	assert_eq 2 "$c" "'reload: vi_51: unchanged' lines in $n's log"
done
jexpect m2 'd["reload"]["count"] == 2 and d["reload"]["last_ok"] and r["state"] == "Master"' \
    "m2's status after two reloads"
measured "1 instance: gratuitous ARPs for the VIP during the reloads: $(cap_garps one "$VIP4" "$t_hup")"
echo "PASS: unchanged reload, 1 instance at 1 s"

# ---- 2. 200 instances, 0.05 s
N=200
stop_node m1 || fail "m1 did not stop"
stop_node m2 || fail "m2 did not stop"
vips_flush m1; vips_flush m2
ip -n "$(ns m2)" addr del "$VIP4/24" dev eth0 2>/dev/null
t0=$(now_ms)
start_vipd m2 "$(vipd_scale_conf m2 150 $N 0.05 v4)"
start_vipd m1 "$(vipd_scale_conf m1 100 $N 0.05 v4)"
elected() { vip_count_is m2 "$N" && vip_count_is m1 0; }
WAIT_STEP=0.1 wait_for 20 elected ||
    fail "m2 should hold all $N VIPs and m1 none (m2 $(vip_count m2), m1 $(vip_count m1))"
measured "200 instances: m2 holds all $N VIPs $(ms_since "$t0") ms after the start"
sleep 1
rm -f "$LAB_DIR/m2.mon"
addr_watch_start m2
cap_start many br0 'ip proto 112'
sleep 2
mk1=$(log_mark m1); mk2=$(log_mark m2)
t_hup=$(now_ms)
hup m2; hup m1
sleep 1.5
t_ctl=$(now_ms)
reload m2
m2_ms=$(ms_since "$t_ctl")
reload m1
say "200 instances: SIGHUP to both, then vipctl reload took $m2_ms ms on m2, $(ms_since "$t_ctl") ms for both"
sleep 2
t_end=$(now_ms)
cap_stop many
addr_watch_stop m2

read -r base _ nb _ < <(cap_gap many "$M" $(( t_hup - 2000 )) $(( t_hup - 50 )) 1-200)
read -r gap vrid n seen < <(cap_gap many "$M" $(( t_hup - 50 )) "$t_end" 1-200)
measured "200 instances, 0.05 s: largest gap of any VRID around the reloads $(fmt_ms "$gap") ms (VRID $vrid; $n adverts from m2, $seen VRIDs seen); before them $(fmt_ms "$base") ms ($nb adverts); vipctl reload $m2_ms ms"
assert_eq "$N" "$seen" "VRIDs advertised by m2 in the capture"
lt "$gap" 150 || fail "200 instances: a gap of $gap ms (VRID $vrid) in m2's adverts (limit 3 intervals = 150 ms)"
lt "$gap" 75 || say "note: the gap is above the goal of 1.5 intervals (75 ms)"
assert_eq 0 "$(cap_adverts_from many "$B")" "adverts from the Backup m1 (200 instances)"
assert_eq 0 "$(transitions_since m2 "$mk2")" "state changes in m2's log (200 instances)"
assert_eq 0 "$(transitions_since m1 "$mk1")" "state changes in m1's log (200 instances)"
vip_count_is m2 $N || fail "m2 holds $(vip_count m2) of the $N VIPs after the reloads"
vip_count_is m1 0 || fail "m1 holds $(vip_count m1) VIPs after the reloads"
c=$(grep -c '^\[[^]]*\] Deleted' "$LAB_DIR/m2.mon")
assert_eq 0 "$c" "addresses deleted on m2 during the unchanged reloads of $N instances"
c=$(log_since m2 "$mk2" | grep -c 'reload: vi[0-9]*: unchanged')
assert_eq $(( 2 * N )) "$c" "'unchanged' lines in m2's log (two reloads of $N instances)"
echo "PASS: unchanged reload, 200 instances at 0.05 s"
echo PASS
