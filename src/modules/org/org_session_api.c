/*
** modules/org/org_session_api.c: HTTP handlers for login, logout and the
** current user (GET /api/v1/me). The routes are in org_api.c's table.
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
#include "http/session.h"
#include "modules/org/org.h"

#include <stddef.h>

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

static json_t *
me_json(const struct actor *a, const char *csrf)
{
	return json_pack("{so so so}", "user", org_actor_json(a), "csrf_token", jstr_or_null(csrf),
			 "lang", jstr_or_null(a->lang));
}

int
org_api_login(struct req *rq, struct resp *rs, struct err *e)
{
	struct login_in in = { 0 };
	struct login_out out = { 0 };
	struct actor a;
	int rc;

	if (req_json_fields(rq, org_login_fields, &in, NULL, e))
		return e->code;
	rc = org_login(rq->db, in.username, in.password, rq->ip, &out, e);
	if (rc == ERR_RATE) {
		const char *secs = arena_printf(rq->arena, "%lld", (long long)out.retry_after);
		if (!secs || resp_header(rs, "Retry-After", secs))
			return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	if (rc == ERR_UNAUTH || rc == ERR_RATE)
		return resp_error(rs, e);	/* commit the failure count and its audit row */
	if (rc || auth_load_actor(rq->db, rq->arena, out.user_id, &a, e))
		return e->code;
	session_set_cookie(rq, out.token);
	return resp_json(rs, 200, me_json(&a, out.csrf));
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
