/*
** modules/notifications/notifications_module.c: the HTTP face of the inbox
** and the live event stream (core/notify.h, http/sse.h).
*/
#include "http/router.h"
#include "core/msg.h"
#include "module.h"

extern const struct route notifications_routes[];	/* notifications_api.c */
extern const struct msg notifications_msg[];	/* notifications_msg.c */
extern const struct module_counter notifications_home_counters[];	/* notifications_home.c */

const struct module notifications_module = {
	.name = "notifications",
	.routes = notifications_routes,
	.messages = notifications_msg,
	.counters = notifications_home_counters,
};
