/*
** modules/vehicles/vehicles_module.c: 公务用车 (issue #15): the vehicle pool and
** its drivers, trip requests with approval, dispatch on the booking core
** (core/booking.h), trip logs. The descriptor lists the module's routes (one
** table, vehicles_api.c) and its texts.
*/
#include "http/router.h"
#include "core/approval.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/msg.h"
#include "module.h"
#include "modules/vehicles/trips.h"
#include "modules/vehicles/vehicles.h"

extern const struct route vehicles_routes[];	/* vehicles_api.c */
extern const struct msg vehicles_msg[];	/* vehicles_msg.c */
extern const struct module_counter trip_home_counters[];	/* trips_home.c */
extern const struct module_requests trip_home_requests;

/* entity codes of aud_record; who may open a record's history */
static const struct module_history history[] = {
	{ "vehicle", ROLE_BUSINESS_READERS, veh_visible },
	{ "driver", VEH_OVERSEERS, drv_visible },
	/* a trip: its requester, department head, driver, the office, leaders (trip_visible) */
	{ "vehicle_trip", 0, trip_visible },
	/* the fleet's settings, id the agency (vehicles_settings.c) */
	{ "vehicle_setting", ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR, veh_settings_visible },
	{ 0 }
};

static const struct module_job jobs[] = {
	{ "vehicle_renewal_reminders", veh_remind_job,
	  "insurance / inspection / licence reminders sent" },
	{ 0 }
};

static const struct appr_kind *const kinds[] = { &trip_appr_kind, NULL };

/* The demo: the fleet and drivers (vehicles_demo.c), then three weeks of trips on them (trips_demo.c). */
static int
demo(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	return veh_demo(db, a, prefix, e) || trip_demo_seed(db, a, prefix, e) ? e->code : 0;
}

const struct module vehicles_module = {
	.name = "vehicles",
	.routes = vehicles_routes,
	.messages = vehicles_msg,
	.history = history,
	.demo = demo,
	.jobs = jobs,
	.approval_kinds = kinds,
	.agency_init = trip_agency_init,	/* the vehicle_trip approval rules */
	.counters = trip_home_counters,
	.requests = &trip_home_requests,
};
