/*
** modules/org/org_session.c: login (credentials, failure counting, the
** per-IP limit) and logout. Owns the session table's writes.
*/
#include "modules/org/org.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char sql_login_get[] =
	"SELECT id, agency_id, password_hash, active, failed_logins, locked_until"
	" FROM app_user WHERE username = :name AND deleted_at IS NULL";
static const char sql_login_fail[] =
	"UPDATE app_user SET failed_logins = :n, locked_until = :until WHERE id = :id";
static const char sql_login_ok[] = "UPDATE app_user SET failed_logins = 0 WHERE id = :id";
static const char sql_session_insert[] =
	"INSERT INTO session (token_hash, user_id, csrf_token, ip, created_at, last_seen_at)"
	" VALUES (:hash, :uid, :csrf, :ip, :now, :now)";
static const char sql_session_end[] = "UPDATE session SET ended_at = :now WHERE id = :id";

/* The LOGIN_IP_MAX-th newest failure from the IP inside the window, if there is one. */
static const char sql_login_ip_fails[] =
	"SELECT at FROM audit_log WHERE ip = :ip AND action IN ('login_failed', 'login_locked')"
	" AND at > :since ORDER BY at DESC LIMIT 1 OFFSET :skip";

static int login_ip_max = LOGIN_IP_MAX;

void
org_set_login_ip_limit(int max)
{
	login_ip_max = max > 0 ? max : 0;
}

struct login_row {
	int64_t id, agency, failed, locked_until;
	int active;
	char hash[256];
};

/* Kept so an unknown user costs as much time as a wrong password (no user enumeration). */
static int
dummy_verify(const char *password)
{
	static char dummy[256];
	static int ready;

	if (!ready) {
		struct err e = { 0 };
		if (auth_password_hash("dummy-Password-1", dummy, sizeof(dummy), &e))
			return 0;
		ready = 1;
	}
	return auth_password_verify(dummy, password);
}

static const char sql_login_rehash[] = "UPDATE app_user SET password_hash = :h WHERE id = :id";

/*
** The password again with today's parameters (auth.c), now that it is known
** to be right. Only a bug (ERR_DB) fails the login; anything else (out of
** memory, storage trouble) keeps the old hash and lets the login go on.
*/
static int
rehash(struct db *db, int64_t id, const char *password, struct err *e)
{
	struct stmt st = { 0 };
	char hash[256];
	int rc;

	if (auth_password_hash(password, hash, sizeof(hash), e)) {
		err_clear(e);
		return 0;
	}
	rc = db_prepare(db, &st, sql_login_rehash, e) || db_bind_text(&st, ":h", hash, e) ||
	     db_bind_i64(&st, ":id", id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	sodium_memzero(hash, sizeof(hash));
	if (rc == ERR_DB)
		return rc;
	err_clear(e);
	return 0;
}

static int
login_fetch(struct db *db, const char *username, struct login_row *r, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_login_get, e) || db_bind_text(&st, ":name", username, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		const char *h = db_col_peek(&st, 2, NULL);
		r->id = db_col_i64(&st, 0);
		r->agency = db_col_i64(&st, 1);
		snprintf(r->hash, sizeof(r->hash), "%s", h ? h : "");
		r->active = (int)db_col_i64(&st, 3);
		r->failed = db_col_i64(&st, 4);
		r->locked_until = db_col_i64(&st, 5);
	}
	db_finalize(&st);
	return rc;
}

static int
login_failed(struct db *db, const struct login_row *r, const char *username, const char *ip,
	     struct err *e)
{
	struct stmt st = { 0 };
	int64_t failed = r->failed + 1, until = r->locked_until;
	json_t *info = json_pack("{ss}", "username", username);
	int rc;

	if (failed >= LOGIN_FAIL_MAX) {
		until = now_ms() + LOCKOUT_MS;
		failed = 0;
	}
	rc = db_prepare(db, &st, sql_login_fail, e) || db_bind_i64(&st, ":n", failed, e) ||
	     db_bind_i64(&st, ":until", until, e) || db_bind_i64(&st, ":id", r->id, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = aud_record_raw(db, r->id, r->agency, ip, until > now_ms() ? "login_locked"
									 : "login_failed",
				    "session", 0, NULL, info, e);
	json_decref(info);
	return rc;
}

static int
open_session(struct db *db, const struct login_row *r, const char *ip, struct login_out *out,
	     struct err *e)
{
	struct stmt st = { 0 };
	char hash[65];
	int rc;

	auth_random_token(out->token);
	auth_random_token(out->csrf);
	auth_token_hash(out->token, hash);
	out->user_id = r->id;
	rc = db_exec_id(db, sql_login_ok, r->id, e);
	if (!rc)
		rc = db_prepare(db, &st, sql_session_insert, e) ||
		     db_bind_text(&st, ":hash", hash, e) || db_bind_i64(&st, ":uid", r->id, e) ||
		     db_bind_text(&st, ":csrf", out->csrf, e) || db_bind_text(&st, ":ip", ip, e) ||
		     db_bind_i64(&st, ":now", now_ms(), e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = aud_record_raw(db, r->id, r->agency, ip, "login", "session", db_last_id(db),
				    NULL, NULL, e);
	return rc;
}

/*
** 0 when the IP may try; ERR_RATE (audited, *retry_after in seconds) when
** login_ip_max failures from it fall within the window.
*/
static int
login_ip_check(struct db *db, const char *username, const char *ip, int64_t *retry_after,
	       struct err *e)
{
	struct stmt st = { 0 };
	int64_t now = now_ms(), nth = 0;
	json_t *info;
	int rc;

	if (!login_ip_max || !ip)
		return 0;
	rc = db_prepare(db, &st, sql_login_ip_fails, e) || db_bind_text(&st, ":ip", ip, e) ||
	     db_bind_i64(&st, ":since", now - LOGIN_IP_WINDOW_MS, e) ||
	     db_bind_i64(&st, ":skip", login_ip_max - 1, e) || db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		nth = db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND) {
		err_clear(e);
		return 0;
	}
	if (rc)
		return rc;
	*retry_after = (nth + LOGIN_IP_WINDOW_MS - now + 999) / 1000;
	if (*retry_after < 1)
		*retry_after = 1;
	info = json_pack("{ss}", "username", username);
	rc = aud_record_raw(db, 0, 0, ip, "login_rate_limited", "session", 0, NULL, info, e);
	json_decref(info);
	return rc ? rc : err_setx(e, ERR_RATE, "rate_limited", NULL,
				  "登录失败次数过多，请 %lld 分钟后再试",
				  (long long)((*retry_after + 59) / 60));
}

int
org_login(struct db *db, const char *username, const char *password, const char *ip,
	  struct login_out *out, struct err *e)
{
	struct login_row r = { 0 };
	int rc, ok;

	assert(db_in_tx(db));
	rc = login_ip_check(db, username, ip, &out->retry_after, e);
	if (rc)
		return rc;
	rc = login_fetch(db, username, &r, e);
	if (rc == ERR_NOT_FOUND) {
		json_t *info = json_pack("{ss}", "username", username);
		dummy_verify(password);
		err_clear(e);
		rc = aud_record_raw(db, 0, 0, ip, "login_failed", "session", 0, NULL, info, e);
		json_decref(info);
		return rc ? rc : err_setx(e, ERR_UNAUTH, "bad_credentials", NULL, "用户名或密码错误");
	}
	if (rc)
		return rc;
	if (r.locked_until > now_ms()) {
		int64_t mins = (r.locked_until - now_ms() + MINUTE_MS - 1) / MINUTE_MS;
		sodium_memzero(r.hash, sizeof(r.hash));
		if (r.locked_until == INT64_MAX)
			return err_setx(e, ERR_UNAUTH, "locked", NULL, "账号已被管理员锁定");
		return err_setx(e, ERR_UNAUTH, "locked", NULL, "连续登录失败次数过多，账号已锁定，请 %lld 分钟后再试",
				(long long)mins);
	}
	ok = auth_password_verify(r.hash, password);
	if (ok && r.active && auth_password_needs_rehash(r.hash) &&
	    rehash(db, r.id, password, e)) {
		sodium_memzero(r.hash, sizeof(r.hash));
		return e->code;
	}
	sodium_memzero(r.hash, sizeof(r.hash));
	if (!ok || !r.active) {
		rc = login_failed(db, &r, username, ip, e);
		if (rc)
			return rc;
		if (!ok)
			return err_setx(e, ERR_UNAUTH, "bad_credentials", NULL, "用户名或密码错误");
		return err_setx(e, ERR_UNAUTH, "inactive", NULL, "账号已停用");
	}
	return open_session(db, &r, ip, out, e);
}

int
org_logout(struct db *db, const struct actor *who, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	assert(db_in_tx(db));
	if (!who || !who->session_id)
		return 0;
	rc = db_prepare(db, &st, sql_session_end, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_bind_i64(&st, ":id", who->session_id, e) || db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = aud_record(db, who, "logout", "session", who->session_id, NULL, NULL, e);
	return rc;
}
