#!/bin/bash
# vt: solo
# Fault injection, loss: m3 (150) Master, m2 (120) and m1 (100) Backups,
# IPv4 and IPv6 VIPs, 0.1 s adverts (Master_Down_Interval 0.35 s). A bridge-
# family nftables forward chain in the switch drops 1% of every frame at
# random (numgen random mod 100 < 1: this kernel has no netem) for LOSS_S
# (60) seconds. Passes if no node logs a state change during the loss, m3
# keeps both VIPs alone and the daemons run. Measured: frames the switch
# dropped, adverts m3 sent and each Backup got (captures on the bridge ports
# of m3, m1, m2: the loss each saw), the
# largest gap between m3's adverts as delivered to m1 and m2 (capture on
# their bridge ports), transitions.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
LOSS_S=${LOSS_S:-60}
LOSS_PCT=${LOSS_PCT:-1}
FU="$PY $LIB_DIR/fault_util.py"

lab_setup 3
o=(-i 0.1 -a "$VIP4/24" -a "$VIP6/64")
vipd_node m1 -p 100 "${o[@]}"
vipd_node m2 -p 120 "${o[@]}"
vipd_node m3 -p 150 "${o[@]}"
expect_holder 10 "$VIP4" m3 "$LAB_READY" "election (IPv4)"
expect_holder 5 "$VIP6" m3 "$LAB_READY" "election (IPv6)"
sleep 1
for n in m1 m2 m3; do
	eval "mk_$n=$(log_mark $n)"
	vctl "$n" stats --json >"$LAB_DIR/$n.s0.json" || fail "vipctl stats on $n"
done
cap_start lm1 m1 'ip proto 112 or ip6 proto 112'
cap_start lm2 m2 'ip proto 112 or ip6 proto 112'
cap_start lm3 m3 'ip proto 112 or ip6 proto 112'

ip netns exec "$(ns sw)" nft -f - <<EOF || fail "nft: cannot add the loss rule"
table bridge vtloss {
  chain vtfwd { type filter hook forward priority 0; policy accept;
    counter; numgen random mod 100 < $LOSS_PCT counter drop; }
}
EOF
t0=$(now_ms)
say "loss: $LOSS_PCT% of the frames forwarded by the switch dropped for $LOSS_S s"
end=$(( t0 + LOSS_S * 1000 ))
while [ "$(now_ms)" -lt "$end" ]; do
	for n in m1 m2 m3; do node_alive "$n" || fail "the daemon of $n died during the loss"; done
	sleep 1
done
rules=$(ip netns exec "$(ns sw)" nft list table bridge vtloss)
ip netns exec "$(ns sw)" nft delete table bridge vtloss
t1=$(now_ms)
sleep 0.3
cap_stop lm1
cap_stop lm2
cap_stop lm3
for n in m1 m2 m3; do vctl "$n" stats --json >"$LAB_DIR/$n.s1.json" || fail "vipctl stats on $n after the loss"; done

# The counters of the rule: the first counts every frame, the second drops.
read -r seen dropped < <(printf '%s\n' "$rules" | grep -o 'packets [0-9]*' | awk '{ printf "%s ", $2 }')
measured "switch: $dropped of $seen forwarded frames dropped ($(awk -v d="${dropped:-0}" -v s="${seen:-1}" 'BEGIN { printf "%.2f", 100 * d / (s ? s : 1) }')%) in $(( (t1 - t0) / 1000 )) s"

total=0
for n in m1 m2 m3; do
	c=$(transitions_since "$n" "$(eval echo "\$mk_$n")")
	total=$(( total + c ))
	[ "$c" = 0 ] || say "$n logged $c state changes: $(log_since "$n" "$(eval echo "\$mk_$n")" | grep -E "$TRANSITION" | head -n 5 | tr '\n' ';')"
done
measured "transitions during the loss: $total (all nodes, both families)"
for n in m1 m2 m3; do
	measured "$n counters during the loss: $($FU drops "$LAB_DIR/$n.s0.json" "$LAB_DIR/$n.s1.json" | tr '\n' ';')"
done

# Adverts of m3 as it sent them (its own port) and as delivered (m1's, m2's).
ll3=$(ip -n "$(ns m3)" -6 -o addr show dev eth0 scope link | awk '{ sub("/.*", "", $4); print $4 }')
count_between() { cap_read adverts "$LAB_DIR/$1.pcap" | awk -v s="$2" -v a="$t0" -v b="$t1" '$2 == s && $1 >= a && $1 <= b { c++ } END { print c + 0 }'; }
for fam in IPv4 IPv6; do
	[ $fam = IPv4 ] && src=192.0.2.13 || src=$ll3
	sent=$(count_between lm3 "$src")
	line="$fam: m3 sent $sent adverts"
	for n in m1 m2; do
		got=$(count_between "l$n" "$src")
		line="$line, $n got $got ($(awk -v g="$got" -v s="$sent" 'BEGIN { printf "%.2f", s ? 100 * (s - g) / s : 0 }')% lost)"
	done
	measured "$line"
done
for n in m1 m2; do
	read -r gap _ cnt _ < <(cap_gap "l$n" 192.0.2.13 "$t0" "$t1" 51)
	measured "largest gap between m3's IPv4 adverts delivered to $n: $(fmt_ms "$gap") ms over $cnt adverts (Master_Down_Interval of $n: $([ $n = m1 ] && echo 361 || echo 353) ms)"
done

assert_eq 0 "$total" "state changes during $LOSS_PCT% loss"
holder_is "$VIP4" m3 || fail "after the loss the IPv4 VIP is on: $(vip_holder "$VIP4")"
holder_is "$VIP6" m3 || fail "after the loss the IPv6 VIP is on: $(vip_holder "$VIP6")"
for n in m1 m2 m3; do node_alive "$n" || fail "the daemon of $n is gone"; done
echo "PASS: $LOSS_PCT% random loss for $LOSS_S s at 0.1 s adverts: no transition, m3 kept both VIPs"
echo PASS
