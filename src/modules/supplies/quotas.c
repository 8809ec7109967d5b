/*
** modules/supplies/quotas.c: 部门领用限额 — a department's quota for one
** Shanghai month (supply_quota), what its month has used (the ledger's issues
** to it, plus its requisitions still waiting for approval or issue), and
** whether a new requisition would take it over (the leader then decides too).
*/
#include "modules/supplies/requisitions.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <string.h>

void
quota_month_range(int64_t year, int64_t month, int64_t *start, int64_t *end)
{
	int64_t ny = month == 12 ? year + 1 : year, nm = month == 12 ? 1 : month + 1;

	*start = date_to_days((int)(year * 10000 + month * 100 + 1)) * DAY_MS - SHANGHAI_OFFSET_MS;
	*end = date_to_days((int)(ny * 10000 + nm * 100 + 1)) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/* issued: the month's issue movements to the department; open: its waiting requisitions */
#define USED_COLS                                                                             \
	" COALESCE((SELECT -SUM(m.amount_fen) FROM stock_movement m WHERE m.agency_id = :agency" \
	" AND m.department_id = d.id AND m.reason = 'issue' AND m.occurred_at >= :start"        \
	" AND m.occurred_at < :end), 0),"                                                       \
	" COALESCE((SELECT SUM(r.value_fen) FROM requisition r WHERE r.department_id = d.id"    \
	" AND r.status IN ('pending', 'approved') AND r.created_at >= :start"                   \
	" AND r.created_at < :end), 0)"
static const char sql_list[] =
	"SELECT d.id, d.name, COALESCE(q.quota_fen, -1), COALESCE(q.updated_at, 0)," USED_COLS
	" FROM department d LEFT JOIN supply_quota q ON q.department_id = d.id AND q.year = :year"
	" AND q.month = :month WHERE d.agency_id = :agency AND d.id <> :agency"
	" AND (d.active = 1 OR q.id IS NOT NULL) AND (:dept = 0 OR d.id = :dept)"
	" ORDER BY d.sort_order, d.id";

static int
bind_month(struct stmt *st, int64_t agency, int64_t year, int64_t month, int64_t dept,
	   struct err *e)
{
	int64_t start, end;

	quota_month_range(year, month, &start, &end);
	return db_bind_i64(st, ":agency", agency, e) || db_bind_i64(st, ":year", year, e) ||
	       db_bind_i64(st, ":month", month, e) || db_bind_i64(st, ":start", start, e) ||
	       db_bind_i64(st, ":end", end, e) || db_bind_i64(st, ":dept", dept, e) ? e->code : 0;
}

static void
quota_row(struct stmt *st, struct arena *a, void *item)
{
	*(struct supply_quota *)item = (struct supply_quota){
		.department_id = db_col_i64(st, 0), .department_name = db_col_text(st, a, 1),
		.quota_fen = db_col_i64(st, 2), .updated_at = db_col_i64(st, 3),
		.issued_value_fen = db_col_i64(st, 4), .open_value_fen = db_col_i64(st, 5) };
}

static int
query(struct db *db, struct arena *a, int64_t agency, int64_t year, int64_t month, int64_t dept,
      struct supply_quota **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || bind_month(&st, agency, year, month, dept, e) ||
		 db_read_rows(&st, a, sizeof(**items), quota_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static int
check_month(int64_t year, int64_t month, struct err *e)
{
	if (year < 2000 || year > 2100)
		err_field(e, "year", "年份应为 2000 至 2100");
	if (month < 1 || month > 12)
		err_field(e, "month", "月份应为 1 至 12");
	return err_fields_done(e);
}

int
quota_list(struct db *db, struct arena *a, const struct actor *who, int64_t year, int64_t month,
	   struct supply_quota **items, size_t *n, struct err *e)
{
	if (check_month(year, month, e))
		return e->code;
	return query(db, a, who->agency_id, year, month, 0, items, n, e);
}

/* "hqrq" above the department id: one requisition at a time per department counts its month */
#define QUOTA_LOCK(dept) ((int64_t)0x68717271 << 32 | (int64_t)((uint64_t)(dept) & 0xffffffffu))

int
quota_over(struct db *db, int64_t agency, int64_t dept, int64_t at, int64_t value_fen, int *over,
	   struct err *e)
{
	int date = cal_local_date(at);
	struct arena *a = arena_new(1024);
	struct supply_quota *q;
	size_t n = 0;
	int rc;

	*over = 0;
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	/*
	 * Held to the commit, so two requisitions racing in one department cannot both
	 * count the month without the other (PostgreSQL reads committed rows per statement).
	 */
	rc = db_lock_tx(db, QUOTA_LOCK(dept), e) ||
	     query(db, a, agency, date / 10000, date / 100 % 100, dept, &q, &n, e) ? e->code : 0;
	if (!rc && n == 1)
		*over = reqn_quota_exceeded(q, value_fen);
	arena_free(a);
	return rc;
}

static json_t *
quota_json(const struct supply_quota *q, int64_t year, int64_t month)
{
	return json_pack("{sI ss sI sI so sI sI so}", "department_id", (json_int_t)q->department_id,
			 "department_name", q->department_name, "year", (json_int_t)year, "month",
			 (json_int_t)month, "quota_fen",
			 q->quota_fen >= 0 ? json_integer(q->quota_fen) : json_null(),
			 "issued_value_fen", (json_int_t)q->issued_value_fen, "open_value_fen",
			 (json_int_t)q->open_value_fen, "updated_at", jtime(q->updated_at));
}

static const char sql_upsert[] =
	"INSERT INTO supply_quota (agency_id, department_id, year, month, quota_fen, updated_at,"
	" updated_by) VALUES (:agency, :dept, :year, :month, :quota, :now, :who)"
	" ON CONFLICT (department_id, year, month) DO UPDATE SET quota_fen = :quota,"
	" updated_at = :now, updated_by = :who";
static const char sql_delete[] =
	"DELETE FROM supply_quota WHERE department_id = :dept AND year = :year AND month = :month";

static int
write_quota(struct db *db, const struct actor *who, int64_t dept, int64_t year, int64_t month,
	    int64_t quota, int64_t now, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, quota < 0 ? sql_delete : sql_upsert, e) ||
		 db_bind_i64(&st, ":dept", dept, e) || db_bind_i64(&st, ":year", year, e) ||
		 db_bind_i64(&st, ":month", month, e) ? e->code : 0;

	if (!rc && quota >= 0)
		rc = db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_i64(&st, ":quota", quota, e) || db_bind_i64(&st, ":now", now, e) ||
		     db_bind_i64(&st, ":who", who->id, e) ? e->code : 0;
	rc = rc || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

int
quota_set(struct db *db, struct arena *a, const struct actor *who, int64_t dept, int64_t year,
	  int64_t month, int64_t quota_fen, int64_t seen, struct err *e)
{
	struct supply_quota *q;
	size_t n = 0;
	json_t *before;

	if (quota_fen > REQ_QUOTA_MAX)
		err_field(e, "quota_fen", "限额过大");
	if (check_month(year, month, e) ||
	    query(db, a, who->agency_id, year, month, dept, &q, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_INVALID, "invalid", "department_id", "部门不存在");
	/* a row that exists is an edit of what the caller read; none yet: nothing to lose */
	if (q->updated_at && db_check_seen(seen, q->updated_at, "领用限额", e))
		return e->code;
	before = jarena(a, quota_json(q, year, month));
	/* a new row's token passes what the caller read (as_of), even within its millisecond */
	if (write_quota(db, who, dept, year, month, quota_fen,
			db_next_updated_at(q->updated_at ? q->updated_at : seen, now_ms()), e) ||
	    query(db, a, who->agency_id, year, month, dept, &q, &n, e))
		return e->code;
	return aud_record(db, who, "set", "supply_quota", dept, before,
			  jarena(a, quota_json(q, year, month)), e);
}

json_t *
quota_items_json(const struct supply_quota *items, size_t n, int64_t year, int64_t month)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, quota_json(&items[i], year, month));
	return arr;
}
