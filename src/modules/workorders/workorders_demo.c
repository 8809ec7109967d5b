/*
** modules/workorders/workorders_demo.c: the demo agency's 报修 set-up: teams,
** categories with SLA targets, a duty roster for the next 30 days, ~400
** orders of history over the last 6 months (wo_gen_history) and two PM plans,
** on the buildings the locations module seeded before it. Then a few stories
** played through wo_create/wo_apply (audit records and notifications are the
** real ones) at times before init (clock_advance), so every demo login has
** something to do: an overdue order waiting for the office, worker1's open
** orders (one overdue), staff1's resolved order to rate, supervisor's accepted one.
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

/* One step of a story: at `ago` before init, `actor` applies action (dispatch: to worker1). */
struct demo_step {
	int64_t ago;
	const char *actor;
	enum wo_action action;
	const char *notes;	/* resolve */
};

static const struct demo_story {
	const char *requester, *room, *title, *description, *priority;
	size_t cat;		/* index into demo_cats */
	int64_t ago;		/* created this long before init */
	struct demo_step steps[5];	/* ended by a NULL actor */
} demo_stories[] = {
	/* 电梯 runs a 24-hour clock: unaccepted for a day is overdue on any date */
	{ "staff3", "A-1", "A座1号电梯运行异响、抖动", "上下行时有明显异响和抖动，请尽快检修",
	  "high", 2, 26 * HOUR_MS, { { 0 } } },
	{ "staff2", "A-3-305", "卫生间水管渗漏", "洗手台下方水管接头渗水，地面有积水", "normal",
	  0, 14 * DAY_MS,
	  { { 14 * DAY_MS - 10 * MINUTE_MS, "office", WO_A_ACCEPT, NULL },
	    { 14 * DAY_MS - 30 * MINUTE_MS, "office", WO_A_DISPATCH, NULL },
	    { 14 * DAY_MS - 2 * HOUR_MS, "worker1", WO_A_START, NULL } } },
	{ "staff1", "A-3-301", "办公室水龙头关不紧", "茶水间水龙头一直滴水", "normal", 0,
	  5 * HOUR_MS,
	  { { 290 * MINUTE_MS, "office", WO_A_ACCEPT, NULL },
	    { 270 * MINUTE_MS, "office", WO_A_DISPATCH, NULL },
	    { 3 * HOUR_MS, "worker1", WO_A_START, NULL },
	    { 1 * HOUR_MS, "worker1", WO_A_RESOLVE, "已更换水龙头阀芯，试水正常" } } },
	{ "staff6", "B-2-203", "走廊灯不亮", "203门口走廊两盏灯不亮", "normal", 0, 2 * HOUR_MS,
	  { { 110 * MINUTE_MS, "office", WO_A_ACCEPT, NULL },
	    { 100 * MINUTE_MS, "office", WO_A_DISPATCH, NULL } } },
	{ "supervisor", "A-6-605", "办公电脑无法连接内网", "网线已插好，提示无法识别的网络",
	  "normal", 3, 3 * HOUR_MS, { { 2 * HOUR_MS, "office", WO_A_ACCEPT, NULL } } },
};

/* Move now_ms() to `ago` before the real now; *off is the shift made so far (clock.h). */
static void
travel(int64_t *off, int64_t ago)
{
	clock_advance(-ago - *off);
	*off = -ago;
}

static int64_t
loc_by_code(const struct location *locs, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (locs[i].code && strcmp(locs[i].code, code) == 0)
			return locs[i].id;
	return 0;
}

static int
play_step(struct db *db, struct arena *a, const char *prefix, int64_t id,
	  const struct demo_step *st, struct err *e)
{
	struct wo_action_in in = { .notes = st->notes };
	struct actor who, worker;
	struct workorder out;

	if (org_demo_actor(db, a, prefix, st->actor, &who, e))
		return e->code;
	if (st->action == WO_A_DISPATCH) {
		if (org_demo_actor(db, a, prefix, "worker1", &worker, e))
			return e->code;
		in.worker_id = worker.id;
	}
	return wo_apply(db, a, &who, id, st->action, &in, &out, e);
}

static int
play_story(struct db *db, struct arena *a, const char *prefix, const struct demo_story *s,
	   const struct wo_category *cats, const struct location *locs, size_t nlocs,
	   int64_t *off, struct err *e)
{
	struct wo_in in = { .category_id = cats[s->cat].id, .title = s->title,
			    .description = s->description, .priority = s->priority,
			    .location_id = loc_by_code(locs, nlocs, s->room) };
	struct actor who;
	struct workorder o;

	travel(off, s->ago);
	if (org_demo_actor(db, a, prefix, s->requester, &who, e) ||
	    wo_create(db, a, &who, &in, &o, e))
		return e->code;
	for (const struct demo_step *st = s->steps; st->actor; st++) {
		travel(off, st->ago);
		if (play_step(db, a, prefix, o.id, st, e))
			return e->code;
	}
	return 0;
}

static int
seed_stories(struct db *db, struct arena *a, const char *prefix, const struct actor *office,
	     const struct wo_category *cats, struct err *e)
{
	struct location *locs;
	int64_t off = 0;
	size_t n;
	int rc = loc_list(db, a, office, 1, &locs, &n, e);

	for (size_t i = 0; !rc && i < sizeof(demo_stories) / sizeof(demo_stories[0]); i++)
		rc = play_story(db, a, prefix, &demo_stories[i], cats, locs, n, &off, e);
	travel(&off, 0);
	return rc;
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
	    seed_plans(db, a, &office, teams, cats, bld_a, bld_b, now, e) ||
	    seed_stories(db, a, prefix, &office, cats, e))
		return e->code;
	return 0;
}
