# shellcheck shell=bash
# Apiserver stand-ins for the health-check namespace tests; sourced after
# lib.sh. Each master runs an HTTPS server on port 6443 (replacing the lab's
# plain listener) with a certificate for "kubernetes" signed by a throwaway CA,
# as kubeadm's is. The client reaches VIP:6443 over HTTPS and learns which
# master answered.

STANDIN=$LIB_DIR/apiserver_standin.py
# Debian's python3 (the stand-in needs only the standard library): a pyenv
# shim first in PATH adds seconds to each start on a loaded machine.
STANDIN_PY=/usr/bin/python3
[ -x "$STANDIN_PY" ] || STANDIN_PY=python3

# pki_setup: a CA and a server certificate for "kubernetes" (and 127.0.0.1),
# in $LAB_DIR/pki.
pki_setup()
{
	local d=$LAB_DIR/pki
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=vipd-test-ca \
	    -keyout "$d/ca.key" -out "$d/ca.crt" >/dev/null 2>&1 || fail "cannot make the CA"
	openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver \
	    -keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 || fail "cannot make the key"
	printf 'subjectAltName=DNS:kubernetes,IP:127.0.0.1,IP:%s\n' "$VIP4" >"$d/ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
	    -CAcreateserial -days 2 -extfile "$d/ext" -out "$d/server.crt" >/dev/null 2>&1 ||
	    fail "cannot sign the server certificate"
}

_apiserver_up() { ip netns exec "$(ns "$1")" ss -Hltn "sport = :$PORT" | grep -q .; }

# apiserver_start NODE: start the HTTPS stand-in on NODE (stopping the lab's
# plain listener first); waits until it listens.
apiserver_start()
{
	local node=$1 d=$LAB_DIR/pki pid
	pid=$(cat "$LAB_DIR/$node.listener.pid" 2>/dev/null)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && rm -f "$LAB_DIR/$node.listener.pid"
	wait_for 3 eval "! _apiserver_up $node" || fail "the plain listener of $node does not stop"
	ip netns exec "$(ns "$node")" "$STANDIN_PY" "$STANDIN" "$node" "$PORT" \
	    "$d/server.crt" "$d/server.key" "$LAB_DIR/$node.notready" \
	    </dev/null >>"$LAB_DIR/$node.apiserver.log" 2>&1 &
	echo $! >"$LAB_DIR/$node.apiserver.pid"
	disown $!
	wait_for 10 _apiserver_up "$node" || fail "the apiserver stand-in of $node does not listen"
}

# apiserver_not_ready NODE / apiserver_ready NODE: NODE's stand-in answers
# /readyz with 500 (it lost etcd, or it is shutting down) while it stays up,
# or with 200 again. apiserver_not_ready prints the time (ms).
apiserver_not_ready() { : >"$LAB_DIR/$1.notready"; now_ms; }
apiserver_ready() { rm -f "$LAB_DIR/$1.notready"; }

# apiserver_kill NODE: the apiserver process dies (kill -9). Prints the time (ms).
apiserver_kill()
{
	local pid
	pid=$(cat "$LAB_DIR/$1.apiserver.pid") || fail "no apiserver on $1"
	kill -9 "$pid"
	now_ms
	rm -f "$LAB_DIR/$1.apiserver.pid"
	wait_for 3 eval "! _apiserver_up $1" || fail "the apiserver of $1 still listens"
}

# checks_conf NODE PRIO [INTERVAL] [PREEMPT]: a config like conf/kubeadm.conf:
# the native https check of the local apiserver (weight -50, rise 2, fall 2,
# every 0.5 s), adverts every INTERVAL (default 1) s, a notify hook that
# appends its arguments to $LAB_DIR/NODE.notify.
checks_conf()
{
	local node=$1 prio=$2 interval=${3:-1} preempt=${4:-true}
	cat <<CONF
vipd: { router_id = "$node"; script_user = "root"; };
checks = (
  { name = "apiserver"; type = "https"; target = "https://127.0.0.1:$PORT/livez";
    ca_file = "$LAB_DIR/pki/ca.crt"; server_name = "kubernetes";
    interval = 0.5; timeout = 0.4; rise = 2; fall = 2; weight = -50; }
);
instances = (
  { name = "apiserver"; interface = "eth0"; vrid = $VRID; priority = $prio;
    advert_interval = $interval; preempt = $preempt;
    vips = [ "$VIP4/24" ];
    track_checks = [ "apiserver" ];
    notify = "$LAB_DIR/notify.sh $node"; }
);
CONF
}

# notify_setup: the notify hook used by checks_conf.
notify_setup()
{
	cat >"$LAB_DIR/notify.sh" <<'SH'
#!/bin/sh
# notify NODE INSTANCE STATE PRIORITY: one line per call.
node=$1
shift
echo "$*" >>"$(dirname "$0")/$node.notify"
SH
	chmod 755 "$LAB_DIR/notify.sh"
}

# checks_lab N: lab_setup N plus the PKI, the notify hook and a stand-in on
# every master.
checks_lab()
{
	local n
	lab_setup "$1"
	pki_setup
	notify_setup
	for n in "${LAB_MASTERS[@]}"; do apiserver_start "$n"; done
}

# https_client_gets VIP NODE: the client's HTTPS GET to VIP:6443 (verified
# against the CA, name "kubernetes") is answered by NODE.
https_client_gets()
{
	local out
	out=$(ip netns exec "$(ns cl)" curl -s --max-time 1 --cacert "$LAB_DIR/pki/ca.crt" \
	    --resolve "kubernetes:$PORT:$1" "https://kubernetes:$PORT/livez" 2>/dev/null)
	[ "$out" = "$2" ]
}

# tcp_probe_start VIP: every 20 ms (bounded: 60 s) try a TCP connection from
# the client to VIP:6443 (timeout 0.2 s) and log "start_ms end_ms ok".
tcp_probe_start()
{
	: >"$LAB_DIR/tcpprobe.log"
	ip netns exec "$(ns cl)" bash -c '
		t=${EPOCHREALTIME/./}; end=$(( 10#$t / 1000 + 60000 ))
		while t=${EPOCHREALTIME/./}; s=$(( 10#$t / 1000 )); [ "$s" -lt "$end" ]; do
			{ if socat -T0.3 /dev/null "TCP4:$1:$2,connect-timeout=0.2" 2>/dev/null; then
				t=${EPOCHREALTIME/./}; echo "$s $(( 10#$t / 1000 )) ok"
			  fi; } >>"$3" &
			sleep 0.02
		done
		wait' probe "$1" "$PORT" "$LAB_DIR/tcpprobe.log" </dev/null >/dev/null 2>&1 &
	LAB_PROBE_PID=$!
}

# tcp_outage_since T0_MS: ms from T0 to the end of the first successful
# connection that started after T0.
tcp_outage_since()
{
	sort -n "$LAB_DIR/tcpprobe.log" | awk -v t0="$1" '$1 >= t0 { print $2 - t0; exit }'
}

# ka_guide_conf NODE PRIORITY: the kubeadm HA guide's keepalived.conf for NODE
# (MASTER at 101, BACKUP otherwise): VRID 51, PASS auth, check_apiserver.sh
# (DIR/check_apiserver.sh) every 3 s with weight -2, fall 10, rise 2;
# router_id and script_user set so that it runs in the lab.
ka_guide_conf()
{
	local state=BACKUP
	[ "$2" = 101 ] && state=MASTER
	cat <<CONF
global_defs {
    router_id $1
    script_user root
    enable_script_security
}
vrrp_script check_apiserver {
    script "$LAB_DIR/check_apiserver.sh"
    interval 3
    weight -2
    fall 10
    rise 2
}
vrrp_instance VI_1 {
    state $state
    interface eth0
    virtual_router_id $VRID
    priority $2
    authentication {
        auth_type PASS
        auth_pass 42
    }
    virtual_ipaddress {
        $VIP4/24
    }
    track_script {
        check_apiserver
    }
}
CONF
}
