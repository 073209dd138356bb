#!/bin/bash
# vip_interface, one node (m1 alone, so Master): the VIP 192.0.2.100/32 is held
# on a dummy-like interface vips0 (a veth here), not on eth0, and no gratuitous ARP for it goes
# out on eth0; deleted there by hand it is put back (VIP restores 1); vips0
# down puts the instance in Fault (VIP removed), up again makes it Master
# again; a reload that drops vip_interface moves the VIP to eth0, and one that
# sets vip_interface = "lo" moves it to lo; vipd -t names a vip_interface that
# does not exist.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
lab_setup 1
nsn=$(ns m1)
# A dummy interface, as a veth pair (no dummy module in every CI kernel).
ip -n "$nsn" link add vips0 type veth peer name vips0p || fail "cannot create vips0"
ip -n "$nsn" link set vips0p up
ip -n "$nsn" link set vips0 up

# on_dev DEV: m1 has the VIP (as a /32) on DEV.
on_dev() { ip -n "$nsn" -o -4 addr show dev "$1" | grep -qF " $VIP4/32 "; }

OPS_EXTRA='vip_interface = "vips0";'
conf_vips0=$(OPS_EXTRA=$OPS_EXTRA multi_conf m1 "51:100:$VIP4/32:0.1")
conf_eth0=$(OPS_EXTRA= multi_conf m1 "51:100:$VIP4/32:0.1")
conf_lo=$(OPS_EXTRA='vip_interface = "lo";' multi_conf m1 "51:100:$VIP4/32:0.1")

ip netns exec "$nsn" timeout 5 tcpdump -i eth0 -n -l arp >"$LAB_DIR/arp.txt" 2>/dev/null &
tdpid=$!
sleep 0.5
start_vipd m1 "$conf_vips0"
wait_for 10 on_dev vips0 || fail "m1 did not put $VIP4 on vips0"
on_dev eth0 && fail "m1 put $VIP4 on eth0 too"
say "m1 Master: $VIP4/32 on vips0, not on eth0"
sleep 1 # the default garp_count 3 at garp_interval 0.1 s would be over by now
kill "$tdpid" 2>/dev/null
wait "$tdpid" 2>/dev/null
grep -qF "$VIP4" "$LAB_DIR/arp.txt" &&
    fail "ARP for $VIP4 went out on eth0: $(grep -F "$VIP4" "$LAB_DIR/arp.txt" | head -3)"
say "no ARP for $VIP4 on eth0 ($(wc -l <"$LAB_DIR/arp.txt") ARP packets in all)"

# Deleted by hand: put back.
ip -n "$nsn" addr del "$VIP4/32" dev vips0
wait_for 5 on_dev vips0 || fail "the VIP deleted from vips0 was not put back"
wait_for 3 eval '[ "$(jstatus m1 "r[\"counters\"][\"vip_restores\"]")" = 1 ]' ||
    fail "the status does not count the restore: $(vctl m1 status --json)"
say "deleted by hand from vips0: restored"

# vips0 down: Fault, the VIP goes; up: Master again.
ip -n "$nsn" link set vips0 down
wait_for 5 eval '! on_dev vips0' || fail "vips0 down: the VIP stayed"
wait_for 3 grep -q "vip_interface down" "$LAB_DIR/m1.log" || fail "vips0 down: no fault logged"
ip -n "$nsn" link set vips0 up
wait_for 5 on_dev vips0 || fail "vips0 up: the VIP did not come back"
say "vips0 down: Fault, VIP removed; up: Master, VIP back"

# Reloads move the VIP.
put_conf m1 "$conf_eth0"
reload m1
wait_for 3 on_dev eth0 || fail "reload without vip_interface: the VIP is not on eth0"
wait_for 3 eval '! on_dev vips0' || fail "reload without vip_interface: the VIP stayed on vips0"
grep -q "vip_interface 'vips0' -> 'eth0'" "$LAB_DIR/m1.log" ||
    say "note: the reload's log line does not name the move"
put_conf m1 "$conf_lo"
reload m1
wait_for 3 on_dev lo || fail "reload to vip_interface lo: the VIP is not on lo"
wait_for 3 eval '! on_dev eth0' || fail "reload to vip_interface lo: the VIP stayed on eth0"
say "reloads moved the VIP: vips0 -> eth0 -> lo"

# vipd -t: a vip_interface that does not exist.
conf_missing=$(OPS_EXTRA='vip_interface = "vt-nosuch0";' multi_conf m1 "51:100:$VIP4/32:0.1")
printf '%s\n' "$conf_missing" >"$LAB_DIR/missing.conf"
out=$(ip netns exec "$nsn" "$VIPD" -t -f "$LAB_DIR/missing.conf" 2>&1) &&
    fail "vipd -t accepted a missing vip_interface"
case $out in *"interface 'vt-nosuch0' does not exist"*) ;;
	*) fail "vipd -t on a missing vip_interface said: $out" ;; esac
say "vipd -t: $out"
echo PASS
