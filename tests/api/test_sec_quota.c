/*
** tests/api/test_sec_quota.c: no single user can fill the disk or read what
** is not theirs through the side doors (issue #11, item 5):
**   - every upload kind has a size cap, and one byte more is 413 too_large;
**   - a user's uploads hold at most FILES_USER_QUOTA bytes: 413
**     quota_exceeded, per user (another user still uploads);
**   - uploads never attached expire after a day: the job deletes rows and
**     blobs (a blob another row still uses stays), audits once per run, and
**     an expired upload can no longer be attached; blobs no row names (a
**     rolled-back upload's) are swept after a day;
**   - live events (SSE) carry only records the subscriber may read: never an
**     order of another department the user cannot see, nor of another
**     agency; and a user holds at most SSE_MAX_PER_USER streams (429).
** Streams are read over raw sockets, each wait bounded by WAIT_MS.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/harness.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/files.h"
#include "core/limits.h"
#include "db/db.h"
#include "http/sse.h"
#include "jobs.h"

#define WAIT_MS 5000

static struct hq_server srv;
static struct hq_wo fx;

static int64_t
iget(const json_t *j, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(j, key));
}

/* Upload data as kind; status; *id the new id (0 on failure); code into r when kept. */
static long
upload(struct hq_client *c, const char *kind, const void *data, size_t len, int64_t *id,
       char *code, size_t csize)
{
	struct hq_resp r;
	char path[96];
	long st;

	snprintf(path, sizeof(path), "/api/v1/attachments?kind=%s", kind);
	st = hq_req_bin(&srv, c, "POST", path, "application/octet-stream", "X-Filename: a.bin",
			data, len, &r);
	if (id)
		*id = st == 201 ? iget(r.json, "id") : 0;
	if (code)
		snprintf(code, csize, "%s", hq_err_code(&r));
	hq_resp_free(&r);
	return st;
}

/* A JPEG of len bytes whose content is unique to seed. */
static unsigned char *
jpeg_of(size_t len, unsigned seed)
{
	unsigned char *p = calloc(1, len);

	assert_non_null(p);
	p[0] = 0xff;
	p[1] = 0xd8;
	p[2] = 0xff;
	memcpy(p + 3, &seed, sizeof(seed));
	return p;
}

static int64_t
one_i64(const char *sql, const char *name, int64_t v)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (!db_prepare(db, &st, sql, &e) && (!name || !db_bind_i64(&st, name, v, &e)) &&
	    db_step(&st, &e) == 1)
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	return n;
}

static void
exec_i64(const char *sql, const char *n1, int64_t v1, const char *n2, int64_t v2)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int rc = db_prepare(db, &st, sql, &e) || db_bind_i64(&st, n1, v1, &e) ||
		 (n2 && db_bind_i64(&st, n2, v2, &e)) || db_step_done(&st, &e) ? e.code : 0;

	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("exec: %s", e.msg);
}

/* 1 when the blob of attachment id exists on disk. */
static int
blob_exists(const char *hash)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%.2s/%s", files_root(), hash, hash + 2);
	return stat(path, &st) == 0;
}

static const char sql_hash[] = "SELECT content_hash FROM attachment WHERE id = :id";

static void
hash_of(int64_t id, char out[65])
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	const char *h;

	out[0] = '\0';
	if (!db_prepare(db, &st, sql_hash, &e) && !db_bind_i64(&st, ":id", id, &e) &&
	    db_step(&st, &e) == 1) {
		h = db_col_peek(&st, 0, NULL);
		snprintf(out, 65, "%s", h ? h : "");
	}
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	assert_int_equal(strlen(out), 64);
}

/* ---------- size caps ---------- */

static void
every_kind_has_a_cap(void **state)
{
	static const char *const kinds[] = { "photo", "document" };
	struct hq_client c;
	char code[64];

	(void)state;
	hq_sign_in(&srv, &c, "staff");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const struct files_kind *k = files_kind(kinds[i]);
		unsigned char *big;

		assert_non_null(k);
		assert_true(k->max_bytes > 0);
		assert_true(k->max_bytes <= FILES_BODY_MAX);	/* the cap, not the body limit, answers */
		big = jpeg_of(k->max_bytes + 1, 1);	/* images are accepted by every kind */
		assert_int_equal(upload(&c, kinds[i], big, k->max_bytes + 1, NULL, code,
					sizeof(code)), 413);
		assert_string_equal(code, "too_large");
		free(big);
	}
	hq_client_free(&c);
}

/* ---------- quota ---------- */

static const char sql_fake_row[] =
	"INSERT INTO attachment (agency_id, content_hash, size, mime, filename, kind, owner_entity,"
	" owner_id, created_by, created_at, updated_at) VALUES (:agency,"
	" '0000000000000000000000000000000000000000000000000000000000000000', :size,"
	" 'image/jpeg', 'old.jpg', 'photo', 'workorder', 1, :by, 1, 1)";
static const char sql_fake_size[] =
	"UPDATE attachment SET size = :size WHERE created_by = :by AND filename = 'old.jpg'";

static void
quota_is_per_user(void **state)
{
	struct hq_client user, other;
	unsigned char *p = jpeg_of(64, 2);
	int64_t me = hq_user_id(&srv, "staff2");
	char code[64];
	struct db *db;
	struct stmt st = { 0 };
	struct err e = { 0 };
	int rc;

	(void)state;
	hq_sign_in(&srv, &user, "staff2");
	hq_sign_in(&srv, &other, "finance");
	/* staff2 already holds all but 32 bytes of the quota (a row is cheaper than 200 MiB) */
	db = db_pool_writer(srv.pool);
	rc = db_prepare(db, &st, sql_fake_row, &e) ||
	     db_bind_i64(&st, ":agency", srv.agency_id, &e) ||
	     db_bind_i64(&st, ":size", FILES_USER_QUOTA - 32, &e) ||
	     db_bind_i64(&st, ":by", me, &e) || db_step_done(&st, &e) ? e.code : 0;
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	assert_int_equal(rc, 0);

	assert_int_equal(upload(&user, "photo", p, 64, NULL, code, sizeof(code)), 413);
	assert_string_equal(code, "quota_exceeded");
	assert_int_equal(upload(&user, "document", p, 64, NULL, code, sizeof(code)), 413);
	assert_string_equal(code, "quota_exceeded");
	/* another user is not affected */
	assert_int_equal(upload(&other, "photo", p, 64, NULL, NULL, 0), 201);
	/* exactly at the quota still fits */
	exec_i64(sql_fake_size, ":size", FILES_USER_QUOTA - 64, ":by", me);
	assert_int_equal(upload(&user, "photo", p, 64, NULL, NULL, 0), 201);
	assert_int_equal(upload(&user, "photo", p, 1 + 3, NULL, code, sizeof(code)), 413);
	assert_string_equal(code, "quota_exceeded");
	free(p);
	hq_client_free(&user);
	hq_client_free(&other);
}

/* ---------- expiry ---------- */

static const char sql_att_count[] = "SELECT COUNT(*) FROM attachment WHERE id = :id";
static const char sql_expire_audits[] =
	"SELECT COUNT(*) FROM audit_log WHERE action = 'expire' AND entity = 'attachment'"
	" AND agency_id = :agency";
static const char sql_age[] = "UPDATE attachment SET created_at = :at WHERE id = :id";

static void
unattached_uploads_expire_with_their_files(void **state)
{
	struct hq_client c;
	struct hq_resp r;
	unsigned char *lone = jpeg_of(40, 10), *shared = jpeg_of(40, 11);
	int64_t a, kept, twin, late, audits, later = now_ms() + FILES_UNATTACHED_MS + MINUTE_MS;
	char ha[65], hs[65], body[256];

	(void)state;
	hq_sign_in(&srv, &c, "staff");
	assert_int_equal(upload(&c, "photo", lone, 40, &a, NULL, 0), 201);
	assert_int_equal(upload(&c, "photo", shared, 40, &kept, NULL, 0), 201);
	assert_int_equal(upload(&c, "photo", shared, 40, &twin, NULL, 0), 201);
	hash_of(a, ha);
	hash_of(kept, hs);
	snprintf(body, sizeof(body), "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"带图\","
		 "\"attachment_ids\":[%lld]}", (long long)fx.cat, (long long)fx.room,
		 (long long)kept);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/workorders", body, &r), 201);
	hq_resp_free(&r);
	assert_true(blob_exists(ha));
	audits = one_i64(sql_expire_audits, ":agency", srv.agency_id);

	/* not yet a day old: nothing happens */
	assert_int_equal(jobs_run_once(srv.pool, now_ms()), 0);
	assert_int_equal(one_i64(sql_att_count, ":id", a), 1);
	assert_int_equal(one_i64(sql_expire_audits, ":agency", srv.agency_id), audits);

	assert_int_equal(jobs_run_once(srv.pool, later), 0);
	assert_int_equal(one_i64(sql_att_count, ":id", a), 0);
	assert_int_equal(one_i64(sql_att_count, ":id", twin), 0);
	assert_int_equal(one_i64(sql_att_count, ":id", kept), 1);
	assert_false(blob_exists(ha));	/* its bytes are gone from the disk */
	assert_true(blob_exists(hs));	/* the attached twin still needs them */
	/* one audit record for the run, none for a run with nothing to do */
	assert_int_equal(one_i64(sql_expire_audits, ":agency", srv.agency_id), audits + 1);
	assert_int_equal(jobs_run_once(srv.pool, later), 0);
	assert_int_equal(one_i64(sql_expire_audits, ":agency", srv.agency_id), audits + 1);

	/* an upload past its day cannot be attached (its blob may be going) */
	assert_int_equal(upload(&c, "photo", lone, 40, &late, NULL, 0), 201);
	exec_i64(sql_age, ":at", now_ms() - FILES_UNATTACHED_MS - MINUTE_MS, ":id", late);
	snprintf(body, sizeof(body), "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"带图\","
		 "\"attachment_ids\":[%lld]}", (long long)fx.cat, (long long)fx.room,
		 (long long)late);
	assert_int_equal(hq_req(&srv, &c, "POST", "/api/v1/workorders", body, &r), 422);
	assert_string_equal(hq_err_code(&r), "attachment_expired");
	hq_resp_free(&r);
	free(lone);
	free(shared);
	hq_client_free(&c);
}

/* A blob file named hash, mtime age_ms ago. */
static void
put_blob(const char *hash, int64_t age_ms)
{
	char dir[1024], path[1100];
	struct timeval tv[2];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/%.2s", files_root(), hash);
	mkdir(dir, 0750);
	snprintf(path, sizeof(path), "%s/%s", dir, hash + 2);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("orphan", f);
	fclose(f);
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= (time_t)(age_ms / 1000);
	tv[1] = tv[0];
	assert_int_equal(utimes(path, tv), 0);
}

static const char sql_row_for_hash[] =
	"INSERT INTO attachment (agency_id, content_hash, size, mime, filename, kind, owner_entity,"
	" owner_id, created_by, created_at, updated_at) VALUES (:agency,"
	" 'ab00000000000000000000000000000000000000000000000000000000000003', 6,"
	" 'text/plain', 'used.txt', 'document', 'workorder', 1, NULL, :now, :now)";
static const char sql_sweep_audits[] =
	"SELECT COUNT(*) FROM audit_log WHERE action = 'sweep' AND entity = 'attachment'";

static void
orphan_blobs_are_swept(void **state)
{
	static const char old_orphan[] =
		"ab00000000000000000000000000000000000000000000000000000000000001";
	static const char young_orphan[] =
		"ab00000000000000000000000000000000000000000000000000000000000002";
	static const char used[] =
		"ab00000000000000000000000000000000000000000000000000000000000003";
	/* a minute whose turn is directory ab/ */
	int64_t now = ((now_ms() / MINUTE_MS / 256 + 1) * 256 + 0xab) * MINUTE_MS;
	int64_t audits = one_i64(sql_sweep_audits, NULL, 0);

	(void)state;
	put_blob(old_orphan, 3 * FILES_UNATTACHED_MS);
	put_blob(young_orphan, 0);
	put_blob(used, 3 * FILES_UNATTACHED_MS);
	exec_i64(sql_row_for_hash, ":agency", srv.agency_id, ":now", now_ms());
	assert_int_equal(jobs_run_once(srv.pool, now - MINUTE_MS), 0);	/* ab/'s turn is not yet */
	assert_true(blob_exists(old_orphan));
	assert_int_equal(jobs_run_once(srv.pool, now), 0);
	assert_false(blob_exists(old_orphan));
	assert_true(blob_exists(young_orphan));	/* may be an upload's, still in its day */
	assert_true(blob_exists(used));
	assert_int_equal(one_i64(sql_sweep_audits, NULL, 0), audits + 1);
	assert_int_equal(jobs_run_once(srv.pool, now), 0);	/* once a minute, once audited */
	assert_int_equal(one_i64(sql_sweep_audits, NULL, 0), audits + 1);
}

/* ---------- live events ---------- */

struct sse {
	int fd;
	char buf[65536];
	size_t len;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The houqin_session cookie of a logged-in client. */
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
	assert_true(out[0] != '\0');
}

/* GET /api/v1/events as the client c, on a raw socket. */
static void
sse_open_as(struct sse *s, struct hq_client *c)
{
	struct sockaddr_in sa = { 0 };
	const char *port = strrchr(srv.base, ':');
	char cookie[200], req[512];
	int n;

	cookie_of(c, cookie, sizeof(cookie));
	s->len = 0;
	s->buf[0] = '\0';
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)strtol(port ? port + 1 : "0", NULL, 10));
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_int_equal(connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	n = snprintf(req, sizeof(req), "GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\n"
		     "Accept: text/event-stream\r\nCookie: houqin_session=%s\r\n\r\n", cookie);
	assert_int_equal(send(s->fd, req, (size_t)n, MSG_NOSIGNAL), n);
}

/* Read until needle is in the stream (1) or WAIT_MS or the end (0). */
static int
sse_wait(struct sse *s, const char *needle)
{
	int64_t end = mono_ms() + WAIT_MS;

	while (!strstr(s->buf, needle)) {
		struct pollfd p = { s->fd, POLLIN, 0 };
		int64_t left = end - mono_ms();
		ssize_t r;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0 || s->len + 1 >= sizeof(s->buf))
			return 0;
		r = recv(s->fd, s->buf + s->len, sizeof(s->buf) - s->len - 1, 0);
		if (r <= 0)
			return 0;
		s->len += (size_t)r;
		s->buf[s->len] = '\0';
	}
	return 1;
}

static void
sse_expect(struct sse *s, const char *needle)
{
	if (!sse_wait(s, needle))
		fail_msg("no \"%s\" on the stream within %d ms; got:\n%s", needle, WAIT_MS, s->buf);
}

static void
sse_close(struct sse *s)
{
	close(s->fd);
}

/* POST /workorders as c at location loc of category cat; the new id. */
static int64_t
file_order(struct hq_client *c, int64_t cat, int64_t loc, const char *title)
{
	struct hq_resp r;
	char body[256];
	int64_t id;

	snprintf(body, sizeof(body), "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"%s\"}",
		 (long long)cat, (long long)loc, title);
	assert_int_equal(hq_req(&srv, c, "POST", "/api/v1/workorders", body, &r), 201);
	id = iget(r.json, "id");
	hq_resp_free(&r);
	return id;
}

static void
accept_order(struct hq_client *office, int64_t id)
{
	struct hq_resp r;
	char path[96];

	snprintf(path, sizeof(path), "/api/v1/workorders/%lld/accept", (long long)id);
	assert_int_equal(hq_req(&srv, office, "POST", path, NULL, &r), 200);
	hq_resp_free(&r);
}

static void
events_carry_only_what_the_subscriber_may_read(void **state)
{
	struct hq_client staff, staff2, head, office, b_staff, b_office;
	struct hq_agency agb;
	struct hq_wo fb;
	struct sse s2, sh, sb;
	char secret[96], mine[96], theirs[96];
	int64_t order, own, b_order;

	(void)state;
	hq_fixture_agency(&srv, "乙机关", "b_", &agb);
	hq_wo_fixture_agency(&srv, agb.agency_id, "b_worker", &fb);
	hq_sign_in(&srv, &staff, "staff");		/* 一处 */
	hq_sign_in(&srv, &staff2, "staff2");	/* 二处: may not read 一处's orders */
	hq_sign_in(&srv, &head, "dept_head");	/* 一处's head: may */
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &b_staff, "b_staff");	/* another agency */
	hq_sign_in(&srv, &b_office, "b_office");
	sse_open_as(&s2, &staff2);
	sse_open_as(&sh, &head);
	sse_open_as(&sb, &b_staff);
	sse_expect(&s2, "event: ready");
	sse_expect(&sh, "event: ready");
	sse_expect(&sb, "event: ready");

	/* 一处's order changes twice: agency-wide events in the queue */
	order = file_order(&staff, fx.cat, fx.room, "一处的报修");
	accept_order(&office, order);
	snprintf(secret, sizeof(secret), "\"entity\":\"workorder\",\"entity_id\":%lld}",
		 (long long)order);
	sse_expect(&sh, secret);	/* the head reads it: the events do flow */

	/* markers after it: staff2's own order, b_staff's own order in agency B */
	own = file_order(&staff2, fx.cat, fx.room, "二处的报修");
	accept_order(&office, own);
	snprintf(mine, sizeof(mine), "\"entity\":\"workorder\",\"entity_id\":%lld}",
		 (long long)own);
	sse_expect(&s2, mine);
	b_order = file_order(&b_staff, fb.cat, fb.room, "乙机关的报修");
	accept_order(&b_office, b_order);
	snprintf(theirs, sizeof(theirs), "\"entity\":\"workorder\",\"entity_id\":%lld}",
		 (long long)b_order);
	sse_expect(&sb, theirs);

	/* what each was never sent */
	assert_null(strstr(s2.buf, secret));
	assert_null(strstr(s2.buf, "一处的报修"));
	assert_null(strstr(sb.buf, secret));
	assert_null(strstr(sh.buf, theirs));
	assert_null(strstr(sh.buf, mine));	/* 二处's order is not the 一处 head's either */
	sse_close(&s2);
	sse_close(&sh);
	sse_close(&sb);
	hq_client_free(&staff);
	hq_client_free(&staff2);
	hq_client_free(&head);
	hq_client_free(&office);
	hq_client_free(&b_staff);
	hq_client_free(&b_office);
}

static void
streams_per_user_are_capped(void **state)
{
	struct sse s[SSE_MAX_PER_USER + 1];
	struct hq_client c, other;
	struct hq_resp r;

	(void)state;
	hq_sign_in(&srv, &c, "leader");
	hq_sign_in(&srv, &other, "finance");
	for (int i = 0; i < SSE_MAX_PER_USER; i++) {
		sse_open_as(&s[i], &c);
		sse_expect(&s[i], "event: ready");
	}
	assert_int_equal(hq_req(&srv, &c, "GET", "/api/v1/events", NULL, &r), 429);
	assert_string_equal(hq_err_code(&r), "too_many_streams");
	hq_resp_free(&r);
	/* the cap is per user: another user still opens one */
	sse_open_as(&s[SSE_MAX_PER_USER], &other);
	sse_expect(&s[SSE_MAX_PER_USER], "event: ready");
	for (int i = 0; i <= SSE_MAX_PER_USER; i++)
		sse_close(&s[i]);
	hq_client_free(&c);
	hq_client_free(&other);
}

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_kind_has_a_cap),
		cmocka_unit_test(quota_is_per_user),
		cmocka_unit_test(unattached_uploads_expire_with_their_files),
		cmocka_unit_test(orphan_blobs_are_swept),
		cmocka_unit_test(events_carry_only_what_the_subscriber_may_read),
		cmocka_unit_test(streams_per_user_are_capped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
