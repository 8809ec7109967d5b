/*
** modules/budget/claims_api.c: HTTP handlers for 报销单 and 差旅标准. Thin:
** parse and validate -> claims*.c -> encode. The items and the trip are read
** by hand so that each bad value names its place ("items[2].amount_fen").
*/
#include "http/router.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/err.h"
#include "core/export.h"
#include "core/json.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/budget/budget.h"
#include "modules/budget/claims_int.h"

#include <stddef.h>
#include <string.h>

struct claim_body {
	const char *title, *over_reason;
	const json_t *items, *attachment_ids, *trip;
};

const struct field claim_fields[] = {
	{ .name = "title", .type = F_STR, .max = CLAIM_TEXT_MAX,
	  .off = offsetof(struct claim_body, title) },
	{ .name = "items", .type = F_JSON, .required = 1,
	  .off = offsetof(struct claim_body, items) },
	{ .name = "attachment_ids", .type = F_JSON,
	  .off = offsetof(struct claim_body, attachment_ids) },
	{ .name = "trip", .type = F_JSON, .off = offsetof(struct claim_body, trip) },
	{ .name = "over_reason", .type = F_STR, .max = CLAIM_REASON_MAX,
	  .off = offsetof(struct claim_body, over_reason) },
	{ 0 }
};

const struct field claim_pay_fields[] = {
	{ .name = "voucher_no", .type = F_STR, .required = 1, .max = CLAIM_VOUCHER_MAX,
	  .off = offsetof(struct claim_pay_in, voucher_no) },
	{ .name = "paid_on", .type = F_STR, .max = 10, .off = offsetof(struct claim_pay_in, paid_on) },
	{ 0 }
};

const struct field claim_std_fields[] = {
	{ .name = "city", .type = F_STR, .required = 1, .max = 32,
	  .off = offsetof(struct claim_std_in, city) },
	{ .name = "rank", .type = F_ENUM, .required = 1, .enums = claim_ranks,
	  .off = offsetof(struct claim_std_in, rank) },
	{ .name = "lodging_fen", .type = F_INT, .required = 1, .min = 0, .max = 10000000,
	  .off = offsetof(struct claim_std_in, lodging_fen) },
	{ .name = "meal_fen", .type = F_INT, .required = 1, .min = 0, .max = 10000000,
	  .off = offsetof(struct claim_std_in, meal_fen) },
	{ .name = "transport_fen", .type = F_INT, .required = 1, .min = 0, .max = 10000000,
	  .off = offsetof(struct claim_std_in, transport_fen) },
	{ .name = "valid_from", .type = F_STR, .required = 1, .max = 10,
	  .off = offsetof(struct claim_std_in, valid_from) },
	{ .name = "valid_to", .type = F_STR, .max = 10, .off = offsetof(struct claim_std_in, valid_to) },
	{ 0 }
};

static const char *const status_labels[] = { "审批中", "待支付", "已退回", "已撤回", "已支付", NULL };
const struct export_col claim_cols[] = {
	{ .key = "code", .header = "报销单号" },
	{ .key = "title", .header = "事由" },
	{ .key = "status", .header = "状态", .codes = claim_status_codes, .labels = status_labels },
	{ .key = "requester_name", .header = "报销人" },
	{ .key = "department_name", .header = "部门" },
	{ .key = "total_fen", .header = "金额（元）", .kind = EXP_FEN },
	{ .key = "over_standard_fen", .header = "超标准（元）", .kind = EXP_FEN },
	{ .key = "created_at", .header = "提交时间", .kind = EXP_TIME },
	{ .key = "paid_on", .header = "支付日期" },
	{ .key = "voucher_no", .header = "凭证号" },
	{ 0 }
};

static const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* One item object; bad types are field messages on items[i].*. */
static void
item_in(const json_t *o, size_t i, struct claim_item_in *it, struct err *e)
{
	const json_t *amount = json_object_get(o, "amount_fen");

	if (!json_is_object(o)) {
		err_field(e, claim_item_field(i, 0), "应为对象");
		return;
	}
	it->class_code = jstr(o, "class_code");
	it->description = jstr(o, "description");
	it->kind = jstr(o, "kind");
	if (!json_is_integer(amount))
		err_field(e, claim_item_field(i, 1), "金额应为整数（分）");
	else
		it->amount_fen = json_integer_value(amount);
}

static void
trip_in(const json_t *o, struct claim_in *in, struct err *e)
{
	if (!o || json_is_null(o))
		return;
	if (!json_is_object(o)) {
		err_field(e, "trip", "应为对象");
		return;
	}
	in->has_trip = 1;
	in->trip.city = jstr(o, "city");
	in->trip.rank = jstr(o, "rank");
	if (cal_parse_date(jstr(o, "start_date"), &in->trip.start))
		err_field(e, "trip.start_date", "日期应为 YYYY-MM-DD");
	if (cal_parse_date(jstr(o, "end_date"), &in->trip.end))
		err_field(e, "trip.end_date", "日期应为 YYYY-MM-DD");
}

static void
ids_in(struct arena *a, const json_t *arr, struct claim_in *in, struct err *e)
{
	size_t n = json_array_size(arr);

	if (!arr || json_is_null(arr))
		return;
	if (!json_is_array(arr) || n > CLAIM_ATTACH_MAX) {
		err_field(e, "attachment_ids", "应为最多 %d 个附件编号", CLAIM_ATTACH_MAX);
		return;
	}
	in->attachment_ids = arena_array(a, n ? n : 1, sizeof(int64_t));
	for (size_t i = 0; in->attachment_ids && i < n; i++) {
		const json_t *v = json_array_get(arr, i);
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			err_field(e, "attachment_ids", "第 %zu 个编号无效", i + 1);
			return;
		}
		in->attachment_ids[in->nattach++] = json_integer_value(v);
	}
}

static int
claim_in_parse(struct req *rq, struct claim_in *in, struct err *e)
{
	struct claim_body b = { 0 };
	size_t n;

	memset(in, 0, sizeof(*in));
	if (req_json_fields(rq, claim_fields, &b, NULL, e))
		return e->code;
	n = json_array_size(b.items);
	in->items = arena_array(rq->arena, n ? n : 1, sizeof(*in->items));
	if (!in->items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (!json_is_array(b.items) || n > CLAIM_ITEMS_MAX)
		err_field(e, "items", "应为 1 到 %d 项明细", CLAIM_ITEMS_MAX);
	for (in->nitems = 0; json_is_array(b.items) && in->nitems < n; in->nitems++)
		item_in(json_array_get(b.items, in->nitems), in->nitems, &in->items[in->nitems], e);
	trip_in(b.trip, in, e);
	ids_in(rq->arena, b.attachment_ids, in, e);
	in->title = b.title;
	in->over_reason = b.over_reason;
	return err_fields_done(e);
}

static int
list_json(struct resp *rs, json_t *arr, int64_t total)
{
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)total));
}

/* POST /expense-claims */
int
claim_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct claim_in in;
	struct claim c;

	if (claim_in_parse(rq, &in, e) || claim_create(rq->db, rq->arena, rq->user, &in, &c, e))
		return e->code;
	return resp_json(rs, 201, json_pack("{sI ss ss sI}", "id", (json_int_t)c.id, "code", c.code,
					    "status", c.status, "approval_id",
					    (json_int_t)c.approval_id));
}

/* POST /expense-claims/preview: the same checks and figures, nothing written. */
int
claim_api_preview(struct req *rq, struct resp *rs, struct err *e)
{
	struct claim_preview p;
	struct claim_in in;

	if (claim_in_parse(rq, &in, e) || claim_preview(rq->db, rq->arena, rq->user, &in, &p, e))
		return e->code;
	return resp_json(rs, 200, claim_preview_json(&p));
}

/* GET /expense-claims?status=&mine=1&department_id=&from=&to=&q=&page=&per_page= */
int
claim_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct claim_filter f = { .status = req_query(rq, "status"), .q = req_query(rq, "q") };
	int64_t mine = 0, total;
	struct claim *items;
	struct page pg;
	json_t *arr;
	size_t n;

	if (f.status && !f.status[0])
		f.status = NULL;
	if (f.status && !val_in(f.status, claim_status_codes))
		return err_setx(e, ERR_INVALID, "invalid", "status", "状态无效");
	if (req_page(rq, &pg, e) || req_query_i64(rq, "mine", 0, 1, &mine, e) ||
	    req_query_i64(rq, "department_id", 1, INT64_MAX, &f.department_id, e) ||
	    req_time_range(rq, &f.from, &f.to, e))
		return e->code;
	f.mine = (int)mine;
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (claim_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, claim_json(&items[i]));
	return list_json(rs, arr, total);
}

int
claim_api_get(struct req *rq, struct resp *rs, struct err *e)
{
	struct claim c;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || claim_get(rq->db, rq->arena, rq->user, id, &c, e))
		return e->code;
	return resp_json(rs, 200, claim_detail_json(&c));
}

int
claim_api_pay(struct req *rq, struct resp *rs, struct err *e)
{
	struct claim_pay_in in = { 0 };
	struct claim c;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, claim_pay_fields, &in, NULL, e) ||
	    claim_pay(rq->db, rq->arena, rq->user, id, &in, &c, e) ||
	    claim_get(rq->db, rq->arena, rq->user, id, &c, e))
		return e->code;
	return resp_json(rs, 200, claim_detail_json(&c));
}

int
claim_api_withdraw(struct req *rq, struct resp *rs, struct err *e)
{
	struct claim c;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || claim_withdraw(rq->db, rq->arena, rq->user, id, &c, e))
		return e->code;
	return resp_json(rs, 200, claim_detail_json(&c));
}

int
claim_std_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct claim_std *items;
	json_t *arr;
	size_t n;

	if (claim_std_list(rq->db, rq->arena, rq->user->agency_id, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, claim_std_json(&items[i]));
	return list_json(rs, arr, (int64_t)n);
}

int
claim_std_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct claim_std_in in = { 0 };
	struct claim_std s;

	if (req_json_fields(rq, claim_std_fields, &in, NULL, e) ||
	    claim_std_create(rq->db, rq->arena, rq->user, &in, &s, e))
		return e->code;
	return resp_json(rs, 201, claim_std_json(&s));
}
