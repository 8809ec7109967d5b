/*
** modules/audit/audit_module.c: the audit log browser's descriptor. The
** history views it serves are declared by each module (struct module_history).
*/
#include "http/router.h"
#include "core/msg.h"
#include "module.h"

extern const struct route audit_routes[];	/* audit_api.c */
extern const struct msg audit_msg[];	/* audit_msg.c */

const struct module audit_module = {
	.name = "audit",
	.routes = audit_routes,
	.messages = audit_msg,
};
