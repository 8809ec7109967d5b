/*
** modules/workorders/workorders_api.h: private to the 报修 module. The plans
** (workorders_pm_api.c) and statistics (workorders_stats_api.c) handlers and
** their specs, for the module's one route table in workorders_api.c.
*/
#ifndef HOUQIN_WORKORDERS_API_H
#define HOUQIN_WORKORDERS_API_H

#include "core/auth.h"
#include "core/export.h"
#include "core/validate.h"
#include "http/router.h"

struct req;
struct resp;
struct err;

extern const struct field wo_pm_fields[];	/* POST */
extern const struct field wo_pm_update_fields[];	/* PUT: also updated_at, required */
extern const struct export_col wo_stats_cols[];

int wo_api_plan_list(struct req *rq, struct resp *rs, struct err *e);
int wo_api_plan_create(struct req *rq, struct resp *rs, struct err *e);
int wo_api_plan_update(struct req *rq, struct resp *rs, struct err *e);
int wo_api_stats(struct req *rq, struct resp *rs, struct err *e);

#endif
