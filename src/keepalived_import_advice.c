/* The keepalived importer's table of the keywords vipd has no use for: for
 * each, what to do instead (or that it is LVS, or harmless), and
 * ki_other_keyword, which reports a keyword no mapping took. */
#include "keepalived_import_internal.h"

#include <string.h>

enum ki_kind {
	KI_UNSUPPORTED,
	KI_LVS,     /* load balancing: counted, one warning line */
	KI_IGNORED, /* no effect on failover */
	KI_SILENT,  /* what vipd always does */
};

/* A keyword (a trailing '*' matches any ending) and what to do instead. */
struct ki_advice {
	const char *keyword;
	enum ki_kind kind;
	const char *advice;
};

#define MAIL "vipd sends no mail; send it from the notify script"
#define FIREWALL "vipd changes no firewall rules; add the rules you need to the system's firewall"
#define PROCESS "set the process's priority in vipd's systemd unit (Nice=, CPUSchedulingPolicy=)"
#define STRICT \
	"vipd follows the RFC's rules and always accepts traffic to its VIPs (keepalived's " \
	"'accept'); remove it, and filter the VIPs in the firewall if they must not answer"
#define TRACK_EXEC "use an exec check (checks, type = \"exec\") that tests the same thing"
#define ROUTES \
	"add them from the notify script on MASTER and remove them on BACKUP, FAULT and STOP"

static const struct ki_advice advice_table[] = {
	{ "virtual_server", KI_LVS, NULL },
	{ "virtual_server_group", KI_LVS, NULL },
	{ "real_server", KI_LVS, NULL },
	{ "SSL", KI_LVS, NULL },
	{ "lvs_*", KI_LVS, NULL },
	{ "checker_*", KI_LVS, NULL },
	{ "enable_script_security", KI_SILENT, NULL },
	{ "vrrp_skip_check_adv_addr", KI_SILENT, NULL },
	{ "skip_check_adv_addr", KI_SILENT, NULL },
	{ "accept", KI_SILENT, NULL },
	{ "debug", KI_IGNORED, NULL },
	{ "kernel_rx_buf_size", KI_IGNORED, NULL },
	{ "linkbeat_use_polling", KI_IGNORED, NULL },
	{ "vrrp_sync_group", KI_UNSUPPORTED,
	  "vipd runs each instance on its own; to move addresses together put them in one "
	  "vrrp_instance (a vipd instance may hold IPv4 and IPv6 VIPs)" },
	{ "notification_email", KI_UNSUPPORTED, MAIL },
	{ "notification_email_from", KI_UNSUPPORTED, MAIL },
	{ "smtp_*", KI_UNSUPPORTED, MAIL },
	{ "email_faults", KI_UNSUPPORTED, MAIL },
	{ "vrrp_strict", KI_UNSUPPORTED, STRICT },
	{ "strict_mode", KI_UNSUPPORTED, STRICT },
	{ "no_accept", KI_UNSUPPORTED, STRICT },
	{ "vrrp_iptables", KI_UNSUPPORTED, FIREWALL },
	{ "vrrp_ipsets", KI_UNSUPPORTED, FIREWALL },
	{ "vrrp_nftables*", KI_UNSUPPORTED, FIREWALL },
	{ "vrrp_mcast_group4", KI_UNSUPPORTED,
	  "vipd sends to 224.0.0.18 and ff02::12; list the peers in unicast_peer instead" },
	{ "vrrp_mcast_group6", KI_UNSUPPORTED,
	  "vipd sends to 224.0.0.18 and ff02::12; list the peers in unicast_peer instead" },
	{ "enable_traps", KI_UNSUPPORTED, "use vipctl status or vipctl metrics (Prometheus)" },
	{ "enable_snmp_*", KI_UNSUPPORTED, "use vipctl status or vipctl metrics (Prometheus)" },
	{ "snmp_socket", KI_UNSUPPORTED, "use vipctl status or vipctl metrics (Prometheus)" },
	{ "enable_dbus*", KI_UNSUPPORTED, "use vipctl status (--json)" },
	{ "vrrp_priority", KI_UNSUPPORTED, PROCESS },
	{ "vrrp_rt_priority", KI_UNSUPPORTED, PROCESS },
	{ "vrrp_rlimit_rttime", KI_UNSUPPORTED, PROCESS },
	{ "vrrp_no_swap", KI_UNSUPPORTED, PROCESS },
	{ "vrrp_cpu_affinity", KI_UNSUPPORTED, PROCESS },
	{ "max_auto_priority", KI_UNSUPPORTED, PROCESS },
	{ "vrrp_startup_delay", KI_UNSUPPORTED,
	  "start vipd later (ExecStartPre=/bin/sleep N in a drop-in of its unit)" },
	{ "notify_fifo*", KI_UNSUPPORTED, "use the instance's notify script" },
	{ "vrrp_notify_fifo*", KI_UNSUPPORTED, "use the instance's notify script" },
	{ "static_ipaddress", KI_UNSUPPORTED,
	  "configure addresses that never move in the system's network configuration" },
	{ "static_routes", KI_UNSUPPORTED,
	  "configure routes that never move in the system's network configuration" },
	{ "static_rules", KI_UNSUPPORTED,
	  "configure rules that never move in the system's network configuration" },
	{ "virtual_routes", KI_UNSUPPORTED, ROUTES },
	{ "virtual_rules", KI_UNSUPPORTED, ROUTES },
	{ "vrrp_track_file", KI_UNSUPPORTED, TRACK_EXEC },
	{ "track_file", KI_UNSUPPORTED, TRACK_EXEC },
	{ "vrrp_track_process", KI_UNSUPPORTED, TRACK_EXEC },
	{ "track_process", KI_UNSUPPORTED, TRACK_EXEC },
	{ "track_bfd", KI_UNSUPPORTED, TRACK_EXEC },
	{ "bfd_*", KI_UNSUPPORTED, "vipd has no BFD; use a tcp or exec check" },
	{ "track_src_ip", KI_UNSUPPORTED, TRACK_EXEC },
	{ "garp_group", KI_UNSUPPORTED, "set garp_count and garp_interval on the instance" },
	{ "use_vmac", KI_UNSUPPORTED,
	  "vipd keeps the interface's own MAC address and announces a move with gratuitous ARP "
	  "and unsolicited neighbour advertisements" },
	{ "vmac_xmit_base", KI_UNSUPPORTED, "vipd sends from the interface itself" },
	{ "dont_track_primary", KI_UNSUPPORTED,
	  "vipd always puts an instance in Fault while its interface is down" },
	{ "native_ipv6", KI_UNSUPPORTED,
	  "give the instance IPv6 VIPs (vipd runs one router per address family)" },
	{ "smtp_alert", KI_UNSUPPORTED, MAIL },
	{ "notify_deleted", KI_UNSUPPORTED, "vipd calls the notify script with STOP instead" },
	{ "include", KI_UNSUPPORTED, "give the importer the file itself, not only its text" },
};

static bool keyword_matches(const char *pattern, const char *kw)
{
	size_t n = strlen(pattern);

	if (n && pattern[n - 1] == '*')
		return strncmp(pattern, kw, n - 1) == 0;
	return strcmp(pattern, kw) == 0;
}

static const struct ki_advice *find_advice(const char *kw)
{
	size_t i;

	for (i = 0; i < sizeof(advice_table) / sizeof(advice_table[0]); i++)
		if (keyword_matches(advice_table[i].keyword, kw))
			return &advice_table[i];
	return NULL;
}

/* keepalived's preprocessor lines: @SYSTEM_ID, $NAME=, ~SEQ. */
static const char *preprocessor_advice(const char *kw)
{
	if (kw[0] == '@')
		return "keep the lines meant for this node, without their '@ID ' prefix";
	if (kw[0] == '$')
		return "write the definition's values out in place of $NAME";
	if (strncmp(kw, "~SEQ", 4) == 0)
		return "write the lines the sequence stands for out";
	return NULL;
}

void ki_other_keyword(struct ki *k, const struct kp_node *n)
{
	const struct ki_advice *a = find_advice(n->keyword);
	const char *pre = preprocessor_advice(n->keyword);

	if (pre) {
		ki_fail(k, n, "'%s' not supported: %s", n->keyword, pre);
		return;
	}
	if (!a) {
		ki_fail(k, n, "'%s' not supported: vipd has no equivalent (see vipd.conf(5)); "
			"remove it, or keep this group on keepalived", n->keyword);
		return;
	}
	if (a->kind == KI_LVS) {
		if (!k->lvs_first)
			k->lvs_first = n;
		k->n_lvs++;
	} else if (a->kind == KI_IGNORED)
		ki_note(k, n, "'%s' ignored: it does not change failover", n->keyword);
	else if (a->kind == KI_UNSUPPORTED)
		ki_fail(k, n, "'%s' not supported: %s", n->keyword, a->advice);
}
