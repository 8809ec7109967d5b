/*
** modules/notifications/notifications_module.c: the HTTP face of the inbox and live event stream (core/notify.h, http/sse.h).
*/
#include "http/router.h"
#include "module.h"

extern const struct route notifications_routes[];	/* notifications_api.c */

const struct module notifications_module = {
	.name = "notifications",
	.routes = notifications_routes,
};
