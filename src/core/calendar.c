/*
** core/calendar.c: the business calendar (see calendar.h for the rules).
** Owns tables calendar_period, calendar_day, calendar_year, one calendar per
** agency (0014_calendar_agency.sqlite.sql); rows with agency_id NULL are the template.
**
** Inside, a day is its local day number: days since 1970-01-01 in Shanghai
** time (day 0 was a Thursday). Offsets within a day are ms after local
** midnight. Whole days between two instants are counted arithmetically
** (weekdays in a range, corrected by the marked days inside it), so neither
** function loops over minutes or days.
*/
#include "core/calendar.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/log.h"
#include "core/parse.h"
#include "db/db.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define LOG_MOD "calendar"

#define DAY_MIN 1440
#define DAYNO_MAX ((CAL_MS_MAX + SHANGHAI_OFFSET_MS) / DAY_MS)	/* 9999-12-31 */

const char *const cal_kind_codes[] = { "holiday", "workday", NULL };

/* ---------- dates ---------- */

/* A real date with a year the calendar accepts. */
static int
date_ok(int date)
{
	int y = date / 10000, m = date / 100 % 100, d = date % 100;

	return y >= CAL_YEAR_MIN && y <= CAL_YEAR_MAX && m >= 1 && m <= 12 && d >= 1 &&
	       d <= 31 && days_to_date(date_to_days(date)) == date;
}

/* 1 for Monday..Friday. */
static int
is_weekday(int64_t dn)
{
	int wd = (int)(((dn + 4) % 7 + 7) % 7);	/* 0 = Sunday */

	return wd >= 1 && wd <= 5;
}

/* Mondays..Fridays among day numbers [0, x), x >= 0. Day 0 was a Thursday. */
static int64_t
weekdays_before(int64_t x)
{
	static const int64_t part[7] = { 0, 1, 2, 2, 2, 3, 4 };	/* Thu Fri Sat Sun Mon Tue */

	return x / 7 * 5 + part[x % 7];
}

int
cal_local_date(int64_t ms)
{
	int64_t local = ms + SHANGHAI_OFFSET_MS;
	int64_t dn = local / DAY_MS - (local % DAY_MS < 0);

	return days_to_date(dn);
}

int
cal_parse_date(const char *s, int *date)
{
	int64_t y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    parse_i64n(s, 4, CAL_YEAR_MIN, CAL_YEAR_MAX, &y) || parse_i64n(s + 5, 2, 1, 12, &m) ||
	    parse_i64n(s + 8, 2, 1, 31, &d) ||
	    !date_ok((int)(y * 10000 + m * 100 + d)))
		return ERR_INVALID;
	*date = (int)(y * 10000 + m * 100 + d);
	return 0;
}

void
cal_format_date(int date, char *out, size_t size)
{
	snprintf(out, size, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
}

int
cal_parse_hhmm(const char *s, int *minutes)
{
	int64_t h, m;

	if (strlen(s) != 5 || s[2] != ':' || s[0] == '-' || s[3] == '-' ||
	    parse_i64n(s, 2, 0, 24, &h) || parse_i64n(s + 3, 2, 0, 59, &m) || (h == 24 && m))
		return ERR_INVALID;
	*minutes = (int)(h * 60 + m);
	return 0;
}

static void
format_hhmm(int minutes, char *out, size_t size)
{
	snprintf(out, size, "%02d:%02d", minutes / 60, minutes % 60);
}

int
cal_kind_parse(const char *s, enum cal_kind *out)
{
	for (int i = 0; cal_kind_codes[i]; i++)
		if (strcmp(s, cal_kind_codes[i]) == 0) {
			*out = (enum cal_kind)i;
			return 0;
		}
	return ERR_INVALID;
}

/* ---------- the calendar in memory ---------- */

void
cal_default(struct cal *c)
{
	memset(c, 0, sizeof(*c));
	c->periods[0] = (struct cal_period){ 8 * 60 + 30, 12 * 60 };
	c->periods[1] = (struct cal_period){ 14 * 60, 17 * 60 + 30 };
	c->nperiods = 2;
}

static int
check_periods(const struct cal_period *p, int n, int min_n, struct err *e)
{
	if (n < min_n || n > CAL_PERIODS_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "periods", "工作时段应为 %d 到 %d 段",
				min_n, CAL_PERIODS_MAX);
	for (int i = 0; i < n; i++) {
		if (p[i].start < 0 || p[i].end > DAY_MIN || p[i].start >= p[i].end)
			return err_setx(e, ERR_INVALID, "invalid", "periods",
					"第 %d 段：开始时间应早于结束时间", i + 1);
		if (i > 0 && p[i].start < p[i - 1].end)
			return err_setx(e, ERR_INVALID, "invalid", "periods",
					"第 %d 段与上一段重叠或顺序颠倒", i + 1);
	}
	return 0;
}

int
cal_check_periods(const struct cal_period *p, int n, struct err *e)
{
	return check_periods(p, n, 1, e);
}

/* Index of the first day with date >= date (ndays when none). */
static size_t
lower_bound(const struct cal *c, int date)
{
	size_t lo = 0, hi = c->ndays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->days[mid].date < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
cal_put_day(struct cal *c, struct arena *a, int date, enum cal_kind kind, const char *name,
	    struct err *e)
{
	size_t i = lower_bound(c, date);
	struct cal_day *days;

	if (!date_ok(date) || (kind != CAL_HOLIDAY && kind != CAL_WORKDAY))
		return err_setx(e, ERR_INVALID, "invalid", "date", "日期或类型无效");
	if (i < c->ndays && c->days[i].date == date) {
		c->days[i].kind = kind;
		c->days[i].name = name;
		return 0;
	}
	days = arena_array(a, c->ndays + 1, sizeof(*days));
	if (!days)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (i)
		memcpy(days, c->days, i * sizeof(*days));
	days[i] = (struct cal_day){ date, kind, name };
	if (c->ndays > i)
		memcpy(days + i + 1, c->days + i, (c->ndays - i) * sizeof(*days));
	c->days = days;
	c->ndays++;
	return 0;
}

static int
workday_dn(const struct cal *c, int64_t dn)
{
	int date = days_to_date(dn);
	size_t i = lower_bound(c, date);

	if (i < c->ndays && c->days[i].date == date)
		return c->days[i].kind == CAL_WORKDAY;
	return is_weekday(dn);
}

int
cal_is_workday(const struct cal *c, int date)
{
	return workday_dn(c, date_to_days(date));
}

/* Workdays among day numbers [a, b] (0 when b < a). */
static int64_t
workdays_in(const struct cal *c, int64_t a, int64_t b)
{
	int64_t n;
	int last;

	if (b < a)
		return 0;
	n = weekdays_before(b + 1) - weekdays_before(a);
	last = days_to_date(b);
	for (size_t i = lower_bound(c, days_to_date(a)); i < c->ndays && c->days[i].date <= last; i++) {
		int wk = is_weekday(date_to_days(c->days[i].date));
		if (c->days[i].kind == CAL_HOLIDAY && wk)
			n--;
		else if (c->days[i].kind == CAL_WORKDAY && !wk)
			n++;
	}
	return n;
}

/* Working ms of a workday in [0, off). */
static int64_t
work_before(const struct cal *c, int64_t off)
{
	int64_t sum = 0;

	for (int i = 0; i < c->nperiods; i++) {
		int64_t s = c->periods[i].start * MINUTE_MS, t = c->periods[i].end * MINUTE_MS;
		if (off < t)
			t = off;
		if (t > s)
			sum += t - s;
	}
	return sum;
}

/*
** Offset at which r ms of work after off are done on a workday (r no more
** than the work left after off). r == 0 gives the first working instant
** at or after off; a total that ends on a period end gives that end.
*/
static int64_t
offset_after(const struct cal *c, int64_t off, int64_t r)
{
	for (int i = 0; i < c->nperiods; i++) {
		int64_t s = c->periods[i].start * MINUTE_MS, t = c->periods[i].end * MINUTE_MS;
		if (s < off)
			s = off;
		if (t <= s)
			continue;
		if (r <= t - s)
			return s + r;
		r -= t - s;
	}
	assert(!"offset_after: past the day's work");
	return DAY_MS;
}

/* Split an instant (in range) into day number and offset. */
static void
split(int64_t ms, int64_t *dn, int64_t *off)
{
	int64_t local = ms + SHANGHAI_OFFSET_MS;	/* >= 0 for ms >= CAL_MS_MIN */

	*dn = local / DAY_MS;
	*off = local % DAY_MS;
}

/* The n-th workday after day d (n >= 1), or -1 past DAYNO_MAX. */
static int64_t
nth_workday_after(const struct cal *c, int64_t d, int64_t n)
{
	/*
	** Any 7 days hold 5 weekdays and each holiday takes away at most one,
	** so d + 7 * ceil((n + ndays) / 5) is far enough.
	*/
	int64_t lo = d + 1, hi;

	if (n > DAYNO_MAX || (int64_t)c->ndays > DAYNO_MAX)
		return -1;
	hi = d + 7 * ((n + (int64_t)c->ndays) / 5 + 1);
	if (hi > DAYNO_MAX)
		hi = DAYNO_MAX;
	if (hi < lo || workdays_in(c, lo, hi) < n)
		return -1;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (workdays_in(c, d + 1, mid) >= n)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int64_t
cal_add_business_ms(const struct cal *c, int64_t start_ms, int64_t work_ms)
{
	int64_t per_day = work_before(c, DAY_MS), dn, off, n, tail, day, due;

	if (work_ms < 0 || per_day == 0 || start_ms < CAL_MS_MIN || start_ms > CAL_MS_MAX)
		return CAL_NEVER;
	split(start_ms, &dn, &off);
	if (workday_dn(c, dn)) {
		int64_t left = per_day - work_before(c, off);
		if (left > 0 && work_ms <= left)
			return start_ms - off + offset_after(c, off, work_ms);
		work_ms -= left;
	}
	/* The rest is done on the following workdays, each worth per_day. */
	n = work_ms / per_day;
	tail = work_ms % per_day;
	if (tail == 0 && n > 0)
		tail = per_day;	/* ends on the last period's end of the n-th */
	else
		n++;
	day = nth_workday_after(c, dn, n);
	if (day < 0)
		return CAL_NEVER;
	due = day * DAY_MS - SHANGHAI_OFFSET_MS + offset_after(c, 0, tail);
	return due > CAL_MS_MAX ? CAL_NEVER : due;
}

int64_t
cal_add_business_minutes(const struct cal *c, int64_t start_ms, int64_t minutes)
{
	if (minutes < 0 || minutes > (CAL_MS_MAX - CAL_MS_MIN) / MINUTE_MS)
		return CAL_NEVER;
	return cal_add_business_ms(c, start_ms, minutes * MINUTE_MS);
}

static int64_t
clamp(int64_t ms)
{
	return ms < CAL_MS_MIN ? CAL_MS_MIN : ms > CAL_MS_MAX ? CAL_MS_MAX : ms;
}

int64_t
cal_business_ms_between(const struct cal *c, int64_t from_ms, int64_t to_ms)
{
	int64_t per_day = work_before(c, DAY_MS), d0, off0, d1, off1, sum;

	from_ms = clamp(from_ms);
	to_ms = clamp(to_ms);
	if (to_ms <= from_ms || per_day == 0)
		return 0;
	split(from_ms, &d0, &off0);
	split(to_ms, &d1, &off1);
	if (d0 == d1)
		return workday_dn(c, d0) ? work_before(c, off1) - work_before(c, off0) : 0;
	sum = workday_dn(c, d0) ? per_day - work_before(c, off0) : 0;
	sum += workdays_in(c, d0 + 1, d1 - 1) * per_day;
	sum += workday_dn(c, d1) ? work_before(c, off1) : 0;
	return sum;
}

int64_t
cal_business_minutes_between(const struct cal *c, int64_t from_ms, int64_t to_ms)
{
	return cal_business_ms_between(c, from_ms, to_ms) / MINUTE_MS;
}

/* ---------- JSON views ---------- */

json_t *
cal_day_json(const struct cal_day *d)
{
	char date[16];

	cal_format_date(d->date, date, sizeof(date));
	return json_pack("{ss ss so}", "date", date, "kind", cal_kind_codes[d->kind], "name",
			 jstr_or_null(d->name));
}

json_t *
cal_periods_json(const struct cal *c)
{
	json_t *arr = json_array();

	for (int i = 0; arr && i < c->nperiods; i++) {
		char s[16], t[16];
		format_hhmm(c->periods[i].start, s, sizeof(s));
		format_hhmm(c->periods[i].end, t, sizeof(t));
		json_array_append_new(arr, json_pack("{ss ss}", "start", s, "end", t));
	}
	return arr;
}

static json_t *
days_json(const struct cal *c)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < c->ndays; i++)
		json_array_append_new(arr, cal_day_json(&c->days[i]));
	return arr;
}

json_t *
cal_year_json(const struct cal_year *y)
{
	return json_pack("{si sb so so so so}", "year", y->year, "confirmed", y->confirmed,
			 "confirmed_at", jtime(y->confirmed_at), "source", jstr_or_null(y->source),
			 "hours", cal_periods_json(&y->cal), "days", days_json(&y->cal));
}

/* ---------- storage ---------- */

/* Every statement names the agency: one agency's calendar never moves another's clocks. */
static const char sql_periods[] =
	"SELECT start_min, end_min FROM calendar_period WHERE agency_id = :agency"
	" ORDER BY start_min, id";
static const char sql_days[] =
	"SELECT ymd, kind, name FROM calendar_day WHERE agency_id = :agency"
	" AND ymd BETWEEN :lo AND :hi ORDER BY ymd";
static const char sql_year[] =
	"SELECT confirmed, source, COALESCE(confirmed_at, 0) FROM calendar_year"
	" WHERE agency_id = :agency AND year = :year";
static const char sql_day_get[] =
	"SELECT ymd, kind, name FROM calendar_day WHERE agency_id = :agency AND ymd = :ymd";
static const char sql_day_insert[] =
	"INSERT INTO calendar_day (agency_id, ymd, kind, name, created_at, updated_at, created_by)"
	" VALUES (:agency, :ymd, :kind, :name, :now, :now, :by)";
static const char sql_day_update[] =
	"UPDATE calendar_day SET kind = :kind, name = :name, updated_at = :now"
	" WHERE agency_id = :agency AND ymd = :ymd";
static const char sql_day_delete[] =
	"DELETE FROM calendar_day WHERE agency_id = :agency AND ymd = :ymd";
static const char sql_periods_clear[] = "DELETE FROM calendar_period WHERE agency_id = :agency";
static const char sql_period_insert[] =
	"INSERT INTO calendar_period (agency_id, start_min, end_min, created_at, updated_at,"
	" created_by) VALUES (:agency, :start, :end, :now, :now, :by)";
static const char sql_year_insert[] =
	"INSERT INTO calendar_year (agency_id, year, confirmed, confirmed_at, confirmed_by,"
	" created_at, updated_at) VALUES (:agency, :year, 1, :now, :by, :now, :now)";
static const char sql_year_confirm[] =
	"UPDATE calendar_year SET confirmed = 1, confirmed_at = :now, confirmed_by = :by,"
	" updated_at = :now WHERE agency_id = :agency AND year = :year";
/* A new agency's calendar: the template rows (agency_id NULL, see 0014_calendar_agency.sqlite.sql). */
static const char sql_init_periods[] =
	"INSERT INTO calendar_period (agency_id, start_min, end_min, created_at, updated_at)"
	" SELECT :agency, start_min, end_min, :now, :now FROM calendar_period"
	" WHERE agency_id IS NULL";
static const char sql_init_days[] =
	"INSERT INTO calendar_day (agency_id, ymd, kind, name, created_at, updated_at)"
	" SELECT :agency, ymd, kind, name, :now, :now FROM calendar_day WHERE agency_id IS NULL";
static const char sql_init_years[] =
	"INSERT INTO calendar_year (agency_id, year, confirmed, source, created_at, updated_at)"
	" SELECT :agency, year, 0, source, :now, :now FROM calendar_year WHERE agency_id IS NULL";
static const char sql_has_periods[] =
	"SELECT COUNT(*) FROM calendar_period WHERE agency_id = :agency";

static int
load_periods(struct db *db, int64_t agency, struct cal *c, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_periods, e) || db_bind_i64(&st, ":agency", agency, e)
			 ? e->code : 0;

	c->nperiods = 0;
	while (!rc && (rc = db_step(&st, e)) == 1) {
		if (c->nperiods == CAL_PERIODS_MAX) {
			rc = err_set(e, ERR_DB, NULL, "more than %d working periods stored",
				     CAL_PERIODS_MAX);
			break;
		}
		c->periods[c->nperiods].start = (int)db_col_i64(&st, 0);
		c->periods[c->nperiods].end = (int)db_col_i64(&st, 1);
		c->nperiods++;
		rc = 0;
	}
	db_finalize(&st);
	if (rc < 0)
		return rc;
	if (check_periods(c->periods, c->nperiods, 0, e)) {
		log_msg(LOG_ERROR, LOG_MOD, "stored working periods are invalid: %s", e->msg);
		return err_set(e, ERR_DB, NULL, "stored working periods are invalid");
	}
	return 0;
}

static void
day_row(struct stmt *st, struct arena *a, void *item)
{
	struct cal_day *d = item;
	size_t len;
	const char *kind = db_col_peek(st, 1, &len);

	d->date = (int)db_col_i64(st, 0);
	d->kind = kind && strcmp(kind, "workday") == 0 ? CAL_WORKDAY : CAL_HOLIDAY;
	d->name = db_col_text(st, a, 2);
}

/* Marked days with dates in [lo, hi], ascending. */
static int
load_days(struct db *db, struct arena *a, int64_t agency, int lo, int hi, struct cal *c,
	  struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_days, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_i64(&st, ":lo", lo, e) || db_bind_i64(&st, ":hi", hi, e) ||
		 db_read_rows(&st, a, sizeof(*c->days), day_row, (void **)&c->days, &c->ndays, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
cal_load_agency(struct db *db, struct arena *a, int64_t agency_id, struct cal *out,
		struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (load_periods(db, agency_id, out, e) ||
	    load_days(db, a, agency_id, 0, 99991231, out, e))
		return e->code;
	return 0;
}

int
cal_agency_init(struct db *db, int64_t agency_id, struct err *e)
{
	static const char *const copy[] = { sql_init_periods, sql_init_days, sql_init_years };
	struct stmt st = { 0 };
	int64_t now = now_ms(), have = 0;
	int rc;

	assert(db_in_tx(db));
	rc = db_prepare(db, &st, sql_has_periods, e) || db_bind_i64(&st, ":agency", agency_id, e) ||
	     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		have = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc || have)
		return rc;	/* already has its own calendar: leave it */
	for (size_t i = 0; !rc && i < sizeof(copy) / sizeof(copy[0]); i++) {
		rc = db_prepare(db, &st, copy[i], e) || db_bind_i64(&st, ":agency", agency_id, e) ||
		     db_bind_i64(&st, ":now", now, e) || db_step_done(&st, e) ? e->code : 0;
		db_finalize(&st);
	}
	return rc;
}

static int
year_ok(int year, struct err *e)
{
	if (year < CAL_YEAR_MIN || year > CAL_YEAR_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "year", "年份应在 %d 到 %d 之间",
				CAL_YEAR_MIN, CAL_YEAR_MAX);
	return 0;
}

int
cal_year_get(struct db *db, struct arena *a, int64_t agency_id, int year, struct cal_year *out,
	     struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	out->year = year;
	if (year_ok(year, e) || load_periods(db, agency_id, &out->cal, e) ||
	    load_days(db, a, agency_id, year * 10000 + 101, year * 10000 + 1231, &out->cal, e))
		return e->code;
	rc = db_prepare(db, &st, sql_year, e);
	if (!rc)
		rc = db_bind_i64(&st, ":agency", agency_id, e) ||
		     db_bind_i64(&st, ":year", year, e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc) {
		out->confirmed = db_col_i64(&st, 0) != 0;
		out->source = db_col_text(&st, a, 1);
		out->confirmed_at = db_col_i64(&st, 2);
	}
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND) {	/* nobody has shipped or confirmed this year */
		err_clear(e);
		rc = 0;
	}
	return rc;
}

/* The mark on date into *out; ERR_NOT_FOUND when none. */
static int
day_get(struct db *db, struct arena *a, int64_t agency, int date, struct cal_day *out,
	struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_day_get, e);

	if (!rc)
		rc = db_bind_i64(&st, ":agency", agency, e) || db_bind_i64(&st, ":ymd", date, e) ||
		     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		day_row(&st, a, out);
	db_finalize(&st);
	return rc;
}

int
cal_day_set(struct db *db, struct arena *a, const struct actor *who, int date,
	    enum cal_kind kind, const char *name, struct cal_day *out, struct err *e)
{
	struct cal_day cur;
	struct stmt st = { 0 };
	json_t *before = NULL;
	long chars = name ? utf8_chars(name, strlen(name)) : -1;
	int rc;

	assert(db_in_tx(db));
	if (!date_ok(date))
		return err_setx(e, ERR_INVALID, "invalid", "date", "日期无效");
	if (kind != CAL_HOLIDAY && kind != CAL_WORKDAY)
		return err_setx(e, ERR_INVALID, "invalid", "kind", "类型应为 holiday 或 workday");
	if (chars < 1 || chars > CAL_NAME_MAX)
		return err_setx(e, ERR_INVALID, "invalid", "name", "名称应为 1 到 %d 个字符",
				CAL_NAME_MAX);
	if (kind == CAL_WORKDAY && is_weekday(date_to_days(date)))
		return err_setx(e, ERR_RULE, "not_weekend", "date",
				"调休上班日应为周六或周日，周一至周五本来就是工作日");
	rc = day_get(db, a, who->agency_id, date, &cur, e);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	if (!rc)
		before = jarena(a, cal_day_json(&cur));
	err_clear(e);
	rc = db_prepare(db, &st, before ? sql_day_update : sql_day_insert, e);
	if (!rc)
		rc = db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_i64(&st, ":ymd", date, e) ||
		     db_bind_text(&st, ":kind", cal_kind_codes[kind], e) ||
		     db_bind_text(&st, ":name", name, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
		     (!before && db_bind_id_or_null(&st, ":by", who->id, e)) ||
		     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = day_get(db, a, who->agency_id, date, out, e);
	if (!rc)
		rc = aud_record(db, who, "set_day", "calendar", date, before,
				jarena(a, cal_day_json(out)), e);
	return rc;
}

int
cal_day_delete(struct db *db, struct arena *a, const struct actor *who, int date,
	       struct err *e)
{
	struct cal_day cur;
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (!date_ok(date))
		return err_setx(e, ERR_INVALID, "invalid", "date", "日期无效");
	rc = day_get(db, a, who->agency_id, date, &cur, e);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "该日期没有节假日或调休设置");
	if (!rc)
		rc = db_prepare(db, &st, sql_day_delete, e) ||
		     db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_i64(&st, ":ymd", date, e) ||
		     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = aud_record(db, who, "delete_day", "calendar", date,
				jarena(a, cal_day_json(&cur)), NULL, e);
	return rc;
}

int
cal_hours_set(struct db *db, struct arena *a, const struct actor *who,
	      const struct cal_period *p, int n, struct err *e)
{
	struct cal cur = { 0 }, next = { 0 };
	struct stmt st = { 0 };
	int64_t now = now_ms();
	int rc;

	assert(db_in_tx(db));
	if (cal_check_periods(p, n, e) || load_periods(db, who->agency_id, &cur, e))
		return e->code;
	rc = db_prepare(db, &st, sql_periods_clear, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	for (int i = 0; !rc && i < n; i++) {
		rc = db_prepare(db, &st, sql_period_insert, e) ||
		     db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_i64(&st, ":start", p[i].start, e) ||
		     db_bind_i64(&st, ":end", p[i].end, e) || db_bind_i64(&st, ":now", now, e) ||
		     db_bind_id_or_null(&st, ":by", who->id, e) || db_step_done(&st, e) ? e->code : 0;
		db_finalize(&st);
		next.periods[i] = p[i];
	}
	next.nperiods = n;
	if (!rc)
		rc = aud_record(db, who, "set_hours", "calendar", 0,
				jarena(a, cal_periods_json(&cur)),
				jarena(a, cal_periods_json(&next)), e);
	return rc;
}

int
cal_year_confirm(struct db *db, struct arena *a, const struct actor *who, int year,
		 struct cal_year *out, struct err *e)
{
	struct stmt st = { 0 };
	int64_t now = now_ms();
	int ndays, rc;

	assert(db_in_tx(db));
	if (cal_year_get(db, a, who->agency_id, year, out, e))
		return e->code;
	if (out->confirmed)
		return 0;
	ndays = (int)out->cal.ndays;
	if (ndays == 0)
		return err_setx(e, ERR_RULE, "empty_year", "year",
				"%d 年尚未录入任何节假日或调休，请先录入再确认", year);
	rc = db_prepare(db, &st, sql_year_confirm, e) ||
	     db_bind_i64(&st, ":agency", who->agency_id, e) || db_bind_i64(&st, ":year", year, e) ||
	     db_bind_i64(&st, ":now", now, e) || db_bind_id_or_null(&st, ":by", who->id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && db_changes(db) == 0) {
		rc = db_prepare(db, &st, sql_year_insert, e) ||
		     db_bind_i64(&st, ":agency", who->agency_id, e) ||
		     db_bind_i64(&st, ":year", year, e) ||
		     db_bind_i64(&st, ":now", now, e) ||
		     db_bind_id_or_null(&st, ":by", who->id, e) || db_step_done(&st, e) ? e->code
											  : 0;
		db_finalize(&st);
	}
	if (!rc)
		rc = cal_year_get(db, a, who->agency_id, year, out, e);
	if (!rc)
		rc = aud_record(db, who, "confirm", "calendar", year,
				jarena(a, json_pack("{sb}", "confirmed", 0)),
				jarena(a, json_pack("{sb si}", "confirmed", 1, "days", ndays)), e);
	return rc;
}
