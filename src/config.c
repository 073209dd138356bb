/* The configuration: parse a libconfig file, validate every key, print it back.
 * Each group (vipd, a check, an instance) is described by a table of keys: the
 * table gives the allowed names, types, ranges, defaults and the print order. */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONFIG_FILE_MAX (1024 * 1024)
#define DURATION_MAX_SEC 86400
#define COUNT_MAX 1000

struct loader {
	const char *file; /* name used in messages */
	char *err;
	size_t errlen;
	struct config *cfg;
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

typedef int (*string_check_fn)(struct loader *ld, const config_setting_t *s, const char *text);

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

struct group_spec {
	const char *what; /* "check", "instance", "'vipd'" */
	const struct key *keys;
	bool named;       /* keys[0] is the name, parsed first for messages */
	int (*post)(struct loader *ld, const config_setting_t *g, void *obj);
	bool (*shows)(const void *obj, const struct key *k);
};

static const char *const check_types[] = { "exec", "https", "tcp", NULL };
static const char *const initial_states[] = { "failed", "up", NULL };
static const char *const auth_types[] = { "none", "pass", "ah", NULL };
static const char *const csum_forms[] = { "pseudo-header", "message", NULL };

/* ---- messages and typed access ---- */

static int setting_line(const config_setting_t *s)
{
	int line = config_setting_source_line(s);

	return line > 0 ? line : 1;
}

/* Write "file:line: what" (or "file: what" without a setting); returns -1. */
static int __attribute__((format(printf, 3, 4)))
fail(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
{
	char what[CONFIG_ERR_MAX];
	const char *file = s ? config_setting_source_file(s) : NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!file)
		file = ld->file;
	if (s)
		snprintf(ld->err, ld->errlen, "%s:%d: %s", file, setting_line(s), what);
	else
		snprintf(ld->err, ld->errlen, "%s: %s", file, what);
	return -1;
}

static char *dup_or_fail(struct loader *ld, const char *text)
{
	char *copy = strdup(text);

	if (!copy)
		fail(ld, NULL, "out of memory");
	return copy;
}

static void *calloc_or_fail(struct loader *ld, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		fail(ld, NULL, "out of memory");
	return p;
}

static const config_setting_t *elem(const config_setting_t *list, int i)
{
	return config_setting_get_elem(list, (unsigned)i);
}

static bool is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

static int get_secs(struct loader *ld, const config_setting_t *s, bool positive, usec_t *val)
{
	const char *key = config_setting_name(s);
	double sec;

	if (is_int(s))
		sec = (double)config_setting_get_int64(s);
	else if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
		sec = config_setting_get_float(s);
	else
		return fail(ld, s, "'%s' must be a number of seconds", key);
	if (!(sec >= 0.0))
		return fail(ld, s, "'%s' must not be negative", key);
	if (sec > DURATION_MAX_SEC)
		return fail(ld, s, "'%s' must be at most %d seconds", key, DURATION_MAX_SEC);
	*val = time_from_sec(sec);
	if (positive && *val <= 0)
		return fail(ld, s, "'%s' must be greater than 0", key);
	return 0;
}

/* A string without control characters. */
static int check_string(struct loader *ld, const config_setting_t *s, const char *key)
{
	const unsigned char *p;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(ld, s, "'%s' must be a string", key);
	for (p = (const unsigned char *)config_setting_get_string(s); *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return fail(ld, s, "'%s' must not contain control characters", key);
	return 0;
}

/* A list or array whose entries are all strings. */
static int check_strlist(struct loader *ld, const config_setting_t *s)
{
	const char *key = config_setting_name(s);
	int i, n;

	if (!config_setting_is_list(s) && !config_setting_is_array(s))
		return fail(ld, s, "'%s' must be a list of strings", key);
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		if (config_setting_type(elem(s, i)) != CONFIG_TYPE_STRING)
			return fail(ld, elem(s, i), "'%s' must be a list of strings", key);
		if (check_string(ld, elem(s, i), key) < 0)
			return -1;
	}
	return 0;
}

static int get_choice(struct loader *ld, const config_setting_t *s, const char *const *words,
		      long long *idx)
{
	const char *key = config_setting_name(s), *text;
	char list[128] = "";
	int i;

	if (check_string(ld, s, key) < 0)
		return -1;
	text = config_setting_get_string(s);
	for (i = 0; words[i]; i++) {
		if (strcmp(words[i], text) == 0) {
			*idx = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i ? ", " : "", words[i]);
	}
	return fail(ld, s, "%s '%s' must be one of: %s", key, text, list);
}

/* ---- string checks ---- */

static int check_name(struct loader *ld, const config_setting_t *s, const char *name)
{
	const char *p;

	for (p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("_-.", *p))
			return fail(ld, s, "name '%s' may only hold letters, digits, '_', '-' and '.'",
				    name);
	return 0;
}

/* A Linux interface name: 1..IF_NAMESIZE-1 bytes, no '/', ':' or blanks. */
static int check_ifname(struct loader *ld, const config_setting_t *s, const char *name)
{
	if (strlen(name) >= IF_NAMESIZE)
		return fail(ld, s, "interface name '%s' is too long (max %d)", name,
			    IF_NAMESIZE - 1);
	if (*name == '\0' || strpbrk(name, "/: ") || !strcmp(name, ".") || !strcmp(name, ".."))
		return fail(ld, s, "bad interface name '%s'", name);
	return 0;
}

static int check_known(struct loader *ld, const config_setting_t *s, const char *name)
{
	if (!config_find_check(ld->cfg, name))
		return fail(ld, s, "unknown check '%s'", name);
	return 0;
}

/* ---- storing and loading table fields ---- */

static void store_int(void *obj, const struct key *k, long long v)
{
	char *p = (char *)obj + k->off;

	if (k->kind == K_BOOL)
		*(bool *)p = v != 0;
	else if (k->size == 1)
		*(uint8_t *)p = (uint8_t)v;
	else if (k->size == 2)
		*(uint16_t *)p = (uint16_t)v;
	else if (k->size == 4)
		*(int32_t *)p = (int32_t)v;
	else
		*(int64_t *)p = v;
}

static long long load_int(const void *obj, const struct key *k)
{
	const char *p = (const char *)obj + k->off;

	if (k->kind == K_BOOL)
		return *(const bool *)p;
	if (k->size == 1)
		return *(const uint8_t *)p;
	if (k->size == 2)
		return *(const uint16_t *)p;
	if (k->size == 4)
		return k->min < 0 ? (long long)*(const int32_t *)p : (long long)*(const uint32_t *)p;
	return *(const int64_t *)p;
}

static int parse_int(struct loader *ld, const config_setting_t *s, const struct key *k, void *obj)
{
	long long v;

	if (!is_int(s))
		return fail(ld, s, "'%s' must be an integer", k->name);
	v = config_setting_get_int64(s);
	if (v < k->min || v > k->max)
		return fail(ld, s, "%s %lld out of range %lld..%lld", k->name, v, k->min, k->max);
	store_int(obj, k, v);
	return 0;
}

static int parse_buf(struct loader *ld, const config_setting_t *s, const struct key *k, void *obj)
{
	const char *text;

	if (check_string(ld, s, k->name) < 0)
		return -1;
	text = config_setting_get_string(s);
	if (*text == '\0')
		return fail(ld, s, "'%s' must not be empty", k->name);
	if (k->check && k->check(ld, s, text) < 0)
		return -1;
	if (strlen(text) >= k->size)
		return fail(ld, s, "'%s' is too long (max %zu characters)", k->name, k->size - 1);
	strcpy((char *)obj + k->off, text);
	return 0;
}

static int parse_str(struct loader *ld, const config_setting_t *s, const struct key *k, void *obj)
{
	char **dst = (char **)((char *)obj + k->off);

	if (check_string(ld, s, k->name) < 0)
		return -1;
	if (config_setting_get_string(s)[0] == '\0')
		return 0;
	*dst = dup_or_fail(ld, config_setting_get_string(s));
	return *dst ? 0 : -1;
}

/* Copy a string list, checking each entry and refusing duplicates. */
static int parse_strv(struct loader *ld, const config_setting_t *s, const struct key *k, void *obj)
{
	char ***out = (char ***)((char *)obj + k->off);
	size_t *n = (size_t *)((char *)obj + k->aux), j;
	int i, len;

	if (check_strlist(ld, s) < 0)
		return -1;
	len = config_setting_length(s);
	if (len == 0)
		return 0;
	if (!(*out = calloc_or_fail(ld, (size_t)len, sizeof(char *))))
		return -1;
	for (i = 0; i < len; i++) {
		const char *name = config_setting_get_string(elem(s, i));

		if (k->check && k->check(ld, elem(s, i), name) < 0)
			return -1;
		for (j = 0; j < *n; j++)
			if (strcmp((*out)[j], name) == 0)
				return fail(ld, elem(s, i), "duplicate '%s' in '%s'", name, k->name);
		if (!((*out)[*n] = dup_or_fail(ld, name)))
			return -1;
		(*n)++;
	}
	return 0;
}

static void set_default(const struct key *k, void *obj)
{
	if (k->kind == K_BUF && k->sdef)
		strcpy((char *)obj + k->off, k->sdef);
	else if (k->kind == K_INT || k->kind == K_SECS || k->kind == K_BOOL || k->kind == K_CHOICE)
		store_int(obj, k, k->def);
}

/* A present setting of a table key. */
static int parse_value(struct loader *ld, const config_setting_t *s, const struct key *k,
		       void *obj)
{
	long long v;
	usec_t us;

	switch (k->kind) {
	case K_INT:
		return parse_int(ld, s, k, obj);
	case K_SECS:
		if (get_secs(ld, s, k->flags & F_POSITIVE, &us) < 0)
			return -1;
		store_int(obj, k, us);
		return 0;
	case K_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return fail(ld, s, "'%s' must be true or false", k->name);
		store_int(obj, k, config_setting_get_bool(s));
		return 0;
	case K_CHOICE:
		if (get_choice(ld, s, k->words, &v) < 0)
			return -1;
		store_int(obj, k, v);
		return 0;
	case K_STR:
		return parse_str(ld, s, k, obj);
	case K_BUF:
		return parse_buf(ld, s, k, obj);
	default:
		return parse_strv(ld, s, k, obj);
	}
}

static int parse_key(struct loader *ld, const config_setting_t *g, const struct key *k,
		     void *obj, const char *where)
{
	const config_setting_t *s = config_setting_get_member(g, k->name);

	if (!s && (k->flags & F_REQ))
		return fail(ld, g, "missing '%s' %s", k->name, where);
	if (k->kind == K_CUSTOM)
		return k->parse(ld, s, obj);
	if (!s) {
		set_default(k, obj);
		return 0;
	}
	return parse_value(ld, s, k, obj);
}

static bool key_known(const struct key *keys, const char *name)
{
	for (; keys->name; keys++)
		if (strcmp(keys->name, name) == 0)
			return true;
	return false;
}

/* Parse a group by its table: name first, then unknown keys, then the rest. */
static int parse_group(struct loader *ld, const struct group_spec *spec,
		       const config_setting_t *g, void *obj)
{
	char where[CONFIG_NAME_MAX + 32];
	const struct key *k = spec->keys;
	int i, n = config_setting_length(g);

	snprintf(where, sizeof(where), "in %s", spec->what);
	if (spec->named) {
		if (parse_key(ld, g, k, obj, where) < 0)
			return -1;
		snprintf(where, sizeof(where), "in %s '%s'", spec->what, (char *)obj + k->off);
		k++;
	}
	for (i = 0; i < n; i++)
		if (!key_known(spec->keys, config_setting_name(elem(g, i))))
			return fail(ld, elem(g, i), "unknown key '%s' %s",
				    config_setting_name(elem(g, i)), where);
	for (; k->name; k++)
		if (parse_key(ld, g, k, obj, where) < 0)
			return -1;
	return spec->post ? spec->post(ld, g, obj) : 0;
}

/* ---- checks ---- */

/* "HOST:PORT" or "[IPV6]:PORT", port 1..65535. */
static bool tcp_target_ok(const char *t)
{
	const char *colon, *end;
	char *stop;
	unsigned long port;

	if (*t == '[') {
		end = strchr(t, ']');
		if (!end || end == t + 1 || end[1] != ':')
			return false;
		colon = end + 1;
	} else {
		colon = strchr(t, ':');
		if (!colon || colon == t || strchr(colon + 1, ':'))
			return false;
	}
	if (colon[1] < '0' || colon[1] > '9')
		return false;
	port = strtoul(colon + 1, &stop, 10);
	return *stop == '\0' && port >= 1 && port <= 65535;
}

static int check_target(struct loader *ld, const config_setting_t *g, const struct check_config *c)
{
	const config_setting_t *s = config_setting_get_member(g, "target");

	if (!c->target)
		return fail(ld, s, "'target' must not be empty");
	if (c->type == CHECK_HTTPS && (strncmp(c->target, "https://", 8) || !c->target[8]))
		return fail(ld, s, "https target '%s' must be an https:// URL", c->target);
	if (c->type == CHECK_TCP && !tcp_target_ok(c->target))
		return fail(ld, s, "tcp target '%s' must be HOST:PORT ([ADDR]:PORT for IPv6)",
			    c->target);
	return 0;
}

static const struct key check_keys[];

static int check_post(struct loader *ld, const config_setting_t *g, void *obj)
{
	struct check_config *c = obj;
	const config_setting_t *t = config_setting_get_member(g, "timeout");
	const struct key *k;

	c->line = setting_line(g);
	if (check_target(ld, g, c) < 0)
		return -1;
	if (!t)
		c->timeout = c->interval < USEC_PER_SEC ? c->interval : USEC_PER_SEC;
	else if (c->timeout > c->interval)
		return fail(ld, t, "'timeout' must not exceed 'interval'");
	for (k = check_keys; k->name && c->type != CHECK_HTTPS; k++)
		if ((k->flags & F_HTTPS) && config_setting_get_member(g, k->name))
			return fail(ld, config_setting_get_member(g, k->name),
				    "'%s' applies to https checks only", k->name);
	if (!c->client_cert != !c->client_key)
		return fail(ld, config_setting_get_member(g, c->client_cert ? "client_cert" :
							  "client_key"),
			    "'client_cert' and 'client_key' go together");
	return 0;
}

static bool check_shows(const void *obj, const struct key *k)
{
	return !(k->flags & F_HTTPS) || ((const struct check_config *)obj)->type == CHECK_HTTPS;
}

#define CHK struct check_config
static const struct key check_keys[] = {
	{ "name", K_BUF, F_REQ, AT(CHK, name), .check = check_name },
	{ "type", K_CHOICE, F_REQ, AT(CHK, type), .words = check_types },
	{ "target", K_STR, F_REQ, AT(CHK, target) },
	{ "interval", K_SECS, F_POSITIVE, AT(CHK, interval), .def = USEC_PER_SEC },
	{ "timeout", K_SECS, F_POSITIVE, AT(CHK, timeout) },
	{ "rise", K_INT, 0, AT(CHK, rise), .min = 1, .max = COUNT_MAX, .def = 1 },
	{ "fall", K_INT, 0, AT(CHK, fall), .min = 1, .max = COUNT_MAX, .def = 1 },
	{ "weight", K_INT, 0, AT(CHK, weight), .min = -254, .max = 254 },
	{ "initial", K_CHOICE, 0, AT(CHK, initial_up), .words = initial_states },
	{ "ca_file", K_STR, F_HTTPS, AT(CHK, ca_file) },
	{ "server_name", K_STR, F_HTTPS, AT(CHK, server_name) },
	{ "insecure", K_BOOL, F_HTTPS, AT(CHK, insecure) },
	{ "client_cert", K_STR, F_HTTPS, AT(CHK, client_cert) },
	{ "client_key", K_STR, F_HTTPS, AT(CHK, client_key) },
	{ .name = NULL },
};

static const struct group_spec check_spec = { "check", check_keys, true, check_post, check_shows };

/* ---- instances: the keys that need code ---- */

static void fmt_secs(usec_t usec, char *buf, size_t size)
{
	int len = snprintf(buf, size, "%lld.%06lld", (long long)(usec / USEC_PER_SEC),
			   (long long)(usec % USEC_PER_SEC));

	while (len > 2 && (size_t)len < size && buf[len - 1] == '0' && buf[len - 2] != '.')
		buf[--len] = '\0';
}

static int parse_advert(struct loader *ld, const config_setting_t *s, void *obj)
{
	struct instance_config *in = obj;
	usec_t iv = USEC_PER_SEC;
	char text[32];

	if (s && get_secs(ld, s, true, &iv) < 0)
		return -1;
	fmt_secs(iv, text, sizeof(text));
	if (in->version == 2) {
		if (iv % USEC_PER_SEC)
			return fail(ld, s, "version 2 needs a whole-second advert_interval");
		if (iv > 255 * USEC_PER_SEC)
			return fail(ld, s, "advert_interval %s out of range 1..255 for version 2", text);
	} else {
		if (iv % USEC_PER_CSEC)
			return fail(ld, s, "advert_interval %s must be a multiple of 0.01 s", text);
		if (iv > 4095 * USEC_PER_CSEC)
			return fail(ld, s, "advert_interval %s out of range 0.01..40.95", text);
	}
	in->advert_interval_cs = (uint16_t)(iv / USEC_PER_CSEC);
	return 0;
}

static bool vip_addr_ok(const struct ip_addr *a)
{
	static const struct ip_addr zero4 = { .family = AF_INET };
	static const struct ip_addr zero6 = { .family = AF_INET6 };

	if (a->family == AF_INET)
		return !ipaddr_equal(a, &zero4) && (ntohl(a->u.v4.s_addr) >> 28) != 0xe;
	return !ipaddr_equal(a, &zero6) && a->u.v6.s6_addr[0] != 0xff;
}

static int add_vip(struct loader *ld, const config_setting_t *e, struct instance_config *in,
		   size_t count[2])
{
	struct ip_prefix *p = &in->vips[in->n_vips];
	const char *text = config_setting_get_string(e);
	char buf[IPADDR_STRLEN];
	size_t i;
	int v6;

	if (ipprefix_parse(text, p) < 0 || !vip_addr_ok(&p->addr))
		return fail(ld, e, "bad VIP '%s'", text);
	v6 = p->addr.family == AF_INET6;
	if (v6 && in->version == 2)
		return fail(ld, e, "IPv6 VIP '%s' needs version 3", text);
	for (i = 0; i < in->n_vips; i++)
		if (ipaddr_equal(&in->vips[i].addr, &p->addr))
			return fail(ld, e, "duplicate VIP '%s'", ipaddr_str(&p->addr, buf));
	if (++count[v6] > VRRP_MAX_ADDRS)
		return fail(ld, e, "too many IPv%d VIPs (max %d)", v6 ? 6 : 4, VRRP_MAX_ADDRS);
	in->n_vips++;
	return 0;
}

static int parse_vips(struct loader *ld, const config_setting_t *s, void *obj)
{
	struct instance_config *in = obj;
	size_t count[2] = { 0, 0 };
	int i, n;

	if (check_strlist(ld, s) < 0)
		return -1;
	n = config_setting_length(s);
	if (n == 0)
		return fail(ld, s, "'vips' must not be empty");
	if (!(in->vips = calloc_or_fail(ld, (size_t)n, sizeof(*in->vips))))
		return -1;
	for (i = 0; i < n; i++)
		if (add_vip(ld, elem(s, i), in, count) < 0)
			return -1;
	return 0;
}

static const char *family_name(sa_family_t family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* A unicast address: parsed, and of a family the instance has VIPs of. */
static int parse_unicast_addr(struct loader *ld, const config_setting_t *e, const char *key,
			      const struct instance_config *in, struct ip_addr *out)
{
	const char *text = config_setting_get_string(e);

	if (ipaddr_parse(text, out) < 0)
		return fail(ld, e, "bad address '%s' in '%s'", text, key);
	if (!config_instance_has_family(in, out->family))
		return fail(ld, e, "%s '%s' is %s but instance '%s' has no %s VIP", key, text,
			    family_name(out->family), in->name, family_name(out->family));
	return 0;
}

static int parse_source(struct loader *ld, const config_setting_t *s, void *obj)
{
	struct instance_config *in = obj;

	if (!s)
		return 0;
	if (check_string(ld, s, "unicast_source") < 0)
		return -1;
	if (config_setting_get_string(s)[0] == '\0')
		return 0;
	return parse_unicast_addr(ld, s, "unicast_source", in, &in->unicast_source);
}

static bool has_peer_of(const struct instance_config *in, sa_family_t family)
{
	size_t i;

	for (i = 0; i < in->n_unicast_peers; i++)
		if (in->unicast_peers[i].family == family)
			return true;
	return false;
}

static int add_peer(struct loader *ld, const config_setting_t *e, struct instance_config *in)
{
	struct ip_addr *a = &in->unicast_peers[in->n_unicast_peers];
	size_t j;

	if (parse_unicast_addr(ld, e, "unicast_peers", in, a) < 0)
		return -1;
	for (j = 0; j < in->n_unicast_peers; j++)
		if (ipaddr_equal(&in->unicast_peers[j], a))
			return fail(ld, e, "duplicate unicast peer '%s'", config_setting_get_string(e));
	in->n_unicast_peers++;
	return 0;
}

/* Peers: each of a VIP family, no duplicates, and one at least per VIP family. */
static int parse_peers(struct loader *ld, const config_setting_t *s, void *obj)
{
	struct instance_config *in = obj;
	const sa_family_t fams[2] = { AF_INET, AF_INET6 };
	int i, n;

	if (!s)
		return 0;
	if (check_strlist(ld, s) < 0)
		return -1;
	n = config_setting_length(s);
	if (n == 0)
		return 0;
	if (!(in->unicast_peers = calloc_or_fail(ld, (size_t)n, sizeof(*in->unicast_peers))))
		return -1;
	for (i = 0; i < n; i++)
		if (add_peer(ld, elem(s, i), in) < 0)
			return -1;
	for (i = 0; i < 2; i++)
		if (config_instance_has_family(in, fams[i]) && !has_peer_of(in, fams[i]))
			return fail(ld, s, "instance '%s' has %s VIPs but no %s unicast peer",
				    in->name, family_name(fams[i]), family_name(fams[i]));
	return 0;
}

static int parse_password(struct loader *ld, const config_setting_t *a, long long type,
			  struct instance_config *in)
{
	const config_setting_t *p = config_setting_get_member(a, "password");
	const char *text;

	if (type == 0 && p)
		return fail(ld, p, "'password' needs auth type \"pass\" or \"ah\"");
	if (type == 0)
		return 0;
	if (!p)
		return fail(ld, a, "missing 'password' in auth of instance '%s'", in->name);
	if (check_string(ld, p, "password") < 0)
		return -1;
	text = config_setting_get_string(p);
	if (!*text || strlen(text) > VRRP_V2_AUTH_LEN)
		return fail(ld, p, "'password' must be 1 to %d characters", VRRP_V2_AUTH_LEN);
	strcpy(in->auth_password, text);
	return 0;
}

static int parse_auth(struct loader *ld, const config_setting_t *a, void *obj)
{
	struct instance_config *in = obj;
	const config_setting_t *t;
	long long type = 0;
	int i;

	if (!a)
		return 0;
	if (!config_setting_is_group(a))
		return fail(ld, a, "'auth' must be a group");
	for (i = 0; i < config_setting_length(a); i++)
		if (strcmp(config_setting_name(elem(a, i)), "type") &&
		    strcmp(config_setting_name(elem(a, i)), "password"))
			return fail(ld, elem(a, i), "unknown key '%s' in auth of instance '%s'",
				    config_setting_name(elem(a, i)), in->name);
	t = config_setting_get_member(a, "type");
	if (t && get_choice(ld, t, auth_types, &type) < 0)
		return -1;
	if (type != 0 && in->version != 2)
		return fail(ld, t, "auth is VRRPv2 only");
	in->auth_type = type == 2 ? VRRP_AUTH_AH : type == 1 ? VRRP_AUTH_PASS : VRRP_AUTH_NONE;
	return parse_password(ld, a, type, in);
}

/* ---- printing values ---- */

static void print_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void print_secs(FILE *out, usec_t usec)
{
	char buf[32];

	fmt_secs(usec, buf, sizeof(buf));
	fputs(buf, out);
}

static void print_advert(FILE *out, const void *obj)
{
	print_secs(out, ((const struct instance_config *)obj)->advert_interval_cs * USEC_PER_CSEC);
}

static void print_vips(FILE *out, const void *obj)
{
	const struct instance_config *in = obj;
	char buf[IPADDR_STRLEN];
	size_t i;

	fputc('[', out);
	for (i = 0; i < in->n_vips; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : " ", ipprefix_str(&in->vips[i], buf));
	fputs(" ]", out);
}

static void print_source(FILE *out, const void *obj)
{
	const struct instance_config *in = obj;
	char buf[IPADDR_STRLEN];

	fprintf(out, "\"%s\"", in->unicast_source.family == AF_UNSPEC ? "" :
		ipaddr_str(&in->unicast_source, buf));
}

static void print_peers(FILE *out, const void *obj)
{
	const struct instance_config *in = obj;
	char buf[IPADDR_STRLEN];
	size_t i;

	fputc('[', out);
	for (i = 0; i < in->n_unicast_peers; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : " ", ipaddr_str(&in->unicast_peers[i], buf));
	fputs(" ]", out);
}

static void print_auth(FILE *out, const void *obj)
{
	const struct instance_config *in = obj;

	if (in->auth_type == VRRP_AUTH_NONE) {
		fputs("{ type = \"none\"; }", out);
		return;
	}
	fprintf(out, "{ type = \"%s\"; password = ", in->auth_type == VRRP_AUTH_AH ? "ah" : "pass");
	print_quoted(out, in->auth_password);
	fputs("; }", out);
}

#define INST struct instance_config
static const struct key instance_keys[] = {
	{ "name", K_BUF, F_REQ, AT(INST, name), .check = check_name },
	{ "interface", K_BUF, F_REQ, AT(INST, interface), .check = check_ifname },
	{ "vrid", K_INT, F_REQ, AT(INST, vrid), .min = 1, .max = 255 },
	{ "priority", K_INT, 0, AT(INST, priority), .min = 1, .max = 255, .def = 100 },
	{ "version", K_INT, 0, AT(INST, version), .min = 2, .max = 3, .def = 3 },
	{ "advert_interval", K_CUSTOM, 0, .parse = parse_advert, .print = print_advert },
	{ "preempt", K_BOOL, 0, AT(INST, preempt), .def = 1 },
	{ "preempt_delay", K_SECS, 0, AT(INST, preempt_delay) },
	{ "vips", K_CUSTOM, F_REQ, .parse = parse_vips, .print = print_vips },
	{ "unicast_source", K_CUSTOM, 0, .parse = parse_source, .print = print_source },
	{ "unicast_peers", K_CUSTOM, 0, .parse = parse_peers, .print = print_peers },
	{ "auth", K_CUSTOM, 0, .parse = parse_auth, .print = print_auth },
	{ "checksum", K_CHOICE, 0, AT(INST, v3_checksum), .words = csum_forms },
	{ "garp_count", K_INT, 0, AT(INST, garp_count), .min = 0, .max = 100, .def = 3 },
	{ "garp_interval", K_SECS, 0, AT(INST, garp_interval), .def = USEC_PER_SEC / 10 },
	{ "garp_refresh", K_SECS, 0, AT(INST, garp_refresh) },
	{ "track_checks", K_STRV, 0, AT(INST, track_checks),
	  .aux = offsetof(INST, n_track_checks), .check = check_known },
	{ "track_interfaces", K_STRV, 0, AT(INST, track_interfaces),
	  .aux = offsetof(INST, n_track_interfaces), .check = check_ifname },
	{ "notify", K_STR, 0, AT(INST, notify) },
	{ .name = NULL },
};

static int instance_post(struct loader *ld, const config_setting_t *g, void *obj)
{
	struct instance_config *in = obj;
	const config_setting_t *t = config_setting_get_member(g, "track_interfaces");

	(void)ld;
	in->line = setting_line(g);
	in->interface_line = setting_line(config_setting_get_member(g, "interface"));
	in->track_interfaces_line = t ? setting_line(t) : 0;
	return 0;
}

static const struct group_spec instance_spec = { "instance", instance_keys, true,
						 instance_post, NULL };

static const struct key vipd_keys[] = {
	{ "router_id", K_BUF, 0, AT(struct config, router_id) },
	{ "script_user", K_BUF, 0, AT(struct config, script_user), .sdef = "vipd" },
	{ .name = NULL },
};

static const struct group_spec vipd_spec = { "'vipd'", vipd_keys, false, NULL, NULL };

static const struct key top_keys[] = {
	{ .name = "vipd" }, { .name = "checks" }, { .name = "instances" }, { .name = NULL },
};

/* ---- the top level ---- */

static int parse_vipd(struct loader *ld, const config_setting_t *root)
{
	const config_setting_t *g = config_setting_get_member(root, "vipd");
	struct config *cfg = ld->cfg;
	static const config_setting_t empty; /* an empty group: defaults only */

	if (gethostname(cfg->router_id, sizeof(cfg->router_id) - 1) < 0 || !cfg->router_id[0])
		strcpy(cfg->router_id, "vipd");
	if (g && !config_setting_is_group(g))
		return fail(ld, g, "'vipd' must be a group");
	return parse_group(ld, &vipd_spec, g ? g : &empty, cfg);
}

/* A top-level list of groups ("checks", "instances"); n = 0 if absent. */
static int get_group_list(struct loader *ld, const config_setting_t *root, const char *key,
			  const config_setting_t **out, int *n)
{
	const config_setting_t *s = config_setting_get_member(root, key);
	int i;

	*out = s;
	*n = 0;
	if (!s)
		return 0;
	if (!config_setting_is_list(s))
		return fail(ld, s, "'%s' must be a list of groups: ( { ... }, ... )", key);
	*n = config_setting_length(s);
	for (i = 0; i < *n; i++)
		if (!config_setting_is_group(elem(s, i)))
			return fail(ld, elem(s, i), "each entry of '%s' must be a group", key);
	return 0;
}

static int parse_checks(struct loader *ld, const config_setting_t *root)
{
	struct config *cfg = ld->cfg;
	const config_setting_t *list;
	int i, n;

	if (get_group_list(ld, root, "checks", &list, &n) < 0)
		return -1;
	if (!(cfg->checks = calloc_or_fail(ld, (size_t)n, sizeof(*cfg->checks))))
		return -1;
	for (i = 0; i < n; i++) {
		struct check_config *c = &cfg->checks[i];

		cfg->n_checks = (size_t)i + 1;
		if (parse_group(ld, &check_spec, elem(list, i), c) < 0)
			return -1;
		if (config_find_check(cfg, c->name) != c)
			return fail(ld, config_setting_get_member(elem(list, i), "name"),
				    "duplicate check name '%s'", c->name);
	}
	return 0;
}

/* Names are unique; a VRID is used once per interface and address family. */
static int check_clash(struct loader *ld, const config_setting_t *g, size_t idx)
{
	const struct instance_config *in = &ld->cfg->instances[idx];
	const sa_family_t fams[2] = { AF_INET, AF_INET6 };
	size_t i;
	int f;

	for (i = 0; i < idx; i++) {
		const struct instance_config *o = &ld->cfg->instances[i];

		if (strcmp(o->name, in->name) == 0)
			return fail(ld, config_setting_get_member(g, "name"),
				    "duplicate instance name '%s'", in->name);
		if (o->vrid != in->vrid || strcmp(o->interface, in->interface))
			continue;
		for (f = 0; f < 2; f++)
			if (config_instance_has_family(in, fams[f]) &&
			    config_instance_has_family(o, fams[f]))
				return fail(ld, config_setting_get_member(g, "vrid"),
					    "vrid %u on %s (%s) already used by instance '%s'",
					    in->vrid, in->interface, family_name(fams[f]), o->name);
	}
	return 0;
}

static int parse_instances(struct loader *ld, const config_setting_t *root)
{
	struct config *cfg = ld->cfg;
	const config_setting_t *list;
	int i, n;

	if (get_group_list(ld, root, "instances", &list, &n) < 0)
		return -1;
	if (!list)
		return fail(ld, root, "missing 'instances' at top level");
	if (n == 0)
		return fail(ld, list, "'instances' must not be empty");
	if (!(cfg->instances = calloc_or_fail(ld, (size_t)n, sizeof(*cfg->instances))))
		return -1;
	for (i = 0; i < n; i++) {
		cfg->n_instances = (size_t)i + 1;
		if (parse_group(ld, &instance_spec, elem(list, i), &cfg->instances[i]) < 0 ||
		    check_clash(ld, elem(list, i), (size_t)i) < 0)
			return -1;
	}
	return 0;
}

static int parse_root(struct loader *ld, const config_setting_t *root)
{
	int i;

	for (i = 0; i < config_setting_length(root); i++)
		if (!key_known(top_keys, config_setting_name(elem(root, i))))
			return fail(ld, elem(root, i), "unknown key '%s' at top level",
				    config_setting_name(elem(root, i)));
	if (parse_vipd(ld, root) < 0 || parse_checks(ld, root) < 0)
		return -1;
	return parse_instances(ld, root);
}

/* ---- loading ---- */

struct config *config_load_string(const char *text, const char *name, char *err, size_t errlen)
{
	char none[1];
	struct loader ld = { name, err && errlen ? err : none, err && errlen ? errlen : 1, NULL };
	config_t lc;

	ld.err[0] = '\0';
	config_init(&lc);
	if (!config_read_string(&lc, text)) {
		snprintf(ld.err, ld.errlen, "%s:%d: %s",
			 config_error_file(&lc) ? config_error_file(&lc) : name,
			 config_error_line(&lc), config_error_text(&lc));
		config_destroy(&lc);
		return NULL;
	}
	ld.cfg = calloc(1, sizeof(*ld.cfg));
	if (!ld.cfg || !(ld.cfg->file = strdup(name)))
		fail(&ld, NULL, "out of memory");
	if (!ld.cfg || !ld.cfg->file || parse_root(&ld, config_root_setting(&lc)) < 0) {
		config_free(ld.cfg);
		ld.cfg = NULL;
	}
	config_destroy(&lc);
	return ld.cfg;
}

/* The whole file in a NUL-terminated heap buffer, or NULL with err set. */
static char *read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t len = 0;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(CONFIG_FILE_MAX + 1);
	if (!buf)
		snprintf(err, errlen, "%s: out of memory", path);
	else
		len = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
	if (buf && ferror(f))
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
	else if (len > CONFIG_FILE_MAX)
		snprintf(err, errlen, "%s: too large (max %d bytes)", path, CONFIG_FILE_MAX);
	else if (buf)
		buf[len] = '\0';
	if (buf && (ferror(f) || len > CONFIG_FILE_MAX)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

struct config *config_load(const char *path, char *err, size_t errlen)
{
	char none[1];
	struct config *cfg;
	char *text;

	if (!err || errlen == 0) {
		err = none;
		errlen = sizeof(none);
	}
	text = read_file(path, err, errlen);
	if (!text)
		return NULL;
	cfg = config_load_string(text, path, err, errlen);
	free(text);
	return cfg;
}

static int no_interface(const struct config *cfg, int line, const char *name, char *err,
			size_t errlen)
{
	if (if_nametoindex(name) != 0)
		return 0;
	snprintf(err, errlen, "%s:%d: interface '%s' does not exist", cfg->file, line, name);
	return -1;
}

int config_check_system(const struct config *cfg, char *err, size_t errlen)
{
	size_t i, j;

	for (i = 0; i < cfg->n_instances; i++) {
		const struct instance_config *in = &cfg->instances[i];

		if (no_interface(cfg, in->interface_line, in->interface, err, errlen) < 0)
			return -1;
		for (j = 0; j < in->n_track_interfaces; j++)
			if (no_interface(cfg, in->track_interfaces_line, in->track_interfaces[j],
					 err, errlen) < 0)
				return -1;
	}
	return 0;
}

const struct check_config *config_find_check(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_checks; i++)
		if (strcmp(cfg->checks[i].name, name) == 0)
			return &cfg->checks[i];
	return NULL;
}

bool config_instance_has_family(const struct instance_config *inst, sa_family_t family)
{
	size_t i;

	for (i = 0; i < inst->n_vips; i++)
		if (inst->vips[i].addr.family == family)
			return true;
	return false;
}

const char *config_check_type_name(enum check_type type)
{
	if ((unsigned)type < sizeof(check_types) / sizeof(check_types[0]) - 1)
		return check_types[type];
	return "?";
}

/* ---- printing ---- */

static void print_strv(FILE *out, char *const *v, size_t n)
{
	size_t i;

	fputc('[', out);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : " ", out);
		print_quoted(out, v[i]);
	}
	fputs(" ]", out);
}

static void print_key(FILE *out, const char *indent, const struct key *k, const void *obj)
{
	const char *p = (const char *)obj + k->off;

	fprintf(out, "%s%s = ", indent, k->name);
	if (k->kind == K_INT)
		fprintf(out, "%lld", load_int(obj, k));
	else if (k->kind == K_SECS)
		print_secs(out, load_int(obj, k));
	else if (k->kind == K_BOOL)
		fputs(load_int(obj, k) ? "true" : "false", out);
	else if (k->kind == K_CHOICE)
		print_quoted(out, k->words[load_int(obj, k)]);
	else if (k->kind == K_STR)
		print_quoted(out, *(char *const *)p);
	else if (k->kind == K_BUF)
		print_quoted(out, p);
	else if (k->kind == K_STRV)
		print_strv(out, *(char *const *const *)p,
			   *(const size_t *)((const char *)obj + k->aux));
	else
		k->print(out, obj);
	fputs(";\n", out);
}

static void print_group(FILE *out, const struct group_spec *spec, const void *obj,
			const char *indent)
{
	const struct key *k;

	for (k = spec->keys; k->name; k++)
		if (!spec->shows || spec->shows(obj, k))
			print_key(out, indent, k, obj);
}

void config_print(const struct config *cfg, FILE *out)
{
	size_t i;

	fputs("vipd: {\n", out);
	print_group(out, &vipd_spec, cfg, "\t");
	fputs("};\nchecks = (", out);
	for (i = 0; i < cfg->n_checks; i++) {
		fputs(i ? ",\n\t{\n" : "\n\t{\n", out);
		print_group(out, &check_spec, &cfg->checks[i], "\t\t");
		fputs("\t}", out);
	}
	fputs(cfg->n_checks ? "\n);\ninstances = (" : " );\ninstances = (", out);
	for (i = 0; i < cfg->n_instances; i++) {
		fputs(i ? ",\n\t{\n" : "\n\t{\n", out);
		print_group(out, &instance_spec, &cfg->instances[i], "\t\t");
		fputs("\t}", out);
	}
	fputs(cfg->n_instances ? "\n);\n" : " );\n", out);
}

/* ---- freeing ---- */

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void free_instance(struct instance_config *in)
{
	free(in->vips);
	free(in->unicast_peers);
	free_strv(in->track_checks, in->n_track_checks);
	free_strv(in->track_interfaces, in->n_track_interfaces);
	free(in->notify);
}

void config_free(struct config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_checks; i++) {
		free(cfg->checks[i].target);
		free(cfg->checks[i].ca_file);
		free(cfg->checks[i].server_name);
		free(cfg->checks[i].client_cert);
		free(cfg->checks[i].client_key);
	}
	for (i = 0; i < cfg->n_instances; i++)
		free_instance(&cfg->instances[i]);
	free(cfg->checks);
	free(cfg->instances);
	free(cfg->file);
	free(cfg);
}
