/*
** modules/vehicles/trips.h: 用车申请 (issue #15): a trip requested for the
** requester's department, approved through the approval engine (kind
** vehicle_trip), dispatched by the office onto a vehicle and a driver booked
** through core/booking.h, driven and logged, rated by the requester and the
** passengers it names (trips_riders.c).
** Statuses and who moves them: trips_flow.c's transition table.
*/
#ifndef HOUQIN_TRIPS_H
#define HOUQIN_TRIPS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;
struct approval;
struct appr_kind;
struct seal_override;

#define TRIP_TEXT_MAX 200
#define TRIP_PASSENGERS_MAX 60
#define TRIP_KM_MAX 100000
#define TRIP_DAYS_MAX 31	/* a longer trip is not one request */
#define TRIP_PAST_SLACK_MS (5 * 60 * 1000)	/* a start this far back is "now", typed slowly */

enum trip_status {
	TRIP_REQUESTED, TRIP_APPROVED, TRIP_REJECTED, TRIP_DISPATCHED, TRIP_ON_TRIP,
	TRIP_RETURNED, TRIP_CLOSED, TRIP_CANCELLED, TRIP_STATUS_N
};
extern const char *const trip_status_codes[];	/* "requested", ..., NULL */

enum trip_action {
	TRIP_A_APPROVE, TRIP_A_REJECT, TRIP_A_DISPATCH, TRIP_A_DEPART, TRIP_A_RETURN,
	TRIP_A_RATE, TRIP_A_CANCEL
};

/* The parties an actor is to a trip (bits): what the transition table allows them. */
enum {
	TRIP_P_REQUESTER = 1 << 0,
	TRIP_P_OFFICE = 1 << 1,
	TRIP_P_DRIVER = 1 << 2,	/* the driver dispatched to it */
	TRIP_P_SYSTEM = 1 << 3,	/* the approval's outcome */
	TRIP_P_PASSENGER = 1 << 4,	/* a colleague the request names (trip_passenger) */
};

struct trip_in {
	const char *purpose, *destination, *passenger_names;
	int out_of_city;
	int64_t passengers, start_at, end_at, est_km;
	const int64_t *passenger_ids;	/* colleagues riding along: active users of the agency */
	size_t npassenger_ids;		/* at most passengers */
};

struct trip_log_in {
	int64_t odometer_km, fuel_litres_x100, tolls_fen, parking_fen;
};

struct trip {
	int64_t id, requester_id, department_id, passengers, start_at, end_at, est_km;
	int64_t approval_id, vehicle_id, driver_id, vehicle_booking_id, driver_booking_id;
	int64_t depart_at, depart_km, return_at, return_km;	/* 0: not yet */
	int64_t fuel_litres_x100, tolls_fen, parking_fen, rating, vehicle_seats;
	int64_t created_at, updated_at;
	int64_t ratings, rating_sum;	/* every rating (trip_rating), the requester's too */
	int out_of_city;
	int me_passenger, me_rated;	/* of the reader the row was read for (0 in trip_row) */
	const char *code, *status, *requester_name, *department_name, *purpose, *destination;
	const char *passenger_names, *plate, *driver_name, *rating_comment, *cancel_reason;
	struct approval *appr;	/* trip_get only; NULL otherwise */
	struct seal_override *seal_ovr;	/* trip_get only: the leader's leaves (seals.h) */
	size_t nseal_ovr;
	struct trip_rider *riders;	/* trip_get only: the passengers named */
	size_t nriders;
	struct trip_rating *rates;	/* trip_get only: every rating, oldest first */
	size_t nrates;
	struct {
		int dispatch, depart, ret, cancel, rate;
	} can;
};

struct trip_rider {
	int64_t user_id;
	const char *name;
};

struct trip_rating {
	int64_t user_id, rating, created_at;
	const char *name, *comment;
};

struct trip_filter {
	const char *status, *q;
	int mine;		/* requested by who, dispatched to who or who rides in it */
	int64_t department_id, from, to;	/* from/to: start_at in [from, to) */
	int64_t driver_id;	/* 0: any (the 工作台's trips_my_tasks) */
	int driving;		/* only dispatched and on_trip ones (a driver's tasks) */
	int64_t limit, offset;
};

/* trips.c */
int trip_create(struct db *db, struct arena *a, const struct actor *who, const struct trip_in *in,
		struct trip *out, struct err *e);
/* Who's scope: staff their own, dept heads their department's, office/leader/supervisor all; a
 * driver also the trips dispatched to them, a passenger the trips naming them. */
int trip_list(struct db *db, struct arena *a, const struct actor *who,
	      const struct trip_filter *f, struct trip **items, size_t *n, int64_t *total,
	      struct err *e);
/* One trip with its approval and what who may do with it (an approver of it reads it too). */
int trip_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct trip *out, struct err *e);
/* Row id of agency, unscoped (the approval hook, the writes). */
int trip_row(struct db *db, struct arena *a, int64_t agency, int64_t id, struct trip *out,
	     struct err *e);
/* The same, unscoped, with who's me_passenger and me_rated marks (a move's load). */
int trip_row_for(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct trip *out, struct err *e);
int trip_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct err *e);
/* Approval amount: 0 an in-city day trip on workdays, 1 one needing a leader too. */
int trip_route_amount(struct db *db, struct arena *a, int64_t agency, const struct trip_in *in,
		      int64_t *amount, struct err *e);
json_t *trip_json(const struct trip *t);
json_t *trip_detail_json(const struct trip *t);

/* trips_flow.c: the table, and the moves (each in the caller's write transaction) */
unsigned trip_parties(const struct actor *who, const struct trip *t);
/* 0 when action may move t for parties; 409 illegal_transition / 403 forbidden otherwise. */
int trip_allowed(enum trip_action action, const struct trip *t, unsigned parties,
		 struct err *e);
void trip_set_can(const struct actor *who, struct trip *t);
int trip_dispatch(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  int64_t vehicle_id, int64_t driver_id, struct err *e);
int trip_depart(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		int64_t odometer_km, struct err *e);
int trip_return(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		const struct trip_log_in *in, struct err *e);
int trip_cancel(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		const char *reason, struct err *e);
extern const struct appr_kind trip_appr_kind;
/* for the moves' files: trip id of who's agency if action may move it for who (403/404/409) */
int trip_load(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      enum trip_action action, struct trip *t, struct err *e);
/* the audit record of a move (before: the row as read) and the trip's "changed" event */
int trip_record(struct db *db, struct arena *a, const struct actor *who,
		const struct trip *before, const char *action, struct err *e);
/* the same with extra's members added to the record's after (extra: a new reference, taken) */
int trip_record_x(struct db *db, struct arena *a, const struct actor *who,
		  const struct trip *before, const char *action, json_t *extra, struct err *e);
/* notify user about t (never the actor); title a constant of the message table */
int trip_tell(struct db *db, struct arena *a, const struct actor *who, int64_t user,
	      const char *kind, const char *title, const struct trip *t, struct err *e);

/* trips_riders.c: the passengers a request names, and the ratings */
/* 400 on field passenger_ids: an id not an active user of who's agency, twice, or more ids
 * than in->passengers. */
int trip_riders_check(struct db *db, struct arena *a, const struct actor *who,
		      const struct trip_in *in, struct err *e);
int trip_riders_save(struct db *db, const struct actor *who, int64_t trip_id,
		     const struct trip_in *in, struct err *e);
/* t's riders and rates (trip_get) */
int trip_riders_load(struct db *db, struct arena *a, struct trip *t, struct err *e);
json_t *trip_riders_json(const struct trip *t);	/* [{id, name}] */
json_t *trip_rates_json(const struct trip *t);	/* [{user_id, name, rating, comment, created_at}] */
/* The requester (closing the trip) or a passenger rates it once it is back: 409 already_rated. */
int trip_rate(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      int64_t rating, const char *comment, struct err *e);
/* Tell the passengers of t, just returned, that they may rate it (trip.rate_invite). */
int trip_invite_raters(struct db *db, struct arena *a, const struct actor *who,
		       const struct trip *t, struct err *e);

/* trips_demo.c */
int trip_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e);

#endif
