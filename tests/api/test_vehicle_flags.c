/*
** tests/api/test_vehicle_flags.c: the supervisor's flags through the real flow,
** on either backend (HOUQIN_TEST_BACKEND): trips requested, approved and
** dispatched over HTTP on a workday before a day off, then driven in the past's
** place with the clock moved (the driver's depart/return called in-process, so
** the sessions keep their time): a 7 km odometer gap, a return 1 h + 1 ms late
** and 81 km against 40 estimated, a return on the day off; each raised once
** (the hooks run again add nothing); the refuel checks; GET /trip-flags for
** each role and its filters and export; the supervisor's 核查 (409 the second time); a
** sealed vehicle moved with a leader's leave (seals.h): flagged, saying it was approved.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/vehicles/flags.h"
#include "modules/vehicles/trips.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client staff, head, office, leader, sup, worker;
static int64_t veh[3], drv, trip1, trip2;
static int day;			/* a workday before a day off, a few days ahead */

static void
exec(const char *sql)
{
	struct db *db = db_pool_writer(srv.pool);
	struct err e = { 0 };
	int rc = db_exec(db, sql, &e);

	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("%s: %s", sql, e.msg);
}

static int64_t
add_vehicle(const char *plate, int km)
{
	char sql[512];
	struct db *db;
	int64_t id;

	snprintf(sql, sizeof(sql),
		 "INSERT INTO vehicle (agency_id, plate, brand, model, seats, type, energy, status,"
		 " odometer_km, tank_litres, created_at, updated_at) VALUES (%lld, '%s', '大众',"
		 " '帕萨特', 5, 'sedan', 'petrol', 'available', %d, 60, 1, 1)",
		 (long long)srv.agency_id, plate, km);
	exec(sql);
	db = db_pool_writer(srv.pool);
	id = db_last_id(db);
	db_pool_writer_unlock(srv.pool);
	return id;
}

/* The first workday at least 3 days ahead whose next day is not one. */
static int
workday_before_off(void)
{
	struct arena *a = arena_new(8192);
	struct db *db = db_pool_writer(srv.pool);
	struct err e = { 0 };
	struct cal cal;
	int64_t d = (now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS + 3;
	int rc = cal_load_agency(db, a, srv.agency_id, &cal, &e);

	db_pool_writer_unlock(srv.pool);
	assert_int_equal(rc, 0);
	while (!cal_is_workday(&cal, days_to_date(d)) || cal_is_workday(&cal, days_to_date(d + 1)))
		d++;
	arena_free(a);
	return days_to_date(d);
}

/* Epoch ms of minute m of `day` + d days (Shanghai). */
static int64_t
ms_at(int d, int m)
{
	return (date_to_days(day) + d) * DAY_MS + m * MINUTE_MS - SHANGHAI_OFFSET_MS;
}

static const char *
iso(int d, int m, char *buf, size_t size)
{
	int date = days_to_date(date_to_days(day) + d);

	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:00+08:00", date / 10000, date / 100 % 100,
		 date % 100, m / 60, m % 60);
	return buf;
}

static int64_t
int_of(const json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static const char *
str_of(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static void
approve(struct hq_client *c, int64_t approval)
{
	char path[80];

	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision", (long long)approval);
	json_decref(hq_expect(&srv, c, "POST", path, "{\"decision\":\"approve\"}", 200, NULL));
}

/* Requested by staff for [from, to) minutes of `day` and approved by the department head. */
static int64_t
approved(int from, int to)
{
	char body[512], s[40], t[40];
	json_t *j;
	int64_t id;

	snprintf(body, sizeof(body),
		 "{\"purpose\":\"调研\",\"destination\":\"市档案馆\",\"passengers\":1,"
		 "\"start_at\":\"%s\",\"end_at\":\"%s\",\"est_km\":40}", iso(0, from, s, sizeof(s)),
		 iso(0, to, t, sizeof(t)));
	j = hq_expect(&srv, &staff, "POST", "/api/v1/trips", body, 201, NULL);
	id = int_of(j, "id");
	approve(&head, int_of(j, "approval_id"));
	json_decref(j);
	return id;
}

static void
dispatch(int64_t id, int64_t v, long want, const char *code)
{
	char body[128], path[80];

	snprintf(path, sizeof(path), "/api/v1/trips/%lld/dispatch", (long long)id);
	snprintf(body, sizeof(body), "{\"vehicle_id\":%lld,\"driver_id\":%lld}", (long long)v,
		 (long long)drv);
	json_decref(hq_expect(&srv, &office, "POST", path, body, want, code));
}

static int64_t
dispatched(int from, int to, int64_t v)
{
	int64_t id = approved(from, to);

	dispatch(id, v, 200, NULL);
	return id;
}

enum move { DEPART, RETURN, RERUN };

/* One move of trip id by the driver at `at` (the clock moved there and back), own transaction. */
static void
move(enum move m, int64_t id, int64_t at, int64_t km)
{
	struct trip_log_in log = { .odometer_km = km };
	struct arena *a = arena_new(8192);
	struct db *w = db_pool_writer(srv.pool);
	int64_t shift = at - now_ms();
	struct err e = { 0 };
	struct trip t;
	struct actor who;
	int rc;

	clock_advance(shift);
	rc = db_begin_write(w, &e) || auth_load_actor(w, a, drv, &who, &e);
	if (!rc && m == DEPART)
		rc = trip_depart(w, a, &who, id, km, &e);
	else if (!rc && m == RETURN)
		rc = trip_return(w, a, &who, id, &log, &e);
	else if (!rc)	/* the hooks again: nothing new */
		rc = trip_row(w, a, srv.agency_id, id, &t, &e) ||
		     flag_on_depart(w, a, &who, &t, t.depart_km - 7, t.depart_km, &e) ||
		     flag_on_return(w, a, &who, id, &e);
	if (rc)
		db_rollback(w);
	else
		rc = db_commit(w, &e);
	clock_advance(-shift);
	db_pool_writer_unlock(srv.pool);
	arena_free(a);
	if (rc)
		fail_msg("move %d of trip %lld: %s", m, (long long)id, e.msg);
}

static void
refuel(int64_t v, int date, int64_t litres_x100, int64_t cost_id)
{
	struct arena *a = arena_new(8192);
	struct db *w = db_pool_writer(srv.pool);
	struct err e = { 0 };
	int rc = db_begin_write(w, &e) ||
		 flag_check_refuel(w, a, srv.agency_id, v, date, litres_x100, cost_id, &e);

	if (rc)
		db_rollback(w);
	else
		rc = db_commit(w, &e);
	db_pool_writer_unlock(srv.pool);
	arena_free(a);
	if (rc)
		fail_msg("refuel: %s", e.msg);
}

static int
setup(void **state)
{
	int64_t ids[1];
	char sql[256];

	(void)state;
	hq_start(&srv);
	hq_fixture_users(&srv, srv.agency_id, srv.office_dept_id, "fdrv", "worker", 1, ids);
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &head, "dept_head");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &leader, "leader");
	hq_sign_in(&srv, &sup, "supervisor");
	hq_sign_in(&srv, &worker, "worker");
	drv = ids[0];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO driver_profile (user_id, agency_id, licence_class, licence_expiry,"
		 " updated_at) VALUES (%lld, %lld, 'C1', 20991231, 1)", (long long)drv,
		 (long long)srv.agency_id);
	exec(sql);
	veh[0] = add_vehicle("京A·20001", 10000);
	veh[1] = add_vehicle("京A·20002", 500);
	veh[2] = add_vehicle("京A·20003", 0);
	day = workday_before_off();
	return 0;
}

static int
teardown(void **state)
{
	struct hq_client *all[] = { &staff, &head, &office, &leader, &sup, &worker };

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		hq_client_free(all[i]);
	hq_stop(&srv);
	return 0;
}

static json_t *
flags(struct hq_client *c, const char *query, int64_t want_total)
{
	char path[200];
	json_t *j;

	snprintf(path, sizeof(path), "/api/v1/trip-flags%s", query);
	j = hq_expect(&srv, c, "GET", path, NULL, 200, NULL);
	if (want_total >= 0 && int_of(j, "total") != want_total)
		fail_msg("%s: total %lld, not %lld", path, (long long)int_of(j, "total"),
			 (long long)want_total);
	return j;
}

/* The item of kind in list j (the test fails when it is missing). */
static json_t *
of_kind(json_t *j, const char *kind)
{
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, x)
		if (strcmp(str_of(x, "kind"), kind) == 0)
			return x;
	fail_msg("no %s flag", kind);
	return NULL;
}

/* 9:00–11:00, est. 40 km: out with 7 km nobody logged, back 1 h + 1 ms late after 81 km. */
static void
test_late_distance_gap_raised_once(void **state)
{
	char q[64];
	json_t *j, *x;

	(void)state;
	trip1 = dispatched(9 * 60, 11 * 60, veh[0]);
	move(DEPART, trip1, ms_at(0, 9 * 60 + 5), 10007);
	move(RETURN, trip1, ms_at(0, 12 * 60) + 1, 10007 + 81);
	snprintf(q, sizeof(q), "?vehicle_id=%lld", (long long)veh[0]);
	j = flags(&sup, q, 3);
	x = of_kind(j, FLAG_LATE_RETURN);
	assert_int_equal(int_of(json_object_get(x, "evidence"), "late_min"), 60);
	assert_int_equal(int_of(x, "trip_id"), trip1);
	assert_int_equal(int_of(x, "driver_id"), drv);
	assert_non_null(strstr(str_of(x, "summary"), "晚于批准的返回时间 60 分钟还车"));
	x = of_kind(j, FLAG_OVER_DISTANCE);
	assert_int_equal(int_of(json_object_get(x, "evidence"), "driven_km"), 81);
	assert_int_equal(int_of(json_object_get(x, "evidence"), "est_km"), 40);
	x = of_kind(j, FLAG_ODOMETER_GAP);
	assert_int_equal(int_of(json_object_get(x, "evidence"), "gap_km"), 7);
	assert_int_equal(int_of(json_object_get(x, "evidence"), "last_km"), 10000);
	assert_true(json_is_null(json_object_get(x, "driver_id")));	/* nobody logged those km */
	assert_non_null(str_of(x, "trip_code"));
	json_decref(j);
	move(RERUN, trip1, ms_at(0, 12 * 60) + 2, 0);
	json_decref(flags(&sup, q, 3));
}

/* 14:00–18:00 on the workday, back the next (a day off) at 10:00: off_day_unapproved. */
static void
test_off_day_raised(void **state)
{
	char q[64], want[16];
	json_t *j, *x;
	int next = days_to_date(date_to_days(day) + 1);

	(void)state;
	trip2 = dispatched(14 * 60, 18 * 60, veh[1]);
	move(DEPART, trip2, ms_at(0, 14 * 60 + 5), 500);	/* no gap: 0 km is no flag */
	move(RETURN, trip2, ms_at(1, 10 * 60), 520);
	snprintf(q, sizeof(q), "?vehicle_id=%lld", (long long)veh[1]);
	j = flags(&sup, q, 2);	/* off day and 16 h late; 20 km is within the estimate */
	x = of_kind(j, FLAG_OFF_DAY);
	cal_format_date(next, want, sizeof(want));
	assert_string_equal(str_of(json_object_get(x, "evidence"), "day"), want);
	of_kind(j, FLAG_LATE_RETURN);
	json_decref(j);
	snprintf(q, sizeof(q), "?kind=%s", FLAG_OFF_DAY);
	json_decref(flags(&leader, q, 1));
}

/* 12:00–13:00 on a sealed vehicle, dispatched with a leader's leave: flagged once, saying so. */
static void
test_sealed_movement(void **state)
{
	char body[256], path[80], d[16], q[64];
	int64_t id;
	json_t *j, *x;

	(void)state;
	cal_format_date(day, d, sizeof(d));
	snprintf(body, sizeof(body), "{\"vehicle_ids\":[%lld],\"from\":\"%s\",\"to\":\"%s\","
		 "\"reason\":\"节日封存\"}", (long long)veh[2], d, d);
	json_decref(hq_expect(&srv, &office, "POST", "/api/v1/vehicle-seals", body, 201, NULL));
	id = approved(12 * 60, 13 * 60);
	dispatch(id, veh[2], 422, "vehicle_sealed");
	snprintf(path, sizeof(path), "/api/v1/trips/%lld/seal-override", (long long)id);
	snprintf(body, sizeof(body), "{\"vehicle_id\":%lld,\"reason\":\"紧急公务\"}",
		 (long long)veh[2]);
	j = hq_expect(&srv, &office, "POST", path, body, 201, NULL);
	approve(&leader, int_of(j, "approval_id"));
	json_decref(j);
	dispatch(id, veh[2], 200, NULL);
	move(DEPART, id, ms_at(0, 12 * 60 + 5), 0);
	move(RETURN, id, ms_at(0, 12 * 60 + 50), 10);
	snprintf(q, sizeof(q), "?vehicle_id=%lld", (long long)veh[2]);
	j = flags(&sup, q, 1);
	x = of_kind(j, FLAG_SEALED_MOVEMENT);
	assert_string_equal(str_of(json_object_get(x, "evidence"), "override"), "approved");
	assert_string_equal(str_of(json_object_get(x, "evidence"), "from"), d);
	assert_non_null(strstr(str_of(x, "summary"), "已经领导批准"));
	json_decref(j);
	/* a refuel of the sealed vehicle that day: the trip covers it, the seal does not */
	refuel(veh[2], day, 1000, 9003);
	j = flags(&sup, q, 2);
	x = json_array_get(json_object_get(j, "items"), 1);	/* at the day's start: the older */
	assert_int_equal(int_of(x, "cost_id"), 9003);
	assert_non_null(strstr(str_of(x, "summary"), "加油"));
	json_decref(j);
}

/* A refuel with no trip that day; one over the 60-litre tank on a trip day; each once. */
static void
test_refuel_checks(void **state)
{
	int none = days_to_date(date_to_days(day) + 2);
	json_t *j, *x;

	(void)state;
	refuel(veh[1], none, 4000, 9001);
	refuel(veh[0], day, 6001, 9002);
	refuel(veh[0], day, 6001, 9002);
	j = flags(&office, "?kind=refuel_no_trip", 1);
	x = json_array_get(json_object_get(j, "items"), 0);
	assert_int_equal(int_of(x, "cost_id"), 9001);
	assert_non_null(strstr(str_of(x, "summary"), "加油 40.00 升，当天没有出车记录"));
	json_decref(j);
	j = flags(&office, "?kind=refuel_over_tank", 1);
	x = json_array_get(json_object_get(j, "items"), 0);
	assert_int_equal(int_of(x, "trip_id"), trip1);	/* the trip of that day */
	json_decref(j);
}

static int64_t
counter(struct hq_client *c, const char *key)
{
	json_t *j = hq_expect(&srv, c, "GET", "/api/v1/workbench", NULL, 200, NULL), *x;
	int64_t n = -1;
	size_t i;

	json_array_foreach(json_object_get(j, "counters"), i, x)
		if (strcmp(str_of(x, "key"), key) == 0)
			n = int_of(x, "count");
	json_decref(j);
	return n;
}

/* Who reads the flags; the supervisor's 核查, once. */
static void
test_roles_and_review(void **state)
{
	struct hq_resp r;
	char path[80];
	json_t *j;
	int64_t id, all;

	(void)state;
	json_decref(hq_expect(&srv, &staff, "GET", "/api/v1/trip-flags", NULL, 403, NULL));
	json_decref(hq_expect(&srv, &worker, "GET", "/api/v1/trip-flags", NULL, 403, NULL));
	json_decref(hq_expect(&srv, &head, "GET", "/api/v1/trip-flags", NULL, 403, NULL));
	json_decref(flags(&office, "", -1));
	j = flags(&sup, "?reviewed=0", -1);
	all = int_of(j, "total");
	assert_true(all >= 9);
	assert_int_equal(counter(&sup, "trip_flags_unreviewed"), all);
	assert_int_equal(counter(&office, "trip_flags_unreviewed"), -1);
	id = int_of(json_array_get(json_object_get(j, "items"), 0), "id");
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/trip-flags/%lld/review", (long long)id);
	json_decref(hq_expect(&srv, &office, "POST", path, "{\"note\":\"x\"}", 403, NULL));
	json_decref(hq_expect(&srv, &sup, "POST", path, "{\"note\":\"\"}", 400, NULL));
	j = hq_expect(&srv, &sup, "POST", path, "{\"note\":\"已核实：公务绕行\"}", 200, NULL);
	assert_string_equal(str_of(j, "review_note"), "已核实：公务绕行");
	assert_non_null(str_of(j, "reviewed_at"));
	assert_non_null(str_of(j, "reviewed_by_name"));
	json_decref(j);
	json_decref(hq_expect(&srv, &sup, "POST", path, "{\"note\":\"again\"}", 409,
			      "already_reviewed"));
	json_decref(flags(&sup, "?reviewed=1", 1));
	json_decref(flags(&sup, "?reviewed=0", all - 1));
	assert_int_equal(counter(&sup, "trip_flags_unreviewed"), all - 1);
	json_decref(hq_expect(&srv, &sup, "GET", "/api/v1/trip-flags?kind=nope", NULL, 400, NULL));
	json_decref(hq_expect(&srv, &sup, "POST", "/api/v1/trip-flags/999999/review",
			      "{\"note\":\"x\"}", 404, NULL));
	assert_int_equal(hq_req(&srv, &sup, "GET", "/api/v1/trip-flags?format=csv", NULL, &r), 200);
	assert_non_null(strstr(r.body, "超时还车"));
	hq_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_late_distance_gap_raised_once),
		cmocka_unit_test(test_off_day_raised),
		cmocka_unit_test(test_refuel_checks),
		cmocka_unit_test(test_sealed_movement),
		cmocka_unit_test(test_roles_and_review),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
