/*
** modules/workorders/workorders_pm.c: 预防性维护 (preventive maintenance)
** plans and the scheduler that turns their occurrences into work orders.
** Owns table wo_pm_plan; writes workorder.pm_plan_id/pm_period.
**
** A plan recurs every `every` days, weeks or months from start_date; the
** k-th occurrence is wo_pm_occurrence(start_date, unit, every, k). Monthly
** plans keep start_date's day of the month, clamped to the month's last day
** (31st -> 02-28, 02-29 in a leap year, 04-30 ...), always counted from
** start_date so a clamp never drifts (01-31, 02-28, 03-31, not 03-28).
**
** Which occurrences get an order (wo_pm_run at local date `today`):
**   - its date minus lead_days has come: date <= today + lead_days;
**   - and it is not older than the plan's current period: the last
**     occurrence on or before today (or the first occurrence, when the plan
**     has not started yet). Older occurrences are never created, so a plan
**     whose start_date lies long ago, or a server that was down for months,
**     makes one order for the period in progress, not a flood of stale ones.
**   - and no order exists yet for (plan, occurrence date): pm_period holds
**     the occurrence date and UNIQUE (pm_plan_id, pm_period) makes a second
**     order impossible. The job runs in a BEGIN IMMEDIATE transaction, so two
**     processes are serialised and the second sees the first's rows and
**     skips them; the constraint is the last guard (a conflict is skipped).
** The order is created, accepted and dispatched as the plan's creator (an
** office user), source "pm"; it goes to the plan's team, else the
** category's default team, else it stays accepted for the office to
** dispatch. One plan failing (creator deactivated, category closed) is
** logged and skipped through a savepoint; it does not stop the others.
** The SLA clock of a PM order made ahead of time runs from the start of its
** occurrence date (local midnight), not from its creation, so an order made
** lead_days early is not overdue before the work is even due.
*/
#include "modules/workorders/workorders.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/parse.h"
#include "db/db.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define LOG_MOD "wo_pm"
#define PM_NAME_MAX 64		/* characters of a plan's name */
#define PM_PER_RUN_MAX 400	/* occurrences one plan may create in one run */

const char *const wo_pm_unit_codes[] = { "day", "week", "month", NULL };

/* ---------- dates (pure) ---------- */

static int
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t
month_days(int64_t y, int64_t m)
{
	static const int64_t n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* 1 if date is a real yyyymmdd date in years 1..9999. */
static int
real_date(int date)
{
	int y = date / 10000, m = date / 100 % 100, d = date % 100;

	return date > 0 && y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= month_days(y, m);
}

/* yyyymmdd of a day number, 0 outside years 1..9999. */
static int
days_date(int64_t days)
{
	if (days < date_to_days(10101) || days > date_to_days(99991231))
		return 0;
	return days_to_date(days);
}

/*
** Returns the occurrence date (yyyymmdd), or 0 when start is not a real date,
** every < 1, k < 0, or the answer would leave years 1..9999.
*/
int
wo_pm_occurrence(int start, enum wo_pm_unit unit, int64_t every, int64_t k)
{
	int64_t sy = start / 10000, sm = start / 100 % 100, sd = start % 100;

	if (!real_date(start) || every < 1 || every > 100000 || k < 0 || k > 4000000)
		return 0;
	switch (unit) {
	case WO_PM_DAY:
	case WO_PM_WEEK: {
		int64_t step = every * (unit == WO_PM_WEEK ? 7 : 1);
		if (k > 4000000 / step)
			return 0;
		return days_date(date_to_days(start) + k * step);
	}
	case WO_PM_MONTH: {
		if (k > 120000 / every)
			return 0;
		int64_t months = sm - 1 + k * every;
		int64_t y = sy + months / 12, m = months % 12 + 1;
		if (y > 9999)
			return 0;
		int64_t d = sd < month_days(y, m) ? sd : month_days(y, m);
		return (int)(y * 10000 + m * 100 + d);
	}
	}
	return 0;
}

/* The largest k whose occurrence is on or before date; -1 when date < start. */
static int64_t
last_k_on_or_before(int start, enum wo_pm_unit unit, int64_t every, int date)
{
	int64_t k;

	if (date < start)
		return -1;
	if (unit == WO_PM_MONTH)
		k = ((date / 10000 - start / 10000) * 12 + (date / 100 % 100 - start / 100 % 100)) /
		    every;
	else
		k = (date_to_days(date) - date_to_days(start)) / (every * (unit == WO_PM_WEEK ? 7 : 1));
	while (k > 0 && wo_pm_occurrence(start, unit, every, k) > date)
		k--;
	return k;
}

/* The first k worth creating at `today` (see the file comment). */
static int64_t
first_k(const struct wo_pm_plan *p, int today)
{
	int64_t k = last_k_on_or_before(p->start_date, p->unit, p->every, today);
	return k < 0 ? 0 : k;
}

/* today + n days as yyyymmdd. */
static int
add_days(int date, int64_t n)
{
	return days_date(date_to_days(date) + n);
}

/* ---------- storage ---------- */

#define PLAN_COLS                                                                              \
	"p.id, p.agency_id, p.name, p.title, p.description, p.priority, p.category_id, c.name," \
	" p.location_id, l.name, COALESCE(p.team_id, 0), t.name, p.unit, p.every,"            \
	" p.start_date, p.lead_days, p.active, p.created_at, p.updated_at,"                    \
	" COALESCE(p.created_by, 0)"
#define PLAN_FROM                                                         \
	" FROM wo_pm_plan p JOIN wo_category c ON c.id = p.category_id" \
	" JOIN location l ON l.id = p.location_id LEFT JOIN wo_team t ON t.id = p.team_id"

static const char sql_plan_list[] =
	"SELECT " PLAN_COLS PLAN_FROM " WHERE p.agency_id = :agency ORDER BY p.active DESC, p.id";
static const char sql_plan_get[] =
	"SELECT " PLAN_COLS PLAN_FROM " WHERE p.id = :id AND p.agency_id = :agency";
static const char sql_plan_active[] =
	"SELECT " PLAN_COLS PLAN_FROM " WHERE p.agency_id = :agency AND p.active = 1 AND p.id > :after"
	" ORDER BY p.id"
	" LIMIT 100";
static const char sql_plan_insert[] =
	"INSERT INTO wo_pm_plan (agency_id, name, category_id, location_id, team_id, title,"
	" description, priority, unit, every, start_date, lead_days, active, created_at,"
	" updated_at, created_by) VALUES (:agency, :name, :cat, :loc, :team, :title, :descr,"
	" :prio, :unit, :every, :start, :lead, :active, :now, :now, :by)";
static const char sql_plan_update[] =
	"UPDATE wo_pm_plan SET name = :name, category_id = :cat, location_id = :loc,"
	" team_id = :team, title = :title, description = :descr, priority = :prio,"
	" unit = :unit, every = :every, start_date = :start, lead_days = :lead,"
	" active = :active, updated_at = :now WHERE id = :id AND agency_id = :agency"
	" AND updated_at = :seen";
static const char sql_plan_periods[] =
	"SELECT pm_period FROM workorder WHERE pm_plan_id = :plan AND pm_period >= :from"
	" ORDER BY pm_period";
static const char sql_period_exists[] =
	"SELECT 1 FROM workorder WHERE pm_plan_id = :plan AND pm_period = :period";
static const char sql_set_period[] =
	"UPDATE workorder SET pm_plan_id = :plan, pm_period = :period WHERE id = :id";
static const char sql_pm_clock[] =
	"UPDATE workorder SET run_started_at = :run, resolve_due_at = :due"
	" WHERE id = :id AND run_started_at IS NOT NULL AND resolve_used_ms = 0";
static const char sql_category_ok[] =
	"SELECT COALESCE(default_team_id, 0) FROM wo_category WHERE id = :id"
	" AND agency_id = :agency AND active = 1";
static const char sql_location_ok[] =
	"SELECT 1 FROM location WHERE id = :id AND agency_id = :agency AND active = 1";
static const char sql_team_ok[] =
	"SELECT 1 FROM wo_team WHERE id = :id AND agency_id = :agency AND active = 1";

static int
unit_parse(const char *s)
{
	for (int i = 0; wo_pm_unit_codes[i]; i++)
		if (s && strcmp(s, wo_pm_unit_codes[i]) == 0)
			return i;
	return -1;
}

static void
read_plan(struct stmt *st, struct arena *a, void *item)
{
	struct wo_pm_plan *p = item;

	memset(p, 0, sizeof(*p));
	p->id = db_col_i64(st, 0);
	p->agency_id = db_col_i64(st, 1);
	p->name = db_col_text(st, a, 2);
	p->title = db_col_text(st, a, 3);
	p->description = db_col_text(st, a, 4);
	p->priority = db_col_text(st, a, 5);
	p->category.id = db_col_i64(st, 6);
	p->category.name = db_col_text(st, a, 7);
	p->location.id = db_col_i64(st, 8);
	p->location.name = db_col_text(st, a, 9);
	p->team.id = db_col_i64(st, 10);
	p->team.name = p->team.id ? db_col_text(st, a, 11) : NULL;
	int u = unit_parse(db_col_peek(st, 12, NULL));
	p->unit = u < 0 ? WO_PM_DAY : (enum wo_pm_unit)u;
	p->every = db_col_i64(st, 13);
	p->start_date = (int)db_col_i64(st, 14);
	p->lead_days = db_col_i64(st, 15);
	p->active = (int)db_col_i64(st, 16);
	p->created_at = db_col_i64(st, 17);
	p->updated_at = db_col_i64(st, 18);
	p->created_by = db_col_i64(st, 19);
}

/*
** The next occurrence (from the current period on) that has no order yet,
** 0 for an inactive plan. Negative on a storage failure.
*/
static int
next_date(struct db *db, const struct wo_pm_plan *p, int today, struct err *e)
{
	struct stmt st = { 0 };
	int64_t k = first_k(p, today), have = 0;
	int occ = wo_pm_occurrence(p->start_date, p->unit, p->every, k), more = 1, rc;

	if (!p->active || !occ)
		return 0;
	rc = db_prepare(db, &st, sql_plan_periods, e) || db_bind_i64(&st, ":plan", p->id, e) ||
	     db_bind_i64(&st, ":from", occ, e) ? e->code : 0;
	/* walk the occurrences and the ordered periods in step: the first gap is next */
	for (int i = 0; !rc && occ && i < PM_PER_RUN_MAX; i++) {
		while (!rc && more && have < occ) {	/* < occ: an old schedule's order */
			int r = db_step(&st, e);
			if (r < 0)
				rc = r;
			more = r == 1;
			have = more ? db_col_i64(&st, 0) : 0;
		}
		if (rc || have != occ)
			break;
		occ = wo_pm_occurrence(p->start_date, p->unit, p->every, ++k);
	}
	db_finalize(&st);
	return rc ? rc : occ;
}

static int
fill_next(struct db *db, struct wo_pm_plan *p, struct err *e)
{
	int r = next_date(db, p, cal_local_date(now_ms()), e);

	if (r < 0)
		return r;
	p->next_date = r;
	return 0;
}

static int
plan_get(struct db *db, struct arena *a, int64_t agency, int64_t id, struct wo_pm_plan *out,
	 struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_plan_get, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		read_plan(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "plan_not_found", NULL, "维保计划不存在");
	return rc ? rc : fill_next(db, out, e);
}

int
wo_pm_list(struct db *db, struct arena *a, const struct actor *who, struct wo_pm_plan **items,
	   size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_plan_list, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_read_rows(&st, a, sizeof(**items), read_plan, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	for (size_t i = 0; rc >= 0 && i < *n; i++)
		rc = fill_next(db, &(*items)[i], e);
	return rc < 0 ? rc : 0;
}

/* First bad field sets the error, later ones add to it. */
static void
bad(struct err *e, const char *field, const char *msg)
{
	if (e->code == ERR_OK)
		err_setx(e, ERR_INVALID, "invalid", field, "%s", msg);
	else
		err_field(e, field, "%s", msg);
}

/* 1 when the query finds a row for (id, agency); *col0 gets its first column. */
static int
exists(struct db *db, const char *sql, int64_t id, int64_t agency, int64_t *col0, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) ? e->code : db_step(&st, e);

	if (rc == 1 && col0)
		*col0 = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static long
chars(const char *s)
{
	return s ? utf8_chars(s, strlen(s)) : 0;
}

static int
check_plan(struct db *db, const struct actor *who, const struct wo_pm_plan *in, struct err *e)
{
	struct err dbe = { 0 };
	int r;

	err_clear(e);
	if (!in->name || chars(in->name) < 1 || chars(in->name) > PM_NAME_MAX)
		bad(e, "name", "请填写计划名称（不超过 64 字）");
	if (!in->title || chars(in->title) < 1 || chars(in->title) > WO_TITLE_MAX)
		bad(e, "title", "请填写工单标题（不超过 100 字）");
	if (in->description && chars(in->description) > WO_TEXT_MAX)
		bad(e, "description", "说明不能超过 2000 字");
	if (!in->priority || wo_priority_parse(in->priority) < 0)
		bad(e, "priority", "优先级无效");
	if ((int)in->unit < WO_PM_DAY || in->unit > WO_PM_MONTH)
		bad(e, "unit", "周期单位应为 day、week 或 month");
	if (in->every < 1 || in->every > 366)
		bad(e, "every", "间隔应在 1 到 366 之间");
	if (!real_date(in->start_date) || in->start_date / 10000 < CAL_YEAR_MIN ||
	    in->start_date / 10000 > CAL_YEAR_MAX)
		bad(e, "start_date", "首次日期应为 YYYY-MM-DD");
	if (in->lead_days < 0 || in->lead_days > 90)
		bad(e, "lead_days", "提前天数应在 0 到 90 之间");
	static const struct {
		const char *sql, *field, *msg;
	} refs[] = {
		{ sql_category_ok, "category_id", "报修类别不存在或已停用" },
		{ sql_location_ok, "location_id", "位置不存在或已停用" },
		{ sql_team_ok, "team_id", "班组不存在或已停用" },
	};
	const int64_t ids[] = { in->category.id, in->location.id, in->team.id };

	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		if (i == 2 && !ids[i])
			continue;	/* the team is optional */
		r = ids[i] > 0 ? exists(db, refs[i].sql, ids[i], who->agency_id, NULL, &dbe) : 0;
		if (r < 0) {
			*e = dbe;
			return e->code;
		}
		if (r == 0)
			bad(e, refs[i].field, refs[i].msg);
	}
	return e->code;
}

static int
bind_plan(struct stmt *st, const struct wo_pm_plan *in, int64_t now, struct err *e)
{
	return db_bind_text(st, ":name", in->name, e) ||
	       db_bind_i64(st, ":cat", in->category.id, e) ||
	       db_bind_i64(st, ":loc", in->location.id, e) ||
	       db_bind_id_or_null(st, ":team", in->team.id, e) ||
	       db_bind_text(st, ":title", in->title, e) ||
	       db_bind_text(st, ":descr", in->description && *in->description ? in->description
									  : NULL, e) ||
	       db_bind_text(st, ":prio", in->priority, e) ||
	       db_bind_text(st, ":unit", wo_pm_unit_codes[in->unit], e) ||
	       db_bind_i64(st, ":every", in->every, e) ||
	       db_bind_i64(st, ":start", in->start_date, e) ||
	       db_bind_i64(st, ":lead", in->lead_days, e) ||
	       db_bind_i64(st, ":active", in->active ? 1 : 0, e) ||
	       db_bind_i64(st, ":now", now, e) ? e->code : 0;
}

int
wo_pm_save(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	   const struct wo_pm_plan *in, struct wo_pm_plan *out, struct err *e)
{
	struct wo_pm_plan before = { 0 };
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (!actor_has(who, ROLE_OFFICE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有后勤管理员可以维护维保计划");
	if (id && (plan_get(db, a, who->agency_id, id, &before, e) ||
		   db_check_seen(in->updated_at, before.updated_at, "计划", e)))
		return e->code;
	if (check_plan(db, who, in, e))
		return e->code;
	rc = db_prepare(db, &st, id ? sql_plan_update : sql_plan_insert, e) ||
	     bind_plan(&st, in, db_next_updated_at(before.updated_at, now_ms()), e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ? e->code : 0;
	if (!rc && id)
		rc = db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":seen", in->updated_at, e)
			     ? e->code : 0;
	if (!rc && !id)
		rc = db_bind_id_or_null(&st, ":by", who->id, e);
	if (!rc)
		rc = db_step_done(&st, e);
	db_finalize(&st);
	if (!rc && id && db_check_changed(db, "计划", e))
		return e->code;
	if (!rc && !id)
		id = db_last_id(db);
	if (!rc)
		rc = plan_get(db, a, who->agency_id, id, out, e);
	if (!rc)
		rc = aud_record(db, who, before.id ? "update" : "create", "wo_pm_plan", id,
				before.id ? jarena(a, wo_pm_json(&before)) : NULL,
				jarena(a, wo_pm_json(out)), e);
	return rc;
}

static json_t *
ref_json(const struct wo_ref *r)
{
	return r->id ? json_pack("{sI ss}", "id", (json_int_t)r->id, "name",
				 r->name ? r->name : "")
		     : json_null();
}

json_t *
wo_pm_json(const struct wo_pm_plan *p)
{
	int prio = wo_priority_parse(p->priority);

	return json_pack("{sI ss ss so ss ss so so so ss sI so sI sb so so so}", "id",
			 (json_int_t)p->id, "name", p->name ? p->name : "", "title",
			 p->title ? p->title : "", "description", jstr_or_null(p->description),
			 "priority", p->priority ? p->priority : "", "priority_label",
			 prio >= 0 ? wo_priority_labels[prio] : "", "category",
			 ref_json(&p->category), "location", ref_json(&p->location), "team",
			 ref_json(&p->team), "unit", wo_pm_unit_codes[p->unit], "every",
			 (json_int_t)p->every, "start_date", jdate(p->start_date),
			 "lead_days", (json_int_t)p->lead_days, "active", p->active, "next_date",
			 jdate(p->next_date), "created_at", jtime(p->created_at),
			 "updated_at", jtime(p->updated_at));
}

/* ---------- the scheduler ---------- */

static int
period_taken(struct db *db, int64_t plan, int period, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_period_exists, e) || db_bind_i64(&st, ":plan", plan, e) ||
		 db_bind_i64(&st, ":period", period, e) ? e->code : db_step(&st, e);

	db_finalize(&st);
	return rc;
}

static int
exec_stmt(struct db *db, const char *sql, const char *n1, int64_t v1, const char *n2, int64_t v2,
	  const char *n3, int64_t v3, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, n1, v1, e) ||
		 db_bind_i64(&st, n2, v2, e) || db_bind_i64(&st, n3, v3, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/*
** A PM order made ahead of time: its resolve clock starts at the local
** midnight of its occurrence date (when that is later than now).
*/
static int
start_clock_on_period(struct db *db, const struct cal *cal, const struct workorder *o,
		      int period, int64_t now, struct err *e)
{
	int64_t day0 = date_to_days(period) * DAY_MS - SHANGHAI_OFFSET_MS;
	struct wo_clock c = { .h24 = o->clock_24h, .cal = cal };
	int64_t due;

	if (day0 <= now || !o->resolve_due_at)
		return 0;
	due = wo_clock_add(&c, day0, o->resolve_target_min * MINUTE_MS);
	if (due == CAL_NEVER)
		return 0;
	return exec_stmt(db, sql_pm_clock, ":run", day0, ":due", due, ":id", o->id, e);
}

/* wo_get's photos are ours when not handed to wo_json. */
static void
drop_photos(struct workorder *o)
{
	json_decref(o->photos);
	o->photos = NULL;
}

/* Create, accept and dispatch the order of one occurrence. */
static int
make_order(struct db *db, struct arena *a, const struct cal *cal, const struct wo_pm_plan *p,
	   int period, int64_t now, struct err *e)
{
	struct wo_in in = { .category_id = p->category.id, .location_id = p->location.id,
			    .title = p->title, .description = p->description,
			    .priority = p->priority, .source = "pm" };
	struct wo_action_in dispatch = { .team_id = p->team.id };
	static const struct wo_action_in accept;
	struct workorder o = { 0 };
	struct actor who;
	int rc;

	rc = auth_load_actor(db, a, p->created_by, &who, e);
	if (!rc) {
		who.ip = "system";
		rc = wo_create(db, a, &who, &in, &o, e);
		drop_photos(&o);
	}
	if (!rc)	/* claim the period: a duplicate stops here (ERR_CONFLICT) */
		rc = exec_stmt(db, sql_set_period, ":plan", p->id, ":period", period, ":id", o.id,
			       e);
	if (!rc)
		rc = start_clock_on_period(db, cal, &o, period, now, e);
	if (!rc && strcmp(o.status, "submitted") == 0) {
		rc = wo_apply(db, a, &who, o.id, WO_A_ACCEPT, &accept, &o, e);
		drop_photos(&o);
	}
	if (!rc && !dispatch.team_id)	/* the plan names none: the category's default team */
		rc = exists(db, sql_category_ok, p->category.id, p->agency_id, &dispatch.team_id,
			    e) < 0 ? e->code : 0;
	if (!rc && dispatch.team_id && strcmp(o.status, "accepted") == 0) {
		rc = wo_apply(db, a, &who, o.id, WO_A_DISPATCH, &dispatch, &o, e);
		drop_photos(&o);
	}
	return rc;
}

enum { OCC_TAKEN, OCC_CREATED, OCC_PLAN_FAILED };

/*
** One occurrence inside a savepoint: OCC_CREATED; OCC_TAKEN when it has an
** order already; OCC_PLAN_FAILED when this plan cannot make orders now
** (logged, rolled back to the savepoint; the next run tries again);
** negative on a storage failure (the job fails and rolls back).
*/
static int
run_occurrence(struct db *db, const struct cal *cal, const struct wo_pm_plan *p, int period,
	       int64_t now, struct err *e)
{
	struct arena *a;
	int rc = period_taken(db, p->id, period, e);

	if (rc != 0)
		return rc < 0 ? rc : OCC_TAKEN;
	a = arena_new(16384);
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_exec(db, "SAVEPOINT wo_pm", e);
	if (!rc)
		rc = make_order(db, a, cal, p, period, now, e);
	if (!rc) {
		rc = db_exec(db, "RELEASE SAVEPOINT wo_pm", e) ? e->code : OCC_CREATED;
	} else if (rc == ERR_DB || rc == ERR_UNAVAILABLE || rc == ERR_NOMEM) {
		struct err ignore = { 0 };
		db_exec(db, "ROLLBACK TO SAVEPOINT wo_pm", &ignore);
	} else {
		log_msg(LOG_WARN, LOG_MOD, "cannot create order of plan %" PRId64 " for %d: %s",
			p->id, period, e->msg);
		rc = db_exec(db, "ROLLBACK TO SAVEPOINT wo_pm", e) ||
		     db_exec(db, "RELEASE SAVEPOINT wo_pm", e) ? e->code : OCC_PLAN_FAILED;
		if (rc == OCC_PLAN_FAILED)
			err_clear(e);
	}
	arena_free(a);
	return rc;
}

static int
run_plan(struct db *db, const struct cal *cal, const struct wo_pm_plan *p, int today, int64_t now,
	 int *created, struct err *e)
{
	int horizon = add_days(today, p->lead_days);
	int64_t k = first_k(p, today);

	for (int i = 0; i < PM_PER_RUN_MAX; i++, k++) {
		int occ = wo_pm_occurrence(p->start_date, p->unit, p->every, k);
		if (!occ || occ > horizon)
			break;
		int rc = run_occurrence(db, cal, p, occ, now, e);
		if (rc < 0)
			return rc;
		if (rc == OCC_PLAN_FAILED)
			break;
		*created += rc == OCC_CREATED;
	}
	return 0;
}

int
wo_pm_run(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *created,
	  struct err *e)
{
	int today = cal_local_date(now), made = 0, rc = 0;
	int64_t after = 0;

	assert(db_in_tx(db));
	err_clear(e);
	for (;;) {
		struct arena *a = arena_new(16384);
		struct wo_pm_plan plans[100];
		struct stmt st = { 0 };
		int n = 0;

		if (!a)
			return err_set(e, ERR_NOMEM, NULL, "out of memory");
		rc = db_prepare(db, &st, sql_plan_active, e) ||
		     db_bind_i64(&st, ":agency", agency, e) ||
		     db_bind_i64(&st, ":after", after, e) ? e->code : 0;
		while (!rc && n < 100 && (rc = db_step(&st, e)) == 1) {
			rc = 0;
			read_plan(&st, a, &plans[n++]);
		}
		db_finalize(&st);
		for (int i = 0; rc >= 0 && i < n; i++) {
			rc = run_plan(db, cal, &plans[i], today, now, &made, e);
			after = plans[i].id;
		}
		arena_free(a);
		if (rc < 0 || n < 100)
			break;
	}
	if (created)
		*created = made;
	return rc < 0 ? rc : 0;
}
