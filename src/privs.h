/* Least privilege, with libcap-ng: once start-up is done the daemon keeps
 * CAP_NET_ADMIN (addresses) and CAP_NET_RAW (VRRP, ARP, NA sockets), plus
 * CAP_SETUID, CAP_SETGID and CAP_KILL while scripts may run (to start them as
 * script_user and kill their process group); every other capability leaves
 * the effective, permitted and bounding sets, and the inheritable and
 * ambient sets are empty. Scripts run with no capabilities at all. */
#ifndef VIPD_PRIVS_H
#define VIPD_PRIVS_H

#include <stdbool.h>
#include <stddef.h>

/* Drop to the set above (only capabilities we hold can be kept). The
 * bounding set needs CAP_SETPCAP at this moment; without it the bounding set
 * stays as it is and a notice says so. 0, or -1 with the reason in err. */
int privs_drop(bool scripts, char *err, size_t errlen);

/* In a forked child just before exec (after any setuid): set no_new_privs
 * and clear every capability set, so the program gains none on exec, even
 * as uid 0. 0, or -1. */
int privs_child_clear(void);

#endif
