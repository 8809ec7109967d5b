/*
** modules/supplies/supplies_home.c: what 办公用品 puts on the 工作台: the
** office's requisitions waiting for an issue and approved purchase orders
** waiting for their goods (each the total of its list itself, so it equals the
** list the web links to), and the requester's open requisitions.
*/
#include "modules/supplies/purchases.h"
#include "modules/supplies/requisitions.h"
#include "core/auth.h"
#include "core/err.h"
#include "module.h"
#include "modules/home/home.h"

/* 待发放: /supplies/requisitions?to_issue=1 */
static int
count_to_issue(struct db *db, struct arena *a, const struct actor *who, int64_t now, int64_t *n,
	       struct err *e)
{
	struct reqn_filter f = { .to_issue = 1 };
	struct requisition *items;
	size_t k;

	(void)now;
	return reqn_list(db, a, who, &f, &items, &k, n, e);
}

/* 待验收入库: /supplies/purchases?status=approved */
static int
count_to_receive(struct db *db, struct arena *a, const struct actor *who, int64_t now,
		 int64_t *n, struct err *e)
{
	struct po_filter f = { .status = "approved" };
	struct purchase_order *items;
	size_t k;

	(void)now;
	return po_list(db, a, who, &f, &items, &k, n, e);
}

const struct module_counter supplies_home_counters[] = {
	{ "requisitions_to_issue", ROLE_OFFICE, count_to_issue },
	{ "purchases_to_receive", ROLE_OFFICE, count_to_receive },
	{ 0 }
};

/* 我的领用 still open: waiting for approval, the issue, or the receipt. */
static const char sql_mine[] =
	"SELECT id, code, COALESCE(reason, code), status, updated_at FROM requisition"
	" WHERE requester_id = :me AND agency_id = :agency"
	" AND status IN ('pending', 'approved', 'issued')"
	" ORDER BY updated_at DESC, id DESC LIMIT :limit";
static const char sql_mine_count[] =
	"SELECT COUNT(*) FROM requisition WHERE requester_id = :me AND agency_id = :agency"
	" AND status IN ('pending', 'approved', 'issued')";

static int
my_open(struct db *db, struct arena *a, const struct actor *who, int64_t limit,
	struct home_request **rows, size_t *n, int64_t *total, struct err *e)
{
	/* kind and entity "requisition": the web opens requisitionDetail */
	return home_requests_query(db, a, who, sql_mine_count, sql_mine, "requisition", limit,
				   rows, n, total, e);
}

const struct module_requests reqn_home_requests = { 0, my_open };
