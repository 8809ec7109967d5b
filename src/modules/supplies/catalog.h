/*
** modules/supplies/catalog.h: part K of 办公用品 (issue #16) — the catalog's
** lists and edits (catalog.c, suppliers.c), an item's ledger for a period and
** its write-offs (ledger.c), stocktakes 盘点 (stocktake.c), and their HTTP
** handlers (catalog_api.c). The office writes; see supplies_api.c for who reads.
*/
#ifndef HOUQIN_SUPPLIES_CATALOG_H
#define HOUQIN_SUPPLIES_CATALOG_H

#include "modules/supplies/supplies.h"
#include "core/export.h"
#include "core/validate.h"

struct req;
struct resp;
struct appr_kind;
struct approval;

#define SUP_TEXT_MAX 60
#define SUP_CODE_MAX 32

struct item_filter {
	const char *q, *category, *barcode;
	int active;	/* -1 any, 0, 1 */
	int low;	/* 1: at or below the reorder point */
	int64_t limit, offset;
};

struct item_in {
	const char *code, *name, *spec, *unit, *category, *barcode;
	int64_t reorder_point, max_stock;	/* max_stock 0 = none */
	int active;
	int64_t updated_at;
};

int sup_item_list(struct db *db, struct arena *a, const struct actor *who,
		  const struct item_filter *f, struct supply_item **items, size_t *n,
		  int64_t *total, struct err *e);
/* categories.c: every category of who's catalog, by name, with its item counts */
struct sup_category {
	const char *name;
	int64_t items, active;
};
int sup_item_categories(struct db *db, struct arena *a, const struct actor *who,
			struct sup_category **items, size_t *n, struct err *e);
/* 400 at the fields, 409 "duplicate" on code or barcode; audited create / update. */
int sup_item_create(struct db *db, struct arena *a, const struct actor *who,
		    const struct item_in *in, struct supply_item *out, struct err *e);
int sup_item_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		    const struct item_in *in, struct supply_item *out, struct err *e);
int sup_item_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     struct err *e);

struct supplier_filter {
	const char *q;
	int active, designated;	/* -1 any */
	int64_t limit, offset;
};

struct supplier_in {
	const char *name, *contact, *phone, *credit_code;
	int designated, active;
	int64_t updated_at;
};

json_t *sup_supplier_json(const struct supplier *s);
int sup_supplier_list(struct db *db, struct arena *a, const struct actor *who,
		      const struct supplier_filter *f, struct supplier **items, size_t *n,
		      int64_t *total, struct err *e);
/* 400 "统一社会信用代码校验位不正确" at credit_code; 409 "duplicate" on it. */
int sup_supplier_create(struct db *db, struct arena *a, const struct actor *who,
			const struct supplier_in *in, struct supplier *out, struct err *e);
int sup_supplier_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			const struct supplier_in *in, struct supplier *out, struct err *e);
int sup_supplier_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
			 struct err *e);

/* ---------- the ledger of an item for [from, to) (ledger.c) ---------- */

struct ledger_sum {
	int64_t qty, value_fen;
};

struct ledger_row {
	int64_t id, qty, unit_cost_fen, amount_fen, balance_qty, balance_value_fen;
	int64_t source_id, department_id, occurred_at, created_by;
	const char *kind, *reason, *source_module, *source_code, *department_name, *note;
	const char *created_by_name;
};

struct ledger {
	int64_t from, to;	/* 0 = open */
	struct ledger_sum opening, in, out, closing;
	struct ledger_row *rows;
	size_t n;
	int64_t total;
};

/* The opening is the balance after the last movement before from; in/out sum the period. */
int sup_ledger(struct db *db, struct arena *a, const struct actor *who, int64_t item_id,
	       int64_t from, int64_t to, int64_t limit, int64_t offset, struct ledger *out,
	       struct err *e);
json_t *sup_ledger_row_json(const struct ledger_row *r);

/* ---------- stocktakes 盘点 (stocktake.c) ---------- */

#define STOCKTAKE_LINES_MAX 500

struct stocktake_line_in {
	int64_t item_id, counted_qty;
};

struct stocktake_line {
	int64_t id, item_id, book_qty, counted_qty, adjusted_qty, movement_id;
	const char *item_code, *item_name, *unit, *spec;
};

struct stocktake {
	int64_t id, approval_id, created_by, decided_at, created_at, updated_at;
	const char *code, *status, *note, *created_by_name;
	struct stocktake_line *lines;
	size_t nlines;
	int64_t nlines_total, ndiff;	/* lines, and lines whose count differs from the book */
	struct approval *appr;	/* the approval as the reader may see it, or NULL */
};

int stocktake_create(struct db *db, struct arena *a, const struct actor *who, const char *note,
		     const struct stocktake_line_in *lines, size_t n, struct stocktake *out,
		     struct err *e);
int stocktake_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  struct stocktake *out, struct err *e);
int stocktake_list(struct db *db, struct arena *a, const struct actor *who, const char *status,
		   int64_t limit, int64_t offset, struct stocktake **items, size_t *n,
		   int64_t *total, struct err *e);
int stocktake_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		      struct err *e);
json_t *stocktake_json(const struct stocktake *s);
extern const struct appr_kind stocktake_appr_kind;

/* ---------- HTTP (catalog_api.c) ---------- */

int sup_api_items(struct req *rq, struct resp *rs, struct err *e);
int sup_api_categories(struct req *rq, struct resp *rs, struct err *e);
int sup_api_item_create(struct req *rq, struct resp *rs, struct err *e);
int sup_api_item_update(struct req *rq, struct resp *rs, struct err *e);
int sup_api_item_ledger(struct req *rq, struct resp *rs, struct err *e);
int sup_api_writeoff(struct req *rq, struct resp *rs, struct err *e);
int sup_api_suppliers(struct req *rq, struct resp *rs, struct err *e);
int sup_api_supplier_create(struct req *rq, struct resp *rs, struct err *e);
int sup_api_supplier_update(struct req *rq, struct resp *rs, struct err *e);
int sup_api_stocktakes(struct req *rq, struct resp *rs, struct err *e);
int sup_api_stocktake(struct req *rq, struct resp *rs, struct err *e);
int sup_api_stocktake_create(struct req *rq, struct resp *rs, struct err *e);

extern const struct field sup_item_fields[], sup_item_put_fields[], sup_supplier_fields[],
	sup_supplier_put_fields[], sup_writeoff_fields[], sup_stocktake_fields[];
extern const struct export_col sup_item_cols[], sup_ledger_cols[], sup_supplier_cols[],
	sup_stocktake_cols[];

/* Who reads an item's ledger, suppliers and stocktakes */
#define SUP_LEDGER_READERS (ROLE_OFFICE | ROLE_LEADER | ROLE_FINANCE | ROLE_SUPERVISOR | ROLE_DEPT_HEAD)
#define SUP_OVERSEERS (ROLE_OFFICE | ROLE_LEADER | ROLE_FINANCE | ROLE_SUPERVISOR)

#endif
