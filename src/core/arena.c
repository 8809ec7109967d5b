/*
** core/arena.c: the request arena (chunk list + LIFO cleanup list).
*/
#include "core/arena.h"
#include "core/err.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct cleanup {
	struct cleanup *next;
	void (*fn)(void *);
	void *p;
};

struct arena {
	struct chunk *head;
	struct cleanup *cleanups;
	size_t chunk;
};

struct arena *
arena_new(size_t chunk)
{
	struct arena *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->chunk = chunk < 1024 ? 1024 : chunk;
	return a;
}

void
arena_free(struct arena *a)
{
	if (!a)
		return;
	while (a->cleanups) {
		struct cleanup *c = a->cleanups;
		a->cleanups = c->next;
		c->fn(c->p);
		free(c);
	}
	while (a->head) {
		struct chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
	free(a);
}

void *
arena_alloc(struct arena *a, size_t n)
{
	const size_t al = sizeof(max_align_t);
	struct chunk *c = a->head;
	size_t need, cap;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - al)
		return NULL;
	need = (n + al - 1) / al * al;
	if (!c || c->cap - c->used < need) {
		cap = need > a->chunk ? need : a->chunk;
		if (cap > SIZE_MAX - sizeof(*c))
			return NULL;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	memset(p, 0, n);
	return p;
}

void *
arena_array(struct arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return arena_alloc(a, n * size);
}

void *
arena_grow(struct arena *a, void *items, size_t n, size_t *cap, size_t size)
{
	size_t want;
	void *bigger;

	if (items && n < *cap)
		return items;
	if (*cap > SIZE_MAX / 2)
		return NULL;
	want = *cap ? *cap * 2 : 16;
	bigger = arena_array(a, want, size);
	if (!bigger)
		return NULL;
	if (items && n)
		memcpy(bigger, items, n * size);
	*cap = want;
	return bigger;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = n == SIZE_MAX ? NULL : arena_alloc(a, n + 1);

	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int
arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
	struct cleanup *c = malloc(sizeof(*c));

	if (!c) {
		fn(p);
		return ERR_NOMEM;
	}
	c->fn = fn;
	c->p = p;
	c->next = a->cleanups;
	a->cleanups = c;
	return 0;
}
