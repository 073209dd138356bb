#!/bin/bash
# Interop, VRRPv2 inside IPsec AH (HMAC-MD5-96, key "secret12"), 1 s: vipd
# (m1 50, m2 120) and keepalived (m3) in one VRID, the phases of interop_run
# (lib.sh): keepalived highest elected; crash keepalived -> vipd; keepalived
# back lower, vipd keeps the VIP; crash vipd -> keepalived; vipd back higher
# preempts keepalived; graceful stops vipd -> keepalived -> vipd. Both sides
# keep one sequence counter per instance (keepalived's rule), so each
# restarted node takes up the group's number. No advert is dropped for its ICV
# on either side.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

VIPCTL=${VIPCTL:-$(dirname "$VIPD")/vipctl}
VAH='auth = { type = "ah"; password = "secret12"; };'
KAH='authentication {
    auth_type AH
    auth_pass secret12
  }'
O=(-V 2 -i 1 -a "$VIP4/24")

vipd_ah() { local n=$1; shift; vipd_node "$n" "${O[@]}" -x "$VAH" "$@"; }
ka_ah() { local n=$1; shift; ka_node "$n" "${O[@]}" -x "$KAH" "$@"; }

# drops NODE REASON: a vipd router's drop count for REASON (stats --json).
drops()
{
	"$VIPCTL" -s "$LAB_DIR/$1.sock" stats --json 2>/dev/null |
	    /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["instances"][0]["routers"][0]["counters"]["drops"].get(sys.argv[1], 0))' "$2"
}

lab_setup 3
say "v2 with AH, advert interval 1 s, VIP $VIP4/24"
vipd_ah m1 -p 50
vipd_ah m2 -p 120
ka_ah m3 -p 150
expect_holder 9 "$VIP4" m3 "$LAB_READY" "election, keepalived highest"
expect_client "$VIP4" m3
expect_sole_holder_for 1 "$VIP4" m3 "election, keepalived highest"
[ "$(drops m2 ah_icv)" = 0 ] || fail "m2 dropped keepalived's AH adverts (ah_icv)"
echo "PASS elects_keepalived_highest"

crash_and_measure m3 m2 "$VIP4" 7 "failover keepalived->vipd (crash)" 2000
echo "PASS failover_keepalived_to_vipd"

revive_node m3
ka_ah m3 -p 110
say "keepalived restarted on m3 with priority 110"
expect_sole_holder_for 5 "$VIP4" m2 "election, vipd highest"
measured "election, vipd highest: m2 kept $VIP4 for 5 s with keepalived (110) in the group"
echo "PASS keepalived_accepts_vipd_ah"

crash_and_measure m2 m3 "$VIP4" 7 "failover vipd->keepalived (crash)" 2000
echo "PASS failover_vipd_to_keepalived"

revive_node m2
t0=$(now_ms)
vipd_ah m2 -p 120
expect_holder 9 "$VIP4" m2 "$t0" "vipd (120) preempts keepalived (110)"
expect_client "$VIP4" m2

stop_and_measure m2 m3 "$VIP4" 2.5 "failover vipd->keepalived (graceful)"
stop_and_measure m3 m1 "$VIP4" 4 "failover keepalived->vipd (graceful)"
echo "PASS graceful_both_ways"

icv=$(drops m1 ah_icv); rp=$(drops m1 ah_replay); spi=$(drops m1 ah_spi)
ka_bad=$(grep -c "invalid IPSEC HMAC-MD5\|invalid IPSEC SPI" "$LAB_DIR/m3.log")
ka_rp=$(grep -c "already processed" "$LAB_DIR/m3.log")
measured "m1 (vipd, there all along): ah_icv $icv, ah_spi $spi, ah_replay $rp; keepalived m3: bad ICV/SPI $ka_bad, sequence already processed $ka_rp"
assert_eq 0 "$icv" "vipd m1 ah_icv drops"
assert_eq 0 "$spi" "vipd m1 ah_spi drops"
assert_eq 0 "$ka_bad" "keepalived's bad ICV/SPI log lines"
echo PASS
