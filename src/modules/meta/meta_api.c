/*
** modules/meta/meta_api.c: GET /api/v1/openapi.json, the OpenAPI 3.1
** description of THE route table (meta.c builds it).
*/
#include "routes.h"
#include "core/err.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/meta/meta.h"

#ifndef HOUQIN_VERSION
#define HOUQIN_VERSION "dev"
#endif

int
meta_api_openapi(struct req *rq, struct resp *rs, struct err *e)
{
	json_t *doc = meta_openapi(&houqin_routes, HOUQIN_VERSION);

	(void)rq;
	if (!doc)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return resp_json(rs, 200, doc);
}
