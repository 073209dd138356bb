#!/bin/bash
# AH (VRRPv2, IPsec AH, HMAC-MD5-96, key "secret12"): vipd m1 (150) Master,
# vipd m2 (100) Backup. From the client:
#  - 40 adverts at priority 255 keyed with another password: both drop every
#    one as ah_icv, m1 stays the only holder, m2 stays Backup;
#  - one of m1's adverts captured on the wire, sent again unchanged 3 s later
#    (10 times): m2 has accepted newer sequence numbers since and drops them
#    as ah_replay (m1 itself never sees it: the kernel drops a packet that
#    arrives with one of its own addresses as source).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

VIPCTL=${VIPCTL:-$(dirname "$VIPD")/vipctl}
PY=/usr/bin/python3
INJECT="$LIB_DIR/ah_inject.py"
AH='auth = { type = "ah"; password = "secret12"; };'

# drops NODE REASON: the router's drop count for REASON (stats --json).
drops()
{
	"$VIPCTL" -s "$LAB_DIR/$1.sock" stats --json |
	    $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["instances"][0]["routers"][0]["counters"]["drops"].get(sys.argv[1], 0))' "$2"
}

# client CMD...: ah_inject.py in the client's namespace.
client() { ip netns exec "$(ns cl)" "$PY" "$INJECT" "$@"; }

no_backup_transition()
{
	! grep -q -- "Master -> " "$LAB_DIR/m1.log" && ! grep -q -- "-> Master" "$LAB_DIR/m2.log"
}

lab_setup 2
say "VRRPv2 with AH, key secret12, 1 s adverts"
vipd_node m1 -p 150 -V 2 -x "$AH"
vipd_node m2 -p 100 -V 2 -x "$AH"
expect_holder 10 "$VIP4" m1 "$LAB_READY" "election with AH"
expect_client "$VIP4" m1
accepted=$("$VIPCTL" -s "$LAB_DIR/m2.sock" stats --json |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["instances"][0]["routers"][0]["counters"]["adverts_received"])')
[ "$accepted" -ge 1 ] || fail "m2 accepted no AH advert from m1"
echo "PASS ah_group_elects"

# A wrong key at priority 255, from the client.
icv1=$(drops m1 ah_icv); icv2=$(drops m2 ah_icv)
client forge eth0 wrongkey "$VRID" 255 "$VIP4" 40 &
forge=$!
expect_sole_holder_for 3 "$VIP4" m1 "adverts with a wrong key at priority 255"
wait "$forge" || fail "the forging client failed"
sleep 0.5
d1=$(( $(drops m1 ah_icv) - icv1 )); d2=$(( $(drops m2 ah_icv) - icv2 ))
[ "$d1" -ge 40 ] || fail "m1 dropped $d1 of 40 wrong-key adverts as ah_icv"
[ "$d2" -ge 40 ] || fail "m2 dropped $d2 of 40 wrong-key adverts as ah_icv"
no_backup_transition || fail "a transition after the wrong-key adverts"
measured "wrong key, priority 255, 40 sent: ah_icv drops m1 $d1, m2 $d2; m1 stayed Master"
echo "PASS wrong_key_dropped_as_ah_icv"

# A replay of one of m1's own adverts, later.
seq=$(client capture eth0 "$(node_ip4 m1)" "$LAB_DIR/captured.hex" 5) ||
    fail "no AH advert of m1 captured"
say "captured m1's advert with sequence $seq; replaying it in 3 s"
sleep 3
rp2=$(drops m2 ah_replay); own1=$(drops m1 own)
client replay eth0 "$LAB_DIR/captured.hex" 10 || fail "the replaying client failed"
sleep 0.5
r2=$(( $(drops m2 ah_replay) - rp2 ))
[ "$r2" -ge 10 ] || fail "m2 dropped $r2 of 10 replayed adverts as ah_replay"
o1=$(( $(drops m1 own) - own1 ))
expect_sole_holder_for 1 "$VIP4" m1 "after the replay"
no_backup_transition || fail "a transition after the replayed adverts"
measured "replay of sequence $seq 3 s later, 10 sent: ah_replay drops m2 $r2 (m1: own $o1)"
echo "PASS replay_dropped_as_ah_replay"
[ "$(drops m2 ah_spi)" = 0 ] || fail "m2 counted ah_spi drops"
[ "$(drops m2 auth_type)" = 0 ] || fail "m2 counted auth_type drops"
grep -q "dropped an advertisement from 192.0.2.200: ah_icv" "$LAB_DIR/m2.log" ||
    fail "no log line for the ah_icv drops on m2"
lines=$(grep -c "dropped an advertisement" "$LAB_DIR/m2.log")
measured "m2 logged $lines drop lines for $(( d2 + r2 )) drops (rate limited)"
echo PASS
