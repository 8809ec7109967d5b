/*
** tests/api/test_admin.c: departments, users and role grants through the API:
** field-level errors, duplicates, optimistic concurrency, tree rules, 三员分立,
** list filters and paging, and that a failed write leaves nothing behind.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client sys, sec, aud;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_client_init(&sys);
	hq_client_init(&sec);
	hq_client_init(&aud);
	if (hq_login(&srv, &sys, "sysadmin", TEST_PASSWORD) != 200 ||
	    hq_login(&srv, &sec, "secadmin", TEST_PASSWORD) != 200 ||
	    hq_login(&srv, &aud, "auditor", TEST_PASSWORD) != 200)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&sys);
	hq_client_free(&sec);
	hq_client_free(&aud);
	hq_stop(&srv);
	return 0;
}

static json_t *
fields_of(const struct hq_resp *r)
{
	return json_object_get(json_object_get(r->json, "error"), "fields");
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t
users_total(const char *query)
{
	struct hq_resp r;
	char path[256];
	int64_t n;

	snprintf(path, sizeof(path), "/api/v1/users?%s", query);
	assert_int_equal(hq_req(&srv, &sys, "GET", path, NULL, &r), 200);
	n = json_integer_value(json_object_get(r.json, "total"));
	hq_resp_free(&r);
	return n;
}

static void
create_department_rules(void **state)
{
	struct hq_resp r;
	char body[256];

	(void)state;
	snprintf(body, sizeof(body), "{\"parent_id\":%lld,\"name\":\"保卫处\",\"code\":\"BW\","
		 "\"sort_order\":5}", (long long)srv.agency_id);
	assert_int_equal(hq_req(&srv, &sys, "POST", "/api/v1/departments", body, &r), 201);
	assert_string_equal(str(r.json, "name"), "保卫处");
	assert_int_equal(json_integer_value(json_object_get(r.json, "parent_id")), srv.agency_id);
	hq_resp_free(&r);
	/* the same name under the same parent is a conflict on field name */
	assert_int_equal(hq_req(&srv, &sys, "POST", "/api/v1/departments", body, &r), 409);
	assert_non_null(json_object_get(fields_of(&r), "name"));
	hq_resp_free(&r);
	/* missing name and bad sort order are both reported */
	snprintf(body, sizeof(body), "{\"parent_id\":%lld,\"sort_order\":-1}", (long long)srv.agency_id);
	assert_int_equal(hq_req(&srv, &sys, "POST", "/api/v1/departments", body, &r), 400);
	assert_non_null(json_object_get(fields_of(&r), "name"));
	assert_non_null(json_object_get(fields_of(&r), "sort_order"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sys, "POST", "/api/v1/departments",
				"{\"parent_id\":99999,\"name\":\"无主\"}", &r), 400);
	assert_non_null(json_object_get(fields_of(&r), "parent_id"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sys, "POST", "/api/v1/departments",
				"{\"name\":\"x\",\"color\":\"red\"}", &r), 400);
	assert_string_equal(hq_err_code(&r), "unknown_field");
	hq_resp_free(&r);
}

static void
update_department_concurrency_and_cycles(void **state)
{
	struct hq_resp r, child;
	char body[400], path[64], stamp[64];
	int64_t id1 = srv.dept1_id, child_id;

	(void)state;
	snprintf(body, sizeof(body), "{\"parent_id\":%lld,\"name\":\"一处一科\"}", (long long)id1);
	assert_int_equal(hq_req(&srv, &sys, "POST", "/api/v1/departments", body, &child), 201);
	child_id = json_integer_value(json_object_get(child.json, "id"));
	hq_resp_free(&child);

	snprintf(path, sizeof(path), "/api/v1/departments/%lld", (long long)id1);
	assert_int_equal(hq_req(&srv, &sys, "GET", path, NULL, &r), 200);
	snprintf(stamp, sizeof(stamp), "%s", str(r.json, "updated_at"));
	hq_resp_free(&r);
	/* moving 一处 under its own child is refused */
	snprintf(body, sizeof(body), "{\"parent_id\":%lld,\"name\":\"一处\",\"updated_at\":\"%s\"}",
		 (long long)child_id, stamp);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, body, &r), 422);
	assert_string_equal(hq_err_code(&r), "cycle");
	hq_resp_free(&r);
	/* a rename with the fresh stamp works; replaying the old stamp is stale */
	snprintf(body, sizeof(body), "{\"name\":\"第一处\",\"updated_at\":\"%s\"}", stamp);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, body, &r), 200);
	assert_string_equal(str(r.json, "name"), "第一处");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, body, &r), 409);
	assert_string_equal(hq_err_code(&r), "stale");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sys, "PUT", "/api/v1/departments/424242", body, &r), 404);
	hq_resp_free(&r);
}

static void
create_user_field_errors_and_nothing_half_written(void **state)
{
	struct hq_resp r;
	char body[700];
	int64_t before = users_total("q=newbie");

	(void)state;
	snprintf(body, sizeof(body), "{\"username\":\"newbie\",\"display_name\":\"新人\",\"phone\":"
		 "\"13900000000\",\"department_id\":%lld,\"password\":\"weakpass\"}",
		 (long long)srv.dept2_id);
	assert_int_equal(hq_req(&srv, &sys, "POST", "/api/v1/users", body, &r), 422);
	assert_string_equal(hq_err_code(&r), "weak_password");
	assert_non_null(json_object_get(fields_of(&r), "password"));
	hq_resp_free(&r);
	assert_int_equal(users_total("q=newbie"), before);

	char longname[300] = "";
	for (int i = 0; i < 65; i++)	/* 65 characters, one over the limit */
		memcpy(longname + i * 3, "长", 4);
	snprintf(body, sizeof(body), "{\"username\":\"okname\",\"display_name\":\"%s\","
		 "\"department_id\":%lld,\"password\":\"" TEST_PASSWORD "\"}", longname,
		 (long long)srv.dept2_id);
	assert_int_equal(hq_req(&srv, &sys, "POST", "/api/v1/users", body, &r), 400);
	assert_non_null(json_object_get(fields_of(&r), "display_name"));
	hq_resp_free(&r);

	snprintf(body, sizeof(body), "{\"username\":\"bad name!\",\"display_name\":\"x\","
		 "\"department_id\":%lld,\"password\":\"" TEST_PASSWORD "\"}", (long long)srv.dept2_id);
	assert_int_equal(hq_req(&srv, &sys, "POST", "/api/v1/users", body, &r), 400);
	assert_non_null(json_object_get(fields_of(&r), "username"));
	hq_resp_free(&r);

	snprintf(body, sizeof(body), "{\"username\":\"newbie\",\"display_name\":\"新人\","
		 "\"department_id\":%lld,\"password\":\"" TEST_PASSWORD "\"}", (long long)srv.dept2_id);
	assert_int_equal(hq_req(&srv, &sys, "POST", "/api/v1/users", body, &r), 201);
	assert_string_equal(str(r.json, "username"), "newbie");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "roles"), 0)),
			    "staff");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sys, "POST", "/api/v1/users", body, &r), 409);
	assert_non_null(json_object_get(fields_of(&r), "username"));
	hq_resp_free(&r);
	assert_int_equal(users_total("q=newbie"), before + 1);

	struct hq_client c;
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "newbie", TEST_PASSWORD), 200);
	hq_client_free(&c);
}

static void
update_user_deactivate_and_stale(void **state)
{
	struct hq_resp r;
	char body[400], path[64], stamp[64];
	int64_t id = hq_user_id(&srv, "staff2");

	(void)state;
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	assert_int_equal(hq_req(&srv, &aud, "GET", path, NULL, &r), 200);
	snprintf(stamp, sizeof(stamp), "%s", str(r.json, "updated_at"));
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"display_name\":\"二处小王\",\"department_id\":%lld,"
		 "\"active\":false,\"updated_at\":\"%s\"}", (long long)srv.dept2_id, stamp);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, body, &r), 200);
	assert_false(json_is_true(json_object_get(r.json, "active")));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, body, &r), 409);
	hq_resp_free(&r);

	struct hq_client c;
	struct hq_resp lr;
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/session",
				"{\"username\":\"staff2\",\"password\":\"" TEST_PASSWORD "\"}", &lr), 401);
	/* one answer for every refused login (issue #11): no account state leaks */
	assert_string_equal(hq_err_code(&lr), "bad_credentials");
	hq_resp_free(&lr);
	hq_client_free(&c);

	/* a sysadmin cannot deactivate their own account (nor change it here: 三员分立) */
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)hq_user_id(&srv, "sysadmin"));
	assert_int_equal(hq_req(&srv, &sys, "GET", path, NULL, &r), 200);
	snprintf(body, sizeof(body), "{\"display_name\":\"s\",\"department_id\":%lld,"
		 "\"active\":false,\"updated_at\":\"%s\"}", (long long)srv.office_dept_id,
		 str(r.json, "updated_at"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, body, &r), 403);
	assert_string_equal(hq_err_code(&r), "self_account");
	hq_resp_free(&r);
}

static void
role_grants_by_secadmin_only(void **state)
{
	struct hq_resp r;
	char path[64];
	int64_t id = hq_user_id(&srv, "worker");

	(void)state;
	snprintf(path, sizeof(path), "/api/v1/users/%lld/roles", (long long)id);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, "{\"roles\":[\"office\"]}", &r), 403);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sec, "PUT", path, "{\"roles\":[\"sysadmin\",\"auditor\"]}", &r), 422);
	assert_string_equal(hq_err_code(&r), "role_conflict");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sec, "PUT", path, "{\"roles\":[\"wizard\"]}", &r), 400);
	assert_non_null(json_object_get(fields_of(&r), "roles"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sec, "PUT", path, "{\"roles\":[]}", &r), 400);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sec, "PUT", path,
				 "{\"roles\":[\"worker\",\"office\",\"staff\"]}", &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "roles")), 3);
	hq_resp_free(&r);
	/* nobody grants themselves roles */
	snprintf(path, sizeof(path), "/api/v1/users/%lld/roles", (long long)hq_user_id(&srv, "secadmin"));
	assert_int_equal(hq_req(&srv, &sec, "PUT", path, "{\"roles\":[\"secadmin\",\"leader\"]}", &r), 422);
	assert_string_equal(hq_err_code(&r), "self_grant");
	hq_resp_free(&r);
}

static void
user_list_filters_and_paging(void **state)
{
	struct hq_resp r;
	char path[128];

	(void)state;
	assert_true(users_total("") >= 11);
	assert_int_equal(users_total("q=dept_h"), 1);
	assert_int_equal(users_total("q=%25"), 0);	/* LIKE wildcards are literal */
	assert_int_equal(users_total("role=secadmin"), 1);
	snprintf(path, sizeof(path), "department_id=%lld", (long long)srv.dept1_id);
	assert_int_equal(users_total(path), 2);	/* staff and dept_head */
	assert_int_equal(hq_req(&srv, &sys, "GET", "/api/v1/users?per_page=3&page=2", NULL, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 3);
	assert_int_equal(json_integer_value(json_object_get(r.json, "page")), 2);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sys, "GET", "/api/v1/users?per_page=5000", NULL, &r), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "per_page")), 200);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sys, "GET", "/api/v1/users?page=0", NULL, &r), 400);
	assert_non_null(json_object_get(fields_of(&r), "page"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sys, "GET", "/api/v1/users?role=wizard", NULL, &r), 400);
	hq_resp_free(&r);
	/* the auditor reads, but cannot write */
	assert_int_equal(hq_req(&srv, &aud, "GET", "/api/v1/users", NULL, &r), 200);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &aud, "POST", "/api/v1/users", "{}", &r), 403);
	hq_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_department_rules),
		cmocka_unit_test(update_department_concurrency_and_cycles),
		cmocka_unit_test(create_user_field_errors_and_nothing_half_written),
		cmocka_unit_test(update_user_deactivate_and_stale),
		cmocka_unit_test(role_grants_by_secadmin_only),
		cmocka_unit_test(user_list_filters_and_paging),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
