/*
** db/schema.c: db_schema_describe (db/schema.h), one text for both backends.
** Each backend has four catalog queries (its tables; and of one table :t its
** columns, foreign keys and unique keys) returning the same row shapes, so
** one piece of code turns rows into lines. SQLite reads its table-valued
** PRAGMA functions (table_info, foreign_key_list, index_list, index_info),
** PostgreSQL pg_catalog. Lines are sorted here, in C, so both backends order
** them alike whatever their collations.
**
** No `::` casts in the PostgreSQL text: a :name rewriter must not meet them.
*/
#include "db/schema.h"
#include "db/db.h"
#include "core/arena.h"
#include "core/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct catalog {
	const char *tables;	/* name */
	const char *columns;	/* position (1-based), name, not null 0/1 */
	const char *fks;	/* id, parent, column, parent column, on delete; by id, seq */
	const char *keys;	/* key name, partial 0/1, column (NULL: an expression); by key */
};

static const struct catalog sqlite_catalog = {
	.tables = "SELECT name FROM sqlite_schema WHERE type = 'table'"
		  " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations'",
	/* a rowid alias (the one INTEGER key column) and WITHOUT ROWID keys refuse NULL */
	.columns = "SELECT c.cid + 1, c.name, c.\"notnull\" OR (c.pk > 0 AND (l.wr OR"
		   " (upper(c.type) = 'INTEGER' AND"
		   " (SELECT count(*) FROM pragma_table_info(:t) WHERE pk > 0) = 1)))"
		   " FROM pragma_table_list(:t) l, pragma_table_info(:t) c"
		   " WHERE l.schema = 'main' ORDER BY c.cid",
	/* REFERENCES p without columns means p's primary key */
	.fks = "SELECT f.id, f.\"table\", f.\"from\", coalesce(f.\"to\","
	       " (SELECT p.name FROM pragma_table_info(f.\"table\") p WHERE p.pk = f.seq + 1)),"
	       " f.on_delete FROM pragma_foreign_key_list(:t) f ORDER BY f.id, f.seq",
	/* the primary key from table_info too: a rowid alias has no index */
	.keys = "SELECT '', 0, name FROM pragma_table_info(:t) WHERE pk > 0"
		" UNION ALL SELECT il.name, il.partial, ii.name"
		" FROM pragma_index_list(:t) il, pragma_index_info(il.name) ii"
		" WHERE il.\"unique\" ORDER BY 1",
};

#define PG_TABLE_OID \
	"(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace" \
	" WHERE n.nspname = current_schema() AND c.relname = :t)"

static const struct catalog pg_catalog = {
	.tables = "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		  " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
		  " AND c.relname <> 'schema_migrations'",
	.columns = "SELECT row_number() OVER (ORDER BY a.attnum), a.attname,"
		   " CAST(a.attnotnull AS integer) FROM pg_attribute a"
		   " WHERE a.attrelid = " PG_TABLE_OID " AND a.attnum > 0 AND NOT a.attisdropped"
		   " ORDER BY a.attnum",
	.fks = "SELECT CAST(con.oid AS bigint), r.relname, a.attname, pa.attname,"
	       " CASE con.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'"
	       " WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END"
	       " FROM pg_constraint con JOIN pg_class r ON r.oid = con.confrelid"
	       " CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(col, pcol, ord)"
	       " JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col"
	       " JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.pcol"
	       " WHERE con.contype = 'f' AND con.conrelid = " PG_TABLE_OID
	       " ORDER BY con.oid, k.ord",
	/* key columns only (not INCLUDE ones); attnum 0 is an expression */
	.keys = "SELECT ic.relname, CAST(i.indpred IS NOT NULL AS integer), a.attname"
		" FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
		" CROSS JOIN LATERAL unnest(CAST(i.indkey AS int2[])) WITH ORDINALITY AS k(col, ord)"
		" LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.col"
		" AND k.col > 0"
		" WHERE i.indisunique AND k.ord <= i.indnkeyatts AND i.indrelid = " PG_TABLE_OID
		" ORDER BY ic.relname, k.ord",
};

/* The description's lines, in the arena. */
struct lines {
	struct arena *a;
	char **v;
	size_t n, cap;
};

/* Adds s (arena text; NULL after an OOM) as a line. */
static int
add(struct lines *l, char *s, struct err *e)
{
	char **v = s ? arena_grow(l->a, l->v, l->n, &l->cap, sizeof(*v)) : NULL;

	if (!v)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	l->v = v;
	l->v[l->n++] = s;
	return 0;
}

/* A column's text in the arena; `or` for NULL (an expression in a key). */
static char *
col_text(struct stmt *st, struct arena *a, int col, const char *or)
{
	char *s = db_col_text(st, a, col);

	return s ? s : arena_strdup(a, or);
}

/* The table names, read before any per-table query runs (one statement at a time). */
static int
table_names(struct db *db, const struct catalog *c, struct arena *a, char ***names, size_t *n,
	    struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 0;
	int rc;

	*names = NULL;
	*n = 0;
	rc = db_prepare(db, &st, c->tables, e);
	while (!rc && (rc = db_step(&st, e)) == 1) {
		char **v = arena_grow(a, *names, *n, &cap, sizeof(*v));

		rc = 0;
		if (v)
			v[*n] = col_text(&st, a, 0, "?");
		if (!v || !v[*n]) {
			rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
			break;
		}
		*names = v;
		(*n)++;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* Prepares sql with :t bound to table. */
static int
per_table(struct db *db, struct stmt *st, const char *sql, const char *table, struct err *e)
{
	int rc = db_prepare(db, st, sql, e);

	return rc ? rc : db_bind_text(st, ":t", table, e);
}

static int
columns(struct db *db, const struct catalog *c, struct lines *l, const char *t, struct err *e)
{
	struct stmt st = { 0 };
	int rc = per_table(db, &st, c->columns, t, e);

	while (!rc && (rc = db_step(&st, e)) == 1)
		rc = add(l, arena_printf(l->a, "%s column %03lld %s %s", t,
					 (long long)db_col_i64(&st, 0), col_text(&st, l->a, 1, "?"),
					 db_col_i64(&st, 2) ? "not null" : "null"), e);
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* One foreign key being gathered from its rows. */
struct fk {
	int64_t id;
	char *parent, *from, *to, *on_delete;
};

static int
fk_line(struct lines *l, const char *t, const struct fk *k, struct err *e)
{
	return add(l, arena_printf(l->a, "%s fk (%s) -> %s(%s) on delete %s", t, k->from,
				   k->parent, k->to, k->on_delete), e);
}

static int
foreign_keys(struct db *db, const struct catalog *c, struct lines *l, const char *t,
	     struct err *e)
{
	struct stmt st = { 0 };
	struct fk k = { 0 };
	int rc = per_table(db, &st, c->fks, t, e), have = 0;

	while (!rc && (rc = db_step(&st, e)) == 1) {
		char *from = col_text(&st, l->a, 2, "?"), *to = col_text(&st, l->a, 3, "?");

		if (!from || !to) {
			rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
			break;
		}
		rc = 0;
		if (have && db_col_i64(&st, 0) == k.id) {
			k.from = arena_printf(l->a, "%s,%s", k.from, from);
			k.to = arena_printf(l->a, "%s,%s", k.to, to);
		} else {
			if (have)
				rc = fk_line(l, t, &k, e);
			if (rc)
				break;
			k = (struct fk){ db_col_i64(&st, 0), col_text(&st, l->a, 1, "?"), from, to,
					 col_text(&st, l->a, 4, "?") };
			have = 1;
		}
		if (!k.from || !k.to || !k.parent || !k.on_delete)
			rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	if (!rc && have)
		rc = fk_line(l, t, &k, e);
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static int
by_strcmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* "T key (a,b)" from the n column names in cols (sorted here: a key is a column set). */
static int
key_line(struct lines *l, const char *t, char **cols, size_t n, int partial, struct err *e)
{
	char *s = arena_strdup(l->a, "");

	qsort(cols, n, sizeof(*cols), by_strcmp);
	for (size_t i = 0; s && i < n; i++)
		s = arena_printf(l->a, "%s%s%s", s, i ? "," : "", cols[i]);
	return add(l, s ? arena_printf(l->a, "%s key (%s)%s", t, s, partial ? " partial" : "")
			: NULL, e);
}

static int
unique_keys(struct db *db, const struct catalog *c, struct lines *l, const char *t,
	    struct err *e)
{
	struct stmt st = { 0 };
	char *key = NULL, **cols = NULL;
	size_t n = 0, cap = 0;
	int rc = per_table(db, &st, c->keys, t, e), partial = 0;

	while (!rc && (rc = db_step(&st, e)) == 1) {
		const char *name = db_col_peek(&st, 0, NULL);
		char **v;

		rc = 0;
		if (!name)
			name = "";
		if (key && strcmp(name, key)) {	/* the next key: the last one is complete */
			rc = key_line(l, t, cols, n, partial, e);
			if (rc)
				break;
			n = 0;
		}
		if (n == 0) {
			key = arena_strdup(l->a, name);
			partial = db_col_i64(&st, 1) != 0;
		}
		v = arena_grow(l->a, cols, n, &cap, sizeof(*v));
		if (v)
			v[n] = col_text(&st, l->a, 2, "<expr>");
		if (!key || !v || !v[n]) {
			rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
			break;
		}
		cols = v;
		n++;
	}
	if (!rc && n)
		rc = key_line(l, t, cols, n, partial, e);
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* The lines sorted, duplicates dropped, each ended by '\n', as one arena string. */
static int
join(struct lines *l, char **out, struct err *e)
{
	size_t len = 0, o = 0;
	char *p;

	qsort(l->v, l->n, sizeof(*l->v), by_strcmp);
	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + 1;
	p = arena_alloc(l->a, len + 1);
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->v[i]);

		if (i && !strcmp(l->v[i], l->v[i - 1]))
			continue;
		memcpy(p + o, l->v[i], n);
		o += n;
		p[o++] = '\n';
	}
	p[o] = '\0';
	*out = p;
	return 0;
}

int
db_schema_describe(struct db *db, struct arena *a, char **out, struct err *e)
{
	const struct catalog *c = db_backend(db) == DB_PG ? &pg_catalog : &sqlite_catalog;
	struct lines l = { .a = a };
	char **tables;
	size_t nt;
	int rc = table_names(db, c, a, &tables, &nt, e);

	for (size_t i = 0; !rc && i < nt; i++) {
		rc = add(&l, arena_strdup(a, tables[i]), e);
		if (!rc)
			rc = columns(db, c, &l, tables[i], e);
		if (!rc)
			rc = foreign_keys(db, c, &l, tables[i], e);
		if (!rc)
			rc = unique_keys(db, c, &l, tables[i], e);
	}
	return rc ? rc : join(&l, out, e);
}
