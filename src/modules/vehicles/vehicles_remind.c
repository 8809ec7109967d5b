/*
** modules/vehicles/vehicles_remind.c: the office's reminders (issue #15 item 1)
** 30, 7 and 1 days before a vehicle's insurance or 年审 or a driver's licence
** expires. A module job (once a minute per agency): for each date within 30
** days, the lead it has reached (the smallest of 30/7/1 not below the days
** left) is recorded in vehicle_reminder before anyone is told, so a lead goes
** out once; a registry entered late starts at the lead it is already in.
*/
#include "modules/vehicles/vehicles.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/msg.h"
#include "core/notify.h"
#include "db/db.h"

#include <string.h>

#define REMIND_MAX_DAYS 30

/* What falls due within the window: subject, id, due date, and a name for the text. */
static const char sql_due[] =
	"SELECT 'insurance', id, insurance_expiry, plate FROM vehicle WHERE agency_id = :agency"
	" AND status <> 'retired' AND insurance_expiry BETWEEN :today AND :last"
	" UNION ALL SELECT 'inspection', id, inspection_due, plate FROM vehicle"
	" WHERE agency_id = :agency AND status <> 'retired'"
	" AND inspection_due BETWEEN :today AND :last"
	" UNION ALL SELECT 'licence', p.user_id, p.licence_expiry, u.display_name"
	" FROM driver_profile p JOIN app_user u ON u.id = p.user_id"
	" WHERE p.agency_id = :agency AND u.active = 1 AND u.deleted_at IS NULL"
	" AND p.licence_expiry BETWEEN :today AND :last";
static const char sql_mark[] =
	"INSERT INTO vehicle_reminder (agency_id, subject, subject_id, due_date, lead_days, sent_at)"
	" VALUES (:agency, :subject, :id, :due, :lead, :now)"
	" ON CONFLICT (agency_id, subject, subject_id, due_date, lead_days) DO NOTHING";

struct due {
	const char *subject, *name;
	int64_t id;
	int date;
};

/* The lead a date days_left away has reached: 1, 7 or 30. */
static int
lead_of(int64_t days_left)
{
	return days_left <= 1 ? 1 : days_left <= 7 ? 7 : 30;
}

static void
due_row(struct stmt *st, struct arena *a, void *item)
{
	*(struct due *)item = (struct due){ db_col_text(st, a, 0), db_col_text(st, a, 3),
					    db_col_i64(st, 1), (int)db_col_i64(st, 2) };
}

static int
read_due(struct db *db, struct arena *a, int64_t agency, int today, int last, struct due **out,
	 size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_due, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":today", today, e) || db_bind_i64(&st, ":last", last, e) ||
		 db_read_rows(&st, a, sizeof(**out), due_row, (void **)out, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* Record the lead; *fresh = 1 when it was not sent before. */
static int
mark(struct db *db, int64_t agency, const struct due *d, int lead, int64_t now, int *fresh,
     struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_mark, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_text(&st, ":subject", d->subject, e) || db_bind_i64(&st, ":id", d->id, e) ||
		 db_bind_i64(&st, ":due", d->date, e) || db_bind_i64(&st, ":lead", lead, e) ||
		 db_bind_i64(&st, ":now", now, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	*fresh = !rc && db_changes(db) == 1;
	return rc;
}

static struct msg_text
title_of(struct arena *a, const struct due *d, const char *date, int64_t left)
{
	if (!strcmp(d->subject, "insurance"))
		return msg_text(a, "车辆 %s 的保险将于 %s 到期（还有 %lld 天）", d->name, date,
				(long long)left);
	if (!strcmp(d->subject, "inspection"))
		return msg_text(a, "车辆 %s 的年审将于 %s 到期（还有 %lld 天）", d->name, date,
				(long long)left);
	return msg_text(a, "驾驶员 %s 的驾驶证将于 %s 到期（还有 %lld 天）", d->name, date,
			(long long)left);
}

/* Tell the office of one due date, once per lead. */
static int
remind(struct db *db, struct arena *a, const struct actor *sys, const struct due *d,
       int64_t today_days, int64_t now, int *sent, struct err *e)
{
	int64_t left = date_to_days(d->date) - today_days;
	int vehicle = strcmp(d->subject, "licence") != 0, fresh = 0;
	int rc = mark(db, sys->agency_id, d, lead_of(left), now, &fresh, e);
	char date[16];
	struct msg_text title, body = { NULL, NULL };

	if (rc || !fresh)
		return rc;
	cal_format_date(d->date, date, sizeof(date));
	title = title_of(a, d, date, left);
	if (!title.zh)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (notify_role(db, a, sys, "office", vehicle ? "vehicle.renewal_due" : "driver.licence_due",
			title, body, vehicle ? "vehicle" : NULL, vehicle ? d->id : 0, e))
		return e->code;
	*sent += 1;
	return 0;
}

int
veh_remind_job(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *done,
	       struct err *e)
{
	struct actor sys = { .agency_id = agency, .roles = ROLE_OFFICE, .ip = "system",
			     .username = "system" };
	int64_t days = (now + SHANGHAI_OFFSET_MS) / DAY_MS;
	struct arena *a = arena_new(8192);
	struct due *due;
	size_t n = 0;
	int rc;

	(void)cal;
	*done = 0;
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = read_due(db, a, agency, days_to_date(days), days_to_date(days + REMIND_MAX_DAYS), &due,
		      &n, e) ? e->code : 0;
	for (size_t i = 0; !rc && i < n; i++)
		rc = remind(db, a, &sys, &due[i], days, now, done, e);
	arena_free(a);
	return rc;
}
