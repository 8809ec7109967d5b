/*
** modules/vehicles/flags.c: raising the supervisor's flags (flags.h): the
** insert, once per (agency, kind, dedupe), and the hooks the trip moves and the
** fuel-card import call inside their own transactions. The rules themselves are
** flags_rules.c's; reading and 核查 are flags_read.c's.
*/
#include "modules/vehicles/flags.h"
#include "modules/vehicles/seals.h"
#include "modules/vehicles/trips.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <string.h>

const char *const flag_kind_codes[] = { FLAG_LATE_RETURN, FLAG_OVER_DISTANCE, FLAG_ODOMETER_GAP,
					FLAG_OFF_DAY, FLAG_SEALED_MOVEMENT, FLAG_REFUEL_NO_TRIP,
					FLAG_REFUEL_OVER_TANK, NULL };

static const char sql_has[] =
	"SELECT id FROM trip_flag WHERE agency_id = :agency AND kind = :kind AND dedupe = :dedupe";
static const char sql_insert[] =
	"INSERT INTO trip_flag (agency_id, kind, dedupe, vehicle_id, driver_id, trip_id, cost_id,"
	" occurred_at, evidence, created_at) VALUES (:agency, :kind, :dedupe, :veh, :drv, :trip,"
	" :cost, :at, :ev, :now) RETURNING id";
/* the trip before this one that came back: what the odometer read then */
static const char sql_prev_trip[] =
	"SELECT code, return_at, return_km FROM vehicle_trip WHERE agency_id = :agency"
	" AND vehicle_id = :veh AND return_at IS NOT NULL AND id <> :id"
	" ORDER BY return_at DESC, id DESC LIMIT 1";
/* seals.h's overrides (table of migration 0034): the latest asked for the trip and vehicle */
static const char sql_override[] =
	"SELECT status FROM vehicle_seal_override WHERE trip_id = :trip AND vehicle_id = :veh"
	" ORDER BY created_at DESC LIMIT 1";
static const char sql_vehicle[] =
	"SELECT energy, COALESCE(tank_litres, 0) FROM vehicle WHERE id = :id AND agency_id = :agency";
/* a trip of the vehicle over [:from, :to): as driven when logged, else as planned */
static const char sql_trip_on_day[] =
	"SELECT id, COALESCE(driver_id, 0) FROM vehicle_trip WHERE agency_id = :agency"
	" AND vehicle_id = :veh AND status IN ('dispatched', 'on_trip', 'returned', 'closed')"
	" AND COALESCE(depart_at, start_at) < :to"
	" AND (CASE WHEN status = 'on_trip' THEN :to ELSE COALESCE(return_at, end_at) END) >= :from"
	" ORDER BY COALESCE(depart_at, start_at) LIMIT 1";

static int
find(struct db *db, int64_t agency, const struct flag_in *in, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_has, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_text(&st, ":kind", in->kind, e) ||
		 db_bind_text(&st, ":dedupe", in->dedupe, e) ? e->code : db_step(&st, e);

	*id = rc == 1 ? db_col_i64(&st, 0) : 0;
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
flag_raise(struct db *db, struct arena *a, int64_t agency, const struct flag_in *in,
	   int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int64_t have = 0;
	const char *ev;
	int rc;

	*id = 0;
	/* checked first, in the caller's transaction: the same on both backends */
	if (find(db, agency, in, &have, e) || have)
		return e->code;
	ev = jdump_api(a, in->evidence);
	if (!ev)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_insert, e) || db_bind_i64(&st, ":agency", agency, e) ||
	     db_bind_text(&st, ":kind", in->kind, e) || db_bind_text(&st, ":dedupe", in->dedupe, e) ||
	     db_bind_i64(&st, ":veh", in->vehicle_id, e) ||
	     db_bind_id_or_null(&st, ":drv", in->driver_id, e) ||
	     db_bind_id_or_null(&st, ":trip", in->trip_id, e) ||
	     db_bind_id_or_null(&st, ":cost", in->cost_id, e) ||
	     db_bind_i64(&st, ":at", in->occurred_at, e) || db_bind_text(&st, ":ev", ev, e) ||
	     db_bind_i64(&st, ":now", now_ms(), e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

/* Raise kind on trip t with evidence ev (stolen), keyed by the trip. */
static int
raise_trip(struct db *db, struct arena *a, int64_t agency, const struct trip *t, const char *kind,
	   int64_t driver, int64_t at, json_t *ev, struct err *e)
{
	struct flag_in in = { .kind = kind, .vehicle_id = t->vehicle_id, .driver_id = driver,
			      .trip_id = t->id, .occurred_at = at, .evidence = jarena(a, ev) };
	int64_t id;

	in.dedupe = arena_printf(a, "trip:%lld", (long long)t->id);
	if (!in.dedupe || !in.evidence)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return flag_raise(db, a, agency, &in, &id, e);
}

/* "approved", "pending", "rejected" or NULL (none asked) for trip and vehicle. */
static int
override_of(struct db *db, struct arena *a, int64_t trip, int64_t veh, const char **out,
	    struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_override, e) || db_bind_i64(&st, ":trip", trip, e) ||
		 db_bind_i64(&st, ":veh", veh, e) ? e->code : db_step(&st, e);

	*out = rc == 1 ? db_col_text(&st, a, 0) : NULL;
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* The seal over [from, to] of the vehicle, as evidence; *ev NULL when none. */
static int
seal_evidence(struct db *db, struct arena *a, int64_t agency, int64_t veh, int from, int to,
	      const char *what, json_t **ev, struct err *e)
{
	struct veh_seal s;
	int found = 0;

	*ev = NULL;
	if (seal_find(db, a, agency, veh, from, to, &s, &found, e) || !found)
		return e->code;
	*ev = json_pack("{ss sI so so ss}", "what", what, "seal_id", (json_int_t)s.id, "from",
			jdate(s.from_date), "to", jdate(s.to_date), "reason", s.reason ? s.reason : "");
	return *ev ? 0 : err_set(e, ERR_NOMEM, NULL, "out of memory");
}

/* sealed_movement of trip t over the days [from, to]: the override, if any, goes in evidence. */
static int
check_sealed_trip(struct db *db, struct arena *a, int64_t agency, const struct trip *t, int from,
		  int to, int64_t at, struct err *e)
{
	const char *ov = NULL;
	json_t *ev;

	if (seal_evidence(db, a, agency, t->vehicle_id, from, to, "trip", &ev, e) || !ev)
		return e->code;
	if (override_of(db, a, t->id, t->vehicle_id, &ov, e)) {
		json_decref(ev);
		return e->code;
	}
	json_object_set_new(ev, "override", jstr_or_null(ov));
	return raise_trip(db, a, agency, t, FLAG_SEALED_MOVEMENT, t->driver_id, at, ev, e);
}

static int
prev_trip(struct db *db, struct arena *a, int64_t agency, const struct trip *t, json_t *ev,
	  struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_prev_trip, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":veh", t->vehicle_id, e) ||
		 db_bind_i64(&st, ":id", t->id, e) ? e->code : db_step(&st, e);

	json_object_set_new(ev, "prev_trip_code", rc == 1 ? jstr_or_null(db_col_text(&st, a, 0))
						      : json_null());
	json_object_set_new(ev, "prev_return_at", rc == 1 ? jtime(db_col_i64(&st, 1)) : json_null());
	json_object_set_new(ev, "prev_return_km", rc == 1 ? json_integer(db_col_i64(&st, 2))
						      : json_null());
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/*
** Departure: km the odometer gained since the last reading the system has (the
** vehicle's, kept by every return and office edit); nobody logged them, so the
** flag names no driver. A departure on a sealed day.
*/
int
flag_on_depart(struct db *db, struct arena *a, const struct actor *who, const struct trip *t,
	       int64_t last_km, int64_t odometer_km, struct err *e)
{
	int64_t now = now_ms();
	int today = cal_local_date(now);

	if (flag_is_gap(last_km, odometer_km)) {
		json_t *ev = json_pack("{sI sI sI sI}", "last_km", (json_int_t)last_km, "depart_km",
				       (json_int_t)odometer_km, "gap_km",
				       (json_int_t)(odometer_km - last_km), "tolerance_km",
				       (json_int_t)FLAG_GAP_TOLERANCE_KM);

		if (!ev)
			return err_set(e, ERR_NOMEM, NULL, "out of memory");
		if (prev_trip(db, a, who->agency_id, t, ev, e)) {
			json_decref(ev);
			return e->code;
		}
		if (raise_trip(db, a, who->agency_id, t, FLAG_ODOMETER_GAP, 0, now, ev, e))
			return e->code;
	}
	return check_sealed_trip(db, a, who->agency_id, t, today, today, now, e);
}

static int
check_late(struct db *db, struct arena *a, int64_t agency, const struct trip *t, struct err *e)
{
	int64_t late = 0;

	if (!flag_is_late(t->end_at, t->return_at, &late))
		return 0;
	return raise_trip(db, a, agency, t, FLAG_LATE_RETURN, t->driver_id, t->return_at,
			  json_pack("{so so sI}", "end_at", jtime(t->end_at), "return_at",
				    jtime(t->return_at), "late_min", (json_int_t)late), e);
}

static int
check_distance(struct db *db, struct arena *a, int64_t agency, const struct trip *t,
	       struct err *e)
{
	int64_t driven = t->return_km - t->depart_km;

	if (!flag_is_over_distance(t->est_km, driven))
		return 0;
	return raise_trip(db, a, agency, t, FLAG_OVER_DISTANCE, t->driver_id, t->return_at,
			  json_pack("{sI sI sI sI}", "est_km", (json_int_t)t->est_km, "driven_km",
				    (json_int_t)driven, "depart_km", (json_int_t)t->depart_km,
				    "return_km", (json_int_t)t->return_km), e);
}

static int
check_off_day(struct db *db, struct arena *a, int64_t agency, const struct trip *t,
	      struct err *e)
{
	struct cal cal;
	int day;

	if (cal_load_agency(db, a, agency, &cal, e))
		return e->code;
	day = flag_off_day(&cal, t->start_at, t->end_at, t->depart_at, t->return_at);
	if (!day)
		return 0;
	return raise_trip(db, a, agency, t, FLAG_OFF_DAY, t->driver_id, t->depart_at,
			  json_pack("{so so so so so}", "day", jdate(day), "start_at",
				    jtime(t->start_at), "end_at", jtime(t->end_at), "depart_at",
				    jtime(t->depart_at), "return_at", jtime(t->return_at)), e);
}

/* Return: the trip as logged against what was approved. */
int
flag_on_return(struct db *db, struct arena *a, const struct actor *who, int64_t trip_id,
	       struct err *e)
{
	int64_t agency = who->agency_id;
	struct trip t;

	if (trip_row(db, a, agency, trip_id, &t, e))
		return e->code;
	if (!t.vehicle_id || !t.return_at)
		return 0;
	return check_late(db, a, agency, &t, e) || check_distance(db, a, agency, &t, e) ||
	       check_off_day(db, a, agency, &t, e) ||
	       check_sealed_trip(db, a, agency, &t, cal_local_date(t.depart_at),
				 cal_local_date(t.return_at), t.return_at, e) ? e->code : 0;
}

/* ---------- the fuel-card import ---------- */

struct refuel {
	int64_t agency, vehicle_id, cost_id, litres_x100, at, trip_id, driver_id;
	int date;
};

static int
raise_cost(struct db *db, struct arena *a, const struct refuel *r, const char *kind, json_t *ev,
	   struct err *e)
{
	struct flag_in in = { .kind = kind, .vehicle_id = r->vehicle_id, .driver_id = r->driver_id,
			      .trip_id = r->trip_id, .cost_id = r->cost_id, .occurred_at = r->at,
			      .evidence = jarena(a, ev) };
	int64_t id;

	in.dedupe = arena_printf(a, "cost:%lld", (long long)r->cost_id);
	if (!in.dedupe || !in.evidence)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	json_object_set_new(in.evidence, "date", jdate(r->date));
	json_object_set_new(in.evidence, "litres_x100", json_integer(r->litres_x100));
	return flag_raise(db, a, r->agency, &in, &id, e);
}

/* The trip of the vehicle on r->date, if any: r->trip_id and r->driver_id. */
static int
trip_that_day(struct db *db, struct refuel *r, struct err *e)
{
	int64_t from = date_to_days(r->date) * DAY_MS - SHANGHAI_OFFSET_MS;
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_trip_on_day, e) ||
		 db_bind_i64(&st, ":agency", r->agency, e) ||
		 db_bind_i64(&st, ":veh", r->vehicle_id, e) || db_bind_i64(&st, ":from", from, e) ||
		 db_bind_i64(&st, ":to", from + DAY_MS, e) ? e->code : db_step(&st, e);

	if (rc == 1) {
		r->trip_id = db_col_i64(&st, 0);
		r->driver_id = db_col_i64(&st, 1);
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static int
load_tank(struct db *db, struct arena *a, const struct refuel *r, const char **energy,
	  int64_t *tank, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_vehicle, e) || db_bind_i64(&st, ":id", r->vehicle_id, e) ||
		 db_bind_i64(&st, ":agency", r->agency, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		*energy = db_col_text(&st, a, 0);
		*tank = db_col_i64(&st, 1);
	}
	db_finalize(&st);
	return rc;
}

int
flag_check_refuel(struct db *db, struct arena *a, int64_t agency, int64_t vehicle_id, int date,
		  int64_t litres_x100, int64_t cost_id, struct err *e)
{
	struct refuel r = { .agency = agency, .vehicle_id = vehicle_id, .cost_id = cost_id,
			    .litres_x100 = litres_x100, .date = date };
	const char *energy = NULL;
	int64_t tank = 0;
	json_t *ev;

	/* a card row has a date, no time: the flag happened that (Shanghai) day */
	r.at = date_to_days(date) * DAY_MS - SHANGHAI_OFFSET_MS;
	if (trip_that_day(db, &r, e) || load_tank(db, a, &r, &energy, &tank, e))
		return e->code;
	if (!r.trip_id && raise_cost(db, a, &r, FLAG_REFUEL_NO_TRIP, json_object(), e))
		return e->code;
	if (flag_is_over_tank(energy, tank, litres_x100) &&
	    raise_cost(db, a, &r, FLAG_REFUEL_OVER_TANK,
		       json_pack("{sI}", "tank_litres", (json_int_t)tank), e))
		return e->code;
	if (seal_evidence(db, a, agency, vehicle_id, date, date, "refuel", &ev, e) || !ev)
		return e->code;
	return raise_cost(db, a, &r, FLAG_SEALED_MOVEMENT, ev, e);
}
