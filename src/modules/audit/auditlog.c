/*
** modules/audit/auditlog.c: the audit log browser (filters, scope rules) and
** entity history (who may see which entity, the modules' descriptors say).
** Reads audit_log (written only by core/audit.c); owns no table.
*/
#include "modules/audit/auditlog.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "db/db.h"
#include "modules.h"

#include <stdlib.h>
#include <string.h>

int
aud_code_ok(const char *s)
{
	size_t n = 0;

	for (; s && s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n >= 1 && n <= 32;
}

/* ---------- SQL ---------- */

#define AUD_COLS                                                                            \
	"l.id, l.at, COALESCE(l.actor_id, 0), u.username, u.display_name, l.action,"         \
	" l.entity, COALESCE(l.entity_id, 0), l.before_json, l.after_json, l.ip, l.hash"
#define AUD_FROM " FROM audit_log l LEFT JOIN app_user u ON u.id = l.actor_id"

/*
** The auditor's scope (see aud_list): actors holding an admin role now, or
** who held one before a set_roles row took it away (its before_json is only
** {"roles":[...]}, so the quoted code cannot match anything else), and
** command-line operations. Both subqueries are uncorrelated: computed once.
*/
#define AUD_ADMIN_SCOPE                                                                     \
	" AND (:admins_only = 0"                                                            \
	" OR l.actor_id IN (SELECT r.user_id FROM user_role r"                              \
	" WHERE r.role IN ('sysadmin', 'secadmin', 'auditor'))"                             \
	" OR l.actor_id IN (SELECT g.entity_id FROM audit_log g"                            \
	" WHERE g.entity = 'user' AND g.action = 'set_roles'"                               \
	" AND (g.before_json LIKE '%\"sysadmin\"%' OR g.before_json LIKE '%\"secadmin\"%'"  \
	" OR g.before_json LIKE '%\"auditor\"%'))"                                          \
	" OR (l.actor_id IS NULL AND l.ip = 'cli'))"

#define AUD_OPT                                                                             \
	" AND (:actor_id IS NULL OR l.actor_id = :actor_id)"                                \
	" AND (:actor IS NULL OR u.username LIKE :actor ESCAPE '\\'"                        \
	" OR u.display_name LIKE :actor ESCAPE '\\')"                                       \
	" AND (:entity IS NULL OR l.entity = :entity)"                                      \
	" AND (:action IS NULL OR l.action = :action)"                                      \
	" AND (:from IS NULL OR l.at >= :from)"                                             \
	" AND (:to IS NULL OR l.at < :to)" AUD_ADMIN_SCOPE

/* Whole agency (served by index audit_agency) ... */
#define AUD_WHERE_AGENCY " WHERE l.agency_id = :agency" AUD_OPT
/*
** ... or one record (index audit_entity): static SQL cannot drop an OR per
** call. The unary + keeps SQLite's planner (no ANALYZE stats) from choosing
** the far less selective audit_agency index; elsewhere it is a no-op.
*/
#define AUD_WHERE_RECORD                                                                    \
	" WHERE l.entity = :entity AND l.entity_id = :entity_id AND +l.agency_id = :agency"    \
	AUD_OPT
#define AUD_PAGE " ORDER BY l.id DESC LIMIT :limit OFFSET :offset"

static const char sql_list_page[] = "SELECT " AUD_COLS AUD_FROM AUD_WHERE_AGENCY AUD_PAGE;
static const char sql_list_count[] = "SELECT COUNT(*)" AUD_FROM AUD_WHERE_AGENCY;
static const char sql_rec_page[] = "SELECT " AUD_COLS AUD_FROM AUD_WHERE_RECORD AUD_PAGE;
static const char sql_rec_count[] = "SELECT COUNT(*)" AUD_FROM AUD_WHERE_RECORD;

static const char sql_hist_page[] = "SELECT " AUD_COLS AUD_FROM
				    " WHERE l.entity = :entity AND l.entity_id = :id" AUD_PAGE;
static const char sql_hist_count[] =
	"SELECT COUNT(*) FROM audit_log l WHERE l.entity = :entity AND l.entity_id = :id";

/* ---------- reading rows ---------- */

static void
item_row(struct stmt *st, struct arena *a, struct aud_item *it)
{
	it->id = db_col_i64(st, 0);
	it->at = db_col_i64(st, 1);
	it->actor_id = db_col_i64(st, 2);
	it->actor_username = db_col_text(st, a, 3);
	it->actor_display_name = db_col_text(st, a, 4);
	it->action = db_col_text(st, a, 5);
	it->entity = db_col_text(st, a, 6);
	it->entity_id = db_col_i64(st, 7);
	it->before = db_col_text(st, a, 8);
	it->after = db_col_text(st, a, 9);
	it->ip = db_col_text(st, a, 10);
	it->hash = db_col_text(st, a, 11);
}

/* Run a prepared+bound page statement into items (capacity limit). */
static int
read_page(struct stmt *st, struct arena *a, int64_t limit, struct aud_item *items, size_t *n,
	  struct err *e)
{
	int rc = 0;

	*n = 0;
	while ((int64_t)*n < limit && (rc = db_step(st, e)) == 1) {
		item_row(st, a, &items[(*n)++]);
		rc = 0;
	}
	return rc < 0 ? rc : 0;
}

static int
count_of(struct stmt *st, int64_t *total, struct err *e)
{
	if (db_step_row(st, e))
		return e->code;
	*total = db_col_i64(st, 0);
	return 0;
}

/* ---------- the browser ---------- */

static int
bind_list(struct stmt *st, struct arena *a, const struct actor *who,
	  const struct aud_filter *f, int admins_only, struct err *e)
{
	const char *like = f->actor && *f->actor ? db_like_pattern(a, f->actor) : NULL;

	if (f->actor && *f->actor && !like)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return db_bind_i64(st, ":agency", who->agency_id, e) ||
	       db_bind_id_or_null(st, ":actor_id", f->actor_id, e) ||
	       db_bind_text(st, ":actor", like, e) || db_bind_text(st, ":entity", f->entity, e) ||
	       db_bind_text(st, ":action", f->action, e) ||
	       db_bind_id_or_null(st, ":from", f->from_ms, e) ||
	       db_bind_id_or_null(st, ":to", f->to_ms, e) ||
	       db_bind_i64(st, ":admins_only", admins_only, e) ||
	       (f->entity_id && db_bind_i64(st, ":entity_id", f->entity_id, e)) ? e->code : 0;
}

int
aud_list(struct db *db, struct arena *a, const struct actor *who,
	 const struct aud_filter *f, struct aud_item **items, size_t *n, int64_t *total,
	 struct err *e)
{
	struct stmt st = { 0 };
	int supervisor = actor_has(who, ROLE_SUPERVISOR);
	const char *sql_count = f->entity_id ? sql_rec_count : sql_list_count;
	const char *sql_page = f->entity_id ? sql_rec_page : sql_list_page;
	int rc;

	*n = 0;
	*total = 0;
	if (!supervisor && !actor_has(who, ROLE_AUDITOR))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "没有权限查看审计日志");
	if (f->entity_id && !f->entity)
		return err_set(e, ERR_INVALID, "entity_id", "按记录编号查询时须同时指定对象类型");
	*items = arena_array(a, (size_t)(f->limit > 0 ? f->limit : 1), sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_count, e) || bind_list(&st, a, who, f, !supervisor, e) ||
	     count_of(&st, total, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = db_prepare(db, &st, sql_page, e) || bind_list(&st, a, who, f, !supervisor, e) ||
		     db_bind_i64(&st, ":limit", f->limit, e) ||
		     db_bind_i64(&st, ":offset", f->offset, e) ||
		     read_page(&st, a, f->limit, *items, n, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

/* ---------- entity history ---------- */

int
aud_history(struct db *db, struct arena *a, const struct actor *who, const char *entity,
	    int64_t id, int64_t limit, int64_t offset, struct aud_item **items, size_t *n,
	    int64_t *total, struct err *e)
{
	const struct module_history *ent = modules_history_find(entity);
	struct stmt st = { 0 };
	int rc;

	*n = 0;
	*total = 0;
	if (!ent)
		return err_setx(e, ERR_NOT_FOUND, "unknown_entity", "entity", "该类对象没有变更记录");
	if (ent->roles && !actor_has(who, ent->roles))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "没有权限查看该记录的变更");
	if (ent->visible && ent->visible(db, a, who, id, e))
		return e->code == ERR_NOT_FOUND ? err_setx(e, ERR_NOT_FOUND, "not_found", NULL,
							    "记录不存在或无权查看")
						 : e->code;
	*items = arena_array(a, (size_t)(limit > 0 ? limit : 1), sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_hist_count, e) || db_bind_text(&st, ":entity", entity, e) ||
	     db_bind_i64(&st, ":id", id, e) || count_of(&st, total, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = db_prepare(db, &st, sql_hist_page, e) ||
		     db_bind_text(&st, ":entity", entity, e) || db_bind_i64(&st, ":id", id, e) ||
		     db_bind_i64(&st, ":limit", limit, e) || db_bind_i64(&st, ":offset", offset, e) ||
		     read_page(&st, a, limit, *items, n, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

/* ---------- checkpoints ---------- */

static const char sql_cp_page[] =
	"SELECT head_id, at, head_hash, signature, line FROM audit_checkpoint"
	" ORDER BY id DESC LIMIT :limit OFFSET :offset";
static const char sql_cp_count[] = "SELECT COUNT(*) FROM audit_checkpoint";

static int
cp_rows(struct stmt *st, struct arena *a, const char *file, int64_t limit,
	struct aud_cp_item *items, size_t *n, struct err *e)
{
	int rc = 0;

	while ((int64_t)*n < limit && (rc = db_step(st, e)) == 1) {
		struct aud_cp_item *it = &items[(*n)++];
		const char *line = db_col_peek(st, 4, NULL);
		it->head_id = db_col_i64(st, 0);
		it->at = db_col_i64(st, 1);
		it->head_hash = db_col_text(st, a, 2);
		it->signature = db_col_text(st, a, 3);
		it->file_ok = file && line && aud_anchor_has(file, line);
		rc = 0;
	}
	return rc < 0 ? rc : 0;
}

int
aud_checkpoints(struct db *db, struct arena *a, int64_t limit, int64_t offset,
		struct aud_cp_item **items, size_t *n, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	char *file = NULL;
	int rc;

	*n = 0;
	*total = 0;
	*items = arena_array(a, (size_t)(limit > 0 ? limit : 1), sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_cp_count, e) || count_of(&st, total, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = aud_anchor_read(&file, e);
	if (!rc)
		rc = db_prepare(db, &st, sql_cp_page, e) || db_bind_i64(&st, ":limit", limit, e) ||
		     db_bind_i64(&st, ":offset", offset, e) ||
		     cp_rows(&st, a, file, limit, *items, n, e) ? e->code : 0;
	db_finalize(&st);
	free(file);
	return rc;
}

/* ---------- JSON ---------- */

/* Stored canonical JSON parsed back; the raw text if it does not parse (a tampered row). */
static json_t *
parsed(const char *s)
{
	json_t *j;

	if (!s)
		return json_null();
	j = json_loads(s, JSON_DECODE_ANY, NULL);
	if (!j)
		j = json_string(s);
	return j ? j : json_null();
}

json_t *
aud_item_json(const struct aud_item *it, int full)
{
	json_t *actor = it->actor_id ? json_pack("{sI so so}", "id", (json_int_t)it->actor_id,
						 "username", jstr_or_null(it->actor_username),
						 "display_name",
						 jstr_or_null(it->actor_display_name))
				     : json_null();
	json_t *o = json_pack("{sI so so ss ss so so so}", "id", (json_int_t)it->id, "at",
			      jtime(it->at), "actor", actor, "action", it->action ? it->action : "",
			      "entity", it->entity ? it->entity : "", "entity_id",
			      jid_or_null(it->entity_id), "before", parsed(it->before), "after",
			      parsed(it->after));

	if (o && full) {
		json_object_set_new(o, "ip", jstr_or_null(it->ip));
		json_object_set_new(o, "hash", jstr_or_null(it->hash));
	} else if (o && !it->actor_id && it->ip && strcmp(it->ip, "cli") == 0) {
		/* history withholds addresses, but a server operator's change reads 命令行, not 系统 */
		json_object_set_new(o, "via", json_string("cli"));
	}
	return o;
}
