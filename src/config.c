/* The configuration loader: read a libconfig file, walk each group by its key table
 * (config_keys.c), validate every key and report the first problem as
 * "file:line: what". Also the lookups of the public API and config_free. */
#include "config_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONFIG_FILE_MAX ((size_t)1024 * 1024)
#define DURATION_MAX_SEC 86400

/* ---- messages and typed access ---- */

int cfg_setting_line(const config_setting_t *s)
{
	int line = config_setting_source_line(s);

	return line > 0 ? line : 1;
}

int cfg_fail(struct loader *ld, const config_setting_t *s, const char *fmt, ...)
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
		snprintf(ld->err, ld->errlen, "%s:%d: %s", file, cfg_setting_line(s), what);
	else
		snprintf(ld->err, ld->errlen, "%s: %s", file, what);
	return -1;
}

static char *dup_or_fail(struct loader *ld, const char *text)
{
	char *copy = strdup(text);

	if (!copy)
		cfg_fail(ld, NULL, "out of memory");
	return copy;
}

void *cfg_calloc(struct loader *ld, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		cfg_fail(ld, NULL, "out of memory");
	return p;
}

const config_setting_t *cfg_elem(const config_setting_t *list, int i)
{
	return config_setting_get_elem(list, (unsigned)i);
}

static bool is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);

	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

int cfg_get_secs(struct loader *ld, const config_setting_t *s, bool positive, usec_t *val)
{
	const char *key = config_setting_name(s);
	const struct cfg_wide *w = is_int(s) ? cfg_wide_take(ld, s) : NULL;
	double sec;

	if (w)
		sec = w->text[0] == '-' ? -1.0 : DURATION_MAX_SEC + 1.0;
	else if (is_int(s))
		sec = (double)config_setting_get_int64(s);
	else if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
		sec = config_setting_get_float(s);
	else
		return cfg_fail(ld, s, "'%s' must be a number of seconds", key);
	if (!(sec >= 0.0))
		return cfg_fail(ld, s, "'%s' must not be negative", key);
	if (sec > DURATION_MAX_SEC)
		return cfg_fail(ld, s, "'%s' must be at most %d seconds", key, DURATION_MAX_SEC);
	*val = time_from_sec(sec);
	if (positive && *val <= 0)
		return cfg_fail(ld, s, "'%s' must be greater than 0", key);
	return 0;
}

int cfg_check_string(struct loader *ld, const config_setting_t *s, const char *key)
{
	const unsigned char *p;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(ld, s, "'%s' must be a string", key);
	for (p = (const unsigned char *)config_setting_get_string(s); *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cfg_fail(ld, s, "'%s' must not contain control characters", key);
	return 0;
}

int cfg_check_strlist(struct loader *ld, const config_setting_t *s)
{
	const char *key = config_setting_name(s);
	int i, n;

	if (!config_setting_is_list(s) && !config_setting_is_array(s))
		return cfg_fail(ld, s, "'%s' must be a list of strings", key);
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		if (config_setting_type(cfg_elem(s, i)) != CONFIG_TYPE_STRING)
			return cfg_fail(ld, cfg_elem(s, i), "'%s' must be a list of strings", key);
		if (cfg_check_string(ld, cfg_elem(s, i), key) < 0)
			return -1;
	}
	return 0;
}

int cfg_get_choice(struct loader *ld, const config_setting_t *s, const char *const *words,
		   long long *idx)
{
	const char *key = config_setting_name(s), *text;
	char list[128] = "";
	int i;

	if (cfg_check_string(ld, s, key) < 0)
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
	return cfg_fail(ld, s, "%s '%s' must be one of: %s", key, text, list);
}

static bool same_file(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

const struct cfg_wide *cfg_wide_take(struct loader *ld, const config_setting_t *s)
{
	const char *name = config_setting_name(s);
	size_t i;

	if (config_setting_type(s) != CONFIG_TYPE_INT)
		return NULL;
	for (i = 0; i < ld->wide.n; i++) {
		struct cfg_wide *w = &ld->wide.v[i];

		if (w->used || w->line != (int)config_setting_source_line(s) ||
		    w->stored != config_setting_get_int64(s) ||
		    !same_file(w->file, config_setting_source_file(s)) ||
		    strcmp(w->key, name ? name : "") != 0)
			continue;
		w->used = true;
		return w;
	}
	return NULL;
}

/* A wrapped literal no integer key took (a safety net: other rules refuse
 * integers where they do not belong first). */
static int wide_left_over(struct loader *ld)
{
	size_t i;

	for (i = 0; i < ld->wide.n; i++) {
		const struct cfg_wide *w = &ld->wide.v[i];

		if (!w->used) {
			snprintf(ld->err, ld->errlen, "%s:%d: integer %s does not fit in 32 bits",
				 w->file ? w->file : ld->file, w->line, w->text);
			return -1;
		}
	}
	return 0;
}

/* ---- storing table fields ---- */

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

static int parse_int(struct loader *ld, const config_setting_t *s, const struct key *k, void *obj)
{
	const struct cfg_wide *w;
	long long v;

	if (!is_int(s))
		return cfg_fail(ld, s, "'%s' must be an integer", k->name);
	w = cfg_wide_take(ld, s);
	if (w) /* every range of ours fits in 32 bits */
		return cfg_fail(ld, s, "%s %s out of range %lld..%lld", k->name, w->text, k->min,
				k->max);
	v = config_setting_get_int64(s);
	if (v < k->min || v > k->max)
		return cfg_fail(ld, s, "%s %lld out of range %lld..%lld", k->name, v, k->min,
				k->max);
	store_int(obj, k, v);
	return 0;
}

static int parse_buf(struct loader *ld, const config_setting_t *s, const struct key *k, void *obj)
{
	const char *text;

	if (cfg_check_string(ld, s, k->name) < 0)
		return -1;
	text = config_setting_get_string(s);
	if (*text == '\0')
		return cfg_fail(ld, s, "'%s' must not be empty", k->name);
	if (k->check && k->check(ld, s, text) < 0)
		return -1;
	if (strlen(text) >= k->size)
		return cfg_fail(ld, s, "'%s' is too long (max %zu characters)", k->name,
				k->size - 1);
	strcpy((char *)obj + k->off, text);
	return 0;
}

static int parse_str(struct loader *ld, const config_setting_t *s, const struct key *k, void *obj)
{
	char **dst = (char **)((char *)obj + k->off);

	if (cfg_check_string(ld, s, k->name) < 0)
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

	if (cfg_check_strlist(ld, s) < 0)
		return -1;
	len = config_setting_length(s);
	if (len == 0)
		return 0;
	if (!(*out = cfg_calloc(ld, (size_t)len, sizeof(char *))))
		return -1;
	*n = 0;
	for (i = 0; i < len; i++) {
		const char *name = config_setting_get_string(cfg_elem(s, i));

		if (!name)
			return cfg_fail(ld, cfg_elem(s, i), "'%s' must be a list of strings",
					k->name);
		if (k->check && k->check(ld, cfg_elem(s, i), name) < 0)
			return -1;
		for (j = 0; j < *n; j++)
			if (strcmp((*out)[j], name) == 0)
				return cfg_fail(ld, cfg_elem(s, i), "duplicate '%s' in '%s'", name,
						k->name);
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
	long long v = 0;
	usec_t us = 0;

	switch (k->kind) {
	case K_INT:
		return parse_int(ld, s, k, obj);
	case K_SECS:
		if (cfg_get_secs(ld, s, k->flags & F_POSITIVE, &us) < 0)
			return -1;
		store_int(obj, k, us);
		return 0;
	case K_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return cfg_fail(ld, s, "'%s' must be true or false", k->name);
		store_int(obj, k, config_setting_get_bool(s));
		return 0;
	case K_CHOICE:
		if (cfg_get_choice(ld, s, k->words, &v) < 0)
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
		return cfg_fail(ld, g, "missing '%s' %s", k->name, where);
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
		if (!key_known(spec->keys, config_setting_name(cfg_elem(g, i))))
			return cfg_fail(ld, cfg_elem(g, i), "unknown key '%s' %s",
					config_setting_name(cfg_elem(g, i)), where);
	for (; k->name; k++)
		if (parse_key(ld, g, k, obj, where) < 0)
			return -1;
	return spec->post ? spec->post(ld, g, obj) : 0;
}

/* ---- the top level ---- */

static int parse_vipd(struct loader *ld, const config_setting_t *root)
{
	const config_setting_t *g = config_setting_get_member(root, "vipd");
	struct config *cfg = ld->cfg;
	static const config_setting_t empty; /* an empty group: defaults only */

	if (gethostname(cfg->router_id, sizeof(cfg->router_id) - 1) < 0 || !cfg->router_id[0])
		strcpy(cfg->router_id, "vipd");
	if (g && !config_setting_is_group(g))
		return cfg_fail(ld, g, "'vipd' must be a group");
	return parse_group(ld, &cfg_vipd_spec, g ? g : &empty, cfg);
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
		return cfg_fail(ld, s, "'%s' must be a list of groups: ( { ... }, ... )", key);
	*n = config_setting_length(s);
	for (i = 0; i < *n; i++)
		if (!config_setting_is_group(cfg_elem(s, i)))
			return cfg_fail(ld, cfg_elem(s, i), "each entry of '%s' must be a group",
					key);
	return 0;
}

static int parse_checks(struct loader *ld, const config_setting_t *root)
{
	struct config *cfg = ld->cfg;
	const config_setting_t *list;
	int i, n;

	if (get_group_list(ld, root, "checks", &list, &n) < 0)
		return -1;
	if (!(cfg->checks = cfg_calloc(ld, (size_t)n, sizeof(*cfg->checks))))
		return -1;
	for (i = 0; i < n; i++) {
		struct check_config *c = &cfg->checks[i];

		cfg->n_checks = (size_t)i + 1;
		if (parse_group(ld, &cfg_check_spec, cfg_elem(list, i), c) < 0)
			return -1;
		if (config_find_check(cfg, c->name) != c)
			return cfg_fail(ld, config_setting_get_member(cfg_elem(list, i), "name"),
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
			return cfg_fail(ld, config_setting_get_member(g, "name"),
					"duplicate instance name '%s'", in->name);
		if (o->vrid != in->vrid || strcmp(o->interface, in->interface) != 0)
			continue;
		for (f = 0; f < 2; f++)
			if (config_instance_has_family(in, fams[f]) &&
			    config_instance_has_family(o, fams[f]))
				return cfg_fail(ld, config_setting_get_member(g, "vrid"),
						"vrid %u on %s (%s) already used by instance '%s'",
						in->vrid, in->interface, cfg_family_name(fams[f]),
						o->name);
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
		return cfg_fail(ld, root, "missing 'instances' at top level");
	if (n == 0)
		return cfg_fail(ld, list, "'instances' must not be empty");
	if (!(cfg->instances = cfg_calloc(ld, (size_t)n, sizeof(*cfg->instances))))
		return -1;
	for (i = 0; i < n; i++) {
		cfg->n_instances = (size_t)i + 1;
		if (parse_group(ld, &cfg_instance_spec, cfg_elem(list, i), &cfg->instances[i]) < 0)
			return -1;
		if (check_clash(ld, cfg_elem(list, i), (size_t)i) < 0)
			return -1;
	}
	return 0;
}

static int parse_root(struct loader *ld, const config_setting_t *root)
{
	int i;

	for (i = 0; i < config_setting_length(root); i++)
		if (!key_known(cfg_top_keys, config_setting_name(cfg_elem(root, i))))
			return cfg_fail(ld, cfg_elem(root, i), "unknown key '%s' at top level",
					config_setting_name(cfg_elem(root, i)));
	if (parse_vipd(ld, root) < 0 || parse_checks(ld, root) < 0)
		return -1;
	return parse_instances(ld, root);
}

/* ---- loading ---- */

/* The config from libconfig's tree, wrapped integers found in text. */
static int load_tree(struct loader *ld, const char *text, const config_t *lc)
{
	ld->cfg = calloc(1, sizeof(*ld->cfg));
	if (!ld->cfg || !(ld->cfg->file = strdup(ld->file)) || cfg_scan_wide(text, &ld->wide) < 0)
		return cfg_fail(ld, NULL, "out of memory");
	if (parse_root(ld, config_root_setting(lc)) < 0)
		return -1;
	return wide_left_over(ld);
}

struct config *config_load_string(const char *text, const char *name, char *err, size_t errlen)
{
	char none[1];
	struct loader ld = { name, err && errlen ? err : none, err && errlen ? errlen : 1, NULL,
			     { NULL, 0, 0 } };
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
	if (load_tree(&ld, text, &lc) < 0) {
		config_free(ld.cfg);
		ld.cfg = NULL;
	}
	cfg_wide_free(&ld.wide);
	config_destroy(&lc);
	return ld.cfg;
}

char *cfg_read_file(const char *path, char *err, size_t errlen)
{
	char none[1];
	FILE *f = fopen(path, "r");
	char *buf;
	size_t len = 0;

	if (!err || errlen == 0) {
		err = none;
		errlen = sizeof(none);
	}
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
		snprintf(err, errlen, "%s: too large (max %zu bytes)", path, CONFIG_FILE_MAX);
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
	text = cfg_read_file(path, err, errlen);
	if (!text)
		return NULL;
	cfg = config_load_string(text, path, err, errlen);
	free(text);
	return cfg;
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
		free_strv(cfg->checks[i].env, cfg->checks[i].n_env);
	}
	for (i = 0; i < cfg->n_instances; i++)
		free_instance(&cfg->instances[i]);
	free(cfg->checks);
	free(cfg->instances);
	free(cfg->file);
	free(cfg);
}
