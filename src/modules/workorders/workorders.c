/*
** modules/workorders/workorders.c: the small core of 报修 that the other
** files of the module share: the status, action and priority codes, the SLA
** clock (wo_clock_*, the confirmation window), text checks and the order's
** JSON (one description for the tree and for a list page's text). Owns no
** table. The rest of the module, by seam:
**   workorders_flow.c   life cycle: transition table, wo_apply, wo_create
**   workorders_lists.c  reading: wo_get, visibility, wo_list and its filters
**   workorders_setup.c  categories, teams, duty roster
**   workorders_jobs.c, _pm.c, _stats.c, _gen.c, *_api.c  (see their headers)
*/
#include "modules/workorders/workorders.h"
#include "modules/workorders/workorders_int.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/files.h"
#include "core/json.h"
#include "core/jw.h"
#include "db/db.h"

#include <string.h>

const char *const wo_status_codes[] = { "submitted", "accepted", "dispatched", "in_progress",
					"suspended", "resolved", "confirmed", "cancelled", NULL };
const char *const wo_status_labels[] = { "已提交", "已受理", "已派单", "处理中",
					 "挂起", "已完成", "已确认", "已取消", NULL };
const char *const wo_action_codes[] = { "accept", "dispatch", "start", "suspend", "resume",
					"transfer", "resolve", "confirm", "reopen", "cancel",
					"auto_confirm", NULL };
const char *const wo_action_labels[] = { "受理", "派单", "开始处理", "挂起", "恢复处理",
					 "转派", "完成维修", "确认评价", "返修", "取消",
					 "自动确认", NULL };
const char *const wo_priority_codes[] = { "urgent", "high", "normal", "low", NULL };
const char *const wo_priority_labels[] = { "紧急", "高", "普通", "低", NULL };

/* Targets used when a category has no row for a priority (minutes). */
const struct wo_target wo_default_targets[WO_PRIORITY_N] = {
	{ 30, 240 }, { 60, 480 }, { 120, 1260 }, { 240, 2100 },
};

static int
code_index(const char *const *codes, const char *s)
{
	for (int i = 0; s && codes[i]; i++)
		if (strcmp(codes[i], s) == 0)
			return i;
	return -1;
}

int
wo_status_parse(const char *s)
{
	return code_index(wo_status_codes, s);
}

int
wo_action_parse(const char *s)
{
	return code_index(wo_action_codes, s);
}

int
wo_priority_parse(const char *s)
{
	return code_index(wo_priority_codes, s);
}

const char *
wo_label_of(const char *const *codes, const char *const *labels, const char *s)
{
	int i = code_index(codes, s);

	return i < 0 ? s : labels[i];
}

/* ---------- clock ---------- */

int64_t
wo_clock_add(const struct wo_clock *c, int64_t start, int64_t ms)
{
	if (ms < 0)
		ms = 0;	/* budget already spent: due at once */
	if (c->h24)
		return start > INT64_MAX - ms ? CAL_NEVER : start + ms;
	return cal_add_business_ms(c->cal, start, ms);
}

int64_t
wo_clock_between(const struct wo_clock *c, int64_t from, int64_t to)
{
	if (to <= from)
		return 0;
	if (c->h24)
		return to - from;
	return cal_business_ms_between(c->cal, from, to);
}

int64_t
wo_confirm_deadline(const struct cal *cal, int64_t resolved_at)
{
	int64_t day = date_to_days(cal_local_date(resolved_at));
	int found = 0;

	for (int guard = 0; found < WO_CONFIRM_DAYS && guard < 800; guard++) {
		day++;
		if (cal_is_workday(cal, days_to_date(day)))
			found++;
	}
	return (day + 1) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/* ---------- small helpers ---------- */

size_t
wo_utf8_len(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int
wo_blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

/* Optional text of at most max characters. */
int
wo_check_text(const char *s, size_t max, const char *field, struct err *e)
{
	if (s && wo_utf8_len(s) > max)
		return err_set(e, ERR_INVALID, field, "不能超过 %zu 个字", max);
	return 0;
}

/* Required text of at most max characters. */
int
wo_need_text(const char *s, size_t max, const char *field, const char *what, struct err *e)
{
	if (wo_blank(s))
		return err_set(e, ERR_INVALID, field, "请填写%s", what);
	return wo_check_text(s, max, field, e);
}

int
wo_nomem(struct err *e)
{
	return err_set(e, ERR_NOMEM, NULL, "out of memory");
}

/* Bind v, or NULL when v < 0 (measured figures not yet known). */
int
wo_bind_opt(struct stmt *st, const char *name, int64_t v, struct err *e)
{
	return v < 0 ? db_bind_null(st, name, e) : db_bind_i64(st, name, v, e);
}

json_t *
wo_ref_json(const struct wo_ref *r)
{
	if (!r->id)
		return json_null();
	return json_pack("{sI ss}", "id", (json_int_t)r->id, "name", r->name ? r->name : "");
}

/* ---------- JSON ---------- */

static json_t *
event_json(const struct wo_event *ev)
{
	json_t *data = ev->data ? json_loads(ev->data, 0, NULL) : NULL;
	int a = wo_action_parse(ev->action);

	return json_pack("{sI ss ss so ss so so so so}", "id", (json_int_t)ev->id, "action",
			 ev->action, "action_label",
			 a >= 0 ? wo_action_labels[a] : strcmp(ev->action, "create") == 0 ? "提交报修"
											: ev->action,
			 "from_status", jstr_or_null(ev->from_status), "to_status", ev->to_status,
			 "actor", wo_ref_json(&ev->actor), "note", jstr_or_null(ev->note), "data",
			 data ? data : json_null(), "created_at", jtime(ev->created_at));
}

/* {id, name} of r, or null when there is none. */
static void
write_ref(struct jw *w, const char *key, const struct wo_ref *r)
{
	if (!r->id) {
		jw_null(w, key);
		return;
	}
	jw_object(w, key);
	jw_int(w, "id", r->id);
	jw_str(w, "name", r->name ? r->name : "");
	jw_end(w);
}

/* An int (or a boolean), or null when negative: not known yet. */
static void
write_opt(struct jw *w, const char *key, int64_t v, int boolean)
{
	if (v < 0)
		jw_null(w, key);
	else if (boolean)
		jw_bool(w, key, (int)v);
	else
		jw_int(w, key, v);
}

/* The SLA clock and the times of the order's moves. */
static void
write_clock(struct jw *w, const struct workorder *o)
{
	jw_bool(w, "clock_24h", o->clock_24h);
	jw_int(w, "accept_target_min", o->accept_target_min);
	jw_int(w, "resolve_target_min", o->resolve_target_min);
	jw_time(w, "accept_due_at", o->accept_due_at);
	jw_time(w, "resolve_due_at", o->resolve_due_at);
	jw_bool(w, "overdue", o->overdue);
	write_opt(w, "accept_minutes", o->accept_minutes, 0);
	write_opt(w, "resolve_minutes", o->resolve_minutes, 0);
	write_opt(w, "accept_on_time", o->accept_on_time, 1);
	write_opt(w, "resolve_on_time", o->resolve_on_time, 1);
	jw_int(w, "reopen_count", o->reopen_count);
	jw_time(w, "accepted_at", o->accepted_at);
	jw_time(w, "dispatched_at", o->dispatched_at);
	jw_time(w, "started_at", o->started_at);
	jw_time(w, "resolved_at", o->resolved_at);
	jw_time(w, "confirmed_at", o->confirmed_at);
	jw_time(w, "closed_at", o->closed_at);
}

/* The order, written once for both the tree (wo_json) and a list page's text. */
static void
write_order(struct jw *w, const struct workorder *o)
{
	jw_object(w, NULL);
	jw_int(w, "id", o->id);
	jw_str(w, "code", o->code);
	jw_str(w, "title", o->title);
	jw_str(w, "description", o->description);
	jw_str(w, "priority", o->priority);
	jw_str(w, "priority_label", wo_label_of(wo_priority_codes, wo_priority_labels, o->priority));
	jw_str(w, "status", o->status);
	jw_str(w, "status_label", wo_label_of(wo_status_codes, wo_status_labels, o->status));
	jw_str(w, "source", o->source ? o->source : "web");
	write_ref(w, "category", &o->category);
	jw_object(w, "location");
	jw_int(w, "id", o->location.id);
	jw_str(w, "name", o->location.name ? o->location.name : "");
	jw_str(w, "path", o->location_path ? o->location_path : "");
	jw_end(w);
	write_ref(w, "requester", &o->requester);
	write_ref(w, "requester_dept", &o->requester_dept);
	write_ref(w, "owner", &o->owner);
	write_ref(w, "team", &o->team);
	write_ref(w, "worker", &o->worker);
	jw_str(w, "contact_phone", o->contact_phone);
	write_clock(w, o);
	jw_str(w, "suspend_reason", o->suspend_reason);
	jw_str(w, "resolution_notes", o->resolution_notes);
	jw_str(w, "parts", o->parts);
	write_opt(w, "rating", o->rating ? o->rating : -1, 0);
	jw_str(w, "rating_comment", o->rating_comment);
	jw_bool(w, "auto_confirmed", o->auto_confirmed);
	write_opt(w, "pm_plan_id", o->pm_plan_id ? o->pm_plan_id : -1, 0);
	jw_time(w, "created_at", o->created_at);
	jw_time(w, "updated_at", o->updated_at);
	if (o->timeline) {
		jw_array(w, "timeline");
		for (size_t i = 0; i < o->ntimeline; i++)
			jw_json(w, NULL, event_json(&o->timeline[i]));
		jw_end(w);
		jw_array(w, "allowed");
		for (int i = 0; o->allowed[i]; i++)
			jw_str(w, NULL, o->allowed[i]);
		jw_end(w);
	}
	if (o->photos)
		jw_json(w, "photos", o->photos);
	jw_end(w);
}

json_t *
wo_json(const struct workorder *o)
{
	struct jw w;

	jw_start(&w, NULL);
	write_order(&w, o);
	return jw_finish(&w);
}

void
wo_write_json(struct jw *w, const void *o)
{
	write_order(w, o);
}

/* The list view of o for the audit log (no timeline, photos, allowed). New reference. */
json_t *
wo_audit_json(const struct workorder *o)
{
	struct workorder v = *o;
	json_t *j;

	v.timeline = NULL;
	v.ntimeline = 0;
	v.photos = NULL;
	j = wo_json(&v);
	json_object_del(j, "overdue");	/* depends on when it is read, not on the change */
	return j;
}

