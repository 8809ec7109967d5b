/*
** modules/supplies/report_api.c: GET /supplies/report (report.h), as JSON or,
** with ?format=csv|xlsx, one part of it as a sheet: the departments against
** their quotas, the top items, or the month's ledger item by item (opening,
** in, out, closing in quantity and value, 合计 last) — the sheet an auditor
** ticks against the stock. The route is a row of supplies_api.c's table.
*/
#include "modules/supplies/report.h"
#include "modules/budget/budget.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/export.h"
#include "core/parse.h"
#include "db/db.h"
#include "http/req.h"
#include "http/resp.h"

#include <string.h>

const struct export_col sup_report_dept_cols[] = {
	{ .key = "name", .header = "部门" },
	{ .key = "issued_value_fen", .header = "本月领用（元）", .kind = EXP_FEN },
	{ .key = "quota_fen", .header = "月度限额（元）", .kind = EXP_FEN },
	{ .key = "pct", .header = "限额使用率（%）" },
	{ .key = "requisitions", .header = "领用申请（件）" },
	{ 0 }
};

static const struct export_col item_cols[] = {
	{ .key = "rank", .header = "排名" },
	{ .key = "code", .header = "物品编码" },
	{ .key = "name", .header = "物品名称" },
	{ .key = "category", .header = "类别" },
	{ .key = "unit", .header = "单位" },
	{ .key = "qty", .header = "领用数量" },
	{ .key = "value_fen", .header = "领用金额（元）", .kind = EXP_FEN },
	{ 0 }
};

static const struct export_col ledger_cols[] = {
	{ .key = "code", .header = "物品编码" },
	{ .key = "name", .header = "物品名称" },
	{ .key = "category", .header = "类别" },
	{ .key = "unit", .header = "单位" },
	{ .key = "opening_qty", .header = "期初数量" },
	{ .key = "opening_value_fen", .header = "期初金额（元）", .kind = EXP_FEN },
	{ .key = "in_qty", .header = "入库数量" },
	{ .key = "in_value_fen", .header = "入库金额（元）", .kind = EXP_FEN },
	{ .key = "out_qty", .header = "出库数量" },
	{ .key = "out_value_fen", .header = "出库金额（元）", .kind = EXP_FEN },
	{ .key = "closing_qty", .header = "期末数量" },
	{ .key = "closing_value_fen", .header = "期末金额（元）", .kind = EXP_FEN },
	{ 0 }
};

/* Each item with stock or a movement in the month; in and out by the movement's sign. */
static const char sql_item_ledger[] =
	"SELECT i.code, i.name, i.category, i.unit,"
	" SUM(CASE WHEN m.occurred_at < :m0 THEN m.qty ELSE 0 END),"
	" SUM(CASE WHEN m.occurred_at < :m0 THEN m.amount_fen ELSE 0 END),"
	" SUM(CASE WHEN m.occurred_at >= :m0 AND m.qty > 0 THEN m.qty ELSE 0 END),"
	" SUM(CASE WHEN m.occurred_at >= :m0 AND m.qty > 0 THEN m.amount_fen ELSE 0 END),"
	" SUM(CASE WHEN m.occurred_at >= :m0 AND m.qty < 0 THEN -m.qty ELSE 0 END),"
	" SUM(CASE WHEN m.occurred_at >= :m0 AND m.qty < 0 THEN -m.amount_fen ELSE 0 END),"
	" SUM(m.qty), SUM(m.amount_fen)"
	" FROM supply_item i JOIN stock_movement m ON m.item_id = i.id AND m.occurred_at < :m1"
	" WHERE i.agency_id = :agency GROUP BY i.id, i.code, i.name, i.category, i.unit"
	" HAVING SUM(m.qty) <> 0 OR SUM(CASE WHEN m.occurred_at >= :m0 THEN 1 ELSE 0 END) > 0"
	" ORDER BY i.category, i.code";

static const char *const ledger_keys[] = { "opening_qty", "opening_value_fen", "in_qty",
					   "in_value_fen", "out_qty", "out_value_fen",
					   "closing_qty", "closing_value_fen" };

/* One row of the item ledger; its figures added into sum. */
static json_t *
ledger_item(struct stmt *st, int64_t sum[8])
{
	json_t *j = json_pack("{ss? ss? ss? ss?}", "code", db_col_peek(st, 0, NULL), "name",
			      db_col_peek(st, 1, NULL), "category", db_col_peek(st, 2, NULL),
			      "unit", db_col_peek(st, 3, NULL));

	for (int k = 0; j && k < 8; k++) {
		sum[k] += db_col_i64(st, 4 + k);
		json_object_set_new(j, ledger_keys[k], json_integer(db_col_i64(st, 4 + k)));
	}
	return j;
}

static int
item_ledger(struct db *db, const struct actor *who, int64_t year, int64_t month, json_t *arr,
	    struct err *e)
{
	struct stmt st = { 0 };
	int64_t sum[8] = { 0 };
	json_t *total = json_pack("{ss}", "name", "合计");
	int rc = db_prepare(db, &st, sql_item_ledger, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":m0", bud_month_start(year, month), e) ||
		 db_bind_i64(&st, ":m1", bud_month_start(year, month + 1), e) ? e->code : 0;

	while (!rc && (rc = db_step(&st, e)) == 1)
		rc = json_array_append_new(arr, ledger_item(&st, sum)) ? ERR_NOMEM : 0;
	db_finalize(&st);
	for (int k = 0; total && k < 8; k++)
		json_object_set_new(total, ledger_keys[k], json_integer(sum[k]));
	if (!rc && json_array_append_new(arr, total))
		rc = ERR_NOMEM;
	if (rc == ERR_NOMEM)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return rc < 0 ? rc : 0;
}

/* ?month=YYYY-MM, this month (Shanghai) when absent. */
static int
month_of(const struct req *rq, int64_t *year, int64_t *month, struct err *e)
{
	const char *s = req_query(rq, "month");
	int p = budget_period_of(now_ms());

	*year = p / 100;
	*month = p % 100;
	if (!s || !*s)
		return 0;
	if (strlen(s) != 7 || s[4] != '-' || parse_i64n(s, 4, BUD_YEAR_MIN, BUD_YEAR_MAX, year) ||
	    parse_i64n(s + 5, 2, 1, 12, month))
		return err_set(e, ERR_INVALID, "month", "月份应为 YYYY-MM，如 2026-11");
	return 0;
}

/* The part ?part= names as the export's rows (departments when absent); j is taken. */
static int
export_part(struct req *rq, struct resp *rs, const struct sup_report *r, json_t *j,
	    struct err *e)
{
	const char *part = req_query(rq, "part");
	const struct export_col *cols = sup_report_dept_cols;
	const char *what = "各部门领用";
	json_t *arr = json_incref(json_object_get(j, "departments"));
	int fmt = rq->export_format;

	if (part && !strcmp(part, "items")) {
		json_decref(arr);
		cols = item_cols, what = "领用排行", arr = json_incref(json_object_get(j, "top_items"));
	} else if (part && !strcmp(part, "ledger")) {
		json_decref(arr);
		cols = ledger_cols, what = "出入库汇总", arr = json_array();
		if (item_ledger(rq->db, rq->user, r->year, r->month, arr, e))
			arr = (json_decref(arr), NULL);
	} else if (part && strcmp(part, "departments")) {
		arr = (json_decref(arr), NULL);
		err_set(e, ERR_INVALID, "part", "导出内容应为 departments、items 或 ledger");
	}
	json_decref(j);
	if (!arr)
		return e->code ? e->code : err_set(e, ERR_NOMEM, NULL, "out of memory");
	rq->export_format = EXPORT_NONE;	/* done here: the router must not export again */
	if (resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total",
					 (json_int_t)json_array_size(arr))))
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	what = arena_printf(rq->arena, "办公用品%s%lld年%lld月", what, (long long)r->year,
			    (long long)r->month);
	return what ? resp_export(rs, fmt, cols, what, e) : err_set(e, ERR_NOMEM, NULL, "oom");
}

int
sup_api_report(struct req *rq, struct resp *rs, struct err *e)
{
	struct sup_report r;
	int64_t year, month;
	json_t *j;

	if (month_of(rq, &year, &month, e) || sup_report(rq->db, rq->arena, rq->user, year, month,
							 &r, e))
		return e->code;
	j = sup_report_json(&r);
	if (!j)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (rq->export_format)
		return export_part(rq, rs, &r, j, e);
	if (resp_json(rs, 200, j))
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return 0;
}
