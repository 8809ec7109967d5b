/*
** modules/home/home_module.c: the 工作台's descriptor (one route). It owns no
** table and contributes nothing to itself: the page is the other modules'
** counters, requests and figures.
*/
#include "http/router.h"
#include "module.h"

extern const struct route home_routes[];	/* home_api.c */

const struct module home_module = {
	.name = "home",
	.routes = home_routes,
};
