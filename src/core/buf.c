/*
** core/buf.c: bounded buffer.
*/
#include "core/buf.h"
#include "core/arena.h"
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
buf_add(struct buf *b, const void *data, size_t n)
{
	size_t want, cap;
	char *p;

	if (n > b->max || b->len > b->max - n || b->len + n >= SIZE_MAX / 2)
		return ERR_TOO_LARGE;
	want = b->len + n + 1;
	if (want > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < want)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return ERR_NOMEM;
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n, rc;
	char *big;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return ERR_INVALID;
	if ((size_t)n < sizeof(small))
		return buf_add(b, small, (size_t)n);
	big = malloc((size_t)n + 1);
	if (!big)
		return ERR_NOMEM;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = buf_add(b, big, (size_t)n);
	free(big);
	return rc;
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

char *
buf_take(struct buf *b, size_t *len)
{
	char *p = b->p;

	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

char *
buf_to_arena(struct buf *b, struct arena *a)
{
	char *p;

	if (buf_add(b, "", 0)) {	/* an empty buffer still gets its NUL */
		buf_free(b);
		return NULL;
	}
	p = buf_take(b, NULL);
	return arena_defer(a, free, p) ? NULL : p;	/* arena_defer frees p on failure */
}
