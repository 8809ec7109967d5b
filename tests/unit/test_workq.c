/*
** tests/unit/test_workq.c: core/workq.c runs every job on its workers,
** refuses past its bound instead of queueing without end, and drains on free.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/workq.h"

#include <pthread.h>
#include <stdatomic.h>

static atomic_int ran;

static void
count(void *arg)
{
	(void)arg;
	atomic_fetch_add(&ran, 1);
}

static void
test_runs_every_job_and_drains_on_free(void **state)
{
	struct workq *q = NULL;
	struct err e = { 0 };

	(void)state;
	atomic_store(&ran, 0);
	assert_int_equal(workq_new(3, 1000, &q, &e), 0);
	for (int i = 0; i < 500; i++)
		assert_int_equal(workq_submit(q, count, NULL), 0);
	workq_free(q);
	assert_int_equal(atomic_load(&ran), 500);
}

/* A job that holds its worker until released, so the queue fills behind it. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open, gate_entered;

static void
blocker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate_mu);
	gate_entered = 1;
	pthread_cond_broadcast(&gate_cv);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
}

static void
test_full_queue_is_refused(void **state)
{
	struct workq *q = NULL;
	struct err e = { 0 };

	(void)state;
	atomic_store(&ran, 0);
	assert_int_equal(workq_new(1, 2, &q, &e), 0);
	assert_int_equal(workq_submit(q, blocker, NULL), 0);
	pthread_mutex_lock(&gate_mu);
	while (!gate_entered)	/* the worker is busy: the ring is empty again */
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	assert_int_equal(workq_submit(q, count, NULL), 0);
	assert_int_equal(workq_submit(q, count, NULL), 0);
	assert_int_equal(workq_submit(q, count, NULL), -1);	/* bound 2 reached */
	pthread_mutex_lock(&gate_mu);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	workq_free(q);
	assert_int_equal(atomic_load(&ran), 2);
	workq_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_every_job_and_drains_on_free),
		cmocka_unit_test(test_full_queue_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
