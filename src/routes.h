/*
** routes.h: every HTTP handler's prototype (as redis's server.h declares every
** command), and the route table routes.c defines. Handlers live in
** modules/<domain>/<domain>_api.c; each is `parse -> call domain -> encode`.
*/
#ifndef HOUQIN_ROUTES_H
#define HOUQIN_ROUTES_H

#include "core/export.h"
#include "core/validate.h"
#include "http/router.h"

struct req;
struct resp;
struct err;

/* THE route table. */
extern const struct route_table houqin_routes;

/*
** Register every module's hooks with the core engines (approval kinds, file
** owners, ...). Called once at startup by `houqin serve`, the CLI and tests,
** before any request. Idempotent.
*/
void houqin_modules_init(void);

#define HANDLER(name) int name(struct req *rq, struct resp *rs, struct err *e)

/* modules/org/org_api.c */
extern const struct field org_login_fields[], org_password_fields[], org_lang_fields[],
	org_token_fields[],
	org_dept_fields[], org_user_update_fields[], org_user_create_fields[], org_roles_fields[];
extern const struct export_col org_user_cols[], org_dept_cols[], appr_cols[], aud_cols[];
HANDLER(org_api_health);
HANDLER(org_api_login);
HANDLER(org_api_logout);
HANDLER(org_api_me);
HANDLER(org_api_password);
HANDLER(org_api_language);
HANDLER(org_api_token_create);
HANDLER(org_api_dept_list);
HANDLER(org_api_dept_get);
HANDLER(org_api_dept_create);
HANDLER(org_api_dept_update);
HANDLER(org_api_user_list);
HANDLER(org_api_user_get);
HANDLER(org_api_user_create);
HANDLER(org_api_user_update);
HANDLER(org_api_user_roles);

/* modules/meta/meta_api.c */
HANDLER(meta_api_openapi);

/* modules/audit/audit_api.c */
HANDLER(aud_api_list);
HANDLER(aud_api_verify);
HANDLER(aud_api_history);

/* modules/approvals/approvals_api.c */
extern const struct field appr_request_fields[], appr_decision_fields[], appr_rule_fields[],
	appr_deputy_fields[];
HANDLER(appr_api_list);
HANDLER(appr_api_get);
HANDLER(appr_api_create);
HANDLER(appr_api_decide);
HANDLER(appr_api_withdraw);
HANDLER(appr_api_kinds);
HANDLER(appr_api_approvers);
HANDLER(appr_api_rule_list);
HANDLER(appr_api_rule_create);
HANDLER(appr_api_rule_update);
HANDLER(appr_api_deputy_list);
HANDLER(appr_api_deputy_add);
HANDLER(appr_api_deputy_revoke);

/* modules/attachments/attachments_api.c (engine: core/files.h) */
HANDLER(att_api_upload);
HANDLER(att_api_get);
HANDLER(att_api_content);

/* modules/notifications/notifications_api.c (engine: core/notify.h, stream: http/sse.h) */
extern const struct export_col notif_cols[];
HANDLER(notif_api_list);
HANDLER(notif_api_unread_count);
HANDLER(notif_api_read);
HANDLER(notif_api_read_all);
HANDLER(notif_api_events);

/* modules/calendar/calendar_api.c (engine: core/calendar.h) */
extern const struct field cal_day_fields[], cal_hours_fields[];
HANDLER(cal_api_get);
HANDLER(cal_api_day_put);
HANDLER(cal_api_day_delete);
HANDLER(cal_api_hours_put);
HANDLER(cal_api_year_confirm);

/* modules/locations/locations_api.c */
extern const struct field loc_create_fields[], loc_update_fields[];
extern const struct export_col loc_cols[];
HANDLER(loc_api_list);
HANDLER(loc_api_get);
HANDLER(loc_api_create);
HANDLER(loc_api_update);
HANDLER(loc_api_qr);

/* modules/workorders/workorders_api.c */
extern const struct field wo_create_fields[], wo_plain_fields[], wo_dispatch_fields[],
	wo_reason_fields[], wo_resolve_fields[], wo_confirm_fields[], wo_category_fields[],
	wo_team_fields[], wo_duty_fields[];
extern const struct export_col wo_cols[];
HANDLER(wo_api_create);
HANDLER(wo_api_list);
HANDLER(wo_api_get);
HANDLER(wo_api_accept);
HANDLER(wo_api_dispatch);
HANDLER(wo_api_start);
HANDLER(wo_api_suspend);
HANDLER(wo_api_resume);
HANDLER(wo_api_transfer);
HANDLER(wo_api_resolve);
HANDLER(wo_api_confirm);
HANDLER(wo_api_reopen);
HANDLER(wo_api_cancel);
HANDLER(wo_api_category_list);
HANDLER(wo_api_category_create);
HANDLER(wo_api_category_update);
HANDLER(wo_api_team_list);
HANDLER(wo_api_team_create);
HANDLER(wo_api_team_update);
HANDLER(wo_api_duty_list);
HANDLER(wo_api_duty_put);

/* modules/workorders/workorders_jobs_api.c (plans) and stats */
extern const struct export_col wo_stats_cols[];	/* workorders_stats_api.c */
HANDLER(wo_api_stats);
extern const struct field wo_pm_fields[];	/* workorders_pm_api.c: 维保计划 */
HANDLER(wo_api_plan_list);
HANDLER(wo_api_plan_create);
HANDLER(wo_api_plan_update);

#endif
