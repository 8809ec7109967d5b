/*
** db/db.h: the storage API every module uses. Opaque connection, statements
** bound by :name, transactions. Two backends behind it, chosen by the --db
** value: SQLite (db_sqlite.c) and PostgreSQL (db_pg.c, :name rewritten to $n);
** docs/database.md says how they differ and how to write SQL both accept.
**
** Threads: a struct db is used by one thread at a time. On SQLite struct
** db_pool hands out one read connection per worker and serialises every write
** through a single writer connection (DESIGN §3); on PostgreSQL every write
** runs in its own transaction on a connection of its own.
*/
#ifndef HOUQIN_DB_H
#define HOUQIN_DB_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

struct err;
struct arena;
struct db;
struct db_pool;

/* A prepared statement borrowed from the connection's cache. Stack-allocate, zero-init. */
struct stmt {
	void *impl;
	struct db *db;
};

enum db_open_flags { DB_READONLY = 1, DB_CREATE = 2 };

/*
** The backend is chosen by the --db value: "postgresql://..." or "postgres://..."
** (a libpq URI; "postgresql://" alone takes everything from the PG* environment
** variables) is PostgreSQL, anything else is an SQLite file path.
*/
enum db_backend { DB_SQLITE = 1, DB_PG = 2 };
int db_is_pg_uri(const char *path);
enum db_backend db_backend(struct db *db);

/* Open a connection with WAL, synchronous=NORMAL, foreign_keys=ON, busy_timeout. */
int db_open(const char *path, int flags, struct db **out, struct err *e);
void db_close(struct db *db);

/*
** Get `sql` (a static string: its address keys the cache) ready to bind.
** ERR_DB if it does not compile (a bug). Pair with db_finalize.
*/
int db_prepare(struct db *db, struct stmt *st, const char *sql, struct err *e);
/* Compile sql (any text, e.g. built in an arena) now; db_finalize frees it. Not cached. */
int db_prepare_once(struct db *db, struct stmt *st, const char *sql, struct err *e);

/*
** A statement assembled from constant fragments: head, then parts[i] for each
** bit i set in mask, then tails[tail]. Lists use it so the WHERE holds only the
** filters given, which lets the planner pick an index per case (a catch-all
** "(:x = 0 OR col = :x)" hides them). Only the constant fragments are joined,
** never input: values are still bound. Each (set, mask, tail) is built once and
** kept for the process's life, so its address keys the statement cache.
*/
struct sql_set {
	const char *head;
	const char *const *parts;
	int nparts;			/* at most 31 */
	const char *const *tails;	/* NULL: no tail */
	int ntails;
};
int db_prepare_set(struct db *db, struct stmt *st, const struct sql_set *s, uint32_t mask,
		   int tail, struct err *e);

/* Return the statement to the cache (reset + clear bindings). Safe on a zeroed stmt. */
void db_finalize(struct stmt *st);

/* Bind by :name. An unknown name is ERR_DB (a bug, logged). text may be NULL (binds NULL). */
int db_bind_i64(struct stmt *st, const char *name, int64_t v, struct err *e);
int db_bind_text(struct stmt *st, const char *name, const char *v, struct err *e);
int db_bind_textn(struct stmt *st, const char *name, const char *v, size_t n, struct err *e);
int db_bind_null(struct stmt *st, const char *name, struct err *e);
/* Binds v, or NULL when v == 0 (optional foreign keys). */
int db_bind_id_or_null(struct stmt *st, const char *name, int64_t v, struct err *e);

/* 1 = a row is ready, 0 = done, negative = error (ERR_CONFLICT on a constraint, ERR_DB, ERR_UNAVAILABLE). */
int db_step(struct stmt *st, struct err *e);
/* Step a statement that returns no rows: 0 or an error. */
int db_step_done(struct stmt *st, struct err *e);
/* Step expecting exactly one row: 0 with the row ready, ERR_NOT_FOUND when none. */
int db_step_row(struct stmt *st, struct err *e);

int64_t db_col_i64(struct stmt *st, int col);
int db_col_is_null(struct stmt *st, int col);
/* Column text copied into the arena (NULL for SQL NULL; "" on OOM is reported as NULL). */
char *db_col_text(struct stmt *st, struct arena *a, int col);
/* Borrowed column text, valid until the next step/finalize. NULL for SQL NULL. */
const char *db_col_peek(struct stmt *st, int col, size_t *len);

/*
** Every row of st (prepared and bound; st stays the caller's to finalize), in
** SQL order, into a growing arena array of size-byte items: row fills one from
** the current row, copying any text into a. *out is an array even when no row
** comes (never NULL then) and *n counts the rows. 0; a db_step error (the rows
** read so far stay in *out); or ERR_NOMEM (*out untouched). A loop that does
** more per row (skips some, sums, fills two arrays) keeps its own db_step.
*/
typedef void (*db_row_fn)(struct stmt *st, struct arena *a, void *item);
int db_read_rows(struct stmt *st, struct arena *a, size_t size, db_row_fn row, void **out,
		 size_t *n, struct err *e);
/* A db_row_fn for int64_t items, column 0: lists of ids. */
void db_row_i64(struct stmt *st, struct arena *a, void *item);

int64_t db_last_id(struct db *db);
int64_t db_changes(struct db *db);

/* Execute one or more statements with no parameters (migrations, pragmas). */
int db_exec(struct db *db, const char *sql, struct err *e);
/* A statement with one bound :id and no rows (clear a record's children, mark a row). */
int db_exec_id(struct db *db, const char *sql, int64_t id, struct err *e);

/*
** Optimistic concurrency (DESIGN.md section 6), one rule for every editable
** record: it carries updated_at, and an update names the value the client
** read. db_check_seen: 0 when seen == current; ERR_INVALID on field
** "updated_at" when seen is 0 (not sent); ERR_CONFLICT "stale" ("<what>已被他人
** 修改，请刷新后重试") when it differs. db_check_changed, after an
** "UPDATE ... AND updated_at = :seen" (which also guards writers that do not
** share one connection, as on PostgreSQL): the same 409 when no row changed.
** db_next_updated_at: the value to write, now or prev + 1, so that the
** token moves with every update even within one millisecond.
*/
int db_check_seen(int64_t seen, int64_t current, const char *what, struct err *e);
int db_check_changed(struct db *db, const char *what, struct err *e);
int64_t db_next_updated_at(int64_t prev, int64_t now);

/* BEGIN IMMEDIATE; records where it was called for diagnostics. */
int db_begin_write_at(struct db *db, const char *file, int line, struct err *e);
#define db_begin_write(db, e) db_begin_write_at((db), __FILE__, __LINE__, (e))
/*
** COMMIT. On failure (or when SQLite already abandoned the transaction after a
** failed write) it rolls back, so the connection never stays in a transaction,
** and returns the error (ERR_UNAVAILABLE for a full disk, I/O error or
** read-only database). While the transaction is abandoned every db_step and
** db_exec fails with ERR_UNAVAILABLE instead of running in autocommit mode.
*/
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);
int db_in_tx(struct db *db);
/*
** Run fn(db, arg, e) in one write transaction of its own (the CLI, demo seed,
** generators and jobs; requests get theirs from the router): COMMIT when it
** returns 0, ROLLBACK otherwise. Returns fn's or the commit's error.
*/
int db_write_tx(struct db *db, int (*fn)(struct db *db, void *arg, struct err *e), void *arg,
		struct err *e);

/*
** Locks that serialise work across connections and processes. SQLite has a
** single writer, so there they are granted at once; PostgreSQL takes advisory
** locks on key. db_lock_tx waits for the lock and holds it until the write
** transaction ends (e.g. appends to one audit chain). db_try_lock_held takes
** it for the connection, without waiting (*got 0 when another holds it),
** until db_unlock_held or the connection ends (e.g. the one process that runs
** the jobs: if it dies, its lock goes with it and another takes over).
*/
int db_lock_tx(struct db *db, int64_t key, struct err *e);
int db_try_lock_held(struct db *db, int64_t key, int *got, struct err *e);
int db_unlock_held(struct db *db, int64_t key, struct err *e);

/* Online backup of db into a new file at path (safe while others write). */
int db_backup(struct db *db, const char *path, struct err *e);

/* LIKE pattern "%q%" with %, _ and \\ escaped for ESCAPE '\\'. In the arena. */
char *db_like_pattern(struct arena *a, const char *q);

/* --- pool --- */
/* Open nreaders read connections and one writer on path (migrations not applied here). */
int db_pool_new(const char *path, int nreaders, struct db_pool **out, struct err *e);
void db_pool_free(struct db_pool *p);
/* Borrow a read connection (blocks if all are busy). Never NULL. */
struct db *db_pool_reader(struct db_pool *p);
void db_pool_release(struct db_pool *p, struct db *db);
/*
** A write for the pool's writer thread, which group-commits (db_sqlite.c):
** fn runs there, in a savepoint of a transaction shared with other queued
** writes, and must not commit or roll back; done runs on that thread once the
** write is committed (rc 0) or undone (rc and e say why: fn's own error, or
** the shared transaction's). The caller keeps the job alive until done.
*/
struct db_write {
	int (*fn)(struct db *w, void *arg, struct err *e);
	void (*done)(void *arg, int rc, const struct err *e);
	void *arg;
	/* the pool's */
	struct db_write *next;
	int rc;
	struct err e;
};
void db_pool_submit(struct db_pool *p, struct db_write *job);
/* The same write run now, on the calling thread, in a transaction of its own (done runs here). */
void db_pool_write_now(struct db_pool *p, struct db_write *job);
/* Group commits so far and the request writes they held. */
void db_pool_group_commits(struct db_pool *p, long *commits, long *writes);
/* Lock and return the writer connection, outside any group commit; db_pool_writer_unlock releases it. */
struct db *db_pool_writer(struct db_pool *p);
void db_pool_writer_unlock(struct db_pool *p);
/*
** Call fn (on a thread of the pool's) soon after any process commits a
** request's write to the database: PostgreSQL's LISTEN/NOTIFY, so that
** several server processes on one database wake each other's event streams.
** SQLite: nothing to do (one process; its writes wake its own streams).
*/
int db_pool_on_commit(struct db_pool *p, void (*fn)(void), struct err *e);
/* Checkpoints the pool's background thread has run (the writer leaves them to it). */
long db_pool_checkpoints(struct db_pool *p);
/* The pool's cache of computed results (core/memo.h), shared by its connections; NULL outside a pool. */
struct memo *db_memo(struct db *db);

/* --- migrations (db/migrate.c) --- */
/* Apply every embedded migration not yet recorded in schema_migrations, in order, in one transaction. */
int db_migrate(struct db *db, int *applied, struct err *e);
/* The same, only the migrations numbered <= upto (tests build an older schema with it). */
int db_migrate_to(struct db *db, int upto, int *applied, struct err *e);
/* Highest applied version (0 for an empty database). */
int db_schema_version(struct db *db, int64_t *out, struct err *e);

#endif
