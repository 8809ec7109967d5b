/*
** modules/org/org_int.h: private to the org module: the session handlers
** (org_session_api.c) that org_api.c's route table lists, with their preps.
*/
#ifndef HOUQIN_ORG_INT_H
#define HOUQIN_ORG_INT_H

#include "core/validate.h"

struct req;
struct resp;
struct err;

extern const struct field org_login_fields[];
extern const struct field org_password_fields[];

int org_prep_login(struct req *rq, struct resp *rs, struct err *e);
int org_api_login(struct req *rq, struct resp *rs, struct err *e);
int org_prep_password(struct req *rq, struct resp *rs, struct err *e);
int org_api_password(struct req *rq, struct resp *rs, struct err *e);
int org_api_logout(struct req *rq, struct resp *rs, struct err *e);
int org_api_me(struct req *rq, struct resp *rs, struct err *e);
int org_api_session(struct req *rq, struct resp *rs, struct err *e);

/*
** Tests only: count or replace the argon2id verify of logins and old
** passwords (NULL restores auth_password_verify). Call while idle.
*/
void org_set_password_verify(int (*fn)(const char *hash, const char *pw));

#endif
