/*
** modules/home/home_api.c: GET /api/v1/workbench, the whole 工作台 in one
** request (home.c builds it for the caller's roles).
*/
#include "http/router.h"
#include "core/clock.h"
#include "core/err.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/home/home.h"

static int
home_api_workbench(struct req *rq, struct resp *rs, struct err *e)
{
	json_t *page;

	if (home_workbench(rq->db, rq->arena, rq->user, now_ms(), rq->lang, &page, e))
		return e->code;
	return resp_json(rs, 200, page);
}

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route home_routes[] = {
	{ "GET", "/api/v1/workbench", home_api_workbench, ANY_USER, 0, "工作台（待办计数、我的申请、最新通知、本周指标）", NULL, NULL, 0 },
	{ 0 }
};
