/*
** tests/api/test_stock.c: the stock ledger (modules/supplies/stock.h) on a real
** database of either backend (HOUQIN_TEST_BACKEND), as the requisition and
** purchasing flows call it: in a write transaction. Every figure is compared
** with the movements' own sums in SQL; a refusal writes nothing; the office is
** told of low stock once per crossing; 30 issues racing for the last 10 units
** on connections of their own: exactly 10 leave, never a negative balance.
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

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define RACERS 30

static struct hq_server srv;
static struct actor office;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	office = (struct actor){ .id = hq_user_id(&srv, "office"), .agency_id = srv.agency_id,
				 .department_id = srv.office_dept_id, .roles = ROLE_OFFICE,
				 .ip = "test", .username = "office" };
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_stop(&srv);
	return 0;
}

static const char sql_item[] =
	"INSERT INTO supply_item (agency_id, code, name, unit, category, reorder_point, active,"
	" created_at, updated_at) VALUES (:agency, :code, '签字笔', '支', '书写用品', :reorder,"
	" :active, 0, 0) RETURNING id";

static int64_t
item(const char *code, int64_t reorder, int active)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t id = 0;
	int rc = db_begin_write(db, &e) || db_prepare(db, &st, sql_item, &e) ||
		 db_bind_i64(&st, ":agency", srv.agency_id, &e) ||
		 db_bind_text(&st, ":code", code, &e) || db_bind_i64(&st, ":reorder", reorder, &e) ||
		 db_bind_i64(&st, ":active", active, &e) || db_step_row(&st, &e) ? e.code : 0;

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

enum op { IN, OUT, ADJUST };

/* One movement in its own write transaction; the error code (and *e) back. */
static int
move(enum op op, int64_t id, const char *reason, int64_t qty, int64_t price, const char *note,
     struct stock_move *m, struct err *e)
{
	struct stock_move_in in = { .item_id = id, .reason = reason, .qty = qty,
				    .unit_cost_fen = price, .source_module = "test",
				    .source_id = 1, .department_id = srv.dept1_id, .note = note };
	struct db *db = db_pool_writer(srv.pool);
	int rc = db_begin_write(db, e);

	if (!rc)
		rc = op == IN ? stock_in(db, &office, &in, m, e)
		     : op == OUT ? stock_out(db, &office, &in, m, e)
				 : stock_adjust(db, &office, id, qty, "test", 1, m, e);
	if (!rc)
		rc = db_commit(db, e);
	else if (db_in_tx(db))
		db_rollback(db);
	db_pool_writer_unlock(srv.pool);
	return rc;
}

static void
ok_move(enum op op, int64_t id, const char *reason, int64_t qty, int64_t price,
	struct stock_move *m)
{
	struct err e = { 0 };

	if (move(op, id, reason, qty, price, op == OUT && strcmp(reason, "issue") ? "破损" : NULL,
		 m, &e))
		fail_msg("%s: %d %s %s", reason, e.code, e.slug ? e.slug : "", e.msg);
}

/* The item's balance equals the sums of its movements, in quantity and in value. */
static void
ledger_sums(int64_t id)
{
	assert_int_equal(
		hq_scalar(&srv, "SELECT qty_on_hand FROM supply_item WHERE id = :id", id),
		hq_scalar(&srv, "SELECT COALESCE(SUM(qty), 0) FROM stock_movement WHERE item_id = :id", id));
	assert_int_equal(
		hq_scalar(&srv, "SELECT stock_value_fen FROM supply_item WHERE id = :id", id),
		hq_scalar(&srv, "SELECT COALESCE(SUM(amount_fen), 0) FROM stock_movement WHERE item_id = :id",
			  id));
}

static void
weighted_average_through_the_ledger(void **state)
{
	int64_t id = item("BJ-001", 0, 1);
	struct stock_move m;

	(void)state;
	ok_move(IN, id, "purchase", 10, 250, &m);
	assert_int_equal(m.balance_value_fen, 2500);
	ok_move(IN, id, "purchase", 30, 350, &m);
	assert_int_equal(m.balance_qty, 40);
	assert_int_equal(m.balance_value_fen, 13000);
	ok_move(OUT, id, "issue", 15, 0, &m);	/* at the average 325 */
	assert_int_equal(m.qty, -15);
	assert_int_equal(m.amount_fen, -4875);
	assert_int_equal(m.unit_cost_fen, 325);
	assert_int_equal(m.balance_value_fen, 8125);
	ok_move(OUT, id, "scrap", 1, 0, &m);
	assert_int_equal(m.amount_fen, -325);
	ok_move(ADJUST, id, NULL, 20, 0, &m);	/* counted 20 of 24: 4 short */
	assert_int_equal(m.qty, -4);
	assert_int_equal(m.amount_fen, -1300);
	assert_int_equal(m.balance_qty, 20);
	ok_move(ADJUST, id, NULL, 20, 0, &m);	/* matches: no row */
	assert_int_equal(m.id, 0);
	ok_move(ADJUST, id, NULL, 22, 0, &m);	/* 2 found, at the average */
	assert_int_equal(m.amount_fen, 650);
	ok_move(OUT, id, "issue", 22, 0, &m);	/* the last units take the rest */
	assert_int_equal(m.balance_qty, 0);
	assert_int_equal(m.balance_value_fen, 0);
	ok_move(ADJUST, id, NULL, 3, 0, &m);	/* found on an empty shelf: the last price */
	assert_int_equal(m.amount_fen, 3 * 350);
	ledger_sums(id);
	assert_int_equal(hq_scalar(&srv, "SELECT COUNT(*) FROM stock_movement WHERE item_id = :id", id), 8);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM audit_log WHERE entity = 'supply_item'"
				   " AND entity_id = :id",
				   id),
			 8);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM stock_movement WHERE item_id = :id"
				   " AND department_id IS NOT NULL AND reason = 'issue'",
				   id),
			 2);
}

/* A refusal: its code and slug/field, and nothing written. */
static void
refused(enum op op, int64_t id, const char *reason, int64_t qty, int64_t price, const char *note,
	int code, const char *what)
{
	int64_t before = hq_scalar(&srv, "SELECT COUNT(*) FROM stock_movement WHERE item_id = :id", id);
	struct stock_move m;
	struct err e = { 0 };

	assert_int_equal(move(op, id, reason, qty, price, note, &m, &e), code);
	if (code == ERR_INVALID)
		assert_non_null(strstr(e.nfields ? e.fields[0].name : "", what));
	else
		assert_string_equal(e.slug, what);
	assert_int_equal(hq_scalar(&srv, "SELECT COUNT(*) FROM stock_movement WHERE item_id = :id", id),
			 before);
}

static void
refusals_write_nothing(void **state)
{
	int64_t id = item("BJ-002", 0, 1), off = item("BJ-003", 0, 0);
	struct stock_move m;

	(void)state;
	ok_move(IN, id, "purchase", 5, 100, &m);
	refused(OUT, id, "issue", 6, 0, NULL, ERR_RULE, "insufficient_stock");
	refused(OUT, id, "issue", 0, 0, NULL, ERR_INVALID, "qty");
	refused(IN, id, "purchase", 1, -1, NULL, ERR_INVALID, "unit_cost_fen");
	refused(OUT, id, "loss", 1, 0, NULL, ERR_INVALID, "note");
	refused(IN, id, "issue", 1, 100, NULL, ERR_INVALID, "reason");
	refused(IN, id, "purchase", STOCK_QTY_MAX, 1, NULL, ERR_RULE, "stock_too_large");
	refused(IN, off, "purchase", 1, 100, NULL, ERR_RULE, "item_inactive");
	refused(ADJUST, id, NULL, -1, 0, NULL, ERR_INVALID, "counted_qty");
	refused(OUT, 999999, "issue", 1, 0, NULL, ERR_INVALID, "item_id");
	ledger_sums(id);
}

static int64_t
alerts(int64_t id)
{
	return hq_scalar(&srv,
			 "SELECT COUNT(*) FROM notification WHERE kind = 'supplies.low_stock'"
			 " AND entity_id = :id",
			 id);
}

static void
low_stock_once_per_crossing(void **state)
{
	int64_t id = item("BJ-004", 5, 1),
		per = hq_scalar(
			&srv,
			"SELECT COUNT(*) FROM user_role r"
			" JOIN app_user u ON u.id = r.user_id WHERE r.role = 'office' AND u.active = 1"
			" AND u.agency_id = :id AND u.id <> (SELECT id FROM app_user WHERE username ="
			" 'office')",
			srv.agency_id);
	struct stock_move m;

	(void)state;
	ok_move(IN, id, "purchase", 10, 100, &m);
	ok_move(OUT, id, "issue", 4, 0, &m);	/* 6 left: above */
	assert_int_equal(alerts(id), 0);
	ok_move(OUT, id, "issue", 1, 0, &m);	/* 5: at the reorder point */
	assert_int_equal(alerts(id), per);
	ok_move(OUT, id, "issue", 1, 0, &m);	/* still below: not again */
	assert_int_equal(alerts(id), per);
	ok_move(IN, id, "purchase", 10, 100, &m);	/* 14: re-armed */
	ok_move(OUT, id, "issue", 9, 0, &m);
	assert_int_equal(alerts(id), 2 * per);
}

struct racer {
	pthread_barrier_t *go;
	int64_t item;
	int rc;
	const char *slug;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	struct stock_move_in in = { .item_id = r->item, .reason = "issue", .qty = 1,
				    .source_module = "race", .source_id = 1 };
	struct stock_move m;
	struct err e = { 0 };
	struct db *db = NULL;

	r->rc = db_open(srv.db_path, 0, &db, &e);
	pthread_barrier_wait(r->go);
	if (!r->rc)
		r->rc = db_begin_write(db, &e) || stock_out(db, &office, &in, &m, &e) ||
				db_commit(db, &e) ? e.code : 0;
	if (r->rc && db && db_in_tx(db))
		db_rollback(db);
	r->slug = r->rc ? e.slug : NULL;
	db_close(db);
	return NULL;
}

static void
thirty_issues_for_the_last_ten(void **state)
{
	int64_t id = item("BJ-005", 0, 1);
	struct racer rs[RACERS];
	pthread_t th[RACERS];
	pthread_barrier_t go;
	struct stock_move m;
	int ok = 0, short_ = 0;

	(void)state;
	ok_move(IN, id, "purchase", 10, 333, &m);
	pthread_barrier_init(&go, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		rs[i] = (struct racer){ &go, id, -1, NULL };
		assert_int_equal(pthread_create(&th[i], NULL, race, &rs[i]), 0);
	}
	for (int i = 0; i < RACERS; i++) {
		pthread_join(th[i], NULL);
		if (rs[i].rc == 0)
			ok++;
		else if (rs[i].rc == ERR_RULE && rs[i].slug &&
			 !strcmp(rs[i].slug, "insufficient_stock"))
			short_++;
		else
			fail_msg("racer %d: %d %s", i, rs[i].rc, rs[i].slug ? rs[i].slug : "");
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(ok, 10);
	assert_int_equal(short_, RACERS - 10);
	assert_int_equal(hq_scalar(&srv, "SELECT qty_on_hand FROM supply_item WHERE id = :id", id), 0);
	assert_int_equal(hq_scalar(&srv, "SELECT stock_value_fen FROM supply_item WHERE id = :id", id), 0);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM stock_movement WHERE item_id = :id"
				   " AND balance_qty < 0",
				   id),
			 0);
	ledger_sums(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(weighted_average_through_the_ledger),
		cmocka_unit_test(refusals_write_nothing),
		cmocka_unit_test(low_stock_once_per_crossing),
		cmocka_unit_test(thirty_issues_for_the_last_ten),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
