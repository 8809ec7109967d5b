/*
** modules/locations/locations_module.c: the location tree's descriptor: its
** routes, location history and the demo buildings.
*/
#include "http/router.h"
#include "core/msg.h"
#include "module.h"
#include "modules/locations/locations.h"

extern const struct route locations_routes[];	/* locations_api.c */
extern const struct msg locations_msg[];	/* locations_msg.c */

static const struct module_history history[] = {
	{ "location", 0, loc_visible },
	{ 0 }
};

const struct module locations_module = {
	.name = "locations",
	.routes = locations_routes,
	.messages = locations_msg,
	.history = history,
	.demo = loc_demo_seed,
};
