/*
** modules/supplies/requisitions.c: a requisition's checks, its creation with
** its approval (routed by value and the department's quota), the default
** rules, and requisitions as lists and one in full (requisitions.h).
*/
#include "modules/supplies/requisitions.h"
#include "modules/supplies/stock.h"
#include "modules/supplies/supplies.h"
#include "core/approval.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/codes.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

const char *const reqn_status_codes[] = { "pending", "approved", "rejected", "withdrawn",
					 "issued", "received", "cancelled", NULL };

static const char sql_insert[] =
	"INSERT INTO requisition (agency_id, code, status, requester_id, department_id, reason,"
	" value_fen, over_quota, created_at, updated_at) VALUES (:agency, :code, 'pending', :who,"
	" :dept, :reason, :value, :over, :now, :now) RETURNING id";
static const char sql_line_insert[] =
	"INSERT INTO requisition_line (requisition_id, seq, item_id, qty, unit_cost_fen, reason)"
	" VALUES (:req, :seq, :item, :qty, :cost, :reason)";
static const char sql_set_approval[] = "UPDATE requisition SET approval_id = :ap WHERE id = :id";
/* the lowest bound of a rule above zero: where the leader's step starts */
static const char sql_threshold[] =
	"SELECT COALESCE(MIN(min_amount_fen), -1) FROM approval_rule WHERE agency_id = :agency"
	" AND kind = 'requisition' AND active = 1 AND min_amount_fen > 0";

#define LINE_FIELDS(i) { "lines[" #i "].item_id", "lines[" #i "].qty", "lines[" #i "].reason" }
static const char *const line_fields[][3] = {
	LINE_FIELDS(0),	 LINE_FIELDS(1),  LINE_FIELDS(2),  LINE_FIELDS(3),  LINE_FIELDS(4),
	LINE_FIELDS(5),	 LINE_FIELDS(6),  LINE_FIELDS(7),  LINE_FIELDS(8),  LINE_FIELDS(9),
	LINE_FIELDS(10), LINE_FIELDS(11), LINE_FIELDS(12), LINE_FIELDS(13), LINE_FIELDS(14),
	LINE_FIELDS(15), LINE_FIELDS(16), LINE_FIELDS(17), LINE_FIELDS(18), LINE_FIELDS(19),
	LINE_FIELDS(20), LINE_FIELDS(21), LINE_FIELDS(22), LINE_FIELDS(23), LINE_FIELDS(24),
	LINE_FIELDS(25), LINE_FIELDS(26), LINE_FIELDS(27), LINE_FIELDS(28), LINE_FIELDS(29),
};
_Static_assert(sizeof(line_fields) / sizeof(line_fields[0]) == REQ_LINES_MAX, "line fields");

const char *
reqn_line_field(size_t i, int which)
{
	return i < REQ_LINES_MAX ? line_fields[i][which] : "lines";
}

/* ---------- input ---------- */

static int
check_shape(const struct reqn_in *in, struct err *e)
{
	if (!in->nlines || in->nlines > REQ_LINES_MAX)
		err_field(e, "lines", "请选择 1 至 %d 种物品", REQ_LINES_MAX);
	for (size_t i = 0; i < in->nlines && i < REQ_LINES_MAX; i++) {
		const struct reqn_line_in *l = &in->lines[i];
		if (l->qty < 1 || l->qty > STOCK_QTY_MAX)
			err_field(e, reqn_line_field(i, 1), "数量应为 1 至 %d", STOCK_QTY_MAX);
		if (l->item_id <= 0)
			err_field(e, reqn_line_field(i, 0), "请选择物品");
		for (size_t k = 0; k < i && l->item_id > 0; k++)
			if (in->lines[k].item_id == l->item_id)
				err_field(e, reqn_line_field(i, 0), "物品重复");
		if (l->reason && strlen(l->reason) > REQ_TEXT_MAX * 3)
			err_field(e, reqn_line_field(i, 2), "用途过长");
	}
	return err_fields_done(e);
}

/*
** The catalog rows of the lines (costs[i] their unit value now: the average,
** or the last price on an empty shelf). An unknown item is a 400 on its line;
** an inactive one 422 item_inactive naming it.
*/
static int
load_items(struct db *db, struct arena *a, const struct actor *who, const struct reqn_in *in,
	   int64_t *costs, int64_t *value, struct err *e)
{
	unsigned char missing[REQ_LINES_MAX] = { 0 };
	struct supply_item it;

	*value = 0;
	for (size_t i = 0; i < in->nlines; i++) {
		if (sup_item_get(db, a, who, in->lines[i].item_id, &it, e)) {
			if (e->code != ERR_NOT_FOUND)
				return e->code;
			err_clear(e);	/* a 400 on its line, once all are looked at */
			missing[i] = 1;
			continue;
		}
		if (!it.active)
			return err_setx(e, ERR_RULE, "item_inactive", reqn_line_field(i, 0),
					"物品 %s 已停用", it.name);
		costs[i] = it.qty_on_hand > 0 ? it.avg_cost_fen : it.last_cost_fen;
		*value += costs[i] * in->lines[i].qty;
	}
	for (size_t i = 0; i < in->nlines; i++)
		if (missing[i])
			err_field(e, reqn_line_field(i, 0), "物品不存在");
	return err_fields_done(e);
}

static int
insert_req(struct db *db, const struct actor *who, const struct reqn_in *in, const char *code,
	   int64_t value, int over, int64_t at, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":code", code, e) || db_bind_i64(&st, ":who", who->id, e) ||
		 db_bind_i64(&st, ":dept", who->department_id, e) ||
		 db_bind_text(&st, ":reason", in->reason && in->reason[0] ? in->reason : NULL, e) ||
		 db_bind_i64(&st, ":value", value, e) || db_bind_i64(&st, ":over", over, e) ||
		 db_bind_i64(&st, ":now", at, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
insert_lines(struct db *db, int64_t id, const struct reqn_in *in, const int64_t *costs,
	     struct err *e)
{
	for (size_t i = 0; i < in->nlines; i++) {
		const struct reqn_line_in *l = &in->lines[i];
		struct stmt st = { 0 };
		int rc = db_prepare(db, &st, sql_line_insert, e) || db_bind_i64(&st, ":req", id, e) ||
			 db_bind_i64(&st, ":seq", (int64_t)i + 1, e) ||
			 db_bind_i64(&st, ":item", l->item_id, e) ||
			 db_bind_i64(&st, ":qty", l->qty, e) || db_bind_i64(&st, ":cost", costs[i], e) ||
			 db_bind_text(&st, ":reason", l->reason && l->reason[0] ? l->reason : NULL, e) ||
			 db_step_done(&st, e) ? e->code : 0;
		db_finalize(&st);
		if (rc)
			return rc;
	}
	return 0;
}

/* The office's leader tier of requisitions (-1: it has none), for reqn_route_amount. */
static int
leader_bound(struct db *db, int64_t agency, int64_t *bound, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_threshold, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	*bound = rc ? -1 : db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
submit(struct db *db, struct arena *a, const struct actor *who, int64_t id, const char *code,
       const struct reqn_in *in, int64_t value, int over, struct err *e)
{
	struct appr_submit s = { .kind = "requisition", .entity = "requisition", .entity_id = id,
				 .title = arena_printf(a, "领用 %s（%lld 种物品）", code,
						       (long long)in->nlines),
				 .reason = in->reason };
	struct stmt st = { 0 };
	int64_t ap = 0, bound = -1;
	int rc;

	if (!s.title)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (over && leader_bound(db, who->agency_id, &bound, e))
		return e->code;
	s.amount_fen = reqn_route_amount(value, over, bound);
	rc = appr_submit(db, who, &s, &ap, e) || db_prepare(db, &st, sql_set_approval, e) ||
	     db_bind_i64(&st, ":ap", ap, e) || db_bind_i64(&st, ":id", id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

int
reqn_create(struct db *db, struct arena *a, const struct actor *who, const struct reqn_in *in,
	   struct requisition *out, struct err *e)
{
	int64_t at = in->occurred_at ? in->occurred_at : now_ms(), value = 0, id = 0;
	int64_t *costs;
	const char *code = NULL;
	int over = 0;

	assert(db_in_tx(db));
	if (!who->id || !who->department_id)
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有部门人员可以申请领用");
	if (check_shape(in, e))
		return e->code;
	costs = arena_array(a, in->nlines, sizeof(*costs));
	if (!costs)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (load_items(db, a, who, in, costs, &value, e) ||
	    quota_over(db, who->agency_id, who->department_id, at, value, &over, e) ||
	    code_yearly(db, a, who->agency_id, "LY", cal_local_date(at) / 10000, &code, e) ||
	    insert_req(db, who, in, code, value, over, at, &id, e) ||
	    insert_lines(db, id, in, costs, e) || submit(db, a, who, id, code, in, value, over, e) ||
	    reqn_row(db, a, who->agency_id, id, out, e) || reqn_lines(db, a, out, e))
		return e->code;
	return aud_record(db, who, "create", "requisition", id, NULL,
			  jarena(a, reqn_detail_json(out)), e);
}

