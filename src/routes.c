/*
** routes.c: THE route table. Every route, its handler, the roles allowed (one
** place for authorisation), and whether it writes (the router then owns the
** transaction). Scope rules (own / department / agency) are applied by the
** domain functions, which receive the actor.
*/
#include "routes.h"
#include "core/auth.h"

#define ADMIN_READERS (ROLE_SYSADMIN | ROLE_SECADMIN | ROLE_AUDITOR | ROLE_SUPERVISOR)

static const struct route routes[] = {
	{ "GET", "/api/v1/health", org_api_health, ANY_USER, R_PUBLIC, "服务健康检查" },
	{ "POST", "/api/v1/session", org_api_login, ANY_USER, R_PUBLIC | R_WRITE, "登录" },
	{ "DELETE", "/api/v1/session", org_api_logout, ANY_USER, R_PUBLIC | R_WRITE, "退出登录" },
	{ "GET", "/api/v1/me", org_api_me, ANY_USER, 0, "当前用户" },
	{ "PUT", "/api/v1/me/password", org_api_password, ANY_USER, R_WRITE, "修改密码" },
	{ "POST", "/api/v1/tokens", org_api_token_create, ANY_USER, R_WRITE, "创建 API 令牌" },
	{ "GET", "/api/v1/departments", org_api_dept_list, ANY_USER, 0, "部门列表（树）" },
	{ "GET", "/api/v1/departments/:id", org_api_dept_get, ANY_USER, 0, "部门详情" },
	{ "POST", "/api/v1/departments", org_api_dept_create, ROLE_SYSADMIN, R_WRITE, "新建部门" },
	{ "PUT", "/api/v1/departments/:id", org_api_dept_update, ROLE_SYSADMIN, R_WRITE, "修改部门" },
	{ "GET", "/api/v1/users", org_api_user_list, ADMIN_READERS, 0, "用户列表" },
	{ "GET", "/api/v1/users/:id", org_api_user_get, ADMIN_READERS, 0, "用户详情" },
	{ "POST", "/api/v1/users", org_api_user_create, ROLE_SYSADMIN, R_WRITE, "新建用户" },
	{ "PUT", "/api/v1/users/:id", org_api_user_update, ROLE_SYSADMIN, R_WRITE, "修改用户" },
	{ "PUT", "/api/v1/users/:id/roles", org_api_user_roles, ROLE_SECADMIN, R_WRITE, "设置角色" },
};

const struct route_table houqin_routes = { routes, sizeof(routes) / sizeof(routes[0]) };
