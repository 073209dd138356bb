/* The VRRP state machine of RFC 9568 section 6.4, plus Fault. Pure: it takes
 * an event and the current time and returns the actions the caller must carry
 * out (send an advert, add or remove VIPs, announce). It never does I/O and
 * never reads a clock: every time comes in through the event. */
#ifndef VIPD_VRRP_FSM_H
#define VIPD_VRRP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipaddr.h"
#include "timeutil.h"

enum vrrp_state {
	VRRP_STATE_INIT = 0,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
	VRRP_STATE__COUNT
};

/* "Initialize", "Backup", "Master", "Fault". */
const char *vrrp_state_name(enum vrrp_state state);

/* Settings that do not change while the router runs. */
struct vrrp_fsm_config {
	uint8_t version;          /* 2 or 3: v2 does not learn the master's interval */
	uint16_t adver_interval_cs; /* our Advertisement_Interval, centiseconds */
	bool preempt;             /* Preempt_Mode */
	usec_t preempt_delay;     /* hold off a preempting takeover for this long after start-up */
	struct ip_addr primary;   /* our primary address: the tie-break and own-packet test */
};

/* Why a state changed: carried by the STATE action, logged, shown in status
 * and passed to notify hooks. */
enum vrrp_reason {
	VRRP_REASON_NONE = 0,
	VRRP_REASON_STARTUP,         /* Initialize -> Backup at start */
	VRRP_REASON_OWNER,           /* priority 255: the address owner */
	VRRP_REASON_MASTER_DOWN,     /* no advert for .elapsed */
	VRRP_REASON_MASTER_RESIGNED, /* priority 0 from .adv_src, then Skew_Time */
	VRRP_REASON_PREEMPT,         /* the Master's .adv_priority is lower than ours */
	VRRP_REASON_HIGHER_PRIORITY, /* .adv_priority from .adv_src beats ours */
	VRRP_REASON_HIGHER_ADDRESS,  /* equal priority, .adv_src is higher */
	VRRP_REASON_RESIGNED,        /* our priority fell: .old_priority -> .new_priority */
	VRRP_REASON_FAULT,
	VRRP_REASON_FAULT_CLEARED,
	VRRP_REASON_SHUTDOWN,
	VRRP_REASON_DRAIN,           /* the operator drained the node */
	VRRP_REASON__COUNT
};

struct vrrp_why {
	enum vrrp_reason reason;
	uint8_t adv_priority;
	struct ip_addr adv_src;
	usec_t elapsed;              /* MASTER_DOWN: since the last advert (or since Backup) */
	uint8_t old_priority, new_priority; /* RESIGNED */
};

struct vrrp_fsm {
	struct vrrp_fsm_config cfg;
	enum vrrp_state state;
	uint8_t priority;            /* effective priority now (1..255) */
	uint16_t master_adver_interval_cs; /* Master_Adver_Interval (learned, v3) */
	usec_t started_at;           /* time of the Startup event, for preempt_delay */
	usec_t master_down_at;       /* Master_Down_Timer deadline, 0 = not running */
	usec_t adver_at;             /* Adver_Timer deadline, 0 = not running */
	bool fault;                  /* a fault holds the router in Fault */
	bool drained;                /* out of the election while another master is up */
	usec_t heard_at;             /* last accepted advert (or entry into Backup) */
	uint8_t heard_priority;      /* its priority */
	struct ip_addr master;       /* the current master as last heard (us when Master) */
	struct vrrp_why why;         /* for the next state change */
	unsigned transitions[VRRP_STATE__COUNT]; /* entries into each state */
};

enum vrrp_event_type {
	VRRP_EV_STARTUP,     /* begin: Initialize -> Master (255) or Backup */
	VRRP_EV_SHUTDOWN,    /* stop: a Master sends priority 0 and drops its VIPs */
	VRRP_EV_ADVERT,      /* a valid advertisement for our VRID was received */
	VRRP_EV_TIMER,       /* now >= vrrp_fsm_next_deadline() */
	VRRP_EV_FAULT,       /* a tracked interface went down / weight-0 check failed */
	VRRP_EV_FAULT_CLEAR, /* every fault has cleared */
	VRRP_EV_PRIORITY,    /* the effective priority changed (health checks) */
	VRRP_EV_DRAIN,       /* the operator: give the VIPs away, stay out while a master is up */
	VRRP_EV_RESUME,      /* end a drain */
};

struct vrrp_fsm_event {
	enum vrrp_event_type type;
	usec_t now;
	/* VRRP_EV_ADVERT: */
	uint8_t adv_priority;
	uint16_t adv_interval_cs;
	struct ip_addr adv_src;      /* the sender's primary address (IP source) */
	/* VRRP_EV_PRIORITY: */
	uint8_t new_priority;
	bool configured;             /* the operator changed it (reload): a Master keeps
					the role and advertises it, never resigns */
};

enum vrrp_action_type {
	VRRP_ACT_SEND_ADVERT,  /* send an advertisement with .priority */
	VRRP_ACT_ADD_VIPS,     /* put the VIPs on the interface */
	VRRP_ACT_DEL_VIPS,     /* remove the VIPs */
	VRRP_ACT_ANNOUNCE,     /* gratuitous ARP / unsolicited NA burst for the VIPs */
	VRRP_ACT_STATE,        /* the state changed from .from to .to (log, count, notify) */
};

struct vrrp_action {
	enum vrrp_action_type type;
	uint8_t priority;            /* SEND_ADVERT */
	enum vrrp_state from, to;    /* STATE */
	struct vrrp_why why;         /* STATE */
};

#define VRRP_MAX_ACTIONS 8

struct vrrp_actions {
	unsigned count;
	struct vrrp_action list[VRRP_MAX_ACTIONS];
};

/* "no advert", "higher priority", ...: a short name for metrics and JSON. */
const char *vrrp_reason_name(enum vrrp_reason reason);

/* The reason as one human line, e.g. "higher priority 120 from 192.0.2.12"
 * or "no advert for 3.61 s"; returns buf. */
const char *vrrp_why_format(const struct vrrp_why *why, char *buf, size_t len);

/* The priority we advertise and elect with: 1 while drained. */
uint8_t vrrp_fsm_election_priority(const struct vrrp_fsm *fsm);

/* Set up a router in Initialize with its settings and base priority. */
void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *cfg, uint8_t priority);

/* Feed one event; the actions to carry out, in order, are written to *out
 * (which is reset first). */
void vrrp_fsm_handle(struct vrrp_fsm *fsm, const struct vrrp_fsm_event *ev,
		     struct vrrp_actions *out);

/* The earliest running timer's deadline, or 0 when none runs. */
usec_t vrrp_fsm_next_deadline(const struct vrrp_fsm *fsm);

/* Skew_Time for a priority and Master_Adver_Interval (both in microseconds out):
 * ((256 - priority) * interval) / 256. */
usec_t vrrp_fsm_skew_time(uint8_t priority, uint16_t master_adver_interval_cs);

/* Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. */
usec_t vrrp_fsm_master_down_interval(uint8_t priority, uint16_t master_adver_interval_cs);

#endif
