/*
** modules/vehicles/flags_api.c: HTTP handlers for the supervisor's flags
** (flags.h); vehicles_api.c's route table lists them. Thin: parse -> flags*.c
** -> encode.
*/
#include "modules/vehicles/flags.h"
#include "http/router.h"
#include "core/err.h"
#include "core/export.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"

#include <stddef.h>
#include <stdint.h>

struct review_body {
	const char *note;
};

const struct field flag_review_fields[] = {
	{ .name = "note", .type = F_STR, .required = 1, .max = FLAG_NOTE_MAX,
	  .off = offsetof(struct review_body, note) },
	{ 0 }
};

static const char *const kind_labels[] = { "超时还车", "超出预计里程", "里程不明增加",
					   "非工作日未经批准用车", "封存期间动车", "无出车记录加油",
					   "加油超过油箱容量", NULL };
const struct export_col flag_cols[] = {
	{ .key = "occurred_at", .header = "发生时间", .kind = EXP_TIME },
	{ .key = "kind", .header = "异常类型", .codes = flag_kind_codes, .labels = kind_labels },
	{ .key = "plate", .header = "车牌" },
	{ .key = "driver_name", .header = "驾驶员" },
	{ .key = "trip_code", .header = "用车单号" },
	{ .key = "summary", .header = "情况" },
	{ .key = "reviewed_at", .header = "核查时间", .kind = EXP_TIME },
	{ .key = "reviewed_by_name", .header = "核查人" },
	{ .key = "review_note", .header = "核查情况" },
	{ 0 }
};

static int
read_filter(struct req *rq, struct flag_filter *f, struct err *e)
{
	int64_t reviewed = -1;
	struct page pg;

	f->kind = req_query(rq, "kind");
	if (f->kind && !f->kind[0])
		f->kind = NULL;
	if (f->kind && !val_in(f->kind, flag_kind_codes))
		return err_setx(e, ERR_INVALID, "invalid", "kind", "异常类型无效");
	if (req_page(rq, &pg, e) || req_query_i64(rq, "vehicle_id", 1, INT64_MAX, &f->vehicle_id, e) ||
	    req_query_i64(rq, "driver_id", 1, INT64_MAX, &f->driver_id, e) ||
	    req_query_i64(rq, "reviewed", 0, 1, &reviewed, e) ||
	    req_time_range(rq, &f->from, &f->to, e))
		return e->code;
	f->reviewed = (int)reviewed;
	f->limit = pg.per_page;
	f->offset = pg.offset;
	return 0;
}

/* GET /trip-flags?kind=&vehicle_id=&driver_id=&from=&to=&reviewed=0|1&page=&per_page= */
int
flag_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct flag_filter f = { 0 };
	struct trip_flag *items;
	int64_t total;
	json_t *arr;
	size_t n;

	if (read_filter(rq, &f, e) ||
	    flag_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, flag_json(rq->arena, &items[i]));
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)total));
}

/* POST /trip-flags/:id/review {note} */
int
flag_api_review(struct req *rq, struct resp *rs, struct err *e)
{
	struct review_body b = { 0 };
	struct trip_flag f;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, flag_review_fields, &b, NULL, e) ||
	    flag_review(rq->db, rq->arena, rq->user, id, b.note, &f, e))
		return e->code;
	return resp_json(rs, 200, flag_json(rq->arena, &f));
}
