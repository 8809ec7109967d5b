/*
** modules/supplies/supplies_api.c: the 办公用品与采购 route table. Handlers live
** in the files of their part (catalog, requisitions, purchasing, reports) and
** are declared in the module's headers; their rows are listed here, one table
** for the module, each part's rows in its own section.
*/
#include "http/router.h"
#include "core/auth.h"
#include "core/export.h"
#include "modules/supplies/supplies.h"
#include "modules/supplies/catalog.h"
#include "modules/supplies/requisitions_api.h"
#include "modules/supplies/report.h"
#include "modules/supplies/purchases.h"

#include <stddef.h>

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
extern const struct export_col sup_report_dept_cols[];	/* report_api.c */

#define SUP_REPORT_READERS (ROLE_OFFICE | ROLE_LEADER | ROLE_FINANCE | ROLE_SUPERVISOR)

const struct route supplies_routes[] = {
	/* K: the catalog, an item's ledger and write-offs, suppliers, stocktakes (catalog_api.c) */
	{ "GET", "/api/v1/supply-items", sup_api_items, ROLE_BUSINESS_READERS, 0, "办公用品目录（?q=&category=&active=&low=1&barcode=）", NULL, sup_item_cols, 0 },
	{ "POST", "/api/v1/supply-items", sup_api_item_create, ROLE_OFFICE, R_WRITE, "新增物品", sup_item_fields, NULL, 0 },
	{ "GET", "/api/v1/supply-categories", sup_api_categories, ROLE_BUSINESS_READERS, 0, "物品类别（及物品数）", NULL, NULL, 0 },
	{ "PUT", "/api/v1/supply-items/:id", sup_api_item_update, ROLE_OFFICE, R_WRITE, "修改物品", sup_item_put_fields, NULL, 0 },
	{ "GET", "/api/v1/supply-items/:id/ledger", sup_api_item_ledger, SUP_LEDGER_READERS, R_RANGE, "物品出入库台账（期初、收、发、期末）", NULL, sup_ledger_cols, 0 },
	{ "POST", "/api/v1/supply-items/:id/writeoffs", sup_api_writeoff, ROLE_OFFICE, R_WRITE, "报废或丢失出库", sup_writeoff_fields, NULL, 0 },
	{ "GET", "/api/v1/suppliers", sup_api_suppliers, SUP_OVERSEERS, 0, "供应商（?q=&active=&designated=）", NULL, sup_supplier_cols, 0 },
	{ "POST", "/api/v1/suppliers", sup_api_supplier_create, ROLE_OFFICE, R_WRITE, "登记供应商（校验统一社会信用代码）", sup_supplier_fields, NULL, 0 },
	{ "PUT", "/api/v1/suppliers/:id", sup_api_supplier_update, ROLE_OFFICE, R_WRITE, "修改供应商", sup_supplier_put_fields, NULL, 0 },
	{ "GET", "/api/v1/stocktakes", sup_api_stocktakes, SUP_OVERSEERS, 0, "库存盘点（?status=）", NULL, sup_stocktake_cols, 0 },
	{ "POST", "/api/v1/stocktakes", sup_api_stocktake_create, ROLE_OFFICE, R_WRITE, "提交盘点（审批后按盘点数量调整库存）", sup_stocktake_fields, NULL, 0 },
	{ "GET", "/api/v1/stocktakes/:id", sup_api_stocktake, SUP_OVERSEERS, 0, "盘点单详情", NULL, NULL, 0 },
	/* Q: 领用申请 and 领用限额 (requisitions_api.c) */
	{ "GET", "/api/v1/requisitions", reqn_api_list, ROLE_BUSINESS_READERS, R_RANGE, "领用申请（职工只见本人，部门负责人只见本部门）", NULL, reqn_cols, 0 },
	{ "POST", "/api/v1/requisitions", reqn_api_create, ROLE_BUSINESS, R_WRITE, "申请领用办公用品（本部门）", reqn_fields, NULL, 0 },
	{ "GET", "/api/v1/requisitions/:id", reqn_api_get, ROLE_BUSINESS_READERS, 0, "领用申请详情（明细、审批）", NULL, NULL, 0 },
	{ "POST", "/api/v1/requisitions/:id/issue", reqn_api_issue, ROLE_OFFICE, R_WRITE, "发放（可分次，出库）", reqn_issue_fields, NULL, 0 },
	{ "POST", "/api/v1/requisitions/:id/receive", reqn_api_receive, ROLE_BUSINESS, R_WRITE, "确认领取", NULL, NULL, 0 },
	{ "POST", "/api/v1/requisitions/:id/withdraw", reqn_api_withdraw, ROLE_BUSINESS, R_WRITE, "撤回领用申请（审批前）", NULL, NULL, 0 },
	{ "POST", "/api/v1/requisitions/:id/cancel", reqn_api_cancel, ROLE_OFFICE, R_WRITE, "取消领用申请（发放前）", reqn_cancel_fields, NULL, 0 },
	{ "GET", "/api/v1/supply-quotas", quota_api_list, ROLE_OFFICE, 0, "部门月度领用限额及本月已领用", NULL, quota_cols, 0 },
	{ "PUT", "/api/v1/supply-quotas", quota_api_set, ROLE_OFFICE, R_WRITE, "设置部门月度领用限额", quota_fields, NULL, 0 },
	/* D: the monthly report (report_api.c) */
	{ "GET", "/api/v1/supplies/report", sup_api_report, SUP_REPORT_READERS, 0, "办公用品月报（各部门领用与限额、排行、出入库汇总；导出 ?part=）", NULL, sup_report_dept_cols, 0 },
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
