/*
** modules/supplies/stock.c: the stock ledger (stock.h). One movement: lock the
** item, compute the movement from its balance, insert the row, move the
** balance, audit, and tell the office when the item falls to its reorder point.
*/
#include "modules/supplies/stock.h"

#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/notify.h"
#include "core/validate.h"
#include "db/db.h"

#include <string.h>

/* ---------- the arithmetic ---------- */

/* round(value * qty / bal) half up, without value * qty (value may be large) */
static int64_t
share(int64_t value, int64_t qty, int64_t bal)
{
	int64_t whole = value / bal, rem = value % bal;

	return whole * qty + (2 * rem * qty + bal) / (2 * bal);
}

int64_t
stock_out_value(int64_t bal_qty, int64_t bal_value, int64_t qty)
{
	if (bal_qty <= 0 || qty <= 0)
		return 0;
	if (qty >= bal_qty)
		return bal_value;	/* the last units take what is left: no residue */
	return share(bal_value, qty, bal_qty);
}

int64_t
stock_avg_cost(int64_t bal_qty, int64_t bal_value)
{
	return bal_qty > 0 ? share(bal_value, 1, bal_qty) : 0;
}

/* ---------- the item and the row ---------- */

struct item_bal {
	int64_t qty, value, last_cost, reorder_point;
	int active, low_alerted;
	const char *code, *name, *unit;
};

static const char sql_lock[] =
	"SELECT qty_on_hand, stock_value_fen, last_cost_fen, reorder_point, active, low_alerted,"
	" code, name, unit FROM supply_item WHERE id = :id AND agency_id = :agency FOR UPDATE";
static const char sql_insert[] =
	"INSERT INTO stock_movement (agency_id, item_id, kind, reason, qty, unit_cost_fen,"
	" amount_fen, balance_qty, balance_value_fen, source_module, source_id, department_id,"
	" note, occurred_at, created_at, created_by) VALUES (:agency, :item, :kind, :reason, :qty,"
	" :unit, :amount, :bal, :value, :module, :source, :dept, :note, :at, :now, :by)";
static const char sql_balance[] =
	"UPDATE supply_item SET qty_on_hand = :bal, stock_value_fen = :value,"
	" last_cost_fen = :last, low_alerted = :low, updated_at = :now WHERE id = :id";

static int
lock_item(struct db *db, struct arena *a, int64_t agency, int64_t id, struct item_bal *out,
	  struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_lock, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		out->qty = db_col_i64(&st, 0);
		out->value = db_col_i64(&st, 1);
		out->last_cost = db_col_i64(&st, 2);
		out->reorder_point = db_col_i64(&st, 3);
		out->active = (int)db_col_i64(&st, 4);
		out->low_alerted = (int)db_col_i64(&st, 5);
		out->code = db_col_text(&st, a, 6);
		out->name = db_col_text(&st, a, 7);
		out->unit = db_col_text(&st, a, 8);
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", "item_id", "物品不存在");
	return rc;
}

/* What a movement writes, beyond its input. */
struct move_row {
	const char *kind;	/* in | out | adjust */
	int64_t qty, unit, amount;	/* qty, amount signed */
};

static int
insert_row(struct db *db, const struct actor *who, const struct stock_move_in *in,
	   const struct move_row *m, const struct item_bal *after, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int64_t now = now_ms();
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":item", in->item_id, e) || db_bind_text(&st, ":kind", m->kind, e) ||
		 db_bind_text(&st, ":reason", in->reason, e) || db_bind_i64(&st, ":qty", m->qty, e) ||
		 db_bind_i64(&st, ":unit", m->unit, e) || db_bind_i64(&st, ":amount", m->amount, e) ||
		 db_bind_i64(&st, ":bal", after->qty, e) || db_bind_i64(&st, ":value", after->value, e) ||
		 db_bind_text(&st, ":module", in->source_module, e) ||
		 db_bind_id_or_null(&st, ":source", in->source_id, e) ||
		 db_bind_id_or_null(&st, ":dept", in->department_id, e) ||
		 db_bind_text(&st, ":note", in->note, e) ||
		 db_bind_i64(&st, ":at", in->occurred_at ? in->occurred_at : now, e) ||
		 db_bind_i64(&st, ":now", now, e) || db_bind_id_or_null(&st, ":by", who->id, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc)
		*id = db_last_id(db);
	return rc;
}

static json_t *
move_json(const struct stock_move_in *in, const struct stock_move *m)
{
	return json_pack("{sI ss sI sI sI sI ss* sI ss*}", "movement_id", (json_int_t)m->id, "reason",
			 in->reason, "qty", (json_int_t)m->qty, "amount_fen",
			 (json_int_t)m->amount_fen, "balance_qty", (json_int_t)m->balance_qty,
			 "balance_value_fen", (json_int_t)m->balance_value_fen, "source_module",
			 in->source_module, "source_id", (json_int_t)in->source_id, "note", in->note);
}

/* The office hears once when an item falls to its reorder point (re-armed above it). */
static int
low_stock_alert(struct db *db, struct arena *a, const struct actor *who, int64_t item_id,
		const struct item_bal *b, struct err *e)
{
	return notify_role(db, a, who, "office", "supplies.low_stock",
			   msg_text(a, "库存不足：%s %s", b->code, b->name),
			   msg_text(a, "库存 %lld %s，已到补货点 %lld", (long long)b->qty, b->unit,
				    (long long)b->reorder_point),
			   "supply_item", item_id, e);
}

/* Write movement m of the item locked as *b, and move *b to its new balance. */
static int
apply(struct db *db, struct arena *a, const struct actor *who, const struct stock_move_in *in,
      const struct move_row *m, struct item_bal *b, struct stock_move *out, struct err *e)
{
	struct stmt st = { 0 };
	int was_low = b->low_alerted, rc;
	static const char *const actions[] = { "stock_in", "stock_out", "stock_adjust" };
	int ai = strcmp(m->kind, "in") == 0 ? 0 : strcmp(m->kind, "out") == 0 ? 1 : 2;

	b->qty += m->qty;
	b->value += m->amount;
	if (ai == 0 && m->unit > 0)	/* a receipt's price; a count's surplus is not one */
		b->last_cost = m->unit;
	b->low_alerted = b->qty <= b->reorder_point && (was_low || m->qty < 0);
	*out = (struct stock_move){ .item_id = in->item_id, .qty = m->qty, .unit_cost_fen = m->unit,
				    .amount_fen = m->amount, .balance_qty = b->qty,
				    .balance_value_fen = b->value };
	if (insert_row(db, who, in, m, b, &out->id, e))
		return e->code;
	rc = db_prepare(db, &st, sql_balance, e) || db_bind_i64(&st, ":bal", b->qty, e) ||
	     db_bind_i64(&st, ":value", b->value, e) || db_bind_i64(&st, ":last", b->last_cost, e) ||
	     db_bind_i64(&st, ":low", b->low_alerted, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_i64(&st, ":id", in->item_id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc || aud_record(db, who, actions[ai], "supply_item", in->item_id,
				NULL, jarena(a, move_json(in, out)), e) ||
	       (b->low_alerted && !was_low && low_stock_alert(db, a, who, in->item_id, b, e))
		       ? e->code : 0;
}

static const char *const in_reasons[] = { "purchase", "return", NULL };
static const char *const out_reasons[] = { "issue", "scrap", "loss", NULL };

static int
check_in(const struct stock_move_in *in, const char *const *reasons, struct err *e)
{
	if (!in->reason || !val_in(in->reason, reasons))
		err_field(e, "reason", "出入库类型不正确");
	if (in->qty <= 0 || in->qty > STOCK_QTY_MAX)
		err_field(e, "qty", "数量应为 1 至 %d", STOCK_QTY_MAX);
	if (in->unit_cost_fen < 0 || in->unit_cost_fen > STOCK_PRICE_MAX)
		err_field(e, "unit_cost_fen", "单价不能为负或超过 100 万元");
	if (reasons == out_reasons && in->reason && strcmp(in->reason, "issue") != 0 &&
	    (!in->note || !in->note[0]))
		err_field(e, "note", "报废或丢失须写明原因");
	return err_fields_done(e);
}

/* Lock the item and check it may move (active, the balance after within bounds). */
static int
begin(struct db *db, struct arena *a, const struct actor *who, const struct stock_move_in *in,
      struct item_bal *b, struct err *e)
{
	if (lock_item(db, a, who->agency_id, in->item_id, b, e))
		return e->code;
	if (!b->active)
		return err_setx(e, ERR_RULE, "item_inactive", "item_id", "物品 %s 已停用", b->code);
	return 0;
}

int
stock_in(struct db *db, const struct actor *who, const struct stock_move_in *in,
	 struct stock_move *out, struct err *e)
{
	struct arena *a;
	struct item_bal b;
	struct move_row m = { .kind = "in", .qty = in->qty, .unit = in->unit_cost_fen };
	int rc;

	if (check_in(in, in_reasons, e))
		return e->code;
	a = arena_new(2048);
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	m.amount = in->qty * in->unit_cost_fen;
	rc = begin(db, a, who, in, &b, e);
	if (!rc && b.qty + in->qty > STOCK_QTY_MAX)
		rc = err_setx(e, ERR_RULE, "stock_too_large", "qty", "库存数量超出上限");
	if (!rc)
		rc = apply(db, a, who, in, &m, &b, out, e);
	arena_free(a);
	return rc;
}

int
stock_out(struct db *db, const struct actor *who, const struct stock_move_in *in,
	  struct stock_move *out, struct err *e)
{
	struct arena *a;
	struct item_bal b;
	struct stock_move_in x = *in;
	struct move_row m = { .kind = "out" };
	int rc;

	x.unit_cost_fen = 0;
	if (check_in(&x, out_reasons, e))
		return e->code;
	a = arena_new(2048);
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = begin(db, a, who, &x, &b, e);
	if (!rc && b.qty < x.qty)
		rc = err_setx(e, ERR_RULE, "insufficient_stock", "qty",
			      "%s %s 库存只有 %lld %s，不足 %lld", b.code, b.name, (long long)b.qty,
			      b.unit, (long long)x.qty);
	if (!rc) {
		m.qty = -x.qty;
		m.amount = -stock_out_value(b.qty, b.value, x.qty);
		m.unit = stock_avg_cost(b.qty, b.value);
		rc = apply(db, a, who, &x, &m, &b, out, e);
	}
	arena_free(a);
	return rc;
}

/* The adjust row moving balance *b to counted. */
static void
adjust_row(const struct item_bal *b, int64_t counted, struct move_row *m)
{
	int64_t unit = b->qty > 0 ? stock_avg_cost(b->qty, b->value) : b->last_cost;

	m->kind = "adjust";
	m->qty = counted - b->qty;
	m->unit = unit;
	m->amount = m->qty > 0 ? m->qty * unit : -stock_out_value(b->qty, b->value, -m->qty);
}

int
stock_adjust(struct db *db, const struct actor *who, int64_t item_id, int64_t counted_qty,
	     const char *source_module, int64_t source_id, struct stock_move *out, struct err *e)
{
	struct stock_move_in in = { .item_id = item_id, .reason = "stocktake",
				    .source_module = source_module, .source_id = source_id };
	struct arena *a;
	struct item_bal b;
	struct move_row m;
	int rc;

	*out = (struct stock_move){ .item_id = item_id };
	if (counted_qty < 0 || counted_qty > STOCK_QTY_MAX)
		return err_set(e, ERR_INVALID, "counted_qty", "盘点数量应为 0 至 %d", STOCK_QTY_MAX);
	a = arena_new(2048);
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = lock_item(db, a, who->agency_id, item_id, &b, e);
	if (!rc && counted_qty != b.qty) {
		adjust_row(&b, counted_qty, &m);
		rc = apply(db, a, who, &in, &m, &b, out, e);
	} else if (!rc) {
		out->balance_qty = b.qty;
		out->balance_value_fen = b.value;
	}
	arena_free(a);
	return rc;
}
