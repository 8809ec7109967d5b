/*
** modules/calendar/calendar_module.c: the HTTP face of the business calendar
** (core/calendar.h): working hours, holidays, 调休.
*/
#include "http/router.h"
#include "core/msg.h"
#include "module.h"

extern const struct route calendar_routes[];	/* calendar_api.c */
extern const struct msg calendar_msg[];	/* calendar_msg.c */

const struct module calendar_module = {
	.name = "calendar",
	.routes = calendar_routes,
	.messages = calendar_msg,
};
