/*
** tests/unit/test_audit.c: core/audit.c, the hash-chained audit log, on migrated temp
** databases. Tampering is done with plain SQL, as an attacker with file access would.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "tmpdb.h"

#define NREC 5

static int
setup(void **state)
{
	*state = tmpdb_new("audit", TMPDB_MIGRATED);
	return *state ? 0 : -1;
}

/* Records 1..n (continuing the chain), each with a before and an after object. */
static void
write_records(struct db *db, int first, int n)
{
	struct err e = { 0 };

	assert_int_equal(db_begin_write(db, &e), 0);
	for (int i = first; i < first + n; i++) {
		json_t *before = i % 2 ? NULL : json_pack("{si ss}", "v", i - 1, "名", "旧");
		json_t *after = json_pack("{si ss sb}", "v", i, "名", "新", "active", 1);
		int rc = aud_record_raw(db, 100 + i, 1, i % 3 ? "10.0.0.1" : NULL, "user.update",
					"app_user", i, before, after, &e);

		json_decref(before);
		json_decref(after);
		if (rc)
			fail_msg("aud_record_raw %d: %s", i, e.msg);
	}
	assert_int_equal(db_commit(db, &e), 0);
}

static void
verify(struct db *db, int64_t want_bad, int64_t want_count)
{
	struct err e = { 0 };
	int64_t bad = -1, count = -1;

	assert_int_equal(aud_verify(db, &bad, &count, &e), 0);
	if (bad != want_bad || count != want_count)
		fail_msg("aud_verify: bad_id %lld count %lld, want %lld %lld", (long long)bad,
			 (long long)count, (long long)want_bad, (long long)want_count);
}

static void
test_fresh_db_is_empty_chain(void **state)
{
	struct tmpdb *f = *state;

	verify(f->db, 0, 0);
}

static const char sql_rows[] =
	"SELECT id, prev_hash, hash, after_json, chain, position FROM audit_log ORDER BY id";

static void
test_intact_chain(void **state)
{
	struct tmpdb *f = *state;
	struct arena *a = arena_new(0);
	struct stmt st = { 0 };
	struct err e = { 0 };
	char prev[2][65];	/* chain 0 (the audit_keyed record), chain 1 (agency 1) */
	int64_t id = 0, pos[2] = { 0, 0 };

	write_records(f->db, 1, NREC);
	verify(f->db, 0, NREC + 1);
	/* the stored links: each chain starts at genesis (no legacy rows), then prev = last hash */
	memset(prev, '0', sizeof(prev));
	prev[0][64] = prev[1][64] = '\0';
	assert_int_equal(db_prepare(f->db, &st, sql_rows, &e), 0);
	while (db_step(&st, &e) == 1) {
		const char *p = db_col_text(&st, a, 1), *h = db_col_text(&st, a, 2);
		int64_t c = db_col_i64(&st, 4);

		assert_true(db_col_i64(&st, 0) == ++id);
		assert_true(c == (id == 1 ? 0 : 1));
		assert_true(db_col_i64(&st, 5) == ++pos[c]);
		assert_string_equal(p, prev[c]);
		assert_int_equal(strlen(h), 64);
		assert_string_not_equal(h, prev[c]);
		memcpy(prev[c], h, 65);
		if (id == 3)	/* canonical JSON: compact, keys sorted (row 1: audit_keyed) */
			assert_string_equal(db_col_text(&st, a, 3),
					    "{\"active\":true,\"v\":2,\"名\":\"新\"}");
	}
	db_finalize(&st);
	assert_true(id == NREC + 1 && pos[0] == 1 && pos[1] == NREC);

	/* the chain continues across transactions and connections */
	write_records(f->db, NREC + 1, 3);
	verify(f->db, 0, NREC + 4);
	arena_free(a);
}

/* aud_record with an actor struct, and with none (system action). */
static void
test_record_with_actor(void **state)
{
	struct tmpdb *f = *state;
	struct actor who = { .id = 7, .agency_id = 1, .ip = "192.168.1.9", .roles = ROLE_SYSADMIN };
	json_t *after = json_pack("{ss}", "role", "staff");
	struct err e = { 0 };

	assert_int_equal(db_begin_write(f->db, &e), 0);
	assert_int_equal(aud_record(f->db, &who, "role.grant", "app_user", 3, NULL, after, &e), 0);
	assert_int_equal(aud_record(f->db, NULL, "login.fail", "session", 0, NULL, NULL, &e), 0);
	assert_int_equal(db_commit(f->db, &e), 0);
	json_decref(after);
	verify(f->db, 0, 3);
}

/* A rolled-back record leaves no trace and no gap. */
static void
test_rollback_leaves_chain_intact(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };

	write_records(f->db, 1, 2);
	assert_int_equal(db_begin_write(f->db, &e), 0);
	assert_int_equal(aud_record_raw(f->db, 1, 1, NULL, "x.y", "t", 1, NULL, NULL, &e), 0);
	db_rollback(f->db);
	write_records(f->db, 3, 2);
	verify(f->db, 0, 5);
}

/*
** Each row: tamper with a chain of NREC records, expect the first broken id.
** Row 1 is the audit_keyed record the first keyed write adds (chain 0), so
** "row k" of a case (the k-th record written, chain 1 position k) has id k + 1,
** and counts include row 1.
*/
static const struct {
	const char *what;
	const char *sql;
	int64_t bad, count;
} tamper_cases[] = {
	{ "edit after_json of row 2",
	  "UPDATE audit_log SET after_json = '{\"active\":true,\"v\":999}' WHERE id = 3", 3, 2 },
	{ "edit before_json of row 2", "UPDATE audit_log SET before_json = NULL WHERE id = 3", 3, 2 },
	{ "edit the time of row 3", "UPDATE audit_log SET at = at + 1 WHERE id = 4", 4, 3 },
	{ "edit the actor of row 1", "UPDATE audit_log SET actor_id = 1 WHERE id = 2", 2, 1 },
	{ "edit the agency of row 4", "UPDATE audit_log SET agency_id = NULL WHERE id = 5", 5, 4 },
	{ "edit the action of row 2", "UPDATE audit_log SET action = 'user.delete' WHERE id = 3", 3, 2 },
	{ "edit the entity of row 5", "UPDATE audit_log SET entity = 'session' WHERE id = 6", 6, 5 },
	{ "edit entity_id of row 3", "UPDATE audit_log SET entity_id = 33 WHERE id = 4", 4, 3 },
	{ "clear the ip of row 1", "UPDATE audit_log SET ip = NULL WHERE id = 2", 2, 1 },
	{ "edit the stored hash of row 3", "UPDATE audit_log SET hash = lower(hash) || 'x' WHERE id = 4",
	  4, 3 },
	{ "edit prev_hash of row 2",
	  "UPDATE audit_log SET prev_hash = (SELECT hash FROM audit_log WHERE id = 3) WHERE id = 3",
	  3, 2 },
	{ "invalid UTF-8 in after_json of row 2",
	  "UPDATE audit_log SET after_json = CAST(X'7BFF7D' AS TEXT) WHERE id = 3", 3, 2 },
	/* ids are the database's, not hashed: a renumbered row still stands in its place */
	{ "renumber row 5", "UPDATE audit_log SET id = 7 WHERE id = 6", 0, NREC + 1 },
	{ "swap the ids of rows 2 and 3 (reorder)",
	  "UPDATE audit_log SET id = 107 - id WHERE id IN (3, 4);"
	  " UPDATE audit_log SET id = id - 100 WHERE id > 100", 3, 2 },
	{ "forge the position of row 3", "UPDATE audit_log SET position = 9 WHERE id = 4", 4, 3 },
	{ "swap the positions of rows 2 and 3",
	  "UPDATE audit_log SET position = 100 WHERE id = 3;"
	  " UPDATE audit_log SET position = 2 WHERE id = 4;"
	  " UPDATE audit_log SET position = 3 WHERE id = 3", 3, 2 },
	{ "move row 3 to chain 0 after row 0",
	  "UPDATE audit_log SET chain = 0, position = 2 WHERE id = 4", 4, 3 },
	{ "make row 2 a legacy row", "UPDATE audit_log SET chain = NULL, position = NULL"
	  " WHERE id = 3", 3, 2 },
	{ "a second row at position 4 (a fork)",
	  "INSERT INTO audit_log (at, action, entity, chain, position, prev_hash, hash)"
	  " SELECT at, action, entity, chain, position, prev_hash, hash FROM audit_log"
	  " WHERE id = 5", 0, 0 },
	{ "delete the first row", "DELETE FROM audit_log WHERE id = 2", 3, 1 },
	{ "delete a middle row", "DELETE FROM audit_log WHERE id = 4", 5, 3 },
	{ "delete the last-but-one row", "DELETE FROM audit_log WHERE id = 5", 6, 4 },
	{ "swap the texts of rows 2 and 3",
	  "UPDATE audit_log SET after_json = CASE id WHEN 3 THEN"
	  " (SELECT after_json FROM audit_log WHERE id = 4) ELSE"
	  " (SELECT after_json FROM audit_log WHERE id = 3) END WHERE id IN (3, 4)", 3, 2 },
	/* The chain alone cannot see its tail cut off: every remaining link is valid. The
	   signed checkpoints in the anchor file do (test_truncation_behind_checkpoint). */
	{ "delete the last row (undetectable by the chain alone)",
	  "DELETE FROM audit_log WHERE id = 6", 0, 5 },
	{ "no-op update", "UPDATE audit_log SET at = at WHERE id = 3", 0, NREC + 1 },
};

/* The append-only triggers (migration 0006) are what an attacker with the file drops first. */
static const char sql_drop_guards[] = "DROP TRIGGER IF EXISTS audit_log_no_update;"
				      " DROP TRIGGER IF EXISTS audit_log_no_delete;";

/* Start over on an empty, migrated database at the same path. */
static void
reset_db(struct tmpdb *f)
{
	struct err e = { 0 };
	int applied = 0;

	tmpdb_close(f->path, &f->db);
	assert_int_equal(db_open(f->path, DB_CREATE, &f->db, &e), 0);
	assert_int_equal(db_migrate(f->db, &applied, &e), 0);
}

static void
test_tampering_detected(void **state)
{
	struct tmpdb *f = *state;	/* teardown removes the file even when a case fails */

	for (size_t i = 0; i < sizeof(tamper_cases) / sizeof(tamper_cases[0]); i++) {
		struct err e = { 0 };
		int64_t bad = -1, count = -1;

		if (i)
			reset_db(f);
		write_records(f->db, 1, NREC);
		verify(f->db, 0, NREC + 1);
		assert_int_equal(db_exec(f->db, sql_drop_guards, &e), 0);
		if (!tamper_cases[i].count) {	/* UNIQUE (chain, position) refuses it */
			assert_int_equal(db_exec(f->db, tamper_cases[i].sql, &e), ERR_CONFLICT);
			continue;
		}
		assert_int_equal(db_exec(f->db, tamper_cases[i].sql, &e), 0);
		assert_int_equal(aud_verify(f->db, &bad, &count, &e), 0);
		if (bad != tamper_cases[i].bad || count != tamper_cases[i].count)
			fail_msg("%s: bad_id %lld count %lld, want %lld %lld", tamper_cases[i].what,
				 (long long)bad, (long long)count, (long long)tamper_cases[i].bad,
				 (long long)tamper_cases[i].count);
	}
}

/* Replaying a valid row (id 4's content and links copied over id 3) is caught: the
   hashed text includes the row's position and the previous row's hash. */
static void
test_forged_hash_breaks_next_link(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };
	int64_t bad = -1, count = -1;

	write_records(f->db, 1, NREC);
	assert_int_equal(db_exec(f->db, sql_drop_guards, &e), 0);
	/* replace id 3 with id 4's content and links (a "replay" of a valid row) */
	assert_int_equal(db_exec(f->db,
				 "UPDATE audit_log SET (at, actor_id, agency_id, action, entity,"
				 " entity_id, before_json, after_json, ip, prev_hash, hash) ="
				 " (SELECT at, actor_id, agency_id, action, entity, entity_id,"
				 " before_json, after_json, ip, prev_hash, hash FROM audit_log"
				 " WHERE id = 4) WHERE id = 3",
				 &e),
			 0);
	assert_int_equal(aud_verify(f->db, &bad, &count, &e), 0);
	assert_true(bad == 3);
	assert_true(count == 2);
}

/* Without dropping them, the database itself refuses edits and deletions. */
static void
test_append_only_guards(void **state)
{
	static const char *const attempts[] = {
		"UPDATE audit_log SET after_json = NULL WHERE id = 3",
		"UPDATE audit_log SET at = at WHERE id = 1",
		"DELETE FROM audit_log WHERE id = 4",
		"DELETE FROM audit_log",
	};
	struct tmpdb *f = *state;

	write_records(f->db, 1, NREC);
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		struct err e = { 0 };
		int rc = db_exec(f->db, attempts[i], &e);

		if (rc != ERR_CONFLICT)
			fail_msg("%s: rc %d, want ERR_CONFLICT (append-only trigger)", attempts[i], rc);
	}
	verify(f->db, 0, NREC + 1);
}

/* ---------- the key, re-hashing attacks, checkpoints (issue #11) ---------- */

/* The canonical text before the fast writer: jansson, compact, keys sorted. */
static char *
canonical_jansson(const struct aud_row *r)
{
	json_t *o = json_pack("{sI sI ss ss sI so so so sI sI}", "id", (json_int_t)r->id, "at",
			      (json_int_t)r->at, "action", r->action, "entity", r->entity,
			      "entity_id", (json_int_t)r->entity_id, "before",
			      r->before ? json_string(r->before) : json_null(), "after",
			      r->after ? json_string(r->after) : json_null(), "ip",
			      r->ip ? json_string(r->ip) : json_null(), "actor_id",
			      (json_int_t)r->actor_id, "agency_id", (json_int_t)r->agency_id);
	char *t = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(o);
	return t;
}

/* The fast canonical writer gives the very bytes jansson gave, so old chains still verify. */
static void
test_canonical_matches_jansson(void **state)
{
	static const char *const texts[] = {
		"{\"a\":1}", "引号\"反斜杠\\斜杠/", "\b\f\n\r\t\x01\x1f\x7f", "名 € 😀 \xe2\x80\xa8",
		"", "{\"k\":\"v\\\"w\"}",
	};
	char buf[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct aud_row r = { .id = 7 + (int64_t)i, .at = 1796245231207, .actor_id = 3,
				     .entity_id = (int64_t)i, .action = "user.update",
				     .entity = texts[i], .before = i % 2 ? NULL : texts[i],
				     .after = texts[i], .ip = i % 3 ? "10.0.0.1" : NULL };
		char *want = canonical_jansson(&r);
		long n = aud_canonical(&r, buf, sizeof(buf));

		assert_non_null(want);
		assert_true(n == (long)strlen(want));
		assert_memory_equal(buf, want, (size_t)n);
		free(want);
	}
	struct aud_row bad = { .action = "x", .entity = "t", .after = "\xff" };
	assert_true(aud_canonical(&bad, buf, sizeof(buf)) == -1);
	assert_true(aud_canonical(&bad, buf, 10) == -1);
}

static void
report(struct db *db, struct aud_report *r)
{
	struct err e = { 0 };

	if (aud_verify_report(db, r, &e))
		fail_msg("aud_verify_report: %s", e.msg);
}

static void
want_problem(struct db *db, int problem, int64_t bad)
{
	struct aud_report r;

	report(db, &r);
	if (r.problem != problem || r.bad_id != bad)
		fail_msg("verify: problem %d (%s) at %lld, want %d at %lld", r.problem,
			 aud_problem_text(r.problem), (long long)r.bad_id, problem, (long long)bad);
}

/* The problem, and where in which chain (bad_id 0: no such row, as for truncation). */
static void
want_at(struct db *db, int problem, int64_t bad, int64_t chain, int64_t position)
{
	struct aud_report r;

	report(db, &r);
	if (r.problem != problem || r.bad_id != bad || r.bad_chain != chain ||
	    r.bad_position != position)
		fail_msg("verify: problem %d (%s) at %lld chain %lld position %lld, want %d at %lld"
			 " chain %lld position %lld", r.problem, aud_problem_text(r.problem),
			 (long long)r.bad_id, (long long)r.bad_chain, (long long)r.bad_position,
			 problem, (long long)bad, (long long)chain, (long long)position);
}

static void
use_key(unsigned char byte)
{
	unsigned char k[AUD_KEY_BYTES];

	memset(k, byte, sizeof(k));
	aud_key_set(k);
}

static const char sql_all[] =
	"SELECT id, at, COALESCE(actor_id, 0), COALESCE(agency_id, 0), action, entity,"
	" COALESCE(entity_id, 0), before_json, after_json, ip, hash, COALESCE(chain, 0),"
	" COALESCE(position, 0) FROM audit_log ORDER BY id";

#define NCHAIN 4	/* chains 0..2 in these tests; [3] is the legacy chain */

/*
** What an attacker with the file does after an edit: recompute prev_hash/hash
** of every row from id `from` on, unkeyed (keyed 0) or with the key loaded now,
** each chain after its own previous row (the first after the legacy chain's last).
*/
static void
rehash_from(struct db *db, int64_t from, int keyed)
{
	struct arena *a = arena_new(0);
	struct stmt st = { 0 }, up = { 0 };
	struct err e = { 0 };
	char prevs[NCHAIN][65], *prev;
	int started[NCHAIN] = { 0 };

	memset(prevs, '0', sizeof(prevs));
	for (int i = 0; i < NCHAIN; i++)
		prevs[i][64] = '\0';
	assert_int_equal(db_exec(db, sql_drop_guards, &e), 0);
	assert_int_equal(db_prepare(db, &st, sql_all, &e), 0);
	while (db_step(&st, &e) == 1) {
		struct aud_row r = {
			.id = db_col_i64(&st, 0), .at = db_col_i64(&st, 1),
			.actor_id = db_col_i64(&st, 2), .agency_id = db_col_i64(&st, 3),
			.action = db_col_text(&st, a, 4), .entity = db_col_text(&st, a, 5),
			.entity_id = db_col_i64(&st, 6), .before = db_col_text(&st, a, 7),
			.after = db_col_text(&st, a, 8), .ip = db_col_text(&st, a, 9),
			.chain = db_col_i64(&st, 11), .position = db_col_i64(&st, 12),
		};
		int c = r.position ? (int)r.chain : NCHAIN - 1;
		char h[65];
		assert_true(c >= 0 && c < NCHAIN);
		if (r.position && !started[c]++)	/* a chain starts after the legacy chain */
			memcpy(prevs[c], prevs[NCHAIN - 1], 65);
		prev = prevs[c];
		if (r.id < from) {
			snprintf(prev, 65, "%s", db_col_text(&st, a, 10));
			continue;
		}
		assert_int_equal(aud_row_hash(prev, &r, keyed, h), 0);
		assert_int_equal(db_prepare_once(db, &up,
						 "UPDATE audit_log SET prev_hash = :p, hash = :h"
						 " WHERE id = :id", &e), 0);
		assert_int_equal(db_bind_text(&up, ":p", prev, &e) || db_bind_text(&up, ":h", h, &e) ||
				 db_bind_i64(&up, ":id", r.id, &e) || db_step_done(&up, &e), 0);
		db_finalize(&up);
		memcpy(prev, h, 65);
	}
	db_finalize(&st);
	arena_free(a);
}

/* Edit a row and re-hash it and every later row without the key: named at the edited id. */
static void
test_rehash_without_key_detected(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };

	write_records(f->db, 1, NREC);
	assert_int_equal(db_exec(f->db, sql_drop_guards, &e), 0);
	assert_int_equal(db_exec(f->db, "UPDATE audit_log SET after_json = '{\"v\":0}' WHERE id = 4",
				 &e), 0);
	rehash_from(f->db, 4, 0);
	want_problem(f->db, AUD_REHASHED, 4);
	/* the whole chain re-hashed unkeyed: its very first row is already wrong */
	rehash_from(f->db, 1, 0);
	want_problem(f->db, AUD_REHASHED, 1);
}

/* Re-hashed with some other key: the MAC does not match ours. */
static void
test_rehash_with_wrong_key_detected(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };

	write_records(f->db, 1, NREC);
	assert_int_equal(db_exec(f->db, sql_drop_guards, &e), 0);
	assert_int_equal(db_exec(f->db, "UPDATE audit_log SET ip = '6.6.6.6' WHERE id = 3", &e), 0);
	use_key(0x13);
	rehash_from(f->db, 3, 1);
	tmpdb_audit_key();
	want_problem(f->db, AUD_EDITED, 3);
	/* the same re-hash with the real key passes the walk: the key is the secret */
	rehash_from(f->db, 3, 1);
	want_problem(f->db, AUD_OK, 0);
}

/*
** Dropping the audit_keyed record and re-hashing everything unkeyed is no way
** out: a chain's rows are always keyed (a legacy-only log would be AUD_NOT_KEYED).
*/
static void
test_unkeyed_rewrite_detected(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };

	write_records(f->db, 1, NREC);
	assert_int_equal(db_exec(f->db, sql_drop_guards, &e), 0);
	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log WHERE id = 1;"
				 " UPDATE audit_log SET id = id - 1", &e), 0);
	rehash_from(f->db, 1, 0);
	want_problem(f->db, AUD_REHASHED, 1);
}

/* A chain made before keys: its unkeyed prefix verifies the old way, then the key takes over. */
static void
test_unkeyed_prefix_then_keyed(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };

	assert_int_equal(db_exec(f->db, "INSERT INTO audit_log (id, at, action, entity, prev_hash,"
				 " hash) VALUES (1, 1, 'a.b', 't', '', ''), (2, 2, 'a.c', 't', '', ''),"
				 " (3, 3, 'a.d', 't', '', '')", &e), 0);
	rehash_from(f->db, 1, 0);	/* as the old writer made them */
	want_problem(f->db, AUD_NOT_KEYED, 1);	/* only legacy rows, none keyed */
	write_records(f->db, 1, NREC);	/* the first keyed write marks id 4 */
	want_problem(f->db, AUD_OK, 0);
	/* rewriting the old prefix (even re-hashed the old way) breaks the keyed mark's link */
	assert_int_equal(db_exec(f->db, "UPDATE audit_log SET entity = 'u' WHERE id = 2", &e), 0);
	rehash_from(f->db, 2, 0);
	want_problem(f->db, AUD_REHASHED, 4);
}

/* Without a key nothing is written: never an unkeyed record. */
static void
test_no_key_refuses_to_write(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };

	aud_key_clear();
	assert_int_equal(db_begin_write(f->db, &e), 0);
	assert_int_equal(aud_record_raw(f->db, 1, 1, NULL, "x.y", "t", 1, NULL, NULL, &e), ERR_DB);
	db_rollback(f->db);
	tmpdb_audit_key();
	verify(f->db, 0, 0);
}

/* The key file: made 0600, read back the same, refused when others can read it or it is bad. */
static void
test_key_file(void **state)
{
	char path[64], pk1[65], pk2[65];
	struct err e = { 0 };
	struct stat sb;
	int created = 0;
	FILE *fp;

	(void)state;
	assert_int_equal(tmpdb_path(path, sizeof(path), "key"), 0);
	unlink(path);
	assert_int_equal(aud_key_load(path, 0, &created, &e), ERR_DB);	/* missing */
	assert_int_equal(aud_key_load(path, 1, &created, &e), 0);
	assert_int_equal(created, 1);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	aud_public_key_hex(pk1);
	assert_int_equal(aud_key_load(path, 1, &created, &e), 0);
	assert_int_equal(created, 0);
	aud_public_key_hex(pk2);
	assert_string_equal(pk1, pk2);
	chmod(path, 0644);
	assert_int_equal(aud_key_load(path, 0, &created, &e), ERR_DB);
	assert_non_null(strstr(e.msg, "chmod 600"));
	chmod(path, 0600);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("not hex\n", fp);
	fclose(fp);
	assert_int_equal(aud_key_load(path, 0, &created, &e), ERR_DB);
	unlink(path);
	tmpdb_audit_key();
}

static void
checkpoint(struct db *db, int64_t now, struct aud_checkpoint *cp)
{
	struct err e = { 0 };

	assert_int_equal(db_begin_write(db, &e), 0);
	if (aud_checkpoint(db, now, cp, &e))
		fail_msg("aud_checkpoint: %s", e.msg);
	assert_int_equal(db_commit(db, &e), 0);
}

/* A temp anchor file for one test; removed by anchor_done. */
static void
anchor_use(char path[64])
{
	assert_int_equal(tmpdb_path(path, 64, "anchor"), 0);
	aud_anchor_set(path, 0);
}

static void
anchor_done(const char *path)
{
	unlink(path);
	aud_anchor_set(NULL, 0);
}

/* Deleting the newest rows after a checkpoint is named as truncation. */
static void
test_truncation_behind_checkpoint(void **state)
{
	struct tmpdb *f = *state;
	struct aud_checkpoint cp;
	struct aud_report r;
	struct err e = { 0 };
	char path[64];

	anchor_use(path);
	write_records(f->db, 1, NREC);
	checkpoint(f->db, 1000, &cp);
	assert_true(cp.head_id == NREC + 1);
	report(f->db, &r);
	assert_int_equal(r.problem, AUD_OK);
	assert_true(r.last_cp_id == NREC + 1 && r.count == NREC + 2);	/* + the checkpoint row */
	assert_int_equal(db_exec(f->db, sql_drop_guards, &e), 0);
	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log WHERE id >= 5", &e), 0);
	want_at(f->db, AUD_TRUNCATED, 0, 1, 4);	/* chain 1 now ends at position 3 */
	aud_checkpoint_free(&cp);
	anchor_done(path);
}

/* Rewrite the anchor file: a changed line fails its signature; a lost line is missed. */
static void
test_anchor_file_edits_detected(void **state)
{
	struct tmpdb *f = *state;
	struct aud_checkpoint cp;
	struct aud_report r;
	char path[64], *p;
	FILE *fp;

	anchor_use(path);
	write_records(f->db, 1, NREC);
	checkpoint(f->db, 1000, &cp);
	/* lower the checkpointed head id so a truncation would pass */
	p = strstr(cp.line, "head_id=");
	assert_non_null(p);
	p[8] = '2';
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "%s\n", cp.line);
	fclose(fp);
	report(f->db, &r);
	assert_int_equal(r.problem, AUD_CP_BAD_SIG);
	assert_true(r.line == 1);
	/* emptied: the database's checkpoint is no longer anchored */
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	want_problem(f->db, AUD_CP_MISSING, NREC + 1);
	aud_checkpoint_free(&cp);
	anchor_done(path);
}

/* Someone holding the key re-writes a checkpointed row: the anchor still disagrees. */
static void
test_checkpointed_hash_mismatch(void **state)
{
	struct tmpdb *f = *state;
	struct aud_checkpoint cp;
	struct err e = { 0 };
	char path[64];

	anchor_use(path);
	write_records(f->db, 1, NREC);
	checkpoint(f->db, 1000, &cp);
	assert_int_equal(db_exec(f->db, sql_drop_guards, &e), 0);
	assert_int_equal(db_exec(f->db, "UPDATE audit_log SET ip = 'x' WHERE id = 3", &e), 0);
	rehash_from(f->db, 3, 1);
	want_problem(f->db, AUD_CP_MISMATCH, NREC + 1);
	aud_checkpoint_free(&cp);
	anchor_done(path);
}

/* The daily job: one checkpoint a day, none before the first anchor is configured. */
static void
test_checkpoint_if_due(void **state)
{
	struct tmpdb *f = *state;
	struct err e = { 0 };
	char path[64];
	int done = -1;

	write_records(f->db, 1, 2);
	assert_int_equal(db_begin_write(f->db, &e), 0);
	assert_int_equal(aud_checkpoint_if_due(f->db, 1000, &done, &e), 0);
	assert_int_equal(done, 0);	/* no anchor file configured */
	anchor_use(path);
	assert_int_equal(aud_checkpoint_if_due(f->db, 1000, &done, &e), 0);
	assert_int_equal(done, 1);
	assert_int_equal(aud_checkpoint_if_due(f->db, 1000 + HOUR_MS, &done, &e), 0);
	assert_int_equal(done, 0);
	assert_int_equal(aud_checkpoint_if_due(f->db, 1000 + AUD_CHECKPOINT_EVERY_MS, &done, &e), 0);
	assert_int_equal(done, 1);
	assert_int_equal(db_commit(f->db, &e), 0);
	want_problem(f->db, AUD_OK, 0);
	anchor_done(path);
}

/* n records of agency (its chain) in one transaction. */
static void
write_agency(struct db *db, int64_t agency, int n)
{
	struct err e = { 0 };

	assert_int_equal(db_begin_write(db, &e), 0);
	for (int i = 0; i < n; i++)
		if (aud_record_raw(db, 1, agency, NULL, "location.create", "location", i + 1, NULL,
				   NULL, &e))
			fail_msg("aud_record_raw: %s", e.msg);
	assert_int_equal(db_commit(db, &e), 0);
}

static const char sql_firsts[] =
	"SELECT COUNT(*) FROM audit_log WHERE position = 1"
	" AND prev_hash = (SELECT hash FROM audit_log WHERE chain IS NULL ORDER BY id DESC LIMIT 1)";

/*
** A log from before 0023 (legacy rows, a v1 checkpoint of their head), then
** chains of agencies 1 and 2 (and 0: the audit_keyed and checkpoint records):
** each chain starts after the legacy chain's last hash; a v2 checkpoint signs
** all heads; cutting one agency's newest row is named in that chain.
*/
static void
test_chains_per_agency(void **state)
{
	struct tmpdb *f = *state;
	struct aud_checkpoint cp1, cp2;
	struct aud_report r;
	struct stmt st = { 0 };
	struct err e = { 0 };
	char path[64];

	anchor_use(path);
	assert_int_equal(db_exec(f->db, "INSERT INTO audit_log (id, at, action, entity, prev_hash,"
				 " hash) VALUES (1, 1, 'a.b', 't', '', ''), (2, 2, 'a.c', 't', '', '')",
				 &e), 0);
	rehash_from(f->db, 1, 0);
	checkpoint(f->db, 1000, &cp1);	/* only legacy rows: a v1 line of their head */
	assert_true(cp1.chains == 0 && cp1.head_id == 2);
	assert_non_null(strstr(cp1.line, "houqin-audit v1 "));
	write_agency(f->db, 2, 3);
	write_agency(f->db, 1, 2);
	write_agency(f->db, 2, 1);
	checkpoint(f->db, 2000, &cp2);
	assert_true(cp2.chains == 3);
	assert_non_null(strstr(cp2.line, "houqin-audit v2 "));
	assert_non_null(strstr(cp2.line, " heads=0:2,1:2,2:4 "));
	report(f->db, &r);
	assert_int_equal(r.problem, AUD_OK);
	assert_true(r.chains == 3 && r.count == 2 + 3 + 6 && r.last_cp_id == cp2.head_id);
	assert_int_equal(db_prepare(f->db, &st, sql_firsts, &e) || db_step_row(&st, &e), 0);
	assert_true(db_col_i64(&st, 0) == 3);
	db_finalize(&st);
	/* the newest row of agency 2 (position 4) goes */
	assert_int_equal(db_exec(f->db, sql_drop_guards, &e), 0);
	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log WHERE chain = 2 AND position = 4",
				 &e), 0);
	want_at(f->db, AUD_TRUNCATED, 0, 2, 4);
	aud_checkpoint_free(&cp1);
	aud_checkpoint_free(&cp2);
	anchor_done(path);
}

/* The walk hands rows over in batches (core/audit_walk.c): problems across batch bounds. */
static void
test_walk_across_batches(void **state)
{
	static const int64_t at[] = { 2, 4096, 4097, 8193, 9001 };
	struct tmpdb *f = *state;
	struct err e = { 0 };

	write_records(f->db, 1, 9000);
	want_problem(f->db, AUD_OK, 0);
	assert_int_equal(db_exec(f->db, sql_drop_guards, &e), 0);
	for (size_t i = sizeof(at) / sizeof(at[0]); i-- > 0;) {
		assert_int_equal(db_exec_id(f->db, "UPDATE audit_log SET at = at + 1 WHERE id = :id",
					    at[i], &e), 0);
		want_problem(f->db, AUD_EDITED, at[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fresh_db_is_empty_chain, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_intact_chain, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_record_with_actor, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_rollback_leaves_chain_intact, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_append_only_guards, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_tampering_detected, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_forged_hash_breaks_next_link, setup, tmpdb_teardown),
		cmocka_unit_test(test_canonical_matches_jansson),
		cmocka_unit_test_setup_teardown(test_rehash_without_key_detected, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_rehash_with_wrong_key_detected, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_unkeyed_rewrite_detected, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_unkeyed_prefix_then_keyed, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_no_key_refuses_to_write, setup, tmpdb_teardown),
		cmocka_unit_test(test_key_file),
		cmocka_unit_test_setup_teardown(test_truncation_behind_checkpoint, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_anchor_file_edits_detected, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_checkpointed_hash_mismatch, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_if_due, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_walk_across_batches, setup, tmpdb_teardown),
		cmocka_unit_test_setup_teardown(test_chains_per_agency, setup, tmpdb_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
