/*
** core/audit.c: audit_log writer and chain verification.
*/
#include "core/audit.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <assert.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct aud_row {
	int64_t id, at, actor_id, agency_id, entity_id;
	const char *action, *entity, *before, *after, *ip;
};

/* The canonical text hashed for a row: key-sorted compact JSON of its columns. */
static char *
canonical(const struct aud_row *r)
{
	json_t *o = json_pack("{sI sI ss ss sI so so so sI sI}", "id", (json_int_t)r->id, "at",
			      (json_int_t)r->at, "action", r->action, "entity", r->entity,
			      "entity_id", (json_int_t)r->entity_id, "before",
			      r->before ? json_string(r->before) : json_null(), "after",
			      r->after ? json_string(r->after) : json_null(), "ip",
			      r->ip ? json_string(r->ip) : json_null(), "actor_id",
			      (json_int_t)r->actor_id, "agency_id", (json_int_t)r->agency_id);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(o);
	return s;
}

static int
chain_hash(const char *prev, const struct aud_row *r, char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	char *canon = canonical(r);

	if (!canon)
		return ERR_NOMEM;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)prev, strlen(prev));
	crypto_generichash_update(&st, (const unsigned char *)canon, strlen(canon));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
	free(canon);
	return 0;
}

static const char sql_last[] = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
static const char sql_insert[] =
	"INSERT INTO audit_log (id, at, actor_id, agency_id, action, entity, entity_id,"
	" before_json, after_json, ip, prev_hash, hash)"
	" VALUES (:id, :at, :actor, :agency, :action, :entity, :eid, :before, :after, :ip,"
	" :prev, :hash)";

static int
last_link(struct db *db, int64_t *id, char prev[65], struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_last, e);

	*id = 0;
	memcpy(prev, GENESIS, 65);
	if (!rc)
		rc = db_step(&st, e);
	if (rc == 1) {
		size_t n;
		const char *h = db_col_peek(&st, 1, &n);
		*id = db_col_i64(&st, 0);
		if (h && n == 64)
			memcpy(prev, h, 65);
		rc = 0;
	}
	db_finalize(&st);
	return rc;
}

static char *
dump_or_null(const json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}

int
aud_record_raw(struct db *db, int64_t actor_id, int64_t agency_id, const char *ip,
	       const char *action, const char *entity, int64_t entity_id, const json_t *before,
	       const json_t *after, struct err *e)
{
	struct aud_row r = { .at = now_ms(), .actor_id = actor_id, .agency_id = agency_id,
			     .entity_id = entity_id, .action = action, .entity = entity, .ip = ip };
	struct stmt st = { 0 };
	char prev[65], hash[65];
	char *b = dump_or_null(before), *a = dump_or_null(after);
	int rc;

	assert(db_in_tx(db));
	r.before = b;
	r.after = a;
	rc = last_link(db, &r.id, prev, e);
	r.id++;
	if (!rc && chain_hash(prev, &r, hash))
		rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (!rc)
		rc = db_prepare(db, &st, sql_insert, e);
	if (!rc)
		rc = db_bind_i64(&st, ":id", r.id, e) || db_bind_i64(&st, ":at", r.at, e) ||
		     db_bind_id_or_null(&st, ":actor", actor_id, e) ||
		     db_bind_id_or_null(&st, ":agency", agency_id, e) ||
		     db_bind_text(&st, ":action", action, e) || db_bind_text(&st, ":entity", entity, e) ||
		     db_bind_id_or_null(&st, ":eid", entity_id, e) ||
		     db_bind_text(&st, ":before", b, e) || db_bind_text(&st, ":after", a, e) ||
		     db_bind_text(&st, ":ip", ip, e) || db_bind_text(&st, ":prev", prev, e) ||
		     db_bind_text(&st, ":hash", hash, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	free(b);
	free(a);
	return rc;
}

int
aud_record(struct db *db, const struct actor *actor, const char *action, const char *entity,
	   int64_t entity_id, const json_t *before, const json_t *after, struct err *e)
{
	return aud_record_raw(db, actor ? actor->id : 0, actor ? actor->agency_id : 0,
			      actor ? actor->ip : NULL, action, entity, entity_id, before, after, e);
}

static const char sql_walk[] =
	"SELECT id, at, COALESCE(actor_id, 0), COALESCE(agency_id, 0), action, entity,"
	" COALESCE(entity_id, 0), before_json, after_json, ip, prev_hash, hash"
	" FROM audit_log ORDER BY id";

int
aud_verify(struct db *db, int64_t *bad_id, int64_t *count, struct err *e)
{
	struct stmt st = { 0 };
	char prev[65] = GENESIS, hash[65];
	int64_t expect_id = 1;
	int rc = db_prepare(db, &st, sql_walk, e);

	*bad_id = 0;
	*count = 0;
	while (!rc && (rc = db_step(&st, e)) == 1) {
		struct aud_row r = {
			.id = db_col_i64(&st, 0), .at = db_col_i64(&st, 1),
			.actor_id = db_col_i64(&st, 2), .agency_id = db_col_i64(&st, 3),
			.action = db_col_peek(&st, 4, NULL), .entity = db_col_peek(&st, 5, NULL),
			.entity_id = db_col_i64(&st, 6), .before = db_col_peek(&st, 7, NULL),
			.after = db_col_peek(&st, 8, NULL), .ip = db_col_peek(&st, 9, NULL),
		};
		const char *stored_prev = db_col_peek(&st, 10, NULL);
		const char *stored = db_col_peek(&st, 11, NULL);
		if (!r.action || !r.entity || chain_hash(prev, &r, hash) || r.id != expect_id ||
		    !stored_prev || strcmp(stored_prev, prev) != 0 || !stored ||
		    strcmp(stored, hash) != 0) {
			*bad_id = r.id;
			rc = 0;
			break;
		}
		memcpy(prev, hash, sizeof(prev));
		expect_id++;
		(*count)++;
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}
