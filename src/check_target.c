/* Check targets: tcp HOST:PORT and https URLs into addresses, ports and paths. */
#include "check_target.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char https_scheme[] = "https://";

/* "1".."65535" in [s, end); 0 otherwise. */
static uint16_t parse_port(const char *s, const char *end)
{
	long v = 0;

	if (s >= end || end - s > 5)
		return 0;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v >= 1 && v <= 65535 ? (uint16_t)v : 0;
}

/* Letters, digits, dots and dashes with a letter among them: a host name. */
static bool looks_like_name(const char *host)
{
	bool letter = false;
	const char *p;

	for (p = host; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			letter = true;
		else if (!(*p >= '0' && *p <= '9') && *p != '.' && *p != '-')
			return false;
	}
	return letter;
}

/* An unbracketed host: "localhost" or an IPv4 address. */
static enum check_target_error plain_host(struct check_target *t)
{
	if (strcasecmp(t->host, "localhost") == 0)
		return ipaddr_parse("127.0.0.1", &t->addr) == 0 ? CHECK_TARGET_OK
								 : CHECK_TARGET_BAD_HOST;
	if (ipaddr_parse(t->host, &t->addr) == 0 && t->addr.family == AF_INET)
		return CHECK_TARGET_OK;
	return looks_like_name(t->host) ? CHECK_TARGET_HOST_NAME : CHECK_TARGET_BAD_HOST;
}

static enum check_target_error copy_host(struct check_target *t, const char *s, const char *end)
{
	if (s == end)
		return CHECK_TARGET_NO_HOST;
	if ((size_t)(end - s) >= sizeof(t->host))
		return CHECK_TARGET_HOST_LONG;
	memcpy(t->host, s, (size_t)(end - s));
	t->host[end - s] = '\0';
	return CHECK_TARGET_OK;
}

/* "[v6]" or "[v6]:PORT" in [s, end): the host, and where ":PORT" starts. */
static enum check_target_error bracketed(struct check_target *t, const char *s, const char *end,
					 const char **colon)
{
	const char *close = memchr(s, ']', (size_t)(end - s));
	enum check_target_error e;

	if (!close || (close + 1 < end && close[1] != ':'))
		return CHECK_TARGET_BRACKETS;
	*colon = close + 1 < end ? close + 1 : NULL;
	e = copy_host(t, s + 1, close);
	if (e != CHECK_TARGET_OK)
		return e;
	if (ipaddr_parse(t->host, &t->addr) < 0 || t->addr.family != AF_INET6)
		return CHECK_TARGET_BAD_IPV6;
	return CHECK_TARGET_OK;
}

/* "HOST" or "HOST:PORT" without brackets in [s, end). */
static enum check_target_error unbracketed(struct check_target *t, const char *s,
					   const char *end, const char **colon)
{
	const char *c = memchr(s, ':', (size_t)(end - s));
	enum check_target_error e;

	if (c && memchr(c + 1, ':', (size_t)(end - c - 1)))
		return CHECK_TARGET_NEEDS_BRACKETS;
	*colon = c;
	e = copy_host(t, s, c ? c : end);
	return e != CHECK_TARGET_OK ? e : plain_host(t);
}

/* HOST[:PORT] in [s, end); defport 0: the port is required. */
static enum check_target_error authority(struct check_target *t, const char *s, const char *end,
					 uint16_t defport)
{
	const char *colon = NULL;
	enum check_target_error e;

	if (s == end)
		return CHECK_TARGET_NO_HOST;
	if (memchr(s, '@', (size_t)(end - s)))
		return CHECK_TARGET_USERINFO;
	e = *s == '[' ? bracketed(t, s, end, &colon) : unbracketed(t, s, end, &colon);
	if (e != CHECK_TARGET_OK)
		return e;
	if (!colon && !defport)
		return CHECK_TARGET_NO_PORT;
	t->port = colon ? parse_port(colon + 1, end) : defport;
	return t->port ? CHECK_TARGET_OK : CHECK_TARGET_BAD_PORT;
}

/* The path and query after the authority: printable ASCII, no '#'. */
static enum check_target_error path(struct check_target *t, const char *p)
{
	size_t slash = *p == '/' ? 0 : 1, len = strlen(p);
	const char *c;

	for (c = p; *c; c++)
		if (*c <= ' ' || *c > '~' || *c == '#')
			return CHECK_TARGET_PATH_CHAR;
	if (slash + len >= sizeof(t->path))
		return CHECK_TARGET_PATH_LONG;
	t->path[0] = '/';
	memcpy(t->path + slash, p, len + 1);
	return CHECK_TARGET_OK;
}

static enum check_target_error parse_https(struct check_target *t, const char *text)
{
	const char *a, *end;
	enum check_target_error e;

	if (strncasecmp(text, https_scheme, strlen(https_scheme)) != 0)
		return CHECK_TARGET_SCHEME;
	a = text + strlen(https_scheme);
	end = a + strcspn(a, "/?#");
	e = authority(t, a, end, CHECK_TARGET_HTTPS_PORT);
	return e != CHECK_TARGET_OK ? e : path(t, end);
}

enum check_target_error check_target_parse(bool https, const char *text, struct check_target *out)
{
	enum check_target_error e;

	memset(out, 0, sizeof(*out));
	if (!text || !*text)
		e = CHECK_TARGET_EMPTY;
	else if (https)
		e = parse_https(out, text);
	else
		e = authority(out, text, text + strlen(text), 0);
	if (e != CHECK_TARGET_OK)
		memset(out, 0, sizeof(*out));
	return e;
}

/* The messages of the errors that need more than a few words. */
static const char msg_name[] =
	"vipd does not resolve host names: write an IPv4 address, [IPv6] or localhost";
static const char msg_path[] = "bad character in the path (blank, control, non-ASCII or '#')";

const char *check_target_error_text(enum check_target_error e)
{
	static const char *const text[CHECK_TARGET_ERROR_COUNT] = {
		[CHECK_TARGET_OK] = "ok",
		[CHECK_TARGET_EMPTY] = "the target is empty",
		[CHECK_TARGET_SCHEME] = "expected https://HOST[:PORT][/PATH]",
		[CHECK_TARGET_NO_HOST] = "the host is missing",
		[CHECK_TARGET_HOST_LONG] = "the host is too long",
		[CHECK_TARGET_USERINFO] = "user@ in a URL is not supported",
		[CHECK_TARGET_BRACKETS] = "expected [IPv6]:PORT",
		[CHECK_TARGET_NEEDS_BRACKETS] = "an IPv6 address needs brackets: [ADDRESS]:PORT",
		[CHECK_TARGET_BAD_IPV6] = "not an IPv6 address in [ ]",
		[CHECK_TARGET_HOST_NAME] = msg_name,
		[CHECK_TARGET_BAD_HOST] = "the host must be an IPv4 address, [IPv6] or localhost",
		[CHECK_TARGET_NO_PORT] = "expected HOST:PORT",
		[CHECK_TARGET_BAD_PORT] = "the port must be 1..65535",
		[CHECK_TARGET_PATH_CHAR] = msg_path,
		[CHECK_TARGET_PATH_LONG] = "the path is too long",
	};

	if ((unsigned)e >= CHECK_TARGET_ERROR_COUNT)
		return "unknown error";
	return text[e];
}

int check_target_host_header(const struct check_target *t, char *buf, size_t size)
{
	const char *open = t->addr.family == AF_INET6 ? "[" : "";
	const char *close = t->addr.family == AF_INET6 ? "]" : "";
	int n;

	if (t->port == CHECK_TARGET_HTTPS_PORT)
		n = snprintf(buf, size, "%s%s%s", open, t->host, close);
	else
		n = snprintf(buf, size, "%s%s%s:%u", open, t->host, close, (unsigned)t->port);
	return n >= 0 && (size_t)n < size ? n : -1;
}
