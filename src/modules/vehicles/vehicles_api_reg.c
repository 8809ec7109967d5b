/*
** modules/vehicles/vehicles_api_reg.c: HTTP handlers of the registry part —
** vehicles, what is free in a window, drivers, a vehicle's bookings. Thin:
** parse and validate -> vehicles.c / drivers.c -> encode.
*/
#include "modules/vehicles/vehicles.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/booking.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/export.h"
#include "core/json.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"

#include <stddef.h>
#include <string.h>

#define VEH_FIELDS                                                                       \
	{ .name = "plate", .type = F_STR, .required = 1, .max = VEH_PLATE_MAX,            \
	  .off = offsetof(struct vehicle_in, plate) },                                    \
	{ .name = "brand", .type = F_STR, .required = 1, .max = VEH_TEXT_MAX,             \
	  .off = offsetof(struct vehicle_in, brand) },                                    \
	{ .name = "model", .type = F_STR, .required = 1, .max = VEH_TEXT_MAX,             \
	  .off = offsetof(struct vehicle_in, model) },                                    \
	{ .name = "seats", .type = F_INT, .required = 1, .min = 1, .max = VEH_SEATS_MAX,  \
	  .off = offsetof(struct vehicle_in, seats) },                                    \
	{ .name = "type", .type = F_ENUM, .required = 1, .enums = veh_type_codes,         \
	  .off = offsetof(struct vehicle_in, type) },                                     \
	{ .name = "energy", .type = F_ENUM, .required = 1, .enums = veh_energy_codes,     \
	  .off = offsetof(struct vehicle_in, energy) },                                   \
	{ .name = "status", .type = F_ENUM, .enums = veh_status_codes,                    \
	  .off = offsetof(struct vehicle_in, status) },                                   \
	{ .name = "tank_litres", .type = F_INT, .min = 0, .max = 1000,                    \
	  .off = offsetof(struct vehicle_in, tank_litres) },                              \
	{ .name = "battery_kwh", .type = F_INT, .min = 0, .max = 1000,                    \
	  .off = offsetof(struct vehicle_in, battery_kwh) },                              \
	{ .name = "department_id", .type = F_ID,                                          \
	  .off = offsetof(struct vehicle_in, department_id) },                            \
	{ .name = "odometer_km", .type = F_INT, .min = 0, .max = 9999999,                 \
	  .off = offsetof(struct vehicle_in, odometer_km) },                              \
	{ .name = "insurance_expiry", .type = F_STR, .max = 10,                           \
	  .off = offsetof(struct vehicle_in, insurance_expiry) },                         \
	{ .name = "inspection_due", .type = F_STR, .max = 10,                             \
	  .off = offsetof(struct vehicle_in, inspection_due) },                           \
	{ .name = "purchase_date", .type = F_STR, .max = 10,                              \
	  .off = offsetof(struct vehicle_in, purchase_date) },                            \
	{ .name = "price_fen", .type = F_INT, .min = 0, .max = (int64_t)1000000000000,    \
	  .off = offsetof(struct vehicle_in, price_fen) }

const struct field veh_fields[] = { VEH_FIELDS, { 0 } };
const struct field veh_put_fields[] = {
	VEH_FIELDS, FIELD_UPDATED_AT(struct vehicle_in, updated_at), { 0 }
};
const struct field drv_fields[] = {
	{ .name = "licence_class", .type = F_ENUM, .required = 1, .enums = veh_licence_codes,
	  .off = offsetof(struct driver_in, licence_class) },
	{ .name = "licence_expiry", .type = F_STR, .required = 1, .max = 10,
	  .off = offsetof(struct driver_in, licence_expiry) },
	/* required once the profile exists (drv_put), not for a worker's first one */
	{ .name = "updated_at", .type = F_TIME, .off = offsetof(struct driver_in, updated_at) },
	{ 0 }
};

static const char *const type_labels[] = { "轿车", "商务车", "越野车", "客车", NULL };
static const char *const energy_labels[] = { "汽油", "柴油", "新能源", NULL };
static const char *const status_labels[] = { "可用", "出车中", "维修保养", "封存", "报废", NULL };
const struct export_col veh_cols[] = {
	{ .key = "plate", .header = "车牌号" },
	{ .key = "brand", .header = "品牌" },
	{ .key = "model", .header = "型号" },
	{ .key = "type", .header = "类型", .codes = veh_type_codes, .labels = type_labels },
	{ .key = "energy", .header = "能源", .codes = veh_energy_codes, .labels = energy_labels },
	{ .key = "seats", .header = "座位数" },
	{ .key = "department_name", .header = "所属部门" },
	{ .key = "status", .header = "状态", .codes = veh_status_codes, .labels = status_labels },
	{ .key = "odometer_km", .header = "里程（公里）" },
	{ .key = "insurance_expiry", .header = "保险到期", .kind = EXP_DATE },
	{ .key = "inspection_due", .header = "年审到期", .kind = EXP_DATE },
	{ .key = "purchase_date", .header = "购置日期", .kind = EXP_DATE },
	{ .key = "price_fen", .header = "购置价（元）", .kind = EXP_FEN },
	{ 0 }
};

static int
list_json(struct resp *rs, json_t *arr, int64_t total)
{
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)total));
}

static json_t *
vehicles_array(const struct vehicle *items, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, veh_json(&items[i]));
	return arr;
}

/* An enum query parameter: NULL when absent, else one of codes (400 otherwise). */
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

/* GET /vehicles?status=&type=&department_id=&q=&page=&per_page= */
int
veh_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct veh_filter f = { 0 };
	struct vehicle *items;
	struct page pg;
	int64_t total = 0;
	size_t n = 0;

	if (req_page(rq, &pg, e) || query_enum(rq, "status", veh_status_codes, &f.status, e) ||
	    query_enum(rq, "type", veh_type_codes, &f.type, e) ||
	    req_query_i64(rq, "department_id", 1, INT64_MAX, &f.department_id, e))
		return e->code;
	f.q = req_query(rq, "q");
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (veh_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	return list_json(rs, vehicles_array(items, n), total);
}

int
veh_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct vehicle_in in = { 0 };
	struct vehicle v;

	if (req_json_fields(rq, veh_fields, &in, NULL, e) ||
	    veh_create(rq->db, rq->arena, rq->user, &in, &v, e))
		return e->code;
	return resp_json(rs, 201, veh_json(&v));
}

int
veh_api_get(struct req *rq, struct resp *rs, struct err *e)
{
	struct vehicle v;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || veh_get(rq->db, rq->arena, rq->user, id, &v, e))
		return e->code;
	return resp_json(rs, 200, veh_json(&v));
}

int
veh_api_update(struct req *rq, struct resp *rs, struct err *e)
{
	struct vehicle_in in = { 0 };
	struct vehicle v;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, veh_put_fields, &in, NULL, e) ||
	    veh_update(rq->db, rq->arena, rq->user, id, &in, &v, e))
		return e->code;
	return resp_json(rs, 200, veh_json(&v));
}

/* A required ISO-8601 query time. */
static int
query_time(const struct req *rq, const char *name, int64_t *out, struct err *e)
{
	const char *s = req_query(rq, name);

	if (!s || !*s || iso_to_ms(s, out))
		return err_setx(e, ERR_INVALID, "invalid", name, "时间应为 ISO-8601 格式");
	return 0;
}

/* ?start=&end=: both required, end after start. */
static int
query_window(const struct req *rq, int64_t *start, int64_t *end, struct err *e)
{
	if (query_time(rq, "start", start, e) || query_time(rq, "end", end, e))
		return e->code;
	if (*end <= *start)
		return err_setx(e, ERR_INVALID, "invalid", "end", "结束时间应晚于开始时间");
	return 0;
}

/* GET /vehicles/available?start=&end=&seats= */
int
veh_api_available(struct req *rq, struct resp *rs, struct err *e)
{
	struct vehicle *items;
	int64_t start, end, seats = 1;
	size_t n = 0;

	if (query_window(rq, &start, &end, e) ||
	    req_query_i64(rq, "seats", 1, VEH_SEATS_MAX, &seats, e) ||
	    veh_available(rq->db, rq->arena, rq->user, start, end, seats, &items, &n, e))
		return e->code;
	return list_json(rs, vehicles_array(items, n), (int64_t)n);
}

static json_t *
booking_json(const struct booking *b)
{
	return json_pack("{sI so so ss ss sI so}", "id", (json_int_t)b->id, "start_at",
			 jtime(b->start_ms), "end_at", jtime(b->end_ms), "status",
			 booking_status_codes[b->status], "owner_module", b->owner_module,
			 "owner_id", (json_int_t)b->owner_id, "trip_code", json_null());
}

/* GET /vehicles/:id/bookings?from=&to=: live bookings (default: from now on, 31 days). */
int
veh_api_bookings(struct req *rq, struct resp *rs, struct err *e)
{
	struct booking *items;
	struct vehicle v;
	int64_t id, from = 0, to = 0;
	size_t n = 0;
	json_t *arr;

	if (req_path_id(rq, 0, &id, e) || req_time_range(rq, &from, &to, e) ||
	    veh_get(rq->db, rq->arena, rq->user, id, &v, e))
		return e->code;
	if (!from)
		from = now_ms() - DAY_MS;
	if (!to)
		to = from + 32 * DAY_MS;
	if (booking_list(rq->db, rq->arena, rq->user->agency_id, BOOKING_VEHICLE, id, from, to,
			 &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, booking_json(&items[i]));
	return list_json(rs, arr, (int64_t)n);
}

static int
drivers_out(struct req *rq, struct resp *rs, int64_t start, int64_t end, struct err *e)
{
	struct driver *items;
	size_t n = 0;
	json_t *arr;

	if (drv_list(rq->db, rq->arena, rq->user, start, end, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, drv_json(&items[i]));
	return list_json(rs, arr, (int64_t)n);
}

int
drv_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	return drivers_out(rq, rs, 0, 0, e);
}

int
drv_api_available(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t start, end;

	if (query_window(rq, &start, &end, e))
		return e->code;
	return drivers_out(rq, rs, start, end, e);
}

int
drv_api_put(struct req *rq, struct resp *rs, struct err *e)
{
	struct driver_in in = { 0 };
	struct driver d;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, drv_fields, &in, NULL, e) ||
	    drv_put(rq->db, rq->arena, rq->user, id, &in, &d, e))
		return e->code;
	return resp_json(rs, 200, drv_json(&d));
}
