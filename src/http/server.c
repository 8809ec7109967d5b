/*
** http/server.c: the only file that talks to libmicrohttpd. Builds struct req
** from MHD callbacks, dispatches, and turns struct resp into an MHD response.
*/
#include "http/server.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/parse.h"
#include "core/workq.h"
#include "db/db.h"
#include "http/req.h"
#include "http/resp.h"
#include "http/router.h"
#include "http/sse.h"
#include "http/static.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define LOG_MOD "http"

static const char csp[] =
	"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

struct server {
	struct MHD_Daemon *d;
	struct server_config cfg;
	struct static_root *web;
	atomic_uint_fast64_t next_id;
	int sse;	/* the event hub was started (http/sse.c) */
	struct workq *prep;	/* the routes' preps (password hashing) run here */
	atomic_int stopping;	/* writes now run on the request thread */
	atomic_int writing;	/* writes queued to the pool's writer, not yet done */
};

/* A queued write's connection: running -> suspended -> done, or running -> done. */
enum { W_RUNNING, W_SUSPENDED, W_DONE };

/* Requests refused before their body is read (answered on the first call). */
enum reject { REJ_NONE, REJ_TOO_LARGE, REJ_NUL, REJ_URI_LONG, REJ_SMUGGLE };

struct ctx {
	struct arena *arena;
	struct buf body;
	int too_large;
	int started;		/* handle() has seen this request */
	enum reject reject;	/* from the raw URI (uri_log) or the headers */
	int64_t t0_us;
	/* a write's request and answer outlive the call that queued it */
	struct server *s;
	struct MHD_Connection *conn;
	struct req rq;
	struct resp rs;
	atomic_int wstate;
};

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct kv_collect {
	struct arena *a;
	struct kv *items;
	int n, cap;
};

static enum MHD_Result
collect_kv(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct kv_collect *c = cls;

	(void)kind;
	if (c->n >= c->cap)
		return MHD_NO;	/* bounded: the rest are ignored */
	c->items[c->n].name = arena_strdup(c->a, key);
	c->items[c->n].value = arena_strdup(c->a, value ? value : "");
	c->n++;
	return MHD_YES;
}

static void
collect(struct MHD_Connection *conn, enum MHD_ValueKind kind, struct arena *a, struct kv **out,
	int *n, int cap)
{
	struct kv_collect c = { a, arena_array(a, (size_t)cap, sizeof(struct kv)), 0, cap };

	if (c.items)
		MHD_get_connection_values(conn, kind, collect_kv, &c);
	*out = c.items;
	*n = c.n;
}

static const char *
peer_ip(struct MHD_Connection *conn, struct arena *a)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "";

	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr,
				  buf, sizeof(buf));
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, buf,
				  sizeof(buf));
	}
	return arena_strdup(a, buf);
}

/* The client's address: the peer's, or its X-Real-IP when the peer is the trusted proxy. */
static const char *
client_ip(const char *proxy, const struct req *rq, struct arena *a)
{
	const char *real = proxy && rq->ip && strcmp(rq->ip, proxy) == 0 ?
				   req_header(rq, "X-Real-IP") : NULL;
	unsigned char addr[sizeof(struct in6_addr)];
	const char *copy;

	if (!real || (inet_pton(AF_INET, real, addr) != 1 && inet_pton(AF_INET6, real, addr) != 1))
		return rq->ip;
	copy = arena_strdup(a, real);
	return copy ? copy : rq->ip;
}

static void
add_common_headers(struct MHD_Response *r, const char *path)
{
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	if (strncmp(path, "/api/", 5) == 0)
		MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result
send_resp(struct MHD_Connection *conn, const struct req *rq, struct resp *rs)
{
	struct MHD_Response *r;
	enum MHD_Result ok;
	int head = strcmp(rq->method, "HEAD") == 0;

	r = MHD_create_response_from_buffer(head ? 0 : rs->len, (void *)(uintptr_t)rs->body,
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	if (rs->content_type)
		MHD_add_response_header(r, "Content-Type", rs->content_type);
	for (int i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
	add_common_headers(r, rq->path);
	ok = MHD_queue_response(conn, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* GET /api/v1/events: the handler opened an event stream; MHD pulls it from sse.c. */
static enum MHD_Result
send_stream(struct MHD_Connection *conn, const struct req *rq, struct resp *rs,
	    struct sse_stream *st)
{
	struct MHD_Response *r = sse_response(st, conn);
	enum MHD_Result ok;

	if (!r)
		return MHD_NO;
	for (int i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
	add_common_headers(r, rq->path);	/* Cache-Control: no-store; never gzip */
	ok = MHD_queue_response(conn, (unsigned)rs->status, r);
	MHD_destroy_response(r);	/* the stream is freed when MHD is done with it */
	return ok;
}

static void
access_line(const struct server *s, const struct req *rq, const struct resp *rs, int64_t us)
{
	if (!s->cfg.access_log)
		return;
	log_msg(LOG_INFO, "access", "user=%" PRId64 " \"%s %s\" %d %" PRId64 "us",
		rq->user ? rq->user->id : 0, rq->method, rq->path, rs->status, us);
}

/*
** The answer to a refused request. Smuggling closes the connection: whatever
** follows the headers may be a request a proxy never saw.
*/
static void
rejected(struct resp *rs, enum reject why)
{
	struct err e = { 0 };

	switch (why) {
	case REJ_NUL:
		err_setx(&e, ERR_INVALID, "bad_uri", NULL, "请求地址含有非法字符（%%00）");
		break;
	case REJ_URI_LONG:
		err_setx(&e, ERR_TOO_LARGE, "uri_too_long", NULL, "请求地址过长（最多 %d 字节）",
			 URI_MAX);
		break;
	case REJ_SMUGGLE:
		err_setx(&e, ERR_INVALID, "bad_request", NULL,
			 "请求的 Content-Length 与 Transfer-Encoding 头重复或冲突");
		break;
	default:
		err_setx(&e, ERR_TOO_LARGE, "too_large", NULL, "请求体过大");
		break;
	}
	resp_error(rs, &e);
	if (why == REJ_URI_LONG)
		rs->status = 414;
	if (why == REJ_SMUGGLE)
		resp_header(rs, "Connection", "close");
}

/* Queue the answer of a finished request and log it. */
static enum MHD_Result
answer(struct server *s, struct MHD_Connection *conn, struct ctx *c)
{
	struct sse_stream *st = sse_take_pending();
	enum MHD_Result ok;

	if (st && c->rs.status == 200) {
		ok = send_stream(conn, &c->rq, &c->rs, st);
	} else {
		sse_discard(st);
		ok = send_resp(conn, &c->rq, &c->rs);
	}
	access_line(s, &c->rq, &c->rs, mono_us() - c->t0_us);
	log_set_request(0);
	return ok;
}

/* The pool's writer thread: the queued write is committed (or undone) and rs is final. */
static void
write_done(void *arg)
{
	struct ctx *c = arg;
	struct server *s = c->s;
	int running = W_RUNNING;

	/* not yet suspended: respond() sees W_DONE and answers; else wake the connection */
	if (!atomic_compare_exchange_strong(&c->wstate, &running, W_DONE)) {
		atomic_store(&c->wstate, W_DONE);
		MHD_resume_connection(c->conn);
	}
	atomic_fetch_sub(&s->writing, 1);	/* the last touch of c on this thread */
}

/* router_dispatch, with writes queued to the writer unless the server is stopping. */
static enum MHD_Result
dispatch(struct server *s, struct MHD_Connection *conn, struct ctx *c)
{
	int running = W_RUNNING;

	atomic_fetch_add(&s->writing, 1);
	if (!router_dispatch(s->cfg.routes, s->cfg.pool, &c->rq, &c->rs,
			     atomic_load(&s->stopping) ? NULL : write_done, c)) {
		atomic_fetch_sub(&s->writing, 1);
		return answer(s, conn, c);
	}
	MHD_suspend_connection(conn);
	if (!atomic_compare_exchange_strong(&c->wstate, &running, W_SUSPENDED))
		MHD_resume_connection(conn);	/* already done: answer on the next call */
	log_set_request(0);
	return MHD_YES;
}

static enum MHD_Result
respond(struct server *s, struct MHD_Connection *conn, struct ctx *c, const char *url,
	const char *method)
{
	struct req *rq = &c->rq;
	struct resp *rs = &c->rs;

	if (atomic_load(&c->wstate) == W_DONE) {	/* resumed after its write */
		log_set_request(rq->id);
		return answer(s, conn, c);
	}
	if (rq->id)
		return MHD_YES;	/* dispatched already: never run a request twice */
	rq->arena = c->arena;
	rs->arena = c->arena;
	rq->id = atomic_fetch_add(&s->next_id, 1) + 1;
	log_set_request(rq->id);
	rq->method = arena_strdup(c->arena, method);
	rq->path = arena_strdup(c->arena, url);
	rq->ip = peer_ip(conn, c->arena);
	collect(conn, MHD_HEADER_KIND, c->arena, &rq->headers, &rq->nheaders, 64);
	rq->ip = client_ip(s->cfg.trusted_proxy, rq, c->arena);
	collect(conn, MHD_GET_ARGUMENT_KIND, c->arena, &rq->query, &rq->nquery,
		QUERY_PARAMS_MAX);
	rq->body = c->body.p;
	rq->body_len = c->body.len;
	if (!rq->method || !rq->path || !rq->headers || !rq->query)
		return MHD_NO;
	rq->lang = rs->lang = req_lang(rq);
	c->s = s;
	c->conn = conn;
	if (c->reject)
		rejected(rs, c->reject);
	else if (c->too_large)
		rejected(rs, REJ_TOO_LARGE);
	else if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0)
		return dispatch(s, conn, c);
	else
		static_serve(s->web, rq, rs);
	return answer(s, conn, c);
}

/* A declared body over the limit is refused before it is read. */
static int
declared_too_large(struct MHD_Connection *conn, size_t max)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
	int64_t n;

	return cl && (parse_i64(cl, 0, INT64_MAX, &n) != 0 || (uint64_t)n > max);
}

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	int *n = cls;

	(void)kind;
	(void)value;
	if (key && (strcasecmp(key, "Content-Length") == 0 ||
		    strcasecmp(key, "Transfer-Encoding") == 0))
		(*n)++;
	return MHD_YES;
}

/*
** More than one framing header (Content-Length with Transfer-Encoding, or
** either twice): a proxy may honour one and MHD another, and what one takes
** for the body the other reads as the next request (smuggling).
*/
static int
two_framings(struct MHD_Connection *conn)
{
	int n = 0;

	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &n);
	return n > 1;
}

/*
** MHD's URI log hook sees the request target before it is unescaped: the
** only place an encoded NUL is visible (MHD's unescaping would cut the path
** there, so "/x%00.png" would reach us as "/x"). Its result becomes the
** request's context.
*/
static void *
uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct ctx *c = calloc(1, sizeof(*c));

	(void)cls;
	(void)conn;
	if (!c)
		return NULL;
	c->t0_us = mono_us();
	if (uri && strlen(uri) > URI_MAX)
		c->reject = REJ_URI_LONG;
	else if (uri && strstr(uri, "%00"))
		c->reject = REJ_NUL;
	return c;
}

/* First call for a request: refuse it now or wait for its body. */
static enum MHD_Result
first_call(struct server *s, struct MHD_Connection *conn, struct ctx *c, const char *url,
	   const char *method)
{
	c->started = 1;
	c->arena = arena_new(8192);
	if (!c->arena)
		return MHD_NO;
	c->body.max = strncmp(url, "/api/", 5) == 0 ?
			      router_body_max(s->cfg.routes, method, url) : BODY_MAX;
	if (!c->reject && two_framings(conn))
		c->reject = REJ_SMUGGLE;
	if (!c->reject && declared_too_large(conn, c->body.max))
		c->too_large = 1;
	if (c->reject || c->too_large)
		return respond(s, conn, c, url, method);
	return MHD_YES;	/* answering on the first call would force Connection: close */
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct server *s = cls;
	struct ctx *c = *con_cls;

	(void)version;
	if (!c) {	/* uri_seen ran out of memory */
		c = uri_seen(NULL, NULL, conn);
		if (!c)
			return MHD_NO;
		*con_cls = c;
	}
	if (!c->started)
		return first_call(s, conn, c, url, method);
	if (*upload_data_size) {
		if (!c->too_large && !c->reject && buf_add(&c->body, upload_data, *upload_data_size))
			c->too_large = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	return respond(s, conn, c, url, method);	/* answered already: respond is a no-op */
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	  enum MHD_RequestTerminationCode toe)
{
	struct ctx *c = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (!c)
		return;
	buf_free(&c->body);
	arena_free(c->arena);
	free(c);
	*con_cls = NULL;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_msg(LOG_WARN, "mhd", "%s", line);
}

/*
** Connections MHD may hold: the fd budget minus room for the database, logs
** and static files. Event streams may take at most half of it, so open tabs
** can never lock the API out.
*/
static unsigned
connection_limit(void)
{
	struct rlimit rl;
	rlim_t n = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		n = rl.rlim_cur == RLIM_INFINITY ? 65536 : rl.rlim_cur;
	if (n > 65536)
		n = 65536;
	return n > 256 ? (unsigned)(n - 128) : 128;
}

/*
** One prep worker per core (argon2id is CPU-bound), at most PREP_THREADS_MAX:
** each running hash holds its 19 MiB (issue #5 keeps the RSS small).
*/
static int
start_preps(struct server *s, struct err *e)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int n = cores < 1 ? 1 : cores > PREP_THREADS_MAX ? PREP_THREADS_MAX : (int)cores;

	if (workq_new(n, PREP_QUEUE_MAX, &s->prep, e))
		return e->code;
	router_set_prep_queue(s->prep);
	return 0;
}

int
server_start(const struct server_config *cfg, struct server **out, struct err *e)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_in sa = { 0 };
	struct err ignored = { 0 };
	unsigned conns = connection_limit();

	if (!s)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	s->cfg = *cfg;
	if (cfg->web_root && static_new(cfg->web_root, &s->web, &ignored))
		log_msg(LOG_WARN, LOG_MOD, "no web ui at %s: run make to build it", cfg->web_root);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(cfg->port);
	if (inet_pton(AF_INET, cfg->addr ? cfg->addr : "127.0.0.1", &sa.sin_addr) != 1) {
		server_stop(s);
		return err_set(e, ERR_INVALID, "listen", "bad listen address");
	}
	if (sse_start(cfg->pool, conns / 2 < SSE_MAX_TOTAL ? (int)(conns / 2) : SSE_MAX_TOTAL,
		      e)) {
		server_stop(s);
		return e->code;
	}
	s->sse = 1;
	if (db_pool_on_commit(cfg->pool, sse_wake, e) || start_preps(s, e)) {
		server_stop(s);
		return e->code;
	}
	/* suspend/resume: idle event streams are parked, not holding a worker */
	s->d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
					MHD_ALLOW_SUSPEND_RESUME,
				0, NULL, NULL,
				handle, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_THREAD_POOL_SIZE,
				(unsigned)(cfg->threads > 0 ? cfg->threads : 1),
				MHD_OPTION_NOTIFY_COMPLETED, completed, s,
				MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
				MHD_OPTION_CONNECTION_LIMIT, conns, MHD_OPTION_END);
	if (!s->d) {
		server_stop(s);
		return err_set(e, ERR_UNAVAILABLE, "listen", "cannot listen on %s:%u",
			       cfg->addr ? cfg->addr : "127.0.0.1", cfg->port);
	}
	*out = s;
	return 0;
}

uint16_t
server_port(const struct server *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);

	return i ? i->port : 0;
}

void
server_stop(struct server *s)
{
	if (!s)
		return;
	if (s->sse)
		sse_shutdown();	/* MHD_stop_daemon must not meet a suspended stream */
	/* nor a connection waiting for its write: later writes run on their thread */
	atomic_store(&s->stopping, 1);
	while (atomic_load(&s->writing) > 0) {
		struct timespec t = { 0, 1000000 };
		nanosleep(&t, NULL);
	}
	if (s->d)
		MHD_stop_daemon(s->d);
	if (s->prep) {	/* drained: every dispatched request has been answered */
		router_set_prep_queue(NULL);
		workq_free(s->prep);
	}
	if (s->sse)
		sse_free();
	static_free(s->web);
	free(s);
}
