/*
** modules/vehicles/vehicles_api.c: the 公务用车 route table. Handlers live in
** the files of their part (vehicles, drivers, trips) and are declared in the
** module's headers; their rows are listed here, one table for the module.
*/
#include "http/router.h"
#include "core/auth.h"
#include "modules/vehicles/vehicles.h"
#include "modules/vehicles/trips_api.h"
#include "modules/vehicles/flags.h"
#include "modules/vehicles/seals.h"
#include "modules/vehicles/costs.h"
#include "modules/vehicles/report.h"

#include <stddef.h>

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route vehicles_routes[] = {
	/* the registry (vehicles_api_reg.c); /available before /:id */
	{ "GET", "/api/v1/vehicles", veh_api_list, ROLE_BUSINESS_READERS, 0, "车辆（?status=&type=&department_id=&q=）", NULL, veh_cols, 0 },
	{ "POST", "/api/v1/vehicles", veh_api_create, ROLE_OFFICE, R_WRITE, "登记车辆", veh_fields, NULL, 0 },
	{ "GET", "/api/v1/vehicles/available", veh_api_available, ROLE_OFFICE | ROLE_LEADER, 0, "时段内可派车辆（?start=&end=&seats=，前后留出设置的间隔）", NULL, NULL, 0 },
	/* settings, the report, the calendar (vehicles_settings.c, report_api.c): before /:id */
	{ "GET", "/api/v1/vehicles/settings", veh_api_settings_get, ROLE_OFFICE | ROLE_LEADER, 0, "用车设置（派车间隔、车辆池费用承担部门）", NULL, NULL, 0 },
	{ "PUT", "/api/v1/vehicles/settings", veh_api_settings_put, ROLE_OFFICE, R_WRITE, "修改用车设置", veh_settings_fields, NULL, 0 },
	{ "GET", "/api/v1/vehicles/report", vrep_api_report, VEH_OVERSEERS | ROLE_FINANCE, 0, "车辆运行月报（?month=，导出加 part）", NULL, vrep_vehicle_cols, 0 },
	{ "GET", "/api/v1/vehicles/calendar", vrep_api_calendar, VEH_OVERSEERS, R_RANGE, "车辆预订日历（?from=&to=，至多 31 天；含待派车申请）", NULL, vrep_calendar_cols, 0 },
	{ "GET", "/api/v1/vehicles/:id", veh_api_get, ROLE_BUSINESS_READERS, 0, "车辆详情", NULL, NULL, 0 },
	{ "PUT", "/api/v1/vehicles/:id", veh_api_update, ROLE_OFFICE, R_WRITE, "修改车辆（里程不能减少）", veh_put_fields, NULL, 0 },
	{ "GET", "/api/v1/vehicles/:id/bookings", veh_api_bookings, VEH_OVERSEERS, R_RANGE, "车辆的预订（日历，?from=&to=）", NULL, NULL, 0 },
	{ "GET", "/api/v1/drivers", drv_api_list, VEH_OVERSEERS, 0, "驾驶员", NULL, NULL, 0 },
	{ "GET", "/api/v1/drivers/available", drv_api_available, ROLE_OFFICE, 0, "时段内空闲的驾驶员（?start=&end=）", NULL, NULL, 0 },
	{ "PUT", "/api/v1/drivers/:user_id", drv_api_put, ROLE_OFFICE, R_WRITE, "设置驾驶员（准驾车型、驾驶证有效期；须为工勤人员）", drv_fields, NULL, 0 },
	/* 用车申请 (trips_api.c) */
	{ "GET", "/api/v1/trips", trip_api_list, ROLE_BUSINESS_READERS, R_RANGE, "用车申请（职工只见本人，部门负责人只见本部门，驾驶员另见派给自己的）", NULL, trip_cols, 0 },
	{ "POST", "/api/v1/trips", trip_api_create, ROLE_BUSINESS, R_WRITE, "申请用车", trip_fields, NULL, 0 },
	{ "GET", "/api/v1/trips/public", vrep_api_public, ROLE_BUSINESS_READERS, 0, "用车公示（?month=YYYY-MM：日期、部门、事由、目的地、里程、费用）", NULL, vrep_public_cols, 0 },
	{ "GET", "/api/v1/trips/:id", trip_api_get, ROLE_BUSINESS_READERS, 0, "用车申请详情", NULL, NULL, 0 },
	{ "POST", "/api/v1/trips/:id/dispatch", trip_api_dispatch, ROLE_OFFICE, R_WRITE, "派车（车辆与驾驶员，查冲突）", trip_dispatch_fields, NULL, 0 },
	{ "POST", "/api/v1/trips/:id/depart", trip_api_depart, ROLE_WORKER | ROLE_OFFICE, R_WRITE, "出车登记（里程表读数）", trip_depart_fields, NULL, 0 },
	{ "POST", "/api/v1/trips/:id/return", trip_api_return, ROLE_WORKER | ROLE_OFFICE, R_WRITE, "还车登记（里程、加油、路桥费、停车费）", trip_return_fields, NULL, 0 },
	{ "POST", "/api/v1/trips/:id/rate", trip_api_rate, ROLE_BUSINESS, R_WRITE, "评价用车（1–5 分）", trip_rate_fields, NULL, 0 },
	{ "POST", "/api/v1/trips/:id/cancel", trip_api_cancel, ROLE_BUSINESS, R_WRITE, "取消用车申请", trip_cancel_fields, NULL, 0 },
	/* the supervisor's flags (flags_api.c) */
	{ "GET", "/api/v1/trip-flags", flag_api_list, VEH_OVERSEERS, R_RANGE, "用车异常（?kind=&vehicle_id=&driver_id=&from=&to=&reviewed=）", NULL, flag_cols, 0 },
	{ "POST", "/api/v1/trip-flags/:id/review", flag_api_review, ROLE_SUPERVISOR, R_WRITE, "核查用车异常（核查情况）", flag_review_fields, NULL, 0 },
	/* 节假日封存 and the leader's override (seals_api.c) */
	{ "GET", "/api/v1/vehicle-seals", seal_api_list, VEH_OVERSEERS, R_RANGE, "车辆封存（?vehicle_id=&active=&from=&to=，日期有交集）", NULL, seal_cols, 0 },
	{ "POST", "/api/v1/vehicle-seals", seal_api_create, ROLE_OFFICE, R_WRITE, "封存车辆（vehicle_ids 为空则封存全部未报废车辆）", seal_fields, NULL, 0 },
	{ "POST", "/api/v1/vehicle-seals/:id/lift", seal_api_lift, ROLE_OFFICE, R_WRITE, "提前解除封存", seal_lift_fields, NULL, 0 },
	{ "POST", "/api/v1/trips/:id/seal-override", seal_api_override, ROLE_OFFICE, R_WRITE, "申请领导批准封存车辆派车", seal_override_fields, NULL, 0 },
	/* costs, vendors, fuel-card imports (costs_api.c) */
	{ "GET", "/api/v1/vehicle-costs", cost_api_list, COST_READERS, R_RANGE, "车辆费用（?vehicle_id=&kind=&department_id=&from=&to=）", NULL, cost_cols, 0 },
	{ "POST", "/api/v1/vehicle-costs", cost_api_create, ROLE_OFFICE, R_WRITE, "登记车辆费用（列支承担部门的公务用车运行维护费指标）", cost_fields, NULL, 0 },
	{ "GET", "/api/v1/vehicle-vendors", vendor_api_list, COST_READERS, 0, "车辆供应商（定点维修厂、加油站；?kind=&active=1）", NULL, vendor_cols, 0 },
	{ "POST", "/api/v1/vehicle-vendors", vendor_api_create, ROLE_OFFICE, R_WRITE, "登记供应商", vendor_fields, NULL, 0 },
	{ "PUT", "/api/v1/vehicle-vendors/:id", vendor_api_update, ROLE_OFFICE, R_WRITE, "修改供应商", vendor_put_fields, NULL, 0 },
	{ "POST", "/api/v1/fuel-card-imports", fuel_api_import, ROLE_OFFICE, R_WRITE, "导入加油卡消费记录（CSV 正文；?check=1 只检查不导入）", NULL, NULL, 0 },
	{ "GET", "/api/v1/fuel-card-imports", fuel_api_list, ROLE_OFFICE | ROLE_SUPERVISOR, 0, "加油卡导入记录", NULL, fuel_import_cols, 0 },
	{ 0 }
};
