/* Unit tests for src/config.c: golden output, round trip, and every error message.
 * Data: tests/unit/config (VIPD_TEST_DATA overrides, else -DCONFIG_TEST_DIR). */
#include <glob.h>
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

static const char *data_dir(void)
{
	const char *env = getenv("VIPD_TEST_DATA");

	if (env && *env)
		return env;
#ifdef CONFIG_TEST_DIR
	return CONFIG_TEST_DIR;
#else
	return "tests/unit/config";
#endif
}

static void data_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", data_dir(), name);
}

/* The normalized config as a heap string. */
static char *print_to_string(const struct config *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	config_print(cfg, f);
	fclose(f);
	return text;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t len;

	assert_non_null(f);
	assert_non_null(buf);
	len = fread(buf, 1, (1 << 20) - 1, f);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static struct config *load_ok(const char *name)
{
	char path[512], err[CONFIG_ERR_MAX] = "";
	struct config *cfg;

	data_path(path, sizeof(path), name);
	cfg = config_load(path, err, sizeof(err));
	if (!cfg)
		fail_msg("%s did not load: %s", name, err);
	return cfg;
}

/* Loading name fails with exactly DIR/expect. */
static void expect_load_error(const char *name, const char *expect)
{
	char path[512], want[1024], err[CONFIG_ERR_MAX] = "";
	struct config *cfg;

	data_path(path, sizeof(path), name);
	snprintf(want, sizeof(want), "%s/%s", data_dir(), expect);
	cfg = config_load(path, err, sizeof(err));
	if (cfg)
		config_free(cfg);
	assert_null(cfg);
	assert_string_equal(err, want);
}

/* ---- golden files and round trip ---- */

static void golden_files_match_normalized_output(void **state)
{
	glob_t g;
	char pattern[512];
	size_t i;

	(void)state;
	data_path(pattern, sizeof(pattern), "good-*.conf");
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 6);
	for (i = 0; i < g.gl_pathc; i++) {
		char golden[512], err[CONFIG_ERR_MAX] = "", *want, *got;
		struct config *cfg = config_load(g.gl_pathv[i], err, sizeof(err));

		if (!cfg)
			fail_msg("%s: %s", g.gl_pathv[i], err);
		snprintf(golden, sizeof(golden), "%.*s.golden",
			 (int)(strlen(g.gl_pathv[i]) - strlen(".conf")), g.gl_pathv[i]);
		want = slurp(golden);
		got = print_to_string(cfg);
		if (strcmp(want, got) != 0)
			fail_msg("%s: output differs from %s:\n%s", g.gl_pathv[i], golden, got);
		free(want);
		free(got);
		config_free(cfg);
	}
	globfree(&g);
}

static void normalized_output_loads_back_identically(void **state)
{
	glob_t g;
	char pattern[512];
	size_t i;

	(void)state;
	data_path(pattern, sizeof(pattern), "good-*.conf");
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		char err[CONFIG_ERR_MAX] = "", *first, *second;
		struct config *a = config_load(g.gl_pathv[i], err, sizeof(err)), *b;

		assert_non_null(a);
		first = print_to_string(a);
		b = config_load_string(first, "printed", err, sizeof(err));
		if (!b)
			fail_msg("%s: printed form does not load: %s", g.gl_pathv[i], err);
		second = print_to_string(b);
		assert_string_equal(first, second);
		free(first);
		free(second);
		config_free(a);
		config_free(b);
	}
	globfree(&g);
}

/* ---- values and defaults ---- */

static void design_example_values_are_parsed(void **state)
{
	struct config *cfg = load_ok("good-design.conf");
	const struct instance_config *in = &cfg->instances[0];
	const struct check_config *c = config_find_check(cfg, "apiserver");

	(void)state;
	assert_string_equal(cfg->router_id, "master-1");
	assert_int_equal(cfg->n_checks, 3);
	assert_non_null(c);
	assert_int_equal(c->type, CHECK_HTTPS);
	assert_int_equal(c->interval, 500000);
	assert_int_equal(c->timeout, 400000);
	assert_int_equal(c->weight, -50);
	assert_string_equal(c->ca_file, "/etc/kubernetes/pki/ca.crt");
	assert_null(c->client_cert);
	assert_false(c->initial_up);
	assert_null(config_find_check(cfg, "nope"));
	assert_int_equal(in->vrid, 51);
	assert_int_equal(in->priority, 101);
	assert_int_equal(in->advert_interval_cs, 100);
	assert_int_equal(in->n_vips, 2);
	assert_int_equal(in->vips[0].len, 24);
	assert_true(config_instance_has_family(in, AF_INET));
	assert_true(config_instance_has_family(in, AF_INET6));
	assert_int_equal(in->unicast_source.family, AF_UNSPEC);
	assert_int_equal(in->auth_type, VRRP_AUTH_NONE);
	assert_int_equal(in->v3_checksum, VRRP_CSUM_PSEUDO);
	assert_string_equal(in->notify, "/etc/vipd/notify.sh");
	assert_int_equal(in->line, 16);
	assert_int_equal(in->interface_line, 16);
	assert_int_equal(in->track_interfaces_line, 24);
	config_free(cfg);
}

static void defaults_fill_every_optional_key(void **state)
{
	struct config *cfg = load_ok("good-minimal.conf");
	const struct instance_config *in = &cfg->instances[0];

	(void)state;
	assert_string_equal(cfg->script_user, "vipd");
	assert_int_equal(cfg->n_checks, 0);
	assert_int_equal(in->priority, 100);
	assert_int_equal(in->version, 3);
	assert_int_equal(in->advert_interval_cs, 100);
	assert_true(in->preempt);
	assert_int_equal(in->preempt_delay, 0);
	assert_int_equal(in->vips[0].len, 32);
	assert_int_equal(in->garp_count, 3);
	assert_int_equal(in->garp_interval, 100000);
	assert_int_equal(in->garp_refresh, 0);
	assert_null(in->notify);
	assert_false(config_instance_has_family(in, AF_INET6));
	config_free(cfg);
}

static void v2_pass_auth_and_integer_durations(void **state)
{
	struct config *cfg = load_ok("good-v2-pass.conf");
	const struct instance_config *in = &cfg->instances[0];

	(void)state;
	assert_int_equal(in->version, 2);
	assert_int_equal(in->auth_type, VRRP_AUTH_PASS);
	assert_string_equal(in->auth_password, "42");
	assert_int_equal(in->advert_interval_cs, 100);
	assert_false(in->preempt);
	assert_int_equal(cfg->checks[0].interval, 3 * USEC_PER_SEC);
	assert_int_equal(cfg->checks[0].timeout, USEC_PER_SEC); /* default 1.0, within interval */
	config_free(cfg);
}

static void check_timeout_default_is_clamped_to_interval(void **state)
{
	struct config *cfg = load_ok("good-unicast.conf");
	const struct instance_config *in = &cfg->instances[0];

	(void)state;
	assert_int_equal(config_find_check(cfg, "dns")->timeout, 250000);
	assert_int_equal(config_find_check(cfg, "api")->timeout, USEC_PER_SEC);
	assert_true(config_find_check(cfg, "api")->initial_up);
	assert_true(config_find_check(cfg, "api")->insecure);
	assert_int_equal(in->advert_interval_cs, 5);
	assert_int_equal(in->v3_checksum, VRRP_CSUM_MESSAGE);
	assert_int_equal(in->unicast_source.family, AF_INET);
	assert_int_equal(in->n_unicast_peers, 3);
	assert_int_equal(in->garp_refresh, 60500000);
	assert_int_equal(in->n_track_interfaces, 2);
	config_free(cfg);
}

static void same_vrid_on_other_family_or_interface_is_ok(void **state)
{
	struct config *cfg = load_ok("good-same-vrid-families.conf");

	(void)state;
	assert_int_equal(cfg->n_instances, 3);
	assert_int_equal(cfg->instances[0].vrid, cfg->instances[1].vrid);
	config_free(cfg);
}

static void router_id_defaults_to_hostname(void **state)
{
	char host[CONFIG_NAME_MAX] = "", err[CONFIG_ERR_MAX];
	struct config *cfg = config_load_string(
		"instances = ( { name = \"a\"; interface = \"lo\"; vrid = 1; vips = [ \"192.0.2.1\" ]; } );",
		"inline", err, sizeof(err));

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(gethostname(host, sizeof(host) - 1), 0);
	assert_string_equal(cfg->router_id, host);
	assert_string_equal(cfg->script_user, "vipd");
	config_free(cfg);
}

static void load_string_names_its_source_in_errors(void **state)
{
	char err[CONFIG_ERR_MAX];

	(void)state;
	assert_null(config_load_string("instances = ( );\n", "inline", err, sizeof(err)));
	assert_string_equal(err, "inline:1: 'instances' must not be empty");
	assert_null(config_load_string("a = ;\n", "inline", err, sizeof(err)));
	assert_string_equal(err, "inline:1: syntax error");
	assert_null(config_load_string("x = 1;", "inline", NULL, 0)); /* no buffer: no crash */
	config_free(NULL);
}

static void check_type_names(void **state)
{
	(void)state;
	assert_string_equal(config_check_type_name(CHECK_EXEC), "exec");
	assert_string_equal(config_check_type_name(CHECK_HTTPS), "https");
	assert_string_equal(config_check_type_name(CHECK_TCP), "tcp");
}

/* The shipped conf/kubeadm.conf and conf/vipd.conf.example must load. */
static void shipped_example_configs_load(void **state)
{
	const char *names[] = { "vipd.conf.example", "kubeadm.conf" };
	char path[512], err[CONFIG_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct config *cfg;

		snprintf(path, sizeof(path), "%s/../../../conf/%s", data_dir(), names[i]);
		if (access(path, R_OK) != 0)
			skip();
		cfg = config_load(path, err, sizeof(err));
		if (!cfg)
			fail_msg("%s", err);
		assert_int_equal(cfg->instances[0].vrid, 51);
		assert_int_equal(cfg->instances[0].priority, 101);
		config_free(cfg);
	}
}

/* ---- errors: one test per rule, exact "file:line: what" ---- */

#define BAD(fn, file, msg)                   \
	static void fn(void **state)         \
	{                                    \
		(void)state;                 \
		expect_load_error(file, msg); \
	}

BAD(unknown_key_in_instance_is_an_error, "bad-unknown-key.conf",
    "bad-unknown-key.conf:6: unknown key 'foo' in instance 'apiserver'")
BAD(unknown_key_in_check_is_an_error, "bad-unknown-key-check.conf",
    "bad-unknown-key-check.conf:3: unknown key 'retries' in check 'api'")
BAD(unknown_key_at_top_level_is_an_error, "bad-unknown-key-top.conf",
    "bad-unknown-key-top.conf:2: unknown key 'global_defs' at top level")
BAD(unknown_key_in_vipd_is_an_error, "bad-unknown-key-vipd.conf",
    "bad-unknown-key-vipd.conf:3: unknown key 'log_level' in 'vipd'")
BAD(unknown_key_in_auth_is_an_error, "bad-unknown-key-auth.conf",
    "bad-unknown-key-auth.conf:3: unknown key 'pass' in auth of instance 'a'")
BAD(string_for_integer_is_a_type_error, "bad-wrong-type.conf",
    "bad-wrong-type.conf:3: 'priority' must be an integer")
BAD(float_for_integer_is_a_type_error, "bad-wrong-type-float-int.conf",
    "bad-wrong-type-float-int.conf:2: 'vrid' must be an integer")
BAD(string_for_duration_is_a_type_error, "bad-wrong-type-duration.conf",
    "bad-wrong-type-duration.conf:3: 'advert_interval' must be a number of seconds")
BAD(integer_for_bool_is_a_type_error, "bad-wrong-type-bool.conf",
    "bad-wrong-type-bool.conf:3: 'preempt' must be true or false")
BAD(string_for_list_is_a_type_error, "bad-wrong-type-list.conf",
    "bad-wrong-type-list.conf:2: 'vips' must be a list of strings")
BAD(vrid_0_is_out_of_range, "bad-vrid-0.conf",
    "bad-vrid-0.conf:3: vrid 0 out of range 1..255")
BAD(vrid_256_is_out_of_range, "bad-vrid-256.conf",
    "bad-vrid-256.conf:3: vrid 256 out of range 1..255")
BAD(vrid_is_required_at_group_line, "bad-vrid-missing.conf",
    "bad-vrid-missing.conf:2: missing 'vrid' in instance 'apiserver'")
BAD(priority_0_is_out_of_range, "bad-priority-0.conf",
    "bad-priority-0.conf:3: priority 0 out of range 1..255")
BAD(priority_256_is_out_of_range, "bad-priority-256.conf",
    "bad-priority-256.conf:3: priority 256 out of range 1..255")
BAD(bad_vip_address_names_the_entry_line, "bad-vip.conf",
    "bad-vip.conf:4: bad VIP '192.0.2.300/24'")
BAD(bad_vip_prefix_is_rejected, "bad-vip-prefix.conf",
    "bad-vip-prefix.conf:3: bad VIP '192.0.2.100/33'")
BAD(empty_vips_is_rejected, "bad-vips-empty.conf",
    "bad-vips-empty.conf:3: 'vips' must not be empty")
BAD(v2_needs_whole_second_interval, "bad-v2-interval.conf",
    "bad-v2-interval.conf:3: version 2 needs a whole-second advert_interval")
BAD(v3_interval_is_centisecond_steps, "bad-v3-interval-step.conf",
    "bad-v3-interval-step.conf:3: advert_interval 0.015 must be a multiple of 0.01 s")
BAD(v3_interval_max_is_40_95, "bad-v3-interval-range.conf",
    "bad-v3-interval-range.conf:3: advert_interval 41.0 out of range 0.01..40.95")
BAD(v2_with_ipv6_vip_is_rejected, "bad-v2-ipv6.conf",
    "bad-v2-ipv6.conf:3: IPv6 VIP '2001:db8::100/64' needs version 3")
BAD(duplicate_instance_name_is_rejected, "bad-dup-name.conf",
    "bad-dup-name.conf:3: duplicate instance name 'apiserver'")
BAD(duplicate_vrid_on_interface_and_family_is_rejected, "bad-dup-vrid.conf",
    "bad-dup-vrid.conf:5: vrid 51 on eth0 (IPv4) already used by instance 'a'")
BAD(unknown_tracked_check_is_rejected, "bad-unknown-check.conf",
    "bad-unknown-check.conf:6: unknown check 'etcd'")
BAD(auth_with_version_3_is_rejected, "bad-auth-v3.conf",
    "bad-auth-v3.conf:3: auth is VRRPv2 only")
BAD(pass_password_longer_than_8_is_rejected, "bad-auth-password-long.conf",
    "bad-auth-password-long.conf:4: 'password' must be 1 to 8 characters")
BAD(ah_needs_a_password, "bad-auth-password-missing.conf",
    "bad-auth-password-missing.conf:3: missing 'password' in auth of instance 'a'")
BAD(syntax_error_reports_libconfig_line, "bad-syntax.conf",
    "bad-syntax.conf:4: syntax error")
BAD(check_timeout_over_interval_is_rejected, "bad-check-timeout.conf",
    "bad-check-timeout.conf:3: 'timeout' must not exceed 'interval'")
BAD(https_target_needs_https_scheme, "bad-check-https-target.conf",
    "bad-check-https-target.conf:3: https target 'http://127.0.0.1:6443/livez' must be an https:// URL")
BAD(tcp_target_needs_brackets_for_ipv6, "bad-check-tcp-target.conf",
    "bad-check-tcp-target.conf:3: tcp target '2001:db8::1:2379' must be HOST:PORT ([ADDR]:PORT for IPv6)")
BAD(check_type_must_be_known, "bad-check-type.conf",
    "bad-check-type.conf:3: type 'http' must be one of: exec, https, tcp")
BAD(client_cert_needs_client_key, "bad-check-client-cert.conf",
    "bad-check-client-cert.conf:3: 'client_cert' and 'client_key' go together")
BAD(https_keys_on_exec_check_are_rejected, "bad-check-https-key-on-exec.conf",
    "bad-check-https-key-on-exec.conf:3: 'ca_file' applies to https checks only")
BAD(duplicate_check_name_is_rejected, "bad-check-dup-name.conf",
    "bad-check-dup-name.conf:3: duplicate check name 'c'")
BAD(check_weight_is_within_254, "bad-check-weight.conf",
    "bad-check-weight.conf:2: weight -255 out of range -254..254")
BAD(instances_are_required, "bad-no-instances.conf",
    "bad-no-instances.conf:1: missing 'instances' at top level")
BAD(interface_name_longer_than_15_is_rejected, "bad-interface-long.conf",
    "bad-interface-long.conf:3: interface name 'this-is-way-too-long0' is too long (max 15)")
BAD(unicast_peer_needs_a_vip_of_its_family, "bad-unicast-family.conf",
    "bad-unicast-family.conf:4: unicast_peers '2001:db8::2' is IPv6 but instance 'a' has no IPv6 VIP")
BAD(each_vip_family_needs_a_unicast_peer, "bad-unicast-missing-family.conf",
    "bad-unicast-missing-family.conf:3: instance 'a' has IPv6 VIPs but no IPv6 unicast peer")
BAD(names_are_restricted_to_safe_characters, "bad-name-chars.conf",
    "bad-name-chars.conf:2: name 'my instance' may only hold letters, digits, '_', '-' and '.'")
BAD(more_than_255_unicast_peers_is_an_error, "bad-too-many-peers.conf",
    "bad-too-many-peers.conf:4: at most 255 unicast peers")
BAD(missing_file_says_cannot_open, "does-not-exist.conf",
    "does-not-exist.conf: cannot open: No such file or directory")

/* ---- config_check_system ---- */

static void expect_system_error(const char *name, const char *expect)
{
	char want[1024], err[CONFIG_ERR_MAX] = "";
	struct config *cfg = load_ok(name);

	snprintf(want, sizeof(want), "%s/%s", data_dir(), expect);
	assert_int_equal(config_check_system(cfg, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	config_free(cfg);
}

static void missing_interface_fails_system_check(void **state)
{
	(void)state;
	expect_system_error("sys-no-interface.conf",
			    "sys-no-interface.conf:5: interface 'vcfg-nosuch0' does not exist");
}

static void missing_tracked_interface_fails_system_check(void **state)
{
	(void)state;
	expect_system_error("sys-no-track-interface.conf",
			    "sys-no-track-interface.conf:4: interface 'vcfg-nosuch1' does not exist");
}

static void ah_auth_fails_system_check_until_supported(void **state)
{
	(void)state;
	expect_system_error("sys-ah-unsupported.conf",
			    "sys-ah-unsupported.conf:4: auth type \"ah\" is not supported by this vipd yet");
}

static void loopback_passes_system_check(void **state)
{
	char err[CONFIG_ERR_MAX] = "";
	struct config *cfg = load_ok("good-lo.conf");

	(void)state;
	assert_int_equal(config_check_system(cfg, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_files_match_normalized_output),
		cmocka_unit_test(normalized_output_loads_back_identically),
		cmocka_unit_test(design_example_values_are_parsed),
		cmocka_unit_test(defaults_fill_every_optional_key),
		cmocka_unit_test(v2_pass_auth_and_integer_durations),
		cmocka_unit_test(check_timeout_default_is_clamped_to_interval),
		cmocka_unit_test(same_vrid_on_other_family_or_interface_is_ok),
		cmocka_unit_test(router_id_defaults_to_hostname),
		cmocka_unit_test(load_string_names_its_source_in_errors),
		cmocka_unit_test(check_type_names),
		cmocka_unit_test(shipped_example_configs_load),
		cmocka_unit_test(unknown_key_in_instance_is_an_error),
		cmocka_unit_test(unknown_key_in_check_is_an_error),
		cmocka_unit_test(unknown_key_at_top_level_is_an_error),
		cmocka_unit_test(unknown_key_in_vipd_is_an_error),
		cmocka_unit_test(more_than_255_unicast_peers_is_an_error),
		cmocka_unit_test(unknown_key_in_auth_is_an_error),
		cmocka_unit_test(string_for_integer_is_a_type_error),
		cmocka_unit_test(float_for_integer_is_a_type_error),
		cmocka_unit_test(string_for_duration_is_a_type_error),
		cmocka_unit_test(integer_for_bool_is_a_type_error),
		cmocka_unit_test(string_for_list_is_a_type_error),
		cmocka_unit_test(vrid_0_is_out_of_range),
		cmocka_unit_test(vrid_256_is_out_of_range),
		cmocka_unit_test(vrid_is_required_at_group_line),
		cmocka_unit_test(priority_0_is_out_of_range),
		cmocka_unit_test(priority_256_is_out_of_range),
		cmocka_unit_test(bad_vip_address_names_the_entry_line),
		cmocka_unit_test(bad_vip_prefix_is_rejected),
		cmocka_unit_test(empty_vips_is_rejected),
		cmocka_unit_test(v2_needs_whole_second_interval),
		cmocka_unit_test(v3_interval_is_centisecond_steps),
		cmocka_unit_test(v3_interval_max_is_40_95),
		cmocka_unit_test(v2_with_ipv6_vip_is_rejected),
		cmocka_unit_test(duplicate_instance_name_is_rejected),
		cmocka_unit_test(duplicate_vrid_on_interface_and_family_is_rejected),
		cmocka_unit_test(unknown_tracked_check_is_rejected),
		cmocka_unit_test(auth_with_version_3_is_rejected),
		cmocka_unit_test(pass_password_longer_than_8_is_rejected),
		cmocka_unit_test(ah_needs_a_password),
		cmocka_unit_test(syntax_error_reports_libconfig_line),
		cmocka_unit_test(check_timeout_over_interval_is_rejected),
		cmocka_unit_test(https_target_needs_https_scheme),
		cmocka_unit_test(tcp_target_needs_brackets_for_ipv6),
		cmocka_unit_test(check_type_must_be_known),
		cmocka_unit_test(client_cert_needs_client_key),
		cmocka_unit_test(https_keys_on_exec_check_are_rejected),
		cmocka_unit_test(duplicate_check_name_is_rejected),
		cmocka_unit_test(check_weight_is_within_254),
		cmocka_unit_test(instances_are_required),
		cmocka_unit_test(interface_name_longer_than_15_is_rejected),
		cmocka_unit_test(unicast_peer_needs_a_vip_of_its_family),
		cmocka_unit_test(each_vip_family_needs_a_unicast_peer),
		cmocka_unit_test(names_are_restricted_to_safe_characters),
		cmocka_unit_test(missing_file_says_cannot_open),
		cmocka_unit_test(missing_interface_fails_system_check),
		cmocka_unit_test(missing_tracked_interface_fails_system_check),
		cmocka_unit_test(ah_auth_fails_system_check_until_supported),
		cmocka_unit_test(loopback_passes_system_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
