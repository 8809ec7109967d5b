/*
** jobs.h: background jobs run by `houqin serve` once a minute: every
** module's struct module_job (approval reminders; the work-order SLA watch,
** automatic confirmation and preventive maintenance), once per agency. Each
** run is its own write transaction on the pool's writer, so a failure rolls
** back only that job for that agency. Jobs must be idempotent: they record
** what they did in the same transaction (e.g. reminded_at), so restarts never
** repeat an action.
*/
#ifndef HOUQIN_JOBS_H
#define HOUQIN_JOBS_H

#include <stdint.h>

struct db_pool;
struct jobs;

/* Run every job once at `now` (tests call this with a moved clock). Returns the number that failed. */
int jobs_run_once(struct db_pool *pool, int64_t now);
#define JOBS_INTERVAL_S 60	/* between rounds; serve --job-interval changes it for tests */

/* Start the thread running a round every interval_s (<= 0: JOBS_INTERVAL_S); NULL on failure. */
struct jobs *jobs_start(struct db_pool *pool, int interval_s);
/* Stop the thread and wait for a running job to finish. NULL is a no-op. */
void jobs_stop(struct jobs *j);

#endif
