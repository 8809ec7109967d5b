/*
** core/audit.h: the append-only audit chain. Every write calls aud_record()
** inside its own transaction; hash = BLAKE2b-256(prev_hash || canonical JSON
** of the row), so any edit or deletion breaks the chain from that row on.
*/
#ifndef HOUQIN_AUDIT_H
#define HOUQIN_AUDIT_H

#include <jansson.h>
#include <stdint.h>

struct db;
struct err;
struct actor;

/*
** Append one record. before/after are borrowed (may be NULL). actor may be
** NULL for system actions (failed logins of unknown users, CLI). Must run
** inside the caller's write transaction.
*/
int aud_record(struct db *db, const struct actor *actor, const char *action, const char *entity,
	       int64_t entity_id, const json_t *before, const json_t *after, struct err *e);

/* Like aud_record for events with no actor struct (e.g. a failed login): ip may be NULL. */
int aud_record_raw(struct db *db, int64_t actor_id, int64_t agency_id, const char *ip,
		   const char *action, const char *entity, int64_t entity_id, const json_t *before,
		   const json_t *after, struct err *e);

/* Walk the chain; 0 with *bad_id = 0 when intact, else *bad_id = first broken row id. */
int aud_verify(struct db *db, int64_t *bad_id, int64_t *count, struct err *e);

#endif
