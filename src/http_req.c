/* An HTTP/1.x request-head parser: request line and headers, bounded by
 * HTTP_REQ_MAX. Pure: no I/O. The scan goes left to right and stops at the
 * first verdict, looking at no byte past HTTP_REQ_MAX, so a verdict on a
 * prefix is the verdict on any longer input. */
#include "http_req.h"

#include <string.h>
#include <strings.h>

/* The bytes being parsed and how far the scan got. */
struct scan {
	const char *b;
	size_t n;    /* bytes that may be looked at: min(len, HTTP_REQ_MAX) */
	bool capped; /* n was cut to HTTP_REQ_MAX */
	size_t pos;  /* start of the next line */
};

/* One line, without its CR LF (or bare LF). */
struct line {
	const char *s;
	size_t len;
};

/* tchar of RFC 9110 section 5.6.2. */
static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* pchar of RFC 3986 (unreserved, pct-encoded, sub-delims, ':', '@') and '/'. */
static bool is_path_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	       (c != '\0' && strchr("-._~%!$&'()*+,;=:@/", c));
}

/* The authority of an absolute-form target: also [ ] of an IPv6 literal. */
static bool is_authority_char(unsigned char c)
{
	return c == '[' || c == ']' || (c != '/' && is_path_char(c));
}

/* "?query" (or nothing): pchar, '/' and '?' (RFC 3986 section 3.4). */
static bool query_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != '?' && !is_path_char((unsigned char)s[i]))
			return false;
	return len == 0 || s[0] == '?';
}

/* The next line from sc->pos: 1 and *ln when its LF has come, 0 when more
 * bytes are needed, -1 on a byte no line may hold (controls but HTAB, DEL,
 * a CR not right before the LF). */
static int next_line(struct scan *sc, struct line *ln)
{
	size_t i;

	for (i = sc->pos; i < sc->n; i++) {
		unsigned char c = (unsigned char)sc->b[i];

		if (c == '\n')
			break;
		if (c == '\r' && i + 1 < sc->n && sc->b[i + 1] == '\n')
			continue;
		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f ||
		    (c == '\r' && i + 1 < sc->n))
			return -1;
	}
	if (i == sc->n)
		return 0;
	ln->s = sc->b + sc->pos;
	ln->len = i - sc->pos;
	if (ln->len && ln->s[ln->len - 1] == '\r')
		ln->len--;
	sc->pos = i + 1;
	return 1;
}

/* Keep path [s, s+len) in out->path, or "" when it does not fit. */
static void keep_path(struct http_req *out, const char *s, size_t len)
{
	if (len >= sizeof(out->path))
		len = 0;
	memcpy(out->path, s, len);
	out->path[len] = '\0';
}

/* "/path[?query]" from s: the path's length, or -1. */
static int path_len(const char *s, size_t len)
{
	const char *q = memchr(s, '?', len);
	size_t path = q ? (size_t)(q - s) : len, i;

	if (len == 0 || s[0] != '/' || !query_ok(s + path, len - path))
		return -1;
	for (i = 0; i < path; i++)
		if (!is_path_char((unsigned char)s[i]))
			return -1;
	return (int)path;
}

/* origin-form "/path[?query]", absolute-form "http://authority[/path][?query]"
 * or asterisk-form "*" (RFC 9112 section 3.2). */
static enum http_req_status parse_target(const char *s, size_t len, struct http_req *out)
{
	size_t i = 0;
	int plen;

	if (len == 1 && s[0] == '*') {
		keep_path(out, s, 1);
		return HTTP_REQ_OK;
	}
	if (len > 7 && strncasecmp(s, "http://", 7) == 0) {
		for (i = 7; i < len && s[i] != '/' && s[i] != '?'; i++)
			if (!is_authority_char((unsigned char)s[i]))
				return HTTP_REQ_BAD_TARGET;
		if (i == 7)
			return HTTP_REQ_BAD_TARGET;
		if (i == len || s[i] == '?') {
			if (!query_ok(s + i, len - i))
				return HTTP_REQ_BAD_TARGET;
			keep_path(out, "/", 1);
			return HTTP_REQ_OK;
		}
	}
	plen = path_len(s + i, len - i);
	if (plen < 0)
		return HTTP_REQ_BAD_TARGET;
	keep_path(out, s + i, (size_t)plen);
	return HTTP_REQ_OK;
}

/* "HTTP/" DIGIT "." DIGIT. */
static enum http_req_status parse_version(const char *s, size_t len, struct http_req *out)
{
	if (len != 8 || strncmp(s, "HTTP/", 5) != 0 || !is_digit((unsigned char)s[5]) ||
	    s[6] != '.' || !is_digit((unsigned char)s[7]))
		return HTTP_REQ_BAD_VERSION;
	if (s[5] != '1' || (s[7] != '0' && s[7] != '1'))
		return HTTP_REQ_VERSION_UNSUPPORTED;
	out->minor = s[7] - '0';
	return HTTP_REQ_OK;
}

/* METHOD SP TARGET SP VERSION. */
static enum http_req_status parse_request_line(const struct line *ln, struct http_req *out)
{
	const char *s = ln->s, *end = ln->s + ln->len, *sp1, *sp2;
	enum http_req_status st;

	sp1 = memchr(s, ' ', ln->len);
	if (!sp1 || sp1 == s)
		return HTTP_REQ_BAD_LINE;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	if (!sp2 || sp2 == sp1 + 1)
		return HTTP_REQ_BAD_LINE;
	for (const char *p = s; p < sp1; p++)
		if (!is_tchar((unsigned char)*p))
			return HTTP_REQ_BAD_METHOD;
	out->method = sp1 - s == 3 && memcmp(s, "GET", 3) == 0 ? HTTP_REQ_GET : HTTP_REQ_OTHER;
	st = parse_target(sp1 + 1, (size_t)(sp2 - sp1 - 1), out);
	if (st != HTTP_REQ_OK)
		return st;
	return parse_version(sp2 + 1, (size_t)(end - sp2 - 1), out);
}

/* "name:" OWS value OWS; *host is set when the name is Host. */
static enum http_req_status parse_header(const struct line *ln, bool *host)
{
	size_t i;

	for (i = 0; i < ln->len && is_tchar((unsigned char)ln->s[i]); i++)
		;
	if (i == 0 || i == ln->len || ln->s[i] != ':')
		return HTTP_REQ_BAD_HEADER;
	*host = i == 4 && strncasecmp(ln->s, "host", 4) == 0;
	return HTTP_REQ_OK;
}

/* Empty lines before the request line are ignored (RFC 9112 section 2.2).
 * 1 once past them, 0 for more bytes, -1 on a bad byte. */
static int skip_empty_lines(struct scan *sc)
{
	for (;;) {
		struct scan peek = *sc;
		struct line ln;
		int rc = next_line(&peek, &ln);

		if (rc <= 0)
			return rc;
		if (ln.len)
			return 1;
		*sc = peek;
	}
}

/* The verdict when the bytes ran out (rc 0) or held a bad byte (rc -1). */
static enum http_req_status ran_out(const struct scan *sc, int rc)
{
	if (rc < 0)
		return HTTP_REQ_BAD_CHAR;
	return sc->capped ? HTTP_REQ_TOO_LONG : HTTP_REQ_INCOMPLETE;
}

static enum http_req_status parse_head(struct scan *sc, struct http_req *out)
{
	enum http_req_status st;
	struct line ln;
	unsigned hosts = 0;
	bool host = false;
	int rc;

	if ((rc = skip_empty_lines(sc)) <= 0 || (rc = next_line(sc, &ln)) <= 0)
		return ran_out(sc, rc);
	if ((st = parse_request_line(&ln, out)) != HTTP_REQ_OK)
		return st;
	while ((rc = next_line(sc, &ln)) > 0 && ln.len) {
		if ((st = parse_header(&ln, &host)) != HTTP_REQ_OK)
			return st;
		hosts += host;
		out->n_headers++;
	}
	if (rc <= 0)
		return ran_out(sc, rc);
	if (hosts > 1 || (out->minor == 1 && hosts == 0))
		return HTTP_REQ_BAD_HOST;
	out->head_len = sc->pos;
	return HTTP_REQ_OK;
}

enum http_req_status http_req_parse(const char *buf, size_t len, struct http_req *out)
{
	struct scan sc = {buf, len < HTTP_REQ_MAX ? len : HTTP_REQ_MAX, len >= HTTP_REQ_MAX, 0};
	enum http_req_status st;

	memset(out, 0, sizeof(*out));
	st = parse_head(&sc, out);
	if (st != HTTP_REQ_OK)
		memset(out, 0, sizeof(*out));
	return st;
}

const char *http_req_status_text(enum http_req_status s)
{
	static const char *const text[HTTP_REQ_STATUS_COUNT] = {
	    [HTTP_REQ_OK] = "ok",
	    [HTTP_REQ_INCOMPLETE] = "the request is incomplete",
	    [HTTP_REQ_TOO_LONG] = "the request head is too long",
	    [HTTP_REQ_BAD_CHAR] = "a control byte in the request head",
	    [HTTP_REQ_BAD_LINE] = "not a request line",
	    [HTTP_REQ_BAD_METHOD] = "the method is not a token",
	    [HTTP_REQ_BAD_TARGET] = "a bad request target",
	    [HTTP_REQ_BAD_VERSION] = "a bad HTTP version",
	    [HTTP_REQ_VERSION_UNSUPPORTED] = "an HTTP version other than 1.0 and 1.1",
	    [HTTP_REQ_BAD_HEADER] = "a bad header line",
	    [HTTP_REQ_BAD_HOST] = "no Host header in HTTP/1.1, or more than one",
	};

	if ((unsigned)s >= HTTP_REQ_STATUS_COUNT)
		return "unknown status";
	return text[s];
}
