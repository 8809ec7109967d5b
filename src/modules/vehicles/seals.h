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

struct veh_seal {
	int64_t id, vehicle_id, created_by, created_at, lifted_at;	/* lifted_at 0: in force */
	int from_date, to_date;	/* yyyymmdd, inclusive */
	const char *plate, *reason;
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

#endif
