/*
** tests/api/test_export.c: ?format=csv|xlsx on list routes (GET /api/v1/users):
** the file, its headers, the same filters as the JSON list, no page cap below
** EXPORT_MAX (and a clear refusal above it), CSV quoting and formula
** defusing, 400 on routes without export columns, 401/403 like the list.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/export.h"
#include "core/limits.h"
#include "db/db.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"
#include "modules.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"

#include <stdio.h>
#include <string.h>

#define BOM "\xEF\xBB\xBF"
#define HEADER_ROW "登录名,姓名,电话,部门,角色,状态,更新时间\r\n"

/* filename* of an export named prefix (RFC 5987 encoded) made today: "<prefix>_YYYY-MM-DD.<ext>". */
static const char *
dated_name(const char *prefix, const char *ext)
{
	static char out[256];
	int day = cal_local_date(now_ms());

	snprintf(out, sizeof(out), "filename*=UTF-8''%s_%04d-%02d-%02d.%s", prefix, day / 10000,
		 day / 100 % 100, day % 100, ext);
	return out;
}

static struct hq_server srv;
static struct hq_client admin;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_client_init(&admin);
	assert_int_equal(hq_login(&srv, &admin, "sysadmin", TEST_PASSWORD), 200);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&admin);
	hq_stop(&srv);
	return 0;
}

/* Number of CRLF-terminated lines in a CSV body (header included). */
static size_t
csv_lines(const struct hq_resp *r)
{
	size_t n = 0;

	for (const char *p = r->body; p && (p = strstr(p, "\r\n")); p += 2)
		n++;
	return n;
}

/* The CSV line that starts with prefix (copied into out), or NULL. */
static const char *
csv_line(const struct hq_resp *r, const char *prefix, char *out, size_t size)
{
	size_t n = strlen(prefix);

	for (const char *p = r->body; p && *p;) {
		const char *eol = strstr(p, "\r\n");
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len >= n && strncmp(p, prefix, n) == 0) {
			snprintf(out, size, "%.*s", (int)len, p);
			return out;
		}
		p = eol ? eol + 2 : p + len;
	}
	return NULL;
}

/*
** n users named <prefix>00001... in 一处 with role staff, straight into the
** database. The zero padding is substr() of 100000 + i: printf() is SQLite's.
*/
static void
bulk_users(const char *prefix, int from, int n)
{
	struct db *w = db_pool_writer(srv.pool);
	struct err e = { 0 };
	char sql[1024];

	snprintf(sql, sizeof(sql),
		 "WITH RECURSIVE seq(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM seq"
		 " WHERE i < %d)"
		 " INSERT INTO app_user (agency_id, department_id, username, display_name, phone,"
		 " password_hash, active, created_at, updated_at)"
		 " SELECT %lld, %lld, '%s' || substr(CAST(100000 + i AS TEXT), 2), '批量' || i,"
		 " NULL, 'x', 1,"
		 " 1700000000000, 1700000000000 FROM seq;"
		 "INSERT INTO user_role (agency_id, user_id, role) SELECT agency_id, id, 'staff'"
		 " FROM app_user"
		 " WHERE username LIKE '%s%%' AND id NOT IN (SELECT user_id FROM user_role);",
		 from, from + n - 1, (long long)srv.agency_id, (long long)srv.dept1_id, prefix,
		 prefix);
	if (db_exec(w, sql, &e))
		fail_msg("bulk users: %s", e.msg);
	db_pool_writer_unlock(srv.pool);
}

static void
csv_is_utf8_bom_with_chinese_headers(void **state)
{
	struct hq_resp r;
	char v[400], line[400];

	(void)state;
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?format=csv", NULL, &r), 200);
	assert_string_equal(hq_header(&r, "Content-Type", v, sizeof(v)), "text/csv; charset=utf-8");
	assert_non_null(hq_header(&r, "Content-Disposition", v, sizeof(v)));
	assert_non_null(strstr(v, "attachment;"));
	/* 用户列表_<today>.csv, RFC 5987 encoded, and a plain ASCII fallback */
	assert_non_null(strstr(v, dated_name("%E7%94%A8%E6%88%B7%E5%88%97%E8%A1%A8", "csv")));
	assert_non_null(strstr(v, "filename=\"export_"));
	assert_memory_equal(r.body, BOM HEADER_ROW, strlen(BOM HEADER_ROW));
	/* one line per fixture user, values shown the Chinese way */
	assert_int_equal(csv_lines(&r), 1 + 11);
	assert_non_null(csv_line(&r, "dept_head,", line, sizeof(line)));
	assert_non_null(strstr(line, ",一处,职工、部门负责人,启用,20"));
	assert_non_null(csv_line(&r, "sysadmin,", line, sizeof(line)));
	assert_non_null(strstr(line, ",办公室,系统管理员,启用,"));
	/* 更新时间 as "YYYY-MM-DD HH:MM" */
	{
		const char *t = strrchr(line, ',') + 1;
		assert_int_equal(strlen(t), 16);
		assert_true(t[4] == '-' && t[7] == '-' && t[10] == ' ' && t[13] == ':');
	}
	hq_resp_free(&r);
}

static void
export_uses_the_same_filters_as_the_list(void **state)
{
	struct hq_resp r, j;
	char line[400];

	(void)state;
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?q=staff", NULL, &j), 200);
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?q=staff&format=csv", NULL, &r),
			 200);
	assert_int_equal(json_integer_value(json_object_get(j.json, "total")), 2);
	assert_int_equal(csv_lines(&r), 1 + 2);
	assert_non_null(csv_line(&r, "staff,", line, sizeof(line)));
	assert_non_null(csv_line(&r, "staff2,", line, sizeof(line)));
	assert_non_null(strstr(line, ",二处,"));
	hq_resp_free(&r);
	hq_resp_free(&j);

	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?role=sysadmin&format=csv",
				NULL, &r), 200);
	assert_int_equal(csv_lines(&r), 1 + 1);
	assert_non_null(csv_line(&r, "sysadmin,", line, sizeof(line)));
	hq_resp_free(&r);

	{
		char path[128];
		snprintf(path, sizeof(path), "/api/v1/users?department_id=%lld&format=csv",
			 (long long)srv.dept2_id);
		assert_int_equal(hq_req(&srv, &admin, "GET", path, NULL, &r), 200);
		assert_int_equal(csv_lines(&r), 1 + 1);	/* staff2 alone in 二处 */
		hq_resp_free(&r);
	}

	/* a bad filter is refused exactly as the list refuses it */
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?role=nobody&format=csv", NULL,
				&r), 400);
	assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "error"),
							"fields"), "role"));
	hq_resp_free(&r);
	/* an empty format is no export */
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?q=staff&format=", NULL, &r),
			 200);
	assert_non_null(json_object_get(r.json, "items"));
	hq_resp_free(&r);
}

static void
csv_quotes_and_defuses_formulas(void **state)
{
	struct hq_resp r;
	char body[600], line[600];

	(void)state;
	snprintf(body, sizeof(body),
		 "{\"username\":\"evil1\",\"display_name\":\"=HYPERLINK(\\\"http://x\\\",\\\"点我\\\")\","
		 "\"phone\":\"+86 138\",\"department_id\":%lld,\"password\":\"" TEST_PASSWORD "\"}",
		 (long long)srv.dept1_id);
	assert_int_equal(hq_req(&srv, &admin, "POST", "/api/v1/users", body, &r), 201);
	hq_resp_free(&r);
	snprintf(body, sizeof(body),
		 "{\"username\":\"evil2\",\"display_name\":\"@SUM(A1),\\\"多\\\"\\n行\","
		 "\"phone\":\"-1\",\"department_id\":%lld,\"password\":\"" TEST_PASSWORD "\"}",
		 (long long)srv.dept1_id);
	assert_int_equal(hq_req(&srv, &admin, "POST", "/api/v1/users", body, &r), 201);
	hq_resp_free(&r);

	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?q=evil&format=csv", NULL, &r),
			 200);
	assert_non_null(csv_line(&r, "evil1,", line, sizeof(line)));
	assert_non_null(strstr(line, "evil1,\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",'+86 138,"
				     "一处,职工,启用,20"));
	/* the second display name spans two lines inside its quotes */
	assert_non_null(strstr(r.body, "\r\nevil2,\"'@SUM(A1),\"\"多\"\"\n行\",'-1,一处,职工,启用,"));
	hq_resp_free(&r);
}

static void
export_is_not_capped_by_the_page_size(void **state)
{
	struct hq_resp r;

	(void)state;
	bulk_users("bulk", 1, PAGE_MAX + 50);
	/* the JSON list stops at PAGE_MAX per page */
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?q=bulk&per_page=100000", NULL,
				&r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), PAGE_MAX);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), PAGE_MAX + 50);
	hq_resp_free(&r);
	/* the export holds every row, whatever page was asked for */
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?q=bulk&format=csv", NULL, &r),
			 200);
	assert_int_equal(csv_lines(&r), 1 + PAGE_MAX + 50);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &admin, "GET",
				"/api/v1/users?q=bulk&page=3&per_page=10&format=csv", NULL, &r), 200);
	assert_int_equal(csv_lines(&r), 1 + PAGE_MAX + 50);
	assert_non_null(strstr(r.body, "\r\nbulk00001,批量1,,一处,职工,启用,2023-11-15 06:13\r\n"));
	assert_non_null(strstr(r.body, "\r\nbulk00250,批量250,"));
	hq_resp_free(&r);
}

static void
xlsx_is_a_zip_workbook(void **state)
{
	struct hq_resp r;
	char v[400];

	(void)state;
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?q=staff&format=xlsx", NULL,
				&r), 200);
	assert_string_equal(hq_header(&r, "Content-Type", v, sizeof(v)),
			    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_non_null(hq_header(&r, "Content-Disposition", v, sizeof(v)));
	assert_non_null(strstr(v, dated_name("%E7%94%A8%E6%88%B7%E5%88%97%E8%A1%A8", "xlsx")));
	assert_true(r.len > 1000);
	assert_memory_equal(r.body, "PK\x03\x04", 4);
	hq_resp_free(&r);
	/* a summary's bracketed note stays out of the name: 位置树（楼栋、楼层、房间） */
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/locations?format=csv", NULL, &r), 200);
	assert_non_null(hq_header(&r, "Content-Disposition", v, sizeof(v)));
	assert_non_null(strstr(v, dated_name("%E4%BD%8D%E7%BD%AE%E6%A0%91", "csv")));
	hq_resp_free(&r);
}

static void
format_is_refused_where_there_is_no_export(void **state)
{
	struct hq_resp r;
	char path[128];
	static const char *const paths[] = {
		"/api/v1/calendar?format=csv",
		"/api/v1/me?format=xlsx",
		"/api/v1/users?format=pdf",	/* an export route, an unknown format */
		"/api/v1/users?format=CSV",
		NULL,
	};

	(void)state;
	for (int i = 0; paths[i]; i++) {
		assert_int_equal(hq_req(&srv, &admin, "GET", paths[i], NULL, &r), 400);
		assert_string_equal(hq_err_code(&r), "invalid");
		assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "error"),
								"fields"), "format"));
		hq_resp_free(&r);
	}
	snprintf(path, sizeof(path), "/api/v1/users/%lld?format=csv",
		 (long long)hq_user_id(&srv, "staff"));
	assert_int_equal(hq_req(&srv, &admin, "GET", path, NULL, &r), 400);
	hq_resp_free(&r);
}

static void
export_obeys_the_route_roles(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/users?format=csv", NULL, &r), 401);
	hq_resp_free(&r);
	assert_int_equal(hq_login(&srv, &c, "staff", TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/users?format=csv", NULL, &r), 403);
	assert_string_equal(hq_err_code(&r), "forbidden");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/users?format=xlsx", NULL, &r), 403);
	hq_resp_free(&r);
	hq_client_free(&c);
	/* a reader role of the list may export it */
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "auditor", TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/users?format=csv", NULL, &r), 200);
	hq_resp_free(&r);
	hq_client_free(&c);
}

/* Export columns only on read-only GET routes, each with a key and a header. */
static void
export_columns_in_the_route_table_are_well_formed(void **state)
{
	const struct route_table *t = modules_routes();
	int exportable = 0;

	(void)state;
	for (size_t i = 0; i < t->n; i++) {
		const struct route *r = &t->routes[i];
		int n = 0;

		if (!r->cols)
			continue;
		exportable++;
		if (strcmp(r->method, "GET") != 0 || (r->flags & R_WRITE))
			fail_msg("%s %s: export columns on a non-GET or write route", r->method,
				 r->pattern);
		for (const struct export_col *c = r->cols; c->key; c++, n++)
			if (!c->header || !*c->header || !*c->key || strlen(c->key) >= 64 ||
			    (c->codes && !c->labels) || c->width < 0 || c->width > 255)
				fail_msg("%s %s: column %d is malformed", r->method, r->pattern, n);
		if (n == 0 || n > 64)
			fail_msg("%s %s: %d export columns", r->method, r->pattern, n);
	}
	assert_true(exportable >= 1);
}

/*
** Own server: the ceiling's rows in all export (one line each), one more is a
** clear 422 rather than a silently cut file. The ceiling is lowered to
** TEST_EXPORT_MAX for it (the rule is the same; 50,000 rows under ASan on both
** backends took nearly two minutes of the suite).
*/
#define TEST_EXPORT_MAX 2000

static void
export_max_rows_then_refused(void **state)
{
	struct hq_resp r;
	int64_t have;

	(void)state;
	export_set_max_rows(TEST_EXPORT_MAX);
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users", NULL, &r), 200);
	have = json_integer_value(json_object_get(r.json, "total"));
	hq_resp_free(&r);
	bulk_users("max", 1, TEST_EXPORT_MAX - (int)have);
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?format=csv", NULL, &r), 200);
	assert_int_equal(csv_lines(&r), 1 + TEST_EXPORT_MAX);
	hq_resp_free(&r);
	bulk_users("max", TEST_EXPORT_MAX, 1);
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?format=xlsx", NULL, &r), 422);
	assert_string_equal(hq_err_code(&r), "export_too_large");
	assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "error"),
							"fields"), "format"));
	hq_resp_free(&r);
	/* narrowing the filter brings it back under the limit */
	assert_int_equal(hq_req(&srv, &admin, "GET", "/api/v1/users?q=max0000&format=csv", NULL,
				&r), 200);
	assert_int_equal(csv_lines(&r), 1 + 9);
	hq_resp_free(&r);
	export_set_max_rows(0);
	assert_int_equal(export_max_rows(), EXPORT_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_is_utf8_bom_with_chinese_headers),
		cmocka_unit_test(export_uses_the_same_filters_as_the_list),
		cmocka_unit_test(csv_quotes_and_defuses_formulas),
		cmocka_unit_test(export_is_not_capped_by_the_page_size),
		cmocka_unit_test(xlsx_is_a_zip_workbook),
		cmocka_unit_test(format_is_refused_where_there_is_no_export),
		cmocka_unit_test(export_obeys_the_route_roles),
		cmocka_unit_test(export_columns_in_the_route_table_are_well_formed),
	};
	const struct CMUnitTest big[] = {
		cmocka_unit_test(export_max_rows_then_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown) |
	       cmocka_run_group_tests_name("export limit", big, setup, teardown);
}
