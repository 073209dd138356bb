/* Unit tests for priority: effective priority from base and check weights. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "priority.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void no_checks_keeps_base(void **state)
{
	bool fault = true;

	(void)state;
	assert_int_equal(priority_effective(100, NULL, 0, &fault), 100);
	assert_false(fault);
}

static void failing_negative_weight_lowers(void **state)
{
	struct priority_input in[] = {{-2, false}};

	(void)state;
	assert_int_equal(priority_effective(101, in, N(in), NULL), 99);
}

static void passing_negative_weight_counts_nothing(void **state)
{
	struct priority_input in[] = {{-50, true}};

	(void)state;
	assert_int_equal(priority_effective(101, in, N(in), NULL), 101);
}

static void passing_positive_weight_raises(void **state)
{
	struct priority_input in[] = {{10, true}};

	(void)state;
	assert_int_equal(priority_effective(100, in, N(in), NULL), 110);
}

static void failing_positive_weight_counts_nothing(void **state)
{
	struct priority_input in[] = {{10, false}};

	(void)state;
	assert_int_equal(priority_effective(100, in, N(in), NULL), 100);
}

static void weights_add_up(void **state)
{
	struct priority_input in[] = {{-2, false}, {-50, false}, {5, true}, {-7, true}};

	(void)state;
	assert_int_equal(priority_effective(101, in, N(in), NULL), 101 - 2 - 50 + 5);
}

static void clamped_low_to_1(void **state)
{
	struct priority_input in[] = {{-254, false}, {-100, false}};

	(void)state;
	assert_int_equal(priority_effective(101, in, N(in), NULL), 1);
}

static void clamped_high_to_254(void **state)
{
	struct priority_input in[] = {{200, true}, {100, true}};

	(void)state;
	assert_int_equal(priority_effective(101, in, N(in), NULL), 254);
}

static void positive_weight_never_reaches_255(void **state)
{
	struct priority_input in[] = {{1, true}};

	(void)state;
	assert_int_equal(priority_effective(254, in, N(in), NULL), 254);
}

static void owner_255_unchanged_by_failures(void **state)
{
	struct priority_input in[] = {{-254, false}, {10, true}};

	(void)state;
	assert_int_equal(priority_effective(255, in, N(in), NULL), 255);
}

static void failing_weight0_sets_fault(void **state)
{
	struct priority_input in[] = {{-2, true}, {0, false}};
	bool fault = false;

	(void)state;
	assert_int_equal(priority_effective(100, in, N(in), &fault), 100);
	assert_true(fault);
}

static void passing_weight0_no_fault(void **state)
{
	struct priority_input in[] = {{0, true}, {-2, false}};
	bool fault = true;

	(void)state;
	assert_int_equal(priority_effective(100, in, N(in), &fault), 98);
	assert_false(fault);
}

static void owner_weight0_failure_still_reports_fault(void **state)
{
	struct priority_input in[] = {{0, false}};
	bool fault = false;

	(void)state;
	assert_int_equal(priority_effective(255, in, N(in), &fault), 255);
	assert_true(fault);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_checks_keeps_base),
	    cmocka_unit_test(failing_negative_weight_lowers),
	    cmocka_unit_test(passing_negative_weight_counts_nothing),
	    cmocka_unit_test(passing_positive_weight_raises),
	    cmocka_unit_test(failing_positive_weight_counts_nothing),
	    cmocka_unit_test(weights_add_up),
	    cmocka_unit_test(clamped_low_to_1),
	    cmocka_unit_test(clamped_high_to_254),
	    cmocka_unit_test(positive_weight_never_reaches_255),
	    cmocka_unit_test(owner_255_unchanged_by_failures),
	    cmocka_unit_test(failing_weight0_sets_fault),
	    cmocka_unit_test(passing_weight0_no_fault),
	    cmocka_unit_test(owner_weight0_failure_still_reports_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
