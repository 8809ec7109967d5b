/*
** modules/notifications/notifications_msg.c: English for the inbox routes' texts (core/msg.h).
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg notifications_msg[] = {
	{ "Last-Event-ID 应为事件编号", "Last-Event-ID must be an event id" },
	{ NULL, NULL }
};
