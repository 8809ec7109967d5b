/*
** modules/approvals/approvals_demo.c: the demo agency's approval rules (by
** amount: department head; head then leader; head then a committee decision)
** and a few requests, so 我的待办 and 我的申请 are not empty on first login.
*/
#include "core/approval.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/approvals/approvals.h"
#include "modules/org/org.h"

#include <string.h>

static const struct {
	const char *name;
	int64_t min, max;	/* fen; -1 = unbounded */
	int nsteps;
	struct appr_rule_step steps[2];
} demo_rules[] = {
	{ "一般事项（5000元以下）", -1, 500000, 1,
	  { { "部门负责人审批", "dept_head", APPR_SCOPE_DEPT_HEAD } } },
	{ "较大事项（5000元至10万元）", 500000, 10000000, 2,
	  { { "部门负责人审批", "dept_head", APPR_SCOPE_DEPT_HEAD },
	    { "分管领导审批", "leader", APPR_SCOPE_ROLE } } },
	{ "重大事项（10万元以上，集体决策）", 10000000, -1, 2,
	  { { "部门负责人审批", "dept_head", APPR_SCOPE_DEPT_HEAD },
	    { "党组会研究决定", "leader", APPR_SCOPE_COMMITTEE } } },
};

static int
seed_rules(struct db *db, struct arena *a, const struct actor *office, struct err *e)
{
	struct appr_rule in, out;

	for (size_t i = 0; i < sizeof(demo_rules) / sizeof(demo_rules[0]); i++) {
		memset(&in, 0, sizeof(in));
		in.kind = "general";
		in.name = demo_rules[i].name;
		in.min_amount_fen = demo_rules[i].min;
		in.max_amount_fen = demo_rules[i].max;
		in.active = 1;
		in.nsteps = demo_rules[i].nsteps;
		memcpy(in.steps, demo_rules[i].steps, sizeof(in.steps));
		if (appr_rule_save(db, a, office, &in, &out, e))
			return e->code;
	}
	return 0;
}

/* A few requests so 我的待办 and 我的申请 are not empty on first login. */
static int
seed_requests(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	static const struct {
		const char *who, *title, *reason;
		int64_t fen;
		const char *approver;	/* decides step 1 when set */
	} reqs[] = {
		{ "staff1", "采购激光打印机2台", "第一检察部打印机老化，影响办案文书打印", 860000, NULL },
		{ "staff4", "部门培训场地租用", "二季度业务培训，租用会议中心半天", 320000, "depthead2" },
		{ "staff7", "办公椅更换（10把）", "现有座椅损坏严重", 450000, NULL },
	};
	struct actor who, approver;
	int64_t id;

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		struct appr_submit in = { .kind = "general", .title = reqs[i].title,
					  .amount_fen = reqs[i].fen, .reason = reqs[i].reason };
		if (org_demo_actor(db, a, prefix, reqs[i].who, &who, e) ||
		    appr_submit(db, &who, &in, &id, e))
			return e->code;
		if (!reqs[i].approver)
			continue;
		struct appr_decide_in d = { .decision = APPR_APPROVE, .comment = "同意" };
		if (org_demo_actor(db, a, prefix, reqs[i].approver, &approver, e) ||
		    appr_decide(db, &approver, id, &d, e))
			return e->code;
	}
	return 0;
}

int
approvals_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	struct actor office;

	if (org_demo_actor(db, a, prefix, "office", &office, e))
		return e->code;
	return seed_rules(db, a, &office, e) || seed_requests(db, a, prefix, e) ? e->code : 0;
}
