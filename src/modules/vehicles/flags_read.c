/*
** modules/vehicles/flags_read.c: the flags as the supervisor reads them (with a
** Chinese one-liner built from each flag's evidence) and the 核查 that marks
** one reviewed (flags.h). Every flag of the agency is read by the office,
** leaders and supervisors alike (the route's roles); none is hidden by department.
*/
#include "modules/vehicles/flags.h"
#include "modules/vehicles/vehicles.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/notify.h"
#include "db/db.h"

#include <string.h>

#define FLAG_COLS                                                                          \
	"f.id, f.kind, f.vehicle_id, v.plate, COALESCE(f.driver_id, 0), du.display_name,"    \
	" COALESCE(f.trip_id, 0), t.code, COALESCE(f.cost_id, 0), f.occurred_at, f.evidence," \
	" COALESCE(f.reviewed_at, 0), ru.display_name, f.review_note"
#define FLAG_FROM                                                        \
	" FROM trip_flag f JOIN vehicle v ON v.id = f.vehicle_id"        \
	" LEFT JOIN app_user du ON du.id = f.driver_id"                  \
	" LEFT JOIN vehicle_trip t ON t.id = f.trip_id"                  \
	" LEFT JOIN app_user ru ON ru.id = f.reviewed_by"
#define FLAG_WHERE                                                                          \
	" WHERE f.agency_id = :agency AND (:kind IS NULL OR f.kind = :kind)"                 \
	" AND (:veh = 0 OR f.vehicle_id = :veh) AND (:drv = 0 OR f.driver_id = :drv)"        \
	" AND (:from = 0 OR f.occurred_at >= :from) AND (:to = 0 OR f.occurred_at < :to)"    \
	" AND (:rev < 0 OR (:rev = 1 AND f.reviewed_at IS NOT NULL)"                         \
	" OR (:rev = 0 AND f.reviewed_at IS NULL)) AND (:id = 0 OR f.id = :id)"
static const char sql_list[] =
	"SELECT " FLAG_COLS FLAG_FROM FLAG_WHERE
	" ORDER BY f.occurred_at DESC, f.id DESC LIMIT :limit OFFSET :offset";
static const char sql_count[] = "SELECT COUNT(*) FROM trip_flag f" FLAG_WHERE;
static const char sql_review[] =
	"UPDATE trip_flag SET reviewed_at = :now, reviewed_by = :who, review_note = :note"
	" WHERE id = :id AND agency_id = :agency AND reviewed_at IS NULL";

static void
row_fill(struct stmt *st, struct arena *a, void *item)
{
	struct trip_flag *f = item;

	f->id = db_col_i64(st, 0);
	f->kind = db_col_text(st, a, 1);
	f->vehicle_id = db_col_i64(st, 2);
	f->plate = db_col_text(st, a, 3);
	f->driver_id = db_col_i64(st, 4);
	f->driver_name = db_col_text(st, a, 5);
	f->trip_id = db_col_i64(st, 6);
	f->trip_code = db_col_text(st, a, 7);
	f->cost_id = db_col_i64(st, 8);
	f->occurred_at = db_col_i64(st, 9);
	f->evidence = db_col_text(st, a, 10);
	f->reviewed_at = db_col_i64(st, 11);
	f->reviewed_by_name = db_col_text(st, a, 12);
	f->review_note = db_col_text(st, a, 13);
}

static int
bind_filter(struct stmt *st, const struct actor *who, const struct flag_filter *f, int64_t id,
	    struct err *e)
{
	return db_bind_i64(st, ":agency", who->agency_id, e) ||
	       (f->kind ? db_bind_text(st, ":kind", f->kind, e) : db_bind_null(st, ":kind", e)) ||
	       db_bind_i64(st, ":veh", f->vehicle_id, e) || db_bind_i64(st, ":drv", f->driver_id, e) ||
	       db_bind_i64(st, ":from", f->from, e) || db_bind_i64(st, ":to", f->to, e) ||
	       db_bind_i64(st, ":rev", f->reviewed, e) || db_bind_i64(st, ":id", id, e) ? e->code : 0;
}

static int
count(struct db *db, const struct actor *who, const struct flag_filter *f, int64_t *total,
      struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_count, e) || bind_filter(&st, who, f, 0, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
query(struct db *db, struct arena *a, const struct actor *who, const struct flag_filter *f,
      int64_t id, struct trip_flag **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || bind_filter(&st, who, f, id, e) ||
		 db_bind_i64(&st, ":limit", f->limit, e) ||
		 db_bind_i64(&st, ":offset", f->offset, e) ||
		 db_read_rows(&st, a, sizeof(**items), row_fill, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
flag_list(struct db *db, struct arena *a, const struct actor *who, const struct flag_filter *f,
	  struct trip_flag **items, size_t *n, int64_t *total, struct err *e)
{
	return count(db, who, f, total, e) || query(db, a, who, f, 0, items, n, e) ? e->code : 0;
}

int
flag_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	 struct trip_flag *out, struct err *e)
{
	struct flag_filter f = { .reviewed = -1, .limit = 1 };
	struct trip_flag *items;
	size_t n;

	if (query(db, a, who, &f, id, &items, &n, e))
		return e->code;
	if (!n)
		return err_setx(e, ERR_NOT_FOUND, "flag_not_found", NULL, "没有这条异常记录");
	*out = items[0];
	return 0;
}

int
flag_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id, struct err *e)
{
	struct trip_flag f;

	if (!actor_has(who, VEH_OVERSEERS))
		return err_setx(e, ERR_NOT_FOUND, "flag_not_found", NULL, "没有这条异常记录");
	return flag_get(db, a, who, id, &f, e);
}

int
flag_review(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	    const char *note, struct trip_flag *out, struct err *e)
{
	struct trip_flag before;
	struct stmt st = { 0 };
	int rc;

	if (!note || !note[0])
		return err_setx(e, ERR_INVALID, "invalid", "note", "请填写核查情况");
	if (flag_get(db, a, who, id, &before, e))
		return e->code;
	if (before.reviewed_at)
		return err_setx(e, ERR_CONFLICT, "already_reviewed", NULL, "这条异常已由 %s 核查",
				before.reviewed_by_name ? before.reviewed_by_name : "他人");
	rc = db_prepare(db, &st, sql_review, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_i64(&st, ":who", who->id, e) || db_bind_text(&st, ":note", note, e) ||
	     db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && db_changes(db) != 1)
		return err_setx(e, ERR_CONFLICT, "already_reviewed", NULL, "这条异常已被他人核查");
	return rc || flag_get(db, a, who, id, out, e) ||
	       aud_record(db, who, "review", "trip_flag", id, jarena(a, flag_json(a, &before)),
			  jarena(a, flag_json(a, out)), e) ||
	       notify_entity_changed(db, who->agency_id, 0, "trip_flag", id, e) ? e->code : 0;
}

/* ---------- the one-liner ---------- */

static const char *
str(const json_t *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev, key));

	return s ? s : "";
}

static long long
num(const json_t *ev, const char *key)
{
	return (long long)json_integer_value(json_object_get(ev, key));
}

/* "2026-12-03T19:49:55.123+08:00" → "12-03 19:49" */
static const char *
when(struct arena *a, const json_t *ev, const char *key)
{
	const char *s = str(ev, key);
	char *out;

	if (strlen(s) < 16)
		return s;
	out = arena_strndup(a, s + 5, 11);
	if (out)
		out[5] = ' ';
	return out ? out : "";
}

static const char *
litres(struct arena *a, const json_t *ev)
{
	long long x = num(ev, "litres_x100");

	return arena_printf(a, "%lld.%02lld", x / 100, x % 100);
}

static const char *
sealed_summary(struct arena *a, const json_t *ev)
{
	const char *what = str(ev, "what"), *ov = str(ev, "override");
	const char *act = strcmp(what, "refuel") == 0 ? "加油" : "出车";
	const char *said = strcmp(what, "refuel") == 0 ? ""
			   : strcmp(ov, "approved") == 0 ? "，已经领导批准"
			   : strcmp(ov, "pending") == 0 ? "，领导尚未批准" : "，未经领导批准";

	return arena_printf(a, "封存期间（%s 至 %s）%s%s", str(ev, "from"), str(ev, "to"), act,
			    said);
}

const char *
flag_summary(struct arena *a, const char *kind, const json_t *ev)
{
	const char *s = NULL;

	if (strcmp(kind, FLAG_LATE_RETURN) == 0)
		s = arena_printf(a, "晚于批准的返回时间 %lld 分钟还车（批准至 %s，实际 %s）",
				 num(ev, "late_min"), when(a, ev, "end_at"), when(a, ev, "return_at"));
	else if (strcmp(kind, FLAG_OVER_DISTANCE) == 0)
		s = arena_printf(a, "行驶 %lld 公里，超过预计 %lld 公里的两倍", num(ev, "driven_km"),
				 num(ev, "est_km"));
	else if (strcmp(kind, FLAG_ODOMETER_GAP) == 0)
		s = arena_printf(a, "出车读数 %lld 公里，比上次记录的 %lld 公里多出 %lld 公里%s%s",
				 num(ev, "depart_km"), num(ev, "last_km"), num(ev, "gap_km"),
				 json_is_string(json_object_get(ev, "prev_trip_code")) ? "，上次还车："
											: "",
				 str(ev, "prev_trip_code"));
	else if (strcmp(kind, FLAG_OFF_DAY) == 0)
		s = arena_printf(a, "%s 为非工作日，不在批准的用车日期（%s 至 %s）内", str(ev, "day"),
				 when(a, ev, "start_at"), when(a, ev, "end_at"));
	else if (strcmp(kind, FLAG_SEALED_MOVEMENT) == 0)
		s = sealed_summary(a, ev);
	else if (strcmp(kind, FLAG_REFUEL_NO_TRIP) == 0)
		s = arena_printf(a, "%s 加油 %s 升，当天没有出车记录", str(ev, "date"), litres(a, ev));
	else if (strcmp(kind, FLAG_REFUEL_OVER_TANK) == 0)
		s = arena_printf(a, "%s 加油 %s 升，超过油箱容量 %lld 升", str(ev, "date"),
				 litres(a, ev), num(ev, "tank_litres"));
	return s ? s : "";
}

/* A new reference; evidence parsed back into an object (the arena holds the parse). */
json_t *
flag_json(struct arena *a, const struct trip_flag *f)
{
	json_t *ev = jarena(a, f->evidence ? json_loads(f->evidence, 0, NULL) : NULL);

	if (!ev)
		ev = jarena(a, json_object());
	return json_pack("{sI ss sI ss* so so so ss* so so sO ss so ss* ss*}", "id",
			 (json_int_t)f->id, "kind", f->kind, "vehicle_id", (json_int_t)f->vehicle_id,
			 "plate", f->plate, "driver_id", jid_or_null(f->driver_id), "driver_name",
			 jstr_or_null(f->driver_name), "trip_id", jid_or_null(f->trip_id),
			 "trip_code", f->trip_code, "cost_id", jid_or_null(f->cost_id),
			 "occurred_at", jtime(f->occurred_at), "evidence", ev, "summary",
			 flag_summary(a, f->kind, ev), "reviewed_at", jtime(f->reviewed_at),
			 "reviewed_by_name", f->reviewed_by_name, "review_note", f->review_note);
}
