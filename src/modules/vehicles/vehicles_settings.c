/*
** modules/vehicles/vehicles_settings.c: the fleet's settings (table
** vehicle_setting, one row per agency made on the first save): the buffer kept
** between two trips of one vehicle or driver, and the department bearing a pool
** vehicle's costs. Until the office saves them, the defaults hold.
*/
#include "modules/vehicles/vehicles.h"

#include "core/err.h"
#include "db/db.h"

static const char sql_get[] =
	"SELECT s.buffer_min, s.pool_department_id, d.name, s.updated_at FROM vehicle_setting s"
	" LEFT JOIN department d ON d.id = s.pool_department_id WHERE s.agency_id = :agency";

int
veh_settings_get(struct db *db, struct arena *a, int64_t agency, struct veh_settings *out,
		 struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_get, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	*out = (struct veh_settings){ .buffer_min = VEH_BUFFER_MIN_DEFAULT };
	if (!rc) {
		out->buffer_min = db_col_i64(&st, 0);
		out->pool_department_id = db_col_i64(&st, 1);
		out->pool_department_name = db_col_text(&st, a, 2);
		out->updated_at = db_col_i64(&st, 3);
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND) {
		err_clear(e);
		rc = 0;
	}
	return rc;
}

int
veh_buffer_ms(struct db *db, struct arena *a, int64_t agency, int64_t *out, struct err *e)
{
	struct veh_settings s;

	if (veh_settings_get(db, a, agency, &s, e))
		return e->code;
	*out = s.buffer_min * 60 * 1000;
	return 0;
}
