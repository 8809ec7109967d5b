/*
** modules/locations/locations_module.c: the location tree's descriptor: its
** routes, location history and the demo buildings.
*/
#include "http/router.h"
#include "module.h"
#include "modules/locations/locations.h"

extern const struct route locations_routes[];	/* locations_api.c */

static const struct module_history history[] = {
	{ "location", 0, loc_visible },
	{ 0 }
};

const struct module locations_module = {
	.name = "locations",
	.routes = locations_routes,
	.history = history,
	.demo = loc_demo_seed,
};
