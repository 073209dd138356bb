#!/bin/bash
# A node that starts in Fault (a weight-0 check that has not passed yet) stays
# in Fault from the first moment: even as the address owner (priority 255) it
# never sends a 255 advert or takes the VIP from the healthy Master (m2).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

lab_setup 2
vipd_node m2 -p 100
expect_holder 10 "$VIP4" m2 "$LAB_READY" "election"
start_vipd m1 "$(cat <<CONF
vipd: { router_id = "m1"; script_user = "root"; };
checks = ( { name = "etcd"; type = "tcp"; target = "127.0.0.1:2379";
             interval = 0.2; timeout = 0.1; fall = 1; rise = 1; weight = 0; } );
instances = ( { name = "vi"; interface = "eth0"; vrid = $VRID; priority = 255;
                vips = [ "$VIP4/24" ]; track_checks = [ "etcd" ]; } );
CONF
)"
expect_sole_holder_for 3 "$VIP4" m2 "m1 (255) starting in Fault"
grep -q -- "-> Master" "$LAB_DIR/m1.log" && fail "m1 became Master while in Fault"
grep -q "vi/IPv4: Initialize -> Fault" "$LAB_DIR/m1.log" ||
    fail "m1 did not go straight from Initialize to Fault"
grep -q "Master -> Backup" "$LAB_DIR/m2.log" &&
    fail "m2 lost Master to a node in Fault"
measured "owner in Fault at start: m2 kept the VIP, m1 went Initialize -> Fault"
echo PASS
