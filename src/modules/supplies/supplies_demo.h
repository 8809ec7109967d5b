/*
** modules/supplies/supplies_demo.h: the demo's shared state between the catalog
** (supplies_demo.c: ~150 items, 8 suppliers, the opening stock) and the six
** months played through the flows (supplies_demo_flow.c). Internal to the demo.
*/
#ifndef HOUQIN_SUPPLIES_DEMO_H
#define HOUQIN_SUPPLIES_DEMO_H

#include "core/auth.h"

#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;

struct demo_item {
	const char *code, *name, *spec, *unit;
	int cat;	/* categories[] */
	int64_t price_fen, reorder, max, use;	/* use: the agency's month */
};

#define DEMO_NITEMS 146
#define DEMO_NSUPPLIERS 8
#define DEMO_NREQ 8	/* requesters, one a department */
#define DEMO_MONTHS 6	/* back from this one */

extern const struct demo_item demo_items[DEMO_NITEMS];
extern const char *const demo_categories[];
extern const int demo_supplier_of_cat[];

struct sdemo {
	struct db *db;
	struct arena *a;
	const char *prefix;
	struct actor office, office2, clerk, leader;	/* clerk: staff12 of 办公室 accepts goods */
	struct actor req[DEMO_NREQ];
	int64_t item[DEMO_NITEMS], supplier[DEMO_NSUPPLIERS];
	int64_t now0;	/* the real now: nothing happens after it */
	uint64_t rng;
	struct {
		int64_t id;
		struct actor a;
	} cache[24];
	size_t ncache;
	int orders, committee;
};

/* The module's .demo (supplies_module.c). */
int sup_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e);

unsigned sdemo_rnd(struct sdemo *d, unsigned n);
void sdemo_clock_to(int64_t at);
/* Six months of quotas, requisitions, purchases and a stocktake (supplies_demo_flow.c). */
int sdemo_months(struct sdemo *d, struct err *e);

#endif
