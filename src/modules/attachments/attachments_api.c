/*
** modules/attachments/attachments_api.c: HTTP handlers of the attachments
** engine (core/files.h holds the rules; this file only moves bytes in and
** out). Upload: POST /api/v1/attachments?kind=photo|document with either
**   - multipart/form-data holding exactly one part named "file", or
**   - the raw bytes as the body, the name in X-Filename (UTF-8,
**     percent-encoded; optional).
** The client's Content-Type never decides the stored type.
** Downloads: metadata and content answer 404 to anyone who may not read the
** attachment (files_get), so ids do not reveal what exists.
*/
#include "http/router.h"
#include "core/validate.h"
#include "core/export.h"
#include "core/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/files.h"
#include "core/multipart.h"
#include "core/parse.h"
#include "http/req.h"
#include "http/resp.h"

#include <inttypes.h>
#include <string.h>

#define PARTS_MAX 8

struct upload {
	const char *filename;	/* NULL = let the engine name it */
	const char *data;
	size_t len;
};

/* The single "file" part of a multipart/form-data body. */
static int
read_multipart(struct req *rq, const char *ct, struct upload *up, struct err *e)
{
	struct mp_part parts[PARTS_MAX];
	const char *boundary;
	int n, found = -1;

	if (mp_boundary(rq->arena, ct, &boundary, e) ||
	    mp_parse(rq->arena, rq->body, rq->body_len, boundary, parts, PARTS_MAX, &n, e))
		return e->code;
	for (int i = 0; i < n; i++) {
		if (strcmp(parts[i].name, "file") != 0)
			continue;
		if (found >= 0)
			return err_setx(e, ERR_INVALID, "invalid", "file", "一次只能上传一个文件");
		found = i;
	}
	if (found < 0)
		return err_setx(e, ERR_INVALID, "missing_file", "file", "缺少名为 file 的文件");
	up->filename = parts[found].filename;
	up->data = parts[found].data;
	up->len = parts[found].len;
	return 0;
}

/* The body itself; the name from X-Filename (percent-encoded UTF-8). */
static int
read_raw(struct req *rq, struct upload *up, struct err *e)
{
	const char *xf = req_header(rq, "X-Filename");

	if (xf && *xf) {
		size_t n = strlen(xf);
		char *name = arena_alloc(rq->arena, n + 1);
		if (!name)
			return err_set(e, ERR_NOMEM, NULL, "out of memory");
		if (url_decode(xf, n, name, 0) < 0)
			return err_setx(e, ERR_INVALID, "invalid", "filename",
					"X-Filename 应为百分号编码的 UTF-8 文件名");
		up->filename = name;
	}
	up->data = rq->body;
	up->len = rq->body_len;
	if (!up->len)
		return err_setx(e, ERR_INVALID, "missing_file", "file", "缺少文件内容");
	return 0;
}

/*
** POST /api/v1/attachments?kind=: 201 with files_meta_json and Location.
** 400 field kind / file / filename, 413 too_large, 415 unsupported_media_type
** (files_store). Runs in the router's write transaction.
*/
static int
att_api_upload(struct req *rq, struct resp *rs, struct err *e)
{
	const char *kind = req_query(rq, "kind");
	const char *ct = req_header(rq, "Content-Type");
	struct upload up = { 0 };
	struct files_meta m;
	const char *loc;

	if (!kind || !*kind)
		return err_set(e, ERR_INVALID, "kind", "请指定附件类别（photo 或 document）");
	if (!files_kind(kind))
		return err_set(e, ERR_INVALID, "kind", "附件类别应为 photo 或 document");
	if (mp_is_form_data(ct) ? read_multipart(rq, ct, &up, e) : read_raw(rq, &up, e))
		return e->code;
	if (files_store(rq->db, rq->arena, rq->user, kind, up.filename, up.data, up.len, &m, e))
		return e->code;
	loc = arena_printf(rq->arena, "/api/v1/attachments/%" PRId64, m.id);
	if (loc)
		resp_header(rs, "Location", loc);
	return resp_json(rs, 201, files_meta_json(&m));
}

/* GET /api/v1/attachments/:id: the metadata, or 404 when not visible. */
static int
att_api_get(struct req *rq, struct resp *rs, struct err *e)
{
	struct files_meta m;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || files_get(rq->db, rq->arena, rq->user, id, &m, e))
		return e->code;
	return resp_json(rs, 200, files_meta_json(&m));
}

/* RFC 5987 attr-char: sent as is in filename*; everything else is %XX. */
static int
attr_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$&+-.^_`|~", c));
}

/*
** inline or attachment, an ASCII fallback name (anything else becomes '_')
** and the exact UTF-8 name in filename* (RFC 6266).
*/
static const char *
disposition(struct arena *a, const char *type, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(name);
	char *ascii = arena_alloc(a, n + 1), *pct = arena_alloc(a, n * 3 + 1);
	size_t o = 0;

	if (!ascii || !pct)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		ascii[i] = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char)c : '_';
		if (attr_char(c)) {
			pct[o++] = (char)c;
		} else {
			pct[o++] = '%';
			pct[o++] = hex[c >> 4];
			pct[o++] = hex[c & 15];
		}
	}
	ascii[n] = '\0';
	pct[o] = '\0';
	return arena_printf(a, "%s; filename=\"%s\"; filename*=UTF-8''%s", type, ascii, pct);
}

/*
** GET /api/v1/attachments/:id/content: the bytes with the detected type;
** inline for images, attachment otherwise; ETag is the content hash (304 on
** If-None-Match). 404 when not visible.
*/
static int
att_api_content(struct req *rq, struct resp *rs, struct err *e)
{
	struct files_meta m;
	const char *data, *etag, *inm, *cd;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || files_get(rq->db, rq->arena, rq->user, id, &m, e))
		return e->code;
	etag = arena_printf(rq->arena, "\"%s\"", m.hash);
	cd = disposition(rq->arena, strncmp(m.mime, "image/", 6) == 0 ? "inline" : "attachment",
			 m.filename);
	if (!etag || !cd)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	resp_header(rs, "ETag", etag);
	inm = req_header(rq, "If-None-Match");
	if (inm && strstr(inm, etag))	/* the blob never changes: its hash is the tag */
		return resp_body(rs, 304, NULL, "", 0);
	if (files_read(rq->arena, &m, &data, e))
		return e->code;
	resp_header(rs, "Content-Disposition", cd);
	return resp_body(rs, 200, m.mime, data, (size_t)m.size);
}

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route attachments_routes[] = {
	{ "POST", "/api/v1/attachments", att_api_upload, ROLE_BUSINESS, R_WRITE, "上传附件（?kind=photo|document）", NULL, NULL, FILES_BODY_MAX },
	{ "GET", "/api/v1/attachments/:id", att_api_get, ROLE_BUSINESS_READERS, 0, "附件信息", NULL, NULL, 0 },
	{ "GET", "/api/v1/attachments/:id/content", att_api_content, ROLE_BUSINESS_READERS, 0, "下载附件", NULL, NULL, 0 },
	{ 0 }
};
