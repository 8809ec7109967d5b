/*
** modules/audit/audit_api.c: HTTP handlers of the audit log browser, chain
** verification and entity history. Thin: parse the query -> call auditlog.c
** (or core/audit.c's aud_verify) -> encode.
*/
#include "http/router.h"
#include "core/validate.h"
#include "core/auth.h"
#include "core/audit.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/export.h"
#include "core/json.h"
#include "core/parse.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/audit/auditlog.h"

#include <stdio.h>
#include <string.h>

#define ACTOR_Q_MAX 64	/* characters of the actor search text */

static void
bad_code(const char *v, const char *name, int *bad, struct err *e)
{
	if (v && *v && !aud_code_ok(v)) {
		err_field(e, name, "取值无效");
		*bad = 1;
	}
}

/* Query -> filter; every bad parameter is listed in e->fields (400). */
static int
audit_filter(struct req *rq, struct aud_filter *f, struct page *pg, struct err *e)
{
	const char *entity = req_query(rq, "entity"), *action = req_query(rq, "action");
	const char *actor = req_query(rq, "actor");
	struct err one = { 0 };
	int bad = 0;

	memset(f, 0, sizeof(*f));
	if (req_page(rq, pg, &one)) {
		err_field(e, one.nfields ? one.fields[0].name : "page", "%s",
			  one.nfields ? one.fields[0].msg : "取值无效");
		bad = 1;
	}
	if (req_query_i64(rq, "actor_id", 1, INT64_MAX, &f->actor_id, &one)) {
		err_field(e, "actor_id", "应为正整数");
		bad = 1;
	}
	if (req_query_i64(rq, "entity_id", 1, INT64_MAX, &f->entity_id, &one)) {
		err_field(e, "entity_id", "应为正整数");
		bad = 1;
	}
	bad_code(entity, "entity", &bad, e);
	bad_code(action, "action", &bad, e);
	if (actor && *actor) {
		long chars = utf8_chars(actor, strlen(actor));
		if (chars < 0 || chars > ACTOR_Q_MAX) {
			err_field(e, "actor", "不能超过 %d 个字符", ACTOR_Q_MAX);
			bad = 1;
		}
		f->actor = actor;
	}
	if (req_time_range(rq, &f->from_ms, &f->to_ms, e))
		bad = 1;
	if (f->entity_id && !(entity && *entity)) {
		err_field(e, "entity_id", "按记录编号查询时须同时指定对象类型");
		bad = 1;
	}
	if (bad) {
		e->code = ERR_INVALID;
		e->slug = "invalid";
		err_msg_from_field(e);
		return ERR_INVALID;
	}
	f->entity = entity && *entity ? entity : NULL;
	f->action = action && *action ? action : NULL;
	f->limit = pg->per_page;
	f->offset = pg->offset;
	return 0;
}

static json_t *
page_json(const struct aud_item *items, size_t n, int full, int64_t total,
	  const struct page *pg)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, aud_item_json(&items[i], full));
	return json_pack("{so sI sI sI}", "items", arr, "total", (json_int_t)total, "page",
			 (json_int_t)pg->page, "per_page", (json_int_t)pg->per_page);
}

/* ?format=csv|xlsx on GET /audit (same filters): the record without its hashes. */
static const struct export_col aud_cols[] = {
	{ .key = "id", .header = "序号" },
	{ .key = "at", .header = "时间", .kind = EXP_TIME },
	{ .key = "actor.display_name", .header = "操作人" },
	{ .key = "actor.username", .header = "登录名" },
	{ .key = "action", .header = "操作" },
	{ .key = "entity", .header = "对象" },
	{ .key = "entity_id", .header = "对象编号" },
	{ .key = "ip", .header = "IP 地址" },
	{ 0 }
};

static int
aud_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct aud_filter f;
	struct page pg;
	struct aud_item *items;
	size_t n;
	int64_t total;

	if (audit_filter(rq, &f, &pg, e) ||
	    aud_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	return resp_json(rs, 200, page_json(items, n, 1, total, &pg));
}

/*
** {ok, count, chains, last_checkpoint_id} and, when broken, first_broken_id,
** problem (English) and, for a per-agency chain's row, broken_chain and
** broken_position.
*/
static int
aud_api_verify(struct req *rq, struct resp *rs, struct err *e)
{
	struct aud_report r;
	json_t *o;

	if (aud_verify_report(rq->db, &r, e))
		return e->code;
	o = json_pack("{sb sI sI sI}", "ok", !r.problem, "count", (json_int_t)r.count,
		      "chains", (json_int_t)r.chains, "last_checkpoint_id", (json_int_t)r.last_cp_id);
	if (o && r.problem) {
		json_object_set_new(o, "first_broken_id", json_integer(r.bad_id));
		if (r.bad_position) {
			json_object_set_new(o, "broken_chain", json_integer(r.bad_chain));
			json_object_set_new(o, "broken_position", json_integer(r.bad_position));
		}
		json_object_set_new(o, "problem", json_string(aud_problem_text(r.problem)));
	}
	return resp_json(rs, 200, o);
}

/* ?format=csv|xlsx on GET /audit/checkpoints. */
static const struct export_col cp_cols[] = {
	{ .key = "head_id", .header = "截至记录" },
	{ .key = "at", .header = "时间", .kind = EXP_TIME },
	{ .key = "head_hash", .header = "链头哈希" },
	{ .key = "signature", .header = "签名" },
	{ .key = "file_ok", .header = "与锚定文件一致", .kind = EXP_BOOL },
	{ 0 }
};

static int
aud_api_checkpoints(struct req *rq, struct resp *rs, struct err *e)
{
	struct aud_cp_item *items;
	struct page pg;
	size_t n;
	int64_t total;
	char pk[65];
	json_t *arr;

	if (req_page(rq, &pg, e) ||
	    aud_checkpoints(rq->db, rq->arena, pg.per_page, pg.offset, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, json_pack("{sI so ss ss sb}", "head_id",
						     (json_int_t)items[i].head_id, "at",
						     jtime(items[i].at), "head_hash", items[i].head_hash,
						     "signature", items[i].signature, "file_ok",
						     items[i].file_ok));
	aud_public_key_hex(pk);
	return resp_json(rs, 200, json_pack("{so ss sI sI sI}", "items", arr, "public_key", pk,
					    "total", (json_int_t)total, "page", (json_int_t)pg.page,
					    "per_page", (json_int_t)pg.per_page));
}

static int
aud_api_history(struct req *rq, struct resp *rs, struct err *e)
{
	const char *entity = rq->nparams > 0 ? rq->params[0] : NULL;
	struct page pg;
	struct aud_item *items;
	size_t n;
	int64_t id, total;

	if (!aud_code_ok(entity))
		return err_setx(e, ERR_NOT_FOUND, "unknown_entity", NULL, "该类对象没有变更记录");
	if (req_path_id(rq, 1, &id, e) || req_page(rq, &pg, e) ||
	    aud_history(rq->db, rq->arena, rq->user, entity, id, pg.per_page, pg.offset, &items,
			&n, &total, e))
		return e->code;
	return resp_json(rs, 200, page_json(items, n, 0, total, &pg));
}

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route audit_routes[] = {
	{ "GET", "/api/v1/audit", aud_api_list, ROLE_SUPERVISOR | ROLE_AUDITOR, R_RANGE, "审计日志", NULL, aud_cols, 0 },
	{ "GET", "/api/v1/audit/verify", aud_api_verify, ROLE_SUPERVISOR | ROLE_AUDITOR, 0, "校验审计链", NULL, NULL, 0 },
	{ "GET", "/api/v1/audit/checkpoints", aud_api_checkpoints, ROLE_AUDITOR, 0, "审计链签名检查点", NULL, cp_cols, 0 },
	{ "GET", "/api/v1/history/:entity/:id", aud_api_history, ANY_USER, 0, "记录的变更历史", NULL, NULL, 0 },
	{ 0 }
};
