/*
** modules/vehicles/seals_override.c: the leader's leave to dispatch one trip
** onto one sealed vehicle (seals.h). The office asks (approval kind
** vehicle_seal_override, its entity the trip, so the approver opens the trip);
** the outcome lands in vehicle_seal_override through on_decided, which tells
** the office user who asked. Dispatch then passes seal_check_dispatch.
*/
#include "modules/vehicles/seals.h"
#include "modules/vehicles/trips.h"
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
#include <string.h>

#define OVR_COLS                                                                         \
	"o.id, o.trip_id, o.vehicle_id, v.plate, o.approval_id, o.status, o.reason,"      \
	" o.requested_by, o.created_at"
#define OVR_FROM " FROM vehicle_seal_override o JOIN vehicle v ON v.id = o.vehicle_id"
static const char sql_of_trip[] =
	"SELECT " OVR_COLS OVR_FROM " WHERE o.agency_id = :agency AND o.trip_id = :trip"
	" ORDER BY o.id";
static const char sql_by_id[] =
	"SELECT " OVR_COLS OVR_FROM " WHERE o.agency_id = :agency AND o.id = :id";
static const char sql_by_approval[] =
	"SELECT " OVR_COLS OVR_FROM " WHERE o.agency_id = :agency AND o.approval_id = :id";
static const char sql_open[] =
	"SELECT COUNT(*) FROM vehicle_seal_override WHERE agency_id = :agency AND trip_id = :trip"
	" AND vehicle_id = :veh AND status = :status";
static const char sql_plate[] = "SELECT plate FROM vehicle WHERE id = :id AND agency_id = :agency";
static const char sql_insert[] =
	"INSERT INTO vehicle_seal_override (agency_id, trip_id, vehicle_id, approval_id, status,"
	" reason, requested_by, created_at) VALUES (:agency, :trip, :veh, :ap, 'pending', :reason,"
	" :who, :now) RETURNING id";
static const char sql_settle[] =
	"UPDATE vehicle_seal_override SET status = :status, decided_at = :now"
	" WHERE id = :id AND status = 'pending'";

static void
row_fill(struct stmt *st, struct arena *a, void *item)
{
	struct seal_override *o = item;

	memset(o, 0, sizeof(*o));
	o->id = db_col_i64(st, 0);
	o->trip_id = db_col_i64(st, 1);
	o->vehicle_id = db_col_i64(st, 2);
	o->plate = db_col_text(st, a, 3);
	o->approval_id = db_col_i64(st, 4);
	o->status = db_col_text(st, a, 5);
	o->reason = db_col_text(st, a, 6);
	o->requested_by = db_col_i64(st, 7);
	o->created_at = db_col_i64(st, 8);
}

/* Rows of sql with :agency and :key (the trip, the override or the approval id). */
static int
rows(struct db *db, struct arena *a, const char *sql, const char *name, int64_t agency,
     int64_t key, struct seal_override **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, name, key, e) ||
		 db_read_rows(&st, a, sizeof(**items), row_fill, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
seal_overrides_of(struct db *db, struct arena *a, int64_t agency, int64_t trip_id,
		  struct seal_override **items, size_t *n, struct err *e)
{
	return rows(db, a, sql_of_trip, ":trip", agency, trip_id, items, n, e);
}

static int
count_status(struct db *db, int64_t agency, int64_t trip_id, int64_t vehicle_id,
	     const char *status, int64_t *count, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_open, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":trip", trip_id, e) || db_bind_i64(&st, ":veh", vehicle_id, e) ||
		 db_bind_text(&st, ":status", status, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*count = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
seal_override_approved(struct db *db, int64_t agency, int64_t trip_id, int64_t vehicle_id,
		       int *yes, struct err *e)
{
	int64_t n = 0;

	*yes = 0;
	if (count_status(db, agency, trip_id, vehicle_id, "approved", &n, e))
		return e->code;
	*yes = n > 0;
	return 0;
}

/* An override's history: whoever sees its trip. */
int
seal_override_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		      struct err *e)
{
	struct seal_override *o;
	size_t n = 0;

	if (rows(db, a, sql_by_id, ":id", who->agency_id, id, &o, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "记录不存在");
	return trip_visible(db, a, who, o->trip_id, e);
}

/* ---------- asking ---------- */

static int
plate_of(struct db *db, struct arena *a, int64_t agency, int64_t id, const char **plate,
	 struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_plate, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*plate = db_col_text(&st, a, 0);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", "vehicle_id", "车辆不存在");
	return rc;
}

/* The vehicle is sealed over the trip, and holds no pending or approved override for it. */
static int
check_ask(struct db *db, struct arena *a, const struct actor *who, const struct trip *t,
	  int64_t vehicle_id, const char *plate, struct err *e)
{
	int64_t pending = 0, approved = 0;
	struct veh_seal s;
	int found = 0;

	if (seal_find(db, a, who->agency_id, vehicle_id, cal_local_date(t->start_at),
		      cal_local_date(t->end_at - 1), &s, &found, e) ||
	    count_status(db, who->agency_id, t->id, vehicle_id, "pending", &pending, e) ||
	    count_status(db, who->agency_id, t->id, vehicle_id, "approved", &approved, e))
		return e->code;
	if (!found)
		return err_setx(e, ERR_RULE, "not_sealed", "vehicle_id",
				"车辆 %s 在行程期间未封存，无需领导批准", plate);
	if (pending || approved)
		return err_setx(e, ERR_CONFLICT, "override_exists", "vehicle_id",
				pending ? "已申请领导批准，请等待审批结果"
					: "领导已批准该车辆用于本次行程，可直接派车");
	return 0;
}

static int
insert_override(struct db *db, const struct actor *who, int64_t trip_id, int64_t vehicle_id,
		int64_t approval_id, const char *reason, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":trip", trip_id, e) || db_bind_i64(&st, ":veh", vehicle_id, e) ||
		 db_bind_i64(&st, ":ap", approval_id, e) || db_bind_text(&st, ":reason", reason, e) ||
		 db_bind_i64(&st, ":who", who->id, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
one_override(struct db *db, struct arena *a, const char *sql, int64_t agency, int64_t key,
	     struct seal_override *out, struct err *e)
{
	struct seal_override *o;
	size_t n = 0;

	if (rows(db, a, sql, ":id", agency, key, &o, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "记录不存在");
	*out = o[0];
	return 0;
}

static json_t *
override_json(const struct seal_override *o)
{
	return json_pack("{sI sI sI ss sI ss ss}", "id", (json_int_t)o->id, "trip_id",
			 (json_int_t)o->trip_id, "vehicle_id", (json_int_t)o->vehicle_id, "plate",
			 o->plate ? o->plate : "", "approval_id", (json_int_t)o->approval_id,
			 "status", o->status, "reason", o->reason ? o->reason : "");
}

int
seal_override_ask(struct db *db, struct arena *a, const struct actor *who, int64_t trip_id,
		  int64_t vehicle_id, const char *reason, struct seal_override *out,
		  struct err *e)
{
	struct appr_submit s = { .kind = "vehicle_seal_override", .entity = "vehicle_trip",
				 .entity_id = trip_id, .amount_fen = -1, .reason = reason };
	const char *plate = NULL;
	int64_t ap = 0, id = 0;
	struct trip t;

	assert(db_in_tx(db));
	if (!reason || !reason[0])
		return err_setx(e, ERR_INVALID, "invalid", "reason", "请填写申请理由");
	/* asked by whoever may dispatch the trip now (the office; approved or dispatched) */
	if (trip_load(db, a, who, trip_id, TRIP_A_DISPATCH, &t, e) ||
	    plate_of(db, a, who->agency_id, vehicle_id, &plate, e) ||
	    check_ask(db, a, who, &t, vehicle_id, plate, e))
		return e->code;
	s.title = arena_printf(a, "封存车辆派车：%s %s（%s）", t.code, plate, t.destination);
	if (!s.title)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (appr_submit(db, who, &s, &ap, e) ||
	    insert_override(db, who, trip_id, vehicle_id, ap, reason, &id, e) ||
	    one_override(db, a, sql_by_id, who->agency_id, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "vehicle_seal_override", id, NULL,
			  jarena(a, override_json(out)), e);
}

json_t *
seal_overrides_json(const struct seal_override *items, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, override_json(&items[i]));
	return arr;
}

/* ---------- the outcome ---------- */

static int
tell(struct db *db, struct arena *a, const struct actor *who, const struct seal_override *o,
     enum appr_status outcome, struct err *e)
{
	struct trip t;
	const char *body;
	int yes = outcome == APPR_APPROVED;

	if (outcome == APPR_WITHDRAWN || o->requested_by == who->id)
		return 0;
	if (trip_row(db, a, who->agency_id, o->trip_id, &t, e))
		return e->code;
	body = arena_printf(a, "%s %s %s", t.code, o->plate, t.destination);
	if (!body)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return notify_send(db, who, o->requested_by,
			   yes ? "trip.seal_override_approved" : "trip.seal_override_rejected",
			   yes ? "领导已批准封存车辆派车" : "封存车辆派车未获批准", body,
			   "vehicle_trip", o->trip_id, e);
}

static int
decided(struct db *db, struct arena *a, const struct actor *who, const struct approval *ap,
	enum appr_status outcome, struct err *e)
{
	const int64_t approval_id = ap->id;
	const char *status = outcome == APPR_APPROVED ? "approved"
			     : outcome == APPR_WITHDRAWN ? "withdrawn" : "rejected";
	struct seal_override before, after;
	struct stmt st = { 0 };
	int rc;

	if (one_override(db, a, sql_by_approval, who->agency_id, approval_id, &before, e))
		return e->code;
	rc = db_prepare(db, &st, sql_settle, e) || db_bind_text(&st, ":status", status, e) ||
	     db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", before.id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc || one_override(db, a, sql_by_id, who->agency_id, before.id, &after, e) ||
	       aud_record(db, who, status, "vehicle_seal_override", before.id,
			  jarena(a, override_json(&before)), jarena(a, override_json(&after)), e) ||
	       notify_entity_changed(db, who->agency_id, 0, "vehicle_trip", before.trip_id, e) ||
	       tell(db, a, who, &after, outcome, e) ? e->code : 0;
}

const struct appr_kind seal_appr_kind = { "vehicle_seal_override", "封存车辆派车", decided };
