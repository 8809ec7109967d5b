/*
** http/router.h: the route table format and dispatch. Each module owns its
** table (src/modules/<d>/<d>_api.c); modules_routes() joins them; the router
** matches against it as data, resolves the caller, checks CSRF and
** roles in one place, and owns the write transaction: an R_WRITE handler runs
** in a savepoint of the writer's transaction, kept when it returns 0 and
** undone otherwise, and is answered only once committed.
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
	R_RANGE = 1 << 2,	/* reads ?from=&to= through req_time_range (OpenAPI says so) */
	R_BEFORE_PW_CHANGE = 1 << 3,	/* open to a caller who must change a reset password */
};

#define ANY_USER 0u	/* roles value: any authenticated user */

struct field;
struct export_col;

/*
** One row of THE route table. Trailing members may be omitted (zero):
** body: the JSON input spec the handler validates with (OpenAPI documents it);
** cols: columns for ?format=csv|xlsx on list routes (NULL = no export);
** body_max: request body limit in bytes (0 = BODY_MAX; uploads set more);
** prep: for an R_WRITE route, slow pure work (password hashing) run before the
** write, off the writer thread, with a reader in rq->db; it leaves its result
** in rq->prep for fn. An error it returns is the answer and nothing is written.
** The write must re-check what prep read (the data may move in between).
** A prep runs on a worker of the prep queue (router_set_prep_queue) while the
** connection waits, never on a request thread nor the writer; it should give
** its reader back (router_release_reader) before its slow part.
*/
struct route {
	const char *method;
	const char *pattern;	/* "/api/v1/users/:id/roles" */
	route_fn fn;
	unsigned roles;		/* role bits allowed; ANY_USER = every logged-in user */
	unsigned flags;
	const char *summary;	/* Chinese one-liner for docs / OpenAPI */
	const struct field *body;
	const struct export_col *cols;
	size_t body_max;
	route_fn prep;
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

/* Body limit of the route matching method and path (BODY_MAX when none sets more). */
size_t router_body_max(const struct route_table *t, const char *method, const char *path);

/* Called on the writer's (or a prep worker's) thread once a queued write's rs is final. */
typedef void (*router_done_fn)(void *arg);
/*
** Serve one /api request into rs (never fails: errors are rendered). Returns
** 0 when rs is final. An R_WRITE route's handler is queued to the pool's
** writer thread, which group-commits it with other writes (db_pool_submit):
** then it returns 1, and done(arg) is called on that thread once the write is
** committed or undone and rs is final; rq and rs must live until then. A
** route with a prep has it run first on the prep queue's workers (then done
** may run on a worker, when the prep fails); a full queue is a final 503
** with Retry-After. With done NULL the prep and the write run on the
** calling thread, the write in its own transaction.
*/
int router_dispatch(const struct route_table *t, struct db_pool *pool, struct req *rq,
		    struct resp *rs, router_done_fn done, void *arg);

struct workq;
/* The workers that run preps (server.c, at start; NULL at stop: preps run inline). */
void router_set_prep_queue(struct workq *q);
/* Give back the reader a prep was given (rq->db becomes NULL) before slow work. */
void router_release_reader(struct req *rq);

#endif
