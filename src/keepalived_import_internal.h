/* Private to src/keepalived_import*.c: the model the importer fills from the
 * tree before it writes anything. keepalived_import.c holds messages, values,
 * global_defs, vrrp_script and the output; keepalived_import_instance.c the
 * vrrp_instance keywords; keepalived_import_advice.c the keywords vipd has no
 * use for. */
#ifndef VIPD_KEEPALIVED_IMPORT_INTERNAL_H
#define VIPD_KEEPALIVED_IMPORT_INTERNAL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ipaddr.h"
#include "keepalived_import.h"

#define KI_NAME_MAX 64
#define KI_UNSET (-1LL)
#define KI_USEC 1000000LL

/* A vrrp_script. */
struct ki_script {
	const struct kp_node *node;
	char name[KI_NAME_MAX]; /* its vipd name */
	char *command;          /* NULL: none given (keepalived drops the script) */
	long long interval_us, timeout_us; /* timeout KI_UNSET: the interval */
	int weight;
	unsigned rise, fall;
	bool init_fail;
	bool used;
};

/* A vipd check: a script with the weight an instance tracks it with. */
struct ki_check {
	size_t script;
	int weight;
	char name[KI_NAME_MAX];
	char vip[IPADDR_STRLEN]; /* APISERVER_VIP, "" when none */
	bool vip_differs;        /* instances with different VIPs track it */
};

/* Gratuitous ARP settings (KI_UNSET: vipd's default). */
struct ki_garp {
	long long count, interval_us, refresh_us;
};

/* The notify scripts of an instance (NULL: none). */
struct ki_notify {
	char *any, *master, *backup, *fault, *stop;
};

struct ki_instance {
	const struct kp_node *node;
	char name[KI_NAME_MAX];
	char interface[IF_NAMESIZE];
	int vrid, priority, version; /* vrid 0, version 0: not given */
	long long advert_us, preempt_delay_us;
	bool preempt, state_master;
	struct ip_prefix *vips;
	size_t n_vips;
	struct ip_addr source;
	struct ip_addr *peers;
	size_t n_peers;
	long long ttl_min; /* unicast_ttl_min, KI_UNSET: vipd's default */
	int auth; /* 0 none, 1 pass, 2 ah */
	char password[9];
	const struct kp_node *auth_node;
	size_t *checks;
	size_t n_checks;
	char **ifaces;
	size_t n_ifaces;
	struct ki_notify notify;
	struct ki_garp garp;
	bool dropped; /* could not be imported at all */
};

struct ki {
	FILE *msgs;
	unsigned n_fail, n_warn;
	bool oom;
	const struct kp_node *lvs_first;
	unsigned n_lvs;
	char router_id[KI_NAME_MAX];
	char script_user[KI_NAME_MAX];
	const struct kp_node *script_user_node; /* where it was set or implied */
	bool script_user_global;
	bool script_user_implied; /* none in the file: keepalived's own default */
	int default_version;
	char default_interface[IF_NAMESIZE];
	struct ki_garp garp;
	struct ki_script *scripts;
	size_t n_scripts;
	struct ki_check *checks;
	size_t n_checks;
	struct ki_instance *instances;
	size_t n_instances;
	bool any_script; /* a check or a notify script: script_user matters */
};

/* ---- messages (keepalived_import.c) ---- */

/* "file:line: what": something was not carried over. */
void ki_fail(struct ki *k, const struct kp_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "file:line: warning: what": carried over, but it behaves differently. */
void ki_warn(struct ki *k, const struct kp_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "file:line: note: what". */
void ki_note(struct ki *k, const struct kp_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A keyword no mapping took (keepalived_import_advice.c): "'KEYWORD' not
 * supported: what to do instead", LVS counted for one warning line, the
 * harmless noted or let be. */
void ki_other_keyword(struct ki *k, const struct kp_node *n);

/* ---- values (keepalived_import.c) ---- */

/* A statement with a block where a value belongs, as "${NAME}" reads
 * ("$" then a block holding NAME): true after a message. */
bool ki_placeholder(struct ki *k, const struct kp_node *n);
/* The single value of a keyword (extra words ignored with a warning), or NULL
 * after a message. */
const char *ki_value(struct ki *k, const struct kp_node *n);
/* A whole number of min..max, else a message and false. */
bool ki_int(struct ki *k, const struct kp_node *n, const char *text, long long min, long long max,
	    long long *out);
/* Seconds ("3", "0.5") to the microsecond, 0..max_s, else a message and false. */
bool ki_secs(struct ki *k, const struct kp_node *n, const char *text, long long max_s,
	     long long *us);
/* A vipd name for a keepalived one ('_' for other characters, a warning when
 * it changed); false after a message when there is none. */
bool ki_name(struct ki *k, const struct kp_node *n, const char *what, char out[KI_NAME_MAX]);
/* A script command of words as /bin/sh -c would read it; NULL when out of
 * memory. Warns when the shell would read it differently from keepalived. */
char *ki_command(struct ki *k, const struct kp_node *n, size_t from, size_t to);
/* A script's or hook's own user ("user U [G]"): must be the one script_user. */
void ki_script_user(struct ki *k, const struct kp_node *n, size_t at);
/* A copy, or NULL with k->oom set. */
char *ki_strdup(struct ki *k, const char *s);
/* Grow an array by one zeroed element; NULL with k->oom set. */
void *ki_grow(struct ki *k, void *array, size_t *n, size_t size);

/* ---- checks (keepalived_import.c) ---- */

/* The script of that keepalived name, or -1. */
long ki_find_script(const struct ki *k, const char *name);
/* The check for script s tracked with weight (created on first use); index. */
long ki_check_for(struct ki *k, size_t s, int weight);

/* ---- output (keepalived_import.c) ---- */

/* A string in double quotes, escaped for libconfig. */
void ki_out_str(FILE *f, const char *s);
/* Seconds as vipd reads them: "3", "0.5". */
void ki_out_secs(FILE *f, long long us);
/* "\t\tkey = \"value\";" with the value quoted for libconfig. */
void ki_out_key_str(FILE *f, const char *key, const char *value);

/* ---- instances (keepalived_import_instance.c) ---- */

/* The garp_master_* keywords (and gna_interval, garp_interval) into g; false
 * when kw is none of them. */
bool ki_garp_key(struct ki *k, struct ki_garp *g, const struct kp_node *n, const char *kw);
/* One instance's group of the instances list. */
void ki_write_instance(const struct ki *k, const struct ki_instance *in, FILE *f);

/* Fill k->instances from one "vrrp_instance NAME { ... }". */
void ki_instance(struct ki *k, const struct kp_node *n);
/* Free what the instances hold. */
void ki_instances_free(struct ki *k);

#endif
