/* The configuration: a libconfig file parsed and validated into an immutable
 * struct config. Errors read "file:line: what". */
#ifndef VIPD_CONFIG_H
#define VIPD_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "check_target.h"
#include "ipaddr.h"
#include "timeutil.h"
#include "vrrp_packet.h"

#define CONFIG_NAME_MAX 64
#define CONFIG_ERR_MAX 512
#define CONFIG_ENV_MAX 16 /* entries of an exec check's env (spawn.h's SPAWN_EXTRA_ENV_MAX) */
#define CONFIG_METRICS_PORT 9650     /* metrics_listen's port when the value names none */
#define CONFIG_METRICS_PORT_MIN 1024 /* lower ports would need CAP_NET_BIND_SERVICE */

enum check_type {
	CHECK_EXEC,
	CHECK_HTTPS,
	CHECK_TCP,
};

struct check_config {
	char name[CONFIG_NAME_MAX];
	enum check_type type;
	char *target;          /* exec: command line; https: URL; tcp: "HOST:PORT" */
	struct check_target net; /* tcp, https: the target parsed (check_target.h) */
	usec_t interval;
	usec_t timeout;
	unsigned rise;
	unsigned fall;
	int weight;            /* -254..254; 0 = failure means Fault */
	bool initial_up;       /* "initial = "up"": start as passing (default: failed until risen) */
	char *ca_file;         /* https */
	char *server_name;     /* https: SNI and name to verify */
	bool insecure;         /* https: skip verification (explicit only) */
	char *client_cert;     /* https: optional client certificate (PEM) */
	char *client_key;      /* https: its key (PEM) */
	char **env;            /* exec: "NAME=value" for the script, NULL-terminated; NULL if none */
	size_t n_env;
	int line;              /* where it was defined */
	int target_line;       /* where these keys were set (the group's line if not) */
	int ca_file_line;
	int client_cert_line;
	int client_key_line;
};

struct instance_config {
	char name[CONFIG_NAME_MAX];
	char interface[IF_NAMESIZE];
	uint8_t vrid;
	uint8_t priority;
	uint8_t version;             /* 2 or 3 */
	uint16_t advert_interval_cs; /* centiseconds (v2: multiple of 100) */
	bool preempt;
	usec_t preempt_delay;
	struct ip_prefix *vips;
	size_t n_vips;
	struct ip_addr unicast_source; /* family AF_UNSPEC when unset */
	struct ip_addr *unicast_peers;
	size_t n_unicast_peers;
	uint8_t unicast_ttl_min;       /* lowest TTL / hop limit accepted from peers (255) */
	char vip_interface[IF_NAMESIZE]; /* VIPs held here as /32, /128, no GARP/NA; "": interface */
	enum vrrp_auth_type auth_type;
	char auth_password[VRRP_V2_AUTH_LEN + 1]; /* PASS: up to 8 bytes */
	enum vrrp_csum_form v3_checksum; /* v3 IPv4 send form: "pseudo-header" (default) or "message" */
	unsigned garp_count;     /* announcements per VIP on becoming Master (default 3) */
	usec_t garp_interval;    /* spacing of that burst (default 0.1 s) */
	usec_t garp_refresh;     /* re-announce while Master; 0 = never (default) */
	char **track_checks;     /* names of checks[] */
	size_t n_track_checks;
	char **track_interfaces;
	size_t n_track_interfaces;
	char *notify;            /* script, or NULL */
	int notify_line;         /* where "notify" was set (the group's line if not) */
	int line;
	int interface_line;        /* where "interface" was set */
	int vip_interface_line;    /* where "vip_interface" was set (0 if absent) */
	int track_interfaces_line; /* where "track_interfaces" was set (0 if absent) */
};

struct config {
	char *file;
	char router_id[CONFIG_NAME_MAX];
	char script_user[CONFIG_NAME_MAX]; /* default "vipd" */
	int script_user_line;              /* where it was set; 0 when defaulted */
	struct ip_addr metrics_addr;       /* metrics_listen; family AF_UNSPEC: off (default) */
	uint16_t metrics_port;
	int metrics_listen_line;           /* where it was set; 0 when absent */
	int realtime_priority;             /* SCHED_RR priority, 1..99; 0: off (default) */
	struct check_config *checks;
	size_t n_checks;
	struct instance_config *instances;
	size_t n_instances;
};

/* Parse and validate a file. On failure returns NULL and writes
 * "file:line: what" into err (CONFIG_ERR_MAX bytes). */
struct config *config_load(const char *path, char *err, size_t errlen);

/* Same, from text in memory; name stands for the file in messages. */
struct config *config_load_string(const char *text, const char *name, char *err, size_t errlen);

/* What start-up would refuse beyond the file's own rules, found by the same
 * code start-up runs. Nothing when offline. Otherwise the system: every interface named
 * exists; when scripts are configured (exec checks, notify) the script user
 * exists and each script may run as that user (spawn.h's root-script rule,
 * check_exec.h); every https check's TLS context builds (CA file, client
 * certificate and key: readable PEM, a key that matches its certificate).
 * 0, or -1 with "file:line: what" in err. */
int config_check_system(const struct config *cfg, bool offline, char *err, size_t errlen);

/* Print the normalized config: every key, defaults filled in, stable order. */
void config_print(const struct config *cfg, FILE *out);

/* Find a check by name, or NULL. */
const struct check_config *config_find_check(const struct config *cfg, const char *name);

/* True if the instance has a VIP of that family (AF_INET or AF_INET6). */
bool config_instance_has_family(const struct instance_config *inst, sa_family_t family);

/* The config name of a check type: "exec", "https" or "tcp". */
const char *config_check_type_name(enum check_type type);

/* For a reload (config_diff.c). Same identity: same name, interface, VRID,
 * version, address families and unicast-or-multicast, so the running
 * instance can take the new settings in place. Equal: nothing differs. */
bool config_instance_same_identity(const struct instance_config *a, const struct instance_config *b);
bool config_instance_equal(const struct instance_config *a, const struct instance_config *b);
bool config_check_equal(const struct check_config *a, const struct check_config *b);

/* What changed from a to b, one line ("priority 101 -> 120, VIP +192.0.2.5/32"). */
void config_instance_describe_change(const struct instance_config *a,
				     const struct instance_config *b, char *buf, size_t len);

/* Free everything config_load allocated; NULL is fine. */
void config_free(struct config *cfg);

#endif
