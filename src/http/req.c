/*
** http/req.c: request accessors.
*/
#include "http/req.h"
#include "core/export.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/json.h"
#include "core/msg.h"
#include "core/parse.h"
#include "core/validate.h"

#include <stdio.h>
#include <strings.h>
#include <string.h>

const char *
req_header(const struct req *rq, const char *name)
{
	for (int i = 0; i < rq->nheaders; i++)
		if (strcasecmp(rq->headers[i].name, name) == 0)
			return rq->headers[i].value;
	return NULL;
}

const char *
req_query(const struct req *rq, const char *name)
{
	for (int i = 0; i < rq->nquery; i++)
		if (strcmp(rq->query[i].name, name) == 0)
			return rq->query[i].value;
	return NULL;
}

int
req_lang(const struct req *rq)
{
	return (int)msg_lang_parse(req_header(rq, "Accept-Language"));
}

const char *
req_cookie(const struct req *rq, const char *name)
{
	const char *h = req_header(rq, "Cookie");
	size_t nlen = strlen(name);

	while (h && *h) {
		while (*h == ' ' || *h == ';')
			h++;
		const char *end = strchr(h, ';');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		if (len > nlen && strncmp(h, name, nlen) == 0 && h[nlen] == '=')
			return arena_strndup(rq->arena, h + nlen + 1, len - nlen - 1);
		h = end;
	}
	return NULL;
}

int
req_path_id(const struct req *rq, int i, int64_t *out, struct err *e)
{
	if (i >= rq->nparams || parse_i64(rq->params[i], 1, INT64_MAX, out))
		return err_set(e, ERR_NOT_FOUND, NULL, "资源不存在");
	return 0;
}

int
req_json(struct req *rq, json_t **out, struct err *e)
{
	json_error_t je;

	if (!rq->json) {
		if (!rq->body_len)
			return err_setx(e, ERR_BAD_JSON, "bad_json", NULL, "请求体为空，应为 JSON");
		rq->json = jarena(rq->arena, json_loadb(rq->body, rq->body_len,
						       JSON_REJECT_DUPLICATES, &je));
		if (!rq->json)
			return err_setx(e, ERR_BAD_JSON, "bad_json", NULL,
					"JSON 格式错误（第 %d 行第 %d 列）", je.line, je.column);
	}
	*out = rq->json;
	return 0;
}

int
req_json_fields(struct req *rq, const struct field *spec, void *out, uint32_t *present,
		struct err *e)
{
	json_t *j;

	return req_json(rq, &j, e) || val_object(rq->arena, j, spec, out, present, e) ? e->code : 0;
}

int
req_query_i64(const struct req *rq, const char *name, int64_t min, int64_t max, int64_t *out,
	      struct err *e)
{
	const char *v = req_query(rq, name);

	if (!v || !*v)
		return 0;
	if (parse_i64(v, min, max, out))
		return err_set(e, ERR_INVALID, name, "应为 %lld 到 %lld 之间的整数", (long long)min,
			       (long long)max);
	return 0;
}

/* One bound of req_time_range: 0 when absent or good, else a field message. */
static int
time_bound(const struct req *rq, const char *name, int is_to, int64_t *out, struct err *e)
{
	const char *s = req_query(rq, name);

	*out = 0;
	if (!s || !*s)
		return 0;
	if (iso_to_ms(s, out)) {
		err_field(e, name, "应为日期（YYYY-MM-DD）或 ISO-8601 时间");
		return ERR_INVALID;
	}
	if (is_to)
		*out += strlen(s) == 10 ? DAY_MS : 1;
	return 0;
}

int
req_time_range(const struct req *rq, int64_t *from_ms, int64_t *to_ms, struct err *e)
{
	int bad = time_bound(rq, "from", 0, from_ms, e) | time_bound(rq, "to", 1, to_ms, e);

	if (!bad && *from_ms && *to_ms && *from_ms >= *to_ms) {
		err_field(e, "to", "结束时间不能早于开始时间");
		bad = 1;
	}
	if (!bad)
		return 0;
	e->code = ERR_INVALID;
	e->slug = "invalid";
	err_msg_from_field(e);
	return ERR_INVALID;
}

int
req_page(const struct req *rq, struct page *pg, struct err *e)
{
	const char *pp = req_query(rq, "per_page");
	int64_t per = PAGE_DEFAULT;

	pg->page = 1;
	if (rq->export_format) {
		pg->per_page = export_max_rows();
		pg->offset = 0;
		return 0;
	}
	if (req_query_i64(rq, "page", 1, 1000000, &pg->page, e))
		return e->code;
	/* clamp rather than reject: a client asking for 10000 gets PAGE_MAX */
	if (pp && *pp && parse_i64(pp, 1, INT64_MAX, &per))
		return err_set(e, ERR_INVALID, "per_page", "应为正整数");
	pg->per_page = per > PAGE_MAX ? PAGE_MAX : per;
	pg->offset = (pg->page - 1) * pg->per_page;
	return 0;
}
