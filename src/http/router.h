/*
** http/router.h: the route table format and dispatch. routes.c owns THE table;
** the router matches against it as data, resolves the caller, checks CSRF and
** roles in one place, and owns the write transaction: BEGIN IMMEDIATE before
** an R_WRITE handler, COMMIT when it returns 0, ROLLBACK otherwise.
*/
#ifndef HOUQIN_ROUTER_H
#define HOUQIN_ROUTER_H

#include <stddef.h>

struct req;
struct resp;
struct err;
struct db_pool;

typedef int (*route_fn)(struct req *rq, struct resp *rs, struct err *e);

enum route_flags {
	R_WRITE = 1 << 0,	/* runs in the writer's transaction */
	R_PUBLIC = 1 << 1,	/* no session needed (login, health) */
};

#define ANY_USER 0u	/* roles value: any authenticated user */

struct route {
	const char *method;
	const char *pattern;	/* "/api/v1/users/:id/roles" */
	route_fn fn;
	unsigned roles;		/* role bits allowed; ANY_USER = every logged-in user */
	unsigned flags;
	const char *summary;	/* for docs / OpenAPI */
};

struct route_table {
	const struct route *routes;
	size_t n;
};

/*
** Match path against pattern; fills params (pointers into the arena copy of
** path) and returns 1 on a match. Exposed for unit tests.
*/
int route_match(const char *pattern, const char *path, struct req *rq);

/* Serve one /api request end to end into rs (never fails: errors are rendered). */
void router_dispatch(const struct route_table *t, struct db_pool *pool, struct req *rq,
		     struct resp *rs);

#endif
