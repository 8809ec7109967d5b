/*
** core/audit.c: audit_log writer, the canonical text and keyed hash of a row,
** and the benchmark generator. The verification walk is core/audit_walk.c;
** keys, checkpoints and the anchor file core/audit_anchor.c (shared state in
** core/audit_int.h).
*/
#include "core/audit.h"
#include "core/notify.h"
#include "core/audit_int.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <assert.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define CANON_FIXED 320		/* keys, punctuation and ten numbers of a canonical row */

/* ---------- canonical text ---------- */

struct cbuf {
	char *p, *end;
	int bad;
};

static void
put(struct cbuf *b, const char *s, size_t n)
{
	if (b->bad || (size_t)(b->end - b->p) < n) {
		b->bad = 1;
		return;
	}
	memcpy(b->p, s, n);
	b->p += n;
}

/* key then v in decimal (snprintf was a sixth of the whole verify walk). */
static void
put_i64(struct cbuf *b, const char *key, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	put(b, key, strlen(key));
	put(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Length of the valid UTF-8 sequence at s (jansson's rules), 0 if invalid. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned c = s[0], cp, n = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;

	if (!n)
		return 0;
	cp = c & (0xFFu >> (n + 1));
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

/* A JSON string as jansson dumps it (no ASCII or slash escaping), or null. */
static void
put_str(struct cbuf *b, const char *key, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	put(b, key, strlen(key));
	if (!s) {
		put(b, "null", 4);
		return;
	}
	put(b, "\"", 1);
	while (*u && !b->bad) {
		size_t run = 0, n;
		while (u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\')
			run++;
		put(b, (const char *)u, run);
		u += run;
		if (!*u)
			break;
		if (*u >= 0x80) {
			n = utf8_len(u);
			b->bad |= !n;
			put(b, (const char *)u, n);
			u += n;
			continue;
		}
		char esc[8];
		const char *m = *u == '"' ? "\\\"" : *u == '\\' ? "\\\\" : *u == '\b' ? "\\b"
			      : *u == '\f' ? "\\f" : *u == '\n' ? "\\n" : *u == '\r' ? "\\r"
			      : *u == '\t' ? "\\t" : NULL;
		if (!m) {
			snprintf(esc, sizeof(esc), "\\u%04X", *u);
			m = esc;
		}
		put(b, m, strlen(m));
		u++;
	}
	put(b, "\"", 1);
}

/* The largest canonical text r can have: every byte escaped as \u00XX. */
size_t
aud_canon_bound(const struct aud_row *r)
{
	const char *s[] = { r->action, r->entity, r->before, r->after, r->ip };
	size_t n = CANON_FIXED;

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		n += s[i] ? 6 * strlen(s[i]) : 0;
	return n;
}

long
aud_canonical(const struct aud_row *r, char *buf, size_t size)
{
	struct cbuf b = { buf, buf + size, !r->action || !r->entity };

	put_str(&b, "{\"action\":", r->action);
	put_i64(&b, ",\"actor_id\":", r->actor_id);
	put_str(&b, ",\"after\":", r->after);
	put_i64(&b, ",\"agency_id\":", r->agency_id);
	put_i64(&b, ",\"at\":", r->at);
	put_str(&b, ",\"before\":", r->before);
	if (r->position)	/* a chain's row: where it stands, not the id the database gave it */
		put_i64(&b, ",\"chain\":", r->chain);
	put_str(&b, ",\"entity\":", r->entity);
	put_i64(&b, ",\"entity_id\":", r->entity_id);
	if (!r->position)
		put_i64(&b, ",\"id\":", r->id);
	put_str(&b, ",\"ip\":", r->ip);
	if (r->position)
		put_i64(&b, ",\"position\":", r->position);
	put(&b, "}", 1);
	return b.bad ? -1 : (long)(b.p - buf);
}

int
aud_hash_text(const char *prev, const char *canon, size_t n, int keyed, char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];

	if (keyed && !aud_keys.loaded)
		return ERR_DB;
	crypto_generichash_init(&st, keyed ? aud_keys.mac : NULL, keyed ? sizeof(aud_keys.mac) : 0,
				sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)prev, strlen(prev));
	crypto_generichash_update(&st, (const unsigned char *)canon, n);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
	return 0;
}

int
aud_row_hash(const char *prev, const struct aud_row *r, int keyed, char out[65])
{
	size_t size = aud_canon_bound(r);
	char *buf = malloc(size);
	long n = buf ? aud_canonical(r, buf, size) : -1;
	int rc = !buf ? ERR_NOMEM : n < 0 ? ERR_INVALID : aud_hash_text(prev, buf, (size_t)n, keyed, out);

	free(buf);
	return rc;
}

/* ---------- writing ---------- */

/* "hqau" above the chain id: the advisory lock on one chain's head (ids past 2^32 share one) */
#define AUD_CHAIN_LOCK(chain) \
	((int64_t)0x68716175 << 32 | (int64_t)((uint64_t)(chain) & 0xffffffffu))

static const char sql_head[] =
	"SELECT position, hash FROM audit_log WHERE chain = :chain"
	" ORDER BY position DESC LIMIT 1";
static const char sql_legacy_last[] =
	"SELECT hash FROM audit_log WHERE chain IS NULL ORDER BY id DESC LIMIT 1";
static const char sql_insert[] =
	"INSERT INTO audit_log (at, actor_id, agency_id, action, entity, entity_id,"
	" before_json, after_json, ip, chain, position, prev_hash, hash)"
	" VALUES (:at, :actor, :agency, :action, :entity, :eid, :before, :after, :ip,"
	" :chain, :position, :prev, :hash)";
static const char sql_keyed[] =
	"SELECT 1 FROM audit_log WHERE entity = 'audit' AND action = '" AUD_KEYED_ACTION "' LIMIT 1";

/*
** The hash sql finds into out (left as it is when there is no row). With pos,
** sql is a chain's head, bound to :chain, and *pos gets its position.
*/
static int
one_hash(struct db *db, const char *sql, int64_t chain, int64_t *pos, char out[65],
	 struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || (pos && db_bind_i64(&st, ":chain", chain, e))
			 ? e->code : 0;

	if (!rc)
		rc = db_step(&st, e);
	if (rc == 1) {
		size_t n;
		const char *h = db_col_peek(&st, pos ? 1 : 0, &n);
		if (pos)
			*pos = db_col_i64(&st, 0);
		if (h && n == 64)
			memcpy(out, h, 65);
		rc = 0;
	}
	db_finalize(&st);
	return rc;
}

/*
** chain's head, locked for this transaction: with writers at once
** (PostgreSQL) two appends reading the same head would fork the chain (the
** unique (chain, position) would refuse the second). An empty chain starts
** after the legacy chain's last hash.
*/
static int
chain_head(struct db *db, int64_t chain, int64_t *pos, char prev[65], struct err *e)
{
	int rc;

	*pos = 0;
	memcpy(prev, GENESIS, 65);
	rc = db_lock_tx(db, AUD_CHAIN_LOCK(chain), e) ? e->code
							 : one_hash(db, sql_head, chain, pos, prev, e);
	if (!rc && *pos == 0)
		rc = one_hash(db, sql_legacy_last, 0, NULL, prev, e);
	return rc;
}

int
aud_chain_keyed(struct db *db, int *has, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_keyed, e);

	if (!rc)
		rc = db_step(&st, e);
	*has = rc == 1;
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static char *
dump_or_null(const json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}

static int
insert_row(struct db *db, const struct aud_row *r, const char *prev, const char *hash,
	   struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_insert, e) || db_bind_i64(&st, ":at", r->at, e) ||
		 db_bind_id_or_null(&st, ":actor", r->actor_id, e) ||
		 db_bind_id_or_null(&st, ":agency", r->agency_id, e) ||
		 db_bind_text(&st, ":action", r->action, e) ||
		 db_bind_text(&st, ":entity", r->entity, e) ||
		 db_bind_id_or_null(&st, ":eid", r->entity_id, e) ||
		 db_bind_text(&st, ":before", r->before, e) ||
		 db_bind_text(&st, ":after", r->after, e) || db_bind_text(&st, ":ip", r->ip, e) ||
		 db_bind_i64(&st, ":chain", r->chain, e) ||
		 db_bind_i64(&st, ":position", r->position, e) ||
		 db_bind_text(&st, ":prev", prev, e) || db_bind_text(&st, ":hash", hash, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* Append r to its agency's chain, after the head, with the keyed hash. */
static int
append(struct db *db, struct aud_row *r, struct err *e)
{
	char prev[65], hash[65];
	int rc;

	r->chain = r->agency_id;
	rc = chain_head(db, r->chain, &r->position, prev, e);
	r->position++;
	if (!rc && aud_row_hash(prev, r, 1, hash))
		rc = err_set(e, ERR_INVALID, NULL, "audit record is not valid UTF-8 or memory is short");
	return rc ? rc : insert_row(db, r, prev, hash, e);
}

/* The record from which verify checks with the key; names the key by its public half. */
static int
mark_keyed(struct db *db, int64_t at, struct err *e)
{
	char pk[65], after[96];
	struct aud_row r = { .at = at, .action = AUD_KEYED_ACTION, .entity = "audit", .ip = "cli",
			     .after = after };

	aud_public_key_hex(pk);
	snprintf(after, sizeof(after), "{\"public_key\":\"%s\"}", pk);
	return append(db, &r, e);
}

int
aud_key_mark(struct db *db, int *added, struct err *e)
{
	int has = 0;

	*added = 0;
	assert(db_in_tx(db));
	if (!aud_keys.loaded)
		return err_setx(e, ERR_DB, "audit_key", NULL, "audit key not loaded");
	if (aud_chain_keyed(db, &has, e))
		return e->code;
	if (has)
		return 0;
	*added = 1;
	return mark_keyed(db, now_ms(), e);
}

int
aud_record_raw(struct db *db, int64_t actor_id, int64_t agency_id, const char *ip,
	       const char *action, const char *entity, int64_t entity_id, const json_t *before,
	       const json_t *after, struct err *e)
{
	struct aud_row r = { .at = now_ms(), .actor_id = actor_id, .agency_id = agency_id,
			     .entity_id = entity_id, .action = action, .entity = entity, .ip = ip };
	char *b = dump_or_null(before), *a = dump_or_null(after);
	int added, rc;

	assert(db_in_tx(db));
	r.before = b;
	r.after = a;
	/* a chain is never extended unkeyed; its first keyed write marks where the key starts */
	rc = aud_key_mark(db, &added, e);
	if (!rc)
		rc = append(db, &r, e);
	free(b);
	free(a);
	return rc;
}

int
aud_record(struct db *db, const struct actor *actor, const char *action, const char *entity,
	   int64_t entity_id, const json_t *before, const json_t *after, struct err *e)
{
	int rc = aud_record_raw(db, actor ? actor->id : 0, actor ? actor->agency_id : 0,
				actor ? actor->ip : NULL, action, entity, entity_id, before, after,
				e);

	/* every change a user makes passes here: what they were told about the record is seen */
	if (!rc && actor && actor->id && entity_id)
		rc = notify_read_about(db, actor->id, actor->agency_id, entity, entity_id, e);
	return rc;
}

/* ---------- the benchmark generator ---------- */

#define BENCH_BATCH 50000	/* rows per transaction */

static uint64_t
bench_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* One plausible work-order change into r (texts in the caller's buffers). */
static void
bench_row(struct aud_row *r, uint64_t *s, char *after, size_t asize, char *ip, size_t isize)
{
	static const char *const actions[] = { "create", "accept", "dispatch", "start", "resolve",
					       "confirm", "rate", "update" };
	uint64_t x = bench_rand(s);

	r->action = actions[x % 8];
	r->entity = "workorder";
	r->entity_id = 1 + (int64_t)(x >> 8) % 1000000;
	r->actor_id = 1 + (int64_t)(x >> 32) % 600;
	snprintf(after, asize, "{\"note\":\"已处理 %u\",\"status\":\"%s\"}", (unsigned)(x >> 40),
		 r->action);
	snprintf(ip, isize, "10.%u.%u.%u", (unsigned)(x >> 16) & 255, (unsigned)(x >> 24) & 255,
		 (unsigned)(x >> 48) & 255);
	r->after = after;
	r->ip = ip;
}

static int
bench_batch(struct db *db, int64_t agency, int64_t first, int64_t count, int64_t n,
	    int64_t from_ms, int64_t to_ms, uint64_t *s, struct err *e)
{
	char prev[65], hash[65], after[128], ip[32], canon[512];
	int64_t pos;
	int rc = db_begin_write(db, e) || chain_head(db, agency, &pos, prev, e) ? e->code : 0;

	for (int64_t i = 0; !rc && i < count; i++) {
		struct aud_row r = { .agency_id = agency, .chain = agency, .position = ++pos,
				     .at = from_ms + (to_ms - from_ms) * (first + i) / n };
		long len;
		bench_row(&r, s, after, sizeof(after), ip, sizeof(ip));
		len = aud_canonical(&r, canon, sizeof(canon));
		rc = len < 0 || aud_hash_text(prev, canon, (size_t)len, 1, hash)
			     ? err_set(e, ERR_DB, NULL, "cannot hash a generated record")
			     : insert_row(db, &r, prev, hash, e);
		memcpy(prev, hash, sizeof(prev));
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, e);
}

int
aud_bench_append(struct db *db, int64_t agency, int64_t n, int64_t from_ms, int64_t to_ms,
		 uint64_t seed, struct err *e)
{
	uint64_t s = seed | 1;
	int added = 0, rc;

	rc = db_begin_write(db, e) || aud_key_mark(db, &added, e) ? e->code : 0;
	if (rc)
		db_rollback(db);
	else
		rc = db_commit(db, e);
	for (int64_t done = 0; !rc && done < n; done += BENCH_BATCH)
		rc = bench_batch(db, agency, done, n - done < BENCH_BATCH ? n - done : BENCH_BATCH, n,
				 from_ms, to_ms, &s, e);
	return rc;
}

int
aud_verify(struct db *db, int64_t *bad_id, int64_t *count, struct err *e)
{
	struct aud_report r;
	int rc = aud_verify_report(db, &r, e);

	*bad_id = rc ? 0 : r.bad_id;
	*count = rc ? 0 : r.count;
	return rc;
}
