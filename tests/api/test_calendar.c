/*
** tests/api/test_calendar.c: the business calendar through the API: reading
** a year (everyone), marking and removing days, working hours and their
** validation, confirming a year (office only), field errors for bad input
** with nothing written, 403 for other roles, and the audit rows (entity
** "calendar") each write leaves. Edits are checked to reach the engine too
** (cal_load_agency on the same database).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client office, staff, sysadmin, leader, anon;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_client_init(&office);
	hq_client_init(&staff);
	hq_client_init(&sysadmin);
	hq_client_init(&leader);
	hq_client_init(&anon);
	if (hq_login(&srv, &office, "office", TEST_PASSWORD) != 200 ||
	    hq_login(&srv, &staff, "staff", TEST_PASSWORD) != 200 ||
	    hq_login(&srv, &sysadmin, "sysadmin", TEST_PASSWORD) != 200 ||
	    hq_login(&srv, &leader, "leader", TEST_PASSWORD) != 200)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&office);
	hq_client_free(&staff);
	hq_client_free(&sysadmin);
	hq_client_free(&leader);
	hq_client_free(&anon);
	hq_stop(&srv);
	return 0;
}

static const json_t *
fields_of(const struct hq_resp *r)
{
	return json_object_get(json_object_get(r->json, "error"), "fields");
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Run a static counting query (no binds) on the test database. */
static int64_t
count(const char *sql)
{
	struct db *db;
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n;

	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	assert_int_equal(db_prepare(db, &st, sql, &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_close(db);
	return n;
}

static const char sql_cal_audit[] = "SELECT COUNT(*) FROM audit_log WHERE entity = 'calendar'";

/* The day of `date` in a GET /calendar answer, or NULL. */
static const json_t *
find_day(const json_t *year, const char *date)
{
	const json_t *days = json_object_get(year, "days");

	for (size_t i = 0; i < json_array_size(days); i++)
		if (strcmp(str(json_array_get(days, i), "date"), date) == 0)
			return json_array_get(days, i);
	return NULL;
}

/* Whether the engine, loading the stored calendar, counts date as a workday. */
static int
engine_workday(int date)
{
	struct arena *a = arena_new(8192);
	struct db *db;
	struct cal c;
	struct err e = { 0 };
	int w;

	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	assert_int_equal(cal_load_agency(db, a, srv.agency_id, &c, &e), 0);
	w = cal_is_workday(&c, date);
	db_close(db);
	arena_free(a);
	return w;
}

static void
everyone_reads_the_shipped_year(void **state)
{
	struct hq_resp r;
	const json_t *d, *hours;

	(void)state;
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/calendar?year=2026", NULL, &r), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "year")), 2026);
	assert_true(json_is_false(json_object_get(r.json, "confirmed")));
	assert_true(json_is_null(json_object_get(r.json, "confirmed_at")));
	assert_non_null(strstr(str(r.json, "source"), "国务院办公厅"));
	hours = json_object_get(r.json, "hours");
	assert_int_equal(json_array_size(hours), 2);
	assert_string_equal(str(json_array_get(hours, 0), "start"), "08:30");
	assert_string_equal(str(json_array_get(hours, 0), "end"), "12:00");
	assert_string_equal(str(json_array_get(hours, 1), "start"), "14:00");
	assert_string_equal(str(json_array_get(hours, 1), "end"), "17:30");
	assert_int_equal(json_array_size(json_object_get(r.json, "days")), 39);
	d = find_day(r.json, "2026-10-01");
	assert_non_null(d);
	assert_string_equal(str(d, "kind"), "holiday");
	assert_string_equal(str(d, "name"), "国庆节");
	d = find_day(r.json, "2026-10-10");
	assert_non_null(d);
	assert_string_equal(str(d, "kind"), "workday");
	hq_resp_free(&r);

	/* no 2027 data is shipped */
	assert_int_equal(hq_req(&srv, &sysadmin, "GET", "/api/v1/calendar?year=2027", NULL, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "days")), 0);
	assert_true(json_is_false(json_object_get(r.json, "confirmed")));
	assert_true(json_is_null(json_object_get(r.json, "source")));
	hq_resp_free(&r);

	/* without ?year= it is this year */
	assert_int_equal(hq_req(&srv, &leader, "GET", "/api/v1/calendar", NULL, &r), 200);
	assert_true(json_integer_value(json_object_get(r.json, "year")) >= 2026);
	hq_resp_free(&r);

	assert_int_equal(hq_req(&srv, &anon, "GET", "/api/v1/calendar?year=2026", NULL, &r), 401);
	hq_resp_free(&r);
}

static void
bad_year_query_is_400(void **state)
{
	static const char *paths[] = { "/api/v1/calendar?year=abc", "/api/v1/calendar?year=1999",
				       "/api/v1/calendar?year=2101", "/api/v1/calendar?year=2026x" };
	struct hq_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(hq_req(&srv, &staff, "GET", paths[i], NULL, &r), 400);
		assert_non_null(json_object_get(fields_of(&r), "year"));
		hq_resp_free(&r);
	}
}

static void
office_marks_and_replaces_a_day(void **state)
{
	struct hq_resp r;
	int64_t before = count(sql_cal_audit);

	(void)state;
	assert_int_equal(engine_workday(20261102), 1);	/* a plain Monday */
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/days/2026-11-02",
				"{\"kind\":\"holiday\",\"name\":\"单位活动日\"}", &r), 200);
	assert_string_equal(str(r.json, "date"), "2026-11-02");
	assert_string_equal(str(r.json, "kind"), "holiday");
	assert_string_equal(str(r.json, "name"), "单位活动日");
	hq_resp_free(&r);
	assert_int_equal(engine_workday(20261102), 0);	/* the engine sees the edit */

	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/days/2026-11-02",
				"{\"kind\":\"holiday\",\"name\":\"运动会\"}", &r), 200);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/calendar?year=2026", NULL, &r), 200);
	assert_string_equal(str(find_day(r.json, "2026-11-02"), "name"), "运动会");
	assert_int_equal(json_array_size(json_object_get(r.json, "days")), 40);
	hq_resp_free(&r);

	/* a make-up workday on a Saturday */
	assert_int_equal(engine_workday(20261107), 0);
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/days/2026-11-07",
				"{\"kind\":\"workday\",\"name\":\"调休上班\"}", &r), 200);
	hq_resp_free(&r);
	assert_int_equal(engine_workday(20261107), 1);

	/* a shipped day changed: 2026-10-10 (make-up Saturday) becomes a rest day */
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/days/2026-10-10",
				"{\"kind\":\"holiday\",\"name\":\"国庆节\"}", &r), 200);
	hq_resp_free(&r);
	assert_int_equal(engine_workday(20261010), 0);

	/* four writes, four audit rows; the replacement carries before and after */
	assert_int_equal(count(sql_cal_audit), before + 4);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE entity = 'calendar'"
			       " AND action = 'set_day' AND entity_id = 20261102"
			       " AND before_json IS NULL AND after_json LIKE '%单位活动日%'"), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE entity = 'calendar'"
			       " AND action = 'set_day' AND entity_id = 20261102"
			       " AND before_json LIKE '%单位活动日%' AND after_json LIKE '%运动会%'"),
			 1);
}

static void
workday_only_on_a_weekend(void **state)
{
	struct hq_resp r;
	int64_t before = count(sql_cal_audit);

	(void)state;
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/days/2026-11-09",
				"{\"kind\":\"workday\",\"name\":\"上班\"}", &r), 422);
	assert_string_equal(hq_err_code(&r), "not_weekend");
	assert_non_null(json_object_get(fields_of(&r), "date"));
	hq_resp_free(&r);
	assert_int_equal(count(sql_cal_audit), before);
}

static const struct {
	const char *date, *body, *field;
} bad_day_cases[] = {
	{ "2026-02-30", "{\"kind\":\"holiday\",\"name\":\"x\"}", "date" },
	{ "2026-2-03", "{\"kind\":\"holiday\",\"name\":\"x\"}", "date" },
	{ "20260203", "{\"kind\":\"holiday\",\"name\":\"x\"}", "date" },
	{ "abc", "{\"kind\":\"holiday\",\"name\":\"x\"}", "date" },
	{ "1999-10-01", "{\"kind\":\"holiday\",\"name\":\"x\"}", "date" },
	{ "2026-11-03", "{\"kind\":\"rest\",\"name\":\"x\"}", "kind" },
	{ "2026-11-03", "{\"kind\":1,\"name\":\"x\"}", "kind" },
	{ "2026-11-03", "{\"name\":\"x\"}", "kind" },
	{ "2026-11-03", "{\"kind\":\"holiday\"}", "name" },
	{ "2026-11-03", "{\"kind\":\"holiday\",\"name\":\"  \"}", "name" },
	{ "2026-11-03",
	  "{\"kind\":\"holiday\",\"name\":\"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三\"}",
	  "name" },
	{ "2026-11-03", "{\"kind\":\"holiday\",\"name\":\"x\",\"extra\":1}", "extra" },
};

static void
bad_day_input_is_400_and_writes_nothing(void **state)
{
	struct hq_resp r;
	char path[128];
	int64_t before = count(sql_cal_audit);
	int64_t days = count("SELECT COUNT(*) FROM calendar_day");

	(void)state;
	for (size_t i = 0; i < sizeof(bad_day_cases) / sizeof(bad_day_cases[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/calendar/days/%s", bad_day_cases[i].date);
		if (hq_req(&srv, &office, "PUT", path, bad_day_cases[i].body, &r) != 400 ||
		    !json_object_get(fields_of(&r), bad_day_cases[i].field))
			fail_msg("case %zu (%s %s): status %ld, body %s", i, bad_day_cases[i].date,
				 bad_day_cases[i].body, r.status, r.body ? r.body : "");
		hq_resp_free(&r);
	}
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/days/2026-11-03", "{\"kind\"",
				&r), 400);
	assert_string_equal(hq_err_code(&r), "bad_json");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "DELETE", "/api/v1/calendar/days/2026-13-01", NULL,
				&r), 400);
	assert_non_null(json_object_get(fields_of(&r), "date"));
	hq_resp_free(&r);
	assert_int_equal(count(sql_cal_audit), before);
	assert_int_equal(count("SELECT COUNT(*) FROM calendar_day"), days);
}

static void
office_deletes_a_day(void **state)
{
	struct hq_resp r;

	(void)state;
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/days/2026-11-16",
				"{\"kind\":\"holiday\",\"name\":\"临时休息\"}", &r), 200);
	hq_resp_free(&r);
	assert_int_equal(engine_workday(20261116), 0);
	assert_int_equal(hq_req(&srv, &office, "DELETE", "/api/v1/calendar/days/2026-11-16", NULL,
				&r), 200);
	hq_resp_free(&r);
	assert_int_equal(engine_workday(20261116), 1);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/calendar?year=2026", NULL, &r), 200);
	assert_null(find_day(r.json, "2026-11-16"));
	hq_resp_free(&r);
	/* gone: a second delete finds nothing */
	assert_int_equal(hq_req(&srv, &office, "DELETE", "/api/v1/calendar/days/2026-11-16", NULL,
				&r), 404);
	hq_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE entity = 'calendar'"
			       " AND action = 'delete_day' AND entity_id = 20261116"
			       " AND before_json LIKE '%临时休息%' AND after_json IS NULL"), 1);
}

static void
office_sets_working_hours(void **state)
{
	struct hq_resp r;
	const json_t *h;
	struct arena *a = arena_new(8192);
	struct db *db;
	struct cal c;
	struct err e = { 0 };
	int64_t from;

	(void)state;
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/hours",
				"{\"periods\":[{\"start\":\"09:00\",\"end\":\"12:00\"},"
				"{\"start\":\"13:30\",\"end\":\"17:00\"}]}", &r), 200);
	h = json_object_get(r.json, "hours");
	assert_int_equal(json_array_size(h), 2);
	assert_string_equal(str(json_array_get(h, 1), "start"), "13:30");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/calendar?year=2026", NULL, &r), 200);
	h = json_object_get(r.json, "hours");
	assert_string_equal(str(json_array_get(h, 0), "start"), "09:00");
	assert_string_equal(str(json_array_get(h, 1), "end"), "17:00");
	hq_resp_free(&r);

	/* the engine counts with the new hours: Tuesday 2026-11-24 holds 390 minutes */
	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	assert_int_equal(cal_load_agency(db, a, srv.agency_id, &c, &e), 0);
	db_close(db);
	assert_int_equal(c.nperiods, 2);
	assert_int_equal(c.periods[0].start, 9 * 60);
	assert_int_equal(c.periods[1].end, 17 * 60);
	assert_int_equal(iso_to_ms("2026-11-24", &from), 0);
	assert_int_equal(cal_business_minutes_between(&c, from, from + DAY_MS), 390);
	arena_free(a);

	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE entity = 'calendar'"
			       " AND action = 'set_hours' AND before_json LIKE '%08:30%'"
			       " AND after_json LIKE '%09:00%'"), 1);

	/* back to the default for the other tests */
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/hours",
				"{\"periods\":[{\"start\":\"08:30\",\"end\":\"12:00\"},"
				"{\"start\":\"14:00\",\"end\":\"17:30\"}]}", &r), 200);
	hq_resp_free(&r);
}

static const struct {
	const char *body, *field;
} bad_hours_cases[] = {
	{ "{}", "periods" },
	{ "{\"periods\":[]}", "periods" },
	{ "{\"periods\":\"08:30-12:00\"}", "periods" },
	{ "{\"periods\":[{\"start\":\"8:30\",\"end\":\"12:00\"}]}", "periods" },
	{ "{\"periods\":[{\"start\":\"08:30\",\"end\":\"25:00\"}]}", "periods" },
	{ "{\"periods\":[{\"start\":\"08:30\",\"end\":\"12:60\"}]}", "periods" },
	{ "{\"periods\":[{\"start\":\"08:30\"}]}", "periods" },
	{ "{\"periods\":[{\"start\":\"08:30\",\"end\":\"12:00\",\"x\":1}]}", "periods" },
	{ "{\"periods\":[{\"start\":830,\"end\":1200}]}", "periods" },
	{ "{\"periods\":[\"08:30\"]}", "periods" },
	{ "{\"periods\":[{\"start\":\"12:00\",\"end\":\"08:30\"}]}", "periods" },	/* start > end */
	{ "{\"periods\":[{\"start\":\"12:00\",\"end\":\"12:00\"}]}", "periods" },	/* empty */
	{ "{\"periods\":[{\"start\":\"14:00\",\"end\":\"17:30\"},"
	  "{\"start\":\"08:30\",\"end\":\"12:00\"}]}", "periods" },			/* order */
	{ "{\"periods\":[{\"start\":\"08:30\",\"end\":\"14:30\"},"
	  "{\"start\":\"14:00\",\"end\":\"17:30\"}]}", "periods" },			/* overlap */
	{ "{\"periods\":[{\"start\":\"01:00\",\"end\":\"02:00\"},{\"start\":\"03:00\",\"end\":\"04:00\"},"
	  "{\"start\":\"05:00\",\"end\":\"06:00\"},{\"start\":\"07:00\",\"end\":\"08:00\"},"
	  "{\"start\":\"09:00\",\"end\":\"10:00\"}]}", "periods" },			/* five */
	{ "{\"periods\":[{\"start\":\"08:30\",\"end\":\"12:00\"}],\"tz\":\"UTC\"}", "tz" },
};

static void
bad_hours_are_400_and_change_nothing(void **state)
{
	struct hq_resp r;
	int64_t before = count(sql_cal_audit);

	(void)state;
	for (size_t i = 0; i < sizeof(bad_hours_cases) / sizeof(bad_hours_cases[0]); i++) {
		if (hq_req(&srv, &office, "PUT", "/api/v1/calendar/hours", bad_hours_cases[i].body,
			   &r) != 400 ||
		    !json_object_get(fields_of(&r), bad_hours_cases[i].field))
			fail_msg("case %zu (%s): status %ld, body %s", i, bad_hours_cases[i].body,
				 r.status, r.body ? r.body : "");
		hq_resp_free(&r);
	}
	assert_int_equal(count(sql_cal_audit), before);
	assert_int_equal(count("SELECT COUNT(*) FROM calendar_period WHERE agency_id IS NOT NULL"),
			 2);
	assert_int_equal(count("SELECT COUNT(*) FROM calendar_period WHERE agency_id IS NOT NULL"
			       " AND start_min = 510 AND end_min = 720"), 1);
	/* four touching periods are fine, as is one */
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/hours",
				"{\"periods\":[{\"start\":\"08:00\",\"end\":\"10:00\"},"
				"{\"start\":\"10:00\",\"end\":\"12:00\"},"
				"{\"start\":\"13:00\",\"end\":\"15:00\"},"
				"{\"start\":\"15:00\",\"end\":\"24:00\"}]}", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "hours")), 4);
	assert_string_equal(str(json_array_get(json_object_get(r.json, "hours"), 3), "end"), "24:00");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/hours",
				"{\"periods\":[{\"start\":\"08:30\",\"end\":\"12:00\"},"
				"{\"start\":\"14:00\",\"end\":\"17:30\"}]}", &r), 200);
	hq_resp_free(&r);
}

static void
office_confirms_a_year(void **state)
{
	struct hq_resp r;
	int64_t before;

	(void)state;
	/* nothing entered for 2027 yet: nothing to confirm */
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/calendar/years/2027/confirm", NULL,
				&r), 422);
	assert_string_equal(hq_err_code(&r), "empty_year");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/calendar/years/abc/confirm", NULL,
				&r), 400);
	assert_non_null(json_object_get(fields_of(&r), "year"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/calendar/years/1999/confirm", NULL,
				&r), 400);
	hq_resp_free(&r);

	before = count(sql_cal_audit);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/calendar/years/2026/confirm", NULL,
				&r), 200);
	assert_true(json_is_true(json_object_get(r.json, "confirmed")));
	assert_non_null(str(r.json, "confirmed_at"));
	assert_true(json_array_size(json_object_get(r.json, "days")) >= 39);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/calendar?year=2026", NULL, &r), 200);
	assert_true(json_is_true(json_object_get(r.json, "confirmed")));
	hq_resp_free(&r);
	assert_int_equal(count(sql_cal_audit), before + 1);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE entity = 'calendar'"
			       " AND action = 'confirm' AND entity_id = 2026"
			       " AND before_json LIKE '%false%' AND after_json LIKE '%true%'"), 1);

	/* again: already confirmed, nothing changes and nothing is recorded */
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/calendar/years/2026/confirm", NULL,
				&r), 200);
	hq_resp_free(&r);
	assert_int_equal(count(sql_cal_audit), before + 1);

	/* a year the office entered itself gets its row on confirmation */
	assert_int_equal(hq_req(&srv, &office, "PUT", "/api/v1/calendar/days/2027-01-01",
				"{\"kind\":\"holiday\",\"name\":\"元旦\"}", &r), 200);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/calendar/years/2027/confirm", NULL,
				&r), 200);
	assert_true(json_is_true(json_object_get(r.json, "confirmed")));
	assert_true(json_is_null(json_object_get(r.json, "source")));
	hq_resp_free(&r);
}

static const struct {
	const char *method, *path, *body;
} writes[] = {
	{ "PUT", "/api/v1/calendar/days/2026-11-03", "{\"kind\":\"holiday\",\"name\":\"x\"}" },
	{ "DELETE", "/api/v1/calendar/days/2026-10-01", NULL },
	{ "PUT", "/api/v1/calendar/hours", "{\"periods\":[{\"start\":\"08:00\",\"end\":\"12:00\"}]}" },
	{ "POST", "/api/v1/calendar/years/2026/confirm", NULL },
};

static void
only_office_writes(void **state)
{
	struct hq_client *others[] = { &staff, &sysadmin, &leader };
	struct hq_resp r;
	int64_t before = count(sql_cal_audit);

	(void)state;
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
			if (hq_req(&srv, others[k], writes[i].method, writes[i].path, writes[i].body,
				   &r) != 403)
				fail_msg("%s %s by client %zu: %ld", writes[i].method, writes[i].path, k,
					 r.status);
			hq_resp_free(&r);
		}
		assert_int_equal(hq_req(&srv, &anon, writes[i].method, writes[i].path,
					writes[i].body, &r), 401);
		hq_resp_free(&r);
	}
	assert_int_equal(count(sql_cal_audit), before);
	assert_int_equal(engine_workday(20261001), 0);	/* still a holiday */
}

/* Every calendar write above sits in the unbroken audit chain. */
static void
audit_chain_holds(void **state)
{
	struct db *db;
	struct err e = { 0 };
	int64_t bad = -1, n = 0;

	(void)state;
	assert_true(count(sql_cal_audit) >= 10);
	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	assert_int_equal(aud_verify(db, &bad, &n, &e), 0);
	db_close(db);
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(everyone_reads_the_shipped_year),
		cmocka_unit_test(bad_year_query_is_400),
		cmocka_unit_test(office_marks_and_replaces_a_day),
		cmocka_unit_test(workday_only_on_a_weekend),
		cmocka_unit_test(bad_day_input_is_400_and_writes_nothing),
		cmocka_unit_test(office_deletes_a_day),
		cmocka_unit_test(office_sets_working_hours),
		cmocka_unit_test(bad_hours_are_400_and_change_nothing),
		cmocka_unit_test(office_confirms_a_year),
		cmocka_unit_test(only_office_writes),
		cmocka_unit_test(audit_chain_holds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
