/*
** modules/budget/claims_home.c: what 报销 puts on the 工作台: finance's
** claims to pay (the total of the list /finance/claims?status=approved, run
** through claim_list itself) and the requester's open claims.
*/
#include "modules/budget/claims_int.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "module.h"
#include "modules/home/home.h"

/* 待支付: approved and not yet paid. */
static int
count_to_pay(struct db *db, struct arena *a, const struct actor *who, int64_t now, int64_t *n,
	     struct err *e)
{
	struct claim_filter f = { .status = "approved" };
	struct claim *items;
	size_t k;

	(void)now;
	return claim_list(db, a, who, &f, &items, &k, n, e);
}

const struct module_counter claim_home_counters[] = {
	{ "claims_to_pay", ROLE_FINANCE, count_to_pay },
	{ 0 }
};

/* 我的报销 still open: under approval or waiting for payment. */
static const char sql_mine[] =
	"SELECT id, code, title, status, updated_at FROM expense_claim WHERE requester_id = :me"
	" AND status IN ('pending', 'approved') AND agency_id = :agency"
	" ORDER BY updated_at DESC, id DESC LIMIT :limit";
static const char sql_mine_count[] =
	"SELECT COUNT(*) FROM expense_claim WHERE requester_id = :me"
	" AND status IN ('pending', 'approved') AND agency_id = :agency";

static int
my_open_claims(struct db *db, struct arena *a, const struct actor *who, int64_t limit,
	       struct home_request **rows, size_t *n, int64_t *total, struct err *e)
{
	/* kind and entity "expense_claim": the web opens expenseClaimDetail (live.js entityLocation) */
	return home_requests_query(db, a, who, sql_mine_count, sql_mine, "expense_claim", limit,
				   rows, n, total, e);
}

const struct module_requests claim_home_requests = { 0, my_open_claims };
