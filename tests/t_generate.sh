#!/usr/bin/env bash
# vipctl generate: configs for three masters (multicast, --unicast and
# --routed, IPv4 and IPv6) pass `vipd -t --offline`, with distinct priorities and one VRID;
# the static pod manifest parses with a real YAML parser (Debian's
# python3-yaml) and holds what a control-plane static pod needs. Usage errors
# exit 2. No root, no namespaces. Prints PASS/FAIL lines; exit 1 on FAIL.
set -u
export LC_ALL=C

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VIPD=${VIPD:-$TOP/src/vipd}
VIPCTL=${VIPCTL:-$TOP/src/vipctl}
PY=/usr/bin/python3 # Debian's, with python3-yaml (not a pyenv python3)
TMP=$(mktemp -d /tmp/vipd-t-generate.XXXXXX)
FAILS=0
trap 'rm -rf "$TMP"' EXIT

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1${2:+: $2}"
	FAILS=$((FAILS + 1))
}

for b in "$VIPD" "$VIPCTL"; do
	[ -x "$b" ] || { echo "FAIL no binary at $b (build first)"; exit 1; }
done

# group NAME VIP PEERS [OPTION...]: one config per master; each passes
# vipd -t --offline; priorities distinct, VRIDs equal, unicast peers right.
group() {
	local name=$1 vip=$2 peers=$3 n i ok=1 prios vrids
	shift 3
	IFS=, read -r -a list <<<"$peers"
	n=${#list[@]}
	for ((i = 1; i <= n; i++)); do
		if ! "$VIPCTL" generate config --vip "$vip" --interface eth0 --peers "$peers" \
			--node "$i" "$@" >"$TMP/$name.$i.conf" 2>"$TMP/err"; then
			fail "${name}_generate_node_$i" "$(cat "$TMP/err")"
			return
		fi
		if ! "$VIPD" -t --offline -f "$TMP/$name.$i.conf" >"$TMP/err" 2>&1; then
			fail "${name}_node_${i}_passes_vipd_t" "$(cat "$TMP/err")"
			ok=0
		fi
	done
	[ $ok -eq 1 ] && pass "${name}_configs_pass_vipd_t_offline"
	prios=$(cat "$TMP/$name".*.conf | grep -oE '(^|[^_])priority = [0-9]+;' | sort -u | wc -l)
	vrids=$(cat "$TMP/$name".*.conf | grep -oE 'vrid = [0-9]+;' | sort -u | wc -l)
	if [ "$prios" -eq "$n" ]; then pass "${name}_priorities_distinct"; else
		fail "${name}_priorities_distinct" "$prios distinct for $n masters"; fi
	if [ "$vrids" -eq 1 ]; then pass "${name}_vrid_equal"; else
		fail "${name}_vrid_equal" "$vrids different VRIDs"; fi
}

group v4_multicast 192.0.2.100/24 192.0.2.11,192.0.2.12,192.0.2.13
group v4_unicast 192.0.2.100/24 192.0.2.11,192.0.2.12,192.0.2.13 --unicast
group v6_unicast 2001:db8::100/64 2001:db8::11,2001:db8::12,2001:db8::13 --unicast \
	--vrid 7 --advert-interval 0.1

# The normalized form of node 2 (unicast) holds what the command asked for.
if "$VIPD" -n -f "$TMP/v4_unicast.2.conf" >"$TMP/norm" 2>"$TMP/err" &&
	grep -q 'priority = 253;' "$TMP/norm" && grep -q 'vrid = 51;' "$TMP/norm" &&
	grep -q 'unicast_source = "192.0.2.12";' "$TMP/norm" &&
	grep -q 'unicast_peers = \[ "192.0.2.11", "192.0.2.13" \];' "$TMP/norm" &&
	grep -q 'version = 3;' "$TMP/norm" &&
	grep -q 'target = "https://127.0.0.1:6443/readyz";' "$TMP/norm"; then
	pass unicast_node_2_normalized
else
	fail unicast_node_2_normalized "$(cat "$TMP/err" "$TMP/norm" | head -c 400)"
fi
if grep -q 'advert_interval = 0.1;' <("$VIPD" -n -f "$TMP/v6_unicast.1.conf" 2>&1); then
	pass advert_interval_option
else
	fail advert_interval_option
fi
# Node by address is node by index.
"$VIPCTL" generate config --vip 192.0.2.100/24 --interface eth0 \
	--peers 192.0.2.11,192.0.2.12,192.0.2.13 --node 192.0.2.13 >"$TMP/byaddr.conf"
if cmp -s <(grep -v '^#' "$TMP/byaddr.conf") <(grep -v '^#' "$TMP/v4_multicast.3.conf"); then
	pass node_by_address
else
	fail node_by_address
fi

# --routed: masters in three subnets; the VIP on lo, unicast to the other
# masters, TTL down to 255 - hops accepted (default 3 hops: 252).
group v4_routed 198.51.100.100/32 192.0.2.2,192.0.2.18,192.0.2.34 --routed
group v6_routed 2001:db8:100::100/128 2001:db8:1::2,2001:db8:2::2,2001:db8:3::2 --routed \
	--hops 1
if "$VIPD" -n -f "$TMP/v4_routed.3.conf" >"$TMP/norm" 2>"$TMP/err" &&
	grep -q 'vip_interface = "lo";' "$TMP/norm" &&
	grep -q 'unicast_ttl_min = 252;' "$TMP/norm" &&
	grep -q 'unicast_source = "192.0.2.34";' "$TMP/norm" &&
	grep -q 'unicast_peers = \[ "192.0.2.2", "192.0.2.18" \];' "$TMP/norm" &&
	grep -q 'vips = \[ "198.51.100.100/32" \];' "$TMP/norm"; then
	pass routed_node_3_normalized
else
	fail routed_node_3_normalized "$(cat "$TMP/err" "$TMP/norm" | head -c 400)"
fi
if grep -q 'unicast_ttl_min = 254;' <("$VIPD" -n -f "$TMP/v6_routed.1.conf" 2>&1) &&
	grep -q '^#   ipv6 prefix-list VIP seq 10 permit 2001:db8:100::100/128$' \
		"$TMP/v6_routed.1.conf"; then
	pass routed_hops_option_and_frr_lines
else
	fail routed_hops_option_and_frr_lines
fi
if ! grep -q 'vip_interface' "$TMP/v4_unicast.1.conf"; then
	pass unicast_without_routed_keeps_the_vip_on_the_interface
else
	fail unicast_without_routed_keeps_the_vip_on_the_interface
fi

# usage NAME ARGS...: exit 2, nothing on stdout.
usage() {
	local name=$1 rc
	shift
	"$VIPCTL" "$@" >"$TMP/out" 2>/dev/null
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ]; then pass "$name"; else
		fail "$name" "exit $rc, stdout $(head -c 100 "$TMP/out")"; fi
}
usage generate_nothing_exits_2 generate
usage generate_missing_required_exits_2 generate config --vip 192.0.2.100/24
usage generate_bad_node_exits_2 generate config --vip 192.0.2.100/24 --interface eth0 \
	--peers 192.0.2.11,192.0.2.12 --node 3
usage generate_routed_needs_a_host_vip_exits_2 generate config --vip 198.51.100.100/24 \
	--interface eth0 --peers 192.0.2.2,192.0.2.18 --node 1 --routed
usage generate_hops_without_routed_exits_2 generate config --vip 198.51.100.100/32 \
	--interface eth0 --peers 192.0.2.2,192.0.2.18 --node 1 --hops 2
usage generate_hops_out_of_range_exits_2 generate config --vip 198.51.100.100/32 \
	--interface eth0 --peers 192.0.2.2,192.0.2.18 --node 1 --routed --hops 255
usage generate_pod_relative_config_exits_2 generate static-pod --config vipd.conf
# generate connects to no socket: it works with an unreachable -s.
if "$VIPCTL" -s "$TMP/none.sock" generate static-pod --config /etc/vipd/vipd.conf \
	>"$TMP/pod.yaml" 2>"$TMP/err"; then
	pass generate_needs_no_socket
else
	fail generate_needs_no_socket "$(cat "$TMP/err")"
fi

# The manifest, through a real YAML parser.
if ! "$PY" -c 'import yaml' 2>/dev/null; then
	fail manifest_yaml "no python3-yaml for $PY (scripts/bootstrap.sh installs it)"
else
	"$VIPCTL" generate static-pod --config /etc/vipd/vipd.conf --image registry.example/vipd:9 \
		>"$TMP/pod2.yaml"
	"$PY" - "$TMP/pod.yaml" "$TMP/pod2.yaml" <<'EOF' || FAILS=$((FAILS + 1))
import sys
import yaml

failed = False


def check(name, cond):
    global failed
    failed = failed or not cond
    print(("PASS " if cond else "FAIL ") + name)


pod = yaml.safe_load(open(sys.argv[1]))
spec = pod["spec"]
c = spec["containers"][0]
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
volumes = {v["name"]: v for v in spec["volumes"]}
caps = c["securityContext"]["capabilities"]
probe = c["livenessProbe"]["exec"]["command"]
check("manifest_is_a_pod_in_kube_system",
      pod["apiVersion"] == "v1" and pod["kind"] == "Pod"
      and pod["metadata"]["namespace"] == "kube-system")
check("manifest_host_network", spec["hostNetwork"] is True)
check("manifest_priority_class", spec["priorityClassName"] == "system-node-critical")
check("manifest_caps_drop_all", caps["drop"] == ["ALL"])
check("manifest_caps_add_exactly_net_admin_net_raw",
      sorted(caps["add"]) == ["NET_ADMIN", "NET_RAW"])
check("manifest_not_privileged", not c["securityContext"].get("privileged", False))
check("manifest_command",
      c["command"] == ["/usr/sbin/vipd", "-f", "/etc/vipd/vipd.conf", "--log", "stderr",
                       "--control", "/run/vipd/vipd.sock"])
check("manifest_config_mounted_read_only",
      mounts["/etc/vipd/vipd.conf"].get("readOnly") is True
      and volumes[mounts["/etc/vipd/vipd.conf"]["name"]]["hostPath"]["path"]
      == "/etc/vipd/vipd.conf")
check("manifest_ca_mounted_read_only",
      mounts["/etc/kubernetes/pki/ca.crt"].get("readOnly") is True
      and volumes[mounts["/etc/kubernetes/pki/ca.crt"]["name"]]["hostPath"]["path"]
      == "/etc/kubernetes/pki/ca.crt")
check("manifest_socket_dir_mounted", "/run/vipd" in mounts)
check("manifest_liveness_probe_asks_status_on_the_socket",
      probe == ["/usr/bin/vipctl", "-s", "/run/vipd/vipd.sock", "status"]
      and c["livenessProbe"]["timeoutSeconds"] > 5)
check("manifest_default_image", c["image"].startswith("vipd:"))
pod2 = yaml.safe_load(open(sys.argv[2]))
check("manifest_image_option", pod2["spec"]["containers"][0]["image"] == "registry.example/vipd:9")
sys.exit(1 if failed else 0)
EOF
fi

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS check(s) failed"
	exit 1
fi
echo "all passed"
