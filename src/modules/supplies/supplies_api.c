/*
** modules/supplies/supplies_api.c: the 办公用品与采购 route table. Handlers live
** in the files of their part (catalog, requisitions, purchasing, reports) and
** are declared in the module's headers; their rows are listed here, one table
** for the module, each part's rows in its own section.
*/
#include "http/router.h"
#include "core/auth.h"
#include "modules/supplies/supplies.h"
#include "modules/supplies/purchases.h"

#include <stddef.h>

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route supplies_routes[] = {
	/* P: purchasing 采购 (purchases*.c) */
	{ "GET", "/api/v1/purchase-orders", po_api_list, ROLE_OFFICE | ROLE_LEADER | ROLE_FINANCE | ROLE_SUPERVISOR, 0, "采购单", NULL, po_cols, 0 },
	{ "POST", "/api/v1/purchase-orders", po_api_create, ROLE_OFFICE, R_WRITE, "提交采购单（超过 1 万元须三家报价）", po_fields, NULL, 0 },
	{ "GET", "/api/v1/purchase-orders/suggestions", po_api_suggestions, ROLE_OFFICE, 0, "采购建议（库存到补货点的物品）", NULL, NULL, 0 },
	{ "GET", "/api/v1/purchase-orders/people", po_api_people, ROLE_OFFICE, 0, "可选的采购人、验收人（本单位在职人员）", NULL, NULL, 0 },
	{ "GET", "/api/v1/purchase-orders/:id", po_api_get, ROLE_OFFICE | ROLE_LEADER | ROLE_FINANCE | ROLE_SUPERVISOR, 0, "采购单详情", NULL, NULL, 0 },
	{ "POST", "/api/v1/purchase-orders/:id/receive", po_api_receive, ROLE_OFFICE, R_WRITE, "验收入库（两人采购、采购与验收分离）", po_receive_fields, NULL, 0 },
	{ "POST", "/api/v1/purchase-orders/:id/close", po_api_close, ROLE_OFFICE, R_WRITE, "关闭采购单（释放剩余预算占用）", NULL, NULL, 0 },
	{ "POST", "/api/v1/purchase-orders/:id/cancel", po_api_cancel, ROLE_OFFICE, R_WRITE, "取消采购单（入库前）", NULL, NULL, 0 },
	{ 0 }
};
