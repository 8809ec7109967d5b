/*
** modules/vehicles/seals.h: 节假日封存 (issue #15 item 3): the office seals
** vehicles from a date to a date (yyyymmdd, Asia/Shanghai; both days included);
** a trip touching a sealed day cannot be dispatched onto that vehicle unless a
** leader approved it (approval kind vehicle_seal_override, asked by the office
** for that trip and vehicle). Owned by seals*.c. The status `sealed` of a vehicle
** (set by hand, indefinite) stays as it is: dispatch refuses it outright.
*/
#ifndef HOUQIN_VEHICLE_SEALS_H
#define HOUQIN_VEHICLE_SEALS_H

#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;
struct trip;
struct appr_kind;

struct veh_seal {
	int64_t id, vehicle_id, created_by, created_at, lifted_at;	/* lifted_at 0: in force */
	int from_date, to_date;	/* yyyymmdd, inclusive */
	const char *plate, *reason;
	/* seal_list / seal_create / seal_lift fill these too */
	int64_t lifted_by;
	const char *created_by_name, *lift_reason;
};

/*
** The seal in force of vehicle vehicle_id covering any day of [from_date,
** to_date]: *found = 1 and *out filled, else *found = 0.
*/
int seal_find(struct db *db, struct arena *a, int64_t agency, int64_t vehicle_id, int from_date,
	      int to_date, struct veh_seal *out, int *found, struct err *e);

/*
** Dispatch's check, in its transaction: 0 when vehicle_id has no seal over
** trip t's days, or t holds an approved override for that vehicle; else
** ERR_RULE "vehicle_sealed" on "vehicle_id" naming the seal's dates and saying
** a leader's approval is needed.
*/
int seal_check_dispatch(struct db *db, struct arena *a, const struct actor *who,
			const struct trip *t, int64_t vehicle_id, struct err *e);

/* ---------- the seals' own part (seals*.c) ---------- */

#include <jansson.h>
#include <stddef.h>

#define SEAL_TEXT_MAX 200	/* reason */
#define SEAL_VEHICLES_MAX 500	/* vehicle_ids of one POST */
#define SEAL_DAYS_MAX 366	/* a longer seal is a status (sealed), not a holiday */

struct seal_in {
	const int64_t *vehicle_ids;	/* n == 0: every vehicle of the agency not retired */
	size_t nvehicles;
	const char *from, *to, *reason;	/* "YYYY-MM-DD" */
};

struct seal_filter {
	int64_t vehicle_id;	/* 0 = any */
	int active;		/* -1 any, 1 in force (not lifted, not ended), 0 lifted or ended */
	int from_date, to_date;	/* seals touching [from, to]; 0 = open */
	int64_t limit, offset;
};

/* A leader's leave for one trip on one sealed vehicle (table vehicle_seal_override). */
struct seal_override {
	int64_t id, trip_id, vehicle_id, approval_id, requested_by, created_at;
	const char *plate, *status, *reason;	/* status pending approved rejected withdrawn */
};

/* Office, leader, supervisor: seals of who's agency, newest first. */
int seal_list(struct db *db, struct arena *a, const struct actor *who,
	      const struct seal_filter *f, struct veh_seal **items, size_t *n, int64_t *total,
	      struct err *e);
/* Office: one seal per vehicle, each audited ("vehicle_seal" create). ERR_INVALID as api.md says. */
int seal_create(struct db *db, struct arena *a, const struct actor *who, const struct seal_in *in,
		struct veh_seal **items, size_t *n, struct err *e);
/* Office: end a seal early (audited "lift"); 409 already_lifted, 422 seal_ended. */
int seal_lift(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      const char *reason, struct veh_seal *out, struct err *e);
/*
** The trips already dispatched onto a vehicle of seals[0..n) on one of its
** days without a leader's leave: the office is told when it seals (they keep
** their car, but the driver's departure will be flagged).
*/
struct seal_hit {
	int64_t trip_id, vehicle_id, start_at;
	const char *code, *plate;
};
int seal_hits(struct db *db, struct arena *a, int64_t agency, const struct veh_seal *seals,
	      size_t n, struct seal_hit **out, size_t *nout, struct err *e);
int seal_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct err *e);
json_t *seal_json(const struct veh_seal *s);

/*
** Office: ask a leader to let trip_id go out on sealed vehicle_id (approval
** kind vehicle_seal_override, entity the trip). 422 not_sealed when no seal
** covers the trip's days; 409 override_exists when one is pending or approved.
*/
int seal_override_ask(struct db *db, struct arena *a, const struct actor *who, int64_t trip_id,
		      int64_t vehicle_id, const char *reason, struct seal_override *out,
		      struct err *e);
/* The overrides asked for trip_id, oldest first (the trip's detail). */
int seal_overrides_of(struct db *db, struct arena *a, int64_t agency, int64_t trip_id,
		      struct seal_override **items, size_t *n, struct err *e);
/* 1 in *yes when trip_id holds an approved override for vehicle_id (flags: sealed_movement). */
int seal_override_approved(struct db *db, int64_t agency, int64_t trip_id, int64_t vehicle_id,
			   int *yes, struct err *e);
int seal_override_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			  struct err *e);
/* [{vehicle_id, plate, status, approval_id, reason, created_at}] */
json_t *seal_overrides_json(const struct seal_override *items, size_t n);
extern const struct appr_kind seal_appr_kind;

/* seals_demo.c: the 2026 国庆 seal on every pool vehicle, and one urgent trip's override. */
int seal_demo(struct db *db, struct arena *a, const char *prefix, struct err *e);

/* HTTP (seals_api.c) */
#include "core/export.h"
#include "core/validate.h"

struct req;
struct resp;
extern const struct field seal_fields[], seal_lift_fields[], seal_override_fields[];
extern const struct export_col seal_cols[];
int seal_api_list(struct req *rq, struct resp *rs, struct err *e);
int seal_api_create(struct req *rq, struct resp *rs, struct err *e);
int seal_api_lift(struct req *rq, struct resp *rs, struct err *e);
int seal_api_override(struct req *rq, struct resp *rs, struct err *e);

#endif
