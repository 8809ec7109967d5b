/*
** tests/unit/test_workorders.c: the pure parts of modules/workorders: the
** transition table (every action from every status), the code tables, the
** SLA clock (business calendar across nights, lunch, weekends, a holiday, a
** 调休 Saturday, a suspension; the 24-hour clock) and the confirmation
** window. The calendar is built in memory with cal_default + cal_put_day:
** 2026-12-01 (Tuesday) a holiday, 2026-12-05 (Saturday) a make-up workday.
** Times are Shanghai wall-clock; 2026-11-23 is a Monday.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "modules/workorders/workorders.h"

static struct cal cal;
static struct arena *arena;

static int64_t
T(const char *local)
{
	char buf[40];
	int64_t ms;

	snprintf(buf, sizeof(buf), "%s+08:00", local);
	if (iso_to_ms(buf, &ms))
		fail_msg("bad test time %s", local);
	return ms;
}

static int
setup(void **state)
{
	struct err e = { 0 };

	(void)state;
	arena = arena_new(4096);
	cal_default(&cal);
	if (cal_put_day(&cal, arena, 20261201, CAL_HOLIDAY, "测试假日", &e) ||
	    cal_put_day(&cal, arena, 20261205, CAL_WORKDAY, "调休上班", &e))
		fail_msg("cal_put_day: %s", e.msg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(arena);
	return 0;
}

/* ---------- the transition table ---------- */

#define SUB WO_SUBMITTED
#define ACC WO_ACCEPTED
#define DIS WO_DISPATCHED
#define INP WO_IN_PROGRESS
#define SUS WO_SUSPENDED
#define RES WO_RESOLVED
#define CON WO_CONFIRMED
#define CAN WO_CANCELLED
#define O WO_P_OFFICE
#define W WO_P_WORKER
#define R WO_P_REQUESTER
#define S WO_P_SYSTEM
#define NO (-1)

/*
** expect[action][status]: the target status (NO = illegal), and who may.
** Every cell of the action x status grid is listed, so a change to the
** table in workorders.c must show up here.
*/
static const struct {
	int to;
	unsigned parties;
} expect[WO_A_N][WO_STATUS_N] = {
	/*                SUB          ACC          DIS           INP           SUS          RES          CON      CAN */
	[WO_A_ACCEPT] = { { ACC, O },  { NO, 0 },   { NO, 0 },    { NO, 0 },    { NO, 0 },   { NO, 0 },   { NO, 0 }, { NO, 0 } },
	[WO_A_DISPATCH] = { { DIS, S }, { DIS, O },  { NO, 0 },    { NO, 0 },    { NO, 0 },   { NO, 0 },   { NO, 0 }, { NO, 0 } },
	[WO_A_START] = { { NO, 0 },    { NO, 0 },   { INP, W },   { NO, 0 },    { NO, 0 },   { NO, 0 },   { NO, 0 }, { NO, 0 } },
	[WO_A_SUSPEND] = { { NO, 0 },  { NO, 0 },   { SUS, W | O }, { SUS, W | O }, { NO, 0 }, { NO, 0 },  { NO, 0 }, { NO, 0 } },
	[WO_A_RESUME] = { { NO, 0 },   { NO, 0 },   { NO, 0 },    { NO, 0 },    { INP, W | O }, { NO, 0 }, { NO, 0 }, { NO, 0 } },
	[WO_A_TRANSFER] = { { NO, 0 }, { NO, 0 },   { DIS, W | O }, { DIS, W | O }, { NO, 0 }, { NO, 0 },  { NO, 0 }, { NO, 0 } },
	[WO_A_RESOLVE] = { { NO, 0 },  { NO, 0 },   { NO, 0 },    { RES, W },   { NO, 0 },   { NO, 0 },   { NO, 0 }, { NO, 0 } },
	[WO_A_CONFIRM] = { { NO, 0 },  { NO, 0 },   { NO, 0 },    { NO, 0 },    { NO, 0 },   { CON, R },  { NO, 0 }, { NO, 0 } },
	[WO_A_REOPEN] = { { NO, 0 },   { NO, 0 },   { NO, 0 },    { NO, 0 },    { NO, 0 },   { DIS, R },  { NO, 0 }, { NO, 0 } },
	[WO_A_CANCEL] = { { CAN, R | O }, { CAN, O }, { CAN, O },  { CAN, O },    { CAN, O },  { NO, 0 },   { NO, 0 }, { NO, 0 } },
	[WO_A_AUTO_CONFIRM] = { { NO, 0 }, { NO, 0 }, { NO, 0 },  { NO, 0 },    { NO, 0 },   { CON, S },  { NO, 0 }, { NO, 0 } },
};

static void
transition_table_every_action_from_every_status(void **state)
{
	(void)state;
	for (int a = 0; a < WO_A_N; a++)
		for (int s = 0; s < WO_STATUS_N; s++) {
			const struct wo_transition *t =
				wo_transition_find((enum wo_action)a, (enum wo_status)s);
			if (expect[a][s].to == NO) {
				if (t)
					fail_msg("%s from %s should be illegal", wo_action_codes[a],
						 wo_status_codes[s]);
				continue;
			}
			if (!t)
				fail_msg("%s from %s should be legal", wo_action_codes[a],
					 wo_status_codes[s]);
			assert_int_equal(t->action, a);
			assert_int_equal(t->to, expect[a][s].to);
			if (t->parties != expect[a][s].parties)
				fail_msg("%s from %s: parties %#x, want %#x", wo_action_codes[a],
					 wo_status_codes[s], t->parties, expect[a][s].parties);
		}
	/* out of range */
	assert_null(wo_transition_find(WO_A_ACCEPT, (enum wo_status)-1));
	assert_null(wo_transition_find(WO_A_ACCEPT, WO_STATUS_N));
	/* closed orders accept nothing at all */
	for (int a = 0; a < WO_A_N; a++) {
		assert_null(wo_transition_find((enum wo_action)a, WO_CONFIRMED));
		assert_null(wo_transition_find((enum wo_action)a, WO_CANCELLED));
	}
	/*
	** the system's moves are its own rows (auto_confirm; the urgent
	** auto-dispatch from submitted), never shared with people
	*/
	for (int a = 0; a < WO_A_N; a++)
		for (int s = 0; s < WO_STATUS_N; s++) {
			const struct wo_transition *t =
				wo_transition_find((enum wo_action)a, (enum wo_status)s);
			if (t)
				assert_int_equal(!!(t->parties & WO_P_SYSTEM),
						 a == WO_A_AUTO_CONFIRM ||
							 (a == WO_A_DISPATCH && s == WO_SUBMITTED));
			if (t && (t->parties & WO_P_SYSTEM))
				assert_int_equal(t->parties, WO_P_SYSTEM);
		}
}

static void
codes_and_labels_line_up(void **state)
{
	static const struct {
		const char *const *codes, *const *labels;
		int n;
		int (*parse)(const char *);
	} tables[] = {
		{ wo_status_codes, wo_status_labels, WO_STATUS_N, wo_status_parse },
		{ wo_action_codes, wo_action_labels, WO_A_N, wo_action_parse },
		{ wo_priority_codes, wo_priority_labels, WO_PRIORITY_N, wo_priority_parse },
	};

	(void)state;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (int i = 0; i < tables[t].n; i++) {
			assert_non_null(tables[t].codes[i]);
			assert_non_null(tables[t].labels[i]);
			assert_int_equal(tables[t].parse(tables[t].codes[i]), i);
		}
		assert_null(tables[t].codes[tables[t].n]);
		assert_null(tables[t].labels[tables[t].n]);
		assert_int_equal(tables[t].parse("nope"), -1);
		assert_int_equal(tables[t].parse(""), -1);
		assert_int_equal(tables[t].parse(NULL), -1);
	}
	assert_string_equal(wo_status_codes[WO_IN_PROGRESS], "in_progress");
	assert_string_equal(wo_action_codes[WO_A_AUTO_CONFIRM], "auto_confirm");
	assert_string_equal(wo_priority_labels[WO_URGENT], "紧急");
}

/* ---------- the SLA clock ---------- */

static void
clock_add_business_and_24h(void **state)
{
	static const struct {
		int h24;
		const char *start;
		int64_t minutes;
		const char *want, *why;
	} cases[] = {
		{ 0, "2026-11-23T09:00:00", 60, "2026-11-23T10:00:00", "inside a period" },
		{ 0, "2026-11-23T11:30:00", 60, "2026-11-23T14:30:00", "over lunch" },
		{ 0, "2026-11-23T17:00:00", 60, "2026-11-24T09:00:00", "over a night" },
		{ 0, "2026-11-23T20:00:00", 30, "2026-11-24T09:00:00", "filed at night" },
		{ 0, "2026-11-27T17:00:00", 60, "2026-11-30T09:00:00", "over a weekend" },
		{ 0, "2026-11-28T10:00:00", 60, "2026-11-30T09:30:00", "filed on Saturday" },
		{ 0, "2026-11-30T17:00:00", 60, "2026-12-02T09:00:00", "over a holiday" },
		{ 0, "2026-12-04T17:00:00", 60, "2026-12-05T09:00:00", "into a 调休 Saturday" },
		{ 0, "2026-12-05T17:00:00", 60, "2026-12-07T09:00:00", "调休 Saturday, rest Sunday" },
		{ 0, "2026-11-23T08:30:00", 420, "2026-11-23T17:30:00", "one working day" },
		{ 0, "2026-11-23T09:00:00", 480, "2026-11-24T10:00:00", "8 hours of work" },
		{ 0, "2026-11-23T09:00:00", 0, "2026-11-23T09:00:00", "nothing to add" },
		{ 0, "2026-11-23T12:30:00", 0, "2026-11-23T14:00:00", "zero rolls to work" },
		{ 0, "2026-11-23T09:00:00", -30, "2026-11-23T09:00:00", "spent budget: due now" },
		{ 1, "2026-11-27T17:00:00", 60, "2026-11-27T18:00:00", "24h: no night" },
		{ 1, "2026-11-27T17:00:00", 3 * 1440, "2026-11-30T17:00:00", "24h: no weekend" },
		{ 1, "2026-11-30T17:00:00", 1440, "2026-12-01T17:00:00", "24h: no holiday" },
		{ 1, "2026-11-23T09:00:00", -30, "2026-11-23T09:00:00", "24h: spent budget" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wo_clock c = { .h24 = cases[i].h24, .cal = &cal };
		int64_t got = wo_clock_add(&c, T(cases[i].start), cases[i].minutes * MINUTE_MS);
		char g[40] = "NEVER";
		if (got != T(cases[i].want)) {
			if (got != CAL_NEVER)
				ms_to_iso(got, g, sizeof(g));
			fail_msg("case %zu (%s): got %s, want %s", i, cases[i].why, g,
				 cases[i].want);
		}
	}
}

static void
clock_between_business_and_24h(void **state)
{
	static const struct {
		int h24;
		const char *from, *to;
		int64_t minutes;
		const char *why;
	} cases[] = {
		{ 0, "2026-11-23T17:00:00", "2026-11-24T09:00:00", 60, "a night" },
		{ 0, "2026-11-23T11:30:00", "2026-11-23T14:30:00", 60, "lunch" },
		{ 0, "2026-11-27T17:00:00", "2026-11-30T09:00:00", 60, "a weekend" },
		{ 0, "2026-11-30T17:00:00", "2026-12-02T09:00:00", 60, "a holiday" },
		{ 0, "2026-12-04T17:00:00", "2026-12-05T09:00:00", 60, "a 调休 Saturday" },
		{ 0, "2026-11-28T00:00:00", "2026-11-30T00:00:00", 0, "a whole weekend" },
		{ 0, "2026-11-23T00:00:00", "2026-11-24T00:00:00", 420, "a whole workday" },
		{ 0, "2026-11-24T09:00:00", "2026-11-23T09:00:00", 0, "backwards" },
		{ 1, "2026-11-27T17:00:00", "2026-11-30T09:00:00", 64 * 60, "24h: a weekend" },
		{ 1, "2026-11-23T10:00:00", "2026-11-23T10:00:00", 0, "24h: empty" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wo_clock c = { .h24 = cases[i].h24, .cal = &cal };
		int64_t got = wo_clock_between(&c, T(cases[i].from), T(cases[i].to));
		if (got != cases[i].minutes * MINUTE_MS)
			fail_msg("case %zu (%s): got %lld ms, want %lld min", i, cases[i].why,
				 (long long)got, (long long)cases[i].minutes);
	}
}

/*
** A suspension moves the resolve due time by exactly the working time it
** lasted: the order of workorders.c (used += between(run, suspend);
** due = add(resume, target - used)).
*/
static void
clock_with_a_suspension(void **state)
{
	struct wo_clock c = { .h24 = 0, .cal = &cal };
	int64_t created = T("2026-11-23T09:00:00"), target = 480 * MINUTE_MS, used, due;

	(void)state;
	/* no suspension: 390 minutes on Monday, 90 on Tuesday */
	assert_true(wo_clock_add(&c, created, target) == T("2026-11-24T10:00:00"));
	/* suspended Monday 11:00 (120 used), resumed Tuesday 10:00 */
	used = wo_clock_between(&c, created, T("2026-11-23T11:00:00"));
	assert_true(used == 120 * MINUTE_MS);
	due = wo_clock_add(&c, T("2026-11-24T10:00:00"), target - used);
	assert_true(due == T("2026-11-25T09:00:00"));
	/* the same on the 24-hour clock: 22 hours of suspension, 22 hours later */
	c.h24 = 1;
	used = wo_clock_between(&c, created, T("2026-11-23T11:00:00"));
	due = wo_clock_add(&c, T("2026-11-24T09:00:00"), target - used);
	assert_true(due == T("2026-11-24T15:00:00"));
	/* a suspension over a holiday and a weekend costs nothing */
	c.h24 = 0;
	used = wo_clock_between(&c, T("2026-11-30T16:00:00"), T("2026-11-30T17:00:00"));
	assert_true(used == 60 * MINUTE_MS);
	/* suspended Mon 11-30 17:00, resumed Wed 12-02 08:30: 420 left, one full day */
	due = wo_clock_add(&c, T("2026-12-02T08:30:00"), target - used);
	assert_true(due == T("2026-12-02T17:30:00"));
}

static void
confirm_deadline_counts_workdays(void **state)
{
	static const struct {
		const char *resolved, *deadline, *why;
	} cases[] = {
		{ "2026-11-23T10:00:00", "2026-11-27T00:00:00", "Mon: Tue Wed Thu" },
		{ "2026-11-23T23:59:00", "2026-11-27T00:00:00", "late Monday is still Monday" },
		{ "2026-11-26T10:00:00", "2026-12-03T00:00:00", "Thu: Fri Mon (holiday Tue) Wed" },
		{ "2026-12-02T10:00:00", "2026-12-06T00:00:00", "Wed: Thu Fri 调休 Sat" },
		{ "2026-11-28T10:00:00", "2026-12-04T00:00:00", "Sat: Mon (holiday Tue) Wed Thu" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = wo_confirm_deadline(&cal, T(cases[i].resolved));
		char g[40];
		if (got != T(cases[i].deadline)) {
			ms_to_iso(got, g, sizeof(g));
			fail_msg("case %zu (%s): got %s", i, cases[i].why, g);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transition_table_every_action_from_every_status),
		cmocka_unit_test(codes_and_labels_line_up),
		cmocka_unit_test(clock_add_business_and_24h),
		cmocka_unit_test(clock_between_business_and_24h),
		cmocka_unit_test(clock_with_a_suspension),
		cmocka_unit_test(confirm_deadline_counts_workdays),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
