/*
** tests/api/test_role_matrix.c: every route of every module (modules_routes())
** × every role, generated from the table itself: its roles column is the
** expectation. A role outside the column gets 403 "forbidden" from the
** router; a role inside never does; nobody without a session gets past
** 401 on a non-public route. Path parameters are filled with ids that do
** not exist, so an allowed request ends in 400/404 and changes nothing real.
** Scopes (a dept head sees only their department) are checked after it.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/harness.h"
#include "core/auth.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"
#include "modules.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"

static struct hq_server srv;

/* One fixture user per role (harness: each holds that role, most also staff). */
static const char *const users[] = { "staff", "dept_head", "office", "worker", "leader",
				     "finance", "supervisor", "sysadmin", "secadmin", "auditor" };
#define NUSERS (sizeof(users) / sizeof(users[0]))

struct who {
	struct hq_client c;
	unsigned roles;
};
static struct who who[NUSERS];

static unsigned
roles_of(const json_t *me)
{
	const json_t *arr = json_object_get(json_object_get(me, "user"), "roles"), *r;
	unsigned bits = 0;
	size_t i;

	json_array_foreach(arr, i, r)
		for (int k = 0; k < ROLE_COUNT; k++)
			if (strcmp(json_string_value(r), role_codes[k]) == 0)
				bits |= 1u << k;
	return bits;
}

/* Log every fixture user in and learn their roles from GET /me. */
static void
login_all(void)
{
	struct hq_resp r;

	for (size_t i = 0; i < NUSERS; i++) {
		hq_client_init(&who[i].c);
		assert_int_equal(hq_login(&srv, &who[i].c, users[i], TEST_PASSWORD), 200);
		assert_int_equal(hq_req(&srv, &who[i].c, "GET", "/api/v1/me", NULL, &r), 200);
		who[i].roles = roles_of(r.json);
		assert_true(who[i].roles != 0);
		hq_resp_free(&r);
	}
}

/* The pattern with each :param replaced by a value that names nothing. */
static void
fill_path(const char *pattern, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = pattern; *p && o + 16 < size;) {
		if (*p != ':') {
			out[o++] = *p++;
			continue;
		}
		const char *name = ++p;
		while (*p && *p != '/')
			p++;
		/* :entity: one every role may ask about, so its own role list is not in play */
		const char *v = strncmp(name, "entity", 6) == 0 ? "workorder"
				: strncmp(name, "date", 4) == 0 ? "2099-01-02"
				: strncmp(name, "year", 4) == 0 ? "2099" : "999999";
		o += (size_t)snprintf(out + o, size - o, "%s", v);
	}
	out[o] = '\0';
}

/* Routes whose allowed call would spoil the matrix for later rows. */
static int
skipped(const struct route *r)
{
	return strcmp(r->pattern, "/api/v1/session") == 0 ||	/* login/logout */
	       strcmp(r->pattern, "/api/v1/events") == 0;	/* an endless stream */
}

static void
check_route(const struct route *r)
{
	char path[256];
	const char *body = strcmp(r->method, "GET") == 0 ? NULL : "{}";
	struct hq_client anon;
	struct hq_resp res;

	fill_path(r->pattern, path, sizeof(path));
	for (size_t i = 0; i < NUSERS; i++) {
		int allowed = r->roles == ANY_USER || (who[i].roles & r->roles) != 0;
		long st = hq_req(&srv, &who[i].c, r->method, path, body, &res);
		int router_403 = st == 403 && strcmp(hq_err_code(&res), "forbidden") == 0;
		if (allowed == router_403)
			fail_msg("%s %s as %s: status %ld (%s), expected %s", r->method, path,
				 users[i], st, hq_err_code(&res), allowed ? "allowed" : "403");
		hq_resp_free(&res);
	}
	if (r->flags & R_PUBLIC)
		return;
	hq_client_init(&anon);
	assert_int_equal(hq_req(&srv, &anon, r->method, path, body, &res), 401);
	hq_resp_free(&res);
	hq_client_free(&anon);
}

static void
every_route_by_every_role(void **state)
{
	size_t checked = 0;

	(void)state;
	login_all();
	for (size_t i = 0; i < modules_routes()->n; i++) {
		if (skipped(&modules_routes()->routes[i]))
			continue;
		check_route(&modules_routes()->routes[i]);
		checked++;
	}
	/* the table is not empty and the matrix reached the business modules */
	assert_true(checked > 60);
	for (size_t i = 0; i < NUSERS; i++)
		hq_client_free(&who[i].c);
}

/* ---- scopes: the role lets a user in, the scope limits what they see ---- */

static int64_t
create_order(struct hq_client *c, int64_t category, int64_t location)
{
	char body[256];
	struct hq_resp r;
	int64_t id;

	snprintf(body, sizeof(body),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"灯不亮\","
		 "\"priority\":\"normal\"}", (long long)category, (long long)location);
	assert_int_equal(hq_req(&srv, c, "POST", "/api/v1/workorders", body, &r), 201);
	id = (int64_t)json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	return id;
}

static void
dept_head_sees_only_own_department(void **state)
{
	struct hq_client staff, staff2, head;
	struct hq_wo fx;
	struct hq_resp r;
	char path[96];
	int64_t mine, other;
	const json_t *it;
	size_t i;

	(void)state;
	hq_wo_fixture(&srv, &fx);
	hq_client_init(&staff);
	hq_client_init(&staff2);
	hq_client_init(&head);
	hq_login(&srv, &staff, "staff", TEST_PASSWORD);
	hq_login(&srv, &staff2, "staff2", TEST_PASSWORD);
	hq_login(&srv, &head, "dept_head", TEST_PASSWORD);
	mine = create_order(&staff, fx.cat, fx.room);	/* 一处, the head's */
	other = create_order(&staff2, fx.cat, fx.room);	/* 二处 */

	assert_int_equal(hq_req(&srv, &head, "GET", "/api/v1/workorders?scope=dept", NULL, &r),
			 200);
	assert_true(json_integer_value(json_object_get(r.json, "total")) >= 1);
	json_array_foreach(json_object_get(r.json, "items"), i, it)
		assert_int_not_equal(json_integer_value(json_object_get(it, "id")), other);
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/workorders/%lld", (long long)mine);
	assert_int_equal(hq_req(&srv, &head, "GET", path, NULL, &r), 200);
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/workorders/%lld", (long long)other);
	assert_int_equal(hq_req(&srv, &head, "GET", path, NULL, &r), 404);
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/workorders?scope=dept&department_id=%lld",
		 (long long)srv.dept2_id);
	assert_int_equal(hq_req(&srv, &head, "GET", path, NULL, &r), 403);
	hq_resp_free(&r);
	/* staff: own orders only; the agency-wide views are refused */
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/workorders?scope=all", NULL, &r),
			 403);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", path, NULL, &r), 403);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/workorders/stats", NULL, &r), 403);
	hq_resp_free(&r);
	hq_client_free(&staff);
	hq_client_free(&staff2);
	hq_client_free(&head);
}

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_stop(&srv);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_route_by_every_role),
		cmocka_unit_test(dept_head_sees_only_own_department),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
