/*
** tests/api/test_budget_adjust.c: 经费 adjustments, warnings and reminders end
** to end, on either backend (HOUQIN_TEST_BACKEND): 追加/调减/调剂 requested by
** finance and written only when a leader approves (the new agency's default
** rule), a stop line refusing a cut beyond its available amount at submission,
** a rejection writing nothing, who may request and read; the engine's own
** notifications (a warn line's overdraft to finance, 80 %/100 % to the
** department head exactly once each); the mid-year reminder job once a year.
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
#include "modules/budget/budget.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client fin, head, staff, leader;
static int64_t year, line_a, line_b, line_next, line_w;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_sign_in(&srv, &fin, "finance");
	hq_sign_in(&srv, &head, "dept_head");
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &leader, "leader");
	year = budget_period_of(now_ms()) / 100;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&fin);
	hq_client_free(&head);
	hq_client_free(&staff);
	hq_client_free(&leader);
	hq_stop(&srv);
	return 0;
}

static int64_t
int_of(json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

static int64_t
class_id(const char *code)
{
	json_t *j = hq_expect(&srv, &fin, "GET", "/api/v1/budget-classes", NULL, 200, NULL), *it;
	int64_t id = 0;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, it)
		if (strcmp(json_string_value(json_object_get(it, "code")), code) == 0)
			id = int_of(it, "id");
	json_decref(j);
	return id;
}

static int64_t
new_line(int64_t y, int64_t dept, const char *cls, int64_t fen, const char *control)
{
	char body[256];
	json_t *j;
	int64_t id;

	snprintf(body, sizeof(body), "{\"year\":%lld,\"department_id\":%lld,\"class_id\":%lld,"
		 "\"amount_fen\":%lld,\"control\":\"%s\"}", (long long)y, (long long)dept,
		 (long long)class_id(cls), (long long)fen, control);
	j = hq_expect(&srv, &fin, "POST", "/api/v1/budget-lines", body, 201, NULL);
	id = int_of(j, "id");
	json_decref(j);
	return id;
}

/* The line's figure key (adjusted_fen, available_fen, ...), as finance reads it. */
static int64_t
line_fig(int64_t line, const char *key)
{
	char path[96];
	json_t *j, *it;
	int64_t v = -1;
	size_t i;

	snprintf(path, sizeof(path), "/api/v1/budget-lines?per_page=100");
	j = hq_expect(&srv, &fin, "GET", path, NULL, 200, NULL);
	json_array_foreach(json_object_get(j, "items"), i, it)
		if (int_of(it, "id") == line)
			v = int_of(it, key);
	json_decref(j);
	return v;
}

/* POST an adjustment of line; returns its JSON (201) or NULL. */
static json_t *
request(struct hq_client *c, int64_t line, const char *body, long want, const char *code)
{
	char path[96];
	json_t *j;

	snprintf(path, sizeof(path), "/api/v1/budget-lines/%lld/adjustments", (long long)line);
	j = hq_expect(&srv, c, "POST", path, body, want, code);
	if (want != 201) {
		json_decref(j);
		return NULL;
	}
	assert_string_equal(json_string_value(json_object_get(j, "status")), "pending");
	assert_true(int_of(j, "approval_id") > 0);
	return j;
}

static void
decide(json_t *adj, const char *decision, long want, const char *code)
{
	char path[96];

	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision",
		 (long long)int_of(adj, "approval_id"));
	json_decref(hq_expect(&srv, &leader, "POST", path, decision[0] == 'a' ? "{\"decision\":\"approve\"}"
			 : "{\"decision\":\"reject\",\"comment\":\"不同意\"}", want, code));
}

static void
lines(void **state)
{
	(void)state;
	line_a = new_line(year, srv.dept1_id, "30211", 1000000, "stop");
	line_b = new_line(year, srv.dept2_id, "30215", 500000, "stop");
	line_next = new_line(year + 1, srv.dept2_id, "30211", 100000, "stop");
	line_w = new_line(year, srv.dept1_id, "30217", 100000, "warn");
}

static void
bad_requests(void **state)
{
	char body[160];

	(void)state;
	request(&staff, line_a, "{\"kind\":\"add\",\"amount_fen\":1,\"reason\":\"x\"}", 403, NULL);
	request(&head, line_a, "{\"kind\":\"add\",\"amount_fen\":1,\"reason\":\"x\"}", 403, NULL);
	request(&fin, line_a, "{\"kind\":\"add\",\"amount_fen\":0,\"reason\":\"x\"}", 400, NULL);
	request(&fin, line_a, "{\"kind\":\"add\",\"amount_fen\":-5,\"reason\":\"x\"}", 400, NULL);
	request(&fin, line_a, "{\"kind\":\"add\",\"amount_fen\":5,\"reason\":\" \"}", 400, NULL);
	request(&fin, line_a, "{\"kind\":\"more\",\"amount_fen\":5,\"reason\":\"x\"}", 400, NULL);
	request(&fin, line_a, "{\"kind\":\"transfer\",\"amount_fen\":5,\"reason\":\"x\"}", 400,
		NULL);
	request(&fin, 999999, "{\"kind\":\"add\",\"amount_fen\":5,\"reason\":\"x\"}", 404, NULL);
	snprintf(body, sizeof(body), "{\"kind\":\"transfer\",\"amount_fen\":5,\"reason\":\"x\","
		 "\"to_line_id\":%lld}", (long long)line_a);
	request(&fin, line_a, body, 400, NULL);	/* to itself */
	snprintf(body, sizeof(body), "{\"kind\":\"transfer\",\"amount_fen\":5,\"reason\":\"x\","
		 "\"to_line_id\":%lld}", (long long)line_next);
	request(&fin, line_a, body, 422, "other_year");
	request(&fin, line_a, "{\"kind\":\"transfer\",\"amount_fen\":5,\"reason\":\"x\","
		"\"to_line_id\":999999}", 400, NULL);
	snprintf(body, sizeof(body), "{\"kind\":\"add\",\"amount_fen\":5,\"reason\":\"x\","
		 "\"to_line_id\":%lld}", (long long)line_b);
	request(&fin, line_a, body, 400, NULL);
	/* a stop line refuses a cut beyond its available amount at submission, nothing written */
	request(&fin, line_b, "{\"kind\":\"cut\",\"amount_fen\":500001,\"reason\":\"x\"}", 422,
		"over_budget");
	snprintf(body, sizeof(body), "/api/v1/budget-lines/%lld/adjustments", (long long)line_b);
	json_t *j = hq_expect(&srv, &fin, "GET", body, NULL, 200, NULL);
	assert_int_equal(int_of(j, "total"), 0);
	json_decref(j);
}

static void
add_cut_transfer_through_approval(void **state)
{
	json_t *add, *cut, *tr;
	char body[200];

	(void)state;
	add = request(&fin, line_a, "{\"kind\":\"add\",\"amount_fen\":200000,\"reason\":\"追加差旅\"}",
		      201, NULL);
	assert_int_equal(line_fig(line_a, "adjusted_fen"), 0);	/* pending: nothing yet */
	decide(add, "approve", 200, NULL);
	assert_int_equal(line_fig(line_a, "adjusted_fen"), 200000);
	assert_int_equal(line_fig(line_a, "available_fen"), 1200000);
	cut = request(&fin, line_b, "{\"kind\":\"cut\",\"amount_fen\":100000,\"reason\":\"压减\"}",
		      201, NULL);
	decide(cut, "approve", 200, NULL);
	assert_int_equal(line_fig(line_b, "adjusted_fen"), -100000);
	snprintf(body, sizeof(body), "{\"kind\":\"transfer\",\"amount_fen\":300000,\"reason\":\"调剂\","
		 "\"to_line_id\":%lld}", (long long)line_b);
	tr = request(&fin, line_a, body, 201, NULL);
	assert_non_null(strstr(json_string_value(json_object_get(tr, "to_line_label")), "会议费"));
	decide(tr, "approve", 200, NULL);
	assert_int_equal(line_fig(line_a, "adjusted_fen"), -100000);
	assert_int_equal(line_fig(line_a, "available_fen"), 900000);
	assert_int_equal(line_fig(line_b, "adjusted_fen"), 200000);
	assert_int_equal(line_fig(line_b, "available_fen"), 700000);
	decide(tr, "approve", 409, NULL);	/* settled */
	json_decref(add);
	json_decref(cut);
	json_decref(tr);
}

static void
rejection_writes_nothing(void **state)
{
	char path[96];
	json_t *adj, *j;

	(void)state;
	adj = request(&fin, line_b, "{\"kind\":\"add\",\"amount_fen\":50000,\"reason\":\"再追加\"}",
		      201, NULL);
	decide(adj, "reject", 200, NULL);
	assert_int_equal(line_fig(line_b, "adjusted_fen"), 200000);
	snprintf(path, sizeof(path), "/api/v1/budget-lines/%lld/adjustments", (long long)line_b);
	j = hq_expect(&srv, &fin, "GET", path, NULL, 200, NULL);
	assert_int_equal(int_of(j, "total"), 3);	/* cut, transfer in, the rejected add */
	assert_string_equal(json_string_value(json_object_get(json_array_get(
				    json_object_get(j, "items"), 0), "status")), "rejected");
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/budget-lines/%lld/entries", (long long)line_b);
	j = hq_expect(&srv, &fin, "GET", path, NULL, 200, NULL);
	assert_int_equal(int_of(j, "total"), 2);	/* -100000, +300000 */
	json_decref(j);
	json_decref(adj);
}

static void commit(int64_t line, int64_t amount, int64_t source);

/* Withdrawn: nothing written. Approved when the source no longer has room: the decision fails. */
static void
withdrawal_and_recheck(void **state)
{
	char path[96];
	json_t *adj;

	(void)state;
	adj = request(&fin, line_b, "{\"kind\":\"add\",\"amount_fen\":1000,\"reason\":\"撤回\"}", 201,
		      NULL);
	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/withdraw",
		 (long long)int_of(adj, "approval_id"));
	json_decref(hq_expect(&srv, &fin, "POST", path, "{}", 200, NULL));
	json_decref(adj);
	assert_int_equal(line_fig(line_b, "adjusted_fen"), 200000);
	/* line_b has 700000 available: a cut of all of it, then 1 fen is committed elsewhere */
	adj = request(&fin, line_b, "{\"kind\":\"cut\",\"amount_fen\":700000,\"reason\":\"全部调减\"}",
		      201, NULL);
	commit(line_b, 1, 900);
	decide(adj, "approve", 422, "over_budget");	/* re-checked when written: nothing changes */
	assert_int_equal(line_fig(line_b, "adjusted_fen"), 200000);
	decide(adj, "reject", 200, NULL);
	json_decref(adj);
}

static void
who_reads_adjustments(void **state)
{
	char path[96];
	json_t *j;

	(void)state;
	snprintf(path, sizeof(path), "/api/v1/budget-lines/%lld/adjustments", (long long)line_a);
	j = hq_expect(&srv, &head, "GET", path, NULL, 200, NULL);	/* 一处's line: their own */
	assert_int_equal(int_of(j, "total"), 2);
	json_decref(j);
	json_decref(hq_expect(&srv, &staff, "GET", path, NULL, 403, NULL));
	json_decref(hq_expect(&srv, &leader, "GET", path, NULL, 200, NULL));
	snprintf(path, sizeof(path), "/api/v1/budget-lines/%lld/adjustments", (long long)line_b);
	json_decref(hq_expect(&srv, &head, "GET", path, NULL, 404, NULL));
}

/* Commit amount on line through the engine, as another module would. */
static void
commit(int64_t line, int64_t amount, int64_t source)
{
	struct actor who = { .id = hq_user_id(&srv, "finance"), .agency_id = srv.agency_id,
			     .department_id = srv.office_dept_id, .roles = ROLE_FINANCE,
			     .ip = "test", .username = "finance" };
	struct budget_src src = { "test", source, NULL, NULL, 0 };
	struct budget_result r;
	struct err e = { 0 };
	struct db *db = db_pool_writer(srv.pool);
	int rc = db_begin_write(db, &e) || budget_commit(db, &who, line, amount, &src, &r, &e) ||
		 db_commit(db, &e) ? e.code : 0;

	if (rc && db_in_tx(db))
		db_rollback(db);
	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("commit: %s", e.msg);
}

/* c's notifications of kind whose field (title, body) holds part (NULL: any). */
static int
notes_in(struct hq_client *c, const char *kind, const char *field, const char *part)
{
	json_t *j = hq_expect(&srv, c, "GET", "/api/v1/notifications?per_page=100", NULL, 200, NULL), *it;
	int n = 0;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, it)
		if (!strcmp(json_string_value(json_object_get(it, "kind")), kind) &&
		    (!part || strstr(json_string_value(json_object_get(it, field)), part)))
			n++;
	json_decref(j);
	return n;
}

static int
notes(struct hq_client *c, const char *kind, const char *part)
{
	return notes_in(c, kind, "title", part);
}

static void
engine_notifies(void **state)
{
	(void)state;
	commit(line_w, 70000, 1);	/* 70 % */
	assert_int_equal(notes(&head, "budget.progress", NULL), 0);
	commit(line_w, 15000, 2);	/* 85 %: crosses 80 % */
	assert_int_equal(notes(&head, "budget.progress", "80%"), 1);
	commit(line_w, 1000, 3);	/* still above 80 %: no second notice */
	assert_int_equal(notes(&head, "budget.progress", NULL), 1);
	assert_int_equal(notes(&fin, "budget.overdraft", NULL), 0);
	commit(line_w, 20000, 4);	/* 106 %: 100 % and an overdraft on a warn line */
	assert_int_equal(notes(&head, "budget.progress", "100%"), 1);
	assert_int_equal(notes(&fin, "budget.overdraft", "公务接待费"), 1);
	commit(line_w, 1000, 5);	/* further below zero: finance again, the head not */
	assert_int_equal(notes(&fin, "budget.overdraft", NULL), 2);
	assert_int_equal(notes(&head, "budget.progress", NULL), 2);
	assert_int_equal(notes(&staff, "budget.progress", NULL), 0);
}

static int
run_job(int64_t now, int *done)
{
	struct err e = { 0 };
	struct db *db = db_pool_writer(srv.pool);
	int rc = db_begin_write(db, &e) || bud_midyear_job(db, srv.agency_id, NULL, now, done, &e) ||
		 db_commit(db, &e) ? e.code : 0;

	if (rc && db_in_tx(db))
		db_rollback(db);
	db_pool_writer_unlock(srv.pool);
	return rc;
}

static void
midyear_reminder_once_a_year(void **state)
{
	int64_t jun30 = date_to_days((int)year * 10000 + 630) * DAY_MS - SHANGHAI_OFFSET_MS;
	char body[160];
	json_t *j;
	int done = -1;

	(void)state;
	j = hq_expect(&srv, &head, "GET", "/api/v1/budget/settings", NULL, 200, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "midyear_reminder")), "07-01");
	json_decref(j);
	json_decref(hq_expect(&srv, &head, "PUT", "/api/v1/budget/settings",
			   "{\"midyear_reminder\":\"06-30\"}",
			 403, NULL));
	json_decref(hq_expect(&srv, &fin, "PUT", "/api/v1/budget/settings",
			   "{\"midyear_reminder\":\"02-29\"}",
			 400, NULL));
	json_decref(hq_expect(&srv, &fin, "PUT", "/api/v1/budget/settings", "{\"midyear_reminder\":\"7-1\"}",
			 400, NULL));
	assert_int_equal(run_job(jun30 + DAY_MS - 1, &done), 0);	/* 06-30 23:59 Shanghai */
	assert_int_equal(done, 0);
	assert_int_equal(notes(&head, "budget.midyear", NULL), 0);
	json_decref(hq_expect(&srv, &fin, "PUT", "/api/v1/budget/settings",
			   "{\"midyear_reminder\":\"06-30\"}",
			 200, NULL));
	assert_int_equal(run_job(jun30, &done), 0);	/* 06-30 00:00 Shanghai: due */
	assert_int_equal(done, 1);	/* dept_head, whose 一处 has lines; 二处 has no head */
	assert_int_equal(run_job(jun30 + DAY_MS, &done), 0);
	assert_int_equal(done, 0);	/* once a year */
	assert_int_equal(notes(&head, "budget.midyear", NULL), 1);
	/* 差旅费 after its adjustments: 900000 budget, nothing used; 公务接待费 over */
	assert_int_equal(notes_in(&head, "budget.midyear", "body", "差旅费：预算 9000.00 元"), 1);
	assert_int_equal(notes_in(&head, "budget.midyear", "body", "已使用 107%"), 1);
	/* once saved, a change needs the updated_at it read */
	json_decref(hq_expect(&srv, &fin, "PUT", "/api/v1/budget/settings",
			   "{\"midyear_reminder\":\"07-01\"}",
			 400, NULL));
	j = hq_expect(&srv, &fin, "GET", "/api/v1/budget/settings", NULL, 200, NULL);
	snprintf(body, sizeof(body), "{\"midyear_reminder\":\"07-01\",\"updated_at\":\"%s\"}",
		 json_string_value(json_object_get(j, "updated_at")));
	json_decref(j);
	json_decref(hq_expect(&srv, &fin, "PUT", "/api/v1/budget/settings", body, 200, NULL));
	json_decref(hq_expect(&srv, &fin, "PUT", "/api/v1/budget/settings", body, 409, "stale"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines),
		cmocka_unit_test(bad_requests),
		cmocka_unit_test(add_cut_transfer_through_approval),
		cmocka_unit_test(rejection_writes_nothing),
		cmocka_unit_test(withdrawal_and_recheck),
		cmocka_unit_test(who_reads_adjustments),
		cmocka_unit_test(engine_notifies),
		cmocka_unit_test(midyear_reminder_once_a_year),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
