/*
** modules/supplies/catalog.c: the catalog's items (supplies.h): the lookup
** every flow needs, then the list and the office's edits (catalog.h). A
** catalog has hundreds of items: the filters are catch-alls within the
** (agency_id, ...) indexes. The balance columns are the ledger's (stock.c):
** an edit never touches them.
*/
#include "modules/supplies/catalog.h"
#include "modules/supplies/stock.h"

#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

#define ITEM_COLS                                                                        \
	"i.id, i.code, i.name, i.spec, i.unit, i.category, i.reorder_point,"              \
	" COALESCE(i.max_stock, 0), i.barcode, i.active, i.qty_on_hand, i.stock_value_fen," \
	" i.last_cost_fen, i.created_at, i.updated_at"
static const char sql_item[] =
	"SELECT " ITEM_COLS " FROM supply_item i WHERE i.id = :id AND i.agency_id = :agency";
#define ITEM_WHERE                                                                       \
	" FROM supply_item i WHERE i.agency_id = :agency"                                 \
	" AND (:cat IS NULL OR i.category = :cat) AND (:active < 0 OR i.active = :active)"  \
	" AND (:low = 0 OR i.qty_on_hand <= i.reorder_point)"                               \
	" AND (:barcode IS NULL OR i.barcode = :barcode)"                                   \
	" AND (:q IS NULL OR i.code LIKE :q ESCAPE '\\' OR i.name LIKE :q ESCAPE '\\'"      \
	" OR i.spec LIKE :q ESCAPE '\\' OR i.barcode LIKE :q ESCAPE '\\')"
static const char sql_list[] =
	"SELECT " ITEM_COLS ITEM_WHERE " ORDER BY i.category, i.code, i.id LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*)" ITEM_WHERE;
static const char sql_dup[] =
	"SELECT CASE WHEN code = :code THEN 'code' ELSE 'barcode' END FROM supply_item"
	" WHERE agency_id = :agency AND id <> :id AND (code = :code OR barcode = :barcode)"
	" ORDER BY 1 DESC LIMIT 1";
static const char sql_insert[] =
	"INSERT INTO supply_item (agency_id, code, name, spec, unit, category, reorder_point,"
	" max_stock, barcode, active, created_at, updated_at, created_by)"
	" VALUES (:agency, :code, :name, :spec, :unit, :cat, :reorder, :max, :barcode, :active,"
	" :now, :now, :by) RETURNING id";
static const char sql_update[] =
	"UPDATE supply_item SET code = :code, name = :name, spec = :spec, unit = :unit,"
	" category = :cat, reorder_point = :reorder, max_stock = :max, barcode = :barcode,"
	" active = :active, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND updated_at = :seen";

static void
item_row(struct stmt *st, struct arena *a, void *item)
{
	struct supply_item *it = item;

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

/* ---------- the list ---------- */

static int
bind_filter(struct stmt *st, struct arena *a, const struct actor *who,
	    const struct item_filter *f, struct err *e)
{
	const char *q = f->q && f->q[0] ? db_like_pattern(a, f->q) : NULL;

	return db_bind_i64(st, ":agency", who->agency_id, e) ||
	       db_bind_text(st, ":cat", f->category && f->category[0] ? f->category : NULL, e) ||
	       db_bind_i64(st, ":active", f->active, e) || db_bind_i64(st, ":low", f->low, e) ||
	       db_bind_text(st, ":barcode", f->barcode && f->barcode[0] ? f->barcode : NULL, e) ||
	       db_bind_text(st, ":q", q, e) ? e->code : 0;
}

int
sup_item_list(struct db *db, struct arena *a, const struct actor *who,
	      const struct item_filter *f, struct supply_item **items, size_t *n,
	      int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) || bind_filter(&st, a, who, f, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc)
		return rc;
	rc = db_prepare(db, &st, sql_list, e) || bind_filter(&st, a, who, f, e) ||
	     db_bind_i64(&st, ":limit", f->limit, e) || db_bind_i64(&st, ":offset", f->offset, e) ||
	     db_read_rows(&st, a, sizeof(**items), item_row, (void **)items, n, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

int
sup_item_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct err *e)
{
	struct supply_item it;

	return sup_item_get(db, a, who, id, &it, e);
}

/* ---------- the office's edits ---------- */

static const char *
opt(const char *s)
{
	return s && s[0] ? s : NULL;
}

/* The field checks the spec cannot say, then duplicates (409). */
static int
check_item(struct db *db, const struct actor *who, int64_t id, const struct item_in *in,
	   struct err *e)
{
	struct stmt st = { 0 };
	const char *dup = NULL;
	int rc, row;

	err_clear(e);
	if (in->max_stock && in->max_stock <= in->reorder_point)
		err_field(e, "max_stock", "最高库存须大于补货点");
	if (err_fields_done(e))
		return e->code;
	rc = db_prepare(db, &st, sql_dup, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":id", id, e) || db_bind_text(&st, ":code", in->code, e) ||
	     db_bind_text(&st, ":barcode", opt(in->barcode), e) ? e->code : 0;
	row = rc ? 0 : db_step(&st, e);
	if (row == 1)
		dup = strcmp(db_col_peek(&st, 0, NULL), "code") ? "barcode" : "code";
	db_finalize(&st);
	if (rc || row < 0)
		return e->code;
	if (dup)
		return err_setx(e, ERR_CONFLICT, "duplicate", dup, strcmp(dup, "code")
				? "条码 %s 已被其他物品使用" : "物品编码 %s 已存在",
				strcmp(dup, "code") ? in->barcode : in->code);
	return 0;
}

static int
bind_item(struct stmt *st, const struct item_in *in, struct err *e)
{
	return db_bind_text(st, ":code", in->code, e) || db_bind_text(st, ":name", in->name, e) ||
	       db_bind_text(st, ":spec", opt(in->spec), e) ||
	       db_bind_text(st, ":unit", in->unit, e) || db_bind_text(st, ":cat", in->category, e) ||
	       db_bind_i64(st, ":reorder", in->reorder_point, e) ||
	       db_bind_id_or_null(st, ":max", in->max_stock, e) ||
	       db_bind_text(st, ":barcode", opt(in->barcode), e) ||
	       db_bind_i64(st, ":active", !!in->active, e) ? e->code : 0;
}

static int
may_keep(const struct actor *who, struct err *e)
{
	if (who->id == 0 || actor_has(who, ROLE_OFFICE))
		return 0;
	return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以维护物品目录");
}

int
sup_item_create(struct db *db, struct arena *a, const struct actor *who,
		const struct item_in *in, struct supply_item *out, struct err *e)
{
	struct stmt st = { 0 };
	int64_t id = 0;
	int rc;

	assert(db_in_tx(db));
	if (may_keep(who, e) || check_item(db, who, 0, in, e))
		return e->code;
	rc = db_prepare(db, &st, sql_insert, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     bind_item(&st, in, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_id_or_null(&st, ":by", who->id, e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		id = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc || sup_item_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "supply_item", id, NULL, jarena(a, sup_item_json(out)),
			  e);
}

int
sup_item_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		const struct item_in *in, struct supply_item *out, struct err *e)
{
	struct supply_item cur;
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (may_keep(who, e) || sup_item_get(db, a, who, id, &cur, e) ||
	    db_check_seen(in->updated_at, cur.updated_at, "物品", e) ||
	    check_item(db, who, id, in, e))
		return e->code;
	rc = db_prepare(db, &st, sql_update, e) || bind_item(&st, in, e) ||
	     db_bind_i64(&st, ":now", db_next_updated_at(cur.updated_at, now_ms()), e) ||
	     db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":seen", cur.updated_at, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc || db_check_changed(db, "物品", e) || sup_item_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, "update", "supply_item", id, jarena(a, sup_item_json(&cur)),
			  jarena(a, sup_item_json(out)), e);
}
