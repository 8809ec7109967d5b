/*
** modules/meta/meta_module.c: the OpenAPI description's descriptor (one route).
*/
#include "http/router.h"
#include "module.h"

extern const struct route meta_routes[];	/* meta_api.c */

const struct module meta_module = {
	.name = "meta",
	.routes = meta_routes,
};
