/*
** tests/api/test_vehicle_costs.c: a vehicle's costs through the budget engine,
** on either backend (HOUQIN_TEST_BACKEND): a cost lands on the 30231 line of
** the vehicle's department (the engine's figures equal the SQL sums of
** budget_entry), a pool vehicle's on the settings' pool department; refusals
** (no pool department, no line, a stop line's room, a closed month, a
** non-designated vendor without reason, a repair with no work order nor 定点
** garage) write nothing; a trip's tolls and parking at return; the fuel-card
** import (201 with its flags; a bad line 5 refuses the file, naming line 5,
** nothing written); who may read and write.
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
static struct hq_client staff, head, office, fin, leader, sup, worker;
static int64_t veh_dept, veh_pool, veh_two, line_dept, line_pool, garage, station, other;
static int year, today;

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

/* The first column of the first row of the formatted query (a count, a sum, an id). */
static int64_t num(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int64_t
num(const char *fmt, ...)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	char sql[512];
	int64_t n = -1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	/* built text: not the statement cache's (keyed by address) */
	if (db_prepare_once(db, &st, sql, &e) == 0 && db_step_row(&st, &e) == 0)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	if (n < 0)
		fail_msg("%s: %s", sql, e.msg);
	return n;
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

static json_t *
req(struct hq_client *c, const char *method, const char *path, const char *body, long want,
    const char *code)
{
	return hq_expect(&srv, c, method, path, body, want, code);
}

static int64_t
created(struct hq_client *c, const char *path, const char *body)
{
	json_t *j = req(c, "POST", path, body, 201, NULL);
	int64_t id = int_of(j, "id");

	json_decref(j);
	return id;
}

static int64_t
add_vehicle(const char *plate, int64_t dept)
{
	char sql[512], d[32] = "NULL";

	if (dept)
		snprintf(d, sizeof(d), "%lld", (long long)dept);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO vehicle (agency_id, plate, brand, model, seats, type, energy,"
		 " tank_litres, department_id, status, odometer_km, created_at, updated_at)"
		 " VALUES (%lld, '%s', '大众', '帕萨特', 5, 'sedan', 'petrol', 60, %s, 'available',"
		 " 1000, 1, 1)", (long long)srv.agency_id, plate, d);
	return exec_id(sql);
}

static int64_t
add_line(int64_t dept, int64_t fen)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO budget_line (agency_id, year, department_id, class_id, amount_fen,"
		 " control, created_at, updated_at) SELECT %lld, %d, %lld, id, %lld, 'stop', 1, 1"
		 " FROM budget_class WHERE agency_id = %lld AND code = '30231'",
		 (long long)srv.agency_id, year, (long long)dept, (long long)fen,
		 (long long)srv.agency_id);
	return exec_id(sql);
}

static int64_t
vendor(const char *name, const char *kind, int designated)
{
	char body[200];

	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"kind\":\"%s\",\"designated\":%s}", name,
		 kind, designated ? "true" : "false");
	return created(&office, "/api/v1/vehicle-vendors", body);
}

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &head, "dept_head");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &fin, "finance");
	hq_sign_in(&srv, &leader, "leader");
	hq_sign_in(&srv, &sup, "supervisor");
	hq_sign_in(&srv, &worker, "worker");
	today = cal_local_date(now_ms());
	year = today / 10000;
	veh_dept = add_vehicle("京A·20001", srv.dept1_id);
	veh_pool = add_vehicle("京A·20002", 0);
	veh_two = add_vehicle("京A·20003", srv.dept2_id);	/* 二处 has no 30231 line */
	line_dept = add_line(srv.dept1_id, 1000000);	/* 1 万元 */
	line_pool = add_line(srv.office_dept_id, 1000000);
	garage = vendor("顺达定点维修厂", "garage", 1);
	station = vendor("中石化东直门站", "station", 1);
	other = vendor("路边汽修", "garage", 0);
	return 0;
}

static int
teardown(void **state)
{
	struct hq_client *all[] = { &staff, &head, &office, &fin, &leader, &sup, &worker };

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		hq_client_free(all[i]);
	hq_stop(&srv);
	return 0;
}

static const char *
ymd(int d, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
	return buf;
}

/* POST a cost: {vehicle_id, kind, amount_fen, occurred_on (today), extra...} */
static json_t *
post(int64_t vehicle, const char *kind, long long fen, const char *extra, long want,
     const char *code)
{
	char body[600], d[16];

	snprintf(body, sizeof(body),
		 "{\"vehicle_id\":%lld,\"kind\":\"%s\",\"amount_fen\":%lld,\"occurred_on\":\"%s\"%s%s}",
		 (long long)vehicle, kind, fen, ymd(today, d, sizeof(d)), extra ? "," : "",
		 extra ? extra : "");
	return req(&office, "POST", "/api/v1/vehicle-costs", body, want, code);
}

/* A line's figure as finance reads it through the engine (spent_fen, available_fen). */
static int64_t
line_fig(int64_t id, const char *key)
{
	json_t *j = req(&fin, "GET", "/api/v1/budget-lines?per_page=100", NULL, 200, NULL), *it;
	int64_t v = -1;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, it)
		if (int_of(it, "id") == id)
			v = int_of(it, key);
	json_decref(j);
	return v;
}

/* The engine's spent figure equals the ledger's SQL sum and the costs charged to the line. */
static void
line_agrees(int64_t line)
{
	int64_t ledger = num("SELECT COALESCE(SUM(amount_fen), 0) FROM budget_entry WHERE line_id = %lld"
			     " AND kind = 'spend'", (long long)line);
	int64_t costs = num("SELECT COALESCE(SUM(amount_fen), 0) FROM vehicle_cost"
			    " WHERE budget_line_id = %lld", (long long)line);

	assert_int_equal(line_fig(line, "spent_fen"), ledger);
	assert_int_equal(ledger, costs);
}

static int64_t
count_all(void)
{
	return num("SELECT COUNT(*) FROM vehicle_cost") * 1000 +
	       num("SELECT COUNT(*) FROM budget_entry");
}

static void
cost_lands_on_the_line(void **state)
{
	json_t *j;
	int64_t id;
	char extra[128];

	(void)state;
	snprintf(extra, sizeof(extra), "\"vendor_id\":%lld,\"note\":\"一万公里保养\"",
		 (long long)garage);
	j = post(veh_dept, "maintenance", 48000, extra, 201, NULL);
	id = int_of(j, "id");
	assert_int_equal(int_of(j, "department_id"), srv.dept1_id);
	assert_string_equal(str_of(j, "vendor_name"), "顺达定点维修厂");
	assert_true(json_is_true(json_object_get(j, "designated")));
	json_decref(j);
	assert_int_equal(num("SELECT budget_line_id FROM vehicle_cost WHERE id = %lld", (long long)id),
			 line_dept);
	assert_int_equal(num("SELECT COUNT(*) FROM budget_entry WHERE source_module = 'vehicle_cost'"
			     " AND source_id = %lld AND kind = 'spend'", (long long)id), 1);
	assert_int_equal(line_fig(line_dept, "available_fen"),
			 1000000 - line_fig(line_dept, "spent_fen"));
	line_agrees(line_dept);
	assert_int_equal(num("SELECT COUNT(*) FROM audit_log WHERE entity = 'vehicle_cost'"
			     " AND entity_id = %lld AND action = 'create'", (long long)id), 1);
	/* the pool vehicle: the settings' pool department bears it */
	exec_id("DELETE FROM vehicle_setting");
	j = post(veh_pool, "insurance", 350000, NULL, 422, "no_pool_department");
	json_decref(j);
	{
		char sql[256];

		snprintf(sql, sizeof(sql),
			 "INSERT INTO vehicle_setting (agency_id, buffer_min, pool_department_id,"
			 " updated_at) VALUES (%lld, 30, %lld, 1)", (long long)srv.agency_id,
			 (long long)srv.office_dept_id);
		exec_id(sql);
	}
	j = post(veh_pool, "insurance", 350000, "\"vendor_name\":\"人保财险\"", 201, NULL);
	assert_int_equal(int_of(j, "department_id"), srv.office_dept_id);
	json_decref(j);
	line_agrees(line_pool);
}

static void
refusals_write_nothing(void **state)
{
	int64_t before = count_all();
	char extra[160], d[16], body[300];
	json_t *j;

	(void)state;
	/* 二处 has no 30231 line */
	j = post(veh_two, "insurance", 1000, NULL, 422, "no_budget_line");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "error"),
								 "message")), "30231"));
	json_decref(j);
	/* over the stop line's room */
	json_decref(post(veh_dept, "insurance", 2000000, NULL, 422, "over_budget"));
	/* a non-designated garage needs a reason */
	snprintf(extra, sizeof(extra), "\"vendor_id\":%lld", (long long)other);
	json_decref(post(veh_dept, "maintenance", 1000, extra, 422, "reason_required"));
	json_decref(post(veh_dept, "fuel", 1000, "\"vendor_name\":\"路边加油站\"", 422,
			 "reason_required"));
	/* a repair: neither a work order nor a 定点 garage */
	snprintf(extra, sizeof(extra), "\"vendor_id\":%lld,\"reason\":\"就近\"", (long long)other);
	json_decref(post(veh_dept, "repair", 1000, extra, 422, "repair_source_required"));
	json_decref(post(veh_dept, "repair", 1000, NULL, 422, "repair_source_required"));
	/* bad input */
	json_decref(post(veh_dept, "fuel", 1000, NULL, 400, "invalid"));	/* no station */
	json_decref(post(999999, "insurance", 1000, NULL, 400, "invalid"));
	json_decref(post(veh_dept, "insurance", 0, NULL, 400, NULL));
	snprintf(body, sizeof(body),
		 "{\"vehicle_id\":%lld,\"kind\":\"insurance\",\"amount_fen\":100,"
		 "\"occurred_on\":\"%s\"}", (long long)veh_dept,
		 ymd(days_to_date(date_to_days(today) + 2), d, sizeof(d)));
	json_decref(req(&office, "POST", "/api/v1/vehicle-costs", body, 400, "invalid"));
	assert_int_equal(count_all(), before);
	/* with a reason it goes */
	snprintf(extra, sizeof(extra), "\"vendor_id\":%lld,\"reason\":\"外地抛锚，就近保养\"",
		 (long long)other);
	j = post(veh_dept, "maintenance", 1000, extra, 201, NULL);
	assert_false(json_is_true(json_object_get(j, "designated")));
	assert_string_equal(str_of(j, "reason"), "外地抛锚，就近保养");
	json_decref(j);
	line_agrees(line_dept);
}

static void
closed_month_refused(void **state)
{
	int last = days_to_date(date_to_days(today / 100 * 100 + 1) - 1);	/* last month's end */
	char body[300], d[16], sql[256];
	int64_t before;

	(void)state;
	if (last / 10000 != year)
		skip();		/* January: last month is another year, with no line here */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO budget_period (agency_id, period, closed_at) VALUES (%lld, %d, 1)",
		 (long long)srv.agency_id, last / 100);
	exec_id(sql);
	before = count_all();
	snprintf(body, sizeof(body),
		 "{\"vehicle_id\":%lld,\"kind\":\"inspection\",\"amount_fen\":30000,"
		 "\"occurred_on\":\"%s\"}", (long long)veh_dept, ymd(last, d, sizeof(d)));
	json_decref(req(&office, "POST", "/api/v1/vehicle-costs", body, 422, "period_closed"));
	assert_int_equal(count_all(), before);
}

static void
repair_with_work_order(void **state)
{
	struct hq_wo wo;
	char body[400], extra[160];
	int64_t id;
	json_t *j;

	(void)state;
	hq_wo_fixture(&srv, &wo);
	snprintf(body, sizeof(body),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"公务车刹车异响\","
		 "\"priority\":\"normal\",\"contact_phone\":\"13800000000\"}",
		 (long long)wo.cat, (long long)wo.room);
	id = created(&staff, "/api/v1/workorders", body);
	snprintf(extra, sizeof(extra), "\"workorder_id\":%lld,\"vendor_id\":%lld,\"reason\":\"急修\"",
		 (long long)id, (long long)other);
	j = post(veh_dept, "repair", 26000, extra, 201, NULL);
	assert_int_equal(int_of(j, "workorder_id"), id);
	assert_non_null(str_of(j, "workorder_code"));
	json_decref(j);
	/* at a 定点 garage no work order is needed */
	snprintf(extra, sizeof(extra), "\"vendor_id\":%lld", (long long)garage);
	json_decref(post(veh_dept, "repair", 12000, extra, 201, NULL));
	/* another agency's or an unknown work order */
	json_decref(post(veh_dept, "repair", 12000, "\"workorder_id\":999999", 400, "invalid"));
	line_agrees(line_dept);
}

/* A trip by staff (一处) 3 days on at hour, approved, dispatched on vehicle with worker. */
static int64_t
trip_on(int64_t vehicle, int hour)
{
	char body[600], s[40], t[40], path[80];
	int64_t d = date_to_days(today) + 3, id, ap;
	int date = days_to_date(d);
	json_t *j;

	snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:00:00+08:00", date / 10000, date / 100 % 100,
		 date % 100, hour);
	snprintf(t, sizeof(t), "%04d-%02d-%02dT%02d:00:00+08:00", date / 10000, date / 100 % 100,
		 date % 100, hour + 1);
	snprintf(body, sizeof(body),
		 "{\"purpose\":\"调研\",\"destination\":\"市档案馆\",\"out_of_city\":false,"
		 "\"passengers\":2,\"start_at\":\"%s\",\"end_at\":\"%s\",\"est_km\":40}", s, t);
	j = req(&staff, "POST", "/api/v1/trips", body, 201, NULL);
	id = int_of(j, "id");
	ap = int_of(j, "approval_id");
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision", (long long)ap);
	json_decref(req(&head, "POST", path, "{\"decision\":\"approve\",\"comment\":\"ok\"}", 200, NULL));
	if (num("SELECT COUNT(*) FROM vehicle_trip WHERE id = %lld AND status = 'approved'",
		(long long)id) != 1)
		json_decref(req(&leader, "POST", path, "{\"decision\":\"approve\"}", 200, NULL));
	snprintf(body, sizeof(body), "{\"vehicle_id\":%lld,\"driver_id\":%lld}", (long long)vehicle,
		 (long long)hq_user_id(&srv, "worker"));
	snprintf(path, sizeof(path), "/api/v1/trips/%lld/dispatch", (long long)id);
	json_decref(req(&office, "POST", path, body, 200, NULL));
	return id;
}

/* Depart and return trip as the worker, with tolls and parking. */
static void
drive(int64_t trip, int km)
{
	char path[80], body[160];

	snprintf(path, sizeof(path), "/api/v1/trips/%lld/depart", (long long)trip);
	snprintf(body, sizeof(body), "{\"odometer_km\":%d}", km);
	json_decref(req(&worker, "POST", path, body, 200, NULL));
	snprintf(path, sizeof(path), "/api/v1/trips/%lld/return", (long long)trip);
	snprintf(body, sizeof(body), "{\"odometer_km\":%d,\"tolls_fen\":1500,\"parking_fen\":1000}",
		 km + 40);
	json_decref(req(&worker, "POST", path, body, 200, NULL));
}

static void
tolls_at_return(void **state)
{
	char sql[256];
	int64_t trip, cost, unposted, before;

	(void)state;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO driver_profile (user_id, agency_id, licence_class, licence_expiry,"
		 " updated_at) VALUES (%lld, %lld, 'C1', 20991231, 1)",
		 (long long)hq_user_id(&srv, "worker"), (long long)srv.agency_id);
	exec_id(sql);
	trip = trip_on(veh_dept, 9);
	drive(trip, 1000);
	cost = num("SELECT id FROM vehicle_cost WHERE trip_id = %lld", (long long)trip);
	assert_int_equal(num("SELECT amount_fen FROM vehicle_cost WHERE id = %lld", (long long)cost), 2500);
	assert_int_equal(num("SELECT COUNT(*) FROM vehicle_cost WHERE id = %lld"
			     " AND kind = 'toll_parking'", (long long)cost), 1);
	line_agrees(line_dept);
	/* 二处 has no line: the returns still go through, nothing is posted, the office is told once */
	before = count_all();
	drive(trip_on(veh_two, 12), 1000);
	drive(trip_on(veh_two, 15), 1040);
	assert_int_equal(count_all(), before);
	unposted = num("SELECT COUNT(*) FROM notification WHERE kind = 'vehicle_cost.unposted'"
		       " AND user_id = %lld", (long long)hq_user_id(&srv, "office"));
	assert_int_equal(unposted, 1);
}

/* The import's body as office; status want. */
static json_t *
import(const char *csv, long want)
{
	struct hq_resp r;
	json_t *j;

	if (hq_req_bin(&srv, &office, "POST", "/api/v1/fuel-card-imports", "text/csv", NULL, csv,
		       strlen(csv), &r) != want)
		fail_msg("import: %ld %s", r.status, r.body ? r.body : "");
	j = r.json ? json_incref(r.json) : NULL;
	hq_resp_free(&r);
	return j;
}

static void
fuel_card_import(void **state)
{
	int d1 = days_to_date(date_to_days(today) - 2), d2 = days_to_date(date_to_days(today) - 1);
	char csv[1024], a[16], b[16];
	int64_t before = count_all(), fuel;
	json_t *j, *x;
	size_t i;
	int seen = 0;

	(void)state;
	/* line 5 is malformed: nothing at all is imported */
	snprintf(csv, sizeof(csv),
		 "\xEF\xBB\xBF" "date,plate,litres,amount,station\r\n"
		 "%s,京A·20001,40.00,300.00,中石化东直门站\r\n"
		 "%s,京A20002,30.5,230.10,\"中石化东直门站\"\r\n"
		 "%s,京A·20001,10,80.00,中石油\r\n"
		 "%s,京A·20001,1.234,80.00,中石油\r\n\r\n",
		 ymd(d1, a, sizeof(a)), ymd(d2, b, sizeof(b)), b, b);
	j = import(csv, 400);
	assert_string_equal(str_of(json_object_get(j, "error"), "code"), "invalid_csv");
	x = json_array_get(json_object_get(j, "errors"), 0);
	assert_int_equal(int_of(x, "line"), 5);
	assert_string_equal(str_of(x, "field"), "litres");
	json_decref(j);
	assert_int_equal(count_all(), before);
	assert_int_equal(num("SELECT COUNT(*) FROM fuel_import"), 0);
	/* ?check=1: the same errors, 200, nothing written */
	{
		struct hq_resp r;

		assert_int_equal(hq_req_bin(&srv, &office, "POST", "/api/v1/fuel-card-imports?check=1",
					    "text/csv", NULL, csv, strlen(csv), &r), 200);
		assert_int_equal(int_of(r.json, "rows"), 3);
		assert_int_equal(int_of(r.json, "error_count"), 1);
		hq_resp_free(&r);
	}
	/* an unknown plate too */
	json_decref(import("date,plate,litres,amount,station\n2026-01-05,京B·99999,1,1,x\n", 400));
	/* line 5 fixed: three refuels, none on a day with a trip of the vehicle */
	*strstr(csv, "1.234") = ' ';
	memcpy(strstr(csv, " .234"), "12.34", 5);
	j = import(csv, 201);
	assert_int_equal(int_of(j, "rows"), 4);
	assert_int_equal(int_of(j, "litres_x100"), 4000 + 3050 + 1000 + 1234);
	assert_int_equal(int_of(j, "amount_fen"), 30000 + 23010 + 8000 + 8000);
	json_array_foreach(json_object_get(j, "flags"), i, x)
		seen += strcmp(str_of(x, "kind"), "refuel_no_trip") == 0;
	assert_true(seen >= 1);
	fuel = int_of(j, "id");
	json_decref(j);
	assert_int_equal(num("SELECT COUNT(*) FROM vehicle_cost WHERE fuel_import_id = %lld"
			     " AND kind = 'fuel' AND designated = 1", (long long)fuel), 4);
	assert_int_equal(num("SELECT COUNT(*) FROM vehicle_cost WHERE fuel_import_id = %lld"
			     " AND vendor_id IS NOT NULL", (long long)fuel), 2);	/* known station */
	line_agrees(line_dept);
	line_agrees(line_pool);
	j = req(&sup, "GET", "/api/v1/fuel-card-imports", NULL, 200, NULL);
	assert_int_equal(int_of(j, "total"), 1);
	json_decref(j);
}

static void
roles(void **state)
{
	struct hq_resp r;

	(void)state;
	json_decref(req(&staff, "GET", "/api/v1/vehicle-costs", NULL, 403, NULL));
	json_decref(req(&head, "GET", "/api/v1/vehicle-costs", NULL, 403, NULL));
	json_decref(req(&staff, "POST", "/api/v1/vehicle-vendors", "{\"name\":\"x\",\"kind\":\"other\"}",
			403, NULL));
	json_decref(req(&fin, "POST", "/api/v1/vehicle-costs", "{}", 403, NULL));
	assert_int_equal(hq_req_bin(&srv, &staff, "POST", "/api/v1/fuel-card-imports", "text/csv",
				    NULL, "x", 1, &r), 403);
	hq_resp_free(&r);
	json_decref(req(&staff, "GET", "/api/v1/fuel-card-imports", NULL, 403, NULL));
	json_decref(req(&fin, "GET", "/api/v1/vehicle-costs?kind=fuel&format=csv", NULL, 200, NULL));
	json_decref(req(&leader, "GET", "/api/v1/vehicle-vendors?active=1", NULL, 200, NULL));
	json_decref(req(&sup, "GET", "/api/v1/vehicle-costs", NULL, 200, NULL));
}

static void
vendors_and_filters(void **state)
{
	char path[128], body[200];
	json_t *j, *v;

	(void)state;
	json_decref(req(&office, "POST", "/api/v1/vehicle-vendors",
			"{\"name\":\"顺达定点维修厂\",\"kind\":\"garage\"}", 409, "duplicate"));
	j = req(&office, "GET", "/api/v1/vehicle-vendors?kind=garage", NULL, 200, NULL);
	v = json_array_get(json_object_get(j, "items"), 0);
	assert_true(json_is_true(json_object_get(v, "designated")));	/* designated first */
	snprintf(path, sizeof(path), "/api/v1/vehicle-vendors/%lld", (long long)int_of(v, "id"));
	snprintf(body, sizeof(body),
		 "{\"name\":\"顺达定点维修厂\",\"kind\":\"garage\",\"designated\":true,"
		 "\"active\":false,\"updated_at\":\"%s\"}", str_of(v, "updated_at"));
	json_decref(j);
	json_decref(req(&office, "PUT", path, body, 200, NULL));
	json_decref(req(&office, "PUT", path, body, 409, "stale"));
	snprintf(path, sizeof(path), "/api/v1/vehicle-costs?vehicle_id=%lld&kind=repair",
		 (long long)veh_dept);
	j = req(&leader, "GET", path, NULL, 200, NULL);
	assert_int_equal(int_of(j, "total"), 2);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cost_lands_on_the_line),
		cmocka_unit_test(refusals_write_nothing),
		cmocka_unit_test(closed_month_refused),
		cmocka_unit_test(repair_with_work_order),
		cmocka_unit_test(tolls_at_return),
		cmocka_unit_test(fuel_card_import),
		cmocka_unit_test(roles),
		cmocka_unit_test(vendors_and_filters),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
