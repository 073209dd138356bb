# shellcheck shell=bash
# Helpers of tests/bench/scale.sh, sourced after tests/integration/lib.sh:
# configs of N instances for vipd and keepalived, VIP bookkeeping, CPU and
# memory sampling from /proc, the report and the plot.

# The VIPs of instance I (1..255): IPv4 198.51.100.I for I <= 200, then
# 192.0.2.129..183 (the lab's own addresses are 192.0.2.1x, .100 and .200);
# IPv6 2001:db8:1::I (hex).
vip4_of()
{
	if [ "$1" -le 200 ]; then echo "198.51.100.$1"
	else echo "192.0.2.$(( $1 - 200 + 128 ))"; fi
}
vip6_of() { printf '2001:db8:1::%x\n' "$1"; }

# vipd_scale_conf NODE PRIO N INTERVAL FAMILIES: N instances, VRIDs 1..N, one
# /32 VIP each (FAMILIES=dual: and one /128, so two routers per instance).
vipd_scale_conf()
{
	local node=$1 prio=$2 n=$3 int=$4 fam=$5 i vips sep=","
	printf 'vipd: { router_id = "%s"; script_user = "root"; realtime_priority = %d; };\ninstances = (\n' \
	    "$node" "${SCALE_RT:-0}"
	for i in $(seq 1 "$n"); do
		vips="\"$(vip4_of "$i")/32\""
		[ "$fam" = dual ] && vips="$vips, \"$(vip6_of "$i")/128\""
		[ "$i" = "$n" ] && sep=""
		printf '  { name = "vi%d"; interface = "eth0"; vrid = %d; priority = %d; version = 3;\n' \
		    "$i" "$i" "$prio"
		printf '    advert_interval = %s; preempt = true; garp_count = 1; garp_refresh = 0.0;\n' "$int"
		printf '    vips = [ %s ]; }%s\n' "$vips" "$sep"
	done
	echo ");"
}

# ka_scale_conf NODE PRIO N INTERVAL: the same for keepalived, IPv4 only.
# Kept honest: one gratuitous ARP on becoming Master (as vipd above), no
# second burst, no refresh; everything else at keepalived's defaults.
ka_scale_conf()
{
	local node=$1 prio=$2 n=$3 int=$4 i
	cat <<EOF
global_defs {
  router_id $node
  vrrp_version 3
  vrrp_garp_master_repeat 1
  vrrp_garp_master_delay 0
  vrrp_garp_master_refresh 0
EOF
	[ "${SCALE_RT:-0}" -gt 0 ] && echo "  vrrp_rt_priority $SCALE_RT"
	echo "}"
	for i in $(seq 1 "$n"); do
		cat <<EOF
vrrp_instance VI_$i {
  state BACKUP
  interface eth0
  virtual_router_id $i
  priority $prio
  advert_int $int
  virtual_ipaddress {
    $(vip4_of "$i")/32 dev eth0
  }
}
EOF
	done
}

# agent_start AGENT NODE PRIO N INTERVAL FAMILIES
agent_start()
{
	local agent=$1 node=$2
	shift 2
	if [ "$agent" = vipd ]; then
		start_vipd "$node" "$(vipd_scale_conf "$node" "$@")"
	else
		start_keepalived "$node" "$(ka_scale_conf "$node" "$1" "$2" "$3")"
	fi
}

# agent_stop NODE: SIGTERM (15 s), then SIGKILL whatever is left.
agent_stop()
{
	local node=$1 p
	stop_node "$node" 15 || say "warning: $node did not stop on SIGTERM in 15 s: killed"
	for p in $(_node_pids "$node"); do kill -9 "$p" 2>/dev/null; done
	for p in $(_node_pids "$node"); do wait "$p" 2>/dev/null; done
	rm -f "$LAB_DIR/$node.pid" "$LAB_DIR/$node.vrrp.pid" "$LAB_DIR/$node.launch.pid" \
	    "$LAB_DIR/$node.sock"
}

# vips_flush NODE: remove every address the benchmark uses as a VIP.
vips_flush()
{
	local nsn; nsn=$(ns "$1")
	{
		ip -n "$nsn" addr flush dev eth0 to 198.51.100.0/24
		ip -n "$nsn" addr flush dev eth0 to 192.0.2.128/25
		ip -n "$nsn" -6 addr flush dev eth0 to 2001:db8:1::/64
	} >/dev/null 2>&1
}

# vip_count NODE: the /32 and /128 addresses on NODE's eth0 (the VIPs).
vip_count()
{
	ip -n "$(ns "$1")" -o addr show dev eth0 2>/dev/null |
	    awk '$4 ~ /\/(32|128)$/ { c++ } END { print c + 0 }'
}
vip_count_is() { [ "$(vip_count "$1")" = "$2" ]; }

# node_mac NODE: the MAC address of NODE's eth0.
node_mac() { ip netns exec "$(ns "$1")" cat /sys/class/net/eth0/address; }

# pause SECONDS: sleep, interruptible by the traps (the sleep is killed).
PAUSE_PID=""
pause()
{
	sleep "$1" &
	PAUSE_PID=$!
	SCALE_PIDS+=("$PAUSE_PID")
	wait "$PAUSE_PID"
	PAUSE_PID=""
}

# agent_pids NODE: the node's agent processes (from the pid files and the
# launch pid, with their descendants) that run in the node's namespace. Like
# lib.sh's _node_pids, but compares namespace inodes instead of asking
# `ip netns identify`, which can miss when namespaces come and go meanwhile.
agent_pids()
{
	local node=$1 f p want
	want=$(stat -L -c %i "/run/netns/$(ns "$node")" 2>/dev/null) || return 0
	for f in vrrp.pid pid launch.pid; do
		[ -s "$LAB_DIR/$node.$f" ] || continue
		p=$(cat "$LAB_DIR/$node.$f")
		[ -n "$p" ] && [ -e "/proc/$p" ] && _descendants "$p"
	done | awk '!seen[$0]++' | while read -r p; do
		[ "$(stat -L -c %i "/proc/$p/ns/net" 2>/dev/null)" = "$want" ] && echo "$p"
	done
}

# cpu_ticks PID...: "TICKS ALIVE": utime + stime of those processes, plus
# cutime + cstime (their children, reaped), and how many of them still run.
cpu_ticks()
{
	local p s t=0 alive=0
	for p in "$@"; do
		s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		s=${s##*) }
		# shellcheck disable=SC2086
		set -- $s
		# after "pid (comm) ": state is field 1, utime 12, stime 13, cutime 14, cstime 15
		t=$(( t + ${12} + ${13} + ${14} + ${15} ))
		alive=$(( alive + 1 ))
	done
	echo "$t $alive"
}

ticks_s() { awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }'; }
add_s() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA") print "NA"; else printf "%.2f", a + b }'; }

# mem_kb PID...: "RssAnon Pss" in KiB, summed over those processes.
mem_kb()
{
	local p r=0 q=0 x
	for p in "$@"; do
		x=$(awk '/^RssAnon:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		r=$(( r + ${x:-0} ))
		x=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
		q=$(( q + ${x:-0} ))
	done
	echo "$r $q"
}

# log_transitions NODE AGENT: how many times the node's log says a router
# became Master (vipd: "NAME/IPv4: Backup -> Master"; keepalived: "Entering
# MASTER STATE").
log_transitions()
{
	local pat='Backup -> Master'
	[ "$2" = keepalived ] && pat='Entering MASTER STATE'
	local c
	c=$(grep -c -- "$pat" "$LAB_DIR/$1.log" 2>/dev/null)
	echo "${c:-0}"
}

# backup_counter NODE AGENT: vipd's own count of adverts sent, summed over
# its routers (vipctl stats --json); NA for keepalived or when vipctl fails.
backup_counter()
{
	local out
	if [ "$2" != vipd ] || [ ! -x "$VIPCTL" ]; then echo NA; return; fi
	out=$("$VIPCTL" -s "$LAB_DIR/$1.sock" stats --json 2>/dev/null) || { echo NA; return; }
	printf '%s\n' "$out" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(sum(r["counters"]["adverts_sent"] for i in d["instances"] for r in i["routers"]))'
}

# ---------------------------------------------------------------- report

# csv_get AGENT LABEL COLUMN: a field of the CPU CSV (NA if absent).
csv_get()
{
	awk -F, -v a="$1" -v l="$2" -v c="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == a && $2 == l { v = $col[c] }
		END { print (v == "" ? "NA" : v) }' "$CSV"
}

# stress_get AGENT N INTERVAL COLUMN
stress_get()
{
	awk -F, -v a="$1" -v n="$2" -v i="$3" -v c="$4" '
		NR == 1 { for (k = 1; k <= NF; k++) col[$k] = k; next }
		$1 == a && $2 == n && $3 == i { v = $col[c] }
		END { print (v == "" ? "NA" : v) }' "$CSV.stress"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b + 0 == 0) print "NA"; else printf "%.2f", a / b }'; }

# slope AGENT COLUMN: KiB per added instance between N=50 and N=255.
slope()
{
	local a b
	a=$(csv_get "$1" 50 "$2"); b=$(csv_get "$1" 255 "$2")
	awk -v a="$a" -v b="$b" 'BEGIN { if (a == "NA" || b == "NA") print "NA"; else printf "%.1f", (b - a) / 205 }'
}

machine()
{
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "$(uname -sr), ${cpu:-unknown CPU}, $(nproc) cores; vipd $VIPD $VIPD_BUILD, $("$KEEPALIVED" --version 2>&1 | head -n1)"
	[ "$(vipd_build)" = "$VIPD_BUILD" ] ||
	    echo "Warning: the vipd binary was rebuilt during the run (now $(vipd_build)): the vipd rows may mix builds."
}

# vipd_build: the binary's mtime and the tree's commit (at the call).
vipd_build()
{
	echo "built $(date -r "$VIPD" '+%F %T' 2>/dev/null) (tree $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?'))"
}

# report START_TIME: the Markdown tables.
report()
{
	local n a label
	echo
	echo "## Scale: N VRRPv3 instances at ${SCALE_INTERVAL} s adverts, two masters"
	echo
	echo "Run $1 on $(machine)."
	echo "CPU s: both masters' agent processes over ${SCALE_SECONDS} s of steady state;"
	echo "RssAnon and Pss: one node's agent processes (the master), KiB."
	echo
	echo "| N | vipd CPU s | vipd RssAnon | vipd Pss | keepalived CPU s | keepalived RssAnon | keepalived Pss | vipd / keepalived CPU |"
	echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for label in $(awk -F, 'NR > 1 && !seen[$2]++ { print $2 }' "$CSV"); do
		local vc kc
		vc=$(csv_get vipd "$label" cpu_s); kc=$(csv_get keepalived "$label" cpu_s)
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
		    "$vc" "$(csv_get vipd "$label" rss_anon_master_kib)" "$(csv_get vipd "$label" pss_master_kib)" \
		    "$(echo "$kc" | sed 's/^NA$/-/')" \
		    "$(csv_get keepalived "$label" rss_anon_master_kib | sed 's/^NA$/-/')" \
		    "$(csv_get keepalived "$label" pss_master_kib | sed 's/^NA$/-/')" \
		    "$(ratio "$vc" "$kc" | sed 's/^NA$/-/')"
	done
	echo
	echo "Election and steady state: the master's CPU from its start to the window (start-up, election, ${SCALE_SETTLE} s with the backup);"
	echo "the backup's adverts and Backup -> Master during the window, no stress:"
	echo
	echo "| agent | N | routers | master elected in ms | master CPU s until steady | backup adverts | backup -> Master | state |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
	awk -F, 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $4, $12, $13, $14, $15, $16 }' "$CSV"
	if [ "$(wc -l <"$CSV.stress")" -gt 1 ]; then
		echo
		echo "## Spurious transitions: both cores saturated by stress-ng --cpu 2 for ${STRESS_SECONDS} s"
		echo
		if [ "${SCALE_RT:-0}" -gt 0 ]; then
			echo "Both agents at real-time priority $SCALE_RT (vipd realtime_priority, keepalived vrrp_rt_priority)."
		else
			echo "Both agents at ordinary scheduling (SCHED_OTHER, nice 0): SCALE_RT=N runs them at real-time priority N."
		fi
		echo
		echo "Adverts sent by the backup (a capture on its bridge port; vipd's own counter in brackets) and its Backup -> Master transitions (its log)."
		echo
		echo "| N x interval | vipd backup adverts | vipd backup -> Master | keepalived backup adverts | keepalived backup -> Master |"
		echo "| --- | ---: | ---: | ---: | ---: |"
		local c
		for c in $STRESS_CASES; do
			n=${c%x*}; local i=${c#*x}
			printf '| %s x %s s | %s (%s) | %s | %s | %s |\n' "$n" "$i" \
			    "$(stress_get vipd "$n" "$i" backup_adverts_capture)" \
			    "$(stress_get vipd "$n" "$i" backup_adverts_counter)" \
			    "$(stress_get vipd "$n" "$i" backup_to_master)" \
			    "$(stress_get keepalived "$n" "$i" backup_adverts_capture)" \
			    "$(stress_get keepalived "$n" "$i" backup_to_master)"
		done
		awk -F, 'NR > 1 && $8 != "settled" { printf "\n%s %sx%s: %s before the stress\n", $1, $2, $3, $8 }' "$CSV.stress"
	fi
	echo
	echo "## Memory"
	echo
	echo "- vipd, one instance with one https check (apiserver stand-in): RssAnon ${HTTPS_MEM% *} KiB, Pss ${HTTPS_MEM#* } KiB"
	for a in vipd keepalived; do
		echo "- $a, per added instance (N=50 -> N=255, master): RssAnon $(slope "$a" rss_anon_master_kib) KiB, Pss $(slope "$a" pss_master_kib) KiB"
	done
	for a in vipd keepalived; do
		echo "- $a CPU(200) / CPU(50): $(ratio "$(csv_get "$a" 200 cpu_s)" "$(csv_get "$a" 50 cpu_s)")"
	done
}

# plot_png: CPU against N for both agents (and vipd's dual-stack row).
plot_png()
{
	command -v gnuplot >/dev/null || { echo "(gnuplot not installed: no PNG)"; return; }
	local dat=$OUT/scale.dat
	awk -F, 'NR > 1 && $2 == $3 { v[$3, $1] = $5; if (!seen[$3]++) ns[++k] = $3 }
		NR > 1 && $2 != $3 && $1 == "vipd" { dual[$3] = $5; if (!seen[$3]++) ns[++k] = $3 }
		END {
			print "# N vipd keepalived vipd_dual"
			for (j = 1; j <= k; j++) {
				n = ns[j]
				printf "%s %s %s %s\n", n, ((n, "vipd") in v ? v[n, "vipd"] : "NA"),
				    ((n, "keepalived") in v ? v[n, "keepalived"] : "NA"),
				    (n in dual ? dual[n] : "NA")
			}
		}' "$CSV" | sort -n >"$dat"
	local dual=""
	awk '!/^#/ && $4 != "NA" { f = 1 } END { exit !f }' "$dat" &&
	    dual=", '' using 1:4 with points pt 9 ps 2 title 'vipd, IPv4 + IPv6 VIP per instance (2 routers)'"
	gnuplot <<EOF && echo "wrote $OUT/scale.png"
set terminal png size 900,550
set output '$OUT/scale.png'
set title "CPU of two masters over ${SCALE_SECONDS} s, VRRPv3 at ${SCALE_INTERVAL} s adverts"
set xlabel 'instances (VRIDs) on one interface'
set ylabel 'CPU seconds (utime + stime)'
set datafile missing 'NA'
set key top left
set grid
set yrange [0:*]
set offsets graph 0.02, graph 0.02, graph 0.05, 0
plot '$dat' using 1:2 with linespoints lw 2 pt 7 title 'vipd', \
     '' using 1:3 with linespoints lw 2 pt 5 title 'keepalived 2.2.7'$dual
EOF
}
