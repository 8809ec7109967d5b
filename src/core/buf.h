/*
** core/buf.h: bounded growable byte buffer (curl dynbuf). Always NUL-terminated
** when p != NULL. A failed append leaves the buffer as it was.
*/
#ifndef HOUQIN_BUF_H
#define HOUQIN_BUF_H

#include <stddef.h>

struct buf {
	char *p;
	size_t len, cap, max;
};

#define BUF_INIT(maxbytes) { NULL, 0, 0, (maxbytes) }

/* Append n bytes. 0, ERR_TOO_LARGE past max, ERR_NOMEM. */
int buf_add(struct buf *b, const void *data, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Release memory; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);
/* Hand p to the caller (who frees it) and reset the buffer. */
char *buf_take(struct buf *b, size_t *len);
/* Hand p to the arena instead (freed with it), NUL-terminated even when empty. NULL on OOM. */
struct arena;
char *buf_to_arena(struct buf *b, struct arena *a);

#endif
