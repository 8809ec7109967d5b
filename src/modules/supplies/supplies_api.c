/*
** modules/supplies/supplies_api.c: the 办公用品与采购 route table. Handlers live
** in the files of their part (catalog, requisitions, purchasing, reports) and
** are declared in the module's headers; their rows are listed here, one table
** for the module, each part's rows in its own section.
*/
#include "http/router.h"
#include "core/auth.h"
#include "modules/supplies/supplies.h"

#include <stddef.h>

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route supplies_routes[] = {
	{ 0 }
};
