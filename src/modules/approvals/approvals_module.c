/*
** modules/approvals/approvals_module.c: the approvals module's descriptor: the
** engine's routes, the general request kind, approval and rule history, the
** reminder job and the demo rules and requests.
*/
#include "core/approval.h"
#include "core/auth.h"
#include "core/err.h"
#include "http/router.h"
#include "core/msg.h"
#include "module.h"
#include "modules/approvals/approvals.h"

extern const struct route approvals_routes[];	/* approvals_api.c */
extern const struct msg approvals_msg[];	/* approvals_msg.c */
extern const struct module_counter approvals_home_counters[];	/* approvals_home.c */
extern const struct module_requests approvals_home_requests;

/* An approval's history is open to whoever may see the approval (appr_get's scope). */
static int
approval_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
		 struct err *e)
{
	struct approval ap;

	return appr_get(db, a, who, id, &ap, e);
}

/* Rules are the office's: the office and the supervisor read their history. */
static int
rule_visible(struct db *db, struct arena *a, const struct actor *who, int64_t id,
	     struct err *e)
{
	struct appr_rule *rules;
	size_t n;

	if (appr_rule_list(db, a, who, &rules, &n, e))
		return e->code;
	for (size_t i = 0; i < n; i++)
		if (rules[i].id == id)
			return 0;
	return err_setx(e, ERR_NOT_FOUND, "not_found", NULL, "审批规则不存在");
}

static const struct module_history history[] = {
	{ "approval", 0, approval_visible },
	{ "approval_rule", ROLE_OFFICE | ROLE_SUPERVISOR, rule_visible },
	{ 0 }
};

static const struct module_job jobs[] = {
	{ "approval_reminders", appr_remind_due, "reminded approvers of waiting steps" },
	{ 0 }
};

static const struct appr_kind *const kinds[] = { &appr_general_kind, NULL };

const struct module approvals_module = {
	.name = "approvals",
	.routes = approvals_routes,
	.messages = approvals_msg,
	.history = history,
	.jobs = jobs,
	.approval_kinds = kinds,
	.demo = approvals_demo_seed,
	.counters = approvals_home_counters,
	.requests = &approvals_home_requests,
};
