/*
** modules/vehicles/seals.c: 节假日封存 (seals.h): seals as the office sets
** and lifts them, the seal over a window, and dispatch's check. The leader's
** override lives in seals_override.c.
*/
#include "modules/vehicles/seals.h"
#include "modules/vehicles/trips.h"
#include "modules/vehicles/vehicles.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

#define SEAL_COLS                                                                            \
	"s.id, s.vehicle_id, v.plate, s.from_date, s.to_date, s.reason, COALESCE(s.created_by, 0)," \
	" u.display_name, s.created_at, COALESCE(s.lifted_at, 0), COALESCE(s.lifted_by, 0),"    \
	" s.lift_reason"
#define SEAL_FROM                                                                \
	" FROM vehicle_seal s JOIN vehicle v ON v.id = s.vehicle_id"              \
	" LEFT JOIN app_user u ON u.id = s.created_by"
/* :active -1 any, 1 in force on :today or later, 0 lifted or over; :from/:to 0 open */
#define SEAL_WHERE                                                                             \
	" WHERE s.agency_id = :agency AND (:id = 0 OR s.id = :id)"                              \
	" AND (:veh = 0 OR s.vehicle_id = :veh)"                                                \
	" AND (:active < 0 OR (:active = 1 AND s.lifted_at IS NULL AND s.to_date >= :today)"    \
	" OR (:active = 0 AND (s.lifted_at IS NOT NULL OR s.to_date < :today)))"                \
	" AND (:from = 0 OR s.to_date >= :from) AND (:to = 0 OR s.from_date <= :to)"
static const char sql_list[] =
	"SELECT " SEAL_COLS SEAL_FROM SEAL_WHERE
	" ORDER BY s.from_date DESC, v.plate, s.id LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*) FROM vehicle_seal s" SEAL_WHERE;
/* the first seal in force of a vehicle touching [:from, :to] */
static const char sql_find[] =
	"SELECT " SEAL_COLS SEAL_FROM " WHERE s.agency_id = :agency AND s.vehicle_id = :veh"
	" AND s.lifted_at IS NULL AND s.from_date <= :to AND s.to_date >= :from"
	" ORDER BY s.from_date, s.id LIMIT 1";
static const char sql_vehicle[] =
	"SELECT id FROM vehicle WHERE id = :id AND agency_id = :agency";
static const char sql_all_vehicles[] =
	"SELECT id FROM vehicle WHERE agency_id = :agency AND status <> 'retired' ORDER BY plate, id";
static const char sql_insert[] =
	"INSERT INTO vehicle_seal (agency_id, vehicle_id, from_date, to_date, reason, created_by,"
	" created_at) VALUES (:agency, :veh, :from, :to, :reason, :by, :now) RETURNING id";
static const char sql_lift[] =
	"UPDATE vehicle_seal SET lifted_at = :now, lifted_by = :by, lift_reason = :reason"
	" WHERE id = :id AND agency_id = :agency AND lifted_at IS NULL";

/* ---------- reading ---------- */

static void
row_fill(struct stmt *st, struct arena *a, void *item)
{
	struct veh_seal *s = item;

	memset(s, 0, sizeof(*s));
	s->id = db_col_i64(st, 0);
	s->vehicle_id = db_col_i64(st, 1);
	s->plate = db_col_text(st, a, 2);
	s->from_date = (int)db_col_i64(st, 3);
	s->to_date = (int)db_col_i64(st, 4);
	s->reason = db_col_text(st, a, 5);
	s->created_by = db_col_i64(st, 6);
	s->created_by_name = db_col_text(st, a, 7);
	s->created_at = db_col_i64(st, 8);
	s->lifted_at = db_col_i64(st, 9);
	s->lifted_by = db_col_i64(st, 10);
	s->lift_reason = db_col_text(st, a, 11);
}

static int
bind_filter(struct stmt *st, int64_t agency, const struct seal_filter *f, int64_t id,
	    struct err *e)
{
	return db_bind_i64(st, ":agency", agency, e) || db_bind_i64(st, ":id", id, e) ||
	       db_bind_i64(st, ":veh", f->vehicle_id, e) ||
	       db_bind_i64(st, ":active", f->active, e) ||
	       db_bind_i64(st, ":today", cal_local_date(now_ms()), e) ||
	       db_bind_i64(st, ":from", f->from_date, e) || db_bind_i64(st, ":to", f->to_date, e)
		       ? e->code : 0;
}

static int
query(struct db *db, struct arena *a, int64_t agency, const struct seal_filter *f, int64_t id,
      struct veh_seal **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || bind_filter(&st, agency, f, id, e) ||
		 db_bind_i64(&st, ":limit", f->limit, e) ||
		 db_bind_i64(&st, ":offset", f->offset, e) ||
		 db_read_rows(&st, a, sizeof(**items), row_fill, (void **)items, n, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
seal_list(struct db *db, struct arena *a, const struct actor *who, const struct seal_filter *f,
	  struct veh_seal **items, size_t *n, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) || bind_filter(&st, who->agency_id, f, 0, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	*n = 0;
	if (!rc && f->limit > 0)
		rc = query(db, a, who->agency_id, f, 0, items, n, e);
	return rc;
}

static int
seal_row(struct db *db, struct arena *a, int64_t agency, int64_t id, struct veh_seal *out,
	 struct err *e)
{
	struct seal_filter f = { .active = -1, .limit = 1 };
	struct veh_seal *items;
	size_t n = 0;

	if (id > 0 && query(db, a, agency, &f, id, &items, &n, e))
		return e->code;
	if (n != 1)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "封存记录不存在");
	*out = items[0];
	return 0;
}

int
seal_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct err *e)
{
	struct veh_seal s;

	return seal_row(db, a, who->agency_id, id, &s, e);
}

int
seal_find(struct db *db, struct arena *a, int64_t agency, int64_t vehicle_id, int from_date,
	  int to_date, struct veh_seal *out, int *found, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_find, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":veh", vehicle_id, e) || db_bind_i64(&st, ":from", from_date, e) ||
		 db_bind_i64(&st, ":to", to_date, e) ? e->code : db_step(&st, e);

	*found = rc == 1;
	if (*found)
		row_fill(&st, a, out);
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* dispatched trips of a vehicle touching [:since, :until) without an approved override */
static const char sql_hits[] =
	"SELECT t.id, t.vehicle_id, t.start_at, t.code, v.plate FROM vehicle_trip t"
	" JOIN vehicle v ON v.id = t.vehicle_id WHERE t.agency_id = :agency AND t.vehicle_id = :veh"
	" AND t.status = 'dispatched' AND t.start_at < :until AND t.end_at > :since"
	" AND NOT EXISTS (SELECT 1 FROM vehicle_seal_override o WHERE o.trip_id = t.id"
	" AND o.vehicle_id = t.vehicle_id AND o.status = 'approved') ORDER BY t.start_at, t.id";

static int
hits_of(struct db *db, struct arena *a, int64_t agency, const struct veh_seal *s,
	struct seal_hit **out, size_t *n, size_t *cap, struct err *e)
{
	int64_t since = date_to_days(s->from_date) * DAY_MS - SHANGHAI_OFFSET_MS;
	int64_t until = (date_to_days(s->to_date) + 1) * DAY_MS - SHANGHAI_OFFSET_MS;
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_hits, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":veh", s->vehicle_id, e) || db_bind_i64(&st, ":since", since, e) ||
		 db_bind_i64(&st, ":until", until, e) ? e->code : 0;

	while (!rc && (rc = db_step(&st, e)) == 1) {
		struct seal_hit *v = arena_grow(a, *out, *n, cap, sizeof(*v));

		if (!v) {
			rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
			break;
		}
		*out = v;
		v[*n].trip_id = db_col_i64(&st, 0);
		v[*n].vehicle_id = db_col_i64(&st, 1);
		v[*n].start_at = db_col_i64(&st, 2);
		v[*n].code = db_col_text(&st, a, 3);
		v[(*n)++].plate = db_col_text(&st, a, 4);
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
seal_hits(struct db *db, struct arena *a, int64_t agency, const struct veh_seal *seals, size_t n,
	  struct seal_hit **out, size_t *nout, struct err *e)
{
	size_t cap = 0;

	*nout = 0;
	*out = arena_grow(a, NULL, 0, &cap, sizeof(**out));
	if (!*out)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (hits_of(db, a, agency, &seals[i], out, nout, &cap, e))
			return e->code;
	return 0;
}

/* ---------- dispatch's check ---------- */

int
seal_check_dispatch(struct db *db, struct arena *a, const struct actor *who,
		    const struct trip *t, int64_t vehicle_id, struct err *e)
{
	char from[11], to[11];
	struct veh_seal s;
	int found = 0, yes = 0;

	if (seal_find(db, a, who->agency_id, vehicle_id, cal_local_date(t->start_at),
		      cal_local_date(t->end_at - 1), &s, &found, e))
		return e->code;
	if (!found)
		return 0;
	if (seal_override_approved(db, who->agency_id, t->id, vehicle_id, &yes, e))
		return e->code;
	if (yes)
		return 0;
	cal_format_date(s.from_date, from, sizeof(from));
	cal_format_date(s.to_date, to, sizeof(to));
	return err_setx(e, ERR_RULE, "vehicle_sealed", "vehicle_id",
			"车辆 %s 在 %s 至 %s 封存（%s），须经领导批准才能派车", s.plate, from, to,
			s.reason);
}

/* ---------- writing ---------- */

static int
vehicle_known(struct db *db, int64_t agency, int64_t id, int *known, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_vehicle, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) ? e->code : db_step(&st, e);

	*known = rc == 1;
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

/* ids[n] = id, growing ids */
static int
push(struct arena *a, int64_t **ids, size_t *n, size_t *cap, int64_t id, struct err *e)
{
	*ids = arena_grow(a, *ids, *n, cap, sizeof(**ids));
	if (!*ids)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	(*ids)[(*n)++] = id;
	return 0;
}

static int
all_vehicles(struct db *db, struct arena *a, int64_t agency, int64_t **ids, size_t *n,
	     struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_all_vehicles, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_read_rows(&st, a, sizeof(**ids), db_row_i64, (void **)ids, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* The vehicles to seal: those named (each of the agency, once), or all but the retired. */
static int
targets(struct db *db, struct arena *a, int64_t agency, const struct seal_in *in, int64_t **ids,
	size_t *n, struct err *e)
{
	size_t cap = 0;
	int known;

	*n = 0;
	*ids = NULL;
	if (!in->nvehicles)
		return all_vehicles(db, a, agency, ids, n, e);
	for (size_t i = 0; i < in->nvehicles; i++) {
		size_t j = 0;

		while (j < *n && (*ids)[j] != in->vehicle_ids[i])
			j++;
		if (j < *n)
			continue;
		if (vehicle_known(db, agency, in->vehicle_ids[i], &known, e))
			return e->code;
		if (!known)
			err_field(e, "vehicle_ids", "车辆 #%lld 不存在", (long long)in->vehicle_ids[i]);
		else if (push(a, ids, n, &cap, in->vehicle_ids[i], e))
			return e->code;
	}
	return 0;
}

/* Dates of in: real, in order, not over before today, at most SEAL_DAYS_MAX days. */
static void
check_dates(const struct seal_in *in, int *from, int *to, struct err *e)
{
	int bad_from = cal_parse_date(in->from, from) != 0;

	if (bad_from)
		err_field(e, "from", "日期格式应为 YYYY-MM-DD");
	if (cal_parse_date(in->to, to))
		err_field(e, "to", "日期格式应为 YYYY-MM-DD");
	else if (!bad_from && *to < *from)
		err_field(e, "to", "结束日期不能早于开始日期");
	else if (*to < cal_local_date(now_ms()))
		err_field(e, "to", "封存的结束日期不能早于今天");
	else if (!bad_from && date_to_days(*to) - date_to_days(*from) >= SEAL_DAYS_MAX)
		err_field(e, "to", "一次封存不能超过 %d 天", SEAL_DAYS_MAX);
}

static int
insert_seal(struct db *db, const struct actor *who, int64_t vehicle, int from, int to,
	    const char *reason, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_i64(&st, ":veh", vehicle, e) || db_bind_i64(&st, ":from", from, e) ||
		 db_bind_i64(&st, ":to", to, e) || db_bind_text(&st, ":reason", reason, e) ||
		 db_bind_id_or_null(&st, ":by", who->id, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
invalid(struct err *e)
{
	e->code = ERR_INVALID;
	e->slug = "invalid";
	err_msg_from_field(e);
	return e->code;
}

int
seal_create(struct db *db, struct arena *a, const struct actor *who, const struct seal_in *in,
	    struct veh_seal **items, size_t *n, struct err *e)
{
	int64_t *ids, id;
	size_t nv = 0;
	int from = 0, to = 0;

	assert(db_in_tx(db));
	if (who->id && !actor_has(who, ROLE_OFFICE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以封存车辆");
	check_dates(in, &from, &to, e);
	if (!in->reason || !in->reason[0])
		err_field(e, "reason", "请填写封存原因");
	if (targets(db, a, who->agency_id, in, &ids, &nv, e))
		return e->code;
	if (!e->nfields && !nv)
		err_field(e, "vehicle_ids", "没有可封存的车辆");
	if (e->nfields)
		return invalid(e);
	*items = arena_array(a, nv, sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	for (*n = 0; *n < nv; (*n)++)
		if (insert_seal(db, who, ids[*n], from, to, in->reason, &id, e) ||
		    seal_row(db, a, who->agency_id, id, &(*items)[*n], e) ||
		    aud_record(db, who, "create", "vehicle_seal", id, NULL,
			       jarena(a, seal_json(&(*items)[*n])), e))
			return e->code;
	return 0;
}

int
seal_lift(struct db *db, struct arena *a, const struct actor *who, int64_t id, const char *reason,
	  struct veh_seal *out, struct err *e)
{
	struct stmt st = { 0 };
	struct veh_seal before;
	int rc;

	assert(db_in_tx(db));
	if (who->id && !actor_has(who, ROLE_OFFICE))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "只有办公室可以封存车辆");
	if (seal_row(db, a, who->agency_id, id, &before, e))
		return e->code;
	if (before.lifted_at)
		return err_setx(e, ERR_CONFLICT, "already_lifted", NULL, "封存已解除");
	if (before.to_date < cal_local_date(now_ms()))
		return err_setx(e, ERR_RULE, "seal_ended", NULL, "封存已到期，无需解除");
	rc = db_prepare(db, &st, sql_lift, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_id_or_null(&st, ":by", who->id, e) ||
	     db_bind_text(&st, ":reason", reason && reason[0] ? reason : NULL, e) ||
	     db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && db_changes(db) != 1)
		return err_setx(e, ERR_CONFLICT, "already_lifted", NULL, "封存已解除");
	return rc || seal_row(db, a, who->agency_id, id, out, e) ||
	       aud_record(db, who, "lift", "vehicle_seal", id, jarena(a, seal_json(&before)),
			  jarena(a, seal_json(out)), e) ? e->code : 0;
}

json_t *
seal_json(const struct veh_seal *s)
{
	int today = cal_local_date(now_ms());

	return json_pack("{sI sI ss so so ss so so so so so sb}", "id", (json_int_t)s->id,
			 "vehicle_id", (json_int_t)s->vehicle_id, "plate", s->plate ? s->plate : "",
			 "from", jdate(s->from_date), "to", jdate(s->to_date), "reason",
			 s->reason ? s->reason : "", "created_by_name",
			 jstr_or_null(s->created_by_name), "created_at", jtime(s->created_at),
			 "lifted_at", s->lifted_at ? jtime(s->lifted_at) : json_null(),
			 "lift_reason", jstr_or_null(s->lift_reason), "lifted_by",
			 jid_or_null(s->lifted_by), "active",
			 !s->lifted_at && s->to_date >= today);
}
