/*
** tests/api/test_audit_chains.c: one audit chain per agency (issue #12 item 3),
** appended concurrently. Office users of three agencies create locations from
** NTHREAD threads at once; afterwards GET /audit/verify passes, every chain's
** positions run 1..n without a gap or a repeat, and every acknowledged create
** has its audit row in its agency's chain. Runs on SQLite (api) and on
** PostgreSQL (api-pg), where the writes really overlap and only the per-chain
** advisory lock keeps a chain from forking.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/err.h"
#include "db/db.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define NAGENCY 3
#define NTHREAD 8
#define PER_THREAD 25

static struct hq_server srv;

struct worker {
	pthread_t th;
	char user[32];
	int no;
	int64_t agency;
	int64_t ids[PER_THREAD];	/* acknowledged creates; 0 where the create failed */
	long status[PER_THREAD];
};

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

/* One thread: log in as its office user, then PER_THREAD creates, each its own write. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct hq_client c;

	hq_client_init(&c);
	if (hq_login(&srv, &c, w->user, TEST_PASSWORD) != 200) {
		hq_client_free(&c);
		return NULL;	/* status stays 0: the test names it */
	}
	for (int i = 0; i < PER_THREAD; i++) {
		struct hq_resp r;
		char body[160];
		snprintf(body, sizeof(body),
			 "{\"kind\":\"building\",\"name\":\"并发楼%d-%d\",\"sort_order\":%d}", w->no,
			 i, i);
		w->status[i] = hq_req(&srv, &c, "POST", "/api/v1/locations", body, &r);
		if (w->status[i] == 201)
			w->ids[i] = json_integer_value(json_object_get(r.json, "id"));
		hq_resp_free(&r);
	}
	hq_client_free(&c);
	return NULL;
}

/* Agencies A (the fixture's), B and C, each with office users <p>1..3 for the threads. */
static void
agencies(int64_t agency[NAGENCY])
{
	static const char *const prefix[NAGENCY] = { "cha", "chb", "chc" };
	struct hq_agency b, c;
	int64_t dept[NAGENCY];

	hq_fixture_agency(&srv, "乙机关", "b_", &b);
	hq_fixture_agency(&srv, "丙机关", "c_", &c);
	agency[0] = srv.agency_id;
	agency[1] = b.agency_id;
	agency[2] = c.agency_id;
	dept[0] = srv.office_dept_id;
	dept[1] = b.office_dept_id;
	dept[2] = c.office_dept_id;
	for (int i = 0; i < NAGENCY; i++)
		hq_fixture_users(&srv, agency[i], dept[i], prefix[i], "office",
				 (NTHREAD + NAGENCY - 1) / NAGENCY, NULL);
}

/* One number from sql, binding :a and :b where it has them. */
static int64_t
q_i64(struct db *db, const char *sql, int64_t a, int64_t b)
{
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t v;

	assert_int_equal(db_prepare_once(db, &st, sql, &e), 0);
	assert_int_equal((strstr(sql, ":a") && db_bind_i64(&st, ":a", a, &e)) ||
			 (strstr(sql, ":b") && db_bind_i64(&st, ":b", b, &e)), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	v = db_col_i64(&st, 0);
	db_finalize(&st);
	return v;
}

/* Every chain: positions 1..n, each once (UNIQUE makes "once" certain; count == max proves no gap). */
static void
chains_contiguous(struct db *db, int64_t *nchains)
{
	struct stmt st = { 0 };
	struct err e = { 0 };

	*nchains = 0;
	assert_int_equal(db_prepare_once(db, &st, "SELECT chain, COUNT(*), MIN(position),"
					 " MAX(position) FROM audit_log WHERE chain IS NOT NULL"
					 " GROUP BY chain ORDER BY chain", &e), 0);
	while (db_step(&st, &e) == 1) {
		int64_t n = db_col_i64(&st, 1), lo = db_col_i64(&st, 2), hi = db_col_i64(&st, 3);
		if (lo != 1 || hi != n)
			fail_msg("chain %lld: %lld rows at positions %lld..%lld",
				 (long long)db_col_i64(&st, 0), (long long)n, (long long)lo,
				 (long long)hi);
		(*nchains)++;
	}
	db_finalize(&st);
	assert_true(q_i64(db, "SELECT COUNT(*) FROM audit_log WHERE chain IS NULL", 0, 0) == 0);
}

static void
concurrent_writes_keep_every_chain(void **state)
{
	struct worker w[NTHREAD];
	int64_t agency[NAGENCY], nchains, acked = 0;
	struct hq_client aud;
	struct hq_resp r;
	struct db *db = NULL;
	struct err e = { 0 };
	json_t *j;

	(void)state;
	agencies(agency);
	memset(w, 0, sizeof(w));
	for (int i = 0; i < NTHREAD; i++) {
		static const char *const prefix[NAGENCY] = { "cha", "chb", "chc" };
		w[i].no = i;
		w[i].agency = agency[i % NAGENCY];
		snprintf(w[i].user, sizeof(w[i].user), "%s%d", prefix[i % NAGENCY],
			 i / NAGENCY + 1);
		assert_int_equal(pthread_create(&w[i].th, NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < NTHREAD; i++)
		pthread_join(w[i].th, NULL);
	for (int i = 0; i < NTHREAD; i++)
		for (int k = 0; k < PER_THREAD; k++) {
			if (w[i].status[k] != 201)
				fail_msg("%s create %d: %ld", w[i].user, k, w[i].status[k]);
			acked++;
		}
	assert_true(acked == NTHREAD * PER_THREAD);

	/* the auditor's verify walks every chain */
	hq_client_init(&aud);
	assert_int_equal(hq_login(&srv, &aud, "auditor", TEST_PASSWORD), 200);
	assert_int_equal(hq_req(&srv, &aud, "GET", "/api/v1/audit/verify", NULL, &r), 200);
	j = r.json;
	if (!json_is_true(json_object_get(j, "ok")))
		fail_msg("verify: %s", r.body);
	assert_true(json_integer_value(json_object_get(j, "chains")) >= NAGENCY + 1);
	hq_resp_free(&r);
	hq_client_free(&aud);

	assert_int_equal(db_open(srv.db_path, 0, &db, &e), 0);
	chains_contiguous(db, &nchains);
	assert_true(nchains >= NAGENCY + 1);	/* the agencies' and chain 0 (no agency) */
	/* each acknowledged create: exactly one audit row, in its agency's chain */
	for (int i = 0; i < NTHREAD; i++)
		for (int k = 0; k < PER_THREAD; k++)
			if (q_i64(db, "SELECT COUNT(*) FROM audit_log WHERE entity = 'location'"
				  " AND action = 'create' AND entity_id = :a AND chain = :b",
				  w[i].ids[k], w[i].agency) != 1)
				fail_msg("%s: location %lld has no audit row in chain %lld", w[i].user,
					 (long long)w[i].ids[k], (long long)w[i].agency);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(concurrent_writes_keep_every_chain, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
