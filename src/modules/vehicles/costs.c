/*
** modules/vehicles/costs.c: posting a vehicle's cost (costs.h). Order: the
** input (400, every field at once), the rules (422: reason at a non-designated
** vendor, a repair's source, the charged department, its 30231 line, the month
** still open, the line's room), and only then the writes: the row, the spend,
** the audit record. Everything a rule can refuse is decided before the first
** write, so a refusal leaves the transaction as it was (cost_on_return relies
** on it).
*/
#include "modules/vehicles/costs.h"
#include "modules/vehicles/trips.h"
#include "modules/vehicles/vehicles.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/budget.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/notify.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

const char *const cost_kind_codes[] = { "fuel", "maintenance", "repair", "insurance",
					"inspection", "toll_parking", NULL };

#define COST_AMOUNT_MAX 10000000000LL	/* 1 亿元 */

static const char sql_wo[] =
	"SELECT COUNT(*) FROM workorder WHERE id = :id AND agency_id = :agency";
static const char sql_trip[] =
	"SELECT COUNT(*) FROM vehicle_trip WHERE id = :id AND agency_id = :agency"
	" AND vehicle_id = :vehicle";
static const char sql_insert[] =
	"INSERT INTO vehicle_cost (agency_id, vehicle_id, department_id, kind, amount_fen,"
	" occurred_on, vendor_id, vendor_name, designated, reason, note, workorder_id, trip_id,"
	" fuel_import_id, litres_x100, budget_line_id, created_by, created_at)"
	" VALUES (:agency, :vehicle, :dept, :kind, :amount, :on, :vendor, :vname, :designated,"
	" :reason, :note, :wo, :trip, :import, :litres, :line, :by, :now) RETURNING id";

/* What the checks found out: the row's derived values. */
struct posting {
	struct vehicle v;
	const char *vendor_name;
	int vendor_given, designated, vendor_kind_garage;
	int64_t dept, line, at;
};

/* *found = 1 when sql (binding :id, :agency and maybe :vehicle) counts a row. */
static int
exists(struct db *db, const char *sql, int64_t id, int64_t agency, int64_t vehicle, int *found,
       struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) ||
		 (vehicle && db_bind_i64(&st, ":vehicle", vehicle, e)) || db_step_row(&st, e)
			 ? e->code : 0;

	*found = !rc && db_col_i64(&st, 0) > 0;
	db_finalize(&st);
	return rc;
}

static int
text_set(const char *s)
{
	return s && s[0];
}

/* 1 when yyyymmdd is a real date no later than today (Shanghai). */
static int
date_ok(int d)
{
	return d >= 20000101 && days_to_date(date_to_days(d)) == d && d <= cal_local_date(now_ms());
}

/* The vendor: a registered one (its name, designated) or a free name (not designated). */
static int
check_vendor(struct db *db, struct arena *a, const struct actor *who, const struct cost_in *in,
	     struct posting *p, struct err *e)
{
	struct vendor vd;
	struct err ve = { 0 };

	p->vendor_name = text_set(in->vendor_name) ? in->vendor_name : NULL;
	if (in->vendor_id && vendor_get(db, a, who, in->vendor_id, &vd, &ve)) {
		if (ve.code != ERR_NOT_FOUND) {
			*e = ve;
			return e->code;
		}
		err_field(e, "vendor_id", "供应商不存在");
	} else if (in->vendor_id) {
		/* the card's statement is a fact: a station since retired still sold the fuel */
		if (!vd.active && !in->fuel_import_id)
			err_field(e, "vendor_id", "该供应商已停用");
		p->vendor_name = vd.name;
		p->designated = vd.designated;
		p->vendor_kind_garage = !strcmp(vd.kind, "garage");
	}
	p->vendor_given = p->vendor_name ? 1 : 0;
	if (in->fuel_import_id)
		p->designated = 1;	/* the card is the channel: its stations are the agreed ones */
	return 0;
}

/* The references: the vehicle, the work order, the trip (each of who's agency). */
static int
check_refs(struct db *db, struct arena *a, const struct actor *who, const struct cost_in *in,
	   struct posting *p, struct err *e)
{
	struct err le = { 0 };
	int wo = 1, trip = 1, veh = !veh_get(db, a, who, in->vehicle_id, &p->v, &le);

	if (!veh && le.code != ERR_NOT_FOUND) {
		*e = le;
		return e->code;
	}
	if ((in->workorder_id &&
	     exists(db, sql_wo, in->workorder_id, who->agency_id, 0, &wo, &le)) ||
	    (in->trip_id && veh &&
	     exists(db, sql_trip, in->trip_id, who->agency_id, in->vehicle_id, &trip, &le))) {
		*e = le;
		return e->code;
	}
	if (!veh)
		err_field(e, "vehicle_id", "车辆不存在");
	if (!wo)
		err_field(e, "workorder_id", "报修单不存在");
	if (!trip)
		err_field(e, "trip_id", "该车辆没有这次用车");
	return 0;
}

/* 400: every bad field at once. */
static int
check_input(struct db *db, struct arena *a, const struct actor *who, const struct cost_in *in,
	    struct posting *p, struct err *e)
{
	err_clear(e);
	if (!in->kind || !val_in(in->kind, cost_kind_codes))
		err_field(e, "kind", "费用类别无效");
	if (in->amount_fen <= 0 || in->amount_fen > COST_AMOUNT_MAX)
		err_field(e, "amount_fen", "金额应大于 0");
	if (!date_ok(in->occurred_on))
		err_field(e, "occurred_on", "发生日期应为不晚于今天的日期");
	if (in->litres_x100 < 0)
		err_field(e, "litres_x100", "加油量不能为负");
	if (check_refs(db, a, who, in, p, e) || check_vendor(db, a, who, in, p, e))
		return e->code;
	if (in->kind && !strcmp(in->kind, "fuel") && !p->vendor_given)
		err_field(e, "vendor_name", "请选择或填写加油站");
	if (!e->nfields)
		return 0;
	e->code = ERR_INVALID;
	e->slug = "invalid";
	err_msg_from_field(e);
	return ERR_INVALID;
}

/* A cost at a garage or station is where 定点 matters: fuel, maintenance, repairs. */
static int
at_garage_or_station(const char *kind)
{
	return !strcmp(kind, "fuel") || !strcmp(kind, "maintenance") || !strcmp(kind, "repair");
}

/* 422: the rules of 定点 and of a repair's source. */
static int
check_rules(const struct cost_in *in, const struct posting *p, struct err *e)
{
	if (at_garage_or_station(in->kind) && p->vendor_given && !p->designated &&
	    !text_set(in->reason))
		return err_setx(e, ERR_RULE, "reason_required", "reason",
				"非定点单位“%s”的费用须说明原因", p->vendor_name);
	if (!strcmp(in->kind, "repair") && !in->workorder_id &&
	    !(in->vendor_id && p->designated && p->vendor_kind_garage))
		return err_setx(e, ERR_RULE, "repair_source_required", "workorder_id",
				"维修须关联报修单，或在定点维修厂进行");
	return 0;
}

/* The charged department and its line, the month open and the room: the engine's checks first. */
static int
check_budget(struct db *db, struct arena *a, const struct actor *who, const struct cost_in *in,
	     struct posting *p, struct err *e)
{
	struct veh_settings s;
	int closed = 0;

	p->dept = p->v.department_id;
	if (!p->dept) {
		if (veh_settings_get(db, a, who->agency_id, &s, e))
			return e->code;
		p->dept = s.pool_department_id;
	}
	if (!p->dept)
		return err_setx(e, ERR_RULE, "no_pool_department", "vehicle_id",
				"车辆池的费用须由一个部门承担：请先在用车设置中指定承担部门");
	p->at = date_to_days(in->occurred_on) * DAY_MS + 12 * HOUR_MS - SHANGHAI_OFFSET_MS;
	if (budget_line_for(db, who->agency_id, in->occurred_on / 10000, p->dept, VEH_COST_CLASS,
			    "vehicle_id", &p->line, e) ||
	    budget_period_closed(db, who->agency_id, budget_period_of(p->at), &closed, e))
		return e->code;
	if (closed)
		return err_setx(e, ERR_RULE, "period_closed", "occurred_on",
				"%d 年 %d 月已结账，不能再登记该月的费用", in->occurred_on / 10000,
				in->occurred_on / 100 % 100);
	return budget_check_room(db, who, p->line, in->amount_fen, e);
}

static int
bind_text_opt(struct stmt *st, const char *name, const char *v, struct err *e)
{
	return db_bind_text(st, name, text_set(v) ? v : NULL, e);
}

static int
insert_row(struct db *db, const struct actor *who, const struct cost_in *in,
	   const struct posting *p, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":vehicle", in->vehicle_id, e) ||
		 db_bind_i64(&st, ":dept", p->dept, e) || db_bind_text(&st, ":kind", in->kind, e) ||
		 db_bind_i64(&st, ":amount", in->amount_fen, e) ||
		 db_bind_i64(&st, ":on", in->occurred_on, e) ||
		 db_bind_id_or_null(&st, ":vendor", in->vendor_id, e) ||
		 db_bind_text(&st, ":vname", p->vendor_name, e) ||
		 db_bind_i64(&st, ":designated", p->designated, e) ||
		 bind_text_opt(&st, ":reason", in->reason, e) ||
		 bind_text_opt(&st, ":note", in->note, e) ||
		 db_bind_id_or_null(&st, ":wo", in->workorder_id, e) ||
		 db_bind_id_or_null(&st, ":trip", in->trip_id, e) ||
		 db_bind_id_or_null(&st, ":import", in->fuel_import_id, e) ||
		 (in->litres_x100 ? db_bind_i64(&st, ":litres", in->litres_x100, e)
				  : db_bind_null(&st, ":litres", e)) ||
		 db_bind_i64(&st, ":line", p->line, e) || db_bind_id_or_null(&st, ":by", who->id, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_step_row(&st, e) ? e->code : 0;

	*id = rc ? 0 : db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
cost_post(struct db *db, struct arena *a, const struct actor *who, const struct cost_in *in,
	  int64_t *id, struct err *e)
{
	struct posting p = { 0 };
	struct budget_result r;
	struct budget_src src;
	struct cost c;

	assert(db_in_tx(db));
	*id = 0;
	if (check_input(db, a, who, in, &p, e) || check_rules(in, &p, e) ||
	    check_budget(db, a, who, in, &p, e) || insert_row(db, who, in, &p, id, e))
		return e->code;
	src = (struct budget_src){ .module = "vehicle_cost", .id = *id, .payee = p.vendor_name,
				   .occurred_at = p.at };
	if (budget_spend(db, who, p.line, in->amount_fen, &src, &r, e) ||
	    cost_get(db, a, who, *id, &c, e))
		return e->code;
	/* the lists open elsewhere reload (live.js) */
	return aud_record(db, who, "create", "vehicle_cost", *id, NULL, jarena(a, cost_json(&c)), e) ||
	       notify_entity_changed(db, who->agency_id, 0, "vehicle_cost", *id, e) ? e->code : 0;
}

/* the office users without an unread notice of the kind: one at a time is enough to act on */
static const char sql_office_users[] =
	"SELECT u.id FROM user_role r CROSS JOIN app_user u"
	" WHERE u.id = r.user_id AND r.role = 'office' AND u.agency_id = :agency AND u.active = 1"
	" AND u.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM notification n"
	"  WHERE n.user_id = u.id AND n.read_at IS NULL AND n.kind = 'vehicle_cost.unposted')"
	" ORDER BY r.user_id";

/*
** The office learns why a trip's tolls could not be posted, to register them
** once it can. Not again while an earlier such notice is unread: a missing
** line refuses every return until finance makes it, and the office needs one
** notice to act, not one per trip.
*/
static int
tell_unposted(struct db *db, struct arena *a, const struct actor *who, const struct trip *t,
	      const struct err *why, struct err *e)
{
	struct msg_text title = msg_plain("用车路桥停车费未能入账");
	struct msg_text body = { arena_printf(a, "%s：%s", t->code, why->msg), NULL };
	struct stmt st = { 0 };
	int64_t ids[64];
	size_t n = 0;
	int rc = db_prepare(db, &st, sql_office_users, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ? e->code : 0;

	for (; !rc && (rc = db_step(&st, e)) == 1; rc = 0)
		if (n < sizeof(ids) / sizeof(ids[0]))
			ids[n++] = db_col_i64(&st, 0);
	db_finalize(&st);
	if (why->msg_en[0])
		body.en = arena_printf(a, "%s: %s", t->code, why->msg_en);
	for (size_t i = 0; rc >= 0 && i < n; i++)
		if (notify_send_text(db, who, ids[i], "vehicle_cost.unposted", title, body,
				     "vehicle_trip", t->id, e))
			return e->code;
	return rc < 0 ? rc : 0;
}

/*
** The driver's return must not fail over bookkeeping the driver cannot fix
** (no line, no pool department, a full line, a closed month): the return goes
** through, nothing of the cost is written (the rules run before any write) and
** the office is told, to register the cost by hand once the budget allows.
*/
int
cost_on_return(struct db *db, struct arena *a, const struct actor *who, const struct trip *t,
	       const struct trip_log_in *in, struct err *e)
{
	struct cost_in c = { .vehicle_id = t->vehicle_id, .kind = "toll_parking",
			     .amount_fen = in->tolls_fen + in->parking_fen,
			     .occurred_on = cal_local_date(now_ms()), .trip_id = t->id };
	struct err why;
	int64_t id;

	if (c.amount_fen <= 0)
		return 0;
	c.note = arena_printf(a, "%s 路桥费 %lld.%02lld 元，停车费 %lld.%02lld 元", t->code,
			      (long long)(in->tolls_fen / 100), (long long)(in->tolls_fen % 100),
			      (long long)(in->parking_fen / 100), (long long)(in->parking_fen % 100));
	if (!cost_post(db, a, who, &c, &id, e))
		return 0;
	if (e->code != ERR_RULE)
		return e->code;
	why = *e;
	err_clear(e);
	return tell_unposted(db, a, who, t, &why, e);
}
