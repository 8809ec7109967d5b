/*
** modules/supplies/catalog.c: the catalog's items (supplies.h). This file
** starts with the lookup every flow needs; the lists and edits follow.
*/
#include "modules/supplies/supplies.h"
#include "modules/supplies/stock.h"

#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#define ITEM_COLS                                                                        \
	"i.id, i.code, i.name, i.spec, i.unit, i.category, i.reorder_point,"              \
	" COALESCE(i.max_stock, 0), i.barcode, i.active, i.qty_on_hand, i.stock_value_fen," \
	" i.last_cost_fen, i.created_at, i.updated_at"
static const char sql_item[] =
	"SELECT " ITEM_COLS " FROM supply_item i WHERE i.id = :id AND i.agency_id = :agency";

static void
item_row(struct stmt *st, struct arena *a, struct supply_item *it)
{
	it->id = db_col_i64(st, 0);
	it->code = db_col_text(st, a, 1);
	it->name = db_col_text(st, a, 2);
	it->spec = db_col_text(st, a, 3);
	it->unit = db_col_text(st, a, 4);
	it->category = db_col_text(st, a, 5);
	it->reorder_point = db_col_i64(st, 6);
	it->max_stock = db_col_i64(st, 7);
	it->barcode = db_col_text(st, a, 8);
	it->active = (int)db_col_i64(st, 9);
	it->qty_on_hand = db_col_i64(st, 10);
	it->stock_value_fen = db_col_i64(st, 11);
	it->last_cost_fen = db_col_i64(st, 12);
	it->created_at = db_col_i64(st, 13);
	it->updated_at = db_col_i64(st, 14);
	it->avg_cost_fen = stock_avg_cost(it->qty_on_hand, it->stock_value_fen);
	it->low = it->qty_on_hand <= it->reorder_point;
}

int
sup_item_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct supply_item *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_item, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		item_row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "item_not_found", NULL, "物品不存在");
	return rc;
}

json_t *
sup_item_json(const struct supply_item *it)
{
	return json_pack("{sI ss ss ss* ss ss sI so ss* sb sI sI sI sI sb so so}", "id",
			 (json_int_t)it->id, "code", it->code, "name", it->name, "spec", it->spec,
			 "unit", it->unit, "category", it->category, "reorder_point",
			 (json_int_t)it->reorder_point, "max_stock", jid_or_null(it->max_stock),
			 "barcode", it->barcode, "active", it->active, "qty_on_hand",
			 (json_int_t)it->qty_on_hand, "stock_value_fen",
			 (json_int_t)it->stock_value_fen, "avg_cost_fen",
			 (json_int_t)it->avg_cost_fen, "last_cost_fen",
			 (json_int_t)it->last_cost_fen, "low", it->low, "created_at",
			 jtime(it->created_at), "updated_at", jtime(it->updated_at));
}
