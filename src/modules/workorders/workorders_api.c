/*
** modules/workorders/workorders_api.c: HTTP handlers for work orders, their
** transitions, categories, teams and the duty roster. Thin: parse and
** validate -> call workorders.c -> encode. Every transition answers 200 with
** the order exactly as GET /api/v1/workorders/:id shows it.
*/
#include "modules/workorders/workorders_api.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/workorders/workorders.h"

#include <stddef.h>
#include <string.h>

static const char *const source_codes[] = { "web", "qr", NULL };

struct create_in {
	struct wo_in o;
	const json_t *photos;
};
static const struct field wo_create_fields[] = {
	{ .name = "category_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct create_in, o.category_id) },
	{ .name = "location_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct create_in, o.location_id) },
	{ .name = "title", .type = F_STR, .required = 1, .max = WO_TITLE_MAX,
	  .off = offsetof(struct create_in, o.title) },
	{ .name = "description", .type = F_STR, .max = WO_TEXT_MAX,
	  .off = offsetof(struct create_in, o.description) },
	{ .name = "priority", .type = F_ENUM, .enums = wo_priority_codes,
	  .off = offsetof(struct create_in, o.priority) },
	{ .name = "contact_phone", .type = F_STR, .max = PHONE_MAX_CHARS,
	  .off = offsetof(struct create_in, o.contact_phone) },
	{ .name = "source", .type = F_ENUM, .enums = source_codes,
	  .off = offsetof(struct create_in, o.source) },
	{ .name = "attachment_ids", .type = F_JSON, .off = offsetof(struct create_in, photos) },
	{ 0 }
};

struct action_in {
	struct wo_action_in a;
	const json_t *photos;
};
/* accept, start, resume: nothing but the optional concurrency token */
static const struct field wo_plain_fields[] = {
	{ .name = "updated_at", .type = F_TIME, .off = offsetof(struct action_in, a.updated_at) },
	{ 0 }
};
/* dispatch, transfer */
static const struct field wo_dispatch_fields[] = {
	{ .name = "worker_id", .type = F_ID, .off = offsetof(struct action_in, a.worker_id) },
	{ .name = "team_id", .type = F_ID, .off = offsetof(struct action_in, a.team_id) },
	{ .name = "reason", .type = F_STR, .max = WO_TEXT_MAX,
	  .off = offsetof(struct action_in, a.reason) },
	{ .name = "updated_at", .type = F_TIME, .off = offsetof(struct action_in, a.updated_at) },
	{ 0 }
};
/* suspend, reopen, cancel (required by the rules, checked in workorders.c) */
static const struct field wo_reason_fields[] = {
	{ .name = "reason", .type = F_STR, .max = WO_TEXT_MAX,
	  .off = offsetof(struct action_in, a.reason) },
	{ .name = "updated_at", .type = F_TIME, .off = offsetof(struct action_in, a.updated_at) },
	{ 0 }
};
static const struct field wo_resolve_fields[] = {
	{ .name = "notes", .type = F_STR, .required = 1, .max = WO_TEXT_MAX,
	  .off = offsetof(struct action_in, a.notes) },
	{ .name = "parts", .type = F_STR, .max = WO_TEXT_MAX,
	  .off = offsetof(struct action_in, a.parts) },
	{ .name = "attachment_ids", .type = F_JSON, .off = offsetof(struct action_in, photos) },
	{ .name = "updated_at", .type = F_TIME, .off = offsetof(struct action_in, a.updated_at) },
	{ 0 }
};
static const struct field wo_confirm_fields[] = {
	{ .name = "rating", .type = F_INT, .required = 1, .min = 1, .max = 5,
	  .off = offsetof(struct action_in, a.rating) },
	{ .name = "comment", .type = F_STR, .max = WO_TEXT_MAX,
	  .off = offsetof(struct action_in, a.comment) },
	{ .name = "updated_at", .type = F_TIME, .off = offsetof(struct action_in, a.updated_at) },
	{ 0 }
};

struct category_in {
	struct wo_category_in c;
	const json_t *targets;
};
/* POST takes these; PUT also requires the updated_at it read. */
#define CATEGORY_FIELDS \
	{ .name = "name", .type = F_STR, .required = 1, .max = 32, \
	  .off = offsetof(struct category_in, c.name) }, \
	{ .name = "default_team_id", .type = F_ID, \
	  .off = offsetof(struct category_in, c.default_team_id) }, \
	{ .name = "safety", .type = F_BOOL, .off = offsetof(struct category_in, c.safety) }, \
	{ .name = "active", .type = F_BOOL, .off = offsetof(struct category_in, c.active) }, \
	{ .name = "sort_order", .type = F_INT, .min = 0, .max = 100000, \
	  .off = offsetof(struct category_in, c.sort_order) }, \
	{ .name = "targets", .type = F_JSON, .off = offsetof(struct category_in, targets) }
static const struct field wo_category_fields[] = { CATEGORY_FIELDS, { 0 } };
static const struct field wo_category_update_fields[] = {
	CATEGORY_FIELDS, FIELD_UPDATED_AT(struct category_in, c.updated_at), { 0 }
};

struct team_in {
	struct wo_team_in t;
	const json_t *members;
};
/* POST takes these; PUT also requires the updated_at it read. */
#define TEAM_FIELDS \
	{ .name = "name", .type = F_STR, .required = 1, .max = 32, \
	  .off = offsetof(struct team_in, t.name) }, \
	{ .name = "active", .type = F_BOOL, .off = offsetof(struct team_in, t.active) }, \
	{ .name = "member_ids", .type = F_JSON, .off = offsetof(struct team_in, members) }
static const struct field wo_team_fields[] = { TEAM_FIELDS, { 0 } };
static const struct field wo_team_update_fields[] = {
	TEAM_FIELDS, FIELD_UPDATED_AT(struct team_in, t.updated_at), { 0 }
};

struct duty_in {
	int64_t team_id, user_id;
	const char *day;
};
static const struct field wo_duty_fields[] = {
	{ .name = "team_id", .type = F_ID, .required = 1, .off = offsetof(struct duty_in, team_id) },
	{ .name = "day", .type = F_STR, .required = 1, .max = 10, .off = offsetof(struct duty_in, day) },
	{ .name = "user_id", .type = F_ID, .off = offsetof(struct duty_in, user_id) },
	{ 0 }
};

/* 工单列表 export (GET /api/v1/workorders?format=csv|xlsx). */
static const struct export_col wo_cols[] = {
	{ .key = "code", .header = "工单号" },
	{ .key = "title", .header = "标题", .width = 30 },
	{ .key = "category.name", .header = "类别" },
	{ .key = "location.path", .header = "地点", .width = 24 },
	{ .key = "priority", .header = "紧急程度", .codes = wo_priority_codes,
	  .labels = wo_priority_labels },
	{ .key = "status", .header = "状态", .codes = wo_status_codes, .labels = wo_status_labels },
	{ .key = "requester.name", .header = "报修人" },
	{ .key = "requester_dept.name", .header = "报修部门" },
	{ .key = "contact_phone", .header = "联系电话" },
	{ .key = "owner.name", .header = "首问负责人" },
	{ .key = "team.name", .header = "班组" },
	{ .key = "worker.name", .header = "维修人员" },
	{ .key = "created_at", .header = "报修时间", .kind = EXP_TIME },
	{ .key = "accepted_at", .header = "受理时间", .kind = EXP_TIME },
	{ .key = "resolved_at", .header = "完成时间", .kind = EXP_TIME },
	{ .key = "accept_minutes", .header = "受理用时（分钟）" },
	{ .key = "resolve_minutes", .header = "处理用时（分钟）" },
	{ .key = "accept_on_time", .header = "按时受理", .kind = EXP_BOOL },
	{ .key = "resolve_on_time", .header = "按时完成", .kind = EXP_BOOL },
	{ .key = "overdue", .header = "当前超时", .kind = EXP_BOOL },
	{ .key = "reopen_count", .header = "返修次数" },
	{ .key = "rating", .header = "评分" },
	{ .key = "rating_comment", .header = "评价", .width = 30 },
	{ 0 }
};

/* A JSON array of up to max positive ids into the arena. ERR_INVALID on field. */
static int
ids_in(struct arena *a, const json_t *arr, size_t max, const char *field, int64_t **ids,
       size_t *n, struct err *e)
{
	size_t len;

	*ids = NULL;
	*n = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return err_set(e, ERR_INVALID, field, "应为编号列表");
	len = json_array_size(arr);
	if (len > max)
		return err_set(e, ERR_INVALID, field, "最多 %zu 个", max);
	if (!len)
		return 0;
	*ids = arena_array(a, len, sizeof(**ids));
	if (!*ids)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < len; i++) {
		const json_t *v = json_array_get(arr, i);
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_set(e, ERR_INVALID, field, "第 %zu 个编号无效", i + 1);
		(*ids)[i] = json_integer_value(v);
	}
	*n = len;
	return 0;
}

/* ---------- orders ---------- */

static int
wo_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct create_in in = { 0 };
	struct workorder o;
	int64_t *ids;

	if (req_json_fields(rq, wo_create_fields, &in, NULL, e) ||
	    ids_in(rq->arena, in.photos, WO_PHOTOS_MAX, "attachment_ids", &ids,
		   &in.o.nattachments, e))
		return e->code;
	in.o.attachment_ids = ids;
	if (wo_create(rq->db, rq->arena, rq->user, &in.o, &o, e))
		return e->code;
	return resp_write(rs, 201, wo_write_json, &o);
}

static int
wo_api_get(struct req *rq, struct resp *rs, struct err *e)
{
	struct workorder o;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || wo_get(rq->db, rq->arena, rq->user, id, &o, e))
		return e->code;
	return resp_write(rs, 200, wo_write_json, &o);
}

static const char *const scope_codes[] = { "mine", "dept", "tasks", "all", NULL };

static int
wo_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct wo_filter f = { 0 };
	struct page pg;
	struct workorder *items;
	size_t n;
	int64_t total, overdue = 0;
	const char *scope = req_query(rq, "scope"), *sort = req_query(rq, "sort");
	int sc = 0;

	if (scope && *scope) {
		for (sc = 0; scope_codes[sc] && strcmp(scope_codes[sc], scope) != 0; sc++)
			;
		if (!scope_codes[sc])
			return err_set(e, ERR_INVALID, "scope", "范围应为 mine、dept、tasks 或 all");
	}
	f.scope = (enum wo_scope)sc;
	f.sort = sort;
	f.status = req_query(rq, "status");
	f.priority = req_query(rq, "priority");
	f.q = req_query(rq, "q");
	if (req_page(rq, &pg, e) ||
	    req_query_i64(rq, "category_id", 1, INT64_MAX, &f.category_id, e) ||
	    req_query_i64(rq, "department_id", 1, INT64_MAX, &f.department_id, e) ||
	    req_query_i64(rq, "location_id", 1, INT64_MAX, &f.location_id, e) ||
	    req_query_i64(rq, "team_id", 1, INT64_MAX, &f.team_id, e) ||
	    req_query_i64(rq, "worker_id", 1, INT64_MAX, &f.worker_id, e) ||
	    req_query_i64(rq, "overdue", 0, 1, &overdue, e) ||
	    req_time_range(rq, &f.from, &f.to, e))
		return e->code;
	f.overdue = (int)overdue;
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (wo_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	/* written straight into the body: a page is ~45 fields x 20 orders (issue #5) */
	return resp_list_items(rs, wo_write_json, items, n, sizeof(*items), total, pg.page,
			       pg.per_page);
}

/* Every transition: the body per its field table, then wo_apply. */
static int
act(struct req *rq, struct resp *rs, struct err *e, enum wo_action action,
    const struct field *spec)
{
	struct action_in in = { 0 };
	struct workorder o;
	int64_t id, *ids;

	if (req_path_id(rq, 0, &id, e))
		return e->code;
	if ((rq->body_len || spec[0].required) && req_json_fields(rq, spec, &in, NULL, e))
		return e->code;
	if (ids_in(rq->arena, in.photos, WO_PHOTOS_MAX, "attachment_ids", &ids,
		   &in.a.nattachments, e))
		return e->code;
	in.a.attachment_ids = ids;
	if (wo_apply(rq->db, rq->arena, rq->user, id, action, &in.a, &o, e))
		return e->code;
	return resp_write(rs, 200, wo_write_json, &o);
}

static int
wo_api_accept(struct req *rq, struct resp *rs, struct err *e)
{
	return act(rq, rs, e, WO_A_ACCEPT, wo_plain_fields);
}

static int
wo_api_dispatch(struct req *rq, struct resp *rs, struct err *e)
{
	return act(rq, rs, e, WO_A_DISPATCH, wo_dispatch_fields);
}

static int
wo_api_start(struct req *rq, struct resp *rs, struct err *e)
{
	return act(rq, rs, e, WO_A_START, wo_plain_fields);
}

static int
wo_api_suspend(struct req *rq, struct resp *rs, struct err *e)
{
	return act(rq, rs, e, WO_A_SUSPEND, wo_reason_fields);
}

static int
wo_api_resume(struct req *rq, struct resp *rs, struct err *e)
{
	return act(rq, rs, e, WO_A_RESUME, wo_plain_fields);
}

static int
wo_api_transfer(struct req *rq, struct resp *rs, struct err *e)
{
	return act(rq, rs, e, WO_A_TRANSFER, wo_dispatch_fields);
}

static int
wo_api_resolve(struct req *rq, struct resp *rs, struct err *e)
{
	return act(rq, rs, e, WO_A_RESOLVE, wo_resolve_fields);
}

static int
wo_api_confirm(struct req *rq, struct resp *rs, struct err *e)
{
	return act(rq, rs, e, WO_A_CONFIRM, wo_confirm_fields);
}

static int
wo_api_reopen(struct req *rq, struct resp *rs, struct err *e)
{
	return act(rq, rs, e, WO_A_REOPEN, wo_reason_fields);
}

static int
wo_api_cancel(struct req *rq, struct resp *rs, struct err *e)
{
	return act(rq, rs, e, WO_A_CANCEL, wo_reason_fields);
}

/* ---------- categories ---------- */

static int
wo_api_category_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct wo_category *items;
	size_t n;
	int64_t active = 0;
	json_t *arr;

	if (req_query_i64(rq, "active", 0, 1, &active, e) ||
	    wo_category_list(rq->db, rq->arena, rq->user, (int)active, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, wo_category_json(&items[i]));
	return resp_list(rs, arr, (int64_t)n, 1, (int64_t)n);
}

/* targets: {"urgent":{"accept_min":30,"resolve_min":240}, "high":..., "normal":..., "low":...} */
static int
targets_in(const json_t *j, struct wo_category_in *c, struct err *e)
{
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_object(j) || json_object_size(j) != WO_PRIORITY_N)
		return err_set(e, ERR_INVALID, "targets", "应为 urgent、high、normal、low 四项时限");
	for (int p = 0; p < WO_PRIORITY_N; p++) {
		const json_t *t = json_object_get(j, wo_priority_codes[p]);
		const json_t *am = json_object_get(t, "accept_min");
		const json_t *rm = json_object_get(t, "resolve_min");
		if (!json_is_object(t) || !json_is_integer(am) || !json_is_integer(rm))
			return err_set(e, ERR_INVALID, "targets",
				       "%s 应为 {\"accept_min\":分钟,\"resolve_min\":分钟}",
				       wo_priority_labels[p]);
		c->targets[p].accept_min = json_integer_value(am);
		c->targets[p].resolve_min = json_integer_value(rm);
	}
	c->has_targets = 1;
	return 0;
}

static int
wo_api_category_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct category_in in = { .c = { .active = 1 } };
	struct wo_category c;

	if (req_json_fields(rq, wo_category_fields, &in, NULL, e) ||
	    targets_in(in.targets, &in.c, e) ||
	    wo_category_save(rq->db, rq->arena, rq->user, 0, &in.c, &c, e))
		return e->code;
	return resp_json(rs, 201, wo_category_json(&c));
}

static int
wo_api_category_update(struct req *rq, struct resp *rs, struct err *e)
{
	struct category_in in = { 0 };
	struct wo_category cur, c;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || wo_category_get(rq->db, rq->arena, rq->user, id, &cur, e))
		return e->code;
	/* absent members keep their current values */
	in.c.default_team_id = cur.default_team.id;
	in.c.safety = cur.safety;
	in.c.active = cur.active;
	in.c.sort_order = cur.sort_order;
	if (req_json_fields(rq, wo_category_update_fields, &in, NULL, e) ||
	    targets_in(in.targets, &in.c, e) ||
	    wo_category_save(rq->db, rq->arena, rq->user, id, &in.c, &c, e))
		return e->code;
	return resp_json(rs, 200, wo_category_json(&c));
}

/* ---------- teams ---------- */

static int
wo_api_team_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct wo_team *items;
	size_t n;
	json_t *arr;

	if (wo_team_list(rq->db, rq->arena, rq->user, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, wo_team_json(&items[i]));
	return resp_list(rs, arr, (int64_t)n, 1, (int64_t)n);
}

static int
team_save(struct req *rq, struct resp *rs, struct err *e, int64_t id)
{
	struct team_in in = { .t = { .active = 1 } };
	struct wo_team t;
	int64_t *ids;

	if (req_json_fields(rq, id ? wo_team_update_fields : wo_team_fields, &in, NULL, e) ||
	    ids_in(rq->arena, in.members, 200, "member_ids", &ids, &in.t.nmembers, e))
		return e->code;
	in.t.member_ids = ids;
	if (wo_team_put(rq->db, rq->arena, rq->user, id, &in.t, &t, e))
		return e->code;
	return resp_json(rs, id ? 200 : 201, wo_team_json(&t));
}

static int
wo_api_team_create(struct req *rq, struct resp *rs, struct err *e)
{
	return team_save(rq, rs, e, 0);
}

static int
wo_api_team_update(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t id;

	if (req_path_id(rq, 0, &id, e))
		return e->code;
	return team_save(rq, rs, e, id);
}

/* ---------- duty roster ---------- */

static int
day_param(const struct req *rq, const char *name, int *day, struct err *e)
{
	const char *s = req_query(rq, name);

	if (!s || !*s)
		return 0;
	if (cal_parse_date(s, day))
		return err_set(e, ERR_INVALID, name, "日期应为 YYYY-MM-DD");
	return 0;
}

static json_t *
duty_json(const struct wo_duty *d)
{
	char day[16];

	cal_format_date(d->day, day, sizeof(day));
	return json_pack("{sI sI ss s{sI ss}}", "id", (json_int_t)d->id, "team_id",
			 (json_int_t)d->team_id, "day", day, "user", "id", (json_int_t)d->user.id,
			 "name", d->user.name ? d->user.name : "");
}

/* GET /api/v1/workorder-duty?from=YYYY-MM-DD&to=YYYY-MM-DD (default: today and 30 days on) */
static int
wo_api_duty_list(struct req *rq, struct resp *rs, struct err *e)
{
	int from = cal_local_date(now_ms()), to = 0;
	struct wo_duty *items;
	size_t n;
	json_t *arr;

	if (day_param(rq, "from", &from, e) || day_param(rq, "to", &to, e))
		return e->code;
	if (!to)
		to = cal_local_date(now_ms() + 30 * DAY_MS);
	if (to < from)
		to = from;
	if (wo_duty_list(rq->db, rq->arena, rq->user, from, to, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, duty_json(&items[i]));
	return resp_list(rs, arr, (int64_t)n, 1, (int64_t)n);
}

/* PUT /api/v1/workorder-duty {team_id, day, user_id|null} */
static int
wo_api_duty_put(struct req *rq, struct resp *rs, struct err *e)
{
	struct duty_in in = { 0 };
	int day;

	if (req_json_fields(rq, wo_duty_fields, &in, NULL, e))
		return e->code;
	if (cal_parse_date(in.day, &day))
		return err_set(e, ERR_INVALID, "day", "日期应为 YYYY-MM-DD");
	if (wo_duty_set(rq->db, rq->user, in.team_id, day, in.user_id, e))
		return e->code;
	return resp_json(rs, 200,
			 json_pack("{sI ss so}", "team_id", (json_int_t)in.team_id, "day", in.day,
				   "user_id", jid_or_null(in.user_id)));
}

/* 报修统计: the office, leaders, 纪检 and department heads (their own department) */
#define WO_STATS_READERS (ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_DEPT_HEAD)

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route workorders_routes[] = {
	{ "GET", "/api/v1/workorders/stats", wo_api_stats, WO_STATS_READERS, R_RANGE, "报修统计", NULL, wo_stats_cols, 0 },
	{ "GET", "/api/v1/workorder-plans", wo_api_plan_list, ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR, 0, "预防性维护计划列表", NULL, NULL, 0 },
	{ "POST", "/api/v1/workorder-plans", wo_api_plan_create, ROLE_OFFICE, R_WRITE, "新建预防性维护计划", wo_pm_fields, NULL, 0 },
	{ "PUT", "/api/v1/workorder-plans/:id", wo_api_plan_update, ROLE_OFFICE, R_WRITE, "修改预防性维护计划", wo_pm_update_fields, NULL, 0 },
	{ "GET", "/api/v1/workorders", wo_api_list, ROLE_BUSINESS_READERS, R_RANGE, "报修工单列表（?scope=mine|dept|tasks|all）", NULL, wo_cols, 0 },
	{ "POST", "/api/v1/workorders", wo_api_create, ROLE_BUSINESS, R_WRITE, "提交报修", wo_create_fields, NULL, 0 },
	{ "GET", "/api/v1/workorders/:id", wo_api_get, ROLE_BUSINESS_READERS, 0, "报修工单详情（含处理进度）", NULL, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/accept", wo_api_accept, ROLE_BUSINESS, R_WRITE, "受理报修（成为首问负责人）", wo_plain_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/dispatch", wo_api_dispatch, ROLE_BUSINESS, R_WRITE, "派单给维修人员或班组", wo_dispatch_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/start", wo_api_start, ROLE_BUSINESS, R_WRITE, "开始处理（到达现场）", wo_plain_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/suspend", wo_api_suspend, ROLE_BUSINESS, R_WRITE, "挂起（如等待配件）", wo_reason_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/resume", wo_api_resume, ROLE_BUSINESS, R_WRITE, "恢复处理", wo_plain_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/transfer", wo_api_transfer, ROLE_BUSINESS, R_WRITE, "转派", wo_dispatch_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/resolve", wo_api_resolve, ROLE_BUSINESS, R_WRITE, "完成维修", wo_resolve_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/confirm", wo_api_confirm, ROLE_BUSINESS, R_WRITE, "确认并评价", wo_confirm_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/reopen", wo_api_reopen, ROLE_BUSINESS, R_WRITE, "退回返修", wo_reason_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/cancel", wo_api_cancel, ROLE_BUSINESS, R_WRITE, "取消报修", wo_reason_fields, NULL, 0 },
	{ "GET", "/api/v1/workorder-categories", wo_api_category_list, ROLE_BUSINESS_READERS, 0, "报修类别与时限（?active=1）", NULL, NULL, 0 },
	{ "POST", "/api/v1/workorder-categories", wo_api_category_create, ROLE_OFFICE, R_WRITE, "新建报修类别", wo_category_fields, NULL, 0 },
	{ "PUT", "/api/v1/workorder-categories/:id", wo_api_category_update, ROLE_OFFICE, R_WRITE, "修改报修类别", wo_category_update_fields, NULL, 0 },
	{ "GET", "/api/v1/workorder-teams", wo_api_team_list, ROLE_BUSINESS_READERS, 0, "维修班组", NULL, NULL, 0 },
	{ "POST", "/api/v1/workorder-teams", wo_api_team_create, ROLE_OFFICE, R_WRITE, "新建维修班组", wo_team_fields, NULL, 0 },
	{ "PUT", "/api/v1/workorder-teams/:id", wo_api_team_update, ROLE_OFFICE, R_WRITE, "修改维修班组", wo_team_update_fields, NULL, 0 },
	{ "GET", "/api/v1/workorder-duty", wo_api_duty_list, ROLE_BUSINESS_READERS, 0, "值班表（?from=&to=）", NULL, NULL, 0 },
	{ "PUT", "/api/v1/workorder-duty", wo_api_duty_put, ROLE_OFFICE, R_WRITE, "设置值班人员", wo_duty_fields, NULL, 0 },
	{ 0 }
};
