/* Effective priority of a VRRP router from its base priority and the state
 * of the checks it tracks. Pure. */
#ifndef VIPD_PRIORITY_H
#define VIPD_PRIORITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRIORITY_MIN	    1
#define PRIORITY_MAX_BACKUP 254
#define PRIORITY_OWNER	    255

/* One tracked check: its configured weight and whether it passes now. */
struct priority_input {
	int weight;
	bool up;
};

/* base + weights of failing checks with negative weight + weights of passing
 * checks with positive weight, clamped to 1..254; an owner's 255 never
 * changes. *fault (if not NULL) tells whether a failing weight-0 check
 * calls for Fault. */
uint8_t priority_effective(uint8_t base, const struct priority_input *checks, size_t n,
			   bool *fault);

#endif
