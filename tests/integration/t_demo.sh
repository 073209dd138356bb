#!/bin/bash
# Smoke run of the README's demo (scripts/demo.sh --quick, vipd only): it
# exits 0, every one of its five scenes reports a client outage in ms (a
# number: the VIP moved and the client reached the next master), the VIP ends
# on exactly one node, m1, and the demo leaves no namespace behind. The
# figures are printed, not judged (they depend on the machine's load).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
out=$(mktemp "/tmp/vt$$-demo-out.XXXXXX")
trap 'rm -f "$out"' EXIT
[ -n "${VT_REGISTRY:-}" ] && echo "dir $out" >>"$VT_REGISTRY"

timeout -k 5 105 bash "$TOP_DIR/scripts/demo.sh" --quick >"$out" 2>&1 </dev/null
rc=$?
show() { printf -- '----- demo output -----\n'; cat "$out"; }
[ "$rc" = 0 ] || { show; fail "scripts/demo.sh --quick exited with status $rc"; }
echo "PASS: the demo ran to its end (exit 0)"

# The summary's rows: "  N scene text   OUTAGE".
for i in 1 2 3 4 5; do
	row=$(sed -n '/^client-visible outage/,$p' "$out" | grep -E "^  $i [A-Za-z]" | head -n1)
	figure=$(awk '{ print $NF }' <<<"$row")
	[[ $figure =~ ^[0-9]+$ ]] || { show; fail "scene $i reported no outage figure: '$row'"; }
	measured "demo scene $i, $(sed -E 's/^  [0-9] (.*[^ ]) +[^ ]+$/\1/' <<<"$row"): client outage $figure ms"
done
echo "PASS: every scene reported a client outage in ms"

holders=$(sed -n 's/^VIP [0-9.]* at the end (vipd): //p' "$out")
[ "$holders" = m1 ] || { show; fail "the VIP should end on m1 alone, it is on '$holders'"; }
echo "PASS: the VIP ends on exactly one node (m1)"

prefix=$(sed -n 's/.*lab ready: namespaces \(vt[0-9]*-demo\)-\*.*/\1/p' "$out")
[ -n "$prefix" ] || { show; fail "the demo did not name its namespaces"; }
left=$(ip netns list | awk '{ print $1 }' | grep -c "^$prefix-")
assert_eq 0 "$left" "namespaces $prefix-* left after the demo"
echo "PASS: the demo removed its namespaces ($prefix-*)"
echo PASS
