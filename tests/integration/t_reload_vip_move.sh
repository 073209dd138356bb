#!/bin/bash
# Reload edge cases of VIP lists, one node (m1 Master of vi_51 and vi_52):
# 1. a VIP moved from one kept instance to another in the same reload
#    (192.0.2.101 from vi_52 to vi_51, vi_52 gets 192.0.2.102): the reload
#    succeeds, logs no error, and afterwards every VIP the status lists is on
#    the interface (192.0.2.100, .101, .102), the moved one announced.
# 2. the prefix of a VIP changed (192.0.2.100/24 -> /32): the interface
#    carries the new prefix, as the status says.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
lab_setup 1

# addrs_on NODE: the IPv4 addresses with prefix on eth0, sorted.
addrs_on() { ip -n "$(ns "$1")" -o -4 addr show dev eth0 | awk '{ print $4 }' | sort | tr '\n' ' '; }

start_vipd m1 "$(multi_conf m1 "51:100:192.0.2.100/24" "52:100:192.0.2.101/24")"
wait_for 10 eval 'vip_on m1 192.0.2.100 && vip_on m1 192.0.2.101' ||
    fail "m1 should hold 192.0.2.100 and .101: $(addrs_on m1)"
say "m1 Master of vi_51 (192.0.2.100) and vi_52 (192.0.2.101)"

# ---- 1. a VIP moves between two kept instances
mk=$(log_mark m1)
put_conf m1 "$(multi_conf m1 "51:100:192.0.2.100/24,192.0.2.101/24" "52:100:192.0.2.102/24")"
out=$(vctl m1 reload 2>&1) || fail "reload failed: $out"
sleep 0.3
errs=$(log_since m1 "$mk" | grep -E ' (error|warning): ' || true)
say "after moving 192.0.2.101 from vi_52 to vi_51: $(addrs_on m1)"
[ -z "$errs" ] || fail "the reload that moved a VIP logged: $errs"
for v in 192.0.2.100 192.0.2.101 192.0.2.102; do
	vip_on m1 "$v" || fail "$v is listed by the status but not on m1's eth0 after the reload: $(addrs_on m1)"
done
jexpect m1 'r_of("vi_51")["vips"] == ["192.0.2.100/24", "192.0.2.101/24"] and r_of("vi_52")["vips"] == ["192.0.2.102/24"]' \
    "status after the move"
echo "PASS: a VIP moved between instances stays up"

# ---- 2. a prefix change
put_conf m1 "$(multi_conf m1 "51:100:192.0.2.100/32,192.0.2.101/24" "52:100:192.0.2.102/24")"
reload m1
sleep 0.3
say "after 192.0.2.100/24 -> /32: $(addrs_on m1)"
jexpect m1 'r_of("vi_51")["vips"][0] == "192.0.2.100/32"' "status after the prefix change"
case " $(addrs_on m1)" in *" 192.0.2.100/32 "*) ;; *) fail "the interface does not carry 192.0.2.100/32 after the reload: $(addrs_on m1)" ;; esac
case " $(addrs_on m1)" in *" 192.0.2.100/24 "*) fail "the interface still carries 192.0.2.100/24: $(addrs_on m1)" ;; esac
echo "PASS: a prefix change is applied"
echo PASS
