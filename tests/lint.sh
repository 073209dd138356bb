#!/usr/bin/env bash
# Static analysis of src/: cppcheck and clang-tidy must stay quiet.
set -u
cd "$(dirname "$0")/.."
rc=0
if cppcheck -j "$(nproc)" --enable=warning,performance,portability --error-exitcode=1 \
	--inline-suppr -q --std=c11 -D__linux__ -Isrc --include=tests/lint_jansson.h src/*.c 2>&1; then
	echo "PASS cppcheck"
else
	echo "FAIL cppcheck"
	rc=1
fi
flags="-std=gnu11 -Isrc -DPACKAGE_VERSION=\"lint\" $(pkg-config --cflags libnl-route-3.0 libmnl libconfig openssl)"
checks='-*,clang-analyzer-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-bugprone-narrowing-conversions,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-clang-analyzer-security.insecureAPI.strcpy,-clang-analyzer-valist.Uninitialized,-bugprone-sizeof-expression'
# valist.Uninitialized: clang 14 reports every va_start/vsnprintf/va_end wrapper (a
# known false positive of that version), so it is off. sizeof-expression flags
# calloc(n, sizeof(*array_of_pointers)), the idiom we use for pointer arrays.
# One clang-tidy per file, as many at once as there are CPUs; any failure fails.
export checks flags
# shellcheck disable=SC2016 # $checks and $flags expand in the child shell
out=$(printf '%s\n' src/*.c | xargs -P "$(nproc)" -n 1 sh -c \
	'clang-tidy --quiet -checks="$checks" --warnings-as-errors="*" "$0" -- $flags' 2>&1)
if [ $? -eq 0 ]; then
	echo "PASS clang-tidy"
else
	echo "$out" | grep -E 'warning|error' | head -40
	echo "FAIL clang-tidy"
	rc=1
fi
exit $rc
