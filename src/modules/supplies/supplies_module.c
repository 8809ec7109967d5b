/*
** modules/supplies/supplies_module.c: 办公用品与采购 (issue #16). This first
** part has the stock ledger (stock.h) and the catalog's checks; its routes,
** history, approval kinds and demo come with the catalog, requisitions and
** purchasing.
*/
#include "core/msg.h"
#include "module.h"

extern const struct msg supplies_msg[];	/* supplies_msg.c */

const struct module supplies_module = {
	.name = "supplies",
	.messages = supplies_msg,
};
