/*
** modules/budget/budget_api.c: HTTP handlers for 经费 classes, budget lines
** and a line's ledger. Thin: parse and validate -> budget.c -> encode.
*/
#include "http/router.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/export.h"
#include "core/json.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/budget/budget.h"
#include "modules/budget/claims_int.h"

#include <stddef.h>

/* Who reads lines: the department head is scoped to their department in budget_lines.c. */
#define BUD_READERS (ROLE_FINANCE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_OFFICE | ROLE_DEPT_HEAD)

static const struct field class_fields[] = {
	{ .name = "code", .type = F_STR, .required = 1, .max = BUD_CODE_MAX,
	  .off = offsetof(struct bud_class_in, code) },
	{ .name = "name", .type = F_STR, .required = 1, .max = BUD_NAME_MAX,
	  .off = offsetof(struct bud_class_in, name) },
	{ .name = "sangong", .type = F_BOOL, .off = offsetof(struct bud_class_in, sangong) },
	{ 0 }
};

static const struct field line_fields[] = {
	{ .name = "year", .type = F_INT, .required = 1, .min = BUD_YEAR_MIN, .max = BUD_YEAR_MAX,
	  .off = offsetof(struct bud_line_in, year) },
	{ .name = "department_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct bud_line_in, department_id) },
	{ .name = "class_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct bud_line_in, class_id) },
	{ .name = "amount_fen", .type = F_INT, .required = 1, .min = 0,
	  .max = BUDGET_AMOUNT_MAX, .off = offsetof(struct bud_line_in, amount_fen) },
	{ .name = "control", .type = F_ENUM, .enums = bud_control_codes,
	  .off = offsetof(struct bud_line_in, control) },
	{ 0 }
};

/* Exports (?format=csv|xlsx): 支出分类, 预算指标, 预算明细; amounts in yuan. */
static const char *const yes_codes[] = { "true", "false", NULL };
static const char *const sangong_labels[] = { "是", "否", NULL };
static const char *const active_labels[] = { "启用", "停用", NULL };
static const char *const control_labels[] = { "超支禁止", "超支预警", NULL };
static const char *const kind_labels[] = { "调整", "占用", "支出", "释放", NULL };
static const struct export_col class_cols[] = {
	{ .key = "code", .header = "编码" },
	{ .key = "name", .header = "名称" },
	{ .key = "sangong", .header = "三公经费", .kind = EXP_BOOL, .codes = yes_codes,
	  .labels = sangong_labels },
	{ .key = "active", .header = "状态", .kind = EXP_BOOL, .codes = yes_codes,
	  .labels = active_labels },
	{ 0 }
};
static const struct export_col line_cols[] = {
	{ .key = "year", .header = "年度" },
	{ .key = "department_name", .header = "部门" },
	{ .key = "class_code", .header = "分类编码" },
	{ .key = "class_name", .header = "支出分类" },
	{ .key = "control", .header = "控制方式", .codes = bud_control_codes,
	  .labels = control_labels },
	{ .key = "amount_fen", .header = "预算（元）", .kind = EXP_FEN },
	{ .key = "adjusted_fen", .header = "调整（元）", .kind = EXP_FEN },
	{ .key = "committed_fen", .header = "已占用（元）", .kind = EXP_FEN },
	{ .key = "spent_fen", .header = "已支出（元）", .kind = EXP_FEN },
	{ .key = "available_fen", .header = "可用（元）", .kind = EXP_FEN },
	{ 0 }
};
static const struct export_col entry_cols[] = {
	{ .key = "occurred_at", .header = "发生时间", .kind = EXP_TIME },
	{ .key = "kind", .header = "类型", .codes = bud_entry_kinds, .labels = kind_labels },
	{ .key = "amount_fen", .header = "金额（元）", .kind = EXP_FEN },
	{ .key = "source_module", .header = "来源" },
	{ .key = "source_id", .header = "来源编号" },
	{ .key = "voucher_no", .header = "凭证号" },
	{ .key = "payee", .header = "收款方" },
	{ .key = "created_by_name", .header = "经办人" },
	{ 0 }
};

static int
list_json(struct resp *rs, json_t *arr, int64_t total)
{
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)total));
}

/* GET /budget-classes: every class of the agency, by code. */
static int
bud_api_classes(struct req *rq, struct resp *rs, struct err *e)
{
	struct bud_class *items;
	json_t *arr;
	size_t n;

	if (bud_class_list(rq->db, rq->arena, rq->user, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, bud_class_json(&items[i]));
	return list_json(rs, arr, (int64_t)n);
}

static int
bud_api_class_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct bud_class_in in = { 0 };
	struct bud_class c;

	if (req_json_fields(rq, class_fields, &in, NULL, e) ||
	    bud_class_create(rq->db, rq->arena, rq->user, &in, &c, e))
		return e->code;
	return resp_json(rs, 201, bud_class_json(&c));
}

/* GET /budget-lines?year=&department_id=&class_id=&page=&per_page= */
static int
bud_api_lines(struct req *rq, struct resp *rs, struct err *e)
{
	struct bud_line_filter f = { 0 };
	struct bud_line *items;
	struct page pg;
	int64_t total;
	json_t *arr;
	size_t n;

	if (req_page(rq, &pg, e) ||
	    req_query_i64(rq, "year", BUD_YEAR_MIN, BUD_YEAR_MAX, &f.year, e) ||
	    req_query_i64(rq, "department_id", 1, INT64_MAX, &f.department_id, e) ||
	    req_query_i64(rq, "class_id", 1, INT64_MAX, &f.class_id, e))
		return e->code;
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (bud_line_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, bud_line_json(&items[i]));
	return list_json(rs, arr, total);
}

static int
bud_api_line_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct bud_line_in in = { .control = "stop" };
	struct bud_line l;

	if (req_json_fields(rq, line_fields, &in, NULL, e) ||
	    bud_line_create(rq->db, rq->arena, rq->user, &in, &l, e))
		return e->code;
	return resp_json(rs, 201, bud_line_json(&l));
}

/* GET /budget-lines/:id/entries?page=&per_page=: the ledger, newest first. */
static int
bud_api_entries(struct req *rq, struct resp *rs, struct err *e)
{
	struct bud_entry *items;
	struct page pg;
	int64_t id, total;
	json_t *arr;
	size_t n;

	if (req_path_id(rq, 0, &id, e) || req_page(rq, &pg, e) ||
	    bud_entry_list(rq->db, rq->arena, rq->user, id, pg.per_page, pg.offset, &items, &n,
			   &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, bud_entry_json(&items[i]));
	return list_json(rs, arr, total);
}

/* GET /budget/periods?year=: the 12 months of the year (default this one), closed or not. */
static int
bud_api_periods(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t year = budget_period_of(now_ms()) / 100;
	struct bud_period p[12];
	json_t *arr;

	if (req_query_i64(rq, "year", BUD_YEAR_MIN, BUD_YEAR_MAX, &year, e) ||
	    bud_period_year(rq->db, rq->arena, rq->user->agency_id, year, p, e))
		return e->code;
	arr = json_array();
	for (int m = 0; arr && m < 12; m++)
		json_array_append_new(arr, bud_period_json(&p[m]));
	return list_json(rs, arr, 12);
}

/* POST /budget/periods/:yyyymm/close: 结账 (any month up to the current one). */
static int
bud_api_period_close(struct req *rq, struct resp *rs, struct err *e)
{
	struct bud_period p[12];
	int64_t period;

	if (req_path_id(rq, 0, &period, e) || period > 999999)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "月份应为 yyyymm，如 202609");
	if (budget_period_close(rq->db, rq->user, (int)period, e) ||
	    bud_period_year(rq->db, rq->arena, rq->user->agency_id, period / 100, p, e))
		return e->code;
	return resp_json(rs, 200, bud_period_json(&p[period % 100 - 1]));
}

extern const struct field bud_adj_fields[], bud_settings_fields[];	/* budget_adjust_api.c */
extern const struct export_col bud_bulletin_cols[];	/* budget_reports_api.c */

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route budget_routes[] = {
	{ "GET", "/api/v1/budget-classes", bud_api_classes, ROLE_BUSINESS_READERS, 0, "支出经济分类", NULL, class_cols, 0 },
	{ "POST", "/api/v1/budget-classes", bud_api_class_create, ROLE_FINANCE, R_WRITE, "新建支出经济分类", class_fields, NULL, 0 },
	{ "GET", "/api/v1/budget-lines", bud_api_lines, BUD_READERS, 0, "预算指标（部门负责人只见本部门）", NULL, line_cols, 0 },
	{ "POST", "/api/v1/budget-lines", bud_api_line_create, ROLE_FINANCE, R_WRITE, "新建预算指标", line_fields, NULL, 0 },
	{ "GET", "/api/v1/budget-lines/:id/entries", bud_api_entries, BUD_READERS, 0, "预算指标明细（占用、支出、释放、调整）", NULL, entry_cols, 0 },
	{ "GET", "/api/v1/budget/periods", bud_api_periods, BUD_READERS, 0, "各月结账状态", NULL, NULL, 0 },
	{ "POST", "/api/v1/budget/periods/:yyyymm/close", bud_api_period_close, ROLE_FINANCE, R_WRITE, "月度结账（此后该月不能再记账）", NULL, NULL, 0 },
	{ "POST", "/api/v1/budget-lines/:id/adjustments", bud_api_adj_create, ROLE_FINANCE, R_WRITE, "申请预算调整（追加/调减/调剂，经审批后记账）", bud_adj_fields, NULL, 0 },
	{ "GET", "/api/v1/budget-lines/:id/adjustments", bud_api_adj_list, BUD_READERS, 0, "预算指标的调整申请（调出与调入）", NULL, NULL, 0 },
	{ "GET", "/api/v1/budget/settings", bud_api_settings_get, BUD_READERS, 0, "经费设置（年中温馨提醒日期）", NULL, NULL, 0 },
	{ "PUT", "/api/v1/budget/settings", bud_api_settings_put, ROLE_FINANCE, R_WRITE, "修改经费设置", bud_settings_fields, NULL, 0 },
	{ "GET", "/api/v1/budget/bulletin", bud_api_bulletin, BUD_READERS, 0, "财务支出月通报（?year=&month=；部门×分类：预算、本月、累计、执行率、同比，小计）", NULL, bud_bulletin_cols, 0 },
	{ "GET", "/api/v1/budget/disclosure", bud_api_disclosure, ROLE_BUSINESS_READERS, 0, "三公经费公开（?year=；仅已结账月份有数，未结账为 null；年度预算与已结账月份实际支出）", NULL, NULL, 0 },
	{ "GET", "/api/v1/budget-lines/:id", bud_api_line, BUD_READERS, 0, "预算指标详情（部门负责人只见本部门）", NULL, NULL, 0 },
	/* 报销单 and 差旅标准 (claims_api.c) */
	{ "GET", "/api/v1/travel-standards", claim_std_api_list, ROLE_BUSINESS_READERS, 0, "差旅标准", NULL, NULL, 0 },
	{ "POST", "/api/v1/travel-standards", claim_std_api_create, ROLE_FINANCE, R_WRITE, "新建差旅标准", claim_std_fields, NULL, 0 },
	{ "GET", "/api/v1/expense-claims", claim_api_list, ROLE_BUSINESS_READERS, 0, "报销单（职工只见本人，部门负责人只见本部门）", NULL, claim_cols, 0 },
	{ "POST", "/api/v1/expense-claims", claim_api_create, ROLE_BUSINESS, R_WRITE, "提交报销单", claim_fields, NULL, 0 },
	{ "POST", "/api/v1/expense-claims/preview", claim_api_preview, ROLE_BUSINESS, 0, "报销单试算（超标准、预算余额），不保存", claim_fields, NULL, 0 },
	{ "GET", "/api/v1/expense-claims/:id", claim_api_get, ROLE_BUSINESS_READERS, 0, "报销单详情", NULL, NULL, 0 },
	{ "POST", "/api/v1/expense-claims/:id/pay", claim_api_pay, ROLE_FINANCE, R_WRITE, "支付报销单（记支出，凭证号）", claim_pay_fields, NULL, 0 },
	{ "POST", "/api/v1/expense-claims/:id/withdraw", claim_api_withdraw, ROLE_BUSINESS, R_WRITE, "撤回报销单（审批前）", NULL, NULL, 0 },
	{ 0 }
};
