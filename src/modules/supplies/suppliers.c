/*
** modules/supplies/suppliers.c: the suppliers (supplies.h). This file starts
** with the lookup purchasing needs; the lists and edits follow.
*/
#include "modules/supplies/supplies.h"

#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"

static const char sql_supplier[] =
	"SELECT id, name, contact, phone, credit_code, designated, active, created_at, updated_at"
	" FROM supplier WHERE id = :id AND agency_id = :agency";

int
sup_supplier_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct supplier *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_supplier, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		out->id = db_col_i64(&st, 0);
		out->name = db_col_text(&st, a, 1);
		out->contact = db_col_text(&st, a, 2);
		out->phone = db_col_text(&st, a, 3);
		out->credit_code = db_col_text(&st, a, 4);
		out->designated = (int)db_col_i64(&st, 5);
		out->active = (int)db_col_i64(&st, 6);
		out->created_at = db_col_i64(&st, 7);
		out->updated_at = db_col_i64(&st, 8);
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "supplier_not_found", NULL, "供应商不存在");
	return rc;
}
