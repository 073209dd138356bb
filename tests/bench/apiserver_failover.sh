#!/bin/bash
# Benchmark (reports numbers, never passes or fails on timing): the outage
# clients see when the apiserver dies on the Master, i.e. from kill -9 of the
# apiserver until TCP connections to VIP:6443 succeed again, measured in
# network namespaces with an HTTPS apiserver stand-in on every master.
#
#   vipd, the shipped conf/kubeadm.conf (native https + the guide's script),
#         at 1 s adverts and at 0.1 s adverts
#   keepalived, the kubeadm HA guide's config (check_apiserver.sh every 3 s,
#         weight -2, fall 10, rise 2; priorities 101/100; PASS auth)
#
# usage: tests/bench/apiserver_failover.sh [-n RUNS] [-o DIR] [-k]
#   -n RUNS  repetitions per case (default 3)   -k  skip keepalived (~35 s a run)
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"
# shellcheck source=tests/integration/lib_apiserver.sh
. "$(dirname "$0")/../integration/lib_apiserver.sh"

RUNS=3 OUT="" SKIP_KA=0
while getopts "n:o:k" o; do
	case $o in n) RUNS=$OPTARG ;; o) OUT=$OPTARG ;; k) SKIP_KA=1 ;; *) exit 2 ;; esac
done
OUT=${OUT:-$TOP_DIR/tests/bench/results}
mkdir -p "$OUT"
CSV=$OUT/apiserver_failover.csv
echo "case,run,vip_moved_ms,client_outage_ms" >"$CSV"

# The guide's script with the VIP and port written in, as the guide does.
guide_script()
{
	sed -e "s|^APISERVER_DEST_PORT=.*|APISERVER_DEST_PORT=$PORT|" \
	    -e "/^APISERVER_DEST_PORT=/a APISERVER_VIP=$VIP4" \
	    "$TOP_DIR/scripts/check_apiserver.sh" >"$LAB_DIR/check_apiserver.sh"
	chmod 755 "$LAB_DIR/check_apiserver.sh"
}

# The shipped example, with this lab's paths, VIP, priority and interval.
vipd_kubeadm_conf()
{
	sed -e "s|script_user = \"vipd\"|script_user = \"root\"|" \
	    -e "s|/etc/vipd/check_apiserver.sh|$LAB_DIR/check_apiserver.sh|" \
	    -e "s|/etc/kubernetes/pki/ca.crt|$LAB_DIR/pki/ca.crt|" \
	    -e "s|192.168.0.100/24|$VIP4/24|" \
	    -e "s|priority = 101;|priority = $2;|" \
	    -e "s|advert_interval = 1.0;|advert_interval = $3;|" \
	    -e "s|# router_id defaults to the host name.|router_id = \"$1\";|" \
	    "$TOP_DIR/conf/kubeadm.conf"
}

# one_run CASE RUN: a fresh lab, three masters, kill m1's apiserver.
one_run()
{
	local kase=$1 run=$2 n prio t0 moved outage
	(
		checks_lab 3
		guide_script
		for n in m1 m2 m3; do
			prio=100
			[ "$n" = m1 ] && prio=101
			case $kase in
			vipd-1s) start_vipd "$n" "$(vipd_kubeadm_conf "$n" "$prio" 1.0)" ;;
			vipd-0.1s) start_vipd "$n" "$(vipd_kubeadm_conf "$n" "$prio" 0.1)" ;;
			keepalived-guide) start_keepalived "$n" "$(ka_guide_conf "$n" "$prio")" ;;
			esac
		done
		wait_for 20 holder_is "$VIP4" m1 || fail "$kase: m1 never held the VIP"
		sleep 7 # every check has risen and settled (rise 2 at 3 s for the script)
		holder_is "$VIP4" m1 || fail "$kase: m1 lost the VIP before the test"
		tcp_probe_start "$VIP4"
		sleep 0.5
		t0=$(apiserver_kill m1)
		wait_for 60 holder_not "$VIP4" m1 || fail "$kase: the VIP never left m1"
		moved=$(( $(now_ms) - t0 ))
		wait_for 5 eval '[ -n "$(tcp_outage_since '"$t0"')" ]'
		probe_stop
		outage=$(tcp_outage_since "$t0")
		echo "$kase,$run,$moved,${outage:-NA}" >>"$CSV"
		printf '  %-17s run %d: VIP moved after %6d ms, client outage %6s ms\n' \
		    "$kase" "$run" "$moved" "${outage:-NA}"
	)
}

cases=(vipd-1s vipd-0.1s)
[ "$SKIP_KA" = 1 ] || cases+=(keepalived-guide)
for kase in "${cases[@]}"; do
	for run in $(seq 1 "$RUNS"); do one_run "$kase" "$run"; done
done

echo
echo "client outage after the apiserver died on the Master (ms), $RUNS runs each:"
printf '%-18s %8s %8s %8s\n' case median min max
for kase in "${cases[@]}"; do
	grep "^$kase," "$CSV" | cut -d, -f4 | grep -v NA | sort -n | awk -v k="$kase" '
		{ v[NR] = $1 }
		END { if (NR) printf "%-18s %8d %8d %8d\n", k, v[int((NR + 1) / 2)], v[1], v[NR] }'
done
echo "raw numbers: $CSV"
