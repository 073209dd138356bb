#!/bin/bash
# Unicast peers: multicast to 224.0.0.18 is dropped (nftables, in and out) in
# every master; with unicast_peers configured election and failover work.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
for n in m1 m2 m3; do block_multicast "$n"; done
vipd_node m1 -p 100 -u
vipd_node m2 -p 120 -u
vipd_node m3 -p 150 -u
expect_holder 10 "$VIP4" m3 "$LAB_READY" "election over unicast"
expect_client "$VIP4" m3
expect_sole_holder_for 2 "$VIP4" m3 "election over unicast"
crash_and_measure m3 m2 "$VIP4" 8 "crash of m3 (unicast)" 2000
expect_sole_holder_for 2 "$VIP4" m2 "after the crash (unicast)"
echo PASS
