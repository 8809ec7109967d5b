/*
** modules/vehicles/flags.h: the supervisor's flags on trip logs (issue #15
** item 4): each a row (table trip_flag) with its kind, the vehicle, the driver
** and trip when known, and its evidence (the figures that raised it), raised
** once per (kind, dedupe key) inside the transaction of the move that revealed
** it. Read through GET /api/v1/trip-flags (supervisor, leader, office).
** Owned by flags*.c; the rules are pure functions (unit-tested), the hooks below
** apply them.
*/
#ifndef HOUQIN_VEHICLE_FLAGS_H
#define HOUQIN_VEHICLE_FLAGS_H

#include "core/clock.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;
struct trip;

/* Kinds (flag_kind_codes, NULL-terminated, in this order) */
#define FLAG_LATE_RETURN "late_return"	/* back > 1 h after the approved end */
#define FLAG_OVER_DISTANCE "over_distance"	/* driven > 2 × est_km */
#define FLAG_ODOMETER_GAP "odometer_gap"	/* km that appeared between two logged trips */
#define FLAG_OFF_DAY "off_day_unapproved"	/* driven on a weekend/holiday no approved request covers */
#define FLAG_SEALED_MOVEMENT "sealed_movement"	/* any movement of a sealed vehicle */
#define FLAG_REFUEL_NO_TRIP "refuel_no_trip"	/* a fuel-card refuel on a day without a trip */
#define FLAG_REFUEL_OVER_TANK "refuel_over_tank"	/* more litres than the tank holds */
extern const char *const flag_kind_codes[];

struct flag_in {
	const char *kind;	/* FLAG_* */
	const char *dedupe;	/* unique per agency and kind: "trip:12", "cost:7", ... */
	int64_t vehicle_id;	/* required */
	int64_t driver_id, trip_id, cost_id;	/* 0 = none */
	int64_t occurred_at;	/* epoch ms: when it happened (not when it was found) */
	json_t *evidence;	/* borrowed: the figures, e.g. {"est_km":40,"driven_km":95} */
};

/* Insert the flag unless (agency, kind, dedupe) exists; *id its id (0 when it existed). */
int flag_raise(struct db *db, struct arena *a, int64_t agency, const struct flag_in *in,
	       int64_t *id, struct err *e);

/*
** Hooks of the trip moves (trips_dispatch.c), inside their transaction.
** depart: t as loaded before the move, last_km the vehicle's reading then,
** odometer_km the departure reading (odometer_gap, sealed_movement).
** return: the trip re-read after the move (late_return, over_distance,
** off_day_unapproved, sealed_movement).
*/
int flag_on_depart(struct db *db, struct arena *a, const struct actor *who, const struct trip *t,
		   int64_t last_km, int64_t odometer_km, struct err *e);
int flag_on_return(struct db *db, struct arena *a, const struct actor *who, int64_t trip_id,
		   struct err *e);

/*
** The fuel-card import's check of one refuel (vehicle_costs, kind fuel, row
** cost_id): no trip of the vehicle that day (date yyyymmdd) → refuel_no_trip;
** litres_x100 over the tank → refuel_over_tank; during a seal → sealed_movement.
*/
int flag_check_refuel(struct db *db, struct arena *a, int64_t agency, int64_t vehicle_id,
		      int date, int64_t litres_x100, int64_t cost_id, struct err *e);

/* ---------- the pure rules (flags_rules.c): 1 when the figures raise the flag ---------- */

#define FLAG_LATE_GRACE_MS HOUR_MS	/* back this long after the approved end is still on time */
#define FLAG_DISTANCE_FACTOR 2	/* driven over this many times the estimate */
#define FLAG_GAP_TOLERANCE_KM 0	/* odometers are read whole: any km unaccounted for counts */
#define FLAG_DAYS_MAX 62	/* days of one trip looked at (a trip is at most 31) */
#define FLAG_NOTE_MAX 500

struct cal;

/* return_at more than FLAG_LATE_GRACE_MS after end_at; *late_min the whole minutes late. */
int flag_is_late(int64_t end_at, int64_t return_at, int64_t *late_min);
/* driven_km over FLAG_DISTANCE_FACTOR × est_km; never when there is no estimate. */
int flag_is_over_distance(int64_t est_km, int64_t driven_km);
/* depart_km above last_km by more than FLAG_GAP_TOLERANCE_KM. */
int flag_is_gap(int64_t last_km, int64_t depart_km);
/*
** The first day (yyyymmdd, Shanghai) of [depart_at, return_at] that is not a
** working day of cal and lies outside the approved days [start_at, end_at); 0 none.
*/
int flag_off_day(const struct cal *cal, int64_t start_at, int64_t end_at, int64_t depart_at,
		 int64_t return_at);
/* More litres (×100) than the tank holds; electric vehicles and unknown tanks: never. */
int flag_is_over_tank(const char *energy, int64_t tank_litres, int64_t litres_x100);

/* ---------- reading and reviewing (flags.c) ---------- */

struct trip_flag {
	int64_t id, vehicle_id, driver_id, trip_id, cost_id, occurred_at, reviewed_at;
	const char *kind, *plate, *driver_name, *trip_code, *evidence, *reviewed_by_name;
	const char *review_note;
};

struct flag_filter {
	const char *kind;	/* NULL = any */
	int64_t vehicle_id, driver_id, from, to;	/* 0 = any; occurred_at in [from, to) */
	int reviewed;		/* -1 any, 0 not yet, 1 reviewed */
	int64_t limit, offset;
};

int flag_list(struct db *db, struct arena *a, const struct actor *who,
	      const struct flag_filter *f, struct trip_flag **items, size_t *n, int64_t *total,
	      struct err *e);
int flag_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct trip_flag *out, struct err *e);
/* The supervisor's 核查: audited ("trip_flag" review); 409 already_reviewed. */
int flag_review(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		const char *note, struct trip_flag *out, struct err *e);
int flag_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct err *e);
/* The Chinese one-liner of a flag, from its kind and evidence (arena string). */
const char *flag_summary(struct arena *a, const char *kind, const json_t *evidence);
json_t *flag_json(struct arena *a, const struct trip_flag *f);

/* flags_api.c */
#include "core/export.h"
#include "core/validate.h"

struct req;
struct resp;
extern const struct field flag_review_fields[];
extern const struct export_col flag_cols[];
int flag_api_list(struct req *rq, struct resp *rs, struct err *e);
int flag_api_review(struct req *rq, struct resp *rs, struct err *e);

#endif
