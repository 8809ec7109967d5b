/*
** modules/budget/budget_reports.c: the monthly bulletin 财务支出月通报 and the
** public 三公经费 disclosure (budget.h). Both read the engine's ledger only.
** Month windows are epoch-ms ranges computed here from year and month (Asia/
** Shanghai, a fixed +08:00), so the SQL holds no date functions and is the same
** on both backends.
*/
#include "modules/budget/budget.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

/*
** One row per (department, class) with a line of the year or spending in the
** windows. Lines of the two years before are joined too, so a payment dated in
** this year on last year's line (or last year's spending) still counts; the
** filter on (agency_id, year) keeps to the unique index. Budget and committed
** are this year's line's, as at the end of the month.
*/
static const char sql_bulletin[] =
	"SELECT d.id, d.name, c.id, c.code, c.name,"
	" MAX(CASE WHEN l.year = :year THEN 1 ELSE 0 END),"
	" MAX(CASE WHEN l.year = :year THEN l.amount_fen ELSE 0 END)"
	" + SUM(CASE WHEN l.year = :year AND en.kind = 'adjust' THEN en.amount_fen ELSE 0 END),"
	" SUM(CASE WHEN l.year = :year AND en.kind = 'commit' THEN en.amount_fen"
	"  WHEN l.year = :year AND en.kind = 'release' THEN -en.amount_fen ELSE 0 END),"
	" SUM(CASE WHEN en.kind = 'spend' AND en.occurred_at >= :m0 THEN en.amount_fen ELSE 0 END),"
	" SUM(CASE WHEN en.kind = 'spend' AND en.occurred_at >= :y0 THEN en.amount_fen ELSE 0 END),"
	" SUM(CASE WHEN en.kind = 'spend' AND en.occurred_at >= :lm0 AND en.occurred_at < :lm1"
	"  THEN en.amount_fen ELSE 0 END),"
	" SUM(CASE WHEN en.kind = 'spend' AND en.occurred_at >= :ly0 AND en.occurred_at < :lm1"
	"  THEN en.amount_fen ELSE 0 END)"
	" FROM budget_line l JOIN department d ON d.id = l.department_id"
	" JOIN budget_class c ON c.id = l.class_id"
	" LEFT JOIN budget_entry en ON en.line_id = l.id AND en.occurred_at < :m1"
	" WHERE l.agency_id = :agency AND l.year BETWEEN :from_year AND :year"
	" AND (:dept = 0 OR l.department_id = :dept)"
	" GROUP BY d.id, d.name, d.sort_order, c.id, c.code, c.name"
	" ORDER BY d.sort_order, d.id, c.code";

/* The 三公 classes with the year's budget (every department's lines, adjustments included). */
static const char sql_sangong[] =
	"SELECT c.id, c.code, c.name,"
	" (SELECT COALESCE(SUM(l.amount_fen), 0) FROM budget_line l"
	"  WHERE l.agency_id = :agency AND l.year = :year AND l.class_id = c.id),"
	" (SELECT COALESCE(SUM(en.amount_fen), 0) FROM budget_entry en"
	"  JOIN budget_line l ON l.id = en.line_id"
	"  WHERE l.agency_id = :agency AND l.year = :year AND l.class_id = c.id"
	"  AND en.kind = 'adjust')"
	" FROM budget_class c WHERE c.agency_id = :agency AND c.sangong = 1 ORDER BY c.code, c.id";
/* A month's 三公 spending, through the lines of the year and the year before (as the bulletin). */
static const char sql_sangong_month[] =
	"SELECT l.class_id, COALESCE(SUM(en.amount_fen), 0) FROM budget_line l"
	" JOIN budget_class c ON c.id = l.class_id JOIN budget_entry en ON en.line_id = l.id"
	" WHERE l.agency_id = :agency AND l.year BETWEEN :from_year AND :year AND c.sangong = 1"
	" AND en.kind = 'spend' AND en.occurred_at >= :from AND en.occurred_at < :to"
	" GROUP BY l.class_id";

int64_t
bud_month_start(int64_t year, int64_t month)
{
	if (month > 12) {
		year += (month - 1) / 12;
		month = (month - 1) % 12 + 1;
	}
	return date_to_days((int)(year * 10000 + month * 100 + 1)) * DAY_MS - SHANGHAI_OFFSET_MS;
}

static void
bulletin_row(struct stmt *st, struct arena *a, void *item)
{
	struct bud_bulletin_row *r = item;

	r->row = "line";
	r->department_id = db_col_i64(st, 0);
	r->department_name = db_col_text(st, a, 1);
	r->class_id = db_col_i64(st, 2);
	r->class_code = db_col_text(st, a, 3);
	r->class_name = db_col_text(st, a, 4);
	r->has_line = db_col_i64(st, 5) != 0;
	r->budget = db_col_i64(st, 6);
	r->committed = db_col_i64(st, 7);
	r->month = db_col_i64(st, 8);
	r->ytd = db_col_i64(st, 9);
	r->ly_month = db_col_i64(st, 10);
	r->ly_ytd = db_col_i64(st, 11);
}

static int
bulletin_query(struct db *db, struct arena *a, const struct actor *who, int64_t year,
	       int64_t month, struct bud_bulletin_row **rows, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int64_t dept = bud_reads_all(who) ? 0 : who->department_id;
	int rc = db_prepare(db, &st, sql_bulletin, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":dept", dept, e) || db_bind_i64(&st, ":year", year, e) ||
		 db_bind_i64(&st, ":from_year", year - 2, e) ||
		 db_bind_i64(&st, ":m0", bud_month_start(year, month), e) ||
		 db_bind_i64(&st, ":m1", bud_month_start(year, month + 1), e) ||
		 db_bind_i64(&st, ":y0", bud_month_start(year, 1), e) ||
		 db_bind_i64(&st, ":lm0", bud_month_start(year - 1, month), e) ||
		 db_bind_i64(&st, ":lm1", bud_month_start(year - 1, month + 1), e) ||
		 db_bind_i64(&st, ":ly0", bud_month_start(year - 1, 1), e) ||
		 db_read_rows(&st, a, sizeof(**rows), bulletin_row, (void **)rows, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static void
add_into(struct bud_bulletin_row *to, const struct bud_bulletin_row *r)
{
	to->budget += r->budget;
	to->committed += r->committed;
	to->month += r->month;
	to->ytd += r->ytd;
	to->ly_month += r->ly_month;
	to->ly_ytd += r->ly_ytd;
}

/* A 小计 row closing department sub (its first row at from). */
static struct bud_bulletin_row
subtotal_of(const struct bud_bulletin_row *rows, size_t from, size_t to)
{
	struct bud_bulletin_row s = { .row = "subtotal", .class_name = "小计" };

	s.department_id = rows[from].department_id;
	s.department_name = rows[from].department_name;
	for (size_t i = from; i < to; i++)
		add_into(&s, &rows[i]);
	return s;
}

/* Kept rows (a line of the year, or spending this or last year), 小计 after each department, 合计 last. */
static int
bulletin_group(struct arena *a, struct bud_bulletin_row *rows, size_t n, struct bud_bulletin *out)
{
	struct bud_bulletin_row *v = arena_array(a, 2 * n + 1, sizeof(*v));
	struct bud_bulletin_row total = { .row = "total", .department_name = "合计" };
	size_t k = 0, m = 0, start = 0;

	if (!v)
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (rows[i].has_line || rows[i].ytd || rows[i].ly_ytd)
			rows[m++] = rows[i];
	for (size_t i = 0; i < m; i++) {
		v[k++] = rows[i];
		add_into(&total, &rows[i]);
		if (i + 1 == m || rows[i + 1].department_id != rows[i].department_id) {
			v[k++] = subtotal_of(rows, start, i + 1);
			start = i + 1;
		}
	}
	v[k++] = total;
	out->rows = v;
	out->n = k;
	return 0;
}

int
bud_bulletin(struct db *db, struct arena *a, const struct actor *who, int64_t year,
	     int64_t month, struct bud_bulletin *out, struct err *e)
{
	struct bud_bulletin_row *rows;
	size_t n = 0;

	out->year = year;
	out->month = month;
	if (bulletin_query(db, a, who, year, month, &rows, &n, e))
		return e->code;
	if (bulletin_group(a, rows, n, out))
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return 0;
}

/* num / den in %, one decimal, rounded half away from zero; null without a base. */
static json_t *
pct(int64_t num, int64_t den)
{
	int64_t t = num * 1000, q;

	if (den <= 0)
		return json_null();
	q = (t >= 0 ? t + den / 2 : t - den / 2) / den;
	return json_real((double)q / 10);
}

json_t *
bud_bulletin_row_json(const struct bud_bulletin_row *r)
{
	json_t *j = json_pack("{ss so ss? so ss? ss?}", "row", r->row, "department_id",
			      jid_or_null(r->department_id), "department_name",
			      r->department_name, "class_id", jid_or_null(r->class_id),
			      "class_code", r->class_code, "class_name", r->class_name);
	json_t *fig = json_pack("{sI sI sI sI so sI sI so so}", "budget_fen",
				(json_int_t)r->budget, "committed_fen", (json_int_t)r->committed,
				"month_fen", (json_int_t)r->month, "ytd_fen", (json_int_t)r->ytd,
				"used_pct", pct(r->ytd, r->budget), "ly_month_fen",
				(json_int_t)r->ly_month, "ly_ytd_fen", (json_int_t)r->ly_ytd,
				"month_change_pct", pct(r->month - r->ly_month, r->ly_month),
				"ytd_change_pct", pct(r->ytd - r->ly_ytd, r->ly_ytd));

	if (j && fig)
		json_object_update(j, fig);
	json_decref(fig);
	return j;
}

/* ---------- 三公经费公开 ---------- */

static void
sangong_row(struct stmt *st, struct arena *a, void *item)
{
	struct bud_sangong *c = item;

	memset(c, 0, sizeof(*c));
	c->class_id = db_col_i64(st, 0);
	c->code = db_col_text(st, a, 1);
	c->name = db_col_text(st, a, 2);
	c->budget = db_col_i64(st, 3) + db_col_i64(st, 4);
}

static int
sangong_classes(struct db *db, struct arena *a, int64_t agency, int64_t year,
		struct bud_disclosure *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_sangong, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":year", year, e) ||
		 db_read_rows(&st, a, sizeof(*out->classes), sangong_row, (void **)&out->classes,
			      &out->n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* Month m (0..11)'s spending per 三公 class into out->classes[].month[m]. */
static int
sangong_month(struct db *db, int64_t agency, struct bud_disclosure *out, int m, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_sangong_month, e) ||
		 db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":year", out->year, e) ||
		 db_bind_i64(&st, ":from_year", out->year - 1, e) ||
		 db_bind_i64(&st, ":from", bud_month_start(out->year, m + 1), e) ||
		 db_bind_i64(&st, ":to", bud_month_start(out->year, m + 2), e) ? e->code : 0;

	while (!rc && (rc = db_step(&st, e)) == 1) {
		int64_t id = db_col_i64(&st, 0);
		for (size_t i = 0; i < out->n; i++)
			if (out->classes[i].class_id == id)
				out->classes[i].month[m] = db_col_i64(&st, 1);
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
bud_disclosure(struct db *db, struct arena *a, const struct actor *who, int64_t year,
	       struct bud_disclosure *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	out->year = year;
	if (bud_period_year(db, a, who->agency_id, year, out->periods, e) ||
	    sangong_classes(db, a, who->agency_id, year, out, e))
		return e->code;
	for (int m = 0; m < 12; m++)
		if (out->periods[m].closed && sangong_month(db, who->agency_id, out, m, e))
			return e->code;
	return 0;
}

/* A month's figure: null while it is open (未结账), so nothing unclosed is published. */
static json_t *
month_fen(const struct bud_disclosure *d, int m, int64_t v)
{
	return d->periods[m].closed ? json_integer(v) : json_null();
}

static json_t *
sangong_json(const struct bud_disclosure *d, const struct bud_sangong *c, int64_t *actual)
{
	json_t *months = json_array();

	*actual = 0;
	for (int m = 0; months && m < 12; m++) {
		json_array_append_new(months, month_fen(d, m, c->month[m]));
		*actual += d->periods[m].closed ? c->month[m] : 0;
	}
	return json_pack("{ss ss sI sI so}", "code", c->code, "name", c->name, "budget_fen",
			 (json_int_t)c->budget, "actual_fen", (json_int_t)*actual, "months",
			 months);
}

static json_t *
months_json(const struct bud_disclosure *d)
{
	json_t *arr = json_array();
	char month[32];

	for (int m = 0; arr && m < 12; m++) {
		int64_t sum = 0;
		for (size_t i = 0; i < d->n; i++)
			sum += d->classes[i].month[m];
		snprintf(month, sizeof(month), "%04d-%02d", (int)d->year, m + 1);
		json_array_append_new(arr, json_pack("{ss sb so}", "month", month, "closed",
						     d->periods[m].closed, "actual_fen",
						     month_fen(d, m, sum)));
	}
	return arr;
}

json_t *
bud_disclosure_json(const struct bud_disclosure *d)
{
	json_t *classes = json_array();
	int64_t budget = 0, actual = 0, one;
	int closed = 0;

	for (size_t i = 0; classes && i < d->n; i++) {
		json_array_append_new(classes, sangong_json(d, &d->classes[i], &one));
		budget += d->classes[i].budget;
		actual += one;
	}
	for (int m = 0; m < 12; m++)
		closed += d->periods[m].closed;
	return json_pack("{sI sI so so s{sI sI}}", "year", (json_int_t)d->year, "closed_months",
			 (json_int_t)closed, "months", months_json(d), "classes", classes, "total",
			 "budget_fen", (json_int_t)budget, "actual_fen", (json_int_t)actual);
}
