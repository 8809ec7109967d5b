/*
** tests/unit/pgdb.h: a throwaway PostgreSQL database for the unit tests that
** also run on PostgreSQL (test_schema, test_codes): HOUQIN_TEST_PG is a libpq
** URI of a cluster where this role may CREATE DATABASE; without it the test is
** skipped. Header-only, every helper static; include after cmocka.h.
*/
#ifndef HOUQIN_TESTS_UNIT_PGDB_H
#define HOUQIN_TESTS_UNIT_PGDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

/* The database a test made on the cluster; pgdb_drop removes it even after a failure. */
struct pgdb {
	struct arena *a;	/* the name's, and the test's to use */
	struct db *admin, *db;
	const char *name;
};

/* uri with its database replaced by name (libpq URI: scheme://authority/dbname?params). */
__attribute__((unused)) static char *
pgdb_with_dbname(struct arena *a, const char *uri, const char *name)
{
	const char *auth = strstr(uri, "://"), *query, *path;

	auth = auth ? auth + 3 : uri;
	query = auth + strcspn(auth, "?");
	path = memchr(auth, '/', (size_t)(query - auth));
	if (!path)
		path = query;
	return arena_printf(a, "%.*s/%s%s", (int)(path - uri), uri, name, query);
}

/*
** A new empty database houqin_<tag>_<pid>_<time> on HOUQIN_TEST_PG's cluster,
** open in p->db (p->a an arena of arena_size bytes); skips the test with
** "HOUQIN_TEST_PG not set: <unset_note>" when there is no cluster.
*/
__attribute__((unused)) static void
pgdb_create(struct pgdb *p, const char *tag, size_t arena_size, const char *unset_note)
{
	const char *uri = getenv("HOUQIN_TEST_PG");
	struct err e = { 0 };

	if (!uri || !*uri) {
		print_message("HOUQIN_TEST_PG not set: %s\n", unset_note);
		skip();
	}
	p->a = arena_new(arena_size);
	if (db_open(uri, DB_CREATE, &p->admin, &e))
		fail_msg("HOUQIN_TEST_PG: %s", e.msg);
	if (db_backend(p->admin) != DB_PG)
		fail_msg("HOUQIN_TEST_PG did not open as PostgreSQL");
	/* our own digits, not input: safe in the statement text */
	p->name = arena_printf(p->a, "houqin_%s_%ld_%lld", tag, (long)getpid(),
			       (long long)time(NULL));
	if (db_exec(p->admin, arena_printf(p->a, "CREATE DATABASE %s", p->name), &e))
		fail_msg("create database %s: %s", p->name, e.msg);
	if (db_open(pgdb_with_dbname(p->a, uri, p->name), DB_CREATE, &p->db, &e))
		fail_msg("open %s: %s", p->name, e.msg);
}

/* Close and drop what pgdb_create made (any part of it), and clear p. */
__attribute__((unused)) static void
pgdb_drop(struct pgdb *p)
{
	struct err e = { 0 };

	db_close(p->db);
	if (p->admin && p->name &&
	    db_exec(p->admin, arena_printf(p->a, "DROP DATABASE IF EXISTS %s", p->name), &e))
		fprintf(stderr, "drop database %s: %s\n", p->name, e.msg);
	db_close(p->admin);
	arena_free(p->a);
	*p = (struct pgdb){ 0 };
}

#endif
