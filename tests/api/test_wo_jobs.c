/*
** tests/api/test_wo_jobs.c: the work-order background jobs through the real
** job runner (jobs_run_once with a chosen `now`, as the once-a-minute thread
** calls it) against orders made through the HTTP API:
**   - SLA watch: the accept-overdue alert reaches the office once, not again
**     on a later run nor after a "restart" (a new db_pool on the same file);
**     resolve-overdue reaches the 首问负责人 and the worker; escalation to
**     the leader only at due + the full target; a suspension stops alerts;
**   - automatic confirmation after WO_CONFIRM_DAYS business days, not
**     before, the weekend not counting, recorded as such by 系统;
**   - preventive maintenance: one order per period across repeated runs and
**     two processes racing; the plans API's roles and field errors.
** Tests run in order: the auto-confirmation test moves the clock forward.
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
#include "jobs.h"
#include "modules/workorders/workorders.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client office, staff, worker, leader, supervisor;
static struct {
	struct hq_client *c;
	const char *name;
} clients[] = { { &office, "office" }, { &staff, "staff" }, { &worker, "worker" },
		{ &leader, "leader" }, { &supervisor, "supervisor" } };
static int64_t room_id, team_id, cat_id, worker_id;

/* ---------- helpers ---------- */

/* Run SQL on the server's writer in its own transaction (fixtures). */
static void
sql_write(const char *fmt, ...)
{
	char q[1024];
	struct err e = { 0 };
	struct db *w = db_pool_writer(srv.pool);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	if (db_begin_write(w, &e) || db_exec(w, q, &e) || db_commit(w, &e))
		fail_msg("fixture sql failed: %s: %s", q, e.msg);
	db_pool_writer_unlock(srv.pool);
}

/* First column of the first row of a query, on a fresh read connection. */
static int64_t
q1(const char *fmt, ...)
{
	char q[1024];
	struct err e = { 0 };
	struct stmt st = { 0 };
	struct db *db;
	int64_t v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	if (db_prepare(db, &st, q, &e) || db_step_row(&st, &e))
		fail_msg("query failed: %s: %s", q, e.msg);
	v = db_col_i64(&st, 0);
	db_finalize(&st);
	db_close(db);
	return v;
}

/* Notifications of kind about order id in username's inbox. */
static int64_t
inbox(int64_t id, const char *username, const char *kind)
{
	return q1("SELECT COUNT(*) FROM notification n JOIN app_user u ON u.id = n.user_id"
		  " WHERE n.entity = 'workorder' AND n.entity_id = %lld AND u.username = '%s'"
		  " AND n.kind = '%s'",
		  (long long)id, username, kind);
}

static void
login_all(void)
{
	for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		hq_client_free(clients[i].c);
		hq_client_init(clients[i].c);
		assert_int_equal(hq_login(&srv, clients[i].c, clients[i].name, TEST_PASSWORD), 200);
	}
}

static int64_t
submit(const char *title, const char *priority)
{
	struct hq_resp r;
	char body[512];
	int64_t id;

	snprintf(body, sizeof(body),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"%s\","
		 "\"description\":\"测试\",\"priority\":\"%s\",\"contact_phone\":\"13800000000\"}",
		 (long long)cat_id, (long long)room_id, title, priority);
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/workorders", body, &r), 201);
	id = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	assert_true(id > 0);
	return id;
}


/* GET the order as the office; caller frees. */
static json_t *
order(int64_t id)
{
	struct hq_resp r;
	char path[64];
	json_t *j;

	snprintf(path, sizeof(path), "/api/v1/workorders/%lld", (long long)id);
	assert_int_equal(hq_req(&srv, &office, "GET", path, NULL, &r), 200);
	j = json_incref(r.json);
	hq_resp_free(&r);
	return j;
}

/* A time member of the order (ms), 0 when null. */
static int64_t
order_time(int64_t id, const char *key)
{
	json_t *j = order(id);
	const char *s = json_string_value(json_object_get(j, key));
	int64_t ms = 0;

	if (s)
		assert_int_equal(iso_to_ms(s, &ms), 0);
	json_decref(j);
	return ms;
}

static const char *
order_str(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s ? s : "";
}

/* When an alert for due escalates: due + the full target on the order's clock. */
static int64_t
escalation_at(int64_t id, int64_t due, const char *target_key)
{
	struct arena *a = arena_new(8192);
	struct err e = { 0 };
	struct db *db = db_pool_reader(srv.pool);
	json_t *j = order(id);
	struct cal cal;
	struct wo_clock c = { .h24 = json_is_true(json_object_get(j, "clock_24h")), .cal = &cal };
	int64_t at;

	assert_int_equal(cal_load_agency(db, a, srv.agency_id, &cal, &e), 0);
	at = wo_clock_add(&c, due, json_integer_value(json_object_get(j, target_key)) * MINUTE_MS);
	db_pool_release(srv.pool, db);
	json_decref(j);
	arena_free(a);
	return at;
}

static void
run_jobs(int64_t now)
{
	assert_int_equal(jobs_run_once(srv.pool, now), 0);
}

/* Local midnight (Shanghai) starting yyyymmdd date, plus ms. */
static int64_t
local_ms(int date, int64_t plus)
{
	char s[16];
	int64_t ms;

	cal_format_date(date, s, sizeof(s));
	assert_int_equal(iso_to_ms(s, &ms), 0);
	return ms + plus;
}

static int
date_plus(int date, int days)
{
	return cal_local_date(local_ms(date, days * DAY_MS + 12 * 3600 * 1000LL));
}

/* ---------- fixture ---------- */

static int
setup(void **state)
{
	struct hq_wo wo;

	(void)state;
	hq_start(&srv);
	for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++)
		hq_client_init(clients[i].c);
	login_all();
	hq_wo_fixture(&srv, &wo);
	room_id = wo.room;
	team_id = wo.team;
	cat_id = wo.cat;
	worker_id = wo.worker;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++)
		hq_client_free(clients[i].c);
	hq_stop(&srv);
	return 0;
}

/* ---------- SLA watch ---------- */

static void
accept_overdue_alerts_the_office_once(void **state)
{
	int64_t id = submit("卫生间水管漏水", "normal"), due = order_time(id, "accept_due_at");
	struct db_pool *again;
	struct err e = { 0 };

	(void)state;
	assert_true(due > 0);
	run_jobs(due - 1000);
	assert_int_equal(inbox(id, "office", "wo.accept_overdue"), 0);
	run_jobs(due + 1000);
	assert_int_equal(inbox(id, "office", "wo.accept_overdue"), 1);
	assert_int_equal(inbox(id, "staff", "wo.accept_overdue"), 0);	/* the requester */
	assert_int_equal(inbox(id, "worker", "wo.accept_overdue"), 0);	/* not dispatched */
	assert_int_equal(inbox(id, "leader", "wo.escalated"), 0);
	assert_int_equal(q1("SELECT COUNT(*) FROM wo_sla_alert WHERE workorder_id = %lld"
			    " AND kind = 'accept_overdue' AND due_at = %lld",
			    (long long)id, (long long)due),
			 1);
	/* a later run and a restarted process (a new pool on the same file) send nothing */
	run_jobs(due + 5 * MINUTE_MS);
	assert_int_equal(db_pool_new(srv.db_path, 1, &again, &e), 0);
	assert_int_equal(jobs_run_once(again, due + 10 * MINUTE_MS), 0);
	db_pool_free(again);
	assert_int_equal(inbox(id, "office", "wo.accept_overdue"), 1);
	/* escalation: overdue by the full accept target again, on the order's clock */
	int64_t esc = escalation_at(id, due, "accept_target_min");
	assert_true(esc > due);
	run_jobs(esc - 1000);
	assert_int_equal(inbox(id, "leader", "wo.escalated"), 0);
	run_jobs(esc + 1000);
	assert_int_equal(inbox(id, "leader", "wo.escalated"), 1);
	assert_int_equal(inbox(id, "office", "wo.escalated"), 0);
	run_jobs(esc + 60 * MINUTE_MS);
	assert_int_equal(inbox(id, "leader", "wo.escalated"), 1);
	assert_int_equal(inbox(id, "office", "wo.accept_overdue"), 1);
	assert_int_equal(q1("SELECT COUNT(*) FROM wo_sla_alert WHERE workorder_id = %lld"
			    " AND kind = 'accept_escalated'", (long long)id),
			 1);
	/* the title names the order */
	json_t *j = order(id);
	assert_int_equal(q1("SELECT COUNT(*) FROM notification WHERE entity_id = %lld AND kind ="
			    " 'wo.accept_overdue' AND title = '报修单 %s 已超时未受理'",
			    (long long)id, order_str(j, "code")),
			 1);
	json_decref(j);
	/* accepted: the accept clock is gone, nothing more about acceptance */
	hq_wo_act(&srv, &office, id, "accept", NULL);
	run_jobs(esc + 120 * MINUTE_MS);
	assert_int_equal(inbox(id, "office", "wo.accept_overdue"), 1);
}

/* An urgent order runs on the 24-hour clock: escalation exactly one accept target after due. */
static void
urgent_order_escalates_on_the_clock(void **state)
{
	int64_t id = submit("电梯困人", "urgent"), due = order_time(id, "accept_due_at");
	int64_t created = order_time(id, "created_at");

	(void)state;
	assert_true(due >= created + 30 * MINUTE_MS - 1000 && due <= created + 30 * MINUTE_MS + 1000);
	run_jobs(due + 1000);
	assert_int_equal(inbox(id, "office", "wo.accept_overdue"), 1);
	run_jobs(due + 30 * MINUTE_MS - 1000);
	assert_int_equal(inbox(id, "leader", "wo.escalated"), 0);
	run_jobs(due + 30 * MINUTE_MS);
	assert_int_equal(inbox(id, "leader", "wo.escalated"), 1);
	hq_wo_act(&srv, &office, id, "cancel", "{\"reason\":\"重复报修\"}");
	run_jobs(due + 300 * MINUTE_MS);	/* closed: nothing more */
	assert_int_equal(q1("SELECT COUNT(*) FROM wo_sla_alert WHERE workorder_id = %lld",
			    (long long)id),
			 2);
}

static void
resolve_overdue_alerts_owner_and_worker(void **state)
{
	int64_t id = submit("空调不制冷", "high");
	char body[64];

	(void)state;
	hq_wo_act(&srv, &office, id, "accept", NULL);
	snprintf(body, sizeof(body), "{\"worker_id\":%lld}", (long long)worker_id);
	hq_wo_act(&srv, &office, id, "dispatch", body);
	int64_t due = order_time(id, "resolve_due_at");
	assert_true(due > 0);
	assert_int_equal(order_time(id, "accept_due_at"), 0);
	run_jobs(due - 1000);
	assert_int_equal(inbox(id, "office", "wo.resolve_overdue"), 0);
	assert_int_equal(inbox(id, "worker", "wo.resolve_overdue"), 0);
	run_jobs(due + 1000);
	assert_int_equal(inbox(id, "office", "wo.resolve_overdue"), 1);	/* 首问负责人 */
	assert_int_equal(inbox(id, "worker", "wo.resolve_overdue"), 1);
	assert_int_equal(inbox(id, "staff", "wo.resolve_overdue"), 0);
	assert_int_equal(inbox(id, "leader", "wo.resolve_overdue"), 0);
	assert_int_equal(inbox(id, "office", "wo.accept_overdue"), 0);	/* accepted in time */
	run_jobs(due + 30 * MINUTE_MS);
	assert_int_equal(inbox(id, "office", "wo.resolve_overdue"), 1);
	assert_int_equal(inbox(id, "worker", "wo.resolve_overdue"), 1);
	int64_t esc = escalation_at(id, due, "resolve_target_min");
	run_jobs(esc - 1000);
	assert_int_equal(inbox(id, "leader", "wo.escalated"), 0);
	run_jobs(esc + 1000);
	assert_int_equal(inbox(id, "leader", "wo.escalated"), 1);
	run_jobs(esc + 2000);
	assert_int_equal(inbox(id, "leader", "wo.escalated"), 1);
	assert_int_equal(inbox(id, "worker", "wo.resolve_overdue"), 1);
}

static void
suspension_stops_alerts(void **state)
{
	int64_t id = submit("配电箱跳闸", "normal");
	char body[64];

	(void)state;
	hq_wo_act(&srv, &office, id, "accept", NULL);
	snprintf(body, sizeof(body), "{\"team_id\":%lld}", (long long)team_id);
	hq_wo_act(&srv, &office, id, "dispatch", body);
	hq_wo_act(&srv, &worker, id, "start", NULL);
	hq_wo_act(&srv, &worker, id, "suspend", "{\"reason\":\"等待配件\"}");
	assert_int_equal(order_time(id, "resolve_due_at"), 0);
	run_jobs(now_ms() + 60 * DAY_MS);
	assert_int_equal(inbox(id, "office", "wo.resolve_overdue"), 0);
	assert_int_equal(inbox(id, "worker", "wo.resolve_overdue"), 0);
	assert_int_equal(inbox(id, "leader", "wo.escalated"), 0);
	/* resumed: a new deadline, alerted when it passes */
	hq_wo_act(&srv, &worker, id, "resume", NULL);
	int64_t due = order_time(id, "resolve_due_at");
	assert_true(due > 0);
	run_jobs(due + 1000);
	assert_int_equal(inbox(id, "office", "wo.resolve_overdue"), 1);
	assert_int_equal(inbox(id, "worker", "wo.resolve_overdue"), 1);	/* team member */
}

/*
** A team of 300 more workers (in an agency of its own, so the other tests
** stay small) is overdue: the alert reaches every member exactly once,
** across two runs of the job. Once cut at 256.
*/
#define CROWD 300

static void
overdue_alert_reaches_a_team_of_300(void **state)
{
	struct hq_client s, o;
	struct hq_agency ag;
	struct hq_wo w;
	struct hq_resp r;
	char body[512];
	int64_t id, due = 0;

	(void)state;
	hq_fixture_agency(&srv, "众多机关", "j_", &ag);
	hq_wo_fixture_agency(&srv, ag.agency_id, "j_worker", &w);
	hq_fixture_users(&srv, ag.agency_id, ag.office_dept_id, "j_crew", "worker,staff", CROWD,
			 NULL);
	/* rows, as hq_wo_fixture makes its team (one team PUT takes at most 200 ids) */
	sql_write("INSERT INTO wo_team_member (agency_id, team_id, user_id) SELECT agency_id, %lld, id"
		  " FROM app_user WHERE username LIKE 'j_crew%%'", (long long)w.team);
	hq_client_init(&s);
	hq_client_init(&o);
	assert_int_equal(hq_login(&srv, &s, "j_staff", TEST_PASSWORD), 200);
	assert_int_equal(hq_login(&srv, &o, "j_office", TEST_PASSWORD), 200);
	snprintf(body, sizeof(body),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"整栋楼停电\","
		 "\"description\":\"测试\",\"priority\":\"normal\","
		 "\"contact_phone\":\"13800000000\"}", (long long)w.cat, (long long)w.room);
	assert_int_equal(hq_req(&srv, &s, "POST", "/api/v1/workorders", body, &r), 201);
	id = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	hq_wo_act(&srv, &o, id, "accept", NULL);
	snprintf(body, sizeof(body), "{\"team_id\":%lld}", (long long)w.team);
	hq_wo_act(&srv, &o, id, "dispatch", body);
	snprintf(body, sizeof(body), "/api/v1/workorders/%lld", (long long)id);
	assert_int_equal(hq_req(&srv, &o, "GET", body, NULL, &r), 200);
	assert_int_equal(iso_to_ms(json_string_value(json_object_get(r.json, "resolve_due_at")),
				   &due), 0);
	hq_resp_free(&r);

	run_jobs(due + 1000);
	run_jobs(due + 2000);
	assert_int_equal(q1("SELECT COUNT(*) FROM notification n JOIN app_user u"
			    " ON u.id = n.user_id WHERE n.entity_id = %lld"
			    " AND n.kind = 'wo.resolve_overdue' AND u.username LIKE 'j_crew%%'",
			    (long long)id),
			 CROWD);
	assert_int_equal(q1("SELECT COUNT(DISTINCT n.user_id) FROM notification n JOIN app_user u"
			    " ON u.id = n.user_id WHERE n.entity_id = %lld"
			    " AND n.kind = 'wo.resolve_overdue' AND u.username LIKE 'j_crew%%'",
			    (long long)id),
			 CROWD);
	assert_int_equal(inbox(id, "j_worker", "wo.resolve_overdue"), 1);	/* first member */
	assert_int_equal(inbox(id, "j_office", "wo.resolve_overdue"), 1);	/* 首问负责人 */
	assert_int_equal(inbox(id, "j_crew300", "wo.resolve_overdue"), 1);
	hq_client_free(&s);
	hq_client_free(&o);
}

/* ---------- automatic confirmation ---------- */

/* The next Friday after today whose weekend is off and whose Mon-Thu are workdays. */
static int
next_plain_friday(const struct cal *cal)
{
	int d = date_plus(cal_local_date(now_ms()), 1);

	for (int i = 0; i < 400; i++, d = date_plus(d, 1)) {
		int64_t days = (local_ms(d, 0) + SHANGHAI_OFFSET_MS) / DAY_MS;	/* since 1970-01-01 */
		int ok = (days + 4) % 7 == 5;	/* 1970-01-01 was a Thursday (4): Friday */
		for (int k = 0; ok && k <= 6; k++)
			ok = cal_is_workday(cal, date_plus(d, k)) == (k == 0 || k >= 3);
		if (ok)
			return d;
	}
	fail_msg("no plain week within 400 days");
	return 0;
}

static void
auto_confirms_after_three_business_days(void **state)
{
	struct arena *a = arena_new(8192);
	struct err e = { 0 };
	struct db *db = db_pool_reader(srv.pool);
	struct cal cal;
	int fri;

	(void)state;
	assert_int_equal(cal_load_agency(db, a, srv.agency_id, &cal, &e), 0);
	db_pool_release(srv.pool, db);
	fri = next_plain_friday(&cal);
	/* resolve on that Friday at 15:00 */
	clock_advance(local_ms(fri, 15 * 3600 * 1000LL) - now_ms());
	login_all();
	int64_t id = submit("门锁损坏", "low");
	char body[64];
	snprintf(body, sizeof(body), "{\"worker_id\":%lld}", (long long)worker_id);
	hq_wo_act(&srv, &office, id, "accept", NULL);
	hq_wo_act(&srv, &office, id, "dispatch", body);
	hq_wo_act(&srv, &worker, id, "start", NULL);
	hq_wo_act(&srv, &worker, id, "resolve", "{\"notes\":\"已更换门锁\",\"parts\":\"门锁 1 把\"}");
	int64_t resolved = order_time(id, "resolved_at");
	assert_true(resolved >= local_ms(fri, 15 * 3600 * 1000LL));
	assert_true(resolved < local_ms(fri, 16 * 3600 * 1000LL));

	/* Monday 15:00: three calendar days, one business day (the weekend counts nothing) */
	run_jobs(local_ms(date_plus(fri, 3), 15 * 3600 * 1000LL));
	json_t *j = order(id);
	assert_string_equal(order_str(j, "status"), "resolved");
	json_decref(j);
	/* Wednesday 23:59: Monday and Tuesday are two business days, Wednesday not over */
	run_jobs(local_ms(date_plus(fri, 6), -60 * 1000LL));
	j = order(id);
	assert_string_equal(order_str(j, "status"), "resolved");
	json_decref(j);
	/* Thursday 00:00: three business days have passed */
	run_jobs(local_ms(date_plus(fri, 6), 1000));
	j = order(id);
	assert_string_equal(order_str(j, "status"), "confirmed");
	assert_true(json_is_true(json_object_get(j, "auto_confirmed")));
	assert_true(json_is_null(json_object_get(j, "rating")));
	json_t *tl = json_object_get(j, "timeline");
	json_t *last = json_array_get(tl, json_array_size(tl) - 1);
	assert_string_equal(order_str(last, "action"), "auto_confirm");
	assert_string_equal(order_str(last, "to_status"), "confirmed");
	assert_true(json_is_null(json_object_get(last, "actor")));	/* 系统 */
	json_decref(j);
	/* once: a second run adds no timeline row */
	run_jobs(local_ms(date_plus(fri, 7), 0));
	assert_int_equal(q1("SELECT COUNT(*) FROM wo_event WHERE workorder_id = %lld"
			    " AND action = 'auto_confirm'", (long long)id),
			 1);
	/* the requester can no longer reopen it */
	struct hq_resp r;
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/workorders/%lld/reopen", (long long)id);
	assert_int_equal(hq_req(&srv, &staff, "POST", path, "{\"reason\":\"又坏了\"}", &r), 409);
	hq_resp_free(&r);
	arena_free(a);
}

/* ---------- plans API ---------- */

/* POST a plan; returns its id. */
static int64_t
plan_create(const char *name, const char *unit, int every, int start, int lead)
{
	struct hq_resp r;
	char body[512], date[16];
	int64_t id;

	cal_format_date(start, date, sizeof(date));
	snprintf(body, sizeof(body),
		 "{\"name\":\"%s\",\"category_id\":%lld,\"location_id\":%lld,\"team_id\":%lld,"
		 "\"title\":\"%s\",\"unit\":\"%s\",\"every\":%d,\"start_date\":\"%s\","
		 "\"lead_days\":%d}",
		 name, (long long)cat_id, (long long)room_id, (long long)team_id, name, unit, every,
		 date, lead);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-plans", body, &r), 201);
	id = json_integer_value(json_object_get(r.json, "id"));
	assert_string_equal(order_str(r.json, "start_date"), date);
	hq_resp_free(&r);
	return id;
}

static void
plan_deactivate(int64_t id)
{
	sql_write("UPDATE wo_pm_plan SET active = 0 WHERE id = %lld", (long long)id);
}

static void
plans_api_roles_and_fields(void **state)
{
	struct hq_resp r;
	char body[512], path[64];
	const char *ok_body;

	(void)state;
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/workorder-plans", NULL, &r), 403);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &worker, "GET", "/api/v1/workorder-plans", NULL, &r), 403);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &leader, "GET", "/api/v1/workorder-plans", NULL, &r), 200);
	hq_resp_free(&r);
	snprintf(body, sizeof(body),
		 "{\"name\":\"每月电梯维保\",\"category_id\":%lld,\"location_id\":%lld,"
		 "\"title\":\"电梯月度维保\",\"unit\":\"month\",\"every\":1,"
		 "\"start_date\":\"2027-01-31\",\"lead_days\":7}",
		 (long long)cat_id, (long long)room_id);
	ok_body = body;
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/workorder-plans", ok_body, &r), 403);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &leader, "POST", "/api/v1/workorder-plans", ok_body, &r), 403);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &supervisor, "PUT", "/api/v1/workorder-plans/1", ok_body, &r),
			 403);
	hq_resp_free(&r);

	/* field errors: a valid body patched per row (null removes the member) */
	static const struct {
		const char *patch, *field;
	} bad[] = {
		{ "{\"name\":null}", "name" },
		{ "{\"name\":\"\"}", "name" },
		{ "{\"title\":null}", "title" },
		{ "{\"unit\":\"year\"}", "unit" },
		{ "{\"every\":0}", "every" },
		{ "{\"every\":400}", "every" },
		{ "{\"start_date\":\"2027-02-29\"}", "start_date" },
		{ "{\"start_date\":\"tomorrow\"}", "start_date" },
		{ "{\"lead_days\":91}", "lead_days" },
		{ "{\"priority\":\"asap\"}", "priority" },
		{ "{\"category_id\":999999}", "category_id" },
		{ "{\"location_id\":999999}", "location_id" },
		{ "{\"team_id\":999999}", "team_id" },
		{ "{\"unknown\":1}", "unknown" },
	};
	json_t *base = json_loads(ok_body, 0, NULL);
	assert_non_null(base);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *b = json_deep_copy(base), *patch = json_loads(bad[i].patch, 0, NULL);
		const char *k;
		json_t *v;
		assert_non_null(patch);
		json_object_foreach(patch, k, v) {
			if (json_is_null(v))
				json_object_del(b, k);
			else
				json_object_set(b, k, v);
		}
		char *text = json_dumps(b, JSON_COMPACT);
		assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-plans", text, &r),
				 400);
		json_t *fields = json_object_get(json_object_get(r.json, "error"), "fields");
		if (!json_object_get(fields, bad[i].field))
			fail_msg("row %zu: no error on %s: %s", i, bad[i].field, r.body);
		hq_resp_free(&r);
		free(text);
		json_decref(patch);
		json_decref(b);
	}
	json_decref(base);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-plans", "[1]", &r), 400);
	hq_resp_free(&r);

	/* created, listed with next_date, updated with the token it read */
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-plans", ok_body, &r), 201);
	int64_t id = json_integer_value(json_object_get(r.json, "id"));
	assert_string_equal(order_str(r.json, "unit"), "month");
	assert_string_equal(order_str(r.json, "priority"), "normal");
	assert_int_equal(json_integer_value(json_object_get(r.json, "lead_days")), 7);
	assert_true(json_is_true(json_object_get(r.json, "active")));
	assert_string_equal(order_str(r.json, "next_date"), "2027-01-31");
	assert_true(json_is_null(json_object_get(r.json, "team")));
	char seen[64];
	snprintf(seen, sizeof(seen), "%s", order_str(r.json, "updated_at"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/workorder-plans", NULL, &r), 200);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 1);
	hq_resp_free(&r);

	snprintf(path, sizeof(path), "/api/v1/workorder-plans/%lld", (long long)id);
	snprintf(body, sizeof(body),
		 "{\"name\":\"每月电梯维保\",\"category_id\":%lld,\"location_id\":%lld,"
		 "\"team_id\":%lld,\"title\":\"电梯月度维保\",\"unit\":\"month\",\"every\":1,"
		 "\"start_date\":\"2027-01-31\",\"lead_days\":7,\"active\":false,"
		 "\"updated_at\":\"%s\"}",
		 (long long)cat_id, (long long)room_id, (long long)team_id, seen);
	assert_int_equal(hq_req(&srv, &office, "PUT", path, body, &r), 200);
	assert_true(json_is_false(json_object_get(r.json, "active")));
	assert_true(json_is_null(json_object_get(r.json, "next_date")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "team"), "id")),
			 team_id);
	hq_resp_free(&r);
	/* the same token again is stale now */
	assert_int_equal(hq_req(&srv, &office, "PUT", path, body, &r), 409);
	assert_string_equal(hq_err_code(&r), "stale");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/workorder-plans/999999", ok_body,
				&r),
			 404);
	hq_resp_free(&r);
	assert_int_equal(q1("SELECT COUNT(*) FROM audit_log WHERE entity = 'wo_pm_plan'"
			    " AND entity_id = %lld", (long long)id),
			 2);
}

/* ---------- preventive maintenance ---------- */

static int64_t
pm_orders(int64_t plan)
{
	return q1("SELECT COUNT(*) FROM workorder WHERE pm_plan_id = %lld", (long long)plan);
}

static void
pm_creates_one_order_per_period(void **state)
{
	int today = cal_local_date(now_ms());
	int64_t plan = plan_create("每月水泵巡检", "month", 1, today, 7);

	(void)state;
	assert_int_equal(pm_orders(plan), 0);
	run_jobs(now_ms());
	assert_int_equal(pm_orders(plan), 1);
	run_jobs(now_ms() + 1000);
	run_jobs(now_ms() + 2000);
	assert_int_equal(pm_orders(plan), 1);
	int64_t id = q1("SELECT id FROM workorder WHERE pm_plan_id = %lld", (long long)plan);
	assert_int_equal(q1("SELECT pm_period FROM workorder WHERE id = %lld", (long long)id), today);
	json_t *j = order(id);
	assert_string_equal(order_str(j, "source"), "pm");
	assert_string_equal(order_str(j, "status"), "dispatched");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "team"), "id")),
			 team_id);
	assert_string_equal(order_str(json_object_get(j, "owner"), "name"), "office");
	assert_int_equal(json_integer_value(json_object_get(j, "pm_plan_id")), plan);
	json_decref(j);

	/* the next month's order appears lead_days (7) ahead of its date, once */
	int next = wo_pm_occurrence(today, WO_PM_MONTH, 1, 1);
	int64_t opens = local_ms(next, -7 * DAY_MS);
	run_jobs(opens - MINUTE_MS);
	assert_int_equal(pm_orders(plan), 1);
	run_jobs(opens + MINUTE_MS);
	assert_int_equal(pm_orders(plan), 2);
	run_jobs(opens + 2 * MINUTE_MS);
	assert_int_equal(pm_orders(plan), 2);
	/* made ahead of time, its resolve clock starts on its own date */
	id = q1("SELECT id FROM workorder WHERE pm_plan_id = %lld AND pm_period = %d",
		(long long)plan, next);
	assert_true(order_time(id, "resolve_due_at") > local_ms(next, 0));
	run_jobs(local_ms(next, -DAY_MS));	/* not overdue before its date */
	assert_int_equal(inbox(id, "office", "wo.resolve_overdue"), 0);

	/* the plan's list shows the next occurrence without an order */
	struct hq_resp r;
	char want[16];
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/workorder-plans", NULL, &r), 200);
	cal_format_date(wo_pm_occurrence(today, WO_PM_MONTH, 1, 2), want, sizeof(want));
	json_t *items = json_object_get(r.json, "items");
	int found = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *p = json_array_get(items, i);
		if (json_integer_value(json_object_get(p, "id")) == plan) {
			assert_string_equal(order_str(p, "next_date"), want);
			found = 1;
		}
	}
	assert_true(found);
	hq_resp_free(&r);
	plan_deactivate(plan);
	run_jobs(local_ms(wo_pm_occurrence(today, WO_PM_MONTH, 1, 3), 0));
	assert_int_equal(pm_orders(plan), 2);
}

/* A plan that started long ago makes the current period's order only, not a flood. */
static void
pm_old_plan_starts_at_current_period(void **state)
{
	int today = cal_local_date(now_ms());
	int start = date_plus(today, -400);	/* every 30 days from 400 days ago */
	int64_t plan = plan_create("保洁巡查", "day", 30, start, 0);
	int cur = 0;

	(void)state;
	for (int64_t k = 0;; k++) {
		int d = wo_pm_occurrence(start, WO_PM_DAY, 30, k);
		if (d > today)
			break;
		cur = d;
	}
	run_jobs(now_ms());
	assert_int_equal(pm_orders(plan), 1);
	assert_int_equal(q1("SELECT pm_period FROM workorder WHERE pm_plan_id = %lld",
			    (long long)plan),
			 cur);
	plan_deactivate(plan);
}

/*
** A plan that cannot make its order (its creator is no longer an office user,
** so cannot accept it) leaves nothing half-made and does not stop the others.
*/
static void
pm_failing_plan_is_skipped_whole(void **state)
{
	int today = cal_local_date(now_ms());
	int64_t bad = plan_create("失效计划", "week", 1, today, 0);
	int64_t good = plan_create("每周消防巡查", "week", 1, today, 0);

	(void)state;
	sql_write("UPDATE wo_pm_plan SET created_by = %lld WHERE id = %lld",
		  (long long)hq_user_id(&srv, "staff"), (long long)bad);
	run_jobs(now_ms());
	assert_int_equal(pm_orders(bad), 0);
	assert_int_equal(q1("SELECT COUNT(*) FROM workorder WHERE title = '失效计划'"), 0);
	assert_int_equal(pm_orders(good), 1);
	plan_deactivate(bad);
	plan_deactivate(good);
}

struct racer {
	struct db_pool *pool;
	pthread_barrier_t *start;
	int64_t now;
	int failed;
};

static void *
race(void *p)
{
	struct racer *r = p;

	pthread_barrier_wait(r->start);
	r->failed = jobs_run_once(r->pool, r->now);
	return NULL;
}

/* Two server processes (two pools on one file) running the PM job at once. */
static void
pm_two_processes_create_once(void **state)
{
	int today = cal_local_date(now_ms());
	int64_t plan = plan_create("每日配电房巡检", "day", 1, today, 5);
	struct racer r[2] = { { 0 } };
	pthread_barrier_t start;
	pthread_t t[2];
	struct err e = { 0 };

	(void)state;
	pthread_barrier_init(&start, NULL, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(db_pool_new(srv.db_path, 1, &r[i].pool, &e), 0);
		r[i].start = &start;
		r[i].now = now_ms();
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(r[i].failed, 0);
		db_pool_free(r[i].pool);
	}
	/* today and the five days ahead: six orders, one each */
	assert_int_equal(pm_orders(plan), 6);
	assert_int_equal(q1("SELECT COUNT(DISTINCT pm_period) FROM workorder WHERE pm_plan_id ="
			    " %lld", (long long)plan),
			 6);
	assert_int_equal(q1("SELECT MAX(pm_period) FROM workorder WHERE pm_plan_id = %lld",
			    (long long)plan),
			 date_plus(today, 5));
	plan_deactivate(plan);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accept_overdue_alerts_the_office_once),
		cmocka_unit_test(urgent_order_escalates_on_the_clock),
		cmocka_unit_test(resolve_overdue_alerts_owner_and_worker),
		cmocka_unit_test(suspension_stops_alerts),
		cmocka_unit_test(overdue_alert_reaches_a_team_of_300),
		cmocka_unit_test(plans_api_roles_and_fields),
		cmocka_unit_test(auto_confirms_after_three_business_days),
		cmocka_unit_test(pm_creates_one_order_per_period),
		cmocka_unit_test(pm_old_plan_starts_at_current_period),
		cmocka_unit_test(pm_failing_plan_is_skipped_whole),
		cmocka_unit_test(pm_two_processes_create_once),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
