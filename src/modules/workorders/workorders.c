/*
** modules/workorders/workorders.c: 报修 work orders: the transition table,
** wo_apply() (the one function that changes an order's status), creation
** with code and SLA due times, reading with visibility, lists, and the
** categories, teams and duty roster. Owns tables workorder, wo_event,
** wo_category, wo_sla_target, wo_team, wo_team_member, wo_duty.
**
** The SLA clock of an order (see workorders.h): accept_due_at is set at
** creation and cleared at acceptance; the resolve clock runs over
** intervals [run_started_at, ...): resolve_used_ms holds the clock time of
** the closed intervals, resolve_due_at is NULL whenever run_started_at is.
*/
#include "modules/workorders/workorders.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/files.h"
#include "core/json.h"
#include "core/jw.h"
#include "core/msg.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define MIN_MS 60000LL
#define DAY_MS 86400000LL
#define OFFSET_MS (8 * 3600000LL)	/* Asia/Shanghai, no DST */
#define PHONE_MAX 32
#define NAME_MAX 32			/* category and team names, characters */
#define TEAM_MEMBERS_MAX 200
#define NOTIFY_MAX 64			/* recipients of one notification burst */

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
static const struct wo_target default_targets[WO_PRIORITY_N] = {
	{ 30, 240 }, { 60, 480 }, { 120, 1260 }, { 240, 2100 },
};

/* ---------- the transition table ---------- */

#define B(s) (1u << (s))
static const struct wo_transition transitions[] = {
	{ WO_A_ACCEPT, B(WO_SUBMITTED), WO_ACCEPTED, WO_P_OFFICE },
	{ WO_A_DISPATCH, B(WO_ACCEPTED), WO_DISPATCHED, WO_P_OFFICE },
	{ WO_A_START, B(WO_DISPATCHED), WO_IN_PROGRESS, WO_P_WORKER },
	{ WO_A_SUSPEND, B(WO_DISPATCHED) | B(WO_IN_PROGRESS), WO_SUSPENDED,
	  WO_P_WORKER | WO_P_OFFICE },
	/* back to the status it was suspended from (dispatched or in_progress) */
	{ WO_A_RESUME, B(WO_SUSPENDED), WO_IN_PROGRESS, WO_P_WORKER | WO_P_OFFICE },
	{ WO_A_TRANSFER, B(WO_DISPATCHED) | B(WO_IN_PROGRESS), WO_DISPATCHED,
	  WO_P_WORKER | WO_P_OFFICE },
	{ WO_A_RESOLVE, B(WO_IN_PROGRESS), WO_RESOLVED, WO_P_WORKER },
	{ WO_A_CONFIRM, B(WO_RESOLVED), WO_CONFIRMED, WO_P_REQUESTER },
	{ WO_A_REOPEN, B(WO_RESOLVED), WO_DISPATCHED, WO_P_REQUESTER },
	{ WO_A_CANCEL, B(WO_SUBMITTED), WO_CANCELLED, WO_P_REQUESTER | WO_P_OFFICE },
	{ WO_A_CANCEL, B(WO_ACCEPTED) | B(WO_DISPATCHED) | B(WO_IN_PROGRESS) | B(WO_SUSPENDED),
	  WO_CANCELLED, WO_P_OFFICE },
	{ WO_A_AUTO_CONFIRM, B(WO_RESOLVED), WO_CONFIRMED, WO_P_SYSTEM },
};
#undef B

const struct wo_transition *
wo_transition_find(enum wo_action action, enum wo_status from)
{
	if ((int)from < 0 || from >= WO_STATUS_N)
		return NULL;
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (transitions[i].action == action && (transitions[i].from & (1u << from)))
			return &transitions[i];
	return NULL;
}

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

static const char *
label_of(const char *const *codes, const char *const *labels, const char *s)
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
	return (day + 1) * DAY_MS - OFFSET_MS;
}

/* ---------- small helpers ---------- */

static size_t
utf8_len(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int
blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

/* Optional text of at most max characters. */
static int
check_text(const char *s, size_t max, const char *field, struct err *e)
{
	if (s && utf8_len(s) > max)
		return err_set(e, ERR_INVALID, field, "不能超过 %zu 个字", max);
	return 0;
}

/* Required text of at most max characters. */
static int
need_text(const char *s, size_t max, const char *field, const char *what, struct err *e)
{
	if (blank(s))
		return err_set(e, ERR_INVALID, field, "请填写%s", what);
	return check_text(s, max, field, e);
}

static void *
grow(struct arena *a, void *items, size_t *cap, size_t n, size_t size)
{
	void *bigger;

	if (n < *cap)
		return items;
	bigger = arena_array(a, *cap * 2, size);
	if (bigger && n)
		memcpy(bigger, items, n * size);
	*cap *= 2;
	return bigger;
}

static int
nomem(struct err *e)
{
	return err_set(e, ERR_NOMEM, NULL, "out of memory");
}

/* Bind v, or NULL when v < 0 (measured figures not yet known). */
static int
bind_opt(struct stmt *st, const char *name, int64_t v, struct err *e)
{
	return v < 0 ? db_bind_null(st, name, e) : db_bind_i64(st, name, v, e);
}

static json_t *
ref_json(const struct wo_ref *r)
{
	if (!r->id)
		return json_null();
	return json_pack("{sI ss}", "id", (json_int_t)r->id, "name", r->name ? r->name : "");
}

/* ---------- reading orders ---------- */

#define WO_COLS                                                                              \
	"w.id, w.agency_id, w.code, w.title, w.description, w.priority, w.contact_phone,"    \
	" w.status, w.source, w.category_id, c.name, w.location_id, l.name, lp.name,"        \
	" lg.name, w.requester_id, ru.display_name, COALESCE(w.requester_dept_id, 0),"       \
	" d.name, COALESCE(w.owner_id, 0), ou.display_name, COALESCE(w.team_id, 0), t.name," \
	" COALESCE(w.worker_id, 0), wu.display_name, w.clock_24h, w.accept_target_min,"      \
	" w.resolve_target_min, COALESCE(w.accept_due_at, 0), COALESCE(w.resolve_due_at, 0),"\
	" w.resolve_used_ms, COALESCE(w.run_started_at, 0), COALESCE(w.accept_minutes, -1),"  \
	" COALESCE(w.resolve_minutes, -1), COALESCE(w.accept_on_time, -1),"                  \
	" COALESCE(w.resolve_on_time, -1), w.reopen_count, COALESCE(w.accepted_at, 0),"      \
	" COALESCE(w.dispatched_at, 0), COALESCE(w.started_at, 0),"                          \
	" COALESCE(w.resolved_at, 0), COALESCE(w.confirmed_at, 0), COALESCE(w.closed_at, 0),"\
	" w.suspend_reason, w.resolution_notes, w.parts, COALESCE(w.rating, 0),"             \
	" w.rating_comment, w.auto_confirmed, COALESCE(w.pm_plan_id, 0), w.created_at,"      \
	" w.updated_at, COALESCE(w.created_by, 0)"
#define WO_FROM                                                                              \
	" FROM workorder w JOIN wo_category c ON c.id = w.category_id"                      \
	" JOIN location l ON l.id = w.location_id LEFT JOIN location lp ON lp.id = l.parent_id"\
	" LEFT JOIN location lg ON lg.id = lp.parent_id"                                     \
	" JOIN app_user ru ON ru.id = w.requester_id"                                        \
	" LEFT JOIN department d ON d.id = w.requester_dept_id"                              \
	" LEFT JOIN app_user ou ON ou.id = w.owner_id LEFT JOIN wo_team t ON t.id = w.team_id"\
	" LEFT JOIN app_user wu ON wu.id = w.worker_id"

static const char sql_get[] = "SELECT " WO_COLS WO_FROM " WHERE w.id = :id";
static const char sql_events[] =
	"SELECT e.id, e.action, e.from_status, e.to_status, COALESCE(e.actor_id, 0),"
	" u.display_name, e.note, e.data, e.created_at FROM wo_event e"
	" LEFT JOIN app_user u ON u.id = e.actor_id WHERE e.workorder_id = :id ORDER BY e.id";
static const char sql_member[] =
	"SELECT 1 FROM wo_team_member WHERE team_id = :team AND user_id = :user";

static void
ref_row(struct stmt *st, struct arena *a, int col, struct wo_ref *r)
{
	r->id = db_col_i64(st, col);
	r->name = r->id ? db_col_text(st, a, col + 1) : NULL;
}

static void
order_row(struct stmt *st, struct arena *a, struct workorder *o)
{
	const char *room, *floor, *bldg;

	memset(o, 0, sizeof(*o));
	o->id = db_col_i64(st, 0);
	o->agency_id = db_col_i64(st, 1);
	o->code = db_col_text(st, a, 2);
	o->title = db_col_text(st, a, 3);
	o->description = db_col_text(st, a, 4);
	o->priority = db_col_text(st, a, 5);
	o->contact_phone = db_col_text(st, a, 6);
	o->status = db_col_text(st, a, 7);
	o->source = db_col_text(st, a, 8);
	ref_row(st, a, 9, &o->category);
	o->location.id = db_col_i64(st, 11);
	room = db_col_text(st, a, 12);
	floor = db_col_text(st, a, 13);
	bldg = db_col_text(st, a, 14);
	o->location.name = room;
	if (bldg)
		o->location_path = arena_printf(a, "%s / %s / %s", bldg, floor, room);
	else if (floor)
		o->location_path = arena_printf(a, "%s / %s", floor, room);
	else
		o->location_path = room;
	ref_row(st, a, 15, &o->requester);
	ref_row(st, a, 17, &o->requester_dept);
	ref_row(st, a, 19, &o->owner);
	ref_row(st, a, 21, &o->team);
	ref_row(st, a, 23, &o->worker);
	o->clock_24h = (int)db_col_i64(st, 25);
	o->accept_target_min = db_col_i64(st, 26);
	o->resolve_target_min = db_col_i64(st, 27);
	o->accept_due_at = db_col_i64(st, 28);
	o->resolve_due_at = db_col_i64(st, 29);
	o->resolve_used_ms = db_col_i64(st, 30);
	o->run_started_at = db_col_i64(st, 31);
	o->accept_minutes = db_col_i64(st, 32);
	o->resolve_minutes = db_col_i64(st, 33);
	o->accept_on_time = (int)db_col_i64(st, 34);
	o->resolve_on_time = (int)db_col_i64(st, 35);
	o->reopen_count = db_col_i64(st, 36);
	o->accepted_at = db_col_i64(st, 37);
	o->dispatched_at = db_col_i64(st, 38);
	o->started_at = db_col_i64(st, 39);
	o->resolved_at = db_col_i64(st, 40);
	o->confirmed_at = db_col_i64(st, 41);
	o->closed_at = db_col_i64(st, 42);
	o->suspend_reason = db_col_text(st, a, 43);
	o->resolution_notes = db_col_text(st, a, 44);
	o->parts = db_col_text(st, a, 45);
	o->rating = db_col_i64(st, 46);
	o->rating_comment = db_col_text(st, a, 47);
	o->auto_confirmed = (int)db_col_i64(st, 48);
	o->pm_plan_id = db_col_i64(st, 49);
	o->created_at = db_col_i64(st, 50);
	o->updated_at = db_col_i64(st, 51);
	o->created_by = db_col_i64(st, 52);
}

static void
set_overdue(struct workorder *o, int64_t now)
{
	o->overdue = (o->accept_due_at && now > o->accept_due_at) ||
		     (o->resolve_due_at && now > o->resolve_due_at);
}

/* The order without visibility checks. ERR_NOT_FOUND. */
static int
fetch(struct db *db, struct arena *a, int64_t id, struct workorder *o, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_get, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		order_row(&st, a, o);
		set_overdue(o, now_ms());
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "报修单不存在");
	return rc;
}

/* 1 when user is a member of team, 0 when not, negative on error. */
static int
is_member(struct db *db, int64_t team, int64_t user, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	if (!team || !user)
		return 0;
	rc = db_prepare(db, &st, sql_member, e) || db_bind_i64(&st, ":team", team, e) ||
	     db_bind_i64(&st, ":user", user, e) ? e->code : db_step(&st, e);
	db_finalize(&st);
	return rc;
}

/* 1 when who may read o (rules in workorders.h), 0 when not, negative on error. */
static int
can_see(struct db *db, const struct actor *who, const struct workorder *o, struct err *e)
{
	if (!who)
		return 1;	/* the system */
	if (o->agency_id != who->agency_id)
		return 0;
	if (o->requester.id == who->id || o->owner.id == who->id || o->worker.id == who->id)
		return 1;
	if (actor_has(who, ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR))
		return 1;
	if (actor_has(who, ROLE_DEPT_HEAD) && o->requester_dept.id &&
	    o->requester_dept.id == who->department_id)
		return 1;
	if (actor_has(who, ROLE_WORKER))
		return is_member(db, o->team.id, who->id, e);
	return 0;
}

/* Which parties of the transition table who is for o. */
static int
parties_of(struct db *db, const struct actor *who, const struct workorder *o, unsigned *out,
	   struct err *e)
{
	int m;

	*out = 0;
	if (!who) {
		*out = WO_P_SYSTEM;
		return 0;
	}
	if (o->agency_id != who->agency_id)
		return 0;
	if (actor_has(who, ROLE_OFFICE))
		*out |= WO_P_OFFICE;
	if (o->requester.id == who->id)
		*out |= WO_P_REQUESTER;
	if (o->worker.id == who->id) {
		*out |= WO_P_WORKER;
	} else if (!o->worker.id && o->team.id) {
		m = is_member(db, o->team.id, who->id, e);
		if (m < 0)
			return m;
		if (m)
			*out |= WO_P_WORKER;
	}
	return 0;
}

static int
load_timeline(struct db *db, struct arena *a, struct workorder *o, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 16;
	int rc;

	o->ntimeline = 0;
	o->timeline = arena_array(a, cap, sizeof(*o->timeline));
	if (!o->timeline)
		return nomem(e);
	rc = db_prepare(db, &st, sql_events, e) || db_bind_i64(&st, ":id", o->id, e) ? e->code : 0;
	while (!rc && (rc = db_step(&st, e)) == 1) {
		struct wo_event *ev;

		o->timeline = grow(a, o->timeline, &cap, o->ntimeline, sizeof(*ev));
		if (!o->timeline) {
			rc = nomem(e);
			break;
		}
		ev = &o->timeline[o->ntimeline++];
		ev->id = db_col_i64(&st, 0);
		ev->action = db_col_text(&st, a, 1);
		ev->from_status = db_col_text(&st, a, 2);
		ev->to_status = db_col_text(&st, a, 3);
		ref_row(&st, a, 4, &ev->actor);
		ev->note = db_col_text(&st, a, 6);
		ev->data = db_col_text(&st, a, 7);
		ev->created_at = db_col_i64(&st, 8);
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static int
load_photos(struct db *db, struct arena *a, const struct actor *who, struct workorder *o,
	    struct err *e)
{
	struct actor sys = { .agency_id = o->agency_id };
	struct files_meta *items;
	size_t n;

	if (files_list_owner(db, a, who ? who : &sys, "workorder", o->id, &items, &n, e))
		return e->code;
	o->photos = jarena(a, json_array());
	if (!o->photos)
		return nomem(e);
	json_incref(o->photos);	/* one reference for the arena, one for wo_json to steal */
	for (size_t i = 0; i < n; i++)
		json_array_append_new(o->photos, files_meta_json(&items[i]));
	return 0;
}

static int
fill_allowed(struct db *db, struct arena *a, const struct actor *who, struct workorder *o,
	     struct err *e)
{
	unsigned parties;
	int st = wo_status_parse(o->status), k = 0;
	struct cal cal;
	int have_cal = 0;

	if (parties_of(db, who, o, &parties, e))
		return e->code;
	for (int i = 0; i < WO_A_AUTO_CONFIRM; i++) {
		const struct wo_transition *t = wo_transition_find((enum wo_action)i,
								   (enum wo_status)st);
		if (!t || !(t->parties & parties))
			continue;
		if (i == WO_A_REOPEN) {
			if (!have_cal && cal_load(db, a, &cal, e))
				return e->code;
			have_cal = 1;
			if (now_ms() >= wo_confirm_deadline(&cal, o->resolved_at))
				continue;
		}
		o->allowed[k++] = wo_action_codes[i];
	}
	o->allowed[k] = NULL;
	return 0;
}

int
wo_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
       struct workorder *out, struct err *e)
{
	int ok;

	if (fetch(db, a, id, out, e))
		return e->code;
	ok = can_see(db, who, out, e);
	if (ok < 0)
		return ok;
	if (!ok)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "报修单不存在");
	if (load_timeline(db, a, out, e) || load_photos(db, a, who, out, e))
		return e->code;
	if (fill_allowed(db, a, who, out, e)) {
		json_decref(out->photos);	/* the caller's reference: nobody will steal it */
		out->photos = NULL;
		return e->code;
	}
	return 0;
}

int
wo_can_read(struct db *db, const struct actor *who, int64_t id)
{
	struct arena *a = arena_new(4096);
	struct workorder o;
	struct err e = { 0 };
	int rc;

	if (!a)
		return ERR_NOMEM;
	rc = fetch(db, a, id, &o, &e);
	if (rc == ERR_NOT_FOUND)
		rc = 0;
	else if (!rc)
		rc = can_see(db, who, &o, &e);
	arena_free(a);
	return rc;
}

int
wo_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e)
{
	struct workorder o;
	int ok;

	if (fetch(db, a, id, &o, e))
		return e->code;
	ok = can_see(db, who, &o, e);
	if (ok < 0)
		return ok;
	return ok ? 0 : err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "报修单不存在");
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
			 "actor", ref_json(&ev->actor), "note", jstr_or_null(ev->note), "data",
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
	jw_str(w, "priority_label", label_of(wo_priority_codes, wo_priority_labels, o->priority));
	jw_str(w, "status", o->status);
	jw_str(w, "status_label", label_of(wo_status_codes, wo_status_labels, o->status));
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
static json_t *
audit_json(const struct workorder *o)
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

/* ---------- writing: shared pieces ---------- */

static const char sql_event_insert[] =
	"INSERT INTO wo_event (workorder_id, action, from_status, to_status, actor_id, note,"
	" data, created_at) VALUES (:wo, :action, :from, :to, :actor, :note, :data, :now)";
/* from the few office roles to their users (CROSS JOIN keeps that order), not from every user */
static const char sql_office_users[] =
	"SELECT u.id FROM user_role r CROSS JOIN app_user u ON u.id = r.user_id"
	" WHERE r.role = 'office' AND u.agency_id = :key AND u.active = 1"
	" AND u.deleted_at IS NULL ORDER BY r.user_id";
static const char sql_team_users[] =
	"SELECT u.id FROM wo_team_member m JOIN app_user u ON u.id = m.user_id"
	" WHERE m.team_id = :key AND u.active = 1 AND u.deleted_at IS NULL ORDER BY u.id";
static const char sql_worker_name[] =
	"SELECT u.display_name FROM app_user u JOIN user_role r ON r.user_id = u.id"
	" AND r.role = 'worker' WHERE u.id = :id AND u.agency_id = :agency AND u.active = 1"
	" AND u.deleted_at IS NULL";
static const char sql_team_name[] =
	"SELECT name FROM wo_team WHERE id = :id AND agency_id = :agency AND active = 1";
static const char sql_worker_team[] =
	"SELECT m.team_id, t.name FROM wo_team_member m JOIN wo_team t ON t.id = m.team_id"
	" WHERE m.user_id = :id AND t.agency_id = :agency AND t.active = 1"
	" ORDER BY CASE WHEN m.team_id = :pref THEN 0 ELSE 1 END, m.team_id LIMIT 1";

static int
event_add(struct db *db, int64_t wo, const char *action, const char *from, const char *to,
	  int64_t actor, const char *note, const char *data, int64_t now, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_event_insert, e) || db_bind_i64(&st, ":wo", wo, e) ||
		 db_bind_text(&st, ":action", action, e) || db_bind_text(&st, ":from", from, e) ||
		 db_bind_text(&st, ":to", to, e) || db_bind_id_or_null(&st, ":actor", actor, e) ||
		 db_bind_text(&st, ":note", blank(note) ? NULL : note, e) ||
		 db_bind_text(&st, ":data", data, e) || db_bind_i64(&st, ":now", now, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* Ids the query (one :key bind) returns, appended to ids[*n..NOTIFY_MAX). */
static int
ids_of(struct db *db, const char *sql, int64_t key, int64_t *ids, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":key", key, e) ? e->code : 0;

	while (!rc && (rc = db_step(&st, e)) == 1) {
		if (*n < NOTIFY_MAX)
			ids[(*n)++] = db_col_i64(&st, 0);
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* Add id to the recipient set (no duplicates, never the actor, never 0). */
static void
add_to(int64_t *ids, size_t *n, int64_t id, const struct actor *who)
{
	if (!id || (who && who->id == id) || *n >= NOTIFY_MAX)
		return;
	for (size_t i = 0; i < *n; i++)
		if (ids[i] == id)
			return;
	ids[(*n)++] = id;
}

static int
send_all(struct db *db, const struct actor *who, const int64_t *ids, size_t n, const char *kind,
	 struct msg_text title, struct msg_text body, int64_t wo, struct err *e)
{
	for (size_t i = 0; i < n; i++)
		if (notify_send_text(db, who, ids[i], kind, title, body, "workorder", wo, e))
			return e->code;
	return 0;
}

/* The assignee named by worker_id xor team_id, checked; names into *worker / *team. */
static int
check_assignee(struct db *db, struct arena *a, int64_t agency, int64_t worker_id,
	       int64_t team_id, int64_t cur_team, struct wo_ref *worker, struct wo_ref *team,
	       struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	memset(worker, 0, sizeof(*worker));
	memset(team, 0, sizeof(*team));
	if ((worker_id > 0) == (team_id > 0))
		return err_setx(e, ERR_INVALID, "invalid", "worker_id",
				"请选择维修人员或班组（二选一）");
	if (worker_id > 0) {
		rc = db_prepare(db, &st, sql_worker_name, e) || db_bind_i64(&st, ":id", worker_id, e) ||
		     db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;
		if (!rc) {
			worker->id = worker_id;
			worker->name = db_col_text(&st, a, 0);
		}
		db_finalize(&st);
		if (rc == ERR_NOT_FOUND)
			return err_setx(e, ERR_INVALID, "invalid", "worker_id",
					"维修人员不存在或已停用");
		if (rc)
			return rc;
		/* the worker's team for the statistics: the current one if they belong to it */
		rc = db_prepare(db, &st, sql_worker_team, e) || db_bind_i64(&st, ":id", worker_id, e) ||
		     db_bind_i64(&st, ":agency", agency, e) || db_bind_i64(&st, ":pref", cur_team, e)
			     ? e->code : db_step(&st, e);
		if (rc == 1) {
			team->id = db_col_i64(&st, 0);
			team->name = db_col_text(&st, a, 1);
			rc = 0;
		}
		db_finalize(&st);
		return rc;
	}
	rc = db_prepare(db, &st, sql_team_name, e) || db_bind_i64(&st, ":id", team_id, e) ||
	     db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc) {
		team->id = team_id;
		team->name = db_col_text(&st, a, 0);
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", "team_id", "班组不存在或已停用");
	return rc;
}

static char *
assignee_data(struct arena *a, const struct wo_ref *worker, const struct wo_ref *team)
{
	json_t *j = json_pack("{so so}", "worker", ref_json(worker), "team", ref_json(team));

	return jdump(a, jarena(a, j));
}

static int
attach_photos(struct db *db, const struct actor *who, const int64_t *ids, size_t n, int64_t wo,
	      struct err *e)
{
	if (n > WO_PHOTOS_MAX)
		return err_set(e, ERR_INVALID, "attachment_ids", "最多上传 %d 张照片", WO_PHOTOS_MAX);
	for (size_t i = 0; i < n; i++) {
		if (ids[i] <= 0)
			return err_set(e, ERR_INVALID, "attachment_ids", "照片编号无效");
		if (files_attach_kind(db, who, ids[i], "photo", "workorder", wo, e)) {
			if (e->code != ERR_DB && e->code != ERR_NOMEM && !e->nfields)
				err_field(e, "attachment_ids", "%s", e->msg);
			return e->code;
		}
	}
	return 0;
}

/* ---------- create ---------- */

static const char sql_category_for_order[] =
	"SELECT safety, COALESCE(default_team_id, 0) FROM wo_category"
	" WHERE id = :id AND agency_id = :agency AND active = 1";
static const char sql_location_ok[] =
	"SELECT 1 FROM location WHERE id = :id AND agency_id = :agency AND active = 1";
static const char sql_target[] =
	"SELECT accept_min, resolve_min FROM wo_sla_target"
	" WHERE category_id = :id AND priority = :prio";
static const char sql_code_bump[] =
	"UPDATE wo_code_seq SET last = last + :n WHERE day = :day RETURNING last";
static const char sql_code_first[] =
	"INSERT INTO wo_code_seq (day, last) SELECT :day, COALESCE(MAX(CAST(SUBSTR(code, 13)"
	" AS INTEGER)), 0) + :n FROM workorder WHERE code >= :lo AND code < :hi RETURNING last";
static const char sql_insert[] =
	"INSERT INTO workorder (agency_id, code, category_id, location_id, title, description,"
	" priority, contact_phone, status, source, requester_id, requester_dept_id, team_id,"
	" worker_id, clock_24h, accept_target_min, resolve_target_min, accept_due_at,"
	" resolve_due_at, resolve_used_ms, run_started_at, accept_minutes, accept_on_time,"
	" accepted_at, dispatched_at, created_at, updated_at, created_by)"
	" VALUES (:agency, :code, :cat, :loc, :title, :descr, :prio, :phone, :status, :source,"
	" :who, :dept, :team, :worker, :h24, :atarget, :rtarget, :adue, :rdue, 0, :now,"
	" :amin, :aontime, :accepted, :dispatched, :now, :now, :who)";

/*
** Numbers for n new codes WO-<date>-NNNN: *first is the first. wo_code_seq
** keeps each day's last number (a scan of the day's codes only for the
** day's first order, which also carries on from codes written before the
** table existed). Must run in the write transaction.
*/
int
wo_code_reserve(struct db *db, int date, int64_t n, int64_t *first, struct err *e)
{
	struct stmt st = { 0 };
	char lo[24], hi[24];
	int64_t last = 0;
	int rc;

	assert(db_in_tx(db) && n > 0);
	snprintf(lo, sizeof(lo), "WO-%08d-", date);
	snprintf(hi, sizeof(hi), "WO-%08d.", date);
	rc = db_prepare(db, &st, sql_code_bump, e) || db_bind_i64(&st, ":n", n, e) ||
	     db_bind_i64(&st, ":day", date, e) ? e->code : db_step(&st, e);
	if (rc == 1)
		last = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc == 0) {
		rc = db_prepare(db, &st, sql_code_first, e) || db_bind_i64(&st, ":n", n, e) ||
		     db_bind_i64(&st, ":day", date, e) || db_bind_text(&st, ":lo", lo, e) ||
		     db_bind_text(&st, ":hi", hi, e) || db_step_row(&st, e) ? e->code : 1;
		if (rc == 1)
			last = db_col_i64(&st, 0);
		db_finalize(&st);
	}
	if (rc < 0)
		return rc;
	if (last > 999999)
		return err_setx(e, ERR_RULE, "code_exhausted", NULL, "今日工单号已用尽");
	*first = last - n + 1;
	return 0;
}

static int
make_code(struct db *db, int64_t now, char *out, size_t size, struct err *e)
{
	int date = cal_local_date(now);
	int64_t num;

	if (wo_code_reserve(db, date, 1, &num, e))
		return e->code;
	snprintf(out, size, "WO-%08d-%04d", date, (int)num);
	return 0;
}

static int
check_order_in(const struct wo_in *in, struct err *e)
{
	err_clear(e);
	if (blank(in->title))
		err_field(e, "title", "请填写标题");
	else if (utf8_len(in->title) > WO_TITLE_MAX)
		err_field(e, "title", "不能超过 %d 个字", WO_TITLE_MAX);
	if (in->description && utf8_len(in->description) > WO_TEXT_MAX)
		err_field(e, "description", "不能超过 %d 个字", WO_TEXT_MAX);
	if (wo_priority_parse(in->priority ? in->priority : "normal") < 0)
		err_field(e, "priority", "紧急程度应为 urgent、high、normal 或 low");
	if (in->contact_phone && utf8_len(in->contact_phone) > PHONE_MAX)
		err_field(e, "contact_phone", "不能超过 %d 个字", PHONE_MAX);
	if (in->source && strcmp(in->source, "web") != 0 && strcmp(in->source, "qr") != 0 &&
	    strcmp(in->source, "pm") != 0)
		err_field(e, "source", "来源应为 web、qr 或 pm");
	if (in->nattachments > WO_PHOTOS_MAX)
		err_field(e, "attachment_ids", "最多上传 %d 张照片", WO_PHOTOS_MAX);
	if (in->category_id <= 0)
		err_field(e, "category_id", "请选择报修类别");
	if (in->location_id <= 0)
		err_field(e, "location_id", "请选择报修地点");
	if (e->nfields)
		return err_set(e, ERR_INVALID, e->fields[0].name, "%s", e->fields[0].msg);
	return 0;
}

static int
lookup2(struct db *db, const char *sql, int64_t id, int64_t agency, int64_t *c0, int64_t *c1,
	struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc && c0)
		*c0 = db_col_i64(&st, 0);
	if (!rc && c1)
		*c1 = db_col_i64(&st, 1);
	db_finalize(&st);
	return rc;
}

static int
targets_for(struct db *db, int64_t category, int prio, struct wo_target *t, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_target, e) || db_bind_i64(&st, ":id", category, e) ||
		 db_bind_text(&st, ":prio", wo_priority_codes[prio], e) ? e->code
									 : db_step(&st, e);

	*t = default_targets[prio];
	if (rc == 1) {
		t->accept_min = db_col_i64(&st, 0);
		t->resolve_min = db_col_i64(&st, 1);
		rc = 0;
	}
	db_finalize(&st);
	return rc;
}

int
wo_create(struct db *db, struct arena *a, const struct actor *who, const struct wo_in *in,
	  struct workorder *out, struct err *e)
{
	struct stmt st = { 0 };
	struct cal cal;
	struct wo_clock clk;
	struct wo_target tg;
	struct wo_ref worker = { 0 }, team = { 0 };
	int64_t safety = 0, def_team = 0, duty = 0, now = now_ms(), id, adue, rdue;
	int64_t ids[NOTIFY_MAX];
	size_t nids = 0;
	const char *prio_s = in->priority ? in->priority : "normal";
	int prio, rc;
	char code[48];

	assert(db_in_tx(db));
	memset(out, 0, sizeof(*out));
	if (check_order_in(in, e))
		return e->code;
	prio = wo_priority_parse(prio_s);
	rc = lookup2(db, sql_category_for_order, in->category_id, who->agency_id, &safety,
		     &def_team, e);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", "category_id", "报修类别不存在或已停用");
	if (!rc) {
		rc = lookup2(db, sql_location_ok, in->location_id, who->agency_id, NULL, NULL, e);
		if (rc == ERR_NOT_FOUND)
			return err_setx(e, ERR_INVALID, "invalid", "location_id",
					"报修地点不存在或已停用");
	}
	if (!rc)
		rc = targets_for(db, in->category_id, prio, &tg, e);
	if (!rc)
		rc = cal_load(db, a, &cal, e);
	if (rc)
		return rc;
	clk.h24 = prio == WO_URGENT || safety;
	clk.cal = &cal;
	adue = wo_clock_add(&clk, now, tg.accept_min * MIN_MS);
	rdue = wo_clock_add(&clk, now, tg.resolve_min * MIN_MS);
	if (prio == WO_URGENT && def_team) {
		if (wo_duty_worker(db, def_team, cal_local_date(now), &duty, e) ||
		    (duty && check_assignee(db, a, who->agency_id, duty, 0, def_team, &worker,
					    &team, e) == ERR_DB))
			return e->code;
		if (duty && !worker.id)
			err_clear(e);	/* the worker on duty left or is inactive: normal path */
		if (worker.id && team.id != def_team)
			worker.id = 0;	/* no longer in that team */
	}
	if (make_code(db, now, code, sizeof(code), e))
		return e->code;
	rc = db_prepare(db, &st, sql_insert, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_text(&st, ":code", code, e) || db_bind_i64(&st, ":cat", in->category_id, e) ||
	     db_bind_i64(&st, ":loc", in->location_id, e) ||
	     db_bind_text(&st, ":title", in->title, e) ||
	     db_bind_text(&st, ":descr", blank(in->description) ? NULL : in->description, e) ||
	     db_bind_text(&st, ":prio", prio_s, e) ||
	     db_bind_text(&st, ":phone", blank(in->contact_phone) ? NULL : in->contact_phone, e) ||
	     db_bind_text(&st, ":status", worker.id ? "dispatched" : "submitted", e) ||
	     db_bind_text(&st, ":source", in->source ? in->source : "web", e) ||
	     db_bind_i64(&st, ":who", who->id, e) ||
	     db_bind_id_or_null(&st, ":dept", who->department_id, e) ||
	     db_bind_id_or_null(&st, ":team", worker.id ? team.id : 0, e) ||
	     db_bind_id_or_null(&st, ":worker", worker.id, e) ||
	     db_bind_i64(&st, ":h24", clk.h24, e) || db_bind_i64(&st, ":atarget", tg.accept_min, e) ||
	     db_bind_i64(&st, ":rtarget", tg.resolve_min, e) ||
	     db_bind_id_or_null(&st, ":adue", worker.id || adue == CAL_NEVER ? 0 : adue, e) ||
	     db_bind_id_or_null(&st, ":rdue", rdue == CAL_NEVER ? 0 : rdue, e) ||
	     db_bind_i64(&st, ":now", now, e) || bind_opt(&st, ":amin", worker.id ? 0 : -1, e) ||
	     bind_opt(&st, ":aontime", worker.id ? 1 : -1, e) ||
	     db_bind_id_or_null(&st, ":accepted", worker.id ? now : 0, e) ||
	     db_bind_id_or_null(&st, ":dispatched", worker.id ? now : 0, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc)
		return rc;
	id = db_last_id(db);
	rc = attach_photos(db, who, in->attachment_ids, in->nattachments, id, e);
	if (!rc)
		rc = event_add(db, id, "create", NULL, "submitted", who->id, NULL, NULL, now, e);
	if (!rc && worker.id)
		rc = event_add(db, id, "dispatch", "submitted", "dispatched", 0,
			       "紧急工单自动派给值班人员", assignee_data(a, &worker, &team), now, e);
	if (!rc)	/* read once: the notifications below do not change the order */
		rc = wo_get(db, a, who, id, out, e);
	if (!rc)
		rc = aud_record(db, who, "create", "workorder", id, NULL, jarena(a, audit_json(out)),
				e);
	if (!rc)
		rc = ids_of(db, sql_office_users, who->agency_id, ids, &nids, e);
	if (!rc) {
		int64_t office[NOTIFY_MAX];
		size_t n = 0;
		for (size_t i = 0; i < nids; i++)
			add_to(office, &n, ids[i], who);
		rc = send_all(db, who, office, n, "wo.submitted",
			      msg_text(a, "新报修：%s", out->title),
			      msg_text(a, "%s %s，地点：%s", out->code,
					   label_of(wo_priority_codes, wo_priority_labels, prio_s),
					   out->location_path),
			      id, e);
	}
	if (!rc && worker.id && worker.id != who->id)
		rc = notify_send_text(db, NULL, worker.id, "wo.assigned",
				      msg_text(a, "紧急报修已派给您：%s", out->title),
				      msg_text(a, "%s，地点：%s", out->code, out->location_path),
				      "workorder", id, e);
	if (!rc)
		rc = notify_entity_changed(db, who->agency_id, 0, "workorder", id, e);
	if (rc && out->photos) {	/* wo_get's reference, which the caller takes only on success */
		json_decref(out->photos);
		out->photos = NULL;
	}
	return rc;
}

/* ---------- apply a transition ---------- */

static const char sql_update[] =
	"UPDATE workorder SET status = :status, owner_id = :owner, team_id = :team,"
	" worker_id = :worker, accept_due_at = :adue, resolve_due_at = :rdue,"
	" resolve_used_ms = :used, run_started_at = :run, accept_minutes = :amin,"
	" resolve_minutes = :rmin, accept_on_time = :aok, resolve_on_time = :rok,"
	" reopen_count = :reopens, accepted_at = :accepted, dispatched_at = :dispatched,"
	" started_at = :started, resolved_at = :resolved, confirmed_at = :confirmed,"
	" closed_at = :closed, suspend_reason = :sreason, resolution_notes = :notes,"
	" parts = :parts, rating = :rating, rating_comment = :comment,"
	" auto_confirmed = :auto, updated_at = :now"
	" WHERE id = :id AND status = :from AND updated_at = :seen";
static const char sql_last_suspend[] =
	"SELECT from_status FROM wo_event WHERE workorder_id = :id AND action = 'suspend'"
	" ORDER BY id DESC LIMIT 1";

static int
save(struct db *db, const struct workorder *n, const char *from, int64_t seen, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_update, e) || db_bind_text(&st, ":status", n->status, e) ||
		 db_bind_id_or_null(&st, ":owner", n->owner.id, e) ||
		 db_bind_id_or_null(&st, ":team", n->team.id, e) ||
		 db_bind_id_or_null(&st, ":worker", n->worker.id, e) ||
		 db_bind_id_or_null(&st, ":adue", n->accept_due_at, e) ||
		 db_bind_id_or_null(&st, ":rdue", n->resolve_due_at, e) ||
		 db_bind_i64(&st, ":used", n->resolve_used_ms, e) ||
		 db_bind_id_or_null(&st, ":run", n->run_started_at, e) ||
		 bind_opt(&st, ":amin", n->accept_minutes, e) ||
		 bind_opt(&st, ":rmin", n->resolve_minutes, e) ||
		 bind_opt(&st, ":aok", n->accept_on_time, e) ||
		 bind_opt(&st, ":rok", n->resolve_on_time, e) ||
		 db_bind_i64(&st, ":reopens", n->reopen_count, e) ||
		 db_bind_id_or_null(&st, ":accepted", n->accepted_at, e) ||
		 db_bind_id_or_null(&st, ":dispatched", n->dispatched_at, e) ||
		 db_bind_id_or_null(&st, ":started", n->started_at, e) ||
		 db_bind_id_or_null(&st, ":resolved", n->resolved_at, e) ||
		 db_bind_id_or_null(&st, ":confirmed", n->confirmed_at, e) ||
		 db_bind_id_or_null(&st, ":closed", n->closed_at, e) ||
		 db_bind_text(&st, ":sreason", n->suspend_reason, e) ||
		 db_bind_text(&st, ":notes", n->resolution_notes, e) ||
		 db_bind_text(&st, ":parts", n->parts, e) ||
		 db_bind_id_or_null(&st, ":rating", n->rating, e) ||
		 db_bind_text(&st, ":comment", n->rating_comment, e) ||
		 db_bind_i64(&st, ":auto", n->auto_confirmed, e) ||
		 db_bind_i64(&st, ":now", n->updated_at, e) || db_bind_i64(&st, ":id", n->id, e) ||
		 db_bind_text(&st, ":from", from, e) || db_bind_i64(&st, ":seen", seen, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc && db_changes(db) == 0)
		return err_setx(e, ERR_CONFLICT, "illegal_transition", NULL,
				"报修单已被他人处理，请刷新后重试");
	return rc;
}

/* Stop the running resolve clock at now. */
static void
clock_stop(const struct wo_clock *c, struct workorder *n, int64_t now)
{
	if (n->run_started_at)
		n->resolve_used_ms += wo_clock_between(c, n->run_started_at, now);
	n->run_started_at = 0;
	n->resolve_due_at = 0;
}

/* Run the resolve clock again from now with what is left of the target. */
static void
clock_run(const struct wo_clock *c, struct workorder *n, int64_t now)
{
	int64_t due = wo_clock_add(c, now, n->resolve_target_min * MIN_MS - n->resolve_used_ms);

	n->run_started_at = now;
	n->resolve_due_at = due == CAL_NEVER ? 0 : due;
}

struct recipients {
	int64_t ids[NOTIFY_MAX];
	size_t n;
	const char *kind;
	struct msg_text title;
};

/* Arguments of the action: 0 or ERR_INVALID with the field. */
static int
check_args(enum wo_action act, const struct wo_action_in *in, int reason_needed, struct err *e)
{
	switch (act) {
	case WO_A_SUSPEND:
	case WO_A_REOPEN:
		return need_text(in->reason, WO_TEXT_MAX, "reason", "原因", e);
	case WO_A_CANCEL:
		if (reason_needed)
			return need_text(in->reason, WO_TEXT_MAX, "reason", "取消原因", e);
		return check_text(in->reason, WO_TEXT_MAX, "reason", e);
	case WO_A_TRANSFER:
		return check_text(in->reason, WO_TEXT_MAX, "reason", e);
	case WO_A_RESOLVE:
		if (need_text(in->notes, WO_TEXT_MAX, "notes", "处理说明", e) ||
		    check_text(in->parts, WO_TEXT_MAX, "parts", e))
			return e->code;
		if (in->nattachments > WO_PHOTOS_MAX)
			return err_set(e, ERR_INVALID, "attachment_ids", "最多上传 %d 张照片",
				       WO_PHOTOS_MAX);
		return 0;
	case WO_A_CONFIRM:
		if (in->rating < 1 || in->rating > 5)
			return err_set(e, ERR_INVALID, "rating", "请给出 1 到 5 星的评价");
		return check_text(in->comment, WO_TEXT_MAX, "comment", e);
	default:
		return 0;
	}
}

int
wo_apply(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	 enum wo_action action, const struct wo_action_in *in, struct workorder *out,
	 struct err *e)
{
	static const struct wo_action_in none;
	const struct wo_transition *t;
	struct workorder cur, n;
	struct wo_clock clk;
	struct cal cal;
	struct recipients r1 = { .n = 0 }, r2 = { .n = 0 };
	unsigned parties;
	int64_t now = now_ms(), agency;
	const char *note = NULL, *data = NULL;
	int from, ok, rc;

	assert(db_in_tx(db));
	if (!in)
		in = &none;
	if ((int)action < 0 || action >= WO_A_N)
		return err_set(e, ERR_INVALID, NULL, "未知操作");
	if (fetch(db, a, id, &cur, e))
		return e->code;
	ok = can_see(db, who, &cur, e);
	if (ok < 0)
		return ok;
	if (!ok)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "报修单不存在");
	if (in->updated_at && in->updated_at != cur.updated_at)
		return err_setx(e, ERR_CONFLICT, "stale", NULL, "报修单已被他人修改，请刷新后重试");
	from = wo_status_parse(cur.status);
	t = wo_transition_find(action, (enum wo_status)from);
	if (!t)
		return err_setx(e, ERR_CONFLICT, "illegal_transition", NULL, "报修单%s，不能%s",
				from >= 0 ? wo_status_labels[from] : cur.status,
				wo_action_labels[action]);
	if (parties_of(db, who, &cur, &parties, e))
		return e->code;
	if (!(parties & t->parties))
		return err_setx(e, ERR_FORBIDDEN, "not_yours", NULL, "您不能对这张报修单执行“%s”",
				wo_action_labels[action]);
	if (check_args(action, in,
		       action == WO_A_CANCEL && !(from == WO_SUBMITTED && (parties & WO_P_REQUESTER)),
		       e))
		return e->code;
	if (cal_load(db, a, &cal, e))
		return e->code;
	clk.h24 = cur.clock_24h;
	clk.cal = &cal;
	agency = cur.agency_id;
	n = cur;
	n.status = wo_status_codes[t->to];
	n.updated_at = now > cur.updated_at ? now : cur.updated_at + 1;

	switch (action) {
	case WO_A_ACCEPT:
		n.owner.id = who->id;
		n.owner.name = who->display_name;
		n.accepted_at = now;
		n.accept_minutes = wo_clock_between(&clk, cur.created_at, now) / MIN_MS;
		n.accept_on_time = !cur.accept_due_at || now <= cur.accept_due_at;
		n.accept_due_at = 0;
		add_to(r1.ids, &r1.n, cur.requester.id, who);
		r1.kind = "wo.accepted";
		r1.title = msg_text(a, "您的报修已受理：%s", cur.title);
		break;
	case WO_A_DISPATCH:
	case WO_A_TRANSFER:
		if (check_assignee(db, a, agency, in->worker_id, in->team_id, cur.team.id, &n.worker,
				   &n.team, e))
			return e->code;
		n.dispatched_at = now;
		n.started_at = 0;
		note = in->reason;
		data = assignee_data(a, &n.worker, &n.team);
		if (action == WO_A_DISPATCH) {
			add_to(r1.ids, &r1.n, cur.requester.id, who);
			r1.kind = "wo.dispatched";
			r1.title = msg_text(a, "您的报修已派单：%s", cur.title);
		}
		if (n.worker.id)
			add_to(r2.ids, &r2.n, n.worker.id, who);
		else if (ids_of(db, sql_team_users, n.team.id, r2.ids, &r2.n, e))
			return e->code;
		r2.kind = "wo.assigned";
		r2.title = msg_text(a, "新的维修任务：%s", cur.title);
		break;
	case WO_A_START:
		if (!n.worker.id) {	/* a team member claims it */
			n.worker.id = who->id;
			n.worker.name = who->display_name;
			data = assignee_data(a, &n.worker, &n.team);
		}
		n.started_at = now;
		break;
	case WO_A_SUSPEND:
		clock_stop(&clk, &n, now);
		n.suspend_reason = in->reason;
		note = in->reason;
		add_to(r1.ids, &r1.n, cur.owner.id, who);
		r1.kind = "wo.suspended";
		r1.title = msg_text(a, "报修单已挂起：%s", cur.title);
		break;
	case WO_A_RESUME: {
		struct stmt st = { 0 };
		const char *back = "in_progress";
		rc = db_prepare(db, &st, sql_last_suspend, e) || db_bind_i64(&st, ":id", id, e)
			     ? e->code : db_step(&st, e);
		if (rc == 1) {
			const char *s = db_col_peek(&st, 0, NULL);
			if (s && strcmp(s, "dispatched") == 0)
				back = "dispatched";
			rc = 0;
		}
		db_finalize(&st);
		if (rc)
			return rc;
		n.status = back;
		n.suspend_reason = NULL;
		clock_run(&clk, &n, now);
		break;
	}
	case WO_A_RESOLVE:
		clock_stop(&clk, &n, now);
		n.resolved_at = now;
		n.resolution_notes = in->notes;
		n.parts = blank(in->parts) ? NULL : in->parts;
		n.resolve_minutes = n.resolve_used_ms / MIN_MS;
		n.resolve_on_time = n.resolve_used_ms <= n.resolve_target_min * MIN_MS;
		note = in->notes;
		data = jdump(a, jarena(a, json_pack("{so sI}", "parts", jstr_or_null(n.parts),
						    "photos", (json_int_t)in->nattachments)));
		add_to(r1.ids, &r1.n, cur.requester.id, who);
		add_to(r1.ids, &r1.n, cur.owner.id, who);
		r1.kind = "wo.resolved";
		r1.title = msg_text(a, "报修已完成，请确认评价：%s", cur.title);
		break;
	case WO_A_CONFIRM:
	case WO_A_AUTO_CONFIRM:
		n.confirmed_at = now;
		n.closed_at = now;
		if (action == WO_A_CONFIRM) {
			n.rating = in->rating;
			n.rating_comment = blank(in->comment) ? NULL : in->comment;
			note = n.rating_comment;
			data = jdump(a, jarena(a, json_pack("{sI}", "rating",
							    (json_int_t)in->rating)));
		} else {
			n.auto_confirmed = 1;
			note = "超过确认期限未评价，系统自动确认";
		}
		add_to(r1.ids, &r1.n, cur.owner.id, who);
		r1.kind = "wo.confirmed";
		r1.title = msg_text(a, "报修已确认：%s", cur.title);
		break;
	case WO_A_REOPEN:
		if (now >= wo_confirm_deadline(&cal, cur.resolved_at))
			return err_setx(e, ERR_RULE, "reopen_expired", NULL,
					"已超过 %d 个工作日的确认期限，不能返修", WO_CONFIRM_DAYS);
		n.reopen_count++;
		n.resolved_at = 0;
		n.resolve_minutes = -1;
		n.resolve_on_time = -1;
		n.started_at = 0;
		n.dispatched_at = now;
		clock_run(&clk, &n, now);
		note = in->reason;
		add_to(r1.ids, &r1.n, cur.worker.id, who);
		add_to(r1.ids, &r1.n, cur.owner.id, who);
		if (!cur.worker.id && ids_of(db, sql_team_users, cur.team.id, r1.ids, &r1.n, e))
			return e->code;
		r1.kind = "wo.reopened";
		r1.title = msg_text(a, "报修被退回返修：%s", cur.title);
		break;
	case WO_A_CANCEL:
		clock_stop(&clk, &n, now);
		n.accept_due_at = 0;
		n.closed_at = now;
		note = in->reason;
		add_to(r1.ids, &r1.n, cur.requester.id, who);
		r1.kind = "wo.cancelled";
		r1.title = msg_text(a, "报修单已取消：%s", cur.title);
		break;
	default:
		return err_set(e, ERR_INVALID, NULL, "未知操作");
	}

	if (save(db, &n, cur.status, cur.updated_at, e))
		return e->code;
	if (action == WO_A_RESOLVE &&
	    attach_photos(db, who, in->attachment_ids, in->nattachments, id, e))
		return e->code;
	if (event_add(db, id, wo_action_codes[action], cur.status, n.status, who ? who->id : 0,
		      note, data, now, e))
		return e->code;
	if (fetch(db, a, id, out, e))
		return e->code;
	rc = who ? aud_record(db, who, wo_action_codes[action], "workorder", id,
			      jarena(a, audit_json(&cur)), jarena(a, audit_json(out)), e)
		 : aud_record_raw(db, 0, agency, NULL, wo_action_codes[action], "workorder", id,
				  jarena(a, audit_json(&cur)), jarena(a, audit_json(out)), e);
	if (!rc && r1.n)
		rc = send_all(db, who, r1.ids, r1.n, r1.kind, r1.title,
			      msg_text(a, "%s，地点：%s", cur.code, cur.location_path), id, e);
	if (!rc && r2.n)
		rc = send_all(db, who, r2.ids, r2.n, r2.kind, r2.title,
			      msg_text(a, "%s，地点：%s", cur.code, cur.location_path), id, e);
	if (!rc)
		rc = notify_entity_changed(db, agency, 0, "workorder", id, e);
	if (!rc)
		rc = wo_get(db, a, who, id, out, e);
	return rc;
}

/* ---------- lists ---------- */

/*
** The WHERE holds only the filters given (struct sql_set): bit i of the mask
** adds where_parts[i], and binds only its parameters. With a catch-all
** "(:x = 0 OR …)" the planner could use no per-filter index.
*/
enum {
	F_MINE, F_DEPT, F_TASKS, F_STATUS, F_OPEN, F_CAT, F_LOC, F_TEAM, F_WORKER, F_PRIO,
	F_OVERDUE, F_FROM, F_TO, F_Q, F_N
};
static const char *const where_parts[F_N] = {
	[F_MINE] = " AND w.requester_id = :me",
	[F_DEPT] = " AND w.requester_dept_id = :dept",
	[F_TASKS] = " AND (w.worker_id = :me OR (w.worker_id IS NULL AND w.team_id IN"
		    " (SELECT m.team_id FROM wo_team_member m WHERE m.user_id = :me)))",
	[F_STATUS] = " AND w.status = :status",
	[F_OPEN] = " AND w.status NOT IN ('confirmed', 'cancelled')",
	[F_CAT] = " AND w.category_id = :cat",
	[F_LOC] = " AND (w.location_id = :loc OR w.location_id IN (SELECT x.id FROM location x"
		  " WHERE x.parent_id = :loc) OR w.location_id IN (SELECT x.id FROM location x"
		  " JOIN location y ON y.id = x.parent_id WHERE y.parent_id = :loc))",
	[F_TEAM] = " AND w.team_id = :team",
	[F_WORKER] = " AND w.worker_id = :worker",
	[F_PRIO] = " AND w.priority = :prio",
	[F_OVERDUE] = " AND (w.accept_due_at < :now OR w.resolve_due_at < :now)",
	[F_FROM] = " AND w.created_at >= :from",
	[F_TO] = " AND w.created_at < :to",
	[F_Q] = " AND (w.code LIKE :q ESCAPE '\\' OR w.title LIKE :q ESCAPE '\\'"
		" OR w.description LIKE :q ESCAPE '\\')",
};

/*
** One tail per sort order, each a plain ORDER BY: the default (newest first)
** walks an index on created_at and stops after a page, where CASE sort keys in
** one statement sorted every matching row.
*/
static const char *const sort_names[] = { "-created_at", "created_at", "priority", "due" };
#define NSORTS (int)(sizeof(sort_names) / sizeof(sort_names[0]))
static const char *const sort_tails[NSORTS] = {
	" ORDER BY w.created_at DESC, w.id DESC LIMIT :limit OFFSET :offset",
	" ORDER BY w.created_at, w.id LIMIT :limit OFFSET :offset",
	" ORDER BY CASE w.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2"
	" ELSE 3 END, w.created_at DESC, w.id DESC LIMIT :limit OFFSET :offset",
	" ORDER BY COALESCE(w.accept_due_at, w.resolve_due_at, 9223372036854775807),"
	" w.created_at DESC, w.id DESC LIMIT :limit OFFSET :offset",
};

static const struct sql_set list_set = {
	"SELECT " WO_COLS WO_FROM " WHERE w.agency_id = :agency", where_parts, F_N, sort_tails,
	NSORTS,
};
static const struct sql_set count_set = {
	"SELECT COUNT(*) FROM workorder w WHERE w.agency_id = :agency", where_parts, F_N, NULL,
	0,
};

/* Which where_parts f needs. */
static uint32_t
filter_mask(const struct wo_filter *f)
{
	static const int scope_bit[] = { [WO_SCOPE_MINE] = 1 << F_MINE,
					 [WO_SCOPE_DEPT] = 1 << F_DEPT,
					 [WO_SCOPE_TASKS] = 1 << F_TASKS, [WO_SCOPE_ALL] = 0 };
	uint32_t m = (uint32_t)scope_bit[f->scope];

	if (f->status && *f->status)
		m |= strcmp(f->status, "open") == 0 ? 1u << F_OPEN : 1u << F_STATUS;
	m |= (f->category_id ? 1u << F_CAT : 0) | (f->location_id ? 1u << F_LOC : 0) |
	     (f->team_id ? 1u << F_TEAM : 0) | (f->worker_id ? 1u << F_WORKER : 0) |
	     (f->priority && *f->priority ? 1u << F_PRIO : 0) |
	     (f->overdue ? 1u << F_OVERDUE : 0) | (f->from ? 1u << F_FROM : 0) |
	     (f->to ? 1u << F_TO : 0) | (f->q && *f->q ? 1u << F_Q : 0);
	return m;
}

#define HAS(bit) (m & (1u << (bit)))

static int
bind_filter(struct stmt *st, uint32_t m, struct arena *a, const struct actor *who,
	    const struct wo_filter *f, int64_t now, struct err *e)
{
	int64_t dept = f->department_id ? f->department_id : who->department_id;
	const char *q = HAS(F_Q) ? db_like_pattern(a, f->q) : NULL;

	if (HAS(F_Q) && !q)
		return nomem(e);
	return db_bind_i64(st, ":agency", who->agency_id, e) ||
	       ((HAS(F_MINE) || HAS(F_TASKS)) && db_bind_i64(st, ":me", who->id, e)) ||
	       (HAS(F_DEPT) && db_bind_i64(st, ":dept", dept, e)) ||
	       (HAS(F_STATUS) && db_bind_text(st, ":status", f->status, e)) ||
	       (HAS(F_CAT) && db_bind_i64(st, ":cat", f->category_id, e)) ||
	       (HAS(F_LOC) && db_bind_i64(st, ":loc", f->location_id, e)) ||
	       (HAS(F_TEAM) && db_bind_i64(st, ":team", f->team_id, e)) ||
	       (HAS(F_WORKER) && db_bind_i64(st, ":worker", f->worker_id, e)) ||
	       (HAS(F_PRIO) && db_bind_text(st, ":prio", f->priority, e)) ||
	       (HAS(F_OVERDUE) && db_bind_i64(st, ":now", now, e)) ||
	       (HAS(F_FROM) && db_bind_i64(st, ":from", f->from, e)) ||
	       (HAS(F_TO) && db_bind_i64(st, ":to", f->to, e)) ||
	       (HAS(F_Q) && db_bind_text(st, ":q", q, e))
		       ? e->code : 0;
}

/* Index into sorts[] for f->sort; -1 for an unknown one. */
static int
sort_index(const struct wo_filter *f)
{
	if (!f->sort || !*f->sort)
		return 0;
	for (int i = 0; i < NSORTS; i++)
		if (strcmp(f->sort, sort_names[i]) == 0)
			return i;
	return -1;
}

/*
** total for the list. Filters on status and category alone (the office's
** usual view) are answered from wo_count, which triggers keep (migration
** 0010): COUNT(*) over a large agency scanned every matching row.
*/
static const char sql_count_kept[] =
	"SELECT COALESCE(SUM(n), 0) FROM wo_count WHERE agency_id = :agency"
	" AND (:status = '' OR status = :status OR (:status = 'open'"
	" AND status NOT IN ('confirmed', 'cancelled'))) AND (:cat = 0 OR category_id = :cat)";

static int
count_orders(struct db *db, uint32_t m, struct arena *a, const struct actor *who,
	     const struct wo_filter *f, int64_t now, int64_t *total, struct err *e)
{
	const uint32_t kept = 1u << F_STATUS | 1u << F_OPEN | 1u << F_CAT;
	struct stmt st = { 0 };
	int rc;

	if (!(m & ~kept))
		rc = db_prepare(db, &st, sql_count_kept, e) ||
		     db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_text(&st, ":status", f->status ? f->status : "", e) ||
		     db_bind_i64(&st, ":cat", f->category_id, e) ? e->code : 0;
	else
		rc = db_prepare_set(db, &st, &count_set, m, 0, e) ||
		     bind_filter(&st, m, a, who, f, now, e) ? e->code : 0;
	if (!rc)
		rc = db_step_row(&st, e);
	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
wo_list(struct db *db, struct arena *a, const struct actor *who, const struct wo_filter *f,
	struct workorder **items, size_t *n, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 32;
	int64_t now = now_ms();
	uint32_t m;
	int rc;

	*n = 0;
	*total = 0;
	switch (f->scope) {
	case WO_SCOPE_MINE:
		break;
	case WO_SCOPE_DEPT:
		if (!actor_has(who, ROLE_DEPT_HEAD | ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR))
			return err_setx(e, ERR_FORBIDDEN, "forbidden", "scope",
					"只有部门负责人和后勤管理人员可以查看部门报修");
		if (f->department_id && f->department_id != who->department_id &&
		    !actor_has(who, ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR))
			return err_setx(e, ERR_FORBIDDEN, "forbidden", "department_id",
					"部门负责人只能查看本部门的报修");
		break;
	case WO_SCOPE_TASKS:
		if (!actor_has(who, ROLE_WORKER))
			return err_setx(e, ERR_FORBIDDEN, "forbidden", "scope",
					"只有维修人员有“我的任务”");
		break;
	case WO_SCOPE_ALL:
		if (!actor_has(who, ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR))
			return err_setx(e, ERR_FORBIDDEN, "forbidden", "scope",
					"只有后勤管理员、分管领导和纪检监察可以查看全部报修");
		break;
	default:
		return err_set(e, ERR_INVALID, "scope", "未知范围");
	}
	if (f->status && *f->status && strcmp(f->status, "open") != 0 &&
	    wo_status_parse(f->status) < 0)
		return err_set(e, ERR_INVALID, "status", "未知状态");
	if (f->priority && *f->priority && wo_priority_parse(f->priority) < 0)
		return err_set(e, ERR_INVALID, "priority", "未知紧急程度");
	if (sort_index(f) < 0)
		return err_set(e, ERR_INVALID, "sort", "排序应为 created_at、-created_at、priority 或 due");
	*items = arena_array(a, cap, sizeof(**items));
	if (!*items)
		return nomem(e);
	m = filter_mask(f);
	if (count_orders(db, m, a, who, f, now, total, e))
		return e->code;
	rc = db_prepare_set(db, &st, &list_set, m, sort_index(f), e) ||
	     bind_filter(&st, m, a, who, f, now, e) ||
	     db_bind_i64(&st, ":limit", f->limit, e) ||
	     db_bind_i64(&st, ":offset", f->offset, e) ? e->code : 0;
	while (!rc && (rc = db_step(&st, e)) == 1) {
		*items = grow(a, *items, &cap, *n, sizeof(**items));
		if (!*items) {
			rc = nomem(e);
			break;
		}
		order_row(&st, a, &(*items)[*n]);
		set_overdue(&(*items)[*n], now);
		(*n)++;
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

#undef HAS

/* ---------- categories ---------- */

#define CAT_COLS                                                                             \
	"c.id, c.agency_id, c.name, COALESCE(c.default_team_id, 0), t.name, c.safety,"       \
	" c.active, c.sort_order, c.created_at, c.updated_at"
#define CAT_FROM " FROM wo_category c LEFT JOIN wo_team t ON t.id = c.default_team_id"

static const char sql_cat_list[] =
	"SELECT " CAT_COLS CAT_FROM " WHERE c.agency_id = :agency AND (:active = 0 OR c.active = 1)"
	" ORDER BY c.sort_order, c.id";
static const char sql_cat_get[] =
	"SELECT " CAT_COLS CAT_FROM " WHERE c.agency_id = :agency AND c.id = :id";
static const char sql_cat_targets[] =
	"SELECT s.category_id, s.priority, s.accept_min, s.resolve_min FROM wo_sla_target s"
	" JOIN wo_category c ON c.id = s.category_id WHERE c.agency_id = :agency";
static const char sql_cat_insert[] =
	"INSERT INTO wo_category (agency_id, name, default_team_id, safety, sort_order, active,"
	" created_at, updated_at, created_by) VALUES (:agency, :name, :team, :safety, :sort,"
	" :active, :now, :now, :by)";
static const char sql_cat_update[] =
	"UPDATE wo_category SET name = :name, default_team_id = :team, safety = :safety,"
	" sort_order = :sort, active = :active, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND (:seen = 0 OR updated_at = :seen)";
static const char sql_target_clear[] = "DELETE FROM wo_sla_target WHERE category_id = :id";
static const char sql_target_insert[] =
	"INSERT INTO wo_sla_target (category_id, priority, accept_min, resolve_min)"
	" VALUES (:id, :prio, :accept, :resolve)";
static const char sql_team_in_agency[] =
	"SELECT active, 0 FROM wo_team WHERE id = :id AND agency_id = :agency";

static void
cat_row(struct stmt *st, struct arena *a, struct wo_category *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_col_i64(st, 0);
	c->agency_id = db_col_i64(st, 1);
	c->name = db_col_text(st, a, 2);
	ref_row(st, a, 3, &c->default_team);
	c->safety = (int)db_col_i64(st, 5);
	c->active = (int)db_col_i64(st, 6);
	c->sort_order = db_col_i64(st, 7);
	c->created_at = db_col_i64(st, 8);
	c->updated_at = db_col_i64(st, 9);
	memcpy(c->targets, default_targets, sizeof(c->targets));
}

static int
cat_targets(struct db *db, const struct actor *who, struct wo_category *items, size_t n,
	    struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_cat_targets, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ? e->code : 0;

	while (!rc && (rc = db_step(&st, e)) == 1) {
		int64_t cid = db_col_i64(&st, 0);
		int p = wo_priority_parse(db_col_peek(&st, 1, NULL));
		for (size_t i = 0; p >= 0 && i < n; i++)
			if (items[i].id == cid) {
				items[i].targets[p].accept_min = db_col_i64(&st, 2);
				items[i].targets[p].resolve_min = db_col_i64(&st, 3);
			}
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
wo_category_list(struct db *db, struct arena *a, const struct actor *who, int active_only,
		 struct wo_category **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 16;
	int rc;

	*n = 0;
	*items = arena_array(a, cap, sizeof(**items));
	if (!*items)
		return nomem(e);
	rc = db_prepare(db, &st, sql_cat_list, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":active", active_only ? 1 : 0, e) ? e->code : 0;
	while (!rc && (rc = db_step(&st, e)) == 1) {
		*items = grow(a, *items, &cap, *n, sizeof(**items));
		if (!*items) {
			rc = nomem(e);
			break;
		}
		cat_row(&st, a, &(*items)[(*n)++]);
		rc = 0;
	}
	db_finalize(&st);
	if (rc < 0)
		return rc;
	return cat_targets(db, who, *items, *n, e);
}

int
wo_category_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		struct wo_category *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_cat_get, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		cat_row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "报修类别不存在");
	return rc ? rc : cat_targets(db, who, out, 1, e);
}

json_t *
wo_category_json(const struct wo_category *c)
{
	json_t *targets = json_object();

	for (int p = 0; p < WO_PRIORITY_N; p++)
		json_object_set_new(targets, wo_priority_codes[p],
				    json_pack("{sI sI}", "accept_min",
					      (json_int_t)c->targets[p].accept_min, "resolve_min",
					      (json_int_t)c->targets[p].resolve_min));
	return json_pack("{sI ss so sb sb sI so so so}", "id", (json_int_t)c->id, "name", c->name,
			 "default_team", ref_json(&c->default_team), "safety", c->safety,
			 "active", c->active, "sort_order", (json_int_t)c->sort_order, "targets",
			 targets, "created_at", jtime(c->created_at), "updated_at",
			 jtime(c->updated_at));
}

static int
need_office(const struct actor *who, struct err *e)
{
	if (!who || !actor_has(who, ROLE_OFFICE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有后勤管理员可以修改");
	return 0;
}

static int
check_category_in(struct db *db, const struct actor *who, int64_t id,
		  const struct wo_category_in *in, struct err *e)
{
	int64_t active = 0;
	int rc;

	err_clear(e);
	if (blank(in->name))
		err_field(e, "name", "请填写类别名称");
	else if (utf8_len(in->name) > NAME_MAX)
		err_field(e, "name", "不能超过 %d 个字", NAME_MAX);
	if (in->sort_order < 0 || in->sort_order > 100000)
		err_field(e, "sort_order", "排序号应在 0 到 100000 之间");
	if (!id && !in->has_targets)
		err_field(e, "targets", "请设置四个紧急程度的受理和完成时限");
	for (int p = 0; in->has_targets && p < WO_PRIORITY_N; p++)
		if (in->targets[p].accept_min <= 0 || in->targets[p].resolve_min <= 0 ||
		    in->targets[p].accept_min > 525600 || in->targets[p].resolve_min > 525600) {
			err_field(e, "targets", "时限应为 1 到 525600 分钟");
			break;
		} else if (in->targets[p].resolve_min < in->targets[p].accept_min) {
			err_field(e, "targets", "%s：完成时限不能短于受理时限", wo_priority_labels[p]);
			break;
		}
	if (e->nfields)
		return err_set(e, ERR_INVALID, e->fields[0].name, "%s", e->fields[0].msg);
	if (in->default_team_id) {
		rc = lookup2(db, sql_team_in_agency, in->default_team_id, who->agency_id, &active,
			     NULL, e);
		if (rc == ERR_NOT_FOUND || (!rc && !active))
			return err_setx(e, ERR_INVALID, "invalid", "default_team_id",
					"班组不存在或已停用");
		if (rc)
			return rc;
	}
	return 0;
}

int
wo_category_save(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 const struct wo_category_in *in, struct wo_category *out, struct err *e)
{
	struct wo_category cur = { 0 };
	struct stmt st = { 0 };
	int64_t now = now_ms();
	int rc;

	assert(db_in_tx(db));
	if (need_office(who, e) || (id && wo_category_get(db, a, who, id, &cur, e)) ||
	    check_category_in(db, who, id, in, e))
		return e->code;
	rc = db_prepare(db, &st, id ? sql_cat_update : sql_cat_insert, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_text(&st, ":name", in->name, e) ||
	     db_bind_id_or_null(&st, ":team", in->default_team_id, e) ||
	     db_bind_i64(&st, ":safety", in->safety ? 1 : 0, e) ||
	     db_bind_i64(&st, ":sort", in->sort_order, e) ||
	     db_bind_i64(&st, ":active", in->active ? 1 : 0, e) ||
	     db_bind_i64(&st, ":now", id && now <= cur.updated_at ? cur.updated_at + 1 : now, e) ||
	     (id ? db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":seen", in->updated_at, e)
		 : db_bind_i64(&st, ":by", who->id, e)) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc == ERR_CONFLICT)
		return err_setx(e, ERR_CONFLICT, "duplicate", "name", "已有同名的报修类别");
	if (rc)
		return rc;
	if (id && db_changes(db) == 0)
		return err_setx(e, ERR_CONFLICT, "stale", NULL, "报修类别已被他人修改，请刷新后重试");
	if (!id)
		id = db_last_id(db);
	if (in->has_targets) {
		rc = db_exec_id(db, sql_target_clear, id, e);
		for (int p = 0; !rc && p < WO_PRIORITY_N; p++) {
			rc = db_prepare(db, &st, sql_target_insert, e) ||
			     db_bind_i64(&st, ":id", id, e) ||
			     db_bind_text(&st, ":prio", wo_priority_codes[p], e) ||
			     db_bind_i64(&st, ":accept", in->targets[p].accept_min, e) ||
			     db_bind_i64(&st, ":resolve", in->targets[p].resolve_min, e) ||
			     db_step_done(&st, e) ? e->code : 0;
			db_finalize(&st);
		}
		if (rc)
			return rc;
	}
	if (wo_category_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, cur.id ? "update" : "create", "wo_category", id,
			  cur.id ? jarena(a, wo_category_json(&cur)) : NULL,
			  jarena(a, wo_category_json(out)), e);
}

/* ---------- teams ---------- */

static const char sql_team_list[] =
	"SELECT id, agency_id, name, active, created_at, updated_at FROM wo_team"
	" WHERE agency_id = :agency ORDER BY id";
static const char sql_team_members[] =
	"SELECT m.team_id, u.id, u.display_name FROM wo_team_member m"
	" JOIN wo_team t ON t.id = m.team_id JOIN app_user u ON u.id = m.user_id"
	" WHERE t.agency_id = :agency ORDER BY m.team_id, u.id";
static const char sql_team_insert[] =
	"INSERT INTO wo_team (agency_id, name, active, created_at, updated_at, created_by)"
	" VALUES (:agency, :name, :active, :now, :now, :by)";
static const char sql_team_update[] =
	"UPDATE wo_team SET name = :name, active = :active, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency";
static const char sql_members_clear[] = "DELETE FROM wo_team_member WHERE team_id = :id";
static const char sql_member_add[] =
	"INSERT INTO wo_team_member (team_id, user_id) VALUES (:id, :user)";

int
wo_team_list(struct db *db, struct arena *a, const struct actor *who, struct wo_team **items,
	     size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 8;
	int rc;

	*n = 0;
	*items = arena_array(a, cap, sizeof(**items));
	if (!*items)
		return nomem(e);
	rc = db_prepare(db, &st, sql_team_list, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ? e->code : 0;
	while (!rc && (rc = db_step(&st, e)) == 1) {
		struct wo_team *t;
		*items = grow(a, *items, &cap, *n, sizeof(**items));
		if (!*items) {
			rc = nomem(e);
			break;
		}
		t = &(*items)[(*n)++];
		memset(t, 0, sizeof(*t));
		t->id = db_col_i64(&st, 0);
		t->agency_id = db_col_i64(&st, 1);
		t->name = db_col_text(&st, a, 2);
		t->active = (int)db_col_i64(&st, 3);
		t->created_at = db_col_i64(&st, 4);
		t->updated_at = db_col_i64(&st, 5);
		rc = 0;
	}
	db_finalize(&st);
	if (rc < 0)
		return rc;
	rc = db_prepare(db, &st, sql_team_members, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ? e->code : 0;
	while (!rc && (rc = db_step(&st, e)) == 1) {
		int64_t tid = db_col_i64(&st, 0);
		rc = 0;
		for (size_t i = 0; i < *n; i++) {
			struct wo_team *t = &(*items)[i];
			if (t->id != tid)
				continue;
			if (!t->members) {
				t->members = arena_array(a, TEAM_MEMBERS_MAX, sizeof(*t->members));
				if (!t->members) {
					rc = nomem(e);
					break;
				}
			}
			if (t->nmembers < TEAM_MEMBERS_MAX) {
				t->members[t->nmembers].id = db_col_i64(&st, 1);
				t->members[t->nmembers++].name = db_col_text(&st, a, 2);
			}
		}
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static int
team_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	 struct wo_team *out, struct err *e)
{
	struct wo_team *items;
	size_t n;

	if (wo_team_list(db, a, who, &items, &n, e))
		return e->code;
	for (size_t i = 0; i < n; i++)
		if (items[i].id == id) {
			*out = items[i];
			return 0;
		}
	return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "班组不存在");
}

json_t *
wo_team_json(const struct wo_team *t)
{
	json_t *members = json_array();

	for (size_t i = 0; i < t->nmembers; i++)
		json_array_append_new(members, ref_json(&t->members[i]));
	return json_pack("{sI ss sb so so so}", "id", (json_int_t)t->id, "name", t->name, "active",
			 t->active, "members", members, "created_at", jtime(t->created_at),
			 "updated_at", jtime(t->updated_at));
}

int
wo_team_save(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     const char *name, int active, const int64_t *member_ids, size_t nmembers,
	     struct wo_team *out, struct err *e)
{
	struct wo_team cur = { 0 };
	struct stmt st = { 0 };
	struct wo_ref w, t;
	int64_t now = now_ms();
	int rc;

	assert(db_in_tx(db));
	if (need_office(who, e) || (id && team_get(db, a, who, id, &cur, e)))
		return e->code;
	if (blank(name))
		return err_set(e, ERR_INVALID, "name", "请填写班组名称");
	if (utf8_len(name) > NAME_MAX)
		return err_set(e, ERR_INVALID, "name", "不能超过 %d 个字", NAME_MAX);
	if (nmembers > TEAM_MEMBERS_MAX)
		return err_set(e, ERR_INVALID, "member_ids", "成员太多");
	for (size_t i = 0; i < nmembers; i++) {
		if (check_assignee(db, a, who->agency_id, member_ids[i], 0, 0, &w, &t, e)) {
			if (e->code != ERR_INVALID)
				return e->code;
			err_clear(e);
			return err_setx(e, ERR_INVALID, "invalid", "member_ids",
					"成员必须是本单位在职的维修人员");
		}
		for (size_t j = 0; j < i; j++)
			if (member_ids[j] == member_ids[i])
				return err_set(e, ERR_INVALID, "member_ids", "成员重复");
	}
	rc = db_prepare(db, &st, id ? sql_team_update : sql_team_insert, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_text(&st, ":name", name, e) || db_bind_i64(&st, ":active", active ? 1 : 0, e) ||
	     db_bind_i64(&st, ":now", id && now <= cur.updated_at ? cur.updated_at + 1 : now, e) ||
	     (id ? db_bind_i64(&st, ":id", id, e) : db_bind_i64(&st, ":by", who->id, e)) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc == ERR_CONFLICT)
		return err_setx(e, ERR_CONFLICT, "duplicate", "name", "已有同名的班组");
	if (rc)
		return rc;
	if (!id)
		id = db_last_id(db);
	rc = db_exec_id(db, sql_members_clear, id, e);
	for (size_t i = 0; !rc && i < nmembers; i++) {
		rc = db_prepare(db, &st, sql_member_add, e) || db_bind_i64(&st, ":id", id, e) ||
		     db_bind_i64(&st, ":user", member_ids[i], e) || db_step_done(&st, e) ? e->code
											 : 0;
		db_finalize(&st);
	}
	if (rc || team_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, cur.id ? "update" : "create", "wo_team", id,
			  cur.id ? jarena(a, wo_team_json(&cur)) : NULL,
			  jarena(a, wo_team_json(out)), e);
}

/* ---------- duty roster ---------- */

static const char sql_duty_list[] =
	"SELECT d.id, d.team_id, d.day, d.user_id, u.display_name FROM wo_duty d"
	" JOIN wo_team t ON t.id = d.team_id JOIN app_user u ON u.id = d.user_id"
	" WHERE t.agency_id = :agency AND d.day >= :from AND d.day <= :to"
	" ORDER BY d.day, d.team_id";
static const char sql_duty_get[] =
	"SELECT d.user_id FROM wo_duty d WHERE d.team_id = :team AND d.day = :day";
static const char sql_duty_worker[] =
	"SELECT d.user_id FROM wo_duty d JOIN app_user u ON u.id = d.user_id"
	" WHERE d.team_id = :team AND d.day = :day AND u.active = 1 AND u.deleted_at IS NULL";
static const char sql_duty_delete[] = "DELETE FROM wo_duty WHERE team_id = :team AND day = :day";
static const char sql_duty_insert[] =
	"INSERT INTO wo_duty (team_id, day, user_id, created_at, updated_at, created_by)"
	" VALUES (:team, :day, :user, :now, :now, :by)";

static int
valid_day(int day)
{
	return day >= 20000101 && day <= 21001231 && days_to_date(date_to_days(day)) == day;
}

int
wo_duty_list(struct db *db, struct arena *a, const struct actor *who, int from_day,
	     int to_day, struct wo_duty **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 32;
	int rc;

	*n = 0;
	if (!valid_day(from_day) || !valid_day(to_day) || to_day < from_day)
		return err_set(e, ERR_INVALID, "from", "日期范围无效");
	if (date_to_days(to_day) - date_to_days(from_day) > 366)
		return err_set(e, ERR_INVALID, "to", "一次最多查询一年");
	*items = arena_array(a, cap, sizeof(**items));
	if (!*items)
		return nomem(e);
	rc = db_prepare(db, &st, sql_duty_list, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":from", from_day, e) || db_bind_i64(&st, ":to", to_day, e)
		     ? e->code : 0;
	while (!rc && (rc = db_step(&st, e)) == 1) {
		struct wo_duty *d;
		*items = grow(a, *items, &cap, *n, sizeof(**items));
		if (!*items) {
			rc = nomem(e);
			break;
		}
		d = &(*items)[(*n)++];
		d->id = db_col_i64(&st, 0);
		d->team_id = db_col_i64(&st, 1);
		d->day = (int)db_col_i64(&st, 2);
		d->user.id = db_col_i64(&st, 3);
		d->user.name = db_col_text(&st, a, 4);
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static int
duty_query(struct db *db, const char *sql, int64_t team_id, int day, int64_t *user_id,
	   struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":team", team_id, e) ||
		 db_bind_i64(&st, ":day", day, e) ? e->code : db_step(&st, e);

	*user_id = rc == 1 ? db_col_i64(&st, 0) : 0;
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
wo_duty_worker(struct db *db, int64_t team_id, int day, int64_t *user_id, struct err *e)
{
	return duty_query(db, sql_duty_worker, team_id, day, user_id, e);
}

static json_t *
duty_audit(int64_t team_id, int day, int64_t user_id)
{
	return user_id ? json_pack("{sI sI sI}", "team_id", (json_int_t)team_id, "day",
				   (json_int_t)day, "user_id", (json_int_t)user_id)
		       : NULL;
}

int
wo_duty_set(struct db *db, const struct actor *who, int64_t team_id, int day,
	    int64_t user_id, struct err *e)
{
	struct stmt st = { 0 };
	int64_t active = 0, before = 0;
	json_t *b, *af;
	int rc, m;

	assert(db_in_tx(db));
	if (need_office(who, e))
		return e->code;
	if (!valid_day(day))
		return err_set(e, ERR_INVALID, "day", "日期无效");
	rc = lookup2(db, sql_team_in_agency, team_id, who->agency_id, &active, NULL, e);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", "team_id", "班组不存在");
	if (rc)
		return rc;
	if (user_id) {
		m = is_member(db, team_id, user_id, e);
		if (m < 0)
			return m;
		if (!m)
			return err_setx(e, ERR_INVALID, "invalid", "user_id", "值班人员必须是该班组成员");
	}
	if (duty_query(db, sql_duty_get, team_id, day, &before, e))
		return e->code;
	if (before == user_id)
		return 0;	/* nothing changes, nothing to record */
	rc = db_prepare(db, &st, sql_duty_delete, e) || db_bind_i64(&st, ":team", team_id, e) ||
	     db_bind_i64(&st, ":day", day, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && user_id)
		rc = db_prepare(db, &st, sql_duty_insert, e) ||
		     db_bind_i64(&st, ":team", team_id, e) || db_bind_i64(&st, ":day", day, e) ||
		     db_bind_i64(&st, ":user", user_id, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		     db_bind_i64(&st, ":by", who->id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc)
		return rc;
	b = duty_audit(team_id, day, before);
	af = duty_audit(team_id, day, user_id);
	rc = aud_record(db, who, user_id ? "set" : "clear", "wo_duty", team_id, b, af, e);
	json_decref(b);
	json_decref(af);
	return rc;
}

/* ---------- registration ---------- */

void
wo_register(void)
{
	files_register_owner("workorder", wo_can_read);
}
