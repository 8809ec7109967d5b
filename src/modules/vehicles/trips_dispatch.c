/*
** modules/vehicles/trips_dispatch.c: dispatch (派车) and the trip log (出车,
** 还车) of trips.h. Dispatch books the vehicle and the driver through
** core/booking.h in the caller's write transaction, which locks each resource
** before looking for conflicts: of two offices dispatching one vehicle at once,
** one wins and the other gets 409 schedule_conflict naming the trip it hit; a
** conflict on the driver undoes the vehicle's booking with the rest.
*/
#include "modules/vehicles/trips.h"
#include "modules/vehicles/vehicles.h"
#include "modules/vehicles/costs.h"
#include "modules/vehicles/flags.h"
#include "modules/vehicles/seals.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/booking.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

static const char sql_vehicle[] =
	"SELECT plate, seats, status, odometer_km FROM vehicle WHERE id = :id AND agency_id = :agency";
static const char sql_driver[] =
	"SELECT u.display_name, p.licence_expiry FROM driver_profile p JOIN app_user u ON u.id = p.user_id"
	" WHERE p.user_id = :id AND p.agency_id = :agency AND u.active = 1 AND u.deleted_at IS NULL";
static const char sql_trip_code[] =
	"SELECT code FROM vehicle_trip WHERE id = :id AND agency_id = :agency";
static const char sql_dispatch[] =
	"UPDATE vehicle_trip SET status = 'dispatched', vehicle_id = :veh, driver_id = :drv,"
	" vehicle_booking_id = :vb, driver_booking_id = :db, dispatched_by = :who,"
	" dispatched_at = :now, updated_at = :now WHERE id = :id AND status = :from";
static const char sql_depart[] =
	"UPDATE vehicle_trip SET status = 'on_trip', depart_at = :now, depart_km = :km,"
	" updated_at = :now WHERE id = :id AND status = 'dispatched'";
static const char sql_return[] =
	"UPDATE vehicle_trip SET status = 'returned', return_at = :now, return_km = :km,"
	" fuel_litres_x100 = :fuel, tolls_fen = :tolls, parking_fen = :parking, updated_at = :now"
	" WHERE id = :id AND status = 'on_trip'";
static const char sql_vehicle_out[] =
	"UPDATE vehicle SET status = 'in_use', updated_at = :now WHERE id = :id";
/* the larger reading wins: an office edit in between may have moved it on */
static const char sql_vehicle_back[] =
	"UPDATE vehicle SET odometer_km = CASE WHEN odometer_km > :km THEN odometer_km ELSE :km END,"
	" status = CASE WHEN status = 'in_use' THEN 'available' ELSE status END, updated_at = :now"
	" WHERE id = :id";

struct veh {
	const char *plate, *status;
	int64_t seats, odometer_km;
};

static int
load_vehicle(struct db *db, struct arena *a, int64_t agency, int64_t id, struct veh *v,
	     struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_vehicle, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		v->plate = db_col_text(&st, a, 0);
		v->seats = db_col_i64(&st, 1);
		v->status = db_col_text(&st, a, 2);
		v->odometer_km = db_col_i64(&st, 3);
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", "vehicle_id", "车辆不存在");
	return rc;
}

/* The vehicle may take the trip: not sealed, in maintenance or retired; enough seats. */
static int
check_vehicle(const struct veh *v, const struct trip *t, struct err *e)
{
	if (strcmp(v->status, "sealed") == 0)
		return err_setx(e, ERR_RULE, "vehicle_sealed", "vehicle_id", "车辆 %s 已封存，不能派车",
				v->plate);
	if (strcmp(v->status, "available") != 0 && strcmp(v->status, "in_use") != 0)
		return err_setx(e, ERR_RULE, "vehicle_unavailable", "vehicle_id",
				"车辆 %s 维修保养或已报废，不能派车", v->plate);
	if (v->seats < t->passengers)
		return err_setx(e, ERR_RULE, "not_enough_seats", "vehicle_id",
				"车辆 %s 只有 %lld 座，乘车 %lld 人", v->plate, (long long)v->seats,
				(long long)t->passengers);
	return 0;
}

/* A driver of the agency whose licence (yyyymmdd) is valid on the trip's last day. */
static int
check_driver(struct db *db, struct arena *a, int64_t agency, int64_t id, const struct trip *t,
	     struct err *e)
{
	struct stmt st = { 0 };
	const char *name = NULL;
	int expiry = 0;
	int rc = db_prepare(db, &st, sql_driver, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		name = db_col_text(&st, a, 0);
		expiry = (int)db_col_i64(&st, 1);
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_INVALID, "invalid", "driver_id", "驾驶员不存在");
	if (!rc && expiry < cal_local_date(t->end_at - 1))
		return err_setx(e, ERR_RULE, "licence_expired", "driver_id",
				"驾驶员 %s 的驾驶证在行程结束前到期", name ? name : "");
	return rc;
}

static void
short_time(int64_t ms, char *out, size_t size)
{
	int64_t local = ms + SHANGHAI_OFFSET_MS, mins = (local % DAY_MS) / MINUTE_MS;
	int date = days_to_date(local / DAY_MS);

	snprintf(out, size, "%02d-%02d %02lld:%02lld", date / 100 % 100, date % 100,
		 (long long)(mins / 60), (long long)(mins % 60));
}

/* booking.h's conflict, named by the trip it hit (field: the resource's). */
static int
conflict(struct db *db, struct arena *a, const struct actor *who, const char *field,
	 const struct booking *c, int64_t buffer, struct err *e)
{
	const char *what = strcmp(field, "vehicle_id") == 0 ? "车辆" : "驾驶员";
	const char *code = NULL;
	struct stmt st = { 0 };
	struct err e2 = { 0 };
	char from[24], to[24];

	if (c->owner_module && strcmp(c->owner_module, "vehicle_trip") == 0 &&
	    !db_prepare(db, &st, sql_trip_code, &e2) && !db_bind_i64(&st, ":id", c->owner_id, &e2) &&
	    !db_bind_i64(&st, ":agency", who->agency_id, &e2) && !db_step_row(&st, &e2))
		code = db_col_text(&st, a, 0);
	db_finalize(&st);
	short_time(c->start_ms, from, sizeof(from));
	short_time(c->end_ms, to, sizeof(to));
	return err_setx(e, ERR_CONFLICT, "schedule_conflict", field,
			"%s已有用车 %s（%s 至 %s），须间隔 %lld 分钟", what,
			code ? code : "（其他预约）", from, to,
			(long long)(buffer / MINUTE_MS));
}

static int
reserve(struct db *db, struct arena *a, const struct actor *who, const struct trip *t,
	const char *kind, int64_t res, int64_t *id, struct err *e)
{
	struct booking_req r = { .res_kind = kind, .res_id = res, .start_ms = t->start_at,
				 .end_ms = t->end_at, .owner_module = "vehicle_trip", .owner_id = t->id };
	struct booking c = { 0 };

	if (veh_buffer_ms(db, a, who->agency_id, &r.buffer_ms, e))
		return e->code;
	if (!booking_reserve(db, who, &r, id, &c, e))
		return 0;
	if (e->code != ERR_CONFLICT || strcmp(e->slug ? e->slug : "", "schedule_conflict") != 0)
		return e->code;
	err_clear(e);
	return conflict(db, a, who, strcmp(kind, BOOKING_VEHICLE) == 0 ? "vehicle_id" : "driver_id", &c,
			r.buffer_ms, e);
}

static int
set_dispatched(struct db *db, const struct actor *who, const struct trip *t, int64_t veh,
	       int64_t drv, int64_t vb, int64_t dbk, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_dispatch, e) || db_bind_i64(&st, ":veh", veh, e) ||
		 db_bind_i64(&st, ":drv", drv, e) || db_bind_i64(&st, ":vb", vb, e) ||
		 db_bind_i64(&st, ":db", dbk, e) || db_bind_i64(&st, ":who", who->id, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_bind_i64(&st, ":id", t->id, e) ||
		 db_bind_text(&st, ":from", t->status, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc && db_changes(db) != 1)
		return err_setx(e, ERR_CONFLICT, "stale", NULL, "用车申请已被他人处理，请刷新");
	return rc;
}

int
trip_dispatch(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	      int64_t vehicle_id, int64_t driver_id, struct err *e)
{
	int64_t vb = 0, dbk = 0;
	struct trip t;
	struct veh v;

	if (trip_load(db, a, who, id, TRIP_A_DISPATCH, &t, e) ||
	    load_vehicle(db, a, who->agency_id, vehicle_id, &v, e) || check_vehicle(&v, &t, e) ||
	    seal_check_dispatch(db, a, who, &t, vehicle_id, e) ||
	    check_driver(db, a, who->agency_id, driver_id, &t, e))
		return e->code;
	/* a re-dispatch: the old bookings go first (the same owner never conflicts with itself) */
	if ((t.vehicle_booking_id && booking_cancel(db, who, t.vehicle_booking_id, e)) ||
	    (t.driver_booking_id && booking_cancel(db, who, t.driver_booking_id, e)))
		return e->code;
	if (reserve(db, a, who, &t, BOOKING_VEHICLE, vehicle_id, &vb, e) ||
	    reserve(db, a, who, &t, BOOKING_DRIVER, driver_id, &dbk, e) ||
	    set_dispatched(db, who, &t, vehicle_id, driver_id, vb, dbk, e) ||
	    trip_record(db, a, who, &t, "dispatch", e))
		return e->code;
	if (t.driver_id && t.driver_id != driver_id &&
	    trip_tell(db, a, who, t.driver_id, "trip.cancelled", "派给您的出车任务已取消", &t, e))
		return e->code;
	return trip_tell(db, a, who, t.requester_id, "trip.dispatched", "用车申请已派车", &t, e) ||
	       trip_tell(db, a, who, driver_id, "trip.assigned", "新的出车任务", &t, e) ? e->code : 0;
}

static int
exec_vehicle(struct db *db, const char *sql, int64_t id, int64_t km, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":id", id, e) ||
		 (km >= 0 && db_bind_i64(&st, ":km", km, e)) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static int
backwards(const char *plate, int64_t km, int64_t last, struct err *e)
{
	return err_setx(e, ERR_RULE, "odometer_backwards", "odometer_km",
			"里程表读数 %lld 公里低于车辆 %s 上次读数 %lld 公里", (long long)km, plate,
			(long long)last);
}

int
trip_depart(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    int64_t odometer_km, struct err *e)
{
	struct stmt st = { 0 };
	struct trip t;
	struct veh v;
	int rc;

	if (trip_load(db, a, who, id, TRIP_A_DEPART, &t, e) ||
	    load_vehicle(db, a, who->agency_id, t.vehicle_id, &v, e))
		return e->code;
	if (odometer_km < v.odometer_km)
		return backwards(v.plate, odometer_km, v.odometer_km, e);
	/* sealed or in the garage since dispatch; or still out on another trip */
	if (check_vehicle(&v, &t, e))
		return e->code;
	if (strcmp(v.status, "available") != 0)
		return err_setx(e, ERR_RULE, "vehicle_unavailable", NULL, "车辆 %s 正在出车中",
				v.plate);
	rc = db_prepare(db, &st, sql_depart, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_i64(&st, ":km", odometer_km, e) || db_bind_i64(&st, ":id", id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc || exec_vehicle(db, sql_vehicle_out, t.vehicle_id, -1, e) ||
	       trip_record(db, a, who, &t, "depart", e) ||
	       flag_on_depart(db, a, who, &t, v.odometer_km, odometer_km, e) ? e->code : 0;
}

int
trip_return(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    const struct trip_log_in *in, struct err *e)
{
	struct stmt st = { 0 };
	struct trip t;
	int rc;

	if (in->fuel_litres_x100 < 0 || in->tolls_fen < 0 || in->parking_fen < 0)
		return err_setx(e, ERR_INVALID, "invalid", NULL, "加油量和费用不能为负");
	if (trip_load(db, a, who, id, TRIP_A_RETURN, &t, e))
		return e->code;
	if (in->odometer_km < t.depart_km)
		return backwards(t.plate ? t.plate : "", in->odometer_km, t.depart_km, e);
	rc = db_prepare(db, &st, sql_return, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_i64(&st, ":km", in->odometer_km, e) ||
	     db_bind_i64(&st, ":fuel", in->fuel_litres_x100, e) ||
	     db_bind_i64(&st, ":tolls", in->tolls_fen, e) ||
	     db_bind_i64(&st, ":parking", in->parking_fen, e) || db_bind_i64(&st, ":id", id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc || exec_vehicle(db, sql_vehicle_back, t.vehicle_id, in->odometer_km, e) ||
	       trip_record(db, a, who, &t, "return", e) || cost_on_return(db, a, who, &t, in, e) ||
	       flag_on_return(db, a, who, id, e) || trip_invite_raters(db, a, who, &t, e)
		       ? e->code : 0;
}
