/*
** modules/budget/claims.c: a claim's checks, its preview and its creation
** (claims.h). Order of the checks: the input (400), each item's line (422
** no_budget_line), then the rules only a submission applies: a stop line's
** room (the engine's figures), invoices, the reason for amounts over standard.
*/
#include "modules/budget/claims_int.h"
#include "modules/budget/budget.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/err.h"
#include "core/files.h"
#include "core/json.h"
#include "core/validate.h"
#include "db/db.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const char sql_class[] =
	"SELECT name FROM budget_class WHERE agency_id = :agency AND code = :code AND active = 1";
static const char sql_control[] =
	"SELECT control FROM budget_line WHERE id = :id AND agency_id = :agency";
static const char sql_insert[] =
	"INSERT INTO expense_claim (agency_id, code, title, status, requester_id, department_id,"
	" year, total_fen, over_standard_fen, over_reason, trip_city, trip_rank, trip_start,"
	" trip_end, created_at, updated_at) VALUES (:agency, :code, :title, 'pending', :who, :dept,"
	" :year, :total, :over, :reason, :city, :rank, :start, :end, :now, :now) RETURNING id";
static const char sql_item_insert[] =
	"INSERT INTO expense_claim_item (claim_id, seq, line_id, kind, amount_fen, description,"
	" standard_fen, over_fen) VALUES (:claim, :seq, :line, :kind, :amount, :descr, :std, :over)";
static const char sql_set_approval[] =
	"UPDATE expense_claim SET approval_id = :ap WHERE id = :id";

#define ITEM_FIELDS(i) \
	{ "items[" #i "].class_code", "items[" #i "].amount_fen", "items[" #i "].description", \
	  "items[" #i "].kind" }
static const char *const item_fields[][4] = {
	ITEM_FIELDS(0),	 ITEM_FIELDS(1),  ITEM_FIELDS(2),  ITEM_FIELDS(3),  ITEM_FIELDS(4),
	ITEM_FIELDS(5),	 ITEM_FIELDS(6),  ITEM_FIELDS(7),  ITEM_FIELDS(8),  ITEM_FIELDS(9),
	ITEM_FIELDS(10), ITEM_FIELDS(11), ITEM_FIELDS(12), ITEM_FIELDS(13), ITEM_FIELDS(14),
	ITEM_FIELDS(15), ITEM_FIELDS(16), ITEM_FIELDS(17), ITEM_FIELDS(18), ITEM_FIELDS(19),
	ITEM_FIELDS(20), ITEM_FIELDS(21), ITEM_FIELDS(22), ITEM_FIELDS(23), ITEM_FIELDS(24),
	ITEM_FIELDS(25), ITEM_FIELDS(26), ITEM_FIELDS(27), ITEM_FIELDS(28), ITEM_FIELDS(29),
};
_Static_assert(sizeof(item_fields) / sizeof(item_fields[0]) == CLAIM_ITEMS_MAX, "item fields");

const char *
claim_item_field(size_t i, int which)
{
	return i < CLAIM_ITEMS_MAX ? item_fields[i][which] : "items";
}

int64_t
claim_year_now(void)
{
	return days_to_date((now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS) / 10000;
}

static int
is_travel(const char *code)
{
	return code && strcmp(code, CLAIM_TRAVEL_CLASS) == 0;
}

/* The 400s that need no database: amounts, texts, kinds, the trip. */
static void
check_items(const struct claim_in *in, struct err *e)
{
	int64_t total = 0;

	if (!in->nitems)
		err_field(e, "items", "请至少填写一项报销明细");
	if (in->nitems > CLAIM_ITEMS_MAX)
		err_field(e, "items", "报销明细最多 %d 项", CLAIM_ITEMS_MAX);
	for (size_t i = 0; i < in->nitems && i < CLAIM_ITEMS_MAX; i++) {
		const struct claim_item_in *it = &in->items[i];

		if (!it->class_code || !it->class_code[0])
			err_field(e, claim_item_field(i, 0), "请选择支出分类");
		if (it->amount_fen <= 0 || it->amount_fen > BUDGET_AMOUNT_MAX)
			err_field(e, claim_item_field(i, 1), "金额应大于 0");
		else
			total += it->amount_fen;
		if (!it->description || !it->description[0])
			err_field(e, claim_item_field(i, 2), "请填写说明");
		if (it->kind && !is_travel(it->class_code))
			err_field(e, claim_item_field(i, 3), "只有差旅费明细可选类型");
		else if (it->kind && !val_in(it->kind, claim_item_kinds))
			err_field(e, claim_item_field(i, 3), "类型无效");
	}
	if (total > BUDGET_AMOUNT_MAX)
		err_field(e, "items", "合计金额过大");
}

static int
has_travel(const struct claim_in *in)
{
	for (size_t i = 0; i < in->nitems; i++)
		if (is_travel(in->items[i].class_code))
			return 1;
	return 0;
}

static int
check_input(const struct claim_in *in, struct err *e)
{
	check_items(in, e);
	if (has_travel(in) && !in->has_trip)
		err_field(e, "trip", "差旅费须填写出差信息（城市、级别、起止日期）");
	if (in->has_trip) {
		if (!in->trip.city || !in->trip.city[0])
			err_field(e, "trip.city", "请填写出差城市");
		if (!in->trip.rank || !val_in(in->trip.rank, claim_ranks))
			err_field(e, "trip.rank", "级别应为 minister、bureau 或 other");
		if (claim_trip_nights(in->trip.start, in->trip.start) < 0)
			err_field(e, "trip.start_date", "日期应为 YYYY-MM-DD");
		else if (claim_trip_nights(in->trip.end, in->trip.end) < 0)
			err_field(e, "trip.end_date", "日期应为 YYYY-MM-DD");
		else if (in->trip.end < in->trip.start)
			err_field(e, "trip.end_date", "结束日期不能早于开始日期");
	}
	return err_fields_done(e);
}

/* Item i's class: active, of the agency (else 400 on the item's class_code). */
static int
item_class(struct db *db, struct arena *a, const struct actor *who, size_t i,
	   const char *code, const char **name, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_class, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":code", code, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*name = db_col_text(&st, a, 0);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", claim_item_field(i, 0), "支出分类不存在");
	return rc;
}

/* The control (stop, warn) of line id: whether a shortfall refuses the claim. */
static int
line_control(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     const char **control, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_control, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*control = db_col_text(&st, a, 0);
	db_finalize(&st);
	return rc;
}

/*
** Item i's class (item_class) and who's department's line of it this year, as the
** engine finds it (budget_line_for: else 422 no_budget_line on the item's class_code).
*/
static int
resolve_item(struct db *db, struct arena *a, const struct actor *who, size_t i,
	     const struct claim_item_in *in, struct claim_item *out, const char **control,
	     struct err *e)
{
	if (item_class(db, a, who, i, in->class_code, &out->class_name, e) ||
	    budget_line_for(db, who->agency_id, (int)claim_year_now(), who->department_id,
			    in->class_code, claim_item_field(i, 0), &out->line_id, e) ||
	    line_control(db, a, who, out->line_id, control, e))
		return e->code;
	out->class_code = in->class_code;
	out->description = in->description;
	out->amount_fen = in->amount_fen;
	out->kind = is_travel(in->class_code) ? (in->kind ? in->kind : "other") : NULL;
	return 0;
}

/* The standard of the trip (NULL: none, or no travel item) and each item's cap and excess. */
static int
apply_standards(struct db *db, struct arena *a, const struct actor *who,
		const struct claim_in *in, struct claim_preview *p, struct err *e)
{
	const struct claim_std *s = NULL;
	struct claim_calc calc[CLAIM_ITEMS_MAX];
	struct claim_std *rows;
	size_t n;

	p->nights = in->has_trip ? claim_trip_nights(in->trip.start, in->trip.end) : 0;
	p->days = in->has_trip ? p->nights + 1 : 0;
	if (in->has_trip) {
		if (claim_std_list(db, a, who->agency_id, &rows, &n, e))
			return e->code;
		s = claim_std_pick(rows, n, in->trip.city, in->trip.rank, in->trip.start);
	}
	for (size_t i = 0; i < p->nitems; i++)
		calc[i] = (struct claim_calc){ p->items[i].kind, p->items[i].amount_fen, -1, 0 };
	p->over_fen = claim_calc_over(s, p->nights, calc, p->nitems);
	for (size_t i = 0; i < p->nitems; i++) {
		p->items[i].standard_fen = calc[i].standard_fen;
		p->items[i].over_fen = calc[i].over_fen;
	}
	return 0;
}

/* What the items need of each line, against the engine's figures now. */
static int
add_need(struct db *db, const struct actor *who, struct claim_preview *p,
	 const struct claim_item *it, const char *control, struct err *e)
{
	struct claim_need *nd = NULL;
	struct budget_sum s;

	for (size_t k = 0; k < p->nlines && !nd; k++)
		if (p->lines[k].line_id == it->line_id)
			nd = &p->lines[k];
	if (!nd) {
		if (budget_line_sum(db, who->agency_id, it->line_id, &s, e))
			return e->code;
		nd = &p->lines[p->nlines++];
		*nd = (struct claim_need){ .line_id = it->line_id, .available_fen = s.available,
					   .class_code = it->class_code,
					   .class_name = it->class_name, .control = control };
	}
	nd->need_fen += it->amount_fen;
	s = (struct budget_sum){ .available = nd->available_fen };
	nd->short_fen = budget_shortfall(&s, nd->need_fen);
	return 0;
}

int
claim_preview(struct db *db, struct arena *a, const struct actor *who,
	      const struct claim_in *in, struct claim_preview *out, struct err *e)
{
	const char *control = NULL;

	memset(out, 0, sizeof(*out));
	if (check_input(in, e))
		return e->code;
	out->items = arena_array(a, in->nitems, sizeof(*out->items));
	out->lines = arena_array(a, in->nitems, sizeof(*out->lines));
	if (!out->items || !out->lines)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < in->nitems; i++) {
		if (resolve_item(db, a, who, i, &in->items[i], &out->items[i], &control, e) ||
		    add_need(db, who, out, &out->items[i], control, e))
			return e->code;
		out->nitems++;
		out->total_fen += in->items[i].amount_fen;
	}
	return apply_standards(db, a, who, in, out, e);
}

/* The submission's rules: a stop line's room, invoices, a reason for what is over standard. */
static int
check_rules(const struct claim_in *in, const struct claim_preview *p, struct err *e)
{
	for (size_t k = 0; k < p->nlines; k++)
		if (p->lines[k].short_fen && strcmp(p->lines[k].control, "stop") == 0)
			return err_setx(e, ERR_RULE, "over_budget", "items",
					"超出预算指标“%s”（#%lld）的可用余额，缺口 %lld.%02lld 元",
					p->lines[k].class_name, (long long)p->lines[k].line_id,
					(long long)(p->lines[k].short_fen / 100),
					(long long)(p->lines[k].short_fen % 100));
	if (p->total_fen >= CLAIM_INVOICE_MIN_FEN && !in->nattach && !in->paper_invoices)
		return err_setx(e, ERR_RULE, "invoice_required", "attachment_ids",
				"报销金额达到 200 元须上传发票");
	if (p->over_fen && (!in->over_reason || !in->over_reason[0]))
		return err_setx(e, ERR_RULE, "over_standard_reason_required", "over_reason",
				"超标准 ¥%lld.%02lld，须说明原因", (long long)(p->over_fen / 100),
				(long long)(p->over_fen % 100));
	return 0;
}

static int
bind_trip(struct stmt *st, const struct claim_in *in, struct err *e)
{
	if (!in->has_trip)
		return db_bind_null(st, ":city", e) || db_bind_null(st, ":rank", e) ||
		       db_bind_null(st, ":start", e) || db_bind_null(st, ":end", e) ? e->code : 0;
	return db_bind_text(st, ":city", in->trip.city, e) ||
	       db_bind_text(st, ":rank", in->trip.rank, e) ||
	       db_bind_i64(st, ":start", in->trip.start, e) ||
	       db_bind_i64(st, ":end", in->trip.end, e) ? e->code : 0;
}

static int
insert_claim(struct db *db, const struct actor *who, const struct claim_in *in,
	     const struct claim_preview *p, const char *code, const char *title, int64_t *id,
	     struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":code", code, e) || db_bind_text(&st, ":title", title, e) ||
		 db_bind_i64(&st, ":who", who->id, e) ||
		 db_bind_i64(&st, ":dept", who->department_id, e) ||
		 db_bind_i64(&st, ":year", claim_year_now(), e) ||
		 db_bind_i64(&st, ":total", p->total_fen, e) ||
		 db_bind_i64(&st, ":over", p->over_fen, e) ||
		 db_bind_text(&st, ":reason", in->over_reason && in->over_reason[0]
						      ? in->over_reason : NULL, e) ||
		 bind_trip(&st, in, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
insert_items(struct db *db, int64_t id, const struct claim_preview *p, struct err *e)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < p->nitems; i++) {
		const struct claim_item *it = &p->items[i];
		struct stmt st = { 0 };

		rc = db_prepare(db, &st, sql_item_insert, e) || db_bind_i64(&st, ":claim", id, e) ||
		     db_bind_i64(&st, ":seq", (int64_t)i + 1, e) ||
		     db_bind_i64(&st, ":line", it->line_id, e) ||
		     db_bind_text(&st, ":kind", it->kind, e) ||
		     db_bind_i64(&st, ":amount", it->amount_fen, e) ||
		     db_bind_text(&st, ":descr", it->description, e) ||
		     (it->standard_fen < 0 ? db_bind_null(&st, ":std", e)
					   : db_bind_i64(&st, ":std", it->standard_fen, e)) ||
		     db_bind_i64(&st, ":over", it->over_fen, e) || db_step_done(&st, e) ? e->code : 0;
		db_finalize(&st);
	}
	return rc;
}

/* The invoices: only the uploader's own, unattached uploads; anything else is a 400. */
static int
attach_invoices(struct db *db, const struct actor *who, const struct claim_in *in, int64_t id,
		struct err *e)
{
	if (in->nattach > CLAIM_ATTACH_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "attachment_ids", "最多上传 %d 个附件",
				CLAIM_ATTACH_MAX);
	return files_attach_all(db, who, in->attachment_ids, in->nattach, "expense_claim", id,
				"attachment_ids", e);
}

static int
submit(struct db *db, const struct actor *who, const struct claim_in *in, int64_t id,
       const char *title, int64_t total, struct err *e)
{
	struct appr_submit s = { .kind = "expense_claim", .entity = "expense_claim",
				 .entity_id = id, .title = title, .amount_fen = total,
				 .reason = in->over_reason };
	struct stmt st = { 0 };
	int64_t ap = 0;
	int rc = appr_submit(db, who, &s, &ap, e) || db_prepare(db, &st, sql_set_approval, e) ||
		 db_bind_i64(&st, ":ap", ap, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
claim_create(struct db *db, struct arena *a, const struct actor *who,
	     const struct claim_in *in, struct claim *out, struct err *e)
{
	struct claim_preview p;
	const char *code = NULL, *title;
	int64_t id = 0;

	assert(db_in_tx(db));
	if (!who->id || !who->department_id)
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有部门人员可以报销");
	if (claim_preview(db, a, who, in, &p, e) || check_rules(in, &p, e))
		return e->code;
	title = in->title && in->title[0] ? in->title : in->items[0].description;
	if (code_yearly(db, a, who->agency_id, "BX", claim_year_now(), &code, e) ||
	    insert_claim(db, who, in, &p, code, title, &id, e) || insert_items(db, id, &p, e) ||
	    attach_invoices(db, who, in, id, e) || submit(db, who, in, id, title, p.total_fen, e) ||
	    claim_row(db, a, who->agency_id, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "expense_claim", id, NULL, jarena(a, claim_json(out)),
			  e);
}
