/*
** modules/vehicles/report.h: what the fleet did (issue #15 item 6): the monthly
** report per vehicle and per driver, the week/day calendar of bookings per
** vehicle with the trips still waiting for one, and the public monthly trip
** list 公示 (item 4). Read-only; owned by report.c, HTTP in report_api.c.
** Months are yyyymm in Asia/Shanghai; their windows are epoch-ms ranges
** computed here, so the SQL holds no date functions. Strings live in the arena.
*/
#ifndef HOUQIN_VEHICLE_REPORT_H
#define HOUQIN_VEHICLE_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;
struct req;
struct resp;

#define VEH_WORKDAY_HOURS 8	/* a workday's working hours, for utilisation */
#define VEH_CALENDAR_DAYS_MAX 31

/* One vehicle's month: trips returned or closed that departed in it, their km,
 * its costs (vehicle_cost.occurred_on in it) and its confirmed bookings' time. */
struct vrep_vehicle {
	int64_t vehicle_id, trips, km, cost_fen, booked_ms;
	const char *plate, *department_name;
};

/* One driver's month: the same trips, their ratings, flags raised in it. */
struct vrep_driver {
	int64_t driver_id, trips, km, ratings, rating_sum, flags;
	const char *name;
};

struct vrep {
	int month;		/* yyyymm */
	int workdays;		/* by the agency's calendar */
	struct vrep_vehicle *vehicles;
	size_t nvehicles;
	struct vrep_driver *drivers;
	size_t ndrivers;
};

/* "YYYY-MM" -> yyyymm (years 2000..2100). 0 or ERR_INVALID on field. */
int vrep_parse_month(const char *s, const char *field, int *month, struct err *e);
/* [*from, *to): month's Shanghai window in epoch ms. */
void vrep_month_window(int month, int64_t *from, int64_t *to);

/* The month's report of who's agency: every vehicle not retired (or with trips or
 * costs in the month) by plate, every driver by name. */
int vrep_month(struct db *db, struct arena *a, const struct actor *who, int month,
	       struct vrep *out, struct err *e);
json_t *vrep_json(const struct vrep *r);

/* GET /vehicles/calendar: lanes of vehicles with their live bookings in [from, to), and the
 * approved trips starting then that no vehicle is dispatched to. *out a new reference. */
int vrep_calendar(struct db *db, struct arena *a, const struct actor *who, int64_t from,
		  int64_t to, json_t **out, struct err *e);

/* 公示: the month's returned and closed trips (by departure) without a name or a phone:
 * {date, department_name, purpose, destination, km, cost_fen}; *total all of them.
 * *items is a new reference (the caller's). */
int vrep_public(struct db *db, struct arena *a, const struct actor *who, int month,
		int64_t limit, int64_t offset, json_t **items, int64_t *total, struct err *e);

/* report_api.c */
#include "core/export.h"
extern const struct export_col vrep_vehicle_cols[], vrep_driver_cols[], vrep_public_cols[],
	vrep_calendar_cols[];
int vrep_api_report(struct req *rq, struct resp *rs, struct err *e);
int vrep_api_calendar(struct req *rq, struct resp *rs, struct err *e);
int vrep_api_public(struct req *rq, struct resp *rs, struct err *e);

#endif
