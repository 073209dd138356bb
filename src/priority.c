/* Effective priority: base priority adjusted by check weights. */
#include "priority.h"

/* What one check adds: a negative weight while it fails, a positive one
 * while it passes, nothing otherwise. */
static int priority_delta(const struct priority_input *in)
{
	if (in->weight < 0 && !in->up)
		return in->weight;
	if (in->weight > 0 && in->up)
		return in->weight;
	return 0;
}

uint8_t priority_effective(uint8_t base, const struct priority_input *checks, size_t n, bool *fault)
{
	long sum = base;
	bool f = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (checks[i].weight == 0 && !checks[i].up)
			f = true;
		sum += priority_delta(&checks[i]);
	}
	if (fault)
		*fault = f;
	if (base == PRIORITY_OWNER)
		return PRIORITY_OWNER;
	if (sum < PRIORITY_MIN)
		return PRIORITY_MIN;
	if (sum > PRIORITY_MAX_BACKUP)
		return PRIORITY_MAX_BACKUP;
	return (uint8_t)sum;
}
