/*
** modules/budget/budget_module.c: the 经费 module's descriptor: its routes,
** the history of a budget line (its ledger rows are audited on the line) and
** the demo's classes and lines.
*/
#include "http/router.h"
#include "core/auth.h"
#include "core/msg.h"
#include "module.h"
#include "modules/budget/budget.h"

extern const struct route budget_routes[];	/* budget_api.c */
extern const struct msg budget_msg[];	/* budget_msg.c */

static const struct module_history history[] = {
	{ "budget_line", ROLE_FINANCE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_OFFICE | ROLE_DEPT_HEAD,
	  bud_line_visible },
	{ "budget_period", ROLE_FINANCE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_OFFICE | ROLE_DEPT_HEAD,
	  bud_period_visible },
	{ 0 }
};

const struct module budget_module = {
	.name = "budget",
	.routes = budget_routes,
	.messages = budget_msg,
	.history = history,
	.demo = bud_demo_seed,
	.agency_init = bud_seed_classes,
};
