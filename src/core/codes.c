/*
** core/codes.c: see codes.h. A period's first number is one upsert (two
** first creations at once on PostgreSQL meet in it, and the later one bumps);
** with a floor, an UPDATE first, so the floor's scan runs only for a period's
** first number.
*/
#include "core/codes.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

#include <assert.h>

static const char sql_bump[] =
	"UPDATE code_seq SET last = last + :n"
	" WHERE agency_id = :agency AND series = :series AND period = :period RETURNING last";
static const char sql_first[] =
	"INSERT INTO code_seq (agency_id, series, period, last)"
	" VALUES (:agency, :series, :period, :last)"
	" ON CONFLICT (agency_id, series, period) DO UPDATE SET last = code_seq.last + :n"
	" RETURNING last";

static int
bind_key(struct stmt *st, int64_t agency, const char *series, int64_t period, int64_t n,
	 struct err *e)
{
	return db_bind_i64(st, ":agency", agency, e) || db_bind_text(st, ":series", series, e) ||
	       db_bind_i64(st, ":period", period, e) || db_bind_i64(st, ":n", n, e) ? e->code : 0;
}

/* Add n to an existing counter: *last = its new value, or 0 when the period has no row. */
static int
bump(struct db *db, int64_t agency, const char *series, int64_t period, int64_t n,
     int64_t *last, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_bump, e) || bind_key(&st, agency, series, period, n, e)
			 ? e->code : db_step(&st, e);

	*last = rc == 1 ? db_col_i64(&st, 0) : 0;
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* Start the period's counter at from + n (or bump it, when another creation just did). */
static int
start(struct db *db, int64_t agency, const char *series, int64_t period, int64_t from,
      int64_t n, int64_t *last, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_first, e) || bind_key(&st, agency, series, period, n, e) ||
		 db_bind_i64(&st, ":last", from + n, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*last = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
code_reserve(struct db *db, int64_t agency, const char *series, int64_t period, int64_t n,
	     code_floor_fn *floor, int64_t *first, struct err *e)
{
	int64_t last = 0, from = 0;

	assert(db_in_tx(db) && n > 0);
	if (floor && (bump(db, agency, series, period, n, &last, e) ||
		      (!last && floor(db, agency, period, &from, e))))
		return e->code;
	if (!last && start(db, agency, series, period, from, n, &last, e))
		return e->code;
	*first = last - n + 1;
	return 0;
}

int
code_next(struct db *db, int64_t agency, const char *series, int64_t period, int64_t *num,
	  struct err *e)
{
	return code_reserve(db, agency, series, period, 1, NULL, num, e);
}

int
code_yearly(struct db *db, struct arena *a, int64_t agency, const char *series, int64_t year,
	    const char **code, struct err *e)
{
	int64_t num;

	if (code_next(db, agency, series, year, &num, e))
		return e->code;
	*code = arena_printf(a, "%s%04lld-%04lld", series, (long long)year, (long long)num);
	return *code ? 0 : err_set(e, ERR_NOMEM, NULL, "out of memory");
}
