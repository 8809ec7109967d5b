/*
** tests/api/test_wo_stats.c: 报修统计 (GET /api/v1/workorders/stats) and the
** history generator (wo_gen_history).
**
** The generator makes a known data set (fixed seed, fixed dates) on the
** shared work-order fixture; its own test checks that it makes exactly n
** orders with unique codes and consistent timelines. Every figure of the
** stats (counts by status, mean and p90 of accept/resolve minutes, on-time
** rates, first-time-fix and reopen rates, satisfaction) is then checked
** against the same figure computed from the rows with plain SQL, overall,
** per group (category, team, worker, building, month) and under filters;
** a hand-made set of orders driven through the API with a moved clock
** checks exact known values. Scope (dept_head sees their department),
** 401/403 for the other roles, 400 for bad parameters, and the CSV/XLSX
** export with its Chinese headers.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "modules/workorders/workorders.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_N 300
#define GEN_SEED 20261123u

static struct hq_server srv;
static struct hq_wo fx;
static struct db *ro;		/* read-only connection for the expectations */
static int64_t gen_from, gen_to, garage_room, test_cat;
static int64_t orders_before_gen;

/* ---------- helpers ---------- */

static int64_t
ms_of(const char *iso)
{
	int64_t ms = 0;

	if (iso_to_ms(iso, &ms))
		fail_msg("bad date %s", iso);
	return ms;
}

/* First column of the first row of sql (printf-style) as an integer; -1 when NULL. */
static int64_t
q_i64(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int64_t
q_i64(const char *fmt, ...)
{
	char sql[2048];
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t v = -1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (db_prepare_once(ro, &st, sql, &e))
		fail_msg("sql %s: %s", sql, e.msg);
	if (db_step(&st, &e) == 1 && !db_col_is_null(&st, 0))
		v = db_col_i64(&st, 0);
	db_finalize(&st);
	return v;
}

/*
** The mean of an integer column over the rows of w, NaN when none: SUM and
** COUNT, exact on both backends (AVG is a double in SQLite, a numeric in
** PostgreSQL, and the db API reads integers and text).
*/
static double
mean_sql(const char *col, const char *w)
{
	int64_t n = q_i64("SELECT COUNT(%s) FROM workorder w WHERE %s", col, w);

	if (n <= 0)
		return NAN;
	return (double)q_i64("SELECT SUM(%s) FROM workorder w WHERE %s", col, w) / (double)n;
}

static void
exec_w(const char *sql)
{
	struct db *db = db_pool_writer(srv.pool);
	struct err e = { 0 };

	if (db_begin_write(db, &e) || db_exec(db, sql, &e) || db_commit(db, &e))
		fail_msg("exec %s: %s", sql, e.msg);
	db_pool_writer_unlock(srv.pool);
}

static json_t *
jget(const json_t *j, const char *path)
{
	char key[64];
	const char *dot;

	while (j && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		j = json_object_get(j, key);
		path = dot + 1;
	}
	return j ? json_object_get(j, path) : NULL;
}

/* A JSON number that is null exactly when want is NaN, else within tol of want. */
static void
check_num(const json_t *j, const char *path, double want, double tol, const char *where)
{
	const json_t *v = jget(j, path);

	if (isnan(want)) {
		if (!json_is_null(v))
			fail_msg("%s %s: want null, got %g", where, path, json_number_value(v));
		return;
	}
	if (!json_is_number(v))
		fail_msg("%s %s: want %g, got no number", where, path, want);
	if (fabs(json_number_value(v) - want) > tol)
		fail_msg("%s %s: want %g, got %g", where, path, want, json_number_value(v));
}

static double
ratio(int64_t num, int64_t den)
{
	return den > 0 ? (double)num / (double)den : NAN;
}

/* p90 (nearest rank) of col over the rows of w, NaN when none. */
static double
p90_sql(const char *col, const char *w)
{
	int64_t n = q_i64("SELECT COUNT(%s) FROM workorder w WHERE %s", col, w);

	if (n <= 0)
		return NAN;
	return (double)q_i64("SELECT %s FROM workorder w WHERE %s AND %s IS NOT NULL ORDER BY %s"
			     " LIMIT 1 OFFSET %lld", col, w, col, col,
			     (long long)((9 * n + 9) / 10 - 1));
}

/* Every figure of obj (the whole answer or one group) against SQL over `w`. */
static void
check_figs(const json_t *obj, const char *w, const char *where)
{
	static const char *const st[] = { "submitted", "accepted", "dispatched", "in_progress",
					   "suspended", "resolved", "confirmed", "cancelled" };
	char key[64];
	int64_t total = q_i64("SELECT COUNT(*) FROM workorder w WHERE %s", w);
	int64_t resolved = q_i64("SELECT COUNT(*) FROM workorder w WHERE %s AND (resolved_at IS"
				 " NOT NULL OR reopen_count > 0)", w);
	int64_t reopened = q_i64("SELECT COUNT(*) FROM workorder w WHERE %s AND reopen_count > 0",
				 w);

	assert_int_equal(json_integer_value(jget(obj, "total")), total);
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		snprintf(key, sizeof(key), "by_status.%s", st[i]);
		assert_int_equal(json_integer_value(jget(obj, key)),
				 q_i64("SELECT COUNT(*) FROM workorder w WHERE %s AND status = '%s'",
				       w, st[i]));
	}
	static const struct {
		const char *obj, *min, *on;
	} clocks[] = { { "accept", "accept_minutes", "accept_on_time" },
		       { "resolve", "resolve_minutes", "resolve_on_time" } };
	for (int c = 0; c < 2; c++) {
		snprintf(key, sizeof(key), "%s.count", clocks[c].obj);
		assert_int_equal(json_integer_value(jget(obj, key)),
				 q_i64("SELECT COUNT(%s) FROM workorder w WHERE %s", clocks[c].min, w));
		snprintf(key, sizeof(key), "%s.mean_min", clocks[c].obj);
		check_num(obj, key, mean_sql(clocks[c].min, w),
			  0.05 + 1e-9, where);
		snprintf(key, sizeof(key), "%s.p90_min", clocks[c].obj);
		check_num(obj, key, p90_sql(clocks[c].min, w), 0, where);
		snprintf(key, sizeof(key), "%s.on_time_rate", clocks[c].obj);
		check_num(obj, key, mean_sql(clocks[c].on, w),
			  0.00005 + 1e-9, where);
	}
	check_num(obj, "first_time_fix_rate", ratio(resolved - reopened, resolved), 0.00005 + 1e-9,
		  where);
	check_num(obj, "reopen_rate", ratio(reopened, resolved), 0.00005 + 1e-9, where);
	check_num(obj, "satisfaction.mean", mean_sql("rating", w),
		  0.005 + 1e-9, where);
	assert_int_equal(json_integer_value(jget(obj, "satisfaction.count")),
			 q_i64("SELECT COUNT(rating) FROM workorder w WHERE %s", w));
	const json_t *dist = jget(obj, "satisfaction.distribution");
	assert_int_equal(json_array_size(dist), 5);
	for (int r = 1; r <= 5; r++)
		assert_int_equal(json_integer_value(json_array_get(dist, (size_t)r - 1)),
				 q_i64("SELECT COUNT(*) FROM workorder w WHERE %s AND rating = %d", w,
				       r));
}

/* GET path as c expecting 200; the JSON body (caller decrefs). */
static json_t *
get_stats(struct hq_client *c, const char *path)
{
	struct hq_resp r;
	json_t *j;

	if (hq_req(&srv, c, "GET", path, NULL, &r) != 200)
		fail_msg("GET %s gave %ld: %s", path, r.status, r.body);
	j = json_incref(r.json);
	hq_resp_free(&r);
	return j;
}

/* The condition of one group of kind for the expectation SQL. */
static void
group_where(const char *kind, const json_t *g, const char *base, char *out, size_t size)
{
	const json_t *key = json_object_get(g, "key");
	long long id = (long long)json_integer_value(key);

	if (strcmp(kind, "month") == 0) {
		const char *ym = json_string_value(key);
		char d[16];
		int y, m;
		assert_non_null(ym);
		assert_int_equal(sscanf(ym, "%4d-%2d", &y, &m), 2);
		snprintf(d, sizeof(d), "%04d-%02d-01", y, m);
		int64_t from = ms_of(d);
		snprintf(d, sizeof(d), "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
		snprintf(out, size, "%s AND w.created_at >= %lld AND w.created_at < %lld", base,
			 (long long)from, (long long)ms_of(d));
	} else if (strcmp(kind, "location") == 0) {
		snprintf(out, size, "%s AND w.location_id IN (SELECT l.id FROM location l WHERE l.id ="
			 " %lld OR l.parent_id = %lld OR l.parent_id IN (SELECT x.id FROM location x"
			 " WHERE x.parent_id = %lld))", base, id, id, id);
	} else {
		const char *col = strcmp(kind, "category") == 0 ? "category_id"
				  : strcmp(kind, "team") == 0	  ? "team_id"
								  : "worker_id";
		if (json_is_null(key))
			snprintf(out, size, "%s AND w.%s IS NULL", base, col);
		else
			snprintf(out, size, "%s AND w.%s = %lld", base, col, id);
	}
}

/* Every group of kind against SQL; the groups' totals add up to the whole. */
static void
check_groups(struct hq_client *c, const char *kind, const char *query, const char *base)
{
	char path[256], w[1024], where[96];
	json_t *j, *g;
	int64_t sum = 0;
	size_t i;

	snprintf(path, sizeof(path), "/api/v1/workorders/stats?group=%s%s", kind, query);
	j = get_stats(c, path);
	assert_string_equal(json_string_value(json_object_get(j, "group")), kind);
	check_figs(j, base, "whole");
	assert_true(json_array_size(json_object_get(j, "groups")) > 0);
	json_array_foreach(json_object_get(j, "groups"), i, g) {
		group_where(kind, g, base, w, sizeof(w));
		snprintf(where, sizeof(where), "%s group %zu", kind, i);
		check_figs(g, w, where);
		assert_non_null(json_string_value(json_object_get(g, "name")));
		sum += json_integer_value(json_object_get(g, "total"));
	}
	assert_int_equal(sum, json_integer_value(json_object_get(j, "total")));
	json_decref(j);
}

/* ---------- set-up: the fixture, a second building, the generated history ---------- */

static int
setup(void **state)
{
	struct db *db;
	struct err e = { 0 };
	char sql[512];

	(void)state;
	hq_start(&srv);
	hq_wo_fixture(&srv, &fx);
	/* a room in the second building, so location groups have two buildings */
	snprintf(sql, sizeof(sql), "INSERT INTO location (agency_id, parent_id, kind, name, active,"
		 " created_at, updated_at) VALUES (%lld, %lld, 'floor', '1层', 1, 1, 1)",
		 (long long)srv.agency_id, (long long)fx.garage);
	exec_w(sql);
	db = db_pool_writer(srv.pool);
	int64_t floor = db_last_id(db);
	db_pool_writer_unlock(srv.pool);
	snprintf(sql, sizeof(sql), "INSERT INTO location (agency_id, parent_id, kind, name, active,"
		 " created_at, updated_at) VALUES (%lld, %lld, 'room', '停车位A', 1, 1, 1)",
		 (long long)srv.agency_id, (long long)floor);
	exec_w(sql);
	db = db_pool_writer(srv.pool);
	garage_room = db_last_id(db);
	db_pool_writer_unlock(srv.pool);
	/* the hand-made set's own category: urgent targets 25 / 35 minutes */
	snprintf(sql, sizeof(sql), "INSERT INTO wo_category (agency_id, name, default_team_id,"
		 " safety, sort_order, active, created_at, updated_at) VALUES (%lld, '统计测试', %lld,"
		 " 0, 9, 0, 1, 1)", (long long)srv.agency_id, (long long)fx.team);
	exec_w(sql);
	db = db_pool_writer(srv.pool);
	test_cat = db_last_id(db);
	db_pool_writer_unlock(srv.pool);
	snprintf(sql, sizeof(sql), "INSERT INTO wo_sla_target (agency_id, category_id, priority,"
		 " accept_min, resolve_min) SELECT agency_id, id, p.priority, p.a, p.r FROM"
		 " wo_category, (SELECT 'urgent' AS priority, 25 AS a, 35 AS r UNION ALL SELECT"
		 " 'high', 60, 480 UNION ALL SELECT 'normal', 120, 960 UNION ALL SELECT 'low', 240,"
		 " 1920) p WHERE id = %lld", (long long)test_cat);
	exec_w(sql);
	if (db_open(srv.db_path, DB_READONLY, &ro, &e))
		fail_msg("open %s: %s", srv.db_path, e.msg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	db_close(ro);
	hq_stop(&srv);
	return 0;
}

/* ---------- the generator ---------- */

static void
generator_makes_n_consistent_orders(void **state)
{
	struct db *db;
	struct err e = { 0 };
	struct arena *a = arena_new(16384);
	struct cal cal;
	struct stmt st = { 0 };
	struct db *evdb;	/* the timelines, read while st is open on ro */

	(void)state;
	gen_from = ms_of("2026-05-01");
	gen_to = ms_of("2026-11-20T15:00:00+08:00");
	orders_before_gen = q_i64("SELECT COUNT(*) FROM workorder");
	db = db_pool_writer(srv.pool);
	/* bad arguments, nothing to do */
	assert_int_equal(wo_gen_history(db, srv.agency_id, 5, gen_to, gen_from, 1, &e), ERR_INVALID);
	assert_int_equal(wo_gen_history(db, srv.agency_id, 0, gen_from, gen_to, 1, &e), 0);
	/* an agency without categories */
	assert_int_equal(wo_gen_history(db, srv.agency_id + 1000, 5, gen_from, gen_to, 1, &e),
			 ERR_RULE);
	/* the data set every later test uses (own transactions) */
	if (wo_gen_history(db, srv.agency_id, GEN_N, gen_from, gen_to, GEN_SEED, &e))
		fail_msg("generate: %s", e.msg);
	assert_false(db_in_tx(db));
	if (cal_load_agency(db, a, srv.agency_id, &cal, &e))
		fail_msg("cal_load_agency: %s", e.msg);
	db_pool_writer_unlock(srv.pool);

	/* exactly n orders, in range, unique well-formed codes that match the creation day */
	assert_int_equal(q_i64("SELECT COUNT(*) FROM workorder"), orders_before_gen + GEN_N);
	assert_int_equal(q_i64("SELECT COUNT(DISTINCT code) FROM workorder"),
			 orders_before_gen + GEN_N);
	assert_int_equal(q_i64("SELECT COUNT(*) FROM workorder WHERE created_at < %lld OR"
			       " created_at >= %lld", (long long)gen_from, (long long)gen_to), 0);
	assert_int_equal(db_open(srv.db_path, DB_READONLY, &evdb, &e), 0);
	assert_int_equal(db_prepare_once(ro, &st, "SELECT code, created_at, status, updated_at,"
					    " requester_id, COALESCE(accept_minutes, -1),"
					    " COALESCE(accepted_at, 0), clock_24h,"
					    " COALESCE(resolve_minutes, -1), COALESCE(rating, 0),"
					    " auto_confirmed, reopen_count, COALESCE(closed_at, 0), id,"
					    " resolve_used_ms, COALESCE(resolve_on_time, -1),"
					    " resolve_target_min FROM workorder ORDER BY id", &e), 0);
	int n = 0, reopened = 0, autoc = 0, rated = 0, open = 0, old_closed = 0, old = 0;
	while (db_step(&st, &e) == 1) {
		const char *code = db_col_peek(&st, 0, NULL);
		int64_t created = db_col_i64(&st, 1), id = db_col_i64(&st, 13);
		const char *status = db_col_peek(&st, 2, NULL);
		char want[24];
		snprintf(want, sizeof(want), "WO-%08d-", cal_local_date(created));
		assert_int_equal(strlen(code), strlen("WO-20261123-0001"));
		assert_memory_equal(code, want, strlen(want));
		n++;
		/* the timeline: create first, a chain of statuses, strictly later each step */
		struct stmt ev = { 0 };
		char sql[256];
		snprintf(sql, sizeof(sql), "SELECT action, COALESCE(from_status, ''), to_status,"
			 " created_at, COALESCE(actor_id, 0) FROM wo_event WHERE workorder_id = %lld"
			 " ORDER BY id", (long long)id);
		assert_int_equal(db_prepare_once(evdb, &ev, sql, &e), 0);
		char prev[16] = "";
		int64_t last_at = 0, naccept = 0, nreopen = 0, nconfirm = 0, nauto = 0;
		int k = 0;
		while (db_step(&ev, &e) == 1) {
			const char *action = db_col_peek(&ev, 0, NULL);
			const char *from = db_col_peek(&ev, 1, NULL);
			const char *to = db_col_peek(&ev, 2, NULL);
			int64_t at = db_col_i64(&ev, 3);
			if (k == 0) {
				assert_string_equal(action, "create");
				assert_string_equal(from, "");
				assert_string_equal(to, "submitted");
				assert_int_equal(at, created);
				assert_int_equal(db_col_i64(&ev, 4),
						 db_col_i64(&st, 4));
			} else {
				assert_string_equal(from, prev);
				assert_true(at > last_at);
			}
			assert_true(at < gen_to);
			naccept += strcmp(action, "accept") == 0;
			nreopen += strcmp(action, "reopen") == 0;
			nconfirm += strcmp(action, "confirm") == 0;
			nauto += strcmp(action, "auto_confirm") == 0;
			snprintf(prev, sizeof(prev), "%s", to);
			last_at = at;
			k++;
		}
		db_finalize(&ev);
		assert_true(k >= 1);
		assert_string_equal(prev, status);
		assert_int_equal(last_at, db_col_i64(&st, 3));
		/* the measured figures agree with the timeline and the calendar */
		int64_t amin = db_col_i64(&st, 5), accepted = db_col_i64(&st, 6);
		assert_int_equal(amin >= 0, naccept == 1);
		if (amin >= 0) {
			struct wo_clock clk = { .h24 = (int)db_col_i64(&st, 7), .cal = &cal };
			assert_int_equal(amin, wo_clock_between(&clk, created, accepted) / MINUTE_MS);
		}
		int resolved = strcmp(status, "resolved") == 0 || strcmp(status, "confirmed") == 0;
		assert_int_equal(db_col_i64(&st, 8) >= 0, resolved);
		if (resolved) {
			int64_t used = db_col_i64(&st, 14);
			assert_int_equal(db_col_i64(&st, 8), used / MINUTE_MS);
			assert_int_equal(db_col_i64(&st, 15),
					 used <= db_col_i64(&st, 16) * MINUTE_MS);
		}
		assert_int_equal(db_col_i64(&st, 9) > 0, nconfirm == 1);
		assert_int_equal(db_col_i64(&st, 10), nauto);
		assert_int_equal(db_col_i64(&st, 11), nreopen);
		assert_int_equal(db_col_i64(&st, 12) > 0,
				 strcmp(status, "confirmed") == 0 || strcmp(status, "cancelled") == 0);
		reopened += nreopen > 0;
		autoc += (int)nauto;
		rated += (int)nconfirm;
		if (created < gen_to - 14 * DAY_MS) {
			old++;
			old_closed += strcmp(status, "confirmed") == 0 ||
				      strcmp(status, "cancelled") == 0;
		} else {
			open += strcmp(status, "confirmed") != 0 && strcmp(status, "cancelled") != 0;
		}
	}
	db_finalize(&st);
	db_close(evdb);
	assert_int_equal(n, orders_before_gen + GEN_N);
	/* plausibly realistic: some reopened, some auto-confirmed, mostly rated, old ones closed */
	assert_true(reopened >= 5 && reopened <= 45);
	assert_true(autoc >= 8 && autoc <= 60);
	assert_true(rated >= GEN_N / 2);
	assert_true(old_closed * 100 >= old * 90);
	assert_true(open >= 1);
	/* ratings mostly 4-5, every one 1..5 */
	assert_true(q_i64("SELECT COUNT(*) FROM workorder WHERE rating >= 4") * 10 >=
		    q_i64("SELECT COUNT(rating) FROM workorder") * 7);
	/* the history is audited once, as one generation run */
	assert_int_equal(q_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'generate' AND"
			       " entity = 'workorder'"), 1);
	arena_free(a);
}

/* ---------- figures against SQL ---------- */

static void
stats_match_sql_overall_and_per_group(void **state)
{
	static const char *const kinds[] = { "category", "team", "worker", "location", "month" };
	struct hq_client office;
	char base[128];
	json_t *j;

	(void)state;
	hq_sign_in(&srv, &office, "office");
	snprintf(base, sizeof(base), "w.agency_id = %lld", (long long)srv.agency_id);
	j = get_stats(&office, "/api/v1/workorders/stats");
	check_figs(j, base, "all");
	assert_true(json_is_null(json_object_get(j, "group")));
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 0);
	/* the generated set measures something everywhere */
	assert_true(json_integer_value(jget(j, "accept.count")) > 100);
	assert_true(json_integer_value(jget(j, "accept.p90_min")) > 0);
	assert_true(json_integer_value(jget(j, "resolve.p90_min")) > 0);
	assert_true(json_number_value(jget(j, "first_time_fix_rate")) > 0.7);
	json_decref(j);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		check_groups(&office, kinds[k], "", base);

	/* buildings: both appear, named after the building */
	j = get_stats(&office, "/api/v1/workorders/stats?group=location");
	json_t *g;
	size_t i;
	int seen_main = 0, seen_garage = 0;
	json_array_foreach(json_object_get(j, "groups"), i, g) {
		seen_main |= json_integer_value(json_object_get(g, "key")) == fx.building &&
			     strcmp(json_string_value(json_object_get(g, "name")), "综合楼") == 0;
		seen_garage |= json_integer_value(json_object_get(g, "key")) == fx.garage &&
			       strcmp(json_string_value(json_object_get(g, "name")), "车库") == 0;
	}
	assert_true(seen_main && seen_garage);
	json_decref(j);
	/* months: consecutive from 2026-05 to 2026-11 */
	j = get_stats(&office, "/api/v1/workorders/stats?group=month");
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 7);
	assert_string_equal(json_string_value(jget(json_array_get(json_object_get(j, "groups"), 0),
						   "key")), "2026-05");
	assert_string_equal(json_string_value(jget(json_array_get(json_object_get(j, "groups"), 6),
						   "name")), "2026-11");
	json_decref(j);
	/* leader and supervisor see the same agency figures */
	struct hq_client leader, sup;
	hq_sign_in(&srv, &leader, "leader");
	hq_sign_in(&srv, &sup, "supervisor");
	j = get_stats(&leader, "/api/v1/workorders/stats");
	check_figs(j, base, "leader");
	json_decref(j);
	j = get_stats(&sup, "/api/v1/workorders/stats?group=category");
	check_figs(j, base, "supervisor");
	json_decref(j);
	hq_client_free(&leader);
	hq_client_free(&sup);
	hq_client_free(&office);
}

static void
stats_filters(void **state)
{
	struct hq_client office;
	char path[256], base[512];
	json_t *j;

	(void)state;
	hq_sign_in(&srv, &office, "office");
	/* dates: from inclusive, to a whole day inclusive */
	snprintf(base, sizeof(base), "w.agency_id = %lld AND w.created_at >= %lld AND"
		 " w.created_at < %lld", (long long)srv.agency_id, (long long)ms_of("2026-07-01"),
		 (long long)ms_of("2026-09-01"));
	check_groups(&office, "month", "&from=2026-07-01&to=2026-08-31", base);
	j = get_stats(&office, "/api/v1/workorders/stats?group=month&from=2026-07-01&to=2026-08-31");
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 2);
	json_decref(j);
	/* an ISO instant as `to` */
	snprintf(base, sizeof(base), "w.agency_id = %lld AND w.created_at < %lld",
		 (long long)srv.agency_id, (long long)ms_of("2026-06-15T12:00:00+08:00") + 1);
	j = get_stats(&office, "/api/v1/workorders/stats?to=2026-06-15T12:00:00%2B08:00");
	check_figs(j, base, "to instant");
	json_decref(j);
	/* category, team, worker */
	snprintf(base, sizeof(base), "w.agency_id = %lld AND w.category_id = %lld",
		 (long long)srv.agency_id, (long long)fx.cat);
	snprintf(path, sizeof(path), "&category_id=%lld", (long long)fx.cat);
	check_groups(&office, "worker", path, base);
	snprintf(base, sizeof(base), "w.agency_id = %lld AND w.team_id = %lld AND w.worker_id = %lld",
		 (long long)srv.agency_id, (long long)fx.team, (long long)fx.worker);
	snprintf(path, sizeof(path), "&team_id=%lld&worker_id=%lld", (long long)fx.team,
		 (long long)fx.worker);
	check_groups(&office, "category", path, base);
	/* location: a building covers its floors and rooms; a room only itself */
	snprintf(base, sizeof(base), "w.agency_id = %lld AND w.location_id IN (%lld, %lld)",
		 (long long)srv.agency_id, (long long)fx.room, (long long)fx.room2);
	snprintf(path, sizeof(path), "&location_id=%lld", (long long)fx.building);
	check_groups(&office, "location", path, base);
	snprintf(base, sizeof(base), "w.agency_id = %lld AND w.location_id = %lld",
		 (long long)srv.agency_id, (long long)garage_room);
	snprintf(path, sizeof(path), "/api/v1/workorders/stats?location_id=%lld",
		 (long long)garage_room);
	j = get_stats(&office, path);
	check_figs(j, base, "room");
	assert_true(json_integer_value(json_object_get(j, "total")) > 0);
	json_decref(j);
	/* nothing selected: zero counts, null means and rates, no groups */
	j = get_stats(&office, "/api/v1/workorders/stats?from=2020-01-01&to=2020-01-31&group=team");
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
	assert_true(json_is_null(jget(j, "accept.mean_min")));
	assert_true(json_is_null(jget(j, "accept.p90_min")));
	assert_true(json_is_null(jget(j, "resolve.on_time_rate")));
	assert_true(json_is_null(jget(j, "first_time_fix_rate")));
	assert_true(json_is_null(jget(j, "reopen_rate")));
	assert_true(json_is_null(jget(j, "satisfaction.mean")));
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 0);
	json_decref(j);
	hq_client_free(&office);
}

static void
dept_head_sees_own_department(void **state)
{
	struct hq_client head;
	char base[128];
	json_t *j;

	(void)state;
	hq_sign_in(&srv, &head, "dept_head");
	snprintf(base, sizeof(base), "w.agency_id = %lld AND w.requester_dept_id = %lld",
		 (long long)srv.agency_id, (long long)srv.dept1_id);
	j = get_stats(&head, "/api/v1/workorders/stats");
	check_figs(j, base, "dept_head");
	int64_t mine = json_integer_value(json_object_get(j, "total"));
	assert_true(mine > 0);
	assert_true(mine < q_i64("SELECT COUNT(*) FROM workorder"));
	json_decref(j);
	check_groups(&head, "category", "", base);
	char since[256];
	snprintf(since, sizeof(since), "%s AND w.created_at >= %lld", base,
		 (long long)ms_of("2026-06-01"));
	check_groups(&head, "month", "&from=2026-06-01", since);
	hq_client_free(&head);
}

static void
other_roles_are_refused(void **state)
{
	static const char *const refused[] = { "staff", "worker", "finance", "sysadmin",
					       "secadmin", "auditor" };
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		hq_sign_in(&srv, &c, refused[i]);
		assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/workorders/stats", NULL, &r), 403);
		assert_string_equal(hq_err_code(&r), "forbidden");
		hq_resp_free(&r);
		assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/workorders/stats?format=csv", NULL,
					&r), 403);
		hq_resp_free(&r);
		hq_client_free(&c);
	}
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/workorders/stats", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
bad_parameters_are_400(void **state)
{
	static const struct {
		const char *query, *field;
	} bad[] = {
		{ "group=building", "group" },
		{ "from=2026-13-01", "from" },
		{ "to=yesterday", "to" },
		{ "from=2026-11-02&to=2026-11-01", "to" },
		{ "category_id=abc", "category_id" },
		{ "team_id=0", "team_id" },
		{ "worker_id=-3", "worker_id" },
		{ "location_id=1x", "location_id" },
		{ "format=pdf", "format" },
	};
	struct hq_client office;
	struct hq_resp r;
	char path[160];

	(void)state;
	hq_sign_in(&srv, &office, "office");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/workorders/stats?%s", bad[i].query);
		assert_int_equal(hq_req(&srv, &office, "GET", path, NULL, &r), 400);
		if (!json_object_get(jget(r.json, "error.fields"), bad[i].field))
			fail_msg("%s: no field %s in %s", bad[i].query, bad[i].field, r.body);
		hq_resp_free(&r);
	}
	hq_client_free(&office);
}

/* ---------- a hand-made set with exact figures ---------- */

static int64_t
create_order(struct hq_client *c, const char *title)
{
	struct hq_resp r;
	char body[256];
	int64_t id;

	snprintf(body, sizeof(body), "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"%s\","
		 "\"priority\":\"urgent\"}", (long long)test_cat, (long long)fx.room, title);
	if (hq_req(&srv, c, "POST", "/api/v1/workorders", body, &r) != 201)
		fail_msg("create gave %ld: %s", r.status, r.body);
	id = (int64_t)json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	return id;
}


static void
hand_made_orders_give_exact_figures(void **state)
{
	struct hq_client staff, office, worker;
	char path[160], body[96];
	int64_t a, b, c;
	json_t *j;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	/* the category was inactive so the generator left it alone; open it now */
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE wo_category SET active = 1 WHERE id = %lld",
		 (long long)test_cat);
	exec_w(sql);
	/* urgent orders run on the 24-hour clock: minutes are exactly the clock moves */
	a = create_order(&staff, "统计测试甲");
	clock_advance(10 * MINUTE_MS);
	b = create_order(&staff, "统计测试乙");
	c = create_order(&staff, "统计测试丙");
	hq_wo_act(&srv, &staff, c, "cancel", "{\"reason\":\"重复提交\"}");
	clock_advance(20 * MINUTE_MS);
	hq_sign_in(&srv, &office, "office");	/* fresh sessions: 30 idle minutes would end them */
	hq_sign_in(&srv, &worker, "worker");
	hq_client_free(&staff);
	hq_sign_in(&srv, &staff, "staff");
	hq_wo_act(&srv, &office, a, "accept", NULL);	/* 30 min: late (target 25) */
	hq_wo_act(&srv, &office, b, "accept", NULL);	/* 20 min: on time */
	snprintf(body, sizeof(body), "{\"worker_id\":%lld}", (long long)fx.worker);
	hq_wo_act(&srv, &office, a, "dispatch", body);
	hq_wo_act(&srv, &office, b, "dispatch", body);
	hq_wo_act(&srv, &worker, a, "start", NULL);
	hq_wo_act(&srv, &worker, b, "start", NULL);
	clock_advance(10 * MINUTE_MS);
	hq_wo_act(&srv, &worker, a, "resolve", "{\"notes\":\"已修好\"}");	/* 40 min: late (35) */
	hq_wo_act(&srv, &worker, b, "resolve", "{\"notes\":\"已修好\"}");	/* 30 min: on time */
	hq_wo_act(&srv, &staff, b, "reopen", "{\"reason\":\"又坏了\"}");
	hq_wo_act(&srv, &worker, b, "start", NULL);
	hq_wo_act(&srv, &worker, b, "resolve", "{\"notes\":\"更换配件\"}");	/* still 30 min */
	hq_wo_act(&srv, &staff, a, "confirm", "{\"rating\":5,\"comment\":\"很好\"}");
	hq_wo_act(&srv, &staff, b, "confirm", "{\"rating\":3}");

	snprintf(path, sizeof(path), "/api/v1/workorders/stats?category_id=%lld&group=worker",
		 (long long)test_cat);
	j = get_stats(&office, path);
	assert_int_equal(json_integer_value(jget(j, "total")), 3);
	assert_int_equal(json_integer_value(jget(j, "by_status.confirmed")), 2);
	assert_int_equal(json_integer_value(jget(j, "by_status.cancelled")), 1);
	assert_int_equal(json_integer_value(jget(j, "by_status.submitted")), 0);
	assert_int_equal(json_integer_value(jget(j, "accept.count")), 2);
	check_num(j, "accept.mean_min", 25.0, 1e-9, "hand");
	check_num(j, "accept.p90_min", 30, 0, "hand");
	check_num(j, "accept.on_time_rate", 0.5, 1e-9, "hand");
	assert_int_equal(json_integer_value(jget(j, "resolve.count")), 2);
	check_num(j, "resolve.mean_min", 35.0, 1e-9, "hand");
	check_num(j, "resolve.p90_min", 40, 0, "hand");
	check_num(j, "resolve.on_time_rate", 0.5, 1e-9, "hand");
	check_num(j, "first_time_fix_rate", 0.5, 1e-9, "hand");
	check_num(j, "reopen_rate", 0.5, 1e-9, "hand");
	check_num(j, "satisfaction.mean", 4.0, 1e-9, "hand");
	assert_int_equal(json_integer_value(jget(j, "satisfaction.count")), 2);
	const json_t *d = jget(j, "satisfaction.distribution");
	static const int want[5] = { 0, 0, 1, 0, 1 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(json_integer_value(json_array_get(d, (size_t)i)), want[i]);
	/* by worker: the worker's two orders, and the cancelled one without a worker */
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 2);
	json_t *g0 = json_array_get(json_object_get(j, "groups"), 0);
	json_t *g1 = json_array_get(json_object_get(j, "groups"), 1);
	assert_int_equal(json_integer_value(json_object_get(g0, "key")), fx.worker);
	assert_int_equal(json_integer_value(json_object_get(g0, "total")), 2);
	check_num(g0, "accept.p90_min", 30, 0, "hand worker");
	assert_true(json_is_null(json_object_get(g1, "key")));
	assert_string_equal(json_string_value(json_object_get(g1, "name")), "未派工");
	assert_int_equal(json_integer_value(json_object_get(g1, "total")), 1);
	assert_true(json_is_null(jget(g1, "accept.mean_min")));
	json_decref(j);
	/* the dept_head of 一处 (the requester's department) sees them, not of another one */
	struct hq_client head;
	hq_sign_in(&srv, &head, "dept_head");
	snprintf(path, sizeof(path), "/api/v1/workorders/stats?category_id=%lld",
		 (long long)test_cat);
	j = get_stats(&head, path);
	assert_int_equal(json_integer_value(jget(j, "total")), 3);
	json_decref(j);
	hq_client_free(&head);
	hq_client_free(&staff);
	hq_client_free(&office);
	hq_client_free(&worker);
}

/* ---------- export ---------- */

static void
export_csv_and_xlsx(void **state)
{
	struct hq_client office;
	struct hq_resp r;
	char path[160], ct[128];
	json_t *j;

	(void)state;
	hq_sign_in(&srv, &office, "office");
	j = get_stats(&office, "/api/v1/workorders/stats?group=category");
	size_t ngroups = json_array_size(json_object_get(j, "groups"));
	assert_int_equal(hq_req(&srv, &office, "GET",
				"/api/v1/workorders/stats?group=category&format=csv", NULL, &r), 200);
	assert_non_null(hq_header(&r, "Content-Type", ct, sizeof(ct)));
	assert_non_null(strstr(ct, "text/csv"));
	assert_non_null(strstr(r.body, "\xEF\xBB\xBF分组,工单数,已提交,已受理,已派单,处理中,挂起,"
				       "已完成,已确认,已取消,平均受理时长（分钟）,P90受理时长（分钟）,"
				       "受理及时率（%）,平均解决时长（分钟）,P90解决时长（分钟）,"
				       "解决及时率（%）,一次修复率（%）,返修率（%）,满意度（平均分）,"
				       "评价数,1星,2星,3星,4星,5星\r\n"));
	/* one line per group plus 合计 */
	size_t lines = 0;
	for (const char *p = r.body; (p = strstr(p, "\r\n")); p += 2)
		lines++;
	assert_int_equal(lines, 1 + ngroups + 1);
	/* the 合计 line carries the total and the first group's name appears */
	char total_line[64];
	snprintf(total_line, sizeof(total_line), "\r\n合计,%lld,",
		 (long long)json_integer_value(json_object_get(j, "total")));
	assert_non_null(strstr(r.body, total_line));
	assert_non_null(strstr(r.body, json_string_value(
		jget(json_array_get(json_object_get(j, "groups"), 0), "name"))));
	/* rates in percent: 受理及时率 (column 13) of 合计 is 100 x the JSON rate */
	const char *cell = strstr(r.body, "\r\n合计,");
	for (int col = 0; cell && col < 12; col++)
		cell = strchr(cell + 1, ',');
	assert_non_null(cell);
	assert_true(fabs(strtod(cell + 1, NULL) -
			 json_number_value(jget(j, "accept.on_time_rate")) * 100) < 0.051);
	hq_resp_free(&r);
	json_decref(j);
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/workorders/stats?format=xlsx&group=month",
				NULL, &r), 200);
	assert_non_null(hq_header(&r, "Content-Type", ct, sizeof(ct)));
	assert_non_null(strstr(ct, "spreadsheetml"));
	assert_true(r.len > 100 && memcmp(r.body, "PK", 2) == 0);
	hq_resp_free(&r);
	/* no group: only the 合计 line */
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/workorders/stats?format=csv", NULL,
				&r), 200);
	lines = 0;
	for (const char *p = r.body; (p = strstr(p, "\r\n")); p += 2)
		lines++;
	assert_int_equal(lines, 2);
	hq_resp_free(&r);
	/* a dept_head exports their own department's figures */
	struct hq_client head;
	hq_sign_in(&srv, &head, "dept_head");
	snprintf(path, sizeof(path), "/api/v1/workorders/stats?format=csv");
	assert_int_equal(hq_req(&srv, &head, "GET", path, NULL, &r), 200);
	snprintf(total_line, sizeof(total_line), "\r\n合计,%lld,",
		 (long long)q_i64("SELECT COUNT(*) FROM workorder WHERE requester_dept_id = %lld",
				  (long long)srv.dept1_id));
	assert_non_null(strstr(r.body, total_line));
	hq_resp_free(&r);
	hq_client_free(&head);
	hq_client_free(&office);
}

/* The name of the group with key id in a stats answer grouped by category; NULL when none. */
static const char *
group_name(const json_t *j, int64_t id)
{
	size_t i;
	json_t *g;

	json_array_foreach(json_object_get(j, "groups"), i, g)
		if (json_integer_value(json_object_get(g, "key")) == id)
			return json_string_value(json_object_get(g, "name"));
	return NULL;
}

/*
** Results are kept (core/memo.h) under the agency's wo_version: asked again
** they are the same; after any change to an order, or to a name a group
** shows, they are computed anew, never stale.
*/
static void
kept_results_follow_every_change(void **state)
{
	const char *path = "/api/v1/workorders/stats?group=category";
	struct hq_client office, dept_head;
	json_t *a, *b, *d;
	char sql[256];
	int64_t id = q_i64("SELECT MAX(id) FROM workorder WHERE category_id = %lld"
			   " AND status <> 'cancelled'", (long long)fx.cat);

	(void)state;
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &dept_head, "dept_head");
	a = get_stats(&office, path);
	b = get_stats(&office, path);
	assert_true(json_equal(a, b));
	/* the department head's answer is not the agency's, kept or not */
	d = get_stats(&dept_head, path);
	assert_int_equal(json_integer_value(json_object_get(d, "total")),
			 q_i64("SELECT COUNT(*) FROM workorder WHERE requester_dept_id = %lld",
			       (long long)srv.dept1_id));
	json_decref(d);
	json_decref(b);
	/* an order changes */
	assert_true(id > 0);
	snprintf(sql, sizeof(sql), "UPDATE workorder SET status = 'cancelled' WHERE id = %lld",
		 (long long)id);
	exec_w(sql);
	b = get_stats(&office, path);
	assert_int_equal(json_integer_value(jget(b, "by_status.cancelled")),
			 json_integer_value(jget(a, "by_status.cancelled")) + 1);
	assert_int_equal(json_integer_value(jget(b, "by_status.cancelled")),
			 q_i64("SELECT COUNT(*) FROM workorder WHERE status = 'cancelled'"));
	json_decref(b);
	/* a category is renamed */
	assert_non_null(group_name(a, fx.cat));
	snprintf(sql, sizeof(sql), "UPDATE wo_category SET name = '水电（改名）' WHERE id = %lld",
		 (long long)fx.cat);
	exec_w(sql);
	b = get_stats(&office, path);
	assert_string_equal(group_name(b, fx.cat), "水电（改名）");
	json_decref(b);
	snprintf(sql, sizeof(sql), "UPDATE wo_category SET name = '%s' WHERE id = %lld",
		 group_name(a, fx.cat), (long long)fx.cat);
	exec_w(sql);
	json_decref(a);
	hq_client_free(&office);
	hq_client_free(&dept_head);
}

/* The order as a jansson tree (wo_json: audit, exports), parsed back from jdump_api. */
static json_t *
tree_of(int64_t id)
{
	struct actor who = { .id = hq_user_id(&srv, "office"), .agency_id = srv.agency_id,
			     .roles = ROLE_OFFICE };
	struct db *db = db_pool_reader(srv.pool);
	struct arena *a = arena_new(8192);
	struct workorder o;
	struct err e = { 0 };
	json_t *j = NULL;

	if (!wo_get(db, a, &who, id, &o, &e))
		j = json_loads(jdump_api(a, jarena(a, wo_json(&o))), 0, NULL);
	arena_free(a);
	db_pool_release(srv.pool, db);
	return j;
}

/*
** A list page and one order are written straight as text (core/jw.h), the
** audit's and exports' view as a jansson tree, all from write_order: over
** generated orders in every status, each list item must be the order GET
** returns and the tree, less what only those have.
*/
static void
list_items_are_the_orders(void **state)
{
	static const char *const only_one[] = { "timeline", "allowed", "photos", "overdue" };
	struct hq_client office;
	struct hq_resp page, one;
	char path[96];
	size_t i, compared = 0;
	json_t *item, *tree;

	(void)state;
	hq_sign_in(&srv, &office, "office");
	for (int p = 1; p <= 3; p++) {
		snprintf(path, sizeof(path), "/api/v1/workorders?scope=all&per_page=100&page=%d", p);
		assert_int_equal(hq_req(&srv, &office, "GET", path, NULL, &page), 200);
		assert_non_null(page.json);
		json_array_foreach(json_object_get(page.json, "items"), i, item) {
			int64_t id = json_integer_value(json_object_get(item, "id"));
			snprintf(path, sizeof(path), "/api/v1/workorders/%lld", (long long)id);
			assert_int_equal(hq_req(&srv, &office, "GET", path, NULL, &one), 200);
			tree = tree_of(id);
			assert_non_null(tree);
			if (!json_equal(json_object_get(one.json, "timeline"),
					json_object_get(tree, "timeline")))
				fail_msg("GET and tree differ in the timeline of %s", path);
			for (size_t k = 0; k < sizeof(only_one) / sizeof(*only_one); k++) {
				json_object_del(one.json, only_one[k]);
				json_object_del(item, only_one[k]);
				json_object_del(tree, only_one[k]);
			}
			if (!json_equal(item, one.json) || !json_equal(item, tree))
				fail_msg("list item, GET and tree differ for %s", path);
			json_decref(tree);
			hq_resp_free(&one);
			compared++;
		}
		hq_resp_free(&page);
	}
	assert_true(compared >= 300);
	hq_client_free(&office);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generator_makes_n_consistent_orders),
		cmocka_unit_test(stats_match_sql_overall_and_per_group),
		cmocka_unit_test(stats_filters),
		cmocka_unit_test(dept_head_sees_own_department),
		cmocka_unit_test(other_roles_are_refused),
		cmocka_unit_test(bad_parameters_are_400),
		cmocka_unit_test(hand_made_orders_give_exact_figures),
		cmocka_unit_test(export_csv_and_xlsx),
		cmocka_unit_test(kept_results_follow_every_change),
		cmocka_unit_test(list_items_are_the_orders),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
