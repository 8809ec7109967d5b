/*
** modules/supplies/requisitions_read.c: requisitions as lists (in who's
** scope) and one in full with its lines and approval; their JSON.
*/
#include "modules/supplies/requisitions.h"
#include "core/approval.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <string.h>

/* issued value: the ledger's own (the issues' amounts are negative) */
#define REQ_COLS                                                                              \
	"r.id, r.code, r.status, r.requester_id, u.display_name, r.department_id, d.name,"      \
	" r.reason, r.value_fen, r.over_quota, COALESCE(r.approval_id, 0),"                    \
	" COALESCE(r.issued_by, 0), iu.display_name, COALESCE(r.issued_at, 0),"                 \
	" COALESCE(r.received_at, 0), r.cancel_reason, r.created_at, r.updated_at,"             \
	" COALESCE((SELECT -SUM(m.amount_fen) FROM stock_movement m"                            \
	" WHERE m.source_module = 'requisition' AND m.source_id = r.id), 0),"                   \
	" CASE WHEN EXISTS (SELECT 1 FROM requisition_line l WHERE l.requisition_id = r.id"     \
	" AND l.qty_issued < l.qty) THEN 0 ELSE 1 END"
#define REQ_FROM                                                                  \
	" FROM requisition r JOIN app_user u ON u.id = r.requester_id"            \
	" JOIN department d ON d.id = r.department_id"                            \
	" LEFT JOIN app_user iu ON iu.id = r.issued_by"
/* scope: :all, else the requester (:me) or the department (:dept, -1 none) */
#define REQ_WHERE                                                                             \
	" WHERE r.agency_id = :agency AND (:status IS NULL OR r.status = :status)"             \
	" AND (:all = 1 OR r.requester_id = :me OR r.department_id = :dept)"                    \
	" AND (:mine = 0 OR r.requester_id = :mine) AND (:fdept = 0 OR r.department_id = :fdept)" \
	" AND (:from = 0 OR r.created_at >= :from) AND (:to = 0 OR r.created_at < :to)"        \
	" AND (:toissue = 0 OR r.status = 'approved' OR (r.status = 'issued' AND EXISTS"        \
	" (SELECT 1 FROM requisition_line l WHERE l.requisition_id = r.id"                     \
	" AND l.qty_issued < l.qty))) AND (:id = 0 OR r.id = :id)"
static const char sql_list[] = "SELECT " REQ_COLS REQ_FROM REQ_WHERE
			       " ORDER BY r.created_at DESC, r.id DESC LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*) FROM requisition r" REQ_WHERE;
static const char sql_lines[] =
	"SELECT l.id, l.item_id, i.code, i.name, i.spec, i.unit, l.qty, l.qty_issued,"
	" l.unit_cost_fen, l.reason, i.qty_on_hand FROM requisition_line l"
	" JOIN supply_item i ON i.id = l.item_id WHERE l.requisition_id = :id ORDER BY l.seq";

static void
row_fill(struct stmt *st, struct arena *a, void *item)
{
	struct requisition *r = item;

	memset(r, 0, sizeof(*r));
	r->id = db_col_i64(st, 0);
	r->code = db_col_text(st, a, 1);
	r->status = db_col_text(st, a, 2);
	r->requester_id = db_col_i64(st, 3);
	r->requester_name = db_col_text(st, a, 4);
	r->department_id = db_col_i64(st, 5);
	r->department_name = db_col_text(st, a, 6);
	r->reason = db_col_text(st, a, 7);
	r->value_fen = db_col_i64(st, 8);
	r->over_quota = (int)db_col_i64(st, 9);
	r->approval_id = db_col_i64(st, 10);
	r->issued_by = db_col_i64(st, 11);
	r->issued_by_name = db_col_text(st, a, 12);
	r->issued_at = db_col_i64(st, 13);
	r->received_at = db_col_i64(st, 14);
	r->cancel_reason = db_col_text(st, a, 15);
	r->created_at = db_col_i64(st, 16);
	r->updated_at = db_col_i64(st, 17);
	r->issued_value_fen = db_col_i64(st, 18);
	r->fully_issued = (int)db_col_i64(st, 19);
}

static int
reads_all(const struct actor *who)
{
	return actor_has(who, ROLE_OFFICE | ROLE_LEADER | ROLE_FINANCE | ROLE_SUPERVISOR);
}

static int
bind_filter(struct stmt *st, const struct actor *who, const struct reqn_filter *f, int scoped,
	    int64_t id, struct err *e)
{
	int all = !scoped || reads_all(who);
	int64_t dept = !all && actor_has(who, ROLE_DEPT_HEAD) ? who->department_id : -1;

	return db_bind_i64(st, ":agency", who->agency_id, e) ||
	       db_bind_text(st, ":status", f->status, e) || db_bind_i64(st, ":all", all, e) ||
	       db_bind_i64(st, ":me", who->id, e) || db_bind_i64(st, ":dept", dept, e) ||
	       db_bind_i64(st, ":mine", f->mine ? who->id : 0, e) ||
	       db_bind_i64(st, ":fdept", f->department_id, e) ||
	       db_bind_i64(st, ":from", f->from, e) || db_bind_i64(st, ":to", f->to, e) ||
	       db_bind_i64(st, ":toissue", f->to_issue, e) || db_bind_i64(st, ":id", id, e)
		       ? e->code : 0;
}

static int
query(struct db *db, struct arena *a, const struct actor *who, const struct reqn_filter *f,
      int scoped, int64_t id, struct requisition **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || bind_filter(&st, who, f, scoped, id, e) ||
		 db_bind_i64(&st, ":limit", f->limit, e) ||
		 db_bind_i64(&st, ":offset", f->offset, e) ||
		 db_read_rows(&st, a, sizeof(**items), row_fill, (void **)items, n, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
reqn_list(struct db *db, struct arena *a, const struct actor *who, const struct reqn_filter *f,
	 struct requisition **items, size_t *n, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) || bind_filter(&st, who, f, 1, 0, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	*n = 0;
	if (!rc && f->limit > 0)
		rc = query(db, a, who, f, 1, 0, items, n, e);
	for (size_t i = 0; !rc && i < *n; i++)
		reqn_set_can(who, &(*items)[i]);
	return rc;
}

int
reqn_row(struct db *db, struct arena *a, int64_t agency, int64_t id, struct requisition *out,
	struct err *e)
{
	struct actor sys = { .agency_id = agency };
	struct reqn_filter f = { .limit = 1 };
	struct requisition *items;
	size_t n = 0;

	if (id > 0 && query(db, a, &sys, &f, 0, id, &items, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "领用申请不存在");
	*out = items[0];
	return 0;
}

static void
line_row(struct stmt *st, struct arena *a, void *item)
{
	*(struct reqn_line *)item = (struct reqn_line){
		.id = db_col_i64(st, 0), .item_id = db_col_i64(st, 1),
		.item_code = db_col_text(st, a, 2), .item_name = db_col_text(st, a, 3),
		.spec = db_col_text(st, a, 4), .unit = db_col_text(st, a, 5),
		.qty = db_col_i64(st, 6), .qty_issued = db_col_i64(st, 7),
		.unit_cost_fen = db_col_i64(st, 8), .reason = db_col_text(st, a, 9),
		.on_hand = db_col_i64(st, 10) };
}

int
reqn_lines(struct db *db, struct arena *a, struct requisition *r, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_lines, e) || db_bind_i64(&st, ":id", r->id, e) ||
		 db_read_rows(&st, a, sizeof(*r->lines), line_row, (void **)&r->lines, &r->nlines, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* Requisition id as who may see it: in who's scope, or as one of its approvers. */
static int
visible_row(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    struct requisition *out, struct err *e)
{
	struct reqn_filter f = { .limit = 1 };
	struct requisition *items;
	struct approval ap;
	size_t n = 0;

	if (id > 0 && query(db, a, who, &f, 1, id, &items, &n, e))
		return e->code;
	if (n == 1) {
		*out = items[0];
		return 0;
	}
	if (reqn_row(db, a, who->agency_id, id, out, e))
		return e->code;
	if (out->approval_id && appr_get(db, a, who, out->approval_id, &ap, e) == 0)
		return 0;
	if (e->code != ERR_NOT_FOUND)
		return e->code;
	return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "领用申请不存在");
}

int
reqn_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e)
{
	struct requisition r;

	return visible_row(db, a, who, id, &r, e);
}

int
reqn_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	struct requisition *out, struct err *e)
{
	if (visible_row(db, a, who, id, out, e) || reqn_lines(db, a, out, e))
		return e->code;
	if (out->approval_id) {
		out->appr = arena_alloc(a, sizeof(*out->appr));
		if (!out->appr)
			return err_set(e, ERR_NOMEM, NULL, "out of memory");
		if (appr_get_for_record(db, a, who, out->approval_id, out->appr, e))
			return e->code;
	}
	reqn_set_can(who, out);
	return 0;
}

/* ---------- JSON ---------- */

static json_t *
can_json(const struct requisition *r)
{
	return json_pack("{sb sb sb sb}", "issue", r->can.issue, "receive", r->can.receive,
			 "withdraw", r->can.withdraw, "cancel", r->can.cancel);
}

json_t *
reqn_json(const struct requisition *r)
{
	json_t *j = json_pack(
		"{sI ss ss sI ss sI ss so sI sb sb sI so so so so so so so so}", "id",
		(json_int_t)r->id, "code", r->code, "status", r->status, "requester_id",
		(json_int_t)r->requester_id, "requester_name", r->requester_name, "department_id",
		(json_int_t)r->department_id, "department_name", r->department_name, "reason",
		jstr_or_null(r->reason), "value_fen", (json_int_t)r->value_fen, "over_quota",
		r->over_quota, "fully_issued", r->fully_issued, "issued_value_fen",
		(json_int_t)r->issued_value_fen, "approval_id", jid_or_null(r->approval_id),
		"issued_by", jid_or_null(r->issued_by), "issued_by_name",
		jstr_or_null(r->issued_by_name), "issued_at", jtime(r->issued_at), "received_at",
		jtime(r->received_at), "cancel_reason", jstr_or_null(r->cancel_reason),
		"created_at", jtime(r->created_at), "updated_at", jtime(r->updated_at));

	if (j && json_object_set_new(j, "can", can_json(r)))
		return json_decref(j), NULL;
	return j;
}

static json_t *
line_json(const struct reqn_line *l)
{
	return json_pack("{sI sI ss ss so ss sI sI sI sI so}", "id", (json_int_t)l->id, "item_id",
			 (json_int_t)l->item_id, "item_code", l->item_code, "item_name",
			 l->item_name, "spec", jstr_or_null(l->spec), "unit", l->unit, "qty",
			 (json_int_t)l->qty, "qty_issued", (json_int_t)l->qty_issued,
			 "unit_cost_fen", (json_int_t)l->unit_cost_fen, "on_hand",
			 (json_int_t)l->on_hand, "reason", jstr_or_null(l->reason));
}

json_t *
reqn_detail_json(const struct requisition *r)
{
	json_t *j = reqn_json(r), *arr = json_array();

	for (size_t i = 0; arr && i < r->nlines; i++)
		json_array_append_new(arr, line_json(&r->lines[i]));
	if (j && (json_object_set_new(j, "lines", arr) ||
		  json_object_set_new(j, "approval", r->appr ? appr_json(r->appr) : json_null())))
		return json_decref(j), NULL;
	return j;
}
