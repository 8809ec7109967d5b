/*
** modules/vehicles/trips_demo.c: three months of the demo agency's trips,
** played through trips.h with the clock moved back (clock_advance): on each
** workday the three drivers take a morning and an afternoon trip (every third
** day one of them goes out of the city all day), requested the day before,
** approved by the department head (and a leader out of the city), dispatched by
** the office onto whichever vehicle is free (the rotation keeps the pool busy;
** sealed vehicles are never free), driven and rated. A few trips go wrong on
** purpose so the supervisor has flags to look at: a late return, a distance
** three times the estimate, km that appeared between two trips, a Friday trip
** back on the Saturday. Then today's and tomorrow's trips waiting for
** approval, a car, or their departure. Runs after vehicles_demo.c's fleet and
** drivers and seals_demo.c's 国庆 seal.
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

#define DEMO_DAYS 91		/* about three months back */
#define DEMO_DRIVERS 3
#define DEMO_SLOTS (2 * DEMO_DRIVERS)	/* a morning and an afternoon trip per driver */
#define DEMO_CARS_MAX 32

/* The trips that go wrong, by how many days before today they fall (the first workday from). */
enum oddity { ODD_NONE, ODD_LATE, ODD_FAR, ODD_GAP, ODD_WEEKEND };
#define ODD_LATE_DAYS 40
#define ODD_FAR_DAYS 25
#define ODD_GAP_DAYS 12
#define ODD_WEEKEND_DAYS 45

static const char *const requesters[] = { "staff1", "staff4", "staff7", "staff10" };
static const char *const heads[] = { "depthead1", "depthead2", "depthead3", "depthead4" };
static const char *const places[] = { "市中级人民法院", "区看守所", "市档案馆", "市政府办公厅",
				      "区司法局", "市检察院新区分院" };
static const char *const purposes[] = { "出庭支持公诉", "提讯犯罪嫌疑人", "调阅案卷",
					"参加联席会议", "送达法律文书", "业务交流" };

struct demo {
	struct db *db;
	struct arena *a;
	struct actor office, leader, req[4], head[4], drv[DEMO_DRIVERS];
	int64_t car[DEMO_CARS_MAX], odo[DEMO_CARS_MAX];
	size_t ncars;
	int odd_day[ODD_WEEKEND + 1];	/* yyyymmdd of each oddity */
	struct cal cal;
};

/* One trip of a past day: who drives it when, on which car, and what happens. */
struct slot {
	int driver, from, to, out, k, car;
	int64_t id, est_km;
	enum oddity odd;
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

static const char sql_cars[] =
	"SELECT id, odometer_km FROM vehicle WHERE agency_id = :agency AND status = 'available'"
	" ORDER BY id";

static int
load_cars(struct demo *d, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(d->db, &st, sql_cars, e) ||
		 db_bind_i64(&st, ":agency", d->office.agency_id, e) ? e->code : 0;

	while (!rc && (rc = db_step(&st, e)) == 1 && d->ncars < DEMO_CARS_MAX) {
		d->car[d->ncars] = db_col_i64(&st, 0);
		d->odo[d->ncars++] = db_col_i64(&st, 1);
		rc = 0;
	}
	db_finalize(&st);
	if (rc >= 0 && d->ncars < DEMO_DRIVERS)
		return err_set(e, ERR_INVALID, NULL, "demo: the fleet has too few cars");
	return rc < 0 ? rc : 0;
}

static int
load(struct demo *d, const char *prefix, struct err *e)
{
	static const char *const drivers[] = { "driver1", "driver2", "driver3" };

	if (org_demo_actor(d->db, d->a, prefix, "office", &d->office, e) ||
	    org_demo_actor(d->db, d->a, prefix, "leader", &d->leader, e) ||
	    cal_load_agency(d->db, d->a, d->office.agency_id, &d->cal, e))
		return e->code;
	for (int i = 0; i < 4; i++)
		if (org_demo_actor(d->db, d->a, prefix, requesters[i], &d->req[i], e) ||
		    org_demo_actor(d->db, d->a, prefix, heads[i], &d->head[i], e))
			return e->code;
	for (int i = 0; i < DEMO_DRIVERS; i++)
		if (org_demo_actor(d->db, d->a, prefix, drivers[i], &d->drv[i], e))
			return e->code;
	return load_cars(d, e);
}

/* The first workday at or after today - back (for ODD_WEEKEND: one before a day off). */
static int
odd_day(const struct demo *d, int64_t today, int back, int before_off)
{
	for (int64_t day = today - back; day < today; day++)
		if (cal_is_workday(&d->cal, days_to_date(day)) &&
		    (!before_off || !cal_is_workday(&d->cal, days_to_date(day + 1))))
			return days_to_date(day);
	return 0;
}

/* A request by requester r for the slot's day, approved as its rule asks. */
static int
request(struct demo *d, int r, int64_t day, struct slot *s, struct err *e)
{
	struct appr_decide_in yes = { .decision = APPR_APPROVE, .comment = "同意" };
	struct trip_in in = { .purpose = purposes[s->k % 6], .destination = places[(s->k + r) % 6],
			      .out_of_city = s->out, .passengers = 1 + s->k % 4,
			      .start_at = at_of(day, s->from), .end_at = at_of(day, s->to),
			      .est_km = s->est_km };
	int64_t mate = d->head[r].id;	/* the department head rides along on the larger trips */
	struct trip t;

	if (s->out)
		in.destination = "省人民检察院";
	if (in.passengers >= 2) {
		in.passenger_ids = &mate;
		in.npassenger_ids = 1;
	}
	if (trip_create(d->db, d->a, &d->req[r], &in, &t, e))
		return e->code;
	s->id = t.id;
	return appr_decide(d->db, &d->head[r], t.approval_id, &yes, e) ||
	       trip_row(d->db, d->a, d->office.agency_id, t.id, &t, e) ||
	       (strcmp(t.status, "requested") == 0 &&
		appr_decide(d->db, &d->leader, t.approval_id, &yes, e)) ? e->code : 0;
}

/* The slot's car: the first free one (not booked, not sealed) from its turn in the rotation. */
static int
pick_car(struct demo *d, int64_t day, struct slot *s, struct err *e)
{
	struct vehicle *free;
	size_t n;

	s->car = -1;
	if (veh_available(d->db, d->a, &d->office, at_of(day, s->from), at_of(day, s->to),
			  1 + s->k % 4, &free, &n, e))
		return e->code;
	for (size_t i = 0; i < d->ncars && s->car < 0; i++) {
		size_t c = ((size_t)s->k * 7 + i) % d->ncars;

		for (size_t j = 0; j < n && s->car < 0; j++)
			if (free[j].id == d->car[c])
				s->car = (int)c;
	}
	return 0;
}

/* The slot's driver, unless something else (another part of the demo) booked them then. */
static int
driver_free(struct demo *d, int64_t day, const struct slot *s, int *ok, struct err *e)
{
	struct driver *free;
	size_t n;

	*ok = 0;
	if (drv_list(d->db, d->a, &d->office, at_of(day, s->from), at_of(day, s->to), &free, &n, e))
		return e->code;
	for (size_t i = 0; i < n; i++)
		*ok |= free[i].user_id == d->drv[s->driver].id;
	return 0;
}

/* The day's slots: each driver's morning and afternoon; every third day driver 3 out all day. */
static int
plan(const struct demo *d, int64_t day, int k, struct slot *s)
{
	int date = days_to_date(day), n = 0, out_day = day % 3 == 0;

	for (int i = 0; i < DEMO_DRIVERS; i++)
		for (int pm = 0; pm < 2; pm++) {
			struct slot *x = &s[n];

			if (out_day && i == DEMO_DRIVERS - 1 && pm)
				continue;
			*x = (struct slot){ .driver = i, .k = k + n };
			x->out = out_day && i == DEMO_DRIVERS - 1;
			x->from = x->out ? 8 * 60 : (pm ? 14 * 60 : 8 * 60 + 30) + 20 * i;
			x->to = x->out ? 18 * 60 : x->from + 150;
			x->est_km = x->out ? 180 + 10 * (x->k % 5) : 12 + 4 * (x->k % 6);
			x->odd = date == d->odd_day[ODD_LATE] && i == 0 && !pm	? ODD_LATE
				 : date == d->odd_day[ODD_FAR] && i == 1 && pm	? ODD_FAR
				 : date == d->odd_day[ODD_GAP] && i == 0 && !pm	? ODD_GAP
				 : date == d->odd_day[ODD_WEEKEND] && i == 1 && pm ? ODD_WEEKEND
										    : ODD_NONE;
			n++;
		}
	return n;
}

/* Requested and dispatched the day before at 10:00 (slots without a free car or driver drop). */
static int
book(struct demo *d, int64_t day, struct slot *s, int n, struct err *e)
{
	int ok;

	clock_to(at_of(day - 1, 10 * 60));
	for (int i = 0; i < n; i++) {
		if (pick_car(d, day, &s[i], e) || driver_free(d, day, &s[i], &ok, e))
			return e->code;
		if (s[i].car < 0 || !ok) {
			s[i].id = 0;
			continue;
		}
		if (request(d, s[i].k % 4, day, &s[i], e) ||
		    trip_dispatch(d->db, d->a, &d->office, s[i].id, d->car[s[i].car],
				  d->drv[s[i].driver].id, e))
			return e->code;
	}
	return 0;
}

struct event {
	int64_t at;
	struct slot *s;
	int back;
};

static int64_t
driven_km(const struct slot *s)
{
	if (s->odd == ODD_FAR)
		return 3 * s->est_km + 5;
	return s->out ? s->est_km - 5 + 3 * (s->k % 7) : s->est_km - 2 + s->k % 5;
}

static int64_t
back_at(int64_t day, const struct slot *s)
{
	if (s->odd == ODD_LATE)
		return at_of(day, s->to + 135);
	if (s->odd == ODD_WEEKEND)
		return at_of(day + 1, 9 * 60 + 30);
	return at_of(day, s->to - 10 + s->k % 30);
}

/* The day's departures and returns, in the order of the clock. */
static int
events(int64_t day, struct slot *s, int n, struct event *ev)
{
	int m = 0;

	for (int i = 0; i < n; i++) {
		if (!s[i].id)
			continue;
		ev[m++] = (struct event){ at_of(day, s[i].from + 5), &s[i], 0 };
		ev[m++] = (struct event){ back_at(day, &s[i]), &s[i], 1 };
	}
	for (int i = 1; i < m; i++)
		for (int j = i; j > 0 && ev[j].at < ev[j - 1].at; j--) {
			struct event x = ev[j];

			ev[j] = ev[j - 1];
			ev[j - 1] = x;
		}
	return m;
}

static int
drive(struct demo *d, const struct event *ev, struct err *e)
{
	const struct slot *s = ev->s;
	const struct actor *who = &d->drv[s->driver];
	struct trip_log_in log = { .fuel_litres_x100 = s->out ? 3500 : 0,
				   .tolls_fen = s->out ? 6500 : 0, .parking_fen = 1000 * (s->k % 3) };

	clock_to(ev->at);
	if (!ev->back) {
		if (s->odd == ODD_GAP)
			d->odo[s->car] += 46;	/* driven by nobody on record */
		return trip_depart(d->db, d->a, who, s->id, d->odo[s->car], e);
	}
	d->odo[s->car] += driven_km(s);
	log.odometer_km = d->odo[s->car];
	return trip_return(d->db, d->a, who, s->id, &log, e);
}

static int
rate(struct demo *d, int64_t day, const struct slot *s, int n, struct err *e)
{
	clock_to(at_of(day, 19 * 60));
	for (int i = 0; i < n; i++) {
		if (!s[i].id || s[i].odd == ODD_WEEKEND || s[i].k % 5 == 4)	/* a few unrated */
			continue;
		if (trip_rate(d->db, d->a, &d->req[s[i].k % 4], s[i].id, 4 + (s[i].k % 3 != 0), NULL,
			      e))
			return e->code;
		/* the head named as riding (request) rates too, a little more sternly */
		if (s[i].k % 4 >= 1 && trip_rate(d->db, d->a, &d->head[s[i].k % 4], s[i].id,
						 3 + s[i].k % 3, NULL, e))
			return e->code;
	}
	return 0;
}

/* One past workday: booked the day before, driven in the order of the clock, rated at 19:00. */
static int
past_day(struct demo *d, int64_t day, int *k, struct err *e)
{
	struct slot s[DEMO_SLOTS];
	struct event ev[2 * DEMO_SLOTS];
	int n = plan(d, day, *k, s), m, i = 0;

	*k += n;
	if (book(d, day, s, n, e))
		return e->code;
	m = events(day, s, n, ev);
	for (; i < m && ev[i].at < at_of(day, 19 * 60); i++)
		if (drive(d, &ev[i], e))
			return e->code;
	if (rate(d, day, s, n, e))
		return e->code;
	for (; i < m; i++)	/* the Friday trip back on Saturday */
		if (drive(d, &ev[i], e))
			return e->code;
	return 0;
}

/* Today and tomorrow: one dispatched, one approved waiting for a car, one requested. */
static int
upcoming(struct demo *d, int64_t now0, struct err *e)
{
	int64_t today = (now0 + SHANGHAI_OFFSET_MS) / DAY_MS;
	struct slot am = { .from = 9 * 60, .to = 11 * 60, .k = 1, .est_km = 18 };
	struct slot pm = { .from = 14 * 60, .to = 16 * 60 + 30, .k = 2, .est_km = 22 };
	struct trip_in in = { .purpose = "参加联席会议", .destination = "市政府办公厅",
			      .passengers = 2, .est_km = 18 };
	struct trip t;

	clock_to(now0);
	if (pick_car(d, today + 1, &am, e) || request(d, 0, today + 1, &am, e) ||
	    (am.car >= 0 && trip_dispatch(d->db, d->a, &d->office, am.id, d->car[am.car],
					  d->drv[0].id, e)) ||
	    request(d, 1, today + 1, &pm, e))
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
	d.odd_day[ODD_LATE] = odd_day(&d, today, ODD_LATE_DAYS, 0);
	d.odd_day[ODD_FAR] = odd_day(&d, today, ODD_FAR_DAYS, 0);
	d.odd_day[ODD_GAP] = odd_day(&d, today, ODD_GAP_DAYS, 0);
	d.odd_day[ODD_WEEKEND] = odd_day(&d, today, ODD_WEEKEND_DAYS, 1);
	for (int64_t day = today - DEMO_DAYS; !rc && day < today; day++)
		if (cal_is_workday(&d.cal, days_to_date(day)))
			rc = past_day(&d, day, &k, e);
	if (!rc)
		rc = upcoming(&d, now0, e);
	clock_to(now0);
	return rc;
}
