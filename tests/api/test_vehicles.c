/*
** tests/api/test_vehicles.c: the 公务用车 registry end to end on either backend
** (HOUQIN_TEST_BACKEND): the office writes vehicles and drivers, every business
** role reads the list; bad input (400), a duplicate plate or a stale edit (409),
** an odometer going back (422); what is free in a window once a booking made
** through core/booking.h takes a vehicle or a driver; and 10 threads on
** connections of their own reserving one vehicle for overlapping windows:
** exactly one wins.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/auth.h"
#include "core/booking.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "jobs.h"
#include "modules/vehicles/vehicles.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* the default buffer between trips */
#define BUFFER_MS ((int64_t)VEH_BUFFER_MIN_DEFAULT * 60 * 1000)

static struct hq_server srv;
static struct hq_client office, staff, worker, leader, supervisor;

static void
login(struct hq_client *c, const char *user)
{
	hq_client_init(c);
	assert_int_equal(hq_login(&srv, c, user, TEST_PASSWORD), 200);
}

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	login(&office, "office");
	login(&staff, "staff");
	login(&worker, "worker");
	login(&leader, "leader");
	login(&supervisor, "supervisor");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&office);
	hq_client_free(&staff);
	hq_client_free(&worker);
	hq_client_free(&leader);
	hq_client_free(&supervisor);
	hq_stop(&srv);
	return 0;
}

/* method path body as c: the status must be want (and the error code, if given); the body. */
static json_t *
req(struct hq_client *c, const char *method, const char *path, const char *body, long want,
    const char *code)
{
	struct hq_resp r;
	json_t *j;

	if (hq_req(&srv, c, method, path, body, &r) != want)
		fail_msg("%s %s %s: %ld %s", method, path, body ? body : "", r.status,
			 r.body ? r.body : "");
	if (code)
		assert_string_equal(hq_err_code(&r), code);
	j = json_incref(r.json);
	hq_resp_free(&r);
	return j;
}

static int64_t
id_of(json_t *j, const char *key)
{
	int64_t id = json_integer_value(json_object_get(j, key));

	json_decref(j);
	return id;
}

/* A vehicle made by the office: plate, seats, status. */
static int64_t
vehicle(const char *plate, int seats, const char *status)
{
	char body[400];

	snprintf(body, sizeof(body), "{\"plate\":\"%s\",\"brand\":\"红旗\",\"model\":\"H5\","
		 "\"seats\":%d,\"type\":\"sedan\",\"energy\":\"petrol\",\"status\":\"%s\","
		 "\"tank_litres\":56,\"odometer_km\":1000,\"insurance_expiry\":\"2027-03-01\","
		 "\"price_fen\":17980000}", plate, seats, status);
	return id_of(req(&office, "POST", "/api/v1/vehicles", body, 201, NULL), "id");
}

static int64_t
ms(const char *iso)
{
	int64_t v = 0;

	assert_int_equal(iso_to_ms(iso, &v), 0);
	return v;
}

/* Reserve through core/booking.h on a connection of its own; returns the error code. */
static int
book(const char *kind, int64_t res, const char *start, const char *end, int64_t owner)
{
	struct actor who = { .id = hq_user_id(&srv, "office"), .agency_id = srv.agency_id,
			     .roles = ROLE_OFFICE, .ip = "test", .username = "office" };
	struct booking_req in = { kind, res, ms(start), ms(end), BUFFER_MS, "vehicle_trip",
				  owner, 0, 0 };
	struct err e = { 0 };
	struct db *db = NULL;
	int64_t id;
	int rc = db_open(srv.db_path, 0, &db, &e) || db_begin_write(db, &e) ||
		 booking_reserve(db, &who, &in, &id, NULL, &e) || db_commit(db, &e) ? e.code : 0;

	if (rc && db && db_in_tx(db))
		db_rollback(db);
	db_close(db);
	return rc;
}

static size_t
count_items(json_t *j)
{
	size_t n = json_array_size(json_object_get(j, "items"));

	json_decref(j);
	return n;
}

/* 1 when the list has an item whose key is the integer v. */
static int
has_item(json_t *j, const char *key, int64_t v)
{
	json_t *it;
	size_t i;
	int found = 0;

	json_array_foreach(json_object_get(j, "items"), i, it)
		if (json_integer_value(json_object_get(it, key)) == v)
			found = 1;
	json_decref(j);
	return found;
}

static void
roles_write_and_read(void **state)
{
	const char *body = "{\"plate\":\"京B·11111\",\"brand\":\"大众\",\"model\":\"帕萨特\","
			   "\"seats\":5,\"type\":\"sedan\",\"energy\":\"petrol\"}";
	char path[96];
	json_t *j;
	int64_t id;

	(void)state;
	json_decref(req(&staff, "POST", "/api/v1/vehicles", body, 403, NULL));
	json_decref(req(&worker, "POST", "/api/v1/vehicles", body, 403, NULL));
	j = req(&office, "POST", "/api/v1/vehicles", body, 201, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "available");
	assert_true(json_is_null(json_object_get(j, "department_id")));	/* the pool */
	id = id_of(j, "id");
	assert_true(has_item(req(&staff, "GET", "/api/v1/vehicles", NULL, 200, NULL), "id", id));
	assert_true(has_item(req(&worker, "GET", "/api/v1/vehicles", NULL, 200, NULL), "id", id));
	snprintf(path, sizeof(path), "/api/v1/vehicles/%lld", (long long)id);
	j = req(&staff, "GET", path, NULL, 200, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "plate")), "京B·11111");
	json_decref(j);
	json_decref(req(&staff, "GET", "/api/v1/drivers", NULL, 403, NULL));
	json_decref(req(&worker, "GET", "/api/v1/drivers", NULL, 403, NULL));
	json_decref(req(&leader, "GET", "/api/v1/drivers", NULL, 200, NULL));
	json_decref(req(&supervisor, "GET", "/api/v1/drivers", NULL, 200, NULL));
	json_decref(req(&staff, "GET", "/api/v1/vehicles/available?start=2030-01-01T01:00:00Z"
			"&end=2030-01-01T02:00:00Z", NULL, 403, NULL));
	json_decref(req(&leader, "GET", "/api/v1/vehicles/available?start=2030-01-01T01:00:00Z"
			"&end=2030-01-01T02:00:00Z", NULL, 200, NULL));
	/* the audit history of the vehicle */
	snprintf(path, sizeof(path), "/api/v1/history/vehicle/%lld", (long long)id);
	json_decref(req(&office, "GET", path, NULL, 200, NULL));
}

static void
bad_input(void **state)
{
	static const char *const bad[] = {
		"{\"plate\":\"AB12345\",\"brand\":\"x\",\"model\":\"y\",\"seats\":5,"
		"\"type\":\"sedan\",\"energy\":\"petrol\"}", "plate",
		"{\"plate\":\"京A·1234\",\"brand\":\"x\",\"model\":\"y\",\"seats\":5,"
		"\"type\":\"sedan\",\"energy\":\"petrol\"}", "plate",
		"{\"plate\":\"京A·C12345\",\"brand\":\"x\",\"model\":\"y\",\"seats\":5,"
		"\"type\":\"sedan\",\"energy\":\"petrol\"}", "plate",
		"{\"plate\":\"京C·22222\",\"brand\":\"x\",\"model\":\"y\",\"seats\":0,"
		"\"type\":\"sedan\",\"energy\":\"petrol\"}", "seats",
		"{\"plate\":\"京C·22222\",\"brand\":\"x\",\"model\":\"y\",\"seats\":61,"
		"\"type\":\"sedan\",\"energy\":\"petrol\"}", "seats",
		"{\"plate\":\"京C·22222\",\"brand\":\"x\",\"model\":\"y\",\"seats\":5,"
		"\"type\":\"truck\",\"energy\":\"petrol\"}", "type",
		"{\"plate\":\"京C·22222\",\"brand\":\"x\",\"model\":\"y\",\"seats\":5,"
		"\"type\":\"sedan\",\"energy\":\"coal\"}", "energy",
		"{\"plate\":\"京C·22222\",\"brand\":\"x\",\"model\":\"y\",\"seats\":5,"
		"\"type\":\"sedan\",\"energy\":\"petrol\",\"insurance_expiry\":\"2027-02-30\"}",
		"insurance_expiry",
		"{\"plate\":\"京C·22222\",\"brand\":\"x\",\"model\":\"y\",\"seats\":5,"
		"\"type\":\"sedan\",\"energy\":\"petrol\",\"price_fen\":-1}", "price_fen",
		"{\"plate\":\"京C·22222\",\"brand\":\"x\",\"model\":\"y\",\"seats\":5,"
		"\"type\":\"sedan\",\"energy\":\"petrol\",\"status\":\"lost\"}", "status",
		"{\"plate\":\"京C·22222\",\"brand\":\"x\",\"model\":\"y\",\"seats\":5,"
		"\"type\":\"sedan\",\"energy\":\"petrol\",\"department_id\":999999}", "department_id",
		NULL,
	};
	char body[600], path[96];
	json_t *j;
	int64_t id;

	(void)state;
	for (int i = 0; bad[i]; i += 2) {
		j = req(&office, "POST", "/api/v1/vehicles", bad[i], 400, "invalid");
		if (!json_object_get(json_object_get(json_object_get(j, "error"), "fields"),
				     bad[i + 1]))
			fail_msg("%s: no message on %s", bad[i], bad[i + 1]);
		json_decref(j);
	}
	/* the plate is stored in one form: 京c 33333 and 京C·33333 are the same plate */
	id = vehicle("京c33333", 5, "available");
	json_decref(req(&office, "POST", "/api/v1/vehicles",
			"{\"plate\":\"京C·33333\",\"brand\":\"x\",\"model\":\"y\",\"seats\":5,"
			"\"type\":\"sedan\",\"energy\":\"petrol\"}", 409, "duplicate"));
	/* a new-energy plate of 6 */
	json_decref(req(&office, "POST", "/api/v1/vehicles",
			"{\"plate\":\"京CD44444\",\"brand\":\"比亚迪\",\"model\":\"汉\",\"seats\":5,"
			"\"type\":\"sedan\",\"energy\":\"electric\",\"battery_kwh\":85}", 201, NULL));
	snprintf(path, sizeof(path), "/api/v1/vehicles/%lld", (long long)id);
	j = req(&office, "GET", path, NULL, 200, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "plate")), "京C·33333");
	/* PUT: the odometer may go up, not down; a stale updated_at is a 409 */
	snprintf(body, sizeof(body), "{\"plate\":\"京C·33333\",\"brand\":\"红旗\",\"model\":\"H5\","
		 "\"seats\":5,\"type\":\"sedan\",\"energy\":\"petrol\",\"odometer_km\":900,"
		 "\"updated_at\":\"%s\"}", json_string_value(json_object_get(j, "updated_at")));
	json_decref(req(&office, "PUT", path, body, 422, "odometer_backwards"));
	json_decref(req(&staff, "PUT", path, body, 403, NULL));
	snprintf(body, sizeof(body), "{\"plate\":\"京C·33333\",\"brand\":\"红旗\",\"model\":\"H5\","
		 "\"seats\":5,\"type\":\"sedan\",\"energy\":\"petrol\",\"odometer_km\":1200,"
		 "\"status\":\"maintenance\",\"updated_at\":\"%s\"}",
		 json_string_value(json_object_get(j, "updated_at")));
	json_decref(req(&office, "PUT", path, body, 200, NULL));
	json_decref(req(&office, "PUT", path, body, 409, "stale"));
	json_decref(j);
	j = req(&office, "GET", path, NULL, 200, NULL);
	assert_int_equal(json_integer_value(json_object_get(j, "odometer_km")), 1200);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "maintenance");
	json_decref(j);
}

static void
filters_paging_export(void **state)
{
	struct hq_resp r;
	char body[400];
	json_t *j;

	(void)state;
	vehicle("京D·10001", 5, "available");
	vehicle("京D·10002", 5, "sealed");
	snprintf(body, sizeof(body), "{\"plate\":\"京D·10003\",\"brand\":\"丰田\",\"model\":\"考斯特\","
		 "\"seats\":20,\"type\":\"bus\",\"energy\":\"diesel\",\"department_id\":%lld}",
		 (long long)srv.dept1_id);
	json_decref(req(&office, "POST", "/api/v1/vehicles", body, 201, NULL));
	assert_int_equal(count_items(req(&staff, "GET", "/api/v1/vehicles?q=%E4%BA%ACD",
					 NULL, 200, NULL)), 3);
	assert_int_equal(count_items(req(&staff, "GET", "/api/v1/vehicles?q=%E4%BA%ACD&status=sealed",
					 NULL, 200, NULL)), 1);
	assert_int_equal(count_items(req(&staff, "GET", "/api/v1/vehicles?type=bus", NULL, 200,
					 NULL)), 1);
	snprintf(body, sizeof(body), "/api/v1/vehicles?department_id=%lld", (long long)srv.dept1_id);
	j = req(&staff, "GET", body, NULL, 200, NULL);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
				    json_object_get(j, "items"), 0), "department_name")), "一处");
	json_decref(j);
	j = req(&staff, "GET", "/api/v1/vehicles?q=%E4%BA%ACD&per_page=2&page=2", NULL, 200, NULL);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 3);
	assert_int_equal(count_items(j), 1);
	json_decref(req(&staff, "GET", "/api/v1/vehicles?status=lost", NULL, 400, "invalid"));
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/vehicles?format=csv&q=%E4%BA%ACD",
				NULL, &r), 200);
	assert_non_null(strstr(r.body, "京D·10003"));
	assert_non_null(strstr(r.body, "客车"));
	hq_resp_free(&r);
}

static void
available_hides_booked_and_unfit(void **state)
{
	const char *win = "/api/v1/vehicles/available?start=2030-03-01T04:40:00Z"
			  "&end=2030-03-01T06:00:00Z";
	int64_t a, b, c;
	char path[200];

	(void)state;
	a = vehicle("京E·10001", 5, "available");
	b = vehicle("京E·10002", 7, "available");
	c = vehicle("京E·10003", 5, "maintenance");
	/* a is out 02:00–04:20: 04:40 is within its 30 minutes */
	assert_int_equal(book(BOOKING_VEHICLE, a, "2030-03-01T02:00:00Z", "2030-03-01T04:20:00Z",
			      1), 0);
	assert_false(has_item(req(&office, "GET", win, NULL, 200, NULL), "id", a));
	assert_true(has_item(req(&office, "GET", win, NULL, 200, NULL), "id", b));
	assert_false(has_item(req(&office, "GET", win, NULL, 200, NULL), "id", c));
	/* exactly the buffer after it: free again */
	assert_true(has_item(req(&office, "GET", "/api/v1/vehicles/available?"
				 "start=2030-03-01T04:50:00Z&end=2030-03-01T06:00:00Z", NULL, 200,
				 NULL), "id", a));
	/* seats */
	snprintf(path, sizeof(path), "%s&seats=6", win);
	assert_true(has_item(req(&office, "GET", path, NULL, 200, NULL), "id", b));
	assert_false(has_item(req(&office, "GET", "/api/v1/vehicles/available?seats=6&"
				  "start=2030-03-01T05:00:00Z&end=2030-03-01T06:00:00Z", NULL, 200,
				  NULL), "id", a));
	json_decref(req(&office, "GET", "/api/v1/vehicles/available?start=2030-03-01T06:00:00Z"
			"&end=2030-03-01T06:00:00Z", NULL, 400, "invalid"));
	json_decref(req(&office, "GET", "/api/v1/vehicles/available?start=bad&end=x", NULL, 400,
			"invalid"));
	/* the vehicle's calendar */
	snprintf(path, sizeof(path), "/api/v1/vehicles/%lld/bookings?from=2030-03-01&to=2030-03-01",
		 (long long)a);
	assert_true(has_item(req(&leader, "GET", path, NULL, 200, NULL), "owner_id", 1));
	json_decref(req(&staff, "GET", path, NULL, 403, NULL));
}

/* The updated_at of worker w's driver profile as GET /drivers shows it, into out. */
static void
driver_seen(int64_t w, char *out, size_t size)
{
	json_t *j = req(&office, "GET", "/api/v1/drivers", NULL, 200, NULL), *it;
	size_t i;

	out[0] = 0;
	json_array_foreach(json_object_get(j, "items"), i, it)
		if (json_integer_value(json_object_get(it, "user_id")) == w)
			snprintf(out, size, "%s", json_string_value(json_object_get(it, "updated_at")));
	json_decref(j);
	assert_true(out[0] != 0);
}

static void
drivers(void **state)
{
	int64_t w = hq_user_id(&srv, "worker"), s = hq_user_id(&srv, "staff");
	char path[96], seen[64], body[200];
	json_t *j;

	(void)state;
	snprintf(path, sizeof(path), "/api/v1/drivers/%lld", (long long)w);
	json_decref(req(&staff, "PUT", path, "{\"licence_class\":\"B1\",\"licence_expiry\":"
			"\"2029-06-30\"}", 403, NULL));
	json_decref(req(&office, "PUT", path, "{\"licence_class\":\"Z9\",\"licence_expiry\":"
			"\"2029-06-30\"}", 400, "invalid"));
	json_decref(req(&office, "PUT", path, "{\"licence_class\":\"B1\",\"licence_expiry\":"
			"\"2029-13-30\"}", 400, "invalid"));
	j = req(&office, "PUT", path, "{\"licence_class\":\"B1\",\"licence_expiry\":\"2029-06-30\"}",
		200, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "licence_expiry")), "2029-06-30");
	json_decref(j);
	/* now an edit: without the updated_at read 400, with an old one 409, nothing written */
	json_decref(req(&office, "PUT", path, "{\"licence_class\":\"B2\",\"licence_expiry\":"
			"\"2029-06-30\"}", 400, "invalid"));
	json_decref(req(&office, "PUT", path, "{\"licence_class\":\"B2\",\"licence_expiry\":"
			"\"2029-06-30\",\"updated_at\":\"2020-01-01T00:00:00Z\"}", 409, "stale"));
	driver_seen(w, seen, sizeof(seen));
	snprintf(body, sizeof(body), "{\"licence_class\":\"B2\",\"licence_expiry\":\"2029-06-30\","
		 "\"updated_at\":\"%s\"}", seen);
	j = req(&office, "PUT", path, body, 200, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "licence_class")), "B2");
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/drivers/%lld", (long long)s);
	json_decref(req(&office, "PUT", path, "{\"licence_class\":\"C1\",\"licence_expiry\":"
			"\"2029-06-30\"}", 422, "not_a_worker"));
	assert_true(has_item(req(&office, "GET", "/api/v1/drivers", NULL, 200, NULL), "user_id", w));
	assert_false(has_item(req(&office, "GET", "/api/v1/drivers", NULL, 200, NULL), "user_id",
			      s));
	/* a driver booked 09:00–11:00 is not free at 11:10, and is again at 11:30 */
	assert_int_equal(book(BOOKING_DRIVER, w, "2030-04-01T01:00:00Z", "2030-04-01T03:00:00Z",
			      2), 0);
	assert_false(has_item(req(&office, "GET", "/api/v1/drivers/available?"
				  "start=2030-04-01T03:10:00Z&end=2030-04-01T04:00:00Z", NULL, 200,
				  NULL), "user_id", w));
	assert_true(has_item(req(&office, "GET", "/api/v1/drivers/available?"
				 "start=2030-04-01T03:30:00Z&end=2030-04-01T04:00:00Z", NULL, 200,
				 NULL), "user_id", w));
	json_decref(req(&leader, "GET", "/api/v1/drivers/available?start=2030-04-01T03:30:00Z"
			"&end=2030-04-01T04:00:00Z", NULL, 403, NULL));
	snprintf(path, sizeof(path), "/api/v1/history/driver/%lld", (long long)w);
	json_decref(req(&office, "GET", path, NULL, 200, NULL));
}

/* How many of the office's notifications are of kind about entity_id (0: any). */
static int
notices(const char *kind, int64_t entity_id)
{
	json_t *j = req(&office, "GET", "/api/v1/notifications?per_page=100", NULL, 200, NULL), *it;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(j, "items"), i, it)
		if (!strcmp(json_string_value(json_object_get(it, "kind")), kind) &&
		    (!entity_id || json_integer_value(json_object_get(it, "entity_id")) == entity_id))
			n++;
	json_decref(j);
	return n;
}

/* "YYYY-MM-DD" of today (Shanghai) + days. */
static void
day_plus(int days, char out[16])
{
	cal_format_date(days_to_date((now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS + days), out, 16);
}

static void
reminders_30_7_1_never_twice(void **state)
{
	int64_t w = hq_user_id(&srv, "worker"), id;
	char body[400], d5[16], d40[16], path[96], seen[64];

	(void)state;
	day_plus(5, d5);
	day_plus(40, d40);
	snprintf(body, sizeof(body), "{\"plate\":\"京G·10001\",\"brand\":\"红旗\",\"model\":\"H5\","
		 "\"seats\":5,\"type\":\"sedan\",\"energy\":\"petrol\",\"insurance_expiry\":\"%s\","
		 "\"inspection_due\":\"%s\"}", d5, d40);
	id = id_of(req(&office, "POST", "/api/v1/vehicles", body, 201, NULL), "id");
	snprintf(path, sizeof(path), "/api/v1/drivers/%lld", (long long)w);
	driver_seen(w, seen, sizeof(seen));	/* the drivers test made the profile */
	snprintf(body, sizeof(body), "{\"licence_class\":\"B1\",\"licence_expiry\":\"%s\","
		 "\"updated_at\":\"%s\"}", d5, seen);
	json_decref(req(&office, "PUT", path, body, 200, NULL));
	/* insurance in 5 days: the 7-day lead, once however often the job runs */
	assert_int_equal(jobs_run_once(srv.pool, now_ms()), 0);
	assert_int_equal(jobs_run_once(srv.pool, now_ms()), 0);
	assert_int_equal(notices("vehicle.renewal_due", id), 1);
	assert_int_equal(notices("driver.licence_due", 0), 1);
	/* four days on: the 1-day lead; 年审 (40 days) now 36 away: nothing yet */
	assert_int_equal(jobs_run_once(srv.pool, now_ms() + 4 * DAY_MS), 0);
	assert_int_equal(jobs_run_once(srv.pool, now_ms() + 4 * DAY_MS), 0);
	assert_int_equal(notices("vehicle.renewal_due", id), 2);
	assert_int_equal(notices("driver.licence_due", 0), 2);
	/* eleven days on, 年审 is 29 days away: its 30-day lead */
	assert_int_equal(jobs_run_once(srv.pool, now_ms() + 11 * DAY_MS), 0);
	assert_int_equal(notices("vehicle.renewal_due", id), 3);
}

/* ---------- 10 reservations of one vehicle at once ---------- */

#define RACERS 10

struct racer {
	pthread_barrier_t *go;
	int64_t vehicle, user, owner;
	int rc;
	const char *slug;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	struct actor who = { .id = r->user, .agency_id = srv.agency_id, .roles = ROLE_OFFICE,
			     .ip = "test", .username = "office" };
	/* overlapping windows: each starts 10 minutes after the one before */
	int64_t start = ms("2030-05-01T01:00:00Z") + r->owner * 10 * MINUTE_MS;
	struct booking_req in = { BOOKING_VEHICLE, r->vehicle, start, start + 2 * HOUR_MS,
				  BUFFER_MS, "vehicle_trip", 100 + r->owner, 0, 0 };
	struct booking c;
	struct err e = { 0 };
	struct db *db = NULL;
	int64_t id;

	r->rc = db_open(srv.db_path, 0, &db, &e);
	pthread_barrier_wait(r->go);
	if (!r->rc)
		r->rc = db_begin_write(db, &e) || booking_reserve(db, &who, &in, &id, &c, &e) ||
				db_commit(db, &e) ? e.code : 0;
	if (r->rc && db && db_in_tx(db))
		db_rollback(db);
	r->slug = r->rc ? e.slug : NULL;
	db_close(db);
	return NULL;
}

static void
one_of_ten_reservations_wins(void **state)
{
	struct racer rs[RACERS];
	pthread_t th[RACERS];
	pthread_barrier_t go;
	int ok = 0, conflict = 0;
	int64_t v = vehicle("京F·10001", 5, "available");
	char path[160];

	(void)state;
	pthread_barrier_init(&go, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		rs[i] = (struct racer){ &go, v, hq_user_id(&srv, "office"), i, -1, NULL };
		assert_int_equal(pthread_create(&th[i], NULL, race, &rs[i]), 0);
	}
	for (int i = 0; i < RACERS; i++) {
		pthread_join(th[i], NULL);
		if (rs[i].rc == 0)
			ok++;
		else if (rs[i].rc == ERR_CONFLICT && rs[i].slug &&
			 !strcmp(rs[i].slug, "schedule_conflict"))
			conflict++;
		else
			fail_msg("racer %d: %d %s", i, rs[i].rc, rs[i].slug ? rs[i].slug : "");
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(ok, 1);
	assert_int_equal(conflict, RACERS - 1);
	snprintf(path, sizeof(path), "/api/v1/vehicles/%lld/bookings?from=2030-05-01&to=2030-05-01",
		 (long long)v);
	assert_int_equal(count_items(req(&office, "GET", path, NULL, 200, NULL)), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles_write_and_read),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(filters_paging_export),
		cmocka_unit_test(available_hides_booked_and_unfit),
		cmocka_unit_test(drivers),
		cmocka_unit_test(reminders_30_7_1_never_twice),
		cmocka_unit_test(one_of_ten_reservations_wins),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
