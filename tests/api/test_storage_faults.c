/*
** tests/api/test_storage_faults.c: storage faults through the real server
** (issue 5 item 7). A full disk (a VFS shim whose writes fail with
** SQLITE_FULL or SQLITE_IOERR_WRITE, as write(2) does on ENOSPC/EIO, and
** PRAGMA max_page_count), a read-only database (PRAGMA query_only), a locked
** database and a broken blob store each give 503 storage_unavailable with
** Retry-After on every write (create a work order, update a user, upload an
** attachment); nothing is half-written (every row of every table is hashed
** before and after, the audit chain verifies, no temp files stay behind);
** reads keep working; and the same requests succeed once the fault is gone.
**
** On PostgreSQL (HOUQIN_TEST_BACKEND=pg) the faults that are SQLite's own (its
** VFS, page limit, file lock, integrity_check) are skipped with the reason;
** the rest run there with PostgreSQL's faults: a read-only database (as a
** standby after failover is), the blob store, and a transaction a failed
** statement aborted, which must commit nothing.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <dirent.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static struct hq_server srv;
static struct hq_wo wo;
static struct hq_client staff, sys, sup;
static int on_pg;	/* HOUQIN_TEST_BACKEND=pg */
static int pg_fault;	/* the PostgreSQL database is read-only (pg_read_only) */
static void storage_fault(int on);

/* Skip (cmocka) a test that is about SQLite itself when running on PostgreSQL, saying why. */
#define SQLITE_ONLY(why)                                                                \
	do {                                                                            \
		if (on_pg) {                                                            \
			printf("skipped on PostgreSQL: %s\n", why);                     \
			skip();                                                         \
		}                                                                       \
	} while (0)

/* ---------- a VFS shim that makes writes fail on demand ---------- */

static atomic_int write_fault;	/* 0: pass through; else the code every xWrite returns */
static sqlite3_vfs *base_vfs;
static sqlite3_vfs fault_vfs;

struct ffile {
	sqlite3_file f;
	sqlite3_file *real;	/* the base VFS's file, right after this struct */
};

static sqlite3_file *
R(sqlite3_file *f)
{
	return ((struct ffile *)f)->real;
}

static int
f_close(sqlite3_file *f)
{
	return R(f)->pMethods->xClose(R(f));
}

static int
f_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return R(f)->pMethods->xRead(R(f), p, n, off);
}

static int
f_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	int rc = atomic_load(&write_fault);

	return rc ? rc : R(f)->pMethods->xWrite(R(f), p, n, off);
}

static int
f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return R(f)->pMethods->xTruncate(R(f), size);
}

static int
f_sync(sqlite3_file *f, int flags)
{
	return R(f)->pMethods->xSync(R(f), flags);
}

static int
f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return R(f)->pMethods->xFileSize(R(f), size);
}

static int
f_lock(sqlite3_file *f, int l)
{
	return R(f)->pMethods->xLock(R(f), l);
}

static int
f_unlock(sqlite3_file *f, int l)
{
	return R(f)->pMethods->xUnlock(R(f), l);
}

static int
f_reserved(sqlite3_file *f, int *out)
{
	return R(f)->pMethods->xCheckReservedLock(R(f), out);
}

static int
f_fcntl(sqlite3_file *f, int op, void *arg)
{
	return R(f)->pMethods->xFileControl(R(f), op, arg);
}

static int
f_sector(sqlite3_file *f)
{
	return R(f)->pMethods->xSectorSize(R(f));
}

static int
f_devchar(sqlite3_file *f)
{
	return R(f)->pMethods->xDeviceCharacteristics(R(f));
}

static int
f_shmmap(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return R(f)->pMethods->xShmMap(R(f), pg, pgsz, extend, pp);
}

static int
f_shmlock(sqlite3_file *f, int off, int n, int flags)
{
	return R(f)->pMethods->xShmLock(R(f), off, n, flags);
}

static void
f_shmbarrier(sqlite3_file *f)
{
	R(f)->pMethods->xShmBarrier(R(f));
}

static int
f_shmunmap(sqlite3_file *f, int del)
{
	return R(f)->pMethods->xShmUnmap(R(f), del);
}

static int
f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return R(f)->pMethods->xFetch(R(f), off, n, pp);
}

static int
f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return R(f)->pMethods->xUnfetch(R(f), off, p);
}

static const sqlite3_io_methods fault_io = {
	3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock, f_reserved,
	f_fcntl, f_sector, f_devchar, f_shmmap, f_shmlock, f_shmbarrier, f_shmunmap, f_fetch,
	f_unfetch,
};

static int
f_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct ffile *ff = (struct ffile *)f;
	int rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = base_vfs->xOpen(base_vfs, name, ff->real, flags, out);
	/* SQLite calls xClose whenever pMethods is set, even after a failed open */
	ff->f.pMethods = ff->real->pMethods ? &fault_io : NULL;
	return rc;
}

static int
f_delete(sqlite3_vfs *v, const char *n, int s)
{
	(void)v;
	return base_vfs->xDelete(base_vfs, n, s);
}

static int
f_access(sqlite3_vfs *v, const char *n, int flags, int *out)
{
	(void)v;
	return base_vfs->xAccess(base_vfs, n, flags, out);
}

static int
f_fullpath(sqlite3_vfs *v, const char *n, int size, char *out)
{
	(void)v;
	return base_vfs->xFullPathname(base_vfs, n, size, out);
}

static int
f_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return base_vfs->xRandomness(base_vfs, n, out);
}

static int
f_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return base_vfs->xSleep(base_vfs, us);
}

static int
f_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return base_vfs->xCurrentTime(base_vfs, out);
}

static int
f_lasterr(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return base_vfs->xGetLastError(base_vfs, n, out);
}

static int
f_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

/* Make the shim the default VFS, so the server's connections (opened later) use it. */
static void
fault_vfs_install(void)
{
	base_vfs = sqlite3_vfs_find(NULL);
	assert_non_null(base_vfs);
	memset(&fault_vfs, 0, sizeof(fault_vfs));
	fault_vfs.iVersion = 2;
	fault_vfs.szOsFile = (int)sizeof(struct ffile) + base_vfs->szOsFile;
	fault_vfs.mxPathname = base_vfs->mxPathname;
	fault_vfs.zName = "houqin-fault";
	fault_vfs.xOpen = f_open;
	fault_vfs.xDelete = f_delete;
	fault_vfs.xAccess = f_access;
	fault_vfs.xFullPathname = f_fullpath;
	fault_vfs.xRandomness = f_random;
	fault_vfs.xSleep = f_sleep;
	fault_vfs.xCurrentTime = f_time;
	fault_vfs.xGetLastError = f_lasterr;
	fault_vfs.xCurrentTimeInt64 = f_time64;
	assert_int_equal(sqlite3_vfs_register(&fault_vfs, 1), SQLITE_OK);
}

/* ---------- setup ---------- */

static int
setup(void **state)
{
	(void)state;
	on_pg = strcmp(hq_backend(), "pg") == 0;
	if (!on_pg)
		fault_vfs_install();
	hq_start(&srv);
	hq_wo_fixture(&srv, &wo);
	hq_client_init(&staff);
	hq_client_init(&sys);
	hq_client_init(&sup);
	assert_int_equal(hq_login(&srv, &staff, "staff", TEST_PASSWORD), 200);
	assert_int_equal(hq_login(&srv, &sys, "sysadmin", TEST_PASSWORD), 200);
	assert_int_equal(hq_login(&srv, &sup, "supervisor", TEST_PASSWORD), 200);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	atomic_store(&write_fault, 0);
	hq_client_free(&staff);
	hq_client_free(&sys);
	hq_client_free(&sup);
	hq_stop(&srv);
	if (!on_pg)
		sqlite3_vfs_unregister(&fault_vfs);
	return 0;
}

/* After each test, even a failed one: no fault left switched on. */
static int
no_fault(void **state)
{
	char tmp[400], moved[420];
	struct stat sb;

	(void)state;
	atomic_store(&write_fault, 0);
	if (pg_fault)
		storage_fault(0);
	/* blob_store_broken_then_restored's broken files/tmp, should it have failed midway */
	snprintf(tmp, sizeof(tmp), "%s/files/tmp", srv.dir);
	snprintf(moved, sizeof(moved), "%s.moved", tmp);
	if (stat(moved, &sb) == 0 && (unlink(tmp) || rename(moved, tmp)))
		fail_msg("cannot restore %s", tmp);
	return 0;
}

/* ---------- the database's whole content, hashed ---------- */

struct snap {
	unsigned char hash[32];
	long long rows, workorders, attachments, audit;
};

static long long
count_of(sqlite3 *h, const char *table)
{
	char sql[128];
	sqlite3_stmt *st;
	long long n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Every row of every table (own read-only connection: it sees only committed data). */
static void
snapshot_sqlite(struct snap *s)
{
	crypto_generichash_state hs;
	sqlite3 *h;
	sqlite3_stmt *tables, *st;
	char sql[256];

	memset(s, 0, sizeof(*s));
	assert_int_equal(sqlite3_open_v2(srv.db_path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	crypto_generichash_init(&hs, NULL, 0, sizeof(s->hash));
	assert_int_equal(sqlite3_exec(h, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT name FROM sqlite_master WHERE type = 'table'"
					    " ORDER BY name", -1, &tables, NULL), SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tables, 0);
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" ORDER BY 1", name);
		crypto_generichash_update(&hs, (const unsigned char *)name, strlen(name) + 1);
		assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			s->rows++;
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *v = sqlite3_column_blob(st, c);
				int n = sqlite3_column_bytes(st, c);
				crypto_generichash_update(&hs, v ? v : (const unsigned char *)"",
							  (unsigned long long)n);
				crypto_generichash_update(&hs, (const unsigned char *)"\x1f", 1);
			}
		}
		sqlite3_finalize(st);
	}
	sqlite3_finalize(tables);
	s->workorders = count_of(h, "workorder");
	s->attachments = count_of(h, "attachment");
	s->audit = count_of(h, "audit_log");
	sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(h);
	crypto_generichash_final(&hs, s->hash, sizeof(s->hash));
}

static long long
pg_count(struct db *db, const char *sql)
{
	struct stmt st = { 0 };
	struct err e = { 0 };
	long long n;

	assert_int_equal(db_prepare_once(db, &st, sql, &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	n = db_col_i64(&st, 0);
	db_finalize(&st);
	return n;
}

/*
** The same on PostgreSQL, through the db API: each row as its text form (the
** db API has no column count), in one REPEATABLE READ snapshot. Table names
** are read first, so no two statements are open at once on the connection.
*/
static void
snapshot_pg(struct snap *s)
{
	enum { MAX_TABLES = 200 };
	static char names[MAX_TABLES][64];
	crypto_generichash_state hs;
	struct db *db = NULL;
	struct stmt st = { 0 };
	struct err e = { 0 };
	char sql[256];
	int n = 0;

	memset(s, 0, sizeof(*s));
	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	crypto_generichash_init(&hs, NULL, 0, sizeof(s->hash));
	assert_int_equal(db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ", &e), 0);
	assert_int_equal(db_prepare_once(db, &st, "SELECT tablename FROM pg_tables"
					 " WHERE schemaname = current_schema() ORDER BY tablename",
					 &e), 0);
	while (db_step(&st, &e) == 1) {
		assert_true(n < MAX_TABLES);
		snprintf(names[n++], sizeof(names[0]), "%s", db_col_peek(&st, 0, NULL));
	}
	db_finalize(&st);
	assert_true(n > 10);
	for (int i = 0; i < n; i++) {
		snprintf(sql, sizeof(sql), "SELECT CAST(t AS text) FROM \"%s\" t ORDER BY 1",
			 names[i]);
		crypto_generichash_update(&hs, (const unsigned char *)names[i],
					  strlen(names[i]) + 1);
		assert_int_equal(db_prepare_once(db, &st, sql, &e), 0);
		while (db_step(&st, &e) == 1) {
			size_t len = 0;
			const char *v = db_col_peek(&st, 0, &len);
			s->rows++;
			crypto_generichash_update(&hs, (const unsigned char *)(v ? v : ""), len);
			crypto_generichash_update(&hs, (const unsigned char *)"\x1e", 1);
		}
		db_finalize(&st);
	}
	s->workorders = pg_count(db, "SELECT count(*) FROM workorder");
	s->attachments = pg_count(db, "SELECT count(*) FROM attachment");
	s->audit = pg_count(db, "SELECT count(*) FROM audit_log");
	assert_int_equal(db_exec(db, "COMMIT", &e), 0);
	db_close(db);
	crypto_generichash_final(&hs, s->hash, sizeof(s->hash));
}

static void
snapshot(struct snap *s)
{
	if (on_pg)
		snapshot_pg(s);
	else
		snapshot_sqlite(s);
}

static void
assert_same(const struct snap *a, const struct snap *b)
{
	if (a->rows != b->rows || a->workorders != b->workorders ||
	    a->attachments != b->attachments || a->audit != b->audit)
		fail_msg("rows %lld -> %lld, workorders %lld -> %lld, attachments %lld -> %lld, "
			 "audit %lld -> %lld", a->rows, b->rows, a->workorders, b->workorders,
			 a->attachments, b->attachments, a->audit, b->audit);
	assert_memory_equal(a->hash, b->hash, sizeof(a->hash));
}

/* ---------- the three writes and the reads ---------- */

static void
expect_503(long status, struct hq_resp *r, const char *what)
{
	char ra[16];

	if (status != 503)
		fail_msg("%s gave %ld, want 503: %s", what, status, r->body ? r->body : "");
	assert_string_equal(hq_err_code(r), "storage_unavailable");
	assert_non_null(hq_header(r, "Retry-After", ra, sizeof(ra)));
	assert_true(strtol(ra, NULL, 10) > 0);
	/* library error text never reaches the client */
	assert_null(strstr(r->body, "sqlite"));
	assert_null(strstr(r->body, "disk"));
	assert_null(strstr(r->body, "postgres"));
	assert_null(strstr(r->body, "read-only"));
	hq_resp_free(r);
}

static void
expect_status(long status, long want, struct hq_resp *r, const char *what)
{
	if (status != want)
		fail_msg("%s gave %ld, want %ld: %s", what, status, want, r->body ? r->body : "");
	hq_resp_free(r);
}

static long
create_wo(struct hq_resp *r, const char *description)
{
	static char body[8192];

	snprintf(body, sizeof(body),
		 "{\"category_id\":%lld,\"location_id\":%lld,\"title\":\"301 水龙头漏水\","
		 "\"description\":\"%s\",\"priority\":\"normal\"}",
		 (long long)wo.cat, (long long)wo.room, description);
	return hq_req(&srv, &staff, "POST", "/api/v1/workorders", body, r);
}

static long
update_user(struct hq_resp *r, const char *display_name)
{
	char path[64], body[400], stamp[64];
	struct hq_resp g;

	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)hq_user_id(&srv, "staff2"));
	assert_int_equal(hq_req(&srv, &sys, "GET", path, NULL, &g), 200);
	snprintf(stamp, sizeof(stamp), "%s",
		 json_string_value(json_object_get(g.json, "updated_at")));
	hq_resp_free(&g);
	snprintf(body, sizeof(body), "{\"display_name\":\"%s\",\"department_id\":%lld,"
		 "\"updated_at\":\"%s\"}", display_name, (long long)srv.dept2_id, stamp);
	return hq_req(&srv, &sys, "PUT", path, body, r);
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static size_t
png_chunk(unsigned char *out, const char *type, const unsigned char *data, uint32_t n)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	put32(out, n);
	memcpy(out + 4, type, 4);
	if (n)
		memcpy(out + 8, data, n);
	crc = crc32(crc, out + 4, 4 + n);
	put32(out + 8 + n, (uint32_t)crc);
	return 12 + n;
}

/* Upload a 1x1 PNG of a colour never sent before (a new content hash: a new blob). */
static long
upload(struct hq_resp *r)
{
	static unsigned colour = 0x102030;
	unsigned char png[128], ihdr[13] = { 0 }, raw[4], z[64];
	uLongf zn = sizeof(z);
	size_t n = 8;

	colour++;
	raw[0] = 0;
	raw[1] = (unsigned char)(colour >> 16);
	raw[2] = (unsigned char)(colour >> 8);
	raw[3] = (unsigned char)colour;
	memcpy(png, "\x89PNG\r\n\x1a\n", 8);
	put32(ihdr, 1);
	put32(ihdr + 4, 1);
	ihdr[8] = 8;
	ihdr[9] = 2;
	assert_int_equal(compress(z, &zn, raw, sizeof(raw)), Z_OK);
	n += png_chunk(png + n, "IHDR", ihdr, sizeof(ihdr));
	n += png_chunk(png + n, "IDAT", z, (uint32_t)zn);
	n += png_chunk(png + n, "IEND", NULL, 0);
	return hq_req_bin(&srv, &staff, "POST", "/api/v1/attachments?kind=photo", "image/png",
			  "X-Filename: leak.png", png, n, r);
}

/* Reads answer 200 and the audit chain verifies. */
static void
reads_work(void)
{
	struct hq_resp r;

	expect_status(hq_req(&srv, &staff, "GET", "/api/v1/workorders", NULL, &r), 200, &r,
		      "GET workorders");
	expect_status(hq_req(&srv, &sys, "GET", "/api/v1/users", NULL, &r), 200, &r, "GET users");
	assert_int_equal(hq_req(&srv, &sup, "GET", "/api/v1/audit/verify", NULL, &r), 200);
	if (!json_is_true(json_object_get(r.json, "ok")))
		fail_msg("audit chain broken: %s", r.body);
	hq_resp_free(&r);
}

/* No upload left a temp file behind. */
static void
tmp_is_empty(void)
{
	char dir[400];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/files/tmp", srv.dir);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	assert_int_equal(n, 0);
}

/* Every write is refused with 503 and nothing changes; reads keep working. */
static void
writes_refused(const char *why)
{
	struct snap before, after;
	struct hq_resp r;
	char what[128];

	snapshot(&before);
	snprintf(what, sizeof(what), "%s: create work order", why);
	expect_503(create_wo(&r, "滴水不止"), &r, what);
	snprintf(what, sizeof(what), "%s: update user", why);
	expect_503(update_user(&r, "二处小王"), &r, what);
	snprintf(what, sizeof(what), "%s: upload", why);
	expect_503(upload(&r), &r, what);
	reads_work();
	snapshot(&after);
	assert_same(&before, &after);
	tmp_is_empty();
}

/* The same writes succeed (the server recovered) and each leaves its rows. */
static void
writes_work(const char *why)
{
	static int round;
	struct snap before, after;
	struct hq_resp r;
	char what[128], name[32];

	snapshot(&before);
	snprintf(what, sizeof(what), "%s: create work order", why);
	expect_status(create_wo(&r, "滴水不止"), 201, &r, what);
	snprintf(what, sizeof(what), "%s: update user", why);
	snprintf(name, sizeof(name), "二处小王%d", ++round);
	expect_status(update_user(&r, name), 200, &r, what);
	snprintf(what, sizeof(what), "%s: upload", why);
	expect_status(upload(&r), 201, &r, what);
	reads_work();
	snapshot(&after);
	assert_int_equal(after.workorders, before.workorders + 1);
	assert_int_equal(after.attachments, before.attachments + 1);
	assert_true(after.audit >= before.audit + 3);
	tmp_is_empty();
}

static void
writer_exec(const char *sql)
{
	struct err e = { 0 };
	struct db *w = db_pool_writer(srv.pool);
	int rc = db_exec(w, sql, &e);

	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("%s: %s", sql, e.msg);
}

static long long
raw_int(const char *sql)
{
	struct db *db = NULL;
	struct err e = { 0 };
	long long v;

	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	v = pg_count(db, sql);
	db_close(db);
	return v;
}

/*
** PostgreSQL: the whole database read-only (default_transaction_read_only), as
** a standby after failover is, or writable again. The setting reaches new
** sessions only, so the server's are ended (the role may end its own) and its
** pool must reconnect: this is a lost connection too.
*/
static void
pg_read_only(int on)
{
	char sql[160];
	struct db *db = NULL;
	struct stmt st = { 0 };
	struct err e = { 0 };

	snprintf(sql, sizeof(sql), "ALTER DATABASE %s %s", srv.pg_db,
		 on ? "SET default_transaction_read_only = on" : "RESET default_transaction_read_only");
	assert_int_equal(db_open(srv.db_path, 0, &db, &e), 0);
	/* this session too starts read-only once the setting is on: it opts out, on its own */
	if (db_exec(db, "SET default_transaction_read_only = off", &e) || db_exec(db, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
	assert_int_equal(db_prepare_once(db, &st, "SELECT count(pg_terminate_backend(pid))"
					 " FROM pg_stat_activity WHERE datname = current_database()"
					 " AND pid <> pg_backend_pid()", &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	db_finalize(&st);
	db_close(db);
	pg_fault = on;
}

/*
** After pg_read_only ended the server's sessions, each pooled connection may
** answer its first use with 503 while it reconnects (DESIGN: a lost server is
** 503 and recovers). Spend those on reads and, when writable, on a harmless
** write, within a bound, before the test's own requests.
*/
static void
pg_settle(int writable)
{
	struct hq_resp r;
	int ok = 0;

	for (int i = 0; i < 40 && ok < 4; i++) {
		long st = hq_req(&srv, &staff, "GET", "/api/v1/workorders", NULL, &r);
		hq_resp_free(&r);
		ok = st == 200 ? ok + 1 : 0;
		if (st != 200)
			usleep(50 * 1000);
	}
	assert_true(ok >= 4);
	for (int i = 0, done = !writable; i < 40 && !done; i++) {
		long st = update_user(&r, "二处小王");
		hq_resp_free(&r);
		done = st == 200;
		if (!done)
			usleep(50 * 1000);
		if (i == 39)
			fail_msg("no write went through after PostgreSQL became writable");
	}
}

/* The write fault each backend can have here: a full disk (SQLite), read-only (PostgreSQL). */
static void
storage_fault(int on)
{
	if (on_pg) {
		pg_read_only(on);
		pg_settle(!on);
	} else {
		atomic_store(&write_fault, on ? SQLITE_FULL : 0);
	}
}

/* ---------- the faults ---------- */

/* Disk full: every write(2) of the db and its WAL fails, so COMMIT fails. */
static void
disk_full_then_space_returns(void **state)
{
	(void)state;
	SQLITE_ONLY("the full disk is SQLite's VFS shim; PostgreSQL's disk is the server's");
	writes_work("before");
	atomic_store(&write_fault, SQLITE_FULL);
	writes_refused("disk full");
	writes_refused("disk still full");
	atomic_store(&write_fault, 0);
	writes_work("space returned");
}

/* An I/O error (EIO) on write behaves the same. */
static void
io_error_then_recovers(void **state)
{
	(void)state;
	SQLITE_ONLY("the I/O error is SQLite's VFS shim; PostgreSQL's disk is the server's");
	atomic_store(&write_fault, SQLITE_IOERR_WRITE);
	writes_refused("I/O error");
	atomic_store(&write_fault, 0);
	writes_work("I/O recovered");
}

/*
** A full disk as SQLite's own page limit: max_page_count at the current size.
** A work order with a 2000-character description needs new (overflow) pages,
** so the INSERT itself fails (not the COMMIT). Small writes may still fit in
** free space inside existing pages, so only this one is asserted.
*/
static void
page_limit_then_raised(void **state)
{
	char sql[96], *desc;
	struct snap before, after;
	struct hq_resp r;
	long long pages, freel;

	(void)state;
	SQLITE_ONLY("PRAGMA max_page_count is SQLite's page limit");
	desc = malloc(2000 * 3 + 1);	/* after the skip: a skip is a longjmp */
	assert_non_null(desc);
	for (int i = 0; i < 2000; i++)
		memcpy(desc + i * 3, "漏", 3);
	desc[2000 * 3] = '\0';
	writer_exec("VACUUM");	/* the free pages of tables migrations dropped (0042's counters) */
	writer_exec("PRAGMA wal_checkpoint(TRUNCATE)");
	pages = raw_int("PRAGMA page_count");
	freel = raw_int("PRAGMA freelist_count");
	assert_true(pages > 0);
	assert_true(freel < 4);	/* the order and its audit row need more new pages than this */
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", pages);
	writer_exec(sql);
	snapshot(&before);
	expect_503(create_wo(&r, desc), &r, "page limit: create work order");
	expect_503(create_wo(&r, desc), &r, "page limit: create work order again");
	reads_work();
	snapshot(&after);
	assert_same(&before, &after);
	writer_exec("PRAGMA max_page_count = 1073741823");
	expect_status(create_wo(&r, desc), 201, &r, "page limit raised: create work order");
	writes_work("page limit raised");
	free(desc);
}

/*
** Read-only database: BEGIN IMMEDIATE itself is refused (SQLite), or every
** write of a read-only transaction (PostgreSQL, as on a standby).
*/
static void
read_only_then_writable(void **state)
{
	(void)state;
	if (on_pg)
		storage_fault(1);
	else
		writer_exec("PRAGMA query_only = 1");
	writes_refused("read-only");
	if (on_pg)
		storage_fault(0);
	else
		writer_exec("PRAGMA query_only = 0");
	writes_work("writable again");
}

/* Another process holds the write lock past busy_timeout: 503, not 500. */
static void
locked_database(void **state)
{
	struct snap before, after;
	struct hq_resp r;
	sqlite3 *h;

	(void)state;
	SQLITE_ONLY("PostgreSQL has no database-wide write lock; writers wait on row locks"
		    " (test_concurrency)");
	snapshot(&before);
	assert_int_equal(sqlite3_open_v2(srv.db_path, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	expect_503(create_wo(&r, "滴水不止"), &r, "locked: create work order");
	reads_work();
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	snapshot(&after);
	assert_same(&before, &after);
	writes_work("unlocked");
}

/* The blob store fails (files/tmp is not a directory): uploads 503, other writes go on. */
static void
blob_store_broken_then_restored(void **state)
{
	char tmp[400], moved[420];
	struct snap before, after;
	struct hq_resp r;
	FILE *f;

	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/files/tmp", srv.dir);
	snprintf(moved, sizeof(moved), "%s.moved", tmp);
	assert_int_equal(rename(tmp, moved), 0);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fclose(f);
	snapshot(&before);
	expect_503(upload(&r), &r, "blob store broken: upload");
	expect_503(upload(&r), &r, "blob store broken: upload again");
	reads_work();
	snapshot(&after);
	assert_same(&before, &after);
	expect_status(create_wo(&r, "滴水不止"), 201, &r, "blob store broken: create work order");
	assert_int_equal(unlink(tmp), 0);
	assert_int_equal(rename(moved, tmp), 0);
	writes_work("blob store restored");
}

/*
** A session due for its last_seen refresh during a disk full (PostgreSQL: a
** read-only database) still reads: the refresh is a write, but a failed
** refresh must not turn reads into 503.
*/
static void
stale_session_reads_during_disk_full(void **state)
{
	struct hq_resp r;

	(void)state;
	storage_fault(1);
	clock_advance(2 * MINUTE_MS);	/* past SESSION_TOUCH_MS: the next request refreshes */
	reads_work();
	expect_503(create_wo(&r, "滴水不止"), &r, "stale session, disk full: create work order");
	storage_fault(0);
	writes_work("stale session, space returned");
}

/*
** The db layer itself: a write transaction that SQLite abandoned after a
** failed write (cache spill on a full disk) must not let later statements of
** the same request run in autocommit mode, and COMMIT must fail.
*/
/*
** PostgreSQL's form of it: after a failed statement the transaction is
** aborted and PostgreSQL answers COMMIT with a silent ROLLBACK. So when a
** caller goes on after an error (a swallowed conflict), either its next
** statement or db_commit must fail: never 0 with nothing written.
*/
static void
aborted_transaction_pg(void)
{
	static const char sql_ins[] = "INSERT INTO fault_probe (id, v) VALUES (:id, 'x')";
	struct db *w;
	struct stmt st = { 0 };
	struct err e = { 0 };
	int rc;

	writer_exec("CREATE TABLE IF NOT EXISTS fault_probe (id INTEGER PRIMARY KEY, v TEXT)");
	w = db_pool_writer(srv.pool);
	assert_int_equal(db_begin_write(w, &e), 0);
	for (int i = 0; i < 2; i++) {	/* the second is a unique violation */
		rc = db_prepare(w, &st, sql_ins, &e) || db_bind_i64(&st, ":id", 1, &e) ||
		     db_step_done(&st, &e) ? e.code : 0;
		db_finalize(&st);
		assert_int_equal(rc, i ? ERR_CONFLICT : 0);
	}
	err_clear(&e);	/* swallowed */
	rc = db_prepare(w, &st, sql_ins, &e) || db_bind_i64(&st, ":id", 2, &e) ||
	     db_step_done(&st, &e) ? e.code : 0;
	db_finalize(&st);
	if (!rc)
		rc = db_commit(w, &e);
	else
		db_rollback(w);
	assert_int_not_equal(rc, 0);
	assert_false(db_in_tx(w));
	db_pool_writer_unlock(srv.pool);
	assert_int_equal(raw_int("SELECT count(*) FROM fault_probe"), 0);
	writer_exec("DROP TABLE fault_probe");
	writes_work("after an aborted transaction");
}

static void
abandoned_transaction_commits_nothing(void **state)
{
	static const char sql_ins[] = "INSERT INTO fault_probe (v) VALUES (zeroblob(20000))";
	struct db *w;
	struct stmt st = { 0 };
	struct err e = { 0 };
	int rc = 0;

	(void)state;
	if (on_pg) {
		aborted_transaction_pg();
		return;
	}
	writer_exec("CREATE TABLE IF NOT EXISTS fault_probe (id INTEGER PRIMARY KEY, v BLOB)");
	w = db_pool_writer(srv.pool);
	assert_int_equal(db_exec(w, "PRAGMA cache_size = 10", &e), 0);
	assert_int_equal(db_begin_write(w, &e), 0);
	atomic_store(&write_fault, SQLITE_FULL);
	for (int i = 0; i < 50 && !rc; i++) {
		rc = db_prepare(w, &st, sql_ins, &e) || db_step_done(&st, &e) ? e.code : 0;
		db_finalize(&st);
	}
	assert_int_equal(rc, ERR_UNAVAILABLE);
	/* whatever SQLite did with the transaction, the next statement must not autocommit */
	atomic_store(&write_fault, 0);
	err_clear(&e);
	rc = db_prepare(w, &st, sql_ins, &e) || db_step_done(&st, &e) ? e.code : 0;
	db_finalize(&st);
	if (!rc)
		rc = db_commit(w, &e);
	else
		db_rollback(w);
	assert_int_equal(rc, ERR_UNAVAILABLE);
	assert_false(db_in_tx(w));
	assert_int_equal(db_exec(w, "PRAGMA cache_size = -2000", &e), 0);
	db_pool_writer_unlock(srv.pool);
	assert_int_equal(raw_int("SELECT count(*) FROM fault_probe"), 0);
	writer_exec("DROP TABLE fault_probe");
	writes_work("after an abandoned transaction");
}

/* After all of it the file is sound. */
static void
integrity_at_the_end(void **state)
{
	sqlite3 *h;
	sqlite3_stmt *st;

	(void)state;
	reads_work();
	SQLITE_ONLY("PRAGMA integrity_check checks SQLite's file");
	assert_int_equal(sqlite3_open_v2(srv.db_path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(h);
	reads_work();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(disk_full_then_space_returns, no_fault),
		cmocka_unit_test_teardown(io_error_then_recovers, no_fault),
		cmocka_unit_test_teardown(page_limit_then_raised, no_fault),
		cmocka_unit_test_teardown(read_only_then_writable, no_fault),
		cmocka_unit_test_teardown(locked_database, no_fault),
		cmocka_unit_test_teardown(blob_store_broken_then_restored, no_fault),
		cmocka_unit_test_teardown(stale_session_reads_during_disk_full, no_fault),
		cmocka_unit_test_teardown(abandoned_transaction_commits_nothing, no_fault),
		cmocka_unit_test_teardown(integrity_at_the_end, no_fault),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
