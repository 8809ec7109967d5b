/*
** modules/budget/claims_demo.c: a lived-in year of 报销 for the demo. Last
** year's lines with their monthly spending (imported, with vouchers) so the
** bulletin has something to compare with; then this year's claims, January
** to now, each made through the real functions at its own time
** (clock_advance): submitted by the departments' staff, decided by whoever
** the approval engine asks, paid by finance with a voucher a few days later.
** The last weeks keep some claims pending and some approved but unpaid.
** Finally finance closes every month but the last two. Amounts follow a rate
** per department, so the lines' progress runs from about 35 % to 90 %.
*/
#include "modules/budget/claims_int.h"
#include "modules/budget/budget.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/org/org.h"

#include <stdio.h>
#include <string.h>

/* Who claims for each department (demo logins), and how far its lines get by year end. */
static const struct {
	const char *dept;
	const char *const who[4];
	int rate;	/* % of each line spent over the year */
} claimants[] = {
	{ "第一检察部", { "staff1", "staff2", "staff3", "staff17" }, 88 },
	{ "第二检察部", { "staff4", "staff5", "staff6", "staff18" }, 62 },
	{ "第三检察部", { "staff7", "staff8", "staff9", "staff19" }, 74 },
	{ "政治部", { "staff10", "staff11", "staff20", NULL }, 55 },
	{ "办公室", { "staff12", "staff13", NULL, NULL }, 81 },
	{ "计划财务装备处", { "staff14", "staff15", NULL, NULL }, 47 },
	{ "纪检监察组", { "staff16", NULL, NULL, NULL }, 36 },
	{ "机关后勤服务中心", { "worker1", "worker2", "worker3", NULL }, 68 },
};
#define NCLAIMANTS (sizeof(claimants) / sizeof(claimants[0]))

/* The demo lines' classes (budget_demo.c) with what a claim of each is for. */
static const struct {
	const char *code, *title, *item;
	int64_t yuan;	/* the line's amount */
	int pct;	/* the class's share of the department's rate */
} plan[] = {
	{ "30201", "办公用品及耗材采购", "办公用品、打印耗材", 60000, 100 },
	{ "30211", "出差", "城际交通", 80000, 105 },
	{ "30215", "业务会议", "会议室租用及资料印制", 30000, 85 },
	{ "30217", "公务接待", "公务接待工作餐", 20000, 90 },
};
#define NPLAN (sizeof(plan) / sizeof(plan[0]))

static const char *const cities[] = { "北京", "上海", "广州", "成都", "武汉", "西安", "杭州" };

struct demo {
	struct db *db;
	struct arena *a;
	const char *prefix;
	struct actor fin;
	uint64_t rng;
	int64_t now0;		/* the real now: nothing happens after it */
	int today, year, month;	/* Shanghai */
	int vouchers[13];	/* per month of this year */
	struct { int64_t id; struct actor a; } cache[64];
	size_t ncache;
};

static unsigned
rnd(struct demo *d, unsigned n)
{
	d->rng = d->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(d->rng >> 33) % n;
}

/* Move the clock to at (epoch ms). */
static void
clock_to(int64_t at)
{
	clock_advance(at - now_ms());
}

/* Epoch ms of yyyymmdd at hour (Shanghai). */
static int64_t
at_of(int date, int hour)
{
	return date_to_days(date) * DAY_MS + hour * HOUR_MS - SHANGHAI_OFFSET_MS;
}

static int
date_of(int64_t at)
{
	return days_to_date((at + SHANGHAI_OFFSET_MS) / DAY_MS);
}

static int
actor_of(struct demo *d, int64_t id, const struct actor **out, struct err *e)
{
	for (size_t i = 0; i < d->ncache; i++)
		if (d->cache[i].id == id) {
			*out = &d->cache[i].a;
			return 0;
		}
	if (d->ncache == sizeof(d->cache) / sizeof(d->cache[0]))
		return err_set(e, ERR_NOMEM, NULL, "demo actor cache full");
	if (auth_load_actor(d->db, d->a, id, &d->cache[d->ncache].a, e))
		return e->code;
	d->cache[d->ncache].a.ip = "cli";
	d->cache[d->ncache].id = id;
	*out = &d->cache[d->ncache++].a;
	return 0;
}

static int64_t
dept_named(const struct dept *ds, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ds[i].name, name) == 0)
			return ds[i].id;
	return 0;
}

static int64_t
class_coded(const struct bud_class *cs, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cs[i].code, code) == 0)
			return cs[i].id;
	return 0;
}

/* A month of last year's spending on line: one imported row with its voucher. */
static int
import_month(struct demo *d, int64_t line, int64_t fen, int month, int64_t *seq, struct err *e)
{
	char voucher[64];
	struct budget_src src = { .module = "import", .id = ++*seq, .voucher_no = voucher,
				  .payee = "历史数据导入",
				  .occurred_at = at_of((d->year - 1) * 10000 + month * 100 + 15, 12) };
	struct budget_result r;

	snprintf(voucher, sizeof(voucher), "记-%04d-%02d-%04lld", d->year - 1, month,
		 (long long)*seq);
	return budget_spend(d->db, &d->fin, line, fen, &src, &r, e);
}

/* Last year: the same lines, spent month by month a little below this year's rates. */
static int
last_year(struct demo *d, const struct dept *ds, size_t nd, const struct bud_class *cs,
	  size_t nc, struct err *e)
{
	int64_t seq = 0;
	struct bud_line l;

	for (size_t i = 0; i < NCLAIMANTS; i++)
		for (size_t p = 0; p < NPLAN; p++) {
			struct bud_line_in in = { d->year - 1, dept_named(ds, nd, claimants[i].dept),
						  class_coded(cs, nc, plan[p].code),
						  plan[p].yuan * 100, p ? "stop" : "warn" };
			int64_t month_fen = plan[p].yuan * (claimants[i].rate - 6) * plan[p].pct / 12;

			if (!in.department_id || !in.class_id)
				continue;
			if (bud_line_create(d->db, d->a, &d->fin, &in, &l, e))
				return e->code;
			for (int m = 1; m <= 12; m++)
				if (import_month(d, l.id, month_fen * (80 + rnd(d, 30)) / 10000, m, &seq,
						 e))
					return e->code;
		}
	return 0;
}

/* A trip to a city before the claim's day: lodging, meals and transport within the standard. */
static void
travel_items(struct demo *d, int date, int64_t fen, struct claim_in *in,
	     struct claim_item_in *it)
{
	int nights = 1 + (int)rnd(d, 3);
	const char *city = cities[rnd(d, sizeof(cities) / sizeof(cities[0]))];
	int64_t end = date_to_days(date) - 1 - rnd(d, 5), lodging = nights * 35000;
	int64_t meals = (nights + 1) * 10000, local = (nights + 1) * 8000;
	int64_t fare = fen - lodging - meals - local;

	in->has_trip = 1;
	in->trip = (struct claim_trip){ city, "other", days_to_date(end - nights),
					days_to_date(end) };
	in->title = arena_printf(d->a, "赴%s出差（%d 天）", city, nights + 1);
	it[0] = (struct claim_item_in){ "30211", "城际交通（往返）", "fare", fare > 20000 ? fare : 20000 };
	it[1] = (struct claim_item_in){ "30211", "住宿费", "lodging", lodging };
	it[2] = (struct claim_item_in){ "30211", "伙食补助", "meals", meals };
	it[3] = (struct claim_item_in){ "30211", "市内交通补助", "transport", local };
	in->nitems = 4;
}

/* The claim's approval decided step by step, one business day apart, until stop_after. */
static int
decide_all(struct demo *d, const struct claim *c, int64_t at, int64_t stop_after,
	   int64_t *last, struct err *e)
{
	struct appr_decide_in yes = { .decision = APPR_APPROVE, .comment = "同意" };
	int64_t decided[APPR_STEPS_MAX] = { 0 }, *ids;
	const struct actor *who = NULL;
	size_t n, nd = 0;
	struct claim now;

	for (int step = 0; step < APPR_STEPS_MAX; step++) {
		at += DAY_MS + rnd(d, 6) * HOUR_MS;
		if (at > stop_after || claim_row(d->db, d->a, d->fin.agency_id, c->id, &now, e) ||
		    strcmp(now.status, "pending") != 0 ||
		    appr_current_approvers(d->db, d->a, c->approval_id, &ids, &n, e))
			return e->code;
		for (size_t k = 0; k < n; k++) {
			int done = ids[k] == c->requester_id;
			for (size_t j = 0; j < nd; j++)
				done |= decided[j] == ids[k];
			if (done || actor_of(d, ids[k], &who, e))
				continue;
			clock_to(at);
			if (appr_decide(d->db, who, c->approval_id, &yes, e) == 0) {
				decided[nd++] = ids[k];
				*last = at;
				break;
			}
			if (e->code != ERR_RULE && e->code != ERR_FORBIDDEN)
				return e->code;
			err_clear(e);	/* over_budget at the final step: it stays pending */
			return 0;
		}
	}
	return 0;
}

static int
pay_it(struct demo *d, const struct claim *c, int64_t at, struct err *e)
{
	int date = date_of(at), m = date / 100 % 100;
	char voucher[64], on[11];
	struct claim_pay_in in = { voucher, on };
	struct claim out;

	snprintf(voucher, sizeof(voucher), "记-%04d-%02d-%04d", date / 10000, m, ++d->vouchers[m]);
	cal_format_date(date, on, sizeof(on));
	clock_to(at);
	return claim_pay(d->db, d->a, &d->fin, c->id, &in, &out, e);
}

/*
** One claim of department i, class p, for about fen, submitted at at. Its
** fate: within the last three weeks some stay pending or unpaid.
*/
static int
one_claim(struct demo *d, const struct actor *who, size_t p, int64_t at, int64_t fen,
	  struct err *e)
{
	struct claim_item_in it[4];
	struct claim_in in = { .items = it, .nitems = 1, .paper_invoices = 1 };
	int64_t last = at, limit = d->now0 - HOUR_MS;
	int recent = at > d->now0 - 21 * DAY_MS, fate = recent ? (int)rnd(d, 3) : 2;
	struct claim c, now;

	in.title = plan[p].title;
	it[0] = (struct claim_item_in){ plan[p].code, plan[p].item, NULL, fen };
	if (strcmp(plan[p].code, "30211") == 0)
		travel_items(d, date_of(at), fen, &in, it);
	clock_to(at);
	if (claim_create(d->db, d->a, who, &in, &c, e)) {
		if (e->code != ERR_RULE)	/* a stop line that has run out: no claim */
			return e->code;
		err_clear(e);
		return 0;
	}
	if (decide_all(d, &c, at, fate ? limit : at + DAY_MS + HOUR_MS, &last, e) ||
	    claim_row(d->db, d->a, d->fin.agency_id, c.id, &now, e))
		return e->code;
	at = last + (2 + rnd(d, 4)) * DAY_MS + 3 * HOUR_MS;
	if (fate == 2 && strcmp(now.status, "approved") == 0 && at < limit)
		return pay_it(d, &c, at, e);
	return 0;
}

/* This year's claims, day by day; each (department, class) claims on 0 to 2 days a month. */
static int
this_year(struct demo *d, const struct actor who[NCLAIMANTS][4], struct err *e)
{
	for (int m = 1; m <= d->month; m++) {
		int day_of[NCLAIMANTS][NPLAN][2];

		for (size_t i = 0; i < NCLAIMANTS; i++)
			for (size_t p = 0; p < NPLAN; p++) {
				day_of[i][p][0] = rnd(d, 5) ? 1 + (int)rnd(d, 28) : 0;
				day_of[i][p][1] = p == 0 && !rnd(d, 3) ? 1 + (int)rnd(d, 28) : 0;
			}
		for (int day = 1; day <= 28; day++) {
			int date = d->year * 10000 + m * 100 + day;
			if (date >= d->today)
				return 0;
			for (size_t i = 0; i < NCLAIMANTS; i++)
				for (size_t p = 0; p < NPLAN; p++)
					for (int k = 0; k < 2; k++) {
						/* the month's share of the year's rate, over ~0.8 claims */
						int64_t fen = plan[p].yuan * claimants[i].rate * plan[p].pct /
							      960 * (70 + rnd(d, 60)) / 100;
						size_t w = rnd(d, 4);
						if (day_of[i][p][k] != day)
							continue;
						while (!who[i][w].id)
							w = (w + 1) % 4;
						if (one_claim(d, &who[i][w], p, at_of(date, 9 + rnd(d, 3)),
							      k ? fen / 3 : fen, e))
							return e->code;
					}
		}
	}
	return 0;
}

static int
load_claimants(struct demo *d, struct actor who[NCLAIMANTS][4], struct err *e)
{
	memset(who, 0, sizeof(struct actor) * NCLAIMANTS * 4);
	for (size_t i = 0; i < NCLAIMANTS; i++)
		for (size_t w = 0; w < 4 && claimants[i].who[w]; w++)
			if (org_demo_actor(d->db, d->a, d->prefix, claimants[i].who[w], &who[i][w], e))
				return e->code;
	return 0;
}

/*
** The year's notices older than two weeks were read back then: a demo user's inbox shows
** the last weeks unread, not a year of them (as its people would have opened them).
*/
static const char sql_read_old[] =
	"UPDATE notification SET read_at = created_at + 3600000, updated_at = created_at + 3600000"
	" WHERE agency_id = :agency AND read_at IS NULL AND created_at < :cutoff";

static int
read_old_notices(struct demo *d, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(d->db, &st, sql_read_old, e) ||
		 db_bind_i64(&st, ":agency", d->fin.agency_id, e) ||
		 db_bind_i64(&st, ":cutoff", d->now0 - 14 * DAY_MS, e) || db_step_done(&st, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/*
** 结账: last year's months and this year's but the last two — after every
** module's demo (the module's demo_finish), so the modules that spend through
** the engine could date their rows in those months first.
*/
int
claim_demo_close(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	int64_t now = now_ms();
	int today = date_of(now), year = today / 10000, month = today / 100 % 100;
	struct actor fin;

	if (org_demo_actor(db, a, prefix, "finance", &fin, e))
		return e->code;
	for (int m = 1; m <= 12; m++)
		if (budget_period_close(db, &fin, (year - 1) * 100 + m, e))
			return e->code;
	for (int m = 1; m <= month - 2; m++)
		if (budget_period_close(db, &fin, year * 100 + m, e))
			return e->code;
	return 0;
}

int
claim_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	static struct actor who[NCLAIMANTS][4];	/* ~30 KB: off the stack */
	struct demo d = { .db = db, .a = a, .prefix = prefix, .rng = 0x5eedc1a1u + strlen(prefix) };
	struct bud_class *cs;
	struct dept *ds;
	size_t nc, nd;
	int rc;

	d.now0 = now_ms();
	d.today = date_of(d.now0);
	d.year = d.today / 10000;
	d.month = d.today / 100 % 100;
	if (org_demo_actor(db, a, prefix, "finance", &d.fin, e) ||
	    bud_class_list(db, a, &d.fin, &cs, &nc, e) || org_dept_list(db, a, &d.fin, &ds, &nd, e) ||
	    load_claimants(&d, who, e))
		return e->code;
	rc = last_year(&d, ds, nd, cs, nc, e) || this_year(&d, (const struct actor (*)[4])who, e) ||
	     read_old_notices(&d, e) ? e->code : 0;
	clock_to(d.now0);
	return rc;
}
