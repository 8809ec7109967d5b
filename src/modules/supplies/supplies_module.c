/*
** modules/supplies/supplies_module.c: 办公用品与采购 (issue #16): the catalog,
** the stock ledger (stock.h), requisitions and purchasing. The descriptor lists
** the module's routes (one table, supplies_api.c) and its texts; history,
** approval kinds, jobs and the demo come with their parts.
*/
#include "http/router.h"
#include "core/approval.h"
#include "core/err.h"
#include "core/msg.h"
#include "module.h"
#include "modules/supplies/purchases.h"

extern const struct route supplies_routes[];	/* supplies_api.c */
extern const struct msg supplies_msg[];	/* supplies_msg.c */

static const struct module_history history[] = {
	{ "purchase_order", 0, po_visible },
	{ 0 }
};

static const struct appr_kind *const kinds[] = { &po_appr_kind, NULL };

static const struct module_owner owners[] = {
	{ "purchase_order", po_can_read },
	{ 0 }
};

/* A new agency's defaults, one call a part. */
static int
agency_init(struct db *db, struct arena *a, const struct actor *who, struct err *e)
{
	if (po_agency_init(db, a, who, e))	/* purchase_order approval rules */
		return e->code;
	return 0;
}

const struct module supplies_module = {
	.name = "supplies",
	.routes = supplies_routes,
	.messages = supplies_msg,
	.history = history,
	.agency_init = agency_init,
	.approval_kinds = kinds,
	.attachment_owners = owners,
};
