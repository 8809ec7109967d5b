/*
** tests/api/test_trips.c: 用车申请 end to end, on either backend
** (HOUQIN_TEST_BACKEND): request -> approval (department head; a leader too
** for out-of-city trips) -> dispatch onto a vehicle and a driver -> depart ->
** return (odometer rules) -> rating, for every role; 409 schedule_conflict
** within the 30-minute buffer naming the other trip, a trip just outside it
** dispatched; two offices racing for one vehicle (one wins); bad input; a
** cancel releasing the vehicle and withdrawing the approval. Passengers named
** in the request read the trip and rate it once it is back (the requester's
** rating closes it), once each; the driver's monthly figures count them all.
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
#include "modules/vehicles/trips.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client staff, staff2, head, office, office2, leader, sup, worker, drv1, fin;
static int64_t veh[6], drivers[2], worker_id, expired_driver;
static int day;			/* a workday (yyyymmdd) a few days ahead: trips go there */

static void
login(struct hq_client *c, const char *user)
{
	hq_client_init(c);
	assert_int_equal(hq_login(&srv, c, user, TEST_PASSWORD), 200);
}

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

static int64_t
count_rows(const char *sql)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (db_prepare(db, &st, sql, &e) == 0 && db_step_row(&st, &e) == 0)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	assert_true(n >= 0);
	return n;
}

static int64_t
add_vehicle(const char *plate, int seats, const char *status, int km)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO vehicle (agency_id, plate, brand, model, seats, type, energy, status,"
		 " odometer_km, created_at, updated_at) VALUES (%lld, '%s', '大众', '帕萨特', %d,"
		 " 'sedan', 'petrol', '%s', %d, 1, 1)", (long long)srv.agency_id, plate, seats,
		 status, km);
	return exec_id(sql);
}

static void
add_driver(int64_t user, int expiry)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO driver_profile (user_id, agency_id, licence_class, licence_expiry,"
		 " updated_at) VALUES (%lld, %lld, 'C1', %d, 1)", (long long)user,
		 (long long)srv.agency_id, expiry);
	exec_id(sql);
}

/* The first workday at least 3 days ahead (in-city trips there need the department head only). */
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
	int64_t ids[3];

	(void)state;
	hq_start(&srv);
	hq_fixture_users(&srv, srv.agency_id, srv.office_dept_id, "drv", "worker", 3, ids);
	hq_fixture_users(&srv, srv.agency_id, srv.office_dept_id, "ofc", "office", 1, NULL);
	login(&staff, "staff");
	login(&staff2, "staff2");
	login(&head, "dept_head");
	login(&office, "office");
	login(&office2, "ofc1");
	login(&leader, "leader");
	login(&sup, "supervisor");
	login(&worker, "worker");
	login(&drv1, "drv1");
	login(&fin, "finance");
	worker_id = hq_user_id(&srv, "worker");
	drivers[0] = ids[0];
	drivers[1] = ids[1];
	add_driver(worker_id, 20991231);
	add_driver(ids[0], 20991231);
	add_driver(ids[1], 20991231);
	add_driver(ids[2], 20200101);	/* drv3: an expired licence */
	expired_driver = ids[2];
	veh[0] = add_vehicle("京A·10001", 5, "available", 10000);
	veh[1] = add_vehicle("京A·10002", 7, "available", 500);
	veh[2] = add_vehicle("京A·10003", 5, "available", 0);
	veh[3] = add_vehicle("京A·10004", 5, "sealed", 0);
	veh[4] = add_vehicle("京A·10005", 2, "available", 0);
	veh[5] = add_vehicle("京A·10006", 5, "available", 0);
	day = next_workday();
	return 0;
}

static int
teardown(void **state)
{
	struct hq_client *all[] = { &staff, &staff2, &head, &office, &office2, &leader, &sup,
				    &worker, &drv1, &fin };

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		hq_client_free(all[i]);
	hq_stop(&srv);
	return 0;
}

/* method path body as c: the status must be want (and the error code, if any). */
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
	j = r.json ? json_incref(r.json) : NULL;
	hq_resp_free(&r);
	return j;
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

/* "YYYY-MM-DDTHH:MM:00+08:00" of minute m after midnight of `day` + d days (Shanghai). */
static const char *
at(int d, int m, char *buf, size_t size)
{
	int date = days_to_date(date_to_days(day) + d);

	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:00+08:00", date / 10000, date / 100 % 100,
		 date % 100, m / 60, m % 60);
	return buf;
}

/* A trip request by c from minute `from` to `to` of `day`; its id (201) or the status asked. */
static int64_t
request(struct hq_client *c, int from, int to, int pax, int out_of_city)
{
	char body[512], s[40], t[40];
	json_t *j;
	int64_t id;

	snprintf(body, sizeof(body),
		 "{\"purpose\":\"调研\",\"destination\":\"市档案馆\",\"out_of_city\":%s,"
		 "\"passengers\":%d,\"passenger_names\":\"张三、李四\",\"start_at\":\"%s\","
		 "\"end_at\":\"%s\",\"est_km\":40}", out_of_city ? "true" : "false", pax,
		 at(0, from, s, sizeof(s)), at(0, to, t, sizeof(t)));
	j = req(c, "POST", "/api/v1/trips", body, 201, NULL);
	assert_string_equal(str_of(j, "status"), "requested");
	assert_non_null(strstr(str_of(j, "code"), "YC"));
	id = int_of(j, "id");
	json_decref(j);
	return id;
}

static json_t *
trip(struct hq_client *c, int64_t id, long want)
{
	char path[64];

	snprintf(path, sizeof(path), "/api/v1/trips/%lld", (long long)id);
	return req(c, "GET", path, NULL, want, NULL);
}

static const char *
status_of(int64_t id)
{
	static char s[32];
	json_t *j = trip(&office, id, 200);

	snprintf(s, sizeof(s), "%s", str_of(j, "status"));
	json_decref(j);
	return s;
}

static void
decide(struct hq_client *c, int64_t id, const char *decision, long want)
{
	json_t *j = trip(&sup, id, 200);
	char path[80], body[80];

	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision",
		 (long long)int_of(json_object_get(j, "approval"), "id"));
	snprintf(body, sizeof(body), "{\"decision\":\"%s\",\"comment\":\"ok\"}", decision);
	json_decref(j);
	json_decref(req(c, "POST", path, body, want, NULL));
}

/* POST /trips/:id/<action> body as c, status want (and code). */
static json_t *
act(struct hq_client *c, int64_t id, const char *action, const char *body, long want,
    const char *code)
{
	char path[80];

	snprintf(path, sizeof(path), "/api/v1/trips/%lld/%s", (long long)id, action);
	return req(c, "POST", path, body, want, code);
}

static void
act0(struct hq_client *c, int64_t id, const char *action, const char *body, long want,
     const char *code)
{
	json_decref(act(c, id, action, body, want, code));
}

static void
dispatch(int64_t id, int64_t vehicle, int64_t driver, long want, const char *code)
{
	char body[96];

	snprintf(body, sizeof(body), "{\"vehicle_id\":%lld,\"driver_id\":%lld}",
		 (long long)vehicle, (long long)driver);
	act0(&office, id, "dispatch", body, want, code);
}

static int64_t
approved(int from, int to, int pax)
{
	int64_t id = request(&staff, from, to, pax, 0);

	decide(&head, id, "approve", 200);
	assert_string_equal(status_of(id), "approved");
	return id;
}

static int64_t
total_of(struct hq_client *c, const char *path)
{
	json_t *j = req(c, "GET", path, NULL, 200, NULL);
	int64_t n = int_of(j, "total");

	json_decref(j);
	return n;
}

/* The 工作台 counter key of c (-1: not shown to c). */
static int64_t
counter(struct hq_client *c, const char *key)
{
	json_t *j = req(c, "GET", "/api/v1/workbench", NULL, 200, NULL), *x;
	int64_t n = -1;
	size_t i;

	json_array_foreach(json_object_get(j, "counters"), i, x)
		if (strcmp(str_of(x, "key"), key) == 0)
			n = int_of(x, "count");
	json_decref(j);
	return n;
}

/* 1 when c's "my open requests" on the 工作台 list trip id (kind vehicle_trip). */
static int
in_my_requests(struct hq_client *c, int64_t id)
{
	json_t *j = req(c, "GET", "/api/v1/workbench", NULL, 200, NULL), *x;
	int found = 0;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(j, "my_requests"), "items"), i, x)
		found |= strcmp(str_of(x, "kind"), "vehicle_trip") == 0 && int_of(x, "id") == id;
	json_decref(j);
	return found;
}

/* sql (a literal: statements are cached by their text's address) with :id and :s bound */
static int64_t
count_of(const char *sql, int64_t id, const char *text)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (db_prepare(db, &st, sql, &e) == 0 && db_bind_i64(&st, ":id", id, &e) == 0 &&
	    (!text || db_bind_text(&st, ":s", text, &e) == 0) && db_step_row(&st, &e) == 0)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	assert_true(n >= 0);
	return n;
}

static int64_t
odometer(int64_t id)
{
	return count_of("SELECT odometer_km FROM vehicle WHERE id = :id", id, NULL);
}

static int
vehicle_is(int64_t id, const char *status)
{
	return (int)count_of("SELECT COUNT(*) FROM vehicle WHERE id = :id AND status = :s", id,
			     status);
}

/* The trip's 变更记录 to whoever sees it (not to another department's staff); the list as CSV. */
static void
history_and_export(int64_t id)
{
	struct hq_resp r;
	char path[64];

	snprintf(path, sizeof(path), "/api/v1/history/vehicle_trip/%lld", (long long)id);
	json_decref(req(&staff, "GET", path, NULL, 200, NULL));
	json_decref(req(&worker, "GET", path, NULL, 200, NULL));
	json_decref(req(&staff2, "GET", path, NULL, 404, NULL));
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/trips?format=csv", NULL, &r), 200);
	assert_non_null(strstr(r.body, "用车单号"));
	assert_non_null(strstr(r.body, "京A·10001"));
	hq_resp_free(&r);
}

/* The whole flow, with each role's view and each refusal on the way. */
static void
full_flow(void **state)
{
	int64_t id = request(&staff, 9 * 60, 11 * 60, 3, 0), n0 = total_of(&staff, "/api/v1/trips");
	json_t *j = trip(&staff, id, 200), *ap = json_object_get(j, "approval");

	(void)state;
	assert_int_equal(json_array_size(json_object_get(ap, "steps")), 1);	/* in-city workday */
	assert_false(json_is_true(json_object_get(json_object_get(j, "can"), "dispatch")));
	json_decref(j);
	json_decref(trip(&staff2, id, 404));	/* another's, another department */
	json_decref(trip(&head, id, 200));	/* their department's */
	assert_true(n0 >= 1);
	assert_int_equal(total_of(&staff2, "/api/v1/trips"), 0);
	dispatch(id, veh[0], worker_id, 409, "illegal_transition");	/* not approved yet */
	decide(&head, id, "approve", 200);
	assert_string_equal(status_of(id), "approved");
	assert_true(total_of(&office, "/api/v1/trips?status=approved") >= 1);
	assert_int_equal(counter(&office, "trips_to_dispatch"),
			 total_of(&office, "/api/v1/trips?status=approved"));
	assert_int_equal(counter(&staff, "trips_to_dispatch"), -1);
	assert_true(in_my_requests(&staff, id));
	act0(&worker, id, "dispatch", "{\"vehicle_id\":1,\"driver_id\":1}", 403, NULL);
	dispatch(id, veh[0], worker_id, 200, NULL);
	j = trip(&worker, id, 200);	/* the driver reads the trip dispatched to them */
	assert_string_equal(str_of(j, "status"), "dispatched");
	assert_string_equal(str_of(j, "plate"), "京A·10001");
	assert_true(json_is_true(json_object_get(json_object_get(j, "can"), "depart")));
	json_decref(j);
	assert_int_equal(total_of(&worker, "/api/v1/trips?mine=1&status=dispatched"), 1);
	assert_int_equal(counter(&worker, "trips_my_tasks"), 1);
	assert_int_equal(total_of(&worker, "/api/v1/trips?tasks=1"), 1);
	act0(&drv1, id, "depart", "{\"odometer_km\":10000}", 404, NULL);	/* not theirs */
	act0(&worker, id, "depart", "{\"odometer_km\":9999}", 422, "odometer_backwards");
	act0(&worker, id, "depart", "{\"odometer_km\":10002}", 200, NULL);
	assert_int_equal(vehicle_is(veh[0], "in_use"), 1);
	act0(&worker, id, "return", "{\"odometer_km\":10001}", 422, "odometer_backwards");
	act0(&staff, id, "rate", "{\"rating\":5}", 409, "illegal_transition");
	act0(&worker, id, "return",
	     "{\"odometer_km\":10060,\"fuel_litres_x100\":2550,\"tolls_fen\":1500,"
	     "\"parking_fen\":1000}", 200, NULL);
	assert_int_equal(odometer(veh[0]), 10060);
	assert_int_equal(vehicle_is(veh[0], "available"), 1);
	act0(&worker, id, "rate", "{\"rating\":5}", 403, NULL);
	act0(&staff, id, "rate", "{\"rating\":6}", 400, NULL);
	j = act(&staff, id, "rate", "{\"rating\":5,\"comment\":\"准时\"}", 200, NULL);
	assert_string_equal(str_of(j, "status"), "closed");
	assert_int_equal(counter(&worker, "trips_my_tasks"), 0);
	assert_int_equal(int_of(j, "return_km"), 10060);
	assert_int_equal(int_of(j, "tolls_fen"), 1500);
	json_decref(j);
	history_and_export(id);
	assert_int_equal(count_rows("SELECT COUNT(*) FROM audit_log WHERE entity = 'vehicle_trip'"
				    " AND action IN ('create', 'approved', 'dispatch', 'depart',"
				    " 'return', 'rate')"), 6);
}

/* Out of the city: the department head, then a leader; a rejection ends it. */
static void
out_of_city_needs_leader(void **state)
{
	int64_t id = request(&staff, 8 * 60, 18 * 60, 2, 1), id2;
	json_t *j = trip(&staff, id, 200);

	(void)state;
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "approval"), "steps")),
			 2);
	json_decref(j);
	decide(&head, id, "approve", 200);
	assert_string_equal(status_of(id), "requested");
	decide(&leader, id, "approve", 200);
	assert_string_equal(status_of(id), "approved");
	id2 = request(&staff, 8 * 60, 9 * 60, 1, 0);
	decide(&head, id2, "reject", 200);
	assert_string_equal(status_of(id2), "rejected");
	assert_true(count_rows("SELECT COUNT(*) FROM notification WHERE kind = 'trip.rejected'") >= 1);
	assert_true(count_rows("SELECT COUNT(*) FROM notification WHERE kind = 'trip.to_dispatch'") >= 1);
}

/* Within the 30-minute buffer: 409 naming the trip; at the buffer's edge: dispatched. */
static void
conflict_and_buffer(void **state)
{
	int64_t a = approved(13 * 60, 14 * 60, 2), b = approved(14 * 60 + 29, 15 * 60, 2);
	int64_t c = approved(14 * 60 + 30, 15 * 60, 2), before;
	char code[32];
	struct hq_resp r;
	json_t *j = trip(&office, a, 200);

	(void)state;
	snprintf(code, sizeof(code), "%s", str_of(j, "code"));
	json_decref(j);
	dispatch(a, veh[1], drivers[0], 200, NULL);
	{
		char path[64], body[96];

		snprintf(path, sizeof(path), "/api/v1/trips/%lld/dispatch", (long long)b);
		snprintf(body, sizeof(body), "{\"vehicle_id\":%lld,\"driver_id\":%lld}",
			 (long long)veh[1], (long long)drivers[1]);
		assert_int_equal(hq_req(&srv, &office, "POST", path, body, &r), 409);
		assert_string_equal(hq_err_code(&r), "schedule_conflict");
		assert_non_null(strstr(r.body, code));
		hq_resp_free(&r);
	}
	/* the driver busy, the vehicle free: nothing of it stays booked */
	before = count_rows("SELECT COUNT(*) FROM booking WHERE status <> 'cancelled'");
	dispatch(b, veh[5], drivers[0], 409, "schedule_conflict");
	assert_int_equal(count_rows("SELECT COUNT(*) FROM booking WHERE status <> 'cancelled'"),
			 before);
	assert_string_equal(status_of(b), "approved");
	dispatch(c, veh[1], drivers[0], 200, NULL);	/* 14:00 + 30 min == 14:30: no conflict */
	/* re-dispatch moves the bookings: b now takes what c left */
	dispatch(c, veh[2], drivers[1], 200, NULL);
	dispatch(b, veh[1], drivers[0], 409, "schedule_conflict");	/* a still holds 14:00 */
}

struct racer {
	struct hq_client *c;
	int64_t id;
	long status;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	char path[64], body[96];
	struct hq_resp resp;

	snprintf(path, sizeof(path), "/api/v1/trips/%lld/dispatch", (long long)r->id);
	snprintf(body, sizeof(body), "{\"vehicle_id\":%lld,\"driver_id\":%lld}",
		 (long long)veh[2], (long long)(r->c == &office ? drivers[0] : drivers[1]));
	r->status = hq_req(&srv, r->c, "POST", path, body, &resp);
	hq_resp_free(&resp);
	return NULL;
}

/* Two offices dispatch one vehicle for overlapping trips at once: exactly one wins. */
static void
dispatch_race(void **state)
{
	struct racer r[2] = { { &office, approved(16 * 60, 17 * 60, 1), 0 },
			      { &office2, approved(16 * 60 + 30, 17 * 60 + 30, 1), 0 } };
	pthread_t t[2];

	(void)state;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_true((r[0].status == 200 && r[1].status == 409) ||
		    (r[0].status == 409 && r[1].status == 200));
	/* the trip re-dispatched onto it earlier, and the winner */
	assert_int_equal(count_of("SELECT COUNT(*) FROM vehicle_trip WHERE status = :s"
				  " AND vehicle_id = :id", veh[2], "dispatched"), 2);
}

/* The same race below the HTTP layer: two connections, each its own write transaction. */
struct tx_racer {
	int64_t trip, driver;
	pthread_barrier_t *go;
	int rc;
	char slug[32];
};

static void *
tx_race(void *arg)
{
	struct tx_racer *r = arg;
	struct arena *a = arena_new(16384);
	struct err e = { 0 };
	struct actor who;
	struct db *db = NULL;

	r->rc = db_open(srv.db_path, 0, &db, &e) ||
		auth_load_actor(db, a, hq_user_id(&srv, "office"), &who, &e) ? -1 : 0;
	pthread_barrier_wait(r->go);
	if (!r->rc && !db_begin_write(db, &e)) {
		r->rc = trip_dispatch(db, a, &who, r->trip, veh[2], r->driver, &e);
		if (!r->rc)
			r->rc = db_commit(db, &e);
		else
			db_rollback(db);
		snprintf(r->slug, sizeof(r->slug), "%s", e.slug ? e.slug : "");
	}
	db_close(db);
	arena_free(a);
	return NULL;
}

static void
dispatch_race_in_transactions(void **state)
{
	pthread_barrier_t go;
	struct tx_racer r[2] = { { approved(7 * 60, 8 * 60, 1), drivers[0], &go, 0, "" },
				 { approved(7 * 60 + 45, 8 * 60, 1), drivers[1], &go, 0, "" } };
	pthread_t t[2];

	(void)state;
	pthread_barrier_init(&go, NULL, 2);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, tx_race, &r[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	if (!((r[0].rc == 0 && r[1].rc == ERR_CONFLICT) || (r[0].rc == ERR_CONFLICT && r[1].rc == 0)))
		fail_msg("rc %d (%s) and %d (%s)", r[0].rc, r[0].slug, r[1].rc, r[1].slug);
	assert_string_equal(r[r[0].rc ? 0 : 1].slug, "schedule_conflict");
	assert_string_equal(status_of(r[r[0].rc ? 0 : 1].trip), "approved");
	assert_string_equal(status_of(r[r[0].rc ? 1 : 0].trip), "dispatched");
}

/* A weekend or holiday, or a trip into the next day: the leader decides too. */
static void
holiday_or_overnight_needs_leader(void **state)
{
	struct arena *a = arena_new(8192);
	struct db *db = db_pool_writer(srv.pool);
	struct err e = { 0 };
	struct cal cal;
	int rc = cal_load_agency(db, a, srv.agency_id, &cal, &e), off = 1;
	char body[512], s[40], t[40];
	int64_t id;
	json_t *j;

	db_pool_writer_unlock(srv.pool);
	(void)state;
	assert_int_equal(rc, 0);
	while (cal_is_workday(&cal, days_to_date(date_to_days(day) + off)))
		off++;
	arena_free(a);
	for (int overnight = 0; overnight < 2; overnight++) {
		snprintf(body, sizeof(body),
			 "{\"purpose\":\"调研\",\"destination\":\"市档案馆\",\"passengers\":1,"
			 "\"start_at\":\"%s\",\"end_at\":\"%s\"}",
			 at(overnight ? 0 : off, 20 * 60, s, sizeof(s)),
			 overnight ? at(1, 8 * 60, t, sizeof(t)) : at(off, 21 * 60, t, sizeof(t)));
		j = req(&staff, "POST", "/api/v1/trips", body, 201, NULL);
		id = int_of(j, "id");
		json_decref(j);
		j = trip(&sup, id, 200);
		assert_int_equal(json_array_size(json_object_get(json_object_get(j, "approval"),
								 "steps")), 2);
		json_decref(j);
	}
}

static void
bad_trip(const char *start, const char *end, int pax, int km, const char *purpose,
	 const char *field)
{
	char body[512];
	struct hq_resp r;

	snprintf(body, sizeof(body), "{\"purpose\":\"%s\",\"destination\":\"市档案馆\","
		 "\"passengers\":%d,\"est_km\":%d,\"start_at\":\"%s\",\"end_at\":\"%s\"}",
		 purpose, pax, km, start, end);
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/trips", body, &r), 400);
	if (!strstr(r.body, field))
		fail_msg("%s: %s", body, r.body);
	hq_resp_free(&r);
}

static void
bad_input(void **state)
{
	int64_t rows = count_rows("SELECT COUNT(*) FROM vehicle_trip"), id;
	char s[40], t[40];

	(void)state;
	at(0, 10 * 60, s, sizeof(s));
	at(0, 9 * 60, t, sizeof(t));
	bad_trip(s, t, 2, 10, "调研", "end_at");	/* end before start */
	bad_trip("2020-01-01T09:00:00+08:00", "2020-01-01T10:00:00+08:00", 2, 10, "调研",
		 "start_at");
	at(0, 11 * 60, t, sizeof(t));
	bad_trip(s, t, 0, 10, "调研", "passengers");
	bad_trip(s, t, 61, 10, "调研", "passengers");
	bad_trip(s, t, 2, -1, "调研", "est_km");
	bad_trip(s, t, 2, 10, "", "purpose");
	assert_int_equal(count_rows("SELECT COUNT(*) FROM vehicle_trip"), rows);
	id = approved(6 * 60, 7 * 60, 3);
	dispatch(id, 999999, worker_id, 400, NULL);	/* unknown vehicle */
	dispatch(id, veh[5], hq_user_id(&srv, "staff2"), 400, NULL);	/* not a driver */
	dispatch(id, veh[4], worker_id, 422, "not_enough_seats");
	dispatch(id, veh[3], worker_id, 422, "vehicle_sealed");
	dispatch(id, veh[5], expired_driver, 422, "licence_expired");
	assert_string_equal(status_of(id), "approved");
	act0(&office, id, "depart", "{\"odometer_km\":1}", 409, "illegal_transition");
}

/*
** A cancel releases the vehicle; the requester's cancel withdraws a pending
** approval; the office's cancel after a first decision ends it too, so it
** leaves the leader's 待办.
*/
static void
cancel_releases(void **state)
{
	int64_t a = approved(19 * 60, 20 * 60, 1), b = approved(19 * 60 + 10, 20 * 60, 1), c, pending;
	json_t *j;

	(void)state;
	dispatch(a, veh[5], drivers[1], 200, NULL);
	dispatch(b, veh[5], drivers[0], 409, "schedule_conflict");
	act0(&staff, a, "cancel", "{\"reason\":\"会议改期\"}", 403, NULL);	/* dispatched */
	act0(&office, a, "cancel", "{\"reason\":\"会议改期\"}", 200, NULL);
	assert_string_equal(status_of(a), "cancelled");
	dispatch(b, veh[5], drivers[1], 200, NULL);	/* available again */
	c = request(&staff, 21 * 60, 22 * 60, 1, 0);
	act0(&staff2, c, "cancel", "{}", 404, NULL);
	j = act(&staff, c, "cancel", "{}", 200, NULL);
	assert_string_equal(str_of(j, "status"), "cancelled");
	assert_string_equal(str_of(json_object_get(j, "approval"), "status"), "withdrawn");
	json_decref(j);
	decide(&head, c, "approve", 409);	/* nothing left to decide */
	c = request(&staff, 21 * 60, 22 * 60, 1, 1);	/* out of city: the head, then a leader */
	decide(&head, c, "approve", 200);
	pending = total_of(&leader, "/api/v1/approvals?mine=pending");
	act0(&office, c, "cancel", "{\"reason\":\"取消出差\"}", 200, NULL);
	assert_int_equal(total_of(&leader, "/api/v1/approvals?mine=pending"), pending - 1);
	assert_int_equal(count_of("SELECT COUNT(*) FROM approval a JOIN vehicle_trip t ON"
				  " t.approval_id = a.id WHERE t.id = :id AND a.status = :s", c,
				  "withdrawn"), 1);
	assert_int_equal(count_of("SELECT COUNT(*) FROM audit_log WHERE entity = 'approval'"
				  " AND action = :s AND entity_id = (SELECT approval_id FROM"
				  " vehicle_trip WHERE id = :id)", c, "cancel"), 1);
	decide(&leader, c, "approve", 409);
}

/* POST /trips naming passengers (ids) among pax: the status, and the trip's id on 201. */
static int64_t
request_with(int pax, const char *ids, long want)
{
	char body[512], s[40], t[40];
	json_t *j;
	int64_t id;

	snprintf(body, sizeof(body),
		 "{\"purpose\":\"督查\",\"destination\":\"开发区\",\"passengers\":%d,"
		 "\"passenger_ids\":%s,\"start_at\":\"%s\",\"end_at\":\"%s\"}", pax, ids,
		 at(0, 4 * 60, s, sizeof(s)), at(0, 5 * 60, t, sizeof(t)));
	j = req(&staff, "POST", "/api/v1/trips", body, want, want == 201 ? NULL : "invalid");
	id = want == 201 ? int_of(j, "id") : 0;
	json_decref(j);
	return id;
}

/* Named passengers: bad lists refused; a passenger reads the trip. */
static int64_t
passengers_named(void)
{
	struct hq_agency other;
	int64_t rows = count_rows("SELECT COUNT(*) FROM vehicle_trip"), id;
	char ids[96];
	json_t *j;

	hq_fixture_agency(&srv, "乙机关", "b_", &other);
	snprintf(ids, sizeof(ids), "[%lld]", (long long)hq_user_id(&srv, "b_staff"));
	request_with(2, ids, 400);	/* another agency's */
	request_with(2, "[999999]", 400);
	snprintf(ids, sizeof(ids), "[%lld,%lld]", (long long)hq_user_id(&srv, "staff2"),
		 (long long)hq_user_id(&srv, "staff2"));
	request_with(3, ids, 400);	/* twice */
	snprintf(ids, sizeof(ids), "[%lld,%lld]", (long long)hq_user_id(&srv, "staff2"),
		 (long long)hq_user_id(&srv, "finance"));
	request_with(1, ids, 400);	/* more than ride */
	request_with(2, "[0]", 400);
	assert_int_equal(count_rows("SELECT COUNT(*) FROM vehicle_trip"), rows);
	id = request_with(3, ids, 201);
	j = trip(&staff2, id, 200);	/* another department's, but they ride */
	assert_int_equal(json_array_size(json_object_get(j, "passenger_list")), 2);
	assert_int_equal(int_of(j, "ratings"), 0);
	assert_true(json_is_null(json_object_get(j, "rating_avg")));
	json_decref(j);
	assert_int_equal(total_of(&staff2, "/api/v1/trips?mine=1"), 1);
	json_decref(trip(&drv1, id, 404));
	return id;
}

static void
rate(struct hq_client *c, int64_t id, int score, long want, const char *code)
{
	char body[64];

	snprintf(body, sizeof(body), "{\"rating\":%d,\"comment\":\"好\"}", score);
	act0(c, id, "rate", body, want, code);
}

/* The driver's month in the report against trip_rating (test trips depart now). */
static void
report_counts_every_rating(void)
{
	int month = cal_local_date(now_ms()) / 100;
	char path[80];
	json_t *rep, *d = NULL, *x;
	int64_t n, sum;
	size_t i;

	snprintf(path, sizeof(path), "/api/v1/vehicles/report?month=%04d-%02d", month / 100,
		 month % 100);
	rep = req(&office, "GET", path, NULL, 200, NULL);
	json_array_foreach(json_object_get(rep, "drivers"), i, x)
		if (int_of(x, "driver_id") == worker_id)
			d = x;
	assert_non_null(d);
	n = count_of("SELECT COUNT(*) FROM trip_rating r JOIN vehicle_trip t ON t.id = r.trip_id"
		     " WHERE t.driver_id = :id", worker_id, NULL);
	sum = count_of("SELECT COALESCE(SUM(r.rating), 0) FROM trip_rating r JOIN vehicle_trip t"
		       " ON t.id = r.trip_id WHERE t.driver_id = :id", worker_id, NULL);
	assert_true(n >= 4);	/* full_flow's and the three here */
	assert_int_equal(int_of(d, "ratings"), n);
	assert_true(json_real_value(json_object_get(d, "rating_avg")) ==
		    (double)((sum * 10 + n / 2) / n) / 10.0);
	json_decref(rep);
}

/* Passengers rate once it is back, once each; the requester's rating closes it; all count. */
static void
passengers_rate(void **state)
{
	int64_t id = passengers_named(), km = odometer(veh[0]);
	char body[64];
	json_t *j;

	(void)state;
	decide(&head, id, "approve", 200);
	dispatch(id, veh[0], worker_id, 200, NULL);
	rate(&staff2, id, 4, 409, "illegal_transition");
	snprintf(body, sizeof(body), "{\"odometer_km\":%lld}", (long long)km);
	act0(&worker, id, "depart", body, 200, NULL);
	snprintf(body, sizeof(body), "{\"odometer_km\":%lld}", (long long)km + 30);
	act0(&worker, id, "return", body, 200, NULL);
	assert_int_equal(count_of("SELECT COUNT(*) FROM notification WHERE kind ="
				  " 'trip.rate_invite' AND entity_id = :id", id, NULL), 2);
	rate(&drv1, id, 4, 404, NULL);	/* a stranger */
	rate(&office, id, 4, 403, NULL);	/* sees it, did not ride */
	j = trip(&staff2, id, 200);
	assert_true(json_is_true(json_object_get(json_object_get(j, "can"), "rate")));
	json_decref(j);
	rate(&staff2, id, 4, 200, NULL);
	rate(&staff2, id, 5, 409, "already_rated");
	assert_string_equal(status_of(id), "returned");
	j = act(&staff, id, "rate", "{\"rating\":5}", 200, NULL);
	assert_string_equal(str_of(j, "status"), "closed");
	assert_int_equal(int_of(j, "rating"), 5);
	assert_int_equal(int_of(j, "ratings"), 2);
	json_decref(j);
	rate(&staff, id, 5, 409, "already_rated");
	rate(&fin, id, 2, 200, NULL);	/* after the requester: still theirs to give */
	j = trip(&staff2, id, 200);
	assert_int_equal(int_of(j, "rating"), 5);	/* the requester's, as before */
	assert_int_equal(int_of(j, "ratings"), 3);
	assert_true(json_real_value(json_object_get(j, "rating_avg")) == 3.7);	/* 11 / 3 */
	assert_int_equal(json_array_size(json_object_get(j, "rating_list")), 3);
	assert_false(json_is_true(json_object_get(json_object_get(j, "can"), "rate")));
	json_decref(j);
	assert_int_equal(count_of("SELECT COUNT(*) FROM audit_log WHERE entity = 'vehicle_trip'"
				  " AND action = 'rate' AND entity_id = :id", id, NULL), 3);
	report_counts_every_rating();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_flow),
		cmocka_unit_test(out_of_city_needs_leader),
		cmocka_unit_test(conflict_and_buffer),
		cmocka_unit_test(dispatch_race),
		cmocka_unit_test(dispatch_race_in_transactions),
		cmocka_unit_test(holiday_or_overnight_needs_leader),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(cancel_releases),
		cmocka_unit_test(passengers_rate),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
