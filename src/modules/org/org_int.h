/*
** modules/org/org_int.h: private to the org module: the session handlers
** (org_session_api.c) that org_api.c's route table lists.
*/
#ifndef HOUQIN_ORG_INT_H
#define HOUQIN_ORG_INT_H

#include "core/validate.h"

struct req;
struct resp;
struct err;

extern const struct field org_login_fields[];

int org_api_login(struct req *rq, struct resp *rs, struct err *e);
int org_api_logout(struct req *rq, struct resp *rs, struct err *e);
int org_api_me(struct req *rq, struct resp *rs, struct err *e);

#endif
