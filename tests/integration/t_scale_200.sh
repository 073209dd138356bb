#!/bin/bash
# vt: solo
# Scale: 200 VRRPv3 instances (VRIDs 1..200, 1 s adverts, one /32 VIP each in
# 198.51.100.0/24) on three masters, priorities m3 150, m2 120, m1 100. All
# 200 VIPs must end up on m3 and none on m1 or m2. Then m3 is killed with
# kill -9 and its link cut: m2 must take over exactly 200 instances, each with
# exactly one Backup -> Master transition in m2's log, and m1 must make none.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

N=200
WAIT_STEP=0.1

# scale_conf NODE PRIO: N instances, one /32 VIP each.
scale_conf()
{
	local node=$1 prio=$2 i sep=","
	printf 'vipd: { router_id = "%s"; script_user = "root"; };\ninstances = (\n' "$node"
	for i in $(seq 1 "$N"); do
		[ "$i" = "$N" ] && sep=""
		printf '  { name = "vi%d"; interface = "eth0"; vrid = %d; priority = %d; version = 3;\n' \
		    "$i" "$i" "$prio"
		printf '    advert_interval = 1.0; vips = [ "198.51.100.%d/32" ]; }%s\n' "$i" "$sep"
	done
	echo ");"
}

# vips_on NODE: how many of the N VIPs NODE holds.
vips_on()
{
	ip -n "$(ns "$1")" -o -4 addr show dev eth0 2>/dev/null |
	    awk '$4 ~ /^198\.51\.100\.[0-9]+\/32$/ { c++ } END { print c + 0 }'
}

# elected NODE: NODE holds all N VIPs; the other live masters none.
elected()
{
	local n
	[ "$(vips_on "$1")" = "$N" ] || return 1
	for n in "${LAB_MASTERS[@]}"; do
		[ "$n" = "$1" ] || link_is_cut "$n" || [ "$(vips_on "$n")" = 0 ] || return 1
	done
}

holdings() { local n; for n in "${LAB_MASTERS[@]}"; do printf '%s %s VIPs; ' "$n" "$(vips_on "$n")"; done; }

# to_master NODE: "INSTANCE COUNT" for every instance that logged a
# transition to Master on NODE (any "X -> Master").
to_master()
{
	grep -oE 'vi[0-9]+/IPv4: [A-Za-z]+ -> Master' "$LAB_DIR/$1.log" 2>/dev/null |
	    awk '{ c[$0]++ } END { for (k in c) print k, c[k] }' | sort -V
}

# vip_adds NODE: "FIRST_MS LAST_MS COUNT" of the VIPs added in NODE's
# address log (addr_watch_start): the first and the last first-time additions.
vip_adds()
{
	local f l
	grep -v '^\[[^]]*\] Deleted' "$LAB_DIR/$1.mon" |
	    grep -oE '^\[[^]]*\].* 198\.51\.100\.[0-9]+/32' |
	    awk '!seen[$NF]++ { n++; if (n == 1) f = $1; l = $1 }
		END { gsub(/[][]/, "", f); gsub(/[][]/, "", l); print f, l, n + 0 }' | {
		read -r f l n
		[ "$n" -gt 0 ] || { echo "0 0 0"; return; }
		echo "$(date -d "${f/T/ }" +%s%3N) $(date -d "${l/T/ }" +%s%3N) $n"
	}
}

lab_setup 3
t0=$(now_ms)
# The highest first: it is the first whose Master_Down_Interval runs out.
start_vipd m3 "$(scale_conf m3 150)"
start_vipd m2 "$(scale_conf m2 120)"
start_vipd m1 "$(scale_conf m1 100)"
say "vipd started on m3 (150), m2 (120), m1 (100) with $N instances each"

wait_for 40 elected m3 || fail "election: m3 should hold all $N VIPs and m1, m2 none within 40 s ($(holdings))"
measured "election: m3 holds all $N VIPs, m1 and m2 none, $(( $(now_ms) - t0 )) ms after the first start"
stays_for 3 elected m3 || fail "election: m3 did not keep all $N VIPs for 3 s ($(holdings))"
say "m3 kept all $N VIPs for 3 s"
for n in m1 m2; do
	before=$(to_master "$n")
	[ -z "$before" ] || fail "$n went Master before the crash: $(echo "$before" | head -n5 | tr '\n' ';')"
done

addr_watch_start m2
sleep 0.3
kill_node m3
say "killed m3 (kill -9, link cut)"
wait_for 30 elected m2 || fail "takeover: m2 should hold all $N VIPs and m1 none within 30 s of the crash ($(holdings))"
seen_ms=$(( $(now_ms) - KILL_T ))
sleep 0.2
addr_watch_stop m2
read -r first last added < <(vip_adds m2)
[ "$added" = "$N" ] || say "warning: m2's address log shows $added of $N VIPs added"
measured "takeover: first VIP on m2 $(( first - KILL_T )) ms, the ${added}th $(( last - KILL_T )) ms after the crash (all seen at $seen_ms ms; Master_Down_Interval is 3.53 s after m3's last advert)"
stays_for 3 elected m2 || fail "after the takeover: m2 did not keep all $N VIPs for 3 s ($(holdings))"

m2_tr=$(to_master m2)
m1_tr=$(to_master m1)
[ -z "$m1_tr" ] || fail "m1 went Master: $(echo "$m1_tr" | wc -l) instances, e.g. $(echo "$m1_tr" | head -n3 | tr '\n' ';')"
bad=$(echo "$m2_tr" | awk 'NF && ($2 != "Backup" || $5 != 1)')
[ -z "$bad" ] || fail "m2: instances whose transitions to Master are not exactly one Backup -> Master: $(echo "$bad" | wc -l), e.g. $(echo "$bad" | head -n5 | tr '\n' ';')"
count=$(echo "$m2_tr" | awk 'NF && !seen[$1]++' | wc -l)
assert_eq "$N" "$count" "instances with one Backup -> Master on m2"
again=$(grep -cE 'vi[0-9]+/IPv4: Master -> ' "$LAB_DIR/m2.log")
assert_eq 0 "$again" "transitions out of Master on m2"
measured "m2 took over exactly $count instances, one Backup -> Master each; m1 none"
echo PASS
