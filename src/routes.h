/*
** routes.h: every HTTP handler's prototype (as redis's server.h declares every
** command), and the route table routes.c defines. Handlers live in
** modules/<domain>/<domain>_api.c; each is `parse -> call domain -> encode`.
*/
#ifndef HOUQIN_ROUTES_H
#define HOUQIN_ROUTES_H

#include "core/validate.h"
#include "http/router.h"

struct req;
struct resp;
struct err;

/* THE route table. */
extern const struct route_table houqin_routes;

#define HANDLER(name) int name(struct req *rq, struct resp *rs, struct err *e)

/* modules/org/org_api.c */
extern const struct field org_login_fields[], org_password_fields[], org_token_fields[],
	org_dept_fields[], org_user_update_fields[], org_user_create_fields[], org_roles_fields[];
HANDLER(org_api_health);
HANDLER(org_api_login);
HANDLER(org_api_logout);
HANDLER(org_api_me);
HANDLER(org_api_password);
HANDLER(org_api_token_create);
HANDLER(org_api_dept_list);
HANDLER(org_api_dept_get);
HANDLER(org_api_dept_create);
HANDLER(org_api_dept_update);
HANDLER(org_api_user_list);
HANDLER(org_api_user_get);
HANDLER(org_api_user_create);
HANDLER(org_api_user_update);
HANDLER(org_api_user_roles);

#endif
