/* Reading a keepalived.conf from disk: the file and what its "include" lines
 * name (glob(3) patterns, relative ones taken from the including file's
 * directory, as keepalived does), parsed by keepalived_parse, and the whole
 * `vipd --import-keepalived FILE` command on top of keepalived_import. */
#ifndef VIPD_KEEPALIVED_LOAD_H
#define VIPD_KEEPALIVED_LOAD_H

#include <stddef.h>
#include <stdio.h>

#include "keepalived_parse.h"

#define KL_FILE_MAX ((size_t)1024 * 1024) /* bytes of one file */
#define KL_FILES_MAX 256                  /* files read in all */

/* The tree of path and its includes, or NULL with "file:line: what" in err.
 * What keepalived itself skips (a pattern that matches nothing, a directory,
 * an executable file) is skipped with a warning on msgs. */
struct kp_tree *keepalived_load(const char *path, FILE *msgs, char *err, size_t errlen);

/* vipd --import-keepalived: the vipd config on out, messages on msgs; the
 * exit status: 0 when everything was carried over, 1 when not. */
int keepalived_import_file(const char *path, FILE *out, FILE *msgs);

#endif
