/*
** modules/vehicles/seals_demo.c: the demo's 节假日封存 (seals.h): the office
** seals every pool vehicle over the 2026 国庆 holiday (2026-10-01 .. 10-08),
** and one urgent trip of 10-03 goes out on a sealed vehicle with a leader's
** leave: requested, approved (a holiday: the department head and a leader),
** the override asked and approved, dispatched, driven and returned. Played
** with the clock moved back (clock_advance), like trips_demo.c. Idempotent:
** a second call (the trips' demo may make one) finds the seal and does nothing.
*/
#include "modules/vehicles/seals.h"
#include "modules/vehicles/trips.h"
#include "core/approval.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/org/org.h"

#include <string.h>

#define HOLIDAY_FROM 20261001
#define HOLIDAY_TO 20261008
#define URGENT_DAY 20261003
#define URGENT_PLATE "京A·D6789"

static const char sql_done[] =
	"SELECT COUNT(*) FROM vehicle_seal WHERE agency_id = :agency AND from_date = :from"
	" AND to_date = :to";
static const char sql_pool[] =
	"SELECT id FROM vehicle WHERE agency_id = :agency AND department_id IS NULL"
	" AND status <> 'retired' ORDER BY id";
/* the urgent trip's car: the 普拉多, else the last pool car that may go out */
static const char sql_car[] =
	"SELECT id, odometer_km FROM vehicle WHERE agency_id = :agency AND department_id IS NULL"
	" AND status = 'available' ORDER BY CASE WHEN plate = :plate THEN 0 ELSE 1 END, id DESC"
	" LIMIT 1";

struct sdemo {
	struct db *db;
	struct arena *a;
	struct actor office, leader, staff, head, driver;
};

/* Epoch ms of yyyymmdd + days at minute m (Shanghai). */
static int64_t
at_of(int date, int days, int m)
{
	return (date_to_days(date) + days) * DAY_MS + (int64_t)m * MINUTE_MS - SHANGHAI_OFFSET_MS;
}

static void
clock_to(int64_t at)
{
	clock_advance(at - now_ms());
}

static int
count(struct db *db, int64_t agency, int64_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_done, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":from", HOLIDAY_FROM, e) || db_bind_i64(&st, ":to", HOLIDAY_TO, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*n = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
pool_ids(struct sdemo *d, int64_t **ids, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(d->db, &st, sql_pool, e) ||
		 db_bind_i64(&st, ":agency", d->office.agency_id, e) ||
		 db_read_rows(&st, d->a, sizeof(**ids), db_row_i64, (void **)ids, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static int
seal_pool(struct sdemo *d, struct err *e)
{
	struct seal_in in = { .from = "2026-10-01", .to = "2026-10-08",
			      .reason = "国庆节假日公务用车封存" };
	struct veh_seal *made;
	int64_t *ids;
	size_t n = 0;

	if (pool_ids(d, &ids, &n, e))
		return e->code;
	in.vehicle_ids = ids;
	in.nvehicles = n;
	return n ? seal_create(d->db, d->a, &d->office, &in, &made, &n, e) : 0;
}

static int
approve(struct sdemo *d, int64_t trip_id, struct err *e)
{
	struct appr_decide_in yes = { .decision = APPR_APPROVE, .comment = "同意" };
	struct trip t;

	if (trip_row(d->db, d->a, d->office.agency_id, trip_id, &t, e) ||
	    appr_decide(d->db, &d->head, t.approval_id, &yes, e) ||
	    trip_row(d->db, d->a, d->office.agency_id, trip_id, &t, e))
		return e->code;
	/* a holiday trip: a leader's step follows the head's */
	return strcmp(t.status, "requested") == 0
		       ? appr_decide(d->db, &d->leader, t.approval_id, &yes, e) : 0;
}

static int
car(struct sdemo *d, int64_t *id, int64_t *odo, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(d->db, &st, sql_car, e) ||
		 db_bind_i64(&st, ":agency", d->office.agency_id, e) ||
		 db_bind_text(&st, ":plate", URGENT_PLATE, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		*id = db_col_i64(&st, 0);
		*odo = db_col_i64(&st, 1);
	}
	db_finalize(&st);
	return rc;
}

/* The urgent trip: 防汛 inspection on a holiday, on a sealed car with the leader's leave. */
static int
urgent(struct sdemo *d, struct err *e)
{
	struct appr_decide_in yes = { .decision = APPR_APPROVE, .comment = "同意，注意安全" };
	struct trip_in in = { .purpose = "防汛应急检查", .destination = "市水库管理处",
			      .passengers = 3, .passenger_names = "防汛检查组",
			      .start_at = at_of(URGENT_DAY, 0, 8 * 60),
			      .end_at = at_of(URGENT_DAY, 0, 17 * 60),
			      .est_km = 90 };
	struct trip_log_in log = { .parking_fen = 0 };
	struct seal_override o;
	int64_t veh = 0, odo = 0;
	struct trip t;

	clock_to(at_of(URGENT_DAY, -1, 15 * 60));
	if (car(d, &veh, &odo, e) || trip_create(d->db, d->a, &d->staff, &in, &t, e) ||
	    approve(d, t.id, e) ||
	    seal_override_ask(d->db, d->a, &d->office, t.id, veh, "汛情紧急，须即刻赴水库检查", &o,
			      e) || appr_decide(d->db, &d->leader, o.approval_id, &yes, e) ||
	    trip_dispatch(d->db, d->a, &d->office, t.id, veh, d->driver.id, e))
		return e->code;
	clock_to(at_of(URGENT_DAY, 0, 8 * 60 + 5));
	if (trip_depart(d->db, d->a, &d->driver, t.id, odo, e))
		return e->code;
	clock_to(at_of(URGENT_DAY, 0, 16 * 60 + 40));
	log.odometer_km = odo + 86;
	return trip_return(d->db, d->a, &d->driver, t.id, &log, e);
}

int
seal_demo(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	struct sdemo d = { .db = db, .a = a };
	int64_t now0 = now_ms(), n = 0;
	int rc;

	if (org_demo_actor(db, a, prefix, "office", &d.office, e) ||
	    count(db, d.office.agency_id, &n, e))
		return e->code;
	if (n)
		return 0;
	if (org_demo_actor(db, a, prefix, "leader", &d.leader, e) ||
	    org_demo_actor(db, a, prefix, "staff1", &d.staff, e) ||
	    org_demo_actor(db, a, prefix, "depthead1", &d.head, e) ||
	    org_demo_actor(db, a, prefix, "driver3", &d.driver, e))
		return e->code;
	/* sealed a few days before the holiday; after it, the urgent trip is history too */
	if (now0 > at_of(HOLIDAY_FROM, -3, 10 * 60))
		clock_to(at_of(HOLIDAY_FROM, -4, 10 * 60));
	rc = seal_pool(&d, e);
	if (!rc && now0 > at_of(HOLIDAY_TO, 1, 0))
		rc = urgent(&d, e);
	clock_to(now0);
	return rc;
}
