/*
** modules/org/org_api.c: HTTP handlers for sessions, departments and users.
** Thin: parse and validate -> call org.c -> encode.
*/
#include "http/router.h"
#include "core/export.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/msg.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"
#include "http/session.h"
#include "modules/org/org.h"
#include "modules/org/org_int.h"

#include <sodium.h>
#include <stddef.h>
#include <string.h>

#ifndef HOUQIN_VERSION
#define HOUQIN_VERSION "dev"
#endif

struct lang_in {
	const char *lang;
};
static const char *const lang_codes[] = { "zh-CN", "en", "auto", NULL };
static const struct field org_lang_fields[] = {
	{ .name = "lang", .type = F_ENUM, .required = 1, .enums = lang_codes,
	  .off = offsetof(struct lang_in, lang) },
	{ 0 }
};

struct token_in {
	const char *name;
	int64_t expires_in_days;
};
static const struct field org_token_fields[] = {
	{ .name = "name", .type = F_STR, .required = 1, .max = NAME_MAX_CHARS,
	  .off = offsetof(struct token_in, name) },
	{ .name = "expires_in_days", .type = F_INT, .min = 1, .max = TOKEN_DAYS_MAX,
	  .off = offsetof(struct token_in, expires_in_days) },
	{ 0 }
};

/* A reset and a lock name the version of the user the admin read. */
struct user_seen_in {
	int64_t updated_at;
};
static const struct field org_user_reset_fields[] = {
	FIELD_UPDATED_AT(struct user_seen_in, updated_at), { 0 }
};
struct lock_in {
	int locked;
	int64_t updated_at;
};
static const struct field org_user_lock_fields[] = {
	{ .name = "locked", .type = F_BOOL, .required = 1, .off = offsetof(struct lock_in, locked) },
	FIELD_UPDATED_AT(struct lock_in, updated_at),
	{ 0 }
};

/* Order matches DEPT_F_* bits. POST takes these; PUT also requires the updated_at it read. */
#define DEPT_FIELDS \
	{ .name = "parent_id", .type = F_ID, .off = offsetof(struct dept_in, parent_id) }, \
	{ .name = "name", .type = F_STR, .required = 1, .max = NAME_MAX_CHARS, \
	  .off = offsetof(struct dept_in, name) }, \
	{ .name = "code", .type = F_STR, .max = 32, .off = offsetof(struct dept_in, code) }, \
	{ .name = "sort_order", .type = F_INT, .min = 0, .max = 100000, \
	  .off = offsetof(struct dept_in, sort_order) }, \
	{ .name = "active", .type = F_BOOL, .off = offsetof(struct dept_in, active) }
static const struct field org_dept_fields[] = { DEPT_FIELDS, { 0 } };
static const struct field org_dept_update_fields[] = {
	DEPT_FIELDS, FIELD_UPDATED_AT(struct dept_in, updated_at), { 0 }
};

/* Order matches USER_F_* bits; username is create-only. */
static const struct field org_user_update_fields[] = {
	{ .name = "display_name", .type = F_STR, .required = 1, .max = NAME_MAX_CHARS,
	  .off = offsetof(struct user_in, display_name) },
	{ .name = "phone", .type = F_STR, .max = PHONE_MAX_CHARS, .off = offsetof(struct user_in, phone) },
	{ .name = "department_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct user_in, department_id) },
	{ .name = "active", .type = F_BOOL, .off = offsetof(struct user_in, active) },
	FIELD_UPDATED_AT(struct user_in, updated_at),
	{ 0 }
};

static const struct field org_user_create_fields[] = {
	{ .name = "username", .type = F_STR, .required = 1, .max = 32,
	  .off = offsetof(struct user_in, username) },
	{ .name = "display_name", .type = F_STR, .required = 1, .max = NAME_MAX_CHARS,
	  .off = offsetof(struct user_in, display_name) },
	{ .name = "phone", .type = F_STR, .max = PHONE_MAX_CHARS, .off = offsetof(struct user_in, phone) },
	{ .name = "department_id", .type = F_ID, .required = 1,
	  .off = offsetof(struct user_in, department_id) },
	{ .name = "password", .type = F_STR, .required = 1, .max = PASSWORD_MAX,
	  .off = offsetof(struct user_in, password) },
	{ 0 }
};

struct roles_in {
	struct strlist roles;
};
static const struct field org_roles_fields[] = {
	{ .name = "roles", .type = F_STRLIST, .required = 1, .enums = role_codes,
	  .off = offsetof(struct roles_in, roles) },
	{ 0 }
};

/* 用户列表 export (GET /api/v1/users?format=csv|xlsx). */
static const char *const active_codes[] = { "true", "false", NULL };
static const char *const active_labels[] = { "启用", "停用", NULL };
static const struct export_col org_user_cols[] = {
	{ .key = "username", .header = "登录名" },
	{ .key = "display_name", .header = "姓名" },
	{ .key = "phone", .header = "电话" },
	{ .key = "department.name", .header = "部门" },
	{ .key = "roles", .header = "角色", .codes = role_codes, .labels = role_labels },
	{ .key = "active", .header = "状态", .kind = EXP_BOOL, .codes = active_codes,
	  .labels = active_labels },
	{ .key = "updated_at", .header = "更新时间", .kind = EXP_TIME },
	{ 0 }
};

static const struct export_col org_dept_cols[] = {
	{ .key = "id", .header = "编号" },
	{ .key = "name", .header = "部门名称" },
	{ .key = "code", .header = "部门编码" },
	{ .key = "parent_id", .header = "上级部门编号" },
	{ .key = "sort_order", .header = "排序" },
	{ .key = "active", .header = "状态", .kind = EXP_BOOL, .codes = active_codes,
	  .labels = active_labels },
	{ .key = "updated_at", .header = "更新时间", .kind = EXP_TIME },
	{ 0 }
};

static int
org_api_health(struct req *rq, struct resp *rs, struct err *e)
{
	(void)rq;
	(void)e;
	return resp_json(rs, 200, json_pack("{ss ss}", "status", "ok", "version", HOUQIN_VERSION));
}

/* ROUTE: PUT /api/v1/me/language {"lang":"zh-CN"|"en"|"auto"}   tx: write */
static int
org_api_language(struct req *rq, struct resp *rs, struct err *e)
{
	struct lang_in in = { 0 };
	const char *lang;

	if (req_json_fields(rq, org_lang_fields, &in, NULL, e))
		return e->code;
	lang = strcmp(in.lang, "auto") == 0 ? NULL : in.lang;
	if (org_user_set_lang(rq->db, rq->user, lang, e))
		return e->code;
	rs->lang = lang ? msg_lang_from_name(lang) : req_lang(rq);	/* this answer too */
	return resp_json(rs, 200, json_pack("{so}", "lang", jstr_or_null(lang)));
}

static int
org_api_token_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct token_in in = { .expires_in_days = TOKEN_DAYS_DEFAULT };
	struct api_token t;
	char token[65];
	json_t *out;

	if (req_json_fields(rq, org_token_fields, &in, NULL, e) ||
	    org_token_create(rq->db, rq->user, in.name, in.expires_in_days, token, &t, e))
		return e->code;
	out = org_token_json(&t);
	json_object_set_new(out, "token", json_string(token));	/* shown this once */
	return resp_json(rs, 201, out);
}

static int
org_api_token_list(struct req *rq, struct resp *rs, struct err *e)
{
	const char *all = req_query(rq, "all");
	struct token_filter f = { .all = all && strcmp(all, "1") == 0 };
	struct api_token *items;
	struct page pg;
	int64_t total = 0;
	size_t n;
	json_t *arr;

	if (req_page(rq, &pg, e) || req_query_i64(rq, "user_id", 1, INT64_MAX, &f.user_id, e))
		return e->code;
	f.limit = pg.per_page;
	f.offset = pg.offset;
	if (org_token_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, org_token_json(&items[i]));
	return resp_list(rs, arr, total, pg.page, pg.per_page);
}

static int
org_api_token_revoke(struct req *rq, struct resp *rs, struct err *e)
{
	struct api_token t;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || org_token_revoke(rq->db, rq->arena, rq->user, id, &t, e))
		return e->code;
	return resp_json(rs, 200, org_token_json(&t));
}

static int
org_api_dept_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct dept *items;
	size_t n;
	json_t *arr;

	if (org_dept_list(rq->db, rq->arena, rq->user, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, org_dept_json(&items[i]));
	return resp_list(rs, arr, (int64_t)n, 1, (int64_t)n);
}

static int
org_api_dept_get(struct req *rq, struct resp *rs, struct err *e)
{
	struct dept d;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || org_dept_get(rq->db, rq->arena, rq->user, id, &d, e))
		return e->code;
	return resp_json(rs, 200, org_dept_json(&d));
}

static int
org_api_dept_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct dept_in in = { 0 };
	struct dept d;
	uint32_t present;

	if (req_json_fields(rq, org_dept_fields, &in, &present, e))
		return e->code;
	if (!(present & DEPT_F_PARENT) || !in.parent_id)
		return err_set(e, ERR_INVALID, "parent_id", "请选择上级部门");
	if (org_dept_create(rq->db, rq->arena, rq->user, &in, &d, e))
		return e->code;
	return resp_json(rs, 201, org_dept_json(&d));
}

static int
org_api_dept_update(struct req *rq, struct resp *rs, struct err *e)
{
	struct dept_in in = { 0 };
	struct dept d;
	uint32_t present;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) ||
	    req_json_fields(rq, org_dept_update_fields, &in, &present, e))
		return e->code;
	if (org_dept_update(rq->db, rq->arena, rq->user, id, &in, present, &d, e))
		return e->code;
	return resp_json(rs, 200, org_dept_json(&d));
}

static int
user_filter(struct req *rq, struct user_filter *f, struct page *pg, struct err *e)
{
	const char *active = req_query(rq, "active");
	const char *role = req_query(rq, "role");

	memset(f, 0, sizeof(*f));
	f->active = -1;
	f->q = req_query(rq, "q");
	if (req_page(rq, pg, e) ||
	    req_query_i64(rq, "department_id", 1, INT64_MAX, &f->department_id, e))
		return e->code;
	if (role && *role) {
		if (!role_bit(role))
			return err_set(e, ERR_INVALID, "role", "未知角色");
		f->role = role;
	}
	if (active && *active) {
		if (strcmp(active, "true") != 0 && strcmp(active, "false") != 0)
			return err_set(e, ERR_INVALID, "active", "应为 true 或 false");
		f->active = strcmp(active, "true") == 0;
	}
	f->limit = pg->per_page;
	f->offset = pg->offset;
	return 0;
}

static int
org_api_user_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct user_filter f;
	struct page pg;
	struct user *items;
	size_t n;
	int64_t total = 0;
	json_t *arr;

	if (user_filter(rq, &f, &pg, e) ||
	    org_user_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, org_user_json(&items[i]));
	return resp_list(rs, arr, total, pg.page, pg.per_page);
}

static int
org_api_user_get(struct req *rq, struct resp *rs, struct err *e)
{
	struct user u;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || org_user_get(rq->db, rq->arena, rq->user, id, &u, e))
		return e->code;
	return resp_json(rs, 200, org_user_json(&u));
}

/* The new user's password is checked and hashed here, off the writer thread. */
static int
org_api_user_create_prep(struct req *rq, struct resp *rs, struct err *e)
{
	struct user_in in = { 0 };
	char *hash = arena_alloc(rq->arena, PASSWORD_HASH_MAX);

	(void)rs;
	if (!hash)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (req_json_fields(rq, org_user_create_fields, &in, NULL, e))
		return e->code;
	router_release_reader(rq);
	if (auth_password_policy_user(in.password, in.username, "password", e) ||
	    auth_password_hash(in.password, hash, PASSWORD_HASH_MAX, e))
		return e->code;
	rq->prep = hash;
	return 0;
}

static int
org_api_user_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct user_in in = { 0 };
	struct user u;

	if (req_json_fields(rq, org_user_create_fields, &in, NULL, e))
		return e->code;
	in.password_hash = rq->prep;
	if (org_user_create(rq->db, rq->arena, rq->user, &in, 0, &u, e))
		return e->code;
	return resp_json(rs, 201, org_user_json(&u));
}

static int
org_api_user_update(struct req *rq, struct resp *rs, struct err *e)
{
	struct user_in in = { 0 };
	struct user u;
	uint32_t present;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) ||
	    req_json_fields(rq, org_user_update_fields, &in, &present, e) ||
	    org_user_update(rq->db, rq->arena, rq->user, id, &in, present, &u, e))
		return e->code;
	return resp_json(rs, 200, org_user_json(&u));
}

/* A reset's one-time password and its hash: made by prep, off the writer thread. */
struct reset_prep {
	int64_t updated_at;
	char password[ONE_TIME_PASSWORD_LEN + 1];
	char hash[256];
};

static int
org_api_reset_prep(struct req *rq, struct resp *rs, struct err *e)
{
	struct user_seen_in in = { 0 };
	struct reset_prep *p = arena_alloc(rq->arena, sizeof(*p));
	struct user u;
	int64_t id;

	(void)rs;
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	/* refuse before the slow hash what the write would refuse anyway (it checks again) */
	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, org_user_reset_fields, &in, NULL, e) ||
	    org_user_get(rq->db, rq->arena, rq->user, id, &u, e) ||
	    org_check_account_admin(rq->user, &u, e))
		return e->code;
	router_release_reader(rq);
	p->updated_at = in.updated_at;
	org_one_time_password(p->password, sizeof(p->password));
	if (auth_password_hash(p->password, p->hash, sizeof(p->hash), e))
		return e->code;
	rq->prep = p;
	return 0;
}

static int
org_api_reset(struct req *rq, struct resp *rs, struct err *e)
{
	struct reset_prep *p = rq->prep;
	struct user u;
	int64_t id;
	int rc;

	if (req_path_id(rq, 0, &id, e))
		return e->code;
	rc = org_user_reset_password(rq->db, rq->arena, rq->user, id, p->updated_at, p->hash, &u,
				     e);
	if (!rc)
		rc = resp_json(rs, 200, json_pack("{ss so}", "password", p->password, "user",
						  org_user_json(&u)));
	sodium_memzero(p, sizeof(*p));
	return rc;
}

static int
org_api_user_lock(struct req *rq, struct resp *rs, struct err *e)
{
	struct lock_in in = { 0 };
	struct user u;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, org_user_lock_fields, &in, NULL, e) ||
	    org_user_set_lock(rq->db, rq->arena, rq->user, id, in.locked, in.updated_at, &u, e))
		return e->code;
	return resp_json(rs, 200, org_user_json(&u));
}

static int
org_api_user_roles(struct req *rq, struct resp *rs, struct err *e)
{
	struct roles_in in = { 0 };
	struct user u;
	unsigned roles = 0;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, org_roles_fields, &in, NULL, e))
		return e->code;
	for (size_t i = 0; i < in.roles.n; i++)
		roles |= role_bit(in.roles.v[i]);
	if (org_user_set_roles(rq->db, rq->arena, rq->user, id, roles, &u, e))
		return e->code;
	return resp_json(rs, 200, org_user_json(&u));
}

/* Account writes: the sysadmin's on business users, the secadmin's on admins (org_check_account_admin). */
#define ACCOUNT_ADMINS (ROLE_SYSADMIN | ROLE_SECADMIN)

/* 单位设置: "" or null unsets the base URL; updated_at once saved (org_settings_put). */
static const struct field org_settings_fields[] = {
	{ .name = "public_base_url", .type = F_STR, .max = ORG_BASE_URL_MAX,
	  .off = offsetof(struct agency_settings, public_base_url) },
	{ .name = "updated_at", .type = F_TIME, .off = offsetof(struct agency_settings, updated_at) },
	{ 0 }
};

/* GET /agency-settings: every signed-in user (the label page warns while the URL is unset). */
static int
org_api_settings_get(struct req *rq, struct resp *rs, struct err *e)
{
	struct agency_settings s;

	if (org_settings_get(rq->db, rq->arena, rq->user->agency_id, &s, e))
		return e->code;
	return resp_json(rs, 200, org_settings_json(&s));
}

static int
org_api_settings_put(struct req *rq, struct resp *rs, struct err *e)
{
	struct agency_settings in = { 0 }, out;

	if (req_json_fields(rq, org_settings_fields, &in, NULL, e) ||
	    org_settings_put(rq->db, rq->arena, rq->user, &in, &out, e))
		return e->code;
	return resp_json(rs, 200, org_settings_json(&out));
}

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit[, prep] */
const struct route org_routes[] = {
	{ "GET", "/api/v1/health", org_api_health, ANY_USER, R_PUBLIC, "服务健康检查", NULL, NULL, 0 },
	{ "POST", "/api/v1/session", org_api_login, ANY_USER, R_PUBLIC | R_WRITE, "登录", org_login_fields, NULL, 0, org_prep_login },
	{ "DELETE", "/api/v1/session", org_api_logout, ANY_USER, R_PUBLIC | R_WRITE | R_BEFORE_PW_CHANGE, "退出登录", NULL, NULL, 0 },
	{ "GET", "/api/v1/me", org_api_me, ANY_USER, R_BEFORE_PW_CHANGE, "当前用户", NULL, NULL, 0 },
	{ "GET", "/api/v1/session", org_api_session, ANY_USER, R_PUBLIC | R_BEFORE_PW_CHANGE, "当前会话（未登录时 user 为 null）", NULL, NULL, 0 },
	{ "PUT", "/api/v1/me/language", org_api_language, ANY_USER, R_WRITE, "设置界面语言", org_lang_fields, NULL, 0 },
	{ "PUT", "/api/v1/me/password", org_api_password, ANY_USER, R_WRITE | R_BEFORE_PW_CHANGE, "修改密码", org_password_fields, NULL, 0, org_prep_password },
	{ "GET", "/api/v1/tokens", org_api_token_list, ANY_USER, 0, "API 令牌列表（本人；安全管理员可查本单位）", NULL, NULL, 0 },
	{ "POST", "/api/v1/tokens", org_api_token_create, ANY_USER, R_WRITE, "创建 API 令牌", org_token_fields, NULL, 0 },
	{ "DELETE", "/api/v1/tokens/:id", org_api_token_revoke, ANY_USER, R_WRITE, "吊销 API 令牌", NULL, NULL, 0 },
	{ "GET", "/api/v1/departments", org_api_dept_list, ANY_USER, 0, "部门列表（树）", NULL, org_dept_cols, 0 },
	{ "GET", "/api/v1/departments/:id", org_api_dept_get, ANY_USER, 0, "部门详情", NULL, NULL, 0 },
	{ "POST", "/api/v1/departments", org_api_dept_create, ROLE_SYSADMIN, R_WRITE, "新建部门", org_dept_fields, NULL, 0 },
	{ "PUT", "/api/v1/departments/:id", org_api_dept_update, ROLE_SYSADMIN, R_WRITE, "修改部门", org_dept_update_fields, NULL, 0 },
	{ "GET", "/api/v1/users", org_api_user_list, ORG_READERS, 0, "用户列表", NULL, org_user_cols, 0 },
	{ "GET", "/api/v1/users/:id", org_api_user_get, ORG_READERS, 0, "用户详情", NULL, NULL, 0 },
	{ "POST", "/api/v1/users", org_api_user_create, ROLE_SYSADMIN, R_WRITE, "新建用户", org_user_create_fields, NULL, 0, org_api_user_create_prep },
	{ "PUT", "/api/v1/users/:id", org_api_user_update, ACCOUNT_ADMINS, R_WRITE, "修改用户", org_user_update_fields, NULL, 0 },
	{ "POST", "/api/v1/users/:id/password-reset", org_api_reset, ACCOUNT_ADMINS, R_WRITE, "重置密码", org_user_reset_fields, NULL, 0, org_api_reset_prep },
	{ "PUT", "/api/v1/users/:id/lock", org_api_user_lock, ACCOUNT_ADMINS, R_WRITE, "锁定或解锁用户", org_user_lock_fields, NULL, 0 },
	{ "PUT", "/api/v1/users/:id/roles", org_api_user_roles, ROLE_SECADMIN, R_WRITE, "设置角色", org_roles_fields, NULL, 0 },
	/* Settings are the system administrator's (DESIGN §4: users, departments, settings). */
	{ "GET", "/api/v1/agency-settings", org_api_settings_get, ANY_USER, 0, "单位设置（二维码公开访问地址等）", NULL, NULL, 0 },
	{ "PUT", "/api/v1/agency-settings", org_api_settings_put, ROLE_SYSADMIN, R_WRITE, "修改单位设置", org_settings_fields, NULL, 0 },
	{ 0 }
};
