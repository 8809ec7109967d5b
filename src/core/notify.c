/*
** core/notify.c: the inbox (table notification) and the live event queue
** (table event). Every write here is a plain INSERT/UPDATE in the caller's
** transaction; delivery to browsers is http/sse.c's job, after COMMIT.
*/
#include "core/notify.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/parse.h"
#include "db/db.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define ELLIPSIS "\xE2\x80\xA6"	/* … */

static const char sql_recipient[] =
	"SELECT agency_id FROM app_user"
	" WHERE id = :id AND active = 1 AND deleted_at IS NULL";
static const char sql_insert_notification[] =
	"INSERT INTO notification (agency_id, user_id, kind, title, body, title_en, body_en,"
	" entity, entity_id, created_at, created_by, read_at, updated_at)"
	" VALUES (:agency, :user, :kind, :title, :body, :title_en, :body_en, :entity, :eid, :now,"
	" :by, NULL, :now) RETURNING id";
static const char sql_insert_event[] =
	"INSERT INTO event (agency_id, user_id, type, entity, entity_id, payload, payload_en,"
	" created_at)"
	" VALUES (:agency, :user, :type, :entity, :eid, :payload, :payload_en, :now)";

static const char sql_count[] =
	"SELECT COUNT(*) FROM notification"
	" WHERE user_id = :me AND (:unread = 0 OR read_at IS NULL)";
/*
** The page's ids first, sorted from the (user_id, read_at) index alone: a busy
** inbox (hundreds unread) is then not read row by row to show five (工作台).
*/
#define NOTIFY_ORDER " ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, id DESC"
static const char sql_page[] =
	"SELECT id, user_id, kind, title, body, entity, entity_id, created_by, created_at, read_at,"
	" title_en, body_en"
	" FROM notification WHERE id IN (SELECT id FROM notification"
	" WHERE user_id = :me AND (:unread = 0 OR read_at IS NULL)" NOTIFY_ORDER
	" LIMIT :limit OFFSET :offset)" NOTIFY_ORDER;
static const char sql_get[] =
	"SELECT id, user_id, kind, title, body, entity, entity_id, created_by, created_at, read_at,"
	" title_en, body_en"
	" FROM notification WHERE id = :id AND user_id = :me";
static const char sql_unread[] =
	"SELECT COUNT(*) FROM notification WHERE user_id = :me AND read_at IS NULL";
static const char sql_read_one[] =
	"UPDATE notification SET read_at = :now, updated_at = :now"
	" WHERE id = :id AND user_id = :me AND read_at IS NULL";
static const char sql_read_about[] =
	"UPDATE notification SET read_at = :now, updated_at = :now"
	" WHERE user_id = :me AND read_at IS NULL AND entity = :entity AND entity_id = :eid";
static const char sql_read_all[] =
	"UPDATE notification SET read_at = :now, updated_at = :now"
	" WHERE user_id = :me AND read_at IS NULL";

static const char sql_head[] = "SELECT COALESCE(MAX(id), 0) FROM event";
static const char sql_events_for[] =
	"SELECT id, type, CASE WHEN :en = 1 AND payload_en IS NOT NULL THEN payload_en"
	" ELSE payload END, COALESCE(user_id, 0), entity, COALESCE(entity_id, 0) FROM event"
	" WHERE id > :after AND (user_id = :me OR (user_id IS NULL AND agency_id = :agency))"
	" ORDER BY id LIMIT :limit";
static const char sql_scan[] =
	"SELECT id, agency_id, COALESCE(user_id, 0) FROM event WHERE id > :after"
	" ORDER BY id LIMIT :limit";
/* Events are appended in created_at order, so the old ones are a prefix by id. */
static const char sql_first_young[] =
	"SELECT id FROM event WHERE created_at >= :before ORDER BY id LIMIT 1";
static const char sql_prune[] = "DELETE FROM event WHERE id < :below";

/* 1 if s is 1..max bytes of [a-z0-9_] (plus '.' and '-' when dots). */
static int
slug_ok(const char *s, size_t max, int dots)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
		      (dots && (c == '.' || c == '-'))))
			return 0;
	}
	return 1;
}

/*
** s (valid UTF-8) cut to at most max characters, ending in "…" when cut;
** s itself when it fits. NULL on OOM.
*/
static const char *
clip(struct arena *a, const char *s, long max)
{
	size_t i = 0, n = strlen(s);
	long chars = 0;

	if (utf8_chars(s, n) <= max)
		return s;
	for (; i < n; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars == max)
			break;	/* i: first byte of the last character kept: the ellipsis */
	}
	return arena_printf(a, "%.*s" ELLIPSIS, (int)i, s);
}

/* Text argument check: valid UTF-8, not blank when required. */
static int
text_ok(const char *s, int required)
{
	if (!s)
		return !required;
	if (utf8_chars(s, strlen(s)) < 0)
		return 0;
	return !required || s[strspn(s, " \t\r\n")] != '\0';
}

/* payload and payload_en (may be NULL: no English) are stolen. */
static int
insert_event(struct db *db, int64_t agency, int64_t user, const char *type, const char *entity,
	     int64_t entity_id, json_t *payload, json_t *payload_en, struct err *e)
{
	struct stmt st = { 0 };
	char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	char *text_en = payload_en ? json_dumps(payload_en, JSON_COMPACT) : NULL;
	int rc;

	json_decref(payload);
	json_decref(payload_en);
	if (!text || (payload_en && !text_en)) {
		free(text);
		free(text_en);
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	rc = db_prepare(db, &st, sql_insert_event, e) ||
	     db_bind_i64(&st, ":agency", agency, e) || db_bind_id_or_null(&st, ":user", user, e) ||
	     db_bind_text(&st, ":type", type, e) || db_bind_text(&st, ":entity", entity, e) ||
	     db_bind_id_or_null(&st, ":eid", entity_id, e) ||
	     db_bind_text(&st, ":payload", text, e) ||
	     db_bind_text(&st, ":payload_en", text_en, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	free(text);
	free(text_en);
	return rc;
}

/* The agency of an active user; ERR_NOT_FOUND "recipient_not_found". */
static int
recipient_agency(struct db *db, int64_t user, int64_t *agency, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_recipient, e) || db_bind_i64(&st, ":id", user, e) ||
			 db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		*agency = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "recipient_not_found", NULL,
				"通知接收人 %lld 不存在或已停用", (long long)user);
	return rc;
}

static json_t *
entity_json(const char *entity, int64_t entity_id)
{
	return json_pack("{so so}", "entity", jstr_or_null(entity), "entity_id",
			 jid_or_null(entity_id));
}

static int
send_checked(struct db *db, const struct actor *actor, struct notification *n, int64_t agency,
	     struct err *e)
{
	struct stmt st = { 0 };
	json_t *payload, *payload_en = NULL;
	int rc;

	n->created_at = now_ms();
	rc = db_prepare(db, &st, sql_insert_notification, e) ||
	     db_bind_i64(&st, ":agency", agency, e) || db_bind_i64(&st, ":user", n->user_id, e) ||
	     db_bind_text(&st, ":kind", n->kind, e) || db_bind_text(&st, ":title", n->title, e) ||
	     db_bind_text(&st, ":body", n->body, e) ||
	     db_bind_text(&st, ":title_en", n->title_en, e) ||
	     db_bind_text(&st, ":body_en", n->body_en, e) ||
	     db_bind_text(&st, ":entity", n->entity, e) ||
	     db_bind_id_or_null(&st, ":eid", n->entity_id, e) ||
	     db_bind_i64(&st, ":now", n->created_at, e) ||
	     db_bind_id_or_null(&st, ":by", actor ? actor->id : 0, e) || db_step_row(&st, e) ?
		     e->code : 0;
	if (!rc)
		n->id = db_col_i64(&st, 0);	/* RETURNING: no second round trip for the id */
	db_finalize(&st);
	if (rc)
		return rc;
	payload = entity_json(n->entity, n->entity_id);
	if (payload)
		json_object_set_new(payload, "notification", notify_json(n, LANG_ZH));
	if (n->title_en || n->body_en) {
		payload_en = entity_json(n->entity, n->entity_id);
		if (!payload_en) {
			json_decref(payload);
			return err_set(e, ERR_NOMEM, NULL, "out of memory");
		}
		json_object_set_new(payload_en, "notification", notify_json(n, LANG_EN));
	}
	return insert_event(db, agency, n->user_id, "notification", n->entity, n->entity_id,
			    payload, payload_en, e);
}

int
notify_send(struct db *db, const struct actor *actor, int64_t recipient_user_id,
	    const char *kind, const char *title, const char *body, const char *entity,
	    int64_t entity_id, struct err *e)
{
	return notify_send_text(db, actor, recipient_user_id, kind, msg_plain(title),
				msg_plain(body), entity, entity_id, e);
}

int
notify_send_text(struct db *db, const struct actor *actor, int64_t recipient_user_id,
		 const char *kind, struct msg_text title_t, struct msg_text body_t,
		 const char *entity, int64_t entity_id, struct err *e)
{
	const char *title = title_t.zh, *body = body_t.zh;
	struct notification n = { .user_id = recipient_user_id, .kind = kind, .entity = entity,
				  .entity_id = entity_id,
				  .created_by = actor ? actor->id : 0 };
	struct arena *a;
	int64_t agency = 0;
	int rc;

	assert(db_in_tx(db));
	if (recipient_user_id <= 0)
		return err_set(e, ERR_INVALID, "recipient", "notify_send: bad recipient id");
	if (!slug_ok(kind, NOTIFY_KIND_MAX, 1))
		return err_set(e, ERR_INVALID, "kind", "notify_send: kind must be a slug");
	if (!text_ok(title, 1) || !text_ok(body, 0) || !text_ok(title_t.en, 0) ||
	    !text_ok(body_t.en, 0))
		return err_set(e, ERR_INVALID, "title", "notify_send: blank title or bad UTF-8");
	if ((entity && !slug_ok(entity, NOTIFY_ENTITY_MAX, 0)) || entity_id < 0 ||
	    (entity_id && !entity))
		return err_set(e, ERR_INVALID, "entity", "notify_send: bad entity");
	rc = recipient_agency(db, recipient_user_id, &agency, e);
	if (rc)
		return rc;
	if (actor && actor->agency_id && actor->agency_id != agency)
		return err_setx(e, ERR_FORBIDDEN, "recipient_agency", NULL,
				"不能通知其他单位的用户");
	a = arena_new(1024);
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	n.title = clip(a, title, NOTIFY_TITLE_MAX);
	n.body = body ? clip(a, body, NOTIFY_BODY_MAX) : NULL;
	n.title_en = title_t.en ? clip(a, title_t.en, NOTIFY_TITLE_MAX) : NULL;
	n.body_en = body && body_t.en ? clip(a, body_t.en, NOTIFY_BODY_MAX) : NULL;
	if (!n.title || (body && !n.body) || (title_t.en && !n.title_en) ||
	    (body && body_t.en && !n.body_en))
		rc = err_set(e, ERR_NOMEM, NULL, "out of memory");
	else
		rc = send_checked(db, actor, &n, agency, e);
	arena_free(a);
	return rc;
}

/* from the few role holders to their users (SQLite's CROSS JOIN keeps that order), not from
 * every user; the join's condition is in WHERE, as PostgreSQL's CROSS JOIN takes no ON */
static const char sql_role_users[] =
	"SELECT u.id FROM user_role r CROSS JOIN app_user u"
	" WHERE u.id = r.user_id AND r.role = :role AND u.agency_id = :agency AND u.active = 1"
	" AND u.deleted_at IS NULL ORDER BY u.id";

static int
role_users(struct db *db, struct arena *a, int64_t agency, const char *role, int64_t **ids,
	   size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_role_users, e) || db_bind_i64(&st, ":agency", agency, e) ||
		 db_bind_text(&st, ":role", role, e) ||
		 db_read_rows(&st, a, sizeof(**ids), db_row_i64, (void **)ids, n, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
notify_role(struct db *db, struct arena *a, const struct actor *who, const char *role,
	    const char *kind, struct msg_text title, struct msg_text body, const char *entity,
	    int64_t entity_id, struct err *e)
{
	int64_t *ids;
	size_t n;

	if (role_users(db, a, who->agency_id, role, &ids, &n, e))
		return e->code;
	for (size_t i = 0; i < n; i++)
		if (ids[i] != who->id &&
		    notify_send_text(db, who, ids[i], kind, title, body, entity, entity_id, e))
			return e->code;
	return 0;
}

int
notify_entity_changed(struct db *db, int64_t agency_id, int64_t recipient_user_id,
		      const char *entity, int64_t entity_id, struct err *e)
{
	int64_t agency = 0;
	int rc;

	assert(db_in_tx(db));
	if (agency_id <= 0 || recipient_user_id < 0)
		return err_set(e, ERR_INVALID, "agency_id", "notify_entity_changed: bad ids");
	if (!slug_ok(entity, NOTIFY_ENTITY_MAX, 0) || entity_id < 0)
		return err_set(e, ERR_INVALID, "entity", "notify_entity_changed: bad entity");
	if (recipient_user_id) {
		rc = recipient_agency(db, recipient_user_id, &agency, e);
		if (rc)
			return rc;
		if (agency != agency_id)
			return err_setx(e, ERR_FORBIDDEN, "recipient_agency", NULL,
					"不能通知其他单位的用户");
	}
	return insert_event(db, agency_id, recipient_user_id, "changed", entity, entity_id,
			    entity_json(entity, entity_id), NULL, e);
}

/* --- inbox --- */

static void
row(struct stmt *st, struct arena *a, struct notification *n)
{
	n->id = db_col_i64(st, 0);
	n->user_id = db_col_i64(st, 1);
	n->kind = db_col_text(st, a, 2);
	n->title = db_col_text(st, a, 3);
	n->body = db_col_text(st, a, 4);
	n->entity = db_col_text(st, a, 5);
	n->entity_id = db_col_i64(st, 6);
	n->created_by = db_col_i64(st, 7);
	n->created_at = db_col_i64(st, 8);
	n->read_at = db_col_i64(st, 9);
	n->title_en = db_col_text(st, a, 10);
	n->body_en = db_col_text(st, a, 11);
}

int
notify_list(struct db *db, struct arena *a, const struct actor *who,
	    const struct notify_filter *f, struct notification **items, size_t *n,
	    int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	*n = 0;
	*total = 0;
	*items = arena_array(a, (size_t)(f->limit > 0 ? f->limit : 1), sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_count, e) || db_bind_i64(&st, ":me", who->id, e) ||
	     db_bind_i64(&st, ":unread", f->unread_only ? 1 : 0, e) || db_step_row(&st, e) ?
		     e->code : 0;
	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	if (!rc)
		rc = db_prepare(db, &st, sql_page, e) || db_bind_i64(&st, ":me", who->id, e) ||
		     db_bind_i64(&st, ":unread", f->unread_only ? 1 : 0, e) ||
		     db_bind_i64(&st, ":limit", f->limit, e) ||
		     db_bind_i64(&st, ":offset", f->offset, e) ? e->code : 0;
	while (!rc && (int64_t)*n < f->limit && (rc = db_step(&st, e)) == 1) {
		row(&st, a, &(*items)[(*n)++]);
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
notify_unread_count(struct db *db, const struct actor *who, int64_t *count, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_unread, e) || db_bind_i64(&st, ":me", who->id, e) ||
			 db_step_row(&st, e) ? e->code : 0;

	*count = rc ? 0 : db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

static int
get_own(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	struct notification *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_get, e) || db_bind_i64(&st, ":id", id, e) ||
			 db_bind_i64(&st, ":me", who->id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		row(&st, a, out);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "通知不存在");
	return rc;
}

int
notify_mark_read(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct notification *out, struct err *e)
{
	struct stmt st = { 0 };
	int64_t now = now_ms();
	int rc;

	assert(db_in_tx(db));
	rc = get_own(db, a, who, id, out, e);
	if (rc || out->read_at)
		return rc;	/* not yours, or already read: nothing changes */
	rc = db_prepare(db, &st, sql_read_one, e) || db_bind_i64(&st, ":now", now, e) ||
	     db_bind_i64(&st, ":id", id, e) || db_bind_i64(&st, ":me", who->id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc)
		return rc;
	out->read_at = now;
	rc = aud_record(db, who, "read", "notification", id, NULL,
			jarena(a, json_pack("{so}", "read_at", jtime(now))), e);
	return rc ? rc : notify_entity_changed(db, who->agency_id, who->id, "notification", id, e);
}

int
notify_read_about(struct db *db, int64_t user_id, int64_t agency_id, const char *entity,
		  int64_t entity_id, struct err *e)
{
	struct stmt st = { 0 };
	int64_t now = now_ms();
	int rc = db_prepare(db, &st, sql_read_about, e) || db_bind_i64(&st, ":now", now, e) ||
		 db_bind_i64(&st, ":me", user_id, e) || db_bind_text(&st, ":entity", entity, e) ||
		 db_bind_i64(&st, ":eid", entity_id, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (rc || db_changes(db) == 0)
		return rc;
	return notify_entity_changed(db, agency_id, user_id, "notification", 0, e);
}

int
notify_mark_all_read(struct db *db, const struct actor *who, int64_t *changed, struct err *e)
{
	struct stmt st = { 0 };
	int64_t now = now_ms();
	json_t *after;
	int rc;

	assert(db_in_tx(db));
	*changed = 0;
	rc = db_prepare(db, &st, sql_read_all, e) || db_bind_i64(&st, ":now", now, e) ||
	     db_bind_i64(&st, ":me", who->id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc)
		return rc;
	*changed = db_changes(db);
	if (*changed == 0)
		return 0;
	after = json_pack("{sI so}", "count", (json_int_t)*changed, "read_at", jtime(now));
	rc = aud_record(db, who, "read_all", "notification", 0, NULL, after, e);
	json_decref(after);
	return rc ? rc : notify_entity_changed(db, who->agency_id, who->id, "notification", 0, e);
}

json_t *
notify_json(const struct notification *n, int lang)
{
	const char *title = msg_pick(lang, n->title, n->title_en);
	const char *body = n->body ? msg_pick(lang, n->body, n->body_en) : NULL;

	return json_pack("{sI ss ss so so so so so so sb}", "id", (json_int_t)n->id, "kind",
			 n->kind ? n->kind : "", "title", title ? title : "", "body",
			 jstr_or_null(body), "entity", jstr_or_null(n->entity), "entity_id",
			 jid_or_null(n->entity_id), "created_by", jid_or_null(n->created_by),
			 "created_at", jtime(n->created_at), "read_at", jtime(n->read_at), "read",
			 n->read_at != 0);
}

/* --- event queue --- */

int
notify_event_head(struct db *db, int64_t *id, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_head, e) || db_step_row(&st, e) ? e->code : 0;

	*id = rc ? 0 : db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
notify_events_for(struct db *db, struct arena *a, int64_t user_id, int64_t agency_id,
		  int64_t after, int64_t limit, int lang, struct notify_event **items, size_t *n,
		  struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	*n = 0;
	*items = arena_array(a, (size_t)(limit > 0 ? limit : 1), sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_events_for, e) || db_bind_i64(&st, ":after", after, e) ||
	     db_bind_i64(&st, ":me", user_id, e) || db_bind_i64(&st, ":agency", agency_id, e) ||
	     db_bind_i64(&st, ":limit", limit, e) ||
	     db_bind_i64(&st, ":en", lang == LANG_EN, e) ? e->code : 0;
	while (!rc && (int64_t)*n < limit && (rc = db_step(&st, e)) == 1) {
		struct notify_event *ev = &(*items)[(*n)++];
		ev->id = db_col_i64(&st, 0);
		ev->type = db_col_text(&st, a, 1);
		ev->payload = db_col_text(&st, a, 2);
		ev->user_id = db_col_i64(&st, 3);
		ev->entity = db_col_text(&st, a, 4);
		ev->entity_id = db_col_i64(&st, 5);
		rc = (!ev->type || !ev->payload) ? err_set(e, ERR_NOMEM, NULL, "out of memory") : 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
notify_event_scan(struct db *db, struct arena *a, int64_t after, int64_t limit,
		  struct notify_event_ref **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	*n = 0;
	*items = arena_array(a, (size_t)(limit > 0 ? limit : 1), sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_scan, e) || db_bind_i64(&st, ":after", after, e) ||
	     db_bind_i64(&st, ":limit", limit, e) ? e->code : 0;
	while (!rc && (int64_t)*n < limit && (rc = db_step(&st, e)) == 1) {
		struct notify_event_ref *r = &(*items)[(*n)++];
		r->id = db_col_i64(&st, 0);
		r->agency_id = db_col_i64(&st, 1);
		r->user_id = db_col_i64(&st, 2);
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
notify_prune_events(struct db *db, int64_t before_ms, int64_t *deleted, struct err *e)
{
	struct stmt st = { 0 };
	int64_t below = 0;
	int rc;

	assert(db_in_tx(db));
	if (deleted)
		*deleted = 0;
	rc = db_prepare(db, &st, sql_first_young, e) || db_bind_i64(&st, ":before", before_ms, e) ?
		     e->code : db_step(&st, e);
	if (rc == 1)
		below = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc < 0)
		return rc;
	if (rc == 0)	/* every event is old: keep the newest, ids must not restart */
		rc = notify_event_head(db, &below, e);
	if (rc < 0)
		return rc;
	rc = db_prepare(db, &st, sql_prune, e) || db_bind_i64(&st, ":below", below, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc && deleted)
		*deleted = db_changes(db);
	return rc;
}
