/* What the kernel says about the interfaces vipd uses: link state, MAC and
 * addresses, kept current from netlink events and shared by every router.
 * Pure: no I/O. Questions are answered from memory; changes are reported to
 * the watchers they concern, once per batch of events (iface_table_commit). */
#ifndef VIPD_IFACE_TABLE_H
#define VIPD_IFACE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"
#include "netlink.h"

struct iface_table;

/* A watcher is embedded in its owner; cb means "the answer may have
 * changed: ask again". Unwatch before freeing the owner. */
struct iface_watch {
	void (*cb)(void *arg);
	void *arg;
	struct iface_watch *next;
	struct iface_watch **pprev;
	void *home;       /* what it watches (table-internal) */
	const char *name; /* a name watch: the interface name awaited */
	bool pending;     /* a name watch: a link of that name appeared */
};

/* Told when a VIP its owner claimed has left the interface. */
typedef void (*iface_vip_gone_fn)(void *arg, const struct ip_addr *addr);

/* Fill the table for one interface (link and addresses, through
 * iface_table_apply); called when an interface starts being tracked and on
 * iface_table_reload. Returns 0, or -1 when the kernel could not be asked. */
typedef int (*iface_load_fn)(void *arg, struct iface_table *t, int ifindex);

struct iface_table *iface_table_new(iface_load_fn load, void *arg);
void iface_table_free(struct iface_table *t);

void iface_watch_init(struct iface_watch *w, void (*cb)(void *arg), void *arg);

/* Track an interface (counted); the first track loads it. 0, or -1 when the
 * load failed (the interface is tracked all the same: reload later). */
int iface_table_track(struct iface_table *t, int ifindex);
void iface_table_untrack(struct iface_table *t, int ifindex);
bool iface_table_tracks(const struct iface_table *t, int ifindex);

/* Feed one event (for an untracked interface: ignored, but for a new link
 * whose name is watched). A deleted interface stays tracked, link down and
 * gone, until it is untracked. */
void iface_table_apply(struct iface_table *t, const struct netlink_event *ev);

/* Report what the events since the last commit changed: links first, then
 * source addresses, then claimed VIPs that left, then awaited names. */
void iface_table_commit(struct iface_table *t);

/* After lost events (ENOBUFS): load every tracked interface again, treat
 * what the load did not show as gone, then commit. 0, or -1 if a load failed. */
int iface_table_reload(struct iface_table *t);

/* Answers (false / -1 for an untracked interface). */
bool iface_table_link_up(const struct iface_table *t, int ifindex);
bool iface_table_link_gone(const struct iface_table *t, int ifindex);
int iface_table_mac(const struct iface_table *t, int ifindex, uint8_t mac[6]);
bool iface_table_has_addr(const struct iface_table *t, int ifindex, const struct ip_addr *addr);

/* The source address for adverts: the first primary (non-secondary) IPv4
 * address, or the first usable (not tentative, not dadfailed) IPv6
 * link-local address, that no router claimed as a VIP. 0 or -1. */
int iface_table_source(struct iface_table *t, int ifindex, sa_family_t family,
		       struct ip_addr *out);

/* Watch a tracked interface's link state, its source address of a family,
 * or one address (present or not). */
void iface_table_watch_link(struct iface_table *t, int ifindex, struct iface_watch *w);
void iface_table_watch_source(struct iface_table *t, int ifindex, sa_family_t family,
			      struct iface_watch *w);
int iface_table_watch_addr(struct iface_table *t, int ifindex, const struct ip_addr *addr,
			   struct iface_watch *w);
void iface_table_unwatch(struct iface_table *t, struct iface_watch *w);

/* Watch for a link called name (a string that outlives the watch) to appear
 * on an interface not tracked or gone: RTM_NEWLINK, a rename, or an
 * iface_table_reload (events may have been lost). cb is called at commit;
 * the owner looks the name up again. Unwatch with iface_table_unwatch. */
void iface_table_watch_name(struct iface_table *t, const char *name, struct iface_watch *w);

/* Whether any name is watched: new links of every interface are wanted. */
bool iface_table_awaits_names(const struct iface_table *t);

/* Claim addr on ifindex as a VIP: it is never taken as the source address,
 * and gone(arg) is called when it leaves. -1 if claimed already (or no
 * memory). Release ends a claim made with the same arg (others' stay). */
int iface_table_claim_vip(struct iface_table *t, int ifindex, const struct ip_addr *addr,
			  iface_vip_gone_fn gone, void *arg);
void iface_table_release_vip(struct iface_table *t, int ifindex, const struct ip_addr *addr,
			     void *arg);

#endif
