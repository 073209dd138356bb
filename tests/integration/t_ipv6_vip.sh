#!/bin/bash
# IPv6: VRRPv3 over IPv6 with VIP 2001:db8::100/64; m3 (150) holds it, the
# client reaches it over IPv6; on a crash of m3 it moves to m2 (120).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 3
vipd_node m1 -p 100 -a "$VIP6/64"
vipd_node m2 -p 120 -a "$VIP6/64"
vipd_node m3 -p 150 -a "$VIP6/64"
expect_holder 10 "$VIP6" m3 "$LAB_READY" "election over IPv6"
expect_client "$VIP6" m3
crash_and_measure m3 m2 "$VIP6" 8 "crash of m3 (IPv6)" 2000
echo PASS
