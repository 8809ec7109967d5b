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
#include <string.h>
#include <strings.h>

#define LOG_MOD "session"

static int
touch(struct db_pool *pool, int64_t sid, struct err *e)
{
	struct db *w = db_pool_writer(pool);
	int rc = db_begin_write(w, e);

	if (!rc)
		rc = auth_session_touch(w, sid, e);
	if (!rc)
		rc = db_commit(w, e);
	else
		db_rollback(w);
	db_pool_writer_unlock(pool);
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
		rc = auth_token_lookup(rq->db, rq->arena, authz + 7, a, e);
	} else {
		cookie = req_cookie(rq, SESSION_COOKIE);
		if (!cookie || !*cookie)
			return 0;
		rc = auth_session_lookup(rq->db, rq->arena, cookie, a, &refresh, e);
		rq->via_cookie = 1;
		if (!rc && refresh) {
			rc = touch(pool, a->session_id, e);
			if (rc == ERR_UNAVAILABLE) {
				/* storage full or read-only: the session is valid, reads must go on */
				log_msg(LOG_WARN, LOG_MOD, "session %" PRId64 " not refreshed: %s",
					a->session_id, e->msg);
				err_clear(e);
				rc = 0;
			}
		}
	}
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
	if (token)
		rq->set_cookie = arena_printf(rq->arena,
					      SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict",
					      token);
	else
		rq->set_cookie = SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
}
