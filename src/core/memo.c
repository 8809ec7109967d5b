/*
** core/memo.c: see memo.h. A plain array searched linearly: it holds a few
** dozen entries, and a lookup costs far less than the work it saves.
*/
#include "core/memo.h"
#include "core/arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MEMO_SLOTS 64

struct entry {
	char *key, *text;
	size_t len;
	uint64_t used;	/* tick of the last hit or put: smallest goes first */
};

struct memo {
	pthread_mutex_t lock;
	struct entry e[MEMO_SLOTS];
	size_t bytes, max_bytes;
	uint64_t tick;
};

struct memo *
memo_new(size_t max_bytes)
{
	struct memo *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	pthread_mutex_init(&m->lock, NULL);
	m->max_bytes = max_bytes;
	return m;
}

static void
drop(struct memo *m, struct entry *x)
{
	m->bytes -= strlen(x->key) + x->len;
	free(x->key);
	free(x->text);
	memset(x, 0, sizeof(*x));
}

void
memo_free(struct memo *m)
{
	if (!m)
		return;
	for (int i = 0; i < MEMO_SLOTS; i++)
		if (m->e[i].key)
			drop(m, &m->e[i]);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static struct entry *
find(struct memo *m, const char *key)
{
	for (int i = 0; i < MEMO_SLOTS; i++)
		if (m->e[i].key && strcmp(m->e[i].key, key) == 0)
			return &m->e[i];
	return NULL;
}

int
memo_get(struct memo *m, const char *key, struct arena *a, char **text, size_t *len)
{
	struct entry *x;
	char *copy = NULL;

	if (!m)
		return 0;
	pthread_mutex_lock(&m->lock);
	x = find(m, key);
	if (x && (copy = arena_alloc(a, x->len + 1))) {
		memcpy(copy, x->text, x->len);
		copy[x->len] = '\0';
		*len = x->len;
		x->used = ++m->tick;
	}
	pthread_mutex_unlock(&m->lock);
	*text = copy;
	return copy != NULL;
}

/* The least recently used entry; NULL when empty. */
static struct entry *
oldest(struct memo *m)
{
	struct entry *v = NULL;

	for (int i = 0; i < MEMO_SLOTS; i++)
		if (m->e[i].key && (!v || m->e[i].used < v->used))
			v = &m->e[i];
	return v;
}

static struct entry *
free_slot(struct memo *m)
{
	for (int i = 0; i < MEMO_SLOTS; i++)
		if (!m->e[i].key)
			return &m->e[i];
	return NULL;
}

void
memo_put(struct memo *m, const char *key, const char *text, size_t len)
{
	size_t need = strlen(key) + len;
	struct entry *x;
	char *k, *t;

	if (!m || need > m->max_bytes)
		return;
	k = strdup(key);
	t = malloc(len ? len : 1);
	if (!k || !t) {
		free(k);
		free(t);
		return;
	}
	memcpy(t, text, len);
	pthread_mutex_lock(&m->lock);
	if ((x = find(m, key)))
		drop(m, x);
	while (m->bytes + need > m->max_bytes && (x = oldest(m)))
		drop(m, x);
	if (!(x = free_slot(m))) {
		x = oldest(m);
		drop(m, x);
	}
	*x = (struct entry){ k, t, len, ++m->tick };
	m->bytes += need;
	pthread_mutex_unlock(&m->lock);
}
