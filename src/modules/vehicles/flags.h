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

#include <jansson.h>
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

#endif
