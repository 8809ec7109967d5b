/*
** modules/workorders/workorders_lists.c: reading 报修 orders: one order with
** its timeline, photos and allowed actions (wo_get), who may see an order
** (wo_can_read, wo_visible), and the lists with their filters and sort
** orders (wo_list). Reads tables workorder, wo_event, wo_count.
*/
#include "modules/workorders/workorders.h"
#include "modules/workorders/workorders_int.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/files.h"
#include "core/json.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

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
#define WO_FROM " FROM workorder w" WO_JOINS
#define WO_JOINS                                                                             \
	" JOIN wo_category c ON c.id = w.category_id"                                        \
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

void
wo_ref_row(struct stmt *st, struct arena *a, int col, struct wo_ref *r)
{
	r->id = db_col_i64(st, col);
	r->name = r->id ? db_col_text(st, a, col + 1) : NULL;
}

static void
order_row(struct stmt *st, struct arena *a, void *item)
{
	struct workorder *o = item;

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
	wo_ref_row(st, a, 9, &o->category);
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
	wo_ref_row(st, a, 15, &o->requester);
	wo_ref_row(st, a, 17, &o->requester_dept);
	wo_ref_row(st, a, 19, &o->owner);
	wo_ref_row(st, a, 21, &o->team);
	wo_ref_row(st, a, 23, &o->worker);
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
int
wo_fetch(struct db *db, struct arena *a, int64_t id, struct workorder *o, struct err *e)
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
int
wo_is_member(struct db *db, int64_t team, int64_t user, struct err *e)
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
int
wo_can_see(struct db *db, const struct actor *who, const struct workorder *o, struct err *e)
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
		return wo_is_member(db, o->team.id, who->id, e);
	return 0;
}

static const char sql_resolver[] =
	"SELECT 1 FROM wo_event WHERE workorder_id = :id AND action = 'resolve'"
	" AND actor_id = :me LIMIT 1";

/*
** 1 when o is who's own work: who is its worker or resolved it at some time
** (a reopened order keeps its earlier resolver). Nobody judges their own work.
*/
int
wo_own_work(struct db *db, const struct actor *who, const struct workorder *o, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	if (!who || who->id <= 0)
		return 0;
	if (o->worker.id == who->id)
		return 1;
	rc = db_prepare(db, &st, sql_resolver, e) || db_bind_i64(&st, ":id", o->id, e) ||
	     db_bind_i64(&st, ":me", who->id, e) ? e->code : db_step(&st, e);
	db_finalize(&st);
	return rc;
}

/* Which parties of the transition table who is for o. */
int
wo_parties_of(struct db *db, const struct actor *who, const struct workorder *o, unsigned *out,
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
		m = wo_is_member(db, o->team.id, who->id, e);
		if (m < 0)
			return m;
		if (m)
			*out |= WO_P_WORKER;
	}
	return 0;
}

static void
event_row(struct stmt *st, struct arena *a, void *item)
{
	struct wo_event *ev = item;

	ev->id = db_col_i64(st, 0);
	ev->action = db_col_text(st, a, 1);
	ev->from_status = db_col_text(st, a, 2);
	ev->to_status = db_col_text(st, a, 3);
	wo_ref_row(st, a, 4, &ev->actor);
	ev->note = db_col_text(st, a, 6);
	ev->data = db_col_text(st, a, 7);
	ev->created_at = db_col_i64(st, 8);
}

static int
load_timeline(struct db *db, struct arena *a, struct workorder *o, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_events, e) || db_bind_i64(&st, ":id", o->id, e) ||
		 db_read_rows(&st, a, sizeof(*o->timeline), event_row, (void **)&o->timeline,
			      &o->ntimeline, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
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
		return wo_nomem(e);
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

	if (wo_parties_of(db, who, o, &parties, e))
		return e->code;
	for (int i = 0; i < WO_A_AUTO_CONFIRM; i++) {
		const struct wo_transition *t = wo_transition_find((enum wo_action)i,
								   (enum wo_status)st);
		if (!t || !(t->parties & parties))
			continue;
		if (i == WO_A_CONFIRM) {
			int own = wo_own_work(db, who, o, e);
			if (own < 0)
				return own;
			if (own)
				continue;
		}
		if (i == WO_A_REOPEN) {
			if (!have_cal && cal_load_agency(db, a, o->agency_id, &cal, e))
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

	if (wo_fetch(db, a, id, out, e))
		return e->code;
	ok = wo_can_see(db, who, out, e);
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
	rc = wo_fetch(db, a, id, &o, &e);
	if (rc == ERR_NOT_FOUND)
		rc = 0;
	else if (!rc)
		rc = wo_can_see(db, who, &o, &e);
	arena_free(a);
	return rc;
}

int
wo_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e)
{
	struct workorder o;
	int ok;

	if (wo_fetch(db, a, id, &o, e))
		return e->code;
	ok = wo_can_see(db, who, &o, e);
	if (ok < 0)
		return ok;
	return ok ? 0 : err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "报修单不存在");
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
** one statement sorted every matching row. The page's ids are chosen first,
** on workorder alone, and only its rows are joined (a derived table first in
** FROM, so PostgreSQL, which keeps the written join order past eight tables,
** starts from the page): the ten-table join over the whole WHERE cost
** PostgreSQL tens of ms per request and more as other agencies' rows grew
** (docs/scale.md).
*/
static const char *const sort_names[] = { "-created_at", "created_at", "priority", "due" };
#define NSORTS (int)(sizeof(sort_names) / sizeof(sort_names[0]))
#define BY_NEWEST " ORDER BY w.created_at DESC, w.id DESC"
#define BY_OLDEST " ORDER BY w.created_at, w.id"
#define BY_PRIORITY                                                                        \
	" ORDER BY CASE w.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2"\
	" ELSE 3 END, w.created_at DESC, w.id DESC"
#define BY_DUE                                                                              \
	" ORDER BY COALESCE(w.accept_due_at, w.resolve_due_at, 9223372036854775807),"         \
	" w.created_at DESC, w.id DESC"
#define PAGE " LIMIT :limit OFFSET :offset) p JOIN workorder w ON w.id = p.id" WO_JOINS
static const char *const sort_tails[NSORTS] = {
	BY_NEWEST PAGE BY_NEWEST,
	BY_OLDEST PAGE BY_OLDEST,
	BY_PRIORITY PAGE BY_PRIORITY,
	BY_DUE PAGE BY_DUE,
};

static const struct sql_set list_set = {
	"SELECT " WO_COLS " FROM (SELECT w.id FROM workorder w WHERE w.agency_id = :agency",
	where_parts, F_N, sort_tails, NSORTS,
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
		return wo_nomem(e);
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

/* The scope who may ask for and the filter values: 0, ERR_FORBIDDEN or ERR_INVALID. */
static int
check_filter(const struct actor *who, const struct wo_filter *f, struct err *e)
{
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
	return 0;
}

int
wo_list(struct db *db, struct arena *a, const struct actor *who, const struct wo_filter *f,
	struct workorder **items, size_t *n, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int64_t now = now_ms();
	uint32_t m;
	int rc;

	*n = 0;
	*total = 0;
	if (check_filter(who, f, e))
		return e->code;
	m = filter_mask(f);
	if (count_orders(db, m, a, who, f, now, total, e))
		return e->code;
	rc = db_prepare_set(db, &st, &list_set, m, sort_index(f), e) ||
	     bind_filter(&st, m, a, who, f, now, e) ||
	     db_bind_i64(&st, ":limit", f->limit, e) || db_bind_i64(&st, ":offset", f->offset, e) ||
	     db_read_rows(&st, a, sizeof(**items), order_row, (void **)items, n, e) ? e->code : 0;
	db_finalize(&st);
	for (size_t i = 0; !rc && i < *n; i++)
		set_overdue(&(*items)[i], now);
	return rc;
}

#undef HAS
