#!/bin/bash
# Loopback test for src/check_net.c (native tcp and https probes, with
# check_target.c and check_tls.c), driven
# through tests/integration/net_probe_driver. Needs openssl, python3 (only as a
# keep-alive capable HTTPS stand-in) and ss. Ports 16000-16999 on 127.0.0.1/::1.
#
# Stand-ins: `openssl s_server -www` (HTTP/1.0, closes after each answer, like
# the issue's apiserver stand-in), a python3 HTTP/1.1 server over TLS (keep-alive,
# status 500, chunked, Connection: close, silent close, big body), and a python3
# TCP server that accepts and holds connections (never speaks TLS).
#
# NET_PROBE_DRIVER=path picks the driver; without it the driver is built into
# the temp dir from this tree. Prints PASS name / FAIL name; exit 1 on any FAIL.
set -u
export LC_ALL=C

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d /tmp/vnet-test.XXXXXX)
BASE=$((16000 + ($$ % 90) * 10)) # ten ports: BASE .. BASE+9
FAILS=0
BG_PIDS=()

cleanup() {
	local pid
	{
		for pid in "${BG_PIDS[@]}"; do
			kill -9 "$pid"
		done
		wait
	} 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1${2:+: $2}"
	FAILS=$((FAILS + 1))
}
now_ms() { date +%s%3N; }

# The driver is built by `make check` (tests/integration/net_probe_driver).
DRIVER=${NET_PROBE_DRIVER:-$TOP/tests/integration/net_probe_driver}
[ -x "$DRIVER" ] || { echo "FAIL: no net_probe_driver at $DRIVER (run make check TESTS= first)"; exit 1; }

# ---------------------------------------------------------------- PKI

make_pki() {
	local d=$TMP/pki
	mkdir -p "$d" "$d/other"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.crt" \
		-days 2 -subj /CN=vnet-test-ca -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null || return 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/other/ca.key" \
		-out "$d/other/ca.crt" -days 2 -subj /CN=vnet-other-ca 2>/dev/null || return 1
	sign "$d" srv kubernetes 'subjectAltName=DNS:kubernetes\nextendedKeyUsage=serverAuth' ||
		return 1
	sign "$d" client vipd-client 'extendedKeyUsage=clientAuth'
}

# sign DIR NAME CN EXTENSIONS: a key and a certificate signed by DIR/ca.
sign() {
	openssl req -newkey rsa:2048 -nodes -keyout "$1/$2.key" -out "$1/$2.csr" \
		-subj "/CN=$3" 2>/dev/null || return 1
	openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" \
		-CAcreateserial -out "$1/$2.crt" -days 2 \
		-extfile <(printf '%b\n' "$4") 2>/dev/null
}

PKI=$TMP/pki
CA=$PKI/ca.crt

# ---------------------------------------------------------------- stand-ins

cat >"$TMP/https_standin.py" <<'EOF'
# HTTP/1.1 over TLS. argv: port cert key mode [bind]
# modes: ok, 500, chunked, close (says Connection: close), drop (closes
# silently after each answer), big (100 KiB body). Prints "accept" per connection.
import http.server, socket, ssl, sys

port, cert, key, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
bind = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = 65536  # one write per answer (flushed after each request)

    def setup(self):
        super().setup()
        print("accept", flush=True)

    def do_GET(self):
        body = b"x" * 102400 if mode == "big" else b"ok\n"
        self.send_response(500 if mode == "500" else 200)
        if mode == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        if mode == "close":
            self.send_header("Connection", "close")
        self.end_headers()
        if mode == "chunked":
            self.wfile.write(b"2\r\nok\r\n1;ext=1\r\n\n\r\n0\r\n\r\n")
        else:
            self.wfile.write(body)
        if mode == "drop":
            self.close_connection = True

    def log_message(self, *args):
        pass

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    address_family = socket.AF_INET6 if ":" in bind else socket.AF_INET

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
httpd = Server((bind, port), Handler)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
print("listening", flush=True)
httpd.serve_forever()
EOF

cat >"$TMP/tcp_standin.py" <<'EOF'
# Accepts TCP connections and holds them, silent (or closes them at once when
# bind is followed by "close"). argv: port [bind [close]]
import socket, sys
bind = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
close = len(sys.argv) > 3
s = socket.socket(socket.AF_INET6 if ":" in bind else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((bind, int(sys.argv[1])))
s.listen(16)
print("listening", flush=True)
held = []
while True:
    c, _ = s.accept()
    print("accept", flush=True)
    if close:
        c.close()
    else:
        held.append(c)
EOF

wait_port() { # PORT: until something listens on it (5 s at most)
	for _ in $(seq 50); do
		[ -n "$(ss -Hltn "sport = :$1")" ] && return 0
		sleep 0.1
	done
	return 1
}

SRV_PID=""
SRV_LOG=""
start_bg() { # LOGNAME PORT CMD...: start a stand-in, wait for its port
	SRV_LOG=$TMP/$1.log
	local port=$2
	shift 2
	"$@" </dev/null >"$SRV_LOG" 2>&1 &
	SRV_PID=$!
	BG_PIDS+=("$SRV_PID")
	wait_port "$port" || echo "stand-in $SRV_LOG did not start" >&2
}
stop_bg() { # PID
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
s_server() { # LOGNAME PORT [extra s_server options]
	local name=$1 port=$2
	shift 2
	start_bg "$name" "$port" openssl s_server -www -accept "127.0.0.1:$port" \
		-cert "$PKI/srv.crt" -key "$PKI/srv.key" "$@"
}
py_https() { # LOGNAME PORT MODE [BIND]
	start_bg "$1" "$2" python3 "$TMP/https_standin.py" "$2" "$PKI/srv.crt" \
		"$PKI/srv.key" "$3" "${4:-127.0.0.1}"
}
py_tcp() { # LOGNAME PORT [BIND [close]]
	start_bg "$1" "$2" python3 "$TMP/tcp_standin.py" "$2" "${3:-127.0.0.1}" ${4:+"$4"}
}
accepts() { grep -c '^accept' "$1"; }

# connections NAME WANT [BEFORE]: the stand-in accepted WANT connections
# (since it had accepted BEFORE).
connections() {
	local got=$(($(accepts "$SRV_LOG") - ${3:-0}))
	if [ "$got" = "$2" ]; then
		pass "$1"
	else
		fail "$1" "connections: $got, wanted $2"
	fi
}

# expect NAME PATTERN DRIVER-ARGS...: run the driver, grep its output.
expect() {
	local name=$1 pat=$2 out
	shift 2
	out=$("$DRIVER" "$@" 2>&1)
	if grep -qE -- "$pat" <<<"$out"; then
		pass "$name"
	else
		fail "$name" "wanted /$pat/, got: $(tr '\n' '|' <<<"$out")"
	fi
}

# Kill -9 PID, then set DELAY to the ms from the kill to the first driver line
# matching PATTERN in FILE (empty when none comes within 2 s).
kill_and_time() { # PID FILE PATTERN
	local t0 line
	DELAY=""
	t0=$(now_ms)
	KILL_T0=$t0
	stop_bg "$1"
	for _ in $(seq 200); do
		line=$(grep -m1 -E -- "$3" "$2")
		if [ -n "$line" ]; then
			DELAY=$(($(awk '{print $2}' <<<"$line") - t0))
			return
		fi
		sleep 0.01
	done
}

wait_line() { # FILE PATTERN: up to 3 s
	for _ in $(seq 300); do
		grep -qE -- "$2" "$1" && return 0
		sleep 0.01
	done
	return 1
}

# ---------------------------------------------------------------- tests

make_pki || {
	echo "FAIL pki: cannot make certificates"
	exit 1
}
P_SS=$BASE P_PY=$((BASE + 1)) P_TCP=$((BASE + 2)) P_CC=$((BASE + 3)) P_HOLD=$((BASE + 4))
P_DEAD=$((BASE + 5)) P_V6=$((BASE + 6))
U_SS=https://127.0.0.1:$P_SS/
U_PY=https://127.0.0.1:$P_PY/livez

test_setup_errors() {
	expect target_rejects_dns_name 'does not resolve host names' tcp "example.com:$P_TCP"
	expect target_rejects_bare_ipv6 'IPv6 address needs brackets' tcp "::1:$P_TCP"
	expect target_rejects_port_99999 'the port must be 1..65535' https \
		"https://127.0.0.1:99999/livez"
	expect https_target_needs_scheme 'expected https://' https "http://127.0.0.1:$P_SS/"
	expect missing_ca_file_fails_each_run '^summary: runs=2 ok=0 fail=2' \
		-n 2 -i 0.05 -c "$TMP/later/ca.crt" https "$U_SS"
	expect missing_ca_file_reason "fail: ca_file missing: $TMP/later/ca.crt" \
		-n 1 -c "$TMP/later/ca.crt" https "$U_SS"
	echo "not a certificate" >"$TMP/not-a-cert"
	expect ca_file_not_pem_refused_at_setup "ca_file '$TMP/not-a-cert': no PEM certificate" \
		-c "$TMP/not-a-cert" https "$U_SS"
	expect client_cert_missing_refused "client_cert '/nonexistent'" -c "$CA" \
		-C /nonexistent https "$U_SS"
}

# A ca_file that does not exist at start (kubeadm writes it at init): the
# runs fail "ca_file missing" until it appears, then it is loaded and they pass.
ca_file_appears() {
	local out=$TMP/late.out late=$TMP/late/ca.crt
	mkdir -p "$TMP/late"
	"$DRIVER" -n 12 -i 0.1 -c "$late" -s kubernetes https "$U_SS" >"$out" 2>&1 &
	local pid=$!
	sleep 0.45
	cp "$CA" "$late.tmp" && mv "$late.tmp" "$late"
	wait "$pid"
	if grep -q 'fail: ca_file missing' "$out" && grep -q "ca_file '$late' appeared: loaded" "$out" &&
		tail -n 2 "$out" | grep -q 'run 12: ok'; then
		pass ca_file_appearing_later_is_loaded
	else
		fail ca_file_appearing_later_is_loaded "$(tr '\n' '|' <"$out")"
	fi
}

test_s_server() {
	s_server ss "$P_SS"
	expect https_ok_ca_and_server_name '^summary: runs=3 ok=3 fail=0' \
		-n 3 -i 0.05 -c "$CA" -s kubernetes https "$U_SS"
	expect https_wrong_server_name_fails_verify \
		'run 1: fail: tls: certificate verify failed \(hostname mismatch\)' \
		-c "$CA" -s wrong.example https "$U_SS"
	expect https_ip_target_checks_ip_san \
		'run 1: fail: tls: certificate verify failed \(IP address mismatch\)' \
		-c "$CA" https "$U_SS"
	expect https_other_ca_fails_verify 'run 1: fail: tls: certificate verify failed' \
		-c "$PKI/other/ca.crt" -s kubernetes https "$U_SS"
	expect https_insecure_without_ca_ok 'run 1: ok' -k https "$U_SS"
	ca_file_appears
	expect https_localhost_target_ok 'run 1: ok' -c "$CA" -s kubernetes \
		https "https://localhost:$P_SS/healthz"
	stop_bg "$SRV_PID"
	expect https_server_stopped_refused 'run 1: fail: connection refused$' \
		-c "$CA" -s kubernetes https "$U_SS"
}

test_client_cert() {
	s_server cc "$P_CC" -Verify 1 -CAfile "$CA"
	expect client_cert_accepted 'run 1: ok' -c "$CA" -s kubernetes \
		-C "$PKI/client.crt" -K "$PKI/client.key" https "https://127.0.0.1:$P_CC/"
	expect client_cert_required_fails 'run 1: fail: (tls: |connection)' \
		-c "$CA" -s kubernetes https "https://127.0.0.1:$P_CC/"
	stop_bg "$SRV_PID"
}

test_status_and_framing() {
	py_https py500 "$P_PY" 500
	expect https_status_500 'run 1: fail: http status 500$' -c "$CA" -s kubernetes https "$U_PY"
	stop_bg "$SRV_PID"

	py_https chunked "$P_PY" chunked
	expect https_chunked_body_kept_alive 'summary: runs=3 ok=3' -n 3 -i 0.05 \
		-c "$CA" -s kubernetes https "$U_PY"
	connections https_chunked_one_connection 1
	stop_bg "$SRV_PID"

	py_https close "$P_PY" close
	expect https_connection_close_honoured 'summary: runs=3 ok=3' -n 3 -i 0.05 \
		-c "$CA" -s kubernetes https "$U_PY"
	connections https_connection_close_new_connection_each 3
	stop_bg "$SRV_PID"

	py_https big "$P_PY" big
	expect https_big_body_capped_ok 'summary: runs=2 ok=2' -n 2 -i 0.05 \
		-c "$CA" -s kubernetes https "$U_PY"
	stop_bg "$SRV_PID"

	# A server that closes every connection silently after answering:
	# back-to-back runs race the close; none may fail.
	py_https drop "$P_PY" drop
	expect https_silent_close_never_fails 'summary: runs=20 ok=20 fail=0' -n 20 -i 0 \
		-c "$CA" -s kubernetes https "$U_PY"
	stop_bg "$SRV_PID"
}

test_timeout() {
	local out t
	py_tcp hold "$P_HOLD"
	out=$("$DRIVER" -o 0.3 -c "$CA" -s kubernetes https "https://127.0.0.1:$P_HOLD/" 2>&1)
	t=$(awk '/run 1: fail: timeout$/ {printf "%d", $1}' <<<"$out")
	if [ -n "$t" ] && [ "$t" -ge 290 ] && [ "$t" -le 400 ]; then
		pass "https_silent_server_timeout (${t} ms for timeout 300 ms)"
	else
		fail https_silent_server_timeout "$(tr '\n' '|' <<<"$out")"
	fi
	stop_bg "$SRV_PID"
}

test_keepalive_and_lost() {
	local out=$TMP/ka.out
	py_https ka "$P_PY" ok
	expect https_keepalive_5_runs_ok 'summary: runs=5 ok=5 fail=0' -n 5 -i 0.05 \
		-c "$CA" -s kubernetes https "$U_PY"
	connections https_keepalive_one_connection_for_5_runs 1

	# Idle kept connection, stand-in killed: lost, then the immediate re-run fails.
	lost_then_fail https "$out" -c "$CA" -s kubernetes https "$U_PY"
}

# lost_then_fail NAME OUT DRIVER-ARGS...: one run keeps a connection to the
# stand-in SRV_PID, which is then killed: a lost line must follow within 100
# ms, and (re-runs on lost, -R) a failed run soon after. A re-run racing the
# dying server's teardown may see "connection reset" or even succeed once, so
# up to 3 runs are allowed.
lost_then_fail() {
	local name=$1 out=$2 d
	shift 2
	: >"$out"
	"$DRIVER" -n 3 -i 10 -R -w 0.3 "$@" >"$out" 2>&1 &
	BG_PIDS+=($!)
	wait_line "$out" 'run 1: ok' || fail "${name}_lost_setup" "no first run"
	sleep 0.2
	kill_and_time "$SRV_PID" "$out" 'lost: connection (closed by peer|reset)'
	d=$DELAY
	if [ -n "$d" ] && [ "$d" -le 100 ]; then
		pass "${name}_lost_on_server_death (${d} ms after kill)"
	else
		fail "${name}_lost_on_server_death" "delay '${d}': $(tr '\n' '|' <"$out")"
	fi
	wait_line "$out" 'run [23]: fail: ' || true
	d=$(awk -v t0="$((KILL_T0))" '/run [23]: fail: / { print $2 - t0; exit }' "$out")
	if [ -n "$d" ] && [ "$d" -le 150 ]; then
		pass "${name}_rerun_after_lost_fails ($(grep -m1 -oE 'fail: .*' "$out"), ${d} ms after kill)"
	else
		fail "${name}_rerun_after_lost_fails" "$(tr '\n' '|' <"$out")"
	fi
}

test_tcp() {
	local out=$TMP/tcp.out
	py_tcp tcp "$P_TCP"
	expect tcp_ok 'run 1: ok' tcp "127.0.0.1:$P_TCP"
	expect tcp_localhost_ok 'run 1: ok' tcp "localhost:$P_TCP"
	local n0
	n0=$(accepts "$SRV_LOG")
	expect tcp_kept_alive_5_runs 'summary: runs=5 ok=5' -n 5 -i 0.05 tcp "127.0.0.1:$P_TCP"
	connections tcp_one_connection_for_5_runs 1 "$n0"
	n0=$(accepts "$SRV_LOG")
	expect tcp_no_keepalive_5_runs 'summary: runs=5 ok=5' -N -n 5 -i 0.02 tcp "127.0.0.1:$P_TCP"
	connections tcp_no_keepalive_5_connections 5 "$n0"

	lost_then_fail tcp "$out" tcp "127.0.0.1:$P_TCP"

	# A server that closes every connection at once: three losses (each
	# re-run at once, -R, and fine), then no more keeping and no more losses.
	py_tcp tcpclose "$P_TCP" 127.0.0.1 close
	expect tcp_server_closing_at_once_stops_keepalive 'summary: runs=8 ok=8 fail=0 lost=3' \
		-R -n 8 -i 0.05 tcp "127.0.0.1:$P_TCP"
	stop_bg "$SRV_PID"
	expect tcp_refused 'run 1: fail: connection refused$' tcp "127.0.0.1:$P_DEAD"
}

test_ipv6() {
	py_tcp tcp6 "$P_V6" ::1
	expect tcp_ipv6_ok 'run 1: ok' tcp "[::1]:$P_V6"
	stop_bg "$SRV_PID"
	py_https py6 "$P_V6" ok ::1
	expect https_ipv6_ok 'run 1: ok' -c "$CA" -s kubernetes https "https://[::1]:$P_V6/livez"
	stop_bg "$SRV_PID"
}

test_setup_errors
test_s_server
test_client_cert
test_status_and_framing
test_timeout
test_keepalive_and_lost
test_tcp
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then
	test_ipv6
else
	echo "SKIP ipv6: no ::1 on lo"
fi

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS check(s) failed"
	exit 1
fi
echo "all passed"
