/*
** modules/budget/claims_int.h: what the claims files share (not for other modules).
*/
#ifndef HOUQIN_CLAIMS_INT_H
#define HOUQIN_CLAIMS_INT_H

#include "modules/budget/claims.h"
#include "core/export.h"
#include "core/validate.h"

struct req;
struct resp;

/* The Shanghai year of now: the budget year a new claim's lines belong to. */
int64_t claim_year_now(void);
/* Field name "items[i].<which>" (which: 0 class_code, 1 amount_fen, 2 description, 3 kind). */
const char *claim_item_field(size_t i, int which);
/* The claim row id of who's agency, unscoped (for the approval hook and the writes). */
int claim_row(struct db *db, struct arena *a, int64_t agency, int64_t id, struct claim *out,
	      struct err *e);

/* claims_api.c: the handlers, specs and export columns budget_api.c's route table lists */
extern const struct field claim_fields[], claim_pay_fields[], claim_std_fields[];
extern const struct export_col claim_cols[];
int claim_api_create(struct req *rq, struct resp *rs, struct err *e);
int claim_api_preview(struct req *rq, struct resp *rs, struct err *e);
int claim_api_list(struct req *rq, struct resp *rs, struct err *e);
int claim_api_get(struct req *rq, struct resp *rs, struct err *e);
int claim_api_pay(struct req *rq, struct resp *rs, struct err *e);
int claim_api_withdraw(struct req *rq, struct resp *rs, struct err *e);
int claim_std_api_list(struct req *rq, struct resp *rs, struct err *e);
int claim_std_api_create(struct req *rq, struct resp *rs, struct err *e);

#endif
