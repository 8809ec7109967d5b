/*
** routes.c: THE route table. Every route, its handler, the roles allowed (one
** place for authorisation), and whether it writes (the router then owns the
** transaction). Scope rules (own / department / agency) are applied by the
** domain functions, which receive the actor.
*/
#include "routes.h"
#include "core/auth.h"
#include "core/files.h"
#include "core/msg.h"
#include "modules/approvals/approvals.h"
#include "modules/workorders/workorders.h"

#define ADMIN_READERS (ROLE_SYSADMIN | ROLE_SECADMIN | ROLE_AUDITOR | ROLE_SUPERVISOR)
#define FILE_UPLOADERS (ROLE_STAFF | ROLE_DEPT_HEAD | ROLE_OFFICE | ROLE_WORKER | ROLE_LEADER | ROLE_FINANCE)
/* 报修: every business role files and acts (the order's rules decide what); supervisors only read */
#define WO_ACTORS FILE_UPLOADERS
#define WO_READERS (FILE_UPLOADERS | ROLE_SUPERVISOR)

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
static const struct route routes[] = {
	{ "GET", "/api/v1/health", org_api_health, ANY_USER, R_PUBLIC, "服务健康检查", NULL, NULL, 0 },
	{ "GET", "/api/v1/openapi.json", meta_api_openapi, ANY_USER, R_PUBLIC, "接口说明（OpenAPI 3.1）", NULL, NULL, 0 },
	{ "POST", "/api/v1/session", org_api_login, ANY_USER, R_PUBLIC | R_WRITE, "登录", org_login_fields, NULL, 0 },
	{ "DELETE", "/api/v1/session", org_api_logout, ANY_USER, R_PUBLIC | R_WRITE, "退出登录", NULL, NULL, 0 },
	{ "GET", "/api/v1/me", org_api_me, ANY_USER, 0, "当前用户", NULL, NULL, 0 },
	{ "PUT", "/api/v1/me/password", org_api_password, ANY_USER, R_WRITE, "修改密码", org_password_fields, NULL, 0 },
	{ "PUT", "/api/v1/me/language", org_api_language, ANY_USER, R_WRITE, "设置界面语言", org_lang_fields, NULL, 0 },
	{ "POST", "/api/v1/tokens", org_api_token_create, ANY_USER, R_WRITE, "创建 API 令牌", org_token_fields, NULL, 0 },
	{ "GET", "/api/v1/departments", org_api_dept_list, ANY_USER, 0, "部门列表（树）", NULL, org_dept_cols, 0 },
	{ "GET", "/api/v1/departments/:id", org_api_dept_get, ANY_USER, 0, "部门详情", NULL, NULL, 0 },
	{ "POST", "/api/v1/departments", org_api_dept_create, ROLE_SYSADMIN, R_WRITE, "新建部门", org_dept_fields, NULL, 0 },
	{ "PUT", "/api/v1/departments/:id", org_api_dept_update, ROLE_SYSADMIN, R_WRITE, "修改部门", org_dept_fields, NULL, 0 },
	{ "GET", "/api/v1/users", org_api_user_list, ADMIN_READERS, 0, "用户列表", NULL, org_user_cols, 0 },
	{ "GET", "/api/v1/users/:id", org_api_user_get, ADMIN_READERS, 0, "用户详情", NULL, NULL, 0 },
	{ "POST", "/api/v1/users", org_api_user_create, ROLE_SYSADMIN, R_WRITE, "新建用户", org_user_create_fields, NULL, 0 },
	{ "PUT", "/api/v1/users/:id", org_api_user_update, ROLE_SYSADMIN, R_WRITE, "修改用户", org_user_update_fields, NULL, 0 },
	{ "PUT", "/api/v1/users/:id/roles", org_api_user_roles, ROLE_SECADMIN, R_WRITE, "设置角色", org_roles_fields, NULL, 0 },
	/* approvals (core/approval.h engine) */
	{ "GET", "/api/v1/approvals", appr_api_list, ANY_USER, 0, "审批列表", NULL, appr_cols, 0 },
	{ "POST", "/api/v1/approvals", appr_api_create, ANY_USER, R_WRITE, "提交通用事项申请", appr_request_fields, NULL, 0 },
	{ "GET", "/api/v1/approvals/approvers", appr_api_approvers, ANY_USER, 0, "选择审批人/代理人", NULL, NULL, 0 },
	{ "GET", "/api/v1/approvals/:id", appr_api_get, ANY_USER, 0, "审批单详情与审批轨迹", NULL, NULL, 0 },
	{ "POST", "/api/v1/approvals/:id/decision", appr_api_decide, ANY_USER, R_WRITE, "审批（同意/驳回）", appr_decision_fields, NULL, 0 },
	{ "POST", "/api/v1/approvals/:id/withdraw", appr_api_withdraw, ANY_USER, R_WRITE, "撤回申请", NULL, NULL, 0 },
	{ "GET", "/api/v1/approval-kinds", appr_api_kinds, ANY_USER, 0, "审批事项类型", NULL, NULL, 0 },
	{ "GET", "/api/v1/approval-rules", appr_api_rule_list, ROLE_OFFICE | ROLE_SUPERVISOR, 0, "审批规则列表", NULL, NULL, 0 },
	{ "POST", "/api/v1/approval-rules", appr_api_rule_create, ROLE_OFFICE, R_WRITE, "新建审批规则", appr_rule_fields, NULL, 0 },
	{ "PUT", "/api/v1/approval-rules/:id", appr_api_rule_update, ROLE_OFFICE, R_WRITE, "修改审批规则", appr_rule_fields, NULL, 0 },
	{ "GET", "/api/v1/approval-deputies", appr_api_deputy_list, ANY_USER, 0, "我的代理设置", NULL, NULL, 0 },
	{ "POST", "/api/v1/approval-deputies", appr_api_deputy_add, ANY_USER, R_WRITE, "设置出差代理", appr_deputy_fields, NULL, 0 },
	{ "DELETE", "/api/v1/approval-deputies/:id", appr_api_deputy_revoke, ANY_USER, R_WRITE, "撤销代理", NULL, NULL, 0 },
	{ "GET", "/api/v1/audit", aud_api_list, ROLE_SUPERVISOR | ROLE_AUDITOR, 0, "审计日志", NULL, aud_cols, 0 },
	{ "GET", "/api/v1/audit/verify", aud_api_verify, ROLE_SUPERVISOR | ROLE_AUDITOR, 0, "校验审计链", NULL, NULL, 0 },
	{ "GET", "/api/v1/history/:entity/:id", aud_api_history, ANY_USER, 0, "记录的变更历史", NULL, NULL, 0 },
	/* attachments (core/files.h): business roles upload, supervisors also read, the three admins neither */
	{ "POST", "/api/v1/attachments", att_api_upload, FILE_UPLOADERS, R_WRITE, "上传附件（?kind=photo|document）", NULL, NULL, FILES_BODY_MAX },
	{ "GET", "/api/v1/attachments/:id", att_api_get, FILE_UPLOADERS | ROLE_SUPERVISOR, 0, "附件信息", NULL, NULL, 0 },
	{ "GET", "/api/v1/attachments/:id/content", att_api_content, FILE_UPLOADERS | ROLE_SUPERVISOR, 0, "下载附件", NULL, NULL, 0 },
	{ "GET", "/api/v1/notifications", notif_api_list, ANY_USER, 0, "我的通知", NULL, notif_cols, 0 },
	{ "GET", "/api/v1/notifications/unread-count", notif_api_unread_count, ANY_USER, 0, "未读通知数", NULL, NULL, 0 },
	{ "POST", "/api/v1/notifications/:id/read", notif_api_read, ANY_USER, R_WRITE, "标记通知已读", NULL, NULL, 0 },
	{ "POST", "/api/v1/notifications/read-all", notif_api_read_all, ANY_USER, R_WRITE, "全部标记已读", NULL, NULL, 0 },
	{ "GET", "/api/v1/events", notif_api_events, ANY_USER, 0, "实时事件流（SSE：通知与数据变更）", NULL, NULL, 0 },
	/* business calendar (core/calendar.h): everyone reads, the office edits */
	{ "GET", "/api/v1/calendar", cal_api_get, ANY_USER, 0, "工作日历：工作时段、节假日与调休（?year=）", NULL, NULL, 0 },
	{ "PUT", "/api/v1/calendar/days/:date", cal_api_day_put, ROLE_OFFICE, R_WRITE, "设置节假日或调休上班日", cal_day_fields, NULL, 0 },
	{ "DELETE", "/api/v1/calendar/days/:date", cal_api_day_delete, ROLE_OFFICE, R_WRITE, "删除节假日或调休设置", NULL, NULL, 0 },
	{ "PUT", "/api/v1/calendar/hours", cal_api_hours_put, ROLE_OFFICE, R_WRITE, "设置每日工作时段", cal_hours_fields, NULL, 0 },
	{ "POST", "/api/v1/calendar/years/:year/confirm", cal_api_year_confirm, ROLE_OFFICE, R_WRITE, "确认本年度节假日安排", NULL, NULL, 0 },

	/* locations (modules/locations) */
	{ "GET", "/api/v1/locations", loc_api_list, ANY_USER, 0, "位置树（楼栋、楼层、房间）", NULL, loc_cols, 0 },
	{ "POST", "/api/v1/locations", loc_api_create, ROLE_OFFICE | ROLE_SYSADMIN, R_WRITE, "新建位置", loc_create_fields, NULL, 0 },
	{ "GET", "/api/v1/locations/:id", loc_api_get, ANY_USER, 0, "位置详情", NULL, NULL, 0 },
	{ "PUT", "/api/v1/locations/:id", loc_api_update, ROLE_OFFICE | ROLE_SYSADMIN, R_WRITE, "修改位置", loc_update_fields, NULL, 0 },
	{ "GET", "/api/v1/locations/:id/qr.svg", loc_api_qr, ANY_USER, 0, "位置二维码（SVG，扫码报修）", NULL, NULL, 0 },

	/* workorders: stats and plans first (before /workorders/:id) */
	{ "GET", "/api/v1/workorders/stats", wo_api_stats, ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_DEPT_HEAD, 0, "报修统计", NULL, wo_stats_cols, 0 },
	{ "GET", "/api/v1/workorder-plans", wo_api_plan_list, ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR, 0, "预防性维护计划列表", NULL, NULL, 0 },
	{ "POST", "/api/v1/workorder-plans", wo_api_plan_create, ROLE_OFFICE, R_WRITE, "新建预防性维护计划", wo_pm_fields, NULL, 0 },
	{ "PUT", "/api/v1/workorder-plans/:id", wo_api_plan_update, ROLE_OFFICE, R_WRITE, "修改预防性维护计划", wo_pm_fields, NULL, 0 },

	/* workorders: orders, transitions, categories, teams, duty roster */
	{ "GET", "/api/v1/workorders", wo_api_list, WO_READERS, 0, "报修工单列表（?scope=mine|dept|tasks|all）", NULL, wo_cols, 0 },
	{ "POST", "/api/v1/workorders", wo_api_create, WO_ACTORS, R_WRITE, "提交报修", wo_create_fields, NULL, 0 },
	{ "GET", "/api/v1/workorders/:id", wo_api_get, WO_READERS, 0, "报修工单详情（含处理进度）", NULL, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/accept", wo_api_accept, WO_ACTORS, R_WRITE, "受理报修（成为首问负责人）", wo_plain_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/dispatch", wo_api_dispatch, WO_ACTORS, R_WRITE, "派单给维修人员或班组", wo_dispatch_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/start", wo_api_start, WO_ACTORS, R_WRITE, "开始处理（到达现场）", wo_plain_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/suspend", wo_api_suspend, WO_ACTORS, R_WRITE, "挂起（如等待配件）", wo_reason_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/resume", wo_api_resume, WO_ACTORS, R_WRITE, "恢复处理", wo_plain_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/transfer", wo_api_transfer, WO_ACTORS, R_WRITE, "转派", wo_dispatch_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/resolve", wo_api_resolve, WO_ACTORS, R_WRITE, "完成维修", wo_resolve_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/confirm", wo_api_confirm, WO_ACTORS, R_WRITE, "确认并评价", wo_confirm_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/reopen", wo_api_reopen, WO_ACTORS, R_WRITE, "退回返修", wo_reason_fields, NULL, 0 },
	{ "POST", "/api/v1/workorders/:id/cancel", wo_api_cancel, WO_ACTORS, R_WRITE, "取消报修", wo_reason_fields, NULL, 0 },
	{ "GET", "/api/v1/workorder-categories", wo_api_category_list, WO_READERS, 0, "报修类别与时限（?active=1）", NULL, NULL, 0 },
	{ "POST", "/api/v1/workorder-categories", wo_api_category_create, ROLE_OFFICE, R_WRITE, "新建报修类别", wo_category_fields, NULL, 0 },
	{ "PUT", "/api/v1/workorder-categories/:id", wo_api_category_update, ROLE_OFFICE, R_WRITE, "修改报修类别", wo_category_fields, NULL, 0 },
	{ "GET", "/api/v1/workorder-teams", wo_api_team_list, WO_READERS, 0, "维修班组", NULL, NULL, 0 },
	{ "POST", "/api/v1/workorder-teams", wo_api_team_create, ROLE_OFFICE, R_WRITE, "新建维修班组", wo_team_fields, NULL, 0 },
	{ "PUT", "/api/v1/workorder-teams/:id", wo_api_team_update, ROLE_OFFICE, R_WRITE, "修改维修班组", wo_team_fields, NULL, 0 },
	{ "GET", "/api/v1/workorder-duty", wo_api_duty_list, WO_READERS, 0, "值班表（?from=&to=）", NULL, NULL, 0 },
	{ "PUT", "/api/v1/workorder-duty", wo_api_duty_put, ROLE_OFFICE, R_WRITE, "设置值班人员", wo_duty_fields, NULL, 0 },
};

const struct route_table houqin_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

/* Each module's English texts (modules/<d>/<d>_msg.c, see core/msg.h). */
extern const struct msg approvals_msg[], attachments_msg[], audit_msg[], calendar_msg[],
	locations_msg[], notifications_msg[], org_msg[], wo_msg[];

void
houqin_modules_init(void)
{
	approvals_register();
	wo_register();
	msg_register(approvals_msg);
	msg_register(attachments_msg);
	msg_register(audit_msg);
	msg_register(calendar_msg);
	msg_register(locations_msg);
	msg_register(notifications_msg);
	msg_register(org_msg);
	msg_register(wo_msg);
}
