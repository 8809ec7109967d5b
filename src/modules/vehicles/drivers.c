/*
** modules/vehicles/drivers.c: drivers (vehicles.h) are workers of the agency
** with a driver profile (licence class and expiry). Who is busy comes from
** the booking core (resource kind "driver", the user's id).
*/
#include "modules/vehicles/vehicles.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/booking.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

const char *const veh_licence_codes[] = { "A1", "A2", "B1", "B2", "C1", "C2", NULL };

/* A driver is a worker: losing the role takes them off the list, the profile stays. */
#define DRV_COLS                                                                         \
	"u.id, u.display_name, u.phone, d.name, p.licence_class, p.licence_expiry,"       \
	" u.active, p.updated_at"
#define DRV_FROM                                                                         \
	" FROM driver_profile p JOIN app_user u ON u.id = p.user_id"                      \
	" JOIN user_role r ON r.user_id = u.id AND r.role = 'worker'"                      \
	" LEFT JOIN department d ON d.id = u.department_id"                               \
	" WHERE p.agency_id = :agency AND u.deleted_at IS NULL"
static const char sql_list[] =
	"SELECT " DRV_COLS DRV_FROM " ORDER BY u.display_name, u.id";
static const char sql_get[] = "SELECT " DRV_COLS DRV_FROM " AND u.id = :id";
static const char sql_worker[] =
	"SELECT COUNT(*) FROM app_user u JOIN user_role r ON r.user_id = u.id AND r.role = 'worker'"
	" WHERE u.id = :id AND u.agency_id = :agency AND u.deleted_at IS NULL";
static const char sql_user[] =
	"SELECT COUNT(*) FROM app_user WHERE id = :id AND agency_id = :agency"
	" AND deleted_at IS NULL";
static const char sql_upsert[] =
	"INSERT INTO driver_profile (user_id, agency_id, licence_class, licence_expiry, updated_at)"
	" VALUES (:id, :agency, :class, :expiry, :now) ON CONFLICT (user_id) DO UPDATE SET"
	" licence_class = :class, licence_expiry = :expiry, updated_at = :now"
	" WHERE driver_profile.updated_at = :seen";

static void
drv_row(struct stmt *st, struct arena *a, void *item)
{
	struct driver *d = item;

	d->user_id = db_col_i64(st, 0);
	d->name = db_col_text(st, a, 1);
	d->phone = db_col_text(st, a, 2);
	d->department_name = db_col_text(st, a, 3);
	d->licence_class = db_col_text(st, a, 4);
	d->licence_expiry = (int)db_col_i64(st, 5);
	d->active = db_col_i64(st, 6) != 0;
	d->updated_at = db_col_i64(st, 7);
	d->busy = 0;
}

static int
has_id(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* Mark who is busy now, and with a window keep only those free in it. */
static int
mark_busy(struct db *db, struct arena *a, int64_t agency, int64_t start_ms, int64_t end_ms,
	  struct driver *items, size_t *n, struct err *e)
{
	int64_t now = now_ms(), *ids, buffer;
	size_t nb = 0, k = 0;

	if (booking_busy(db, a, agency, BOOKING_DRIVER, now, now + 1, 0, &ids, &nb, e))
		return e->code;
	for (size_t i = 0; i < *n; i++)
		items[i].busy = has_id(ids, nb, items[i].user_id);
	if (!end_ms)
		return 0;
	if (veh_buffer_ms(db, a, agency, &buffer, e) ||
	    booking_busy(db, a, agency, BOOKING_DRIVER, start_ms, end_ms, buffer, &ids, &nb, e))
		return e->code;
	for (size_t i = 0; i < *n; i++)
		if (items[i].active && !has_id(ids, nb, items[i].user_id))
			items[k++] = items[i];
	*n = k;
	return 0;
}

int
drv_list(struct db *db, struct arena *a, const struct actor *who, int64_t start_ms,
	 int64_t end_ms, struct driver **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	if (end_ms && end_ms <= start_ms)
		return err_setx(e, ERR_INVALID, "invalid", "end", "结束时间应晚于开始时间");
	rc = db_prepare(db, &st, sql_list, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_read_rows(&st, a, sizeof(**items), drv_row, (void **)items, n, e) ? e->code : 0;
	db_finalize(&st);
	return rc ? rc : mark_busy(db, a, who->agency_id, start_ms, end_ms, *items, n, e);
}

int
drv_get(struct db *db, struct arena *a, const struct actor *who, int64_t user_id,
	struct driver *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_get, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":id", user_id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		drv_row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "driver_not_found", NULL, "驾驶员不存在");
	return rc;
}

int
drv_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    struct err *e)
{
	struct driver d;

	return drv_get(db, a, who, id, &d, e);
}

static int
count_of(struct db *db, const char *sql, int64_t agency, int64_t id, int64_t *n,
	 struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":id", id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*n = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

/* The user is the agency's and a worker; the input well-formed. */
static int
check_put(struct db *db, const struct actor *who, int64_t user_id, const struct driver_in *in,
	  int *expiry, struct err *e)
{
	int64_t n = 0;

	if (who->id != 0 && !actor_has(who, ROLE_OFFICE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以维护驾驶员");
	if (!in->licence_expiry || cal_parse_date(in->licence_expiry, expiry))
		return err_setx(e, ERR_INVALID, "invalid", "licence_expiry",
				"日期格式应为 YYYY-MM-DD");
	if (count_of(db, sql_user, who->agency_id, user_id, &n, e))
		return e->code;
	if (!n)
		return err_setx(e, ERR_NOT_FOUND, "user_not_found", NULL, "用户不存在");
	if (count_of(db, sql_worker, who->agency_id, user_id, &n, e))
		return e->code;
	if (!n)
		return err_setx(e, ERR_RULE, "not_a_worker", NULL,
				"驾驶员须为具有工勤人员角色的用户");
	return 0;
}

int
drv_put(struct db *db, struct arena *a, const struct actor *who, int64_t user_id,
	const struct driver_in *in, struct driver *out, struct err *e)
{
	struct driver before;
	struct stmt st = { 0 };
	int expiry = 0, had, rc;

	assert(db_in_tx(db));
	if (check_put(db, who, user_id, in, &expiry, e))
		return e->code;
	had = drv_get(db, a, who, user_id, &before, e) == 0;	/* none yet: a first profile */
	err_clear(e);
	/* an existing profile is an edit of what was read: its updated_at (DESIGN §6) */
	if (had && db_check_seen(in->updated_at, before.updated_at, "驾驶员档案", e))
		return e->code;
	rc = db_prepare(db, &st, sql_upsert, e) || db_bind_i64(&st, ":id", user_id, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_text(&st, ":class", in->licence_class, e) ||
	     db_bind_i64(&st, ":expiry", expiry, e) ||
	     db_bind_i64(&st, ":now", db_next_updated_at(had ? before.updated_at : 0, now_ms()), e) ||
	     db_bind_i64(&st, ":seen", had ? before.updated_at : 0, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && had && db_check_changed(db, "驾驶员档案", e))
		return e->code;
	if (rc || drv_get(db, a, who, user_id, out, e))
		return e->code;
	return aud_record(db, who, "update", "driver", user_id,
			  had ? jarena(a, drv_json(&before)) : NULL, jarena(a, drv_json(out)), e);
}

json_t *
drv_json(const struct driver *d)
{
	char s[16];

	cal_format_date(d->licence_expiry, s, sizeof(s));
	return json_pack("{sI ss so so ss ss sb sb so}", "user_id", (json_int_t)d->user_id, "name",
			 d->name, "phone", jstr_or_null(d->phone), "department_name",
			 jstr_or_null(d->department_name), "licence_class", d->licence_class,
			 "licence_expiry", s, "active", d->active, "busy", d->busy, "updated_at",
			 jtime(d->updated_at));
}
