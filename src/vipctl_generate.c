/* vipctl generate: one master's vipd.conf and vipd's static pod manifest. */
#include "vipctl_generate.h"

#include <stdlib.h>
#include <string.h>

#define GEN_PRIORITY_TOP  254
#define GEN_READYZ_WEIGHT (-50)
#define GEN_LIVEZ_WEIGHT  (-100)
#define GEN_APISERVER	  "https://127.0.0.1:6443"
#define GEN_USAGE_EXIT	  2

/* An option: its name without "--", and whether it takes a value. */
struct gen_opt {
	const char *name;
	bool has_value;
};

static const struct gen_opt gen_config_opts[] = {
    {"vip", true},	{"interface", true}, {"peers", true},		{"node", true},
    {"unicast", false}, {"vrid", true},	     {"advert-interval", true},
    {"routed", false},	{"hops", true},
};

static const struct gen_opt gen_pod_opts[] = {
    {"config", true},
    {"image", true},
};

/* The reason into err, and -1 (a macro, so that the analyzers see the -1). */
#define gen_fail(err, errlen, ...) (snprintf((err), (errlen), __VA_ARGS__), -1)

static const struct gen_opt *gen_opt_find(const struct gen_opt *opts, size_t n, const char *name,
					  size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

/* The option at argv[*i] ("--name=value" or "--name value"; "" for a flag),
 * moving *i past its value: 0, or -1 with err. */
static int gen_opt_take(int argc, char *const argv[], int *i, const struct gen_opt *opts, size_t n,
			const struct gen_opt **opt, const char **value, char *err, size_t errlen)
{
	const char *arg = argv[*i], *eq;

	*opt = NULL;
	*value = "";
	if (strncmp(arg, "--", 2) != 0 || !arg[2])
		return gen_fail(err, errlen, "unexpected argument '%s'", arg);
	eq = strchr(arg + 2, '=');
	*opt = gen_opt_find(opts, n, arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
	if (!*opt)
		return gen_fail(err, errlen, "unknown option '%s'", arg);
	if (!(*opt)->has_value)
		return eq ? gen_fail(err, errlen, "--%s takes no value", (*opt)->name) : 0;
	if (eq) {
		*value = eq + 1;
	} else if (*i + 1 < argc) {
		*value = argv[++*i];
	} else {
		return gen_fail(err, errlen, "--%s needs a value", (*opt)->name);
	}
	return 0;
}

/* A whole decimal number in lo..hi: 0, or -1. */
static int gen_parse_uint(const char *text, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long v = 0;
	const char *c;

	if (!*text || strlen(text) > 9)
		return -1;
	for (c = text; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (unsigned long)(*c - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Seconds as "S", "S.D" or "S.DD" (more digits only if zeros), in
 * centiseconds, 1..4095 (VRRPv3's 12-bit field): 0, or -1. */
static int gen_parse_centis(const char *text, unsigned *out)
{
	char whole[8] = "";
	const char *dot = strchr(text, '.');
	size_t wlen = dot ? (size_t)(dot - text) : strlen(text);
	unsigned sec, frac = 0, scale = 10;
	const char *c;

	if (wlen == 0 || wlen >= sizeof(whole))
		return -1;
	memcpy(whole, text, wlen);
	if (gen_parse_uint(whole, 0, 40, &sec) < 0)
		return -1;
	for (c = dot ? dot + 1 : ""; *c; c++, scale /= 10) {
		if (*c < '0' || *c > '9' || (scale == 0 && *c != '0'))
			return -1;
		frac += (unsigned)(*c - '0') * scale;
	}
	if (dot && !dot[1])
		return -1;
	*out = sec * 100 + frac;
	return *out >= 1 && *out <= 4095 ? 0 : -1;
}

/* A Linux interface name: 1..15 bytes, printable, no '/', ':' or blanks. */
static bool gen_ifname_ok(const char *name)
{
	const char *c;

	if (!*name || strlen(name) > VIPCTL_GEN_IFNAME_MAX)
		return false;
	for (c = name; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == '/' || *c == ':')
			return false;
	return true;
}

static int gen_add_peer(struct vipctl_gen_config *c, const char *text, size_t len, char *err,
			size_t errlen)
{
	char buf[IPADDR_STRLEN];
	struct ip_addr a;
	size_t i;

	if (len == 0 || len >= sizeof(buf))
		return gen_fail(err, errlen, "--peers: an empty or overlong address");
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (ipaddr_parse(buf, &a) < 0)
		return gen_fail(err, errlen, "--peers: '%s' is not an IP address", buf);
	for (i = 0; i < c->npeers; i++)
		if (ipaddr_equal(&c->peers[i], &a))
			return gen_fail(err, errlen, "--peers: '%s' is given twice", buf);
	if (c->npeers == VIPCTL_GEN_PEERS_MAX)
		return gen_fail(err, errlen, "--peers: at most %d", VIPCTL_GEN_PEERS_MAX);
	c->peers[c->npeers++] = a;
	return 0;
}

/* "A,B,C": each an address, no duplicates, 2..VIPCTL_GEN_PEERS_MAX. */
static int gen_parse_peers(struct vipctl_gen_config *c, const char *list, char *err, size_t errlen)
{
	const char *start = list, *comma;

	c->npeers = 0;
	for (;;) {
		comma = strchr(start, ',');
		if (gen_add_peer(c, start, comma ? (size_t)(comma - start) : strlen(start), err,
				 errlen) < 0)
			return -1;
		if (!comma)
			break;
		start = comma + 1;
	}
	if (c->npeers < 2)
		return gen_fail(err, errlen, "--peers: give every master, two at least");
	return 0;
}

/* --node: a 1-based index into the peers, or one of the peer addresses. */
static int gen_resolve_node(struct vipctl_gen_config *c, const char *text, char *err, size_t errlen)
{
	struct ip_addr a;
	unsigned n;
	size_t i;

	if (gen_parse_uint(text, 1, (unsigned)c->npeers, &n) == 0) {
		c->node = n - 1;
		return 0;
	}
	if (ipaddr_parse(text, &a) == 0)
		for (i = 0; i < c->npeers; i++)
			if (ipaddr_equal(&c->peers[i], &a)) {
				c->node = i;
				return 0;
			}
	return gen_fail(err, errlen, "--node: '%s' is neither 1..%zu nor one of --peers", text,
			c->npeers);
}

static int gen_parse_vip(struct vipctl_gen_config *c, const char *text, char *err, size_t errlen)
{
	if (!strchr(text, '/') || ipprefix_parse(text, &c->vip) < 0)
		return gen_fail(err, errlen, "--vip: '%s' is not ADDRESS/PREFIX", text);
	return 0;
}

/* One option's value into c; node is kept as text until the peers are known. */
static int gen_config_set(struct vipctl_gen_config *c, const char *name, const char *value,
			  const char **node, char *err, size_t errlen)
{
	if (strcmp(name, "vip") == 0)
		return gen_parse_vip(c, value, err, errlen);
	if (strcmp(name, "peers") == 0)
		return gen_parse_peers(c, value, err, errlen);
	if (strcmp(name, "node") == 0) {
		*node = value;
		return 0;
	}
	if (strcmp(name, "unicast") == 0 || strcmp(name, "routed") == 0) {
		c->unicast = true;
		c->routed = c->routed || strcmp(name, "routed") == 0;
		return 0;
	}
	if (strcmp(name, "hops") == 0)
		return gen_parse_uint(value, 1, 254, &c->hops) == 0
			   ? 0
			   : gen_fail(err, errlen, "--hops: '%s' is not 1..254", value);
	if (strcmp(name, "vrid") == 0)
		return gen_parse_uint(value, 1, 255, &c->vrid) == 0
			   ? 0
			   : gen_fail(err, errlen, "--vrid: '%s' is not 1..255", value);
	if (strcmp(name, "advert-interval") == 0)
		return gen_parse_centis(value, &c->advert_cs) == 0
			   ? 0
			   : gen_fail(
				 err, errlen,
				 "--advert-interval: '%s' is not 0.01..40.95 s in 0.01 s steps",
				 value);
	if (strcmp(name, "interface") != 0)
		return gen_fail(err, errlen, "--%s: not an option of generate config", name);
	if (!gen_ifname_ok(value))
		return gen_fail(err, errlen, "--interface: bad interface name '%s'", value);
	strcpy(c->interface, value);
	return 0;
}

/* The rules across options, once all are read. */
static int gen_config_finish(struct vipctl_gen_config *c, const char *node, char *err,
			     size_t errlen)
{
	size_t i;

	if (c->vip.addr.family == AF_UNSPEC || !c->interface[0] || c->npeers == 0 || !node)
		return gen_fail(err, errlen, "--vip, --interface, --peers and --node are required");
	if (gen_resolve_node(c, node, err, errlen) < 0)
		return -1;
	if (c->hops && !c->routed)
		return gen_fail(err, errlen, "--hops goes with --routed");
	if (!c->hops)
		c->hops = VIPCTL_GEN_HOPS_DEFAULT;
	if (c->routed && c->vip.len != (c->vip.addr.family == AF_INET6 ? 128 : 32))
		return gen_fail(err, errlen, "--routed: the VIP must be a /%d (a host route)",
				c->vip.addr.family == AF_INET6 ? 128 : 32);
	for (i = 0; i < c->npeers; i++) {
		if (ipaddr_equal(&c->peers[i], &c->vip.addr))
			return gen_fail(err, errlen, "--vip: the VIP is one of --peers");
		if (c->unicast && c->peers[i].family != c->vip.addr.family)
			return gen_fail(err, errlen,
					"--unicast: every peer must be of the VIP's family");
	}
	return 0;
}

int vipctl_gen_config_parse(int argc, char *const argv[], struct vipctl_gen_config *out, char *err,
			    size_t errlen)
{
	const size_t nopts = sizeof(gen_config_opts) / sizeof(gen_config_opts[0]);
	const char *node = NULL, *value;
	const struct gen_opt *opt;
	int i;

	memset(out, 0, sizeof(*out));
	out->vip.addr.family = AF_UNSPEC;
	out->vrid = VIPCTL_GEN_VRID_DEFAULT;
	out->advert_cs = VIPCTL_GEN_ADVERT_CS_DEFAULT;
	for (i = 0; i < argc; i++)
		if (gen_opt_take(argc, argv, &i, gen_config_opts, nopts, &opt, &value, err,
				 errlen) < 0 ||
		    gen_config_set(out, opt->name, value, &node, err, errlen) < 0)
			return -1;
	return gen_config_finish(out, node, err, errlen);
}

unsigned vipctl_gen_priority(size_t index)
{
	return GEN_PRIORITY_TOP - (unsigned)index;
}

/* Skew_Time of a priority at the config's interval, in microseconds. */
static unsigned long gen_skew_us(const struct vipctl_gen_config *c, unsigned prio)
{
	return (256UL - prio) * c->advert_cs * 10000UL / 256UL;
}

static void gen_print_addr_list(FILE *out, const struct ip_addr *a, size_t n, size_t skip,
				const char *sep, bool quoted)
{
	char buf[IPADDR_STRLEN];
	const char *q = quoted ? "\"" : "";
	bool first = true;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i == skip)
			continue;
		fprintf(out, "%s%s%s%s", first ? "" : sep, q, ipaddr_str(&a[i], buf), q);
		first = false;
	}
}

static void gen_print_head(const struct vipctl_gen_config *c, FILE *out)
{
	char vip[IPADDR_STRLEN], self[IPADDR_STRLEN];

	fprintf(out, "# vipd.conf for master %zu of %zu (%s), made by vipctl %s with\n",
		c->node + 1, c->npeers, ipaddr_str(&c->peers[c->node], self), PACKAGE_VERSION);
	fprintf(out, "#   vipctl generate config --vip %s --interface %s \\\n",
		ipprefix_str(&c->vip, vip), c->interface);
	fprintf(out, "#     --peers ");
	gen_print_addr_list(out, c->peers, c->npeers, (size_t)-1, ",", false);
	fprintf(out, " --node %zu --vrid %u --advert-interval %u.%02u", c->node + 1, c->vrid,
		c->advert_cs / 100, c->advert_cs % 100);
	if (c->routed)
		fprintf(out, " --routed --hops %u\n", c->hops);
	else
		fprintf(out, "%s\n", c->unicast ? " --unicast" : "");
	fprintf(out,
		"# Every master gets its own file: the same command with its own --node.\n#\n");
}

static void gen_print_priorities(const struct vipctl_gen_config *c, FILE *out)
{
	unsigned best = vipctl_gen_priority(1);
	unsigned long us = gen_skew_us(c, best), guide = gen_skew_us(c, 100);
	size_t i;

	fprintf(out, "# Priorities, master 1 first: ");
	for (i = 0; i < c->npeers; i++)
		fprintf(out, "%s%u", i ? ", " : "", vipctl_gen_priority(i));
	fprintf(out,
		". Distinct, so no election ends\n"
		"# in a tie; and high, because a backup waits its Skew_Time = (256 - priority)\n"
		"# * advert_interval / 256 before it takes over from a Master that resigned:\n"
		"# %lu.%lu ms for the best backup (%u) here, where the kubeadm guide's\n"
		"# priority 100 waits %lu ms.\n#\n",
		us / 1000, us / 100 % 10, best, guide / 1000);
}

static void gen_print_check_reasons(const struct vipctl_gen_config *c, FILE *out)
{
	fprintf(out,
		"# Checks: the apiserver's own endpoints on this node, run inside vipd over\n"
		"# HTTPS (no fork), verified against kubeadm's CA with the name \"kubernetes\"\n"
		"# of the apiserver's serving certificate.\n"
		"# - apiserver_readyz, weight %d: /readyz fails while this apiserver cannot\n"
		"#   serve clients: it has lost etcd (the minority side of a partition), or it\n"
		"#   is shutting down (its --shutdown-delay-duration, while it still answers).\n"
		"#   %d is more than the gap between the highest and lowest priority (%zu), so\n"
		"#   a not-ready Master falls below every ready backup and resigns at once: the\n"
		"#   VIP leaves before the apiserver stops, and never stays on a master that\n"
		"#   cannot serve writes.\n"
		"# - apiserver_livez, weight %d: /livez fails when the apiserver is dead or\n"
		"#   broken. It ranks the not-ready ones: while no apiserver is ready (etcd\n"
		"#   without quorum), the VIP stays on a master whose apiserver at least runs.\n"
		"# Both run every 0.5 s and fail after 2 failures; a keep-alive connection that\n"
		"# drops is re-checked at once, so a dead apiserver is seen within milliseconds.\n"
		"# preempt is on: a backup whose apiserver turns ready takes the VIP from a\n"
		"# Master whose apiserver is not.\n#\n",
		GEN_READYZ_WEIGHT, -GEN_READYZ_WEIGHT, c->npeers - 1, GEN_LIVEZ_WEIGHT);
}

static void gen_print_bootstrap(const struct vipctl_gen_config *c, FILE *out)
{
	char vip[IPADDR_STRLEN];
	bool v6 = c->vip.addr.family == AF_INET6;
	unsigned low = vipctl_gen_priority(c->node) + GEN_READYZ_WEIGHT + GEN_LIVEZ_WEIGHT;

	fprintf(out,
		"# Bootstrap: before the first kubeadm init no apiserver runs, and both checks\n"
		"# fail on every node. Their weights are negative, not 0 (a failing check of\n"
		"# weight 0 means Fault, and a node in Fault never takes the VIP): a failing\n"
		"# node only ranks lower, the least bad one wins, and a lone first master\n"
		"# takes the VIP (this one at priority %u), so that\n"
		"#   kubeadm init --control-plane-endpoint %s%s%s:6443\n"
		"# completes.\n#\n",
		low, v6 ? "[" : "", ipaddr_str(&c->vip.addr, vip), v6 ? "]" : "");
	fprintf(out,
		"# As a static pod (vipctl generate static-pod), vipd runs as root but with only\n"
		"# CAP_NET_ADMIN and CAP_NET_RAW: exec checks and notify hooks, which switch to\n"
		"# script_user, cannot run there, so this file uses the native checks only.\n"
		"# If the apiserver refuses anonymous requests, give both checks client_cert\n"
		"# and client_key.\n\n");
}

static void gen_print_check(FILE *out, const char *name, const char *path, int weight, bool last)
{
	fprintf(out,
		"\t{ name = \"%s\"; type = \"https\"; target = \"" GEN_APISERVER "%s\";\n"
		"\t  ca_file = \"" VIPCTL_GEN_CA_FILE "\"; server_name = \"kubernetes\";\n"
		"\t  interval = 0.5; timeout = 0.4; rise = 2; fall = 2; weight = %d; }%s\n",
		name, path, weight, last ? "" : ",");
}

/* --routed: why the VIP is on lo, and the FRR lines that announce it. */
static void gen_print_routed_reasons(const struct vipctl_gen_config *c, FILE *out)
{
	char vip[IPADDR_STRLEN];
	bool v6 = c->vip.addr.family == AF_INET6;

	if (!c->routed)
		return;
	fprintf(out,
		"# Routed (--routed): the masters share no segment. Adverts go by unicast to\n"
		"# the other masters and cross up to %u routers, so they are accepted with a\n"
		"# TTL (hop limit) down to %u, from those peers only. The Master holds the VIP\n"
		"# on lo as a host route and sends no gratuitous ARP/NA; a routing daemon on\n"
		"# this node announces it while it is there. With FRR (bgpd + zebra):\n"
		"#   %s prefix-list VIP seq 10 permit %s\n"
		"#   route-map VIP permit 10\n"
		"#    match %s address prefix-list VIP\n"
		"#   router bgp ASN   (one per master: the router never load-shares the VIP)\n"
		"#    address-family %s unicast\n"
		"#     redistribute connected route-map VIP\n"
		"# (conf/routed/ has a full frr.conf and the BIRD 2 equivalent.)\n#\n",
		c->hops, 255 - c->hops, v6 ? "ipv6" : "ip", ipprefix_str(&c->vip, vip),
		v6 ? "ipv6" : "ip", v6 ? "ipv6" : "ipv4");
}

static void gen_print_unicast(const struct vipctl_gen_config *c, FILE *out)
{
	char self[IPADDR_STRLEN];

	if (!c->unicast) {
		fprintf(out,
			"\t  # multicast adverts; --unicast sends them to the other masters\n");
		return;
	}
	fprintf(out, "\t  unicast_source = \"%s\";\n\t  unicast_peers = [ ",
		ipaddr_str(&c->peers[c->node], self));
	gen_print_addr_list(out, c->peers, c->npeers, c->node, ", ", true);
	fprintf(out, " ];\n");
	if (c->routed)
		fprintf(out, "\t  vip_interface = \"lo\";\n\t  unicast_ttl_min = %u;\n",
			255 - c->hops);
}

void vipctl_gen_config_print(const struct vipctl_gen_config *c, FILE *out)
{
	char vip[IPADDR_STRLEN];

	gen_print_head(c, out);
	gen_print_priorities(c, out);
	gen_print_check_reasons(c, out);
	gen_print_routed_reasons(c, out);
	gen_print_bootstrap(c, out);
	fprintf(out,
		"# Under systemd (not in the static pod, which grants no CAP_SYS_NICE), add\n"
		"#   vipd: { realtime_priority = 10; };\n"
		"# so that an apiserver or etcd saturating the CPUs cannot delay the adverts\n"
		"# into a needless failover (man 5 vipd.conf).\n\n");
	fprintf(out, "checks = (\n");
	gen_print_check(out, "apiserver_readyz", "/readyz", GEN_READYZ_WEIGHT, false);
	gen_print_check(out, "apiserver_livez", "/livez", GEN_LIVEZ_WEIGHT, true);
	fprintf(out, ");\n\ninstances = (\n");
	fprintf(out,
		"\t{ name = \"apiserver\"; interface = \"%s\"; vrid = %u; priority = %u;\n"
		"\t  version = 3; advert_interval = %u.%02u; preempt = true;\n"
		"\t  vips = [ \"%s\" ];\n",
		c->interface, c->vrid, vipctl_gen_priority(c->node), c->advert_cs / 100,
		c->advert_cs % 100, ipprefix_str(&c->vip, vip));
	gen_print_unicast(c, out);
	fprintf(out, "\t  track_checks = [ \"apiserver_readyz\", \"apiserver_livez\" ]; }\n);\n");
}

/* Printable ASCII, no blanks unless allowed: safe inside YAML double quotes
 * once '"' and '\' are escaped. */
static bool gen_text_ok(const char *s, bool blanks)
{
	const char *c;

	if (!*s)
		return false;
	for (c = s; *c; c++)
		if (*c < ' ' || *c >= 0x7f || (*c == ' ' && !blanks))
			return false;
	return true;
}

int vipctl_gen_pod_parse(int argc, char *const argv[], struct vipctl_gen_pod *out, char *err,
			 size_t errlen)
{
	const size_t nopts = sizeof(gen_pod_opts) / sizeof(gen_pod_opts[0]);
	const struct gen_opt *opt;
	const char *value;
	int i;

	out->config = NULL;
	out->image = VIPCTL_GEN_IMAGE_DEFAULT;
	for (i = 0; i < argc; i++) {
		if (gen_opt_take(argc, argv, &i, gen_pod_opts, nopts, &opt, &value, err, errlen) <
		    0)
			return -1;
		if (strcmp(opt->name, "config") == 0)
			out->config = value;
		else
			out->image = value;
	}
	if (!out->config)
		return gen_fail(err, errlen, "--config is required");
	if (out->config[0] != '/' || !gen_text_ok(out->config, true))
		return gen_fail(err, errlen, "--config: '%s' is not an absolute path", out->config);
	if (!gen_text_ok(out->image, false))
		return gen_fail(err, errlen, "--image: '%s' is not an image name", out->image);
	return 0;
}

/* s as a YAML double-quoted scalar. */
static void gen_yaml_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void gen_pod_head(FILE *out)
{
	fprintf(out,
		"# vipd as a static pod: save as /etc/kubernetes/manifests/vipd.yaml on every\n"
		"# master, beside its vipd.conf (vipctl generate config). It may be there before\n"
		"# kubeadm init: kubeadm's preflight looks only at its own manifests, and it\n"
		"# writes " VIPCTL_GEN_CA_FILE " before it starts the kubelet.\n"
		"# vipd runs as root in the container but with only NET_ADMIN and NET_RAW: exec\n"
		"# checks and notify hooks, which switch to script_user, cannot run; use the\n"
		"# native https checks. The liveness probe asks vipd for its status on the\n"
		"# control socket; vipctl gives up after 5 s without an answer, so an event loop\n"
		"# that is stuck fails the probe and the kubelet restarts vipd.\n"
		"# Made by vipctl %s.\n"
		"apiVersion: v1\n"
		"kind: Pod\n"
		"metadata:\n"
		"  name: vipd\n"
		"  namespace: kube-system\n"
		"  labels:\n"
		"    app.kubernetes.io/name: vipd\n"
		"    component: vipd\n"
		"    tier: control-plane\n"
		"spec:\n"
		"  hostNetwork: true\n"
		"  priorityClassName: system-node-critical\n"
		"  containers:\n"
		"  - name: vipd\n",
		PACKAGE_VERSION);
}

static void gen_pod_container(const struct vipctl_gen_pod *p, FILE *out)
{
	fprintf(out, "    image: ");
	gen_yaml_str(out, p->image);
	fprintf(out, "\n    imagePullPolicy: IfNotPresent\n"
		     "    command:\n"
		     "    - /usr/sbin/vipd\n"
		     "    - -f\n"
		     "    - ");
	gen_yaml_str(out, p->config);
	fprintf(out, "\n    - --log\n"
		     "    - stderr\n"
		     "    - --control\n"
		     "    - " VIPCTL_GEN_SOCKET "\n"
		     "    securityContext:\n"
		     "      capabilities:\n"
		     "        drop:\n"
		     "        - ALL\n"
		     "        add:\n"
		     "        - NET_ADMIN\n"
		     "        - NET_RAW\n"
		     "    livenessProbe:\n"
		     "      exec:\n"
		     "        command:\n"
		     "        - /usr/bin/vipctl\n"
		     "        - -s\n"
		     "        - " VIPCTL_GEN_SOCKET "\n"
		     "        - status\n"
		     "      initialDelaySeconds: 10\n"
		     "      periodSeconds: 10\n"
		     "      timeoutSeconds: 8\n"
		     "      failureThreshold: 3\n"
		     "    resources:\n"
		     "      requests:\n"
		     "        cpu: 10m\n"
		     "        memory: 16Mi\n");
}

static void gen_pod_volumes(const struct vipctl_gen_pod *p, FILE *out)
{
	fprintf(out, "    volumeMounts:\n"
		     "    - name: config\n"
		     "      mountPath: ");
	gen_yaml_str(out, p->config);
	fprintf(out, "\n      readOnly: true\n"
		     "    - name: ca\n"
		     "      mountPath: " VIPCTL_GEN_CA_FILE "\n"
		     "      readOnly: true\n"
		     "    - name: run\n"
		     "      mountPath: /run/vipd\n"
		     "  volumes:\n"
		     "  - name: config\n"
		     "    hostPath:\n"
		     "      path: ");
	gen_yaml_str(out, p->config);
	fprintf(out, "\n      type: File\n"
		     "  - name: ca\n"
		     "    hostPath:\n"
		     "      path: " VIPCTL_GEN_CA_FILE "\n"
		     "      type: File\n"
		     "  # the control socket, on the host too: vipctl status works there\n"
		     "  - name: run\n"
		     "    hostPath:\n"
		     "      path: /run/vipd\n"
		     "      type: DirectoryOrCreate\n");
}

void vipctl_gen_pod_print(const struct vipctl_gen_pod *p, FILE *out)
{
	gen_pod_head(out);
	gen_pod_container(p, out);
	gen_pod_volumes(p, out);
}

static void gen_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: vipctl generate config --vip ADDR/PREFIX --interface IF --peers A,B,C --node "
	    "N\n"
	    "                              [--unicast | --routed [--hops N]] [--vrid ID]\n"
	    "                              [--advert-interval SECONDS]\n"
	    "       vipctl generate static-pod --config PATH [--image IMAGE]\n"
	    "\n"
	    "config: master N's vipd.conf (N counts --peers from 1, or is one of its\n"
	    "addresses); VRID default %d, adverts every 1.00 s by default. --routed: the\n"
	    "masters are in different subnets: unicast, the VIP (a /32 or /128) on lo for\n"
	    "a routing daemon to announce, adverts accepted across N routers (default %d).\n"
	    "static-pod: a Pod manifest for /etc/kubernetes/manifests that runs vipd with\n"
	    "the config at PATH (image default " VIPCTL_GEN_IMAGE_DEFAULT ").\n",
	    VIPCTL_GEN_VRID_DEFAULT, VIPCTL_GEN_HOPS_DEFAULT);
}

static int gen_run_config(int argc, char *const argv[])
{
	struct vipctl_gen_config c;
	char err[256];

	if (vipctl_gen_config_parse(argc, argv, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "vipctl generate config: %s\n", err);
		gen_usage(stderr);
		return GEN_USAGE_EXIT;
	}
	vipctl_gen_config_print(&c, stdout);
	return 0;
}

static int gen_run_pod(int argc, char *const argv[])
{
	struct vipctl_gen_pod p;
	char err[256];

	if (vipctl_gen_pod_parse(argc, argv, &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "vipctl generate static-pod: %s\n", err);
		gen_usage(stderr);
		return GEN_USAGE_EXIT;
	}
	vipctl_gen_pod_print(&p, stdout);
	return 0;
}

int vipctl_generate(int argc, char *const argv[])
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		gen_usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "config") == 0)
		return gen_run_config(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "static-pod") == 0)
		return gen_run_pod(argc - 2, argv + 2);
	fprintf(stderr, "vipctl generate: say what: config or static-pod\n");
	gen_usage(stderr);
	return GEN_USAGE_EXIT;
}
