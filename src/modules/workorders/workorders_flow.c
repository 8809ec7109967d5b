/*
** modules/workorders/workorders_flow.c: the life cycle of a work order: the
** transition table, wo_apply() (the one function that changes an order's
** status), creation (code, SLA due times, urgent auto-dispatch) and the
** notifications of each move. Owns tables workorder (writes), wo_event,
** wo_code_seq.
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
#include "core/err.h"
#include "core/files.h"
#include "core/json.h"
#include "core/jw.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

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
		 db_bind_text(&st, ":note", wo_blank(note) ? NULL : note, e) ||
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
	 const char *title, const char *body, int64_t wo, struct err *e)
{
	for (size_t i = 0; i < n; i++)
		if (notify_send(db, who, ids[i], kind, title, body, "workorder", wo, e))
			return e->code;
	return 0;
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
	if (wo_blank(in->title))
		err_field(e, "title", "请填写标题");
	else if (wo_utf8_len(in->title) > WO_TITLE_MAX)
		err_field(e, "title", "不能超过 %d 个字", WO_TITLE_MAX);
	if (in->description && wo_utf8_len(in->description) > WO_TEXT_MAX)
		err_field(e, "description", "不能超过 %d 个字", WO_TEXT_MAX);
	if (wo_priority_parse(in->priority ? in->priority : "normal") < 0)
		err_field(e, "priority", "紧急程度应为 urgent、high、normal 或 low");
	if (in->contact_phone && wo_utf8_len(in->contact_phone) > PHONE_MAX)
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
	rc = wo_lookup2(db, sql_category_for_order, in->category_id, who->agency_id, &safety,
		     &def_team, e);
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
		rc = cal_load(db, a, &cal, e);
	if (rc)
		return rc;
	clk.h24 = prio == WO_URGENT || safety;
	clk.cal = &cal;
	adue = wo_clock_add(&clk, now, tg.accept_min * MIN_MS);
	rdue = wo_clock_add(&clk, now, tg.resolve_min * MIN_MS);
	if (prio == WO_URGENT && def_team) {
		if (wo_duty_worker(db, def_team, cal_local_date(now), &duty, e) ||
		    (duty && wo_check_assignee(db, a, who->agency_id, duty, 0, def_team, &worker,
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
	     db_bind_text(&st, ":descr", wo_blank(in->description) ? NULL : in->description, e) ||
	     db_bind_text(&st, ":prio", prio_s, e) ||
	     db_bind_text(&st, ":phone", wo_blank(in->contact_phone) ? NULL : in->contact_phone, e) ||
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
	     db_bind_i64(&st, ":now", now, e) || wo_bind_opt(&st, ":amin", worker.id ? 0 : -1, e) ||
	     wo_bind_opt(&st, ":aontime", worker.id ? 1 : -1, e) ||
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
		rc = aud_record(db, who, "create", "workorder", id, NULL, jarena(a, wo_audit_json(out)),
				e);
	if (!rc)
		rc = ids_of(db, sql_office_users, who->agency_id, ids, &nids, e);
	if (!rc) {
		int64_t office[NOTIFY_MAX];
		size_t n = 0;
		for (size_t i = 0; i < nids; i++)
			add_to(office, &n, ids[i], who);
		rc = send_all(db, who, office, n, "wo.submitted",
			      arena_printf(a, "新报修：%s", out->title),
			      arena_printf(a, "%s %s，地点：%s", out->code,
					   wo_label_of(wo_priority_codes, wo_priority_labels, prio_s),
					   out->location_path),
			      id, e);
	}
	if (!rc && worker.id && worker.id != who->id)
		rc = notify_send(db, NULL, worker.id, "wo.assigned",
				 arena_printf(a, "紧急报修已派给您：%s", out->title),
				 arena_printf(a, "%s，地点：%s", out->code, out->location_path),
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
	const char *kind, *title;
};

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
	if (wo_fetch(db, a, id, &cur, e))
		return e->code;
	ok = wo_can_see(db, who, &cur, e);
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
	if (wo_parties_of(db, who, &cur, &parties, e))
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
		r1.title = arena_printf(a, "您的报修已受理：%s", cur.title);
		break;
	case WO_A_DISPATCH:
	case WO_A_TRANSFER:
		if (wo_check_assignee(db, a, agency, in->worker_id, in->team_id, cur.team.id, &n.worker,
				   &n.team, e))
			return e->code;
		n.dispatched_at = now;
		n.started_at = 0;
		note = in->reason;
		data = assignee_data(a, &n.worker, &n.team);
		if (action == WO_A_DISPATCH) {
			add_to(r1.ids, &r1.n, cur.requester.id, who);
			r1.kind = "wo.dispatched";
			r1.title = arena_printf(a, "您的报修已派单：%s", cur.title);
		}
		if (n.worker.id)
			add_to(r2.ids, &r2.n, n.worker.id, who);
		else if (ids_of(db, sql_team_users, n.team.id, r2.ids, &r2.n, e))
			return e->code;
		r2.kind = "wo.assigned";
		r2.title = arena_printf(a, "新的维修任务：%s", cur.title);
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
		r1.title = arena_printf(a, "报修单已挂起：%s", cur.title);
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
		n.parts = wo_blank(in->parts) ? NULL : in->parts;
		n.resolve_minutes = n.resolve_used_ms / MIN_MS;
		n.resolve_on_time = n.resolve_used_ms <= n.resolve_target_min * MIN_MS;
		note = in->notes;
		data = jdump(a, jarena(a, json_pack("{so sI}", "parts", jstr_or_null(n.parts),
						    "photos", (json_int_t)in->nattachments)));
		add_to(r1.ids, &r1.n, cur.requester.id, who);
		add_to(r1.ids, &r1.n, cur.owner.id, who);
		r1.kind = "wo.resolved";
		r1.title = arena_printf(a, "报修已完成，请确认评价：%s", cur.title);
		break;
	case WO_A_CONFIRM:
	case WO_A_AUTO_CONFIRM:
		n.confirmed_at = now;
		n.closed_at = now;
		if (action == WO_A_CONFIRM) {
			n.rating = in->rating;
			n.rating_comment = wo_blank(in->comment) ? NULL : in->comment;
			note = n.rating_comment;
			data = jdump(a, jarena(a, json_pack("{sI}", "rating",
							    (json_int_t)in->rating)));
		} else {
			n.auto_confirmed = 1;
			note = "超过确认期限未评价，系统自动确认";
		}
		add_to(r1.ids, &r1.n, cur.owner.id, who);
		r1.kind = "wo.confirmed";
		r1.title = arena_printf(a, "报修已确认：%s", cur.title);
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
		r1.title = arena_printf(a, "报修被退回返修：%s", cur.title);
		break;
	case WO_A_CANCEL:
		clock_stop(&clk, &n, now);
		n.accept_due_at = 0;
		n.closed_at = now;
		note = in->reason;
		add_to(r1.ids, &r1.n, cur.requester.id, who);
		r1.kind = "wo.cancelled";
		r1.title = arena_printf(a, "报修单已取消：%s", cur.title);
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
	if (wo_fetch(db, a, id, out, e))
		return e->code;
	rc = who ? aud_record(db, who, wo_action_codes[action], "workorder", id,
			      jarena(a, wo_audit_json(&cur)), jarena(a, wo_audit_json(out)), e)
		 : aud_record_raw(db, 0, agency, NULL, wo_action_codes[action], "workorder", id,
				  jarena(a, wo_audit_json(&cur)), jarena(a, wo_audit_json(out)), e);
	if (!rc && r1.n)
		rc = send_all(db, who, r1.ids, r1.n, r1.kind, r1.title,
			      arena_printf(a, "%s，地点：%s", cur.code, cur.location_path), id, e);
	if (!rc && r2.n)
		rc = send_all(db, who, r2.ids, r2.n, r2.kind, r2.title,
			      arena_printf(a, "%s，地点：%s", cur.code, cur.location_path), id, e);
	if (!rc)
		rc = notify_entity_changed(db, agency, 0, "workorder", id, e);
	if (!rc)
		rc = wo_get(db, a, who, id, out, e);
	return rc;
}
