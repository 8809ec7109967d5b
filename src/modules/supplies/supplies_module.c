/*
** modules/supplies/supplies_module.c: 办公用品与采购 (issue #16): the catalog,
** the stock ledger (stock.h), requisitions and purchasing. The descriptor lists
** the module's routes (one table, supplies_api.c) and its texts; history,
** approval kinds, jobs and the demo come with their parts.
*/
#include "http/router.h"
#include "core/msg.h"
#include "module.h"

extern const struct route supplies_routes[];	/* supplies_api.c */
extern const struct msg supplies_msg[];	/* supplies_msg.c */

const struct module supplies_module = {
	.name = "supplies",
	.routes = supplies_routes,
	.messages = supplies_msg,
};
