/*
** modules/vehicles/vehicles.h: 公务用车 (issue #15): the vehicle registry and
** the drivers (this file's first part), for the trips part to book through
** core/booking.h. The office (ROLE_OFFICE) keeps the registry; every business
** role reads it. Writes need a write transaction and are audited ("vehicle"
** create/update, "driver" update). Strings in outputs live in the arena.
** Dates (insurance, 年审, purchase, licence) are yyyymmdd, shown YYYY-MM-DD.
*/
#ifndef HOUQIN_VEHICLES_H
#define HOUQIN_VEHICLES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;

/* The gap between two trips of one vehicle or driver until the office sets another. */
#define VEH_BUFFER_MIN_DEFAULT 30
/* booking.h resource kinds: a vehicle by vehicle.id, a driver by app_user.id */
#define BOOKING_VEHICLE "vehicle"
#define BOOKING_DRIVER "driver"

/* Who reads the dispatch side (drivers, a vehicle's calendar): the office, leaders, supervisors. */
#define VEH_OVERSEERS (ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR)

#define VEH_SEATS_MAX 60
#define VEH_TEXT_MAX 40		/* brand, model */
#define VEH_PLATE_MAX 16	/* bytes of the canonical plate, 京A·D12345 */

extern const char *const veh_type_codes[];	/* sedan business suv bus */
extern const char *const veh_energy_codes[];	/* petrol diesel electric */
extern const char *const veh_status_codes[];	/* available in_use maintenance sealed retired */
extern const char *const veh_licence_codes[];	/* A1 A2 B1 B2 C1 C2 */

struct vehicle {
	int64_t id, seats, tank_litres, battery_kwh, department_id, odometer_km, price_fen;
	int insurance_expiry, inspection_due, purchase_date;	/* yyyymmdd, 0 = none */
	const char *plate, *brand, *model, *type, *energy, *status, *department_name;
	int64_t created_at, updated_at;
};

/* POST / PUT body; dates as "YYYY-MM-DD" strings (NULL = none). */
struct vehicle_in {
	const char *plate, *brand, *model, *type, *energy, *status;
	int64_t seats, tank_litres, battery_kwh, department_id, odometer_km, price_fen;
	const char *insurance_expiry, *inspection_due, *purchase_date;
	int64_t updated_at;	/* PUT: the value read */
};

struct veh_filter {
	const char *status, *type, *q;	/* NULL = any */
	int64_t department_id;	/* 0 = any */
	int64_t limit, offset;
};

/* Canonical plate (province, letter, "·", 5 or 6 more) into out, else ERR_INVALID on "plate". */
int veh_plate_norm(const char *in, char *out, size_t size, struct err *e);

int veh_list(struct db *db, struct arena *a, const struct actor *who,
	     const struct veh_filter *f, struct vehicle **items, size_t *n, int64_t *total,
	     struct err *e);
/* One vehicle of who's agency; ERR_NOT_FOUND "vehicle_not_found". */
int veh_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    struct vehicle *out, struct err *e);
/* Office only: ERR_INVALID, ERR_CONFLICT "duplicate" (plate), "stale" (PUT). */
int veh_create(struct db *db, struct arena *a, const struct actor *who,
	       const struct vehicle_in *in, struct vehicle *out, struct err *e);
/* PUT: a whole vehicle; ERR_RULE "odometer_backwards" when odometer_km goes down. */
int veh_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	       const struct vehicle_in *in, struct vehicle *out, struct err *e);
/*
** For trips: set the vehicle's status (NULL: keep) and odometer (-1: keep);
** ERR_RULE "odometer_backwards" below its reading. Not audited here: the
** trip's own record (depart/return) says it. Moves updated_at.
*/
int veh_trip_update(struct db *db, const struct actor *who, int64_t id, const char *status,
		    int64_t odometer_km, struct err *e);
/* Vehicles with status available, seats >= seats and no booking within the buffer of [start, end). */
int veh_available(struct db *db, struct arena *a, const struct actor *who, int64_t start_ms,
		  int64_t end_ms, int64_t seats, struct vehicle **items, size_t *n,
		  struct err *e);
int veh_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		struct err *e);
json_t *veh_json(const struct vehicle *v);

/* ---------- drivers (drivers.c): workers with a licence ---------- */

struct driver {
	int64_t user_id;
	const char *name, *phone, *department_name, *licence_class;
	int licence_expiry;	/* yyyymmdd */
	int active, busy;	/* busy: a live driver booking covers now */
	int64_t updated_at;
};

struct driver_in {
	const char *licence_class, *licence_expiry;
	int64_t updated_at;	/* the profile's, as read; 0 for a first profile */
};

/* Every driver of who's agency, by name; start/end set (end > start): only those free then. */
int drv_list(struct db *db, struct arena *a, const struct actor *who, int64_t start_ms,
	     int64_t end_ms, struct driver **items, size_t *n, struct err *e);
/* One driver (a worker with a profile) of who's agency; ERR_NOT_FOUND "driver_not_found". */
int drv_get(struct db *db, struct arena *a, const struct actor *who, int64_t user_id,
	    struct driver *out, struct err *e);
/* Office: set the profile; ERR_RULE "not_a_worker" when the user lacks the worker role. */
int drv_put(struct db *db, struct arena *a, const struct actor *who, int64_t user_id,
	    const struct driver_in *in, struct driver *out, struct err *e);
int drv_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		struct err *e);
json_t *drv_json(const struct driver *d);

/* ---------- HTTP (vehicles_api_reg.c; rows in vehicles_api.c) ---------- */

#include "core/export.h"
#include "core/validate.h"

struct req;
struct resp;
extern const struct field veh_fields[], veh_put_fields[], drv_fields[];
extern const struct export_col veh_cols[];
int veh_api_list(struct req *rq, struct resp *rs, struct err *e);
int veh_api_create(struct req *rq, struct resp *rs, struct err *e);
int veh_api_get(struct req *rq, struct resp *rs, struct err *e);
int veh_api_update(struct req *rq, struct resp *rs, struct err *e);
int veh_api_available(struct req *rq, struct resp *rs, struct err *e);
int veh_api_bookings(struct req *rq, struct resp *rs, struct err *e);
int drv_api_list(struct req *rq, struct resp *rs, struct err *e);
int drv_api_available(struct req *rq, struct resp *rs, struct err *e);
int drv_api_put(struct req *rq, struct resp *rs, struct err *e);

/* ---------- settings (vehicles_settings.c, table vehicle_setting) ---------- */

struct veh_settings {
	int64_t buffer_min;	/* 0–240; VEH_BUFFER_MIN_DEFAULT until saved */
	int64_t pool_department_id;	/* bears pool vehicles' costs; 0 = not set */
	const char *pool_department_name;
	int64_t updated_at;	/* 0 = never saved */
};

/* agency's settings, the defaults when never saved. */
int veh_settings_get(struct db *db, struct arena *a, int64_t agency, struct veh_settings *out,
		     struct err *e);
/* The buffer between two trips of one vehicle or driver, in ms (dispatch, availability). */
int veh_buffer_ms(struct db *db, struct arena *a, int64_t agency, int64_t *out, struct err *e);

#define VEH_BUFFER_MIN_MAX 240	/* the table's CHECK */

struct veh_settings_in {
	int64_t buffer_min, pool_department_id;	/* pool 0: none */
	int64_t updated_at;	/* as read; required once saved */
};

/*
** Office: save who's agency's settings in the caller's write transaction,
** audited ("vehicle_setting" "update", id the agency). ERR_INVALID
** buffer_min / pool_department_id (not a department of the agency);
** ERR_CONFLICT "stale" when updated_at is not the one saved. Fills *out.
*/
int veh_settings_put(struct db *db, struct arena *a, const struct actor *who,
		     const struct veh_settings_in *in, struct veh_settings *out, struct err *e);
int veh_settings_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			 struct err *e);
/* {buffer_min, pool_department_id, pool_department_name, updated_at (null: never saved)} */
json_t *veh_settings_json(const struct veh_settings *s);
extern const struct field veh_settings_fields[];
int veh_api_settings_get(struct req *rq, struct resp *rs, struct err *e);
int veh_api_settings_put(struct req *rq, struct resp *rs, struct err *e);

/* vehicles_remind.c: the module job telling the office 30/7/1 days before a date expires */
struct cal;
int veh_remind_job(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *done,
		   struct err *e);

/* vehicles_demo.c */
int veh_demo(struct db *db, struct arena *a, const char *prefix, struct err *e);

#endif
