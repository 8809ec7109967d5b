/*
** http/resp.c: response building and the one table from error codes to HTTP.
*/
#include "http/resp.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/export.h"
#include "core/json.h"
#include "core/jw.h"
#include "core/limits.h"
#include "core/msg.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	int code, status;
	const char *slug, *message, *message_en;
} err_table[] = {
	{ ERR_INVALID, 400, "invalid", "请求参数有误",
	  "invalid request" },
	{ ERR_BAD_JSON, 400, "bad_json", "请求体不是有效的 JSON",
	  "the request body is not valid JSON" },
	{ ERR_UNAUTH, 401, "unauthorized", "请先登录",
	  "please log in first" },
	{ ERR_FORBIDDEN, 403, "forbidden", "没有权限执行此操作",
	  "you are not allowed to do this" },
	{ ERR_NOT_FOUND, 404, "not_found", "资源不存在",
	  "not found" },
	{ ERR_METHOD, 405, "method_not_allowed", "不支持此请求方法",
	  "method not allowed" },
	{ ERR_CONFLICT, 409, "conflict", "数据已被修改或存在冲突",
	  "the data was changed by someone else or conflicts" },
	{ ERR_TOO_LARGE, 413, "too_large", "请求体过大",
	  "request body too large" },
	{ ERR_UNSUPPORTED, 415, "unsupported_media_type", "不支持的文件类型",
	  "unsupported file type" },
	{ ERR_RULE, 422, "rule_violation", "不符合业务规则",
	  "violates a business rule" },
	{ ERR_RATE, 429, "rate_limited", "请求过于频繁，请稍后再试",
	  "too many requests, try again later" },
	{ ERR_DB, 500, "internal", "服务器内部错误",
	  "internal server error" },
	{ ERR_NOMEM, 503, "storage_unavailable", "服务暂不可用",
	  "service temporarily unavailable" },
	{ ERR_UNAVAILABLE, 503, "storage_unavailable", "存储暂不可用，请稍后重试",
	  "storage temporarily unavailable, try again later" },
};

static int
find(int code)
{
	for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == code)
			return (int)i;
	return -1;
}

int
resp_status_for(int code)
{
	int i = find(code);

	return i < 0 ? 500 : err_table[i].status;
}

int
resp_list(struct resp *rs, json_t *items, int64_t total, int64_t page, int64_t per_page)
{
	return resp_json(rs, 200, json_pack("{so sI sI sI}", "items", items, "total",
					    (json_int_t)total, "page", (json_int_t)page,
					    "per_page", (json_int_t)per_page));
}

/* A jw for rs: text into b, or a tree when an export keeps the JSON. */
static void
start_jw(struct resp *rs, struct jw *w, struct buf *b)
{
	jw_start(w, rs->keep_json ? NULL : b);
}

/* End a jw started by start_jw: the tree through resp_json, or the text as the body. */
static int
finish_jw(struct resp *rs, int status, struct jw *w, struct buf *b)
{
	char *body;

	if (!w->out) {
		json_t *root = jw_finish(w);
		return root ? resp_json(rs, status, root) : ERR_NOMEM;
	}
	if (jw_failed(w) || w->depth) {
		buf_free(b);
		return ERR_NOMEM;
	}
	body = buf_to_arena(b, rs->arena);
	if (!body)
		return ERR_NOMEM;
	return resp_body(rs, status, "application/json; charset=utf-8", body, strlen(body));
}

int
resp_write(struct resp *rs, int status, void (*write)(struct jw *w, const void *item),
	   const void *item)
{
	struct buf b = BUF_INIT((size_t)-1);
	struct jw w;

	start_jw(rs, &w, &b);
	write(&w, item);
	return finish_jw(rs, status, &w, &b);
}

int
resp_list_items(struct resp *rs, void (*write_item)(struct jw *w, const void *item),
		const void *items, size_t n, size_t size, int64_t total, int64_t page,
		int64_t per_page)
{
	struct buf b = BUF_INIT((size_t)-1);
	struct jw w;

	start_jw(rs, &w, &b);
	jw_object(&w, NULL);
	jw_array(&w, "items");
	for (size_t i = 0; i < n; i++)
		write_item(&w, (const char *)items + i * size);
	jw_end(&w);
	jw_int(&w, "total", total);	/* the keys and order of resp_list */
	jw_int(&w, "page", page);
	jw_int(&w, "per_page", per_page);
	jw_end(&w);
	return finish_jw(rs, 200, &w, &b);
}

int
resp_body(struct resp *rs, int status, const char *content_type, const char *body, size_t len)
{
	rs->status = status;
	rs->content_type = content_type;
	rs->body = body;
	rs->len = len;
	return 0;
}

static void
decref(void *p)
{
	json_decref(p);
}

int
resp_json(struct resp *rs, int status, json_t *j)
{
	if (rs->keep_json && status == 200 && j) {
		if (arena_defer(rs->arena, decref, j))
			return ERR_NOMEM;	/* j was released */
		rs->json = j;
		return resp_body(rs, status, "application/json; charset=utf-8", "", 0);
	}
	char *copy = jdump_api(rs->arena, j);

	json_decref(j);
	if (!copy)
		return ERR_NOMEM;
	return resp_body(rs, status, "application/json; charset=utf-8", copy, strlen(copy));
}

int
resp_header(struct resp *rs, const char *name, const char *value)
{
	if (rs->nheaders >= RESP_HEADERS_MAX)
		return ERR_NOMEM;
	rs->headers[rs->nheaders].name = name;
	rs->headers[rs->nheaders].value = value;
	rs->nheaders++;
	return 0;
}

int
resp_error(struct resp *rs, const struct err *e)
{
	int i = find(e->code);
	int internal = i < 0 || err_table[i].status >= 500;
	const char *slug = e->slug && !internal ? e->slug : (i < 0 ? "internal" : err_table[i].slug);
	const char *msg = !internal && e->msg[0]
				  ? msg_pick(rs->lang, e->msg, e->msg_en)
				  : i < 0 ? msg_pick(rs->lang, "服务器内部错误", "internal server error")
				  : msg_pick(rs->lang, err_table[i].message, err_table[i].message_en);
	json_t *err = json_pack("{s:s, s:s}", "code", slug, "message", msg);

	if (err && e->nfields > 0 && !internal) {
		json_t *fields = json_object();
		for (int k = 0; k < e->nfields; k++) {
			const struct err_field *f = &e->fields[k];
			json_object_set_new(fields, f->name,
					    json_string(msg_pick(rs->lang, f->msg, f->msg_en)));
		}
		json_object_set_new(err, "fields", fields);
	}
	if (e->code == ERR_UNAVAILABLE || e->code == ERR_NOMEM)
		resp_header(rs, "Retry-After", "5");
	return resp_json(rs, i < 0 ? 500 : err_table[i].status, json_pack("{s:o}", "error", err));
}

/* RFC 5987 value: UTF-8 bytes, everything but attr-char percent-encoded. */
static char *
ext_value(struct arena *a, const char *name, const char *ext)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = BUF_INIT(4096);
	char *out = NULL;
	int rc = buf_adds(&b, "UTF-8''");

	for (const unsigned char *p = (const unsigned char *)name; !rc && *p; p++) {
		char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p))
			rc = buf_add(&b, p, 1);
		else
			rc = buf_add(&b, esc, 3);
	}
	if (!rc)
		rc = buf_printf(&b, ".%s", ext);
	if (!rc)
		out = arena_strdup(a, b.p);
	buf_free(&b);
	return out;
}

/*
** A route summary as a file and sheet name: the words before any bracketed
** usage note ("报修工单列表（?scope=…）" -> "报修工单列表"), "export" when empty.
*/
static const char *
file_title(struct arena *a, const char *summary)
{
	size_t n = summary ? strcspn(summary, "(") : 0;
	const char *full = summary ? strstr(summary, "（") : NULL;

	if (full && (size_t)(full - summary) < n)
		n = (size_t)(full - summary);
	return n ? arena_strndup(a, summary, n) : "export";
}

int
resp_export(struct resp *rs, int format, const struct export_col *cols, const char *summary,
	    struct err *e)
{
	const char *name = file_title(rs->arena, summary);
	const json_t *items = json_is_array(rs->json) ? rs->json
						       : json_object_get(rs->json, "items");
	json_int_t total = json_integer_value(json_object_get(rs->json, "total"));
	struct buf out = BUF_INIT(EXPORT_BYTES_MAX);
	const char *ext = export_ext(format), *value;
	char *file, *disp;
	size_t len;
	int rc;

	if (!name)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	if (!json_is_array(items) || !ext || !cols)
		return err_set(e, ERR_DB, NULL, "export: the handler kept no list");
	if (total > export_max_rows())
		return err_setx(e, ERR_RULE, "export_too_large", "format",
				"一次最多导出 %d 行，当前条件共 %lld 行，请缩小筛选范围",
				export_max_rows(), (long long)total);
	rc = format == EXPORT_XLSX ? export_xlsx(items, cols, name, &out, e)
				   : export_csv(items, cols, &out);
	if (rc) {
		buf_free(&out);
		if (rc == ERR_TOO_LARGE)
			return err_setx(e, ERR_RULE, "export_too_large", "format",
					"导出文件超过 %d MB，请缩小筛选范围",
					EXPORT_BYTES_MAX / (1024 * 1024));
		return e->code ? e->code : err_set(e, rc, NULL, "export failed");
	}
	file = buf_take(&out, &len);
	if (arena_defer(rs->arena, free, file))
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	/* the day it was exported (Asia/Shanghai) in the name: 报修工单列表_2026-12-02.xlsx */
	int day = cal_local_date(now_ms());
	char date[16];
	snprintf(date, sizeof(date), "%04d-%02d-%02d", day / 10000, day / 100 % 100, day % 100);
	const char *dated = arena_printf(rs->arena, "%s_%s", name, date);
	value = dated ? ext_value(rs->arena, dated, ext) : NULL;
	disp = value ? arena_printf(rs->arena,
				    "attachment; filename=\"export_%s.%s\"; filename*=%s", date,
				    ext, value) : NULL;
	if (!disp || resp_header(rs, "Content-Disposition", disp))
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rs->json = NULL;
	return resp_body(rs, 200, export_mime(format), file, len);
}
