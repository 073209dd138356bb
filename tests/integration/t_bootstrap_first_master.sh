#!/bin/bash
# Bootstrap of a brand-new kubeadm cluster (issue 9): vipd is set up on the
# first master before `kubeadm init`, so the CA file its checks name does not
# exist yet and no apiserver runs. The config is `vipctl generate config`'s,
# its ca_file pointed at a path of the test that does not exist.
#   - vipd -t accepts it with a warning (not an error);
#   - vipd starts, m1 alone becomes Master and holds the VIP (kubeadm init
#     needs it to reach its own apiserver at the controlPlaneEndpoint); both
#     checks fail with "ca_file missing" (status JSON) and count against the
#     priority (254 - 50 - 100 = 104), no Fault;
#   - an apiserver stand-in starts: the checks still fail, "ca_file missing"
#     (the server cannot be verified without the CA);
#   - the CA is written to the path (as kubeadm init does): the checks turn
#     healthy without a restart (same pid), the priority goes back to 254;
#   - m2 joins (its apiserver up, CA there): Backup; m1 stays the only holder.
# Prints: time to Master at bootstrap, time from the CA write to healthy.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_ops.sh
. "$(dirname "$0")/lib_ops.sh"
# shellcheck source=tests/integration/lib_apiserver.sh
. "$(dirname "$0")/lib_apiserver.sh"

ops_require
PEERS=192.0.2.11,192.0.2.12

# gen_conf NODE: master NODE's generated config with the CA at $K8S/ca.crt.
gen_conf()
{
	"$VIPCTL" generate config --vip "$VIP4/24" --interface eth0 --peers "$PEERS" \
	    --node "$(node_index "$1")" | sed "s|/etc/kubernetes/pki/ca.crt|$K8S/ca.crt|" ||
	    fail "vipctl generate config failed for $1"
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

# check_field NODE FIELD: every check's FIELD, space-separated.
check_field() { jstatus "$1" "' '.join(str(c['$2']) for c in d['checks'])"; }
checks_missing_ca() { [ "$(check_field "$1" last_reason)" = "ca_file missing: $K8S/ca.crt ca_file missing: $K8S/ca.crt" ]; }
checks_up() { [ "$(check_field "$1" up)" = "True True" ]; }
prio_is() { [ "$(jstatus "$1" 'r["effective_priority"]')" = "$2" ]; }
state_is() { [ "$(jstatus "$1" 'r["state"]')" = "$2" ]; }

lab_setup 2
pki_setup
K8S=$LAB_DIR/etc-kubernetes/pki # made by "kubeadm init", later
for n in "${LAB_MASTERS[@]}"; do no_apiserver "$n"; done
gen_conf m1 >"$LAB_DIR/m1.generated.conf"
grep -q "ca_file = \"$K8S/ca.crt\"" "$LAB_DIR/m1.generated.conf" ||
    fail "the generated config does not name the test's CA path"
[ ! -e "$K8S/ca.crt" ] || fail "the CA exists before the test wrote it"

# vipd -t: a warning, exit 0.
if ip netns exec "$(ns m1)" "$VIPD" -t -f "$LAB_DIR/m1.generated.conf" >"$LAB_DIR/t.out" 2>"$LAB_DIR/t.err"; then
	grep -q "ca_file '$K8S/ca.crt' does not exist (yet)" "$LAB_DIR/t.err" ||
	    fail "vipd -t did not warn about the missing ca_file: $(cat "$LAB_DIR/t.err")"
	say "vipd -t: $(cat "$LAB_DIR/t.out"); $(grep -c warning "$LAB_DIR/t.err") warning(s)"
	echo "PASS: vipd -t accepts a config whose ca_file does not exist yet, with a warning"
else
	fail "vipd -t refuses the config: $(cat "$LAB_DIR/t.err")"
fi

# Bootstrap: m1 alone, no CA, no apiserver.
t0=$(now_ms)
start_vipd m1 "$(cat "$LAB_DIR/m1.generated.conf")"
pid1=$(vipd_pid m1)
expect_holder 10 "$VIP4" m1 "$t0" "bootstrap: m1 alone, no CA file, no apiserver"
wait_for 5 state_is m1 Master || fail "m1 is not Master: $(jstatus m1 'r["state"]')"
wait_for 5 checks_missing_ca m1 ||
    fail "the checks do not say ca_file missing: $(check_field m1 last_reason)"
wait_for 5 prio_is m1 104 || fail "m1's effective priority is not 104: $(jstatus m1 'r["effective_priority"]')"
grep -q "does not exist (yet)" "$LAB_DIR/m1.log" || fail "m1 did not log the missing ca_file"
echo "PASS: bootstrap: m1 Master at priority 104, checks failing with 'ca_file missing'"

# The apiserver comes up (kubeadm init starts it): still no CA to verify it.
apiserver_start m1
sleep 1.5
checks_missing_ca m1 || fail "with the apiserver up and no CA: $(check_field m1 last_reason)"
holder_is "$VIP4" m1 || fail "m1 lost the VIP: $(vip_holder "$VIP4")"
echo "PASS: apiserver up, CA still missing: the checks fail without connecting, m1 keeps the VIP"

# kubeadm init writes the CA: loaded without a restart.
mkdir -p "$K8S"
cp "$LAB_DIR/pki/ca.crt" "$K8S/ca.crt.tmp" && mv "$K8S/ca.crt.tmp" "$K8S/ca.crt"
t0=$(now_ms)
wait_for 10 checks_up m1 || fail "the checks are not up 10 s after the CA appeared: $(check_field m1 last_reason)"
measured "CA written to both checks healthy: $(( $(now_ms) - t0 )) ms (interval 0.5 s, rise 2)"
wait_for 5 prio_is m1 254 || fail "m1's effective priority is not 254 with healthy checks"
[ "$(check_field m1 last_result)" = "ok ok" ] || fail "last results: $(check_field m1 last_result)"
{ [ "$(vipd_pid m1)" = "$pid1" ] && node_alive m1; } || fail "m1's daemon was restarted or died"
[ "$(grep -c "ca_file '$K8S/ca.crt' appeared: loaded" "$LAB_DIR/m1.log")" = 2 ] ||
    fail "m1 did not log the CA loaded once per check"
echo "PASS: the CA file appeared: both checks healthy (status JSON), priority 254, same pid $pid1"

# The second master joins (kubeadm join): its apiserver and CA are there.
apiserver_start m2
t0=$(now_ms)
start_vipd m2 "$(gen_conf m2)"
wait_for 10 state_is m2 Backup || fail "m2 is not Backup: $(jstatus m2 'r["state"]')"
measured "m2 Backup $(( $(now_ms) - t0 )) ms after its start"
wait_for 5 prio_is m2 253 || fail "m2's effective priority is not 253"
expect_sole_holder_for 2 "$VIP4" m1 "m2 joined"
state_is m1 Master || fail "m1 is not Master after m2 joined"
wait_for 5 https_client_gets "$VIP4" m1 || fail "the client does not reach m1's apiserver on the VIP"
echo "PASS: m2 joined as Backup, m1 keeps the VIP and answers on it"
echo PASS
