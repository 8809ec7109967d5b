/*
** tests/api/test_agencies.c: two agencies on one database (DESIGN §4: isolation
** is a plain WHERE on agency_id). Agency A is the harness's 测试机关 (users
** staff, office, ...), agency B is 乙机关 (users b_staff, b_office, ...), both
** made through org_agency_create like `houqin init`. Nothing of A crosses to B:
** no list, CSV export, stats figure, notification, live event, audit row,
** history, approval, location or work order, and a direct read or write of
** one of A's ids from B is 404. B's office editing its business calendar
** moves neither A's calendar nor A's SLA clocks, and B's orders run on B's.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_MS 5000

static struct hq_server srv;
static struct hq_wo fa, fb;		/* work-order fixtures of A and B */
static struct hq_agency agb;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_wo_fixture(&srv, &fa);
	hq_fixture_agency(&srv, "乙机关", "b_", &agb);
	hq_wo_fixture_agency(&srv, agb.agency_id, "b_worker", &fb);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_stop(&srv);
	return 0;
}

/* ---------- helpers ---------- */

static int64_t
iget(const json_t *j, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(j, key));
}

/* Send and assert the status; the body stays in *r (free it). */
static void
expect(struct hq_client *c, const char *method, const char *path, const char *body, long want,
       struct hq_resp *r)
{
	if (hq_req(&srv, c, method, path, body, r) != want)
		fail_msg("%s %s: %ld, want %ld: %s", method, path, r->status, want,
			 r->body ? r->body : "");
}

static void
expect_status(struct hq_client *c, const char *method, const char *path, const char *body,
	      long want)
{
	struct hq_resp r;

	expect(c, method, path, body, want, &r);
	hq_resp_free(&r);
}

/* A 400 whose error names field (so it is refused for the foreign id, not the shape). */
static void
expect_bad_field(struct hq_client *c, const char *method, const char *path, const char *body,
		 const char *field)
{
	struct hq_resp r;
	json_t *fields;

	expect(c, method, path, body, 400, &r);
	fields = json_object_get(json_object_get(r.json, "error"), "fields");
	if (!json_object_get(fields, field))
		fail_msg("%s %s %s: want an error on %s: %s", method, path, body, field, r.body);
	hq_resp_free(&r);
}

/* GET path as c (200 asserted) and check that its body does not contain needle. */
static void
body_lacks(struct hq_client *c, const char *path, const char *needle)
{
	struct hq_resp r;

	expect(c, "GET", path, NULL, 200, &r);
	if (r.body && strstr(r.body, needle))
		fail_msg("GET %s shows %s: %s", path, needle, r.body);
	hq_resp_free(&r);
}

static void
body_has(struct hq_client *c, const char *path, const char *needle)
{
	struct hq_resp r;

	expect(c, "GET", path, NULL, 200, &r);
	if (!r.body || !strstr(r.body, needle))
		fail_msg("GET %s lacks %s: %s", path, needle, r.body ? r.body : "");
	hq_resp_free(&r);
}

/* No item of list path (as c) has member key equal to id. */
static void
list_lacks_id(struct hq_client *c, const char *path, const char *key, int64_t id)
{
	struct hq_resp r;
	size_t i;
	json_t *it;

	expect(c, "GET", path, NULL, 200, &r);
	json_array_foreach(json_object_get(r.json, "items"), i, it)
		if (iget(it, key) == id)
			fail_msg("GET %s lists %s %lld", path, key, (long long)id);
	hq_resp_free(&r);
}

static int64_t
create_order(struct hq_client *c, const char *title, int64_t cat, int64_t loc)
{
	struct hq_resp r;
	char body[512];
	int64_t id;

	snprintf(body, sizeof(body),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"%s\",\"priority\":"
		 "\"normal\",\"contact_phone\":\"13800000000\"}",
		 (long long)cat, (long long)loc, title);
	expect(c, "POST", "/api/v1/workorders", body, 201, &r);
	id = iget(r.json, "id");
	hq_resp_free(&r);
	return id;
}

/* GET one order as c; its string member key copied into out. */
static void
order_str(struct hq_client *c, int64_t id, const char *key, char *out, size_t size)
{
	struct hq_resp r;
	char path[80];

	snprintf(path, sizeof(path), "/api/v1/workorders/%lld", (long long)id);
	expect(c, "GET", path, NULL, 200, &r);
	snprintf(out, size, "%s", json_string_value(json_object_get(r.json, key)) ?
				  json_string_value(json_object_get(r.json, key)) : "");
	hq_resp_free(&r);
}

static int64_t
stats_total(struct hq_client *c)
{
	struct hq_resp r;
	int64_t n;

	expect(c, "GET", "/api/v1/workorders/stats", NULL, 200, &r);
	n = iget(r.json, "total");
	hq_resp_free(&r);
	return n;
}

/* ---------- a live event stream (GET /api/v1/events) on its own thread ---------- */

struct stream {
	pthread_t th;
	pthread_mutex_t mu;
	char *data;
	size_t len;
	atomic_int stop;
	char url[300], cookie[200];
};

static size_t
on_data(char *data, size_t size, size_t n, void *ud)
{
	struct stream *s = ud;

	pthread_mutex_lock(&s->mu);
	char *q = realloc(s->data, s->len + size * n + 1);
	if (q) {
		memcpy(q + s->len, data, size * n);
		s->len += size * n;
		q[s->len] = '\0';
		s->data = q;
	}
	pthread_mutex_unlock(&s->mu);
	return size * n;
}

static int
on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	struct stream *s = ud;

	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return atomic_load(&s->stop) ? 1 : 0;
}

static void *
stream_main(void *arg)
{
	struct stream *s = arg;
	struct curl_slist *h = NULL;
	char line[300];
	CURL *c = curl_easy_init();

	snprintf(line, sizeof(line), "Cookie: houqin_session=%s", s->cookie);
	h = curl_slist_append(h, line);
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_perform(c);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	return NULL;
}

static void
stream_open(struct stream *s, struct hq_client *c)
{
	struct curl_slist *list = NULL;

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	snprintf(s->url, sizeof(s->url), "%s/api/v1/events", srv.base);
	curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &list);
	for (struct curl_slist *l = list; l; l = l->next) {
		const char *p = strstr(l->data, "\thouqin_session\t");
		if (p)
			snprintf(s->cookie, sizeof(s->cookie), "%s", p + strlen("\thouqin_session\t"));
	}
	curl_slist_free_all(list);
	if (!s->cookie[0])
		fail_msg("no session cookie");
	if (pthread_create(&s->th, NULL, stream_main, s))
		fail_msg("pthread_create");
}

static void
stream_close(struct stream *s)
{
	atomic_store(&s->stop, 1);
	pthread_join(s->th, NULL);
	free(s->data);
	pthread_mutex_destroy(&s->mu);
}

static int
stream_has(struct stream *s, const char *needle)
{
	int found;

	pthread_mutex_lock(&s->mu);
	found = s->data && strstr(s->data, needle);
	pthread_mutex_unlock(&s->mu);
	return found;
}

static int
stream_wait(struct stream *s, const char *needle)
{
	for (int i = 0; i < WAIT_MS / 10; i++) {
		struct timespec ts = { 0, 10 * 1000000L };
		if (stream_has(s, needle))
			return 1;
		nanosleep(&ts, NULL);
	}
	return stream_has(s, needle);
}

/* The stream carries no event about entity id (as the compact payload writes it). */
static void
stream_lacks_entity(struct stream *s, const char *entity, int64_t id)
{
	char a[120], b[120];

	snprintf(a, sizeof(a), "\"entity\":\"%s\",\"entity_id\":%lld,", entity, (long long)id);
	snprintf(b, sizeof(b), "\"entity\":\"%s\",\"entity_id\":%lld}", entity, (long long)id);
	if (stream_has(s, a) || stream_has(s, b))
		fail_msg("B's event stream carries A's %s %lld: %s", entity, (long long)id, s->data);
}

/* ---------- the tests ---------- */

static void
b_sees_nothing_of_a(void **state)
{
	struct hq_client a_staff, a_office, a_leader, b_staff, b_office, b_leader, b_sup, b_admin,
		b_auditor;
	struct hq_resp r;
	struct stream live;
	char path[200], a_code[40], a_code2[40], b_code[40], needle[120];
	int64_t a_rule, a_appr, a_loc, a_wo, a_wo2, b_wo, a_office_id;

	(void)state;
	hq_sign_in(&srv, &a_staff, "staff");
	hq_sign_in(&srv, &a_office, "office");
	hq_sign_in(&srv, &a_leader, "leader");
	hq_sign_in(&srv, &b_staff, "b_staff");
	hq_sign_in(&srv, &b_office, "b_office");
	hq_sign_in(&srv, &b_leader, "b_leader");
	hq_sign_in(&srv, &b_sup, "b_supervisor");
	hq_sign_in(&srv, &b_admin, "b_sysadmin");
	hq_sign_in(&srv, &b_auditor, "b_auditor");
	a_office_id = hq_user_id(&srv, "office");

	/* B's office watches its live events from before A does anything */
	stream_open(&live, &b_office);
	assert_true(stream_wait(&live, "event: ready"));

	/* A: an approval rule, a request, a location, two orders */
	expect(&a_office, "POST", "/api/v1/approval-rules",
	       "{\"kind\":\"general\",\"name\":\"甲规则\",\"steps\":[{\"name\":\"分管领导\","
	       "\"role\":\"leader\",\"scope\":\"role\"}]}", 201, &r);
	a_rule = iget(r.json, "id");
	hq_resp_free(&r);
	expect(&a_staff, "POST", "/api/v1/approvals",
	       "{\"kind\":\"general\",\"title\":\"甲机关的申请\",\"amount_fen\":100,"
	       "\"reason\":\"测试\"}", 201, &r);
	a_appr = iget(r.json, "id");
	hq_resp_free(&r);
	expect(&a_office, "POST", "/api/v1/locations",
	       "{\"kind\":\"building\",\"name\":\"甲机关专用楼\",\"sort_order\":9}", 201, &r);
	a_loc = iget(r.json, "id");
	hq_resp_free(&r);
	a_wo = create_order(&a_staff, "甲机关的报修", fa.cat, fa.room);
	a_wo2 = create_order(&a_staff, "甲机关的第二张", fa.cat, fa.room2);
	snprintf(path, sizeof(path), "/api/v1/workorders/%lld/accept", (long long)a_wo2);
	expect_status(&a_office, "POST", path, NULL, 200);
	order_str(&a_staff, a_wo, "code", a_code, sizeof(a_code));
	order_str(&a_staff, a_wo2, "code", a_code2, sizeof(a_code2));

	/* B: one order of its own, whose event B's stream must carry */
	b_wo = create_order(&b_staff, "乙机关的报修", fb.cat, fb.room);
	order_str(&b_staff, b_wo, "code", b_code, sizeof(b_code));
	/* each agency numbers its own orders: both days' first is WO-<date>-0001 */
	assert_string_equal(b_code, a_code);
	assert_string_not_equal(a_code2, a_code);
	snprintf(needle, sizeof(needle), "\"entity_id\":%lld", (long long)b_wo);
	assert_true(stream_wait(&live, needle));

	/* work orders: list, CSV export, stats, direct reads and writes */
	list_lacks_id(&b_office, "/api/v1/workorders?scope=all&per_page=200", "id", a_wo);
	list_lacks_id(&b_office, "/api/v1/workorders?scope=all&per_page=200", "id", a_wo2);
	list_lacks_id(&b_sup, "/api/v1/workorders?scope=all&per_page=200", "id", a_wo);
	expect(&b_office, "GET", "/api/v1/workorders?scope=all", NULL, 200, &r);
	assert_int_equal(iget(r.json, "total"), 1);
	hq_resp_free(&r);
	expect(&b_office, "GET", "/api/v1/workorders?scope=all&status=submitted", NULL, 200, &r);
	assert_int_equal(iget(r.json, "total"), 1);
	hq_resp_free(&r);
	body_lacks(&b_office, "/api/v1/workorders?scope=all&format=csv", a_code2);
	body_lacks(&b_office, "/api/v1/workorders?scope=all&format=csv", "甲机关");
	body_has(&b_office, "/api/v1/workorders?scope=all&format=csv", b_code);
	body_has(&a_office, "/api/v1/workorders?scope=all&format=csv", a_code2);
	body_lacks(&a_office, "/api/v1/workorders?scope=all&format=csv", "乙机关");
	assert_int_equal(stats_total(&b_office), 1);
	assert_int_equal(stats_total(&a_office), 2);
	body_lacks(&b_office, "/api/v1/workorders/stats?group=category", "甲机关");
	snprintf(path, sizeof(path), "/api/v1/workorders/%lld", (long long)a_wo);
	expect_status(&b_office, "GET", path, NULL, 404);
	expect_status(&b_sup, "GET", path, NULL, 404);
	expect_status(&b_staff, "GET", path, NULL, 404);
	snprintf(path, sizeof(path), "/api/v1/workorders/%lld/accept", (long long)a_wo);
	expect_status(&b_office, "POST", path, NULL, 404);
	order_str(&a_staff, a_wo, "status", needle, sizeof(needle));
	assert_string_equal(needle, "submitted");
	/* B cannot file an order against A's category or location */
	snprintf(needle, sizeof(needle),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"借用\",\"priority\":\"low\"}",
		 (long long)fa.cat, (long long)fb.room);
	expect_bad_field(&b_staff, "POST", "/api/v1/workorders", needle, "category_id");
	snprintf(needle, sizeof(needle),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"借用\",\"priority\":\"low\"}",
		 (long long)fb.cat, (long long)fa.room);
	expect_bad_field(&b_staff, "POST", "/api/v1/workorders", needle, "location_id");
	/* nor use A's category, team, location or worker in its own set-up and orders */
	snprintf(path, sizeof(path), "/api/v1/workorder-categories/%lld", (long long)fa.cat);
	expect_status(&b_office, "PUT", path,
		      "{\"name\":\"改名\",\"updated_at\":\"2026-01-01T00:00:00+08:00\"}", 404);
	snprintf(path, sizeof(path), "/api/v1/workorder-teams/%lld", (long long)fa.team);
	expect_status(&b_office, "PUT", path, "{\"name\":\"改名\",\"member_ids\":[],"
		      "\"updated_at\":\"2026-01-01T00:00:00+08:00\"}", 404);
	snprintf(needle, sizeof(needle), "{\"name\":\"借班组\",\"member_ids\":[%lld]}",
		 (long long)fa.worker);
	expect_bad_field(&b_office, "POST", "/api/v1/workorder-teams", needle, "member_ids");
	snprintf(needle, sizeof(needle), "{\"team_id\":%lld,\"day\":\"2026-11-24\","
		 "\"user_id\":%lld}", (long long)fa.team, (long long)fa.worker);
	expect_bad_field(&b_office, "PUT", "/api/v1/workorder-duty", needle, "team_id");
	snprintf(needle, sizeof(needle), "{\"name\":\"借计划\",\"category_id\":%lld,"
		 "\"location_id\":%lld,\"title\":\"x\",\"unit\":\"month\",\"every\":1,"
		 "\"start_date\":\"2026-12-01\"}", (long long)fa.cat, (long long)fb.room);
	expect_bad_field(&b_office, "POST", "/api/v1/workorder-plans", needle, "category_id");
	snprintf(path, sizeof(path), "/api/v1/workorders/%lld/accept", (long long)b_wo);
	expect_status(&b_office, "POST", path, NULL, 200);
	snprintf(path, sizeof(path), "/api/v1/workorders/%lld/dispatch", (long long)b_wo);
	snprintf(needle, sizeof(needle), "{\"worker_id\":%lld}", (long long)fa.worker);
	expect_bad_field(&b_office, "POST", path, needle, "worker_id");
	snprintf(needle, sizeof(needle), "{\"team_id\":%lld}", (long long)fa.team);
	expect_bad_field(&b_office, "POST", path, needle, "team_id");
	list_lacks_id(&b_office, "/api/v1/workorder-categories", "id", fa.cat);
	list_lacks_id(&b_office, "/api/v1/workorder-categories", "id", fa.cat_safety);
	list_lacks_id(&b_office, "/api/v1/workorder-teams", "id", fa.team);

	/* locations */
	body_lacks(&b_office, "/api/v1/locations", "甲机关专用楼");
	body_lacks(&b_office, "/api/v1/locations?format=csv", "甲机关专用楼");
	snprintf(path, sizeof(path), "/api/v1/locations/%lld", (long long)a_loc);
	expect_status(&b_office, "GET", path, NULL, 404);
	expect_status(&b_office, "PUT", path,
		      "{\"name\":\"改名\",\"updated_at\":\"2026-01-01T00:00:00+08:00\"}", 404);
	snprintf(path, sizeof(path), "/api/v1/locations/%lld/qr.svg", (long long)a_loc);
	expect_status(&b_office, "GET", path, NULL, 404);

	/* approvals */
	list_lacks_id(&b_leader, "/api/v1/approvals?mine=pending", "id", a_appr);
	list_lacks_id(&b_office, "/api/v1/approvals?mine=pending", "id", a_appr);
	list_lacks_id(&b_office, "/api/v1/approval-rules", "id", a_rule);
	snprintf(path, sizeof(path), "/api/v1/approvals/%lld", (long long)a_appr);
	expect_status(&b_leader, "GET", path, NULL, 404);
	expect_status(&b_sup, "GET", path, NULL, 404);
	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision", (long long)a_appr);
	expect_status(&b_leader, "POST", path, "{\"decision\":\"approve\"}", 404);
	snprintf(path, sizeof(path), "/api/v1/approval-rules/%lld", (long long)a_rule);
	expect_status(&b_office, "PUT", path,
		      "{\"kind\":\"general\",\"name\":\"改\",\"updated_at\":\"2026-01-01T00:00:00+08:00\","
		      "\"steps\":[{\"name\":\"x\",\"role\":\"leader\",\"scope\":\"role\"}]}", 404);
	body_has(&a_leader, "/api/v1/approvals?mine=pending", "甲机关的申请");

	/* notifications: A's office and leader were told; B's users hear nothing of it */
	body_has(&a_office, "/api/v1/notifications", "甲机关的报修");
	body_lacks(&b_office, "/api/v1/notifications", "甲机关");
	body_lacks(&b_leader, "/api/v1/notifications", "甲机关");
	expect(&b_leader, "GET", "/api/v1/notifications/unread-count", NULL, 200, &r);
	assert_int_equal(iget(r.json, "count"), 0);
	hq_resp_free(&r);

	/* live events: B's stream saw B's order but none of A's records */
	stream_lacks_entity(&live, "workorder", a_wo);
	stream_lacks_entity(&live, "workorder", a_wo2);
	stream_lacks_entity(&live, "approval", a_appr);
	assert_false(stream_has(&live, "甲机关"));
	stream_close(&live);

	/* audit log and history */
	snprintf(path, sizeof(path), "/api/v1/audit?entity=workorder&entity_id=%lld", (long long)a_wo);
	expect(&b_sup, "GET", path, NULL, 200, &r);
	assert_int_equal(iget(r.json, "total"), 0);
	hq_resp_free(&r);
	body_lacks(&b_sup, "/api/v1/audit?per_page=200", "甲机关");
	body_lacks(&b_sup, "/api/v1/audit?per_page=200&format=csv", "甲机关");
	list_lacks_id(&b_sup, "/api/v1/audit?per_page=200", "actor_id", a_office_id);
	list_lacks_id(&b_auditor, "/api/v1/audit?per_page=200", "actor_id",
		      hq_user_id(&srv, "sysadmin"));
	snprintf(path, sizeof(path), "/api/v1/history/workorder/%lld", (long long)a_wo);
	expect_status(&b_sup, "GET", path, NULL, 404);
	expect_status(&b_office, "GET", path, NULL, 404);
	snprintf(path, sizeof(path), "/api/v1/history/approval/%lld", (long long)a_appr);
	expect_status(&b_sup, "GET", path, NULL, 404);
	snprintf(path, sizeof(path), "/api/v1/history/location/%lld", (long long)a_loc);
	expect_status(&b_sup, "GET", path, NULL, 404);
	snprintf(path, sizeof(path), "/api/v1/history/user/%lld", (long long)a_office_id);
	expect_status(&b_admin, "GET", path, NULL, 404);

	/* people and departments */
	body_lacks(&b_admin, "/api/v1/users?per_page=200", "\"username\":\"office\"");
	body_lacks(&b_admin, "/api/v1/departments", "测试机关");
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)a_office_id);
	expect_status(&b_admin, "GET", path, NULL, 404);
	snprintf(path, sizeof(path), "/api/v1/departments/%lld", (long long)srv.dept1_id);
	expect_status(&b_admin, "GET", path, NULL, 404);
	body_lacks(&b_staff, "/api/v1/approvals/approvers?q=office", "\"office\"");

	hq_client_free(&a_staff);
	hq_client_free(&a_office);
	hq_client_free(&a_leader);
	hq_client_free(&b_staff);
	hq_client_free(&b_office);
	hq_client_free(&b_leader);
	hq_client_free(&b_sup);
	hq_client_free(&b_admin);
	hq_client_free(&b_auditor);
}

/* The stored calendar of agency as the engine loads it. */
static void
load_cal(int64_t agency, struct arena *a, struct cal *c)
{
	struct db *db;
	struct err e = { 0 };

	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	if (cal_load_agency(db, a, agency, c, &e))
		fail_msg("cal_load_agency: %s", e.msg);
	db_close(db);
}

static int64_t
order_time(struct hq_client *c, int64_t id, const char *key)
{
	char iso[64];
	int64_t ms;

	order_str(c, id, key, iso, sizeof(iso));
	if (iso_to_ms(iso, &ms))
		fail_msg("order %lld: %s is not a time: %s", (long long)id, key, iso);
	return ms;
}

static void
calendar_edit_stays_in_its_agency(void **state)
{
	struct hq_client a_office, a_staff, b_office, b_staff;
	struct hq_resp r;
	struct arena *ar = arena_new(16384);
	struct cal ca, cb;
	json_t *a_before;
	int64_t old_wo, old_due, wo, created;

	(void)state;
	hq_sign_in(&srv, &a_office, "office");
	hq_sign_in(&srv, &a_staff, "staff");
	hq_sign_in(&srv, &b_office, "b_office");
	expect(&a_office, "GET", "/api/v1/calendar?year=2026", NULL, 200, &r);
	a_before = json_incref(r.json);
	hq_resp_free(&r);
	old_wo = create_order(&a_staff, "日历前的报修", fa.cat, fa.room);
	old_due = order_time(&a_staff, old_wo, "accept_due_at");

	/* B's office: a holiday on a Tuesday, a day removed, long hours, and confirms */
	expect_status(&b_office, "PUT", "/api/v1/calendar/days/2026-11-24",
		      "{\"kind\":\"holiday\",\"name\":\"乙机关活动日\"}", 200);
	expect_status(&b_office, "DELETE", "/api/v1/calendar/days/2026-10-08", NULL, 404);
	expect_status(&b_office, "DELETE", "/api/v1/calendar/days/2026-10-01", NULL, 200);
	expect_status(&b_office, "PUT", "/api/v1/calendar/hours",
		      "{\"periods\":[{\"start\":\"07:00\",\"end\":\"19:00\"}]}", 200);
	expect(&b_office, "POST", "/api/v1/calendar/years/2026/confirm", NULL, 200, &r);
	assert_true(json_is_true(json_object_get(r.json, "confirmed")));
	hq_resp_free(&r);

	/* A's calendar reads exactly as before; B's shows its edits */
	expect(&a_office, "GET", "/api/v1/calendar?year=2026", NULL, 200, &r);
	if (!json_equal(a_before, r.json))
		fail_msg("A's calendar moved: %s", r.body);
	hq_resp_free(&r);
	expect(&b_office, "GET", "/api/v1/calendar?year=2026", NULL, 200, &r);
	assert_true(json_is_true(json_object_get(r.json, "confirmed")));
	assert_int_equal(json_array_size(json_object_get(r.json, "hours")), 1);
	hq_resp_free(&r);
	json_decref(a_before);

	/* the engine agrees */
	load_cal(srv.agency_id, ar, &ca);
	load_cal(agb.agency_id, ar, &cb);
	assert_int_equal(ca.nperiods, 2);
	assert_int_equal(cb.nperiods, 1);
	assert_int_equal(cal_is_workday(&ca, 20261124), 1);
	assert_int_equal(cal_is_workday(&cb, 20261124), 0);
	assert_int_equal(cal_is_workday(&ca, 20261001), 0);
	assert_int_equal(cal_is_workday(&cb, 20261001), 1);

	/* A's SLA clocks: an open order's deadline stays, a new one runs on A's calendar */
	assert_true(order_time(&a_staff, old_wo, "accept_due_at") == old_due);
	wo = create_order(&a_staff, "日历后的报修", fa.cat, fa.room);
	created = order_time(&a_staff, wo, "created_at");
	assert_true(order_time(&a_staff, wo, "accept_due_at") / 1000 ==
		    cal_add_business_minutes(&ca, created, 120) / 1000);

	/* and B's orders run on B's calendar (07:00-19:00, its own holidays), not A's */
	hq_sign_in(&srv, &b_staff, "b_staff");
	wo = create_order(&b_staff, "乙机关日历后的报修", fb.cat, fb.room);
	created = order_time(&b_staff, wo, "created_at");
	assert_true(order_time(&b_staff, wo, "accept_due_at") / 1000 ==
		    cal_add_business_minutes(&cb, created, 120) / 1000);
	if (cal_add_business_minutes(&cb, created, 120) / 1000 !=
	    cal_add_business_minutes(&ca, created, 120) / 1000)
		assert_true(order_time(&b_staff, wo, "accept_due_at") / 1000 !=
			    cal_add_business_minutes(&ca, created, 120) / 1000);

	/* A's office edits its own: B's stays */
	expect_status(&a_office, "PUT", "/api/v1/calendar/days/2026-11-25",
		      "{\"kind\":\"holiday\",\"name\":\"甲机关活动日\"}", 200);
	load_cal(agb.agency_id, ar, &cb);
	assert_int_equal(cal_is_workday(&cb, 20261125), 1);
	/* and A's office never saw B's calendar edits in its audit log */
	body_lacks(&a_office, "/api/v1/calendar?year=2026", "乙机关活动日");

	hq_client_free(&a_office);
	hq_client_free(&a_staff);
	hq_client_free(&b_office);
	hq_client_free(&b_staff);
	arena_free(ar);
}

/* A new agency gets its own copy of the shipped calendar, unconfirmed. */
static void
new_agency_gets_the_shipped_calendar(void **state)
{
	struct hq_agency c;
	struct arena *ar = arena_new(16384);
	struct cal cc;
	struct hq_client office;
	struct hq_resp r;

	(void)state;
	hq_fixture_agency(&srv, "丙机关", "c_", &c);
	load_cal(c.agency_id, ar, &cc);
	assert_int_equal(cc.nperiods, 2);
	assert_int_equal(cc.ndays, 39);
	hq_sign_in(&srv, &office, "c_office");
	expect(&office, "GET", "/api/v1/calendar?year=2026", NULL, 200, &r);
	assert_true(json_is_false(json_object_get(r.json, "confirmed")));
	assert_int_equal(json_array_size(json_object_get(r.json, "days")), 39);
	hq_resp_free(&r);
	hq_client_free(&office);
	arena_free(ar);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(b_sees_nothing_of_a),
		cmocka_unit_test(calendar_edit_stays_in_its_agency),
		cmocka_unit_test(new_agency_gets_the_shipped_calendar),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
