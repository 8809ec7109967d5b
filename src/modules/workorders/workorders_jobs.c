/*
** modules/workorders/workorders_jobs.c: the work-order background jobs that
** jobs.c runs once a minute: the SLA watch and the automatic confirmation.
** Owns table wo_sla_alert.
**
** SLA watch. An order is overdue for acceptance when it is still submitted
** and accept_due_at < now; overdue for resolution when its resolve clock
** runs (resolve_due_at set: not suspended, resolved or closed) and
** resolve_due_at < now. Each alert is a row of wo_sla_alert keyed by
** (order, kind, due time), inserted with ON CONFLICT DO NOTHING in the job's
** transaction; only an inserted row notifies, so an alert is sent once, also
** across restarts and processes. A new due time (after a resume) alerts anew.
**   accept_overdue    office users of the agency (no 首问负责人 yet), plus
**                     the team members and the worker when already set
**   resolve_overdue   the 首问负责人 (the office users while there is none),
**                     the team members and the worker
**   *_escalated       every active leader of the agency, once the order is
**                     overdue by its full target again, on its own clock:
**                     now >= wo_clock_add(due, target minutes)
** Alerts are not transitions: no timeline row and no audit record; the
** wo_sla_alert row is the record, and a notification is its consequence.
**
** Automatic confirmation. The requester has WO_CONFIRM_DAYS business days
** to rate or reopen a resolved order: the window ends at the local midnight
** that ends the WO_CONFIRM_DAYS-th workday after the day of resolution
** (wo_confirm_deadline, the same instant that closes reopening; always the
** business calendar's workdays, whatever the order's SLA clock). Resolved on
** Friday 2026-11-27 at any hour: Monday, Tuesday and Wednesday count, the
** weekend does not, and the order is confirmed from Thursday 00:00. Then
** the system applies WO_A_AUTO_CONFIRM (timeline actor 系统, auto_confirmed).
*/
#include "modules/workorders/workorders.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/msg.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define LOG_MOD "wo_jobs"
#define SCAN_BATCH 200

static const char sql_overdue[] =
	"SELECT w.id, w.agency_id, w.code, w.title, w.status, w.clock_24h,"
	" w.accept_target_min, w.resolve_target_min, COALESCE(w.accept_due_at, 0),"
	" COALESCE(w.resolve_due_at, 0), COALESCE(w.owner_id, 0), COALESCE(w.team_id, 0),"
	" COALESCE(w.worker_id, 0) FROM workorder w WHERE w.agency_id = :agency AND w.id > :after"
	/* only open orders carry due times: the two due indexes find them */
	" AND w.id IN (SELECT x.id FROM workorder x WHERE x.accept_due_at < :now UNION ALL"
	" SELECT y.id FROM workorder y WHERE y.resolve_due_at < :now)"
	" AND w.status IN ('submitted', 'accepted', 'dispatched', 'in_progress')"
	" AND ((w.status = 'submitted' AND w.accept_due_at < :now) OR w.resolve_due_at < :now)"
	" ORDER BY w.id LIMIT 200";
static const char sql_alert[] =
	"INSERT INTO wo_sla_alert (agency_id, workorder_id, kind, due_at, created_at)"
	" SELECT agency_id, :id, :kind, :due, :now FROM workorder WHERE id = :id"
	" ON CONFLICT (workorder_id, kind, due_at) DO NOTHING";
/* The 首问负责人 (else the office users), the team members and the worker. */
static const char sql_overdue_to[] =
	"SELECT u.id FROM app_user u WHERE u.agency_id = :agency AND u.active = 1"
	" AND u.deleted_at IS NULL AND (u.id = :owner OR u.id = :worker"
	" OR (:owner IS NULL AND EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id"
	" AND r.role = 'office'))"
	" OR EXISTS (SELECT 1 FROM wo_team_member m WHERE m.team_id = :team"
	" AND m.user_id = u.id)) ORDER BY u.id";
static const char sql_leaders[] =
	"SELECT u.id FROM app_user u WHERE u.agency_id = :agency AND u.active = 1"
	" AND u.deleted_at IS NULL AND EXISTS (SELECT 1 FROM user_role r"
	" WHERE r.user_id = u.id AND r.role = 'leader') ORDER BY u.id";
static const char sql_resolved[] =
	"SELECT id, resolved_at FROM workorder WHERE agency_id = :agency AND status = 'resolved'"
	" AND resolved_at <= :cutoff AND id > :after ORDER BY id LIMIT 200";

struct overdue {
	int64_t id, agency_id;
	char code[40], title[400], status[16];
	int clock_24h;
	int64_t accept_target_min, resolve_target_min, accept_due_at, resolve_due_at;
	int64_t owner_id, team_id, worker_id;
};

enum alert_kind { ACCEPT_OVERDUE, RESOLVE_OVERDUE, ACCEPT_ESCALATED, RESOLVE_ESCALATED };
static const struct {
	const char *kind, *notify_kind, *title, *what;
} alerts[] = {
	[ACCEPT_OVERDUE] = { "accept_overdue", "wo.accept_overdue", "已超时未受理",
			     "受理" },
	[RESOLVE_OVERDUE] = { "resolve_overdue", "wo.resolve_overdue", "已超时未完成",
			      "完成" },
	[ACCEPT_ESCALATED] = { "accept_escalated", "wo.escalated",
			       "严重超时未受理，请督办", "受理" },
	[RESOLVE_ESCALATED] = { "resolve_escalated", "wo.escalated",
				"严重超时未完成，请督办", "完成" },
};

/* "2026-11-23 10:30" in Shanghai time. */
static void
local_minute(int64_t ms, char *out, size_t size)
{
	char iso[40];

	ms_to_iso(ms, iso, sizeof(iso));
	iso[10] = ' ';
	iso[16] = '\0';
	snprintf(out, size, "%s", iso);
}

static void
copy_col(struct stmt *st, int col, char *out, size_t size)
{
	const char *s = db_col_peek(st, col, NULL);

	snprintf(out, size, "%s", s ? s : "");
}

static int
notify_all(struct db *db, const struct overdue *o, enum alert_kind k, int64_t due, struct err *e)
{
	struct actor sys = { .agency_id = o->agency_id, .ip = "system", .username = "system" };
	int escalate = k == ACCEPT_ESCALATED || k == RESOLVE_ESCALATED;
	struct msg_text title, body;
	struct arena *a = arena_new(2048);
	char when[40];
	int64_t *users = NULL;	/* every recipient: arena-grown, no cap */
	struct stmt st = { 0 };
	size_t n = 0;
	int rc;

	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, escalate ? sql_leaders : sql_overdue_to, e) ||
	     db_bind_i64(&st, ":agency", o->agency_id, e) ? e->code : 0;
	if (!rc && !escalate)
		rc = db_bind_id_or_null(&st, ":owner", k == ACCEPT_OVERDUE ? 0 : o->owner_id, e) ||
		     db_bind_id_or_null(&st, ":worker", o->worker_id, e) ||
		     db_bind_id_or_null(&st, ":team", o->team_id, e) ? e->code : 0;
	if (!rc)	/* one row per user: no duplicates */
		rc = db_read_rows(&st, a, sizeof(*users), db_row_i64, (void **)&users, &n, e);
	db_finalize(&st);
	if (rc < 0) {
		arena_free(a);
		return rc;
	}
	local_minute(due, when, sizeof(when));
	title = msg_text(a, "报修单 %s %s", o->code, alerts[k].title);
	body = msg_text(a, "「%s」应于 %s 前%s，已超时%s。", o->title, when, alerts[k].what,
			escalate ? "一个完整时限以上" : "");
	rc = title.zh && body.zh ? 0 : err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; !rc && i < n; i++)
		rc = notify_send_text(db, &sys, users[i], alerts[k].notify_kind, title, body,
				      "workorder", o->id, e);
	arena_free(a);
	return rc;
}

/* Record alert k of o for due; notify only when the row is new. 1 sent, 0 not, < 0 error. */
static int
alert(struct db *db, const struct overdue *o, enum alert_kind k, int64_t due, int64_t now,
      struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_alert, e) || db_bind_i64(&st, ":id", o->id, e) ||
		 db_bind_text(&st, ":kind", alerts[k].kind, e) ||
		 db_bind_i64(&st, ":due", due, e) || db_bind_i64(&st, ":now", now, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (rc || db_changes(db) == 0)
		return rc;
	rc = notify_all(db, o, k, due, e);
	return rc ? rc : 1;
}

/* The overdue alert for due, then the escalation once due + target has passed. */
static int
watch_clock(struct db *db, const struct cal *cal, const struct overdue *o, int64_t due,
	    int64_t target_min, enum alert_kind overdue, enum alert_kind escalated, int64_t now,
	    int *sent, struct err *e)
{
	struct wo_clock c = { .h24 = o->clock_24h, .cal = cal };
	int64_t esc;
	int rc;

	if (!due || due >= now)
		return 0;
	rc = alert(db, o, overdue, due, now, e);
	if (rc < 0)
		return rc;
	*sent += rc;
	esc = wo_clock_add(&c, due, target_min * 60000);
	if (esc == CAL_NEVER || now < esc)
		return 0;
	rc = alert(db, o, escalated, due, now, e);
	if (rc < 0)
		return rc;
	*sent += rc;
	return 0;
}

int
wo_sla_watch(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *sent,
	     struct err *e)
{
	static const size_t batch = SCAN_BATCH;
	struct arena *a = arena_new(batch * sizeof(struct overdue) + 1024);
	struct overdue *rows = a ? arena_array(a, batch, sizeof(*rows)) : NULL;
	int64_t after = 0;
	int count = 0, rc = 0;

	assert(db_in_tx(db));
	if (!rows) {
		arena_free(a);
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	for (;;) {
		struct stmt st = { 0 };
		size_t n = 0;

		rc = db_prepare(db, &st, sql_overdue, e) || db_bind_i64(&st, ":agency", agency, e) ||
		     db_bind_i64(&st, ":after", after, e) ||
		     db_bind_i64(&st, ":now", now, e) ? e->code : 0;
		while (!rc && n < batch && (rc = db_step(&st, e)) == 1) {
			struct overdue *o = &rows[n++];
			rc = 0;
			o->id = db_col_i64(&st, 0);
			o->agency_id = db_col_i64(&st, 1);
			copy_col(&st, 2, o->code, sizeof(o->code));
			copy_col(&st, 3, o->title, sizeof(o->title));
			copy_col(&st, 4, o->status, sizeof(o->status));
			o->clock_24h = (int)db_col_i64(&st, 5);
			o->accept_target_min = db_col_i64(&st, 6);
			o->resolve_target_min = db_col_i64(&st, 7);
			o->accept_due_at = db_col_i64(&st, 8);
			o->resolve_due_at = db_col_i64(&st, 9);
			o->owner_id = db_col_i64(&st, 10);
			o->team_id = db_col_i64(&st, 11);
			o->worker_id = db_col_i64(&st, 12);
		}
		db_finalize(&st);
		for (size_t i = 0; rc >= 0 && i < n; i++) {
			const struct overdue *o = &rows[i];
			if (strcmp(o->status, "submitted") == 0)
				rc = watch_clock(db, cal, o, o->accept_due_at, o->accept_target_min,
						 ACCEPT_OVERDUE, ACCEPT_ESCALATED, now, &count, e);
			if (rc >= 0)
				rc = watch_clock(db, cal, o, o->resolve_due_at,
						 o->resolve_target_min, RESOLVE_OVERDUE,
						 RESOLVE_ESCALATED, now, &count, e);
			after = o->id;
		}
		if (rc < 0 || n < batch)
			break;
	}
	arena_free(a);
	if (sent)
		*sent = count;
	return rc < 0 ? rc : 0;
}

int
wo_auto_confirm(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *done,
		struct err *e)
{
	/* the window ends at midnight after >= WO_CONFIRM_DAYS more days: older than that */
	int64_t cutoff = now - WO_CONFIRM_DAYS * 24 * 3600 * 1000LL, after = 0;
	int64_t ids[SCAN_BATCH];
	int count = 0, rc = 0;

	assert(db_in_tx(db));
	for (;;) {
		struct stmt st = { 0 };
		size_t n = 0, scanned = 0;

		rc = db_prepare(db, &st, sql_resolved, e) || db_bind_i64(&st, ":agency", agency, e) ||
		     db_bind_i64(&st, ":after", after, e) ||
		     db_bind_i64(&st, ":cutoff", cutoff, e) ? e->code : 0;
		while (!rc && scanned < SCAN_BATCH && (rc = db_step(&st, e)) == 1) {
			int64_t id = db_col_i64(&st, 0);
			int64_t due = wo_confirm_deadline(cal, db_col_i64(&st, 1));
			rc = 0;
			after = id;
			scanned++;
			if (due != CAL_NEVER && now >= due)
				ids[n++] = id;
		}
		db_finalize(&st);
		if (rc < 0)
			break;
		rc = 0;
		for (size_t i = 0; !rc && i < n; i++) {
			struct arena *a = arena_new(16384);
			struct wo_action_in in = { 0 };
			struct workorder out;
			if (!a) {
				rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
				break;
			}
			out.photos = NULL;
			rc = wo_apply(db, a, NULL, ids[i], WO_A_AUTO_CONFIRM, &in, &out, e);
			json_decref(out.photos);	/* ours when not handed to wo_json */
			arena_free(a);
			if (!rc)
				count++;
		}
		if (rc || scanned < SCAN_BATCH)
			break;
	}
	if (done)
		*done = count;
	if (rc)
		log_msg(LOG_ERROR, LOG_MOD, "auto-confirmation failed: %s", e->msg);
	return rc < 0 ? rc : 0;
}
