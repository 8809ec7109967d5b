/*
** modules/workorders/workorders_flow.c: the life cycle of a work order: the
** transition table, wo_apply() (the one function that changes an order's
** status), creation (code, SLA due times, urgent auto-dispatch) and the
** notifications of each move. Owns tables workorder (writes), wo_event,
** and series "WO" of core/codes.h's code_seq.
**
** The SLA clock of an order (see workorders.h): accept_due_at is set at
** creation and cleared at acceptance; the resolve clock runs over
** intervals [run_started_at, ...): resolve_used_ms holds the clock time of
** the closed intervals, resolve_due_at is NULL whenever run_started_at is.
*/
#include "modules/workorders/workorders.h"
#include "modules/workorders/workorders_int.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/err.h"
#include "core/files.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- the transition table ---------- */

/*
** What each move does to the order in memory: the fields it sets and its
** effect on the SLA clocks. Pure; the generator (workorders_gen.c) plays
** its histories through the same functions.
*/

/* Stop the running resolve clock at `at`. */
static void
clock_stop(const struct wo_clock *c, struct workorder *n, int64_t at)
{
	if (n->run_started_at)
		n->resolve_used_ms += wo_clock_between(c, n->run_started_at, at);
	n->run_started_at = 0;
	n->resolve_due_at = 0;
}

/* Run the resolve clock again from `at` with what is left of the target. */
static void
clock_run(const struct wo_clock *c, struct workorder *n, int64_t at)
{
	int64_t due = wo_clock_add(c, at, n->resolve_target_min * MINUTE_MS - n->resolve_used_ms);

	n->run_started_at = at;
	n->resolve_due_at = due == CAL_NEVER ? 0 : due;
}

void
wo_clock_open(struct workorder *o, const struct wo_clock *c, int64_t at)
{
	int64_t adue = wo_clock_add(c, at, o->accept_target_min * MINUTE_MS);

	o->accept_due_at = adue == CAL_NEVER ? 0 : adue;
	o->resolve_used_ms = 0;
	clock_run(c, o, at);
}

/* The accept clock stops: measured against its due time. */
static void
stop_accept(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	n->accepted_at = m->at;
	n->accept_minutes = wo_clock_between(c, n->created_at, m->at) / MINUTE_MS;
	n->accept_on_time = !n->accept_due_at || m->at <= n->accept_due_at;
	n->accept_due_at = 0;
}

static void
eff_accept(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	n->owner = m->actor;	/* the 首问负责人 */
	stop_accept(n, m, c);
}

static void
eff_dispatch(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	(void)c;
	n->worker = m->worker;
	n->team = m->team;
	n->dispatched_at = m->at;
	n->started_at = 0;
}

/* Urgent order straight to the worker on duty: accepted and dispatched at once. */
static void
eff_auto_dispatch(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	stop_accept(n, m, c);
	eff_dispatch(n, m, c);
}

static void
eff_start(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	(void)c;
	if (!n->worker.id)	/* a team member claims it */
		n->worker = m->actor;
	n->started_at = m->at;
}

static void
eff_suspend(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	clock_stop(c, n, m->at);
	n->suspend_reason = m->in->reason;
}

static void
eff_resume(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	n->status = wo_status_codes[m->back];	/* the status it was suspended from */
	n->suspend_reason = NULL;
	clock_run(c, n, m->at);
}

static void
eff_resolve(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	clock_stop(c, n, m->at);
	n->resolved_at = m->at;
	n->resolution_notes = m->in->notes;
	n->parts = wo_blank(m->in->parts) ? NULL : m->in->parts;
	n->resolve_minutes = n->resolve_used_ms / MINUTE_MS;
	n->resolve_on_time = n->resolve_used_ms <= n->resolve_target_min * MINUTE_MS;
}

static void
eff_confirm(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	(void)c;
	n->confirmed_at = n->closed_at = m->at;
	n->rating = m->in->rating;
	n->rating_comment = wo_blank(m->in->comment) ? NULL : m->in->comment;
}

static void
eff_auto_confirm(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	(void)c;
	n->confirmed_at = n->closed_at = m->at;
	n->auto_confirmed = 1;
}

/* Back to work: measured again at the next resolve, over the whole used clock time. */
static void
eff_reopen(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	n->reopen_count++;
	n->resolved_at = 0;
	n->resolve_minutes = -1;
	n->resolve_on_time = -1;
	n->started_at = 0;
	n->dispatched_at = m->at;
	clock_run(c, n, m->at);
}

static void
eff_cancel(struct workorder *n, const struct wo_move *m, const struct wo_clock *c)
{
	clock_stop(c, n, m->at);
	n->accept_due_at = 0;
	n->closed_at = m->at;
}

#define B(s) (1u << (s))
#define REQ WO_N_REQUESTER
#define OWN WO_N_OWNER
#define ASG WO_N_ASSIGNEE
/*
** action, from, to, parties | effect | timeline note, data | notifications
** (recipients, kind, title before the order's title). A row only the
** system may take is no move at all for people (409 illegal_transition).
*/
static const struct wo_rule rules[] = {
	{ { WO_A_ACCEPT, B(WO_SUBMITTED), WO_ACCEPTED, WO_P_OFFICE }, eff_accept,
	  WO_NOTE_NONE, NULL, WO_DATA_NONE,
	  { { REQ, "wo.accepted", "您的报修已受理：" } } },
	{ { WO_A_DISPATCH, B(WO_ACCEPTED), WO_DISPATCHED, WO_P_OFFICE }, eff_dispatch,
	  WO_NOTE_REASON, NULL, WO_DATA_ASSIGNEE,
	  { { REQ, "wo.dispatched", "您的报修已派单：" },
	    { ASG, "wo.assigned", "新的维修任务：" } } },
	/* urgent orders: wo_create dispatches to the worker on duty */
	{ { WO_A_DISPATCH, B(WO_SUBMITTED), WO_DISPATCHED, WO_P_SYSTEM }, eff_auto_dispatch,
	  WO_NOTE_FIXED, "紧急工单自动派给值班人员", WO_DATA_ASSIGNEE,
	  { { ASG, "wo.assigned", "紧急报修已派给您：" } } },
	{ { WO_A_START, B(WO_DISPATCHED), WO_IN_PROGRESS, WO_P_WORKER }, eff_start,
	  WO_NOTE_NONE, NULL, WO_DATA_CLAIM, { { 0 } } },
	{ { WO_A_SUSPEND, B(WO_DISPATCHED) | B(WO_IN_PROGRESS), WO_SUSPENDED,
	    WO_P_WORKER | WO_P_OFFICE }, eff_suspend,
	  WO_NOTE_REASON, NULL, WO_DATA_NONE,
	  { { OWN, "wo.suspended", "报修单已挂起：" } } },
	/* to the status it was suspended from (dispatched or in_progress) */
	{ { WO_A_RESUME, B(WO_SUSPENDED), WO_IN_PROGRESS, WO_P_WORKER | WO_P_OFFICE }, eff_resume,
	  WO_NOTE_NONE, NULL, WO_DATA_NONE, { { 0 } } },
	{ { WO_A_TRANSFER, B(WO_DISPATCHED) | B(WO_IN_PROGRESS), WO_DISPATCHED,
	    WO_P_WORKER | WO_P_OFFICE }, eff_dispatch,
	  WO_NOTE_REASON, NULL, WO_DATA_ASSIGNEE,
	  { { ASG, "wo.assigned", "新的维修任务：" } } },
	{ { WO_A_RESOLVE, B(WO_IN_PROGRESS), WO_RESOLVED, WO_P_WORKER }, eff_resolve,
	  WO_NOTE_NOTES, NULL, WO_DATA_RESOLVE,
	  { { REQ | OWN, "wo.resolved", "报修已完成，请确认评价：" } } },
	{ { WO_A_CONFIRM, B(WO_RESOLVED), WO_CONFIRMED, WO_P_REQUESTER }, eff_confirm,
	  WO_NOTE_COMMENT, NULL, WO_DATA_RATING,
	  { { OWN, "wo.confirmed", "报修已确认：" } } },
	{ { WO_A_REOPEN, B(WO_RESOLVED), WO_DISPATCHED, WO_P_REQUESTER }, eff_reopen,
	  WO_NOTE_REASON, NULL, WO_DATA_NONE,
	  { { ASG | OWN, "wo.reopened", "报修被退回返修：" } } },
	{ { WO_A_CANCEL, B(WO_SUBMITTED), WO_CANCELLED, WO_P_REQUESTER | WO_P_OFFICE }, eff_cancel,
	  WO_NOTE_REASON, NULL, WO_DATA_NONE,
	  { { REQ, "wo.cancelled", "报修单已取消：" } } },
	{ { WO_A_CANCEL, B(WO_ACCEPTED) | B(WO_DISPATCHED) | B(WO_IN_PROGRESS) | B(WO_SUSPENDED),
	    WO_CANCELLED, WO_P_OFFICE }, eff_cancel,
	  WO_NOTE_REASON, NULL, WO_DATA_NONE,
	  { { REQ, "wo.cancelled", "报修单已取消：" } } },
	{ { WO_A_AUTO_CONFIRM, B(WO_RESOLVED), WO_CONFIRMED, WO_P_SYSTEM }, eff_auto_confirm,
	  WO_NOTE_FIXED, "超过确认期限未评价，系统自动确认", WO_DATA_NONE,
	  { { OWN, "wo.confirmed", "报修已确认：" } } },
};
#undef B
#undef REQ
#undef OWN
#undef ASG

const struct wo_rule *
wo_rule_find(enum wo_action action, enum wo_status from)
{
	if ((int)from < 0 || from >= WO_STATUS_N)
		return NULL;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].t.action == action && (rules[i].t.from & (1u << from)))
			return &rules[i];
	return NULL;
}

const struct wo_transition *
wo_transition_find(enum wo_action action, enum wo_status from)
{
	const struct wo_rule *r = wo_rule_find(action, from);

	return r ? &r->t : NULL;
}

void
wo_rule_apply(const struct wo_rule *r, struct workorder *n, const struct wo_move *m,
	      const struct wo_clock *c)
{
	n->status = wo_status_codes[r->t.to];
	n->updated_at = m->at > n->updated_at ? m->at : n->updated_at + 1;
	r->effect(n, m, c);
}

/* ---------- writing: shared pieces ---------- */

static const char sql_event_insert[] =
	"INSERT INTO wo_event (agency_id, workorder_id, action, from_status, to_status, actor_id,"
	" note, data, created_at) SELECT agency_id, :wo, :action, :from, :to, :actor, :note, :data,"
	" :now FROM workorder WHERE id = :wo";
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
		 db_bind_text(&st, ":note", wo_blank(note) ? NULL : note, e) ||
		 db_bind_text(&st, ":data", data, e) || db_bind_i64(&st, ":now", now, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/*
** The recipients of one notice, in the arena: as many as there are (a team
** may have hundreds), never 0 nor the actor; send_all drops duplicates.
*/
struct rcpt {
	int64_t *ids;
	size_t n, cap;
};

/* Add id to r unless it is 0 or the actor. 0 or ERR_NOMEM. */
static int
add_to(struct arena *a, struct rcpt *r, int64_t id, const struct actor *who, struct err *e)
{
	int64_t *v;

	if (!id || (who && who->id == id))
		return 0;
	v = arena_grow(a, r->ids, r->n, &r->cap, sizeof(*v));
	if (!v)
		return wo_nomem(e);
	r->ids = v;
	v[r->n++] = id;
	return 0;
}

/* Add every id the query (one :key bind) returns, as add_to does. */
static int
ids_of(struct db *db, struct arena *a, const char *sql, int64_t key, const struct actor *who,
       struct rcpt *r, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":key", key, e) ? e->code : 0;

	while (!rc && (rc = db_step(&st, e)) == 1)
		rc = add_to(a, r, db_col_i64(&st, 0), who, e);
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static int
id_cmp(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

/* Notify each of r once (sorted, so a duplicate sits next to its twin). */
static int
send_all(struct db *db, const struct actor *who, struct rcpt *r, const char *kind,
	 struct msg_text title, struct msg_text body, int64_t wo, struct err *e)
{
	if (r->n > 1)
		qsort(r->ids, r->n, sizeof(*r->ids), id_cmp);
	for (size_t i = 0; i < r->n; i++) {
		if (i && r->ids[i] == r->ids[i - 1])
			continue;
		if (notify_send_text(db, who, r->ids[i], kind, title, body, "workorder", wo, e))
			return e->code;
	}
	return 0;
}

/* A rule's notice title: its prefix (a message key, "您的报修已受理：") and the order's title. */
static struct msg_text
notice_title(struct arena *a, const char *prefix, const char *title)
{
	struct msg_text p = msg_plain(prefix), t = { 0 };

	t.zh = arena_printf(a, "%s%s", p.zh, title);
	t.en = p.en ? arena_printf(a, "%s%s", p.en, title) : NULL;
	return t;
}

/* The assignee named by worker_id xor team_id, checked; names into *worker / *team. */
int
wo_check_assignee(struct db *db, struct arena *a, int64_t agency, int64_t worker_id,
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
	json_t *j = json_pack("{so so}", "worker", wo_ref_json(worker), "team", wo_ref_json(team));

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
/* a day's highest number among the codes WO-<date>-NNNN in [lo, hi) */
static const char sql_code_floor[] =
	"SELECT COALESCE(MAX(CAST(SUBSTR(code, 13) AS INTEGER)), 0) FROM workorder"
	" WHERE agency_id = :agency AND code >= :lo AND code < :hi";
static const char sql_insert[] =
	"INSERT INTO workorder (agency_id, code, category_id, location_id, title, description,"
	" priority, contact_phone, status, source, requester_id, requester_dept_id, clock_24h,"
	" accept_target_min, resolve_target_min, accept_due_at, resolve_due_at, resolve_used_ms,"
	" run_started_at, created_at, updated_at, created_by)"
	" VALUES (:agency, :code, :cat, :loc, :title, :descr, :prio, :phone, 'submitted', :source,"
	" :who, :dept, :h24, :atarget, :rtarget, :adue, :rdue, 0, :now, :now, :now, :who)"
	" RETURNING id";

/*
** A day's numbers carry on from its codes written before its counter row
** existed (before migration 0010; or a counter row lost).
*/
static int
code_floor(struct db *db, int64_t agency, int64_t date, int64_t *last, struct err *e)
{
	struct stmt st = { 0 };
	char lo[24], hi[24];
	int rc;

	snprintf(lo, sizeof(lo), "WO-%08lld-", (long long)date);
	snprintf(hi, sizeof(hi), "WO-%08lld.", (long long)date);
	rc = db_prepare(db, &st, sql_code_floor, e) || db_bind_i64(&st, ":agency", agency, e) ||
	     db_bind_text(&st, ":lo", lo, e) || db_bind_text(&st, ":hi", hi, e) ||
	     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		*last = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

/*
** Numbers for n new codes WO-<date>-NNNN of an agency: series "WO" of
** core/codes.h per day (each agency numbers its own, so agencies never wait on
** one counter row); the day's first order scans the day's codes (code_floor).
*/
int
wo_code_reserve(struct db *db, int64_t agency, int date, int64_t n, int64_t *first,
		struct err *e)
{
	assert(db_in_tx(db) && n > 0);
	if (code_reserve(db, agency, "WO", date, n, code_floor, first, e))
		return e->code;
	if (*first + n - 1 > 999999)
		return err_setx(e, ERR_RULE, "code_exhausted", NULL, "今日工单号已用尽");
	return 0;
}

static int
make_code(struct db *db, int64_t agency, int64_t now, char *out, size_t size, struct err *e)
{
	int date = cal_local_date(now);
	int64_t num;

	if (wo_code_reserve(db, agency, date, 1, &num, e))
		return e->code;
	snprintf(out, size, "WO-%08d-%04d", date, (int)num);
	return 0;
}

static int
check_order_in(const struct wo_in *in, struct err *e)
{
	err_clear(e);
	if (wo_blank(in->title))
		err_field(e, "title", "请填写标题");
	else if (wo_utf8_len(in->title) > WO_TITLE_MAX)
		err_field(e, "title", "不能超过 %d 个字", WO_TITLE_MAX);
	if (in->description && wo_utf8_len(in->description) > WO_TEXT_MAX)
		err_field(e, "description", "不能超过 %d 个字", WO_TEXT_MAX);
	if (wo_priority_parse(in->priority ? in->priority : "normal") < 0)
		err_field(e, "priority", "紧急程度应为 urgent、high、normal 或 low");
	if (in->contact_phone && wo_utf8_len(in->contact_phone) > PHONE_MAX_CHARS)
		err_field(e, "contact_phone", "不能超过 %d 个字", PHONE_MAX_CHARS);
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

int
wo_lookup2(struct db *db, const char *sql, int64_t id, int64_t agency, int64_t *c0, int64_t *c1,
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

	*t = wo_default_targets[prio];
	if (rc == 1) {
		t->accept_min = db_col_i64(&st, 0);
		t->resolve_min = db_col_i64(&st, 1);
		rc = 0;
	}
	db_finalize(&st);
	return rc;
}

/* The order's settings from its category, location and priority; its clocks opened at now. */
static int
prepare_order(struct db *db, struct arena *a, const struct actor *who, const struct wo_in *in,
	      int64_t now, struct workorder *o, int64_t *def_team, struct err *e)
{
	struct cal *cal = arena_alloc(a, sizeof(*cal));
	struct wo_clock clk;
	struct wo_target tg;
	int64_t safety = 0;
	int prio, rc;

	if (!cal)
		return wo_nomem(e);
	if (check_order_in(in, e))
		return e->code;
	o->priority = in->priority ? in->priority : "normal";
	prio = wo_priority_parse(o->priority);
	rc = wo_lookup2(db, sql_category_for_order, in->category_id, who->agency_id, &safety,
			def_team, e);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", "category_id", "报修类别不存在或已停用");
	if (!rc) {
		rc = wo_lookup2(db, sql_location_ok, in->location_id, who->agency_id, NULL, NULL, e);
		if (rc == ERR_NOT_FOUND)
			return err_setx(e, ERR_INVALID, "invalid", "location_id",
					"报修地点不存在或已停用");
	}
	if (!rc)
		rc = targets_for(db, in->category_id, prio, &tg, e);
	if (!rc)
		rc = cal_load_agency(db, a, who->agency_id, cal, e);
	if (rc)
		return rc;
	o->clock_24h = prio == WO_URGENT || safety;
	o->accept_target_min = tg.accept_min;
	o->resolve_target_min = tg.resolve_min;
	o->created_at = o->updated_at = now;
	clk.h24 = o->clock_24h;
	clk.cal = cal;
	wo_clock_open(o, &clk, now);
	return 0;
}

static int
insert_order(struct db *db, const struct actor *who, const struct wo_in *in,
	     const struct workorder *o, const char *code, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":code", code, e) || db_bind_i64(&st, ":cat", in->category_id, e) ||
		 db_bind_i64(&st, ":loc", in->location_id, e) ||
		 db_bind_text(&st, ":title", in->title, e) ||
		 db_bind_text(&st, ":descr", wo_blank(in->description) ? NULL : in->description, e) ||
		 db_bind_text(&st, ":prio", o->priority, e) ||
		 db_bind_text(&st, ":phone", wo_blank(in->contact_phone) ? NULL : in->contact_phone,
			      e) ||
		 db_bind_text(&st, ":source", in->source ? in->source : "web", e) ||
		 db_bind_i64(&st, ":who", who->id, e) ||
		 db_bind_id_or_null(&st, ":dept", who->department_id, e) ||
		 db_bind_i64(&st, ":h24", o->clock_24h, e) ||
		 db_bind_i64(&st, ":atarget", o->accept_target_min, e) ||
		 db_bind_i64(&st, ":rtarget", o->resolve_target_min, e) ||
		 db_bind_id_or_null(&st, ":adue", o->accept_due_at, e) ||
		 db_bind_id_or_null(&st, ":rdue", o->resolve_due_at, e) ||
		 db_bind_i64(&st, ":now", o->created_at, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

/* The worker on duty today in the category's team (worker->id 0: nobody usable). */
static int
duty_assignee(struct db *db, struct arena *a, const struct actor *who, int64_t def_team,
	      int64_t now, struct wo_ref *worker, struct wo_ref *team, struct err *e)
{
	int64_t duty = 0;

	memset(worker, 0, sizeof(*worker));
	if (wo_duty_worker(db, def_team, cal_local_date(now), &duty, e))
		return e->code;
	if (!duty)
		return 0;
	if (wo_check_assignee(db, a, who->agency_id, duty, 0, def_team, worker, team, e)) {
		if (e->code == ERR_DB || e->code == ERR_NOMEM)
			return e->code;
		err_clear(e);	/* the worker on duty left or is inactive: normal path */
		memset(worker, 0, sizeof(*worker));
	}
	if (worker->id && team->id != def_team)
		worker->id = 0;	/* no longer in that team */
	return 0;
}

static int
notify_office(struct db *db, struct arena *a, const struct actor *who,
	      const struct workorder *o, struct err *e)
{
	return notify_role(db, a, who, "office", "wo.submitted", msg_text(a, "新报修：%s", o->title),
			   msg_text(a, "%s %s，地点：%s", o->code,
				    wo_label_of(wo_priority_codes, wo_priority_labels, o->priority),
				    o->location_path),
			   "workorder", o->id, e);
}

static int apply(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 enum wo_action action, const struct wo_action_in *in,
		 const struct wo_move *preset, struct workorder *out, struct err *e);

int
wo_create(struct db *db, struct arena *a, const struct actor *who, const struct wo_in *in,
	  struct workorder *out, struct err *e)
{
	struct workorder o = { 0 };
	struct wo_move duty = { 0 };
	int64_t def_team = 0, now = now_ms(), id;
	char code[48];
	int rc;

	assert(db_in_tx(db));
	memset(out, 0, sizeof(*out));
	if (prepare_order(db, a, who, in, now, &o, &def_team, e) ||
	    make_code(db, who->agency_id, now, code, sizeof(code), e) ||
	    insert_order(db, who, in, &o, code, &id, e))
		return e->code;
	rc = attach_photos(db, who, in->attachment_ids, in->nattachments, id, e) ||
	     event_add(db, id, "create", NULL, "submitted", who->id, NULL, NULL, now, e) ||
	     wo_get(db, a, who, id, out, e) ? e->code : 0;
	if (!rc)
		rc = aud_record(db, who, "create", "workorder", id, NULL,
				jarena(a, wo_audit_json(out)), e) ||
		     notify_office(db, a, who, out, e) ||
		     notify_entity_changed(db, who->agency_id, 0, "workorder", id, e) ? e->code : 0;
	if (!rc && wo_priority_parse(o.priority) == WO_URGENT && def_team)
		rc = duty_assignee(db, a, who, def_team, now, &duty.worker, &duty.team, e);
	if (!rc && duty.worker.id) {	/* the same move as a manual dispatch, by the system */
		json_decref(out->photos);
		out->photos = NULL;
		return apply(db, a, NULL, id, WO_A_DISPATCH, NULL, &duty, out, e);
	}
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
		 wo_bind_opt(&st, ":amin", n->accept_minutes, e) ||
		 wo_bind_opt(&st, ":rmin", n->resolve_minutes, e) ||
		 wo_bind_opt(&st, ":aok", n->accept_on_time, e) ||
		 wo_bind_opt(&st, ":rok", n->resolve_on_time, e) ||
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

/* Arguments of the action: 0 or ERR_INVALID with the field. */
static int
check_args(enum wo_action act, const struct wo_action_in *in, int reason_needed, struct err *e)
{
	switch (act) {
	case WO_A_SUSPEND:
	case WO_A_REOPEN:
		return wo_need_text(in->reason, WO_TEXT_MAX, "reason", "原因", e);
	case WO_A_CANCEL:
		if (reason_needed)
			return wo_need_text(in->reason, WO_TEXT_MAX, "reason", "取消原因", e);
		return wo_check_text(in->reason, WO_TEXT_MAX, "reason", e);
	case WO_A_DISPATCH:
	case WO_A_TRANSFER:
		return wo_check_text(in->reason, WO_TEXT_MAX, "reason", e);
	case WO_A_RESOLVE:
		if (wo_need_text(in->notes, WO_TEXT_MAX, "notes", "处理说明", e) ||
		    wo_check_text(in->parts, WO_TEXT_MAX, "parts", e))
			return e->code;
		if (in->nattachments > WO_PHOTOS_MAX)
			return err_set(e, ERR_INVALID, "attachment_ids", "最多上传 %d 张照片",
				       WO_PHOTOS_MAX);
		return 0;
	case WO_A_CONFIRM:
		if (in->rating < 1 || in->rating > 5)
			return err_set(e, ERR_INVALID, "rating", "请给出 1 到 5 星的评价");
		return wo_check_text(in->comment, WO_TEXT_MAX, "comment", e);
	default:
		return 0;
	}
}

/* Order id as who may see it, and the row of action from its status, checked for who. */
static int
load_rule(struct db *db, const struct actor *who, int64_t id, enum wo_action action,
	  const struct wo_action_in *in, struct arena *a, struct workorder *cur,
	  const struct wo_rule **rule, struct err *e)
{
	const struct wo_rule *r;
	unsigned parties;
	int from, ok;

	if ((int)action < 0 || action >= WO_A_N)
		return err_set(e, ERR_INVALID, NULL, "未知操作");
	if (wo_fetch(db, a, id, cur, e))
		return e->code;
	ok = wo_can_see(db, who, cur, e);
	if (ok <= 0)
		return ok < 0 ? ok : err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "报修单不存在");
	if (in->updated_at && in->updated_at != cur->updated_at)
		return err_setx(e, ERR_CONFLICT, "stale", NULL, "报修单已被他人修改，请刷新后重试");
	from = wo_status_parse(cur->status);
	r = wo_rule_find(action, (enum wo_status)from);
	if (!r || (who && r->t.parties == WO_P_SYSTEM))
		return err_setx(e, ERR_CONFLICT, "illegal_transition", NULL, "报修单%s，不能%s",
				from >= 0 ? wo_status_labels[from] : cur->status,
				wo_action_labels[action]);
	if (wo_parties_of(db, who, cur, &parties, e))
		return e->code;
	if (!(parties & r->t.parties))
		return err_setx(e, ERR_FORBIDDEN, "not_yours", NULL, "您不能对这张报修单执行“%s”",
				wo_action_labels[action]);
	if (action == WO_A_CONFIRM) {
		int own = wo_own_work(db, who, cur, e);
		if (own)
			return own < 0 ? own
				       : err_setx(e, ERR_FORBIDDEN, "own_work", NULL,
						  "不能确认或评价自己完成的维修");
	}
	*rule = r;
	return check_args(action, in,
			  action == WO_A_CANCEL &&
				  !(from == WO_SUBMITTED && (parties & WO_P_REQUESTER)), e);
}

/* The status order id was suspended from (dispatched or in_progress). */
static int
suspended_from(struct db *db, int64_t id, enum wo_status *back, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_last_suspend, e) || db_bind_i64(&st, ":id", id, e)
			 ? e->code : db_step(&st, e);

	*back = WO_IN_PROGRESS;
	if (rc == 1) {
		const char *s = db_col_peek(&st, 0, NULL);
		if (s && strcmp(s, "dispatched") == 0)
			*back = WO_DISPATCHED;
		rc = 0;
	}
	db_finalize(&st);
	return rc;
}

/* What the move needs from the database: the assignee, where to resume, the reopen window. */
static int
prepare_move(struct db *db, struct arena *a, const struct wo_rule *r,
	     const struct workorder *cur, const struct cal *cal, struct wo_move *m,
	     struct err *e)
{
	switch (r->t.action) {
	case WO_A_DISPATCH:
	case WO_A_TRANSFER:
		if (m->worker.id || m->team.id)
			return 0;	/* chosen and checked by the caller (urgent auto-dispatch) */
		return wo_check_assignee(db, a, cur->agency_id, m->in->worker_id, m->in->team_id,
					 cur->team.id, &m->worker, &m->team, e);
	case WO_A_RESUME:
		return suspended_from(db, cur->id, &m->back, e);
	case WO_A_REOPEN:
		if (m->at >= wo_confirm_deadline(cal, cur->resolved_at))
			return err_setx(e, ERR_RULE, "reopen_expired", NULL,
					"已超过 %d 个工作日的确认期限，不能返修", WO_CONFIRM_DAYS);
		return 0;
	default:
		return 0;
	}
}

/* The timeline row's note and data for r taking cur to n. */
static void
record_of(const struct wo_rule *r, const struct workorder *cur, const struct workorder *n,
	  const struct wo_move *m, struct arena *a, const char **note, const char **data)
{
	const struct wo_action_in *in = m->in;

	*note = r->note == WO_NOTE_REASON ? in->reason : r->note == WO_NOTE_NOTES ? in->notes
		: r->note == WO_NOTE_COMMENT ? n->rating_comment : r->fixed_note;
	*data = NULL;
	if (r->data == WO_DATA_ASSIGNEE || (r->data == WO_DATA_CLAIM && !cur->worker.id))
		*data = assignee_data(a, &n->worker, &n->team);
	else if (r->data == WO_DATA_RESOLVE)
		*data = jdump(a, jarena(a, json_pack("{so sI}", "parts", jstr_or_null(n->parts),
						     "photos", (json_int_t)in->nattachments)));
	else if (r->data == WO_DATA_RATING)
		*data = jdump(a, jarena(a, json_pack("{sI}", "rating", (json_int_t)in->rating)));
}

/* The notices of r about n, each to its recipients (never the actor). */
static int
notify_move(struct db *db, struct arena *a, const struct actor *who, const struct wo_rule *r,
	    const struct workorder *n, struct err *e)
{
	for (size_t k = 0; k < sizeof(r->notice) / sizeof(r->notice[0]); k++) {
		const struct wo_notice *nt = &r->notice[k];
		struct rcpt to = { 0 };

		if (!nt->to)
			continue;
		if (((nt->to & WO_N_REQUESTER) && add_to(a, &to, n->requester.id, who, e)) ||
		    ((nt->to & WO_N_ASSIGNEE) && add_to(a, &to, n->worker.id, who, e)) ||
		    ((nt->to & WO_N_OWNER) && add_to(a, &to, n->owner.id, who, e)))
			return e->code;
		if ((nt->to & WO_N_ASSIGNEE) && !n->worker.id && n->team.id &&
		    ids_of(db, a, sql_team_users, n->team.id, who, &to, e))
			return e->code;
		if (send_all(db, who, &to, nt->kind, notice_title(a, nt->title, n->title),
			     msg_text(a, "%s，地点：%s", n->code, n->location_path), n->id, e))
			return e->code;
	}
	return notify_entity_changed(db, n->agency_id, 0, "workorder", n->id, e);
}

/* Write the move: the order, its photos, the timeline row and the audit record. */
static int
record_move(struct db *db, struct arena *a, const struct actor *who, const struct wo_rule *r,
	    const struct workorder *cur, const struct workorder *n, const struct wo_move *m,
	    struct workorder *out, struct err *e)
{
	const char *action = wo_action_codes[r->t.action], *note, *data;
	json_t *before = jarena(a, wo_audit_json(cur));

	record_of(r, cur, n, m, a, &note, &data);
	if (save(db, n, cur->status, cur->updated_at, e) ||
	    (m->in->nattachments && attach_photos(db, who, m->in->attachment_ids,
						  m->in->nattachments, n->id, e)) ||
	    event_add(db, n->id, action, cur->status, n->status, m->actor.id, note, data, m->at,
		      e) ||
	    wo_fetch(db, a, n->id, out, e))
		return e->code;
	if (who)
		return aud_record(db, who, action, "workorder", n->id, before,
				  jarena(a, wo_audit_json(out)), e);
	return aud_record_raw(db, 0, n->agency_id, NULL, action, "workorder", n->id, before,
			      jarena(a, wo_audit_json(out)), e);
}

/*
** The dispatcher: find and check the row, prepare the move, apply the row
** to a copy of the order, write it, tell whom the row names. preset (may
** be NULL) carries an assignee the caller has chosen and checked.
*/
static int
apply(struct db *db, struct arena *a, const struct actor *who, int64_t id,
      enum wo_action action, const struct wo_action_in *in, const struct wo_move *preset,
      struct workorder *out, struct err *e)
{
	static const struct wo_action_in none;
	const struct wo_rule *r = NULL;
	struct workorder cur, n;
	struct wo_move m = { 0 };
	struct wo_clock clk;
	struct cal cal;

	assert(db_in_tx(db));
	if (!in)
		in = &none;
	if (load_rule(db, who, id, action, in, a, &cur, &r, e) ||
	    cal_load_agency(db, a, cur.agency_id, &cal, e))
		return e->code;
	clk.h24 = cur.clock_24h;
	clk.cal = &cal;
	if (preset)
		m = *preset;
	m.at = now_ms();
	m.actor = who ? (struct wo_ref){ who->id, who->display_name } : (struct wo_ref){ 0, NULL };
	m.in = in;
	if (prepare_move(db, a, r, &cur, &cal, &m, e))
		return e->code;
	n = cur;
	wo_rule_apply(r, &n, &m, &clk);
	if (record_move(db, a, who, r, &cur, &n, &m, out, e) || notify_move(db, a, who, r, &n, e))
		return e->code;
	return wo_get(db, a, who, id, out, e);
}

int
wo_apply(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	 enum wo_action action, const struct wo_action_in *in, struct workorder *out,
	 struct err *e)
{
	return apply(db, a, who, id, action, in, NULL, out, e);
}
