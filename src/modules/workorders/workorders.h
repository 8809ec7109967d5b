/*
** modules/workorders/workorders.h: 报修与服务请求. A work order goes from
** submission to rating through an explicit transition table; one function,
** wo_apply(), performs every transition (role and ownership check, the
** order's columns, a timeline row, the audit record, notifications and the
** live "changed" event), inside the caller's write transaction.
**
** Statuses (JSON uses the English names):
**   submitted 已提交 -> accepted 已受理 -> dispatched 已派单 -> in_progress 处理中
**   -> resolved 已完成 -> confirmed 已确认;  suspended 挂起;  cancelled 已取消.
** reopen and transfer are actions that lead back to dispatched.
**
** SLA. Targets (minutes) come from the category and priority and are copied
** into the order at creation. The clock is the business calendar (core/
** calendar.h), except for the urgent priority and safety categories, which
** run on a plain 24-hour clock. The accept clock runs from submission to
** acceptance; the resolve clock from submission to resolution, stopped while
** suspended and between resolution and a reopen.
**
** Visibility (wo_can_read): the requester; the requester's department head;
** office, leader and supervisor users of the agency; workers on orders
** dispatched to them or to one of their teams; the 首问负责人.
**
** Strings in outputs live in the arena `a`; inputs are borrowed. Write
** functions must run inside a write transaction and audit what they change.
*/
#ifndef HOUQIN_WORKORDERS_H
#define HOUQIN_WORKORDERS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;
struct cal;

#define WO_TITLE_MAX 100	/* characters */
#define WO_TEXT_MAX 2000	/* description, notes, parts, comments, reasons */
#define WO_PHOTOS_MAX 9
#define WO_CONFIRM_DAYS 3	/* business days to rate or reopen before auto-confirmation */

enum wo_status {
	WO_SUBMITTED, WO_ACCEPTED, WO_DISPATCHED, WO_IN_PROGRESS, WO_SUSPENDED,
	WO_RESOLVED, WO_CONFIRMED, WO_CANCELLED, WO_STATUS_N
};
/* "submitted", ... NULL, indexed by enum wo_status; labels 已提交 ... */
extern const char *const wo_status_codes[], *const wo_status_labels[];

enum wo_action {
	WO_A_ACCEPT, WO_A_DISPATCH, WO_A_START, WO_A_SUSPEND, WO_A_RESUME, WO_A_TRANSFER,
	WO_A_RESOLVE, WO_A_CONFIRM, WO_A_REOPEN, WO_A_CANCEL, WO_A_AUTO_CONFIRM, WO_A_N
};
/* "accept", ... "auto_confirm", NULL (also the URL segment); labels 受理 ... */
extern const char *const wo_action_codes[], *const wo_action_labels[];

enum wo_priority { WO_URGENT, WO_HIGH, WO_NORMAL, WO_LOW, WO_PRIORITY_N };
extern const char *const wo_priority_codes[], *const wo_priority_labels[];

/* Who may ask for a transition (bits; an action may allow several). */
enum wo_party {
	WO_P_OFFICE = 1 << 0,	/* any office user of the agency */
	WO_P_WORKER = 1 << 1,	/* the assigned worker, or a member of the assigned team */
	WO_P_REQUESTER = 1 << 2,
	WO_P_SYSTEM = 1 << 3,	/* jobs only (actor NULL) */
};

/* One row of the transition table. */
struct wo_transition {
	enum wo_action action;
	unsigned from;		/* bit (1 << status) per allowed source status */
	enum wo_status to;
	unsigned parties;	/* enum wo_party bits */
};
/*
** The row for action leaving status from, or NULL when that move is illegal
** (the API answers 409 illegal_transition). Pure; unit-tested.
*/
const struct wo_transition *wo_transition_find(enum wo_action action, enum wo_status from);
/* Status/action/priority code -> enum; -1 when unknown. */
int wo_status_parse(const char *s);
int wo_action_parse(const char *s);
int wo_priority_parse(const char *s);

/* ---- SLA clock (pure) ---- */
struct wo_clock {
	int h24;		/* 1: plain 24-hour clock; 0: business calendar */
	const struct cal *cal;	/* required when h24 == 0 */
};
/* The instant at which ms of clock time have run after start (CAL_NEVER: never). */
int64_t wo_clock_add(const struct wo_clock *c, int64_t start, int64_t ms);
/* Clock time in [from, to), 0 when to <= from. */
int64_t wo_clock_between(const struct wo_clock *c, int64_t from, int64_t to);
/*
** End of the confirmation window of an order resolved at resolved_at: the
** local midnight that ends the WO_CONFIRM_DAYS-th workday after the day of
** resolution (resolved Mon 10:00, no holidays: Fri 00:00). The requester may
** reopen while now < deadline; auto-confirmation happens at now >= deadline.
*/
int64_t wo_confirm_deadline(const struct cal *cal, int64_t resolved_at);

/* ---- records ---- */
struct wo_ref {
	int64_t id;
	const char *name;	/* display name; NULL when id == 0 */
};

struct wo_event {
	int64_t id;
	const char *action;	/* "create" or a wo_action code */
	const char *from_status, *to_status;	/* from NULL for "create" */
	struct wo_ref actor;	/* id 0 = 系统 */
	const char *note;
	const char *data;	/* JSON object text or NULL */
	int64_t created_at;
};

struct workorder {
	int64_t id, agency_id;
	const char *code, *title, *description, *priority, *contact_phone, *status, *source;
	struct wo_ref category, location, requester, requester_dept, owner, team, worker;
	const char *location_path;	/* 综合楼 / 3层 / 301 */
	int clock_24h;
	int64_t accept_target_min, resolve_target_min;
	int64_t accept_due_at, resolve_due_at;	/* 0 = none (accepted / clock stopped) */
	int64_t resolve_used_ms, run_started_at;
	int64_t accept_minutes, resolve_minutes;	/* -1 = not yet */
	int accept_on_time, resolve_on_time;		/* -1 = not yet */
	int overdue;		/* a running clock is past its due time now */
	int64_t reopen_count;
	int64_t accepted_at, dispatched_at, started_at, resolved_at, confirmed_at, closed_at;
	const char *suspend_reason, *resolution_notes, *parts, *rating_comment;
	int64_t rating;		/* 0 = not rated */
	int auto_confirmed;
	int64_t pm_plan_id;
	int64_t created_at, updated_at, created_by;
	/* filled by wo_get only */
	struct wo_event *timeline;
	size_t ntimeline;
	json_t *photos;		/* array of files_meta_json; owned reference, wo_json steals it:
				   a caller that does not hand the order to wo_json must
				   json_decref(o->photos). NULL from wo_list. */
	const char *allowed[WO_A_N + 1];	/* action codes `who` may perform now, NULL-ended */
};

struct wo_in {
	int64_t category_id, location_id;
	const char *title, *description, *priority, *contact_phone, *source;
	const int64_t *attachment_ids;	/* photos (kind "photo") uploaded by the requester */
	size_t nattachments;
};

/* Arguments of a transition; which ones an action needs is in wo_apply. */
struct wo_action_in {
	int64_t worker_id, team_id;	/* dispatch, transfer: exactly one of them */
	const char *reason;		/* suspend, reopen, cancel (required), transfer (optional) */
	const char *notes, *parts;	/* resolve: notes required */
	int64_t rating;			/* confirm: 1..5 */
	const char *comment;		/* confirm */
	const int64_t *attachment_ids;	/* resolve: photos of the work done */
	size_t nattachments;
	int64_t updated_at;		/* optional optimistic-concurrency token (0 = unchecked) */
};

/*
** Create an order for `who` (any user; the requester). Validates category and
** location (ERR_INVALID on field category_id / location_id when unknown,
** inactive or of another agency), computes code and SLA due times, attaches
** the photos, writes the "create" timeline row, audits, notifies the office
** users and, for urgent orders, dispatches to the category team's worker on
** duty today: the dispatch move of the transition table, taken by the system
** from submitted (timeline row, audit record "dispatch", wo.assigned notice).
** *out is the order as wo_get gives it.
*/
/*
** Reserve n code numbers of agency's local date yyyymmdd (WO-<date>-NNNN,
** numbered per agency); *first is the first. In a write tx.
*/
int wo_code_reserve(struct db *db, int64_t agency, int date, int64_t n, int64_t *first,
		    struct err *e);
int wo_create(struct db *db, struct arena *a, const struct actor *who, const struct wo_in *in,
	      struct workorder *out, struct err *e);

/*
** Notifications (notify_send kind -> recipients; never the actor himself,
** nobody twice, and no cap: every member of a team of hundreds):
**   wo.submitted -> the agency's office users; wo.accepted, wo.dispatched,
**   wo.cancelled -> the requester; wo.assigned (dispatch, transfer, urgent
**   auto-dispatch) -> the worker, or every member of the team; wo.suspended,
**   wo.confirmed -> the owner; wo.resolved -> requester and owner;
**   wo.reopened -> the worker (or team) and the owner. Every change also
**   queues notify_entity_changed(agency, 0, "workorder", id).
** Timeline rows (wo_event): "create" then one per transition; a system
** action has actor NULL. Audit: entity "workorder", action = the action code
** ("create" for creation), before/after = the list view of the order.
** Resume returns to the status the order was suspended from (dispatched or
** in_progress). Dispatch to a worker also sets team to a team of theirs
** (the current one when they belong to it). Start by a team member of a
** team-only order sets worker = them. Reopen clears resolved_at,
** resolve_minutes and resolve_on_time (measured again at the next resolve,
** over the whole used clock time) and keeps the worker and team.
**
** Apply action to order id as `who` (NULL = the system, only for
** WO_P_SYSTEM actions). ERR_NOT_FOUND when who cannot see it; ERR_CONFLICT
** "illegal_transition" when the status does not allow the action (also the
** loser of two concurrent accepts) or "stale" for an old updated_at;
** ERR_FORBIDDEN "not_yours" when who is not a party the action allows,
** "own_work" for a confirm by the order's worker or a past resolver (even
** when also its requester: auto-confirmation closes it);
** ERR_INVALID with fields for bad arguments; ERR_RULE "reopen_expired"
** after WO_CONFIRM_DAYS business days. *out as wo_get gives it.
*/
int wo_apply(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     enum wo_action action, const struct wo_action_in *in, struct workorder *out,
	     struct err *e);

/* The order with timeline, photos and allowed actions. ERR_NOT_FOUND unless who may read it. */
int wo_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	   struct workorder *out, struct err *e);
/* files owner callback ("workorder"): 1 when who may read order id. */
int wo_can_read(struct db *db, const struct actor *who, int64_t id);
/* History visibility (workorders_module.c history): 0 or ERR_NOT_FOUND. */
int wo_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e);

enum wo_scope {
	WO_SCOPE_MINE,		/* I requested it */
	WO_SCOPE_DEPT,		/* my department's (dept_head: own department) */
	WO_SCOPE_TASKS,		/* dispatched to me or my teams (worker) */
	WO_SCOPE_ALL,		/* the agency (office, leader, supervisor) */
};

struct wo_filter {
	enum wo_scope scope;
	int64_t department_id;		/* scope dept: 0 = who's own; another one only for
					   office, leader, supervisor (else ERR_FORBIDDEN) */
	const char *status;		/* a status code, or "open" (not confirmed/cancelled) */
	int64_t category_id, location_id, team_id, worker_id;	/* location: that node or below */
	const char *priority;
	int overdue;			/* 1: only orders past a due time now */
	int64_t from, to;		/* created_at in [from, to); 0 = open */
	const char *q;			/* code, title, description */
	const char *sort;		/* NULL/"-created_at" newest first (default), "created_at"
					   oldest first, "priority" urgent first, "due" earliest due first */
	int64_t limit, offset;
};
/* ERR_FORBIDDEN when who's roles do not allow the scope. Timeline/photos not filled. */
int wo_list(struct db *db, struct arena *a, const struct actor *who, const struct wo_filter *f,
	    struct workorder **items, size_t *n, int64_t *total, struct err *e);

/* API view (statuses and times as the API documents them). Steals o->photos. New reference. */
json_t *wo_json(const struct workorder *o);
/* The same JSON written by w (core/jw.h; o is a struct workorder *): a list page item. */
struct jw;
void wo_write_json(struct jw *w, const void *o);

/* ---- categories, teams, duty roster ---- */
struct wo_target {
	int64_t accept_min, resolve_min;
};

struct wo_category {
	int64_t id, agency_id;
	const char *name;
	struct wo_ref default_team;
	int safety, active;
	int64_t sort_order;
	struct wo_target targets[WO_PRIORITY_N];
	int64_t created_at, updated_at;
};

struct wo_category_in {
	const char *name;
	int64_t default_team_id, sort_order;
	int safety, active;
	struct wo_target targets[WO_PRIORITY_N];	/* all four required on create */
	int has_targets;
	int64_t updated_at;	/* update: required, the value read (db_check_seen) */
};

int wo_category_list(struct db *db, struct arena *a, const struct actor *who, int active_only,
		     struct wo_category **items, size_t *n, struct err *e);
/* One category of who's agency. ERR_NOT_FOUND. */
int wo_category_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		    struct wo_category *out, struct err *e);
/*
** Create (id 0) or update a category. Office only. Duplicate name:
** ERR_CONFLICT "duplicate"; an update needs in->updated_at as read
** (missing: ERR_INVALID "updated_at"; old: ERR_CONFLICT "stale"). Audited.
*/
int wo_category_save(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     const struct wo_category_in *in, struct wo_category *out, struct err *e);
json_t *wo_category_json(const struct wo_category *c);

struct wo_team {
	int64_t id, agency_id;
	const char *name;
	int active;
	struct wo_ref *members;
	size_t nmembers;
	int64_t created_at, updated_at;
};
int wo_team_list(struct db *db, struct arena *a, const struct actor *who, struct wo_team **items,
		 size_t *n, struct err *e);
struct wo_team_in {
	const char *name;
	int active;
	const int64_t *member_ids;
	size_t nmembers;
	int64_t updated_at;	/* id != 0: required, the value read (db_check_seen) */
};
/*
** Create (id 0) or update a team. Office only (ERR_FORBIDDEN); members must
** be active users with role worker in the agency (ERR_INVALID member_ids);
** duplicate name: ERR_CONFLICT "duplicate"; an update without updated_at:
** ERR_INVALID, with an old one: ERR_CONFLICT "stale". Audited.
*/
int wo_team_put(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		const struct wo_team_in *in, struct wo_team *out, struct err *e);
json_t *wo_team_json(const struct wo_team *t);

struct wo_duty {
	int64_t id, team_id;
	int day;		/* yyyymmdd */
	struct wo_ref user;
};
/* Duty of every team of the agency for local dates [from_day, to_day]. */
int wo_duty_list(struct db *db, struct arena *a, const struct actor *who, int from_day,
		 int to_day, struct wo_duty **items, size_t *n, struct err *e);
/* Office: set (user_id > 0) or clear (0) the worker on duty; user must be in the team. Audited. */
int wo_duty_set(struct db *db, const struct actor *who, int64_t team_id, int day,
		int64_t user_id, struct err *e);
/* The worker on duty for team on day, 0 when none. */
int wo_duty_worker(struct db *db, int64_t team_id, int day, int64_t *user_id, struct err *e);

/* ---- background jobs (workorders_jobs.c; run by jobs.c once a minute) ---- */
/*
** SLA watch at `now`: for each order whose accept or resolve due time has
** passed, notify its 首问负责人 (or the office users before acceptance) and
** its team; when overdue by its full target again, notify the agency's
** leaders (escalation). Each alert is recorded in wo_sla_alert in the same
** transaction, keyed by (order, kind, due time): never sent twice, also
** across restarts. Agency's orders only, on cal, its calendar (the jobs
** runner calls every job once per agency). *sent = alerts sent (may be
** NULL). Write transaction.
*/
int wo_sla_watch(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *sent,
		 struct err *e);
/* Confirm (system, auto_confirmed) agency's orders resolved WO_CONFIRM_DAYS business days ago. */
int wo_auto_confirm(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *done,
		    struct err *e);

/* ---- preventive maintenance (workorders_pm.c) ---- */
enum wo_pm_unit { WO_PM_DAY, WO_PM_WEEK, WO_PM_MONTH };
extern const char *const wo_pm_unit_codes[];	/* "day","week","month",NULL */

struct wo_pm_plan {
	int64_t id, agency_id;
	const char *name, *title, *description, *priority;
	struct wo_ref category, location, team;
	enum wo_pm_unit unit;
	int64_t every;
	int start_date;		/* yyyymmdd, the first occurrence */
	int64_t lead_days;
	int active;
	int next_date;		/* next occurrence without an order (yyyymmdd), 0 = none */
	int64_t created_at, updated_at, created_by;
};
/*
** The k-th occurrence (k >= 0) of a plan starting on start (yyyymmdd):
** start + k*every days/weeks, or months with the day clamped to the month's
** last day (start 2026-01-31, monthly: 02-28, 03-31, ...; leap years right).
** Pure; unit-tested.
*/
int wo_pm_occurrence(int start, enum wo_pm_unit unit, int64_t every, int64_t k);
/*
** Create the orders of every active plan whose occurrence date minus
** lead_days has come by `now` (local date), one per (plan, occurrence):
** the UNIQUE (pm_plan_id, pm_period) key makes a second creation impossible,
** also across restarts or two server processes. The order is created as
** the plan's creator, accepted by them and dispatched to the plan's team.
** Agency's plans only, on cal. *created may be NULL. Write transaction.
*/
int wo_pm_run(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *created,
	      struct err *e);
int wo_pm_list(struct db *db, struct arena *a, const struct actor *who, struct wo_pm_plan **items,
	       size_t *n, struct err *e);
/*
** Office only; id 0 creates. Audited. ERR_INVALID with fields; an update
** needs in->updated_at as read (missing: ERR_INVALID; old: ERR_CONFLICT "stale").
*/
int wo_pm_save(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	       const struct wo_pm_plan *in, struct wo_pm_plan *out, struct err *e);
json_t *wo_pm_json(const struct wo_pm_plan *p);

/* ---- KPIs (workorders_stats.c) ---- */
struct wo_stats_filter {
	int64_t from, to;		/* created_at in [from, to); 0 = open */
	int64_t category_id, team_id, worker_id, location_id;
	const char *group;		/* NULL, "category", "team", "worker", "location", "month" */
};
/*
** The KPI object of GET /api/v1/workorders/stats: {"total","by_status":{},
** "accept":{"count","mean_min","p90_min","on_time_rate"},"resolve":{...},
** "first_time_fix_rate","reopen_rate","satisfaction":{"mean","count",
** "distribution":[n1..n5]},"group":code|null,"groups":[{"key","name", ...same
** figures}]}. Rates are 0..1, means and rates null when nothing to measure;
** p90 is the nearest rank. Group keys: ids (null for no team/worker), the
** building's id for "location", "2026-11" for "month" (every month from the
** first order's to the last's). Office, leader, supervisor see the agency; a
** dept_head their department (ERR_FORBIDDEN otherwise; ERR_INVALID "group"
** or "to" for a bad group or an empty range). New reference in *out.
*/
int wo_stats(struct db *db, struct arena *a, const struct actor *who,
	     const struct wo_stats_filter *f, json_t **out, struct err *e);
/* wo_stats as compact JSON text in the arena, served from the pool's memo while nothing changed. */
int wo_stats_text(struct db *db, struct arena *a, const struct actor *who,
		  const struct wo_stats_filter *f, char **text, size_t *len, struct err *e);

/* ---- generator of realistic history (workorders_gen.c; demo, tests, bench) ---- */
/*
** Create n orders of agency_id created in [from_ms, to_ms) (mostly working
** hours), each with its timeline played up to to_ms ("now"): old orders end
** confirmed (some auto-confirmed, ~8% reopened once, ~3% cancelled), recent
** ones stop wherever their simulated history has got to. Uses the agency's
** active categories (with SLA targets), locations (rooms first), users
** (requesters: role staff; owners: role office), teams and members; ERR_RULE
** "no_categories"/"no_locations"/"no_users" when one is missing. Each
** history is played through the transition table and its clock effects
** (workorders_flow.c), as wo_apply() would; ERR_INVALID if a planned move is
** not in the table. Writes workorder and wo_event rows straight through the
** db layer (no notifications; one audit record "generate" for the whole run). The same
** seed gives the same orders on the same data. In the caller's write
** transaction when there is one, else in transactions of 5000 orders.
*/
int wo_gen_history(struct db *db, int64_t agency_id, int64_t n, int64_t from_ms, int64_t to_ms,
		   uint64_t seed, struct err *e);

/* Demo teams, categories, duty, history and plans (init --demo), in the caller's transaction. */
int wo_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e);

#endif
