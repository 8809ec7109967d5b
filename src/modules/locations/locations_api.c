/*
** modules/locations/locations_api.c: HTTP handlers for the location tree and
** its QR labels. Thin: parse and validate -> call locations.c -> encode.
*/
#include "http/router.h"
#include "core/export.h"
#include "core/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/json.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/locations/locations.h"
#include "modules/org/org.h"

#include <stddef.h>
#include <string.h>

#define QR_HOST_DEFAULT "127.0.0.1:8080"
#define QR_HOST_MAX 261		/* a DNS name (253) + ":65535", or a bracketed IPv6 */

static const struct field loc_create_fields[] = {
	{ .name = "kind", .type = F_ENUM, .required = 1, .enums = loc_kind_codes,
	  .off = offsetof(struct location_in, kind) },
	{ .name = "parent_id", .type = F_ID, .off = offsetof(struct location_in, parent_id) },
	{ .name = "name", .type = F_STR, .required = 1, .max = LOC_NAME_MAX,
	  .off = offsetof(struct location_in, name) },
	{ .name = "code", .type = F_STR, .max = LOC_CODE_MAX,
	  .off = offsetof(struct location_in, code) },
	{ .name = "sort_order", .type = F_INT, .min = 0, .max = 100000,
	  .off = offsetof(struct location_in, sort_order) },
	{ 0 }
};

/* Absent fields keep their current value; "code": "" clears the code. */
static const struct field loc_update_fields[] = {
	{ .name = "kind", .type = F_ENUM, .enums = loc_kind_codes,
	  .off = offsetof(struct location_in, kind) },
	{ .name = "parent_id", .type = F_ID, .off = offsetof(struct location_in, parent_id) },
	{ .name = "name", .type = F_STR, .max = LOC_NAME_MAX,
	  .off = offsetof(struct location_in, name) },
	{ .name = "code", .type = F_STR, .max = LOC_CODE_MAX,
	  .off = offsetof(struct location_in, code) },
	{ .name = "sort_order", .type = F_INT, .min = 0, .max = 100000,
	  .off = offsetof(struct location_in, sort_order) },
	{ .name = "active", .type = F_BOOL, .off = offsetof(struct location_in, active) },
	FIELD_UPDATED_AT(struct location_in, updated_at),
	{ 0 }
};

/* 位置列表 export (GET /api/v1/locations?format=csv|xlsx): flat, in tree order. */
static const char *const kind_labels[] = { "楼栋", "楼层", "房间", NULL };
static const char *const active_codes[] = { "true", "false", NULL };
static const char *const active_labels[] = { "启用", "停用", NULL };
static const struct export_col loc_cols[] = {
	{ .key = "id", .header = "编号" },
	{ .key = "path", .header = "位置" },
	{ .key = "kind", .header = "类型", .codes = loc_kind_codes, .labels = kind_labels },
	{ .key = "code", .header = "编码" },
	{ .key = "sort_order", .header = "排序" },
	{ .key = "active", .header = "状态", .kind = EXP_BOOL, .codes = active_codes,
	  .labels = active_labels },
	{ .key = "updated_at", .header = "更新时间", .kind = EXP_TIME },
	{ 0 }
};

static json_t *
flat_json(const struct location *items, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, loc_json(&items[i]));
	return json_pack("{so sI}", "items", arr, "total", (json_int_t)n);
}

/* GET /locations: {"items":[tree]}; an export gets the flat list with paths. */
static int
loc_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct location *items;
	int64_t active = 0;
	size_t n;

	if (req_query_i64(rq, "active", 0, 1, &active, e) ||
	    loc_list(rq->db, rq->arena, rq->user, (int)active, &items, &n, e))
		return e->code;
	if (rq->export_format)
		return resp_json(rs, 200, flat_json(items, n));
	return resp_json(rs, 200, json_pack("{so}", "items", loc_tree_json(items, n)));
}

static int
loc_api_get(struct req *rq, struct resp *rs, struct err *e)
{
	struct location l;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || loc_get(rq->db, rq->arena, rq->user, id, &l, e))
		return e->code;
	return resp_json(rs, 200, loc_json(&l));
}

static int
loc_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct location_in in = { .active = 1 };
	struct location l;

	if (req_json_fields(rq, loc_create_fields, &in, NULL, e) ||
	    loc_save(rq->db, rq->arena, rq->user, 0, &in, &l, e))
		return e->code;
	return resp_json(rs, 201, loc_json(&l));
}

/* The current node is the default of every field the body leaves out. */
static int
loc_api_update(struct req *rq, struct resp *rs, struct err *e)
{
	struct location cur, l;
	struct location_in in;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || loc_get(rq->db, rq->arena, rq->user, id, &cur, e))
		return e->code;
	in = (struct location_in){ .parent_id = cur.parent_id, .kind = cur.kind,
				   .name = cur.name, .code = cur.code,
				   .sort_order = cur.sort_order, .active = cur.active };
	if (req_json_fields(rq, loc_update_fields, &in, NULL, e) ||
	    loc_save(rq->db, rq->arena, rq->user, id, &in, &l, e))
		return e->code;
	return resp_json(rs, 200, loc_json(&l));
}

/* The Host header when it is a plain host[:port] (no userinfo, path, spaces), else the default. */
static const char *
qr_host(const struct req *rq)
{
	const char *h = req_header(rq, "Host");
	size_t n = h ? strlen(h) : 0;

	if (n == 0 || n > QR_HOST_MAX)
		return QR_HOST_DEFAULT;
	for (const char *p = h; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(".-:[]", *p)))
			return QR_HOST_DEFAULT;
	return h;
}

/*
** The URL a label's QR code opens: under the agency's public base URL (单位设置) once set,
** since a label outlives the session that printed it; until then under the printer's Host.
*/
static const char *
qr_url(struct req *rq, int64_t id, struct err *e)
{
	struct agency_settings s;
	const char *url;

	if (org_settings_get(rq->db, rq->arena, rq->user->agency_id, &s, e))
		return NULL;
	if (s.public_base_url)
		url = arena_printf(rq->arena, "%s/m/report?location=%lld", s.public_base_url,
				   (long long)id);
	else
		url = arena_printf(rq->arena, "http://%s/m/report?location=%lld", qr_host(rq),
				   (long long)id);
	if (!url)
		err_set(e, ERR_NOMEM, NULL, "out of memory");
	return url;
}

/* GET /locations/:id/qr.svg: the label's QR code, opening the phone report form. */
static int
loc_api_qr(struct req *rq, struct resp *rs, struct err *e)
{
	struct location l;
	const char *url, *svg;
	size_t len;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || loc_get(rq->db, rq->arena, rq->user, id, &l, e))
		return e->code;
	url = qr_url(rq, l.id, e);
	if (!url || loc_qr_svg(rq->arena, url, &svg, &len, e))
		return e->code;
	return resp_body(rs, 200, "image/svg+xml", svg, len);
}

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route locations_routes[] = {
	{ "GET", "/api/v1/locations", loc_api_list, ANY_USER, 0, "位置树（楼栋、楼层、房间）", NULL, loc_cols, 0 },
	{ "POST", "/api/v1/locations", loc_api_create, ROLE_OFFICE | ROLE_SYSADMIN, R_WRITE, "新建位置", loc_create_fields, NULL, 0 },
	{ "GET", "/api/v1/locations/:id", loc_api_get, ANY_USER, 0, "位置详情", NULL, NULL, 0 },
	{ "PUT", "/api/v1/locations/:id", loc_api_update, ROLE_OFFICE | ROLE_SYSADMIN, R_WRITE, "修改位置", loc_update_fields, NULL, 0 },
	{ "GET", "/api/v1/locations/:id/qr.svg", loc_api_qr, ANY_USER, 0, "位置二维码（SVG，扫码报修）", NULL, NULL, 0 },
	{ 0 }
};
