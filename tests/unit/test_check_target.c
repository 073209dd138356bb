/* Unit tests for src/check_target.c: the one grammar of tcp and https check
 * targets, each rule by name, and the Host header the probe sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "check_target.h"

static struct check_target t;

static void expect_tcp(const char *text, enum check_target_error want)
{
	enum check_target_error got = check_target_parse(false, text, &t);

	if (got != want)
		fail_msg("tcp '%s': got %d (%s), want %d (%s)", text, got,
			 check_target_error_text(got), want, check_target_error_text(want));
}

static void expect_https(const char *text, enum check_target_error want)
{
	enum check_target_error got = check_target_parse(true, text, &t);

	if (got != want)
		fail_msg("https '%s': got %d (%s), want %d (%s)", text, got,
			 check_target_error_text(got), want, check_target_error_text(want));
}

static void assert_addr(const char *want)
{
	char buf[IPADDR_STRLEN];

	assert_string_equal(ipaddr_str(&t.addr, buf), want);
}

/* ---- tcp ---- */

static void tcp_ipv4_and_port(void **state)
{
	(void)state;
	expect_tcp("127.0.0.1:2379", CHECK_TARGET_OK);
	assert_addr("127.0.0.1");
	assert_int_equal(t.port, 2379);
	assert_string_equal(t.host, "127.0.0.1");
	assert_string_equal(t.path, "");
}

static void tcp_bracketed_ipv6(void **state)
{
	(void)state;
	expect_tcp("[2001:db8::1]:2379", CHECK_TARGET_OK);
	assert_int_equal(t.addr.family, AF_INET6);
	assert_addr("2001:db8::1");
	assert_string_equal(t.host, "2001:db8::1");
	assert_int_equal(t.port, 2379);
}

static void tcp_localhost_is_127_0_0_1(void **state)
{
	(void)state;
	expect_tcp("localhost:80", CHECK_TARGET_OK);
	assert_addr("127.0.0.1");
	assert_string_equal(t.host, "localhost");
	expect_tcp("LocalHost:80", CHECK_TARGET_OK);
}

static void tcp_host_name_is_refused_no_dns(void **state)
{
	(void)state;
	expect_tcp("etcd.local:2379", CHECK_TARGET_HOST_NAME);
	expect_tcp("example.com:443", CHECK_TARGET_HOST_NAME);
	expect_tcp("etcd:2379", CHECK_TARGET_HOST_NAME);
	assert_int_equal(t.port, 0); /* zeroed on failure */
}

static void tcp_bad_ipv4_is_not_a_name(void **state)
{
	(void)state;
	expect_tcp("999.1.1.1:80", CHECK_TARGET_BAD_HOST);
	expect_tcp("1.2.3:80", CHECK_TARGET_BAD_HOST);
	expect_tcp("a_b:80", CHECK_TARGET_BAD_HOST);
	expect_tcp(" 127.0.0.1:80", CHECK_TARGET_BAD_HOST);
}

static void tcp_port_is_required(void **state)
{
	(void)state;
	expect_tcp("127.0.0.1", CHECK_TARGET_NO_PORT);
	expect_tcp("[::1]", CHECK_TARGET_NO_PORT);
}

static void tcp_port_range_is_1_to_65535(void **state)
{
	(void)state;
	expect_tcp("127.0.0.1:1", CHECK_TARGET_OK);
	expect_tcp("127.0.0.1:65535", CHECK_TARGET_OK);
	assert_int_equal(t.port, 65535);
	expect_tcp("127.0.0.1:0", CHECK_TARGET_BAD_PORT);
	expect_tcp("127.0.0.1:65536", CHECK_TARGET_BAD_PORT);
	expect_tcp("127.0.0.1:99999", CHECK_TARGET_BAD_PORT);
	expect_tcp("127.0.0.1:000080", CHECK_TARGET_BAD_PORT); /* more than 5 digits */
	expect_tcp("127.0.0.1:", CHECK_TARGET_BAD_PORT);
	expect_tcp("127.0.0.1:+80", CHECK_TARGET_BAD_PORT);
	expect_tcp("127.0.0.1:80 ", CHECK_TARGET_BAD_PORT);
	expect_tcp("127.0.0.1:80/x", CHECK_TARGET_BAD_PORT);
}

static void tcp_ipv6_needs_brackets(void **state)
{
	(void)state;
	expect_tcp("2001:db8::1:2379", CHECK_TARGET_NEEDS_BRACKETS);
	expect_tcp("::1:80", CHECK_TARGET_NEEDS_BRACKETS);
}

static void tcp_brackets_hold_an_ipv6_address(void **state)
{
	(void)state;
	expect_tcp("[127.0.0.1]:80", CHECK_TARGET_BAD_IPV6);
	expect_tcp("[fe80::1%eth0]:80", CHECK_TARGET_BAD_IPV6);
	expect_tcp("[]:80", CHECK_TARGET_NO_HOST);
	expect_tcp("[::1:80", CHECK_TARGET_BRACKETS);
	expect_tcp("[::1]x:80", CHECK_TARGET_BRACKETS);
}

static void tcp_empty_and_missing_host(void **state)
{
	(void)state;
	expect_tcp("", CHECK_TARGET_EMPTY);
	expect_tcp(NULL, CHECK_TARGET_EMPTY);
	expect_tcp(":80", CHECK_TARGET_NO_HOST);
}

static void host_longer_than_255_is_refused(void **state)
{
	char text[400];

	(void)state;
	memset(text, 'a', 300);
	snprintf(text + 300, sizeof(text) - 300, ":80");
	expect_tcp(text, CHECK_TARGET_HOST_LONG);
}

/* ---- https ---- */

static void https_default_port_443_and_path(void **state)
{
	(void)state;
	expect_https("https://127.0.0.1/livez", CHECK_TARGET_OK);
	assert_int_equal(t.port, 443);
	assert_string_equal(t.path, "/livez");
	assert_addr("127.0.0.1");
}

static void https_explicit_port(void **state)
{
	(void)state;
	expect_https("https://127.0.0.1:6443/livez?verbose", CHECK_TARGET_OK);
	assert_int_equal(t.port, 6443);
	assert_string_equal(t.path, "/livez?verbose");
}

static void https_without_path_asks_for_root(void **state)
{
	(void)state;
	expect_https("https://127.0.0.1:6443", CHECK_TARGET_OK);
	assert_string_equal(t.path, "/");
	expect_https("https://127.0.0.1?x=1", CHECK_TARGET_OK);
	assert_string_equal(t.path, "/?x=1");
}

static void https_scheme_is_case_insensitive_and_required(void **state)
{
	(void)state;
	expect_https("HTTPS://127.0.0.1/", CHECK_TARGET_OK);
	expect_https("http://127.0.0.1/", CHECK_TARGET_SCHEME);
	expect_https("127.0.0.1:443", CHECK_TARGET_SCHEME);
	expect_https("https:/127.0.0.1/", CHECK_TARGET_SCHEME);
}

static void https_port_out_of_range_is_refused(void **state)
{
	(void)state;
	expect_https("https://127.0.0.1:99999/livez", CHECK_TARGET_BAD_PORT);
	expect_https("https://127.0.0.1:0/", CHECK_TARGET_BAD_PORT);
	expect_https("https://127.0.0.1:/", CHECK_TARGET_BAD_PORT);
	expect_https("https://127.0.0.1:https/", CHECK_TARGET_BAD_PORT);
}

static void https_host_name_is_refused_no_dns(void **state)
{
	(void)state;
	expect_https("https://kubernetes.default:6443/livez", CHECK_TARGET_HOST_NAME);
	expect_https("https://localhost:6443/livez", CHECK_TARGET_OK);
	assert_addr("127.0.0.1");
}

static void https_ipv6_in_brackets(void **state)
{
	(void)state;
	expect_https("https://[::1]:6443/readyz", CHECK_TARGET_OK);
	assert_int_equal(t.addr.family, AF_INET6);
	assert_string_equal(t.host, "::1");
	assert_string_equal(t.path, "/readyz");
	expect_https("https://[::1]/", CHECK_TARGET_OK);
	assert_int_equal(t.port, 443);
	expect_https("https://::1/", CHECK_TARGET_NEEDS_BRACKETS);
}

static void https_userinfo_is_refused(void **state)
{
	(void)state;
	expect_https("https://user:pw@127.0.0.1/", CHECK_TARGET_USERINFO);
}

static void https_empty_host_is_refused(void **state)
{
	(void)state;
	expect_https("https://", CHECK_TARGET_NO_HOST);
	expect_https("https:///livez", CHECK_TARGET_NO_HOST);
	expect_https("https://:6443/", CHECK_TARGET_NO_HOST);
}

static void https_path_is_printable_ascii_without_fragment(void **state)
{
	(void)state;
	expect_https("https://127.0.0.1/a b", CHECK_TARGET_PATH_CHAR);
	expect_https("https://127.0.0.1/a\r\nX: y", CHECK_TARGET_PATH_CHAR);
	expect_https("https://127.0.0.1/a#top", CHECK_TARGET_PATH_CHAR);
	expect_https("https://127.0.0.1#top", CHECK_TARGET_PATH_CHAR);
	expect_https("https://127.0.0.1/\xc3\xa9", CHECK_TARGET_PATH_CHAR);
	expect_https("https://127.0.0.1/~a-b_c.d/%20?q=1&r=2", CHECK_TARGET_OK);
}

static void https_path_of_1023_bytes_fits(void **state)
{
	char text[1200];
	size_t head = strlen("https://127.0.0.1");

	(void)state;
	memcpy(text, "https://127.0.0.1", head);
	memset(text + head, 'p', 1023);
	text[head] = '/';
	text[head + 1023] = '\0';
	expect_https(text, CHECK_TARGET_OK);
	assert_int_equal(strlen(t.path), 1023);
	text[head + 1023] = 'p';
	text[head + 1024] = '\0';
	expect_https(text, CHECK_TARGET_PATH_LONG);
}

/* ---- Host header and messages ---- */

static void host_header_omits_port_443_and_brackets_ipv6(void **state)
{
	char buf[CHECK_TARGET_HOST_MAX + 16];

	(void)state;
	expect_https("https://127.0.0.1/", CHECK_TARGET_OK);
	assert_int_equal(check_target_host_header(&t, buf, sizeof(buf)), 9);
	assert_string_equal(buf, "127.0.0.1");
	expect_https("https://[::1]:6443/", CHECK_TARGET_OK);
	check_target_host_header(&t, buf, sizeof(buf));
	assert_string_equal(buf, "[::1]:6443");
	expect_https("https://localhost:6443/", CHECK_TARGET_OK);
	check_target_host_header(&t, buf, sizeof(buf));
	assert_string_equal(buf, "localhost:6443");
	assert_int_equal(check_target_host_header(&t, buf, 5), -1);
}

static void every_error_has_a_message(void **state)
{
	int e;

	(void)state;
	for (e = 0; e < CHECK_TARGET_ERROR_COUNT; e++) {
		const char *text = check_target_error_text((enum check_target_error)e);

		assert_non_null(text);
		assert_true(strlen(text) > 1);
	}
	assert_string_equal(check_target_error_text(CHECK_TARGET_ERROR_COUNT), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_ipv4_and_port),
		cmocka_unit_test(tcp_bracketed_ipv6),
		cmocka_unit_test(tcp_localhost_is_127_0_0_1),
		cmocka_unit_test(tcp_host_name_is_refused_no_dns),
		cmocka_unit_test(tcp_bad_ipv4_is_not_a_name),
		cmocka_unit_test(tcp_port_is_required),
		cmocka_unit_test(tcp_port_range_is_1_to_65535),
		cmocka_unit_test(tcp_ipv6_needs_brackets),
		cmocka_unit_test(tcp_brackets_hold_an_ipv6_address),
		cmocka_unit_test(tcp_empty_and_missing_host),
		cmocka_unit_test(host_longer_than_255_is_refused),
		cmocka_unit_test(https_default_port_443_and_path),
		cmocka_unit_test(https_explicit_port),
		cmocka_unit_test(https_without_path_asks_for_root),
		cmocka_unit_test(https_scheme_is_case_insensitive_and_required),
		cmocka_unit_test(https_port_out_of_range_is_refused),
		cmocka_unit_test(https_host_name_is_refused_no_dns),
		cmocka_unit_test(https_ipv6_in_brackets),
		cmocka_unit_test(https_userinfo_is_refused),
		cmocka_unit_test(https_empty_host_is_refused),
		cmocka_unit_test(https_path_is_printable_ascii_without_fragment),
		cmocka_unit_test(https_path_of_1023_bytes_fits),
		cmocka_unit_test(host_header_omits_port_443_and_brackets_ipv6),
		cmocka_unit_test(every_error_has_a_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
