/*
** tests/unit/test_schema.c: the schema's own rules (migrations 0014-0016).
** A database built at schema 12 (before the per-agency calendar and the
** constraints) holding two agencies' rows migrates to the newest schema with
** every row kept, the calendar copied per agency, agency_id filled in the
** approval child tables, and PRAGMA foreign_key_check / integrity_check clean.
** On the migrated database, a role, status or kind the code never writes and
** an id pointing at no row are refused by SQLite itself.
**
** One schema, two dialects (issue #12): db_schema_describe() of a fresh SQLite
** database names what it must; with HOUQIN_TEST_PG set (a libpq URI of a
** cluster where this role may CREATE DATABASE) a fresh PostgreSQL database,
** migrated from the same sequence, describes exactly alike and its triggers
** (counters, append-only audit) behave as SQLite's. Without it that part is
** reported skipped.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/calendar.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "db/schema.h"
#include "pgdb.h"

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

/* ---- one schema, two dialects ---- */

/*
** Added after the migrations on each backend, in SQL both accept: a partial
** unique index, a composite foreign key whose columns are not in the parent
** key's order, and ON DELETE CASCADE, which the real schema does not have.
*/
static const char extra_ddl[] =
	"CREATE TABLE t_pair (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b TEXT NOT NULL,"
	" note TEXT, UNIQUE (a, b));"
	"CREATE UNIQUE INDEX t_pair_note ON t_pair (note) WHERE a > 0;"
	"CREATE TABLE t_child (x INTEGER NOT NULL, y TEXT, FOREIGN KEY (y, x)"
	" REFERENCES t_pair (b, a) ON DELETE CASCADE);";

/* Lines the description must hold (db/schema.h gives the forms). */
static const char *const expect_lines[] = {
	"department",
	"department column 001 id not null",
	"department column 002 agency_id null",
	"department fk (agency_id) -> department(id) on delete NO ACTION",
	"department key (id)",
	"department key (agency_id,name,parent_id)",
	"app_user column 015 lang null",
	"app_user column 016 must_change_password not null",
	"app_user key (username)",
	"wo_count column 001 agency_id not null",
	"wo_count key (agency_id,category_id,status)",
	"wo_version key (agency_id)",
	"workorder key (agency_id,code)",
	"workorder key (pm_period,pm_plan_id)",
	"workorder fk (pm_plan_id) -> wo_pm_plan(id) on delete NO ACTION",
	"user_role key (role,user_id)",
	"t_pair key (a,b)",
	"t_pair key (note) partial",
	"t_child fk (y,x) -> t_pair(b,a) on delete CASCADE",
	"t_child column 002 y null",
};

static char *
describe(struct db *db, struct arena *a)
{
	struct err e = { 0 };
	char *text = NULL;

	if (db_schema_describe(db, a, &text, &e))
		fail_msg("describe: %s", e.msg);
	return text;
}

/* 1 if text has line as a whole line. */
static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, line, n) && p[n] == '\n')
			return 1;
	return 0;
}

/* Length of the line at p, without its newline. */
static size_t
line_len(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? (size_t)(nl - p) : strlen(p);
}

/* Lines at p and q compared as strcmp would compare them alone. */
static int
line_cmp(const char *p, const char *q)
{
	size_t m = line_len(p), n = line_len(q);
	int c = memcmp(p, q, m < n ? m : n);

	return c ? c : (m > n) - (m < n);
}

/*
** Prints each line only one of the sorted texts has ("- sqlite only", "+ pg
** only"), as a diff would; returns how many.
*/
static int
print_diff(const char *x, const char *y)
{
	int n = 0;

	while (*x || *y) {
		int c = !*x ? 1 : !*y ? -1 : line_cmp(x, y);

		if (c < 0)
			fprintf(stderr, "- sqlite only: %.*s\n", (int)line_len(x), x);
		else if (c > 0)
			fprintf(stderr, "+ pg only:     %.*s\n", (int)line_len(y), y);
		n += c != 0;
		if (c <= 0)
			x += line_len(x) + (x[line_len(x)] == '\n');
		if (c >= 0)
			y += line_len(y) + (y[line_len(y)] == '\n');
	}
	return n;
}

/* A fresh SQLite database, migrated, plus extra_ddl. */
static struct db *
fresh_sqlite(void)
{
	struct err e = { 0 };
	struct db *db;
	int applied;

	if (db_open(":memory:", DB_CREATE, &db, &e) || db_migrate(db, &applied, &e) ||
	    db_exec(db, extra_ddl, &e))
		fail_msg("sqlite: %s", e.msg);
	return db;
}

static void
run(struct db *db, const char *sql)
{
	struct err e = { 0 };

	if (db_exec(db, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
}

/* The statement must be refused as a constraint failure (SQLite's RAISE(ABORT)). */
static void
refused(struct db *db, const char *sql)
{
	struct err e = { 0 };
	int rc;

	log_set_level((enum log_level)(LOG_ERROR + 1));
	rc = db_exec(db, sql, &e);
	log_set_level(LOG_ERROR);
	if (rc != ERR_CONFLICT)
		fail_msg("%s: rc %d (%s), want ERR_CONFLICT", sql, rc, e.msg);
}

/*
** The triggers of a fresh database, the same on either backend: counters move
** with each order, the stats version with orders and names, and audit rows
** cannot be changed or removed. Plus the shipped calendar template.
*/
static void
triggers_behave(struct db *db)
{
	static const char count_sub[] = "SELECT n FROM wo_count WHERE agency_id = 1"
					" AND status = 'submitted' AND category_id = 1";
	static const char count_acc[] = "SELECT n FROM wo_count WHERE agency_id = 1"
					" AND status = 'accepted' AND category_id = 1";
	static const char version[] = "SELECT v FROM wo_version WHERE agency_id = 1";

	assert_int_equal(one(db, "SELECT COUNT(*) FROM calendar_day WHERE agency_id IS NULL"), 39);
	assert_int_equal(one(db, "SELECT COUNT(*) FROM calendar_period"), 2);
	run(db, "INSERT INTO department (agency_id, name, created_at, updated_at)"
		" VALUES (NULL, 'A', 1, 1)");
	run(db, "UPDATE department SET agency_id = id");
	run(db, "INSERT INTO app_user (agency_id, username, display_name, password_hash,"
		" created_at, updated_at) VALUES (1, 'u', 'U', 'x', 1, 1)");
	run(db, "INSERT INTO wo_category (agency_id, name, created_at, updated_at)"
		" VALUES (1, 'c', 1, 1)");
	run(db, "INSERT INTO location (agency_id, kind, name, created_at, updated_at)"
		" VALUES (1, 'building', 'b', 1, 1)");
	run(db, "INSERT INTO workorder (agency_id, code, category_id, location_id, title, priority,"
		" status, requester_id, accept_target_min, resolve_target_min, created_at,"
		" updated_at) VALUES (1, 'WO-1', 1, 1, 't', 'normal', 'submitted', 1, 60, 480, 1, 1)");
	assert_int_equal(one(db, count_sub), 1);
	assert_int_equal(one(db, version), 1);
	run(db, "UPDATE workorder SET status = 'accepted' WHERE code = 'WO-1'");
	assert_int_equal(one(db, count_sub), 0);
	assert_int_equal(one(db, count_acc), 1);
	assert_int_equal(one(db, version), 2);
	run(db, "UPDATE wo_category SET name = 'c2' WHERE id = 1");
	run(db, "UPDATE wo_category SET active = 0 WHERE id = 1");	/* not a name: no bump */
	run(db, "UPDATE location SET parent_id = NULL WHERE id = 1");
	run(db, "UPDATE app_user SET display_name = 'U2' WHERE id = 1");
	assert_int_equal(one(db, version), 5);
	run(db, "DELETE FROM workorder WHERE code = 'WO-1'");
	assert_int_equal(one(db, count_acc), 0);
	assert_int_equal(one(db, version), 6);

	run(db, "INSERT INTO audit_log (at, action, entity, prev_hash, hash)"
		" VALUES (1, 'x', 'y', '', 'h')");
	refused(db, "UPDATE audit_log SET hash = 'forged'");
	refused(db, "DELETE FROM audit_log");
	run(db, "INSERT INTO audit_checkpoint (at, head_id, head_hash, signature, line)"
		" VALUES (1, 1, 'h', 's', 'l')");
	refused(db, "UPDATE audit_checkpoint SET line = 'forged'");
	refused(db, "DELETE FROM audit_checkpoint");
	assert_int_equal(one(db, "SELECT COUNT(*) FROM audit_log"), 1);
}

static void
sqlite_description_names_tables_columns_and_keys(void **state)
{
	struct arena *a = arena_new(1 << 16);
	struct db *db = fresh_sqlite();
	char *text = describe(db, a);

	(void)state;
	for (size_t i = 0; i < sizeof(expect_lines) / sizeof(expect_lines[0]); i++)
		if (!has_line(text, expect_lines[i]))
			fail_msg("missing: %s\n%s", expect_lines[i], text);
	assert_null(strstr(text, "schema_migrations"));
	assert_null(strstr(text, "sqlite_"));
	/* sorted, no line twice: the rowid key and its own index are one */
	for (const char *p = text, *q; (q = strchr(p, '\n')) && q[1]; p = q + 1)
		if (line_cmp(p, q + 1) >= 0)
			fail_msg("out of order or twice: %.*s", (int)line_len(q + 1), q + 1);
	triggers_behave(db);
	db_close(db);
	arena_free(a);
}

/* The database this test made on the cluster, dropped by the teardown even after a failure. */
static struct pgdb pg;

static int
pg_teardown(void **state)
{
	(void)state;
	pgdb_drop(&pg);
	return 0;
}

static void
postgresql_ends_with_the_same_schema(void **state)
{
	struct err e = { 0 };
	struct db *lite;
	char *want, *got;
	int64_t version;
	int applied = 0;

	(void)state;
	pgdb_create(&pg, "schema", 1 << 16, "PostgreSQL schema not compared");

	/* the versions before the baseline exist on PostgreSQL only with it */
	log_set_level((enum log_level)(LOG_ERROR + 1));
	assert_int_equal(db_migrate_to(pg.db, 12, &applied, &e), ERR_INVALID);
	log_set_level(LOG_ERROR);
	if (db_migrate(pg.db, &applied, &e))
		fail_msg("migrate on PostgreSQL: %s", e.msg);
	assert_int_equal(db_schema_version(pg.db, &version, &e), 0);
	assert_true(version >= 22);
	assert_int_equal(applied, version);
	assert_int_equal(one(pg.db, "SELECT COUNT(*) FROM schema_migrations"), version);
	assert_int_equal(db_migrate(pg.db, &applied, &e), 0);
	assert_int_equal(applied, 0);
	run(pg.db, extra_ddl);

	lite = fresh_sqlite();
	want = describe(lite, pg.a);
	got = describe(pg.db, pg.a);
	if (strcmp(want, got)) {
		fprintf(stderr, "schemas differ (SQLite vs PostgreSQL):\n");
		fail_msg("%d lines differ", print_diff(want, got));
	}
	triggers_behave(pg.db);
	db_close(lite);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fresh_database_holds_the_calendar_template_and_is_sound),
		cmocka_unit_test(v12_database_with_two_agencies_migrates),
		cmocka_unit_test(dangling_reference_rolls_the_migration_back),
		cmocka_unit_test(sqlite_description_names_tables_columns_and_keys),
		cmocka_unit_test_teardown(postgresql_ends_with_the_same_schema, pg_teardown),
	};

	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
