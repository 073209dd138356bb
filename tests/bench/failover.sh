#!/bin/bash
# Failover benchmark, vipd next to keepalived in the same namespace set-up:
# three masters m1 (100), m2 (120), m3 (150) and a client on one bridge,
# VRRPv3. For each daemon, advert interval and mode, N repetitions of:
# elect m3, let the client probe the VIP every 10 ms, then fail m3 and measure
#   vip_ms     until m2 added the VIP (from m2's timestamped address
#              events; the run counts only if m2 then is the only holder)
#   outage_ms  the client-visible outage: from the failure (or m3's last
#              answer, if later) to m2's first answer
# Modes: crash (kill -9 + link cut) and graceful (SIGTERM).
# Prints a table (median / min / max), writes failover.csv and an ASCII bar
# chart (failover.txt), and failover.png when gnuplot is installed.
# It reports numbers; it does not pass or fail on timing.
#
# usage: [VIPD=path] tests/bench/failover.sh [-n N] [-o DIR] [-d "vipd keepalived"]
#            [-i "1 0.1"] [-m "crash graceful"]
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
VIPD=${VIPD:-src/vipd}
case $VIPD in /*) ;; *) VIPD=$PWD/$VIPD ;; esac
N=5 OUT=$PWD/bench-out DAEMONS="vipd keepalived" INTERVALS="1 0.1"
MODES="crash graceful"
while getopts "n:o:d:i:m:h" o; do
	case $o in
	n) N=$OPTARG ;; o) OUT=$OPTARG ;; d) DAEMONS=$OPTARG ;;
	i) INTERVALS=$OPTARG ;; m) MODES=$OPTARG ;;
	*) sed -n '2,17p' "$0"; exit 2 ;;
	esac
done
LAB_SHORT=bench
# shellcheck source=../integration/lib.sh
. "$TOP/tests/integration/lib.sh"
WAIT_STEP=0.005
[ "$(id -u)" = 0 ] || { echo "failover.sh: run as root" >&2; exit 1; }
mkdir -p "$OUT"
CSV=$OUT/failover.csv

# start3 DAEMON INTERVAL: (re)start the three daemons, clean VIPs first.
start3()
{
	local d=$1 int=$2 n p
	for n in m1 m2 m3; do revive_node "$n"; done
	for n in m1 m2 m3; do
		case $n in m1) p=100 ;; m2) p=120 ;; m3) p=150 ;; esac
		if [ "$d" = vipd ]; then
			start_vipd "$n" "$(vipd_conf "$n" -p $p -i "$int")"
		else
			start_keepalived "$n" "$(ka_conf "$n" -p $p -i "$int")"
		fi
	done
}

# stop3: kill every daemon left (the measurement is over).
stop3()
{
	local n p pids
	for n in m1 m2 m3; do
		pids=$(_node_pids "$n")
		{
			for p in $pids; do kill -9 "$p"; done
			for p in $pids; do wait "$p"; done
		} 2>/dev/null
		rm -f "$LAB_DIR/$n.pid" "$LAB_DIR/$n.vrrp.pid" "$LAB_DIR/$n.launch.pid"
	done
	sleep 0.2
}

# one_run DAEMON INTERVAL MODE: set RES_VIP and RES_OUT (ms, NA on failure).
one_run()
{
	local d=$1 int=$2 mode=$3 t0 vip out wait_s pid
	wait_s=$(ms_to_s $(( 6 * $(to_ms "$int") + 5000 )))
	start3 "$d" "$int" >/dev/null
	if ! wait_for "$wait_s" holder_is "$VIP4" m3 ||
	    ! wait_for 5 client_gets "$VIP4" m3; then
		RES_VIP=NA RES_OUT=NA; stop3; return
	fi
	probe_start "$VIP4" 10 60
	addr_watch_start m2
	sleep "$(ms_to_s $(( 3 * $(to_ms "$int") + 500 )))"
	if [ "$mode" = crash ]; then
		kill_node m3
		t0=$KILL_T
	else
		pid=$(cat "$LAB_DIR/m3.launch.pid")
		t0=$(now_ms)
		kill -TERM "$pid"
	fi
	vip=NA
	if wait_for "$wait_s" holder_is "$VIP4" m2; then
		wait_for 5 client_gets "$VIP4" m2
		sleep 0.2
		vip=$(addr_added_ms m2 "$VIP4") && vip=$(( vip - t0 )) || vip=NA
	fi
	addr_watch_stop m2
	probe_stop
	out=$(probe_outage "$t0" m3) || out=NA
	RES_VIP=$vip RES_OUT=$out
	stop3
}

# stats: read numbers (NA skipped), print "median min max count".
stats()
{
	grep -v NA | sort -n | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "NA NA NA 0"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)
			print m, v[1], v[NR], NR
		}'
}

# expected_ms INTERVAL MODE: the protocol's figure for m2 (priority 120):
# crash = Master_Down_Interval minus the time since the last advert (on
# average half an interval); graceful = Skew_Time.
expected_ms()
{
	local i; i=$(to_ms "$1")
	if [ "$2" = crash ]; then
		echo $(( 3 * i + (256 - 120) * i / 256 - i / 2 ))
	else
		echo $(( (256 - 120) * i / 256 ))
	fi
}

table()
{
	local d int mode
	printf '\n%-10s %6s %-9s %4s  %-20s %-20s %8s\n' daemon interval mode n \
	    "VIP moved (ms)" "client outage (ms)" expected
	printf '%-10s %6s %-9s %4s  %-20s %-20s %8s\n' "" "(s)" "" "" \
	    "median  min   max" "median  min   max" "(ms)"
	for d in $DAEMONS; do for int in $INTERVALS; do for mode in $MODES; do
		local vs os
		vs=$(awk -F, -v d="$d" -v i="$int" -v m="$mode" \
		    '$1 == d && $2 == i && $3 == m { print $5 }' "$CSV" | stats)
		os=$(awk -F, -v d="$d" -v i="$int" -v m="$mode" \
		    '$1 == d && $2 == i && $3 == m { print $6 }' "$CSV" | stats)
		set -- $vs; local vm=$1 vmin=$2 vmax=$3 cnt=$4
		set -- $os
		printf '%-10s %6s %-9s %4s  %6s %5s %5s   %6s %5s %5s   %8s\n' \
		    "$d" "$int" "$mode" "$cnt" "$vm" "$vmin" "$vmax" "$1" "$2" "$3" \
		    "$(expected_ms "$int" "$mode")"
	done; done; done
}

# chart: ASCII bars of the median client outage, one scale per interval.
chart()
{
	local int d mode med max w
	echo
	echo "median client outage (bar scaled per advert interval)"
	for int in $INTERVALS; do
		max=1
		for d in $DAEMONS; do for mode in $MODES; do
			med=$(awk -F, -v d="$d" -v i="$int" -v m="$mode" \
			    '$1 == d && $2 == i && $3 == m { print $6 }' "$CSV" | stats | cut -d' ' -f1)
			[ "$med" != NA ] && [ "$med" -gt "$max" ] && max=$med
		done; done
		echo "advert interval $int s:"
		for mode in $MODES; do for d in $DAEMONS; do
			med=$(awk -F, -v d="$d" -v i="$int" -v m="$mode" \
			    '$1 == d && $2 == i && $3 == m { print $6 }' "$CSV" | stats | cut -d' ' -f1)
			if [ "$med" = NA ]; then w=0; else w=$(( med * 50 / max )); fi
			printf '  %-9s %-10s |%s %s ms\n' "$mode" "$d" \
			    "$(printf '%*s' "$w" '' | tr ' ' '#')" "$med"
		done; done
	done
}

# png: a bar chart with gnuplot, when it is installed.
png()
{
	command -v gnuplot >/dev/null || { echo "(gnuplot not installed: no PNG)"; return; }
	local dat=$OUT/failover.dat d int mode
	: >"$dat"
	for int in $INTERVALS; do for mode in $MODES; do
		printf '"%s s %s"' "$int" "$mode" >>"$dat"
		for d in $DAEMONS; do
			printf ' %s' "$(awk -F, -v d="$d" -v i="$int" -v m="$mode" \
			    '$1 == d && $2 == i && $3 == m { print $6 }' "$CSV" | stats | cut -d' ' -f1)" >>"$dat"
		done
		echo >>"$dat"
	done; done
	local cols="" k=2 src
	for d in $DAEMONS; do
		src="''"
		[ -z "$cols" ] && src="'$dat'"
		cols="$cols${cols:+, }$src using $k:xtic(1) title '$d'"
		k=$((k + 1))
	done
	gnuplot <<EOF && echo "wrote $OUT/failover.png"
set terminal png size 900,500
set output '$OUT/failover.png'
set title 'VRRP failover: median client outage (3 masters, VRRPv3)'
set ylabel 'outage (ms, log scale)'
set logscale y
set style data histograms
set style histogram clustered gap 1
set style fill solid border -1
set key top right
set datafile missing 'NA'
plot $cols
EOF
}

echo "daemon,interval_s,mode,rep,vip_ms,outage_ms" >"$CSV"
lab_setup 3 >/dev/null
for d in $DAEMONS; do
	if [ "$d" = vipd ] && [ ! -x "$VIPD" ]; then
		echo "no vipd binary at $VIPD: skipping vipd"; continue
	fi
	for int in $INTERVALS; do for mode in $MODES; do
		for rep in $(seq 1 "$N"); do
			one_run "$d" "$int" "$mode"
			echo "$d,$int,$mode,$rep,$RES_VIP,$RES_OUT" >>"$CSV"
			printf '%-10s interval %-4s %-9s run %d: VIP moved %s ms, client outage %s ms\n' \
			    "$d" "$int" "$mode" "$rep" "$RES_VIP" "$RES_OUT"
		done
	done; done
done
{ table; chart; } | tee "$OUT/failover.txt"
png
echo "wrote $CSV and $OUT/failover.txt"
