/* Unit tests for vipctl_generate: option parsing, priorities, and the text
 * of the generated config and manifest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vipctl_generate.h"

#define N(a)  ((int)(sizeof(a) / sizeof((a)[0])))
#define PEERS "192.0.2.11,192.0.2.12,192.0.2.13"

static char err[256];

static int parse(int argc, char *const argv[], struct vipctl_gen_config *c)
{
	err[0] = '\0';
	return vipctl_gen_config_parse(argc, argv, c, err, sizeof(err));
}

/* The printed config (static buffer, reused). */
static const char *config_text(const struct vipctl_gen_config *c)
{
	static char buf[16384];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	vipctl_gen_config_print(c, f);
	assert_true(ftell(f) < (long)sizeof(buf) - 1);
	fclose(f);
	return buf;
}

static const char *pod_text(const struct vipctl_gen_pod *p)
{
	static char buf[16384];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	vipctl_gen_pod_print(p, f);
	assert_true(ftell(f) < (long)sizeof(buf) - 1);
	fclose(f);
	return buf;
}

static void priorities_start_at_254_and_fall_by_one(void **state)
{
	(void)state;
	assert_int_equal(vipctl_gen_priority(0), 254);
	assert_int_equal(vipctl_gen_priority(1), 253);
	assert_int_equal(vipctl_gen_priority(2), 252);
	assert_int_equal(vipctl_gen_priority(VIPCTL_GEN_PEERS_MAX - 1), 239);
}

static void config_defaults_vrid_51_interval_1s_multicast(void **state)
{
	char *argv[] = {
	    "--vip", "192.0.2.100/24", "--interface", "eth0", "--peers", PEERS, "--node", "2"};
	struct vipctl_gen_config c;

	(void)state;
	assert_int_equal(parse(N(argv), argv, &c), 0);
	assert_int_equal(c.vrid, 51);
	assert_int_equal(c.advert_cs, 100);
	assert_false(c.unicast);
	assert_int_equal(c.npeers, 3);
	assert_int_equal(c.node, 1);
	assert_string_equal(c.interface, "eth0");
	assert_int_equal(c.vip.len, 24);
}

static void node_may_be_a_peer_address(void **state)
{
	char *argv[] = {"--vip=192.0.2.100/24", "--interface=eth0", "--peers=" PEERS,
			"--node=192.0.2.13"};
	struct vipctl_gen_config c;

	(void)state;
	assert_int_equal(parse(N(argv), argv, &c), 0);
	assert_int_equal(c.node, 2);
}

static void node_out_of_range_or_unknown_is_refused(void **state)
{
	char *zero[] = {
	    "--vip", "192.0.2.100/24", "--interface", "eth0", "--peers", PEERS, "--node", "0"};
	char *four[] = {
	    "--vip", "192.0.2.100/24", "--interface", "eth0", "--peers", PEERS, "--node", "4"};
	char *other[] = {"--vip", "192.0.2.100/24", "--interface", "eth0", "--peers",
			 PEERS,	  "--node",	    "192.0.2.14"};
	struct vipctl_gen_config c;

	(void)state;
	assert_int_equal(parse(N(zero), zero, &c), -1);
	assert_int_equal(parse(N(four), four, &c), -1);
	assert_int_equal(parse(N(other), other, &c), -1);
	assert_non_null(strstr(err, "--node"));
}

static void required_options_are_required(void **state)
{
	char *argv[] = {"--vip", "192.0.2.100/24", "--peers", PEERS, "--node", "1"};
	struct vipctl_gen_config c;

	(void)state;
	assert_int_equal(parse(N(argv), argv, &c), -1);
	assert_non_null(strstr(err, "required"));
}

static void vip_needs_a_prefix_and_no_peer_address(void **state)
{
	char *bare[] = {"--vip",   "192.0.2.100", "--interface", "eth0",
			"--peers", PEERS,	  "--node",	 "1"};
	char *peer[] = {"--vip",   "192.0.2.11/24", "--interface", "eth0",
			"--peers", PEERS,	    "--node",	   "1"};
	struct vipctl_gen_config c;

	(void)state;
	assert_int_equal(parse(N(bare), bare, &c), -1);
	assert_int_equal(parse(N(peer), peer, &c), -1);
}

static void peers_bad_duplicate_or_single_are_refused(void **state)
{
	char *bad[] = {"--vip",	  "192.0.2.100/24",	 "--interface", "eth0",
		       "--peers", "192.0.2.11,master-2", "--node",	"1"};
	char *dup[] = {"--vip",	  "192.0.2.100/24",	   "--interface", "eth0",
		       "--peers", "192.0.2.11,192.0.2.11", "--node",	  "1"};
	char *one[] = {"--vip",	  "192.0.2.100/24", "--interface", "eth0",
		       "--peers", "192.0.2.11",	    "--node",	   "1"};
	char *empty[] = {"--vip",   "192.0.2.100/24",	      "--interface", "eth0",
			 "--peers", "192.0.2.11,,192.0.2.12", "--node",	     "1"};
	struct vipctl_gen_config c;

	(void)state;
	assert_int_equal(parse(N(bad), bad, &c), -1);
	assert_int_equal(parse(N(dup), dup, &c), -1);
	assert_int_equal(parse(N(one), one, &c), -1);
	assert_int_equal(parse(N(empty), empty, &c), -1);
}

static void unicast_peers_must_match_the_vip_family(void **state)
{
	char *argv[] = {"--vip", "2001:db8::100/64", "--interface", "eth0",	"--peers",
			PEERS,	 "--node",	     "1",	    "--unicast"};
	struct vipctl_gen_config c;

	(void)state;
	assert_int_equal(parse(N(argv), argv, &c), -1);
	argv[8] = "--vrid=7"; /* multicast: the peers only number the masters */
	assert_int_equal(parse(N(argv), argv, &c), 0);
}

static void advert_interval_in_centiseconds(void **state)
{
	char *argv[] = {
	    "--vip", "192.0.2.100/24",	  "--interface", "eth0", "--peers", PEERS, "--node",
	    "1",     "--advert-interval", NULL};
	static const struct {
		const char *text;
		int rc;
		unsigned cs;
	} cases[] = {
	    {"1", 0, 100},     {"0.5", 0, 50}, {"0.05", 0, 5},	 {"40.95", 0, 4095},
	    {"2.500", 0, 250}, {"0", -1, 0},   {"0.001", -1, 0}, {"40.96", -1, 0},
	    {"1.", -1, 0},     {".5", -1, 0},  {"-1", -1, 0},	 {"1s", -1, 0},
	};
	struct vipctl_gen_config c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		argv[9] = (char *)cases[i].text;
		assert_int_equal(parse(N(argv), argv, &c), cases[i].rc);
		if (cases[i].rc == 0)
			assert_int_equal(c.advert_cs, cases[i].cs);
	}
}

static void vrid_and_interface_are_checked(void **state)
{
	char *vrid[] = {"--vip", "192.0.2.100/24", "--interface", "eth0",   "--peers",
			PEERS,	 "--node",	   "1",		  "--vrid", "256"};
	char *ifname[] = {
	    "--vip", "192.0.2.100/24", "--interface", "eth0:1", "--peers", PEERS, "--node", "1"};
	char *unknown[] = {"--vip", "192.0.2.100/24", "--interface", "eth0",   "--peers",
			   PEERS,   "--node",	      "1",	     "--bogus"};
	char *flagval[] = {"--vip", "192.0.2.100/24", "--interface", "eth0",	     "--peers",
			   PEERS,   "--node",	      "1",	     "--unicast=yes"};
	char *missing[] = {"--vip", "192.0.2.100/24", "--interface", "eth0", "--peers",
			   PEERS,   "--node"};
	struct vipctl_gen_config c;

	(void)state;
	assert_int_equal(parse(N(vrid), vrid, &c), -1);
	assert_int_equal(parse(N(ifname), ifname, &c), -1);
	assert_int_equal(parse(N(unknown), unknown, &c), -1);
	assert_int_equal(parse(N(flagval), flagval, &c), -1);
	assert_int_equal(parse(N(missing), missing, &c), -1);
	assert_non_null(strstr(err, "needs a value"));
}

static void config_text_multicast_has_priority_vrid_and_checks(void **state)
{
	char *argv[] = {
	    "--vip", "192.0.2.100/24", "--interface", "eth0", "--peers", PEERS, "--node", "3"};
	struct vipctl_gen_config c;
	const char *t;

	(void)state;
	assert_int_equal(parse(N(argv), argv, &c), 0);
	t = config_text(&c);
	assert_non_null(strstr(t, "vrid = 51; priority = 252;"));
	assert_non_null(strstr(t, "version = 3; advert_interval = 1.00;"));
	assert_non_null(strstr(t, "vips = [ \"192.0.2.100/24\" ];"));
	assert_non_null(strstr(t, "target = \"https://127.0.0.1:6443/readyz\""));
	assert_non_null(strstr(t, "target = \"https://127.0.0.1:6443/livez\""));
	assert_non_null(strstr(t, "ca_file = \"/etc/kubernetes/pki/ca.crt\""));
	assert_non_null(strstr(t, "server_name = \"kubernetes\""));
	assert_non_null(strstr(t, "weight = -50;"));
	assert_non_null(strstr(t, "weight = -100;"));
	assert_null(strstr(t, "weight = 0;"));
	assert_null(strstr(t, "unicast_peers"));
	assert_null(strstr(t, "type = \"exec\""));
}

static void config_text_unicast_lists_the_other_masters(void **state)
{
	char *argv[] = {"--vip", "192.0.2.100/24", "--interface", "eth0",     "--peers",
			PEERS,	 "--node",	   "2",		  "--unicast"};
	struct vipctl_gen_config c;
	const char *t;

	(void)state;
	assert_int_equal(parse(N(argv), argv, &c), 0);
	t = config_text(&c);
	assert_non_null(strstr(t, "unicast_source = \"192.0.2.12\";"));
	assert_non_null(strstr(t, "unicast_peers = [ \"192.0.2.11\", \"192.0.2.13\" ];"));
}

static void config_comment_explains_skew_and_bootstrap(void **state)
{
	char *argv[] = {"--vip",       "2001:db8::100/64",
			"--interface", "eth0",
			"--peers",     "2001:db8::11,2001:db8::12,2001:db8::13",
			"--node",      "1",
			"--unicast"};
	struct vipctl_gen_config c;
	const char *t;

	(void)state;
	assert_int_equal(parse(N(argv), argv, &c), 0);
	t = config_text(&c);
	assert_non_null(strstr(t, "Skew_Time = (256 - priority)"));
	assert_non_null(strstr(t, "11.7 ms for the best backup (253)"));
	assert_non_null(strstr(t, "priority 100 waits 609 ms"));
	assert_non_null(strstr(t, "this one at priority 104"));
	assert_non_null(strstr(t, "--control-plane-endpoint [2001:db8::100]:6443"));
	assert_non_null(strstr(t, "NET_ADMIN"));
}

static void pod_defaults_image_and_needs_an_absolute_config(void **state)
{
	char *ok[] = {"--config", "/etc/vipd/vipd.conf"};
	char *relative[] = {"--config", "vipd.conf"};
	char *none[] = {"--image", "x:1"};
	char *ctrl[] = {"--config", "/etc/vipd/a\tb"};
	struct vipctl_gen_pod p;

	(void)state;
	assert_int_equal(vipctl_gen_pod_parse(N(ok), ok, &p, err, sizeof(err)), 0);
	assert_string_equal(p.image, "vipd:" PACKAGE_VERSION);
	assert_int_equal(vipctl_gen_pod_parse(N(relative), relative, &p, err, sizeof(err)), -1);
	assert_int_equal(vipctl_gen_pod_parse(N(none), none, &p, err, sizeof(err)), -1);
	assert_int_equal(vipctl_gen_pod_parse(N(ctrl), ctrl, &p, err, sizeof(err)), -1);
}

static void pod_text_has_caps_probe_and_quoted_paths(void **state)
{
	char *argv[] = {"--config", "/etc/vipd/my \"vipd\".conf", "--image",
			"registry.example/vipd:1.2"};
	struct vipctl_gen_pod p;
	const char *t;

	(void)state;
	assert_int_equal(vipctl_gen_pod_parse(N(argv), argv, &p, err, sizeof(err)), 0);
	t = pod_text(&p);
	assert_non_null(strstr(t, "  hostNetwork: true\n"));
	assert_non_null(strstr(t, "  priorityClassName: system-node-critical\n"));
	assert_non_null(strstr(t, "        drop:\n        - ALL\n"));
	assert_non_null(strstr(t, "        add:\n        - NET_ADMIN\n        - NET_RAW\n"));
	assert_non_null(strstr(t, "image: \"registry.example/vipd:1.2\""));
	assert_non_null(strstr(t, "- \"/etc/vipd/my \\\"vipd\\\".conf\"\n"));
	assert_non_null(strstr(t, "        - /usr/bin/vipctl\n        - -s\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(priorities_start_at_254_and_fall_by_one),
	    cmocka_unit_test(config_defaults_vrid_51_interval_1s_multicast),
	    cmocka_unit_test(node_may_be_a_peer_address),
	    cmocka_unit_test(node_out_of_range_or_unknown_is_refused),
	    cmocka_unit_test(required_options_are_required),
	    cmocka_unit_test(vip_needs_a_prefix_and_no_peer_address),
	    cmocka_unit_test(peers_bad_duplicate_or_single_are_refused),
	    cmocka_unit_test(unicast_peers_must_match_the_vip_family),
	    cmocka_unit_test(advert_interval_in_centiseconds),
	    cmocka_unit_test(vrid_and_interface_are_checked),
	    cmocka_unit_test(config_text_multicast_has_priority_vrid_and_checks),
	    cmocka_unit_test(config_text_unicast_lists_the_other_masters),
	    cmocka_unit_test(config_comment_explains_skew_and_bootstrap),
	    cmocka_unit_test(pod_defaults_image_and_needs_an_absolute_config),
	    cmocka_unit_test(pod_text_has_caps_probe_and_quoted_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
