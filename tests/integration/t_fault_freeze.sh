#!/bin/bash
# vt: solo
# Fault injection, freeze: the Master's vipd (m3) is stopped with SIGSTOP for
# three Master_Down_Intervals, then continued with SIGCONT, at 0.1 s and 1 s
# adverts. Its kernel keeps the VIPs (and answers ARP/ND for them) while m2
# takes over: a split brain until m3 runs again and reads m2's adverts that
# queued meanwhile. The same assertions and figures as the partition test
# (one holder, m3 stays Master, the client's neighbour entries end on m3,
# no IPv6 VIP dadfailed or tentative): see t_fault_partition.sh.
FAULT_KIND=freeze
# shellcheck source=tests/integration/t_fault_partition.sh
. "$(dirname "$0")/t_fault_partition.sh"
