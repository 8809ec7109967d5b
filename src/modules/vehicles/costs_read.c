/*
** modules/vehicles/costs_read.c: reading vehicle costs (costs.h cost_list,
** cost_get). The filters are catch-alls on the (agency_id, vehicle_id |
** department_id, occurred_on) indexes; newest first.
*/
#include "modules/vehicles/costs.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#define COST_COLS                                                                        \
	"c.id, c.vehicle_id, v.plate, c.department_id, d.name, c.kind, c.amount_fen,"       \
	" c.occurred_on, COALESCE(c.vendor_id, 0), c.vendor_name, c.designated, c.reason,"  \
	" c.note, COALESCE(c.workorder_id, 0), w.code, COALESCE(c.trip_id, 0), t.code,"      \
	" COALESCE(c.fuel_import_id, 0), COALESCE(c.litres_x100, 0),"                       \
	" CASE WHEN c.litres_x100 IS NULL THEN 0 ELSE 1 END, u.display_name, c.created_at"
#define COST_FROM                                                                        \
	" FROM vehicle_cost c JOIN vehicle v ON v.id = c.vehicle_id"                        \
	" JOIN department d ON d.id = c.department_id"                                      \
	" LEFT JOIN workorder w ON w.id = c.workorder_id"                                   \
	" LEFT JOIN vehicle_trip t ON t.id = c.trip_id"                                     \
	" LEFT JOIN app_user u ON u.id = c.created_by"
#define COST_WHERE                                                                       \
	" WHERE c.agency_id = :agency AND (:id = 0 OR c.id = :id)"                          \
	" AND (:vehicle = 0 OR c.vehicle_id = :vehicle) AND (:kind IS NULL OR c.kind = :kind)" \
	" AND (:dept = 0 OR c.department_id = :dept)"                                        \
	" AND (:from = 0 OR c.occurred_on >= :from) AND (:to = 0 OR c.occurred_on <= :to)"   \
	" AND (:import = 0 OR c.fuel_import_id = :import) AND (:trip = 0 OR c.trip_id = :trip)"
static const char sql_list[] = "SELECT " COST_COLS COST_FROM COST_WHERE
			       " ORDER BY c.occurred_on DESC, c.id DESC LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*) FROM vehicle_cost c" COST_WHERE;

static void
cost_row(struct stmt *st, struct arena *a, void *item)
{
	struct cost *c = item;

	c->id = db_col_i64(st, 0);
	c->vehicle_id = db_col_i64(st, 1);
	c->plate = db_col_text(st, a, 2);
	c->department_id = db_col_i64(st, 3);
	c->department_name = db_col_text(st, a, 4);
	c->kind = db_col_text(st, a, 5);
	c->amount_fen = db_col_i64(st, 6);
	c->occurred_on = (int)db_col_i64(st, 7);
	c->vendor_id = db_col_i64(st, 8);
	c->vendor_name = db_col_text(st, a, 9);
	c->designated = (int)db_col_i64(st, 10);
	c->reason = db_col_text(st, a, 11);
	c->note = db_col_text(st, a, 12);
	c->workorder_id = db_col_i64(st, 13);
	c->workorder_code = db_col_text(st, a, 14);
	c->trip_id = db_col_i64(st, 15);
	c->trip_code = db_col_text(st, a, 16);
	c->fuel_import_id = db_col_i64(st, 17);
	c->litres_x100 = db_col_i64(st, 18);
	c->has_litres = (int)db_col_i64(st, 19);
	c->created_by_name = db_col_text(st, a, 20);
	c->created_at = db_col_i64(st, 21);
}

static int
bind_filter(struct stmt *st, const struct actor *who, const struct cost_filter *f, int64_t id,
	    struct err *e)
{
	return db_bind_i64(st, ":agency", who->agency_id, e) || db_bind_i64(st, ":id", id, e) ||
	       db_bind_i64(st, ":vehicle", f->vehicle_id, e) ||
	       db_bind_text(st, ":kind", f->kind, e) ||
	       db_bind_i64(st, ":dept", f->department_id, e) ||
	       db_bind_i64(st, ":from", f->from, e) || db_bind_i64(st, ":to", f->to, e) ||
	       db_bind_i64(st, ":import", f->fuel_import_id, e) ||
	       db_bind_i64(st, ":trip", f->trip_id, e) ? e->code : 0;
}

static int
query(struct db *db, struct arena *a, const struct actor *who, const struct cost_filter *f,
      int64_t id, struct cost **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || bind_filter(&st, who, f, id, e) ||
		 db_bind_i64(&st, ":limit", f->limit, e) ||
		 db_bind_i64(&st, ":offset", f->offset, e) ||
		 db_read_rows(&st, a, sizeof(**items), cost_row, (void **)items, n, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
cost_list(struct db *db, struct arena *a, const struct actor *who, const struct cost_filter *f,
	  struct cost **items, size_t *n, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) || bind_filter(&st, who, f, 0, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc ? rc : query(db, a, who, f, 0, items, n, e);
}

int
cost_get(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct cost *out,
	 struct err *e)
{
	struct cost_filter f = { .limit = 1 };
	struct cost *items;
	size_t n = 0;

	if (id > 0 && query(db, a, who, &f, id, &items, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "cost_not_found", NULL, "费用记录不存在");
	*out = items[0];
	return 0;
}

int
cost_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e)
{
	struct cost c;

	return cost_get(db, a, who, id, &c, e);
}

json_t *
cost_json(const struct cost *c)
{
	return json_pack("{sI sI ss sI ss ss sI so so so sb so so so so so so so so so so}",
			 "id", (json_int_t)c->id, "vehicle_id", (json_int_t)c->vehicle_id,
			 "plate", c->plate, "department_id", (json_int_t)c->department_id,
			 "department_name", c->department_name, "kind", c->kind, "amount_fen",
			 (json_int_t)c->amount_fen, "occurred_on", jdate(c->occurred_on),
			 "vendor_id", jid_or_null(c->vendor_id), "vendor_name",
			 jstr_or_null(c->vendor_name), "designated", c->designated,
			 "reason", jstr_or_null(c->reason), "note", jstr_or_null(c->note),
			 "workorder_id", jid_or_null(c->workorder_id), "workorder_code",
			 jstr_or_null(c->workorder_code), "trip_id", jid_or_null(c->trip_id),
			 "trip_code", jstr_or_null(c->trip_code), "fuel_import_id",
			 jid_or_null(c->fuel_import_id), "litres_x100",
			 c->has_litres ? json_integer((json_int_t)c->litres_x100) : json_null(),
			 "created_by_name", jstr_or_null(c->created_by_name), "created_at",
			 jtime(c->created_at));
}
