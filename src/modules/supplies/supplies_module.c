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

/* A new agency's default approval rules: each part's, in turn (append yours). */
static int
agency_init(struct db *db, struct arena *a, const struct actor *who, struct err *e)
{
	return stocktake_agency_init(db, a, who, e) || reqn_agency_init(db, a, who, e) ||
	       po_agency_init(db, a, who, e) ? e->code : 0;
}

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
	.agency_init = agency_init,
	.counters = supplies_home_counters,
	.requests = &reqn_home_requests,
	.demo = sup_demo_seed,	/* supplies_demo.c */
	.attachment_owners = owners,
};
