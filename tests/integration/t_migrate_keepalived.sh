#!/bin/bash
# The rolling migration of the README's runbook, as an operator runs it: three
# masters run keepalived 2.2.7 with the kubeadm HA guide's keepalived.conf
# (VRRPv2, PASS "42", VRID 51, priorities 101/100/100, check_apiserver every
# 3 s with weight -2, fall 10, rise 2; a stand-in check script that passes).
# Each node in turn, backups first and the Master last: stop keepalived,
# `vipd --import-keepalived` its keepalived.conf, `vipd -t` the result, start
# vipd. The VIP's every add and delete on every node is logged by the kernel's
# address events (ip monitor), and from those:
#   - the VIP moves at most twice (the Master's graceful handover, then the
#     new vipd Master at 101 preempting);
#   - never two holders at once, except for the propagation of the preempting
#     advert (the new Master sends it, then adds the VIP; the old one deletes
#     the VIP when it hears it): that overlap is printed and must stay under
#     one advert interval;
#   - the backups' replacement never moves the VIP.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

GUIDE=$TOP_DIR/tests/unit/import/kubeadm-guide.conf
[ -r "$GUIDE" ] || fail "no $GUIDE"

# guide_ka NODE STATE PRIORITY: the guide's keepalived.conf for NODE, its
# check script replaced by a stand-in that passes.
guide_ka()
{
	sed -e "s/router_id LVS_DEVEL/router_id $1/" \
	    -e "s/state MASTER/state $2/" \
	    -e "s/priority 101/priority $3/" \
	    -e "s|/etc/keepalived/check_apiserver.sh|$LAB_DIR/check_apiserver.sh|" "$GUIDE"
}

# migrate NODE: stop its keepalived, import its config, check it, start vipd.
migrate()
{
	local node=$1 rc
	stop_node "$node" || fail "$node: keepalived did not stop"
	"$VIPD" --import-keepalived "$LAB_DIR/$node.conf" >"$LAB_DIR/$node.vipd.conf" \
	    2>"$LAB_DIR/$node.import.err"
	rc=$?
	[ $rc = 0 ] || fail "$node: import exit $rc: $(cat "$LAB_DIR/$node.import.err")"
	ip netns exec "$(ns "$node")" "$VIPD" -t -f "$LAB_DIR/$node.vipd.conf" \
	    >"$LAB_DIR/$node.t.out" 2>&1 || fail "$node: vipd -t refuses the import: $(cat "$LAB_DIR/$node.t.out")"
	start_vipd "$node" "$(cat "$LAB_DIR/$node.vipd.conf")"
	say "$node: keepalived replaced by vipd (imported config, vipd -t ok)"
}

# vip_events: every add (+) and delete (-) of the VIP on every master, from
# the address logs, as "epoch_us node +|-", in time order.
vip_events()
{
	local n
	for n in "${LAB_MASTERS[@]}"; do
		grep -F " $VIP4/" "$LAB_DIR/$n.mon" | while read -r ts rest; do
			ts=${ts#[}; ts=${ts%]}
			case $rest in Deleted*) op=- ;; *) op=+ ;; esac
			echo "$(date -d "${ts/T/ }" +%s%6N) $n $op"
		done
	done | sort -n
}

# vip_history: from vip_events, print "moves=M overlaps=K overlap_us=U" where
# a move is an add on a node other than the last one to add it, and an
# overlap is a time with two holders (U: their total length).
vip_history()
{
	vip_events | awk '
		{ t = $1; n = $2; op = $3 }
		op == "+" && !(n in held) {
			if (count > 0) { overlaps++; since = t }
			held[n] = 1; count++
			if (last != "" && last != n) moves++
			last = n
		}
		op == "-" && (n in held) {
			delete held[n]; count--
			if (count == 1 && since) { total += t - since; since = 0 }
		}
		END { printf "moves=%d overlaps=%d overlap_us=%d\n", moves, overlaps, total }'
}

# state_is NODE STATE: NODE's vipd reports STATE for the instance.
state_is() { [ "$(jstatus "$1" 'r["state"]')" = "$2" ]; }

lab_setup 3
printf '#!/bin/sh\n# stand-in for check_apiserver.sh: the apiserver is fine\nexit 0\n' \
    >"$LAB_DIR/check_apiserver.sh"
chmod 755 "$LAB_DIR/check_apiserver.sh"
for n in m1 m2 m3; do addr_watch_start "$n"; done

start_keepalived m1 "$(guide_ka m1 MASTER 101)"
start_keepalived m2 "$(guide_ka m2 BACKUP 100)"
start_keepalived m3 "$(guide_ka m3 BACKUP 100)"
expect_holder 15 "$VIP4" m1 "$LAB_READY" "keepalived group elected"
expect_client "$VIP4" m1

# Backups first: the VIP must not move.
migrate m3
wait_for 10 state_is m3 Backup ||
    fail "m3's vipd is not Backup beside keepalived (state: $(jstatus m3 'r["state"]'))"
expect_sole_holder_for 3 "$VIP4" m1 "m3 replaced"
migrate m2
wait_for 10 state_is m2 Backup ||
    fail "m2's vipd is not Backup (state: $(jstatus m2 'r["state"]'))"
expect_sole_holder_for 3 "$VIP4" m1 "m2 replaced"
h=$(vip_history)
say "after the backups: $h"
case $h in moves=0\ overlaps=0\ *) ;; *) fail "replacing the backups moved the VIP: $h" ;; esac

# The Master last: one graceful handover to a vipd backup (m2 and m3 at equal
# priority: the first whose Skew_Time ends takes it), then vipd on m1 at 101
# takes it back.
t0=$(now_ms)
stop_node m1 || fail "m1: keepalived did not stop"
wait_for 10 holder_not "$VIP4" m1 ||
    fail "keepalived Master stopped: no single vipd backup took the VIP (holders: $(vip_holder "$VIP4"))"
new=$(vip_holder "$VIP4")
measured "keepalived Master stopped: $new holds $VIP4 after $(( $(now_ms) - t0 )) ms"
expect_client "$VIP4" "$new"
"$VIPD" --import-keepalived "$LAB_DIR/m1.conf" >"$LAB_DIR/m1.vipd.conf" 2>"$LAB_DIR/m1.import.err" ||
    fail "m1: import failed: $(cat "$LAB_DIR/m1.import.err")"
ip netns exec "$(ns m1)" "$VIPD" -t -f "$LAB_DIR/m1.vipd.conf" >/dev/null 2>&1 ||
    fail "m1: vipd -t refuses the import"
t0=$(now_ms)
start_vipd m1 "$(cat "$LAB_DIR/m1.vipd.conf")"
expect_holder 15 "$VIP4" m1 "$t0" "vipd on m1 (101) preempts"
expect_client "$VIP4" m1
expect_sole_holder_for 3 "$VIP4" m1 "all three run vipd"
for n in m1 m2 m3; do
	[ "$(cat "$LAB_DIR/$n.kind")" = vipd ] || fail "$n does not run vipd"
done
state_is m2 Backup && state_is m3 Backup ||
    fail "m2 and m3 should be Backup"

sleep 0.5
for n in m1 m2 m3; do addr_watch_stop "$n"; done
h=$(vip_history)
moves=${h#moves=}; moves=${moves%% *}
ov_us=${h##*overlap_us=}
measured "VIP history over the whole migration: $h"
measured "two holders at once: $(( ov_us / 1000 )).$(( ov_us % 1000 / 100 )) ms in all (the preempting advert's propagation)"
assert_le "$moves" 2 "VIP moves during the migration"
assert_le "$ov_us" 1000000 "time with two holders (us), under one 1 s advert interval"
echo PASS
