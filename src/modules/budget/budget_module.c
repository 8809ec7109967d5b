/*
** modules/budget/budget_module.c: the 经费 module's descriptor: its routes,
** the history of a budget line (its ledger rows are audited on the line) and
** of a claim, the claim approval kind and invoice owner, and the demo's
** classes and lines.
*/
#include "http/router.h"
#include "core/approval.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/msg.h"
#include "module.h"
#include "modules/budget/budget.h"
#include "modules/budget/claims.h"

extern const struct route budget_routes[];	/* budget_api.c */
extern const struct msg budget_msg[];	/* budget_msg.c */
extern const struct module_counter claim_home_counters[];	/* claims_home.c */
extern const struct module_requests claim_home_requests;

static const struct module_history history[] = {
	{ "budget_line", ROLE_FINANCE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_OFFICE | ROLE_DEPT_HEAD,
	  bud_line_visible },
	{ "budget_period", ROLE_FINANCE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_OFFICE | ROLE_DEPT_HEAD,
	  bud_period_visible },
	{ "budget_adjustment", ROLE_FINANCE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_OFFICE | ROLE_DEPT_HEAD,
	  bud_adj_visible },
	{ "budget_setting", ROLE_FINANCE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_OFFICE,
	  bud_settings_visible },
	{ "expense_claim", 0, claim_visible },
	{ 0 }
};

static const struct module_job jobs[] = {
	{ "budget_midyear_reminder", bud_midyear_job, "mid-year budget reminders sent" },
	{ 0 }
};

static const struct appr_kind *const kinds[] = { &bud_adj_kind, &claim_appr_kind, NULL };

static const struct module_owner owners[] = {
	{ "expense_claim", claim_can_read },
	{ 0 }
};

#define STEP_FINANCE { "财务审核", "finance", APPR_SCOPE_ROLE }

/* Every agency's default approval rules, per kind (core/approval.h appr_rule_seed). */
static const struct appr_rule rules[] = {
	/* 追加/调减/调剂: one step, a leader */
	{ .kind = "budget_adjustment", .name = "预算调整（追加/调减/调剂）", .min_amount_fen = -1,
	  .max_amount_fen = -1, .nsteps = 1, .steps = { APPR_STEP_LEADER } },
	/* 部门负责人 → 财务 below ¥5,000; from there also 分管领导 */
	{ .kind = "expense_claim", .name = "报销（5000元以下）", .min_amount_fen = -1,
	  .max_amount_fen = CLAIM_LEADER_MIN_FEN, .nsteps = 2,
	  .steps = { APPR_STEP_DEPT_HEAD, STEP_FINANCE } },
	{ .kind = "expense_claim", .name = "报销（5000元及以上）",
	  .min_amount_fen = CLAIM_LEADER_MIN_FEN, .max_amount_fen = -1, .nsteps = 3,
	  .steps = { APPR_STEP_DEPT_HEAD, STEP_FINANCE, APPR_STEP_LEADER } },
	{ 0 }
};

/* An agency's other defaults, those it lacks: the classes, the travel standards. */
static int
agency_init(struct db *db, struct arena *a, const struct actor *who, int *added, struct err *e)
{
	return bud_seed_classes(db, a, who, added, e) ||
	       claim_seed_standards(db, a, who, added, e) ? e->code : 0;
}

/* The demo: this year's lines (budget_demo.c), then a year of claims on them (claims_demo.c). */
static int
demo(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	return bud_demo_seed(db, a, prefix, e) || claim_demo_seed(db, a, prefix, e) ? e->code : 0;
}

const struct module budget_module = {
	.name = "budget",
	.routes = budget_routes,
	.messages = budget_msg,
	.history = history,
	.demo = demo,
	.demo_finish = claim_demo_close,	/* 结账 once the spending modules dated their rows */
	.agency_init = agency_init,
	.approval_rules = rules,
	.jobs = jobs,
	.approval_kinds = kinds,
	.attachment_owners = owners,
	.counters = claim_home_counters,
	.requests = &claim_home_requests,
};
