/*
** tests/api/test_i18n.c: API messages in the caller's language (issue #10
** item 8). The same bad request answers English with Accept-Language: en and
** Chinese with zh-CN or no header, message and field messages alike; a
** notification reads English in the inbox and on the event stream of an
** English reader; the user's saved language beats the header.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hq_server srv;
static struct hq_wo fx;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_wo_fixture(&srv, &fx);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_stop(&srv);
	return 0;
}

/* A JSON request with Accept-Language: lang (NULL: no header). */
static long
req_in(struct hq_client *c, const char *lang, const char *method, const char *path,
       const char *body, struct hq_resp *r)
{
	char h[64];

	snprintf(h, sizeof(h), "Accept-Language: %s", lang ? lang : "");
	return hq_req_bin(&srv, c, method, path, "application/json", lang ? h : NULL,
			  body ? body : "", body ? strlen(body) : 0, r);
}

static int
has_cjk(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if (*p >= 0xE3 && *p <= 0xE9)
			return 1;
	return 0;
}

static const char *
err_msg(const struct hq_resp *r)
{
	const char *s = json_string_value(json_object_get(json_object_get(r->json, "error"),
							  "message"));
	return s ? s : "";
}

static const char *
field_msg(const struct hq_resp *r, const char *field)
{
	json_t *f = json_object_get(json_object_get(r->json, "error"), "fields");
	const char *s = json_string_value(json_object_get(f, field));

	return s ? s : "";
}

/* No Chinese anywhere in the error: message and every field. */
static void
assert_all_english(const struct hq_resp *r)
{
	json_t *fields = json_object_get(json_object_get(r->json, "error"), "fields");
	const char *k;
	json_t *v;

	if (has_cjk(err_msg(r)))
		fail_msg("Chinese message in English: %s", r->body);
	json_object_foreach(fields, k, v)
		if (has_cjk(json_string_value(v)))
			fail_msg("Chinese field %s in English: %s", k, r->body);
}

static void
the_same_bad_request_answers_in_the_callers_language(void **state)
{
	static const char bad[] =
		"{\"category_id\":0,\"location_id\":0,\"title\":\"\",\"priority\":\"urgent\"}";
	struct hq_client staff;
	struct hq_resp r;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");

	assert_int_equal(req_in(&staff, "en-US,en;q=0.9", "POST", "/api/v1/workorders", bad, &r),
			 400);
	assert_non_null(json_object_get(json_object_get(r.json, "error"), "fields"));
	assert_all_english(&r);
	assert_string_equal(field_msg(&r, "category_id"), "must be a valid id");
	assert_string_equal(field_msg(&r, "title"), "must not be empty");
	assert_string_equal(err_msg(&r), "category_id: must be a valid id");
	hq_resp_free(&r);

	assert_int_equal(req_in(&staff, "zh-CN,zh;q=0.9,en;q=0.8", "POST", "/api/v1/workorders",
				bad, &r), 400);
	assert_string_equal(field_msg(&r, "category_id"), "应为有效编号");
	assert_string_equal(err_msg(&r), "category_id：应为有效编号");
	hq_resp_free(&r);

	assert_int_equal(req_in(&staff, NULL, "POST", "/api/v1/workorders", bad, &r), 400);
	assert_string_equal(field_msg(&r, "location_id"), "应为有效编号");
	hq_resp_free(&r);

	/* formatted with arguments: malformed JSON */
	assert_int_equal(req_in(&staff, "en", "POST", "/api/v1/workorders", "{\"title\":", &r),
			 400);
	assert_string_equal(hq_err_code(&r), "bad_json");
	assert_non_null(strstr(err_msg(&r), "malformed JSON (line 1, column"));
	hq_resp_free(&r);
	assert_int_equal(req_in(&staff, NULL, "POST", "/api/v1/workorders", "{\"title\":", &r),
			 400);
	assert_non_null(strstr(err_msg(&r), "JSON 格式错误（第 1 行第"));
	hq_resp_free(&r);

	/* the field-table validator (unknown field) and the router */
	assert_int_equal(req_in(&staff, "en", "POST", "/api/v1/workorders", "{\"nope\":1}", &r),
			 400);
	assert_all_english(&r);
	assert_string_equal(field_msg(&r, "nope"), "unknown field");
	hq_resp_free(&r);
	assert_int_equal(req_in(&staff, "en", "GET", "/api/v1/no-such-thing", NULL, &r), 404);
	assert_string_equal(err_msg(&r), "no such API endpoint");
	hq_resp_free(&r);
	hq_client_free(&staff);

	/* no session: the default text of the class */
	hq_client_init(&staff);
	assert_int_equal(req_in(&staff, "en", "GET", "/api/v1/me", NULL, &r), 401);
	assert_all_english(&r);
	hq_resp_free(&r);
	assert_int_equal(req_in(&staff, NULL, "GET", "/api/v1/me", NULL, &r), 401);
	assert_true(has_cjk(err_msg(&r)));
	hq_resp_free(&r);
	hq_client_free(&staff);
}

static void
a_rule_violation_with_a_label_argument_is_english(void **state)
{
	struct hq_client staff;
	struct hq_resp r;
	char body[300], path[80];
	int64_t id;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	snprintf(body, sizeof(body),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"灯不亮\","
		 "\"priority\":\"normal\",\"contact_phone\":\"13800000000\"}",
		 (long long)fx.cat, (long long)fx.room);
	assert_int_equal(req_in(&staff, NULL, "POST", "/api/v1/workorders", body, &r), 201);
	id = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	/* the requester confirms an order that is not resolved: "报修单%s，不能%s" */
	snprintf(path, sizeof(path), "/api/v1/workorders/%lld/confirm", (long long)id);
	assert_int_equal(req_in(&staff, "en", "POST", path, "{\"rating\":5}", &r), 409);
	/* the status and action labels are arguments, translated through the table */
	assert_string_equal(err_msg(&r),
			    "the work order is submitted: action \"confirm\" is not allowed");
	hq_resp_free(&r);
	assert_int_equal(req_in(&staff, NULL, "POST", path, "{\"rating\":5}", &r), 409);
	assert_string_equal(err_msg(&r), "报修单已提交，不能确认评价");
	hq_resp_free(&r);
	hq_client_free(&staff);
}

/* The first notification of the list GET path answers in lang. */
static json_t *
first_item(struct hq_client *c, const char *lang, const char *path)
{
	struct hq_resp r;
	json_t *item;

	assert_int_equal(req_in(c, lang, "GET", path, NULL, &r), 200);
	item = json_array_get(json_object_get(r.json, "items"), 0);
	assert_non_null(item);
	json_incref(item);
	hq_resp_free(&r);
	return item;
}

static size_t
collect(char *data, size_t size, size_t n, void *ud)
{
	char **buf = ud;
	size_t old = *buf ? strlen(*buf) : 0;
	char *p = realloc(*buf, old + size * n + 1);

	if (!p)
		return 0;
	memcpy(p + old, data, size * n);
	p[old + size * n] = '\0';
	*buf = p;
	return size * n;
}

/* The event stream from the start (last_event_id=0) for about a second, as bearer. */
static char *
stream_backlog(const char *token, const char *lang)
{
	struct curl_slist *h = NULL;
	char line[200], url[200];
	char *data = NULL;
	CURL *c = curl_easy_init();

	snprintf(line, sizeof(line), "Authorization: Bearer %s", token);
	h = curl_slist_append(h, line);
	if (lang) {
		snprintf(line, sizeof(line), "Accept-Language: %s", lang);
		h = curl_slist_append(h, line);
	}
	snprintf(url, sizeof(url), "%s/api/v1/events?last_event_id=0", srv.base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &data);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1200L);
	curl_easy_perform(c);	/* ends by the timeout: the stream stays open */
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	return data;
}

static char *
token_of(struct hq_client *c)
{
	struct hq_resp r;
	char *tok;

	assert_int_equal(hq_req(&srv, c, "POST", "/api/v1/tokens", "{\"name\":\"sse\"}", &r), 201);
	tok = strdup(json_string_value(json_object_get(r.json, "token")));
	hq_resp_free(&r);
	return tok;
}

static void
a_notification_reads_in_the_readers_language(void **state)
{
	struct hq_client staff, office;
	struct hq_resp r;
	char body[300];
	json_t *it;
	char *tok, *sse;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &office, "office");
	snprintf(body, sizeof(body),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"水龙头漏水\","
		 "\"priority\":\"high\",\"contact_phone\":\"13800000000\"}",
		 (long long)fx.cat, (long long)fx.room);
	assert_int_equal(req_in(&staff, NULL, "POST", "/api/v1/workorders", body, &r), 201);
	hq_resp_free(&r);

	/* the office is told: English for an English reader, with the label translated */
	it = first_item(&office, "en", "/api/v1/notifications");
	assert_string_equal(json_string_value(json_object_get(it, "title")),
			    "new repair request: 水龙头漏水");
	assert_non_null(strstr(json_string_value(json_object_get(it, "body")), " high, location: "));
	json_decref(it);
	it = first_item(&office, "en", "/api/v1/notifications?unread=true");
	assert_string_equal(json_string_value(json_object_get(it, "title")),
			    "new repair request: 水龙头漏水");
	json_decref(it);
	it = first_item(&office, "zh-CN", "/api/v1/notifications");
	assert_string_equal(json_string_value(json_object_get(it, "title")), "新报修：水龙头漏水");
	assert_non_null(strstr(json_string_value(json_object_get(it, "body")), " 高，地点："));
	json_decref(it);
	it = first_item(&office, NULL, "/api/v1/notifications");
	assert_string_equal(json_string_value(json_object_get(it, "title")), "新报修：水龙头漏水");
	json_decref(it);

	/* the event stream, in the language of the request that opened it */
	tok = token_of(&office);
	sse = stream_backlog(tok, "en");
	assert_non_null(sse);
	assert_non_null(strstr(sse, "new repair request: 水龙头漏水"));
	assert_null(strstr(sse, "新报修"));
	free(sse);
	sse = stream_backlog(tok, NULL);
	assert_non_null(sse);
	assert_non_null(strstr(sse, "新报修：水龙头漏水"));
	free(sse);
	free(tok);
	hq_client_free(&staff);
	hq_client_free(&office);
}

static void
the_saved_language_beats_accept_language(void **state)
{
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	hq_sign_in(&srv, &c, "leader");
	assert_int_equal(req_in(&c, "zh-CN", "PUT", "/api/v1/me/language", "{\"lang\":\"en\"}", &r),
			 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "lang")), "en");
	hq_resp_free(&r);
	assert_int_equal(req_in(&c, NULL, "GET", "/api/v1/me", NULL, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "lang")), "en");
	hq_resp_free(&r);
	/* a Chinese browser, an English user */
	assert_int_equal(req_in(&c, "zh-CN", "PUT", "/api/v1/me/language", "{\"lang\":\"fr\"}", &r),
			 400);
	assert_all_english(&r);
	assert_string_equal(field_msg(&r, "lang"), "invalid value");
	hq_resp_free(&r);
	/* back to the browser's choice */
	assert_int_equal(req_in(&c, "zh-CN", "PUT", "/api/v1/me/language", "{\"lang\":\"auto\"}",
				&r), 200);
	assert_true(json_is_null(json_object_get(r.json, "lang")));
	hq_resp_free(&r);
	assert_int_equal(req_in(&c, NULL, "PUT", "/api/v1/me/language", "{\"lang\":\"fr\"}", &r),
			 400);
	assert_string_equal(field_msg(&r, "lang"), "取值无效");
	hq_resp_free(&r);
	assert_int_equal(req_in(&c, "en", "PUT", "/api/v1/me/language", "{\"lang\":\"fr\"}", &r),
			 400);
	assert_string_equal(field_msg(&r, "lang"), "invalid value");
	hq_resp_free(&r);
	hq_client_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_same_bad_request_answers_in_the_callers_language),
		cmocka_unit_test(a_rule_violation_with_a_label_argument_is_english),
		cmocka_unit_test(a_notification_reads_in_the_readers_language),
		cmocka_unit_test(the_saved_language_beats_accept_language),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
