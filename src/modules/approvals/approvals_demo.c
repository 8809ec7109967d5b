/*
** modules/approvals/approvals_demo.c: the demo agency's approval rules (by
** amount: department head; head then leader; head then a committee decision)
** and a few requests, so 我的待办 and 我的申请 are not empty on first login:
** one waiting on each department head (depthead1..5) and one on the leaders.
** Each is made through appr_submit/appr_decide (audit records, notifications)
** at a time some hours before init (clock_advance), so the lists look lived in.
*/
#include "core/approval.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
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

/*
** A few requests so 我的待办 and 我的申请 are not empty on first login: every department
** head has one waiting (staff1, staff5, staff7, staff10, worker5), the leaders one past
** its head's step (staff2's), and staff4's is settled.
*/
static const struct demo_req {
	const char *who, *title, *reason;
	int64_t fen;
	const char *approver;	/* decides step 1 when set */
	int64_t ago;		/* submitted this long before init; decided half-way since */
} demo_reqs[] = {
	{ "staff1", "采购激光打印机2台", "第一检察部打印机老化，影响办案文书打印", 860000, NULL,
	  26 * HOUR_MS },
	{ "staff4", "部门培训场地租用", "二季度业务培训，租用会议中心半天", 320000, "depthead2",
	  3 * DAY_MS },
	{ "staff7", "办公椅更换（10把）", "现有座椅损坏严重", 450000, NULL, 5 * HOUR_MS },
	{ "staff2", "第一检察部会议室视频会议设备更新", "现有设备无法接入省院视频会议系统",
	  2600000, "depthead1", 2 * DAY_MS },
	{ "staff5", "购买案卷装订耗材", "装订机胶条、封皮用完", 120000, NULL, 3 * HOUR_MS },
	{ "staff10", "政治部年度培训教材采购", "新入职人员岗前培训用书", 280000, NULL,
	  20 * HOUR_MS },
	{ "worker5", "维修工具补充（电钻、梯子）", "综合维修班工具老化，梯子不稳存在安全隐患",
	  180000, NULL, 6 * HOUR_MS },
};

static int
seed_request(struct db *db, struct arena *a, const char *prefix, const struct demo_req *r,
	     struct err *e)
{
	struct appr_submit in = { .kind = "general", .title = r->title, .amount_fen = r->fen,
				  .reason = r->reason };
	struct appr_decide_in d = { .decision = APPR_APPROVE, .comment = "同意" };
	struct actor who, approver;
	int64_t id;
	int rc;

	clock_advance(-r->ago);
	rc = org_demo_actor(db, a, prefix, r->who, &who, e) || appr_submit(db, &who, &in, &id, e);
	clock_advance(r->ago / 2);
	if (!rc && r->approver)
		rc = org_demo_actor(db, a, prefix, r->approver, &approver, e) ||
		     appr_decide(db, &approver, id, &d, e);
	clock_advance(r->ago - r->ago / 2);
	return rc ? e->code : 0;
}

static int
seed_requests(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	for (size_t i = 0; i < sizeof(demo_reqs) / sizeof(demo_reqs[0]); i++)
		if (seed_request(db, a, prefix, &demo_reqs[i], e))
			return e->code;
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
