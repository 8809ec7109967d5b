/*
** bench/ceiling_write.c: the write ceiling of this machine for `make bench`.
** Inserts one work order per transaction into a copy of the benchmark
** database with the server's pragmas (WAL, synchronous=NORMAL, foreign keys)
** for a number of seconds and prints {"rows":N,"seconds":S,"per_s":R}.
** No HTTP, no JSON, no audit: the most the storage can take from one writer.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "ceiling_write: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* One row like the ones POST /api/v1/workorders writes, copied from an existing order. */
static const char sql_insert[] =
	"INSERT INTO workorder (agency_id, code, category_id, location_id, title, description,"
	" priority, status, requester_id, requester_dept_id, clock_24h, accept_target_min,"
	" resolve_target_min, accept_due_at, resolve_due_at, run_started_at, created_at,"
	" updated_at, created_by)"
	" SELECT agency_id, ?1, category_id, location_id, title, description, priority,"
	" 'submitted', requester_id, requester_dept_id, clock_24h, accept_target_min,"
	" resolve_target_min, accept_due_at, resolve_due_at, ?2, ?2, ?2, requester_id"
	" FROM workorder WHERE id = (SELECT min(id) FROM workorder)";

int
main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	double secs = argc > 2 ? strtod(argv[2], NULL) : 15.0, t0, t;
	long rows = 0;
	char code[40];

	if (argc < 2) {
		fprintf(stderr, "usage: ceiling_write DB [SECONDS]\n");
		return 2;
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
	    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		     " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;") ||
	    sqlite3_prepare_v2(db, sql_insert, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "ceiling_write: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	t0 = now_s();
	for (t = t0; t - t0 < secs; t = now_s()) {
		snprintf(code, sizeof(code), "CEIL-%ld-%ld", (long)t0, rows);
		sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)(t * 1000));
		if (exec(db, "BEGIN IMMEDIATE") || sqlite3_step(st) != SQLITE_DONE ||
		    exec(db, "COMMIT")) {
			fprintf(stderr, "ceiling_write: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(st);
		rows++;
	}
	printf("{\"rows\":%ld,\"seconds\":%.3f,\"per_s\":%.1f}\n", rows, t - t0,
	       (double)rows / (t - t0));
	sqlite3_finalize(st);
	exec(db, "DELETE FROM workorder WHERE code LIKE 'CEIL-%'");
	sqlite3_close(db);
	return 0;
}
