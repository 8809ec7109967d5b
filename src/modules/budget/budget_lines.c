/*
** modules/budget/budget_lines.c: budget lines with their sums, and a line's
** ledger (budget.h). Scope: a department head who holds none of the reading
** roles sees only lines of their own department; another's line is a 404.
*/
#include "modules/budget/budget.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "modules/org/org.h"

#include <assert.h>
#include <string.h>

/*
** The filters are catch-alls: an agency has a few hundred lines a year (departments
** x classes), all within the (agency_id, year, ...) unique index.
*/
#define LINE_COLS                                                                        \
	"l.id, l.year, l.department_id, d.name, l.class_id, c.code, c.name, c.sangong,"   \
	" l.amount_fen, l.control, l.created_at, l.updated_at,"                           \
	" COALESCE(SUM(CASE WHEN en.kind = 'adjust' THEN en.amount_fen ELSE 0 END), 0),"   \
	" COALESCE(SUM(CASE WHEN en.kind = 'commit' THEN en.amount_fen"                    \
	"  WHEN en.kind = 'release' THEN -en.amount_fen ELSE 0 END), 0),"                  \
	" COALESCE(SUM(CASE WHEN en.kind = 'spend' THEN en.amount_fen ELSE 0 END), 0)"
#define LINE_FROM                                                                        \
	" FROM budget_line l JOIN department d ON d.id = l.department_id"                 \
	" JOIN budget_class c ON c.id = l.class_id"                                       \
	" LEFT JOIN budget_entry en ON en.line_id = l.id"
#define LINE_WHERE                                                                       \
	" WHERE l.agency_id = :agency AND (:dept = 0 OR l.department_id = :dept)"         \
	" AND (:year = 0 OR l.year = :year) AND (:class = 0 OR l.class_id = :class)"      \
	" AND (:id = 0 OR l.id = :id)"
static const char sql_line_list[] =
	"SELECT " LINE_COLS LINE_FROM LINE_WHERE " GROUP BY l.id, d.id, c.id"
	" ORDER BY l.year DESC, d.sort_order, d.id, c.code LIMIT :limit OFFSET :offset";
static const char sql_line_count[] =
	"SELECT COUNT(*) FROM budget_line l" LINE_WHERE;
static const char sql_line_dup[] =
	"SELECT COUNT(*) FROM budget_line WHERE agency_id = :agency AND year = :year"
	" AND department_id = :dept AND class_id = :class";
static const char sql_class_active[] =
	"SELECT COUNT(*) FROM budget_class WHERE id = :class AND agency_id = :agency"
	" AND active = 1";
static const char sql_line_insert[] =
	"INSERT INTO budget_line (agency_id, year, department_id, class_id, amount_fen, control,"
	" created_at, updated_at, created_by)"
	" VALUES (:agency, :year, :dept, :class, :amount, :control, :now, :now, :by) RETURNING id";

int
bud_reads_all(const struct actor *who)
{
	return who->id == 0 ||
	       actor_has(who, ROLE_FINANCE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_OFFICE);
}

static void
line_row(struct stmt *st, struct arena *a, void *item)
{
	struct bud_line *l = item;

	l->id = db_col_i64(st, 0);
	l->year = db_col_i64(st, 1);
	l->department_id = db_col_i64(st, 2);
	l->department_name = db_col_text(st, a, 3);
	l->class_id = db_col_i64(st, 4);
	l->class_code = db_col_text(st, a, 5);
	l->class_name = db_col_text(st, a, 6);
	l->sangong = db_col_i64(st, 7) != 0;
	l->sum = (struct budget_sum){ .amount = db_col_i64(st, 8) };
	l->control = db_col_text(st, a, 9);
	l->created_at = db_col_i64(st, 10);
	l->updated_at = db_col_i64(st, 11);
	l->sum.adjusted = db_col_i64(st, 12);
	l->sum.committed = db_col_i64(st, 13);
	l->sum.spent = db_col_i64(st, 14);
	budget_sum_finish(&l->sum);
}

/* The binds every line query shares; a dept head's department overrides the filter. */
static int
bind_filter(struct stmt *st, const struct actor *who, const struct bud_line_filter *f,
	    int64_t id, struct err *e)
{
	int64_t dept = bud_reads_all(who) ? f->department_id : who->department_id;

	if (!bud_reads_all(who) && f->department_id && f->department_id != dept)
		dept = -1;	/* another department's lines: none */
	return db_bind_i64(st, ":agency", who->agency_id, e) ||
	       db_bind_i64(st, ":dept", dept, e) || db_bind_i64(st, ":year", f->year, e) ||
	       db_bind_i64(st, ":class", f->class_id, e) || db_bind_i64(st, ":id", id, e)
		       ? e->code : 0;
}

static int
line_count(struct db *db, const struct actor *who, const struct bud_line_filter *f,
	   int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_line_count, e) || bind_filter(&st, who, f, 0, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
line_query(struct db *db, struct arena *a, const struct actor *who,
	   const struct bud_line_filter *f, int64_t id, struct bud_line **items, size_t *n,
	   struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_line_list, e) || bind_filter(&st, who, f, id, e) ||
		 db_bind_i64(&st, ":limit", f->limit, e) ||
		 db_bind_i64(&st, ":offset", f->offset, e) ||
		 db_read_rows(&st, a, sizeof(**items), line_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
bud_line_list(struct db *db, struct arena *a, const struct actor *who,
	      const struct bud_line_filter *f, struct bud_line **items, size_t *n,
	      int64_t *total, struct err *e)
{
	return line_count(db, who, f, total, e) || line_query(db, a, who, f, 0, items, n, e)
		       ? e->code : 0;
}

int
bud_line_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct bud_line *out, struct err *e)
{
	struct bud_line_filter f = { .limit = 1 };
	struct bud_line *items;
	size_t n = 0;

	if (id > 0 && line_query(db, a, who, &f, id, &items, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "budget_line_not_found", NULL, "预算指标不存在");
	*out = items[0];
	return 0;
}

int
bud_line_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct err *e)
{
	struct bud_line l;

	return bud_line_get(db, a, who, id, &l, e);
}

/* One COUNT(*) of a line query's binds: the class (active) or the line key. */
static int
count_of(struct db *db, const char *sql, const struct actor *who, const struct bud_line_in *in,
	 int64_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":class", in->class_id, e) ||
		 (sql == sql_line_dup && (db_bind_i64(&st, ":year", in->year, e) ||
					  db_bind_i64(&st, ":dept", in->department_id, e))) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*n = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

/* The department and the class must be the agency's, the class active, the key new. */
static int
check_line(struct db *db, const struct actor *who, const struct bud_line_in *in, struct err *e)
{
	int64_t agency = 0, n = 0;

	if (org_dept_agency(db, in->department_id, &agency, e))
		return e->code;
	if (agency != who->agency_id)
		return err_setx(e, ERR_INVALID, "invalid", "department_id", "部门不存在");
	if (count_of(db, sql_class_active, who, in, &n, e))
		return e->code;
	if (!n)
		return err_setx(e, ERR_INVALID, "invalid", "class_id", "支出分类不存在或已停用");
	if (count_of(db, sql_line_dup, who, in, &n, e))
		return e->code;
	if (n)
		return err_setx(e, ERR_CONFLICT, "duplicate", "class_id",
				"该部门本年度已有此支出分类的预算指标");
	return 0;
}

static int
line_insert(struct db *db, const struct actor *who, const struct bud_line_in *in, int64_t *id,
	    struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_line_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":year", in->year, e) ||
		 db_bind_i64(&st, ":dept", in->department_id, e) ||
		 db_bind_i64(&st, ":class", in->class_id, e) ||
		 db_bind_i64(&st, ":amount", in->amount_fen, e) ||
		 db_bind_text(&st, ":control", in->control, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_bind_id_or_null(&st, ":by", who->id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
bud_line_create(struct db *db, struct arena *a, const struct actor *who,
		const struct bud_line_in *in, struct bud_line *out, struct err *e)
{
	int64_t id = 0;

	assert(db_in_tx(db));
	if (who->id != 0 && !actor_has(who, ROLE_FINANCE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有财务人员可以维护预算");
	if (check_line(db, who, in, e) || line_insert(db, who, in, &id, e) ||
	    bud_line_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "budget_line", id, NULL,
			  jarena(a, bud_line_json(out)), e);
}

json_t *
bud_line_json(const struct bud_line *l)
{
	return json_pack("{sI sI sI ss sI ss ss sb ss sI sI sI sI sI so so}", "id",
			 (json_int_t)l->id, "year", (json_int_t)l->year, "department_id",
			 (json_int_t)l->department_id, "department_name", l->department_name,
			 "class_id", (json_int_t)l->class_id, "class_code", l->class_code,
			 "class_name", l->class_name, "sangong", l->sangong, "control", l->control,
			 "amount_fen", (json_int_t)l->sum.amount, "adjusted_fen",
			 (json_int_t)l->sum.adjusted, "committed_fen", (json_int_t)l->sum.committed,
			 "spent_fen", (json_int_t)l->sum.spent, "available_fen",
			 (json_int_t)l->sum.available, "created_at", jtime(l->created_at),
			 "updated_at", jtime(l->updated_at));
}
