/*
** modules/supplies/report.c: the monthly report of 办公用品 (report.h). Month
** windows are epoch-ms ranges (bud_month_start: Asia/Shanghai, a fixed +08:00),
** so the SQL holds no date functions and is the same on both backends.
*/
#include "modules/supplies/report.h"
#include "modules/budget/budget.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

/*
** Every department of the agency (the agency itself aside) that is active or had
** issues, with its quota of the month (0: none) and its requisitions made in the
** month (withdrawn ones aside: they never asked for anything).
*/
static const char sql_depts[] =
	"SELECT d.id, d.name, COALESCE(x.v, 0), COALESCE(q.quota_fen, 0),"
	" (SELECT COUNT(*) FROM requisition r WHERE r.department_id = d.id"
	"  AND r.status <> 'withdrawn' AND r.created_at >= :m0 AND r.created_at < :m1)"
	" FROM department d LEFT JOIN"
	" (SELECT m.department_id AS dept, -SUM(m.amount_fen) AS v FROM stock_movement m"
	"  WHERE m.agency_id = :agency AND m.reason = 'issue' AND m.occurred_at >= :m0"
	"  AND m.occurred_at < :m1 GROUP BY m.department_id) x ON x.dept = d.id"
	" LEFT JOIN supply_quota q ON q.department_id = d.id AND q.year = :year"
	" AND q.month = :month"
	" WHERE d.agency_id = :agency AND d.id <> :agency AND (d.active = 1 OR x.v IS NOT NULL)"
	" ORDER BY d.sort_order, d.id";

static const char sql_top[] =
	"SELECT i.id, i.code, i.name, i.unit, i.category, -SUM(m.qty), -SUM(m.amount_fen)"
	" FROM stock_movement m JOIN supply_item i ON i.id = m.item_id"
	" WHERE m.agency_id = :agency AND m.reason = 'issue' AND m.occurred_at >= :m0"
	" AND m.occurred_at < :m1 GROUP BY i.id, i.code, i.name, i.unit, i.category"
	" ORDER BY 7 DESC, 2 LIMIT 10";

static const char sql_cats[] =
	"SELECT i.category,"
	" SUM(CASE WHEN m.reason = 'issue' THEN -m.amount_fen ELSE 0 END),"
	" SUM(CASE WHEN m.reason = 'purchase' THEN m.amount_fen ELSE 0 END)"
	" FROM stock_movement m JOIN supply_item i ON i.id = m.item_id"
	" WHERE m.agency_id = :agency AND m.occurred_at >= :m0 AND m.occurred_at < :m1"
	" GROUP BY i.category ORDER BY 2 DESC, 3 DESC, 1";

/* An item's value is the sum of its movements, so the stock's value at a time is theirs before it. */
static const char sql_ledger[] =
	"SELECT COALESCE(SUM(CASE WHEN occurred_at < :m0 THEN amount_fen ELSE 0 END), 0),"
	" COALESCE(SUM(CASE WHEN occurred_at >= :m0 AND amount_fen > 0 THEN amount_fen"
	"  ELSE 0 END), 0),"
	" COALESCE(SUM(CASE WHEN occurred_at >= :m0 AND amount_fen < 0 THEN -amount_fen"
	"  ELSE 0 END), 0),"
	" COALESCE(SUM(amount_fen), 0)"
	" FROM stock_movement WHERE agency_id = :agency AND occurred_at < :m1";

static void
dept_row(struct stmt *st, struct arena *a, void *item)
{
	struct sup_report_dept *d = item;

	d->department_id = db_col_i64(st, 0);
	d->name = db_col_text(st, a, 1);
	d->issued_value_fen = db_col_i64(st, 2);
	d->quota_fen = db_col_i64(st, 3);
	d->requisitions = db_col_i64(st, 4);
}

static void
item_row(struct stmt *st, struct arena *a, void *item)
{
	struct sup_report_item *it = item;

	it->item_id = db_col_i64(st, 0);
	it->code = db_col_text(st, a, 1);
	it->name = db_col_text(st, a, 2);
	it->unit = db_col_text(st, a, 3);
	it->category = db_col_text(st, a, 4);
	it->qty = db_col_i64(st, 5);
	it->value_fen = db_col_i64(st, 6);
}

static void
cat_row(struct stmt *st, struct arena *a, void *item)
{
	struct sup_report_cat *c = item;

	c->category = db_col_text(st, a, 0);
	c->issued_value_fen = db_col_i64(st, 1);
	c->purchased_value_fen = db_col_i64(st, 2);
}

static void
ledger_row(struct stmt *st, struct arena *a, void *item)
{
	struct sup_report *r = item;

	(void)a;
	r->opening_fen = db_col_i64(st, 0);
	r->in_fen = db_col_i64(st, 1);
	r->out_fen = db_col_i64(st, 2);
	r->closing_fen = db_col_i64(st, 3);
}

/* sql with the agency and the month's window bound (and the month, when it names it), its rows. */
static int
rows(struct db *db, struct arena *a, const char *sql, const struct actor *who,
     const struct sup_report *r, size_t size, db_row_fn row, void **out, size_t *n,
     struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":m0", bud_month_start(r->year, r->month), e) ||
		 db_bind_i64(&st, ":m1", bud_month_start(r->year, r->month + 1), e) ||
		 (strstr(sql, ":year") && (db_bind_i64(&st, ":year", r->year, e) ||
					   db_bind_i64(&st, ":month", r->month, e))) ||
		 db_read_rows(&st, a, size, row, out, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
sup_report(struct db *db, struct arena *a, const struct actor *who, int64_t year,
	   int64_t month, struct sup_report *out, struct err *e)
{
	struct sup_report *ledger;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	out->year = year;
	out->month = month;
	if (rows(db, a, sql_depts, who, out, sizeof(*out->depts), dept_row,
		 (void **)&out->depts, &out->n_depts, e) ||
	    rows(db, a, sql_top, who, out, sizeof(*out->items), item_row, (void **)&out->items,
		 &out->n_items, e) ||
	    rows(db, a, sql_cats, who, out, sizeof(*out->cats), cat_row, (void **)&out->cats,
		 &out->n_cats, e) ||
	    rows(db, a, sql_ledger, who, out, sizeof(*ledger), ledger_row, (void **)&ledger, &n,
		 e))
		return e->code;
	if (n == 1) {
		out->opening_fen = ledger->opening_fen;
		out->in_fen = ledger->in_fen;
		out->out_fen = ledger->out_fen;
		out->closing_fen = ledger->closing_fen;
	}
	return 0;
}

/* num / den in %, one decimal, half up; null without a quota. */
static json_t *
pct(int64_t num, int64_t den)
{
	if (den <= 0)
		return json_null();
	return json_real((double)((num * 1000 + den / 2) / den) / 10);
}

static json_t *
depts_json(const struct sup_report *r)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < r->n_depts; i++) {
		const struct sup_report_dept *d = &r->depts[i];

		json_array_append_new(arr, json_pack("{sI ss? sI sI so sI}", "department_id",
						     (json_int_t)d->department_id, "name", d->name,
						     "issued_value_fen",
						     (json_int_t)d->issued_value_fen, "quota_fen",
						     (json_int_t)d->quota_fen, "pct",
						     pct(d->issued_value_fen, d->quota_fen),
						     "requisitions", (json_int_t)d->requisitions));
	}
	return arr;
}

static json_t *
items_json(const struct sup_report *r)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < r->n_items; i++) {
		const struct sup_report_item *it = &r->items[i];

		json_array_append_new(arr, json_pack("{sI sI ss? ss? ss? ss? sI sI}", "rank",
						     (json_int_t)(i + 1), "item_id",
						     (json_int_t)it->item_id, "code", it->code,
						     "name", it->name, "unit", it->unit, "category",
						     it->category, "qty", (json_int_t)it->qty,
						     "value_fen", (json_int_t)it->value_fen));
	}
	return arr;
}

static json_t *
cats_json(const struct sup_report *r)
{
	json_t *arr = json_array();
	int64_t all = 0;

	for (size_t i = 0; i < r->n_cats; i++)
		all += r->cats[i].issued_value_fen;
	for (size_t i = 0; arr && i < r->n_cats; i++) {
		const struct sup_report_cat *c = &r->cats[i];

		json_array_append_new(arr, json_pack("{ss? sI sI so}", "category", c->category,
						     "issued_value_fen",
						     (json_int_t)c->issued_value_fen,
						     "purchased_value_fen",
						     (json_int_t)c->purchased_value_fen, "pct",
						     pct(c->issued_value_fen, all)));
	}
	return arr;
}

json_t *
sup_report_json(const struct sup_report *r)
{
	char month[16];

	snprintf(month, sizeof(month), "%04lld-%02lld", (long long)r->year, (long long)r->month);
	return json_pack("{ss so so so s{sI sI sI sI}}", "month", month, "departments",
			 depts_json(r), "top_items", items_json(r), "categories", cats_json(r),
			 "ledger", "opening_value_fen", (json_int_t)r->opening_fen,
			 "in_value_fen", (json_int_t)r->in_fen, "out_value_fen",
			 (json_int_t)r->out_fen, "closing_value_fen", (json_int_t)r->closing_fen);
}
