#!/bin/bash
# Interop, VRRPv3 over IPv6, 0.5 s, VIP 2001:db8::100/64: vipd (m1 50, m2 120)
# and keepalived (m3) in one VRID; see interop_run in lib.sh for the phases.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
interop_run 3 0.5 "$VIP6/64"
echo PASS
