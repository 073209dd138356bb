/* Unit tests for src/config.c: golden output, round trip, and every error message.
 * Data: tests/unit/config (VIPD_TEST_DATA overrides, else -DCONFIG_TEST_DIR). */
#include <glob.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "check_tls.h"
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

/* metrics_listen as text: the loaded address and port, or the error. */
static struct config *load_metrics_listen(const char *value, char *err, size_t errlen)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "vipd: { metrics_listen = \"%s\"; };\ninstances = ( { name = \"a\"; "
		 "interface = \"lo\"; vrid = 1; vips = [ \"192.0.2.1\" ]; } );",
		 value);
	return config_load_string(text, "inline", err, errlen);
}

static void metrics_listen_is_off_by_default(void **state)
{
	struct config *cfg = load_ok("good-minimal.conf");

	(void)state;
	assert_int_equal(cfg->metrics_addr.family, AF_UNSPEC);
	assert_int_equal(cfg->metrics_listen_line, 0);
	config_free(cfg);
}

static void metrics_listen_port_defaults_to_9650(void **state)
{
	struct config *cfg = load_ok("good-metrics.conf");
	char err[CONFIG_ERR_MAX];

	(void)state;
	assert_int_equal(cfg->metrics_addr.family, AF_INET6);
	assert_int_equal(cfg->metrics_port, CONFIG_METRICS_PORT);
	assert_int_equal(cfg->metrics_listen_line, 2);
	config_free(cfg);
	cfg = load_metrics_listen("localhost", err, sizeof(err));
	assert_non_null(cfg);
	assert_int_equal(cfg->metrics_addr.family, AF_INET);
	assert_int_equal(ntohl(cfg->metrics_addr.u.v4.s_addr), 0x7f000001);
	assert_int_equal(cfg->metrics_port, 9650);
	config_free(cfg);
}

static void metrics_listen_colon_port_means_loopback(void **state)
{
	char err[CONFIG_ERR_MAX];
	struct config *cfg = load_metrics_listen(":9700", err, sizeof(err));

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(ntohl(cfg->metrics_addr.u.v4.s_addr), 0x7f000001);
	assert_int_equal(cfg->metrics_port, 9700);
	config_free(cfg);
	cfg = load_metrics_listen("", err, sizeof(err));
	assert_non_null(cfg);
	assert_int_equal(cfg->metrics_addr.family, AF_UNSPEC);
	config_free(cfg);
}

static void metrics_listen_refuses_names_and_link_local(void **state)
{
	char err[CONFIG_ERR_MAX];

	(void)state;
	assert_null(load_metrics_listen("metrics.local:9650", err, sizeof(err)));
	assert_string_equal(err, "inline:1: metrics_listen 'metrics.local:9650': vipd does not "
				 "resolve host names: write an IPv4 address, [IPv6] or localhost");
	assert_null(load_metrics_listen("[fe80::1]:9650", err, sizeof(err)));
	assert_string_equal(err, "inline:1: metrics_listen '[fe80::1]:9650': a link-local "
				 "address is not supported");
	assert_null(load_metrics_listen("::1", err, sizeof(err)));
	assert_string_equal(err, "inline:1: metrics_listen '::1': an IPv6 address needs "
				 "brackets: [ADDRESS]:PORT");
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
BAD(metrics_listen_bad_address_is_an_error, "bad-metrics-address.conf",
    "bad-metrics-address.conf:3: metrics_listen '127.0.0.256:9650': the host must be an "
    "IPv4 address, [IPv6] or localhost")
BAD(metrics_listen_port_below_1024_is_refused, "bad-metrics-port.conf",
    "bad-metrics-port.conf:2: metrics_listen '127.0.0.1:80': the port must be 1024..65535")
BAD(metrics_listen_port_above_65535_is_refused, "bad-metrics-port-range.conf",
    "bad-metrics-port-range.conf:1: metrics_listen '127.0.0.1:65536': the port must be "
    "1024..65535")
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
    "bad-check-https-target.conf:3: https target 'http://127.0.0.1:6443/livez': "
    "expected https://HOST[:PORT][/PATH]")
BAD(tcp_target_needs_brackets_for_ipv6, "bad-check-tcp-target.conf",
    "bad-check-tcp-target.conf:3: tcp target '2001:db8::1:2379': "
    "an IPv6 address needs brackets: [ADDRESS]:PORT")
BAD(tcp_target_host_name_is_refused_no_dns, "bad-check-tcp-name.conf",
    "bad-check-tcp-name.conf:3: tcp target 'etcd.local:2379': vipd does not resolve host "
    "names: write an IPv4 address, [IPv6] or localhost")
BAD(https_target_port_beyond_65535_is_refused, "bad-check-https-port.conf",
    "bad-check-https-port.conf:3: https target 'https://127.0.0.1:99999/livez': "
    "the port must be 1..65535")
BAD(server_name_longer_than_255_is_refused, "bad-server-name-long.conf",
    "bad-server-name-long.conf:2: 'server_name' is too long (max 255 characters)")
BAD(priority_wrapped_by_libconfig_is_out_of_range, "bad-priority-wide.conf",
    "bad-priority-wide.conf:3: priority 4294967397 out of range 1..255")
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

/* ---- parsed check targets ---- */

static void tcp_and_https_targets_are_stored_parsed(void **state)
{
	struct config *cfg = load_ok("good-design.conf");
	const struct check_config *api = config_find_check(cfg, "apiserver");
	const struct check_config *etcd = config_find_check(cfg, "etcd");

	(void)state;
	assert_int_equal(api->net.port, 6443);
	assert_string_equal(api->net.host, "127.0.0.1");
	assert_string_equal(api->net.path, "/livez");
	assert_int_equal(api->net.addr.family, AF_INET);
	assert_int_equal(etcd->net.port, 2379);
	assert_int_equal(config_find_check(cfg, "legacy")->net.port, 0); /* exec: none */
	assert_int_equal(api->target_line, 7);
	assert_int_equal(api->ca_file_line, 8);
	assert_int_equal(cfg->script_user_line, 4);
	assert_int_equal(cfg->instances[0].notify_line, 25);
	assert_int_equal(api->client_cert_line, api->line); /* not set: the group's line */
	config_free(cfg);
}

/* ---- integers libconfig 1.5 would wrap to 32 bits ---- */

struct wide_case {
	const char *key;
	bool in_check; /* a check key, else an instance key */
	const char *want;
};

/* 4294967297 is 2^32 + 1: libconfig reads it as 1, a valid value of most keys. */
static const struct wide_case wide_cases[] = {
	{ "vrid", false, "vrid 4294967297 out of range 1..255" },
	{ "priority", false, "priority 4294967297 out of range 1..255" },
	{ "version", false, "version 4294967297 out of range 2..3" },
	{ "garp_count", false, "garp_count 4294967297 out of range 0..100" },
	{ "advert_interval", false, "'advert_interval' must be at most 86400 seconds" },
	{ "preempt_delay", false, "'preempt_delay' must be at most 86400 seconds" },
	{ "garp_interval", false, "'garp_interval' must be at most 86400 seconds" },
	{ "garp_refresh", false, "'garp_refresh' must be at most 86400 seconds" },
	{ "rise", true, "rise 4294967297 out of range 1..1000" },
	{ "fall", true, "fall 4294967297 out of range 1..1000" },
	{ "weight", true, "weight 4294967297 out of range -254..254" },
	{ "interval", true, "'interval' must be at most 86400 seconds" },
	{ "timeout", true, "'timeout' must be at most 86400 seconds" },
};

/* A config with "KEY = VALUE;" on line 2 (a check key) or 4 (an instance key). */
static void wide_text(const struct wide_case *w, const char *value, char *buf, size_t size)
{
	char item[96];

	snprintf(item, sizeof(item), "%s = %s;", w->key, value);
	snprintf(buf, size,
		 "checks = ( { name = \"c\"; type = \"tcp\"; target = \"127.0.0.1:1\";\n"
		 "  %s } );\n"
		 "instances = ( { name = \"a\"; interface = \"lo\"; vips = [ \"192.0.2.1\" ];\n"
		 "  %s %s } );\n",
		 w->in_check ? item : "", strcmp(w->key, "vrid") != 0 ? "vrid = 1;" : "",
		 w->in_check ? "" : item);
}

static void expect_inline_error(const char *text, const char *want)
{
	char err[CONFIG_ERR_MAX] = "";
	struct config *cfg = config_load_string(text, "inline", err, sizeof(err));

	if (cfg)
		fail_msg("loaded, expected: %s\n%s", want, text);
	assert_string_equal(err, want);
}

static void every_integer_key_refuses_a_literal_libconfig_wraps(void **state)
{
	char text[512], want[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(wide_cases) / sizeof(wide_cases[0]); i++) {
		const struct wide_case *w = &wide_cases[i];

		wide_text(w, "4294967297", text, sizeof(text));
		snprintf(want, sizeof(want), "inline:%d: %s", w->in_check ? 2 : 4, w->want);
		expect_inline_error(text, want);
	}
}

static void every_integer_key_still_takes_its_values(void **state)
{
	char text[512], err[CONFIG_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(wide_cases) / sizeof(wide_cases[0]); i++) {
		struct config *cfg;

		wide_text(&wide_cases[i], strcmp(wide_cases[i].key, "version") ? "1" : "2", text,
			  sizeof(text));
		cfg = config_load_string(text, "inline", err, sizeof(err));
		if (!cfg)
			fail_msg("%s = 1: %s", wide_cases[i].key, err);
		config_free(cfg);
	}
}

static void negative_hex_and_64_bit_literals_are_range_checked(void **state)
{
	static const struct {
		const char *key, *value, *want;
	} cases[] = {
		{ "weight", "-4294967297", "inline:2: weight -4294967297 out of range -254..254" },
		{ "rise", "0x100000001", "inline:2: rise 0x100000001 out of range 1..1000" },
		{ "rise", "0x80000001", "inline:2: rise 0x80000001 out of range 1..1000" },
		{ "fall", "2147483648", "inline:2: fall 2147483648 out of range 1..1000" },
		{ "fall", "99999999999999999999999",
		  "inline:2: fall 99999999999999999999999 out of range 1..1000" },
		{ "fall", "4294967297L", "inline:2: fall 4294967297 out of range 1..1000" },
		{ "interval", "-4294967295", "inline:2: 'interval' must not be negative" },
	};
	struct wide_case w = { NULL, true, NULL };
	char text[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		w.key = cases[i].key;
		wide_text(&w, cases[i].value, text, sizeof(text));
		expect_inline_error(text, cases[i].want);
	}
}

static void wide_numbers_in_strings_and_comments_are_not_integers(void **state)
{
	char err[CONFIG_ERR_MAX];
	struct config *cfg = config_load_string(
		"# priority = 4294967397\n"
		"instances = ( { name = \"a\"; /* 4294967397 */ interface = \"lo\"; vrid = 1;\n"
		"  vips = [ \"192.0.2.1\" ]; notify = \"/x 4294967397\"; // 4294967397\n"
		"  priority = 101; garp_interval = 4294967297.0e-9; } );\n",
		"inline", err, sizeof(err));

	(void)state;
	if (!cfg)
		fail_msg("%s", err);
	assert_int_equal(cfg->instances[0].priority, 101);
	config_free(cfg);
}

static void wrapped_literal_in_an_included_file_names_that_file(void **state)
{
	char dir[] = "/tmp/vipd-test-config.XXXXXX", inc[64], text[256], want[128];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(inc, sizeof(inc), "%s/inc.conf", dir);
	f = fopen(inc, "w");
	assert_non_null(f);
	fputs("vrid = 1;\ngarp_count = 4294967299;\n", f);
	fclose(f);
	snprintf(text, sizeof(text),
		 "instances = ( { name = \"a\"; interface = \"lo\"; vips = [ \"192.0.2.1\" ];\n"
		 "@include \"%s\"\n"
		 "  priority = 100; } );\n",
		 inc);
	snprintf(want, sizeof(want), "%s:2: garp_count 4294967299 out of range 0..100", inc);
	expect_inline_error(text, want);
	unlink(inc);
	rmdir(dir);
}

/* ---- config_check_system ---- */

static void expect_system_error(const char *name, const char *expect)
{
	char want[1024], err[CONFIG_ERR_MAX] = "";
	struct config *cfg = load_ok(name);

	snprintf(want, sizeof(want), "%s/%s", data_dir(), expect);
	assert_int_equal(config_check_system(cfg, false, err, sizeof(err)), -1);
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

static void ah_auth_passes_system_check(void **state)
{
	char err[CONFIG_ERR_MAX] = "";
	struct config *cfg = load_ok("sys-ah.conf");

	(void)state;
	assert_int_equal(config_check_system(cfg, false, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(cfg->instances[0].auth_type, VRRP_AUTH_AH);
	assert_string_equal(cfg->instances[0].auth_password, "secret12");
	config_free(cfg);
}

static void loopback_passes_system_check(void **state)
{
	char err[CONFIG_ERR_MAX] = "";
	struct config *cfg = load_ok("good-lo.conf");

	(void)state;
	assert_int_equal(config_check_system(cfg, false, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	config_free(cfg);
}

/* ---- vip_interface: VIPs held on another interface (routed set-ups) ---- */

#define VIPIF_HEAD "instances = ( { name = \"api\"; interface = \"eth0\"; vrid = 51;\n"

static struct config *inline_ok(const char *text)
{
	char err[CONFIG_ERR_MAX] = "";
	struct config *cfg = config_load_string(text, "inline", err, sizeof(err));

	if (!cfg)
		fail_msg("did not load: %s", err);
	return cfg;
}

static void vip_interface_is_stored_with_its_line(void **state)
{
	struct config *cfg = inline_ok(VIPIF_HEAD "vip_interface = \"lo\";\n"
				       "vips = [ \"198.51.100.100/32\" ]; } );\n");

	(void)state;
	assert_string_equal(cfg->instances[0].vip_interface, "lo");
	assert_int_equal(cfg->instances[0].vip_interface_line, 2);
	config_free(cfg);
}

static void vip_interface_absent_is_empty_and_not_printed(void **state)
{
	struct config *cfg = inline_ok(VIPIF_HEAD "vips = [ \"198.51.100.100/24\" ]; } );\n");
	char *text;

	(void)state;
	assert_string_equal(cfg->instances[0].vip_interface, "");
	assert_int_equal(cfg->instances[0].vip_interface_line, 0);
	text = print_to_string(cfg);
	assert_null(strstr(text, "vip_interface"));
	free(text);
	config_free(cfg);
}

static void vip_interface_must_not_be_the_vrrp_interface(void **state)
{
	(void)state;
	expect_inline_error(VIPIF_HEAD "vip_interface = \"eth0\";\n"
			    "vips = [ \"198.51.100.100/32\" ]; } );\n",
			    "inline:2: 'vip_interface' names the VRRP interface 'eth0': leave it out");
}

static void vip_interface_needs_host_prefixes(void **state)
{
	(void)state;
	expect_inline_error(VIPIF_HEAD "vip_interface = \"lo\";\n"
			    "vips = [ \"198.51.100.100/24\" ]; } );\n",
			    "inline:2: VIP '198.51.100.100/24' must be a /32 to be held on "
			    "vip_interface 'lo'");
	expect_inline_error(VIPIF_HEAD "vips = [ \"198.51.100.100/32\", \"2001:db8::1/64\" ];\n"
			    "vip_interface = \"dummy0\"; } );\n",
			    "inline:3: VIP '2001:db8::1/64' must be a /128 to be held on "
			    "vip_interface 'dummy0'");
	expect_inline_error(VIPIF_HEAD "vips = [ \"fe80::1/128\" ];\n"
			    "vip_interface = \"lo\"; } );\n",
			    "inline:3: link-local VIP 'fe80::1' cannot be held on vip_interface 'lo'");
}

static void vip_interface_name_is_checked(void **state)
{
	(void)state;
	expect_inline_error(VIPIF_HEAD "vip_interface = \"\"; vips = [ \"198.51.100.1/32\" ]; } );\n",
			    "inline:2: 'vip_interface' must not be empty");
	expect_inline_error(VIPIF_HEAD "vip_interface = \"a/b\"; vips = [ \"198.51.100.1/32\" ]; } );\n",
			    "inline:2: bad interface name 'a/b'");
	expect_inline_error(VIPIF_HEAD "vip_interface = \"sixteen-chars-xx\";\n"
			    "vips = [ \"198.51.100.1/32\" ]; } );\n",
			    "inline:2: interface name 'sixteen-chars-xx' is too long (max 15)");
}

static void missing_vip_interface_fails_system_check(void **state)
{
	char err[CONFIG_ERR_MAX] = "";
	struct config *cfg = inline_ok("instances = ( { name = \"api\"; interface = \"lo\"; vrid = 51;\n"
				       "vips = [ \"198.51.100.100/32\" ];\n"
				       "vip_interface = \"vcfg-nosuch2\"; } );\n");

	(void)state;
	assert_int_equal(config_check_system(cfg, false, err, sizeof(err)), -1);
	assert_string_equal(err, "inline:3: interface 'vcfg-nosuch2' does not exist");
	assert_int_equal(config_check_system(cfg, true, err, sizeof(err)), 0);
	config_free(cfg);
}

/* A reload that moves the VIPs to another interface changes the instance in
 * place, as a new VIP list would, and says so. */
static void vip_interface_change_is_an_in_place_change(void **state)
{
	struct config *a = inline_ok(VIPIF_HEAD "vips = [ \"198.51.100.100/32\" ]; } );\n");
	struct config *b = inline_ok(VIPIF_HEAD "vips = [ \"198.51.100.100/32\" ];\n"
				     "vip_interface = \"lo\"; } );\n");
	char what[256];

	(void)state;
	assert_true(config_instance_same_identity(&a->instances[0], &b->instances[0]));
	assert_false(config_instance_equal(&a->instances[0], &b->instances[0]));
	assert_true(config_instance_equal(&b->instances[0], &b->instances[0]));
	config_instance_describe_change(&a->instances[0], &b->instances[0], what, sizeof(what));
	assert_string_equal(what, "vip_interface 'eth0' -> 'lo'");
	config_free(a);
	config_free(b);
}

/* ---- config_check_system: what start-up would refuse ---- */

static void missing_script_user_fails_system_check(void **state)
{
	(void)state;
	expect_system_error("sys-script-user-missing.conf",
			    "sys-script-user-missing.conf:2: script_user 'vipd-no-such-user' does not exist");
}

static void missing_exec_program_fails_system_check(void **state)
{
	(void)state;
	expect_system_error("sys-exec-missing.conf",
			    "sys-exec-missing.conf:3: check 'legacy': '/nonexistent/vipd-check.sh' does "
			    "not exist");
}

/* Before kubeadm init there is no ca.crt: a warning, not an error. */
static void missing_ca_file_passes_system_check(void **state)
{
	char err[CONFIG_ERR_MAX] = "";
	struct config *cfg = load_ok("sys-ca-missing.conf");

	(void)state;
	assert_int_equal(config_check_system(cfg, false, err, sizeof(err)), 0);
	config_free(cfg);
}

static void offline_check_looks_nothing_up(void **state)
{
	char err[CONFIG_ERR_MAX] = "";
	struct config *cfg = load_ok("sys-offline.conf");

	(void)state;
	assert_int_equal(config_check_system(cfg, true, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(config_check_system(cfg, false, err, sizeof(err)), -1);
	config_free(cfg);
}

static void offline_check_passes_ah(void **state)
{
	char err[CONFIG_ERR_MAX] = "";
	struct config *cfg = load_ok("sys-ah.conf");

	(void)state;
	assert_int_equal(config_check_system(cfg, true, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	config_free(cfg);
}

/* Inline configs about files made at run time: an exec check (line 2) as
 * USER, or an https check whose TLS keys are on lines 3-5. */
static struct config *exec_config(const char *user, const char *target)
{
	char text[1024], err[CONFIG_ERR_MAX];
	struct config *cfg;

	snprintf(text, sizeof(text),
		 "vipd: { script_user = \"%s\"; };\n"
		 "checks = ( { name = \"x\"; type = \"exec\"; target = \"%s\"; } );\n"
		 "instances = ( { name = \"a\"; interface = \"lo\"; vrid = 1; vips = [ \"192.0.2.1\" ]; "
		 "} );\n",
		 user, target);
	cfg = config_load_string(text, "inline", err, sizeof(err));
	if (!cfg)
		fail_msg("%s", err);
	return cfg;
}

static struct config *tls_config(const char *ca, const char *cert, const char *key)
{
	char text[2048], err[CONFIG_ERR_MAX], p[3][512];
	const char *names[3] = { ca, cert, key };
	struct config *cfg;
	int i;

	for (i = 0; i < 3; i++)
		if (names[i][0] == '/')
			snprintf(p[i], sizeof(p[i]), "%s", names[i]);
		else
			data_path(p[i], sizeof(p[i]), names[i]);
	snprintf(text, sizeof(text),
		 "checks = ( { name = \"api\"; type = \"https\"; target = \"https://127.0.0.1/\";\n"
		 "  server_name = \"kubernetes\";\n"
		 "  ca_file = \"%s\";\n"
		 "  client_cert = \"%s\";\n"
		 "  client_key = \"%s\"; } );\n"
		 "instances = ( { name = \"a\"; interface = \"lo\"; vrid = 1; vips = [ \"192.0.2.1\" ]; "
		 "} );\n",
		 p[0], p[1], p[2]);
	cfg = config_load_string(text, "inline", err, sizeof(err));
	if (!cfg)
		fail_msg("%s", err);
	return cfg;
}

/* The system check fails with a message that starts with want. */
static void expect_system_prefix(struct config *cfg, const char *want)
{
	char err[CONFIG_ERR_MAX] = "";

	assert_int_equal(config_check_system(cfg, false, err, sizeof(err)), -1);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("got '%s', want '%s...'", err, want);
	config_free(cfg);
}

static void expect_system_ok(struct config *cfg)
{
	char err[CONFIG_ERR_MAX] = "";

	if (config_check_system(cfg, false, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	config_free(cfg);
}

/* A file in a fresh directory of /tmp with that mode (dir: its directory). */
static void make_script(char *dir, char *path, size_t size, mode_t mode)
{
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, size, "%s/check.sh", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\nexit 0\n", f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void remove_script(const char *dir, const char *path)
{
	unlink(path);
	rmdir(dir);
}

static void exec_program_without_x_bit_fails_system_check(void **state)
{
	char dir[] = "/tmp/vipd-test-exec.XXXXXX", path[128], want[512], who[64];

	(void)state;
	make_script(dir, path, sizeof(path), 0644);
	if (geteuid() == 0)
		snprintf(who, sizeof(who), "script_user 'root'");
	else
		snprintf(who, sizeof(who), "uid %u (vipd's own user)", (unsigned)geteuid());
	snprintf(want, sizeof(want), "inline:2: check 'x': '%s' is not executable by %s (mode 0644)",
		 path, who);
	expect_system_prefix(exec_config("root", path), want);
	assert_int_equal(chmod(path, 0755), 0);
	expect_system_ok(exec_config("root", path));
	remove_script(dir, path);
}

static void exec_program_that_is_a_directory_fails_system_check(void **state)
{
	(void)state;
	expect_system_prefix(exec_config("root", "/tmp --x"),
			     "inline:2: check 'x': '/tmp' is not a regular file");
}

static void exec_as_root_of_a_group_writable_script_fails_root_rule(void **state)
{
	char dir[] = "/tmp/vipd-test-exec.XXXXXX", path[128], want[512];

	(void)state;
	if (geteuid() != 0)
		skip(); /* the rule applies to scripts that run as root */
	make_script(dir, path, sizeof(path), 0775);
	snprintf(want, sizeof(want),
		 "inline:2: check 'x': '%s' could be modified by a non-root user (owner uid 0, "
		 "mode 0775); refusing to run it as root",
		 path);
	expect_system_prefix(exec_config("root", path), want);
	remove_script(dir, path);
}

static void exec_in_a_dir_the_script_user_cannot_search_fails(void **state)
{
	char dir[] = "/tmp/vipd-test-exec.XXXXXX", path[128], want[512];

	(void)state;
	if (geteuid() != 0 || !getpwnam("nobody"))
		skip(); /* needs to run scripts as another user */
	make_script(dir, path, sizeof(path), 0755); /* the directory is 0700 */
	snprintf(want, sizeof(want),
		 "inline:2: check 'x': '%s' cannot run as script_user 'nobody': no search "
		 "permission on '%s'",
		 path, dir);
	expect_system_prefix(exec_config("nobody", path), want);
	remove_script(dir, path);
}

static void exec_bare_command_names_are_left_to_the_shell(void **state)
{
	(void)state;
	expect_system_ok(exec_config("root", "true"));
	expect_system_ok(exec_config("root", "exit 0"));
}

/* Past leading NAME=value words only the root rule looks (spawn.c). */
static void exec_as_root_after_assignments_is_checked_by_root_rule(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	expect_system_prefix(exec_config("root", "FOO=1 /nonexistent/x"),
			     "inline:2: check 'x': cannot check '/nonexistent/x': No such file or "
			     "directory");
}

static void tls_files_that_load_pass_system_check(void **state)
{
	(void)state;
	expect_system_ok(tls_config("tls-client.crt", "tls-client.crt", "tls-client.key"));
}

/* Write text to path (replacing it). */
static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void copy_file(const char *from, const char *to)
{
	char buf[8192];
	FILE *in = fopen(from, "r");
	size_t n;

	assert_non_null(in);
	n = fread(buf, 1, sizeof(buf) - 1, in);
	fclose(in);
	buf[n] = '\0';
	write_file(to, buf);
}

/* The context builds without the file; each look before a run fails with
 * "ca_file missing" until it is there, a file without a certificate is not
 * taken either (a half-written one is taken on a later run), then it loads
 * once and nothing is pending any more. */
static void missing_ca_file_is_loaded_once_it_appears(void **state)
{
	char dir[] = "/tmp/vipd-ca-XXXXXX", ca[600], why[256], want[700], pem[512];
	struct config *cfg;
	SSL_CTX *ctx;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
	cfg = tls_config(ca, "tls-client.crt", "tls-client.key");
	ctx = check_tls_ctx_new(&cfg->checks[0], NULL, why, sizeof(why));
	assert_non_null(ctx);
	assert_string_equal(check_tls_ca_pending(ctx), ca);
	assert_int_equal(check_tls_ca_ready(ctx, why, sizeof(why)), -1);
	snprintf(want, sizeof(want), "ca_file missing: %s", ca);
	assert_string_equal(why, want);
	write_file(ca, "-----BEGIN CERT");
	assert_int_equal(check_tls_ca_ready(ctx, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no PEM certificate"));
	data_path(pem, sizeof(pem), "tls-client.crt");
	copy_file(pem, ca);
	assert_int_equal(check_tls_ca_ready(ctx, why, sizeof(why)), 1);
	assert_null(check_tls_ca_pending(ctx));
	assert_int_equal(check_tls_ca_ready(ctx, why, sizeof(why)), 0);
	SSL_CTX_free(ctx);
	config_free(cfg);
	unlink(ca);
	rmdir(dir);
}

/* A ca_file that exists stays an error when it cannot be read (a
 * directory here: root reads any file). */
static void unreadable_ca_file_fails_system_check(void **state)
{
	char dir[] = "/tmp/vipd-ca-XXXXXX", want[600];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(want, sizeof(want), "inline:3: check 'api': ca_file '%s': ", dir);
	expect_system_prefix(tls_config(dir, "tls-client.crt", "tls-client.key"), want);
	rmdir(dir);
}

static void ca_file_not_pem_fails_system_check(void **state)
{
	char want[1024], path[512];

	(void)state;
	data_path(path, sizeof(path), "good-lo.conf");
	snprintf(want, sizeof(want), "inline:3: check 'api': ca_file '%s': no PEM certificate in it",
		 path);
	expect_system_prefix(tls_config("good-lo.conf", "tls-client.crt", "tls-client.key"), want);
}

static void client_cert_not_pem_fails_system_check(void **state)
{
	char want[1024], path[512];

	(void)state;
	data_path(path, sizeof(path), "good-lo.conf");
	snprintf(want, sizeof(want), "inline:4: check 'api': client_cert '%s': not a PEM certificate",
		 path);
	expect_system_prefix(tls_config("tls-client.crt", "good-lo.conf", "tls-client.key"), want);
}

static void client_key_not_pem_fails_system_check(void **state)
{
	char want[1024], path[512];

	(void)state;
	data_path(path, sizeof(path), "tls-client.crt");
	snprintf(want, sizeof(want), "inline:5: check 'api': client_key '%s': not a PEM private key",
		 path);
	expect_system_prefix(tls_config("tls-client.crt", "tls-client.crt", "tls-client.crt"), want);
}

static void client_key_of_another_cert_fails_system_check(void **state)
{
	char want[1200], key[512], cert[512];

	(void)state;
	data_path(key, sizeof(key), "tls-other.key");
	data_path(cert, sizeof(cert), "tls-client.crt");
	snprintf(want, sizeof(want),
		 "inline:5: check 'api': client_key '%s' does not match client_cert '%s'", key,
		 cert);
	expect_system_prefix(tls_config("tls-client.crt", "tls-client.crt", "tls-other.key"), want);
}

static void missing_client_key_fails_system_check(void **state)
{
	char want[1024], key[512];

	(void)state;
	data_path(key, sizeof(key), "no-such.key");
	snprintf(want, sizeof(want),
		 "inline:5: check 'api': client_key '%s': No such file or directory", key);
	expect_system_prefix(tls_config("tls-client.crt", "tls-client.crt", "no-such.key"), want);
}

static void unreadable_client_key_fails_system_check(void **state)
{
	char dir[] = "/tmp/vipd-test-tls.XXXXXX", path[128], want[512];

	(void)state;
	if (geteuid() == 0)
		skip(); /* root reads every file */
	make_script(dir, path, sizeof(path), 0000);
	snprintf(want, sizeof(want), "inline:5: check 'api': client_key '%s': Permission denied",
		 path);
	expect_system_prefix(tls_config("tls-client.crt", "tls-client.crt", path), want);
	remove_script(dir, path);
}

/* ---- exec check env ---- */

static char *env_config(const char *type, const char *target, const char *env)
{
	static char text[2048];

	snprintf(text, sizeof(text),
		 "checks = ( { name = \"c\"; type = \"%s\"; target = \"%s\";\n"
		 "  env = %s; } );\n"
		 "instances = ( { name = \"a\"; interface = \"lo\"; vrid = 1; "
		 "vips = [ \"192.0.2.1\" ]; } );\n",
		 type, target, env);
	return text;
}

static void exec_check_env_is_kept_as_name_value_pairs(void **state)
{
	char err[CONFIG_ERR_MAX] = "", *printed;
	struct config *cfg = config_load_string(
		env_config("exec", "/bin/true", "{ APISERVER_VIP = \"192.0.2.100\"; PORT_2 = \"\"; }"),
		"inline", err, sizeof(err));

	(void)state;
	if (!cfg)
		fail_msg("%s", err);
	assert_int_equal(cfg->checks[0].n_env, 2);
	assert_string_equal(cfg->checks[0].env[0], "APISERVER_VIP=192.0.2.100");
	assert_string_equal(cfg->checks[0].env[1], "PORT_2=");
	assert_null(cfg->checks[0].env[2]);
	printed = print_to_string(cfg);
	assert_non_null(strstr(printed, "\t\tenv = { APISERVER_VIP = \"192.0.2.100\"; PORT_2 = \"\"; };\n"));
	free(printed);
	config_free(cfg);
}

static void exec_check_env_errors(void **state)
{
	char many[1024] = "{";
	int i;

	(void)state;
	expect_inline_error(env_config("tcp", "127.0.0.1:2379", "{ A = \"1\"; }"),
			    "inline:2: 'env' applies to exec checks only");
	expect_inline_error(env_config("exec", "/bin/true", "[ \"A=1\" ]"),
			    "inline:2: 'env' must be a group: env = { NAME = \"value\"; };");
	expect_inline_error(env_config("exec", "/bin/true", "{ PATH = \"/tmp\"; }"),
			    "inline:2: env 'PATH' is set by vipd (PATH and HOME are fixed)");
	expect_inline_error(env_config("exec", "/bin/true", "{ A-B = \"1\"; }"),
			    "inline:2: env name 'A-B' may only hold letters, digits and '_'");
	expect_inline_error(env_config("exec", "/bin/true", "{ A = 1; }"),
			    "inline:2: 'A' must be a string");
	for (i = 0; i <= CONFIG_ENV_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), " V%d = \"x\";", i);
	strcat(many, " }");
	expect_inline_error(env_config("exec", "/bin/true", many), "inline:2: at most 16 env entries");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exec_check_env_is_kept_as_name_value_pairs),
		cmocka_unit_test(exec_check_env_errors),
		cmocka_unit_test(golden_files_match_normalized_output),
		cmocka_unit_test(normalized_output_loads_back_identically),
		cmocka_unit_test(design_example_values_are_parsed),
		cmocka_unit_test(defaults_fill_every_optional_key),
		cmocka_unit_test(v2_pass_auth_and_integer_durations),
		cmocka_unit_test(check_timeout_default_is_clamped_to_interval),
		cmocka_unit_test(same_vrid_on_other_family_or_interface_is_ok),
		cmocka_unit_test(router_id_defaults_to_hostname),
		cmocka_unit_test(load_string_names_its_source_in_errors),
		cmocka_unit_test(metrics_listen_is_off_by_default),
		cmocka_unit_test(metrics_listen_port_defaults_to_9650),
		cmocka_unit_test(metrics_listen_colon_port_means_loopback),
		cmocka_unit_test(metrics_listen_refuses_names_and_link_local),
		cmocka_unit_test(metrics_listen_bad_address_is_an_error),
		cmocka_unit_test(metrics_listen_port_below_1024_is_refused),
		cmocka_unit_test(metrics_listen_port_above_65535_is_refused),
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
		cmocka_unit_test(tcp_target_host_name_is_refused_no_dns),
		cmocka_unit_test(https_target_port_beyond_65535_is_refused),
		cmocka_unit_test(server_name_longer_than_255_is_refused),
		cmocka_unit_test(priority_wrapped_by_libconfig_is_out_of_range),
		cmocka_unit_test(tcp_and_https_targets_are_stored_parsed),
		cmocka_unit_test(every_integer_key_refuses_a_literal_libconfig_wraps),
		cmocka_unit_test(every_integer_key_still_takes_its_values),
		cmocka_unit_test(negative_hex_and_64_bit_literals_are_range_checked),
		cmocka_unit_test(wide_numbers_in_strings_and_comments_are_not_integers),
		cmocka_unit_test(wrapped_literal_in_an_included_file_names_that_file),
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
		cmocka_unit_test(ah_auth_passes_system_check),
		cmocka_unit_test(loopback_passes_system_check),
		cmocka_unit_test(vip_interface_is_stored_with_its_line),
		cmocka_unit_test(vip_interface_absent_is_empty_and_not_printed),
		cmocka_unit_test(vip_interface_must_not_be_the_vrrp_interface),
		cmocka_unit_test(vip_interface_needs_host_prefixes),
		cmocka_unit_test(vip_interface_name_is_checked),
		cmocka_unit_test(missing_vip_interface_fails_system_check),
		cmocka_unit_test(vip_interface_change_is_an_in_place_change),
		cmocka_unit_test(missing_script_user_fails_system_check),
		cmocka_unit_test(missing_exec_program_fails_system_check),
		cmocka_unit_test(missing_ca_file_passes_system_check),
		cmocka_unit_test(missing_ca_file_is_loaded_once_it_appears),
		cmocka_unit_test(unreadable_ca_file_fails_system_check),
		cmocka_unit_test(offline_check_looks_nothing_up),
		cmocka_unit_test(offline_check_passes_ah),
		cmocka_unit_test(exec_program_without_x_bit_fails_system_check),
		cmocka_unit_test(exec_program_that_is_a_directory_fails_system_check),
		cmocka_unit_test(exec_as_root_of_a_group_writable_script_fails_root_rule),
		cmocka_unit_test(exec_in_a_dir_the_script_user_cannot_search_fails),
		cmocka_unit_test(exec_bare_command_names_are_left_to_the_shell),
		cmocka_unit_test(exec_as_root_after_assignments_is_checked_by_root_rule),
		cmocka_unit_test(tls_files_that_load_pass_system_check),
		cmocka_unit_test(ca_file_not_pem_fails_system_check),
		cmocka_unit_test(client_cert_not_pem_fails_system_check),
		cmocka_unit_test(client_key_not_pem_fails_system_check),
		cmocka_unit_test(client_key_of_another_cert_fails_system_check),
		cmocka_unit_test(missing_client_key_fails_system_check),
		cmocka_unit_test(unreadable_client_key_fails_system_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
