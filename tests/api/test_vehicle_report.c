/*
** tests/api/test_vehicle_report.c: the fleet's settings, the calendar of
** bookings, the monthly report and 公示, on either backend
** (HOUQIN_TEST_BACKEND). Trips go through the whole flow (request -> approval
** -> dispatch), then the clock moves to their day and the drivers log them;
** every report figure is compared with a SQL sum written here, utilisation
** with its arithmetic (booked hours / (workdays × 8)). 公示 shows only returned
** and closed trips, without a name or a phone; staff read it but not the report.
** The settings: 409 when stale, and a 10-minute buffer lets trips 20 minutes
** apart share a vehicle that the default 30 minutes refuses. The calendar
** exports a row per booking.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client staff, head, office, leader, fin, sup, worker, drv1;
static int64_t veh[3], drv1_id, worker_id;
static int day;			/* a workday a few days ahead (yyyymmdd): the trips' day */
static int64_t t_done, t_rated, t_waiting, t_open;	/* trips of the flow */

static const char *const names[] = { "staff", "dept_head", "office", "leader", "finance",
				     "supervisor", "worker", "drv1" };
static struct hq_client *const clients[] = { &staff, &head, &office, &leader, &fin, &sup,
					     &worker, &drv1 };
#define NCLIENTS (sizeof(clients) / sizeof(clients[0]))

static void
sign_in_all(void)
{
	for (size_t i = 0; i < NCLIENTS; i++) {
		hq_client_free(clients[i]);
		hq_sign_in(&srv, clients[i], names[i]);
	}
}

/* sql with :agency (and :id when id) bound: its one integer */
static int64_t
sql_int(const char *sql, int64_t id)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (db_prepare(db, &st, sql, &e) == 0 && db_bind_i64(&st, ":agency", srv.agency_id, &e) == 0 &&
	    (!id || db_bind_i64(&st, ":id", id, &e) == 0) && db_step_row(&st, &e) == 0)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	if (n < 0)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

/* sql with :agency, :id, :lo and :hi bound (a month's bounds): its one integer */
static int64_t
sql_range(const char *sql, int64_t id, int64_t lo, int64_t hi)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (db_prepare(db, &st, sql, &e) == 0 && db_bind_i64(&st, ":agency", srv.agency_id, &e) == 0 &&
	    db_bind_i64(&st, ":id", id, &e) == 0 && db_bind_i64(&st, ":lo", lo, &e) == 0 &&
	    db_bind_i64(&st, ":hi", hi, &e) == 0 && db_step_row(&st, &e) == 0)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	if (n < 0)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

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
add_vehicle(const char *plate, int seats, int km)
{
	char sql[512];
	struct db *db;
	int64_t id;

	snprintf(sql, sizeof(sql),
		 "INSERT INTO vehicle (agency_id, plate, brand, model, seats, type, energy, status,"
		 " odometer_km, created_at, updated_at) VALUES (%lld, '%s', '红旗', 'H5', %d,"
		 " 'sedan', 'petrol', 'available', %d, 1, 1)", (long long)srv.agency_id, plate,
		 seats, km);
	exec(sql);
	db = db_pool_writer(srv.pool);
	id = db_last_id(db);
	db_pool_writer_unlock(srv.pool);
	return id;
}

static void
add_driver(int64_t user)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO driver_profile (user_id, agency_id, licence_class, licence_expiry,"
		 " updated_at) VALUES (%lld, %lld, 'C1', 20991231, 1)", (long long)user,
		 (long long)srv.agency_id);
	exec(sql);
}

static struct cal *
load_cal(struct arena *a)
{
	struct cal *cal = arena_alloc(a, sizeof(*cal));
	struct db *db = db_pool_writer(srv.pool);
	struct err e = { 0 };
	int rc = cal_load_agency(db, a, srv.agency_id, cal, &e);

	db_pool_writer_unlock(srv.pool);
	assert_int_equal(rc, 0);
	return cal;
}

/* The first workday at least 3 days ahead whose next day is in the same month. */
static int
pick_day(void)
{
	struct arena *a = arena_new(8192);
	struct cal *cal = load_cal(a);
	int64_t d = (now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS + 3;

	while (!cal_is_workday(cal, days_to_date(d)) || days_to_date(d + 1) / 100 != days_to_date(d) / 100)
		d++;
	arena_free(a);
	return days_to_date(d);
}

/* Workdays of day's month, counted here day by day. */
static int64_t
workdays(void)
{
	struct arena *a = arena_new(8192);
	struct cal *cal = load_cal(a);
	int64_t n = 0;

	for (int64_t d = date_to_days(day / 100 * 100 + 1); days_to_date(d) / 100 == day / 100; d++)
		n += cal_is_workday(cal, days_to_date(d));
	arena_free(a);
	return n;
}

/* day's month: first day and the first of the next (yyyymmdd), and its window in ms */
static int
month_first(void)
{
	return day / 100 * 100 + 1;
}

static int
month_next(void)
{
	return day / 100 % 100 == 12 ? (day / 10000 + 1) * 10000 + 101 : (day / 100 + 1) * 100 + 1;
}

static int64_t
midnight(int date)
{
	return date_to_days(date) * DAY_MS - SHANGHAI_OFFSET_MS;
}

static int
setup(void **state)
{
	int64_t ids[1];

	(void)state;
	hq_start(&srv);
	hq_fixture_users(&srv, srv.agency_id, srv.office_dept_id, "drv", "worker", 1, ids);
	drv1_id = ids[0];
	worker_id = hq_user_id(&srv, "worker");
	add_driver(worker_id);
	add_driver(drv1_id);
	veh[0] = add_vehicle("京A·20001", 5, 10000);
	veh[1] = add_vehicle("京A·20002", 7, 500);
	veh[2] = add_vehicle("京A·20003", 5, 0);
	day = pick_day();
	sign_in_all();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCLIENTS; i++)
		hq_client_free(clients[i]);
	hq_stop(&srv);
	return 0;
}

static json_t *
req(struct hq_client *c, const char *method, const char *path, const char *body, long want,
    const char *code)
{
	return hq_expect(&srv, c, method, path, body, want, code);
}

static int64_t
jint(const json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static const char *
jstr(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

/* "YYYY-MM-DDTHH:MM:00+08:00", minute m of day */
static const char *
at(int m, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:00+08:00", day / 10000, day / 100 % 100,
		 day % 100, m / 60, m % 60);
	return buf;
}

/* A trip by staff from minute `from` to `to` of day, approved by the department head. */
static int64_t
approved(int from, int to)
{
	char body[512], s[40], t[40], path[80];
	json_t *j;
	int64_t id, ap;

	snprintf(body, sizeof(body),
		 "{\"purpose\":\"送公文\",\"destination\":\"市政府\",\"passengers\":2,"
		 "\"passenger_names\":\"张三、李四\",\"start_at\":\"%s\",\"end_at\":\"%s\","
		 "\"est_km\":80}", at(from, s, sizeof(s)), at(to, t, sizeof(t)));
	j = req(&staff, "POST", "/api/v1/trips", body, 201, NULL);
	id = jint(j, "id");
	ap = jint(j, "approval_id");
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision", (long long)ap);
	json_decref(req(&head, "POST", path, "{\"decision\":\"approve\",\"comment\":\"同意\"}",
			200, NULL));
	return id;
}

static void
act(struct hq_client *c, int64_t id, const char *action, const char *body, long want,
    const char *code)
{
	char path[80];

	snprintf(path, sizeof(path), "/api/v1/trips/%lld/%s", (long long)id, action);
	json_decref(req(c, "POST", path, body, want, code));
}

static void
dispatch(int64_t id, int64_t vehicle, int64_t driver, long want, const char *code)
{
	char body[96];

	snprintf(body, sizeof(body), "{\"vehicle_id\":%lld,\"driver_id\":%lld}",
		 (long long)vehicle, (long long)driver);
	act(&office, id, "dispatch", body, want, code);
}

/* Settings: defaults, roles, the first save, 400 without updated_at, 409 stale, audited. */
static void
settings(void **state)
{
	json_t *j = req(&office, "GET", "/api/v1/vehicles/settings", NULL, 200, NULL);
	char body[160], seen[48], path[80];

	(void)state;
	assert_int_equal(jint(j, "buffer_min"), 30);
	assert_true(json_is_null(json_object_get(j, "updated_at")));
	json_decref(j);
	json_decref(req(&leader, "GET", "/api/v1/vehicles/settings", NULL, 200, NULL));
	json_decref(req(&staff, "GET", "/api/v1/vehicles/settings", NULL, 403, NULL));
	json_decref(req(&leader, "PUT", "/api/v1/vehicles/settings", "{\"buffer_min\":10}", 403,
			NULL));
	json_decref(req(&office, "PUT", "/api/v1/vehicles/settings", "{\"buffer_min\":241}", 400,
			NULL));
	json_decref(req(&office, "PUT", "/api/v1/vehicles/settings",
			"{\"buffer_min\":30,\"pool_department_id\":999999}", 400, NULL));
	snprintf(body, sizeof(body), "{\"buffer_min\":30,\"pool_department_id\":%lld}",
		 (long long)srv.dept1_id);
	j = req(&office, "PUT", "/api/v1/vehicles/settings", body, 200, NULL);
	assert_string_equal(jstr(j, "pool_department_name"), "一处");
	snprintf(seen, sizeof(seen), "%s", jstr(j, "updated_at"));
	json_decref(j);
	json_decref(req(&office, "PUT", "/api/v1/vehicles/settings", "{\"buffer_min\":20}", 400,
			"invalid"));
	json_decref(req(&office, "PUT", "/api/v1/vehicles/settings",
			"{\"buffer_min\":20,\"updated_at\":\"2020-01-01T00:00:00+08:00\"}", 409,
			"stale"));
	assert_int_equal(sql_int("SELECT buffer_min FROM vehicle_setting WHERE agency_id = :agency",
				 0), 30);
	snprintf(path, sizeof(path), "/api/v1/history/vehicle_setting/%lld",
		 (long long)srv.agency_id);
	json_decref(req(&office, "GET", path, NULL, 200, NULL));
	assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log WHERE entity = 'vehicle_setting'"
				 " AND action = 'update' AND entity_id = :agency", 0), 1);
}

/* Two trips 20 minutes apart on one vehicle: 409 with 30 minutes, dispatched with 10. */
static void
buffer_applied(void **state)
{
	int64_t a = approved(8 * 60, 9 * 60), b = approved(9 * 60 + 20, 10 * 60);
	json_t *j = req(&office, "GET", "/api/v1/vehicles/settings", NULL, 200, NULL);
	char body[160];

	(void)state;
	dispatch(a, veh[2], worker_id, 200, NULL);
	dispatch(b, veh[2], drv1_id, 409, "schedule_conflict");
	snprintf(body, sizeof(body), "{\"buffer_min\":10,\"pool_department_id\":%lld,"
		 "\"updated_at\":\"%s\"}", (long long)srv.dept1_id, jstr(j, "updated_at"));
	json_decref(j);
	json_decref(req(&office, "PUT", "/api/v1/vehicles/settings", body, 200, NULL));
	dispatch(b, veh[2], drv1_id, 200, NULL);
	act(&office, a, "cancel", "{\"reason\":\"改期\"}", 200, NULL);
	act(&office, b, "cancel", "{\"reason\":\"改期\"}", 200, NULL);
}

/* The booking of trip id in lane vehicle of a calendar answer (NULL: none). */
static json_t *
booking_in(json_t *cal, int64_t vehicle, int64_t trip)
{
	json_t *lane, *b;
	size_t i, k;

	json_array_foreach(json_object_get(cal, "vehicles"), i, lane)
		if (jint(lane, "id") == vehicle)
			json_array_foreach(json_object_get(lane, "bookings"), k, b)
				if (jint(b, "trip_id") == trip)
					return b;
	return NULL;
}

/* The calendar of day d as CSV and XLSX: a row per booking with its plate, trip and status. */
static void
calendar_export(const char *d)
{
	char path[128], code[32];
	struct hq_resp r;
	json_t *j = req(&office, "GET", "/api/v1/trips?status=dispatched", NULL, 200, NULL);

	snprintf(code, sizeof(code), "%s", jstr(json_array_get(json_object_get(j, "items"), 0),
						 "code"));
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/vehicles/calendar?from=%s&to=%s&format=csv", d, d);
	assert_int_equal(hq_req(&srv, &leader, "GET", path, NULL, &r), 200);
	assert_non_null(strstr(r.body, "车牌号,开始时间,结束时间,用车单号,用车部门,目的地,状态"));
	assert_non_null(strstr(r.body, "京A·20001"));
	assert_non_null(strstr(r.body, code));
	assert_non_null(strstr(r.body, "市政府"));
	assert_non_null(strstr(r.body, "已派车"));
	assert_null(strstr(r.body, "\"vehicles\""));
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/vehicles/calendar?from=%s&to=%s&format=xlsx", d, d);
	assert_int_equal(hq_req(&srv, &office, "GET", path, NULL, &r), 200);
	assert_true(r.len > 100 && memcmp(r.body, "PK", 2) == 0);
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/vehicles/calendar?from=%s&to=%s&format=csv", d, d);
	json_decref(req(&staff, "GET", path, NULL, 403, NULL));
}

/* The flow's trips, and the calendar of their day: lanes, blocks, the unassigned list. */
static void
calendar(void **state)
{
	char path[128], d[16];
	json_t *j, *b, *u;
	size_t i;
	int found = 0;

	(void)state;
	t_done = approved(9 * 60, 11 * 60);	/* 2 h on veh 0 */
	t_rated = approved(14 * 60, 17 * 60);	/* 3 h on veh 1 */
	t_open = approved(13 * 60, 14 * 60);	/* 1 h on veh 0, never driven */
	t_waiting = approved(15 * 60, 16 * 60);	/* no vehicle yet */
	dispatch(t_done, veh[0], worker_id, 200, NULL);
	dispatch(t_rated, veh[1], drv1_id, 200, NULL);
	dispatch(t_open, veh[0], worker_id, 200, NULL);
	cal_format_date(day, d, sizeof(d));
	snprintf(path, sizeof(path), "/api/v1/vehicles/calendar?from=%s&to=%s", d, d);
	j = req(&office, "GET", path, NULL, 200, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "vehicles")), 3);
	b = booking_in(j, veh[0], t_done);
	assert_non_null(b);
	assert_string_equal(jstr(b, "status"), "dispatched");
	assert_string_equal(jstr(b, "department_name"), "一处");
	assert_string_equal(jstr(b, "destination"), "市政府");
	assert_non_null(strstr(jstr(b, "trip_code"), "YC"));
	assert_non_null(booking_in(j, veh[0], t_open));
	assert_non_null(booking_in(j, veh[1], t_rated));
	assert_null(booking_in(j, veh[2], t_done));	/* the cancelled trips left nothing */
	json_array_foreach(json_object_get(j, "unassigned"), i, u) {
		assert_string_equal(jstr(u, "status"), "approved");
		found |= jint(u, "id") == t_waiting;
	}
	assert_true(found);
	json_decref(j);
	json_decref(req(&leader, "GET", path, NULL, 200, NULL));
	json_decref(req(&sup, "GET", path, NULL, 200, NULL));
	calendar_export(d);
	json_decref(req(&staff, "GET", path, NULL, 403, NULL));
	json_decref(req(&fin, "GET", path, NULL, 403, NULL));
	json_decref(req(&office, "GET", "/api/v1/vehicles/calendar?from=2026-01-01&to=2026-03-01",
			NULL, 400, "invalid"));
}

/* Move the clock to minute m of day (Shanghai); sessions lapse on the way: sign in again. */
static void
clock_to(int m)
{
	char s[40];
	int64_t target;

	assert_int_equal(iso_to_ms(at(m, s, sizeof(s)), &target), 0);
	assert_true(target > now_ms());
	clock_advance(target - now_ms());
	sign_in_all();
}

/* The drivers log two trips on their day; the requester rates one. */
static void
drive(void **state)
{
	(void)state;
	clock_to(9 * 60 + 5);
	act(&worker, t_done, "depart", "{\"odometer_km\":10000}", 200, NULL);
	clock_to(10 * 60 + 50);
	act(&worker, t_done, "return", "{\"odometer_km\":10042}", 200, NULL);
	clock_to(14 * 60 + 2);
	act(&drv1, t_rated, "depart", "{\"odometer_km\":500}", 200, NULL);
	clock_to(16 * 60 + 40);
	act(&drv1, t_rated, "return", "{\"odometer_km\":620}", 200, NULL);
	act(&staff, t_rated, "rate", "{\"rating\":4,\"comment\":\"准时\"}", 200, NULL);
}

/*
** Costs and flags as costs.c and flags.c leave them: in the month, and one of each
** the day before it (not counted). A test class and line carry the costs.
*/
static void
costs_and_flags(void **state)
{
	char sql[640];
	int before = days_to_date(date_to_days(month_first()) - 1);
	int64_t line;
	struct db *db;
	const struct {
		int64_t veh, fen, trip;
		int on;
	} costs[] = { { veh[0], 30000, 0, day }, { veh[1], 2500, t_rated, day },
		      { veh[0], 99900, 0, before } };

	(void)state;
	snprintf(sql, sizeof(sql), "INSERT INTO budget_class (agency_id, code, name, created_at,"
		 " updated_at) VALUES (%lld, 'T0001', '测试车辆费', 1, 1)", (long long)srv.agency_id);
	exec(sql);
	snprintf(sql, sizeof(sql), "INSERT INTO budget_line (agency_id, year, department_id,"
		 " class_id, amount_fen, control, created_at, updated_at) SELECT %lld, %d, %lld,"
		 " id, 100000000, 'warn', 1, 1 FROM budget_class WHERE code = 'T0001'",
		 (long long)srv.agency_id, day / 10000, (long long)srv.dept1_id);
	exec(sql);
	db = db_pool_writer(srv.pool);
	line = db_last_id(db);
	db_pool_writer_unlock(srv.pool);
	for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++) {
		char trip[24] = "NULL";

		if (costs[i].trip)
			snprintf(trip, sizeof(trip), "%lld", (long long)costs[i].trip);
		snprintf(sql, sizeof(sql), "INSERT INTO vehicle_cost (agency_id, vehicle_id,"
			 " department_id, kind, amount_fen, occurred_on, vendor_name, trip_id,"
			 " budget_line_id, created_at) VALUES (%lld, %lld, %lld, '%s', %lld, %d,"
			 " '中石化', %s, %lld, 1)", (long long)srv.agency_id,
			 (long long)costs[i].veh, (long long)srv.dept1_id,
			 costs[i].trip ? "toll_parking" : "fuel", (long long)costs[i].fen,
			 costs[i].on, trip, (long long)line);
		exec(sql);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO trip_flag (agency_id, kind, dedupe, vehicle_id,"
			 " driver_id, trip_id, occurred_at, evidence, created_at) VALUES (%lld,"
			 " 'late_return', 't%d', %lld, %lld, %lld, %lld, '{}', 1)",
			 (long long)srv.agency_id, i, (long long)veh[1], (long long)drv1_id,
			 (long long)t_rated, (long long)(i ? midnight(month_first()) - 1
							     : midnight(day) + 17 * HOUR_MS));
		exec(sql);
	}
}

static json_t *
row_of(json_t *arr, const char *key, int64_t id)
{
	json_t *x;
	size_t i;

	json_array_foreach(arr, i, x)
		if (jint(x, key) == id)
			return x;
	return NULL;
}

/* One decimal, rounded half up, as the report rounds it. */
static double
tenths(int64_t n, int64_t d)
{
	return (double)((n * 10 + d / 2) / d) / 10.0;
}

/* A vehicle's figures against the tables (every trip, cost and booking here is in the month). */
static void
check_vehicle(json_t *rep, int64_t id, int64_t want_trips, int64_t want_km)
{
	json_t *v = row_of(json_object_get(rep, "vehicles"), "vehicle_id", id);
	int64_t wh = jint(rep, "working_hours"), booked, cost, km;
	int64_t lo = midnight(month_first()), hi = midnight(month_next());

	assert_non_null(v);
	assert_int_equal(jint(v, "trips"), want_trips);
	assert_int_equal(jint(v, "trips"),
			 sql_range("SELECT COUNT(*) FROM vehicle_trip WHERE agency_id = :agency AND"
				   " vehicle_id = :id AND status IN ('returned', 'closed') AND"
				   " depart_at >= :lo AND depart_at < :hi", id, lo, hi));
	km = sql_range("SELECT COALESCE(SUM(return_km - depart_km), 0) FROM vehicle_trip WHERE"
		       " agency_id = :agency AND vehicle_id = :id AND status IN ('returned',"
		       " 'closed') AND depart_at >= :lo AND depart_at < :hi", id, lo, hi);
	assert_int_equal(jint(v, "km"), want_km);
	assert_int_equal(jint(v, "km"), km);
	cost = sql_range("SELECT COALESCE(SUM(amount_fen), 0) FROM vehicle_cost WHERE"
			 " agency_id = :agency AND vehicle_id = :id AND occurred_on >= :lo AND"
			 " occurred_on < :hi", id, month_first(), month_next());
	assert_int_equal(jint(v, "cost_fen"), cost);
	if (km)
		assert_int_equal(jint(v, "cost_per_km_fen"), (cost + km / 2) / km);
	else
		assert_true(json_is_null(json_object_get(v, "cost_per_km_fen")));
	booked = sql_int("SELECT COALESCE(SUM(end_ms - start_ms), 0) FROM booking WHERE"
			 " agency_id = :agency AND res_kind = 'vehicle' AND res_id = :id AND"
			 " status = 'confirmed'", id);
	assert_true(json_real_value(json_object_get(v, "booked_hours")) ==
		    tenths(booked, HOUR_MS));
	assert_true(json_real_value(json_object_get(v, "utilisation_pct")) ==
		    tenths(booked * 100, wh * HOUR_MS));
}

/* The month's report: figures against SQL, utilisation arithmetic, drivers, exports, roles. */
static void
report(void **state)
{
	char path[96], m[16];
	json_t *rep, *d, *t;
	struct hq_resp r;

	(void)state;
	snprintf(m, sizeof(m), "%04d-%02d", day / 10000, day / 100 % 100);
	snprintf(path, sizeof(path), "/api/v1/vehicles/report?month=%s", m);
	rep = req(&fin, "GET", path, NULL, 200, NULL);
	assert_string_equal(jstr(rep, "month"), m);
	assert_int_equal(jint(rep, "workdays"), workdays());
	assert_int_equal(jint(rep, "working_hours"), workdays() * 8);
	check_vehicle(rep, veh[0], 1, 42);
	check_vehicle(rep, veh[1], 1, 120);
	check_vehicle(rep, veh[2], 0, 0);
	/* 2 h + 1 h booked on veh 0: 3 / (workdays × 8) */
	assert_true(json_real_value(json_object_get(row_of(json_object_get(rep, "vehicles"),
							  "vehicle_id", veh[0]),
					       "booked_hours")) == 3.0);
	t = json_object_get(rep, "totals");
	assert_int_equal(jint(t, "trips"), 2);
	assert_int_equal(jint(t, "km"), 162);
	assert_int_equal(jint(t, "cost_fen"), 32500);	/* not the 999 yuan of the month before */
	assert_int_equal(jint(row_of(json_object_get(rep, "vehicles"), "vehicle_id", veh[0]),
			      "cost_per_km_fen"), (30000 + 21) / 42);
	d = row_of(json_object_get(rep, "drivers"), "driver_id", drv1_id);
	assert_non_null(d);
	assert_int_equal(jint(d, "trips"), 1);
	assert_int_equal(jint(d, "km"), 120);
	/* every rating of the driver's trips of the month (trip_rating), the requester's too */
	assert_int_equal(jint(d, "ratings"), 1);
	assert_int_equal(jint(d, "ratings"),
			 sql_range("SELECT COUNT(*) FROM trip_rating r JOIN vehicle_trip t ON"
				   " t.id = r.trip_id WHERE t.agency_id = :agency AND t.driver_id = :id"
				   " AND t.status IN ('returned', 'closed') AND t.depart_at >= :lo"
				   " AND t.depart_at < :hi", drv1_id, midnight(month_first()),
				   midnight(month_next())));
	assert_true(json_real_value(json_object_get(d, "rating_avg")) == 4.0);
	/* the flag of the day before the month is not counted (the rules may raise others) */
	assert_int_equal(jint(d, "flags"),
			 sql_int("SELECT COUNT(*) FROM trip_flag WHERE agency_id = :agency AND"
				 " driver_id = :id", drv1_id) - 1);
	assert_int_equal(jint(d, "flags"),
			 sql_range("SELECT COUNT(*) FROM trip_flag WHERE agency_id = :agency AND"
				   " driver_id = :id AND occurred_at >= :lo AND occurred_at < :hi",
				   drv1_id, midnight(month_first()), midnight(month_next())));
	d = row_of(json_object_get(rep, "drivers"), "driver_id", worker_id);
	assert_true(json_is_null(json_object_get(d, "rating_avg")));
	json_decref(rep);
	snprintf(path, sizeof(path), "/api/v1/vehicles/report?month=%s&format=csv&part=drivers", m);
	assert_int_equal(hq_req(&srv, &office, "GET", path, NULL, &r), 200);
	assert_non_null(strstr(r.body, "驾驶员"));
	assert_non_null(strstr(r.body, "drv1"));
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/vehicles/report?month=%s&format=xlsx", m);
	assert_int_equal(hq_req(&srv, &leader, "GET", path, NULL, &r), 200);
	assert_true(r.len > 100 && memcmp(r.body, "PK", 2) == 0);
	hq_resp_free(&r);
	json_decref(req(&sup, "GET", path, NULL, 200, NULL));
	json_decref(req(&staff, "GET", "/api/v1/vehicles/report", NULL, 403, NULL));
	json_decref(req(&head, "GET", "/api/v1/vehicles/report", NULL, 403, NULL));
	json_decref(req(&office, "GET", "/api/v1/vehicles/report?month=2026-13", NULL, 400,
			"invalid"));
	json_decref(req(&office, "GET", "/api/v1/vehicles/report?format=csv&part=x", NULL, 400,
			"invalid"));
}

/* 公示: staff read it; only returned/closed trips; no name, no phone; CSV. */
static void
public_list(void **state)
{
	static const char *const keys[] = { "date", "department_name", "purpose", "destination",
					     "km", "cost_fen" };
	char path[96], m[16], d[16];
	json_t *j, *it;
	struct hq_resp r;
	size_t i;

	(void)state;
	snprintf(m, sizeof(m), "%04d-%02d", day / 10000, day / 100 % 100);
	cal_format_date(day, d, sizeof(d));
	snprintf(path, sizeof(path), "/api/v1/trips/public?month=%s", m);
	assert_int_equal(hq_req(&srv, &staff, "GET", path, NULL, &r), 200);
	assert_null(strstr(r.body, "张三"));
	assert_null(strstr(r.body, "staff"));
	assert_null(strstr(r.body, "phone"));
	j = r.json;
	assert_int_equal(jint(j, "total"), 2);
	json_array_foreach(json_object_get(j, "items"), i, it) {
		assert_int_equal(json_object_size(it), sizeof(keys) / sizeof(keys[0]));
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			assert_non_null(json_object_get(it, keys[k]));
		assert_string_equal(jstr(it, "date"), d);
		assert_string_equal(jstr(it, "department_name"), "一处");
	}
	assert_int_equal(jint(json_array_get(json_object_get(j, "items"), 0), "km"), 42);
	assert_int_equal(jint(json_array_get(json_object_get(j, "items"), 1), "km"), 120);
	assert_int_equal(jint(json_array_get(json_object_get(j, "items"), 1), "cost_fen"), 2500);
	assert_int_equal(jint(json_array_get(json_object_get(j, "items"), 1), "cost_fen"),
			 sql_int("SELECT COALESCE(SUM(amount_fen), 0) FROM vehicle_cost WHERE"
				 " agency_id = :agency AND trip_id = :id", t_rated));
	hq_resp_free(&r);
	json_decref(req(&worker, "GET", path, NULL, 200, NULL));
	json_decref(req(&sup, "GET", path, NULL, 200, NULL));
	snprintf(path, sizeof(path), "/api/v1/trips/public?month=%s&format=csv", m);
	assert_int_equal(hq_req(&srv, &staff, "GET", path, NULL, &r), 200);
	assert_non_null(strstr(r.body, "目的地"));
	assert_non_null(strstr(r.body, "市政府"));
	assert_null(strstr(r.body, "张三"));
	hq_resp_free(&r);
	json_decref(req(&staff, "GET", "/api/v1/trips/public?month=2026-1", NULL, 400, "invalid"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(settings),
		cmocka_unit_test(buffer_applied),
		cmocka_unit_test(calendar),
		cmocka_unit_test(drive),
		cmocka_unit_test(costs_and_flags),
		cmocka_unit_test(report),
		cmocka_unit_test(public_list),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
