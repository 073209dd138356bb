#!/bin/bash
# vt: solo
# 1,000 reloads of the Master m2 (m1 Backup), by `vipctl reload`, cycling
# through: file A (priority 120, VIP .100), A again (unchanged), file B
# (priority 125, VIPs .100 and .101), B again (unchanged); every 50th is a
# bad file (a syntax error, refused). Open descriptors and RssAnon of m2's
# vipd are sampled after 40 warm-up reloads and at the end: descriptors
# must be the same (slack 1), RssAnon may grow by 256 KiB at most (a leak of
# 256 bytes per reload would show). At the end the daemon answers, counts
# every reload, holds the VIPs of the last file, m1 holds none and neither
# logged a state change. The loop stops at 90 s whatever the count.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
COUNT=${SOAK_COUNT:-1000}
WARMUP=40
MAX_S=90
RSS_SLACK=256
V2=192.0.2.101

lab_setup 2
vipd_node m1 -p 100
vipd_node m2 -p 120
expect_holder 10 "$VIP4" m2 "$LAB_READY" "election"
pid=$(vipd_pid m2)
A=$(vipd_conf m2 -p 120)
B=$(vipd_conf m2 -p 125 -a "$VIP4/24" -a "$V2/24")
BAD=$(printf '%s\n' "$A" | sed '4i\    this is not a setting;')
F=$LAB_DIR/m2.conf
mk1=$(log_mark m1); mk2=$(log_mark m2)

# one_reload I: write the I-th file, reload; counts refused ones in BADS.
BADS=0 LAST=A
one_reload()
{
	local i=$1 text want=0 out rc
	if [ $(( i % 50 )) = 49 ]; then
		text=$BAD; want=1
	else
		case $(( i % 4 )) in 0 | 1) text=$A; LAST=A ;; *) text=$B; LAST=B ;; esac
	fi
	printf '%s\n' "$text" >"$F"   # no fork: vipd reads it only when asked
	out=$("$VIPCTL" -s "$LAB_DIR/m2.sock" reload 2>&1); rc=$?
	[ "$rc" = "$want" ] || fail "reload $i: vipctl exit $rc (expected $want): $out"
	[ "$want" = 1 ] && BADS=$(( BADS + 1 ))
	return 0
}

t0=$(now_ms)
for i in $(seq 0 $(( WARMUP - 1 ))); do one_reload "$i"; done
fd0=$(fd_count "$pid"); rss0=$(rss_anon "$pid")
say "after $WARMUP warm-up reloads: $fd0 descriptors, RssAnon $rss0 kB"
i=$WARMUP
while [ "$i" -lt "$COUNT" ]; do
	one_reload "$i"
	i=$(( i + 1 ))
	if [ $(( i % 250 )) = 0 ]; then
		say "$i reloads: $(fd_count "$pid") descriptors, RssAnon $(rss_anon "$pid") kB"
		[ "$(ms_since "$t0")" -lt $(( MAX_S * 1000 )) ] || break
	fi
done
elapsed=$(ms_since "$t0")
fd1=$(fd_count "$pid"); rss1=$(rss_anon "$pid")
measured "$i reloads ($BADS refused) in $elapsed ms: $(( elapsed / i )) ms per reload, a vipctl run included"
measured "descriptors first/last: $fd0/$fd1; RssAnon first/last: $rss0/$rss1 kB (after $WARMUP warm-up reloads)"
assert_eq "$COUNT" "$i" "reloads done within $MAX_S s"
[ "$fd1" -le $(( fd0 + 1 )) ] || fail "descriptors grew from $fd0 to $fd1 over $i reloads"
[ "$rss1" -le $(( rss0 + RSS_SLACK )) ] || fail "RssAnon grew from $rss0 to $rss1 kB over $i reloads (slack $RSS_SLACK kB)"

# The end state: the daemon answers and runs the last good file.
jexpect m2 "d['reload']['count'] == $i and d['reload']['failures'] == $BADS and r['state'] == 'Master'" \
    "m2's status after the soak: $i reloads, $BADS failures, Master"
if [ "$LAST" = B ]; then want_prio=125 want_v2=1; else want_prio=120 want_v2=0; fi
jexpect m2 "r['base_priority'] == $want_prio" "m2's priority is that of the last good file ($LAST)"
holder_is "$VIP4" m2 || fail "$VIP4 is not on m2 alone after the soak: $(vip_holder "$VIP4")"
if [ "$want_v2" = 1 ]; then holder_is "$V2" m2 || fail "$V2 not on m2 alone (last file B)"
else [ "$(vip_holder "$V2")" = none ] || fail "$V2 held by $(vip_holder "$V2") (last file A)"; fi
expect_client "$VIP4" m2 2
assert_eq 0 "$(transitions_since m2 "$mk2")" "state changes in m2's log during the soak"
assert_eq 0 "$(transitions_since m1 "$mk1")" "state changes in m1's log during the soak"
# Still alive and advertising: m1 keeps hearing it.
a=$(jstatus m1 'r["counters"]["adverts_received"]')
sleep 3.2
b=$(jstatus m1 'r["counters"]["adverts_received"]')
[ "$b" -ge $(( a + 2 )) ] || fail "m1 received $(( b - a )) adverts in 3.2 s after the soak"
measured "after the soak: m1 received $(( b - a )) adverts in 3.2 s; m2 holds the VIPs of file $LAST"
echo PASS
