/*
** module.h: what a module declares about itself (DESIGN §7). Each
** src/modules/<d>/<d>_module.c defines one `const struct module <d>_module`
** and src/modules.c lists them; the router, OpenAPI, role matrix, audit
** history, jobs ticker, `init --demo`, `gen` and the 工作台 walk that list,
** so adding a domain touches its own folder and one line there. Every table below is
** static data ending in a zeroed row (or a NULL pointer); any may be NULL.
*/
#ifndef HOUQIN_MODULE_H
#define HOUQIN_MODULE_H

#include <stddef.h>
#include <stdint.h>

struct actor;
struct appr_kind;
struct appr_rule;
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

/*
** What a module puts on the 工作台 (GET /api/v1/workbench, modules/home). The
** home module walks these; it knows no module by name.
**
** A counter: how many rows wait in one of the module's lists for who now. It
** must equal the `total` of the list the web links it to, so count() runs
** that list's own query (its filters, its scope check), never a copy of the
** rule. roles: the role bits that see it (0 = every signed-in user).
*/
struct module_counter {
	const char *key;	/* "wo_to_accept": the web's home entry maps it to a label + list */
	unsigned roles;
	int (*count)(struct db *db, struct arena *a, const struct actor *who, int64_t now,
		     int64_t *n, struct err *e);
};

/* One of who's own open requests, for "my open requests" (strings in the arena). */
struct home_request {
	const char *kind;	/* "workorder", "approval": the web labels it */
	int64_t id;
	const char *code, *title;
	const char *status;	/* the module's status code */
	int64_t updated_at;
	const char *entity;	/* the web opens <entity>Detail with params {id} */
};

/*
** who's open requests of the module: up to limit of them, most recently
** updated first, into *rows (arena), and how many there are in all.
*/
struct module_requests {
	unsigned roles;		/* 0 = every signed-in user */
	int (*list)(struct db *db, struct arena *a, const struct actor *who, int64_t limit,
		    struct home_request **rows, size_t *n, int64_t *total, struct err *e);
};

#define HOME_DAYS 7	/* a figure's series: the last 7 Shanghai days, oldest first */

/* A key figure of the week for leaders, with its per-day series (has_* 0 = nothing measured). */
struct home_figure {
	double value;
	int has_value;
	double series[HOME_DAYS];
	int has[HOME_DAYS];
};

struct module_figure {
	const char *key;	/* "wo_on_time_rate" */
	const char *format;	/* "percent" (value 0..1) or "score" (1..5): how the web shows it */
	unsigned roles;
	int (*compute)(struct db *db, struct arena *a, const struct actor *who, int64_t now,
		       struct home_figure *out, struct err *e);
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
	/*
	** After every module's demo (same transaction, module-list order): what
	** must see the others' data first — the budget closes its past months
	** (结账) here, once the modules that spend have dated their rows in them.
	*/
	int (*demo_finish)(struct db *db, struct arena *a, const char *prefix, struct err *e);
	/*
	** An agency's defaults, in two parts, both seeded only where missing: in the
	** transaction that creates the agency (org_agency_create, for `init`, the demo
	** and `gen --agencies` alike), and for every existing agency after migrations
	** (modules_agency_upgrade: `migrate`, `serve`), so an agency made before the
	** module, or before one of its kinds, gets them too. Module-list order; who
	** acts in the agency (agency_id set) and may be the CLI (id 0).
	**
	** approval_rules: the default rules of its kinds, rows of a kind together,
	** ended by a zeroed row; a kind of which the agency has any rule, active or
	** not, is left alone (core/approval.h appr_rule_seed).
	** agency_init: the rest (budget classes, ...). It must add only what the
	** agency lacks, never change what is there, each row audited, and grow
	** *added by the rows it made: a second run adds nothing.
	*/
	const struct appr_rule *approval_rules;
	int (*agency_init)(struct db *db, struct arena *a, const struct actor *who, int *added,
			   struct err *e);
	const struct module_gen *gen;
	const struct msg *messages;	/* English of its texts (<d>_msg.c, core/msg.h) */
	/* the 工作台 (see above) */
	const struct module_counter *counters;
	const struct module_requests *requests;
	const struct module_figure *figures;
};

#endif
