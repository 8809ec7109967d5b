/*
** modules/budget/budget_adjust.c: adjustments 追加/调减/调剂 (issue #14 item 1).
** Finance requests one; the approval engine decides it (kind
** "budget_adjustment", by default one step 分管领导审批); only the final
** approval writes the 'adjust' rows through the engine (budget_adjust), so a
** line's amount is never edited and every change names its request. A cut or a
** transfer is checked against the source line at submission (a stop line
** refuses it, nothing written) and again when it is written.
** Owns table budget_adjustment (migrations/0029_budget_adjust.*.sql).
*/
#include "modules/budget/budget.h"
#include "core/approval.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

const char *const bud_adj_kinds[] = { "add", "cut", "transfer", NULL };
const char *const bud_adj_statuses[] = { "pending", "approved", "rejected", "withdrawn", NULL };

#define ADJ_COLS                                                                         \
	"a.id, a.kind, a.line_id, COALESCE(a.to_line_id, 0), a.amount_fen, a.reason,"     \
	" a.status, COALESCE(a.approval_id, 0), COALESCE(a.created_by, 0), u.display_name," \
	" a.created_at, a.updated_at, COALESCE(a.decided_at, 0), d1.name || ' ' || c1.name," \
	" d2.name || ' ' || c2.name"
#define ADJ_FROM                                                                         \
	" FROM budget_adjustment a JOIN budget_line l1 ON l1.id = a.line_id"              \
	" JOIN department d1 ON d1.id = l1.department_id"                                 \
	" JOIN budget_class c1 ON c1.id = l1.class_id"                                    \
	" LEFT JOIN budget_line l2 ON l2.id = a.to_line_id"                               \
	" LEFT JOIN department d2 ON d2.id = l2.department_id"                            \
	" LEFT JOIN budget_class c2 ON c2.id = l2.class_id"                               \
	" LEFT JOIN app_user u ON u.id = a.created_by"
#define ADJ_WHERE                                                                        \
	" WHERE a.agency_id = :agency AND (:line = 0 OR a.line_id = :line"                \
	" OR a.to_line_id = :line) AND (:id = 0 OR a.id = :id)"
static const char sql_adj_list[] =
	"SELECT " ADJ_COLS ADJ_FROM ADJ_WHERE " ORDER BY a.id DESC LIMIT :limit OFFSET :offset";
static const char sql_adj_count[] =
	"SELECT COUNT(*) FROM budget_adjustment a" ADJ_WHERE;
static const char sql_adj_insert[] =
	"INSERT INTO budget_adjustment (agency_id, kind, line_id, to_line_id, amount_fen, reason,"
	" status, created_by, created_at, updated_at)"
	" VALUES (:agency, :kind, :line, :to, :amount, :reason, 'pending', :by, :now, :now)"
	" RETURNING id";
static const char sql_adj_approval[] =
	"UPDATE budget_adjustment SET approval_id = :approval WHERE id = :id";
static const char sql_adj_settle[] =
	"UPDATE budget_adjustment SET status = :status, decided_at = :now, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND status = 'pending'";

static void
adj_row(struct stmt *st, struct arena *a, void *item)
{
	struct bud_adj *j = item;

	j->id = db_col_i64(st, 0);
	j->kind = db_col_text(st, a, 1);
	j->line_id = db_col_i64(st, 2);
	j->to_line_id = db_col_i64(st, 3);
	j->amount_fen = db_col_i64(st, 4);
	j->reason = db_col_text(st, a, 5);
	j->status = db_col_text(st, a, 6);
	j->approval_id = db_col_i64(st, 7);
	j->created_by = db_col_i64(st, 8);
	j->created_by_name = db_col_text(st, a, 9);
	j->created_at = db_col_i64(st, 10);
	j->updated_at = db_col_i64(st, 11);
	j->decided_at = db_col_i64(st, 12);
	j->line_label = db_col_text(st, a, 13);
	j->to_line_label = db_col_text(st, a, 14);
}

/* Adjustments of agency: of line (0 = any) or the one id (0 = any). */
static int
adj_query(struct db *db, struct arena *a, int64_t agency, int64_t line, int64_t id,
	  int64_t limit, int64_t offset, struct bud_adj **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_adj_list, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":line", line, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":limit", limit, e) || db_bind_i64(&st, ":offset", offset, e) ||
		 db_read_rows(&st, a, sizeof(**items), adj_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static int
adj_get(struct db *db, struct arena *a, int64_t agency, int64_t id, struct bud_adj *out,
	struct err *e)
{
	struct bud_adj *items;
	size_t n = 0;

	if (adj_query(db, a, agency, 0, id, 1, 0, &items, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "预算调整不存在");
	*out = items[0];
	return 0;
}

int
bud_adj_list(struct db *db, struct arena *a, const struct actor *who, int64_t line_id,
	     int64_t limit, int64_t offset, struct bud_adj **items, size_t *n, int64_t *total,
	     struct err *e)
{
	struct stmt st = { 0 };
	struct bud_line l;
	int rc;

	if (bud_line_get(db, a, who, line_id, &l, e))	/* the scope: a line who reads */
		return e->code;
	rc = db_prepare(db, &st, sql_adj_count, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":line", line_id, e) || db_bind_i64(&st, ":id", 0, e) ||
	     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc ? rc : adj_query(db, a, who->agency_id, line_id, 0, limit, offset, items, n, e);
}

/* An adjustment's history: for whoever reads its source or its target line. */
int
bud_adj_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		struct err *e)
{
	struct bud_adj j;

	if (adj_get(db, a, who->agency_id, id, &j, e))
		return e->code;
	if (bud_line_visible(db, a, who, j.line_id, e) == 0)
		return 0;
	if (e->code != ERR_NOT_FOUND || !j.to_line_id)
		return e->code;
	err_clear(e);
	return bud_line_visible(db, a, who, j.to_line_id, e);
}

/* A transfer names another line of the agency and year; the others name none. */
static int
check_target(struct db *db, struct arena *a, const struct actor *who, const struct bud_line *from,
	     const struct bud_adj_in *in, struct err *e)
{
	struct bud_line to;

	if (strcmp(in->kind, "transfer") != 0)
		return in->to_line_id ? err_setx(e, ERR_INVALID, "invalid", "to_line_id",
						 "只有调剂需要指定调入的预算指标") : 0;
	if (!in->to_line_id)
		return err_setx(e, ERR_INVALID, "invalid", "to_line_id", "调剂须指定调入的预算指标");
	if (in->to_line_id == from->id)
		return err_setx(e, ERR_INVALID, "invalid", "to_line_id", "不能调剂到同一预算指标");
	if (bud_line_get(db, a, who, in->to_line_id, &to, e)) {
		if (e->code != ERR_NOT_FOUND)
			return e->code;
		err_clear(e);
		return err_setx(e, ERR_INVALID, "invalid", "to_line_id", "调入的预算指标不存在");
	}
	if (to.year != from->year)
		return err_setx(e, ERR_RULE, "other_year", "to_line_id",
				"只能在同一年度的预算指标之间调剂");
	return 0;
}

static int
adj_insert(struct db *db, const struct actor *who, int64_t line_id, const struct bud_adj_in *in,
	   int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_adj_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":kind", in->kind, e) || db_bind_i64(&st, ":line", line_id, e) ||
		 db_bind_id_or_null(&st, ":to", in->to_line_id, e) ||
		 db_bind_i64(&st, ":amount", in->amount_fen, e) ||
		 db_bind_text(&st, ":reason", in->reason, e) ||
		 db_bind_id_or_null(&st, ":by", who->id, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

/* The approval, titled for the approver's list: 预算追加：一处 差旅费 (→ 二处 会议费). */
static int
adj_submit(struct db *db, struct arena *a, const struct actor *who, const struct bud_adj *j,
	   struct err *e)
{
	static const char *const verbs[] = { "预算追加", "预算调减", "预算调剂" };
	int k = j->kind[0] == 'a' ? 0 : j->kind[0] == 'c' ? 1 : 2;
	const char *title = arena_printf(a, "%s：%s%s%s", verbs[k], j->line_label,
					 j->to_line_id ? " → " : "",
					 j->to_line_id ? j->to_line_label : "");
	struct appr_submit in = { "budget_adjustment", "budget_adjustment", j->id, title,
				  j->amount_fen, j->reason };
	struct stmt st = { 0 };
	int64_t approval = 0;
	int rc;

	if (!title)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (appr_submit(db, who, &in, &approval, e))
		return e->code;
	rc = db_prepare(db, &st, sql_adj_approval, e) ||
	     db_bind_i64(&st, ":approval", approval, e) || db_bind_i64(&st, ":id", j->id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

int
bud_adj_create(struct db *db, struct arena *a, const struct actor *who, int64_t line_id,
	       const struct bud_adj_in *in, struct bud_adj *out, struct err *e)
{
	struct bud_line from;
	int64_t id = 0;

	assert(db_in_tx(db));
	if (who->id != 0 && !actor_has(who, ROLE_FINANCE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有财务人员可以维护预算");
	if (bud_line_get(db, a, who, line_id, &from, e) || check_target(db, a, who, &from, in, e))
		return e->code;
	/* what leaves the line must fit it now; it is checked again when written */
	if (strcmp(in->kind, "add") != 0 &&
	    budget_check_room(db, who, line_id, in->amount_fen, e))
		return e->code;
	if (adj_insert(db, who, line_id, in, &id, e) || adj_get(db, a, who->agency_id, id, out, e) ||
	    adj_submit(db, a, who, out, e) || adj_get(db, a, who->agency_id, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "budget_adjustment", id, NULL,
			  jarena(a, bud_adj_json(out)), e);
}

/* The approved adjustment's rows; a transfer locks its two lines in id order. */
static int
adj_apply(struct db *db, const struct actor *who, const struct bud_adj *j, struct err *e)
{
	struct budget_src src = { "budget_adjustment", j->id, NULL, NULL, 0 };
	struct budget_result r;
	int64_t from = j->line_id, to = j->to_line_id, amt = j->amount_fen;

	if (j->kind[0] == 'a')
		return budget_adjust(db, who, from, amt, &src, &r, e);
	if (j->kind[0] == 'c')
		return budget_adjust(db, who, from, -amt, &src, &r, e);
	if (from < to)
		return budget_adjust(db, who, from, -amt, &src, &r, e) ||
			       budget_adjust(db, who, to, amt, &src, &r, e) ? e->code : 0;
	return budget_adjust(db, who, to, amt, &src, &r, e) ||
		       budget_adjust(db, who, from, -amt, &src, &r, e) ? e->code : 0;
}

/* on_decided: record the outcome; only an approval writes the ledger. */
static int
adj_decided(struct db *db, struct arena *a, const struct actor *who, const struct approval *ap,
	    enum appr_status outcome, struct err *e)
{
	const int64_t entity_id = ap->entity_id;
	struct stmt st = { 0 };
	struct bud_adj j;
	int rc = adj_get(db, a, who->agency_id, entity_id, &j, e) ||
		 db_prepare(db, &st, sql_adj_settle, e) ||
		 db_bind_text(&st, ":status", appr_status_codes[outcome], e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", entity_id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && outcome == APPR_APPROVED)
		rc = adj_apply(db, who, &j, e);
	return rc;
}

const struct appr_kind bud_adj_kind = { "budget_adjustment", "预算调整", adj_decided };

json_t *
bud_adj_json(const struct bud_adj *j)
{
	return json_pack("{sI ss sI so sI ss ss so so ss* ss* so so so so}", "id", (json_int_t)j->id,
			 "kind", j->kind, "line_id", (json_int_t)j->line_id, "to_line_id",
			 jid_or_null(j->to_line_id), "amount_fen", (json_int_t)j->amount_fen,
			 "reason", j->reason, "status", j->status, "approval_id",
			 jid_or_null(j->approval_id), "created_by", jid_or_null(j->created_by),
			 "line_label", j->line_label, "to_line_label", j->to_line_label,
			 "created_by_name", jstr_or_null(j->created_by_name), "created_at",
			 jtime(j->created_at), "updated_at", jtime(j->updated_at), "decided_at",
			 j->decided_at ? jtime(j->decided_at) : json_null());
}
