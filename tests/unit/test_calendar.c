/*
** tests/unit/test_calendar.c: core/calendar.c, the business calendar.
** The 2026 cases run against the shipped data: a fresh in-memory database
** with every migration applied, copied into an agency by cal_agency_init()
** (what org_agency_create does) and loaded by cal_load_agency(). Times in the tables are
** Shanghai wall-clock ("2026-11-20T18:00:00" means +08:00). Weekdays were
** checked with Python's datetime; the 2026 total (248 workdays) too.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

static struct cal cal2026;	/* shipped data + default hours */
static struct arena *arena;
static struct db *db;
static int64_t agency;

static int64_t
T(const char *local)
{
	int64_t ms;

	if (iso_to_ms(local, &ms))
		fail_msg("bad test time %s", local);
	return ms;
}

static const char *
show(int64_t ms, char *buf, size_t size)
{
	if (ms == CAL_NEVER)
		snprintf(buf, size, "CAL_NEVER");
	else
		ms_to_iso(ms, buf, size);
	return buf;
}

static int
setup(void **state)
{
	struct err e = { 0 };
	int applied;

	(void)state;
	arena = arena_new(16384);
	if (db_open(":memory:", DB_CREATE, &db, &e) || db_migrate(db, &applied, &e) ||
	    db_begin_write(db, &e) ||
	    db_exec(db, "INSERT INTO department (name, created_at, updated_at)"
			" VALUES ('测试机关', 1, 1); UPDATE department SET agency_id = id", &e))
		fail_msg("setup: %s", e.msg);
	agency = db_last_id(db);
	if (cal_agency_init(db, agency, &e) || db_commit(db, &e) ||
	    cal_load_agency(db, arena, agency, &cal2026, &e))
		fail_msg("setup: %s", e.msg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	db_close(db);
	arena_free(arena);
	return 0;
}

/* ---- the shipped data ---- */

static void
test_shipped_2026_loads(void **state)
{
	struct cal_year y, y27;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(cal2026.nperiods, 2);
	assert_int_equal(cal2026.periods[0].start, 8 * 60 + 30);
	assert_int_equal(cal2026.periods[0].end, 12 * 60);
	assert_int_equal(cal2026.periods[1].start, 14 * 60);
	assert_int_equal(cal2026.periods[1].end, 17 * 60 + 30);
	assert_int_equal(cal2026.ndays, 39);	/* rows of ../shared/data/cn-holidays-2026.csv */
	for (size_t i = 1; i < cal2026.ndays; i++)
		assert_true(cal2026.days[i - 1].date < cal2026.days[i].date);
	assert_int_equal(cal_year_get(db, arena, agency, 2026, &y, &e), 0);
	assert_int_equal(y.confirmed, 0);	/* shipped for the operator to confirm */
	assert_non_null(y.source);
	assert_non_null(strstr(y.source, "国务院办公厅"));
	assert_int_equal(y.cal.ndays, 39);
	assert_int_equal(cal_year_get(db, arena, agency, 2027, &y27, &e), 0);	/* not invented */
	assert_int_equal(y27.cal.ndays, 0);
	assert_int_equal(y27.confirmed, 0);
	assert_null(y27.source);
	assert_int_equal(cal_year_get(db, arena, agency, 1999, &y27, &e), ERR_INVALID);
}

static const struct {
	int date, want;
} workday_cases[] = {
	{ 20261001, 0 },	/* 国庆, Thursday */
	{ 20261007, 0 },
	{ 20261008, 1 },	/* Thursday after */
	{ 20261010, 1 },	/* make-up Saturday */
	{ 20261011, 0 },	/* plain Sunday */
	{ 20260920, 1 },	/* make-up Sunday */
	{ 20260919, 0 },	/* plain Saturday */
	{ 20260214, 1 },	/* 春节 make-up Saturday */
	{ 20260215, 0 },	/* 春节, Sunday */
	{ 20260216, 0 },	/* 春节, Monday */
	{ 20260223, 0 },	/* 春节, Monday */
	{ 20260224, 1 },
	{ 20260228, 1 },	/* make-up Saturday */
	{ 20260101, 0 },	/* 元旦, Thursday */
	{ 20260103, 0 },	/* 元旦 on a Saturday */
	{ 20260104, 1 },	/* make-up Sunday */
	{ 20261231, 1 },	/* Thursday */
	{ 20270101, 1 },	/* no 2027 data: a plain Friday */
	{ 20270102, 0 },	/* Saturday */
	{ 20261124, 1 },	/* plain Tuesday */
};

static void
test_is_workday(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(workday_cases) / sizeof(workday_cases[0]); i++)
		if (cal_is_workday(&cal2026, workday_cases[i].date) != workday_cases[i].want)
			fail_msg("cal_is_workday(%d) != %d", workday_cases[i].date,
				 workday_cases[i].want);
}

/* ---- add ---- */

static const struct {
	const char *start;
	int64_t minutes;
	const char *want;
	const char *why;
} add_cases[] = {
	{ "2026-11-24T03:00:00", 30, "2026-11-24T09:00:00", "start at night rolls to 08:30" },
	{ "2026-11-24T23:00:00", 30, "2026-11-25T09:00:00", "late night: next morning" },
	{ "2026-11-24T10:00:00", 60, "2026-11-24T11:00:00", "mid-morning" },
	{ "2026-11-24T11:30:00", 60, "2026-11-24T14:30:00", "crosses lunch" },
	{ "2026-11-24T11:00:00", 60, "2026-11-24T12:00:00", "ends on a period end" },
	{ "2026-11-24T12:30:00", 30, "2026-11-24T14:30:00", "starts in lunch" },
	{ "2026-11-24T12:00:00", 0, "2026-11-24T14:00:00", "zero at lunch: next working instant" },
	{ "2026-11-24T10:15:00", 0, "2026-11-24T10:15:00", "zero in hours: itself" },
	{ "2026-11-24T17:30:00", 0, "2026-11-25T08:30:00", "zero at closing" },
	{ "2026-11-24T08:30:00", 420, "2026-11-24T17:30:00", "one full day" },
	{ "2026-11-24T08:30:00", 421, "2026-11-25T08:31:00", "a day and a minute" },
	{ "2026-11-24T10:00:30", 1, "2026-11-24T10:01:30", "seconds are kept" },
	{ "2026-11-20T17:00:00", 60, "2026-11-23T09:00:00", "Friday 17:00 to Monday" },
	{ "2026-11-20T18:00:00", 60, "2026-11-23T09:30:00", "Friday evening to Monday" },
	{ "2026-11-21T10:00:00", 10, "2026-11-23T08:40:00", "plain Saturday" },
	{ "2026-11-23T08:30:00", 5 * 420, "2026-11-27T17:30:00", "a working week" },
	{ "2026-09-30T17:00:00", 60, "2026-10-08T09:00:00", "国庆 week skipped" },
	{ "2026-10-03T10:00:00", 0, "2026-10-08T08:30:00", "inside 国庆: first working instant" },
	{ "2026-10-09T17:00:00", 60, "2026-10-10T09:00:00", "make-up Saturday 10-10" },
	{ "2026-09-19T10:00:00", 60, "2026-09-20T09:30:00", "make-up Sunday 09-20" },
	{ "2026-09-24T17:00:00", 60, "2026-09-28T09:00:00", "中秋 Friday to Sunday" },
	{ "2026-04-30T17:00:00", 60, "2026-05-06T09:00:00", "劳动节 05-01..05" },
	{ "2026-05-08T17:30:00", 30, "2026-05-09T09:00:00", "make-up Saturday 05-09" },
	{ "2026-02-13T17:00:00", 60, "2026-02-14T09:00:00", "春节 make-up Saturday 02-14" },
	{ "2026-02-14T17:00:00", 60, "2026-02-24T09:00:00", "春节 02-15..23 skipped" },
	{ "2026-02-14T12:00:00", 420, "2026-02-24T12:00:00", "across 春节 onto a period end" },
	{ "2026-02-27T17:30:00", 1, "2026-02-28T08:31:00", "make-up Saturday 02-28" },
	{ "2025-12-31T17:00:00", 60, "2026-01-04T09:00:00", "元旦 then make-up Sunday 01-04" },
	{ "2026-12-31T17:00:00", 60, "2027-01-01T09:00:00", "year end: 2027-01-01 unmarked" },
	{ "2026-12-31T17:00:00", 480, "2027-01-04T09:00:00", "year end over a weekend" },
	{ "2026-09-28T08:30:00", 6 * 420, "2026-10-10T17:30:00", "two weeks around 国庆" },
	{ "2026-01-01T00:00:00", 248 * 420, "2026-12-31T17:30:00", "all of 2026 (248 days)" },
	{ "2026-03-27T17:00:00", 60, "2026-03-30T09:00:00", "over Europe's DST weekend" },
	{ "2026-03-06T17:00:00", 60, "2026-03-09T09:00:00", "over America's DST weekend" },
	{ "2026-10-23T17:00:00", 60, "2026-10-26T09:00:00", "over Europe's DST end" },
};

static void
run_add_cases(const char *tz)
{
	for (size_t i = 0; i < sizeof(add_cases) / sizeof(add_cases[0]); i++) {
		int64_t got = cal_add_business_minutes(&cal2026, T(add_cases[i].start),
						       add_cases[i].minutes);
		char a[40], b[40];
		if (got != T(add_cases[i].want))
			fail_msg("TZ=%s add(%s, %lld) = %s, want %s (%s)", tz, add_cases[i].start,
				 (long long)add_cases[i].minutes, show(got, a, sizeof(a)),
				 show(T(add_cases[i].want), b, sizeof(b)), add_cases[i].why);
	}
}

static void
test_add_table(void **state)
{
	(void)state;
	run_add_cases("(unchanged)");
}

/* ---- between ---- */

static const struct {
	const char *from, *to;
	int64_t want;
	const char *why;
} between_cases[] = {
	{ "2026-11-24T10:00:00", "2026-11-24T10:00:00", 0, "empty" },
	{ "2026-11-24T11:00:00", "2026-11-24T10:00:00", 0, "reversed" },
	{ "2026-11-24T08:00:00", "2026-11-24T20:00:00", 420, "a whole workday" },
	{ "2026-11-24T12:00:00", "2026-11-24T14:00:00", 0, "lunch" },
	{ "2026-11-24T11:00:00", "2026-11-24T15:00:00", 120, "across lunch" },
	{ "2026-11-24T10:00:00", "2026-11-24T10:00:59", 0, "under a minute rounds down" },
	{ "2026-11-24T22:00:00", "2026-11-25T07:00:00", 0, "a night" },
	{ "2026-11-20T17:00:00", "2026-11-23T09:00:00", 60, "Friday 17:00 to Monday 09:00" },
	{ "2026-11-21T00:00:00", "2026-11-23T00:00:00", 0, "a weekend" },
	{ "2026-11-23T00:00:00", "2026-11-30T00:00:00", 5 * 420, "a plain week" },
	{ "2026-10-01T00:00:00", "2026-10-08T00:00:00", 0, "国庆 week" },
	{ "2026-09-28T00:00:00", "2026-10-12T00:00:00", 6 * 420, "around 国庆 with 10-10" },
	{ "2026-09-19T00:00:00", "2026-09-21T00:00:00", 420, "weekend with make-up Sunday" },
	{ "2026-02-09T00:00:00", "2026-03-02T00:00:00", 11 * 420, "春节 month" },
	{ "2026-02-13T12:00:00", "2026-02-25T12:00:00", 210 + 420 + 420 + 210, "春节 partial" },
	{ "2026-12-31T17:00:00", "2027-01-01T09:00:00", 60, "year end" },
	{ "2026-01-01T00:00:00", "2027-01-01T00:00:00", 248 * 420, "all of 2026" },
	{ "2026-03-27T00:00:00", "2026-03-31T00:00:00", 2 * 420, "Europe's DST weekend" },
	{ "2026-10-30T00:00:00", "2026-11-03T00:00:00", 2 * 420, "America's DST end" },
};

static void
run_between_cases(const char *tz)
{
	for (size_t i = 0; i < sizeof(between_cases) / sizeof(between_cases[0]); i++) {
		int64_t got = cal_business_minutes_between(&cal2026, T(between_cases[i].from),
							   T(between_cases[i].to));
		if (got != between_cases[i].want)
			fail_msg("TZ=%s between(%s, %s) = %lld, want %lld (%s)", tz,
				 between_cases[i].from, between_cases[i].to, (long long)got,
				 (long long)between_cases[i].want, between_cases[i].why);
	}
}

static void
test_between_table(void **state)
{
	(void)state;
	run_between_cases("(unchanged)");
}

/* Shanghai is a fixed UTC+8 and the process time zone plays no part. */
static void
test_shanghai_fixed_offset_any_tz(void **state)
{
	static const char *zones[] = { "America/New_York", "Europe/Berlin", "Australia/Sydney",
				       "UTC" };
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;

	(void)state;
	/* Independent anchor (Python): 2026-11-23T09:30:00+08:00 = 2026-11-23T01:30:00Z. */
	assert_true(cal_add_business_minutes(&cal2026, T("2026-11-20T18:00:00"), 60) ==
		    1795397400000LL);
	/* The Monday after Europe's DST switch is 24 h long here: 08:30 + 420 min = 17:30. */
	assert_true(cal_add_business_minutes(&cal2026, T("2026-03-30T08:30:00"), 420) ==
		    T("2026-03-30T08:30:00") + 9 * 3600 * 1000LL);
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		setenv("TZ", zones[i], 1);
		tzset();
		run_add_cases(zones[i]);
		run_between_cases(zones[i]);
	}
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

/* ---- properties ---- */

static const int64_t prop_minutes[] = { 0,   1,    29,   30,   59,    60,    209,   210,
					211, 419,  420,  421,  1000,  4321,  10000, 100000 };

/* between(s, add(s, m)) == m, and add gives the earliest such instant. */
static void
test_inverse_property(void **state)
{
	int64_t from = T("2025-12-20T00:00:00"), to = T("2027-01-15T00:00:00");
	int64_t step = 7 * 3600 * 1000LL + 13 * MINUTE_MS + 17 * 1000 + 3;	/* hits every offset */
	long checks = 0;

	(void)state;
	for (int64_t s = from; s < to; s += step) {
		for (size_t k = 0; k < sizeof(prop_minutes) / sizeof(prop_minutes[0]); k++) {
			int64_t m = prop_minutes[k], t = cal_add_business_minutes(&cal2026, s, m);
			char a[40], b[40];
			if (t == CAL_NEVER || t < s ||
			    cal_business_minutes_between(&cal2026, s, t) != m ||
			    cal_business_ms_between(&cal2026, s, t) != m * MINUTE_MS ||
			    (m > 0 && cal_business_ms_between(&cal2026, s, t - 1) != m * MINUTE_MS - 1))
				fail_msg("inverse fails for start %s, m %lld: add = %s",
					 show(s, a, sizeof(a)), (long long)m, show(t, b, sizeof(b)));
			checks++;
		}
	}
	assert_true(checks > 10000);
}

/* Reference: count working minutes one by one (minute-aligned instants). */
static int64_t
naive_between(const struct cal *c, int64_t from, int64_t to)
{
	int64_t n = 0;

	for (int64_t t = from; t < to; t += MINUTE_MS) {
		int64_t local = t + 8 * 3600 * 1000LL;
		int minute = (int)(local % (86400 * 1000LL) / MINUTE_MS);
		if (!cal_is_workday(c, cal_local_date(t)))
			continue;
		for (int i = 0; i < c->nperiods; i++)
			if (minute >= c->periods[i].start && minute < c->periods[i].end)
				n++;
	}
	return n;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static int64_t
next_rand(int64_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int64_t)((rng >> 33) % (uint64_t)n);
}

static void
test_between_matches_minute_count(void **state)
{
	static const char *windows[] = { "2026-01-01T00:00:00", "2026-02-08T00:00:00",
					 "2026-04-28T00:00:00", "2026-09-15T00:00:00",
					 "2026-12-24T00:00:00" };

	(void)state;
	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		int64_t base = T(windows[w]);
		for (int i = 0; i < 40; i++) {
			int64_t a = base + next_rand(25 * 1440) * MINUTE_MS;
			int64_t b = a + next_rand(20 * 1440) * MINUTE_MS;
			int64_t want = naive_between(&cal2026, a, b);
			char x[40], y[40];
			if (cal_business_minutes_between(&cal2026, a, b) != want)
				fail_msg("between(%s, %s) != %lld", show(a, x, sizeof(x)),
					 show(b, y, sizeof(y)), (long long)want);
		}
	}
}

/* ---- limits: bounded, never an infinite loop ---- */

static void
test_no_working_time_is_never(void **state)
{
	struct cal c;

	(void)state;
	cal_default(&c);
	c.nperiods = 0;
	assert_true(cal_add_business_minutes(&c, T("2026-11-24T10:00:00"), 1) == CAL_NEVER);
	assert_true(cal_add_business_minutes(&c, T("2026-11-24T10:00:00"), 0) == CAL_NEVER);
	assert_int_equal(cal_business_minutes_between(&c, T("2026-01-01T00:00:00"),
						      T("2027-01-01T00:00:00")), 0);
}

static void
test_bad_input_and_range_ends(void **state)
{
	struct cal c;
	int64_t t0 = T("2026-11-24T10:00:00");

	(void)state;
	cal_default(&c);
	assert_true(cal_add_business_minutes(&c, t0, -1) == CAL_NEVER);
	assert_true(cal_add_business_ms(&c, t0, -1) == CAL_NEVER);
	assert_true(cal_add_business_minutes(&c, t0, INT64_MAX) == CAL_NEVER);
	assert_true(cal_add_business_minutes(&c, INT64_MIN, 1) == CAL_NEVER);
	assert_true(cal_add_business_minutes(&c, CAL_MS_MAX + 1, 1) == CAL_NEVER);
	/* 9999-12-31 is a Friday: 30 minutes fit, 60 would need year 10000. */
	assert_true(cal_add_business_minutes(&c, T("9999-12-31T17:00:00"), 30) ==
		    T("9999-12-31T17:30:00"));
	assert_true(cal_add_business_minutes(&c, T("9999-12-31T17:00:00"), 60) == CAL_NEVER);
	/* Ten years of minutes: answered by counting, not stepping. */
	assert_true(cal_add_business_minutes(&c, t0, 10LL * 261 * 420) < T("2037-01-01T00:00:00"));
	/* Whole range, clamped; the extremes cost no more than a week. */
	assert_true(cal_business_minutes_between(&c, INT64_MIN, INT64_MAX) ==
		    cal_business_minutes_between(&c, CAL_MS_MIN, CAL_MS_MAX));
	assert_true(cal_business_minutes_between(&c, INT64_MIN, INT64_MAX) > 0);
	assert_int_equal(cal_business_minutes_between(&c, INT64_MAX, INT64_MIN), 0);
}

/* Every weekday of 2026 a holiday: the answer is in 2027, found without stepping. */
static void
test_year_of_holidays(void **state)
{
	struct cal c;
	struct err e = { 0 };

	(void)state;
	cal_default(&c);
	for (int64_t t = T("2026-01-01T12:00:00"); t < T("2027-01-01T00:00:00");
	     t += 86400 * 1000LL) {
		int d = cal_local_date(t);
		if (cal_is_workday(&c, d))
			assert_int_equal(cal_put_day(&c, arena, d, CAL_HOLIDAY, "test", &e), 0);
	}
	assert_int_equal(c.ndays, 261);
	assert_true(cal_add_business_minutes(&c, T("2026-01-01T00:00:00"), 60) ==
		    T("2027-01-01T09:30:00"));
	assert_int_equal(cal_business_minutes_between(&c, T("2026-01-01T00:00:00"),
						      T("2027-01-01T00:00:00")), 0);
}

/* ---- the in-memory calendar ---- */

static void
test_put_day_keeps_order_and_replaces(void **state)
{
	struct cal c;
	struct err e = { 0 };

	(void)state;
	cal_default(&c);
	assert_int_equal(cal_put_day(&c, arena, 20261005, CAL_HOLIDAY, "a", &e), 0);
	assert_int_equal(cal_put_day(&c, arena, 20261001, CAL_HOLIDAY, "b", &e), 0);
	assert_int_equal(cal_put_day(&c, arena, 20261010, CAL_WORKDAY, "c", &e), 0);
	assert_int_equal(cal_put_day(&c, arena, 20261003, CAL_HOLIDAY, "d", &e), 0);
	assert_int_equal(cal_put_day(&c, arena, 20261005, CAL_WORKDAY, "e", &e), 0);
	assert_int_equal(c.ndays, 4);
	assert_int_equal(c.days[0].date, 20261001);
	assert_int_equal(c.days[1].date, 20261003);
	assert_int_equal(c.days[2].date, 20261005);
	assert_int_equal(c.days[2].kind, CAL_WORKDAY);
	assert_string_equal(c.days[2].name, "e");
	assert_int_equal(c.days[3].date, 20261010);
	assert_int_equal(cal_is_workday(&c, 20261001), 0);
	assert_int_equal(cal_is_workday(&c, 20261010), 1);
	assert_int_equal(cal_put_day(&c, arena, 20260230, CAL_HOLIDAY, "x", &e), ERR_INVALID);
	assert_int_equal(cal_put_day(&c, arena, 19991231, CAL_HOLIDAY, "x", &e), ERR_INVALID);
	assert_int_equal(c.ndays, 4);
}

/* Four periods, one ending at midnight (24:00). */
static void
test_custom_periods(void **state)
{
	struct cal c;
	struct err e = { 0 };

	(void)state;
	cal_default(&c);
	c.periods[0] = (struct cal_period){ 0, 60 };
	c.periods[1] = (struct cal_period){ 8 * 60, 12 * 60 };
	c.periods[2] = (struct cal_period){ 12 * 60, 13 * 60 };	/* touching is fine */
	c.periods[3] = (struct cal_period){ 23 * 60, 24 * 60 };
	c.nperiods = 4;
	assert_int_equal(cal_check_periods(c.periods, c.nperiods, &e), 0);
	assert_true(cal_add_business_minutes(&c, T("2026-11-24T12:30:00"), 30) ==
		    T("2026-11-24T13:00:00"));
	assert_true(cal_add_business_minutes(&c, T("2026-11-24T23:30:00"), 30) ==
		    T("2026-11-25T00:00:00"));
	assert_true(cal_add_business_minutes(&c, T("2026-11-24T23:30:00"), 31) ==
		    T("2026-11-25T00:01:00"));
	/* Friday 23:30 + 60: 30 that night, then Monday 00:00-00:30. */
	assert_true(cal_add_business_minutes(&c, T("2026-11-27T23:30:00"), 60) ==
		    T("2026-11-30T00:30:00"));
	assert_int_equal(cal_business_minutes_between(&c, T("2026-11-24T00:00:00"),
						      T("2026-11-25T00:00:00")), 60 + 300 + 60);
}

static const struct {
	struct cal_period p[5];
	int n, rc;
} period_cases[] = {
	{ { { 510, 720 }, { 840, 1050 } }, 2, 0 },
	{ { { 0, 1440 } }, 1, 0 },
	{ { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 4 } }, 4, 0 },
	{ { { 0 } }, 0, ERR_INVALID },					/* none */
	{ { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 4 }, { 4, 5 } }, 5, ERR_INVALID },	/* five */
	{ { { 720, 510 } }, 1, ERR_INVALID },				/* start after end */
	{ { { 510, 510 } }, 1, ERR_INVALID },				/* empty */
	{ { { -1, 510 } }, 1, ERR_INVALID },
	{ { { 510, 1441 } }, 1, ERR_INVALID },
	{ { { 840, 1050 }, { 510, 720 } }, 2, ERR_INVALID },		/* out of order */
	{ { { 510, 900 }, { 840, 1050 } }, 2, ERR_INVALID },		/* overlap */
};

static void
test_check_periods(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(period_cases) / sizeof(period_cases[0]); i++) {
		struct err e = { 0 };
		int rc = cal_check_periods(period_cases[i].p, period_cases[i].n, &e);
		if (rc != period_cases[i].rc)
			fail_msg("period case %zu: rc %d, want %d", i, rc, period_cases[i].rc);
		if (rc && (e.nfields < 1 || strcmp(e.fields[0].name, "periods") != 0))
			fail_msg("period case %zu: no field error on periods", i);
	}
}

/* ---- parsers ---- */

static const struct {
	const char *in;
	int rc, want;
} date_cases[] = {
	{ "2026-10-01", 0, 20261001 },	{ "2024-02-29", 0, 20240229 },
	{ "2000-01-01", 0, 20000101 },	{ "2100-12-31", 0, 21001231 },
	{ "2026-02-29", ERR_INVALID, 0 }, { "2026-04-31", ERR_INVALID, 0 },
	{ "2026-13-01", ERR_INVALID, 0 }, { "2026-00-10", ERR_INVALID, 0 },
	{ "2026-1-01", ERR_INVALID, 0 },	{ "2026-01-1", ERR_INVALID, 0 },
	{ " 2026-01-01", ERR_INVALID, 0 }, { "2026-01-01x", ERR_INVALID, 0 },
	{ "2026/01/01", ERR_INVALID, 0 }, { "1999-12-31", ERR_INVALID, 0 },
	{ "2101-01-01", ERR_INVALID, 0 }, { "2026-01--1", ERR_INVALID, 0 },
	{ "", ERR_INVALID, 0 },		{ "20261001", ERR_INVALID, 0 },
};

static const struct {
	const char *in;
	int rc, want;
} hhmm_cases[] = {
	{ "08:30", 0, 510 },	 { "00:00", 0, 0 },	     { "23:59", 0, 1439 },
	{ "24:00", 0, 1440 },	 { "24:01", ERR_INVALID, 0 }, { "25:00", ERR_INVALID, 0 },
	{ "12:60", ERR_INVALID, 0 }, { "8:30", ERR_INVALID, 0 }, { "08:3", ERR_INVALID, 0 },
	{ "08-30", ERR_INVALID, 0 }, { "-0:30", ERR_INVALID, 0 }, { "08:-1", ERR_INVALID, 0 },
	{ "0830", ERR_INVALID, 0 },	 { "", ERR_INVALID, 0 },    { "08:30:00", ERR_INVALID, 0 },
};

static void
test_parsers(void **state)
{
	char out[16];
	enum cal_kind k;

	(void)state;
	for (size_t i = 0; i < sizeof(date_cases) / sizeof(date_cases[0]); i++) {
		int got = -1, rc = cal_parse_date(date_cases[i].in, &got);
		if (rc != date_cases[i].rc || (!rc && got != date_cases[i].want))
			fail_msg("cal_parse_date(\"%s\") = %d/%d", date_cases[i].in, rc, got);
	}
	for (size_t i = 0; i < sizeof(hhmm_cases) / sizeof(hhmm_cases[0]); i++) {
		int got = -1, rc = cal_parse_hhmm(hhmm_cases[i].in, &got);
		if (rc != hhmm_cases[i].rc || (!rc && got != hhmm_cases[i].want))
			fail_msg("cal_parse_hhmm(\"%s\") = %d/%d", hhmm_cases[i].in, rc, got);
	}
	cal_format_date(20260101, out, sizeof(out));
	assert_string_equal(out, "2026-01-01");
	assert_int_equal(cal_kind_parse("holiday", &k), 0);
	assert_int_equal(k, CAL_HOLIDAY);
	assert_int_equal(cal_kind_parse("workday", &k), 0);
	assert_int_equal(k, CAL_WORKDAY);
	assert_int_equal(cal_kind_parse("Holiday", &k), ERR_INVALID);
	assert_int_equal(cal_kind_parse("", &k), ERR_INVALID);
}

static const struct {
	int64_t ms;
	int want;
} local_date_cases[] = {
	{ CAL_MS_MIN, 19700101 },
	{ -1, 19700101 },		/* 07:59:59.999 local */
	{ -28800001LL, 19691231 },	/* before local midnight of day 0 */
	{ 1798732799999LL, 20261231 },	/* 2026-12-31T23:59:59.999+08:00 */
	{ 1798732800000LL, 20270101 },
	{ 1709136000000LL, 20240229 },
	{ CAL_MS_MAX, 99991231 },
};

static void
test_local_date(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(local_date_cases) / sizeof(local_date_cases[0]); i++)
		if (cal_local_date(local_date_cases[i].ms) != local_date_cases[i].want)
			fail_msg("cal_local_date(%lld) = %d, want %d",
				 (long long)local_date_cases[i].ms,
				 cal_local_date(local_date_cases[i].ms), local_date_cases[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_2026_loads),
		cmocka_unit_test(test_is_workday),
		cmocka_unit_test(test_add_table),
		cmocka_unit_test(test_between_table),
		cmocka_unit_test(test_shanghai_fixed_offset_any_tz),
		cmocka_unit_test(test_inverse_property),
		cmocka_unit_test(test_between_matches_minute_count),
		cmocka_unit_test(test_no_working_time_is_never),
		cmocka_unit_test(test_bad_input_and_range_ends),
		cmocka_unit_test(test_year_of_holidays),
		cmocka_unit_test(test_put_day_keeps_order_and_replaces),
		cmocka_unit_test(test_custom_periods),
		cmocka_unit_test(test_check_periods),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_local_date),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
