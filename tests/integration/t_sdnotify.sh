#!/bin/bash
# The notify protocol spoken by the real daemon, with a datagram socket
# standing in for systemd: m1 (150) notifies a socket path, m2 (100) an
# abstract socket in its namespace. Each says READY=1 once started and a
# STATUS= line with its state (m1 Master, m2 Backup); both ping WATCHDOG=1
# every half WATCHDOG_USEC, and the pings stop while the daemon is frozen;
# SIGTERM brings STOPPING=1. Without NOTIFY_SOCKET nothing changes (every
# other test).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

WD_USEC=400000 # pings every 200 ms

# manager_start NODE ADDRESS: in NODE's namespace, receive datagrams on
# ADDRESS (a path, or @name) and append each, newlines as "|", to DIR/NODE.sd.
manager_start()
{
	local node=$1 addr=$2
	ip netns exec "$(ns "$node")" python3 -c '
import socket, sys
addr, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
open(out + ".up", "w").close()
with open(out, "a") as f:
    while True:
        f.write(s.recv(4096).decode().replace("\n", "|") + "\n")
        f.flush()
' "$addr" "$LAB_DIR/$node.sd" </dev/null >>"$LAB_DIR/$node.manager.log" 2>&1 &
	echo $! >"$LAB_DIR/$node.manager.pid"
	wait_for 3 test -e "$LAB_DIR/$node.sd.up" || fail "$node: the notify listener did not start"
}

# start_notified NODE ADDRESS PRIO: vipd with NOTIFY_SOCKET and WATCHDOG_USEC.
start_notified()
{
	local node=$1 addr=$2 prio=$3
	manager_start "$node" "$addr"
	export NOTIFY_SOCKET=$addr WATCHDOG_USEC=$WD_USEC
	vipd_node "$node" -p "$prio"
	unset NOTIFY_SOCKET WATCHDOG_USEC
}

got() { grep -qxF "$2" "$LAB_DIR/$1.sd" 2>/dev/null; }
pings() { grep -cx "WATCHDOG=1" "$LAB_DIR/$1.sd" 2>/dev/null; }

# expect_msg NODE MESSAGE [TIMEOUT_S]
expect_msg()
{
	wait_for "${3:-5}" got "$1" "$2" ||
	    fail "$1: no '$2' from vipd (got: $(tr '\n' ' ' <"$LAB_DIR/$1.sd" | cut -c1-400))"
	say "$1: vipd sent '$2'"
}

lab_setup 2
start_notified m1 "$LAB_DIR/m1.notify" 150
start_notified m2 "@vipd-test-$LAB_PREFIX-m2" 100
for n in m1 m2; do
	expect_msg "$n" "READY=1"
	expect_msg "$n" "STATUS=vi_$VRID/IPv4 Backup"
done
expect_holder 10 "$VIP4" m1 "$LAB_READY" "election"
expect_msg m1 "STATUS=vi_$VRID/IPv4 Master"
# READY=1 comes once the instances are started: after the first state change.
first_ready=$(grep -nx "READY=1" "$LAB_DIR/m1.sd" | head -n1 | cut -d: -f1)
first_status=$(grep -n "^STATUS=" "$LAB_DIR/m1.sd" | head -n1 | cut -d: -f1)
[ "$first_status" -lt "$first_ready" ] || fail "m1: READY=1 before the instances started"

# The watchdog: about 5 pings a second; none while the daemon is frozen.
for n in m1 m2; do
	p0=$(pings "$n")
	sleep 1
	p1=$(pings "$n")
	[ $((p1 - p0)) -ge 3 ] && [ $((p1 - p0)) -le 7 ] ||
	    fail "$n: $((p1 - p0)) WATCHDOG=1 in 1 s with WATCHDOG_USEC=$WD_USEC (expected about 5)"
	measured "$n: $((p1 - p0)) watchdog pings in 1 s (WATCHDOG_USEC=$WD_USEC)"
done
pid=$(cat "$LAB_DIR/m2.pid")
kill -STOP "$pid"
sleep 0.2
p0=$(pings m2)
sleep 0.8
p1=$(pings m2)
kill -CONT "$pid"
assert_eq "$p0" "$p1" "m2: watchdog pings while the daemon was frozen"
wait_for 2 eval '[ "$(pings m2)" -gt '"$p1"' ]' || fail "m2: no pings after it was thawed"
say "m2: no watchdog pings while frozen, pings again after"

for n in m1 m2; do
	stop_node "$n" || fail "$n did not stop on SIGTERM"
	assert_eq 0 "$(cat "$LAB_DIR/$n.rc")" "$n: exit status"
	expect_msg "$n" "STOPPING=1" 1
done
echo PASS
