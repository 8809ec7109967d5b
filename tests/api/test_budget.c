/*
** tests/api/test_budget.c: 经费 classes, budget lines and a line's ledger end
** to end, on either backend (HOUQIN_TEST_BACKEND): who may write and read
** (a department head only their department's lines), bad input, filters,
** paging, export, the ledger after engine calls, and 20 parallel commitments
** on connections of their own against a `stop` line with room for 10: exactly
** 10 succeed and 10 get over_budget, never an overdraft.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/auth.h"
#include "core/budget.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client fin, head, staff;
static int64_t cls_travel, cls_reception, line1, line2;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_sign_in(&srv, &fin, "finance");
	hq_sign_in(&srv, &head, "dept_head");
	hq_sign_in(&srv, &staff, "staff");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&fin);
	hq_client_free(&head);
	hq_client_free(&staff);
	hq_stop(&srv);
	return 0;
}

/* POST body as c; the status must be want; returns the new id (0 when not 201). */
static int64_t
post(struct hq_client *c, const char *path, long want, const char *body, const char *code)
{
	json_t *j = hq_expect(&srv, c, "POST", path, body, want, code);
	int64_t id = want == 201 ? json_integer_value(json_object_get(j, "id")) : 0;

	json_decref(j);
	return id;
}

/* GET path as c: the status must be want; returns the body (caller frees) for a 200. */
static json_t *
get(struct hq_client *c, const char *path, long want)
{
	json_t *j = hq_expect(&srv, c, "GET", path, NULL, want, NULL);

	if (want != 200) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static int64_t
total_of(struct hq_client *c, const char *path)
{
	json_t *j = get(c, path, 200);
	int64_t n = json_integer_value(json_object_get(j, "total"));

	assert_int_equal(json_array_size(json_object_get(j, "items")), n < 200 ? n : 200);
	json_decref(j);
	return n;
}

/* The id of the class with code in GET /budget-classes (the agency's seeded ones). */
static int64_t
class_id(const char *code)
{
	json_t *j = get(&staff, "/api/v1/budget-classes", 200), *it;
	int64_t id = 0;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, it)
		if (strcmp(json_string_value(json_object_get(it, "code")), code) == 0)
			id = json_integer_value(json_object_get(it, "id"));
	json_decref(j);
	if (!id)
		fail_msg("no class %s", code);
	return id;
}

static void
classes_finance_writes_everyone_reads(void **state)
{
	(void)state;
	/* a new agency starts with the 15 standard classes (budget's agency_init) */
	assert_int_equal(total_of(&staff, "/api/v1/budget-classes"), 15);
	cls_travel = class_id("30211");
	cls_reception = class_id("30217");
	post(&fin, "/api/v1/budget-classes", 201,
	     "{\"code\":\"30299\",\"name\":\"其他商品和服务支出\"}", NULL);
	post(&fin, "/api/v1/budget-classes", 409, "{\"code\":\"30211\",\"name\":\"又一个\"}",
	     "duplicate");
	post(&fin, "/api/v1/budget-classes", 400, "{\"name\":\"无编码\"}", NULL);
	post(&staff, "/api/v1/budget-classes", 403, "{\"code\":\"1\",\"name\":\"x\"}", NULL);
	post(&head, "/api/v1/budget-classes", 403, "{\"code\":\"1\",\"name\":\"x\"}", NULL);
	assert_int_equal(total_of(&staff, "/api/v1/budget-classes"), 16);
}

static void
lines_rules(void **state)
{
	char body[256];

	(void)state;
	snprintf(body, sizeof(body), "{\"year\":2026,\"department_id\":%lld,\"class_id\":%lld,"
		 "\"amount_fen\":5000000}", (long long)srv.dept1_id, (long long)cls_travel);
	line1 = post(&fin, "/api/v1/budget-lines", 201, body, NULL);
	post(&fin, "/api/v1/budget-lines", 409, body, "duplicate");
	post(&head, "/api/v1/budget-lines", 403, body, NULL);
	snprintf(body, sizeof(body), "{\"year\":2026,\"department_id\":%lld,\"class_id\":%lld,"
		 "\"amount_fen\":300000,\"control\":\"warn\"}", (long long)srv.dept2_id,
		 (long long)cls_reception);
	line2 = post(&fin, "/api/v1/budget-lines", 201, body, NULL);
	snprintf(body, sizeof(body), "{\"year\":2026,\"department_id\":%lld,\"class_id\":99999,"
		 "\"amount_fen\":1}", (long long)srv.dept1_id);
	post(&fin, "/api/v1/budget-lines", 400, body, NULL);
	snprintf(body, sizeof(body), "{\"year\":2026,\"department_id\":%lld,\"class_id\":%lld,"
		 "\"amount_fen\":-1}", (long long)srv.dept2_id, (long long)cls_travel);
	post(&fin, "/api/v1/budget-lines", 400, body, NULL);
	snprintf(body, sizeof(body), "{\"year\":1999,\"department_id\":%lld,\"class_id\":%lld,"
		 "\"amount_fen\":1}", (long long)srv.dept2_id, (long long)cls_travel);
	post(&fin, "/api/v1/budget-lines", 400, body, NULL);
	snprintf(body, sizeof(body), "{\"year\":2026,\"department_id\":%lld,\"class_id\":%lld,"
		 "\"amount_fen\":1,\"control\":\"maybe\"}", (long long)srv.dept2_id,
		 (long long)cls_travel);
	post(&fin, "/api/v1/budget-lines", 400, body, NULL);
	post(&fin, "/api/v1/budget-lines", 400,
	     "{\"year\":2026,\"department_id\":999999,\"class_id\":1,\"amount_fen\":1}", NULL);
}

static void
lines_read_scope(void **state)
{
	static const char *const readers[] = { "finance", "leader", "supervisor", "office" };
	char path[160];
	json_t *j;

	(void)state;
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		struct hq_client c;
		hq_sign_in(&srv, &c, readers[i]);
		assert_int_equal(total_of(&c, "/api/v1/budget-lines"), 2);
		hq_client_free(&c);
	}
	get(&staff, "/api/v1/budget-lines", 403);
	j = get(&head, "/api/v1/budget-lines", 200);	/* only 一处's */
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
				 json_object_get(j, "items"), 0), "id")), line1);
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/budget-lines?department_id=%lld",
		 (long long)srv.dept2_id);
	assert_int_equal(total_of(&head, path), 0);
	snprintf(path, sizeof(path), "/api/v1/budget-lines/%lld/entries", (long long)line2);
	get(&head, path, 404);
	get(&staff, path, 403);
	assert_int_equal(total_of(&fin, "/api/v1/budget-lines?year=2025"), 0);
	snprintf(path, sizeof(path), "/api/v1/budget-lines?class_id=%lld", (long long)cls_reception);
	assert_int_equal(total_of(&fin, path), 1);
	j = get(&fin, "/api/v1/budget-lines?per_page=1&page=2", 200);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	get(&fin, "/api/v1/budget-lines?year=abc", 400);
}

/* The engine as another module calls it: in a write transaction on the server's writer. */
static int
engine(int64_t line, int spend, int64_t amount, int64_t source, struct err *e)
{
	struct actor who = { .id = hq_user_id(&srv, "finance"), .agency_id = srv.agency_id,
			     .department_id = srv.office_dept_id, .roles = ROLE_FINANCE,
			     .ip = "test", .username = "finance" };
	struct budget_src src = { "test", source, spend ? "记-2026-0042" : NULL,
				  spend ? "某宾馆" : NULL, 0 };
	struct budget_result r;
	struct db *db = db_pool_writer(srv.pool);
	int rc = db_begin_write(db, e);

	if (!rc)
		rc = spend ? budget_spend(db, &who, line, amount, &src, &r, e)
			   : budget_commit(db, &who, line, amount, &src, &r, e);
	if (!rc)
		rc = db_commit(db, e);
	else if (db_in_tx(db))
		db_rollback(db);
	db_pool_writer_unlock(srv.pool);
	return rc;
}

static void
ledger_shows_the_engine_rows(void **state)
{
	struct err e = { 0 };
	char path[160];
	json_t *j, *first;

	(void)state;
	assert_int_equal(engine(line1, 0, 120000, 501, &e), 0);
	assert_int_equal(engine(line1, 1, 100000, 501, &e), 0);
	snprintf(path, sizeof(path), "/api/v1/budget-lines/%lld/entries", (long long)line1);
	j = get(&head, path, 200);	/* a department head reads their own line's ledger */
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 3);
	first = json_array_get(json_object_get(j, "items"), 0);	/* newest: the spend */
	assert_string_equal(json_string_value(json_object_get(first, "kind")), "spend");
	assert_string_equal(json_string_value(json_object_get(first, "voucher_no")),
			    "记-2026-0042");
	assert_string_equal(json_string_value(json_object_get(first, "source_module")), "test");
	json_decref(j);
	get(&fin, "/api/v1/budget-lines?department_id=0", 400);
	j = get(&head, "/api/v1/budget-lines", 200);
	first = json_array_get(json_object_get(j, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(first, "committed_fen")), 20000);
	assert_int_equal(json_integer_value(json_object_get(first, "spent_fen")), 100000);
	assert_int_equal(json_integer_value(json_object_get(first, "available_fen")), 4880000);
	json_decref(j);
	/* every row audited on the line: create, commit, release + spend */
	snprintf(path, sizeof(path), "/api/v1/history/budget_line/%lld", (long long)line1);
	assert_int_equal(total_of(&fin, path), 4);
}

static void
export_is_csv(void **state)
{
	struct hq_resp r;

	(void)state;
	assert_int_equal(hq_req(&srv, &fin, "GET", "/api/v1/budget-lines?format=csv", NULL, &r),
			 200);
	assert_non_null(r.body);
	assert_non_null(strstr(r.body, "可用（元）"));
	assert_non_null(strstr(r.body, "48800.00"));	/* line1's available, in yuan */
	assert_non_null(strstr(r.body, "差旅费"));
	hq_resp_free(&r);
}

/* 结账: finance closes a month up to the current one, once; everyone who reads lines sees it. */
static void
periods_close(void **state)
{
	json_t *j, *m;
	int64_t now = now_ms();
	int this = budget_period_of(now);
	int next = this % 100 == 12 ? this + 89 : this + 1;
	char path[96];

	(void)state;
	snprintf(path, sizeof(path), "/api/v1/budget/periods/%d/close", this);
	post(&staff, path, 403, "{}", NULL);
	post(&head, path, 403, "{}", NULL);
	post(&fin, path, 200, "{}", NULL);
	post(&fin, path, 409, "{}", "already_closed");
	snprintf(path, sizeof(path), "/api/v1/budget/periods/%d/close", next);
	post(&fin, path, 400, "{}", NULL);
	post(&fin, "/api/v1/budget/periods/202613/close", 400, "{}", NULL);
	post(&fin, "/api/v1/budget/periods/abc/close", 404, "{}", NULL);
	snprintf(path, sizeof(path), "/api/v1/budget/periods?year=%d", this / 100);
	j = get(&head, path, 200);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 12);
	m = json_array_get(json_object_get(j, "items"), (size_t)(this % 100 - 1));
	assert_true(json_is_true(json_object_get(m, "closed")));
	assert_int_equal(json_integer_value(json_object_get(m, "closed_by")),
			 hq_user_id(&srv, "finance"));
	assert_true(json_is_false(json_object_get(json_array_get(json_object_get(j, "items"),
			     (size_t)(this % 100 == 1 ? 1 : 0)), "closed")));
	json_decref(j);
	get(&staff, path, 403);
}

/* ---------- 20 parallel commitments, room for 10 ---------- */

#define RACERS 20

struct racer {
	pthread_barrier_t *go;
	int64_t line, user, source;
	int rc;
	const char *slug;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	struct actor who = { .id = r->user, .agency_id = srv.agency_id, .roles = ROLE_FINANCE,
			     .ip = "test", .username = "finance" };
	struct budget_src src = { "race", r->source, NULL, NULL, 0 };
	struct budget_result res;
	struct err e = { 0 };
	struct db *db = NULL;

	r->rc = db_open(srv.db_path, 0, &db, &e);
	pthread_barrier_wait(r->go);
	if (!r->rc)
		r->rc = db_begin_write(db, &e) ||
				budget_commit(db, &who, r->line, 1000, &src, &res, &e) ||
				db_commit(db, &e) ? e.code : 0;
	if (r->rc && db && db_in_tx(db))
		db_rollback(db);
	r->slug = r->rc ? e.slug : NULL;
	db_close(db);
	return NULL;
}

static void
parallel_commitments_never_overdraw(void **state)
{
	struct racer rs[RACERS];
	pthread_t th[RACERS];
	pthread_barrier_t go;
	int ok = 0, over = 0;
	char body[256], path[160];
	int64_t line;
	json_t *j;

	(void)state;
	snprintf(body, sizeof(body), "{\"year\":2027,\"department_id\":%lld,\"class_id\":%lld,"
		 "\"amount_fen\":10000}", (long long)srv.dept1_id, (long long)cls_travel);
	line = post(&fin, "/api/v1/budget-lines", 201, body, NULL);
	pthread_barrier_init(&go, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		rs[i] = (struct racer){ &go, line, hq_user_id(&srv, "finance"), 1000 + i, -1, NULL };
		assert_int_equal(pthread_create(&th[i], NULL, race, &rs[i]), 0);
	}
	for (int i = 0; i < RACERS; i++) {
		pthread_join(th[i], NULL);
		if (rs[i].rc == 0)
			ok++;
		else if (rs[i].rc == ERR_RULE && rs[i].slug && !strcmp(rs[i].slug, "over_budget"))
			over++;
		else
			fail_msg("racer %d: %d %s", i, rs[i].rc, rs[i].slug ? rs[i].slug : "");
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(ok, 10);
	assert_int_equal(over, 10);
	snprintf(path, sizeof(path), "/api/v1/budget-lines?year=2027");
	j = get(&fin, path, 200);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(j, "items"), 0), "available_fen")), 0);
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/budget-lines/%lld/entries", (long long)line);
	assert_int_equal(total_of(&fin, path), 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classes_finance_writes_everyone_reads),
		cmocka_unit_test(lines_rules),
		cmocka_unit_test(lines_read_scope),
		cmocka_unit_test(ledger_shows_the_engine_rows),
		cmocka_unit_test(export_is_csv),
		cmocka_unit_test(parallel_commitments_never_overdraw),
		cmocka_unit_test(periods_close),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
