/*
** db/db_pg.c: the PostgreSQL implementation of db.h over libpq.
**
** A statement's :name binds are rewritten to $n once, when it first enters a
** connection's cache. It is prepared on the server at its first step, with the
** parameter types of that step's binds (int8, text, or left to the server for
** a NULL), and kept under that type signature: a later step with the same kinds
** of values reuses it. Results come back whole, as text; db_col_* read them.
**
** Errors: a constraint (class 23) is ERR_CONFLICT; a lost or refusing server,
** a read-only one, a deadlock or a serialization failure is ERR_UNAVAILABLE
** (503, retry); the rest ERR_DB. A connection found broken is reset when it is next borrowed or
** begins a transaction, so service resumes when the server is back.
*/
#include "db/db_int.h"
#include "core/err.h"
#include "core/log.h"
#include "core/memo.h"
#include "core/parse.h"

#include <assert.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>
#include <unistd.h>

#define LOG_MOD "db"
#define CACHE_SLOTS 256
#define VARIANTS 4	/* type signatures kept per statement; more run unnamed */
#define PARAMS_MAX 64
#define INT8OID 20
#define TEXTOID 25
#define BOOLOID 16
#define CHANNEL "houqin_commit"	/* NOTIFY channel of request writes */

enum kind { K_NULL = 0, K_INT = 1, K_TEXT = 2 };

struct variant {
	uint64_t sig[2];	/* 2 bits per parameter: its kind */
	unsigned gen;	/* the connection's generation it was prepared in */
	char name[16];
};

struct pgst {
	const char *sql;	/* the caller's text: the cache key */
	char *text;		/* with $n */
	int n;			/* parameters */
	char *names[PARAMS_MAX];	/* ":name" of $i+1 */
	struct variant v[VARIANTS];
	int nv;
	int busy;		/* 0 free, 1 borrowed, 2 uncached (finalize frees) */
	/* one use */
	char *vals[PARAMS_MAX];
	unsigned char kinds[PARAMS_MAX];	/* enum kind of the value or of what its NULL stands for */
	unsigned char seen[PARAMS_MAX];	/* kind last bound a value, kept across uses */
	PGresult *res;
	int row, nrows, ran;
};

struct pg_db {
	struct db base;
	PGconn *c;
	char *uri;
	unsigned gen;		/* bumped at each reset: prepared statements are gone */
	unsigned next_name;
	int64_t changes;
	struct pgst cache[CACHE_SLOTS];
};

#define PG(db) ((struct pg_db *)(db))
static const struct db_ops pg_ops;

static int
unavailable(struct err *e)
{
	return err_setx(e, ERR_UNAVAILABLE, "storage_unavailable", NULL, "存储暂不可用，请稍后重试");
}

static int
starts(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* An integer read from a text result; a numeric's fraction is cut off, as SQLite does. */
static int64_t
text_i64(const char *v)
{
	size_t n = strcspn(v, ".eE");
	int64_t out = 0;

	return parse_i64n(v, n, INT64_MIN, INT64_MAX, &out) == 0 ? out : 0;
}

/* Map a failed result (res may be NULL: no answer at all). */
static int
fail(struct db *db, PGresult *res, struct err *e, const char *what, const char *sql)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(PG(db)->c);

	if (starts(state, "23"))
		return err_setx(e, ERR_CONFLICT, "conflict", NULL, "记录冲突（唯一性或关联约束）");
	log_msg(LOG_ERROR, LOG_MOD, "%s failed: %s [%s] in: %.120s", what, msg,
		state ? state : "-", sql ? sql : "");
	if (!state || PQstatus(PG(db)->c) != CONNECTION_OK || starts(state, "08") ||
	    starts(state, "57P") || starts(state, "53") || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
	    strcmp(state, "25006") == 0)	/* read-only (a standby, or set so) */
		return unavailable(e);
	return err_set(e, ERR_DB, NULL, "database error");
}

/* Server notices ("relation already exists, skipping") are not errors: keep them off stderr. */
static void
notice(void *arg, const char *msg)
{
	(void)arg;
	log_msg(LOG_DEBUG, LOG_MOD, "%s", msg);
}

/*
** Connect (read-only: every transaction of the session is, even after a
** reset). Keywords after dbname would override the URI's; these come first,
** so the URI may set them.
**
** A prepared statement keeps one generic plan, as SQLite's does: the module
** SQL is written for that (struct sql_set gives each filter combination its
** own statement). PostgreSQL's default re-planned the ten-table work-order
** list for every request (3-6 ms each, docs/scale.md).
*/
static PGconn *
connect_uri(const char *uri, int readonly)
{
	const char *keys[] = { "connect_timeout", "application_name", "options", "dbname", NULL };
	const char *vals[] = { "5", "houqin",
			       readonly ? "-c plan_cache_mode=force_generic_plan"
					  " -c default_transaction_read_only=on"
					: "-c plan_cache_mode=force_generic_plan",
			       uri, NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);

	if (c)
		PQsetNoticeProcessor(c, notice, NULL);
	return c;
}

/* A broken connection is reset (outside a transaction): 0 when usable. */
static int
ensure_connected(struct db *db, struct err *e)
{
	struct pg_db *p = PG(db);

	if (PQstatus(p->c) == CONNECTION_OK)
		return 0;
	if (db->in_tx)
		return unavailable(e);
	PQreset(p->c);
	p->gen++;
	if (PQstatus(p->c) != CONNECTION_OK) {
		log_msg(LOG_WARN, LOG_MOD, "PostgreSQL unreachable: %s", PQerrorMessage(p->c));
		return unavailable(e);
	}
	log_msg(LOG_INFO, LOG_MOD, "PostgreSQL connection restored");
	return 0;
}

/*
** A connection object for uri, connected if the server answers: on any error
** but out of memory *out is set all the same, so a pool can keep it and
** reconnect when it is next used.
*/
static int
pg_connect(const char *uri, int flags, struct db **out, struct err *e)
{
	struct pg_db *p = calloc(1, sizeof(*p));
	int rc = 0;

	if (p)
		p->uri = strdup(uri);
	if (!p || !p->uri) {
		free(p);
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	p->base.ops = &pg_ops;
	p->c = connect_uri(uri, flags & DB_READONLY);
	*out = &p->base;
	if (PQstatus(p->c) != CONNECTION_OK) {
		log_msg(LOG_ERROR, LOG_MOD, "cannot connect to PostgreSQL: %s", PQerrorMessage(p->c));
		rc = unavailable(e);
	}
	return rc;
}

int
db_pg_open(const char *uri, int flags, struct db **out, struct err *e)
{
	struct db *db = NULL;
	int rc = pg_connect(uri, flags, &db, e);

	if (rc) {
		db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

static void
use_end(struct pgst *s)
{
	PQclear(s->res);
	s->res = NULL;
	for (int i = 0; i < s->n; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
		s->kinds[i] = K_NULL;
	}
	s->row = s->nrows = s->ran = 0;
}

static void
pgst_free(struct pgst *s)
{
	use_end(s);
	free(s->text);
	for (int i = 0; i < s->n; i++)
		free(s->names[i]);
	memset(s, 0, sizeof(*s));
}

static void
pg_close(struct db *db)
{
	struct pg_db *p = PG(db);

	for (int i = 0; i < CACHE_SLOTS; i++)
		pgst_free(&p->cache[i]);
	PQfinish(p->c);
	free(p->uri);
	free(p);
}

static int
name_char(char ch, int first)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
	       (!first && ch >= '0' && ch <= '9');
}

/* Index of :name among s->names, adding it; -1 past PARAMS_MAX or on OOM. */
static int
param_index(struct pgst *s, const char *name, size_t len)
{
	for (int i = 0; i < s->n; i++)
		if (strlen(s->names[i]) == len && memcmp(s->names[i], name, len) == 0)
			return i;
	if (s->n == PARAMS_MAX)
		return -1;
	s->names[s->n] = strndup(name, len);
	return s->names[s->n] ? s->n++ : -1;
}

/* Copy a quoted run ('...', "...") from sql[i] into out; returns the index past it. */
static size_t
copy_quoted(const char *sql, size_t i, char *out, size_t *o)
{
	char q = sql[i];

	out[(*o)++] = sql[i++];
	while (sql[i]) {
		out[(*o)++] = sql[i];
		if (sql[i++] == q) {
			if (sql[i] != q)
				break;
			out[(*o)++] = sql[i++];	/* doubled quote */
		}
	}
	return i;
}

/* The keyword LIKE at src[i] (a word of its own). */
static int
like_at(const char *src, size_t i)
{
	return strncasecmp(src + i, "LIKE", 4) == 0 && !name_char(src[i + 4], 0) &&
	       (i == 0 || !name_char(src[i - 1], 0));
}

/*
** sql with :name -> $n and LIKE -> ILIKE (quotes, "::" casts and -- comments
** left alone).
*/
static int
rewrite(struct pgst *s, const char *sql, struct err *e)
{
	const char *src = sql;
	size_t n = strlen(src), i = 0, o = 0;
	char *out = malloc(n * 2 + 1);	/* ":a" (2) becomes "$64" (3), LIKE ILIKE: 1.5x at worst */

	if (!out)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	while (src[i]) {
		if (src[i] == '\'' || src[i] == '"') {
			i = copy_quoted(src, i, out, &o);
		} else if (src[i] == '-' && src[i + 1] == '-') {
			while (src[i] && src[i] != '\n')
				out[o++] = src[i++];
		} else if (like_at(src, i)) {	/* SQLite's LIKE ignores ASCII case: so does ILIKE */
			memcpy(out + o, "ILIKE", 5);
			o += 5;
			i += 4;
		} else if (src[i] == ':' && src[i + 1] == ':') {
			out[o++] = src[i++];
			out[o++] = src[i++];
		} else if (src[i] == ':' && name_char(src[i + 1], 1)) {
			size_t b = i++;
			while (name_char(src[i], 0))
				i++;
			int k = param_index(s, src + b, i - b);
			if (k < 0) {
				free(out);
				return err_set(e, ERR_DB, NULL, "too many parameters");
			}
			o += (size_t)snprintf(out + o, n * 2 + 1 - o, "$%d", k + 1);
		} else {
			out[o++] = src[i++];
		}
	}
	out[o] = '\0';
	s->text = out;
	return 0;
}

static struct pgst *
cache_slot(struct pg_db *p, const char *sql)
{
	size_t home = db_cache_home(sql, CACHE_SLOTS);

	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct pgst *c = &p->cache[(home + i) % CACHE_SLOTS];
		if ((c->sql == sql && !c->busy) || !c->sql)
			return c;
	}
	return NULL;
}

static int
pg_prepare(struct db *db, struct stmt *st, const char *sql, int cached, struct err *e)
{
	struct pgst *c = cached ? cache_slot(PG(db), sql) : NULL;
	int own = !c;

	st->db = db;
	st->impl = NULL;
	if (c && c->sql == sql) {
		c->busy = 1;
		st->impl = c;
		return 0;
	}
	if (own)
		c = calloc(1, sizeof(*c));
	if (!c)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (rewrite(c, sql, e)) {
		pgst_free(c);
		if (own)
			free(c);
		return e->code;
	}
	c->sql = sql;
	c->busy = own ? 2 : 1;
	st->impl = c;
	return 0;
}

static void
pg_finalize(struct stmt *st)
{
	struct pgst *s = st->impl;

	if (s->busy == 2) {
		pgst_free(s);
		free(s);
		return;
	}
	use_end(s);
	s->busy = 0;
}

static int
param(struct stmt *st, const char *name, struct err *e)
{
	struct pgst *s = st->impl;

	for (int i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return i;
	log_msg(LOG_ERROR, LOG_MOD, "unknown parameter %s in: %.80s", name, s->sql);
	err_set(e, ERR_DB, NULL, "database error");
	return -1;
}

/*
** Keep v (NULL: SQL NULL) for :name. k is its kind; for a NULL the kind the
** NULL stands for (K_NULL when the caller did not say).
*/
static int
set_value(struct stmt *st, const char *name, enum kind k, char *v, int is_null, struct err *e)
{
	struct pgst *s = st->impl;
	int i = param(st, name, e);

	if (i < 0) {
		free(v);
		return ERR_DB;
	}
	if (!v && !is_null)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	free(s->vals[i]);
	s->vals[i] = v;
	s->kinds[i] = (unsigned char)k;
	if (k != K_NULL)
		s->seen[i] = (unsigned char)k;
	return 0;
}

static int
pg_bind_i64(struct stmt *st, const char *name, int64_t v, struct err *e)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return set_value(st, name, K_INT, strdup(buf), 0, e);
}

static int
pg_bind_textn(struct stmt *st, const char *name, const char *v, size_t n, struct err *e)
{
	if (memchr(v, '\0', n))	/* PostgreSQL text cannot hold NUL; SQLite would cut it there too */
		n = strlen(v);
	return set_value(st, name, K_TEXT, strndup(v, n), 0, e);
}

static int
pg_bind_null(struct stmt *st, const char *name, enum db_null_like like, struct err *e)
{
	enum kind k = like == NULL_INT ? K_INT : like == NULL_TEXT ? K_TEXT : K_NULL;

	return set_value(st, name, k, NULL, 1, e);
}

/*
** A parameter's kind: its value's, the one its NULL stands for, else the one
** it had when last bound a value (a statement's text is fixed).
*/
static unsigned
kind_of(const struct pgst *s, int i)
{
	return s->kinds[i] != K_NULL ? s->kinds[i] : s->seen[i];
}

static void
signature(const struct pgst *s, uint64_t sig[2])
{
	sig[0] = sig[1] = 0;
	for (int i = 0; i < s->n; i++)
		sig[i / 32] |= (uint64_t)kind_of(s, i) << (2 * (i % 32));
}

/* Parameter types; a NULL of unknown kind is null_type (0: the server infers it). */
static void
types_of(const struct pgst *s, unsigned *types, unsigned null_type)
{
	for (int i = 0; i < s->n; i++) {
		unsigned k = kind_of(s, i);
		types[i] = k == K_INT ? INT8OID : k == K_TEXT ? TEXTOID : null_type;
	}
}

static int
unknown_types(const struct pgst *s)
{
	for (int i = 0; i < s->n; i++)
		if (kind_of(s, i) == K_NULL)
			return 1;
	return 0;
}

/*
** The statement does not tell a parameter's type (a NULL in "$1 IS NULL OR
** ..."), or the type tried does not fit it (no such operator or function).
*/
static int
wrong_type(PGresult *r)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	return state && (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0 ||
			 strcmp(state, "42883") == 0);
}

static int
ok(PGresult *r)
{
	ExecStatusType t = PQresultStatus(r);

	return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

static void
exec_quiet(struct pg_db *p, const char *sql)
{
	PQclear(PQexec(p->c, sql));
}

/*
** Prepare (name) or run unnamed (name NULL) s with its binds' types. A NULL
** whose kind is not known yet is tried as the server's guess, then an id
** (optional keys), then text; inside a transaction the tries run under a
** savepoint, since a failed one would otherwise doom the transaction.
*/
static PGresult *
send_typed(struct db *db, struct pgst *s, const char *name)
{
	static const unsigned null_types[] = { 0, INT8OID, TEXTOID };
	struct pg_db *p = PG(db);
	int guarded = unknown_types(s) && db->in_tx;
	unsigned types[PARAMS_MAX];
	const char *const *vals = (const char *const *)s->vals;
	PGresult *r = NULL;

	if (guarded)
		exec_quiet(p, "SAVEPOINT hq_types");
	for (int k = 0; k < 3; k++) {
		types_of(s, types, null_types[k]);
		r = name ? PQprepare(p->c, name, s->text, s->n, types) :
			   PQexecParams(p->c, s->text, s->n, types, vals, NULL, NULL, 0);
		if (ok(r) || !wrong_type(r) || k == 2 || !unknown_types(s))
			break;
		PQclear(r);
		if (guarded)
			exec_quiet(p, "ROLLBACK TO SAVEPOINT hq_types");
	}
	if (guarded)
		exec_quiet(p, ok(r) ? "RELEASE SAVEPOINT hq_types" :
				      "ROLLBACK TO SAVEPOINT hq_types; RELEASE SAVEPOINT hq_types");
	return r;
}

/* s's variant for its current signature on this connection, prepared now if new (NULL: run unnamed). */
static int
prepared(struct db *db, struct pgst *s, struct variant **out, struct err *e)
{
	struct pg_db *p = PG(db);
	uint64_t sig[2];
	struct variant *v = NULL;
	PGresult *r;
	int rc = 0;

	*out = NULL;
	signature(s, sig);
	for (int i = 0; i < s->nv; i++)
		if (!memcmp(s->v[i].sig, sig, sizeof(sig)) && s->v[i].gen == p->gen) {
			*out = &s->v[i];
			return 0;
		}
	for (int i = 0; i < s->nv && !v; i++)
		if (s->v[i].gen != p->gen)
			v = &s->v[i];	/* prepared before a reset: gone from the server */
	if (!v && s->nv == VARIANTS)
		return 0;
	if (!v)
		v = &s->v[s->nv++];
	snprintf(v->name, sizeof(v->name), "h%u", p->next_name++);
	r = send_typed(db, s, v->name);
	if (!ok(r)) {
		rc = fail(db, r, e, "prepare", s->text);
		v->gen = p->gen - 1;	/* unusable: taken again next time */
		memset(v->sig, 0xff, sizeof(v->sig));
	} else {
		memcpy(v->sig, sig, sizeof(sig));
		v->gen = p->gen;
		*out = v;
	}
	PQclear(r);
	return rc;
}

static void
count_changes(struct pg_db *p, PGresult *r)
{
	const char *cmd = PQcmdStatus(r);

	if (starts(cmd, "INSERT") || starts(cmd, "UPDATE") || starts(cmd, "DELETE"))
		p->changes = text_i64(PQcmdTuples(r));
}

static PGresult *
run(struct db *db, struct pgst *s, struct err *e)
{
	struct variant *v = NULL;

	if (ensure_connected(db, e))
		return NULL;
	if (s->busy != 2 && prepared(db, s, &v, e))
		return NULL;
	if (!v)	/* uncached, or past VARIANTS signatures */
		return send_typed(db, s, NULL);
	return PQexecPrepared(PG(db)->c, v->name, s->n, (const char *const *)s->vals, NULL,
			      NULL, 0);
}

static int
pg_step(struct stmt *st, struct err *e)
{
	struct pgst *s = st->impl;

	if (!s->ran) {
		struct err mine = { 0 };
		PGresult *r = run(st->db, s, &mine);
		ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

		if (!r && mine.code) {
			*e = mine;
			return e->code;
		}
		if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
			int rc = fail(st->db, r, e, "step", s->text);
			PQclear(r);
			return rc;
		}
		count_changes(PG(st->db), r);
		s->res = r;
		s->ran = 1;
		s->nrows = t == PGRES_TUPLES_OK ? PQntuples(r) : 0;
	}
	if (s->row < s->nrows) {
		s->row++;
		return 1;
	}
	return 0;
}

static int
pg_col_is_null(struct stmt *st, int col)
{
	struct pgst *s = st->impl;

	return !s->res || s->row == 0 || col >= PQnfields(s->res) ||
	       PQgetisnull(s->res, s->row - 1, col);
}

static const char *
pg_col_peek(struct stmt *st, int col, size_t *len)
{
	struct pgst *s = st->impl;
	const char *v;

	if (pg_col_is_null(st, col)) {
		if (len)
			*len = 0;
		return NULL;
	}
	v = PQgetvalue(s->res, s->row - 1, col);
	if (PQftype(s->res, col) == BOOLOID)
		v = v[0] == 't' ? "1" : "0";	/* as SQLite shows a comparison's result */
	if (len)
		*len = strlen(v);
	return v;
}

static int64_t
pg_col_i64(struct stmt *st, int col)
{
	const char *v = pg_col_peek(st, col, NULL);

	return v ? text_i64(v) : 0;
}

static int64_t
pg_last_id(struct db *db)
{
	PGresult *r = PQexec(PG(db)->c, "SELECT lastval()");
	int64_t id = 0;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		id = text_i64(PQgetvalue(r, 0, 0));
	else
		log_msg(LOG_ERROR, LOG_MOD, "lastval: %s", PQresultErrorMessage(r));
	PQclear(r);
	return id;
}

static int64_t
pg_changes(struct db *db)
{
	return PG(db)->changes;
}

static int
pg_exec(struct db *db, const char *sql, struct err *e)
{
	PGresult *r;
	int rc = 0;

	if (ensure_connected(db, e))
		return e->code;
	r = PQexec(PG(db)->c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = fail(db, r, e, "exec", sql);
	else
		count_changes(PG(db), r);
	PQclear(r);
	return rc;
}

static int
pg_begin_write(struct db *db, struct err *e)
{
	assert(!db->in_tx);
	if (PQtransactionStatus(PG(db)->c) != PQTRANS_IDLE &&
	    PQstatus(PG(db)->c) == CONNECTION_OK) {
		log_msg(LOG_WARN, LOG_MOD, "stale transaction on the connection, rolling back");
		PQclear(PQexec(PG(db)->c, "ROLLBACK"));
	}
	return pg_exec(db, "BEGIN", e);
}

static void
pg_rollback(struct db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(PG(db)->c);

	if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
		PQclear(PQexec(PG(db)->c, "ROLLBACK"));
	db->in_tx = 0;
}

/* A transaction a statement failed in cannot commit (PostgreSQL would answer ROLLBACK). */
static int
pg_commit(struct db *db, struct err *e)
{
	int rc;

	if (PQtransactionStatus(PG(db)->c) != PQTRANS_INTRANS) {
		log_msg(LOG_ERROR, LOG_MOD, "commit of a failed transaction begun at %s:%d",
			db->tx_file ? db->tx_file : "?", db->tx_line);
		pg_rollback(db);
		return PQstatus(PG(db)->c) == CONNECTION_OK ?
			       err_set(e, ERR_DB, NULL, "database error") : unavailable(e);
	}
	rc = pg_exec(db, "COMMIT", e);
	if (rc)
		pg_rollback(db);
	db->in_tx = 0;
	return rc;
}

static int
pg_backup(struct db *db, const char *path, struct err *e)
{
	(void)db;
	(void)path;
	return err_set(e, ERR_INVALID, NULL, "PostgreSQL 数据库请用 pg_dump 备份");
}

static const struct db_ops pg_ops = {
	.backend = DB_PG,
	.close = pg_close,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_i64 = pg_bind_i64,
	.bind_textn = pg_bind_textn,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_i64 = pg_col_i64,
	.col_is_null = pg_col_is_null,
	.col_peek = pg_col_peek,
	.last_id = pg_last_id,
	.changes = pg_changes,
	.exec = pg_exec,
	.begin_write = pg_begin_write,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.backup = pg_backup,
};

/* ---- pool ---- */

/*
** No writer thread: PostgreSQL takes many writers at once, so a write runs on
** the requesting thread, on a connection of its own, in its own READ
** COMMITTED transaction (rules that need more lock rows or update
** conditionally). Reads and writes draw from separate sets of connections, so
** a request that holds a reader while it writes can never wait on itself.
** Connections open on first use.
*/
struct conn_set {
	struct db **c;
	int *busy;
	int n;
	int flags;	/* db_open's: readers are DB_READONLY, as SQLite's are query_only */
};

struct pg_pool {
	struct db_pool base;
	char *uri;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct conn_set readers, writers;
	struct db *writer;	/* db_pool_writer's, under wlock */
	pthread_mutex_t wlock;
	struct memo *memo;
	long writes;
	/* the listener (see listen_loop) */
	void (*on_commit)(void);
	pthread_t listener;
	int listening;
	volatile int stop;
};

#define PGP(bp) ((struct pg_pool *)(bp))
#define POOL_MEMO_BYTES (2u << 20)
static const struct db_pool_ops pgp_ops;

/*
** Open a connection for the pool. One that cannot connect yet is kept all the
** same (it reconnects when next used); only out of memory leaves none (NULL).
*/
static struct db *
pool_conn(struct pg_pool *p, int flags)
{
	struct db *db = NULL;
	struct err e = { 0 };

	pg_connect(p->uri, flags, &db, &e);
	if (db)
		db->memo = p->memo;
	return db;
}

static struct db *
set_take(struct pg_pool *p, struct conn_set *s)
{
	struct db *db = NULL;
	int i;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		for (i = 0; i < s->n && s->busy[i]; i++)
			;
		if (i < s->n)
			break;
		pthread_cond_wait(&p->freed, &p->lock);
	}
	s->busy[i] = 1;
	db = s->c[i];
	pthread_mutex_unlock(&p->lock);
	while (!db) {	/* NULL only when out of memory: wait for some */
		db = pool_conn(p, s->flags);
		if (!db)
			usleep(10000);
	}
	if (!s->c[i]) {
		pthread_mutex_lock(&p->lock);
		s->c[i] = db;
		pthread_mutex_unlock(&p->lock);
	}
	return db;
}

static void
set_give(struct pg_pool *p, struct conn_set *s, struct db *db)
{
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < s->n; i++)
		if (s->c[i] == db)
			s->busy[i] = 0;
	pthread_cond_broadcast(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

static int
set_init(struct conn_set *s, int n, int flags)
{
	s->n = n;
	s->flags = flags;
	s->c = calloc((size_t)n, sizeof(*s->c));
	s->busy = calloc((size_t)n, sizeof(*s->busy));
	return s->c && s->busy;
}

static void
set_free(struct conn_set *s)
{
	for (int i = 0; i < s->n; i++)
		db_close(s->c[i]);
	free(s->c);
	free(s->busy);
}

static void
pgp_free(struct db_pool *bp)
{
	struct pg_pool *p = PGP(bp);

	if (p->listening) {
		p->stop = 1;
		pthread_join(p->listener, NULL);
	}
	set_free(&p->readers);
	set_free(&p->writers);
	db_close(p->writer);
	memo_free(p->memo);
	pthread_mutex_destroy(&p->lock);
	pthread_mutex_destroy(&p->wlock);
	pthread_cond_destroy(&p->freed);
	free(p->uri);
	free(p);
}

int
db_pg_pool_new(const char *uri, int nconn, struct db_pool **out, struct err *e)
{
	struct pg_pool *p = calloc(1, sizeof(*p));

	if (!p)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	p->base.ops = &pgp_ops;
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->wlock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->uri = strdup(uri);
	p->memo = memo_new(POOL_MEMO_BYTES);
	if (!p->uri || !p->memo || !set_init(&p->readers, nconn, DB_READONLY) ||
	    !set_init(&p->writers, nconn, 0)) {
		pgp_free(&p->base);
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	/* the first connection now, so a wrong URI or password fails at start */
	if (db_pg_open(uri, 0, &p->writer, e)) {
		pgp_free(&p->base);
		return e->code;
	}
	p->writer->memo = p->memo;
	*out = &p->base;
	return 0;
}

static struct db *
pgp_reader(struct db_pool *bp)
{
	return set_take(PGP(bp), &PGP(bp)->readers);
}

static void
pgp_release(struct db_pool *bp, struct db *db)
{
	set_give(PGP(bp), &PGP(bp)->readers, db);
}

static void
job_run(struct db *w, struct db_write *j)
{
	j->next = NULL;
	memset(&j->e, 0, sizeof(j->e));
	j->rc = db_begin_write(w, &j->e);
	if (!j->rc)
		j->rc = j->fn(w, j->arg, &j->e);
	if (!j->rc)	/* delivered at commit to every process's listener */
		j->rc = db_exec(w, "NOTIFY " CHANNEL, &j->e);
	if (!j->rc)
		j->rc = db_commit(w, &j->e);
	else
		db_rollback(w);
	if (j->rc && !j->e.code)
		j->e.code = j->rc;
}

static void
pgp_write_now(struct db_pool *bp, struct db_write *j)
{
	struct pg_pool *p = PGP(bp);
	struct db *w = set_take(p, &p->writers);

	job_run(w, j);
	set_give(p, &p->writers, w);
	if (!j->rc) {
		pthread_mutex_lock(&p->lock);
		p->writes++;
		pthread_mutex_unlock(&p->lock);
	}
	j->done(j->arg, j->rc, &j->e);
}

static void
pgp_group_commits(struct db_pool *bp, long *commits, long *writes)
{
	struct pg_pool *p = PGP(bp);

	pthread_mutex_lock(&p->lock);
	*commits = *writes = p->writes;	/* each write commits alone */
	pthread_mutex_unlock(&p->lock);
}

static struct db *
pgp_writer(struct db_pool *bp)
{
	struct pg_pool *p = PGP(bp);

	pthread_mutex_lock(&p->wlock);
	return p->writer;
}

static void
pgp_writer_unlock(struct db_pool *bp)
{
	pthread_mutex_unlock(&PGP(bp)->wlock);
}

static long
pgp_checkpoints(struct db_pool *bp)
{
	(void)bp;
	return 0;	/* the server checkpoints */
}

/* ---- other processes' commits (LISTEN/NOTIFY) ---- */

/* Wait up to 1 s for notifications on c; 1 when some came, 0 none, -1 the connection is lost. */
static int
await_notify(PGconn *c)
{
	struct timeval tv = { 1, 0 };
	fd_set fds;
	PGnotify *n;
	int got = 0, sock = PQsocket(c);

	if (sock < 0)
		return -1;
	FD_ZERO(&fds);
	FD_SET(sock, &fds);
	if (select(sock + 1, &fds, NULL, NULL, &tv) < 0)
		return 0;
	if (!PQconsumeInput(c))
		return -1;
	for (n = PQnotifies(c); n; n = PQnotifies(c)) {
		got = 1;
		PQfreemem(n);
	}
	return got;
}

static PGconn *
listen_conn(struct pg_pool *p)
{
	PGconn *c = connect_uri(p->uri, 1);
	PGresult *r = PQexec(c, "LISTEN " CHANNEL);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	PQclear(r);
	if (!ok) {
		PQfinish(c);
		return NULL;
	}
	return c;
}

/*
** One connection LISTENs; each notification wakes on_commit. A lost
** connection is made again every second; on_commit is called then too, since
** notifications may have been missed meanwhile.
*/
static void *
listen_loop(void *arg)
{
	struct pg_pool *p = arg;
	PGconn *c = NULL;

	while (!p->stop) {
		int rc;
		if (!c) {
			c = listen_conn(p);
			if (!c) {
				sleep(1);
				continue;
			}
			p->on_commit();
		}
		rc = await_notify(c);
		if (rc > 0)
			p->on_commit();
		if (rc < 0) {
			PQfinish(c);
			c = NULL;
		}
	}
	PQfinish(c);
	return NULL;
}

static int
pgp_on_commit(struct db_pool *bp, void (*fn)(void), struct err *e)
{
	struct pg_pool *p = PGP(bp);

	p->on_commit = fn;	/* a later server on the same pool: the same listener */
	if (p->listening)
		return 0;
	if (pthread_create(&p->listener, NULL, listen_loop, p) != 0)
		return err_set(e, ERR_NOMEM, NULL, "cannot start the listener");
	p->listening = 1;
	return 0;
}

static const struct db_pool_ops pgp_ops = {
	.free = pgp_free,
	.reader = pgp_reader,
	.release = pgp_release,
	.submit = pgp_write_now,
	.write_now = pgp_write_now,
	.group_commits = pgp_group_commits,
	.writer = pgp_writer,
	.writer_unlock = pgp_writer_unlock,
	.checkpoints = pgp_checkpoints,
	.on_commit = pgp_on_commit,
};
