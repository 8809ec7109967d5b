/*
** db/db_sqlite.c: the SQLite implementation of db.h, with a per-connection
** statement cache keyed by the SQL string's address.
*/
#include "db/db_int.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/memo.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LOG_MOD "db"
#define CACHE_SLOTS 256	/* open addressing; statements past this are not cached */

struct cached {
	const char *sql;
	sqlite3_stmt *st;
	int busy;
};

struct sq_db {
	struct db base;
	sqlite3 *h;
	struct cached cache[CACHE_SLOTS];
};

#define SQ(db) ((struct sq_db *)(db))
static const struct db_ops sq_ops;

static int
unavailable(struct err *e)
{
	return err_setx(e, ERR_UNAVAILABLE, "storage_unavailable", NULL, "存储暂不可用，请稍后重试");
}

/*
** Map a failed result code: constraint -> ERR_CONFLICT; full disk, I/O error,
** read-only, cannot open, busy/locked, WAL lock race -> ERR_UNAVAILABLE (503,
** the client retries); out of memory -> ERR_NOMEM (503); anything else,
** corruption included, -> ERR_DB (500; the log says what).
*/
static int
fail(struct db *db, int rc, struct err *e, const char *what)
{
	int ext = db && SQ(db)->h ? sqlite3_extended_errcode(SQ(db)->h) : rc;
	const char *msg = db && SQ(db)->h ? sqlite3_errmsg(SQ(db)->h) : sqlite3_errstr(rc);

	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return err_setx(e, ERR_CONFLICT, "conflict", NULL, "记录冲突（唯一性或关联约束）");
	log_msg(LOG_ERROR, LOG_MOD, "%s failed: %s (%d)", what, msg, ext);
	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_PROTOCOL:
		return unavailable(e);
	case SQLITE_NOMEM:
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	default:
		return err_set(e, ERR_DB, NULL, "database error");
	}
}

/*
** After a failed write (full disk, I/O error, out of memory) SQLite may roll
** back the whole transaction on its own, leaving the connection in autocommit
** mode: a later statement of the same request would then commit by itself, a
** half-written change. While db_begin_write's transaction is gone, refuse
** every statement (ERR_UNAVAILABLE) until the owner calls db_rollback.
*/
static int
tx_lost(struct db *db, struct err *e)
{
	if (!db->in_tx || !sqlite3_get_autocommit(SQ(db)->h))
		return 0;
	log_msg(LOG_ERROR, LOG_MOD, "write transaction begun at %s:%d was rolled back by SQLite",
		db->tx_file ? db->tx_file : "?", db->tx_line);
	return unavailable(e);
}

int
db_sqlite_open(const char *path, int flags, struct db **out, struct err *e)
{
	int oflags = SQLITE_OPEN_NOMUTEX;
	struct sq_db *sdb = calloc(1, sizeof(*sdb));
	struct db *db = &sdb->base;
	int rc;

	if (!sdb)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	db->ops = &sq_ops;
	oflags |= (flags & DB_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & DB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &SQ(db)->h, oflags, NULL);
	if (rc != SQLITE_OK) {
		rc = fail(db, rc, e, "open");
		db_close(db);
		return rc;
	}
	sqlite3_busy_timeout(SQ(db)->h, 5000);
	sqlite3_extended_result_codes(SQ(db)->h, 1);
	rc = db_exec(db, (flags & DB_READONLY) ?
		     "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;" :
		     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
		     e);
	if (rc) {
		db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

static void
sq_close(struct db *db)
{
	for (int i = 0; i < CACHE_SLOTS; i++)
		sqlite3_finalize(SQ(db)->cache[i].st);
	sqlite3_close(SQ(db)->h);
	free(db);
}

static struct cached *
cache_slot(struct db *db, const char *sql)
{
	size_t home = db_cache_home(sql, CACHE_SLOTS);

	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct cached *c = &SQ(db)->cache[(home + i) % CACHE_SLOTS];
		if (c->sql == sql && !c->busy)
			return c;
		if (!c->sql)
			return c;
	}
	return NULL;
}

static int prepare_once(struct db *db, struct stmt *st, const char *sql, struct err *e);

static int
compile(struct db *db, const char *sql, sqlite3_stmt **out)
{
	char *copy;
	int rc = sqlite3_prepare_v2(SQ(db)->h, db_sql_without_for_update(sql, &copy), -1, out,
				    NULL);

	free(copy);
	return rc;
}

static int
sq_prepare(struct db *db, struct stmt *st, const char *sql, int cached, struct err *e)
{
	struct cached *c = cached ? cache_slot(db, sql) : NULL;
	sqlite3_stmt *s;
	int rc;

	st->db = db;
	st->impl = NULL;
	if (c && c->sql == sql) {
		c->busy = 1;
		st->impl = c;
		return 0;
	}
	if (!c)	/* uncached, or the cache is full (nested use of the same SQL takes a second slot) */
		return prepare_once(db, st, sql, e);
	rc = compile(db, sql, &s);
	if (rc != SQLITE_OK)
		return fail(db, rc, e, "prepare");
	c->sql = sql;
	c->st = s;
	c->busy = 1;
	st->impl = c;
	return 0;
}

static int
prepare_once(struct db *db, struct stmt *st, const char *sql, struct err *e)
{
	struct cached *own = calloc(1, sizeof(*own));
	int rc;

	st->db = db;
	st->impl = NULL;
	if (!own)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = compile(db, sql, &own->st);
	if (rc != SQLITE_OK) {
		free(own);
		return fail(db, rc, e, "prepare");
	}
	own->busy = 2;	/* db_finalize frees it */
	st->impl = own;
	return 0;
}

static void
sq_finalize(struct stmt *st)
{
	struct cached *c = st->impl;

	if (c->busy == 2) {
		sqlite3_finalize(c->st);
		free(c);
	} else {
		sqlite3_reset(c->st);
		sqlite3_clear_bindings(c->st);
		c->busy = 0;
	}
}

static sqlite3_stmt *
S(struct stmt *st)
{
	return ((struct cached *)st->impl)->st;
}

static int
param(struct stmt *st, const char *name, struct err *e)
{
	int i = sqlite3_bind_parameter_index(S(st), name);

	if (i == 0) {
		log_msg(LOG_ERROR, LOG_MOD, "unknown parameter %s in: %.80s", name, sqlite3_sql(S(st)));
		err_set(e, ERR_DB, NULL, "database error");
	}
	return i;
}

static int
bound(struct stmt *st, int rc, struct err *e)
{
	return rc == SQLITE_OK ? 0 : fail(st->db, rc, e, "bind");
}

static int
sq_bind_i64(struct stmt *st, const char *name, int64_t v, struct err *e)
{
	int i = param(st, name, e);

	return i ? bound(st, sqlite3_bind_int64(S(st), i, v), e) : ERR_DB;
}

static int
sq_bind_textn(struct stmt *st, const char *name, const char *v, size_t n, struct err *e)
{
	int i = param(st, name, e);

	if (!i)
		return ERR_DB;
	if (n > INT32_MAX)	/* v is never NULL here: db.c binds a NULL text as bind_null */
		return err_set(e, ERR_TOO_LARGE, NULL, "value too large");
	return bound(st, sqlite3_bind_text(S(st), i, v, (int)n, SQLITE_TRANSIENT), e);
}

static int
sq_bind_null(struct stmt *st, const char *name, enum db_null_like like, struct err *e)
{
	(void)like;	/* SQLite's NULL has no type */
	int i = param(st, name, e);

	return i ? bound(st, sqlite3_bind_null(S(st), i), e) : ERR_DB;
}

static int
sq_step(struct stmt *st, struct err *e)
{
	int rc;

	if (tx_lost(st->db, e))
		return e->code;
	rc = sqlite3_step(S(st));

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return fail(st->db, rc, e, "step");
}

static int64_t
sq_col_i64(struct stmt *st, int col)
{
	return sqlite3_column_int64(S(st), col);
}

static int
sq_col_is_null(struct stmt *st, int col)
{
	return sqlite3_column_type(S(st), col) == SQLITE_NULL;
}

static const char *
sq_col_peek(struct stmt *st, int col, size_t *len)
{
	const unsigned char *t = sqlite3_column_text(S(st), col);

	if (len)
		*len = t ? (size_t)sqlite3_column_bytes(S(st), col) : 0;
	return (const char *)t;
}

static int64_t
sq_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(SQ(db)->h);
}

static int64_t
sq_changes(struct db *db)
{
	return sqlite3_changes64(SQ(db)->h);
}

static int
sq_exec(struct db *db, const char *sql, struct err *e)
{
	char *msg = NULL;
	int rc;

	if (tx_lost(db, e))
		return e->code;
	rc = sqlite3_exec(SQ(db)->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		if (msg)
			log_msg(LOG_ERROR, LOG_MOD, "exec: %s", msg);
		sqlite3_free(msg);
		return fail(db, rc, e, "exec");
	}
	return 0;
}

static int
sq_begin_write(struct db *db, struct err *e)
{
	assert(!db->in_tx);
	if (!sqlite3_get_autocommit(SQ(db)->h)) {
		/* a transaction a failed ROLLBACK left open: end it before starting ours */
		log_msg(LOG_WARN, LOG_MOD, "stale transaction on the connection, rolling back");
		sqlite3_exec(SQ(db)->h, "ROLLBACK", NULL, NULL, NULL);
	}
	return db_exec(db, "BEGIN IMMEDIATE", e);
}

static int
sq_commit(struct db *db, struct err *e)
{
	int rc = db_exec(db, "COMMIT", e);

	if (rc) {
		db_rollback(db);
		return rc;
	}
	db->in_tx = 0;
	return 0;
}

static void
sq_rollback(struct db *db)
{
	int rc;

	if (!sqlite3_get_autocommit(SQ(db)->h)) {
		rc = sqlite3_exec(SQ(db)->h, "ROLLBACK", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			log_msg(LOG_ERROR, LOG_MOD, "rollback failed: %s (%d)", sqlite3_errmsg(SQ(db)->h),
				sqlite3_extended_errcode(SQ(db)->h));
	}
	db->in_tx = 0;
}

static int
sq_backup(struct db *db, const char *path, struct err *e)
{
	sqlite3 *dst;
	sqlite3_backup *b;
	int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

	if (rc != SQLITE_OK) {
		sqlite3_close(dst);
		return err_set(e, ERR_UNAVAILABLE, NULL, "cannot open %s", path);
	}
	b = sqlite3_backup_init(dst, "main", SQ(db)->h, "main");
	if (!b) {
		rc = sqlite3_errcode(dst);
	} else {
		/* copy in steps so writers are not blocked for the whole copy */
		do {
			rc = sqlite3_backup_step(b, 256);
			if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
				sqlite3_sleep(20);
		} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
		sqlite3_backup_finish(b);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_close(dst);
	if (rc != SQLITE_OK)
		return err_set(e, ERR_UNAVAILABLE, NULL, "backup failed: %s", sqlite3_errstr(rc));
	return 0;
}

static const struct db_ops sq_ops = {
	.backend = DB_SQLITE,
	.close = sq_close,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_i64 = sq_bind_i64,
	.bind_textn = sq_bind_textn,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_i64 = sq_col_i64,
	.col_is_null = sq_col_is_null,
	.col_peek = sq_col_peek,
	.last_id = sq_last_id,
	.changes = sq_changes,
	.exec = sq_exec,
	.begin_write = sq_begin_write,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.backup = sq_backup,
};

/* --- pool --- */

struct sq_pool {
	struct db_pool base;
	pthread_mutex_t lock, wlock;
	pthread_cond_t freed;
	struct db *writer;
	/* the write queue and its thread (see db_pool_submit) */
	pthread_t wq_thread;
	int wq_started, wq_stop;
	pthread_mutex_t wq_lock;
	pthread_cond_t wq_wake;
	struct db_write *wq_head, *wq_tail;
	long batches, batched;		/* commits made, writes they held (under wlock) */
	int n;
	struct db **readers;
	int *busy;
	struct memo *memo;
	/* the checkpointer (see checkpointer()) */
	struct db *ck;
	pthread_t ck_thread;
	int ck_started, ck_stop;
	pthread_mutex_t ck_lock;
	pthread_cond_t ck_wake;
	atomic_int wal_frames;		/* frames in the WAL after the last commit */
	atomic_long checkpoints;	/* checkpoints the thread has run */
};

/*
** Checkpoints mostly off the request path. The writer does not checkpoint
** after every CKPT_FRAMES frames as SQLite's autocheckpoint would, inside the
** commit and under the write lock (create's p99 was 640 ms at 1M orders,
** issue #5). Its WAL hook records the WAL's size and wakes a pool thread,
** which copies the WAL into the database with PASSIVE checkpoints (never
** blocking readers or the writer). Under steady writes a background
** checkpoint never catches the WAL's end, and SQLite only rewinds a WAL that
** is wholly copied; so past CKPT_INLINE frames the writer checkpoints inline
** once, finding most frames already copied, and the WAL starts over.
*/
#define CKPT_FRAMES 1000	/* SQLite's default autocheckpoint */
#define CKPT_INLINE 4000	/* ~16 MB of WAL */

static int
wal_hook(void *arg, sqlite3 *h, const char *name, int frames)
{
	struct sq_pool *p = arg;

	atomic_store(&p->wal_frames, frames);
	if (frames >= CKPT_INLINE)
		sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	else if (frames >= CKPT_FRAMES)
		pthread_cond_signal(&p->ck_wake);
	return SQLITE_OK;
}

static void *
checkpointer(void *arg)
{
	struct sq_pool *p = arg;

	pthread_mutex_lock(&p->ck_lock);
	while (!p->ck_stop) {
		if (atomic_load(&p->wal_frames) < CKPT_FRAMES) {
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_sec += 1;	/* the hook's signal can come between check and wait */
			pthread_cond_timedwait(&p->ck_wake, &p->ck_lock, &t);
			continue;
		}
		pthread_mutex_unlock(&p->ck_lock);
		int log = 0, done = 0;
		int rc = sqlite3_wal_checkpoint_v2(SQ(p->ck)->h, NULL, SQLITE_CHECKPOINT_PASSIVE, &log,
						   &done);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_msg(LOG_WARN, LOG_MOD, "checkpoint failed: %s", sqlite3_errmsg(SQ(p->ck)->h));
		/* done: wait for the next commit's hook to report the WAL afresh */
		atomic_store(&p->wal_frames, 0);
		atomic_fetch_add(&p->checkpoints, 1);
		pthread_mutex_lock(&p->ck_lock);
	}
	pthread_mutex_unlock(&p->ck_lock);
	return NULL;
}

static int
checkpointer_start(struct sq_pool *p, const char *path, struct err *e)
{
	if (db_sqlite_open(path, 0, &p->ck, e))
		return e->code;
	if (pthread_create(&p->ck_thread, NULL, checkpointer, p) != 0)
		return err_set(e, ERR_NOMEM, NULL, "cannot start the checkpointer");
	p->ck_started = 1;
	sqlite3_wal_hook(SQ(p->writer)->h, wal_hook, p);	/* replaces autocheckpoint */
	return 0;
}

static void
checkpointer_stop(struct sq_pool *p)
{
	if (p->ck_started) {
		pthread_mutex_lock(&p->ck_lock);
		p->ck_stop = 1;
		pthread_cond_signal(&p->ck_wake);
		pthread_mutex_unlock(&p->ck_lock);
		pthread_join(p->ck_thread, NULL);
	}
	db_close(p->ck);
}

static void
sqp_group_commits(struct db_pool *bp, long *commits, long *writes)
{
	struct sq_pool *p = (struct sq_pool *)bp;

	pthread_mutex_lock(&p->wlock);
	*commits = p->batches;
	*writes = p->batched;
	pthread_mutex_unlock(&p->wlock);
}

static long
sqp_checkpoints(struct db_pool *bp)
{
	struct sq_pool *p = (struct sq_pool *)bp;

	return atomic_load(&p->checkpoints);
}

static void *write_loop(void *arg);
static void sqp_free(struct db_pool *bp);
static struct db *sqp_writer(struct db_pool *bp);
static void sqp_writer_unlock(struct db_pool *bp);
static const struct db_pool_ops sqp_ops;
static void write_loop_stop(struct sq_pool *p);

#define POOL_MEMO_BYTES (2u << 20)	/* kept results (core/memo.h), all connections */

int
db_sqlite_pool_new(const char *path, int nreaders, struct db_pool **out, struct err *e)
{
	struct sq_pool *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	p->base.ops = &sqp_ops;
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->wlock, NULL);
	pthread_cond_init(&p->freed, NULL);
	pthread_mutex_init(&p->wq_lock, NULL);
	pthread_cond_init(&p->wq_wake, NULL);
	pthread_mutex_init(&p->ck_lock, NULL);
	pthread_cond_init(&p->ck_wake, NULL);
	p->readers = calloc((size_t)nreaders, sizeof(*p->readers));
	p->busy = calloc((size_t)nreaders, sizeof(*p->busy));
	p->memo = memo_new(POOL_MEMO_BYTES);
	if (!p->readers || !p->busy || !p->memo) {
		sqp_free(&p->base);
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	rc = db_sqlite_open(path, DB_CREATE, &p->writer, e);
	if (!rc)
		p->writer->memo = p->memo;
	/*
	 * Group commit puts each request in a savepoint, and SQLite keeps the
	 * pages a savepoint changes in a sub-journal: a temp file by default, ~40
	 * extra pwrites per create. In memory it is at most BATCH_MAX writes' pages.
	 */
	if (!rc)
		rc = db_exec(p->writer, "PRAGMA temp_store = MEMORY", e);
	/* readers refuse writes, so no code path can write around the writer's lock */
	for (int i = 0; !rc && i < nreaders; i++, p->n++) {
		rc = db_sqlite_open(path, 0, &p->readers[i], e) ||
		     db_exec(p->readers[i], "PRAGMA query_only = 1", e) ? e->code : 0;
		if (p->readers[i])
			p->readers[i]->memo = p->memo;
	}
	if (!rc)
		rc = checkpointer_start(p, path, e);
	if (!rc && pthread_create(&p->wq_thread, NULL, write_loop, p) != 0)
		rc = err_set(e, ERR_NOMEM, NULL, "cannot start the writer thread");
	p->wq_started = !rc;
	if (rc) {
		sqp_free(&p->base);
		return rc;
	}
	*out = &p->base;
	return 0;
}

static void
sqp_free(struct db_pool *bp)
{
	struct sq_pool *p = (struct sq_pool *)bp;

	if (!p)
		return;
	write_loop_stop(p);
	checkpointer_stop(p);
	if (p->batches)
		log_msg(LOG_INFO, LOG_MOD, "group commit: %ld writes in %ld commits", p->batched,
			p->batches);
	for (int i = 0; i < p->n; i++)
		db_close(p->readers[i]);
	db_close(p->writer);
	memo_free(p->memo);
	free(p->readers);
	free(p->busy);
	pthread_cond_destroy(&p->freed);
	pthread_cond_destroy(&p->wq_wake);
	pthread_mutex_destroy(&p->wq_lock);
	pthread_cond_destroy(&p->ck_wake);
	pthread_mutex_destroy(&p->ck_lock);
	pthread_mutex_destroy(&p->wlock);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static struct db *
sqp_reader(struct db_pool *bp)
{
	struct sq_pool *p = (struct sq_pool *)bp;

	struct db *db = NULL;

	pthread_mutex_lock(&p->lock);
	while (!db) {
		for (int i = 0; i < p->n && !db; i++)
			if (!p->busy[i]) {
				p->busy[i] = 1;
				db = p->readers[i];
			}
		if (!db)
			pthread_cond_wait(&p->freed, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return db;
}

static void
sqp_release(struct db_pool *bp, struct db *db)
{
	struct sq_pool *p = (struct sq_pool *)bp;

	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < p->n; i++)
		if (p->readers[i] == db)
			p->busy[i] = 0;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

/*
** Group commit. Under load most of a create's time under the write lock was
** its commit: the WAL frames of the order, its indexes, the counters and the
** audit chain's tail, many of them the same pages as the next create's. So
** writes are queued to one writer thread, which runs all that are waiting
** (up to BATCH_MAX) in one transaction, each in its own savepoint, commits
** once, and only then reports each write's result. A failing write rolls back
** to its savepoint and undoes only itself; if SQLite drops the transaction
** (full disk, I/O error) or the commit fails, every write in it reports the
** error. The threads that queued writes are free meanwhile (the HTTP server
** suspends the connection), so batches form without more request threads.
*/
#define BATCH_MAX 64

/* Fail every write of list that had succeeded, with e (the transaction is gone). */
static void
fail_kept(struct db_write *list, const struct db_write *end, const struct err *e)
{
	for (struct db_write *j = list; j != end; j = j->next)
		if (!j->rc) {
			j->rc = e->code;
			j->e = *e;
		}
}

/* Run one write in its savepoint; returns 1 when it is kept. */
static int
run_one(struct db *w, struct db_write *j)
{
	j->rc = db_exec(w, "SAVEPOINT request", &j->e);
	if (!j->rc)
		j->rc = j->fn(w, j->arg, &j->e);
	if (!j->rc)
		j->rc = db_exec(w, "RELEASE request", &j->e);
	if (j->rc && !sqlite3_get_autocommit(SQ(w)->h))
		sqlite3_exec(SQ(w)->h, "ROLLBACK TO request; RELEASE request", NULL, NULL, NULL);
	if (j->rc && !j->e.code)
		j->e.code = j->rc;
	return !j->rc;
}

static void
run_batch(struct sq_pool *p, struct db_write *list)
{
	struct db *w = sqp_writer(&p->base);
	struct err e = { 0 };
	int rc = db_begin_write(w, &e), kept = 0;

	for (struct db_write *j = list; j; j = j->next) {
		if (rc) {
			j->rc = rc;
			j->e = e;
			continue;
		}
		kept += run_one(w, j);
		if (sqlite3_get_autocommit(SQ(w)->h)) {	/* SQLite rolled it all back */
			rc = unavailable(&e);
			fail_kept(list, j->next, &e);
			kept = 0;
		}
	}
	if (rc || !kept) {
		db_rollback(w);
	} else {
		rc = db_commit(w, &e);
		if (rc) {
			fail_kept(list, NULL, &e);
		} else {
			p->batches++;
			p->batched += kept;
		}
	}
	sqp_writer_unlock(&p->base);
	while (list) {	/* done() may free the job */
		struct db_write *next = list->next;
		list->done(list->arg, list->rc, &list->e);
		list = next;
	}
}

static void *
write_loop(void *arg)
{
	struct sq_pool *p = arg;

	pthread_mutex_lock(&p->wq_lock);
	for (;;) {
		while (!p->wq_head && !p->wq_stop)
			pthread_cond_wait(&p->wq_wake, &p->wq_lock);
		if (!p->wq_head)
			break;	/* stopping, and the queue is drained */
		struct db_write *list = p->wq_head, *last = list;
		for (int n = 1; n < BATCH_MAX && last->next; n++)
			last = last->next;
		p->wq_head = last->next;
		if (!p->wq_head)
			p->wq_tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&p->wq_lock);
		run_batch(p, list);
		pthread_mutex_lock(&p->wq_lock);
	}
	pthread_mutex_unlock(&p->wq_lock);
	return NULL;
}

static void
job_reset(struct db_write *j)
{
	j->next = NULL;
	j->rc = 0;
	memset(&j->e, 0, sizeof(j->e));
}

static void
sqp_submit(struct db_pool *bp, struct db_write *j)
{
	struct sq_pool *p = (struct sq_pool *)bp;

	job_reset(j);
	pthread_mutex_lock(&p->wq_lock);
	if (p->wq_started && !p->wq_stop) {
		if (p->wq_tail)
			p->wq_tail->next = j;
		else
			p->wq_head = j;
		p->wq_tail = j;
		pthread_cond_signal(&p->wq_wake);
		pthread_mutex_unlock(&p->wq_lock);
		return;
	}
	pthread_mutex_unlock(&p->wq_lock);
	run_batch(p, j);	/* no writer thread (the pool is closing): a batch of one, here */
}

static void
sqp_write_now(struct db_pool *bp, struct db_write *j)
{
	struct sq_pool *p = (struct sq_pool *)bp;

	job_reset(j);
	run_batch(p, j);
}

static void
write_loop_stop(struct sq_pool *p)
{
	pthread_mutex_lock(&p->wq_lock);
	p->wq_stop = 1;
	pthread_cond_signal(&p->wq_wake);
	pthread_mutex_unlock(&p->wq_lock);
	if (p->wq_started)
		pthread_join(p->wq_thread, NULL);
	p->wq_started = 0;
}

static struct db *
sqp_writer(struct db_pool *bp)
{
	struct sq_pool *p = (struct sq_pool *)bp;

	pthread_mutex_lock(&p->wlock);
	return p->writer;
}

static void
sqp_writer_unlock(struct db_pool *bp)
{
	struct sq_pool *p = (struct sq_pool *)bp;

	pthread_mutex_unlock(&p->wlock);
}

static const struct db_pool_ops sqp_ops = {
	.free = sqp_free,
	.reader = sqp_reader,
	.release = sqp_release,
	.submit = sqp_submit,
	.write_now = sqp_write_now,
	.group_commits = sqp_group_commits,
	.writer = sqp_writer,
	.writer_unlock = sqp_writer_unlock,
	.checkpoints = sqp_checkpoints,
};
