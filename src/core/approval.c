/*
** core/approval.c: the approval engine. Owns tables approval_rule,
** approval_rule_step, approval, approval_step, approval_deputy.
** Eligibility lives in SQL (sql_principal, sql_pending_where) so that the
** decision check, the 待办 list and reminders agree by construction.
*/
#include "core/approval.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

const char *const appr_status_codes[] = { "pending", "approved", "rejected", "withdrawn", NULL };
const char *const appr_scope_codes[] = { "dept_head", "role", "committee", NULL };
const char *const appr_step_codes[] = { "waiting", "pending", "approved", "rejected", "skipped",
					NULL };

static const struct appr_kind *kinds[APPR_KINDS_MAX + 1];

static int
code_index(const char *const *codes, const char *s)
{
	for (int i = 0; s && codes[i]; i++)
		if (strcmp(codes[i], s) == 0)
			return i;
	return 0;
}

int
appr_register_kind(const struct appr_kind *k)
{
	int i = 0;

	for (; kinds[i]; i++)
		if (strcmp(kinds[i]->kind, k->kind) == 0)
			return kinds[i] == k ? 0 : ERR_CONFLICT;
	if (i >= APPR_KINDS_MAX)
		return ERR_NOMEM;
	kinds[i] = k;
	return 0;
}

const struct appr_kind *const *
appr_kinds(void)
{
	return kinds;
}

const struct appr_kind *
appr_find_kind(const char *kind)
{
	for (int i = 0; kinds[i]; i++)
		if (strcmp(kinds[i]->kind, kind) == 0)
			return kinds[i];
	return NULL;
}

/* ---------- eligibility ---------- */

/*
** Users x who may decide the current step of approval :id, each either acting
** themselves (x = :me) or through :me as their deputy at :now. Excludes the
** requester and anyone who already decided (or had a deputy decide) a step.
*/
#define ELIGIBLE_FROM                                                                      \
	" FROM approval a"                                                                 \
	" JOIN approval_step s ON s.approval_id = a.id AND s.seq = a.current_seq"          \
	" JOIN user_role r ON r.role = s.role"                                             \
	" JOIN app_user x ON x.id = r.user_id"                                             \
	" WHERE a.status = 'pending' AND s.status = 'pending'"                             \
	" AND x.agency_id = a.agency_id AND x.active = 1 AND x.deleted_at IS NULL"         \
	" AND x.id <> a.requester_id"                                                      \
	" AND (s.scope <> 'dept_head' OR x.department_id = s.scope_dept_id)"               \
	" AND NOT EXISTS (SELECT 1 FROM approval_step d WHERE d.approval_id = a.id"        \
	" AND (d.decided_by = x.id OR d.deputy_for = x.id))"
#define ACTING_AS_ME                                                                       \
	" AND (x.id = :me OR EXISTS (SELECT 1 FROM approval_deputy p"                      \
	" WHERE p.principal_id = x.id AND p.deputy_id = :me AND p.revoked_at IS NULL"     \
	" AND p.from_ms <= :now AND p.to_ms > :now))"

static const char sql_principal[] =
	"SELECT x.id" ELIGIBLE_FROM ACTING_AS_ME " AND a.id = :id"
	" ORDER BY CASE WHEN x.id = :me THEN 0 ELSE 1 END, x.id LIMIT 1";
static const char sql_approvers[] =
	"SELECT DISTINCT x.id" ELIGIBLE_FROM " AND a.id = :id"
	" UNION SELECT p.deputy_id FROM approval_deputy p WHERE p.revoked_at IS NULL"
	" AND p.from_ms <= :now AND p.to_ms > :now AND p.principal_id IN (SELECT x.id"
	ELIGIBLE_FROM " AND a.id = :id)"
	" AND p.deputy_id <> (SELECT requester_id FROM approval WHERE id = :id)";

/*
** Pending for :me: I am not the requester, decided nothing here, and act for
** an eligible x. "+x.agency_id" has x found through the step's role, not by
** walking every user of the agency for each approval (~1 ms each at 600 users).
*/
#define PENDING_WHERE                                                                      \
	" WHERE a.agency_id = :agency AND a.status = 'pending' AND a.requester_id <> :me"  \
	" AND NOT EXISTS (SELECT 1 FROM approval_step m WHERE m.approval_id = a.id"        \
	" AND m.decided_by = :me)"                                                         \
	" AND EXISTS (SELECT 1 FROM approval_step s JOIN user_role r ON r.role = s.role"   \
	" JOIN app_user x ON x.id = r.user_id"                                             \
	" WHERE s.approval_id = a.id AND s.seq = a.current_seq AND s.status = 'pending'"   \
	" AND +x.agency_id = a.agency_id AND x.active = 1 AND x.deleted_at IS NULL"        \
	" AND x.id <> a.requester_id"                                                      \
	" AND (s.scope <> 'dept_head' OR x.department_id = s.scope_dept_id)"               \
	" AND NOT EXISTS (SELECT 1 FROM approval_step d WHERE d.approval_id = a.id"        \
	" AND (d.decided_by = x.id OR d.deputy_for = x.id))" ACTING_AS_ME ")"

/* 0 with *principal = user to decide for (who->id or the absent approver), or ERR_NOT_FOUND. */
static int
find_principal(struct db *db, const struct actor *who, int64_t id, int64_t *principal,
	       struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_principal, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":me", who->id, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*principal = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
appr_current_approvers(struct db *db, struct arena *a, int64_t approval_id, int64_t **user_ids,
		       size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_approvers, e) || db_bind_i64(&st, ":id", approval_id, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_read_rows(&st, a, sizeof(**user_ids), db_row_i64, (void **)user_ids, n, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* ---------- loading ---------- */

#define APPR_COLS                                                                          \
	"a.id, a.agency_id, a.kind, a.entity, COALESCE(a.entity_id, 0),"                  \
	" COALESCE(a.amount_fen, -1), a.title, a.reason, a.requester_id,"                 \
	" COALESCE(a.requester_dept_id, 0), u.display_name, d.name, a.status,"            \
	" COALESCE(a.current_seq, 0), a.created_at, a.updated_at, COALESCE(a.decided_at, 0)"
#define APPR_FROM                                                                          \
	" FROM approval a JOIN app_user u ON u.id = a.requester_id"                        \
	" LEFT JOIN department d ON d.id = a.requester_dept_id"

static const char sql_get[] = "SELECT " APPR_COLS APPR_FROM " WHERE a.id = :id";
static const char sql_steps[] =
	"SELECT s.seq, s.name, s.role, s.scope, s.status, COALESCE(s.decided_by, 0),"
	" COALESCE(s.deputy_for, 0), COALESCE(s.decided_at, 0), COALESCE(s.activated_at, 0),"
	" s.comment, s.minutes_ref, b.display_name, p.display_name"
	" FROM approval_step s LEFT JOIN app_user b ON b.id = s.decided_by"
	" LEFT JOIN app_user p ON p.id = s.deputy_for"
	" WHERE s.approval_id = :id ORDER BY s.seq";

static void
appr_row(struct stmt *st, struct arena *a, struct approval *ap)
{
	memset(ap, 0, sizeof(*ap));
	ap->id = db_col_i64(st, 0);
	ap->agency_id = db_col_i64(st, 1);
	ap->kind = db_col_text(st, a, 2);
	ap->entity = db_col_text(st, a, 3);
	ap->entity_id = db_col_i64(st, 4);
	ap->amount_fen = db_col_i64(st, 5);
	ap->title = db_col_text(st, a, 6);
	ap->reason = db_col_text(st, a, 7);
	ap->requester_id = db_col_i64(st, 8);
	ap->requester_dept_id = db_col_i64(st, 9);
	ap->requester_name = db_col_text(st, a, 10);
	ap->requester_dept_name = db_col_text(st, a, 11);
	ap->status = (enum appr_status)code_index(appr_status_codes, db_col_peek(st, 12, NULL));
	ap->current_seq = (int)db_col_i64(st, 13);
	ap->created_at = db_col_i64(st, 14);
	ap->updated_at = db_col_i64(st, 15);
	ap->decided_at = db_col_i64(st, 16);
}

static int
load_steps(struct db *db, struct arena *a, struct approval *ap, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_steps, e) || db_bind_i64(&st, ":id", ap->id, e) ? e->code : 0;

	ap->nsteps = 0;
	while (!rc && (rc = db_step(&st, e)) == 1 && ap->nsteps < APPR_STEPS_MAX) {
		struct appr_step *s = &ap->steps[ap->nsteps++];
		s->seq = (int)db_col_i64(&st, 0);
		s->name = db_col_text(&st, a, 1);
		s->role = db_col_text(&st, a, 2);
		s->scope = (enum appr_scope)code_index(appr_scope_codes, db_col_peek(&st, 3, NULL));
		s->status = (enum appr_step_status)code_index(appr_step_codes,
							      db_col_peek(&st, 4, NULL));
		s->decided_by = db_col_i64(&st, 5);
		s->deputy_for = db_col_i64(&st, 6);
		s->decided_at = db_col_i64(&st, 7);
		s->activated_at = db_col_i64(&st, 8);
		s->comment = db_col_text(&st, a, 9);
		s->minutes_ref = db_col_text(&st, a, 10);
		s->decided_by_name = db_col_text(&st, a, 11);
		s->deputy_for_name = db_col_text(&st, a, 12);
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static int
decided_any(const struct approval *ap, int64_t user)
{
	for (int i = 0; i < ap->nsteps; i++)
		if (ap->steps[i].decided_by == user)
			return 1;
	return 0;
}

/* Load without visibility checks; fills can_decide / can_withdraw for who. */
static int
load(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct approval *out,
     struct err *e)
{
	struct stmt st = { 0 };
	int64_t principal;
	int rc = db_prepare(db, &st, sql_get, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		appr_row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND || (!rc && out->agency_id != who->agency_id))
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "审批单不存在");
	if (!rc)
		rc = load_steps(db, a, out, e);
	if (rc)
		return rc;
	out->can_decide = out->status == APPR_PENDING && who->id != out->requester_id &&
			  !decided_any(out, who->id) && find_principal(db, who, id, &principal, e) == 0;
	err_clear(e);
	out->can_withdraw = out->status == APPR_PENDING && who->id == out->requester_id &&
			    out->nsteps > 0 && out->steps[0].status == STEP_PENDING;
	return 0;
}

int
appr_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	 struct approval *out, struct err *e)
{
	if (load(db, a, who, id, out, e))
		return e->code;
	if (who->id == out->requester_id || out->can_decide || decided_any(out, who->id) ||
	    actor_has(who, ROLE_OFFICE | ROLE_SUPERVISOR))
		return 0;
	return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "审批单不存在");
}

int
appr_get_for_record(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		    struct approval *out, struct err *e)
{
	if (appr_get(db, a, who, id, out, e) == 0)
		return 0;
	if (e->code != ERR_NOT_FOUND)
		return e->code;
	err_clear(e);
	return load(db, a, who, id, out, e);
}

/* ---------- notifications ---------- */

/* Tell whoever may decide the current step (and their deputies) that it waits for them. */
static int
notify_approvers(struct db *db, const struct actor *who, int64_t id, const char *title,
		 struct err *e)
{
	struct arena *a = arena_new(2048);
	int64_t *users;
	size_t n;
	int rc = a ? appr_current_approvers(db, a, id, &users, &n, e) : ERR_NOMEM;

	for (size_t i = 0; !rc && i < n; i++)
		rc = notify_send(db, who, users[i], "approval.pending", "您有待审批的申请", title,
				 "approval", id, e);	/* its event also refreshes open pages */
	arena_free(a);
	return rc;
}

/* Open pages of the requester and of everyone who decided a step re-fetch the request. */
static int
touch_participants(struct db *db, const struct approval *ap, struct err *e)
{
	int rc = notify_entity_changed(db, ap->agency_id, ap->requester_id, "approval", ap->id, e);

	for (int i = 0; !rc && i < ap->nsteps; i++)
		if (ap->steps[i].decided_by)
			rc = notify_entity_changed(db, ap->agency_id, ap->steps[i].decided_by,
						   "approval", ap->id, e);
	return rc;
}

/* ---------- submit ---------- */

static const char sql_rule_match[] =
	"SELECT id FROM approval_rule WHERE agency_id = :agency AND kind = :kind AND active = 1"
	" AND (min_amount_fen IS NULL OR :amount >= min_amount_fen)"
	" AND (max_amount_fen IS NULL OR :amount < max_amount_fen)"
	" ORDER BY priority DESC, id DESC LIMIT 1";
static const char sql_rule_steps[] =
	"SELECT seq, name, role, scope FROM approval_rule_step"
	" WHERE rule_id = :rule AND agency_id = :agency ORDER BY seq";
static const char sql_insert[] =
	"INSERT INTO approval (agency_id, kind, entity, entity_id, title, amount_fen, reason,"
	" requester_id, requester_dept_id, rule_id, status, current_seq, created_at, updated_at)"
	" VALUES (:agency, :kind, :entity, :eid, :title, :amount, :reason, :who, :dept, :rule,"
	" 'pending', 1, :now, :now)";
static const char sql_step_insert[] =
	"INSERT INTO approval_step (agency_id, approval_id, seq, name, role, scope, scope_dept_id,"
	" status, activated_at) VALUES (:agency, :id, :seq, :name, :role, :scope, :sdept, :status,"
	" :act)";
static const char sql_dept_head_in[] =
	"SELECT 1 FROM app_user x JOIN user_role r ON r.user_id = x.id AND r.role = 'dept_head'"
	" WHERE x.department_id = :dept AND x.active = 1 AND x.deleted_at IS NULL"
	" AND x.id <> :requester LIMIT 1";
static const char sql_dept_parent[] =
	"SELECT COALESCE(parent_id, 0) FROM department WHERE id = :dept";

static int
query_i64(struct db *db, const char *sql, const char *n1, int64_t v1, const char *n2,
	  int64_t v2, int64_t *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, n1, v1, e) ||
		 (n2 && db_bind_i64(&st, n2, v2, e)) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*out = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

/* The requester's department, or the nearest ancestor with a head other than the requester. */
static int
head_department(struct db *db, const struct actor *who, int64_t *dept, struct err *e)
{
	int64_t d = who->department_id, one;

	for (int hops = 0; d && hops < 16; hops++) {
		int rc = query_i64(db, sql_dept_head_in, ":dept", d, ":requester", who->id, &one, e);
		if (rc == 0) {
			*dept = d;
			return 0;
		}
		if (rc != ERR_NOT_FOUND || query_i64(db, sql_dept_parent, ":dept", d, NULL, 0, &d, e))
			return e->code;
	}
	return err_setx(e, ERR_RULE, "no_approver", NULL, "找不到可审批的部门负责人，请联系管理员");
}

struct rule_step_row {
	int64_t seq;
	char name[96], role[32], scope[16];
};

static int
copy_steps(struct db *db, const struct actor *who, int64_t rule, int64_t id, struct err *e)
{
	struct rule_step_row rows[APPR_STEPS_MAX];
	struct stmt st = { 0 };
	int n = 0, rc = db_prepare(db, &st, sql_rule_steps, e) ||
			db_bind_i64(&st, ":rule", rule, e) ||
			db_bind_i64(&st, ":agency", who->agency_id, e) ? e->code : 0;

	while (!rc && n < APPR_STEPS_MAX && (rc = db_step(&st, e)) == 1) {
		rows[n].seq = db_col_i64(&st, 0);
		snprintf(rows[n].name, sizeof(rows[n].name), "%s", db_col_peek(&st, 1, NULL));
		snprintf(rows[n].role, sizeof(rows[n].role), "%s", db_col_peek(&st, 2, NULL));
		snprintf(rows[n].scope, sizeof(rows[n].scope), "%s", db_col_peek(&st, 3, NULL));
		n++;
		rc = 0;
	}
	db_finalize(&st);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_setx(e, ERR_RULE, "no_rule", NULL, "审批规则没有步骤，请联系后勤管理员");
	for (int i = 0; !rc && i < n; i++) {
		int64_t sdept = 0;
		if (strcmp(rows[i].scope, "dept_head") == 0 && head_department(db, who, &sdept, e)) {
			if (e->code != ERR_RULE)
				return e->code;
			/* the requester heads the top of their branch: a leader decides instead */
			err_clear(e);
			snprintf(rows[i].role, sizeof(rows[i].role), "leader");
			snprintf(rows[i].scope, sizeof(rows[i].scope), "role");
			snprintf(rows[i].name, sizeof(rows[i].name), "分管领导（代部门负责人）");
		}
		rc = db_prepare(db, &st, sql_step_insert, e) || db_bind_i64(&st, ":id", id, e) ||
		     db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_i64(&st, ":seq", i + 1, e) || db_bind_text(&st, ":name", rows[i].name, e) ||
		     db_bind_text(&st, ":role", rows[i].role, e) ||
		     db_bind_text(&st, ":scope", rows[i].scope, e) ||
		     db_bind_id_or_null(&st, ":sdept", sdept, e) ||
		     db_bind_text(&st, ":status", i == 0 ? "pending" : "waiting", e) ||
		     (i == 0 ? db_bind_i64(&st, ":act", now_ms(), e) : db_bind_null(&st, ":act", e)) ||
		     db_step_done(&st, e) ? e->code : 0;
		db_finalize(&st);
	}
	return rc;
}

static json_t *
summary_json(const struct approval *ap)
{
	return json_pack("{ss ss so ss}", "kind", ap->kind, "title", ap->title, "amount_fen",
			 ap->amount_fen >= 0 ? json_integer(ap->amount_fen) : json_null(), "status",
			 appr_status_codes[ap->status]);
}

int
appr_submit(struct db *db, const struct actor *who, const struct appr_submit *in,
	    int64_t *approval_id, struct err *e)
{
	struct stmt st = { 0 };
	int64_t rule = 0, id;
	json_t *after;
	int rc;

	assert(db_in_tx(db));
	if (!appr_find_kind(in->kind))
		return err_setx(e, ERR_INVALID, "invalid", "kind", "未知的审批事项类型");
	rc = db_prepare(db, &st, sql_rule_match, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) || db_bind_text(&st, ":kind", in->kind, e) ||
	     db_bind_i64(&st, ":amount", in->amount_fen < 0 ? 0 : in->amount_fen, e) ||
	     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		rule = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_RULE, "no_rule", NULL, "没有适用的审批规则，请联系后勤管理员");
	if (!rc)
		rc = db_prepare(db, &st, sql_insert, e) ||
		     db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_text(&st, ":kind", in->kind, e) || db_bind_text(&st, ":entity", in->entity, e) ||
		     db_bind_id_or_null(&st, ":eid", in->entity_id, e) ||
		     db_bind_text(&st, ":title", in->title, e) ||
		     (in->amount_fen >= 0 ? db_bind_i64(&st, ":amount", in->amount_fen, e)
					  : db_bind_null(&st, ":amount", e)) ||
		     db_bind_text(&st, ":reason", in->reason, e) || db_bind_i64(&st, ":who", who->id, e) ||
		     db_bind_id_or_null(&st, ":dept", who->department_id, e) ||
		     db_bind_i64(&st, ":rule", rule, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc)
		return rc;
	id = db_last_id(db);
	rc = copy_steps(db, who, rule, id, e);
	if (rc)
		return rc;
	after = json_pack("{ss ss so sI}", "kind", in->kind, "title", in->title, "amount_fen",
			  in->amount_fen >= 0 ? json_integer(in->amount_fen) : json_null(), "rule_id",
			  (json_int_t)rule);
	rc = aud_record(db, who, "submit", "approval", id, NULL, after, e);
	json_decref(after);
	if (!rc)
		rc = notify_approvers(db, who, id, in->title, e);
	if (!rc)
		*approval_id = id;
	return rc;
}

/* ---------- decide / withdraw ---------- */

static const char sql_step_decide[] =
	"UPDATE approval_step SET status = :status, decided_by = :me, deputy_for = :for,"
	" decided_at = :now, comment = :comment, minutes_ref = :minutes"
	" WHERE approval_id = :id AND seq = :seq AND status = 'pending'";
static const char sql_step_activate[] =
	"UPDATE approval_step SET status = 'pending', activated_at = :now"
	" WHERE approval_id = :id AND seq = :seq";
static const char sql_steps_skip[] =
	"UPDATE approval_step SET status = 'skipped' WHERE approval_id = :id"
	" AND status IN ('waiting', 'pending')";
static const char sql_advance[] =
	"UPDATE approval SET current_seq = :seq, updated_at = :now WHERE id = :id";
static const char sql_settle[] =
	"UPDATE approval SET status = :status, current_seq = NULL, decided_at = :now,"
	" updated_at = :now WHERE id = :id AND status = 'pending'";

static int
exec_id_seq(struct db *db, const char *sql, int64_t id, int64_t seq, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":id", id, e) ||
		 (seq >= 0 && db_bind_i64(&st, ":seq", seq, e)) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static int
settle(struct db *db, const struct actor *who, const struct approval *ap,
       enum appr_status outcome, struct err *e)
{
	const struct appr_kind *k = appr_find_kind(ap->kind);
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_settle, e) ||
		 db_bind_text(&st, ":status", appr_status_codes[outcome], e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", ap->id, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc && db_changes(db) == 0)
		return err_setx(e, ERR_CONFLICT, "not_pending", NULL, "审批单已办结");
	if (!rc && outcome != APPR_APPROVED) {
		struct stmt sk = { 0 };
		rc = db_prepare(db, &sk, sql_steps_skip, e) || db_bind_i64(&sk, ":id", ap->id, e) ||
		     db_step_done(&sk, e) ? e->code : 0;
		db_finalize(&sk);
	}
	if (!rc && k && k->on_decided) {
		struct arena *a = arena_new(8192);

		if (!a)
			return err_set(e, ERR_NOMEM, NULL, "out of memory");
		rc = k->on_decided(db, a, who, ap, outcome, e);
		arena_free(a);
	}
	return rc;
}

static int
record_decision(struct db *db, const struct actor *who, const struct approval *ap,
		int64_t principal, const struct appr_decide_in *in, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_step_decide, e) ||
		 db_bind_text(&st, ":status", in->decision == APPR_APPROVE ? "approved" : "rejected", e) ||
		 db_bind_i64(&st, ":me", who->id, e) ||
		 db_bind_id_or_null(&st, ":for", principal == who->id ? 0 : principal, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_text(&st, ":comment", in->comment, e) ||
		 db_bind_text(&st, ":minutes", in->minutes_ref, e) || db_bind_i64(&st, ":id", ap->id, e) ||
		 db_bind_i64(&st, ":seq", ap->current_seq, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc && db_changes(db) == 0)	/* someone decided it first */
		return err_setx(e, ERR_CONFLICT, "not_pending", NULL, "该步骤已被处理，请刷新");
	return rc;
}

static const struct appr_step *
current_step(const struct approval *ap)
{
	for (int i = 0; i < ap->nsteps; i++)
		if (ap->steps[i].seq == ap->current_seq)
			return &ap->steps[i];
	return NULL;
}

static int
check_decider(struct db *db, const struct actor *who, const struct approval *ap,
	      const struct appr_decide_in *in, int64_t *principal, struct err *e)
{
	const struct appr_step *cur = current_step(ap);

	if (ap->status != APPR_PENDING || !cur)
		return err_setx(e, ERR_CONFLICT, "not_pending", NULL, "审批单已办结");
	if (who->id == ap->requester_id)
		return err_setx(e, ERR_RULE, "self_approval", NULL, "不能审批自己提交的申请");
	for (int i = 0; i < ap->nsteps; i++)
		if (ap->steps[i].decided_by == who->id || ap->steps[i].deputy_for == who->id)
			return err_setx(e, ERR_RULE, "already_decided", NULL,
					"同一人不能审批同一申请的两个步骤");
	if (find_principal(db, who, ap->id, principal, e))
		return e->code == ERR_NOT_FOUND ? err_setx(e, ERR_FORBIDDEN, "not_approver", NULL,
							   "您不是当前步骤的审批人") : e->code;
	if (cur->scope == APPR_SCOPE_COMMITTEE && (!in->minutes_ref || !*in->minutes_ref))
		return err_setx(e, ERR_RULE, "minutes_required", "minutes_ref",
				"集体决策须填写会议纪要编号");
	return 0;
}

/* Reload, then tell the requester, the next approvers and every participant's open page. */
static int
after_decision(struct db *db, struct arena *a, const struct actor *who,
	       const struct approval *before, enum appr_decision d, struct err *e)
{
	struct approval now;
	const char *title;
	int rc = load(db, a, who, before->id, &now, e);

	if (rc)
		return rc;
	title = now.status == APPR_APPROVED ? "您的申请已审批通过"
		: now.status == APPR_REJECTED ? "您的申请被驳回"
		: "您的申请已通过一级审批";
	rc = notify_send(db, who, now.requester_id, d == APPR_APPROVE ? "approval.approved"
								    : "approval.rejected",
			 title, now.title, "approval", now.id, e) ||
	     touch_participants(db, &now, e) ? e->code : 0;
	if (!rc && now.status == APPR_PENDING)
		rc = notify_approvers(db, who, now.id, now.title, e);
	return rc;
}

int
appr_decide(struct db *db, const struct actor *who, int64_t approval_id,
	    const struct appr_decide_in *in, struct err *e)
{
	struct arena *a = arena_new(4096);
	struct approval ap;
	int64_t principal = 0;
	json_t *after;
	int rc;

	assert(db_in_tx(db));
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = load(db, a, who, approval_id, &ap, e) || check_decider(db, who, &ap, in, &principal, e) ||
	     record_decision(db, who, &ap, principal, in, e) ? e->code : 0;
	if (!rc && in->decision == APPR_REJECT)
		rc = settle(db, who, &ap, APPR_REJECTED, e);
	else if (!rc && ap.current_seq < ap.steps[ap.nsteps - 1].seq)
		rc = exec_id_seq(db, sql_step_activate, ap.id, ap.current_seq + 1, e) ||
		     exec_id_seq(db, sql_advance, ap.id, ap.current_seq + 1, e) ? e->code : 0;
	else if (!rc)
		rc = settle(db, who, &ap, APPR_APPROVED, e);
	if (!rc) {
		after = json_pack("{si ss ss* ss* sI}", "step", ap.current_seq, "decision",
				  in->decision == APPR_APPROVE ? "approve" : "reject", "comment",
				  in->comment, "minutes_ref", in->minutes_ref, "deputy_for",
				  (json_int_t)(principal == who->id ? 0 : principal));
		rc = aud_record(db, who, in->decision == APPR_APPROVE ? "approve" : "reject",
				"approval", ap.id, NULL, after, e);
		json_decref(after);
	}
	if (!rc)
		rc = after_decision(db, a, who, &ap, in->decision, e);
	arena_free(a);
	return rc;
}

int
appr_withdraw(struct db *db, const struct actor *who, int64_t approval_id, struct err *e)
{
	struct arena *a = arena_new(4096);
	struct approval ap;
	int rc;

	assert(db_in_tx(db));
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = load(db, a, who, approval_id, &ap, e);
	if (!rc && who->id != ap.requester_id)
		rc = err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有申请人可以撤回");
	else if (!rc && ap.status != APPR_PENDING)
		rc = err_setx(e, ERR_CONFLICT, "not_pending", NULL, "审批单已办结");
	else if (!rc && !ap.can_withdraw)
		rc = err_setx(e, ERR_CONFLICT, "already_decided_step", NULL,
			      "已有审批人处理，不能撤回");
	if (!rc)
		rc = settle(db, who, &ap, APPR_WITHDRAWN, e);
	if (!rc)
		rc = aud_record(db, who, "withdraw", "approval", ap.id, jarena(a, summary_json(&ap)),
				NULL, e);
	if (!rc)	/* the approvers' 待办 lists drop it */
		rc = notify_entity_changed(db, ap.agency_id, 0, "approval", ap.id, e);
	arena_free(a);
	return rc;
}

int
appr_cancel(struct db *db, const struct actor *who, int64_t approval_id, struct err *e)
{
	struct arena *a = arena_new(4096);
	struct approval ap;
	int rc;

	assert(db_in_tx(db));
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = load(db, a, who, approval_id, &ap, e);
	if (!rc && ap.status == APPR_PENDING)
		rc = settle(db, who, &ap, APPR_WITHDRAWN, e) ||
		     aud_record(db, who, "cancel", "approval", ap.id, jarena(a, summary_json(&ap)),
				NULL, e) ||
		     notify_entity_changed(db, ap.agency_id, 0, "approval", ap.id, e) ? e->code : 0;
	arena_free(a);
	return rc;
}

/* ---------- reminders ---------- */

static const char sql_waiting[] =
	"SELECT s.id, s.approval_id, s.activated_at, a.agency_id, a.title FROM approval_step s"
	" JOIN approval a ON a.id = s.approval_id WHERE s.agency_id = :agency"
	" AND s.status = 'pending' AND a.status = 'pending' AND s.reminded_at IS NULL"
	" AND s.activated_at IS NOT NULL AND s.id > :after ORDER BY s.id LIMIT :limit";
static const char sql_reminded[] = "UPDATE approval_step SET reminded_at = :now WHERE id = :id";

struct waiting_step {
	int64_t id, approval_id, activated_at, agency_id;
	char title[256];
};

static int64_t
business_day_minutes(const struct cal *cal)
{
	int64_t m = 0;

	for (int i = 0; i < cal->nperiods; i++)
		m += cal->periods[i].end - cal->periods[i].start;
	return m;
}

static int
remind_one(struct db *db, const struct waiting_step *w, int64_t now, struct err *e)
{
	struct actor sys = { .agency_id = w->agency_id, .ip = "system", .username = "system" };
	struct arena *a = arena_new(2048);
	struct stmt st = { 0 };
	int64_t *users;
	size_t n;
	int rc = a ? appr_current_approvers(db, a, w->approval_id, &users, &n, e) : ERR_NOMEM;

	for (size_t i = 0; !rc && i < n; i++)
		rc = notify_send(db, &sys, users[i], "approval.overdue", "审批已等待超过一个工作日",
				 w->title, "approval", w->approval_id, e);
	if (!rc)
		rc = db_prepare(db, &st, sql_reminded, e) || db_bind_i64(&st, ":now", now, e) ||
		     db_bind_i64(&st, ":id", w->id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	arena_free(a);
	return rc;
}

int
appr_remind_due(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *sent,
		struct err *e)
{
	enum { BATCH = 500 };
	static struct waiting_step rows[BATCH];	/* only the single writer runs this */
	int64_t day = business_day_minutes(cal), after = 0;
	int rc = 0;

	assert(db_in_tx(db));
	*sent = 0;
	for (;;) {	/* page by page: a due step behind BATCH waiting ones is reached too */
		struct stmt st = { 0 };
		int n = 0;

		rc = db_prepare(db, &st, sql_waiting, e) || db_bind_i64(&st, ":agency", agency, e) ||
		     db_bind_i64(&st, ":after", after, e) || db_bind_i64(&st, ":limit", BATCH, e)
			     ? e->code : 0;
		while (!rc && n < BATCH && (rc = db_step(&st, e)) == 1) {
			rows[n].id = db_col_i64(&st, 0);
			rows[n].approval_id = db_col_i64(&st, 1);
			rows[n].activated_at = db_col_i64(&st, 2);
			rows[n].agency_id = db_col_i64(&st, 3);
			snprintf(rows[n].title, sizeof(rows[n].title), "%s",
				 db_col_peek(&st, 4, NULL));
			n++;
			rc = 0;
		}
		db_finalize(&st);
		if (rc < 0 || n == 0)
			break;
		after = rows[n - 1].id;
		for (int i = 0; rc >= 0 && i < n; i++) {
			int64_t due = cal_add_business_minutes(cal, rows[i].activated_at, day);

			if (day <= 0 || due == CAL_NEVER || due > now)
				continue;
			rc = remind_one(db, &rows[i], now, e);
			if (!rc)
				(*sent)++;
		}
		if (rc < 0 || n < BATCH)
			break;
	}
	return rc < 0 ? rc : 0;
}

/* ---------- lists ---------- */

static const char sql_list_requested[] =
	"SELECT a.id FROM approval a WHERE a.requester_id = :me AND a.agency_id = :agency"
	" ORDER BY a.id DESC LIMIT :limit OFFSET :offset";
static const char sql_count_requested[] =
	"SELECT COUNT(*) FROM approval a WHERE a.requester_id = :me AND a.agency_id = :agency";
static const char sql_list_decided[] =
	"SELECT a.id FROM approval a WHERE a.agency_id = :agency AND EXISTS (SELECT 1 FROM"
	" approval_step s WHERE s.approval_id = a.id AND s.decided_by = :me)"
	" ORDER BY a.id DESC LIMIT :limit OFFSET :offset";
static const char sql_count_decided[] =
	"SELECT COUNT(*) FROM approval a WHERE a.agency_id = :agency AND EXISTS (SELECT 1 FROM"
	" approval_step s WHERE s.approval_id = a.id AND s.decided_by = :me)";
static const char sql_list_pending[] =
	"SELECT a.id FROM approval a" PENDING_WHERE " ORDER BY a.id DESC LIMIT :limit OFFSET :offset";
static const char sql_count_pending[] = "SELECT COUNT(*) FROM approval a" PENDING_WHERE;

static int
bind_mine(struct stmt *st, const struct actor *who, enum appr_mine mine, struct err *e)
{
	return db_bind_i64(st, ":me", who->id, e) || db_bind_i64(st, ":agency", who->agency_id, e) ||
	       (mine == APPR_MINE_PENDING && db_bind_i64(st, ":now", now_ms(), e)) ? e->code : 0;
}

int
appr_list(struct db *db, struct arena *a, const struct actor *who, enum appr_mine mine,
	  int64_t limit, int64_t offset, struct approval **items, size_t *n, int64_t *total,
	  struct err *e)
{
	static const char *const lists[] = { sql_list_pending, sql_list_decided, sql_list_requested };
	static const char *const counts[] = { sql_count_pending, sql_count_decided,
					      sql_count_requested };
	struct stmt st = { 0 };
	int64_t *ids = arena_array(a, (size_t)(limit > 0 ? limit : 1), sizeof(*ids));
	size_t k = 0;
	int rc;

	*n = 0;
	*items = arena_array(a, (size_t)(limit > 0 ? limit : 1), sizeof(**items));
	if (!ids || !*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, counts[mine], e) || bind_mine(&st, who, mine, e) ||
	     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	if (!rc)
		rc = db_prepare(db, &st, lists[mine], e) || bind_mine(&st, who, mine, e) ||
		     db_bind_i64(&st, ":limit", limit, e) || db_bind_i64(&st, ":offset", offset, e)
			     ? e->code : 0;
	while (!rc && (int64_t)k < limit && (rc = db_step(&st, e)) == 1) {
		ids[k++] = db_col_i64(&st, 0);
		rc = 0;
	}
	db_finalize(&st);
	for (size_t i = 0; rc >= 0 && i < k; i++, (*n)++)
		rc = load(db, a, who, ids[i], &(*items)[i], e);
	return rc < 0 ? rc : 0;
}

/* ---------- rules ---------- */

static const char sql_rule_list[] =
	"SELECT id, kind, name, COALESCE(min_amount_fen, -1), COALESCE(max_amount_fen, -1),"
	" priority, active, updated_at FROM approval_rule WHERE agency_id = :agency"
	" ORDER BY kind, priority DESC, id";
static const char sql_rule_get[] =
	"SELECT id, kind, name, COALESCE(min_amount_fen, -1), COALESCE(max_amount_fen, -1),"
	" priority, active, updated_at FROM approval_rule WHERE agency_id = :agency AND id = :id";
static const char sql_rule_insert[] =
	"INSERT INTO approval_rule (agency_id, kind, name, min_amount_fen, max_amount_fen,"
	" priority, active, created_at, updated_at, created_by)"
	" VALUES (:agency, :kind, :name, :min, :max, :prio, :active, :now, :now, :by)";
static const char sql_rule_update[] =
	"UPDATE approval_rule SET kind = :kind, name = :name, min_amount_fen = :min,"
	" max_amount_fen = :max, priority = :prio, active = :active, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND updated_at = :seen";
static const char sql_rule_steps_clear[] = "DELETE FROM approval_rule_step WHERE rule_id = :id";
static const char sql_rule_step_add[] =
	"INSERT INTO approval_rule_step (agency_id, rule_id, seq, name, role, scope)"
	" VALUES (:agency, :id, :seq, :name, :role, :scope)";

static void
rule_row(struct stmt *st, struct arena *a, struct appr_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_i64(st, 0);
	r->kind = db_col_text(st, a, 1);
	r->name = db_col_text(st, a, 2);
	r->min_amount_fen = db_col_i64(st, 3);
	r->max_amount_fen = db_col_i64(st, 4);
	r->priority = db_col_i64(st, 5);
	r->active = (int)db_col_i64(st, 6);
	r->updated_at = db_col_i64(st, 7);
}

static int
rule_load_steps(struct db *db, struct arena *a, int64_t agency, struct appr_rule *r,
		struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_rule_steps, e) || db_bind_i64(&st, ":rule", r->id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) ? e->code : 0;

	while (!rc && r->nsteps < APPR_STEPS_MAX && (rc = db_step(&st, e)) == 1) {
		struct appr_rule_step *s = &r->steps[r->nsteps++];
		s->name = db_col_text(&st, a, 1);
		s->role = db_col_text(&st, a, 2);
		s->scope = (enum appr_scope)code_index(appr_scope_codes, db_col_peek(&st, 3, NULL));
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
appr_rule_list(struct db *db, struct arena *a, const struct actor *who,
	       struct appr_rule **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 64;
	int rc;

	*n = 0;
	*items = arena_array(a, cap, sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_rule_list, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ? e->code : 0;
	while (!rc && *n < cap && (rc = db_step(&st, e)) == 1) {
		rule_row(&st, a, &(*items)[(*n)++]);
		rc = 0;
	}
	db_finalize(&st);
	for (size_t i = 0; rc >= 0 && i < *n; i++)
		rc = rule_load_steps(db, a, who->agency_id, &(*items)[i], e);
	return rc < 0 ? rc : 0;
}

static int
rule_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	 struct appr_rule *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_rule_get, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		rule_row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "审批规则不存在");
	return rc ? rc : rule_load_steps(db, a, who->agency_id, out, e);
}

static int
check_rule(const struct appr_rule *in, struct err *e)
{
	if (!appr_find_kind(in->kind))
		err_field(e, "kind", "未知的审批事项类型");
	if (in->min_amount_fen >= 0 && in->max_amount_fen >= 0 &&
	    in->max_amount_fen <= in->min_amount_fen)
		err_field(e, "max_amount_fen", "上限须大于下限");
	if (in->nsteps < 1 || in->nsteps > APPR_STEPS_MAX)
		err_field(e, "steps", "须有 1 到 %d 个审批步骤", APPR_STEPS_MAX);
	for (int i = 0; i < in->nsteps; i++) {
		if (in->steps[i].scope == APPR_SCOPE_DEPT_HEAD &&
		    strcmp(in->steps[i].role, "dept_head") != 0)
			err_field(e, "steps", "第 %d 步的角色无效（部门负责人范围须用 dept_head）", i + 1);
		else if (!(role_bit(in->steps[i].role) & ROLE_BUSINESS))	/* 纪检 and admins only read */
			err_field(e, "steps", "第 %d 步的角色须为业务角色（纪检监察与管理员不审批）", i + 1);
	}
	if (e->nfields)
		return err_setx(e, ERR_INVALID, "invalid", NULL, "%s：%s", e->fields[0].name,
				e->fields[0].msg);
	return 0;
}

static int
bind_rule(struct stmt *st, const struct actor *who, const struct appr_rule *in, int64_t now,
	  struct err *e)
{
	return db_bind_i64(st, ":agency", who->agency_id, e) || db_bind_text(st, ":kind", in->kind, e) ||
	       db_bind_text(st, ":name", in->name, e) ||
	       (in->min_amount_fen >= 0 ? db_bind_i64(st, ":min", in->min_amount_fen, e)
					: db_bind_null(st, ":min", e)) ||
	       (in->max_amount_fen >= 0 ? db_bind_i64(st, ":max", in->max_amount_fen, e)
					: db_bind_null(st, ":max", e)) ||
	       db_bind_i64(st, ":prio", in->priority, e) || db_bind_i64(st, ":active", in->active, e) ||
	       db_bind_i64(st, ":now", now, e) ? e->code : 0;
}

static int
rule_write_steps(struct db *db, int64_t agency, int64_t id, const struct appr_rule *in,
		 struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_exec_id(db, sql_rule_steps_clear, id, e);

	for (int i = 0; !rc && i < in->nsteps; i++) {
		rc = db_prepare(db, &st, sql_rule_step_add, e) || db_bind_i64(&st, ":id", id, e) ||
		     db_bind_i64(&st, ":agency", agency, e) ||
		     db_bind_i64(&st, ":seq", i + 1, e) ||
		     db_bind_text(&st, ":name", in->steps[i].name, e) ||
		     db_bind_text(&st, ":role", in->steps[i].role, e) ||
		     db_bind_text(&st, ":scope", appr_scope_codes[in->steps[i].scope], e) ||
		     db_step_done(&st, e) ? e->code : 0;
		db_finalize(&st);
	}
	return rc;
}

int
appr_rule_save(struct db *db, struct arena *a, const struct actor *who,
	       const struct appr_rule *in, struct appr_rule *out, struct err *e)
{
	struct appr_rule before = { 0 };
	struct stmt st = { 0 };
	int64_t id = in->id;
	int rc;

	assert(db_in_tx(db));
	if ((id && (rule_get(db, a, who, id, &before, e) ||
		    db_check_seen(in->updated_at, before.updated_at, "审批规则", e))) ||
	    check_rule(in, e))
		return e->code;
	rc = db_prepare(db, &st, id ? sql_rule_update : sql_rule_insert, e) ||
	     bind_rule(&st, who, in, db_next_updated_at(before.updated_at, now_ms()), e) ||
	     (id ? db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":seen", in->updated_at, e)
		 : db_bind_id_or_null(&st, ":by", who->id, e)) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && id && db_check_changed(db, "审批规则", e))
		return e->code;
	if (!rc && !id)
		id = db_last_id(db);
	if (!rc)
		rc = rule_write_steps(db, who->agency_id, id, in, e) ||
		     rule_get(db, a, who, id, out, e) ? e->code : 0;
	if (!rc)
		rc = aud_record(db, who, in->id ? "update" : "create", "approval_rule", id,
				in->id ? jarena(a, appr_rule_json(&before)) : NULL,
				jarena(a, appr_rule_json(out)), e);
	return rc;
}

static const char sql_rule_any[] =
	"SELECT 1 FROM approval_rule WHERE agency_id = :agency AND kind = :kind LIMIT 1";

/* Has who's agency any rule of kind, active or not? */
static int
kind_has_rule(struct db *db, const struct actor *who, const char *kind, int *has, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_rule_any, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":kind", kind, e) ? e->code : db_step(&st, e);

	db_finalize(&st);
	*has = rc == 1;
	return rc < 0 ? rc : 0;
}

int
appr_rule_seed(struct db *db, struct arena *a, const struct actor *who,
	       const struct appr_rule *defaults, int *added, struct err *e)
{
	int has = 1;

	assert(db_in_tx(db));
	for (const struct appr_rule *r = defaults; r && r->kind; r++) {
		struct appr_rule in = *r, out;
		/* asked at a kind's first row only: its rows saved here must not stop the next */
		if ((r == defaults || strcmp(r[-1].kind, r->kind) != 0) &&
		    kind_has_rule(db, who, r->kind, &has, e))
			return e->code;
		if (has)
			continue;
		in.id = 0;
		in.active = 1;
		if (appr_rule_save(db, a, who, &in, &out, e))
			return e->code;
		(*added)++;
	}
	return 0;
}

/* ---------- deputies ---------- */

static const char sql_deputy_user[] =
	"SELECT 1 FROM app_user WHERE id = :id AND agency_id = :agency AND active = 1"
	" AND deleted_at IS NULL";
static const char sql_deputy_insert[] =
	"INSERT INTO approval_deputy (agency_id, principal_id, deputy_id, from_ms, to_ms,"
	" created_at) VALUES (:agency, :me, :deputy, :from, :to, :now)";
static const char sql_deputy_revoke[] =
	"UPDATE approval_deputy SET revoked_at = :now WHERE id = :id AND principal_id = :me"
	" AND revoked_at IS NULL";
static const char sql_deputy_list[] =
	"SELECT p.id, p.principal_id, p.deputy_id, p.from_ms, p.to_ms, p.created_at,"
	" a.display_name, b.display_name FROM approval_deputy p"
	" JOIN app_user a ON a.id = p.principal_id JOIN app_user b ON b.id = p.deputy_id"
	" WHERE (p.principal_id = :me OR p.deputy_id = :me) AND p.revoked_at IS NULL"
	" AND p.to_ms > :now ORDER BY p.from_ms";

#define DEPUTY_SPAN_MAX (366 * DAY_MS)

int
appr_deputy_add(struct db *db, const struct actor *who, int64_t deputy_id, int64_t from_ms,
		int64_t to_ms, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int64_t one;
	json_t *after;
	int rc;

	assert(db_in_tx(db));
	if (deputy_id == who->id)
		return err_set(e, ERR_INVALID, "deputy_id", "不能指定自己为代理人");
	if (to_ms <= from_ms || to_ms - from_ms > DEPUTY_SPAN_MAX)
		return err_set(e, ERR_INVALID, "to", "结束时间须晚于开始时间，且不超过一年");
	if (query_i64(db, sql_deputy_user, ":id", deputy_id, ":agency", who->agency_id, &one, e))
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_INVALID, "deputy_id", "代理人不存在")
						 : e->code;
	rc = db_prepare(db, &st, sql_deputy_insert, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) || db_bind_i64(&st, ":me", who->id, e) ||
	     db_bind_i64(&st, ":deputy", deputy_id, e) || db_bind_i64(&st, ":from", from_ms, e) ||
	     db_bind_i64(&st, ":to", to_ms, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc)
		return rc;
	*id = db_last_id(db);
	after = json_pack("{sI sI so so}", "principal_id", (json_int_t)who->id, "deputy_id",
			  (json_int_t)deputy_id, "from", jtime(from_ms), "to", jtime(to_ms));
	rc = aud_record(db, who, "create", "approval_deputy", *id, NULL, after, e);
	json_decref(after);
	return rc;
}

int
appr_deputy_revoke(struct db *db, const struct actor *who, int64_t id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_deputy_revoke, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":me", who->id, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	assert(db_in_tx(db));
	db_finalize(&st);
	if (!rc && db_changes(db) == 0)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "代理设置不存在");
	return rc ? rc : aud_record(db, who, "revoke", "approval_deputy", id, NULL, NULL, e);
}

int
appr_deputy_list(struct db *db, struct arena *a, const struct actor *who,
		 struct appr_deputy **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 64;
	int rc;

	*n = 0;
	*items = arena_array(a, cap, sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_deputy_list, e) || db_bind_i64(&st, ":me", who->id, e) ||
	     db_bind_i64(&st, ":now", now_ms(), e) ? e->code : 0;
	while (!rc && *n < cap && (rc = db_step(&st, e)) == 1) {
		struct appr_deputy *d = &(*items)[(*n)++];
		d->id = db_col_i64(&st, 0);
		d->principal_id = db_col_i64(&st, 1);
		d->deputy_id = db_col_i64(&st, 2);
		d->from_ms = db_col_i64(&st, 3);
		d->to_ms = db_col_i64(&st, 4);
		d->created_at = db_col_i64(&st, 5);
		d->principal_name = db_col_text(&st, a, 6);
		d->deputy_name = db_col_text(&st, a, 7);
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* ---------- JSON ---------- */

static json_t *
user_ref(int64_t id, const char *name)
{
	return id ? json_pack("{sI ss}", "id", (json_int_t)id, "display_name", name ? name : "")
		  : json_null();
}

static json_t *
step_json(const struct appr_step *s)
{
	return json_pack("{si ss ss ss ss so so so ss* ss*}", "seq", s->seq, "name", s->name,
			 "role", s->role, "scope", appr_scope_codes[s->scope], "status",
			 appr_step_codes[s->status], "decided_by",
			 user_ref(s->decided_by, s->decided_by_name), "deputy_for",
			 user_ref(s->deputy_for, s->deputy_for_name), "decided_at",
			 jtime(s->decided_at), "comment", s->comment, "minutes_ref", s->minutes_ref);
}

json_t *
appr_json(const struct approval *ap)
{
	const struct appr_kind *k = appr_find_kind(ap->kind);
	const struct appr_step *cur = current_step(ap);
	json_t *steps = json_array(), *dept = ap->requester_dept_id ?
		json_pack("{sI ss}", "id", (json_int_t)ap->requester_dept_id, "name",
			  ap->requester_dept_name ? ap->requester_dept_name : "") : json_null();

	for (int i = 0; i < ap->nsteps; i++)
		json_array_append_new(steps, step_json(&ap->steps[i]));
	return json_pack("{sI ss ss ss so ss* ss s{sI ss so} so so so so so sb sb sb ss* so}",
			 "id", (json_int_t)ap->id, "kind", ap->kind, "kind_label",
			 k ? k->label : ap->kind, "title", ap->title, "amount_fen",
			 ap->amount_fen >= 0 ? json_integer(ap->amount_fen) : json_null(), "reason",
			 ap->reason, "status", appr_status_codes[ap->status], "requester", "id",
			 (json_int_t)ap->requester_id, "display_name",
			 ap->requester_name ? ap->requester_name : "", "department", dept,
			 "created_at", jtime(ap->created_at), "updated_at", jtime(ap->updated_at),
			 "decided_at", jtime(ap->decided_at), "current_step",
			 ap->current_seq ? json_integer(ap->current_seq) : json_null(), "steps", steps,
			 "can_decide", ap->can_decide, "can_withdraw", ap->can_withdraw,
			 "needs_minutes", cur && cur->scope == APPR_SCOPE_COMMITTEE, "entity",
			 ap->entity, "entity_id", jid_or_null(ap->entity_id));
}

json_t *
appr_rule_json(const struct appr_rule *r)
{
	json_t *steps = json_array();

	for (int i = 0; i < r->nsteps; i++)
		json_array_append_new(steps, json_pack("{ss ss ss}", "name", r->steps[i].name, "role",
						       r->steps[i].role, "scope",
						       appr_scope_codes[r->steps[i].scope]));
	return json_pack("{sI ss ss so so sI sb so so}", "id", (json_int_t)r->id, "kind", r->kind,
			 "name", r->name, "min_amount_fen",
			 r->min_amount_fen >= 0 ? json_integer(r->min_amount_fen) : json_null(),
			 "max_amount_fen",
			 r->max_amount_fen >= 0 ? json_integer(r->max_amount_fen) : json_null(),
			 "priority", (json_int_t)r->priority, "active", r->active, "steps", steps,
			 "updated_at", jtime(r->updated_at));
}
