/*
** modules/org/org_session_api.c: HTTP handlers for login, logout, the
** current user (GET /api/v1/me) and its password. The routes are in
** org_api.c's table; login and the password change have a prep (router.h)
** that reads and hashes on a prep worker, their handlers only record.
*/
#include "modules/org/org_int.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"
#include "http/router.h"
#include "http/session.h"
#include "modules/org/org.h"

#include <sodium.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

struct login_in {
	const char *username, *password;
};
const struct field org_login_fields[] = {
	{ .name = "username", .type = F_STR, .required = 1, .max = 64,
	  .off = offsetof(struct login_in, username) },
	{ .name = "password", .type = F_STR, .required = 1, .max = PASSWORD_MAX,
	  .off = offsetof(struct login_in, password) },
	{ 0 }
};

struct password_in {
	const char *old_password, *new_password;
};
const struct field org_password_fields[] = {
	{ .name = "old_password", .type = F_STR, .required = 1, .max = PASSWORD_MAX,
	  .off = offsetof(struct password_in, old_password) },
	{ .name = "new_password", .type = F_STR, .required = 1, .max = PASSWORD_MAX,
	  .off = offsetof(struct password_in, new_password) },
	{ 0 }
};

struct login_prep {
	struct login_in in;
	struct login_check c;
};

struct password_prep {
	struct password_in in;
	struct password_check c;
};

static json_t *
me_json(const struct actor *a, const char *csrf)
{
	return json_pack("{so so so}", "user", org_actor_json(a), "csrf_token", jstr_or_null(csrf),
			 "lang", jstr_or_null(a->lang));
}

/*
** Only a JSON body: an HTML form (urlencoded, multipart, text/plain) can post
** cross-site without CORS, so accepting it would allow login CSRF.
*/
static int
require_json(const struct req *rq, struct err *e)
{
	const char *ct = req_header(rq, "Content-Type");
	size_t n = strlen("application/json");

	if (ct && strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';'))
		return 0;
	return err_setx(e, ERR_UNSUPPORTED, "unsupported_media_type", NULL,
			"登录请求须为 application/json");
}

static int
retry_after(struct req *rq, struct resp *rs, int64_t secs, struct err *e)
{
	const char *v = arena_printf(rq->arena, "%lld", (long long)secs);

	if (!v || resp_header(rs, "Retry-After", v))
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return 0;
}

int
org_prep_login(struct req *rq, struct resp *rs, struct err *e)
{
	struct login_prep *p = arena_alloc(rq->arena, sizeof(*p));

	(void)rs;
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	memset(p, 0, sizeof(*p));
	if (require_json(rq, e) || req_json_fields(rq, org_login_fields, &p->in, NULL, e) ||
	    org_login_read(rq->db, p->in.username, rq->ip, &p->c, e))
		return e->code;
	router_release_reader(rq);	/* not held through the hashing */
	org_login_verify(p->in.password, &p->c);
	rq->prep = p;
	return 0;
}

int
org_api_login(struct req *rq, struct resp *rs, struct err *e)
{
	struct login_prep *p = rq->prep;
	struct login_out out = { 0 };
	struct actor a;
	int rc;

	rc = org_login(rq->db, p->in.username, rq->ip, &p->c, &out, e);
	sodium_memzero(&p->c, sizeof(p->c));
	if (rc == ERR_RATE && retry_after(rq, rs, out.retry_after, e))
		return e->code;
	if (rc == ERR_UNAUTH || rc == ERR_RATE)
		return resp_error(rs, e);	/* commit the failure and its audit row */
	if (rc || auth_load_actor(rq->db, rq->arena, out.user_id, &a, e))
		return e->code;
	session_set_cookie(rq, out.token);
	return resp_json(rs, 200, me_json(&a, out.csrf));
}

int
org_prep_password(struct req *rq, struct resp *rs, struct err *e)
{
	struct password_prep *p = arena_alloc(rq->arena, sizeof(*p));

	(void)rs;
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	memset(p, 0, sizeof(*p));
	if (req_json_fields(rq, org_password_fields, &p->in, NULL, e) ||
	    org_password_read(rq->db, rq->user, &p->c, e))
		return e->code;
	router_release_reader(rq);
	if (org_password_verify(rq->user, p->in.old_password, p->in.new_password, &p->c, e)) {
		sodium_memzero(&p->c, sizeof(p->c));
		return e->code;
	}
	rq->prep = p;
	return 0;
}

/* ROUTE: PUT /api/v1/me/password {"old_password","new_password"}   tx: write, prep */
int
org_api_password(struct req *rq, struct resp *rs, struct err *e)
{
	struct password_prep *p = rq->prep;
	int rc = org_password_change(rq->db, rq->user, &p->c, e);
	int64_t secs = p->c.retry_after;

	sodium_memzero(&p->c, sizeof(p->c));
	if (rc == ERR_RATE && retry_after(rq, rs, secs, e))
		return e->code;
	if (rc == ERR_RATE || rc == ERR_RULE)
		return resp_error(rs, e);	/* commit the counted failure */
	if (rc)
		return e->code;
	return resp_json(rs, 200, json_object());
}

int
org_api_logout(struct req *rq, struct resp *rs, struct err *e)
{
	if (org_logout(rq->db, rq->user, e))
		return e->code;
	session_set_cookie(rq, NULL);
	return resp_json(rs, 200, json_object());
}

int
org_api_me(struct req *rq, struct resp *rs, struct err *e)
{
	(void)e;
	return resp_json(rs, 200, me_json(rq->user, rq->user->csrf_token));
}

/*
** GET /session: /me for whoever asks, {"user": null} when nobody is signed in,
** so a page that only wants to know (the login page on load) meets no 401.
*/
int
org_api_session(struct req *rq, struct resp *rs, struct err *e)
{
	if (!rq->user)
		return resp_json(rs, 200, json_pack("{s:n}", "user"));
	return org_api_me(rq, rs, e);
}
