/* An HTTP/1.0 and HTTP/1.1 request-head parser for the metrics listener:
 * the request line and the header lines up to the empty line, at most
 * HTTP_REQ_MAX bytes. Pure: (buf, len) in, a parsed head or a named reason
 * out; no I/O, no allocation, bounds-checked reads. The caller parses the
 * whole buffer again after each read: a verdict other than INCOMPLETE rests
 * only on the bytes already seen, so more bytes never change it. Bodies are
 * not read (the listener answers and closes). */
#ifndef VIPD_HTTP_REQ_H
#define VIPD_HTTP_REQ_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_REQ_MAX	  4096 /* request line + headers + empty line, bytes */
#define HTTP_REQ_PATH_MAX 64   /* a path kept (with its NUL); longer ones are never served */

/* The verdict on the bytes received so far. */
enum http_req_status {
	HTTP_REQ_OK,	      /* a complete, valid request head */
	HTTP_REQ_INCOMPLETE,  /* no end of the head yet: read more */
	HTTP_REQ_TOO_LONG,    /* no end of the head within HTTP_REQ_MAX bytes */
	HTTP_REQ_BAD_CHAR,    /* a byte no request line or header may hold (NUL, CR alone) */
	HTTP_REQ_BAD_LINE,    /* not "METHOD SP TARGET SP HTTP/D.D" */
	HTTP_REQ_BAD_METHOD,  /* the method is not a token */
	HTTP_REQ_BAD_TARGET,  /* neither "/path[?query]" nor "http://authority/path" */
	HTTP_REQ_BAD_VERSION, /* not "HTTP/" DIGIT "." DIGIT */
	HTTP_REQ_VERSION_UNSUPPORTED, /* a version other than 1.0 and 1.1 */
	HTTP_REQ_BAD_HEADER,	      /* not "name: value", space before ':', or a folded line */
	HTTP_REQ_BAD_HOST,	      /* no Host header in HTTP/1.1, or more than one */
	HTTP_REQ_STATUS_COUNT,
};

/* The method, as far as the listener cares. */
enum http_req_method {
	HTTP_REQ_GET,
	HTTP_REQ_OTHER, /* any other token: the listener answers 405 */
};

/* A parsed request head. */
struct http_req {
	enum http_req_method method;
	int minor;		      /* HTTP/1.minor: 0 or 1 */
	char path[HTTP_REQ_PATH_MAX]; /* the target's path, query cut off, not decoded;
				       * "" when longer than HTTP_REQ_PATH_MAX - 1 */
	size_t head_len;	      /* bytes of the head, through the empty line */
	unsigned n_headers;
};

/* Parse the request head at the start of buf[0, len). On HTTP_REQ_OK *out
 * is filled; otherwise it is zeroed. */
enum http_req_status http_req_parse(const char *buf, size_t len, struct http_req *out);

/* A short text for a status ("the method is not a token"), for logs. */
const char *http_req_status_text(enum http_req_status s);

#endif
