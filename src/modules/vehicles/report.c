/*
** modules/vehicles/report.c: the monthly report, the calendar of bookings and
** the public trip list 公示 (report.h). Reads trips, bookings (core/booking.h),
** costs (costs.h, table vehicle_cost) and flags (flags.h, table trip_flag).
** A trip counts in the month its departure falls in, once returned or closed;
** its km are the logged return reading less the departure reading; its
** ratings (the requester's and the passengers') count with it.
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

/* trips that count: logged both ways, departed in [:from, :to) */
#define TRIPS_DONE                                                                          \
	" FROM vehicle_trip WHERE agency_id = :agency AND status IN ('returned', 'closed')" \
	" AND depart_at >= :from AND depart_at < :to"

/* Each confirmed booking clipped to the month; derived tables keep it one pass per source. */
static const char sql_vehicles[] =
	"SELECT v.id, v.plate, d.name, v.status, COALESCE(tr.n, 0), COALESCE(tr.km, 0),"
	" COALESCE(co.fen, 0), COALESCE(bk.ms, 0)"
	" FROM vehicle v LEFT JOIN department d ON d.id = v.department_id"
	" LEFT JOIN (SELECT vehicle_id, COUNT(*) AS n, SUM(return_km - depart_km) AS km" TRIPS_DONE
	"  GROUP BY vehicle_id) tr ON tr.vehicle_id = v.id"
	" LEFT JOIN (SELECT vehicle_id, SUM(amount_fen) AS fen FROM vehicle_cost"
	"  WHERE agency_id = :agency AND occurred_on >= :d0 AND occurred_on < :d1"
	"  GROUP BY vehicle_id) co ON co.vehicle_id = v.id"
	" LEFT JOIN (SELECT res_id, SUM(CASE WHEN end_ms < :to THEN end_ms ELSE :to END"
	"  - CASE WHEN start_ms > :from THEN start_ms ELSE :from END) AS ms FROM booking"
	"  WHERE agency_id = :agency AND res_kind = 'vehicle' AND status = 'confirmed'"
	"  AND start_ms < :to AND end_ms > :from GROUP BY res_id) bk ON bk.res_id = v.id"
	" WHERE v.agency_id = :agency ORDER BY v.plate, v.id";
/*
** A driver's ratings: every rating (trip_rating: the requester's and each
** passenger's) of the trips that count for them in the month, whenever given;
** rating_avg is their mean.
*/
static const char sql_drivers[] =
	"SELECT p.user_id, u.display_name, COALESCE(tr.n, 0), COALESCE(tr.km, 0),"
	" COALESCE(ra.n, 0), COALESCE(ra.rsum, 0), COALESCE(fl.n, 0)"
	" FROM driver_profile p JOIN app_user u ON u.id = p.user_id"
	" LEFT JOIN (SELECT driver_id, COUNT(*) AS n, SUM(return_km - depart_km) AS km" TRIPS_DONE
	"  GROUP BY driver_id) tr ON tr.driver_id = p.user_id"
	" LEFT JOIN (SELECT t.driver_id, COUNT(*) AS n, SUM(r.rating) AS rsum FROM trip_rating r"
	"  JOIN vehicle_trip t ON t.id = r.trip_id WHERE t.agency_id = :agency"
	"  AND t.status IN ('returned', 'closed') AND t.depart_at >= :from AND t.depart_at < :to"
	"  GROUP BY t.driver_id) ra ON ra.driver_id = p.user_id"
	" LEFT JOIN (SELECT driver_id, COUNT(*) AS n FROM trip_flag WHERE agency_id = :agency"
	"  AND occurred_at >= :from AND occurred_at < :to GROUP BY driver_id) fl"
	"  ON fl.driver_id = p.user_id"
	" WHERE p.agency_id = :agency ORDER BY u.display_name, p.user_id";

int
vrep_parse_month(const char *s, const char *field, int *month, struct err *e)
{
	char day[16];
	int date;

	if (!s || strlen(s) != 7)
		return err_setx(e, ERR_INVALID, "invalid", field, "月份格式应为 YYYY-MM");
	memcpy(day, s, 7);
	memcpy(day + 7, "-01", 4);
	if (cal_parse_date(day, &date))
		return err_setx(e, ERR_INVALID, "invalid", field, "月份格式应为 YYYY-MM");
	*month = date / 100;
	return 0;
}

/* yyyymm -> yyyymm01 of the month after */
static int
next_month_day(int month)
{
	return month % 100 == 12 ? (month / 100 + 1) * 10000 + 101 : (month + 1) * 100 + 1;
}

void
vrep_month_window(int month, int64_t *from, int64_t *to)
{
	*from = date_to_days(month * 100 + 1) * DAY_MS - SHANGHAI_OFFSET_MS;
	*to = date_to_days(next_month_day(month)) * DAY_MS - SHANGHAI_OFFSET_MS;
}

static int
bind_month(struct stmt *st, int64_t agency, int month, struct err *e)
{
	int64_t from, to;

	vrep_month_window(month, &from, &to);
	return db_bind_i64(st, ":agency", agency, e) || db_bind_i64(st, ":from", from, e) ||
	       db_bind_i64(st, ":to", to, e) ? e->code : 0;
}

static void
vehicle_row(struct stmt *st, struct arena *a, struct vrep_vehicle *v)
{
	v->vehicle_id = db_col_i64(st, 0);
	v->plate = db_col_text(st, a, 1);
	v->department_name = db_col_text(st, a, 2);
	v->trips = db_col_i64(st, 4);
	v->km = db_col_i64(st, 5);
	v->cost_fen = db_col_i64(st, 6);
	v->booked_ms = db_col_i64(st, 7);
}

/* A retired vehicle shows only when it did something in the month. */
static int
vehicle_shown(struct stmt *st)
{
	const char *status = db_col_peek(st, 3, NULL);

	return !status || strcmp(status, "retired") != 0 || db_col_i64(st, 4) ||
	       db_col_i64(st, 6) || db_col_i64(st, 7);
}

static int
read_vehicles(struct db *db, struct arena *a, int64_t agency, struct vrep *r, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 0;
	struct vrep_vehicle *v = NULL;
	int rc = db_prepare(db, &st, sql_vehicles, e) || bind_month(&st, agency, r->month, e) ||
		 db_bind_i64(&st, ":d0", r->month * 100 + 1, e) ||
		 db_bind_i64(&st, ":d1", next_month_day(r->month), e) ? e->code : 0;

	r->nvehicles = 0;
	while (!rc && (rc = db_step(&st, e)) == 1) {
		rc = 0;
		if (!vehicle_shown(&st))
			continue;
		v = arena_grow(a, v, r->nvehicles, &cap, sizeof(*v));
		if (!v)
			rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
		else
			vehicle_row(&st, a, &v[r->nvehicles++]);
	}
	db_finalize(&st);
	r->vehicles = v;
	return rc < 0 ? rc : 0;
}

static void
driver_row(struct stmt *st, struct arena *a, void *item)
{
	struct vrep_driver *x = item;

	x->driver_id = db_col_i64(st, 0);
	x->name = db_col_text(st, a, 1);
	x->trips = db_col_i64(st, 2);
	x->km = db_col_i64(st, 3);
	x->ratings = db_col_i64(st, 4);
	x->rating_sum = db_col_i64(st, 5);
	x->flags = db_col_i64(st, 6);
}

static int
read_drivers(struct db *db, struct arena *a, int64_t agency, struct vrep *r, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_drivers, e) || bind_month(&st, agency, r->month, e) ||
		 db_read_rows(&st, a, sizeof(*r->drivers), driver_row, (void **)&r->drivers,
			      &r->ndrivers, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* Workdays of the month by the agency's calendar (holidays and 调休 included). */
static int
count_workdays(struct db *db, struct arena *a, int64_t agency, int month, int *n,
	       struct err *e)
{
	int64_t d0 = date_to_days(month * 100 + 1), d1 = date_to_days(next_month_day(month));
	struct cal cal;

	if (cal_load_agency(db, a, agency, &cal, e))
		return e->code;
	*n = 0;
	for (int64_t d = d0; d < d1; d++)
		*n += cal_is_workday(&cal, days_to_date(d));
	return 0;
}

int
vrep_month(struct db *db, struct arena *a, const struct actor *who, int month,
	   struct vrep *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	out->month = month;
	return count_workdays(db, a, who->agency_id, month, &out->workdays, e) ||
	       read_vehicles(db, a, who->agency_id, out, e) ||
	       read_drivers(db, a, who->agency_id, out, e) ? e->code : 0;
}

/* n / d to one decimal, rounded half up (n, d >= 0, d > 0). */
static json_t *
one_decimal(int64_t n, int64_t d)
{
	return json_real((double)((n * 10 + d / 2) / d) / 10.0);
}

static json_t *
vehicle_json(const struct vrep_vehicle *v, int64_t working_ms)
{
	return json_pack("{sI ss so sI sI sI so so so}", "vehicle_id", (json_int_t)v->vehicle_id,
			 "plate", v->plate ? v->plate : "", "department_name",
			 jstr_or_null(v->department_name), "trips", (json_int_t)v->trips, "km",
			 (json_int_t)v->km, "cost_fen", (json_int_t)v->cost_fen, "cost_per_km_fen",
			 v->km > 0 ? json_integer((v->cost_fen + v->km / 2) / v->km) : json_null(),
			 "booked_hours", one_decimal(v->booked_ms, HOUR_MS), "utilisation_pct",
			 working_ms > 0 ? one_decimal(v->booked_ms * 100, working_ms) : json_null());
}

static json_t *
driver_json(const struct vrep_driver *d)
{
	return json_pack("{sI ss sI sI sI so sI}", "driver_id", (json_int_t)d->driver_id, "name",
			 d->name ? d->name : "", "trips", (json_int_t)d->trips, "km",
			 (json_int_t)d->km, "ratings", (json_int_t)d->ratings, "rating_avg",
			 d->ratings ? one_decimal(d->rating_sum, d->ratings) : json_null(), "flags",
			 (json_int_t)d->flags);
}

json_t *
vrep_json(const struct vrep *r)
{
	int64_t hours = (int64_t)r->workdays * VEH_WORKDAY_HOURS, trips = 0, km = 0, fen = 0;
	json_t *vs = json_array(), *ds = json_array();
	char month[16];

	for (size_t i = 0; vs && i < r->nvehicles; i++) {
		json_array_append_new(vs, vehicle_json(&r->vehicles[i], hours * HOUR_MS));
		trips += r->vehicles[i].trips;
		km += r->vehicles[i].km;
		fen += r->vehicles[i].cost_fen;
	}
	for (size_t i = 0; ds && i < r->ndrivers; i++)
		json_array_append_new(ds, driver_json(&r->drivers[i]));
	cal_format_date(r->month * 100 + 1, month, sizeof(month));
	month[7] = '\0';
	return json_pack("{ss si sI so so s{sI sI sI}}", "month", month, "workdays", r->workdays,
			 "working_hours", (json_int_t)hours, "vehicles", vs, "drivers", ds,
			 "totals", "trips", (json_int_t)trips, "km", (json_int_t)km, "cost_fen",
			 (json_int_t)fen);
}
