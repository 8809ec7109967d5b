/*
** modules/vehicles/vehicles_settings.c: the fleet's settings (table
** vehicle_setting, one row per agency made on the first save): the buffer kept
** between two trips of one vehicle or driver, and the department bearing a pool
** vehicle's costs. Until the office saves them, the defaults hold.
*/
#include "modules/vehicles/vehicles.h"

#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/org/org.h"

#include <assert.h>
#include <stddef.h>

static const char sql_get[] =
	"SELECT s.buffer_min, s.pool_department_id, d.name, s.updated_at FROM vehicle_setting s"
	" LEFT JOIN department d ON d.id = s.pool_department_id WHERE s.agency_id = :agency";
static const char sql_insert[] =
	"INSERT INTO vehicle_setting (agency_id, buffer_min, pool_department_id, updated_at,"
	" updated_by) VALUES (:agency, :buffer, :pool, :now, :by)";
static const char sql_update[] =
	"UPDATE vehicle_setting SET buffer_min = :buffer, pool_department_id = :pool,"
	" updated_at = :now, updated_by = :by WHERE agency_id = :agency AND updated_at = :seen";

const struct field veh_settings_fields[] = {
	{ .name = "buffer_min", .type = F_INT, .required = 1, .min = 0, .max = VEH_BUFFER_MIN_MAX,
	  .off = offsetof(struct veh_settings_in, buffer_min) },
	{ .name = "pool_department_id", .type = F_ID,
	  .off = offsetof(struct veh_settings_in, pool_department_id) },
	/* required once saved (veh_settings_put): a first save has nothing to have read */
	{ .name = "updated_at", .type = F_TIME, .off = offsetof(struct veh_settings_in, updated_at) },
	{ 0 }
};

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

/* The pool department is one of who's agency's own. */
static int
check_put(struct db *db, const struct actor *who, const struct veh_settings_in *in,
	  struct err *e)
{
	struct err de = { 0 };
	int64_t agency = 0;

	if (who->id != 0 && !actor_has(who, ROLE_OFFICE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以修改用车设置");
	if (in->buffer_min < 0 || in->buffer_min > VEH_BUFFER_MIN_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "buffer_min", "间隔应为 0 到 %d 分钟",
				VEH_BUFFER_MIN_MAX);
	if (!in->pool_department_id)
		return 0;
	if (org_dept_agency(db, in->pool_department_id, &agency, &de) && de.code != ERR_INVALID) {
		*e = de;
		return e->code;
	}
	if (de.code || agency != who->agency_id || in->pool_department_id == who->agency_id)
		return err_setx(e, ERR_INVALID, "invalid", "pool_department_id", "部门不存在");
	return 0;
}

/* The first save inserts, a later one updates what was read (409 "stale" otherwise). */
static int
settings_write(struct db *db, const struct actor *who, const struct veh_settings_in *in,
	       int64_t seen, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, seen ? sql_update : sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":buffer", in->buffer_min, e) ||
		 db_bind_id_or_null(&st, ":pool", in->pool_department_id, e) ||
		 db_bind_i64(&st, ":now", db_next_updated_at(seen, now_ms()), e) ||
		 db_bind_id_or_null(&st, ":by", who->id, e) ||
		 (seen && db_bind_i64(&st, ":seen", seen, e)) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (rc == ERR_CONFLICT)	/* two first saves at once */
		return err_setx(e, ERR_CONFLICT, "stale", NULL, "%s已被他人修改，请刷新后重试",
				"用车设置");
	return rc || !seen ? rc : db_check_changed(db, "用车设置", e);
}

int
veh_settings_put(struct db *db, struct arena *a, const struct actor *who,
		 const struct veh_settings_in *in, struct veh_settings *out, struct err *e)
{
	struct veh_settings before;

	assert(db_in_tx(db));
	if (check_put(db, who, in, e) || veh_settings_get(db, a, who->agency_id, &before, e) ||
	    (before.updated_at && db_check_seen(in->updated_at, before.updated_at, "用车设置", e)) ||
	    settings_write(db, who, in, before.updated_at, e) ||
	    veh_settings_get(db, a, who->agency_id, out, e))
		return e->code;
	return aud_record(db, who, "update", "vehicle_setting", who->agency_id,
			  jarena(a, veh_settings_json(&before)), jarena(a, veh_settings_json(out)),
			  e);
}

/* The settings' history: the agency's own (id is the agency). */
int
veh_settings_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     struct err *e)
{
	(void)db;
	(void)a;
	if (id != who->agency_id)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "记录不存在");
	return 0;
}

json_t *
veh_settings_json(const struct veh_settings *s)
{
	return json_pack("{sI so so so}", "buffer_min", (json_int_t)s->buffer_min,
			 "pool_department_id", jid_or_null(s->pool_department_id),
			 "pool_department_name", jstr_or_null(s->pool_department_name),
			 "updated_at", s->updated_at ? jtime(s->updated_at) : json_null());
}

int
veh_api_settings_get(struct req *rq, struct resp *rs, struct err *e)
{
	struct veh_settings s;

	if (veh_settings_get(rq->db, rq->arena, rq->user->agency_id, &s, e))
		return e->code;
	return resp_json(rs, 200, veh_settings_json(&s));
}

int
veh_api_settings_put(struct req *rq, struct resp *rs, struct err *e)
{
	struct veh_settings_in in = { 0 };
	struct veh_settings s;

	if (req_json_fields(rq, veh_settings_fields, &in, NULL, e) ||
	    veh_settings_put(rq->db, rq->arena, rq->user, &in, &s, e))
		return e->code;
	return resp_json(rs, 200, veh_settings_json(&s));
}
