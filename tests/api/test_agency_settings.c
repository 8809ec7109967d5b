/*
** tests/api/test_agency_settings.c: GET/PUT /api/v1/agency-settings (issue #13
** item 6): the public base URL is normalised or refused with a field error, only
** the system administrator saves it, each save is audited and stale saves are
** 409, agencies do not see each other's, and the QR label encodes it once set
** (falling back to the Host while unset).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/arena.h"
#include "core/err.h"
#include "modules/locations/locations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client admin;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_client_init(&admin);
	assert_int_equal(hq_login(&srv, &admin, "sysadmin", TEST_PASSWORD), 200);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&admin);
	hq_stop(&srv);
	return 0;
}

/* The current concurrency token ("" while never saved) into tok. */
static void
token(struct hq_client *c, char *tok, size_t size)
{
	struct hq_resp r;
	const char *t;

	assert_int_equal(hq_req(&srv, c, "GET", "/api/v1/agency-settings", NULL, &r), 200);
	t = json_string_value(json_object_get(r.json, "updated_at"));
	snprintf(tok, size, "%s", t ? t : "");
	hq_resp_free(&r);
}

/* PUT url (a JSON value: "\"https://…\"" or "null") with the current token; returns the status. */
static long
put_url(struct hq_client *c, const char *url, struct hq_resp *r)
{
	char tok[64], body[512];

	token(&admin, tok, sizeof(tok));
	if (tok[0])
		snprintf(body, sizeof(body), "{\"public_base_url\":%s,\"updated_at\":\"%s\"}", url,
			 tok);
	else
		snprintf(body, sizeof(body), "{\"public_base_url\":%s}", url);
	return hq_req(&srv, c, "PUT", "/api/v1/agency-settings", body, r);
}

static void
expect_saved(const char *url, const char *want)
{
	struct hq_resp r;

	assert_int_equal(put_url(&admin, url, &r), 200);
	if (want)
		assert_string_equal(json_string_value(json_object_get(r.json, "public_base_url")),
				    want);
	else
		assert_true(json_is_null(json_object_get(r.json, "public_base_url")));
	hq_resp_free(&r);
}

static void
urls_are_normalised_or_refused(void **state)
{
	static const struct { const char *in, *want; } good[] = {
		{ "\"https://houqin.example.gov.cn\"", "https://houqin.example.gov.cn" },
		{ "\"https://houqin.example.gov.cn/\"", "https://houqin.example.gov.cn" },
		{ "\"http://10.1.2.3:8080/houqin//\"", "http://10.1.2.3:8080/houqin" },
		{ "\"\"", NULL },
		{ "null", NULL },
	};
	static const char *const bad[] = {
		"\"houqin.example.gov.cn\"", "\"ftp://houqin.example.gov.cn\"",
		"\"https://houqin.example.gov.cn/?a=1\"", "\"https://houqin.example.gov.cn/#x\"",
		"\"https://user@houqin.example.gov.cn\"", "\"https://\"", "\"https:///path\"",
		"\"https://a b.cn\"", "\"https://hq.cn:80x\"", "\"https://hq.cn:\"",
		"\"javascript:alert(1)\"", "\"https://hq.cn/<script>\"", "42",
	};
	struct hq_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		expect_saved(good[i].in, good[i].want);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (put_url(&admin, bad[i], &r) != 400)
			fail_msg("%s: want 400, got %ld", bad[i], r.status);
		assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "error"),
								"fields"),
						"public_base_url"));
		hq_resp_free(&r);
	}
}

static void
only_the_sysadmin_saves(void **state)
{
	static const char *const others[] = { "office", "staff", "leader", "supervisor",
					      "secadmin", "auditor" };
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		hq_sign_in(&srv, &c, others[i]);
		assert_int_equal(put_url(&c, "\"https://evil.example.cn\"", &r), 403);
		hq_resp_free(&r);
		/* everyone reads it: the label page warns while it is unset */
		assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/agency-settings", NULL, &r), 200);
		hq_resp_free(&r);
		hq_client_free(&c);
	}
}

static void
saves_are_audited_and_stale_ones_refused(void **state)
{
	char tok[64], body[200];
	struct hq_client sup;
	struct hq_resp r;
	char *dump;

	(void)state;
	expect_saved("\"https://audit.example.gov.cn/\"", "https://audit.example.gov.cn");
	token(&admin, tok, sizeof(tok));
	expect_saved("\"https://audit2.example.gov.cn\"", "https://audit2.example.gov.cn");
	snprintf(body, sizeof(body), "{\"public_base_url\":\"https://x.cn\",\"updated_at\":\"%s\"}",
		 tok);
	assert_int_equal(hq_req(&srv, &admin, "PUT", "/api/v1/agency-settings", body, &r), 409);
	hq_resp_free(&r);
	/* once saved, a save without the token is refused too */
	assert_int_equal(hq_req(&srv, &admin, "PUT", "/api/v1/agency-settings",
				"{\"public_base_url\":\"https://x.cn\"}", &r), 400);
	hq_resp_free(&r);
	hq_sign_in(&srv, &sup, "supervisor");
	snprintf(body, sizeof(body), "/api/v1/audit?entity=agency_setting&entity_id=%lld",
		 (long long)srv.agency_id);
	assert_int_equal(hq_req(&srv, &sup, "GET", body, NULL, &r), 200);
	dump = json_dumps(json_object_get(r.json, "items"), JSON_COMPACT);
	assert_non_null(strstr(dump, "https://audit.example.gov.cn\""));
	assert_non_null(strstr(dump, "https://audit2.example.gov.cn\""));
	assert_null(strstr(dump, "https://x.cn"));
	free(dump);
	hq_resp_free(&r);
	hq_client_free(&sup);
}

/* GET the location's qr.svg as c; asserts it encodes url. */
static void
expect_qr(struct hq_client *c, int64_t id, const char *url)
{
	struct arena *a = arena_new(4096);
	struct err e = { 0 };
	struct hq_resp r;
	const char *svg;
	char path[96];
	size_t len;

	snprintf(path, sizeof(path), "/api/v1/locations/%lld/qr.svg", (long long)id);
	assert_int_equal(hq_req(&srv, c, "GET", path, NULL, &r), 200);
	assert_int_equal(loc_qr_svg(a, url, &svg, &len, &e), 0);
	if (strcmp(r.body, svg) != 0)
		fail_msg("qr.svg does not encode %s", url);
	hq_resp_free(&r);
	arena_free(a);
}

static void
qr_uses_the_setting_once_set(void **state)
{
	struct hq_client office, other;
	struct hq_agency b;
	struct hq_resp r;
	char url[160];
	int64_t loc;

	(void)state;
	hq_sign_in(&srv, &office, "office");
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/locations",
				"{\"kind\":\"building\",\"name\":\"标签楼\"}", &r), 201);
	loc = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	expect_saved("null", NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%s/m/report?location=%lld",
		 strrchr(srv.base, ':') + 1, (long long)loc);
	expect_qr(&office, loc, url);
	expect_saved("\"https://houqin.example.gov.cn/hq/\"", "https://houqin.example.gov.cn/hq");
	snprintf(url, sizeof(url), "https://houqin.example.gov.cn/hq/m/report?location=%lld",
		 (long long)loc);
	expect_qr(&office, loc, url);
	/* another agency neither sees nor uses it */
	hq_fixture_agency(&srv, "另一机关", "s_", &b);
	hq_sign_in(&srv, &other, "s_office");
	assert_int_equal(hq_req(&srv, &other, "GET", "/api/v1/agency-settings", NULL, &r), 200);
	assert_true(json_is_null(json_object_get(r.json, "public_base_url")));
	hq_resp_free(&r);
	hq_client_free(&other);
	hq_client_free(&office);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(urls_are_normalised_or_refused),
		cmocka_unit_test(only_the_sysadmin_saves),
		cmocka_unit_test(saves_are_audited_and_stale_ones_refused),
		cmocka_unit_test(qr_uses_the_setting_once_set),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
