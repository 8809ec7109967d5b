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

#define MEMO_CLAIMS 16	/* keys being computed at once; more are computed unclaimed */

struct memo {
	pthread_mutex_t lock;
	pthread_cond_t done;	/* a claim ended */
	char *claims[MEMO_CLAIMS];
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
	pthread_cond_init(&m->done, NULL);
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
	for (int i = 0; i < MEMO_CLAIMS; i++)
		free(m->claims[i]);
	pthread_cond_destroy(&m->done);
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

/* Under m->lock: copy the kept text of key into the arena; NULL when not kept (or OOM). */
static char *
copy_out(struct memo *m, const char *key, struct arena *a, size_t *len)
{
	struct entry *x = find(m, key);
	char *copy = x ? arena_alloc(a, x->len + 1) : NULL;

	if (copy) {
		memcpy(copy, x->text, x->len);
		copy[x->len] = '\0';
		*len = x->len;
		x->used = ++m->tick;
	}
	return copy;
}

int
memo_get(struct memo *m, const char *key, struct arena *a, char **text, size_t *len)
{
	if (!m)
		return 0;
	pthread_mutex_lock(&m->lock);
	*text = copy_out(m, key, a, len);
	pthread_mutex_unlock(&m->lock);
	return !!*text;
}

static char **
claim_of(struct memo *m, const char *key)
{
	for (int i = 0; i < MEMO_CLAIMS; i++)
		if (m->claims[i] && strcmp(m->claims[i], key) == 0)
			return &m->claims[i];
	return NULL;
}

int
memo_get_or_claim(struct memo *m, const char *key, struct arena *a, char **text, size_t *len)
{
	*text = NULL;
	if (!m)
		return 0;
	pthread_mutex_lock(&m->lock);
	while (!(*text = copy_out(m, key, a, len)) && claim_of(m, key))
		pthread_cond_wait(&m->done, &m->lock);
	for (int i = 0; !*text && i < MEMO_CLAIMS; i++)
		if (!m->claims[i]) {	/* no free slot (or OOM): computed unclaimed */
			m->claims[i] = strdup(key);
			break;
		}
	pthread_mutex_unlock(&m->lock);
	return !!*text;
}

void
memo_unclaim(struct memo *m, const char *key)
{
	char **c;

	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	c = claim_of(m, key);
	if (c) {
		free(*c);
		*c = NULL;
		pthread_cond_broadcast(&m->done);
	}
	pthread_mutex_unlock(&m->lock);
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
	x = find(m, key);
	if (x)
		drop(m, x);
	while (m->bytes + need > m->max_bytes && (x = oldest(m)))
		drop(m, x);
	x = free_slot(m);
	if (!x) {
		x = oldest(m);
		drop(m, x);
	}
	*x = (struct entry){ k, t, len, ++m->tick };
	m->bytes += need;
	pthread_mutex_unlock(&m->lock);
}
