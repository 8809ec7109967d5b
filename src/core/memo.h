/*
** core/memo.h: a small, bounded, thread-safe cache of computed texts (e.g. a
** KPI result as JSON), least recently used out first. The caller puts the
** data's version into the key, so a kept text is never stale: a change bumps
** the version and the old entry simply ages out.
*/
#ifndef HOUQIN_MEMO_H
#define HOUQIN_MEMO_H

#include <stddef.h>

struct arena;
struct memo;

/* At most max_bytes of keys and texts (one text larger than that is not kept). NULL on OOM. */
struct memo *memo_new(size_t max_bytes);
void memo_free(struct memo *m);
/* 1 with a copy of the text in the arena (NUL-terminated) when key is kept; else 0. m may be NULL. */
int memo_get(struct memo *m, const char *key, struct arena *a, char **text, size_t *len);
/*
** memo_get, but when key is not kept the first caller claims it: later
** callers of the same key wait until the claimer calls memo_unclaim (having
** kept the text with memo_put, or failed), instead of computing the same text
** at once (a burst of requests right after a change). 0 means: compute, put,
** then memo_unclaim(key), on every path.
*/
int memo_get_or_claim(struct memo *m, const char *key, struct arena *a, char **text, size_t *len);
void memo_unclaim(struct memo *m, const char *key);
/* Keep text under key (replacing one with the same key). A no-op when m is NULL or on OOM. */
void memo_put(struct memo *m, const char *key, const char *text, size_t len);

#endif
