/*
** core/booking.h: time bookings of shared resources (issue #15): a vehicle and
** its driver for a trip now, a meeting room later. Modules never look for
** overlaps themselves; they reserve through here in their own write transaction.
**
** A resource is (kind, id) within an agency: ("vehicle", 12), ("driver", 40)
** (a user id), ("room", 3). A booking holds [start_ms, end_ms) for an owner
** record (module, id), as a `hold` (tentative, e.g. a trip being dispatched;
** it lapses at hold_until) or `confirmed`; a cancelled booking is kept with
** status `cancelled` for the record's history and blocks nothing.
**
** Conflicts: a resource needs `buffer_ms` between two bookings (a vehicle's 30
** minutes to come back and be refuelled; the module passes its configured
** value). A new booking [s, e) conflicts with a live one [s2, e2) of the same
** resource when s < e2 + buffer and s2 < e + buffer; bookings that merely
** touch across the buffer (e2 + buffer == s) do not. Found by index on
** (agency, kind, resource, start), never by scanning.
**
** Races: booking_reserve first locks the resource's row in booking_resource
** (created on first use; SELECT ... FOR UPDATE on PostgreSQL, the single writer
** on SQLite), then looks for conflicts and inserts, so of two transactions
** reserving one resource for overlapping times exactly one succeeds and the
** other gets ERR_CONFLICT "schedule_conflict" naming the booking it hit.
**
** Bookings are data of the owning module's record: audit the change on the
** owner (the trip's "dispatch"), not here. Strings in outputs live in the arena.
*/
#ifndef HOUQIN_BOOKING_H
#define HOUQIN_BOOKING_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;

#define BOOKING_KIND_MAX 16

enum booking_status { BOOKING_HOLD, BOOKING_CONFIRMED, BOOKING_CANCELLED };
extern const char *const booking_status_codes[];	/* "hold","confirmed","cancelled",NULL */

/* 1 when [s1, e1) and [s2, e2) come closer than buffer_ms (pure: the unit test's rule). */
int booking_overlaps(int64_t s1, int64_t e1, int64_t s2, int64_t e2, int64_t buffer_ms);

struct booking_req {
	const char *res_kind;	/* "vehicle", "driver", "room" */
	int64_t res_id;
	int64_t start_ms, end_ms;	/* end > start, else ERR_INVALID on "end_at" */
	int64_t buffer_ms;	/* >= 0 */
	const char *owner_module;	/* "vehicle_trip" */
	int64_t owner_id;
	int hold;		/* 1: a hold until hold_until; 0: confirmed */
	int64_t hold_until;
};

/* The live booking a request ran into (or found by booking_find). */
struct booking {
	int64_t id, res_id, start_ms, end_ms, owner_id, hold_until;
	const char *res_kind, *owner_module;
	enum booking_status status;
};

/*
** Reserve in->res for who's agency. ERR_CONFLICT "schedule_conflict" (with
** *conflict filled, message naming the other owner and its times in Shanghai
** time) when a live booking (confirmed, or a hold not yet lapsed) of the
** resource is closer than the buffer. Bookings of the same owner never
** conflict with each other (re-dispatching a trip moves its booking: cancel the
** old one first). *id is the new booking.
*/
int booking_reserve(struct db *db, const struct actor *who, const struct booking_req *in,
		    int64_t *id, struct booking *conflict, struct err *e);
/* A hold becomes confirmed. ERR_NOT_FOUND; ERR_CONFLICT "hold_lapsed" when it lapsed. */
int booking_confirm(struct db *db, const struct actor *who, int64_t id, struct err *e);
/* Cancel booking id (any live status); cancelling a cancelled one is a no-op. */
int booking_cancel(struct db *db, const struct actor *who, int64_t id, struct err *e);
/* Cancel every live booking of the owner (a cancelled trip). */
int booking_cancel_owner(struct db *db, const struct actor *who, const char *owner_module,
			 int64_t owner_id, struct err *e);

/*
** The resources of res_kind in agency with a live booking closer than
** buffer_ms to [start_ms, end_ms): their ids ascending, in the arena (for
** GET /vehicles/available: the free ones are the rest).
*/
int booking_busy(struct db *db, struct arena *a, int64_t agency, const char *res_kind,
		 int64_t start_ms, int64_t end_ms, int64_t buffer_ms, int64_t **ids, size_t *n,
		 struct err *e);

/* Live bookings of one resource overlapping [from_ms, to_ms), by start (a calendar view). */
int booking_list(struct db *db, struct arena *a, int64_t agency, const char *res_kind,
		 int64_t res_id, int64_t from_ms, int64_t to_ms, struct booking **items, size_t *n,
		 struct err *e);

#endif
