/* The target of a tcp or https check, parsed once: the one grammar that both
 * the config loader and the probe use. Pure: text in, a typed target or a
 * named reason out; no I/O and no name resolution (the probe connects to an
 * address, so a host must be an IPv4 address, [IPv6] or "localhost").
 *
 *   tcp    HOST:PORT            127.0.0.1:2379, [::1]:2379, localhost:2379
 *   https  https://HOST[:PORT][/PATH][?QUERY]    (port 443 when left out) */
#ifndef VIPD_CHECK_TARGET_H
#define VIPD_CHECK_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"

#define CHECK_TARGET_HOST_MAX 256  /* bytes of a host, with its NUL */
#define CHECK_TARGET_PATH_MAX 1024 /* bytes of a path and query, with its NUL */
#define CHECK_TARGET_HTTPS_PORT 443

/* Why a target was refused. */
enum check_target_error {
	CHECK_TARGET_OK,
	CHECK_TARGET_EMPTY,
	CHECK_TARGET_SCHEME,	  /* https: not "https://..." */
	CHECK_TARGET_NO_HOST,
	CHECK_TARGET_HOST_LONG,
	CHECK_TARGET_USERINFO,	  /* https://user@host/ */
	CHECK_TARGET_BRACKETS,	  /* "[" without "]", or junk after "]" */
	CHECK_TARGET_NEEDS_BRACKETS, /* an IPv6 address written without [] */
	CHECK_TARGET_BAD_IPV6,	  /* [x] where x is not an IPv6 address */
	CHECK_TARGET_HOST_NAME,	  /* a name: vipd does not resolve names */
	CHECK_TARGET_BAD_HOST,	  /* neither an address nor a name */
	CHECK_TARGET_NO_PORT,	  /* tcp: ":PORT" is required */
	CHECK_TARGET_BAD_PORT,	  /* not a number 1..65535 */
	CHECK_TARGET_PATH_CHAR,	  /* a blank, control, non-ASCII or '#' byte */
	CHECK_TARGET_PATH_LONG,
	CHECK_TARGET_ERROR_COUNT,
};

/* A parsed target. */
struct check_target {
	struct ip_addr addr;		      /* where to connect ("localhost": 127.0.0.1) */
	uint16_t port;			      /* 1..65535; 0 when not parsed */
	char host[CHECK_TARGET_HOST_MAX];     /* as written, without brackets */
	char path[CHECK_TARGET_PATH_MAX];     /* https: starts with '/'; "/" when none */
};

/* Parse text as an https URL (https) or a tcp HOST:PORT (!https). On
 * CHECK_TARGET_OK *out is filled, otherwise it is zeroed. */
enum check_target_error check_target_parse(bool https, const char *text,
					   struct check_target *out);

/* What is wrong, for messages ("the port must be 1..65535", ...). */
const char *check_target_error_text(enum check_target_error e);

/* The value of an HTTP Host header for the target: "host", "[v6]", plus
 * ":port" when the port is not 443. Returns the length, or -1 when it does
 * not fit in size bytes. */
int check_target_host_header(const struct check_target *t, char *buf, size_t size);

#endif
