/*
** modules/meta/meta_api.c: GET /api/v1/openapi.json, the OpenAPI 3.1
** description of THE route table (meta.c builds it).
*/
#include "http/router.h"
#include "core/validate.h"
#include "core/export.h"
#include "core/auth.h"
#include "modules.h"
#include "core/err.h"
#include "http/req.h"
#include "http/resp.h"
#include "modules/meta/meta.h"

#ifndef HOUQIN_VERSION
#define HOUQIN_VERSION "dev"
#endif

static int
meta_api_openapi(struct req *rq, struct resp *rs, struct err *e)
{
	json_t *doc = meta_openapi(modules_routes(), HOUQIN_VERSION);

	(void)rq;
	if (!doc)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return resp_json(rs, 200, doc);
}

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route meta_routes[] = {
	{ "GET", "/api/v1/openapi.json", meta_api_openapi, ANY_USER, R_PUBLIC, "接口说明（OpenAPI 3.1）", NULL, NULL, 0 },
	{ 0 }
};
