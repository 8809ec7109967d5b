/*
** modules/workorders/workorders_gen.c: a generator of realistic 报修 history
** for the demo, the tests and the benchmarks (wo_gen_history). Writes
** workorder and wo_event rows straight through the db layer: no HTTP, no
** notifications, no per-row SELECT, no JSON built per row (the few JSON
** snippets of event data are made once per team/user at load time).
**
** How an order is made:
**   1. its creation time: uniform over [from, to), kept when it falls in
**      working time and with probability 1/12 otherwise (evenings, weekends);
**      all times are drawn first and sorted, so ids and codes follow time and
**      WO-YYYYMMDD-NNNN continues each day's highest existing number;
**   2. category (weighted: 水电 and 网络与电脑 most), priority (mostly
**      normal), requester, room, team (the category's default) and worker;
**   3. a planned timeline: accept within the target most of the time, then
**      dispatch, start, sometimes a suspension for parts, resolve, sometimes
**      a reopen and a second resolution, then the requester's rating or the
**      automatic confirmation at the end of the confirmation window; a few
**      are cancelled;
**   4. the planned events before `to` are played in order through the
**      transition table of workorders_flow.c (wo_rule_find, wo_rule_apply):
**      each must be a row the table has for the order's status, and the
**      row's effect sets the fields and runs the SLA clocks exactly as
**      wo_apply() does. What comes after `to` has not happened yet, so
**      recent orders end in every open status. Unlike wo_apply(): no
**      notifications and no audit record per order (one "generate" record
**      for the run).
*/
#include "modules/workorders/workorders.h"
#include "modules/workorders/workorders_int.h"
#include "core/arena.h"
#include "core/audit.h"
#include "core/calendar.h"
#include "core/err.h"
#include "core/rng.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_BATCH 5000		/* orders per transaction when the caller has none */
#define GEN_EVENTS_MAX 16
#define REF_JSON_MAX 160

/* ---------- SQL ---------- */

static const char sql_gen_categories[] =
	"SELECT id, name, safety, COALESCE(default_team_id, 0) FROM wo_category"
	" WHERE agency_id = :agency AND active = 1 ORDER BY sort_order, id";
static const char sql_gen_targets[] =
	"SELECT t.category_id, t.priority, t.accept_min, t.resolve_min FROM wo_sla_target t"
	" JOIN wo_category c ON c.id = t.category_id WHERE c.agency_id = :agency";
static const char sql_gen_locations[] =
	"SELECT id, kind FROM location WHERE agency_id = :agency AND active = 1 ORDER BY id";
static const char sql_gen_users[] =
	"SELECT u.id, u.display_name, COALESCE(u.department_id, 0), u.phone,"
	" CASE WHEN EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id"
	"  AND r.role = 'staff') THEN 1 ELSE 0 END,"
	" CASE WHEN EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id"
	"  AND r.role = 'office') THEN 1 ELSE 0 END,"
	" CASE WHEN EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id"
	"  AND r.role = 'worker') THEN 1 ELSE 0 END"
	" FROM app_user u WHERE u.agency_id = :agency AND u.active = 1 AND u.deleted_at IS NULL"
	" ORDER BY u.id";
static const char sql_gen_teams[] =
	"SELECT id, name FROM wo_team WHERE agency_id = :agency AND active = 1 ORDER BY id";
static const char sql_gen_members[] =
	"SELECT m.team_id, m.user_id FROM wo_team_member m JOIN wo_team t ON t.id = m.team_id"
	" WHERE t.agency_id = :agency AND t.active = 1 ORDER BY m.team_id, m.user_id";
static const char sql_gen_order[] =
	"INSERT INTO workorder (agency_id, code, category_id, location_id, title, description,"
	" priority, contact_phone, status, source, requester_id, requester_dept_id, owner_id,"
	" team_id, worker_id, clock_24h, accept_target_min, resolve_target_min, accept_due_at,"
	" resolve_due_at, resolve_used_ms, run_started_at, accept_minutes, resolve_minutes,"
	" accept_on_time, resolve_on_time, reopen_count, accepted_at, dispatched_at, started_at,"
	" resolved_at, confirmed_at, closed_at, suspend_reason, resolution_notes, parts, rating,"
	" rating_comment, auto_confirmed, created_at, updated_at, created_by)"
	" VALUES (:agency, :code, :cat, :loc, :title, :descr, :prio, :phone, :status, :source,"
	" :req, :dept, :owner, :team, :worker, :h24, :atarget, :rtarget, :adue, :rdue, :used,"
	" :run, :amin, :rmin, :aon, :ron, :reopens, :accepted, :dispatched, :started, :resolved,"
	" :confirmed, :closed, :sreason, :notes, :parts, :rating, :comment, :auto, :created,"
	" :updated, :req)";
static const char sql_gen_event[] =
	"INSERT INTO wo_event (agency_id, workorder_id, action, from_status, to_status, actor_id,"
	" note, data, created_at) VALUES (:agency, :wo, :action, :from, :to, :actor, :note, :data,"
	" :at)";

/* ---------- texts ---------- */

struct issue {
	const char *title, *note, *parts;
};

struct cat_text {
	const char *name;
	int weight;		/* relative frequency */
	const struct issue *issues;
};

static const struct issue iss_water[] = {
	{ "卫生间水龙头漏水", "更换水龙头阀芯，试水正常", "水龙头阀芯1个" },
	{ "办公室灯管不亮", "更换LED灯管，照明恢复", "LED灯管2根" },
	{ "插座没电", "更换损坏插座，检查线路正常", "五孔插座1个" },
	{ "空气开关频繁跳闸", "排查出饮水机漏电，已隔离并复位空开", NULL },
	{ "洗手池下水堵塞", "疏通下水管道，排水通畅", NULL },
	{ "走廊感应灯不亮", "更换感应器", "人体感应器1个" },
	{ "马桶水箱一直流水", "更换进水阀", "马桶进水阀1套" },
	{ NULL, NULL, NULL },
};
static const struct issue iss_ac[] = {
	{ "空调不制冷", "清洗滤网并补充冷媒，制冷恢复", "R410A冷媒1瓶" },
	{ "空调室内机漏水", "疏通冷凝水管", NULL },
	{ "空调运行噪音大", "紧固外机支架，更换减震垫", "减震垫4个" },
	{ "空调遥控器失灵", "更换遥控器", "空调遥控器1个" },
	{ "暖气片不热", "排气并调节阀门，温度正常", NULL },
	{ NULL, NULL, NULL },
};
static const struct issue iss_lift[] = {
	{ "电梯运行有异响", "维保单位检查导靴并加油，运行平稳", NULL },
	{ "电梯按钮失灵", "更换楼层按钮", "电梯按钮1个" },
	{ "电梯门关闭不灵敏", "调整门机及光幕", NULL },
	{ NULL, NULL, NULL },
};
static const struct issue iss_it[] = {
	{ "电脑无法开机", "更换电源适配器，开机正常", "电源适配器1个" },
	{ "办公网络连不上", "重做网线水晶头，网络恢复", "水晶头2个" },
	{ "打印机卡纸", "清理卡纸并清洁搓纸轮", NULL },
	{ "打印机无法打印", "重装驱动并更换硒鼓", "硒鼓1个" },
	{ "电话没有拨号音", "更换电话线", "电话线1根" },
	{ "会议室投影仪无信号", "更换HDMI线，显示正常", "HDMI线1根" },
	{ "内网系统无法登录", "重置网络配置，已可登录", NULL },
	{ NULL, NULL, NULL },
};
static const struct issue iss_door[] = {
	{ "办公室门锁损坏", "更换门锁", "门锁1把" },
	{ "窗户关不严", "调整窗户合页与密封条", "密封条3米" },
	{ "办公椅扶手断裂", "更换扶手", "办公椅扶手1副" },
	{ "文件柜柜门脱落", "重新安装合页", "合页2个" },
	{ "窗帘轨道脱落", "重新固定轨道", NULL },
	{ NULL, NULL, NULL },
};
static const struct issue iss_clean[] = {
	{ "会议室需要清扫", "已清扫完毕", NULL },
	{ "卫生间有异味", "清洁并投放除味剂", NULL },
	{ "楼道地面有积水", "清理积水，放置警示牌", NULL },
	{ "垃圾未及时清运", "已清运", NULL },
	{ NULL, NULL, NULL },
};
static const struct issue iss_green[] = {
	{ "办公室绿植枯萎", "更换绿植", "绿萝2盆" },
	{ "院内草坪需要修剪", "修剪完毕", NULL },
	{ "树枝遮挡窗户", "修剪树枝", NULL },
	{ NULL, NULL, NULL },
};
static const struct issue iss_other[] = {
	{ "会议室桌椅搬运", "已按要求摆放", NULL },
	{ "门牌需要更换", "更换门牌", "门牌1块" },
	{ "楼层指示牌脱落", "重新粘贴固定", NULL },
	{ "饮水机需要更换水桶", "已更换", "桶装水2桶" },
	{ NULL, NULL, NULL },
};

/* Known categories (by name) and their weights; unknown names get the "其他" texts. */
static const struct cat_text cat_texts[] = {
	{ "水电", 26, iss_water },	{ "网络与电脑", 22, iss_it },
	{ "空调", 14, iss_ac },		{ "门窗家具", 11, iss_door },
	{ "保洁", 8, iss_clean },	{ "电梯", 4, iss_lift },
	{ "绿化", 4, iss_green },	{ "其他", 7, iss_other },
};

static const char *const desc_tails[] = {
	"影响正常办公，请尽快处理。", "已经持续两天了。", "今天上午发现的。",
	"麻烦师傅抽空来看一下。", "下午有会议，希望尽快。",
};
static const char *const suspend_reasons[] = {
	"等待配件到货", "需厂家技术支持", "需与使用部门协调时间",
};
static const char *const reopen_reasons[] = {
	"问题仍未解决", "用了一天又坏了", "修复不彻底，请再来看看",
};
static const char *const cancel_by_requester[] = { "问题已自行解决", "重复提交" };
static const char *const cancel_by_office[] = {
	"重复报修，已合并处理", "不属于报修范围，已转相关部门",
};
static const char *const comments[5][3] = {
	{ "很不满意，问题反复出现", "等了很久才来", "态度不好" },
	{ "处理太慢", "来了两次才修好", "没有说明原因" },
	{ "一般，等得比较久", "修好了，但过程有点长", "还行" },
	{ "修好了，谢谢", "处理得不错", "师傅挺认真" },
	{ "师傅很专业，处理很快！", "非常满意", "响应及时，态度好" },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---------- random numbers (core/rng.h) ---------- */

/* Uniform double in [lo, hi). */
static double
rnd_real(uint64_t *s, double lo, double hi)
{
	return lo + (hi - lo) * ((double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0));
}

/* Percent chance. */
static int
chance(uint64_t *s, unsigned pct)
{
	return rng_below(s, 100) < pct;
}

/* Uniform ms in [lo_min, hi_min) minutes. */
static int64_t
rnd_min(uint64_t *s, int64_t lo_min, int64_t hi_min)
{
	return lo_min * MINUTE_MS + (int64_t)rng_below(s, (uint64_t)((hi_min - lo_min) * MINUTE_MS));
}

/* ---------- the agency's data, loaded once ---------- */

struct g_user {
	int64_t id, dept;
	const char *name, *phone;
	char ref[REF_JSON_MAX];	/* {"id":1,"name":"蒋师傅"} */
	int staff, office, worker;
};

struct g_team {
	int64_t id;
	char ref[REF_JSON_MAX];
	int64_t *members;
	size_t nmembers;
};

struct g_cat {
	int64_t id, team_id;
	int safety, weight;
	const struct issue *issues;
	size_t nissues;
	struct wo_target targets[WO_PRIORITY_N];
};

struct gen {
	struct db *db;
	struct arena *a;
	int64_t agency_id, now;
	struct cal cal;
	uint64_t seed;
	struct g_cat *cats;
	size_t ncats;
	int total_weight;
	int64_t *locs;
	size_t nlocs;
	struct g_user *users;
	size_t nusers;
	size_t *staff, *office, *workers;	/* indexes into users */
	size_t nstaff, noffice, nworkers;
	struct g_team *teams;
	size_t nteams;
};


static void
ref_json(char *out, int64_t id, const char *name)
{
	json_t *j = json_pack("{sI ss}", "id", (json_int_t)id, "name", name ? name : "");
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	snprintf(out, REF_JSON_MAX, "%s", s && strlen(s) < REF_JSON_MAX ? s : "null");
	free(s);
	json_decref(j);
}

/* Grow an arena array by doubling (copying; the old block stays in the arena). */
static void *
grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	size_t nc = *cap ? *cap * 2 : 32;
	void *nv = arena_array(a, nc, size);
	if (nv && n)
		memcpy(nv, v, n * size);
	*cap = nc;
	return nv;
}

static int
nomem(struct err *e)
{
	return err_set(e, ERR_NOMEM, NULL, "out of memory");
}

static int
load_categories(struct gen *g, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 0;
	int rc;

	if (db_prepare(g->db, &st, sql_gen_categories, e) ||
	    db_bind_i64(&st, ":agency", g->agency_id, e))
		goto out;
	while ((rc = db_step(&st, e)) == 1) {
		g->cats = grow(g->a, g->cats, g->ncats, &cap, sizeof(*g->cats));
		if (!g->cats) {
			nomem(e);
			goto out;
		}
		struct g_cat *c = &g->cats[g->ncats++];
		const char *name = db_col_peek(&st, 1, NULL);
		const struct cat_text *t = &cat_texts[N_OF(cat_texts) - 1];
		memset(c, 0, sizeof(*c));
		c->id = db_col_i64(&st, 0);
		c->safety = (int)db_col_i64(&st, 2);
		c->team_id = db_col_i64(&st, 3);
		c->weight = 5;
		for (size_t i = 0; name && i < N_OF(cat_texts); i++)
			if (strcmp(cat_texts[i].name, name) == 0) {
				t = &cat_texts[i];
				c->weight = t->weight;
			}
		c->issues = t->issues;
		while (c->issues[c->nissues].title)
			c->nissues++;
		memcpy(c->targets, wo_default_targets, sizeof(c->targets));
		g->total_weight += c->weight;
	}
	db_finalize(&st);
	if (rc)
		return rc;
	if (db_prepare(g->db, &st, sql_gen_targets, e) ||
	    db_bind_i64(&st, ":agency", g->agency_id, e))
		goto out;
	while ((rc = db_step(&st, e)) == 1) {
		int64_t id = db_col_i64(&st, 0);
		int p = wo_priority_parse(db_col_peek(&st, 1, NULL));
		for (size_t i = 0; p >= 0 && i < g->ncats; i++)
			if (g->cats[i].id == id) {
				g->cats[i].targets[p].accept_min = db_col_i64(&st, 2);
				g->cats[i].targets[p].resolve_min = db_col_i64(&st, 3);
			}
	}
	db_finalize(&st);
	if (rc)
		return rc;
	if (!g->ncats)
		return err_setx(e, ERR_RULE, "no_categories", NULL, "没有可用的报修类别");
	return 0;
out:
	db_finalize(&st);
	return e->code;
}

static int
load_locations(struct gen *g, struct err *e)
{
	struct stmt st = { 0 };
	int64_t *all = NULL;
	size_t nall = 0, cap = 0, caprooms = 0;
	int rc;

	if (db_prepare(g->db, &st, sql_gen_locations, e) ||
	    db_bind_i64(&st, ":agency", g->agency_id, e)) {
		db_finalize(&st);
		return e->code;
	}
	while ((rc = db_step(&st, e)) == 1) {
		int64_t id = db_col_i64(&st, 0);
		const char *kind = db_col_peek(&st, 1, NULL);
		all = grow(g->a, all, nall, &cap, sizeof(*all));
		if (!all)
			break;
		all[nall++] = id;
		if (kind && strcmp(kind, "room") == 0) {
			g->locs = grow(g->a, g->locs, g->nlocs, &caprooms, sizeof(*g->locs));
			if (!g->locs)
				break;
			g->locs[g->nlocs++] = id;
		}
	}
	db_finalize(&st);
	if (rc > 0)
		return nomem(e);
	if (rc)
		return rc;
	if (!g->nlocs) {	/* no rooms: any location */
		g->locs = all;
		g->nlocs = nall;
	}
	if (!g->nlocs)
		return err_setx(e, ERR_RULE, "no_locations", NULL, "没有可用的报修地点");
	return 0;
}

static int
load_users(struct gen *g, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 0;
	int rc;

	if (db_prepare(g->db, &st, sql_gen_users, e) ||
	    db_bind_i64(&st, ":agency", g->agency_id, e)) {
		db_finalize(&st);
		return e->code;
	}
	while ((rc = db_step(&st, e)) == 1) {
		g->users = grow(g->a, g->users, g->nusers, &cap, sizeof(*g->users));
		if (!g->users)
			break;
		struct g_user *u = &g->users[g->nusers++];
		u->id = db_col_i64(&st, 0);
		u->name = db_col_text(&st, g->a, 1);
		u->dept = db_col_i64(&st, 2);
		u->phone = db_col_text(&st, g->a, 3);
		u->staff = (int)db_col_i64(&st, 4);
		u->office = (int)db_col_i64(&st, 5);
		u->worker = (int)db_col_i64(&st, 6);
		ref_json(u->ref, u->id, u->name);
	}
	db_finalize(&st);
	if (rc > 0)
		return nomem(e);
	if (rc)
		return rc;
	g->staff = arena_array(g->a, g->nusers + 1, sizeof(size_t));
	g->office = arena_array(g->a, g->nusers + 1, sizeof(size_t));
	g->workers = arena_array(g->a, g->nusers + 1, sizeof(size_t));
	if (!g->staff || !g->office || !g->workers)
		return nomem(e);
	for (size_t i = 0; i < g->nusers; i++) {
		if (g->users[i].staff)
			g->staff[g->nstaff++] = i;
		if (g->users[i].office)
			g->office[g->noffice++] = i;
		if (g->users[i].worker)
			g->workers[g->nworkers++] = i;
	}
	if (!g->nstaff)	/* nobody holds staff: anyone may report */
		for (size_t i = 0; i < g->nusers; i++)
			g->staff[g->nstaff++] = i;
	if (!g->nstaff)
		return err_setx(e, ERR_RULE, "no_users", NULL, "本单位没有可用的用户");
	return 0;
}

static const struct g_user *
user_by_id(const struct gen *g, int64_t id)
{
	size_t lo = 0, hi = g->nusers;

	while (lo < hi) {	/* users are sorted by id */
		size_t mid = lo + (hi - lo) / 2;
		if (g->users[mid].id == id)
			return &g->users[mid];
		if (g->users[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
load_teams(struct gen *g, struct err *e)
{
	struct stmt st = { 0 };
	size_t cap = 0;
	int rc;

	if (db_prepare(g->db, &st, sql_gen_teams, e) ||
	    db_bind_i64(&st, ":agency", g->agency_id, e)) {
		db_finalize(&st);
		return e->code;
	}
	while ((rc = db_step(&st, e)) == 1) {
		g->teams = grow(g->a, g->teams, g->nteams, &cap, sizeof(*g->teams));
		if (!g->teams)
			break;
		struct g_team *t = &g->teams[g->nteams++];
		memset(t, 0, sizeof(*t));
		t->id = db_col_i64(&st, 0);
		ref_json(t->ref, t->id, db_col_peek(&st, 1, NULL));
	}
	db_finalize(&st);
	if (rc > 0)
		return nomem(e);
	if (rc)
		return rc;
	if (db_prepare(g->db, &st, sql_gen_members, e) ||
	    db_bind_i64(&st, ":agency", g->agency_id, e)) {
		db_finalize(&st);
		return e->code;
	}
	size_t mcap = 0;
	struct g_team *cur = NULL;
	while ((rc = db_step(&st, e)) == 1) {
		int64_t tid = db_col_i64(&st, 0), uid = db_col_i64(&st, 1);
		if (!user_by_id(g, uid))
			continue;	/* inactive member */
		if (!cur || cur->id != tid) {
			cur = NULL;
			mcap = 0;
			for (size_t i = 0; i < g->nteams; i++)
				if (g->teams[i].id == tid)
					cur = &g->teams[i];
			if (!cur)
				continue;
		}
		cur->members = grow(g->a, cur->members, cur->nmembers, &mcap, sizeof(int64_t));
		if (!cur->members)
			break;
		cur->members[cur->nmembers++] = uid;
	}
	db_finalize(&st);
	return rc > 0 ? nomem(e) : rc;
}

/* ---------- one order ---------- */

#define G_CREATE (-1)	/* g_event.action of the creation */

struct g_event {
	int action;		/* enum wo_action, or G_CREATE */
	int64_t at, actor;	/* actor 0: the system */
	const char *note, *data;
	const char *to;		/* the status after it (set by play) */
};

/* An order: its planned life, and its row as the transition table leaves it. */
struct g_order {
	struct workorder w;	/* the row; times 0 / minutes -1 = NULL */
	int64_t team, worker;	/* the planned assignee */
	const char *parts, *comment;	/* planned at resolution, confirmation */
	int64_t rating;
	char descr[256];
	char dispatch_data[2 * REF_JSON_MAX + 32];
	char resolve_data[160];
	char confirm_data[32];
	struct g_event ev[GEN_EVENTS_MAX];
	int nev;
};

static void
plan(struct g_order *o, int action, int64_t at, int64_t actor, const char *note,
     const char *data)
{
	struct g_event *v;

	if (o->nev >= GEN_EVENTS_MAX)
		return;
	if (o->nev && at <= o->ev[o->nev - 1].at)
		at = o->ev[o->nev - 1].at + 1000;	/* strictly increasing */
	v = &o->ev[o->nev++];
	v->action = action;
	v->to = NULL;
	v->at = at;
	v->actor = actor;
	v->note = note;
	v->data = data;
}

static size_t
weighted_category(struct gen *g, uint64_t *s)
{
	int r = (int)rng_below(s, (uint64_t)g->total_weight);

	for (size_t i = 0; i < g->ncats; i++) {
		r -= g->cats[i].weight;
		if (r < 0)
			return i;
	}
	return g->ncats - 1;
}

static int
rating_for(uint64_t *s, int good)
{
	/* weights of 1..5 stars */
	static const unsigned w_good[5] = { 1, 2, 7, 28, 62 };
	static const unsigned w_bad[5] = { 7, 11, 22, 35, 25 };
	const unsigned *w = good ? w_good : w_bad;
	unsigned r = (unsigned)rng_below(s, 100);

	for (int i = 0; i < 5; i++) {
		if (r < w[i])
			return i + 1;
		r -= w[i];
	}
	return 5;
}

/* Assign team and worker: the category's team and one of its members. */
static void
pick_assignee(struct gen *g, const struct g_cat *c, uint64_t *s, struct g_order *o,
	      const char **team_ref, const char **worker_ref)
{
	const struct g_team *t = NULL;

	for (size_t i = 0; c->team_id && i < g->nteams; i++)
		if (g->teams[i].id == c->team_id)
			t = &g->teams[i];
	if (!t && g->nteams)
		t = &g->teams[rng_below(s, g->nteams)];
	o->team = t ? t->id : 0;
	*team_ref = t ? t->ref : "null";
	o->worker = 0;
	if (t && t->nmembers)
		o->worker = t->members[rng_below(s, t->nmembers)];
	else if (g->nworkers)
		o->worker = g->users[g->workers[rng_below(s, g->nworkers)]].id;
	const struct g_user *w = o->worker ? user_by_id(g, o->worker) : NULL;
	*worker_ref = w ? w->ref : "null";
}

/* The order's fields at creation: category, issue, requester, room, priority, assignee. */
static void
plan_fields(struct gen *g, uint64_t *s, int64_t created, struct g_order *o,
	    const struct issue **issue, int64_t *owner)
{
	const struct g_cat *c = &g->cats[weighted_category(g, s)];
	const struct issue *is = &c->issues[rng_below(s, c->nissues)];
	const struct g_user *req = &g->users[g->staff[rng_below(s, g->nstaff)]];
	const struct g_user *off = g->noffice ? &g->users[g->office[rng_below(s, g->noffice)]]
					      : NULL;
	const char *team_ref, *worker_ref;
	unsigned p = (unsigned)rng_below(s, 100);
	int prio = p < 4 ? WO_URGENT : p < 18 ? WO_HIGH : p < 90 ? WO_NORMAL : WO_LOW;

	memset(o, 0, sizeof(*o));
	*issue = is;
	*owner = off ? off->id : 0;
	o->w.created_at = created;
	o->w.category.id = c->id;
	o->w.location.id = g->locs[rng_below(s, g->nlocs)];
	o->w.requester.id = req->id;
	o->w.requester_dept.id = req->dept;
	o->w.contact_phone = req->phone;
	o->w.priority = wo_priority_codes[prio];
	o->w.source = chance(s, 25) ? "qr" : "web";
	o->w.title = is->title;
	o->w.description = o->descr;
	snprintf(o->descr, sizeof(o->descr), "%s，%s", is->title,
		 desc_tails[rng_below(s, N_OF(desc_tails))]);
	o->w.clock_24h = prio == WO_URGENT || c->safety;
	o->w.accept_target_min = c->targets[prio].accept_min;
	o->w.resolve_target_min = c->targets[prio].resolve_min;
	pick_assignee(g, c, s, o, &team_ref, &worker_ref);
	snprintf(o->dispatch_data, sizeof(o->dispatch_data), "{\"team\":%s,\"worker\":%s}",
		 team_ref, worker_ref);
}

/*
** Plan the work from the start at `started` to the resolution, which uses
** about f of the resolve target (sometimes with a suspension for parts).
** Returns when it is resolved; *late: the target was missed.
*/
static int64_t
plan_work(uint64_t *s, struct g_order *o, const struct wo_clock *clk, int64_t started,
	  const struct issue *is, int *late)
{
	int64_t created = o->w.created_at, budget = o->w.resolve_target_min * MINUTE_MS;
	double f = chance(s, 85) ? rnd_real(s, 0.15, 0.95) : rnd_real(s, 1.05, 2.5);
	int64_t used_start = wo_clock_between(clk, created, started);
	int64_t used = (int64_t)(f * (double)budget), resolved;

	if (used < used_start + 15 * MINUTE_MS)
		used = used_start + rnd_min(s, 15, 120);
	if (chance(s, 6)) {	/* waiting for parts */
		int64_t susp = wo_clock_add(clk, created, used_start + (used - used_start) / 3);
		int64_t resumed = susp + rnd_min(s, 24 * 60, 4 * 24 * 60);
		plan(o, WO_A_SUSPEND, susp, o->worker,
		     suspend_reasons[rng_below(s, N_OF(suspend_reasons))], NULL);
		plan(o, WO_A_RESUME, resumed, o->worker, NULL, NULL);
		resolved = wo_clock_add(clk, resumed, used - wo_clock_between(clk, created, susp));
	} else {
		resolved = wo_clock_add(clk, created, used);
	}
	o->parts = is->parts && chance(s, 70) ? is->parts : NULL;
	if (o->parts)
		snprintf(o->resolve_data, sizeof(o->resolve_data),
			 "{\"parts\":\"%s\",\"photos\":0}", o->parts);
	else
		snprintf(o->resolve_data, sizeof(o->resolve_data), "{\"parts\":null,\"photos\":0}");
	plan(o, WO_A_RESOLVE, resolved, o->worker, is->note, o->resolve_data);
	*late = used > budget;
	return resolved;
}

/* After the resolution: sometimes a reopen and a second fix, then the rating or auto-confirm. */
static void
plan_close(struct gen *g, uint64_t *s, struct g_order *o, const struct wo_clock *clk,
	   int64_t resolved, const struct issue *is, int late)
{
	int64_t req = o->w.requester.id, deadline, t;
	int reopened = chance(s, 8);

	if (reopened) {	/* the requester rejects the fix within the window */
		int64_t ro = cal_add_business_ms(&g->cal, resolved, rnd_min(s, 30, 600));
		deadline = wo_confirm_deadline(&g->cal, resolved);
		if (ro >= deadline)
			ro = resolved + (deadline - resolved) / 2;
		plan(o, WO_A_REOPEN, ro, req, reopen_reasons[rng_below(s, N_OF(reopen_reasons))],
		     NULL);
		int64_t restart = wo_clock_add(clk, ro, rnd_min(s, 20, 120));
		plan(o, WO_A_START, restart, o->worker, NULL, NULL);
		resolved = wo_clock_add(clk, restart, rnd_min(s, 30, 240));
		plan(o, WO_A_RESOLVE, resolved, o->worker, is->note, o->resolve_data);
	}
	deadline = wo_confirm_deadline(&g->cal, resolved);
	if (chance(s, 10)) {	/* no rating: the job confirms at the deadline */
		plan(o, WO_A_AUTO_CONFIRM, deadline + rnd_min(s, 0, 1), 0,
		     "超过确认期限未评价，系统自动确认", NULL);
		return;
	}
	t = cal_add_business_ms(&g->cal, resolved, rnd_min(s, 10, 600));
	if (t >= deadline)
		t = resolved + (deadline - resolved) / 2;
	o->rating = rating_for(s, !reopened && !late);
	o->comment = o->rating <= 3 || chance(s, 60)
			     ? comments[o->rating - 1][rng_below(s, 3)] : NULL;
	snprintf(o->confirm_data, sizeof(o->confirm_data), "{\"rating\":%d}", (int)o->rating);
	plan(o, WO_A_CONFIRM, t, req, o->comment, o->confirm_data);
}

/* Plan the whole life of an order created at `created` (events may lie after now). */
static void
plan_order(struct gen *g, uint64_t *s, int64_t created, struct g_order *o)
{
	const struct issue *is;
	struct wo_clock clk = { .cal = &g->cal };
	int64_t owner, req, accepted, dispatched, started, resolved;
	double f;
	int late = 0;

	plan_fields(g, s, created, o, &is, &owner);
	clk.h24 = o->w.clock_24h;
	req = o->w.requester.id;
	plan(o, G_CREATE, created, req, NULL, NULL);
	/* accept: mostly within the target */
	f = chance(s, 88) ? rnd_real(s, 0.05, 0.95) : rnd_real(s, 1.05, 3.0);
	accepted = wo_clock_add(&clk, created,
				(int64_t)(f * (double)o->w.accept_target_min * MINUTE_MS));
	if (chance(s, 3)) {	/* cancelled by the requester before acceptance */
		int64_t at = created + rnd_min(s, 5, 90);
		plan(o, WO_A_CANCEL, at < accepted ? at : created + (accepted - created) / 2, req,
		     cancel_by_requester[rng_below(s, N_OF(cancel_by_requester))], NULL);
		return;
	}
	plan(o, WO_A_ACCEPT, accepted, owner, NULL, NULL);
	if (chance(s, 2)) {	/* cancelled by the office */
		plan(o, WO_A_CANCEL, wo_clock_add(&clk, accepted, rnd_min(s, 5, 60)), owner,
		     cancel_by_office[rng_below(s, N_OF(cancel_by_office))], NULL);
		return;
	}
	dispatched = wo_clock_add(&clk, accepted, rnd_min(s, 1, 15));
	plan(o, WO_A_DISPATCH, dispatched, owner, NULL, o->dispatch_data);
	started = wo_clock_add(&clk, dispatched, rnd_min(s, 10, 90));
	plan(o, WO_A_START, started, o->worker, NULL, NULL);
	resolved = plan_work(s, o, &clk, started, is, &late);
	plan_close(g, s, o, &clk, resolved, is, late);
}

/*
** Play the planned events before now through the transition table: each
** must be the table's row for the order's status, and a person never takes
** a row only the system may take; the row's effect sets the fields and
** the clocks. ERR_INVALID when the plan takes a move the table does not have.
*/
static int
play(struct gen *g, struct g_order *o, struct err *e)
{
	struct wo_clock clk = { .h24 = o->w.clock_24h, .cal = &g->cal };
	struct wo_action_in in = { .parts = o->parts, .rating = o->rating, .comment = o->comment };
	struct wo_move m = { .in = &in, .worker = { o->worker, NULL }, .team = { o->team, NULL } };
	enum wo_status st = WO_SUBMITTED, suspended_from = WO_IN_PROGRESS;
	int n;

	o->w.status = wo_status_codes[WO_SUBMITTED];
	o->w.updated_at = o->w.created_at;
	o->w.accept_minutes = o->w.resolve_minutes = -1;
	o->w.accept_on_time = o->w.resolve_on_time = -1;
	wo_clock_open(&o->w, &clk, o->w.created_at);
	o->ev[0].to = o->w.status;
	for (n = 1; n < o->nev && o->ev[n].at < g->now; n++) {
		struct g_event *v = &o->ev[n];
		const struct wo_rule *r = v->action < 0 ? NULL
				: wo_rule_find((enum wo_action)v->action, st);
		if (!r || (v->actor && r->t.parties == WO_P_SYSTEM))
			return err_set(e, ERR_INVALID, NULL, "generator: %s from %s is not a move of"
				       " the transition table", v->action < 0 ? "create"
				       : wo_action_codes[v->action], wo_status_codes[st]);
		m.at = v->at;
		m.actor.id = v->actor;
		m.back = suspended_from;
		in.reason = in.notes = v->note;
		if (v->action == WO_A_SUSPEND)
			suspended_from = st;
		wo_rule_apply(r, &o->w, &m, &clk);
		st = v->action == WO_A_RESUME ? m.back : r->t.to;
		v->to = o->w.status;
	}
	o->nev = n;
	return 0;
}

/* ---------- writing ---------- */

static int
insert_order(struct gen *g, const struct workorder *w, const char *code, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	rc = db_prepare(g->db, &st, sql_gen_order, e) ||
	     db_bind_i64(&st, ":agency", g->agency_id, e) || db_bind_text(&st, ":code", code, e) ||
	     db_bind_i64(&st, ":cat", w->category.id, e) ||
	     db_bind_i64(&st, ":loc", w->location.id, e) ||
	     db_bind_text(&st, ":title", w->title, e) ||
	     db_bind_text(&st, ":descr", w->description, e) ||
	     db_bind_text(&st, ":prio", w->priority, e) ||
	     db_bind_text(&st, ":phone", w->contact_phone, e) ||
	     db_bind_text(&st, ":status", w->status, e) ||
	     db_bind_text(&st, ":source", w->source, e) ||
	     db_bind_i64(&st, ":req", w->requester.id, e) ||
	     db_bind_id_or_null(&st, ":dept", w->requester_dept.id, e) ||
	     db_bind_id_or_null(&st, ":owner", w->owner.id, e) ||
	     db_bind_id_or_null(&st, ":team", w->team.id, e) ||
	     db_bind_id_or_null(&st, ":worker", w->worker.id, e) ||
	     db_bind_i64(&st, ":h24", w->clock_24h, e) ||
	     db_bind_i64(&st, ":atarget", w->accept_target_min, e) ||
	     db_bind_i64(&st, ":rtarget", w->resolve_target_min, e) ||
	     db_bind_id_or_null(&st, ":adue", w->accept_due_at, e) ||
	     db_bind_id_or_null(&st, ":rdue", w->resolve_due_at, e) ||
	     db_bind_i64(&st, ":used", w->resolve_used_ms, e) ||
	     db_bind_id_or_null(&st, ":run", w->run_started_at, e) ||
	     wo_bind_opt(&st, ":amin", w->accept_minutes, e) ||
	     wo_bind_opt(&st, ":rmin", w->resolve_minutes, e) ||
	     wo_bind_opt(&st, ":aon", w->accept_on_time, e) ||
	     wo_bind_opt(&st, ":ron", w->resolve_on_time, e) ||
	     db_bind_i64(&st, ":reopens", w->reopen_count, e) ||
	     db_bind_id_or_null(&st, ":accepted", w->accepted_at, e) ||
	     db_bind_id_or_null(&st, ":dispatched", w->dispatched_at, e) ||
	     db_bind_id_or_null(&st, ":started", w->started_at, e) ||
	     db_bind_id_or_null(&st, ":resolved", w->resolved_at, e) ||
	     db_bind_id_or_null(&st, ":confirmed", w->confirmed_at, e) ||
	     db_bind_id_or_null(&st, ":closed", w->closed_at, e) ||
	     db_bind_text(&st, ":sreason", w->suspend_reason, e) ||
	     db_bind_text(&st, ":notes", w->resolution_notes, e) ||
	     db_bind_text(&st, ":parts", w->parts, e) ||
	     db_bind_id_or_null(&st, ":rating", w->rating, e) ||
	     db_bind_text(&st, ":comment", w->rating_comment, e) ||
	     db_bind_i64(&st, ":auto", w->auto_confirmed, e) ||
	     db_bind_i64(&st, ":created", w->created_at, e) ||
	     db_bind_i64(&st, ":updated", w->updated_at, e) || db_step_done(&st, e)
		     ? e->code : 0;
	db_finalize(&st);
	return rc;
}

static int
insert_events(struct gen *g, const struct g_order *o, int64_t id, struct err *e)
{
	const char *from = NULL;

	for (int i = 0; i < o->nev; i++) {
		const struct g_event *v = &o->ev[i];
		struct stmt st = { 0 };
		int rc = db_prepare(g->db, &st, sql_gen_event, e) ||
			 db_bind_i64(&st, ":agency", g->agency_id, e) ||
			 db_bind_i64(&st, ":wo", id, e) ||
			 db_bind_text(&st, ":action",
				      v->action < 0 ? "create" : wo_action_codes[v->action], e) ||
			 db_bind_text(&st, ":from", from, e) || db_bind_text(&st, ":to", v->to, e) ||
			 db_bind_id_or_null(&st, ":actor", v->actor, e) ||
			 db_bind_text(&st, ":note", v->note, e) ||
			 db_bind_text(&st, ":data", v->data, e) ||
			 db_bind_i64(&st, ":at", v->at, e) || db_step_done(&st, e)
				 ? e->code : 0;
		db_finalize(&st);
		if (rc)
			return rc;
		from = v->to;
	}
	return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* n creation times in [from, to), mostly in working time, sorted. */
static int64_t *
creation_times(struct gen *g, uint64_t *s, int64_t n, int64_t from, int64_t to)
{
	int64_t *v = malloc((size_t)n * sizeof(*v));
	uint64_t span = (uint64_t)(to - from);

	if (!v)
		return NULL;
	for (int64_t i = 0; i < n; i++) {
		int64_t t = from;
		for (int tries = 0; tries < 12; tries++) {
			t = from + (int64_t)rng_below(s, span);
			if (cal_business_ms_between(&g->cal, t, t + 1) > 0 || rng_below(s, 12) == 0)
				break;
		}
		v[i] = t;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	return v;
}

static int
generate(struct gen *g, int64_t n, int64_t from, int64_t to, int own_tx, struct err *e)
{
	uint64_t s = g->seed;
	int64_t *times = creation_times(g, &s, n, from, to);
	int64_t seq = 0;
	int day = 0, rc = 0;
	struct g_order o;
	char code[40];

	if (!times)
		return nomem(e);
	for (int64_t i = 0; i < n && !rc; i++) {
		if (own_tx && i > 0 && i % GEN_BATCH == 0 &&
		    (db_commit(g->db, e) || db_begin_write(g->db, e))) {
			rc = e->code;
			break;
		}
		int date = cal_local_date(times[i]);
		if (date != day) {	/* times are sorted: reserve the day's codes at once */
			int64_t k = 1;
			while (i + k < n && cal_local_date(times[i + k]) == date)
				k++;
			day = date;
			rc = wo_code_reserve(g->db, g->agency_id, day, k, &seq, e);
			if (rc)
				break;
			seq--;
		}
		snprintf(code, sizeof(code), "WO-%08d-%04lld", date, (long long)++seq);
		plan_order(g, &s, times[i], &o);
		rc = play(g, &o, e) || insert_order(g, &o.w, code, e) ||
		     insert_events(g, &o, db_last_id(g->db), e) ? e->code : 0;
	}
	free(times);
	return rc;
}

int
wo_gen_history(struct db *db, int64_t agency_id, int64_t n, int64_t from_ms, int64_t to_ms,
	       uint64_t seed, struct err *e)
{
	struct gen g = { .db = db, .agency_id = agency_id, .now = to_ms, .seed = seed };
	int own_tx = !db_in_tx(db), rc;
	json_t *after;

	if (n < 0 || from_ms >= to_ms || from_ms < 0)
		return err_set(e, ERR_INVALID, NULL, "wo_gen_history: bad range");
	if (n == 0)
		return 0;
	g.a = arena_new(64 * 1024);
	if (!g.a)
		return nomem(e);
	rc = cal_load_agency(db, g.a, agency_id, &g.cal, e) || load_categories(&g, e) ||
	     load_locations(&g, e) || load_users(&g, e) || load_teams(&g, e) ? e->code : 0;
	if (!rc && own_tx)
		rc = db_begin_write(db, e);
	if (!rc) {
		after = json_pack("{sI sI sI sI}", "count", (json_int_t)n, "from",
				  (json_int_t)from_ms, "to", (json_int_t)to_ms, "seed",
				  (json_int_t)(seed & INT64_MAX));
		rc = aud_record_raw(db, 0, agency_id, "cli", "generate", "workorder", 0, NULL, after,
				    e);
		json_decref(after);
		if (!rc)
			rc = generate(&g, n, from_ms, to_ms, own_tx, e);
		if (own_tx) {
			if (rc)
				db_rollback(db);
			else
				rc = db_commit(db, e);
		}
	}
	arena_free(g.a);
	return rc;
}
