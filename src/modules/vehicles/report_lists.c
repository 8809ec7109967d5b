/*
** modules/vehicles/report_lists.c: the calendar of bookings per vehicle and
** the public monthly trip list 公示 (report.h). The calendar shows the live
** bookings (confirmed, or holds not yet lapsed) of every vehicle in service;
** 公示 shows what a trip was for and cost, never who asked or drove it.
*/
#include "modules/vehicles/report.h"
#include "modules/vehicles/trips.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <string.h>

#define UNASSIGNED_MAX 200	/* a month of approved trips waiting fits many times */

static const char sql_lanes[] =
	"SELECT id, plate, seats, status FROM vehicle WHERE agency_id = :agency"
	" AND status <> 'retired' ORDER BY plate, id";
/* a booking's trip status when it is a trip's (what the block shows), else its own */
static const char sql_bookings[] =
	"SELECT b.id, b.res_id, b.start_ms, b.end_ms, COALESCE(t.status, b.status),"
	" COALESCE(t.id, 0), t.code, d.name, t.destination FROM booking b"
	" LEFT JOIN vehicle_trip t ON b.owner_module = 'vehicle_trip' AND t.id = b.owner_id"
	" AND t.agency_id = b.agency_id LEFT JOIN department d ON d.id = t.department_id"
	" WHERE b.agency_id = :agency AND b.res_kind = 'vehicle'"
	" AND (b.status = 'confirmed' OR (b.status = 'hold' AND b.hold_until > :now))"
	" AND b.start_ms < :to AND b.end_ms > :from ORDER BY b.res_id, b.start_ms, b.id";
#define PUBLIC_WHERE                                                                          \
	" WHERE t.agency_id = :agency AND t.status IN ('returned', 'closed')"                \
	" AND t.depart_at >= :from AND t.depart_at < :to"
static const char sql_public[] =
	"SELECT t.depart_at, d.name, t.purpose, t.destination, t.return_km - t.depart_km,"
	" (SELECT COALESCE(SUM(c.amount_fen), 0) FROM vehicle_cost c"
	"  WHERE c.agency_id = :agency AND c.trip_id = t.id)"
	" FROM vehicle_trip t JOIN department d ON d.id = t.department_id" PUBLIC_WHERE
	" ORDER BY t.depart_at, t.id LIMIT :limit OFFSET :offset";
static const char sql_public_count[] = "SELECT COUNT(*) FROM vehicle_trip t" PUBLIC_WHERE;

static int
bind_window(struct stmt *st, int64_t agency, int64_t from, int64_t to, struct err *e)
{
	return db_bind_i64(st, ":agency", agency, e) || db_bind_i64(st, ":from", from, e) ||
	       db_bind_i64(st, ":to", to, e) ? e->code : 0;
}

/* vehicles: [{id, plate, seats, status, bookings: []}] */
static int
read_lanes(struct db *db, struct arena *a, int64_t agency, json_t *lanes, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_lanes, e) || db_bind_i64(&st, ":agency", agency, e)
			 ? e->code : 0;

	while (!rc && (rc = db_step(&st, e)) == 1)
		rc = json_array_append_new(lanes, json_pack("{sI ss sI ss s[]}", "id",
							    (json_int_t)db_col_i64(&st, 0), "plate",
							    db_col_text(&st, a, 1), "seats",
							    (json_int_t)db_col_i64(&st, 2), "status",
							    db_col_text(&st, a, 3), "bookings"))
			     ? err_set(e, ERR_NOMEM, NULL, "out of memory") : 0;
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* The lane of vehicle id (lanes are few: a linear look is enough). */
static json_t *
lane_of(json_t *lanes, int64_t id)
{
	size_t i;
	json_t *l;

	json_array_foreach(lanes, i, l)
		if (json_integer_value(json_object_get(l, "id")) == id)
			return json_object_get(l, "bookings");
	return NULL;
}

static json_t *
booking_json(struct stmt *st, struct arena *a)
{
	int64_t trip = db_col_i64(st, 5);

	return json_pack("{sI so so ss so so so so}", "id", (json_int_t)db_col_i64(st, 0),
			 "start_at", jtime(db_col_i64(st, 2)), "end_at", jtime(db_col_i64(st, 3)),
			 "status", db_col_text(st, a, 4), "trip_id", jid_or_null(trip),
			 "trip_code", jstr_or_null(db_col_text(st, a, 6)), "department_name",
			 jstr_or_null(db_col_text(st, a, 7)), "destination",
			 jstr_or_null(db_col_text(st, a, 8)));
}

static int
read_bookings(struct db *db, struct arena *a, int64_t agency, int64_t from, int64_t to,
	      json_t *lanes, struct err *e)
{
	struct stmt st = { 0 };
	json_t *lane;
	int rc = db_prepare(db, &st, sql_bookings, e) || bind_window(&st, agency, from, to, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) ? e->code : 0;

	while (!rc && (rc = db_step(&st, e)) == 1) {
		lane = lane_of(lanes, db_col_i64(&st, 1));	/* none: a retired vehicle's */
		rc = lane && json_array_append_new(lane, booking_json(&st, a))
			     ? err_set(e, ERR_NOMEM, NULL, "out of memory") : 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* Approved trips starting in the window: the office dispatches them from the calendar. */
static int
read_unassigned(struct db *db, struct arena *a, const struct actor *who, int64_t from,
		int64_t to, json_t *arr, struct err *e)
{
	struct trip_filter f = { .status = "approved", .from = from, .to = to,
				 .limit = UNASSIGNED_MAX };
	struct trip *items;
	int64_t total;
	size_t n = 0;

	if (trip_list(db, a, who, &f, &items, &n, &total, e))
		return e->code;
	for (size_t i = n; i > 0; i--)	/* trip_list is newest first: earliest first here */
		json_array_append_new(arr, trip_json(&items[i - 1]));
	return 0;
}

int
vrep_calendar(struct db *db, struct arena *a, const struct actor *who, int64_t from,
	      int64_t to, json_t **out, struct err *e)
{
	json_t *lanes = jarena(a, json_array()), *un = jarena(a, json_array());

	if (!lanes || !un)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (read_lanes(db, a, who->agency_id, lanes, e) ||
	    read_bookings(db, a, who->agency_id, from, to, lanes, e) ||
	    read_unassigned(db, a, who, from, to, un, e))
		return e->code;
	*out = json_pack("{sO sO so so}", "vehicles", lanes, "unassigned", un, "from",
			 jtime(from), "to", jtime(to));
	return *out ? 0 : err_set(e, ERR_NOMEM, NULL, "out of memory");
}

static json_t *
public_json(struct stmt *st, struct arena *a)
{
	return json_pack("{so ss ss ss sI sI}", "date", jdate(cal_local_date(db_col_i64(st, 0))),
			 "department_name", db_col_text(st, a, 1), "purpose", db_col_text(st, a, 2),
			 "destination", db_col_text(st, a, 3), "km", (json_int_t)db_col_i64(st, 4),
			 "cost_fen", (json_int_t)db_col_i64(st, 5));
}

static int
public_count(struct db *db, int64_t agency, int64_t from, int64_t to, int64_t *total,
	     struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_public_count, e) || bind_window(&st, agency, from, to, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
vrep_public(struct db *db, struct arena *a, const struct actor *who, int month,
	    int64_t limit, int64_t offset, json_t **items, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int64_t from, to;
	json_t *arr = jarena(a, json_array());
	int rc;

	if (!arr)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	vrep_month_window(month, &from, &to);
	rc = public_count(db, who->agency_id, from, to, total, e) ||
	     db_prepare(db, &st, sql_public, e) || bind_window(&st, who->agency_id, from, to, e) ||
	     db_bind_i64(&st, ":limit", limit, e) || db_bind_i64(&st, ":offset", offset, e)
		     ? e->code : 0;
	while (!rc && (rc = db_step(&st, e)) == 1)
		rc = json_array_append_new(arr, public_json(&st, a))
			     ? err_set(e, ERR_NOMEM, NULL, "out of memory") : 0;
	db_finalize(&st);
	if (rc < 0)
		return rc;
	*items = json_incref(arr);
	return 0;
}
