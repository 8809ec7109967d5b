/*
** tests/api/test_claims.c: 报销单 end to end, on either backend
** (HOUQIN_TEST_BACKEND): budget lines -> a claim with invoices and a trip ->
** approval (department head, finance, a leader from ¥5,000) -> payment by
** finance, for every role (finance alone pays, staff see their own claims, a
** department head their department's); a stop line refusing at submission
** and a warn line allowing; invoices and the reason for amounts over the
** travel standards; 409s on paying; a closed month; withdrawal and
** rejection; bad input. After every refusal the tables hold what they held.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client fin, head, staff, staff2, leader, office, sup, worker;
static int64_t year, l_travel1, l_office1, l_meet1, l_travel2;
static char today[16];

static int
setup(void **state)
{
	int d = days_to_date((now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS);

	(void)state;
	year = d / 10000;
	snprintf(today, sizeof(today), "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
	hq_start(&srv);
	hq_sign_in(&srv, &fin, "finance");
	hq_sign_in(&srv, &head, "dept_head");
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &staff2, "staff2");
	hq_sign_in(&srv, &leader, "leader");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &sup, "supervisor");
	hq_sign_in(&srv, &worker, "worker");
	return 0;
}

static int
teardown(void **state)
{
	struct hq_client *all[] = { &fin, &head, &staff, &staff2, &leader, &office, &sup, &worker };

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		hq_client_free(all[i]);
	hq_stop(&srv);
	return 0;
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

/* POST, 201 expected: the new id. */
static int64_t
create(struct hq_client *c, const char *path, const char *body)
{
	json_t *j = hq_expect(&srv, c, "POST", path, body, 201, NULL);
	int64_t id = int_of(j, "id");

	json_decref(j);
	return id;
}

static int64_t
total_of(struct hq_client *c, const char *path)
{
	json_t *j = hq_expect(&srv, c, "GET", path, NULL, 200, NULL);
	int64_t n = int_of(j, "total");

	json_decref(j);
	return n;
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

/* claims, items, approvals, ledger rows, attachments attached: what a refusal must leave. */
static int64_t
rows_now(void)
{
	return count_rows("SELECT COUNT(*) FROM expense_claim") * 1000000 +
	       count_rows("SELECT COUNT(*) FROM expense_claim_item") * 10000 +
	       count_rows("SELECT COUNT(*) FROM approval") * 100 +
	       count_rows("SELECT COUNT(*) FROM budget_entry") +
	       count_rows("SELECT COUNT(*) FROM attachment WHERE owner_entity IS NOT NULL") * 7;
}

static int64_t
class_id(const char *code)
{
	json_t *j = hq_expect(&srv, &staff, "GET", "/api/v1/budget-classes", NULL, 200, NULL), *it;
	int64_t id = 0;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, it)
		if (strcmp(str_of(it, "code"), code) == 0)
			id = int_of(it, "id");
	json_decref(j);
	assert_true(id > 0);
	return id;
}

static int64_t
line(int64_t dept, const char *code, int64_t fen, const char *control)
{
	char body[200];

	snprintf(body, sizeof(body),
		 "{\"year\":%lld,\"department_id\":%lld,\"class_id\":%lld,\"amount_fen\":%lld,"
		 "\"control\":\"%s\"}", (long long)year, (long long)dept,
		 (long long)class_id(code), (long long)fen, control);
	return create(&fin, "/api/v1/budget-lines", body);
}

/* A line's figure (committed_fen, spent_fen, available_fen) as finance reads it. */
static int64_t
line_fig(int64_t id, const char *key)
{
	json_t *j = hq_expect(&srv, &fin, "GET", "/api/v1/budget-lines?per_page=100", NULL, 200, NULL), *it;
	int64_t v = -1;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, it)
		if (int_of(it, "id") == id)
			v = int_of(it, key);
	json_decref(j);
	return v;
}

static int64_t
upload(struct hq_client *c)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
	struct hq_resp r;
	int64_t id;

	assert_int_equal(hq_req_bin(&srv, c, "POST", "/api/v1/attachments?kind=document",
				    "application/pdf", "X-Filename: fapiao.pdf", pdf,
				    sizeof(pdf) - 1, &r), 201);
	id = int_of(r.json, "id");
	hq_resp_free(&r);
	return id;
}

static json_t *
claim(struct hq_client *c, int64_t id, long want)
{
	char path[64];

	snprintf(path, sizeof(path), "/api/v1/expense-claims/%lld", (long long)id);
	return hq_expect(&srv, c, "GET", path, NULL, want, NULL);
}

static const char *
status_of(int64_t id)
{
	static char s[16];
	json_t *j = claim(&fin, id, 200);

	snprintf(s, sizeof(s), "%s", str_of(j, "status"));
	json_decref(j);
	return s;
}

/* The claim's approval decided by c (approve or reject), status want. */
static void
decide(struct hq_client *c, int64_t id, const char *decision, long want, const char *code)
{
	json_t *j = claim(&fin, id, 200);
	char path[80], body[80];

	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision",
		 (long long)int_of(json_object_get(j, "approval"), "id"));
	snprintf(body, sizeof(body), "{\"decision\":\"%s\",\"comment\":\"ok\"}", decision);
	json_decref(j);
	json_decref(hq_expect(&srv, c, "POST", path, body, want, code));
}

static void
pay(struct hq_client *c, int64_t id, const char *body, long want, const char *code)
{
	char path[80];

	snprintf(path, sizeof(path), "/api/v1/expense-claims/%lld/pay", (long long)id);
	json_decref(hq_expect(&srv, c, "POST", path, body, want, code));
}

/* A one-item claim of class code for fen with trip (travel) or not, by c: its id (201). */
static int64_t
simple(struct hq_client *c, const char *code, int64_t fen, int64_t att)
{
	char body[600], atts[40] = "[]";

	if (att)
		snprintf(atts, sizeof(atts), "[%lld]", (long long)att);
	snprintf(body, sizeof(body),
		 "{\"items\":[{\"class_code\":\"%s\",\"amount_fen\":%lld,\"description\":\"明细\"%s}],"
		 "\"attachment_ids\":%s%s}", code, (long long)fen,
		 strcmp(code, "30211") == 0 ? ",\"kind\":\"fare\"" : "", atts,
		 strcmp(code, "30211") == 0
			 ? ",\"trip\":{\"city\":\"成都\",\"rank\":\"other\",\"start_date\":\"2026-11-02\","
			   "\"end_date\":\"2026-11-03\"}" : "");
	return create(c, "/api/v1/expense-claims", body);
}

static void
standards_and_lines(void **state)
{
	(void)state;
	/* a new agency has the standards (5 cities x 3 ranks); everyone reads them */
	assert_int_equal(total_of(&staff, "/api/v1/travel-standards"), 15);
	create(&fin, "/api/v1/travel-standards",
	       "{\"city\":\"杭州\",\"rank\":\"other\",\"lodging_fen\":45000,\"meal_fen\":10000,"
	       "\"transport_fen\":8000,\"valid_from\":\"2025-01-01\"}");
	json_decref(hq_expect(&srv, &staff, "POST", "/api/v1/travel-standards",
			"{\"city\":\"杭州\",\"rank\":\"other\",\"lodging_fen\":1,\"meal_fen\":1,"
			"\"transport_fen\":1,\"valid_from\":\"2025-01-01\"}", 403, NULL));
	json_decref(hq_expect(&srv, &fin, "POST", "/api/v1/travel-standards",
			"{\"city\":\"杭州\",\"rank\":\"other\",\"lodging_fen\":1,\"meal_fen\":1,"
			"\"transport_fen\":1,\"valid_from\":\"2025-02-30\"}", 400, "invalid"));
	assert_int_equal(total_of(&staff, "/api/v1/travel-standards"), 16);
	l_travel1 = line(srv.dept1_id, "30211", 1000000, "stop");	/* ¥10,000 */
	l_office1 = line(srv.dept1_id, "30201", 10000, "warn");		/* ¥100 */
	l_meet1 = line(srv.dept1_id, "30215", 50000, "stop");		/* ¥500 */
	l_travel2 = line(srv.dept2_id, "30211", 1000000, "stop");
}

#define TRIP_BJ "\"trip\":{\"city\":\"北京\",\"rank\":\"other\",\"start_date\":\"2026-11-02\"," \
		"\"end_date\":\"2026-11-04\"}"
/* 北京 other, 2 nights: lodging cap ¥1,000 (¥1,200 claimed: ¥200 over), meals ¥300, fare. */
#define BJ_ITEMS "\"items\":[" \
	"{\"class_code\":\"30211\",\"amount_fen\":120000,\"description\":\"住宿 2 晚\",\"kind\":\"lodging\"}," \
	"{\"class_code\":\"30211\",\"amount_fen\":30000,\"description\":\"伙食补助\",\"kind\":\"meals\"}," \
	"{\"class_code\":\"30211\",\"amount_fen\":50000,\"description\":\"高铁\",\"kind\":\"fare\"}]"

static int64_t claim1, att1;
static int64_t meet500;	/* the ¥500 claim on the ¥500 meeting line, pending */

static void
preview_then_submit_with_invoices_and_reason(void **state)
{
	json_t *j, *it;
	int64_t before;
	char body[1200];

	(void)state;
	j = hq_expect(&srv, &staff, "POST", "/api/v1/expense-claims/preview",
			   "{" BJ_ITEMS "," TRIP_BJ "}", 200,
		NULL);
	assert_int_equal(int_of(j, "total_fen"), 200000);
	assert_int_equal(int_of(j, "over_standard_fen"), 20000);
	assert_int_equal(int_of(j, "nights"), 2);
	assert_int_equal(int_of(j, "days"), 3);
	it = json_array_get(json_object_get(j, "items"), 0);
	assert_int_equal(int_of(it, "standard_fen"), 100000);
	assert_int_equal(int_of(it, "over_fen"), 20000);
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "items"), 2),
						 "standard_fen")));
	it = json_array_get(json_object_get(j, "lines"), 0);
	assert_int_equal(int_of(it, "line_id"), l_travel1);
	assert_int_equal(int_of(it, "available_fen"), 1000000);
	assert_int_equal(int_of(it, "need_fen"), 200000);
	assert_int_equal(int_of(it, "short_fen"), 0);
	json_decref(j);

	before = rows_now();
	att1 = upload(&staff);
	/* ¥2,000 without invoices; then over the standard without a reason */
	json_decref(hq_expect(&srv, &staff, "POST", "/api/v1/expense-claims",
			   "{" BJ_ITEMS "," TRIP_BJ "}", 422,
			"invoice_required"));
	snprintf(body, sizeof(body), "{" BJ_ITEMS "," TRIP_BJ ",\"attachment_ids\":[%lld]}",
		 (long long)att1);
	j = hq_expect(&srv, &staff, "POST", "/api/v1/expense-claims", body, 422,
		"over_standard_reason_required");
	json_decref(j);
	assert_int_equal(rows_now(), before);
	snprintf(body, sizeof(body), "{" BJ_ITEMS "," TRIP_BJ ",\"attachment_ids\":[%lld],"
		 "\"title\":\"赴北京参加业务培训\",\"over_reason\":\"培训酒店协议价\"}", (long long)att1);
	j = hq_expect(&srv, &staff, "POST", "/api/v1/expense-claims", body, 201, NULL);
	claim1 = int_of(j, "id");
	assert_string_equal(str_of(j, "status"), "pending");
	assert_true(int_of(j, "approval_id") > 0);
	{
		char code[32];
		snprintf(code, sizeof(code), "BX%lld-0001", (long long)year);
		assert_string_equal(str_of(j, "code"), code);
	}
	json_decref(j);
	j = claim(&staff, claim1, 200);
	assert_int_equal(int_of(j, "total_fen"), 200000);
	assert_int_equal(int_of(j, "over_standard_fen"), 20000);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 3);
	assert_int_equal(json_array_size(json_object_get(j, "attachments")), 1);
	assert_string_equal(str_of(json_object_get(j, "trip"), "city"), "北京");
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "approval"), "steps")), 2);
	assert_true(json_is_true(json_object_get(j, "can_withdraw")));
	assert_true(json_is_false(json_object_get(j, "can_pay")));
	json_decref(j);
}

static void
who_sees_what(void **state)
{
	char path[64];

	(void)state;
	assert_int_equal(total_of(&staff, "/api/v1/expense-claims"), 1);
	assert_int_equal(total_of(&staff2, "/api/v1/expense-claims"), 0);
	assert_int_equal(total_of(&worker, "/api/v1/expense-claims"), 0);
	assert_int_equal(total_of(&head, "/api/v1/expense-claims"), 1);
	assert_int_equal(total_of(&fin, "/api/v1/expense-claims?status=pending"), 1);
	assert_int_equal(total_of(&fin, "/api/v1/expense-claims?status=paid"), 0);
	assert_int_equal(total_of(&leader, "/api/v1/expense-claims?q=北京"), 1);
	assert_int_equal(total_of(&sup, "/api/v1/expense-claims"), 1);
	assert_int_equal(total_of(&office, "/api/v1/expense-claims?mine=1"), 0);
	/* filters: department, dates (the day it was made), paging */
	snprintf(path, sizeof(path), "/api/v1/expense-claims?department_id=%lld",
		 (long long)srv.dept2_id);
	assert_int_equal(total_of(&fin, path), 0);
	snprintf(path, sizeof(path), "/api/v1/expense-claims?from=%s&to=%s", today, today);
	assert_int_equal(total_of(&fin, path), 1);
	assert_int_equal(total_of(&fin, "/api/v1/expense-claims?to=2000-01-01"), 0);
	assert_int_equal(total_of(&fin, "/api/v1/expense-claims?page=2&per_page=1"), 1);
	/* a department head asking for another department's claims gets none */
	snprintf(path, sizeof(path), "/api/v1/expense-claims?department_id=%lld",
		 (long long)srv.dept2_id);
	assert_int_equal(total_of(&head, path), 0);
	json_decref(claim(&staff2, claim1, 404));
	json_decref(claim(&worker, claim1, 404));
	json_decref(claim(&head, claim1, 200));
	/* the invoice: the approver reads it, another department's staff does not */
	snprintf(path, sizeof(path), "/api/v1/attachments/%lld", (long long)att1);
	json_decref(hq_expect(&srv, &head, "GET", path, NULL, 200, NULL));
	json_decref(hq_expect(&srv, &fin, "GET", path, NULL, 200, NULL));
	json_decref(hq_expect(&srv, &staff2, "GET", path, NULL, 404, NULL));
	json_decref(hq_expect(&srv, &staff, "GET", "/api/v1/expense-claims?status=bogus", NULL, 400, NULL));
}

static int64_t
counter(struct hq_client *c, const char *key)
{
	json_t *j = hq_expect(&srv, c, "GET", "/api/v1/workbench", NULL, 200, NULL), *it;
	int64_t n = -1;
	size_t i;

	json_array_foreach(json_object_get(j, "counters"), i, it)
		if (strcmp(str_of(it, "key"), key) == 0)
			n = int_of(it, "count");
	json_decref(j);
	return n;
}

static int64_t
my_requests(struct hq_client *c, const char *kind)
{
	json_t *j = hq_expect(&srv, c, "GET", "/api/v1/workbench", NULL, 200, NULL), *it;
	int64_t n = 0;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(j, "my_requests"), "items"), i, it)
		if (strcmp(str_of(it, "kind"), kind) == 0)
			n++;
	json_decref(j);
	return n;
}

static void
approve_then_pay(void **state)
{
	char body[120];

	(void)state;
	pay(&fin, claim1, "{\"voucher_no\":\"记-1\"}", 409, "not_approved");
	assert_int_equal(my_requests(&staff, "expense_claim"), 1);
	assert_int_equal(my_requests(&staff, "approval"), 0);	/* listed once, as the claim */
	decide(&head, claim1, "approve", 200, NULL);
	assert_string_equal(status_of(claim1), "pending");
	assert_int_equal(counter(&fin, "claims_to_pay"), 0);
	decide(&fin, claim1, "approve", 200, NULL);
	assert_string_equal(status_of(claim1), "approved");
	assert_int_equal(line_fig(l_travel1, "committed_fen"), 200000);
	assert_int_equal(counter(&fin, "claims_to_pay"), 1);
	assert_int_equal(counter(&head, "claims_to_pay"), -1);	/* finance's only */
	assert_int_equal(total_of(&fin, "/api/v1/expense-claims?status=approved"), 1);
	assert_true(total_of(&staff, "/api/v1/notifications") >= 1);
	/* finance alone pays, with a voucher, on a day not after today */
	pay(&head, claim1, "{\"voucher_no\":\"记-1\"}", 403, NULL);
	pay(&staff, claim1, "{\"voucher_no\":\"记-1\"}", 403, NULL);
	pay(&fin, claim1, "{}", 400, NULL);
	pay(&fin, claim1, "{\"voucher_no\":\"记-1\",\"paid_on\":\"2999-01-01\"}", 400, NULL);
	pay(&fin, claim1, "{\"voucher_no\":\"记-1\",\"paid_on\":\"bad\"}", 400, NULL);
	snprintf(body, sizeof(body), "{\"voucher_no\":\"记-%lld-0031\",\"paid_on\":\"%s\"}",
		 (long long)year, today);
	pay(&fin, claim1, body, 200, NULL);
	assert_string_equal(status_of(claim1), "paid");
	assert_int_equal(line_fig(l_travel1, "committed_fen"), 0);
	assert_int_equal(line_fig(l_travel1, "spent_fen"), 200000);
	assert_int_equal(counter(&fin, "claims_to_pay"), 0);
	assert_int_equal(my_requests(&staff, "expense_claim"), 0);
	{
		int64_t before = rows_now();
		pay(&fin, claim1, body, 409, "already_paid");
		assert_int_equal(rows_now(), before);
	}
	json_t *j = claim(&staff, claim1, 200);
	assert_string_equal(str_of(j, "paid_on"), today);
	assert_non_null(str_of(j, "voucher_no"));
	assert_string_equal(str_of(j, "paid_by_name"), "finance");
	json_decref(j);
}

static void
export_in_chinese_and_yuan(void **state)
{
	struct hq_resp r;

	(void)state;
	assert_int_equal(hq_req(&srv, &fin, "GET", "/api/v1/expense-claims?format=csv", NULL, &r),
			 200);
	assert_non_null(strstr(r.body, "报销单号"));
	assert_non_null(strstr(r.body, "2000.00"));
	assert_non_null(strstr(r.body, "已支付"));
	hq_resp_free(&r);
}

static void
leader_above_5000(void **state)
{
	int64_t att = upload(&staff), id = simple(&staff, "30211", 600000, att);
	json_t *j = claim(&staff, id, 200);

	(void)state;
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "approval"), "steps")), 3);
	json_decref(j);
	decide(&head, id, "approve", 200, NULL);
	decide(&fin, id, "approve", 200, NULL);
	assert_string_equal(status_of(id), "pending");
	decide(&leader, id, "approve", 200, NULL);
	assert_string_equal(status_of(id), "approved");
	assert_int_equal(line_fig(l_travel1, "committed_fen"), 600000);
}

/* 二处 has no head of its own: a leader decides that step; 一处's head never sees the claim. */
static void
other_department(void **state)
{
	int64_t id = simple(&staff2, "30211", 10000, 0);

	(void)state;
	json_decref(claim(&head, id, 404));
	assert_int_equal(total_of(&head, "/api/v1/expense-claims"), 2);
	assert_int_equal(total_of(&staff2, "/api/v1/expense-claims"), 1);
	decide(&leader, id, "approve", 200, NULL);
	decide(&fin, id, "approve", 200, NULL);
	assert_string_equal(status_of(id), "approved");
	assert_int_equal(line_fig(l_travel2, "committed_fen"), 10000);
}

/* c's notifications of kind */
static int64_t
notes(struct hq_client *c, const char *kind)
{
	json_t *j = hq_expect(&srv, c, "GET", "/api/v1/notifications?per_page=100", NULL, 200, NULL), *it;
	int64_t n = 0;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, it)
		if (strcmp(str_of(it, "kind"), kind) == 0)
			n++;
	json_decref(j);
	return n;
}

static void
stop_line_refuses_warn_line_allows(void **state)
{
	int64_t before = rows_now(), att = upload(&staff), id;
	char body[300];
	struct hq_resp r;

	(void)state;
	/* 会议费 ¥500 stop: ¥600 is ¥100 short, refused at submission, nothing written */
	snprintf(body, sizeof(body), "{\"items\":[{\"class_code\":\"30215\",\"amount_fen\":60000,"
		 "\"description\":\"会议室租用\"}],\"attachment_ids\":[%lld]}", (long long)att);
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/expense-claims", body, &r), 422);
	assert_string_equal(hq_err_code(&r), "over_budget");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r.json, "error"),
								   "message")), "100.00"));
	hq_resp_free(&r);
	assert_int_equal(rows_now(), before);
	/* ¥500 fits exactly */
	meet500 = simple(&staff, "30215", 50000, att);
	/* 办公费 ¥100 warn: ¥150 goes through (no invoice needed under ¥200) */
	id = simple(&staff, "30201", 15000, 0);
	assert_int_equal(line_fig(l_office1, "available_fen"), 10000);	/* committed at approval */
	/* approved, it goes ¥50 below zero, and finance hears of it */
	decide(&head, id, "approve", 200, NULL);
	decide(&fin, id, "approve", 200, NULL);
	assert_int_equal(line_fig(l_office1, "available_fen"), -5000);
	assert_int_equal(notes(&fin, "budget.overdraft"), 1);	/* the engine's warning */
	assert_int_equal(notes(&staff, "budget.overdraft"), 0);
	assert_int_equal(notes(&staff, "claim.approved"), 3);
}

static void
bad_input(void **state)
{
	static const struct {
		const char *body, *field;
		long status;
	} cases[] = {
		{ "{\"items\":[]}", "items", 400 },
		{ "{}", "items", 400 },
		{ "{\"items\":[{\"class_code\":\"30201\",\"amount_fen\":0,\"description\":\"x\"}]}",
		  "items[0].amount_fen", 400 },
		{ "{\"items\":[{\"class_code\":\"30201\",\"amount_fen\":100,\"description\":\"x\"},"
		  "{\"class_code\":\"30201\",\"amount_fen\":-5,\"description\":\"x\"}]}",
		  "items[1].amount_fen", 400 },
		{ "{\"items\":[{\"class_code\":\"30201\",\"amount_fen\":\"9\",\"description\":\"x\"}]}",
		  "items[0].amount_fen", 400 },
		{ "{\"items\":[{\"class_code\":\"99999\",\"amount_fen\":100,\"description\":\"x\"}]}",
		  "items[0].class_code", 400 },
		{ "{\"items\":[{\"class_code\":\"30201\",\"amount_fen\":100}]}",
		  "items[0].description", 400 },
		{ "{\"items\":[{\"class_code\":\"30201\",\"amount_fen\":100,\"description\":\"x\","
		  "\"kind\":\"lodging\"}]}", "items[0].kind", 400 },
		{ "{\"items\":[{\"class_code\":\"30211\",\"amount_fen\":100,\"description\":\"x\"}]}",
		  "trip", 400 },
		{ "{\"items\":[{\"class_code\":\"30211\",\"amount_fen\":100,\"description\":\"x\"}],"
		  "\"trip\":{\"city\":\"北京\",\"rank\":\"other\",\"start_date\":\"2026-11-04\","
		  "\"end_date\":\"2026-11-02\"}}", "trip.end_date", 400 },
		{ "{\"items\":[{\"class_code\":\"30211\",\"amount_fen\":100,\"description\":\"x\"}],"
		  "\"trip\":{\"city\":\"北京\",\"rank\":\"king\",\"start_date\":\"2026-11-02\","
		  "\"end_date\":\"2026-11-02\"}}", "trip.rank", 400 },
		{ "{\"items\":[{\"class_code\":\"30201\",\"amount_fen\":100,\"description\":\"x\"}],"
		  "\"attachment_ids\":[\"a\"]}", "attachment_ids", 400 },
		/* 公务接待费: no line of 一处 this year */
		{ "{\"items\":[{\"class_code\":\"30217\",\"amount_fen\":100,\"description\":\"x\"}]}",
		  "items[0].class_code", 422 },
	};
	int64_t before = rows_now(), theirs = upload(&staff2);
	char body[300];
	struct hq_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (hq_req(&srv, &staff, "POST", "/api/v1/expense-claims", cases[i].body, &r) !=
		    cases[i].status)
			fail_msg("%s: %ld %s", cases[i].body, r.status, r.body);
		if (!json_object_get(json_object_get(json_object_get(r.json, "error"), "fields"),
				     cases[i].field))
			fail_msg("%s: no field %s in %s", cases[i].body, cases[i].field, r.body);
		if (cases[i].status == 422)
			assert_string_equal(hq_err_code(&r), "no_budget_line");
		hq_resp_free(&r);
	}
	/* an attachment someone else uploaded */
	snprintf(body, sizeof(body), "{\"items\":[{\"class_code\":\"30201\",\"amount_fen\":100,"
		 "\"description\":\"x\"}],\"attachment_ids\":[%lld]}", (long long)theirs);
	json_decref(hq_expect(&srv, &staff, "POST", "/api/v1/expense-claims", body, 400, NULL));
	/* 纪检监察 and admins do not claim */
	json_decref(hq_expect(&srv, &sup, "POST", "/api/v1/expense-claims", cases[2].body, 403, NULL));
	assert_int_equal(rows_now(), before);
}

static void
withdraw_and_reject(void **state)
{
	int64_t id = simple(&staff, "30201", 1000, 0), committed = line_fig(l_office1, "committed_fen");
	char path[80];
	json_t *j;

	(void)state;
	snprintf(path, sizeof(path), "/api/v1/expense-claims/%lld/withdraw", (long long)id);
	json_decref(hq_expect(&srv, &staff2, "POST", path, NULL, 404, NULL));
	json_decref(hq_expect(&srv, &head, "POST", path, NULL, 403, NULL));
	j = hq_expect(&srv, &staff, "POST", path, NULL, 200, NULL);
	assert_string_equal(str_of(j, "status"), "withdrawn");
	json_decref(j);
	json_decref(hq_expect(&srv, &staff, "POST", path, NULL, 409, NULL));
	pay(&fin, id, "{\"voucher_no\":\"记-2\"}", 409, "not_approved");
	/* rejected: nothing committed, nothing to pay */
	id = simple(&staff, "30201", 1000, 0);
	decide(&head, id, "reject", 200, NULL);
	assert_string_equal(status_of(id), "rejected");
	pay(&fin, id, "{\"voucher_no\":\"记-3\"}", 409, "not_approved");
	assert_int_equal(line_fig(l_office1, "committed_fen"), committed);
	/* once decided, no withdrawal */
	id = simple(&staff, "30201", 1000, 0);
	decide(&head, id, "approve", 200, NULL);
	snprintf(path, sizeof(path), "/api/v1/expense-claims/%lld/withdraw", (long long)id);
	json_decref(hq_expect(&srv, &staff, "POST", path, NULL, 409, NULL));
	assert_int_equal(total_of(&staff, "/api/v1/expense-claims?status=withdrawn"), 1);
	assert_int_equal(total_of(&staff, "/api/v1/expense-claims?status=rejected"), 1);
}

/*
** Pending claims commit nothing: a ¥300 claim passes submission beside the
** pending ¥500 one; once that is approved the line is spent out, and the
** ¥300 claim's final approval is refused (422 over_budget), still pending.
*/
static void
final_approval_on_an_exhausted_line(void **state)
{
	int64_t id = simple(&staff, "30215", 30000, upload(&staff)), before;

	(void)state;
	decide(&head, meet500, "approve", 200, NULL);
	decide(&fin, meet500, "approve", 200, NULL);
	assert_int_equal(line_fig(l_meet1, "available_fen"), 0);
	decide(&head, id, "approve", 200, NULL);
	before = rows_now();
	decide(&fin, id, "approve", 422, "over_budget");
	assert_int_equal(rows_now(), before);
	assert_string_equal(status_of(id), "pending");
}

static void
closed_month_refuses_payment(void **state)
{
	int d = days_to_date((now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS);
	int y = d / 10000, m = d / 100 % 100, prev = m == 1 ? (y - 1) * 100 + 12 : y * 100 + m - 1;
	int64_t id = simple(&staff, "30211", 10000, 0), before;
	char path[80], body[120];

	(void)state;
	decide(&head, id, "approve", 200, NULL);
	decide(&fin, id, "approve", 200, NULL);
	snprintf(path, sizeof(path), "/api/v1/budget/periods/%d/close", prev);
	json_decref(hq_expect(&srv, &fin, "POST", path, NULL, 200, NULL));
	snprintf(body, sizeof(body), "{\"voucher_no\":\"记-9\",\"paid_on\":\"%04d-%02d-15\"}",
		 prev / 100, prev % 100);
	before = rows_now();
	pay(&fin, id, body, 422, "period_closed");
	assert_int_equal(rows_now(), before);
	assert_string_equal(status_of(id), "approved");
	pay(&fin, id, "{\"voucher_no\":\"记-9\"}", 200, NULL);
	assert_string_equal(status_of(id), "paid");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(standards_and_lines),
		cmocka_unit_test(preview_then_submit_with_invoices_and_reason),
		cmocka_unit_test(who_sees_what),
		cmocka_unit_test(approve_then_pay),
		cmocka_unit_test(export_in_chinese_and_yuan),
		cmocka_unit_test(leader_above_5000),
		cmocka_unit_test(other_department),
		cmocka_unit_test(stop_line_refuses_warn_line_allows),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(withdraw_and_reject),
		cmocka_unit_test(final_approval_on_an_exhausted_line),
		cmocka_unit_test(closed_month_refuses_payment),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
