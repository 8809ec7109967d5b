/*
** modules/supplies/ledger.c: an item's ledger 出入库台账 for a period
** (catalog.h): the opening balance is the one after the last movement before
** `from`, the closing one the one after the last movement before `to`; in and
** out sum the period's positive and negative movements (a stocktake's surplus
** counts as in, its shortfall as out), so opening + in − out = closing.
** Movements are ordered by when they happened, then by id — the order the
** ledger wrote them in.
*/
#include "modules/supplies/catalog.h"

#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <string.h>

#define IN_PERIOD " AND occurred_at >= :from AND (:to = 0 OR occurred_at < :to)"
static const char sql_balance_before[] =
	"SELECT balance_qty, balance_value_fen FROM stock_movement"
	" WHERE item_id = :item AND agency_id = :agency AND (:before = 0 OR occurred_at < :before)"
	" ORDER BY occurred_at DESC, id DESC LIMIT 1";
static const char sql_sums[] =
	"SELECT COALESCE(SUM(CASE WHEN qty > 0 THEN qty ELSE 0 END), 0),"
	" COALESCE(SUM(CASE WHEN qty > 0 THEN amount_fen ELSE 0 END), 0),"
	" COALESCE(SUM(CASE WHEN qty < 0 THEN -qty ELSE 0 END), 0),"
	" COALESCE(SUM(CASE WHEN qty < 0 THEN -amount_fen ELSE 0 END), 0), COUNT(*)"
	" FROM stock_movement WHERE item_id = :item AND agency_id = :agency" IN_PERIOD;
static const char sql_rows[] =
	"SELECT m.id, m.kind, m.reason, m.qty, m.unit_cost_fen, m.amount_fen, m.balance_qty,"
	" m.balance_value_fen, m.source_module, COALESCE(m.source_id, 0),"
	" COALESCE(m.department_id, 0), d.name, m.note, m.occurred_at, COALESCE(m.created_by, 0),"
	" u.display_name FROM stock_movement m LEFT JOIN department d ON d.id = m.department_id"
	" LEFT JOIN app_user u ON u.id = m.created_by"
	" WHERE m.item_id = :item AND m.agency_id = :agency AND m.occurred_at >= :from"
	" AND (:to = 0 OR m.occurred_at < :to) ORDER BY m.occurred_at, m.id"
	" LIMIT :limit OFFSET :offset";

/*
** The code of the record a movement came from, by its module: each part that
** moves stock adds its row (the requisitions, purchase orders, stocktakes).
*/
static const struct {
	const char *module, *sql;
} sources[] = {
	{ "stocktake", "SELECT code FROM stocktake WHERE id = :id AND agency_id = :agency" },
	{ "requisition", "SELECT code FROM requisition WHERE id = :id AND agency_id = :agency" },
	{ NULL, NULL }
};

/* The balance after the last movement before `before` (0: the last of all). */
static int
balance_before(struct db *db, const struct actor *who, int64_t item, int64_t before,
	       struct ledger_sum *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_balance_before, e) ||
		 db_bind_i64(&st, ":item", item, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":before", before, e) ? e->code : 0;
	int row = rc ? 0 : db_step(&st, e);

	memset(out, 0, sizeof(*out));
	if (row == 1) {
		out->qty = db_col_i64(&st, 0);
		out->value_fen = db_col_i64(&st, 1);
	}
	db_finalize(&st);
	return rc || row < 0 ? e->code : 0;
}

static int
bind_period(struct stmt *st, const struct actor *who, int64_t item, const struct ledger *l,
	    struct err *e)
{
	return db_bind_i64(st, ":item", item, e) || db_bind_i64(st, ":agency", who->agency_id, e) ||
	       db_bind_i64(st, ":from", l->from, e) || db_bind_i64(st, ":to", l->to, e)
		       ? e->code : 0;
}

static int
sums(struct db *db, const struct actor *who, int64_t item, struct ledger *l, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_sums, e) || bind_period(&st, who, item, l, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		l->in = (struct ledger_sum){ db_col_i64(&st, 0), db_col_i64(&st, 1) };
		l->out = (struct ledger_sum){ db_col_i64(&st, 2), db_col_i64(&st, 3) };
		l->total = db_col_i64(&st, 4);
	}
	db_finalize(&st);
	return rc;
}

static void
row_fill(struct stmt *st, struct arena *a, void *item)
{
	struct ledger_row *r = item;

	memset(r, 0, sizeof(*r));
	r->id = db_col_i64(st, 0);
	r->kind = db_col_text(st, a, 1);
	r->reason = db_col_text(st, a, 2);
	r->qty = db_col_i64(st, 3);
	r->unit_cost_fen = db_col_i64(st, 4);
	r->amount_fen = db_col_i64(st, 5);
	r->balance_qty = db_col_i64(st, 6);
	r->balance_value_fen = db_col_i64(st, 7);
	r->source_module = db_col_text(st, a, 8);
	r->source_id = db_col_i64(st, 9);
	r->department_id = db_col_i64(st, 10);
	r->department_name = db_col_text(st, a, 11);
	r->note = db_col_text(st, a, 12);
	r->occurred_at = db_col_i64(st, 13);
	r->created_by = db_col_i64(st, 14);
	r->created_by_name = db_col_text(st, a, 15);
}

/* The source record's code of r, when its module is known and it still exists. */
static int
source_code(struct db *db, struct arena *a, const struct actor *who, struct ledger_row *r,
	    struct err *e)
{
	struct stmt st = { 0 };
	size_t i = 0;
	int rc, row;

	while (sources[i].module && (!r->source_module || strcmp(sources[i].module, r->source_module)))
		i++;
	if (!sources[i].module || !r->source_id)
		return 0;
	rc = db_prepare(db, &st, sources[i].sql, e) || db_bind_i64(&st, ":id", r->source_id, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ? e->code : 0;
	row = rc ? 0 : db_step(&st, e);
	if (row == 1)
		r->source_code = db_col_text(&st, a, 0);
	db_finalize(&st);
	return rc || row < 0 ? e->code : 0;
}

int
sup_ledger(struct db *db, struct arena *a, const struct actor *who, int64_t item_id,
	   int64_t from, int64_t to, int64_t limit, int64_t offset, struct ledger *out,
	   struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	out->from = from;
	out->to = to;
	if (balance_before(db, who, item_id, from, &out->opening, e) ||
	    balance_before(db, who, item_id, to, &out->closing, e) ||
	    sums(db, who, item_id, out, e))
		return e->code;
	if (!from)	/* no opening: everything is in the period */
		memset(&out->opening, 0, sizeof(out->opening));
	rc = db_prepare(db, &st, sql_rows, e) || bind_period(&st, who, item_id, out, e) ||
	     db_bind_i64(&st, ":limit", limit, e) || db_bind_i64(&st, ":offset", offset, e) ||
	     db_read_rows(&st, a, sizeof(*out->rows), row_fill, (void **)&out->rows, &out->n, e)
		     ? e->code : 0;
	db_finalize(&st);
	for (size_t i = 0; !rc && i < out->n; i++)
		rc = source_code(db, a, who, &out->rows[i], e);
	return rc;
}

json_t *
sup_ledger_row_json(const struct ledger_row *r)
{
	json_t *src = r->source_module
		? json_pack("{ss sI ss*}", "module", r->source_module, "id",
			    (json_int_t)r->source_id, "code", r->source_code)
		: json_null();

	return json_pack("{sI ss ss sI sI sI sI sI so so ss* ss* so so ss*}", "id",
			 (json_int_t)r->id, "kind", r->kind, "reason", r->reason, "qty",
			 (json_int_t)r->qty, "unit_cost_fen", (json_int_t)r->unit_cost_fen,
			 "amount_fen", (json_int_t)r->amount_fen, "balance_qty",
			 (json_int_t)r->balance_qty, "balance_value_fen",
			 (json_int_t)r->balance_value_fen, "source", src, "department_id",
			 jid_or_null(r->department_id), "department_name", r->department_name,
			 "note", r->note, "occurred_at", jtime(r->occurred_at), "created_by",
			 jid_or_null(r->created_by), "created_by_name", r->created_by_name);
}
