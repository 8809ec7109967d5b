/*
** db/db_int.h: what the backends (db_sqlite.c, db_pg.c) share with db.c, the
** dispatcher behind db.h. Nothing outside src/db/ includes this.
**
** Each backend's connection starts with a struct db and its pool with a struct
** db_pool (first member), so a backend converts the pointer it is given back to
** its own struct.
*/
#ifndef HOUQIN_DB_INT_H
#define HOUQIN_DB_INT_H

#include "db/db.h"

struct memo;

enum db_null_like { NULL_ANY, NULL_INT, NULL_TEXT };

struct db_ops {
	enum db_backend backend;
	void (*close)(struct db *db);
	/* cached: sql's address keys the connection's cache; else compiled for this use only */
	int (*prepare)(struct db *db, struct stmt *st, const char *sql, int cached, struct err *e);
	void (*finalize)(struct stmt *st);
	int (*bind_i64)(struct stmt *st, const char *name, int64_t v, struct err *e);
	int (*bind_textn)(struct stmt *st, const char *name, const char *v, size_t n,
			  struct err *e);
	/* like: what the NULL stands for (PostgreSQL types the parameter by it) */
	int (*bind_null)(struct stmt *st, const char *name, enum db_null_like like, struct err *e);
	int (*step)(struct stmt *st, struct err *e);
	int64_t (*col_i64)(struct stmt *st, int col);
	int (*col_is_null)(struct stmt *st, int col);
	const char *(*col_peek)(struct stmt *st, int col, size_t *len);
	int64_t (*last_id)(struct db *db);
	int64_t (*changes)(struct db *db);
	int (*exec)(struct db *db, const char *sql, struct err *e);
	int (*begin_write)(struct db *db, struct err *e);
	int (*commit)(struct db *db, struct err *e);
	void (*rollback)(struct db *db);
	int (*backup)(struct db *db, const char *path, struct err *e);
};

struct db {
	const struct db_ops *ops;
	struct memo *memo;	/* the pool's, shared; NULL outside a pool */
	int in_tx;
	const char *tx_file;	/* where db_begin_write was called, for diagnostics */
	int tx_line;
};

struct db_pool_ops {
	void (*free)(struct db_pool *p);
	struct db *(*reader)(struct db_pool *p);
	void (*release)(struct db_pool *p, struct db *db);
	void (*submit)(struct db_pool *p, struct db_write *job);
	void (*write_now)(struct db_pool *p, struct db_write *job);
	void (*group_commits)(struct db_pool *p, long *commits, long *writes);
	struct db *(*writer)(struct db_pool *p);
	void (*writer_unlock)(struct db_pool *p);
	long (*checkpoints)(struct db_pool *p);
	int (*on_commit)(struct db_pool *p, void (*fn)(void), struct err *e);
};

struct db_pool {
	const struct db_pool_ops *ops;
};

int db_sqlite_open(const char *path, int flags, struct db **out, struct err *e);
int db_sqlite_pool_new(const char *path, int nreaders, struct db_pool **out, struct err *e);
int db_pg_open(const char *uri, int flags, struct db **out, struct err *e);
int db_pg_pool_new(const char *uri, int nconn, struct db_pool **out, struct err *e);

/*
** Where a statement's cache probing starts: the SQL text's address (the cache
** key; texts are static) spread over slots. Both backends probe linearly from it.
*/
size_t db_cache_home(const char *sql, size_t slots);

/* "SELECT ... FOR UPDATE": SQLite has one writer and no row locks, so it drops the clause. */
const char *db_sql_without_for_update(const char *sql, char **copy);

#endif
