/* Unit tests for the HTTP/1.x request-head parser of the metrics listener:
 * request line, targets, versions, headers and Host, the size bound, bad
 * bytes, and the rule that a verdict on a prefix is the verdict on the whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http_req.h"

static enum http_req_status parse(const char *s, struct http_req *r)
{
	return http_req_parse(s, strlen(s), r);
}

static void expect_status(const char *s, enum http_req_status want)
{
	struct http_req r;
	enum http_req_status got = parse(s, &r);

	if (got != want)
		fail_msg("'%s': got %d (%s), want %d (%s)", s, got, http_req_status_text(got), want,
			 http_req_status_text(want));
}

static bool same_req(const struct http_req *a, const struct http_req *b)
{
	return a->method == b->method && a->minor == b->minor && strcmp(a->path, b->path) == 0 &&
	       a->head_len == b->head_len && a->n_headers == b->n_headers;
}

/* Copy text without its NUL (the buffers here are not strings). */
static void put(char *dst, const char *text)
{
	size_t i;

	for (i = 0; text[i]; i++)
		dst[i] = text[i];
}

/* Every prefix of s gives INCOMPLETE or the verdict on the whole of s. */
static void expect_prefixes_agree(const char *s, size_t len)
{
	struct http_req whole, part;
	enum http_req_status w = http_req_parse(s, len, &whole), p;
	size_t k;

	for (k = 0; k < len; k++) {
		p = http_req_parse(s, k, &part);
		if (p == HTTP_REQ_INCOMPLETE)
			continue;
		if (p != w || !same_req(&part, &whole))
			fail_msg("prefix %zu of '%.*s': %d, whole: %d", k, (int)len, s, p, w);
	}
}

/* ---- good requests ---- */

static void get_metrics_http11_with_host_is_ok(void **state)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9650\r\n"
				  "User-Agent: Prometheus/2.45\r\nAccept: text/plain\r\n\r\n";
	struct http_req r;

	(void)state;
	assert_int_equal(parse(req, &r), HTTP_REQ_OK);
	assert_int_equal(r.method, HTTP_REQ_GET);
	assert_int_equal(r.minor, 1);
	assert_string_equal(r.path, "/metrics");
	assert_int_equal(r.head_len, strlen(req));
	assert_int_equal(r.n_headers, 3);
}

static void http10_needs_no_host(void **state)
{
	struct http_req r;

	(void)state;
	assert_int_equal(parse("GET /healthz HTTP/1.0\r\n\r\n", &r), HTTP_REQ_OK);
	assert_int_equal(r.minor, 0);
	assert_string_equal(r.path, "/healthz");
}

static void bytes_after_the_head_are_not_read(void **state)
{
	static const char req[] = "GET / HTTP/1.0\r\n\r\nBODY";
	struct http_req r;

	(void)state;
	assert_int_equal(parse(req, &r), HTTP_REQ_OK);
	assert_int_equal(r.head_len, strlen(req) - 4);
}

static void query_is_cut_from_the_path(void **state)
{
	struct http_req r;

	(void)state;
	assert_int_equal(parse("GET /metrics?name[]=x HTTP/1.0\r\n\r\n", &r), HTTP_REQ_BAD_TARGET);
	assert_int_equal(parse("GET /metrics?a=b&c=/d?e HTTP/1.0\r\n\r\n", &r), HTTP_REQ_OK);
	assert_string_equal(r.path, "/metrics");
}

static void absolute_form_target_gives_its_path(void **state)
{
	struct http_req r;

	(void)state;
	assert_int_equal(parse("GET http://127.0.0.1:9650/metrics HTTP/1.1\r\nHost: x\r\n\r\n", &r),
			 HTTP_REQ_OK);
	assert_string_equal(r.path, "/metrics");
	assert_int_equal(parse("GET HTTP://[::1]:9650?x HTTP/1.0\r\n\r\n", &r), HTTP_REQ_OK);
	assert_string_equal(r.path, "/");
	expect_status("GET http:///metrics HTTP/1.0\r\n\r\n", HTTP_REQ_BAD_TARGET);
	expect_status("GET http://a b/ HTTP/1.0\r\n\r\n", HTTP_REQ_BAD_VERSION);
	expect_status("GET https://x/metrics HTTP/1.0\r\n\r\n", HTTP_REQ_BAD_TARGET);
}

static void asterisk_form_is_a_path_never_served(void **state)
{
	struct http_req r;

	(void)state;
	assert_int_equal(parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", &r), HTTP_REQ_OK);
	assert_int_equal(r.method, HTTP_REQ_OTHER);
	assert_string_equal(r.path, "*");
}

static void methods_other_than_get_are_other(void **state)
{
	struct http_req r;

	(void)state;
	assert_int_equal(
	    parse("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n", &r),
	    HTTP_REQ_OK);
	assert_int_equal(r.method, HTTP_REQ_OTHER);
	assert_int_equal(parse("get /metrics HTTP/1.0\r\n\r\n", &r), HTTP_REQ_OK);
	assert_int_equal(r.method, HTTP_REQ_OTHER); /* methods are case-sensitive */
	assert_int_equal(parse("GETS /metrics HTTP/1.0\r\n\r\n", &r), HTTP_REQ_OK);
	assert_int_equal(r.method, HTTP_REQ_OTHER);
}

static void bare_lf_line_ends_are_accepted(void **state)
{
	struct http_req r;

	(void)state;
	assert_int_equal(parse("GET /metrics HTTP/1.1\nHost: x\n\n", &r), HTTP_REQ_OK);
	assert_int_equal(r.n_headers, 1);
}

static void leading_empty_lines_are_skipped(void **state)
{
	struct http_req r;

	(void)state;
	assert_int_equal(parse("\r\n\r\n\nGET /healthz HTTP/1.0\r\n\r\n", &r), HTTP_REQ_OK);
	assert_string_equal(r.path, "/healthz");
}

static void long_path_is_kept_empty(void **state)
{
	char req[512];
	struct http_req r;

	(void)state;
	snprintf(req, sizeof(req), "GET /%0*d HTTP/1.0\r\n\r\n", HTTP_REQ_PATH_MAX, 7);
	assert_int_equal(parse(req, &r), HTTP_REQ_OK);
	assert_string_equal(r.path, "");
	snprintf(req, sizeof(req), "GET /%0*d HTTP/1.0\r\n\r\n", HTTP_REQ_PATH_MAX - 2, 7);
	assert_int_equal(parse(req, &r), HTTP_REQ_OK);
	assert_int_equal(strlen(r.path), HTTP_REQ_PATH_MAX - 1);
}

static void header_values_may_hold_tabs_and_obs_text(void **state)
{
	(void)state;
	expect_status("GET / HTTP/1.1\r\nHost:\tx\r\nX-A: caf\xc3\xa9 \t\r\nX-B:\r\n\r\n",
		      HTTP_REQ_OK);
}

/* ---- incomplete and too long ---- */

static void incomplete_until_the_empty_line(void **state)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
	struct http_req r;
	size_t k;

	(void)state;
	for (k = 0; k < strlen(req); k++)
		assert_int_equal(http_req_parse(req, k, &r), HTTP_REQ_INCOMPLETE);
	assert_int_equal(http_req_parse(req, strlen(req), &r), HTTP_REQ_OK);
}

static void head_of_the_maximum_size_is_accepted(void **state)
{
	char *req = malloc(HTTP_REQ_MAX + 16);
	struct http_req r;
	size_t n;

	(void)state;
	assert_non_null(req);
	n = (size_t)sprintf(req, "GET / HTTP/1.0\r\nX: ");
	memset(req + n, 'a', HTTP_REQ_MAX - n - 4);
	put(req + HTTP_REQ_MAX - 4, "\r\n\r\n");
	assert_int_equal(http_req_parse(req, HTTP_REQ_MAX, &r), HTTP_REQ_OK);
	assert_int_equal(r.head_len, HTTP_REQ_MAX);
	put(req + HTTP_REQ_MAX - 4, "a\r\n\r\n"); /* the empty line ends a byte too late */
	assert_int_equal(http_req_parse(req, HTTP_REQ_MAX - 1, &r), HTTP_REQ_INCOMPLETE);
	assert_int_equal(http_req_parse(req, HTTP_REQ_MAX, &r), HTTP_REQ_TOO_LONG);
	assert_int_equal(http_req_parse(req, HTTP_REQ_MAX + 1, &r), HTTP_REQ_TOO_LONG);
	free(req);
}

static void endless_request_line_is_too_long(void **state)
{
	char *req = malloc((size_t)2 * HTTP_REQ_MAX);
	struct http_req r;

	(void)state;
	assert_non_null(req);
	memset(req, 'a', (size_t)2 * HTTP_REQ_MAX);
	put(req, "GET /");
	assert_int_equal(http_req_parse(req, (size_t)2 * HTTP_REQ_MAX, &r), HTTP_REQ_TOO_LONG);
	free(req);
}

/* ---- bad bytes and bad syntax ---- */

static void control_bytes_are_refused_at_once(void **state)
{
	static const char tls_hello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
	struct http_req r;

	(void)state;
	assert_int_equal(http_req_parse(tls_hello, sizeof(tls_hello) - 1, &r), HTTP_REQ_BAD_CHAR);
	assert_int_equal(http_req_parse("GET /\0", 6, &r), HTTP_REQ_BAD_CHAR);
	expect_status("GET / HTTP/1.0\rX\r\n\r\n", HTTP_REQ_BAD_CHAR);
	expect_status("GET / HTTP/1.0\r\nX: a\x7f\r\n\r\n", HTTP_REQ_BAD_CHAR);
	expect_status("GET / HTTP/1.0\r\nX: a\x01", HTTP_REQ_BAD_CHAR);
	expect_status("GET / HTTP/1.0\r", HTTP_REQ_INCOMPLETE); /* the LF may follow */
}

static void malformed_request_lines_are_bad(void **state)
{
	(void)state;
	expect_status("GET /\r\n\r\n", HTTP_REQ_BAD_LINE);
	expect_status("GET\r\n\r\n", HTTP_REQ_BAD_LINE);
	expect_status(" GET / HTTP/1.0\r\n\r\n", HTTP_REQ_BAD_LINE);
	expect_status("GET  / HTTP/1.0\r\n\r\n", HTTP_REQ_BAD_LINE);
	expect_status("GE(T / HTTP/1.0\r\n\r\n", HTTP_REQ_BAD_METHOD);
	expect_status("G\xc3\x89T / HTTP/1.0\r\n\r\n", HTTP_REQ_BAD_METHOD);
	expect_status("GET metrics HTTP/1.0\r\n\r\n", HTTP_REQ_BAD_TARGET);
	expect_status("GET /a\"b HTTP/1.0\r\n\r\n", HTTP_REQ_BAD_TARGET);
	expect_status("GET /#x HTTP/1.0\r\n\r\n", HTTP_REQ_BAD_TARGET);
	expect_status("GET /\t HTTP/1.0\r\n\r\n", HTTP_REQ_BAD_TARGET);
	expect_status("GET / HTTP/1.0 \r\n\r\n", HTTP_REQ_BAD_VERSION);
	expect_status("GET / http/1.0\r\n\r\n", HTTP_REQ_BAD_VERSION);
	expect_status("GET / HTTP/11\r\n\r\n", HTTP_REQ_BAD_VERSION);
	expect_status("GET / HTTP/1.x\r\n\r\n", HTTP_REQ_BAD_VERSION);
}

static void versions_other_than_1_0_and_1_1_are_unsupported(void **state)
{
	(void)state;
	expect_status("GET / HTTP/2.0\r\n\r\n", HTTP_REQ_VERSION_UNSUPPORTED);
	expect_status("GET / HTTP/1.2\r\nHost: x\r\n\r\n", HTTP_REQ_VERSION_UNSUPPORTED);
	expect_status("GET / HTTP/0.9\r\n\r\n", HTTP_REQ_VERSION_UNSUPPORTED);
}

static void request_line_is_judged_before_the_headers_end(void **state)
{
	(void)state;
	expect_status("GET metrics HTTP/1.1\r\nHost: x\r\n", HTTP_REQ_BAD_TARGET);
	expect_status("GET / HTTP/3.0\r\n", HTTP_REQ_VERSION_UNSUPPORTED);
}

static void malformed_headers_are_bad(void **state)
{
	(void)state;
	expect_status("GET / HTTP/1.1\r\nHost : x\r\n\r\n", HTTP_REQ_BAD_HEADER);
	expect_status("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", HTTP_REQ_BAD_HEADER);
	expect_status("GET / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n", HTTP_REQ_BAD_HEADER);
	expect_status("GET / HTTP/1.1\r\nHost: x\r\n: empty name\r\n\r\n", HTTP_REQ_BAD_HEADER);
	expect_status("GET / HTTP/1.1\r\nHo\"st: x\r\n\r\n", HTTP_REQ_BAD_HEADER);
}

static void http11_needs_exactly_one_host(void **state)
{
	(void)state;
	expect_status("GET / HTTP/1.1\r\n\r\n", HTTP_REQ_BAD_HOST);
	expect_status("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", HTTP_REQ_BAD_HOST);
	expect_status("GET / HTTP/1.0\r\nHost: a\r\nHOST: b\r\n\r\n", HTTP_REQ_BAD_HOST);
	expect_status("GET / HTTP/1.1\r\nHost:\r\n\r\n", HTTP_REQ_OK); /* empty is allowed */
	expect_status("GET / HTTP/1.1\r\nHostname: a\r\n\r\n", HTTP_REQ_BAD_HOST);
}

static void failed_parse_leaves_the_result_zeroed(void **state)
{
	struct http_req r, zero;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\n\r\n", &r), HTTP_REQ_BAD_HOST);
	assert_memory_equal(&r, &zero, sizeof(r));
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\n", &r), HTTP_REQ_INCOMPLETE);
	assert_memory_equal(&r, &zero, sizeof(r));
}

/* ---- a verdict never changes with more bytes ---- */

static void prefix_verdicts_match_the_whole(void **state)
{
	static const char *const reqs[] = {
	    "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /",
	    "\r\nGET /healthz?x HTTP/1.0\n\nrest",
	    "GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n",
	    "GET /x HTTP/1.1\r\n\r\n",
	    "GET /\x01 HTTP/1.1\r\n\r\n",
	    "GET / HTTP/1.0\r\r\n\r\n",
	    "POST http://h/x HTTP/1.0\r\nA: b\r\n\r\n",
	    "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		expect_prefixes_agree(reqs[i], strlen(reqs[i]));
}

static void every_status_has_a_text(void **state)
{
	int s;

	(void)state;
	for (s = 0; s < HTTP_REQ_STATUS_COUNT; s++)
		assert_non_null(http_req_status_text(s));
	assert_string_equal(http_req_status_text(HTTP_REQ_STATUS_COUNT), "unknown status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(get_metrics_http11_with_host_is_ok),
	    cmocka_unit_test(http10_needs_no_host),
	    cmocka_unit_test(bytes_after_the_head_are_not_read),
	    cmocka_unit_test(query_is_cut_from_the_path),
	    cmocka_unit_test(absolute_form_target_gives_its_path),
	    cmocka_unit_test(asterisk_form_is_a_path_never_served),
	    cmocka_unit_test(methods_other_than_get_are_other),
	    cmocka_unit_test(bare_lf_line_ends_are_accepted),
	    cmocka_unit_test(leading_empty_lines_are_skipped),
	    cmocka_unit_test(long_path_is_kept_empty),
	    cmocka_unit_test(header_values_may_hold_tabs_and_obs_text),
	    cmocka_unit_test(incomplete_until_the_empty_line),
	    cmocka_unit_test(head_of_the_maximum_size_is_accepted),
	    cmocka_unit_test(endless_request_line_is_too_long),
	    cmocka_unit_test(control_bytes_are_refused_at_once),
	    cmocka_unit_test(malformed_request_lines_are_bad),
	    cmocka_unit_test(versions_other_than_1_0_and_1_1_are_unsupported),
	    cmocka_unit_test(request_line_is_judged_before_the_headers_end),
	    cmocka_unit_test(malformed_headers_are_bad),
	    cmocka_unit_test(http11_needs_exactly_one_host),
	    cmocka_unit_test(failed_parse_leaves_the_result_zeroed),
	    cmocka_unit_test(prefix_verdicts_match_the_whole),
	    cmocka_unit_test(every_status_has_a_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
