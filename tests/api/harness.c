/*
** tests/api/harness.c: in-process server + libcurl client for API tests.
** HOUQIN_TEST_BACKEND=pg runs each server on a fresh PostgreSQL database made
** (and dropped) through a maintenance connection to HOUQIN_TEST_PG; SQLite,
** a file in the server's temp dir, is the default.
*/
#include "api/harness.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/files.h"
#include "core/log.h"
#include "db/db.h"
#include "http/server.h"
#include "modules/org/org.h"
#include "modules.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"

#include <curl/curl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static void
harness_fail(const char *what, const struct err *e)
{
	fprintf(stderr, "harness: %s: %s\n", what, e ? e->msg : "");
	abort();
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		harness_fail("cannot write web fixture", NULL);
	fputs(text, f);
	fclose(f);
}

/* A tiny web root so static-file tests do not depend on the Vite build. */
static void
make_web_root(struct hq_server *s)
{
	char p[400];

	snprintf(s->web_root, sizeof(s->web_root), "%s/dist", s->dir);
	mkdir(s->web_root, 0700);
	snprintf(p, sizeof(p), "%s/assets", s->web_root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/index.html", s->web_root);
	write_file(p, "<!doctype html><html><head><title>后勤</title></head><body>"
		      "<div id=app></div></body></html>\n");
	snprintf(p, sizeof(p), "%s/assets/app-1234.js", s->web_root);
	FILE *f = fopen(p, "w");
	for (int i = 0; f && i < 200; i++)
		fprintf(f, "console.log('houqin line %d');\n", i);
	if (f)
		fclose(f);
	snprintf(p, sizeof(p), "%s/secret.txt", s->dir);
	write_file(p, "TOP-SECRET-OUTSIDE-WEB-ROOT\n");
}

void
hq_audit_key(void)
{
	unsigned char key[AUD_KEY_BYTES];

	memset(key, HQ_AUDIT_KEY_BYTE, sizeof(key));
	aud_key_set(key);
}

const char *
hq_backend(void)
{
	const char *b = getenv("HOUQIN_TEST_BACKEND");

	if (!b || !*b || strcmp(b, "sqlite") == 0)
		return "sqlite";
	if (strcmp(b, "pg") == 0)
		return "pg";
	harness_fail("HOUQIN_TEST_BACKEND must be sqlite or pg", NULL);
	return NULL;
}

/* The maintenance URI (a database the houqin role may CREATE/DROP DATABASE from). */
static const char *
pg_admin_uri(void)
{
	const char *uri = getenv("HOUQIN_TEST_PG");

	if (!uri || !db_is_pg_uri(uri))
		harness_fail("HOUQIN_TEST_PG must be a postgresql:// URI (tools/run-tests.sh api-pg "
		     "starts a cluster)", NULL);
	return uri;
}

/*
** Run one statement on a short maintenance connection (CREATE/DROP DATABASE refuse a tx):
** 0 when it worked, else its error printed and -1 (a lost connection fails the run).
*/
static int
pg_admin_try(const char *sql)
{
	PGconn *c = PQconnectdb(pg_admin_uri());
	PGresult *r;
	int rc = 0;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "harness: PostgreSQL: %s", PQerrorMessage(c));
		harness_fail("cannot reach HOUQIN_TEST_PG", NULL);
	}
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(c));
		rc = -1;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

static void
pg_admin_exec(const char *sql)
{
	if (pg_admin_try(sql))
		harness_fail("PostgreSQL maintenance statement failed", NULL);
}

/*
** HOUQIN_TEST_PG with its database replaced by name, into out: the path after
** the authority ("/postgres") goes, any "?params" stay.
*/
static void
pg_uri_with_db(const char *name, char *out, size_t size)
{
	const char *uri = pg_admin_uri();
	const char *auth = strstr(uri, "://") + 3;
	size_t head = strcspn(auth, "/?") + (size_t)(auth - uri);
	const char *query = strchr(uri + head, '?');
	int n = snprintf(out, size, "%.*s/%s%s", (int)head, uri, name, query ? query : "");

	if (n < 0 || (size_t)n >= size)
		harness_fail("HOUQIN_TEST_PG is too long", NULL);
}

/* A fresh database hq_<pid>_<n>, owned by HOUQIN_TEST_PG's role; its URI into s->db_path. */
static void
pg_create_db(struct hq_server *s)
{
	static unsigned counter;
	char sql[128];

	snprintf(s->pg_db, sizeof(s->pg_db), "hq_%ld_%u", (long)getpid(), ++counter);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", s->pg_db);
	pg_admin_exec(sql);
	pg_uri_with_db(s->pg_db, s->db_path, sizeof(s->db_path));
}

/* Drop s's database; FORCE ends any connection a test left open. */
static void
pg_drop_db(struct hq_server *s)
{
	char sql[160];

	if (!s->pg_db[0])
		return;
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", s->pg_db);
	/*
	** FORCE may not end an autovacuum worker of the superuser that is busy in the
	** database ("must be a member of the role…"): it is gone a moment later.
	*/
	for (int i = 0; pg_admin_try(sql); i++) {
		if (i == 20)
			harness_fail("PostgreSQL maintenance statement failed", NULL);
		usleep(250 * 1000);
	}
	s->pg_db[0] = '\0';
}

void
hq_audit_unprotect(struct db *db)
{
	static const char sqlite_sql[] = "DROP TRIGGER IF EXISTS audit_log_no_update;"
					 " DROP TRIGGER IF EXISTS audit_log_no_delete";
	/* by kind, not name: whatever the PostgreSQL migration calls its trigger */
	static const char pg_sql[] = "ALTER TABLE audit_log DISABLE TRIGGER USER";
	struct err e = { 0 };

	if (db_exec(db, db_backend(db) == DB_PG ? pg_sql : sqlite_sql, &e))
		harness_fail("cannot switch the audit_log guard off", &e);
}

static const char *trusted_proxy;

void
hq_set_trusted_proxy(const char *addr)
{
	trusted_proxy = addr;
}

void
hq_start(struct hq_server *s)
{
	struct server_config cfg = { 0 };
	struct err e = { 0 };
	struct db *w;
	int applied;

	memset(s, 0, sizeof(*s));
	/* a wrong backend setting fails before anything is made that an abort would leave */
	if (strcmp(hq_backend(), "pg") == 0)
		pg_admin_uri();
	if (sodium_init() < 0)
		harness_fail("sodium_init", NULL);
	auth_set_fast_hashing(1);
	hq_audit_key();
	modules_init();
	log_set_level(LOG_ERROR);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(s->dir, sizeof(s->dir), "/tmp/houqin-test-XXXXXX");
	if (!mkdtemp(s->dir))
		harness_fail("mkdtemp", NULL);
	if (strcmp(hq_backend(), "pg") == 0)
		pg_create_db(s);
	else
		snprintf(s->db_path, sizeof(s->db_path), "%s/test.db", s->dir);
	make_web_root(s);
	if (files_init(s->dir, &e))	/* attachments under <dir>/files */
		harness_fail("files_init", &e);
	if (db_pool_new(s->db_path, 2, &s->pool, &e))
		harness_fail("pool", &e);
	w = db_pool_writer(s->pool);
	if (db_migrate(w, &applied, &e))
		harness_fail("migrate", &e);
	db_pool_writer_unlock(s->pool);
	hq_fixture_org(s);
	cfg.addr = "127.0.0.1";
	cfg.port = 0;
	cfg.threads = 2;
	cfg.web_root = s->web_root;
	cfg.pool = s->pool;
	cfg.routes = modules_routes();
	cfg.trusted_proxy = trusted_proxy;
	if (server_start(&cfg, &s->srv, &e))
		harness_fail("server_start", &e);
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%u", server_port(s->srv));
}

void
hq_stop(struct hq_server *s)
{
	char cmd[400];

	server_stop(s->srv);
	db_pool_free(s->pool);
	pg_drop_db(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	if (strncmp(s->dir, "/tmp/houqin-test-", 17) == 0 && system(cmd) != 0)
		fprintf(stderr, "harness: cannot remove %s\n", s->dir);
	curl_global_cleanup();
}

static const struct {
	const char *username, *roles, *dept;
} fixture_users[] = {
	{ "staff", "staff", "一处" },		{ "staff2", "staff", "二处" },
	{ "dept_head", "dept_head,staff", "一处" }, { "office", "office,staff", "办公室" },
	{ "worker", "worker,staff", "办公室" },	{ "leader", "leader,staff", "办公室" },
	{ "finance", "finance,staff", "办公室" },	{ "supervisor", "supervisor", "办公室" },
	{ "sysadmin", "sysadmin", "办公室" },	{ "secadmin", "secadmin", "办公室" },
	{ "auditor", "auditor", "办公室" },
};

/* Agency `name` with 办公室, 一处, 二处 and one user per fixture_users row named prefix + username. */
static void
make_agency(struct hq_server *s, const char *name, const char *prefix, int64_t ids[4])
{
	struct arena *a = arena_new(16384);
	struct actor sys = { .ip = "test", .username = "test" };
	struct db *db = db_pool_writer(s->pool);
	struct dept root, d[3];
	static const char *names[] = { "办公室", "一处", "二处" };
	struct err e = { 0 };
	struct user u;

	if (db_begin_write(db, &e) || org_agency_create(db, a, &sys, name, &root, &e))
		harness_fail("fixture agency", &e);
	sys.agency_id = root.id;
	for (int i = 0; i < 3; i++) {
		struct dept_in in = { .parent_id = root.id, .name = names[i], .sort_order = i };
		if (org_dept_create(db, a, &sys, &in, &d[i], &e))
			harness_fail("fixture dept", &e);
	}
	for (size_t i = 0; i < sizeof(fixture_users) / sizeof(fixture_users[0]); i++) {
		unsigned roles;
		char username[64];
		snprintf(username, sizeof(username), "%s%s", prefix, fixture_users[i].username);
		struct user_in in = { .username = username, .display_name = username,
				      .password = TEST_PASSWORD };
		for (int k = 0; k < 3; k++)
			if (strcmp(names[k], fixture_users[i].dept) == 0)
				in.department_id = d[k].id;
		role_parse_list(fixture_users[i].roles, &roles);
		if (org_user_create(db, a, &sys, &in, roles, &u, &e))
			harness_fail("fixture user", &e);
	}
	if (db_commit(db, &e))
		harness_fail("fixture commit", &e);
	db_pool_writer_unlock(s->pool);
	ids[0] = root.id;
	ids[1] = d[0].id;
	ids[2] = d[1].id;
	ids[3] = d[2].id;
	arena_free(a);
}

void
hq_fixture_org(struct hq_server *s)
{
	struct arena *a = arena_new(16384);
	struct actor sys = { .ip = "test", .username = "test" };
	struct db *db = db_pool_writer(s->pool);
	struct dept root, d[3];
	static const char *names[] = { "办公室", "一处", "二处" };
	struct err e = { 0 };
	struct user u;

	if (db_begin_write(db, &e) || org_agency_create(db, a, &sys, "测试机关", &root, &e))
		harness_fail("fixture agency", &e);
	sys.agency_id = root.id;
	for (int i = 0; i < 3; i++) {
		struct dept_in in = { .parent_id = root.id, .name = names[i], .sort_order = i };
		if (org_dept_create(db, a, &sys, &in, &d[i], &e))
			harness_fail("fixture dept", &e);
	}
	for (size_t i = 0; i < sizeof(fixture_users) / sizeof(fixture_users[0]); i++) {
		unsigned roles;
		struct user_in in = { .username = fixture_users[i].username,
				      .display_name = fixture_users[i].username,
				      .password = TEST_PASSWORD };
		for (int k = 0; k < 3; k++)
			if (strcmp(names[k], fixture_users[i].dept) == 0)
				in.department_id = d[k].id;
		role_parse_list(fixture_users[i].roles, &roles);
		if (org_user_create(db, a, &sys, &in, roles, &u, &e))
			harness_fail("fixture user", &e);
	}
	if (db_commit(db, &e))
		harness_fail("fixture commit", &e);
	db_pool_writer_unlock(s->pool);
	s->agency_id = root.id;
	s->office_dept_id = d[0].id;
	s->dept1_id = d[1].id;
	s->dept2_id = d[2].id;
	arena_free(a);
}

void
hq_fixture_agency(struct hq_server *s, const char *name, const char *prefix,
		  struct hq_agency *out)
{
	int64_t ids[4];

	make_agency(s, name, prefix, ids);
	out->agency_id = ids[0];
	out->office_dept_id = ids[1];
	out->dept1_id = ids[2];
	out->dept2_id = ids[3];
}

void
hq_fixture_users(struct hq_server *s, int64_t agency_id, int64_t dept_id, const char *prefix,
		 const char *roles, int n, int64_t *ids)
{
	struct arena *a = arena_new(16384);
	struct actor sys = { .ip = "test", .username = "test", .agency_id = agency_id };
	struct db *db = db_pool_writer(s->pool);
	struct err e = { 0 };
	unsigned bits;

	if (role_parse_list(roles, &bits) || db_begin_write(db, &e))
		harness_fail("fixture users", &e);
	for (int i = 0; i < n; i++) {
		char username[64];
		struct user u;
		snprintf(username, sizeof(username), "%s%d", prefix, i + 1);
		struct user_in in = { .username = username, .display_name = username,
				      .password = TEST_PASSWORD, .department_id = dept_id };
		if (org_user_create(db, a, &sys, &in, bits, &u, &e))
			harness_fail("fixture users", &e);
		if (ids)
			ids[i] = u.id;
	}
	if (db_commit(db, &e))
		harness_fail("fixture users commit", &e);
	db_pool_writer_unlock(s->pool);
	arena_free(a);
}

int64_t
hq_user_id(struct hq_server *s, const char *username)
{
	struct arena *a = arena_new(4096);
	struct db *db = db_pool_reader(s->pool);
	struct err e = { 0 };
	struct user u = { 0 };

	if (org_user_find(db, a, username, &u, &e))
		harness_fail("hq_user_id", &e);
	db_pool_release(s->pool, db);
	arena_free(a);
	return u.id;
}

int64_t
hq_scalar(struct hq_server *s, const char *sql, int64_t id)
{
	struct db *db = db_pool_writer(s->pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t v = 0;
	int rc = db_prepare(db, &st, sql, &e) || (strstr(sql, ":id") && db_bind_i64(&st, ":id", id, &e)) ||
		 db_step_row(&st, &e);

	if (!rc)
		v = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(s->pool);
	if (rc)
		harness_fail(sql, &e);
	return v;
}

void
hq_client_init(struct hq_client *c)
{
	memset(c, 0, sizeof(*c));
	c->curl = curl_easy_init();
	curl_easy_setopt(c->curl, CURLOPT_COOKIEFILE, "");	/* in-memory cookie engine */
	/* a hung server fails the test instead of hanging the suite */
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, HQ_REQUEST_TIMEOUT_S);
}

void
hq_client_free(struct hq_client *c)
{
	curl_easy_cleanup(c->curl);
	c->curl = NULL;
}

struct sink {
	char *p;
	size_t len;
};

static size_t
collect(char *ptr, size_t size, size_t n, void *ud)
{
	struct sink *s = ud;
	size_t add = size * n;
	char *q = realloc(s->p, s->len + add + 1);

	if (!q)
		return 0;
	memcpy(q + s->len, ptr, add);
	s->p = q;
	s->len += add;
	s->p[s->len] = '\0';
	return add;
}

static long
perform_len(CURL *h, const char *method, const char *url, const char *body, size_t body_len,
	    struct curl_slist *hdrs, struct hq_resp *out)
{
	struct sink b = { 0 }, hd = { 0 };
	CURLcode rc;

	memset(out, 0, sizeof(*out));
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &hd);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	} else {
		/* reset any body left from an earlier request on this handle */
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	}
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		fprintf(stderr, "harness: %s %s: %s\n", method, url, curl_easy_strerror(rc));
		free(b.p);
		free(hd.p);
		return -1;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	out->body = b.p;
	out->len = b.len;
	out->headers = hd.p;
	if (b.p && b.len)
		out->json = json_loadb(b.p, b.len, 0, NULL);
	return out->status;
}

static long
perform(CURL *h, const char *method, const char *url, const char *body,
	struct curl_slist *hdrs, struct hq_resp *out)
{
	return perform_len(h, method, url, body, body ? strlen(body) : 0, hdrs, out);
}

long
hq_req(struct hq_server *s, struct hq_client *c, const char *method, const char *path,
       const char *body, struct hq_resp *out)
{
	struct curl_slist *h = NULL;
	char url[1024], line[200];
	int unsafe = strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
	long status;

	snprintf(url, sizeof(url), "%s%s", s->base, path);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	if (unsafe && c->csrf[0] && !c->no_csrf) {
		snprintf(line, sizeof(line), "X-CSRF-Token: %s", c->csrf);
		h = curl_slist_append(h, line);
	}
	if (c->bearer[0]) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", c->bearer);
		h = curl_slist_append(h, line);
	}
	curl_easy_setopt(c->curl, CURLOPT_PATH_AS_IS, 0L);
	status = perform(c->curl, method, url, body, h, out);
	curl_slist_free_all(h);
	return status;
}

long
hq_raw(struct hq_server *s, const char *method, const char *path, const char *header,
       struct hq_resp *out)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hd = header ? curl_slist_append(NULL, header) : NULL;
	char url[1024];
	long status;

	snprintf(url, sizeof(url), "%s%s", s->base, path);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, HQ_REQUEST_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
	status = perform(h, method, url, NULL, hd, out);
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	return status;
}

long
hq_login(struct hq_server *s, struct hq_client *c, const char *user, const char *pw)
{
	struct hq_resp r;
	char body[256];
	long status;

	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
	status = hq_req(s, c, "POST", "/api/v1/session", body, &r);
	if (status == 200) {
		const char *tok = json_string_value(json_object_get(r.json, "csrf_token"));
		snprintf(c->csrf, sizeof(c->csrf), "%s", tok ? tok : "");
	}
	hq_resp_free(&r);
	return status;
}

void
hq_sign_in(struct hq_server *s, struct hq_client *c, const char *user)
{
	hq_client_init(c);
	if (hq_login(s, c, user, TEST_PASSWORD) != 200)
		fail_msg("sign-in as %s failed", user);
}

json_t *
hq_expect(struct hq_server *s, struct hq_client *c, const char *method, const char *path,
	  const char *body, long want, const char *code)
{
	struct hq_resp r;
	json_t *j;

	if (hq_req(s, c, method, path, body, &r) != want)
		fail_msg("%s %s %s: %ld, want %ld: %s", method, path, body ? body : "", r.status,
			     want, r.body ? r.body : "");
	if (code && strcmp(hq_err_code(&r) ? hq_err_code(&r) : "", code) != 0)
		fail_msg("%s %s: error code %s, want %s", method, path,
			     hq_err_code(&r) ? hq_err_code(&r) : "(none)", code);
	j = r.json ? json_incref(r.json) : NULL;
	hq_resp_free(&r);
	return j;
}

void
hq_resp_free(struct hq_resp *r)
{
	json_decref(r->json);
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

const char *
hq_err_code(const struct hq_resp *r)
{
	const char *c = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));

	return c ? c : "";
}

const char *
hq_header(const struct hq_resp *r, const char *name, char *buf, size_t size)
{
	size_t n = strlen(name);

	for (const char *p = r->headers; p && *p;) {
		const char *eol = strstr(p, "\r\n");
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			snprintf(buf, size, "%.*s", (int)(len - (size_t)(v - p)), v);
			return buf;
		}
		p = eol ? eol + 2 : p + len;
	}
	return NULL;
}

long
hq_req_bin(struct hq_server *s, struct hq_client *c, const char *method, const char *path,
	   const char *content_type, const char *header, const void *body, size_t len,
	   struct hq_resp *out)
{
	struct curl_slist *h = NULL;
	char url[1024], line[300];
	long status;

	snprintf(url, sizeof(url), "%s%s", s->base, path);
	snprintf(line, sizeof(line), "Content-Type:%s%s", content_type ? " " : "",
		 content_type ? content_type : "");
	h = curl_slist_append(h, line);
	if (!header || strncasecmp(header, "Expect:", 7) != 0)
		h = curl_slist_append(h, "Expect:");
	if (header)
		h = curl_slist_append(h, header);
	if (c->csrf[0] && !c->no_csrf) {
		snprintf(line, sizeof(line), "X-CSRF-Token: %s", c->csrf);
		h = curl_slist_append(h, line);
	}
	if (c->bearer[0]) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", c->bearer);
		h = curl_slist_append(h, line);
	}
	curl_easy_setopt(c->curl, CURLOPT_PATH_AS_IS, 0L);
	status = perform_len(c->curl, method, url, body ? body : "", len, h, out);
	curl_slist_free_all(h);
	return status;
}

/* ---------- work-order fixture (see harness.h) ---------- */

static int64_t
wo_fixture_insert(struct db *db, const char *sql)
{
	struct err e = { 0 };

	if (db_exec(db, sql, &e))
		harness_fail("wo fixture", &e);
	return db_last_id(db);
}

void
hq_wo_act(struct hq_server *s, struct hq_client *c, int64_t id, const char *action,
	  const char *body)
{
	struct hq_resp r;
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/workorders/%lld/%s", (long long)id, action);
	if (hq_req(s, c, "POST", path, body ? body : "{}", &r) != 200)
		fail_msg("%s on %lld gave %ld: %s", action, (long long)id, r.status, r.body);
	hq_resp_free(&r);
}

void
hq_wo_fixture(struct hq_server *s, struct hq_wo *out)
{
	hq_wo_fixture_agency(s, s->agency_id, "worker", out);
}

void
hq_wo_fixture_agency(struct hq_server *s, int64_t agency_id, const char *worker,
		     struct hq_wo *out)
{
	static const char *const prio[] = { "urgent", "high", "normal", "low" };
	struct db *db;
	struct err e = { 0 };
	long long ag = (long long)agency_id;
	char sql[512];

	memset(out, 0, sizeof(*out));
	out->worker = hq_user_id(s, worker);
	db = db_pool_writer(s->pool);
	if (db_begin_write(db, &e))
		harness_fail("wo fixture begin", &e);
#define LOC(field, parent, kind, name, active)                                                   \
	snprintf(sql, sizeof(sql),                                                               \
		 "INSERT INTO location (agency_id, parent_id, kind, name, active, created_at,"   \
		 " updated_at) VALUES (%lld, %s, '%s', '%s', %d, 1, 1)",                         \
		 ag, parent, kind, name, active);                                                \
	out->field = wo_fixture_insert(db, sql)
	char p[32];
	LOC(building, "NULL", "building", "综合楼", 1);
	snprintf(p, sizeof(p), "%lld", (long long)out->building);
	LOC(floor, p, "floor", "3层", 1);
	snprintf(p, sizeof(p), "%lld", (long long)out->floor);
	LOC(room, p, "room", "301", 1);
	LOC(room2, p, "room", "302", 1);
	LOC(garage, "NULL", "building", "车库", 1);
	snprintf(p, sizeof(p), "%lld", (long long)out->garage);
	LOC(inactive_room, p, "room", "旧库房", 0);
#undef LOC
	snprintf(sql, sizeof(sql), "INSERT INTO wo_team (agency_id, name, active, created_at,"
		 " updated_at) VALUES (%lld, '水电班', 1, 1, 1)", ag);
	out->team = wo_fixture_insert(db, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO wo_team_member (agency_id, team_id, user_id)"
		 " VALUES (%lld, %lld, %lld)", ag, (long long)out->team, (long long)out->worker);
	wo_fixture_insert(db, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO wo_category (agency_id, name, default_team_id,"
		 " safety, sort_order, active, created_at, updated_at) VALUES (%lld, '水电', %lld,"
		 " 0, 1, 1, 1, 1)", ag, (long long)out->team);
	out->cat = wo_fixture_insert(db, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO wo_category (agency_id, name, safety, sort_order,"
		 " active, created_at, updated_at) VALUES (%lld, '电梯', 1, 2, 1, 1, 1)", ag);
	out->cat_safety = wo_fixture_insert(db, sql);
	for (int c = 0; c < 2; c++)
		for (int i = 0; i < 4; i++) {
			snprintf(sql, sizeof(sql), "INSERT INTO wo_sla_target (agency_id, category_id,"
				 " priority, accept_min, resolve_min) VALUES (%lld, %lld, '%s', %d, %d)",
				 ag, (long long)(c ? out->cat_safety : out->cat), prio[i], 30 << i,
				 240 << i);
			wo_fixture_insert(db, sql);
		}
	if (db_commit(db, &e))
		harness_fail("wo fixture commit", &e);
	db_pool_writer_unlock(s->pool);
}
