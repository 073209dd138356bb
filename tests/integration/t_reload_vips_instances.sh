#!/bin/bash
# Reload that changes VIPs and instances, m2 Master of vi_51 (120 over m1's
# 100), 1 s adverts, under a capture on the bridge and m2's address log:
# 1. add VIP 192.0.2.101: on m2 within one interval of the reload, announced
#    (a gratuitous ARP seen on the bridge), answered to the client; the old
#    VIP is never deleted; no state change.
# 2. remove it again: gone from m2 within one interval; 192.0.2.100 stays.
# 3. add instance vi_52 (VRID 52, VIP 198.51.100.52; m1 130, m2 50): it
#    starts in Backup on both ("Initialize -> Backup (startup)") and m1 is
#    elected after its Master_Down_Interval; vi_51 sees no state change and
#    no advert gap over 1.5 intervals.
# 4. remove vi_52 from m1, its Master: m1 resigns (an advert with priority 0
#    for VRID 52 on the bridge) and drops the VIP, m2 takes it within its
#    Skew_Time (0.8 s; limit 1.6 s, half its Master_Down_Interval) with the
#    reason "master 192.0.2.11 resigned".
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
lab_setup 2
M=192.0.2.12 B=192.0.2.11
V2=192.0.2.101 V52=198.51.100.52

start_vipd m1 "$(multi_conf m1 "51:100:$VIP4/24")"
start_vipd m2 "$(multi_conf m2 "51:120:$VIP4/24")"
expect_holder 10 "$VIP4" m2 "$LAB_READY" "election"
addr_watch_start m2
cap_start ops
sleep 1.2
mk1=$(log_mark m1); mk2=$(log_mark m2)
t_begin=$(now_ms)

# ---- 1. add a VIP
put_conf m1 "$(multi_conf m1 "51:100:$VIP4/24,$V2/24")"
reload m1
put_conf m2 "$(multi_conf m2 "51:120:$VIP4/24,$V2/24")"
t0=$(now_ms)
reload m2
wait_for 3 vip_on m2 "$V2" || fail "the added VIP $V2 is not on m2 3 s after the reload"
ms=$(wait_vip_event m2 "$V2" "$t0")
measured "VIP added by reload: on m2 $ms ms after vipctl reload was started (address log)"
assert_le "$ms" 1000 "ms until the added VIP is on the Master"
grep -q "reload: vi_51: VIP +$V2/24" "$LAB_DIR/m2.log" || fail "m2's log does not say 'VIP +$V2/24'"
expect_client "$V2" m2 2
sleep 0.5
garps=$(cap_garps ops "$V2" "$t0")
measured "VIP added by reload: $garps gratuitous ARP(s) for $V2 on the bridge"
[ "$garps" -ge 1 ] || fail "the added VIP $V2 was not announced (no gratuitous ARP)"
holder_is "$VIP4" m2 || fail "$VIP4 not on m2 alone after adding $V2"

# ---- 2. remove it
put_conf m1 "$(multi_conf m1 "51:100:$VIP4/24")"
reload m1
put_conf m2 "$(multi_conf m2 "51:120:$VIP4/24")"
t0=$(now_ms)
reload m2
wait_for 3 vip_absent "$V2" m2 || fail "the removed VIP $V2 is still on m2 3 s after the reload"
ms=$(wait_vip_event m2 "$V2" "$t0" Deleted)
measured "VIP removed by reload: deleted on m2 $ms ms after vipctl reload was started (address log)"
assert_le "$ms" 1000 "ms until the removed VIP is gone"
[ "$(vip_holder "$V2")" = none ] || fail "$V2 is held by $(vip_holder "$V2") after its removal"
holder_is "$VIP4" m2 || fail "$VIP4 not on m2 alone after removing $V2"
expect_client "$VIP4" m2 2
grep -F " $VIP4/" "$LAB_DIR/m2.mon" | grep -q Deleted &&
    fail "m2 deleted $VIP4 while other VIPs were added and removed"
echo "PASS: VIP added and removed by reload"

# ---- 3. add an instance
put_conf m1 "$(multi_conf m1 "51:100:$VIP4/24" "52:130:$V52/32")"
put_conf m2 "$(multi_conf m2 "51:120:$VIP4/24" "52:50:$V52/32")"
t0=$(now_ms)
reload m1
reload m2
for n in m1 m2; do
	grep -q 'reload: vi_52: added' "$LAB_DIR/$n.log" || fail "$n's log lacks 'reload: vi_52: added'"
	wait_for 1 grep -q 'vi_52/IPv4: Initialize -> Backup (startup)' "$LAB_DIR/$n.log" ||
	    fail "$n: the added instance did not start in Backup"
done
expect_holder 6 "$V52" m1 "$t0" "instance vi_52 added by reload (m1 130, m2 50)"
[ "$MS" -ge 3000 ] || fail "m1 became Master of the new vi_52 after $MS ms, before a Master_Down_Interval"
grep -qE 'vi_52/IPv4: Backup -> Master \(no advert for 3\.[0-9]+ s\)' "$LAB_DIR/m1.log" ||
    fail "m1's log lacks 'vi_52/IPv4: Backup -> Master (no advert for 3.x s)'"
expect_sole_holder_for 1.5 "$V52" m1 "the added instance vi_52"
grep -q 'vi_52/IPv4: Backup -> Master' "$LAB_DIR/m2.log" && fail "m2 went Master of vi_52 (priority 50)"
jexpect m1 'r_of("vi_52")["state"] == "Master" and r_of("vi_51")["state"] == "Backup" and len(d["instances"]) == 2' \
    "m1's status after adding vi_52"
jexpect m2 'r_of("vi_52")["state"] == "Backup" and r_of("vi_52")["master"] == "192.0.2.11" and r_of("vi_51")["state"] == "Master"' \
    "m2's status after adding vi_52"
for n in m1 m2; do
	if [ "$n" = m1 ]; then mk=$mk1; else mk=$mk2; fi
	c=$(log_since "$n" "$mk" | grep -cE "vi_51$TRANSITION")
	assert_eq 0 "$c" "vi_51 state changes in $n's log during the VIP and instance reloads"
done
echo "PASS: instance added by reload starts in Backup and elects"

# ---- 4. remove the instance from its Master
mk2=$(log_mark m2)
put_conf m1 "$(multi_conf m1 "51:100:$VIP4/24")"
t0=$(now_ms)
reload m1
grep -q 'reload: vi_52: removed' "$LAB_DIR/m1.log" || fail "m1's log lacks 'reload: vi_52: removed'"
vip_absent "$V52" m1 || fail "m1 kept $V52 after the reload removed vi_52"
expect_holder 5 "$V52" m2 "$t0" "vi_52 removed from its Master m1 (polled)"
ms=$(wait_vip_event m2 "$V52" "$t0")
measured "vi_52 removed from m1: on m2 $ms ms after vipctl reload was started (address log)"
assert_le "$ms" 1600 "ms until m2 took vi_52 over after m1 resigned (its Skew_Time is 805 ms)"
log_since m2 "$mk2" | grep -qE 'vi_52/IPv4: Backup -> Master \(master 192\.0\.2\.11 resigned' ||
    fail "m2's log lacks 'vi_52/IPv4: Backup -> Master (master 192.0.2.11 resigned ...)'"
jexpect m1 'len(d["instances"]) == 1 and d["instances"][0]["name"] == "vi_51"' \
    "m1's status after removing vi_52"
sleep 0.3
t_end=$(now_ms)
cap_stop ops
addr_watch_stop m2
# The last one: a periodic advert may still leave between t0 and the reload.
read -r ms prio < <(cap_last_advert ops "$B" "$t0" 52)
assert_eq 0 "${prio:-none}" "priority of m1's last advert for VRID 52, when the reload removed it"
read -r gap _ n _ < <(cap_gap ops "$M" "$t_begin" "$t_end" 51)
measured "vi_51 during all the reloads: largest gap in m2's adverts $(fmt_ms "$gap") ms ($n adverts)"
lt "$gap" 1500 || fail "gap of $gap ms in vi_51's adverts from m2 (limit 1500 ms)"
assert_eq 0 "$(cap_read adverts "$LAB_DIR/ops.pcap" | awk -v s="$B" -v t="$t_begin" '$2 == s && $3 == 51 && $1 >= t' | wc -l)" \
    "vi_51 adverts from the Backup m1"
holder_is "$VIP4" m2 || fail "$VIP4 not on m2 alone at the end"
echo "PASS: instance removed by reload: its Master resigned"
echo PASS
