/*
** modules/vehicles/seals_api.c: HTTP handlers of 节假日封存 (seals.h). Thin:
** parse -> seals*.c -> encode; vehicles_api.c's route table lists them.
*/
#include "modules/vehicles/seals.h"
#include "http/router.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/err.h"
#include "core/export.h"
#include "core/json.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"

#include <stddef.h>
#include <stdint.h>

struct seal_body {
	const json_t *vehicle_ids;
	const char *from, *to, *reason;
};

const struct field seal_fields[] = {
	{ .name = "vehicle_ids", .type = F_JSON, .off = offsetof(struct seal_body, vehicle_ids) },
	{ .name = "from", .type = F_STR, .required = 1, .max = 10,
	  .off = offsetof(struct seal_body, from) },
	{ .name = "to", .type = F_STR, .required = 1, .max = 10, .off = offsetof(struct seal_body, to) },
	{ .name = "reason", .type = F_STR, .required = 1, .max = SEAL_TEXT_MAX,
	  .off = offsetof(struct seal_body, reason) },
	{ 0 }
};

struct lift_body {
	const char *reason;
};

const struct field seal_lift_fields[] = {
	{ .name = "reason", .type = F_STR, .max = SEAL_TEXT_MAX,
	  .off = offsetof(struct lift_body, reason) },
	{ 0 }
};

struct override_body {
	int64_t vehicle_id;
	const char *reason;
};

const struct field seal_override_fields[] = {
	{ .name = "vehicle_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct override_body, vehicle_id) },
	{ .name = "reason", .type = F_STR, .required = 1, .max = SEAL_TEXT_MAX,
	  .off = offsetof(struct override_body, reason) },
	{ 0 }
};

const struct export_col seal_cols[] = {
	{ .key = "plate", .header = "车牌号" },
	{ .key = "from", .header = "封存开始", .kind = EXP_DATE },
	{ .key = "to", .header = "封存结束", .kind = EXP_DATE },
	{ .key = "reason", .header = "原因" },
	{ .key = "created_by_name", .header = "登记人" },
	{ .key = "created_at", .header = "登记时间", .kind = EXP_TIME },
	{ .key = "lifted_at", .header = "解除时间", .kind = EXP_TIME },
	{ .key = "lift_reason", .header = "解除原因" },
	{ 0 }
};

/* vehicle_ids: absent, null or [] (every vehicle) or up to SEAL_VEHICLES_MAX ids. */
static int
ids_in(struct arena *a, const json_t *arr, struct seal_in *in, struct err *e)
{
	size_t n = json_array_size(arr);
	int64_t *ids;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || n > SEAL_VEHICLES_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "vehicle_ids", "应为最多 %d 个车辆编号",
				SEAL_VEHICLES_MAX);
	ids = arena_array(a, n ? n : 1, sizeof(*ids));
	if (!ids)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_array_get(arr, i);

		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_setx(e, ERR_INVALID, "invalid", "vehicle_ids", "第 %zu 个车辆编号无效",
					i + 1);
		ids[i] = json_integer_value(v);
	}
	in->vehicle_ids = ids;
	in->nvehicles = n;
	return 0;
}

static json_t *
seals_array(const struct veh_seal *items, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, seal_json(&items[i]));
	return arr;
}

/* GET /vehicle-seals?vehicle_id=&active=0|1&from=&to=&page=&per_page= */
int
seal_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct seal_filter f = { .active = -1 };
	int64_t active = -1, from = 0, to = 0, total = 0;
	struct veh_seal *items;
	struct page pg;
	size_t n = 0;

	if (req_page(rq, &pg, e) ||
	    req_query_i64(rq, "vehicle_id", 1, INT64_MAX, &f.vehicle_id, e) ||
	    req_query_i64(rq, "active", 0, 1, &active, e) || req_time_range(rq, &from, &to, e))
		return e->code;
	f.active = (int)active;
	f.from_date = from ? cal_local_date(from) : 0;
	f.to_date = to ? cal_local_date(to - 1) : 0;
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (seal_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	return resp_json(rs, 200, json_pack("{so sI}", "items", seals_array(items, n), "total",
					    (json_int_t)total));
}

static json_t *
hits_array(const struct seal_hit *hits, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, json_pack("{sI ss sI ss so}", "trip_id",
						     (json_int_t)hits[i].trip_id, "code", hits[i].code,
						     "vehicle_id", (json_int_t)hits[i].vehicle_id,
						     "plate", hits[i].plate, "start_at",
						     jtime(hits[i].start_at)));
	return arr;
}

/* POST /vehicle-seals: the seals, and the trips already dispatched onto them (dispatched_trips) */
int
seal_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct seal_body b = { 0 };
	struct seal_in in = { 0 };
	struct veh_seal *items;
	struct seal_hit *hits;
	size_t n = 0, nhits = 0;

	if (req_json_fields(rq, seal_fields, &b, NULL, e) ||
	    ids_in(rq->arena, b.vehicle_ids, &in, e))
		return e->code;
	in.from = b.from;
	in.to = b.to;
	in.reason = b.reason;
	if (seal_create(rq->db, rq->arena, rq->user, &in, &items, &n, e) ||
	    seal_hits(rq->db, rq->arena, rq->user->agency_id, items, n, &hits, &nhits, e))
		return e->code;
	return resp_json(rs, 201, json_pack("{so so}", "items", seals_array(items, n),
					    "dispatched_trips", hits_array(hits, nhits)));
}

/* POST /vehicle-seals/:id/lift */
int
seal_api_lift(struct req *rq, struct resp *rs, struct err *e)
{
	struct lift_body b = { 0 };
	struct veh_seal s;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, seal_lift_fields, &b, NULL, e) ||
	    seal_lift(rq->db, rq->arena, rq->user, id, b.reason, &s, e))
		return e->code;
	return resp_json(rs, 200, seal_json(&s));
}

/* POST /trips/:id/seal-override */
int
seal_api_override(struct req *rq, struct resp *rs, struct err *e)
{
	struct override_body b = { 0 };
	struct seal_override o;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, seal_override_fields, &b, NULL, e) ||
	    seal_override_ask(rq->db, rq->arena, rq->user, id, b.vehicle_id, b.reason, &o, e))
		return e->code;
	return resp_json(rs, 201, json_pack("{sI sI ss}", "id", (json_int_t)o.id, "approval_id",
					    (json_int_t)o.approval_id, "status", o.status));
}
