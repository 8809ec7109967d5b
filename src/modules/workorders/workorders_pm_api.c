/*
** modules/workorders/workorders_pm_api.c: HTTP handlers for 预防性维护 plans
** (rules and storage: workorders_pm.c). Thin: parse and validate -> call the
** domain -> encode. The route table admits the office to write and the
** office, leaders and supervisors to read.
*/
#include "modules/workorders/workorders_api.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/err.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/workorders/workorders.h"

#include <stddef.h>
#include <string.h>

struct plan_in {
	const char *name, *title, *description, *priority, *unit, *start_date;
	int64_t category_id, location_id, team_id, every, lead_days;
	int active;
	int64_t updated_at;
};

/* POST and PUT take the whole plan; a PUT also requires the updated_at it read. */
#define PLAN_FIELDS \
	{ .name = "name", .type = F_STR, .required = 1, .max = 64, \
	  .off = offsetof(struct plan_in, name) }, \
	{ .name = "category_id", .type = F_ID, .required = 1, \
	  .off = offsetof(struct plan_in, category_id) }, \
	{ .name = "location_id", .type = F_ID, .required = 1, \
	  .off = offsetof(struct plan_in, location_id) }, \
	{ .name = "team_id", .type = F_ID, .off = offsetof(struct plan_in, team_id) }, \
	{ .name = "title", .type = F_STR, .required = 1, .max = WO_TITLE_MAX, \
	  .off = offsetof(struct plan_in, title) }, \
	{ .name = "description", .type = F_STR, .max = WO_TEXT_MAX, \
	  .off = offsetof(struct plan_in, description) }, \
	{ .name = "priority", .type = F_ENUM, .enums = wo_priority_codes, \
	  .off = offsetof(struct plan_in, priority) }, \
	{ .name = "unit", .type = F_ENUM, .required = 1, .enums = wo_pm_unit_codes, \
	  .off = offsetof(struct plan_in, unit) }, \
	{ .name = "every", .type = F_INT, .required = 1, .min = 1, .max = 366, \
	  .off = offsetof(struct plan_in, every) }, \
	{ .name = "start_date", .type = F_STR, .required = 1, .max = 10, \
	  .off = offsetof(struct plan_in, start_date) }, \
	{ .name = "lead_days", .type = F_INT, .min = 0, .max = 90, \
	  .off = offsetof(struct plan_in, lead_days) }, \
	{ .name = "active", .type = F_BOOL, .off = offsetof(struct plan_in, active) }
const struct field wo_pm_fields[] = { PLAN_FIELDS, { 0 } };
const struct field wo_pm_update_fields[] = {
	PLAN_FIELDS, FIELD_UPDATED_AT(struct plan_in, updated_at), { 0 }
};

/* Body -> plan (defaults: priority normal, lead 7 days, active). */
static int
plan_body(struct req *rq, const struct field *spec, struct wo_pm_plan *p, struct err *e)
{
	struct plan_in in = { .priority = "normal", .lead_days = 7, .active = 1 };
	int date = 0;

	if (req_json_fields(rq, spec, &in, NULL, e))
		return e->code;
	if (cal_parse_date(in.start_date, &date))
		return err_setx(e, ERR_INVALID, "invalid", "start_date", "日期应为 YYYY-MM-DD");
	*p = (struct wo_pm_plan){
		.name = in.name, .title = in.title, .description = in.description,
		.priority = in.priority, .category = { .id = in.category_id },
		.location = { .id = in.location_id }, .team = { .id = in.team_id },
		.every = in.every, .start_date = date, .lead_days = in.lead_days,
		.active = in.active, .updated_at = in.updated_at,
	};
	for (int i = 0; wo_pm_unit_codes[i]; i++)
		if (strcmp(in.unit, wo_pm_unit_codes[i]) == 0)
			p->unit = (enum wo_pm_unit)i;
	return 0;
}

/* GET /api/v1/workorder-plans */
int
wo_api_plan_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct wo_pm_plan *items;
	size_t n;
	json_t *arr;

	if (wo_pm_list(rq->db, rq->arena, rq->user, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, wo_pm_json(&items[i]));
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)n));
}

/* POST /api/v1/workorder-plans */
int
wo_api_plan_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct wo_pm_plan in, out;

	if (plan_body(rq, wo_pm_fields, &in, e) ||
	    wo_pm_save(rq->db, rq->arena, rq->user, 0, &in, &out, e))
		return e->code;
	return resp_json(rs, 201, wo_pm_json(&out));
}

/* PUT /api/v1/workorder-plans/:id */
int
wo_api_plan_update(struct req *rq, struct resp *rs, struct err *e)
{
	struct wo_pm_plan in, out;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || plan_body(rq, wo_pm_update_fields, &in, e) ||
	    wo_pm_save(rq->db, rq->arena, rq->user, id, &in, &out, e))
		return e->code;
	return resp_json(rs, 200, wo_pm_json(&out));
}
