/*
** tests/unit/test_schema.c: the schema's own rules (migrations 0014-0016).
** A database built at schema 12 (before the per-agency calendar and the
** constraints) holding two agencies' rows migrates to the newest schema with
** every row kept, the calendar copied per agency, agency_id filled in the
** approval child tables, and PRAGMA foreign_key_check / integrity_check clean.
** On the migrated database, a role, status or kind the code never writes and
** an id pointing at no row are refused by SQLite itself.
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
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"

/* Two agencies (1 and 3) as a v12 database holds them: no agency_id on the calendar. */
static const char seed_v12[] =
	"INSERT INTO department (id, agency_id, parent_id, name, created_at, updated_at) VALUES"
	" (1, 1, NULL, '甲机关', 1, 1), (2, 1, 1, '甲办公室', 1, 1),"
	" (3, 3, NULL, '乙机关', 1, 1), (4, 3, 3, '乙办公室', 1, 1);"
	"INSERT INTO app_user (id, agency_id, department_id, username, display_name, password_hash,"
	" created_at, updated_at) VALUES (1, 1, 2, 'a_office', 'A', 'x', 1, 1),"
	" (2, 1, 2, 'a_staff', 'A2', 'x', 1, 1), (3, 3, 4, 'b_office', 'B', 'x', 1, 1),"
	" (4, 3, 4, 'b_leader', 'B2', 'x', 1, 1);"
	"INSERT INTO user_role (user_id, role) VALUES (1, 'office'), (2, 'staff'), (3, 'office'),"
	" (4, 'leader');"
	/* agency 1's office edited and confirmed the one shared calendar */
	"INSERT INTO calendar_day (ymd, kind, name, created_at, updated_at, created_by)"
	" VALUES (20261124, 'holiday', '自定假日', 2, 2, 1);"
	"UPDATE calendar_year SET confirmed = 1, confirmed_at = 3, confirmed_by = 1 WHERE year = 2026;"
	"INSERT INTO approval_rule (id, agency_id, kind, name, created_at, updated_at) VALUES"
	" (1, 1, 'general', 'r1', 1, 1), (2, 3, 'general', 'r2', 1, 1);"
	"INSERT INTO approval_rule_step (rule_id, seq, name, role, scope) VALUES"
	" (1, 1, '部门', 'dept_head', 'dept_head'), (1, 2, '领导', 'leader', 'role'),"
	" (2, 1, '领导', 'leader', 'role');"
	"INSERT INTO approval (id, agency_id, kind, title, requester_id, rule_id, status,"
	" current_seq, created_at, updated_at) VALUES (1, 1, 'general', 't1', 2, 1, 'pending', 1,"
	" 1, 1), (2, 3, 'general', 't2', 3, 2, 'approved', 1, 1, 1);"
	"INSERT INTO approval_step (approval_id, seq, name, role, scope, status) VALUES"
	" (1, 1, '部门', 'dept_head', 'dept_head', 'pending'), (1, 2, '领导', 'leader', 'role',"
	" 'waiting'), (2, 1, '领导', 'leader', 'role', 'approved');"
	"INSERT INTO attachment (id, agency_id, content_hash, size, mime, filename, kind,"
	" created_by, created_at, updated_at) VALUES (1, 1, 'ab', 3, 'image/png', 'a.png',"
	" 'photo', 1, 1, 1);"
	"INSERT INTO location (id, agency_id, parent_id, kind, name, created_at, updated_at) VALUES"
	" (1, 1, NULL, 'building', 'A楼', 1, 1), (2, 3, NULL, 'building', 'B楼', 1, 1);"
	"INSERT INTO wo_team (id, agency_id, name, created_at, updated_at) VALUES"
	" (1, 1, '水电班', 1, 1);"
	"INSERT INTO wo_team_member (team_id, user_id) VALUES (1, 1);"
	"INSERT INTO wo_category (id, agency_id, name, default_team_id, created_at, updated_at)"
	" VALUES (1, 1, '水电', 1, 1, 1), (2, 3, '水电', NULL, 1, 1);"
	"INSERT INTO wo_sla_target (category_id, priority, accept_min, resolve_min) VALUES"
	" (1, 'normal', 60, 480);"
	"INSERT INTO wo_pm_plan (id, agency_id, name, category_id, location_id, title, unit, every,"
	" start_date, created_at, updated_at) VALUES (1, 1, 'p', 1, 1, 't', 'month', 1, 20260101,"
	" 1, 1);"
	/* order 4's plan id points nowhere: 0008 had no REFERENCES on pm_plan_id */
	"INSERT INTO workorder (id, agency_id, code, category_id, location_id, title, priority,"
	" status, source, requester_id, accept_target_min, resolve_target_min, pm_plan_id,"
	" pm_period, created_at, updated_at) VALUES"
	" (1, 1, 'WO-1', 1, 1, 't', 'normal', 'submitted', 'web', 2, 60, 480, NULL, NULL, 1, 1),"
	" (2, 1, 'WO-2', 1, 1, 't', 'normal', 'resolved', 'pm', 1, 60, 480, 1, 20260101, 2, 2),"
	" (3, 3, 'WO-3', 2, 2, 't', 'urgent', 'confirmed', 'qr', 3, 30, 240, NULL, NULL, 3, 3),"
	" (4, 1, 'WO-4', 1, 1, 't', 'low', 'cancelled', 'pm', 1, 60, 480, 99, 20260201, 4, 4);"
	"INSERT INTO wo_event (workorder_id, action, from_status, to_status, actor_id, created_at)"
	" VALUES (1, 'create', NULL, 'submitted', 2, 1), (2, 'resolve', 'in_progress', 'resolved',"
	" 1, 2), (4, 'cancel', 'submitted', 'cancelled', 1, 4);"
	"INSERT INTO wo_sla_alert (workorder_id, kind, due_at, created_at) VALUES"
	" (1, 'accept_overdue', 5, 6);"
	"INSERT INTO notification (agency_id, user_id, kind, title, created_at, updated_at) VALUES"
	" (1, 1, 'wo.new', 't', 1, 1);";

static int64_t
one(struct db *db, const char *sql)
{
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t v = -1;

	if (db_prepare_once(db, &st, sql, &e) || db_step_row(&st, &e))
		fail_msg("%s: %s", sql, e.msg);
	v = db_col_i64(&st, 0);
	db_finalize(&st);
	return v;
}

/* The database holds: foreign keys all resolve, integrity_check says ok. */
static void
assert_sound(struct db *db)
{
	struct stmt st = { 0 };
	struct err e = { 0 };

	assert_int_equal(db_prepare(db, &st, "PRAGMA foreign_key_check", &e), 0);
	if (db_step(&st, &e) != 0)
		fail_msg("foreign_key_check: %s row %lld", db_col_peek(&st, 0, NULL),
			 (long long)db_col_i64(&st, 1));
	db_finalize(&st);
	assert_int_equal(db_prepare(db, &st, "PRAGMA integrity_check", &e), 0);
	assert_int_equal(db_step(&st, &e), 1);
	assert_string_equal(db_col_peek(&st, 0, NULL), "ok");
	db_finalize(&st);
}

/* Each statement must be refused by the database itself. */
static const char *const illegal[] = {
	"INSERT INTO user_role (agency_id, user_id, role) VALUES (1, 2, 'root')",
	"INSERT INTO user_role (agency_id, user_id, role) VALUES (1, 2, 'Office')",
	"INSERT INTO user_role (agency_id, user_id, role) VALUES (999, 2, 'leader')",
	"UPDATE workorder SET status = 'closed' WHERE id = 1",
	"UPDATE workorder SET source = 'email' WHERE id = 1",
	"UPDATE workorder SET pm_plan_id = 12345 WHERE id = 1",
	"UPDATE workorder SET category_id = 999 WHERE id = 1",
	"INSERT INTO wo_event (workorder_id, action, to_status, created_at)"
	" VALUES (1, 'delete', 'submitted', 1)",
	"INSERT INTO wo_event (workorder_id, action, to_status, created_at)"
	" VALUES (1, 'accept', 'open', 1)",
	"INSERT INTO wo_sla_alert (workorder_id, kind, due_at, created_at) VALUES (1, 'late', 1, 1)",
	"UPDATE approval SET status = 'maybe' WHERE id = 1",
	"UPDATE approval_step SET status = 'done' WHERE approval_id = 1",
	"UPDATE approval_step SET role = 'boss' WHERE approval_id = 1",
	"UPDATE approval_rule_step SET scope = 'anyone' WHERE rule_id = 1",
	"INSERT INTO approval_step (agency_id, approval_id, seq, name, role, scope, status)"
	" VALUES (999, 1, 9, 'x', 'leader', 'role', 'waiting')",
	"UPDATE attachment SET kind = 'exe' WHERE id = 1",
	"INSERT INTO calendar_day (agency_id, ymd, kind, name, created_at, updated_at)"
	" VALUES (999, 20261125, 'holiday', 'x', 1, 1)",
	"INSERT INTO calendar_day (agency_id, ymd, kind, name, created_at, updated_at)"
	" VALUES (1, 20261124, 'holiday', 'twice', 1, 1)",
};

static void
assert_refuses_illegal(struct db *db)
{
	log_set_level((enum log_level)(LOG_ERROR + 1));	/* the refusals are expected: keep stderr quiet */
	for (size_t i = 0; i < sizeof(illegal) / sizeof(illegal[0]); i++) {
		struct err e = { 0 };
		if (db_exec(db, illegal[i], &e) == 0)
			fail_msg("accepted: %s", illegal[i]);
	}
	log_set_level(LOG_ERROR);
}

static void
fresh_database_holds_the_calendar_template_and_is_sound(void **state)
{
	struct err e = { 0 };
	struct db *db;
	int applied;

	(void)state;
	assert_int_equal(db_open(":memory:", DB_CREATE, &db, &e), 0);
	assert_int_equal(db_migrate(db, &applied, &e), 0);
	/* no agency yet: the shipped calendar is the template only */
	assert_int_equal(one(db, "SELECT COUNT(*) FROM calendar_day WHERE agency_id IS NULL"), 39);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM calendar_day WHERE agency_id IS NOT NULL"),
			 0);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM calendar_year WHERE agency_id IS NULL"
				 " AND confirmed = 0"), 1);
	assert_sound(db);
	db_close(db);
}

static void
v12_database_with_two_agencies_migrates(void **state)
{
	struct arena *a = arena_new(8192);
	struct cal c1, c3;
	struct err e = { 0 };
	struct db *db;
	int64_t before;
	int applied = 0;

	(void)state;
	assert_int_equal(db_open(":memory:", DB_CREATE, &db, &e), 0);
	assert_int_equal(db_migrate_to(db, 12, &applied, &e), 0);
	assert_int_equal(applied, 12);
	if (db_exec(db, seed_v12, &e))
		fail_msg("seed: %s", e.msg);
	before = one(db, "SELECT COUNT(*) FROM calendar_day");
	assert_int_equal(before, 40);

	if (db_migrate(db, &applied, &e))
		fail_msg("migrate: %s", e.msg);
	assert_true(applied >= 3);
	assert_sound(db);

	/* every row kept */
	assert_int_equal(one(db, "SELECT COUNT(*) FROM workorder"), 4);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM wo_event"), 3);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM wo_sla_alert"), 1);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM user_role"), 4);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM user_role r JOIN app_user u"
				 " ON u.id = r.user_id WHERE r.agency_id = u.agency_id"), 4);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM attachment"), 1);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM approval"), 2);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM notification"), 1);
	/* the dangling plan id became NULL, the real one stayed */
	assert_int_equal(one(db, "SELECT COUNT(*) FROM workorder WHERE id = 4 AND pm_plan_id IS NULL"),
			 1);
	assert_int_equal(one(db, "SELECT pm_plan_id FROM workorder WHERE id = 2"), 1);

	/* the shared calendar went to both agencies; the template is unconfirmed */
	for (int64_t ag = 1; ag <= 3; ag += 2) {
		char sql[200];
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM calendar_day WHERE agency_id = %lld",
			 (long long)ag);
		assert_int_equal(one(db, sql), before);
		snprintf(sql, sizeof(sql), "SELECT confirmed FROM calendar_year WHERE agency_id = %lld"
			 " AND year = 2026", (long long)ag);
		assert_int_equal(one(db, sql), 1);
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM calendar_period WHERE agency_id = %lld",
			 (long long)ag);
		assert_int_equal(one(db, sql), 2);
	}
	assert_int_equal(one(db, "SELECT confirmed FROM calendar_year WHERE agency_id IS NULL"), 0);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM calendar_day WHERE agency_id IS NULL"), 40);
	assert_int_equal(cal_load_agency(db, a, 1, &c1, &e), 0);
	assert_int_equal(cal_load_agency(db, a, 3, &c3, &e), 0);
	assert_int_equal(cal_is_workday(&c1, 20261124), 0);
	assert_int_equal(cal_is_workday(&c3, 20261124), 0);

	/* agency_id filled from the parent */
	assert_int_equal(one(db, "SELECT COUNT(*) FROM approval_step s JOIN approval a"
				 " ON a.id = s.approval_id WHERE s.agency_id = a.agency_id"), 3);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM approval_rule_step s JOIN approval_rule r"
				 " ON r.id = s.rule_id WHERE s.agency_id = r.agency_id"), 3);

	/* the rebuilt workorder table kept its counter triggers */
	assert_int_equal(one(db, "SELECT COALESCE(SUM(n), 0) FROM wo_count"), 4);
	assert_int_equal(db_exec(db, "INSERT INTO workorder (agency_id, code, category_id,"
				     " location_id, title, priority, status, requester_id,"
				     " accept_target_min, resolve_target_min, created_at, updated_at)"
				     " VALUES (3, 'WO-5', 2, 2, 't', 'high', 'submitted', 3, 60, 480,"
				     " 5, 5)", &e), 0);
	assert_int_equal(one(db, "SELECT n FROM wo_count WHERE agency_id = 3 AND"
				 " status = 'submitted' AND category_id = 2"), 1);
	assert_int_equal(db_exec(db, "UPDATE workorder SET status = 'accepted' WHERE code = 'WO-5'",
				 &e), 0);
	assert_int_equal(one(db, "SELECT n FROM wo_count WHERE agency_id = 3 AND"
				 " status = 'submitted' AND category_id = 2"), 0);

	assert_refuses_illegal(db);
	assert_sound(db);
	/* a second run finds nothing to do */
	assert_int_equal(db_migrate(db, &applied, &e), 0);
	assert_int_equal(applied, 0);
	db_close(db);
	arena_free(a);
}

/* A migration whose data breaks a foreign key is rolled back whole. */
static void
dangling_reference_rolls_the_migration_back(void **state)
{
	struct err e = { 0 };
	struct db *db;
	int64_t version;
	int applied = 0;

	(void)state;
	assert_int_equal(db_open(":memory:", DB_CREATE, &db, &e), 0);
	assert_int_equal(db_migrate_to(db, 12, &applied, &e), 0);
	assert_int_equal(db_exec(db, seed_v12, &e), 0);
	/* written with foreign keys off, as a broken tool could have */
	assert_int_equal(db_exec(db, "PRAGMA foreign_keys=OFF; UPDATE approval SET"
				     " requester_id = 77 WHERE id = 2; PRAGMA foreign_keys=ON", &e), 0);
	log_set_level((enum log_level)(LOG_ERROR + 1));
	assert_int_equal(db_migrate(db, &applied, &e), ERR_DB);
	log_set_level(LOG_ERROR);
	assert_int_equal(db_schema_version(db, &version, &e), 0);
	assert_int_equal(version, 12);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM calendar_day"), 40);	/* untouched */
	assert_int_equal(one(db, "PRAGMA foreign_keys"), 1);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fresh_database_holds_the_calendar_template_and_is_sound),
		cmocka_unit_test(v12_database_with_two_agencies_migrates),
		cmocka_unit_test(dangling_reference_rolls_the_migration_back),
	};

	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
