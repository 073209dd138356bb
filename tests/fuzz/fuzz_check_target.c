/* libFuzzer target for the check-target parser: the first byte picks tcp or
 * https, the rest is the target text. Any text must parse or fail cleanly;
 * what parses must hold its invariants (port 1..65535, a host, an address, a
 * printable path that starts with '/') and, written back out as a target,
 * parse again to the same thing.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc
 *        src/check_target.c src/ipaddr.c tests/fuzz/fuzz_check_target.c */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_target.h"

#define FUZZ_MAX_INPUT 4096

static void check_invariants(bool https, const struct check_target *t)
{
	const char *c;

	if (t->port == 0 || t->host[0] == '\0' || memchr(t->host, '\0', sizeof(t->host)) == NULL)
		abort();
	if (t->addr.family != AF_INET && t->addr.family != AF_INET6)
		abort();
	if (!https) {
		if (t->path[0] != '\0')
			abort();
		return;
	}
	if (t->path[0] != '/' || memchr(t->path, '\0', sizeof(t->path)) == NULL)
		abort();
	for (c = t->path; *c; c++)
		if (*c <= ' ' || *c > '~' || *c == '#')
			abort();
}

/* The target written out again: "https://" HOST-HEADER PATH, or HOST:PORT. */
static void render(bool https, const struct check_target *t, char *buf, size_t size)
{
	char host[CHECK_TARGET_HOST_MAX + 16];

	if (https) {
		if (check_target_host_header(t, host, sizeof(host)) < 0)
			abort();
		snprintf(buf, size, "https://%s%s", host, t->path);
	} else if (t->addr.family == AF_INET6) {
		snprintf(buf, size, "[%s]:%u", t->host, (unsigned)t->port);
	} else {
		snprintf(buf, size, "%s:%u", t->host, (unsigned)t->port);
	}
}

static void check_round_trip(bool https, const struct check_target *t)
{
	static struct check_target again;
	static char text[CHECK_TARGET_HOST_MAX + CHECK_TARGET_PATH_MAX + 32];

	render(https, t, text, sizeof(text));
	if (check_target_parse(https, text, &again) != CHECK_TARGET_OK) {
		fprintf(stderr, "written-out target does not parse: %s\n", text);
		abort();
	}
	if (!ipaddr_equal(&t->addr, &again.addr) || t->port != again.port ||
	    strcmp(t->host, again.host) != 0 || strcmp(t->path, again.path) != 0) {
		fprintf(stderr, "round trip differs: %s\n", text);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct check_target t;
	enum check_target_error e;
	char *text;
	bool https;

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	https = data[0] & 1;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	e = check_target_parse(https, text, &t);
	if ((unsigned)e >= CHECK_TARGET_ERROR_COUNT || !check_target_error_text(e))
		abort();
	if (e == CHECK_TARGET_OK) {
		check_invariants(https, &t);
		check_round_trip(https, &t);
	} else if (t.port != 0 || t.host[0] != '\0') {
		abort(); /* a refused target leaves nothing behind */
	}
	free(text);
	return 0;
}
