/*
** modules/budget/budget_periods.c: the months of a year and which finance has
** closed (结账). Closing itself is the engine's (core/budget.h): it is what
** refuses rows dated in a closed month.
*/
#include "modules/budget/budget.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

static const char sql_closed[] =
	"SELECT p.period, p.closed_at, p.closed_by, u.display_name FROM budget_period p"
	" LEFT JOIN app_user u ON u.id = p.closed_by"
	" WHERE p.agency_id = :agency AND p.period BETWEEN :from AND :to ORDER BY p.period";

int
bud_period_year(struct db *db, struct arena *a, int64_t agency, int64_t year,
		struct bud_period out[12], struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_closed, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":from", year * 100 + 1, e) ||
		 db_bind_i64(&st, ":to", year * 100 + 12, e) ? e->code : 0;

	memset(out, 0, 12 * sizeof(*out));
	for (int m = 0; m < 12; m++)
		out[m].period = (int)(year * 100 + m + 1);
	while (!rc && (rc = db_step(&st, e)) == 1) {
		struct bud_period *p = &out[db_col_i64(&st, 0) % 100 - 1];
		p->closed = 1;
		p->closed_at = db_col_i64(&st, 1);
		p->closed_by = db_col_i64(&st, 2);
		p->closed_by_name = db_col_text(&st, a, 3);
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

json_t *
bud_period_json(const struct bud_period *p)
{
	char month[24];

	snprintf(month, sizeof(month), "%04d-%02d", p->period / 100, p->period % 100);
	return json_pack("{ss sb so? so? ss?}", "month", month, "closed", p->closed, "closed_at",
			 p->closed ? jtime(p->closed_at) : NULL, "closed_by",
			 p->closed ? jid_or_null(p->closed_by) : NULL, "closed_by_name",
			 p->closed_by_name);
}

/* The history of a month (its 结账 record): id is the yyyymm. */
int
bud_period_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   struct err *e)
{
	(void)db;
	(void)a;
	(void)who;
	if (id / 100 < BUD_YEAR_MIN || id / 100 > BUD_YEAR_MAX || id % 100 < 1 || id % 100 > 12)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "月份无效");
	return 0;
}
