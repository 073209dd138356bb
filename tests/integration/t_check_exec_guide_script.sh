#!/bin/bash
# The kubeadm HA guide's check_apiserver.sh, unchanged, as an exec check of
# vipd (weight -2 like the guide, with a faster interval to keep the test
# short): priorities 101/99/100; the apiserver on the Master (m1) dies, the
# script fails, m1 drops to 99 and the VIP moves to m3 (100).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_apiserver.sh
. "$(dirname "$0")/lib_apiserver.sh"

script=$TOP_DIR/scripts/check_apiserver.sh
[ -x "$script" ] || fail "no executable $script"

guide_conf()
{
	cat <<CONF
vipd: { router_id = "$1"; script_user = "root"; };
checks = (
  { name = "check_apiserver"; type = "exec";
    target = "APISERVER_VIP=$VIP4 APISERVER_DEST_PORT=$PORT $script";
    interval = 1.0; timeout = 1.0; rise = 2; fall = 2; weight = -2; }
);
instances = (
  { name = "VI_1"; interface = "eth0"; vrid = $VRID; priority = $2; advert_interval = 1;
    vips = [ "$VIP4/24" ]; track_checks = [ "check_apiserver" ]; }
);
CONF
}

checks_lab 3
start_vipd m1 "$(guide_conf m1 101)"
start_vipd m2 "$(guide_conf m2 99)"
start_vipd m3 "$(guide_conf m3 100)"
expect_holder 15 "$VIP4" m1 "$LAB_READY" "election"
t0=$(apiserver_kill m1)
expect_holder 10 "$VIP4" m3 "$t0" "apiserver killed on m1 (exec check)"
grep -q "check 'check_apiserver' is now down: exit status" "$LAB_DIR/m1.log" ||
    fail "m1 did not log the script's failure with its exit status"
grep -q "VI_1/IPv4: Master -> Backup (resigned: check check_apiserver down, priority 101 -> 99)" "$LAB_DIR/m1.log" ||
    fail "m1 did not resign at priority 99"
wait_for 5 https_client_gets "$VIP4" m3 || fail "the client does not reach m3's apiserver"
echo PASS
