/*
** tests/api/test_sec_admins.c: 三员分立 attacked through the API. A sysadmin
** tries every account operation (rename, re-department, deactivate, reset,
** lock) on each kind of admin and on themselves; the secadmin on business
** users; a reset must win with the right updated_at and write nothing with an
** old one, hand out a one-time password that only opens /me until changed,
** tell the other admins and nobody else; 纪检 and auditor role mixes are refused.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/auth.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client sys, sec;
static int64_t sys2_id, sys2b_id;	/* second and third sysadmins (targets) */

static int
setup(void **state)
{
	int64_t ids[2];

	(void)state;
	hq_start(&srv);
	hq_fixture_users(&srv, srv.agency_id, srv.office_dept_id, "sysop", "sysadmin", 2, ids);
	sys2_id = ids[0];
	sys2b_id = ids[1];
	hq_client_init(&sys);
	hq_client_init(&sec);
	if (hq_login(&srv, &sys, "sysadmin", TEST_PASSWORD) != 200 ||
	    hq_login(&srv, &sec, "secadmin", TEST_PASSWORD) != 200)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&sys);
	hq_client_free(&sec);
	hq_stop(&srv);
	return 0;
}

/* The user's current updated_at (as the API shows it) into stamp. */
static void
stamp_of(int64_t id, char *stamp, size_t size)
{
	struct hq_resp r;
	char path[64];

	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	assert_int_equal(hq_req(&srv, &sec, "GET", path, NULL, &r), 200);
	snprintf(stamp, size, "%s", json_string_value(json_object_get(r.json, "updated_at")));
	hq_resp_free(&r);
}

/* op on user id by c with its current stamp: 0 rename, 1 department, 2 deactivate, 3 reset, 4 lock. */
static long
account_op(struct hq_client *c, int op, int64_t id, struct hq_resp *r)
{
	char path[96], body[256], stamp[64];

	stamp_of(id, stamp, sizeof(stamp));
	snprintf(path, sizeof(path), "/api/v1/users/%lld%s", (long long)id,
		 op == 3 ? "/password-reset" : op == 4 ? "/lock" : "");
	if (op == 3)
		snprintf(body, sizeof(body), "{\"updated_at\":\"%s\"}", stamp);
	else if (op == 4)
		snprintf(body, sizeof(body), "{\"locked\":true,\"updated_at\":\"%s\"}", stamp);
	else
		snprintf(body, sizeof(body), "{\"display_name\":\"%s\",\"department_id\":%lld,"
			 "\"active\":%s,\"updated_at\":\"%s\"}", op == 0 ? "改名" : "同名",
			 (long long)(op == 1 ? srv.dept2_id : srv.office_dept_id),
			 op == 2 ? "false" : "true", stamp);
	return hq_req(&srv, c, op == 3 ? "POST" : "PUT", path, body, r);
}

static void
expect_refused(struct hq_client *c, int64_t id, const char *code)
{
	char before[64], after[64];
	struct hq_resp r;

	for (int op = 0; op < 5; op++) {
		stamp_of(id, before, sizeof(before));
		assert_int_equal(account_op(c, op, id, &r), 403);
		if (strcmp(hq_err_code(&r), code) != 0)
			fail_msg("op %d on user %lld: %s, expected %s", op, (long long)id,
				 hq_err_code(&r), code);
		hq_resp_free(&r);
		stamp_of(id, after, sizeof(after));
		assert_string_equal(before, after);	/* nothing written */
	}
}

static void
sysadmin_cannot_touch_any_admin_account(void **state)
{
	struct hq_client c;

	(void)state;
	expect_refused(&sys, hq_user_id(&srv, "secadmin"), "admin_account");
	expect_refused(&sys, hq_user_id(&srv, "auditor"), "admin_account");
	expect_refused(&sys, sys2_id, "admin_account");
	/* and each of them still logs in with their own password */
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "secadmin", TEST_PASSWORD), 200);
	hq_client_free(&c);
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "auditor", TEST_PASSWORD), 200);
	hq_client_free(&c);
}

static void
nobody_changes_their_own_account_as_admin(void **state)
{
	(void)state;
	expect_refused(&sys, hq_user_id(&srv, "sysadmin"), "self_account");
	expect_refused(&sec, hq_user_id(&srv, "secadmin"), "self_account");
}

static void
business_accounts_are_the_sysadmins(void **state)
{
	struct hq_resp r;
	int64_t staff2 = hq_user_id(&srv, "staff2");

	(void)state;
	expect_refused(&sec, staff2, "business_account");
	assert_int_equal(account_op(&sys, 0, staff2, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "display_name")), "改名");
	hq_resp_free(&r);
	assert_int_equal(account_op(&sys, 1, staff2, &r), 200);
	hq_resp_free(&r);
}

static void
secadmin_manages_admin_accounts(void **state)
{
	struct hq_resp r;

	(void)state;
	assert_int_equal(account_op(&sec, 0, sys2_id, &r), 200);
	hq_resp_free(&r);
	assert_int_equal(account_op(&sec, 1, sys2_id, &r), 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "department"),
							    "id")), srv.dept2_id);
	hq_resp_free(&r);
}

static void
password_field_is_gone_from_user_update(void **state)
{
	struct hq_resp r;
	char path[64], body[256], stamp[64];
	int64_t id = hq_user_id(&srv, "staff");

	(void)state;
	stamp_of(id, stamp, sizeof(stamp));
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	snprintf(body, sizeof(body), "{\"display_name\":\"x\",\"department_id\":%lld,"
		 "\"password\":\"Takeover@2026\",\"updated_at\":\"%s\"}",
		 (long long)srv.dept1_id, stamp);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, body, &r), 400);
	assert_string_equal(hq_err_code(&r), "unknown_field");
	hq_resp_free(&r);
	struct hq_client c;
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "staff", "Takeover@2026"), 401);
	hq_client_free(&c);
}

static int
has_reset_notice(const char *user, int64_t target)
{
	struct hq_client c;
	struct hq_resp r;
	const json_t *n;
	size_t i;
	int found = 0;

	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, user, TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/notifications", NULL, &r), 200);
	json_array_foreach(json_object_get(r.json, "items"), i, n)
		if (strcmp(json_string_value(json_object_get(n, "kind")), "org.password_reset") == 0 &&
		    json_integer_value(json_object_get(n, "entity_id")) == target)
			found = 1;
	hq_resp_free(&r);
	hq_client_free(&c);
	return found;
}

static void
reset_is_one_time_stale_safe_and_told(void **state)
{
	struct hq_client v;
	struct hq_resp r;
	char path[96], body[128], old[64], pw[64];

	(void)state;
	stamp_of(sys2b_id, old, sizeof(old));
	hq_client_init(&v);	/* the victim's open session */
	assert_int_equal(hq_login(&srv, &v, "sysop2", TEST_PASSWORD), 200);
	/* the right updated_at wins at once (it was always 409 before) */
	assert_int_equal(account_op(&sec, 3, sys2b_id, &r), 200);
	snprintf(pw, sizeof(pw), "%s", json_string_value(json_object_get(r.json, "password")));
	assert_int_equal(strlen(pw), 16);
	assert_int_equal(auth_password_policy(pw, "password", &(struct err){ 0 }), 0);
	hq_resp_free(&r);
	/* replaying the old stamp is stale and writes nothing: the new password still works */
	snprintf(path, sizeof(path), "/api/v1/users/%lld/password-reset", (long long)sys2b_id);
	snprintf(body, sizeof(body), "{\"updated_at\":\"%s\"}", old);
	assert_int_equal(hq_req(&srv, &sec, "POST", path, body, &r), 409);
	assert_string_equal(hq_err_code(&r), "stale");
	hq_resp_free(&r);
	/* the victim's session died with the reset */
	assert_int_equal(hq_req(&srv, &v, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&v);
	/* the old password is gone; the one-time one only opens /me, password and logout */
	hq_client_init(&v);
	assert_int_equal(hq_login(&srv, &v, "sysop2", TEST_PASSWORD), 401);
	assert_int_equal(hq_login(&srv, &v, "sysop2", pw), 200);
	assert_int_equal(hq_req(&srv, &v, "GET", "/api/v1/me", NULL, &r), 200);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "user"),
						 "must_change_password")));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &v, "GET", "/api/v1/users", NULL, &r), 403);
	assert_string_equal(hq_err_code(&r), "password_change_required");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &v, "POST", "/api/v1/tokens", "{\"name\":\"t\"}", &r), 403);
	assert_string_equal(hq_err_code(&r), "password_change_required");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &v, "DELETE", "/api/v1/session", NULL, &r), 200);
	hq_resp_free(&r);
	hq_client_free(&v);
	/* the other admins are told, the actor and business users are not */
	assert_true(has_reset_notice("sysadmin", sys2b_id));
	assert_true(has_reset_notice("auditor", sys2b_id));
	assert_false(has_reset_notice("secadmin", sys2b_id));
	assert_false(has_reset_notice("staff", sys2b_id));
	assert_false(has_reset_notice("office", sys2b_id));
	/* and the auditor's log has it */
	hq_client_init(&v);
	assert_int_equal(hq_login(&srv, &v, "auditor", TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &v, "GET", "/api/v1/audit?action=reset_password", NULL, &r),
			 200);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 1);
	assert_null(strstr(r.body, pw));
	hq_resp_free(&r);
	hq_client_free(&v);
}

static void
lock_ends_sessions_and_unlock_restores(void **state)
{
	struct hq_client v;
	struct hq_resp r;
	char path[96], body[128], stamp[64];
	int64_t id = hq_user_id(&srv, "worker");

	(void)state;
	hq_client_init(&v);
	assert_int_equal(hq_login(&srv, &v, "worker", TEST_PASSWORD), 200);
	assert_int_equal(account_op(&sys, 4, id, &r), 200);
	assert_true(json_is_true(json_object_get(r.json, "locked")));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &v, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&v);
	stamp_of(id, stamp, sizeof(stamp));
	snprintf(path, sizeof(path), "/api/v1/users/%lld/lock", (long long)id);
	snprintf(body, sizeof(body), "{\"locked\":false,\"updated_at\":\"%s\"}", stamp);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, body, &r), 200);
	assert_false(json_is_true(json_object_get(r.json, "locked")));
	hq_resp_free(&r);
	hq_client_init(&v);
	assert_int_equal(hq_login(&srv, &v, "worker", TEST_PASSWORD), 200);
	hq_client_free(&v);
}

static long
set_roles(const char *user, const char *roles, struct hq_resp *r)
{
	char path[64], body[160];

	snprintf(path, sizeof(path), "/api/v1/users/%lld/roles", (long long)hq_user_id(&srv, user));
	snprintf(body, sizeof(body), "{\"roles\":[%s]}", roles);
	return hq_req(&srv, &sec, "PUT", path, body, r);
}

static void
conflicting_roles_are_refused(void **state)
{
	static const char *const bad[] = {
		"\"supervisor\",\"office\"", "\"supervisor\",\"finance\"", "\"supervisor\",\"worker\"",
		"\"auditor\",\"staff\"", "\"auditor\",\"dept_head\"", "\"auditor\",\"office\"",
		"\"auditor\",\"worker\"", "\"auditor\",\"leader\"", "\"auditor\",\"finance\"",
	};
	struct hq_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(set_roles("leader", bad[i], &r), 422);
		assert_string_equal(hq_err_code(&r), "role_conflict");
		assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "error"),
								"fields"), "roles"));
		hq_resp_free(&r);
	}
	/* 纪检 who is also staff is fine */
	assert_int_equal(set_roles("leader", "\"supervisor\",\"staff\"", &r), 200);
	hq_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sysadmin_cannot_touch_any_admin_account),
		cmocka_unit_test(nobody_changes_their_own_account_as_admin),
		cmocka_unit_test(business_accounts_are_the_sysadmins),
		cmocka_unit_test(secadmin_manages_admin_accounts),
		cmocka_unit_test(password_field_is_gone_from_user_update),
		cmocka_unit_test(reset_is_one_time_stale_safe_and_told),
		cmocka_unit_test(lock_ends_sessions_and_unlock_restores),
		cmocka_unit_test(conflicting_roles_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
