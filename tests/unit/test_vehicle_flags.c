/*
** tests/unit/test_vehicle_flags.c: the flag rules of modules/vehicles/flags.h at
** their edges (exactly 1 h late is on time, 1 h + 1 ms is late; exactly 2× the
** estimate is fine, 2× + 1 km is not; an odometer gap of 0 km vs 1 km; a
** weekend day inside vs outside the approved days; the 2026 calendar's
** holidays and 调休 Saturdays), and the one-liners built from the evidence.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "modules/vehicles/flags.h"

#include <string.h>

static struct cal cal2026;	/* the shipped 2026 data (org_agency_create's copy) */
static struct arena *arena;
static struct db *db;

static int64_t
T(const char *local)
{
	int64_t ms;

	if (iso_to_ms(local, &ms))
		fail_msg("bad test time %s", local);
	return ms;
}

static int
setup(void **state)
{
	struct err e = { 0 };
	int64_t agency;
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

static void
test_late_return_edges(void **state)
{
	int64_t end = T("2026-11-13T18:00:00+08:00"), late = -1;

	(void)state;
	assert_false(flag_is_late(end, end - 1, &late));
	assert_int_equal(late, 0);
	assert_false(flag_is_late(end, end + HOUR_MS, &late));	/* exactly 1 h: on time */
	assert_int_equal(late, 60);
	assert_true(flag_is_late(end, end + HOUR_MS + 1, &late));	/* 1 h + 1 ms: late */
	assert_int_equal(late, 60);
	assert_true(flag_is_late(end, end + 3 * HOUR_MS, &late));
	assert_int_equal(late, 180);
}

static void
test_over_distance_edges(void **state)
{
	(void)state;
	assert_false(flag_is_over_distance(40, 80));	/* exactly 2× */
	assert_true(flag_is_over_distance(40, 81));	/* 2× + 1 km */
	assert_false(flag_is_over_distance(0, 500));	/* no estimate, no rule */
	assert_false(flag_is_over_distance(1, 2));
	assert_true(flag_is_over_distance(1, 3));
}

static void
test_odometer_gap_edges(void **state)
{
	(void)state;
	assert_int_equal(FLAG_GAP_TOLERANCE_KM, 0);
	assert_false(flag_is_gap(10000, 10000));	/* 0 km: accounted for */
	assert_true(flag_is_gap(10000, 10001));	/* 1 km: unexplained */
	assert_false(flag_is_gap(10000, 9990));	/* backwards is dispatch's 422, not a flag */
}

static void
test_off_day_weekend(void **state)
{
	int64_t fri9 = T("2026-11-13T09:00:00+08:00"), fri18 = T("2026-11-13T18:00:00+08:00");
	int64_t sat10 = T("2026-11-14T10:00:00+08:00"), sat18 = T("2026-11-14T18:00:00+08:00");
	int64_t sat0 = T("2026-11-14T00:00:00+08:00");

	(void)state;
	assert_true(cal_is_workday(&cal2026, 20261113));
	assert_false(cal_is_workday(&cal2026, 20261114));
	/* driven on the approved Friday only */
	assert_int_equal(flag_off_day(&cal2026, fri9, fri18, fri9, fri18), 0);
	/* back on Saturday, approved until Friday evening: Saturday lies outside */
	assert_int_equal(flag_off_day(&cal2026, fri9, fri18, fri9, sat10), 20261114);
	/* the Saturday approved: inside */
	assert_int_equal(flag_off_day(&cal2026, fri9, sat18, fri9, sat10), 0);
	/* approved until Saturday 00:00 (exclusive): Saturday is not an approved day */
	assert_int_equal(flag_off_day(&cal2026, fri9, sat0, fri9, sat10), 20261114);
	/* a whole approved weekend trip */
	assert_int_equal(flag_off_day(&cal2026, sat10, sat18, sat10, sat18), 0);
}

static void
test_off_day_holidays(void **state)
{
	int64_t wed9 = T("2026-09-30T09:00:00+08:00"), wed18 = T("2026-09-30T18:00:00+08:00");
	int64_t thu10 = T("2026-10-01T10:00:00+08:00");
	int64_t fri9 = T("2026-10-09T09:00:00+08:00"), fri18 = T("2026-10-09T18:00:00+08:00");
	int64_t sat10 = T("2026-10-10T10:00:00+08:00"), sun10 = T("2026-10-11T10:00:00+08:00");

	(void)state;
	/* 国庆节: 10-01 is a Thursday and a holiday */
	assert_int_equal(flag_off_day(&cal2026, wed9, wed18, wed9, thu10), 20261001);
	/* 2026-10-10 is a Saturday but a 调休 working day: not flagged; Sunday is */
	assert_int_equal(flag_off_day(&cal2026, fri9, fri18, fri9, sat10), 0);
	assert_int_equal(flag_off_day(&cal2026, fri9, fri18, fri9, sun10), 20261011);
}

static void
test_over_tank_edges(void **state)
{
	(void)state;
	assert_false(flag_is_over_tank("petrol", 60, 6000));	/* exactly full */
	assert_true(flag_is_over_tank("petrol", 60, 6001));
	assert_true(flag_is_over_tank("diesel", 60, 6001));
	assert_false(flag_is_over_tank("electric", 60, 99999));	/* not checked */
	assert_false(flag_is_over_tank("petrol", 0, 99999));	/* tank unknown */
}

static const char *
summary(const char *kind, const char *evidence)
{
	json_t *ev = jarena(arena, json_loads(evidence, 0, NULL));

	assert_non_null(ev);

	return flag_summary(arena, kind, ev);
}

static void
test_summaries(void **state)
{
	(void)state;
	assert_non_null(strstr(summary(FLAG_LATE_RETURN,
				       "{\"end_at\":\"2026-11-13T18:00:00.000+08:00\","
				       "\"return_at\":\"2026-11-13T19:30:00.000+08:00\","
				       "\"late_min\":90}"),
			       "90 分钟还车（批准至 11-13 18:00，实际 11-13 19:30）"));
	assert_non_null(strstr(summary(FLAG_OVER_DISTANCE, "{\"est_km\":40,\"driven_km\":95}"),
			       "行驶 95 公里，超过预计 40 公里"));
	assert_non_null(strstr(summary(FLAG_ODOMETER_GAP,
				       "{\"last_km\":100,\"depart_km\":107,\"gap_km\":7,"
				       "\"prev_trip_code\":\"YC2026-0001\"}"),
			       "多出 7 公里，上次还车：YC2026-0001"));
	assert_non_null(strstr(summary(FLAG_SEALED_MOVEMENT,
				       "{\"what\":\"trip\",\"from\":\"2026-10-01\","
				       "\"to\":\"2026-10-07\",\"override\":null}"),
			       "封存期间（2026-10-01 至 2026-10-07）出车，未经领导批准"));
	assert_non_null(strstr(summary(FLAG_SEALED_MOVEMENT,
				       "{\"what\":\"trip\",\"from\":\"2026-10-01\","
				       "\"to\":\"2026-10-07\",\"override\":\"approved\"}"),
			       "已经领导批准"));
	assert_non_null(strstr(summary(FLAG_SEALED_MOVEMENT,
				       "{\"what\":\"trip\",\"from\":\"2026-10-01\","
				       "\"to\":\"2026-10-07\",\"override\":\"pending\"}"),
			       "领导尚未批准"));
	assert_non_null(strstr(summary(FLAG_SEALED_MOVEMENT,
				       "{\"what\":\"refuel\",\"from\":\"2026-10-01\","
				       "\"to\":\"2026-10-07\"}"),
			       "封存期间（2026-10-01 至 2026-10-07）加油"));
	assert_non_null(strstr(summary(FLAG_REFUEL_OVER_TANK,
				       "{\"date\":\"2026-11-02\",\"litres_x100\":6550,"
				       "\"tank_litres\":60}"),
			       "加油 65.50 升，超过油箱容量 60 升"));
	assert_non_null(strstr(summary(FLAG_REFUEL_NO_TRIP,
				       "{\"date\":\"2026-11-02\",\"litres_x100\":4000}"),
			       "2026-11-02 加油 40.00 升，当天没有出车记录"));
	assert_non_null(strstr(summary(FLAG_OFF_DAY, "{\"day\":\"2026-11-14\","
				       "\"start_at\":\"2026-11-13T09:00:00.000+08:00\","
				       "\"end_at\":\"2026-11-13T18:00:00.000+08:00\"}"),
			       "2026-11-14 为非工作日"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_late_return_edges),
		cmocka_unit_test(test_over_distance_edges),
		cmocka_unit_test(test_odometer_gap_edges),
		cmocka_unit_test(test_off_day_weekend),
		cmocka_unit_test(test_off_day_holidays),
		cmocka_unit_test(test_over_tank_edges),
		cmocka_unit_test(test_summaries),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
