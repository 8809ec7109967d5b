/*
** modules/approvals/approvals_api.c: HTTP handlers for approvals (待办/已办/
** 申请), decisions, withdrawal, rules (office) and deputies.
*/
#include "http/router.h"
#include "core/approval.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/export.h"
#include "core/json.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/org/org.h"

#include <stddef.h>
#include <string.h>

#define AMOUNT_MAX 100000000000LL	/* ¥1,000,000,000.00 in fen */

static const char *const request_kinds[] = { "general", NULL };
static const char *const decisions[] = { "approve", "reject", NULL };

struct request_in {
	const char *kind, *title, *reason;
	int64_t amount_fen;
};
static const struct field appr_request_fields[] = {
	{ .name = "kind", .type = F_ENUM, .required = 1, .enums = request_kinds,
	  .off = offsetof(struct request_in, kind) },
	{ .name = "title", .type = F_STR, .required = 1, .max = 100,
	  .off = offsetof(struct request_in, title) },
	{ .name = "amount_fen", .type = F_INT, .min = 0, .max = AMOUNT_MAX,
	  .off = offsetof(struct request_in, amount_fen) },
	{ .name = "reason", .type = F_STR, .max = 2000, .off = offsetof(struct request_in, reason) },
	{ 0 }
};

struct decision_in {
	const char *decision, *comment, *minutes_ref;
};
static const struct field appr_decision_fields[] = {
	{ .name = "decision", .type = F_ENUM, .required = 1, .enums = decisions,
	  .off = offsetof(struct decision_in, decision) },
	{ .name = "comment", .type = F_STR, .max = 500, .off = offsetof(struct decision_in, comment) },
	{ .name = "minutes_ref", .type = F_STR, .max = 64,
	  .off = offsetof(struct decision_in, minutes_ref) },
	{ 0 }
};

struct rule_in {
	const char *kind, *name;
	int64_t min_amount_fen, max_amount_fen, priority;
	int active;
	const json_t *steps;
	int64_t updated_at;
};
/* POST takes these; PUT also requires the updated_at it read. */
#define RULE_FIELDS \
	{ .name = "kind", .type = F_STR, .required = 1, .max = 32, .off = offsetof(struct rule_in, kind) }, \
	{ .name = "name", .type = F_STR, .required = 1, .max = 64, .off = offsetof(struct rule_in, name) }, \
	{ .name = "min_amount_fen", .type = F_INT, .min = 0, .max = AMOUNT_MAX, \
	  .off = offsetof(struct rule_in, min_amount_fen) }, \
	{ .name = "max_amount_fen", .type = F_INT, .min = 1, .max = AMOUNT_MAX, \
	  .off = offsetof(struct rule_in, max_amount_fen) }, \
	{ .name = "priority", .type = F_INT, .min = 0, .max = 1000, \
	  .off = offsetof(struct rule_in, priority) }, \
	{ .name = "active", .type = F_BOOL, .off = offsetof(struct rule_in, active) }, \
	{ .name = "steps", .type = F_JSON, .required = 1, .off = offsetof(struct rule_in, steps) }
static const struct field appr_rule_fields[] = { RULE_FIELDS, { 0 } };
static const struct field appr_rule_update_fields[] = {
	RULE_FIELDS, FIELD_UPDATED_AT(struct rule_in, updated_at), { 0 }
};

struct step_in {
	const char *name, *role, *scope;
};
static const struct field appr_rule_step_fields[] = {
	{ .name = "name", .type = F_STR, .required = 1, .max = 64, .off = offsetof(struct step_in, name) },
	{ .name = "role", .type = F_ENUM, .required = 1, .enums = role_codes,
	  .off = offsetof(struct step_in, role) },
	{ .name = "scope", .type = F_ENUM, .required = 1, .enums = appr_scope_codes,
	  .off = offsetof(struct step_in, scope) },
	{ 0 }
};

struct deputy_in {
	int64_t deputy_id, from, to;
};
static const struct field appr_deputy_fields[] = {
	{ .name = "deputy_id", .type = F_ID, .required = 1, .off = offsetof(struct deputy_in, deputy_id) },
	{ .name = "from", .type = F_TIME, .required = 1, .off = offsetof(struct deputy_in, from) },
	{ .name = "to", .type = F_TIME, .required = 1, .off = offsetof(struct deputy_in, to) },
	{ 0 }
};

static const char *const status_labels[] = { "审批中", "已通过", "已驳回", "已撤回", NULL };

/* ?format=csv|xlsx on GET /approvals (same mine= filter as the list). */
static const struct export_col appr_cols[] = {
	{ .key = "id", .header = "编号" },
	{ .key = "kind_label", .header = "事项类型" },
	{ .key = "title", .header = "事项" },
	{ .key = "amount_fen", .header = "金额（元）", .kind = EXP_FEN },
	{ .key = "requester.display_name", .header = "申请人" },
	{ .key = "requester.department.name", .header = "申请部门" },
	{ .key = "status", .header = "状态", .codes = appr_status_codes, .labels = status_labels },
	{ .key = "created_at", .header = "申请时间", .kind = EXP_TIME },
	{ .key = "decided_at", .header = "办结时间", .kind = EXP_TIME },
	{ 0 }
};

/* Respond with the approval as the caller now sees it. */
static int
send_approval(struct req *rq, struct resp *rs, int status, int64_t id, struct err *e)
{
	struct approval ap;

	if (appr_get(rq->db, rq->arena, rq->user, id, &ap, e))
		return e->code;
	return resp_json(rs, status, appr_json(&ap));
}

static int
appr_api_list(struct req *rq, struct resp *rs, struct err *e)
{
	static const char *const mines[] = { "pending", "decided", "requested", NULL };
	const char *mine = req_query(rq, "mine");
	struct approval *items;
	struct page pg;
	size_t n;
	int64_t total = 0;
	json_t *arr;
	int m = 0;

	if (mine && !val_in(mine, mines))
		return err_set(e, ERR_INVALID, "mine", "应为 pending、decided 或 requested");
	for (; mine && strcmp(mines[m], mine) != 0; m++)
		;
	if (req_page(rq, &pg, e) || appr_list(rq->db, rq->arena, rq->user, (enum appr_mine)m,
					      pg.per_page, pg.offset, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, appr_json(&items[i]));
	return resp_list(rs, arr, total, pg.page, pg.per_page);
}

static int
appr_api_get(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t id;

	if (req_path_id(rq, 0, &id, e))
		return e->code;
	return send_approval(rq, rs, 200, id, e);
}

static int
appr_api_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct request_in in = { .amount_fen = -1 };
	struct appr_submit sub = { 0 };
	int64_t id;

	if (req_json_fields(rq, appr_request_fields, &in, NULL, e))
		return e->code;
	sub.kind = in.kind;
	sub.title = in.title;
	sub.amount_fen = in.amount_fen;
	sub.reason = in.reason;
	if (appr_submit(rq->db, rq->user, &sub, &id, e))
		return e->code;
	return send_approval(rq, rs, 201, id, e);
}

static int
appr_api_decide(struct req *rq, struct resp *rs, struct err *e)
{
	struct decision_in in = { 0 };
	struct appr_decide_in d = { 0 };
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, appr_decision_fields, &in, NULL, e))
		return e->code;
	d.decision = strcmp(in.decision, "approve") == 0 ? APPR_APPROVE : APPR_REJECT;
	d.comment = in.comment;
	d.minutes_ref = in.minutes_ref;
	if (appr_decide(rq->db, rq->user, id, &d, e))
		return e->code;
	return send_approval(rq, rs, 200, id, e);
}

static int
appr_api_withdraw(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || appr_withdraw(rq->db, rq->user, id, e))
		return e->code;
	return send_approval(rq, rs, 200, id, e);
}

static int
appr_api_kinds(struct req *rq, struct resp *rs, struct err *e)
{
	const struct appr_kind *const *k = appr_kinds();
	json_t *arr = json_array();

	(void)rq;
	(void)e;
	for (; *k; k++)
		json_array_append_new(arr, json_pack("{ss ss}", "kind", (*k)->kind, "label", (*k)->label));
	return resp_json(rs, 200, json_pack("{so}", "items", arr));
}

static int
appr_api_approvers(struct req *rq, struct resp *rs, struct err *e)
{
	struct user_filter f = { .q = req_query(rq, "q"), .active = 1, .limit = 20 };
	struct user *items;
	size_t n;
	int64_t total;
	json_t *arr;

	if (org_user_list(rq->db, rq->arena, rq->user, &f, &items, &n, &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *dept = items[i].department_id ?
			json_pack("{sI ss}", "id", (json_int_t)items[i].department_id, "name",
				  items[i].department_name ? items[i].department_name : "") : json_null();
		json_array_append_new(arr, json_pack("{sI ss so}", "id", (json_int_t)items[i].id,
						     "display_name", items[i].display_name,
						     "department", dept));
	}
	return resp_json(rs, 200, json_pack("{so}", "items", arr));
}

/* Parse the rule body, including its array of step objects. */
static int
parse_rule(struct req *rq, const struct field *spec, struct appr_rule *r, struct err *e)
{
	struct rule_in in = { .min_amount_fen = -1, .max_amount_fen = -1, .active = 1 };
	size_t n;

	if (req_json_fields(rq, spec, &in, NULL, e))
		return e->code;
	n = json_is_array(in.steps) ? json_array_size(in.steps) : 0;
	if (!json_is_array(in.steps) || n < 1 || n > APPR_STEPS_MAX)
		return err_set(e, ERR_INVALID, "steps", "须有 1 到 %d 个审批步骤", APPR_STEPS_MAX);
	memset(r, 0, sizeof(*r));
	r->kind = in.kind;
	r->name = in.name;
	r->min_amount_fen = in.min_amount_fen;
	r->max_amount_fen = in.max_amount_fen;
	r->priority = in.priority;
	r->active = in.active;
	r->updated_at = in.updated_at;
	for (size_t i = 0; i < n; i++) {
		struct step_in s = { 0 };
		if (val_object(rq->arena, json_array_get(in.steps, i), appr_rule_step_fields, &s,
			       NULL, e))
			return err_setx(e, ERR_INVALID, "invalid", "steps", "第 %zu 步：%s", i + 1,
					e->nfields ? e->fields[0].msg : e->msg);
		r->steps[i].name = s.name;
		r->steps[i].role = s.role;
		for (int k = 0; appr_scope_codes[k]; k++)
			if (strcmp(appr_scope_codes[k], s.scope) == 0)
				r->steps[i].scope = (enum appr_scope)k;
	}
	r->nsteps = (int)n;
	return 0;
}

static int
appr_api_rule_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct appr_rule *items;
	size_t n;
	json_t *arr;

	if (appr_rule_list(rq->db, rq->arena, rq->user, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, appr_rule_json(&items[i]));
	return resp_list(rs, arr, (int64_t)n, 1, (int64_t)n);
}

static int
appr_api_rule_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct appr_rule in, out;

	if (parse_rule(rq, appr_rule_fields, &in, e) ||
	    appr_rule_save(rq->db, rq->arena, rq->user, &in, &out, e))
		return e->code;
	return resp_json(rs, 201, appr_rule_json(&out));
}

static int
appr_api_rule_update(struct req *rq, struct resp *rs, struct err *e)
{
	struct appr_rule in, out;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || parse_rule(rq, appr_rule_update_fields, &in, e))
		return e->code;
	in.id = id;
	if (appr_rule_save(rq->db, rq->arena, rq->user, &in, &out, e))
		return e->code;
	return resp_json(rs, 200, appr_rule_json(&out));
}

static json_t *
deputy_json(const struct appr_deputy *d)
{
	return json_pack("{sI s{sI ss} s{sI ss} so so so}", "id", (json_int_t)d->id, "principal",
			 "id", (json_int_t)d->principal_id, "display_name", d->principal_name,
			 "deputy", "id", (json_int_t)d->deputy_id, "display_name", d->deputy_name,
			 "from", jtime(d->from_ms), "to", jtime(d->to_ms), "created_at",
			 jtime(d->created_at));
}

static int
appr_api_deputy_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct appr_deputy *items;
	size_t n;
	json_t *arr;

	if (appr_deputy_list(rq->db, rq->arena, rq->user, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, deputy_json(&items[i]));
	return resp_json(rs, 200, json_pack("{so}", "items", arr));
}

static int
appr_api_deputy_add(struct req *rq, struct resp *rs, struct err *e)
{
	struct deputy_in in = { 0 };
	json_t *body, *to;
	int64_t id;

	if (req_json_fields(rq, appr_deputy_fields, &in, NULL, e) || req_json(rq, &body, e))
		return e->code;
	to = json_object_get(body, "to");
	if (json_string_length(to) == 10)	/* a bare date means through the end of that day */
		in.to += DAY_MS;
	if (appr_deputy_add(rq->db, rq->user, in.deputy_id, in.from, in.to, &id, e))
		return e->code;
	return resp_json(rs, 201, json_pack("{sI}", "id", (json_int_t)id));
}

static int
appr_api_deputy_revoke(struct req *rq, struct resp *rs, struct err *e)
{
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || appr_deputy_revoke(rq->db, rq->user, id, e))
		return e->code;
	return resp_json(rs, 200, json_object());
}

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route approvals_routes[] = {
	{ "GET", "/api/v1/approvals", appr_api_list, ANY_USER, 0, "审批列表", NULL, appr_cols, 0 },
	{ "POST", "/api/v1/approvals", appr_api_create, ROLE_BUSINESS, R_WRITE, "提交通用事项申请", appr_request_fields, NULL, 0 },
	{ "GET", "/api/v1/approvals/approvers", appr_api_approvers, ANY_USER, 0, "选择审批人/代理人", NULL, NULL, 0 },
	{ "GET", "/api/v1/approvals/:id", appr_api_get, ANY_USER, 0, "审批单详情与审批轨迹", NULL, NULL, 0 },
	{ "POST", "/api/v1/approvals/:id/decision", appr_api_decide, ROLE_BUSINESS, R_WRITE, "审批（同意/驳回）", appr_decision_fields, NULL, 0 },
	{ "POST", "/api/v1/approvals/:id/withdraw", appr_api_withdraw, ROLE_BUSINESS, R_WRITE, "撤回申请", NULL, NULL, 0 },
	{ "GET", "/api/v1/approval-kinds", appr_api_kinds, ANY_USER, 0, "审批事项类型", NULL, NULL, 0 },
	{ "GET", "/api/v1/approval-rules", appr_api_rule_list, ROLE_OFFICE | ROLE_SUPERVISOR, 0, "审批规则列表", NULL, NULL, 0 },
	{ "POST", "/api/v1/approval-rules", appr_api_rule_create, ROLE_OFFICE, R_WRITE, "新建审批规则", appr_rule_fields, NULL, 0 },
	{ "PUT", "/api/v1/approval-rules/:id", appr_api_rule_update, ROLE_OFFICE, R_WRITE, "修改审批规则", appr_rule_update_fields, NULL, 0 },
	{ "GET", "/api/v1/approval-deputies", appr_api_deputy_list, ANY_USER, 0, "我的代理设置", NULL, NULL, 0 },
	{ "POST", "/api/v1/approval-deputies", appr_api_deputy_add, ROLE_BUSINESS, R_WRITE, "设置出差代理", appr_deputy_fields, NULL, 0 },
	{ "DELETE", "/api/v1/approval-deputies/:id", appr_api_deputy_revoke, ROLE_BUSINESS, R_WRITE, "撤销代理", NULL, NULL, 0 },
	{ 0 }
};
