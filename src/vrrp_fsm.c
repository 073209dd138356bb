/* The VRRP state machine (RFC 9568 section 6.4, RFC 3768 for v2), plus Fault.
 * Pure: every time comes from the event, every effect is an action. */
#include "vrrp_fsm.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[VRRP_STATE__COUNT] = {
	[VRRP_STATE_INIT] = "Initialize",
	[VRRP_STATE_BACKUP] = "Backup",
	[VRRP_STATE_MASTER] = "Master",
	[VRRP_STATE_FAULT] = "Fault",
};

const char *vrrp_state_name(enum vrrp_state state)
{
	if ((unsigned)state >= VRRP_STATE__COUNT)
		return "?";
	return state_names[state];
}

static const char *const reason_names[VRRP_REASON__COUNT] = {
	[VRRP_REASON_NONE] = "none",
	[VRRP_REASON_STARTUP] = "startup",
	[VRRP_REASON_OWNER] = "address_owner",
	[VRRP_REASON_MASTER_DOWN] = "master_down",
	[VRRP_REASON_MASTER_RESIGNED] = "master_resigned",
	[VRRP_REASON_PREEMPT] = "preempt",
	[VRRP_REASON_HIGHER_PRIORITY] = "higher_priority",
	[VRRP_REASON_HIGHER_ADDRESS] = "higher_address",
	[VRRP_REASON_RESIGNED] = "resigned",
	[VRRP_REASON_FAULT] = "fault",
	[VRRP_REASON_FAULT_CLEARED] = "fault_cleared",
	[VRRP_REASON_SHUTDOWN] = "shutdown",
	[VRRP_REASON_DRAIN] = "drain",
};

const char *vrrp_reason_name(enum vrrp_reason reason)
{
	if ((unsigned)reason >= VRRP_REASON__COUNT)
		return "?";
	return reason_names[reason];
}

const char *vrrp_why_format(const struct vrrp_why *w, char *buf, size_t len)
{
	char a[IPADDR_STRLEN];

	ipaddr_str(&w->adv_src, a);
	switch (w->reason) {
	case VRRP_REASON_MASTER_DOWN:
		snprintf(buf, len, "no advert for %lld.%02lld s", (long long)(w->elapsed / USEC_PER_SEC),
			 (long long)(w->elapsed % USEC_PER_SEC / USEC_PER_CSEC));
		break;
	case VRRP_REASON_MASTER_RESIGNED:
		snprintf(buf, len, "master %s resigned (priority 0)", a);
		break;
	case VRRP_REASON_PREEMPT:
		snprintf(buf, len, "preempting master %s at lower priority %u", a, w->adv_priority);
		break;
	case VRRP_REASON_HIGHER_PRIORITY:
		snprintf(buf, len, "higher priority %u from %s", w->adv_priority, a);
		break;
	case VRRP_REASON_HIGHER_ADDRESS:
		snprintf(buf, len, "equal priority %u from higher address %s", w->adv_priority, a);
		break;
	case VRRP_REASON_RESIGNED:
		snprintf(buf, len, "resigned: priority %u -> %u", w->old_priority, w->new_priority);
		break;
	case VRRP_REASON_OWNER:
		snprintf(buf, len, "address owner (priority 255)");
		break;
	case VRRP_REASON_FAULT_CLEARED:
		snprintf(buf, len, "fault cleared");
		break;
	case VRRP_REASON_DRAIN:
		snprintf(buf, len, "drained by the operator");
		break;
	default:
		snprintf(buf, len, "%s", vrrp_reason_name(w->reason));
		break;
	}
	return buf;
}

uint8_t vrrp_fsm_election_priority(const struct vrrp_fsm *fsm)
{
	return fsm->drained ? 1 : fsm->priority;
}

static bool preempting(const struct vrrp_fsm *fsm)
{
	return fsm->cfg.preempt && !fsm->drained;
}

/* Say why the next state change happens. */
static void because(struct vrrp_fsm *fsm, enum vrrp_reason reason)
{
	memset(&fsm->why, 0, sizeof(fsm->why));
	fsm->why.reason = reason;
}

static void because_advert(struct vrrp_fsm *fsm, enum vrrp_reason reason,
			   const struct vrrp_fsm_event *ev)
{
	because(fsm, reason);
	fsm->why.adv_priority = ev->adv_priority;
	fsm->why.adv_src = ev->adv_src;
}

usec_t vrrp_fsm_skew_time(uint8_t priority, uint16_t master_adver_interval_cs)
{
	return (usec_t)(256 - priority) * master_adver_interval_cs * USEC_PER_CSEC / 256;
}

usec_t vrrp_fsm_master_down_interval(uint8_t priority, uint16_t master_adver_interval_cs)
{
	return 3 * (usec_t)master_adver_interval_cs * USEC_PER_CSEC +
	       vrrp_fsm_skew_time(priority, master_adver_interval_cs);
}

/* v2 (RFC 3768): Skew_Time = (256 - Priority) / 256 seconds, whatever the interval. */
static usec_t skew_time(const struct vrrp_fsm *fsm)
{
	uint8_t priority = vrrp_fsm_election_priority(fsm);

	if (fsm->cfg.version == 2)
		return (usec_t)(256 - priority) * USEC_PER_SEC / 256;
	return vrrp_fsm_skew_time(priority, fsm->master_adver_interval_cs);
}

static usec_t master_down_interval(const struct vrrp_fsm *fsm)
{
	return 3 * (usec_t)fsm->master_adver_interval_cs * USEC_PER_CSEC + skew_time(fsm);
}

static usec_t adver_interval(const struct vrrp_fsm *fsm)
{
	return (usec_t)fsm->cfg.adver_interval_cs * USEC_PER_CSEC;
}

/* A deadline of 0 means "not running", so a real one is never 0. */
static usec_t deadline(usec_t now, usec_t after)
{
	usec_t at = now + after;

	return at != 0 ? at : 1;
}

void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *cfg, uint8_t priority)
{
	memset(fsm, 0, sizeof(*fsm));
	fsm->cfg = *cfg;
	fsm->state = VRRP_STATE_INIT;
	fsm->priority = priority;
	fsm->master_adver_interval_cs = cfg->adver_interval_cs;
}

usec_t vrrp_fsm_next_deadline(const struct vrrp_fsm *fsm)
{
	usec_t a = fsm->master_down_at, b = fsm->adver_at;

	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

/* --- actions ------------------------------------------------------------ */

static struct vrrp_action *push(struct vrrp_actions *out, enum vrrp_action_type type)
{
	struct vrrp_action *a;

	if (out->count >= VRRP_MAX_ACTIONS)
		return NULL; /* cannot happen: no event emits more than four */
	a = &out->list[out->count++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

static void push_advert(struct vrrp_actions *out, uint8_t priority)
{
	struct vrrp_action *a = push(out, VRRP_ACT_SEND_ADVERT);

	if (a)
		a->priority = priority;
}

/* The one place a state changes: emit STATE, count the entry. */
static void change_state(struct vrrp_fsm *fsm, enum vrrp_state to, struct vrrp_actions *out)
{
	struct vrrp_action *a;

	if (fsm->state == to)
		return;
	a = push(out, VRRP_ACT_STATE);
	if (a) {
		a->from = fsm->state;
		a->to = to;
		a->why = fsm->why;
	}
	because(fsm, VRRP_REASON_NONE);
	fsm->state = to;
	fsm->transitions[to]++;
}

/* --- transitions -------------------------------------------------------- */

static void become_master(struct vrrp_fsm *fsm, usec_t now, struct vrrp_actions *out)
{
	fsm->master = fsm->cfg.primary;
	push_advert(out, vrrp_fsm_election_priority(fsm));
	push(out, VRRP_ACT_ADD_VIPS);
	push(out, VRRP_ACT_ANNOUNCE);
	fsm->master_adver_interval_cs = fsm->cfg.adver_interval_cs;
	fsm->master_down_at = 0;
	fsm->adver_at = deadline(now, adver_interval(fsm));
	change_state(fsm, VRRP_STATE_MASTER, out);
}

/* Master_Down_Timer = Master_Down_Interval with the current Master_Adver_Interval. */
static void become_backup(struct vrrp_fsm *fsm, usec_t now, struct vrrp_actions *out)
{
	fsm->adver_at = 0;
	fsm->master_down_at = deadline(now, master_down_interval(fsm));
	if (fsm->state != VRRP_STATE_BACKUP) {
		fsm->heard_at = now;
		fsm->heard_priority = 0;
		if (fsm->state != VRRP_STATE_MASTER)
			fsm->master.family = AF_UNSPEC;
	}
	change_state(fsm, VRRP_STATE_BACKUP, out);
}

/* What Initialize does (Startup, or a fault clearing). */
static void initialize(struct vrrp_fsm *fsm, usec_t now, struct vrrp_actions *out)
{
	fsm->master_adver_interval_cs = fsm->cfg.adver_interval_cs;
	if (vrrp_fsm_election_priority(fsm) == 255) {
		because(fsm, VRRP_REASON_OWNER);
		become_master(fsm, now, out);
	} else {
		become_backup(fsm, now, out);
	}
}

/* Priority 0 so the backups take over after Skew_Time, then drop the VIPs. */
static void leave_master(struct vrrp_fsm *fsm, struct vrrp_actions *out)
{
	if (fsm->state != VRRP_STATE_MASTER)
		return;
	push_advert(out, 0);
	push(out, VRRP_ACT_DEL_VIPS);
	fsm->master.family = AF_UNSPEC; /* whoever takes over will say */
}

static void stop_timers(struct vrrp_fsm *fsm)
{
	fsm->master_down_at = 0;
	fsm->adver_at = 0;
}

/* --- events ------------------------------------------------------------- */

static void on_startup(struct vrrp_fsm *fsm, usec_t now, struct vrrp_actions *out)
{
	if (fsm->state != VRRP_STATE_INIT)
		return;
	fsm->started_at = now;
	if (fsm->fault) {
		stop_timers(fsm);
		because(fsm, VRRP_REASON_FAULT);
		change_state(fsm, VRRP_STATE_FAULT, out);
		return;
	}
	because(fsm, VRRP_REASON_STARTUP);
	initialize(fsm, now, out);
}

static void on_shutdown(struct vrrp_fsm *fsm, struct vrrp_actions *out)
{
	leave_master(fsm, out);
	stop_timers(fsm);
	because(fsm, VRRP_REASON_SHUTDOWN);
	change_state(fsm, VRRP_STATE_INIT, out);
}

static void on_fault(struct vrrp_fsm *fsm, struct vrrp_actions *out)
{
	fsm->fault = true;
	if (fsm->state == VRRP_STATE_INIT || fsm->state == VRRP_STATE_FAULT)
		return; /* Init: Startup will enter Fault while the flag holds */
	leave_master(fsm, out);
	stop_timers(fsm);
	fsm->master.family = AF_UNSPEC;
	because(fsm, VRRP_REASON_FAULT);
	change_state(fsm, VRRP_STATE_FAULT, out);
}

static void on_fault_clear(struct vrrp_fsm *fsm, usec_t now, struct vrrp_actions *out)
{
	fsm->fault = false;
	if (fsm->state == VRRP_STATE_FAULT) {
		because(fsm, VRRP_REASON_FAULT_CLEARED);
		initialize(fsm, now, out);
	}
}

static bool in_preempt_delay(const struct vrrp_fsm *fsm, usec_t now)
{
	return fsm->cfg.preempt_delay > 0 && now < fsm->started_at + fsm->cfg.preempt_delay;
}

/* v3 Backups (and a stepping-down Master) adopt the sender's interval. */
static void learn_interval(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	if (fsm->cfg.version != 2 && ev->adv_interval_cs != 0)
		fsm->master_adver_interval_cs = ev->adv_interval_cs;
}

static void backup_advert(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	if (ev->adv_priority == 0) {
		fsm->master_down_at = deadline(ev->now, skew_time(fsm));
		return;
	}
	if (ev->adv_priority >= vrrp_fsm_election_priority(fsm) || !preempting(fsm) ||
	    in_preempt_delay(fsm, ev->now)) {
		learn_interval(fsm, ev);
		fsm->master_down_at = deadline(ev->now, master_down_interval(fsm));
	}
	/* else: lower priority, preempting: the timer runs out and we take over */
}

/* The sender wins on higher priority, or equal priority and higher address. */
static bool sender_wins(const struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev)
{
	uint8_t ours = vrrp_fsm_election_priority(fsm);

	if (ev->adv_priority != ours)
		return ev->adv_priority > ours;
	return ipaddr_cmp(&ev->adv_src, &fsm->cfg.primary) > 0;
}

static void master_advert(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev,
			  struct vrrp_actions *out)
{
	if (ev->adv_priority == 0) {
		push_advert(out, vrrp_fsm_election_priority(fsm));
		fsm->adver_at = deadline(ev->now, adver_interval(fsm));
		return;
	}
	if (sender_wins(fsm, ev)) {
		because_advert(fsm,
			       ev->adv_priority == vrrp_fsm_election_priority(fsm)
				       ? VRRP_REASON_HIGHER_ADDRESS
				       : VRRP_REASON_HIGHER_PRIORITY,
			       ev);
		fsm->master = ev->adv_src;
		/* One last advert of ours: if this was a split brain, the winner
		 * hears that another Master existed and announces again, so clients
		 * that followed our announcements come back to it. */
		push_advert(out, vrrp_fsm_election_priority(fsm));
		push(out, VRRP_ACT_DEL_VIPS);
		learn_interval(fsm, ev);
		become_backup(fsm, ev->now, out);
		return;
	}
	/* Split brain ended and we won: tell the loser, and re-claim the VIPs. */
	push_advert(out, vrrp_fsm_election_priority(fsm));
	push(out, VRRP_ACT_ANNOUNCE);
	fsm->adver_at = deadline(ev->now, adver_interval(fsm));
}

static void on_advert(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev,
		      struct vrrp_actions *out)
{
	if (ipaddr_equal(&ev->adv_src, &fsm->cfg.primary))
		return; /* our own advertisement */
	if (fsm->state == VRRP_STATE_BACKUP) {
		fsm->heard_at = ev->now;
		fsm->heard_priority = ev->adv_priority;
		fsm->why.adv_src = ev->adv_src;
		if (ev->adv_priority > 0)
			fsm->master = ev->adv_src;
		backup_advert(fsm, ev);
	}
	else if (fsm->state == VRRP_STATE_MASTER)
		master_advert(fsm, ev, out);
}

/* Next Adver_Timer from the previous deadline, so sends do not drift; resync
 * to now when the loop fell more than one interval behind. */
static void master_timer(struct vrrp_fsm *fsm, usec_t now, struct vrrp_actions *out)
{
	usec_t next = fsm->adver_at + adver_interval(fsm);

	push_advert(out, vrrp_fsm_election_priority(fsm));
	fsm->adver_at = next > now ? next : deadline(now, adver_interval(fsm));
}

/* Why a Backup's timer ran out: the master went quiet, resigned, or is
 * lower than us and we preempt. */
static void because_timeout(struct vrrp_fsm *fsm, usec_t now)
{
	struct ip_addr src = fsm->why.adv_src;
	bool recent = now - fsm->heard_at < master_down_interval(fsm);

	if (recent && fsm->heard_priority == 0 && src.family != AF_UNSPEC) {
		because(fsm, VRRP_REASON_MASTER_RESIGNED);
	} else if (recent && fsm->heard_priority > 0) {
		because(fsm, VRRP_REASON_PREEMPT);
		fsm->why.adv_priority = fsm->heard_priority;
	} else {
		because(fsm, VRRP_REASON_MASTER_DOWN);
		fsm->why.elapsed = now - fsm->heard_at;
	}
	fsm->why.adv_src = src;
}

static void on_timer(struct vrrp_fsm *fsm, usec_t now, struct vrrp_actions *out)
{
	if (fsm->state == VRRP_STATE_BACKUP && fsm->master_down_at != 0 &&
	    now >= fsm->master_down_at) {
		because_timeout(fsm, now);
		become_master(fsm, now, out);
	}
	else if (fsm->state == VRRP_STATE_MASTER && fsm->adver_at != 0 && now >= fsm->adver_at)
		master_timer(fsm, now, out);
}

/* A Master whose priority fell resigns (priority 0, Backup) so the healthiest
 * Backup takes over after its Skew_Time; one whose priority rose says so. */
static void on_priority(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev,
			struct vrrp_actions *out)
{
	uint8_t old = fsm->priority;

	if (old == 255 || ev->new_priority == 0 || ev->new_priority == 255 ||
	    ev->new_priority == old)
		return;
	fsm->priority = ev->new_priority;
	if (fsm->state != VRRP_STATE_MASTER || fsm->drained)
		return;
	if (ev->new_priority > old || ev->configured) {
		push_advert(out, fsm->priority);
		return;
	}
	leave_master(fsm, out);
	because(fsm, VRRP_REASON_RESIGNED);
	fsm->why.old_priority = old;
	fsm->why.new_priority = ev->new_priority;
	become_backup(fsm, ev->now, out);
}

/* Drain: a Master resigns at once; the router then elects with priority 1
 * and never preempts, so it holds the VIPs only while nobody else will. */
static void on_drain(struct vrrp_fsm *fsm, usec_t now, struct vrrp_actions *out)
{
	if (fsm->drained)
		return;
	fsm->drained = true;
	if (fsm->state == VRRP_STATE_BACKUP)
		fsm->master_down_at = deadline(now, master_down_interval(fsm)); /* last in line */
	if (fsm->state != VRRP_STATE_MASTER)
		return;
	leave_master(fsm, out);
	because(fsm, VRRP_REASON_DRAIN);
	become_backup(fsm, now, out);
}

/* Resume: a Master says its real priority at once; a Backup preempts (if
 * configured) through its timer as usual. */
static void on_resume(struct vrrp_fsm *fsm, usec_t now, struct vrrp_actions *out)
{
	usec_t back;

	if (!fsm->drained)
		return;
	fsm->drained = false;
	if (fsm->state == VRRP_STATE_BACKUP) {
		/* Back in line: the Master_Down_Timer of our own priority. */
		back = deadline(fsm->heard_at, master_down_interval(fsm));
		if (fsm->master_down_at == 0 || back < fsm->master_down_at)
			fsm->master_down_at = back;
	}
	if (fsm->state != VRRP_STATE_MASTER)
		return;
	push_advert(out, fsm->priority);
	fsm->adver_at = deadline(now, adver_interval(fsm));
}

void vrrp_fsm_handle(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev,
		     struct vrrp_actions *out)
{
	out->count = 0;
	switch (ev->type) {
	case VRRP_EV_STARTUP:
		on_startup(fsm, ev->now, out);
		break;
	case VRRP_EV_SHUTDOWN:
		on_shutdown(fsm, out);
		break;
	case VRRP_EV_ADVERT:
		on_advert(fsm, ev, out);
		break;
	case VRRP_EV_TIMER:
		on_timer(fsm, ev->now, out);
		break;
	case VRRP_EV_FAULT:
		on_fault(fsm, out);
		break;
	case VRRP_EV_FAULT_CLEAR:
		on_fault_clear(fsm, ev->now, out);
		break;
	case VRRP_EV_PRIORITY:
		on_priority(fsm, ev, out);
		break;
	case VRRP_EV_DRAIN:
		on_drain(fsm, ev->now, out);
		break;
	case VRRP_EV_RESUME:
		on_resume(fsm, ev->now, out);
		break;
	}
}
