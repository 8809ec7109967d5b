/*
** modules/budget/budget_reports_api.c: HTTP handlers for the bulletin
** 财务支出月通报 (JSON, CSV, XLSX) and the 三公经费 disclosure. The routes are
** rows of budget_api.c's table.
*/
#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/export.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/budget/budget.h"

#include <stdio.h>

static const char *const row_codes[] = { "line", "subtotal", "total", NULL };
static const char *const row_labels[] = { "", "小计", "合计", NULL };

/* The bulletin's export: amounts in yuan, percentages as numbers. */
const struct export_col bud_bulletin_cols[] = {
	{ .key = "department_name", .header = "部门" },
	{ .key = "row", .header = "行", .codes = row_codes, .labels = row_labels },
	{ .key = "class_code", .header = "分类编码" },
	{ .key = "class_name", .header = "支出分类" },
	{ .key = "budget_fen", .header = "预算（元）", .kind = EXP_FEN },
	{ .key = "month_fen", .header = "本月支出（元）", .kind = EXP_FEN },
	{ .key = "ytd_fen", .header = "本年累计（元）", .kind = EXP_FEN },
	{ .key = "used_pct", .header = "预算执行率（%）" },
	{ .key = "committed_fen", .header = "已占用未支付（元）", .kind = EXP_FEN },
	{ .key = "ly_month_fen", .header = "上年同月（元）", .kind = EXP_FEN },
	{ .key = "month_change_pct", .header = "同比本月（%）" },
	{ .key = "ly_ytd_fen", .header = "上年同期累计（元）", .kind = EXP_FEN },
	{ .key = "ytd_change_pct", .header = "同比累计（%）" },
	{ 0 }
};

/*
** GET /budget/bulletin?year=&month=[&format=csv|xlsx]: {"year","month","items":
** [rows, 小计 after each department, 合计 last],"total"}. The export is named
** for the month (财务支出月通报2026年11月_<day>.xlsx), so it is written here
** rather than by the router.
*/
int
bud_api_bulletin(struct req *rq, struct resp *rs, struct err *e)
{
	int period = budget_period_of(now_ms());
	int64_t year = period / 100, month = period % 100;
	struct bud_bulletin b;
	const char *title;
	json_t *arr;
	int fmt = rq->export_format;

	if (req_query_i64(rq, "year", BUD_YEAR_MIN, BUD_YEAR_MAX, &year, e) ||
	    req_query_i64(rq, "month", 1, 12, &month, e) ||
	    bud_bulletin(rq->db, rq->arena, rq->user, year, month, &b, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < b.n; i++)
		json_array_append_new(arr, bud_bulletin_row_json(&b.rows[i]));
	if (resp_json(rs, 200, json_pack("{sI sI so sI}", "year", (json_int_t)year, "month",
					 (json_int_t)month, "items", arr, "total",
					 (json_int_t)b.n)))
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (!fmt)
		return 0;
	rq->export_format = EXPORT_NONE;	/* done here: the router must not export again */
	title = arena_printf(rq->arena, "财务支出月通报%lld年%lld月", (long long)year,
			     (long long)month);
	if (!title)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return resp_export(rs, fmt, bud_bulletin_cols, title, e);
}

/* GET /budget/disclosure?year=: 三公经费公开 (closed months only), for every staff member. */
int
bud_api_disclosure(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t year = budget_period_of(now_ms()) / 100;
	struct bud_disclosure d;

	if (req_query_i64(rq, "year", BUD_YEAR_MIN, BUD_YEAR_MAX, &year, e) ||
	    bud_disclosure(rq->db, rq->arena, rq->user, year, &d, e))
		return e->code;
	return resp_json(rs, 200, bud_disclosure_json(&d));
}

/* GET /budget-lines/:id: one line with its figures (the drill-down page's head). */
int
bud_api_line(struct req *rq, struct resp *rs, struct err *e)
{
	struct bud_line l;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || bud_line_get(rq->db, rq->arena, rq->user, id, &l, e))
		return e->code;
	return resp_json(rs, 200, bud_line_json(&l));
}
