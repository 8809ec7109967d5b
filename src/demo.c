/*
** demo.c: the demo agency 示例市人民检察院 with its departments and about 40
** users covering every role, all with the password DEMO_PASSWORD; and its
** 报修 set-up: buildings, floors and rooms, maintenance teams, categories
** with SLA targets, a duty roster for the next 30 days, ~400 orders of
** history over the last 6 months (wo_gen_history) and two PM plans.
*/
#include "demo.h"
#include "core/arena.h"
#include "core/approval.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "modules/locations/locations.h"
#include "modules/org/org.h"
#include "modules/workorders/workorders.h"

#include <stdio.h>
#include <string.h>

static const char *const depts[] = {
	"院领导", "办公室", "政治部", "第一检察部", "第二检察部",
	"第三检察部", "计划财务装备处", "机关后勤服务中心", "纪检监察组", NULL,
};

struct demo_user {
	const char *username, *name, *dept, *roles, *about;
};

/* roles: comma-separated codes; about: what to try with this login (printed by make run). */
static const struct demo_user users[] = {
	{ "admin", "系统管理员", "办公室", "sysadmin", "部门与用户管理" },
	{ "secadmin", "安全管理员", "办公室", "secadmin", "角色授权" },
	{ "auditor", "审计管理员", "办公室", "auditor", "审计日志" },
	{ "office", "王建国", "办公室", "office,staff", "后勤受理、派单" },
	{ "office2", "李秀英", "办公室", "office,staff", "后勤受理" },
	{ "leader", "赵志强", "院领导", "leader,staff", "分管领导审批" },
	{ "leader2", "孙丽华", "院领导", "leader,staff", "分管领导" },
	{ "finance", "周敏", "计划财务装备处", "finance,staff", "财务" },
	{ "supervisor", "吴刚", "纪检监察组", "supervisor,staff", "纪检监察（只读）" },
	{ "depthead1", "郑伟", "第一检察部", "dept_head,staff", "部门负责人审批" },
	{ "depthead2", "冯静", "第二检察部", "dept_head,staff", "部门负责人" },
	{ "depthead3", "陈磊", "第三检察部", "dept_head,staff", "部门负责人" },
	{ "depthead4", "褚红", "政治部", "dept_head,staff", "部门负责人" },
	{ "depthead5", "卫东", "机关后勤服务中心", "dept_head,worker,staff", "后勤中心主任" },
	{ "worker1", "蒋师傅", "机关后勤服务中心", "worker,staff", "维修工（水电）" },
	{ "worker2", "沈师傅", "机关后勤服务中心", "worker,staff", "维修工（空调）" },
	{ "worker3", "韩师傅", "机关后勤服务中心", "worker,staff", "维修工（网络与电脑）" },
	{ "worker4", "杨阿姨", "机关后勤服务中心", "worker,staff", "保洁" },
	{ "worker5", "钱师傅", "机关后勤服务中心", "worker,staff", "维修工（门窗家具、综合维修）" },
	{ "worker6", "林工", "机关后勤服务中心", "worker,staff", "电梯维保（外包单位驻场）" },
	{ "worker7", "马师傅", "机关后勤服务中心", "worker,staff", "维修工（水电）" },
	{ "worker8", "罗阿姨", "机关后勤服务中心", "worker,staff", "保洁绿化" },
	{ "driver1", "朱师傅", "机关后勤服务中心", "worker,staff", "司机" },
	{ "driver2", "秦师傅", "机关后勤服务中心", "worker,staff", "司机" },
	{ "driver3", "尤师傅", "机关后勤服务中心", "worker,staff", "司机" },
	{ "staff1", "许晓明", "第一检察部", "staff", "普通职工" },
	{ "staff2", "何佳", "第一检察部", "staff", NULL },
	{ "staff3", "吕洋", "第一检察部", "staff", NULL },
	{ "staff4", "施婷", "第二检察部", "staff", NULL },
	{ "staff5", "张帆", "第二检察部", "staff", NULL },
	{ "staff6", "孔亮", "第二检察部", "staff", NULL },
	{ "staff7", "曹颖", "第三检察部", "staff", NULL },
	{ "staff8", "严峰", "第三检察部", "staff", NULL },
	{ "staff9", "华蕾", "第三检察部", "staff", NULL },
	{ "staff10", "金鑫", "政治部", "staff", NULL },
	{ "staff11", "魏琳", "政治部", "staff", NULL },
	{ "staff12", "陶然", "办公室", "staff", NULL },
	{ "staff13", "姜楠", "办公室", "staff", NULL },
	{ "staff14", "戚薇", "计划财务装备处", "staff", NULL },
	{ "staff15", "谢宁", "计划财务装备处", "staff", NULL },
	{ "staff16", "邹凯", "纪检监察组", "staff", NULL },
	{ "staff17", "喻洁", "第一检察部", "staff", NULL },
	{ "staff18", "柏松", "第二检察部", "staff", NULL },
	{ "staff19", "水清", "第三检察部", "staff", NULL },
	{ "staff20", "窦涛", "政治部", "staff", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static unsigned
demo_roles(const char *csv)
{
	unsigned roles = 0;

	role_parse_list(csv, &roles);
	return roles;
}

static int64_t
dept_id(const struct dept *ds, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ds[i].name, name) == 0)
			return ds[i].id;
	return 0;
}

static int
seed(struct db *db, struct arena *a, struct err *e)
{
	struct actor sys = { .ip = "cli", .username = "init" };
	struct dept root, made[16];
	size_t nd = 0;
	char hash[256];
	struct user u;

	/* one hash shared by every demo account: they share one published password anyway */
	if (auth_password_hash(DEMO_PASSWORD, hash, sizeof(hash), e) ||
	    org_agency_create(db, a, &sys, "示例市人民检察院", &root, e))
		return e->code;
	sys.agency_id = root.id;
	for (int i = 0; depts[i]; i++, nd++) {
		struct dept_in in = { .parent_id = root.id, .name = depts[i], .sort_order = i * 10 };
		if (org_dept_create(db, a, &sys, &in, &made[nd], e))
			return e->code;
	}
	for (int i = 0; users[i].username; i++) {
		struct user_in in = { .username = users[i].username, .display_name = users[i].name,
				      .department_id = dept_id(made, nd, users[i].dept),
				      .password_hash = hash };
		char phone[16];
		snprintf(phone, sizeof(phone), "1380000%04d", i + 1);
		in.phone = phone;
		if (org_user_create(db, a, &sys, &in, demo_roles(users[i].roles), &u, e))
			return e->code;
	}
	return 0;
}

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
seed_requests(struct db *db, struct arena *a, struct err *e)
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
	struct user u;
	int64_t id;

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		struct appr_submit in = { .kind = "general", .title = reqs[i].title,
					  .amount_fen = reqs[i].fen, .reason = reqs[i].reason };
		if (org_user_find(db, a, reqs[i].who, &u, e) ||
		    auth_load_actor(db, a, u.id, &who, e) || appr_submit(db, &who, &in, &id, e))
			return e->code;
		if (!reqs[i].approver)
			continue;
		struct appr_decide_in d = { .decision = APPR_APPROVE, .comment = "同意" };
		if (org_user_find(db, a, reqs[i].approver, &u, e) ||
		    auth_load_actor(db, a, u.id, &approver, e) || appr_decide(db, &approver, id, &d, e))
			return e->code;
	}
	return 0;
}

static int
seed_approvals(struct db *db, struct arena *a, struct err *e)
{
	struct actor office;
	struct user u;

	if (org_user_find(db, a, "office", &u, e) || auth_load_actor(db, a, u.id, &office, e))
		return e->code;
	office.ip = "cli";
	return seed_rules(db, a, &office, e) || seed_requests(db, a, e) ? e->code : 0;
}

/* ---------- 报修: locations, teams, categories, duty roster, history, PM plans ---------- */

#define DEMO_DAY_MS (24 * 3600 * 1000LL)
#define DEMO_HISTORY_ORDERS 400
#define DEMO_HISTORY_DAYS 182
#define DEMO_FRESH_ORDERS 6	/* from the last 4 hours, so the office queue has work */
#define DEMO_DUTY_DAYS 30
#define DEMO_SEED 20261123u

static int
add_loc(struct db *db, struct arena *a, const struct actor *office, int64_t parent,
	const char *kind, const char *name, const char *code, int64_t sort, int64_t *id,
	struct err *e)
{
	struct location_in in = { .parent_id = parent, .kind = kind, .name = name, .code = code,
				  .sort_order = sort, .active = 1 };
	struct location out;

	if (loc_save(db, a, office, 0, &in, &out, e))
		return e->code;
	*id = out.id;
	return 0;
}

/* 综合办公楼 A座 (6 floors x 12 rooms), 业务楼 B座 (4 x 8), 后勤服务楼 (食堂, 车库, 配电房 ...). */
static int
seed_locations(struct db *db, struct arena *a, const struct actor *office, int64_t *bld_a,
	       int64_t *bld_b, struct err *e)
{
	static const struct {
		const char *name, *code;
		int floors, rooms;
	} blds[] = { { "综合办公楼 A座", "A", 6, 12 }, { "业务楼 B座", "B", 4, 8 } };
	static const struct {
		const char *floor, *code;
		const char *rooms[4];
	} service[] = {
		{ "负1层", "C-B1", { "地下车库", "设备间", NULL } },
		{ "1层", "C-1", { "职工食堂", "配电房", "后勤服务中心办公室", NULL } },
		{ "2层", "C-2", { "职工餐厅包间", "职工活动室", NULL } },
	};
	int64_t bid = 0, fid = 0, rid = 0, svc = 0;
	char name[48], code[48];

	for (size_t b = 0; b < sizeof(blds) / sizeof(blds[0]); b++) {
		if (add_loc(db, a, office, 0, "building", blds[b].name, blds[b].code,
			    (int64_t)b * 10, &bid, e))
			return e->code;
		*(b == 0 ? bld_a : bld_b) = bid;
		for (int f = 1; f <= blds[b].floors; f++) {
			snprintf(name, sizeof(name), "%u层", (unsigned)f % 100);
			snprintf(code, sizeof(code), "%.4s-%u", blds[b].code, (unsigned)f % 100);
			if (add_loc(db, a, office, bid, "floor", name, code, f, &fid, e))
				return e->code;
			for (int r = 1; r <= blds[b].rooms; r++) {
				unsigned rn = (unsigned)(f * 100 + r) % 10000;
				snprintf(name, sizeof(name), "%u", rn);
				snprintf(code, sizeof(code), "%.4s-%u-%u", blds[b].code,
					 (unsigned)f % 100, rn);
				if (add_loc(db, a, office, fid, "room", name, code, r, &rid, e))
					return e->code;
			}
		}
	}
	if (add_loc(db, a, office, 0, "building", "后勤服务楼", "C", 20, &svc, e))
		return e->code;
	for (size_t f = 0; f < sizeof(service) / sizeof(service[0]); f++) {
		if (add_loc(db, a, office, svc, "floor", service[f].floor, service[f].code,
			    (int64_t)f, &fid, e))
			return e->code;
		for (int r = 0; service[f].rooms[r]; r++) {
			snprintf(code, sizeof(code), "%.8s-%u", service[f].code, (unsigned)r % 100 + 1);
			if (add_loc(db, a, office, fid, "room", service[f].rooms[r], code, r, &rid, e))
				return e->code;
		}
	}
	return 0;
}

enum { T_WATER, T_AC, T_LIFT, T_IT, T_FIX, T_CLEAN, T_N };

static const struct {
	const char *name;
	const char *members[3];
} demo_teams[T_N] = {
	[T_WATER] = { "水电班", { "worker1", "worker7", NULL } },
	[T_AC] = { "空调班", { "worker2", NULL } },
	[T_LIFT] = { "电梯维保（外包）", { "worker6", NULL } },
	[T_IT] = { "网络运维组", { "worker3", NULL } },
	[T_FIX] = { "综合维修班", { "worker5", "depthead5", NULL } },
	[T_CLEAN] = { "保洁绿化班", { "worker4", "worker8", NULL } },
};

/*
** Categories with their default team and SLA targets in minutes {accept,
** resolve} for urgent, high, normal, low. Business minutes (a working day
** has 7 hours), except urgent and the safety category 电梯: 24-hour clock.
*/
static const struct {
	const char *name;
	int team, safety;
	struct wo_target t[WO_PRIORITY_N];
} demo_cats[] = {
	{ "水电", T_WATER, 0, { { 15, 240 }, { 30, 480 }, { 60, 960 }, { 240, 2520 } } },
	{ "空调", T_AC, 0, { { 15, 240 }, { 30, 600 }, { 60, 1260 }, { 240, 2520 } } },
	{ "电梯", T_LIFT, 1, { { 10, 120 }, { 30, 240 }, { 60, 480 }, { 120, 1440 } } },
	{ "网络与电脑", T_IT, 0, { { 15, 240 }, { 30, 420 }, { 60, 960 }, { 240, 2100 } } },
	{ "门窗家具", T_FIX, 0, { { 30, 480 }, { 60, 840 }, { 120, 1680 }, { 480, 3360 } } },
	{ "保洁", T_CLEAN, 0, { { 15, 120 }, { 30, 180 }, { 60, 240 }, { 120, 480 } } },
	{ "绿化", T_CLEAN, 0, { { 60, 480 }, { 120, 960 }, { 240, 2100 }, { 480, 4200 } } },
	{ "其他", T_FIX, 0, { { 30, 480 }, { 60, 960 }, { 120, 1680 }, { 480, 3360 } } },
};

static int
seed_teams(struct db *db, struct arena *a, const struct actor *office, struct wo_team *teams,
	   struct err *e)
{
	struct user u;

	for (int t = 0; t < T_N; t++) {
		int64_t ids[3];
		size_t n = 0;
		for (; demo_teams[t].members[n]; n++) {
			if (org_user_find(db, a, demo_teams[t].members[n], &u, e))
				return e->code;
			ids[n] = u.id;
		}
		if (wo_team_save(db, a, office, 0, demo_teams[t].name, 1, ids, n, &teams[t], e))
			return e->code;
	}
	return 0;
}

static int
seed_categories(struct db *db, struct arena *a, const struct actor *office,
		const struct wo_team *teams, struct wo_category *cats, struct err *e)
{
	for (size_t i = 0; i < sizeof(demo_cats) / sizeof(demo_cats[0]); i++) {
		struct wo_category_in in = { .name = demo_cats[i].name,
					     .default_team_id = teams[demo_cats[i].team].id,
					     .sort_order = (int64_t)i * 10,
					     .safety = demo_cats[i].safety, .active = 1,
					     .has_targets = 1 };
		memcpy(in.targets, demo_cats[i].t, sizeof(in.targets));
		if (wo_category_save(db, a, office, 0, &in, &cats[i], e))
			return e->code;
	}
	return 0;
}

/* Every team's members take turns on duty, one day each, for the next DEMO_DUTY_DAYS. */
static int
seed_duty(struct db *db, const struct actor *office, const struct wo_team *teams, int64_t now,
	  struct err *e)
{
	for (int d = 0; d < DEMO_DUTY_DAYS; d++) {
		int day = cal_local_date(now + d * DEMO_DAY_MS);
		for (int t = 0; t < T_N; t++)
			if (teams[t].nmembers &&
			    wo_duty_set(db, office, teams[t].id, day,
					teams[t].members[(size_t)d % teams[t].nmembers].id, e))
				return e->code;
	}
	return 0;
}

/* yyyymmdd of the given day of the month after `months` months from now's month. */
static int
month_day(int64_t now, int months, int day)
{
	int today = cal_local_date(now), y = today / 10000, m = today / 100 % 100 + months;

	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	return y * 10000 + m * 100 + day;
}

static int
seed_plans(struct db *db, struct arena *a, const struct actor *office,
	   const struct wo_team *teams, const struct wo_category *cats, int64_t bld_a,
	   int64_t bld_b, int64_t now, struct err *e)
{
	struct wo_pm_plan lift = { .name = "每月电梯维保", .title = "电梯月度维护保养",
				   .description = "按《电梯维护保养规则》完成月度保养并填写记录",
				   .priority = "normal", .unit = WO_PM_MONTH, .every = 1,
				   .lead_days = 7, .active = 1 };
	struct wo_pm_plan ac = { .name = "每季度空调清洗", .title = "空调滤网及室内机清洗",
				 .description = "清洗各房间空调滤网、检查冷凝水管",
				 .priority = "low", .unit = WO_PM_MONTH, .every = 3,
				 .lead_days = 10, .active = 1 };
	struct wo_pm_plan out;

	lift.category.id = cats[2].id;	/* 电梯 */
	lift.location.id = bld_a;
	lift.team.id = teams[T_LIFT].id;
	lift.start_date = month_day(now, 1, 5);
	ac.category.id = cats[1].id;	/* 空调 */
	ac.location.id = bld_b;
	ac.team.id = teams[T_AC].id;
	ac.start_date = month_day(now, 1, 15);
	return wo_pm_save(db, a, office, 0, &lift, &out, e) ||
			       wo_pm_save(db, a, office, 0, &ac, &out, e)
		       ? e->code : 0;
}

static int
seed_workorders(struct db *db, struct arena *a, struct err *e)
{
	struct actor office;
	struct user u;
	struct wo_team teams[T_N];
	struct wo_category cats[sizeof(demo_cats) / sizeof(demo_cats[0])];
	int64_t now = now_ms(), bld_a = 0, bld_b = 0;

	if (org_user_find(db, a, "office", &u, e) || auth_load_actor(db, a, u.id, &office, e))
		return e->code;
	office.ip = "cli";
	if (seed_locations(db, a, &office, &bld_a, &bld_b, e) ||
	    seed_teams(db, a, &office, teams, e) ||
	    seed_categories(db, a, &office, teams, cats, e) ||
	    seed_duty(db, &office, teams, now, e) ||
	    wo_gen_history(db, office.agency_id, DEMO_HISTORY_ORDERS,
			   now - DEMO_HISTORY_DAYS * DEMO_DAY_MS, now, DEMO_SEED, e) ||
	    wo_gen_history(db, office.agency_id, DEMO_FRESH_ORDERS, now - 4 * 3600 * 1000LL, now,
			   DEMO_SEED + 1, e) ||
	    seed_plans(db, a, &office, teams, cats, bld_a, bld_b, now, e))
		return e->code;
	return 0;
}

int
demo_seed(struct db *db, struct err *e)
{
	struct arena *a = arena_new(64 * 1024);
	int rc;

	if (!a)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_begin_write(db, e);
	if (!rc) {
		rc = seed(db, a, e) || seed_approvals(db, a, e) || seed_workorders(db, a, e)
			     ? e->code : 0;
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db, e);
	}
	arena_free(a);
	return rc;
}

void
demo_print_logins(FILE *out)
{
	fprintf(out, "演示账号 (demo logins), 密码 password: %s\n", DEMO_PASSWORD);
	for (int i = 0; users[i].username; i++)
		if (users[i].about)
			fprintf(out, "  %-11s %-24s %s\n", users[i].username, users[i].roles,
				users[i].about);
	fprintf(out, "  staff2 … staff20 普通职工\n");
}
