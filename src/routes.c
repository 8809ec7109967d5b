/*
** routes.c: THE route table. Every route, its handler, the roles allowed (one
** place for authorisation), and whether it writes (the router then owns the
** transaction). Scope rules (own / department / agency) are applied by the
** domain functions, which receive the actor.
*/
#include "routes.h"
#include "core/auth.h"

#define ADMIN_READERS (ROLE_SYSADMIN | ROLE_SECADMIN | ROLE_AUDITOR | ROLE_SUPERVISOR)

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
static const struct route routes[] = {
	{ "GET", "/api/v1/health", org_api_health, ANY_USER, R_PUBLIC, "服务健康检查", NULL, NULL, 0 },
	{ "POST", "/api/v1/session", org_api_login, ANY_USER, R_PUBLIC | R_WRITE, "登录", org_login_fields, NULL, 0 },
	{ "DELETE", "/api/v1/session", org_api_logout, ANY_USER, R_PUBLIC | R_WRITE, "退出登录", NULL, NULL, 0 },
	{ "GET", "/api/v1/me", org_api_me, ANY_USER, 0, "当前用户", NULL, NULL, 0 },
	{ "PUT", "/api/v1/me/password", org_api_password, ANY_USER, R_WRITE, "修改密码", org_password_fields, NULL, 0 },
	{ "POST", "/api/v1/tokens", org_api_token_create, ANY_USER, R_WRITE, "创建 API 令牌", org_token_fields, NULL, 0 },
	{ "GET", "/api/v1/departments", org_api_dept_list, ANY_USER, 0, "部门列表（树）", NULL, NULL, 0 },
	{ "GET", "/api/v1/departments/:id", org_api_dept_get, ANY_USER, 0, "部门详情", NULL, NULL, 0 },
	{ "POST", "/api/v1/departments", org_api_dept_create, ROLE_SYSADMIN, R_WRITE, "新建部门", org_dept_fields, NULL, 0 },
	{ "PUT", "/api/v1/departments/:id", org_api_dept_update, ROLE_SYSADMIN, R_WRITE, "修改部门", org_dept_fields, NULL, 0 },
	{ "GET", "/api/v1/users", org_api_user_list, ADMIN_READERS, 0, "用户列表", NULL, NULL, 0 },
	{ "GET", "/api/v1/users/:id", org_api_user_get, ADMIN_READERS, 0, "用户详情", NULL, NULL, 0 },
	{ "POST", "/api/v1/users", org_api_user_create, ROLE_SYSADMIN, R_WRITE, "新建用户", org_user_create_fields, NULL, 0 },
	{ "PUT", "/api/v1/users/:id", org_api_user_update, ROLE_SYSADMIN, R_WRITE, "修改用户", org_user_update_fields, NULL, 0 },
	{ "PUT", "/api/v1/users/:id/roles", org_api_user_roles, ROLE_SECADMIN, R_WRITE, "设置角色", org_roles_fields, NULL, 0 },
};

const struct route_table houqin_routes = { routes, sizeof(routes) / sizeof(routes[0]) };
