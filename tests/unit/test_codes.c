/*
** tests/unit/test_codes.c: core/codes.h, the running numbers of record codes.
** A database at schema 41 whose flows already numbered records (the per-flow
** counter tables) migrates to code_seq and carries on from those numbers:
** no code is given twice after the upgrade. Numbers follow each other, each
** (agency, series, period) counts alone, a new year starts at 1, a floor
** continues a period with no counter row. On SQLite, and with HOUQIN_TEST_PG
** set (a libpq URI where this role may CREATE DATABASE) on PostgreSQL too.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/codes.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "pgdb.h"

/* Two agencies (1, 3) and the counters their flows kept before migration 42. */
static const char seed_v41[] =
	"INSERT INTO department (id, agency_id, parent_id, name, created_at, updated_at) VALUES"
	" (1, 1, NULL, '甲机关', 1, 1), (3, 3, NULL, '乙机关', 1, 1);"
	"INSERT INTO vehicle_trip_seq (agency_id, year, last) VALUES (1, 2026, 7), (3, 2026, 2);"
	"INSERT INTO expense_claim_seq (agency_id, year, last) VALUES (1, 2026, 12);"
	"INSERT INTO stocktake_seq (agency_id, year, last) VALUES (1, 2025, 4);"
	"INSERT INTO requisition_seq (agency_id, year, last) VALUES (3, 2026, 30);"
	"INSERT INTO purchase_order_seq (agency_id, year, last) VALUES (1, 2026, 9999);"
	"INSERT INTO wo_code_seq (agency_id, day, last) VALUES (1, 20261203, 41);";

static int64_t
one(struct db *db, const char *sql)
{
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t v = -1;

	if (db_prepare_once(db, &st, sql, &e) || db_step_row(&st, &e))
		fail_msg("%s: %s", sql, e.msg);
	v = db_col_i64(&st, 0);
	db_finalize(&st);
	return v;
}

static void
run(struct db *db, const char *sql)
{
	struct err e = { 0 };

	if (db_exec(db, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
}

/* The next yearly code of agency's series, in a transaction of its own. */
static void
expect_code(struct db *db, struct arena *a, int64_t agency, const char *series, int64_t year,
	    const char *want)
{
	struct err e = { 0 };
	const char *code = NULL;

	if (db_begin_write(db, &e) || code_yearly(db, a, agency, series, year, &code, &e) ||
	    db_commit(db, &e))
		fail_msg("%s%lld: %s", series, (long long)year, e.msg);
	assert_string_equal(code, want);
}

/* A day whose orders were coded before its counter: the highest is 57. */
static int
floor_57(struct db *db, int64_t agency, int64_t period, int64_t *last, struct err *e)
{
	(void)db;
	(void)agency;
	(void)e;
	*last = period == 20261204 ? 57 : 0;
	return 0;
}

/* n numbers of agency's WO day; returns the first. */
static int64_t
reserve(struct db *db, int64_t agency, int64_t day, int64_t n)
{
	struct err e = { 0 };
	int64_t first = 0;

	if (db_begin_write(db, &e) || code_reserve(db, agency, "WO", day, n, floor_57, &first, &e) ||
	    db_commit(db, &e))
		fail_msg("WO %lld: %s", (long long)day, e.msg);
	return first;
}

/* db at schema 41 with seed_v41: migrate, then every series carries on. */
static void
upgraded_counters_carry_on(struct db *db)
{
	struct arena *a = arena_new(4096);
	struct err e = { 0 };
	int applied;

	run(db, seed_v41);
	if (db_migrate(db, &applied, &e))
		fail_msg("migrate: %s", e.msg);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM code_seq"), 7);
	expect_code(db, a, 1, "YC", 2026, "YC2026-0008");
	expect_code(db, a, 1, "YC", 2026, "YC2026-0009");	/* two in a row */
	expect_code(db, a, 3, "YC", 2026, "YC2026-0003");	/* each agency its own */
	expect_code(db, a, 1, "YC", 2027, "YC2027-0001");	/* a new year starts at 1 */
	expect_code(db, a, 1, "BX", 2026, "BX2026-0013");
	expect_code(db, a, 1, "PD", 2026, "PD2026-0001");	/* 2025's count is 2025's */
	expect_code(db, a, 3, "LY", 2026, "LY2026-0031");
	expect_code(db, a, 3, "BX", 2026, "BX2026-0001");	/* each series its own */
	expect_code(db, a, 1, "CG", 2026, "CG2026-10000");	/* past four digits: five */
	assert_int_equal(reserve(db, 1, 20261203, 3), 42);	/* 42, 43, 44 */
	assert_int_equal(reserve(db, 1, 20261203, 1), 45);
	assert_int_equal(reserve(db, 1, 20261204, 2), 58);	/* no row: after the floor */
	assert_int_equal(reserve(db, 1, 20261204, 1), 60);	/* then the row, not the floor */
	assert_int_equal(reserve(db, 3, 20261205, 1), 1);
	arena_free(a);
}

static void
sqlite_counters_carry_on(void **state)
{
	struct err e = { 0 };
	struct db *db;
	int applied;

	(void)state;
	if (db_open(":memory:", DB_CREATE, &db, &e) || db_migrate_to(db, 41, &applied, &e))
		fail_msg("sqlite: %s", e.msg);
	upgraded_counters_carry_on(db);
	db_close(db);
}

/* A rolled back number is given again: the record that carried it is gone too. */
static void
rollback_takes_the_number_back(void **state)
{
	struct err e = { 0 };
	struct db *db;
	int64_t n = 0;
	int applied;

	(void)state;
	if (db_open(":memory:", DB_CREATE, &db, &e) || db_migrate(db, &applied, &e))
		fail_msg("sqlite: %s", e.msg);
	run(db, "INSERT INTO department (id, agency_id, parent_id, name, created_at, updated_at)"
		" VALUES (1, 1, NULL, '甲机关', 1, 1)");
	assert_int_equal(db_begin_write(db, &e), 0);
	assert_int_equal(code_next(db, 1, "YC", 2026, &n, &e), 0);
	assert_int_equal(n, 1);
	db_rollback(db);
	assert_int_equal(db_begin_write(db, &e), 0);
	assert_int_equal(code_next(db, 1, "YC", 2026, &n, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(n, 1);
	db_close(db);
}

/* The database this test made on the cluster, dropped by the teardown even after a failure. */
static struct pgdb pg;

static int
pg_teardown(void **state)
{
	(void)state;
	pgdb_drop(&pg);
	return 0;
}

static void
postgresql_counters_carry_on(void **state)
{
	struct err e = { 0 };
	int applied = 0;

	(void)state;
	pgdb_create(&pg, "codes", 1 << 12, "PostgreSQL not tried");
	if (db_migrate_to(pg.db, 41, &applied, &e))
		fail_msg("migrate to 41: %s", e.msg);
	upgraded_counters_carry_on(pg.db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sqlite_counters_carry_on),
		cmocka_unit_test(rollback_takes_the_number_back),
		cmocka_unit_test_teardown(postgresql_counters_carry_on, pg_teardown),
	};

	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
