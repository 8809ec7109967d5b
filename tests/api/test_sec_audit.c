/*
** tests/api/test_sec_audit.c: attacks on the audit chain by someone with write
** access to the database file (issue #11 item 4), seen through the API: edit a
** row and re-hash the rest without the key, cut off the newest rows behind a
** checkpoint, forge the anchor file. Also the daily checkpoint job and the
** auditor's GET /api/v1/audit/checkpoints (file_ok, public key, export).
** Each test starts a fresh server (they tamper with its database).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/audit.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct hq_server srv;
static struct hq_client aud;	/* logged in before any attack: a login is a write too */
static char anchor[400];

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	snprintf(anchor, sizeof(anchor), "%s/audit-checkpoints.log", srv.dir);
	aud_anchor_set(anchor, 0);
	hq_client_init(&aud);
	assert_int_equal(hq_login(&srv, &aud, "auditor", TEST_PASSWORD), 200);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_client_free(&aud);
	aud_anchor_set(NULL, 0);
	unlink(anchor);
	hq_stop(&srv);
	return 0;
}

static json_t *
get_ok(struct hq_client *c, const char *path, struct hq_resp *r)
{
	long st = hq_req(&srv, c, "GET", path, NULL, r);

	if (st != 200)
		fprintf(stderr, "GET %s -> %ld %s\n", path, st, r->body ? r->body : "");
	assert_int_equal(st, 200);
	assert_non_null(r->json);
	return r->json;
}

static int64_t broken_chain, broken_position;	/* of the last verify_api */

/*
** GET /audit/verify as the auditor: ok, and when broken the first bad id and
** problem (and in broken_chain/broken_position where in which chain).
*/
static int
verify_api(int64_t *bad, char *problem, size_t size)
{
	struct hq_resp r;
	json_t *j;
	int ok;

	j = get_ok(&aud, "/api/v1/audit/verify", &r);
	ok = json_is_true(json_object_get(j, "ok"));
	*bad = json_integer_value(json_object_get(j, "first_broken_id"));
	broken_chain = json_integer_value(json_object_get(j, "broken_chain"));
	broken_position = json_integer_value(json_object_get(j, "broken_position"));
	snprintf(problem, size, "%s", json_string_value(json_object_get(j, "problem")) ?
		 json_string_value(json_object_get(j, "problem")) : "");
	hq_resp_free(&r);
	return ok;
}

/* The attacker's own connection to the database, the append-only guard switched off. */
static struct db *
attacker(void)
{
	struct db *db = NULL;
	struct err e = { 0 };

	assert_int_equal(db_open(srv.db_path, 0, &db, &e), 0);
	hq_audit_unprotect(db);
	return db;
}

/* The id n rows below the newest (0: the newest), by position: PostgreSQL ids may have gaps. */
static int64_t
id_below_head(struct db *db, int64_t n)
{
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t id;

	assert_int_equal(db_prepare_once(db, &st, "SELECT id FROM audit_log ORDER BY id DESC"
					 " LIMIT 1 OFFSET :n", &e), 0);
	assert_int_equal(db_bind_i64(&st, ":n", n, &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	id = db_col_i64(&st, 0);
	db_finalize(&st);
	return id;
}

/*
** Re-hash the row at id and every later row of its chain the only way an
** attacker without the key can: plain BLAKE2b.
*/
static void
rehash_unkeyed(struct db *db, int64_t from)
{
	struct stmt st = { 0 }, up = { 0 };
	struct err e = { 0 };
	char prev[65] = "", h[65];

	assert_int_equal(db_prepare_once(db, &st, "SELECT id, at, COALESCE(actor_id, 0),"
					 " COALESCE(agency_id, 0), action, entity,"
					 " COALESCE(entity_id, 0), before_json, after_json, ip, chain,"
					 " position, prev_hash FROM audit_log t WHERE EXISTS (SELECT 1"
					 " FROM audit_log f WHERE f.id = :from AND f.chain = t.chain"
					 " AND t.position >= f.position) ORDER BY position", &e), 0);
	assert_int_equal(db_bind_i64(&st, ":from", from, &e), 0);
	while (db_step(&st, &e) == 1) {
		struct aud_row r = {
			.id = db_col_i64(&st, 0), .at = db_col_i64(&st, 1),
			.actor_id = db_col_i64(&st, 2), .agency_id = db_col_i64(&st, 3),
			.action = db_col_peek(&st, 4, NULL), .entity = db_col_peek(&st, 5, NULL),
			.entity_id = db_col_i64(&st, 6), .before = db_col_peek(&st, 7, NULL),
			.after = db_col_peek(&st, 8, NULL), .ip = db_col_peek(&st, 9, NULL),
			.chain = db_col_i64(&st, 10), .position = db_col_i64(&st, 11),
		};
		if (r.id == from)	/* the chain before it stays as it was */
			snprintf(prev, sizeof(prev), "%s", db_col_peek(&st, 12, NULL));
		assert_int_equal(aud_row_hash(prev, &r, 0, h), 0);
		assert_int_equal(db_prepare_once(db, &up, "UPDATE audit_log SET prev_hash = :p,"
						 " hash = :h WHERE id = :id", &e), 0);
		assert_int_equal(db_bind_text(&up, ":p", prev, &e) ||
				 db_bind_text(&up, ":h", h, &e) || db_bind_i64(&up, ":id", r.id, &e) ||
				 db_step_done(&up, &e), 0);
		db_finalize(&up);
		memcpy(prev, h, sizeof(prev));
	}
	db_finalize(&st);
}

/* An edited row re-hashed (with every later one) without the key: named at that row. */
static void
test_edit_and_rehash_is_found(void **state)
{
	struct db *db = attacker();
	struct err e = { 0 };
	char problem[200];
	int64_t bad = 0, target;

	(void)state;
	assert_true(verify_api(&bad, problem, sizeof(problem)));
	target = id_below_head(db, 3);
	assert_true(target > 1);
	assert_int_equal(db_exec_id(db, "UPDATE audit_log SET ip = '10.9.9.9', actor_id = NULL"
				    " WHERE id = :id", target, &e), 0);
	rehash_unkeyed(db, target);
	db_close(db);
	assert_false(verify_api(&bad, problem, sizeof(problem)));
	assert_true(bad == target && broken_position >= 1);
	assert_non_null(strstr(problem, "re-hashed without the audit key"));
}

/* Cutting off the newest rows after the daily checkpoint: named as truncation. */
static void
test_truncation_after_checkpoint_is_found(void **state)
{
	struct err e = { 0 };
	char problem[200];
	int64_t bad = 0, cut;
	struct db *db;

	(void)state;
	assert_int_equal(jobs_run_once(srv.pool, now_ms()), 0);	/* the daily checkpoint */
	db = attacker();
	cut = id_below_head(db, 2);
	assert_int_equal(db_exec_id(db, "DELETE FROM audit_log WHERE id >= :id", cut, &e), 0);
	db_close(db);
	assert_false(verify_api(&bad, problem, sizeof(problem)));
	assert_non_null(strstr(problem, "truncated"));
	/* named by chain and the first position missing there (the row has no id any more) */
	assert_true(bad == 0 && broken_position >= 1 && broken_chain >= 0);
}

/* The job makes one checkpoint a day; the auditor sees it, signed, and that the file agrees. */
static void
test_checkpoints_for_the_auditor(void **state)
{
	struct hq_client sys;
	struct hq_resp r;
	json_t *j, *it;

	(void)state;
	assert_int_equal(jobs_run_once(srv.pool, now_ms()), 0);
	assert_int_equal(jobs_run_once(srv.pool, now_ms() + HOUR_MS), 0);	/* not due again */
	hq_client_init(&sys);
	assert_int_equal(hq_login(&srv, &sys, "sysadmin", TEST_PASSWORD), 200);
	j = get_ok(&aud, "/api/v1/audit/checkpoints", &r);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
	assert_int_equal(strlen(json_string_value(json_object_get(j, "public_key"))), 64);
	it = json_array_get(json_object_get(j, "items"), 0);
	assert_true(json_is_true(json_object_get(it, "file_ok")));
	assert_int_equal(strlen(json_string_value(json_object_get(it, "signature"))), 128);
	assert_true(json_integer_value(json_object_get(it, "head_id")) > 1);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &aud, "GET", "/api/v1/audit/checkpoints?format=csv", NULL, &r),
			 200);
	assert_non_null(strstr(r.body, "链头哈希"));
	hq_resp_free(&r);
	/* the sysadmin, whose own actions the chain records, may not read them */
	assert_int_equal(hq_req(&srv, &sys, "GET", "/api/v1/audit/checkpoints", NULL, &r), 403);
	hq_resp_free(&r);
	hq_client_free(&sys);
}

/* A forged anchor line (head id lowered to hide a truncation) fails its signature. */
static void
test_forged_anchor_line_is_found(void **state)
{
	struct hq_resp r;
	json_t *j;
	char problem[200], line[400];
	int64_t bad = 0;
	FILE *fp;
	char *p;

	(void)state;
	assert_int_equal(jobs_run_once(srv.pool, now_ms()), 0);
	fp = fopen(anchor, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	fclose(fp);
	p = strstr(line, "head_id=");
	assert_non_null(p);
	p[8] = p[8] == '1' ? '2' : '1';
	fp = fopen(anchor, "w");
	assert_non_null(fp);
	fputs(line, fp);
	fclose(fp);
	assert_false(verify_api(&bad, problem, sizeof(problem)));
	assert_non_null(strstr(problem, "bad signature"));
	j = get_ok(&aud, "/api/v1/audit/checkpoints", &r);
	assert_false(json_is_true(json_object_get(json_array_get(json_object_get(j, "items"), 0),
						  "file_ok")));
	hq_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_edit_and_rehash_is_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation_after_checkpoint_is_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoints_for_the_auditor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_anchor_line_is_found, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
