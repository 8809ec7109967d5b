/*
** modules/budget/budget.c: classes, lines and a line's ledger (budget.h).
** The sums of a line come from its budget_entry rows in the same query that
** lists the lines, so a list never disagrees with core/budget.c's arithmetic
** (both finish with budget_sum_finish).
*/
#include "modules/budget/budget.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "modules/org/org.h"

#include <assert.h>
#include <string.h>

const char *const bud_control_codes[] = { "stop", "warn", NULL };
const char *const bud_entry_kinds[] = { "adjust", "commit", "spend", "release", NULL };

/* ---------- classes ---------- */

#define CLASS_COLS "id, code, name, sangong, active, created_at, updated_at"
static const char sql_class_list[] =
	"SELECT " CLASS_COLS " FROM budget_class WHERE agency_id = :agency ORDER BY code, id";
static const char sql_class_get[] =
	"SELECT " CLASS_COLS " FROM budget_class WHERE agency_id = :agency AND id = :id";
static const char sql_class_dup[] =
	"SELECT COUNT(*) FROM budget_class WHERE agency_id = :agency AND code = :code";
static const char sql_class_insert[] =
	"INSERT INTO budget_class (agency_id, code, name, sangong, active, created_at, updated_at)"
	" VALUES (:agency, :code, :name, :sangong, 1, :now, :now) RETURNING id";

static void
class_row(struct stmt *st, struct arena *a, void *item)
{
	struct bud_class *c = item;

	c->id = db_col_i64(st, 0);
	c->code = db_col_text(st, a, 1);
	c->name = db_col_text(st, a, 2);
	c->sangong = db_col_i64(st, 3) != 0;
	c->active = db_col_i64(st, 4) != 0;
	c->created_at = db_col_i64(st, 5);
	c->updated_at = db_col_i64(st, 6);
}

int
bud_class_list(struct db *db, struct arena *a, const struct actor *who,
	       struct bud_class **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_class_list, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_read_rows(&st, a, sizeof(**items), class_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static int
class_get(struct db *db, struct arena *a, int64_t agency, int64_t id, struct bud_class *out,
	  struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_class_get, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":id", id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		class_row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", "class_id", "支出分类不存在");
	return rc;
}

/* Finance; also the CLI and the demo seed (actor id 0). */
static int
may_edit(const struct actor *who, struct err *e)
{
	if (who->id == 0 || actor_has(who, ROLE_FINANCE))
		return 0;
	return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有财务人员可以维护预算");
}

static int
class_insert(struct db *db, const struct actor *who, const struct bud_class_in *in,
	     int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int64_t dup = 0;
	int rc = db_prepare(db, &st, sql_class_dup, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":code", in->code, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		dup = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc)
		return rc;
	if (dup)
		return err_setx(e, ERR_CONFLICT, "duplicate", "code", "支出分类编码已存在");
	rc = db_prepare(db, &st, sql_class_insert, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_text(&st, ":code", in->code, e) || db_bind_text(&st, ":name", in->name, e) ||
	     db_bind_i64(&st, ":sangong", in->sangong ? 1 : 0, e) ||
	     db_bind_i64(&st, ":now", now_ms(), e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
bud_class_create(struct db *db, struct arena *a, const struct actor *who,
		 const struct bud_class_in *in, struct bud_class *out, struct err *e)
{
	int64_t id = 0;

	assert(db_in_tx(db));
	if (may_edit(who, e) || class_insert(db, who, in, &id, e) ||
	    class_get(db, a, who->agency_id, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "budget_class", id, NULL,
			  jarena(a, bud_class_json(out)), e);
}

json_t *
bud_class_json(const struct bud_class *c)
{
	return json_pack("{sI ss ss sb sb so so}", "id", (json_int_t)c->id, "code", c->code,
			 "name", c->name, "sangong", c->sangong, "active", c->active,
			 "created_at", jtime(c->created_at), "updated_at", jtime(c->updated_at));
}

/* ---------- a line's ledger ---------- */

static const char sql_entry_list[] =
	"SELECT en.id, en.line_id, en.kind, en.amount_fen, en.source_module,"
	" COALESCE(en.source_id, 0), en.voucher_no, en.payee, en.occurred_at,"
	" COALESCE(en.created_by, 0), u.display_name, en.created_at"
	" FROM budget_entry en LEFT JOIN app_user u ON u.id = en.created_by"
	" WHERE en.line_id = :line ORDER BY en.id DESC LIMIT :limit OFFSET :offset";
static const char sql_entry_count[] =
	"SELECT COUNT(*) FROM budget_entry WHERE line_id = :line";

static void
entry_row(struct stmt *st, struct arena *a, void *item)
{
	struct bud_entry *en = item;

	en->id = db_col_i64(st, 0);
	en->line_id = db_col_i64(st, 1);
	en->kind = db_col_text(st, a, 2);
	en->amount_fen = db_col_i64(st, 3);
	en->source_module = db_col_text(st, a, 4);
	en->source_id = db_col_i64(st, 5);
	en->voucher_no = db_col_text(st, a, 6);
	en->payee = db_col_text(st, a, 7);
	en->occurred_at = db_col_i64(st, 8);
	en->created_by = db_col_i64(st, 9);
	en->created_by_name = db_col_text(st, a, 10);
	en->created_at = db_col_i64(st, 11);
}

static int
entry_count(struct db *db, int64_t line, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_entry_count, e) || db_bind_i64(&st, ":line", line, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
bud_entry_list(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	       int64_t limit, int64_t offset, struct bud_entry **items, size_t *n,
	       int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	if (bud_line_visible(db, a, who, id, e) || entry_count(db, id, total, e))
		return e->code;
	rc = db_prepare(db, &st, sql_entry_list, e) || db_bind_i64(&st, ":line", id, e) ||
	     db_bind_i64(&st, ":limit", limit, e) || db_bind_i64(&st, ":offset", offset, e) ||
	     db_read_rows(&st, a, sizeof(**items), entry_row, (void **)items, n, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

json_t *
bud_entry_json(const struct bud_entry *en)
{
	return json_pack("{sI sI ss sI ss* so ss* ss* so so ss* so}", "id", (json_int_t)en->id,
			 "line_id", (json_int_t)en->line_id, "kind", en->kind, "amount_fen",
			 (json_int_t)en->amount_fen, "source_module", en->source_module,
			 "source_id", jid_or_null(en->source_id), "voucher_no", en->voucher_no,
			 "payee", en->payee, "occurred_at", jtime(en->occurred_at), "created_by",
			 jid_or_null(en->created_by), "created_by_name", en->created_by_name,
			 "created_at", jtime(en->created_at));
}
