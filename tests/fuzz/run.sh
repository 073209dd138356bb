#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run each for SECONDS (default 60),
# FUZZ_JOBS at a time (default: the number of CPUs). Prints "PASS target: N
# executions in Ss" or "FAIL target" with the sanitizer's report and the
# crashing input (kept in the output dir); exits 1 if any target failed.
# The suite runs it briefly (tests/fuzz_smoke.sh); a longer run is this command:
#   bash tests/fuzz/run.sh [SECONDS]        FUZZ_OUT=dir keeps corpora there
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
jobs=${FUZZ_JOBS:-$(nproc)}
out=${FUZZ_OUT:-$(mktemp -d /tmp/vipd-fuzz.XXXXXX)}
mkdir -p "$out"
# UBSan findings abort (a crash for libFuzzer) instead of printing and going on.
flags="-std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc"

clang $flags tests/fuzz/fuzz_vrrp_packet.c src/vrrp_packet.c src/vrrp_ah.c src/ipaddr.c \
	$(pkg-config --libs libcrypto) -o "$out/fuzz_vrrp_packet"
# The loader alone: config_system.c (the system checks) is not fuzzed.
clang $flags $(pkg-config --cflags libconfig) tests/fuzz/fuzz_config.c src/config.c \
	src/config_keys.c src/config_print.c src/config_scan.c src/check_target.c src/ipaddr.c \
	src/log.c $(pkg-config --libs libconfig) -o "$out/fuzz_config"
clang $flags tests/fuzz/fuzz_http_resp.c src/http_resp.c -o "$out/fuzz_http_resp"
clang $flags tests/fuzz/fuzz_http_req.c src/http_req.c -o "$out/fuzz_http_req"
clang $flags tests/fuzz/fuzz_check_target.c src/check_target.c src/ipaddr.c \
	-o "$out/fuzz_check_target"
# The keepalived importer: its parser and mapping, and vipd's loader (no files read).
clang $flags $(pkg-config --cflags libconfig) tests/fuzz/fuzz_keepalived_import.c \
	src/keepalived_parse.c src/keepalived_import.c src/keepalived_import_instance.c \
	src/keepalived_import_advice.c src/config.c src/config_keys.c src/config_print.c \
	src/config_scan.c src/check_target.c src/ipaddr.c src/log.c $(pkg-config --libs libconfig) \
	-o "$out/fuzz_keepalived_import"

# libconfig 1.5 itself leaks a few bytes after a syntax error: suppress only that.
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/fuzz_config.lsan.supp"
mkdir -p "$out/fuzz_vrrp_packet.corpus" "$out/fuzz_config.corpus" "$out/fuzz_http_resp.corpus" \
	"$out/fuzz_check_target.corpus" "$out/fuzz_http_req.corpus"
cp tests/unit/config/*.conf conf/*.conf* "$out/fuzz_config.corpus/"
mkdir -p "$out/fuzz_keepalived_import.corpus"
cp tests/unit/import/*.conf tests/unit/import/*.part "$out/fuzz_keepalived_import.corpus/"
# check targets: the first byte picks the grammar (odd: https, even: tcp)
i=0
for t in '\001https://127.0.0.1:6443/livez' '\001https://[::1]/readyz?verbose' \
	'\001https://localhost:8443' '\000127.0.0.1:2379' '\000[2001:db8::1]:2379' \
	'\000localhost:80' '\000etcd.local:2379'; do
	printf "$t" >"$out/fuzz_check_target.corpus/seed$i"
	i=$((i + 1))
done

# adverts: a mode byte (0 as is, 1/2 checksum repaired), then an IPv4 packet or
# a bare VRRP message: the first frames of keepalived's captures (v2 PASS, v2
# AH and its priority-0 last one, v3, v3 over IPv6 without its IPv6 header, v3 unicast)
i=0
for h in 45c0002800010000ff701887c000020be00000122133650101018233c00002643432000000000000 \
	45c0004400010000ff3318a8c000020be000001270040000c000020b00000001c1b9ff175592c986ecb8e507213496020201c1fbc0000265c00002660000000000000000 \
	45c0004400040000ff3318a5c000020be000001270040000c000020b000000046d1927e2bef74a5088cd55ca21340002020157fcc0000265c00002660000000000000000 \
	45c0002400010000ff70188bc000020be00000123135c80200327754c0000267c6336407 \
	3136780200642b42fe80000000000000000000000000005420010db8000000000000000000000054 \
	45c0002000010000ff7035d9c000020bc00002c831376401006422a9c0000269; do
	for mode in 00 01; do
		printf "$(echo "$mode$h" | sed 's/../\\x&/g')" >"$out/fuzz_vrrp_packet.corpus/seed$i"
		i=$((i + 1))
	done
done

# responses: two bytes pick the split point, then the response
i=0
for t in 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' \
	'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n' \
	'HTTP/1.0 500 Internal Server Error\r\nConnection: close\r\n\r\nbody' \
	'HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n'; do
	printf "\000\020$t" >"$out/fuzz_http_resp.corpus/seed$i"
	i=$((i + 1))
done

# requests: two bytes pick the split point, then the request
i=0
for t in 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9650\r\nAccept: text/plain\r\n\r\n' \
	'GET /healthz HTTP/1.0\n\n' 'POST http://[::1]:9650/metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n' \
	'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n'; do
	printf "\000\020$t" >"$out/fuzz_http_req.corpus/seed$i"
	i=$((i + 1))
done

# fuzz_one TARGET [ARGS]: run it, print its PASS or FAIL lines. No input may
# take 25 s (a hang fails too); leaks fail (ASan's LeakSanitizer). A target
# run with -detect_leaks=0 (a library that leaks makes every check slow) has
# its whole corpus run again once afterwards with leak checks.
fuzz_one() {
	local target=$1 rc=0 n t0 t1
	shift
	t0=$(date +%s)
	(cd "$out" && exec "./$target" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
		-artifact_prefix="$out/$target-" "$@" "$target.corpus") >"$out/$target.log" 2>&1 || rc=$?
	if [ $rc -eq 0 ] && [[ " $* " == *" -detect_leaks=0 "* ]]; then
		(cd "$out" && exec "./$target" -runs=0 -detect_leaks=1 -timeout=25 \
			-artifact_prefix="$out/$target-leak-" "$target.corpus") \
			>"$out/$target.leaks.log" 2>&1 || { rc=$?; cat "$out/$target.leaks.log" >>"$out/$target.log"; }
	fi
	t1=$(date +%s)
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$target.log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		echo "PASS $target: ${n:-?} executions in $((t1 - t0))s"
	else
		echo "FAIL $target (exit $rc after ${n:-?} executions, $((t1 - t0))s)"
		grep -E -A 30 '^==[0-9]+==|runtime error:|ERROR: libFuzzer' "$out/$target.log" |
			head -n 60 | sed 's/^/    /'
		ls "$out/$target-"* 2>/dev/null | sed 's/^/    input: /'
	fi
}
# run_target TARGET [ARGS]: start it, at most $jobs at a time; the report
# comes in the order the targets were started.
started=()
run_target() {
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
	fuzz_one "$@" >"$out/$1.result" 2>&1 &
	started+=("$1")
}
run_target fuzz_vrrp_packet
run_target fuzz_config -dict="$PWD/tests/fuzz/config.dict" -detect_leaks=0
run_target fuzz_http_resp
run_target fuzz_check_target
run_target fuzz_keepalived_import -dict="$PWD/tests/fuzz/keepalived.dict" -detect_leaks=0
run_target fuzz_http_req -max_len=8200
wait || true
failed=0
for target in "${started[@]}"; do
	cat "$out/$target.result"
	grep -q '^PASS' "$out/$target.result" || failed=1
done
echo "artifacts, logs and corpora: $out"
exit $failed
