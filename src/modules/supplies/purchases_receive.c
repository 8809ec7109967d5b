/*
** modules/supplies/purchases_receive.c: 验收入库 of an approved order
** (purchases.h). Checked before anything is written: the people (active users
** of the agency), the lines (items of the order, at most what was ordered),
** then the rules: two purchasers, neither the requester, above ¥50,000; an
** acceptor who neither bought nor requested. Then each line goes into stock at
** its price and the received value is spent on the order's budget line (its
** commitment turns into spending; the rest waits for the close).
*/
#include "modules/supplies/purchases.h"
#include "modules/supplies/stock.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/budget.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

static const char sql_user[] =
	"SELECT id FROM app_user WHERE id = :id AND agency_id = :agency AND active = 1"
	" AND deleted_at IS NULL";
static const char sql_done[] =
	"UPDATE purchase_order SET status = 'received', invoice_no = :invoice, received_fen = :fen,"
	" received_at = :at, received_by = :by, acceptor_id = :acceptor, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND status = 'approved'";
static const char sql_line[] =
	"UPDATE purchase_order_line SET received_qty = :qty, received_price_fen = :price"
	" WHERE order_id = :order AND item_id = :item";
static const char sql_person[] =
	"INSERT INTO purchase_receipt_person (order_id, user_id, role) VALUES (:order, :user, :role)";

static int
user_ok(struct db *db, int64_t agency, int64_t id, const char *field, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_user, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", field, "人员 #%lld 不存在或已停用",
				(long long)id);
	return rc;
}

static int
check_people(struct db *db, const struct actor *who, const struct po_receive_in *in,
	     struct err *e)
{
	if (!in->npurchasers || in->npurchasers > PO_PURCHASERS_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "purchaser_ids", "请选择 1 至 %d 名采购人",
				PO_PURCHASERS_MAX);
	for (size_t i = 0; i < in->npurchasers; i++) {
		for (size_t k = 0; k < i; k++)
			if (in->purchaser_ids[k] == in->purchaser_ids[i])
				return err_setx(e, ERR_INVALID, "invalid", "purchaser_ids",
						"采购人不能重复");
		if (user_ok(db, who->agency_id, in->purchaser_ids[i], "purchaser_ids", e))
			return e->code;
	}
	if (in->acceptor_id <= 0)
		return err_setx(e, ERR_INVALID, "invalid", "acceptor_id", "请选择验收人");
	if (!in->invoice_no || !in->invoice_no[0])
		return err_setx(e, ERR_INVALID, "invalid", "invoice_no", "请填写发票号");
	return user_ok(db, who->agency_id, in->acceptor_id, "acceptor_id", e);
}

static const struct po_line *
order_line(const struct purchase_order *o, int64_t item_id)
{
	for (size_t k = 0; k < o->nlines; k++)
		if (o->lines[k].item_id == item_id)
			return &o->lines[k];
	return NULL;
}

/* Each line an item of the order, once, 0..ordered at a price; *value: their sum. */
static int
check_lines(const struct purchase_order *o, const struct po_receive_in *in, int64_t *value,
	    struct err *e)
{
	*value = 0;
	if (!in->nlines || in->nlines > PO_LINES_MAX)
		err_field(e, "lines", "请填写 1 至 %d 项入库明细", PO_LINES_MAX);
	for (size_t i = 0; i < in->nlines && i < PO_LINES_MAX; i++) {
		const struct po_receive_line *r = &in->lines[i];
		const struct po_line *l = order_line(o, r->item_id);

		for (size_t k = 0; k < i; k++)
			if (in->lines[k].item_id == r->item_id)
				l = NULL;
		if (!l)
			err_field(e, po_line_field(i, 0), "不是本采购单的物品，或重复");
		else if (r->qty < 0 || r->qty > l->qty)
			err_field(e, po_line_field(i, 1), "入库数量应为 0 至采购数量 %lld",
				  (long long)l->qty);
		if (r->unit_price_fen < 0 || r->unit_price_fen > STOCK_PRICE_MAX)
			err_field(e, po_line_field(i, 2), "单价不能为负或超过 100 万元");
		else if (l && r->qty >= 0 && r->qty <= l->qty)
			*value += r->qty * r->unit_price_fen;
	}
	if (!e->nfields && *value <= 0)
		err_field(e, "lines", "入库金额应大于 0");
	return err_fields_done(e);
}

static int
is_purchaser(const struct po_receive_in *in, int64_t id)
{
	for (size_t i = 0; i < in->npurchasers; i++)
		if (in->purchaser_ids[i] == id)
			return 1;
	return 0;
}

/* 两人采购 above ¥50,000 and 采购与验收分离 always. */
static int
check_rules(const struct purchase_order *o, const struct po_receive_in *in, struct err *e)
{
	if (po_two_persons_required(o->total_fen) &&
	    (in->npurchasers < 2 || is_purchaser(in, o->requester_id)))
		return err_setx(e, ERR_RULE, "two_person_rule", "purchaser_ids",
				"5 万元以上的采购须由两名采购人共同采购，且不能是申请人");
	if (is_purchaser(in, in->acceptor_id))
		return err_setx(e, ERR_RULE, "separation_of_duties", "acceptor_id",
				"验收人不能是采购人");
	if (in->acceptor_id == o->requester_id)
		return err_setx(e, ERR_RULE, "separation_of_duties", "acceptor_id",
				"验收人不能是采购申请人");
	return 0;
}

static int
mark_received(struct db *db, const struct actor *who, const struct purchase_order *o,
	      const struct po_receive_in *in, int64_t value, int64_t at, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_done, e) || db_bind_text(&st, ":invoice", in->invoice_no, e) ||
		 db_bind_i64(&st, ":fen", value, e) || db_bind_i64(&st, ":at", at, e) ||
		 db_bind_i64(&st, ":by", who->id, e) ||
		 db_bind_i64(&st, ":acceptor", in->acceptor_id, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", o->id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc && db_changes(db) != 1)
		return err_setx(e, ERR_CONFLICT, "wrong_status", NULL, "采购单状态已变化，请刷新");
	return rc;
}

static int
add_person(struct db *db, int64_t order, int64_t user, const char *role, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_person, e) || db_bind_i64(&st, ":order", order, e) ||
		 db_bind_i64(&st, ":user", user, e) || db_bind_text(&st, ":role", role, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* One received line: its figures on the order and its stock_in at its price. */
static int
receive_line(struct db *db, const struct actor *who, const struct purchase_order *o,
	     const struct po_receive_line *r, int64_t at, struct err *e)
{
	struct stock_move_in mv = { .item_id = r->item_id, .reason = "purchase", .qty = r->qty,
				    .unit_cost_fen = r->unit_price_fen,
				    .source_module = "purchase_order", .source_id = o->id,
				    .occurred_at = at };
	struct stock_move out;
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_line, e) || db_bind_i64(&st, ":qty", r->qty, e) ||
		 db_bind_i64(&st, ":price", r->unit_price_fen, e) ||
		 db_bind_i64(&st, ":order", o->id, e) || db_bind_i64(&st, ":item", r->item_id, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (rc || !r->qty)
		return rc;
	return stock_in(db, who, &mv, &out, e);
}

static int
write_receipt(struct db *db, const struct actor *who, const struct purchase_order *o,
	      const struct po_receive_in *in, int64_t value, struct err *e)
{
	struct budget_src src = { .module = "purchase_order", .id = o->id,
				  .voucher_no = in->invoice_no, .payee = o->supplier_name,
				  .occurred_at = in->occurred_at };
	int64_t at = in->occurred_at ? in->occurred_at : now_ms();
	struct budget_result r;

	if (mark_received(db, who, o, in, value, at, e))
		return e->code;
	for (size_t i = 0; i < in->npurchasers; i++)
		if (add_person(db, o->id, in->purchaser_ids[i], "purchaser", e))
			return e->code;
	if (add_person(db, o->id, in->acceptor_id, "acceptor", e))
		return e->code;
	for (size_t i = 0; i < in->nlines; i++)
		if (receive_line(db, who, o, &in->lines[i], at, e))
			return e->code;
	return budget_spend(db, who, o->line_id, value, &src, &r, e);
}

int
po_receive(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	   const struct po_receive_in *in, struct err *e)
{
	struct purchase_order o;
	int64_t value = 0;

	assert(db_in_tx(db));
	if (!actor_has(who, ROLE_OFFICE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以验收入库");
	if (po_get(db, a, who, id, &o, e))
		return e->code;
	if (strcmp(o.status, "approved") != 0)
		return err_setx(e, ERR_CONFLICT, "wrong_status", NULL, "只有已批准的采购单可以验收入库");
	if (check_people(db, who, in, e) || check_lines(&o, in, &value, e) ||
	    check_rules(&o, in, e) || write_receipt(db, who, &o, in, value, e))
		return e->code;
	return po_record(db, a, who, &o, "receive", NULL, NULL, e);
}
