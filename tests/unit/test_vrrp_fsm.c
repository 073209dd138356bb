/* Unit tests for vrrp_fsm: one test per rule of RFC 9568 section 6.4 and
 * conformance.md "Timers" / "State machine", plus a three-router simulation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vrrp_fsm.h"

#define T0 ((usec_t)5000000) /* an arbitrary start time, 5 s after boot */
#define SEC USEC_PER_SEC
/* prio 100, 100 cs: skew 156/256 s, Master_Down_Interval 3 s + skew */
#define SKEW100 ((usec_t)609375)
#define MDI100 ((usec_t)3609375)

/* --- helpers ------------------------------------------------------------ */

static struct ip_addr v4(const char *text)
{
	struct ip_addr a;

	assert_int_equal(ipaddr_parse(text, &a), 0);
	return a;
}

static struct vrrp_fsm_config cfg_v3(const char *primary)
{
	struct vrrp_fsm_config c;

	memset(&c, 0, sizeof(c));
	c.version = 3;
	c.adver_interval_cs = 100;
	c.preempt = true;
	c.primary = v4(primary);
	return c;
}

static struct vrrp_actions acts;

static void feed(struct vrrp_fsm *f, enum vrrp_event_type type, usec_t now)
{
	struct vrrp_fsm_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.now = now;
	vrrp_fsm_handle(f, &ev, &acts);
}

static void advert(struct vrrp_fsm *f, usec_t now, uint8_t prio, uint16_t interval_cs,
		   const char *src)
{
	struct vrrp_fsm_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = VRRP_EV_ADVERT;
	ev.now = now;
	ev.adv_priority = prio;
	ev.adv_interval_cs = interval_cs;
	ev.adv_src = v4(src);
	vrrp_fsm_handle(f, &ev, &acts);
}

static void set_priority(struct vrrp_fsm *f, usec_t now, uint8_t prio)
{
	struct vrrp_fsm_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = VRRP_EV_PRIORITY;
	ev.now = now;
	ev.new_priority = prio;
	vrrp_fsm_handle(f, &ev, &acts);
}

/* A v3 router (primary 192.0.2.1, 1 s, preempt) started at T0. */
static void start(struct vrrp_fsm *f, uint8_t prio)
{
	struct vrrp_fsm_config c = cfg_v3("192.0.2.1");

	vrrp_fsm_init(f, &c, prio);
	feed(f, VRRP_EV_STARTUP, T0);
}

/* A router that has just become Master at time *at (T0 + MDI100). */
static void start_master(struct vrrp_fsm *f, usec_t *at)
{
	start(f, 100);
	*at = T0 + MDI100;
	feed(f, VRRP_EV_TIMER, *at);
	assert_int_equal(f->state, VRRP_STATE_MASTER);
}

static void expect_advert(unsigned i, uint8_t prio)
{
	assert_true(i < acts.count);
	assert_int_equal(acts.list[i].type, VRRP_ACT_SEND_ADVERT);
	assert_int_equal(acts.list[i].priority, prio);
}

static void expect_type(unsigned i, enum vrrp_action_type type)
{
	assert_true(i < acts.count);
	assert_int_equal(acts.list[i].type, type);
}

static void expect_state(unsigned i, enum vrrp_state from, enum vrrp_state to)
{
	expect_type(i, VRRP_ACT_STATE);
	assert_int_equal(acts.list[i].from, from);
	assert_int_equal(acts.list[i].to, to);
}

/* SEND_ADVERT(prio), ADD_VIPS, ANNOUNCE, STATE(from -> Master). */
static void expect_enter_master(uint8_t prio, enum vrrp_state from)
{
	assert_int_equal(acts.count, 4);
	expect_advert(0, prio);
	expect_type(1, VRRP_ACT_ADD_VIPS);
	expect_type(2, VRRP_ACT_ANNOUNCE);
	expect_state(3, from, VRRP_STATE_MASTER);
}

/* --- Timers ------------------------------------------------------------- */

static void skew_time_formula_values(void **state)
{
	(void)state;
	assert_int_equal(vrrp_fsm_skew_time(100, 100), 609375);
	assert_int_equal(vrrp_fsm_skew_time(255, 1), 39);     /* 10000/256 */
	assert_int_equal(vrrp_fsm_skew_time(255, 100), 3906); /* 1 s / 256 */
	assert_int_equal(vrrp_fsm_skew_time(1, 100), 996093); /* 255 s / 256 */
	assert_int_equal(vrrp_fsm_skew_time(101, 100), 605468);
	assert_int_equal(vrrp_fsm_skew_time(200, 4095), 8957812);
}

static void master_down_interval_formula(void **state)
{
	(void)state;
	assert_int_equal(vrrp_fsm_master_down_interval(100, 100), MDI100);
	assert_int_equal(vrrp_fsm_master_down_interval(255, 1), 30000 + 39);
	assert_int_equal(vrrp_fsm_master_down_interval(50, 200), 6 * SEC + 1609375);
}

static void v2_skew_time_ignores_interval(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = cfg_v3("192.0.2.1");

	(void)state;
	c.version = 2;
	c.adver_interval_cs = 300; /* 3 s */
	vrrp_fsm_init(&f, &c, 100);
	feed(&f, VRRP_EV_STARTUP, T0);
	/* v2: 3 * 3 s + (256 - 100) / 256 s, not 156/256 of 3 s */
	assert_int_equal(f.master_down_at, T0 + 9 * SEC + SKEW100);
	advert(&f, T0 + SEC, 0, 300, "192.0.2.9");
	assert_int_equal(f.master_down_at, T0 + SEC + SKEW100);
}

static void next_deadline_is_earliest_running_timer(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = cfg_v3("192.0.2.1");

	(void)state;
	vrrp_fsm_init(&f, &c, 100);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
	f.master_down_at = 500;
	assert_int_equal(vrrp_fsm_next_deadline(&f), 500);
	f.adver_at = 300;
	assert_int_equal(vrrp_fsm_next_deadline(&f), 300);
	f.master_down_at = 0;
	assert_int_equal(vrrp_fsm_next_deadline(&f), 300);
}

/* --- Initialize ---------------------------------------------------------- */

static void init_priority255_becomes_master(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 255);
	expect_enter_master(255, VRRP_STATE_INIT);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.adver_at, T0 + SEC);
	assert_int_equal(f.master_down_at, 0);
	assert_int_equal(f.started_at, T0);
}

static void init_becomes_backup_with_master_down_interval(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 100);
	assert_int_equal(acts.count, 1);
	expect_state(0, VRRP_STATE_INIT, VRRP_STATE_BACKUP);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.master_adver_interval_cs, 100);
	assert_int_equal(f.master_down_at, T0 + MDI100);
	assert_int_equal(f.adver_at, 0);
	assert_int_equal(f.started_at, T0);
}

static void init_fault_before_startup_enters_fault(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = cfg_v3("192.0.2.1");

	(void)state;
	vrrp_fsm_init(&f, &c, 100);
	feed(&f, VRRP_EV_FAULT, T0 - 10);
	assert_int_equal(acts.count, 0);
	assert_true(f.fault);
	feed(&f, VRRP_EV_STARTUP, T0);
	assert_int_equal(acts.count, 1);
	expect_state(0, VRRP_STATE_INIT, VRRP_STATE_FAULT);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
	feed(&f, VRRP_EV_FAULT_CLEAR, T0 + SEC);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.master_down_at, T0 + SEC + MDI100);
}

static void init_fault_clear_before_startup_only_clears_flag(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = cfg_v3("192.0.2.1");

	(void)state;
	vrrp_fsm_init(&f, &c, 100);
	feed(&f, VRRP_EV_FAULT, T0);
	feed(&f, VRRP_EV_FAULT_CLEAR, T0 + 1);
	assert_int_equal(acts.count, 0);
	assert_false(f.fault);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	feed(&f, VRRP_EV_STARTUP, T0 + 2);
	expect_state(0, VRRP_STATE_INIT, VRRP_STATE_BACKUP);
}

static void init_ignores_adverts_and_timers(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = cfg_v3("192.0.2.1");

	(void)state;
	vrrp_fsm_init(&f, &c, 100);
	advert(&f, T0, 200, 100, "192.0.2.9");
	assert_int_equal(acts.count, 0);
	feed(&f, VRRP_EV_TIMER, T0);
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
}

/* --- Backup -------------------------------------------------------------- */

static void backup_timer_fires_becomes_master_sends_adds_announces(void **state)
{
	struct vrrp_fsm f;
	usec_t at = T0 + MDI100 + 7; /* the loop woke a little late */

	(void)state;
	start(&f, 100);
	feed(&f, VRRP_EV_TIMER, at);
	expect_enter_master(100, VRRP_STATE_BACKUP);
	assert_int_equal(f.adver_at, at + SEC);
	assert_int_equal(f.master_down_at, 0);
}

static void backup_timer_early_does_nothing(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 100);
	feed(&f, VRRP_EV_TIMER, T0 + MDI100 - 1);
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

static void backup_priority0_sets_skew_timer(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 100);
	advert(&f, T0 + SEC, 0, 100, "192.0.2.9");
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.master_down_at, T0 + SEC + SKEW100);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

static void backup_higher_priority_resets_master_down(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 100);
	advert(&f, T0 + 2 * SEC, 150, 100, "192.0.2.9");
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.master_down_at, T0 + 2 * SEC + MDI100);
}

static void backup_equal_priority_resets_master_down(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 100);
	advert(&f, T0 + 2 * SEC, 100, 100, "192.0.2.0"); /* even from a lower address */
	assert_int_equal(f.master_down_at, T0 + 2 * SEC + MDI100);
}

static void backup_learns_master_adver_interval_v3(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 100);
	advert(&f, T0 + SEC, 150, 200, "192.0.2.9");
	assert_int_equal(f.master_adver_interval_cs, 200);
	/* 3 * 2 s + 156/256 * 2 s */
	assert_int_equal(f.master_down_at, T0 + SEC + 6 * SEC + 1218750);
	/* Skew_Time from priority 0 also uses the learned interval */
	advert(&f, T0 + 2 * SEC, 0, 200, "192.0.2.9");
	assert_int_equal(f.master_down_at, T0 + 2 * SEC + 1218750);
}

static void backup_v2_does_not_learn_interval(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = cfg_v3("192.0.2.1");

	(void)state;
	c.version = 2;
	vrrp_fsm_init(&f, &c, 100);
	feed(&f, VRRP_EV_STARTUP, T0);
	advert(&f, T0 + SEC, 150, 200, "192.0.2.9");
	assert_int_equal(f.master_adver_interval_cs, 100);
	assert_int_equal(f.master_down_at, T0 + SEC + MDI100);
}

static void backup_lower_priority_preempt_ignored(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 100);
	advert(&f, T0 + SEC, 50, 200, "192.0.2.9");
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.master_down_at, T0 + MDI100); /* still running */
	assert_int_equal(f.master_adver_interval_cs, 100); /* not learned */
	feed(&f, VRRP_EV_TIMER, T0 + MDI100);
	expect_enter_master(100, VRRP_STATE_BACKUP);
}

static void backup_lower_priority_no_preempt_resets_timer(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = cfg_v3("192.0.2.1");

	(void)state;
	c.preempt = false;
	vrrp_fsm_init(&f, &c, 100);
	feed(&f, VRRP_EV_STARTUP, T0);
	advert(&f, T0 + 3 * SEC, 50, 100, "192.0.2.9");
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.master_down_at, T0 + 3 * SEC + MDI100);
	feed(&f, VRRP_EV_TIMER, T0 + MDI100);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

static void backup_preempt_delay_holds_takeover(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = cfg_v3("192.0.2.1");

	(void)state;
	c.preempt_delay = 10 * SEC;
	vrrp_fsm_init(&f, &c, 100);
	feed(&f, VRRP_EV_STARTUP, T0);
	/* within the delay a lower-priority Master is accepted */
	advert(&f, T0 + 9 * SEC, 50, 100, "192.0.2.9");
	assert_int_equal(f.master_down_at, T0 + 9 * SEC + MDI100);
	feed(&f, VRRP_EV_TIMER, T0 + 9 * SEC + MDI100 - 1);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	/* after it, it is ignored and our timer takes over */
	advert(&f, T0 + 10 * SEC, 50, 100, "192.0.2.9");
	assert_int_equal(f.master_down_at, T0 + 9 * SEC + MDI100);
	feed(&f, VRRP_EV_TIMER, T0 + 9 * SEC + MDI100);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

/* --- Master -------------------------------------------------------------- */

static void master_adver_timer_sends_from_previous_deadline(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	feed(&f, VRRP_EV_TIMER, at + SEC + 300); /* woke 300 us late */
	assert_int_equal(acts.count, 1);
	expect_advert(0, 100);
	assert_int_equal(f.adver_at, at + 2 * SEC);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void master_adver_timer_resyncs_when_far_behind(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	feed(&f, VRRP_EV_TIMER, at + 3 * SEC + 500); /* two intervals missed */
	expect_advert(0, 100);
	assert_int_equal(f.adver_at, at + 4 * SEC + 500);
}

static void master_adver_timer_early_does_nothing(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	feed(&f, VRRP_EV_TIMER, at + SEC - 1);
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.adver_at, at + SEC);
}

static void master_priority0_sends_at_once(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	advert(&f, at + 400000, 0, 100, "192.0.2.9");
	assert_int_equal(acts.count, 1);
	expect_advert(0, 100);
	assert_int_equal(f.adver_at, at + 400000 + SEC);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void master_higher_priority_steps_down(void **state)
{
	struct vrrp_fsm f;
	usec_t at, now;

	(void)state;
	start_master(&f, &at);
	now = at + 100;
	advert(&f, now, 101, 200, "192.0.2.0");
	assert_int_equal(acts.count, 3);
	expect_advert(0, 100); /* a last advert: a split-brain winner hears of us */
	expect_type(1, VRRP_ACT_DEL_VIPS);
	expect_state(2, VRRP_STATE_MASTER, VRRP_STATE_BACKUP);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.adver_at, 0);
	assert_int_equal(f.master_adver_interval_cs, 200); /* learned */
	assert_int_equal(f.master_down_at, now + 6 * SEC + 1218750);
}

static void master_equal_priority_higher_address_steps_down(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	advert(&f, at + 100, 100, 100, "192.0.2.2");
	expect_advert(0, 100);
	expect_type(1, VRRP_ACT_DEL_VIPS);
	expect_state(2, VRRP_STATE_MASTER, VRRP_STATE_BACKUP);
	assert_int_equal(f.master_down_at, at + 100 + MDI100);
}

/* Split brain ends: the loser steps down with one last advert, and the
 * winner, hearing a lower Master, advertises and announces again, so clients
 * that followed the loser's announcements come back. */
static void split_brain_loser_tells_winner_who_announces_again(void **state)
{
	struct vrrp_fsm loser, winner;
	usec_t at_l, at_w;
	struct vrrp_fsm_config c = cfg_v3("192.0.2.9");

	(void)state;
	start_master(&loser, &at_l); /* 100, 192.0.2.1 */
	vrrp_fsm_init(&winner, &c, 150);
	feed(&winner, VRRP_EV_STARTUP, T0);
	at_w = T0 + vrrp_fsm_master_down_interval(150, 100);
	feed(&winner, VRRP_EV_TIMER, at_w);
	assert_int_equal(winner.state, VRRP_STATE_MASTER);
	advert(&loser, at_l + 10, 150, 100, "192.0.2.9");
	expect_advert(0, 100);
	assert_int_equal(loser.state, VRRP_STATE_BACKUP);
	advert(&winner, at_w + 10, acts.list[0].priority, 100, "192.0.2.1");
	assert_int_equal(winner.state, VRRP_STATE_MASTER);
	expect_advert(0, 150);
	expect_type(1, VRRP_ACT_ANNOUNCE);
}

static void master_equal_priority_compare_is_unsigned_network_order(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at); /* we are 192.0.2.1 */
	advert(&f, at + 100, 100, 100, "10.255.255.255");
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	advert(&f, at + 200, 100, 100, "200.0.0.0"); /* > 127: unsigned */
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

static void master_equal_priority_lower_address_keeps_master_and_sends(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	advert(&f, at + 100, 100, 100, "192.0.2.0");
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(acts.count, 2);
	expect_advert(0, 100);
	expect_type(1, VRRP_ACT_ANNOUNCE);
	assert_int_equal(f.adver_at, at + 100 + SEC);
}

static void master_lower_priority_sends_advert_and_announces(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	advert(&f, at + 250, 99, 100, "192.0.2.200");
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(acts.count, 2);
	expect_advert(0, 100);
	expect_type(1, VRRP_ACT_ANNOUNCE);
	assert_int_equal(f.adver_at, at + 250 + SEC);
	assert_int_equal(f.transitions[VRRP_STATE_MASTER], 1);
}

static void own_advert_ignored(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start(&f, 100);
	advert(&f, T0 + SEC, 0, 100, "192.0.2.1");
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.master_down_at, T0 + MDI100);
	start_master(&f, &at);
	advert(&f, at + 10, 0, 100, "192.0.2.1");
	assert_int_equal(acts.count, 0);
	advert(&f, at + 20, 200, 100, "192.0.2.1");
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(f.adver_at, at + SEC);
}

/* --- Fault ----------------------------------------------------------------- */

static void fault_from_master_sends_priority0_and_removes_vips(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	feed(&f, VRRP_EV_FAULT, at + 10);
	assert_int_equal(acts.count, 3);
	expect_advert(0, 0);
	expect_type(1, VRRP_ACT_DEL_VIPS);
	expect_state(2, VRRP_STATE_MASTER, VRRP_STATE_FAULT);
	assert_true(f.fault);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
}

static void fault_from_backup_stops_timers(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 100);
	feed(&f, VRRP_EV_FAULT, T0 + 10);
	assert_int_equal(acts.count, 1);
	expect_state(0, VRRP_STATE_BACKUP, VRRP_STATE_FAULT);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
	feed(&f, VRRP_EV_FAULT, T0 + 20); /* already in Fault: nothing */
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.transitions[VRRP_STATE_FAULT], 1);
}

static void fault_holds_ignores_adverts(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 100);
	feed(&f, VRRP_EV_FAULT, T0 + 10);
	advert(&f, T0 + 20, 0, 100, "192.0.2.9");
	assert_int_equal(acts.count, 0);
	advert(&f, T0 + 30, 50, 100, "192.0.2.9");
	assert_int_equal(acts.count, 0);
	feed(&f, VRRP_EV_TIMER, T0 + 100 * SEC);
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.state, VRRP_STATE_FAULT);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
}

static void fault_clear_returns_to_backup(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	feed(&f, VRRP_EV_FAULT, at + 10);
	feed(&f, VRRP_EV_FAULT_CLEAR, at + 5 * SEC);
	assert_int_equal(acts.count, 1);
	expect_state(0, VRRP_STATE_FAULT, VRRP_STATE_BACKUP);
	assert_false(f.fault);
	assert_int_equal(f.master_down_at, at + 5 * SEC + MDI100);
	assert_int_equal(f.adver_at, 0);
}

static void fault_clear_priority255_returns_to_master(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 255);
	feed(&f, VRRP_EV_FAULT, T0 + 10);
	feed(&f, VRRP_EV_FAULT_CLEAR, T0 + SEC);
	expect_enter_master(255, VRRP_STATE_FAULT);
	assert_int_equal(f.adver_at, T0 + 2 * SEC);
}

/* --- Shutdown --------------------------------------------------------------- */

static void shutdown_master_sends_priority0_then_removes_vips(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	feed(&f, VRRP_EV_SHUTDOWN, at + 10);
	assert_int_equal(acts.count, 3);
	expect_advert(0, 0);
	expect_type(1, VRRP_ACT_DEL_VIPS);
	expect_state(2, VRRP_STATE_MASTER, VRRP_STATE_INIT);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
}

static void shutdown_backup_goes_to_init_silently(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 100);
	feed(&f, VRRP_EV_SHUTDOWN, T0 + 10);
	assert_int_equal(acts.count, 1);
	expect_state(0, VRRP_STATE_BACKUP, VRRP_STATE_INIT);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);
	feed(&f, VRRP_EV_SHUTDOWN, T0 + 20); /* already Init: no STATE */
	assert_int_equal(acts.count, 0);
}

/* --- Priority changes -------------------------------------------------------- */

static void priority_drop_master_resigns_with_priority0(void **state)
{
	struct vrrp_fsm f;
	usec_t at, now;

	(void)state;
	start_master(&f, &at);
	now = at + 300;
	set_priority(&f, now, 98);
	assert_int_equal(acts.count, 3);
	expect_advert(0, 0);
	expect_type(1, VRRP_ACT_DEL_VIPS);
	expect_state(2, VRRP_STATE_MASTER, VRRP_STATE_BACKUP);
	assert_int_equal(f.priority, 98);
	assert_int_equal(f.adver_at, 0);
	assert_int_equal(f.master_down_at, now + vrrp_fsm_master_down_interval(98, 100));
}

static void priority_rise_master_sends_at_once(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	set_priority(&f, at + 300, 102);
	assert_int_equal(acts.count, 1);
	expect_advert(0, 102);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void priority_change_backup_only_updates(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 100);
	set_priority(&f, T0 + SEC, 50);
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.priority, 50);
	assert_int_equal(f.master_down_at, T0 + MDI100); /* until the next advert */
	advert(&f, T0 + 2 * SEC, 60, 100, "192.0.2.9");
	assert_int_equal(f.master_down_at,
			 T0 + 2 * SEC + vrrp_fsm_master_down_interval(50, 100));
}

static void priority_owner_255_never_changes(void **state)
{
	struct vrrp_fsm f;

	(void)state;
	start(&f, 255);
	set_priority(&f, T0 + SEC, 200);
	assert_int_equal(acts.count, 0);
	assert_int_equal(f.priority, 255);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void transitions_counted(void **state)
{
	struct vrrp_fsm f;
	usec_t at;

	(void)state;
	start_master(&f, &at);                        /* Init->Backup->Master */
	advert(&f, at + 10, 200, 100, "192.0.2.9"); /* Master->Backup */
	feed(&f, VRRP_EV_FAULT, at + 20);             /* Backup->Fault */
	feed(&f, VRRP_EV_FAULT_CLEAR, at + 30);       /* Fault->Backup */
	feed(&f, VRRP_EV_SHUTDOWN, at + 40);          /* Backup->Init */
	assert_int_equal(f.transitions[VRRP_STATE_BACKUP], 3);
	assert_int_equal(f.transitions[VRRP_STATE_MASTER], 1);
	assert_int_equal(f.transitions[VRRP_STATE_FAULT], 1);
	assert_int_equal(f.transitions[VRRP_STATE_INIT], 1);
}

static void state_names(void **state)
{
	(void)state;
	assert_string_equal(vrrp_state_name(VRRP_STATE_INIT), "Initialize");
	assert_string_equal(vrrp_state_name(VRRP_STATE_BACKUP), "Backup");
	assert_string_equal(vrrp_state_name(VRRP_STATE_MASTER), "Master");
	assert_string_equal(vrrp_state_name(VRRP_STATE_FAULT), "Fault");
}

/* --- three routers on one simulated link ------------------------------------ */

#define NR 3
#define LATENCY ((usec_t)500)
#define MAXQ 64

struct pkt {
	usec_t at;
	unsigned dst;
	uint8_t prio;
	uint16_t interval_cs;
	struct ip_addr src;
};

struct sim {
	struct vrrp_fsm r[NR];
	struct pkt q[MAXQ];
	unsigned nq;
	usec_t now;
	usec_t master_since[NR]; /* when each last entered Master */
};

static void sim_apply(struct sim *s, unsigned from, const struct vrrp_actions *a)
{
	for (unsigned i = 0; i < a->count; i++) {
		const struct vrrp_action *act = &a->list[i];

		if (act->type == VRRP_ACT_STATE && act->to == VRRP_STATE_MASTER)
			s->master_since[from] = s->now;
		if (act->type != VRRP_ACT_SEND_ADVERT)
			continue;
		for (unsigned j = 0; j < NR; j++) {
			if (j == from)
				continue;
			assert_true(s->nq < MAXQ);
			s->q[s->nq++] = (struct pkt){ s->now + LATENCY, j, act->priority,
						      s->r[from].cfg.adver_interval_cs,
						      s->r[from].cfg.primary };
		}
	}
}

static void sim_event(struct sim *s, unsigned i, enum vrrp_event_type type)
{
	struct vrrp_actions a;
	struct vrrp_fsm_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.now = s->now;
	vrrp_fsm_handle(&s->r[i], &ev, &a);
	sim_apply(s, i, &a);
}

static void sim_deliver(struct sim *s, unsigned k)
{
	struct pkt p = s->q[k];
	struct vrrp_actions a;
	struct vrrp_fsm_event ev;

	s->q[k] = s->q[--s->nq];
	memset(&ev, 0, sizeof(ev));
	ev.type = VRRP_EV_ADVERT;
	ev.now = s->now;
	ev.adv_priority = p.prio;
	ev.adv_interval_cs = p.interval_cs;
	ev.adv_src = p.src;
	vrrp_fsm_handle(&s->r[p.dst], &ev, &a);
	sim_apply(s, p.dst, &a);
}

/* Process events in time order (packets before timers at equal times) until `until`. */
static void sim_run(struct sim *s, usec_t until)
{
	for (;;) {
		usec_t best = until + 1;
		int pkt = -1, timer = -1;

		for (unsigned k = 0; k < s->nq; k++)
			if (s->q[k].at < best) {
				best = s->q[k].at;
				pkt = (int)k;
			}
		for (unsigned i = 0; i < NR; i++) {
			usec_t d = vrrp_fsm_next_deadline(&s->r[i]);

			if (d != 0 && d < best) {
				best = d;
				pkt = -1;
				timer = (int)i;
			}
		}
		if (best > until)
			break;
		assert_true(best >= s->now);
		s->now = best;
		if (pkt >= 0)
			sim_deliver(s, (unsigned)pkt);
		else
			sim_event(s, (unsigned)timer, VRRP_EV_TIMER);
	}
	s->now = until;
}

static unsigned sim_masters(const struct sim *s, int *which)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NR; i++)
		if (s->r[i].state == VRRP_STATE_MASTER) {
			n++;
			*which = (int)i;
		}
	return n;
}

static void three_routers_converge_and_fail_over(void **state)
{
	static const char *const addrs[NR] = { "192.0.2.1", "192.0.2.2", "192.0.2.3" };
	static const uint8_t prios[NR] = { 100, 100, 50 };
	static const usec_t starts[NR] = { 0, 50, 100 }; /* .1 and .2 within LATENCY */
	struct sim s;
	usec_t down;
	int m = -1;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.now = T0;
	for (unsigned i = 0; i < NR; i++) {
		struct vrrp_fsm_config c = cfg_v3(addrs[i]);

		vrrp_fsm_init(&s.r[i], &c, prios[i]);
	}
	for (unsigned i = 0; i < NR; i++) {
		sim_run(&s, T0 + starts[i]);
		sim_event(&s, i, VRRP_EV_STARTUP);
	}
	/* .1 and .2 both time out together (split brain); the higher address wins */
	sim_run(&s, T0 + 10 * SEC);
	assert_int_equal(sim_masters(&s, &m), 1);
	assert_int_equal(m, 1);
	assert_int_equal(s.r[0].transitions[VRRP_STATE_MASTER], 1); /* it bounced once */
	assert_int_equal(s.r[0].state, VRRP_STATE_BACKUP);
	assert_int_equal(s.r[2].transitions[VRRP_STATE_MASTER], 0);

	/* .2 shuts down: its priority 0 makes .1 take over after Skew_Time */
	sim_run(&s, T0 + 20 * SEC + 123);
	down = s.now;
	sim_event(&s, 1, VRRP_EV_SHUTDOWN);
	sim_run(&s, down + 10 * SEC);
	assert_int_equal(s.r[1].state, VRRP_STATE_INIT);
	assert_int_equal(sim_masters(&s, &m), 1);
	assert_int_equal(m, 0);
	assert_in_range(s.master_since[0], down + SKEW100, down + SKEW100 + 2 * LATENCY);
	assert_int_equal(s.r[2].transitions[VRRP_STATE_MASTER], 0);
}

/* --- Drain (planned handover) and transition reasons --------------------- */

static const struct vrrp_action *find_state_action(void)
{
	unsigned i;

	for (i = 0; i < acts.count; i++)
		if (acts.list[i].type == VRRP_ACT_STATE)
			return &acts.list[i];
	return NULL;
}

static void drain_master_resigns_with_priority_zero(void **state)
{
	struct vrrp_fsm f;
	usec_t at;
	const struct vrrp_action *st;

	(void)state;
	start_master(&f, &at);
	feed(&f, VRRP_EV_DRAIN, at + SEC / 2);
	assert_int_equal(acts.count, 3);
	expect_advert(0, 0);
	expect_type(1, VRRP_ACT_DEL_VIPS);
	expect_state(2, VRRP_STATE_MASTER, VRRP_STATE_BACKUP);
	st = find_state_action();
	assert_int_equal(st->why.reason, VRRP_REASON_DRAIN);
	assert_true(f.drained);
	assert_int_equal(vrrp_fsm_election_priority(&f), 1);
}

static void drained_backup_never_preempts_a_lower_master(void **state)
{
	struct vrrp_fsm f;
	usec_t t = T0;
	int i;

	(void)state;
	start(&f, 200);
	feed(&f, VRRP_EV_DRAIN, T0);
	assert_int_equal(acts.count, 0);
	for (i = 0; i < 20; i++) {
		t += SEC;
		advert(&f, t, 50, 100, "192.0.2.9");
		feed(&f, VRRP_EV_TIMER, t);
		assert_int_equal(f.state, VRRP_STATE_BACKUP);
	}
}

static void drained_backup_takes_over_when_no_master_advertises(void **state)
{
	struct vrrp_fsm f;
	const struct vrrp_action *st;

	(void)state;
	start(&f, 200);
	feed(&f, VRRP_EV_DRAIN, T0);
	/* Master_Down_Interval with the election priority 1: 3 s + 255/256 s. */
	feed(&f, VRRP_EV_TIMER, T0 + 3 * SEC + SEC * 255 / 256 - 1);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	feed(&f, VRRP_EV_TIMER, T0 + 3 * SEC + SEC * 255 / 256 + 1);
	expect_enter_master(1, VRRP_STATE_BACKUP);
	st = find_state_action();
	assert_int_equal(st->why.reason, VRRP_REASON_MASTER_DOWN);
}

static void drained_master_yields_to_any_other_master(void **state)
{
	struct vrrp_fsm f;
	usec_t t = T0 + 4 * SEC;

	(void)state;
	start(&f, 200);
	feed(&f, VRRP_EV_DRAIN, T0);
	feed(&f, VRRP_EV_TIMER, t);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	feed(&f, VRRP_EV_TIMER, t + SEC);
	expect_advert(0, 1); /* it advertises priority 1 while drained */
	advert(&f, t + SEC + 1, 20, 100, "192.0.2.9");
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	expect_advert(0, 1);
	expect_type(1, VRRP_ACT_DEL_VIPS);
}

static void resume_master_advertises_real_priority(void **state)
{
	struct vrrp_fsm f;
	usec_t t = T0 + 4 * SEC;

	(void)state;
	start(&f, 200);
	feed(&f, VRRP_EV_DRAIN, T0);
	feed(&f, VRRP_EV_TIMER, t);
	feed(&f, VRRP_EV_RESUME, t + 10);
	assert_int_equal(acts.count, 1);
	expect_advert(0, 200);
	assert_false(f.drained);
}

static void resume_backup_preempts_the_lower_master(void **state)
{
	struct vrrp_fsm f;
	usec_t t = T0;
	const struct vrrp_action *st;

	(void)state;
	start(&f, 200);
	feed(&f, VRRP_EV_DRAIN, T0);
	advert(&f, t + SEC, 100, 100, "192.0.2.9");
	feed(&f, VRRP_EV_RESUME, t + SEC + 1);
	advert(&f, t + 2 * SEC, 100, 100, "192.0.2.9"); /* ignored: lower, we preempt */
	feed(&f, VRRP_EV_TIMER, t + SEC + vrrp_fsm_master_down_interval(200, 100));
	expect_enter_master(200, VRRP_STATE_BACKUP);
	st = find_state_action();
	assert_int_equal(st->why.reason, VRRP_REASON_PREEMPT);
	assert_int_equal(st->why.adv_priority, 100);
}

static void reason_no_advert_gives_the_silence(void **state)
{
	struct vrrp_fsm f;
	const struct vrrp_action *st;
	char buf[128];

	(void)state;
	start(&f, 100);
	advert(&f, T0 + SEC, 150, 100, "192.0.2.9");
	feed(&f, VRRP_EV_TIMER, T0 + SEC + MDI100);
	st = find_state_action();
	assert_int_equal(st->why.reason, VRRP_REASON_MASTER_DOWN);
	assert_int_equal(st->why.elapsed, MDI100);
	assert_string_equal(vrrp_why_format(&st->why, buf, sizeof(buf)), "no advert for 3.60 s");
}

static void reason_master_resigned_names_it(void **state)
{
	struct vrrp_fsm f;
	const struct vrrp_action *st;
	char buf[128];

	(void)state;
	start(&f, 100);
	advert(&f, T0 + SEC, 150, 100, "192.0.2.9");
	advert(&f, T0 + 2 * SEC, 0, 100, "192.0.2.9");
	feed(&f, VRRP_EV_TIMER, T0 + 2 * SEC + SKEW100);
	st = find_state_action();
	assert_int_equal(st->why.reason, VRRP_REASON_MASTER_RESIGNED);
	assert_string_equal(vrrp_why_format(&st->why, buf, sizeof(buf)),
			    "master 192.0.2.9 resigned (priority 0)");
}

static void reason_higher_priority_names_sender(void **state)
{
	struct vrrp_fsm f;
	usec_t at;
	const struct vrrp_action *st;
	char buf[128];

	(void)state;
	start_master(&f, &at);
	advert(&f, at + 10, 120, 100, "192.0.2.12");
	st = find_state_action();
	assert_non_null(st);
	assert_int_equal(st->why.reason, VRRP_REASON_HIGHER_PRIORITY);
	assert_string_equal(vrrp_why_format(&st->why, buf, sizeof(buf)),
			    "higher priority 120 from 192.0.2.12");
	assert_true(ipaddr_equal(&f.master, &st->why.adv_src));
}

static void reason_resigned_gives_both_priorities(void **state)
{
	struct vrrp_fsm f;
	usec_t at;
	const struct vrrp_action *st;
	char buf[128];

	(void)state;
	start_master(&f, &at);
	set_priority(&f, at + 10, 51);
	st = find_state_action();
	assert_int_equal(st->why.reason, VRRP_REASON_RESIGNED);
	assert_string_equal(vrrp_why_format(&st->why, buf, sizeof(buf)),
			    "resigned: priority 100 -> 51");
}

static void configured_priority_drop_keeps_master_and_advertises(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_event ev;
	usec_t at;

	(void)state;
	start_master(&f, &at);
	memset(&ev, 0, sizeof(ev));
	ev.type = VRRP_EV_PRIORITY;
	ev.now = at + 10;
	ev.new_priority = 60;
	ev.configured = true;
	vrrp_fsm_handle(&f, &ev, &acts);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(acts.count, 1);
	expect_advert(0, 60);
}

static void master_address_is_learned_and_ours_when_master(void **state)
{
	struct vrrp_fsm f;
	char buf[IPADDR_STRLEN];

	(void)state;
	start(&f, 100);
	assert_int_equal(f.master.family, AF_UNSPEC);
	advert(&f, T0 + SEC, 150, 100, "192.0.2.9");
	assert_string_equal(ipaddr_str(&f.master, buf), "192.0.2.9");
	feed(&f, VRRP_EV_TIMER, T0 + SEC + MDI100);
	assert_string_equal(ipaddr_str(&f.master, buf), "192.0.2.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(skew_time_formula_values),
		cmocka_unit_test(master_down_interval_formula),
		cmocka_unit_test(v2_skew_time_ignores_interval),
		cmocka_unit_test(next_deadline_is_earliest_running_timer),
		cmocka_unit_test(init_priority255_becomes_master),
		cmocka_unit_test(init_becomes_backup_with_master_down_interval),
		cmocka_unit_test(init_fault_before_startup_enters_fault),
		cmocka_unit_test(init_fault_clear_before_startup_only_clears_flag),
		cmocka_unit_test(init_ignores_adverts_and_timers),
		cmocka_unit_test(backup_timer_fires_becomes_master_sends_adds_announces),
		cmocka_unit_test(backup_timer_early_does_nothing),
		cmocka_unit_test(backup_priority0_sets_skew_timer),
		cmocka_unit_test(backup_higher_priority_resets_master_down),
		cmocka_unit_test(backup_equal_priority_resets_master_down),
		cmocka_unit_test(backup_learns_master_adver_interval_v3),
		cmocka_unit_test(backup_v2_does_not_learn_interval),
		cmocka_unit_test(backup_lower_priority_preempt_ignored),
		cmocka_unit_test(backup_lower_priority_no_preempt_resets_timer),
		cmocka_unit_test(backup_preempt_delay_holds_takeover),
		cmocka_unit_test(master_adver_timer_sends_from_previous_deadline),
		cmocka_unit_test(master_adver_timer_resyncs_when_far_behind),
		cmocka_unit_test(master_adver_timer_early_does_nothing),
		cmocka_unit_test(master_priority0_sends_at_once),
		cmocka_unit_test(master_higher_priority_steps_down),
		cmocka_unit_test(master_equal_priority_higher_address_steps_down),
		cmocka_unit_test(master_equal_priority_compare_is_unsigned_network_order),
		cmocka_unit_test(master_equal_priority_lower_address_keeps_master_and_sends),
		cmocka_unit_test(master_lower_priority_sends_advert_and_announces),
		cmocka_unit_test(own_advert_ignored),
		cmocka_unit_test(fault_from_master_sends_priority0_and_removes_vips),
		cmocka_unit_test(fault_from_backup_stops_timers),
		cmocka_unit_test(fault_holds_ignores_adverts),
		cmocka_unit_test(fault_clear_returns_to_backup),
		cmocka_unit_test(fault_clear_priority255_returns_to_master),
		cmocka_unit_test(shutdown_master_sends_priority0_then_removes_vips),
		cmocka_unit_test(shutdown_backup_goes_to_init_silently),
		cmocka_unit_test(priority_drop_master_resigns_with_priority0),
		cmocka_unit_test(priority_rise_master_sends_at_once),
		cmocka_unit_test(priority_change_backup_only_updates),
		cmocka_unit_test(priority_owner_255_never_changes),
		cmocka_unit_test(transitions_counted),
		cmocka_unit_test(state_names),
		cmocka_unit_test(three_routers_converge_and_fail_over),
		cmocka_unit_test(drain_master_resigns_with_priority_zero),
		cmocka_unit_test(drained_backup_never_preempts_a_lower_master),
		cmocka_unit_test(drained_backup_takes_over_when_no_master_advertises),
		cmocka_unit_test(drained_master_yields_to_any_other_master),
		cmocka_unit_test(resume_master_advertises_real_priority),
		cmocka_unit_test(resume_backup_preempts_the_lower_master),
		cmocka_unit_test(reason_no_advert_gives_the_silence),
		cmocka_unit_test(reason_master_resigned_names_it),
		cmocka_unit_test(reason_higher_priority_names_sender),
		cmocka_unit_test(reason_resigned_gives_both_priorities),
		cmocka_unit_test(master_address_is_learned_and_ours_when_master),
		cmocka_unit_test(configured_priority_drop_keeps_master_and_advertises),
		cmocka_unit_test(split_brain_loser_tells_winner_who_announces_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
