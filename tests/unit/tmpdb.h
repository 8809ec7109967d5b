/*
** tests/unit/tmpdb.h: fresh temp database files for the unit tests that need a real
** file (WAL, a second connection, a backup): mkstemp under /tmp, open, migrate, and
** removal of the file with its -wal/-shm/-journal companions. Header-only; every
** helper is static, so each test_*.c that includes it gets its own copy.
** Tests that can use ":memory:" (test_calendar.c) do not need it.
*/
#ifndef HOUQIN_TESTS_UNIT_TMPDB_H
#define HOUQIN_TESTS_UNIT_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/err.h"
#include "db/db.h"

/* The audit chain's key (core/audit.h): a fixed test secret, loaded by tmpdb_open. */
#define TMPDB_AUDIT_KEY_BYTE 0x42
__attribute__((unused)) static void
tmpdb_audit_key(void)
{
	unsigned char key[AUD_KEY_BYTES];

	memset(key, TMPDB_AUDIT_KEY_BYTE, sizeof(key));
	aud_key_set(key);
}

/* What tmpdb_open and tmpdb_new leave in the new database. */
enum { TMPDB_EMPTY = 0, TMPDB_MIGRATED = 1 };

/* A test's database: the file's path and the open handle. */
struct tmpdb {
	char path[64];
	struct db *db;
};

/* Removes the database file at path and its -wal, -shm and -journal files, if any. */
__attribute__((unused)) static void
tmpdb_remove(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[96];

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		unlink(p);
	}
}

/*
** Creates an empty file /tmp/houqin-unit-<tag>-XXXXXX and writes its name to path
** (size bytes). Returns 0, or -1 if it cannot (path then names no file).
*/
__attribute__((unused)) static int
tmpdb_path(char *path, size_t size, const char *tag)
{
	int fd;

	snprintf(path, size, "/tmp/houqin-unit-%s-XXXXXX", tag);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Closes *db (NULL is fine), sets it to NULL and removes the files at path. */
__attribute__((unused)) static void
tmpdb_close(const char *path, struct db **db)
{
	db_close(*db);
	*db = NULL;
	tmpdb_remove(path);
}

/*
** A new database at a fresh temp path (see tmpdb_path), opened with DB_CREATE and, with
** TMPDB_MIGRATED, every migration applied. Returns 0 with *db open; the caller ends with
** tmpdb_close(path, db). On failure prints why to stderr, leaves *db NULL and no file
** behind, and returns -1.
*/
__attribute__((unused)) static int
tmpdb_open(char *path, size_t size, const char *tag, int what, struct db **db)
{
	struct err e = { 0 };
	int applied = 0;

	*db = NULL;
	tmpdb_audit_key();
	if (tmpdb_path(path, size, tag)) {
		perror("tmpdb: mkstemp");
		return -1;
	}
	if (db_open(path, DB_CREATE, db, &e) ||
	    (what == TMPDB_MIGRATED && db_migrate(*db, &applied, &e))) {
		fprintf(stderr, "tmpdb %s: %s\n", path, e.msg);
		tmpdb_close(path, db);
		return -1;
	}
	return 0;
}

/*
** tmpdb_open on a new heap struct tmpdb: a cmocka setup does
** `*state = tmpdb_new("tag", TMPDB_MIGRATED); return *state ? 0 : -1;`.
** Returns NULL (having printed why, and left no file) on failure. Free with tmpdb_free.
*/
__attribute__((unused)) static struct tmpdb *
tmpdb_new(const char *tag, int what)
{
	struct tmpdb *t = calloc(1, sizeof(*t));

	if (!t || tmpdb_open(t->path, sizeof(t->path), tag, what, &t->db)) {
		free(t);
		return NULL;
	}
	return t;
}

/* Closes t's database, removes its files, frees t. NULL is fine. */
__attribute__((unused)) static void
tmpdb_free(struct tmpdb *t)
{
	if (!t)
		return;
	tmpdb_close(t->path, &t->db);
	free(t);
}

/* A cmocka teardown for a *state made by tmpdb_new (NULL if its setup failed). */
__attribute__((unused)) static int
tmpdb_teardown(void **state)
{
	tmpdb_free(*state);
	*state = NULL;
	return 0;
}

#endif
