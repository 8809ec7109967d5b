/*
** tests/api/test_concurrency.c: one optimistic-concurrency rule for every
** editable record (DESIGN.md §6). Walks THE route table: every PUT names a
** body spec with a required updated_at, unless it is on the exemption list
** below with its reason, so a new module cannot forget it. Then, for the
** records outside 报修 (departments, users, locations, approval rules; the
** 报修 ones are in test_workorders.c): no updated_at -> 400 on the field
** updated_at, an old one -> 409 "stale", and neither writes anything.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/validate.h"
#include "db/db.h"
#include "http/router.h"
#include "modules.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;

/*
** PUT routes that take no updated_at, and why. Each sets a value or a whole
** set outright (the body is the complete new state, nothing is merged with
** what the caller read), so there is no read-modify-write to lose.
*/
static const struct {
	const char *pattern, *why;
} exempt[] = {
	{ "/api/v1/me/language", "the caller's own UI language, a single value" },
	{ "/api/v1/me/password", "guarded by the old password, not an edit of what was read" },
	{ "/api/v1/users/:id/roles", "replaces the whole role set (secadmin only)" },
	{ "/api/v1/calendar/hours", "settings singleton: the whole list of working periods" },
	{ "/api/v1/calendar/days/:date", "marks one date: the body is that day's whole state" },
	{ "/api/v1/workorder-duty", "sets who is on duty for one team and day, keyed by the body" },
	{ "/api/v1/agency-settings", "a singleton: updated_at is required once saved (org_settings_put,"
	  " 409 when stale), not at the first save, when there was nothing to read" },
	{ "/api/v1/drivers/:user_id", "makes a worker a driver the first time (nothing read yet);"
	  " updated_at is required once the profile exists (drv_put, 409 when stale)" },
	{ "/api/v1/budget/settings", "a singleton like agency-settings: updated_at is required once"
	  " saved (bud_settings_put, 409 when stale), not at the first save" },
	{ "/api/v1/vehicles/settings", "a singleton like agency-settings: updated_at is required once"
	  " saved (veh_settings_put, 409 when stale), not at the first save" },
};

static const char *
exempt_why(const char *pattern)
{
	for (size_t i = 0; i < sizeof(exempt) / sizeof(exempt[0]); i++)
		if (strcmp(exempt[i].pattern, pattern) == 0)
			return exempt[i].why;
	return NULL;
}

static const struct field *
find_field(const struct field *spec, const char *name)
{
	for (; spec && spec->name; spec++)
		if (strcmp(spec->name, name) == 0)
			return spec;
	return NULL;
}

static void
every_put_requires_updated_at(void **state)
{
	const struct route_table *t = modules_routes();
	size_t puts = 0, used[sizeof(exempt) / sizeof(exempt[0])] = { 0 };

	(void)state;
	for (size_t i = 0; i < t->n; i++) {
		const struct route *r = &t->routes[i];
		const struct field *f;

		if (strcmp(r->method, "PUT") != 0)
			continue;
		puts++;
		if (!r->body)
			fail_msg("PUT %s has no body spec to check", r->pattern);
		if (exempt_why(r->pattern)) {
			for (size_t k = 0; k < sizeof(exempt) / sizeof(exempt[0]); k++)
				used[k] += strcmp(exempt[k].pattern, r->pattern) == 0;
			continue;
		}
		f = find_field(r->body, "updated_at");
		if (!f || !f->required || f->type != F_TIME)
			fail_msg("PUT %s: its spec needs FIELD_UPDATED_AT (a required F_TIME"
				 " updated_at), or an entry with its reason in exempt[]",
				 r->pattern);
	}
	assert_true(puts >= 8);
	for (size_t k = 0; k < sizeof(exempt) / sizeof(exempt[0]); k++)
		if (used[k] != 1)
			fail_msg("exempt[] names %s, which is not one PUT route", exempt[k].pattern);
}

static int64_t
audit_rows(void)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (!db_prepare(db, &st, "SELECT COUNT(*) FROM audit_log", &e) && db_step(&st, &e) == 1)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	return n;
}

static const char *
str(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "";
}

static const char *
error_field(const struct hq_resp *r)
{
	json_t *f = json_object_get(json_object_get(r->json, "error"), "fields");
	const char *k = NULL;
	json_t *v;

	json_object_foreach(f, k, v)
		return k;
	return "";
}

/*
** PUT {fields[,"updated_at":seen]}; checks status and code; copies the new
** token to next and the value of key to val.
*/
static void
put(struct hq_client *c, const char *path, const char *fields, const char *seen, long want,
    const char *code, char *next, size_t size, const char *key, char *val, size_t vsize)
{
	struct hq_resp r;
	char body[768];

	if (seen)
		snprintf(body, sizeof(body), "{%s,\"updated_at\":\"%s\"}", fields, seen);
	else
		snprintf(body, sizeof(body), "{%s}", fields);
	if (hq_req(&srv, c, "PUT", path, body, &r) != want)
		fail_msg("PUT %s gave %ld (want %ld): %s", path, r.status, want, r.body);
	if (code)
		assert_string_equal(hq_err_code(&r), code);
	if (want == 400)
		assert_string_equal(error_field(&r), "updated_at");
	if (next)
		snprintf(next, size, "%s", str(r.json, "updated_at"));
	if (val)
		snprintf(val, vsize, "%s", str(r.json, key));
	hq_resp_free(&r);
}

#define STEPS "\"steps\":[{\"name\":\"分管领导\",\"role\":\"leader\",\"scope\":\"role\"}]"

static void
puts_need_the_updated_at_they_read(void **state)
{
	struct {
		const char *actor, *collection;
		const char *create;	/* POST body, without braces */
		const char *fields;	/* PUT body without braces and updated_at; "并发…" */
		const char *dept;	/* member that both take the department 一处 in, or NULL */
		const char *key;	/* the member that holds "并发…" */
	} recs[] = {
		{ "sysadmin", "/api/v1/departments", "\"name\":\"并发部门\"",
		  "\"name\":\"并发部门\"", "parent_id", "name" },
		{ "sysadmin", "/api/v1/users",
		  "\"username\":\"racer\",\"display_name\":\"并发用户\","
		  "\"password\":\"" TEST_PASSWORD "\"",
		  "\"display_name\":\"并发用户\"", "department_id",	/* resets: test_sec_admins.c */
		  "display_name" },
		{ "office", "/api/v1/locations", "\"kind\":\"building\",\"name\":\"并发楼\"",
		  "\"name\":\"并发楼\"", NULL, "name" },
		{ "office", "/api/v1/approval-rules", "\"kind\":\"general\",\"name\":\"并发规则\"," STEPS,
		  "\"kind\":\"general\",\"name\":\"并发规则\"," STEPS, NULL, "name" },
	};
	char create[512], fields[512], dept[64] = "", path[96], seen[64], moved[64], name[96];
	struct hq_client c;
	struct hq_resp r;
	int64_t before;

	(void)state;
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		hq_client_init(&c);
		if (hq_login(&srv, &c, recs[i].actor, TEST_PASSWORD) != 200)
			fail_msg("login %s", recs[i].actor);
		if (recs[i].dept)
			snprintf(dept, sizeof(dept), ",\"%s\":%lld", recs[i].dept,
				 (long long)srv.dept1_id);
		else
			dept[0] = '\0';
		snprintf(create, sizeof(create), "{%s%s}", recs[i].create, dept);
		snprintf(fields, sizeof(fields), "%s%s", recs[i].fields, dept);
		if (hq_req(&srv, &c, "POST", recs[i].collection, create, &r) != 201)
			fail_msg("POST %s gave %ld: %s", recs[i].collection, r.status, r.body);
		snprintf(path, sizeof(path), "%s/%lld", recs[i].collection,
			 (long long)json_integer_value(json_object_get(r.json, "id")));
		snprintf(seen, sizeof(seen), "%s", str(r.json, "updated_at"));
		hq_resp_free(&r);

		before = audit_rows();
		put(&c, path, fields, NULL, 400, NULL, NULL, 0, NULL, NULL, 0);	/* no token */
		assert_int_equal(audit_rows(), before);
		put(&c, path, fields, seen, 200, NULL, moved, sizeof(moved), NULL, NULL, 0);
		assert_string_not_equal(moved, seen);	/* the token moved */
		before = audit_rows();
		memcpy(strstr(fields, "并发"), "改名", strlen("改名"));
		put(&c, path, fields, seen, 409, "stale", NULL, 0, NULL, NULL, 0);	/* old token */
		assert_int_equal(audit_rows(), before);
		/* the stale PUT wrote nothing: the token it would have moved still holds */
		put(&c, path, fields, moved, 200, NULL, NULL, 0, recs[i].key, name, sizeof(name));
		assert_non_null(strstr(name, "改名"));
		hq_client_free(&c);
	}
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
		cmocka_unit_test(every_put_requires_updated_at),
		cmocka_unit_test(puts_need_the_updated_at_they_read),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
