#!/bin/bash
# vt: solo
# Fault injection, hostile check scripts: one vipd (m1, Master) runs four
# exec checks back to back (interval and timeout 0.01-0.02 s; hang_term
# 1 s and 0.5 s):
#   mb        prints 4 MB on stdout and 4 MB on stderr (vipd gives them
#             /dev/null), exits 0 or is killed at its timeout;
#   fork      forks a daemonizing child (setsid, its own session and process
#             group: the group kill at the end of the run misses it; vipd is
#             the subreaper and reaps it when it exits 0.3 s later) and exits 0;
#   hang      sleeps 30 s: killed at its timeout (SIGTERM to its group);
#   hang_term ignores SIGTERM and sleeps 30 s: SIGKILL after the 0.5 s grace
#             (its latency shows it: about 1 s).
# Until RUNS (10,000) runs in all or MAX_S (80) s, sampled every second:
# zombies among vipd's children (none may stay from one sample to the next),
# vipd's children and the check processes alive; descriptors and RssAnon of
# vipd after a warm-up of 300 runs and at the end (descriptors: no growth,
# slack 1; RssAnon: at most RSS_SLACK (512) KiB more). Every run of hang and
# hang_term must fail with "timeout" and no more than one of each may be
# alive at a time (mb and fork may time out too on a slow machine: killed
# at their timeout as well). Then a reload without checks: within 2 s no
# child of vipd is left, none a zombie. Measured: runs per check, the rate, latencies,
# descriptors, RssAnon, children.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
RUNS=${RUNS:-10000}
MAX_S=${MAX_S:-80}
WARMUP=300
RSS_SLACK=${RSS_SLACK:-512}
FU="$PY $LIB_DIR/fault_util.py"

lab_setup 1
D=$LAB_DIR
cat >"$D/mb.sh" <<'EOF'
#!/bin/sh
head -c 4000000 /dev/zero
head -c 4000000 /dev/zero >&2
EOF
cat >"$D/fork.sh" <<'EOF'
#!/bin/sh
setsid sh -c 'exec sleep 0.3' </dev/null >/dev/null 2>&1 &
exit 0
EOF
cat >"$D/hang.sh" <<'EOF'
#!/bin/sh
sleep 30
EOF
cat >"$D/hang_term.sh" <<'EOF'
#!/bin/sh
trap '' TERM
sleep 30
EOF
chmod 755 "$D"/*.sh

conf()
{
	cat <<EOF
vipd: { router_id = "m1"; script_user = "root"; };
$1
instances = ( { name = "vi_51"; interface = "eth0"; vrid = 51; priority = 150;
                vips = [ "$VIP4/24" ]; $2 } );
EOF
}
CHECKS='checks = (
  { name = "mb"; type = "exec"; target = "'"$D"'/mb.sh"; interval = 0.02; timeout = 0.02; rise = 1; fall = 1; weight = -1; },
  { name = "fork"; type = "exec"; target = "'"$D"'/fork.sh"; interval = 0.02; timeout = 0.02; rise = 1; fall = 1; weight = -1; },
  { name = "hang"; type = "exec"; target = "'"$D"'/hang.sh"; interval = 0.01; timeout = 0.01; rise = 1; fall = 1; weight = -1; },
  { name = "hang_term"; type = "exec"; target = "'"$D"'/hang_term.sh"; interval = 1.0; timeout = 0.5; rise = 1; fall = 1; weight = -1; } );'
start_vipd m1 "$(conf "$CHECKS" "")"   # not tracked: the scripts never move the VIP
pid=$(vipd_pid m1)
expect_holder 10 "$VIP4" m1 "$LAB_READY" "election"

# total_runs: the runs of every check (no parser on the hot path: a sum of
# the "runs" fields of vipctl stats --json).
total_runs() { vctl m1 stats --json | awk '/"runs":/ { gsub(/[^0-9]/, "", $2); s += $2 } END { print s + 0 }'; }
# zombies PID: the zombie children of PID, as "pid pid ..."
zombies() { ps -o pid=,stat= --ppid "$1" 2>/dev/null | awk '$2 ~ /^Z/ { printf "%s ", $1 }'; }
children() { ps -o pid= --ppid "$1" 2>/dev/null | wc -l; }
# sample PID: one ps of the whole system: "ZOMBIE_PIDS|CHILDREN|HANG|HANG_TERM"
# (zombie children of PID, its children, hang.sh and hang_term.sh alive).
sample()
{
	ps -e -o pid=,ppid=,stat=,args= | awk -v p="$1" -v h="/bin/sh $D/hang.sh" -v ht="/bin/sh $D/hang_term.sh" '
		$2 == p { c++; if ($3 ~ /^Z/) z = z $1 " " }
		{ a = $0; sub(/^ *[0-9]+ +[0-9]+ +[^ ]+ +/, "", a) }
		a == h { nh++ } a == ht { nht++ }
		END { printf "%s|%d|%d|%d\n", z, c, nh, nht }'
}

t0=$(now_ms)
wait_for 30 eval '[ "$(total_runs)" -ge '"$WARMUP"' ]' || fail "fewer than $WARMUP runs in 30 s"
fd0=$(fd_count "$pid"); rss0=$(rss_anon "$pid"); runs0=$(total_runs); tw=$(now_ms)
say "after $runs0 runs (warm-up): $fd0 descriptors, RssAnon $rss0 kB"
FAILS=0
check()
{
	if [ "$2" = ok ]; then echo "PASS: $1"; else echo "FAIL: $1: $2"; FAILS=$(( FAILS + 1 )); fi
}
prev_z="" stuck="" max_z=0 max_children=0 max_hang=0 max_hang_term=0 samples=0
while :; do
	runs=$(total_runs)
	[ "$runs" -ge "$RUNS" ] && break
	[ $(( $(now_ms) - t0 )) -ge $(( MAX_S * 1000 )) ] && break
	node_alive m1 || fail "vipd died"
	IFS='|' read -r z c h ht < <(sample "$pid")
	for p in $z; do case " $prev_z " in *" $p "*) stuck="$stuck $p" ;; esac; done
	prev_z=$z
	nz=$(wc -w <<<"$z"); [ "$nz" -gt "$max_z" ] && max_z=$nz
	[ "$c" -gt "$max_children" ] && max_children=$c
	[ "$h" -gt "$max_hang" ] && max_hang=$h
	[ "$ht" -gt "$max_hang_term" ] && max_hang_term=$ht
	samples=$(( samples + 1 ))
	[ $(( samples % 10 )) = 0 ] && say "$runs runs: $(fd_count "$pid") descriptors, RssAnon $(rss_anon "$pid") kB, $c children"
	sleep 1
done
t1=$(now_ms)
fd1=$(fd_count "$pid"); rss1=$(rss_anon "$pid")
vctl m1 status --json >"$D/checks.json"
runs=$($FU get "$D/checks.json" 'sum(c["runs"] for c in d["checks"])')
measured "$runs runs in $(( (t1 - t0) / 1000 )) s ($(( (runs - runs0) * 1000 / (t1 - tw > 0 ? t1 - tw : 1) )) per second after the warm-up)"
for c in mb fork hang hang_term; do
	measured "$c: $($FU get "$D/checks.json" '"%d runs, %d ok, %d failed, last: %s, latency %.3f s" % (chk("'$c'")["runs"], chk("'$c'")["successes"], chk("'$c'")["failures"], chk("'$c'")["last_reason"], chk("'$c'")["last_latency_seconds"])')"
done
measured "descriptors: $fd0 after the warm-up, $fd1 at the end; RssAnon: $rss0 kB, $rss1 kB ($(( rss1 - rss0 )) kB)"
measured "samples: $samples; most zombies at once: $max_z; most children of vipd: $max_children; most hang.sh alive: $max_hang, hang_term.sh: $max_hang_term"
[ "$runs" -ge "$RUNS" ] || say "note: $runs runs in $MAX_S s, fewer than $RUNS (the machine is slow)"

[ -z "$stuck" ] && r=ok || r="zombies seen in two samples a second apart:$stuck"
check "no zombie stays" "$r"
[ "$fd1" -le $(( fd0 + 1 )) ] && r=ok || r="$fd0 -> $fd1"
check "no leaked descriptor" "$r"
[ "$rss1" -le $(( rss0 + RSS_SLACK )) ] && r=ok || r="$rss0 -> $rss1 kB"
check "RssAnon flat (within $RSS_SLACK KiB)" "$r"
r=ok
for c in hang hang_term; do
	v=$($FU get "$D/checks.json" 'chk("'$c'")["failures"] >= chk("'$c'")["runs"] - 1 and chk("'$c'")["runs"] > 1 and chk("'$c'")["successes"] == 0 and chk("'$c'")["last_reason"] == "timeout"')
	[ "$v" = True ] || r="$c: $($FU get "$D/checks.json" 'chk("'$c'")')"
done
check "every run of hang and hang_term ends at its timeout" "$r"
[ "$max_hang" -le 1 ] && [ "$max_hang_term" -le 1 ] && r=ok || r="up to $max_hang hang.sh and $max_hang_term hang_term.sh alive at once"
check "no hanging script outlives its run" "$r"

# No checks any more: everything the scripts left must go.
put_conf m1 "$(conf "" "")"
reload m1
wait_for 2 eval '[ "$(children '"$pid"')" = 0 ]'
c=$(children "$pid"); z=$(zombies "$pid")
measured "after a reload without checks: $c children of vipd, zombies: ${z:-none}, $(fd_count "$pid") descriptors, RssAnon $(rss_anon "$pid") kB"
[ "$c" = 0 ] && r=ok || r="$c children left: $(ps -o pid=,stat=,args= --ppid "$pid" | head -n 5 | tr '\n' ';')"
check "no child of vipd left after the checks are gone" "$r"
node_alive m1 && holder_is "$VIP4" m1 && r=ok || r="vipd running: $(node_alive m1 && echo yes || echo no), VIP on $(vip_holder "$VIP4")"
check "vipd still Master" "$r"
[ "$FAILS" = 0 ] || { echo "FAIL: $FAILS assertion(s) failed"; exit 1; }
echo PASS
