/*
** tests/api/test_audit.c: the audit chain as the product shows it. Every org
** write leaves exactly one audit row (right action/entity/before/after), the
** chain verifies, an edit made behind the product's back (append-only
** trigger switched off, as an attacker with write access to the database
** would) is found at the edited row, the
** auditor sees only the admins' logs, the history route's visibility, and
** 403/400/404 for the wrong caller or bad input.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/org/org.h"

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

/* ---------- direct database access (what an attacker with write access has) ---------- */

/* A connection of its own beside the server's, on either backend. */
static struct db *
open_direct(void)
{
	struct db *db = NULL;
	struct err e = { 0 };

	assert_int_equal(db_open(srv.db_path, 0, &db, &e), 0);
	return db;
}

/* One integer from sql, which may use :since. */
static int64_t
q_i64(const char *sql, int64_t since)
{
	struct db *db = open_direct();
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t v;

	assert_int_equal(db_prepare_once(db, &st, sql, &e), 0);
	if (strstr(sql, ":since"))
		assert_int_equal(db_bind_i64(&st, ":since", since, &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	v = db_col_i64(&st, 0);
	db_finalize(&st);
	db_close(db);
	return v;
}

static int64_t
last_audit_id(void)
{
	return q_i64("SELECT COALESCE(MAX(id), 0) FROM audit_log", 0);
}

/* Rows, not the last id: a PostgreSQL sequence may skip ids a rolled-back write took. */
static int64_t
audit_rows(void)
{
	return q_i64("SELECT COUNT(*) FROM audit_log", 0);
}

/*
** Exactly one audit row was added after `since`, with this action, entity
** and (when entity_id >= 0) entity id. Returns its id.
*/
static int64_t
expect_one(int64_t since, const char *action, const char *entity, int64_t entity_id)
{
	struct db *db;
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t id;

	assert_int_equal(q_i64("SELECT COUNT(*) FROM audit_log WHERE id > :since", since), 1);
	db = open_direct();
	assert_int_equal(db_prepare_once(db, &st, "SELECT id, action, entity, COALESCE(entity_id, 0)"
					 " FROM audit_log WHERE id > :since", &e), 0);
	assert_int_equal(db_bind_i64(&st, ":since", since, &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	id = db_col_i64(&st, 0);
	assert_string_equal(db_col_peek(&st, 1, NULL), action);
	assert_string_equal(db_col_peek(&st, 2, NULL), entity);
	if (entity_id >= 0)
		assert_int_equal(db_col_i64(&st, 3), entity_id);
	db_finalize(&st);
	db_close(db);
	return id;
}

/* ---------- HTTP helpers ---------- */

static json_t *
get_ok(struct hq_client *c, const char *path, struct hq_resp *r)
{
	long st = hq_req(&srv, c, "GET", path, NULL, r);

	if (st != 200)
		fprintf(stderr, "GET %s -> %ld %s\n", path, st, r->body ? r->body : "");
	assert_int_equal(st, 200);
	assert_non_null(r->json);
	return r->json;
}

static long
status_of(struct hq_client *c, const char *method, const char *path, const char *body)
{
	struct hq_resp r;
	long st = hq_req(&srv, c, method, path, body, &r);

	hq_resp_free(&r);
	return st;
}

static const char *
jstr(const json_t *o, const char *k1, const char *k2)
{
	const json_t *v = json_object_get(o, k1);

	if (k2)
		v = json_object_get(v, k2);
	return json_string_value(v);
}

/* The newest audit item the supervisor sees for one record. Caller frees r. */
static json_t *
newest_of(struct hq_client *sup, const char *entity, int64_t id, struct hq_resp *r)
{
	char path[200];
	json_t *items;

	snprintf(path, sizeof(path), "/api/v1/audit?entity=%s&entity_id=%lld&per_page=1",
		 entity, (long long)id);
	items = json_object_get(get_ok(sup, path, r), "items");
	assert_int_equal(json_array_size(items), 1);
	return json_array_get(items, 0);
}

/* ---------- every org write leaves exactly one row ---------- */

static void
every_org_write_leaves_one_audit_row(void **state)
{
	struct hq_client adm, sec, sup, st, anon;
	struct hq_resp r;
	char path[200], body[400];
	int64_t since, dept_id, user_id, row;
	const char *dept_updated, *user_updated;
	char *dump;
	json_t *it;

	(void)state;
	hq_sign_in(&srv, &sup, "supervisor");

	/* login success */
	since = last_audit_id();
	hq_sign_in(&srv, &adm, "sysadmin");
	expect_one(since, "login", "session", -1);

	/* login failure (known user): counted, and the attempt is logged */
	hq_client_init(&anon);
	since = last_audit_id();
	assert_int_equal(status_of(&anon, "POST", "/api/v1/session",
				   "{\"username\":\"staff2\",\"password\":\"Wrong@2026\"}"), 401);
	row = expect_one(since, "login_failed", "session", -1);
	/* ... and of an unknown user name */
	since = last_audit_id();
	assert_int_equal(status_of(&anon, "POST", "/api/v1/session",
				   "{\"username\":\"nobody\",\"password\":\"Wrong@2026\"}"), 401);
	expect_one(since, "login_failed", "session", -1);
	assert_true(row > 0);

	/* create department */
	since = last_audit_id();
	snprintf(body, sizeof(body), "{\"parent_id\":%lld,\"name\":\"审计测试处\",\"code\":\"AUD\"}",
		 (long long)srv.agency_id);
	assert_int_equal(hq_req(&srv, &adm, "POST", "/api/v1/departments", body, &r), 201);
	dept_id = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	expect_one(since, "create", "department", dept_id);
	it = newest_of(&sup, "department", dept_id, &r);
	assert_string_equal(jstr(it, "action", NULL), "create");
	assert_true(json_is_null(json_object_get(it, "before")));
	assert_string_equal(jstr(it, "after", "name"), "审计测试处");
	assert_string_equal(jstr(it, "actor", "username"), "sysadmin");
	assert_string_equal(jstr(it, "ip", NULL), "127.0.0.1");
	assert_int_equal(strlen(jstr(it, "hash", NULL)), 64);
	dept_updated = jstr(it, "after", "updated_at");
	snprintf(body, sizeof(body), "{\"name\":\"审计测试二处\",\"updated_at\":\"%s\"}",
		 dept_updated);
	hq_resp_free(&r);

	/* update department */
	since = last_audit_id();
	snprintf(path, sizeof(path), "/api/v1/departments/%lld", (long long)dept_id);
	assert_int_equal(status_of(&adm, "PUT", path, body), 200);
	expect_one(since, "update", "department", dept_id);
	it = newest_of(&sup, "department", dept_id, &r);
	assert_string_equal(jstr(it, "action", NULL), "update");
	assert_string_equal(jstr(it, "before", "name"), "审计测试处");
	assert_string_equal(jstr(it, "after", "name"), "审计测试二处");
	assert_string_equal(jstr(it, "after", "code"), "AUD");
	hq_resp_free(&r);

	/* create user */
	since = last_audit_id();
	snprintf(body, sizeof(body),
		 "{\"username\":\"aud_user\",\"display_name\":\"审计对象\",\"department_id\":%lld,"
		 "\"password\":\"" TEST_PASSWORD "\"}", (long long)dept_id);
	assert_int_equal(hq_req(&srv, &adm, "POST", "/api/v1/users", body, &r), 201);
	user_id = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	expect_one(since, "create", "user", user_id);
	it = newest_of(&sup, "user", user_id, &r);
	assert_string_equal(jstr(it, "after", "username"), "aud_user");
	dump = json_dumps(it, 0);	/* the password hash never reaches the log */
	assert_null(strstr(dump, "argon2"));
	assert_null(strstr(dump, "password"));
	free(dump);
	user_updated = jstr(it, "after", "updated_at");
	snprintf(body, sizeof(body),
		 "{\"display_name\":\"审计对象甲\",\"phone\":\"123\",\"department_id\":%lld,"
		 "\"updated_at\":\"%s\"}", (long long)dept_id, user_updated);
	hq_resp_free(&r);

	/* update user (no password: a reset is a separate reset_password row) */
	since = last_audit_id();
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)user_id);
	assert_int_equal(status_of(&adm, "PUT", path, body), 200);
	expect_one(since, "update", "user", user_id);
	it = newest_of(&sup, "user", user_id, &r);
	assert_string_equal(jstr(it, "before", "display_name"), "审计对象");
	assert_string_equal(jstr(it, "after", "display_name"), "审计对象甲");
	assert_string_equal(jstr(it, "after", "phone"), "123");
	hq_resp_free(&r);

	/* set roles */
	hq_sign_in(&srv, &sec, "secadmin");
	since = last_audit_id();
	snprintf(path, sizeof(path), "/api/v1/users/%lld/roles", (long long)user_id);
	assert_int_equal(status_of(&sec, "PUT", path, "{\"roles\":[\"staff\",\"office\"]}"), 200);
	expect_one(since, "set_roles", "user", user_id);
	it = newest_of(&sup, "user", user_id, &r);
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(json_object_get(it, "before"), "roles"), 0)),
			    "staff");
	assert_int_equal(json_array_size(json_object_get(json_object_get(it, "after"), "roles")),
			 2);
	assert_string_equal(jstr(it, "actor", "username"), "secadmin");
	hq_resp_free(&r);

	/* password change by the user: logged without any hash */
	hq_sign_in(&srv, &st, "aud_user");
	since = last_audit_id();
	assert_int_equal(status_of(&st, "PUT", "/api/v1/me/password",
				   "{\"old_password\":\"" TEST_PASSWORD "\","
				   "\"new_password\":\"Next@2026z\"}"),
			 200);
	row = expect_one(since, "change_password", "user", user_id);
	it = newest_of(&sup, "user", user_id, &r);
	assert_int_equal(json_integer_value(json_object_get(it, "id")), row);
	assert_true(json_is_null(json_object_get(it, "before")));
	assert_true(json_is_null(json_object_get(it, "after")));
	hq_resp_free(&r);

	/* logout */
	since = last_audit_id();
	assert_int_equal(status_of(&st, "DELETE", "/api/v1/session", NULL), 200);
	expect_one(since, "logout", "session", -1);

	/* a refused write leaves no row (the transaction rolled back) */
	since = last_audit_id();
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)user_id);
	snprintf(body, sizeof(body), "{\"display_name\":\"x\",\"department_id\":%lld,"
		 "\"updated_at\":\"2000-01-01T00:00:00+08:00\"}", (long long)dept_id);
	assert_int_equal(status_of(&adm, "PUT", path, body), 409);
	assert_int_equal(last_audit_id(), since);

	hq_client_free(&adm);
	hq_client_free(&sec);
	hq_client_free(&sup);
	hq_client_free(&st);
	hq_client_free(&anon);
}

static void
chain_verifies_after_all_that(void **state)
{
	struct hq_client sup, aud;
	struct hq_resp r;
	json_t *j;

	(void)state;
	hq_sign_in(&srv, &sup, "supervisor");
	hq_sign_in(&srv, &aud, "auditor");
	j = get_ok(&sup, "/api/v1/audit/verify", &r);
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_int_equal(json_integer_value(json_object_get(j, "count")), audit_rows());
	/* chain 0 (no agency: failed logins, CLI) and the fixture agency's at least */
	assert_true(json_integer_value(json_object_get(j, "chains")) >= 2);
	assert_null(json_object_get(j, "first_broken_id"));
	assert_null(json_object_get(j, "broken_chain"));
	hq_resp_free(&r);
	j = get_ok(&aud, "/api/v1/audit/verify", &r);
	assert_true(json_is_true(json_object_get(j, "ok")));
	hq_resp_free(&r);
	hq_client_free(&sup);
	hq_client_free(&aud);
}

/* ---------- scope ---------- */

/* A command-line operation (actor id 0, ip "cli"), as `houqin user lock` does it. */
static void
cli_lock_unlock(int64_t user_id)
{
	struct actor cli = { .ip = "cli", .username = "cli", .agency_id = srv.agency_id };
	struct db *db = db_pool_writer(srv.pool);
	struct err e = { 0 };

	assert_int_equal(db_begin_write(db, &e), 0);
	assert_int_equal(org_user_lock(db, &cli, user_id, 1, &e), 0);
	assert_int_equal(org_user_lock(db, &cli, user_id, 0, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	db_pool_writer_unlock(srv.pool);
}

static int
has_actor(const json_t *items, const char *username)
{
	size_t i;
	const json_t *it;

	json_array_foreach(items, i, it) {
		const char *u = jstr(it, "actor", "username");
		if (u && strcmp(u, username) == 0)
			return 1;
	}
	return 0;
}

static int64_t
total_of(struct hq_client *c, const char *path)
{
	struct hq_resp r;
	int64_t n = json_integer_value(json_object_get(get_ok(c, path, &r), "total"));

	hq_resp_free(&r);
	return n;
}

static void
auditor_sees_admin_logs_only(void **state)
{
	struct hq_client st, adm, sec, aud, sup, ex;
	struct hq_resp r;
	char path[200], body[300];
	const json_t *items, *it;
	int64_t staff_id = hq_user_id(&srv, "staff"), ex_id;
	size_t i;

	(void)state;
	hq_sign_in(&srv, &st, "staff");
	hq_sign_in(&srv, &adm, "sysadmin");
	hq_sign_in(&srv, &sec, "secadmin");
	hq_sign_in(&srv, &aud, "auditor");
	hq_sign_in(&srv, &sup, "supervisor");

	/* the auditor: admins' rows, never the staff user's login */
	items = json_object_get(get_ok(&aud, "/api/v1/audit?per_page=200", &r), "items");
	assert_true(json_array_size(items) > 0);
	assert_true(has_actor(items, "sysadmin"));
	assert_true(has_actor(items, "secadmin"));
	assert_false(has_actor(items, "staff"));
	assert_false(has_actor(items, "supervisor"));
	json_array_foreach(items, i, it) {
		const char *u = jstr(it, "actor", "username");
		assert_true(u ? strcmp(u, "sysadmin") == 0 || strcmp(u, "secadmin") == 0 ||
					strcmp(u, "auditor") == 0
			      : strcmp(jstr(it, "ip", NULL), "cli") == 0);
	}
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/audit?actor_id=%lld", (long long)staff_id);
	assert_int_equal(total_of(&aud, path), 0);
	/* the supervisor sees the whole agency, staff logins included */
	items = json_object_get(get_ok(&sup, "/api/v1/audit?per_page=200", &r), "items");
	assert_true(has_actor(items, "staff"));
	assert_true(has_actor(items, "sysadmin"));
	hq_resp_free(&r);
	assert_true(total_of(&sup, path) >= 1);

	/* an admin demoted later: what they did as admin stays in the auditor's view */
	snprintf(body, sizeof(body),
		 "{\"username\":\"exadmin\",\"display_name\":\"前管理员\",\"department_id\":%lld,"
		 "\"password\":\"" TEST_PASSWORD "\"}", (long long)srv.office_dept_id);
	assert_int_equal(hq_req(&srv, &adm, "POST", "/api/v1/users", body, &r), 201);
	ex_id = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/users/%lld/roles", (long long)ex_id);
	assert_int_equal(status_of(&sec, "PUT", path, "{\"roles\":[\"sysadmin\"]}"), 200);
	hq_sign_in(&srv, &ex, "exadmin");
	snprintf(body, sizeof(body), "{\"parent_id\":%lld,\"name\":\"前管理员建的处\"}",
		 (long long)srv.agency_id);
	assert_int_equal(status_of(&ex, "POST", "/api/v1/departments", body), 201);
	assert_int_equal(status_of(&sec, "PUT", path, "{\"roles\":[\"staff\"]}"), 200);
	snprintf(path, sizeof(path), "/api/v1/audit?actor_id=%lld&entity=department",
		 (long long)ex_id);
	assert_int_equal(total_of(&aud, path), 1);

	/* command-line operations are admin operations */
	cli_lock_unlock(staff_id);
	items = json_object_get(get_ok(&aud, "/api/v1/audit?action=lock", &r), "items");
	assert_int_equal(json_array_size(items), 1);
	assert_true(json_is_null(json_object_get(json_array_get(items, 0), "actor")));
	assert_string_equal(jstr(json_array_get(items, 0), "ip", NULL), "cli");
	hq_resp_free(&r);
	/* the record's history names no address, only that it came from the command line */
	snprintf(path, sizeof(path), "/api/v1/history/user/%lld", (long long)staff_id);
	items = json_object_get(get_ok(&aud, path, &r), "items");
	assert_string_equal(jstr(json_array_get(items, 0), "via", NULL), "cli");
	assert_null(json_object_get(json_array_get(items, 0), "ip"));
	hq_resp_free(&r);

	/* the actor filter is a substring of the user name, newest first */
	items = json_object_get(get_ok(&sup, "/api/v1/audit?actor=cadm&per_page=200", &r),
				"items");
	assert_true(json_array_size(items) > 0);
	json_array_foreach(items, i, it) {
		assert_string_equal(jstr(it, "actor", "username"), "secadmin");
		if (i > 0)
			assert_true(json_integer_value(json_object_get(it, "id")) <
				    json_integer_value(json_object_get(json_array_get(items, i - 1),
								       "id")));
	}
	hq_resp_free(&r);

	hq_client_free(&st);
	hq_client_free(&adm);
	hq_client_free(&sec);
	hq_client_free(&aud);
	hq_client_free(&sup);
	hq_client_free(&ex);
}

/* Another agency on the same instance, with one user. Returns the user id. */
static int64_t
other_agency_user(void)
{
	struct arena *a = arena_new(8192);
	struct actor sys = { .ip = "test", .username = "test" };
	struct db *db = db_pool_writer(srv.pool);
	struct user_in in = { .username = "other_staff", .display_name = "外单位职工",
			      .password = TEST_PASSWORD };
	struct dept root;
	struct user u;
	struct err e = { 0 };

	assert_int_equal(db_begin_write(db, &e), 0);
	assert_int_equal(org_agency_create(db, a, &sys, "外单位", &root, &e), 0);
	sys.agency_id = root.id;
	in.department_id = root.id;
	assert_int_equal(org_user_create(db, a, &sys, &in, ROLE_STAFF, &u, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	db_pool_writer_unlock(srv.pool);
	arena_free(a);
	return u.id;
}

static void
agencies_do_not_see_each_other(void **state)
{
	struct hq_client sup, adm;
	char path[200];
	int64_t other = other_agency_user();

	(void)state;
	hq_sign_in(&srv, &sup, "supervisor");
	hq_sign_in(&srv, &adm, "sysadmin");
	snprintf(path, sizeof(path), "/api/v1/audit?entity=user&entity_id=%lld", (long long)other);
	assert_int_equal(total_of(&sup, path), 0);
	snprintf(path, sizeof(path), "/api/v1/history/user/%lld", (long long)other);
	assert_int_equal(status_of(&adm, "GET", path, NULL), 404);
	assert_int_equal(status_of(&sup, "GET", path, NULL), 404);
	hq_client_free(&sup);
	hq_client_free(&adm);
}

/* ---------- filters ---------- */

static void
date_filters(void **state)
{
	struct hq_client sup;
	char today[40], yesterday[40], path[200], iso[40];
	int64_t all;

	(void)state;
	hq_sign_in(&srv, &sup, "supervisor");
	ms_to_iso(now_ms(), today, sizeof(today));
	today[10] = '\0';
	ms_to_iso(now_ms() - DAY_MS, yesterday, sizeof(yesterday));
	yesterday[10] = '\0';
	all = total_of(&sup, "/api/v1/audit");
	assert_true(all > 0);
	snprintf(path, sizeof(path), "/api/v1/audit?from=%s&to=%s", today, today);
	assert_int_equal(total_of(&sup, path), all);	/* `to` includes the whole day */
	snprintf(path, sizeof(path), "/api/v1/audit?to=%s", yesterday);
	assert_int_equal(total_of(&sup, path), 0);
	snprintf(path, sizeof(path), "/api/v1/audit?from=%s&to=%s", yesterday, yesterday);
	assert_int_equal(total_of(&sup, path), 0);
	/* an ISO instant in the future: nothing after it yet */
	ms_to_iso(now_ms() + MINUTE_MS, iso, sizeof(iso));
	iso[19] = '\0';	/* 2026-11-23T19:49:55 (Shanghai time, no offset) */
	snprintf(path, sizeof(path), "/api/v1/audit?from=%s", iso);
	assert_int_equal(total_of(&sup, path), 0);
	snprintf(path, sizeof(path), "/api/v1/audit?to=%sZ", "2100-01-01T00:00:00");
	assert_int_equal(total_of(&sup, path), all);
	/* paging */
	assert_int_equal(total_of(&sup, "/api/v1/audit?page=2&per_page=1"), all);
	hq_client_free(&sup);
}

/* GET path as the supervisor is 400 naming `field` among the field errors. */
static void
bad_filter(struct hq_client *c, const char *path, const char *field)
{
	struct hq_resp r;

	assert_int_equal(hq_req(&srv, c, "GET", path, NULL, &r), 400);
	assert_string_equal(hq_err_code(&r), "invalid");
	if (!json_object_get(json_object_get(json_object_get(r.json, "error"), "fields"), field))
		fail_msg("%s: no field error for %s: %s", path, field, r.body);
	hq_resp_free(&r);
}

static void
bad_filters_are_400(void **state)
{
	struct hq_client sup;

	(void)state;
	hq_sign_in(&srv, &sup, "supervisor");
	bad_filter(&sup, "/api/v1/audit?from=2026-13-01", "from");
	bad_filter(&sup, "/api/v1/audit?from=yesterday", "from");
	bad_filter(&sup, "/api/v1/audit?to=2026-02-30", "to");
	bad_filter(&sup, "/api/v1/audit?to=2026-01-01T10:00:00%2B09:00", "to");
	bad_filter(&sup, "/api/v1/audit?from=2026-05-02&to=2026-05-01", "to");
	bad_filter(&sup, "/api/v1/audit?entity=User", "entity");
	bad_filter(&sup, "/api/v1/audit?action=drop%20table", "action");
	bad_filter(&sup, "/api/v1/audit?actor_id=0", "actor_id");
	bad_filter(&sup, "/api/v1/audit?actor_id=abc", "actor_id");
	bad_filter(&sup, "/api/v1/audit?entity_id=5", "entity_id");
	bad_filter(&sup, "/api/v1/audit?entity=user&entity_id=-1", "entity_id");
	bad_filter(&sup, "/api/v1/audit?page=0", "page");
	bad_filter(&sup, "/api/v1/audit?per_page=x", "per_page");
	/* every bad field at once */
	bad_filter(&sup, "/api/v1/audit?entity=X&from=bad&actor_id=0", "entity");
	bad_filter(&sup, "/api/v1/audit?entity=X&from=bad&actor_id=0", "from");
	bad_filter(&sup, "/api/v1/audit?entity=X&from=bad&actor_id=0", "actor_id");
	bad_filter(&sup, "/api/v1/audit?actor=" /* 65 characters */
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "actor");
	/* LIKE wildcards in the actor text are literal */
	assert_int_equal(total_of(&sup, "/api/v1/audit?actor=%25"), 0);
	hq_client_free(&sup);
}

/* ---------- roles ---------- */

static void
only_supervisor_and_auditor_read_the_log(void **state)
{
	static const char *const refused[] = { "staff", "dept_head", "office", "leader",
					       "finance", "sysadmin", "secadmin" };
	struct hq_client c, anon;

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		hq_sign_in(&srv, &c, refused[i]);
		assert_int_equal(status_of(&c, "GET", "/api/v1/audit", NULL), 403);
		assert_int_equal(status_of(&c, "GET", "/api/v1/audit/verify", NULL), 403);
		hq_client_free(&c);
	}
	hq_client_init(&anon);
	assert_int_equal(status_of(&anon, "GET", "/api/v1/audit", NULL), 401);
	assert_int_equal(status_of(&anon, "GET", "/api/v1/audit/verify", NULL), 401);
	assert_int_equal(status_of(&anon, "GET", "/api/v1/history/user/1", NULL), 401);
	hq_client_free(&anon);
}

/* Demo supervisors also hold staff: every role of a multi-role user counts. */
static void
supervisor_holding_staff_too_reads_the_log(void **state)
{
	struct hq_client adm, sec, both;
	struct hq_resp r;
	char path[120], body[300];
	int64_t id;
	long list, verify;

	(void)state;
	hq_sign_in(&srv, &adm, "sysadmin");
	hq_sign_in(&srv, &sec, "secadmin");
	snprintf(body, sizeof(body),
		 "{\"username\":\"sup_staff\",\"display_name\":\"纪检兼职工\",\"department_id\":%lld,"
		 "\"password\":\"" TEST_PASSWORD "\"}", (long long)srv.office_dept_id);
	assert_int_equal(hq_req(&srv, &adm, "POST", "/api/v1/users", body, &r), 201);
	id = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/users/%lld/roles", (long long)id);
	assert_int_equal(status_of(&sec, "PUT", path, "{\"roles\":[\"staff\",\"supervisor\"]}"),
			 200);
	hq_sign_in(&srv, &both, "sup_staff");
	list = status_of(&both, "GET", "/api/v1/audit", NULL);
	verify = status_of(&both, "GET", "/api/v1/audit/verify", NULL);
	hq_client_free(&adm);
	hq_client_free(&sec);
	hq_client_free(&both);
	assert_int_equal(list, 200);
	assert_int_equal(verify, 200);
}

static void
history_visibility(void **state)
{
	static const char *const readers[] = { "sysadmin", "secadmin", "auditor", "supervisor" };
	static const char *const refused[] = { "staff", "dept_head", "office", "leader" };
	struct hq_client c;
	struct hq_resp r;
	char upath[120], dpath[120], path[160];
	const json_t *items, *it;
	size_t i, k;

	(void)state;
	snprintf(upath, sizeof(upath), "/api/v1/history/user/%lld",
		 (long long)hq_user_id(&srv, "staff"));
	snprintf(dpath, sizeof(dpath), "/api/v1/history/department/%lld", (long long)srv.dept1_id);
	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		hq_sign_in(&srv, &c, readers[i]);
		items = json_object_get(get_ok(&c, upath, &r), "items");
		assert_true(json_array_size(items) >= 1);
		/* oldest last: the create row; no ip and no hash for history */
		it = json_array_get(items, json_array_size(items) - 1);
		assert_string_equal(jstr(it, "action", NULL), "create");
		assert_string_equal(jstr(it, "after", "username"), "staff");
		json_array_foreach(items, k, it) {
			assert_null(json_object_get(it, "ip"));
			assert_null(json_object_get(it, "hash"));
			assert_string_equal(jstr(it, "entity", NULL), "user");
		}
		hq_resp_free(&r);
		items = json_object_get(get_ok(&c, dpath, &r), "items");
		assert_string_equal(jstr(json_array_get(items, 0), "after", "name"), "一处");
		hq_resp_free(&r);
		hq_client_free(&c);
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		hq_sign_in(&srv, &c, refused[i]);
		assert_int_equal(status_of(&c, "GET", upath, NULL), 403);
		assert_int_equal(status_of(&c, "GET", dpath, NULL), 403);
		hq_client_free(&c);
	}
	hq_sign_in(&srv, &c, "sysadmin");
	/* paging, newest first: staff2 was created, then locked and unlocked */
	cli_lock_unlock(hq_user_id(&srv, "staff2"));
	snprintf(path, sizeof(path), "/api/v1/history/user/%lld?per_page=1&page=1",
		 (long long)hq_user_id(&srv, "staff2"));
	items = json_object_get(get_ok(&c, path, &r), "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 3);
	assert_string_equal(jstr(json_array_get(items, 0), "action", NULL), "unlock");
	assert_true(json_is_null(json_object_get(json_array_get(items, 0), "actor")));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/history/no_such_entity/1", NULL, &r), 404);
	assert_string_equal(hq_err_code(&r), "unknown_entity");
	hq_resp_free(&r);
	assert_int_equal(status_of(&c, "GET", "/api/v1/history/User/1", NULL), 404);
	assert_int_equal(status_of(&c, "GET", "/api/v1/history/user/999999", NULL), 404);
	assert_int_equal(status_of(&c, "GET", "/api/v1/history/user/abc", NULL), 404);
	assert_int_equal(status_of(&c, "GET", "/api/v1/history/user/0", NULL), 404);
	snprintf(path, sizeof(path), "%s?page=0", upath);
	assert_int_equal(status_of(&c, "GET", path, NULL), 400);
	hq_client_free(&c);
}

/* ---------- tampering (last: it breaks the chain for good) ---------- */

/* The product's own database refuses sql: an error, and audit_log is as it was. */
static void
expect_sql_refused(struct db *db, const char *sql)
{
	struct err e = { 0 };
	int64_t rows = audit_rows();

	assert_int_not_equal(db_exec(db, sql, &e), 0);
	assert_int_equal(audit_rows(), rows);
}

static void
edited_row_breaks_the_chain_there(void **state)
{
	struct hq_client sup;
	struct hq_resp r;
	struct db *db;
	struct err e = { 0 };
	char sql[200], del[80];
	/* the middle row, by position: ids may have gaps on PostgreSQL */
	int64_t victim = q_i64("SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET :since",
			       audit_rows() / 2);
	int64_t before = q_i64("SELECT COUNT(*) FROM audit_log WHERE id < :since", victim);
	json_t *j;

	(void)state;
	assert_true(before > 1);
	snprintf(sql, sizeof(sql),
		 "UPDATE audit_log SET after_json = '{\"name\":\"篡改\"}' WHERE id = %lld",
		 (long long)victim);
	snprintf(del, sizeof(del), "DELETE FROM audit_log WHERE id = %lld", (long long)victim);
	db = open_direct();
	expect_sql_refused(db, sql);
	expect_sql_refused(db, del);
	expect_sql_refused(db, "DELETE FROM audit_log");
	/* an attacker with write access switches the guard off first; the same edit then lands */
	hq_audit_unprotect(db);
	assert_int_equal(db_exec(db, sql, &e), 0);
	db_close(db);
	assert_int_equal(q_i64("SELECT COUNT(*) FROM audit_log WHERE id = :since"
			       " AND after_json LIKE '%篡改%'", victim), 1);

	hq_sign_in(&srv, &sup, "supervisor");
	j = get_ok(&sup, "/api/v1/audit/verify", &r);
	assert_true(json_is_false(json_object_get(j, "ok")));
	assert_int_equal(json_integer_value(json_object_get(j, "first_broken_id")), victim);
	assert_int_equal(json_integer_value(json_object_get(j, "count")), before);
	hq_resp_free(&r);
	hq_client_free(&sup);
}

static void
audit_list_exports_to_csv(void **state)
{
	struct hq_client sup;
	struct hq_resp r;

	(void)state;
	hq_sign_in(&srv, &sup, "supervisor");
	assert_int_equal(hq_req(&srv, &sup, "GET", "/api/v1/audit?entity=user&format=csv", NULL, &r), 200);
	assert_true(r.len > 3 && memcmp(r.body, "\xEF\xBB\xBF", 3) == 0);
	assert_non_null(strstr(r.body, "操作人"));
	assert_non_null(strstr(r.body, ",user,"));
	assert_null(strstr(r.body, ",department,"));	/* the filter applies */
	hq_resp_free(&r);
	hq_client_free(&sup);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_org_write_leaves_one_audit_row),
		cmocka_unit_test(chain_verifies_after_all_that),
		cmocka_unit_test(auditor_sees_admin_logs_only),
		cmocka_unit_test(agencies_do_not_see_each_other),
		cmocka_unit_test(date_filters),
		cmocka_unit_test(bad_filters_are_400),
		cmocka_unit_test(only_supervisor_and_auditor_read_the_log),
		cmocka_unit_test(supervisor_holding_staff_too_reads_the_log),
		cmocka_unit_test(history_visibility),
		cmocka_unit_test(audit_list_exports_to_csv),
		cmocka_unit_test(edited_row_breaks_the_chain_there),
	};

	return cmocka_run_group_tests_name("api_audit", tests, setup, teardown);
}
