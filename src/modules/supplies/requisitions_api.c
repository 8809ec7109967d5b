/*
** modules/supplies/requisitions_api.c: HTTP handlers for 领用申请 and the
** departments' monthly quotas (requisitions.h). Thin: parse -> requisitions*.c
** / quotas.c -> encode; supplies_api.c's route table lists them.
*/
#include "modules/supplies/requisitions_api.h"
#include "modules/supplies/requisitions.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "http/req.h"
#include "http/resp.h"
#include "http/router.h"

#include <stddef.h>
#include <stdint.h>

struct reqn_body {
	const char *reason;
	const json_t *lines;
};

const struct field reqn_fields[] = {
	{ .name = "reason", .type = F_STR, .max = REQ_TEXT_MAX,
	  .off = offsetof(struct reqn_body, reason) },
	{ .name = "lines", .type = F_JSON, .required = 1, .off = offsetof(struct reqn_body, lines) },
	{ 0 }
};

const struct field reqn_issue_fields[] = {
	{ .name = "lines", .type = F_JSON, .required = 1, .off = offsetof(struct reqn_body, lines) },
	{ 0 }
};

struct cancel_body {
	const char *reason;
};

const struct field reqn_cancel_fields[] = {
	{ .name = "reason", .type = F_STR, .max = REQ_TEXT_MAX,
	  .off = offsetof(struct cancel_body, reason) },
	{ 0 }
};

struct quota_body {
	int64_t department_id, year, month, quota_fen, updated_at;
};

const struct field quota_fields[] = {
	{ .name = "department_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct quota_body, department_id) },
	{ .name = "year", .type = F_INT, .required = 1, .min = 2000, .max = 2100,
	  .off = offsetof(struct quota_body, year) },
	{ .name = "month", .type = F_INT, .required = 1, .min = 1, .max = 12,
	  .off = offsetof(struct quota_body, month) },
	/* -1: no quota for the month */
	{ .name = "quota_fen", .type = F_INT, .required = 1, .min = -1, .max = REQ_QUOTA_MAX,
	  .off = offsetof(struct quota_body, quota_fen) },
	FIELD_UPDATED_AT(struct quota_body, updated_at),
	{ 0 }
};

static const char *const status_labels[] = { "审批中", "待发放", "已驳回", "已撤回", "已发放",
					     "已领取", "已取消", NULL };
const struct export_col reqn_cols[] = {
	{ .key = "code", .header = "领用单号" },
	{ .key = "status", .header = "状态", .codes = reqn_status_codes, .labels = status_labels },
	{ .key = "requester_name", .header = "申请人" },
	{ .key = "department_name", .header = "部门" },
	{ .key = "reason", .header = "事由" },
	{ .key = "value_fen", .header = "申请金额（元）", .kind = EXP_FEN },
	{ .key = "issued_value_fen", .header = "已发放金额（元）", .kind = EXP_FEN },
	{ .key = "created_at", .header = "申请时间", .kind = EXP_TIME },
	{ .key = "issued_at", .header = "发放时间", .kind = EXP_TIME },
	{ .key = "received_at", .header = "领取时间", .kind = EXP_TIME },
	{ 0 }
};

const struct export_col quota_cols[] = {
	{ .key = "department_name", .header = "部门" },
	{ .key = "quota_fen", .header = "月限额（元）", .kind = EXP_FEN },
	{ .key = "issued_value_fen", .header = "本月已领用（元）", .kind = EXP_FEN },
	{ .key = "open_value_fen", .header = "待审批及待发放（元）", .kind = EXP_FEN },
	{ 0 }
};

/* lines [{item_id, qty[, reason]}] into the arena; bad shapes are fields on lines[i]. */
static int
lines_in(struct arena *a, const json_t *arr, struct reqn_line_in **out, size_t *n, struct err *e)
{
	size_t k = json_array_size(arr);

	*n = 0;
	if (!json_is_array(arr) || !k || k > REQ_LINES_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "lines", "请选择 1 至 %d 种物品",
				REQ_LINES_MAX);
	*out = arena_array(a, k, sizeof(**out));
	if (!*out)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < k; i++) {
		const json_t *o = json_array_get(arr, i), *id = json_object_get(o, "item_id"),
			     *qty = json_object_get(o, "qty"), *why = json_object_get(o, "reason");
		if (!json_is_integer(id))
			err_field(e, reqn_line_field(i, 0), "请选择物品");
		if (!json_is_integer(qty))
			err_field(e, reqn_line_field(i, 1), "数量应为整数");
		if (why && !json_is_null(why) && !json_is_string(why))
			err_field(e, reqn_line_field(i, 2), "用途应为文字");
		(*out)[i] = (struct reqn_line_in){ .item_id = json_integer_value(id),
						  .qty = json_integer_value(qty),
						  .reason = json_string_value(why) };
	}
	*n = k;
	return err_fields_done(e);
}

static int
answer(struct req *rq, struct resp *rs, int64_t id, struct err *e)
{
	struct requisition r;

	if (reqn_get(rq->db, rq->arena, rq->user, id, &r, e))
		return e->code;
	return resp_json(rs, 200, reqn_detail_json(&r));
}

/* POST /requisitions */
int
reqn_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct reqn_body b = { 0 };
	struct reqn_in in = { 0 };
	struct requisition r;

	if (req_json_fields(rq, reqn_fields, &b, NULL, e) ||
	    lines_in(rq->arena, b.lines, &in.lines, &in.nlines, e))
		return e->code;
	in.reason = b.reason;
	if (reqn_create(rq->db, rq->arena, rq->user, &in, &r, e))
		return e->code;
	return resp_json(rs, 201, json_pack("{sI ss ss sI sI}", "id", (json_int_t)r.id, "code",
					    r.code, "status", r.status, "approval_id",
					    (json_int_t)r.approval_id, "value_fen",
					    (json_int_t)r.value_fen));
}

/* GET /requisitions?status=&department_id=&mine=1&to_issue=1&from=&to=&page=&per_page= */
int
reqn_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct reqn_filter f = { .status = req_query(rq, "status") };
	int64_t mine = 0, to_issue = 0, total;
	struct requisition *items;
	struct page pg;
	json_t *arr;
	size_t n;

	if (f.status && !f.status[0])
		f.status = NULL;
	if (f.status && !val_in(f.status, reqn_status_codes))
		return err_setx(e, ERR_INVALID, "invalid", "status", "状态无效");
	if (req_page(rq, &pg, e) || req_query_i64(rq, "mine", 0, 1, &mine, e) ||
	    req_query_i64(rq, "to_issue", 0, 1, &to_issue, e) ||
	    req_query_i64(rq, "department_id", 1, INT64_MAX, &f.department_id, e) ||
	    req_time_range(rq, &f.from, &f.to, e))
		return e->code;
	f.mine = (int)mine;
	f.to_issue = (int)to_issue;
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (reqn_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, reqn_json(&items[i]));
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)total));
}

int
reqn_api_get(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t id;

	return req_path_id(rq, 0, &id, e) || answer(rq, rs, id, e) ? e->code : 0;
}

int
reqn_api_issue(struct req *rq, struct resp *rs, struct err *e)
{
	struct reqn_body b = { 0 };
	struct reqn_line_in *lines;
	size_t n;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, reqn_issue_fields, &b, NULL, e) ||
	    lines_in(rq->arena, b.lines, &lines, &n, e) ||
	    reqn_issue(rq->db, rq->arena, rq->user, id, lines, n, 0, e))
		return e->code;
	return answer(rq, rs, id, e);
}

int
reqn_api_receive(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || reqn_receive(rq->db, rq->arena, rq->user, id, e))
		return e->code;
	return answer(rq, rs, id, e);
}

int
reqn_api_withdraw(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || reqn_withdraw(rq->db, rq->arena, rq->user, id, e))
		return e->code;
	return answer(rq, rs, id, e);
}

int
reqn_api_cancel(struct req *rq, struct resp *rs, struct err *e)
{
	struct cancel_body b = { 0 };
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, reqn_cancel_fields, &b, NULL, e) ||
	    reqn_cancel(rq->db, rq->arena, rq->user, id, b.reason, e))
		return e->code;
	return answer(rq, rs, id, e);
}

/* GET /supply-quotas?year=&month= (default: this Shanghai month) */
int
quota_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	int today = cal_local_date(now_ms());
	int64_t year = today / 10000, month = today / 100 % 100;
	struct supply_quota *items;
	size_t n;

	if (req_query_i64(rq, "year", 2000, 2100, &year, e) ||
	    req_query_i64(rq, "month", 1, 12, &month, e) ||
	    quota_list(rq->db, rq->arena, rq->user, year, month, &items, &n, e))
		return e->code;
	/* as_of: the updated_at a first quota of a department is sent with */
	return resp_json(rs, 200, json_pack("{sI sI so sI so}", "year", (json_int_t)year, "month",
					    (json_int_t)month, "items",
					    quota_items_json(items, n, year, month), "total",
					    (json_int_t)n, "as_of", jtime(now_ms())));
}

static json_t *
one(json_t *arr)
{
	json_t *o = json_incref(json_array_get(arr, 0));

	json_decref(arr);
	return o;
}

/* PUT /supply-quotas {department_id, year, month, quota_fen, updated_at} */
int
quota_api_set(struct req *rq, struct resp *rs, struct err *e)
{
	struct quota_body b = { 0 };
	struct supply_quota *items;
	size_t n;

	if (req_json_fields(rq, quota_fields, &b, NULL, e) ||
	    quota_set(rq->db, rq->arena, rq->user, b.department_id, b.year, b.month, b.quota_fen,
		      b.updated_at, e) ||
	    quota_list(rq->db, rq->arena, rq->user, b.year, b.month, &items, &n, e))
		return e->code;
	for (size_t i = 0; i < n; i++)
		if (items[i].department_id == b.department_id)
			return resp_json(rs, 200, one(quota_items_json(&items[i], 1, b.year, b.month)));
	return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "部门不存在");
}
