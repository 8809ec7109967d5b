/*
** modules/supplies/report.h: the monthly report of 办公用品 (issue #16 item 5):
** consumption per department against its quota, the top items, categories and
** the ledger's opening / in / out / closing value of the month. It reads the
** stock ledger only (and the quotas and requisitions of requisitions.c), so
** every figure is a sum of movements and can be checked against SQL.
*/
#ifndef HOUQIN_SUPPLIES_REPORT_H
#define HOUQIN_SUPPLIES_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;
struct req;
struct resp;

#define SUP_REPORT_TOP 10	/* top items shown */

struct sup_report_dept {
	int64_t department_id, issued_value_fen, requisitions;
	int64_t quota_fen;	/* the month's; 0 when none is set (pct null) */
	const char *name;
};

struct sup_report_item {
	int64_t item_id, qty, value_fen;
	const char *code, *name, *unit, *category;
};

struct sup_report_cat {
	const char *category;
	int64_t issued_value_fen, purchased_value_fen;
};

struct sup_report {
	int64_t year, month;
	struct sup_report_dept *depts;
	struct sup_report_item *items;
	struct sup_report_cat *cats;
	size_t n_depts, n_items, n_cats;
	int64_t opening_fen, in_fen, out_fen, closing_fen;
};

/*
** The report of month (1-12) of year for who's agency. Issues count for the
** department they went to (stock_movement.department_id), in the month of
** their occurred_at (Asia/Shanghai). The ledger's in and out are every movement
** by its sign (stocktake adjustments too), so opening + in − out = closing.
*/
int sup_report(struct db *db, struct arena *a, const struct actor *who, int64_t year,
	       int64_t month, struct sup_report *out, struct err *e);
json_t *sup_report_json(const struct sup_report *r);

/* GET /supplies/report?month=YYYY-MM[&format=csv|xlsx&part=departments|items|ledger] (report_api.c) */
int sup_api_report(struct req *rq, struct resp *rs, struct err *e);

#endif
