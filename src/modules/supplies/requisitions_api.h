/*
** modules/supplies/requisitions_api.h: the 领用申请 and 领用限额 handlers,
** body specs and export columns that supplies_api.c's route table lists.
*/
#ifndef HOUQIN_REQUISITIONS_API_H
#define HOUQIN_REQUISITIONS_API_H

#include "core/export.h"
#include "core/validate.h"

struct req;
struct resp;
struct err;

extern const struct field reqn_fields[], reqn_issue_fields[], reqn_cancel_fields[],
	quota_fields[];
extern const struct export_col reqn_cols[], quota_cols[];
int reqn_api_create(struct req *rq, struct resp *rs, struct err *e);
int reqn_api_list(struct req *rq, struct resp *rs, struct err *e);
int reqn_api_get(struct req *rq, struct resp *rs, struct err *e);
int reqn_api_issue(struct req *rq, struct resp *rs, struct err *e);
int reqn_api_receive(struct req *rq, struct resp *rs, struct err *e);
int reqn_api_withdraw(struct req *rq, struct resp *rs, struct err *e);
int reqn_api_cancel(struct req *rq, struct resp *rs, struct err *e);
int quota_api_list(struct req *rq, struct resp *rs, struct err *e);
int quota_api_set(struct req *rq, struct resp *rs, struct err *e);

#endif
