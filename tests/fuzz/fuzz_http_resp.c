/* libFuzzer target for the HTTP/1.x response parser: feed the input whole,
 * then split in two at a point taken from its first two bytes, and check that
 * both give the same verdict.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc
 *        src/http_resp.c tests/fuzz/fuzz_http_resp.c
 * The one difference allowed is the body cap: it stops only a body still
 * coming, so a read that ends a body past the cap gives DONE (or, for chunked
 * framing, BAD later on) where smaller reads give CAPPED. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "http_resp.h"

#define FUZZ_MAX (HTTP_RESP_HDR_MAX + HTTP_RESP_BODY_CAP + 4096)

struct verdict {
	enum http_resp_rc rc;
	int status;
	bool keep;
	enum http_resp_body mode;
	size_t body_total;
	bool leftover; /* the parser's flag, or bytes never fed after DONE */
};

static void feed(struct http_resp *r, const char *b, size_t len, size_t k, struct verdict *v)
{
	enum http_resp_rc rc;
	size_t unfed = len - k;

	http_resp_reset(r);
	rc = http_resp_feed(r, b, k);
	if (rc == HTTP_RESP_MORE) {
		rc = http_resp_feed(r, b + k, len - k);
		unfed = 0;
	}
	if (r->hdr_len > sizeof(r->hdr) || (rc == HTTP_RESP_DONE && !r->in_body))
		abort();
	v->rc = rc;
	v->status = r->status;
	v->keep = r->keep;
	v->mode = r->mode;
	v->body_total = r->body_total;
	v->leftover = r->leftover || (rc == HTTP_RESP_DONE && unfed > 0);
}

static bool same(const struct verdict *a, const struct verdict *b)
{
	return a->rc == b->rc && a->status == b->status && a->keep == b->keep &&
	       a->mode == b->mode && a->body_total == b->body_total && a->leftover == b->leftover;
}

/* whole: the input in one read; split: in two. */
static void check(const struct verdict *whole, const struct verdict *split)
{
	if (split->rc == HTTP_RESP_CAPPED && whole->rc != HTTP_RESP_CAPPED) {
		if (whole->rc == HTTP_RESP_MORE || whole->body_total <= HTTP_RESP_BODY_CAP)
			abort();
		return;
	}
	if (whole->rc == HTTP_RESP_CAPPED) {
		if (split->rc != HTTP_RESP_CAPPED || split->status != whole->status)
			abort();
		return;
	}
	if (!same(whole, split))
		abort();
	if (whole->rc == HTTP_RESP_DONE && whole->mode == HTTP_RESP_BODY_TO_CLOSE)
		abort();
	if (whole->rc != HTTP_RESP_BAD && whole->mode == HTTP_RESP_BODY_TO_CLOSE && whole->keep)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_resp r;
	struct verdict whole, split;
	size_t k;

	if (size < 2 || size > FUZZ_MAX)
		return 0;
	k = (size_t)(data[0] << 8 | data[1]) % (size - 1);
	data += 2;
	size -= 2;
	feed(&r, (const char *)data, size, size, &whole);
	feed(&r, (const char *)data, size, k, &split);
	check(&whole, &split);
	return 0;
}
