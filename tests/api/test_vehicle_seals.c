/*
** tests/api/test_vehicle_seals.c: 节假日封存 on either backend
** (HOUQIN_TEST_BACKEND): seals for some vehicles or all, the 400s; dispatch
** onto a sealed vehicle refused (422 vehicle_sealed, nothing written) while a
** trip outside the seal goes, /vehicles/available leaving it out; the leader's
** override approved (dispatch goes) or rejected (still 422); a lifted seal;
** who may do what.
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
static struct hq_client staff, head, office, leader, sup, worker;
static int64_t veh[6], drv[4];
static int day;			/* a workday (yyyymmdd) a few days ahead */

static int64_t
exec_id(const char *sql)
{
	struct db *db = db_pool_writer(srv.pool);
	struct err e = { 0 };
	int rc = db_exec(db, sql, &e);
	int64_t id = db_last_id(db);

	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("%s: %s", sql, e.msg);
	return id;
}

/* sql (a literal) with :id bound: its one integer */
static int64_t
count_of(const char *sql, int64_t id)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (db_prepare(db, &st, sql, &e) == 0 && db_bind_i64(&st, ":id", id, &e) == 0 &&
	    db_step_row(&st, &e) == 0)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	assert_true(n >= 0);
	return n;
}

static int64_t
add_vehicle(const char *plate, const char *status)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO vehicle (agency_id, plate, brand, model, seats, type, energy, status,"
		 " odometer_km, created_at, updated_at) VALUES (%lld, '%s', '大众', '帕萨特', 5,"
		 " 'sedan', 'petrol', '%s', 0, 1, 1)", (long long)srv.agency_id, plate, status);
	return exec_id(sql);
}

static int
next_workday(void)
{
	struct arena *a = arena_new(8192);
	struct db *db = db_pool_writer(srv.pool);
	struct err e = { 0 };
	struct cal cal;
	int64_t d = (now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS + 3;
	int rc = cal_load_agency(db, a, srv.agency_id, &cal, &e);

	db_pool_writer_unlock(srv.pool);
	assert_int_equal(rc, 0);
	while (!cal_is_workday(&cal, days_to_date(d)))
		d++;
	arena_free(a);
	return days_to_date(d);
}

static int
setup(void **state)
{
	char sql[256];

	(void)state;
	hq_start(&srv);
	hq_fixture_users(&srv, srv.agency_id, srv.office_dept_id, "drv", "worker", 4, drv);
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &head, "dept_head");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &leader, "leader");
	hq_sign_in(&srv, &sup, "supervisor");
	hq_sign_in(&srv, &worker, "worker");
	for (int i = 0; i < 4; i++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO driver_profile (user_id, agency_id, licence_class,"
			 " licence_expiry, updated_at) VALUES (%lld, %lld, 'C1', 20991231, 1)",
			 (long long)drv[i], (long long)srv.agency_id);
		exec_id(sql);
	}
	veh[0] = add_vehicle("京B·20001", "available");
	veh[1] = add_vehicle("京B·20002", "available");
	veh[2] = add_vehicle("京B·20003", "available");
	veh[3] = add_vehicle("京B·20004", "available");
	veh[4] = add_vehicle("京B·20005", "available");
	veh[5] = add_vehicle("京B·20006", "retired");
	day = next_workday();
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

/* "YYYY-MM-DD" of day + d */
static const char *
date_of(int d, char *buf, size_t size)
{
	int date = days_to_date(date_to_days(day) + d);

	snprintf(buf, size, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
	return buf;
}

/* "YYYY-MM-DD" of today + d */
static const char *
today_plus(int d, char *buf, size_t size)
{
	int date = days_to_date((now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS + d);

	snprintf(buf, size, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
	return buf;
}

/* ISO time of minute m after midnight of day + d (Shanghai); query: "+" escaped for a URL */
static const char *
at_as(int d, int m, int query, char *buf, size_t size)
{
	char date[16];

	snprintf(buf, size, "%sT%02d:%02d:00%s08:00", date_of(d, date, sizeof(date)), m / 60,
		 m % 60, query ? "%2B" : "+");
	return buf;
}

static const char *
at(int d, int m, char *buf, size_t size)
{
	return at_as(d, m, 0, buf, size);
}

static json_t *
req(struct hq_client *c, const char *method, const char *path, const char *body, long want,
    const char *code)
{
	return hq_expect(&srv, c, method, path, body, want, code);
}

static void
req0(struct hq_client *c, const char *method, const char *path, const char *body, long want,
     const char *code)
{
	json_decref(req(c, method, path, body, want, code));
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

/* POST /vehicle-seals {vehicle_ids: ids (a JSON array text or NULL), from, to} */
static json_t *
seal_dates(const char *ids, const char *from, const char *to, long want, const char *code)
{
	char body[256];

	snprintf(body, sizeof(body), "{%s%s%s\"from\":\"%s\",\"to\":\"%s\",\"reason\":\"国庆封存\"}",
		 ids ? "\"vehicle_ids\":" : "", ids ? ids : "", ids ? "," : "", from, to);
	return req(&office, "POST", "/api/v1/vehicle-seals", body, want, code);
}

/* the same from day+d0 to day+d1 */
static json_t *
seal(const char *ids, int d0, int d1, long want, const char *code)
{
	char f[16], t[16];

	return seal_dates(ids, date_of(d0, f, sizeof(f)), date_of(d1, t, sizeof(t)), want, code);
}

static int64_t
seal_one(int64_t vehicle, int d0, int d1)
{
	char ids[32];
	json_t *j;
	int64_t id;

	snprintf(ids, sizeof(ids), "[%lld]", (long long)vehicle);
	j = seal(ids, d0, d1, 201, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	id = int_of(json_array_get(json_object_get(j, "items"), 0), "id");
	json_decref(j);
	return id;
}

static void
decide(struct hq_client *c, int64_t approval, const char *decision)
{
	char path[80], body[80];

	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision", (long long)approval);
	snprintf(body, sizeof(body), "{\"decision\":\"%s\",\"comment\":\"ok\"}", decision);
	req0(c, "POST", path, body, 200, NULL);
}

static json_t *
trip(int64_t id)
{
	char path[64];

	snprintf(path, sizeof(path), "/api/v1/trips/%lld", (long long)id);
	return req(&office, "GET", path, NULL, 200, NULL);
}

/* An approved trip from minute m0 of day+d0 to minute m1 of day+d1 (the leader too if asked). */
static int64_t
approved(int d0, int m0, int d1, int m1)
{
	char body[512], s[40], t[40];
	json_t *j = NULL;
	int64_t id;

	snprintf(body, sizeof(body),
		 "{\"purpose\":\"调研\",\"destination\":\"市档案馆\",\"passengers\":2,"
		 "\"start_at\":\"%s\",\"end_at\":\"%s\",\"est_km\":40}",
		 at(d0, m0, s, sizeof(s)), at(d1, m1, t, sizeof(t)));
	j = req(&staff, "POST", "/api/v1/trips", body, 201, NULL);
	id = int_of(j, "id");
	decide(&head, int_of(j, "approval_id"), "approve");
	json_decref(j);
	j = trip(id);
	if (strcmp(str_of(j, "status"), "requested") == 0)
		decide(&leader, int_of(j, "approval_id"), "approve");
	json_decref(j);
	j = trip(id);
	assert_string_equal(str_of(j, "status"), "approved");
	json_decref(j);
	return id;
}

static void
dispatch(int64_t trip_id, int64_t vehicle, int64_t driver, long want, const char *code)
{
	char path[80], body[96];

	snprintf(path, sizeof(path), "/api/v1/trips/%lld/dispatch", (long long)trip_id);
	snprintf(body, sizeof(body), "{\"vehicle_id\":%lld,\"driver_id\":%lld}", (long long)vehicle,
		 (long long)driver);
	req0(&office, "POST", path, body, want, code);
}

static json_t *
ask(struct hq_client *c, int64_t trip_id, int64_t vehicle, long want, const char *code)
{
	char path[80], body[128];

	snprintf(path, sizeof(path), "/api/v1/trips/%lld/seal-override", (long long)trip_id);
	snprintf(body, sizeof(body), "{\"vehicle_id\":%lld,\"reason\":\"紧急公务\"}",
		 (long long)vehicle);
	return req(c, "POST", path, body, want, code);
}

/* 1 when /vehicles/available for minute m0..m1 of day+d lists vehicle */
static int
available(int d, int m0, int m1, int64_t vehicle)
{
	char path[200], s[40], t[40];
	json_t *j, *x;
	size_t i;
	int found = 0;

	snprintf(path, sizeof(path), "/api/v1/vehicles/available?start=%s&end=%s&seats=1",
		 at_as(d, m0, 1, s, sizeof(s)), at_as(d, m1, 1, t, sizeof(t)));
	j = req(&office, "GET", path, NULL, 200, NULL);
	json_array_foreach(json_is_array(j) ? j : json_object_get(j, "items"), i, x)
		found |= int_of(x, "id") == vehicle;
	json_decref(j);
	return found;
}

static int64_t
total_of(struct hq_client *c, const char *path)
{
	json_t *j = req(c, "GET", path, NULL, 200, NULL);
	int64_t n = int_of(j, "total");

	json_decref(j);
	return n;
}

/* Seals for some vehicles, for all; the 400s; the list and its filters; who may. */
static void
create_and_list(void **state)
{
	char ids[96], path[128], f[16], t[16];
	struct hq_resp r;
	json_t *j;

	(void)state;
	snprintf(ids, sizeof(ids), "[%lld,%lld]", (long long)veh[0], (long long)veh[1]);
	j = seal(ids, 30, 31, 201, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
	assert_string_equal(str_of(json_array_get(json_object_get(j, "items"), 0), "reason"),
			    "国庆封存");
	json_decref(j);
	j = seal(NULL, 40, 41, 201, NULL);	/* every vehicle but the retired one */
	assert_int_equal(json_array_size(json_object_get(j, "items")), 5);
	json_decref(j);
	/* begun in the past, ending today: allowed (a retired vehicle named: sealed too) */
	snprintf(ids, sizeof(ids), "[%lld]", (long long)veh[5]);
	json_decref(seal_dates(ids, today_plus(-3, f, sizeof(f)), today_plus(0, t, sizeof(t)), 201,
			       NULL));
	json_decref(seal_dates(ids, today_plus(-3, f, sizeof(f)), today_plus(-1, t, sizeof(t)), 400,
			       "invalid"));	/* over before today */
	assert_int_equal(count_of("SELECT COUNT(*) FROM audit_log WHERE entity = 'vehicle_seal'"
				  " AND action = 'create' AND agency_id = :id", srv.agency_id), 8);
	json_decref(seal(ids, 31, 30, 400, "invalid"));	/* to before from */
	json_decref(seal("[999999]", 30, 31, 400, "invalid"));
	json_decref(seal("[\"x\"]", 30, 31, 400, "invalid"));
	json_decref(seal_dates(ids, "2026-13-01", "2026-12-01", 400, "invalid"));
	json_decref(seal(ids, 0, 400, 400, "invalid"));	/* longer than a year */
	req0(&staff, "POST", "/api/v1/vehicle-seals", "{\"from\":\"2030-01-01\",\"to\":\"2030-01-02\","
	     "\"reason\":\"x\"}", 403, NULL);
	req0(&leader, "POST", "/api/v1/vehicle-seals", "{}", 403, NULL);
	req0(&staff, "GET", "/api/v1/vehicle-seals", NULL, 403, NULL);
	assert_int_equal(total_of(&leader, "/api/v1/vehicle-seals"), 8);
	assert_int_equal(total_of(&sup, "/api/v1/vehicle-seals?active=1"), 8);
	assert_int_equal(total_of(&sup, "/api/v1/vehicle-seals?active=0"), 0);
	snprintf(path, sizeof(path), "/api/v1/vehicle-seals?vehicle_id=%lld", (long long)veh[0]);
	assert_int_equal(total_of(&office, path), 2);
	snprintf(path, sizeof(path), "/api/v1/vehicle-seals?from=%s&to=%s",
		 date_of(35, f, sizeof(f)), date_of(45, t, sizeof(t)));
	assert_int_equal(total_of(&office, path), 5);
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/vehicle-seals?format=csv", NULL, &r),
			 200);
	assert_non_null(strstr(r.body, "车牌号"));
	assert_non_null(strstr(r.body, "京B·20001"));
	hq_resp_free(&r);
}

/* A sealed vehicle: 422 and nothing written; a trip outside the seal goes; not available. */
static void
dispatch_sealed(void **state)
{
	int64_t in = approved(1, 20 * 60, 2, 10 * 60), out = approved(0, 9 * 60, 0, 11 * 60);
	json_t *j, *hit;
	char ids[32];

	(void)state;
	seal_one(veh[2], 2, 3);
	dispatch(in, veh[2], drv[0], 422, "vehicle_sealed");
	assert_int_equal(count_of("SELECT COUNT(*) FROM booking WHERE owner_id = :id", in), 0);
	assert_int_equal(count_of("SELECT COUNT(*) FROM vehicle_trip WHERE id = :id"
				  " AND status = 'approved'", in), 1);
	assert_false(available(2, 9 * 60, 10 * 60, veh[2]));
	assert_true(available(0, 9 * 60, 11 * 60, veh[2]));
	dispatch(out, veh[2], drv[0], 200, NULL);
	/* no seal over that trip: nothing to ask */
	json_decref(ask(&office, out, veh[2], 422, "not_sealed"));
	json_decref(ask(&office, 999999, veh[2], 404, NULL));
	/* sealed after its dispatch: the office is told of that trip */
	snprintf(ids, sizeof(ids), "[%lld]", (long long)veh[2]);
	j = seal(ids, 0, 0, 201, NULL);
	hit = json_array_get(json_object_get(j, "dispatched_trips"), 0);
	assert_int_equal(json_array_size(json_object_get(j, "dispatched_trips")), 1);
	assert_int_equal(int_of(hit, "trip_id"), out);
	json_decref(j);
}

/* The office asks, the leader approves: the dispatch goes; rejected: it stays refused. */
static void
override_flow(void **state)
{
	int64_t t1 = approved(4, 20 * 60, 5, 10 * 60), t2 = approved(4, 20 * 60, 5, 10 * 60);
	json_t *j, *o;
	int64_t ap;

	(void)state;
	seal_one(veh[3], 5, 5);
	json_decref(ask(&staff, t1, veh[3], 403, NULL));
	json_decref(ask(&leader, t1, veh[3], 403, NULL));
	j = ask(&office, t1, veh[3], 201, NULL);
	assert_string_equal(str_of(j, "status"), "pending");
	ap = int_of(j, "approval_id");
	json_decref(j);
	json_decref(ask(&office, t1, veh[3], 409, "override_exists"));
	j = trip(t1);
	o = json_array_get(json_object_get(j, "seal_overrides"), 0);
	assert_string_equal(str_of(o, "status"), "pending");
	assert_string_equal(str_of(o, "plate"), "京B·20004");
	json_decref(j);
	dispatch(t1, veh[3], drv[1], 422, "vehicle_sealed");
	decide(&leader, ap, "approve");
	j = trip(t1);
	o = json_array_get(json_object_get(j, "seal_overrides"), 0);
	assert_string_equal(str_of(o, "status"), "approved");
	json_decref(j);
	assert_int_equal(count_of("SELECT COUNT(*) FROM notification WHERE user_id = :id"
				  " AND kind = 'trip.seal_override_approved'",
				  hq_user_id(&srv, "office")), 1);
	dispatch(t1, veh[3], drv[1], 200, NULL);
	/* the second trip: rejected, still sealed for it (the first's leave is its own) */
	j = ask(&office, t2, veh[3], 201, NULL);
	decide(&leader, int_of(j, "approval_id"), "reject");
	json_decref(j);
	j = trip(t2);
	o = json_array_get(json_object_get(j, "seal_overrides"), 0);
	assert_string_equal(str_of(o, "status"), "rejected");
	json_decref(j);
	dispatch(t2, veh[3], drv[2], 422, "vehicle_sealed");
	assert_int_equal(count_of("SELECT COUNT(*) FROM audit_log WHERE entity ="
				  " 'vehicle_seal_override' AND agency_id = :id", srv.agency_id), 4);
}

/* Lifted early: the vehicle goes again; lifted twice: 409. */
static void
lift(void **state)
{
	int64_t t = approved(6, 20 * 60, 7, 10 * 60), id = seal_one(veh[4], 7, 8);
	char path[80];
	json_t *j;

	(void)state;
	dispatch(t, veh[4], drv[3], 422, "vehicle_sealed");
	snprintf(path, sizeof(path), "/api/v1/vehicle-seals/%lld/lift", (long long)id);
	req0(&staff, "POST", path, "{\"reason\":\"x\"}", 403, NULL);
	j = req(&office, "POST", path, "{\"reason\":\"任务紧急\"}", 200, NULL);
	assert_false(json_is_null(json_object_get(j, "lifted_at")));
	assert_false(json_is_true(json_object_get(j, "active")));
	json_decref(j);
	req0(&office, "POST", path, "{}", 409, "already_lifted");
	req0(&office, "POST", "/api/v1/vehicle-seals/999999/lift", "{}", 404, NULL);
	dispatch(t, veh[4], drv[3], 200, NULL);
	snprintf(path, sizeof(path), "/api/v1/history/vehicle_seal/%lld", (long long)id);
	json_decref(req(&sup, "GET", path, NULL, 200, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_and_list),
		cmocka_unit_test(dispatch_sealed),
		cmocka_unit_test(override_flow),
		cmocka_unit_test(lift),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
