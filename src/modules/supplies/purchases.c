/*
** modules/supplies/purchases.c: a purchase order's checks and its creation
** (purchases.h). Order: the input (400), each line's item and the supplier,
** the budget line of the class (422 no_budget_line), then what only a
** submission needs: the quotes above ¥10,000 and a stop line's room.
*/
#include "modules/supplies/purchases.h"
#include "modules/supplies/supplies.h"
#include "modules/supplies/stock.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/budget.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/err.h"
#include "core/files.h"
#include "core/json.h"
#include "core/validate.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

const char *const po_class_codes[] = { "30201", "30218", NULL };

static const char sql_insert[] =
	"INSERT INTO purchase_order (agency_id, code, status, requester_id, department_id,"
	" supplier_id, class_code, line_id, total_fen, reason, created_at, updated_at)"
	" VALUES (:agency, :code, 'pending', :who, :dept, :supplier, :class, :line, :total,"
	" :reason, :now, :now) RETURNING id";
static const char sql_line_insert[] =
	"INSERT INTO purchase_order_line (order_id, seq, item_id, qty, unit_price_fen)"
	" VALUES (:order, :seq, :item, :qty, :price)";
static const char sql_set_approval[] =
	"UPDATE purchase_order SET approval_id = :ap WHERE id = :id";

#define LINE_FIELDS(i) { "lines[" #i "].item_id", "lines[" #i "].qty", "lines[" #i "].unit_price_fen" }
static const char *const line_fields[][3] = {
	LINE_FIELDS(0),	 LINE_FIELDS(1),  LINE_FIELDS(2),  LINE_FIELDS(3),  LINE_FIELDS(4),
	LINE_FIELDS(5),	 LINE_FIELDS(6),  LINE_FIELDS(7),  LINE_FIELDS(8),  LINE_FIELDS(9),
	LINE_FIELDS(10), LINE_FIELDS(11), LINE_FIELDS(12), LINE_FIELDS(13), LINE_FIELDS(14),
	LINE_FIELDS(15), LINE_FIELDS(16), LINE_FIELDS(17), LINE_FIELDS(18), LINE_FIELDS(19),
	LINE_FIELDS(20), LINE_FIELDS(21), LINE_FIELDS(22), LINE_FIELDS(23), LINE_FIELDS(24),
	LINE_FIELDS(25), LINE_FIELDS(26), LINE_FIELDS(27), LINE_FIELDS(28), LINE_FIELDS(29),
};
_Static_assert(sizeof(line_fields) / sizeof(line_fields[0]) == PO_LINES_MAX, "line fields");

/* "lines[i].<which>" (which: 0 item_id, 1 qty, 2 unit_price_fen): a static name for err_field. */
const char *
po_line_field(size_t i, int which)
{
	return i < PO_LINES_MAX ? line_fields[i][which] : "lines";
}

static int64_t
year_now(void)
{
	return days_to_date((now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS) / 10000;
}

/* Quantities, prices, one line per item, the total within the engine's range. */
static int
check_input(const struct po_in *in, int64_t *total, struct err *e)
{
	*total = 0;
	if (!in->nlines || in->nlines > PO_LINES_MAX)
		err_field(e, "lines", "请填写 1 至 %d 项采购明细", PO_LINES_MAX);
	for (size_t i = 0; i < in->nlines && i < PO_LINES_MAX; i++) {
		const struct po_line_in *l = &in->lines[i];

		if (l->item_id <= 0)
			err_field(e, po_line_field(i, 0), "请选择物品");
		for (size_t k = 0; k < i && l->item_id > 0; k++)
			if (in->lines[k].item_id == l->item_id)
				err_field(e, po_line_field(i, 0), "同一物品只能写一行");
		if (l->qty <= 0 || l->qty > STOCK_QTY_MAX)
			err_field(e, po_line_field(i, 1), "数量应为 1 至 %d", STOCK_QTY_MAX);
		if (l->unit_price_fen < 0 || l->unit_price_fen > STOCK_PRICE_MAX)
			err_field(e, po_line_field(i, 2), "单价不能为负或超过 100 万元");
		else if (l->qty > 0 && l->qty <= STOCK_QTY_MAX)
			*total += l->qty * l->unit_price_fen;
	}
	if (in->nlines && (*total <= 0 || *total > BUDGET_AMOUNT_MAX) && !e->nfields)
		err_field(e, "lines", "采购金额应大于 0 且不超过预算上限");
	if (in->supplier_id <= 0)
		err_field(e, "supplier_id", "请选择供应商");
	if (in->class_code && !val_in(in->class_code, po_class_codes))
		err_field(e, "class_code", "支出分类应为 30201 办公费或 30218 专用材料费");
	return err_fields_done(e);
}

/* Every item of the agency (400 on its line) and active (422 item_inactive). */
static int
check_items(struct db *db, struct arena *a, const struct actor *who, const struct po_in *in,
	    struct err *e)
{
	struct supply_item it;

	for (size_t i = 0; i < in->nlines; i++) {
		if (sup_item_get(db, a, who, in->lines[i].item_id, &it, e)) {
			if (e->code != ERR_NOT_FOUND)
				return e->code;
			return err_setx(e, ERR_INVALID, "invalid", po_line_field(i, 0), "物品不存在");
		}
		if (!it.active)
			return err_setx(e, ERR_RULE, "item_inactive", po_line_field(i, 0),
					"物品 %s 已停用", it.name);
	}
	return 0;
}

static int
check_supplier(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	       struct err *e)
{
	struct supplier s;

	if (sup_supplier_get(db, a, who, id, &s, e)) {
		if (e->code != ERR_NOT_FOUND)
			return e->code;
		return err_setx(e, ERR_INVALID, "invalid", "supplier_id", "供应商不存在");
	}
	if (!s.active)
		return err_setx(e, ERR_RULE, "supplier_inactive", "supplier_id", "供应商 %s 已停用",
				s.name);
	return 0;
}

/* The creator's department's line of the class this year (422 no_budget_line). */
static int
find_line(struct db *db, const struct actor *who, const char *class_code, int64_t *line,
	  struct err *e)
{
	return budget_line_for(db, who->agency_id, (int)year_now(), who->department_id, class_code,
			       "class_code", line, e);
}

/* 三家比价: above ¥10,000 at least three quotes, else the order cannot be submitted. */
static int
check_quotes(const struct po_in *in, int64_t total, struct err *e)
{
	if (in->nquotes > PO_QUOTES_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "quote_attachment_ids",
				"最多上传 %d 份报价", PO_QUOTES_MAX);
	if (po_quotes_required(total) && in->nquotes < PO_QUOTES_NEEDED && !in->paper_quotes)
		return err_setx(e, ERR_RULE, "quotes_required", "quote_attachment_ids",
				"采购金额超过 1 万元，须附三家供应商报价（已附 %zu 份）",
				in->nquotes);
	return 0;
}

static int
insert_order(struct db *db, const struct actor *who, const struct po_in *in, const char *code,
	     int64_t line, int64_t total, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":code", code, e) || db_bind_i64(&st, ":who", who->id, e) ||
		 db_bind_i64(&st, ":dept", who->department_id, e) ||
		 db_bind_i64(&st, ":supplier", in->supplier_id, e) ||
		 db_bind_text(&st, ":class", in->class_code, e) || db_bind_i64(&st, ":line", line, e) ||
		 db_bind_i64(&st, ":total", total, e) ||
		 db_bind_text(&st, ":reason", in->reason && in->reason[0] ? in->reason : NULL, e) ||
		 db_bind_i64(&st, ":now", in->created_at ? in->created_at : now_ms(), e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
insert_lines(struct db *db, int64_t id, const struct po_in *in, struct err *e)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < in->nlines; i++) {
		struct stmt st = { 0 };

		rc = db_prepare(db, &st, sql_line_insert, e) || db_bind_i64(&st, ":order", id, e) ||
		     db_bind_i64(&st, ":seq", (int64_t)i + 1, e) ||
		     db_bind_i64(&st, ":item", in->lines[i].item_id, e) ||
		     db_bind_i64(&st, ":qty", in->lines[i].qty, e) ||
		     db_bind_i64(&st, ":price", in->lines[i].unit_price_fen, e) ||
		     db_step_done(&st, e) ? e->code : 0;
		db_finalize(&st);
	}
	return rc;
}

/* The quotes: only the creator's own, unattached uploads; anything else is a 400. */
static int
attach_quotes(struct db *db, const struct actor *who, const struct po_in *in, int64_t id,
	      struct err *e)
{
	return files_attach_all(db, who, in->quote_ids, in->nquotes, "purchase_order", id,
				"quote_attachment_ids", e);
}

static int
submit(struct db *db, const struct actor *who, const struct po_in *in, int64_t id,
       const char *code, int64_t total, struct err *e)
{
	struct appr_submit s = { .kind = "purchase_order", .entity = "purchase_order",
				 .entity_id = id, .title = code, .amount_fen = total,
				 .reason = in->reason };
	struct stmt st = { 0 };
	int64_t ap = 0;
	int rc = appr_submit(db, who, &s, &ap, e) || db_prepare(db, &st, sql_set_approval, e) ||
		 db_bind_i64(&st, ":ap", ap, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* Everything checked before anything is written: a refusal leaves no trace. */
static int
check_all(struct db *db, struct arena *a, const struct actor *who, const struct po_in *in,
	  int64_t *line, int64_t *total, struct err *e)
{
	return check_input(in, total, e) || check_items(db, a, who, in, e) ||
	       check_supplier(db, a, who, in->supplier_id, e) ||
	       find_line(db, who, in->class_code, line, e) || check_quotes(in, *total, e) ||
	       budget_check_room(db, who, *line, *total, e) ? e->code : 0;
}

int
po_create(struct db *db, struct arena *a, const struct actor *who, const struct po_in *in0,
	  struct purchase_order *out, struct err *e)
{
	struct po_in in = *in0;
	const char *code = NULL;
	int64_t id = 0, line = 0, total = 0;

	assert(db_in_tx(db));
	if (!actor_has(who, ROLE_OFFICE) || !who->department_id)
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以采购");
	if (!in.class_code || !in.class_code[0])
		in.class_code = "30201";
	if (check_all(db, a, who, &in, &line, &total, e) ||
	    code_yearly(db, a, who->agency_id, "CG", year_now(), &code, e) ||
	    insert_order(db, who, &in, code, line, total, &id, e) || insert_lines(db, id, &in, e) ||
	    attach_quotes(db, who, &in, id, e) || submit(db, who, &in, id, code, total, e) ||
	    po_row(db, a, who->agency_id, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "purchase_order", id, NULL, jarena(a, po_json(out)), e);
}
