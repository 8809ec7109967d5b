/*
** modules/budget/claims_read.c: claims as lists and one claim in full
** (claims.h). Scope: finance, leaders, supervisors and the office read every
** claim; a department head their department's; anyone else their own. An
** approver of a claim (a step they decide or decided) reads it too.
*/
#include "modules/budget/claims_int.h"
#include "modules/budget/budget.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/files.h"
#include "core/json.h"
#include "db/db.h"

#include <string.h>

const char *const claim_status_codes[] = { "pending", "approved", "rejected", "withdrawn",
					   "paid", NULL };

#define CLAIM_COLS                                                                        \
	"c.id, c.code, c.title, c.status, c.requester_id, u.display_name, c.department_id," \
	" d.name, c.total_fen, c.over_standard_fen, c.created_at, c.updated_at,"           \
	" COALESCE(c.paid_on, 0), c.voucher_no, c.over_reason, COALESCE(c.approval_id, 0)," \
	" COALESCE(c.paid_by, 0), COALESCE(c.paid_at, 0), pu.display_name, c.trip_city,"    \
	" c.trip_rank, COALESCE(c.trip_start, 0), COALESCE(c.trip_end, 0)"
#define CLAIM_FROM                                                                        \
	" FROM expense_claim c JOIN app_user u ON u.id = c.requester_id"                  \
	" JOIN department d ON d.id = c.department_id"                                    \
	" LEFT JOIN app_user pu ON pu.id = c.paid_by"
#define CLAIM_WHERE                                                                       \
	" WHERE c.agency_id = :agency AND (:status IS NULL OR c.status = :status)"        \
	" AND (:me = 0 OR c.requester_id = :me) AND (:dept = 0 OR c.department_id = :dept)" \
	" AND (:from = 0 OR c.created_at >= :from) AND (:to = 0 OR c.created_at < :to)"    \
	" AND (:q IS NULL OR c.code LIKE :q ESCAPE '\\' OR c.title LIKE :q ESCAPE '\\')"    \
	" AND (:id = 0 OR c.id = :id)"
static const char sql_list[] =
	"SELECT " CLAIM_COLS CLAIM_FROM CLAIM_WHERE
	" ORDER BY c.created_at DESC, c.id DESC LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*) FROM expense_claim c" CLAIM_WHERE;
static const char sql_items[] =
	"SELECT i.id, i.line_id, i.amount_fen, COALESCE(i.standard_fen, -1), i.over_fen,"
	" bc.code, bc.name, i.kind, i.description FROM expense_claim_item i"
	" JOIN budget_line l ON l.id = i.line_id JOIN budget_class bc ON bc.id = l.class_id"
	" WHERE i.claim_id = :id ORDER BY i.seq";

static void
claim_row_fill(struct stmt *st, struct arena *a, void *item)
{
	struct claim *c = item;

	memset(c, 0, sizeof(*c));
	c->id = db_col_i64(st, 0);
	c->code = db_col_text(st, a, 1);
	c->title = db_col_text(st, a, 2);
	c->status = db_col_text(st, a, 3);
	c->requester_id = db_col_i64(st, 4);
	c->requester_name = db_col_text(st, a, 5);
	c->department_id = db_col_i64(st, 6);
	c->department_name = db_col_text(st, a, 7);
	c->total_fen = db_col_i64(st, 8);
	c->over_standard_fen = db_col_i64(st, 9);
	c->created_at = db_col_i64(st, 10);
	c->updated_at = db_col_i64(st, 11);
	c->paid_on = (int)db_col_i64(st, 12);
	c->voucher_no = db_col_text(st, a, 13);
	c->over_reason = db_col_text(st, a, 14);
	c->approval_id = db_col_i64(st, 15);
	c->paid_by = db_col_i64(st, 16);
	c->paid_at = db_col_i64(st, 17);
	c->paid_by_name = db_col_text(st, a, 18);
	c->trip.city = db_col_text(st, a, 19);
	c->trip.rank = db_col_text(st, a, 20);
	c->trip.start = (int)db_col_i64(st, 21);
	c->trip.end = (int)db_col_i64(st, 22);
	c->has_trip = !!c->trip.city;
}

/* who's scope over f: *me and *dept to bind (a department head's filter outside theirs: none). */
static void
scope_of(const struct actor *who, const struct claim_filter *f, int64_t *me, int64_t *dept)
{
	*me = f->mine ? who->id : 0;
	*dept = f->department_id;
	if (bud_reads_all(who))
		return;
	if (actor_has(who, ROLE_DEPT_HEAD)) {
		if (*dept && *dept != who->department_id)
			*dept = -1;
		else
			*dept = who->department_id;
		return;
	}
	*me = who->id;
}

static int
bind_filter(struct stmt *st, struct arena *a, const struct actor *who,
	    const struct claim_filter *f, int scoped, int64_t id, struct err *e)
{
	int64_t me = 0, dept = f->department_id;

	if (scoped)
		scope_of(who, f, &me, &dept);
	return db_bind_i64(st, ":agency", who->agency_id, e) ||
	       db_bind_text(st, ":status", f->status, e) || db_bind_i64(st, ":me", me, e) ||
	       db_bind_i64(st, ":dept", dept, e) || db_bind_i64(st, ":from", f->from, e) ||
	       db_bind_i64(st, ":to", f->to, e) ||
	       db_bind_text(st, ":q", f->q && f->q[0] ? db_like_pattern(a, f->q) : NULL, e) ||
	       db_bind_i64(st, ":id", id, e) ? e->code : 0;
}

static int
query(struct db *db, struct arena *a, const struct actor *who, const struct claim_filter *f,
      int scoped, int64_t id, struct claim **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || bind_filter(&st, a, who, f, scoped, id, e) ||
		 db_bind_i64(&st, ":limit", f->limit, e) ||
		 db_bind_i64(&st, ":offset", f->offset, e) ||
		 db_read_rows(&st, a, sizeof(**items), claim_row_fill, (void **)items, n, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
claim_list(struct db *db, struct arena *a, const struct actor *who,
	   const struct claim_filter *f, struct claim **items, size_t *n, int64_t *total,
	   struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) || bind_filter(&st, a, who, f, 1, 0, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	*n = 0;
	if (!rc && f->limit > 0)
		rc = query(db, a, who, f, 1, 0, items, n, e);
	return rc;
}

int
claim_row(struct db *db, struct arena *a, int64_t agency, int64_t id, struct claim *out,
	  struct err *e)
{
	struct actor sys = { .agency_id = agency };
	struct claim_filter f = { .limit = 1 };
	struct claim *items;
	size_t n = 0;

	if (id > 0 && query(db, a, &sys, &f, 0, id, &items, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "报销单不存在");
	*out = items[0];
	return 0;
}

/* Claim id as who may see it: in who's scope, or as one of its approvers. */
static int
visible_row(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    struct claim *out, struct err *e)
{
	struct claim_filter f = { .limit = 1 };
	struct approval ap;
	struct claim *items;
	size_t n = 0;

	if (id > 0 && query(db, a, who, &f, 1, id, &items, &n, e))
		return e->code;
	if (n == 1) {
		*out = items[0];
		return 0;
	}
	if (claim_row(db, a, who->agency_id, id, out, e))
		return e->code;
	if (out->approval_id && appr_get(db, a, who, out->approval_id, &ap, e) == 0)
		return 0;
	if (e->code != ERR_NOT_FOUND)
		return e->code;
	return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "报销单不存在");
}

int
claim_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      struct err *e)
{
	struct claim c;

	return visible_row(db, a, who, id, &c, e);
}

/* Attachment owner "expense_claim": whoever sees the claim reads its invoices. */
int
claim_can_read(struct db *db, const struct actor *who, int64_t id)
{
	struct arena *a = arena_new(4096);
	struct err e = { 0 };
	int rc;

	if (!a)
		return ERR_NOMEM;
	rc = claim_visible(db, a, who, id, &e);
	arena_free(a);
	return rc == 0 ? 1 : rc == ERR_NOT_FOUND ? 0 : rc;
}

static void
item_row(struct stmt *st, struct arena *a, void *item)
{
	struct claim_item *it = item;

	it->id = db_col_i64(st, 0);
	it->line_id = db_col_i64(st, 1);
	it->amount_fen = db_col_i64(st, 2);
	it->standard_fen = db_col_i64(st, 3);
	it->over_fen = db_col_i64(st, 4);
	it->class_code = db_col_text(st, a, 5);
	it->class_name = db_col_text(st, a, 6);
	it->kind = db_col_text(st, a, 7);
	it->description = db_col_text(st, a, 8);
}

static int
load_items(struct db *db, struct arena *a, struct claim *c, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_items, e) || db_bind_i64(&st, ":id", c->id, e) ||
		 db_read_rows(&st, a, sizeof(*c->items), item_row, (void **)&c->items,
			      &c->nitems, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* The approval with its steps; one who sees the claim but not the approval reads it too. */
static int
load_approval(struct db *db, struct arena *a, const struct actor *who, struct claim *c,
	      struct err *e)
{
	c->appr = arena_alloc(a, sizeof(*c->appr));
	if (!c->appr)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return c->approval_id ? appr_get_for_record(db, a, who, c->approval_id, c->appr, e) : 0;
}

int
claim_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	  struct claim *out, struct err *e)
{
	if (visible_row(db, a, who, id, out, e) || load_items(db, a, out, e) ||
	    files_list_owner(db, a, who, "expense_claim", id, &out->files, &out->nfiles, e) ||
	    load_approval(db, a, who, out, e))
		return e->code;
	if (!out->approval_id)
		out->appr = NULL;
	out->can_pay = actor_has(who, ROLE_FINANCE) && strcmp(out->status, "approved") == 0;
	out->can_withdraw = who->id == out->requester_id && out->appr &&
			    out->appr->can_withdraw && strcmp(out->status, "pending") == 0;
	return 0;
}

/* ---------- JSON ---------- */

json_t *
claim_json(const struct claim *c)
{
	return json_pack("{sI ss ss ss sI ss sI ss sI sI so so so so}", "id", (json_int_t)c->id,
			 "code", c->code, "title", c->title, "status", c->status, "requester_id",
			 (json_int_t)c->requester_id, "requester_name", c->requester_name,
			 "department_id", (json_int_t)c->department_id, "department_name",
			 c->department_name, "total_fen", (json_int_t)c->total_fen,
			 "over_standard_fen", (json_int_t)c->over_standard_fen, "created_at",
			 jtime(c->created_at), "updated_at", jtime(c->updated_at), "paid_on",
			 jdate(c->paid_on), "voucher_no", jstr_or_null(c->voucher_no));
}

static json_t *
item_json(const struct claim_item *it)
{
	return json_pack("{sI ss ss so sI ss so sI sI}", "id", (json_int_t)it->id, "class_code",
			 it->class_code, "class_name", it->class_name, "kind",
			 jstr_or_null(it->kind), "amount_fen", (json_int_t)it->amount_fen,
			 "description", it->description, "standard_fen",
			 it->standard_fen < 0 ? json_null() : json_integer(it->standard_fen),
			 "over_fen", (json_int_t)it->over_fen, "line_id", (json_int_t)it->line_id);
}

static json_t *
trip_json(const struct claim *c)
{
	int nights = claim_trip_nights(c->trip.start, c->trip.end);

	if (!c->has_trip)
		return json_null();
	return json_pack("{ss ss so so si si}", "city", c->trip.city, "rank", c->trip.rank,
			 "start_date", jdate(c->trip.start), "end_date", jdate(c->trip.end),
			 "nights", nights, "days", nights + 1);
}

static json_t *
files_json(const struct claim *c)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < c->nfiles; i++)
		json_array_append_new(arr, json_pack("{sI ss ss sI}", "id",
						     (json_int_t)c->files[i].id, "filename",
						     c->files[i].filename, "content_type",
						     c->files[i].mime, "size",
						     (json_int_t)c->files[i].size));
	return arr;
}

json_t *
claim_detail_json(const struct claim *c)
{
	json_t *j = claim_json(c), *items = json_array();

	for (size_t i = 0; items && i < c->nitems; i++)
		json_array_append_new(items, item_json(&c->items[i]));
	if (j && json_object_update_new(j, json_pack("{so so so so so sb sb so so}", "items",
						     items, "attachments", files_json(c), "trip",
						     trip_json(c), "over_reason",
						     jstr_or_null(c->over_reason), "approval",
						     c->appr ? appr_json(c->appr) : json_null(),
						     "can_pay", c->can_pay, "can_withdraw",
						     c->can_withdraw, "paid_by_name",
						     jstr_or_null(c->paid_by_name), "paid_at",
						     c->paid_at ? jtime(c->paid_at) : json_null())))
		return json_decref(j), NULL;
	return j;
}

json_t *
claim_preview_json(const struct claim_preview *p)
{
	json_t *items = json_array(), *lines = json_array();

	for (size_t i = 0; items && i < p->nitems; i++)
		json_array_append_new(items, item_json(&p->items[i]));
	for (size_t k = 0; lines && k < p->nlines; k++) {
		const struct claim_need *nd = &p->lines[k];
		json_array_append_new(lines, json_pack("{sI ss ss sI sI ss sI}", "line_id",
						       (json_int_t)nd->line_id, "class_code",
						       nd->class_code, "class_name", nd->class_name,
						       "available_fen", (json_int_t)nd->available_fen,
						       "need_fen", (json_int_t)nd->need_fen, "control",
						       nd->control, "short_fen",
						       (json_int_t)nd->short_fen));
	}
	return json_pack("{sI sI so so si si}", "total_fen", (json_int_t)p->total_fen,
			 "over_standard_fen", (json_int_t)p->over_fen, "items", items, "lines",
			 lines, "nights", p->nights, "days", p->days);
}
