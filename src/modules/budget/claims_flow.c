/*
** modules/budget/claims_flow.c: a claim after its submission (claims.h): the
** approval's outcome (commit at the final approval, in the decision's own
** transaction, so a stop line that has run out refuses the decision), the
** requester's withdrawal, and finance's payment (spend, releasing the commit).
*/
#include "modules/budget/claims_int.h"
#include "modules/budget/budget.h"
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
#include <string.h>

static const char sql_needs[] =
	"SELECT line_id, SUM(amount_fen) FROM expense_claim_item WHERE claim_id = :id"
	" GROUP BY line_id ORDER BY line_id";
static const char sql_status[] =
	"UPDATE expense_claim SET status = :status, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND status = 'pending'";
static const char sql_paid[] =
	"UPDATE expense_claim SET status = 'paid', voucher_no = :voucher, paid_on = :on,"
	" paid_by = :by, paid_at = :now, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND status = 'approved'";

struct need {
	int64_t line_id, amount;
};

/* What the claim takes of each line (at most one row per item). */
static int
read_needs(struct db *db, int64_t id, struct need *out, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_needs, e) || db_bind_i64(&st, ":id", id, e) ? e->code : 0;

	*n = 0;
	while (!rc && (rc = db_step(&st, e)) == 1 && *n < CLAIM_ITEMS_MAX) {
		out[*n].line_id = db_col_i64(&st, 0);
		out[(*n)++].amount = db_col_i64(&st, 1);
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* commit (approved) or spend (paid) every line's part, source ("expense_claim", id). */
static int
book(struct db *db, const struct actor *who, int64_t id, const struct budget_src *src,
     int spend, struct err *e)
{
	struct need needs[CLAIM_ITEMS_MAX];
	struct budget_result r = { 0 };
	size_t n;

	if (read_needs(db, id, needs, &n, e))
		return e->code;
	for (size_t i = 0; i < n; i++)	/* a warn line's overdraft: the engine tells finance */
		if ((spend ? budget_spend : budget_commit)(db, who, needs[i].line_id, needs[i].amount,
							   src, &r, e))
			return e->code;
	return 0;
}

static int
set_status(struct db *db, const struct actor *who, int64_t id, const char *status,
	   struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_status, e) || db_bind_text(&st, ":status", status, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc && db_changes(db) != 1)
		return err_setx(e, ERR_CONFLICT, "not_pending", NULL, "报销单不在审批中");
	return rc;
}

/* The audit record of a change and the requester's notification (kind NULL: none). */
static int
record(struct db *db, struct arena *a, const struct actor *who, const struct claim *before,
       int64_t id, const char *action, const char *kind, const char *title, struct err *e)
{
	struct claim after;

	if (claim_row(db, a, who->agency_id, id, &after, e) ||
	    aud_record(db, who, action, "expense_claim", id, jarena(a, claim_json(before)),
		       jarena(a, claim_json(&after)), e))
		return e->code;
	if (!kind || before->requester_id == who->id)
		return notify_entity_changed(db, who->agency_id, 0, "expense_claim", id, e);
	return notify_send(db, who, before->requester_id, kind, title, after.title,
			   "expense_claim", id, e) ||
	       notify_entity_changed(db, who->agency_id, 0, "expense_claim", id, e) ? e->code : 0;
}

static int
decided(struct db *db, struct arena *a, const struct actor *who, const struct approval *ap,
	enum appr_status outcome, struct err *e)
{
	const int64_t id = ap->entity_id;
	struct budget_src src = { .module = "expense_claim", .id = id };
	struct claim c;

	if (claim_row(db, a, who->agency_id, id, &c, e))
		return e->code;
	if (outcome == APPR_APPROVED)
		return book(db, who, id, &src, 0, e) || set_status(db, who, id, "approved", e) ||
		       record(db, a, who, &c, id, "approved", "claim.approved",
			      "报销单已审批通过，等待财务支付", e) ? e->code : 0;
	if (outcome == APPR_REJECTED)
		return set_status(db, who, id, "rejected", e) ||
		       record(db, a, who, &c, id, "rejected", "claim.rejected", "报销单已被退回",
			      e) ? e->code : 0;
	return set_status(db, who, id, "withdrawn", e) ||
	       record(db, a, who, &c, id, "withdraw", NULL, NULL, e) ? e->code : 0;
}

const struct appr_kind claim_appr_kind = { "expense_claim", "报销", decided };

int
claim_withdraw(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	       struct claim *out, struct err *e)
{
	struct claim c;

	assert(db_in_tx(db));
	if (claim_get(db, a, who, id, &c, e))
		return e->code;
	if (c.requester_id != who->id)
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有报销人可以撤回");
	if (strcmp(c.status, "pending") != 0)
		return err_setx(e, ERR_CONFLICT, "not_pending", NULL, "报销单不在审批中");
	return appr_withdraw(db, who, c.approval_id, e) || claim_get(db, a, who, id, out, e)
		       ? e->code : 0;
}

/* The voucher (required) and the day paid (a real date, not after today; default today). */
static int
pay_input(const struct claim_pay_in *in, int *paid_on, struct err *e)
{
	int today = days_to_date((now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS);

	*paid_on = today;
	if (!in->voucher_no || !in->voucher_no[0])
		return err_setx(e, ERR_INVALID, "invalid", "voucher_no", "请填写凭证号");
	if (strlen(in->voucher_no) > CLAIM_VOUCHER_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "voucher_no", "凭证号过长");
	if (in->paid_on && cal_parse_date(in->paid_on, paid_on))
		return err_setx(e, ERR_INVALID, "invalid", "paid_on", "日期应为 YYYY-MM-DD");
	if (*paid_on > today)
		return err_setx(e, ERR_INVALID, "invalid", "paid_on", "支付日期不能晚于今天");
	return 0;
}

static int
pay_state(const struct claim *c, struct err *e)
{
	if (strcmp(c->status, "paid") == 0)
		return err_setx(e, ERR_CONFLICT, "already_paid", NULL, "报销单已支付");
	if (strcmp(c->status, "approved") != 0)
		return err_setx(e, ERR_CONFLICT, "not_approved", NULL, "报销单尚未审批通过，不能支付");
	return 0;
}

/* Mark it paid; a concurrent payment that got there first leaves no row to change. */
static int
mark_paid(struct db *db, const struct actor *who, int64_t id, const char *voucher,
	  int paid_on, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_paid, e) || db_bind_text(&st, ":voucher", voucher, e) ||
		 db_bind_i64(&st, ":on", paid_on, e) || db_bind_i64(&st, ":by", who->id, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc && db_changes(db) != 1)
		return err_setx(e, ERR_CONFLICT, "already_paid", NULL, "报销单已支付");
	return rc;
}

int
claim_pay(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	  const struct claim_pay_in *in, struct claim *out, struct err *e)
{
	struct budget_src src = { .module = "expense_claim", .id = id,
				  .voucher_no = in->voucher_no };
	struct claim c;
	int paid_on;

	assert(db_in_tx(db));
	if (!actor_has(who, ROLE_FINANCE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有财务人员可以支付报销单");
	if (pay_input(in, &paid_on, e) || claim_row(db, a, who->agency_id, id, &c, e) ||
	    pay_state(&c, e))
		return e->code;
	src.payee = c.requester_name;
	/* noon in Shanghai of the day paid: the month it counts in, whatever the time zone */
	src.occurred_at = date_to_days(paid_on) * DAY_MS + 12 * HOUR_MS - SHANGHAI_OFFSET_MS;
	if (mark_paid(db, who, id, in->voucher_no, paid_on, e) || book(db, who, id, &src, 1, e) ||
	    record(db, a, who, &c, id, "pay", "claim.paid", "报销款已支付", e))
		return e->code;
	return claim_row(db, a, who->agency_id, id, out, e);
}
