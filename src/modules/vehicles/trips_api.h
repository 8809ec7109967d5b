/*
** modules/vehicles/trips_api.h: the 用车申请 handlers, body specs and export
** columns that vehicles_api.c's route table lists (trips_api.c).
*/
#ifndef HOUQIN_TRIPS_API_H
#define HOUQIN_TRIPS_API_H

#include "core/export.h"
#include "core/validate.h"

struct req;
struct resp;
struct err;

extern const struct field trip_fields[], trip_dispatch_fields[], trip_depart_fields[],
	trip_return_fields[], trip_rate_fields[], trip_cancel_fields[];
extern const struct export_col trip_cols[];
int trip_api_create(struct req *rq, struct resp *rs, struct err *e);
int trip_api_list(struct req *rq, struct resp *rs, struct err *e);
int trip_api_get(struct req *rq, struct resp *rs, struct err *e);
int trip_api_dispatch(struct req *rq, struct resp *rs, struct err *e);
int trip_api_depart(struct req *rq, struct resp *rs, struct err *e);
int trip_api_return(struct req *rq, struct resp *rs, struct err *e);
int trip_api_rate(struct req *rq, struct resp *rs, struct err *e);
int trip_api_cancel(struct req *rq, struct resp *rs, struct err *e);

#endif
