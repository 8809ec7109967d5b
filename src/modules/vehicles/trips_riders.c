/*
** modules/vehicles/trips_riders.c: the colleagues a trip request names as
** passengers (trip_passenger) and the trip's ratings (trip_rating; trips.h).
** A passenger reads the trip like its requester (trips.c's scope rule) and,
** once it is back, rates it once, before or after the requester; the
** requester's rating closes the trip as before and stays its own `rating`.
** Every rating counts in the trip's average and in its driver's month
** (report.c).
*/
#include "modules/vehicles/trips.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <string.h>

static const char sql_user[] =
	"SELECT id FROM app_user WHERE id = :id AND agency_id = :agency AND active = 1"
	" AND deleted_at IS NULL";
static const char sql_add[] =
	"INSERT INTO trip_passenger (agency_id, trip_id, user_id, created_at)"
	" VALUES (:agency, :trip, :user, :now)";
static const char sql_riders[] =
	"SELECT p.user_id, u.display_name FROM trip_passenger p JOIN app_user u ON u.id = p.user_id"
	" WHERE p.trip_id = :trip ORDER BY u.display_name, p.user_id";
static const char sql_rates[] =
	"SELECT r.user_id, u.display_name, r.rating, r.comment, r.created_at FROM trip_rating r"
	" JOIN app_user u ON u.id = r.user_id WHERE r.trip_id = :trip ORDER BY r.created_at, r.id";
/* once per person: a second (or a concurrent) rating inserts nothing */
static const char sql_rate[] =
	"INSERT INTO trip_rating (agency_id, trip_id, user_id, rating, comment, created_at)"
	" VALUES (:agency, :trip, :user, :rating, :comment, :now)"
	" ON CONFLICT (trip_id, user_id) DO NOTHING";
static const char sql_close[] =
	"UPDATE vehicle_trip SET status = 'closed', rating = :rating, rating_comment = :comment,"
	" updated_at = :now WHERE id = :id AND status = 'returned'";

/* ---------- a request's passengers ---------- */

static int
active_user(struct db *db, int64_t agency, int64_t id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_user, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (rc == ERR_NOT_FOUND) {
		err_clear(e);
		return err_setx(e, ERR_INVALID, "invalid", "passenger_ids",
				"乘车人须为本单位在职人员（编号 %lld）", (long long)id);
	}
	return rc;
}

int
trip_riders_check(struct db *db, struct arena *a, const struct actor *who,
		  const struct trip_in *in, struct err *e)
{
	size_t n = in->npassenger_ids;

	(void)a;
	if (n > (size_t)in->passengers)
		return err_setx(e, ERR_INVALID, "invalid", "passenger_ids",
				"乘车人不能多于乘车人数（%lld 人）", (long long)in->passengers);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < i; k++)
			if (in->passenger_ids[i] == in->passenger_ids[k])
				return err_setx(e, ERR_INVALID, "invalid", "passenger_ids",
						"乘车人重复");
	for (size_t i = 0; i < n; i++)
		if (active_user(db, who->agency_id, in->passenger_ids[i], e))
			return e->code;
	return 0;
}

int
trip_riders_save(struct db *db, const struct actor *who, int64_t trip_id,
		 const struct trip_in *in, struct err *e)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < in->npassenger_ids; i++) {
		struct stmt st = { 0 };

		rc = db_prepare(db, &st, sql_add, e) ||
		     db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_i64(&st, ":trip", trip_id, e) ||
		     db_bind_i64(&st, ":user", in->passenger_ids[i], e) ||
		     db_bind_i64(&st, ":now", now_ms(), e) || db_step_done(&st, e) ? e->code : 0;
		db_finalize(&st);
	}
	return rc;
}

/* ---------- reading ---------- */

static void
rider_row(struct stmt *st, struct arena *a, void *item)
{
	*(struct trip_rider *)item = (struct trip_rider){ db_col_i64(st, 0), db_col_text(st, a, 1) };
}

static int
load_riders(struct db *db, struct arena *a, struct trip *t, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_riders, e) || db_bind_i64(&st, ":trip", t->id, e) ||
		 db_read_rows(&st, a, sizeof(*t->riders), rider_row, (void **)&t->riders, &t->nriders,
			      e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static void
rate_row(struct stmt *st, struct arena *a, void *item)
{
	*(struct trip_rating *)item = (struct trip_rating){ .user_id = db_col_i64(st, 0),
		.name = db_col_text(st, a, 1), .rating = db_col_i64(st, 2),
		.comment = db_col_text(st, a, 3), .created_at = db_col_i64(st, 4) };
}

static int
load_rates(struct db *db, struct arena *a, struct trip *t, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_rates, e) || db_bind_i64(&st, ":trip", t->id, e) ||
		 db_read_rows(&st, a, sizeof(*t->rates), rate_row, (void **)&t->rates, &t->nrates, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
trip_riders_load(struct db *db, struct arena *a, struct trip *t, struct err *e)
{
	return load_riders(db, a, t, e) || load_rates(db, a, t, e) ? e->code : 0;
}

json_t *
trip_riders_json(const struct trip *t)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < t->nriders; i++)
		if (json_array_append_new(arr, json_pack("{sI ss}", "id",
							 (json_int_t)t->riders[i].user_id, "name",
							 t->riders[i].name ? t->riders[i].name : "")))
			return json_decref(arr), NULL;
	return arr;
}

json_t *
trip_rates_json(const struct trip *t)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < t->nrates; i++) {
		const struct trip_rating *r = &t->rates[i];

		if (json_array_append_new(arr, json_pack("{sI ss sI so so}", "user_id",
							 (json_int_t)r->user_id, "name",
							 r->name ? r->name : "", "rating",
							 (json_int_t)r->rating, "comment",
							 jstr_or_null(r->comment), "created_at",
							 jtime(r->created_at))))
			return json_decref(arr), NULL;
	}
	return arr;
}

/* ---------- rating ---------- */

static int
add_rating(struct db *db, const struct actor *who, int64_t id, int64_t rating,
	   const char *comment, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_rate, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":trip", id, e) || db_bind_i64(&st, ":user", who->id, e) ||
		 db_bind_i64(&st, ":rating", rating, e) || db_bind_text(&st, ":comment", comment, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc && db_changes(db) != 1)
		return err_setx(e, ERR_CONFLICT, "already_rated", NULL, "您已评价过这次用车");
	return rc;
}

/* The requester's rating closes the trip (only if still returned: a concurrent one is 409). */
static int
close_trip(struct db *db, int64_t id, int64_t rating, const char *comment, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_close, e) || db_bind_i64(&st, ":rating", rating, e) ||
		 db_bind_text(&st, ":comment", comment, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_bind_i64(&st, ":id", id, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc && db_changes(db) != 1)
		return err_setx(e, ERR_CONFLICT, "stale", NULL, "用车申请已被他人处理，请刷新");
	return rc;
}

/*
** The requester or a passenger rates a trip that is back, once each (409
** already_rated; 409 illegal_transition before the return). The record says
** who rated (its actor) and what they gave.
*/
int
trip_rate(struct db *db, struct arena *a, const struct actor *who, int64_t id, int64_t rating,
	  const char *comment, struct err *e)
{
	struct trip t;

	if (rating < 1 || rating > 5)
		return err_setx(e, ERR_INVALID, "invalid", "rating", "评分应为 1 到 5");
	if (comment && !comment[0])
		comment = NULL;
	if (trip_load(db, a, who, id, TRIP_A_RATE, &t, e) ||
	    add_rating(db, who, id, rating, comment, e))
		return e->code;
	if (who->id == t.requester_id && strcmp(t.status, "returned") == 0 &&
	    close_trip(db, id, rating, comment, e))
		return e->code;
	return trip_record_x(db, a, who, &t, "rate",
			     json_pack("{sI so}", "given_rating", (json_int_t)rating,
				       "given_comment", jstr_or_null(comment)), e);
}

/* ---------- the invitation ---------- */

int
trip_invite_raters(struct db *db, struct arena *a, const struct actor *who,
		   const struct trip *t, struct err *e)
{
	struct trip r = { .id = t->id };

	if (load_riders(db, a, &r, e))
		return e->code;
	for (size_t i = 0; i < r.nriders; i++)
		if (trip_tell(db, a, who, r.riders[i].user_id, "trip.rate_invite",
			      "您乘坐的用车已还车，请评价", t, e))
			return e->code;
	return 0;
}
