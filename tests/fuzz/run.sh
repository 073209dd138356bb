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
clang $flags $(pkg-config --cflags libconfig) tests/fuzz/fuzz_config.c src/config*.c src/ipaddr.c \
	src/log.c $(pkg-config --libs libconfig) -o "$out/fuzz_config"
clang $flags tests/fuzz/fuzz_http_resp.c src/http_resp.c -o "$out/fuzz_http_resp"

# libconfig 1.5 itself leaks a few bytes after a syntax error: suppress only that.
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/fuzz_config.lsan.supp"
mkdir -p "$out/fuzz_vrrp_packet.corpus" "$out/fuzz_config.corpus" "$out/fuzz_http_resp.corpus"
cp tests/unit/config/*.conf conf/*.conf* "$out/fuzz_config.corpus/"

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
echo "artifacts and corpora: $out"
