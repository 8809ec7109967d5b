/*
** http/session.c: caller resolution from cookie or bearer token.
*/
#include "http/session.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/log.h"
#include "core/msg.h"
#include "db/db.h"
#include "http/req.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#define LOG_MOD "session"

static atomic_int secure_cookies;

void
session_set_secure(int on)
{
	atomic_store(&secure_cookies, on);
}

/* Refresh a session's last_seen (sid) or a token's last_used_at (tid) through the writer. */
static int
touch(struct db_pool *pool, int64_t sid, int64_t tid, struct err *e)
{
	struct db *w = db_pool_writer(pool);
	int rc = db_begin_write(w, e);

	if (!rc)
		rc = sid ? auth_session_touch(w, sid, e) : auth_token_touch(w, tid, e);
	if (!rc)
		rc = db_commit(w, e);
	else
		db_rollback(w);
	db_pool_writer_unlock(pool);
	if (rc == ERR_UNAVAILABLE) {
		/* storage full or read-only: the caller is valid, reads must go on */
		log_msg(LOG_WARN, LOG_MOD, "%s %" PRId64 " not refreshed: %s",
			sid ? "session" : "token", sid ? sid : tid, e->msg);
		err_clear(e);
		rc = 0;
	}
	return rc;
}

int
session_resolve(struct db_pool *pool, struct req *rq, struct err *e)
{
	const char *authz = req_header(rq, "Authorization");
	struct actor *a = arena_alloc(rq->arena, sizeof(*a));
	const char *cookie;
	int refresh = 0, rc;

	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		rc = auth_token_lookup_touch(rq->db, rq->arena, authz + 7, a, &refresh, e);
	} else {
		cookie = req_cookie(rq, SESSION_COOKIE);
		if (!cookie || !*cookie)
			return 0;
		rc = auth_session_lookup(rq->db, rq->arena, cookie, a, &refresh, e);
		rq->via_cookie = 1;
	}
	if (!rc && refresh)
		rc = touch(pool, a->session_id, a->token_id, e);
	if (rc)
		return rc;
	a->ip = rq->ip;
	rq->user = a;
	if (msg_lang_from_name(a->lang) >= 0)	/* the user's saved choice beats the browser's */
		rq->lang = msg_lang_from_name(a->lang);
	return 0;
}

void
session_set_cookie(struct req *rq, const char *token)
{
	const char *secure = atomic_load(&secure_cookies) ? "; Secure" : "";

	if (token)
		rq->set_cookie = arena_printf(rq->arena, SESSION_COOKIE
					      "=%s; Path=/; HttpOnly; SameSite=Strict%s",
					      token, secure);
	else
		rq->set_cookie = arena_printf(rq->arena, SESSION_COOKIE
					      "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
					      secure);
}
