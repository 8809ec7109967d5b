/*
** tests/unit/test_db.c: db/db_sqlite.c, db/db_util.c and db/migrate.c on fresh temp
** database files (tmpdb.h: mkstemp under /tmp; each test removes its file and -wal/-shm).
*/
#define _GNU_SOURCE	/* pthread_timedjoin_np */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/memo.h"
#include "db/db.h"
#include "tmpdb.h"

/* Every wait of these tests for another thread ends by then, or fails. */
#define WAIT_MS 10000

/* now + ms on clock. */
static struct timespec
deadline_in(clockid_t clock, int ms)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static int
passed(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > end->tv_sec || (now.tv_sec == end->tv_sec && now.tv_nsec >= end->tv_nsec);
}

/* pthread_join within WAIT_MS, or the test fails naming the thread. */
static void
join_within(pthread_t th, const char *what)
{
	struct timespec end = deadline_in(CLOCK_REALTIME, WAIT_MS);
	int rc = pthread_timedjoin_np(th, NULL, &end);

	if (rc)
		fail_msg("%s: thread still running after %d ms (%s)", what, WAIT_MS, strerror(rc));
}

static int
setup_empty(void **state)
{
	*state = tmpdb_new("db", TMPDB_EMPTY);
	return *state ? 0 : -1;
}

static const char sql_create_t[] =
	"CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER)";

static int
setup_migrated(void **state)
{
	struct tmpdb *f = tmpdb_new("db", TMPDB_MIGRATED);
	struct err e = { 0 };

	*state = f;
	if (!f)
		return -1;
	if (db_exec(f->db, sql_create_t, &e)) {
		fprintf(stderr, "setup: %s\n", e.msg);
		tmpdb_teardown(state);
		return -1;
	}
	return 0;
}

/* One integer from a static query with no parameters. */
static int64_t
scalar(struct db *db, const char *sql)
{
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t v = -1;

	if (db_prepare(db, &st, sql, &e) == 0 && db_step_row(&st, &e) == 0)
		v = db_col_i64(&st, 0);
	else
		fail_msg("scalar(%s): %s", sql, e.msg);
	db_finalize(&st);
	return v;
}

static const char sql_insert_t[] = "INSERT INTO t (name, n) VALUES (:name, :n)";
static const char sql_count_t[] = "SELECT COUNT(*) FROM t";

static int
insert_t(struct db *db, const char *name, int64_t n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert_t, e);

	if (!rc)
		rc = db_bind_text(&st, ":name", name, e);
	if (!rc)
		rc = db_bind_i64(&st, ":n", n, e);
	if (!rc)
		rc = db_step_done(&st, e);
	db_finalize(&st);
	return rc;
}

/* ---- migrations ---- */

static const char sql_nmig[] = "SELECT COUNT(*) FROM schema_migrations";
static const char sql_maxmig[] = "SELECT MAX(version) FROM schema_migrations";
static const char sql_has_audit[] =
	"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'";
static const char sql_fk[] = "PRAGMA foreign_keys";

static void
test_migrate_fresh_then_existing(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };
	int64_t v = -1, v2 = -1;
	int applied = -1;

	assert_int_equal(db_schema_version(f->db, &v, &e), 0);
	assert_true(v == 0);					/* empty database */
	assert_int_equal(db_migrate(f->db, &applied, &e), 0);
	assert_true(applied > 0);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(db_schema_version(f->db, &v, &e), 0);
	assert_true(v > 0);
	assert_true(scalar(f->db, sql_nmig) == applied);	/* one row per migration */
	assert_true(scalar(f->db, sql_maxmig) == v);
	assert_true(scalar(f->db, sql_has_audit) == 1);
	assert_true(scalar(f->db, sql_fk) == 1);		/* foreign_keys=ON per connection */

	/* again on the same connection: nothing to do */
	applied = -1;
	assert_int_equal(db_migrate(f->db, &applied, &e), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(db_schema_version(f->db, &v2, &e), 0);
	assert_true(v2 == v);

	/* and on a new connection to the existing file */
	db_close(f->db);
	f->db = NULL;
	assert_int_equal(db_open(f->path, 0, &f->db, &e), 0);
	applied = -1;
	assert_int_equal(db_migrate(f->db, &applied, &e), 0);
	assert_int_equal(applied, 0);
	assert_true(scalar(f->db, sql_nmig) > 0);
	assert_int_equal(db_schema_version(f->db, &v2, &e), 0);
	assert_true(v2 == v);
}

/* ---- open / exec / prepare errors ---- */

static void
test_open_and_exec_errors(void **state)
{
	struct tmpdb *f = *state;
	struct db *db = (struct db *)&db;	/* sentinel: must not be overwritten */
	struct stmt st = { 0 };
	struct err e = { 0 };
	static const char bad_sql[] = "SELEKT 1";

	assert_true(db_open("/nonexistent-houqin-dir/x.db", DB_CREATE, &db, &e) < 0);
	assert_true(db == (struct db *)&db);
	assert_true(e.code < 0);
	err_clear(&e);
	assert_int_equal(db_exec(f->db, "CREATE TABLE (", &e), ERR_DB);
	assert_int_equal(e.code, ERR_DB);
	err_clear(&e);
	assert_int_equal(db_prepare(f->db, &st, bad_sql, &e), ERR_DB);
	db_finalize(&st);	/* safe after a failed prepare */
	db_finalize(&st);	/* and twice */
	{
		struct stmt z = { 0 };

		db_finalize(&z);	/* safe on a zeroed stmt */
	}
	assert_int_equal(db_exec(f->db, "SELECT 1; SELECT 2;", &e), 0);
}

/* ---- binds and columns ---- */

static const char sql_binds[] =
	"SELECT :a + :b, :t, :t IS NULL, :opt IS NULL, :opt, length(:tn), :tn";

static void
test_named_binds(void **state)
{
	struct tmpdb *f = *state;
	struct arena *a = arena_new(0);
	struct stmt st = { 0 };
	struct err e = { 0 };
	size_t len = 0;
	const char *peek;

	assert_int_equal(db_prepare(f->db, &st, sql_binds, &e), 0);
	assert_int_equal(db_bind_i64(&st, ":a", 40, &e), 0);
	assert_int_equal(db_bind_i64(&st, ":b", 2, &e), 0);
	assert_int_equal(db_bind_text(&st, ":t", "后勤", &e), 0);
	assert_int_equal(db_bind_id_or_null(&st, ":opt", 0, &e), 0);
	assert_int_equal(db_bind_textn(&st, ":tn", "abcdef", 3, &e), 0);
	/* unknown names are a bug: ERR_DB, nothing else changes */
	assert_int_equal(db_bind_i64(&st, ":nope", 1, &e), ERR_DB);
	assert_int_equal(e.code, ERR_DB);
	assert_int_equal(db_bind_text(&st, ":nope", "x", &e), ERR_DB);
	assert_int_equal(db_bind_null(&st, ":nope", &e), ERR_DB);
	assert_int_equal(db_bind_i64(&st, "a", 1, &e), ERR_DB);	/* the ':' is part of the name */
	assert_int_equal(db_bind_i64(&st, ":A", 1, &e), ERR_DB);	/* case-sensitive */
	assert_int_equal(db_step_row(&st, &e), 0);
	assert_true(db_col_i64(&st, 0) == 42);
	assert_string_equal(db_col_text(&st, a, 1), "后勤");
	assert_true(db_col_i64(&st, 2) == 0);
	assert_true(db_col_i64(&st, 3) == 1);
	assert_int_equal(db_col_is_null(&st, 4), 1);
	assert_null(db_col_text(&st, a, 4));
	assert_null(db_col_peek(&st, 4, &len));
	assert_int_equal(len, 0);
	assert_true(db_col_i64(&st, 5) == 3);
	peek = db_col_peek(&st, 6, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(peek, "abc", 3);
	assert_int_equal(db_step(&st, &e), 0);	/* done */
	db_finalize(&st);

	/* finalize cleared the bindings: a re-prepared statement starts with NULLs */
	assert_int_equal(db_prepare(f->db, &st, sql_binds, &e), 0);
	assert_int_equal(db_bind_id_or_null(&st, ":opt", 7, &e), 0);
	assert_int_equal(db_bind_text(&st, ":t", NULL, &e), 0);	/* NULL text binds NULL */
	assert_int_equal(db_step_row(&st, &e), 0);
	assert_int_equal(db_col_is_null(&st, 0), 1);		/* :a + :b with nothing bound */
	assert_true(db_col_i64(&st, 2) == 1);
	assert_true(db_col_i64(&st, 3) == 0);
	assert_true(db_col_i64(&st, 4) == 7);
	db_finalize(&st);
	arena_free(a);
}

static const char sql_by_id[] = "SELECT name FROM t WHERE id = :id";
static const char sql_names[] = "SELECT name FROM t ORDER BY id";

static void
test_step_row_not_found(void **state)
{
	struct tmpdb *f = *state;
	struct arena *a = arena_new(0);
	struct stmt st = { 0 };
	struct err e = { 0 };

	assert_int_equal(insert_t(f->db, "one", 1, &e), 0);
	assert_true(db_last_id(f->db) == 1);
	assert_true(db_changes(f->db) == 1);
	assert_int_equal(db_prepare(f->db, &st, sql_by_id, &e), 0);
	assert_int_equal(db_bind_i64(&st, ":id", 999, &e), 0);
	assert_int_equal(db_step_row(&st, &e), ERR_NOT_FOUND);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	db_finalize(&st);
	assert_int_equal(db_prepare(f->db, &st, sql_by_id, &e), 0);
	assert_int_equal(db_bind_i64(&st, ":id", 1, &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	assert_string_equal(db_col_text(&st, a, 0), "one");
	db_finalize(&st);
	/* step_done on a query that returns rows is still 0 */
	assert_int_equal(db_prepare(f->db, &st, sql_names, &e), 0);
	assert_int_equal(db_step_done(&st, &e), 0);
	db_finalize(&st);
	arena_free(a);
}

static const char sql_insert_role[] = "INSERT INTO user_role (user_id, role) VALUES (:u, 'staff')";

static void
test_constraint_conflicts(void **state)
{
	struct tmpdb *f = *state;
	struct stmt st = { 0 };
	struct err e = { 0 };

	assert_int_equal(insert_t(f->db, "dup", 1, &e), 0);
	err_clear(&e);
	assert_int_equal(insert_t(f->db, "dup", 2, &e), ERR_CONFLICT);	/* UNIQUE */
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.slug, "conflict");
	assert_true(scalar(f->db, sql_count_t) == 1);
	/* the cached statement was reset and works for the next caller */
	assert_int_equal(insert_t(f->db, "other", 3, &e), 0);
	assert_true(scalar(f->db, sql_count_t) == 2);
	/* NOT NULL and FOREIGN KEY are constraint failures too */
	err_clear(&e);
	assert_int_equal(insert_t(f->db, NULL, 4, &e), ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(db_prepare(f->db, &st, sql_insert_role, &e), 0);
	assert_int_equal(db_bind_i64(&st, ":u", 12345, &e), 0);
	assert_int_equal(db_step_done(&st, &e), ERR_CONFLICT);	/* no such app_user */
	db_finalize(&st);
	assert_true(scalar(f->db, sql_count_t) == 2);
}

static void
test_transactions(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };

	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(db_begin_write(f->db, &e), 0);
	assert_int_equal(db_in_tx(f->db), 1);
	for (int i = 0; i < 10; i++) {
		char name[16];

		snprintf(name, sizeof(name), "r%d", i);
		assert_int_equal(insert_t(f->db, name, i, &e), 0);
	}
	assert_true(scalar(f->db, sql_count_t) == 10);	/* visible inside the tx */
	db_rollback(f->db);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_true(scalar(f->db, sql_count_t) == 0);	/* rollback leaves nothing */
	db_rollback(f->db);				/* harmless outside a tx */

	assert_int_equal(db_begin_write(f->db, &e), 0);
	assert_int_equal(insert_t(f->db, "kept", 1, &e), 0);
	assert_int_equal(db_commit(f->db, &e), 0);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_true(scalar(f->db, sql_count_t) == 1);

	/* a failed statement inside a tx does not end the tx; rollback undoes the rest */
	assert_int_equal(db_begin_write(f->db, &e), 0);
	assert_int_equal(insert_t(f->db, "new", 2, &e), 0);
	assert_int_equal(insert_t(f->db, "kept", 3, &e), ERR_CONFLICT);
	assert_int_equal(db_in_tx(f->db), 1);
	db_rollback(f->db);
	assert_true(scalar(f->db, sql_count_t) == 1);

	/* a second connection sees committed data only */
	{
		struct db *other = NULL;

		assert_int_equal(db_open(f->path, DB_READONLY, &other, &e), 0);
		assert_int_equal(db_begin_write(f->db, &e), 0);
		assert_int_equal(insert_t(f->db, "pending", 4, &e), 0);
		assert_true(scalar(other, sql_count_t) == 1);
		assert_int_equal(db_commit(f->db, &e), 0);
		assert_true(scalar(other, sql_count_t) == 2);
		db_close(other);
	}
}

/* ---- statement cache ---- */

static void
test_stmt_cache_nested(void **state)
{
	struct tmpdb *f = *state;
	struct arena *a = arena_new(0);
	struct stmt s1 = { 0 }, s2 = { 0 }, s3 = { 0 };
	struct err e = { 0 };

	assert_int_equal(insert_t(f->db, "a", 1, &e), 0);
	assert_int_equal(insert_t(f->db, "b", 2, &e), 0);
	assert_int_equal(insert_t(f->db, "c", 3, &e), 0);

	/* prepare A, step it, then prepare A again before finalizing the first */
	assert_int_equal(db_prepare(f->db, &s1, sql_names, &e), 0);
	assert_int_equal(db_step(&s1, &e), 1);
	assert_string_equal(db_col_text(&s1, a, 0), "a");
	assert_int_equal(db_prepare(f->db, &s2, sql_names, &e), 0);
	assert_true(s1.impl != s2.impl);
	assert_int_equal(db_step(&s2, &e), 1);
	assert_string_equal(db_col_text(&s2, a, 0), "a");	/* its own cursor */
	assert_int_equal(db_prepare(f->db, &s3, sql_names, &e), 0);	/* three deep */
	assert_int_equal(db_step(&s3, &e), 1);
	assert_int_equal(db_step(&s1, &e), 1);
	assert_string_equal(db_col_text(&s1, a, 0), "b");	/* s1 not disturbed */
	assert_int_equal(db_step(&s2, &e), 1);
	assert_string_equal(db_col_text(&s2, a, 0), "b");
	db_finalize(&s2);
	assert_null(s2.impl);
	assert_int_equal(db_step(&s1, &e), 1);
	assert_string_equal(db_col_text(&s1, a, 0), "c");
	assert_int_equal(db_step(&s1, &e), 0);
	db_finalize(&s3);
	db_finalize(&s1);

	/* and everything works afterwards, from the start of the result */
	for (int round = 0; round < 200; round++) {
		assert_int_equal(db_prepare(f->db, &s1, sql_names, &e), 0);
		assert_int_equal(db_step(&s1, &e), 1);
		assert_string_equal(db_col_peek(&s1, 0, NULL), "a");
		if (round % 2) {	/* nested use again, in the opposite finalize order */
			assert_int_equal(db_prepare(f->db, &s2, sql_names, &e), 0);
			assert_int_equal(db_step(&s2, &e), 1);
			assert_string_equal(db_col_peek(&s2, 0, NULL), "a");
			db_finalize(&s1);
			db_finalize(&s2);
		} else {
			db_finalize(&s1);
		}
	}
	arena_free(a);
}

/* More distinct statements than cache slots: the overflow ones are uncached but correct. */
static char many_sql[300][40];

static void
test_stmt_cache_full(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };

	for (int i = 0; i < 300; i++)
		snprintf(many_sql[i], sizeof(many_sql[i]), "SELECT %d + :x", i);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 300; i++) {
			struct stmt st = { 0 };

			assert_int_equal(db_prepare(f->db, &st, many_sql[i], &e), 0);
			assert_int_equal(db_bind_i64(&st, ":x", 1000, &e), 0);
			assert_int_equal(db_step_row(&st, &e), 0);
			assert_true(db_col_i64(&st, 0) == 1000 + i);
			db_finalize(&st);
		}
	}
	/* hold all of them at once (every slot busy), then release */
	{
		static struct stmt held[300];

		for (int i = 0; i < 300; i++) {
			assert_int_equal(db_prepare(f->db, &held[i], many_sql[i], &e), 0);
			assert_int_equal(db_bind_i64(&held[i], ":x", 1, &e), 0);
		}
		for (int i = 299; i >= 0; i--) {
			assert_int_equal(db_step_row(&held[i], &e), 0);
			assert_true(db_col_i64(&held[i], 0) == 1 + i);
			db_finalize(&held[i]);
		}
	}
}

/* ---- LIKE patterns ---- */

static void
test_like_pattern(void **state)
{
	static const struct {
		const char *q, *want;
	} cases[] = {
		{ "", "%%" },
		{ "abc", "%abc%" },
		{ "50%", "%50\\%%" },
		{ "a_b", "%a\\_b%" },
		{ "c:\\dir", "%c:\\\\dir%" },
		{ "%_\\", "%\\%\\_\\\\%" },
		{ "后勤", "%后勤%" },
		{ "'; DROP TABLE t; --", "%'; DROP TABLE t; --%" },	/* bound, never spliced */
	};
	struct arena *a = arena_new(0);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = db_like_pattern(a, cases[i].q);

		assert_non_null(p);
		if (strcmp(p, cases[i].want) != 0)
			fail_msg("db_like_pattern(\"%s\") = \"%s\", want \"%s\"", cases[i].q, p,
				 cases[i].want);
	}
	arena_free(a);
}

static const char sql_like[] =
	"SELECT COUNT(*), COALESCE(MIN(name), '') FROM t WHERE name LIKE :q ESCAPE '\\'";

/* The escaped pattern matches literally in SQLite. */
static void
test_like_pattern_in_sql(void **state)
{
	static const struct {
		const char *q;
		int64_t count;
		const char *first;
	} cases[] = {
		{ "50%", 1, "50%off" },
		{ "50", 2, "50%off" },
		{ "a_b", 1, "a_b" },
		{ "_", 1, "a_b" },
		{ "\\", 1, "x\\y" },
		{ "%", 1, "50%off" },
		{ "后勤", 1, "后勤处" },
		{ "", 7, "50%off" },
		{ "zzz", 0, "" },
	};
	static const char *const names[] = { "50%off", "500off", "a_b", "axb", "x\\y", "后勤处", "plain" };
	struct tmpdb *f = *state;
	struct arena *a = arena_new(0);
	struct err e = { 0 };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_int_equal(insert_t(f->db, names[i], (int64_t)i, &e), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stmt st = { 0 };
		int64_t n;
		const char *first;

		assert_int_equal(db_prepare(f->db, &st, sql_like, &e), 0);
		assert_int_equal(db_bind_text(&st, ":q", db_like_pattern(a, cases[i].q), &e), 0);
		assert_int_equal(db_step_row(&st, &e), 0);
		n = db_col_i64(&st, 0);
		first = db_col_text(&st, a, 1);
		if (n != cases[i].count || strcmp(first, cases[i].first) != 0)
			fail_msg("LIKE \"%s\": %lld rows (first \"%s\"), want %lld (\"%s\")", cases[i].q,
				 (long long)n, first, (long long)cases[i].count, cases[i].first);
		db_finalize(&st);
	}
	arena_free(a);
}

/* ---- db_read_rows ---- */

struct t_row {
	int64_t n;
	char *name;
};

static void
t_row(struct stmt *st, struct arena *a, void *item)
{
	struct t_row *r = item;

	r->name = db_col_text(st, a, 0);
	r->n = db_col_i64(st, 1);
}

static const char sql_t_rows[] = "SELECT name, n FROM t WHERE n >= :min ORDER BY n";
static const char sql_t_ids[] = "SELECT n FROM t WHERE n < 3 ORDER BY n DESC";
/* rows 1 and 2, then abs() of the smallest integer fails while stepping to row 3 */
static const char sql_t_step_error[] =
	"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5)"
	" SELECT CASE WHEN x < 3 THEN x ELSE abs(-9223372036854775807 - 1) END FROM c";

/* sql_t_rows with :min into items: db_read_rows's result. */
static int
read_t(struct db *db, struct arena *a, int64_t min, struct t_row **items, size_t *n,
       struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_t_rows, e) || db_bind_i64(&st, ":min", min, e) ||
		 db_read_rows(&st, a, sizeof(**items), t_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static void
test_read_rows(void **state)
{
	struct tmpdb *f = *state;
	struct arena *a = arena_new(0);
	struct err e = { 0 };
	struct t_row *items = NULL;
	int64_t *ids = NULL;
	size_t n = 99;
	char name[32];
	struct stmt st = { 0 };

	for (int i = 0; i < 40; i++) {	/* past the first growth (16, then 32) */
		snprintf(name, sizeof(name), "r%02d", i);
		assert_int_equal(insert_t(f->db, name, i, &e), 0);
	}
	assert_int_equal(read_t(f->db, a, 0, &items, &n, &e), 0);
	assert_int_equal(n, 40);
	for (size_t i = 0; i < n; i++) {	/* SQL order, text copied before the next step */
		snprintf(name, sizeof(name), "r%02zu", i);
		assert_int_equal(items[i].n, (int64_t)i);
		assert_string_equal(items[i].name, name);
	}

	/* no rows: an empty array, not NULL */
	n = 99;
	assert_int_equal(read_t(f->db, a, 1000, &items, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_non_null(items);

	/* db_row_i64: a list of ids */
	assert_int_equal(db_prepare(f->db, &st, sql_t_ids, &e), 0);
	assert_int_equal(db_read_rows(&st, a, sizeof(*ids), db_row_i64, (void **)&ids, &n, &e), 0);
	db_finalize(&st);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[2], 0);

	/* a step error: its code, with the rows before it kept */
	ids = NULL;
	assert_int_equal(db_prepare(f->db, &st, sql_t_step_error, &e), 0);
	assert_int_equal(db_read_rows(&st, a, sizeof(*ids), db_row_i64, (void **)&ids, &n, &e),
			 ERR_DB);
	db_finalize(&st);
	assert_int_equal(e.code, ERR_DB);
	assert_int_equal(n, 2);
	assert_non_null(ids);
	assert_int_equal(ids[1], 2);
	arena_free(a);
}

/* ---- backup ---- */

static const char sql_sum_t[] = "SELECT COALESCE(SUM(n), 0) FROM t";

/* The pool's readers refuse writes; its writer takes them. */
static void
test_pool_readers_read_only(void **state)
{
	struct tmpdb *t = *state;
	struct db_pool *pool = NULL;
	struct err e = { 0 };
	struct db *r, *w;

	assert_int_equal(db_pool_new(t->path, 2, &pool, &e), 0);
	r = db_pool_reader(pool);
	assert_int_not_equal(db_exec(r, "CREATE TABLE t_reader (x INTEGER)", &e), 0);
	assert_int_equal(db_exec(r, "SELECT count(*) FROM schema_migrations", &e), 0);
	db_pool_release(pool, r);
	w = db_pool_writer(pool);
	assert_int_equal(db_exec(w, "CREATE TABLE t_writer (x INTEGER)", &e), 0);
	db_pool_writer_unlock(pool);
	db_pool_free(pool);
}

static const char sql_blob_insert[] = "INSERT INTO t_blob (b) VALUES (randomblob(3000))";

/* Size of path's -wal file in bytes (0 when none). */
static long
wal_size(const char *path)
{
	char p[96];
	FILE *f;
	long n = 0;

	snprintf(p, sizeof(p), "%s-wal", path);
	f = fopen(p, "rb");
	if (f && fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (f)
		fclose(f);
	return n;
}

/*
** The writer leaves checkpoints to the pool's thread; the WAL still stays
** bounded (the writer rewinds it past CKPT_INLINE = 4000 frames) and every
** committed row is there after the pool is gone.
*/
static void
test_pool_checkpoints_in_the_background(void **state)
{
	struct tmpdb *t = *state;
	struct db_pool *pool = NULL;
	struct err e = { 0 };
	struct db *w;
	int64_t n = 0;

	assert_int_equal(db_pool_new(t->path, 1, &pool, &e), 0);
	w = db_pool_writer(pool);
	assert_int_equal(db_exec(w, "CREATE TABLE t_blob (id INTEGER PRIMARY KEY, b BLOB)", &e), 0);
	for (int i = 0; i < 6000; i++) {
		struct stmt st = { 0 };
		assert_int_equal(db_begin_write(w, &e), 0);
		assert_int_equal(db_prepare(w, &st, sql_blob_insert, &e), 0);
		assert_int_equal(db_step_done(&st, &e), 0);
		db_finalize(&st);
		assert_int_equal(db_commit(w, &e), 0);
		assert_true(wal_size(t->path) < 4200L * 4120);
	}
	db_pool_writer_unlock(pool);
	{	/* the pool's thread checkpoints: poll its counter, at most WAIT_MS */
		struct timespec end = deadline_in(CLOCK_MONOTONIC, WAIT_MS);
		while (db_pool_checkpoints(pool) == 0 && !passed(&end))
			usleep(10000);
	}
	if (db_pool_checkpoints(pool) == 0)
		fail_msg("no background checkpoint within %d ms of 6000 commits", WAIT_MS);
	db_pool_free(pool);
	assert_int_equal(db_exec(t->db, "SELECT 1", &e), 0);
	{
		static const char sql_n[] = "SELECT COUNT(*) FROM t_blob";
		struct stmt st = { 0 };
		assert_int_equal(db_prepare(t->db, &st, sql_n, &e), 0);
		assert_int_equal(db_step_row(&st, &e), 0);
		n = db_col_i64(&st, 0);
		db_finalize(&st);
	}
	assert_int_equal(n, 6000);
}

/* ---- group commit: GC_THREADS writers at once, every 5th write fails ---- */

#define GC_THREADS 8
#define GC_WRITES 200

struct gc_arg {
	struct db_pool *pool;
	int thread, ok, failed, unseen, errors, unanswered;
};

struct gc_job {
	struct db_write w;
	struct gc_arg *g;
	int i, keep, done, rc;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static int64_t
gc_count(struct db *db, int thread, int i)
{
	static const char sql[] = "SELECT COUNT(*) FROM t_gc WHERE thread = :t AND i = :i";
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (!db_prepare(db, &st, sql, &e) && !db_bind_i64(&st, ":t", thread, &e) &&
	    !db_bind_i64(&st, ":i", i, &e) && !db_step_row(&st, &e))
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	return n;
}

/* The write: insert a row, then fail when it must not be kept (the row must go too). */
static int
gc_insert(struct db *w, void *arg, struct err *e)
{
	static const char sql[] = "INSERT INTO t_gc (thread, i) VALUES (:t, :i)";
	struct gc_job *j = arg;
	struct stmt st = { 0 };
	int rc = db_prepare(w, &st, sql, e) || db_bind_i64(&st, ":t", j->g->thread, e) ||
		 db_bind_i64(&st, ":i", j->i, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc && !j->keep)
		rc = err_set(e, ERR_INVALID, "i", "refused after writing");
	return rc;
}

static void
gc_done(void *arg, int rc, const struct err *e)
{
	struct gc_job *j = arg;

	(void)e;
	pthread_mutex_lock(&j->mu);
	j->rc = rc;
	j->done = 1;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

static void *
gc_writer(void *p)
{
	struct gc_arg *g = p;
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	for (int i = 0; i < GC_WRITES; i++) {
		/* on the heap: a write not answered in time stays queued, and is leaked */
		struct gc_job *j = calloc(1, sizeof(*j));
		struct timespec end;
		int rc = 0;

		if (!j) {
			g->errors++;
			break;
		}
		*j = (struct gc_job){ .w = { .fn = gc_insert, .done = gc_done, .arg = j }, .g = g,
				      .i = i, .keep = i % 5 != 4 };
		pthread_mutex_init(&j->mu, NULL);
		pthread_cond_init(&j->cv, &ca);
		db_pool_submit(g->pool, &j->w);
		end = deadline_in(CLOCK_MONOTONIC, WAIT_MS);
		pthread_mutex_lock(&j->mu);
		while (!j->done && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&j->cv, &j->mu, &end);
		pthread_mutex_unlock(&j->mu);
		if (!j->done) {
			g->unanswered++;
			break;
		}
		pthread_cond_destroy(&j->cv);
		pthread_mutex_destroy(&j->mu);
		if ((j->rc == 0) != j->keep || (!j->keep && j->rc != ERR_INVALID))
			g->errors++;
		/* answered: committed, so any reader sees it (and never a refused write) */
		struct db *r = db_pool_reader(g->pool);
		if (gc_count(r, g->thread, i) != j->keep)
			g->unseen++;
		db_pool_release(g->pool, r);
		j->keep ? g->ok++ : g->failed++;
		free(j);
	}
	pthread_condattr_destroy(&ca);
	return NULL;
}

static void
test_group_commit(void **state)
{
	struct tmpdb *t = *state;
	struct db_pool *pool = NULL;
	struct err e = { 0 };
	struct gc_arg args[GC_THREADS];
	pthread_t th[GC_THREADS];
	long commits = 0, writes = 0;
	int ok = 0;
	struct db *w;

	assert_int_equal(db_pool_new(t->path, GC_THREADS, &pool, &e), 0);
	w = db_pool_writer(pool);
	assert_int_equal(db_exec(w, "CREATE TABLE t_gc (thread INTEGER, i INTEGER)", &e), 0);
	db_pool_writer_unlock(pool);
	for (int k = 0; k < GC_THREADS; k++) {
		args[k] = (struct gc_arg){ .pool = pool, .thread = k };
		assert_int_equal(pthread_create(&th[k], NULL, gc_writer, &args[k]), 0);
	}
	/* meanwhile a plain writer (jobs, sessions) must find no batch left open */
	for (int i = 0; i < 20; i++) {
		w = db_pool_writer(pool);
		assert_false(db_in_tx(w));
		assert_int_equal(db_begin_write(w, &e), 0);
		assert_int_equal(db_exec(w, "INSERT INTO t_gc (thread, i) VALUES (-1, 0)", &e), 0);
		assert_int_equal(db_commit(w, &e), 0);
		db_pool_writer_unlock(pool);
		usleep(1000);	/* spread these 20 writes over the batches' run (not a wait) */
	}
	for (int k = 0; k < GC_THREADS; k++) {
		join_within(th[k], "group-commit writer");
		if (args[k].unanswered)
			fail_msg("writer %d: a submitted write got no answer within %d ms", k, WAIT_MS);
		assert_int_equal(args[k].errors, 0);
		assert_int_equal(args[k].unseen, 0);
		assert_int_equal(args[k].failed, GC_WRITES / 5);
		ok += args[k].ok;
	}
	db_pool_group_commits(pool, &commits, &writes);
	assert_int_equal(writes, ok);
	assert_true(commits < writes);	/* writes did share commits */
	{	/* a write run now, on this thread */
		struct gc_arg g = { .pool = pool, .thread = 99 };
		struct gc_job j = { .w = { .fn = gc_insert, .done = gc_done }, .g = &g, .i = 1,
				    .keep = 1 };
		j.w.arg = &j;
		pthread_mutex_init(&j.mu, NULL);
		pthread_cond_init(&j.cv, NULL);
		db_pool_write_now(pool, &j.w);
		assert_true(j.done);
		assert_int_equal(j.rc, 0);
		pthread_cond_destroy(&j.cv);
		pthread_mutex_destroy(&j.mu);
	}
	db_pool_free(pool);
	assert_int_equal(gc_count(t->db, 99, 1), 1);
	assert_int_equal(gc_count(t->db, 0, 0), 1);
	assert_int_equal(gc_count(t->db, 0, 4), 0);
}

static void
test_backup(void **state)
{
	struct tmpdb *f = *state;
	struct db *copy = NULL;
	struct err e = { 0 };
	char bpath[64];
	int64_t v = 0, v2 = 0;

	assert_int_equal(db_begin_write(f->db, &e), 0);
	for (int i = 0; i < 500; i++) {
		char name[16];

		snprintf(name, sizeof(name), "row%d", i);
		assert_int_equal(insert_t(f->db, name, i, &e), 0);
	}
	assert_int_equal(db_commit(f->db, &e), 0);
	assert_int_equal(tmpdb_path(bpath, sizeof(bpath), "db"), 0);
	assert_int_equal(db_backup(f->db, bpath, &e), 0);
	/* later writes to the source do not reach the copy */
	assert_int_equal(insert_t(f->db, "after", 1000, &e), 0);

	assert_int_equal(db_open(bpath, DB_READONLY, &copy, &e), 0);
	assert_true(scalar(copy, sql_count_t) == 500);
	assert_true(scalar(copy, sql_sum_t) == 499 * 500 / 2);
	assert_int_equal(db_schema_version(f->db, &v, &e), 0);
	assert_true(scalar(copy, sql_maxmig) == v);
	assert_true(scalar(copy, sql_nmig) == scalar(f->db, sql_nmig));
	db_close(copy);
	copy = NULL;
	/* a writable open of the backup can migrate (no-op) and write */
	assert_int_equal(db_open(bpath, 0, &copy, &e), 0);
	{
		int applied = -1;

		assert_int_equal(db_migrate(copy, &applied, &e), 0);
		assert_int_equal(applied, 0);
		assert_int_equal(db_schema_version(copy, &v2, &e), 0);
		assert_true(v2 == v);
	}
	assert_int_equal(insert_t(copy, "in copy", 1, &e), 0);
	assert_true(scalar(copy, sql_count_t) == 501);
	db_close(copy);
	tmpdb_remove(bpath);

	/* an impossible destination is an error, not a crash */
	err_clear(&e);
	assert_true(db_backup(f->db, "/nonexistent-houqin-dir/b.db", &e) < 0);
	assert_true(e.code < 0);
}

/* ---- statements from fragments (struct sql_set) ---- */

/* t holds n = 0..1023; part i keeps the rows whose bit i is set. */
static const char *const bit_parts[10] = {
	" AND (n & 1) <> 0", " AND (n & 2) <> 0", " AND (n & 4) <> 0", " AND (n & 8) <> 0",
	" AND (n & 16) <> 0", " AND (n & 32) <> 0", " AND (n & 64) <> 0", " AND (n & 128) <> 0",
	" AND (n & 256) <> 0", " AND (n & 512) <> 0",
};
static const char *const bit_tails[2] = { " AND n >= :min", " AND n < :min" };
static const struct sql_set bit_set = { "SELECT COUNT(*) FROM t WHERE 1", bit_parts, 10,
					bit_tails, 2 };

static int64_t
count_set(struct db *db, uint32_t mask, int tail, int64_t min)
{
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t v = -1;

	assert_int_equal(db_prepare_set(db, &st, &bit_set, mask, tail, &e), 0);
	assert_int_equal(db_bind_i64(&st, ":min", min, &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	v = db_col_i64(&st, 0);
	db_finalize(&st);
	return v;
}

/* Rows of 0..1023 that have every bit of mask and are >= min (tail 0) or < min (tail 1). */
static int64_t
expect_set(uint32_t mask, int tail, int64_t min)
{
	int64_t n = 0;

	for (int64_t v = 0; v < 1024; v++)
		if (((uint32_t)v & mask) == mask && (tail ? v < min : v >= min))
			n++;
	return n;
}

/*
** Every one of the 2048 (mask, tail) statements, each twice: past the kept
** texts' limit they are compiled uncached, and the answers stay right.
*/
static void
test_sql_set(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };

	assert_int_equal(db_begin_write(f->db, &e), 0);
	for (int64_t v = 0; v < 1024; v++) {
		char name[24];
		snprintf(name, sizeof(name), "r%lld", (long long)v);
		assert_int_equal(insert_t(f->db, name, v, &e), 0);
	}
	assert_int_equal(db_commit(f->db, &e), 0);
	for (int round = 0; round < 2; round++)
		for (uint32_t mask = 0; mask < 1024; mask++)
			for (int tail = 0; tail < 2; tail++) {
				int64_t min = (int64_t)((mask * 7 + 3) % 1024);
				assert_int_equal(count_set(f->db, mask, tail, min),
						 expect_set(mask, tail, min));
			}
}

/* ---- the pool's memo (core/memo.h) ---- */

static void
test_memo(void **state)
{
	struct memo *m = memo_new(60);
	struct arena *a = arena_new(1024);
	char *text = NULL, key[16];
	size_t len = 0;

	(void)state;
	assert_non_null(m);
	assert_false(memo_get(NULL, "k", a, &text, &len));	/* no memo: always a miss */
	memo_put(NULL, "k", "v", 1);
	assert_false(memo_get(m, "a", a, &text, &len));
	memo_put(m, "a", "{\"x\":1}", 7);
	assert_true(memo_get(m, "a", a, &text, &len));
	assert_int_equal(len, 7);
	assert_string_equal(text, "{\"x\":1}");
	memo_put(m, "a", "2", 1);	/* same key: replaced */
	assert_true(memo_get(m, "a", a, &text, &len));
	assert_string_equal(text, "2");
	/* 60 bytes: a third key and text of 20 bytes push out the least recently used */
	memo_put(m, "b", "0123456789012345678", 19);
	memo_put(m, "c", "0123456789012345678", 19);
	assert_true(memo_get(m, "a", a, &text, &len));	/* a is now the most recent */
	memo_put(m, "d", "0123456789012345678", 19);
	assert_false(memo_get(m, "b", a, &text, &len));
	assert_true(memo_get(m, "a", a, &text, &len));
	assert_true(memo_get(m, "c", a, &text, &len));
	assert_true(memo_get(m, "d", a, &text, &len));
	memo_put(m, "big", "x", 64);	/* larger than the whole memo: not kept */
	assert_false(memo_get(m, "big", a, &text, &len));
	assert_true(memo_get(m, "d", a, &text, &len));
	/* more keys than slots: the oldest go */
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		memo_put(m, key, "", 0);
	}
	assert_true(memo_get(m, "k99", a, &text, &len));
	assert_int_equal(len, 0);
	assert_false(memo_get(m, "k0", a, &text, &len));
	memo_free(m);
	arena_free(a);
}

/* A burst of misses of one key: one caller computes, the others wait for its text. */
struct claim_arg {
	struct memo *m;
	int hit, computed;
};

static int claim_computing;	/* computations running at once (at most 1 expected) */
static int claim_overlap;
static pthread_mutex_t claim_mu = PTHREAD_MUTEX_INITIALIZER;

static void *
claim_caller(void *p)
{
	struct claim_arg *c = p;
	struct arena *a = arena_new(256);
	char *text = NULL;
	size_t len = 0;

	if (memo_get_or_claim(c->m, "stats|v1", a, &text, &len)) {
		c->hit = strcmp(text, "{\"n\":42}") == 0;
	} else {
		pthread_mutex_lock(&claim_mu);
		claim_overlap |= claim_computing++ > 0;
		pthread_mutex_unlock(&claim_mu);
		usleep(20000);	/* the expensive query: the others arrive while it runs */
		pthread_mutex_lock(&claim_mu);
		claim_computing--;
		pthread_mutex_unlock(&claim_mu);
		memo_put(c->m, "stats|v1", "{\"n\":42}", 8);
		memo_unclaim(c->m, "stats|v1");
		c->computed = 1;
	}
	arena_free(a);
	return NULL;
}

static void
test_memo_claims(void **state)
{
	struct memo *m = memo_new(1024);
	struct arena *a = arena_new(256);
	struct claim_arg args[8];
	pthread_t th[8];
	char *text = NULL;
	size_t len = 0;
	int hits = 0, computed = 0;

	(void)state;
	/* a claimer that fails (no put) lets the next caller claim */
	assert_false(memo_get_or_claim(m, "x", a, &text, &len));
	memo_unclaim(m, "x");
	assert_false(memo_get_or_claim(m, "x", a, &text, &len));
	memo_unclaim(m, "x");
	memo_unclaim(m, "never claimed");	/* harmless */
	for (int i = 0; i < 8; i++) {
		args[i] = (struct claim_arg){ .m = m };
		assert_int_equal(pthread_create(&th[i], NULL, claim_caller, &args[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		join_within(th[i], "memo caller");
		hits += args[i].hit;
		computed += args[i].computed;
	}
	assert_int_equal(computed, 1);
	assert_int_equal(hits, 7);
	assert_false(claim_overlap);
	assert_false(memo_get_or_claim(NULL, "x", a, &text, &len));	/* no memo: compute */
	memo_unclaim(NULL, "x");
	memo_free(m);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_fresh_then_existing, setup_empty,
						tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_open_and_exec_errors, setup_empty, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_named_binds, setup_empty, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_step_row_not_found, setup_migrated, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_constraint_conflicts, setup_migrated, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup_migrated, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_stmt_cache_nested, setup_migrated, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_stmt_cache_full, setup_empty, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_pool_readers_read_only, setup_migrated,
						tmpdb_teardown),
		cmocka_unit_test(test_like_pattern),
		cmocka_unit_test_setup_teardown(test_like_pattern_in_sql, setup_migrated, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_read_rows, setup_migrated, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_backup, setup_migrated, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_sql_set, setup_migrated, tmpdb_teardown),
		cmocka_unit_test(test_memo),
		cmocka_unit_test_setup_teardown(test_pool_checkpoints_in_the_background,
						setup_migrated, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_group_commit, setup_migrated, tmpdb_teardown),
		cmocka_unit_test(test_memo_claims),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
