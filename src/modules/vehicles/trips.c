/*
** modules/vehicles/trips.c: a trip request's checks, its creation with its
** approval, its approval rules, and trips as lists and one in full (trips.h).
*/
#include "modules/vehicles/trips.h"
#include "modules/vehicles/seals.h"
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

const char *const trip_status_codes[] = { "requested", "approved", "rejected", "dispatched",
					  "on_trip", "returned", "closed", "cancelled", NULL };

static const char sql_insert[] =
	"INSERT INTO vehicle_trip (agency_id, code, status, requester_id, department_id, purpose,"
	" destination, out_of_city, passengers, passenger_names, start_at, end_at, est_km,"
	" created_at, updated_at) VALUES (:agency, :code, 'requested', :who, :dept, :purpose,"
	" :dest, :out, :pax, :names, :start, :end, :km, :now, :now) RETURNING id";
static const char sql_set_approval[] = "UPDATE vehicle_trip SET approval_id = :ap WHERE id = :id";

#define TRIP_COLS                                                                             \
	"t.id, t.code, t.status, t.requester_id, u.display_name, t.department_id, d.name,"      \
	" t.purpose, t.destination, t.out_of_city, t.passengers, t.passenger_names, t.start_at," \
	" t.end_at, t.est_km, COALESCE(t.vehicle_id, 0), v.plate, COALESCE(t.driver_id, 0),"    \
	" du.display_name, COALESCE(t.approval_id, 0), COALESCE(t.depart_at, 0),"             \
	" COALESCE(t.depart_km, 0), COALESCE(t.return_at, 0), COALESCE(t.return_km, 0),"       \
	" COALESCE(t.fuel_litres_x100, 0), COALESCE(t.tolls_fen, 0), COALESCE(t.parking_fen, 0)," \
	" COALESCE(t.rating, 0), t.rating_comment, t.created_at, t.updated_at,"                \
	" COALESCE(t.vehicle_booking_id, 0), COALESCE(t.driver_booking_id, 0), t.cancel_reason," \
	" COALESCE(v.seats, 0),"                                                               \
	" (SELECT COUNT(*) FROM trip_rating r WHERE r.trip_id = t.id),"                        \
	" (SELECT COALESCE(SUM(r.rating), 0) FROM trip_rating r WHERE r.trip_id = t.id),"      \
	" (SELECT COUNT(*) FROM trip_passenger p WHERE p.trip_id = t.id AND p.user_id = :me)," \
	" (SELECT COUNT(*) FROM trip_rating r WHERE r.trip_id = t.id AND r.user_id = :me)"
#define TRIP_FROM                                                                 \
	" FROM vehicle_trip t JOIN app_user u ON u.id = t.requester_id"           \
	" JOIN department d ON d.id = t.department_id"                            \
	" LEFT JOIN vehicle v ON v.id = t.vehicle_id"                             \
	" LEFT JOIN app_user du ON du.id = t.driver_id"
/* a passenger named by the trip (:me, :mine): sees and rates it like its requester */
#define TRIP_RIDER(who) " EXISTS (SELECT 1 FROM trip_passenger p WHERE p.trip_id = t.id" \
	" AND p.user_id = " who ")"
/* scope, the one rule: :all, else the requester (:me), the department (:dept, -1 none), the
 * driver or a passenger (:me) */
#define TRIP_WHERE                                                                            \
	" WHERE t.agency_id = :agency AND (:status IS NULL OR t.status = :status)"             \
	" AND (:all = 1 OR t.requester_id = :me OR t.department_id = :dept OR t.driver_id = :me" \
	" OR" TRIP_RIDER(":me") ")"                                                             \
	" AND (:mine = 0 OR t.requester_id = :mine OR t.driver_id = :mine OR" TRIP_RIDER(":mine") ")" \
	" AND (:drv = 0 OR (t.driver_id = :drv AND t.status IN ('dispatched', 'on_trip')))"     \
	" AND (:fdept = 0 OR t.department_id = :fdept)"                                         \
	" AND (:from = 0 OR t.start_at >= :from) AND (:to = 0 OR t.start_at < :to)"            \
	" AND (:q IS NULL OR t.code LIKE :q ESCAPE '\\' OR t.purpose LIKE :q ESCAPE '\\'"       \
	" OR t.destination LIKE :q ESCAPE '\\') AND (:id = 0 OR t.id = :id)"
static const char sql_list[] =
	"SELECT " TRIP_COLS TRIP_FROM TRIP_WHERE
	" ORDER BY t.start_at DESC, t.id DESC LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*) FROM vehicle_trip t" TRIP_WHERE;

/* ---------- input ---------- */

static void
check_texts(const struct trip_in *in, struct err *e)
{
	if (!in->purpose || !in->purpose[0])
		err_field(e, "purpose", "请填写用车事由");
	if (!in->destination || !in->destination[0])
		err_field(e, "destination", "请填写目的地");
	if (in->passengers < 1 || in->passengers > TRIP_PASSENGERS_MAX)
		err_field(e, "passengers", "乘车人数应为 1 到 %d", TRIP_PASSENGERS_MAX);
	if (in->est_km < 0 || in->est_km > TRIP_KM_MAX)
		err_field(e, "est_km", "预计里程应为 0 到 %d 公里", TRIP_KM_MAX);
}

static int
check_input(const struct trip_in *in, struct err *e)
{
	check_texts(in, e);
	if (!in->start_at)
		err_field(e, "start_at", "请填写出发时间");
	else if (in->start_at < now_ms() - TRIP_PAST_SLACK_MS)
		err_field(e, "start_at", "出发时间不能早于现在");
	if (!in->end_at)
		err_field(e, "end_at", "请填写返回时间");
	else if (in->start_at && in->end_at <= in->start_at)
		err_field(e, "end_at", "返回时间应晚于出发时间");
	else if (in->start_at && in->end_at - in->start_at > (int64_t)TRIP_DAYS_MAX * DAY_MS)
		err_field(e, "end_at", "单次用车不能超过 %d 天", TRIP_DAYS_MAX);
	return err_fields_done(e);
}

/*
** The approval engine routes by an amount range only, so the trip's attributes
** become an amount: 0 for an in-city trip within one Shanghai day on workdays
** (the department head decides), 1 for out-of-city, overnight (ends on a later
** Shanghai day) or any day of it a holiday or weekend (calendar): the rule for
** [1, ∞) adds the leader. The office may edit both rules (/approvals/rules).
*/
int
trip_route_amount(struct db *db, struct arena *a, int64_t agency, const struct trip_in *in,
		  int64_t *amount, struct err *e)
{
	int from = cal_local_date(in->start_at), to = cal_local_date(in->end_at - 1);
	struct cal cal;

	*amount = in->out_of_city || to > from;
	if (*amount)
		return 0;
	if (cal_load_agency(db, a, agency, &cal, e))
		return e->code;
	*amount = !cal_is_workday(&cal, from);
	return 0;
}

static int
insert_trip(struct db *db, const struct actor *who, const struct trip_in *in, const char *code,
	    int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":code", code, e) || db_bind_i64(&st, ":who", who->id, e) ||
		 db_bind_i64(&st, ":dept", who->department_id, e) ||
		 db_bind_text(&st, ":purpose", in->purpose, e) ||
		 db_bind_text(&st, ":dest", in->destination, e) ||
		 db_bind_i64(&st, ":out", !!in->out_of_city, e) ||
		 db_bind_i64(&st, ":pax", in->passengers, e) ||
		 db_bind_text(&st, ":names", in->passenger_names && in->passenger_names[0]
						     ? in->passenger_names : NULL, e) ||
		 db_bind_i64(&st, ":start", in->start_at, e) ||
		 db_bind_i64(&st, ":end", in->end_at, e) || db_bind_i64(&st, ":km", in->est_km, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
submit(struct db *db, struct arena *a, const struct actor *who, const struct trip_in *in,
       int64_t id, const char *code, struct err *e)
{
	struct appr_submit s = { .kind = "vehicle_trip", .entity = "vehicle_trip", .entity_id = id,
				 .title = arena_printf(a, "用车 %s：%s", code, in->destination),
				 .reason = in->purpose };
	struct stmt st = { 0 };
	int64_t ap = 0;
	int rc;

	if (!s.title)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = trip_route_amount(db, a, who->agency_id, in, &s.amount_fen, e) ||
	     appr_submit(db, who, &s, &ap, e) || db_prepare(db, &st, sql_set_approval, e) ||
	     db_bind_i64(&st, ":ap", ap, e) || db_bind_i64(&st, ":id", id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

/* The record of a request: the trip and the colleagues it names. */
static json_t *
created_json(const struct trip *t)
{
	json_t *j = trip_json(t);

	if (j && json_object_set_new(j, "passenger_list", trip_riders_json(t)))
		return json_decref(j), NULL;
	return j;
}

int
trip_create(struct db *db, struct arena *a, const struct actor *who, const struct trip_in *in,
	    struct trip *out, struct err *e)
{
	const char *code = NULL;
	int64_t id = 0;

	assert(db_in_tx(db));
	if (!who->id || !who->department_id)
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有部门人员可以申请用车");
	if (check_input(in, e) || trip_riders_check(db, a, who, in, e) ||
	    code_yearly(db, a, who->agency_id, "YC", cal_local_date(now_ms()) / 10000, &code, e) ||
	    insert_trip(db, who, in, code, &id, e) ||
	    trip_riders_save(db, who, id, in, e) || submit(db, a, who, in, id, code, e) ||
	    trip_row(db, a, who->agency_id, id, out, e) || trip_riders_load(db, a, out, e))
		return e->code;
	return aud_record(db, who, "create", "vehicle_trip", id, NULL, jarena(a, created_json(out)),
			  e);
}

/* ---------- reading ---------- */

static void
row_fill(struct stmt *st, struct arena *a, void *item)
{
	struct trip *t = item;

	memset(t, 0, sizeof(*t));
	t->id = db_col_i64(st, 0);
	t->code = db_col_text(st, a, 1);
	t->status = db_col_text(st, a, 2);
	t->requester_id = db_col_i64(st, 3);
	t->requester_name = db_col_text(st, a, 4);
	t->department_id = db_col_i64(st, 5);
	t->department_name = db_col_text(st, a, 6);
	t->purpose = db_col_text(st, a, 7);
	t->destination = db_col_text(st, a, 8);
	t->out_of_city = (int)db_col_i64(st, 9);
	t->passengers = db_col_i64(st, 10);
	t->passenger_names = db_col_text(st, a, 11);
	t->start_at = db_col_i64(st, 12);
	t->end_at = db_col_i64(st, 13);
	t->est_km = db_col_i64(st, 14);
	t->vehicle_id = db_col_i64(st, 15);
	t->plate = db_col_text(st, a, 16);
	t->driver_id = db_col_i64(st, 17);
	t->driver_name = db_col_text(st, a, 18);
	t->approval_id = db_col_i64(st, 19);
	t->depart_at = db_col_i64(st, 20);
	t->depart_km = db_col_i64(st, 21);
	t->return_at = db_col_i64(st, 22);
	t->return_km = db_col_i64(st, 23);
	t->fuel_litres_x100 = db_col_i64(st, 24);
	t->tolls_fen = db_col_i64(st, 25);
	t->parking_fen = db_col_i64(st, 26);
	t->rating = db_col_i64(st, 27);
	t->rating_comment = db_col_text(st, a, 28);
	t->created_at = db_col_i64(st, 29);
	t->updated_at = db_col_i64(st, 30);
	t->vehicle_booking_id = db_col_i64(st, 31);
	t->driver_booking_id = db_col_i64(st, 32);
	t->cancel_reason = db_col_text(st, a, 33);
	t->vehicle_seats = db_col_i64(st, 34);
	t->ratings = db_col_i64(st, 35);
	t->rating_sum = db_col_i64(st, 36);
	t->me_passenger = db_col_i64(st, 37) > 0;
	t->me_rated = db_col_i64(st, 38) > 0;
}

static int
reads_all(const struct actor *who)
{
	return actor_has(who, ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR);
}

static int
bind_filter(struct stmt *st, struct arena *a, const struct actor *who,
	    const struct trip_filter *f, int scoped, int64_t id, struct err *e)
{
	int all = !scoped || reads_all(who);
	int64_t dept = !all && actor_has(who, ROLE_DEPT_HEAD) ? who->department_id : -1;

	return db_bind_i64(st, ":agency", who->agency_id, e) ||
	       db_bind_text(st, ":status", f->status, e) || db_bind_i64(st, ":all", all, e) ||
	       db_bind_i64(st, ":me", who->id, e) || db_bind_i64(st, ":dept", dept, e) ||
	       db_bind_i64(st, ":mine", f->mine ? who->id : 0, e) ||
	       db_bind_i64(st, ":drv", f->driver_id, e) ||
	       db_bind_i64(st, ":fdept", f->department_id, e) ||
	       db_bind_i64(st, ":from", f->from, e) || db_bind_i64(st, ":to", f->to, e) ||
	       db_bind_text(st, ":q", f->q && f->q[0] ? db_like_pattern(a, f->q) : NULL, e) ||
	       db_bind_i64(st, ":id", id, e) ? e->code : 0;
}

static int
query(struct db *db, struct arena *a, const struct actor *who, const struct trip_filter *f,
      int scoped, int64_t id, struct trip **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || bind_filter(&st, a, who, f, scoped, id, e) ||
		 db_bind_i64(&st, ":limit", f->limit, e) ||
		 db_bind_i64(&st, ":offset", f->offset, e) ||
		 db_read_rows(&st, a, sizeof(**items), row_fill, (void **)items, n, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
trip_list(struct db *db, struct arena *a, const struct actor *who,
	  const struct trip_filter *f, struct trip **items, size_t *n, int64_t *total,
	  struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) || bind_filter(&st, a, who, f, 1, 0, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	*n = 0;
	if (!rc && f->limit > 0)
		rc = query(db, a, who, f, 1, 0, items, n, e);
	for (size_t i = 0; !rc && i < *n; i++)
		trip_set_can(who, &(*items)[i]);
	return rc;
}

int
trip_row_for(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct trip *out, struct err *e)
{
	struct trip_filter f = { .limit = 1 };
	struct trip *items;
	size_t n = 0;

	if (id > 0 && query(db, a, who, &f, 0, id, &items, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "用车申请不存在");
	*out = items[0];
	return 0;
}

int
trip_row(struct db *db, struct arena *a, int64_t agency, int64_t id, struct trip *out,
	 struct err *e)
{
	struct actor sys = { .agency_id = agency };

	return trip_row_for(db, a, &sys, id, out, e);
}

/* Trip id as who may see it: in who's scope, or as one of its approvers. */
static int
visible_row(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    struct trip *out, struct err *e)
{
	struct trip_filter f = { .limit = 1 };
	struct approval ap;
	struct trip *items;
	size_t n = 0;

	if (id > 0 && query(db, a, who, &f, 1, id, &items, &n, e))
		return e->code;
	if (n == 1) {
		*out = items[0];
		return 0;
	}
	if (trip_row(db, a, who->agency_id, id, out, e))
		return e->code;
	if (out->approval_id && appr_get(db, a, who, out->approval_id, &ap, e) == 0)
		return 0;
	if (e->code != ERR_NOT_FOUND)
		return e->code;
	return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "用车申请不存在");
}

int
trip_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct err *e)
{
	struct trip t;

	return visible_row(db, a, who, id, &t, e);
}

/* The approval with its steps; one who sees the trip but not the approval reads it too. */
static int
load_approval(struct db *db, struct arena *a, const struct actor *who, struct trip *t,
	      struct err *e)
{
	if (!t->approval_id)
		return 0;
	t->appr = arena_alloc(a, sizeof(*t->appr));
	if (!t->appr)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return appr_get_for_record(db, a, who, t->approval_id, t->appr, e);
}

int
trip_get(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct trip *out,
	 struct err *e)
{
	if (visible_row(db, a, who, id, out, e) || load_approval(db, a, who, out, e) ||
	    seal_overrides_of(db, a, who->agency_id, id, &out->seal_ovr, &out->nseal_ovr, e) ||
	    trip_riders_load(db, a, out, e))
		return e->code;
	trip_set_can(who, out);
	return 0;
}

/* ---------- JSON ---------- */

static json_t *
opt_int(int set, int64_t v)
{
	return set ? json_integer(v) : json_null();
}

static json_t *
can_json(const struct trip *t)
{
	return json_pack("{sb sb sb sb sb}", "dispatch", t->can.dispatch, "depart", t->can.depart,
			 "return", t->can.ret, "cancel", t->can.cancel, "rate", t->can.rate);
}

/* The mean of every rating, one decimal rounded half up (as the monthly report shows it). */
static json_t *
rating_avg(const struct trip *t)
{
	if (!t->ratings)
		return json_null();
	return json_real((double)((t->rating_sum * 10 + t->ratings / 2) / t->ratings) / 10.0);
}

static json_t *
log_json(const struct trip *t)
{
	int back = t->return_at != 0;

	return json_pack("{so so so so so so so so so so sI}", "depart_at", jtime(t->depart_at),
			 "depart_km", opt_int(t->depart_at != 0, t->depart_km), "return_at",
			 jtime(t->return_at), "return_km", opt_int(back, t->return_km),
			 "fuel_litres_x100", opt_int(back, t->fuel_litres_x100), "tolls_fen",
			 opt_int(back, t->tolls_fen), "parking_fen", opt_int(back, t->parking_fen),
			 "rating", opt_int(t->rating != 0, t->rating), "rating_comment",
			 jstr_or_null(t->rating_comment), "rating_avg", rating_avg(t), "ratings",
			 (json_int_t)t->ratings);
}

json_t *
trip_json(const struct trip *t)
{
	json_t *j = json_pack(
		"{sI ss ss sI ss sI ss ss ss sb sI so so so sI so so so so so so so so}", "id",
		(json_int_t)t->id, "code", t->code, "status", t->status, "requester_id",
		(json_int_t)t->requester_id, "requester_name", t->requester_name, "department_id",
		(json_int_t)t->department_id, "department_name", t->department_name, "purpose",
		t->purpose, "destination", t->destination, "out_of_city", t->out_of_city,
		"passengers", (json_int_t)t->passengers, "passenger_names",
		jstr_or_null(t->passenger_names), "start_at", jtime(t->start_at), "end_at",
		jtime(t->end_at), "est_km", (json_int_t)t->est_km, "vehicle_id",
		jid_or_null(t->vehicle_id), "plate", jstr_or_null(t->plate), "driver_id",
		jid_or_null(t->driver_id), "driver_name", jstr_or_null(t->driver_name),
		"approval_id", jid_or_null(t->approval_id), "created_at", jtime(t->created_at),
		"updated_at", jtime(t->updated_at), "cancel_reason", jstr_or_null(t->cancel_reason));

	if (j && (json_object_update_new(j, log_json(t)) ||
		  json_object_set_new(j, "can", can_json(t))))
		return json_decref(j), NULL;
	return j;
}

json_t *
trip_detail_json(const struct trip *t)
{
	json_t *j = trip_json(t);

	if (j && (json_object_set_new(j, "approval", t->appr ? appr_json(t->appr) : json_null()) ||
		  json_object_set_new(j, "seal_overrides",
				      seal_overrides_json(t->seal_ovr, t->nseal_ovr)) ||
		  json_object_set_new(j, "passenger_list", trip_riders_json(t)) ||
		  json_object_set_new(j, "rating_list", trip_rates_json(t))))
		return json_decref(j), NULL;
	return j;
}
