#!/bin/bash
# vipd demo: three masters and a client in network namespaces on a bridge.
# vipd elects m3, a client polls the VIP every 50 ms; the demo kills m3
# (kill -9, link cut), then stops the new master gracefully (SIGTERM), and
# prints a timeline: who holds the VIP and when the client reached it again.
# Needs root; touches nothing outside the namespaces it makes, and removes them.
#
# usage: [VIPD=path] [INTERVAL=seconds] scripts/demo.sh
#   VIPD      the vipd binary (default src/vipd)
#   INTERVAL  the VRRP advert interval (default 1)
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
VIPD=${VIPD:-src/vipd}
case $VIPD in /*) ;; *) VIPD=$PWD/$VIPD ;; esac
INTERVAL=${INTERVAL:-1}
LAB_SHORT=demo
# shellcheck source=../tests/integration/lib.sh
. "$TOP/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || { echo "demo: run as root (network namespaces)" >&2; exit 1; }
[ -x "$VIPD" ] || [ "$DAEMON" = keepalived ] ||
    { echo "demo: no vipd binary at $VIPD (build first, or set VIPD=path)" >&2; exit 1; }

# tl TEXT: a timeline line, t = seconds since the demo started.
tl()
{
	local d=$(( $(now_ms) - DEMO_T0 ))
	printf 't=%3d.%03d s  %s\n' $(( d / 1000 )) $(( d % 1000 )) "$*"
}

# client_timeline T0_MS: the client's answers since T0_MS, as runs of one
# answering master, with the silences between them.
client_timeline()
{
	sort -n "$LAB_DIR/probe.log" | awk -v t0="$1" -v base="$DEMO_T0" '
		function at(t) { return sprintf("%d.%03d", (t - base) / 1000, (t - base) % 1000) }
		function flush() {
			if (who != "")
				printf "             client: %-4s answered %3d times  t=%s .. %s s\n",
				    who, n, at(from), at(to)
		}
		$1 < t0 { next }
		who != "" && ($3 != who || $1 - to > 150) {
			flush()
			if ($1 - to > 150)
				printf "             client: no answer for %d ms\n", $2 - to
			n = 0; from = $1
		}
		who == "" { from = $1 }
		{ who = $3; n++; to = $2 }
		END { flush() }'
}

# await_master NODE EVENT_T0: wait until NODE is the only holder; print it.
await_master()
{
	wait_for $(( 6 * ${INTERVAL%.*} + 10 )) holder_is "$VIP4" "$1" ||
	    { tl "ERROR: $1 did not become MASTER (holders: $(vip_holder "$VIP4"))"; exit 1; }
	tl "$1 is MASTER (holds $VIP4), $(( $(now_ms) - $2 )) ms after the event"
}

# await_client NODE EVENT_T0 OLD: wait until NODE answers the client; print
# the outage seen by the client.
await_client()
{
	local out
	wait_for 10 client_gets "$VIP4" "$1" ||
	    { tl "ERROR: the client cannot reach $1"; exit 1; }
	sleep 0.2
	out=$(probe_outage "$2" "$3") || out="?"
	tl "client reached the VIP again after $out ms (answered by $1)"
}

echo "vipd demo: masters m1 (192.0.2.11), m2 (.12), m3 (.13) and a client (.200)"
echo "           on one bridge; VIP $VIP4, VRRPv3, adverts every $INTERVAL s"
[ "$DAEMON" = keepalived ] && echo "           (DAEMON=keepalived: keepalived plays vipd's part)"
lab_setup 3
DEMO_T0=$(now_ms)
tl "start: vipd on m1 (priority 100), m2 (120), m3 (150)"
vipd_node m1 -p 100 -i "$INTERVAL"
vipd_node m2 -p 120 -i "$INTERVAL"
vipd_node m3 -p 150 -i "$INTERVAL"
await_master m3 "$DEMO_T0"
probe_start "$VIP4" 50 120
tl "client polls $VIP4:6443 every 50 ms"
wait_for 5 client_gets "$VIP4" m3 || { tl "ERROR: the client cannot reach m3"; exit 1; }
sleep 1

tl "killing m3 (kill -9, link cut)"
kill_node m3
t0=$KILL_T
await_master m2 "$t0"
await_client m2 "$t0" m3
sleep 1

t1=$(now_ms)
tl "stopping m2 gracefully (SIGTERM: it sends priority 0 and drops the VIP)"
stop_node m2 || { tl "ERROR: m2 did not stop"; exit 1; }
tl "m2 exited with status $(cat "$LAB_DIR/m2.rc")"
await_master m1 "$t1"
await_client m1 "$t1" m2
sleep 0.5
probe_stop

echo
echo "what the client saw:"
client_timeline "$DEMO_T0"
echo
tl "cleaning up"
exit 0
