/*
** modules/budget/budget_demo.c: the standard expenditure classes (支出经济分类,
** the 三公 classes marked) and, for the demo, this year's lines of the business
** departments, created by the finance user. Every agency gets the classes
** (agency_init: when org creates it, and those it lacks after an upgrade);
** finance edits them from there.
*/
#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/budget/budget.h"
#include "modules/org/org.h"

#include <string.h>

static const struct bud_class_in std_classes[] = {
	{ "30201", "办公费", 0 },	{ "30202", "印刷费", 0 },
	{ "30205", "水费", 0 },	{ "30206", "电费", 0 },
	{ "30207", "邮电费", 0 },	{ "30211", "差旅费", 0 },
	{ "30212", "因公出国（境）费", 1 },	{ "30213", "维修（护）费", 0 },
	{ "30215", "会议费", 0 },	{ "30216", "培训费", 0 },
	{ "30217", "公务接待费", 1 },	{ "30218", "专用材料费", 0 },
	{ "30227", "委托业务费", 0 },	{ "30231", "公务用车运行维护费", 1 },
	{ "31002", "办公设备购置", 0 },
};
#define NCLASSES (sizeof(std_classes) / sizeof(std_classes[0]))

static int
has_code(const struct bud_class *have, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(have[i].code, code) == 0)
			return 1;
	return 0;
}

int
bud_seed_classes(struct db *db, struct arena *a, const struct actor *who, int *added,
		 struct err *e)
{
	struct bud_class c, *have;
	size_t n;

	if (bud_class_list(db, a, who, &have, &n, e))
		return e->code;
	for (size_t i = 0; i < NCLASSES; i++) {
		if (has_code(have, n, std_classes[i].code))
			continue;
		if (bud_class_create(db, a, who, &std_classes[i], &c, e))
			return e->code;
		(*added)++;
	}
	return 0;
}

/* 办公费, 差旅费, 会议费, 公务接待费 for each department (not the root): a demo year's budget. */
static int
seed_lines(struct db *db, struct arena *a, const struct actor *fin, struct err *e)
{
	static const struct { const char *code; int64_t yuan; const char *control; } plan[] = {
		{ "30201", 60000, "warn" }, { "30211", 80000, "stop" },
		{ "30215", 30000, "stop" }, { "30217", 20000, "stop" },
	};
	int64_t year = days_to_date((now_ms() + SHANGHAI_OFFSET_MS) / DAY_MS) / 10000;
	struct bud_class *cls;
	struct dept *depts;
	struct bud_line l;
	size_t nc, nd;

	if (bud_class_list(db, a, fin, &cls, &nc, e) ||
	    org_dept_list(db, a, fin, &depts, &nd, e))
		return e->code;
	for (size_t d = 0; d < nd; d++)
		for (size_t p = 0; depts[d].parent_id && p < sizeof(plan) / sizeof(plan[0]); p++)
			for (size_t c = 0; c < nc; c++) {
				struct bud_line_in in = { year, depts[d].id, cls[c].id,
							  plan[p].yuan * 100, plan[p].control };
				if (strcmp(cls[c].code, plan[p].code) == 0 &&
				    bud_line_create(db, a, fin, &in, &l, e))
					return e->code;
			}
	return 0;
}

int
bud_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	struct actor fin;

	if (org_demo_actor(db, a, prefix, "finance", &fin, e))
		return e->code;
	return seed_lines(db, a, &fin, e);
}
