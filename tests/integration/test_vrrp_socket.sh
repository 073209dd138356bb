#!/bin/sh
# Namespace test for src/vrrp_socket.c, driven by vrrp_socket_probe.
#   A (a0, a1) <== veth ==> B (b0, b1)
#   a0 192.0.2.1/24  fe80::a/64   2001:db8::a/64      b0 192.0.2.2/24  fe80::b/64  2001:db8::b/64
#   a1 198.51.100.1/24 fe80::1:a/64                   b1 198.51.100.2/24 fe80::1:b/64
# Needs root (netns, raw sockets). The probe path comes from $VRRP_SOCKET_PROBE.
# shellcheck disable=SC2317 # the test functions are called through "$t"
set -u

PROBE=${VRRP_SOCKET_PROBE:-/tmp/vsock/vrrp_socket_probe}
PFX=vsock-$$
A=$PFX-a
B=$PFX-b
TMP=$(mktemp -d /tmp/vsock-test.XXXXXX)
RECV_SECONDS=1.5
FAILED=0
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILED=1; }

if [ ! -x "$PROBE" ]; then
	echo "FAIL: probe $PROBE not found (set VRRP_SOCKET_PROBE)"
	exit 1
fi

setup_ns() {
	for ns in "$A" "$B"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0
	done
	ip -n "$A" link add a0 type veth peer name b0 netns "$B" || return 1
	ip -n "$A" link add a1 type veth peer name b1 netns "$B" || return 1
	for l in a0 a1; do ip -n "$A" link set "$l" addrgenmode none; done
	for l in b0 b1; do ip -n "$B" link set "$l" addrgenmode none; done
	addr "$A" a0 192.0.2.1/24 fe80::a/64 2001:db8::a/64
	addr "$A" a1 198.51.100.1/24 fe80::1:a/64
	addr "$B" b0 192.0.2.2/24 fe80::b/64 2001:db8::b/64
	addr "$B" b1 198.51.100.2/24 fe80::1:b/64
	for l in a0 a1; do ip -n "$A" link set "$l" up; done
	for l in b0 b1; do ip -n "$B" link set "$l" up; done
	wait_ready "$A" a0 && wait_ready "$A" a1 && wait_ready "$B" b0 && wait_ready "$B" b1
}

# wait_ready NS IF: IPv6 discards multicast until addrconf has seen the
# carrier and added the ff00::/8 route (linkwatch runs up to a second late).
wait_ready() {
	i=0
	until ip -n "$1" -6 route show table local dev "$2" | grep -q '^multicast ff00::/8' &&
		ip -n "$1" link show dev "$2" | grep -q 'state UP'; do
		i=$((i + 1))
		if [ "$i" -gt 150 ]; then
			echo "$1 $2 not ready"
			return 1
		fi
		sleep 0.02
	done
}

# addr NS IF ADDR...: IPv6 addresses with nodad.
addr() {
	ns=$1 dev=$2
	shift 2
	for a in "$@"; do
		case $a in
		*:*) ip -n "$ns" addr add "$a" dev "$dev" nodad ;;
		*) ip -n "$ns" addr add "$a" dev "$dev" ;;
		esac
	done
}

# recv_start NAME NS IF FAM VRID: start a receiver in the background, wait
# until it has joined and registered.
recv_start() {
	out=$TMP/$1
	rm -f "$out" "$out.err" # no stale "ready" from the previous receiver
	ip netns exec "$2" "$PROBE" recv "$3" "$4" "$5" "$RECV_SECONDS" >"$out" 2>"$out.err" &
	PIDS="$PIDS $!"
	eval "PID_$1=$!"
	i=0
	while ! grep -q '^ready' "$out" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 100 ]; then
			echo "receiver $1 did not start:"; cat "$out.err"
			return 1
		fi
		sleep 0.02
	done
}

recv_wait() {
	eval "wait \$PID_$1"
}

# send NS IF FAM VRID SRC DST
send() {
	if ! ip netns exec "$1" "$PROBE" send "$2" "$3" "$4" "$5" "$6" >"$TMP/send.out" 2>&1; then
		echo "  send failed: $(cat "$TMP/send.out")"
	fi
}

# count NAME PATTERN: lines of the receiver's output matching PATTERN.
count() {
	grep -c -- "$2" "$TMP/$1"
}

# expect WHAT NAME PATTERN N
expect() {
	n=$(count "$2" "$3")
	if [ "$n" -eq "$4" ]; then
		pass "$1"
	else
		fail "$1 (expected $4 lines matching '$3', got $n)"
		sed 's/^/    /' "$TMP/$2" "$TMP/$2.err"
	fi
}

test_multicast_v4() {
	recv_start r "$B" b0 4 51 || return
	send "$A" a0 4 51 192.0.2.1 224.0.0.18
	recv_wait r
	expect "ipv4 multicast received with ttl 255 and the primary source" r \
		"^src=192.0.2.1 dst=224.0.0.18 ttl=255 vrid=51 prio=100 len=12 " 3
}

test_multicast_v6() {
	recv_start r "$B" b0 6 51 || return
	send "$A" a0 6 51 fe80::a ff02::12
	recv_wait r
	expect "ipv6 multicast received with hop limit 255 and the link-local source" r \
		"^src=fe80::a dst=ff02::12 ttl=255 vrid=51 prio=100 len=24 " 3
}

test_unicast_v4() {
	recv_start r "$B" b0 4 51 || return
	send "$A" a0 4 51 192.0.2.1 192.0.2.2
	recv_wait r
	expect "ipv4 unicast received with ttl 255" r \
		"^src=192.0.2.1 dst=192.0.2.2 ttl=255 vrid=51 prio=100 " 3
}

test_unicast_v6() {
	recv_start r "$B" b0 6 51 || return
	send "$A" a0 6 51 fe80::a fe80::b
	send "$A" a0 6 51 fe80::a 2001:db8::b
	recv_wait r
	expect "ipv6 unicast to a link-local peer" r \
		"^src=fe80::a dst=fe80::b ttl=255 vrid=51 prio=100 " 3
	expect "ipv6 unicast to a global peer" r \
		"^src=fe80::a dst=2001:db8::b ttl=255 vrid=51 prio=100 " 3
}

test_unknown_vrid() {
	recv_start r "$B" b0 4 51 || return
	send "$A" a0 4 52 192.0.2.1 224.0.0.18
	recv_wait r
	expect "ipv4 advert for an unregistered VRID is not delivered" r "^src=" 0
	expect "ipv4 advert for an unregistered VRID counted as a vrid drop" r \
		"^received=0 drops:.* vrid=3 " 1
	recv_start r "$B" b0 6 51 || return
	send "$A" a0 6 52 fe80::a ff02::12
	recv_wait r
	expect "ipv6 advert for an unregistered VRID counted as a vrid drop" r \
		"^received=0 drops:.* vrid=3 " 1
}

# A VIP as a secondary of the primary's subnet, and a VIP that sorts first
# (a /32 added before the primary): the kernel's own choice would be the VIP.
test_source_with_vips() {
	ip -n "$A" addr del 192.0.2.1/24 dev a0
	ip -n "$A" addr add 192.0.2.50/32 dev a0
	ip -n "$A" addr add 192.0.2.1/24 dev a0
	ip -n "$A" addr add 192.0.2.100/24 dev a0
	ksrc=$(ip -n "$A" route get 224.0.0.18 oif a0 | sed -n 's/.* src \([^ ]*\).*/\1/p')
	if [ "$ksrc" = 192.0.2.50 ]; then
		pass "control: without a chosen source the kernel would send from the VIP ($ksrc)"
	else
		echo "  note: kernel default source is '$ksrc', not the VIP that sorts first"
	fi
	recv_start r "$B" b0 4 51 || return
	send "$A" a0 4 51 192.0.2.1 224.0.0.18
	send "$A" a0 4 51 192.0.2.1 192.0.2.2
	recv_wait r
	expect "ipv4 multicast source is the primary with VIPs on the interface" r \
		"^src=192.0.2.1 dst=224.0.0.18 ttl=255 " 3
	expect "ipv4 unicast source is the primary with VIPs on the interface" r \
		"^src=192.0.2.1 dst=192.0.2.2 ttl=255 " 3
	expect "no advert leaves with a VIP as its source" r "^src=192.0.2.\(50\|100\) " 0
	ip -n "$A" addr del 192.0.2.50/32 dev a0
	ip -n "$A" addr del 192.0.2.100/24 dev a0
}

# The sender's own namespace must not see its adverts (IP_MULTICAST_LOOP 0),
# while the peer does (so they were sent).
test_no_loopback() {
	recv_start self "$A" a0 4 51 || return
	recv_start peer "$B" b0 4 51 || return
	send "$A" a0 4 51 192.0.2.1 224.0.0.18
	recv_wait self
	recv_wait peer
	expect "ipv4 multicast not looped back to the sender's namespace" self "^src=" 0
	expect "ipv4 multicast reached the peer meanwhile" peer "^src=192.0.2.1 " 3
	recv_start self "$A" a0 6 51 || return
	recv_start peer "$B" b0 6 51 || return
	send "$A" a0 6 51 fe80::a ff02::12
	recv_wait self
	recv_wait peer
	expect "ipv6 multicast not looped back to the sender's namespace" self "^src=" 0
	expect "ipv6 multicast reached the peer meanwhile" peer "^src=fe80::a " 3
}

# Packets arriving on b1 must not reach the socket bound to b0.
test_bind_to_device() {
	recv_start r0 "$B" b0 4 51 || return
	recv_start r1 "$B" b1 4 51 || return
	send "$A" a1 4 51 198.51.100.1 224.0.0.18
	send "$A" a1 4 51 198.51.100.1 198.51.100.2
	recv_wait r0
	recv_wait r1
	expect "ipv4 packets on another interface are not seen (SO_BINDTODEVICE)" r0 "^src=" 0
	expect "ipv4 multicast on b1 seen by the b1 socket" r1 "^src=198.51.100.1 dst=224.0.0.18 " 3
	expect "ipv4 unicast on b1 seen by the b1 socket" r1 "^src=198.51.100.1 dst=198.51.100.2 " 3
	recv_start r0 "$B" b0 6 51 || return
	recv_start r1 "$B" b1 6 51 || return
	send "$A" a1 6 51 fe80::1:a ff02::12
	recv_wait r0
	recv_wait r1
	expect "ipv6 packets on another interface are not seen (SO_BINDTODEVICE)" r0 "^src=" 0
	expect "ipv6 multicast on b1 seen by the b1 socket" r1 "^src=fe80::1:a dst=ff02::12 " 3
}

# A receiver that waited for a CPU while 255 VRIDs' adverts queued up: the one
# dispatch of that readable event hands over every queued advert, so that each
# VRID's Master_Down is reset before the loop runs its timers.
test_backlog_one_dispatch() {
	out=$TMP/backlog
	rm -f "$out"
	ip netns exec "$B" "$PROBE" backlog b0 4 255 1 >"$out" 2>"$out.err" &
	pid=$!
	PIDS="$PIDS $pid"
	i=0
	until grep -q '^ready' "$out" 2>/dev/null || [ "$i" -gt 100 ]; do
		i=$((i + 1))
		sleep 0.02
	done
	ip netns exec "$A" "$PROBE" burst a0 4 255 192.0.2.1 224.0.0.18 >"$TMP/burst.out" 2>&1
	wait "$pid"
	expect "one readable event hands over all 255 adverts queued while the daemon waited" \
		backlog "^handled=255$" 1
}

if ! setup_ns; then
	echo "FAIL: namespace setup"
	exit 1
fi
# VSOCK_TESTS="test_x test_y" runs a subset.
for t in ${VSOCK_TESTS:-test_multicast_v4 test_multicast_v6 test_unicast_v4 test_unicast_v6 \
	test_unknown_vrid test_source_with_vips test_no_loopback test_bind_to_device \
	test_backlog_one_dispatch}; do
	"$t"
done

if [ "$FAILED" -ne 0 ]; then
	echo "test_vrrp_socket: FAILED"
	exit 1
fi
echo "test_vrrp_socket: all passed"
exit 0
