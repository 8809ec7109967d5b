/*
** tests/unit/test_wo_pm.c: the preventive-maintenance scheduler's calendar
** arithmetic (wo_pm_occurrence: days, weeks, months with month-end clamping
** and leap years) and the automatic-confirmation deadline (wo_confirm_deadline:
** WO_CONFIRM_DAYS business days). Dates checked with Python's datetime.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "modules/workorders/workorders.h"

static const struct {
	int start;
	enum wo_pm_unit unit;
	int64_t every, k;
	int want;
} occ[] = {
	/* daily */
	{ 20261123, WO_PM_DAY, 1, 0, 20261123 },
	{ 20261123, WO_PM_DAY, 1, 1, 20261124 },
	{ 20261123, WO_PM_DAY, 1, 8, 20261201 },
	{ 20261123, WO_PM_DAY, 1, 39, 20270101 },	/* across the year end */
	{ 20261231, WO_PM_DAY, 1, 1, 20270101 },
	{ 20280226, WO_PM_DAY, 3, 1, 20280229 },	/* leap day */
	{ 20280226, WO_PM_DAY, 3, 2, 20280303 },
	{ 20270226, WO_PM_DAY, 3, 1, 20270301 },	/* no 02-29 in 2027 */
	/* weekly, every 2 weeks */
	{ 20261123, WO_PM_WEEK, 1, 1, 20261130 },
	{ 20261123, WO_PM_WEEK, 1, 6, 20270104 },
	{ 20280222, WO_PM_WEEK, 1, 1, 20280229 },
	{ 20261228, WO_PM_WEEK, 2, 0, 20261228 },
	{ 20261228, WO_PM_WEEK, 2, 1, 20270111 },
	{ 20261228, WO_PM_WEEK, 2, 26, 20271227 },
	{ 20261228, WO_PM_WEEK, 2, 53, 20290108 },	/* across leap 2028 */
	/* monthly on the 31st: clamped, never drifting */
	{ 20270131, WO_PM_MONTH, 1, 1, 20270228 },
	{ 20270131, WO_PM_MONTH, 1, 2, 20270331 },
	{ 20270131, WO_PM_MONTH, 1, 3, 20270430 },
	{ 20270131, WO_PM_MONTH, 1, 11, 20271231 },
	{ 20270131, WO_PM_MONTH, 1, 12, 20280131 },
	{ 20270131, WO_PM_MONTH, 1, 13, 20280229 },	/* leap 2028 */
	{ 20270131, WO_PM_MONTH, 1, 14, 20280331 },
	{ 20280229, WO_PM_MONTH, 1, 1, 20280329 },
	{ 20280229, WO_PM_MONTH, 12, 1, 20290228 },
	{ 20280229, WO_PM_MONTH, 12, 4, 20320229 },
	{ 20261130, WO_PM_MONTH, 1, 3, 20270228 },
	{ 20261130, WO_PM_MONTH, 1, 4, 20270330 },
	{ 20261215, WO_PM_MONTH, 1, 1, 20270115 },	/* year end */
	{ 20261231, WO_PM_MONTH, 1, 1, 20270131 },
	{ 20261231, WO_PM_MONTH, 1, 2, 20270228 },
	/* quarterly (every 3 months), yearly */
	{ 20261130, WO_PM_MONTH, 3, 1, 20270228 },
	{ 20261130, WO_PM_MONTH, 3, 2, 20270530 },
	{ 20261130, WO_PM_MONTH, 3, 5, 20280229 },
	{ 20261001, WO_PM_MONTH, 3, 1, 20270101 },
	{ 20261001, WO_PM_MONTH, 3, 4, 20271001 },
	{ 20261231, WO_PM_MONTH, 12, 1, 20271231 },
	{ 21001231, WO_PM_MONTH, 12, 1, 21011231 },	/* 2100 is no leap year ... */
	{ 21000131, WO_PM_MONTH, 1, 1, 21000228 },	/* ... so February has 28 days */
	{ 20000131, WO_PM_MONTH, 1, 1, 20000229 },	/* 2000 is */
	/* bad input */
	{ 20270229, WO_PM_DAY, 1, 0, 0 },
	{ 20261301, WO_PM_MONTH, 1, 0, 0 },
	{ 20261100, WO_PM_DAY, 1, 0, 0 },
	{ 20261123, WO_PM_DAY, 0, 1, 0 },
	{ 20261123, WO_PM_WEEK, 1, -1, 0 },
	{ 20261123, WO_PM_MONTH, 1, 100000, 0 },	/* beyond year 9999 */
};

static void
occurrences(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(occ) / sizeof(occ[0]); i++) {
		int got = wo_pm_occurrence(occ[i].start, occ[i].unit, occ[i].every, occ[i].k);
		if (got != occ[i].want)
			fail_msg("row %zu: %d %s every %lld, k=%lld: got %d, want %d", i, occ[i].start,
				 wo_pm_unit_codes[occ[i].unit], (long long)occ[i].every,
				 (long long)occ[i].k, got, occ[i].want);
	}
}

/* Every occurrence of a long monthly run lies on the plan's day or its month's last day. */
static void
monthly_never_drifts(void **state)
{
	(void)state;
	for (int64_t k = 0; k < 1200; k++) {
		int d = wo_pm_occurrence(20260131, WO_PM_MONTH, 1, k);
		int y = d / 10000, m = d / 100 % 100, day = d % 100;
		int last = m == 2 ? ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28)
			   : m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
		assert_int_equal(day, last);
		assert_int_equal((y - 2026) * 12 + m - 1, k);
	}
}

static int64_t
T(const char *local)
{
	int64_t ms;

	if (iso_to_ms(local, &ms))
		fail_msg("bad test time %s", local);
	return ms;
}

/*
** The automatic-confirmation instant the workorder_auto_confirm job uses
** (wo_confirm_deadline, shared with the reopen rule): midnight ending the
** WO_CONFIRM_DAYS-th workday after the day of resolution.
*/
static void
confirm_deadline(void **state)
{
	struct arena *a = arena_new(4096);
	struct err e = { 0 };
	struct cal c;
	static const struct {
		const char *resolved, *due;
		int mark;	/* 1: Tue 2026-12-01 a holiday; 2: Sat 2026-11-28 a make-up workday */
	} rows[] = {
		{ "2026-11-23T10:00:00+08:00", "2026-11-27T00:00:00+08:00", 0 },	/* Mon */
		{ "2026-11-27T15:00:00+08:00", "2026-12-03T00:00:00+08:00", 0 },	/* Fri */
		{ "2026-11-27T23:59:00+08:00", "2026-12-03T00:00:00+08:00", 0 },
		{ "2026-11-27T15:00:00+08:00", "2026-12-04T00:00:00+08:00", 1 },	/* holiday */
		{ "2026-11-28T11:00:00+08:00", "2026-12-03T00:00:00+08:00", 0 },	/* Sat */
		{ "2026-11-27T15:00:00+08:00", "2026-12-02T00:00:00+08:00", 2 },	/* 调休 */
	};
	char got[40];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		cal_default(&c);
		if (rows[i].mark == 1)
			assert_int_equal(cal_put_day(&c, a, 20261201, CAL_HOLIDAY, "测试", &e), 0);
		if (rows[i].mark == 2)
			assert_int_equal(cal_put_day(&c, a, 20261128, CAL_WORKDAY, "调休", &e), 0);
		int64_t due = wo_confirm_deadline(&c, T(rows[i].resolved));
		ms_to_iso(due, got, sizeof(got));
		if (due != T(rows[i].due))
			fail_msg("row %zu: resolved %s: got %s, want %s", i, rows[i].resolved, got,
				 rows[i].due);
	}
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(occurrences),
		cmocka_unit_test(monthly_never_drifts),
		cmocka_unit_test(confirm_deadline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
