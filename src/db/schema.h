/*
** db/schema.h: a backend-neutral description of the database's schema, so a
** test can prove that SQLite and PostgreSQL, migrated from the same version
** sequence, end with the same tables, columns, NOT NULLs, foreign keys and
** unique keys (issue #12). Types are deliberately left out (INTEGER on SQLite
** is BIGINT on PostgreSQL), as are CHECKs, DEFAULTs and plain indexes.
*/
#ifndef HOUQIN_DB_SCHEMA_H
#define HOUQIN_DB_SCHEMA_H

struct arena;
struct db;
struct err;

/*
** Describe every table but schema_migrations (and SQLite's sqlite_*) as
** newline-terminated lines sorted by byte value (strcmp), one of:
**   T                                       the table
**   T column NNN c not null|null            column c at 1-based position NNN
**   T fk (a,b) -> R(x,y) on delete ACTION   a foreign key, columns in key order
**   T key (a,b)[ partial]                   a unique key: primary key, UNIQUE
**                                           or unique index, columns sorted,
**                                           "partial" when it has a WHERE
** A key found twice (SQLite's rowid key and its own index) is one line.
** On SQLite a rowid-alias or WITHOUT ROWID primary key column is "not null"
** (SQLite enforces it though table_info does not say so). Returns 0 with *out
** in `a`; ERR_NOMEM; the backend's error (ERR_DB, ERR_UNAVAILABLE).
*/
int db_schema_describe(struct db *db, struct arena *a, char **out, struct err *e);

#endif
