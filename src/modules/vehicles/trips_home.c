/*
** modules/vehicles/trips_home.c: what 用车 puts on the 工作台: the office's
** approved trips to dispatch, a driver's dispatched and running trips (both the
** totals of trip_list itself, so they equal the lists the web links to), and
** the requester's open trip requests.
*/
#include "modules/vehicles/trips.h"
#include "modules/vehicles/flags.h"
#include "core/auth.h"
#include "core/err.h"
#include "module.h"
#include "modules/home/home.h"

/* 待派车: /vehicles/trips?status=approved */
static int
count_to_dispatch(struct db *db, struct arena *a, const struct actor *who, int64_t now,
		  int64_t *n, struct err *e)
{
	struct trip_filter f = { .status = "approved" };
	struct trip *items;
	size_t k;

	(void)now;
	return trip_list(db, a, who, &f, &items, &k, n, e);
}

/* 我的出车任务: dispatched to who, not yet back. */
static int
count_my_tasks(struct db *db, struct arena *a, const struct actor *who, int64_t now,
	       int64_t *n, struct err *e)
{
	struct trip_filter f = { .driver_id = who->id };
	struct trip *items;
	size_t k;

	(void)now;
	return trip_list(db, a, who, &f, &items, &k, n, e);
}

/* 待核查异常: /vehicles/flags?reviewed=0 */
static int
count_flags(struct db *db, struct arena *a, const struct actor *who, int64_t now, int64_t *n,
	    struct err *e)
{
	struct flag_filter f = { .reviewed = 0 };
	struct trip_flag *items;
	size_t k;

	(void)now;
	return flag_list(db, a, who, &f, &items, &k, n, e);
}

const struct module_counter trip_home_counters[] = {
	{ "trips_to_dispatch", ROLE_OFFICE, count_to_dispatch },
	{ "trips_my_tasks", ROLE_WORKER, count_my_tasks },
	{ "trip_flags_unreviewed", ROLE_SUPERVISOR, count_flags },
	{ 0 }
};

/* 我的用车 still open: waiting for approval, a car, or on the road. */
static const char sql_mine[] =
	"SELECT id, code, destination, status, updated_at FROM vehicle_trip"
	" WHERE requester_id = :me AND agency_id = :agency"
	" AND status IN ('requested', 'approved', 'dispatched', 'on_trip', 'returned')"
	" ORDER BY updated_at DESC, id DESC LIMIT :limit";
static const char sql_mine_count[] =
	"SELECT COUNT(*) FROM vehicle_trip WHERE requester_id = :me AND agency_id = :agency"
	" AND status IN ('requested', 'approved', 'dispatched', 'on_trip', 'returned')";

static int
my_open_trips(struct db *db, struct arena *a, const struct actor *who, int64_t limit,
	      struct home_request **rows, size_t *n, int64_t *total, struct err *e)
{
	/* kind and entity "vehicle_trip": the web opens vehicleTripDetail */
	return home_requests_query(db, a, who, sql_mine_count, sql_mine, "vehicle_trip", limit,
				   rows, n, total, e);
}

const struct module_requests trip_home_requests = { 0, my_open_trips };
