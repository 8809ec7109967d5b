/*
** modules/supplies/stocktake.c: stocktakes 盘点 (catalog.h). The office
** submits counted quantities; each line records the book quantity at
** submission; the stocktake goes through the approval engine (kind
** "stocktake", by default 分管领导 in one step) and only its approval moves the
** ledger: each line's stock_adjust to the counted quantity, against the
** balance at that moment, in the approval's transaction. A rejection or
** withdrawal moves nothing. Audited on "stocktake": create, approved,
** rejected, withdrawn.
*/
#include "modules/supplies/catalog.h"
#include "modules/supplies/stock.h"

#include "core/approval.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/err.h"
#include "core/json.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

static const char sql_insert[] =
	"INSERT INTO stocktake (agency_id, code, status, note, created_by, created_at, updated_at)"
	" VALUES (:agency, :code, 'pending', :note, :by, :now, :now) RETURNING id";
static const char sql_line[] =
	"INSERT INTO stocktake_line (stocktake_id, item_id, book_qty, counted_qty)"
	" VALUES (:id, :item, :book, :counted)";
static const char sql_set_approval[] = "UPDATE stocktake SET approval_id = :ap WHERE id = :id";
#define ST_COLS                                                                          \
	"s.id, s.code, s.status, s.note, COALESCE(s.approval_id, 0), s.created_by,"        \
	" u.display_name, COALESCE(s.decided_at, 0), s.created_at, s.updated_at,"          \
	" (SELECT COUNT(*) FROM stocktake_line l WHERE l.stocktake_id = s.id),"            \
	" (SELECT COUNT(*) FROM stocktake_line l WHERE l.stocktake_id = s.id"              \
	" AND l.counted_qty <> l.book_qty)"
#define ST_FROM " FROM stocktake s JOIN app_user u ON u.id = s.created_by"
#define ST_WHERE                                                                         \
	" WHERE s.agency_id = :agency AND (:id = 0 OR s.id = :id)"                        \
	" AND (:status IS NULL OR s.status = :status)"
static const char sql_list[] = "SELECT " ST_COLS ST_FROM ST_WHERE
			       " ORDER BY s.created_at DESC, s.id DESC LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*)" ST_FROM ST_WHERE;
static const char sql_lines[] =
	"SELECT l.id, l.item_id, l.book_qty, l.counted_qty, COALESCE(l.adjusted_qty, 0),"
	" COALESCE(l.movement_id, 0), i.code, i.name, i.unit, i.spec"
	" FROM stocktake_line l JOIN supply_item i ON i.id = l.item_id"
	" WHERE l.stocktake_id = :id ORDER BY i.category, i.code, l.id";
static const char sql_decided[] =
	"UPDATE stocktake SET status = :status, decided_at = :now, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND status = 'pending'";
static const char sql_adjusted[] =
	"UPDATE stocktake_line SET adjusted_qty = :qty, movement_id = :mv WHERE id = :id";

/* ---------- submitting ---------- */

/* Each line: a known item of the agency, once, a count in range; the book quantities into book. */
static int
check_lines(struct db *db, struct arena *a, const struct actor *who,
	    const struct stocktake_line_in *lines, size_t n, int64_t *book, struct err *e)
{
	struct supply_item it;
	struct err le = { 0 };

	err_clear(e);
	if (n == 0 || n > STOCKTAKE_LINES_MAX)
		err_field(e, "lines", "盘点物品应为 1 至 %d 项", STOCKTAKE_LINES_MAX);
	for (size_t i = 0; i < n && i < STOCKTAKE_LINES_MAX; i++) {
		for (size_t j = 0; j < i; j++)
			if (lines[j].item_id == lines[i].item_id)
				err_field(e, arena_printf(a, "lines[%zu].item_id", i), "物品重复");
		if (lines[i].counted_qty < 0 || lines[i].counted_qty > STOCK_QTY_MAX)
			err_field(e, arena_printf(a, "lines[%zu].counted_qty", i),
				  "盘点数量应为 0 至 %d", STOCK_QTY_MAX);
		if (sup_item_get(db, a, who, lines[i].item_id, &it, &le) == 0)
			book[i] = it.qty_on_hand;
		else if (le.code == ERR_NOT_FOUND)
			err_field(e, arena_printf(a, "lines[%zu].item_id", i), "物品不存在");
		else {	/* the lookup failed, not the input */
			*e = le;
			return e->code;
		}
	}
	return err_fields_done(e);
}

static int
insert_lines(struct db *db, int64_t id, const struct stocktake_line_in *lines, size_t n,
	     const int64_t *book, struct err *e)
{
	struct stmt st = { 0 };
	int rc = 0;

	for (size_t i = 0; !rc && i < n; i++) {
		rc = db_prepare(db, &st, sql_line, e) || db_bind_i64(&st, ":id", id, e) ||
		     db_bind_i64(&st, ":item", lines[i].item_id, e) ||
		     db_bind_i64(&st, ":book", book[i], e) ||
		     db_bind_i64(&st, ":counted", lines[i].counted_qty, e) || db_step_done(&st, e)
			     ? e->code : 0;
		db_finalize(&st);
	}
	return rc;
}

static int
insert_head(struct db *db, const struct actor *who, const char *code, const char *note,
	    int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":code", code, e) ||
		 db_bind_text(&st, ":note", note && note[0] ? note : NULL, e) ||
		 db_bind_i64(&st, ":by", who->id, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
submit(struct db *db, struct arena *a, const struct actor *who, int64_t id, const char *code,
       const char *note, size_t n, struct err *e)
{
	struct appr_submit s = { .kind = "stocktake", .entity = "stocktake", .entity_id = id,
				 .title = arena_printf(a, "盘点 %s（%zu 项）", code, n),
				 .amount_fen = -1, .reason = note };
	struct stmt st = { 0 };
	int64_t ap = 0;
	int rc;

	if (!s.title)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = appr_submit(db, who, &s, &ap, e) || db_prepare(db, &st, sql_set_approval, e) ||
	     db_bind_i64(&st, ":ap", ap, e) || db_bind_i64(&st, ":id", id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

int
stocktake_create(struct db *db, struct arena *a, const struct actor *who, const char *note,
		 const struct stocktake_line_in *lines, size_t n, struct stocktake *out,
		 struct err *e)
{
	int64_t *book = arena_alloc(a, (n ? n : 1) * sizeof(*book)), id = 0;
	const char *code = NULL;

	assert(db_in_tx(db));
	if (!book)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (!who->id || !actor_has(who, ROLE_OFFICE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以盘点");
	if (check_lines(db, a, who, lines, n, book, e) ||
	    code_yearly(db, a, who->agency_id, "PD", cal_local_date(now_ms()) / 10000, &code, e) ||
	    insert_head(db, who, code, note, &id, e) || insert_lines(db, id, lines, n, book, e) ||
	    submit(db, a, who, id, code, note, n, e) || stocktake_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "stocktake", id, NULL, jarena(a, stocktake_json(out)),
			  e);
}

/* ---------- reading ---------- */

static void
head_row(struct stmt *st, struct arena *a, void *item)
{
	struct stocktake *s = item;

	memset(s, 0, sizeof(*s));
	s->id = db_col_i64(st, 0);
	s->code = db_col_text(st, a, 1);
	s->status = db_col_text(st, a, 2);
	s->note = db_col_text(st, a, 3);
	s->approval_id = db_col_i64(st, 4);
	s->created_by = db_col_i64(st, 5);
	s->created_by_name = db_col_text(st, a, 6);
	s->decided_at = db_col_i64(st, 7);
	s->created_at = db_col_i64(st, 8);
	s->updated_at = db_col_i64(st, 9);
	s->nlines_total = db_col_i64(st, 10);
	s->ndiff = db_col_i64(st, 11);
}

static int
bind_where(struct stmt *st, const struct actor *who, int64_t id, const char *status,
	   struct err *e)
{
	return db_bind_i64(st, ":agency", who->agency_id, e) || db_bind_i64(st, ":id", id, e) ||
	       db_bind_text(st, ":status", status && status[0] ? status : NULL, e) ? e->code : 0;
}

static int
query(struct db *db, struct arena *a, const struct actor *who, int64_t id, const char *status,
      int64_t limit, int64_t offset, struct stocktake **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || bind_where(&st, who, id, status, e) ||
		 db_bind_i64(&st, ":limit", limit, e) || db_bind_i64(&st, ":offset", offset, e) ||
		 db_read_rows(&st, a, sizeof(**items), head_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
stocktake_list(struct db *db, struct arena *a, const struct actor *who, const char *status,
	       int64_t limit, int64_t offset, struct stocktake **items, size_t *n,
	       int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) || bind_where(&st, who, 0, status, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc ? rc : query(db, a, who, 0, status, limit, offset, items, n, e);
}

static void
line_row(struct stmt *st, struct arena *a, void *item)
{
	struct stocktake_line *l = item;

	l->id = db_col_i64(st, 0);
	l->item_id = db_col_i64(st, 1);
	l->book_qty = db_col_i64(st, 2);
	l->counted_qty = db_col_i64(st, 3);
	l->adjusted_qty = db_col_i64(st, 4);
	l->movement_id = db_col_i64(st, 5);
	l->item_code = db_col_text(st, a, 6);
	l->item_name = db_col_text(st, a, 7);
	l->unit = db_col_text(st, a, 8);
	l->spec = db_col_text(st, a, 9);
}

static int
load_lines(struct db *db, struct arena *a, struct stocktake *s, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_lines, e) || db_bind_i64(&st, ":id", s->id, e) ||
		 db_read_rows(&st, a, sizeof(*s->lines), line_row, (void **)&s->lines, &s->nlines, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* Stocktake id of who's agency with its lines (the approval: stocktake_get). */
static int
load(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct stocktake *out,
     struct err *e)
{
	struct stocktake *items;
	size_t n = 0;

	if (id > 0 && query(db, a, who, id, NULL, 1, 0, &items, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "stocktake_not_found", NULL, "盘点单不存在");
	*out = items[0];
	return load_lines(db, a, out, e);
}

int
stocktake_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      struct stocktake *out, struct err *e)
{
	if (load(db, a, who, id, out, e))
		return e->code;
	if (!out->approval_id)
		return 0;
	out->appr = arena_alloc(a, sizeof(*out->appr));
	if (!out->appr)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return appr_get_for_record(db, a, who, out->approval_id, out->appr, e);
}

int
stocktake_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		  struct err *e)
{
	struct stocktake s;

	if (!actor_has(who, SUP_OVERSEERS))
		return err_setx(e, ERR_NOT_FOUND, "stocktake_not_found", NULL, "盘点单不存在");
	return load(db, a, who, id, &s, e);
}

static json_t *
lines_json(const struct stocktake *s)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < s->nlines; i++) {
		const struct stocktake_line *l = &s->lines[i];

		json_array_append_new(arr, json_pack(
			"{sI sI ss ss ss ss* sI sI sI sI so}", "id", (json_int_t)l->id, "item_id",
			(json_int_t)l->item_id, "item_code", l->item_code, "item_name",
			l->item_name, "unit", l->unit, "spec", l->spec, "book_qty",
			(json_int_t)l->book_qty, "counted_qty", (json_int_t)l->counted_qty,
			"diff_qty", (json_int_t)(l->counted_qty - l->book_qty), "adjusted_qty",
			(json_int_t)l->adjusted_qty, "movement_id", jid_or_null(l->movement_id)));
	}
	return arr;
}

json_t *
stocktake_json(const struct stocktake *s)
{
	json_t *j = json_pack("{sI ss ss ss* so sI ss so so so sI sI}", "id", (json_int_t)s->id,
			      "code", s->code, "status", s->status, "note", s->note, "approval_id",
			      jid_or_null(s->approval_id), "created_by", (json_int_t)s->created_by,
			      "created_by_name", s->created_by_name, "decided_at",
			      s->decided_at ? jtime(s->decided_at) : json_null(), "created_at",
			      jtime(s->created_at), "updated_at", jtime(s->updated_at), "line_count",
			      (json_int_t)s->nlines_total, "diff_count", (json_int_t)s->ndiff);

	if (j && s->lines)
		json_object_set_new(j, "lines", lines_json(s));
	if (j && s->lines)
		json_object_set_new(j, "approval", s->appr ? appr_json(s->appr) : json_null());
	return j;
}

/* ---------- the decision ---------- */

/* Each line's count into the ledger, against the balance now. */
static int
adjust_all(struct db *db, const struct actor *who, const struct stocktake *s, struct err *e)
{
	struct stock_move mv;
	struct stmt st = { 0 };
	int rc = 0;

	for (size_t i = 0; !rc && i < s->nlines; i++) {
		const struct stocktake_line *l = &s->lines[i];

		rc = stock_adjust(db, who, l->item_id, l->counted_qty, "stocktake", s->id, &mv, e) ||
		     db_prepare(db, &st, sql_adjusted, e) || db_bind_i64(&st, ":qty", mv.qty, e) ||
		     db_bind_id_or_null(&st, ":mv", mv.id, e) || db_bind_i64(&st, ":id", l->id, e) ||
		     db_step_done(&st, e) ? e->code : 0;
		db_finalize(&st);
	}
	return rc;
}

static int
set_status(struct db *db, const struct actor *who, int64_t id, const char *status,
	   struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_decided, e) || db_bind_text(&st, ":status", status, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* The one who counted hears the leader's decision (withdrawing was their own doing). */
static int
tell_counter(struct db *db, const struct actor *who, const struct stocktake *s,
	     enum appr_status outcome, struct err *e)
{
	if (s->created_by == who->id || (outcome != APPR_APPROVED && outcome != APPR_REJECTED))
		return 0;
	return notify_send(db, who, s->created_by,
			   outcome == APPR_APPROVED ? "stocktake.approved" : "stocktake.rejected",
			   outcome == APPR_APPROVED ? "盘点已批准，库存已按实盘调整" : "盘点未获批准",
			   s->code, "stocktake", s->id, e);
}

static int
decided(struct db *db, struct arena *a, const struct actor *who, const struct approval *ap,
	enum appr_status outcome, struct err *e)
{
	const int64_t id = ap->entity_id;
	static const char *const action[] = { "pending", "approved", "rejected", "withdrawn" };
	struct stocktake before, after;

	if (load(db, a, who, id, &before, e))
		return e->code;
	if (strcmp(before.status, "pending") != 0 || outcome == APPR_PENDING)
		return 0;
	if ((outcome == APPR_APPROVED && adjust_all(db, who, &before, e)) ||
	    set_status(db, who, id, action[outcome], e) || load(db, a, who, id, &after, e) ||
	    aud_record(db, who, action[outcome], "stocktake", id,
		       jarena(a, stocktake_json(&before)), jarena(a, stocktake_json(&after)), e))
		return e->code;
	return tell_counter(db, who, &after, outcome, e);
}

const struct appr_kind stocktake_appr_kind = { "stocktake", "库存盘点", decided };
