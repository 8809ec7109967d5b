/*
** modules.h: THE list of modules (modules.c) and the walks over it that the
** server, the CLI and the tests share: one route table, the history entities,
** start-up registration with the core engines, the demo seed.
*/
#ifndef HOUQIN_MODULES_H
#define HOUQIN_MODULES_H

#include "module.h"

struct actor;

struct route_table;

/* Every module, in list order (the order demo and gen run in); NULL ends it. */
extern const struct module *const houqin_modules[];

/*
** Register every module's approval kinds, attachment owners and English texts
** with the core engines. Called once at start-up by `houqin serve`, the CLI and the tests,
** before any request. Idempotent and thread-safe.
*/
void modules_init(void);

/* Every module's routes, concatenated in list order (built once; static). */
const struct route_table *modules_routes(void);

/* The history entity row for entity (audit_log.entity), or NULL. */
const struct module_history *modules_history_find(const char *entity);

/*
** A new agency's defaults: every module's approval_rules and agency_init for
** who->agency_id, in list order (module.h), in the caller's write transaction
** (org_agency_create calls it).
*/
int modules_agency_init(struct db *db, struct arena *a, const struct actor *who, struct err *e);
/*
** The same for every existing agency, each in a write transaction of its own
** (after migrations: `houqin migrate` and `serve`), so an agency made before a
** module or one of its kinds gets the defaults it lacks; what it has stays as
** it is, so a second run adds nothing. *added: the rules and rows made, each
** audited as made by the CLI (actor id 0). Stops at the first agency that fails
** (those before it keep theirs); the audit key must be loaded (core/audit.h).
*/
int modules_agency_upgrade(struct db *db, int *added, struct err *e);

/*
** `init --demo`: run every module's demo hook, in list order, in one write
** transaction of its own. prefix: "" for the demo agency; another prefix
** ("a002-") makes one more agency like it, whose logins start with prefix
** (`gen --agencies`). ERR_CONFLICT when that agency's logins exist already.
*/
int modules_demo_seed(struct db *db, const char *prefix, struct err *e);

#endif
