/*
** modules/attachments/attachments_module.c: the HTTP face of attachments
** (core/files.h): upload, metadata and download.
*/
#include "http/router.h"
#include "core/msg.h"
#include "module.h"

extern const struct route attachments_routes[];	/* attachments_api.c */
extern const struct msg attachments_msg[];	/* attachments_msg.c */

const struct module attachments_module = {
	.name = "attachments",
	.routes = attachments_routes,
	.messages = attachments_msg,
};
