/* The configuration: parse a libconfig file, validate every key, print it back. */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdarg.h>
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

static const char *const top_keys[] = { "vipd", "checks", "instances", NULL };
static const char *const vipd_keys[] = { "router_id", "script_user", NULL };
static const char *const check_keys[] = {
	"name", "type", "target", "interval", "timeout", "rise", "fall", "weight",
	"initial", "ca_file", "server_name", "insecure", "client_cert", "client_key", NULL
};
static const char *const https_keys[] = {
	"ca_file", "server_name", "insecure", "client_cert", "client_key", NULL
};
static const char *const instance_keys[] = {
	"name", "interface", "vrid", "priority", "version", "advert_interval", "preempt",
	"preempt_delay", "vips", "unicast_source", "unicast_peers", "auth", "checksum",
	"garp_count", "garp_interval", "garp_refresh", "track_checks", "track_interfaces",
	"notify", NULL
};
static const char *const auth_keys[] = { "type", "password", NULL };
static const char *const check_types[] = { "exec", "https", "tcp", NULL };
static const char *const initial_states[] = { "failed", "up", NULL };
static const char *const auth_types[] = { "none", "pass", "ah", NULL };
static const char *const csum_forms[] = { "pseudo-header", "message", NULL };

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

	if (!ld->err || ld->errlen == 0)
		return -1;
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

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

/* Every member of the group must be in the allowed list. */
static int check_unknown(struct loader *ld, const config_setting_t *g,
			 const char *const *allowed, const char *where)
{
	int i, n = config_setting_length(g);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);

		if (!in_list(allowed, config_setting_name(s)))
			return fail(ld, s, "unknown key '%s' %s", config_setting_name(s), where);
	}
	return 0;
}

static const config_setting_t *require(struct loader *ld, const config_setting_t *g,
				       const char *key, const char *where)
{
	const config_setting_t *s = config_setting_get_member(g, key);

	if (!s)
		fail(ld, g, "missing '%s' %s", key, where);
	return s;
}

static bool is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

/* An integer in min..max; *val keeps its default when the key is absent. */
static int get_int(struct loader *ld, const config_setting_t *g, const char *key,
		   long long min, long long max, long long *val)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	long long v;

	if (!s)
		return 0;
	if (!is_int(s))
		return fail(ld, s, "'%s' must be an integer", key);
	v = config_setting_get_int64(s);
	if (v < min || v > max)
		return fail(ld, s, "%s %lld out of range %lld..%lld", key, v, min, max);
	*val = v;
	return 0;
}

/* Seconds (integer or float), 0..DURATION_MAX_SEC, as microseconds. */
static int get_duration(struct loader *ld, const config_setting_t *g, const char *key,
			bool positive, usec_t *val)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	double sec;

	if (!s)
		return 0;
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

static int get_bool(struct loader *ld, const config_setting_t *g, const char *key, bool *val)
{
	const config_setting_t *s = config_setting_get_member(g, key);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return fail(ld, s, "'%s' must be true or false", key);
	*val = config_setting_get_bool(s) != 0;
	return 0;
}

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

/* A string; *val keeps its default when the key is absent. */
static int get_str(struct loader *ld, const config_setting_t *g, const char *key,
		   const char **val)
{
	const config_setting_t *s = config_setting_get_member(g, key);

	if (!s)
		return 0;
	if (check_string(ld, s, key) < 0)
		return -1;
	*val = config_setting_get_string(s);
	return 0;
}

/* An optional string copied to the heap; "" leaves it NULL. */
static int get_str_dup(struct loader *ld, const config_setting_t *g, const char *key, char **val)
{
	const char *text = "";

	if (get_str(ld, g, key, &text) < 0)
		return -1;
	if (*text == '\0')
		return 0;
	*val = dup_or_fail(ld, text);
	return *val ? 0 : -1;
}

/* A non-empty string copied into buf (size bytes). */
static int get_str_buf(struct loader *ld, const config_setting_t *g, const char *key,
		       char *buf, size_t size)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	const char *text;

	if (!s)
		return 0;
	if (check_string(ld, s, key) < 0)
		return -1;
	text = config_setting_get_string(s);
	if (*text == '\0')
		return fail(ld, s, "'%s' must not be empty", key);
	if (strlen(text) >= size)
		return fail(ld, s, "'%s' is too long (max %zu characters)", key, size - 1);
	strcpy(buf, text);
	return 0;
}

/* One of a fixed set of words; *idx keeps its default when absent. */
static int get_choice(struct loader *ld, const config_setting_t *g, const char *key,
		      const char *const *words, int *idx)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	char list[128] = "";
	const char *text;
	int i;

	if (!s)
		return 0;
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

/* A list or array of strings, or NULL when absent. */
static int get_strlist(struct loader *ld, const config_setting_t *g, const char *key,
		       const config_setting_t **out)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	int i, n;

	*out = NULL;
	if (!s)
		return 0;
	if (!config_setting_is_list(s) && !config_setting_is_array(s))
		return fail(ld, s, "'%s' must be a list of strings", key);
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return fail(ld, e, "'%s' must be a list of strings", key);
		if (check_string(ld, e, key) < 0)
			return -1;
	}
	*out = s;
	return 0;
}

static const char *elem_str(const config_setting_t *list, int i)
{
	return config_setting_get_string(config_setting_get_elem(list, (unsigned)i));
}

static int check_name(struct loader *ld, const config_setting_t *g, const char *what, char *name)
{
	const char *p;

	if (!require(ld, g, "name", what) ||
	    get_str_buf(ld, g, "name", name, CONFIG_NAME_MAX) < 0)
		return -1;
	for (p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && !strchr("_-.", *p))
			return fail(ld, config_setting_get_member(g, "name"),
				    "name '%s' may only hold letters, digits, '_', '-' and '.'",
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

/* ---- the vipd group ---- */

static int parse_vipd(struct loader *ld, const config_setting_t *root)
{
	const config_setting_t *g = config_setting_get_member(root, "vipd");
	struct config *cfg = ld->cfg;

	if (gethostname(cfg->router_id, sizeof(cfg->router_id)) < 0 || !cfg->router_id[0])
		strcpy(cfg->router_id, "vipd");
	cfg->router_id[sizeof(cfg->router_id) - 1] = '\0';
	strcpy(cfg->script_user, "vipd");
	if (!g)
		return 0;
	if (!config_setting_is_group(g))
		return fail(ld, g, "'vipd' must be a group");
	if (check_unknown(ld, g, vipd_keys, "in 'vipd'") < 0 ||
	    get_str_buf(ld, g, "router_id", cfg->router_id, sizeof(cfg->router_id)) < 0 ||
	    get_str_buf(ld, g, "script_user", cfg->script_user, sizeof(cfg->script_user)) < 0)
		return -1;
	return 0;
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

static int check_target(struct loader *ld, const config_setting_t *g, struct check_config *c)
{
	const config_setting_t *s = config_setting_get_member(g, "target");

	if (!c->target)
		return fail(ld, s, "'target' must not be empty");
	if (c->type == CHECK_HTTPS && (strncmp(c->target, "https://", 8) || !c->target[8]))
		return fail(ld, s, "https target '%s' must start with https://", c->target);
	if (c->type == CHECK_TCP && !tcp_target_ok(c->target))
		return fail(ld, s, "tcp target '%s' must be HOST:PORT ([ADDR]:PORT for IPv6)",
			    c->target);
	return 0;
}

static int check_https_keys(struct loader *ld, const config_setting_t *g,
			    struct check_config *c)
{
	const char *const *k;

	if (c->type != CHECK_HTTPS) {
		for (k = https_keys; *k; k++)
			if (config_setting_get_member(g, *k))
				return fail(ld, config_setting_get_member(g, *k),
					    "'%s' applies to https checks only", *k);
		return 0;
	}
	if (get_str_dup(ld, g, "ca_file", &c->ca_file) < 0 ||
	    get_str_dup(ld, g, "server_name", &c->server_name) < 0 ||
	    get_bool(ld, g, "insecure", &c->insecure) < 0 ||
	    get_str_dup(ld, g, "client_cert", &c->client_cert) < 0 ||
	    get_str_dup(ld, g, "client_key", &c->client_key) < 0)
		return -1;
	if (!c->client_cert != !c->client_key)
		return fail(ld, config_setting_get_member(g, c->client_cert ? "client_cert" : "client_key"),
			    "'client_cert' and 'client_key' go together");
	return 0;
}

static int check_timing(struct loader *ld, const config_setting_t *g, struct check_config *c)
{
	long long rise = 1, fall = 1, weight = 0;

	c->interval = USEC_PER_SEC;
	if (get_duration(ld, g, "interval", true, &c->interval) < 0)
		return -1;
	c->timeout = c->interval < USEC_PER_SEC ? c->interval : USEC_PER_SEC;
	if (get_duration(ld, g, "timeout", true, &c->timeout) < 0)
		return -1;
	if (c->timeout > c->interval)
		return fail(ld, config_setting_get_member(g, "timeout"),
			    "'timeout' must not exceed 'interval'");
	if (get_int(ld, g, "rise", 1, COUNT_MAX, &rise) < 0 ||
	    get_int(ld, g, "fall", 1, COUNT_MAX, &fall) < 0 ||
	    get_int(ld, g, "weight", -254, 254, &weight) < 0)
		return -1;
	c->rise = (unsigned)rise;
	c->fall = (unsigned)fall;
	c->weight = (int)weight;
	return 0;
}

static int parse_check(struct loader *ld, const config_setting_t *g, struct check_config *c)
{
	char where[CONFIG_NAME_MAX + 16];
	int type = 0, initial = 0;

	c->line = setting_line(g);
	if (check_name(ld, g, "in check", c->name) < 0)
		return -1;
	snprintf(where, sizeof(where), "in check '%s'", c->name);
	if (check_unknown(ld, g, check_keys, where) < 0 ||
	    !require(ld, g, "type", where) ||
	    get_choice(ld, g, "type", check_types, &type) < 0)
		return -1;
	c->type = (enum check_type)type;
	if (!require(ld, g, "target", where) || get_str_dup(ld, g, "target", &c->target) < 0 ||
	    check_target(ld, g, c) < 0 || check_timing(ld, g, c) < 0 ||
	    get_choice(ld, g, "initial", initial_states, &initial) < 0)
		return -1;
	c->initial_up = initial == 1;
	return check_https_keys(ld, g, c);
}

/* The value of a top-level list of groups ("checks", "instances"); n = 0 if absent. */
static int get_group_list(struct loader *ld, const config_setting_t *root, const char *key,
			  const config_setting_t **out, size_t *n)
{
	const config_setting_t *s = config_setting_get_member(root, key);
	int i;

	*out = s;
	*n = 0;
	if (!s)
		return 0;
	if (!config_setting_is_list(s))
		return fail(ld, s, "'%s' must be a list of groups: ( { ... }, ... )", key);
	*n = (size_t)config_setting_length(s);
	for (i = 0; i < (int)*n; i++)
		if (!config_setting_is_group(config_setting_get_elem(s, (unsigned)i)))
			return fail(ld, config_setting_get_elem(s, (unsigned)i),
				    "each entry of '%s' must be a group", key);
	return 0;
}

static int parse_checks(struct loader *ld, const config_setting_t *root)
{
	struct config *cfg = ld->cfg;
	const config_setting_t *list;
	size_t i, n;

	if (get_group_list(ld, root, "checks", &list, &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	cfg->checks = calloc(n, sizeof(*cfg->checks));
	if (!cfg->checks)
		return fail(ld, NULL, "out of memory");
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		struct check_config *c = &cfg->checks[i];

		cfg->n_checks = i + 1;
		if (parse_check(ld, g, c) < 0)
			return -1;
		if (config_find_check(cfg, c->name) != c)
			return fail(ld, config_setting_get_member(g, "name"),
				    "duplicate check name '%s'", c->name);
	}
	return 0;
}

/* ---- instances ---- */

static int parse_basics(struct loader *ld, const config_setting_t *g,
			struct instance_config *in, const char *where)
{
	const config_setting_t *s;
	long long vrid = 0, prio = 100, version = 3, garp = 3;
	int csum = 0;

	if (!(s = require(ld, g, "interface", where)) ||
	    get_str_buf(ld, g, "interface", in->interface, sizeof(in->interface)) < 0 ||
	    check_ifname(ld, s, in->interface) < 0)
		return -1;
	in->interface_line = setting_line(s);
	if (!require(ld, g, "vrid", where) || get_int(ld, g, "vrid", 1, 255, &vrid) < 0 ||
	    get_int(ld, g, "priority", 1, 255, &prio) < 0 ||
	    get_int(ld, g, "version", 2, 3, &version) < 0 ||
	    get_int(ld, g, "garp_count", 0, 100, &garp) < 0 ||
	    get_choice(ld, g, "checksum", csum_forms, &csum) < 0)
		return -1;
	in->vrid = (uint8_t)vrid;
	in->priority = (uint8_t)prio;
	in->version = (uint8_t)version;
	in->garp_count = (unsigned)garp;
	in->v3_checksum = csum ? VRRP_CSUM_MESSAGE : VRRP_CSUM_PSEUDO;
	in->preempt = true;
	in->garp_interval = USEC_PER_SEC / 10;
	if (get_bool(ld, g, "preempt", &in->preempt) < 0 ||
	    get_duration(ld, g, "preempt_delay", false, &in->preempt_delay) < 0 ||
	    get_duration(ld, g, "garp_interval", false, &in->garp_interval) < 0 ||
	    get_duration(ld, g, "garp_refresh", false, &in->garp_refresh) < 0)
		return -1;
	return get_str_dup(ld, g, "notify", &in->notify);
}

static void fmt_secs(usec_t usec, char *buf, size_t size)
{
	int len = snprintf(buf, size, "%lld.%06lld", (long long)(usec / USEC_PER_SEC),
			   (long long)(usec % USEC_PER_SEC));

	while (len > 0 && (size_t)len < size && buf[len - 1] == '0' && buf[len - 2] != '.')
		buf[--len] = '\0';
}

static int parse_advert(struct loader *ld, const config_setting_t *g, struct instance_config *in)
{
	const config_setting_t *s = config_setting_get_member(g, "advert_interval");
	usec_t iv = USEC_PER_SEC;
	char text[32];

	if (get_duration(ld, g, "advert_interval", true, &iv) < 0)
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

static int parse_vips(struct loader *ld, const config_setting_t *g, struct instance_config *in,
		      const char *where)
{
	const config_setting_t *list;
	size_t count[2] = { 0, 0 };
	int i, n;

	if (!require(ld, g, "vips", where) || get_strlist(ld, g, "vips", &list) < 0)
		return -1;
	n = config_setting_length(list);
	if (n == 0)
		return fail(ld, list, "'vips' must not be empty");
	in->vips = calloc((size_t)n, sizeof(*in->vips));
	if (!in->vips)
		return fail(ld, NULL, "out of memory");
	for (i = 0; i < n; i++)
		if (add_vip(ld, config_setting_get_elem(list, (unsigned)i), in, count) < 0)
			return -1;
	return 0;
}

static const char *family_name(sa_family_t family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* A unicast address: parsed, and of a family the instance has VIPs of. */
static int parse_unicast_addr(struct loader *ld, const config_setting_t *e,
			      const struct instance_config *in, const char *key,
			      struct ip_addr *out)
{
	const char *text = config_setting_get_string(e);

	if (ipaddr_parse(text, out) < 0)
		return fail(ld, e, "bad address '%s' in '%s'", text, key);
	if (!config_instance_has_family(in, out->family))
		return fail(ld, e, "%s '%s' is %s but instance '%s' has no %s VIP", key, text,
			    family_name(out->family), in->name, family_name(out->family));
	return 0;
}

static int parse_peers(struct loader *ld, const config_setting_t *list, struct instance_config *in)
{
	int i, n = config_setting_length(list);
	size_t j;

	in->unicast_peers = calloc((size_t)n, sizeof(*in->unicast_peers));
	if (!in->unicast_peers)
		return fail(ld, NULL, "out of memory");
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		struct ip_addr *a = &in->unicast_peers[i];

		if (parse_unicast_addr(ld, e, in, "unicast_peers", a) < 0)
			return -1;
		for (j = 0; j < in->n_unicast_peers; j++)
			if (ipaddr_equal(&in->unicast_peers[j], a))
				return fail(ld, e, "duplicate unicast peer '%s'", elem_str(list, i));
		in->n_unicast_peers++;
	}
	return 0;
}

static bool has_peer_of(const struct instance_config *in, sa_family_t family)
{
	size_t i;

	for (i = 0; i < in->n_unicast_peers; i++)
		if (in->unicast_peers[i].family == family)
			return true;
	return false;
}

static int parse_unicast(struct loader *ld, const config_setting_t *g, struct instance_config *in)
{
	const config_setting_t *list, *src = config_setting_get_member(g, "unicast_source");
	const sa_family_t fams[2] = { AF_INET, AF_INET6 };
	int i;

	if (src) {
		if (check_string(ld, src, "unicast_source") < 0)
			return -1;
		if (config_setting_get_string(src)[0] &&
		    parse_unicast_addr(ld, src, in, "unicast_source", &in->unicast_source) < 0)
			return -1;
	}
	if (get_strlist(ld, g, "unicast_peers", &list) < 0)
		return -1;
	if (!list || config_setting_length(list) == 0)
		return 0;
	if (parse_peers(ld, list, in) < 0)
		return -1;
	for (i = 0; i < 2; i++)
		if (config_instance_has_family(in, fams[i]) && !has_peer_of(in, fams[i]))
			return fail(ld, list, "instance '%s' has %s VIPs but no %s unicast peer",
				    in->name, family_name(fams[i]), family_name(fams[i]));
	return 0;
}

static int parse_auth(struct loader *ld, const config_setting_t *g, struct instance_config *in)
{
	const config_setting_t *a = config_setting_get_member(g, "auth");
	const char *password = NULL;
	char where[CONFIG_NAME_MAX + 32];
	int type = 0;

	if (!a)
		return 0;
	if (!config_setting_is_group(a))
		return fail(ld, a, "'auth' must be a group");
	snprintf(where, sizeof(where), "in auth of instance '%s'", in->name);
	if (check_unknown(ld, a, auth_keys, where) < 0 ||
	    get_choice(ld, a, "type", auth_types, &type) < 0 ||
	    get_str(ld, a, "password", &password) < 0)
		return -1;
	in->auth_type = type == 2 ? VRRP_AUTH_AH : type == 1 ? VRRP_AUTH_PASS : VRRP_AUTH_NONE;
	if (type == 0 && password)
		return fail(ld, config_setting_get_member(a, "password"),
			    "'password' needs auth type \"pass\" or \"ah\"");
	if (type == 0)
		return 0;
	if (in->version != 2)
		return fail(ld, config_setting_get_member(a, "type"), "auth is VRRPv2 only");
	if (!password)
		return fail(ld, a, "missing 'password' %s", where);
	if (!*password || strlen(password) > VRRP_V2_AUTH_LEN)
		return fail(ld, config_setting_get_member(a, "password"),
			    "'password' must be 1 to %d characters", VRRP_V2_AUTH_LEN);
	strcpy(in->auth_password, password);
	return 0;
}

/* Copy a string list, checking each entry with ok() and refusing duplicates. */
static int copy_names(struct loader *ld, const config_setting_t *list, const char *key,
		      int (*ok)(struct loader *, const config_setting_t *, const char *),
		      char ***out, size_t *n)
{
	int i, len = list ? config_setting_length(list) : 0;
	size_t j;

	if (len == 0)
		return 0;
	*out = calloc((size_t)len, sizeof(**out));
	if (!*out)
		return fail(ld, NULL, "out of memory");
	for (i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *name = config_setting_get_string(e);

		if (ok(ld, e, name) < 0)
			return -1;
		for (j = 0; j < *n; j++)
			if (strcmp((*out)[j], name) == 0)
				return fail(ld, e, "duplicate '%s' in '%s'", name, key);
		(*out)[*n] = dup_or_fail(ld, name);
		if (!(*out)[*n])
			return -1;
		(*n)++;
	}
	return 0;
}

static int check_known(struct loader *ld, const config_setting_t *e, const char *name)
{
	if (!config_find_check(ld->cfg, name))
		return fail(ld, e, "unknown check '%s'", name);
	return 0;
}

static int parse_tracks(struct loader *ld, const config_setting_t *g, struct instance_config *in)
{
	const config_setting_t *list;

	if (get_strlist(ld, g, "track_checks", &list) < 0 ||
	    copy_names(ld, list, "track_checks", check_known, &in->track_checks,
		       &in->n_track_checks) < 0 ||
	    get_strlist(ld, g, "track_interfaces", &list) < 0)
		return -1;
	if (list)
		in->track_interfaces_line = setting_line(list);
	return copy_names(ld, list, "track_interfaces", check_ifname, &in->track_interfaces,
			  &in->n_track_interfaces);
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

static int parse_instance(struct loader *ld, const config_setting_t *g,
			  struct instance_config *in)
{
	char where[CONFIG_NAME_MAX + 16];

	in->line = setting_line(g);
	if (check_name(ld, g, "in instance", in->name) < 0)
		return -1;
	snprintf(where, sizeof(where), "in instance '%s'", in->name);
	if (check_unknown(ld, g, instance_keys, where) < 0 ||
	    parse_basics(ld, g, in, where) < 0 || parse_advert(ld, g, in) < 0 ||
	    parse_vips(ld, g, in, where) < 0 || parse_unicast(ld, g, in) < 0 ||
	    parse_auth(ld, g, in) < 0)
		return -1;
	return parse_tracks(ld, g, in);
}

static int parse_instances(struct loader *ld, const config_setting_t *root)
{
	struct config *cfg = ld->cfg;
	const config_setting_t *list;
	size_t i, n;

	if (get_group_list(ld, root, "instances", &list, &n) < 0)
		return -1;
	if (!list)
		return fail(ld, root, "missing 'instances' at top level");
	if (n == 0)
		return fail(ld, list, "'instances' must not be empty");
	cfg->instances = calloc(n, sizeof(*cfg->instances));
	if (!cfg->instances)
		return fail(ld, NULL, "out of memory");
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);

		cfg->n_instances = i + 1;
		if (parse_instance(ld, g, &cfg->instances[i]) < 0 || check_clash(ld, g, i) < 0)
			return -1;
	}
	return 0;
}

/* ---- loading ---- */

struct config *config_load_string(const char *text, const char *name, char *err, size_t errlen)
{
	char none[1];
	struct loader ld = { name, err ? err : none, err ? errlen : sizeof(none), NULL };
	const config_setting_t *root;
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
	root = config_root_setting(&lc);
	ld.cfg = calloc(1, sizeof(*ld.cfg));
	if (!ld.cfg || !(ld.cfg->file = strdup(name))) {
		fail(&ld, NULL, "out of memory");
	} else if (check_unknown(&ld, root, top_keys, "at top level") < 0 ||
		   parse_vipd(&ld, root) < 0 || parse_checks(&ld, root) < 0 ||
		   parse_instances(&ld, root) < 0) {
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
	char *buf = NULL;
	size_t len;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(CONFIG_FILE_MAX + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
	} else {
		len = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
		if (ferror(f))
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		else if (len > CONFIG_FILE_MAX)
			snprintf(err, errlen, "%s: too large (max %d bytes)", path, CONFIG_FILE_MAX);
		else
			buf[len] = '\0';
		if (ferror(f) || len > CONFIG_FILE_MAX) {
			free(buf);
			buf = NULL;
		}
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

int config_check_system(const struct config *cfg, char *err, size_t errlen)
{
	size_t i, j;

	for (i = 0; i < cfg->n_instances; i++) {
		const struct instance_config *in = &cfg->instances[i];

		if (if_nametoindex(in->interface) == 0) {
			snprintf(err, errlen, "%s:%d: interface '%s' does not exist", cfg->file,
				 in->interface_line, in->interface);
			return -1;
		}
		for (j = 0; j < in->n_track_interfaces; j++) {
			if (if_nametoindex(in->track_interfaces[j]) == 0) {
				snprintf(err, errlen, "%s:%d: interface '%s' does not exist",
					 cfg->file, in->track_interfaces_line,
					 in->track_interfaces[j]);
				return -1;
			}
		}
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

static void print_str(FILE *out, const char *key, const char *val)
{
	fprintf(out, "\t\t%s = ", key);
	print_quoted(out, val);
	fputs(";\n", out);
}

static void print_secs(FILE *out, const char *key, usec_t usec)
{
	char buf[32];

	fmt_secs(usec, buf, sizeof(buf));
	fprintf(out, "\t\t%s = %s;\n", key, buf);
}

static void print_strv(FILE *out, const char *key, char *const *v, size_t n)
{
	size_t i;

	fprintf(out, "\t\t%s = [", key);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : " ", out);
		print_quoted(out, v[i]);
	}
	fputs(" ];\n", out);
}

static void print_check(FILE *out, const struct check_config *c)
{
	fputs("\t{\n", out);
	print_str(out, "name", c->name);
	print_str(out, "type", config_check_type_name(c->type));
	print_str(out, "target", c->target);
	print_secs(out, "interval", c->interval);
	print_secs(out, "timeout", c->timeout);
	fprintf(out, "\t\trise = %u;\n\t\tfall = %u;\n\t\tweight = %d;\n", c->rise, c->fall,
		c->weight);
	print_str(out, "initial", c->initial_up ? "up" : "failed");
	if (c->type == CHECK_HTTPS) {
		print_str(out, "ca_file", c->ca_file);
		print_str(out, "server_name", c->server_name);
		fprintf(out, "\t\tinsecure = %s;\n", c->insecure ? "true" : "false");
		print_str(out, "client_cert", c->client_cert);
		print_str(out, "client_key", c->client_key);
	}
	fputs("\t}", out);
}

static void print_addrs(FILE *out, const struct instance_config *in)
{
	char buf[IPADDR_STRLEN];
	size_t i;

	fputs("\t\tvips = [", out);
	for (i = 0; i < in->n_vips; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : " ", ipprefix_str(&in->vips[i], buf));
	fputs(" ];\n", out);
	print_str(out, "unicast_source", in->unicast_source.family == AF_UNSPEC ? "" :
		  ipaddr_str(&in->unicast_source, buf));
	fputs("\t\tunicast_peers = [", out);
	for (i = 0; i < in->n_unicast_peers; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : " ", ipaddr_str(&in->unicast_peers[i], buf));
	fputs(" ];\n", out);
}

static void print_auth(FILE *out, const struct instance_config *in)
{
	fputs("\t\tauth = { type = ", out);
	if (in->auth_type == VRRP_AUTH_NONE) {
		fputs("\"none\"; };\n", out);
		return;
	}
	fputs(in->auth_type == VRRP_AUTH_AH ? "\"ah\"" : "\"pass\"", out);
	fputs("; password = ", out);
	print_quoted(out, in->auth_password);
	fputs("; };\n", out);
}

static void print_instance(FILE *out, const struct instance_config *in)
{
	fputs("\t{\n", out);
	print_str(out, "name", in->name);
	print_str(out, "interface", in->interface);
	fprintf(out, "\t\tvrid = %u;\n\t\tpriority = %u;\n\t\tversion = %u;\n", in->vrid,
		in->priority, in->version);
	print_secs(out, "advert_interval", in->advert_interval_cs * USEC_PER_CSEC);
	fprintf(out, "\t\tpreempt = %s;\n", in->preempt ? "true" : "false");
	print_secs(out, "preempt_delay", in->preempt_delay);
	print_addrs(out, in);
	print_auth(out, in);
	print_str(out, "checksum", in->v3_checksum == VRRP_CSUM_MESSAGE ? "message" :
		  "pseudo-header");
	fprintf(out, "\t\tgarp_count = %u;\n", in->garp_count);
	print_secs(out, "garp_interval", in->garp_interval);
	print_secs(out, "garp_refresh", in->garp_refresh);
	print_strv(out, "track_checks", in->track_checks, in->n_track_checks);
	print_strv(out, "track_interfaces", in->track_interfaces, in->n_track_interfaces);
	print_str(out, "notify", in->notify);
	fputs("\t}", out);
}

void config_print(const struct config *cfg, FILE *out)
{
	size_t i;

	fputs("vipd: {\n", out);
	fputs("\trouter_id = ", out);
	print_quoted(out, cfg->router_id);
	fputs(";\n\tscript_user = ", out);
	print_quoted(out, cfg->script_user);
	fputs(";\n};\nchecks = (", out);
	for (i = 0; i < cfg->n_checks; i++) {
		fputs(i ? ",\n" : "\n", out);
		print_check(out, &cfg->checks[i]);
	}
	fputs(cfg->n_checks ? "\n);\ninstances = (" : " );\ninstances = (", out);
	for (i = 0; i < cfg->n_instances; i++) {
		fputs(i ? ",\n" : "\n", out);
		print_instance(out, &cfg->instances[i]);
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

static void free_check(struct check_config *c)
{
	free(c->target);
	free(c->ca_file);
	free(c->server_name);
	free(c->client_cert);
	free(c->client_key);
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
	for (i = 0; i < cfg->n_checks; i++)
		free_check(&cfg->checks[i]);
	for (i = 0; i < cfg->n_instances; i++)
		free_instance(&cfg->instances[i]);
	free(cfg->checks);
	free(cfg->instances);
	free(cfg->file);
	free(cfg);
}
