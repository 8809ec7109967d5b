/*
** modules/workorders/workorders_demo.c: the demo agency's 报修 set-up: teams,
** categories with SLA targets, a duty roster for the next 30 days, ~400
** orders of history over the last 6 months (wo_gen_history) and two PM plans,
** on the buildings the locations module seeded before it.
*/
#include "core/arena.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/locations/locations.h"
#include "modules/org/org.h"
#include "modules/workorders/workorders.h"

#include <string.h>

#define DEMO_HISTORY_ORDERS 400
#define DEMO_HISTORY_DAYS 182
#define DEMO_FRESH_ORDERS 6	/* from the last 4 hours, so the office queue has work */
#define DEMO_DUTY_DAYS 30
#define DEMO_SEED 20261123u

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
seed_teams(struct db *db, struct arena *a, const struct actor *office, const char *prefix,
	   struct wo_team *teams, struct err *e)
{
	struct actor u;

	for (int t = 0; t < T_N; t++) {
		int64_t ids[3];
		size_t n = 0;
		for (; demo_teams[t].members[n]; n++) {
			if (org_demo_actor(db, a, prefix, demo_teams[t].members[n], &u, e))
				return e->code;
			ids[n] = u.id;
		}
		struct wo_team_in in = { .name = demo_teams[t].name, .active = 1, .member_ids = ids,
					 .nmembers = n };
		if (wo_team_put(db, a, office, 0, &in, &teams[t], e))
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
		int day = cal_local_date(now + d * DAY_MS);
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

/* The demo buildings by code (locations_demo.c: A and B). */
static int
find_buildings(struct db *db, struct arena *a, const struct actor *office, int64_t *bld_a,
	       int64_t *bld_b, struct err *e)
{
	struct location *locs;
	size_t n;

	if (loc_list(db, a, office, 1, &locs, &n, e))
		return e->code;
	for (size_t i = 0; i < n; i++) {
		if (locs[i].code && strcmp(locs[i].code, "A") == 0)
			*bld_a = locs[i].id;
		if (locs[i].code && strcmp(locs[i].code, "B") == 0)
			*bld_b = locs[i].id;
	}
	if (!*bld_a || !*bld_b)
		return err_set(e, ERR_NOT_FOUND, NULL, "demo buildings A and B are missing");
	return 0;
}

int
wo_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	struct actor office;
	struct wo_team teams[T_N];
	struct wo_category cats[sizeof(demo_cats) / sizeof(demo_cats[0])];
	int64_t now = now_ms(), bld_a = 0, bld_b = 0;

	if (org_demo_actor(db, a, prefix, "office", &office, e) ||
	    find_buildings(db, a, &office, &bld_a, &bld_b, e) ||
	    seed_teams(db, a, &office, prefix, teams, e) ||
	    seed_categories(db, a, &office, teams, cats, e) ||
	    seed_duty(db, &office, teams, now, e) ||
	    wo_gen_history(db, office.agency_id, DEMO_HISTORY_ORDERS,
			   now - DEMO_HISTORY_DAYS * DAY_MS, now, DEMO_SEED, e) ||
	    wo_gen_history(db, office.agency_id, DEMO_FRESH_ORDERS, now - 4 * HOUR_MS, now,
			   DEMO_SEED + 1, e) ||
	    seed_plans(db, a, &office, teams, cats, bld_a, bld_b, now, e))
		return e->code;
	return 0;
}
