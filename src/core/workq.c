/*
** core/workq.c: fixed worker threads taking jobs from a ring under a mutex.
** Bounded so a flood is refused at the door (the caller answers 503) rather
** than queued without end.
*/
#include "core/workq.h"
#include "core/err.h"

#include <pthread.h>
#include <stdlib.h>

struct job {
	workq_fn fn;
	void *arg;
};

struct workq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *ring;
	size_t cap, head, n;
	int stop, nthreads;
	pthread_t *threads;
};

static void *
worker(void *arg)
{
	struct workq *q = arg;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->n && !q->stop)
			pthread_cond_wait(&q->cv, &q->mu);
		if (!q->n)
			break;	/* stopping and drained */
		struct job j = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->n--;
		pthread_mutex_unlock(&q->mu);
		j.fn(j.arg);
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

int
workq_new(int nthreads, size_t cap, struct workq **out, struct err *e)
{
	struct workq *q = calloc(1, sizeof(*q));
	int n = nthreads > 0 ? nthreads : 1;

	if (q) {
		q->cap = cap ? cap : 1;
		q->ring = calloc(q->cap, sizeof(*q->ring));
		q->threads = calloc((size_t)n, sizeof(pthread_t));
	}
	if (!q || !q->ring || !q->threads) {
		if (q) {
			free(q->ring);
			free(q->threads);
		}
		free(q);
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	for (int i = 0; i < n; i++) {
		if (pthread_create(&q->threads[i], NULL, worker, q) != 0) {
			workq_free(q);
			return err_set(e, ERR_UNAVAILABLE, NULL, "cannot start worker threads");
		}
		q->nthreads++;
	}
	*out = q;
	return 0;
}

int
workq_submit(struct workq *q, workq_fn fn, void *arg)
{
	int rc = -1;

	pthread_mutex_lock(&q->mu);
	if (q->n < q->cap && !q->stop) {
		q->ring[(q->head + q->n) % q->cap] = (struct job){ fn, arg };
		q->n++;
		rc = 0;
		pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

void
workq_free(struct workq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (int i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->threads);
	free(q->ring);
	free(q);
}
