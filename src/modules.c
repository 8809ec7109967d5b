/*
** modules.c: THE list of modules. Adding a business domain adds one line to
** HOUQIN_MODULES (its folder defines `<name>_module`); everything that used to
** name each module (route table, history entities, jobs, demo, gen, approval
** kinds, attachment owners) walks the list instead.
*/
#include "modules.h"
#include "core/approval.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/files.h"
#include "core/msg.h"
#include "db/db.h"
#include "http/router.h"
#include "modules/org/org.h"

#include <assert.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

/* The order matters where modules build on one another: demo and gen run in it. */
#define HOUQIN_MODULES(M) \
	M(org)            \
	M(meta)           \
	M(audit)          \
	M(approvals)      \
	M(attachments)    \
	M(notifications)  \
	M(calendar)       \
	M(locations)      \
	M(workorders)     \
	M(budget)         \
	M(vehicles)       \
	M(supplies)       \
	M(home)

#define DECLARE_MODULE(d) extern const struct module d##_module;
HOUQIN_MODULES(DECLARE_MODULE)
#define LIST_MODULE(d) &d##_module,
const struct module *const houqin_modules[] = { HOUQIN_MODULES(LIST_MODULE) NULL };

#define ROUTES_MAX 512

static struct route all_routes[ROUTES_MAX];
static struct route_table table = { all_routes, 0 };
static pthread_once_t routes_once = PTHREAD_ONCE_INIT;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void
build_routes(void)
{
	for (size_t m = 0; houqin_modules[m]; m++) {
		const struct route *r = houqin_modules[m]->routes;
		for (; r && r->method; r++) {
			assert(table.n < ROUTES_MAX);	/* raise ROUTES_MAX, never drop a route */
			all_routes[table.n++] = *r;
		}
	}
}

const struct route_table *
modules_routes(void)
{
	pthread_once(&routes_once, build_routes);
	return &table;
}

static void
register_all(void)
{
	for (size_t m = 0; houqin_modules[m]; m++) {
		const struct module *mod = houqin_modules[m];
		for (size_t k = 0; mod->approval_kinds && mod->approval_kinds[k]; k++)
			appr_register_kind(mod->approval_kinds[k]);
		for (const struct module_owner *o = mod->attachment_owners; o && o->entity; o++)
			files_register_owner(o->entity, o->can_read);
		if (mod->messages)
			msg_register(mod->messages);
	}
}

void
modules_init(void)
{
	pthread_once(&init_once, register_all);
	(void)modules_routes();
}

const struct module_history *
modules_history_find(const char *entity)
{
	for (size_t m = 0; entity && houqin_modules[m]; m++)
		for (const struct module_history *h = houqin_modules[m]->history; h && h->entity;
		     h++)
			if (strcmp(h->entity, entity) == 0)
				return h;
	return NULL;
}

/* What who's agency lacks of every module's defaults (module.h), in list order. */
static int
agency_defaults(struct db *db, struct arena *a, const struct actor *who, int *added,
		struct err *e)
{
	modules_init();	/* defaults may be approval rules of a kind: registered first */
	for (size_t m = 0; houqin_modules[m]; m++) {
		const struct module *mod = houqin_modules[m];
		if ((mod->agency_init && mod->agency_init(db, a, who, added, e)) ||
		    appr_rule_seed(db, a, who, mod->approval_rules, added, e))
			return e->code;
	}
	return 0;
}

int
modules_agency_init(struct db *db, struct arena *a, const struct actor *who, struct err *e)
{
	int added = 0;

	return agency_defaults(db, a, who, &added, e);
}

#define DEFAULTS_LOCK 0x687164656673LL	/* "hqdefs": processes upgrading one PostgreSQL database */

struct upgrade_run {
	int64_t agency;
	int added;
};

static int
upgrade_tx(struct db *db, void *arg, struct err *e)
{
	struct upgrade_run *u = arg;
	struct actor sys = { .agency_id = u->agency, .ip = "cli", .username = "upgrade" };
	struct arena *a = arena_new(64 * 1024);
	int rc;

	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	/* two servers starting at once: the second sees the first's rows, never adds them again */
	rc = db_lock_tx(db, DEFAULTS_LOCK, e) || agency_defaults(db, a, &sys, &u->added, e)
		     ? e->code : 0;
	arena_free(a);
	return rc;
}

int
modules_agency_upgrade(struct db *db, int *added, struct err *e)
{
	struct arena *a = arena_new(4096);
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	*added = 0;
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = org_agency_ids(db, a, &ids, &n, e);
	for (size_t i = 0; !rc && i < n; i++) {
		struct upgrade_run u = { ids[i], 0 };
		rc = db_write_tx(db, upgrade_tx, &u, e);
		*added += rc ? 0 : u.added;
	}
	arena_free(a);
	return rc;
}

struct demo_run {
	struct arena *a;
	const char *prefix;
};

static int
demo_all(struct db *db, void *arg, struct err *e)
{
	const struct demo_run *d = arg;

	for (size_t m = 0; houqin_modules[m]; m++)
		if (houqin_modules[m]->demo && houqin_modules[m]->demo(db, d->a, d->prefix, e))
			return e->code;
	for (size_t m = 0; houqin_modules[m]; m++)
		if (houqin_modules[m]->demo_finish &&
		    houqin_modules[m]->demo_finish(db, d->a, d->prefix, e))
			return e->code;
	return 0;
}

int
modules_demo_seed(struct db *db, const char *prefix, struct err *e)
{
	struct demo_run d = { arena_new(64 * 1024), prefix };
	int rc;

	if (!d.a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_write_tx(db, demo_all, &d, e);
	arena_free(d.a);
	return rc;
}
