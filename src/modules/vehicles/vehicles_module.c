/*
** modules/vehicles/vehicles_module.c: 公务用车 (issue #15): the vehicle pool and
** its drivers, trip requests with approval, dispatch on the booking core
** (core/booking.h), trip logs. The descriptor lists the module's routes (one
** table, vehicles_api.c) and its texts.
*/
#include "http/router.h"
#include "core/msg.h"
#include "module.h"
#include "core/auth.h"
#include "modules/vehicles/vehicles.h"

extern const struct route vehicles_routes[];	/* vehicles_api.c */
extern const struct msg vehicles_msg[];	/* vehicles_msg.c */

/* entity codes of aud_record; who may open a record's history */
static const struct module_history history[] = {
	{ "vehicle", ROLE_BUSINESS_READERS, veh_visible },
	{ "driver", ROLE_OFFICE | ROLE_LEADER | ROLE_SUPERVISOR, drv_visible },
	{ 0 }
};

const struct module vehicles_module = {
	.name = "vehicles",
	.routes = vehicles_routes,
	.messages = vehicles_msg,
	.history = history,
	.demo = veh_demo,
};
