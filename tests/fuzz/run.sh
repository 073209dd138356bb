#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run each for SECONDS (default 60).
# Not part of the suite: a separate, longer command.
#   bash tests/fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
out=$(mktemp -d /tmp/vipd-fuzz.XXXXXX)
flags="-std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc"

clang $flags tests/fuzz/fuzz_vrrp_packet.c src/vrrp_packet.c src/ipaddr.c -o "$out/fuzz_vrrp_packet"
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

# requests: two bytes pick the split point, then the request
i=0
for t in 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9650\r\nAccept: text/plain\r\n\r\n' \
	'GET /healthz HTTP/1.0\n\n' 'POST http://[::1]:9650/metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n' \
	'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n'; do
	printf "\000\020$t" >"$out/fuzz_http_req.corpus/seed$i"
	i=$((i + 1))
done

run_target() {
	local target=$1
	shift
	echo "== $target for ${seconds}s"
	(cd "$out" && "./$target" -max_total_time="$seconds" -print_final_stats=1 "$@" \
		"$target.corpus" 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done')
}
run_target fuzz_vrrp_packet
run_target fuzz_config -dict="$PWD/tests/fuzz/config.dict"
run_target fuzz_http_resp
run_target fuzz_check_target
run_target fuzz_keepalived_import -dict="$PWD/tests/fuzz/keepalived.dict" -detect_leaks=0
run_target fuzz_http_req -max_len=8200
echo "artifacts and corpora: $out"
