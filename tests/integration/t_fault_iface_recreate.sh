#!/bin/bash
# Fault injection, interface deleted and re-created: a node's eth0 (the
# instance's interface) is deleted (ip link del: the veth pair goes, its
# bridge port too) and created again under the same name with the same
# addresses: a new ifindex, as when a driver reloads or a bond/VLAN is
# rebuilt. m3 (150), m2 (120), m1 (100), IPv4 and IPv6 VIPs, 0.5 s adverts;
# m1 also tracks trk0 (one end of a veth pair of its own).
#   backup:  m1's eth0: Fault ("interface down") while it is gone, then a
#            working Backup again on the new ifindex without a restart (same
#            pid): both routers Backup, hearing m3's adverts (adverts_received
#            grows); then m2 and m3 stop and m1 takes both VIPs over on the
#            new interface and answers the client;
#   tracked: m1's trk0 deleted: Fault ("tracked interface down"); created
#            again: Backup again, same pid;
#   instant: m1's eth0 deleted and created again in one go: Backup again;
#   master:  m3's eth0 (m3 Master): Fault, m2 takes over; when eth0 is back
#            m3 preempts (150) on it: the only holder of both VIPs, on the new
#            eth0, answering the client; same pid.
# Every round: no error line in the daemon's log (the dead interface's socket
# is let go of quietly: no send to it, no VIP removal from it).
# Prints: time from the re-creation to Backup / Master, log lines.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
RECOVER_S=${RECOVER_S:-10}
o=(-i 0.5 -a "$VIP4/24" -a "$VIP6/64")
FAILS=0
check()
{
	if [ "$2" = ok ]; then echo "PASS: $1"; else echo "FAIL: $1: $2"; FAILS=$(( FAILS + 1 )); fi
}
ifindex() { ip -n "$(ns "$1")" -o link show dev "${2:-eth0}" 2>/dev/null | cut -d: -f1; }
# states NODE: "IPv4=STATE IPv6=STATE" from vipctl status --json.
states()
{
	vctl "$1" status --json 2>/dev/null | $PY -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s=%s" % (r["family"], r["state"]) for i in d["instances"] for r in i["routers"]))'
}
both_in() { [ "$(states "$1")" = "IPv4=$2 IPv6=$2" ]; }
both_on() { holder_is "$VIP4" "$1" && holder_is "$VIP6" "$1"; }
received() { vctl "$1" stats --json | $PY -c 'import json, sys; d = json.load(sys.stdin); print(sum(r["counters"]["adverts_received"] for i in d["instances"] for r in i["routers"]))'; }

# recreate NODE: delete eth0 and make it again (same names and addresses),
# asserting Fault while it is gone; sets T_BACK (ms) when it is back.
recreate()
{
	local node=$1 before
	before=$(ifindex "$node")
	ip -n "$(ns "$node")" link del eth0 || fail "cannot delete eth0 of $node"
	say "$node: eth0 (ifindex $before) deleted"
	if wait_for 5 both_in "$node" Fault; then r=ok; else r="$node is '$(states "$node")'"; fi
	check "$2: $node in Fault while its eth0 is gone" "$r"
	sleep "${GONE_S:-1}"
	_lab_join "$node"
	T_BACK=$(now_ms)
	wait_for 5 _lab_dad_done "$node" || say "warning: DAD not done on $node"
	say "$node: eth0 created again: ifindex $(ifindex "$node") (was $before)"
}

# quiet NODE MARK ROUND: no error line in the log since MARK; print counts.
quiet()
{
	local errors lines
	lines=$(log_since "$1" "$2" | wc -l)
	errors=$(log_since "$1" "$2" | grep -c ' error: ')
	measured "$3: $1 logged $lines lines since the deletion, $errors errors"
	if [ "$errors" = 0 ]; then r=ok; else r="$errors error lines"; fi
	check "$3: $1 logged no error" "$r"
}

# report NODE MARK: what the node logged and its state, for a failure.
report()
{
	say "$1: state now: $(states "$1"); log since the deletion:"
	log_since "$1" "$2" | head -n 30 | sed 's/^/    /'
}

same_pid()
{
	if [ "$(vipd_pid "$1")" = "$2" ] && node_alive "$1"; then r=ok; else r="pid $2 is gone"; fi
	check "$3: $1 still the same daemon (pid $2)" "$r"
}

lab_setup 3
# mk_trk: m1's trk0, a veth pair inside m1 (this kernel has no dummy module).
mk_trk()
{
	ip -n "$(ns m1)" link add trk0 type veth peer name trk0p &&
	    ip -n "$(ns m1)" link set trk0p up && ip -n "$(ns m1)" link set trk0 up
}
mk_trk || fail "cannot make trk0 on m1"
vipd_node m1 -p 100 "${o[@]}" -x 'track_interfaces = [ "trk0" ];'
vipd_node m2 -p 120 "${o[@]}"
vipd_node m3 -p 150 "${o[@]}"
expect_holder 10 "$VIP4" m3 "$LAB_READY" "election (IPv4)"
expect_holder 5 "$VIP6" m3 "$LAB_READY" "election (IPv6)"
wait_for 5 both_in m1 Backup || fail "m1 is not Backup before the rounds: $(states m1)"
pid1=$(vipd_pid m1)
pid3=$(vipd_pid m3)

# ---- round 1: a Backup's interface
say "---- backup: m1's eth0 deleted and created again"
mk1=$(log_mark m1)
recreate m1 backup
if wait_for "$RECOVER_S" both_in m1 Backup; then
	measured "backup: m1 Backup again $(( $(now_ms) - T_BACK )) ms after eth0 came back"
	r0=$(received m1)
	sleep 1.5
	r1=$(received m1)
	measured "backup: adverts accepted on the new eth0 in 1.5 s: $(( r1 - r0 ))"
	[ $(( r1 - r0 )) -gt 0 ] && r=ok || r="m1 says Backup but accepted no advert in 1.5 s on the new interface"
else
	r="m1 still '$(states m1)' ${RECOVER_S} s after eth0 came back (ifindex $(ifindex m1))"
	report m1 "$mk1"
fi
check "backup: m1 recovers as a Backup on the re-created eth0 without a restart" "$r"
same_pid m1 "$pid1" backup
quiet m1 "$mk1" backup

# ---- round 2: a tracked interface
say "---- tracked: m1's trk0 deleted and created again"
mk1=$(log_mark m1)
ip -n "$(ns m1)" link del trk0
if wait_for 5 both_in m1 Fault && log_since m1 "$mk1" | grep -q 'tracked interface down'; then
	r=ok
else
	r="m1 is '$(states m1)' with trk0 gone"
fi
check "tracked: m1 in Fault (tracked interface down) while trk0 is gone" "$r"
mk_trk || fail "cannot make trk0 on m1 again"
t0=$(now_ms)
if wait_for "$RECOVER_S" both_in m1 Backup; then
	r=ok
	measured "tracked: m1 Backup again $(( $(now_ms) - t0 )) ms after trk0 came back (ifindex $(ifindex m1 trk0))"
else
	r="m1 still '$(states m1)' ${RECOVER_S} s after trk0 came back"
	report m1 "$mk1"
fi
check "tracked: m1 follows the re-created trk0 without a restart" "$r"
same_pid m1 "$pid1" tracked
quiet m1 "$mk1" tracked

# ---- round 3: deleted and created again at once (the two events may come
# in one read; the new eth0 may exist before the instance watches its name)
say "---- instant: m1's eth0 deleted and created again in one go"
mk1=$(log_mark m1)
ip -n "$(ns m1)" link del eth0 && _lab_join m1
t0=$(now_ms)
back_logged() { log_since m1 "$mk1" | grep -q 'eth0 is back as ifindex'; }
if wait_for "$RECOVER_S" back_logged && wait_for "$RECOVER_S" both_in m1 Backup; then
	r0=$(received m1); sleep 1.5; r1=$(received m1)
	measured "instant: m1 Backup again $(( $(now_ms) - t0 - 1500 )) ms after eth0 came back; adverts in 1.5 s: $(( r1 - r0 ))"
	[ $(( r1 - r0 )) -gt 0 ] && r=ok || r="m1 says Backup but accepted no advert in 1.5 s"
else
	r="m1 still '$(states m1)' ${RECOVER_S} s after eth0 came back"
	report m1 "$mk1"
fi
check "instant: m1 recovers when eth0 is deleted and created again at once" "$r"
same_pid m1 "$pid1" instant
quiet m1 "$mk1" instant

if [ "$(states m1)" = "IPv4=Backup IPv6=Backup" ]; then
	stop_node m3; stop_node m2
	t0=$(now_ms)
	if wait_for 8 both_on m1 && client_gets "$VIP4" m1; then
		r=ok
		measured "backup: m1 took both VIPs on the new eth0 $(( $(now_ms) - t0 )) ms after m2 and m3 stopped; the client reaches it"
	else
		r="with m2 and m3 stopped: IPv4 VIP on $(vip_holder "$VIP4"), IPv6 VIP on $(vip_holder "$VIP6"); m1 $(states m1)"
		report m1 "$mk1"
	fi
	check "backup: m1 takes over on the re-created eth0" "$r"
	vipd_node m2 -p 120 "${o[@]}"
	vipd_node m3 -p 150 "${o[@]}"
	wait_for 10 both_on m3 || fail "m3 did not become Master again before round 4"
	pid3=$(vipd_pid m3)
else
	check "backup: m1 takes over on the re-created eth0" "skipped: m1 did not recover"
fi

# ---- round 4: the Master's interface
say "---- master: m3's eth0 deleted and created again"
mk3=$(log_mark m3)
recreate m3 master
if wait_for "$RECOVER_S" both_on m3; then
	r=ok
	measured "master: m3 Master again, the only holder of both VIPs on the new eth0 (ifindex $(ifindex m3)), $(( $(now_ms) - T_BACK )) ms after eth0 came back"
	expect_client "$VIP4" m3
	both_in m3 Master || r="m3 holds the VIPs but says '$(states m3)'"
else
	r="${RECOVER_S} s after eth0 came back: IPv4 VIP on $(vip_holder "$VIP4"), IPv6 VIP on $(vip_holder "$VIP6"); m3 $(states m3) (ifindex $(ifindex m3))"
	report m3 "$mk3"
fi
check "master: m3 recovers and preempts on the re-created eth0 without a restart" "$r"
same_pid m3 "$pid3" master
quiet m3 "$mk3" master
[ "$(vip_holder "$VIP4")" != none ] || fail "nobody holds $VIP4 after m3's interface came back"

[ "$FAILS" = 0 ] || { echo "FAIL: $FAILS assertion(s) failed"; exit 1; }
echo PASS
