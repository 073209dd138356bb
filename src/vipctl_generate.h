/* vipctl generate: one master's vipd.conf for a kubeadm control plane, and
 * the static pod manifest that runs vipd with it. Pure: words in, text out to
 * a FILE; nothing is looked up on this machine. */
#ifndef VIPD_VIPCTL_GENERATE_H
#define VIPD_VIPCTL_GENERATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ipaddr.h"

#define VIPCTL_GEN_PEERS_MAX	     16 /* priorities 254..239: a gap well under the readyz weight */
#define VIPCTL_GEN_IFNAME_MAX	     15
#define VIPCTL_GEN_VRID_DEFAULT	     51
#define VIPCTL_GEN_ADVERT_CS_DEFAULT 100 /* 1.00 s */
#define VIPCTL_GEN_HOPS_DEFAULT	     3	 /* --routed: leaf, spine, leaf between two masters */
#define VIPCTL_GEN_IMAGE_DEFAULT     "vipd:" PACKAGE_VERSION
#define VIPCTL_GEN_SOCKET	     "/run/vipd/vipd.sock"
#define VIPCTL_GEN_CA_FILE	     "/etc/kubernetes/pki/ca.crt"

/* What "generate config" was asked for, validated. */
struct vipctl_gen_config {
	struct ip_prefix vip;
	char interface[VIPCTL_GEN_IFNAME_MAX + 1];
	struct ip_addr peers[VIPCTL_GEN_PEERS_MAX];
	size_t npeers;
	size_t node; /* index into peers, from 0 */
	bool unicast;
	bool routed;        /* VIP on lo for a routing daemon; implies unicast */
	unsigned hops;      /* routed: routers between two masters (TTL 255 - hops) */
	unsigned vrid;
	unsigned advert_cs; /* the advert interval in centiseconds, 1..4095 */
};

/* What "generate static-pod" was asked for; the strings point into argv. */
struct vipctl_gen_pod {
	const char *config; /* absolute host path, mounted at the same path */
	const char *image;
};

/* Parse the words after "generate config"; 0, or -1 with the reason in err. */
int vipctl_gen_config_parse(int argc, char *const argv[], struct vipctl_gen_config *out, char *err,
			    size_t errlen);

/* The priority of the node at index (from 0): 254, 253, 252, ... */
unsigned vipctl_gen_priority(size_t index);

/* Print the chosen node's vipd.conf, its reasons in comments. */
void vipctl_gen_config_print(const struct vipctl_gen_config *c, FILE *out);

/* Parse the words after "generate static-pod"; 0, or -1 with the reason in err. */
int vipctl_gen_pod_parse(int argc, char *const argv[], struct vipctl_gen_pod *out, char *err,
			 size_t errlen);

/* Print the Pod manifest (YAML) for /etc/kubernetes/manifests. */
void vipctl_gen_pod_print(const struct vipctl_gen_pod *p, FILE *out);

/* vipctl's "generate" command: argv[0] is "generate". Returns the exit
 * status: 0, or 2 for a usage error (the reason on stderr). */
int vipctl_generate(int argc, char *const argv[]);

#endif
