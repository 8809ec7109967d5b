/*
** modules/workorders/workorders_stats_api.c: GET /api/v1/workorders/stats,
** the 报修统计 KPIs, and their export. Thin: parse the query -> wo_stats()
** (workorders_stats.c) -> encode.
**
** Query: from, to (YYYY-MM-DD, a Shanghai day, `to` inclusive; or an
** ISO-8601 instant), category_id, team_id, worker_id, location_id (that node
** and below), group = category|team|worker|location|month.
** ?format=csv|xlsx exports one row per group plus a 合计 row (only 合计 when
** no group is asked for), rates in percent, under the columns wo_stats_cols.
*/
#include "modules/workorders/workorders_api.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/workorders/workorders.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

const struct export_col wo_stats_cols[] = {
	{ .key = "name", .header = "分组" },
	{ .key = "total", .header = "工单数" },
	{ .key = "by_status.submitted", .header = "已提交" },
	{ .key = "by_status.accepted", .header = "已受理" },
	{ .key = "by_status.dispatched", .header = "已派单" },
	{ .key = "by_status.in_progress", .header = "处理中" },
	{ .key = "by_status.suspended", .header = "挂起" },
	{ .key = "by_status.resolved", .header = "已完成" },
	{ .key = "by_status.confirmed", .header = "已确认" },
	{ .key = "by_status.cancelled", .header = "已取消" },
	{ .key = "accept.mean_min", .header = "平均受理时长（分钟）" },
	{ .key = "accept.p90_min", .header = "P90受理时长（分钟）" },
	{ .key = "accept_on_time_pct", .header = "受理及时率（%）" },
	{ .key = "resolve.mean_min", .header = "平均解决时长（分钟）" },
	{ .key = "resolve.p90_min", .header = "P90解决时长（分钟）" },
	{ .key = "resolve_on_time_pct", .header = "解决及时率（%）" },
	{ .key = "first_time_fix_pct", .header = "一次修复率（%）" },
	{ .key = "reopen_pct", .header = "返修率（%）" },
	{ .key = "satisfaction.mean", .header = "满意度（平均分）" },
	{ .key = "satisfaction.count", .header = "评价数" },
	{ .key = "stars.1", .header = "1星" },
	{ .key = "stars.2", .header = "2星" },
	{ .key = "stars.3", .header = "3星" },
	{ .key = "stars.4", .header = "4星" },
	{ .key = "stars.5", .header = "5星" },
	{ 0 }
};

static int
query_filter(struct req *rq, struct wo_stats_filter *f, struct err *e)
{
	static const char *const ids[] = { "category_id", "team_id", "worker_id", "location_id" };
	int64_t *dst[] = { &f->category_id, &f->team_id, &f->worker_id, &f->location_id };
	static const char *const groups[] = { "category", "team", "worker", "location", "month",
					      NULL };
	const char *group = req_query(rq, "group");
	struct err one = { 0 };
	int bad = 0;

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (req_query_i64(rq, ids[i], 1, INT64_MAX, dst[i], &one)) {
			err_field(e, ids[i], "应为正整数");
			bad = 1;
		}
	if (req_time_range(rq, &f->from, &f->to, e))
		bad = 1;
	if (group && *group) {
		int ok = 0;
		for (int i = 0; groups[i]; i++)
			ok |= strcmp(groups[i], group) == 0;
		if (!ok) {
			err_field(e, "group", "应为 category、team、worker、location 或 month");
			bad = 1;
		}
		f->group = group;
	}
	if (bad) {
		e->code = ERR_INVALID;
		e->slug = "invalid";
		err_msg_from_field(e);
		return ERR_INVALID;
	}
	return 0;
}

/* rate (0..1 or null) of obj[key] (or obj[sub][key]) as a percent with one decimal. */
static json_t *
pct(const json_t *obj, const char *sub, const char *key)
{
	const json_t *v = sub ? json_object_get(json_object_get(obj, sub), key)
			      : json_object_get(obj, key);

	if (!json_is_number(v))
		return json_null();
	return json_real((double)(int64_t)(json_number_value(v) * 1000.0 + 0.5) / 10.0);
}

/* One export row: the figures plus percentages and a stars object. */
static json_t *
export_row(json_t *g, const char *name)
{
	json_t *row = json_deep_copy(g), *stars = json_object();
	const json_t *dist = json_object_get(json_object_get(g, "satisfaction"), "distribution");
	char k[2] = "1";

	if (name)
		json_object_set_new(row, "name", json_string(name));
	json_object_set_new(row, "accept_on_time_pct", pct(g, "accept", "on_time_rate"));
	json_object_set_new(row, "resolve_on_time_pct", pct(g, "resolve", "on_time_rate"));
	json_object_set_new(row, "first_time_fix_pct", pct(g, NULL, "first_time_fix_rate"));
	json_object_set_new(row, "reopen_pct", pct(g, NULL, "reopen_rate"));
	for (int i = 0; i < 5; i++) {
		k[0] = (char)('1' + i);
		json_object_set(stars, k, json_array_get(dist, (size_t)i));
	}
	json_object_set_new(row, "stars", stars);
	return row;
}

int
wo_api_stats(struct req *rq, struct resp *rs, struct err *e)
{
	struct wo_stats_filter f;
	json_t *root, *items, *groups;
	char *text;
	size_t len;

	if (query_filter(rq, &f, e) || wo_stats_text(rq->db, rq->arena, rq->user, &f, &text, &len, e))
		return e->code;
	if (!rq->export_format)
		return resp_body(rs, 200, "application/json; charset=utf-8", text, len);
	root = json_loadb(text, len, 0, NULL);
	if (!root)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	items = json_array();
	groups = json_object_get(root, "groups");
	for (size_t i = 0; i < json_array_size(groups); i++)
		json_array_append_new(items, export_row(json_array_get(groups, i), NULL));
	json_array_append_new(items, export_row(root, "合计"));
	json_decref(root);
	return resp_json(rs, 200,
			 json_pack("{so sI}", "items", items, "total",
				   (json_int_t)json_array_size(items)));
}
