/*
** core/audit.h: the append-only audit chains. Every write calls aud_record()
** inside its own transaction. Each agency has a chain of its own (chain = the
** agency id; 0 for rows with no agency: CLI, system, failed logins of unknown
** users), so appends in different agencies do not wait for each other: an
** append locks its chain only (db_lock_tx on a key derived from the chain id,
** an advisory transaction lock on PostgreSQL), reads the chain's head by
** (chain, position) and inserts at position + 1; the database assigns the
** row's id. UNIQUE (chain, position) makes a forking append fail rather than
** fork. hash = keyed BLAKE2b-256 (a MAC) over prev_hash || canonical JSON of
** the row (which holds chain and position, not id), with a key that lives in a
** file outside the database (aud_key_load), so whoever can write the database
** can neither edit a row nor re-hash a chain after it without being seen.
** Signed checkpoints of every chain's head, appended to a separate
** append-only file (aud_checkpoint), make truncation of the newest rows of any
** chain visible too.
**
** Rows written before migration 0023 (chain and position NULL) are the legacy
** global chain: linked and hashed by id as they always were, and verified so.
** The first row of every chain links to the legacy chain's last hash (the
** genesis value when there is none), so nothing can be cut out between them.
**
** Chains made before the key existed: legacy rows up to the first
** "audit_keyed" record (aud_key_mark) are plain BLAKE2b-256 and are checked
** that way; that record's MAC covers their last hash, so they cannot be
** rewritten afterwards, but they are only as strong as before for the time they
** were unkeyed. Per-agency chains are keyed from their first row.
**
** Retention: the product never deletes audit rows (triggers of migrations
** 0006/0021 forbid it); anything that ever prunes must keep AUD_RETENTION_MIN_MS.
*/
#ifndef HOUQIN_AUDIT_H
#define HOUQIN_AUDIT_H

#include "core/clock.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct err;
struct actor;

#define AUD_KEY_BYTES 32		/* the key file's secret (64 hex digits in the file) */
#define AUD_CHECKPOINT_EVERY_MS DAY_MS	/* the jobs runner anchors the head this often */
#define AUD_RETENTION_MIN_MS (180 * DAY_MS)	/* 等保: six months at least; we keep all */
#define AUD_KEYED_ACTION "audit_keyed"	/* the record from which the chain is keyed */

/*
** Append one record. before/after are borrowed (may be NULL). actor may be
** NULL for system actions (failed logins of unknown users, CLI). Must run
** inside the caller's write transaction. ERR_DB "audit_key" when no key is
** loaded: the chain is never extended unkeyed. A user's change of a record
** also marks their notifications about it read (notify_read_about).
*/
int aud_record(struct db *db, const struct actor *actor, const char *action, const char *entity,
	       int64_t entity_id, const json_t *before, const json_t *after, struct err *e);

/* Like aud_record for events with no actor struct (e.g. a failed login): ip may be NULL. */
int aud_record_raw(struct db *db, int64_t actor_id, int64_t agency_id, const char *ip,
		   const char *action, const char *entity, int64_t entity_id, const json_t *before,
		   const json_t *after, struct err *e);

/* ---------- the key (process-wide, set once before any thread starts) ---------- */

/*
** Load the key file at path (mode 0600 or stricter, 64 hex digits). With
** create, a missing file is made (O_EXCL, 0600) and *created set. Errors
** (English, for the command line): missing, unreadable, readable by others,
** malformed.
*/
int aud_key_load(const char *path, int create, int *created, struct err *e);
/* Use this secret (tests); derives the MAC key and the Ed25519 keypair. */
void aud_key_set(const unsigned char secret[AUD_KEY_BYTES]);
void aud_key_clear(void);
int aud_key_loaded(void);
/* The checkpoint public key, 64 hex digits + NUL. */
void aud_public_key_hex(char out[65]);

/* *has = 1 when the log holds an audit_keyed record (in any chain). */
int aud_chain_keyed(struct db *db, int *has, struct err *e);
/* In a write tx: append the audit_keyed record (chain 0) unless the log has one. *added 1 if it did. */
int aud_key_mark(struct db *db, int *added, struct err *e);

/* ---------- hashing (exposed for tests and the bench generator) ---------- */

/*
** A row as hashed. position > 0: a row of chain `chain` (the canonical text has
** chain and position, not id); position 0: a legacy row (the text has id).
*/
struct aud_row {
	int64_t id, at, actor_id, agency_id, entity_id;	/* 0 for NULL */
	int64_t chain, position;
	const char *action, *entity, *before, *after, *ip;	/* before/after/ip may be NULL */
};

/*
** The canonical text of a row (key-sorted compact JSON, byte for byte what
** jansson's JSON_COMPACT | JSON_SORT_KEYS gives) into buf; its length, or -1
** if buf is too small or a string is not UTF-8.
*/
long aud_canonical(const struct aud_row *r, char *buf, size_t size);
/* hash of r after prev (64 hex); keyed with the loaded key, else plain BLAKE2b. 0 or ERR_*. */
int aud_row_hash(const char *prev, const struct aud_row *r, int keyed, char out[65]);

/*
** Benchmarks only (`houqin gen --audit N`): append n plausible records to
** agency's chain over [from_ms, to_ms), in write transactions of its own (call
** it outside one), under the same lock and rules as aud_record. Deterministic
** for a seed.
*/
int aud_bench_append(struct db *db, int64_t agency, int64_t n, int64_t from_ms, int64_t to_ms,
		     uint64_t seed, struct err *e);

/* ---------- anchors outside the database ---------- */

/* Where checkpoints are appended, and whether they also go to syslog (LOG_AUTHPRIV). */
void aud_anchor_set(const char *path, int use_syslog);
const char *aud_anchor_path(void);	/* NULL when none is configured */

/*
** Anchor lines (signed over everything before " sig="; chain= is the oldest
** row's hash, so databases sharing a key and an anchor file keep apart):
**   v2: houqin-audit v2 chain=<16 hex> head_id=<newest id> chains=<n>
**       heads=<chain>:<position>,... digest=<64 hex> at=<ms> sig=<128 hex>
**   digest = BLAKE2b-256 of the sorted lines "<chain>:<position>:<hash>\n" of
**   every chain's head; written once any per-agency chain exists.
**   v1: houqin-audit v1 chain=<16 hex> head_id=<n> head_hash=<64 hex> at=<ms> sig=...
**   the legacy chain's head (written before 0023, or while only legacy rows exist);
**   still verified against the legacy rows.
*/
struct aud_checkpoint {
	int64_t id, at, head_id;	/* head_id: the newest row's id */
	int64_t chains;			/* chain heads signed (0: a v1 line) */
	char head_hash[65];		/* v2: the digest of the heads; v1: the head's hash */
	char signature[129];
	char *line;	/* the exact line appended to the anchor file, without '\n'; malloc'd */
};

/*
** In a write tx: sign the heads of all chains (now), append the line to the
** anchor file (O_APPEND, fsync) and to syslog if asked, insert it into
** audit_checkpoint and record it in chain 0. *cp receives it (free it with
** aud_checkpoint_free, also after an error). ERR_RULE when the log is empty or
** no anchor file is configured.
*/
int aud_checkpoint(struct db *db, int64_t now, struct aud_checkpoint *cp, struct err *e);
void aud_checkpoint_free(struct aud_checkpoint *cp);
/* Like aud_checkpoint when the newest one is AUD_CHECKPOINT_EVERY_MS old (or none); *done 0/1. */
int aud_checkpoint_if_due(struct db *db, int64_t now, int *done, struct err *e);
/*
** The anchor file's text (malloc'd, NUL-terminated; free it) in *text; NULL
** with 0 when the file does not exist yet.
*/
int aud_anchor_read(char **text, struct err *e);
/* 1 if line (no '\n') is one whole line of text. */
int aud_anchor_has(const char *text, const char *line);

/* ---------- verification ---------- */

enum aud_problem {
	AUD_OK = 0,
	AUD_EDITED,		/* a row's content no longer matches its hash */
	AUD_LINK,		/* prev_hash is not the previous hash, or a row is missing or misplaced */
	AUD_REHASHED,		/* hash is not the MAC with our key: re-hashed without it */
	AUD_NOT_KEYED,		/* the chain has no audit_keyed record (rewritten unkeyed) */
	AUD_TRUNCATED,		/* a chain's head is behind a checkpoint */
	AUD_CP_MISMATCH,	/* a checkpointed row's hash (or the heads' digest) has changed */
	AUD_CP_BAD_SIG,		/* an anchor-file line whose signature fails */
	AUD_CP_MISSING,		/* a checkpoint in the database that the anchor file lacks */
};

struct aud_report {
	int problem;		/* enum aud_problem */
	int64_t bad_id;		/* first bad row id (legacy AUD_TRUNCATED: first missing id; 0 if none) */
	int64_t bad_chain;	/* with bad_position > 0: the chain and position of the problem */
	int64_t bad_position;	/* (AUD_TRUNCATED: the first missing position) */
	int64_t count;		/* records checked intact before bad_id (or all) */
	int64_t chains;		/* per-agency chains seen */
	int64_t head_id;	/* newest row id */
	int64_t last_cp_id;	/* head id of the newest checkpoint in the anchor file, 0 none */
	int64_t line;		/* AUD_CP_BAD_SIG: its line number in the anchor file */
};

/* English words for a problem ("row edited", ...). */
const char *aud_problem_text(int problem);

/*
** Full check: the walk (the legacy chain by id, keyed from the audit_keyed
** record on; then every chain: positions contiguous from 1, each prev_hash the
** previous hash, every MAC keyed), then the anchor file (each line's signature,
** the checkpointed hashes and heads' digests, truncation of any chain) and the
** checkpoints in the database. Needs the key. 0 with r filled (problem AUD_OK
** when intact), or ERR_* when it could not check.
*/
int aud_verify_report(struct db *db, struct aud_report *r, struct err *e);

/* The walk and anchors as above; 0 with *bad_id = 0 when intact, else the first bad id. */
int aud_verify(struct db *db, int64_t *bad_id, int64_t *count, struct err *e);

#endif
