/*
** core/codes.h: the running numbers in record codes (BX2026-0001,
** WO-20261203-0007). Each agency numbers each series (its prefix: "BX",
** "WO", ...) per period (a year 2026, a Shanghai day 20261203) from 1, in one
** table, code_seq (agency_id, series, period, last), migrations/0042.
**
** Every call runs inside the caller's write transaction, before the record
** that carries the code: a rollback takes the number back with the record, so
** a number is never given twice. On PostgreSQL the counter row stays locked
** until the commit, so two creations of one agency's series wait on each
** other, and other agencies and series never do.
**
** How a code looks (prefix, period, padding) is the module's, except the
** yearly form every flow but work orders shares: code_yearly.
** Owns table code_seq.
*/
#ifndef HOUQIN_CODES_H
#define HOUQIN_CODES_H

#include <stdint.h>

struct db;
struct arena;
struct err;

/*
** Where a period's numbers carry on from when its counter has no row yet:
** *last = the highest number already in use there (0 when none). For a
** series with codes written before its counter existed (work orders).
*/
typedef int code_floor_fn(struct db *db, int64_t agency, int64_t period, int64_t *last,
			  struct err *e);

/*
** Reserve n (> 0) numbers of agency's series in period: *first is the first,
** the rest follow it. floor (may be NULL: start at 1) is asked only for a
** period without a counter row. Returns 0 or the error of the database.
*/
int code_reserve(struct db *db, int64_t agency, const char *series, int64_t period, int64_t n,
		 code_floor_fn *floor, int64_t *first, struct err *e);
/* The next number of agency's series in period (1 for the period's first). */
int code_next(struct db *db, int64_t agency, const char *series, int64_t period, int64_t *num,
	      struct err *e);
/*
** The next code <series><year>-NNNN of agency (BX2026-0001: numbered per year,
** four digits at least) into the arena. 0, ERR_NOMEM or the database's error.
*/
int code_yearly(struct db *db, struct arena *a, int64_t agency, const char *series, int64_t year,
		const char **code, struct err *e);

#endif
