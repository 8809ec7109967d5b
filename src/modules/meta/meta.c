/*
** modules/meta/meta.c: OpenAPI 3.1 from THE route table and the field specs.
** Owns no tables. Everything here is derived from data the router already
** enforces, so the document cannot promise what the server does not do.
*/
#include "modules/meta/meta.h"
#include "core/auth.h"
#include "core/export.h"
#include "core/limits.h"
#include "core/validate.h"
#include "http/router.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define PREFIX "/api/v1/"

int
meta_openapi_path(const char *pattern, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = pattern; *p; p++) {
		if (p[0] == ':' && p > pattern && p[-1] == '/') {
			size_t n = strcspn(p + 1, "/");
			if (o + n + 2 >= size)
				return -1;
			out[o++] = '{';
			memcpy(out + o, p + 1, n);
			o += n;
			out[o++] = '}';
			p += n;
			continue;
		}
		if (o + 1 >= size)
			return -1;
		out[o++] = *p;
	}
	out[o] = '\0';
	return 0;
}

/* "get_api_v1_users_id_roles" */
static void
operation_id(const struct route *r, char *out, size_t size)
{
	size_t o = 0;

	for (const char *m = r->method; *m && o + 1 < size; m++)
		out[o++] = (char)tolower((unsigned char)*m);
	for (const char *p = r->pattern; *p && o + 1 < size; p++) {
		if (*p == ':')
			continue;
		out[o++] = isalnum((unsigned char)*p) ? *p : '_';
	}
	out[o] = '\0';
}

static json_t *
string_list(const char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* type, or [type, "null"] for an optional field that accepts null. */
static json_t *
type_of(const char *type, int nullable)
{
	return nullable ? json_pack("[ss]", type, "null") : json_string(type);
}

static json_t *
field_schema(const struct field *f)
{
	int nullable = !f->required;
	json_t *s = json_object();

	switch (f->type) {
	case F_STR:
		json_object_set_new(s, "type", type_of("string", nullable));
		json_object_set_new(s, "maxLength", json_integer(f->max ? f->max : TEXT_MAX));
		if (f->min > 0 || f->required)
			json_object_set_new(s, "minLength", json_integer(f->min > 0 ? f->min : 1));
		if (f->required)
			json_object_set_new(s, "pattern", json_string("\\S"));	/* not blank */
		break;
	case F_ID:
		json_object_set_new(s, "type", type_of("integer", nullable));
		json_object_set_new(s, "minimum", json_integer(1));
		break;
	case F_INT:
		json_object_set_new(s, "type", type_of("integer", nullable));
		json_object_set_new(s, "minimum", json_integer(f->min));
		json_object_set_new(s, "maximum", json_integer(f->max));
		break;
	case F_BOOL:
		json_object_set_new(s, "type", json_string("boolean"));
		break;
	case F_ENUM:
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "enum", string_list(f->enums));
		break;
	case F_TIME:
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "format", json_string("date-time"));
		break;
	case F_STRLIST: {
		json_t *items = json_pack("{ss}", "type", "string");
		if (f->enums)
			json_object_set_new(items, "enum", string_list(f->enums));
		json_object_set_new(s, "type", json_string("array"));
		json_object_set_new(s, "items", items);
		json_object_set_new(s, "maxItems", json_integer(64));
		break;
	}
	default:
		break;	/* any JSON value: the handler checks its shape */
	}
	return s;
}

json_t *
meta_body_schema(const struct field *spec)
{
	json_t *props = json_object(), *req = json_array();

	for (const struct field *f = spec; f && f->name; f++) {
		json_object_set_new(props, f->name, field_schema(f));
		if (f->required)
			json_array_append_new(req, json_string(f->name));
	}
	return json_pack("{ss so so sb}", "type", "object", "properties", props, "required", req,
			 "additionalProperties", 0);
}

static json_t *
roles_json(unsigned roles)
{
	json_t *a = json_array();

	if (roles == ANY_USER)
		json_array_append_new(a, json_string("*"));
	for (int i = 0; role_codes[i]; i++)
		if (roles & (1u << i))
			json_array_append_new(a, json_string(role_codes[i]));
	return a;
}

static json_t *
ref(const char *kind, const char *name)
{
	char p[96];

	snprintf(p, sizeof(p), "#/components/%s/%s", kind, name);
	return json_pack("{ss}", "$ref", p);
}

static const struct {
	const char *status, *name, *description;
} errors[] = {
	{ "400", "BadRequest", "请求参数有误；error.fields 逐项说明错误字段" },
	{ "401", "Unauthorized", "未登录或会话已过期" },
	{ "403", "Forbidden", "角色无权访问，或缺少/错误的 X-CSRF-Token" },
	{ "404", "NotFound", "资源不存在（或不属于本机关）" },
	{ "409", "Conflict", "数据已被他人修改（updated_at 不符）、重复或非法状态转换" },
	{ "413", "TooLarge", "请求体过大" },
	{ "422", "Unprocessable", "格式正确但不符合业务规则" },
	{ "500", "Internal", "服务器内部错误（不应出现）" },
	{ "503", "Unavailable", "存储暂不可用，请稍后重试（Retry-After）" },
};

/* ?from=&to= as req_time_range reads them on every list (R_RANGE routes). */
static void
add_range_params(json_t *parameters)
{
	static const char range_doc[] =
		"日期 YYYY-MM-DD（上海时间的一天）或 ISO-8601 时刻。to 含当天/当时刻："
		"日期表示到该日结束，时刻表示到该毫秒为止；即查询 from ≤ 时间 < to 的次日零点"
		"（或 to + 1 毫秒）。";

	json_object_set_new(parameters, "from",
			    json_pack("{ss ss sb ss s{ss}}", "name", "from", "in", "query",
				      "required", 0, "description", range_doc, "schema", "type",
				      "string"));
	json_object_set_new(parameters, "to",
			    json_pack("{ss ss sb ss s{ss}}", "name", "to", "in", "query",
				      "required", 0, "description", range_doc, "schema", "type",
				      "string"));
}

static json_t *
components(void)
{
	char format_desc[160];
	json_t *responses = json_object();
	json_t *error = json_pack(
		"{ss s[s] s{s{ss s[ss] s{s{ss ss} s{ss} s{ss s{ss} ss}}}}}", "type", "object",
		"required", "error", "properties", "error", "type", "object", "required", "code",
		"message", "properties", "code", "type", "string", "description",
		"稳定的错误代码，如 forbidden、stale、export_too_large", "message", "type",
		"string", "fields", "type", "object", "additionalProperties", "type", "string",
		"description", "字段名 → 中文错误说明");

	snprintf(format_desc, sizeof(format_desc),
		 "导出：同样筛选条件下的全部行（不分页，最多 %d 行）的文件", EXPORT_MAX);
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		json_object_set_new(responses, errors[i].name,
				    json_pack("{ss s{s{so}}}", "description", errors[i].description,
					      "content", "application/json", "schema",
					      ref("schemas", "Error")));
	json_t *c = json_pack(
		"{s{s{ss ss ss ss} s{ss ss ss}} s{so} so s{"
		"s{ss ss sb ss s{ss si si}} s{ss ss sb ss s{ss si si si}}"
		" s{ss ss sb ss s{ss s[ss]}} s{ss ss sb ss s{ss}}}}",
		"securitySchemes", "cookie", "type", "apiKey", "in", "cookie", "name",
		"houqin_session", "description", "登录（POST /api/v1/session）后的会话 Cookie",
		"bearer", "type", "http", "scheme", "bearer", "description",
		"API 令牌（POST /api/v1/tokens）", "schemas", "Error", error, "responses",
		responses, "parameters", "page", "name", "page", "in", "query", "required", 0,
		"description", "页码，从 1 开始", "schema", "type", "integer", "minimum", 1,
		"default", 1, "per_page", "name", "per_page", "in", "query", "required", 0,
		"description", "每页条数（超过上限按上限）", "schema", "type", "integer", "minimum",
		1, "maximum", PAGE_MAX, "default", PAGE_DEFAULT, "format", "name", "format", "in",
		"query", "required", 0, "description", format_desc, "schema",
		"type", "string", "enum", "csv", "xlsx", "csrf", "name", "X-CSRF-Token", "in",
		"header", "required", 0, "description",
		"以会话 Cookie 认证时的写请求必填（登录或 GET /api/v1/me 返回的 csrf_token）",
		"schema", "type", "string");

	if (c)
		add_range_params(json_object_get(c, "parameters"));
	return c;
}


static int
has_params(const char *pattern)
{
	return !!strstr(pattern, "/:");
}

static json_t *
path_params(const char *pattern)
{
	json_t *a = json_array();

	for (const char *p = strstr(pattern, "/:"); p; p = strstr(p + 1, "/:")) {
		char name[64];
		size_t n = strcspn(p + 2, "/");
		int id;

		if (n >= sizeof(name))
			continue;
		memcpy(name, p + 2, n);
		name[n] = '\0';
		id = strcmp(name, "id") == 0 || (n > 3 && strcmp(name + n - 3, "_id") == 0);
		json_array_append_new(a, json_pack("{ss ss sb so}", "name", name, "in", "path",
						   "required", 1, "schema",
						   id ? json_pack("{ss si}", "type", "integer",
								  "minimum", 1)
						      : json_pack("{ss}", "type", "string")));
	}
	return a;
}

static json_t *
export_columns(const struct export_col *cols)
{
	json_t *a = json_array();

	for (const struct export_col *c = cols; c->key; c++)
		json_array_append_new(a, json_pack("{ss ss}", "key", c->key, "header", c->header));
	return a;
}

static json_t *
operation(const struct route *r)
{
	char id[160];
	json_t *op, *params = path_params(r->pattern), *resp = json_object(), *ok_content;
	int public = (r->flags & R_PUBLIC) != 0, write = (r->flags & R_WRITE) != 0;
	const char *tag_start = r->pattern + strlen(PREFIX);
	size_t tag_len = strcspn(tag_start, "/");
	char tag[64];

	snprintf(tag, sizeof(tag), "%.*s", (int)(tag_len < sizeof(tag) ? tag_len : 0), tag_start);
	operation_id(r, id, sizeof(id));
	op = json_pack("{ss ss s[s] so sb}", "summary", r->summary, "operationId", id, "tags",
		       tag, "x-roles", roles_json(r->roles), "x-write", write);
	if (public)
		json_object_set_new(op, "security", json_array());
	else
		json_object_set_new(op, "security",
				    json_pack("[{s[]} {s[]}]", "cookie", "bearer"));
	if (write && !public)
		json_array_append_new(params, ref("parameters", "csrf"));
	ok_content = json_pack("{s{s{}}}", "application/json", "schema");
	if (r->flags & R_RANGE) {
		json_array_append_new(params, ref("parameters", "from"));
		json_array_append_new(params, ref("parameters", "to"));
	}
	if (r->cols) {
		json_array_append_new(params, ref("parameters", "page"));
		json_array_append_new(params, ref("parameters", "per_page"));
		json_array_append_new(params, ref("parameters", "format"));
		json_object_set_new(ok_content, "text/csv",
				    json_pack("{s{ss}}", "schema", "type", "string"));
		json_object_set_new(ok_content, export_mime(EXPORT_XLSX),
				    json_pack("{s{ss ss}}", "schema", "type", "string",
					      "contentEncoding", "binary"));
		json_object_set_new(op, "x-export-columns", export_columns(r->cols));
	}
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (r->body) {
		json_object_set_new(op, "requestBody",
				    json_pack("{sb s{s{so}}}", "required", 1, "content",
					      "application/json", "schema",
					      meta_body_schema(r->body)));
	}
	if (r->body_max)
		json_object_set_new(op, "x-body-max", json_integer((json_int_t)r->body_max));
	json_object_set_new(resp, "2XX", json_pack("{ss so}", "description", "成功", "content",
						  ok_content));
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		const char *s = errors[i].status;
		int want = 1;

		if (strcmp(s, "401") == 0 || strcmp(s, "403") == 0)
			want = !public;
		else if (strcmp(s, "404") == 0)
			want = has_params(r->pattern);
		else if (strcmp(s, "409") == 0)
			want = write;
		else if (strcmp(s, "413") == 0)
			want = r->body || r->body_max;
		else if (strcmp(s, "422") == 0)
			want = write || r->cols;
		if (want)
			json_object_set_new(resp, s, ref("responses", errors[i].name));
	}
	json_object_set_new(op, "responses", resp);
	return op;
}

static const char *
method_key(const char *m, char *out, size_t size)
{
	size_t i;

	for (i = 0; m[i] && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)m[i]);
	out[i] = '\0';
	return out;
}

json_t *
meta_openapi(const struct route_table *t, const char *version)
{
	json_t *paths = json_object(), *doc;

	for (size_t i = 0; i < t->n; i++) {
		const struct route *r = &t->routes[i];
		char path[URL_PATH_MAX], m[16];
		json_t *item;

		if (meta_openapi_path(r->pattern, path, sizeof(path)))
			continue;
		item = json_object_get(paths, path);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, path, item);
		}
		json_object_set_new(item, method_key(r->method, m, sizeof(m)), operation(r));
	}
	doc = json_pack("{ss s{ss ss ss} s[{ss}] s[{s[]} {s[]}] so so}", "openapi", "3.1.0",
			"info", "title", "Houqin 机关后勤保障服务管理平台 API", "version",
			version ? version : "dev", "description",
			"由路由表生成。x-roles 列出可访问的角色（\"*\" 为任何已登录用户）；"
			"x-write 为写操作（在一个事务中执行并写审计记录）；"
			"列表接口支持 ?format=csv|xlsx 导出，x-export-columns 为导出列。"
			"时间为 ISO-8601（+08:00），金额为整数分。",
			"servers", "url", "/", "security", "cookie", "bearer", "paths", paths,
			"components", components());
	return doc;
}
