/* The interface table: links and addresses as the kernel last reported them.
 * Addresses live in one hash table keyed by (ifindex, address); each tracked
 * interface also keeps its present addresses in kernel order, for the choice
 * of a source address. Changes are marked dirty and reported at commit. */
#include "iface_table.h"

#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>

#define IFACE_FAMILIES 2 /* index 0: IPv4, 1: IPv6 */
#define IFACE_MIN_BUCKETS 64

struct iface_addr {
	struct ip_addr addr;
	int ifindex;
	uint32_t flags;
	bool present;
	bool reported_present; /* what the watchers were last told */
	bool stale;            /* during a reload: not seen again yet */
	bool dirty;            /* on the table's dirty list */
	struct iface_addr *hash_next;
	struct iface_addr *order_prev, *order_next;
	struct iface_addr *dirty_next;
	iface_vip_gone_fn gone; /* set while a router claims it */
	void *gone_arg;
	struct iface_watch *watchers;
};

/* The source address of one family: as computed now (lazily, after a
 * change) and as its watchers were last told. AF_UNSPEC: none. */
struct iface_source {
	struct ip_addr current;
	bool current_valid;
	struct ip_addr reported;
	struct iface_watch *watchers;
};

struct iface {
	int ifindex;
	unsigned refs;
	bool up;
	bool reported_up;
	bool gone; /* RTM_DELLINK seen */
	bool reported_gone;
	bool have_mac;
	uint8_t mac[6];
	struct iface_addr *first, *last; /* present addresses, kernel order */
	struct iface_source source[IFACE_FAMILIES];
	struct iface_watch *link_watchers;
};

struct iface_table {
	struct iface **ifaces;
	size_t n_ifaces, cap_ifaces;
	struct iface_addr **buckets;
	size_t n_buckets, n_addrs;
	struct iface_addr *dirty;
	struct iface_watch *name_watchers;
	bool names_pending;
	iface_load_fn load;
	void *load_arg;
};

/* ---- watcher lists ------------------------------------------------------- */

void iface_watch_init(struct iface_watch *w, void (*cb)(void *arg), void *arg)
{
	memset(w, 0, sizeof(*w));
	w->cb = cb;
	w->arg = arg;
}

static void watch_link_in(struct iface_watch **head, struct iface_watch *w, void *home)
{
	w->next = *head;
	if (*head)
		(*head)->pprev = &w->next;
	*head = w;
	w->pprev = head;
	w->home = home;
}

static void watch_unlink(struct iface_watch *w)
{
	if (!w->pprev)
		return;
	*w->pprev = w->next;
	if (w->next)
		w->next->pprev = w->pprev;
	w->next = NULL;
	w->pprev = NULL;
	w->home = NULL;
}

/* Call every watcher on the list; each may unwatch itself in its callback. */
static void watch_notify(struct iface_watch *head)
{
	struct iface_watch *w = head, *next;

	for (; w; w = next) {
		next = w->next;
		w->cb(w->arg);
	}
}

/* ---- interfaces ---------------------------------------------------------- */

static int family_index(sa_family_t family)
{
	if (family == AF_INET)
		return 0;
	if (family == AF_INET6)
		return 1;
	return -1;
}

static struct iface *iface_find(const struct iface_table *t, int ifindex)
{
	size_t i;

	for (i = 0; i < t->n_ifaces; i++)
		if (t->ifaces[i]->ifindex == ifindex)
			return t->ifaces[i];
	return NULL;
}

static struct iface *iface_add(struct iface_table *t, int ifindex)
{
	struct iface *ifc;

	if (t->n_ifaces == t->cap_ifaces) {
		size_t cap = t->cap_ifaces ? t->cap_ifaces * 2 : 4;
		struct iface **grown = realloc(t->ifaces, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		t->ifaces = grown;
		t->cap_ifaces = cap;
	}
	ifc = calloc(1, sizeof(*ifc));
	if (!ifc)
		return NULL;
	ifc->ifindex = ifindex;
	t->ifaces[t->n_ifaces++] = ifc;
	return ifc;
}

/* ---- the address hash ---------------------------------------------------- */

static size_t addr_hash(int ifindex, const struct ip_addr *a)
{
	const uint8_t *p = (const uint8_t *)&a->u;
	size_t n = ipaddr_family_len(a->family);
	uint32_t h = 2166136261u ^ (uint32_t)ifindex;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static struct iface_addr **addr_slot(const struct iface_table *t, int ifindex,
				     const struct ip_addr *a)
{
	struct iface_addr **slot = &t->buckets[addr_hash(ifindex, a) & (t->n_buckets - 1)];

	while (*slot && ((*slot)->ifindex != ifindex || !ipaddr_equal(&(*slot)->addr, a)))
		slot = &(*slot)->hash_next;
	return slot;
}

static struct iface_addr *addr_find(const struct iface_table *t, int ifindex,
				    const struct ip_addr *a)
{
	return t->n_buckets ? *addr_slot(t, ifindex, a) : NULL;
}

static int addr_rehash(struct iface_table *t, size_t n_buckets)
{
	struct iface_addr **old = t->buckets;
	size_t old_n = t->n_buckets, i;

	t->buckets = calloc(n_buckets, sizeof(*t->buckets));
	if (!t->buckets) {
		t->buckets = old;
		return -1;
	}
	t->n_buckets = n_buckets;
	for (i = 0; i < old_n; i++) {
		struct iface_addr *e = old[i], *next;

		for (; e; e = next) {
			size_t b = addr_hash(e->ifindex, &e->addr) & (n_buckets - 1);

			next = e->hash_next;
			e->hash_next = t->buckets[b];
			t->buckets[b] = e;
		}
	}
	free(old);
	return 0;
}

static struct iface_addr *addr_get(struct iface_table *t, int ifindex, const struct ip_addr *a)
{
	struct iface_addr *e = addr_find(t, ifindex, a);

	if (e)
		return e;
	if (t->n_addrs + 1 > t->n_buckets &&
	    addr_rehash(t, t->n_buckets ? t->n_buckets * 2 : IFACE_MIN_BUCKETS) < 0 &&
	    t->n_buckets == 0)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->addr = *a;
	e->ifindex = ifindex;
	e->hash_next = NULL;
	*addr_slot(t, ifindex, a) = e;
	t->n_addrs++;
	return e;
}

/* Free an entry nobody needs any more: absent, unclaimed, unwatched, and not
 * waiting to be reported. */
static void addr_maybe_free(struct iface_table *t, struct iface_addr *e)
{
	struct iface_addr **slot;

	if (e->present || e->gone || e->watchers || e->dirty)
		return;
	slot = addr_slot(t, e->ifindex, &e->addr);
	*slot = e->hash_next;
	t->n_addrs--;
	free(e);
}

static void addr_mark_dirty(struct iface_table *t, struct iface_addr *e)
{
	if (e->dirty)
		return;
	e->dirty = true;
	e->dirty_next = t->dirty;
	t->dirty = e;
}

/* An unclaimed address of the family changed: the source may have too. */
static void source_touch(struct iface *ifc, const struct iface_addr *e)
{
	int f = family_index(e->addr.family);

	if (f >= 0 && !e->gone)
		ifc->source[f].current_valid = false;
}

/* ---- the present list (kernel order) -------------------------------------- */

static void order_append(struct iface *ifc, struct iface_addr *e)
{
	e->order_next = NULL;
	e->order_prev = ifc->last;
	if (ifc->last)
		ifc->last->order_next = e;
	else
		ifc->first = e;
	ifc->last = e;
}

static void order_remove(struct iface *ifc, struct iface_addr *e)
{
	if (e->order_prev)
		e->order_prev->order_next = e->order_next;
	else
		ifc->first = e->order_next;
	if (e->order_next)
		e->order_next->order_prev = e->order_prev;
	else
		ifc->last = e->order_prev;
	e->order_prev = e->order_next = NULL;
}

/* ---- feeding --------------------------------------------------------------- */

static void apply_link(struct iface *ifc, const struct netlink_event *ev)
{
	ifc->gone = ev->deleted;
	ifc->up = ev->up;
	if (ev->has_mac) {
		memcpy(ifc->mac, ev->mac, sizeof(ifc->mac));
		ifc->have_mac = true;
	}
}

static void apply_addr_add(struct iface_table *t, struct iface *ifc,
			   const struct netlink_event *ev)
{
	struct iface_addr *e = addr_get(t, ifc->ifindex, &ev->addr);

	if (!e)
		return; /* out of memory: a reload will notice */
	e->stale = false;
	if (e->present && e->flags == ev->addr_flags)
		return;
	e->flags = ev->addr_flags;
	if (!e->present) {
		e->present = true;
		order_append(ifc, e);
	}
	source_touch(ifc, e);
	addr_mark_dirty(t, e);
}

static void addr_set_absent(struct iface_table *t, struct iface *ifc, struct iface_addr *e)
{
	e->present = false;
	e->stale = false;
	order_remove(ifc, e);
	source_touch(ifc, e);
	addr_mark_dirty(t, e);
}

static void apply_addr_del(struct iface_table *t, struct iface *ifc,
			   const struct netlink_event *ev)
{
	struct iface_addr *e = addr_find(t, ifc->ifindex, &ev->addr);

	if (e && e->present)
		addr_set_absent(t, ifc, e);
}

/* A link called name appeared: mark the watches awaiting it. */
static void names_match(struct iface_table *t, const char *name)
{
	struct iface_watch *w;

	for (w = t->name_watchers; w; w = w->next) {
		if (strcmp(w->name, name) != 0)
			continue;
		w->pending = true;
		t->names_pending = true;
	}
}

void iface_table_apply(struct iface_table *t, const struct netlink_event *ev)
{
	struct iface *ifc = iface_find(t, ev->ifindex);

	if (ev->kind == NETLINK_EV_LINK && !ev->deleted && ev->ifname[0] && (!ifc || ifc->gone))
		names_match(t, ev->ifname);
	if (!ifc)
		return;
	switch (ev->kind) {
	case NETLINK_EV_LINK:
		apply_link(ifc, ev);
		break;
	case NETLINK_EV_ADDR_ADD:
		apply_addr_add(t, ifc, ev);
		break;
	case NETLINK_EV_ADDR_DEL:
		apply_addr_del(t, ifc, ev);
		break;
	}
}

/* ---- answers --------------------------------------------------------------- */

bool iface_table_link_up(const struct iface_table *t, int ifindex)
{
	const struct iface *ifc = iface_find(t, ifindex);

	return ifc && ifc->up;
}

bool iface_table_link_gone(const struct iface_table *t, int ifindex)
{
	const struct iface *ifc = iface_find(t, ifindex);

	return ifc && ifc->gone;
}

int iface_table_mac(const struct iface_table *t, int ifindex, uint8_t mac[6])
{
	const struct iface *ifc = iface_find(t, ifindex);

	if (!ifc || !ifc->have_mac)
		return -1;
	memcpy(mac, ifc->mac, 6);
	return 0;
}

bool iface_table_has_addr(const struct iface_table *t, int ifindex, const struct ip_addr *addr)
{
	const struct iface_addr *e = addr_find(t, ifindex, addr);

	return e && e->present;
}

static bool source_usable(const struct iface_addr *e, sa_family_t family)
{
	if (e->addr.family != family || e->gone)
		return false;
	if (family == AF_INET)
		return !(e->flags & IFA_F_SECONDARY);
	return ipaddr_is_v6_linklocal(&e->addr) &&
	       !(e->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED));
}

static struct ip_addr source_compute(const struct iface *ifc, sa_family_t family)
{
	struct ip_addr none = { .family = AF_UNSPEC };
	const struct iface_addr *e;

	for (e = ifc->first; e; e = e->order_next)
		if (source_usable(e, family))
			return e->addr;
	return none;
}

static const struct ip_addr *source_current(struct iface *ifc, int f)
{
	static const sa_family_t families[IFACE_FAMILIES] = { AF_INET, AF_INET6 };
	struct iface_source *s = &ifc->source[f];

	if (!s->current_valid) {
		s->current = source_compute(ifc, families[f]);
		s->current_valid = true;
	}
	return &s->current;
}

int iface_table_source(struct iface_table *t, int ifindex, sa_family_t family,
		       struct ip_addr *out)
{
	struct iface *ifc = iface_find(t, ifindex);
	int f = family_index(family);

	if (!ifc || f < 0 || source_current(ifc, f)->family == AF_UNSPEC)
		return -1;
	*out = ifc->source[f].current;
	return 0;
}

/* ---- commit ---------------------------------------------------------------- */

static void commit_links(struct iface_table *t)
{
	size_t i;

	for (i = 0; i < t->n_ifaces; i++) {
		struct iface *ifc = t->ifaces[i];

		if (ifc->up == ifc->reported_up && ifc->gone == ifc->reported_gone)
			continue;
		ifc->reported_up = ifc->up;
		ifc->reported_gone = ifc->gone;
		watch_notify(ifc->link_watchers);
	}
}

static void commit_sources(struct iface_table *t)
{
	size_t i;
	int f;

	for (i = 0; i < t->n_ifaces; i++) {
		struct iface *ifc = t->ifaces[i];

		for (f = 0; f < IFACE_FAMILIES; f++) {
			struct iface_source *s = &ifc->source[f];

			if (ipaddr_equal(source_current(ifc, f), &s->reported))
				continue;
			s->reported = s->current;
			watch_notify(s->watchers);
		}
	}
}

static void commit_addr(struct iface_table *t, struct iface_addr *e)
{
	e->dirty = false;
	if (e->present != e->reported_present) {
		struct ip_addr addr = e->addr;

		e->reported_present = e->present;
		watch_notify(e->watchers);
		if (!e->present && e->gone)
			e->gone(e->gone_arg, &addr);
	}
	addr_maybe_free(t, e);
}

static void commit_addrs(struct iface_table *t)
{
	struct iface_addr *e, *next;

	/* Detach first: callbacks may mark more addresses, for the next commit. */
	e = t->dirty;
	t->dirty = NULL;
	for (; e; e = next) {
		next = e->dirty_next;
		commit_addr(t, e);
	}
}

static void commit_names(struct iface_table *t)
{
	struct iface_watch *w, *next;

	if (!t->names_pending)
		return;
	t->names_pending = false;
	for (w = t->name_watchers; w; w = next) {
		next = w->next;
		if (!w->pending)
			continue;
		w->pending = false;
		w->cb(w->arg);
	}
}

void iface_table_commit(struct iface_table *t)
{
	commit_links(t);
	commit_sources(t);
	commit_addrs(t);
	commit_names(t);
}

/* ---- tracking and reloads -------------------------------------------------- */

static int iface_load(struct iface_table *t, struct iface *ifc)
{
	return t->load ? t->load(t->load_arg, t, ifc->ifindex) : 0;
}

/* Mark what the interface has as stale; the load clears what it sees. */
static void reload_begin(struct iface *ifc)
{
	struct iface_addr *e;

	for (e = ifc->first; e; e = e->order_next)
		e->stale = true;
}

static void reload_end(struct iface_table *t, struct iface *ifc)
{
	struct iface_addr *e = ifc->first, *next;

	for (; e; e = next) {
		next = e->order_next;
		if (e->stale)
			addr_set_absent(t, ifc, e);
	}
}

/* Lost events may have hidden the return of an awaited name. */
static void names_all_pending(struct iface_table *t)
{
	struct iface_watch *w;

	for (w = t->name_watchers; w; w = w->next)
		w->pending = true;
	t->names_pending = t->name_watchers != NULL;
}

int iface_table_reload(struct iface_table *t)
{
	int rc = 0;
	size_t i;

	names_all_pending(t);
	for (i = 0; i < t->n_ifaces; i++) {
		struct iface *ifc = t->ifaces[i];

		reload_begin(ifc);
		if (iface_load(t, ifc) < 0) {
			rc = -1;
			continue; /* keep what we had rather than drop everything */
		}
		reload_end(t, ifc);
	}
	iface_table_commit(t);
	return rc;
}

int iface_table_track(struct iface_table *t, int ifindex)
{
	struct iface *ifc = iface_find(t, ifindex);
	int rc;

	if (ifc) {
		ifc->refs++;
		return 0;
	}
	ifc = iface_add(t, ifindex);
	if (!ifc)
		return -1;
	ifc->refs = 1;
	rc = iface_load(t, ifc);
	ifc->reported_up = ifc->up; /* nobody watched it before */
	ifc->reported_gone = ifc->gone;
	iface_table_commit(t);
	return rc;
}

static void iface_drop_addrs(struct iface_table *t, struct iface *ifc)
{
	struct iface_addr *e = ifc->first, *next;

	for (; e; e = next) {
		next = e->order_next;
		e->present = false;
		e->order_prev = e->order_next = NULL;
		addr_maybe_free(t, e);
	}
	ifc->first = ifc->last = NULL;
}

void iface_table_untrack(struct iface_table *t, int ifindex)
{
	struct iface *ifc = iface_find(t, ifindex);
	size_t i;

	if (!ifc || --ifc->refs > 0)
		return;
	iface_drop_addrs(t, ifc);
	for (i = 0; i < t->n_ifaces; i++) {
		if (t->ifaces[i] == ifc) {
			t->ifaces[i] = t->ifaces[--t->n_ifaces];
			break;
		}
	}
	free(ifc);
}

bool iface_table_tracks(const struct iface_table *t, int ifindex)
{
	return iface_find(t, ifindex) != NULL;
}

/* ---- watching and claiming -------------------------------------------------- */

void iface_table_watch_link(struct iface_table *t, int ifindex, struct iface_watch *w)
{
	struct iface *ifc = iface_find(t, ifindex);

	if (ifc)
		watch_link_in(&ifc->link_watchers, w, NULL);
}

void iface_table_watch_source(struct iface_table *t, int ifindex, sa_family_t family,
			      struct iface_watch *w)
{
	struct iface *ifc = iface_find(t, ifindex);
	int f = family_index(family);

	if (ifc && f >= 0)
		watch_link_in(&ifc->source[f].watchers, w, NULL);
}

int iface_table_watch_addr(struct iface_table *t, int ifindex, const struct ip_addr *addr,
			   struct iface_watch *w)
{
	struct iface_addr *e = addr_get(t, ifindex, addr);

	if (!e)
		return -1;
	watch_link_in(&e->watchers, w, e);
	return 0;
}

void iface_table_watch_name(struct iface_table *t, const char *name, struct iface_watch *w)
{
	w->name = name;
	w->pending = false;
	watch_link_in(&t->name_watchers, w, NULL);
}

bool iface_table_awaits_names(const struct iface_table *t)
{
	return t->name_watchers != NULL;
}

void iface_table_unwatch(struct iface_table *t, struct iface_watch *w)
{
	struct iface_addr *e = w->home;

	watch_unlink(w);
	if (e)
		addr_maybe_free(t, e);
}

/* A claim changes which addresses may be the source. */
static void claim_touch(struct iface_table *t, int ifindex, struct iface_addr *e)
{
	struct iface *ifc = iface_find(t, ifindex);
	int f = family_index(e->addr.family);

	if (ifc && f >= 0 && e->present)
		ifc->source[f].current_valid = false;
}

int iface_table_claim_vip(struct iface_table *t, int ifindex, const struct ip_addr *addr,
			  iface_vip_gone_fn gone, void *arg)
{
	struct iface_addr *e = addr_get(t, ifindex, addr);

	if (!e || e->gone)
		return -1;
	e->gone = gone;
	e->gone_arg = arg;
	claim_touch(t, ifindex, e);
	return 0;
}

void iface_table_release_vip(struct iface_table *t, int ifindex, const struct ip_addr *addr,
			     void *arg)
{
	struct iface_addr *e = addr_find(t, ifindex, addr);

	if (!e || !e->gone || e->gone_arg != arg)
		return;
	e->gone = NULL;
	e->gone_arg = NULL;
	claim_touch(t, ifindex, e);
	addr_maybe_free(t, e);
}

/* ---- life cycle --------------------------------------------------------------- */

struct iface_table *iface_table_new(iface_load_fn load, void *arg)
{
	struct iface_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->load = load;
	t->load_arg = arg;
	return t;
}

void iface_table_free(struct iface_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n_buckets; i++) {
		struct iface_addr *e = t->buckets[i], *next;

		for (; e; e = next) {
			next = e->hash_next;
			free(e);
		}
	}
	for (i = 0; i < t->n_ifaces; i++)
		free(t->ifaces[i]);
	free(t->buckets);
	free(t->ifaces);
	free(t);
}
