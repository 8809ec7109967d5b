/*
** modules/supplies/stock.h: the stock ledger 出入库台账 (issue #16): every
** movement of an item is a row with the balance after it, quantity and value.
** Cost is the moving weighted average: a receipt adds its quantity at its unit
** price; an issue takes its share of the stock's value (rounded half up), and
** the last unit takes all that is left, so an item's value always equals the
** sum of its movements. A balance never goes below zero: the item row is locked
** (FOR UPDATE) before a movement is computed, and an issue beyond it is
** ERR_RULE "insufficient_stock" with nothing written.
**
** Every function runs in the caller's write transaction (the record that
** causes the movement — a receipt, a requisition's issue, an approved
** stocktake — is written in the same one) and audits the movement on the item
** (entity "supply_item", actions "stock_in" / "stock_out" / "stock_adjust").
** When an item falls to its reorder point the office is told once per crossing
** (notification "supplies.low_stock"); a receipt above it re-arms the alert.
*/
#ifndef HOUQIN_SUPPLIES_STOCK_H
#define HOUQIN_SUPPLIES_STOCK_H

#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;

#define STOCK_QTY_MAX 10000000	/* one movement's quantity, and a balance: keeps fen × qty in 64 bits */
#define STOCK_PRICE_MAX 100000000	/* ¥1,000,000 a unit */

struct stock_move_in {
	int64_t item_id;
	const char *reason;	/* in: purchase | return; out: issue | scrap | loss */
	int64_t qty;		/* > 0, ≤ STOCK_QTY_MAX; the sign comes from in/out */
	int64_t unit_cost_fen;	/* in only: the unit price (≥ 0) */
	const char *source_module;	/* "purchase_order", "requisition", ...; NULL for none */
	int64_t source_id;
	int64_t department_id;	/* out: the department it went to (0 = none) */
	const char *note;	/* scrap / loss: the reason, required */
	int64_t occurred_at;	/* epoch ms; 0 = now */
};

struct stock_move {
	int64_t id, item_id, qty, unit_cost_fen, amount_fen;	/* qty, amount signed */
	int64_t balance_qty, balance_value_fen;
};

/* Receive qty at unit_cost_fen. ERR_INVALID on a bad quantity, price or reason; ERR_RULE "item_inactive". */
int stock_in(struct db *db, const struct actor *who, const struct stock_move_in *in,
	     struct stock_move *out, struct err *e);
/* Take qty out at the average cost. ERR_RULE "insufficient_stock" beyond the balance. */
int stock_out(struct db *db, const struct actor *who, const struct stock_move_in *in,
	      struct stock_move *out, struct err *e);
/*
** A stocktake's count: moves the balance to counted_qty (≥ 0) with an 'adjust'
** row (none when it already matches: out->id 0). A surplus is valued at the
** average, or at the last receipt's price on an empty shelf; a shortfall as an
** issue.
*/
int stock_adjust(struct db *db, const struct actor *who, int64_t item_id, int64_t counted_qty,
		 const char *source_module, int64_t source_id, struct stock_move *out,
		 struct err *e);

/* ---------- the arithmetic (pure; tests/unit/test_stock.c) ---------- */

/* What qty units take out of a stock of bal_qty worth bal_value: their share, half up; all for the last. */
int64_t stock_out_value(int64_t bal_qty, int64_t bal_value, int64_t qty);
/* The average unit cost of a stock, half up (0 when empty). */
int64_t stock_avg_cost(int64_t bal_qty, int64_t bal_value);

#endif
