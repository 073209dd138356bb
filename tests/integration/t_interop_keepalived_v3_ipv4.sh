#!/bin/bash
# Interop, VRRPv3 over IPv4, 0.5 s: vipd (m1 50, m2 120) and keepalived (m3)
# in one VRID; see interop_run in lib.sh for the phases.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
interop_run 3 0.5 "$VIP4/24"
echo PASS
