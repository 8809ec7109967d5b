/*
** tests/api/test_locations.c: /api/v1/locations end to end: the tree and its
** order, kind/parent rules, duplicates, stale updates, who may write, agency
** isolation, the QR label (content type, the URL it encodes, the Host check),
** the export and the audit rows.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/locations/locations.h"
#include "modules/org/org.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client office;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_client_init(&office);
	assert_int_equal(hq_login(&srv, &office, "office", TEST_PASSWORD), 200);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&office);
	hq_stop(&srv);
	return 0;
}

/* POST as c; the status must be want; returns the new id (0 when not 201). */
static int64_t
post(struct hq_client *c, long want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int64_t
post(struct hq_client *c, long want, const char *fmt, ...)
{
	struct hq_resp r;
	char body[512];
	va_list ap;
	int64_t id;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	assert_int_equal(hq_req(&srv, c, "POST", "/api/v1/locations", body, &r), want);
	id = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	return want == 201 ? id : 0;
}

static int64_t
building(const char *name, int sort)
{
	return post(&office, 201, "{\"kind\":\"building\",\"name\":\"%s\",\"sort_order\":%d}",
		    name, sort);
}

static int64_t
child(const char *kind, int64_t parent, const char *name, int sort)
{
	return post(&office, 201,
		    "{\"kind\":\"%s\",\"parent_id\":%lld,\"name\":\"%s\",\"sort_order\":%d}", kind,
		    (long long)parent, name, sort);
}

/* GET /locations/:id as office into r (status returned). */
static long
get_loc(int64_t id, struct hq_resp *r)
{
	char path[96];

	snprintf(path, sizeof(path), "/api/v1/locations/%lld", (long long)id);
	return hq_req(&srv, &office, "GET", path, NULL, r);
}

/* The updated_at token of a node, for a PUT body. */
static void
token_of(int64_t id, char *out, size_t size)
{
	struct hq_resp r;

	assert_int_equal(get_loc(id, &r), 200);
	snprintf(out, size, "%s", json_string_value(json_object_get(r.json, "updated_at")));
	hq_resp_free(&r);
}

static long
put(struct hq_client *c, int64_t id, const char *body, struct hq_resp *r)
{
	char path[96];

	snprintf(path, sizeof(path), "/api/v1/locations/%lld", (long long)id);
	return hq_req(&srv, c, "PUT", path, body, r);
}

/* Flatten the tree depth-first into "path|path|..." for comparison. */
static void
flatten(const json_t *nodes, char *out, size_t size)
{
	size_t i;
	const json_t *n;

	json_array_foreach(nodes, i, n) {
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s|", json_string_value(json_object_get(n, "path")));
		flatten(json_object_get(n, "children"), out, size);
	}
}

static void
tree_lists_parents_first_by_sort_order(void **state)
{
	struct hq_client staff;
	struct hq_resp r;
	char flat[1024] = "", tok[64], body[160];
	int64_t b2 = building("乙楼", 2), b1 = building("甲楼", 1);
	int64_t f2 = child("floor", b1, "2层", 2), f1 = child("floor", b1, "1层", 1);

	(void)state;
	child("room", f1, "102", 2);
	child("room", f1, "101", 1);
	child("room", f2, "201", 0);
	child("floor", b2, "1层", 0);
	hq_sign_in(&srv, &staff, "staff");	/* everybody in the agency reads */
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/locations", NULL, &r), 200);
	flatten(json_object_get(r.json, "items"), flat, sizeof(flat));
	assert_string_equal(flat, "甲楼|甲楼 / 1层|甲楼 / 1层 / 101|甲楼 / 1层 / 102|甲楼 / 2层|"
				  "甲楼 / 2层 / 201|乙楼|乙楼 / 1层|");
	json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "kind")), "building");
	assert_true(json_is_true(json_object_get(first, "active")));
	assert_true(json_is_null(json_object_get(first, "parent_id")));
	hq_resp_free(&r);

	/* a deactivated floor hides with its rooms under ?active=1, not without it */
	token_of(f2, tok, sizeof(tok));
	snprintf(body, sizeof(body), "{\"active\":false,\"updated_at\":\"%s\"}", tok);
	assert_int_equal(put(&office, f2, body, &r), 200);
	assert_true(json_is_false(json_object_get(r.json, "active")));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/locations?active=1", NULL, &r), 200);
	flat[0] = '\0';
	flatten(json_object_get(r.json, "items"), flat, sizeof(flat));
	assert_string_equal(flat, "甲楼|甲楼 / 1层|甲楼 / 1层 / 101|甲楼 / 1层 / 102|乙楼|乙楼 / 1层|");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/locations?active=2", NULL, &r), 400);
	hq_resp_free(&r);
	hq_client_free(&staff);
}

static void
expect_bad(long status, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* POST body (printf) is refused with status naming field. */
static void
expect_bad(long status, const char *field, const char *fmt, ...)
{
	struct hq_resp r;
	char body[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/locations", body, &r), status);
	json_t *fields = json_object_get(json_object_get(r.json, "error"), "fields");
	if (!json_object_get(fields, field))
		fail_msg("%s: no error on %s in %s", body, field, r.body);
	hq_resp_free(&r);
}

static void
kind_and_parent_rules(void **state)
{
	int64_t b = building("规则楼", 0), f = child("floor", b, "1层", 0);
	int64_t r = child("room", f, "101", 0);
	char name[80], tok[64], body[200];
	struct hq_resp resp;

	(void)state;
	expect_bad(400, "parent_id", "{\"kind\":\"building\",\"name\":\"x\",\"parent_id\":%lld}",
		   (long long)b);
	expect_bad(400, "parent_id", "{\"kind\":\"floor\",\"name\":\"x\"}%s", "");
	expect_bad(400, "parent_id", "{\"kind\":\"floor\",\"name\":\"x\",\"parent_id\":%lld}",
		   (long long)f);	/* a floor under a floor */
	expect_bad(400, "parent_id", "{\"kind\":\"room\",\"name\":\"x\",\"parent_id\":%lld}",
		   (long long)b);	/* a room under a building */
	expect_bad(400, "parent_id", "{\"kind\":\"room\",\"name\":\"x\",\"parent_id\":%lld}",
		   (long long)r);	/* a room under a room */
	expect_bad(400, "parent_id", "{\"kind\":\"room\",\"name\":\"x\",\"parent_id\":999999}%s", "");
	expect_bad(400, "kind", "{\"kind\":\"wing\",\"name\":\"x\"}%s", "");
	expect_bad(400, "kind", "{\"name\":\"x\"}%s", "");
	expect_bad(400, "name", "{\"kind\":\"building\",\"name\":\"   \"}%s", "");
	expect_bad(400, "name", "{\"kind\":\"building\"}%s", "");
	memset(name, 'n', 65);
	name[65] = '\0';
	expect_bad(400, "name", "{\"kind\":\"building\",\"name\":\"%s\"}", name);
	expect_bad(400, "name", "{\"kind\":\"building\",\"name\":\"a\\u0001b\"}%s", "");
	expect_bad(400, "code", "{\"kind\":\"building\",\"name\":\"c\",\"code\":\"%s\"}", name);
	expect_bad(400, "sort_order", "{\"kind\":\"building\",\"name\":\"s\",\"sort_order\":-1}%s",
		   "");
	expect_bad(400, "color", "{\"kind\":\"building\",\"name\":\"u\",\"color\":1}%s", "");

	/* the kind never changes; a room may move to another floor, not to a building */
	token_of(r, tok, sizeof(tok));
	snprintf(body, sizeof(body), "{\"kind\":\"floor\",\"updated_at\":\"%s\"}", tok);
	assert_int_equal(put(&office, r, body, &resp), 400);
	assert_non_null(json_object_get(json_object_get(json_object_get(resp.json, "error"),
							"fields"), "kind"));
	hq_resp_free(&resp);
	snprintf(body, sizeof(body), "{\"parent_id\":%lld,\"updated_at\":\"%s\"}", (long long)b,
		 tok);
	assert_int_equal(put(&office, r, body, &resp), 400);
	hq_resp_free(&resp);
	int64_t f2 = child("floor", b, "2层", 1);
	snprintf(body, sizeof(body), "{\"parent_id\":%lld,\"updated_at\":\"%s\"}", (long long)f2,
		 tok);
	assert_int_equal(put(&office, r, body, &resp), 200);
	assert_string_equal(json_string_value(json_object_get(resp.json, "path")),
			    "规则楼 / 2层 / 101");
	assert_string_equal(json_string_value(json_object_get(resp.json, "kind")), "room");
	hq_resp_free(&resp);
}

static void
expect_conflict(const char *field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
expect_conflict(const char *field, const char *fmt, ...)
{
	struct hq_resp r;
	char body[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/locations", body, &r), 409);
	assert_string_equal(hq_err_code(&r), "duplicate");
	assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "error"),
							"fields"), field));
	hq_resp_free(&r);
}

static void
duplicates_are_409(void **state)
{
	int64_t b = post(&office, 201, "{\"kind\":\"building\",\"name\":\"重名楼\",\"code\":\"DUP\"}");
	int64_t f1 = child("floor", b, "1层", 0), f2 = child("floor", b, "2层", 0);
	char tok[64], body[200];
	struct hq_resp r;

	(void)state;
	expect_conflict("name", "{\"kind\":\"building\",\"name\":\"重名楼\"}%s", "");
	expect_conflict("name", "{\"kind\":\"building\",\"name\":\"  重名楼 \"}%s", "");
	expect_conflict("name", "{\"kind\":\"floor\",\"name\":\"1层\",\"parent_id\":%lld}",
			(long long)b);
	expect_conflict("code", "{\"kind\":\"building\",\"name\":\"别的楼\",\"code\":\"DUP\"}%s",
			"");
	/* the same name under another parent is fine; so are many nodes without a code */
	child("room", f1, "101", 0);
	child("room", f2, "101", 0);
	post(&office, 201, "{\"kind\":\"building\",\"name\":\"无编码楼\",\"code\":\"\"}");
	/* renaming onto a sibling's name */
	token_of(f2, tok, sizeof(tok));
	snprintf(body, sizeof(body), "{\"name\":\"1层\",\"updated_at\":\"%s\"}", tok);
	assert_int_equal(put(&office, f2, body, &r), 409);
	assert_string_equal(hq_err_code(&r), "duplicate");
	hq_resp_free(&r);
	/* keeping one's own name and code is no conflict */
	token_of(b, tok, sizeof(tok));
	snprintf(body, sizeof(body), "{\"name\":\"重名楼\",\"code\":\"DUP\",\"updated_at\":\"%s\"}",
		 tok);
	assert_int_equal(put(&office, b, body, &r), 200);
	hq_resp_free(&r);
}

static void
stale_update_is_409(void **state)
{
	int64_t b = building("并发楼", 0);
	char tok[64], body[200];
	struct hq_resp r;

	(void)state;
	token_of(b, tok, sizeof(tok));
	snprintf(body, sizeof(body), "{\"name\":\"并发楼A\",\"code\":\"CC\",\"updated_at\":\"%s\"}",
		 tok);
	assert_int_equal(put(&office, b, body, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "code")), "CC");
	assert_string_not_equal(json_string_value(json_object_get(r.json, "updated_at")), tok);
	hq_resp_free(&r);
	snprintf(body, sizeof(body), "{\"name\":\"并发楼B\",\"updated_at\":\"%s\"}", tok);
	assert_int_equal(put(&office, b, body, &r), 409);
	assert_string_equal(hq_err_code(&r), "stale");
	hq_resp_free(&r);
	assert_int_equal(put(&office, b, "{\"name\":\"并发楼C\"}", &r), 400);
	assert_non_null(json_object_get(json_object_get(json_object_get(r.json, "error"),
							"fields"), "updated_at"));
	hq_resp_free(&r);
	/* "code": "" clears the code */
	token_of(b, tok, sizeof(tok));
	snprintf(body, sizeof(body), "{\"code\":\"\",\"updated_at\":\"%s\"}", tok);
	assert_int_equal(put(&office, b, body, &r), 200);
	assert_true(json_is_null(json_object_get(r.json, "code")));
	assert_string_equal(json_string_value(json_object_get(r.json, "name")), "并发楼A");
	hq_resp_free(&r);
}

static void
only_office_and_sysadmin_write(void **state)
{
	static const char *const refused[] = { "staff", "dept_head", "worker", "leader",
					       "supervisor", "secadmin", "auditor" };
	int64_t b = building("权限楼", 0);
	char tok[64], body[200];
	struct hq_client c;
	struct hq_resp r;

	(void)state;
	token_of(b, tok, sizeof(tok));
	snprintf(body, sizeof(body), "{\"name\":\"改名\",\"updated_at\":\"%s\"}", tok);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		hq_sign_in(&srv, &c, refused[i]);
		post(&c, 403, "{\"kind\":\"building\",\"name\":\"%s楼\"}", refused[i]);
		assert_int_equal(put(&c, b, body, &r), 403);
		hq_resp_free(&r);
		assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/locations", NULL, &r), 200);
		hq_resp_free(&r);
		hq_client_free(&c);
	}
	hq_sign_in(&srv, &c, "sysadmin");
	post(&c, 201, "{\"kind\":\"building\",\"name\":\"系统管理员楼\"}");
	assert_int_equal(put(&c, b, body, &r), 200);
	hq_resp_free(&r);
	hq_client_free(&c);
}

/* A second agency with one office user, x_office. */
static void
make_other_agency(void)
{
	struct arena *a = arena_new(8192);
	struct actor sys = { .ip = "test", .username = "test" };
	struct db *db = db_pool_writer(srv.pool);
	struct dept root, d;
	struct user u;
	struct err e = { 0 };
	struct user_in in = { .display_name = "外单位", .password = TEST_PASSWORD,
			      .username = "x_office" };
	struct dept_in din = { .name = "综合处" };

	assert_int_equal(db_begin_write(db, &e), 0);
	assert_int_equal(org_agency_create(db, a, &sys, "另一机关", &root, &e), 0);
	sys.agency_id = root.id;
	din.parent_id = root.id;
	assert_int_equal(org_dept_create(db, a, &sys, &din, &d, &e), 0);
	in.department_id = d.id;
	assert_int_equal(org_user_create(db, a, &sys, &in, ROLE_OFFICE, &u, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	db_pool_writer_unlock(srv.pool);
	arena_free(a);
}

static void
other_agencies_and_unknown_ids_are_404(void **state)
{
	int64_t b = building("本机关楼", 0);
	char path[96], tok[64], body[200];
	struct hq_client x;
	struct hq_resp r;

	(void)state;
	make_other_agency();
	hq_sign_in(&srv, &x, "x_office");
	assert_int_equal(hq_req(&srv, &x, "GET", "/api/v1/locations", NULL, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/locations/%lld", (long long)b);
	assert_int_equal(hq_req(&srv, &x, "GET", path, NULL, &r), 404);
	assert_string_equal(hq_err_code(&r), "location_not_found");
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/locations/%lld/qr.svg", (long long)b);
	assert_int_equal(hq_req(&srv, &x, "GET", path, NULL, &r), 404);
	hq_resp_free(&r);
	token_of(b, tok, sizeof(tok));
	snprintf(body, sizeof(body), "{\"name\":\"抢占\",\"updated_at\":\"%s\"}", tok);
	assert_int_equal(put(&x, b, body, &r), 404);
	hq_resp_free(&r);
	/* nor can they hang their floors under our building */
	post(&x, 400, "{\"kind\":\"floor\",\"name\":\"1层\",\"parent_id\":%lld}", (long long)b);
	/* their own tree is theirs: the same name is no duplicate there */
	post(&x, 201, "{\"kind\":\"building\",\"name\":\"本机关楼\"}");
	hq_client_free(&x);

	assert_int_equal(get_loc(999999, &r), 404);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/locations/999999/qr.svg", NULL, &r),
			 404);
	hq_resp_free(&r);
	assert_int_equal(put(&office, 999999, body, &r), 404);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/locations/abc", NULL, &r), 404);
	hq_resp_free(&r);
}

/* The SVG loc_qr_svg makes for url, to compare a response with. */
static char *
expected_svg(struct arena *a, const char *url)
{
	const char *svg;
	size_t len;
	struct err e = { 0 };

	assert_int_equal(loc_qr_svg(a, url, &svg, &len, &e), 0);
	return (char *)svg;
}

/*
** staff with a bearer token only: curl matches cookies against a custom Host
** header, so a session cookie would not be sent with one.
*/
static void
bearer_staff(struct hq_client *c)
{
	struct hq_client s;
	struct hq_resp r;

	hq_sign_in(&srv, &s, "staff");
	assert_int_equal(hq_req(&srv, &s, "POST", "/api/v1/tokens", "{\"name\":\"qr\"}", &r), 201);
	hq_client_init(c);
	snprintf(c->bearer, sizeof(c->bearer), "%s",
		 json_string_value(json_object_get(r.json, "token")));
	hq_resp_free(&r);
	hq_client_free(&s);
}

/* GET qr.svg as staff with an optional Host line; asserts the SVG encodes url. */
static void
expect_qr(int64_t id, const char *host_line, const char *url)
{
	struct arena *a = arena_new(4096);
	struct hq_client staff;
	struct hq_resp r;
	char path[96], ct[80];

	bearer_staff(&staff);
	snprintf(path, sizeof(path), "/api/v1/locations/%lld/qr.svg", (long long)id);
	assert_int_equal(hq_req_bin(&srv, &staff, "GET", path, NULL, host_line, NULL, 0, &r),
			 200);
	assert_non_null(hq_header(&r, "Content-Type", ct, sizeof(ct)));
	assert_string_equal(ct, "image/svg+xml");
	assert_memory_equal(r.body, "<?xml", 5);
	assert_non_null(strstr(r.body, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	if (strcmp(r.body, expected_svg(a, url)) != 0)
		fail_msg("qr.svg with %s does not encode %s", host_line ? host_line : "(no host)",
			 url);
	hq_resp_free(&r);
	hq_client_free(&staff);
	arena_free(a);
}

static void
qr_label_encodes_the_report_url(void **state)
{
	int64_t b = building("二维码楼", 0);
	int64_t f = child("floor", b, "1层", 0), r = child("room", f, "101", 0);
	char url[160], port[16];

	(void)state;
	snprintf(url, sizeof(url), "http://hq.example.cn:8443/m/report?location=%lld", (long long)r);
	expect_qr(r, "Host: hq.example.cn:8443", url);
	snprintf(url, sizeof(url), "http://[::1]:8080/m/report?location=%lld", (long long)f);
	expect_qr(f, "Host: [::1]:8080", url);
	/* curl's own Host is the test server's address */
	snprintf(port, sizeof(port), "%s", strrchr(srv.base, ':') + 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%s/m/report?location=%lld", port, (long long)b);
	expect_qr(b, NULL, url);
	/* anything odd in Host falls back to the default origin */
	snprintf(url, sizeof(url), "http://127.0.0.1:8080/m/report?location=%lld", (long long)r);
	expect_qr(r, "Host: evil.example/phish?x=", url);
	expect_qr(r, "Host: a@b.cn", url);
	expect_qr(r, "Host: a\"><script>", url);
}

static void
writes_are_audited(void **state)
{
	int64_t b = building("审计楼", 0);
	char path[128], tok[64], body[200];
	struct hq_client sup;
	struct hq_resp r;
	json_t *items;

	(void)state;
	token_of(b, tok, sizeof(tok));
	snprintf(body, sizeof(body), "{\"name\":\"审计楼2\",\"updated_at\":\"%s\"}", tok);
	assert_int_equal(put(&office, b, body, &r), 200);
	hq_resp_free(&r);
	/* a refused write leaves no row */
	assert_int_equal(put(&office, b, body, &r), 409);
	hq_resp_free(&r);
	hq_sign_in(&srv, &sup, "supervisor");
	snprintf(path, sizeof(path), "/api/v1/audit?entity=location&entity_id=%lld", (long long)b);
	assert_int_equal(hq_req(&srv, &sup, "GET", path, NULL, &r), 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 2);
	char *dump = json_dumps(items, JSON_COMPACT);
	assert_non_null(strstr(dump, "\"create\""));
	assert_non_null(strstr(dump, "\"update\""));
	assert_non_null(strstr(dump, "审计楼2"));
	free(dump);
	hq_resp_free(&r);
	hq_client_free(&sup);
}

static void
export_is_the_flat_list_with_paths(void **state)
{
	int64_t b = building("导出楼", 0), f = child("floor", b, "3层", 0);
	struct hq_client staff;
	struct hq_resp r;
	char ct[80];

	(void)state;
	child("room", f, "301", 0);
	hq_sign_in(&srv, &staff, "staff");
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/locations?format=csv", NULL, &r),
			 200);
	assert_non_null(hq_header(&r, "Content-Type", ct, sizeof(ct)));
	assert_non_null(strstr(ct, "text/csv"));
	assert_non_null(strstr(r.body, "位置,类型"));
	assert_non_null(strstr(r.body, "导出楼 / 3层 / 301,房间"));
	assert_non_null(strstr(r.body, "导出楼 / 3层,楼层"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/locations?format=xlsx", NULL, &r),
			 200);
	assert_memory_equal(r.body, "PK", 2);
	hq_resp_free(&r);
	hq_client_free(&staff);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tree_lists_parents_first_by_sort_order),
		cmocka_unit_test(kind_and_parent_rules),
		cmocka_unit_test(duplicates_are_409),
		cmocka_unit_test(stale_update_is_409),
		cmocka_unit_test(only_office_and_sysadmin_write),
		cmocka_unit_test(other_agencies_and_unknown_ids_are_404),
		cmocka_unit_test(qr_label_encodes_the_report_url),
		cmocka_unit_test(writes_are_audited),
		cmocka_unit_test(export_is_the_flat_list_with_paths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
