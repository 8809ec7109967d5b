/*
** core/workq.h: a small pool of worker threads behind a bounded queue, for
** slow pure work (password hashing) that must hold up neither the request
** threads nor the database writer.
*/
#ifndef HOUQIN_WORKQ_H
#define HOUQIN_WORKQ_H

#include <stddef.h>

struct workq;
struct err;

typedef void (*workq_fn)(void *arg);

/* nthreads workers; at most cap jobs waiting. ERR_NOMEM / ERR_UNAVAILABLE. */
int workq_new(int nthreads, size_t cap, struct workq **out, struct err *e);
/* Queue fn(arg) for a worker: 0, or -1 when cap jobs already wait (nothing queued). */
int workq_submit(struct workq *q, workq_fn fn, void *arg);
/* Run every queued job, then stop and join the workers. NULL is fine. */
void workq_free(struct workq *q);

#endif
