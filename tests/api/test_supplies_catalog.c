/*
** tests/api/test_supplies_catalog.c: 办公用品 part K end to end, on either
** backend (HOUQIN_TEST_BACKEND): the catalog (items and suppliers: every 400
** and 409, who reads and who writes, the barcode lookup), an item's ledger
** for a period with movements before, inside and after it (every figure
** against the movements' own sums in SQL), write-offs (422
** insufficient_stock), and the stocktake: submitted with its book quantities
** → approved by the leader → one adjust row per differing line (a surplus and
** a shortfall); a rejected one moves nothing.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/supplies/stock.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client office, staff, leader, sup, finance, head;
static struct actor office_actor;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &leader, "leader");
	hq_sign_in(&srv, &sup, "supervisor");
	hq_sign_in(&srv, &finance, "finance");
	hq_sign_in(&srv, &head, "dept_head");
	office_actor = (struct actor){ .id = hq_user_id(&srv, "office"), .agency_id = srv.agency_id,
				       .department_id = srv.office_dept_id, .roles = ROLE_OFFICE,
				       .ip = "test", .username = "office" };
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&office);
	hq_client_free(&staff);
	hq_client_free(&leader);
	hq_client_free(&sup);
	hq_client_free(&finance);
	hq_client_free(&head);
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

/* A 400's message at field (the request must fail with 400). */
static void
bad_field(struct hq_client *c, const char *method, const char *path, const char *body,
	  const char *field)
{
	json_t *j = hq_expect(&srv, c, method, path, body, 400, NULL);
	json_t *fields = json_object_get(json_object_get(j, "error"), "fields");

	if (!json_object_get(fields, field))
		fail_msg("%s %s: no message at %s", method, body, field);
	json_decref(j);
}

#define ITEMS "/api/v1/supply-items"

static int64_t
new_item(const char *code, const char *barcode, int reorder)
{
	char body[300];
	json_t *j;
	int64_t id;

	snprintf(body, sizeof(body),
		 "{\"code\":\"%s\",\"name\":\"中性笔\",\"spec\":\"0.5mm 黑\",\"unit\":\"支\","
		 "\"category\":\"书写工具\",\"reorder_point\":%d,\"max_stock\":500,\"barcode\":%s%s%s}",
		 code, reorder, barcode ? "\"" : "", barcode ? barcode : "null", barcode ? "\"" : "");
	j = hq_expect(&srv, &office, "POST", "/api/v1/supply-items", body, 201, NULL);
	id = int_of(j, "id");
	assert_int_equal(int_of(j, "qty_on_hand"), 0);
	json_decref(j);
	return id;
}

static void
items_crud_and_roles(void **state)
{
	int64_t id = new_item("BJ-100", "6901234567892", 5);
	char path[64], body[400];
	json_t *j, *items;

	(void)state;
	snprintf(path, sizeof(path), "/api/v1/supply-items/%lld", (long long)id);
	/* who reads, who writes */
	json_decref(hq_expect(&srv, &staff, "GET", "/api/v1/supply-items", NULL, 200, NULL));
	json_decref(hq_expect(&srv, &sup, "GET", "/api/v1/supply-items?q=BJ", NULL, 200, NULL));
	json_decref(hq_expect(&srv, &staff, "POST", "/api/v1/supply-items",
			      "{\"code\":\"X\",\"name\":\"X\",\"unit\":\"个\",\"category\":\"X\"}", 403,
			      NULL));
	/* 400s, each at its field */
	bad_field(&office, "POST", ITEMS, "{\"name\":\"A\",\"unit\":\"个\",\"category\":\"纸\"}", "code");
	bad_field(&office, "POST", ITEMS, "{\"code\":\"A\",\"unit\":\"个\",\"category\":\"纸\"}", "name");
	bad_field(&office, "POST", ITEMS, "{\"code\":\"A\",\"name\":\"A\",\"category\":\"纸\"}", "unit");
	bad_field(&office, "POST", ITEMS, "{\"code\":\"A\",\"name\":\"A\",\"unit\":\"个\"}", "category");
	bad_field(&office, "POST", "/api/v1/supply-items",
		  "{\"code\":\"A\",\"name\":\"A\",\"unit\":\"个\",\"category\":\"纸\",\"reorder_point\":-1}",
		  "reorder_point");
	bad_field(&office, "POST", "/api/v1/supply-items",
		  "{\"code\":\"A\",\"name\":\"A\",\"unit\":\"个\",\"category\":\"纸\",\"reorder_point\":10,"
		  "\"max_stock\":10}", "max_stock");
	/* 409 duplicates: the code, the barcode */
	json_decref(hq_expect(&srv, &office, "POST", "/api/v1/supply-items",
			      "{\"code\":\"BJ-100\",\"name\":\"A\",\"unit\":\"个\",\"category\":\"纸\"}",
			      409, "duplicate"));
	json_decref(hq_expect(&srv, &office, "POST", "/api/v1/supply-items",
			      "{\"code\":\"BJ-101\",\"name\":\"A\",\"unit\":\"个\",\"category\":\"纸\","
			      "\"barcode\":\"6901234567892\"}", 409, "duplicate"));
	/* the barcode lookup (a phone's scan) and the low filter (0 on hand ≤ 5) */
	j = hq_expect(&srv, &staff, "GET", "/api/v1/supply-items?barcode=6901234567892", NULL, 200,
		      NULL);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(int_of(json_array_get(items, 0), "id"), id);
	assert_true(json_is_true(json_object_get(json_array_get(items, 0), "low")));
	json_decref(j);
	j = hq_expect(&srv, &office, "GET", "/api/v1/supply-items?low=1&category=书写工具", NULL, 200,
		      NULL);
	assert_true(int_of(j, "total") >= 1);
	json_decref(j);
	/* the categories: every one of the catalog with its counts, as SQL has them */
	j = hq_expect(&srv, &staff, "GET", "/api/v1/supply-categories", NULL, 200, NULL);
	items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), hq_scalar(&srv,
							   "SELECT COUNT(DISTINCT category) FROM supply_item"
							   " WHERE agency_id = :id",
							   srv.agency_id));
	for (size_t i = 0; i < json_array_size(items); i++)
		if (!strcmp(str_of(json_array_get(items, i), "category"), "书写工具"))
			assert_int_equal(int_of(json_array_get(items, i), "items"),
					 hq_scalar(&srv,
						   "SELECT COUNT(*) FROM supply_item WHERE"
						   " category = '书写工具' AND agency_id = :id",
						   srv.agency_id));
	json_decref(j);
	/* an edit with the updated_at it read; a stale one is 409; staff may not */
	j = hq_expect(&srv, &office, "GET", "/api/v1/supply-items?q=BJ-100", NULL, 200, NULL);
	snprintf(body, sizeof(body),
		 "{\"code\":\"BJ-100\",\"name\":\"中性笔（黑）\",\"unit\":\"支\",\"category\":\"书写工具\","
		 "\"reorder_point\":2,\"updated_at\":\"%s\"}",
		 str_of(json_array_get(json_object_get(j, "items"), 0), "updated_at"));
	json_decref(j);
	json_decref(hq_expect(&srv, &staff, "PUT", path, body, 403, NULL));
	j = hq_expect(&srv, &office, "PUT", path, body, 200, NULL);
	assert_string_equal(str_of(j, "name"), "中性笔（黑）");
	assert_null(json_object_get(j, "barcode"));
	json_decref(j);
	json_decref(hq_expect(&srv, &office, "PUT", path, body, 409, NULL));
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM audit_log WHERE entity = 'supply_item'"
				   " AND entity_id = :id",
				   id),
			 2);
}

static void
suppliers(void **state)
{
	const char *ok = "{\"name\":\"晨光文具\",\"contact\":\"王经理\",\"credit_code\":"
			 "\"91310000MA1FL0000N\",\"designated\":true}";
	char path[64], body[300];
	json_t *j;

	(void)state;
	bad_field(&office, "POST", "/api/v1/suppliers",
		  "{\"name\":\"X\",\"credit_code\":\"91310000MA1FL0000M\"}", "credit_code");
	bad_field(&office, "POST", "/api/v1/suppliers", "{\"name\":\"X\",\"credit_code\":\"123\"}",
		  "credit_code");
	json_decref(hq_expect(&srv, &staff, "POST", "/api/v1/suppliers", ok, 403, NULL));
	j = hq_expect(&srv, &office, "POST", "/api/v1/suppliers", ok, 201, NULL);
	assert_true(json_is_true(json_object_get(j, "designated")));
	snprintf(path, sizeof(path), "/api/v1/suppliers/%lld", (long long)int_of(j, "id"));
	snprintf(body, sizeof(body),
		 "{\"name\":\"晨光文具有限公司\",\"credit_code\":\"91310000ma1fl0000n\","
		 "\"designated\":true,\"updated_at\":\"%s\"}", str_of(j, "updated_at"));
	json_decref(j);
	json_decref(hq_expect(&srv, &office, "POST", "/api/v1/suppliers", ok, 409, "duplicate"));
	j = hq_expect(&srv, &office, "PUT", path, body, 200, NULL);
	assert_string_equal(str_of(j, "credit_code"), "91310000MA1FL0000N");
	json_decref(j);
	json_decref(hq_expect(&srv, &office, "PUT", path, body, 409, NULL));
	json_decref(hq_expect(&srv, &staff, "GET", "/api/v1/suppliers", NULL, 403, NULL));
	j = hq_expect(&srv, &finance, "GET", "/api/v1/suppliers?designated=1", NULL, 200, NULL);
	assert_int_equal(int_of(j, "total"), 1);
	json_decref(j);
}

/* One movement at occurred_at (epoch ms), in its own write transaction. */
static void
move(int out, int64_t id, int64_t qty, int64_t price, int64_t at)
{
	struct stock_move_in in = { .item_id = id, .reason = out ? "issue" : "purchase",
				    .qty = qty, .unit_cost_fen = price, .occurred_at = at,
				    .department_id = out ? srv.dept1_id : 0 };
	struct db *db = db_pool_writer(srv.pool);
	struct stock_move m;
	struct err e = { 0 };
	int rc = db_begin_write(db, &e) ||
		 (out ? stock_out(db, &office_actor, &in, &m, &e)
		      : stock_in(db, &office_actor, &in, &m, &e)) ||
		 db_commit(db, &e);

	if (rc && db_in_tx(db))
		db_rollback(db);
	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("move: %s", e.msg);
}

#define DAY_MS_ (86400000LL)
#define MAR1 1772366400000LL	/* 2026-03-01 12:00 UTC */

static void
sum_is(const json_t *j, const char *key, const char *sql_qty, const char *sql_value, int64_t id)
{
	const json_t *s = json_object_get(j, key);

	assert_int_equal(int_of(s, "qty"), hq_scalar(&srv, sql_qty, id));
	assert_int_equal(int_of(s, "value_fen"), hq_scalar(&srv, sql_value, id));
}

/* 3 月 5 日 through 3 月 31 日 (Shanghai): [MAR5, APR1) */
#define BEFORE_FROM " AND occurred_at < 1772640000000"
#define BEFORE_TO " AND occurred_at < 1774972800000"
#define IN_RANGE " AND occurred_at >= 1772640000000 AND occurred_at < 1774972800000"

static void
ledger_period(void **state)
{
	int64_t id = new_item("ZZ-200", NULL, 0);
	char path[120];
	json_t *j, *rows;

	(void)state;
	move(0, id, 100, 250, MAR1);			/* before */
	move(1, id, 30, 0, MAR1 + 2 * DAY_MS_);
	move(0, id, 50, 310, MAR1 + 9 * DAY_MS_);	/* inside */
	move(1, id, 45, 0, MAR1 + 15 * DAY_MS_);
	move(1, id, 7, 0, MAR1 + 29 * DAY_MS_);
	move(0, id, 20, 300, MAR1 + 40 * DAY_MS_);	/* after */
	snprintf(path, sizeof(path), "/api/v1/supply-items/%lld/ledger?from=2026-03-05&to=2026-03-31",
		 (long long)id);
	json_decref(hq_expect(&srv, &staff, "GET", path, NULL, 403, NULL));
	json_decref(hq_expect(&srv, &head, "GET", path, NULL, 200, NULL));
	j = hq_expect(&srv, &finance, "GET", path, NULL, 200, NULL);
	sum_is(j, "opening", "SELECT SUM(qty) FROM stock_movement WHERE item_id = :id" BEFORE_FROM,
	       "SELECT SUM(amount_fen) FROM stock_movement WHERE item_id = :id" BEFORE_FROM, id);
	sum_is(j, "closing", "SELECT SUM(qty) FROM stock_movement WHERE item_id = :id" BEFORE_TO,
	       "SELECT SUM(amount_fen) FROM stock_movement WHERE item_id = :id" BEFORE_TO, id);
	sum_is(j, "in", "SELECT SUM(qty) FROM stock_movement WHERE item_id = :id AND qty > 0" IN_RANGE,
	       "SELECT SUM(amount_fen) FROM stock_movement WHERE item_id = :id AND qty > 0" IN_RANGE,
	       id);
	sum_is(j, "out", "SELECT -SUM(qty) FROM stock_movement WHERE item_id = :id AND qty < 0" IN_RANGE,
	       "SELECT -SUM(amount_fen) FROM stock_movement WHERE item_id = :id AND qty < 0" IN_RANGE,
	       id);
	assert_int_equal(int_of(json_object_get(j, "opening"), "qty"), 70);
	assert_int_equal(int_of(json_object_get(j, "closing"), "qty"), 68);
	rows = json_object_get(j, "items");
	assert_int_equal(json_array_size(rows), 3);
	assert_int_equal(int_of(j, "total"), 3);
	assert_string_equal(str_of(json_array_get(rows, 1), "reason"), "issue");
	assert_int_equal(int_of(json_array_get(rows, 1), "qty"), -45);
	assert_non_null(str_of(json_array_get(rows, 1), "department_name"));
	json_decref(j);
}

static void
writeoffs(void **state)
{
	int64_t id = new_item("ZZ-300", NULL, 0);
	char path[80];
	json_t *j;

	(void)state;
	move(0, id, 4, 1000, 0);
	snprintf(path, sizeof(path), "/api/v1/supply-items/%lld/writeoffs", (long long)id);
	json_decref(hq_expect(&srv, &staff, "POST", path, "{\"reason\":\"scrap\",\"qty\":1,\"note\":\"破损\"}",
			      403, NULL));
	bad_field(&office, "POST", path, "{\"reason\":\"scrap\",\"qty\":1}", "note");
	bad_field(&office, "POST", path, "{\"reason\":\"issue\",\"qty\":1,\"note\":\"x\"}", "reason");
	bad_field(&office, "POST", path, "{\"reason\":\"loss\",\"qty\":0,\"note\":\"x\"}", "qty");
	json_decref(hq_expect(&srv, &office, "POST", path,
			      "{\"reason\":\"loss\",\"qty\":5,\"note\":\"遗失\"}", 422,
			      "insufficient_stock"));
	j = hq_expect(&srv, &office, "POST", path, "{\"reason\":\"scrap\",\"qty\":3,\"note\":\"受潮\"}",
		      201, NULL);
	assert_int_equal(int_of(j, "qty"), -3);
	assert_int_equal(int_of(j, "amount_fen"), -3000);
	assert_int_equal(int_of(j, "balance_qty"), 1);
	json_decref(j);
	assert_int_equal(hq_scalar(&srv, "SELECT qty_on_hand FROM supply_item WHERE id = :id", id), 1);
}

/* POST /stocktakes with two lines; the created stocktake. */
static json_t *
stocktake(int64_t a, int64_t qa, int64_t b, int64_t qb)
{
	char body[200];

	snprintf(body, sizeof(body),
		 "{\"note\":\"月末盘点\",\"lines\":[{\"item_id\":%lld,\"counted_qty\":%lld},"
		 "{\"item_id\":%lld,\"counted_qty\":%lld}]}", (long long)a, (long long)qa,
		 (long long)b, (long long)qb);
	return hq_expect(&srv, &office, "POST", "/api/v1/stocktakes", body, 201, NULL);
}

static void
decide(struct hq_client *c, int64_t stocktake_id, const char *decision)
{
	char path[80], body[80];
	json_t *j;

	snprintf(path, sizeof(path), "/api/v1/stocktakes/%lld", (long long)stocktake_id);
	j = hq_expect(&srv, &office, "GET", path, NULL, 200, NULL);
	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision",
		 (long long)int_of(j, "approval_id"));
	json_decref(j);
	snprintf(body, sizeof(body), "{\"decision\":\"%s\",\"comment\":\"核实\"}", decision);
	json_decref(hq_expect(&srv, c, "POST", path, body, 200, NULL));
}

static void
stocktakes(void **state)
{
	int64_t a = new_item("PD-1", NULL, 0), b = new_item("PD-2", NULL, 0), id;
	char path[80];
	json_t *j, *lines;

	(void)state;
	move(0, a, 10, 200, 0);
	move(0, b, 10, 500, 0);
	bad_field(&office, "POST", "/api/v1/stocktakes", "{\"lines\":[]}", "lines");
	bad_field(&office, "POST", "/api/v1/stocktakes",
		  "{\"lines\":[{\"item_id\":999999,\"counted_qty\":1}]}", "lines[0].item_id");
	bad_field(&office, "POST", "/api/v1/stocktakes",
		  "{\"lines\":[{\"item_id\":1,\"counted_qty\":-1}]}", "lines[0].counted_qty");
	json_decref(hq_expect(&srv, &staff, "POST", "/api/v1/stocktakes",
			      "{\"lines\":[{\"item_id\":1,\"counted_qty\":1}]}", 403, NULL));
	/* a surplus of 2 on a, a shortfall of 3 on b: nothing moves before approval */
	j = stocktake(a, 12, b, 7);
	id = int_of(j, "id");
	assert_string_equal(str_of(j, "status"), "pending");
	assert_non_null(strstr(str_of(j, "code"), "PD20"));
	assert_non_null(strstr(str_of(j, "code"), "-0001"));
	lines = json_object_get(j, "lines");
	assert_int_equal(int_of(json_array_get(lines, 0), "book_qty"), 10);
	json_decref(j);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM stock_movement WHERE source_module = 'stocktake'"
				   " AND source_id = :id",
				   id),
			 0);
	move(1, a, 1, 0, 0);	/* a moves meanwhile: the count still sets the balance */
	decide(&leader, id, "approve");
	snprintf(path, sizeof(path), "/api/v1/stocktakes/%lld", (long long)id);
	j = hq_expect(&srv, &sup, "GET", path, NULL, 200, NULL);
	assert_string_equal(str_of(j, "status"), "approved");
	json_decref(j);
	assert_int_equal(hq_scalar(&srv, "SELECT qty_on_hand FROM supply_item WHERE id = :id", a), 12);
	assert_int_equal(hq_scalar(&srv, "SELECT qty_on_hand FROM supply_item WHERE id = :id", b), 7);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT qty FROM stock_movement WHERE item_id = :id"
				   " AND reason = 'stocktake'",
				   a),
			 3);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT amount_fen FROM stock_movement WHERE item_id = :id"
				   " AND reason = 'stocktake'",
				   b),
			 -1500);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM audit_log WHERE entity = 'stocktake'"
				   " AND entity_id = :id",
				   id),
			 2);
	/* the office user who counted hears it */
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM notification WHERE entity = 'stocktake'"
				   " AND entity_id = :id AND kind = 'stocktake.approved'",
				   id),
			 1);
	/* a rejected one moves nothing */
	j = stocktake(a, 0, b, 0);
	id = int_of(j, "id");
	json_decref(j);
	decide(&leader, id, "reject");
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM notification WHERE entity = 'stocktake'"
				   " AND entity_id = :id AND kind = 'stocktake.rejected'",
				   id),
			 1);
	assert_int_equal(hq_scalar(&srv, "SELECT qty_on_hand FROM supply_item WHERE id = :id", a), 12);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM stock_movement WHERE source_module = 'stocktake'"
				   " AND source_id = :id",
				   id),
			 0);
	j = hq_expect(&srv, &finance, "GET", "/api/v1/stocktakes?status=rejected", NULL, 200, NULL);
	assert_int_equal(int_of(j, "total"), 1);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(items_crud_and_roles),
		cmocka_unit_test(suppliers),
		cmocka_unit_test(ledger_period),
		cmocka_unit_test(writeoffs),
		cmocka_unit_test(stocktakes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
