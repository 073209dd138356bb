#!/bin/bash
# Interop, VRRPv2 inside AH (key "secret12") over unicast: vipd m1 and
# keepalived m2, each the other's unicast peer. With peers the TTL is left
# out of the ICV on both sides (keepalived's rule). keepalived (150) is
# elected over vipd (100); stopped, vipd takes over; back at 50, it stays
# Backup under vipd's adverts. No ICV or SPI drop on either side.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

VIPCTL=${VIPCTL:-$(dirname "$VIPD")/vipctl}
VAH='auth = { type = "ah"; password = "secret12"; };'
KAH='authentication {
    auth_type AH
    auth_pass secret12
  }'
O=(-V 2 -i 1 -a "$VIP4/24" -u)

# drops NODE REASON: a vipd router's drop count for REASON (stats --json).
drops()
{
	"$VIPCTL" -s "$LAB_DIR/$1.sock" stats --json |
	    /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["instances"][0]["routers"][0]["counters"]["drops"].get(sys.argv[1], 0))' "$2"
}

lab_setup 2
for n in m1 m2; do block_multicast "$n"; done
vipd_node m1 "${O[@]}" -p 100 -x "$VAH"
ka_node m2 "${O[@]}" -p 150 -x "$KAH"
expect_holder 9 "$VIP4" m2 "$LAB_READY" "unicast AH, keepalived highest"
expect_sole_holder_for 2 "$VIP4" m2 "unicast AH, keepalived highest"
echo "PASS unicast_ah_elects_keepalived"
stop_and_measure m2 m1 "$VIP4" 4 "failover keepalived->vipd (graceful, unicast AH)"
ka_node m2 "${O[@]}" -p 50 -x "$KAH"
say "keepalived restarted on m2 with priority 50"
expect_sole_holder_for 4 "$VIP4" m1 "unicast AH, vipd highest"
echo "PASS unicast_ah_vipd_highest"
icv=$(drops m1 ah_icv); spi=$(drops m1 ah_spi)
ka_bad=$(grep -c "invalid IPSEC HMAC-MD5\|invalid IPSEC SPI" "$LAB_DIR/m2.log")
measured "unicast AH: vipd ah_icv $icv, ah_spi $spi; keepalived bad ICV/SPI lines $ka_bad"
assert_eq 0 "$icv" "vipd ah_icv drops"
assert_eq 0 "$spi" "vipd ah_spi drops"
assert_eq 0 "$ka_bad" "keepalived's bad ICV/SPI log lines"
echo PASS
