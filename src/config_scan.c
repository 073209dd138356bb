/* A lexical pass over the config text (and the files it @includes) that finds
 * the integer literals libconfig 1.5 silently wraps to 32 bits: a decimal
 * without the L suffix beyond -2147483648..2147483647, a hexadecimal beyond
 * 0x7fffffff. libconfig reads "priority = 4294967397;" as 101, so the loader
 * cannot see the problem in the value; it asks this list instead (cfg_wide_take).
 * Runs only on text libconfig has accepted, so it can be lenient about syntax. */
#include "config_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_INCLUDE_DEPTH 10 /* libconfig's own limit */

struct scan {
	const char *p;
	const char *file; /* NULL: the main text */
	int line;
	bool line_start;  /* only blanks since the last newline */
	bool named;       /* the last tokens were NAME and '=' or ':' */
	char name[CONFIG_NAME_MAX];
	char key[CONFIG_NAME_MAX];
	struct cfg_wide_list *out;
	int depth;
};

static int scan_text(const char *text, const char *file, int depth, struct cfg_wide_list *out);

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || is_digit(c) || c == '-' || c == '_';
}

/* ---- the list ---- */

static int wide_add(struct scan *sc, const char *start, size_t len, long long stored)
{
	struct cfg_wide_list *l = sc->out;
	struct cfg_wide *w;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		struct cfg_wide *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	w = &l->v[l->n];
	memset(w, 0, sizeof(*w));
	if (sc->file && !(w->file = strdup(sc->file)))
		return -1;
	l->n++;
	w->line = sc->line;
	w->stored = stored;
	if (sc->named)
		strcpy(w->key, sc->key);
	if (len >= sizeof(w->text))
		len = sizeof(w->text) - 1;
	memcpy(w->text, start, len);
	return 0;
}

void cfg_wide_free(struct cfg_wide_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].file);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---- numbers ---- */

/* What libconfig stores for a 32-bit literal: the value cut to 32 bits. */
static long long wrap32(unsigned long long v)
{
	return (long long)(int32_t)(uint32_t)v;
}

/* A hexadecimal literal at sc->p ("0x" already seen). */
static int scan_hex(struct scan *sc, const char *start)
{
	unsigned long long v;

	sc->p += 2;
	while (is_xdigit(*sc->p))
		sc->p++;
	if (*sc->p == 'L') { /* 64-bit: libconfig reads it whole */
		sc->p += sc->p[1] == 'L' ? 2 : 1;
		return 0;
	}
	errno = 0;
	v = strtoull(start, NULL, 16);
	if (errno == ERANGE) /* libconfig: strtoul(), saturating */
		v = UINT64_MAX;
	if (v <= INT32_MAX)
		return 0;
	return wide_add(sc, start, (size_t)(sc->p - start), wrap32(v));
}

/* The rest of a float after its digits: ".digits" and an exponent. */
static void skip_float(struct scan *sc)
{
	if (*sc->p == '.')
		for (sc->p++; is_digit(*sc->p); sc->p++)
			;
	if ((*sc->p == 'e' || *sc->p == 'E') &&
	    (is_digit(sc->p[1]) || ((sc->p[1] == '+' || sc->p[1] == '-') && is_digit(sc->p[2]))))
		for (sc->p += 2; is_digit(*sc->p); sc->p++)
			;
}

/* A number at sc->p: record it when it is a 32-bit literal out of range. */
static int scan_number(struct scan *sc)
{
	const char *start = sc->p;
	long long v;

	if (sc->p[0] == '0' && (sc->p[1] == 'x' || sc->p[1] == 'X') && is_xdigit(sc->p[2]))
		return scan_hex(sc, start);
	if (*sc->p == '+' || *sc->p == '-')
		sc->p++;
	while (is_digit(*sc->p))
		sc->p++;
	if (*sc->p == '.' || *sc->p == 'e' || *sc->p == 'E') {
		skip_float(sc);
		return 0;
	}
	if (*sc->p == 'L') {
		sc->p += sc->p[1] == 'L' ? 2 : 1;
		return 0;
	}
	errno = 0;
	v = strtoll(start, NULL, 10);
	if (errno != ERANGE && v >= INT32_MIN && v <= INT32_MAX)
		return 0;
	/* libconfig: atoi(), i.e. strtol() (saturating) cut to int */
	return wide_add(sc, start, (size_t)(sc->p - start), wrap32((unsigned long long)v));
}

static bool number_starts(const char *p)
{
	if (*p == '+' || *p == '-')
		p++;
	return is_digit(*p) || (*p == '.' && is_digit(p[1]));
}

/* ---- strings, comments, names, includes ---- */

/* A quoted string or include name at sc->p (the opening quote); its
 * unescaped text into buf when buf is not NULL. */
static void scan_quoted(struct scan *sc, char *buf, size_t size)
{
	size_t n = 0;

	for (sc->p++; *sc->p && *sc->p != '"'; sc->p++) {
		if (*sc->p == '\\' && (sc->p[1] == '"' || sc->p[1] == '\\'))
			sc->p++;
		if (*sc->p == '\n')
			sc->line++;
		if (buf && n + 1 < size)
			buf[n++] = *sc->p;
	}
	if (buf)
		buf[n] = '\0';
	if (*sc->p == '"')
		sc->p++;
}

static void skip_comment(struct scan *sc)
{
	if (sc->p[0] == '/' && sc->p[1] == '*') {
		for (sc->p += 2; *sc->p && !(sc->p[0] == '*' && sc->p[1] == '/'); sc->p++)
			if (*sc->p == '\n')
				sc->line++;
		sc->p += *sc->p ? 2 : 0;
		return;
	}
	sc->p += strcspn(sc->p, "\n");
}

static bool at_comment(const char *p)
{
	return *p == '#' || (p[0] == '/' && (p[1] == '/' || p[1] == '*'));
}

static void scan_name(struct scan *sc)
{
	size_t n = 0;

	for (; is_name_char(*sc->p); sc->p++)
		if (n + 1 < sizeof(sc->name))
			sc->name[n++] = *sc->p;
	sc->name[n] = '\0';
}

/* "@include "FILE"" at the start of a line: scan that file too. */
static int scan_include(struct scan *sc)
{
	char path[4096];
	char *text;
	int rc;

	sc->p += strlen("@include");
	sc->p += strspn(sc->p, " \t");
	if (*sc->p != '"' || sc->depth >= SCAN_INCLUDE_DEPTH)
		return 0;
	scan_quoted(sc, path, sizeof(path));
	text = cfg_read_file(path, NULL, 0);
	if (!text)
		return 0; /* libconfig read it; if it is gone now, nothing to add */
	rc = scan_text(text, path, sc->depth + 1, sc->out);
	free(text);
	return rc;
}

/* Blanks, newlines and comments at sc->p; false when there are none. */
static bool skip_blank(struct scan *sc)
{
	char c = *sc->p;

	if (c == '\n') {
		sc->line++;
		sc->line_start = true;
		sc->p++;
	} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
		sc->p++;
	} else if (at_comment(sc->p)) {
		skip_comment(sc);
	} else {
		return false;
	}
	return true;
}

/* One token (or blank) at sc->p. */
static int scan_token(struct scan *sc)
{
	char c = *sc->p;
	bool named = false;
	int rc = 0;

	if (skip_blank(sc))
		return 0;
	if (c == '@' && sc->line_start && strncmp(sc->p, "@include", 8) == 0) {
		rc = scan_include(sc);
	} else if (c == '"') {
		scan_quoted(sc, NULL, 0);
	} else if (is_name_start(c)) {
		scan_name(sc);
	} else if (number_starts(sc->p)) {
		rc = scan_number(sc);
	} else {
		named = (c == '=' || c == ':') && sc->name[0];
		if (named)
			strcpy(sc->key, sc->name);
		sc->p++;
	}
	if (!is_name_start(c))
		sc->name[0] = '\0';
	sc->named = named;
	sc->line_start = false;
	return rc;
}

static int scan_text(const char *text, const char *file, int depth, struct cfg_wide_list *out)
{
	struct scan sc;

	memset(&sc, 0, sizeof(sc));
	sc.p = text;
	sc.file = file;
	sc.line = 1;
	sc.line_start = true;
	sc.out = out;
	sc.depth = depth;
	while (*sc.p)
		if (scan_token(&sc) < 0)
			return -1;
	return 0;
}

int cfg_scan_wide(const char *text, struct cfg_wide_list *out)
{
	memset(out, 0, sizeof(*out));
	if (scan_text(text, NULL, 0, out) < 0) {
		cfg_wide_free(out);
		return -1;
	}
	return 0;
}
