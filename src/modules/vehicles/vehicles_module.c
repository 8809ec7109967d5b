/*
** modules/vehicles/vehicles_module.c: 公务用车 (issue #15): the vehicle pool and
** its drivers, trip requests with approval, dispatch on the booking core
** (core/booking.h), trip logs. The descriptor lists the module's routes (one
** table, vehicles_api.c) and its texts.
*/
#include "http/router.h"
#include "core/msg.h"
#include "module.h"

extern const struct route vehicles_routes[];	/* vehicles_api.c */
extern const struct msg vehicles_msg[];	/* vehicles_msg.c */

const struct module vehicles_module = {
	.name = "vehicles",
	.routes = vehicles_routes,
	.messages = vehicles_msg,
};
