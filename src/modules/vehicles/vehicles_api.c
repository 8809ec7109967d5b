/*
** modules/vehicles/vehicles_api.c: the 公务用车 route table. Handlers live in
** the files of their part (vehicles, drivers, trips) and are declared in the
** module's headers; their rows are listed here, one table for the module.
*/
#include "http/router.h"
#include "core/auth.h"

#include <stddef.h>

/* method, path, handler, roles, flags, summary, body spec, export columns, body limit */
const struct route vehicles_routes[] = {
	{ 0 }
};
