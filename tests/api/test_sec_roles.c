/*
** tests/api/test_sec_roles.c: the supervisor (纪检监察) and the auditor only
** read; a worker never judges their own work (issue #11, item 1).
**   - invariant over every route of modules_routes(): no R_WRITE route lists
**     supervisor or auditor; the ANY_USER write routes are an explicit,
**     reasoned allow-list (a new one fails here until someone says why);
**   - a supervisor who is also staff files and follows their own orders as
**     staff, and gets no write on orders they only see as supervisor;
**   - a pure supervisor uploads nothing (uploads attach to business records);
**   - the worker who resolved an order cannot confirm or rate it, even as
**     its requester: 403 "own_work", and "confirm" is not offered.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/harness.h"
#include "core/auth.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"
#include "modules.h"
#include "core/err.h"
#include "db/db.h"

static struct hq_server srv;
static struct hq_wo fx;

/*
** Write routes open to every signed-in user, and why that does not let a
** supervisor or auditor change business records.
*/
static const struct {
	const char *method, *pattern, *why;
} any_user_writes[] = {
	{ "POST", "/api/v1/session", "login: public" },
	{ "DELETE", "/api/v1/session", "logout: own session only" },
	{ "PUT", "/api/v1/me/language", "own preference" },
	{ "PUT", "/api/v1/me/password", "own credential" },
	{ "POST", "/api/v1/tokens", "own API token (it carries the owner's roles, no more)" },
	{ "DELETE", "/api/v1/tokens/:id", "own token revocation" },
	{ "POST", "/api/v1/notifications/:id/read", "own inbox only (scoped by user id)" },
	{ "POST", "/api/v1/notifications/read-all", "own inbox only (scoped by user id)" },
};

/*
** Writes a supervisor may make, each with its reason: their own records about
** what they oversee, never a change to the business record itself.
*/
static const struct {
	const char *method, *pattern, *why;
} supervisor_writes[] = {
	{ "POST", "/api/v1/trip-flags/:id/review",
	  "公务用车 (#15): the supervisor's own 核查 note on a flag raised for them; the trip, "
	  "vehicle and costs stay as they are" },
};

static int
supervisor_listed(const struct route *r)
{
	for (size_t i = 0; i < sizeof(supervisor_writes) / sizeof(supervisor_writes[0]); i++)
		if (strcmp(supervisor_writes[i].method, r->method) == 0 &&
		    strcmp(supervisor_writes[i].pattern, r->pattern) == 0)
			return !(r->roles & ROLE_AUDITOR);
	return 0;
}

static int
allow_listed(const struct route *r)
{
	for (size_t i = 0; i < sizeof(any_user_writes) / sizeof(any_user_writes[0]); i++)
		if (strcmp(any_user_writes[i].method, r->method) == 0 &&
		    strcmp(any_user_writes[i].pattern, r->pattern) == 0)
			return 1;
	return 0;
}

static void
no_write_route_admits_supervisor_or_auditor(void **state)
{
	const struct route_table *t = modules_routes();
	size_t writes = 0;

	(void)state;
	for (size_t i = 0; i < t->n; i++) {
		const struct route *r = &t->routes[i];
		if (!(r->flags & R_WRITE))
			continue;
		writes++;
		if (r->roles == ANY_USER) {
			if (!allow_listed(r))
				fail_msg("%s %s: a write open to every user (supervisor, auditor "
					 "too); give it roles or allow-list it with a reason",
					 r->method, r->pattern);
			continue;
		}
		if ((r->roles & (ROLE_SUPERVISOR | ROLE_AUDITOR)) && !supervisor_listed(r))
			fail_msg("%s %s: a write route admits the supervisor or the auditor",
				 r->method, r->pattern);
	}
	assert_true(writes > 20);
}

/* ---------- helpers ---------- */

static int64_t
iget(const json_t *j, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(j, key));
}

static int64_t
create(struct hq_client *c)
{
	struct hq_resp r;
	char body[256];
	int64_t id;

	snprintf(body, sizeof(body),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"灯不亮\","
		 "\"priority\":\"normal\"}", (long long)fx.cat, (long long)fx.room);
	if (hq_req(&srv, c, "POST", "/api/v1/workorders", body, &r) != 201)
		fail_msg("create gave %ld: %s", r.status, r.body);
	id = iget(r.json, "id");
	hq_resp_free(&r);
	return id;
}

static void
act_ok(struct hq_client *c, int64_t id, const char *action, const char *body, long want,
       const char *code)
{
	struct hq_resp r;
	char path[128];
	long st;

	snprintf(path, sizeof(path), "/api/v1/workorders/%lld/%s", (long long)id, action);
	st = hq_req(&srv, c, "POST", path, body, &r);
	if (st != want)
		fail_msg("%s on %lld gave %ld (want %ld): %s", action, (long long)id, st, want,
			 r.body);
	if (code)
		assert_string_equal(hq_err_code(&r), code);
	hq_resp_free(&r);
}

/* 1 when GET of the order as c lists action in "allowed". */
static int
offered(struct hq_client *c, int64_t id, const char *action)
{
	struct hq_resp r;
	char path[96];
	json_t *v;
	size_t i;
	int found = 0;

	snprintf(path, sizeof(path), "/api/v1/workorders/%lld", (long long)id);
	assert_int_equal(hq_req(&srv, c, "GET", path, NULL, &r), 200);
	json_array_foreach(json_object_get(r.json, "allowed"), i, v)
		found |= strcmp(json_string_value(v), action) == 0;
	hq_resp_free(&r);
	return found;
}

/* Take order id from submitted to resolved by fx.worker. */
static void
to_resolved(struct hq_client *office, struct hq_client *worker, int64_t id)
{
	char body[64];

	act_ok(office, id, "accept", NULL, 200, NULL);
	snprintf(body, sizeof(body), "{\"worker_id\":%lld}", (long long)fx.worker);
	act_ok(office, id, "dispatch", body, 200, NULL);
	act_ok(worker, id, "start", NULL, 200, NULL);
	act_ok(worker, id, "resolve", "{\"notes\":\"修好了\"}", 200, NULL);
}

static const unsigned char jpeg[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0xff, 0xd9,
};

static long
upload(struct hq_client *c)
{
	struct hq_resp r;
	long st = hq_req_bin(&srv, c, "POST", "/api/v1/attachments?kind=photo",
			     "application/octet-stream", "X-Filename: a.jpg", jpeg, sizeof(jpeg), &r);

	hq_resp_free(&r);
	return st;
}

/* ---------- supervisor ---------- */

static void
supervisor_and_staff_writes_only_as_staff(void **state)
{
	struct hq_client sup, both, staff, office, worker;
	int64_t theirs, mine;

	(void)state;
	hq_fixture_users(&srv, srv.agency_id, srv.dept1_id, "supstaff", "supervisor,staff", 1,
			 NULL);
	hq_sign_in(&srv, &sup, "supervisor");
	hq_sign_in(&srv, &both, "supstaff1");
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");

	/* a pure supervisor reads but uploads nothing and files nothing */
	assert_int_equal(upload(&sup), 403);
	{
		struct hq_resp r;
		char body[256];
		snprintf(body, sizeof(body),
			 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"x\"}",
			 (long long)fx.cat, (long long)fx.room);
		assert_int_equal(hq_req(&srv, &sup, "POST", "/api/v1/workorders", body, &r), 403);
		hq_resp_free(&r);
	}

	/* as staff: files, uploads and cancels their own order */
	assert_int_equal(upload(&both), 201);
	mine = create(&both);
	act_ok(&both, mine, "cancel", "{\"reason\":\"不需要了\"}", 200, NULL);

	/* another's order: visible as supervisor, but no move on it */
	theirs = create(&staff);
	assert_false(offered(&both, theirs, "cancel"));
	act_ok(&both, theirs, "cancel", "{\"reason\":\"x\"}", 403, "not_yours");
	act_ok(&both, theirs, "accept", NULL, 403, "not_yours");
	act_ok(&sup, theirs, "cancel", "{\"reason\":\"x\"}", 403, "forbidden");
	to_resolved(&office, &worker, theirs);
	assert_false(offered(&both, theirs, "confirm"));
	act_ok(&both, theirs, "confirm", "{\"rating\":1}", 403, "not_yours");
	act_ok(&both, theirs, "reopen", "{\"reason\":\"x\"}", 403, "not_yours");
	act_ok(&staff, theirs, "confirm", "{\"rating\":5}", 200, NULL);

	hq_client_free(&sup);
	hq_client_free(&both);
	hq_client_free(&staff);
	hq_client_free(&office);
	hq_client_free(&worker);
}

/* ---------- own work ---------- */

static void
worker_cannot_confirm_own_work(void **state)
{
	struct hq_client office, worker;
	int64_t id;

	(void)state;
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");	/* worker,staff: may file orders too */
	id = create(&worker);
	to_resolved(&office, &worker, id);
	/* requester and resolver at once: no confirm, no rating */
	assert_false(offered(&worker, id, "confirm"));
	act_ok(&worker, id, "confirm", "{\"rating\":5,\"comment\":\"我修得真好\"}", 403,
	       "own_work");
	/* asking for rework of one's own fix is no self-judgement: still allowed */
	assert_true(offered(&worker, id, "reopen"));
	hq_client_free(&office);
	hq_client_free(&worker);
}

static const char sql_join_team[] =
	"INSERT INTO wo_team_member (agency_id, team_id, user_id) VALUES (:agency, :team, :user)";

/* user joins fx.team (written directly: the team API is not what is tested here). */
static void
join_team(int64_t user)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int rc = db_prepare(db, &st, sql_join_team, &e) ||
		 db_bind_i64(&st, ":agency", srv.agency_id, &e) ||
		 db_bind_i64(&st, ":team", fx.team, &e) || db_bind_i64(&st, ":user", user, &e) ||
		 db_step_done(&st, &e) ? e.code : 0;

	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("join team: %s", e.msg);
}

/* A past resolver stays one: after a reopen and a transfer, they still cannot confirm. */
static void
past_resolver_cannot_confirm(void **state)
{
	struct hq_client office, worker, crew;
	int64_t id, crew_id;
	char body[96];

	(void)state;
	hq_fixture_users(&srv, srv.agency_id, srv.office_dept_id, "crew", "worker,staff", 1,
			 &crew_id);
	join_team(crew_id);
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &worker, "worker");
	hq_sign_in(&srv, &crew, "crew1");
	id = create(&worker);
	to_resolved(&office, &worker, id);
	act_ok(&worker, id, "reopen", "{\"reason\":\"又坏了\"}", 200, NULL);
	snprintf(body, sizeof(body), "{\"worker_id\":%lld,\"reason\":\"换人\"}",
		 (long long)crew_id);
	act_ok(&office, id, "transfer", body, 200, NULL);
	act_ok(&crew, id, "start", NULL, 200, NULL);
	act_ok(&crew, id, "resolve", "{\"notes\":\"再修\"}", 200, NULL);
	assert_false(offered(&worker, id, "confirm"));
	act_ok(&worker, id, "confirm", "{\"rating\":5}", 403, "own_work");
	hq_client_free(&office);
	hq_client_free(&worker);
	hq_client_free(&crew);
}

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_write_route_admits_supervisor_or_auditor),
		cmocka_unit_test(supervisor_and_staff_writes_only_as_staff),
		cmocka_unit_test(worker_cannot_confirm_own_work),
		cmocka_unit_test(past_resolver_cannot_confirm),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
