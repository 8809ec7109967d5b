/*
** core/notify.h: the in-app inbox (one per user) and the live event queue that
** GET /api/v1/events streams to open browser tabs (http/sse.c).
**
** For module authors, two calls, both inside the caller's write transaction
** (the router's, for an R_WRITE route), after the business rows and the audit
** record:
**
**   notify_send(db, actor, user_id, "wo.assigned", "报修单已派给您", body,
**               "workorder", wo_id, e)
**       puts a message in user_id's inbox AND queues a "notification" event
**       for that user (the bell count and the inbox update live).
**   notify_entity_changed(db, agency_id, 0, "workorder", wo_id, e)
**       queues a "changed" event only, for one user or (0) every user of the
**       agency: open pages showing that record re-fetch it.
**
** Both are plain INSERTs: a rollback takes them back with everything else, and
** nothing is pushed before COMMIT (the router then calls sse_wake(); writers
** outside the router need nothing, the SSE hub also polls once a second).
** Neither writes an audit row: the business change that caused it is audited
** by the caller, and a notification is its consequence, not a change of its
** own. Marking read is audited (notify_mark_read, notify_mark_all_read).
**
** Entity names are the module's table-ish singular ("workorder", "vehicle_trip");
** the web UI opens route `<entity>-detail` with param id for a click in the
** inbox, when such a route exists. Kinds are "<module>.<event>" slugs.
**
** Owns tables notification and event (migrations/0004_notifications.sqlite.sql).
** Strings in outputs live in the arena `a`; inputs are borrowed.
*/
#ifndef HOUQIN_NOTIFY_H
#define HOUQIN_NOTIFY_H

#include "core/clock.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;
struct err;
struct actor;
struct msg_text;

#define NOTIFY_KIND_MAX 64		/* bytes, [a-z0-9_.-] */
#define NOTIFY_TITLE_MAX 200		/* characters */
#define NOTIFY_BODY_MAX 2000		/* characters */
#define NOTIFY_ENTITY_MAX 32		/* bytes, [a-z0-9_] */
#define NOTIFY_EVENT_KEEP_MS (7 * DAY_MS)	/* resumable history */

/*
** Notify recipient_user_id. kind and title are required; body, entity may be
** NULL; entity_id 0 = none. actor is who caused it (NULL for the system); an
** actor with an agency may only notify users of that agency. Returns 0;
** ERR_INVALID for a malformed argument (a bug in the caller: the message
** names it); ERR_NOT_FOUND "recipient_not_found" when the user does not exist,
** is deleted or inactive (callers that notify optional people should check
** first, or treat it as non-fatal); ERR_FORBIDDEN "recipient_agency" across
** agencies. Must run inside the caller's write transaction.
** title and body are zh-CN; their English is the message table's entry for the
** whole text (core/msg.h), so a constant title is translated and a formatted
** one is not: for those, use notify_send_text.
*/
int notify_send(struct db *db, const struct actor *actor, int64_t recipient_user_id,
		const char *kind, const char *title, const char *body, const char *entity,
		int64_t entity_id, struct err *e);
/*
** notify_send with texts in both languages, usually msg_text(a, "新报修：%s", t):
** the English (title.en, body.en; NULL = none) is stored beside the Chinese and
** shown to readers whose language is English.
*/
int notify_send_text(struct db *db, const struct actor *actor, int64_t recipient_user_id,
		     const char *kind, struct msg_text title, struct msg_text body,
		     const char *entity, int64_t entity_id, struct err *e);

/*
** Queue a "changed" event for entity/entity_id: for recipient_user_id, or for
** every user of agency_id when it is 0. No inbox row. Returns 0 or
** ERR_INVALID for a malformed argument. Must run inside a write transaction.
*/
int notify_entity_changed(struct db *db, int64_t agency_id, int64_t recipient_user_id,
			  const char *entity, int64_t entity_id, struct err *e);

/*
** notify_send_text to every active user of who's agency holding role (a role
** code: "office", "finance", ...), the actor excepted: "tell the office". The
** recipients are read first, so no statement is open while sending.
*/
int notify_role(struct db *db, struct arena *a, const struct actor *who, const char *role,
		const char *kind, struct msg_text title, struct msg_text body, const char *entity,
		int64_t entity_id, struct err *e);

/* --- the inbox (own data only: every call is scoped to who->id) --- */

struct notification {
	int64_t id, user_id, entity_id, created_by;	/* entity_id, created_by: 0 = none */
	const char *kind, *title, *body, *entity;	/* body, entity may be NULL */
	const char *title_en, *body_en;			/* NULL: no English, show zh */
	int64_t created_at, read_at;			/* read_at 0 = unread */
};

struct notify_filter {
	int unread_only;
	int64_t limit, offset;
};

/* who's notifications, unread first then newest first; *total ignores limit. */
int notify_list(struct db *db, struct arena *a, const struct actor *who,
		const struct notify_filter *f, struct notification **items, size_t *n,
		int64_t *total, struct err *e);
/* Number of who's unread notifications. */
int notify_unread_count(struct db *db, const struct actor *who, int64_t *count, struct err *e);
/*
** Mark who's notification id read (idempotent: an already read one keeps its
** read_at and writes nothing). ERR_NOT_FOUND when id is not who's. Writes an
** audit row and a "changed" event (entity "notification") for who's other
** tabs. Write transaction.
*/
int notify_mark_read(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		     struct notification *out, struct err *e);
/*
** A user who acts on a record has seen what they were told about it: mark
** user_id's unread notifications about (entity, entity_id) read, and tell
** their other tabs (a "changed" event) when there were any. Not audited by
** itself: the action that reads them is. aud_record calls it for every
** audited change a user makes. Write transaction.
*/
int notify_read_about(struct db *db, int64_t user_id, int64_t agency_id, const char *entity,
		      int64_t entity_id, struct err *e);
/* Mark all of who's unread notifications read; *changed = how many. Audited when > 0. */
int notify_mark_all_read(struct db *db, const struct actor *who, int64_t *changed,
			 struct err *e);

/* API/SSE view of a notification, title and body in lang (enum lang). New reference. */
json_t *notify_json(const struct notification *n, int lang);

/* --- the event queue (used by http/sse.c) --- */

struct notify_event {
	int64_t id;
	const char *type;	/* "notification" | "changed" */
	const char *payload;	/* compact one-line JSON object: the SSE data */
	int64_t user_id;	/* its one recipient, 0 = every user of the agency */
	const char *entity;	/* what it is about (NULL = nothing), for the reader's check */
	int64_t entity_id;
};

/* Highest event id (0 when there is none): "start from now". */
int notify_event_head(struct db *db, int64_t *id, struct err *e);
/*
** Up to limit events visible to user_id of agency_id with id > after, oldest
** first: the user's own and the agency-wide ones; payloads in lang (enum lang).
*/
int notify_events_for(struct db *db, struct arena *a, int64_t user_id, int64_t agency_id,
		      int64_t after, int64_t limit, int lang, struct notify_event **items,
		      size_t *n, struct err *e);

/* Who an event is for (user_id 0 = every user of agency_id). */
struct notify_event_ref {
	int64_t id, agency_id, user_id;
};
/* Up to limit events with id > after, oldest first, recipients only. */
int notify_event_scan(struct db *db, struct arena *a, int64_t after, int64_t limit,
		      struct notify_event_ref **items, size_t *n, struct err *e);

/*
** Delete events created before before_ms, except the newest event (so ids
** never go backwards and Last-Event-ID stays meaningful). Housekeeping, not
** audited. Write transaction. *deleted may be NULL.
*/
int notify_prune_events(struct db *db, int64_t before_ms, int64_t *deleted, struct err *e);

#endif
