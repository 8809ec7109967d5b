/*
** tests/api/test_sec_login.c: attacks on login and the password change
** (issue #11 item 3): lock the owner out, guess without slowing down,
** spray one password over every account, tell accounts apart by answer or
** work done, post a login from an HTML form, choose a weak or old password.
** Clients connect from distinct loopback addresses (127.0.0.x) so the
** server sees distinct source IPs.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/workq.h"
#include "db/db.h"
#include "http/router.h"
#include "modules/org/org.h"
#include "modules/org/org_int.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hq_server srv;
static atomic_int verifies;

static int
counting_verify(const char *hash, const char *pw)
{
	atomic_fetch_add(&verifies, 1);
	return auth_password_verify(hash, pw);
}

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	org_set_password_verify(counting_verify);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	org_set_password_verify(NULL);
	hq_stop(&srv);
	return 0;
}

/* A client whose connections come from ip (a 127.0.0.x address). */
static void
client_from(struct hq_client *c, const char *ip)
{
	hq_client_init(c);
	curl_easy_setopt((CURL *)c->curl, CURLOPT_INTERFACE, ip);
}

/* POST /session as user from ip; the response into r (free it). */
static long
login_from(const char *ip, const char *user, const char *pw, struct hq_resp *r)
{
	struct hq_client c;
	char body[200];
	long st;

	client_from(&c, ip);
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
	st = hq_req(&srv, &c, "POST", "/api/v1/session", body, r);
	hq_client_free(&c);
	return st;
}

/* The status only. */
static long
try_from(const char *ip, const char *user, const char *pw)
{
	struct hq_resp r;
	long st = login_from(ip, user, pw, &r);

	hq_resp_free(&r);
	return st;
}

static long
retry_after(const struct hq_resp *r)
{
	char v[32];

	return hq_header(r, "Retry-After", v, sizeof(v)) ? strtol(v, NULL, 10) : -1;
}

static void
exec_sql(const char *sql)
{
	struct db *w = db_pool_writer(srv.pool);
	struct err e = { 0 };

	if (db_exec(w, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
	db_pool_writer_unlock(srv.pool);
}

/* Every earlier failure out of every window. */
static void
forget_failures(void)
{
	clock_advance(LOGIN_FAILURE_KEEP_MS + SECOND_MS);
}

/*
** An attacker guessing dragon's password from many addresses trips the
** per-account limit, yet the owner, from the address they use, logs in at
** once: the account limit spares sources the owner logged in from.
*/
static void
attacker_cannot_lock_the_owner_out(void **state)
{
	char ip[32];
	int sent = 0;

	(void)state;
	forget_failures();
	hq_fixture_users(&srv, srv.agency_id, srv.dept1_id, "dragon", "staff", 1, NULL);
	assert_int_equal(try_from("127.0.0.2", "dragon1", TEST_PASSWORD), 200);	/* usual address */
	for (int host = 10; sent < LOGIN_ACCOUNT_MAX; host++) {
		snprintf(ip, sizeof(ip), "127.0.0.%d", host);
		for (int i = 0; i < LOGIN_PAIR_FREE && sent < LOGIN_ACCOUNT_MAX; i++, sent++)
			assert_int_equal(try_from(ip, "dragon1", "Wrong@2026"), 401);
	}
	/* a fresh address, even with the right password, now waits ... */
	struct hq_resp r;
	assert_int_equal(login_from("127.0.0.200", "dragon1", TEST_PASSWORD, &r), 429);
	assert_string_equal(hq_err_code(&r), "rate_limited");
	assert_true(retry_after(&r) > 0);
	hq_resp_free(&r);
	/* ... but the owner's usual address is not slowed at all */
	assert_int_equal(try_from("127.0.0.2", "dragon1", TEST_PASSWORD), 200);
	assert_int_equal(try_from("127.0.0.2", "dragon1", TEST_PASSWORD), 200);
	/* and nothing was locked: the row is as the admin left it */
	struct db *w = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	static const char q[] = "SELECT locked_until FROM app_user WHERE username = 'dragon1'";
	assert_int_equal(db_prepare(w, &st, q, &e) || db_step_row(&st, &e), 0);
	assert_true(db_col_i64(&st, 0) <= 0 || db_col_is_null(&st, 0));
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
}

/*
** Per (name, address): LOGIN_PAIR_FREE failures, then a wait that doubles
** with each further failure; a throttled attempt runs no argon2 at all, even
** with the right password, and a success clears the count.
*/
static void
delay_grows_and_costs_no_hashing(void **state)
{
	struct hq_resp r;
	long prev = 0;

	(void)state;
	forget_failures();
	for (int i = 0; i < LOGIN_PAIR_FREE; i++)
		assert_int_equal(try_from("127.0.0.3", "staff2", "Wrong@2026"), 401);
	for (int round = 0; round < 5; round++) {
		int before = atomic_load(&verifies);
		assert_int_equal(login_from("127.0.0.3", "staff2", TEST_PASSWORD, &r), 429);
		assert_int_equal(atomic_load(&verifies), before);	/* no verify */
		long secs = retry_after(&r);
		hq_resp_free(&r);
		assert_int_equal(secs, (LOGIN_DELAY_MIN_MS / SECOND_MS) << round);
		assert_true(secs > prev);
		prev = secs;
		clock_advance(secs * SECOND_MS);
		assert_int_equal(try_from("127.0.0.3", "staff2", "Wrong@2026"), 401);
	}
	/* another address is not delayed by this one's failures */
	assert_int_equal(try_from("127.0.0.4", "staff2", TEST_PASSWORD), 200);
	/* the delay is capped */
	for (int i = 0; i < 12; i++) {
		clock_advance(LOGIN_DELAY_MAX_MS);
		assert_int_equal(try_from("127.0.0.3", "staff2", "Wrong@2026"), 401);
	}
	assert_int_equal(login_from("127.0.0.3", "staff2", TEST_PASSWORD, &r), 429);
	assert_int_equal(retry_after(&r), LOGIN_DELAY_MAX_MS / SECOND_MS);
	hq_resp_free(&r);
	clock_advance(LOGIN_DELAY_MAX_MS);
	assert_int_equal(try_from("127.0.0.3", "staff2", TEST_PASSWORD), 200);
	/* the success cleared the count: the next mistake is free again */
	assert_int_equal(try_from("127.0.0.3", "staff2", "Wrong@2026"), 401);
	assert_int_equal(try_from("127.0.0.3", "staff2", TEST_PASSWORD), 200);
}

/* One password over many accounts from one address: refused after LOGIN_IP_MAX. */
static void
spraying_from_one_address_is_limited(void **state)
{
	static const char *users[] = { "staff", "staff2", "dept_head", "office", "worker",
				       "leader", "finance", "supervisor", "sysadmin", "secadmin",
				       "auditor" };
	struct hq_resp r;
	char name[32];

	(void)state;
	forget_failures();
	for (int i = 0; i < LOGIN_IP_MAX; i++) {
		const char *u = users[i % 11];
		if (i >= 11) {
			snprintf(name, sizeof(name), "nobody%d", i);
			u = name;
		}
		assert_int_equal(try_from("127.0.0.5", u, "Spring@2026"), 401);
	}
	assert_int_equal(login_from("127.0.0.5", "auditor", TEST_PASSWORD, &r), 429);
	assert_true(retry_after(&r) > 0 && retry_after(&r) <= LOGIN_IP_WINDOW_MS / SECOND_MS);
	hq_resp_free(&r);
	assert_int_equal(try_from("127.0.0.6", "auditor", TEST_PASSWORD), 200);
	clock_advance(LOGIN_IP_WINDOW_MS);
	assert_int_equal(try_from("127.0.0.5", "auditor", TEST_PASSWORD), 200);
}

/*
** Unknown, disabled, admin-locked, deleted and wrong password: the same
** status and byte-identical body, after exactly one argon2id verify each.
*/
static void
failures_look_and_cost_the_same(void **state)
{
	static const char *who[] = { "no_such_user", "crew1", "crew2", "crew3", "crew4" };
	char first[512] = "";

	(void)state;
	forget_failures();
	hq_fixture_users(&srv, srv.agency_id, srv.dept1_id, "crew", "staff", 4, NULL);
	exec_sql("UPDATE app_user SET active = 0 WHERE username = 'crew1'");
	exec_sql("UPDATE app_user SET locked_until = 9223372036854775807 WHERE username = 'crew2'");
	exec_sql("UPDATE app_user SET deleted_at = 1 WHERE username = 'crew3'");
	for (int i = 0; i < 5; i++) {
		struct hq_resp r;
		const char *pw = i == 4 ? "Wrong@2026" : TEST_PASSWORD;	/* crew4: wrong one */
		int before = atomic_load(&verifies);
		assert_int_equal(login_from("127.0.0.7", who[i], pw, &r), 401);
		assert_int_equal(atomic_load(&verifies) - before, 1);
		assert_string_equal(hq_err_code(&r), "bad_credentials");
		if (i == 0)
			snprintf(first, sizeof(first), "%.*s", (int)r.len, r.body);
		else if (strlen(first) != r.len || memcmp(first, r.body, r.len) != 0)
			fail_msg("%s: %.*s differs from %s", who[i], (int)r.len, r.body, first);
		hq_resp_free(&r);
	}
	/* the right password of a usable account costs one verify as well */
	int before = atomic_load(&verifies);
	assert_int_equal(try_from("127.0.0.8", "staff", TEST_PASSWORD), 200);
	assert_int_equal(atomic_load(&verifies) - before, 1);
}

/* A cross-site HTML form can post urlencoded, multipart or text/plain: all 415. */
static void
login_takes_only_json(void **state)
{
	static const char *types[] = { "application/x-www-form-urlencoded", "text/plain",
				       "multipart/form-data; boundary=x", NULL };
	const char *json = "{\"username\":\"staff\",\"password\":\"" TEST_PASSWORD "\"}";
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	forget_failures();
	hq_client_init(&c);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(hq_req_bin(&srv, &c, "POST", "/api/v1/session", types[i], NULL, json,
					    strlen(json), &r), 415);
		assert_string_equal(hq_err_code(&r), "unsupported_media_type");
		assert_null(strstr(r.headers, "Set-Cookie"));
		hq_resp_free(&r);
	}
	assert_int_equal(hq_req_bin(&srv, &c, "POST", "/api/v1/session",
				    "Application/JSON; charset=utf-8", NULL, json, strlen(json), &r),
			 200);
	hq_resp_free(&r);
	hq_client_free(&c);
}

static long
change_pw(struct hq_client *c, const char *old_pw, const char *new_pw, struct hq_resp *r)
{
	char body[300];

	snprintf(body, sizeof(body), "{\"old_password\":\"%s\",\"new_password\":\"%s\"}", old_pw,
		 new_pw);
	return hq_req(&srv, c, "PUT", "/api/v1/me/password", body, r);
}

/* Guessing the current password through PUT /me/password is throttled like a login. */
static void
wrong_old_password_counts_as_a_failed_login(void **state)
{
	struct hq_client c;
	struct hq_resp r;
	int before;

	(void)state;
	forget_failures();
	client_from(&c, "127.0.0.9");
	assert_int_equal(hq_login(&srv, &c, "leader", TEST_PASSWORD), 200);
	for (int i = 0; i < LOGIN_PAIR_FREE; i++) {
		assert_int_equal(change_pw(&c, "Guess@2026", "Fresh#Pw7x", &r), 422);
		assert_string_equal(hq_err_code(&r), "bad_password");
		hq_resp_free(&r);
	}
	before = atomic_load(&verifies);
	assert_int_equal(change_pw(&c, TEST_PASSWORD, "Fresh#Pw7x", &r), 429);
	assert_int_equal(atomic_load(&verifies), before);
	assert_int_equal(retry_after(&r), LOGIN_DELAY_MIN_MS / SECOND_MS);
	hq_resp_free(&r);
	/* the same count guards the login form from that address */
	assert_int_equal(try_from("127.0.0.9", "leader", TEST_PASSWORD), 429);
	clock_advance(LOGIN_DELAY_MIN_MS);
	assert_int_equal(change_pw(&c, TEST_PASSWORD, "Fresh#Pw7x", &r), 200);
	hq_resp_free(&r);
	hq_client_free(&c);
}

/* Common passwords, the username, and the last PASSWORD_HISTORY_N passwords are refused. */
static void
weak_and_previous_passwords_are_refused(void **state)
{
	static const char *pws[] = { "Hist#One1x", "Hist#Two2x", "Hist#Three3x", "Hist#Four4x",
				     "Hist#Five5x" };
	struct hq_client c;
	struct hq_resp r;
	const char *cur = TEST_PASSWORD;

	(void)state;
	forget_failures();
	client_from(&c, "127.0.0.11");
	assert_int_equal(hq_login(&srv, &c, "finance", TEST_PASSWORD), 200);
	assert_int_equal(change_pw(&c, cur, "P@ssw0rd2026", &r), 422);
	assert_string_equal(hq_err_code(&r), "weak_password");
	hq_resp_free(&r);
	assert_int_equal(change_pw(&c, cur, "Finance#2027x", &r), 422);	/* the username */
	assert_string_equal(hq_err_code(&r), "weak_password");
	hq_resp_free(&r);
	assert_int_equal(change_pw(&c, cur, cur, &r), 422);	/* the current one */
	assert_string_equal(hq_err_code(&r), "weak_password");
	hq_resp_free(&r);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(change_pw(&c, cur, pws[i], &r), 200);
		hq_resp_free(&r);
		cur = pws[i];
	}
	/* the four before the current one are still remembered, the oldest is not */
	for (int i = 1; i < 4; i++) {
		assert_int_equal(change_pw(&c, cur, pws[i], &r), 422);
		assert_string_equal(hq_err_code(&r), "weak_password");
		hq_resp_free(&r);
	}
	assert_int_equal(change_pw(&c, cur, TEST_PASSWORD, &r), 200);
	hq_resp_free(&r);
	hq_client_free(&c);
}

/* A changed password ends the user's other sessions and tokens, not the one that changed it. */
static void
password_change_ends_other_credentials(void **state)
{
	struct hq_client a, b, t;
	struct hq_resp r;

	(void)state;
	forget_failures();
	client_from(&a, "127.0.0.12");
	client_from(&b, "127.0.0.13");
	hq_client_init(&t);
	assert_int_equal(hq_login(&srv, &a, "office", TEST_PASSWORD), 200);
	assert_int_equal(hq_login(&srv, &b, "office", TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &b, "POST", "/api/v1/tokens", "{\"name\":\"ci\"}", &r), 201);
	snprintf(t.bearer, sizeof(t.bearer), "%s",
		 json_string_value(json_object_get(r.json, "token")));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &t, "GET", "/api/v1/me", NULL, &r), 200);
	hq_resp_free(&r);
	assert_int_equal(change_pw(&a, TEST_PASSWORD, "Other#Pw9q", &r), 200);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &a, "GET", "/api/v1/me", NULL, &r), 200);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &b, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &t, "GET", "/api/v1/me", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&a);
	hq_client_free(&b);
	hq_client_free(&t);
}

/* A job that keeps its worker until the gate opens. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open, gate_entered;

static void
hold(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate_mu);
	gate_entered = 1;
	pthread_cond_broadcast(&gate_cv);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
}

/*
** A login flood beyond what the hashing workers can queue is refused at the
** door, 503 with Retry-After, rather than queued without end. Last:
** preps then run inline on the request threads for the rest of the process.
*/
static void
full_prep_queue_answers_503(void **state)
{
	struct workq *q = NULL;
	struct err e = { 0 };
	struct hq_resp r;

	(void)state;
	forget_failures();
	assert_int_equal(workq_new(1, 1, &q, &e), 0);
	assert_int_equal(workq_submit(q, hold, NULL), 0);
	pthread_mutex_lock(&gate_mu);
	while (!gate_entered)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	assert_int_equal(workq_submit(q, hold, NULL), 0);	/* the one place is taken */
	router_set_prep_queue(q);
	int before = atomic_load(&verifies);
	assert_int_equal(login_from("127.0.0.14", "staff", TEST_PASSWORD, &r), 503);
	assert_true(retry_after(&r) >= 1);
	assert_int_equal(atomic_load(&verifies), before);
	hq_resp_free(&r);
	router_set_prep_queue(NULL);
	pthread_mutex_lock(&gate_mu);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	workq_free(q);
	assert_int_equal(try_from("127.0.0.14", "staff", TEST_PASSWORD), 200);	/* inline */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attacker_cannot_lock_the_owner_out),
		cmocka_unit_test(delay_grows_and_costs_no_hashing),
		cmocka_unit_test(spraying_from_one_address_is_limited),
		cmocka_unit_test(failures_look_and_cost_the_same),
		cmocka_unit_test(login_takes_only_json),
		cmocka_unit_test(wrong_old_password_counts_as_a_failed_login),
		cmocka_unit_test(weak_and_previous_passwords_are_refused),
		cmocka_unit_test(password_change_ends_other_credentials),
		cmocka_unit_test(full_prep_queue_answers_503),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
