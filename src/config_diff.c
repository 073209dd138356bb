/* Comparing two configs, for a reload: which instances and checks are the
 * same, which changed in place, and a one-line account of what changed. */
#include "config.h"

#include <stdio.h>
#include <string.h>

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool strv_eq(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!str_eq(a[i], b[i]))
			return false;
	return true;
}

static bool prefix_in(const struct ip_prefix *p, const struct ip_prefix *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ipaddr_equal(&p->addr, &list[i].addr) && p->len == list[i].len)
			return true;
	return false;
}

static bool vips_eq(const struct instance_config *a, const struct instance_config *b)
{
	size_t i;

	if (a->n_vips != b->n_vips)
		return false;
	for (i = 0; i < a->n_vips; i++)
		if (!prefix_in(&a->vips[i], b->vips, b->n_vips))
			return false;
	return true;
}

static bool peers_eq(const struct instance_config *a, const struct instance_config *b)
{
	size_t i;

	if (a->n_unicast_peers != b->n_unicast_peers)
		return false;
	for (i = 0; i < a->n_unicast_peers; i++)
		if (!ipaddr_equal(&a->unicast_peers[i], &b->unicast_peers[i]))
			return false;
	return true;
}

bool config_instance_same_identity(const struct instance_config *a, const struct instance_config *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->interface, b->interface) == 0 &&
	       a->vrid == b->vrid && a->version == b->version &&
	       config_instance_has_family(a, AF_INET) == config_instance_has_family(b, AF_INET) &&
	       config_instance_has_family(a, AF_INET6) == config_instance_has_family(b, AF_INET6) &&
	       (a->n_unicast_peers == 0) == (b->n_unicast_peers == 0);
}

bool config_instance_equal(const struct instance_config *a, const struct instance_config *b)
{
	return config_instance_same_identity(a, b) && a->priority == b->priority &&
	       a->advert_interval_cs == b->advert_interval_cs && a->preempt == b->preempt &&
	       a->preempt_delay == b->preempt_delay && vips_eq(a, b) &&
	       strcmp(a->vip_interface, b->vip_interface) == 0 &&
	       ipaddr_equal(&a->unicast_source, &b->unicast_source) && peers_eq(a, b) &&
	       a->unicast_ttl_min == b->unicast_ttl_min &&
	       a->auth_type == b->auth_type && strcmp(a->auth_password, b->auth_password) == 0 &&
	       a->v3_checksum == b->v3_checksum && a->garp_count == b->garp_count &&
	       a->garp_interval == b->garp_interval && a->garp_refresh == b->garp_refresh &&
	       strv_eq(a->track_checks, a->n_track_checks, b->track_checks, b->n_track_checks) &&
	       strv_eq(a->track_interfaces, a->n_track_interfaces, b->track_interfaces,
		       b->n_track_interfaces) &&
	       str_eq(a->notify, b->notify);
}

bool config_check_equal(const struct check_config *a, const struct check_config *b)
{
	return strcmp(a->name, b->name) == 0 && a->type == b->type && str_eq(a->target, b->target) &&
	       a->interval == b->interval && a->timeout == b->timeout && a->rise == b->rise &&
	       a->fall == b->fall && a->weight == b->weight && a->initial_up == b->initial_up &&
	       str_eq(a->ca_file, b->ca_file) && str_eq(a->server_name, b->server_name) &&
	       a->insecure == b->insecure && str_eq(a->client_cert, b->client_cert) &&
	       str_eq(a->client_key, b->client_key) && strv_eq(a->env, a->n_env, b->env, b->n_env);
}

/* Append "what" to buf (comma separated). */
static void note(char *buf, size_t len, size_t *used, const char *what)
{
	if (*used >= len)
		return;
	*used += (size_t)snprintf(buf + *used, len - *used, "%s%s", *used ? ", " : "", what);
}

static void note_vips(const struct instance_config *a, const struct instance_config *b, char *buf,
		      size_t len, size_t *used)
{
	char one[IPADDR_STRLEN + 8], text[IPADDR_STRLEN];
	size_t i;

	for (i = 0; i < b->n_vips; i++)
		if (!prefix_in(&b->vips[i], a->vips, a->n_vips)) {
			snprintf(one, sizeof(one), "VIP +%s", ipprefix_str(&b->vips[i], text));
			note(buf, len, used, one);
		}
	for (i = 0; i < a->n_vips; i++)
		if (!prefix_in(&a->vips[i], b->vips, b->n_vips)) {
			snprintf(one, sizeof(one), "VIP -%s", ipprefix_str(&a->vips[i], text));
			note(buf, len, used, one);
		}
}

void config_instance_describe_change(const struct instance_config *a,
				     const struct instance_config *b, char *buf, size_t len)
{
	char one[64];
	size_t used = 0;

	buf[0] = '\0';
	if (a->priority != b->priority) {
		snprintf(one, sizeof(one), "priority %u -> %u", a->priority, b->priority);
		note(buf, len, &used, one);
	}
	if (a->advert_interval_cs != b->advert_interval_cs) {
		snprintf(one, sizeof(one), "advert_interval %.2f -> %.2f s",
			 a->advert_interval_cs / 100.0, b->advert_interval_cs / 100.0);
		note(buf, len, &used, one);
	}
	if (a->preempt != b->preempt || a->preempt_delay != b->preempt_delay)
		note(buf, len, &used, "preempt");
	note_vips(a, b, buf, len, &used);
	if (strcmp(a->vip_interface, b->vip_interface) != 0) {
		snprintf(one, sizeof(one), "vip_interface '%s' -> '%s'",
			 a->vip_interface[0] ? a->vip_interface : a->interface,
			 b->vip_interface[0] ? b->vip_interface : b->interface);
		note(buf, len, &used, one);
	}
	if (!ipaddr_equal(&a->unicast_source, &b->unicast_source) || !peers_eq(a, b) ||
	    a->unicast_ttl_min != b->unicast_ttl_min)
		note(buf, len, &used, "unicast");
	if (a->auth_type != b->auth_type || strcmp(a->auth_password, b->auth_password) != 0)
		note(buf, len, &used, "auth");
	if (!strv_eq(a->track_checks, a->n_track_checks, b->track_checks, b->n_track_checks))
		note(buf, len, &used, "track_checks");
	if (!strv_eq(a->track_interfaces, a->n_track_interfaces, b->track_interfaces,
		     b->n_track_interfaces))
		note(buf, len, &used, "track_interfaces");
	if (!str_eq(a->notify, b->notify))
		note(buf, len, &used, "notify");
	if (used == 0)
		note(buf, len, &used, "announcement settings");
}
