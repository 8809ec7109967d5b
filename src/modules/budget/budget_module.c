/*
** modules/budget/budget_module.c: the 经费 module's descriptor: its routes,
** the history of a budget line (its ledger rows are audited on the line) and
** the demo's classes and lines.
*/
#include "http/router.h"
#include "core/approval.h"
#include "core/auth.h"
#include "core/err.h"
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
	{ "budget_adjustment", ROLE_FINANCE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_OFFICE | ROLE_DEPT_HEAD,
	  bud_adj_visible },
	{ "budget_setting", ROLE_FINANCE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_OFFICE,
	  bud_settings_visible },
	{ 0 }
};

static const struct module_job jobs[] = {
	{ "budget_midyear_reminder", bud_midyear_job, "mid-year budget reminders sent" },
	{ 0 }
};

static const struct appr_kind *const kinds[] = { &bud_adj_kind, NULL };

/* A new agency's defaults, one call a line. */
static int
agency_init(struct db *db, struct arena *a, const struct actor *who, struct err *e)
{
	if (bud_seed_classes(db, a, who, e))
		return e->code;
	if (bud_seed_adj_rule(db, a, who, e))
		return e->code;
	return 0;
}

const struct module budget_module = {
	.name = "budget",
	.routes = budget_routes,
	.messages = budget_msg,
	.history = history,
	.demo = bud_demo_seed,
	.agency_init = agency_init,
	.jobs = jobs,
	.approval_kinds = kinds,
};
