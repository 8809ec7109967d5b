/*
** modules/supplies/requisitions_flow.c: a requisition after its request
** (requisitions.h): the transition table, the approval's outcome, the issue
** through the stock ledger (in parts: a second issue tops up the first), the
** requester's receipt, withdrawal and the office's cancel. Each move runs in
** the caller's write transaction with its audit record, so an issue short of
** stock on its third line writes nothing of the first two.
*/
#include "modules/supplies/requisitions.h"
#include "modules/supplies/stock.h"
#include "core/approval.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

/* ---------- the transition table ---------- */

struct reqn_rule {
	enum reqn_action action;
	unsigned from;		/* bits of enum reqn_status */
	enum reqn_status to;
	unsigned parties;
};

#define B(s) (1u << (s))
static const struct reqn_rule rules[] = {
	{ REQ_A_APPROVE, B(REQ_PENDING), REQ_APPROVED, REQ_P_SYSTEM },
	{ REQ_A_REJECT, B(REQ_PENDING), REQ_REJECTED, REQ_P_SYSTEM },
	/* from issued: the rest of a partial issue */
	{ REQ_A_ISSUE, B(REQ_APPROVED) | B(REQ_ISSUED), REQ_ISSUED, REQ_P_OFFICE },
	{ REQ_A_RECEIVE, B(REQ_ISSUED), REQ_RECEIVED, REQ_P_REQUESTER },
	{ REQ_A_WITHDRAW, B(REQ_PENDING), REQ_WITHDRAWN, REQ_P_REQUESTER },
	/* once anything left the shelf it is not called off: the ledger has it */
	{ REQ_A_CANCEL, B(REQ_PENDING) | B(REQ_APPROVED), REQ_CANCELLED, REQ_P_OFFICE },
};
#undef B

static const char *const action_labels[] = { "审批", "驳回", "发放", "确认领取", "撤回", "取消" };

static int
status_of(const struct requisition *r)
{
	for (int i = 0; reqn_status_codes[i]; i++)
		if (strcmp(reqn_status_codes[i], r->status) == 0)
			return i;
	return -1;
}

unsigned
reqn_parties(const struct actor *who, const struct requisition *r)
{
	unsigned p = 0;

	if (who->id && who->id == r->requester_id)
		p |= REQ_P_REQUESTER;
	if (actor_has(who, ROLE_OFFICE))
		p |= REQ_P_OFFICE;
	return p;
}

static const struct reqn_rule *
rule_find(enum reqn_action action, int from, unsigned parties, int *any)
{
	const struct reqn_rule *found = NULL;

	*any = 0;
	for (size_t i = 0; from >= 0 && i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (rules[i].action != action || !(rules[i].from & (1u << from)))
			continue;
		*any = 1;
		if (rules[i].parties & parties)
			found = &rules[i];
	}
	return found;
}

static int
allowed(enum reqn_action action, const struct requisition *r, unsigned parties, struct err *e)
{
	int any;

	if (rule_find(action, status_of(r), parties, &any))
		return 0;
	if (!any)
		return err_setx(e, ERR_CONFLICT, "illegal_transition", NULL, "领用申请当前状态不能%s",
				action_labels[action]);
	return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "您不能%s这个领用申请",
			action_labels[action]);
}

void
reqn_set_can(const struct actor *who, struct requisition *r)
{
	unsigned p = reqn_parties(who, r);
	int s = status_of(r), any;

	r->can.issue = !!rule_find(REQ_A_ISSUE, s, p, &any) && !r->fully_issued;
	r->can.receive = !!rule_find(REQ_A_RECEIVE, s, p, &any);
	r->can.withdraw = !!rule_find(REQ_A_WITHDRAW, s, p, &any);
	r->can.cancel = !!rule_find(REQ_A_CANCEL, s, p, &any);
}

/* ---------- the record of a move ---------- */

int
reqn_record(struct db *db, struct arena *a, const struct actor *who,
	   const struct requisition *before, const char *action, struct err *e)
{
	struct requisition after;

	if (reqn_row(db, a, who->agency_id, before->id, &after, e) || reqn_lines(db, a, &after, e) ||
	    aud_record(db, who, action, "requisition", before->id,
		       jarena(a, reqn_detail_json(before)), jarena(a, reqn_detail_json(&after)), e))
		return e->code;
	return notify_entity_changed(db, who->agency_id, 0, "requisition", before->id, e);
}

/* A notification about r to user (none to the actor). title: a constant (msg table). */
int
reqn_tell(struct db *db, struct arena *a, const struct actor *who, int64_t user, const char *kind,
	 const char *title, const struct requisition *r, struct err *e)
{
	(void)a;
	if (!user || user == who->id)
		return 0;
	return notify_send(db, who, user, kind, title, r->code, "requisition", r->id, e);
}

/* Load id for action by who (404 outside who's scope, 403/409 from the table). */
static int
load(struct db *db, struct arena *a, const struct actor *who, int64_t id,
     enum reqn_action action, struct requisition *r, struct err *e)
{
	assert(db_in_tx(db));
	if (reqn_row(db, a, who->agency_id, id, r, e) || reqn_lines(db, a, r, e))
		return e->code;
	if (!reqn_parties(who, r) && reqn_visible(db, a, who, id, e))
		return e->code;
	return allowed(action, r, reqn_parties(who, r), e);
}

static int
changed(struct db *db, struct err *e)
{
	if (db_changes(db) != 1)
		return err_setx(e, ERR_CONFLICT, "stale", NULL, "领用申请已被他人处理，请刷新");
	return 0;
}

static const char sql_status[] =
	"UPDATE requisition SET status = :to, updated_at = :now WHERE id = :id AND status = :from";

static int
set_status(struct db *db, int64_t id, const char *from, const char *to, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_status, e) || db_bind_text(&st, ":to", to, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_text(&st, ":from", from, e) || db_step_done(&st, e) || changed(db, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* ---------- the approval's outcome ---------- */

static int
decided(struct db *db, struct arena *a, const struct actor *who, const struct approval *ap,
	enum appr_status outcome, struct err *e)
{
	const int64_t id = ap->entity_id;
	struct requisition r;

	if (reqn_row(db, a, who->agency_id, id, &r, e) || reqn_lines(db, a, &r, e))
		return e->code;
	/* a withdrawal or cancel is reqn_withdraw's / reqn_cancel's own doing */
	if (strcmp(r.status, "pending") != 0 || outcome == APPR_WITHDRAWN)
		return 0;
	if (outcome == APPR_REJECTED)
		return set_status(db, id, "pending", "rejected", e) ||
		       reqn_record(db, a, who, &r, "rejected", e) ||
		       reqn_tell(db, a, who, r.requester_id, "requisition.rejected", "领用申请未获批准",
				&r, e) ? e->code : 0;
	return set_status(db, id, "pending", "approved", e) ||
	       reqn_record(db, a, who, &r, "approved", e) ||
	       reqn_tell(db, a, who, r.requester_id, "requisition.approved", "领用申请已批准，等待发放",
			&r, e) ||
	       notify_role(db, a, who, "office", "requisition.to_issue", msg_plain("有待发放的领用申请"),
			   msg_text(a, "%s %s", r.code, r.department_name), "requisition", id, e)
		       ? e->code : 0;
}

const struct appr_kind reqn_appr_kind = { "requisition", "办公用品领用", decided };

/* ---------- issue ---------- */

/* Each line names one of r's items once, for at most what is left of it. */
static int
check_issue(const struct requisition *r, const struct reqn_line_in *lines, size_t n,
	    size_t *idx, struct err *e)
{
	if (!n || n > REQ_LINES_MAX)
		err_field(e, "lines", "请填写发放数量");
	for (size_t i = 0; i < n && i < REQ_LINES_MAX; i++) {
		idx[i] = r->nlines;
		for (size_t k = 0; k < r->nlines; k++)
			if (r->lines[k].item_id == lines[i].item_id)
				idx[i] = k;
		for (size_t k = 0; k < i; k++)
			if (lines[k].item_id == lines[i].item_id)
				idx[i] = r->nlines;
		if (idx[i] == r->nlines) {
			err_field(e, reqn_line_field(i, 0), "物品不在申请中或重复");
			continue;
		}
		if (lines[i].qty < 1 || lines[i].qty > r->lines[idx[i]].qty - r->lines[idx[i]].qty_issued)
			err_field(e, reqn_line_field(i, 1), "发放数量应为 1 至 %lld",
				  (long long)(r->lines[idx[i]].qty - r->lines[idx[i]].qty_issued));
	}
	return err_fields_done(e);
}

static const char sql_line_issued[] =
	"UPDATE requisition_line SET qty_issued = qty_issued + :qty"
	" WHERE id = :id AND qty_issued + :qty <= qty";
static const char sql_issued[] =
	"UPDATE requisition SET status = 'issued', issued_by = :who, issued_at = :at,"
	" updated_at = :now WHERE id = :id AND status = :from";

static int
issue_line(struct db *db, const struct actor *who, const struct requisition *r,
	   const struct reqn_line *l, int64_t qty, int64_t at, struct err *e)
{
	struct stock_move_in in = { .item_id = l->item_id, .reason = "issue", .qty = qty,
				    .source_module = "requisition", .source_id = r->id,
				    .department_id = r->department_id, .occurred_at = at };
	struct stock_move m;
	struct stmt st = { 0 };
	int rc = stock_out(db, who, &in, &m, e) || db_prepare(db, &st, sql_line_issued, e) ||
		 db_bind_i64(&st, ":qty", qty, e) || db_bind_i64(&st, ":id", l->id, e) ||
		 db_step_done(&st, e) || changed(db, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
reqn_issue(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	  const struct reqn_line_in *lines, size_t n, int64_t occurred_at, struct err *e)
{
	int64_t at = occurred_at ? occurred_at : now_ms();
	struct requisition r;
	struct stmt st = { 0 };
	size_t *idx = arena_array(a, n ? n : 1, sizeof(*idx));
	int rc;

	if (!idx)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (load(db, a, who, id, REQ_A_ISSUE, &r, e) || check_issue(&r, lines, n, idx, e))
		return e->code;
	for (size_t i = 0; i < n; i++)
		if (issue_line(db, who, &r, &r.lines[idx[i]], lines[i].qty, at, e))
			return e->code;
	rc = db_prepare(db, &st, sql_issued, e) || db_bind_i64(&st, ":who", who->id, e) ||
	     db_bind_i64(&st, ":at", at, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_i64(&st, ":id", id, e) || db_bind_text(&st, ":from", r.status, e) ||
	     db_step_done(&st, e) || changed(db, e) ? e->code : 0;
	db_finalize(&st);
	return rc || reqn_record(db, a, who, &r, "issue", e) ||
		       reqn_tell(db, a, who, r.requester_id, "requisition.issued",
				"领用物品已发放，请确认领取", &r, e) ? e->code : 0;
}

/* ---------- receive, withdraw, cancel ---------- */

static const char sql_received[] =
	"UPDATE requisition SET status = 'received', received_at = :now, updated_at = :now"
	" WHERE id = :id AND status = 'issued'";

int
reqn_receive(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e)
{
	struct requisition r;
	struct stmt st = { 0 };
	int rc;

	if (load(db, a, who, id, REQ_A_RECEIVE, &r, e))
		return e->code;
	rc = db_prepare(db, &st, sql_received, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_i64(&st, ":id", id, e) || db_step_done(&st, e) || changed(db, e) ? e->code : 0;
	db_finalize(&st);
	return rc || reqn_record(db, a, who, &r, "receive", e) ? e->code : 0;
}

int
reqn_withdraw(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e)
{
	struct requisition r;

	if (load(db, a, who, id, REQ_A_WITHDRAW, &r, e) ||
	    (r.approval_id && appr_withdraw(db, who, r.approval_id, e)) ||
	    set_status(db, id, "pending", "withdrawn", e))
		return e->code;
	return reqn_record(db, a, who, &r, "withdraw", e);
}

static const char sql_cancel[] =
	"UPDATE requisition SET status = 'cancelled', cancel_reason = :reason, updated_at = :now"
	" WHERE id = :id AND status = :from";

/* The office calls it off before anything was issued; a pending approval leaves the 待办. */
int
reqn_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	   const char *reason, struct err *e)
{
	struct requisition r;
	struct stmt st = { 0 };
	int rc;

	if (load(db, a, who, id, REQ_A_CANCEL, &r, e) ||
	    (!strcmp(r.status, "pending") && r.approval_id &&
	     appr_cancel(db, who, r.approval_id, e)))
		return e->code;
	rc = db_prepare(db, &st, sql_cancel, e) ||
	     db_bind_text(&st, ":reason", reason && reason[0] ? reason : NULL, e) ||
	     db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", id, e) ||
	     db_bind_text(&st, ":from", r.status, e) || db_step_done(&st, e) || changed(db, e)
		     ? e->code : 0;
	db_finalize(&st);
	if (rc || reqn_record(db, a, who, &r, "cancel", e))
		return e->code;
	return reqn_tell(db, a, who, r.requester_id, "requisition.cancelled", "领用申请已被办公室取消",
			&r, e);
}
