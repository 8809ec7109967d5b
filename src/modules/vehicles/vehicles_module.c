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
#include "modules/vehicles/flags.h"
#include "modules/vehicles/seals.h"
#include "modules/vehicles/costs.h"
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
	{ "trip_flag", VEH_OVERSEERS, flag_visible },
	{ "vehicle_seal", VEH_OVERSEERS, seal_visible },
	/* a leader's leave for a sealed vehicle: whoever sees its trip */
	{ "vehicle_seal_override", 0, seal_override_visible },
	{ "vehicle_cost", COST_READERS, cost_visible },
	{ "vehicle_vendor", COST_READERS, vendor_visible },
	{ "fuel_import", ROLE_OFFICE | ROLE_SUPERVISOR, fuel_import_visible },
	/* the fleet's settings, id the agency (vehicles_settings.c) */
	{ "vehicle_setting", ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR, veh_settings_visible },
	{ 0 }
};

static const struct module_job jobs[] = {
	{ "vehicle_renewal_reminders", veh_remind_job,
	  "insurance / inspection / licence reminders sent" },
	{ 0 }
};

static const struct appr_kind *const kinds[] = { &trip_appr_kind, &seal_appr_kind, NULL };

/*
** The demo: the fleet and drivers (vehicles_demo.c), the 国庆 seal (seals_demo.c,
** idempotent: the trips' demo may call it too), the cost lines (costs_demo.c),
** then the trips (trips_demo.c), then the costs and fuel-card imports.
*/
static int
demo(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	return veh_demo(db, a, prefix, e) || seal_demo(db, a, prefix, e) ||
	       cost_demo_budget(db, a, prefix, e) ||	/* lines first: tolls post at return */
	       trip_demo_seed(db, a, prefix, e) ||
	       cost_demo_seed(db, a, prefix, e) ? e->code : 0;
}

/* Every agency's default approval rules, per kind (core/approval.h appr_rule_seed). */
static const struct appr_rule rules[] = {
	/* 部门负责人 for an in-city workday trip; also 分管领导 for the rest (trip_route_amount) */
	{ .kind = "vehicle_trip", .name = "用车（市内、工作日当天）", .min_amount_fen = -1,
	  .max_amount_fen = 1, .nsteps = 1, .steps = { APPR_STEP_DEPT_HEAD } },
	{ .kind = "vehicle_trip", .name = "用车（市外、跨夜或节假日）", .min_amount_fen = 1,
	  .max_amount_fen = -1, .nsteps = 2, .steps = { APPR_STEP_DEPT_HEAD, APPR_STEP_LEADER } },
	/* a sealed vehicle sent out all the same: 分管领导, one step */
	{ .kind = "vehicle_seal_override", .name = "封存车辆派车", .min_amount_fen = -1,
	  .max_amount_fen = -1, .nsteps = 1, .steps = { APPR_STEP_LEADER } },
	{ 0 }
};

const struct module vehicles_module = {
	.name = "vehicles",
	.routes = vehicles_routes,
	.messages = vehicles_msg,
	.history = history,
	.demo = demo,
	.jobs = jobs,
	.approval_kinds = kinds,
	.approval_rules = rules,
	.counters = trip_home_counters,
	.requests = &trip_home_requests,
};
