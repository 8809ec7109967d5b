/*
** modules/vehicles/vehicles_demo.c: the demo agency's vehicles — a shared pool
** (车辆池) and a few cars of departments, one in maintenance and one retired,
** some with insurance or 年审 due within 30 days so the office's reminders have
** something to say — and the three demo drivers' licences. Made by the office.
*/
#include "core/arena.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/org/org.h"
#include "modules/vehicles/vehicles.h"

#include <string.h>

struct demo_vehicle {
	const char *plate, *brand, *model, *type, *energy, *status, *dept;
	int seats, tank, battery, odometer;
	int ins_days, insp_days, bought_days;	/* from today */
	long long price_yuan;
};

/* dept NULL: the pool */
static const struct demo_vehicle fleet[] = {
	{ "京A·D1234", "红旗", "H5", "sedan", "petrol", "available", NULL, 5, 56, 0, 48210,
	  20, 160, -1400, 179800 },
	{ "京A·D2345", "红旗", "H5", "sedan", "petrol", "available", NULL, 5, 56, 0, 36544,
	  200, 95, -1100, 179800 },
	{ "京A·D3456", "大众", "帕萨特", "sedan", "petrol", "available", NULL, 5, 66, 0, 91230,
	  140, 12, -2300, 189900 },
	{ "京AD12345", "比亚迪", "汉 EV", "sedan", "electric", "available", NULL, 5, 0, 85, 21870,
	  6, 300, -500, 209800 },
	{ "京AD23456", "比亚迪", "秦 PLUS EV", "sedan", "electric", "available", NULL, 5, 0, 57,
	  15320, 260, 220, -420, 139800 },
	{ "京A·D4567", "别克", "GL8", "business", "petrol", "available", NULL, 7, 65, 0, 77410,
	  90, 25, -1800, 329900 },
	{ "京A·D5678", "丰田", "考斯特", "bus", "diesel", "available", NULL, 20, 95, 0, 120560,
	  170, 130, -2900, 698000 },
	{ "京A·D6789", "丰田", "普拉多", "suv", "diesel", "available", NULL, 7, 87, 0, 104300,
	  45, 60, -2600, 459800 },
	{ "京A·D7890", "大众", "迈腾", "sedan", "petrol", "available", "第一检察部", 5, 66, 0,
	  58700, 120, 240, -1500, 199900 },
	{ "京AD34567", "广汽", "埃安 S", "sedan", "electric", "available", "政治部", 5, 0, 62,
	  18250, 28, 310, -380, 145800 },
	{ "京A·D8901", "别克", "君越", "sedan", "petrol", "maintenance", NULL, 5, 70, 0, 132880,
	  75, 40, -3100, 239900 },
	{ "京A·D9012", "桑塔纳", "志俊", "sedan", "petrol", "retired", NULL, 5, 50, 0, 298410,
	  0, 0, -5200, 109800 },
	{ NULL }
};

static const struct {
	const char *login, *licence;
	int expiry_days;
} demo_drivers[] = {
	{ "driver1", "A1", 900 }, { "driver2", "B1", 25 }, { "driver3", "C1", 1500 }, { NULL }
};

/* "YYYY-MM-DD" of today + days (Shanghai), in the arena; NULL for 0. */
static const char *
day_str(struct arena *a, int days)
{
	char s[16];

	if (!days)
		return NULL;
	cal_format_date(days_to_date(date_to_days(cal_local_date(now_ms())) + days), s,
			sizeof(s));
	return arena_strdup(a, s);
}

static int64_t
dept_of(const struct dept *ds, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(ds[i].name, name))
			return ds[i].id;
	return 0;
}

static int
seed_fleet(struct db *db, struct arena *a, const struct actor *office, struct err *e)
{
	struct dept *ds;
	struct vehicle out;
	size_t nd = 0;

	if (org_dept_list(db, a, office, &ds, &nd, e))
		return e->code;
	for (const struct demo_vehicle *d = fleet; d->plate; d++) {
		struct vehicle_in in = {
			.plate = d->plate, .brand = d->brand, .model = d->model, .type = d->type,
			.energy = d->energy, .status = d->status, .seats = d->seats,
			.tank_litres = d->tank, .battery_kwh = d->battery,
			.department_id = dept_of(ds, nd, d->dept), .odometer_km = d->odometer,
			.insurance_expiry = day_str(a, d->ins_days),
			.inspection_due = day_str(a, d->insp_days),
			.purchase_date = day_str(a, d->bought_days),
			.price_fen = d->price_yuan * 100,
		};

		if (veh_create(db, a, office, &in, &out, e))
			return e->code;
	}
	return 0;
}

int
veh_demo(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	struct actor office, drv;
	struct driver out;

	if (org_demo_actor(db, a, prefix, "office", &office, e) || seed_fleet(db, a, &office, e))
		return e->code;
	for (int i = 0; demo_drivers[i].login; i++) {
		struct driver_in in = { demo_drivers[i].licence,
					day_str(a, demo_drivers[i].expiry_days) };

		if (org_demo_actor(db, a, prefix, demo_drivers[i].login, &drv, e) ||
		    drv_put(db, a, &office, drv.id, &in, &out, e))
			return e->code;
	}
	return 0;
}
