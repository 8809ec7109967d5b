/*
** tests/api/test_budget_reports.c: the bulletin 财务支出月通报 and the 三公经费
** disclosure end to end, on either backend (HOUQIN_TEST_BACKEND). Lines of this
** year and last year get spend rows through the engine (a row on the first ms of
** the month and one on the ms before it, last year's same month, a class with
** spending last year only); every bulletin figure is then checked against a SQL
** sum written here. A department head sees only their rows; staff may not read
** the bulletin but read the disclosure, which shows a month only once closed
** and never a payee, voucher or name.
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

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client fin, head, staff;
static int year, month;	/* the bulletin's: this month */
static int64_t line1, line3;	/* 一处 差旅费, 二处 差旅费 */

static int
setup(void **state)
{
	int p = budget_period_of(now_ms());

	(void)state;
	year = p / 100;
	month = p % 100;
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
jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Shanghai midnight of y-m-d (written independently of the server's month arithmetic). */
static int64_t
day_ms(int y, int m, int d)
{
	char s[40];
	int64_t ms = 0;

	if (m > 12) {
		y++;
		m = 1;
	}
	snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, d);
	assert_int_equal(iso_to_ms(s, &ms), 0);
	return ms;
}

static int64_t
class_id(const char *code)
{
	json_t *j = get(&staff, "/api/v1/budget-classes", 200), *it;
	int64_t id = 0;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, it)
		if (strcmp(json_string_value(json_object_get(it, "code")), code) == 0)
			id = jint(it, "id");
	json_decref(j);
	assert_true(id > 0);
	return id;
}

static int64_t
line(int y, int64_t dept, const char *code, int64_t amount)
{
	struct hq_resp r;
	char body[256];
	int64_t id;

	snprintf(body, sizeof(body), "{\"year\":%d,\"department_id\":%lld,\"class_id\":%lld,"
		 "\"amount_fen\":%lld,\"control\":\"warn\"}", y, (long long)dept,
		 (long long)class_id(code), (long long)amount);
	assert_int_equal(hq_req(&srv, &fin, "POST", "/api/v1/budget-lines", body, &r), 201);
	id = jint(r.json, "id");
	hq_resp_free(&r);
	return id;
}

/* One engine row (commit, or spend when spend) dated at, as another module writes it. */
static void
engine(int64_t line_id, int spend, int64_t amount, int64_t source, int64_t at)
{
	struct actor who = { .id = hq_user_id(&srv, "finance"), .agency_id = srv.agency_id,
			     .department_id = srv.office_dept_id, .roles = ROLE_FINANCE,
			     .ip = "test", .username = "finance" };
	struct budget_src src = { "test", source, spend ? "记-0042" : NULL,
				  spend ? "某宾馆" : NULL, at };
	struct budget_result res;
	struct err e = { 0 };
	struct db *db = db_pool_writer(srv.pool);
	int rc = db_begin_write(db, &e);

	if (!rc)
		rc = spend ? budget_spend(db, &who, line_id, amount, &src, &res, &e)
			   : budget_commit(db, &who, line_id, amount, &src, &res, &e);
	if (!rc)
		rc = db_commit(db, &e);
	else if (db_in_tx(db))
		db_rollback(db);
	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("engine: %d %s", rc, e.msg);
}

static void
fixture(void)
{
	int64_t m0 = day_ms(year, month, 1), l1, l2, l3, p1, p4;

	l1 = line(year, srv.dept1_id, "30211", 5000000);
	l2 = line(year, srv.dept1_id, "30217", 300000);	/* 公务接待费: 三公 */
	l3 = line(year, srv.dept2_id, "30211", 1000000);
	p1 = line(year - 1, srv.dept1_id, "30211", 4000000);
	p4 = line(year - 1, srv.dept2_id, "30201", 100000);	/* 办公费: last year only */
	line1 = l1;
	line3 = l3;
	engine(l1, 1, 100000, 1, m0);		/* the first ms of the month */
	engine(l1, 1, 20000, 2, m0 - 1);	/* the ms before: last month (or last year) */
	engine(l1, 0, 50000, 3, m0 + HOUR_MS);	/* open commitment */
	engine(l2, 1, 30000, 4, day_ms(year, 1, 15) + 10 * HOUR_MS);
	engine(l2, 1, 7000, 5, m0 + DAY_MS);
	engine(l3, 1, 40000, 6, m0 + 2 * DAY_MS);
	engine(p1, 1, 60000, 7, day_ms(year - 1, month, 10));
	engine(p1, 1, 11000, 8, day_ms(year - 1, 1, 5));
	engine(p1, 1, 99000, 9, day_ms(year - 1, month + 1, 1));	/* after the window */
	engine(p4, 1, 8000, 10, day_ms(year - 1, month, 3));
}

/* One SUM written here: kind rows of (dept, class) dated in [from, to), of line year y (0: any). */
static int64_t
sum_of(int64_t dept, int64_t cls, const char *kind, int64_t from, int64_t to, int y)
{
	static const char sql[] =
		"SELECT COALESCE(SUM(en.amount_fen), 0) FROM budget_entry en"
		" JOIN budget_line l ON l.id = en.line_id WHERE l.agency_id = :agency"
		" AND l.department_id = :dept AND l.class_id = :class AND en.kind = :kind"
		" AND en.occurred_at >= :from AND en.occurred_at < :to"
		" AND (:year = 0 OR l.year = :year)";
	struct stmt st = { 0 };
	struct err e = { 0 };
	struct db *db = db_pool_writer(srv.pool);
	int64_t v = -1;
	int rc = db_prepare(db, &st, sql, &e) || db_bind_i64(&st, ":agency", srv.agency_id, &e) ||
		 db_bind_i64(&st, ":dept", dept, &e) || db_bind_i64(&st, ":class", cls, &e) ||
		 db_bind_text(&st, ":kind", kind, &e) || db_bind_i64(&st, ":from", from, &e) ||
		 db_bind_i64(&st, ":to", to, &e) || db_bind_i64(&st, ":year", y, &e) ||
		 db_step_row(&st, &e);

	if (!rc)
		v = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	assert_int_equal(rc, 0);
	return v;
}

static int64_t
line_amount(int64_t dept, int64_t cls)
{
	static const char sql[] =
		"SELECT COALESCE(SUM(amount_fen), 0) FROM budget_line WHERE agency_id = :agency"
		" AND year = :year AND department_id = :dept AND class_id = :class";
	struct stmt st = { 0 };
	struct err e = { 0 };
	struct db *db = db_pool_writer(srv.pool);
	int64_t v = -1;
	int rc = db_prepare(db, &st, sql, &e) || db_bind_i64(&st, ":agency", srv.agency_id, &e) ||
		 db_bind_i64(&st, ":year", year, &e) || db_bind_i64(&st, ":dept", dept, &e) ||
		 db_bind_i64(&st, ":class", cls, &e) || db_step_row(&st, &e);

	if (!rc)
		v = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	assert_int_equal(rc, 0);
	return v;
}

enum { F_BUDGET, F_COMMITTED, F_MONTH, F_YTD, F_LY_MONTH, F_LY_YTD, F_N };
static const char *const fig_keys[F_N] = { "budget_fen", "committed_fen", "month_fen",
					   "ytd_fen", "ly_month_fen", "ly_ytd_fen" };

/* A (dept, class) row's figures, each from its own SUM. */
static void
expected(int64_t dept, int64_t cls, int64_t want[F_N])
{
	int64_t m0 = day_ms(year, month, 1), m1 = day_ms(year, month + 1, 1);
	int64_t lm0 = day_ms(year - 1, month, 1), lm1 = day_ms(year - 1, month + 1, 1);

	want[F_BUDGET] = line_amount(dept, cls) + sum_of(dept, cls, "adjust", 0, m1, year);
	want[F_COMMITTED] = sum_of(dept, cls, "commit", 0, m1, year) -
			    sum_of(dept, cls, "release", 0, m1, year);
	want[F_MONTH] = sum_of(dept, cls, "spend", m0, m1, 0);
	want[F_YTD] = sum_of(dept, cls, "spend", day_ms(year, 1, 1), m1, 0);
	want[F_LY_MONTH] = sum_of(dept, cls, "spend", lm0, lm1, 0);
	want[F_LY_YTD] = sum_of(dept, cls, "spend", day_ms(year - 1, 1, 1), lm1, 0);
}

static void
check_sums(const json_t *it, const int64_t want[F_N])
{
	for (int f = 0; f < F_N; f++)
		if (jint(it, fig_keys[f]) != want[f])
			fail_msg("%s %s %s: %lld, the SQL says %lld",
				 json_string_value(json_object_get(it, "department_name")),
				 json_string_value(json_object_get(it, "class_name")), fig_keys[f],
				 (long long)jint(it, fig_keys[f]), (long long)want[f]);
}

/* Every line row against SQL; each 小计 and the 合计 against the rows above it. */
static size_t
check_bulletin(const json_t *items)
{
	int64_t sub[F_N] = { 0 }, all[F_N] = { 0 }, want[F_N];
	size_t i, lines = 0;
	json_t *it;

	json_array_foreach(items, i, it) {
		const char *row = json_string_value(json_object_get(it, "row"));
		if (!strcmp(row, "line")) {
			expected(jint(it, "department_id"), jint(it, "class_id"), want);
			check_sums(it, want);
			for (int f = 0; f < F_N; f++)
				sub[f] += want[f], all[f] += want[f];
			lines++;
		} else if (!strcmp(row, "subtotal")) {
			check_sums(it, sub);
			memset(sub, 0, sizeof(sub));
		} else {
			assert_string_equal(row, "total");
			assert_int_equal(i, json_array_size(items) - 1);
			check_sums(it, all);
		}
	}
	return lines;
}

static json_t *
find_row(const json_t *items, int64_t dept, const char *code)
{
	size_t i;
	json_t *it;

	json_array_foreach(items, i, it)
		if (jint(it, "department_id") == dept && json_is_string(json_object_get(it, "class_code")) &&
		    !strcmp(json_string_value(json_object_get(it, "class_code")), code))
			return it;
	fail_msg("no row %lld %s", (long long)dept, code);
	return NULL;
}

static void
bulletin_matches_the_ledger(void **state)
{
	char path[128];
	json_t *j, *items, *r;

	(void)state;
	fixture();
	snprintf(path, sizeof(path), "/api/v1/budget/bulletin?year=%d&month=%d", year, month);
	j = get(&fin, path, 200);
	items = json_object_get(j, "items");
	/* 一处 差旅费, 接待费; 二处 差旅费, 办公费 (last year only): 4 rows + 2 小计 + 合计 */
	assert_int_equal(check_bulletin(items), 4);
	assert_int_equal(json_array_size(items), 7);
	r = find_row(items, srv.dept1_id, "30211");
	assert_int_equal(jint(r, "month_fen"), 100000);	/* the first ms counts, the one before not */
	/* in December the 99000 "after the window" of last year is paid on 1 January: this year's */
	assert_int_equal(jint(r, "ytd_fen"),
			 100000 + (month > 1 ? 20000 : 0) + (month == 12 ? 99000 : 0));
	assert_int_equal(jint(r, "committed_fen"), 50000);
	assert_int_equal(jint(r, "ly_month_fen"), 60000);
	assert_int_equal(jint(r, "ly_ytd_fen"), month > 1 ? 71000 : 60000);
	r = find_row(items, srv.dept2_id, "30201");
	assert_int_equal(jint(r, "budget_fen"), 0);
	assert_true(json_is_null(json_object_get(r, "used_pct")));
	assert_true(json_real_value(json_object_get(r, "month_change_pct")) == -100.0);
	r = find_row(items, srv.dept1_id, "30217");	/* 37000 of 300000 */
	assert_true(json_real_value(json_object_get(r, "used_pct")) == 12.3);
	json_decref(j);
	/* the default is this month */
	j = get(&fin, "/api/v1/budget/bulletin", 200);
	assert_int_equal(jint(j, "month"), month);
	assert_int_equal(check_bulletin(json_object_get(j, "items")), 4);
	json_decref(j);
	/* last year's bulletin: its own lines, spending of the year before that is zero */
	snprintf(path, sizeof(path), "/api/v1/budget/bulletin?year=%d&month=%d", year - 1, month);
	j = get(&fin, path, 200);
	year--;
	check_bulletin(json_object_get(j, "items"));
	year++;
	json_decref(j);
	get(&fin, "/api/v1/budget/bulletin?month=13", 400);
	get(&fin, "/api/v1/budget/bulletin?year=1999", 400);
}

static void
bulletin_scope(void **state)
{
	static const char *const readers[] = { "leader", "supervisor", "office" };
	char path[96];
	size_t i;
	json_t *j, *it;

	(void)state;
	get(&staff, "/api/v1/budget/bulletin", 403);
	get(&staff, "/api/v1/budget/bulletin?format=xlsx", 403);
	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		struct hq_client c;
		hq_sign_in(&srv, &c, readers[i]);
		j = get(&c, "/api/v1/budget/bulletin", 200);
		assert_int_equal(json_array_size(json_object_get(j, "items")), 7);
		json_decref(j);
		hq_client_free(&c);
	}
	j = get(&head, "/api/v1/budget/bulletin", 200);	/* only 一处's: 2 rows, 小计, 合计 */
	assert_int_equal(json_array_size(json_object_get(j, "items")), 4);
	json_array_foreach(json_object_get(j, "items"), i, it)
		if (strcmp(json_string_value(json_object_get(it, "row")), "total"))
			assert_int_equal(jint(it, "department_id"), srv.dept1_id);
	assert_int_equal(check_bulletin(json_object_get(j, "items")), 2);
	json_decref(j);
	/* one line (the drill-down page's head): its figures, in the reader's scope */
	snprintf(path, sizeof(path), "/api/v1/budget-lines/%lld", (long long)line1);
	j = get(&head, path, 200);
	assert_int_equal(jint(j, "committed_fen"), 50000);
	assert_string_equal(json_string_value(json_object_get(j, "class_code")), "30211");
	json_decref(j);
	get(&staff, path, 403);
	snprintf(path, sizeof(path), "/api/v1/budget-lines/%lld", (long long)line3);
	get(&head, path, 404);
	json_decref(get(&fin, path, 200));
	get(&fin, "/api/v1/budget-lines/999999", 404);
}

static void
bulletin_exports(void **state)
{
	struct hq_resp r;
	char path[128], v[512];

	(void)state;
	snprintf(path, sizeof(path), "/api/v1/budget/bulletin?year=%d&month=%d&format=xlsx", year,
		 month);
	assert_int_equal(hq_req(&srv, &fin, "GET", path, NULL, &r), 200);
	assert_true(r.len > 4);
	assert_memory_equal(r.body, "PK\x03\x04", 4);
	assert_non_null(hq_header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_non_null(hq_header(&r, "Content-Disposition", v, sizeof(v)));
	snprintf(path, sizeof(path), "%d%%E5%%B9%%B4%d%%E6%%9C%%88", year, month);	/* 年..月 */
	assert_non_null(strstr(v, path));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &fin, "GET", "/api/v1/budget/bulletin?format=csv", NULL, &r),
			 200);
	assert_non_null(strstr(r.body, "本年累计（元）"));
	assert_non_null(strstr(r.body, "1000.00"));	/* 一处 差旅费 this month, in yuan */
	assert_non_null(strstr(r.body, "合计"));
	hq_resp_free(&r);
}

static json_t *
sangong_class(const json_t *d, const char *code)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(d, "classes"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "code")), code))
			return c;
	fail_msg("no 三公 class %s", code);
	return NULL;
}

static void
disclosure_after_closing(void **state)
{
	struct hq_resp r;
	char path[128];
	json_t *d, *c;

	(void)state;
	snprintf(path, sizeof(path), "/api/v1/budget/disclosure?year=%d", year);
	d = get(&staff, path, 200);	/* every staff member reads it */
	assert_int_equal(json_array_size(json_object_get(d, "classes")), 3);
	c = sangong_class(d, "30217");
	assert_int_equal(jint(c, "budget_fen"), 300000);
	assert_true(json_is_null(json_array_get(json_object_get(c, "months"), 0)));	/* 未结账 */
	assert_int_equal(jint(c, "actual_fen"), 0);
	json_decref(d);
	snprintf(path, sizeof(path), "/api/v1/budget/periods/%d01/close", year);
	assert_int_equal(hq_req(&srv, &fin, "POST", path, "{}", &r), 200);
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/budget/disclosure?year=%d", year);
	assert_int_equal(hq_req(&srv, &staff, "GET", path, NULL, &r), 200);
	c = sangong_class(r.json, "30217");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(c, "months"), 0)),
			 month > 1 ? 30000 : 37000);
	assert_int_equal(jint(c, "actual_fen"), month > 1 ? 30000 : 37000);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(r.json,
				"months"), 0), "closed")));
	assert_int_equal(jint(json_object_get(r.json, "total"), "budget_fen"), 300000);
	assert_int_equal(jint(r.json, "closed_months"), 1);
	assert_null(strstr(r.body, "某宾馆"));	/* no payee, voucher or name */
	assert_null(strstr(r.body, "记-0042"));
	assert_null(strstr(r.body, "payee"));
	assert_null(strstr(r.body, "closed_by"));
	hq_resp_free(&r);
	json_decref(get(&head, path, 200));
	get(&fin, "/api/v1/budget/disclosure?year=abc", 400);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bulletin_matches_the_ledger),
		cmocka_unit_test(bulletin_scope),
		cmocka_unit_test(bulletin_exports),
		cmocka_unit_test(disclosure_after_closing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
