#!/bin/bash
# Status, stats and metrics on a running 3-node group: m3 (150) Master, m2
# (120) and m1 (100) Backups, 1 s adverts, each tracking an exec check
# "okfile" (weight -60, passes while DIR/NODE.down does not exist).
# - `vipctl status`: the table shows state, priority, learned master, VIPs,
#   the check; `status --json` parsed with Python's json: state, base and
#   effective priority, master learned from adverts = 192.0.2.13 on the
#   Backups, vips, holds_vips, last_transition with a reason, checks;
#   counters.adverts_sent of the Master and adverts_received of a Backup
#   grow between two calls; `stats` and `stats --json` move too.
# - drops: adverts with TTL 64 and with a bad checksum sent from the client
#   are counted by reason in status --json and in metrics.
# - `vipctl metrics` parsed by prometheus_client's text parser: every family
#   has HELP and TYPE; vipd_router_state{state="Master"} 1 on m3 only,
#   transitions, priorities, drops with reason labels, check up.
# - reasons: after m3 is killed, m2 logs "Backup -> Master (no advert for
#   3.xx s)" and shows it (reason_code master_down), m1 learns master m2;
#   after m2's check fails, m2 logs "Master -> Backup (resigned: check
#   okfile down, priority 120 -> 60)", m1 takes over ("resigned"), and the
#   check shows down in status and metrics.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"

ops_require
lab_setup 3
cat >"$LAB_DIR/okfile.sh" <<EOF
#!/bin/sh
[ ! -e "$LAB_DIR/\$1.down" ]
EOF
chmod 755 "$LAB_DIR/okfile.sh"

node_conf()
{
	OPS_TOP="checks = ( { name = \"okfile\"; type = \"exec\"; target = \"$LAB_DIR/okfile.sh $1\";
    interval = 0.5; timeout = 0.4; rise = 1; fall = 1; weight = -60; } );" \
	OPS_EXTRA='track_checks = [ "okfile" ];' multi_conf "$1" "51:$2:$VIP4/24"
}
start_vipd m3 "$(node_conf m3 150)"
start_vipd m2 "$(node_conf m2 120)"
start_vipd m1 "$(node_conf m1 100)"
expect_holder 10 "$VIP4" m3 "$LAB_READY" "election"
sleep 1.2

# ---- the table
t=$(vctl m3 status) || fail "vipctl status on m3 failed"
printf '%s\n' "$t" | sed 's/^/    m3| /'
printf '%s\n' "$t" | grep -qE '^vi_51 +IPv4 +Master +150/150 +- +192\.0\.2\.13 .* 192\.0\.2\.100/24' ||
    fail "m3's status table lacks its Master row"
printf '%s\n' "$t" | grep -qE '^okfile +exec +up ' || fail "m3's status table lacks the check row"
printf '%s\n' "$t" | grep -qx 'reload: none since start' || fail "m3's status table lacks 'reload: none since start'"
t=$(vctl m1 status) || fail "vipctl status on m1 failed"
printf '%s\n' "$t" | grep -qE '^vi_51 +IPv4 +Backup +100/100 +- +192\.0\.2\.13 ' ||
    fail "m1's status table lacks 'Backup 100/100 - 192.0.2.13': $t"
echo "PASS: status table"

# ---- JSON
for n in m1 m2 m3; do
	jexpect "$n" "d['router_id'] == '$n' and d['config_file'] == '$LAB_DIR/$n.conf' and isinstance(d['version'], str) and d['reload']['count'] == 0 and isinstance(d['uptime_seconds'], int)" \
	    "$n: daemon fields"
	jexpect "$n" "r['family'] == 'IPv4' and r['master'] == '192.0.2.13' and r['vips'] == ['192.0.2.100/24'] and r['source'] == '192.0.2.1${n#m}' and r['drained'] is False and isinstance(r['state_seconds'], float)" \
	    "$n: router fields, master learned from adverts = m3's address"
	jexpect "$n" "isinstance(r['last_transition']['reason'], str) and r['last_transition']['reason'] != '' and r['last_transition']['to'] == r['state'] and r['last_transition']['reason_code'] in ('master_down', 'higher_priority', 'preempt', 'startup', 'master_resigned')" \
	    "$n: last_transition with a reason"
	jexpect "$n" "len(d['checks']) == 1 and d['checks'][0]['name'] == 'okfile' and d['checks'][0]['type'] == 'exec' and d['checks'][0]['up'] is True and d['checks'][0]['runs'] > 0 and d['checks'][0]['last_result'] == 'ok' and d['checks'][0]['weight'] == -60" \
	    "$n: the check"
done
jexpect m3 "r['state'] == 'Master' and r['holds_vips'] is True and r['base_priority'] == 150 and r['effective_priority'] == 150 and r['counters']['transitions']['Master'] == 1" "m3: Master"
jexpect m2 "r['state'] == 'Backup' and r['holds_vips'] is False and r['base_priority'] == 120 and r['effective_priority'] == 120" "m2: Backup"
jexpect m1 "r['state'] == 'Backup' and r['holds_vips'] is False and r['base_priority'] == 100 and r['effective_priority'] == 100" "m1: Backup"
sent0=$(jstatus m3 'r["counters"]["adverts_sent"]'); recv0=$(jstatus m1 'r["counters"]["adverts_received"]')
runs0=$(jstatus m1 'd["checks"][0]["runs"]')
st0=$(vctl m3 stats | awk '/^vi_51\/IPv4: adverts sent/ { gsub(",", "", $4); print $4 }')
sj0=$(jstats m3 'r["counters"]["adverts_sent"]')
sleep 2.2
sent1=$(jstatus m3 'r["counters"]["adverts_sent"]'); recv1=$(jstatus m1 'r["counters"]["adverts_received"]')
runs1=$(jstatus m1 'd["checks"][0]["runs"]')
st1=$(vctl m3 stats | awk '/^vi_51\/IPv4: adverts sent/ { gsub(",", "", $4); print $4 }')
sj1=$(jstats m3 'r["counters"]["adverts_sent"]')
measured "over 2.2 s: m3 adverts_sent $sent0 -> $sent1, m1 adverts_received $recv0 -> $recv1, m1 check runs $runs0 -> $runs1, stats $st0 -> $st1, stats --json $sj0 -> $sj1"
[ "$sent1" -ge $(( sent0 + 2 )) ] || fail "m3's adverts_sent did not grow by 2 in 2.2 s"
[ "$recv1" -ge $(( recv0 + 2 )) ] || fail "m1's adverts_received did not grow by 2 in 2.2 s"
[ "$runs1" -ge $(( runs0 + 3 )) ] || fail "m1's check runs did not grow by 3 in 2.2 s (interval 0.5 s)"
[ "${st1:-0}" -ge $(( ${st0:-0} + 2 )) ] || fail "vipctl stats: adverts sent did not grow ('$st0' -> '$st1')"
[ "$sj1" -ge $(( sj0 + 2 )) ] || fail "vipctl stats --json: adverts_sent did not grow"
vctl m1 stats | grep -qE '^check okfile: runs [0-9]+, failures 0' || fail "vipctl stats lacks the check line"
echo "PASS: status --json and stats"

# ---- drops by reason
inject_advert 64 51
inject_advert 255 51 bad
sleep 0.3
for n in m1 m2 m3; do
	jexpect "$n" "r['counters']['drops']['ttl'] == 1 and r['counters']['drops']['checksum'] == 1" \
	    "$n: drops by reason after an advert with TTL 64 and one with a bad checksum"
	mexpect "$n" "vipd_drops_total{reason=ttl}" 1
	mexpect "$n" "vipd_drops_total{reason=checksum}" 1
done
# A VRID nobody here runs: counted by the socket, not by a router.
inject_advert 255 77
sleep 0.2
measured "an advert for VRID 77 (not configured): vipd_drops_total{reason=\"vrid\"} on m1 is $(metrics m1 'vipd_drops_total{reason=vrid}') (the socket counts it, the status does not show it)"
echo "PASS: drops by reason"

# ---- metrics
untyped=$(metrics m3 untyped) || fail "prometheus_client cannot parse m3's metrics: $(vctl m3 metrics 2>&1 | head -n5)"
[ -z "$untyped" ] || fail "metric families without HELP or TYPE: $untyped"
nf=$(metrics m3 families | wc -l)
measured "metrics: $nf families, all with HELP and TYPE, parsed by prometheus_client"
for n in m1 m2; do
	mexpect "$n" 'vipd_router_state{instance=vi_51,family=IPv4,state=Master}' 0
	mexpect "$n" 'vipd_router_state{instance=vi_51,family=IPv4,state=Backup}' 1
done
mexpect m3 'vipd_router_state{instance=vi_51,family=IPv4,state=Master}' 1
mexpect m3 'vipd_router_state{instance=vi_51,family=IPv4,state=Backup}' 0
mexpect m3 'vipd_transitions_total{instance=vi_51,state=Master}' 1
mexpect m3 'vipd_router_priority{instance=vi_51}' 150
mexpect m2 'vipd_router_base_priority{instance=vi_51}' 120
mexpect m3 'vipd_router_drained{instance=vi_51}' 0
mexpect m3 'vipd_check_up{check=okfile,type=exec}' 1
mexpect m3 'vipd_reloads_total' 0
mexpect m3 'vipd_last_reload_success' 1
mexpect m3 "vipd_info{router_id=m3}" 1
v=$(metrics m3 'vipd_adverts_sent_total{instance=vi_51,family=IPv4}')
[ "${v%.*}" -ge "$sent1" ] 2>/dev/null || fail "vipd_adverts_sent_total on m3 is '$v', below the status's $sent1"
reasons=$(vctl m1 metrics | grep -c '^vipd_drops_total{instance="vi_51",family="IPv4",reason="[a-z_]*"}')
[ "$reasons" -ge 10 ] || fail "vipd_drops_total has $reasons reason labels on m1"
measured "metrics: vipd_drops_total with $reasons reason labels"
echo "PASS: metrics"

# ---- reasons: a crash, then a resign by health check
m2_master0=$(metrics m2 'vipd_transitions_total{instance=vi_51,state=Master}')
kill_node m3
expect_holder 6 "$VIP4" m2 "$KILL_T" "m3 killed"
line=$(grep -E 'vi_51/IPv4: Backup -> Master \(no advert for 3\.[0-9]{2} s\)' "$LAB_DIR/m2.log") ||
    fail "m2's log lacks 'vi_51/IPv4: Backup -> Master (no advert for 3.xx s)'"
measured "log of m2: ${line#* notice: }"
jexpect m2 "r['state'] == 'Master' and r['last_transition']['reason_code'] == 'master_down' and r['last_transition']['reason'].startswith('no advert for 3.') and r['last_transition']['from'] == 'Backup'" \
    "m2's status: last transition master_down with its reason"
mexpect m2 'vipd_transitions_total{instance=vi_51,state=Master}' $(( ${m2_master0%.*} + 1 ))
wait_for 3 jexpect m1 "r['master'] == '192.0.2.12'" || fail "m1 did not learn its new master 192.0.2.12 from the adverts ($(jstatus m1 'r["master"]'))"
echo "PASS: reason after a crash"

: >"$LAB_DIR/m2.down"
t0=$(now_ms)
expect_holder 3 "$VIP4" m1 "$t0" "m2's check fails (priority 120 -> 60)"
line=$(grep -E 'vi_51/IPv4: Master -> Backup \(resigned' "$LAB_DIR/m2.log") || fail "m2's log lacks 'Master -> Backup (resigned ...'"
measured "log of m2: ${line#* notice: }"
case $line in *"check okfile down"*"120 -> 60"*) ;; *) fail "m2's resign line does not name the check and the priorities: $line" ;; esac
line=$(grep -E 'vi_51/IPv4: Backup -> Master \(master 192\.0\.2\.12 resigned' "$LAB_DIR/m1.log") ||
    fail "m1's log lacks 'Backup -> Master (master 192.0.2.12 resigned ...)'"
measured "log of m1: ${line#* notice: }"
jexpect m2 "r['state'] == 'Backup' and r['effective_priority'] == 60 and r['base_priority'] == 120 and r['last_transition']['reason_code'] == 'resigned' and 'okfile' in r['last_transition']['reason']" \
    "m2's status after its check failed"
jexpect m2 "d['checks'][0]['up'] is False and d['checks'][0]['last_result'] == 'fail' and d['checks'][0]['failures'] >= 1" \
    "m2's check shows down"
mexpect m2 'vipd_check_up{check=okfile}' 0
mexpect m2 'vipd_router_priority{instance=vi_51}' 60
jexpect m1 "r['state'] == 'Master' and r['last_transition']['reason_code'] == 'master_resigned'" "m1's status after m2 resigned"
echo "PASS: reason after a resign by health check"
echo PASS
