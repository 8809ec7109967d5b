/*
** core/calendar.h: the business calendar. Working periods of a day and the
** dates that break the weekly rule: public holidays and make-up workdays
** (调休). SLA clocks and reminders count business time through it.
** Owns tables calendar_period, calendar_day, calendar_year (0002_calendar.sqlite.sql,
** 0014_calendar_agency.sqlite.sql). Each agency has its own calendar: every read
** takes the agency, every write uses the acting user's (who->agency_id), so
** one agency's office never moves another agency's SLA clocks. Rows with
** agency_id NULL are the template that cal_agency_init copies.
**
** Time: instants are UTC epoch ms (as everywhere). Days and periods are
** Asia/Shanghai wall-clock time, a fixed UTC+8 (no DST since 1991); the
** process time zone (TZ) is never consulted.
**
** The rule for a local date:
**   marked workday   -> workday (a make-up Saturday or Sunday)
**   marked holiday   -> rest day
**   otherwise        -> workday Monday to Friday, rest Saturday and Sunday.
** So a year nobody has entered (2027 today) follows the weekday rule alone:
** 2027-01-01 counts as a normal Friday until the office adds it.
** Working time is the union of the periods [start, end) of every workday.
**
** Using it for an SLA clock (modules/workorders):
**
**	struct cal cal;
**	int64_t due, used;
**
**	if (cal_load_agency(db, a, order->agency_id, &cal, e))	once per request
**		return e->code;
**	due = cal_add_business_minutes(&cal, created_ms, 4 * 60);
**	if (due == CAL_NEVER)				no working time at all: never due
**		...;
**	used = cal_business_minutes_between(&cal, created_ms, now_ms());
**
** - 24-hour clocks (urgent orders) do not use the calendar: plain arithmetic,
**   due = start_ms + hours * HOUR_MS.
** - A clock that pauses (waiting for parts, for the requester): add up
**   cal_business_ms_between() over the running intervals, in ms so that no
**   interval loses its partial minute, then
**   due = cal_add_business_ms(&cal, resumed_ms, budget_ms - used_ms).
** - between(s, add(s, m)) == m for every m >= 0 (unit-tested). add(s, m) for
**   m > 0 is the earliest instant with m minutes worked after s, so a
**   deadline may fall exactly on a period end (11:00 + 60 min = 12:00, not
**   14:00). add(s, 0) is the first working instant at or after s.
**
** The pure functions (cal_is_workday, cal_add_*, cal_business_*) take a
** const struct cal, never allocate, never touch the db, are thread-safe and
** cost O(D log R) at worst (D marked days, R days spanned): whole days are
** counted arithmetically, nothing steps minute by minute or day by day.
*/
#ifndef HOUQIN_CALENDAR_H
#define HOUQIN_CALENDAR_H

#include "core/clock.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;

#define CAL_PERIODS_MAX 4
#define CAL_NAME_MAX 32			/* characters of a day's name (国庆节) */
#define CAL_YEAR_MIN 2000		/* years a day can be marked in */
#define CAL_YEAR_MAX 2100
#define CAL_MS_MIN (-SHANGHAI_OFFSET_MS)	/* 1970-01-01T00:00:00.000+08:00 */
#define CAL_MS_MAX (253402300799999LL - SHANGHAI_OFFSET_MS)	/* 9999-12-31T23:59:59.999+08:00 */
/* cal_add_*: no such instant (no working time, beyond CAL_MS_MAX, bad input). */
#define CAL_NEVER INT64_MAX

enum cal_kind { CAL_HOLIDAY = 0, CAL_WORKDAY = 1 };
/* "holiday", "workday", NULL: indexed by enum cal_kind (an F_ENUM list). */
extern const char *const cal_kind_codes[];

/* Minutes after local midnight, half-open [start, end), 0 <= start < end <= 1440. */
struct cal_period {
	int start, end;
};

struct cal_day {
	int date;		/* local date as yyyymmdd, e.g. 20261001 */
	enum cal_kind kind;
	const char *name;	/* 国庆节, 国庆节调休上班 (arena-owned; may be NULL in memory) */
};

/*
** A loaded calendar. Invariants the functions rely on (cal_load_agency, cal_default,
** cal_put_day and cal_check_periods keep them): periods ordered and not
** overlapping; days ascending by date with no date twice. Plain data: a
** caller may copy it; days points into the arena it was loaded with.
*/
struct cal {
	struct cal_period periods[CAL_PERIODS_MAX];
	int nperiods;			/* 0 = no working time: cal_add_* give CAL_NEVER */
	struct cal_day *days;
	size_t ndays;
};

/* ---- in memory (pure) ---- */

/* The built-in default: 08:30-12:00 and 14:00-17:30, no marked days. */
void cal_default(struct cal *c);

/*
** Mark date (yyyymmdd, a real date in CAL_YEAR_MIN..CAL_YEAR_MAX) as kind,
** replacing a mark already on that date and keeping days sorted. name is
** borrowed (not copied). 0, ERR_INVALID (field "date") or ERR_NOMEM; the
** array lives in `a`. For tests and tools; the office edits through cal_day_set.
*/
int cal_put_day(struct cal *c, struct arena *a, int date, enum cal_kind kind, const char *name,
		struct err *e);

/*
** Check working periods: 1..CAL_PERIODS_MAX, each 0 <= start < end <= 1440,
** in order and not overlapping (touching is fine). 0 or ERR_INVALID on
** field "periods" with the reason.
*/
int cal_check_periods(const struct cal_period *p, int n, struct err *e);

/* 1 if date (yyyymmdd, a real date) is a workday by the rule above, else 0. */
int cal_is_workday(const struct cal *c, int date);

/*
** The instant at which `minutes` of working time have elapsed after start_ms
** (a start outside working time rolls forward to the next period start).
** CAL_NEVER when minutes < 0, start_ms is outside [CAL_MS_MIN, CAL_MS_MAX],
** the calendar has no working time, or the answer would pass CAL_MS_MAX.
*/
int64_t cal_add_business_minutes(const struct cal *c, int64_t start_ms, int64_t minutes);
/* The same to the millisecond: work_ms of working time after start_ms. */
int64_t cal_add_business_ms(const struct cal *c, int64_t start_ms, int64_t work_ms);

/*
** Whole minutes of working time in [from_ms, to_ms) (rounded down); 0 when
** to_ms <= from_ms. Never fails: instants are clamped to [CAL_MS_MIN, CAL_MS_MAX].
*/
int64_t cal_business_minutes_between(const struct cal *c, int64_t from_ms, int64_t to_ms);
/* The same in milliseconds, for adding up intervals without rounding each. */
int64_t cal_business_ms_between(const struct cal *c, int64_t from_ms, int64_t to_ms);

/* Local (Shanghai) date of an instant as yyyymmdd. */
int cal_local_date(int64_t ms);

/* "YYYY-MM-DD" (a real date, year CAL_YEAR_MIN..CAL_YEAR_MAX) -> yyyymmdd. 0 or ERR_INVALID. */
int cal_parse_date(const char *s, int *date);	/* s may be NULL: ERR_INVALID */
/* yyyymmdd -> "YYYY-MM-DD" into out (>= 11 bytes). */
void cal_format_date(int date, char *out, size_t size);
/* "HH:MM" (00:00..23:59, or 24:00) -> minutes after midnight. 0 or ERR_INVALID. */
int cal_parse_hhmm(const char *s, int *minutes);
/* kind code ("holiday"/"workday") -> enum. 0 or ERR_INVALID. */
int cal_kind_parse(const char *s, enum cal_kind *out);

/* ---- storage ---- */

/*
** Load agency_id's working periods and every marked day into *out; day names
** live in `a`. ERR_DB if the stored periods break the invariants. Read-only:
** any connection. Cheap (a few dozen rows a year): load once per request that
** needs it, do not cache across requests (the office may edit meanwhile).
** Use the agency of the record whose clock runs (the order's, the approval's),
** which is the acting user's on a request path.
*/
int cal_load_agency(struct db *db, struct arena *a, int64_t agency_id, struct cal *out,
		    struct err *e);

/*
** Give agency_id its own calendar: a copy of the template rows (agency_id
** NULL: the shipped hours, holidays and 调休, years unconfirmed). Does nothing
** when the agency already has working periods. Inside the caller's write
** transaction; org_agency_create calls it.
*/
int cal_agency_init(struct db *db, int64_t agency_id, struct err *e);

/* One year as the office sees it. */
struct cal_year {
	int year;
	int confirmed;		/* the office has checked this year's days */
	const char *source;	/* where shipped data came from (migration note), or NULL */
	int64_t confirmed_at;	/* 0 when not confirmed */
	struct cal cal;		/* the periods and only this year's marked days */
};

/*
** Fill *out for agency_id's year (CAL_YEAR_MIN..CAL_YEAR_MAX, else ERR_INVALID
** "year"). Strings in a.
*/
int cal_year_get(struct db *db, struct arena *a, int64_t agency_id, int year,
		 struct cal_year *out, struct err *e);

/*
** The write functions run inside the caller's write transaction, change only
** the calendar of who->agency_id, record an audit row (entity "calendar")
** with before/after, and check no role: the route table admits role office only.
**   action      entity_id    before / after
**   set_day     yyyymmdd     the day or null / the day
**   delete_day  yyyymmdd     the day / null
**   set_hours   0            periods / periods
**   confirm     year         {"confirmed":false} / {"confirmed":true,"days":N}
*/

/*
** Mark date as kind with name (1..CAL_NAME_MAX chars), adding or replacing.
** ERR_INVALID "date"/"name"; ERR_RULE "not_weekend" when kind is workday and
** the date is Monday to Friday (a make-up workday is a Saturday or Sunday).
** Fills *out (strings in a).
*/
int cal_day_set(struct db *db, struct arena *a, const struct actor *who, int date,
		enum cal_kind kind, const char *name, struct cal_day *out, struct err *e);
/* Remove the mark on date. ERR_NOT_FOUND when none. */
int cal_day_delete(struct db *db, struct arena *a, const struct actor *who, int date,
		   struct err *e);
/* Replace the working periods (checked by cal_check_periods). */
int cal_hours_set(struct db *db, struct arena *a, const struct actor *who,
		  const struct cal_period *p, int n, struct err *e);
/*
** Mark year confirmed (by who, now) and fill *out. ERR_RULE "empty_year" when
** the year has no marked day (China has holidays every year: enter them
** first). Confirming a confirmed year changes nothing and records nothing.
** Later edits by the office keep the year confirmed (they are its own checks).
*/
int cal_year_confirm(struct db *db, struct arena *a, const struct actor *who, int year,
		     struct cal_year *out, struct err *e);

/* ---- JSON views (new references) ---- */
/* {"date":"2026-10-01","kind":"holiday","name":"国庆节"} */
json_t *cal_day_json(const struct cal_day *d);
/* [{"start":"08:30","end":"12:00"}, ...] */
json_t *cal_periods_json(const struct cal *c);
/* {"year","confirmed","confirmed_at","source","hours":[...],"days":[...]} */
json_t *cal_year_json(const struct cal_year *y);

#endif
