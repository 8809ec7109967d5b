/*
** jobs.c: the once-a-minute job runner and its table of jobs.
*/
#include "jobs.h"
#include "core/approval.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "modules/workorders/workorders.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define LOG_MOD "jobs"
#define JOB_INTERVAL_S 60

static int
job_approval_reminders(struct db *db, int64_t now, struct err *e)
{
	struct arena *a = arena_new(16384);
	struct cal cal;
	int sent = 0, rc;

	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = cal_load(db, a, &cal, e) || appr_remind_due(db, &cal, now, &sent, e) ? e->code : 0;
	if (!rc && sent)
		log_msg(LOG_INFO, LOG_MOD, "reminded approvers of %d waiting step(s)", sent);
	arena_free(a);
	return rc;
}

/* The work-order jobs share one shape: load the calendar, run, log what happened. */
static int
with_calendar(struct db *db, int64_t now, struct err *e,
	      int (*fn)(struct db *, const struct cal *, int64_t, int *, struct err *),
	      const char *what)
{
	struct arena *a = arena_new(16384);
	struct cal cal;
	int n = 0, rc;

	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = cal_load(db, a, &cal, e) || fn(db, &cal, now, &n, e) ? e->code : 0;
	if (!rc && n)
		log_msg(LOG_INFO, LOG_MOD, "%s: %d", what, n);
	arena_free(a);
	return rc;
}

static int
job_workorder_sla_watch(struct db *db, int64_t now, struct err *e)
{
	return with_calendar(db, now, e, wo_sla_watch, "work-order SLA alerts sent");
}

static int
job_workorder_auto_confirm(struct db *db, int64_t now, struct err *e)
{
	return with_calendar(db, now, e, wo_auto_confirm, "work orders confirmed automatically");
}

static int
job_workorder_pm(struct db *db, int64_t now, struct err *e)
{
	return with_calendar(db, now, e, wo_pm_run, "preventive-maintenance orders created");
}

static const struct {
	const char *name;
	int (*fn)(struct db *db, int64_t now, struct err *e);
} jobs[] = {
	{ "approval_reminders", job_approval_reminders },
	{ "workorder_sla_watch", job_workorder_sla_watch },
	{ "workorder_auto_confirm", job_workorder_auto_confirm },
	{ "workorder_pm", job_workorder_pm },
};

int
jobs_run_once(struct db_pool *pool, int64_t now)
{
	int failed = 0;

	for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		struct db *w = db_pool_writer(pool);
		struct err e = { 0 };
		int rc = db_begin_write(w, &e);
		if (!rc)
			rc = jobs[i].fn(w, now, &e);
		if (!rc)
			rc = db_commit(w, &e);
		else if (db_in_tx(w))
			db_rollback(w);
		db_pool_writer_unlock(pool);
		if (rc) {
			log_msg(LOG_ERROR, LOG_MOD, "job %s failed: %s", jobs[i].name, e.msg);
			failed++;
		}
	}
	return failed;
}

struct jobs {
	struct db_pool *pool;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
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
		until.tv_sec += JOB_INTERVAL_S;
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
jobs_start(struct db_pool *pool)
{
	struct jobs *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->pool = pool;
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
