/*
** http/router.c: route matching, caller resolution, CSRF, role check and the
** router-owned write transaction.
*/
#include "http/router.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/export.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/workq.h"
#include "db/db.h"
#include "http/req.h"
#include "http/resp.h"
#include "http/session.h"
#include "http/sse.h"

#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#define LOG_MOD "router"

static _Atomic(struct workq *) prep_q;	/* the preps' workers (server.c starts them) */

void
router_set_prep_queue(struct workq *q)
{
	atomic_store(&prep_q, q);
}

/* The reader this thread borrowed for a request, so a prep may give it back early. */
static _Thread_local struct db_pool *held_pool;
static _Thread_local struct db *held;

static struct db *
reader_take(struct db_pool *pool)
{
	held_pool = pool;
	held = db_pool_reader(pool);
	return held;
}

static void
reader_give(void)
{
	if (held)
		db_pool_release(held_pool, held);
	held = NULL;
}

void
router_release_reader(struct req *rq)
{
	if (rq->db && rq->db == held) {
		reader_give();
		rq->db = NULL;
	}
}

int
route_match(const char *pattern, const char *path, struct req *rq)
{
	const char *p = pattern, *s = path;
	int n = 0;

	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t sl = se ? (size_t)(se - s) : strlen(s);
		if (pl > 0 && p[0] == ':') {
			if (sl == 0 || n >= PATH_PARAMS_MAX)
				return 0;
			if (rq)
				rq->params[n] = arena_strndup(rq->arena, s, sl);
			n++;
		} else if (pl != sl || strncmp(p, s, pl) != 0) {
			return 0;
		}
		p += pl;
		s += sl;
	}
	if (*p || *s)
		return 0;
	if (rq)
		rq->nparams = n;
	return 1;
}

static int
is_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

/* Find the route; ERR_NOT_FOUND when no pattern matches, ERR_METHOD when only the method differs. */
static int
find_route(const struct route_table *t, struct req *rq, const struct route **out, struct err *e)
{
	int path_seen = 0;
	const char *m = strcmp(rq->method, "HEAD") == 0 ? "GET" : rq->method;

	for (size_t i = 0; i < t->n; i++) {
		if (!route_match(t->routes[i].pattern, rq->path, NULL))
			continue;
		path_seen = 1;
		if (strcmp(t->routes[i].method, m) == 0) {
			route_match(t->routes[i].pattern, rq->path, rq);
			*out = &t->routes[i];
			return 0;
		}
	}
	if (path_seen)
		return err_setx(e, ERR_METHOD, "method_not_allowed", NULL, "不支持 %s 方法", rq->method);
	return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "接口不存在");
}

size_t
router_body_max(const struct route_table *t, const char *method, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->routes[i].body_max && strcmp(t->routes[i].method, method) == 0 &&
		    route_match(t->routes[i].pattern, path, NULL))
			return t->routes[i].body_max;
	return BODY_MAX;
}

static int
check_csrf(const struct req *rq, struct err *e)
{
	const char *tok = req_header(rq, "X-CSRF-Token");
	const char *want = rq->user ? rq->user->csrf_token : NULL;

	if (!rq->via_cookie || is_safe_method(rq->method))
		return 0;
	if (!tok || !want || strlen(tok) != strlen(want) ||
	    sodium_memcmp(tok, want, strlen(want)) != 0)
		return err_setx(e, ERR_FORBIDDEN, "csrf", NULL, "缺少或错误的 CSRF 令牌，请刷新页面");
	return 0;
}

static int
authorize(const struct route *r, struct req *rq, struct err *e)
{
	if (!rq->user) {
		if (r->flags & R_PUBLIC)
			return 0;
		return err_setx(e, ERR_UNAUTH, "unauthorized", NULL, "请先登录");
	}
	if (check_csrf(rq, e))
		return e->code;
	if (rq->user->must_change_password && !(r->flags & R_BEFORE_PW_CHANGE))
		return err_setx(e, ERR_FORBIDDEN, "password_change_required", NULL,
				"密码已被管理员重置，请先修改密码");
	if (r->roles != ANY_USER && !actor_has(rq->user, r->roles))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "没有权限执行此操作");
	return 0;
}

/*
** ?format=csv|xlsx: only on GET routes with export columns. Marks the request
** (req_page then returns every row up to EXPORT_MAX) and asks resp_json to keep
** the list for resp_export.
*/
static int
export_format(const struct route *r, struct req *rq, struct resp *rs, struct err *e)
{
	const char *f = req_query(rq, "format");

	if (!f || !*f)
		return 0;
	if (!r->cols || strcmp(r->method, "GET") != 0)
		return err_set(e, ERR_INVALID, "format", "此接口不支持导出");
	if (strcmp(f, "csv") == 0)
		rq->export_format = EXPORT_CSV;
	else if (strcmp(f, "xlsx") == 0)
		rq->export_format = EXPORT_XLSX;
	else
		return err_set(e, ERR_INVALID, "format", "导出格式应为 csv 或 xlsx");
	rs->keep_json = 1;
	return 0;
}

/* A write for the pool's writer thread (db_pool_submit); lives in the request arena. */
struct write_job {
	struct db_write w;
	const struct route *r;
	struct req *rq;
	struct resp *rs;
	router_done_fn done;
	void *arg;
};

static int
write_run(struct db *w, void *arg, struct err *e)
{
	struct write_job *j = arg;
	int rc;

	log_set_request(j->rq->id);
	j->rq->db = w;
	rc = j->r->fn(j->rq, j->rs, e);
	j->rq->db = NULL;
	return rc;
}

/* Render an error (a 5xx is logged) and the session cookie: rs is final. */
static void
finish(struct req *rq, struct resp *rs, int rc, struct err *e)
{
	if (rc) {
		if (resp_status_for(rc) >= 500)
			log_msg(LOG_ERROR, LOG_MOD, "%s %s failed: %s", rq->method, rq->path, e->msg);
		if (!e->code)
			e->code = rc;
		rs->nheaders = 0;
		rs->keep_json = 0;
		resp_error(rs, e);
	}
	if (rq->set_cookie)
		resp_header(rs, "Set-Cookie", rq->set_cookie);
}

static void
write_done(void *arg, int rc, const struct err *e)
{
	struct write_job *j = arg;
	struct err copy = *e;

	log_set_request(j->rq->id);
	if (!rc)
		sse_wake();	/* committed: open event streams look for new events */
	finish(j->rq, j->rs, rc, &copy);
	log_set_request(0);
	if (j->done)
		j->done(j->arg);
}

/* Queue (or with no done, run now) an R_WRITE route's handler. 0 or ERR_NOMEM. */
static int
queue_write(const struct route *r, struct db_pool *pool, struct req *rq, struct resp *rs,
      router_done_fn done, void *arg, struct err *e)
{
	struct write_job *j = arena_alloc(rq->arena, sizeof(*j));

	if (!j)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	*j = (struct write_job){ .w = { .fn = write_run, .done = write_done, .arg = j },
				 .r = r, .rq = rq, .rs = rs, .done = done, .arg = arg };
	if (done)
		db_pool_submit(pool, &j->w);
	else
		db_pool_write_now(pool, &j->w);
	return 0;
}

/* A prep for the workers (prep_q); lives in the request arena. */
struct prep_job {
	const struct route *r;
	struct db_pool *pool;
	struct req *rq;
	struct resp *rs;
	router_done_fn done;
	void *arg;
};

/* On a worker: the prep with a reader of its own, then the write is queued. */
static void
prep_run(void *arg)
{
	struct prep_job *j = arg;
	struct err e = { 0 };
	int rc;

	log_set_request(j->rq->id);
	j->rq->db = reader_take(j->pool);
	rc = j->r->prep(j->rq, j->rs, &e);
	reader_give();
	j->rq->db = NULL;
	if (!rc)
		rc = queue_write(j->r, j->pool, j->rq, j->rs, j->done, j->arg, &e);
	if (rc) {
		finish(j->rq, j->rs, rc, &e);
		j->done(j->arg);	/* j may be gone after this */
	}
	log_set_request(0);
}

/* Hand the prep to a worker: 1 when queued; 0 with a final 503 when its queue is full. */
static int
queue_prep(struct workq *q, const struct route *r, struct db_pool *pool, struct req *rq,
	   struct resp *rs, router_done_fn done, void *arg)
{
	struct prep_job *j = arena_alloc(rq->arena, sizeof(*j));
	struct err e = { 0 };

	reader_give();	/* the worker borrows its own */
	rq->db = NULL;
	if (j) {
		*j = (struct prep_job){ r, pool, rq, rs, done, arg };
		if (workq_submit(q, prep_run, j) == 0)
			return 1;
	}
	/* a 503 with Retry-After (resp_error), logged by finish */
	finish(rq, rs, err_set(&e, ERR_UNAVAILABLE, NULL, "the prep queue is full"), &e);
	return 0;
}

int
router_dispatch(const struct route_table *t, struct db_pool *pool, struct req *rq,
		struct resp *rs, router_done_fn done, void *arg)
{
	const struct route *r = NULL;
	struct workq *q = atomic_load(&prep_q);
	struct err e = { 0 };
	int rc;

	rq->db = reader_take(pool);
	rc = find_route(t, rq, &r, &e);
	if (!rc) {
		rc = session_resolve(pool, rq, &e);
		rs->lang = rq->lang;	/* the user's saved language, if any */
		if (rc == ERR_UNAUTH && (r->flags & R_PUBLIC)) {
			err_clear(&e);	/* a stale cookie must not block login */
			rc = 0;
		}
	}
	if (!rc)
		rc = authorize(r, rq, &e);
	if (!rc)
		rc = export_format(r, rq, rs, &e);
	if (!rc && r->prep && (r->flags & R_WRITE) && done && q)
		return queue_prep(q, r, pool, rq, rs, done, arg);
	if (!rc && r->prep)
		rc = r->prep(rq, rs, &e);	/* synchronous callers: inline */
	if (!rc && (r->flags & R_WRITE)) {
		reader_give();	/* the write has the writer's connection */
		rq->db = NULL;
		rc = queue_write(r, pool, rq, rs, done, arg, &e);
		if (rc == 0)
			return !!done;
		finish(rq, rs, rc, &e);
		return 0;
	}
	if (!rc)
		rc = r->fn(rq, rs, &e);
	if (!rc && rq->export_format && rs->status == 200)
		rc = resp_export(rs, rq->export_format, r->cols, r->summary, &e);
	finish(rq, rs, rc, &e);
	reader_give();
	return 0;
}
