/*
** modules/org/org_session.c: login, logout and a user's own password change:
** throttling by failures (never an account lockout), one answer and one
** argon2id verify for every failure, the verifies off the writer (the routes'
** preps do the reads and the hashing; the writes here only record).
*/
#include "modules/org/org.h"
#include "modules/org/org_int.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char sql_login_get[] =
	"SELECT id, agency_id, password_hash, active, locked_until"
	" FROM app_user WHERE username = :name AND deleted_at IS NULL";
static const char sql_session_insert[] =
	"INSERT INTO session (token_hash, user_id, csrf_token, ip, created_at, last_seen_at)"
	" VALUES (:hash, :uid, :csrf, :ip, :now, :now)";
static const char sql_session_end[] = "UPDATE session SET ended_at = :now WHERE id = :id";
static const char sql_login_rehash[] =
	"UPDATE app_user SET password_hash = :h WHERE id = :id AND password_hash = :old";

/* ---------- throttling (login_failure) ---------- */

static const char sql_fail_pair[] =
	"SELECT count(*), max(at) FROM login_failure"
	" WHERE username = :name AND ip = :ip AND at > :since";
/* The nth newest failure inside the window, if there are n. */
static const char sql_fail_ip_nth[] =
	"SELECT at FROM login_failure WHERE ip = :ip AND at > :since"
	" ORDER BY at DESC LIMIT 1 OFFSET :skip";
static const char sql_fail_name_nth[] =
	"SELECT at FROM login_failure WHERE username = :name AND at > :since"
	" ORDER BY at DESC LIMIT 1 OFFSET :skip";
static const char sql_known_ip[] =
	"SELECT 1 FROM session WHERE user_id = :uid AND ip = :ip AND created_at > :since LIMIT 1";
static const char sql_fail_add[] =
	"INSERT INTO login_failure (username, ip, at) VALUES (:name, :ip, :now)";
static const char sql_fail_prune[] = "DELETE FROM login_failure WHERE at < :old";
static const char sql_fail_clear[] =
	"DELETE FROM login_failure WHERE username = :name AND ip = :ip";

static int login_ip_max = LOGIN_IP_MAX;
static int (*verify_fn)(const char *hash, const char *pw) = auth_password_verify;

void
org_set_login_ip_limit(int max)
{
	login_ip_max = max > 0 ? max : 0;
}

void
org_set_password_verify(int (*fn)(const char *hash, const char *pw))
{
	verify_fn = fn ? fn : auth_password_verify;
}

/* Seconds from now to until_ms, at least 1. */
static int64_t
secs_until(int64_t until_ms, int64_t now)
{
	int64_t s = (until_ms - now + SECOND_MS - 1) / SECOND_MS;

	return s < 1 ? 1 : s;
}

/* At of the nth newest failure by sql (bound :ip or :name = key) since since; 0 if fewer. */
static int
nth_failure(struct db *db, const char *sql, const char *bind, const char *key, int n,
	    int64_t since, int64_t *at, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || db_bind_text(&st, bind, key, e) ||
		 db_bind_i64(&st, ":since", since, e) || db_bind_i64(&st, ":skip", n - 1, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	*at = rc ? 0 : db_col_i64(&st, 0);
	db_finalize(&st);
	if (rc == ERR_NOT_FOUND) {
		err_clear(e);
		return 0;
	}
	return rc;
}

/* The pair's delay: none for LOGIN_PAIR_FREE failures, then doubling to the cap. */
static int
pair_until(struct db *db, const char *name, const char *ip, int64_t now, int64_t *until,
	   struct err *e)
{
	struct stmt st = { 0 };
	int64_t n = 0, last = 0, delay = LOGIN_DELAY_MIN_MS;
	int rc = db_prepare(db, &st, sql_fail_pair, e) || db_bind_text(&st, ":name", name, e) ||
		 db_bind_text(&st, ":ip", ip, e) ||
		 db_bind_i64(&st, ":since", now - LOGIN_FAILURE_KEEP_MS, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		n = db_col_i64(&st, 0);
		last = db_col_i64(&st, 1);
	}
	db_finalize(&st);
	*until = 0;
	if (rc || n < LOGIN_PAIR_FREE)
		return rc;
	for (int64_t i = LOGIN_PAIR_FREE; i < n && delay < LOGIN_DELAY_MAX_MS; i++)
		delay *= 2;
	*until = last + (delay < LOGIN_DELAY_MAX_MS ? delay : LOGIN_DELAY_MAX_MS);
	return 0;
}

/* 1 when the owner uid logged in from ip within LOGIN_KNOWN_IP_MS. */
static int
known_source(struct db *db, int64_t uid, const char *ip, int64_t now, int *known, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_known_ip, e) || db_bind_i64(&st, ":uid", uid, e) ||
		 db_bind_text(&st, ":ip", ip, e) ||
		 db_bind_i64(&st, ":since", now - LOGIN_KNOWN_IP_MS, e) ? e->code : 0;

	if (!rc)
		rc = db_step(&st, e);
	db_finalize(&st);
	*known = rc == 1;
	return rc < 0 ? rc : 0;
}

/* Sets *retry_after (seconds) and *rule when an attempt of name (user uid, 0 unknown) from ip must wait. */
static int
throttle(struct db *db, const char *name, int64_t uid, const char *ip, int64_t *retry_after,
	 const char **rule, struct err *e)
{
	int64_t now = now_ms(), until = 0, at;
	int known = 0;

	*retry_after = 0;
	if (pair_until(db, name, ip, now, &until, e))
		return e->code;
	*rule = "pair";
	if (until <= now && login_ip_max) {
		if (nth_failure(db, sql_fail_ip_nth, ":ip", ip, login_ip_max,
				now - LOGIN_IP_WINDOW_MS, &at, e))
			return e->code;
		until = at ? at + LOGIN_IP_WINDOW_MS : 0;
		*rule = "ip";
	}
	if (until <= now && uid && known_source(db, uid, ip, now, &known, e))
		return e->code;
	if (until <= now && !known) {
		if (nth_failure(db, sql_fail_name_nth, ":name", name, LOGIN_ACCOUNT_MAX,
				now - LOGIN_ACCOUNT_WINDOW_MS, &at, e))
			return e->code;
		until = at ? at + LOGIN_ACCOUNT_WINDOW_MS : 0;
		*rule = "account";
	}
	if (until > now)
		*retry_after = secs_until(until, now);
	return 0;
}

/* One more failure of name from ip; rows past LOGIN_FAILURE_KEEP_MS go. */
static int
failure_add(struct db *db, const char *name, const char *ip, struct err *e)
{
	struct stmt st = { 0 };
	int64_t now = now_ms();
	int rc = db_prepare(db, &st, sql_fail_add, e) || db_bind_text(&st, ":name", name, e) ||
		 db_bind_text(&st, ":ip", ip, e) || db_bind_i64(&st, ":now", now, e) ||
		 db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (!rc)
		rc = db_prepare(db, &st, sql_fail_prune, e) ||
		     db_bind_i64(&st, ":old", now - LOGIN_FAILURE_KEEP_MS, e) ||
		     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

static int
failure_clear(struct db *db, const char *name, const char *ip, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_fail_clear, e) || db_bind_text(&st, ":name", name, e) ||
		 db_bind_text(&st, ":ip", ip, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	return rc;
}

static int
rate_limited(int64_t secs, struct err *e)
{
	return err_setx(e, ERR_RATE, "rate_limited", NULL, "登录失败次数过多，请 %lld 秒后再试",
			(long long)secs);
}

/* ---------- login ---------- */

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[256];

static void
dummy_make(void)
{
	struct err e = { 0 };

	if (auth_password_hash("dummy-Password-1", dummy_hash, sizeof(dummy_hash), &e))
		dummy_hash[0] = '\0';
}

/* The row of a usable or unusable user by name: ERR_NOT_FOUND when none (or deleted). */
static int
login_fetch(struct db *db, const char *username, struct login_check *c, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_login_get, e) || db_bind_text(&st, ":name", username, e) ||
		 db_step_row(&st, e) ? e->code : 0;

	if (!rc) {
		const char *h = db_col_peek(&st, 2, NULL);
		c->user_id = db_col_i64(&st, 0);
		c->agency_id = db_col_i64(&st, 1);
		snprintf(c->hash, sizeof(c->hash), "%s", h ? h : "");
		c->usable = db_col_i64(&st, 3) && db_col_i64(&st, 4) <= now_ms();
	}
	db_finalize(&st);
	return rc;
}

int
org_login_read(struct db *db, const char *username, const char *ip, struct login_check *c,
	       struct err *e)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->verdict = LOGIN_BAD;
	rc = login_fetch(db, username, c, e);
	if (rc == ERR_NOT_FOUND) {
		err_clear(e);
		memset(c, 0, sizeof(*c));
		rc = 0;
	}
	if (!rc)
		rc = throttle(db, username, c->user_id, ip ? ip : "", &c->retry_after, &c->rule, e);
	if (!rc && c->retry_after)
		c->verdict = LOGIN_THROTTLED;
	return rc;
}

void
org_login_verify(const char *password, struct login_check *c)
{
	struct err e = { 0 };
	int ok;

	if (c->verdict == LOGIN_THROTTLED)
		return;	/* no argon2 for a throttled attempt */
	pthread_once(&dummy_once, dummy_make);
	ok = verify_fn(c->user_id ? c->hash : dummy_hash, password);	/* exactly one verify */
	c->verdict = ok && c->user_id && c->usable ? LOGIN_OK : LOGIN_BAD;
	if (c->verdict == LOGIN_OK && auth_password_needs_rehash(c->hash) &&
	    auth_password_hash(password, c->new_hash, sizeof(c->new_hash), &e))
		c->new_hash[0] = '\0';	/* keep the old hash; the login goes on */
}

static int
open_session(struct db *db, const struct login_check *c, const char *ip, struct login_out *out,
	     struct err *e)
{
	struct stmt st = { 0 };
	char hash[65];
	int rc;

	auth_random_token(out->token);
	auth_random_token(out->csrf);
	auth_token_hash(out->token, hash);
	out->user_id = c->user_id;
	rc = db_prepare(db, &st, sql_session_insert, e) || db_bind_text(&st, ":hash", hash, e) ||
	     db_bind_i64(&st, ":uid", c->user_id, e) || db_bind_text(&st, ":csrf", out->csrf, e) ||
	     db_bind_text(&st, ":ip", ip, e) || db_bind_i64(&st, ":now", now_ms(), e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = aud_record_raw(db, c->user_id, c->agency_id, ip, "login", "session",
				    db_last_id(db), NULL, NULL, e);
	return rc;
}

/* The prep's hash again, with today's parameters, unless the row moved meanwhile. */
static int
store_rehash(struct db *db, const struct login_check *c, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	if (!c->new_hash[0])
		return 0;
	rc = db_prepare(db, &st, sql_login_rehash, e) || db_bind_text(&st, ":h", c->new_hash, e) ||
	     db_bind_i64(&st, ":id", c->user_id, e) || db_bind_text(&st, ":old", c->hash, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc;
}

/* 1 when the user row is still usable and has the hash the prep verified. */
static int
still_same(struct db *db, const char *username, const struct login_check *c, struct err *e)
{
	struct login_check now = { 0 };
	int rc = login_fetch(db, username, &now, e), same;

	same = !rc && now.user_id == c->user_id && now.usable && strcmp(now.hash, c->hash) == 0;
	sodium_memzero(now.hash, sizeof(now.hash));
	if (rc == ERR_NOT_FOUND)
		err_clear(e);
	return rc && rc != ERR_NOT_FOUND ? rc : same;
}

/* A refused login: a throttled one is only audited; a failed one also counts. */
static int
login_refused(struct db *db, const char *username, const char *ip, const struct login_check *c,
	      struct err *e)
{
	int throttled = c->verdict == LOGIN_THROTTLED;
	json_t *info = json_pack("{ss ss?}", "username", username, "rule",
				 throttled ? c->rule : NULL);
	int rc = throttled ? 0 : failure_add(db, username, ip, e);

	if (!rc)
		rc = aud_record_raw(db, c->user_id, c->agency_id, ip,
				    throttled ? "login_rate_limited" : "login_failed", "session", 0,
				    NULL, info, e);
	json_decref(info);
	return rc;
}

int
org_login(struct db *db, const char *username, const char *ip, const struct login_check *c,
	  struct login_out *out, struct err *e)
{
	int rc = 0;

	assert(db_in_tx(db));
	ip = ip ? ip : "";
	if (c->verdict == LOGIN_THROTTLED) {
		out->retry_after = c->retry_after;
		rc = login_refused(db, username, ip, c, e);
		return rc ? rc : rate_limited(c->retry_after, e);
	}
	if (c->verdict == LOGIN_OK)
		rc = still_same(db, username, c, e);
	if (rc < 0)
		return rc;
	if (rc == 0) {	/* one answer for every failure: no user enumeration */
		struct login_check bad = *c;
		bad.verdict = LOGIN_BAD;
		rc = login_refused(db, username, ip, &bad, e);
		return rc ? rc : err_setx(e, ERR_UNAUTH, "bad_credentials", NULL, "用户名或密码错误");
	}
	if (store_rehash(db, c, e) || failure_clear(db, username, ip, e))
		return e->code;
	return open_session(db, c, ip, out, e);
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

/* ---------- PUT /me/password ---------- */

static const char sql_pw_get[] = "SELECT password_hash FROM app_user WHERE id = :id";
static const char sql_history_get[] =
	"SELECT password_hash FROM password_history WHERE user_id = :uid ORDER BY id DESC LIMIT :n";
/*
** Only over the hash the prep verified; the token moves even within one ms.
** It clears must_change_password: the new password is the user's own.
*/
static const char sql_pw_set[] =
	"UPDATE app_user SET password_hash = :hash, must_change_password = 0,"
	" updated_at = CASE WHEN updated_at >= :now"
	" THEN updated_at + 1 ELSE :now END WHERE id = :id AND password_hash = :old";
static const char sql_history_add[] =
	"INSERT INTO password_history (user_id, password_hash, created_at) VALUES (:uid, :h, :now)";
static const char sql_history_prune[] =
	"DELETE FROM password_history WHERE user_id = :uid AND id NOT IN"
	" (SELECT id FROM password_history WHERE user_id = :uid ORDER BY id DESC LIMIT :n)";

static int
history_read(struct db *db, int64_t uid, struct password_check *c, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_history_get, e) || db_bind_i64(&st, ":uid", uid, e) ||
		 db_bind_i64(&st, ":n", PASSWORD_HISTORY_N - 1, e) ? e->code : 0;

	while (!rc && (rc = db_step(&st, e)) == 1 && c->nhistory < PASSWORD_HISTORY_N - 1) {
		const char *h = db_col_peek(&st, 0, NULL);
		snprintf(c->history[c->nhistory++], sizeof(c->history[0]), "%s", h ? h : "");
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

int
org_password_read(struct db *db, const struct actor *who, struct password_check *c,
		  struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	memset(c, 0, sizeof(*c));
	c->verdict = LOGIN_BAD;
	rc = db_prepare(db, &st, sql_pw_get, e) || db_bind_i64(&st, ":id", who->id, e) ||
	     db_step_row(&st, e) ? e->code : 0;
	if (!rc) {
		const char *h = db_col_peek(&st, 0, NULL);
		snprintf(c->hash, sizeof(c->hash), "%s", h ? h : "");
	}
	db_finalize(&st);
	if (!rc)
		rc = history_read(db, who->id, c, e);
	if (!rc)
		rc = throttle(db, who->username, who->id, who->ip ? who->ip : "", &c->retry_after,
			      &c->rule, e);
	if (!rc && c->retry_after)
		c->verdict = LOGIN_THROTTLED;
	return rc;
}

/* ERR_RULE when new_pw is the current password or one of the history's. */
static int
reused(const char *new_pw, const struct password_check *c, struct err *e)
{
	int same = auth_password_verify(c->hash, new_pw);

	for (int i = 0; !same && i < c->nhistory; i++)
		same = auth_password_verify(c->history[i], new_pw);
	if (same)
		return err_setx(e, ERR_RULE, "weak_password", "new_password",
				"新密码不能与最近 %d 次使用过的密码相同", PASSWORD_HISTORY_N);
	return 0;
}

int
org_password_verify(const struct actor *who, const char *old_pw, const char *new_pw,
		    struct password_check *c, struct err *e)
{
	if (c->verdict == LOGIN_THROTTLED)
		return 0;	/* no argon2 for a throttled attempt */
	if (auth_password_policy_user(new_pw, who->username, "new_password", e))
		return e->code;
	if (!verify_fn(c->hash, old_pw))
		return 0;	/* LOGIN_BAD: the write counts it */
	c->verdict = LOGIN_OK;
	if (reused(new_pw, c, e))
		return e->code;
	return auth_password_hash(new_pw, c->new_hash, sizeof(c->new_hash), e);
}

/* The new hash over the one the prep verified: 1 stored, 0 when it moved meanwhile. */
static int
password_store(struct db *db, const struct actor *who, const struct password_check *c,
	       struct err *e)
{
	struct stmt st = { 0 };
	int64_t now = now_ms();
	int rc = db_prepare(db, &st, sql_pw_set, e) || db_bind_text(&st, ":hash", c->new_hash, e) ||
		 db_bind_i64(&st, ":now", now, e) || db_bind_i64(&st, ":id", who->id, e) ||
		 db_bind_text(&st, ":old", c->hash, e) || db_step_done(&st, e) ? e->code : 0;

	db_finalize(&st);
	if (rc || db_changes(db) == 0)
		return rc;
	rc = db_prepare(db, &st, sql_history_add, e) || db_bind_i64(&st, ":uid", who->id, e) ||
	     db_bind_text(&st, ":h", c->hash, e) || db_bind_i64(&st, ":now", now, e) ||
	     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	if (!rc)
		rc = db_prepare(db, &st, sql_history_prune, e) ||
		     db_bind_i64(&st, ":uid", who->id, e) ||
		     db_bind_i64(&st, ":n", PASSWORD_HISTORY_N - 1, e) ||
		     db_step_done(&st, e) ? e->code : 0;
	db_finalize(&st);
	return rc ? rc : 1;
}

int
org_password_change(struct db *db, const struct actor *who, const struct password_check *c,
		    struct err *e)
{
	const char *ip = who->ip ? who->ip : "";
	int rc = 0;

	assert(db_in_tx(db));
	if (c->verdict == LOGIN_THROTTLED) {
		json_t *info = json_pack("{ss}", "rule", c->rule);
		rc = aud_record(db, who, "change_password_rate_limited", "user", who->id, NULL,
				info, e);
		json_decref(info);
		return rc ? rc : rate_limited(c->retry_after, e);
	}
	if (c->verdict == LOGIN_OK)
		rc = password_store(db, who, c, e);
	if (rc < 0)
		return rc;
	if (rc == 0) {	/* a wrong old password (or it changed meanwhile) counts as a failure */
		rc = failure_add(db, who->username, ip, e) ||
		     aud_record(db, who, "change_password_failed", "user", who->id, NULL, NULL, e)
			     ? e->code : 0;
		return rc ? rc : err_setx(e, ERR_RULE, "bad_password", "old_password", "原密码不正确");
	}
	if (failure_clear(db, who->username, ip, e) ||
	    org_end_credentials(db, who->id, who->session_id, e))
		return e->code;
	return aud_record(db, who, "change_password", "user", who->id, NULL, NULL, e);
}
