/*
** tests/api/test_injection.c: SQL injection through every list filter and
** stored XSS through the free-text fields (issue #5 item 6).
**
** SQL: each filter of each list route gets classic payloads (quotes, UNION,
** stacked DROP, comments, LIKE wildcards, escapes, huge and odd values). The
** answer must never be 5xx: either 400 naming the parameter, or 200 with
** exactly the rows a literal match gives. For the free-text searches (?q= of
** work orders and users) "exactly" is checked against an oracle: the same
** count by a literal substring test on a separate connection, so q="%" finds only titles
** with a literal %. Other filters match no stored value, so a 200 must be
** empty. Afterwards the row counts are unchanged and (SQLite) integrity_check
** is ok. Runs on both backends (HOUQIN_TEST_BACKEND); the payloads carry both
** dialects' favourites.
**
** XSS: the API stores and returns text exactly as given (the UI escapes on
** output; tests/e2e/xss.test.mjs checks that in the browser).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/err.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hq_server srv;
static struct hq_wo fx;
static struct hq_client staff, office, sysadm, superv;

static const char XSS_SCRIPT[] = "<script>alert(1)</script>";
static const char XSS_IMG[] = "<img src=x onerror=alert(1)>";

/* Titles of the work orders the searches run over (description = title too). */
static const char *const titles[] = {
	"卫生间漏水", "空调 100% 不制冷", "下划线_标题 a_b", "O'Brien 办公室门锁",
	"反斜杠\\路径\\坏了", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
	"'); DROP TABLE app_user;--", "灯不亮 -- 注释", "Quote \" double",
};

/* ---------- helpers ---------- */

/* One integer from the database on a separate read-only connection; q bound to :q if set. */
static int64_t
db_int(const char *sql, const char *q)
{
	struct db *db = NULL;
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t v = -1;

	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	assert_int_equal(db_prepare_once(db, &st, sql, &e), 0);
	if (q)
		assert_int_equal(db_bind_text(&st, ":q", q, &e), 0);
	if (db_step(&st, &e) == 1)
		v = db_col_i64(&st, 0);
	db_finalize(&st);
	db_close(db);
	return v;
}

/*
** SQLite: PRAGMA integrity_check says "ok" (no payload corrupted the file).
** PostgreSQL has no such check for an unprivileged role, and no file of ours.
*/
static void
expect_integrity_ok(void)
{
	struct db *db = NULL;
	struct stmt st = { 0 };
	struct err e = { 0 };

	if (strcmp(hq_backend(), "sqlite") != 0) {
		printf("integrity_check skipped: SQLite-only (PostgreSQL keeps no file of ours)\n");
		return;
	}
	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	assert_int_equal(db_prepare_once(db, &st, "PRAGMA integrity_check", &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	assert_string_equal(db_col_peek(&st, 0, NULL), "ok");
	db_finalize(&st);
	db_close(db);
}

/*
** Literal (case-insensitive for ASCII, like LIKE) substring matches: the
** oracles. A column holds :q when taking :q out changes it: replace() and
** lower() are in both dialects, instr() and strpos() are not. :q is never "".
*/
#define HOLDS(col) "replace(lower(" col "), lower(:q), '') <> lower(" col ")"
static const char oracle_wo[] =
	"SELECT COUNT(*) FROM workorder WHERE " HOLDS("code") " OR " HOLDS("title")
	" OR " HOLDS("description");
static const char oracle_users[] =
	"SELECT COUNT(*) FROM app_user WHERE deleted_at IS NULL AND (" HOLDS("username")
	" OR " HOLDS("display_name") " OR " HOLDS("coalesce(phone, '')") ")";
#undef HOLDS

static const char *const tables[] = { "app_user", "department", "user_role", "session",
				      "api_token", "workorder", "wo_event", "location",
				      "wo_category", "audit_log", NULL };

static void
table_counts(int64_t *out)
{
	char sql[96];

	for (int i = 0; tables[i]; i++) {
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", tables[i]);
		out[i] = db_int(sql, NULL);
		assert_true(out[i] >= 0);
	}
}

/* Percent-encode everything but unreserved characters. */
static void
url_encode(const char *s, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < size; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
}

static int64_t
create_order(const char *title)
{
	struct hq_resp r;
	json_t *b = json_pack("{sI sI ss ss ss ss}", "category_id", (json_int_t)fx.cat,
			      "location_id", (json_int_t)fx.room, "title", title, "description",
			      title, "priority", "normal", "contact_phone", "13800000000");
	char *body = json_dumps(b, 0);
	int64_t id;

	if (hq_req(&srv, &staff, "POST", "/api/v1/workorders", body, &r) != 201)
		fail_msg("create %s gave %ld: %s", title, r.status, r.body);
	id = (int64_t)json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	free(body);
	json_decref(b);
	return id;
}

/* POST json (stolen) as c; returns the new id, failing unless 201. */
static int64_t
post_new(struct hq_client *c, const char *path, json_t *b)
{
	struct hq_resp r;
	char *body = json_dumps(b, 0);
	int64_t id;

	if (hq_req(&srv, c, "POST", path, body, &r) != 201)
		fail_msg("POST %s %s gave %ld: %s", path, body, r.status, r.body);
	id = (int64_t)json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	free(body);
	json_decref(b);
	return id;
}

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_wo_fixture(&srv, &fx);
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &sysadm, "sysadmin");
	hq_sign_in(&srv, &superv, "supervisor");
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		create_order(titles[i]);
	/* users whose names hold wildcards, so the user search has literal hits */
	post_new(&sysadm, "/api/v1/users",
		 json_pack("{ss ss sI ss}", "username", "pct_user", "display_name", "百分之100%",
			   "department_id", (json_int_t)srv.dept1_id, "password", TEST_PASSWORD));
	post_new(&sysadm, "/api/v1/users",
		 json_pack("{ss ss sI ss}", "username", "o_brien", "display_name", "O'Brien",
			   "department_id", (json_int_t)srv.dept1_id, "password", TEST_PASSWORD));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&staff);
	hq_client_free(&office);
	hq_client_free(&sysadm);
	hq_client_free(&superv);
	hq_stop(&srv);
	return 0;
}

/* ---------- SQL injection through query filters ---------- */

enum expect {
	EMPTY,		/* 200 must be an empty list (nothing stored matches the payload) */
	ORACLE_WO,	/* 200 total must equal oracle_wo */
	ORACLE_USERS,	/* 200 total must equal oracle_users */
	ANY_200,	/* not a filter of rows (paging, stats): any 200 body */
};

struct target {
	struct hq_client *c;
	const char *prefix;	/* path with '?' and any fixed params ending in '&' */
	const char *param;
	enum expect expect;
};

static const char *
long_payload(void)
{
	static char s[4001];

	if (!s[0]) {
		memset(s, 'A', sizeof(s) - 1);
		memcpy(s, "' OR '1'='1' -- ", 16);
	}
	return s;
}

static const char *const payloads[] = {
	"' OR '1'='1",
	"' OR 1=1--",
	"1 OR 1=1",
	"1' OR '1'='1' --",
	"\" OR \"\"=\"",
	"1;DROP TABLE app_user--",
	"'; DROP TABLE workorder;--",
	"x'); DELETE FROM audit_log;--",
	"') UNION SELECT username, password_hash FROM app_user--",
	"' UNION SELECT NULL,NULL,NULL--",
	"1 UNION ALL SELECT sqlite_version()",
	"1' AND (SELECT COUNT(*) FROM app_user) > 0 AND '1'='1",
	"' AND 1=(SELECT 1 FROM sqlite_master)--",
	"1 AND randomblob(100000000)",
	"1 UNION ALL SELECT version()",
	"'; SELECT pg_sleep(10);--",
	"1 AND 1=CAST((SELECT current_user) AS int)",
	"$1",
	":q",
	"$$ OR 1=1 $$",
	"E'\\x27' OR 1=1",
	"1::int",
	"%27",
	"%2527",
	"%",
	"_",
	"%%",
	"a%b",
	"_%_",
	"\\",
	"\\%",
	"\\_",
	"'",
	"''",
	"\"",
	";",
	"--",
	"/*",
	"*/",
	"\x01\x02\x7f",
	"%00",
	"-1",
	"0",
	"99999999999999999999",
	"1e3",
	" 1",
	"0x1",
	"１",
	"<script>alert(1)</script>",
	"\xe2\x80\x8b'",
	NULL,	/* long_payload() */
};
#define NPAYLOADS (sizeof(payloads) / sizeof(payloads[0]))

static int64_t
list_total(const struct hq_resp *r)
{
	json_t *t = json_object_get(r->json, "total"), *items = json_object_get(r->json, "items");

	if (json_is_integer(t))
		return (int64_t)json_integer_value(t);
	if (json_is_array(items))
		return (int64_t)json_array_size(items);
	return -1;
}

static int n200, n400;

static void
probe(const struct target *t, const char *value)
{
	static char enc[16384], path[17000];
	struct hq_resp r;
	long st;

	url_encode(value, enc, sizeof(enc));
	snprintf(path, sizeof(path), "%s%s=%s", t->prefix, t->param, enc);
	st = hq_req(&srv, t->c, "GET", path, NULL, &r);
	n200 += st == 200;
	n400 += st == 400;
	if (st == 400) {
		json_t *fields = json_object_get(json_object_get(r.json, "error"), "fields");
		if (!json_object_get(fields, t->param))
			fail_msg("%.200s: 400 without a field error on %s: %.300s", path, t->param,
				 r.body);
	} else if (st == 200) {
		int64_t got = list_total(&r), want = 0;
		const char *q = value;
		switch (t->expect) {
		case ANY_200:
			break;
		case EMPTY:
			if (got != 0)
				fail_msg("%.200s: 200 with %lld rows, want none", path, (long long)got);
			break;
		case ORACLE_WO:
		case ORACLE_USERS:
			want = db_int(t->expect == ORACLE_WO ? oracle_wo : oracle_users, q);
			if (got != want)
				fail_msg("%.200s: %lld rows, a literal match gives %lld", path,
					 (long long)got, (long long)want);
			break;
		}
	} else {
		fail_msg("%.200s gave %ld: %.300s", path, st, r.body);
	}
	hq_resp_free(&r);
}

static void
list_filters_resist_sql_injection(void **state)
{
	const struct target targets[] = {
		{ &sysadm, "/api/v1/users?", "q", ORACLE_USERS },
		{ &sysadm, "/api/v1/users?", "role", EMPTY },
		{ &sysadm, "/api/v1/users?", "department_id", EMPTY },
		{ &sysadm, "/api/v1/users?", "active", EMPTY },
		{ &sysadm, "/api/v1/users?", "page", ANY_200 },
		{ &sysadm, "/api/v1/users?", "per_page", ANY_200 },
		{ &superv, "/api/v1/audit?", "action", EMPTY },
		{ &superv, "/api/v1/audit?", "entity", EMPTY },
		{ &superv, "/api/v1/audit?", "actor", EMPTY },
		{ &superv, "/api/v1/audit?", "actor_id", EMPTY },
		{ &superv, "/api/v1/audit?", "entity_id", EMPTY },
		{ &superv, "/api/v1/audit?", "from", EMPTY },
		{ &superv, "/api/v1/audit?", "to", EMPTY },
		{ &staff, "/api/v1/approvals?", "mine", EMPTY },
		{ &staff, "/api/v1/approvals?", "page", ANY_200 },
		{ &staff, "/api/v1/notifications?", "unread", EMPTY },
		{ &office, "/api/v1/locations?", "active", ANY_200 },	/* 0 is valid */
		{ &office, "/api/v1/workorders?scope=all&", "q", ORACLE_WO },
		{ &office, "/api/v1/workorders?", "scope", EMPTY },
		{ &office, "/api/v1/workorders?scope=all&", "status", EMPTY },
		{ &office, "/api/v1/workorders?scope=all&", "priority", EMPTY },
		{ &office, "/api/v1/workorders?scope=all&", "category_id", EMPTY },
		{ &office, "/api/v1/workorders?scope=all&", "location_id", EMPTY },
		{ &office, "/api/v1/workorders?scope=all&", "department_id", EMPTY },
		{ &office, "/api/v1/workorders?scope=all&", "team_id", EMPTY },
		{ &office, "/api/v1/workorders?scope=all&", "worker_id", EMPTY },
		{ &office, "/api/v1/workorders?scope=all&", "overdue", ANY_200 },	/* 0 is valid */
		{ &office, "/api/v1/workorders?scope=all&", "from", EMPTY },
		{ &office, "/api/v1/workorders?scope=all&", "to", EMPTY },
		{ &office, "/api/v1/workorders?scope=all&", "sort", ANY_200 },
		{ &office, "/api/v1/workorders?scope=all&", "page", ANY_200 },
		{ &office, "/api/v1/workorders?scope=all&", "per_page", ANY_200 },
		{ &office, "/api/v1/workorders/stats?", "from", ANY_200 },
		{ &office, "/api/v1/workorders/stats?", "to", ANY_200 },
		{ &office, "/api/v1/workorders/stats?", "group", ANY_200 },
		{ &office, "/api/v1/workorders/stats?", "category_id", ANY_200 },
		{ &office, "/api/v1/workorders/stats?", "team_id", ANY_200 },
		{ &office, "/api/v1/workorders/stats?", "worker_id", ANY_200 },
		{ &office, "/api/v1/workorders/stats?", "location_id", ANY_200 },
	};
	int64_t before[16], after[16];

	(void)state;
	table_counts(before);
	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++)
		for (size_t p = 0; p < NPAYLOADS; p++)
			probe(&targets[t], payloads[p] ? payloads[p] : long_payload());
	printf("%d probes: %d answered 200, %d answered 400\n", n200 + n400, n200, n400);
	table_counts(after);
	for (int i = 0; tables[i]; i++)
		if (before[i] != after[i])
			fail_msg("%s: %lld rows before, %lld after", tables[i], (long long)before[i],
				 (long long)after[i]);
	expect_integrity_ok();
}

/* The oracle itself: the wildcard and quote searches find exactly the literal titles. */
static void
search_matches_wildcards_literally(void **state)
{
	static const struct {
		const char *q;
		int64_t want;
	} cases[] = {
		{ "%", 1 },		/* 空调 100% 不制冷 */
		{ "_", 2 },		/* 下划线_标题 a_b, DROP TABLE app_user */
		{ "a_b", 1 },
		{ "\\", 1 },		/* 反斜杠\路径 */
		{ "'", 2 },		/* O'Brien, '); DROP ... */
		{ "' OR '1'='1", 0 },
		{ "--", 2 },		/* DROP ...;--, 灯不亮 -- 注释 */
		{ "<script>", 1 },
		{ "onerror=alert(1)", 1 },
		{ "\"", 1 },
	};
	char enc[256], path[400];
	struct hq_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		url_encode(cases[i].q, enc, sizeof(enc));
		snprintf(path, sizeof(path), "/api/v1/workorders?scope=all&q=%s", enc);
		assert_int_equal(hq_req(&srv, &office, "GET", path, NULL, &r), 200);
		if (list_total(&r) != cases[i].want)
			fail_msg("q=%s: %lld orders, want %lld", cases[i].q, (long long)list_total(&r),
				 (long long)cases[i].want);
		hq_resp_free(&r);
	}
	/* users: % only in 百分之100%, ' only in O'Brien */
	assert_int_equal(hq_req(&srv, &sysadm, "GET", "/api/v1/users?q=%25", NULL, &r), 200);
	assert_int_equal(list_total(&r), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(r.json, "items"), 0), "username")),
			    "pct_user");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sysadm, "GET", "/api/v1/users?q=%27", NULL, &r), 200);
	assert_int_equal(list_total(&r), 1);
	hq_resp_free(&r);
}

/* Raw (not re-encoded) oddities in the URL and in path ids. */
static void
raw_urls_never_500(void **state)
{
	static const char *const raw[] = {
		"/api/v1/workorders?scope=all&q=%00",
		"/api/v1/workorders?scope=all&q=a%00'%20OR%201=1--",
		"/api/v1/workorders?scope=all&q=%u0027",
		"/api/v1/workorders?scope=all&q=%C0%A7%C0%A7",
		"/api/v1/workorders?scope=all&q=%FF%FE",
		"/api/v1/workorders?scope=all&q=%",
		"/api/v1/workorders?scope=all&q=%2",
		"/api/v1/workorders?scope=all&q='",
		"/api/v1/workorders?scope=all&status=submitted'--&q=x",
		"/api/v1/workorders?scope=all&category_id=1%20OR%201=1",
		"/api/v1/workorders?scope=all&q=x&q=%27%20OR%201=1",
		"/api/v1/workorders/1%20OR%201=1",
		"/api/v1/workorders/1;DROP%20TABLE%20workorder",
		"/api/v1/workorders/-1",
		"/api/v1/workorders/99999999999999999999999",
		"/api/v1/users/1'--",
		"/api/v1/departments/1%20UNION%20SELECT%201",
		"/api/v1/locations/0x10",
		"/api/v1/history/workorder'--/1",
		"/api/v1/history/app_user/1",
	};
	struct hq_resp r;
	char auth[120];
	long st;

	(void)state;
	/* hq_raw sends no cookie: authenticate it with a bearer token of office */
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/tokens", "{\"name\":\"inj\"}", &r),
			 201);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		 json_string_value(json_object_get(r.json, "token")));
	hq_resp_free(&r);
	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
		st = hq_raw(&srv, "GET", raw[i], auth, &r);
		if (st >= 500 || st < 200)
			fail_msg("%s gave %ld: %.300s", raw[i], st, r.body);
		hq_resp_free(&r);
	}
	assert_int_equal(db_int("SELECT COUNT(*) FROM workorder", NULL),
			 (int64_t)(sizeof(titles) / sizeof(titles[0])));
}

/* ---------- stored XSS: text comes back exactly as given ---------- */

static void
expect_text(struct hq_client *c, const char *path, const char *key, const char *want)
{
	struct hq_resp r;

	assert_int_equal(hq_req(&srv, c, "GET", path, NULL, &r), 200);
	const char *got = json_string_value(json_object_get(r.json, key));
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s %s: got %s, want %s", path, key, got ? got : "(null)", want);
	/* and verbatim in the body: no HTML entities, no \u003c, no \/ */
	if (!strstr(r.body, want))
		fail_msg("%s: body does not hold %s verbatim: %.300s", path, want, r.body);
	hq_resp_free(&r);
}

static void
xss_text_is_stored_and_returned_as_given(void **state)
{
	char path[96];
	int64_t id;

	(void)state;
	/* work order title and description */
	id = create_order(XSS_SCRIPT);
	snprintf(path, sizeof(path), "/api/v1/workorders/%lld", (long long)id);
	expect_text(&office, path, "title", XSS_SCRIPT);
	expect_text(&office, path, "description", XSS_SCRIPT);
	id = create_order(XSS_IMG);
	snprintf(path, sizeof(path), "/api/v1/workorders/%lld", (long long)id);
	expect_text(&staff, path, "title", XSS_IMG);

	/* department name */
	id = post_new(&sysadm, "/api/v1/departments",
		      json_pack("{sI ss}", "parent_id", (json_int_t)srv.agency_id, "name",
				XSS_SCRIPT));
	snprintf(path, sizeof(path), "/api/v1/departments/%lld", (long long)id);
	expect_text(&sysadm, path, "name", XSS_SCRIPT);

	/* location name */
	id = post_new(&office, "/api/v1/locations",
		      json_pack("{ss ss}", "kind", "building", "name", XSS_IMG));
	snprintf(path, sizeof(path), "/api/v1/locations/%lld", (long long)id);
	expect_text(&office, path, "name", XSS_IMG);

	/* user display name */
	id = post_new(&sysadm, "/api/v1/users",
		      json_pack("{ss ss sI ss}", "username", "xss_user", "display_name", XSS_SCRIPT,
				"department_id", (json_int_t)srv.dept1_id, "password",
				TEST_PASSWORD));
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	expect_text(&sysadm, path, "display_name", XSS_SCRIPT);
	id = post_new(&sysadm, "/api/v1/users",
		      json_pack("{ss ss sI ss}", "username", "xss_user2", "display_name", XSS_IMG,
				"department_id", (json_int_t)srv.dept1_id, "password",
				TEST_PASSWORD));
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	expect_text(&sysadm, path, "display_name", XSS_IMG);

	/* and in the search results as well */
	struct hq_resp r;
	assert_int_equal(hq_req(&srv, &office, "GET",
				"/api/v1/workorders?scope=all&q=%3Cimg%20src%3Dx", NULL, &r), 200);
	assert_int_equal(list_total(&r), 2);	/* the fixture title and the one above */
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(r.json, "items"), 0), "title")),
			    XSS_IMG);
	hq_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(search_matches_wildcards_literally),
		cmocka_unit_test(list_filters_resist_sql_injection),
		cmocka_unit_test(raw_urls_never_500),
		cmocka_unit_test(xss_text_is_stored_and_returned_as_given),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
