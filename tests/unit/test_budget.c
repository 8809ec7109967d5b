/*
** tests/unit/test_budget.c: the 经费 engine (core/budget.c) without HTTP: the
** available-balance arithmetic, then commit / spend / release on a `stop` and a
** `warn` line of an in-memory database: over_budget names the line and the
** shortfall and writes nothing, a spend releases its own commitment, a
** release cannot exceed what its source has open.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/budget.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "tmpdb.h"
#include "modules/budget/budget.h"
#include "modules/org/org.h"
#include "modules.h"

struct fixture {
	struct db *db;
	struct arena *a;
	struct actor sys;
	int64_t stop_line, warn_line;
};

static int64_t
add_line(struct fixture *f, int64_t class_id, int64_t amount, const char *control)
{
	struct bud_line_in in = { 2026, f->sys.agency_id, class_id, amount, control };
	struct bud_line l;
	struct err e = { 0 };

	if (bud_line_create(f->db, f->a, &f->sys, &in, &l, &e))
		fail_msg("bud_line_create: %s", e.msg);
	return l.id;
}

static int
setup(void **state)
{
	static struct fixture f;
	struct bud_class *cls;
	int64_t travel = 0, reception = 0;
	size_t nc;
	struct dept root;
	struct err e = { 0 };
	int applied;

	memset(&f, 0, sizeof(f));
	f.a = arena_new(16384);
	f.sys = (struct actor){ .ip = "test", .username = "test" };
	modules_init();	/* the English messages */
	tmpdb_audit_key();	/* every entry is audited, with the key */
	if (db_open(":memory:", DB_CREATE, &f.db, &e) || db_migrate(f.db, &applied, &e) ||
	    db_begin_write(f.db, &e) || org_agency_create(f.db, f.a, &f.sys, "机关", &root, &e))
		fail_msg("setup: %s", e.msg);
	f.sys.agency_id = f.sys.department_id = root.id;
	/* a new agency comes with the standard classes (the budget module's agency_init) */
	if (bud_class_list(f.db, f.a, &f.sys, &cls, &nc, &e))
		fail_msg("classes: %s", e.msg);
	for (size_t i = 0; i < nc; i++) {
		if (strcmp(cls[i].code, "30211") == 0)
			travel = cls[i].id;
		if (strcmp(cls[i].code, "30217") == 0 && cls[i].sangong)
			reception = cls[i].id;
	}
	if (!travel || !reception)
		fail_msg("the new agency lacks 30211 差旅费 or 30217 公务接待费 (三公)");
	f.stop_line = add_line(&f, travel, 1000, "stop");
	f.warn_line = add_line(&f, reception, 1000, "warn");
	if (db_commit(f.db, &e))
		fail_msg("commit: %s", e.msg);
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	db_close(f->db);
	arena_free(f->a);
	return 0;
}

static void
arithmetic(void **state)
{
	struct budget_sum s = { .amount = 10000, .adjusted = -2500, .committed = 3000,
				.spent = 4000 };

	(void)state;
	budget_sum_finish(&s);
	assert_int_equal(s.available, 500);
	assert_int_equal(budget_shortfall(&s, 500), 0);
	assert_int_equal(budget_shortfall(&s, 501), 1);
	assert_int_equal(budget_shortfall(&s, 100), 0);
	s.adjusted = 1000;	/* 追加 */
	budget_sum_finish(&s);
	assert_int_equal(s.available, 4000);
	s.spent = 20000;	/* a warn line overspent: negative, and everything falls short */
	budget_sum_finish(&s);
	assert_int_equal(s.available, -12000);
	assert_int_equal(budget_shortfall(&s, 1), 12001);
}

/* op on the fixture's db in a transaction of its own: committed when op succeeds. */
enum op { COMMIT, SPEND, RELEASE };

static int
run(struct fixture *f, enum op op, int64_t line, int64_t amount, int64_t source,
    struct budget_result *r, struct err *e)
{
	struct budget_src src = { "test", source, op == SPEND ? "记-0001" : NULL,
				  op == SPEND ? "某酒店" : NULL, 0 };
	int (*fn[])(struct db *, const struct actor *, int64_t, int64_t,
		    const struct budget_src *, struct budget_result *, struct err *) = {
		budget_commit, budget_spend, budget_release
	};
	int rc;

	assert_int_equal(db_begin_write(f->db, e), 0);
	rc = fn[op](f->db, &f->sys, line, amount, &src, r, e);
	if (rc)
		db_rollback(f->db);
	else
		assert_int_equal(db_commit(f->db, e), 0);
	return rc;
}

static int64_t
entries(struct fixture *f, int64_t line)
{
	struct bud_entry *items;
	int64_t total = -1;
	size_t n;
	struct err e = { 0 };

	assert_int_equal(bud_entry_list(f->db, f->a, &f->sys, line, 100, 0, &items, &n, &total,
					&e), 0);
	return total;
}

static void
stop_line_refuses_overdraft_and_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct budget_result r;
	struct err e = { 0 };
	char want[32];

	assert_int_equal(run(f, COMMIT, f->stop_line, 600, 1, &r, &e), 0);
	assert_int_equal(r.after.committed, 600);
	assert_int_equal(r.after.available, 400);
	assert_int_equal(r.warned, 0);
	assert_int_equal(run(f, COMMIT, f->stop_line, 525, 2, &r, &e), ERR_RULE);
	assert_string_equal(e.slug, "over_budget");
	snprintf(want, sizeof(want), "#%lld", (long long)f->stop_line);
	assert_non_null(strstr(e.msg, want));
	assert_non_null(strstr(e.msg, "1.25 元"));	/* the shortfall, 125 fen */
	assert_non_null(strstr(e.msg_en, "¥1.25"));
	assert_int_equal(entries(f, f->stop_line), 1);
	assert_int_equal(run(f, COMMIT, f->stop_line, 400, 2, &r, &e), 0);	/* exactly fits */
	assert_int_equal(r.after.available, 0);
	assert_int_equal(run(f, COMMIT, f->stop_line, 1, 3, &r, &e), ERR_RULE);
}

static void
spend_releases_its_commitment(void **state)
{
	struct fixture *f = *state;
	struct budget_result r;
	struct err e = { 0 };

	/* from the previous test: source 1 has 600 committed, source 2 has 400, 0 available */
	assert_int_equal(run(f, SPEND, f->stop_line, 500, 1, &r, &e), 0);
	assert_int_equal(r.after.committed, 500);	/* 100 of source 1 stays committed */
	assert_int_equal(r.after.spent, 500);
	assert_int_equal(r.after.available, 0);
	assert_int_equal(run(f, SPEND, f->stop_line, 101, 1, &r, &e), ERR_RULE);	/* 1 over */
	assert_string_equal(e.slug, "over_budget");
	assert_int_equal(run(f, RELEASE, f->stop_line, 401, 2, &r, &e), ERR_RULE);
	assert_string_equal(e.slug, "not_committed");
	assert_int_equal(run(f, RELEASE, f->stop_line, 400, 2, &r, &e), 0);
	assert_int_equal(r.after.committed, 100);
	assert_int_equal(r.after.available, 400);
	/* paying more than committed takes the rest from the available amount */
	assert_int_equal(run(f, SPEND, f->stop_line, 300, 1, &r, &e), 0);
	assert_int_equal(r.after.committed, 0);
	assert_int_equal(r.after.spent, 800);
	assert_int_equal(r.after.available, 200);
	/* commit 600 and 400, release 500 + spend 500, release 400, release 100 + spend 300 */
	assert_int_equal(entries(f, f->stop_line), 7);
}

static void
warn_line_allows_and_flags(void **state)
{
	struct fixture *f = *state;
	struct budget_result r;
	struct err e = { 0 };

	assert_int_equal(run(f, COMMIT, f->warn_line, 900, 7, &r, &e), 0);
	assert_int_equal(r.warned, 0);
	assert_int_equal(run(f, COMMIT, f->warn_line, 300, 8, &r, &e), 0);
	assert_int_equal(r.warned, 1);
	assert_int_equal(r.after.available, -200);
}

static void
bad_input(void **state)
{
	struct fixture *f = *state;
	struct budget_result r;
	struct err e = { 0 };
	struct actor other = f->sys;

	assert_int_equal(run(f, COMMIT, f->stop_line, 0, 9, &r, &e), ERR_INVALID);
	assert_string_equal(e.fields[0].name, "amount_fen");
	assert_int_equal(run(f, COMMIT, f->stop_line, -5, 9, &r, &e), ERR_INVALID);
	assert_int_equal(run(f, COMMIT, 999999, 5, 9, &r, &e), ERR_NOT_FOUND);
	assert_string_equal(e.slug, "budget_line_not_found");
	other.agency_id = f->sys.agency_id + 1000;	/* another agency's actor */
	assert_int_equal(db_begin_write(f->db, &e), 0);
	assert_int_equal(budget_commit(f->db, &other, f->stop_line, 1,
				       &(struct budget_src){ "test", 9, NULL, NULL, 0 }, &r, &e),
			 ERR_NOT_FOUND);
	db_rollback(f->db);
}

static int
close_period(struct fixture *f, int period, struct err *e)
{
	int rc;

	assert_int_equal(db_begin_write(f->db, e), 0);
	rc = budget_period_close(f->db, &f->sys, period, e);
	if (rc)
		db_rollback(f->db);
	else
		assert_int_equal(db_commit(f->db, e), 0);
	return rc;
}

/* A closed month takes no row dated in it; the month before still does. */
static void
closed_period_refuses_rows(void **state)
{
	struct fixture *f = *state;
	int64_t now = now_ms(), before = entries(f, f->warn_line);
	int this = budget_period_of(now), last = this % 100 == 1 ? this - 89 : this - 1;
	struct budget_src src = { "test", 20, NULL, NULL, 0 };
	struct budget_result r;
	struct err e = { 0 };
	int closed;

	/* 2026-09-30 16:00 UTC is 10-01 00:00 in Shanghai */
	assert_int_equal(budget_period_of(1790784000000LL), 202610);
	assert_int_equal(budget_period_of(1790784000000LL - 1), 202609);
	assert_int_equal(close_period(f, this + 1 > this / 100 * 100 + 12 ? this + 89 : this + 1,
				      &e), ERR_INVALID);	/* next month */
	assert_int_equal(close_period(f, 202613, &e), ERR_INVALID);
	assert_int_equal(close_period(f, this, &e), 0);
	assert_int_equal(close_period(f, this, &e), ERR_CONFLICT);
	assert_string_equal(e.slug, "already_closed");
	assert_int_equal(budget_period_closed(f->db, f->sys.agency_id, this, &closed, &e), 0);
	assert_int_equal(closed, 1);
	assert_int_equal(run(f, COMMIT, f->warn_line, 1, 21, &r, &e), ERR_RULE);
	assert_string_equal(e.slug, "period_closed");
	assert_int_equal(db_begin_write(f->db, &e), 0);
	/* the same time on last month's last day, still open */
	src.occurred_at = now - days_to_date((now + SHANGHAI_OFFSET_MS) / DAY_MS) % 100 * DAY_MS;
	assert_int_equal(budget_period_of(src.occurred_at), last);
	assert_int_equal(budget_commit(f->db, &f->sys, f->warn_line, 1, &src, &r, &e), 0);
	assert_int_equal(db_commit(f->db, &e), 0);
	assert_int_equal(entries(f, f->warn_line), before + 1);
}

/* 追加/调减 (budget_adjust), after closed_period_refuses_rows: this month is closed now. */
static int
adjust(struct fixture *f, int64_t line, int64_t amount, int64_t at, struct budget_result *r,
       struct err *e)
{
	struct budget_src src = { "budget_adjustment", 30, NULL, NULL, at };
	int rc;

	assert_int_equal(db_begin_write(f->db, e), 0);
	rc = budget_adjust(f->db, &f->sys, line, amount, &src, r, e);
	if (rc)
		db_rollback(f->db);
	else
		assert_int_equal(db_commit(f->db, e), 0);
	return rc;
}

static void
adjust_adds_and_cuts(void **state)
{
	struct fixture *f = *state;
	int64_t now = now_ms(), last = now - days_to_date((now + SHANGHAI_OFFSET_MS) / DAY_MS) % 100 *
							  DAY_MS;
	int64_t before = entries(f, f->stop_line);
	struct budget_sum s = { .amount = 1000, .committed = 700, .spent = 99 };
	struct budget_result r;
	struct err e = { 0 };

	assert_int_equal(budget_use_level(&s), 0);
	s.spent = 100;
	assert_int_equal(budget_use_level(&s), 1);	/* 80 % exactly */
	s.adjusted = -200;
	assert_int_equal(budget_use_level(&s), 2);
	s = (struct budget_sum){ .adjusted = 0, .committed = 0 };
	assert_int_equal(budget_use_level(&s), 0);
	/* the stop line has 1000 budgeted, 800 spent: 200 available */
	assert_int_equal(adjust(f, f->stop_line, -201, last, &r, &e), ERR_RULE);
	assert_string_equal(e.slug, "over_budget");
	assert_non_null(strstr(e.msg, "0.01 元"));
	assert_int_equal(adjust(f, f->stop_line, -200, last, &r, &e), 0);
	assert_int_equal(r.after.adjusted, -200);
	assert_int_equal(r.after.available, 0);
	assert_int_equal(adjust(f, f->stop_line, 500, last, &r, &e), 0);
	assert_int_equal(r.after.adjusted, 300);
	assert_int_equal(r.after.available, 500);
	assert_int_equal(adjust(f, f->stop_line, 0, last, &r, &e), ERR_INVALID);
	assert_int_equal(adjust(f, f->stop_line, INT64_MIN, last, &r, &e), ERR_INVALID);
	assert_int_equal(adjust(f, f->stop_line, BUDGET_AMOUNT_MAX + 1, last, &r, &e), ERR_INVALID);
	assert_int_equal(adjust(f, f->stop_line, 5, 0, &r, &e), ERR_RULE);	/* now: closed */
	assert_string_equal(e.slug, "period_closed");
	assert_int_equal(entries(f, f->stop_line), before + 2);
	/* a warn line takes a cut beyond its available and flags it */
	assert_int_equal(adjust(f, f->warn_line, -100, last, &r, &e), 0);
	assert_int_equal(r.warned, 1);
	assert_int_equal(r.after.available, -301);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arithmetic),
		cmocka_unit_test(stop_line_refuses_overdraft_and_writes_nothing),
		cmocka_unit_test(spend_releases_its_commitment),
		cmocka_unit_test(warn_line_allows_and_flags),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(closed_period_refuses_rows),
		cmocka_unit_test(adjust_adds_and_cuts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
