/* The normalized configuration: config_print writes every key of every group in
 * table order, defaults included, in libconfig syntax that loads back to the same
 * config. Golden files under tests/unit/config/ pin this output. */
#include "config_internal.h"

#include <stdint.h>
#include <string.h>

/* ---- values ---- */

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
		return k->min < 0 ? (long long)*(const int32_t *)p
				  : (long long)*(const uint32_t *)p;
	return *(const int64_t *)p;
}

void cfg_fmt_secs(usec_t usec, char *buf, size_t size)
{
	int len = snprintf(buf, size, "%lld.%06lld", (long long)(usec / USEC_PER_SEC),
			   (long long)(usec % USEC_PER_SEC));

	while (len > 2 && (size_t)len < size && buf[len - 1] == '0' && buf[len - 2] != '.')
		buf[--len] = '\0';
}

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

	cfg_fmt_secs(usec, buf, sizeof(buf));
	fputs(buf, out);
}

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

/* ---- the instance keys that need code ---- */

void cfg_print_advert(FILE *out, const void *obj)
{
	print_secs(out, ((const struct instance_config *)obj)->advert_interval_cs * USEC_PER_CSEC);
}

void cfg_print_vips(FILE *out, const void *obj)
{
	const struct instance_config *in = obj;
	char buf[IPADDR_STRLEN];
	size_t i;

	fputc('[', out);
	for (i = 0; i < in->n_vips; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : " ", ipprefix_str(&in->vips[i], buf));
	fputs(" ]", out);
}

void cfg_print_source(FILE *out, const void *obj)
{
	const struct instance_config *in = obj;
	char buf[IPADDR_STRLEN];

	fprintf(out, "\"%s\"", in->unicast_source.family == AF_UNSPEC ? "" :
		ipaddr_str(&in->unicast_source, buf));
}

void cfg_print_peers(FILE *out, const void *obj)
{
	const struct instance_config *in = obj;
	char buf[IPADDR_STRLEN];
	size_t i;

	fputc('[', out);
	for (i = 0; i < in->n_unicast_peers; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : " ", ipaddr_str(&in->unicast_peers[i], buf));
	fputs(" ]", out);
}

void cfg_print_auth(FILE *out, const void *obj)
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

void cfg_print_metrics_listen(FILE *out, const void *obj)
{
	const struct config *cfg = obj;
	char buf[IPADDR_STRLEN];
	bool v6;

	if (cfg->metrics_addr.family == AF_UNSPEC) {
		fputs("\"\"", out);
		return;
	}
	v6 = cfg->metrics_addr.family == AF_INET6;
	fprintf(out, "\"%s%s%s:%u\"", v6 ? "[" : "", ipaddr_str(&cfg->metrics_addr, buf),
		v6 ? "]" : "", cfg->metrics_port);
}

void cfg_print_env(FILE *out, const void *obj)
{
	const struct check_config *c = obj;
	size_t i;

	fputc('{', out);
	for (i = 0; i < c->n_env; i++) {
		const char *eq = strchr(c->env[i], '=');

		fprintf(out, " %.*s = ", (int)(eq - c->env[i]), c->env[i]);
		print_quoted(out, eq + 1);
		fputc(';', out);
	}
	fputs(" }", out);
}

/* ---- groups ---- */

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
	print_group(out, &cfg_vipd_spec, cfg, "\t");
	fputs("};\nchecks = (", out);
	for (i = 0; i < cfg->n_checks; i++) {
		fputs(i ? ",\n\t{\n" : "\n\t{\n", out);
		print_group(out, &cfg_check_spec, &cfg->checks[i], "\t\t");
		fputs("\t}", out);
	}
	fputs(cfg->n_checks ? "\n);\ninstances = (" : " );\ninstances = (", out);
	for (i = 0; i < cfg->n_instances; i++) {
		fputs(i ? ",\n\t{\n" : "\n\t{\n", out);
		print_group(out, &cfg_instance_spec, &cfg->instances[i], "\t\t");
		fputs("\t}", out);
	}
	fputs(cfg->n_instances ? "\n);\n" : " );\n", out);
}
