/*
** db/db_util.c: dialect-neutral helpers.
*/
#include "db/db.h"
#include "core/arena.h"
#include "core/err.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

char *
db_like_pattern(struct arena *a, const char *q)
{
	size_t n = strlen(q), o = 0;
	char *p = arena_alloc(a, n * 2 + 3);

	if (!p)
		return NULL;
	p[o++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			p[o++] = '\\';
		p[o++] = q[i];
	}
	p[o++] = '%';
	p[o] = '\0';
	return p;
}

/* ---- rows into an arena array ---- */

int
db_read_rows(struct stmt *st, struct arena *a, size_t size, db_row_fn row, void **out,
	     size_t *n, struct err *e)
{
	size_t cap = 0;
	char *v = arena_grow(a, NULL, 0, &cap, size);	/* so that no rows is an empty array */
	int rc = 0;

	*n = 0;
	while (v && (rc = db_step(st, e)) == 1) {
		v = arena_grow(a, v, *n, &cap, size);
		if (v)
			row(st, a, v + size * (*n)++);
	}
	if (!v)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	*out = v;
	return rc < 0 ? rc : 0;
}

void
db_row_i64(struct stmt *st, struct arena *a, void *item)
{
	(void)a;
	*(int64_t *)item = db_col_i64(st, 0);
}

/* ---- optimistic concurrency ---- */

static int
stale(const char *what, struct err *e)
{
	return err_setx(e, ERR_CONFLICT, "stale", NULL, "%s已被他人修改，请刷新后重试", what);
}

int
db_check_seen(int64_t seen, int64_t current, const char *what, struct err *e)
{
	if (!seen)
		return err_set(e, ERR_INVALID, "updated_at", "缺少 updated_at（并发控制）");
	return seen == current ? 0 : stale(what, e);
}

int
db_check_changed(struct db *db, const char *what, struct err *e)
{
	return db_changes(db) ? 0 : stale(what, e);
}

int64_t
db_next_updated_at(int64_t prev, int64_t now)
{
	return now > prev ? now : prev + 1;
}

/* ---- statements assembled from constant fragments (struct sql_set) ---- */

#define SQL_SET_SLOTS 1024	/* kept texts, all sets together */
#define SQL_SET_KEEP 768	/* past this, texts are compiled uncached */

static struct {
	const struct sql_set *set;
	uint64_t key;
	char *sql;
} kept[SQL_SET_SLOTS];
static int nkept;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

/* Copies s (without its NUL) to p + o, which has room; returns the new length. */
static size_t
append(char *p, size_t o, const char *s)
{
	size_t n = strlen(s);

	memcpy(p + o, s, n);
	return o + n;
}

static char *
sql_set_text(const struct sql_set *s, uint32_t mask, int tail)
{
	size_t n = strlen(s->head) + 1;
	size_t o;
	char *p;

	for (int i = 0; i < s->nparts; i++)
		if (mask & (1u << i))
			n += strlen(s->parts[i]);
	if (s->tails)
		n += strlen(s->tails[tail]);
	p = malloc(n);
	if (!p)
		return NULL;
	o = append(p, 0, s->head);
	for (int i = 0; i < s->nparts; i++)
		if (mask & (1u << i))
			o = append(p, o, s->parts[i]);
	if (s->tails)
		o = append(p, o, s->tails[tail]);
	p[o] = '\0';
	return p;
}

/* The kept text for (s, key), made on first use; NULL when the table is full. */
static const char *
sql_set_kept(const struct sql_set *s, uint64_t key, uint32_t mask, int tail)
{
	uint64_t h = ((uint64_t)(uintptr_t)s ^ key) * 0x9E3779B97F4A7C15ULL;
	const char *out = NULL;

	pthread_mutex_lock(&kept_lock);
	for (int i = 0; i < SQL_SET_SLOTS; i++) {
		size_t j = (size_t)((h >> 32) + (uint64_t)i) % SQL_SET_SLOTS;
		if (kept[j].set == s && kept[j].key == key) {
			out = kept[j].sql;
			break;
		}
		if (!kept[j].set) {
			if (nkept < SQL_SET_KEEP)
				kept[j].sql = sql_set_text(s, mask, tail);
			if (kept[j].sql) {
				kept[j].set = s;
				kept[j].key = key;
				nkept++;
				out = kept[j].sql;
			}
			break;
		}
	}
	pthread_mutex_unlock(&kept_lock);
	return out;
}

int
db_prepare_set(struct db *db, struct stmt *st, const struct sql_set *s, uint32_t mask,
	       int tail, struct err *e)
{
	uint64_t key = (uint64_t)(uint32_t)tail << 32 | mask;
	const char *sql;
	char *own;
	int rc;

	assert(s->nparts <= 31 && mask < (1u << s->nparts));
	assert(s->tails ? tail >= 0 && tail < s->ntails : tail == 0);
	sql = sql_set_kept(s, key, mask, tail);
	if (sql)
		return db_prepare(db, st, sql, e);
	own = sql_set_text(s, mask, tail);	/* table full: a rare mix of filters */
	if (!own)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare_once(db, st, own, e);
	free(own);
	return rc;
}

int
db_exec_id(struct db *db, const char *sql, int64_t id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
db_write_tx(struct db *db, int (*fn)(struct db *db, void *arg, struct err *e), void *arg,
	    struct err *e)
{
	if (db_begin_write(db, e))
		return e->code;
	if (fn(db, arg, e)) {
		if (db_in_tx(db))
			db_rollback(db);
		return e->code;
	}
	return db_commit(db, e);
}
