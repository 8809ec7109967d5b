/*
** modules/workorders/workorders_home.c: what 报修 puts on the 工作台: its
** counters (each the total of the very list the web links it to, run through
** wo_list with that list's filters), the requester's open orders, and the
** week's on-time rate and satisfaction for leaders (from wo_stats_text, the
** 报修统计 figures, so both pages agree and repeat visits hit its memo).
*/
#include "modules/workorders/workorders.h"
#include "modules/workorders/workorders_int.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/memo.h"
#include "db/db.h"
#include "module.h"
#include "modules/home/home.h"

#include <string.h>

/* total of the list f selects (limit 0: only its COUNT runs to completion) */
static int
list_total(struct db *db, struct arena *a, const struct actor *who, struct wo_filter *f,
	   int64_t *n, struct err *e)
{
	struct workorder *items;
	size_t k;

	f->limit = 0;
	f->offset = 0;
	return wo_list(db, a, who, f, &items, &k, n, e);
}

/* 待受理: the office queue filtered on 已提交 (/workorders/queue?status=submitted) */
static int
count_to_accept(struct db *db, struct arena *a, const struct actor *who, int64_t now,
		int64_t *n, struct err *e)
{
	struct wo_filter f = { .scope = WO_SCOPE_ALL, .status = "submitted" };

	(void)now;
	return list_total(db, a, who, &f, n, e);
}

/* 已超时: every order past a due time (/workorders/queue?overdue=1&status=) */
static int
count_overdue(struct db *db, struct arena *a, const struct actor *who, int64_t now,
	      int64_t *n, struct err *e)
{
	struct wo_filter f = { .scope = WO_SCOPE_ALL, .overdue = 1 };

	(void)now;
	return list_total(db, a, who, &f, n, e);
}

/*
** 我的待办: the worker's 待处理 tab (TasksPage: tasks in these three statuses);
** the list has no multi-status filter, so it is the sum of three lists.
*/
static int
count_my_tasks(struct db *db, struct arena *a, const struct actor *who, int64_t now,
	       int64_t *n, struct err *e)
{
	static const char *const active[] = { "dispatched", "in_progress", "suspended" };
	int64_t part;

	(void)now;
	*n = 0;
	for (size_t i = 0; i < sizeof(active) / sizeof(active[0]); i++) {
		struct wo_filter f = { .scope = WO_SCOPE_TASKS, .status = active[i] };

		if (list_total(db, a, who, &f, &part, e))
			return e->code;
		*n += part;
	}
	return 0;
}

/* 待我评价: my orders resolved and waiting for my confirmation (/workorders/mine?status=resolved) */
static int
count_to_rate(struct db *db, struct arena *a, const struct actor *who, int64_t now,
	      int64_t *n, struct err *e)
{
	struct wo_filter f = { .scope = WO_SCOPE_MINE, .status = "resolved" };

	(void)now;
	return list_total(db, a, who, &f, n, e);
}

/*
** 我的报修 that are still open (the list's "open", neither confirmed nor
** cancelled, spelt as the statuses left so that the (requester_id, status)
** index finds the few among a requester's many closed orders), newest first.
** Its own statements rather than wo_list: with no planner statistics SQLite
** answered the list's count through an (agency_id, ...) index, walking every
** order of the agency (0.23 s at 1M orders), and its page through the
** requester's every order. "+w.agency_id" keeps it off the agency's indexes.
*/
#define OPEN_STATUSES "('submitted', 'accepted', 'dispatched', 'in_progress', 'suspended', 'resolved')"
static const char sql_mine[] =
	"SELECT w.id, w.code, w.title, w.status, w.updated_at FROM workorder w"
	" WHERE w.id IN (SELECT x.id FROM workorder x WHERE x.requester_id = :me"
	" AND x.status IN " OPEN_STATUSES ") AND +w.agency_id = :agency"
	" ORDER BY w.created_at DESC, w.id DESC LIMIT :limit";
static const char sql_mine_count[] =
	"SELECT COUNT(*) FROM workorder w WHERE w.requester_id = :me"
	" AND w.status IN " OPEN_STATUSES " AND +w.agency_id = :agency";

static int
my_open_orders(struct db *db, struct arena *a, const struct actor *who, int64_t limit,
	       struct home_request **rows, size_t *n, int64_t *total, struct err *e)
{
	return home_requests_query(db, a, who, sql_mine_count, sql_mine, "workorder", limit, rows,
				   n, total, e);
}

/* One figure of 报修统计 over [from, to): *v and 1, or 0 when there is nothing to measure. */
static int
stats_figure(struct db *db, struct arena *a, const struct actor *who, int64_t from, int64_t to,
	     const char *obj, const char *field, double *v, int *has, struct err *e)
{
	struct wo_stats_filter f = { .from = from, .to = to };
	char *text;
	size_t len;
	json_t *doc, *x;

	if (wo_stats_text(db, a, who, &f, &text, &len, e))
		return e->code;
	doc = json_loadb(text, len, 0, NULL);
	if (!doc)
		return wo_nomem(e);
	x = json_object_get(json_object_get(doc, obj), field);
	*has = json_is_number(x);
	*v = *has ? json_number_value(x) : 0;
	json_decref(doc);
	return 0;
}

/* The week (today and the 6 days before, Shanghai days) and each of its days. */
static int
week_compute(struct db *db, struct arena *a, const struct actor *who, int64_t first,
	     const char *obj, const char *field, struct home_figure *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (stats_figure(db, a, who, first, first + HOME_DAYS * DAY_MS, obj, field, &out->value,
			 &out->has_value, e))
		return e->code;
	for (int d = 0; d < HOME_DAYS; d++)
		if (stats_figure(db, a, who, first + d * DAY_MS, first + (d + 1) * DAY_MS, obj,
				 field, &out->series[d], &out->has[d], e))
			return e->code;
	return 0;
}

/* A week figure as memo text: [value, [day, ...]], null where nothing was measured. */
static char *
week_text(struct arena *a, const struct home_figure *f)
{
	json_t *days = json_array();
	json_t *doc;
	char *text;

	for (int d = 0; days && d < HOME_DAYS; d++)
		json_array_append_new(days, f->has[d] ? json_real(f->series[d]) : json_null());
	doc = json_pack("[o, o*]", f->has_value ? json_real(f->value) : json_null(), days);
	text = doc ? jdump_api(a, doc) : NULL;
	json_decref(doc);
	return text;
}

static int
week_parse(const char *text, size_t len, struct home_figure *out, struct err *e)
{
	json_t *doc = json_loadb(text, len, 0, NULL);
	json_t *days = json_array_get(doc, 1);

	memset(out, 0, sizeof(*out));
	if (!doc)
		return wo_nomem(e);
	out->has_value = json_is_number(json_array_get(doc, 0));
	out->value = json_number_value(json_array_get(doc, 0));
	for (int d = 0; d < HOME_DAYS; d++) {
		out->has[d] = json_is_number(json_array_get(days, (size_t)d));
		out->series[d] = json_number_value(json_array_get(days, (size_t)d));
	}
	json_decref(doc);
	return 0;
}

/*
** week_compute, kept in the memo beside 报修统计 (same scope and version): its
** eight 报修统计 texts parsed afresh cost more than the rest of the 工作台.
*/
static int
week_figure(struct db *db, struct arena *a, const struct actor *who, int64_t now,
	    const char *obj, const char *field, struct home_figure *out, struct err *e)
{
	int64_t today = (now + SHANGHAI_OFFSET_MS) / DAY_MS * DAY_MS - SHANGHAI_OFFSET_MS;
	int64_t first = today - (HOME_DAYS - 1) * DAY_MS;
	char *scope, *key = NULL, *text;
	size_t len;
	int rc;

	if (wo_stats_memo_scope(db, a, who, &scope, e))
		return e->code;
	if (scope) {
		key = arena_printf(a, "wo.home|%s.%s|%s|%lld", obj, field, scope, (long long)first);
		if (!key)
			return wo_nomem(e);
		if (memo_get_or_claim(db_memo(db), key, a, &text, &len))
			return week_parse(text, len, out, e);
	}
	rc = week_compute(db, a, who, first, obj, field, out, e);
	text = rc || !key ? NULL : week_text(a, out);
	if (text)
		memo_put(db_memo(db), key, text, strlen(text));
	if (key)
		memo_unclaim(db_memo(db), key);
	return rc;
}

/* 按时完成率: resolved within the SLA / resolved orders with the flag set */
static int
on_time_rate(struct db *db, struct arena *a, const struct actor *who, int64_t now,
	     struct home_figure *out, struct err *e)
{
	return week_figure(db, a, who, now, "resolve", "on_time_rate", out, e);
}

/* 满意度: the mean rating (1..5) */
static int
satisfaction(struct db *db, struct arena *a, const struct actor *who, int64_t now,
	     struct home_figure *out, struct err *e)
{
	return week_figure(db, a, who, now, "satisfaction", "mean", out, e);
}

#define WO_MANAGERS (ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR)

const struct module_counter wo_home_counters[] = {
	{ "wo_to_accept", ROLE_OFFICE, count_to_accept },
	{ "wo_overdue", WO_MANAGERS, count_overdue },
	{ "wo_my_tasks", ROLE_WORKER, count_my_tasks },
	{ "wo_to_rate", ROLE_BUSINESS_READERS, count_to_rate },
	{ 0 }
};

const struct module_requests wo_home_requests = { ROLE_BUSINESS_READERS, my_open_orders };

const struct module_figure wo_home_figures[] = {
	{ "wo_on_time_rate", "percent", WO_MANAGERS, on_time_rate },
	{ "wo_satisfaction", "score", WO_MANAGERS, satisfaction },
	{ 0 }
};
