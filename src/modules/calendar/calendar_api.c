/*
** modules/calendar/calendar_api.c: HTTP handlers for the business calendar
** (engine and storage: core/calendar.h). Thin: parse and validate -> call
** core/calendar.c -> encode. Everyone signed in reads; the route table lets
** only role office write, and each write is audited by the engine.
*/
#include "http/router.h"
#include "core/export.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/parse.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"

#include <stddef.h>

struct day_in {
	const char *kind, *name;
};
static const struct field cal_day_fields[] = {
	{ .name = "kind", .type = F_ENUM, .required = 1, .enums = cal_kind_codes,
	  .off = offsetof(struct day_in, kind) },
	{ .name = "name", .type = F_STR, .required = 1, .max = CAL_NAME_MAX,
	  .off = offsetof(struct day_in, name) },
	{ 0 }
};

/* periods: [{"start":"08:30","end":"12:00"}, ...], checked by periods_in. */
struct hours_in {
	const json_t *periods;
};
static const struct field cal_hours_fields[] = {
	{ .name = "periods", .type = F_JSON, .required = 1,
	  .off = offsetof(struct hours_in, periods) },
	{ 0 }
};

static int
date_param(const struct req *rq, int *date, struct err *e)
{
	if (rq->nparams < 1 || cal_parse_date(rq->params[0], date))
		return err_setx(e, ERR_INVALID, "invalid", "date", "日期应为 YYYY-MM-DD（%d–%d 年）",
				CAL_YEAR_MIN, CAL_YEAR_MAX);
	return 0;
}

static int
periods_in(const json_t *arr, struct cal_period *p, int *n, struct err *e)
{
	size_t len = json_is_array(arr) ? json_array_size(arr) : 0;

	if (len < 1 || len > CAL_PERIODS_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "periods", "工作时段应为 1 到 %d 段的列表",
				CAL_PERIODS_MAX);
	for (size_t i = 0; i < len; i++) {
		const json_t *it = json_array_get(arr, i);
		const json_t *s = json_object_get(it, "start"), *t = json_object_get(it, "end");

		if (!json_is_object(it) || json_object_size(it) != 2 || !json_is_string(s) ||
		    !json_is_string(t) || cal_parse_hhmm(json_string_value(s), &p[i].start) ||
		    cal_parse_hhmm(json_string_value(t), &p[i].end))
			return err_setx(e, ERR_INVALID, "invalid", "periods",
					"第 %zu 段应为 {\"start\":\"HH:MM\",\"end\":\"HH:MM\"}", i + 1);
	}
	*n = (int)len;
	return 0;
}

/* GET /api/v1/calendar?year=2026 (default: this year in Shanghai) */
static int
cal_api_get(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t year = cal_local_date(now_ms()) / 10000;
	struct cal_year y;

	if (req_query_i64(rq, "year", CAL_YEAR_MIN, CAL_YEAR_MAX, &year, e) ||
	    cal_year_get(rq->db, rq->arena, rq->user->agency_id, (int)year, &y, e))
		return e->code;
	return resp_json(rs, 200, cal_year_json(&y));
}

/* PUT /api/v1/calendar/days/:date {"kind":"holiday"|"workday","name"} */
static int
cal_api_day_put(struct req *rq, struct resp *rs, struct err *e)
{
	struct day_in in = { 0 };
	struct cal_day d;
	enum cal_kind kind;
	int date = 0;

	if (date_param(rq, &date, e) || req_json_fields(rq, cal_day_fields, &in, NULL, e))
		return e->code;
	if (cal_kind_parse(in.kind, &kind))
		return err_setx(e, ERR_INVALID, "invalid", "kind", "取值无效");
	if (cal_day_set(rq->db, rq->arena, rq->user, date, kind, in.name, &d, e))
		return e->code;
	return resp_json(rs, 200, cal_day_json(&d));
}

/* DELETE /api/v1/calendar/days/:date */
static int
cal_api_day_delete(struct req *rq, struct resp *rs, struct err *e)
{
	int date = 0;

	if (date_param(rq, &date, e) || cal_day_delete(rq->db, rq->arena, rq->user, date, e))
		return e->code;
	return resp_json(rs, 200, json_object());
}

/* PUT /api/v1/calendar/hours {"periods":[{"start":"08:30","end":"12:00"}, ...]} */
static int
cal_api_hours_put(struct req *rq, struct resp *rs, struct err *e)
{
	struct hours_in in = { 0 };
	struct cal c = { 0 };

	if (req_json_fields(rq, cal_hours_fields, &in, NULL, e) ||
	    periods_in(in.periods, c.periods, &c.nperiods, e) ||
	    cal_hours_set(rq->db, rq->arena, rq->user, c.periods, c.nperiods, e))
		return e->code;
	return resp_json(rs, 200, json_pack("{so}", "hours", cal_periods_json(&c)));
}

/* POST /api/v1/calendar/years/:year/confirm */
static int
cal_api_year_confirm(struct req *rq, struct resp *rs, struct err *e)
{
	struct cal_year y;
	int64_t year;

	if (rq->nparams < 1 || parse_i64(rq->params[0], CAL_YEAR_MIN, CAL_YEAR_MAX, &year))
		return err_setx(e, ERR_INVALID, "invalid", "year", "年份应在 %d 到 %d 之间",
				CAL_YEAR_MIN, CAL_YEAR_MAX);
	if (cal_year_confirm(rq->db, rq->arena, rq->user, (int)year, &y, e))
		return e->code;
	return resp_json(rs, 200, cal_year_json(&y));
}

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route calendar_routes[] = {
	{ "GET", "/api/v1/calendar", cal_api_get, ANY_USER, 0, "工作日历：工作时段、节假日与调休（?year=）", NULL, NULL, 0 },
	{ "PUT", "/api/v1/calendar/days/:date", cal_api_day_put, ROLE_OFFICE, R_WRITE, "设置节假日或调休上班日", cal_day_fields, NULL, 0 },
	{ "DELETE", "/api/v1/calendar/days/:date", cal_api_day_delete, ROLE_OFFICE, R_WRITE, "删除节假日或调休设置", NULL, NULL, 0 },
	{ "PUT", "/api/v1/calendar/hours", cal_api_hours_put, ROLE_OFFICE, R_WRITE, "设置每日工作时段", cal_hours_fields, NULL, 0 },
	{ "POST", "/api/v1/calendar/years/:year/confirm", cal_api_year_confirm, ROLE_OFFICE, R_WRITE, "确认本年度节假日安排", NULL, NULL, 0 },
	{ 0 }
};
