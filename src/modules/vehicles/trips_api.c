/*
** modules/vehicles/trips_api.c: HTTP handlers for 用车申请 (trips.h). Thin:
** parse -> trips*.c -> encode; vehicles_api.c's route table lists them.
*/
#include "modules/vehicles/trips_api.h"
#include "modules/vehicles/trips.h"
#include "http/router.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/export.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"

#include <stddef.h>
#include <stdint.h>

/* POST /trips: the request, and the colleagues riding along (checked in trips_riders.c) */
struct trip_body {
	struct trip_in in;
	const json_t *passenger_ids;
};

const struct field trip_fields[] = {
	{ .name = "purpose", .type = F_STR, .required = 1, .max = TRIP_TEXT_MAX,
	  .off = offsetof(struct trip_body, in.purpose) },
	{ .name = "destination", .type = F_STR, .required = 1, .max = TRIP_TEXT_MAX,
	  .off = offsetof(struct trip_body, in.destination) },
	{ .name = "out_of_city", .type = F_BOOL, .off = offsetof(struct trip_body, in.out_of_city) },
	{ .name = "passengers", .type = F_INT, .required = 1, .min = 1, .max = TRIP_PASSENGERS_MAX,
	  .off = offsetof(struct trip_body, in.passengers) },
	{ .name = "passenger_names", .type = F_STR, .max = TRIP_TEXT_MAX,
	  .off = offsetof(struct trip_body, in.passenger_names) },
	{ .name = "passenger_ids", .type = F_JSON, .off = offsetof(struct trip_body, passenger_ids) },
	{ .name = "start_at", .type = F_TIME, .required = 1,
	  .off = offsetof(struct trip_body, in.start_at) },
	{ .name = "end_at", .type = F_TIME, .required = 1, .off = offsetof(struct trip_body, in.end_at) },
	{ .name = "est_km", .type = F_INT, .min = 0, .max = TRIP_KM_MAX,
	  .off = offsetof(struct trip_body, in.est_km) },
	{ 0 }
};

struct dispatch_body {
	int64_t vehicle_id, driver_id;
};

const struct field trip_dispatch_fields[] = {
	{ .name = "vehicle_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct dispatch_body, vehicle_id) },
	{ .name = "driver_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct dispatch_body, driver_id) },
	{ 0 }
};

const struct field trip_depart_fields[] = {
	{ .name = "odometer_km", .type = F_INT, .required = 1, .min = 0, .max = 9999999,
	  .off = offsetof(struct trip_log_in, odometer_km) },
	{ 0 }
};

const struct field trip_return_fields[] = {
	{ .name = "odometer_km", .type = F_INT, .required = 1, .min = 0, .max = 9999999,
	  .off = offsetof(struct trip_log_in, odometer_km) },
	{ .name = "fuel_litres_x100", .type = F_INT, .min = 0, .max = 1000000,
	  .off = offsetof(struct trip_log_in, fuel_litres_x100) },
	{ .name = "tolls_fen", .type = F_INT, .min = 0, .max = 100000000,
	  .off = offsetof(struct trip_log_in, tolls_fen) },
	{ .name = "parking_fen", .type = F_INT, .min = 0, .max = 100000000,
	  .off = offsetof(struct trip_log_in, parking_fen) },
	{ 0 }
};

struct rate_body {
	int64_t rating;
	const char *comment;
};

const struct field trip_rate_fields[] = {
	{ .name = "rating", .type = F_INT, .required = 1, .min = 1, .max = 5,
	  .off = offsetof(struct rate_body, rating) },
	{ .name = "comment", .type = F_STR, .max = TRIP_TEXT_MAX,
	  .off = offsetof(struct rate_body, comment) },
	{ 0 }
};

struct cancel_body {
	const char *reason;
};

const struct field trip_cancel_fields[] = {
	{ .name = "reason", .type = F_STR, .max = TRIP_TEXT_MAX,
	  .off = offsetof(struct cancel_body, reason) },
	{ 0 }
};

static const char *const status_labels[] = { "待审批", "待派车", "已驳回", "已派车", "出车中",
					     "已还车", "已完成", "已取消", NULL };
const struct export_col trip_cols[] = {
	{ .key = "code", .header = "用车单号" },
	{ .key = "status", .header = "状态", .codes = trip_status_codes, .labels = status_labels },
	{ .key = "requester_name", .header = "申请人" },
	{ .key = "department_name", .header = "部门" },
	{ .key = "purpose", .header = "事由" },
	{ .key = "destination", .header = "目的地" },
	{ .key = "passengers", .header = "人数" },
	{ .key = "start_at", .header = "出发时间", .kind = EXP_TIME },
	{ .key = "end_at", .header = "返回时间", .kind = EXP_TIME },
	{ .key = "plate", .header = "车牌" },
	{ .key = "driver_name", .header = "驾驶员" },
	{ .key = "est_km", .header = "预计里程（公里）" },
	{ 0 }
};

/* The trip as who now sees it (after a move: its new status and can). */
static int
answer(struct req *rq, struct resp *rs, int64_t id, struct err *e)
{
	struct trip t;

	if (trip_get(rq->db, rq->arena, rq->user, id, &t, e))
		return e->code;
	return resp_json(rs, 200, trip_detail_json(&t));
}

/* passenger_ids: absent, null or up to TRIP_PASSENGERS_MAX user ids (their owner: trips_riders.c) */
static int
rider_ids(struct arena *a, const json_t *arr, struct trip_in *in, struct err *e)
{
	size_t n = json_array_size(arr);
	int64_t *ids;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || n > TRIP_PASSENGERS_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "passenger_ids", "应为最多 %d 个乘车人编号",
				TRIP_PASSENGERS_MAX);
	ids = arena_array(a, n ? n : 1, sizeof(*ids));
	if (!ids)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_array_get(arr, i);

		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_setx(e, ERR_INVALID, "invalid", "passenger_ids",
					"第 %zu 个乘车人编号无效", i + 1);
		ids[i] = json_integer_value(v);
	}
	in->passenger_ids = ids;
	in->npassenger_ids = n;
	return 0;
}

/* POST /trips */
int
trip_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct trip_body b = { 0 };
	struct trip t;

	if (req_json_fields(rq, trip_fields, &b, NULL, e) ||
	    rider_ids(rq->arena, b.passenger_ids, &b.in, e) ||
	    trip_create(rq->db, rq->arena, rq->user, &b.in, &t, e))
		return e->code;
	return resp_json(rs, 201, json_pack("{sI ss ss sI}", "id", (json_int_t)t.id, "code", t.code,
					    "status", t.status, "approval_id",
					    (json_int_t)t.approval_id));
}

/* GET /trips?status=&mine=1&tasks=1&department_id=&from=&to=&q=&page=&per_page= (tasks: a
 * driver's dispatched and running trips, the 工作台's trips_my_tasks) */
int
trip_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct trip_filter f = { .status = req_query(rq, "status"), .q = req_query(rq, "q") };
	int64_t mine = 0, tasks = 0, total;
	struct trip *items;
	struct page pg;
	json_t *arr;
	size_t n;

	if (f.status && !f.status[0])
		f.status = NULL;
	if (f.status && !val_in(f.status, trip_status_codes))
		return err_setx(e, ERR_INVALID, "invalid", "status", "状态无效");
	if (req_page(rq, &pg, e) || req_query_i64(rq, "mine", 0, 1, &mine, e) ||
	    req_query_i64(rq, "tasks", 0, 1, &tasks, e) ||
	    req_query_i64(rq, "department_id", 1, INT64_MAX, &f.department_id, e) ||
	    req_time_range(rq, &f.from, &f.to, e))
		return e->code;
	f.mine = (int)mine;
	f.driver_id = tasks ? rq->user->id : 0;
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (trip_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, trip_json(&items[i]));
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)total));
}

int
trip_api_get(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t id;

	return req_path_id(rq, 0, &id, e) || answer(rq, rs, id, e) ? e->code : 0;
}

int
trip_api_dispatch(struct req *rq, struct resp *rs, struct err *e)
{
	struct dispatch_body b = { 0 };
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, trip_dispatch_fields, &b, NULL, e) ||
	    trip_dispatch(rq->db, rq->arena, rq->user, id, b.vehicle_id, b.driver_id, e))
		return e->code;
	return answer(rq, rs, id, e);
}

int
trip_api_depart(struct req *rq, struct resp *rs, struct err *e)
{
	struct trip_log_in in = { 0 };
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, trip_depart_fields, &in, NULL, e) ||
	    trip_depart(rq->db, rq->arena, rq->user, id, in.odometer_km, e))
		return e->code;
	return answer(rq, rs, id, e);
}

int
trip_api_return(struct req *rq, struct resp *rs, struct err *e)
{
	struct trip_log_in in = { 0 };
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, trip_return_fields, &in, NULL, e) ||
	    trip_return(rq->db, rq->arena, rq->user, id, &in, e))
		return e->code;
	return answer(rq, rs, id, e);
}

int
trip_api_rate(struct req *rq, struct resp *rs, struct err *e)
{
	struct rate_body b = { 0 };
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, trip_rate_fields, &b, NULL, e) ||
	    trip_rate(rq->db, rq->arena, rq->user, id, b.rating, b.comment, e))
		return e->code;
	return answer(rq, rs, id, e);
}

int
trip_api_cancel(struct req *rq, struct resp *rs, struct err *e)
{
	struct cancel_body b = { 0 };
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, trip_cancel_fields, &b, NULL, e) ||
	    trip_cancel(rq->db, rq->arena, rq->user, id, b.reason, e))
		return e->code;
	return answer(rq, rs, id, e);
}
