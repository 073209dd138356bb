/* The keepalived importer: global_defs and vrrp_script into the model
 * (keepalived_import_internal.h), vrrp_instance through
 * keepalived_import_instance.c, then the vipd config text, checked with vipd's
 * own loader before it is written. Every message names the keepalived
 * file:line it is about. */
#include "keepalived_import_internal.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* ---- messages ---- */

static void vmsg(struct ki *k, const struct kp_node *n, const char *prefix, const char *fmt,
		 va_list ap)
{
	fprintf(k->msgs, "%s:%d: %s", n->file, n->line, prefix);
	vfprintf(k->msgs, fmt, ap);
	fputc('\n', k->msgs);
}

void ki_fail(struct ki *k, const struct kp_node *n, const char *fmt, ...)
{
	va_list ap;

	k->n_fail++;
	va_start(ap, fmt);
	vmsg(k, n, "", fmt, ap);
	va_end(ap);
}

void ki_warn(struct ki *k, const struct kp_node *n, const char *fmt, ...)
{
	va_list ap;

	k->n_warn++;
	va_start(ap, fmt);
	vmsg(k, n, "warning: ", fmt, ap);
	va_end(ap);
}

void ki_note(struct ki *k, const struct kp_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(k, n, "note: ", fmt, ap);
	va_end(ap);
}

/* ---- values ---- */

char *ki_strdup(struct ki *k, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		k->oom = true;
	return copy;
}

void *ki_grow(struct ki *k, void *array, size_t *n, size_t size)
{
	char *bigger = realloc(array, (*n + 1) * size);

	if (!bigger) {
		k->oom = true;
		return NULL;
	}
	memset(bigger + *n * size, 0, size);
	(*n)++;
	return bigger;
}

bool ki_placeholder(struct ki *k, const struct kp_node *n)
{
	const char *last = n->n_args ? n->args[n->n_args - 1] : n->keyword;
	size_t len = strlen(last);

	if (!n->block)
		return false;
	if (len && last[len - 1] == '$' && n->child && !n->child->next && !n->child->n_args)
		ki_fail(k, n, "'%s{%s}' is a template placeholder left unfilled: write the value "
			"in", last, n->child->keyword);
	else
		ki_fail(k, n, "'%s' takes %s, not a block", n->keyword,
			n->n_args ? "words" : "no block");
	return true;
}

const char *ki_value(struct ki *k, const struct kp_node *n)
{
	if (ki_placeholder(k, n))
		return NULL;
	if (n->n_args == 0) {
		ki_fail(k, n, "'%s' needs a value", n->keyword);
		return NULL;
	}
	if (n->n_args > 1)
		ki_warn(k, n, "'%s': words after '%s' ignored, as keepalived does", n->keyword,
			n->args[0]);
	return n->args[0];
}

bool ki_int(struct ki *k, const struct kp_node *n, const char *text, long long min, long long max,
	    long long *out)
{
	const char *p = text;
	long long v = 0;

	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		p = "x";
	for (; *p >= '0' && *p <= '9' && v <= max + 1; p++)
		v = v * 10 + (*p - '0');
	if (*text == '-')
		v = -v;
	if (*p || v < min || v > max) {
		ki_fail(k, n, "'%s' value '%s' is not a whole number in %lld..%lld%s", n->keyword,
			text, min, max,
			text[0] == '$' ? " (a template placeholder left unfilled?)" : "");
		return false;
	}
	*out = v;
	return true;
}

bool ki_secs(struct ki *k, const struct kp_node *n, const char *text, long long max_s,
	     long long *us)
{
	const char *p = text;
	long long whole = 0, frac = 0, scale = KI_USEC;

	for (; *p >= '0' && *p <= '9' && whole <= max_s; p++)
		whole = whole * 10 + (*p - '0');
	if (*p == '.' && p != text)
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
	if (*p || p == text || whole > max_s || (whole == max_s && frac)) {
		ki_fail(k, n, "'%s' value '%s' is not a number of seconds in 0..%lld%s", n->keyword,
			text, max_s, text[0] == '$' ? " (a template placeholder left unfilled?)" : "");
		return false;
	}
	*us = whole * KI_USEC + frac;
	return true;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

bool ki_name(struct ki *k, const struct kp_node *n, const char *what, char out[KI_NAME_MAX])
{
	const char *in = n->n_args ? n->args[0] : "";
	size_t i;

	if (!*in) {
		ki_fail(k, n, "'%s' needs a name", n->keyword);
		return false;
	}
	for (i = 0; i < KI_NAME_MAX - 1 && in[i]; i++)
		out[i] = name_char(in[i]) ? in[i] : '_';
	out[i] = '\0';
	if (strcmp(in, out) != 0)
		ki_warn(k, n, "%s name '%s' is '%s' in vipd (at most %d letters, digits, '_', '-' "
			"and '.')", what, in, out, KI_NAME_MAX - 1);
	return true;
}

/* Characters /bin/sh reads specially that keepalived, which runs scripts
 * without a shell, passes on as they are. */
static bool shell_reads_differently(const char *s)
{
	char quote = 0;

	for (; *s; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
			else if (quote == '"' && (*s == '$' || *s == '`'))
				return true;
		} else if (*s == '\'' || *s == '"')
			quote = *s;
		else if (*s == '\\' && s[1])
			s++;
		else if (strchr("$`;|&<>()*?[~#", *s))
			return true;
	}
	return false;
}

/* A word for sh: as it is when it is plain, else in single quotes. */
static void sh_word(FILE *f, const char *w, bool quoted)
{
	const char *p;

	for (p = w; *p && (!quoted || strchr("_@%+=:,./-", *p) || (*p >= 'a' && *p <= 'z') ||
			   (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'));
	     p++)
		;
	if (!*p && *w) {
		fputs(w, f);
		return;
	}
	fputc('\'', f);
	for (p = w; *p; p++)
		fputs(*p == '\'' ? "'\\''" : (char[]){ *p, '\0' }, f);
	fputc('\'', f);
}

char *ki_command(struct ki *k, const struct kp_node *n, size_t from, size_t to)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;

	if (to == from + 1)
		text = ki_strdup(k, n->args[from]);
	else if ((f = open_memstream(&text, &len))) {
		for (i = from; i < to; i++) {
			if (i > from)
				fputc(' ', f);
			sh_word(f, n->args[i], n->quoted[i]);
		}
		fclose(f);
	}
	if (!text) {
		k->oom = true;
		return NULL;
	}
	if (shell_reads_differently(text))
		ki_warn(k, n, "'%s': keepalived runs '%s' without a shell, vipd with /bin/sh -c, "
			"which reads its $, `, ;, |, &, <, >, globs and such itself", n->keyword, text);
	return text;
}

void ki_script_user(struct ki *k, const struct kp_node *n, size_t at)
{
	const char *user = n->args[at];

	if (at + 1 < n->n_args)
		ki_fail(k, n, "'%s' group '%s' not supported: vipd runs scripts with the groups of "
			"script_user; drop the group", n->keyword, n->args[at + 1]);
	if (strlen(user) >= KI_NAME_MAX) {
		ki_fail(k, n, "'%s' user '%s' is too long", n->keyword, user);
		return;
	}
	if (!k->script_user[0]) {
		snprintf(k->script_user, sizeof(k->script_user), "%s", user);
		k->script_user_node = n;
		ki_note(k, n, "script_user is '%s', from this '%s' (vipd runs every script as one "
			"user)", user, n->keyword);
	} else if (strcmp(user, k->script_user) != 0)
		ki_fail(k, n, "'%s' user '%s' not supported: vipd runs every script as one "
			"script_user ('%s', from %s:%d); run this one as that user too", n->keyword,
			user, k->script_user, k->script_user_node->file, k->script_user_node->line);
}

/* ---- global_defs ---- */

static void global_script_user(struct ki *k, const struct kp_node *n)
{
	if (!ki_value(k, n))
		return;
	if (n->n_args > 1)
		ki_fail(k, n, "'script_user' group '%s' not supported: vipd runs scripts with the "
			"groups of script_user; drop the group", n->args[1]);
	if (strlen(n->args[0]) >= KI_NAME_MAX) {
		ki_fail(k, n, "'script_user' '%s' is too long", n->args[0]);
		return;
	}
	snprintf(k->script_user, sizeof(k->script_user), "%s", n->args[0]);
	k->script_user_node = n;
	k->script_user_global = true;
}

static void global_version(struct ki *k, const struct kp_node *n)
{
	const char *v = ki_value(k, n);
	long long ver;

	if (v && ki_int(k, n, v, 2, 3, &ver))
		k->default_version = (int)ver;
}

static void global_key(struct ki *k, const struct kp_node *n)
{
	const char *v;

	if (strcmp(n->keyword, "router_id") == 0) {
		if ((v = ki_value(k, n)) && strlen(v) >= KI_NAME_MAX)
			ki_fail(k, n, "'router_id' '%s' is longer than %d characters", v,
				KI_NAME_MAX - 1);
		else if (v)
			snprintf(k->router_id, sizeof(k->router_id), "%s", v);
	} else if (strcmp(n->keyword, "script_user") == 0)
		global_script_user(k, n);
	else if (strcmp(n->keyword, "vrrp_version") == 0)
		global_version(k, n);
	else if (strcmp(n->keyword, "default_interface") == 0) {
		if ((v = ki_value(k, n)))
			snprintf(k->default_interface, sizeof(k->default_interface), "%s", v);
	} else if (strncmp(n->keyword, "vrrp_", 5) != 0 || !ki_garp_key(k, &k->garp, n, n->keyword + 5))
		ki_other_keyword(k, n);
}

/* ---- vrrp_script ---- */

/* interval and timeout: whole seconds, as keepalived reads them. */
static void script_secs(struct ki *k, const struct kp_node *n, long long *us)
{
	const char *v = ki_value(k, n);
	long long s;

	if (!v)
		return;
	if (!ki_int(k, n, v, 0, 86400, &s)) {
		ki_note(k, n, "keepalived ignores this value too");
		return;
	}
	if (s == 0)
		ki_warn(k, n, "'%s 0' is 1 s in keepalived, and so here", n->keyword);
	*us = (s ? s : 1) * KI_USEC;
}

static void script_weight(struct ki *k, struct ki_script *s, const struct kp_node *n)
{
	const char *v = ki_value(k, n);
	long long w;

	if (!v || !ki_int(k, n, v, -253, 253, &w))
		return;
	s->weight = (int)w;
	if (n->n_args > 1 && strcmp(n->args[1], "reverse") == 0)
		ki_fail(k, n, "'weight ... reverse' not supported: vipd adds a positive weight while "
			"the check passes and a negative one while it fails; invert the script's exit "
			"status instead");
}

static void script_count(struct ki *k, const struct kp_node *n, unsigned *out)
{
	const char *v = ki_value(k, n);
	long long c;

	if (v && ki_int(k, n, v, 1, 1000, &c))
		*out = (unsigned)c;
}

static void script_key(struct ki *k, struct ki_script *s, const struct kp_node *n)
{
	const char *kw = n->keyword;

	if (strcmp(kw, "script") == 0) {
		free(s->command);
		s->command = n->n_args ? ki_command(k, n, 0, n->n_args) : NULL;
		if (s->command && !s->command[strspn(s->command, " \t")]) {
			free(s->command);
			s->command = NULL;
		}
	} else if (strcmp(kw, "interval") == 0)
		script_secs(k, n, &s->interval_us);
	else if (strcmp(kw, "timeout") == 0)
		script_secs(k, n, &s->timeout_us);
	else if (strcmp(kw, "weight") == 0)
		script_weight(k, s, n);
	else if (strcmp(kw, "rise") == 0)
		script_count(k, n, &s->rise);
	else if (strcmp(kw, "fall") == 0)
		script_count(k, n, &s->fall);
	else if (strcmp(kw, "user") == 0 && n->n_args)
		ki_script_user(k, n, 0);
	else if (strcmp(kw, "init_fail") == 0)
		s->init_fail = true;
	else
		ki_other_keyword(k, n);
}

static void vrrp_script(struct ki *k, const struct kp_node *n)
{
	struct ki_script *s, *grown;
	const struct kp_node *c;
	char name[KI_NAME_MAX];

	if (!ki_name(k, n, "vrrp_script", name))
		return;
	if (ki_find_script(k, n->args[0]) >= 0) {
		ki_fail(k, n, "vrrp_script '%s' is defined twice", n->args[0]);
		return;
	}
	if (!(grown = ki_grow(k, k->scripts, &k->n_scripts, sizeof(*grown))))
		return;
	k->scripts = grown;
	s = &k->scripts[k->n_scripts - 1];
	*s = (struct ki_script){ .node = n, .interval_us = KI_USEC, .timeout_us = KI_UNSET,
				 .rise = 1, .fall = 1 };
	memcpy(s->name, name, sizeof(name));
	for (c = n->child; c; c = c->next)
		script_key(k, s, c);
	if (!s->command)
		ki_warn(k, n, "vrrp_script '%s' has no script: keepalived drops it, and so does "
			"the import", n->args[0]);
	if (s->timeout_us > s->interval_us)
		ki_warn(k, n, "vrrp_script '%s': timeout cut to the interval (%lld s), which vipd's "
			"may not exceed", n->args[0], s->interval_us / KI_USEC);
}

long ki_find_script(const struct ki *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->n_scripts; i++)
		if (strcmp(k->scripts[i].node->args[0], name) == 0)
			return (long)i;
	return -1;
}

/* ---- checks ---- */

static bool check_name_taken(const struct ki *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->n_checks; i++)
		if (strcmp(k->checks[i].name, name) == 0)
			return true;
	return false;
}

long ki_check_for(struct ki *k, size_t s, int weight)
{
	const struct ki_script *sc = &k->scripts[s];
	char name[KI_NAME_MAX];
	struct ki_check *grown, *c;
	unsigned i;

	for (i = 0; i < k->n_checks; i++)
		if (k->checks[i].script == s && k->checks[i].weight == weight)
			return (long)i;
	if (weight == sc->weight)
		snprintf(name, sizeof(name), "%s", sc->name);
	else
		snprintf(name, sizeof(name), "%.40s_weight%d", sc->name, weight);
	for (i = 2; check_name_taken(k, name) && i < 1000; i++)
		snprintf(name, sizeof(name), "%.40s_%u", sc->name, i);
	if (!(grown = ki_grow(k, k->checks, &k->n_checks, sizeof(*grown))))
		return -1;
	k->checks = grown;
	c = &k->checks[k->n_checks - 1];
	c->script = s;
	c->weight = weight;
	memcpy(c->name, name, sizeof(name));
	k->scripts[s].used = true;
	k->any_script = true;
	return (long)(k->n_checks - 1);
}

/* APISERVER_VIP of each check: the first VIP of the instances that track it. */
static void check_vips(struct ki *k)
{
	char vip[IPADDR_STRLEN];
	size_t i, j;

	for (i = 0; i < k->n_instances; i++) {
		const struct ki_instance *in = &k->instances[i];

		if (in->dropped || !in->n_vips)
			continue;
		ipaddr_str(&in->vips[0].addr, vip);
		for (j = 0; j < in->n_checks; j++) {
			struct ki_check *c = &k->checks[in->checks[j]];

			if (!c->vip[0] && !c->vip_differs)
				memcpy(c->vip, vip, sizeof(vip));
			else if (strcmp(c->vip, vip) != 0) {
				c->vip[0] = '\0';
				c->vip_differs = true;
			}
		}
	}
}

/* Without a script_user, keepalived runs scripts as keepalived_script when
 * that user exists on the node, as root otherwise: the import does the same,
 * so the imported node runs its scripts as keepalived did there (and passes
 * vipd -t without a new user), and says how to do better. */
static void default_script_user(struct ki *k)
{
	const struct kp_node *n = k->n_scripts ? k->scripts[0].node : NULL;
	const char *user = getpwnam("keepalived_script") ? "keepalived_script" : "root";
	size_t i;

	if (!k->any_script || k->script_user[0])
		return;
	for (i = 0; !n && i < k->n_instances; i++)
		n = k->instances[i].node;
	snprintf(k->script_user, sizeof(k->script_user), "%s", user);
	k->script_user_implied = true;
	if (n)
		ki_warn(k, n, "no script_user: keepalived runs scripts as keepalived_script when "
			"that user exists, else as root; here that is '%s', and the import keeps it "
			"(to run them unprivileged, create a user and set script_user)", user);
}

static void unused_scripts(struct ki *k)
{
	size_t i;

	for (i = 0; i < k->n_scripts; i++)
		if (k->scripts[i].command && !k->scripts[i].used)
			ki_note(k, k->scripts[i].node, "vrrp_script '%s' is tracked by no instance: "
				"keepalived does not run it, and it is not imported",
				k->scripts[i].node->args[0]);
}

/* ---- output ---- */

void ki_out_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void ki_out_secs(FILE *f, long long us)
{
	if (us % KI_USEC == 0)
		fprintf(f, "%lld", us / KI_USEC);
	else {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "%lld.%06lld", us / KI_USEC, us % KI_USEC);

		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		fputs(buf, f);
	}
}

void ki_out_key_str(FILE *f, const char *key, const char *value)
{
	fprintf(f, "\t\t%s = ", key);
	ki_out_str(f, value);
	fputs(";\n", f);
}

static void write_vipd(const struct ki *k, FILE *f)
{
	if (!k->router_id[0] && !k->any_script)
		return;
	fputs("vipd: {\n", f);
	if (k->router_id[0]) {
		fputs("\trouter_id = ", f);
		ki_out_str(f, k->router_id);
		fputs(";\n", f);
	}
	if (k->any_script) {
		if (k->script_user_implied)
			fputs("\t# the user keepalived ran the scripts as on this node\n", f);
		fputs("\tscript_user = ", f);
		ki_out_str(f, k->script_user);
		fputs(";\n", f);
	}
	fputs("};\n\n", f);
}

static void write_check(const struct ki *k, const struct ki_check *c, FILE *f)
{
	const struct ki_script *s = &k->scripts[c->script];
	long long timeout = s->timeout_us == KI_UNSET || s->timeout_us > s->interval_us
				    ? s->interval_us
				    : s->timeout_us;

	fprintf(f, "\t# vrrp_script %s, %s:%d", s->node->args[0], s->node->file, s->node->line);
	if (c->weight != s->weight)
		fprintf(f, ", with the weight of a track_script");
	fputs("\n\t{\n", f);
	ki_out_key_str(f, "name", c->name);
	ki_out_key_str(f, "type", "exec");
	ki_out_key_str(f, "target", s->command);
	fputs("\t\tinterval = ", f);
	ki_out_secs(f, s->interval_us);
	fputs(";\n\t\ttimeout = ", f);
	ki_out_secs(f, timeout);
	fprintf(f, ";\n\t\trise = %u;\n\t\tfall = %u;\n\t\tweight = %d;\n", s->rise, s->fall,
		c->weight);
	ki_out_key_str(f, "initial", s->init_fail ? "failed" : "up");
	if (c->vip[0]) {
		fputs("\t\tenv = { APISERVER_VIP = ", f);
		ki_out_str(f, c->vip);
		fputs("; };\n", f);
	}
	fputs("\t}", f);
}

static void write_checks(const struct ki *k, FILE *f)
{
	size_t s, i, n = 0;

	if (!k->n_checks)
		return;
	fputs("checks = (\n", f);
	for (s = 0; s < k->n_scripts; s++)
		for (i = 0; i < k->n_checks; i++)
			if (k->checks[i].script == s) {
				fputs(n++ ? ",\n" : "", f);
				write_check(k, &k->checks[i], f);
			}
	fputs("\n);\n\n", f);
}

static void write_all(const struct ki *k, const char *source, FILE *f)
{
	size_t i, n = 0;

	fprintf(f, "# vipd.conf imported from %s by vipd --import-keepalived.\n"
		   "# Check it on the node with: vipd -t -f FILE\n\n", source);
	write_vipd(k, f);
	write_checks(k, f);
	fputs("instances = (\n", f);
	for (i = 0; i < k->n_instances; i++)
		if (!k->instances[i].dropped) {
			fputs(n++ ? ",\n" : "", f);
			ki_write_instance(k, &k->instances[i], f);
		}
	fputs("\n);\n", f);
}

/* ---- the whole import ---- */

static void top_level(struct ki *k, const struct kp_tree *t)
{
	const struct kp_node *n;
	const struct kp_node *c;

	for (n = t->first; n; n = n->next)
		if (strcmp(n->keyword, "global_defs") == 0)
			for (c = n->child; c; c = c->next)
				global_key(k, c);
		else if (strcmp(n->keyword, "vrrp_script") != 0 &&
			 strcmp(n->keyword, "vrrp_instance") != 0)
			ki_other_keyword(k, n);
	for (n = t->first; n && !k->oom; n = n->next)
		if (strcmp(n->keyword, "vrrp_script") == 0)
			vrrp_script(k, n);
	for (n = t->first; n && !k->oom; n = n->next)
		if (strcmp(n->keyword, "vrrp_instance") == 0)
			ki_instance(k, n);
}

static size_t live_instances(const struct ki *k)
{
	size_t i, n = 0;

	for (i = 0; i < k->n_instances; i++)
		n += !k->instances[i].dropped;
	return n;
}

/* The text must load with vipd's own loader. */
static void check_loads(struct ki *k, const char *text, const char *source)
{
	char err[CONFIG_ERR_MAX];
	struct config *cfg = config_load_string(text, "imported", err, sizeof(err));

	if (cfg) {
		config_free(cfg);
		return;
	}
	k->n_fail++;
	fprintf(k->msgs, "%s: the imported config does not load: %s\n", source, err);
}

static void summary(const struct ki *k, const char *source)
{
	size_t n = live_instances(k);

	fprintf(k->msgs, "%s: imported %zu instance%s and %zu check%s; ", source, n,
		n == 1 ? "" : "s", k->n_checks, k->n_checks == 1 ? "" : "s");
	if (k->n_fail)
		fprintf(k->msgs, "%u thing%s not carried over (see above)\n", k->n_fail,
			k->n_fail == 1 ? "" : "s");
	else
		fprintf(k->msgs, "everything carried over (%u warning%s)\n", k->n_warn,
			k->n_warn == 1 ? "" : "s");
}

static void free_model(struct ki *k)
{
	size_t i;

	ki_instances_free(k);
	for (i = 0; i < k->n_scripts; i++)
		free(k->scripts[i].command);
	free(k->scripts);
	free(k->checks);
}

/* The model to text, checked, and onto out. */
static void emit(struct ki *k, const char *source, FILE *out)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		k->oom = true;
		return;
	}
	write_all(k, source, f);
	if (fclose(f) != 0 || !text) {
		k->oom = true;
		free(text);
		return;
	}
	check_loads(k, text, source);
	fwrite(text, 1, len, out);
	free(text);
}

int keepalived_import(const struct kp_tree *t, const char *source, FILE *out, FILE *msgs)
{
	struct ki k = { .msgs = msgs, .default_version = 2,
			.garp = { KI_UNSET, KI_UNSET, KI_UNSET } };

	top_level(&k, t);
	if (k.n_lvs)
		ki_warn(&k, k.lvs_first, "LVS configuration skipped ('%s' here and %u more): vipd "
			"moves VIPs and does not balance load; keep keepalived's checker (keepalived "
			"--check) or ipvsadm for that", k.lvs_first->keyword, k.n_lvs - 1);
	k.n_fail += k.n_lvs ? 1 : 0;
	unused_scripts(&k);
	default_script_user(&k);
	check_vips(&k);
	if (!k.oom && live_instances(&k) == 0) {
		fprintf(msgs, "%s: no vrrp_instance to import\n", source);
		k.n_fail++;
	} else if (!k.oom)
		emit(&k, source, out);
	if (k.oom) {
		fprintf(msgs, "%s: out of memory\n", source);
		k.n_fail++;
	}
	summary(&k, source);
	free_model(&k);
	return k.n_fail ? 1 : 0;
}
