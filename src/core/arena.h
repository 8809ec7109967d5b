/*
** core/arena.h: per-request bump allocator with cleanup callbacks.
** Memory from an arena is never freed by hand; arena_free releases it all and
** runs deferred callbacks in LIFO order.
*/
#ifndef HOUQIN_ARENA_H
#define HOUQIN_ARENA_H

#include <stddef.h>

struct arena;

/* New arena whose chunks are at least `chunk` bytes. NULL on OOM. */
struct arena *arena_new(size_t chunk);
/* Free everything, running deferred callbacks first (LIFO). NULL is a no-op. */
void arena_free(struct arena *a);
/* Aligned (max_align_t), zeroed memory. NULL on OOM or n == 0 overflow. */
void *arena_alloc(struct arena *a, size_t n);
/* n*size bytes, zeroed; NULL if n*size overflows or on OOM. */
void *arena_array(struct arena *a, size_t n, size_t size);
/*
** The growable array, for lists read row by row: room for element n (0-based)
** of `size` bytes in items, whose capacity is *cap. Returns items when it
** fits, else a copy twice as large (at least 16; the old block stays in the
** arena) and updates *cap; NULL on OOM or overflow (*cap unchanged). Start
** with items NULL and *cap 0:
**	if (!(v = arena_grow(a, v, n, &cap, sizeof(*v)))) return nomem;
**	v[n++] = row;
*/
void *arena_grow(struct arena *a, void *items, size_t n, size_t *cap, size_t size);
/* Copy of s[0..n) plus NUL. s may be NULL only when n == 0. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* printf into the arena; NULL on OOM. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Run fn(p) when the arena is freed. Returns 0, or ERR_NOMEM (fn is then run now). */
int arena_defer(struct arena *a, void (*fn)(void *), void *p);

#endif
