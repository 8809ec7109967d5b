/*
** db/db.c: db.h's entry points, forwarded to the connection's backend
** (db_sqlite.c or db_pg.c), which db_open and db_pool_new choose by the --db value.
*/
#include "db/db_int.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
db_is_pg_uri(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

enum db_backend
db_backend(struct db *db)
{
	return db->ops->backend;
}

int
db_open(const char *path, int flags, struct db **out, struct err *e)
{
	return db_is_pg_uri(path) ? db_pg_open(path, flags, out, e) :
				    db_sqlite_open(path, flags, out, e);
}

void
db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

int
db_prepare(struct db *db, struct stmt *st, const char *sql, struct err *e)
{
	return db->ops->prepare(db, st, sql, 1, e);
}

int
db_prepare_once(struct db *db, struct stmt *st, const char *sql, struct err *e)
{
	return db->ops->prepare(db, st, sql, 0, e);
}

void
db_finalize(struct stmt *st)
{
	if (st->impl)
		st->db->ops->finalize(st);
	st->impl = NULL;
}

int
db_bind_i64(struct stmt *st, const char *name, int64_t v, struct err *e)
{
	return st->db->ops->bind_i64(st, name, v, e);
}

int
db_bind_textn(struct stmt *st, const char *name, const char *v, size_t n, struct err *e)
{
	if (!v)
		return st->db->ops->bind_null(st, name, NULL_TEXT, e);
	/* what PostgreSQL would refuse as a server error, both backends refuse as bad input */
	if (utf8_chars(v, n) < 0)
		return err_set(e, ERR_INVALID, NULL, "文本不是有效的 UTF-8");
	return st->db->ops->bind_textn(st, name, v, n, e);
}

int
db_bind_text(struct stmt *st, const char *name, const char *v, struct err *e)
{
	return db_bind_textn(st, name, v, v ? strlen(v) : 0, e);
}

int
db_bind_null(struct stmt *st, const char *name, struct err *e)
{
	return st->db->ops->bind_null(st, name, NULL_ANY, e);
}

int
db_bind_id_or_null(struct stmt *st, const char *name, int64_t v, struct err *e)
{
	return v ? db_bind_i64(st, name, v, e) : st->db->ops->bind_null(st, name, NULL_INT, e);
}

int
db_step(struct stmt *st, struct err *e)
{
	return st->db->ops->step(st, e);
}

int
db_step_done(struct stmt *st, struct err *e)
{
	int rc = db_step(st, e);

	return rc > 0 ? 0 : rc;
}

int
db_step_row(struct stmt *st, struct err *e)
{
	int rc = db_step(st, e);

	if (rc == 1)
		return 0;
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "记录不存在");
	return rc;
}

int64_t
db_col_i64(struct stmt *st, int col)
{
	return st->db->ops->col_i64(st, col);
}

int
db_col_is_null(struct stmt *st, int col)
{
	return st->db->ops->col_is_null(st, col);
}

const char *
db_col_peek(struct stmt *st, int col, size_t *len)
{
	return st->db->ops->col_peek(st, col, len);
}

char *
db_col_text(struct stmt *st, struct arena *a, int col)
{
	size_t n;
	const char *t = db_col_peek(st, col, &n);

	return t ? arena_strndup(a, t, n) : NULL;
}

int64_t
db_last_id(struct db *db)
{
	return db->ops->last_id(db);
}

int64_t
db_changes(struct db *db)
{
	return db->ops->changes(db);
}

int
db_exec(struct db *db, const char *sql, struct err *e)
{
	return db->ops->exec(db, sql, e);
}

int
db_begin_write_at(struct db *db, const char *file, int line, struct err *e)
{
	int rc = db->ops->begin_write(db, e);

	if (!rc) {
		db->in_tx = 1;
		db->tx_file = file;
		db->tx_line = line;
	}
	return rc;
}

int
db_commit(struct db *db, struct err *e)
{
	return db->ops->commit(db, e);
}

void
db_rollback(struct db *db)
{
	db->ops->rollback(db);
}

int
db_in_tx(struct db *db)
{
	return db->in_tx;
}

int
db_backup(struct db *db, const char *path, struct err *e)
{
	return db->ops->backup(db, path, e);
}

struct memo *
db_memo(struct db *db)
{
	return db->memo;
}

/* ---- locks (advisory on PostgreSQL; SQLite's one writer holds them all) ---- */

static const char sql_lock_tx[] = "SELECT pg_advisory_xact_lock(:k)";
static const char sql_try_lock[] = "SELECT pg_try_advisory_lock(:k)";
static const char sql_unlock[] = "SELECT pg_advisory_unlock(:k)";

/* Run a one-row lock statement with :k bound; *out its boolean (may be NULL). */
static int
lock_stmt(struct db *db, const char *sql, int64_t key, int *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":k", key, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc && out)
		*out = db_col_i64(&st, 0) != 0;
	db_finalize(&st);
	return rc;
}

int
db_lock_tx(struct db *db, int64_t key, struct err *e)
{
	return db_backend(db) == DB_PG ? lock_stmt(db, sql_lock_tx, key, NULL, e) : 0;
}

int
db_try_lock_held(struct db *db, int64_t key, int *got, struct err *e)
{
	*got = 1;
	return db_backend(db) == DB_PG ? lock_stmt(db, sql_try_lock, key, got, e) : 0;
}

int
db_unlock_held(struct db *db, int64_t key, struct err *e)
{
	return db_backend(db) == DB_PG ? lock_stmt(db, sql_unlock, key, NULL, e) : 0;
}

/* ---- pool ---- */

int
db_pool_new(const char *path, int nreaders, struct db_pool **out, struct err *e)
{
	return db_is_pg_uri(path) ? db_pg_pool_new(path, nreaders, out, e) :
				    db_sqlite_pool_new(path, nreaders, out, e);
}

void
db_pool_free(struct db_pool *p)
{
	if (p)
		p->ops->free(p);
}

struct db *
db_pool_reader(struct db_pool *p)
{
	return p->ops->reader(p);
}

void
db_pool_release(struct db_pool *p, struct db *db)
{
	p->ops->release(p, db);
}

void
db_pool_submit(struct db_pool *p, struct db_write *job)
{
	p->ops->submit(p, job);
}

void
db_pool_write_now(struct db_pool *p, struct db_write *job)
{
	p->ops->write_now(p, job);
}

void
db_pool_group_commits(struct db_pool *p, long *commits, long *writes)
{
	p->ops->group_commits(p, commits, writes);
}

struct db *
db_pool_writer(struct db_pool *p)
{
	return p->ops->writer(p);
}

void
db_pool_writer_unlock(struct db_pool *p)
{
	p->ops->writer_unlock(p);
}

long
db_pool_checkpoints(struct db_pool *p)
{
	return p->ops->checkpoints(p);
}

int
db_pool_on_commit(struct db_pool *p, void (*fn)(void), struct err *e)
{
	return p->ops->on_commit ? p->ops->on_commit(p, fn, e) : 0;
}

size_t
db_cache_home(const char *sql, size_t slots)
{
	uintptr_t h = (uintptr_t)sql;

	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(h % slots);
}

/*
** The clause must end the statement (a row lock is the last thing a SELECT
** says); anything else is returned as it is. *copy is the caller's to free.
*/
const char *
db_sql_without_for_update(const char *sql, char **copy)
{
	static const char clause[] = " FOR UPDATE";
	size_t n = strlen(sql), k = sizeof(clause) - 1;

	*copy = NULL;
	if (n < k || strcmp(sql + n - k, clause) != 0)
		return sql;
	*copy = strndup(sql, n - k);
	return *copy ? *copy : sql;
}
