/*
** modules/vehicles/costs_api.c: HTTP handlers for vehicle costs, vendors and
** fuel-card imports (costs.h); vehicles_api.c's route table lists them. Thin:
** parse -> costs*.c -> encode. The import's body is the CSV itself (text/csv):
** the server hands every route its raw body (rq->body), JSON is parsed only by
** the handlers that ask for it, so no change to the HTTP layer was needed.
*/
#include "modules/vehicles/costs.h"
#include "http/router.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/err.h"
#include "core/export.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"

#include <stddef.h>
#include <stdint.h>

#define COST_TEXT_MAX 200

/* POST body: cost_in with the date as text. */
struct cost_body {
	struct cost_in in;
	const char *occurred_on;
};

const struct field cost_fields[] = {
	{ .name = "vehicle_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct cost_body, in.vehicle_id) },
	{ .name = "kind", .type = F_ENUM, .required = 1, .enums = cost_kind_codes,
	  .off = offsetof(struct cost_body, in.kind) },
	{ .name = "amount_fen", .type = F_INT, .required = 1, .min = 1, .max = 10000000000LL,
	  .off = offsetof(struct cost_body, in.amount_fen) },
	{ .name = "occurred_on", .type = F_STR, .required = 1, .max = 10,
	  .off = offsetof(struct cost_body, occurred_on) },
	{ .name = "vendor_id", .type = F_ID, .off = offsetof(struct cost_body, in.vendor_id) },
	{ .name = "vendor_name", .type = F_STR, .max = VENDOR_NAME_MAX,
	  .off = offsetof(struct cost_body, in.vendor_name) },
	{ .name = "reason", .type = F_STR, .max = COST_TEXT_MAX,
	  .off = offsetof(struct cost_body, in.reason) },
	{ .name = "note", .type = F_STR, .max = COST_TEXT_MAX,
	  .off = offsetof(struct cost_body, in.note) },
	{ .name = "workorder_id", .type = F_ID, .off = offsetof(struct cost_body, in.workorder_id) },
	{ .name = "trip_id", .type = F_ID, .off = offsetof(struct cost_body, in.trip_id) },
	{ .name = "litres_x100", .type = F_INT, .min = 0, .max = 1000000,
	  .off = offsetof(struct cost_body, in.litres_x100) },
	{ 0 }
};

#define VENDOR_FIELDS                                                                    \
	{ .name = "name", .type = F_STR, .required = 1, .max = VENDOR_NAME_MAX,           \
	  .off = offsetof(struct vendor_in, name) },                                      \
	{ .name = "kind", .type = F_ENUM, .required = 1, .enums = vendor_kind_codes,      \
	  .off = offsetof(struct vendor_in, kind) },                                      \
	{ .name = "designated", .type = F_BOOL, .off = offsetof(struct vendor_in, designated) }, \
	{ .name = "active", .type = F_BOOL, .off = offsetof(struct vendor_in, active) }
const struct field vendor_fields[] = { VENDOR_FIELDS, { 0 } };
const struct field vendor_put_fields[] = {
	VENDOR_FIELDS, FIELD_UPDATED_AT(struct vendor_in, updated_at), { 0 }
};

static const char *const kind_labels[] = { "加油", "保养", "维修", "保险", "年审", "路桥停车",
					   NULL };
const struct export_col cost_cols[] = {
	{ .key = "occurred_on", .header = "日期", .kind = EXP_DATE },
	{ .key = "plate", .header = "车牌" },
	{ .key = "kind", .header = "类别", .codes = cost_kind_codes, .labels = kind_labels },
	{ .key = "amount_fen", .header = "金额（元）", .kind = EXP_FEN },
	{ .key = "department_name", .header = "承担部门" },
	{ .key = "vendor_name", .header = "供应商" },
	{ .key = "designated", .header = "定点", .kind = EXP_BOOL },
	{ .key = "reason", .header = "非定点原因" },
	{ .key = "litres_x100", .header = "加油量（升）", .kind = EXP_FEN },
	{ .key = "workorder_code", .header = "报修单号" },
	{ .key = "trip_code", .header = "用车单号" },
	{ .key = "note", .header = "备注" },
	{ .key = "created_by_name", .header = "登记人" },
	{ .key = "created_at", .header = "登记时间", .kind = EXP_TIME },
	{ 0 }
};

static const char *const vendor_kind_labels[] = { "维修厂", "加油站", "其他", NULL };
const struct export_col vendor_cols[] = {
	{ .key = "name", .header = "名称" },
	{ .key = "kind", .header = "类型", .codes = vendor_kind_codes, .labels = vendor_kind_labels },
	{ .key = "designated", .header = "定点", .kind = EXP_BOOL },
	{ .key = "active", .header = "启用", .kind = EXP_BOOL },
	{ 0 }
};

const struct export_col fuel_import_cols[] = {
	{ .key = "created_at", .header = "导入时间", .kind = EXP_TIME },
	{ .key = "rows", .header = "行数" },
	{ .key = "litres_x100", .header = "加油量（升）", .kind = EXP_FEN },
	{ .key = "amount_fen", .header = "金额（元）", .kind = EXP_FEN },
	{ .key = "flags", .header = "异常" },
	{ .key = "created_by_name", .header = "导入人" },
	{ 0 }
};

static int
list_json(struct resp *rs, json_t *arr, int64_t total)
{
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)total));
}

/* ?kind= one of codes, or absent. */
static int
query_enum(const struct req *rq, const char *name, const char *const *codes, const char **out,
	   struct err *e)
{
	const char *s = req_query(rq, name);

	*out = s && *s ? s : NULL;
	if (*out && !val_in(*out, codes))
		return err_setx(e, ERR_INVALID, "invalid", name, "取值无效");
	return 0;
}

static int
cost_filter_read(struct req *rq, struct cost_filter *f, struct err *e)
{
	int64_t from = 0, to = 0;
	struct page pg;

	if (req_page(rq, &pg, e) || query_enum(rq, "kind", cost_kind_codes, &f->kind, e) ||
	    req_query_i64(rq, "vehicle_id", 1, INT64_MAX, &f->vehicle_id, e) ||
	    req_query_i64(rq, "department_id", 1, INT64_MAX, &f->department_id, e) ||
	    req_query_i64(rq, "fuel_import_id", 1, INT64_MAX, &f->fuel_import_id, e) ||
	    req_query_i64(rq, "trip_id", 1, INT64_MAX, &f->trip_id, e) ||
	    req_time_range(rq, &from, &to, e))
		return e->code;
	/* the range is of days: costs are dated, not timed */
	f->from = from ? cal_local_date(from) : 0;
	f->to = to ? cal_local_date(to - 1) : 0;
	f->limit = pg.per_page;
	f->offset = pg.offset;
	return 0;
}

/* GET /vehicle-costs?vehicle_id=&kind=&department_id=&from=&to=&fuel_import_id=&trip_id= */
int
cost_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct cost_filter f = { 0 };
	struct cost *items;
	int64_t total = 0;
	json_t *arr;
	size_t n = 0;

	if (cost_filter_read(rq, &f, e) ||
	    cost_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, cost_json(&items[i]));
	return list_json(rs, arr, total);
}

int
cost_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct cost_body b = { 0 };
	struct cost c;
	int64_t id;

	if (req_json_fields(rq, cost_fields, &b, NULL, e))
		return e->code;
	if (cal_parse_date(b.occurred_on, &b.in.occurred_on))
		return err_setx(e, ERR_INVALID, "invalid", "occurred_on", "日期格式应为 YYYY-MM-DD");
	if (cost_post(rq->db, rq->arena, rq->user, &b.in, &id, e) ||
	    cost_get(rq->db, rq->arena, rq->user, id, &c, e))
		return e->code;
	return resp_json(rs, 201, cost_json(&c));
}

/* GET /vehicle-vendors?kind=&active=1 */
int
vendor_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	const char *kind;
	struct vendor *items;
	int64_t active = 0;
	json_t *arr;
	size_t n = 0;

	if (query_enum(rq, "kind", vendor_kind_codes, &kind, e) ||
	    req_query_i64(rq, "active", 0, 1, &active, e) ||
	    vendor_list(rq->db, rq->arena, rq->user, kind, (int)active, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, vendor_json(&items[i]));
	return list_json(rs, arr, (int64_t)n);
}

int
vendor_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct vendor_in in = { .active = 1 };
	struct vendor v;

	if (req_json_fields(rq, vendor_fields, &in, NULL, e) ||
	    vendor_create(rq->db, rq->arena, rq->user, &in, &v, e))
		return e->code;
	return resp_json(rs, 201, vendor_json(&v));
}

int
vendor_api_update(struct req *rq, struct resp *rs, struct err *e)
{
	struct vendor_in in = { .active = 1 };
	struct vendor v;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, vendor_put_fields, &in, NULL, e) ||
	    vendor_update(rq->db, rq->arena, rq->user, id, &in, &v, e))
		return e->code;
	return resp_json(rs, 200, vendor_json(&v));
}

/* By line, keeping the order within one (the parser's before the registry's). */
static void
sort_errors(struct fuel_csv *csv)
{
	for (size_t i = 1; i < csv->nerrors; i++) {
		struct csv_error x = csv->errors[i];
		size_t j = i;

		for (; j > 0 && csv->errors[j - 1].line > x.line; j--)
			csv->errors[j] = csv->errors[j - 1];
		csv->errors[j] = x;
	}
}

static json_t *
errors_json(const struct req *rq, const struct fuel_csv *csv)
{
	json_t *errs = json_array();

	for (size_t i = 0; errs && i < csv->nerrors; i++) {
		const struct csv_error *x = &csv->errors[i];
		json_array_append_new(errs, json_pack("{sI so ss}", "line", (json_int_t)x->line,
						      "field", jstr_or_null(x->field), "message",
						      msg_pick(rq->lang, x->msg, x->msg_en)));
	}
	return errs;
}

/* 400 with every line's errors (the first in the message): nothing was written. */
static int
csv_refused(struct req *rq, struct resp *rs, const struct fuel_csv *csv)
{
	const struct csv_error *first = &csv->errors[0];
	const char *msg;

	msg = first->line
		      ? arena_printf(rq->arena, rq->lang == LANG_EN ? "line %d: %s (%zu errors)"
								     : "第 %d 行：%s（共 %zu 处错误）",
				     first->line, msg_pick(rq->lang, first->msg, first->msg_en),
				     csv->nbad)
		      : msg_pick(rq->lang, first->msg, first->msg_en);
	return resp_json(rs, 400, json_pack("{s{ss ss} so sI}", "error", "code", "invalid_csv",
					    "message", msg ? msg : first->msg, "errors",
					    errors_json(rq, csv), "error_count", (json_int_t)csv->nbad));
}

/* ?check=1: the checks only, 200 with the totals and the errors; the page shows them first. */
static int
csv_checked(struct req *rq, struct resp *rs, const struct fuel_csv *csv)
{
	int64_t litres = 0, amount = 0;

	for (size_t i = 0; i < csv->n; i++) {
		litres += csv->lines[i].litres_x100;
		amount += csv->lines[i].amount_fen;
	}
	return resp_json(rs, 200, json_pack("{sI sI sI so sI}", "rows", (json_int_t)csv->n,
					    "litres_x100", (json_int_t)litres, "amount_fen",
					    (json_int_t)amount, "errors", errors_json(rq, csv),
					    "error_count", (json_int_t)csv->nbad));
}

/* POST /fuel-card-imports[?check=1], body text/csv: 201 the import and its flags, or 400 by line. */
int
fuel_api_import(struct req *rq, struct resp *rs, struct err *e)
{
	struct fuel_import_result r;
	struct fuel_csv csv;
	int64_t check = 0;

	if (req_query_i64(rq, "check", 0, 1, &check, e))
		return e->code;
	if (fuel_csv_parse(rq->arena, rq->body ? rq->body : "", rq->body_len, &csv))
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (fuel_check_rows(rq->db, rq->arena, rq->user, &csv, e))
		return e->code;
	sort_errors(&csv);
	if (check)
		return csv_checked(rq, rs, &csv);
	if (csv.nbad)
		return csv_refused(rq, rs, &csv);
	if (fuel_import(rq->db, rq->arena, rq->user, &csv, &r, e))
		return e->code;
	return resp_json(rs, 201, json_pack("{sI sI sI sI sO}", "id", (json_int_t)r.id, "rows",
					    (json_int_t)r.rows, "litres_x100",
					    (json_int_t)r.litres_x100, "amount_fen",
					    (json_int_t)r.amount_fen, "flags", r.flags));
}

/* GET /fuel-card-imports: newest first. */
int
fuel_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct page pg;
	int64_t total;
	json_t *items;

	if (req_page(rq, &pg, e) ||
	    fuel_import_list(rq->db, rq->arena, rq->user, pg.per_page, pg.offset, &items, &total,
			     e))
		return e->code;
	return resp_json(rs, 200, json_pack("{sO sI}", "items", items, "total", (json_int_t)total));
}
