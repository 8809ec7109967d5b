/*
** tests/unit/test_wo_gen.c: the history generator (modules/workorders/
** workorders_gen.c) only takes moves the transition table has. A small
** agency is written into a :memory: database (one office user, two staff,
** two workers in a team, rooms, an ordinary and a safety category), a few
** thousand orders are generated, and every timeline is replayed against
** wo_transition_find(): each row leaves the status the previous one reached,
** with an action the table allows from there, to the status the table says
** (resume: back to where the order was suspended from), and the system
** (actor NULL) takes exactly the system's rows.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "tmpdb.h"
#include "modules/workorders/workorders.h"

#define GEN_N 3000

static struct db *db;

static const char seed_sql[] =
	"INSERT INTO department (id, agency_id, parent_id, name, created_at, updated_at)"
	" VALUES (1, NULL, NULL, '测试局', 0, 0);"
	"INSERT INTO app_user (id, agency_id, department_id, username, display_name,"
	" password_hash, created_at, updated_at) VALUES"
	" (1, 1, 1, 'office', '受理员', 'x', 0, 0), (2, 1, 1, 'staff1', '职工甲', 'x', 0, 0),"
	" (3, 1, 1, 'staff2', '职工乙', 'x', 0, 0), (4, 1, 1, 'worker1', '蒋师傅', 'x', 0, 0),"
	" (5, 1, 1, 'worker2', '王师傅', 'x', 0, 0);"
	"INSERT INTO user_role (agency_id, user_id, role) VALUES (1, 1, 'office'), (1, 2, 'staff'),"
	" (1, 3, 'staff'), (1, 4, 'worker'), (1, 5, 'worker');"
	"INSERT INTO location (id, agency_id, parent_id, kind, name, created_at, updated_at)"
	" VALUES (1, 1, NULL, 'building', '综合楼', 0, 0), (2, 1, 1, 'floor', '3层', 0, 0),"
	" (3, 1, 2, 'room', '301', 0, 0), (4, 1, 2, 'room', '302', 0, 0);"
	"INSERT INTO wo_team (id, agency_id, name, created_at, updated_at)"
	" VALUES (1, 1, '水电班', 0, 0);"
	"INSERT INTO wo_team_member (agency_id, team_id, user_id) VALUES (1, 1, 4), (1, 1, 5);"
	"INSERT INTO wo_category (id, agency_id, name, default_team_id, safety, created_at,"
	" updated_at) VALUES (1, 1, '水电', 1, 0, 0, 0), (2, 1, '电梯', 1, 1, 0, 0);";

static const char sql_timelines[] =
	"SELECT e.workorder_id, e.action, COALESCE(e.from_status, ''), e.to_status,"
	" e.actor_id IS NULL, w.status FROM wo_event e JOIN workorder w ON w.id = e.workorder_id"
	" ORDER BY e.workorder_id, e.id";

static int
setup(void **state)
{
	struct err e = { 0 };
	int applied;

	(void)state;
	/* the agency's own calendar, as org_agency_create gives every agency */
	tmpdb_audit_key();	/* every write is audited, with the key */
	if (db_open(":memory:", DB_CREATE, &db, &e) || db_migrate(db, &applied, &e) ||
	    db_begin_write(db, &e) || db_exec(db, seed_sql, &e) || cal_agency_init(db, 1, &e) ||
	    db_commit(db, &e))
		fail_msg("setup: %s", e.msg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	db_close(db);
	return 0;
}

/* One timeline row against the table; *st and *back carry the order's state. */
static void
check_row(int64_t wo, const char *action, const char *from, const char *to, int system,
	  int *st, int *back)
{
	const struct wo_transition *t;
	int a = wo_action_parse(action), want;

	if (strcmp(from, wo_status_codes[*st]) != 0)
		fail_msg("order %lld: %s from %s, but the order was %s", (long long)wo, action,
			 from, wo_status_codes[*st]);
	if (a < 0)
		fail_msg("order %lld: unknown action %s", (long long)wo, action);
	t = wo_transition_find((enum wo_action)a, (enum wo_status)*st);
	if (!t)
		fail_msg("order %lld: %s from %s is not in the table", (long long)wo, action, from);
	if (system != (t->parties == WO_P_SYSTEM))
		fail_msg("order %lld: %s from %s by %s", (long long)wo, action, from,
			 system ? "the system" : "a person");
	want = a == WO_A_RESUME ? *back : (int)t->to;
	if (a == WO_A_SUSPEND)
		*back = *st;
	if (strcmp(to, wo_status_codes[want]) != 0)
		fail_msg("order %lld: %s from %s went to %s, the table says %s", (long long)wo,
			 action, from, to, wo_status_codes[want]);
	*st = want;
}

static void
generated_histories_take_only_table_moves(void **state)
{
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t now = now_ms(), cur = 0, orders = 0;
	int status = WO_SUBMITTED, back = WO_IN_PROGRESS, rc, seen[WO_A_N] = { 0 };
	char last[32] = "";

	(void)state;
	if (wo_gen_history(db, 1, GEN_N, now - 180 * DAY_MS, now, 7, &e))
		fail_msg("wo_gen_history: %s", e.msg);
	assert_int_equal(db_prepare(db, &st, sql_timelines, &e), 0);
	while ((rc = db_step(&st, &e)) == 1) {
		int64_t wo = db_col_i64(&st, 0);
		const char *action = db_col_peek(&st, 1, NULL), *from = db_col_peek(&st, 2, NULL);
		const char *to = db_col_peek(&st, 3, NULL);
		int a = wo_action_parse(action);

		if (wo != cur) {	/* the previous order ends where its timeline does */
			if (cur)
				assert_string_equal(last, wo_status_codes[status]);
			cur = wo;
			orders++;
			assert_string_equal(action, "create");
			assert_string_equal(from, "");
			assert_string_equal(to, "submitted");
			status = WO_SUBMITTED;
			back = WO_IN_PROGRESS;
		} else {
			check_row(wo, action, from, to, (int)db_col_i64(&st, 4), &status, &back);
			seen[a]++;
		}
		snprintf(last, sizeof(last), "%s", db_col_peek(&st, 5, NULL));
	}
	db_finalize(&st);
	assert_int_equal(rc, 0);
	assert_string_equal(last, wo_status_codes[status]);
	assert_int_equal(orders, GEN_N);
	/* the histories use every move but transfer (and not the urgent auto-dispatch) */
	for (int a = 0; a < WO_A_N; a++)
		if (a != WO_A_TRANSFER && !seen[a])
			fail_msg("no generated order takes %s", wo_action_codes[a]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generated_histories_take_only_table_moves),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
