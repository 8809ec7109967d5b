/*
** modules/supplies/purchases_flow.c: an order after its submission
** (purchases.h): the approval's outcome (commit at the final approval, in the
** decision's own transaction, so a stop line that has run out refuses the
** decision), the office's cancel and close (releasing what is left of the
** commitment), and the default approval rules by amount.
*/
#include "modules/supplies/purchases.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/budget.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

static const char sql_status[] =
	"UPDATE purchase_order SET status = :status, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND status = :from";

/* from -> to, or ERR_CONFLICT when another request changed it first. */
int
po_set_status(struct db *db, const struct actor *who, int64_t id, const char *from,
	      const char *to, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_status, e) || db_bind_text(&st, ":status", to, e) ||
		 db_bind_text(&st, ":from", from, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc && db_changes(db) != 1)
		return err_setx(e, ERR_CONFLICT, "wrong_status", NULL, "采购单状态已变化，请刷新");
	return rc;
}

/* The audit record of a change and the requester's notification (kind NULL: none). */
int
po_record(struct db *db, struct arena *a, const struct actor *who,
	  const struct purchase_order *before, const char *action, const char *kind,
	  const char *title, struct err *e)
{
	struct purchase_order after;

	if (po_row(db, a, who->agency_id, before->id, &after, e) ||
	    aud_record(db, who, action, "purchase_order", before->id, jarena(a, po_json(before)),
		       jarena(a, po_json(&after)), e))
		return e->code;
	if (kind && before->requester_id != who->id &&
	    notify_send(db, who, before->requester_id, kind, title, after.code, "purchase_order",
			before->id, e))
		return e->code;
	return notify_entity_changed(db, who->agency_id, 0, "purchase_order", before->id, e);
}

static int
decided(struct db *db, struct arena *a, const struct actor *who, const struct approval *ap,
	enum appr_status outcome, struct err *e)
{
	const int64_t id = ap->entity_id;
	struct budget_src src = { .module = "purchase_order", .id = id };
	struct budget_result r;
	struct purchase_order o;

	if (po_row(db, a, who->agency_id, id, &o, e))
		return e->code;
	if (outcome == APPR_APPROVED)
		return budget_commit(db, who, o.line_id, o.total_fen, &src, &r, e) ||
		       po_set_status(db, who, id, "pending", "approved", e) ||
		       po_record(db, a, who, &o, "approved", "supplies.purchase_approved",
				 "采购单已审批通过，可以采购", e) ? e->code : 0;
	if (outcome == APPR_REJECTED)
		return po_set_status(db, who, id, "pending", "rejected", e) ||
		       po_record(db, a, who, &o, "rejected", "supplies.purchase_rejected", "采购单已被退回",
				 e) ? e->code : 0;
	return po_set_status(db, who, id, "pending", "withdrawn", e) ||
	       po_record(db, a, who, &o, "withdraw", NULL, NULL, e) ? e->code : 0;
}

const struct appr_kind po_appr_kind = { "purchase_order", "采购", decided };

static int
office_only(const struct actor *who, struct err *e)
{
	if (!actor_has(who, ROLE_OFFICE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以办理采购");
	return 0;
}

/* What is left of the order's commitment, given back (nothing left: no row). */
static int
release_rest(struct db *db, const struct actor *who, const struct purchase_order *o,
	     struct err *e)
{
	struct budget_src src = { .module = "purchase_order", .id = o->id };
	struct budget_result r;
	int64_t rest = o->total_fen - o->received_fen;

	if (rest <= 0)
		return 0;
	return budget_release(db, who, o->line_id, rest, &src, &r, e);
}

int
po_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e)
{
	struct purchase_order o;

	assert(db_in_tx(db));
	if (office_only(who, e) || po_row(db, a, who->agency_id, id, &o, e))
		return e->code;
	if (strcmp(o.status, "pending") == 0)	/* settled as withdrawn by the hook, then cancelled */
		return appr_cancel(db, who, o.approval_id, e) ||
		       po_set_status(db, who, id, "withdrawn", "cancelled", e) ||
		       po_record(db, a, who, &o, "cancel", NULL, NULL, e) ? e->code : 0;
	if (strcmp(o.status, "approved") != 0)
		return err_setx(e, ERR_CONFLICT, "wrong_status", NULL,
				"只有审批中或已批准未入库的采购单可以取消");
	return release_rest(db, who, &o, e) ||
	       po_set_status(db, who, id, "approved", "cancelled", e) ||
	       po_record(db, a, who, &o, "cancel", NULL, NULL, e) ? e->code : 0;
}

int
po_close(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e)
{
	struct purchase_order o;

	assert(db_in_tx(db));
	if (office_only(who, e) || po_row(db, a, who->agency_id, id, &o, e))
		return e->code;
	if (strcmp(o.status, "received") != 0)
		return err_setx(e, ERR_CONFLICT, "wrong_status", NULL, "只有已验收入库的采购单可以关闭");
	return release_rest(db, who, &o, e) ||
	       po_set_status(db, who, id, "received", "closed", e) ||
	       po_record(db, a, who, &o, "close", NULL, NULL, e) ? e->code : 0;
}
