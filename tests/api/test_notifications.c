/*
** tests/api/test_notifications.c: the inbox (own data only, read / read-all,
** unread count, audit of read-marks) and the live event stream
** GET /api/v1/events: delivery after commit, other users' events never seen,
** Last-Event-ID resume, no replay without it, headers, limits, logout ends a
** stream, closed tabs free their slot, many idle streams do not block the
** API, and server_stop ends open streams at once.
**
** Streams are read by libcurl in background threads (struct stream); every
** wait is for a condition (text on the stream, the stream's end, its thread's
** exit) with a deadline of WAIT_MS, fails with what it waited for, and asserts
** an outcome, not a speed. Absence is proved with a marker: an event that is
** sent after the one that must not arrive, so once the marker is on the stream
** the earlier one would be too.
*/
#define _GNU_SOURCE	/* pthread_timedjoin_np */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/notify.h"
#include "db/db.h"
#include "http/server.h"
#include "http/sse.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_MS 5000

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

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* now + ms on clock (CLOCK_MONOTONIC for the streams' condition variables). */
static struct timespec
deadline_in(clockid_t clock, int ms)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* --- fixtures: notifications and events written the way a module does --- */

static struct db *
begin(void)
{
	struct db *w = db_pool_writer(srv.pool);
	struct err e = { 0 };

	if (db_begin_write(w, &e))
		fail_msg("begin: %s", e.msg);
	return w;
}

/* Commit, then wake the streams as the router does. Returns the newest event id. */
static int64_t
commit(struct db *w)
{
	struct err e = { 0 };
	int64_t head = 0;

	if (notify_event_head(w, &head, &e) || db_commit(w, &e))
		fail_msg("commit: %s", e.msg);
	db_pool_writer_unlock(srv.pool);
	sse_wake();
	return head;
}

/* notify_send to username from the office user; returns the event id. */
static int64_t
send_to(const char *username, const char *title)
{
	int64_t uid = hq_user_id(&srv, username);
	struct actor office = { .id = hq_user_id(&srv, "office"), .agency_id = srv.agency_id,
				.ip = "test" };
	struct db *w = begin();
	struct err e = { 0 };

	if (notify_send(w, &office, uid, "test.hello", title, "内容", "workorder", 42, &e))
		fail_msg("notify_send: %s", e.msg);
	return commit(w);
}

static int64_t
changed(int64_t user_id, const char *entity, int64_t id)
{
	struct db *w = begin();
	struct err e = { 0 };

	if (notify_entity_changed(w, srv.agency_id, user_id, entity, id, &e))
		fail_msg("notify_entity_changed: %s", e.msg);
	return commit(w);
}

static int64_t
count_rows(const char *sql)
{
	struct db *db = db_pool_reader(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (!db_prepare(db, &st, sql, &e) && !db_step_row(&st, &e))
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_release(srv.pool, db);
	return n;
}

static const char sql_audit_read[] =
	"SELECT COUNT(*) FROM audit_log WHERE entity = 'notification' AND action = 'read'";
static const char sql_audit_read_all[] =
	"SELECT COUNT(*) FROM audit_log WHERE entity = 'notification' AND action = 'read_all'";

/* A harness client whose every request must be answered within WAIT_MS. */
static void
client_init(struct hq_client *c)
{
	hq_client_init(c);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, (long)WAIT_MS);
}

static void
login(struct hq_client *c, const char *user)
{
	client_init(c);
	if (hq_login(&srv, c, user, TEST_PASSWORD) != 200)
		fail_msg("login %s", user);
}

static int64_t
unread(struct hq_client *c)
{
	struct hq_resp r;
	int64_t n;

	assert_int_equal(hq_req(&srv, c, "GET", "/api/v1/notifications/unread-count", NULL, &r),
			 200);
	n = json_integer_value(json_object_get(r.json, "count"));
	hq_resp_free(&r);
	return n;
}

/* The houqin_session cookie value of a logged-in harness client. */
static void
cookie_of(struct hq_client *c, char *out, size_t size)
{
	struct curl_slist *list = NULL;

	out[0] = '\0';
	curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &list);
	for (struct curl_slist *l = list; l; l = l->next) {
		const char *p = strstr(l->data, "\thouqin_session\t");
		if (p)
			snprintf(out, size, "%s", p + strlen("\thouqin_session\t"));
	}
	curl_slist_free_all(list);
	if (!out[0])
		fail_msg("no session cookie");
}

/* --- an event-stream reader on its own thread --- */

struct stream {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* broadcast on every byte received and at the end */
	char *data, *hdrs;
	size_t len, hlen;
	long status;
	int done;
	atomic_int stop;
	char url[300], cookie[200], extra[200];
};

static void
append(struct stream *s, char **p, size_t *len, const char *data, size_t n)
{
	pthread_mutex_lock(&s->mu);
	char *q = realloc(*p, *len + n + 1);
	if (q) {
		memcpy(q + *len, data, n);
		*len += n;
		q[*len] = '\0';
		*p = q;
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static size_t
on_data(char *data, size_t size, size_t n, void *ud)
{
	struct stream *s = ud;

	append(s, &s->data, &s->len, data, size * n);
	return size * n;
}

static size_t
on_header(char *data, size_t size, size_t n, void *ud)
{
	struct stream *s = ud;

	append(s, &s->hdrs, &s->hlen, data, size * n);
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
	return atomic_load(&s->stop) ? 1 : 0;	/* non-zero aborts: the tab is closed */
}

static void *
stream_main(void *arg)
{
	struct stream *s = arg;
	struct curl_slist *h = NULL;
	char line[300];
	CURL *c = curl_easy_init();
	long status = 0;

	if (s->cookie[0]) {
		snprintf(line, sizeof(line), "Cookie: houqin_session=%s", s->cookie);
		h = curl_slist_append(h, line);
	}
	if (s->extra[0])
		h = curl_slist_append(h, s->extra);
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	pthread_mutex_lock(&s->mu);
	s->status = status;
	s->done = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Open path (NULL: /api/v1/events) with the session cookie; extra: a header line or NULL. */
static void
stream_open(struct stream *s, const char *cookie, const char *path, const char *extra)
{
	pthread_condattr_t ca;

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	snprintf(s->url, sizeof(s->url), "%s%s", srv.base, path ? path : "/api/v1/events");
	snprintf(s->cookie, sizeof(s->cookie), "%s", cookie ? cookie : "");
	snprintf(s->extra, sizeof(s->extra), "%s", extra ? extra : "");
	if (pthread_create(&s->th, NULL, stream_main, s))
		fail_msg("pthread_create");
}

/*
** Close n streams like tabs: all at once. curl calls on_progress at least once
** a second, so every reader thread must have ended within WAIT_MS.
*/
static void
stream_close_all(struct stream *s, int n)
{
	struct timespec end = deadline_in(CLOCK_REALTIME, WAIT_MS);

	for (int i = 0; i < n; i++)
		atomic_store(&s[i].stop, 1);
	for (int i = 0; i < n; i++) {
		int rc = pthread_timedjoin_np(s[i].th, NULL, &end);
		if (rc)
			fail_msg("stream %d (%s): reader thread still running %d ms after close (%s)",
				 i, s[i].url, WAIT_MS, strerror(rc));
		free(s[i].data);
		free(s[i].hdrs);
		pthread_cond_destroy(&s[i].cv);
		pthread_mutex_destroy(&s[i].mu);
	}
}

static void
stream_close(struct stream *s)
{
	stream_close_all(s, 1);
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
stream_done(struct stream *s)
{
	int done;

	pthread_mutex_lock(&s->mu);
	done = s->done;
	pthread_mutex_unlock(&s->mu);
	return done;
}

/*
** Waits until the stream's body holds needle (when not NULL) or, with or_done,
** the response has ended; at most WAIT_MS. Returns 1 if needle arrived, 0 if
** not (the response ended first, or the deadline passed).
*/
static int
stream_wait_for(struct stream *s, const char *needle, int or_done)
{
	struct timespec end = deadline_in(CLOCK_MONOTONIC, WAIT_MS);
	int found = 0, rc = 0;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		found = needle && s->data && strstr(s->data, needle);
		if (found || (or_done && s->done) || rc == ETIMEDOUT)
			break;
		rc = pthread_cond_timedwait(&s->cv, &s->mu, &end);
	}
	pthread_mutex_unlock(&s->mu);
	return found;
}

/* Fails the test unless needle is on the stream within WAIT_MS. */
#define stream_expect(s, needle) stream_expect_at((s), (needle), __LINE__)
static void
stream_expect_at(struct stream *s, const char *needle, int line)
{
	if (stream_wait_for(s, needle, 0))
		return;
	pthread_mutex_lock(&s->mu);
	fprintf(stderr, "line %d: no \"%s\" on %s within %d ms; received:\n%s\n", line, needle,
		s->url, WAIT_MS, s->data ? s->data : "(nothing)");
	pthread_mutex_unlock(&s->mu);
	fail_msg("line %d: the stream lacks \"%s\" after %d ms", line, needle, WAIT_MS);
}

/* Fails the test unless the server ends the response within WAIT_MS. */
static void
stream_expect_done(struct stream *s)
{
	stream_wait_for(s, NULL, 1);
	if (!stream_done(s))
		fail_msg("%s: the server did not end the response within %d ms", s->url, WAIT_MS);
}

static void
stream_expect_ready(struct stream *s)
{
	stream_expect(s, "event: ready\n");
}

/* --- the inbox --- */

static void
inbox_is_own_data_with_unread_count_read_and_read_all(void **state)
{
	struct hq_client a, b;
	struct hq_resp r;
	char path[100];
	int64_t audit_read = count_rows(sql_audit_read);
	int64_t audit_all = count_rows(sql_audit_read_all);
	int64_t first, b_id;
	json_t *items;

	(void)state;
	login(&a, "worker");
	login(&b, "staff2");
	assert_int_equal(unread(&a), 0);
	send_to("worker", "第一条");
	send_to("worker", "第二条");
	send_to("worker", "第三条");
	send_to("staff2", "给乙的");
	assert_int_equal(unread(&a), 3);
	assert_int_equal(unread(&b), 1);

	/* newest first, all unread, with the entity to open */
	assert_int_equal(hq_req(&srv, &a, "GET", "/api/v1/notifications", NULL, &r), 200);
	items = json_object_get(r.json, "items");
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 3);
	assert_int_equal(json_array_size(items), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "title")),
			    "第三条");
	assert_true(json_is_false(json_object_get(json_array_get(items, 0), "read")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "entity")),
			    "workorder");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "entity_id")),
			 42);
	first = json_integer_value(json_object_get(json_array_get(items, 2), "id"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &b, "GET", "/api/v1/notifications", NULL, &r), 200);
	b_id = json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"),
								 0), "id"));
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
	hq_resp_free(&r);

	/* mark one read: audited, count drops, it sorts after the unread ones */
	snprintf(path, sizeof(path), "/api/v1/notifications/%lld/read", (long long)first);
	assert_int_equal(hq_req(&srv, &a, "POST", path, NULL, &r), 200);
	assert_true(json_is_true(json_object_get(r.json, "read")));
	assert_true(json_is_string(json_object_get(r.json, "read_at")));
	hq_resp_free(&r);
	assert_int_equal(count_rows(sql_audit_read), audit_read + 1);
	assert_int_equal(unread(&a), 2);
	assert_int_equal(hq_req(&srv, &a, "GET", "/api/v1/notifications?page=1&per_page=2", NULL,
				&r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
	assert_int_equal(json_integer_value(json_object_get(r.json, "per_page")), 2);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &a, "GET", "/api/v1/notifications?page=2&per_page=2", NULL,
				&r), 200);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(r.json, "items"), 0), "id")), first);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &a, "GET", "/api/v1/notifications?unread=true", NULL, &r),
			 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 2);
	hq_resp_free(&r);

	/* marking it again changes nothing and writes no audit row */
	assert_int_equal(hq_req(&srv, &a, "POST", path, NULL, &r), 200);
	hq_resp_free(&r);
	assert_int_equal(count_rows(sql_audit_read), audit_read + 1);

	/* another user's notification is not found, and stays unread */
	snprintf(path, sizeof(path), "/api/v1/notifications/%lld/read", (long long)b_id);
	assert_int_equal(hq_req(&srv, &a, "POST", path, NULL, &r), 404);
	assert_string_equal(hq_err_code(&r), "not_found");
	hq_resp_free(&r);
	assert_int_equal(unread(&b), 1);

	/* read-all: only mine, one audit row */
	assert_int_equal(hq_req(&srv, &a, "POST", "/api/v1/notifications/read-all", NULL, &r), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "updated")), 2);
	hq_resp_free(&r);
	assert_int_equal(unread(&a), 0);
	assert_int_equal(unread(&b), 1);
	assert_int_equal(count_rows(sql_audit_read_all), audit_all + 1);
	assert_int_equal(hq_req(&srv, &a, "POST", "/api/v1/notifications/read-all", NULL, &r), 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "updated")), 0);
	hq_resp_free(&r);
	assert_int_equal(count_rows(sql_audit_read_all), audit_all + 1);	/* nothing changed */
	hq_client_free(&a);
	hq_client_free(&b);
}

static void
inbox_rejects_bad_input_csrf_and_anonymous_callers(void **state)
{
	static const struct {
		const char *method, *path;
		long status;
		const char *code;
	} bad[] = {
		{ "GET", "/api/v1/notifications?unread=maybe", 400, "invalid" },
		{ "GET", "/api/v1/notifications?page=0", 400, "invalid" },
		{ "GET", "/api/v1/notifications?per_page=x", 400, "invalid" },
		{ "POST", "/api/v1/notifications/abc/read", 404, "not_found" },
		{ "POST", "/api/v1/notifications/0/read", 404, "not_found" },
		{ "POST", "/api/v1/notifications/999999/read", 404, "not_found" },
		{ "GET", "/api/v1/notifications/1/read", 405, "method_not_allowed" },
		{ "GET", "/api/v1/events?last_event_id=-5", 400, "invalid" },
		{ "GET", "/api/v1/events?last_event_id=abc", 400, "invalid" },
	};
	static const struct {
		const char *method, *path;
	} all[] = {
		{ "GET", "/api/v1/notifications" },
		{ "GET", "/api/v1/notifications/unread-count" },
		{ "POST", "/api/v1/notifications/1/read" },
		{ "POST", "/api/v1/notifications/read-all" },
		{ "GET", "/api/v1/events" },
	};
	struct hq_client c, anon;
	struct hq_resp r;

	(void)state;
	login(&c, "staff");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long st = hq_req(&srv, &c, bad[i].method, bad[i].path, NULL, &r);
		if (st != bad[i].status || strcmp(hq_err_code(&r), bad[i].code) != 0)
			fail_msg("%s %s gave %ld %s", bad[i].method, bad[i].path, st,
				 hq_err_code(&r));
		hq_resp_free(&r);
	}
	assert_int_equal(hq_raw(&srv, "GET", "/api/v1/events", "Last-Event-ID: 12x", &r), 401);
	hq_resp_free(&r);	/* no session: 401 comes first */

	/* every route needs a session; the writes also need the CSRF header (403) */
	client_init(&anon);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		long st = hq_req(&srv, &anon, all[i].method, all[i].path, NULL, &r);
		if (st != 401)
			fail_msg("%s %s without a session gave %ld", all[i].method, all[i].path, st);
		assert_string_equal(hq_err_code(&r), "unauthorized");
		hq_resp_free(&r);
	}
	c.no_csrf = 1;
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/notifications/read-all", NULL, &r), 403);
	assert_string_equal(hq_err_code(&r), "csrf");
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/notifications/1/read", NULL, &r), 403);
	assert_string_equal(hq_err_code(&r), "csrf");
	hq_resp_free(&r);
	hq_client_free(&c);
	hq_client_free(&anon);
}

static void
notify_send_checks_its_arguments(void **state)
{
	struct actor office = { .id = hq_user_id(&srv, "office"), .agency_id = srv.agency_id };
	struct actor other = { .id = 1, .agency_id = srv.agency_id + 1000 };
	int64_t staff = hq_user_id(&srv, "staff");
	char long_title[1200];
	struct db *w;
	struct err e = { 0 };

	(void)state;
	w = begin();
	assert_int_equal(notify_send(w, &office, 0, "a.b", "t", NULL, NULL, 0, &e), ERR_INVALID);
	assert_int_equal(notify_send(w, &office, staff, "Bad Kind", "t", NULL, NULL, 0, &e),
			 ERR_INVALID);
	assert_int_equal(notify_send(w, &office, staff, "a.b", "  ", NULL, NULL, 0, &e),
			 ERR_INVALID);
	assert_int_equal(notify_send(w, &office, staff, "a.b", "t", "\xff", NULL, 0, &e),
			 ERR_INVALID);
	assert_int_equal(notify_send(w, &office, staff, "a.b", "t", NULL, NULL, 5, &e),
			 ERR_INVALID);
	assert_int_equal(notify_send(w, &office, staff, "a.b", "t", NULL, "Work Order", 5, &e),
			 ERR_INVALID);
	assert_int_equal(notify_send(w, &office, 999999, "a.b", "t", NULL, NULL, 0, &e),
			 ERR_NOT_FOUND);
	assert_string_equal(e.slug, "recipient_not_found");
	assert_int_equal(notify_send(w, &other, staff, "a.b", "t", NULL, NULL, 0, &e),
			 ERR_FORBIDDEN);
	assert_string_equal(e.slug, "recipient_agency");
	assert_int_equal(notify_entity_changed(w, 0, 0, "x", 1, &e), ERR_INVALID);
	assert_int_equal(notify_entity_changed(w, srv.agency_id, 0, "", 1, &e), ERR_INVALID);
	assert_int_equal(notify_entity_changed(w, srv.agency_id + 1000, staff, "x", 1, &e),
			 ERR_FORBIDDEN);
	/* a long title is cut with an ellipsis, not refused (it must not fail a business write) */
	for (size_t i = 0; i + 3 < sizeof(long_title); i += 3)
		memcpy(long_title + i, "\xe9\x95\xbf", 3);	/* 长 */
	long_title[sizeof(long_title) - 3] = '\0';
	assert_int_equal(notify_send(w, NULL, staff, "a.b", long_title, NULL, NULL, 0, &e), 0);
	db_rollback(w);
	db_pool_writer_unlock(srv.pool);
}

/* --- the live stream --- */

static void
stream_has_sse_headers_and_starts_with_ready(void **state)
{
	struct hq_client a;
	struct stream s;
	char cookie[200], want[80];
	int64_t head = send_to("staff", "开流之前");

	(void)state;
	login(&a, "staff");
	cookie_of(&a, cookie, sizeof(cookie));
	stream_open(&s, cookie, NULL, "Accept-Encoding: gzip, deflate");
	stream_expect_ready(&s);
	snprintf(want, sizeof(want), "retry: %d\nid: %lld\nevent: ready\n", SSE_RETRY_MS,
		 (long long)head);
	assert_true(stream_has(&s, want));
	pthread_mutex_lock(&s.mu);
	assert_non_null(strstr(s.hdrs, "HTTP/1.1 200"));
	assert_non_null(strstr(s.hdrs, "Content-Type: text/event-stream"));
	assert_non_null(strstr(s.hdrs, "Cache-Control: no-store"));
	assert_null(strstr(s.hdrs, "Content-Encoding"));
	pthread_mutex_unlock(&s.mu);
	/* no replay: the notification sent before the stream opened is not in it */
	send_to("staff", "开流之后");
	stream_expect(&s, "开流之后");
	assert_false(stream_has(&s, "开流之前"));
	stream_close(&s);
	hq_client_free(&a);
}

/* A work order filed by staff through the API (its fixture made once). */
static int64_t
order_by_staff(void)
{
	static struct hq_wo fx;
	struct hq_client c;
	struct hq_resp r;
	char body[200];
	int64_t id;

	if (!fx.cat)
		hq_wo_fixture(&srv, &fx);
	login(&c, "staff");
	snprintf(body, sizeof(body), "{\"category_id\":%lld,\"location_id\":%lld,"
		 "\"title\":\"灯不亮\"}", (long long)fx.cat, (long long)fx.room);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/workorders", body, &r), 201);
	id = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	hq_client_free(&c);
	return id;
}

static void
stream_delivers_own_and_agency_events_but_never_other_users(void **state)
{
	struct hq_client a;
	struct stream s;
	char cookie[200], want[80];
	int64_t id, order;

	(void)state;
	order = order_by_staff();
	login(&a, "leader");
	cookie_of(&a, cookie, sizeof(cookie));
	stream_open(&s, cookie, NULL, NULL);
	stream_expect_ready(&s);

	/* B's notification and B's private change come first, then A's */
	send_to("finance", "不该看到的通知");
	changed(hq_user_id(&srv, "finance"), "secret_entity", 9);
	id = send_to("leader", "派单提醒");
	snprintf(want, sizeof(want), "id: %lld\nevent: notification\ndata: {", (long long)id);
	stream_expect(&s, want);
	assert_true(stream_has(&s, "派单提醒"));
	assert_true(stream_has(&s, "\"entity\":\"workorder\""));
	assert_false(stream_has(&s, "不该看到的通知"));
	assert_false(stream_has(&s, "secret_entity"));

	/*
	** an agency-wide change reaches everyone in the agency who may read the
	** record (a leader reads every order); one about an entity no module
	** vouches for reaches nobody (test_sec_quota.c attacks this further)
	*/
	changed(0, "vehicle_trip", 77);
	id = changed(0, "workorder", order);
	snprintf(want, sizeof(want), "id: %lld\nevent: changed\ndata: {", (long long)id);
	stream_expect(&s, want);
	snprintf(want, sizeof(want), "\"entity\":\"workorder\",\"entity_id\":%lld}",
		 (long long)order);
	assert_true(stream_has(&s, want));
	assert_false(stream_has(&s, "vehicle_trip"));
	stream_close(&s);
	hq_client_free(&a);
}

static void
api_write_in_one_tab_updates_the_other(void **state)
{
	struct hq_client a;
	struct hq_resp r;
	struct stream s;
	char cookie[200], path[100];
	int64_t nid;

	(void)state;
	login(&a, "dept_head");
	cookie_of(&a, cookie, sizeof(cookie));
	send_to("dept_head", "待阅");
	assert_int_equal(hq_req(&srv, &a, "GET", "/api/v1/notifications?unread=true", NULL, &r),
			 200);
	nid = json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0),
						 "id"));
	hq_resp_free(&r);
	stream_open(&s, cookie, NULL, NULL);
	stream_expect_ready(&s);
	/* the router commits and wakes the stream: the bell in every tab follows */
	snprintf(path, sizeof(path), "/api/v1/notifications/%lld/read", (long long)nid);
	assert_int_equal(hq_req(&srv, &a, "POST", path, NULL, &r), 200);
	hq_resp_free(&r);
	snprintf(path, sizeof(path), "\"entity\":\"notification\",\"entity_id\":%lld}",
		 (long long)nid);
	stream_expect(&s, "event: changed\n");
	stream_expect(&s, path);
	stream_close(&s);
	hq_client_free(&a);
}

static void
last_event_id_resumes_after_it_only(void **state)
{
	struct hq_client a;
	struct stream s, q;
	char cookie[200], hdr[80], want[80], path[80];
	int64_t id1, id2, id3;

	(void)state;
	login(&a, "finance");
	cookie_of(&a, cookie, sizeof(cookie));
	id1 = send_to("finance", "断线前一");
	id2 = send_to("finance", "断线中二");
	id3 = send_to("finance", "断线中三");

	snprintf(hdr, sizeof(hdr), "Last-Event-ID: %lld", (long long)id1);
	stream_open(&s, cookie, NULL, hdr);
	snprintf(want, sizeof(want), "id: %lld\nevent: notification", (long long)id3);
	stream_expect(&s, want);
	snprintf(want, sizeof(want), "id: %lld\nevent: notification", (long long)id2);
	assert_true(stream_has(&s, want));
	assert_true(stream_has(&s, "断线中二"));
	assert_false(stream_has(&s, "断线前一"));
	stream_close(&s);

	/* the query form (a fresh EventSource) does the same */
	snprintf(path, sizeof(path), "/api/v1/events?last_event_id=%lld", (long long)id2);
	stream_open(&q, cookie, path, NULL);
	stream_expect(&q, "断线中三");
	assert_false(stream_has(&q, "断线中二"));
	stream_close(&q);

	/* a resume point beyond the newest event starts at the newest */
	snprintf(path, sizeof(path), "/api/v1/events?last_event_id=%lld", (long long)id3 + 1000);
	stream_open(&q, cookie, path, NULL);
	snprintf(want, sizeof(want), "id: %lld\nevent: ready", (long long)id3);
	stream_expect(&q, want);
	stream_close(&q);
	hq_client_free(&a);
}

/*
** Open a stream and wait for its ready event. A tab the test closed just
** before may still hold one of the user's SSE_MAX_PER_USER slots until the
** hub sees its EOF (within a second): a 429 is retried until WAIT_MS.
*/
static void
stream_open_ready(struct stream *s, const char *cookie)
{
	for (int64_t end = mono_ms() + WAIT_MS;;) {
		struct timespec poll = { 0, 50 * 1000000L };
		stream_open(s, cookie, NULL, NULL);
		if (stream_wait_for(s, "event: ready\n", 1))
			return;
		stream_close(s);
		if (mono_ms() >= end)
			fail_msg("no stream slot within %d ms", WAIT_MS);
		nanosleep(&poll, NULL);
	}
}

static void
many_idle_streams_do_not_block_the_api(void **state)
{
	static const char *users[] = { "staff", "staff2", "dept_head", "office", "worker",
				       "leader", "finance", "supervisor", "sysadmin", "secadmin" };
	enum { PER_USER = 2, N = 2 * 10 };
	struct hq_client c[10], probe;
	struct stream *s = calloc(N, sizeof(*s));
	struct hq_resp r;
	char cookie[200], want[80];
	int64_t id, order = order_by_staff();

	(void)state;
	assert_non_null(s);
	for (int u = 0; u < 10; u++) {
		login(&c[u], users[u]);
		cookie_of(&c[u], cookie, sizeof(cookie));
		for (int k = 0; k < PER_USER; k++)
			stream_open_ready(&s[u * PER_USER + k], cookie);
	}
	/* with 2 worker threads, 20 parked streams leave the API free */
	login(&probe, "auditor");	/* a request held up by the streams times out: WAIT_MS */
	for (int i = 0; i < 20; i++) {
		assert_int_equal(hq_req(&srv, &probe, "GET", "/api/v1/me", NULL, &r), 200);
		hq_resp_free(&r);
	}
	/*
	** one agency-wide event wakes every one of them; those who may read the
	** order (its requester, their head, the office, a leader, the supervisor)
	** get it, the others are told nothing (each then gets a marker of its own)
	*/
	id = changed(0, "workorder", order);
	snprintf(want, sizeof(want), "id: %lld\nevent: changed", (long long)id);
	for (int i = 0; i < N; i++)
		if (strstr(" staff dept_head office leader supervisor ", users[i / PER_USER]) &&
		    strcmp(users[i / PER_USER], "staff2") != 0)
			stream_expect(&s[i], want);
	for (int u = 0; u < 10; u++)
		send_to(users[u], "各自的标记");
	for (int i = 0; i < N; i++) {
		stream_expect(&s[i], "各自的标记");
		if (!strstr(" staff dept_head office leader supervisor ", users[i / PER_USER]))
			assert_false(stream_has(&s[i], want));
	}
	assert_int_equal(hq_req(&srv, &probe, "GET", "/api/v1/me", NULL, &r), 200);
	hq_resp_free(&r);
	stream_close_all(s, N);
	for (int u = 0; u < 10; u++)
		hq_client_free(&c[u]);
	hq_client_free(&probe);
	free(s);
}

static void
per_user_limit_is_429_and_closed_tabs_free_their_slot(void **state)
{
	struct stream s[SSE_MAX_PER_USER];
	struct hq_client a;
	struct hq_resp r;
	char cookie[200];
	long st = 0;

	(void)state;
	login(&a, "auditor");	/* no stream of the test before may still be counted */
	cookie_of(&a, cookie, sizeof(cookie));
	for (int i = 0; i < SSE_MAX_PER_USER; i++)
		stream_open(&s[i], cookie, NULL, NULL);
	for (int i = 0; i < SSE_MAX_PER_USER; i++)
		stream_expect_ready(&s[i]);
	assert_int_equal(hq_req(&srv, &a, "GET", "/api/v1/events", NULL, &r), 429);
	assert_string_equal(hq_err_code(&r), "too_many_streams");
	hq_resp_free(&r);
	/* closing tabs (client side only) frees the slots: the hub sees the EOF */
	stream_close_all(s, SSE_MAX_PER_USER);
	for (int64_t end = mono_ms() + WAIT_MS; st != 200 && mono_ms() < end;) {
		struct timespec poll = { 0, 50 * 1000000L };	/* the hub checks once a second */
		struct stream one;
		stream_open(&one, cookie, NULL, NULL);
		/* ready, or a 429 (which ends at once) */
		st = stream_wait_for(&one, "event: ready\n", 1) ? 200 : 429;
		stream_close(&one);
		if (st != 200)
			nanosleep(&poll, NULL);
	}
	if (st != 200)
		fail_msg("a closed tab's slot was not free again within %d ms", WAIT_MS);
	hq_client_free(&a);
}

static void
logout_ends_the_stream(void **state)
{
	struct hq_client a;
	struct hq_resp r;
	struct stream s;
	char cookie[200];

	(void)state;
	sse_set_keepalive_ms(200);
	login(&a, "supervisor");
	cookie_of(&a, cookie, sizeof(cookie));
	stream_open(&s, cookie, NULL, NULL);
	stream_expect_ready(&s);
	stream_expect(&s, ": keepalive\n\n");	/* and the session is still good */
	assert_false(stream_done(&s));
	assert_int_equal(hq_req(&srv, &a, "DELETE", "/api/v1/session", NULL, &r), 200);
	hq_resp_free(&r);
	stream_expect_done(&s);
	stream_close(&s);
	sse_set_keepalive_ms(0);
	/* and the EventSource's reconnect is refused */
	assert_int_equal(hq_req(&srv, &a, "GET", "/api/v1/events", NULL, &r), 401);
	hq_resp_free(&r);
	hq_client_free(&a);
}

static void
server_stop_ends_open_streams_promptly(void **state)
{
	struct hq_client a;
	struct stream s[3];
	char cookie[200];
	int64_t t0;

	(void)state;
	login(&a, "auditor");
	cookie_of(&a, cookie, sizeof(cookie));
	hq_client_free(&a);
	for (int i = 0; i < 3; i++)
		stream_open(&s[i], cookie, NULL, NULL);
	for (int i = 0; i < 3; i++)
		stream_expect_ready(&s[i]);
	t0 = mono_ms();
	server_stop(srv.srv);	/* suspended streams are resumed and ended, not abandoned */
	srv.srv = NULL;
	assert_true(mono_ms() - t0 < WAIT_MS);
	for (int i = 0; i < 3; i++) {
		stream_expect_done(&s[i]);
		assert_int_equal(s[i].status, 200);
	}
	stream_close_all(s, 3);
	hq_stop(&srv);
	hq_start(&srv);	/* for the group teardown */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inbox_is_own_data_with_unread_count_read_and_read_all),
		cmocka_unit_test(inbox_rejects_bad_input_csrf_and_anonymous_callers),
		cmocka_unit_test(notify_send_checks_its_arguments),
		cmocka_unit_test(stream_has_sse_headers_and_starts_with_ready),
		cmocka_unit_test(stream_delivers_own_and_agency_events_but_never_other_users),
		cmocka_unit_test(api_write_in_one_tab_updates_the_other),
		cmocka_unit_test(last_event_id_resumes_after_it_only),
		cmocka_unit_test(many_idle_streams_do_not_block_the_api),
		cmocka_unit_test(per_user_limit_is_429_and_closed_tabs_free_their_slot),
		cmocka_unit_test(logout_ends_the_stream),
		cmocka_unit_test(server_stop_ends_open_streams_promptly),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
