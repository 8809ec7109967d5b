/*
** modules/supplies/supplies_module.c: 办公用品与采购 (issue #16): the catalog,
** the stock ledger (stock.h), requisitions and purchasing. The descriptor lists
** the module's routes (one table, supplies_api.c) and its texts; history,
** approval kinds, jobs and the demo come with their parts.
*/
#include "http/router.h"
#include "core/approval.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/msg.h"
#include "module.h"
#include "modules/supplies/catalog.h"
#include "modules/supplies/requisitions.h"
#include "modules/supplies/supplies_demo.h"
#include "modules/supplies/purchases.h"

extern const struct route supplies_routes[];	/* supplies_api.c */
extern const struct msg supplies_msg[];	/* supplies_msg.c */
extern const struct module_counter supplies_home_counters[];	/* supplies_home.c */
extern const struct module_requests reqn_home_requests;

/* entity codes of aud_record; who may open a record's history (each part appends its rows) */
static const struct module_history history[] = {
	{ "supply_item", ROLE_BUSINESS_READERS, sup_item_visible },
	{ "supplier", SUP_OVERSEERS, sup_supplier_visible },
	{ "stocktake", SUP_OVERSEERS, stocktake_visible },
	/* a requisition: its requester, department head, approvers, office and overseers */
	{ "requisition", 0, reqn_visible },
	{ "supply_quota", ROLE_OFFICE | ROLE_LEADER | ROLE_FINANCE | ROLE_SUPERVISOR, NULL },
	{ "purchase_order", 0, po_visible },
	{ 0 }
};

/* approval kinds (each part appends its own) */
static const struct appr_kind *const kinds[] = { &stocktake_appr_kind, &reqn_appr_kind,
						 &po_appr_kind, NULL };

#define STEP_OFFICE { "办公室审核", "office", APPR_SCOPE_ROLE }
#define STEP_COMMITTEE { "党组会决定", "leader", APPR_SCOPE_COMMITTEE }

/* Every agency's default approval rules, per kind (core/approval.h appr_rule_seed; append yours). */
static const struct appr_rule rules[] = {
	/* 分管领导 in one step: a count changes the books, so someone above the office signs it */
	{ .kind = "stocktake", .name = "库存盘点", .min_amount_fen = -1, .max_amount_fen = -1,
	  .nsteps = 1, .steps = { APPR_STEP_LEADER } },
	/* 部门负责人 below ¥1,000; also 分管领导 at or above it (and over quota: route_amount) */
	{ .kind = "requisition", .name = "办公用品领用", .min_amount_fen = -1,
	  .max_amount_fen = REQ_THRESHOLD_FEN, .nsteps = 1, .steps = { APPR_STEP_DEPT_HEAD } },
	{ .kind = "requisition", .name = "办公用品领用（¥1,000 及以上或超限额）",
	  .min_amount_fen = REQ_THRESHOLD_FEN, .max_amount_fen = -1, .nsteps = 2,
	  .steps = { APPR_STEP_DEPT_HEAD, APPR_STEP_LEADER } },
	/*
	** 办公室审核 below ¥5,000; + 分管领导 up to ¥50,000; above, + 党组会 (a leader
	** records the committee's decision with its minutes).
	*/
	{ .kind = "purchase_order", .name = "采购（5000元以下）", .min_amount_fen = -1,
	  .max_amount_fen = PO_OFFICE_MAX_FEN, .nsteps = 1, .steps = { STEP_OFFICE } },
	{ .kind = "purchase_order", .name = "采购（5000至50000元）",
	  .min_amount_fen = PO_OFFICE_MAX_FEN, .max_amount_fen = PO_COMMITTEE_ABOVE_FEN + 1,
	  .nsteps = 2, .steps = { STEP_OFFICE, APPR_STEP_LEADER } },
	{ .kind = "purchase_order", .name = "采购（50000元以上，党组会）",
	  .min_amount_fen = PO_COMMITTEE_ABOVE_FEN + 1, .max_amount_fen = -1, .nsteps = 3,
	  .steps = { STEP_OFFICE, APPR_STEP_LEADER, STEP_COMMITTEE } },
	{ 0 }
};

/* attachment owners: the quotes 三家比价 of an order */
static const struct module_owner owners[] = {
	{ "purchase_order", po_can_read },
	{ 0 }
};

const struct module supplies_module = {
	.name = "supplies",
	.routes = supplies_routes,
	.messages = supplies_msg,
	.history = history,
	.approval_kinds = kinds,
	.approval_rules = rules,
	.counters = supplies_home_counters,
	.requests = &reqn_home_requests,
	.demo = sup_demo_seed,	/* supplies_demo.c */
	.attachment_owners = owners,
};
