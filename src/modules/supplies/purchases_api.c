/*
** modules/supplies/purchases_api.c: HTTP handlers for 采购 (purchases.h).
** Thin: parse and validate -> purchases*.c -> encode. Lines are read by hand
** so that each bad value names its place ("lines[2].qty").
*/
#include "modules/supplies/purchases.h"
#include "http/router.h"
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

struct po_body {
	const json_t *lines, *quote_ids;
	int64_t supplier_id;
	const char *class_code, *reason;
};

const struct field po_fields[] = {
	{ .name = "lines", .type = F_JSON, .required = 1, .off = offsetof(struct po_body, lines) },
	{ .name = "supplier_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct po_body, supplier_id) },
	{ .name = "quote_attachment_ids", .type = F_JSON,
	  .off = offsetof(struct po_body, quote_ids) },
	{ .name = "class_code", .type = F_ENUM, .enums = po_class_codes,
	  .off = offsetof(struct po_body, class_code) },
	{ .name = "reason", .type = F_STR, .max = PO_REASON_MAX,
	  .off = offsetof(struct po_body, reason) },
	{ 0 }
};

struct po_receive_body {
	const json_t *purchaser_ids, *lines;
	int64_t acceptor_id;
	const char *invoice_no;
};

const struct field po_receive_fields[] = {
	{ .name = "purchaser_ids", .type = F_JSON, .required = 1,
	  .off = offsetof(struct po_receive_body, purchaser_ids) },
	{ .name = "acceptor_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct po_receive_body, acceptor_id) },
	{ .name = "invoice_no", .type = F_STR, .required = 1, .max = PO_INVOICE_MAX,
	  .off = offsetof(struct po_receive_body, invoice_no) },
	{ .name = "lines", .type = F_JSON, .required = 1,
	  .off = offsetof(struct po_receive_body, lines) },
	{ 0 }
};

static const char *const status_labels[] = { "审批中", "已批准", "已退回", "已撤回", "已入库",
					     "已关闭", "已取消", NULL };
const struct export_col po_cols[] = {
	{ .key = "code", .header = "采购单号" },
	{ .key = "status", .header = "状态", .codes = po_status_codes, .labels = status_labels },
	{ .key = "supplier_name", .header = "供应商" },
	{ .key = "class_code", .header = "支出分类" },
	{ .key = "total_fen", .header = "金额（元）", .kind = EXP_FEN },
	{ .key = "received_fen", .header = "入库金额（元）", .kind = EXP_FEN },
	{ .key = "requester_name", .header = "申请人" },
	{ .key = "invoice_no", .header = "发票号" },
	{ .key = "created_at", .header = "提交时间", .kind = EXP_TIME },
	{ .key = "received_at", .header = "入库时间", .kind = EXP_TIME },
	{ 0 }
};

/* An integer member of a line object (0 and a field message when it is not one). */
static int64_t
int_at(const json_t *o, const char *key, size_t i, int which, struct err *e)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v)) {
		err_field(e, po_line_field(i, which), "应为整数");
		return 0;
	}
	return json_integer_value(v);
}

/* lines as [{item_id, qty, unit_price_fen}] into n triples. */
static int64_t *
lines_in(struct arena *a, const json_t *arr, size_t *n, struct err *e)
{
	int64_t *v;

	*n = json_array_size(arr);
	v = arena_array(a, *n ? *n * 3 : 1, sizeof(*v));
	if (!json_is_array(arr) || *n > PO_LINES_MAX) {
		err_field(e, "lines", "应为 1 到 %d 项明细", PO_LINES_MAX);
		*n = 0;
	}
	for (size_t i = 0; v && i < *n; i++) {
		const json_t *o = json_array_get(arr, i);

		if (!json_is_object(o)) {
			err_field(e, po_line_field(i, 0), "应为对象");
			continue;
		}
		v[3 * i] = int_at(o, "item_id", i, 0, e);
		v[3 * i + 1] = int_at(o, "qty", i, 1, e);
		v[3 * i + 2] = int_at(o, "unit_price_fen", i, 2, e);
	}
	return v;
}

static int64_t *
ids_in(struct arena *a, const json_t *arr, const char *field, size_t max, size_t *n,
       struct err *e)
{
	int64_t *v;

	*n = 0;
	if (!arr || json_is_null(arr))
		return NULL;
	if (!json_is_array(arr) || json_array_size(arr) > max) {
		err_field(e, field, "应为最多 %zu 个编号", max);
		return NULL;
	}
	v = arena_array(a, json_array_size(arr) + 1, sizeof(*v));
	for (size_t i = 0; v && i < json_array_size(arr); i++) {
		const json_t *x = json_array_get(arr, i);

		if (!json_is_integer(x) || json_integer_value(x) <= 0) {
			err_field(e, field, "第 %zu 个编号无效", i + 1);
			return NULL;
		}
		v[(*n)++] = json_integer_value(x);
	}
	return v;
}

static int
po_in_parse(struct req *rq, struct po_in *in, struct err *e)
{
	struct po_body b = { 0 };
	int64_t *v;

	memset(in, 0, sizeof(*in));
	if (req_json_fields(rq, po_fields, &b, NULL, e))
		return e->code;
	v = lines_in(rq->arena, b.lines, &in->nlines, e);
	in->lines = arena_array(rq->arena, in->nlines + 1, sizeof(*in->lines));
	if (!v || !in->lines)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < in->nlines; i++)
		in->lines[i] = (struct po_line_in){ v[3 * i], v[3 * i + 1], v[3 * i + 2] };
	in->quote_ids = ids_in(rq->arena, b.quote_ids, "quote_attachment_ids", PO_QUOTES_MAX,
			       &in->nquotes, e);
	in->supplier_id = b.supplier_id;
	in->class_code = b.class_code;
	in->reason = b.reason;
	return err_fields_done(e);
}

/* POST /purchase-orders */
int
po_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct purchase_order o;
	struct po_in in;

	if (po_in_parse(rq, &in, e) || po_create(rq->db, rq->arena, rq->user, &in, &o, e))
		return e->code;
	return resp_json(rs, 201, json_pack("{sI ss ss sI sI}", "id", (json_int_t)o.id, "code",
					    o.code, "status", o.status, "approval_id",
					    (json_int_t)o.approval_id, "total_fen",
					    (json_int_t)o.total_fen));
}

/* GET /purchase-orders?status=&supplier_id=&from=&to=&page=&per_page= */
int
po_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct po_filter f = { .status = req_query(rq, "status") };
	struct purchase_order *items;
	int64_t total;
	struct page pg;
	json_t *arr;
	size_t n;

	if (f.status && !f.status[0])
		f.status = NULL;
	if (f.status && !val_in(f.status, po_status_codes))
		return err_setx(e, ERR_INVALID, "invalid", "status", "状态无效");
	if (req_page(rq, &pg, e) ||
	    req_query_i64(rq, "supplier_id", 1, INT64_MAX, &f.supplier_id, e) ||
	    req_time_range(rq, &f.from, &f.to, e))
		return e->code;
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (po_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, po_json(&items[i]));
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)total));
}

static int
detail(struct req *rq, struct resp *rs, int64_t id, struct err *e)
{
	struct purchase_order o;

	if (po_get(rq->db, rq->arena, rq->user, id, &o, e))
		return e->code;
	return resp_json(rs, 200, po_detail_json(&o));
}

int
po_api_get(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t id;

	return req_path_id(rq, 0, &id, e) || detail(rq, rs, id, e) ? e->code : 0;
}

static int
receive_parse(struct req *rq, struct po_receive_in *in, struct err *e)
{
	struct po_receive_body b = { 0 };
	int64_t *v;

	memset(in, 0, sizeof(*in));
	if (req_json_fields(rq, po_receive_fields, &b, NULL, e))
		return e->code;
	v = lines_in(rq->arena, b.lines, &in->nlines, e);
	in->lines = arena_array(rq->arena, in->nlines + 1, sizeof(*in->lines));
	if (!v || !in->lines)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < in->nlines; i++)
		in->lines[i] = (struct po_receive_line){ v[3 * i], v[3 * i + 1], v[3 * i + 2] };
	in->purchaser_ids = ids_in(rq->arena, b.purchaser_ids, "purchaser_ids", PO_PURCHASERS_MAX,
				   &in->npurchasers, e);
	in->acceptor_id = b.acceptor_id;
	in->invoice_no = b.invoice_no;
	return err_fields_done(e);
}

/* POST /purchase-orders/:id/receive */
int
po_api_receive(struct req *rq, struct resp *rs, struct err *e)
{
	struct po_receive_in in;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || receive_parse(rq, &in, e) ||
	    po_receive(rq->db, rq->arena, rq->user, id, &in, e))
		return e->code;
	return detail(rq, rs, id, e);
}

int
po_api_close(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || po_close(rq->db, rq->arena, rq->user, id, e))
		return e->code;
	return detail(rq, rs, id, e);
}

int
po_api_cancel(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || po_cancel(rq->db, rq->arena, rq->user, id, e))
		return e->code;
	return detail(rq, rs, id, e);
}

/* GET /purchase-orders/suggestions */
int
po_api_suggestions(struct req *rq, struct resp *rs, struct err *e)
{
	struct po_suggestion *items;
	json_t *arr;
	size_t n;

	if (po_suggestions(rq->db, rq->arena, rq->user, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, po_suggestion_json(&items[i]));
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)n));
}

/* GET /purchase-orders/people */
int
po_api_people(struct req *rq, struct resp *rs, struct err *e)
{
	struct po_person *items;
	json_t *arr;
	size_t n;

	if (po_people(rq->db, rq->arena, rq->user, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, json_pack("{sI ss ss}", "id", (json_int_t)items[i].user_id,
						     "name", items[i].name, "department_name",
						     items[i].role));
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)n));
}
