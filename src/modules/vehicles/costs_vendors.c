/*
** modules/vehicles/costs_vendors.c: the office's vendors (costs.h): garages and
** stations, 定点 (designated) or not. A cost copies the vendor's name and its
** designated flag when posted, so editing a vendor never rewrites a cost.
** A vendor is never deleted (costs name it): it is made inactive.
*/
#include "modules/vehicles/costs.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

const char *const vendor_kind_codes[] = { "garage", "station", "other", NULL };

#define VENDOR_COLS "id, name, kind, designated, active, created_at, updated_at"
static const char sql_list[] =
	"SELECT " VENDOR_COLS " FROM vehicle_vendor WHERE agency_id = :agency"
	" AND (:id = 0 OR id = :id) AND (:kind IS NULL OR kind = :kind)"
	" AND (:active = 0 OR active = 1) ORDER BY active DESC, designated DESC, name, id";
static const char sql_by_name[] =
	"SELECT id FROM vehicle_vendor WHERE agency_id = :agency AND name = :name";
static const char sql_insert[] =
	"INSERT INTO vehicle_vendor (agency_id, name, kind, designated, active, created_at,"
	" updated_at) VALUES (:agency, :name, :kind, :designated, :active, :now, :now) RETURNING id";
static const char sql_update[] =
	"UPDATE vehicle_vendor SET name = :name, kind = :kind, designated = :designated,"
	" active = :active, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND updated_at = :seen";

static void
vendor_row(struct stmt *st, struct arena *a, void *item)
{
	*(struct vendor *)item = (struct vendor){
		.id = db_col_i64(st, 0), .name = db_col_text(st, a, 1), .kind = db_col_text(st, a, 2),
		.designated = (int)db_col_i64(st, 3), .active = (int)db_col_i64(st, 4),
		.created_at = db_col_i64(st, 5), .updated_at = db_col_i64(st, 6) };
}

static int
query(struct db *db, struct arena *a, int64_t agency, int64_t id, const char *kind, int active,
      struct vendor **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":id", id, e) || db_bind_text(&st, ":kind", kind, e) ||
		 db_bind_i64(&st, ":active", active, e) ||
		 db_read_rows(&st, a, sizeof(**items), vendor_row, (void **)items, n, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
vendor_list(struct db *db, struct arena *a, const struct actor *who, const char *kind,
	    int active_only, struct vendor **items, size_t *n, struct err *e)
{
	return query(db, a, who->agency_id, 0, kind, active_only, items, n, e);
}

int
vendor_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	   struct vendor *out, struct err *e)
{
	struct vendor *items;
	size_t n = 0;

	if (id > 0 && query(db, a, who->agency_id, id, NULL, 0, &items, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "vendor_not_found", NULL, "供应商不存在");
	*out = items[0];
	return 0;
}

int
vendor_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	       struct err *e)
{
	struct vendor v;

	return vendor_get(db, a, who, id, &v, e);
}

int
vendor_by_name(struct db *db, int64_t agency, const char *name, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_by_name, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_text(&st, ":name", name, e) || db_step_row(&st, e) ? e->code : 0;

	*id = rc ? 0 : db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND) {
		err_clear(e);
		rc = 0;
	}
	return rc;
}

/* Office only; the name unique in the agency (409 duplicate). */
static int
check_in(struct db *db, const struct actor *who, int64_t id, const struct vendor_in *in,
	 struct err *e)
{
	int64_t other;

	if (who->id && !actor_has(who, ROLE_OFFICE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以维护供应商");
	if (vendor_by_name(db, who->agency_id, in->name, &other, e))
		return e->code;
	if (other && other != id)
		return err_setx(e, ERR_CONFLICT, "duplicate", "name", "供应商“%s”已登记", in->name);
	return 0;
}

static int
bind_vals(struct stmt *st, const struct vendor_in *in, struct err *e)
{
	return db_bind_text(st, ":name", in->name, e) || db_bind_text(st, ":kind", in->kind, e) ||
	       db_bind_i64(st, ":designated", in->designated ? 1 : 0, e) ||
	       db_bind_i64(st, ":active", in->active ? 1 : 0, e) ? e->code : 0;
}

int
vendor_create(struct db *db, struct arena *a, const struct actor *who,
	      const struct vendor_in *in, struct vendor *out, struct err *e)
{
	struct stmt st = { 0 };
	int64_t id = 0;
	int rc;

	assert(db_in_tx(db));
	if (check_in(db, who, 0, in, e))
		return e->code;
	rc = db_prepare(db, &st, sql_insert, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     bind_vals(&st, in, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		id = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc || vendor_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "vehicle_vendor", id, NULL,
			  jarena(a, vendor_json(out)), e) ||
	       notify_entity_changed(db, who->agency_id, 0, "vehicle_vendor", id, e) ? e->code : 0;
}

int
vendor_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      const struct vendor_in *in, struct vendor *out, struct err *e)
{
	struct vendor cur;
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (vendor_get(db, a, who, id, &cur, e) ||
	    db_check_seen(in->updated_at, cur.updated_at, "供应商", e) ||
	    check_in(db, who, id, in, e))
		return e->code;
	rc = db_prepare(db, &st, sql_update, e) || bind_vals(&st, in, e) ||
	     db_bind_i64(&st, ":now", db_next_updated_at(cur.updated_at, now_ms()), e) ||
	     db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":seen", cur.updated_at, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc || db_check_changed(db, "供应商", e) || vendor_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, "update", "vehicle_vendor", id, jarena(a, vendor_json(&cur)),
			  jarena(a, vendor_json(out)), e) ||
	       notify_entity_changed(db, who->agency_id, 0, "vehicle_vendor", id, e) ? e->code : 0;
}

json_t *
vendor_json(const struct vendor *v)
{
	return json_pack("{sI ss ss sb sb so so}", "id", (json_int_t)v->id, "name", v->name,
			 "kind", v->kind, "designated", v->designated, "active", v->active,
			 "created_at", jtime(v->created_at), "updated_at", jtime(v->updated_at));
}
