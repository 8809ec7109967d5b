/*
** modules/approvals/approvals_msg.c: English for the approval routes' texts (core/msg.h).
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg approvals_msg[] = {
	{ "应为 pending、decided 或 requested", "must be pending, decided or requested" },
	{ "第 %zu 步：%s", "step %zu: %s" },
	{ NULL, NULL }
};
