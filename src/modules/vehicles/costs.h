/*
** modules/vehicles/costs.h: a vehicle's costs (issue #15 item 5): refuelling,
** maintenance, repairs, insurance, 年审, tolls and parking — each a row (table
** vehicle_cost) spent through the budget engine (core/budget.h budget_spend) on
** the 公务用车运行维护费 (30231) line of the vehicle's department (a pool
** vehicle's: the settings' pool department) for the year of occurred_on, in the
** same transaction, audited ("vehicle_cost" "create"). Owned by costs*.c, with
** the vendors (定点 garages and stations) and the fuel-card import.
*/
#ifndef HOUQIN_VEHICLE_COSTS_H
#define HOUQIN_VEHICLE_COSTS_H

#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;
struct trip;
struct trip_log_in;

#define VEH_COST_CLASS "30231"	/* 公务用车运行维护费 */

/* Kinds (cost_kind_codes, NULL-terminated, in this order) */
/* fuel maintenance repair insurance inspection toll_parking */
extern const char *const cost_kind_codes[];

struct cost_in {
	int64_t vehicle_id;
	const char *kind;
	int64_t amount_fen;	/* > 0 */
	int occurred_on;	/* yyyymmdd */
	int64_t vendor_id;	/* a registered vendor, or 0 and vendor_name */
	const char *vendor_name;
	const char *reason;	/* required at a non-designated (非定点) vendor */
	const char *note;
	int64_t workorder_id;	/* a 报修 work order (repair / maintenance) */
	int64_t trip_id;	/* tolls and parking of a trip */
	int64_t fuel_import_id;	/* a fuel-card import's line */
	int64_t litres_x100;	/* fuel */
};

/*
** Post one cost in the caller's write transaction: checked (400 fields; 422
** reason_required, repair_source_required (a repair neither linked to a work
** order nor at a designated garage), no_pool_department, no_budget_line,
** over_budget, period_closed), then written, spent and audited. *id the row.
*/
int cost_post(struct db *db, struct arena *a, const struct actor *who, const struct cost_in *in,
	      int64_t *id, struct err *e);

/* trip_return's hook: the trip's tolls and parking (in) as one toll_parking cost when > 0. */
int cost_on_return(struct db *db, struct arena *a, const struct actor *who, const struct trip *t,
		   const struct trip_log_in *in, struct err *e);

#endif
