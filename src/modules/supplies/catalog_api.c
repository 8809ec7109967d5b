/*
** modules/supplies/catalog_api.c: HTTP handlers of part K — items, an item's
** ledger and write-offs, suppliers, stocktakes. Thin: parse and validate ->
** catalog.c / suppliers.c / ledger.c / stocktake.c / stock.c -> encode.
*/
#include "modules/supplies/catalog.h"
#include "modules/supplies/stock.h"

#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/export.h"
#include "core/json.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"

#include <stddef.h>
#include <string.h>

#define ITEM_FIELDS                                                                      \
	{ .name = "code", .type = F_STR, .required = 1, .max = SUP_CODE_MAX,              \
	  .off = offsetof(struct item_in, code) },                                        \
	{ .name = "name", .type = F_STR, .required = 1, .max = SUP_TEXT_MAX,              \
	  .off = offsetof(struct item_in, name) },                                        \
	{ .name = "spec", .type = F_STR, .max = SUP_TEXT_MAX,                             \
	  .off = offsetof(struct item_in, spec) },                                        \
	{ .name = "unit", .type = F_STR, .required = 1, .max = 8,                         \
	  .off = offsetof(struct item_in, unit) },                                        \
	{ .name = "category", .type = F_STR, .required = 1, .max = 20,                    \
	  .off = offsetof(struct item_in, category) },                                    \
	{ .name = "reorder_point", .type = F_INT, .min = 0, .max = STOCK_QTY_MAX,         \
	  .off = offsetof(struct item_in, reorder_point) },                               \
	{ .name = "max_stock", .type = F_INT, .min = 1, .max = STOCK_QTY_MAX,             \
	  .off = offsetof(struct item_in, max_stock) },                                   \
	{ .name = "barcode", .type = F_STR, .max = SUP_CODE_MAX,                          \
	  .off = offsetof(struct item_in, barcode) },                                     \
	{ .name = "active", .type = F_BOOL, .off = offsetof(struct item_in, active) }

const struct field sup_item_fields[] = { ITEM_FIELDS, { 0 } };
const struct field sup_item_put_fields[] = {
	ITEM_FIELDS, FIELD_UPDATED_AT(struct item_in, updated_at), { 0 }
};

#define SUPPLIER_FIELDS                                                                  \
	{ .name = "name", .type = F_STR, .required = 1, .max = SUP_TEXT_MAX,              \
	  .off = offsetof(struct supplier_in, name) },                                    \
	{ .name = "contact", .type = F_STR, .max = 20,                                    \
	  .off = offsetof(struct supplier_in, contact) },                                 \
	{ .name = "phone", .type = F_STR, .max = 20, .off = offsetof(struct supplier_in, phone) }, \
	{ .name = "credit_code", .type = F_STR, .required = 1, .max = SUP_CREDIT_CODE_LEN, \
	  .off = offsetof(struct supplier_in, credit_code) },                             \
	{ .name = "designated", .type = F_BOOL, .off = offsetof(struct supplier_in, designated) }, \
	{ .name = "active", .type = F_BOOL, .off = offsetof(struct supplier_in, active) }

const struct field sup_supplier_fields[] = { SUPPLIER_FIELDS, { 0 } };
const struct field sup_supplier_put_fields[] = {
	SUPPLIER_FIELDS, FIELD_UPDATED_AT(struct supplier_in, updated_at), { 0 }
};

static const char *const writeoff_reasons[] = { "scrap", "loss", NULL };

struct writeoff_in {
	const char *reason, *note;
	int64_t qty;
};

const struct field sup_writeoff_fields[] = {
	{ .name = "reason", .type = F_ENUM, .required = 1, .enums = writeoff_reasons,
	  .off = offsetof(struct writeoff_in, reason) },
	{ .name = "qty", .type = F_INT, .required = 1, .min = 1, .max = STOCK_QTY_MAX,
	  .off = offsetof(struct writeoff_in, qty) },
	{ .name = "note", .type = F_STR, .required = 1, .max = 200,
	  .off = offsetof(struct writeoff_in, note) },
	{ 0 }
};

struct stocktake_body {
	const char *note;
	const json_t *lines;
};

const struct field sup_stocktake_fields[] = {
	{ .name = "note", .type = F_STR, .max = 200, .off = offsetof(struct stocktake_body, note) },
	{ .name = "lines", .type = F_JSON, .required = 1,
	  .off = offsetof(struct stocktake_body, lines) },
	{ 0 }
};

static const char *const yes_no[] = { "true", "false", NULL };
static const char *const active_labels[] = { "启用", "停用", NULL };
static const char *const designated_labels[] = { "是", "否", NULL };
const struct export_col sup_item_cols[] = {
	{ .key = "code", .header = "编码" },
	{ .key = "name", .header = "名称" },
	{ .key = "spec", .header = "规格" },
	{ .key = "unit", .header = "单位" },
	{ .key = "category", .header = "类别" },
	{ .key = "qty_on_hand", .header = "库存数量" },
	{ .key = "avg_cost_fen", .header = "平均单价（元）", .kind = EXP_FEN },
	{ .key = "stock_value_fen", .header = "库存金额（元）", .kind = EXP_FEN },
	{ .key = "reorder_point", .header = "补货点" },
	{ .key = "max_stock", .header = "最高库存" },
	{ .key = "barcode", .header = "条码" },
	{ .key = "active", .header = "状态", .kind = EXP_BOOL, .codes = yes_no,
	  .labels = active_labels },
	{ 0 }
};

static const char *const reason_codes[] = { "purchase", "return", "issue", "scrap", "loss",
					    "stocktake", NULL };
static const char *const reason_labels[] = { "采购入库", "退库", "领用出库", "报废", "丢失",
					     "盘点调整", NULL };
const struct export_col sup_ledger_cols[] = {
	{ .key = "occurred_at", .header = "日期", .kind = EXP_TIME },
	{ .key = "reason", .header = "类型", .codes = reason_codes, .labels = reason_labels },
	{ .key = "source.code", .header = "单号" },
	{ .key = "department_name", .header = "部门" },
	{ .key = "qty", .header = "数量" },
	{ .key = "unit_cost_fen", .header = "单价（元）", .kind = EXP_FEN },
	{ .key = "amount_fen", .header = "金额（元）", .kind = EXP_FEN },
	{ .key = "balance_qty", .header = "结存数量" },
	{ .key = "balance_value_fen", .header = "结存金额（元）", .kind = EXP_FEN },
	{ .key = "note", .header = "说明" },
	{ .key = "created_by_name", .header = "经办人" },
	{ 0 }
};

const struct export_col sup_supplier_cols[] = {
	{ .key = "name", .header = "名称" },
	{ .key = "credit_code", .header = "统一社会信用代码" },
	{ .key = "contact", .header = "联系人" },
	{ .key = "phone", .header = "电话" },
	{ .key = "designated", .header = "定点", .kind = EXP_BOOL, .codes = yes_no,
	  .labels = designated_labels },
	{ .key = "active", .header = "状态", .kind = EXP_BOOL, .codes = yes_no,
	  .labels = active_labels },
	{ 0 }
};

static const char *const st_status_codes[] = { "pending", "approved", "rejected", "withdrawn",
					       NULL };
static const char *const st_status_labels[] = { "审批中", "已调整", "已驳回", "已撤回", NULL };
const struct export_col sup_stocktake_cols[] = {
	{ .key = "code", .header = "盘点单号" },
	{ .key = "status", .header = "状态", .codes = st_status_codes, .labels = st_status_labels },
	{ .key = "line_count", .header = "物品数" },
	{ .key = "diff_count", .header = "有差异" },
	{ .key = "created_by_name", .header = "盘点人" },
	{ .key = "created_at", .header = "提交时间", .kind = EXP_TIME },
	{ .key = "decided_at", .header = "审批时间", .kind = EXP_TIME },
	{ .key = "note", .header = "说明" },
	{ 0 }
};

static int
list_json(struct resp *rs, json_t *arr, int64_t total)
{
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)total));
}

/* ?name=0|1 into *out (-1 when absent). */
static int
query_flag(const struct req *rq, const char *name, int *out, struct err *e)
{
	int64_t v = -1;

	if (req_query_i64(rq, name, 0, 1, &v, e))
		return e->code;
	*out = (int)v;
	return 0;
}

/* ---------- items ---------- */

/* GET /supply-items?q=&category=&active=&low=1&barcode=&page=&per_page= */
int
sup_api_items(struct req *rq, struct resp *rs, struct err *e)
{
	struct item_filter f = { .active = -1 };
	struct supply_item *items;
	struct page pg;
	int64_t total = 0;
	size_t n = 0;
	int low = 0;
	json_t *arr;

	if (req_page(rq, &pg, e) || query_flag(rq, "active", &f.active, e) ||
	    query_flag(rq, "low", &low, e))
		return e->code;
	f.low = low == 1;
	f.q = req_query(rq, "q");
	f.category = req_query(rq, "category");
	f.barcode = req_query(rq, "barcode");
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (sup_item_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, sup_item_json(&items[i]));
	return list_json(rs, arr, total);
}

int
sup_api_item_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct item_in in = { .active = 1 };
	struct supply_item it;

	if (req_json_fields(rq, sup_item_fields, &in, NULL, e) ||
	    sup_item_create(rq->db, rq->arena, rq->user, &in, &it, e))
		return e->code;
	return resp_json(rs, 201, sup_item_json(&it));
}

int
sup_api_item_update(struct req *rq, struct resp *rs, struct err *e)
{
	struct item_in in = { .active = 1 };
	struct supply_item it;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, sup_item_put_fields, &in, NULL, e) ||
	    sup_item_update(rq->db, rq->arena, rq->user, id, &in, &it, e))
		return e->code;
	return resp_json(rs, 200, sup_item_json(&it));
}

static json_t *
sum_json(const struct ledger_sum *s)
{
	return json_pack("{sI sI}", "qty", (json_int_t)s->qty, "value_fen", (json_int_t)s->value_fen);
}

static json_t *
bound_json(int64_t ms)
{
	return ms ? jtime(ms) : json_null();
}

/* GET /supply-items/:id/ledger?from=&to=&page=&per_page= */
int
sup_api_item_ledger(struct req *rq, struct resp *rs, struct err *e)
{
	struct supply_item it;
	struct ledger l;
	struct page pg;
	int64_t id, from = 0, to = 0;
	json_t *arr;

	if (req_path_id(rq, 0, &id, e) || req_time_range(rq, &from, &to, e) ||
	    req_page(rq, &pg, e) || sup_item_get(rq->db, rq->arena, rq->user, id, &it, e) ||
	    sup_ledger(rq->db, rq->arena, rq->user, id, from, to, pg.per_page, pg.offset, &l, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < l.n; i++)
		json_array_append_new(arr, sup_ledger_row_json(&l.rows[i]));
	return resp_json(rs, 200, json_pack("{so so so so so so so so sI}", "item",
					    sup_item_json(&it), "from", bound_json(from), "to",
					    bound_json(to), "opening", sum_json(&l.opening), "in",
					    sum_json(&l.in), "out", sum_json(&l.out), "closing",
					    sum_json(&l.closing), "items", arr, "total",
					    (json_int_t)l.total));
}

/* POST /supply-items/:id/writeoffs {reason: scrap|loss, qty, note}: one stock_out. */
int
sup_api_writeoff(struct req *rq, struct resp *rs, struct err *e)
{
	struct writeoff_in in = { 0 };
	struct stock_move_in mv = { 0 };
	struct stock_move out;
	struct supply_item it;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, sup_writeoff_fields, &in, NULL, e) ||
	    sup_item_get(rq->db, rq->arena, rq->user, id, &it, e))
		return e->code;
	mv.item_id = id;
	mv.reason = in.reason;
	mv.qty = in.qty;
	mv.note = in.note;
	if (stock_out(rq->db, rq->user, &mv, &out, e))
		return e->code;
	return resp_json(rs, 201, json_pack("{sI sI ss sI sI sI sI sI}", "id", (json_int_t)out.id,
					    "item_id", (json_int_t)id, "reason", in.reason, "qty",
					    (json_int_t)out.qty, "unit_cost_fen",
					    (json_int_t)out.unit_cost_fen, "amount_fen",
					    (json_int_t)out.amount_fen, "balance_qty",
					    (json_int_t)out.balance_qty, "balance_value_fen",
					    (json_int_t)out.balance_value_fen));
}

/* ---------- suppliers ---------- */

/* GET /suppliers?q=&active=&designated=&page=&per_page= */
int
sup_api_suppliers(struct req *rq, struct resp *rs, struct err *e)
{
	struct supplier_filter f = { .active = -1, .designated = -1 };
	struct supplier *items;
	struct page pg;
	int64_t total = 0;
	size_t n = 0;
	json_t *arr;

	if (req_page(rq, &pg, e) || query_flag(rq, "active", &f.active, e) ||
	    query_flag(rq, "designated", &f.designated, e))
		return e->code;
	f.q = req_query(rq, "q");
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (sup_supplier_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, sup_supplier_json(&items[i]));
	return list_json(rs, arr, total);
}

int
sup_api_supplier_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct supplier_in in = { .active = 1 };
	struct supplier s;

	if (req_json_fields(rq, sup_supplier_fields, &in, NULL, e) ||
	    sup_supplier_create(rq->db, rq->arena, rq->user, &in, &s, e))
		return e->code;
	return resp_json(rs, 201, sup_supplier_json(&s));
}

int
sup_api_supplier_update(struct req *rq, struct resp *rs, struct err *e)
{
	struct supplier_in in = { .active = 1 };
	struct supplier s;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) ||
	    req_json_fields(rq, sup_supplier_put_fields, &in, NULL, e) ||
	    sup_supplier_update(rq->db, rq->arena, rq->user, id, &in, &s, e))
		return e->code;
	return resp_json(rs, 200, sup_supplier_json(&s));
}

/* ---------- stocktakes ---------- */

/* GET /stocktakes?status=&page=&per_page= */
int
sup_api_stocktakes(struct req *rq, struct resp *rs, struct err *e)
{
	const char *status = req_query(rq, "status");
	struct stocktake *items;
	struct page pg;
	int64_t total = 0;
	size_t n = 0;
	json_t *arr;

	if (status && status[0] && !val_in(status, st_status_codes))
		return err_setx(e, ERR_INVALID, "invalid", "status", "取值无效");
	if (req_page(rq, &pg, e) || stocktake_list(rq->db, rq->arena, rq->user, status,
						   pg.per_page, pg.offset, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, stocktake_json(&items[i]));
	return list_json(rs, arr, total);
}

int
sup_api_stocktake(struct req *rq, struct resp *rs, struct err *e)
{
	struct stocktake s;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || stocktake_get(rq->db, rq->arena, rq->user, id, &s, e))
		return e->code;
	return resp_json(rs, 200, stocktake_json(&s));
}

/* lines: [{item_id, counted_qty}]; a bad shape is a field message on lines[i]. */
static int
lines_in(struct arena *a, const json_t *arr, struct stocktake_line_in **out, size_t *n,
	 struct err *e)
{
	size_t len = json_array_size(arr);
	struct stocktake_line_in *v;

	if (!json_is_array(arr) || len == 0 || len > STOCKTAKE_LINES_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "lines", "盘点物品应为 1 至 %d 项",
				STOCKTAKE_LINES_MAX);
	v = arena_alloc(a, len * sizeof(*v));
	if (!v)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	err_clear(e);
	for (size_t i = 0; i < len; i++) {
		const json_t *o = json_array_get(arr, i);
		const json_t *item = json_object_get(o, "item_id");
		const json_t *qty = json_object_get(o, "counted_qty");

		v[i].item_id = json_is_integer(item) ? json_integer_value(item) : 0;
		v[i].counted_qty = json_is_integer(qty) ? json_integer_value(qty) : -1;
		if (v[i].item_id <= 0)
			err_field(e, arena_printf(a, "lines[%zu].item_id", i), "请选择物品");
		if (!json_is_integer(qty))
			err_field(e, arena_printf(a, "lines[%zu].counted_qty", i), "请填写盘点数量");
	}
	*out = v;
	*n = len;
	return err_fields_done(e);
}

int
sup_api_stocktake_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct stocktake_body body = { 0 };
	struct stocktake_line_in *lines = NULL;
	struct stocktake s;
	size_t n = 0;

	if (req_json_fields(rq, sup_stocktake_fields, &body, NULL, e) ||
	    lines_in(rq->arena, body.lines, &lines, &n, e) ||
	    stocktake_create(rq->db, rq->arena, rq->user, body.note, lines, n, &s, e))
		return e->code;
	return resp_json(rs, 201, stocktake_json(&s));
}
