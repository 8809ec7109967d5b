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

/* 我的申请 still waiting for a decision, newest first */
static const char sql_mine[] =
	"SELECT a.id, a.title, a.status, a.updated_at FROM approval a"
	" WHERE a.requester_id = :me AND a.agency_id = :agency AND a.status = 'pending'"
	" ORDER BY a.id DESC LIMIT :limit";
static const char sql_mine_count[] =
	"SELECT COUNT(*) FROM approval a"
	" WHERE a.requester_id = :me AND a.agency_id = :agency AND a.status = 'pending'";

static int
bind_me(struct stmt *st, const struct actor *who, struct err *e)
{
	return db_bind_i64(st, ":me", who->id, e) || db_bind_i64(st, ":agency", who->agency_id, e)
		       ? e->code : 0;
}

static int
my_pending(struct db *db, struct arena *a, const struct actor *who, int64_t limit,
	   struct home_request **rows, size_t *n, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	*n = 0;
	*rows = arena_array(a, (size_t)(limit > 0 ? limit : 1), sizeof(**rows));
	if (!*rows)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	rc = db_prepare(db, &st, sql_mine_count, e) || bind_me(&st, who, e) ||
	     db_step_row(&st, e) ? e->code : 0;
	if (!rc)
		*total = db_col_i64(&st, 0);
	db_finalize(&st);
	if (!rc)
		rc = db_prepare(db, &st, sql_mine, e) || bind_me(&st, who, e) ||
		     db_bind_i64(&st, ":limit", limit, e) ? e->code : 0;
	while (!rc && (int64_t)*n < limit && (rc = db_step(&st, e)) == 1) {
		struct home_request *r = &(*rows)[(*n)++];

		r->kind = "approval";
		r->entity = "approval";
		r->id = db_col_i64(&st, 0);
		r->code = NULL;
		r->title = db_col_text(&st, a, 1);
		r->status = db_col_text(&st, a, 2);
		r->updated_at = db_col_i64(&st, 3);
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}

const struct module_counter approvals_home_counters[] = {
	{ "appr_pending", ROLE_BUSINESS, count_pending },
	{ 0 }
};

const struct module_requests approvals_home_requests = { ROLE_BUSINESS, my_pending };
