/* The file side of the keepalived importer: read the files, follow include
 * lines with glob(3), hand the text to the pure parser and the tree to the
 * pure mapping. */
#include "keepalived_load.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "keepalived_import.h"

struct load {
	FILE *msgs;
	size_t n_files;
};

/* The whole file, or NULL with the reason in why. */
static char *read_all(const char *path, size_t *len, char *why, size_t whylen)
{
	FILE *f = fopen(path, "r");
	char *buf;

	if (!f) {
		snprintf(why, whylen, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = malloc(KL_FILE_MAX + 1);
	if (!buf) {
		snprintf(why, whylen, "out of memory");
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, KL_FILE_MAX + 1, f);
	if (ferror(f))
		snprintf(why, whylen, "cannot read: %s", strerror(errno));
	else if (*len > KL_FILE_MAX)
		snprintf(why, whylen, "larger than %zu bytes", KL_FILE_MAX);
	if (ferror(f) || *len > KL_FILE_MAX) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Read and parse one file; from/line name the include line (NULL: the top). */
static int feed_file(struct kp_parser *p, struct load *ld, const char *path, const char *from,
		     int line)
{
	char why[256];
	size_t len = 0;
	char *text;
	int rc;

	if (++ld->n_files > KL_FILES_MAX)
		return kp_parser_fail(p, from, line, "more than %d files", KL_FILES_MAX);
	text = read_all(path, &len, why, sizeof(why));
	if (!text && from)
		return kp_parser_fail(p, from, line, "include '%s': %s", path, why);
	if (!text)
		return kp_parser_fail(p, path, 0, "%s", why);
	rc = kp_parser_feed(p, path, text, len);
	free(text);
	return rc;
}

/* A relative pattern is taken from the including file's directory. */
static void full_pattern(const char *pattern, const char *file, char *out, size_t outlen)
{
	const char *slash = strrchr(file, '/');

	if (pattern[0] == '/' || !slash)
		snprintf(out, outlen, "%s", pattern);
	else
		snprintf(out, outlen, "%.*s/%s", (int)(slash - file), file, pattern);
}

/* keepalived reads regular files that are not executable, and skips others. */
static bool readable_conf(struct load *ld, const char *path, const char *file, int line)
{
	struct stat st;

	if (path[strlen(path) - 1] == '/')
		return false; /* a directory (GLOB_MARK) */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    !(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return true;
	fprintf(ld->msgs, "%s:%d: warning: include skips '%s': not a regular, non-executable file "
		"(keepalived skips it too)\n", file, line, path);
	return false;
}

static int on_include(void *arg, struct kp_parser *p, const char *pattern, const char *file,
		      int line)
{
	struct load *ld = arg;
	char full[PATH_MAX];
	glob_t g;
	size_t i;
	int rc;

	full_pattern(pattern, file, full, sizeof(full));
	rc = glob(full, GLOB_MARK | GLOB_BRACE, NULL, &g);
	if (rc == GLOB_NOMATCH) {
		fprintf(ld->msgs, "%s:%d: warning: include '%s' matches no file (keepalived skips "
			"it too)\n", file, line, pattern);
		return 0;
	}
	if (rc != 0)
		return kp_parser_fail(p, file, line, "include '%s': cannot expand the pattern",
				      pattern);
	for (i = 0, rc = 0; i < g.gl_pathc && rc == 0; i++)
		if (readable_conf(ld, g.gl_pathv[i], file, line))
			rc = feed_file(p, ld, g.gl_pathv[i], file, line);
	globfree(&g);
	return rc;
}

struct kp_tree *keepalived_load(const char *path, FILE *msgs, char *err, size_t errlen)
{
	struct load ld = { msgs, 0 };
	struct kp_parser *p = kp_parser_new(on_include, &ld);
	struct kp_tree *t = NULL;

	if (!p) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (feed_file(p, &ld, path, NULL, 0) == 0)
		t = kp_parser_finish(p);
	if (!t)
		snprintf(err, errlen, "%s", *kp_parser_error(p) ? kp_parser_error(p) : "out of memory");
	kp_parser_free(p);
	return t;
}

int keepalived_import_file(const char *path, FILE *out, FILE *msgs)
{
	char err[KP_ERR_MAX];
	struct kp_tree *t = keepalived_load(path, msgs, err, sizeof(err));
	int rc;

	if (!t) {
		fprintf(msgs, "%s\n", err);
		return 1;
	}
	rc = keepalived_import(t, path, out, msgs);
	kp_tree_free(t);
	return rc;
}
