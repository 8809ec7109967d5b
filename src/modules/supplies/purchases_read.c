/*
** modules/supplies/purchases_read.c: purchase orders as lists, one order in
** full, and the low-stock suggestions (purchases.h). The office, leaders,
** finance and the supervisor read every order of the agency (the route rows
** say so); an approver of an order reads it too (history, quotes).
*/
#include "modules/supplies/purchases.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/files.h"
#include "core/json.h"
#include "db/db.h"

#include <string.h>

const char *const po_status_codes[] = { "pending",  "approved", "rejected", "withdrawn",
					"received", "closed",	"cancelled", NULL };

#define PO_COLS                                                                           \
	"o.id, o.code, o.status, o.requester_id, u.display_name, o.department_id, d.name,"  \
	" o.supplier_id, s.name, o.class_code, o.line_id, o.total_fen, o.received_fen,"     \
	" o.reason, o.invoice_no, COALESCE(o.approval_id, 0), COALESCE(o.received_at, 0),"  \
	" COALESCE(o.received_by, 0), COALESCE(o.acceptor_id, 0), au.display_name,"        \
	" o.created_at, o.updated_at"
#define PO_FROM                                                                           \
	" FROM purchase_order o JOIN app_user u ON u.id = o.requester_id"                 \
	" JOIN department d ON d.id = o.department_id JOIN supplier s ON s.id = o.supplier_id" \
	" LEFT JOIN app_user au ON au.id = o.acceptor_id"
#define PO_WHERE                                                                          \
	" WHERE o.agency_id = :agency AND (:status IS NULL OR o.status = :status)"        \
	" AND (:supplier = 0 OR o.supplier_id = :supplier)"                                \
	" AND (:from = 0 OR o.created_at >= :from) AND (:to = 0 OR o.created_at < :to)"    \
	" AND (:id = 0 OR o.id = :id)"
static const char sql_list[] =
	"SELECT " PO_COLS PO_FROM PO_WHERE
	" ORDER BY o.created_at DESC, o.id DESC LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*) FROM purchase_order o" PO_WHERE;
static const char sql_lines[] =
	"SELECT l.id, l.item_id, l.qty, l.unit_price_fen, l.received_qty,"
	" COALESCE(l.received_price_fen, -1), i.code, i.name, i.unit, i.spec"
	" FROM purchase_order_line l JOIN supply_item i ON i.id = l.item_id"
	" WHERE l.order_id = :id ORDER BY l.seq";
static const char sql_people[] =
	"SELECT p.user_id, u.display_name, p.role FROM purchase_receipt_person p"
	" JOIN app_user u ON u.id = p.user_id WHERE p.order_id = :id ORDER BY p.role DESC, u.id";
static const char sql_suggest[] =
	"SELECT id, code, name, spec, unit, category, qty_on_hand, reorder_point,"
	" COALESCE(max_stock, 0), last_cost_fen FROM supply_item"
	" WHERE agency_id = :agency AND active = 1 AND qty_on_hand <= reorder_point"
	" ORDER BY category, code LIMIT 500";

static const char sql_people_all[] =
	"SELECT u.id, u.display_name, COALESCE(d.name, '') FROM app_user u"
	" LEFT JOIN department d ON d.id = u.department_id WHERE u.agency_id = :agency"
	" AND u.active = 1 AND u.deleted_at IS NULL ORDER BY d.name, u.display_name, u.id LIMIT 1000";

static void
row_fill(struct stmt *st, struct arena *a, void *item)
{
	struct purchase_order *o = item;

	memset(o, 0, sizeof(*o));
	o->id = db_col_i64(st, 0);
	o->code = db_col_text(st, a, 1);
	o->status = db_col_text(st, a, 2);
	o->requester_id = db_col_i64(st, 3);
	o->requester_name = db_col_text(st, a, 4);
	o->department_id = db_col_i64(st, 5);
	o->department_name = db_col_text(st, a, 6);
	o->supplier_id = db_col_i64(st, 7);
	o->supplier_name = db_col_text(st, a, 8);
	o->class_code = db_col_text(st, a, 9);
	o->line_id = db_col_i64(st, 10);
	o->total_fen = db_col_i64(st, 11);
	o->received_fen = db_col_i64(st, 12);
	o->reason = db_col_text(st, a, 13);
	o->invoice_no = db_col_text(st, a, 14);
	o->approval_id = db_col_i64(st, 15);
	o->received_at = db_col_i64(st, 16);
	o->received_by = db_col_i64(st, 17);
	o->acceptor_id = db_col_i64(st, 18);
	o->acceptor_name = db_col_text(st, a, 19);
	o->created_at = db_col_i64(st, 20);
	o->updated_at = db_col_i64(st, 21);
}

static int
bind_filter(struct stmt *st, int64_t agency, const struct po_filter *f, int64_t id,
	    struct err *e)
{
	return db_bind_i64(st, ":agency", agency, e) || db_bind_text(st, ":status", f->status, e) ||
	       db_bind_i64(st, ":supplier", f->supplier_id, e) ||
	       db_bind_i64(st, ":from", f->from, e) || db_bind_i64(st, ":to", f->to, e) ||
	       db_bind_i64(st, ":id", id, e) ? e->code : 0;
}

static int
query(struct db *db, struct arena *a, int64_t agency, const struct po_filter *f, int64_t id,
      struct purchase_order **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || bind_filter(&st, agency, f, id, e) ||
		 db_bind_i64(&st, ":limit", f->limit, e) ||
		 db_bind_i64(&st, ":offset", f->offset, e) ||
		 db_read_rows(&st, a, sizeof(**items), row_fill, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
po_list(struct db *db, struct arena *a, const struct actor *who, const struct po_filter *f,
	struct purchase_order **items, size_t *n, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) || bind_filter(&st, who->agency_id, f, 0, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	*n = 0;
	if (!rc && f->limit > 0)
		rc = query(db, a, who->agency_id, f, 0, items, n, e);
	return rc;
}

int
po_row(struct db *db, struct arena *a, int64_t agency, int64_t id, struct purchase_order *out,
       struct err *e)
{
	struct po_filter f = { .limit = 1 };
	struct purchase_order *items;
	size_t n = 0;

	if (id > 0 && query(db, a, agency, &f, id, &items, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "采购单不存在");
	*out = items[0];
	return 0;
}

static int
reads_all(const struct actor *who)
{
	return actor_has(who, ROLE_OFFICE | ROLE_LEADER | ROLE_FINANCE | ROLE_SUPERVISOR);
}

int
po_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e)
{
	struct purchase_order o;
	struct approval ap;

	if (po_row(db, a, who->agency_id, id, &o, e) || reads_all(who))
		return e->code;
	if (o.approval_id && appr_get(db, a, who, o.approval_id, &ap, e) == 0)
		return 0;
	if (e->code != ERR_NOT_FOUND)
		return e->code;
	return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "采购单不存在");
}

/* Attachment owner "purchase_order": whoever sees the order reads its quotes. */
int
po_can_read(struct db *db, const struct actor *who, int64_t id)
{
	struct arena *a = arena_new(4096);
	struct err e = { 0 };
	int rc;

	if (!a)
		return ERR_NOMEM;
	rc = po_visible(db, a, who, id, &e);
	arena_free(a);
	return rc == 0 ? 1 : rc == ERR_NOT_FOUND ? 0 : rc;
}

static void
line_fill(struct stmt *st, struct arena *a, void *item)
{
	struct po_line *l = item;

	l->id = db_col_i64(st, 0);
	l->item_id = db_col_i64(st, 1);
	l->qty = db_col_i64(st, 2);
	l->unit_price_fen = db_col_i64(st, 3);
	l->received_qty = db_col_i64(st, 4);
	l->received_price_fen = db_col_i64(st, 5);
	l->item_code = db_col_text(st, a, 6);
	l->item_name = db_col_text(st, a, 7);
	l->unit = db_col_text(st, a, 8);
	l->spec = db_col_text(st, a, 9);
}

static void
person_fill(struct stmt *st, struct arena *a, void *item)
{
	struct po_person *p = item;

	p->user_id = db_col_i64(st, 0);
	p->name = db_col_text(st, a, 1);
	p->role = db_col_text(st, a, 2);
}

static int
load_rows(struct db *db, struct arena *a, const char *sql, int64_t id, size_t size,
	  db_row_fn fill, void **out, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_read_rows(&st, a, size, fill, out, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* The approval with its steps; one who sees the order but not the approval reads it too. */
static int
load_approval(struct db *db, struct arena *a, const struct actor *who,
	      struct purchase_order *o, struct err *e)
{
	if (!o->approval_id)
		return 0;
	o->appr = arena_alloc(a, sizeof(*o->appr));
	if (!o->appr)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return appr_get_for_record(db, a, who, o->approval_id, o->appr, e);
}

int
po_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
       struct purchase_order *out, struct err *e)
{
	int office = actor_has(who, ROLE_OFFICE);

	if (po_visible(db, a, who, id, e) || po_row(db, a, who->agency_id, id, out, e) ||
	    load_rows(db, a, sql_lines, id, sizeof(*out->lines), line_fill, (void **)&out->lines,
		      &out->nlines, e) ||
	    load_rows(db, a, sql_people, id, sizeof(*out->people), person_fill,
		      (void **)&out->people, &out->npeople, e) ||
	    files_list_owner(db, a, who, "purchase_order", id, &out->files, &out->nfiles, e) ||
	    load_approval(db, a, who, out, e))
		return e->code;
	out->can_receive = office && strcmp(out->status, "approved") == 0;
	out->can_close = office && strcmp(out->status, "received") == 0;
	out->can_cancel = office && (strcmp(out->status, "pending") == 0 ||
				     strcmp(out->status, "approved") == 0);
	return 0;
}

static void
suggest_fill(struct stmt *st, struct arena *a, void *item)
{
	struct po_suggestion *s = item;
	int64_t target;

	s->item_id = db_col_i64(st, 0);
	s->code = db_col_text(st, a, 1);
	s->name = db_col_text(st, a, 2);
	s->spec = db_col_text(st, a, 3);
	s->unit = db_col_text(st, a, 4);
	s->category = db_col_text(st, a, 5);
	s->qty_on_hand = db_col_i64(st, 6);
	s->reorder_point = db_col_i64(st, 7);
	s->max_stock = db_col_i64(st, 8);
	s->last_price_fen = db_col_i64(st, 9);
	/* up to the maximum; without one, twice the reorder point */
	target = s->max_stock ? s->max_stock : 2 * s->reorder_point;
	s->suggested_qty = target > s->qty_on_hand ? target - s->qty_on_hand : 1;
}

int
po_suggestions(struct db *db, struct arena *a, const struct actor *who,
	       struct po_suggestion **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_suggest, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_read_rows(&st, a, sizeof(**items), suggest_fill, (void **)items, n, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* ---------- JSON ---------- */

json_t *
po_json(const struct purchase_order *o)
{
	json_t *j = json_pack("{sI ss ss sI ss sI ss sI ss ss sI sI sI}", "id", (json_int_t)o->id,
			      "code", o->code, "status", o->status, "requester_id",
			      (json_int_t)o->requester_id, "requester_name", o->requester_name,
			      "department_id", (json_int_t)o->department_id, "department_name",
			      o->department_name, "supplier_id", (json_int_t)o->supplier_id,
			      "supplier_name", o->supplier_name, "class_code", o->class_code,
			      "budget_line_id", (json_int_t)o->line_id, "total_fen",
			      (json_int_t)o->total_fen, "received_fen", (json_int_t)o->received_fen);

	if (j && json_object_update_new(j, json_pack("{so so sI so so so so}", "reason",
						     jstr_or_null(o->reason), "invoice_no",
						     jstr_or_null(o->invoice_no), "approval_id",
						     (json_int_t)o->approval_id, "received_at",
						     o->received_at ? jtime(o->received_at) : json_null(),
						     "acceptor_name", jstr_or_null(o->acceptor_name),
						     "created_at", jtime(o->created_at), "updated_at",
						     jtime(o->updated_at))))
		return json_decref(j), NULL;
	return j;
}

static json_t *
line_json(const struct po_line *l)
{
	return json_pack("{sI sI ss ss ss so sI sI sI sI so}", "id", (json_int_t)l->id, "item_id",
			 (json_int_t)l->item_id, "item_code", l->item_code, "item_name",
			 l->item_name, "unit", l->unit, "spec", jstr_or_null(l->spec), "qty",
			 (json_int_t)l->qty, "unit_price_fen", (json_int_t)l->unit_price_fen,
			 "amount_fen", (json_int_t)(l->qty * l->unit_price_fen), "received_qty",
			 (json_int_t)l->received_qty, "received_price_fen",
			 l->received_price_fen < 0 ? json_null()
						   : json_integer(l->received_price_fen));
}

static json_t *
lists_json(const struct purchase_order *o, json_t **people, json_t **files)
{
	json_t *lines = json_array();

	*people = json_array();
	*files = json_array();
	for (size_t i = 0; lines && i < o->nlines; i++)
		json_array_append_new(lines, line_json(&o->lines[i]));
	for (size_t i = 0; *people && i < o->npeople; i++)
		json_array_append_new(*people, json_pack("{sI ss ss}", "user_id",
							 (json_int_t)o->people[i].user_id, "name",
							 o->people[i].name, "role",
							 o->people[i].role));
	for (size_t i = 0; *files && i < o->nfiles; i++)
		json_array_append_new(*files, json_pack("{sI ss ss sI}", "id",
							(json_int_t)o->files[i].id, "filename",
							o->files[i].filename, "content_type",
							o->files[i].mime, "size",
							(json_int_t)o->files[i].size));
	return lines;
}

json_t *
po_detail_json(const struct purchase_order *o)
{
	json_t *j = po_json(o), *people, *files, *lines = lists_json(o, &people, &files);
	json_t *ids = json_array();

	for (size_t i = 0; ids && i < o->nfiles; i++)
		json_array_append_new(ids, json_integer(o->files[i].id));
	if (j && json_object_update_new(j, json_pack("{so so so so so sb sb sb}", "lines", lines,
						     "people", people, "quotes", files,
						     "quote_attachment_ids", ids, "approval",
						     o->appr ? appr_json(o->appr) : json_null(),
						     "can_receive", o->can_receive, "can_close",
						     o->can_close, "can_cancel", o->can_cancel)))
		return json_decref(j), NULL;
	return j;
}

json_t *
po_suggestion_json(const struct po_suggestion *s)
{
	return json_pack("{sI ss ss so ss ss sI sI so sI sI}", "item_id", (json_int_t)s->item_id,
			 "code", s->code, "name", s->name, "spec", jstr_or_null(s->spec), "unit",
			 s->unit, "category", s->category, "qty_on_hand",
			 (json_int_t)s->qty_on_hand, "reorder_point", (json_int_t)s->reorder_point,
			 "max_stock", s->max_stock ? json_integer(s->max_stock) : json_null(),
			 "suggested_qty", (json_int_t)s->suggested_qty, "last_price_fen",
			 (json_int_t)s->last_price_fen);
}

/* The people a receipt may name: the agency's active users (purchasers, the acceptor). */
int
po_people(struct db *db, struct arena *a, const struct actor *who, struct po_person **items,
	  size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_people_all, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_read_rows(&st, a, sizeof(**items), person_fill, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}
