/*
** modules/vehicles/report_api.c: HTTP handlers of the monthly report, the
** calendar and 公示 (report.h); rows of vehicles_api.c's table. The report
** exports one part at a time (?part=vehicles|drivers), named for its month,
** so it writes the file itself instead of leaving it to the router.
*/
#include "modules/vehicles/report.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/export.h"
#include "core/json.h"
#include "http/req.h"
#include "http/resp.h"

#include <string.h>

const struct export_col vrep_vehicle_cols[] = {
	{ .key = "plate", .header = "车牌号" },
	{ .key = "department_name", .header = "所属部门" },
	{ .key = "trips", .header = "出车次数" },
	{ .key = "km", .header = "里程（公里）" },
	{ .key = "cost_fen", .header = "费用（元）", .kind = EXP_FEN },
	{ .key = "cost_per_km_fen", .header = "每公里费用（元）", .kind = EXP_FEN },
	{ .key = "booked_hours", .header = "预订时长（小时）" },
	{ .key = "utilisation_pct", .header = "使用率（%）" },
	{ 0 }
};

const struct export_col vrep_driver_cols[] = {
	{ .key = "name", .header = "驾驶员" },
	{ .key = "trips", .header = "出车次数" },
	{ .key = "km", .header = "里程（公里）" },
	{ .key = "ratings", .header = "评价次数" },
	{ .key = "rating_avg", .header = "平均评分" },
	{ .key = "flags", .header = "异常提示" },
	{ 0 }
};

const struct export_col vrep_public_cols[] = {
	{ .key = "date", .header = "日期", .kind = EXP_DATE },
	{ .key = "department_name", .header = "用车部门" },
	{ .key = "purpose", .header = "事由" },
	{ .key = "destination", .header = "目的地" },
	{ .key = "km", .header = "里程（公里）" },
	{ .key = "cost_fen", .header = "费用（元）", .kind = EXP_FEN },
	{ 0 }
};

/* the calendar's export: a booking's status is its trip's, else the booking's own */
static const char *const booking_codes[] = { "requested", "approved", "rejected", "dispatched",
					     "on_trip", "returned", "closed", "cancelled", "hold",
					     "confirmed", NULL };
static const char *const booking_labels[] = { "待审批", "待派车", "已驳回", "已派车", "出车中",
					      "已还车", "已完成", "已取消", "暂留", "已预订", NULL };
const struct export_col vrep_calendar_cols[] = {
	{ .key = "plate", .header = "车牌号" },
	{ .key = "start_at", .header = "开始时间", .kind = EXP_TIME },
	{ .key = "end_at", .header = "结束时间", .kind = EXP_TIME },
	{ .key = "trip_code", .header = "用车单号" },
	{ .key = "department_name", .header = "用车部门" },
	{ .key = "destination", .header = "目的地" },
	{ .key = "status", .header = "状态", .codes = booking_codes, .labels = booking_labels },
	{ 0 }
};

/* ?month=YYYY-MM, this month when absent. */
static int
query_month(const struct req *rq, int *month, struct err *e)
{
	const char *s = req_query(rq, "month");

	if (!s || !*s) {
		*month = cal_local_date(now_ms()) / 100;
		return 0;
	}
	return vrep_parse_month(s, "month", month, e);
}

/* One part of the report as the file: {items, total} for resp_export. */
static int
export_part(struct req *rq, struct resp *rs, const json_t *rep, int month, struct err *e)
{
	const char *part = req_query(rq, "part");
	int vehicles = !part || !*part || strcmp(part, "vehicles") == 0;
	int fmt = rq->export_format;
	json_t *items;
	const char *title;

	if (!vehicles && strcmp(part, "drivers") != 0)
		return err_setx(e, ERR_INVALID, "invalid", "part", "导出内容应为 vehicles 或 drivers");
	items = json_object_get(rep, vehicles ? "vehicles" : "drivers");
	if (resp_json(rs, 200, json_pack("{sO sI}", "items", items, "total",
					 (json_int_t)json_array_size(items))))
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rq->export_format = EXPORT_NONE;	/* done here: the router must not export again */
	title = arena_printf(rq->arena, "%s%d年%d月", vehicles ? "车辆运行月报" : "驾驶员月报",
			     month / 100, month % 100);
	if (!title)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return resp_export(rs, fmt, vehicles ? vrep_vehicle_cols : vrep_driver_cols, title, e);
}

/* GET /vehicles/report?month=YYYY-MM[&format=csv|xlsx&part=vehicles|drivers] */
int
vrep_api_report(struct req *rq, struct resp *rs, struct err *e)
{
	struct vrep r;
	json_t *j;
	int month;

	if (query_month(rq, &month, e) || vrep_month(rq->db, rq->arena, rq->user, month, &r, e))
		return e->code;
	j = jarena(rq->arena, vrep_json(&r));
	if (!j)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (rq->export_format)
		return export_part(rq, rs, j, month, e);
	return resp_json(rs, 200, json_incref(j));
}

/* The calendar as the export's {items, total}: one row per booking, lane by lane (cal taken). */
static int
calendar_rows(struct resp *rs, json_t *cal, struct err *e)
{
	json_t *items = json_array(), *lanes = json_object_get(cal, "vehicles");
	int rc = items ? 0 : ERR_NOMEM;

	for (size_t i = 0; !rc && i < json_array_size(lanes); i++) {
		json_t *lane = json_array_get(lanes, i), *bs = json_object_get(lane, "bookings");

		for (size_t k = 0; !rc && k < json_array_size(bs); k++) {
			json_t *row = json_deep_copy(json_array_get(bs, k));

			if (row && json_object_set(row, "plate", json_object_get(lane, "plate")))
				json_decref(row), row = NULL;
			rc = !row || json_array_append_new(items, row) ? ERR_NOMEM : 0;
		}
	}
	json_decref(cal);
	if (rc) {
		json_decref(items);
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	return resp_json(rs, 200, json_pack("{so sI}", "items", items, "total",
					    (json_int_t)json_array_size(items)));
}

/* GET /vehicles/calendar?from=&to=: at most VEH_CALENDAR_DAYS_MAX days; this week by default. */
int
vrep_api_calendar(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t from = 0, to = 0, day;
	json_t *j;

	if (req_time_range(rq, &from, &to, e))
		return e->code;
	day = (now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS;
	if (!from)
		from = day * DAY_MS - SHANGHAI_OFFSET_MS;
	if (!to)
		to = from + 7 * DAY_MS;
	if (to - from > VEH_CALENDAR_DAYS_MAX * DAY_MS)
		return err_setx(e, ERR_INVALID, "invalid", "to", "日历最多显示 %d 天",
				VEH_CALENDAR_DAYS_MAX);
	if (vrep_calendar(rq->db, rq->arena, rq->user, from, to, &j, e))
		return e->code;
	if (rq->export_format)
		return calendar_rows(rs, j, e);
	return resp_json(rs, 200, j);
}

/* GET /trips/public?month=YYYY-MM&page=&per_page= (公示, csv/xlsx by the router) */
int
vrep_api_public(struct req *rq, struct resp *rs, struct err *e)
{
	struct page pg;
	json_t *items;
	int64_t total = 0;
	int month;
	char m[16];

	if (query_month(rq, &month, e) || req_page(rq, &pg, e) ||
	    vrep_public(rq->db, rq->arena, rq->user, month, pg.per_page, pg.offset, &items, &total,
			e))
		return e->code;
	cal_format_date(month * 100 + 1, m, sizeof(m));
	m[7] = '\0';
	return resp_json(rs, 200, json_pack("{ss so sI}", "month", m, "items", items, "total",
					    (json_int_t)total));
}
