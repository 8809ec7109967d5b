/*
** core/booking.c: time bookings of shared resources (core/booking.h). Every
** function runs in the caller's transaction; reserve locks the resource row
** first so that the conflict check and the insert are one step for everyone.
*/
#include "core/booking.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

const char *const booking_status_codes[] = { "hold", "confirmed", "cancelled", NULL };

/* A booking blocks while confirmed, or held and not yet lapsed. */
#define LIVE " AND (status = 'confirmed' OR (status = 'hold' AND hold_until > :now))"
/* Closer than the buffer: s < e2 + buffer and s2 < e + buffer (start_ms first: the index). */
#define NEAR " AND start_ms < :end + :buf AND :start < end_ms + :buf"
#define BOOKING_COLS "id, res_id, start_ms, end_ms, owner_id, hold_until, res_kind," \
		     " owner_module, status"

static const char sql_res_add[] =
	"INSERT INTO booking_resource (agency_id, kind, id) VALUES (:agency, :kind, :res)"
	" ON CONFLICT (agency_id, kind, id) DO NOTHING";
/* SQLite drops FOR UPDATE: its single writer already serialises us. */
static const char sql_res_lock[] =
	"SELECT id FROM booking_resource WHERE agency_id = :agency AND kind = :kind AND id = :res"
	" FOR UPDATE";
static const char sql_conflict[] =
	"SELECT " BOOKING_COLS " FROM booking WHERE agency_id = :agency AND res_kind = :kind"
	" AND res_id = :res" NEAR LIVE
	" AND NOT (owner_module = :module AND owner_id = :owner) ORDER BY start_ms LIMIT 1";
static const char sql_insert[] =
	"INSERT INTO booking (agency_id, res_kind, res_id, start_ms, end_ms, status, hold_until,"
	" owner_module, owner_id, created_at, created_by)"
	" VALUES (:agency, :kind, :res, :start, :end, :status, :until, :module, :owner, :now, :by)"
	" RETURNING id";
static const char sql_get[] =
	"SELECT " BOOKING_COLS " FROM booking WHERE id = :id AND agency_id = :agency";
static const char sql_confirm[] =
	"UPDATE booking SET status = 'confirmed' WHERE id = :id AND agency_id = :agency"
	" AND status = 'hold' AND hold_until > :now";
static const char sql_cancel[] =
	"UPDATE booking SET status = 'cancelled' WHERE id = :id AND agency_id = :agency";
static const char sql_cancel_owner[] =
	"UPDATE booking SET status = 'cancelled' WHERE agency_id = :agency"
	" AND owner_module = :module AND owner_id = :owner AND status <> 'cancelled'";
static const char sql_busy[] =
	"SELECT DISTINCT res_id FROM booking WHERE agency_id = :agency AND res_kind = :kind"
	NEAR LIVE " ORDER BY res_id";
static const char sql_list[] =
	"SELECT " BOOKING_COLS " FROM booking WHERE agency_id = :agency AND res_kind = :kind"
	" AND res_id = :res AND start_ms < :to AND end_ms > :from" LIVE " ORDER BY start_ms, id";

int
booking_overlaps(int64_t s1, int64_t e1, int64_t s2, int64_t e2, int64_t buffer_ms)
{
	return s1 < e2 + buffer_ms && s2 < e1 + buffer_ms;
}

static enum booking_status
status_of(const char *s)
{
	if (s && !strcmp(s, "hold"))
		return BOOKING_HOLD;
	return s && !strcmp(s, "confirmed") ? BOOKING_CONFIRMED : BOOKING_CANCELLED;
}

/* One row of BOOKING_COLS; strings in the arena (a may be NULL: no strings). */
static void
booking_row(struct stmt *st, struct arena *a, void *item)
{
	struct booking *b = item;

	b->id = db_col_i64(st, 0);
	b->res_id = db_col_i64(st, 1);
	b->start_ms = db_col_i64(st, 2);
	b->end_ms = db_col_i64(st, 3);
	b->owner_id = db_col_i64(st, 4);
	b->hold_until = db_col_is_null(st, 5) ? 0 : db_col_i64(st, 5);
	b->res_kind = a ? db_col_text(st, a, 6) : NULL;
	b->owner_module = a ? db_col_text(st, a, 7) : NULL;
	b->status = status_of(db_col_peek(st, 8, NULL));
}

static int
check_req(const struct booking_req *in, struct err *e)
{
	if (!in->res_kind || !in->res_kind[0] || strlen(in->res_kind) > BOOKING_KIND_MAX ||
	    in->res_id <= 0 || !in->owner_module || !in->owner_module[0] || in->buffer_ms < 0)
		return err_set(e, ERR_INVALID, NULL, "预订参数无效");
	if (in->end_ms <= in->start_ms)
		return err_setx(e, ERR_INVALID, "invalid", "end_at", "结束时间应晚于开始时间");
	if (in->hold && in->hold_until <= now_ms())
		return err_setx(e, ERR_INVALID, "invalid", "hold_until", "暂留期限应晚于当前时间");
	return 0;
}

/* Create the resource's row on first use, then lock it until the transaction ends. */
static int
lock_resource(struct db *db, int64_t agency, const struct booking_req *in, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_res_add, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_text(&st, ":kind", in->res_kind, e) ||
		 db_bind_i64(&st, ":res", in->res_id, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (rc)
		return rc;
	rc = db_prepare(db, &st, sql_res_lock, e) || db_bind_i64(&st, ":agency", agency, e) ||
	     db_bind_text(&st, ":kind", in->res_kind, e) ||
	     db_bind_i64(&st, ":res", in->res_id, e) || db_step_row(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

/*
** 1 with *out filled when a live booking of another owner is too close; 0 none;
** <0 error. reserve has no arena, so the owner's module is copied to a buffer of
** the thread's, valid until its next reserve (the kind is the request's own).
*/
static int
find_conflict(struct db *db, int64_t agency, const struct booking_req *in, struct booking *out,
	      struct err *e)
{
	static _Thread_local char module[64];
	const char *m;

	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_conflict, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_text(&st, ":kind", in->res_kind, e) ||
		 db_bind_i64(&st, ":res", in->res_id, e) ||
		 db_bind_i64(&st, ":start", in->start_ms, e) ||
		 db_bind_i64(&st, ":end", in->end_ms, e) ||
		 db_bind_i64(&st, ":buf", in->buffer_ms, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_bind_text(&st, ":module", in->owner_module, e) ||
		 db_bind_i64(&st, ":owner", in->owner_id, e) ? e->code : db_step(&st, e);

	if (rc == 1) {
		booking_row(&st, NULL, out);
		m = db_col_peek(&st, 7, NULL);
		snprintf(module, sizeof(module), "%s", m ? m : "");
		out->owner_module = module;
		out->res_kind = in->res_kind;
	}
	db_finalize(&st);
	return rc;
}

/* "HH:MM" or "M月D日 HH:MM" in Shanghai time, from ms_to_iso's text. */
static void
short_time(int64_t ms, char *out, size_t size)
{
	char iso[40];

	ms_to_iso(ms, iso, sizeof(iso));	/* 2026-12-03T09:30:00.000+08:00 */
	snprintf(out, size, "%d月%d日 %.5s", (iso[5] - '0') * 10 + iso[6] - '0',
		 (iso[8] - '0') * 10 + iso[9] - '0', iso + 11);
}

static int
conflict_err(const struct booking *c, struct err *e)
{
	char from[32], to[32];

	short_time(c->start_ms, from, sizeof(from));
	short_time(c->end_ms, to, sizeof(to));
	return err_setx(e, ERR_CONFLICT, "schedule_conflict", NULL,
			"时间冲突：已被 %s #%lld 占用（%s 至 %s）", c->owner_module,
			(long long)c->owner_id, from, to);
}

static int
insert_booking(struct db *db, const struct actor *who, const struct booking_req *in,
	       int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int64_t now = now_ms();
	int rc = db_prepare(db, &st, sql_insert, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_bind_text(&st, ":kind", in->res_kind, e) ||
		 db_bind_i64(&st, ":res", in->res_id, e) ||
		 db_bind_i64(&st, ":start", in->start_ms, e) ||
		 db_bind_i64(&st, ":end", in->end_ms, e) ||
		 db_bind_text(&st, ":status", in->hold ? "hold" : "confirmed", e) ||
		 (in->hold ? db_bind_i64(&st, ":until", in->hold_until, e)
			   : db_bind_null(&st, ":until", e)) ||
		 db_bind_text(&st, ":module", in->owner_module, e) ||
		 db_bind_i64(&st, ":owner", in->owner_id, e) || db_bind_i64(&st, ":now", now, e) ||
		 db_bind_id_or_null(&st, ":by", who->id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*id = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
booking_reserve(struct db *db, const struct actor *who, const struct booking_req *in,
		int64_t *id, struct booking *conflict, struct err *e)
{
	struct booking c = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (check_req(in, e) || lock_resource(db, who->agency_id, in, e))
		return e->code;
	rc = find_conflict(db, who->agency_id, in, &c, e);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		if (conflict)
			*conflict = c;
		return conflict_err(&c, e);
	}
	return insert_booking(db, who, in, id, e);
}

/* One booking of who's agency by id. */
static int
booking_get(struct db *db, int64_t agency, int64_t id, struct booking *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_get, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", agency, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		booking_row(&st, NULL, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "booking_not_found", NULL, "预订不存在");
	return rc;
}

int
booking_confirm(struct db *db, const struct actor *who, int64_t id, struct err *e)
{
	struct stmt st = { 0 };
	struct booking b;
	int rc;

	assert(db_in_tx(db));
	rc = db_prepare(db, &st, sql_confirm, e) || db_bind_i64(&st, ":id", id, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_i64(&st, ":now", now_ms(), e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc || db_changes(db) == 1)
		return rc;
	if (booking_get(db, who->agency_id, id, &b, e))
		return e->code;
	if (b.status == BOOKING_CONFIRMED)
		return 0;	/* confirmed twice: what the caller wanted */
	/* a lapsed hold, or one cancelled meanwhile: someone else may have the time now */
	return err_setx(e, ERR_CONFLICT, "hold_lapsed", NULL, "预订暂留已过期，请重新安排");
}

int
booking_cancel(struct db *db, const struct actor *who, int64_t id, struct err *e)
{
	int rc;
	struct stmt st = { 0 };

	assert(db_in_tx(db));
	rc = db_prepare(db, &st, sql_cancel, e) || db_bind_i64(&st, ":id", id, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && db_changes(db) == 0)
		return err_setx(e, ERR_NOT_FOUND, "booking_not_found", NULL, "预订不存在");
	return rc;
}

int
booking_cancel_owner(struct db *db, const struct actor *who, const char *owner_module,
		     int64_t owner_id, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	rc = db_prepare(db, &st, sql_cancel_owner, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) ||
	     db_bind_text(&st, ":module", owner_module, e) ||
	     db_bind_i64(&st, ":owner", owner_id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

int
booking_busy(struct db *db, struct arena *a, int64_t agency, const char *res_kind,
	     int64_t start_ms, int64_t end_ms, int64_t buffer_ms, int64_t **ids, size_t *n,
	     struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_busy, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_text(&st, ":kind", res_kind, e) ||
		 db_bind_i64(&st, ":start", start_ms, e) || db_bind_i64(&st, ":end", end_ms, e) ||
		 db_bind_i64(&st, ":buf", buffer_ms, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_read_rows(&st, a, sizeof(**ids), db_row_i64, (void **)ids, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
booking_list(struct db *db, struct arena *a, int64_t agency, const char *res_kind,
	     int64_t res_id, int64_t from_ms, int64_t to_ms, struct booking **items, size_t *n,
	     struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_list, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_text(&st, ":kind", res_kind, e) || db_bind_i64(&st, ":res", res_id, e) ||
		 db_bind_i64(&st, ":from", from_ms, e) || db_bind_i64(&st, ":to", to_ms, e) ||
		 db_bind_i64(&st, ":now", now_ms(), e) ||
		 db_read_rows(&st, a, sizeof(**items), booking_row, (void **)items, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}
