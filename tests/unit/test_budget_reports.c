/*
** tests/unit/test_budget_reports.c: the month windows the bulletin and the
** disclosure sum over (budget_reports.c): Shanghai midnight of the 1st, month
** 13 rolling into January, and agreeing with the engine's budget_period_of on
** both sides of every boundary of a year.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/budget.h"
#include "core/clock.h"
#include "modules/budget/budget.h"

static void
month_start_is_shanghai_midnight(void **state)
{
	int64_t ms = 0;

	(void)state;
	assert_int_equal(iso_to_ms("2026-03-01T00:00:00+08:00", &ms), 0);
	assert_int_equal(bud_month_start(2026, 3), ms);
	assert_int_equal(iso_to_ms("2027-01-01T00:00:00+08:00", &ms), 0);
	assert_int_equal(bud_month_start(2026, 13), ms);	/* December's end */
	assert_int_equal(bud_month_start(2027, 1), ms);
	assert_int_equal(iso_to_ms("2024-02-29T16:00:00Z", &ms), 0);	/* 1 March, Shanghai */
	assert_int_equal(bud_month_start(2024, 3), ms);
}

static void
windows_agree_with_the_engine(void **state)
{
	(void)state;
	for (int y = 2025; y <= 2028; y++)
		for (int m = 1; m <= 12; m++) {
			int64_t start = bud_month_start(y, m);
			assert_int_equal(budget_period_of(start), y * 100 + m);
			assert_int_equal(budget_period_of(start - 1),
					 m == 1 ? (y - 1) * 100 + 12 : y * 100 + m - 1);
			assert_int_equal(budget_period_of(bud_month_start(y, m + 1) - 1), y * 100 + m);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(month_start_is_shanghai_midnight),
		cmocka_unit_test(windows_agree_with_the_engine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
