/* libFuzzer target for the metrics listener's request-head parser: parse
 * the input whole, then a prefix of it (its length taken from the first two
 * bytes), and check that the prefix gives INCOMPLETE or the whole's verdict,
 * and that every verdict keeps the parser's own promises.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc
 *        src/http_req.c tests/fuzz/fuzz_http_req.c */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_req.h"

#define FUZZ_MAX ((size_t)2 * HTTP_REQ_MAX)

/* What the header promises about a verdict on len bytes. */
static void check_promises(const char *b, size_t len, enum http_req_status st,
			   const struct http_req *r)
{
	if ((unsigned)st >= HTTP_REQ_STATUS_COUNT)
		abort();
	if (st == HTTP_REQ_INCOMPLETE && len >= HTTP_REQ_MAX)
		abort();
	if (st == HTTP_REQ_TOO_LONG && len < HTTP_REQ_MAX)
		abort();
	if (st != HTTP_REQ_OK)
		return;
	if (r->head_len == 0 || r->head_len > len || r->head_len > HTTP_REQ_MAX ||
	    b[r->head_len - 1] != '\n')
		abort();
	if (r->minor != 0 && r->minor != 1)
		abort();
	if (memchr(r->path, '\0', sizeof(r->path)) == NULL)
		abort();
	if (r->path[0] && r->path[0] != '/' && strcmp(r->path, "*") != 0)
		abort();
	while (*b == '\r' || *b == '\n')
		b++; /* within the head: it holds a request line */
	if (r->method == HTTP_REQ_GET && memcmp(b, "GET ", 4) != 0)
		abort();
}

static bool same_req(const struct http_req *a, const struct http_req *b)
{
	return a->method == b->method && a->minor == b->minor && strcmp(a->path, b->path) == 0 &&
	       a->head_len == b->head_len && a->n_headers == b->n_headers;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req whole, part;
	enum http_req_status w, p;
	size_t k;
	char *b;

	if (size < 2 || size > FUZZ_MAX)
		return 0;
	k = ((size_t)data[0] << 8 | data[1]) % (size - 1);
	size -= 2;
	b = malloc(size ? size : 1); /* exactly the input: a read past it is caught */
	if (!b)
		return 0;
	memcpy(b, data + 2, size);
	w = http_req_parse(b, size, &whole);
	check_promises(b, size, w, &whole);
	p = http_req_parse(b, k, &part);
	check_promises(b, k, p, &part);
	if (p != HTTP_REQ_INCOMPLETE && (p != w || !same_req(&part, &whole)))
		abort();
	free(b);
	return 0;
}
