/*
** http/sse.h: Server-Sent Events for GET /api/v1/events without a thread per
** open tab. Each stream is an MHD callback response whose connection is
** suspended while there is nothing to send (MHD_ALLOW_SUSPEND_RESUME), so an
** idle stream holds a socket and MHD's per-connection buffers, never a worker
** thread or a db handle.
**
** One hub per process (started by server_start) owns the open streams and a
** thread that resumes a stream when
**   - an event for it was committed: sse_wake() after every write COMMIT in
**     the router, plus a cheap poll of the event table every SSE_POLL_MS (so
**     writers outside the router, the CLI or another process, need nothing);
**   - SSE_KEEPALIVE_MS passed: the stream sends ": keepalive" and re-checks
**     its session (logged out, expired or locked: the stream ends);
**   - the client went away (checked every SSE_POLL_MS on suspended sockets);
**   - the server stops (sse_shutdown: every stream ends at once).
** A resumed stream reads its events (id > its last id) on the MHD worker that
** owns it, writes them and suspends again.
**
** Wire format, one block per event:
**   id: <event id>\nevent: notification|changed\ndata: <payload JSON>\n\n
** and first a "ready" event whose id is the resume point, so an EventSource
** that reconnects sends a meaningful Last-Event-ID even before any event.
**
** server.c is the only caller of the MHD-facing half (sse_start, sse_shutdown,
** sse_free, sse_take_pending, sse_response, sse_discard); handlers use
** sse_open; the router uses sse_wake. MHD types stay opaque here.
*/
#ifndef HOUQIN_SSE_H
#define HOUQIN_SSE_H

#include "core/clock.h"

#include <stdint.h>

struct req;
struct resp;
struct err;
struct db_pool;
struct sse_stream;
struct MHD_Connection;
struct MHD_Response;

#define SSE_MAX_TOTAL 1000		/* streams per server (also <= half the fd budget) */
#define SSE_MAX_PER_USER 4		/* streams per user (tabs, tokens); beyond: 429 */
#define SSE_KEEPALIVE_MS 15000		/* comment line + session re-check */
#define SSE_POLL_MS 1000		/* event-table poll and dead-client check */
#define SSE_RETRY_MS 3000		/* "retry:" sent to EventSource */
#define SSE_BATCH 50			/* events read per db query */
#define SSE_PRUNE_MS HOUR_MS	/* how often old events are deleted */

struct actor;
struct arena;
struct db;
/*
** May who read record id of entity? 1 yes, 0 no (also unknown entities and
** missing records), negative enum err_code on a failure. Read-only.
*/
typedef int (*sse_visible_fn)(struct db *db, struct arena *a, const struct actor *who,
			      const char *entity, int64_t id);

/*
** Turn the current GET request into an event stream for rq->user starting
** after event id `after` (see notify_event_head). Fills rs (200,
** text/event-stream) and leaves the stream for server.c to pick up when the
** handler returns 0. ERR_RATE "too_many_streams" past SSE_MAX_PER_USER streams
** of this user, "sse_full" past the server's limit; ERR_UNAVAILABLE when no
** hub runs or it is stopping; ERR_UNAUTH without a caller.
**
** Scoping: the event queue already holds only the user's own events and
** their agency's; before an event is written the stream re-reads its
** caller from the session or token (roles may have changed) and sends an
** event about a record (entity, entity_id) only when visible() admits it,
** except the user's own inbox events. visible NULL: such events are never sent.
*/
int sse_open(struct req *rq, struct resp *rs, int64_t after, sse_visible_fn visible,
	     struct err *e);

/* Something was committed: look for new events now. Cheap; any thread; no-op without a hub. */
void sse_wake(void);

/* Tests only: keepalive/session re-check interval for streams opened from now on (0 = default). */
void sse_set_keepalive_ms(int ms);

/* --- for http/server.c only --- */

/*
** Start the hub for pool (borrowed; must outlive sse_free) with at most
** max_total streams. One hub per process: ERR_CONFLICT if one runs.
*/
int sse_start(struct db_pool *pool, int max_total, struct err *e);
/*
** End every stream and refuse new ones; joins the hub thread. Call before
** MHD_stop_daemon (which must not meet a suspended connection).
*/
void sse_shutdown(void);
/* Release the hub after MHD_stop_daemon has destroyed every stream's response. */
void sse_free(void);
/* The stream sse_open made on this thread during the current request, or NULL. Clears it. */
struct sse_stream *sse_take_pending(void);
/*
** The MHD response for st on conn (st is then owned by the response and freed
** when MHD destroys it). NULL on OOM, st is then already released.
*/
struct MHD_Response *sse_response(struct sse_stream *st, struct MHD_Connection *conn);
/* Release a stream that will not be answered (the request failed after sse_open). */
void sse_discard(struct sse_stream *st);

#endif
