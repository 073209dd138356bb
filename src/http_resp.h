/* An incremental HTTP/1.x response parser for the https probe: status line,
 * headers, Content-Length / chunked / read-to-close framing and a body cap.
 * Pure: bytes in as they arrive, a verdict out, no I/O and no allocation. */
#ifndef VIPD_HTTP_RESP_H
#define VIPD_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_RESP_HDR_MAX  16384	       /* status line + headers, bytes */
#define HTTP_RESP_BODY_CAP ((size_t)64 * 1024) /* body bytes read at most */
#define HTTP_RESP_LINE_MAX 64		       /* chunk-size line kept (truncated) */

/* How the body of the response is framed. */
enum http_resp_body {
	HTTP_RESP_BODY_NONE,	 /* no body (1xx, 204, 304, Content-Length: 0) */
	HTTP_RESP_BODY_LENGTH,	 /* Content-Length bytes */
	HTTP_RESP_BODY_CHUNKED,	 /* Transfer-Encoding: chunked */
	HTTP_RESP_BODY_TO_CLOSE, /* until the server closes the connection */
};

/* Where the chunked framing is. */
enum http_resp_chunk {
	HTTP_RESP_CH_SIZE,     /* reading a chunk-size line */
	HTTP_RESP_CH_DATA,     /* reading chunk data */
	HTTP_RESP_CH_DATA_END, /* reading the CRLF after chunk data */
	HTTP_RESP_CH_TRAILER,  /* reading trailer lines up to the empty one */
};

/* The verdict after some bytes were fed. */
enum http_resp_rc {
	HTTP_RESP_MORE,	  /* incomplete: feed more (or EOF ends a to-close body) */
	HTTP_RESP_DONE,	  /* the response is complete */
	HTTP_RESP_CAPPED, /* more than HTTP_RESP_BODY_CAP body bytes: stop reading */
	HTTP_RESP_BAD,	  /* not a valid HTTP/1.x response */
};

/* One HTTP/1.x response being parsed. The caller reads status, keep and
 * leftover once the response is DONE (status also once CAPPED). */
struct http_resp {
	char hdr[HTTP_RESP_HDR_MAX];
	size_t hdr_len;
	bool in_body;
	int status;
	bool keep; /* the server allows another request */
	enum http_resp_body mode;
	uint64_t remaining; /* body or chunk bytes still to come */
	enum http_resp_chunk cs;
	char line[HTTP_RESP_LINE_MAX]; /* chunk-size line (truncated when longer) */
	size_t line_len;
	size_t body_total;
	bool leftover; /* bytes after the end of the response */
};

/* Make r ready for a new response. */
void http_resp_reset(struct http_resp *r);

/* Feed the next n response bytes; stop feeding once it returns anything but MORE. */
enum http_resp_rc http_resp_feed(struct http_resp *r, const char *b, size_t n);

/* Whether the body runs until the server closes (so EOF completes it). */
bool http_resp_reads_to_close(const struct http_resp *r);

#endif
