/*
** db/migrate.c: applies the numbered migrations embedded in the binary
** (build/migrations.c, generated from migrations/NNNN_name.sql by tools/embed.c).
*/
#include "db/db.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"

#include <stdint.h>

#define LOG_MOD "migrate"

struct migration {
	int version;
	const char *name;
	const char *sql;
};

/* Generated: ordered by version, terminated by { 0 }. */
extern const struct migration houqin_migrations[];

static const char sql_create[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
static const char sql_max[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char sql_has[] = "SELECT 1 FROM schema_migrations WHERE version = :v";
static const char sql_record[] =
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)";

int
db_schema_version(struct db *db, int64_t *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	rc = db_exec(db, sql_create, e);
	if (!rc)
		rc = db_prepare(db, &st, sql_max, e);
	if (!rc)
		rc = db_step_row(&st, e);
	if (!rc)
		*out = db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
apply(struct db *db, const struct migration *m, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_exec(db, m->sql, e);

	if (!rc)
		rc = db_prepare(db, &st, sql_record, e);
	if (!rc)
		rc = db_bind_i64(&st, ":v", m->version, e) || db_bind_text(&st, ":n", m->name, e) ||
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

/*
** Every embedded migration not yet recorded is applied, in order: a migration
** merged with a lower number than one already applied still runs.
*/
int
db_migrate(struct db *db, int *applied, struct err *e)
{
	int64_t have;
	int rc, n = 0;

	rc = db_begin_write(db, e);
	if (rc)
		return rc;
	rc = db_schema_version(db, &have, e);	/* creates schema_migrations if needed */
	for (const struct migration *m = houqin_migrations; !rc && m->version; m++) {
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
	if (rc) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db, e);
	if (!rc && applied)
		*applied = n;
	return rc;
}
