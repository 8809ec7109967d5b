/*
** modules/supplies/supplies.h: 办公用品与采购 (issue #16): the catalog — items
** and suppliers (catalog.c, suppliers.c) — for the ledger (stock.h), the
** requisitions (requisitions.h) and purchasing (purchases.h) to build on. The
** office keeps the catalog; every business role reads it. Writes need a write
** transaction and are audited ("supply_item" create/update, "supplier"
** create/update). Strings in outputs live in the arena.
*/
#ifndef HOUQIN_SUPPLIES_H
#define HOUQIN_SUPPLIES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;

struct supply_item {
	int64_t id, reorder_point, max_stock;	/* max_stock 0 = none */
	int64_t qty_on_hand, stock_value_fen, avg_cost_fen, last_cost_fen;
	const char *code, *name, *spec, *unit, *category, *barcode;
	int active, low;	/* low: at or below the reorder point */
	int64_t created_at, updated_at;
};

/*
** Item id of who's agency: ERR_NOT_FOUND "item_not_found". For the flows:
** a line naming an unknown item is their 400 on the line's field, an inactive
** one ERR_RULE "item_inactive".
*/
int sup_item_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct supply_item *out, struct err *e);
json_t *sup_item_json(const struct supply_item *it);

struct supplier {
	int64_t id;
	const char *name, *contact, *phone, *credit_code;
	int designated, active;
	int64_t created_at, updated_at;
};

/* Supplier id of who's agency: ERR_NOT_FOUND "supplier_not_found". */
int sup_supplier_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     struct supplier *out, struct err *e);

#define SUP_CREDIT_CODE_LEN 18

/*
** 统一社会信用代码 (GB 32100-2015): 18 characters from 0-9 and A-Z without
** I, O, S, V and Z; the last is the check character of the first 17
** (weights 3^i mod 31). 1 when code is one (upper case), else 0.
*/
int sup_credit_code_ok(const char *code);

#endif
