/*
** modules/vehicles/trips_flow.c: a trip after its request (trips.h): the
** transition table (who moves it from where to where), the approval's outcome,
** dispatch onto a vehicle and a driver through core/booking.h, the trip log
** (departure, return: the vehicle's odometer), rating and cancelling. Each
** move runs in the caller's write transaction with its audit record, so a
** failure anywhere (a booking conflict on the driver after the vehicle was
** booked) writes nothing.
*/
#include "modules/vehicles/trips.h"
#include "core/approval.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/booking.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

/* ---------- the transition table ---------- */

struct trip_rule {
	enum trip_action action;
	unsigned from;		/* bits of enum trip_status */
	enum trip_status to;
	unsigned parties;
};

#define B(s) (1u << (s))
static const struct trip_rule rules[] = {
	{ TRIP_A_APPROVE, B(TRIP_REQUESTED), TRIP_APPROVED, TRIP_P_SYSTEM },
	{ TRIP_A_REJECT, B(TRIP_REQUESTED), TRIP_REJECTED, TRIP_P_SYSTEM },
	/* from dispatched: a re-dispatch moves the bookings */
	{ TRIP_A_DISPATCH, B(TRIP_APPROVED) | B(TRIP_DISPATCHED), TRIP_DISPATCHED, TRIP_P_OFFICE },
	{ TRIP_A_DEPART, B(TRIP_DISPATCHED), TRIP_ON_TRIP, TRIP_P_DRIVER | TRIP_P_OFFICE },
	{ TRIP_A_RETURN, B(TRIP_ON_TRIP), TRIP_RETURNED, TRIP_P_DRIVER | TRIP_P_OFFICE },
	{ TRIP_A_RATE, B(TRIP_RETURNED), TRIP_CLOSED, TRIP_P_REQUESTER },
	/* a passenger's rating (once, trip_allowed) moves nothing, before or after the requester's */
	{ TRIP_A_RATE, B(TRIP_RETURNED), TRIP_RETURNED, TRIP_P_PASSENGER },
	{ TRIP_A_RATE, B(TRIP_CLOSED), TRIP_CLOSED, TRIP_P_PASSENGER },
	{ TRIP_A_CANCEL, B(TRIP_REQUESTED) | B(TRIP_APPROVED), TRIP_CANCELLED,
	  TRIP_P_REQUESTER | TRIP_P_OFFICE },
	/* once a car is assigned only the office, who dispatched it, calls it off */
	{ TRIP_A_CANCEL, B(TRIP_DISPATCHED), TRIP_CANCELLED, TRIP_P_OFFICE },
};
#undef B

static const char *const action_labels[] = { "审批", "驳回", "派车", "出车", "还车", "评价",
					     "取消" };

static int
status_of(const struct trip *t)
{
	for (int i = 0; trip_status_codes[i]; i++)
		if (strcmp(trip_status_codes[i], t->status) == 0)
			return i;
	return -1;
}

unsigned
trip_parties(const struct actor *who, const struct trip *t)
{
	unsigned p = 0;

	if (who->id && who->id == t->requester_id)
		p |= TRIP_P_REQUESTER;
	if (actor_has(who, ROLE_OFFICE))
		p |= TRIP_P_OFFICE;
	if (who->id && who->id == t->driver_id)
		p |= TRIP_P_DRIVER;
	if (t->me_passenger)
		p |= TRIP_P_PASSENGER;
	return p;
}

/* The rule of action from t's status, preferring one parties may take. */
static const struct trip_rule *
rule_find(enum trip_action action, int from, unsigned parties, int *any)
{
	const struct trip_rule *found = NULL;

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

int
trip_allowed(enum trip_action action, const struct trip *t, unsigned parties, struct err *e)
{
	int any;

	if (action == TRIP_A_RATE && t->me_rated)
		return err_setx(e, ERR_CONFLICT, "already_rated", NULL, "您已评价过这次用车");
	if (rule_find(action, status_of(t), parties, &any))
		return 0;
	if (!any)
		return err_setx(e, ERR_CONFLICT, "illegal_transition", NULL, "用车申请当前状态不能%s",
				action_labels[action]);
	return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "您不能%s这个用车申请",
			action_labels[action]);
}

void
trip_set_can(const struct actor *who, struct trip *t)
{
	unsigned p = trip_parties(who, t);
	int s = status_of(t), any;

	t->can.dispatch = !!rule_find(TRIP_A_DISPATCH, s, p, &any);
	t->can.depart = !!rule_find(TRIP_A_DEPART, s, p, &any);
	t->can.ret = !!rule_find(TRIP_A_RETURN, s, p, &any);
	t->can.cancel = !!rule_find(TRIP_A_CANCEL, s, p, &any);
	t->can.rate = !t->me_rated && rule_find(TRIP_A_RATE, s, p, &any);
}

/* ---------- the record of a move ---------- */

/* The audit record of a move (before: the row as it was) and its "changed" event. */
int
trip_record_x(struct db *db, struct arena *a, const struct actor *who, const struct trip *before,
	      const char *action, json_t *extra, struct err *e)
{
	json_t *after = NULL;
	struct trip t;
	int rc = trip_row(db, a, who->agency_id, before->id, &t, e);

	if (!rc) {
		after = jarena(a, trip_json(&t));
		if (!after || (extra && json_object_update(after, extra)))
			rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	json_decref(extra);
	if (rc || aud_record(db, who, action, "vehicle_trip", before->id,
			     jarena(a, trip_json(before)), after, e))
		return e->code;
	return notify_entity_changed(db, who->agency_id, 0, "vehicle_trip", before->id, e);
}

int
trip_record(struct db *db, struct arena *a, const struct actor *who, const struct trip *before,
       const char *action, struct err *e)
{
	return trip_record_x(db, a, who, before, action, NULL, e);
}

/* A notification about t to user (none to the actor themself). title: a constant (msg table). */
int
trip_tell(struct db *db, struct arena *a, const struct actor *who, int64_t user, const char *kind,
     const char *title, const struct trip *t, struct err *e)
{
	const char *body = arena_printf(a, "%s %s", t->code, t->destination);

	if (!user || user == who->id)
		return 0;
	if (!body)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return notify_send(db, who, user, kind, title, body, "vehicle_trip", t->id, e);
}

/* The office learns of an approved trip: it has a car to find. */
static int
tell_office(struct db *db, struct arena *a, const struct actor *who, const struct trip *t,
	    struct err *e)
{
	const char *body = arena_printf(a, "%s %s", t->code, t->destination);

	if (!body)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return notify_role(db, a, who, "office", "trip.to_dispatch", msg_plain("有待派车的用车申请"),
			   msg_plain(body), "vehicle_trip", t->id, e);
}

/* ---------- the approval's outcome ---------- */

static const char sql_decided[] =
	"UPDATE vehicle_trip SET status = :status, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND status = 'requested'";

static int
set_decided(struct db *db, const struct actor *who, int64_t id, const char *status,
	    struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_decided, e) || db_bind_text(&st, ":status", status, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static int
decided(struct db *db, struct arena *a, const struct actor *who, const struct approval *ap,
	enum appr_status outcome, struct err *e)
{
	const int64_t id = ap->entity_id;
	struct trip t;

	if (trip_row(db, a, who->agency_id, id, &t, e))
		return e->code;
	/* a withdrawal or cancel is trip_cancel's own doing: the trip is cancelled already */
	if (strcmp(t.status, "requested") != 0 || outcome == APPR_WITHDRAWN)
		return 0;
	if (outcome == APPR_APPROVED)
		return set_decided(db, who, id, "approved", e) ||
		       trip_record(db, a, who, &t, "approved", e) ||
		       trip_tell(db, a, who, t.requester_id, "trip.approved", "用车申请已批准，等待派车",
			    &t, e) || tell_office(db, a, who, &t, e) ? e->code : 0;
	return set_decided(db, who, id, "rejected", e) || trip_record(db, a, who, &t, "rejected", e) ||
	       trip_tell(db, a, who, t.requester_id, "trip.rejected", "用车申请未获批准", &t, e)
		       ? e->code : 0;
}

const struct appr_kind trip_appr_kind = { "vehicle_trip", "公务用车", decided };

/* ---------- loading a trip for a move ---------- */

/* Trip id of who's agency, if action may move it for who. */
int
trip_load(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	 enum trip_action action, struct trip *t, struct err *e)
{
	assert(db_in_tx(db));
	if (trip_row_for(db, a, who, id, t, e))
		return e->code;
	if (!trip_parties(who, t) && trip_visible(db, a, who, id, e))
		return e->code;
	return trip_allowed(action, t, trip_parties(who, t), e);
}

/* The row changed only if still in the status it was read in (a concurrent move: 409). */
static int
changed(struct db *db, struct err *e)
{
	if (db_changes(db) != 1)
		return err_setx(e, ERR_CONFLICT, "stale", NULL, "用车申请已被他人处理，请刷新");
	return 0;
}

/* ---------- cancel ---------- */

static const char sql_cancel[] =
	"UPDATE vehicle_trip SET status = 'cancelled', cancel_reason = :reason, updated_at = :now"
	" WHERE id = :id AND status = :from";

/*
** A pending approval: withdrawn when the requester cancels before any
** decision (their own act, audited as theirs); otherwise (the office cancels,
** or a step was decided) cancelled by the module, so it leaves the approvers'
** 待办 (appr_cancel).
*/
static int
end_approval(struct db *db, struct arena *a, const struct actor *who, const struct trip *t,
	     struct err *e)
{
	struct approval ap;

	if (strcmp(t->status, "requested") != 0 || !t->approval_id)
		return 0;
	if (who->id == t->requester_id) {
		if (appr_get(db, a, who, t->approval_id, &ap, e))
			return e->code;
		if (ap.can_withdraw)
			return appr_withdraw(db, who, t->approval_id, e);
	}
	return appr_cancel(db, who, t->approval_id, e);
}

int
trip_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    const char *reason, struct err *e)
{
	struct stmt st = { 0 };
	struct trip t;
	int rc;

	if (trip_load(db, a, who, id, TRIP_A_CANCEL, &t, e) ||
	    end_approval(db, a, who, &t, e) ||
	    booking_cancel_owner(db, who, "vehicle_trip", id, e))
		return e->code;
	rc = db_prepare(db, &st, sql_cancel, e) ||
	     db_bind_text(&st, ":reason", reason && reason[0] ? reason : NULL, e) ||
	     db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", id, e) ||
	     db_bind_text(&st, ":from", t.status, e) || db_step_done(&st, e) || changed(db, e)
		     ? e->code : 0;
	db_finalize(&st);
	if (rc || trip_record(db, a, who, &t, "cancel", e))
		return e->code;
	if (t.driver_id && trip_tell(db, a, who, t.driver_id, "trip.cancelled", "派给您的出车任务已取消",
				&t, e))
		return e->code;
	return trip_tell(db, a, who, t.requester_id, "trip.cancelled", "用车申请已取消", &t, e);
}
