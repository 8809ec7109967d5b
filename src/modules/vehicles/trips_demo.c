/*
** modules/vehicles/trips_demo.c: three weeks of the demo agency's trips, played
** through trips.h with the clock moved back (clock_advance): requested the day
** before, approved by the department head (and a leader out of the city),
** dispatched by the office, driven and rated; then today's and tomorrow's
** trips waiting for approval, a car, or their departure. Runs after
** vehicles_demo.c's fleet and drivers.
*/
#include "modules/vehicles/trips.h"
#include "modules/vehicles/vehicles.h"
#include "core/approval.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/org/org.h"

#include <string.h>

#define DEMO_DAYS 21
#define DEMO_CARS 3

static const char sql_cars[] =
	"SELECT id, odometer_km FROM vehicle WHERE agency_id = :agency AND status = 'available'"
	" AND department_id IS NULL AND seats BETWEEN 5 AND 7 ORDER BY id LIMIT 3";

static const char *const requesters[] = { "staff1", "staff4", "staff7", "staff10" };
static const char *const heads[] = { "depthead1", "depthead2", "depthead3", "depthead4" };
static const char *const places[] = { "市中级人民法院", "区看守所", "市档案馆", "市政府办公厅",
				      "区司法局", "市检察院新区分院" };
static const char *const purposes[] = { "出庭支持公诉", "提讯犯罪嫌疑人", "调阅案卷",
					"参加联席会议", "送达法律文书", "业务交流" };

struct demo {
	struct db *db;
	struct arena *a;
	struct actor office, leader, req[4], head[4], drv[DEMO_CARS];
	int64_t car[DEMO_CARS], odo[DEMO_CARS];
	struct cal cal;
};

static void
clock_to(int64_t at)
{
	clock_advance(at - now_ms());
}

/* Epoch ms of day (days since the epoch, Shanghai) at minute m. */
static int64_t
at_of(int64_t day, int m)
{
	return day * DAY_MS + (int64_t)m * MINUTE_MS - SHANGHAI_OFFSET_MS;
}

static int
load(struct demo *d, const char *prefix, struct err *e)
{
	static const char *const drivers[] = { "driver1", "driver2", "driver3" };
	struct stmt st = { 0 };
	size_t n = 0;
	int rc;

	if (org_demo_actor(d->db, d->a, prefix, "office", &d->office, e) ||
	    org_demo_actor(d->db, d->a, prefix, "leader", &d->leader, e) ||
	    cal_load_agency(d->db, d->a, d->office.agency_id, &d->cal, e))
		return e->code;
	for (int i = 0; i < 4; i++)
		if (org_demo_actor(d->db, d->a, prefix, requesters[i], &d->req[i], e) ||
		    org_demo_actor(d->db, d->a, prefix, heads[i], &d->head[i], e))
			return e->code;
	for (int i = 0; i < DEMO_CARS; i++)
		if (org_demo_actor(d->db, d->a, prefix, drivers[i], &d->drv[i], e))
			return e->code;
	rc = db_prepare(d->db, &st, sql_cars, e) ||
	     db_bind_i64(&st, ":agency", d->office.agency_id, e) ? e->code : 0;
	while (!rc && (rc = db_step(&st, e)) == 1 && n < DEMO_CARS) {
		d->car[n] = db_col_i64(&st, 0);
		d->odo[n++] = db_col_i64(&st, 1);
		rc = 0;
	}
	db_finalize(&st);
	if (rc >= 0 && n < DEMO_CARS)
		return err_set(e, ERR_INVALID, NULL, "demo: the fleet has too few pool cars");
	return rc < 0 ? rc : 0;
}

/* A request by requester r for [from, to) (minutes of day), approved as its rule asks. */
static int
request(struct demo *d, int r, int64_t day, int from, int to, int out, int k, int64_t *id,
	struct err *e)
{
	struct appr_decide_in yes = { .decision = APPR_APPROVE, .comment = "同意" };
	struct trip_in in = { .purpose = purposes[k % 6], .destination = places[(k + r) % 6],
			      .out_of_city = out, .passengers = 1 + k % 4,
			      .start_at = at_of(day, from), .end_at = at_of(day, to),
			      .est_km = out ? 180 + 10 * (k % 5) : 12 + 4 * (k % 6) };
	struct trip t;

	if (out)
		in.destination = "省人民检察院";
	if (trip_create(d->db, d->a, &d->req[r], &in, &t, e))
		return e->code;
	*id = t.id;
	return appr_decide(d->db, &d->head[r], t.approval_id, &yes, e) ||
	       trip_row(d->db, d->a, d->office.agency_id, t.id, &t, e) ||
	       (strcmp(t.status, "requested") == 0 &&
		appr_decide(d->db, &d->leader, t.approval_id, &yes, e)) ? e->code : 0;
}

/* Car c's slot of a day: the 2nd car in the afternoon, the 3rd out of the city all day. */
static void
slot(int c, int *from, int *to)
{
	*from = c == 2 ? 8 * 60 : c == 1 ? 14 * 60 : 9 * 60;
	*to = c == 2 ? 18 * 60 : *from + 150;
}

static int
depart(struct demo *d, int64_t day, int c, int64_t id, struct err *e)
{
	int from, to;

	slot(c, &from, &to);
	clock_to(at_of(day, from + 5));
	return trip_depart(d->db, d->a, &d->drv[c], id, d->odo[c], e);
}

static int
back(struct demo *d, int64_t day, int c, int64_t id, int k, struct err *e)
{
	struct trip_log_in log = { .fuel_litres_x100 = c == 2 ? 3500 : 0,
				   .tolls_fen = c == 2 ? 6500 : 0, .parking_fen = 1000 * (k % 3) };
	int from, to;

	slot(c, &from, &to);
	d->odo[c] += c == 2 ? 170 + 13 * (k % 7) : 10 + 3 * (k % 9);
	log.odometer_km = d->odo[c];
	clock_to(at_of(day, to - 10 + k % 30));
	return trip_return(d->db, d->a, &d->drv[c], id, &log, e);
}

/*
** One past day: the trips requested and dispatched the day before, then driven
** in the order of the clock (the all-day one out first, back last), and most
** of them rated in the evening.
*/
static int
past_day(struct demo *d, int64_t day, int ncars, int *k, struct err *e)
{
	int64_t id[DEMO_CARS];
	int from, to;

	for (int c = 0; c < ncars; c++) {
		slot(c, &from, &to);
		clock_to(at_of(day - 1, 10 * 60 + 20 * c));
		if (request(d, (*k + c) % 4, day, from, to, c == 2, *k + c, &id[c], e) ||
		    trip_dispatch(d->db, d->a, &d->office, id[c], d->car[c], d->drv[c].id, e))
			return e->code;
	}
	if ((ncars > 2 && depart(d, day, 2, id[2], e)) || depart(d, day, 0, id[0], e) ||
	    back(d, day, 0, id[0], *k, e) || depart(d, day, 1, id[1], e) ||
	    back(d, day, 1, id[1], *k, e) || (ncars > 2 && back(d, day, 2, id[2], *k, e)))
		return e->code;
	clock_to(at_of(day, 19 * 60));
	for (int c = 0; c < ncars; c++, (*k)++)
		if (*k % 5 != 4 &&	/* a few left unrated */
		    trip_rate(d->db, d->a, &d->req[*k % 4], id[c], 4 + (*k % 3 != 0), NULL, e))
			return e->code;
	return 0;
}

/* Today and tomorrow: one dispatched, one approved waiting for a car, one requested. */
static int
upcoming(struct demo *d, int64_t now0, struct err *e)
{
	int64_t today = (now0 + SHANGHAI_OFFSET_MS) / DAY_MS, id;
	struct trip_in in = { .purpose = "参加联席会议", .destination = "市政府办公厅",
			      .passengers = 2, .est_km = 18 };
	struct trip t;

	clock_to(now0);
	if (request(d, 0, today + 1, 9 * 60, 11 * 60, 0, 1, &id, e) ||
	    trip_dispatch(d->db, d->a, &d->office, id, d->car[0], d->drv[0].id, e) ||
	    request(d, 1, today + 1, 14 * 60, 16 * 60 + 30, 0, 2, &id, e))
		return e->code;
	in.start_at = now0 + 2 * HOUR_MS;	/* later today, whatever the hour */
	in.end_at = in.start_at + 2 * HOUR_MS;
	return trip_create(d->db, d->a, &d->req[2], &in, &t, e);
}

int
trip_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	struct demo d = { .db = db, .a = a };
	int64_t now0 = now_ms(), today = (now0 + SHANGHAI_OFFSET_MS) / DAY_MS;
	int k = 0, rc = 0;

	if (load(&d, prefix, e))
		return e->code;
	for (int64_t day = today - DEMO_DAYS; !rc && day < today; day++) {
		if (!cal_is_workday(&d.cal, days_to_date(day)))
			continue;
		/* out of the city every third day */
		rc = past_day(&d, day, day % 3 == 0 ? 3 : 2, &k, e);
	}
	if (!rc)
		rc = upcoming(&d, now0, e);
	clock_to(now0);
	return rc;
}
