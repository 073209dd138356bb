#!/bin/bash
# Unicast mode accepts adverts only from the configured peers, and only with
# a TTL of at least unicast_ttl_min:
#  - m1 (150) and m2 (120) are each other's peers; m3, a stranger at priority
#    255 that sends unicast adverts to both, is dropped ("not_peer") and never
#    takes the VIP from m1;
#  - m1's adverts leave with TTL 250 (nftables, as if routed): m2 with
#    unicast_ttl_min 250 accepts them and stays Backup; reloaded with 255 it
#    drops them ("ttl") and takes over; reloaded back to 250 it yields again.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

# unicast_conf NODE PRIO TTLMIN PEER...
unicast_conf()
{
	local node=$1 prio=$2 ttl=$3 peers=()
	shift 3
	for p in "$@"; do peers+=("$(node_ip4 "$p")"); done
	cat <<EOF
vipd: { router_id = "$node"; script_user = "root"; };
instances = (
  { name = "vi_$VRID"; interface = "eth0"; vrid = $VRID; priority = $prio;
    version = 3; advert_interval = 0.5; vips = [ "$VIP4/24" ];
    unicast_source = "$(node_ip4 "$node")"; unicast_peers = $(_cfg_list "${peers[@]}");
    unicast_ttl_min = $ttl; }
);
EOF
}

# drops NODE REASON: the router's drop count for REASON from status --json.
drops()
{
	"$VIPCTL" -s "$LAB_DIR/$1.sock" stats --json |
	    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["instances"][0]["routers"][0]["counters"]["drops"][sys.argv[1]])' "$2"
}

VIPCTL=${VIPCTL:-$(dirname "$VIPD")/vipctl}
lab_setup 3
for n in m1 m2 m3; do block_multicast "$n"; done
ip netns exec "$(ns m1)" nft -f - <<'EOF'
table inet vtttl {
  chain out { type filter hook output priority 0; ip protocol 112 ip ttl set 250; }
}
EOF
start_vipd m1 "$(unicast_conf m1 150 255 m2)"
start_vipd m2 "$(unicast_conf m2 120 250 m1)"
expect_holder 10 "$VIP4" m1 "$LAB_READY" "election over unicast"
start_vipd m3 "$(unicast_conf m3 255 255 m1 m2)"
sleep 3
# The stranger itself takes the VIP (its own config says so); what matters is
# that our group ignores it: m1 stays Master, m2 Backup.
vip_on m1 "$VIP4" || fail "the VIP left m1 while a stranger advertised priority 255"
grep -q -- "-> Backup (higher" "$LAB_DIR/m1.log" && fail "m1 yielded to the stranger"
vip_on m2 "$VIP4" && fail "m2 holds the VIP too"
np1=$(drops m1 not_peer)
np2=$(drops m2 not_peer)
[ "$np1" -ge 3 ] || fail "m1 dropped $np1 adverts as not_peer (the stranger's)"
[ "$np2" -ge 3 ] || fail "m2 dropped $np2 adverts as not_peer (the stranger's)"
[ "$(drops m2 ttl)" = 0 ] || fail "m2 dropped m1's TTL-250 adverts with unicast_ttl_min 250"
echo "PASS stranger_dropped_as_not_peer"
kill_node m3
unicast_conf m2 120 255 m1 >"$LAB_DIR/m2.conf"
"$VIPCTL" -s "$LAB_DIR/m2.sock" reload >/dev/null || fail "reload of m2 (unicast_ttl_min 255)"
wait_for 5 vip_on m2 "$VIP4" || fail "m2 did not take over while dropping m1's TTL-250 adverts"
ttl2=$(drops m2 ttl)
[ "$ttl2" -ge 1 ] || fail "m2 dropped $ttl2 adverts for their TTL"
echo "PASS low_ttl_dropped_below_unicast_ttl_min"
unicast_conf m2 120 250 m1 >"$LAB_DIR/m2.conf"
"$VIPCTL" -s "$LAB_DIR/m2.sock" reload >/dev/null || fail "reload of m2 (unicast_ttl_min 250)"
wait_for 5 vip_absent "$VIP4" m2 || fail "m2 kept the VIP after accepting m1's adverts again"
echo "PASS ttl_250_accepted_again_after_reload"
measured "not_peer drops m1 $np1, m2 $np2; ttl drops on m2 $ttl2"
echo PASS
