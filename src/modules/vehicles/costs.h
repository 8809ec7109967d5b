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

/* ---------- reading (costs_read.c) ---------- */

#include <jansson.h>
#include <stddef.h>

struct cost {
	int64_t id, vehicle_id, department_id, amount_fen, vendor_id, workorder_id, trip_id;
	int64_t fuel_import_id, litres_x100, created_at;
	int occurred_on, designated, has_litres;
	const char *plate, *department_name, *kind, *vendor_name, *reason, *note;
	const char *workorder_code, *trip_code, *created_by_name;
};

struct cost_filter {
	int64_t vehicle_id, department_id, fuel_import_id, trip_id;	/* 0 = any */
	const char *kind;	/* NULL = any */
	int from, to;		/* occurred_on in [from, to], yyyymmdd; 0 = open */
	int64_t limit, offset;
};

/* Newest first. The list is for the office and the readers of the route row: no scope by person. */
int cost_list(struct db *db, struct arena *a, const struct actor *who,
	      const struct cost_filter *f, struct cost **items, size_t *n, int64_t *total,
	      struct err *e);
/* One cost of who's agency; ERR_NOT_FOUND "cost_not_found". */
int cost_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct cost *out, struct err *e);
int cost_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct err *e);
json_t *cost_json(const struct cost *c);

/* ---------- vendors 定点 garages and stations (costs_vendors.c) ---------- */

#define VENDOR_NAME_MAX 60
extern const char *const vendor_kind_codes[];	/* garage station other */

struct vendor {
	int64_t id, created_at, updated_at;
	int designated, active;
	const char *name, *kind;
};

struct vendor_in {
	const char *name, *kind;
	int designated, active;
	int64_t updated_at;	/* PUT: the value read */
};

/* Designated first, then by name; active_only: the 登记费用 dialog's choices. */
int vendor_list(struct db *db, struct arena *a, const struct actor *who, const char *kind,
		int active_only, struct vendor **items, size_t *n, struct err *e);
/* ERR_NOT_FOUND "vendor_not_found". */
int vendor_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	       struct vendor *out, struct err *e);
/* Registered vendor named name (exactly), *id 0 when none (the fuel card's station). */
int vendor_by_name(struct db *db, int64_t agency, const char *name, int64_t *id,
		   struct err *e);
/* Office; audited "vehicle_vendor" create/update; 409 duplicate (name), stale. */
int vendor_create(struct db *db, struct arena *a, const struct actor *who,
		  const struct vendor_in *in, struct vendor *out, struct err *e);
int vendor_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  const struct vendor_in *in, struct vendor *out, struct err *e);
int vendor_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		   struct err *e);
json_t *vendor_json(const struct vendor *v);

/* ---------- the fuel card's CSV (costs_csv.c: pure, unit-tested) ---------- */

#define FUEL_CSV_ROWS_MAX 5000
#define FUEL_CSV_ERRORS_MAX 50	/* reported; the rest are counted only */
#define FUEL_STATION_MAX 60

struct fuel_line {
	int line;		/* 1-based line of the file where the record starts (1 = header) */
	int date;		/* yyyymmdd */
	const char *plate;	/* canonical (veh_plate_norm) */
	int64_t litres_x100, amount_fen;
	const char *station;
};

struct csv_error {
	int line;		/* 0: the file as a whole */
	const char *field;	/* date plate litres amount station, or NULL */
	const char *msg, *msg_en;
};

struct fuel_csv {
	struct fuel_line *lines;
	size_t n;
	struct csv_error *errors;
	size_t nerrors;		/* kept, at most FUEL_CSV_ERRORS_MAX */
	size_t nbad;		/* every error found */
};

/*
** Parse and check body[0..len) (UTF-8, BOM tolerated, CRLF or LF, quoted fields
** with "" for a quote, a trailing blank line): the header exactly
** date,plate,litres,amount,station, then one refuel per line. Every line is
** checked; errors name their line. 0 (out filled, maybe with errors), or
** ERR_NOMEM.
*/
int fuel_csv_parse(struct arena *a, const char *body, size_t len, struct fuel_csv *out);
/* "123", "123.4", "123.45" as hundredths (fen, litres × 100); -1 when malformed or over max. */
int64_t csv_hundredths(const char *s, int64_t max);

/* ---------- the import (costs_import.c) ---------- */

struct fuel_import_result {
	int64_t id, rows, litres_x100, amount_fen;
	json_t *flags;		/* [{id, kind, cost_id, plate, date}] of the flags raised */
};

/*
** Import a parsed, error-free CSV in the caller's transaction: the fuel_import
** row, one fuel cost per line (cost_post; the card's station counts as
** designated), each checked by flag_check_refuel. A line whose plate is not
** registered: 400 naming it (the handler checks them first, csv->errors).
*/
int fuel_import(struct db *db, struct arena *a, const struct actor *who,
		const struct fuel_csv *csv, struct fuel_import_result *out, struct err *e);
/* The plates of csv not registered in who's agency become errors of csv (before any write). */
int fuel_check_plates(struct db *db, struct arena *a, const struct actor *who,
		      struct fuel_csv *csv, struct err *e);
int fuel_import_list(struct db *db, struct arena *a, const struct actor *who, int64_t limit,
		     int64_t offset, json_t **items, int64_t *total, struct err *e);

/* ---------- HTTP (costs_api.c; rows in vehicles_api.c) ---------- */

#include "core/export.h"
#include "core/validate.h"

struct req;
struct resp;
extern const struct field cost_fields[], vendor_fields[], vendor_put_fields[];
extern const struct export_col cost_cols[], vendor_cols[], fuel_import_cols[];
int cost_api_list(struct req *rq, struct resp *rs, struct err *e);
int cost_api_create(struct req *rq, struct resp *rs, struct err *e);
int vendor_api_list(struct req *rq, struct resp *rs, struct err *e);
int vendor_api_create(struct req *rq, struct resp *rs, struct err *e);
int vendor_api_update(struct req *rq, struct resp *rs, struct err *e);
int fuel_api_import(struct req *rq, struct resp *rs, struct err *e);
int fuel_api_list(struct req *rq, struct resp *rs, struct err *e);

/* costs_demo.c: vendors, 30231 lines, three months of fuel-card imports, a few other costs */
int cost_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e);

#endif
