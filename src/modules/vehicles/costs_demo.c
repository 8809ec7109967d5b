/*
** modules/vehicles/costs_demo.c: the demo's vehicle costs, in two steps.
** cost_demo_budget, before the trips: the pool department (the office's
** department, 办公室) and a 30231 line for every department that has vehicles,
** so the trips' tolls and parking are posted as they are returned.
** cost_demo_seed, after them: the vendors (two 定点 garages, two stations, one
** garage that is not 定点), the fuel card's monthly imports through fuel_import
** (refuels on days the vehicle drove, and one on a day it did not: a flag), and
** a few maintenance, repair, insurance and 年审 costs. Months finance has
** closed (the budget demo closes all but the last two) take no cost: the
** imports cover the open ones among the last three months.
*/
#include "modules/vehicles/costs.h"
#include "modules/vehicles/vehicles.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/budget.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/budget/budget.h"
#include "modules/org/org.h"

#include <string.h>

#define LINE_YUAN 300000	/* each department's 30231 line: room for a year of the demo */
#define PRICE_FEN 785		/* a litre of 92# */
#define MONTHS 3

static const char sql_depts[] =
	"SELECT DISTINCT department_id FROM vehicle WHERE agency_id = :agency"
	" AND department_id IS NOT NULL ORDER BY department_id";
static const char sql_class[] =
	"SELECT id FROM budget_class WHERE agency_id = :agency AND code = '30231'";
static const char sql_setting[] =
	"INSERT INTO vehicle_setting (agency_id, buffer_min, pool_department_id, updated_at,"
	" updated_by) VALUES (:agency, 30, :dept, :now, :by) ON CONFLICT (agency_id) DO UPDATE"
	" SET pool_department_id = excluded.pool_department_id";
static const char sql_trip_days[] =
	"SELECT depart_at FROM vehicle_trip WHERE agency_id = :agency AND vehicle_id = :vehicle"
	" AND depart_at >= :from AND depart_at < :to ORDER BY depart_at";
static const char sql_workorder[] =
	"SELECT COALESCE(MIN(id), 0) FROM workorder WHERE agency_id = :agency";
static const char sql_read_old[] =
	"UPDATE notification SET read_at = created_at + 3600000, updated_at = created_at + 3600000"
	" WHERE agency_id = :agency AND kind = 'vehicle_cost.unposted' AND read_at IS NULL"
	" AND created_at < :cutoff";

static int64_t
one_i64(struct db *db, const char *sql, int64_t agency, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_step_row(&st, e) ? e->code : 0;
	int64_t v = rc ? 0 : db_col_i64(&st, 0);

	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		err_clear(e);
	return v;
}

/* The department's 30231 line of year, made by finance when missing. */
static int
ensure_line(struct db *db, struct arena *a, const struct actor *fin, int64_t cls, int year,
	    int64_t dept, struct err *e)
{
	struct bud_line_in in = { year, dept, cls, LINE_YUAN * 100LL, "stop" };
	struct bud_line l;
	int64_t line;

	if (!budget_line_for(db, fin->agency_id, year, dept, VEH_COST_CLASS, NULL, &line, e))
		return 0;
	if (e->code != ERR_RULE)
		return e->code;
	err_clear(e);
	return bud_line_create(db, a, fin, &in, &l, e);
}

static int
set_pool(struct db *db, const struct actor *office, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_setting, e) ||
		 db_bind_i64(&st, ":agency", office->agency_id, e) ||
		 db_bind_i64(&st, ":dept", office->department_id, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":by", office->id, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
cost_demo_budget(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	int today = cal_local_date(now_ms()), years[2] = { today / 10000, today / 10000 - 1 };
	struct actor office, fin;
	struct stmt st = { 0 };
	int64_t cls, depts[64];
	size_t n = 0;
	int rc;

	if (org_demo_actor(db, a, prefix, "office", &office, e) ||
	    org_demo_actor(db, a, prefix, "finance", &fin, e) || set_pool(db, &office, e))
		return e->code;
	cls = one_i64(db, sql_class, office.agency_id, e);
	if (e->code || !cls)
		return e->code;
	depts[n++] = office.department_id;
	rc = db_prepare(db, &st, sql_depts, e) || db_bind_i64(&st, ":agency", office.agency_id, e)
		     ? e->code : 0;
	for (; !rc && (rc = db_step(&st, e)) == 1; rc = 0)
		if (n < sizeof(depts) / sizeof(depts[0]))
			depts[n++] = db_col_i64(&st, 0);
	db_finalize(&st);
	/* three months back from January–March reach last year */
	for (int y = 0; rc >= 0 && y < (today / 100 % 100 <= MONTHS ? 2 : 1); y++)
		for (size_t i = 0; i < n; i++)
			if ((i == 0 || depts[i] != depts[0]) &&
			    ensure_line(db, a, &fin, cls, years[y], depts[i], e))
				return e->code;
	return rc < 0 ? rc : 0;
}

/* ---------- after the trips ---------- */

struct cdemo {
	struct db *db;
	struct arena *a;
	struct actor office;
	struct vehicle *cars;
	size_t ncars;
	int today;
};

static const char *const stations[] = { "中国石化（东直门加油站）", "中国石油（望京加油站）",
					"中国石化（机场高速加油站）" };

static int
vendors(struct cdemo *d, struct err *e)
{
	static const struct vendor_in list[] = {
		{ "顺达汽车维修中心", "garage", 1, 1, 0 },
		{ "京诚汽修厂", "garage", 1, 1, 0 },
		{ "中国石化（东直门加油站）", "station", 1, 1, 0 },
		{ "中国石油（望京加油站）", "station", 1, 1, 0 },
		{ "路畅汽修", "garage", 0, 1, 0 },
	};
	struct vendor v;

	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (vendor_create(d->db, d->a, &d->office, &list[i], &v, e))
			return e->code;
	return 0;
}

/* The Shanghai dates the vehicle departed on in [from, to) (yyyymmdd), ascending, deduplicated. */
static int
trip_days(struct cdemo *d, int64_t vehicle, int from, int to, int *out, size_t max, size_t *n,
	  struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(d->db, &st, sql_trip_days, e) ||
		 db_bind_i64(&st, ":agency", d->office.agency_id, e) ||
		 db_bind_i64(&st, ":vehicle", vehicle, e) ||
		 db_bind_i64(&st, ":from", date_to_days(from) * DAY_MS - SHANGHAI_OFFSET_MS, e) ||
		 db_bind_i64(&st, ":to", date_to_days(to) * DAY_MS - SHANGHAI_OFFSET_MS, e) ? e->code : 0;

	*n = 0;
	for (; !rc && (rc = db_step(&st, e)) == 1; rc = 0) {
		int day = cal_local_date(db_col_i64(&st, 0));
		if (*n < max && (!*n || out[*n - 1] != day))
			out[(*n)++] = day;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* One refuel line: 50–79 % of the tank at PRICE_FEN a litre. */
static int
refuel_line(struct buf *b, const struct vehicle *v, int day, unsigned k)
{
	int64_t litres = v->tank_litres * (50 + (int64_t)((v->id * 7 + (unsigned)day + k) % 30));
	int64_t fen = (litres * PRICE_FEN + 50) / 100;

	return buf_printf(b, "%04d/%02d/%02d,%s,%lld.%02lld,%lld.%02lld,%s\r\n", day / 10000,
			  day / 100 % 100, day % 100, v->plate, (long long)(litres / 100),
			  (long long)(litres % 100), (long long)(fen / 100), (long long)(fen % 100),
			  stations[k % 3]);
}

/* A day of [from, to) the vehicle did not drive, at or before the last day it may. */
static int
idle_day(const int *days, size_t n, int from, int last)
{
	for (int64_t x = date_to_days(last); x >= date_to_days(from); x--) {
		int day = days_to_date(x), busy = 0;
		for (size_t i = 0; i < n; i++)
			busy |= days[i] == day;
		if (!busy)
			return day;
	}
	return 0;
}

/* The month's CSV: every third day each vehicle drove; with odd, one refuel on an idle day. */
static int
month_csv(struct cdemo *d, int from, int to, int odd, struct buf *b, size_t *rows, struct err *e)
{
	int days[64], last = days_to_date(date_to_days(d->today < to ? d->today : to) - 1);
	size_t n;

	*rows = 0;
	if (buf_adds(b, "\xEF\xBB\xBF" "date,plate,litres,amount,station\r\n"))
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (size_t c = 0; c < d->ncars; c++) {
		const struct vehicle *v = &d->cars[c];
		if (!strcmp(v->energy, "electric") || !v->tank_litres || !strcmp(v->status, "retired"))
			continue;
		if (trip_days(d, v->id, from, to, days, sizeof(days) / sizeof(days[0]), &n, e))
			return e->code;
		for (size_t i = 0; i < n && days[i] <= last; i += 3, (*rows)++)
			if (refuel_line(b, v, days[i], (unsigned)i))
				return err_set(e, ERR_NOMEM, NULL, "out of memory");
		if (odd && n && idle_day(days, n, from, last)) {
			odd = 0;	/* the refuel on a day without a trip: refuel_no_trip */
			if (refuel_line(b, v, idle_day(days, n, from, last), 1))
				return err_set(e, ERR_NOMEM, NULL, "out of memory");
			(*rows)++;
		}
	}
	return 0;
}

/* The month [from, to) imported as the issuer's CSV would come, on the 3rd of the next month. */
static int
import_month(struct cdemo *d, int from, int to, int odd, struct err *e)
{
	struct buf b = BUF_INIT(1 << 20);
	struct fuel_import_result r;
	struct fuel_csv csv;
	int64_t now0 = now_ms(), at = date_to_days(to) * DAY_MS + 2 * DAY_MS + 2 * HOUR_MS;
	size_t rows;
	int rc = month_csv(d, from, to, odd, &b, &rows, e);

	if (!rc && rows && fuel_csv_parse(d->a, b.p, b.len, &csv))
		rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (!rc && rows) {
		if (at < now0)
			clock_advance(at - now0);
		rc = fuel_check_rows(d->db, d->a, &d->office, &csv, e);
		if (!rc && csv.nbad)	/* a bug of month_csv: say which line */
			rc = err_set(e, ERR_INVALID, "line", "demo CSV line %d: %s",
				     csv.errors[0].line, csv.errors[0].msg_en);
		if (!rc)
			rc = fuel_import(d->db, d->a, &d->office, &csv, &r, e);
		clock_advance(now0 - now_ms());
	}
	buf_free(&b);
	return rc;
}

/* One other cost on the day'th of month (yyyymm00). */
static int
other(struct cdemo *d, size_t car, const char *kind, int64_t fen, int on, const char *vendor,
      int64_t vendor_id, const char *reason, int64_t wo, struct err *e)
{
	struct cost_in in = { .vehicle_id = d->cars[car % d->ncars].id, .kind = kind,
			      .amount_fen = fen, .occurred_on = on, .vendor_id = vendor_id,
			      .vendor_name = vendor, .reason = reason, .workorder_id = wo };
	int64_t id;

	return cost_post(d->db, d->a, &d->office, &in, &id, e);
}

static int
others(struct cdemo *d, int month, struct err *e)
{
	int64_t wo = one_i64(d->db, sql_workorder, d->office.agency_id, e), garage = 0, v2 = 0;
	int on[3] = { month + 5, month + 12, month + 20 };

	if (e->code || vendor_by_name(d->db, d->office.agency_id, "顺达汽车维修中心", &garage, e) ||
	    vendor_by_name(d->db, d->office.agency_id, "京诚汽修厂", &v2, e))
		return e->code;
	for (int i = 0; i < 3; i++)
		if (on[i] > d->today)
			on[i] = d->today;
	return other(d, 0, "maintenance", 128000, on[0], NULL, garage, NULL, 0, e) ||
	       other(d, 1, "maintenance", 96000, on[1], NULL, garage, NULL, 0, e) ||
	       other(d, 2, "insurance", 485000, on[0], "中国人保财险", 0, NULL, 0, e) ||
	       other(d, 3, "inspection", 30000, on[1], "市机动车检测场", 0, NULL, 0, e) ||
	       other(d, 1, "repair", 235000, on[2], NULL, v2, NULL, 0, e) ||
	       (wo && other(d, 4, "repair", 86000, on[2], "路畅汽修", 0, "外出途中故障，就近维修",
			    wo, e))
		       ? e->code : 0;
}

static int
read_old(struct cdemo *d, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(d->db, &st, sql_read_old, e) ||
		 db_bind_i64(&st, ":agency", d->office.agency_id, e) ||
		 db_bind_i64(&st, ":cutoff", now_ms() - 14 * DAY_MS, e) || db_step_done(&st, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
cost_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	struct cdemo d = { .db = db, .a = a, .today = cal_local_date(now_ms()) };
	struct veh_filter f = { .limit = 100 };
	int64_t total;
	int first = 0;

	if (org_demo_actor(db, a, prefix, "office", &d.office, e) || vendors(&d, e) ||
	    veh_list(db, a, &d.office, &f, &d.cars, &d.ncars, &total, e))
		return e->code;
	if (!d.ncars)
		return 0;
	for (int k = MONTHS - 1; k >= 0; k--) {
		int y = d.today / 10000, m = d.today / 100 % 100 - k, closed = 0, from, to;
		if (m < 1) {
			m += 12;
			y--;
		}
		from = y * 10000 + m * 100 + 1;
		to = m == 12 ? (y + 1) * 10000 + 101 : y * 10000 + (m + 1) * 100 + 1;
		if (budget_period_closed(db, d.office.agency_id, y * 100 + m, &closed, e))
			return e->code;
		if (closed)
			continue;
		if (!first)
			first = from - 1;
		if (import_month(&d, from, to, k == 1 || (k == 0 && first == from - 1), e))
			return e->code;
	}
	return (first && others(&d, first, e)) || read_old(&d, e) ? e->code : 0;
}
