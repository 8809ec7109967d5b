/*
** tests/api/test_openapi.c: GET /api/v1/openapi.json describes EVERY route of
** THE route table (the test walks modules_routes(), so a registered route that
** the document misses fails here), with summaries, roles, security, path
** parameters, request body schemas from the field specs, export parameters,
** and error responses whose $refs all resolve.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/auth.h"
#include "core/validate.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"
#include "modules.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static json_t *doc;	/* fetched once, anonymously */

static int
setup(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_start(&srv);
	hq_client_init(&c);
	if (hq_req(&srv, &c, "GET", "/api/v1/openapi.json", NULL, &r) != 200 || !r.json)
		return -1;
	doc = json_incref(r.json);
	hq_resp_free(&r);
	hq_client_free(&c);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	json_decref(doc);
	hq_stop(&srv);
	return 0;
}

/* "/api/v1/users/:id" -> "/api/v1/users/{id}" (written here, not borrowed from meta.c). */
static void
openapi_path(const char *pattern, char *out, size_t size)
{
	size_t o = 0;
	int in_param = 0;

	for (const char *p = pattern; *p && o + 2 < size; p++) {
		if (*p == ':') {
			out[o++] = '{';
			in_param = 1;
			continue;
		}
		if (*p == '/' && in_param) {
			out[o++] = '}';
			in_param = 0;
		}
		out[o++] = *p;
	}
	if (in_param)
		out[o++] = '}';
	out[o] = '\0';
}

static json_t *
operation_of(const struct route *r)
{
	char path[512], m[16];
	size_t i;

	openapi_path(r->pattern, path, sizeof(path));
	for (i = 0; r->method[i] && i + 1 < sizeof(m); i++)
		m[i] = (char)tolower((unsigned char)r->method[i]);
	m[i] = '\0';
	return json_object_get(json_object_get(json_object_get(doc, "paths"), path), m);
}

static int
has_string(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* v[k1][k2]... for a NULL-terminated list of object keys; NULL when any is missing. */
static json_t *
dig(json_t *v, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, v);
	while (v && (k = va_arg(ap, const char *)))
		v = json_object_get(v, k);
	va_end(ap);
	return v;
}

static void
document_header(void **state)
{
	(void)state;
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	assert_non_null(json_string_value(json_object_get(json_object_get(doc, "info"), "title")));
	assert_non_null(json_string_value(json_object_get(json_object_get(doc, "info"), "version")));
	assert_non_null(json_object_get(json_object_get(json_object_get(doc, "components"),
							"securitySchemes"), "cookie"));
	assert_non_null(json_object_get(json_object_get(json_object_get(doc, "components"),
							"securitySchemes"), "bearer"));
}

/* Does op's parameter list hold {"$ref": ref}? */
static int
has_ref(json_t *op, const char *ref)
{
	size_t k;
	json_t *prm;

	json_array_foreach(json_object_get(op, "parameters"), k, prm)
		if (json_is_string(json_object_get(prm, "$ref")) &&
		    strcmp(json_string_value(json_object_get(prm, "$ref")), ref) == 0)
			return 1;
	return 0;
}

/* The rule this file exists for: every registered route is documented, nothing else is. */
static void
every_route_is_documented(void **state)
{
	const struct route_table *t = modules_routes();
	json_t *ids = json_object();
	size_t documented = 0;
	const char *path;
	json_t *item;

	(void)state;
	for (size_t i = 0; i < t->n; i++) {
		const struct route *r = &t->routes[i];
		json_t *op = operation_of(r);
		const char *id;

		if (!op)
			fail_msg("route %s %s is missing from openapi.json", r->method, r->pattern);
		if (strcmp(json_string_value(json_object_get(op, "summary")), r->summary) != 0)
			fail_msg("%s %s: summary differs", r->method, r->pattern);
		id = json_string_value(json_object_get(op, "operationId"));
		if (!id || !*id || json_object_get(ids, id))
			fail_msg("%s %s: operationId missing or not unique", r->method, r->pattern);
		json_object_set_new(ids, id, json_true());
		if (!json_is_array(json_object_get(op, "x-roles")) ||
		    json_array_size(json_object_get(op, "x-roles")) == 0)
			fail_msg("%s %s: no x-roles", r->method, r->pattern);
		for (int b = 0; role_codes[b]; b++)
			if ((r->roles & (1u << b)) &&
			    !has_string(json_object_get(op, "x-roles"), role_codes[b]))
				fail_msg("%s %s: x-roles lacks %s", r->method, r->pattern,
					 role_codes[b]);
		if (r->roles == ANY_USER && !has_string(json_object_get(op, "x-roles"), "*"))
			fail_msg("%s %s: any-user route without \"*\"", r->method, r->pattern);
		/* public routes drop the global security; the rest need cookie or bearer */
		if ((r->flags & R_PUBLIC) ? json_array_size(json_object_get(op, "security")) != 0
					  : json_array_size(json_object_get(op, "security")) != 2)
			fail_msg("%s %s: security does not match R_PUBLIC", r->method, r->pattern);
		if (!(r->flags & R_PUBLIC) && !json_object_get(json_object_get(op, "responses"), "403"))
			fail_msg("%s %s: no 403 response", r->method, r->pattern);
		if (!!r->body != !!json_object_get(op, "requestBody"))
			fail_msg("%s %s: requestBody does not match the field spec", r->method,
				 r->pattern);
		/* one required path parameter per :capture */
		for (const char *p = strstr(r->pattern, "/:"); p; p = strstr(p + 1, "/:")) {
			char name[64];
			size_t n = strcspn(p + 2, "/"), k;
			json_t *prm;
			int found = 0;

			snprintf(name, sizeof(name), "%.*s", (int)n, p + 2);
			json_array_foreach(json_object_get(op, "parameters"), k, prm)
				found |= json_is_string(json_object_get(prm, "name")) &&
					 strcmp(json_string_value(json_object_get(prm, "name")),
						name) == 0 &&
					 strcmp(json_string_value(json_object_get(prm, "in")),
						"path") == 0 &&
					 json_is_true(json_object_get(prm, "required"));
			if (!found)
				fail_msg("%s %s: no path parameter %s", r->method, r->pattern, name);
		}
		/* R_RANGE routes document ?from=&to= (the shared req_time_range reading) */
		if (!!(r->flags & R_RANGE) != (has_ref(op, "#/components/parameters/from") &&
					       has_ref(op, "#/components/parameters/to")))
			fail_msg("%s %s: from/to parameters do not match R_RANGE", r->method,
				 r->pattern);
	}
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(
				       json_object_get(json_object_get(doc, "components"),
						       "parameters"),
				       "to"), "description")),
			       "to 含当天"));
	/* and nothing the router does not serve */
	json_object_foreach(json_object_get(doc, "paths"), path, item)
		documented += json_object_size(item);
	assert_int_equal(documented, t->n);
	json_decref(ids);
}

static void
login_body_schema_from_field_spec(void **state)
{
	json_t *op, *schema, *props;

	(void)state;
	op = dig(doc, "paths", "/api/v1/session", "post", NULL);
	assert_non_null(op);
	assert_int_equal(json_array_size(json_object_get(op, "security")), 0);	/* public */
	schema = dig(op, "requestBody", "content", "application/json", "schema", NULL);
	assert_non_null(schema);
	assert_string_equal(json_string_value(json_object_get(schema, "type")), "object");
	assert_true(json_is_false(json_object_get(schema, "additionalProperties")));
	assert_true(has_string(json_object_get(schema, "required"), "username"));
	assert_true(has_string(json_object_get(schema, "required"), "password"));
	assert_int_equal(json_array_size(json_object_get(schema, "required")), 2);
	props = json_object_get(schema, "properties");
	assert_string_equal(json_string_value(json_object_get(json_object_get(props, "username"),
							      "type")), "string");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(props, "username"),
							    "maxLength")), 64);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(props, "username"),
							    "minLength")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(props, "password"),
							    "maxLength")), 128);
}

static void
other_field_types_map_to_json_schema(void **state)
{
	json_t *props, *p;

	(void)state;
	/* PUT /departments/{id}: F_ID optional, F_INT range, F_BOOL, F_TIME */
	props = dig(doc, "paths", "/api/v1/departments/{id}", "put", "requestBody", "content",
		    "application/json", "schema", "properties", NULL);
	assert_non_null(props);
	p = json_object_get(props, "parent_id");
	assert_true(has_string(json_object_get(p, "type"), "integer"));
	assert_true(has_string(json_object_get(p, "type"), "null"));	/* optional id */
	assert_int_equal(json_integer_value(json_object_get(p, "minimum")), 1);
	p = json_object_get(props, "sort_order");
	assert_int_equal(json_integer_value(json_object_get(p, "minimum")), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "maximum")), 100000);
	assert_string_equal(json_string_value(dig(props, "active", "type", NULL)), "boolean");
	assert_string_equal(json_string_value(dig(props, "updated_at", "format", NULL)),
			    "date-time");
	/* PUT /users/{id}/roles: F_STRLIST with an enum, secadmin only */
	p = dig(doc, "paths", "/api/v1/users/{id}/roles", "put", NULL);
	assert_true(has_string(json_object_get(p, "x-roles"), "secadmin"));
	assert_int_equal(json_array_size(json_object_get(p, "x-roles")), 1);
	assert_true(json_is_true(json_object_get(p, "x-write")));
	p = dig(p, "requestBody", "content", "application/json", "schema", "properties", "roles",
		"items", NULL);
	assert_true(has_string(json_object_get(p, "enum"), "staff"));
	assert_true(has_string(json_object_get(p, "enum"), "auditor"));
}

static void
export_route_documents_format_and_columns(void **state)
{
	json_t *op = dig(doc, "paths", "/api/v1/users", "get", NULL);
	json_t *cols, *c, *content;
	size_t i;
	int fmt = 0;

	(void)state;
	assert_non_null(op);
	json_array_foreach(json_object_get(op, "parameters"), i, c)
		fmt |= json_is_string(json_object_get(c, "$ref")) &&
		       strcmp(json_string_value(json_object_get(c, "$ref")),
			      "#/components/parameters/format") == 0;
	assert_true(fmt);
	cols = json_object_get(op, "x-export-columns");
	assert_int_equal(json_array_size(cols), 7);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 0), "header")),
			    "登录名");
	content = dig(op, "responses", "2XX", "content", NULL);
	assert_non_null(json_object_get(content, "text/csv"));
	assert_non_null(json_object_get(
		content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
}

/* Follow a local JSON pointer ("#/components/responses/Forbidden"). */
static json_t *
resolve(const char *ref)
{
	char part[128];
	json_t *v = doc;

	if (strncmp(ref, "#/", 2) != 0)
		return NULL;
	for (const char *p = ref + 2; v && *p;) {
		size_t n = strcspn(p, "/");
		snprintf(part, sizeof(part), "%.*s", (int)n, p);
		v = json_object_get(v, part);
		p += n + (p[n] == '/');
	}
	return v;
}

static void
walk_refs(json_t *v, int *count)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, x) {
			if (strcmp(k, "$ref") == 0) {
				if (!resolve(json_string_value(x)))
					fail_msg("dangling $ref %s", json_string_value(x));
				(*count)++;
			} else {
				walk_refs(x, count);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			walk_refs(x, count);
	}
}

static void
error_schema_and_every_ref_resolves(void **state)
{
	json_t *err = resolve("#/components/schemas/Error/properties/error");
	int refs = 0;

	(void)state;
	assert_non_null(err);
	assert_true(has_string(json_object_get(err, "required"), "code"));
	assert_true(has_string(json_object_get(err, "required"), "message"));
	assert_non_null(json_object_get(json_object_get(err, "properties"), "fields"));
	assert_string_equal(json_string_value(dig(resolve("#/components/responses/Forbidden"),
						  "content", "application/json", "schema", "$ref",
						  NULL)),
			    "#/components/schemas/Error");
	walk_refs(doc, &refs);
	assert_true(refs > (int)modules_routes()->n);	/* every operation refers to errors */
}

static void
served_to_anyone_and_refuses_bad_input(void **state)
{
	struct hq_client c;
	struct hq_resp r;
	char v[200];

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_login(&srv, &c, "staff", TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/openapi.json", NULL, &r), 200);
	assert_non_null(strstr(hq_header(&r, "Content-Type", v, sizeof(v)), "application/json"));
	assert_true(json_equal(r.json, doc));	/* the same document for everyone */
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/openapi.json?format=csv", NULL, &r), 400);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/openapi.json", "{}", &r), 405);
	hq_resp_free(&r);
	hq_client_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(document_header),
		cmocka_unit_test(every_route_is_documented),
		cmocka_unit_test(login_body_schema_from_field_spec),
		cmocka_unit_test(other_field_types_map_to_json_schema),
		cmocka_unit_test(export_route_documents_format_and_columns),
		cmocka_unit_test(error_schema_and_every_ref_resolves),
		cmocka_unit_test(served_to_anyone_and_refuses_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
