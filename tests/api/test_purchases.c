/*
** tests/api/test_purchases.c: 采购 end to end on either backend
** (HOUQIN_TEST_BACKEND): each approval tier (the office alone below ¥5,000;
** + a leader with three quotes; + the 党组会 committee citing its minutes),
** the budget committed at approval and spent at receipt (against budget_entry
** in SQL), a stop line refusing at submission with nothing written, the
** receipt rules (two_person_rule, separation_of_duties, at most what was
** ordered), stock in at the received prices (the ledger equals the sum of
** its movements), close releasing the rest, and the roles.
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
static struct hq_client office, office2, leader, leader2, fin, staff, sup;
static int64_t year, supplier, item_a, item_b, item_off, l_office, l_stop;
static int64_t u_office, u_buyer1, u_buyer2, u_staff;

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

/* One row written by SQL in its own transaction (the catalog is part K's API). */
static int64_t
insert(const char *sql, const char *text, int64_t n)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t id = 0;
	int rc = db_begin_write(db, &e) || db_prepare(db, &st, sql, &e) ||
		 db_bind_i64(&st, ":agency", srv.agency_id, &e) ||
		 db_bind_text(&st, ":text", text, &e) || db_bind_i64(&st, ":n", n, &e) ||
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

static const char sql_item[] =
	"INSERT INTO supply_item (agency_id, code, name, unit, category, reorder_point, max_stock,"
	" active, created_at, updated_at) VALUES (:agency, :text, :text, '包', '纸张', 10, 100, :n,"
	" 0, 0) RETURNING id";
static const char sql_supplier[] =
	"INSERT INTO supplier (agency_id, name, credit_code, created_at, updated_at)"
	" VALUES (:agency, :text, '91110000100000000A', :n, 0) RETURNING id";

static int64_t
create(struct hq_client *c, const char *path, const char *body)
{
	json_t *j = hq_expect(&srv, c, "POST", path, body, 201, NULL);
	int64_t id = int_of(j, "id");

	json_decref(j);
	return id;
}

static int64_t
class_id(const char *code)
{
	json_t *j = hq_expect(&srv, &fin, "GET", "/api/v1/budget-classes", NULL, 200, NULL), *it;
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
line(const char *code, int64_t fen, const char *control)
{
	char body[200];

	snprintf(body, sizeof(body),
		 "{\"year\":%lld,\"department_id\":%lld,\"class_id\":%lld,\"amount_fen\":%lld,"
		 "\"control\":\"%s\"}", (long long)year, (long long)srv.office_dept_id,
		 (long long)class_id(code), (long long)fen, control);
	return create(&fin, "/api/v1/budget-lines", body);
}

static int
setup(void **state)
{
	int64_t ids[2];

	(void)state;
	year = days_to_date((now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS) / 10000;
	hq_start(&srv);
	hq_fixture_users(&srv, srv.agency_id, srv.office_dept_id, "office_b", "office", 1, NULL);
	hq_fixture_users(&srv, srv.agency_id, srv.office_dept_id, "leader_b", "leader", 1, NULL);
	hq_fixture_users(&srv, srv.agency_id, srv.office_dept_id, "buyer", "staff", 2, ids);
	u_buyer1 = ids[0];
	u_buyer2 = ids[1];
	u_office = hq_user_id(&srv, "office");
	u_staff = hq_user_id(&srv, "staff");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &office2, "office_b1");
	hq_sign_in(&srv, &leader, "leader");
	hq_sign_in(&srv, &leader2, "leader_b1");
	hq_sign_in(&srv, &fin, "finance");
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &sup, "supervisor");
	supplier = insert(sql_supplier, "文具供应商", 0);
	item_a = insert(sql_item, "A4 复印纸", 1);
	item_b = insert(sql_item, "中性笔", 1);
	item_off = insert(sql_item, "停用物品", 0);
	l_office = line("30201", 20000000, "warn");	/* ¥200,000 */
	l_stop = line("30218", 100000, "stop");	/* ¥1,000 */
	return 0;
}

static int
teardown(void **state)
{
	struct hq_client *all[] = { &office, &office2, &leader, &leader2, &fin, &staff, &sup };

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		hq_client_free(all[i]);
	hq_stop(&srv);
	return 0;
}

static int64_t
upload(void)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
	struct hq_resp r;
	int64_t id;

	assert_int_equal(hq_req_bin(&srv, &office, "POST", "/api/v1/attachments?kind=document",
				    "application/pdf", "X-Filename: baojia.pdf", pdf,
				    sizeof(pdf) - 1, &r), 201);
	id = int_of(r.json, "id");
	hq_resp_free(&r);
	return id;
}

/* An order of qa of A and qb of B at price fen each, with quotes (a "[..]" list), as office. */
static char *
order_body(int64_t qa, int64_t qb, int64_t price, const char *quotes, const char *class_code)
{
	static char body[600];

	snprintf(body, sizeof(body),
		 "{\"lines\":[{\"item_id\":%lld,\"qty\":%lld,\"unit_price_fen\":%lld},"
		 "{\"item_id\":%lld,\"qty\":%lld,\"unit_price_fen\":%lld}],\"supplier_id\":%lld,"
		 "\"quote_attachment_ids\":%s,\"class_code\":\"%s\",\"reason\":\"补充库存\"}",
		 (long long)item_a, (long long)qa, (long long)price, (long long)item_b,
		 (long long)qb, (long long)price, (long long)supplier, quotes, class_code);
	return body;
}

static json_t *
order(struct hq_client *c, int64_t id, long want)
{
	char path[64];

	snprintf(path, sizeof(path), "/api/v1/purchase-orders/%lld", (long long)id);
	return hq_expect(&srv, c, "GET", path, NULL, want, NULL);
}

static void
decide(struct hq_client *c, int64_t id, const char *minutes, long want, const char *code)
{
	json_t *j = order(&fin, id, 200);
	char path[80], body[160];

	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision",
		 (long long)int_of(j, "approval_id"));
	snprintf(body, sizeof(body), "{\"decision\":\"approve\",\"comment\":\"同意\"%s%s%s}",
		 minutes ? ",\"minutes_ref\":\"" : "", minutes ? minutes : "", minutes ? "\"" : "");
	json_decref(j);
	json_decref(hq_expect(&srv, c, "POST", path, body, want, code));
}

static const char *
status_of(int64_t id)
{
	static char s[16];
	json_t *j = order(&fin, id, 200);

	snprintf(s, sizeof(s), "%s", str_of(j, "status"));
	json_decref(j);
	return s;
}

static int64_t
entries(const char *kind, int64_t id)
{
	char sql[200];

	snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(amount_fen), 0) FROM budget_entry"
		 " WHERE source_module = 'purchase_order' AND source_id = :id AND kind = '%s'", kind);
	return hq_scalar(&srv, sql, id);
}

static int64_t
rows_now(void)
{
	return hq_scalar(&srv, "SELECT COUNT(*) FROM purchase_order WHERE :id = :id", 0) * 1000000 +
	       hq_scalar(&srv, "SELECT COUNT(*) FROM purchase_order_line WHERE :id = :id", 0) * 10000 +
	       hq_scalar(&srv, "SELECT COUNT(*) FROM approval WHERE :id = :id", 0) * 100 +
	       hq_scalar(&srv, "SELECT COUNT(*) FROM budget_entry WHERE :id = :id", 0) +
	       hq_scalar(&srv, "SELECT COUNT(*) FROM attachment WHERE owner_entity IS NOT NULL AND :id = :id",
			 0) *
		       7 +
	       hq_scalar(&srv, "SELECT COUNT(*) FROM stock_movement WHERE :id = :id", 0) * 13;
}

static long
receive(int64_t id, const char *buyers, int64_t acceptor, int64_t qa, int64_t qb, int64_t pb,
	const char *code)
{
	char path[80], body[400];
	struct hq_resp r;
	long st;

	snprintf(path, sizeof(path), "/api/v1/purchase-orders/%lld/receive", (long long)id);
	snprintf(body, sizeof(body),
		 "{\"purchaser_ids\":%s,\"acceptor_id\":%lld,\"invoice_no\":\"FP20260001\","
		 "\"lines\":[{\"item_id\":%lld,\"qty\":%lld,\"unit_price_fen\":5000},"
		 "{\"item_id\":%lld,\"qty\":%lld,\"unit_price_fen\":%lld}]}", buyers,
		 (long long)acceptor, (long long)item_a, (long long)qa, (long long)item_b,
		 (long long)qb, (long long)pb);
	st = hq_req(&srv, &office, "POST", path, body, &r);
	if (code)
		assert_string_equal(hq_err_code(&r), code);
	hq_resp_free(&r);
	return st;
}

/* ¥4,000: the office alone (another office user), committed, received, closed. */
static void
test_office_tier(void **state)
{
	json_t *j = hq_expect(&srv, &office, "POST", "/api/v1/purchase-orders",
			      order_body(60, 20, 5000, "[]", "30201"), 201, NULL);
	int64_t id = int_of(j, "id"), before;
	char code[32], buyers[64];

	(void)state;
	snprintf(code, sizeof(code), "CG%lld-0001", (long long)year);
	assert_string_equal(str_of(j, "code"), code);
	assert_string_equal(str_of(j, "status"), "pending");
	json_decref(j);
	j = order(&fin, id, 200);	/* finance reads; one step: 办公室审核 */
	assert_int_equal(int_of(j, "total_fen"), 400000);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "approval"), "steps")), 1);
	json_decref(j);
	decide(&office, id, NULL, 422, "self_approval");
	assert_int_equal(entries("commit", id), 0);
	decide(&office2, id, NULL, 200, NULL);
	assert_string_equal(status_of(id), "approved");
	assert_int_equal(entries("commit", id), 400000);

	/* receipt rules: more than ordered; acceptor a purchaser or the requester */
	before = rows_now();
	assert_int_equal(receive(id, "[0]", u_staff, 60, 10, 4800, NULL), 400);
	snprintf(buyers, sizeof(buyers), "[%lld]", (long long)u_buyer1);
	assert_int_equal(receive(id, buyers, u_staff, 61, 10, 4800, NULL), 400);
	assert_int_equal(receive(id, buyers, u_buyer1, 60, 10, 4800, "separation_of_duties"), 422);
	assert_int_equal(receive(id, buyers, u_office, 60, 10, 4800, "separation_of_duties"), 422);
	assert_int_equal(rows_now(), before);
	/* one purchaser suffices below ¥50,000; 60 × ¥50 + 10 × ¥48 */
	assert_int_equal(receive(id, buyers, u_staff, 60, 10, 4800, NULL), 200);
	assert_string_equal(status_of(id), "received");
	assert_int_equal(entries("spend", id), 348000);
	assert_int_equal(entries("release", id), 348000);	/* the spend settles its part */
	assert_int_equal(hq_scalar(&srv, "SELECT qty_on_hand FROM supply_item WHERE id = :id", item_a), 60);
	assert_int_equal(hq_scalar(&srv, "SELECT stock_value_fen FROM supply_item WHERE id = :id", item_a),
			 300000);
	assert_int_equal(hq_scalar(&srv, "SELECT stock_value_fen FROM supply_item WHERE id = :id", item_b),
			 48000);
	assert_int_equal(
		hq_scalar(&srv, "SELECT SUM(amount_fen) FROM stock_movement WHERE item_id = :id", item_b),
		48000);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM stock_movement WHERE source_module ="
				   " 'purchase_order' AND source_id = :id",
				   id),
			 2);
	/* close: the 52,000 fen never spent go back to the line */
	{
		char path[80];

		snprintf(path, sizeof(path), "/api/v1/purchase-orders/%lld/close", (long long)id);
		json_decref(hq_expect(&srv, &office, "POST", path, "{}", 200, NULL));
		json_decref(hq_expect(&srv, &office, "POST", path, "{}", 409, "wrong_status"));
	}
	assert_int_equal(entries("release", id), 400000);
	assert_string_equal(status_of(id), "closed");
}

/* ¥20,000: two quotes refuse with nothing written; three go to the office and a leader. */
static void
test_leader_tier(void **state)
{
	int64_t q1 = upload(), q2 = upload(), q3 = upload(), before = rows_now(), id;
	char quotes[80];

	(void)state;
	snprintf(quotes, sizeof(quotes), "[%lld,%lld]", (long long)q1, (long long)q2);
	json_decref(hq_expect(&srv, &office, "POST", "/api/v1/purchase-orders",
			      order_body(200, 200, 5000, quotes, "30201"), 422, "quotes_required"));
	assert_int_equal(rows_now(), before);
	snprintf(quotes, sizeof(quotes), "[%lld,%lld,%lld]", (long long)q1, (long long)q2,
		 (long long)q3);
	id = create(&office, "/api/v1/purchase-orders", order_body(200, 200, 5000, quotes, "30201"));
	{
		json_t *j = order(&leader, id, 200);

		assert_int_equal(json_array_size(json_object_get(j, "quotes")), 3);
		assert_int_equal(json_array_size(json_object_get(json_object_get(j, "approval"),
								 "steps")), 2);
		json_decref(j);
	}
	decide(&office2, id, NULL, 200, NULL);
	assert_string_equal(status_of(id), "pending");
	decide(&leader, id, NULL, 200, NULL);
	assert_string_equal(status_of(id), "approved");
	assert_int_equal(entries("commit", id), 2000000);
}

/* ¥60,000: + 党组会 with its minutes; the two-person rule at receipt. */
static void
test_committee_tier(void **state)
{
	int64_t q1 = upload(), q2 = upload(), q3 = upload(), id;
	char quotes[80], buyers[64];
	json_t *j, *steps;

	(void)state;
	snprintf(quotes, sizeof(quotes), "[%lld,%lld,%lld]", (long long)q1, (long long)q2,
		 (long long)q3);
	id = create(&office, "/api/v1/purchase-orders", order_body(600, 600, 5000, quotes, "30201"));
	decide(&office2, id, NULL, 200, NULL);
	decide(&leader, id, NULL, 200, NULL);
	decide(&leader2, id, NULL, 422, "minutes_required");
	assert_int_equal(entries("commit", id), 0);
	decide(&leader2, id, "党组会〔2026〕3号", 200, NULL);
	j = order(&sup, id, 200);
	steps = json_object_get(json_object_get(j, "approval"), "steps");
	assert_int_equal(json_array_size(steps), 3);
	assert_string_equal(str_of(json_array_get(steps, 2), "minutes_ref"), "党组会〔2026〕3号");
	assert_string_equal(str_of(j, "status"), "approved");
	json_decref(j);
	assert_int_equal(entries("commit", id), 6000000);
	/* one purchaser; or the requester as one of two: two_person_rule */
	snprintf(buyers, sizeof(buyers), "[%lld]", (long long)u_buyer1);
	assert_int_equal(receive(id, buyers, u_staff, 600, 600, 5000, "two_person_rule"), 422);
	snprintf(buyers, sizeof(buyers), "[%lld,%lld]", (long long)u_buyer1, (long long)u_office);
	assert_int_equal(receive(id, buyers, u_staff, 600, 600, 5000, "two_person_rule"), 422);
	snprintf(buyers, sizeof(buyers), "[%lld,%lld]", (long long)u_buyer1, (long long)u_buyer2);
	assert_int_equal(receive(id, buyers, u_buyer2, 600, 600, 5000, "separation_of_duties"), 422);
	assert_int_equal(receive(id, buyers, u_staff, 600, 600, 5000, NULL), 200);
	assert_int_equal(entries("spend", id), 6000000);
	j = order(&fin, id, 200);
	assert_int_equal(json_array_size(json_object_get(j, "people")), 3);
	assert_string_equal(str_of(j, "invoice_no"), "FP20260001");
	json_decref(j);
	/* the item's value is the sum of its movements */
	assert_int_equal(
		hq_scalar(&srv, "SELECT stock_value_fen FROM supply_item WHERE id = :id", item_a),
		hq_scalar(&srv, "SELECT SUM(amount_fen) FROM stock_movement WHERE item_id = :id", item_a));
}

/* The office cancels: a pending order's approval settles; an approved one's commitment goes back. */
static void
test_cancel(void **state)
{
	int64_t a = create(&office, "/api/v1/purchase-orders", order_body(1, 1, 1000, "[]", "30201"));
	int64_t b = create(&office, "/api/v1/purchase-orders", order_body(2, 2, 1000, "[]", "30201"));
	char path[80];

	(void)state;
	snprintf(path, sizeof(path), "/api/v1/purchase-orders/%lld/cancel", (long long)a);
	json_decref(hq_expect(&srv, &staff, "POST", path, "{}", 403, NULL));
	json_decref(hq_expect(&srv, &office, "POST", path, "{}", 200, NULL));
	assert_string_equal(status_of(a), "cancelled");
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM approval a JOIN purchase_order o"
				   " ON o.approval_id = a.id WHERE o.id = :id AND a.status = 'withdrawn'",
				   a),
			 1);
	decide(&office2, b, NULL, 200, NULL);
	assert_int_equal(entries("commit", b), 4000);
	snprintf(path, sizeof(path), "/api/v1/purchase-orders/%lld/cancel", (long long)b);
	json_decref(hq_expect(&srv, &office, "POST", path, "{}", 200, NULL));
	json_decref(hq_expect(&srv, &office, "POST", path, "{}", 409, "wrong_status"));
	assert_int_equal(entries("release", b), 4000);
	assert_string_equal(status_of(b), "cancelled");
}

/* A stop line without room; bad lines; roles. Nothing written by any refusal. */
static void
test_refusals_and_roles(void **state)
{
	int64_t before = rows_now(), item_c;
	char body[300];

	(void)state;
	item_c = insert(sql_item, "硒鼓", 1);
	before = rows_now();
	json_decref(hq_expect(&srv, &office, "POST", "/api/v1/purchase-orders",
			      order_body(10, 10, 20000, "[]", "30218"), 422, "over_budget"));
	json_decref(hq_expect(&srv, &office, "POST", "/api/v1/purchase-orders",
			      order_body(0, 10, 100, "[]", "30201"), 400, "invalid"));
	json_decref(hq_expect(&srv, &office, "POST", "/api/v1/purchase-orders",
			      order_body(1, 10, -1, "[]", "30201"), 400, "invalid"));
	snprintf(body, sizeof(body), "{\"lines\":[{\"item_id\":%lld,\"qty\":1,\"unit_price_fen\":1}],"
		 "\"supplier_id\":%lld}", (long long)item_off, (long long)supplier);
	json_decref(hq_expect(&srv, &office, "POST", "/api/v1/purchase-orders", body, 422,
			      "item_inactive"));
	snprintf(body, sizeof(body), "{\"lines\":[{\"item_id\":999999,\"qty\":1,\"unit_price_fen\":1}],"
		 "\"supplier_id\":%lld}", (long long)supplier);
	json_decref(hq_expect(&srv, &office, "POST", "/api/v1/purchase-orders", body, 400, "invalid"));
	json_decref(hq_expect(&srv, &staff, "POST", "/api/v1/purchase-orders",
			      order_body(1, 1, 100, "[]", "30201"), 403, NULL));
	assert_int_equal(rows_now(), before);
	json_decref(hq_expect(&srv, &staff, "GET", "/api/v1/purchase-orders", NULL, 403, NULL));
	json_decref(hq_expect(&srv, &fin, "GET", "/api/v1/purchase-orders?status=approved", NULL,
			      200, NULL));
	json_decref(hq_expect(&srv, &fin, "GET", "/api/v1/purchase-orders/suggestions", NULL, 403,
			      NULL));
	{
		json_t *j = hq_expect(&srv, &office, "GET", "/api/v1/purchase-orders/people", NULL,
				      200, NULL);

		assert_true(int_of(j, "total") >= 14);	/* the fixture's users and this test's */
		json_decref(j);
	}
	{
		json_t *j = hq_expect(&srv, &office, "GET", "/api/v1/purchase-orders/suggestions",
				      NULL, 200, NULL);

		/* A and B are stocked now, the inactive item is none: only the new one, up to max */
		assert_int_equal(int_of(j, "total"), 1);
		assert_int_equal(int_of(json_array_get(json_object_get(j, "items"), 0), "item_id"),
				 item_c);
		assert_int_equal(int_of(json_array_get(json_object_get(j, "items"), 0),
					"suggested_qty"), 100);
		json_decref(j);
	}
	(void)l_office;
	(void)l_stop;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_office_tier),
		cmocka_unit_test(test_leader_tier),
		cmocka_unit_test(test_committee_tier),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_refusals_and_roles),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
