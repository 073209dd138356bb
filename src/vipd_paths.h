/* Paths built into vipd and vipctl. */
#ifndef VIPD_PATHS_H
#define VIPD_PATHS_H

/* The control socket when none is given: in the systemd unit's
 * RuntimeDirectory; vipd creates the directory (0755) when it is missing. */
#ifndef VIPD_CONTROL_SOCKET
#define VIPD_CONTROL_SOCKET "/run/vipd/vipd.sock"
#endif

#endif
