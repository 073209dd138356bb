/* Unit tests for the HTTP/1.x response parser: status, keep-alive rules,
 * Content-Length and chunked framing, the body cap, malformed input, and the
 * same verdict however the bytes are split into reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http_resp.h"

#define READ_SIZE 8192 /* what check_net reads at a time */

/* What the caller of the parser sees once it stops feeding. */
struct outcome {
	enum http_resp_rc rc;
	int status;
	bool keep;
	enum http_resp_body mode;
	size_t body_total;
	bool leftover; /* the parser's flag, or bytes never fed after DONE */
};

static struct http_resp *new_resp(void)
{
	struct http_resp *r = malloc(sizeof(*r));

	assert_non_null(r);
	http_resp_reset(r);
	return r;
}

static void take_outcome(const struct http_resp *r, enum http_resp_rc rc, size_t unfed,
			 struct outcome *o)
{
	o->rc = rc;
	o->status = r->status;
	o->keep = r->keep;
	o->mode = r->mode;
	o->body_total = r->body_total;
	o->leftover = r->leftover || (rc == HTTP_RESP_DONE && unfed > 0);
}

/* Feed s in pieces of step bytes (the last may be shorter) until not MORE. */
static void feed_steps(const char *s, size_t len, size_t step, struct outcome *o)
{
	struct http_resp *r = new_resp();
	enum http_resp_rc rc = HTTP_RESP_MORE;
	size_t off = 0;

	do {
		size_t n = len - off < step ? len - off : step;

		rc = http_resp_feed(r, s + off, n);
		off += n;
	} while (rc == HTTP_RESP_MORE && off < len);
	take_outcome(r, rc, len - off, o);
	free(r);
}

/* Feed s[0, k), then s[k, len) unless the first part settled it. */
static void feed_split(const char *s, size_t len, size_t k, struct outcome *o)
{
	struct http_resp *r = new_resp();
	enum http_resp_rc rc = http_resp_feed(r, s, k);
	size_t unfed = len - k;

	if (rc == HTTP_RESP_MORE) {
		rc = http_resp_feed(r, s + k, len - k);
		unfed = 0;
	}
	take_outcome(r, rc, unfed, o);
	free(r);
}

static void feed_whole(const char *s, struct outcome *o)
{
	feed_steps(s, strlen(s), strlen(s) + 1, o);
}

static void assert_same(const struct outcome *a, const struct outcome *b)
{
	assert_int_equal(a->rc, b->rc);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->keep, b->keep);
	assert_int_equal(a->mode, b->mode);
	assert_int_equal(a->body_total, b->body_total);
	assert_int_equal(a->leftover, b->leftover);
}

/* The verdict of s fed whole, checked against every two-piece split and
 * against byte-at-a-time feeding. */
static void parse_everywhere(const char *s, size_t len, struct outcome *o)
{
	struct outcome other;

	feed_steps(s, len, len + 1, o);
	for (size_t k = 0; k <= len; k++) {
		feed_split(s, len, k, &other);
		assert_same(o, &other);
	}
	feed_steps(s, len, 1, &other);
	assert_same(o, &other);
}

static void everywhere(const char *s, struct outcome *o)
{
	parse_everywhere(s, strlen(s), o);
}

static enum http_resp_rc rc_of(const char *s)
{
	struct outcome o;

	parse_everywhere(s, strlen(s), &o);
	return o.rc;
}

/* ---- status line ---- */

static void status_2xx_is_parsed_and_done(void **state)
{
	struct outcome o;

	(void)state;
	everywhere("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.status, 200);
	assert_int_equal(o.mode, HTTP_RESP_BODY_LENGTH);
	assert_int_equal(o.body_total, 2);
	assert_false(o.leftover);
	feed_whole("HTTP/1.1 299 Whatever\r\nContent-Length: 0\r\n\r\n", &o);
	assert_int_equal(o.status, 299);
}

static void status_3xx_4xx_5xx_are_parsed(void **state)
{
	static const struct {
		const char *resp;
		int status;
	} cases[] = {
	    {"HTTP/1.1 301 Moved Permanently\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n", 301},
	    {"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!", 404},
	    {"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy", 503},
	    {"HTTP/1.1 500\r\nContent-Length: 0\r\n\r\n", 500}, /* no reason phrase */
	    {"HTTP/1.1 599 \r\nContent-Length: 0\r\n\r\n", 599},
	};
	struct outcome o;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_everywhere(cases[i].resp, strlen(cases[i].resp), &o);
		assert_int_equal(o.rc, HTTP_RESP_DONE);
		assert_int_equal(o.status, cases[i].status);
	}
}

static void status_1xx_204_304_have_no_body(void **state)
{
	struct outcome o;

	(void)state;
	everywhere("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.mode, HTTP_RESP_BODY_NONE);
	assert_true(o.keep);
	feed_whole("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.mode, HTTP_RESP_BODY_NONE);
	/* an interim 1xx is taken as the (failing) answer: no body follows it */
	feed_whole("HTTP/1.1 100 Continue\r\n\r\n", &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.status, 100);
}

static void malformed_status_lines_are_bad(void **state)
{
	static const char *const bad[] = {
	    "HTTP/2 200 OK\r\n\r\n",	 "HTTP/2.0 200 OK\r\n\r\n",
	    "HTTP/1.1 20 OK\r\n\r\n",	 "HTTP/1.1 2000 OK\r\n\r\n",
	    "HTTP/1.1 600 Nope\r\n\r\n", "HTTP/1.1 099 Low\r\n\r\n",
	    "HTTP/1.1  200 OK\r\n\r\n",	 "HTTP/1.x 200 OK\r\n\r\n",
	    "HTTP/1.1 200OK\r\n\r\n",	 "HTTP/1.1 2x0 OK\r\n\r\n",
	    "http/1.1 200 OK\r\n\r\n",	 "ICY 200 OK\r\n\r\n",
	    "HTTP/1.1\r\n\r\n",		 "\r\n\r\n",
	    " HTTP/1.1 200 OK\r\n\r\n",	 "HTTP/1.1\t200 OK\r\n\r\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (rc_of(bad[i]) != HTTP_RESP_BAD)
			fail_msg("accepted status line: %s", bad[i]);
	}
}

static void http1_minor_versions_accepted(void **state)
{
	struct outcome o;

	(void)state;
	feed_whole("HTTP/1.9 200 OK\r\nContent-Length: 0\r\n\r\n", &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_true(o.keep); /* any 1.x with x >= 1 keeps by default */
}

/* ---- keep-alive ---- */

static bool keep_of(const char *s)
{
	struct outcome o;

	parse_everywhere(s, strlen(s), &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	return o.keep;
}

static void http11_keeps_alive_unless_connection_close(void **state)
{
	(void)state;
	assert_true(keep_of("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
	assert_false(keep_of("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
	assert_false(keep_of("HTTP/1.1 200 OK\r\ncOnNeCtIoN:CLOSE\r\nContent-Length: 0\r\n\r\n"));
	assert_false(keep_of("HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\n"
			     "Content-Length: 0\r\n\r\n"));
	assert_true(keep_of("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n"
			    "Content-Length: 0\r\n\r\n"));
	/* close wins over keep-alive, in any order or header */
	assert_false(keep_of("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\n"
			     "Content-Length: 0\r\n\r\n"));
}

static void http10_closes_unless_keep_alive(void **state)
{
	(void)state;
	assert_false(keep_of("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"));
	assert_true(keep_of("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n"
			    "Content-Length: 0\r\n\r\n"));
	assert_false(keep_of("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\n"
			     "Content-Length: 0\r\n\r\n"));
	assert_false(keep_of("HTTP/1.0 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
}

static void body_to_close_is_never_kept(void **state)
{
	struct http_resp *r = new_resp();
	const char *head = "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nsome body";

	(void)state;
	assert_false(http_resp_reads_to_close(r));
	assert_int_equal(http_resp_feed(r, head, strlen(head)), HTTP_RESP_MORE);
	assert_true(http_resp_reads_to_close(r));
	assert_int_equal(r->mode, HTTP_RESP_BODY_TO_CLOSE);
	assert_false(r->keep);
	assert_int_equal(r->status, 200);
	assert_int_equal(r->body_total, 9);
	assert_int_equal(http_resp_feed(r, "more", 4), HTTP_RESP_MORE);
	assert_int_equal(r->body_total, 13);
	free(r);
}

/* ---- Content-Length ---- */

static void content_length_body_done_at_last_byte(void **state)
{
	struct http_resp *r = new_resp();
	const char *head = "HTTP/1.1 200 OK\r\nContent-Length:  \t5 \t\r\n\r\nabc";

	(void)state;
	assert_int_equal(http_resp_feed(r, head, strlen(head)), HTTP_RESP_MORE);
	assert_false(http_resp_reads_to_close(r));
	assert_int_equal(r->remaining, 2);
	assert_int_equal(http_resp_feed(r, "d", 1), HTTP_RESP_MORE);
	assert_int_equal(http_resp_feed(r, "e", 1), HTTP_RESP_DONE);
	assert_int_equal(r->body_total, 5);
	assert_false(r->leftover);
	free(r);
}

static void content_length_zero_is_done_at_head(void **state)
{
	struct outcome o;

	(void)state;
	feed_whole("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.mode, HTTP_RESP_BODY_NONE);
	assert_true(o.keep);
}

static void bad_content_length_is_bad(void **state)
{
	static const char *const bad[] = {
	    "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
	    "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (rc_of(bad[i]) != HTTP_RESP_BAD)
			fail_msg("accepted: %s", bad[i]);
	}
}

static void bytes_after_response_set_leftover(void **state)
{
	struct outcome o;

	(void)state;
	everywhere("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokX", &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_true(o.leftover);
	assert_int_equal(o.body_total, 2);
	everywhere("HTTP/1.1 204 No Content\r\n\r\nHTTP", &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_true(o.leftover);
	everywhere("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX", &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_true(o.leftover);
}

/* ---- chunked ---- */

static void chunked_body_done_after_last_chunk(void **state)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				   "5\r\nhello\r\nA\r\n0123456789\r\n0\r\n\r\n";
	struct outcome o;

	(void)state;
	parse_everywhere(resp, sizeof(resp) - 1, &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.mode, HTTP_RESP_BODY_CHUNKED);
	assert_int_equal(o.body_total, 15);
	assert_true(o.keep);
	assert_false(o.leftover);
}

static void chunked_extensions_and_trailers_accepted(void **state)
{
	static const char resp[] =
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
	    "3;name=value\r\nabc\r\n"
	    "4 ;x\r\ndefg\r\n"
	    "2\t;y=\"q\"\r\nhi\r\n"
	    "1;a-very-long-extension-that-does-not-fit-the-line-buffer-at-all-xxxxxxxxxx\r\n"
	    "j\r\n"
	    "0;last\r\nExpires: never\r\nX-Trailer: 1\r\n\r\n";
	struct outcome o;

	(void)state;
	parse_everywhere(resp, sizeof(resp) - 1, &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.body_total, 10);
	assert_false(o.leftover);
}

static void chunked_wins_over_content_length(void **state)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
				   "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n";
	struct outcome o;

	(void)state;
	parse_everywhere(resp, sizeof(resp) - 1, &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.mode, HTTP_RESP_BODY_CHUNKED);
	assert_int_equal(o.body_total, 2);
}

static void chunked_lf_only_lines_accepted(void **state)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				   "2\nok\n0\n\n";
	struct outcome o;

	(void)state;
	parse_everywhere(resp, sizeof(resp) - 1, &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.body_total, 2);
}

static void chunked_incomplete_is_more(void **state)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				   "5\r\nhello\r\n0\r\nTrailer: x\r\n";
	struct outcome o;

	(void)state;
	parse_everywhere(resp, sizeof(resp) - 1, &o);
	assert_int_equal(o.rc, HTTP_RESP_MORE);
	assert_int_equal(o.body_total, 5);
}

static void chunked_bad_framing_is_bad(void **state)
{
#define CHUNKED_HEAD "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	static const char *const bad[] = {
	    CHUNKED_HEAD "zz\r\n",			       /* not hex */
	    CHUNKED_HEAD "\r\n",			       /* empty size line */
	    CHUNKED_HEAD "5x\r\n",			       /* junk after the size */
	    CHUNKED_HEAD "5\r\nhelloX\r\n",		       /* no CRLF after the data */
	    CHUNKED_HEAD "1\r\na\r\nffffffffffffffffffff\r\n", /* size overflows */
	};
#undef CHUNKED_HEAD

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (rc_of(bad[i]) != HTTP_RESP_BAD)
			fail_msg("accepted: %s", bad[i]);
	}
}

/* ---- the body cap ---- */

static char *big_response(const char *head, size_t body, size_t *len)
{
	size_t hl = strlen(head);
	char *s = malloc(hl + body);

	assert_non_null(s);
	memcpy(s, head, hl);
	memset(s + hl, 'b', body);
	*len = hl + body;
	return s;
}

static void body_to_close_capped_past_cap(void **state)
{
	size_t len;
	char *s = big_response("HTTP/1.1 200 OK\r\n\r\n", HTTP_RESP_BODY_CAP + 1, &len);
	struct outcome o;

	(void)state;
	feed_steps(s, len - 1, READ_SIZE, &o); /* exactly the cap: still reading */
	assert_int_equal(o.rc, HTTP_RESP_MORE);
	assert_int_equal(o.body_total, HTTP_RESP_BODY_CAP);
	feed_steps(s, len, READ_SIZE, &o);
	assert_int_equal(o.rc, HTTP_RESP_CAPPED);
	assert_int_equal(o.status, 200);
	assert_false(o.keep);
	free(s);
}

static void length_body_over_cap_is_capped(void **state)
{
	size_t len;
	char *s =
	    big_response("HTTP/1.1 503 Busy\r\nContent-Length: 1000000\r\n\r\n", 200000, &len);
	struct outcome o;

	(void)state;
	feed_steps(s, len, READ_SIZE, &o);
	assert_int_equal(o.rc, HTTP_RESP_CAPPED);
	assert_int_equal(o.status, 503);
	assert_true(o.body_total > HTTP_RESP_BODY_CAP);
	assert_true(o.body_total <= HTTP_RESP_BODY_CAP + READ_SIZE);
	free(s);
}

static void length_body_at_cap_is_done(void **state)
{
	char head[128];
	size_t len;
	char *s;
	struct outcome o;

	(void)state;
	snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n",
		 HTTP_RESP_BODY_CAP);
	s = big_response(head, HTTP_RESP_BODY_CAP, &len);
	feed_steps(s, len, 1000, &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.body_total, HTTP_RESP_BODY_CAP);
	free(s);
}

/* The cap only stops a body still coming: one read that ends a body beyond
 * the cap completes it (behaviour kept from check_net; so whether a body of
 * 64 KiB .. 64 KiB + one read is DONE or CAPPED depends on the reads). */
static void length_body_over_cap_ending_in_same_read_is_done(void **state)
{
	size_t len;
	char *s = big_response("HTTP/1.1 200 OK\r\nContent-Length: 65540\r\n\r\n", 65540, &len);
	struct outcome o;

	(void)state;
	feed_steps(s, len, len, &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	feed_steps(s, len, 1, &o);
	assert_int_equal(o.rc, HTTP_RESP_CAPPED);
	free(s);
}

static void chunked_body_over_cap_is_capped(void **state)
{
	const char *head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
	char *s = malloc(200000);
	size_t len = strlen(head);
	struct outcome o;

	(void)state;
	assert_non_null(s);
	memcpy(s, head, len);
	for (int i = 0; i < 20; i++) {
		len += (size_t)sprintf(s + len, "1000\r\n");
		memset(s + len, 'c', 0x1000);
		len += 0x1000;
		len += (size_t)sprintf(s + len, "\r\n");
	}
	feed_steps(s, len, READ_SIZE, &o);
	assert_int_equal(o.rc, HTTP_RESP_CAPPED);
	assert_true(o.body_total > HTTP_RESP_BODY_CAP);
	free(s);
}

/* ---- malformed heads ---- */

static void header_lines_without_colon_are_ignored(void **state)
{
	struct outcome o;

	(void)state;
	feed_whole("HTTP/1.1 200 OK\r\nno colon here\r\n: empty name\r\n"
		   "Content-Length: 1\r\n\r\nx",
		   &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.body_total, 1);
	/* "Content-Length :" is not the Content-Length header: read to close */
	feed_whole("HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx", &o);
	assert_int_equal(o.rc, HTTP_RESP_MORE);
	assert_int_equal(o.mode, HTTP_RESP_BODY_TO_CLOSE);
	/* a name that only starts like a known one is another header */
	feed_whole("HTTP/1.1 200 OK\r\nContent-Lengthy: 1\r\nConnectionx: close\r\n\r\n", &o);
	assert_int_equal(o.mode, HTTP_RESP_BODY_TO_CLOSE);
}

static void head_over_limit_is_bad(void **state)
{
	size_t len;
	char *s = big_response("HTTP/1.1 200 OK\r\nX-Big: ", HTTP_RESP_HDR_MAX, &len);
	struct outcome o;

	(void)state;
	feed_steps(s, len, len, &o);
	assert_int_equal(o.rc, HTTP_RESP_BAD);
	feed_steps(s, len, 1, &o);
	assert_int_equal(o.rc, HTTP_RESP_BAD);
	feed_steps(s, HTTP_RESP_HDR_MAX - 1, READ_SIZE, &o);
	assert_int_equal(o.rc, HTTP_RESP_MORE);
	free(s);
}

static void head_just_under_limit_is_accepted(void **state)
{
	const char *start = "HTTP/1.1 200 OK\r\nX-Big: ";
	char *s = malloc(HTTP_RESP_HDR_MAX + 2);
	size_t sl = strlen(start);
	struct outcome o;

	(void)state;
	assert_non_null(s);
	memcpy(s, start, sl);
	memset(s + sl, 'h', HTTP_RESP_HDR_MAX - sl - 4);
	memcpy(s + HTTP_RESP_HDR_MAX - 4, "\r\n\r\nzz", 6); /* head fills the buffer exactly */
	feed_steps(s, HTTP_RESP_HDR_MAX + 2, 1, &o);
	assert_int_equal(o.rc, HTTP_RESP_MORE);
	assert_int_equal(o.mode, HTTP_RESP_BODY_TO_CLOSE);
	assert_int_equal(o.body_total, 2);
	feed_steps(s, HTTP_RESP_HDR_MAX + 2, HTTP_RESP_HDR_MAX + 2, &o);
	assert_int_equal(o.rc, HTTP_RESP_MORE);
	assert_int_equal(o.body_total, 2);
	free(s);
}

static void head_needs_crlf_crlf(void **state)
{
	struct outcome o;

	(void)state;
	/* a bare-LF head never ends; the parser waits for more */
	everywhere("HTTP/1.1 200 OK\nContent-Length: 0\n\n", &o);
	assert_int_equal(o.rc, HTTP_RESP_MORE);
	assert_int_equal(o.status, 0);
	/* bare-LF header lines inside a CRLF-ended head are fine */
	everywhere("HTTP/1.1 200 OK\nContent-Length: 1\r\n\r\nx", &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_int_equal(o.body_total, 1);
}

static void nul_bytes_in_head_do_not_crash(void **state)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\nX: a\0b\r\nConn\0ection: close\r\n"
				   "Content-Length: 1\r\n\r\nx";
	struct outcome o;

	(void)state;
	parse_everywhere(resp, sizeof(resp) - 1, &o);
	assert_int_equal(o.rc, HTTP_RESP_DONE);
	assert_true(o.keep);
}

/* ---- reuse ---- */

static void reset_readies_for_next_response(void **state)
{
	struct http_resp *r = new_resp();
	const char *a = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n";
	const char *b = "HTTP/1.0 404 Not Found\r\nContent-Length: 1\r\n\r\ny";

	(void)state;
	assert_int_equal(http_resp_feed(r, a, strlen(a)), HTTP_RESP_MORE);
	http_resp_reset(r);
	assert_int_equal(http_resp_feed(r, b, strlen(b)), HTTP_RESP_DONE);
	assert_int_equal(r->status, 404);
	assert_false(r->keep);
	assert_int_equal(r->body_total, 1);
	assert_false(r->leftover);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(status_2xx_is_parsed_and_done),
	    cmocka_unit_test(status_3xx_4xx_5xx_are_parsed),
	    cmocka_unit_test(status_1xx_204_304_have_no_body),
	    cmocka_unit_test(malformed_status_lines_are_bad),
	    cmocka_unit_test(http1_minor_versions_accepted),
	    cmocka_unit_test(http11_keeps_alive_unless_connection_close),
	    cmocka_unit_test(http10_closes_unless_keep_alive),
	    cmocka_unit_test(body_to_close_is_never_kept),
	    cmocka_unit_test(content_length_body_done_at_last_byte),
	    cmocka_unit_test(content_length_zero_is_done_at_head),
	    cmocka_unit_test(bad_content_length_is_bad),
	    cmocka_unit_test(bytes_after_response_set_leftover),
	    cmocka_unit_test(chunked_body_done_after_last_chunk),
	    cmocka_unit_test(chunked_extensions_and_trailers_accepted),
	    cmocka_unit_test(chunked_wins_over_content_length),
	    cmocka_unit_test(chunked_lf_only_lines_accepted),
	    cmocka_unit_test(chunked_incomplete_is_more),
	    cmocka_unit_test(chunked_bad_framing_is_bad),
	    cmocka_unit_test(body_to_close_capped_past_cap),
	    cmocka_unit_test(length_body_over_cap_is_capped),
	    cmocka_unit_test(length_body_at_cap_is_done),
	    cmocka_unit_test(length_body_over_cap_ending_in_same_read_is_done),
	    cmocka_unit_test(chunked_body_over_cap_is_capped),
	    cmocka_unit_test(header_lines_without_colon_are_ignored),
	    cmocka_unit_test(head_over_limit_is_bad),
	    cmocka_unit_test(head_just_under_limit_is_accepted),
	    cmocka_unit_test(head_needs_crlf_crlf),
	    cmocka_unit_test(nul_bytes_in_head_do_not_crash),
	    cmocka_unit_test(reset_readies_for_next_response),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
