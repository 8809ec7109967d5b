/*
** modules/org/org_token.c: API tokens: made for a session's user with an
** expiry, listed and revoked by their owner and the secadmin. Revocation with
** a password change, lock or deactivation is org_end_credentials (org.c).
*/
#include "modules/org/org.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/limits.h"
#include "db/db.h"

#include <assert.h>

#define TOKEN_COLS "t.id, t.user_id, u.username, t.name, t.created_at, t.expires_at," \
		   " COALESCE(t.last_used_at, 0), COALESCE(t.revoked_at, 0)"
#define TOKEN_FROM " FROM api_token t JOIN app_user u ON u.id = t.user_id"

static const char sql_token_insert[] =
	"INSERT INTO api_token (token_hash, user_id, name, created_at, expires_at)"
	" VALUES (:hash, :uid, :name, :now, :expires)";
/* :uid 0 = every user of the agency */
#define TOKEN_WHERE " WHERE u.agency_id = :agency AND (:uid = 0 OR t.user_id = :uid)"
static const char sql_token_list[] =
	"SELECT " TOKEN_COLS TOKEN_FROM TOKEN_WHERE " ORDER BY t.id DESC LIMIT :limit OFFSET :offset";
static const char sql_token_count[] = "SELECT COUNT(*)" TOKEN_FROM TOKEN_WHERE;
static const char sql_token_get[] =
	"SELECT " TOKEN_COLS TOKEN_FROM " WHERE t.id = :id AND u.agency_id = :agency";
static const char sql_token_revoke[] =
	"UPDATE api_token SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL";

json_t *
org_token_json(const struct api_token *t)
{
	return json_pack("{sI s{sI ss} ss so so so so}", "id", (json_int_t)t->id, "user", "id",
			 (json_int_t)t->user_id, "username", t->username, "name", t->name,
			 "created_at", jtime(t->created_at), "expires_at", jtime(t->expires_at),
			 "last_used_at", jtime(t->last_used_at), "revoked_at", jtime(t->revoked_at));
}

static void
token_row(struct stmt *st, struct arena *a, struct api_token *t)
{
	t->id = db_col_i64(st, 0);
	t->user_id = db_col_i64(st, 1);
	t->username = db_col_text(st, a, 2);
	t->name = db_col_text(st, a, 3);
	t->created_at = db_col_i64(st, 4);
	t->expires_at = db_col_i64(st, 5);
	t->last_used_at = db_col_i64(st, 6);
	t->revoked_at = db_col_i64(st, 7);
}

static int
token_get(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	  struct api_token *out, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_token_get, e) || db_bind_i64(&st, ":id", id, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) || db_step_row(&st, e) ? e->code : 0;

	if (!rc)
		token_row(&st, a, out);
	db_finalize(&st);
	/* someone else's token does not exist for a caller who may not see it */
	if (!rc && out->user_id != who->id && !actor_has(who, ROLE_SECADMIN))
		rc = ERR_NOT_FOUND;
	if (rc == ERR_NOT_FOUND)
		return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "令牌不存在");
	return rc;
}

int
org_token_create(struct db *db, const struct actor *who, const char *name, int64_t days,
		 char *out, struct api_token *tok, struct err *e)
{
	struct stmt st = { 0 };
	struct arena *a;
	char hash[65];
	int64_t now = now_ms(), expires = now + days * DAY_MS;
	int rc;

	assert(db_in_tx(db));
	if (who->token_id)
		return err_setx(e, ERR_FORBIDDEN, "token_not_allowed", NULL,
				"API 令牌不能用来创建令牌，请登录后创建");
	if (days < 1 || days > TOKEN_DAYS_MAX)
		return err_set(e, ERR_INVALID, "expires_in_days", "有效期应为 1 到 365 天");
	auth_random_token(out);
	auth_token_hash(out, hash);
	rc = db_prepare(db, &st, sql_token_insert, e) || db_bind_text(&st, ":hash", hash, e) ||
	     db_bind_i64(&st, ":uid", who->id, e) || db_bind_text(&st, ":name", name, e) ||
	     db_bind_i64(&st, ":now", now, e) || db_bind_i64(&st, ":expires", expires, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (rc)
		return rc;
	*tok = (struct api_token){ .id = db_last_id(db), .user_id = who->id,
				   .username = who->username, .name = name, .created_at = now,
				   .expires_at = expires };
	a = arena_new(1024);
	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = aud_record(db, who, "create", "api_token", tok->id, NULL,
			jarena(a, org_token_json(tok)), e);
	arena_free(a);
	return rc;
}

static int
bind_token_filter(struct stmt *st, const struct actor *who, const struct token_filter *f,
		  struct err *e)
{
	int64_t uid = f->all ? 0 : f->user_id ? f->user_id : who->id;

	return db_bind_i64(st, ":agency", who->agency_id, e) || db_bind_i64(st, ":uid", uid, e)
		       ? e->code : 0;
}

int
org_token_list(struct db *db, struct arena *a, const struct actor *who,
	       const struct token_filter *f, struct api_token **items, size_t *n,
	       int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	if ((f->all || (f->user_id && f->user_id != who->id)) && !actor_has(who, ROLE_SECADMIN))
		return err_setx(e, ERR_FORBIDDEN, "forbidden", NULL, "没有权限执行此操作");
	*n = 0;
	*items = arena_array(a, (size_t)(f->limit > 0 ? f->limit : 1), sizeof(**items));
	if (!*items)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_token_count, e) || bind_token_filter(&st, who, f, e) ||
	     db_step_row(&st, e) ? e->code : 0;
	*total = rc ? 0 : db_col_i64(&st, 0);
	db_finalize(&st);
	if (!rc)
		rc = db_prepare(db, &st, sql_token_list, e) || bind_token_filter(&st, who, f, e) ||
		     db_bind_i64(&st, ":limit", f->limit, e) ||
		     db_bind_i64(&st, ":offset", f->offset, e) ? e->code : 0;
	while (!rc && (int64_t)*n < f->limit && (rc = db_step(&st, e)) == 1) {
		token_row(&st, a, &(*items)[(*n)++]);
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
org_token_revoke(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct api_token *out, struct err *e)
{
	struct api_token cur;
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (token_get(db, a, who, id, &cur, e))
		return e->code;
	if (cur.revoked_at) {	/* already dead: nothing to write */
		*out = cur;
		return 0;
	}
	rc = db_prepare(db, &st, sql_token_revoke, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_i64(&st, ":id", id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = token_get(db, a, who, id, out, e);
	if (!rc)
		rc = aud_record(db, who, "revoke", "api_token", id, jarena(a, org_token_json(&cur)),
				jarena(a, org_token_json(out)), e);
	return rc;
}
