/*
** tests/api/test_auth.c: login, no lockout, session idle expiry, CSRF, bearer
** tokens, logout, password change, and that every admin route refuses staff.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"
#include "modules/org/org.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hq_server srv;

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

static void
login_ok_sets_httponly_cookie_and_me_works(void **state)
{
	struct hq_client c;
	struct hq_resp r;
	char v[300];

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/session",
				"{\"username\":\"staff\",\"password\":\"" TEST_PASSWORD "\"}", &r),
			 200);
	assert_non_null(hq_header(&r, "Set-Cookie", v, sizeof(v)));
	assert_non_null(strstr(v, "houqin_session="));
	assert_non_null(strstr(v, "HttpOnly"));
	assert_non_null(strstr(v, "SameSite=Strict"));
	assert_int_equal(strlen(json_string_value(json_object_get(r.json, "csrf_token"))), 64);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "user"),
							      "username")), "staff");
	hq_resp_free(&r);

	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/me", NULL, &r), 200);
	json_t *u = json_object_get(r.json, "user");
	assert_string_equal(json_string_value(json_object_get(u, "display_name")), "staff");
	assert_string_equal(json_string_value(json_object_get(json_object_get(u, "department"),
							      "name")), "一处");
	assert_string_equal(json_string_value(json_array_get(json_object_get(u, "roles"), 0)),
			    "staff");
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
wrong_password_and_unknown_user_are_401(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/session",
				"{\"username\":\"staff\",\"password\":\"Wrong@2026\"}", &r), 401);
	assert_string_equal(hq_err_code(&r), "bad_credentials");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/session",
				"{\"username\":\"ghost\",\"password\":\"Wrong@2026\"}", &r), 401);
	assert_string_equal(hq_err_code(&r), "bad_credentials");
	hq_resp_free(&r);
	hq_client_free(&c);
}

/*
** Failures never lock the account (an attacker could lock its owner out):
** spaced past the delay, every attempt is verified; the right one gets in.
*/
/* GET /session answers without a 401 either way: {user: null}, or /me's body (#13 item 5). */
static void
session_probe_never_401(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/session", NULL, &r), 200);
	assert_true(json_is_null(json_object_get(r.json, "user")));
	assert_null(json_object_get(r.json, "csrf_token"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/me", NULL, &r), 401);	/* unchanged */
	hq_resp_free(&r);
	assert_int_equal(hq_login(&srv, &c, "staff", TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/session", NULL, &r), 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "user"),
							      "username")),
			    "staff");
	assert_string_equal(json_string_value(json_object_get(r.json, "csrf_token")), c.csrf);
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
failures_never_lock_the_account(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	for (int i = 0; i < 8; i++) {
		clock_advance(LOGIN_DELAY_MAX_MS);
		assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/session",
					"{\"username\":\"finance\",\"password\":\"Nope@2026\"}", &r),
				 401);
		assert_string_equal(hq_err_code(&r), "bad_credentials");
		hq_resp_free(&r);
	}
	clock_advance(LOGIN_DELAY_MAX_MS);
	assert_int_equal(hq_login(&srv, &c, "finance", TEST_PASSWORD), 200);
	hq_client_free(&c);
}

static void
session_expires_after_30_idle_minutes(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "leader", TEST_PASSWORD), 200);
	/* activity keeps it alive */
	for (int i = 0; i < 3; i++) {
		clock_advance(20 * MINUTE_MS);
		assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/me", NULL, &r), 200);
		hq_resp_free(&r);
	}
	clock_advance(SESSION_IDLE_MS + 1000);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/me", NULL, &r), 401);
	assert_string_equal(hq_err_code(&r), "unauthorized");
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
unsafe_requests_need_csrf_header(void **state)
{
	struct hq_client c;
	struct hq_resp r;
	const char *body = "{\"old_password\":\"" TEST_PASSWORD "\",\"new_password\":\"Next@2026y\"}";

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "worker", TEST_PASSWORD), 200);
	c.no_csrf = 1;
	assert_int_equal(hq_req(&srv, &c, "PUT", "/api/v1/me/password", body, &r), 403);
	assert_string_equal(hq_err_code(&r), "csrf");
	hq_resp_free(&r);
	/* a wrong token is no better than none */
	c.no_csrf = 0;
	char saved[80];
	snprintf(saved, sizeof(saved), "%s", c.csrf);
	snprintf(c.csrf, sizeof(c.csrf), "%064d", 0);
	assert_int_equal(hq_req(&srv, &c, "PUT", "/api/v1/me/password", body, &r), 403);
	hq_resp_free(&r);
	snprintf(c.csrf, sizeof(c.csrf), "%s", saved);
	assert_int_equal(hq_req(&srv, &c, "PUT", "/api/v1/me/password", body, &r), 200);
	hq_resp_free(&r);
	hq_client_free(&c);
	/* the new password works, the old one does not */
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "worker", TEST_PASSWORD), 401);
	assert_int_equal(hq_login(&srv, &c, "worker", "Next@2026y"), 200);
	hq_client_free(&c);
}

static void
password_change_rules(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "staff2", TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &c, "PUT", "/api/v1/me/password",
				"{\"old_password\":\"Bad@20261\",\"new_password\":\"Next@2026y\"}", &r),
			 422);
	assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "error"), "fields"),
					"old_password"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "PUT", "/api/v1/me/password",
				"{\"old_password\":\"" TEST_PASSWORD "\",\"new_password\":\"short\"}", &r),
			 422);
	assert_string_equal(hq_err_code(&r), "weak_password");
	assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "error"), "fields"),
					"new_password"));
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
bearer_token_works_without_csrf(void **state)
{
	struct hq_client c, t;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "office", TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/tokens", "{\"name\":\"报表同步\"}", &r), 201);
	const char *tok = json_string_value(json_object_get(r.json, "token"));
	assert_non_null(tok);
	hq_client_init(&t);
	snprintf(t.bearer, sizeof(t.bearer), "%s", tok);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &t, "GET", "/api/v1/me", NULL, &r), 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "user"),
							      "username")), "office");
	hq_resp_free(&r);
	/* unsafe method with a bearer token and no CSRF header is accepted */
	assert_int_equal(hq_req(&srv, &t, "PUT", "/api/v1/me/language", "{\"lang\":\"auto\"}", &r),
			 200);
	hq_resp_free(&r);
	/* but a token does not mint tokens (test_sec_credentials.c attacks that) */
	assert_int_equal(hq_req(&srv, &t, "POST", "/api/v1/tokens", "{\"name\":\"second\"}", &r), 403);
	assert_string_equal(hq_err_code(&r), "token_not_allowed");
	hq_resp_free(&r);
	snprintf(t.bearer, sizeof(t.bearer), "%064d", 7);
	assert_int_equal(hq_req(&srv, &t, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&t);
	hq_client_free(&c);
}

static void
logout_ends_the_session(void **state)
{
	struct hq_client c;
	struct hq_resp r;
	char v[300];

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "dept_head", TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &c, "DELETE", "/api/v1/session", NULL, &r), 200);
	assert_non_null(hq_header(&r, "Set-Cookie", v, sizeof(v)));
	assert_non_null(strstr(v, "Max-Age=0"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
admin_routes_forbid_staff(void **state)
{
	static const struct {
		const char *method, *path, *body;
	} admin[] = {
		{ "GET", "/api/v1/users", NULL },
		{ "GET", "/api/v1/users/1", NULL },
		{ "POST", "/api/v1/users", "{}" },
		{ "PUT", "/api/v1/users/1", "{}" },
		{ "PUT", "/api/v1/users/1/roles", "{\"roles\":[\"sysadmin\"]}" },
		{ "POST", "/api/v1/departments", "{}" },
		{ "PUT", "/api/v1/departments/1", "{}" },
	};
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "staff", TEST_PASSWORD), 200);
	for (size_t i = 0; i < sizeof(admin) / sizeof(admin[0]); i++) {
		long st = hq_req(&srv, &c, admin[i].method, admin[i].path, admin[i].body, &r);
		if (st != 403)
			fail_msg("%s %s as staff gave %ld", admin[i].method, admin[i].path, st);
		assert_string_equal(hq_err_code(&r), "forbidden");
		hq_resp_free(&r);
	}
	hq_client_free(&c);
}

/* One integer from the test database (read on a separate connection). */
static int64_t
db_int(const char *sql)
{
	struct db *db = NULL;
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t v = -1;

	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	assert_int_equal(db_prepare_once(db, &st, sql, &e), 0);
	if (db_step(&st, &e) == 1)
		v = db_col_i64(&st, 0);
	db_finalize(&st);
	db_close(db);
	return v;
}

static long
try_login(const char *user, const char *pw, struct hq_resp *r)
{
	struct hq_client c;
	char body[200];
	long st;

	hq_client_init(&c);
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
	st = hq_req(&srv, &c, "POST", "/api/v1/session", body, r);
	hq_client_free(&c);
	return st;
}

static const char sql_failure_add[] =
	"INSERT INTO login_failure (username, ip, at) VALUES (:name, :ip, :now)";

/* n failed logins of distinct names from ip, written as another server process would. */
static void
write_failures(const char *ip, int n)
{
	struct db *w = db_pool_writer(srv.pool);
	struct err e = { 0 };
	static int seq;

	assert_int_equal(db_begin_write(w, &e), 0);
	for (int i = 0; i < n; i++) {
		struct stmt st = { 0 };
		char name[32];
		snprintf(name, sizeof(name), "sprayed%d", ++seq);
		assert_int_equal(db_prepare(w, &st, sql_failure_add, &e), 0);
		assert_int_equal(db_bind_text(&st, ":name", name, &e) ||
				 db_bind_text(&st, ":ip", ip, &e) ||
				 db_bind_i64(&st, ":now", now_ms(), &e) || db_step_done(&st, &e), 0);
		db_finalize(&st);
	}
	assert_int_equal(db_commit(w, &e), 0);
	db_pool_writer_unlock(srv.pool);
}

/*
** The real default: 20 failures from one IP within 10 minutes, then 429 with
** Retry-After for any account (even the right password) until the window has
** passed; refused attempts are audited and do not extend the block.
*/
static void
ip_rate_limit_after_20_failures_in_10_minutes(void **state)
{
	struct hq_resp r;
	char v[64], user[32];
	int64_t before;

	(void)state;
	assert_int_equal(LOGIN_IP_MAX, 20);
	assert_int_equal(LOGIN_IP_WINDOW_MS, 10 * 60 * 1000);
	clock_advance(LOGIN_IP_WINDOW_MS + 1000);	/* forget the earlier tests' failures */
	for (int i = 0; i < LOGIN_IP_MAX; i++) {
		/* unknown names and a real account alike (3: before its own delay) */
		snprintf(user, sizeof(user), i < LOGIN_PAIR_FREE ? "auditor" : "ghost%d", i);
		long st = try_login(user, "Wrong@2026", &r);
		if (st != 401)
			fail_msg("failure %d gave %ld", i + 1, st);
		hq_resp_free(&r);
	}
	before = db_int("SELECT COUNT(*) FROM audit_log WHERE action = 'login_rate_limited'");
	assert_int_equal(try_login("staff", TEST_PASSWORD, &r), 429);
	assert_string_equal(hq_err_code(&r), "rate_limited");
	assert_non_null(hq_header(&r, "Retry-After", v, sizeof(v)));
	long secs = strtol(v, NULL, 10);
	assert_true(secs > 590 && secs <= 600);
	hq_resp_free(&r);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(try_login("ghost", "Wrong@2026", &r), 429);
		hq_resp_free(&r);
	}
	/* each refusal is audited with the client ip, none as a failure */
	assert_int_equal(db_int("SELECT COUNT(*) FROM audit_log WHERE action = 'login_rate_limited'"
				" AND ip = '127.0.0.1' AND after_json LIKE '%ghost%'"), 5);
	assert_int_equal(db_int("SELECT COUNT(*) FROM audit_log WHERE action = 'login_rate_limited'") -
			 before, 6);
	clock_advance(LOGIN_IP_WINDOW_MS - MINUTE_MS);
	assert_int_equal(try_login("staff", TEST_PASSWORD, &r), 429);
	assert_non_null(hq_header(&r, "Retry-After", v, sizeof(v)));
	assert_true(strtol(v, NULL, 10) <= 60);
	hq_resp_free(&r);
	/* the window passed the failures; the refusals since did not count */
	clock_advance(61 * 1000);
	assert_int_equal(try_login("staff", TEST_PASSWORD, &r), 200);
	hq_resp_free(&r);
}

/*
** The count comes from login_failure, so failures another process wrote
** count too, and only those from the same IP do.
*/
static void
ip_rate_limit_counts_failures_per_ip(void **state)
{
	struct hq_resp r;

	(void)state;
	clock_advance(LOGIN_IP_WINDOW_MS + 1000);
	write_failures("10.1.2.3", 50);
	assert_int_equal(try_login("staff", TEST_PASSWORD, &r), 200);
	hq_resp_free(&r);
	write_failures("127.0.0.1", LOGIN_IP_MAX - 1);
	assert_int_equal(try_login("staff", TEST_PASSWORD, &r), 200);	/* 19: still allowed */
	hq_resp_free(&r);
	write_failures("127.0.0.1", 1);
	assert_int_equal(try_login("staff", TEST_PASSWORD, &r), 429);
	hq_resp_free(&r);
	/* a raised limit (houqin serve --login-limit) lets it through, 0 turns it off */
	org_set_login_ip_limit(LOGIN_IP_MAX + 1);
	assert_int_equal(try_login("staff", TEST_PASSWORD, &r), 200);
	hq_resp_free(&r);
	write_failures("127.0.0.1", 5);
	org_set_login_ip_limit(0);
	assert_int_equal(try_login("staff", TEST_PASSWORD, &r), 200);
	hq_resp_free(&r);
	org_set_login_ip_limit(LOGIN_IP_MAX);
	assert_int_equal(try_login("staff", TEST_PASSWORD, &r), 429);
	hq_resp_free(&r);
	clock_advance(LOGIN_IP_WINDOW_MS + 1000);
}

static const char sql_user_hash[] = "SELECT password_hash FROM app_user WHERE username = :u";
static const char sql_set_hash[] = "UPDATE app_user SET password_hash = :h WHERE username = :u";

/* staff's stored password hash, into out. */
static void
user_hash(const char *user, char *out, size_t size)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };

	out[0] = '\0';
	if (!db_prepare(db, &st, sql_user_hash, &e) && !db_bind_text(&st, ":u", user, &e) &&
	    !db_step_row(&st, &e))
		snprintf(out, size, "%s", db_col_peek(&st, 0, NULL));
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
}

/* A hash made with other parameters (as before OWASP's) is replaced at the next good login. */
static void
old_password_hash_is_upgraded_at_login(void **state)
{
	char old[crypto_pwhash_STRBYTES], now[crypto_pwhash_STRBYTES];
	struct db *db;
	struct stmt st = { 0 };
	struct err e = { 0 };
	struct hq_client c;

	(void)state;
	assert_int_equal(crypto_pwhash_str(old, TEST_PASSWORD, strlen(TEST_PASSWORD), 3,
					   crypto_pwhash_MEMLIMIT_MIN), 0);
	db = db_pool_writer(srv.pool);
	assert_int_equal(db_begin_write(db, &e), 0);
	assert_int_equal(db_prepare(db, &st, sql_set_hash, &e), 0);
	assert_int_equal(db_bind_text(&st, ":h", old, &e), 0);
	assert_int_equal(db_bind_text(&st, ":u", "staff2", &e), 0);
	assert_int_equal(db_step_done(&st, &e), 0);
	db_finalize(&st);
	assert_int_equal(db_commit(db, &e), 0);
	db_pool_writer_unlock(srv.pool);
	assert_int_equal(auth_password_needs_rehash(old), 1);

	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "staff2", "wrong-Password-1"), 401);
	user_hash("staff2", now, sizeof(now));
	assert_string_equal(now, old);	/* a wrong password changes nothing */
	assert_int_equal(hq_login(&srv, &c, "staff2", TEST_PASSWORD), 200);
	user_hash("staff2", now, sizeof(now));
	assert_string_not_equal(now, old);
	assert_int_equal(auth_password_needs_rehash(now), 0);
	assert_int_equal(auth_password_verify(now, TEST_PASSWORD), 1);
	hq_client_free(&c);
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "staff2", TEST_PASSWORD), 200);
	hq_client_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(login_ok_sets_httponly_cookie_and_me_works),
		cmocka_unit_test(session_probe_never_401),
		cmocka_unit_test(old_password_hash_is_upgraded_at_login),
		cmocka_unit_test(wrong_password_and_unknown_user_are_401),
		cmocka_unit_test(failures_never_lock_the_account),
		cmocka_unit_test(session_expires_after_30_idle_minutes),
		cmocka_unit_test(unsafe_requests_need_csrf_header),
		cmocka_unit_test(password_change_rules),
		cmocka_unit_test(bearer_token_works_without_csrf),
		cmocka_unit_test(logout_ends_the_session),
		cmocka_unit_test(admin_routes_forbid_staff),
		cmocka_unit_test(ip_rate_limit_after_20_failures_in_10_minutes),
		cmocka_unit_test(ip_rate_limit_counts_failures_per_ip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
