#!/bin/bash
# CPU cost (user + sys) of one native HTTPS check run (src/check_net.c, through
# tests/integration/net_probe_driver) versus one exec of a curl check script
# like the kubeadm guide's check_apiserver.sh, against the same local HTTPS
# stand-in (python3 HTTP/1.1 over TLS, RSA 2048 server key like kubeadm's).
#
# Native cost = (CPU of the driver doing N+1 runs - CPU doing 1 run) / N, from
# the driver's getrusage, so process start and TLS context set-up are left out
# (the daemon pays them once). Script cost = CPU of a shell loop exec'ing the
# script N times (/usr/bin/time; children included: sh, curl, the loop's fork,
# as keepalived's fork + exec would be), divided by N.
#
#   N=200 (runs per case)  NET_PROBE_DRIVER=path (else built into the temp dir)
# Loopback only, port in 16000-16999; every step is time-bounded.
set -u
export LC_ALL=C

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=${N:-200}
TMP=$(mktemp -d /tmp/vnet-bench.XXXXXX)
PORT=$((16900 + ($$ % 50)))
PORT_NT=$((PORT + 50)) # the same stand-in without session tickets
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

die() {
	echo "check_cost: $*" >&2
	exit 1
}

# The driver is built by `make check` (tests/integration/net_probe_driver).
DRIVER=${NET_PROBE_DRIVER:-$TOP/tests/integration/net_probe_driver}
[ -x "$DRIVER" ] || { die "no net_probe_driver at $DRIVER (run make check TESTS= first)"; }
command -v curl >/dev/null || die "curl is needed"
[ -x /usr/bin/time ] || die "/usr/bin/time is needed"

# ---- PKI and stand-in
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/ca.key" -out "$TMP/ca.crt" \
	-days 2 -subj /CN=vnet-bench-ca 2>/dev/null || die "openssl req"
openssl req -newkey rsa:2048 -nodes -keyout "$TMP/srv.key" -out "$TMP/srv.csr" \
	-subj /CN=kubernetes 2>/dev/null || die "openssl req"
openssl x509 -req -in "$TMP/srv.csr" -CA "$TMP/ca.crt" -CAkey "$TMP/ca.key" \
	-CAcreateserial -out "$TMP/srv.crt" -days 2 \
	-extfile <(printf 'subjectAltName=DNS:kubernetes\n') 2>/dev/null || die "openssl x509"

cat >"$TMP/standin.py" <<'EOF'
# HTTP/1.1 (keep-alive) over TLS; argv: port cert key [notickets]
import http.server, ssl, sys

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = 65536  # one write per answer (flushed after each request)
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"ok\n")
    def log_message(self, *args):
        pass

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
if len(sys.argv) > 4:
    ctx.options |= ssl.OP_NO_TICKET
    ctx.num_tickets = 0
httpd = Server(("127.0.0.1", int(sys.argv[1])), Handler)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
httpd.serve_forever()
EOF

start_standin() { # PORT [notickets]
	python3 "$TMP/standin.py" "$1" "$TMP/srv.crt" "$TMP/srv.key" ${2:+"$2"} \
		</dev/null >"$TMP/standin-$1.log" 2>&1 &
	BG_PIDS+=($!)
	for _ in $(seq 50); do
		[ -n "$(ss -Hltn "sport = :$1")" ] && return 0
		sleep 0.1
	done
	die "stand-in on port $1 did not start"
}
start_standin "$PORT"
start_standin "$PORT_NT" notickets

# ---- native
driver_cpu_ms() { # RUNS ARGS...: user+sys ms of one driver process
	local runs=$1 out
	shift
	out=$(timeout 120 "$DRIVER" -q -u -i 0 -o 2 -n "$runs" "$@") || die "driver failed"
	grep -q "fail=0 " <<<"$out" || die "driver runs failed: $out"
	awk '/^cpu:/ { split($2, u, "="); split($3, s, "="); printf "%.3f", u[2] + s[2] }' <<<"$out"
}

native_per_run() { # LABEL ARGS...
	local label=$1 one many
	shift
	one=$(driver_cpu_ms 1 "$@")
	many=$(driver_cpu_ms $((N + 1)) "$@")
	awk -v l="$label" -v a="$one" -v b="$many" -v n="$N" \
		'BEGIN { printf "%-64s %8.3f ms CPU per run\n", l, (b - a) / n }'
}

echo "CPU cost per check run, N=$N runs each, loopback stand-in (RSA 2048, TLS 1.3)"
VERIFY=(-c "$TMP/ca.crt" -s kubernetes)
URL=https://127.0.0.1:$PORT/livez
URL_NT=https://127.0.0.1:$PORT_NT/livez
native_per_run "native https, kept-alive connection (verify CA)" "${VERIFY[@]}" https "$URL"
native_per_run "native https, new connection, resumed TLS session (verify CA)" \
	-N "${VERIFY[@]}" https "$URL"
native_per_run "native https, new connection, full handshake (verify CA)" \
	-N "${VERIFY[@]}" https "$URL_NT"
native_per_run "native https, new connection, full handshake (insecure)" \
	-N -k https "$URL_NT"

# ---- exec of a curl script, as keepalived runs check_apiserver.sh
script_per_run() { # LABEL URL
	local label=$1 t
	cat >"$TMP/check_apiserver.sh" <<EOF
#!/bin/sh
errorExit() {
	echo "*** \$*" 1>&2
	exit 1
}
curl --silent --max-time 2 --insecure $2 -o /dev/null || errorExit "Error GET $2"
EOF
	chmod +x "$TMP/check_apiserver.sh"
	"$TMP/check_apiserver.sh" || die "the curl script fails against the stand-in"
	# shellcheck disable=SC2016 # the inner bash expands them
	t=$(timeout 300 /usr/bin/time -f "%U %S" bash -c \
		'for ((i = 0; i < $1; i++)); do "$2" || exit 1; done' _ "$N" \
		"$TMP/check_apiserver.sh" 2>&1 >/dev/null | tail -1) || die "curl loop failed"
	awk -v l="$label" -v t="$t" -v n="$N" \
		'BEGIN { split(t, a, " "); printf "%-64s %8.3f ms CPU per run\n", l, (a[1] + a[2]) * 1000 / n }'
}
script_per_run "exec check_apiserver.sh (sh + curl --insecure)" "$URL_NT"
