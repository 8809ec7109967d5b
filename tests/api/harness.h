/*
** tests/api/harness.h: API tests against the real server started in-process
** on an ephemeral port with a fresh temporary database (never mocked), and
** libcurl clients that keep their own cookies and CSRF token.
*/
#ifndef HOUQIN_TEST_HARNESS_H
#define HOUQIN_TEST_HARNESS_H

#include <jansson.h>
#include <stdint.h>

#define TEST_PASSWORD "Test@2026x"
/* Every harness request gives up after this long (a hung server fails, never hangs, the run). */
#define HQ_REQUEST_TIMEOUT_S 120L

struct hq_server {
	char dir[256];		/* temp dir holding the db and web root */
	char db_path[300];	/* SQLite file, or on PostgreSQL the database's URI */
	char pg_db[64];		/* PostgreSQL: the database hq_start made, "" otherwise */
	char web_root[300];
	char base[64];		/* http://127.0.0.1:PORT */
	struct db_pool *pool;
	struct server *srv;
	/* fixture ids (see hq_fixture_org) */
	int64_t agency_id, office_dept_id, dept1_id, dept2_id;
};

struct hq_client {
	void *curl;		/* CURL *, with its own cookie jar */
	char csrf[80];
	char bearer[80];
	int no_csrf;		/* send unsafe requests without the CSRF header */
};

struct hq_resp {
	long status;
	json_t *json;		/* parsed body or NULL */
	char *body;
	size_t len;
	char *headers;		/* raw response header block */
};

/*
** The audit chain's key for tests (core/audit.h): a fixed secret of bytes
** HQ_AUDIT_KEY_BYTE, so a test can rebuild hashes. hq_start loads it; no
** anchor file is set (jobs then make no checkpoints) unless a test sets one.
*/
#define HQ_AUDIT_KEY_BYTE 0x42
void hq_audit_key(void);
/*
** For tamper tests: switch off the database's append-only guard on audit_log,
** as an attacker with write access to the database (the file, or the app
** role's credentials) can. SQLite drops its triggers; PostgreSQL disables the
** table's user triggers (its owner, the app role, may). Aborts on failure.
*/
struct db;
void hq_audit_unprotect(struct db *db);
/*
** The backend the tests run on, from HOUQIN_TEST_BACKEND: "sqlite" (unset, the
** default) or "pg" (each hq_start then makes a fresh database through
** HOUQIN_TEST_PG, a postgresql:// URI whose role has CREATEDB, and hq_stop drops
** it). Anything else aborts. For the few tests that must differ.
*/
const char *hq_backend(void);
/*
** Start on a fresh database (SQLite: test.db in s->dir; PostgreSQL: see
** hq_backend) with migrations applied and hq_fixture_org seeded. s->dir holds
** the web root and attachments on both.
*/
void hq_start(struct hq_server *s);
/* The next hq_start's server trusts X-Real-IP from addr (server_config.trusted_proxy); NULL: none. */
void hq_set_trusted_proxy(const char *addr);
void hq_stop(struct hq_server *s);

/*
** Fixture: agency 测试机关 with departments 办公室, 一处, 二处 and one user per
** role named after it (staff, dept_head, office, worker, leader, finance,
** supervisor, sysadmin, secadmin, auditor) plus staff2 (in 二处), all with TEST_PASSWORD.
*/
void hq_fixture_org(struct hq_server *s);
/*
** A further agency on the same database, made like hq_fixture_org (through
** org_agency_create, org_dept_create, org_user_create): departments 办公室,
** 一处, 二处 and the same users with usernames prefixed (prefix "b_": b_staff,
** b_office, ...), all with TEST_PASSWORD.
*/
struct hq_agency {
	int64_t agency_id, office_dept_id, dept1_id, dept2_id;
};
void hq_fixture_agency(struct hq_server *s, const char *name, const char *prefix,
		       struct hq_agency *out);
/*
** n more users of agency_id in department dept_id, named prefix + 1..n
** ("crew1", "crew2", ...), with roles (a role_parse_list string) and
** TEST_PASSWORD, made through org_user_create in one transaction; their ids
** into ids[0..n) (ids may be NULL).
*/
void hq_fixture_users(struct hq_server *s, int64_t agency_id, int64_t dept_id,
		      const char *prefix, const char *roles, int n, int64_t *ids);
/* id of a fixture user by username. */
int64_t hq_user_id(struct hq_server *s, const char *username);
/*
** The one integer of sql (a literal; :id bound to id when it names :id) read on the
** writer, so it sees every committed write; the test fails on an error or no row.
*/
int64_t hq_scalar(struct hq_server *s, const char *sql, int64_t id);

void hq_client_init(struct hq_client *c);
void hq_client_free(struct hq_client *c);
/* Log in; returns the HTTP status and keeps the cookie + CSRF token. */
long hq_login(struct hq_server *s, struct hq_client *c, const char *user, const char *pw);
/* hq_client_init + hq_login with TEST_PASSWORD; the test fails unless it is 200. */
void hq_sign_in(struct hq_server *s, struct hq_client *c, const char *user);
/*
** method path body as c: the test fails unless the status is want (and, when code
** is not NULL, the error code is code). Returns the response JSON (caller
** decrefs) or NULL when there is none.
*/
json_t *hq_expect(struct hq_server *s, struct hq_client *c, const char *method, const char *path,
		  const char *body, long want, const char *code);
/* Send a request (body may be NULL); out must be freed with hq_resp_free. Returns the status. */
long hq_req(struct hq_server *s, struct hq_client *c, const char *method, const char *path,
	    const char *body, struct hq_resp *out);
/* Raw path, not normalised by curl (for traversal tests), with optional extra header. */
long hq_raw(struct hq_server *s, const char *method, const char *path, const char *header,
	    struct hq_resp *out);
/*
** Send body[0..len) as is (binary-safe) with Content-Type content_type (NULL:
** none) and one optional extra header line ("X-Filename: a.png"; an
** "Expect: 100-continue" line replaces the default empty Expect); CSRF and
** bearer as in hq_req. For uploads.
*/
long hq_req_bin(struct hq_server *s, struct hq_client *c, const char *method, const char *path,
		const char *content_type, const char *header, const void *body, size_t len,
		struct hq_resp *out);
void hq_resp_free(struct hq_resp *r);
/* Error code string of a JSON error response, or "" */
const char *hq_err_code(const struct hq_resp *r);
/* Header value (first match, case-insensitive) copied into buf, or NULL. */
const char *hq_header(const struct hq_resp *r, const char *name, char *buf, size_t size);

/*
** Work-order fixture (rows written with the db layer on the writer, not
** through the API): locations 综合楼 / 3层 / 301 and 302 and a building
** 车库 (inactive room there), team 水电班 with member `worker`, categories
** 水电 (default team 水电班) and 电梯 (safety), both with SLA targets
** urgent 30/240, high 60/480, normal 120/960, low 240/1920 minutes.
*/
struct hq_wo {
	int64_t building, floor, room, room2, garage, inactive_room;
	int64_t team, cat, cat_safety, worker;
};
void hq_wo_fixture(struct hq_server *s, struct hq_wo *out);
/* POST /workorders/:id/<action> as c with body (NULL: {}); fails the test unless 200. */
void hq_wo_act(struct hq_server *s, struct hq_client *c, int64_t id, const char *action,
	       const char *body);
/* The same fixture in agency_id, with the user named worker as the team's member. */
void hq_wo_fixture_agency(struct hq_server *s, int64_t agency_id, const char *worker,
			  struct hq_wo *out);

#endif
