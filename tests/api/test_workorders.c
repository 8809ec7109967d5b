/*
** tests/api/test_workorders.c: 报修 work orders through the real server: the
** whole life cycle for every role, forbidden moves (403 not_yours, 409
** illegal_transition), concurrent accepts, bad input (nothing written),
** photos, visibility, list scopes and filters, export, the urgent
** auto-dispatch to the worker on duty, categories, teams and the roster.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/audit.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hq_server srv;
static struct hq_wo fx;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_wo_fixture(&srv, &fx);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_stop(&srv);
	return 0;
}

/* ---------- helpers ---------- */

static const char *
field_of(const struct hq_resp *r)
{
	json_t *f = json_object_get(json_object_get(r->json, "error"), "fields");
	const char *k = NULL;
	json_t *v;

	json_object_foreach(f, k, v)
		return k;
	return "";
}

static const char *
sget(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s ? s : "";
}

static int64_t
iget(const json_t *j, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(j, key));
}

static int64_t
ref_id(const json_t *j, const char *key)
{
	return iget(json_object_get(j, key), "id");
}

/* 1 when action is in the order's "allowed" list. */
static int
allows(const json_t *o, const char *action)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(o, "allowed"), i, v)
		if (strcmp(json_string_value(v), action) == 0)
			return 1;
	return 0;
}

/* POST /workorders as c; returns the new id (asserts 201). */
static int64_t
create(struct hq_client *c, const char *title, const char *priority, int64_t cat, int64_t loc)
{
	struct hq_resp r;
	char body[512];
	int64_t id;

	snprintf(body, sizeof(body),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"%s\",\"description\":"
		 "\"滴水不止\",\"priority\":\"%s\",\"contact_phone\":\"13800000000\"}",
		 (long long)cat, (long long)loc, title, priority);
	if (hq_req(&srv, c, "POST", "/api/v1/workorders", body, &r) != 201)
		fail_msg("create gave %ld: %s", r.status, r.body);
	id = iget(r.json, "id");
	hq_resp_free(&r);
	return id;
}

/* POST /workorders/:id/<action> body; returns the status, keeps the response in r. */
static long
act(struct hq_client *c, int64_t id, const char *action, const char *body, struct hq_resp *r)
{
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/workorders/%lld/%s", (long long)id, action);
	return hq_req(&srv, c, "POST", path, body, r);
}

/* act expecting want; frees the response. */
static void
act_ok(struct hq_client *c, int64_t id, const char *action, const char *body, long want,
       const char *code)
{
	struct hq_resp r;
	long st = act(c, id, action, body, &r);

	if (st != want)
		fail_msg("%s on %lld gave %ld (want %ld): %s", action, (long long)id, st, want,
			 r.body);
	if (code)
		assert_string_equal(hq_err_code(&r), code);
	hq_resp_free(&r);
}

static long
get(struct hq_client *c, int64_t id, struct hq_resp *r)
{
	char path[96];

	snprintf(path, sizeof(path), "/api/v1/workorders/%lld", (long long)id);
	return hq_req(&srv, c, "GET", path, NULL, r);
}

static int64_t
count_rows(const char *sql)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (!db_prepare(db, &st, sql, &e) && db_step(&st, &e) == 1)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	return n;
}

static const char sql_orders[] = "SELECT COUNT(*) FROM workorder";
static const char sql_events[] = "SELECT COUNT(*) FROM wo_event";

/* Number of notifications of kind in c's inbox. */
static int
inbox_count(struct hq_client *c, const char *kind)
{
	struct hq_resp r;
	size_t i;
	json_t *v;
	int n = 0;

	assert_int_equal(hq_req(&srv, c, "GET", "/api/v1/notifications?per_page=200", NULL, &r),
			 200);
	json_array_foreach(json_object_get(r.json, "items"), i, v)
		if (strcmp(sget(v, "kind"), kind) == 0)
			n++;
	hq_resp_free(&r);
	return n;
}

/* c's unread notifications about order id. */
static int
unread_about(struct hq_client *c, int64_t id)
{
	struct hq_resp r;
	size_t i;
	json_t *v;
	int n = 0;

	assert_int_equal(hq_req(&srv, c, "GET", "/api/v1/notifications?per_page=200", NULL, &r),
			 200);
	json_array_foreach(json_object_get(r.json, "items"), i, v)
		if (strcmp(sget(v, "entity"), "workorder") == 0 && iget(v, "entity_id") == id &&
		    json_is_false(json_object_get(v, "read")))
			n++;
	hq_resp_free(&r);
	return n;
}

/* ---------- the life cycle ---------- */

static void
full_life_cycle_for_every_role(void **state)
{
	struct hq_client staff, office, worker, leader;
	struct hq_resp r;
	char body[256];
	int64_t id;
	json_t *o, *tl;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");
	hq_sign_in(&srv, &leader, "leader");

	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/workorders",
				"{\"category_id\":1,\"location_id\":3,\"title\":\"301 水龙头漏水\","
				"\"priority\":\"normal\"}", &r), 201);
	o = r.json;
	id = iget(o, "id");
	assert_true(strncmp(sget(o, "code"), "WO-", 3) == 0);
	assert_int_equal(strlen(sget(o, "code")), strlen("WO-20261123-0001"));
	assert_string_equal(sget(o, "status"), "submitted");
	assert_string_equal(sget(o, "status_label"), "已提交");
	assert_string_equal(sget(o, "priority_label"), "普通");
	assert_string_equal(sget(json_object_get(o, "location"), "path"), "综合楼 / 3层 / 301");
	assert_string_equal(sget(json_object_get(o, "requester_dept"), "name"), "一处");
	assert_true(json_is_null(json_object_get(o, "owner")));
	assert_int_equal(iget(o, "accept_target_min"), 120);
	assert_int_equal(iget(o, "resolve_target_min"), 960);
	assert_true(json_is_string(json_object_get(o, "accept_due_at")));
	assert_int_equal(json_array_size(json_object_get(o, "timeline")), 1);
	assert_true(allows(o, "cancel"));
	assert_false(allows(o, "accept"));
	hq_resp_free(&r);
	/* the office is told */
	assert_true(inbox_count(&office, "wo.submitted") >= 1);

	/* the office sees accept; the requester, the worker and a leader may not accept */
	assert_int_equal(get(&office, id, &r), 200);
	assert_true(allows(r.json, "accept"));
	assert_true(allows(r.json, "cancel"));
	hq_resp_free(&r);
	assert_int_equal(get(&worker, id, &r), 404);	/* not dispatched to them yet */
	hq_resp_free(&r);
	act_ok(&staff, id, "accept", NULL, 403, "not_yours");
	act_ok(&leader, id, "accept", NULL, 403, "not_yours");
	act_ok(&office, id, "start", NULL, 409, "illegal_transition");
	act_ok(&office, id, "dispatch", "{\"worker_id\":1}", 409, "illegal_transition");

	assert_int_equal(act(&office, id, "accept", NULL, &r), 200);
	assert_string_equal(sget(r.json, "status"), "accepted");
	assert_string_equal(sget(json_object_get(r.json, "owner"), "name"), "office");
	assert_true(json_is_null(json_object_get(r.json, "accept_due_at")));
	assert_int_equal(iget(r.json, "accept_minutes") >= 0, 1);
	assert_true(json_is_true(json_object_get(r.json, "accept_on_time")));
	assert_true(allows(r.json, "dispatch"));
	hq_resp_free(&r);
	act_ok(&office, id, "accept", NULL, 409, "illegal_transition");
	assert_int_equal(inbox_count(&staff, "wo.accepted"), 1);

	/* dispatch: exactly one of worker_id / team_id, an active worker */
	act_ok(&office, id, "dispatch", "{}", 400, "invalid");
	snprintf(body, sizeof(body), "{\"worker_id\":%lld,\"team_id\":%lld}", (long long)fx.worker,
		 (long long)fx.team);
	act_ok(&office, id, "dispatch", body, 400, "invalid");
	snprintf(body, sizeof(body), "{\"worker_id\":%lld}", (long long)hq_user_id(&srv, "staff2"));
	assert_int_equal(act(&office, id, "dispatch", body, &r), 400);
	assert_string_equal(field_of(&r), "worker_id");
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"worker_id\":%lld}", (long long)fx.worker);
	act_ok(&staff, id, "dispatch", body, 403, "not_yours");
	assert_int_equal(act(&office, id, "dispatch", body, &r), 200);
	assert_string_equal(sget(r.json, "status"), "dispatched");
	assert_int_equal(ref_id(r.json, "worker"), fx.worker);
	assert_int_equal(ref_id(r.json, "team"), fx.team);	/* the worker's team */
	hq_resp_free(&r);
	assert_int_equal(inbox_count(&worker, "wo.assigned"), 1);
	assert_int_equal(inbox_count(&staff, "wo.dispatched"), 1);

	/* the worker now sees it and may start; the office may not */
	assert_int_equal(get(&worker, id, &r), 200);
	assert_true(allows(r.json, "start"));
	assert_true(allows(r.json, "transfer"));
	assert_false(allows(r.json, "resolve"));
	hq_resp_free(&r);
	act_ok(&office, id, "start", NULL, 403, "not_yours");
	act_ok(&worker, id, "resolve", "{\"notes\":\"换了阀芯\"}", 409, "illegal_transition");
	act_ok(&worker, id, "start", NULL, 200, NULL);

	/* suspend needs a reason and stops the clock; resume restarts it */
	assert_int_equal(act(&worker, id, "suspend", "{}", &r), 400);
	assert_string_equal(field_of(&r), "reason");
	hq_resp_free(&r);
	act_ok(&staff, id, "suspend", "{\"reason\":\"x\"}", 403, "not_yours");
	assert_int_equal(act(&worker, id, "suspend", "{\"reason\":\"等待配件\"}", &r), 200);
	assert_string_equal(sget(r.json, "status"), "suspended");
	assert_string_equal(sget(r.json, "suspend_reason"), "等待配件");
	assert_true(json_is_null(json_object_get(r.json, "resolve_due_at")));
	hq_resp_free(&r);
	assert_int_equal(inbox_count(&office, "wo.suspended"), 1);
	act_ok(&worker, id, "suspend", "{\"reason\":\"again\"}", 409, "illegal_transition");
	assert_int_equal(act(&worker, id, "resume", NULL, &r), 200);
	assert_string_equal(sget(r.json, "status"), "in_progress");
	assert_true(json_is_string(json_object_get(r.json, "resolve_due_at")));
	hq_resp_free(&r);

	/* resolve: notes required; only the assigned worker */
	assert_int_equal(act(&worker, id, "resolve", "{\"parts\":\"阀芯 1 个\"}", &r), 400);
	assert_string_equal(field_of(&r), "notes");
	hq_resp_free(&r);
	act_ok(&office, id, "resolve", "{\"notes\":\"x\"}", 403, "not_yours");
	assert_int_equal(act(&worker, id, "resolve",
			     "{\"notes\":\"更换阀芯\",\"parts\":\"阀芯 1 个\"}", &r), 200);
	assert_string_equal(sget(r.json, "status"), "resolved");
	assert_string_equal(sget(r.json, "resolution_notes"), "更换阀芯");
	assert_string_equal(sget(r.json, "parts"), "阀芯 1 个");
	assert_true(json_is_integer(json_object_get(r.json, "resolve_minutes")));
	assert_true(json_is_boolean(json_object_get(r.json, "resolve_on_time")));
	hq_resp_free(&r);
	assert_int_equal(inbox_count(&staff, "wo.resolved"), 1);
	assert_int_equal(inbox_count(&office, "wo.resolved"), 1);

	/* confirm: the requester, rating 1..5 */
	assert_int_equal(get(&staff, id, &r), 200);
	assert_true(allows(r.json, "confirm"));
	assert_true(allows(r.json, "reopen"));
	hq_resp_free(&r);
	act_ok(&office, id, "confirm", "{\"rating\":5}", 403, "not_yours");
	assert_int_equal(act(&staff, id, "confirm", "{\"rating\":6}", &r), 400);
	assert_string_equal(field_of(&r), "rating");
	hq_resp_free(&r);
	assert_int_equal(act(&staff, id, "confirm", "{\"rating\":0}", &r), 400);
	assert_string_equal(field_of(&r), "rating");
	hq_resp_free(&r);
	assert_int_equal(act(&staff, id, "confirm", "{}", &r), 400);
	assert_string_equal(field_of(&r), "rating");
	hq_resp_free(&r);
	assert_int_equal(act(&staff, id, "confirm", "{\"rating\":5,\"comment\":\"很及时\"}", &r),
			 200);
	o = r.json;
	assert_string_equal(sget(o, "status"), "confirmed");
	assert_int_equal(iget(o, "rating"), 5);
	assert_string_equal(sget(o, "rating_comment"), "很及时");
	assert_true(json_is_string(json_object_get(o, "closed_at")));
	assert_int_equal(json_array_size(json_object_get(o, "allowed")), 0);
	tl = json_object_get(o, "timeline");
	assert_int_equal(json_array_size(tl), 8);
	static const char *const steps[] = { "create", "accept", "dispatch", "start", "suspend",
					     "resume", "resolve", "confirm" };
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(sget(json_array_get(tl, i), "action"), steps[i]);
	assert_string_equal(sget(json_array_get(tl, 4), "note"), "等待配件");
	assert_string_equal(sget(json_object_get(json_array_get(tl, 1), "actor"), "name"), "office");
	assert_string_equal(sget(json_array_get(tl, 1), "action_label"), "受理");
	hq_resp_free(&r);
	assert_int_equal(inbox_count(&office, "wo.confirmed"), 1);
	act_ok(&staff, id, "reopen", "{\"reason\":\"x\"}", 409, "illegal_transition");
	act_ok(&office, id, "cancel", "{\"reason\":\"x\"}", 409, "illegal_transition");

	hq_client_free(&staff);
	hq_client_free(&office);
	hq_client_free(&worker);
	hq_client_free(&leader);
}

static const char sql_audit_wo[] =
	"SELECT COUNT(*) FROM audit_log WHERE entity = 'workorder'";

static void
every_transition_is_audited(void **state)
{
	struct hq_client staff, office;
	int64_t before = count_rows(sql_audit_wo), id;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	id = create(&staff, "审计", "normal", fx.cat, fx.room);
	act_ok(&office, id, "accept", NULL, 200, NULL);
	act_ok(&office, id, "cancel", "{\"reason\":\"重复报修\"}", 200, NULL);
	assert_int_equal(count_rows(sql_audit_wo), before + 3);
	hq_client_free(&staff);
	hq_client_free(&office);
}

static void
team_dispatch_reopen_and_expiry(void **state)
{
	struct hq_client staff, office, worker;
	struct hq_resp r;
	char body[128];
	int64_t id;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");
	id = create(&staff, "302 灯不亮", "high", fx.cat, fx.room2);
	act_ok(&office, id, "accept", NULL, 200, NULL);
	snprintf(body, sizeof(body), "{\"team_id\":%lld}", (long long)fx.team);
	assert_int_equal(act(&office, id, "dispatch", body, &r), 200);
	assert_true(json_is_null(json_object_get(r.json, "worker")));
	assert_int_equal(ref_id(r.json, "team"), fx.team);
	hq_resp_free(&r);
	/* a member of the team sees it in tasks and claims it by starting */
	assert_int_equal(hq_req(&srv, &worker, "GET", "/api/v1/workorders?scope=tasks", NULL, &r),
			 200);
	assert_true(iget(r.json, "total") >= 1);
	hq_resp_free(&r);
	assert_int_equal(act(&worker, id, "start", NULL, &r), 200);
	assert_int_equal(ref_id(r.json, "worker"), fx.worker);
	hq_resp_free(&r);
	act_ok(&worker, id, "resolve", "{\"notes\":\"换灯管\"}", 200, NULL);

	/* reopen: requester only, reason required, back to the same worker */
	act_ok(&office, id, "reopen", "{\"reason\":\"x\"}", 403, "not_yours");
	assert_int_equal(act(&staff, id, "reopen", "{}", &r), 400);
	assert_string_equal(field_of(&r), "reason");
	hq_resp_free(&r);
	assert_int_equal(act(&staff, id, "reopen", "{\"reason\":\"还是不亮\"}", &r), 200);
	assert_string_equal(sget(r.json, "status"), "dispatched");
	assert_int_equal(iget(r.json, "reopen_count"), 1);
	assert_int_equal(ref_id(r.json, "worker"), fx.worker);
	assert_true(json_is_null(json_object_get(r.json, "resolved_at")));
	assert_true(json_is_string(json_object_get(r.json, "resolve_due_at")));
	hq_resp_free(&r);
	assert_int_equal(inbox_count(&worker, "wo.reopened"), 1);
	act_ok(&worker, id, "start", NULL, 200, NULL);
	act_ok(&worker, id, "resolve", "{\"notes\":\"换镇流器\"}", 200, NULL);

	/* ten days later the window is closed: 422 reopen_expired, and no button */
	clock_advance(10 * DAY_MS);
	hq_client_free(&staff);
	hq_sign_in(&srv, &staff, "staff");
	assert_int_equal(get(&staff, id, &r), 200);
	assert_false(allows(r.json, "reopen"));
	assert_true(allows(r.json, "confirm"));
	hq_resp_free(&r);
	act_ok(&staff, id, "reopen", "{\"reason\":\"又坏了\"}", 422, "reopen_expired");
	act_ok(&staff, id, "confirm", "{\"rating\":3}", 200, NULL);
	hq_client_free(&staff);
	hq_client_free(&office);
	hq_client_free(&worker);
}

static void
transfer_moves_to_another_worker_or_team(void **state)
{
	struct hq_client staff, office, worker;
	struct hq_resp r;
	char body[128];
	int64_t id;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");
	id = create(&staff, "转派", "low", fx.cat, fx.room);
	act_ok(&office, id, "transfer", "{\"team_id\":1}", 409, "illegal_transition");
	act_ok(&office, id, "accept", NULL, 200, NULL);
	snprintf(body, sizeof(body), "{\"worker_id\":%lld}", (long long)fx.worker);
	act_ok(&office, id, "dispatch", body, 200, NULL);
	act_ok(&staff, id, "transfer", "{\"team_id\":1}", 403, "not_yours");
	snprintf(body, sizeof(body), "{\"team_id\":%lld,\"reason\":\"不是我的专业\"}",
		 (long long)fx.team);
	assert_int_equal(act(&worker, id, "transfer", body, &r), 200);
	assert_string_equal(sget(r.json, "status"), "dispatched");
	assert_true(json_is_null(json_object_get(r.json, "worker")));
	json_t *tl = json_object_get(r.json, "timeline");
	json_t *last = json_array_get(tl, json_array_size(tl) - 1);
	assert_string_equal(sget(last, "action"), "transfer");
	assert_string_equal(sget(last, "note"), "不是我的专业");
	assert_int_equal(ref_id(json_object_get(last, "data"), "team"), fx.team);
	hq_resp_free(&r);
	hq_client_free(&staff);
	hq_client_free(&office);
	hq_client_free(&worker);
}

static void
cancel_rules(void **state)
{
	struct hq_client staff, office;
	struct hq_resp r;
	int64_t a, b;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	int cancelled = inbox_count(&staff, "wo.cancelled");

	/* the requester, while submitted, without a reason */
	a = create(&staff, "取消一", "normal", fx.cat, fx.room);
	assert_int_equal(act(&staff, a, "cancel", NULL, &r), 200);
	assert_string_equal(sget(r.json, "status"), "cancelled");
	assert_true(json_is_null(json_object_get(r.json, "accept_due_at")));
	hq_resp_free(&r);
	act_ok(&staff, a, "cancel", NULL, 409, "illegal_transition");
	act_ok(&office, a, "accept", NULL, 409, "illegal_transition");
	/* after acceptance only the office, with a reason */
	b = create(&staff, "取消二", "normal", fx.cat, fx.room);
	act_ok(&office, b, "accept", NULL, 200, NULL);
	act_ok(&staff, b, "cancel", "{\"reason\":\"不需要了\"}", 403, "not_yours");
	assert_int_equal(act(&office, b, "cancel", "{}", &r), 400);
	assert_string_equal(field_of(&r), "reason");
	hq_resp_free(&r);
	assert_int_equal(act(&office, b, "cancel", "{\"reason\":\"重复报修\"}", &r), 200);
	assert_string_equal(sget(r.json, "status"), "cancelled");
	hq_resp_free(&r);
	assert_int_equal(inbox_count(&staff, "wo.cancelled"), cancelled + 1);
	hq_client_free(&staff);
	hq_client_free(&office);
}

/* ---------- concurrency ---------- */

struct racer {
	struct hq_client c;
	int64_t id;
	long status;
	pthread_barrier_t *go;
};

static void *
race_accept(void *p)
{
	struct racer *r = p;
	struct hq_resp resp;

	pthread_barrier_wait(r->go);
	r->status = act(&r->c, r->id, "accept", NULL, &resp);
	hq_resp_free(&resp);
	return NULL;
}

static void
concurrent_accepts_exactly_one_wins(void **state)
{
	struct hq_client staff;
	struct racer r[2];
	pthread_t t[2];
	pthread_barrier_t go;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	for (int round = 0; round < 5; round++) {
		int64_t id = create(&staff, "并发受理", "normal", fx.cat, fx.room);
		int ok = 0, conflict = 0;

		pthread_barrier_init(&go, NULL, 2);
		for (int i = 0; i < 2; i++) {
			hq_sign_in(&srv, &r[i].c, "office");
			r[i].id = id;
			r[i].go = &go;
			pthread_create(&t[i], NULL, race_accept, &r[i]);
		}
		for (int i = 0; i < 2; i++) {
			pthread_join(t[i], NULL);
			ok += r[i].status == 200;
			conflict += r[i].status == 409;
			hq_client_free(&r[i].c);
		}
		pthread_barrier_destroy(&go);
		assert_int_equal(ok, 1);
		assert_int_equal(conflict, 1);
	}
	hq_client_free(&staff);
}

/* ---------- bad input ---------- */

static void
bad_input_is_400_with_fields_and_writes_nothing(void **state)
{
	static const struct {
		const char *body, *field;
	} cases[] = {
		{ "{\"category_id\":1,\"location_id\":3}", "title" },
		{ "{\"category_id\":1,\"location_id\":3,\"title\":\"   \"}", "title" },
		{ "{\"location_id\":3,\"title\":\"t\"}", "category_id" },
		{ "{\"category_id\":1,\"title\":\"t\"}", "location_id" },
		{ "{\"category_id\":999,\"location_id\":3,\"title\":\"t\"}", "category_id" },
		{ "{\"category_id\":1,\"location_id\":999,\"title\":\"t\"}", "location_id" },
		{ "{\"category_id\":1,\"location_id\":6,\"title\":\"t\"}", "location_id" },
		{ "{\"category_id\":1,\"location_id\":3,\"title\":\"t\",\"priority\":\"asap\"}",
		  "priority" },
		{ "{\"category_id\":1,\"location_id\":3,\"title\":\"t\",\"attachment_ids\":"
		  "[1,2,3,4,5,6,7,8,9,10]}", "attachment_ids" },
		{ "{\"category_id\":1,\"location_id\":3,\"title\":\"t\",\"attachment_ids\":[0]}",
		  "attachment_ids" },
		{ "{\"category_id\":1,\"location_id\":3,\"title\":\"t\",\"attachment_ids\":\"1\"}",
		  "attachment_ids" },
		{ "{\"category_id\":1,\"location_id\":3,\"title\":\"t\",\"attachment_ids\":[99999]}",
		  "attachment_ids" },
		{ "{\"category_id\":1,\"location_id\":3,\"title\":\"t\",\"bogus\":1}", "bogus" },
	};
	struct hq_client staff;
	struct hq_resp r;
	int64_t orders = count_rows(sql_orders), events = count_rows(sql_events);
	char *long_title = malloc(8000), *body = malloc(9000);
	char *p = long_title;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long st = hq_req(&srv, &staff, "POST", "/api/v1/workorders", cases[i].body, &r);
		if (st != 400 && st != 404)
			fail_msg("case %zu gave %ld: %s", i, st, r.body);
		assert_string_equal(field_of(&r), cases[i].field);
		hq_resp_free(&r);
	}
	/* 101 characters of title (Chinese counts as one each), 2001 of description */
	for (int i = 0; i < 101; i++) {
		memcpy(p, "修", 3);
		p += 3;
	}
	*p = 0;
	snprintf(body, 9000, "{\"category_id\":1,\"location_id\":3,\"title\":\"%s\"}", long_title);
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/workorders", body, &r), 400);
	assert_string_equal(field_of(&r), "title");
	hq_resp_free(&r);
	p = long_title;
	for (int i = 0; i < 2001; i++)
		*p++ = 'x';
	*p = 0;
	snprintf(body, 9000, "{\"category_id\":1,\"location_id\":3,\"title\":\"t\","
		 "\"description\":\"%s\"}", long_title);
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/workorders", body, &r), 400);
	assert_string_equal(field_of(&r), "description");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/workorders", "{not json", &r), 400);
	hq_resp_free(&r);
	/* nothing was written */
	assert_int_equal(count_rows(sql_orders), orders);
	assert_int_equal(count_rows(sql_events), events);
	/* actions on a missing order: 404; a bad id: 404 */
	act_ok(&staff, 99999, "cancel", NULL, 404, "not_found");
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/workorders/abc", NULL, &r), 404);
	hq_resp_free(&r);
	free(long_title);
	free(body);
	hq_client_free(&staff);
}

/* ---------- photos ---------- */

static const unsigned char jpeg[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0xff, 0xd9,
};
static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

static long
upload(struct hq_client *c, const char *kind, const void *data, size_t len, int64_t *id)
{
	struct hq_resp r;
	char path[96];
	long st;

	snprintf(path, sizeof(path), "/api/v1/attachments?kind=%s", kind);
	st = hq_req_bin(&srv, c, "POST", path, "application/octet-stream", "X-Filename: a.jpg",
			data, len, &r);
	if (id)
		*id = st == 201 ? iget(r.json, "id") : 0;
	hq_resp_free(&r);
	return st;
}

static void
photos_on_create_and_resolve(void **state)
{
	struct hq_client staff, staff2, office, worker;
	struct hq_resp r;
	char body[256], path[96];
	int64_t p1, p2, doc, w1, id, orders;
	size_t n = 6 * 1000 * 1000;
	unsigned char *big = calloc(1, n);

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &staff2, "staff2");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");
	assert_int_equal(upload(&staff, "photo", jpeg, sizeof(jpeg), &p1), 201);
	assert_int_equal(upload(&staff, "photo", jpeg, sizeof(jpeg), &p2), 201);
	/* a PDF is not a photo; over 5 MB is too large */
	assert_int_equal(upload(&staff, "photo", pdf, sizeof(pdf) - 1, NULL), 415);
	memcpy(big, jpeg, sizeof(jpeg));
	assert_int_equal(upload(&staff, "photo", big, n, NULL), 413);
	free(big);
	/* a document upload cannot pose as a photo: nothing written */
	assert_int_equal(upload(&staff, "document", pdf, sizeof(pdf) - 1, &doc), 201);
	orders = count_rows(sql_orders);
	snprintf(body, sizeof(body), "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"带图\","
		 "\"attachment_ids\":[%lld,%lld]}", (long long)fx.cat, (long long)fx.room,
		 (long long)p1, (long long)doc);
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/workorders", body, &r), 422);
	assert_string_equal(hq_err_code(&r), "wrong_kind");
	assert_string_equal(field_of(&r), "attachment_ids");
	hq_resp_free(&r);
	assert_int_equal(count_rows(sql_orders), orders);
	/* someone else's upload: 403 not_uploader */
	snprintf(body, sizeof(body), "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"带图\","
		 "\"attachment_ids\":[%lld]}", (long long)fx.cat, (long long)fx.room, (long long)p1);
	assert_int_equal(hq_req(&srv, &staff2, "POST", "/api/v1/workorders", body, &r), 403);
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"带图\","
		 "\"attachment_ids\":[%lld,%lld]}", (long long)fx.cat, (long long)fx.room,
		 (long long)p1, (long long)p2);
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/workorders", body, &r), 201);
	id = iget(r.json, "id");
	assert_int_equal(json_array_size(json_object_get(r.json, "photos")), 2);
	hq_resp_free(&r);
	/* the photo follows the order's visibility */
	snprintf(path, sizeof(path), "/api/v1/attachments/%lld", (long long)p1);
	assert_int_equal(hq_req(&srv, &office, "GET", path, NULL, &r), 200);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff2, "GET", path, NULL, &r), 404);
	hq_resp_free(&r);
	/* photos of the work done */
	act_ok(&office, id, "accept", NULL, 200, NULL);
	snprintf(body, sizeof(body), "{\"worker_id\":%lld}", (long long)fx.worker);
	act_ok(&office, id, "dispatch", body, 200, NULL);
	act_ok(&worker, id, "start", NULL, 200, NULL);
	assert_int_equal(upload(&worker, "photo", jpeg, sizeof(jpeg), &w1), 201);
	/* a failing resolve (a document as photo) writes nothing at all */
	{
		int64_t wdoc, ev = count_rows(sql_events);
		assert_int_equal(upload(&worker, "document", pdf, sizeof(pdf) - 1, &wdoc), 201);
		snprintf(body, sizeof(body), "{\"notes\":\"修好了\",\"attachment_ids\":[%lld,%lld]}",
			 (long long)w1, (long long)wdoc);
		act_ok(&worker, id, "resolve", body, 422, "wrong_kind");
		assert_int_equal(count_rows(sql_events), ev);
		assert_int_equal(get(&worker, id, &r), 200);
		assert_string_equal(sget(r.json, "status"), "in_progress");
		assert_int_equal(json_array_size(json_object_get(r.json, "photos")), 2);
		hq_resp_free(&r);
	}
	snprintf(body, sizeof(body), "{\"notes\":\"修好了\",\"attachment_ids\":[%lld]}",
		 (long long)w1);
	assert_int_equal(act(&worker, id, "resolve", body, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "photos")), 3);
	hq_resp_free(&r);
	hq_client_free(&staff);
	hq_client_free(&staff2);
	hq_client_free(&office);
	hq_client_free(&worker);
}

/* ---------- visibility ---------- */

static void
visibility_by_role(void **state)
{
	static const struct {
		const char *user;
		long want;
	} cases[] = {
		{ "staff", 200 },   { "staff2", 404 },	{ "dept_head", 200 }, { "office", 200 },
		{ "leader", 200 },  { "supervisor", 200 }, { "finance", 404 }, { "worker", 404 },
		{ "sysadmin", 403 }, { "auditor", 403 },
	};
	struct hq_client staff, c;
	struct hq_resp r;
	int64_t id;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	id = create(&staff, "可见性", "normal", fx.cat, fx.room);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hq_sign_in(&srv, &c, cases[i].user);
		if (get(&c, id, &r) != cases[i].want)
			fail_msg("%s got %ld", cases[i].user, r.status);
		hq_resp_free(&r);
		hq_client_free(&c);
	}
	/* the history view (audit) follows the same rule */
	{
		char path[96];
		snprintf(path, sizeof(path), "/api/v1/history/workorder/%lld", (long long)id);
		assert_int_equal(hq_req(&srv, &staff, "GET", path, NULL, &r), 200);
		hq_resp_free(&r);
		hq_sign_in(&srv, &c, "staff2");
		assert_int_equal(hq_req(&srv, &c, "GET", path, NULL, &r), 404);
		hq_resp_free(&r);
		hq_client_free(&c);
	}
	/* staff2 cannot act on it either: 404, not 403 */
	hq_sign_in(&srv, &c, "staff2");
	act_ok(&c, id, "cancel", NULL, 404, "not_found");
	hq_client_free(&c);
	/* the supervisor reads but may not act (route roles) */
	hq_sign_in(&srv, &c, "supervisor");
	act_ok(&c, id, "accept", NULL, 403, "forbidden");
	hq_client_free(&c);
	/* the admins may not file */
	hq_sign_in(&srv, &c, "sysadmin");
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/workorders", "{}", &r), 403);
	hq_resp_free(&r);
	hq_client_free(&c);
	hq_client_free(&staff);
}

/* ---------- lists ---------- */

static int64_t
list_total(struct hq_client *c, const char *query, long want)
{
	struct hq_resp r;
	char path[256];
	int64_t total;

	snprintf(path, sizeof(path), "/api/v1/workorders%s", query);
	if (hq_req(&srv, c, "GET", path, NULL, &r) != want)
		fail_msg("GET %s gave %ld: %s", path, r.status, r.body);
	total = want == 200 ? iget(r.json, "total") : -1;
	if (want == 200) {
		assert_true(json_array_size(json_object_get(r.json, "items")) <= (size_t)total);
		json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
		if (first)
			assert_null(json_object_get(first, "timeline"));
	}
	hq_resp_free(&r);
	return total;
}

static void
list_scopes_filters_and_sort(void **state)
{
	struct hq_client staff, staff2, office, dept_head, worker, leader;
	struct hq_resp r;
	char q[160];
	int64_t all, mine, a, b;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &staff2, "staff2");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &dept_head, "dept_head");
	hq_sign_in(&srv, &worker, "worker");
	hq_sign_in(&srv, &leader, "leader");
	a = create(&staff, "列表甲 空调异响", "high", fx.cat, fx.room);
	b = create(&staff2, "列表乙 电梯困人", "urgent", fx.cat_safety, fx.room2);

	/* scopes and who may use them */
	all = list_total(&office, "?scope=all", 200);
	assert_true(all >= 2);
	assert_int_equal(list_total(&leader, "?scope=all", 200), all);
	list_total(&staff, "?scope=all", 403);
	list_total(&worker, "?scope=all", 403);
	list_total(&staff, "?scope=dept", 403);
	list_total(&staff, "?scope=tasks", 403);
	list_total(&staff, "?scope=bogus", 400);
	mine = list_total(&staff, "?scope=mine", 200);
	assert_int_equal(list_total(&staff, "", 200), mine);	/* mine is the default */
	assert_int_equal(list_total(&staff2, "?scope=mine", 200), 1);
	assert_true(list_total(&dept_head, "?scope=dept", 200) >= mine);	/* 一处 */
	assert_true(list_total(&dept_head, "?scope=dept", 200) < all);
	assert_int_equal(list_total(&worker, "?scope=tasks&status=submitted", 200), 0);
	/* another department: the office may choose one, a dept_head only their own */
	snprintf(q, sizeof(q), "?scope=dept&department_id=%lld", (long long)srv.dept2_id);
	assert_int_equal(list_total(&office, q, 200), 1);	/* staff2's */
	list_total(&dept_head, q, 403);
	snprintf(q, sizeof(q), "?scope=dept&department_id=%lld", (long long)srv.dept1_id);
	assert_int_equal(list_total(&dept_head, q, 200), list_total(&dept_head, "?scope=dept", 200));

	/* filters */
	assert_int_equal(list_total(&office, "?scope=all&q=空调异响", 200), 1);
	assert_int_equal(list_total(&office, "?scope=all&q=100%25", 200), 0);
	assert_int_equal(list_total(&office, "?scope=all&priority=urgent&q=列表", 200), 1);
	snprintf(q, sizeof(q), "?scope=all&category_id=%lld", (long long)fx.cat_safety);
	assert_int_equal(list_total(&office, q, 200), 1);
	snprintf(q, sizeof(q), "?scope=all&location_id=%lld&q=列表", (long long)fx.building);
	assert_int_equal(list_total(&office, q, 200), 2);	/* the building includes its rooms */
	snprintf(q, sizeof(q), "?scope=all&location_id=%lld&q=列表", (long long)fx.room2);
	assert_int_equal(list_total(&office, q, 200), 1);
	snprintf(q, sizeof(q), "?scope=all&location_id=%lld", (long long)fx.garage);
	assert_int_equal(list_total(&office, q, 200), 0);
	assert_true(list_total(&office, "?scope=all&status=open", 200) >= 2);
	assert_int_equal(list_total(&office, "?scope=all&status=cancelled&q=列表", 200), 0);
	list_total(&office, "?scope=all&status=nope", 400);
	list_total(&office, "?scope=all&priority=nope", 400);
	list_total(&office, "?scope=all&from=yesterday", 400);
	list_total(&office, "?scope=all&sort=name", 400);
	assert_int_equal(list_total(&office, "?scope=all&from=2000-01-01&to=2000-12-31", 200), 0);
	assert_int_equal(list_total(&office, "?scope=all&from=2000-01-01", 200), all);
	snprintf(q, sizeof(q), "?scope=all&worker_id=%lld&status=submitted", (long long)fx.worker);
	assert_int_equal(list_total(&office, q, 200), 0);

	/* sort: priority puts the urgent one first; newest first by default */
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/workorders?scope=all&sort=priority&q=列表",
				NULL, &r), 200);
	assert_int_equal(iget(json_array_get(json_object_get(r.json, "items"), 0), "id"), b);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/workorders?scope=all&q=列表",
				NULL, &r), 200);
	assert_int_equal(iget(json_array_get(json_object_get(r.json, "items"), 0), "id"), b);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "GET",
				"/api/v1/workorders?scope=all&q=列表&sort=created_at", NULL, &r), 200);
	assert_int_equal(iget(json_array_get(json_object_get(r.json, "items"), 0), "id"), a);
	hq_resp_free(&r);
	/* paging */
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/workorders?scope=all&per_page=1&page=2",
				NULL, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	assert_int_equal(iget(r.json, "total"), all);
	hq_resp_free(&r);

	/* overdue: the urgent order runs on a 24-hour clock, accept within 30 minutes */
	assert_int_equal(list_total(&office, "?scope=all&overdue=1&q=电梯困人", 200), 0);
	clock_advance(31 * MINUTE_MS);
	hq_client_free(&office);	/* the session has been idle too long */
	hq_sign_in(&srv, &office, "office");
	assert_int_equal(list_total(&office, "?scope=all&overdue=1&q=电梯困人", 200), 1);
	assert_int_equal(get(&office, b, &r), 200);
	assert_true(json_is_true(json_object_get(r.json, "overdue")));
	assert_true(json_is_true(json_object_get(r.json, "clock_24h")));
	hq_resp_free(&r);
	act_ok(&office, b, "accept", NULL, 200, NULL);
	assert_int_equal(get(&office, b, &r), 200);
	assert_true(json_is_false(json_object_get(r.json, "accept_on_time")));
	assert_true(iget(r.json, "accept_minutes") >= 31);
	hq_resp_free(&r);

	hq_client_free(&staff);
	hq_client_free(&staff2);
	hq_client_free(&office);
	hq_client_free(&dept_head);
	hq_client_free(&worker);
	hq_client_free(&leader);
}

static void
export_csv_has_chinese_headers_and_labels(void **state)
{
	struct hq_client office, staff;
	struct hq_resp r;
	char ct[128];

	(void)state;
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &staff, "staff");
	create(&staff, "导出测试", "normal", fx.cat, fx.room);
	assert_int_equal(hq_req(&srv, &office, "GET",
				"/api/v1/workorders?scope=all&q=导出测试&format=csv", NULL, &r), 200);
	assert_non_null(hq_header(&r, "Content-Type", ct, sizeof(ct)));
	assert_non_null(strstr(ct, "text/csv"));
	assert_non_null(strstr(r.body, "工单号"));
	assert_non_null(strstr(r.body, "首问负责人"));
	assert_non_null(strstr(r.body, "导出测试"));
	assert_non_null(strstr(r.body, "已提交"));
	assert_non_null(strstr(r.body, "普通"));
	assert_non_null(strstr(r.body, "综合楼 / 3层 / 301"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/workorders?scope=all&format=xlsx",
				NULL, &r), 200);
	assert_true(r.len > 100 && memcmp(r.body, "PK", 2) == 0);
	hq_resp_free(&r);
	/* the export keeps the scope rules */
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/workorders?scope=all&format=csv",
				NULL, &r), 403);
	hq_resp_free(&r);
	hq_client_free(&office);
	hq_client_free(&staff);
}

/* ---------- duty roster and urgent auto-dispatch ---------- */

static void
urgent_order_goes_to_the_worker_on_duty(void **state)
{
	struct hq_client staff, office, worker;
	struct hq_resp r;
	char body[160], day[16];
	int64_t id;
	int before;
	json_t *tl, *d;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");
	cal_format_date(cal_local_date(now_ms()), day, sizeof(day));
	/* the roster: office only, the user must be in the team */
	snprintf(body, sizeof(body), "{\"team_id\":%lld,\"day\":\"%s\",\"user_id\":%lld}",
		 (long long)fx.team, day, (long long)fx.worker);
	assert_int_equal(hq_req(&srv, &staff, "PUT", "/api/v1/workorder-duty", body, &r), 403);
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"team_id\":%lld,\"day\":\"%s\",\"user_id\":%lld}",
		 (long long)fx.team, day, (long long)hq_user_id(&srv, "staff"));
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/workorder-duty", body, &r), 400);
	assert_string_equal(field_of(&r), "user_id");
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"team_id\":%lld,\"day\":\"2026-02-30\",\"user_id\":%lld}",
		 (long long)fx.team, (long long)fx.worker);
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/workorder-duty", body, &r), 400);
	assert_string_equal(field_of(&r), "day");
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"team_id\":%lld,\"day\":\"%s\",\"user_id\":%lld}",
		 (long long)fx.team, day, (long long)fx.worker);
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/workorder-duty", body, &r), 200);
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "/api/v1/workorder-duty?from=%s&to=%s", day, day);
	assert_int_equal(hq_req(&srv, &staff, "GET", body, NULL, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	d = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(sget(d, "day"), day);
	assert_int_equal(ref_id(d, "user"), fx.worker);
	hq_resp_free(&r);

	before = inbox_count(&worker, "wo.assigned");
	id = create(&staff, "配电室冒烟", "urgent", fx.cat, fx.room);
	assert_int_equal(get(&staff, id, &r), 200);
	assert_string_equal(sget(r.json, "status"), "dispatched");
	assert_int_equal(ref_id(r.json, "worker"), fx.worker);
	assert_int_equal(ref_id(r.json, "team"), fx.team);
	assert_true(json_is_null(json_object_get(r.json, "owner")));
	assert_true(json_is_true(json_object_get(r.json, "clock_24h")));
	tl = json_object_get(r.json, "timeline");
	assert_int_equal(json_array_size(tl), 2);
	assert_string_equal(sget(json_array_get(tl, 0), "action"), "create");
	assert_string_equal(sget(json_array_get(tl, 1), "action"), "dispatch");
	assert_true(json_is_null(json_object_get(json_array_get(tl, 1), "actor")));
	assert_string_equal(sget(json_array_get(tl, 1), "note"), "紧急工单自动派给值班人员");
	hq_resp_free(&r);
	assert_int_equal(inbox_count(&worker, "wo.assigned"), before + 1);
	act_ok(&worker, id, "start", NULL, 200, NULL);

	/* a normal order is not auto-dispatched; clearing the roster stops it */
	id = create(&staff, "普通报修", "normal", fx.cat, fx.room);
	assert_int_equal(get(&staff, id, &r), 200);
	assert_string_equal(sget(r.json, "status"), "submitted");
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"team_id\":%lld,\"day\":\"%s\",\"user_id\":null}",
		 (long long)fx.team, day);
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/workorder-duty", body, &r), 200);
	hq_resp_free(&r);
	id = create(&staff, "又一个紧急", "urgent", fx.cat, fx.room);
	assert_int_equal(get(&staff, id, &r), 200);
	assert_string_equal(sget(r.json, "status"), "submitted");
	hq_resp_free(&r);
	hq_client_free(&staff);
	hq_client_free(&office);
	hq_client_free(&worker);
}

/* json's string at key (".status"), "" when absent. */
static const char *
jstatus(const json_t *j)
{
	const char *v = json_string_value(json_object_get(j, "status"));

	return v ? v : "";
}

/*
** Count, before/after status and after worker of order id's "dispatch" audit
** records (the least of each over the records; "" and 0 when none). The JSON
** is read here, with jansson: json_extract is SQLite's.
*/
static void
dispatch_audit(int64_t id, int64_t *n, char *before, char *after, int64_t *worker)
{
	static const char sql[] =
		"SELECT before_json, after_json FROM audit_log"
		" WHERE entity = 'workorder' AND action = 'dispatch' AND entity_id = :id ORDER BY id";
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int rc = 0;

	*n = 0;
	before[0] = after[0] = '\0';
	*worker = 0;
	if (db_prepare(db, &st, sql, &e) || db_bind_i64(&st, ":id", id, &e))
		*n = -1;
	while (*n >= 0 && (rc = db_step(&st, &e)) == 1) {
		const char *b = db_col_peek(&st, 0, NULL), *a = db_col_peek(&st, 1, NULL);
		json_t *bj = b ? json_loads(b, 0, NULL) : NULL, *aj = a ? json_loads(a, 0, NULL) : NULL;
		int64_t w = json_integer_value(json_object_get(json_object_get(aj, "worker"), "id"));
		if (*jstatus(bj) && (!before[0] || strcmp(jstatus(bj), before) < 0))
			snprintf(before, 32, "%s", jstatus(bj));
		if (*jstatus(aj) && (!after[0] || strcmp(jstatus(aj), after) < 0))
			snprintf(after, 32, "%s", jstatus(aj));
		if (w && (!*worker || w < *worker))
			*worker = w;
		json_decref(bj);
		json_decref(aj);
		++*n;
	}
	if (*n >= 0 && rc < 0)
		*n = -1;
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
}

/* The last timeline row of order id (a new reference in *row). */
static void
last_event(struct hq_client *c, int64_t id, json_t **row)
{
	struct hq_resp r;
	json_t *tl;

	assert_int_equal(get(c, id, &r), 200);
	tl = json_object_get(r.json, "timeline");
	*row = json_incref(json_array_get(tl, json_array_size(tl) - 1));
	hq_resp_free(&r);
}

/*
** The urgent auto-dispatch is the dispatch move, taken by the system: the
** same timeline row (action, status, assignee data), the same audit record
** and the same notice to the worker as the office's manual dispatch.
*/
static void
urgent_auto_dispatch_is_the_dispatch_move(void **state)
{
	struct hq_client staff, office, worker;
	struct hq_resp r;
	char body[160], day[16], before[32], after[32];
	int64_t auto_id, manual_id, n, w;
	json_t *ea, *em;
	int notices;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");
	cal_format_date(cal_local_date(now_ms()), day, sizeof(day));
	snprintf(body, sizeof(body), "{\"team_id\":%lld,\"day\":\"%s\",\"user_id\":%lld}",
		 (long long)fx.team, day, (long long)fx.worker);
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/workorder-duty", body, &r), 200);
	hq_resp_free(&r);
	notices = inbox_count(&worker, "wo.assigned");

	auto_id = create(&staff, "自动派单", "urgent", fx.cat, fx.room);
	manual_id = create(&staff, "人工派单", "normal", fx.cat, fx.room);
	snprintf(body, sizeof(body), "{\"worker_id\":%lld}", (long long)fx.worker);
	act_ok(&office, manual_id, "dispatch", body, 409, "illegal_transition");
	act_ok(&office, manual_id, "accept", NULL, 200, NULL);
	act_ok(&office, manual_id, "dispatch", body, 200, NULL);

	last_event(&staff, auto_id, &ea);
	last_event(&staff, manual_id, &em);
	assert_string_equal(sget(ea, "action"), "dispatch");
	assert_string_equal(sget(em, "action"), "dispatch");
	assert_string_equal(sget(ea, "to_status"), "dispatched");
	assert_string_equal(sget(em, "to_status"), "dispatched");
	assert_string_equal(sget(ea, "from_status"), "submitted");
	assert_string_equal(sget(em, "from_status"), "accepted");
	assert_true(json_equal(json_object_get(ea, "data"), json_object_get(em, "data")));
	assert_int_equal(ref_id(json_object_get(ea, "data"), "worker"), fx.worker);
	assert_int_equal(ref_id(json_object_get(ea, "data"), "team"), fx.team);
	assert_true(json_is_null(json_object_get(ea, "actor")));
	assert_int_equal(ref_id(em, "actor"), hq_user_id(&srv, "office"));
	json_decref(ea);
	json_decref(em);

	dispatch_audit(auto_id, &n, before, after, &w);
	assert_int_equal(n, 1);
	assert_string_equal(before, "submitted");
	assert_string_equal(after, "dispatched");
	assert_int_equal(w, fx.worker);
	dispatch_audit(manual_id, &n, before, after, &w);
	assert_int_equal(n, 1);
	assert_string_equal(before, "accepted");
	assert_string_equal(after, "dispatched");
	assert_int_equal(w, fx.worker);
	assert_int_equal(inbox_count(&worker, "wo.assigned"), notices + 2);

	snprintf(body, sizeof(body), "{\"team_id\":%lld,\"day\":\"%s\",\"user_id\":null}",
		 (long long)fx.team, day);
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/workorder-duty", body, &r), 200);
	hq_resp_free(&r);
	hq_client_free(&staff);
	hq_client_free(&office);
	hq_client_free(&worker);
}

/* ---------- categories and teams ---------- */

#define TARGETS                                                                              \
	"\"targets\":{\"urgent\":{\"accept_min\":15,\"resolve_min\":120},"                 \
	"\"high\":{\"accept_min\":30,\"resolve_min\":240},"                                 \
	"\"normal\":{\"accept_min\":60,\"resolve_min\":480},"                               \
	"\"low\":{\"accept_min\":120,\"resolve_min\":960}}"

static void
categories_and_teams_admin(void **state)
{
	struct hq_client staff, office;
	struct hq_resp r;
	char body[512], path[96], seen[64];
	int64_t cat, team;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/workorder-categories?active=1", NULL,
				&r), 200);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 2);
	json_t *c0 = json_array_get(json_object_get(r.json, "items"), 0);
	assert_int_equal(iget(json_object_get(json_object_get(c0, "targets"), "normal"),
			      "accept_min"), 120);
	hq_resp_free(&r);

	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/workorder-categories",
				"{\"name\":\"绿化\"," TARGETS "}", &r), 403);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-categories",
				"{\"name\":\"绿化\"}", &r), 400);
	assert_string_equal(field_of(&r), "targets");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-categories",
				"{\"name\":\"绿化\",\"targets\":{\"urgent\":1}}", &r), 400);
	assert_string_equal(field_of(&r), "targets");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-categories",
				"{\"name\":\"绿化\",\"targets\":{"
				"\"urgent\":{\"accept_min\":60,\"resolve_min\":30},"
				"\"high\":{\"accept_min\":30,\"resolve_min\":240},"
				"\"normal\":{\"accept_min\":60,\"resolve_min\":480},"
				"\"low\":{\"accept_min\":0,\"resolve_min\":960}}}", &r), 400);
	assert_string_equal(field_of(&r), "targets");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-categories",
				"{\"name\":\"绿化\",\"default_team_id\":999," TARGETS "}", &r), 400);
	assert_string_equal(field_of(&r), "default_team_id");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-categories",
				"{\"name\":\"绿化\"," TARGETS "}", &r), 201);
	cat = iget(r.json, "id");
	assert_int_equal(iget(json_object_get(json_object_get(r.json, "targets"), "urgent"),
			      "accept_min"), 15);
	assert_true(json_is_true(json_object_get(r.json, "active")));
	snprintf(seen, sizeof(seen), "%s", sget(r.json, "updated_at"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-categories",
				"{\"name\":\"绿化\"," TARGETS "}", &r), 409);
	assert_string_equal(hq_err_code(&r), "duplicate");
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/workorder-categories/%lld", (long long)cat);
	snprintf(body, sizeof(body), "{\"name\":\"绿化养护\",\"safety\":true,\"updated_at\":\"%s\"}",
		 seen);
	assert_int_equal(hq_req(&srv, &office, "PUT", path, body, &r), 200);
	snprintf(seen, sizeof(seen), "%s", sget(r.json, "updated_at"));
	assert_string_equal(sget(r.json, "name"), "绿化养护");
	assert_true(json_is_true(json_object_get(r.json, "safety")));
	assert_int_equal(iget(json_object_get(json_object_get(r.json, "targets"), "urgent"),
			      "accept_min"), 15);	/* kept */
	hq_resp_free(&r);
	/* an order copies the targets of its category and priority */
	{
		int64_t id = create(&staff, "修剪树枝", "low", cat, fx.room);
		assert_int_equal(get(&staff, id, &r), 200);
		assert_int_equal(iget(r.json, "accept_target_min"), 120);
		assert_int_equal(iget(r.json, "resolve_target_min"), 960);
		assert_true(json_is_true(json_object_get(r.json, "clock_24h")));	/* safety */
		hq_resp_free(&r);
	}
	/* deactivated: no new orders */
	snprintf(body, sizeof(body), "{\"name\":\"绿化养护\",\"active\":false,\"updated_at\":\"%s\"}",
		 seen);
	assert_int_equal(hq_req(&srv, &office, "PUT", path, body, &r), 200);
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"t\"}",
		 (long long)cat, (long long)fx.room);
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/workorders", body, &r), 400);
	assert_string_equal(field_of(&r), "category_id");
	hq_resp_free(&r);

	/* teams: office only, members are active workers */
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/workorder-teams",
				"{\"name\":\"空调班\"}", &r), 403);
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"name\":\"空调班\",\"member_ids\":[%lld]}",
		 (long long)hq_user_id(&srv, "staff"));
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-teams", body, &r), 400);
	assert_string_equal(field_of(&r), "member_ids");
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"name\":\"空调班\",\"member_ids\":[%lld]}",
		 (long long)fx.worker);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-teams", body, &r), 201);
	team = iget(r.json, "id");
	assert_int_equal(json_array_size(json_object_get(r.json, "members")), 1);
	snprintf(seen, sizeof(seen), "%s", sget(r.json, "updated_at"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/workorder-teams", body, &r), 409);
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/workorder-teams/%lld", (long long)team);
	snprintf(body, sizeof(body),
		 "{\"name\":\"空调班\",\"member_ids\":[],\"active\":false,\"updated_at\":\"%s\"}",
		 seen);
	assert_int_equal(hq_req(&srv, &office, "PUT", path, body, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "members")), 0);
	assert_true(json_is_false(json_object_get(r.json, "active")));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/workorder-teams", NULL, &r), 200);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 2);
	hq_resp_free(&r);
	hq_client_free(&staff);
	hq_client_free(&office);
}

/* ---------- route roles and the concurrency token ---------- */

static void
forbidden_roles_get_403(void **state)
{
	static const struct {
		const char *user, *method, *path, *body;
	} cases[] = {
		{ "sysadmin", "GET", "/api/v1/workorders", NULL },
		{ "secadmin", "GET", "/api/v1/workorders/1", NULL },
		{ "auditor", "POST", "/api/v1/workorders", "{}" },
		{ "supervisor", "POST", "/api/v1/workorders", "{}" },
		{ "sysadmin", "POST", "/api/v1/workorders/1/accept", NULL },
		{ "supervisor", "POST", "/api/v1/workorders/1/dispatch", "{}" },
		{ "supervisor", "POST", "/api/v1/workorders/1/start", NULL },
		{ "supervisor", "POST", "/api/v1/workorders/1/suspend", "{}" },
		{ "supervisor", "POST", "/api/v1/workorders/1/resume", NULL },
		{ "supervisor", "POST", "/api/v1/workorders/1/transfer", "{}" },
		{ "supervisor", "POST", "/api/v1/workorders/1/resolve", "{}" },
		{ "supervisor", "POST", "/api/v1/workorders/1/confirm", "{}" },
		{ "supervisor", "POST", "/api/v1/workorders/1/reopen", "{}" },
		{ "supervisor", "POST", "/api/v1/workorders/1/cancel", "{}" },
		{ "sysadmin", "GET", "/api/v1/workorder-categories", NULL },
		{ "worker", "POST", "/api/v1/workorder-categories", "{}" },
		{ "leader", "PUT", "/api/v1/workorder-categories/1", "{}" },
		{ "sysadmin", "GET", "/api/v1/workorder-teams", NULL },
		{ "worker", "POST", "/api/v1/workorder-teams", "{}" },
		{ "dept_head", "PUT", "/api/v1/workorder-teams/1", "{}" },
		{ "auditor", "GET", "/api/v1/workorder-duty", NULL },
		{ "worker", "PUT", "/api/v1/workorder-duty", "{}" },
	};
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hq_sign_in(&srv, &c, cases[i].user);
		if (hq_req(&srv, &c, cases[i].method, cases[i].path, cases[i].body, &r) != 403)
			fail_msg("%s %s as %s gave %ld", cases[i].method, cases[i].path,
				 cases[i].user, r.status);
		assert_string_equal(hq_err_code(&r), "forbidden");
		hq_resp_free(&r);
		hq_client_free(&c);
	}
}

static void
stale_updated_at_is_409(void **state)
{
	struct hq_client staff, office;
	struct hq_resp r;
	char body[160], seen[64];
	int64_t id;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	id = create(&staff, "并发令牌", "normal", fx.cat, fx.room);
	assert_int_equal(get(&office, id, &r), 200);
	snprintf(seen, sizeof(seen), "%s", sget(r.json, "updated_at"));
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"updated_at\":\"%s\"}", seen);
	act_ok(&office, id, "accept", body, 200, NULL);
	/* the order moved on: the old token is stale */
	snprintf(body, sizeof(body), "{\"reason\":\"重复\",\"updated_at\":\"%s\"}", seen);
	act_ok(&office, id, "cancel", body, 409, "stale");
	hq_client_free(&staff);
	hq_client_free(&office);
}

/* PUT path with body (fields, then "updated_at" when seen is not NULL); want status and code. */
static void
put_token(struct hq_client *c, const char *path, const char *fields, const char *seen,
	  long want, const char *code, char *next, size_t size)
{
	struct hq_resp r;
	char body[512];

	if (seen)
		snprintf(body, sizeof(body), "{%s,\"updated_at\":\"%s\"}", fields, seen);
	else
		snprintf(body, sizeof(body), "{%s}", fields);
	if (hq_req(&srv, c, "PUT", path, body, &r) != want)
		fail_msg("PUT %s gave %ld (want %ld): %s", path, r.status, want, r.body);
	if (code)
		assert_string_equal(hq_err_code(&r), code);
	if (want == 400)
		assert_string_equal(field_of(&r), "updated_at");
	if (next)
		snprintf(next, size, "%s", sget(r.json, "updated_at"));
	hq_resp_free(&r);
}

/*
** One concurrency rule for every editable 报修 record: a PUT of a category,
** a team or a PM plan names the updated_at it read; without it 400, with
** one the row has moved past 409 stale, and nothing is written.
*/
static void
setup_puts_need_the_updated_at_they_read(void **state)
{
	static const char *const recs[] = {
		"/api/v1/workorder-categories", "/api/v1/workorder-teams", "/api/v1/workorder-plans",
	};
	struct hq_client office;
	struct hq_resp r;
	char fields[320], body[512], path[96], seen[64], moved[64];
	int64_t before;

	(void)state;
	hq_sign_in(&srv, &office, "office");
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		if (i == 2)
			snprintf(fields, sizeof(fields),
				 "\"name\":\"并发计划\",\"category_id\":%lld,\"location_id\":%lld,"
				 "\"title\":\"巡检\",\"unit\":\"month\",\"every\":1,"
				 "\"start_date\":\"2027-01-01\"",
				 (long long)fx.cat, (long long)fx.room);
		else
			snprintf(fields, sizeof(fields), "\"name\":\"并发%s\"", i ? "班组" : "类别");
		snprintf(body, sizeof(body), "{%s%s}", fields, i == 0 ? "," TARGETS : "");
		if (hq_req(&srv, &office, "POST", recs[i], body, &r) != 201)
			fail_msg("POST %s gave %ld: %s", recs[i], r.status, r.body);
		snprintf(path, sizeof(path), "%s/%lld", recs[i], (long long)iget(r.json, "id"));
		snprintf(seen, sizeof(seen), "%s", sget(r.json, "updated_at"));
		hq_resp_free(&r);
		before = count_rows("SELECT COUNT(*) FROM audit_log");
		put_token(&office, path, fields, NULL, 400, NULL, NULL, 0);
		put_token(&office, path, fields, seen, 200, NULL, moved, sizeof(moved));
		assert_string_not_equal(moved, seen);	/* the token moved */
		memcpy(strstr(fields, "并发"), "改名", strlen("改名"));
		put_token(&office, path, fields, seen, 409, "stale", NULL, 0);
		assert_int_equal(count_rows("SELECT COUNT(*) FROM audit_log"), before + 1);
		put_token(&office, path, fields, moved, 200, NULL, NULL, 0);
	}
	hq_client_free(&office);
}

static const char sql_count_matching[] =
	"SELECT COUNT(*) FROM workorder WHERE agency_id = :agency"
	" AND (:status = '' OR status = :status OR (:status = 'open'"
	" AND status NOT IN ('confirmed', 'cancelled'))) AND (:cat = 0 OR category_id = :cat)"
	" AND (:prio = '' OR priority = :prio)";

/* COUNT(*) of the agency's orders with status ("", "open" or one), category (0: any), priority. */
static int64_t
count_matching(const char *status, int64_t cat, const char *prio)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (!db_prepare(db, &st, sql_count_matching, &e) &&
	    !db_bind_i64(&st, ":agency", srv.agency_id, &e) &&
	    !db_bind_text(&st, ":status", status, &e) && !db_bind_i64(&st, ":cat", cat, &e) &&
	    !db_bind_text(&st, ":prio", prio, &e) && db_step(&st, &e) == 1)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	return n;
}

/* wo_count rows that disagree with the orders, either way. */
static const char sql_count_drift[] =
	"SELECT (SELECT COUNT(*) FROM wo_count c WHERE c.n <> (SELECT COUNT(*) FROM workorder w"
	" WHERE w.agency_id = c.agency_id AND w.status = c.status"
	" AND w.category_id = c.category_id))"
	" + (SELECT COUNT(*) FROM (SELECT DISTINCT agency_id, status, category_id FROM workorder) d"
	" WHERE NOT EXISTS (SELECT 1 FROM wo_count c WHERE c.agency_id = d.agency_id"
	" AND c.status = d.status AND c.category_id = d.category_id))";

/*
** A list's total under status and category comes from wo_count (kept by
** triggers); with any other filter, from COUNT(*). After orders in every
** status, both agree with the orders themselves, for every combination.
*/
static void
list_totals_match_the_orders(void **state)
{
	static const char *const statuses[] = { "", "open", "submitted", "accepted", "dispatched",
						"in_progress", "suspended", "resolved", "confirmed",
						"cancelled" };
	struct hq_client staff, office;
	int64_t cats[3] = { 0, fx.cat, fx.cat_safety }, a, b;
	char q[200];

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	a = create(&staff, "计数一", "normal", fx.cat, fx.room);
	b = create(&staff, "计数二", "high", fx.cat_safety, fx.room2);
	create(&staff, "计数三", "low", fx.cat, fx.room2);
	act_ok(&office, a, "accept", NULL, 200, NULL);
	act_ok(&staff, b, "cancel", "{\"reason\":\"重复\"}", 200, NULL);
	assert_int_equal(count_rows(sql_count_drift), 0);
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		for (int k = 0; k < 3; k++) {
			snprintf(q, sizeof(q), "?scope=all&status=%s&category_id=%lld", statuses[i],
				 (long long)cats[k]);
			if (!cats[k])
				snprintf(q, sizeof(q), "?scope=all&status=%s", statuses[i]);
			assert_int_equal(list_total(&office, q, 200),
					 count_matching(statuses[i], cats[k], ""));
			/* one more filter: counted by COUNT(*) */
			snprintf(q + strlen(q), sizeof(q) - strlen(q), "&priority=normal");
			assert_int_equal(list_total(&office, q, 200),
					 count_matching(statuses[i], cats[k], "normal"));
		}
	hq_client_free(&staff);
	hq_client_free(&office);
}

static const char sql_forget_code_seq[] = "DELETE FROM code_seq WHERE series = 'WO'";

/* The number of a code WO-yyyymmdd-NNNN. */
static int64_t
code_number(int64_t id)
{
	struct hq_client office;
	struct hq_resp r;
	int64_t n;

	hq_sign_in(&srv, &office, "office");
	assert_int_equal(get(&office, id, &r), 200);
	n = strtoll(sget(r.json, "code") + strlen("WO-20261123-"), NULL, 10);
	hq_resp_free(&r);
	hq_client_free(&office);
	return n;
}

/*
** Writes from many connections share commits (the pool's writer thread); each
** stands alone: the refused ones (400) leave nothing, every 201 is there with
** its event and audit record, and codes stay unique.
*/
#define CW_THREADS 6
#define CW_EACH 20

struct cw_arg {
	struct hq_client c;
	int thread, bad;
	long bad_status;
	int64_t ids[CW_EACH];
};

static void *
cw_writer(void *p)
{
	struct cw_arg *a = p;

	for (int i = 0; i < CW_EACH; i++) {
		struct hq_resp r;
		char body[256];
		int valid = i % 2 == 0;

		/* a refused one (404: no such photo) fails after its order row is written */
		snprintf(body, sizeof(body),
			 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"同批%d-%d\""
			 ",\"attachment_ids\":[%s]}",
			 (long long)fx.cat, (long long)fx.room, a->thread, i, valid ? "" : "999999");
		long st = hq_req(&srv, &a->c, "POST", "/api/v1/workorders", body, &r);
		if (st && st != (valid ? 201 : 404)) {
			a->bad_status = st;
			a->bad++;
		}
		a->ids[i] = valid && st == 201 ? iget(r.json, "id") : 0;
		hq_resp_free(&r);
	}
	return NULL;
}

static int64_t
count_of(const char *sql)
{
	struct db *db = db_pool_reader(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (!db_prepare_once(db, &st, sql, &e) && !db_step_row(&st, &e))
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_release(srv.pool, db);
	return n;
}

static void
concurrent_writes_stand_alone_in_shared_commits(void **state)
{
	struct cw_arg args[CW_THREADS];
	pthread_t th[CW_THREADS];
	struct err e = { 0 };
	int64_t bad = 0, records = 0, ok = 0;

	(void)state;
	for (int k = 0; k < CW_THREADS; k++) {
		memset(&args[k], 0, sizeof(args[k]));
		args[k].thread = k;
		hq_sign_in(&srv, &args[k].c, "staff");
	}
	for (int k = 0; k < CW_THREADS; k++)
		assert_int_equal(pthread_create(&th[k], NULL, cw_writer, &args[k]), 0);
	for (int k = 0; k < CW_THREADS; k++) {
		pthread_join(th[k], NULL);
		if (args[k].bad)
			fail_msg("%d unexpected answers, e.g. %ld", args[k].bad, args[k].bad_status);
		for (int i = 0; i < CW_EACH; i += 2) {
			struct hq_resp r;
			char path[64];

			snprintf(path, sizeof(path), "/api/v1/workorders/%lld",
				 (long long)args[k].ids[i]);
			assert_int_equal(hq_req(&srv, &args[k].c, "GET", path, NULL, &r), 200);
			hq_resp_free(&r);
			ok++;
		}
		hq_client_free(&args[k].c);
	}
	assert_int_equal(count_of("SELECT COUNT(*) FROM workorder WHERE title LIKE '同批%'"), ok);
	assert_int_equal(count_of("SELECT COUNT(DISTINCT code) FROM workorder"
				  " WHERE title LIKE '同批%'"), ok);
	assert_int_equal(count_of("SELECT COUNT(*) FROM wo_event v JOIN workorder w"
				  " ON w.id = v.workorder_id WHERE w.title LIKE '同批%'"), ok);
	assert_int_equal(count_of("SELECT COUNT(*) FROM audit_log a JOIN workorder w"
				  " ON a.entity = 'workorder' AND a.entity_id = w.id"
				  " AND a.action = 'create' WHERE w.title LIKE '同批%'"), ok);
	struct db *db = db_pool_reader(srv.pool);
	assert_int_equal(aud_verify(db, &bad, &records, &e), 0);
	db_pool_release(srv.pool, db);
	assert_int_equal(bad, 0);
}

/*
** Codes number each day's orders 1, 2, ... from code_seq (series WO); a day whose
** codes were written without it (before migration 0010) carries on from
** their highest number.
*/
static void
codes_continue_the_days_numbers(void **state)
{
	struct hq_client staff;
	struct db *db;
	struct err e = { 0 };
	int64_t a, b, c;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	a = create(&staff, "编号一", "normal", fx.cat, fx.room);
	b = create(&staff, "编号二", "normal", fx.cat, fx.room);
	assert_int_equal(code_number(b), code_number(a) + 1);
	db = db_pool_writer(srv.pool);
	if (db_begin_write(db, &e) || db_exec(db, sql_forget_code_seq, &e) || db_commit(db, &e))
		fail_msg("forget: %s", e.msg);
	db_pool_writer_unlock(srv.pool);
	c = create(&staff, "编号三", "normal", fx.cat, fx.room);
	assert_int_equal(code_number(c), code_number(b) + 1);
	hq_client_free(&staff);
}

/* ---------- no silent caps (issue #10) ---------- */

#define CROWD 300

static const char sql_crowd_rows[] =
	"SELECT COUNT(*), COUNT(DISTINCT n.user_id) FROM notification n JOIN app_user u"
	" ON u.id = n.user_id WHERE n.entity = 'workorder' AND n.entity_id = :id"
	" AND n.kind = :kind AND u.username LIKE :prefix || '%'";
static const char sql_crew_join[] =
	"INSERT INTO wo_team_member (agency_id, team_id, user_id)"
	" SELECT agency_id, :id, id FROM app_user WHERE username LIKE 'm_crew%'";
static const char sql_team_size[] = "SELECT COUNT(*) FROM wo_team_member WHERE team_id = :id";

/* Notifications of kind about order id for users named prefix*; *users: how many users. */
static int64_t
crowd_rows(int64_t id, const char *kind, const char *prefix, int64_t *users)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	*users = -1;
	if (!db_prepare(db, &st, sql_crowd_rows, &e) && !db_bind_i64(&st, ":id", id, &e) &&
	    !db_bind_text(&st, ":kind", kind, &e) && !db_bind_text(&st, ":prefix", prefix, &e) &&
	    db_step(&st, &e) == 1) {
		n = db_col_i64(&st, 0);
		*users = db_col_i64(&st, 1);
	}
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	return n;
}

/*
** In an agency of its own (the crowds would slow every other test): 300
** more office users all hear of a new order; a team of 300 more workers
** (plus its first member) all get the dispatch to the team, each once; the
** teams list shows every member. Once cut at 64 (200 for the list).
*/
static void
notices_reach_every_member_of_a_crowd(void **state)
{
	static const char *const some[] = { "m_crew1", "m_crew150", "m_crew300" };
	struct hq_client staff, office, crew;
	struct hq_agency ag;
	struct hq_wo w;
	struct hq_resp r;
	struct stmt st = { 0 };
	struct err e = { 0 };
	struct db *db;
	int64_t id, once;
	char body[128];
	size_t i;
	json_t *t = NULL;

	(void)state;
	hq_fixture_agency(&srv, "众多机关", "m_", &ag);
	hq_wo_fixture_agency(&srv, ag.agency_id, "m_worker", &w);
	hq_fixture_users(&srv, ag.agency_id, ag.office_dept_id, "m_desk", "office,staff", CROWD,
			 NULL);
	hq_fixture_users(&srv, ag.agency_id, ag.office_dept_id, "m_crew", "worker,staff", CROWD,
			 NULL);
	/* rows, as hq_wo_fixture makes its team (one team PUT takes at most 200 ids) */
	db = db_pool_writer(srv.pool);
	if (db_begin_write(db, &e) || db_exec_id(db, sql_crew_join, w.team, &e) ||
	    db_prepare(db, &st, sql_team_size, &e) || db_bind_i64(&st, ":id", w.team, &e) ||
	    db_step_row(&st, &e))
		fail_msg("crew: %s", e.msg);
	assert_int_equal(db_col_i64(&st, 0), CROWD + 1);
	db_finalize(&st);
	if (db_commit(db, &e))
		fail_msg("crew: %s", e.msg);
	db_pool_writer_unlock(srv.pool);
	hq_sign_in(&srv, &staff, "m_staff");
	hq_sign_in(&srv, &office, "m_office");

	id = create(&staff, "大楼停水", "normal", w.cat, w.room);
	assert_int_equal(crowd_rows(id, "wo.submitted", "m_desk", &once), CROWD);
	assert_int_equal(once, CROWD);	/* each once */
	assert_int_equal(crowd_rows(id, "wo.submitted", "m_office", &once), 1);
	assert_int_equal(crowd_rows(id, "wo.submitted", "m_staff", &once), 0);	/* the actor */

	act_ok(&office, id, "accept", NULL, 200, NULL);
	snprintf(body, sizeof(body), "{\"team_id\":%lld}", (long long)w.team);
	act_ok(&office, id, "dispatch", body, 200, NULL);
	assert_int_equal(crowd_rows(id, "wo.assigned", "m_crew", &once), CROWD);
	assert_int_equal(once, CROWD);	/* each once */
	assert_int_equal(crowd_rows(id, "wo.assigned", "m_worker", &once), 1);
	assert_int_equal(crowd_rows(id, "wo.assigned", "m_office", &once), 0);	/* the actor */
	for (i = 0; i < sizeof(some) / sizeof(some[0]); i++) {
		hq_sign_in(&srv, &crew, some[i]);
		assert_int_equal(inbox_count(&crew, "wo.assigned"), 1);
		hq_client_free(&crew);
	}
	hq_sign_in(&srv, &crew, "m_desk300");
	assert_int_equal(inbox_count(&crew, "wo.submitted"), 1);
	hq_client_free(&crew);

	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/workorder-teams", NULL, &r), 200);
	json_array_foreach(json_object_get(r.json, "items"), i, t)
		if (iget(t, "id") == w.team)
			break;
	assert_non_null(t);
	assert_int_equal(iget(t, "id"), w.team);
	assert_int_equal(json_array_size(json_object_get(t, "members")), CROWD + 1);
	hq_resp_free(&r);
	hq_client_free(&staff);
	hq_client_free(&office);
}

/* Acting on an order reads what its actor was told about it, and nothing else (#13 item 5). */
static void
acting_on_an_order_reads_its_notifications(void **state)
{
	struct hq_client staff, office, worker;
	char body[96];
	int64_t id, other;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");
	id = create(&staff, "门锁坏了", "normal", fx.cat, fx.room);
	other = create(&staff, "窗户漏风", "normal", fx.cat, fx.room);
	assert_true(unread_about(&office, id) >= 1);
	assert_true(unread_about(&office, other) >= 1);
	act_ok(&office, id, "accept", NULL, 200, NULL);
	assert_int_equal(unread_about(&office, id), 0);
	assert_true(unread_about(&office, other) >= 1);	/* another order: still unread */
	snprintf(body, sizeof(body), "{\"worker_id\":%lld}", (long long)fx.worker);
	act_ok(&office, id, "dispatch", body, 200, NULL);
	assert_true(unread_about(&worker, id) >= 1);
	act_ok(&worker, id, "start", NULL, 200, NULL);
	assert_int_equal(unread_about(&worker, id), 0);
	hq_client_free(&staff);
	hq_client_free(&office);
	hq_client_free(&worker);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_life_cycle_for_every_role),
		cmocka_unit_test(acting_on_an_order_reads_its_notifications),
		cmocka_unit_test(every_transition_is_audited),
		cmocka_unit_test(transfer_moves_to_another_worker_or_team),
		cmocka_unit_test(cancel_rules),
		cmocka_unit_test(concurrent_accepts_exactly_one_wins),
		cmocka_unit_test(bad_input_is_400_with_fields_and_writes_nothing),
		cmocka_unit_test(photos_on_create_and_resolve),
		cmocka_unit_test(visibility_by_role),
		cmocka_unit_test(export_csv_has_chinese_headers_and_labels),
		cmocka_unit_test(urgent_order_goes_to_the_worker_on_duty),
		cmocka_unit_test(urgent_auto_dispatch_is_the_dispatch_move),
		cmocka_unit_test(categories_and_teams_admin),
		cmocka_unit_test(forbidden_roles_get_403),
		cmocka_unit_test(stale_updated_at_is_409),
		cmocka_unit_test(setup_puts_need_the_updated_at_they_read),
		cmocka_unit_test(list_scopes_filters_and_sort),
		cmocka_unit_test(list_totals_match_the_orders),
		cmocka_unit_test(codes_continue_the_days_numbers),
		cmocka_unit_test(team_dispatch_reopen_and_expiry),
		cmocka_unit_test(concurrent_writes_stand_alone_in_shared_commits),
		cmocka_unit_test(notices_reach_every_member_of_a_crowd),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
