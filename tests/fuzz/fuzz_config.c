/* libFuzzer target for the config loader: any text must load or fail cleanly, and
 * whatever loads must print a normalized form that loads back and prints identically.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc src/config.c src/config_keys.c
 *        src/config_print.c src/config_scan.c src/check_target.c src/ipaddr.c src/log.c
 *        tests/fuzz/fuzz_config.c -lconfig -o fuzz_config (as tests/fuzz/run.sh does)
 * Run:   LSAN_OPTIONS=suppressions=tests/fuzz/fuzz_config.lsan.supp ./fuzz_config
 *        -max_total_time=60 -max_len=4096 -dict=tests/fuzz/config.dict CORPUS_DIR tests/unit/config
 * (the suppressions cover libconfig 1.5's own leaks after a syntax error). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define FUZZ_MAX_INPUT (64 * 1024)

static char *print_to_string(const struct config *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	config_print(cfg, f);
	fclose(f);
	return text;
}

/* load(print(cfg)) must succeed and print the same text. */
static void check_round_trip(const struct config *cfg)
{
	char err[CONFIG_ERR_MAX];
	char *first = print_to_string(cfg), *second;
	struct config *again = config_load_string(first, "printed", err, sizeof(err));

	if (!again) {
		fprintf(stderr, "normalized output does not load: %s\n%s", err, first);
		abort();
	}
	second = print_to_string(again);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "round trip differs:\n%s\n---\n%s", first, second);
		abort();
	}
	free(first);
	free(second);
	config_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CONFIG_ERR_MAX];
	struct config *cfg;
	char *text;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* @include would read arbitrary files (or /dev/zero) from the fuzzer's host. */
	if (strstr(text, "@include")) {
		free(text);
		return 0;
	}
	cfg = config_load_string(text, "fuzz", err, sizeof(err));
	if (cfg) {
		check_round_trip(cfg);
		config_free(cfg);
	} else if (strncmp(err, "fuzz", 4) != 0) {
		fprintf(stderr, "error message without the file name: %s\n", err);
		abort();
	}
	free(text);
	return 0;
}
