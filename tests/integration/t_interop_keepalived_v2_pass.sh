#!/bin/bash
# Interop, VRRPv2 with PASS auth "42", 1 s: vipd (m1 50, m2 120) and keepalived
# (m3) in one VRID; see interop_run in lib.sh for the phases.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
interop_run 2 1 "$VIP4/24" 42
echo PASS
