/*
** core/json.h: jansson glue. Ownership follows jansson: *_new/append_new steal
** the reference; json_object_get results are borrowed. A root handed to
** jarena() is released exactly once, when the arena is freed.
*/
#ifndef HOUQIN_JSON_H
#define HOUQIN_JSON_H

#include <jansson.h>
#include <stdint.h>

struct arena;

/* Let the arena own j (decref at arena_free). Returns j (NULL stays NULL). */
json_t *jarena(struct arena *a, json_t *j);
/* ISO-8601 +08:00 string for ms, or JSON null when ms == 0. New reference. */
json_t *jtime(int64_t ms);
/* A date yyyymmdd as "YYYY-MM-DD"; JSON null for 0. */
json_t *jdate(int yyyymmdd);
/* String or null. New reference. */
json_t *jstr_or_null(const char *s);
/* Integer or null when v == 0 (optional ids). New reference. */
json_t *jid_or_null(int64_t v);
/* Compact, key-sorted dump into the arena (canonical form). NULL for j == NULL or OOM. */
char *jdump(struct arena *a, const json_t *j);
/* j as the API sends it (compact, keys in insertion order, reals to 12 digits), in the arena. NULL on OOM. */
char *jdump_api(struct arena *a, const json_t *j);
/* The same encoding appended to b. 0 or ERR_NOMEM (b too large included). */
struct buf;
int jdump_api_into(struct buf *b, const json_t *j);

#endif
