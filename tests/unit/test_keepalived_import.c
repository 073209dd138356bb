/* Unit tests for the keepalived importer: the parser's lexical rules, the
 * mapping's keepalived semantics (each test names the rule it pins), and
 * golden files: tests/unit/import/NAME.conf -> NAME.out (the vipd config) and
 * NAME.err (the messages, then "exit N"). VIPD_IMPORT_DATA overrides the
 * directory; VIPD_IMPORT_UPDATE=1 rewrites the golden files. */
#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "keepalived_import.h"
#include "keepalived_load.h"
#include "keepalived_parse.h"

static const char *data_dir(void)
{
	const char *env = getenv("VIPD_IMPORT_DATA");

	if (env && *env)
		return env;
#ifdef IMPORT_TEST_DIR
	return IMPORT_TEST_DIR;
#else
	return "tests/unit/import";
#endif
}

/* ---- helpers ---- */

struct result {
	char *out, *msgs;
	size_t out_len, msgs_len;
	int rc;
};

static void result_free(struct result *r)
{
	free(r->out);
	free(r->msgs);
}

/* Import inline text named "t.conf" (includes are plain statements). */
static struct result import_text(const char *text)
{
	struct result r = { NULL, NULL, 0, 0, -1 };
	char err[KP_ERR_MAX] = "";
	struct kp_tree *t = kp_parse_text("t.conf", text, strlen(text), err, sizeof(err));
	FILE *o, *m;

	if (!t)
		fail_msg("does not parse: %s", err);
	o = open_memstream(&r.out, &r.out_len);
	m = open_memstream(&r.msgs, &r.msgs_len);
	assert_non_null(o);
	assert_non_null(m);
	r.rc = keepalived_import(t, "t.conf", o, m);
	fclose(o);
	fclose(m);
	kp_tree_free(t);
	return r;
}

/* The imported text as vipd loads it. */
static struct config *load_output(const struct result *r)
{
	char err[CONFIG_ERR_MAX] = "";
	struct config *cfg = config_load_string(r->out, "out", err, sizeof(err));

	if (!cfg)
		fail_msg("output does not load: %s\n%s", err, r->out);
	return cfg;
}

static void assert_has(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("'%s' not in:\n%s", needle, haystack);
}

#define INSTANCE_HEAD                                                                      \
	"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"                     \
	" virtual_ipaddress {\n  192.0.2.100\n }\n"

/* ---- the parser ---- */

static struct kp_tree *parse_ok(const char *text)
{
	char err[KP_ERR_MAX] = "";
	struct kp_tree *t = kp_parse_text("p.conf", text, strlen(text), err, sizeof(err));

	if (!t)
		fail_msg("%s", err);
	return t;
}

static void parse_error(const char *text, size_t len, const char *want)
{
	char err[KP_ERR_MAX] = "";
	struct kp_tree *t = kp_parse_text("p.conf", text, len, err, sizeof(err));

	if (t)
		kp_tree_free(t);
	assert_null(t);
	assert_string_equal(err, want);
}

static void parser_comments_start_with_hash_or_bang_outside_quotes(void **state)
{
	struct kp_tree *t = parse_ok("a \"x # y\" b#c d\n! all of it\ne \\#f\n");

	(void)state;
	assert_string_equal(t->first->keyword, "a");
	assert_int_equal(t->first->n_args, 2);
	assert_string_equal(t->first->args[0], "x # y");
	assert_true(t->first->quoted[0]);
	assert_string_equal(t->first->args[1], "b");
	assert_false(t->first->quoted[1]);
	assert_string_equal(t->first->next->keyword, "e");
	assert_string_equal(t->first->next->args[0], "#f");
	assert_int_equal(t->first->next->line, 3);
	assert_null(t->first->next->next);
	kp_tree_free(t);
}

static void parser_braces_stand_alone_even_glued_to_words(void **state)
{
	struct kp_tree *t = parse_ok("auth{ auth_type PASS}x\n");

	(void)state;
	assert_string_equal(t->first->keyword, "auth");
	assert_true(t->first->block);
	assert_string_equal(t->first->child->keyword, "auth_type");
	assert_string_equal(t->first->child->args[0], "PASS");
	assert_string_equal(t->first->next->keyword, "x");
	kp_tree_free(t);
}

static void parser_one_line_block_keeps_its_words_in_one_statement(void **state)
{
	/* keepalived too reads "auth_type PASS auth_pass 42" as one statement */
	struct kp_tree *t = parse_ok("authentication { auth_type PASS auth_pass 42 }\n");

	(void)state;
	assert_int_equal(t->first->child->n_args, 3);
	assert_null(t->first->child->next);
	kp_tree_free(t);
}

static void parser_brace_on_the_next_line_opens_the_block(void **state)
{
	struct kp_tree *t = parse_ok("vrrp_instance VI_1\n{\n  state BACKUP\n}\r\n");

	(void)state;
	assert_true(t->first->block);
	assert_string_equal(t->first->child->keyword, "state");
	assert_int_equal(t->first->child->line, 3);
	kp_tree_free(t);
}

static void parser_refuses_unbalanced_braces_and_bad_bytes(void **state)
{
	char deep[KP_DEPTH_MAX * 4 + 8] = "", *long_line = calloc(1, KP_LINE_MAX + 2);
	int i;

	(void)state;
	parse_error("a {\n b\n", 7, "p.conf:1: the block of 'a' is not closed (missing '}')");
	parse_error("a\n}\n", 4, "p.conf:2: '}' without a '{'");
	parse_error("{\n", 2, "p.conf:1: '{' without a keyword before it");
	parse_error("a \"b\n", 5, "p.conf:1: unterminated quote");
	parse_error("a\0b\n", 4, "p.conf:1: NUL byte in the line");
	for (i = 0; i <= KP_DEPTH_MAX; i++)
		strcat(deep, "a {");
	parse_error(deep, strlen(deep), "p.conf:1: blocks nested deeper than 16");
	memset(long_line, 'x', KP_LINE_MAX + 1);
	parse_error(long_line, KP_LINE_MAX + 1, "p.conf:1: line longer than 8192 bytes");
	free(long_line);
}

/* ---- keepalived semantics ---- */

static void guide_keeps_its_check_vrid_v2_pass_auth_and_vip(void **state)
{
	struct result r = { 0 };
	char buf[IPADDR_STRLEN];
	struct config *cfg;
	FILE *o, *m;

	(void)state;
	assert_int_equal(chdir(data_dir()), 0);
	o = open_memstream(&r.out, &r.out_len);
	m = open_memstream(&r.msgs, &r.msgs_len);
	assert_int_equal(keepalived_import_file("kubeadm-guide.conf", o, m), 0);
	fclose(o);
	fclose(m);
	cfg = load_output(&r);
	assert_int_equal(cfg->n_checks, 1);
	assert_string_equal(cfg->checks[0].name, "check_apiserver");
	assert_int_equal(cfg->checks[0].type, CHECK_EXEC);
	assert_string_equal(cfg->checks[0].target, "/etc/keepalived/check_apiserver.sh");
	assert_int_equal(cfg->checks[0].interval, 3 * USEC_PER_SEC);
	assert_int_equal(cfg->checks[0].timeout, 3 * USEC_PER_SEC);
	assert_int_equal(cfg->checks[0].weight, -2);
	assert_int_equal(cfg->checks[0].fall, 10);
	assert_int_equal(cfg->checks[0].rise, 2);
	assert_string_equal(cfg->checks[0].env[0], "APISERVER_VIP=192.0.2.100");
	assert_int_equal(cfg->instances[0].vrid, 51);
	assert_int_equal(cfg->instances[0].version, 2);
	assert_int_equal(cfg->instances[0].priority, 101);
	assert_int_equal(cfg->instances[0].advert_interval_cs, 100);
	assert_int_equal(cfg->instances[0].auth_type, VRRP_AUTH_PASS);
	assert_string_equal(cfg->instances[0].auth_password, "42");
	assert_int_equal(cfg->instances[0].n_vips, 1);
	assert_string_equal(ipprefix_str(&cfg->instances[0].vips[0], buf), "192.0.2.100/32");
	assert_string_equal(cfg->instances[0].track_checks[0], "check_apiserver");
	config_free(cfg);
	result_free(&r);
}

static void auth_pass_longer_than_8_is_cut_as_keepalived_does(void **state)
{
	struct result r = import_text(INSTANCE_HEAD " authentication {\n  auth_type PASS\n"
					      "  auth_pass abcdefghijk\n }\n}\n");
	struct config *cfg = load_output(&r);

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_string_equal(cfg->instances[0].auth_password, "abcdefgh");
	assert_has(r.msgs, "t.conf:9: warning: auth_pass cut to its first 8 characters, "
			   "'abcdefgh', as keepalived does");
	config_free(cfg);
	result_free(&r);
}

static void version_is_2_unless_vrrp_version_3(void **state)
{
	struct result r2 = import_text(INSTANCE_HEAD "}\n");
	struct result r3 = import_text("global_defs {\n vrrp_version 3\n}\n" INSTANCE_HEAD "}\n");
	struct config *c2 = load_output(&r2), *c3 = load_output(&r3);

	(void)state;
	assert_int_equal(c2->instances[0].version, 2);
	assert_int_equal(c3->instances[0].version, 3);
	assert_int_equal(c2->instances[0].advert_interval_cs, 100); /* advert_int 1 */
	config_free(c2);
	config_free(c3);
	result_free(&r2);
	result_free(&r3);
}

static void script_defaults_are_keepalived_ones(void **state)
{
	/* interval 1, timeout = interval, weight 0 (a failure is FAULT), rise 1,
	 * fall 1, and no penalty before the first run (keepalived's INIT state) */
	struct result r = import_text("vrrp_script s {\n script /bin/true\n}\n" INSTANCE_HEAD
				      " track_script {\n  s\n }\n}\n");
	struct config *cfg = load_output(&r);

	(void)state;
	assert_int_equal(cfg->checks[0].interval, USEC_PER_SEC);
	assert_int_equal(cfg->checks[0].timeout, USEC_PER_SEC);
	assert_int_equal(cfg->checks[0].weight, 0);
	assert_int_equal(cfg->checks[0].rise, 1);
	assert_int_equal(cfg->checks[0].fall, 1);
	assert_true(cfg->checks[0].initial_up);
	config_free(cfg);
	result_free(&r);
}

static void no_script_user_runs_scripts_as_keepalived_did(void **state)
{
	/* keepalived: keepalived_script when that user exists, else root */
	struct result r = import_text("vrrp_script s {\n script /bin/true\n}\n" INSTANCE_HEAD
				      " track_script {\n  s\n }\n}\n");
	struct config *cfg = load_output(&r);
	const char *want = getpwnam("keepalived_script") ? "keepalived_script" : "root";

	(void)state;
	assert_string_equal(cfg->script_user, want);
	assert_has(r.msgs, "warning: no script_user: keepalived runs scripts as "
		   "keepalived_script when that user exists, else as root");
	assert_int_equal(r.rc, 0);
	config_free(cfg);
	result_free(&r);
}

static void init_fail_starts_the_check_failed(void **state)
{
	struct result r = import_text("vrrp_script s {\n script /bin/true\n init_fail\n}\n"
				      INSTANCE_HEAD " track_script {\n  s\n }\n}\n");
	struct config *cfg = load_output(&r);

	(void)state;
	assert_false(cfg->checks[0].initial_up);
	config_free(cfg);
	result_free(&r);
}

static void track_script_weight_override_gets_its_own_check(void **state)
{
	struct result r = import_text(
		"vrrp_script s {\n script /bin/true\n weight -2\n}\n" INSTANCE_HEAD
		" track_script {\n  s weight -20\n }\n}\n"
		"vrrp_instance VI_2 {\n interface eth0\n virtual_router_id 52\n"
		" virtual_ipaddress {\n  192.0.2.101\n }\n track_script {\n  s\n }\n}\n");
	struct config *cfg = load_output(&r);

	(void)state;
	assert_int_equal(cfg->n_checks, 2);
	assert_string_equal(cfg->instances[0].track_checks[0], "s_weight-20");
	assert_int_equal(config_find_check(cfg, "s_weight-20")->weight, -20);
	assert_string_equal(cfg->instances[1].track_checks[0], "s");
	assert_int_equal(config_find_check(cfg, "s")->weight, -2);
	config_free(cfg);
	result_free(&r);
}

static void nopreempt_and_priorities_carry_over(void **state)
{
	struct result r = import_text(INSTANCE_HEAD " priority 150\n nopreempt\n}\n");
	struct config *cfg = load_output(&r);

	(void)state;
	assert_false(cfg->instances[0].preempt);
	assert_int_equal(cfg->instances[0].priority, 150);
	config_free(cfg);
	result_free(&r);
}

static void state_master_warns_and_changes_nothing(void **state)
{
	struct result r = import_text(INSTANCE_HEAD " state MASTER\n}\n");
	struct result plain = import_text(INSTANCE_HEAD "}\n");

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_has(r.msgs, "t.conf:1: warning: 'state MASTER' only affects keepalived's start-up");
	assert_string_equal(r.out, plain.out);
	result_free(&r);
	result_free(&plain);
}

static void notify_script_gets_keepalived_arguments(void **state)
{
	struct result r = import_text(INSTANCE_HEAD " notify /etc/keepalived/notify.sh\n}\n");
	struct config *cfg = load_output(&r);

	(void)state;
	assert_string_equal(cfg->instances[0].notify, "/etc/keepalived/notify.sh INSTANCE");
	assert_has(r.msgs, "t.conf:7: warning: keepalived calls notify with 'INSTANCE name state "
			   "priority', vipd with 'name state priority'");
	config_free(cfg);
	result_free(&r);
}

static void unsupported_keyword_says_file_line_and_what_to_do(void **state)
{
	struct result r = import_text(INSTANCE_HEAD " use_vmac\n frobnicate 3\n}\n");

	(void)state;
	assert_int_equal(r.rc, 1);
	assert_has(r.msgs, "t.conf:7: 'use_vmac' not supported: vipd keeps the interface's own "
			   "MAC address");
	assert_has(r.msgs, "t.conf:8: 'frobnicate' not supported: vipd has no equivalent");
	config_free(load_output(&r)); /* the rest is still a config */
	result_free(&r);
}

static void lvs_sections_make_one_warning_line(void **state)
{
	struct result r = import_text(INSTANCE_HEAD "}\nvirtual_server 192.0.2.100 80 {\n"
				      " real_server 192.0.2.1 80 {\n }\n}\n"
				      "virtual_server 192.0.2.100 443 {\n}\n");
	const char *p = r.msgs;
	int lines = 0;

	(void)state;
	assert_int_equal(r.rc, 1);
	while ((p = strstr(p, "LVS")) != NULL) {
		lines++;
		p++;
	}
	assert_int_equal(lines, 1);
	assert_has(r.msgs, "t.conf:8: warning: LVS configuration skipped ('virtual_server' here "
			   "and 1 more)");
	result_free(&r);
}

static void ipv6_instance_uses_version_3(void **state)
{
	struct result r = import_text("vrrp_instance V6 {\n interface eth0\n virtual_router_id 9\n"
				      " virtual_ipaddress {\n  2001:db8::1/64\n }\n}\n");
	struct config *cfg = load_output(&r);

	(void)state;
	assert_int_equal(cfg->instances[0].version, 3);
	config_free(cfg);
	result_free(&r);
}

static void vip_with_its_own_dev_and_a_label_is_kept_dev_elsewhere_is_not(void **state)
{
	struct result r = import_text("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 5\n"
				      " virtual_ipaddress {\n  192.0.2.1/24 dev eth0 label eth0:1\n"
				      "  192.0.2.2 dev eth1\n }\n}\n");
	struct config *cfg = load_output(&r);
	char buf[IPADDR_STRLEN];

	(void)state;
	assert_int_equal(r.rc, 1);
	assert_int_equal(cfg->instances[0].n_vips, 1);
	assert_string_equal(ipprefix_str(&cfg->instances[0].vips[0], buf), "192.0.2.1/24");
	assert_has(r.msgs, "t.conf:5: warning: 'label eth0:1' not carried over");
	assert_has(r.msgs, "t.conf:6: 'dev eth1' not supported");
	config_free(cfg);
	result_free(&r);
}

static void unicast_peer_min_ttl_becomes_unicast_ttl_min(void **state)
{
	struct result r = import_text(INSTANCE_HEAD " unicast_peer {\n  192.0.2.2 min_ttl 250\n"
				      "  192.0.2.3 min_ttl 250 max_ttl 255\n }\n}\n");
	struct config *cfg = load_output(&r);

	(void)state;
	assert_int_equal(r.rc, 0);
	assert_int_equal(cfg->instances[0].n_unicast_peers, 2);
	assert_int_equal(cfg->instances[0].unicast_ttl_min, 250);
	config_free(cfg);
	result_free(&r);
}

static void exit_status_is_1_without_an_instance(void **state)
{
	struct result r = import_text("global_defs {\n router_id x\n}\n");

	(void)state;
	assert_int_equal(r.rc, 1);
	assert_has(r.msgs, "t.conf: no vrrp_instance to import");
	result_free(&r);
}

/* ---- golden files ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t len;

	if (!f) {
		free(buf);
		return NULL;
	}
	assert_non_null(buf);
	len = fread(buf, 1, (1 << 20) - 1, f);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void compare_golden(const char *name, const char *ext, const char *got)
{
	char path[512];
	char *want;

	snprintf(path, sizeof(path), "%.*s.%s", (int)(strlen(name) - strlen(".conf")), name, ext);
	if (getenv("VIPD_IMPORT_UPDATE")) {
		spit(path, got);
		return;
	}
	want = slurp(path);
	if (!want)
		fail_msg("%s is missing; got:\n%s", path, got);
	if (strcmp(want, got) != 0)
		fail_msg("%s differs; got:\n%s", path, got);
	free(want);
}

static void golden_files_match_the_import(void **state)
{
	glob_t g;
	size_t i;

	(void)state;
	assert_int_equal(chdir(data_dir()), 0);
	assert_int_equal(glob("*.conf", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 5);
	for (i = 0; i < g.gl_pathc; i++) {
		struct result r = { 0 };
		FILE *o = open_memstream(&r.out, &r.out_len);
		FILE *m = open_memstream(&r.msgs, &r.msgs_len);

		assert_non_null(o);
		assert_non_null(m);
		r.rc = keepalived_import_file(g.gl_pathv[i], o, m);
		fprintf(m, "exit %d\n", r.rc);
		fclose(o);
		fclose(m);
		compare_golden(g.gl_pathv[i], "out", r.out);
		compare_golden(g.gl_pathv[i], "err", r.msgs);
		result_free(&r);
	}
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parser_comments_start_with_hash_or_bang_outside_quotes),
		cmocka_unit_test(parser_braces_stand_alone_even_glued_to_words),
		cmocka_unit_test(parser_one_line_block_keeps_its_words_in_one_statement),
		cmocka_unit_test(parser_brace_on_the_next_line_opens_the_block),
		cmocka_unit_test(parser_refuses_unbalanced_braces_and_bad_bytes),
		cmocka_unit_test(guide_keeps_its_check_vrid_v2_pass_auth_and_vip),
		cmocka_unit_test(auth_pass_longer_than_8_is_cut_as_keepalived_does),
		cmocka_unit_test(version_is_2_unless_vrrp_version_3),
		cmocka_unit_test(script_defaults_are_keepalived_ones),
		cmocka_unit_test(no_script_user_runs_scripts_as_keepalived_did),
		cmocka_unit_test(init_fail_starts_the_check_failed),
		cmocka_unit_test(track_script_weight_override_gets_its_own_check),
		cmocka_unit_test(nopreempt_and_priorities_carry_over),
		cmocka_unit_test(state_master_warns_and_changes_nothing),
		cmocka_unit_test(notify_script_gets_keepalived_arguments),
		cmocka_unit_test(unsupported_keyword_says_file_line_and_what_to_do),
		cmocka_unit_test(lvs_sections_make_one_warning_line),
		cmocka_unit_test(ipv6_instance_uses_version_3),
		cmocka_unit_test(vip_with_its_own_dev_and_a_label_is_kept_dev_elsewhere_is_not),
		cmocka_unit_test(unicast_peer_min_ttl_becomes_unicast_ttl_min),
		cmocka_unit_test(exit_status_is_1_without_an_instance),
		cmocka_unit_test(golden_files_match_the_import),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
