#!/bin/bash
# The configs of `vipctl generate config`, run on three masters with HTTPS
# apiserver stand-ins (the generated CA path pointed at the test's CA).
# Bootstrap: m1 alone and no apiserver anywhere, so every check fails; m1
# still takes the VIP (negative weights: the least bad wins, no Fault). The
# apiservers come up and m2, m3 join: m1 (254) keeps the VIP. m1's apiserver
# turns not ready (/readyz 500, as when it loses etcd or shuts down) but stays
# up: m1 resigns and m2 (253, the best backup) takes the VIP; the client
# reaches m2's apiserver. m1 ready again takes it back (preempt). Then the
# same with --unicast configs: election, and failover on not-ready.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_apiserver.sh
. "$(dirname "$0")/lib_apiserver.sh"

VIPCTL=${VIPCTL:-$TOP_DIR/src/vipctl}
PEERS=192.0.2.11,192.0.2.12,192.0.2.13
[ -x "$VIPCTL" ] || fail "no vipctl at $VIPCTL (build first)"

# gen_conf NODE [OPTION...]: master NODE's generated config, with the test's
# CA; vipd -t (not offline: the interface and the CA) passes in NODE.
gen_conf()
{
	local node=$1 f=$LAB_DIR/$1.generated.conf
	shift
	# (no pipefail here: lib.sh's `ip | grep -q` pipes may die of SIGPIPE)
	"$VIPCTL" generate config --vip "$VIP4/24" --interface eth0 --peers "$PEERS" \
	    --node "$(node_index "$node")" "$@" >"$f.orig" ||
	    fail "vipctl generate config failed for $node"
	sed "s|/etc/kubernetes/pki/ca.crt|$LAB_DIR/pki/ca.crt|" "$f.orig" >"$f"
	ip netns exec "$(ns "$node")" "$VIPD" -t -f "$f" >/dev/null 2>"$LAB_DIR/$node.t.err" ||
	    fail "vipd -t refuses the generated config of $node: $(cat "$LAB_DIR/$node.t.err")"
	cat "$f"
}

# no_apiserver NODE: stop the lab's plain listener: nothing on 6443.
no_apiserver()
{
	local pid
	pid=$(cat "$LAB_DIR/$1.listener.pid" 2>/dev/null)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -f "$LAB_DIR/$1.listener.pid"
	wait_for 3 eval "! _apiserver_up $1" || fail "the listener of $1 does not stop"
}

# prio_is NODE PRIO: vipctl status shows that effective priority (PRIO/BASE).
prio_is()
{
	"$VIPCTL" -s "$LAB_DIR/$1.sock" status 2>/dev/null |
	    awk -v p="$2" '$1 == "apiserver" && $2 == "IPv4" { split($4, a, "/"); ok = a[1] == p }
	        END { exit !ok }'
}

expect_prio()
{
	wait_for "${3:-5}" prio_is "$1" "$2" ||
	    fail "$1's effective priority is not $2: $("$VIPCTL" -s "$LAB_DIR/$1.sock" status 2>&1 | head -5)"
	say "$1 at priority $2"
}

lab_setup 3
pki_setup
for n in "${LAB_MASTERS[@]}"; do no_apiserver "$n"; done
for n in "${LAB_MASTERS[@]}"; do gen_conf "$n" >/dev/null; done

# Bootstrap: a lone first master, no apiserver: 254 - 50 - 100 = 104.
start_vipd m1 "$(gen_conf m1)"
expect_holder 10 "$VIP4" m1 "$LAB_READY" "bootstrap: m1 alone, no apiserver"
expect_prio m1 104
apiserver_start m1
expect_prio m1 254
start_vipd m2 "$(gen_conf m2)"
start_vipd m3 "$(gen_conf m3)"
expect_prio m2 103
expect_sole_holder_for 2 "$VIP4" m1 "joining masters without an apiserver"
apiserver_start m2
apiserver_start m3
expect_prio m2 253
expect_prio m3 252
expect_sole_holder_for 1 "$VIP4" m1 "all apiservers ready"
wait_for 5 https_client_gets "$VIP4" m1 || fail "the client does not reach m1's apiserver on the VIP"

# m1's apiserver not ready, still up.
t0=$(apiserver_not_ready m1)
say "m1's /readyz answers 500; its apiserver stays up"
expect_holder 5 "$VIP4" m2 "$t0" "not ready on the Master (multicast)"
assert_le "$MS" 3000 "not ready to m2 holding the VIP (generous bound)"
expect_prio m1 204
_apiserver_up m1 || fail "m1's stand-in should still listen"
wait_for 5 https_client_gets "$VIP4" m2 || fail "the client does not reach m2's apiserver on the VIP"
expect_sole_holder_for 1 "$VIP4" m2 "after the failover"

# Ready again: m1 (254) preempts m2 (253).
t0=$(now_ms)
apiserver_ready m1
expect_holder 10 "$VIP4" m1 "$t0" "m1 ready again (preempt)"

# The --unicast configs: the same masters, adverts to each other.
for n in "${LAB_MASTERS[@]}"; do stop_node "$n" || fail "$n did not stop"; done
grep -q 'unicast_peers = \[ "192.0.2.11", "192.0.2.13" \];' <(gen_conf m2 --unicast) ||
    fail "m2's unicast config does not list m1 and m3"
t0=$(now_ms)
for n in "${LAB_MASTERS[@]}"; do start_vipd "$n" "$(gen_conf "$n" --unicast)"; done
expect_holder 15 "$VIP4" m1 "$t0" "election (unicast)"
expect_prio m2 253
t0=$(apiserver_not_ready m1)
expect_holder 5 "$VIP4" m2 "$t0" "not ready on the Master (unicast)"
assert_le "$MS" 3000 "not ready to m2 holding the VIP, unicast (generous bound)"
wait_for 5 https_client_gets "$VIP4" m2 || fail "the client does not reach m2's apiserver (unicast)"
expect_sole_holder_for 1 "$VIP4" m2 "after the unicast failover"
echo PASS
