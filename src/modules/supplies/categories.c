/*
** modules/supplies/categories.c: the catalog's categories (GET
** /supply-categories) — what the item list filters by and the item form
** suggests. A category is the text on the items (no table of its own): the
** list is every distinct one of the agency's catalog, not only the page shown.
*/
#include "modules/supplies/catalog.h"

#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "http/req.h"
#include "http/resp.h"

#include <jansson.h>

static const char sql_categories[] =
	"SELECT category, COUNT(*), SUM(CASE WHEN active = 1 THEN 1 ELSE 0 END)"
	" FROM supply_item WHERE agency_id = :agency GROUP BY category ORDER BY category";

static void
category_row(struct stmt *st, struct arena *a, void *item)
{
	struct sup_category *c = item;

	c->name = db_col_text(st, a, 0);
	c->items = db_col_i64(st, 1);
	c->active = db_col_i64(st, 2);
}

int
sup_item_categories(struct db *db, struct arena *a, const struct actor *who,
		    struct sup_category **items, size_t *n, struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql_categories, e) ||
		 db_bind_i64(&st, ":agency", who->agency_id, e) ||
		 db_read_rows(&st, a, sizeof(**items), category_row, (void **)items, n, e)
			 ? e->code : 0;

	db_finalize(&st);
	return rc;
}

/* GET /supply-categories: {items: [{category, items, active}], total} */
int
sup_api_categories(struct req *rq, struct resp *rs, struct err *e)
{
	struct sup_category *items;
	size_t n = 0;
	json_t *arr;

	if (sup_item_categories(rq->db, rq->arena, rq->user, &items, &n, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, json_pack("{ss sI sI}", "category", items[i].name,
						     "items", (json_int_t)items[i].items,
						     "active", (json_int_t)items[i].active));
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)n));
}
