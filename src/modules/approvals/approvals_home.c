/*
** modules/approvals/approvals_home.c: what 审批 puts on the 工作台: 待我审批
** (the total of GET /approvals?mine=pending, the 我的待办 list, through
** appr_list itself) and the approvals I requested that are still pending.
*/
#include "core/approval.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "module.h"
#include "modules/home/home.h"

/* 待我审批: /approvals/todo */
static int
count_pending(struct db *db, struct arena *a, const struct actor *who, int64_t now, int64_t *n,
	      struct err *e)
{
	struct approval *items;
	size_t k;

	(void)now;
	return appr_list(db, a, who, APPR_MINE_PENDING, 0, 0, &items, &k, n, e);
}

/*
** 我的申请 still waiting for a decision, newest first: the general requests only; a
** module's record under approval (entity set, e.g. an expense claim) is listed by its module.
*/
static const char sql_mine[] =
	"SELECT a.id, NULL, a.title, a.status, a.updated_at FROM approval a"
	" WHERE a.requester_id = :me AND a.agency_id = :agency AND a.status = 'pending'"
	" AND a.entity IS NULL ORDER BY a.id DESC LIMIT :limit";
static const char sql_mine_count[] =
	"SELECT COUNT(*) FROM approval a"
	" WHERE a.requester_id = :me AND a.agency_id = :agency AND a.status = 'pending'"
	" AND a.entity IS NULL";

static int
my_pending(struct db *db, struct arena *a, const struct actor *who, int64_t limit,
	   struct home_request **rows, size_t *n, int64_t *total, struct err *e)
{
	return home_requests_query(db, a, who, sql_mine_count, sql_mine, "approval", limit, rows,
				   n, total, e);
}

const struct module_counter approvals_home_counters[] = {
	{ "appr_pending", ROLE_BUSINESS, count_pending },
	{ 0 }
};

const struct module_requests approvals_home_requests = { ROLE_BUSINESS, my_pending };
