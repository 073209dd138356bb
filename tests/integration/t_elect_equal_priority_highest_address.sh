#!/bin/bash
# Equal priorities: the highest primary address wins. All three run priority
# 100; VRRP is first blocked in every node so that all three become Master
# (split brain), then unblocked: when the Masters hear each other, the one
# with the highest address (m3, 192.0.2.13) must stay the only Master, within
# about one advert interval.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
for n in m1 m2 m3; do block_vrrp "$n"; done
for n in m1 m2 m3; do vipd_node "$n" -p 100; done
wait_for 10 eval '[ "$(vip_holder "$VIP4")" = "m1 m2 m3" ]' ||
    fail "with VRRP blocked all three should hold $VIP4 (holders: $(vip_holder "$VIP4"))"
say "split brain: $(vip_holder "$VIP4") hold $VIP4"
t0=$(now_ms)
for n in m1 m2 m3; do unblock_vrrp "$n"; done
expect_holder 3 "$VIP4" m3 "$t0" "split brain resolved (all priority 100)"
expect_client "$VIP4" m3
expect_sole_holder_for 3 "$VIP4" m3 "equal priority, highest address"
echo PASS
