/*
** modules/notifications/notifications_api.c: the inbox and the live event
** stream over HTTP. Thin: parse -> core/notify.c (or http/sse.c) -> encode.
** Every route is for any logged-in user and only ever touches the caller's
** own notifications (the domain functions scope by rq->user->id), so another
** user's id is a 404, never a 403.
*/
#include "http/router.h"
#include "core/validate.h"
#include "core/export.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/notify.h"
#include "core/parse.h"
#include "http/req.h"
#include "http/resp.h"
#include "http/sse.h"
#include "modules.h"

#include <string.h>

/* 我的通知 export (GET /api/v1/notifications?format=csv|xlsx). */
static const char *const read_codes[] = { "true", "false", NULL };
static const char *const read_labels[] = { "已读", "未读", NULL };
static const struct export_col notif_cols[] = {
	{ .key = "title", .header = "标题" },
	{ .key = "body", .header = "内容", .width = 60 },
	{ .key = "read", .header = "状态", .kind = EXP_BOOL, .codes = read_codes,
	  .labels = read_labels },
	{ .key = "created_at", .header = "时间", .kind = EXP_TIME },
	{ 0 }
};

/* ROUTE: GET /api/v1/notifications?unread=true|false&page=&per_page= */
static int
notif_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct notify_filter f = { 0 };
	const char *unread = req_query(rq, "unread");
	struct notification *items;
	struct page pg;
	int64_t total;
	size_t n;
	json_t *arr;

	if (req_page(rq, &pg, e))
		return e->code;
	if (unread && *unread) {
		if (strcmp(unread, "true") != 0 && strcmp(unread, "false") != 0)
			return err_set(e, ERR_INVALID, "unread", "应为 true 或 false");
		f.unread_only = strcmp(unread, "true") == 0;
	}
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (notify_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, notify_json(&items[i], rq->lang));
	return resp_list(rs, arr, total, pg.page, pg.per_page);
}

/* ROUTE: GET /api/v1/notifications/unread-count   (the header bell) */
static int
notif_api_unread_count(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t count;

	if (notify_unread_count(rq->db, rq->user, &count, e))
		return e->code;
	return resp_json(rs, 200, json_pack("{sI}", "count", (json_int_t)count));
}

/* ROUTE: POST /api/v1/notifications/:id/read   tx: write (audited) */
static int
notif_api_read(struct req *rq, struct resp *rs, struct err *e)
{
	struct notification n;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || notify_mark_read(rq->db, rq->arena, rq->user, id, &n, e))
		return e->code;
	return resp_json(rs, 200, notify_json(&n, rq->lang));
}

/* ROUTE: POST /api/v1/notifications/read-all   tx: write (audited when any changed) */
static int
notif_api_read_all(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t changed;

	if (notify_mark_all_read(rq->db, rq->user, &changed, e))
		return e->code;
	return resp_json(rs, 200, json_pack("{sI}", "updated", (json_int_t)changed));
}

/*
** Resume point: the Last-Event-ID header an EventSource sends when it
** reconnects, else ?last_event_id= (a fresh EventSource made by web/src/live.js
** after an error); -1 when neither is given.
*/
static int
last_event_id(const struct req *rq, int64_t *out, struct err *e)
{
	const char *h = req_header(rq, "Last-Event-ID");

	*out = -1;
	if (h && *h) {
		if (parse_i64(h, 0, INT64_MAX, out))
			return err_set(e, ERR_INVALID, "last_event_id", "Last-Event-ID 应为事件编号");
		return 0;
	}
	return req_query_i64(rq, "last_event_id", 0, INT64_MAX, out, e);
}

/*
** The stream's check for an event about a record: the entity's history
** rule (module_history: its roles, then its visible()), the same rule that
** guards the record's own history page. An entity without one is never sent.
*/
static int
event_visible(struct db *db, struct arena *a, const struct actor *who, const char *entity,
	      int64_t id)
{
	const struct module_history *h = modules_history_find(entity);
	struct err e = { 0 };
	int rc;

	if (!h || !h->visible || (h->roles && !actor_has(who, h->roles)))
		return 0;
	rc = h->visible(db, a, who, id, &e);
	return rc == 0 ? 1 : rc == ERR_NOT_FOUND || rc == ERR_FORBIDDEN ? 0 : rc;
}

/*
** ROUTE: GET /api/v1/events   text/event-stream (see http/sse.h)
** Without a resume point the stream starts at the newest event: history is
** not replayed. A resume point past the newest event (a restored database)
** also starts there.
*/
static int
notif_api_events(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t last, head;

	if (last_event_id(rq, &last, e) || notify_event_head(rq->db, &head, e))
		return e->code;
	return sse_open(rq, rs, last >= 0 && last < head ? last : head, event_visible, e);
}

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route notifications_routes[] = {
	{ "GET", "/api/v1/notifications", notif_api_list, ANY_USER, 0, "我的通知", NULL, notif_cols, 0 },
	{ "GET", "/api/v1/notifications/unread-count", notif_api_unread_count, ANY_USER, 0, "未读通知数", NULL, NULL, 0 },
	{ "POST", "/api/v1/notifications/:id/read", notif_api_read, ANY_USER, R_WRITE, "标记通知已读", NULL, NULL, 0 },
	{ "POST", "/api/v1/notifications/read-all", notif_api_read_all, ANY_USER, R_WRITE, "全部标记已读", NULL, NULL, 0 },
	{ "GET", "/api/v1/events", notif_api_events, ANY_USER, 0, "实时事件流（SSE：通知与数据变更）", NULL, NULL, 0 },
	{ 0 }
};
