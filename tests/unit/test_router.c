/*
** tests/unit/test_router.c: http/router.c route_match, and sanity checks on THE route table.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"
#include "modules.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"

/* ---- route_match ---- */

static const struct {
	const char *pattern, *path;
	int match;
	int nparams;
	const char *p[PATH_PARAMS_MAX];
} match_cases[] = {
	/* exact */
	{ "/", "/", 1, 0, { NULL } },
	{ "/api/v1/health", "/api/v1/health", 1, 0, { NULL } },
	{ "/api/v1/health", "/api/v1/healthz", 0, 0, { NULL } },
	{ "/api/v1/health", "/api/v1/healt", 0, 0, { NULL } },
	{ "/api/v1/health", "/api/v2/health", 0, 0, { NULL } },
	{ "/api/v1/health", "/API/v1/health", 0, 0, { NULL } },	/* case-sensitive */
	{ "/api/v1/health", "api/v1/health", 0, 0, { NULL } },	/* no leading slash */
	{ "/api/v1/health", "", 0, 0, { NULL } },
	{ "/", "", 0, 0, { NULL } },
	{ "/", "/x", 0, 0, { NULL } },
	/* captures */
	{ "/api/v1/users/:id", "/api/v1/users/42", 1, 1, { "42" } },
	{ "/api/v1/users/:id", "/api/v1/users/abc", 1, 1, { "abc" } },	/* ids checked later */
	{ "/api/v1/users/:id/roles", "/api/v1/users/7/roles", 1, 1, { "7" } },
	{ "/api/v1/departments/:name", "/api/v1/departments/后勤处", 1, 1, { "后勤处" } },
	{ "/api/v1/a/:x/b/:y", "/api/v1/a/1/b/2", 1, 2, { "1", "2" } },
	{ "/:a/:b/:c/:d", "/w/x/y/z", 1, 4, { "w", "x", "y", "z" } },	/* PATH_PARAMS_MAX */
	{ "/:a/:b/:c/:d/:e", "/v/w/x/y/z", 0, 0, { NULL } },		/* one too many */
	{ "/api/v1/users/:id", "/api/v1/users/42?x=1", 1, 1, { "42?x=1" } },	/* path has no query */
	/* trailing slash and segment count mismatches */
	{ "/api/v1/users", "/api/v1/users/", 0, 0, { NULL } },
	{ "/api/v1/users/", "/api/v1/users", 0, 0, { NULL } },
	{ "/api/v1/users/:id", "/api/v1/users/", 0, 0, { NULL } },		/* empty capture */
	{ "/api/v1/users/:id", "/api/v1/users", 0, 0, { NULL } },
	{ "/api/v1/users/:id", "/api/v1/users/42/", 0, 0, { NULL } },
	{ "/api/v1/users/:id", "/api/v1/users/42/roles", 0, 0, { NULL } },	/* extra segment */
	{ "/api/v1/users/:id/roles", "/api/v1/users/42", 0, 0, { NULL } },
	{ "/api/v1/users/:id/roles", "/api/v1/users/42/role", 0, 0, { NULL } },
	/* empty segments */
	{ "/api/v1/users/:id/roles", "/api/v1/users//roles", 0, 0, { NULL } },
	{ "/api/v1/users", "/api/v1//users", 0, 0, { NULL } },
	{ "/api/v1/users", "//api/v1/users", 0, 0, { NULL } },
};

static void
test_route_match_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		struct req rq = { 0 };
		int m;

		rq.arena = arena_new(0);
		assert_non_null(rq.arena);
		rq.nparams = -1;
		m = route_match(match_cases[i].pattern, match_cases[i].path, &rq);
		if (m != match_cases[i].match)
			fail_msg("route_match(\"%s\", \"%s\") = %d, want %d", match_cases[i].pattern,
				 match_cases[i].path, m, match_cases[i].match);
		/* the answer does not depend on whether captures are wanted */
		assert_int_equal(route_match(match_cases[i].pattern, match_cases[i].path, NULL), m);
		if (m) {
			if (rq.nparams != match_cases[i].nparams)
				fail_msg("\"%s\" ~ \"%s\": nparams %d, want %d",
					 match_cases[i].pattern, match_cases[i].path, rq.nparams,
					 match_cases[i].nparams);
			for (int k = 0; k < rq.nparams; k++) {
				assert_non_null(rq.params[k]);
				if (strcmp(rq.params[k], match_cases[i].p[k]) != 0)
					fail_msg("\"%s\" ~ \"%s\": param %d = \"%s\", want \"%s\"",
						 match_cases[i].pattern, match_cases[i].path, k,
						 rq.params[k], match_cases[i].p[k]);
			}
		}
		arena_free(rq.arena);
	}
}

/* Captures are arena copies: they survive the path buffer changing or going away. */
static void
test_route_match_copies_params(void **state)
{
	struct req rq = { 0 };
	char path[] = "/api/v1/users/123/roles";
	int64_t id = 0;
	struct err e = { 0 };

	(void)state;
	rq.arena = arena_new(0);
	assert_int_equal(route_match("/api/v1/users/:id/roles", path, &rq), 1);
	assert_int_equal(rq.nparams, 1);
	memset(path, 'X', sizeof(path) - 1);
	assert_string_equal(rq.params[0], "123");
	/* and the handler's first step reads it as an id */
	assert_int_equal(req_path_id(&rq, 0, &id, &e), 0);
	assert_true(id == 123);
	assert_int_equal(req_path_id(&rq, 1, &id, &e), ERR_NOT_FOUND);	/* no second capture */
	arena_free(rq.arena);
}

/* req_path_id turns a non-id capture into a 404, never a 400 or a crash. */
static void
test_req_path_id(void **state)
{
	static const struct {
		const char *seg;
		int rc;
		int64_t want;
	} cases[] = {
		{ "1", 0, 1 },
		{ "9223372036854775807", 0, INT64_MAX },
		{ "0", ERR_NOT_FOUND, 0 },
		{ "-1", ERR_NOT_FOUND, 0 },
		{ "abc", ERR_NOT_FOUND, 0 },
		{ "1x", ERR_NOT_FOUND, 0 },
		{ "9223372036854775808", ERR_NOT_FOUND, 0 },
		{ "me", ERR_NOT_FOUND, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct req rq = { 0 };
		struct err e = { 0 };
		char *path;
		int64_t id = 0;
		int rc;

		rq.arena = arena_new(0);
		path = arena_printf(rq.arena, "/api/v1/users/%s", cases[i].seg);
		assert_int_equal(route_match("/api/v1/users/:id", path, &rq), 1);
		rc = req_path_id(&rq, 0, &id, &e);
		if (rc != cases[i].rc || (rc == 0 && id != cases[i].want))
			fail_msg("req_path_id(\"%s\") rc %d id %lld", cases[i].seg, rc, (long long)id);
		if (rc)
			assert_int_equal(e.code, ERR_NOT_FOUND);
		arena_free(rq.arena);
	}
}

/* ---- the real route table ---- */

static int
count_params(const char *pattern)
{
	int n = 0;

	for (const char *p = pattern; *p; p++)
		if (p[0] == '/' && p[1] == ':')
			n++;
	return n;
}

static void
test_route_table_well_formed(void **state)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", NULL };
	const struct route_table *t = modules_routes();

	(void)state;
	assert_true(t->n > 0);
	for (size_t i = 0; i < t->n; i++) {
		const struct route *r = &t->routes[i];
		size_t len = strlen(r->pattern);
		int known = 0;

		for (int k = 0; methods[k]; k++)
			known |= strcmp(r->method, methods[k]) == 0;
		if (!known)
			fail_msg("route %zu: method \"%s\"", i, r->method);
		if (strncmp(r->pattern, "/api/v1/", 8) != 0 || r->pattern[len - 1] == '/' ||
		    strstr(r->pattern, "//") || count_params(r->pattern) > PATH_PARAMS_MAX)
			fail_msg("route %zu: bad pattern \"%s\"", i, r->pattern);
		if (!r->fn || !r->summary || !*r->summary)
			fail_msg("route %zu (%s %s): no handler or summary", i, r->method, r->pattern);
		/* a path made from the pattern matches it, with every capture filled */
		{
			struct req rq = { 0 };
			char *path;

			rq.arena = arena_new(0);
			path = arena_strdup(rq.arena, r->pattern);
			for (char *p = path; *p; p++)
				if (*p == ':')
					*p = '9';
			if (route_match(r->pattern, path, &rq) != 1 ||
			    rq.nparams != count_params(r->pattern))
				fail_msg("route %zu: \"%s\" does not match \"%s\"", i, r->pattern, path);
			arena_free(rq.arena);
		}
		/* no duplicate method + pattern (the first would shadow the second) */
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->routes[j].method, r->method) == 0 &&
			    strcmp(t->routes[j].pattern, r->pattern) == 0)
				fail_msg("routes %zu and %zu are both %s %s", j, i, r->method,
					 r->pattern);
	}
}

/* Body specs in the table stay within what val_object supports (32 fields, sane bounds). */
static void
test_route_body_specs(void **state)
{
	const struct route_table *t = modules_routes();

	(void)state;
	for (size_t i = 0; i < t->n; i++) {
		const struct field *spec = t->routes[i].body;
		int n = 0;

		if (!spec)
			continue;
		if (strcmp(t->routes[i].method, "GET") == 0)
			fail_msg("GET %s has a body spec", t->routes[i].pattern);
		for (; spec[n].name; n++) {
			const struct field *fd = &spec[n];

			if (!*fd->name || val_bit(t->routes[i].body, fd->name) != 1u << n)
				fail_msg("%s %s: field %d \"%s\" empty or duplicated", t->routes[i].method,
					 t->routes[i].pattern, n, fd->name);
			if (fd->type == F_ENUM && (!fd->enums || !fd->enums[0]))
				fail_msg("%s %s: enum field %s without values", t->routes[i].method,
					 t->routes[i].pattern, fd->name);
			if ((fd->type == F_INT || (fd->type == F_STR && fd->max)) && fd->min > fd->max)
				fail_msg("%s %s: field %s has min > max", t->routes[i].method,
					 t->routes[i].pattern, fd->name);
		}
		if (n == 0 || n > 32)
			fail_msg("%s %s: %d body fields", t->routes[i].method, t->routes[i].pattern, n);
	}
}

static int
dummy_handler(struct req *rq, struct resp *rs, struct err *e)
{
	(void)rq;
	(void)rs;
	(void)e;
	return 0;
}

static void
test_router_body_max(void **state)
{
	static const struct route rows[] = {
		{ "GET", "/api/v1/files/:id", dummy_handler, ANY_USER, 0, "x", NULL, NULL, 0 },
		{ "POST", "/api/v1/files", dummy_handler, ANY_USER, R_WRITE, "x", NULL, NULL,
		  20 << 20 },
		{ "PUT", "/api/v1/files/:id/content", dummy_handler, ANY_USER, R_WRITE, "x", NULL,
		  NULL, 8 << 20 },
	};
	static const struct route_table t = { rows, sizeof(rows) / sizeof(rows[0]) };

	(void)state;
	assert_int_equal(router_body_max(&t, "POST", "/api/v1/files"), 20 << 20);
	assert_int_equal(router_body_max(&t, "PUT", "/api/v1/files/3/content"), 8 << 20);
	assert_int_equal(router_body_max(&t, "PUT", "/api/v1/files/3"), BODY_MAX);
	assert_int_equal(router_body_max(&t, "GET", "/api/v1/files/3"), BODY_MAX);
	assert_int_equal(router_body_max(&t, "POST", "/api/v1/files/"), BODY_MAX);
	assert_int_equal(router_body_max(&t, "POST", "/api/v1/nothing"), BODY_MAX);
	assert_int_equal(router_body_max(modules_routes(), "POST", "/api/v1/nothing"), BODY_MAX);
}

/*
** ?from=&to= (req_time_range) mean the same on every list: `to` is inclusive,
** a date through the end of that Shanghai day, an instant through that ms.
*/
static void
test_req_time_range(void **state)
{
	static const struct {
		const char *from, *to;
		int rc;
		int64_t want_from, want_to;
		const char *bad_field;
	} cases[] = {
		{ NULL, NULL, 0, 0, 0, NULL },
		/* 2026-11-23 Shanghai = 2026-11-22T16:00Z = 1795363200000 */
		{ "2026-11-23", "2026-11-23", 0, 1795363200000LL, 1795363200000LL + 86400000LL, NULL },
		{ "2026-11-23T08:00:00+08:00", "2026-11-23T09:00:00+08:00", 0, 1795392000000LL,
		  1795392000000LL + 3600000LL + 1, NULL },
		{ NULL, "2026-11-23T00:00:00Z", 0, 0, 1795392000000LL + 1, NULL },
		{ "yesterday", NULL, ERR_INVALID, 0, 0, "from" },
		{ NULL, "2026-13-01", ERR_INVALID, 0, 0, "to" },
		{ "2026-11-24", "2026-11-23", ERR_INVALID, 0, 0, "to" },	/* to before from */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kv q[2];
		struct req rq = { 0 };
		struct err e = { 0 };
		int64_t from = -1, to = -1;

		if (cases[i].from)
			q[rq.nquery++] = (struct kv){ "from", cases[i].from };
		if (cases[i].to)
			q[rq.nquery++] = (struct kv){ "to", cases[i].to };
		rq.query = q;
		assert_int_equal(req_time_range(&rq, &from, &to, &e), cases[i].rc);
		if (cases[i].rc) {
			assert_int_equal(e.code, ERR_INVALID);
			assert_string_equal(e.fields[0].name, cases[i].bad_field);
			continue;
		}
		assert_true(from == cases[i].want_from);
		assert_true(to == cases[i].want_to);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_match_table),
		cmocka_unit_test(test_route_match_copies_params),
		cmocka_unit_test(test_req_path_id),
		cmocka_unit_test(test_req_time_range),
		cmocka_unit_test(test_route_table_well_formed),
		cmocka_unit_test(test_route_body_specs),
		cmocka_unit_test(test_router_body_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
