/*
** modules/supplies/supplies_demo_flow.c: six months of the demo agency's 办公用品
** played through the flows with the clock moved back (supplies_demo.h). Each
** month: the departments' quotas; two rounds of requisitions, one a department
** (requisitions.h: approved as the rules ask, issued as far as the stock goes,
** received the same day); after each round a purchase order of what fell to
** its reorder point, one a supplier (purchases.h: approved, received the next
** morning). One order above ¥50,000 goes to the 党组会 with its minutes; a
** stocktake last month finds a few differences. The last days' requisitions
** stay pending or waiting to be issued, and what fell low since the last
** order is still low. A month whose budget period is closed (结账, by the
** budget demo before this one) takes no order: its replenishment is a plain
** receipt in the ledger, since the budget engine refuses rows dated in it.
*/
#include "modules/supplies/supplies_demo.h"
#include "modules/supplies/catalog.h"
#include "modules/supplies/purchases.h"
#include "modules/supplies/requisitions.h"
#include "modules/supplies/stock.h"
#include "modules/budget/budget.h"
#include "core/approval.h"
#include "core/arena.h"
#include "core/budget.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

/* each requester's department's monthly quota (yuan) */
static const int64_t quota_yuan[DEMO_NREQ] = { 1800, 1500, 1500, 1200, 2500, 2000, 1000, 600 };

static int
actor_of(struct sdemo *d, int64_t id, const struct actor **out, struct err *e)
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

/* Decide approval id step by step from *at (an hour apart) by the first approver not the requester. */
static int
approve(struct sdemo *d, int64_t id, int64_t requester, int64_t *at, struct err *e)
{
	struct appr_decide_in yes = { .decision = APPR_APPROVE, .comment = "同意" };
	const struct actor *who = NULL;
	struct approval ap;
	int64_t *ids;
	size_t n, k;

	for (int step = 0; step < APPR_STEPS_MAX; step++) {
		if (appr_get(d->db, d->a, &d->office, id, &ap, e) ||
		    appr_current_approvers(d->db, d->a, id, &ids, &n, e))
			return e->code;
		if (ap.status != APPR_PENDING || !ap.current_seq)
			return 0;
		for (k = 0; k < n && ids[k] == requester; k++)
			;
		if (k == n || actor_of(d, ids[k], &who, e))
			return k == n ? 0 : e->code;
		yes.minutes_ref = ap.steps[ap.current_seq - 1].scope == APPR_SCOPE_COMMITTEE
					  ? "党组会议纪要〔2026〕第 9 次" : NULL;
		*at += 20 * MINUTE_MS;
		sdemo_clock_to(*at);
		if (appr_decide(d->db, who, id, &yes, e))
			return e->code;
	}
	return 0;
}

static int
quotas(struct sdemo *d, int y, int m, struct err *e)
{
	for (int r = 0; r < DEMO_NREQ; r++)
		if (quota_set(d->db, d->a, &d->office, d->req[r].department_id, y, m,
			      quota_yuan[r] * 100, 0, e))
			return e->code;
	return 0;
}

static int64_t
isqrt(int64_t v)
{
	int64_t r = 0;

	while ((r + 1) * (r + 1) <= v)
		r++;
	return r;
}

/* An item drawn in proportion to the square root of its use; its quantity makes the months add up. */
static size_t
pick(struct sdemo *d, int64_t *qty)
{
	static int64_t w[DEMO_NITEMS], all;
	int64_t x;
	size_t i;

	if (!all)
		for (i = 0; i < DEMO_NITEMS; i++)
			all += w[i] = isqrt(demo_items[i].use * 100);
	x = sdemo_rnd(d, (unsigned)all);
	for (i = 0; i + 1 < DEMO_NITEMS && x >= w[i]; i++)
		x -= w[i];
	/* 16 requisitions of ~4 lines a month: w / 10 × all / 64 units a pick, ±40 % */
	*qty = w[i] * all * (60 + sdemo_rnd(d, 81)) / (10 * 64 * 100);
	if (*qty < 1)
		*qty = 1;
	return i;
}

/* Issue what the stock allows of requisition id (nothing: it waits), then its receipt. */
static int
issue(struct sdemo *d, int r, int64_t id, int64_t at, struct err *e)
{
	struct reqn_line_in out[REQ_LINES_MAX];
	struct requisition q;
	size_t n = 0;

	if (reqn_row(d->db, d->a, d->office.agency_id, id, &q, e) || reqn_lines(d->db, d->a, &q, e))
		return e->code;
	if (strcmp(q.status, "approved"))
		return 0;
	for (size_t i = 0; i < q.nlines; i++) {
		int64_t k = q.lines[i].qty < q.lines[i].on_hand ? q.lines[i].qty : q.lines[i].on_hand;

		if (k > 0)
			out[n++] = (struct reqn_line_in){ q.lines[i].item_id, k, NULL };
	}
	if (!n)
		return 0;
	sdemo_clock_to(at + 5 * HOUR_MS);
	if (reqn_issue(d->db, d->a, &d->office, id, out, n, 0, e))
		return e->code;
	sdemo_clock_to(at + 7 * HOUR_MS);
	return reqn_receive(d->db, d->a, &d->req[r], id, e);
}

static const char *const purposes[] = { "日常办公", "案件材料整理", "会议准备", "打印装订卷宗",
					"新进人员配发", "年底归档" };

/* Requester r's requisition at `at` (09:00); fate 0 pending, 1 approved, 2 issued and received. */
static int
requisition(struct sdemo *d, int r, int64_t at, int fate, struct err *e)
{
	struct reqn_line_in lines[6];
	struct reqn_in in = { .reason = purposes[sdemo_rnd(d, 6)], .lines = lines };
	struct requisition q;
	size_t want = 3 + sdemo_rnd(d, 3);

	for (size_t t = 0; t < 12 && in.nlines < want; t++) {
		int64_t qty;
		size_t i = pick(d, &qty), k;

		for (k = 0; k < in.nlines && lines[k].item_id != d->item[i]; k++)
			;
		if (k == in.nlines)
			lines[in.nlines++] = (struct reqn_line_in){ d->item[i], qty, NULL };
	}
	sdemo_clock_to(at);
	if (reqn_create(d->db, d->a, &d->req[r], &in, &q, e))
		return e->code;
	if (fate && approve(d, q.approval_id, d->req[r].id, &at, e))
		return e->code;
	return fate == 2 ? issue(d, r, q.id, at, e) : 0;
}

/* The fate of what happens at `at`: the last two days pending, the two before approved. */
static int
fate_of(const struct sdemo *d, int64_t at)
{
	return at > d->now0 - 2 * DAY_MS ? 0 : at > d->now0 - 4 * DAY_MS ? 1 : 2;
}

/* A round of requisitions, one a requester, on days from, from + 1, ... of the month at ms0. */
static int
round_of(struct sdemo *d, int64_t ms0, int from, struct err *e)
{
	for (int r = 0; r < DEMO_NREQ; r++) {
		int64_t at = ms0 + (from + r - 1) * DAY_MS + 9 * HOUR_MS;

		if (at + 8 * HOUR_MS < d->now0 && requisition(d, r, at, fate_of(d, at), e))
			return e->code;
	}
	return 0;
}

struct order {
	struct po_line_in lines[PO_LINES_MAX];
	size_t n;
	int64_t total;
};

/* The order's receipt the next morning: one purchaser (two above ¥50,000), another accepts. */
static int
receive(struct sdemo *d, int64_t id, const struct order *o, int64_t at, struct err *e)
{
	struct po_receive_line rl[PO_LINES_MAX];
	int64_t buyers[2] = { d->office2.id, d->clerk.id };
	int two = o->total > PO_TWO_PERSON_ABOVE_FEN;
	char invoice[32];
	struct po_receive_in in = { buyers, two ? 2 : 1, two ? d->req[5].id : d->clerk.id,
				    invoice, rl, o->n, 0 };

	for (size_t i = 0; i < o->n; i++)
		rl[i] = (struct po_receive_line){ o->lines[i].item_id, o->lines[i].qty,
						  o->lines[i].unit_price_fen };
	snprintf(invoice, sizeof(invoice), "No.%08lld", (long long)(11020000 + id * 37));
	sdemo_clock_to(at);
	return po_receive(d->db, d->a, &d->office, id, &in, e);
}

/* Order o from supplier s at *at, approved as the rules ask: its id when approved, else 0. */
static int
place(struct sdemo *d, int s, struct order *o, const char *reason, int64_t *at, int64_t *id,
      struct err *e)
{
	struct po_in in = { .lines = o->lines, .nlines = o->n, .supplier_id = d->supplier[s],
			    .reason = reason, .paper_quotes = 1 };
	struct purchase_order po;

	*id = 0;
	sdemo_clock_to(*at);
	if (po_create(d->db, d->a, &d->office, &in, &po, e) ||
	    approve(d, po.approval_id, d->office.id, at, e) ||
	    po_row(d->db, d->a, d->office.agency_id, po.id, &po, e))
		return e->code;
	d->orders++;
	if (!strcmp(po.status, "approved"))
		*id = po.id;
	return 0;
}

static size_t
index_of(const struct sdemo *d, int64_t item)
{
	size_t i;

	for (i = 0; i < DEMO_NITEMS && d->item[i] != item; i++)
		;
	return i;
}

/* In a closed budget month: the suggestions received into the ledger without an order. */
static int
restock(struct sdemo *d, const struct po_suggestion *s, size_t n, int64_t at, struct err *e)
{
	sdemo_clock_to(at);
	for (size_t k = 0; k < n; k++) {
		size_t i = index_of(d, s[k].item_id);
		struct stock_move_in in = { .item_id = s[k].item_id, .reason = "purchase",
					    .qty = s[k].suggested_qty,
					    .unit_cost_fen = demo_items[i].price_fen,
					    .note = "定点供应商送货入库" };
		struct stock_move m;

		if (i < DEMO_NITEMS && in.qty > 0 && stock_in(d->db, &d->office, &in, &m, e))
			return e->code;
	}
	return 0;
}

/* What fell to its reorder point, ordered from each category's supplier (under ¥50,000 an order). */
static int
orders_of(struct sdemo *d, const struct po_suggestion *sg, size_t n, struct order o[],
	  int64_t at, int skip)
{
	memset(o, 0, DEMO_NSUPPLIERS * sizeof(*o));
	for (size_t k = 0; k < n; k++) {
		size_t i = index_of(d, sg[k].item_id);
		struct order *to;
		int64_t price;

		if (i == DEMO_NITEMS || sg[k].suggested_qty <= 0 || (skip && i % 3 == 0))
			continue;
		to = &o[demo_supplier_of_cat[demo_items[i].cat]];
		price = demo_items[i].price_fen * (95 + (at / DAY_MS + (int64_t)i) % 11) / 100;
		if (to->n == PO_LINES_MAX || to->total + price * sg[k].suggested_qty >
						     PO_TWO_PERSON_ABOVE_FEN - 100000)
			continue;
		to->lines[to->n++] = (struct po_line_in){ sg[k].item_id, sg[k].suggested_qty, price };
		to->total += price * sg[k].suggested_qty;
	}
	return 0;
}

/*
** The office's replenishment at `at`: orders approved that day, received the
** next morning. skip: a third of what is low is left for later (still low today).
*/
static int
replenish(struct sdemo *d, int y, int m, int64_t at, int skip, struct err *e)
{
	static struct order o[DEMO_NSUPPLIERS];
	int64_t id[DEMO_NSUPPLIERS], next = at - (at + SHANGHAI_OFFSET_MS) % DAY_MS + DAY_MS + 9 * HOUR_MS;
	struct po_suggestion *sg;
	size_t n;
	int closed = 0;

	if (next + 2 * HOUR_MS > d->now0)
		return 0;
	sdemo_clock_to(at);
	if (po_suggestions(d->db, d->a, &d->office, &sg, &n, e) ||
	    budget_period_closed(d->db, d->office.agency_id, y * 100 + m, &closed, e))
		return e->code;
	if (closed)
		return restock(d, sg, n, at, e);
	orders_of(d, sg, n, o, at, skip);
	for (int s = 0; s < DEMO_NSUPPLIERS; s++)
		if (o[s].n && place(d, s, &o[s], "库存到补货点，补充库存", &at, &id[s], e))
			return e->code;
	for (int s = 0; s < DEMO_NSUPPLIERS; s++)
		if (o[s].n && id[s] && receive(d, id[s], &o[s], next + s * 10 * MINUTE_MS, e))
			return e->code;
	return 0;
}

/* The year's paper bought at once: above ¥50,000, so the 党组会 decides and two people buy. */
static int
committee(struct sdemo *d, int y, int m, int64_t at, struct err *e)
{
	static struct order o;
	int64_t id;
	int closed = 0;

	if (budget_period_closed(d->db, d->office.agency_id, y * 100 + m, &closed, e))
		return e->code;
	if (closed || at + DAY_MS > d->now0)
		return 0;
	o = (struct order){ .n = 2, .total = 300 * 13000 + 80 * 16500 };
	o.lines[0] = (struct po_line_in){ d->item[0], 300, 13000 };
	o.lines[1] = (struct po_line_in){ d->item[1], 80, 16500 };
	if (place(d, 6, &o, "全年复印纸集中采购（三家比价，党组会研究）", &at, &id, e))
		return e->code;
	d->committee = id != 0;
	if (id && receive(d, id, &o, at + 8 * HOUR_MS, e))
		return e->code;
	/* and the toners for the quarter: above ¥10,000, on three quotes */
	at += 9 * HOUR_MS;
	o = (struct order){ .n = 3, .total = 20 * 42000 + 12 * 39000 + 8 * 28000 };
	o.lines[0] = (struct po_line_in){ d->item[35], 20, 42000 };
	o.lines[1] = (struct po_line_in){ d->item[36], 12, 39000 };
	o.lines[2] = (struct po_line_in){ d->item[37], 8, 28000 };
	if (place(d, 3, &o, "打印耗材季度备货（三家比价）", &at, &id, e))
		return e->code;
	return id ? receive(d, id, &o, at + 2 * HOUR_MS, e) : 0;
}

/* Last month's stocktake: every seventh item counted, three of them off the book. */
static int
stocktake(struct sdemo *d, int64_t at, struct err *e)
{
	struct stocktake_line_in lines[DEMO_NITEMS / 7 + 1];
	static const int64_t off[] = { -2, -1, 1 };
	struct supply_item it;
	struct stocktake st;
	size_t n = 0;

	sdemo_clock_to(at);
	for (size_t i = 3; i < DEMO_NITEMS; i += 7) {
		if (sup_item_get(d->db, d->a, &d->office, d->item[i], &it, e))
			return e->code;
		lines[n] = (struct stocktake_line_in){ it.id, it.qty_on_hand };
		if (n % 6 == 1 && n / 6 < 3 && it.qty_on_hand + off[n / 6] >= 0)
			lines[n].counted_qty += off[n / 6];
		n++;
	}
	return stocktake_create(d->db, d->a, &d->office, "季度盘点（办公用品库房）", lines, n, &st, e) ||
	       approve(d, st.approval_id, d->office.id, &at, e) ? e->code : 0;
}

/* Month k of the six (0 the oldest, DEMO_MONTHS this one). */
static int
month(struct sdemo *d, int k, struct err *e)
{
	int p = budget_period_of(d->now0), y = p / 100, m = p % 100 - DEMO_MONTHS + k;
	int64_t ms0;

	if (m < 1) {
		m += 12;
		y--;
	}
	ms0 = bud_month_start(y, m);
	if (ms0 + DAY_MS + 9 * HOUR_MS > d->now0)
		return 0;
	sdemo_clock_to(ms0 + DAY_MS + 9 * HOUR_MS);
	return quotas(d, y, m, e) || round_of(d, ms0, 3, e) ||
	       (k == DEMO_MONTHS - 1 && committee(d, y, m, ms0 + 10 * DAY_MS + 9 * HOUR_MS, e)) ||
	       replenish(d, y, m, ms0 + 11 * DAY_MS + 9 * HOUR_MS, 0, e) || round_of(d, ms0, 16, e) ||
	       replenish(d, y, m, ms0 + 24 * DAY_MS + 9 * HOUR_MS, k == DEMO_MONTHS - 1, e) ||
	       (k == DEMO_MONTHS - 1 && stocktake(d, ms0 + 27 * DAY_MS + 9 * HOUR_MS, e)) ? e->code
												 : 0;
}

/* The last hours: two requisitions waiting to be issued (待发放), two for their approval. */
static int
recent(struct sdemo *d, struct err *e)
{
	for (int i = 0; i < 4; i++) {
		int64_t at = d->now0 - (4 - i) * HOUR_MS;

		if (at > now_ms() && requisition(d, 1 + i, at, i < 2, e))
			return e->code;
	}
	return 0;
}

/* Notices older than two weeks were read then (low stock, to issue, approved …), as claims_demo.c does. */
static const char sql_read_old[] =
	"UPDATE notification SET read_at = created_at + 3600000, updated_at = created_at + 3600000"
	" WHERE agency_id = :agency AND read_at IS NULL AND created_at < :cutoff";

static int
read_old(struct sdemo *d, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(d->db, &st, sql_read_old, e) ||
		 db_bind_i64(&st, ":agency", d->office.agency_id, e) ||
		 db_bind_i64(&st, ":cutoff", d->now0 - 14 * DAY_MS, e) || db_step_done(&st, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

int
sdemo_months(struct sdemo *d, struct err *e)
{
	for (int k = 0; k <= DEMO_MONTHS; k++)
		if (month(d, k, e))
			return e->code;
	return recent(d, e) || read_old(d, e) ? e->code : 0;
}
