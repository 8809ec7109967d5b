/*
** module.h: what a module declares about itself (DESIGN §7). Each
** src/modules/<d>/<d>_module.c defines one `const struct module <d>_module`
** and src/modules.c lists them; the router, OpenAPI, role matrix, audit
** history, jobs ticker, `init --demo` and `gen` walk that list, so adding a
** domain touches its own folder and one line there. Every table below is
** static data ending in a zeroed row (or a NULL pointer); any may be NULL.
*/
#ifndef HOUQIN_MODULE_H
#define HOUQIN_MODULE_H

#include <stdint.h>

struct actor;
struct appr_kind;
struct arena;
struct cal;
struct db;
struct err;
struct msg;
struct route;

/*
** An entity with a history view (GET /api/v1/history/:entity/:id). entity is
** the code the module passes to aud_record(); visible returns 0 when who may
** see record id, ERR_NOT_FOUND when it is missing or out of who's scope.
*/
struct module_history {
	const char *entity;
	unsigned roles;		/* role bits allowed; 0 = every signed-in user */
	int (*visible)(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		       struct err *e);
};

/*
** A background job, run once a minute for each agency, each run in its own
** write transaction (jobs.c) with that agency's business calendar loaded; it
** touches only that agency's rows. *done counts what it did, which the runner
** logs after `done_what`. It must be idempotent: it records what it did in the
** same transaction, so a restart never repeats an action.
*/
struct module_job {
	const char *name;
	int (*run)(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *done,
		   struct err *e);
	const char *done_what;	/* "work-order SLA alerts sent" */
};

/* An attachment owner kind: may who read the files attached to record id? 1 yes. */
struct module_owner {
	const char *entity;
	int (*can_read)(struct db *db, const struct actor *who, int64_t id);
};

/* What `houqin gen` hands every generator. */
struct gen_ctx {
	int64_t agency_id;
	int64_t from_ms, to_ms;	/* history window (--months back from now) */
	uint64_t seed;
	const char *password;	/* for generated accounts */
};

/*
** `houqin gen --<flag> N`: adds N rows of what the module owns, in its own
** write transaction(s) (core/tx.h). Generators run in module-list order, so
** later ones find what earlier ones made (orders pick generated requesters).
*/
struct module_gen {
	const char *flag;	/* "workorders" -> --workorders N */
	int64_t max;		/* largest N accepted */
	const char *what;	/* "work orders", for the summary line */
	int (*run)(struct db *db, const struct gen_ctx *ctx, int64_t n, struct err *e);
};

struct module {
	const char *name;
	const struct route *routes;	/* its route table, method NULL ends it */
	const struct module_history *history;
	const struct module_job *jobs;
	const struct appr_kind *const *approval_kinds;	/* NULL-terminated */
	const struct module_owner *attachment_owners;
	/*
	** `init --demo`: seed this module's demo data inside the caller's write
	** transaction; runs in module-list order after the modules before it.
	** prefix starts every demo login of the agency being seeded: "" for the
	** demo agency, "a002-" and so on for `gen --agencies`' others (logins are
	** unique across agencies), so find them with org_demo_actor(prefix, ...).
	*/
	int (*demo)(struct db *db, struct arena *a, const char *prefix, struct err *e);
	const struct module_gen *gen;
	const struct msg *messages;	/* English of its texts (<d>_msg.c, core/msg.h) */
};

#endif
