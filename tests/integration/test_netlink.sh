#!/bin/bash
# Namespace test for src/netlink.c and src/announce.c, driven through
# tests/integration/netlink_probe. Needs root, iproute2 and tcpdump.
#
#   ns A (vnl-a-PID): veth0 192.0.2.1/24 2001:db8::1/64; other0-other1, a
#   second veth pair (primary selection, event filtering)
#   ns B (vnl-b-PID): veth1 192.0.2.2/24 2001:db8::2/64, tcpdump listens here
#
# Prints PASS name / FAIL name per check; exits 1 if any check failed.
set -u

PROBE=${NETLINK_PROBE:-./tests/integration/netlink_probe}
NS_A=vnl-a-$$
NS_B=vnl-b-$$
TMP=$(mktemp -d /tmp/vnl-test.XXXXXX)
FAILS=0
BG_PIDS=()

cleanup() {
	local pid
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }
probe() { in_a "$PROBE" "$@"; }

not() { ! "$@"; }
pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1${2:+: $2}"
	FAILS=$((FAILS + 1))
}
# check NAME COMMAND...: PASS if the command succeeds.
check() {
	local name=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then pass "$name"; else fail "$name" "$(head -c 300 "$TMP/check.out")"; fi
}

# wait_for FILE PATTERN [TENTHS]: until grep -E finds PATTERN in FILE.
wait_for() {
	local i
	for ((i = 0; i < ${3:-50}; i++)); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

setup() {
	ip netns add "$NS_A" && ip netns add "$NS_B" || exit 1
	ip link add veth0 netns "$NS_A" type veth peer name veth1 netns "$NS_B" || exit 1
	in_a ip link add other0 type veth peer name other1 || exit 1
	in_a ip addr add 192.0.2.1/24 dev veth0
	in_b ip addr add 192.0.2.2/24 dev veth1
	in_a ip addr add 2001:db8::1/64 dev veth0 nodad
	in_b ip addr add 2001:db8::2/64 dev veth1 nodad
	for l in lo veth0 other0 other1; do in_a ip link set "$l" up; done
	for l in lo veth1; do in_b ip link set "$l" up; done
	# The link-local address must have finished DAD for "primary 6".
	for ((i = 0; i < 50; i++)); do
		in_a ip -6 addr show dev veth0 scope link | grep -q tentative || break
		sleep 0.1
	done
	MAC_A=$(in_a cat /sys/class/net/veth0/address)
	IFINDEX_A=$(in_a cat /sys/class/net/veth0/ifindex)
}

addr_shown() { in_a ip -o addr show dev "$1" | grep -qF " $2 "; }
addr_not_shown() { ! addr_shown "$@"; }

test_v4_add_del() {
	check v4_add probe add veth0 192.0.2.100/24
	check v4_add_again_idempotent probe add veth0 192.0.2.100/24
	check v4_add_shown_as_secondary \
		bash -c "ip netns exec $NS_A ip -o -4 addr show dev veth0 | grep -F 'inet 192.0.2.100/24' | grep -q secondary"
	check v4_present probe present veth0 192.0.2.100
	check v4_absent_other not probe present veth0 192.0.2.101
	check v4_del probe del veth0 192.0.2.100/24
	check v4_del_again_idempotent probe del veth0 192.0.2.100/24
	check v4_del_not_shown addr_not_shown veth0 192.0.2.100/24
	check v4_absent_after_del not probe present veth0 192.0.2.100
	check v4_primary_kept addr_shown veth0 192.0.2.1/24
}

test_v4_primary() {
	check v4_primary_skips_secondary_vip \
		bash -c "ip netns exec $NS_A $PROBE add veth0 192.0.2.100/24 &&
			 [ \"\$(ip netns exec $NS_A $PROBE primary veth0 4)\" = 192.0.2.1 ]"
	# A /32 VIP added before the real address is itself a primary: the skip
	# list is what keeps it from being chosen.
	probe add other0 198.51.100.10/32
	in_a ip addr add 198.51.100.1/24 dev other0
	check v4_primary_without_skip_is_first \
		test "$(probe primary other0 4)" = 198.51.100.10
	check v4_primary_skips_listed_vip \
		test "$(probe primary other0 4 198.51.100.10/32)" = 198.51.100.1
	check v4_primary_none_on_empty not probe primary other0 4 198.51.100.10 198.51.100.1
	probe del veth0 192.0.2.100/24
}

test_v6_add_del() {
	# Peer B already holds the address (a split brain): with DAD, A's copy
	# would end up dadfailed; with IFA_F_NODAD it stays usable.
	in_b ip addr add 2001:db8::100/64 dev veth1 nodad
	check v6_add probe add veth0 2001:db8::100/64
	check v6_add_again_idempotent probe add veth0 2001:db8::100/64
	check v6_not_tentative \
		bash -c "ip netns exec $NS_A ip -o -6 addr show dev veth0 | grep -F 2001:db8::100/64 | grep -vqE 'tentative|dadfailed'"
	sleep 2
	check v6_not_dadfailed_with_duplicate \
		bash -c "ip netns exec $NS_A ip -o -6 addr show dev veth0 | grep -F 2001:db8::100/64 | grep -vqE 'tentative|dadfailed'"
	in_b ip addr del 2001:db8::100/64 dev veth1
	check v6_present probe present veth0 2001:db8::100
	check v6_del probe del veth0 2001:db8::100/64
	check v6_del_again_idempotent probe del veth0 2001:db8::100/64
	check v6_del_not_shown addr_not_shown veth0 2001:db8::100/64
}

test_v6_primary() {
	local ll
	ll=$(in_a ip -o -6 addr show dev veth0 scope link | awk '{print $4}' | cut -d/ -f1)
	probe add veth0 fe80::100/64
	check v6_primary_is_linklocal test "$(probe primary veth0 6 fe80::100)" = "$ll"
	check v6_linklocal_exists bash -c "[ -n '$ll' ]"
	probe del veth0 fe80::100/64
}

# start_tcpdump NAME FILTER...: capture one packet on B's veth1 in the background.
start_tcpdump() {
	local name=$1
	shift
	in_b timeout 10 tcpdump -i veth1 -c 1 -n -e -vv -l "$@" >"$TMP/$name.pcap.txt" 2>"$TMP/$name.err" &
	BG_PIDS+=($!)
	TCPDUMP_PID=$!
	wait_for "$TMP/$name.err" "listening on" || fail "$name" "tcpdump did not start"
}

test_garp() {
	local out=$TMP/garp.pcap.txt
	in_b ip neigh replace 192.0.2.100 lladdr 02:00:00:00:00:99 dev veth1 nud stale
	start_tcpdump garp arp host 192.0.2.100
	check garp_sent probe garp veth0 192.0.2.100
	wait "$TCPDUMP_PID"
	check garp_ethernet_broadcast_from_interface_mac \
		grep -qF "$MAC_A > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806)" "$out"
	check garp_request_sender_ip_is_target_ip \
		grep -qF "Request who-has 192.0.2.100 tell 192.0.2.100" "$out"
	# The peer takes the sender MAC from the ARP body (sha).
	check garp_updates_peer_neighbour \
		bash -c "ip netns exec $NS_B ip neigh show 192.0.2.100 dev veth1 | grep -qi 'lladdr $MAC_A'"
}

test_na() {
	local out=$TMP/na.pcap.txt
	in_b ip -6 neigh replace 2001:db8::100 lladdr 02:00:00:00:00:99 dev veth1 nud stale
	start_tcpdump na 'icmp6 and ip6[40] == 136 and ip6[60:4] == 0x100'
	check na_sent probe na veth0 2001:db8::100
	wait "$TCPDUMP_PID"
	check na_hop_limit_255 grep -qF "hlim 255" "$out"
	check na_linklocal_to_all_nodes grep -qE "fe80::[0-9a-f:]+ > ff02::1:" "$out"
	check na_checksum_ok grep -qF "icmp6 sum ok" "$out"
	check na_target_is_vip grep -qF "tgt is 2001:db8::100," "$out"
	check na_override_only grep -qE "tgt is 2001:db8::100, Flags \[override\]$" "$out"
	check na_target_lladdr_option grep -qF "link-address option (2), length 8 (1): $MAC_A" "$out"
	check na_updates_peer_neighbour \
		bash -c "ip netns exec $NS_B ip -6 neigh show 2001:db8::100 dev veth1 | grep -qi 'lladdr $MAC_A'"
}

test_monitor() {
	local log=$TMP/monitor.txt
	in_a "$PROBE" monitor veth0 8 >"$log" 2>"$TMP/monitor.err" &
	BG_PIDS+=($!)
	wait_for "$log" "^ready" || fail monitor_ready
	check monitor_initial_up grep -q "^ready link up" "$log"

	in_b ip link set veth1 down
	check monitor_link_down_on_carrier_loss wait_for "$log" "^link down ifindex $IFINDEX_A"
	check carrier_loss_keeps_iff_up \
		bash -c "ip netns exec $NS_A ip link show veth0 | grep -q 'NO-CARRIER,.*UP'"
	check link_is_up_false_on_carrier_loss test "$(probe link veth0)" = down
	in_b ip link set veth1 up
	check monitor_link_up_on_carrier wait_for "$log" "^link up ifindex $IFINDEX_A"

	in_a ip addr add 192.0.2.77/24 dev veth0
	check monitor_addr_add wait_for "$log" "^addr add 192.0.2.77/24 ifindex $IFINDEX_A"
	in_a ip addr del 192.0.2.77/24 dev veth0
	check monitor_addr_del wait_for "$log" "^addr del 192.0.2.77/24 ifindex $IFINDEX_A"
	in_a ip addr add 2001:db8::77/64 dev veth0 nodad
	in_a ip addr del 2001:db8::77/64 dev veth0
	check monitor_addr_del_v6 wait_for "$log" "^addr del 2001:db8::77/64 ifindex $IFINDEX_A"

	in_a ip addr add 198.51.100.77/24 dev other0
	in_a ip link set other0 down
	in_a ip link set other0 up
	sleep 0.5
	check monitor_filters_unwatched_interfaces \
		bash -c "! grep -qE '198\\.51\\.100\\.77|ifindex $(in_a cat /sys/class/net/other0/ifindex)\$' '$log'"
}

# An overrun (ENOBUFS) must be reported and every watched link resynced.
test_monitor_overrun() {
	local log=$TMP/overrun.txt i
	in_a "$PROBE" monitor veth0 5 2 >"$log" 2>"$TMP/overrun.err" &
	BG_PIDS+=($!)
	wait_for "$log" "^ready stalling" || fail monitor_overrun_ready
	for ((i = 10; i < 250; i++)); do echo "addr add 192.0.2.$i/24 dev veth0"; done >"$TMP/add.batch"
	sed 's/^addr add/addr del/' "$TMP/add.batch" >"$TMP/del.batch"
	in_a ip -batch "$TMP/add.batch"
	in_a ip -batch "$TMP/del.batch"
	check monitor_overrun_warns wait_for "$TMP/overrun.err" "overrun" 50
	check monitor_overrun_resyncs_links wait_for "$log" "^link up ifindex $IFINDEX_A" 50
}

[ "$(id -u)" = 0 ] || { echo "FAIL needs_root"; exit 1; }
[ -x "$PROBE" ] || { echo "FAIL probe_missing: $PROBE"; exit 1; }
setup
test_v4_add_del
test_v4_primary
test_v6_add_del
test_v6_primary
test_garp
test_na
test_monitor
test_monitor_overrun

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS check(s) failed"
	exit 1
fi
echo "all checks passed"
