/*
** modules/vehicles/vehicles.c: the vehicle registry (vehicles.h). An agency has
** tens of vehicles, so the list filters are catch-alls within the
** (agency_id, ...) indexes; what is free in a window comes from the booking
** core (booking_busy), never from a scan of our own.
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
#include "modules/org/org.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

const char *const veh_type_codes[] = { "sedan", "business", "suv", "bus", NULL };
const char *const veh_energy_codes[] = { "petrol", "diesel", "electric", NULL };
const char *const veh_status_codes[] = { "available", "in_use", "maintenance", "sealed",
					 "retired", NULL };

#define VEH_COLS                                                                         \
	"v.id, v.plate, v.brand, v.model, v.seats, v.type, v.energy,"                     \
	" COALESCE(v.tank_litres, 0), COALESCE(v.battery_kwh, 0),"                        \
	" COALESCE(v.department_id, 0), d.name, v.status, v.odometer_km,"                  \
	" COALESCE(v.insurance_expiry, 0), COALESCE(v.inspection_due, 0),"                 \
	" COALESCE(v.purchase_date, 0), COALESCE(v.price_fen, 0), v.created_at, v.updated_at"
#define VEH_FROM " FROM vehicle v LEFT JOIN department d ON d.id = v.department_id"
#define VEH_WHERE                                                                        \
	" WHERE v.agency_id = :agency AND (:id = 0 OR v.id = :id)"                        \
	" AND (:status IS NULL OR v.status = :status) AND (:type IS NULL OR v.type = :type)" \
	" AND (:dept = 0 OR v.department_id = :dept)"                                      \
	" AND (:q IS NULL OR v.plate LIKE :q ESCAPE '\\' OR v.brand LIKE :q ESCAPE '\\'"    \
	" OR v.model LIKE :q ESCAPE '\\')"
static const char sql_list[] =
	"SELECT " VEH_COLS VEH_FROM VEH_WHERE " ORDER BY v.plate, v.id LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*)" VEH_FROM VEH_WHERE;
/*
** available: status available, enough seats, no seal in force on a day of the
** window [:from, :to] (seals.h); the booked ones are taken out in C
*/
static const char sql_free[] =
	"SELECT " VEH_COLS VEH_FROM " WHERE v.agency_id = :agency AND v.status = 'available'"
	" AND v.seats >= :seats AND NOT EXISTS (SELECT 1 FROM vehicle_seal s"
	" WHERE s.vehicle_id = v.id AND s.lifted_at IS NULL AND s.from_date <= :to"
	" AND s.to_date >= :from) ORDER BY v.seats, v.plate, v.id";
static const char sql_dup[] =
	"SELECT COUNT(*) FROM vehicle WHERE agency_id = :agency AND plate = :plate AND id <> :id";
static const char sql_insert[] =
	"INSERT INTO vehicle (agency_id, plate, brand, model, seats, type, energy, tank_litres,"
	" battery_kwh, department_id, status, odometer_km, insurance_expiry, inspection_due,"
	" purchase_date, price_fen, created_at, updated_at, created_by)"
	" VALUES (:agency, :plate, :brand, :model, :seats, :type, :energy, :tank, :battery, :dept,"
	" :status, :odo, :ins, :insp, :bought, :price, :now, :now, :by) RETURNING id";
static const char sql_update[] =
	"UPDATE vehicle SET plate = :plate, brand = :brand, model = :model, seats = :seats,"
	" type = :type, energy = :energy, tank_litres = :tank, battery_kwh = :battery,"
	" department_id = :dept, status = :status, odometer_km = :odo, insurance_expiry = :ins,"
	" inspection_due = :insp, purchase_date = :bought, price_fen = :price, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency AND updated_at = :seen";
static const char sql_trip_update[] =
	"UPDATE vehicle SET status = COALESCE(:status, status),"
	" odometer_km = CASE WHEN :odo < 0 THEN odometer_km ELSE :odo END, updated_at = :now"
	" WHERE id = :id AND agency_id = :agency";

/* Province abbreviations that start a civil plate. */
static const char *const provinces[] = {
	"京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖", "鲁", "新", "苏", "浙", "赣",
	"鄂", "桂", "甘", "晋", "蒙", "陕", "吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼", NULL
};

static int
plate_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O');
}

/* The part after the city letter: 5 (fuel) or 6 (新能源: D/F first or last) of A-Z0-9. */
static int
plate_tail_ok(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!plate_char(t[i]))
			return 0;
	if (n == 5)
		return 1;
	return n == 6 && (strchr("DF", t[0]) || strchr("DF", t[5]));
}

#define DOT "·"	/* U+00B7, two bytes in UTF-8 */

/* in without spaces and dots, upper-cased, into up; 0 when it does not fit. */
static int
squeeze(const char *in, char *up, size_t size)
{
	size_t n = 0;

	for (const char *s = in; *s; s++) {
		if (*s == ' ')
			continue;
		if (!strncmp(s, DOT, strlen(DOT))) {
			s += strlen(DOT) - 1;
			continue;
		}
		if (n + 1 >= size)
			return 0;
		up[n++] = (*s >= 'a' && *s <= 'z') ? (char)(*s - 'a' + 'A') : *s;
	}
	up[n] = 0;
	return 1;
}

int
veh_plate_norm(const char *in, char *out, size_t size, struct err *e)
{
	char up[32];
	size_t p = 0, pl, n;

	if (!squeeze(in ? in : "", up, sizeof(up)))
		up[0] = 0;
	while (provinces[p] && strncmp(up, provinces[p], strlen(provinces[p])))
		p++;
	pl = provinces[p] ? strlen(provinces[p]) : 0;
	n = strlen(up);
	/* the province, the city's letter, the rest; stored as 京A·12345 */
	if (pl && n > pl + 1 && up[pl] >= 'A' && up[pl] <= 'Z' &&
	    plate_tail_ok(up + pl + 1, n - pl - 1) && n + strlen(DOT) < size) {
		snprintf(out, size, "%.*s%c" DOT "%s", (int)pl, up, up[pl], up + pl + 1);
		return 0;
	}
	return err_setx(e, ERR_INVALID, "invalid", "plate",
			"车牌号格式不正确，应如 京A·12345 或 京A·D12345（新能源）");
}

static void
veh_row(struct stmt *st, struct arena *a, void *item)
{
	struct vehicle *v = item;

	v->id = db_col_i64(st, 0);
	v->plate = db_col_text(st, a, 1);
	v->brand = db_col_text(st, a, 2);
	v->model = db_col_text(st, a, 3);
	v->seats = db_col_i64(st, 4);
	v->type = db_col_text(st, a, 5);
	v->energy = db_col_text(st, a, 6);
	v->tank_litres = db_col_i64(st, 7);
	v->battery_kwh = db_col_i64(st, 8);
	v->department_id = db_col_i64(st, 9);
	v->department_name = db_col_text(st, a, 10);
	v->status = db_col_text(st, a, 11);
	v->odometer_km = db_col_i64(st, 12);
	v->insurance_expiry = (int)db_col_i64(st, 13);
	v->inspection_due = (int)db_col_i64(st, 14);
	v->purchase_date = (int)db_col_i64(st, 15);
	v->price_fen = db_col_i64(st, 16);
	v->created_at = db_col_i64(st, 17);
	v->updated_at = db_col_i64(st, 18);
}

static int
bind_filter(struct stmt *st, struct arena *a, const struct actor *who,
	    const struct veh_filter *f, int64_t id, struct err *e)
{
	const char *q = f->q && f->q[0] ? db_like_pattern(a, f->q) : NULL;

	return db_bind_i64(st, ":agency", who->agency_id, e) || db_bind_i64(st, ":id", id, e) ||
	       db_bind_text(st, ":status", f->status, e) || db_bind_text(st, ":type", f->type, e) ||
	       db_bind_i64(st, ":dept", f->department_id, e) || db_bind_text(st, ":q", q, e)
		       ? e->code : 0;
}

static int
query(struct db *db, struct arena *a, const struct actor *who, const struct veh_filter *f,
      int64_t id, struct vehicle **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || bind_filter(&st, a, who, f, id, e) ||
		 db_bind_i64(&st, ":limit", f->limit, e) ||
		 db_bind_i64(&st, ":offset", f->offset, e) ||
		 db_read_rows(&st, a, sizeof(**items), veh_row, (void **)items, n, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
veh_list(struct db *db, struct arena *a, const struct actor *who, const struct veh_filter *f,
	 struct vehicle **items, size_t *n, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) || bind_filter(&st, a, who, f, 0, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc ? rc : query(db, a, who, f, 0, items, n, e);
}

int
veh_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	struct vehicle *out, struct err *e)
{
	struct veh_filter f = { .limit = 1 };
	struct vehicle *items;
	size_t n = 0;

	if (id > 0 && query(db, a, who, &f, id, &items, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "vehicle_not_found", NULL, "车辆不存在");
	*out = items[0];
	return 0;
}

int
veh_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    struct err *e)
{
	struct vehicle v;

	return veh_get(db, a, who, id, &v, e);
}

/* "YYYY-MM-DD" or NULL/"" (none, 0) into *out, else a field message. */
static void
date_in(const char *s, const char *field, int *out, struct err *e)
{
	*out = 0;
	if (s && s[0] && cal_parse_date(s, out))
		err_field(e, field, "日期格式应为 YYYY-MM-DD");
}

/* The parsed, checked values of a vehicle_in. */
struct veh_vals {
	char plate[VEH_PLATE_MAX + 8];
	int ins, insp, bought;
};

static int
check_in(struct db *db, const struct actor *who, int64_t id, const struct vehicle_in *in,
	 struct veh_vals *v, struct err *e)
{
	int64_t agency = 0, n = 0;
	struct stmt st = { 0 };
	int rc;

	struct err de = { 0 };

	err_clear(e);
	veh_plate_norm(in->plate, v->plate, sizeof(v->plate), e);	/* a field message */
	date_in(in->insurance_expiry, "insurance_expiry", &v->ins, e);
	date_in(in->inspection_due, "inspection_due", &v->insp, e);
	date_in(in->purchase_date, "purchase_date", &v->bought, e);
	if (in->department_id && (org_dept_agency(db, in->department_id, &agency, &de) ||
				  agency != who->agency_id))
		err_field(e, "department_id", "部门不存在");
	if (de.code && de.code != ERR_INVALID) {	/* the lookup failed, not the input */
		*e = de;
		return e->code;
	}
	if (err_fields_done(e))
		return e->code;
	rc = db_prepare(db, &st, sql_dup, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_text(&st, ":plate", v->plate, e) || db_bind_i64(&st, ":id", id, e) ||
	     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	if (!rc && n)
		return err_setx(e, ERR_CONFLICT, "duplicate", "plate", "车牌号 %s 已登记", v->plate);
	return rc;
}

static int
bind_opt(struct stmt *st, const char *name, int64_t v, struct err *e)
{
	return v ? db_bind_i64(st, name, v, e) : db_bind_null(st, name, e);
}

/* The columns insert and update share. */
static int
bind_vals(struct stmt *st, const struct vehicle_in *in, const struct veh_vals *v,
	  struct err *e)
{
	return db_bind_text(st, ":plate", v->plate, e) || db_bind_text(st, ":brand", in->brand, e) ||
	       db_bind_text(st, ":model", in->model, e) || db_bind_i64(st, ":seats", in->seats, e) ||
	       db_bind_text(st, ":type", in->type, e) || db_bind_text(st, ":energy", in->energy, e) ||
	       bind_opt(st, ":tank", in->tank_litres, e) ||
	       bind_opt(st, ":battery", in->battery_kwh, e) ||
	       db_bind_id_or_null(st, ":dept", in->department_id, e) ||
	       db_bind_text(st, ":status", in->status ? in->status : "available", e) ||
	       db_bind_i64(st, ":odo", in->odometer_km, e) || bind_opt(st, ":ins", v->ins, e) ||
	       bind_opt(st, ":insp", v->insp, e) || bind_opt(st, ":bought", v->bought, e) ||
	       bind_opt(st, ":price", in->price_fen, e) ? e->code : 0;
}

static int
may_edit(const struct actor *who, struct err *e)
{
	if (who->id == 0 || actor_has(who, ROLE_OFFICE))
		return 0;
	return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以维护车辆");
}

int
veh_create(struct db *db, struct arena *a, const struct actor *who,
	   const struct vehicle_in *in, struct vehicle *out, struct err *e)
{
	struct veh_vals v = { 0 };
	struct stmt st = { 0 };
	int64_t id = 0;
	int rc;

	assert(db_in_tx(db));
	if (may_edit(who, e) || check_in(db, who, 0, in, &v, e))
		return e->code;
	rc = db_prepare(db, &st, sql_insert, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     bind_vals(&st, in, &v, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_id_or_null(&st, ":by", who->id, e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		id = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc || veh_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, "create", "vehicle", id, NULL, jarena(a, veh_json(out)), e);
}

int
veh_update(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	   const struct vehicle_in *in, struct vehicle *out, struct err *e)
{
	struct veh_vals v = { 0 };
	struct vehicle cur;
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (may_edit(who, e) || veh_get(db, a, who, id, &cur, e) ||
	    db_check_seen(in->updated_at, cur.updated_at, "车辆", e) ||
	    check_in(db, who, id, in, &v, e))
		return e->code;
	if (in->odometer_km < cur.odometer_km)
		return err_setx(e, ERR_RULE, "odometer_backwards", "odometer_km",
				"里程不能小于当前读数 %lld 公里", (long long)cur.odometer_km);
	rc = db_prepare(db, &st, sql_update, e) || bind_vals(&st, in, &v, e) ||
	     db_bind_i64(&st, ":now", db_next_updated_at(cur.updated_at, now_ms()), e) ||
	     db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":seen", cur.updated_at, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc || db_check_changed(db, "车辆", e) || veh_get(db, a, who, id, out, e))
		return e->code;
	return aud_record(db, who, "update", "vehicle", id, jarena(a, veh_json(&cur)),
			  jarena(a, veh_json(out)), e);
}

int
veh_trip_update(struct db *db, const struct actor *who, int64_t id, const char *status,
		int64_t odometer_km, struct err *e)
{
	struct arena *a = arena_new(1024);
	struct vehicle cur;
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = veh_get(db, a, who, id, &cur, e);
	if (!rc && odometer_km >= 0 && odometer_km < cur.odometer_km)
		rc = err_setx(e, ERR_RULE, "odometer_backwards", "odometer_km",
			      "里程不能小于当前读数 %lld 公里", (long long)cur.odometer_km);
	if (!rc)
		rc = db_prepare(db, &st, sql_trip_update, e) ||
		     db_bind_text(&st, ":status", status, e) ||
		     db_bind_i64(&st, ":odo", odometer_km, e) ||
		     db_bind_i64(&st, ":now", db_next_updated_at(cur.updated_at, now_ms()), e) ||
		     db_bind_i64(&st, ":id", id, e) ||
		     db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_done(&st, e)
			     ? e->code : 0;
	db_finalize(&st);
	arena_free(a);
	return rc;
}

/* 1 when id is in the ascending ids[0..n). */
static int
in_ids(const int64_t *ids, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] == id)
			return 1;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
veh_available(struct db *db, struct arena *a, const struct actor *who, int64_t start_ms,
	      int64_t end_ms, int64_t seats, struct vehicle **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int64_t *busy, buffer;
	size_t nb = 0, k = 0;
	int rc;

	if (end_ms <= start_ms)
		return err_setx(e, ERR_INVALID, "invalid", "end", "结束时间应晚于开始时间");
	if (veh_buffer_ms(db, a, who->agency_id, &buffer, e) ||
	    booking_busy(db, a, who->agency_id, BOOKING_VEHICLE, start_ms, end_ms, buffer, &busy,
			 &nb, e))
		return e->code;
	rc = db_prepare(db, &st, sql_free, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":seats", seats, e) ||
	     db_bind_i64(&st, ":from", cal_local_date(start_ms), e) ||
	     db_bind_i64(&st, ":to", cal_local_date(end_ms - 1), e) ||
	     db_read_rows(&st, a, sizeof(**items), veh_row, (void **)items, n, e)
		     ? e->code : 0;
	db_finalize(&st);
	for (size_t i = 0; !rc && i < *n; i++)
		if (!in_ids(busy, nb, (*items)[i].id))
			(*items)[k++] = (*items)[i];
	if (!rc)
		*n = k;
	return rc;
}

json_t *
veh_json(const struct vehicle *v)
{
	return json_pack("{sI ss ss ss sI ss ss so so so so ss sI so so so so so so}", "id",
			 (json_int_t)v->id, "plate", v->plate, "brand", v->brand, "model",
			 v->model, "seats", (json_int_t)v->seats, "type", v->type, "energy",
			 v->energy, "tank_litres", jid_or_null(v->tank_litres), "battery_kwh",
			 jid_or_null(v->battery_kwh), "department_id",
			 jid_or_null(v->department_id), "department_name",
			 jstr_or_null(v->department_name), "status", v->status, "odometer_km",
			 (json_int_t)v->odometer_km, "insurance_expiry", jdate(v->insurance_expiry),
			 "inspection_due", jdate(v->inspection_due), "purchase_date",
			 jdate(v->purchase_date), "price_fen", json_integer((json_int_t)v->price_fen),
			 "updated_at", jtime(v->updated_at), "created_at", jtime(v->created_at));
}
