/*
** tests/api/test_supplies_report.c: GET /supplies/report on either backend
** (HOUQIN_TEST_BACKEND). Movements go through the ledger (stock.h) dated in a
** past month, on its first and last ms, and just outside it on both sides;
** every figure of the report is then checked against a SQL sum written here,
** and the ledger against what the movements were (opening + in − out =
** closing). Only the office, leaders, finance and the supervisor read it;
** exports give each part; a bad month or part is a 400.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/supplies/stock.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct actor office;
static struct hq_client fin;
static int64_t m0, m1;	/* 2026-03 in Shanghai */
static int64_t pen, paper, toner;

static int64_t
day_ms(const char *day)
{
	int64_t ms = 0;

	assert_int_equal(iso_to_ms(day, &ms), 0);
	return ms;
}

/* sql (a literal) with :id, :m0 and :m1 bound (those it names), one integer back */
static int64_t
scalar(const char *sql, int64_t id)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t v = -1;
	int rc = db_prepare(db, &st, sql, &e) ||
		 (strstr(sql, ":id") && db_bind_i64(&st, ":id", id, &e)) ||
		 (strstr(sql, ":m0") && db_bind_i64(&st, ":m0", m0, &e)) ||
		 (strstr(sql, ":m1") && db_bind_i64(&st, ":m1", m1, &e)) ||
		 db_step_row(&st, &e);

	if (!rc)
		v = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("%s: %s", sql, e.msg);
	return v;
}

static const char sql_item[] =
	"INSERT INTO supply_item (agency_id, code, name, unit, category, active, created_at,"
	" updated_at) VALUES (:agency, :code, :code, '个', :cat, 1, 0, 0) RETURNING id";

static int64_t
item(const char *code, const char *cat)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t id = 0;
	int rc = db_begin_write(db, &e) || db_prepare(db, &st, sql_item, &e) ||
		 db_bind_i64(&st, ":agency", srv.agency_id, &e) ||
		 db_bind_text(&st, ":code", code, &e) || db_bind_text(&st, ":cat", cat, &e) ||
		 db_step_row(&st, &e) ? e.code : 0;

	if (!rc)
		id = db_col_i64(&st, 0);
	db_finalize(&st);
	rc = rc || db_commit(db, &e);
	if (rc && db_in_tx(db))
		db_rollback(db);
	db_pool_writer_unlock(srv.pool);
	assert_int_equal(rc, 0);
	return id;
}

/* One movement at `at` in its own transaction: qty > 0 in, < 0 out (issue to dept, or scrap). */
static void
move(int64_t id, int64_t qty, int64_t price, int64_t dept, int64_t at)
{
	struct stock_move_in in = { .item_id = id, .reason = qty > 0 ? "purchase" : "issue",
				    .qty = qty > 0 ? qty : -qty, .unit_cost_fen = price,
				    .source_module = "test", .source_id = 1,
				    .department_id = dept, .occurred_at = at };
	struct db *db = db_pool_writer(srv.pool);
	struct stock_move m;
	struct err e = { 0 };
	int rc;

	if (qty < 0 && !dept) {
		in.reason = "scrap";
		in.note = "破损";
	}
	rc = db_begin_write(db, &e) ||
	     (qty > 0 ? stock_in(db, &office, &in, &m, &e) : stock_out(db, &office, &in, &m, &e)) ||
	     db_commit(db, &e);
	if (rc && db_in_tx(db))
		db_rollback(db);
	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("move: %s", e.msg);
}

/* sql (a literal) with :agency, :d1 and :d2 bound, run in its own write transaction */
static void
exec(const char *sql)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int rc = db_begin_write(db, &e) || db_prepare(db, &st, sql, &e) ||
		 db_bind_i64(&st, ":agency", srv.agency_id, &e) ||
		 (strstr(sql, ":d1") && db_bind_i64(&st, ":d1", srv.dept1_id, &e)) ||
		 (strstr(sql, ":d2") && db_bind_i64(&st, ":d2", srv.dept2_id, &e)) ||
		 (strstr(sql, ":user") && db_bind_i64(&st, ":user", office.id, &e)) ||
		 (strstr(sql, ":m0") && db_bind_i64(&st, ":m0", m0, &e)) ||
		 (strstr(sql, ":m1") && db_bind_i64(&st, ":m1", m1, &e)) ||
		 db_step_done(&st, &e) ? e.code : 0;

	db_finalize(&st);
	rc = rc || db_commit(db, &e);
	if (rc && db_in_tx(db))
		db_rollback(db);
	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("%s: %s", sql, e.msg);
}

/* Quotas of 2026-03 (一处) and 2026-02 (二处); requisitions of 一处 in, just after and withdrawn. */
static void
quotas_and_requisitions(void)
{
	exec("INSERT INTO supply_quota (agency_id, department_id, year, month, quota_fen, updated_at)"
	     " VALUES (:agency, :d1, 2026, 3, 5000, 0), (:agency, :d2, 2026, 2, 9000, 0)");
	exec("INSERT INTO requisition (agency_id, code, status, requester_id, department_id,"
	     " value_fen, created_at, updated_at) VALUES"
	     " (:agency, 'T-1', 'pending', :user, :d1, 100, :m0, :m0),"
	     " (:agency, 'T-2', 'withdrawn', :user, :d1, 100, :m0, :m0),"
	     " (:agency, 'T-3', 'issued', :user, :d1, 100, :m1 - 1, :m1),"
	     " (:agency, 'T-4', 'approved', :user, :d1, 100, :m1, :m1)");
}

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	office = (struct actor){ .id = hq_user_id(&srv, "office"), .agency_id = srv.agency_id,
				 .department_id = srv.office_dept_id, .roles = ROLE_OFFICE,
				 .ip = "test", .username = "office" };
	hq_sign_in(&srv, &fin, "finance");
	m0 = day_ms("2026-03-01");
	m1 = day_ms("2026-04-01");
	pen = item("RPT-PEN", "书写用品");
	paper = item("RPT-A4", "纸张");
	toner = item("RPT-TONER", "耗材");
	move(pen, 100, 250, 0, m0 - 1);			/* the opening stock */
	move(paper, 40, 12000, 0, m0 - 86400000);
	move(pen, -10, 0, srv.dept1_id, m0);		/* first ms: in the month */
	move(paper, 30, 13000, 0, m0 + 86400000);
	move(paper, -7, 0, srv.dept2_id, m1 - 1);	/* last ms: in */
	move(pen, -4, 0, srv.dept2_id, m1 - 1);
	move(toner, 5, 45000, 0, m0 + 2 * 86400000);
	move(toner, -1, 0, 0, m0 + 3 * 86400000);	/* scrapped: out, but no department's */
	move(pen, -3, 0, srv.dept1_id, m1);		/* just after: not in the month */
	move(paper, -2, 0, srv.dept1_id, m0 - 1);	/* just before */
	quotas_and_requisitions();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&fin);
	hq_stop(&srv);
	return 0;
}

static int64_t
jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const json_t *
dept_row(const json_t *r, int64_t id)
{
	const json_t *d;
	size_t i;

	json_array_foreach(json_object_get(r, "departments"), i, d)
		if (jint(d, "department_id") == id)
			return d;
	fail_msg("department %lld not in the report", (long long)id);
	return NULL;
}

static void
departments_against_sql(void **state)
{
	json_t *r = hq_expect(&srv, &fin, "GET", "/api/v1/supplies/report?month=2026-03", NULL,
			      200, NULL);
	const int64_t ids[] = { srv.dept1_id, srv.dept2_id, srv.office_dept_id };

	(void)state;
	assert_string_equal(json_string_value(json_object_get(r, "month")), "2026-03");
	for (size_t i = 0; i < 3; i++) {
		const json_t *d = dept_row(r, ids[i]);

		assert_int_equal(jint(d, "issued_value_fen"),
				 scalar("SELECT COALESCE(-SUM(amount_fen), 0) FROM stock_movement"
					" WHERE department_id = :id AND reason = 'issue'"
					" AND occurred_at >= :m0 AND occurred_at < :m1", ids[i]));
	}
	assert_int_equal(jint(dept_row(r, srv.dept1_id), "issued_value_fen"), 10 * 250);
	assert_int_equal(jint(dept_row(r, srv.dept2_id), "issued_value_fen"),
			 4 * 250 + 87000);	/* 7 of paper's 70 worth 870000 */
	assert_true(json_is_null(json_object_get(dept_row(r, srv.office_dept_id), "pct")));
	assert_int_equal(jint(dept_row(r, srv.dept1_id), "quota_fen"), 5000);
	assert_true(json_real_value(json_object_get(dept_row(r, srv.dept1_id), "pct")) == 50.0);
	assert_int_equal(jint(dept_row(r, srv.dept2_id), "quota_fen"), 0);	/* February's */
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(jint(dept_row(r, ids[i]), "requisitions"),
				 scalar("SELECT COUNT(*) FROM requisition WHERE department_id = :id"
					" AND status <> 'withdrawn' AND created_at >= :m0"
					" AND created_at < :m1", ids[i]));
	assert_int_equal(jint(dept_row(r, srv.dept1_id), "requisitions"), 2);
	json_decref(r);
}

static void
items_and_categories_against_sql(void **state)
{
	json_t *r = hq_expect(&srv, &fin, "GET", "/api/v1/supplies/report?month=2026-03", NULL,
			      200, NULL);
	const json_t *top = json_object_get(r, "top_items"), *it, *c;
	int64_t prev = INT64_MAX, sum = 0;
	size_t i;

	(void)state;
	assert_int_equal(json_array_size(top), 2);	/* the toner was scrapped, not issued */
	json_array_foreach(top, i, it) {
		int64_t id = jint(it, "item_id");

		assert_int_equal(jint(it, "qty"), scalar("SELECT -SUM(qty) FROM stock_movement"
			" WHERE item_id = :id AND reason = 'issue' AND occurred_at >= :m0"
			" AND occurred_at < :m1", id));
		assert_int_equal(jint(it, "value_fen"), scalar("SELECT -SUM(amount_fen) FROM"
			" stock_movement WHERE item_id = :id AND reason = 'issue'"
			" AND occurred_at >= :m0 AND occurred_at < :m1", id));
		assert_true(jint(it, "value_fen") <= prev);
		prev = jint(it, "value_fen");
	}
	assert_int_equal(jint(json_array_get(top, 0), "item_id"), paper);
	assert_int_equal(jint(json_array_get(top, 1), "qty"), 14);
	json_array_foreach(json_object_get(r, "categories"), i, c) {
		const char *cat = json_string_value(json_object_get(c, "category"));
		int64_t id = !strcmp(cat, "纸张") ? paper : !strcmp(cat, "耗材") ? toner : pen;

		assert_int_equal(jint(c, "purchased_value_fen"), scalar("SELECT COALESCE(SUM("
			"amount_fen), 0) FROM stock_movement WHERE item_id = :id AND reason ="
			" 'purchase' AND occurred_at >= :m0 AND occurred_at < :m1", id));
		sum += jint(c, "issued_value_fen");
	}
	assert_int_equal(json_array_size(json_object_get(r, "categories")), 3);
	assert_int_equal(sum, scalar("SELECT -SUM(amount_fen) FROM stock_movement WHERE"
				     " reason = 'issue' AND occurred_at >= :m0 AND occurred_at < :m1",
				     0));
	json_decref(r);
}

static void
ledger_against_sql(void **state)
{
	json_t *r = hq_expect(&srv, &fin, "GET", "/api/v1/supplies/report?month=2026-03", NULL,
			      200, NULL);
	const json_t *l = json_object_get(r, "ledger");
	int64_t open = jint(l, "opening_value_fen"), in = jint(l, "in_value_fen");
	int64_t out = jint(l, "out_value_fen"), close = jint(l, "closing_value_fen");

	(void)state;
	assert_int_equal(open, scalar("SELECT SUM(amount_fen) FROM stock_movement"
				      " WHERE occurred_at < :m0", 0));
	/* the 2 of paper dated before the month left last, at 783000 / 63 */
	assert_int_equal(open, 100 * 250 + 40 * 12000 - 24857);
	assert_int_equal(in, 30 * 13000 + 5 * 45000);
	assert_int_equal(out, scalar("SELECT -SUM(amount_fen) FROM stock_movement WHERE qty < 0"
				     " AND occurred_at >= :m0 AND occurred_at < :m1", 0));
	assert_int_equal(close, scalar("SELECT SUM(amount_fen) FROM stock_movement"
				       " WHERE occurred_at < :m1", 0));
	assert_int_equal(open + in - out, close);
	json_decref(r);
	r = hq_expect(&srv, &fin, "GET", "/api/v1/supplies/report?month=2020-01", NULL, 200, NULL);
	l = json_object_get(r, "ledger");
	assert_int_equal(jint(l, "closing_value_fen"), 0);
	assert_int_equal(json_array_size(json_object_get(r, "top_items")), 0);
	json_decref(r);
}

static void
roles_exports_and_bad_input(void **state)
{
	static const char *const readers[] = { "office", "leader", "supervisor" };
	static const char *const others[] = { "staff", "dept_head", "worker" };
	struct hq_client c;
	struct hq_resp rs;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		hq_sign_in(&srv, &c, readers[i]);
		json_decref(hq_expect(&srv, &c, "GET", "/api/v1/supplies/report", NULL, 200, NULL));
		hq_client_free(&c);
		hq_sign_in(&srv, &c, others[i]);
		json_decref(hq_expect(&srv, &c, "GET", "/api/v1/supplies/report", NULL, 403, NULL));
		hq_client_free(&c);
	}
	assert_int_equal(hq_req(&srv, &fin, "GET", "/api/v1/supplies/report?month=2026-03"
				"&format=csv&part=ledger", NULL, &rs), 200);
	assert_non_null(strstr(rs.body, "期末金额"));
	assert_non_null(strstr(rs.body, "RPT-A4"));
	assert_non_null(strstr(rs.body, "合计"));
	hq_resp_free(&rs);
	assert_int_equal(hq_req(&srv, &fin, "GET", "/api/v1/supplies/report?month=2026-03"
				"&format=xlsx&part=items", NULL, &rs), 200);
	hq_resp_free(&rs);
	assert_int_equal(hq_req(&srv, &fin, "GET", "/api/v1/supplies/report?month=2026-03"
				"&format=csv", NULL, &rs), 200);
	assert_non_null(strstr(rs.body, "限额使用率"));
	hq_resp_free(&rs);
	json_decref(hq_expect(&srv, &fin, "GET", "/api/v1/supplies/report?month=2026-03"
			      "&format=csv&part=x", NULL, 400, NULL));
	json_decref(hq_expect(&srv, &fin, "GET", "/api/v1/supplies/report?month=2026-13", NULL,
			      400, NULL));
	json_decref(hq_expect(&srv, &fin, "GET", "/api/v1/supplies/report?month=202603", NULL,
			      400, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(departments_against_sql),
		cmocka_unit_test(items_and_categories_against_sql),
		cmocka_unit_test(ledger_against_sql),
		cmocka_unit_test(roles_exports_and_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
