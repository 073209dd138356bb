/* Private to src/config*.c: the key tables that drive both loading and printing.
 * config.c reads a file and walks each group by its table, config_keys.c holds the
 * tables and the code of keys that need more than a generic parser, config_print.c
 * writes the normalized form. Names here take cfg_ to stay apart from the public
 * config_ API and from libconfig's own config_ names. */
#ifndef VIPD_CONFIG_INTERNAL_H
#define VIPD_CONFIG_INTERNAL_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

#define CFG_WIDE_TEXT 40

/* An integer literal that libconfig 1.5 wraps to 32 bits (config_scan.c). */
struct cfg_wide {
	char *file;                /* NULL: the main text, else an @include'd file */
	int line;
	char key[CONFIG_NAME_MAX]; /* the setting it is the value of; "" if none */
	char text[CFG_WIDE_TEXT];  /* as written (cut when longer) */
	long long stored;          /* what libconfig made of it */
	bool used;                 /* matched to a setting and reported */
};

struct cfg_wide_list {
	struct cfg_wide *v;
	size_t n, cap;
};

/* The state of one load: where messages go and the config being built. */
struct loader {
	const char *file; /* name used in messages */
	char *err;
	size_t errlen;
	struct config *cfg;
	struct cfg_wide_list wide; /* integers libconfig wrapped */
};

enum key_kind {
	K_INT,    /* integer in min..max, stored by size */
	K_SECS,   /* duration (int or float seconds) as usec_t */
	K_BOOL,
	K_STR,    /* heap string; "" means unset (NULL) */
	K_BUF,    /* non-empty string into a fixed buffer */
	K_CHOICE, /* one of words[], stored as its index */
	K_STRV,   /* list of strings into char ** plus a size_t count at aux */
	K_CUSTOM, /* parse() and print() do the work */
};

#define F_REQ 1u      /* required */
#define F_POSITIVE 2u /* K_SECS: greater than 0 */
#define F_HTTPS 4u    /* checks: https only */
#define F_EXEC 8u     /* checks: exec only */

typedef int (*string_check_fn)(struct loader *ld, const config_setting_t *s, const char *text);

/* One key of a group: its name, type, range, default and where it is stored. */
struct key {
	const char *name;
	enum key_kind kind;
	unsigned flags;
	size_t off, size, aux;
	long long min, max, def;
	const char *const *words;
	const char *sdef;
	string_check_fn check;
	int (*parse)(struct loader *ld, const config_setting_t *s, void *obj); /* s may be NULL */
	void (*print)(FILE *out, const void *obj);                             /* the value only */
};

#define AT(T, f) .off = offsetof(T, f), .size = sizeof(((T *)0)->f)

/* A group (vipd, a check, an instance): its keys in print order, plus hooks. */
struct group_spec {
	const char *what; /* "check", "instance", "'vipd'" */
	const struct key *keys;
	bool named;       /* keys[0] is the name, parsed first for messages */
	int (*post)(struct loader *ld, const config_setting_t *g, void *obj);
	bool (*shows)(const void *obj, const struct key *k);
};

/* ---- the tables (config_keys.c) ---- */

extern const struct group_spec cfg_vipd_spec;
extern const struct group_spec cfg_check_spec;
extern const struct group_spec cfg_instance_spec;
/* The keys allowed at top level (names only). */
extern const struct key cfg_top_keys[];

/* "IPv4" or "IPv6", for messages. */
const char *cfg_family_name(sa_family_t family);

/* ---- messages and typed access (config.c) ---- */

/* The line of a setting, 1 when libconfig does not know it. */
int cfg_setting_line(const config_setting_t *s);

/* Write "file:line: what" (or "file: what" without a setting); returns -1. */
int cfg_fail(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* calloc (of at least one element), or NULL with "out of memory" reported. */
void *cfg_calloc(struct loader *ld, size_t n, size_t size);

/* Element i of a list, array or group. */
const config_setting_t *cfg_elem(const config_setting_t *list, int i);

/* A duration in seconds (int or float), 0..one day; positive: more than 0. */
int cfg_get_secs(struct loader *ld, const config_setting_t *s, bool positive, usec_t *val);

/* A string without control characters; key names it in messages. */
int cfg_check_string(struct loader *ld, const config_setting_t *s, const char *key);

/* A list or array whose entries are all such strings. */
int cfg_check_strlist(struct loader *ld, const config_setting_t *s);

/* A string that is one of words[] (NULL-terminated); *idx gets its index. */
int cfg_get_choice(struct loader *ld, const config_setting_t *s, const char *const *words,
		   long long *idx);

/* The whole file in a NUL-terminated heap buffer, or NULL with
 * "path: what" in err (err may be NULL). */
char *cfg_read_file(const char *path, char *err, size_t errlen);

/* The wrapped literal behind integer setting s, or NULL when libconfig read
 * it whole. Each literal is handed out once. */
const struct cfg_wide *cfg_wide_take(struct loader *ld, const config_setting_t *s);

/* ---- integers beyond 32 bits (config_scan.c) ---- */

/* Find every integer literal of text (and of the files it @includes) that
 * libconfig wraps; 0, or -1 when out of memory. */
int cfg_scan_wide(const char *text, struct cfg_wide_list *out);

/* Free the list (it may be empty). */
void cfg_wide_free(struct cfg_wide_list *l);

/* ---- output (config_print.c) ---- */

/* Seconds with up to 6 decimals and no trailing zeros ("1.5", "0.01", "3.0"). */
void cfg_fmt_secs(usec_t usec, char *buf, size_t size);

/* The values of the instance keys that need code (the print of K_CUSTOM keys). */
void cfg_print_advert(FILE *out, const void *obj);
void cfg_print_vips(FILE *out, const void *obj);
void cfg_print_source(FILE *out, const void *obj);
void cfg_print_peers(FILE *out, const void *obj);
void cfg_print_auth(FILE *out, const void *obj);
/* The value of a check's env: { NAME = "value"; ... }. */
void cfg_print_env(FILE *out, const void *obj);
/* The value of vipd.metrics_listen: "ADDR:PORT", or "" when off. */
void cfg_print_metrics_listen(FILE *out, const void *obj);

#endif
