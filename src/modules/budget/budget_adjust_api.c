/*
** modules/budget/budget_adjust_api.c: HTTP handlers for a line's adjustments
** (追加/调减/调剂, budget_adjust.c) and the module's settings (the mid-year
** reminder's date, budget_remind.c). Thin: parse -> domain -> encode.
*/
#include "http/router.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "core/validate.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/budget/budget.h"

#include <stddef.h>

const struct field bud_adj_fields[] = {
	{ .name = "kind", .type = F_ENUM, .required = 1, .enums = bud_adj_kinds,
	  .off = offsetof(struct bud_adj_in, kind) },
	{ .name = "amount_fen", .type = F_INT, .required = 1, .min = 1, .max = BUDGET_AMOUNT_MAX,
	  .off = offsetof(struct bud_adj_in, amount_fen) },
	{ .name = "reason", .type = F_STR, .required = 1, .max = BUD_REASON_MAX,
	  .off = offsetof(struct bud_adj_in, reason) },
	{ .name = "to_line_id", .type = F_ID, .off = offsetof(struct bud_adj_in, to_line_id) },
	{ 0 }
};

struct settings_in {
	const char *midyear_reminder;
	int64_t updated_at;
};

const struct field bud_settings_fields[] = {
	{ .name = "midyear_reminder", .type = F_STR, .required = 1, .max = 5,
	  .off = offsetof(struct settings_in, midyear_reminder) },
	/* required once saved (bud_settings_put): a first save has nothing to have read */
	{ .name = "updated_at", .type = F_TIME, .off = offsetof(struct settings_in, updated_at) },
	{ 0 }
};

/* POST /budget-lines/:id/adjustments: a request, pending until approved. */
int
bud_api_adj_create(struct req *rq, struct resp *rs, struct err *e)
{
	struct bud_adj_in in = { 0 };
	struct bud_adj out;
	int64_t id;

	if (req_path_id(rq, 0, &id, e) || req_json_fields(rq, bud_adj_fields, &in, NULL, e) ||
	    bud_adj_create(rq->db, rq->arena, rq->user, id, &in, &out, e))
		return e->code;
	return resp_json(rs, 201, bud_adj_json(&out));
}

/* GET /budget-lines/:id/adjustments?page=&per_page=: from or to the line, newest first. */
int
bud_api_adj_list(struct req *rq, struct resp *rs, struct err *e)
{
	struct bud_adj *items;
	struct page pg;
	int64_t id, total;
	json_t *arr;
	size_t n;

	if (req_path_id(rq, 0, &id, e) || req_page(rq, &pg, e) ||
	    bud_adj_list(rq->db, rq->arena, rq->user, id, pg.per_page, pg.offset, &items, &n,
			 &total, e))
		return e->code;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, bud_adj_json(&items[i]));
	return resp_json(rs, 200, json_pack("{so sI}", "items", arr, "total", (json_int_t)total));
}

int
bud_api_settings_get(struct req *rq, struct resp *rs, struct err *e)
{
	struct bud_settings s;

	if (bud_settings_get(rq->db, rq->user->agency_id, &s, e))
		return e->code;
	return resp_json(rs, 200, bud_settings_json(&s));
}

int
bud_api_settings_put(struct req *rq, struct resp *rs, struct err *e)
{
	struct settings_in in = { 0 };
	struct bud_settings s;

	if (req_json_fields(rq, bud_settings_fields, &in, NULL, e) ||
	    bud_settings_put(rq->db, rq->user, in.midyear_reminder, in.updated_at, &s, e))
		return e->code;
	return resp_json(rs, 200, bud_settings_json(&s));
}
