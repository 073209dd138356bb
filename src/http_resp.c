/* An incremental HTTP/1.x response parser: status line, headers, body framing
 * (Content-Length, chunked, to close) and a body cap. Pure: no I/O. */
#include "http_resp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Make r ready for a new response. */
void http_resp_reset(struct http_resp *r)
{
	r->hdr_len = 0;
	r->in_body = false;
	r->status = 0;
	r->keep = false;
	r->mode = HTTP_RESP_BODY_NONE;
	r->remaining = 0;
	r->cs = HTTP_RESP_CH_SIZE;
	r->line_len = 0;
	r->body_total = 0;
	r->leftover = false;
}

/* Whether header line [s, s+len) is "name: ..." and if so where its value starts. */
static const char *header_value(const char *s, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len <= n || strncasecmp(s, name, n) != 0 || s[n] != ':')
		return NULL;
	for (s += n + 1; *s == ' ' || *s == '\t'; s++)
		;
	return s;
}

/* Whether the value (up to the line end) holds token, case-insensitively. */
static bool value_has(const char *v, const char *end, const char *token)
{
	size_t n = strlen(token);

	for (; v + n <= end; v++)
		if (strncasecmp(v, token, n) == 0)
			return true;
	return false;
}

/* "HTTP/1.x NNN[ reason]": the status and the minor version, or -1. */
static int parse_status_line(struct http_resp *r, const char *s, size_t len, int *minor)
{
	if (len < 12 || strncmp(s, "HTTP/1.", 7) != 0 || s[7] < '0' || s[7] > '9' || s[8] != ' ')
		return -1;
	if (s[9] < '1' || s[9] > '5' || s[10] < '0' || s[10] > '9' || s[11] < '0' || s[11] > '9' ||
	    (len > 12 && s[12] != ' '))
		return -1;
	*minor = s[7] - '0';
	r->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	return 0;
}

/* A Content-Length value: digits, then optional blanks, nothing else. */
static int parse_length(const char *v, const char *end, uint64_t *out)
{
	uint64_t n = 0;

	if (v >= end || *v < '0' || *v > '9')
		return -1;
	for (; v < end && *v >= '0' && *v <= '9'; v++) {
		if (n > UINT64_MAX / 16)
			return -1;
		n = n * 10 + (uint64_t)(*v - '0');
	}
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	if (v != end)
		return -1;
	*out = n;
	return 0;
}

/* Parse the status line and headers in r->hdr[0, end); set the body mode. */
static int parse_head(struct http_resp *r, size_t end)
{
	const char *s = r->hdr, *stop = r->hdr + end, *v;
	bool chunked = false, has_len = false, conn_close = false, conn_keep = false;
	int minor = 0;

	for (bool first = true; s < stop; first = false) {
		const char *nl = memchr(s, '\n', (size_t)(stop - s));
		size_t len = (size_t)(nl - s);

		if (len && s[len - 1] == '\r')
			len--;
		if (first && parse_status_line(r, s, len, &minor) < 0)
			return -1;
		if (!first && (v = header_value(s, len, "content-length"))) {
			if (parse_length(v, s + len, &r->remaining) < 0)
				return -1;
			has_len = true;
		} else if (!first && (v = header_value(s, len, "transfer-encoding"))) {
			chunked = value_has(v, s + len, "chunked");
		} else if (!first && (v = header_value(s, len, "connection"))) {
			conn_close |= value_has(v, s + len, "close");
			conn_keep |= value_has(v, s + len, "keep-alive");
		}
		s = nl + 1;
	}
	r->keep = minor >= 1 ? !conn_close : conn_keep && !conn_close;
	if (r->status < 200 || r->status == 204 || r->status == 304)
		r->mode = HTTP_RESP_BODY_NONE;
	else if (chunked)
		r->mode = HTTP_RESP_BODY_CHUNKED;
	else if (has_len)
		r->mode = r->remaining ? HTTP_RESP_BODY_LENGTH : HTTP_RESP_BODY_NONE;
	else
		r->mode = HTTP_RESP_BODY_TO_CLOSE;
	if (r->mode == HTTP_RESP_BODY_TO_CLOSE)
		r->keep = false;
	return 0;
}

/* One complete line of the chunked framing; HTTP_RESP_MORE to go on. */
static enum http_resp_rc chunk_line(struct http_resp *r)
{
	size_t len = r->line_len < sizeof(r->line) ? r->line_len : sizeof(r->line) - 1;
	char *end;
	unsigned long long n;

	while (len && (r->line[len - 1] == '\r' || r->line[len - 1] == '\n'))
		len--;
	r->line[len] = '\0';
	r->line_len = 0;
	if (r->cs == HTTP_RESP_CH_DATA_END) {
		r->cs = HTTP_RESP_CH_SIZE;
		return len ? HTTP_RESP_BAD : HTTP_RESP_MORE;
	}
	if (r->cs == HTTP_RESP_CH_TRAILER)
		return len ? HTTP_RESP_MORE : HTTP_RESP_DONE;
	errno = 0;
	n = strtoull(r->line, &end, 16);
	if (end == r->line || errno || (*end && *end != ';' && *end != ' ' && *end != '\t'))
		return HTTP_RESP_BAD;
	r->remaining = n;
	r->cs = n ? HTTP_RESP_CH_DATA : HTTP_RESP_CH_TRAILER;
	return HTTP_RESP_MORE;
}

/* Feed body bytes of a chunked response. */
static enum http_resp_rc chunk_feed(struct http_resp *r, const char *b, size_t n, size_t *used)
{
	size_t i = 0;
	enum http_resp_rc rc = HTTP_RESP_MORE;

	while (i < n && rc == HTTP_RESP_MORE) {
		if (r->cs == HTTP_RESP_CH_DATA) {
			size_t take = n - i < r->remaining ? n - i : (size_t)r->remaining;

			r->remaining -= take;
			r->body_total += take;
			i += take;
			if (!r->remaining)
				r->cs = HTTP_RESP_CH_DATA_END;
			continue;
		}
		if (r->line_len < sizeof(r->line) - 1)
			r->line[r->line_len] = b[i];
		r->line_len++;
		if (b[i++] == '\n')
			rc = chunk_line(r);
	}
	*used = i;
	return rc;
}

/* Feed body bytes (after the head). */
static enum http_resp_rc feed_body(struct http_resp *r, const char *b, size_t n)
{
	size_t used = n;
	enum http_resp_rc rc = HTTP_RESP_MORE;

	switch (r->mode) {
	case HTTP_RESP_BODY_NONE:
		used = 0;
		rc = HTTP_RESP_DONE;
		break;
	case HTTP_RESP_BODY_LENGTH:
		used = n < r->remaining ? n : (size_t)r->remaining;
		r->remaining -= used;
		r->body_total += used;
		rc = r->remaining ? HTTP_RESP_MORE : HTTP_RESP_DONE;
		break;
	case HTTP_RESP_BODY_CHUNKED:
		rc = chunk_feed(r, b, n, &used);
		break;
	case HTTP_RESP_BODY_TO_CLOSE:
		r->body_total += n;
		break;
	}
	if (rc == HTTP_RESP_DONE && used < n)
		r->leftover = true;
	if (rc == HTTP_RESP_MORE && r->body_total > HTTP_RESP_BODY_CAP)
		return HTTP_RESP_CAPPED;
	return rc;
}

/* Feed response bytes as they arrive. */
enum http_resp_rc http_resp_feed(struct http_resp *r, const char *b, size_t n)
{
	size_t old = r->hdr_len, from, i, take, skip;

	if (r->in_body)
		return feed_body(r, b, n);
	from = old > 3 ? old - 3 : 0;
	take = n < sizeof(r->hdr) - r->hdr_len ? n : sizeof(r->hdr) - r->hdr_len;
	memcpy(r->hdr + r->hdr_len, b, take);
	r->hdr_len += take;
	for (i = from; i + 4 <= r->hdr_len; i++) {
		if (memcmp(r->hdr + i, "\r\n\r\n", 4) != 0)
			continue;
		if (parse_head(r, i + 2) < 0)
			return HTTP_RESP_BAD;
		r->in_body = true;
		skip = i + 4 - old; /* the bytes of b past the head are body */
		return feed_body(r, b + skip, n - skip);
	}
	return r->hdr_len == sizeof(r->hdr) ? HTTP_RESP_BAD : HTTP_RESP_MORE;
}

/* Whether the body runs until the server closes. */
bool http_resp_reads_to_close(const struct http_resp *r)
{
	return r->in_body && r->mode == HTTP_RESP_BODY_TO_CLOSE;
}
