/*
** tests/api/test_http.c: the HTTP layer through a real server: JSON errors,
** 404/405/413/400, security headers, static files (MIME, ETag/304, gzip,
** SPA fallback) and traversal attempts that must never leave web/dist.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"

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
me_without_session_is_401_json(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/me", NULL, &r), 401);
	assert_string_equal(hq_err_code(&r), "unauthorized");
	assert_non_null(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")));
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
unknown_route_404_and_wrong_method_405(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/nothing-here", NULL, &r), 404);
	assert_string_equal(hq_err_code(&r), "not_found");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "PATCH", "/api/v1/session", "{}", &r), 405);
	assert_string_equal(hq_err_code(&r), "method_not_allowed");
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
bad_json_is_400(void **state)
{
	static const char *bodies[] = { "{", "not json", "{\"username\":}", "", "[1,2" };
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_client_init(&c);
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/session", bodies[i], &r), 400);
		assert_string_equal(hq_err_code(&r), "bad_json");
		hq_resp_free(&r);
	}
	/* valid JSON of the wrong shape is 400 invalid with the field named */
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/session", "{\"username\":\"x\"}", &r), 400);
	assert_string_equal(hq_err_code(&r), "invalid");
	assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "error"), "fields"),
					"password"));
	hq_resp_free(&r);
	hq_client_free(&c);
}

static void
body_over_1mib_is_413(void **state)
{
	size_t n = 1024 * 1024 + 10;
	char *big = malloc(n + 1);
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	memset(big, 'a', n);
	big[0] = '"';
	big[n - 1] = '"';
	big[n] = '\0';
	hq_client_init(&c);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/session", big, &r), 413);
	assert_string_equal(hq_err_code(&r), "too_large");
	hq_resp_free(&r);
	hq_client_free(&c);
	free(big);
}

static void
security_headers_on_every_response(void **state)
{
	static const char *paths[] = { "/api/v1/me", "/", "/assets/app-1234.js" };
	struct hq_resp r;
	char v[512];

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		hq_raw(&srv, "GET", paths[i], NULL, &r);
		assert_non_null(hq_header(&r, "Content-Security-Policy", v, sizeof(v)));
		assert_non_null(strstr(v, "script-src 'self'"));
		assert_null(strstr(v, "unsafe-eval"));
		assert_non_null(strstr(v, "frame-ancestors 'none'"));
		assert_non_null(hq_header(&r, "X-Content-Type-Options", v, sizeof(v)));
		assert_string_equal(v, "nosniff");
		assert_non_null(hq_header(&r, "Referrer-Policy", v, sizeof(v)));
		hq_resp_free(&r);
	}
}

static void
static_files_mime_etag_gzip(void **state)
{
	struct hq_resp r;
	char v[256], etag[128], hdr[200];

	(void)state;
	assert_int_equal(hq_raw(&srv, "GET", "/", NULL, &r), 200);
	assert_non_null(hq_header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "text/html; charset=utf-8");
	assert_non_null(strstr(r.body, "<div id=app>"));
	hq_resp_free(&r);

	assert_int_equal(hq_raw(&srv, "GET", "/assets/app-1234.js", NULL, &r), 200);
	assert_non_null(hq_header(&r, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "text/javascript; charset=utf-8");
	assert_non_null(hq_header(&r, "Cache-Control", v, sizeof(v)));
	assert_non_null(strstr(v, "immutable"));
	assert_non_null(hq_header(&r, "ETag", etag, sizeof(etag)));
	size_t plain = r.len;
	hq_resp_free(&r);

	snprintf(hdr, sizeof(hdr), "If-None-Match: %s", etag);
	assert_int_equal(hq_raw(&srv, "GET", "/assets/app-1234.js", hdr, &r), 304);
	assert_int_equal(r.len, 0);
	hq_resp_free(&r);

	assert_int_equal(hq_raw(&srv, "GET", "/assets/app-1234.js", "Accept-Encoding: gzip", &r), 200);
	assert_non_null(hq_header(&r, "Content-Encoding", v, sizeof(v)));
	assert_string_equal(v, "gzip");
	assert_true(r.len < plain);
	assert_int_equal((unsigned char)r.body[0], 0x1f);	/* gzip magic */
	assert_int_equal((unsigned char)r.body[1], 0x8b);
	hq_resp_free(&r);
}

static void
spa_routes_fall_back_to_index(void **state)
{
	struct hq_resp r;

	(void)state;
	assert_int_equal(hq_raw(&srv, "GET", "/admin/users", NULL, &r), 200);
	assert_non_null(strstr(r.body, "<div id=app>"));
	hq_resp_free(&r);
	assert_int_equal(hq_raw(&srv, "GET", "/assets/missing.js", NULL, &r), 404);
	hq_resp_free(&r);
}

static void
traversal_never_leaves_web_root(void **state)
{
	static const char *attacks[] = {
		"/../secret.txt",		"/assets/../../secret.txt",
		"/%2e%2e/secret.txt",		"/%2E%2E/secret.txt",
		"/assets/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt",
		"/%2e%2e%2fsecret.txt",		"/secret.txt%00.js",
		"/index.html%00",		"//secret.txt",
		"/assets/..%5c..%5csecret.txt",	"/./../secret.txt",
		"/..",				"/%00",
	};
	struct hq_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
		long st = hq_raw(&srv, "GET", attacks[i], NULL, &r);
		if (r.body && strstr(r.body, "TOP-SECRET"))
			fail_msg("%s served a file outside web/dist", attacks[i]);
		assert_true(st == 404 || st == 400 || st == 200);
		hq_resp_free(&r);
	}
}

static void
health_is_public(void **state)
{
	struct hq_resp r;

	(void)state;
	assert_int_equal(hq_raw(&srv, "GET", "/api/v1/health", NULL, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	hq_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(me_without_session_is_401_json),
		cmocka_unit_test(unknown_route_404_and_wrong_method_405),
		cmocka_unit_test(bad_json_is_400),
		cmocka_unit_test(body_over_1mib_is_413),
		cmocka_unit_test(security_headers_on_every_response),
		cmocka_unit_test(static_files_mime_etag_gzip),
		cmocka_unit_test(spa_routes_fall_back_to_index),
		cmocka_unit_test(traversal_never_leaves_web_root),
		cmocka_unit_test(health_is_public),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
