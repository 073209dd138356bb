/* libFuzzer target for the keepalived importer: any text must parse or fail
 * with "fuzz:LINE: what"; whatever parses must import without a crash or a
 * leak, every message must name the file ("fuzz:..."), and an import that
 * says everything was carried over (0) must have written a config vipd loads.
 * Includes are plain statements here (the file layer is not fuzzed).
 * Build and run: tests/fuzz/run.sh (corpus: tests/unit/import). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "keepalived_import.h"
#include "keepalived_parse.h"

#define FUZZ_MAX_INPUT (64 * 1024)

static void check_messages(const char *msgs)
{
	const char *line = msgs;

	while (line && *line) {
		if (strncmp(line, "fuzz", 4) != 0) {
			fprintf(stderr, "a message without the file name:\n%s", msgs);
			abort();
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
}

static void check_loads(const char *out)
{
	char err[CONFIG_ERR_MAX];
	struct config *cfg = config_load_string(out, "imported", err, sizeof(err));

	if (!cfg) {
		fprintf(stderr, "exit 0, but the output does not load: %s\n%s", err, out);
		abort();
	}
	config_free(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[KP_ERR_MAX] = "", *out = NULL, *msgs = NULL;
	size_t out_len = 0, msgs_len = 0;
	struct kp_tree *t;
	FILE *o, *m;
	int rc;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	t = kp_parse_text("fuzz", (const char *)data, size, err, sizeof(err));
	if (!t) {
		if (strncmp(err, "fuzz", 4) != 0) {
			fprintf(stderr, "parse error without the file name: %s\n", err);
			abort();
		}
		return 0;
	}
	o = open_memstream(&out, &out_len);
	m = open_memstream(&msgs, &msgs_len);
	if (!o || !m)
		abort();
	rc = keepalived_import(t, "fuzz", o, m);
	fclose(o);
	fclose(m);
	check_messages(msgs);
	if (rc == 0)
		check_loads(out);
	free(out);
	free(msgs);
	kp_tree_free(t);
	return 0;
}
