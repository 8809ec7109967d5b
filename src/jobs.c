/*
** jobs.c: the once-a-minute job runner. The jobs themselves are the modules'
** (struct module_job in each module's descriptor); each runs once per agency,
** on that agency's business calendar.
*/
#include "jobs.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "modules.h"
#include "modules/org/org.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define LOG_MOD "jobs"

static int jobs_run_all(struct db_pool *pool, int64_t now);

struct job_run {
	const struct module_job *job;
	int64_t agency, now;
};

/* One job for one agency in the writer's transaction, on that agency's calendar. */
static int
run_job(struct db *db, void *arg, struct err *e)
{
	const struct job_run *r = arg;
	struct arena *a = arena_new(16384);
	struct cal cal;
	int done = 0, rc;

	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = cal_load_agency(db, a, r->agency, &cal, e) ||
			     r->job->run(db, r->agency, &cal, r->now, &done, e)
		     ? e->code : 0;
	if (!rc && done)
		log_msg(LOG_INFO, LOG_MOD, "agency %" PRId64 ": %s: %d", r->agency, r->job->done_what,
			done);
	arena_free(a);
	return rc;
}

/* Every module's jobs for one agency; returns how many failed. */
static int
run_agency(struct db_pool *pool, int64_t agency, int64_t now)
{
	int failed = 0;

	for (size_t m = 0; houqin_modules[m]; m++) {
		for (const struct module_job *j = houqin_modules[m]->jobs; j && j->name; j++) {
			struct job_run r = { j, agency, now };
			struct err e = { 0 };
			int rc = db_write_tx(db_pool_writer(pool), run_job, &r, &e);
			db_pool_writer_unlock(pool);
			if (rc) {
				log_msg(LOG_ERROR, LOG_MOD, "job %s failed for agency %" PRId64 ": %s",
					j->name, agency, e.msg);
				failed++;
			}
		}
	}
	return failed;
}

#define JOBS_LOCK 0x68716a6f6273LL	/* "hqjobs": held by the process that runs the jobs */

/*
** Only one process runs the jobs at a time (several serve one PostgreSQL
** database): whoever holds JOBS_LOCK on its writer connection for the round.
** A process that dies drops its lock with its connection; the next round of
** another process then takes it (within one interval).
*/
static int
jobs_lock(struct db_pool *pool, int take)
{
	struct db *w = db_pool_writer(pool);
	struct err e = { 0 };
	int got = 0;

	if (take)
		db_try_lock_held(w, JOBS_LOCK, &got, &e);
	else
		db_unlock_held(w, JOBS_LOCK, &e);
	db_pool_writer_unlock(pool);
	return got;
}

int
jobs_run_once(struct db_pool *pool, int64_t now)
{
	int failed;

	if (!jobs_lock(pool, 1))
		return 0;	/* another process runs them */
	failed = jobs_run_all(pool, now);
	jobs_lock(pool, 0);
	return failed;
}

static int
jobs_run_all(struct db_pool *pool, int64_t now)
{
	struct arena *a = arena_new(4096);
	struct db *rd = db_pool_reader(pool);
	struct err e = { 0 };
	int64_t *agencies = NULL;
	size_t n = 0;
	int failed = 0;

	if (!a || org_agency_ids(rd, a, &agencies, &n, &e)) {
		log_msg(LOG_ERROR, LOG_MOD, "cannot list the agencies: %s", a ? e.msg : "out of memory");
		failed = 1;
	}
	db_pool_release(pool, rd);
	for (size_t i = 0; i < n; i++)
		failed += run_agency(pool, agencies[i], now);
	arena_free(a);
	return failed;
}

struct jobs {
	struct db_pool *pool;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int interval_s;
	int stop;
};

static void *
loop(void *p)
{
	struct jobs *j = p;

	pthread_mutex_lock(&j->lock);
	while (!j->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += j->interval_s;
		pthread_cond_timedwait(&j->wake, &j->lock, &until);
		if (j->stop)
			break;
		pthread_mutex_unlock(&j->lock);
		jobs_run_once(j->pool, now_ms());
		pthread_mutex_lock(&j->lock);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

struct jobs *
jobs_start(struct db_pool *pool, int interval_s)
{
	struct jobs *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->pool = pool;
	j->interval_s = interval_s > 0 ? interval_s : JOBS_INTERVAL_S;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	if (pthread_create(&j->thread, NULL, loop, j) != 0) {
		pthread_cond_destroy(&j->wake);
		pthread_mutex_destroy(&j->lock);
		free(j);
		return NULL;
	}
	return j;
}

void
jobs_stop(struct jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stop = 1;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	pthread_cond_destroy(&j->wake);
	pthread_mutex_destroy(&j->lock);
	free(j);
}
