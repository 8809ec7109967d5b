/*
** modules/org/org_module.c: the organisation module's descriptor: its routes,
** the user and department history views, the demo agency and `gen --users`.
*/
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "http/router.h"
#include "core/msg.h"
#include "module.h"
#include "modules/org/org.h"

extern const struct route org_routes[];	/* org_api.c */
extern const struct msg org_msg[];	/* org_msg.c */

/* org_user_get applies the agency scope and hides deleted users. */
static int
user_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct err *e)
{
	struct user u;

	return org_user_get(db, a, who, id, &u, e);
}

static int
dept_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct err *e)
{
	struct dept d;

	return org_dept_get(db, a, who, id, &d, e);
}

static const struct module_history history[] = {
	{ "user", ORG_READERS, user_visible },
	{ "department", ORG_READERS, dept_visible },
	{ 0 }
};

struct gen_users {
	const struct gen_ctx *ctx;
	int64_t n;
};

static int
gen_users_tx(struct db *db, void *arg, struct err *e)
{
	const struct gen_users *g = arg;

	return org_gen_users(db, g->ctx->agency_id, g->n, g->ctx->seed, g->ctx->password, e);
}

/* Its own transaction, so later generators (work orders) pick the new requesters. */
static int
gen_users(struct db *db, const struct gen_ctx *ctx, int64_t n, struct err *e)
{
	struct gen_users g = { ctx, n };

	if (auth_password_policy(ctx->password, "password", e))
		return e->code;
	return db_write_tx(db, gen_users_tx, &g, e);
}

static const struct module_gen gen = { "users", 1000000, "users", gen_users };

const struct module org_module = {
	.name = "org",
	.routes = org_routes,
	.messages = org_msg,
	.history = history,
	.demo = org_demo_seed,
	.gen = &gen,
};
