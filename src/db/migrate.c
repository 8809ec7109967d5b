/*
** db/migrate.c: applies the numbered migrations embedded in the binary
** (build/gen/migrations.c, generated from migrations/ by tools/embed.c).
**
** One version sequence, two dialects (migrations/README.md): NNNN_name.sql
** runs on both backends; NNNN_name.sqlite.sql and NNNN_name.pg.sql are one
** backend's text. A version with no text for this connection's backend is
** recorded as applied and runs nothing: the other dialect needed a change this
** one does not. PostgreSQL starts at a baseline (0022_baseline.pg.sql, the
** whole schema as of 22): the versions before it are recorded in the same
** transaction, so a fresh PostgreSQL database gets 1..22 in one go, and a run
** that would stop before the baseline is refused (it would record versions
** whose tables do not exist).
**
** SQLite only: a migration may rebuild a table (SQLite cannot add a CHECK or
** a REFERENCES to an existing one): CREATE new_X, INSERT ... SELECT, DROP X,
** ALTER TABLE new_X RENAME TO X. With foreign keys on, DROP X would delete (or
** count as orphans) every row that references X, so this follows SQLite's
** documented procedure (https://sqlite.org/lang_altertable.html#otheralter):
** foreign keys off outside the transaction (PRAGMA foreign_keys is a no-op
** inside one), apply, then PRAGMA foreign_key_check inside the transaction --
** any row that points nowhere rolls the whole run back -- commit, and foreign
** keys on again. PostgreSQL needs none of it: it checks foreign keys itself
** and its DDL is transactional too, so a failed run leaves nothing behind.
*/
#include "db/db.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"

#include <inttypes.h>
#include <limits.h>
#include <stdint.h>

#define LOG_MOD "migrate"

/* A text is NULL where that backend has none; pg_name is the PostgreSQL file's name. */
struct migration {
	int version;
	const char *name;
	const char *sqlite_sql;
	const char *pg_sql;
	const char *pg_name;
};

/* Generated: ordered by version, terminated by { 0 }. */
extern const struct migration houqin_migrations[];

static const char sql_create[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
/* applied_at is epoch ms: PostgreSQL's INTEGER is 32 bits. */
static const char sql_create_pg[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
static const char sql_max[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char sql_has[] = "SELECT 1 FROM schema_migrations WHERE version = :v";
static const char sql_fk_check[] = "PRAGMA foreign_key_check";
static const char sql_record[] =
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)";

int
db_schema_version(struct db *db, int64_t *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	rc = db_exec(db, db_backend(db) == DB_PG ? sql_create_pg : sql_create, e);
	if (!rc)
		rc = db_prepare(db, &st, sql_max, e);
	if (!rc)
		rc = db_step_row(&st, e);
	if (!rc)
		*out = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

/* m's text for db's backend (NULL when it has none) and the name to record. */
static const char *
text_for(struct db *db, const struct migration *m, const char **name)
{
	int pg = db_backend(db) == DB_PG;

	*name = pg ? m->pg_name : m->name;
	return pg ? m->pg_sql : m->sqlite_sql;
}

/* Runs m's text for this backend, if it has one, and records m as applied. */
static int
apply(struct db *db, const struct migration *m, struct err *e)
{
	struct stmt st = { 0 };
	const char *name, *sql = text_for(db, m, &name);
	int rc = sql ? db_exec(db, sql, e) : 0;

	if (!rc)
		rc = db_prepare(db, &st, sql_record, e);
	if (!rc)
		rc = db_bind_i64(&st, ":v", m->version, e) || db_bind_text(&st, ":n", name, e) ||
		     db_bind_i64(&st, ":t", now_ms(), e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

/* 1 if version is recorded as applied, 0 if not, negative on error. */
static int
applied_already(struct db *db, int version, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_has, e);

	if (!rc)
		rc = db_bind_i64(&st, ":v", version, e) ? e->code : db_step(&st, e);
	db_finalize(&st);
	return rc;
}

/* 0 when no row references a missing parent; ERR_DB naming the first table that does. */
static int
foreign_keys_hold(struct db *db, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_fk_check, e);

	if (!rc)
		rc = db_step(&st, e);
	if (rc == 1) {
		log_msg(LOG_ERROR, LOG_MOD, "foreign key check failed: %s row %" PRId64
			" references a missing %s", db_col_peek(&st, 0, NULL), db_col_i64(&st, 1),
			db_col_peek(&st, 2, NULL));
		rc = err_set(e, ERR_DB, NULL, "migrated data breaks a foreign key");
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

static int migrate_all(struct db *db, int upto, int *applied, struct err *e);

/*
** Every embedded migration not yet recorded is applied, in order: a migration
** merged with a lower number than one already applied still runs. Foreign keys
** are off while they run and checked before the commit (see the top).
*/
int
db_migrate(struct db *db, int *applied, struct err *e)
{
	return db_migrate_to(db, INT_MAX, applied, e);
}

/*
** The first version with PostgreSQL text: a run on PostgreSQL must reach it,
** since the versions before it are only recorded, never run there.
*/
static int
pg_baseline(void)
{
	for (const struct migration *m = houqin_migrations; m->version; m++)
		if (m->pg_sql)
			return m->version;
	return INT_MAX;
}

int
db_migrate_to(struct db *db, int upto, int *applied, struct err *e)
{
	int rc;

	if (db_backend(db) == DB_PG) {
		if (upto < pg_baseline())
			return err_set(e, ERR_INVALID, NULL, "PostgreSQL schema starts at"
				       " version %d, not %d", pg_baseline(), upto);
		return migrate_all(db, upto, applied, e);
	}
	rc = db_exec(db, "PRAGMA foreign_keys=OFF", e);
	if (!rc)
		rc = migrate_all(db, upto, applied, e);
	if (db_exec(db, "PRAGMA foreign_keys=ON", !rc ? e : &(struct err){ 0 }) && !rc)
		rc = e->code;
	return rc;
}

static int
migrate_all(struct db *db, int upto, int *applied, struct err *e)
{
	int64_t have;
	int rc, n = 0;

	rc = db_begin_write(db, e);
	if (rc)
		return rc;
	rc = db_schema_version(db, &have, e);	/* creates schema_migrations if needed */
	for (const struct migration *m = houqin_migrations; !rc && m->version && m->version <= upto;
	     m++) {
		rc = applied_already(db, m->version, e);
		if (rc < 0)
			break;
		if (rc == 1) {
			rc = 0;
			continue;
		}
		rc = apply(db, m, e);
		if (rc)
			log_msg(LOG_ERROR, LOG_MOD, "migration %04d_%s failed", m->version, m->name);
		else
			n++;
	}
	if (!rc && n && db_backend(db) == DB_SQLITE)
		rc = foreign_keys_hold(db, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, e);
	if (!rc && applied)
		*applied = n;
	return rc;
}
