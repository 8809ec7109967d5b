/*
** modules/approvals/approvals.c: the general request kind. It owns no table:
** the approval row itself carries title, amount and reason.
*/
#include "modules/approvals/approvals.h"
#include "core/approval.h"

const struct appr_kind appr_general_kind = {
	.kind = "general",
	.label = "通用事项申请",
	.on_decided = NULL,	/* nothing to update: the approval is the record */
};
