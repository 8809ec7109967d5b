/*
** tests/api/test_sec_credentials.c: the credential life cycle attacked with
** stolen credentials: a cookie or token copied before a password change,
** reset, lock or deactivation must die with it; tokens expire, are listed and
** revoked only by their owner and the secadmin, and cannot mint tokens;
** sessions die 12 hours after login however busy; cookies carry Secure when
** the server is told it is behind HTTPS. Database times are moved back with
** SQL on the test's own database, as an attacker with time would.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"
#include "http/session.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client sys, sec;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_fixture_users(&srv, srv.agency_id, srv.dept1_id, "mark", "staff", 6, NULL);
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

/* Run sql (binds :id and :v) on the server's database, as someone with the file would. */
static void
sql_set(const char *sql, int64_t id, int64_t v)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };

	assert_int_equal(db_begin_write(db, &e), 0);
	assert_int_equal(db_prepare(db, &st, sql, &e), 0);
	assert_int_equal(db_bind_i64(&st, ":id", id, &e), 0);
	assert_int_equal(db_bind_i64(&st, ":v", v, &e), 0);
	assert_int_equal(db_step_done(&st, &e), 0);
	db_finalize(&st);
	assert_int_equal(db_commit(db, &e), 0);
	db_pool_writer_unlock(srv.pool);
}

/* Log user in (cookie in c) and mint a bearer token for them into t. Returns the token id. */
static int64_t
victim(const char *user, struct hq_client *c, struct hq_client *t)
{
	struct hq_resp r;
	int64_t id;

	hq_client_init(c);
	hq_client_init(t);
	assert_int_equal(hq_login(&srv, c, user, TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, c, "POST", "/api/v1/tokens", "{\"name\":\"sync\"}", &r), 201);
	snprintf(t->bearer, sizeof(t->bearer), "%s",
		 json_string_value(json_object_get(r.json, "token")));
	id = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	return id;
}

static void
expect_dead(struct hq_client *c, struct hq_client *t)
{
	struct hq_resp r;

	assert_int_equal(hq_req(&srv, c, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, t, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(c);
	hq_client_free(t);
}

static void
expect_alive(struct hq_client *c, struct hq_client *t)
{
	struct hq_resp r;

	assert_int_equal(hq_req(&srv, c, "GET", "/api/v1/me", NULL, &r), 200);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, t, "GET", "/api/v1/me", NULL, &r), 200);
	hq_resp_free(&r);
}

static void
user_stamp(int64_t id, char *stamp, size_t size)
{
	struct hq_resp r;
	char path[64];

	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	assert_int_equal(hq_req(&srv, &sys, "GET", path, NULL, &r), 200);
	snprintf(stamp, size, "%s", json_string_value(json_object_get(r.json, "updated_at")));
	hq_resp_free(&r);
}

static void
stolen_credentials_die_with_a_reset(void **state)
{
	struct hq_client c, t;
	struct hq_resp r;
	char path[96], body[96], stamp[64];
	int64_t id = hq_user_id(&srv, "mark1");

	(void)state;
	victim("mark1", &c, &t);
	expect_alive(&c, &t);
	user_stamp(id, stamp, sizeof(stamp));
	snprintf(path, sizeof(path), "/api/v1/users/%lld/password-reset", (long long)id);
	snprintf(body, sizeof(body), "{\"updated_at\":\"%s\"}", stamp);
	assert_int_equal(hq_req(&srv, &sys, "POST", path, body, &r), 200);
	hq_resp_free(&r);
	expect_dead(&c, &t);
}

static void
stolen_credentials_die_with_a_lock(void **state)
{
	struct hq_client c, t;
	struct hq_resp r;
	char path[96], body[128], stamp[64];
	int64_t id = hq_user_id(&srv, "mark2");

	(void)state;
	victim("mark2", &c, &t);
	user_stamp(id, stamp, sizeof(stamp));
	snprintf(path, sizeof(path), "/api/v1/users/%lld/lock", (long long)id);
	snprintf(body, sizeof(body), "{\"locked\":true,\"updated_at\":\"%s\"}", stamp);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, body, &r), 200);
	hq_resp_free(&r);
	expect_dead(&c, &t);
}

static void
an_admin_lock_written_elsewhere_is_seen_at_the_next_request(void **state)
{
	struct hq_client c, t;

	(void)state;
	victim("mark3", &c, &t);
	/* a lock the CLI or another server process wrote, sessions left open */
	sql_set("UPDATE app_user SET locked_until = :v WHERE id = :id", hq_user_id(&srv, "mark3"),
		ADMIN_LOCK_UNTIL);
	expect_dead(&c, &t);
}

static void
stolen_credentials_die_with_a_deactivation(void **state)
{
	struct hq_client c, t;
	struct hq_resp r;
	char path[96], body[256], stamp[64];
	int64_t id = hq_user_id(&srv, "mark4");

	(void)state;
	victim("mark4", &c, &t);
	user_stamp(id, stamp, sizeof(stamp));
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	snprintf(body, sizeof(body), "{\"display_name\":\"停用\",\"department_id\":%lld,"
		 "\"active\":false,\"updated_at\":\"%s\"}", (long long)srv.dept1_id, stamp);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, body, &r), 200);
	hq_resp_free(&r);
	expect_dead(&c, &t);
	/* and reactivating does not revive them: they were ended, not hidden */
	user_stamp(id, stamp, sizeof(stamp));
	snprintf(body, sizeof(body), "{\"display_name\":\"停用\",\"department_id\":%lld,"
		 "\"active\":true,\"updated_at\":\"%s\"}", (long long)srv.dept1_id, stamp);
	assert_int_equal(hq_req(&srv, &sys, "PUT", path, body, &r), 200);
	hq_resp_free(&r);
}

static void
stolen_token_dies_with_a_password_change(void **state)
{
	struct hq_client c, t, other;
	struct hq_resp r;

	(void)state;
	victim("mark5", &c, &t);
	hq_client_init(&other);	/* a cookie copied to another browser */
	assert_int_equal(hq_login(&srv, &other, "mark5", TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &c, "PUT", "/api/v1/me/password",
				"{\"old_password\":\"" TEST_PASSWORD "\","
				"\"new_password\":\"Changed@2026q\"}", &r), 200);
	hq_resp_free(&r);
	/* the session that changed it goes on; the other session and the token do not */
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/me", NULL, &r), 200);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &t, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &other, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&other);
	hq_client_free(&t);
	hq_client_free(&c);
}

static void
tokens_expire_and_cannot_mint_tokens(void **state)
{
	struct hq_client c, t;
	struct hq_resp r, r1;
	int64_t tid;

	(void)state;
	tid = victim("office", &c, &t);
	/* a token cannot make itself a successor that outlives it */
	assert_int_equal(hq_req(&srv, &t, "POST", "/api/v1/tokens", "{\"name\":\"child\"}", &r), 403);
	assert_string_equal(hq_err_code(&r), "token_not_allowed");
	hq_resp_free(&r);
	/* lifetime: 1..365 days, 90 by default */
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/tokens",
				"{\"name\":\"x\",\"expires_in_days\":0}", &r), 400);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/tokens",
				"{\"name\":\"x\",\"expires_in_days\":366}", &r), 400);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/tokens",
				"{\"name\":\"short\",\"expires_in_days\":1}", &r1), 201);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/tokens", "{\"name\":\"long\"}", &r), 201);
	assert_true(strcmp(json_string_value(json_object_get(r1.json, "expires_at")),
			   json_string_value(json_object_get(r.json, "expires_at"))) < 0);
	hq_resp_free(&r);
	hq_resp_free(&r1);
	/* past its expiry the token is refused */
	expect_alive(&c, &t);
	sql_set("UPDATE api_token SET expires_at = :v WHERE id = :id", tid, now_ms() - 1);
	assert_int_equal(hq_req(&srv, &t, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&t);
	hq_client_free(&c);
}

static int
lists_token(struct hq_client *c, const char *query, int64_t id)
{
	struct hq_resp r;
	const json_t *it;
	char path[96];
	size_t i;
	int found = 0;

	snprintf(path, sizeof(path), "/api/v1/tokens%s", query);
	assert_int_equal(hq_req(&srv, c, "GET", path, NULL, &r), 200);
	json_array_foreach(json_object_get(r.json, "items"), i, it) {
		/* never the token or its hash */
		assert_null(json_object_get(it, "token"));
		assert_null(json_object_get(it, "token_hash"));
		if (json_integer_value(json_object_get(it, "id")) == id)
			found = 1;
	}
	hq_resp_free(&r);
	return found;
}

static void
tokens_are_listed_and_revoked_by_owner_and_secadmin_only(void **state)
{
	struct hq_client c, t, c2, t2, other;
	struct hq_resp r;
	char path[96], q[64];
	int64_t tid, tid2;

	(void)state;
	tid = victim("finance", &c, &t);
	tid2 = victim("leader", &c2, &t2);
	assert_true(lists_token(&c, "", tid));
	assert_false(lists_token(&c, "", tid2));
	/* a use shows as last_used_at (refreshed at most once a minute) */
	expect_alive(&c, &t);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/tokens?per_page=1", NULL, &r), 200);
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(json_object_get(r.json, "items"), 0), "id")), tid);
	assert_true(json_is_string(json_object_get(json_array_get(json_object_get(r.json, "items"), 0),
						   "last_used_at")));
	hq_resp_free(&r);
	/* another user can neither see nor revoke it */
	hq_client_init(&other);
	assert_int_equal(hq_login(&srv, &other, "staff", TEST_PASSWORD), 200);
	snprintf(q, sizeof(q), "?user_id=%lld", (long long)hq_user_id(&srv, "finance"));
	assert_int_equal(hq_req(&srv, &other, "GET", "/api/v1/tokens?all=1", NULL, &r), 403);
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens%s", q);
	assert_int_equal(hq_req(&srv, &other, "GET", path, NULL, &r), 403);
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/%lld", (long long)tid);
	assert_int_equal(hq_req(&srv, &other, "DELETE", path, NULL, &r), 404);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &sys, "DELETE", path, NULL, &r), 404);	/* not the sysadmin's */
	hq_resp_free(&r);
	hq_client_free(&other);
	expect_alive(&c, &t);
	/* the owner revokes their own */
	assert_int_equal(hq_req(&srv, &c, "DELETE", path, NULL, &r), 200);
	assert_false(json_is_null(json_object_get(r.json, "revoked_at")));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &t, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	/* the secadmin sees any user's, and all, and revokes them */
	assert_true(lists_token(&sec, q, tid));
	assert_true(lists_token(&sec, "?all=1", tid2));
	snprintf(path, sizeof(path), "/api/v1/tokens/%lld", (long long)tid2);
	assert_int_equal(hq_req(&srv, &sec, "DELETE", path, NULL, &r), 200);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &t2, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&t);
	hq_client_free(&c);
	hq_client_free(&t2);
	hq_client_free(&c2);
}

static void
sessions_die_twelve_hours_after_login(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "dept_head", TEST_PASSWORD), 200);
	/* busy all along (last_seen fresh), but logged in 12 h and a minute ago */
	sql_set("UPDATE session SET created_at = :v WHERE user_id = :id AND ended_at IS NULL",
		hq_user_id(&srv, "dept_head"), now_ms() - SESSION_ABSOLUTE_MS - MINUTE_MS);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&c);
	/* a session 11 hours old lives */
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "dept_head", TEST_PASSWORD), 200);
	sql_set("UPDATE session SET created_at = :v WHERE user_id = :id AND ended_at IS NULL",
		hq_user_id(&srv, "dept_head"), now_ms() - 11 * HOUR_MS);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/me", NULL, &r), 200);
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
cookie_is_secure_only_when_asked(void **state)
{
	static const char login[] =
		"{\"username\":\"staff2\",\"password\":\"" TEST_PASSWORD "\"}";
	struct hq_client c;
	struct hq_resp r;
	char v[300];

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/session", login, &r), 200);
	assert_non_null(hq_header(&r, "Set-Cookie", v, sizeof(v)));
	assert_null(strstr(v, "Secure"));
	hq_resp_free(&r);
	hq_client_free(&c);
	session_set_secure(1);	/* houqin serve --secure-cookies */
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/session", login, &r), 200);
	assert_non_null(hq_header(&r, "Set-Cookie", v, sizeof(v)));
	assert_non_null(strstr(v, "; Secure"));
	assert_non_null(strstr(v, "HttpOnly"));
	hq_resp_free(&r);
	hq_client_free(&c);
	session_set_secure(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stolen_credentials_die_with_a_reset),
		cmocka_unit_test(stolen_credentials_die_with_a_lock),
		cmocka_unit_test(an_admin_lock_written_elsewhere_is_seen_at_the_next_request),
		cmocka_unit_test(stolen_credentials_die_with_a_deactivation),
		cmocka_unit_test(stolen_token_dies_with_a_password_change),
		cmocka_unit_test(tokens_expire_and_cannot_mint_tokens),
		cmocka_unit_test(tokens_are_listed_and_revoked_by_owner_and_secadmin_only),
		cmocka_unit_test(sessions_die_twelve_hours_after_login),
		cmocka_unit_test(cookie_is_secure_only_when_asked),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
