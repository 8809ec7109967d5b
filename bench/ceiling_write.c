/*
** bench/ceiling_write.c: the write ceiling of this machine for `make bench`,
** on SQLite (a file path) or PostgreSQL (a postgresql:// URI).
**
** Replays, in a C loop without HTTP or JSON building, the writes one
** POST /api/v1/workorders runs (taken from the PostgreSQL statement log of a
** real create): the day's code number, the order, its timeline event, the
** audit record (chain lock, head, append; the counters follow by trigger),
** the notification to each office user and the two live events, and on
** PostgreSQL the commit NOTIFY. The validation reads before them and the
** read-back of the order after them are left out: this is what the storage
** takes, not what the server does around it. Each run is committed singly,
** then in groups of 32, for SECONDS each, and prints
**   {"per_s":R1,"per_s_32":R32,"rows":N1,"rows_32":N32,"backend":"sqlite"|"pg"}
** (creates per second). Writes into the database it is given: use a copy.
** A bench program: it talks to sqlite3 and libpq directly, not through libhouqin.
*/
#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NPARAM 16
#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/*
** The statements, in one text for both backends: $n are PostgreSQL's
** parameters and SQLite's named ones ("$1" is bound by index, in order of
** first appearance, which every statement keeps).
*/
enum { S_SEQ, S_ORDER, S_EVENT, S_HEAD, S_AUDIT, S_OFFICE, S_AGENCY, S_NOTE, S_EV, S_N };
static const char *const sql[S_N] = {
	[S_SEQ] = "UPDATE code_seq SET last = last + 1 WHERE agency_id = $1 AND series = 'WO'"
		" AND period = $2 RETURNING last",
	[S_ORDER] = "INSERT INTO workorder (agency_id, code, category_id, location_id, title,"
		" description, priority, contact_phone, status, source, requester_id,"
		" requester_dept_id, clock_24h, accept_target_min, resolve_target_min, accept_due_at,"
		" resolve_due_at, resolve_used_ms, run_started_at, created_at, updated_at, created_by)"
		" VALUES ($1, $2, $3, $4, $5, $6, 'normal', NULL, 'submitted', 'web', $7, $8, 0, 60,"
		" 960, $9, $10, 0, $11, $11, $11, $7) RETURNING id",
	[S_EVENT] = "INSERT INTO wo_event (agency_id, workorder_id, action, from_status, to_status,"
		" actor_id, note, data, created_at) SELECT agency_id, $1, 'create', NULL, 'submitted',"
		" $2, NULL, NULL, $3 FROM workorder WHERE id = $1",
	[S_HEAD] = "SELECT position, hash FROM audit_log WHERE chain = $1"
		" ORDER BY position DESC LIMIT 1",
	[S_AUDIT] = "INSERT INTO audit_log (at, actor_id, agency_id, action, entity, entity_id,"
		" before_json, after_json, ip, chain, position, prev_hash, hash) VALUES ($1, $2, $3,"
		" 'create', 'workorder', $4, NULL, $5, '127.0.0.1', $3, $6, $7, $8)",
	[S_OFFICE] = "SELECT u.id FROM user_role r CROSS JOIN app_user u WHERE u.id = r.user_id"
		" AND r.role = 'office' AND u.agency_id = $1 AND u.active = 1 AND u.deleted_at IS NULL"
		" ORDER BY r.user_id",
	[S_AGENCY] = "SELECT agency_id FROM app_user WHERE id = $1 AND active = 1"
		" AND deleted_at IS NULL",
	[S_NOTE] = "INSERT INTO notification (agency_id, user_id, kind, title, body, title_en,"
		" body_en, entity, entity_id, created_at, created_by, read_at, updated_at)"
		" VALUES ($1, $2, 'wo.submitted', $3, $4, $5, $6, 'workorder', $7, $8, $9, NULL, $8)"
		" RETURNING id",
	[S_EV] = "INSERT INTO event (agency_id, user_id, type, entity, entity_id, payload,"
		" payload_en, created_at) VALUES ($1, $2, $3, 'workorder', $4, $5, NULL, $6)",
};

/* The fixed parts of one create: who, where, and texts of the server's sizes. */
struct fix {
	char agency[24], user[24], dept[24], cat[24], loc[24];
	char after[1600];	/* the audit record's after_json (~1.4 KB in the trace) */
	char payload[420];	/* the notification event's payload */
};

/* The answers of a SELECT, as text, row by row and column by column (up to 64 cells). */
struct rows {
	int n;
	char v[64][72];	/* 72: a 64-digit hash */
};

/* One backend: run statement s with params p[0..np) (NULL is SQL NULL). */
struct be {
	const char *name;
	int (*run)(struct be *b, int s, const char *const *p, int np, struct rows *out);
	int (*exec)(struct be *b, const char *sql_text);
	sqlite3 *lite;
	sqlite3_stmt *st[S_N];
	PGconn *pg;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------- SQLite ---------- */

static int
lite_exec(struct be *b, const char *text)
{
	char *msg = NULL;

	if (sqlite3_exec(b->lite, text, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "ceiling_write: %s: %s\n", text, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
lite_run(struct be *b, int s, const char *const *p, int np, struct rows *out)
{
	sqlite3_stmt *st = b->st[s];
	int rc;

	for (int i = 0; i < np; i++)
		sqlite3_bind_text(st, i + 1, p[i], -1, SQLITE_STATIC);
	if (out)
		out->n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (int c = 0; out && c < sqlite3_column_count(st) && out->n < 64; c++)
			snprintf(out->v[out->n++], sizeof(out->v[0]), "%s",
				 (const char *)sqlite3_column_text(st, c));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "ceiling_write: %s\n", sqlite3_errmsg(b->lite));
		return -1;
	}
	return 0;
}

/* The server's pragmas (db_sqlite.c): WAL, synchronous=NORMAL, foreign keys. */
static int
lite_open(struct be *b, const char *path)
{
	b->name = "sqlite";
	b->run = lite_run;
	b->exec = lite_exec;
	if (sqlite3_open(path, &b->lite) != SQLITE_OK ||
	    lite_exec(b, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"))
		return -1;
	for (int s = 0; s < S_N; s++)
		if (sqlite3_prepare_v2(b->lite, sql[s], -1, &b->st[s], NULL) != SQLITE_OK) {
			fprintf(stderr, "ceiling_write: %s: %s\n", sql[s], sqlite3_errmsg(b->lite));
			return -1;
		}
	return 0;
}

/* ---------- PostgreSQL ---------- */

static int
pg_ok(struct be *b, PGresult *r, const char *what)
{
	ExecStatusType st = PQresultStatus(r);

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return 0;
	fprintf(stderr, "ceiling_write: %s: %s", what, PQerrorMessage(b->pg));
	return -1;
}

static int
pg_exec(struct be *b, const char *text)
{
	PGresult *r = PQexec(b->pg, text);
	int rc = pg_ok(b, r, text);

	PQclear(r);
	return rc;
}

static int
pg_run(struct be *b, int s, const char *const *p, int np, struct rows *out)
{
	char name[8];
	PGresult *r;
	int rc;

	snprintf(name, sizeof(name), "s%d", s);
	r = PQexecPrepared(b->pg, name, np, p, NULL, NULL, 0);
	rc = pg_ok(b, r, sql[s]);
	if (!rc && out) {
		out->n = 0;
		for (int i = 0; i < PQntuples(r); i++)
			for (int c = 0; c < PQnfields(r) && out->n < 64; c++)
				snprintf(out->v[out->n++], sizeof(out->v[0]), "%s",
					 PQgetvalue(r, i, c));
	}
	PQclear(r);
	return rc;
}

static int
pg_open(struct be *b, const char *uri)
{
	b->name = "pg";
	b->run = pg_run;
	b->exec = pg_exec;
	b->pg = PQconnectdb(uri);
	if (PQstatus(b->pg) != CONNECTION_OK) {
		fprintf(stderr, "ceiling_write: %s", PQerrorMessage(b->pg));
		return -1;
	}
	for (int s = 0; s < S_N; s++) {
		char name[8];
		snprintf(name, sizeof(name), "s%d", s);
		PGresult *r = PQprepare(b->pg, name, sql[s], 0, NULL);
		int rc = pg_ok(b, r, sql[s]);
		PQclear(r);
		if (rc)
			return -1;
	}
	return 0;
}

/* ---------- one create ---------- */

static int
one_value(struct be *b, const char *text, char *out, size_t size)
{
	struct rows r = { 0 };

	if (b->lite) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(b->lite, text, -1, &st, NULL) != SQLITE_OK)
			return -1;
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
			snprintf(r.v[r.n++], sizeof(r.v[0]), "%s",
				 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	} else {
		PGresult *res = PQexec(b->pg, text);
		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
		    !PQgetisnull(res, 0, 0))
			snprintf(r.v[r.n++], sizeof(r.v[0]), "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	if (r.n != 1) {
		fprintf(stderr, "ceiling_write: no answer to %s\n", text);
		return -1;
	}
	snprintf(out, size, "%.23s", r.v[0]);	/* ids */
	return 0;
}

/* The office demo user, its agency and department, a category and a room of it. */
static int
load_fix(struct be *b, struct fix *f)
{
	char q[256];

	if (one_value(b, "SELECT id FROM app_user WHERE username = 'office'", f->user,
		      sizeof(f->user)))
		return -1;
	snprintf(q, sizeof(q), "SELECT agency_id FROM app_user WHERE id = %s", f->user);
	if (one_value(b, q, f->agency, sizeof(f->agency)))
		return -1;
	snprintf(q, sizeof(q), "SELECT COALESCE(department_id, 0) FROM app_user WHERE id = %s",
		 f->user);
	if (one_value(b, q, f->dept, sizeof(f->dept)))
		return -1;
	snprintf(q, sizeof(q), "SELECT min(id) FROM wo_category WHERE agency_id = %s", f->agency);
	if (one_value(b, q, f->cat, sizeof(f->cat)))
		return -1;
	snprintf(q, sizeof(q), "SELECT min(id) FROM location WHERE agency_id = %s AND kind = 'room'",
		 f->agency);
	if (one_value(b, q, f->loc, sizeof(f->loc)))
		return -1;
	memset(f->after, 'x', sizeof(f->after) - 1);
	memcpy(f->after, "{\"pad\":\"", 8);
	memcpy(f->after + 1400, "\"}", 3);
	memset(f->payload, 'y', sizeof(f->payload) - 1);
	memcpy(f->payload, "{\"pad\":\"", 8);
	memcpy(f->payload + 400, "\"}", 3);
	return 0;
}

/* The audit append: the agency's chain lock (PostgreSQL), its head, keyed hash, insert. */
static int
audit_append(struct be *b, const struct fix *f, const char *wo, const char *now)
{
	static const unsigned char key[crypto_auth_hmacsha256_KEYBYTES] = { 1 };
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char pos[24], hash[65], lock[96];
	const char *prev = GENESIS;
	struct rows head;

	/* core/audit.c AUD_CHAIN_LOCK: "hqau" above the chain (the agency) */
	snprintf(lock, sizeof(lock), "SELECT pg_advisory_xact_lock(%lld)",
		 (long long)(0x68716175LL << 32 | atoll(f->agency)));
	const char *q[] = { f->agency };
	if ((b->pg && b->exec(b, lock)) || b->run(b, S_HEAD, q, 1, &head) ||
	    (head.n != 0 && head.n != 2))
		return -1;
	snprintf(pos, sizeof(pos), "%lld", head.n ? atoll(head.v[0]) + 1 : 1);
	if (head.n)
		prev = head.v[1];
	crypto_auth_hmacsha256(mac, (const unsigned char *)f->after, strlen(f->after), key);
	sodium_bin2hex(hash, sizeof(hash), mac, sizeof(mac));
	const char *p[] = { now, f->user, f->agency, wo, f->after, pos, prev, hash };
	return b->run(b, S_AUDIT, p, 8, NULL);
}

/* Each office user of the agency: a notification and its live event. */
static int
notify_office(struct be *b, const struct fix *f, const char *wo, const char *now)
{
	struct rows office, ag, note;

	const char *q[] = { f->agency };
	if (b->run(b, S_OFFICE, q, 1, &office))
		return -1;
	for (int i = 0; i < office.n; i++) {
		const char *u[] = { office.v[i] };
		const char *p[] = { f->agency, office.v[i], "新报修：压测", "WO 普通，地点：101",
				    "new repair request", "WO normal, location: 101", wo, now,
				    f->user };
		if (b->run(b, S_AGENCY, u, 1, &ag) || b->run(b, S_NOTE, p, 9, &note))
			return -1;
		const char *e[] = { f->agency, office.v[i], "notification", wo, f->payload, now };
		if (b->run(b, S_EV, e, 6, NULL))
			return -1;
	}
	const char *c[] = { f->agency, NULL, "changed", wo, "{\"entity\":\"workorder\"}", now };
	return b->run(b, S_EV, c, 6, NULL);
}

static int
one_create(struct be *b, const struct fix *f, const char *day, long n)
{
	char now[24], due1[24], due2[24], code[112], wo[24];
	long long t = (long long)time(NULL) * 1000 + n % 1000;
	struct rows seq, id;

	snprintf(now, sizeof(now), "%lld", t);
	snprintf(due1, sizeof(due1), "%lld", t + 3600000);
	snprintf(due2, sizeof(due2), "%lld", t + 57600000);
	const char *d[] = { f->agency, day };
	if (b->run(b, S_SEQ, d, 2, &seq) || seq.n != 1)
		return -1;
	snprintf(code, sizeof(code), "CEIL-%s-%s", day, seq.v[0]);
	const char *o[] = { f->agency, code, f->cat, f->loc, "压测：办公室灯管不亮", "wrk",
			    f->user, f->dept, due1, due2, now };
	if (b->run(b, S_ORDER, o, 11, &id) || id.n != 1)
		return -1;
	snprintf(wo, sizeof(wo), "%.23s", id.v[0]);
	const char *ev[] = { wo, f->user, now };
	return b->run(b, S_EVENT, ev, 3, NULL) || audit_append(b, f, wo, now) ||
	       notify_office(b, f, wo, now) || (b->pg && b->exec(b, "NOTIFY houqin_commit"))
		       ? -1 : 0;
}

/* Creates for secs seconds, group of them per transaction; *rows made. Creates per second. */
static double
run_for(struct be *b, const struct fix *f, const char *day, double secs, int group, long *rows)
{
	const char *begin = b->lite ? "BEGIN IMMEDIATE" : "BEGIN";
	double t0 = now_s(), t = t0;

	*rows = 0;
	while (t - t0 < secs) {
		if (b->exec(b, begin))
			return -1;
		for (int i = 0; i < group; i++)
			if (one_create(b, f, day, (*rows)++))
				return -1;
		if (b->exec(b, "COMMIT"))
			return -1;
		t = now_s();
	}
	return (double)*rows / (t - t0);
}

int
main(int argc, char **argv)
{
	struct be b = { 0 };
	struct fix f;
	double secs = argc > 2 ? strtod(argv[2], NULL) : 15.0, one, many;
	long n1, n32;
	const char *day = "29991231";	/* a day of its own: codes CEIL-29991231-N */

	if (argc < 2) {
		fprintf(stderr, "usage: ceiling_write DB|postgresql://... [SECONDS]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	int pg = strncmp(argv[1], "postgresql://", 13) == 0 || strncmp(argv[1], "postgres://", 11) == 0;
	if ((pg ? pg_open(&b, argv[1]) : lite_open(&b, argv[1])) || load_fix(&b, &f))
		return 1;
	char seed[400];
	/* the counter goes on from an earlier run's CEIL- codes (a run on the same copy) */
	snprintf(seed, sizeof(seed), "INSERT INTO code_seq (agency_id, series, period, last) SELECT %s,"
		 " 'WO', 29991231, COUNT(*) FROM workorder WHERE code LIKE 'CEIL-%%'"
		 " ON CONFLICT (agency_id, series, period) DO UPDATE SET last = CASE WHEN"
		 " excluded.last > code_seq.last THEN excluded.last ELSE code_seq.last END",
		 f.agency);
	if (b.exec(&b, seed))
		return 1;
	one = run_for(&b, &f, day, secs, 1, &n1);
	many = one < 0 ? -1 : run_for(&b, &f, day, secs, 32, &n32);
	if (one < 0 || many < 0)
		return 1;
	printf("{\"per_s\":%.1f,\"per_s_32\":%.1f,\"rows\":%ld,\"rows_32\":%ld,\"backend\":\"%s\"}\n",
	       one, many, n1, n32, b.name);
	if (pg)
		PQfinish(b.pg);
	else
		sqlite3_close(b.lite);	/* statements left: the process ends */
	return 0;
}
