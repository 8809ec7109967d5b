/*
** http/sse.c: the event-stream hub (see sse.h for the design). Owns every open
** stream, the hub thread that resumes them, and the MHD content reader that
** writes their events. Locking: hub.mu guards the stream list and each
** stream's flags (suspended, news, tick, closing, due); a stream's buffer and
** last_id belong to the MHD worker running its reader. MHD_suspend_connection
** and MHD_resume_connection are only called with hub.mu held, so a stream is
** never resumed unless it is suspended and never missed while it suspends.
** (MHD calls back into this file without holding its own locks.)
*/
#include "http/sse.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/notify.h"
#include "db/db.h"
#include "http/req.h"
#include "http/resp.h"
#include "http/session.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include <microhttpd.h>

#define LOG_MOD "sse"
#define TOKEN_MAX 128			/* session/bearer tokens are 64 hex chars */
#define OUT_MAX (1024 * 1024)		/* a stream's pending bytes */
#define OUT_CHUNK (64 * 1024)		/* stop reading events past this much */
#define IDLE_KEEP 4096			/* buffer kept by an idle stream */
#define SCAN_BATCH 500
#define SCAN_ROUNDS 20

enum { OPEN = 0, END_CLEAN = 1, END_GONE = 2 };

struct sse_stream {
	struct sse_stream *prev, *next;
	int64_t user_id, agency_id;
	int bearer;
	int lang;			/* enum lang of the request that opened it */
	sse_visible_fn visible;
	char token[TOKEN_MAX + 1];
	struct MHD_Connection *conn;	/* set once by sse_response */
	int fd;
	/* under hub.mu */
	int suspended, news, tick, closing;
	int64_t due_ms;			/* next keepalive + session check */
	int keepalive_ms;
	/* the reader's own */
	int64_t last_id;
	struct buf out;
	size_t off;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	pthread_t thread;
	int running, stopping, wake;
	struct db_pool *pool;
	int max_total, count;
	struct sse_stream *list;
	int64_t event_head;		/* hub thread only, after start */
	int scan_failing;
} hub = { .mu = PTHREAD_MUTEX_INITIALIZER };

static _Thread_local struct sse_stream *pending;
static atomic_int keepalive_ms = SSE_KEEPALIVE_MS;

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * SECOND_MS + ts.tv_nsec / 1000000;
}

/* hub.mu held. */
static void
resume(struct sse_stream *st)
{
	if (st->suspended) {
		st->suspended = 0;
		MHD_resume_connection(st->conn);
	}
}

/* hub.mu held. */
static void
unlink_stream(struct sse_stream *st)
{
	if (st->prev)
		st->prev->next = st->next;
	else
		hub.list = st->next;
	if (st->next)
		st->next->prev = st->prev;
	st->prev = st->next = NULL;
	hub.count--;
}

static void
release(struct sse_stream *st)
{
	pthread_mutex_lock(&hub.mu);
	unlink_stream(st);
	pthread_mutex_unlock(&hub.mu);
	buf_free(&st->out);
	sodium_memzero(st->token, sizeof(st->token));
	free(st);
}

/* The credential the request authenticated with, as session_resolve read it. */
static const char *
credential(const struct req *rq, int *bearer)
{
	const char *authz = req_header(rq, "Authorization");

	*bearer = authz && strncasecmp(authz, "Bearer ", 7) == 0;
	return *bearer ? authz + 7 : req_cookie(rq, SESSION_COOKIE);
}

static int
user_streams(int64_t user_id)
{
	int n = 0;

	for (const struct sse_stream *s = hub.list; s; s = s->next)
		n += s->user_id == user_id;
	return n;
}

int
sse_open(struct req *rq, struct resp *rs, int64_t after, sse_visible_fn visible, struct err *e)
{
	struct sse_stream *st;
	const char *tok;
	int bearer, rc = 0;

	if (!rq->user)
		return err_setx(e, ERR_UNAUTH, "unauthorized", NULL, "请先登录");
	tok = credential(rq, &bearer);
	if (!tok || !*tok || strlen(tok) > TOKEN_MAX)
		return err_setx(e, ERR_UNAUTH, "unauthorized", NULL, "请先登录");
	st = calloc(1, sizeof(*st));
	if (!st)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	st->user_id = rq->user->id;
	st->agency_id = rq->user->agency_id;
	st->lang = rq->lang;
	st->bearer = bearer;
	st->visible = visible;
	memcpy(st->token, tok, strlen(tok) + 1);
	st->fd = -1;
	st->last_id = after;
	st->news = 1;	/* the backlog after `after` */
	st->out.max = OUT_MAX;
	if (buf_printf(&st->out, "retry: %d\nid: %" PRId64 "\nevent: ready\ndata: {}\n\n",
		       SSE_RETRY_MS, after)) {
		free(st);
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	pthread_mutex_lock(&hub.mu);
	if (!hub.running || hub.stopping)
		rc = err_setx(e, ERR_UNAVAILABLE, "sse_unavailable", NULL, "实时通道暂不可用");
	else if (hub.count >= hub.max_total)
		rc = err_setx(e, ERR_RATE, "sse_full", NULL, "实时连接数已达上限，请稍后再试");
	else if (user_streams(st->user_id) >= SSE_MAX_PER_USER)
		rc = err_setx(e, ERR_RATE, "too_many_streams", NULL,
			      "打开的页面过多（最多 %d 个实时连接），请关闭部分页面",
			      SSE_MAX_PER_USER);
	if (!rc) {
		st->keepalive_ms = atomic_load(&keepalive_ms);
		st->due_ms = mono_ms() + st->keepalive_ms;
		st->next = hub.list;
		if (hub.list)
			hub.list->prev = st;
		hub.list = st;
		hub.count++;
	}
	pthread_mutex_unlock(&hub.mu);
	if (rc) {
		buf_free(&st->out);
		sodium_memzero(st->token, sizeof(st->token));
		free(st);
		return rc;
	}
	if (pending)	/* cannot happen: one request at a time per thread */
		sse_discard(pending);
	pending = st;
	return resp_body(rs, 200, "text/event-stream; charset=utf-8", "", 0);
}

struct sse_stream *
sse_take_pending(void)
{
	struct sse_stream *st = pending;

	pending = NULL;
	return st;
}

void
sse_discard(struct sse_stream *st)
{
	if (st)
		release(st);
}

void
sse_set_keepalive_ms(int ms)
{
	atomic_store(&keepalive_ms, ms > 0 ? ms : SSE_KEEPALIVE_MS);
}

void
sse_wake(void)
{
	pthread_mutex_lock(&hub.mu);
	if (hub.running && hub.count > 0) {
		hub.wake = 1;
		pthread_cond_signal(&hub.cond);
	}
	pthread_mutex_unlock(&hub.mu);
}

/* --- the content reader (runs on the MHD worker owning the connection) --- */

/*
** The stream's caller as its session or token admits them now (roles may
** have changed since it opened), strings in a. 0; ERR_UNAUTH when they no
** longer may (logged out, expired, locked, another user); else the error.
*/
static int
caller(struct db *db, struct arena *a, const struct sse_stream *st, struct actor *who)
{
	struct err e = { 0 };
	int touch = 0, rc;

	*who = (struct actor){ 0 };
	rc = st->bearer ? auth_token_lookup(db, a, st->token, who, &e)
			: auth_session_lookup(db, a, st->token, who, &touch, &e);
	if (!rc && who->id != st->user_id)
		rc = ERR_UNAUTH;
	return rc;
}

/* 0 when the stream's session or token no longer admits its user. */
static int
session_ok(const struct sse_stream *st)
{
	struct arena *a = arena_new(2048);
	struct actor who;
	struct db *db;
	int rc;

	if (!a)
		return 1;	/* not the user's fault: check again next time */
	db = db_pool_reader(hub.pool);
	rc = caller(db, a, st, &who);
	db_pool_release(hub.pool, db);
	arena_free(a);
	return rc != ERR_UNAUTH;	/* a storage hiccup does not log anybody out */
}

/*
** 1 when ev may go to who: the user's own inbox events always; an event
** about a record only when the record's module lets who read it.
*/
static int
may_send(struct db *db, struct arena *a, const struct sse_stream *st, const struct actor *who,
	 const struct notify_event *ev)
{
	if (ev->user_id && ev->user_id != st->user_id)
		return 0;	/* the queue's query excludes it: never trust one place alone */
	if (!ev->entity)
		return 1;
	if (ev->user_id == st->user_id &&
	    (strcmp(ev->type, "notification") == 0 || strcmp(ev->entity, "notification") == 0))
		return 1;
	return st->visible ? st->visible(db, a, who, ev->entity, ev->entity_id) : 0;
}

/*
** Append the events after st->last_id to st->out. 1 when more may be waiting,
** 0 when caught up, negative on a storage error.
*/
static int
fill(struct sse_stream *st)
{
	struct arena *a = arena_new(16384);
	struct notify_event *ev = NULL;
	struct actor who;
	struct err e = { 0 };
	struct db *db;
	size_t n = 0, i;
	int rc;

	if (!a)
		return ERR_NOMEM;
	db = db_pool_reader(hub.pool);
	rc = notify_events_for(db, a, st->user_id, st->agency_id, st->last_id, SSE_BATCH,
			       st->lang, &ev, &n, &e);
	if (!rc && n > 0) {
		rc = caller(db, a, st, &who);
		if (rc)
			err_set(&e, rc, NULL, "caller lookup failed");
	}
	for (i = 0; !rc && i < n && st->out.len < OUT_CHUNK; i++) {
		int ok = may_send(db, a, st, &who, &ev[i]);
		if (ok < 0) {
			rc = err_set(&e, ok, NULL, "visibility check of %s failed", ev[i].entity);
			break;
		}
		/* data must be one line: our payloads are compact JSON, never multi-line */
		if (ok && !strpbrk(ev[i].payload, "\r\n") &&
		    buf_printf(&st->out, "id: %" PRId64 "\nevent: %s\ndata: %s\n\n", ev[i].id,
			       ev[i].type, ev[i].payload) != 0) {
			if (st->out.len > 0)
				break;	/* send what we have, then this one */
			log_msg(LOG_WARN, LOG_MOD, "event %" PRId64 " too large, skipped", ev[i].id);
		}
		st->last_id = ev[i].id;
	}
	db_pool_release(hub.pool, db);
	arena_free(a);
	if (rc) {
		if (rc != ERR_UNAUTH)	/* a logged-out stream just ends */
			log_msg(LOG_WARN, LOG_MOD, "cannot read events for user %" PRId64 ": %s",
				st->user_id, e.msg);
		return rc;
	}
	return i < n || n == SSE_BATCH;
}

static ssize_t
drain(struct sse_stream *st, char *dst, size_t max)
{
	size_t n = st->out.len - st->off;

	if (n > max)
		n = max;
	memcpy(dst, st->out.p + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static ssize_t
reader(void *cls, uint64_t pos, char *dst, size_t max)
{
	struct sse_stream *st = cls;
	int news, tick, closing;

	(void)pos;
	for (;;) {
		if (st->off < st->out.len)
			return drain(st, dst, max);
		st->out.len = 0;
		st->off = 0;
		pthread_mutex_lock(&hub.mu);
		closing = hub.stopping ? END_CLEAN : st->closing;
		news = st->news;
		tick = st->tick;
		st->news = st->tick = 0;
		if (!closing && !news && !tick) {
			if (st->out.cap > IDLE_KEEP)
				buf_free(&st->out);	/* a burst's buffer is not kept while idle */
			st->suspended = 1;
			MHD_suspend_connection(st->conn);	/* allowed from a content reader */
			pthread_mutex_unlock(&hub.mu);
			return 0;
		}
		pthread_mutex_unlock(&hub.mu);
		if (closing)	/* a gone client too: END_WITH_ERROR would log a warning per tab */
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (tick && !session_ok(st))
			return MHD_CONTENT_READER_END_OF_STREAM;	/* EventSource retries: 401 */
		if (news) {
			int more = fill(st);
			if (more < 0)
				return MHD_CONTENT_READER_END_OF_STREAM;	/* resumes by Last-Event-ID */
			if (more) {
				pthread_mutex_lock(&hub.mu);
				st->news = 1;
				pthread_mutex_unlock(&hub.mu);
			}
		}
		if (tick && st->out.len == 0 && buf_adds(&st->out, ": keepalive\n\n"))
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
}

static void
free_stream(void *cls)
{
	release(cls);
}

struct MHD_Response *
sse_response(struct sse_stream *st, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct MHD_Response *r;

	pthread_mutex_lock(&hub.mu);
	st->conn = conn;
	st->fd = ci ? ci->connect_fd : -1;
	pthread_mutex_unlock(&hub.mu);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, reader, st,
					      free_stream);
	if (!r) {
		release(st);
		return NULL;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");	/* no proxy buffering */
	return r;
}

/* --- the hub thread --- */

/* Look for committed events past hub.event_head and resume their streams. */
static void
scan(void)
{
	for (int round = 0; round < SCAN_ROUNDS; round++) {
		struct arena *a = arena_new(16384);
		struct notify_event_ref *refs = NULL;
		struct err e = { 0 };
		struct db *db;
		size_t n = 0;
		int rc;

		if (!a)
			return;
		db = db_pool_reader(hub.pool);
		rc = notify_event_scan(db, a, hub.event_head, SCAN_BATCH, &refs, &n, &e);
		db_pool_release(hub.pool, db);
		if (rc) {
			if (!hub.scan_failing)
				log_msg(LOG_WARN, LOG_MOD, "cannot scan events: %s", e.msg);
			hub.scan_failing = 1;
			arena_free(a);
			return;
		}
		hub.scan_failing = 0;
		pthread_mutex_lock(&hub.mu);
		for (struct sse_stream *st = hub.list; n && st; st = st->next) {
			for (size_t i = 0; !st->news && i < n; i++) {
				if (refs[i].user_id ? refs[i].user_id == st->user_id
						    : refs[i].agency_id == st->agency_id) {
					st->news = 1;
					resume(st);
				}
			}
		}
		if (n)
			hub.event_head = refs[n - 1].id;
		pthread_mutex_unlock(&hub.mu);
		arena_free(a);
		if (n < SCAN_BATCH)
			return;
	}
}

/* hub.mu held: keepalives that are due, and suspended streams whose client left. */
static void
housekeep(int64_t now)
{
	char c;

	for (struct sse_stream *st = hub.list; st; st = st->next) {
		if (now >= st->due_ms) {
			st->due_ms = now + st->keepalive_ms;
			st->tick = 1;
			resume(st);
		} else if (st->suspended && st->fd >= 0) {
			/* MHD does not watch a suspended socket; an EOF here is a closed tab */
			ssize_t r = recv(st->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
				       errno != EINTR)) {
				st->closing = END_GONE;
				resume(st);
			}
		}
	}
}

static void
prune(void)
{
	struct db *w = db_pool_writer(hub.pool);
	struct err e = { 0 };
	int64_t n = 0;
	int rc = db_begin_write(w, &e);

	if (!rc) {
		rc = notify_prune_events(w, now_ms() - NOTIFY_EVENT_KEEP_MS, &n, &e);
		if (rc)
			db_rollback(w);
		else
			rc = db_commit(w, &e);
	}
	db_pool_writer_unlock(hub.pool);
	if (rc)
		log_msg(LOG_WARN, LOG_MOD, "cannot prune events: %s", e.msg);
	else if (n)
		log_msg(LOG_INFO, LOG_MOD, "pruned %" PRId64 " old events", n);
}

static void *
hub_main(void *arg)
{
	int64_t next_house = mono_ms() + SSE_POLL_MS, next_prune = mono_ms() + MINUTE_MS;
	struct timespec until;

	(void)arg;
	pthread_mutex_lock(&hub.mu);
	while (!hub.stopping) {
		int64_t now = mono_ms();
		if (!hub.wake && now < next_house) {
			int64_t wait = next_house;
			until.tv_sec = (time_t)(wait / 1000);
			until.tv_nsec = (long)(wait % 1000) * 1000000L;
			pthread_cond_timedwait(&hub.cond, &hub.mu, &until);
			continue;
		}
		hub.wake = 0;
		if (now >= next_house) {
			housekeep(now);
			next_house = now + SSE_POLL_MS;
		}
		pthread_mutex_unlock(&hub.mu);
		scan();
		if (now >= next_prune) {
			prune();
			next_prune = now + SSE_PRUNE_MS;
		}
		pthread_mutex_lock(&hub.mu);
	}
	pthread_mutex_unlock(&hub.mu);
	return NULL;
}

int
sse_start(struct db_pool *pool, int max_total, struct err *e)
{
	pthread_condattr_t ca;
	struct err ignored = { 0 };
	struct db *db;
	int64_t head = 0;
	int rc = 0;

	db = db_pool_reader(pool);
	if (notify_event_head(db, &head, &ignored))
		log_msg(LOG_WARN, LOG_MOD, "cannot read the event queue: %s", ignored.msg);
	db_pool_release(pool, db);
	pthread_mutex_lock(&hub.mu);
	if (hub.running) {
		pthread_mutex_unlock(&hub.mu);
		return err_set(e, ERR_CONFLICT, NULL, "an event hub already runs in this process");
	}
	hub.pool = pool;
	hub.max_total = max_total > 0 ? max_total : 1;
	hub.stopping = hub.wake = hub.count = hub.scan_failing = 0;
	hub.list = NULL;
	hub.event_head = head;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&hub.cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&hub.thread, NULL, hub_main, NULL) != 0) {
		pthread_cond_destroy(&hub.cond);
		rc = err_set(e, ERR_NOMEM, NULL, "cannot start the event hub thread");
	} else {
		hub.running = 1;
	}
	pthread_mutex_unlock(&hub.mu);
	return rc;
}

void
sse_shutdown(void)
{
	pthread_mutex_lock(&hub.mu);
	if (!hub.running || hub.stopping) {
		pthread_mutex_unlock(&hub.mu);
		return;
	}
	hub.stopping = 1;
	for (struct sse_stream *st = hub.list; st; st = st->next) {
		st->closing = END_CLEAN;
		resume(st);
	}
	pthread_cond_broadcast(&hub.cond);
	pthread_mutex_unlock(&hub.mu);
	pthread_join(hub.thread, NULL);
}

void
sse_free(void)
{
	pthread_mutex_lock(&hub.mu);
	if (!hub.running) {
		pthread_mutex_unlock(&hub.mu);
		return;
	}
	if (hub.list)	/* MHD_stop_daemon destroyed every response: a bug if not */
		log_msg(LOG_ERROR, LOG_MOD, "%d event streams left at shutdown", hub.count);
	hub.running = 0;
	hub.pool = NULL;
	pthread_cond_destroy(&hub.cond);
	pthread_mutex_unlock(&hub.mu);
}
