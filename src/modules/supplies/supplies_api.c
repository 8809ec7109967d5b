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
#include "modules/supplies/report.h"

#include <stddef.h>

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
extern const struct export_col sup_report_dept_cols[];	/* report_api.c */

#define SUP_REPORT_READERS (ROLE_OFFICE | ROLE_LEADER | ROLE_FINANCE | ROLE_SUPERVISOR)

const struct route supplies_routes[] = {
	/* D: the monthly report (report_api.c) */
	{ "GET", "/api/v1/supplies/report", sup_api_report, SUP_REPORT_READERS, 0, "办公用品月报（各部门领用与限额、排行、出入库汇总；导出 ?part=）", NULL, sup_report_dept_cols, 0 },
	{ 0 }
};
