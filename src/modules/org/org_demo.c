/*
** modules/org/org_demo.c: the demo agency 示例市人民检察院 with its departments
** and about 40 users covering every role, all with the password DEMO_PASSWORD
** (`houqin init --demo`; never used by tests), and the logins table `make run`
** prints.
*/
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "module.h"
#include "modules/org/org.h"

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

/* "示例市人民检察院", or "示例市人民检察院 a002" for prefix "a002-". */
static void
agency_name(char *out, size_t size, const char *prefix)
{
	size_t n = strlen(prefix);

	if (n && prefix[n - 1] == '-')
		n--;
	snprintf(out, size, "示例市人民检察院%s%.*s", n ? " " : "", (int)n, prefix);
}

int
org_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	struct actor sys = { .ip = "cli", .username = "init" };
	struct dept root, made[16];
	size_t nd = 0;
	char hash[256], name[96], login[64];
	struct user u;

	agency_name(name, sizeof(name), prefix);
	/* one hash shared by every demo account: they share one published password anyway */
	if (auth_password_hash(DEMO_PASSWORD, hash, sizeof(hash), e) ||
	    org_agency_create(db, a, &sys, name, &root, e))
		return e->code;
	sys.agency_id = root.id;
	for (int i = 0; depts[i]; i++, nd++) {
		struct dept_in in = { .parent_id = root.id, .name = depts[i], .sort_order = i * 10 };
		if (org_dept_create(db, a, &sys, &in, &made[nd], e))
			return e->code;
	}
	for (int i = 0; users[i].username; i++) {
		struct user_in in = { .username = login, .display_name = users[i].name,
				      .department_id = dept_id(made, nd, users[i].dept),
				      .password_hash = hash };
		char phone[16];
		snprintf(login, sizeof(login), "%s%s", prefix, users[i].username);
		snprintf(phone, sizeof(phone), "1380000%04d", i + 1);
		in.phone = phone;
		if (org_user_create(db, a, &sys, &in, demo_roles(users[i].roles), &u, e))
			return e->code;
	}
	return 0;
}

int
org_demo_actor(struct db *db, struct arena *a, const char *prefix, const char *username,
	       struct actor *out, struct err *e)
{
	struct user u;
	char login[64];

	snprintf(login, sizeof(login), "%s%s", prefix, username);
	if (org_user_find(db, a, login, &u, e) || auth_load_actor(db, a, u.id, out, e))
		return e->code;
	out->ip = "cli";
	return 0;
}


void
org_demo_print_logins(FILE *out)
{
	fprintf(out, "演示账号 (demo logins), 密码 password: %s\n", DEMO_PASSWORD);
	for (int i = 0; users[i].username; i++)
		if (users[i].about)
			fprintf(out, "  %-11s %-24s %s\n", users[i].username, users[i].roles,
				users[i].about);
	fprintf(out, "  staff2 … staff20 普通职工\n");
}
