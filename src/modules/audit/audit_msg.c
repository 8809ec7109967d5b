/*
** modules/audit/audit_msg.c: English for the audit log browser texts (core/msg.h).
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg audit_msg[] = {
	{ "没有权限查看审计日志", "you are not allowed to read the audit log" },
	{ "按记录编号查询时须同时指定对象类型", "a record id needs the entity type too" },
	{ "该类对象没有变更记录", "this kind of record has no history" },
	{ "没有权限查看该记录的变更", "you are not allowed to see this record's history" },
	{ "记录不存在或无权查看", "record not found or not visible to you" },
	{ "不能超过 %d 个字符", "at most %d characters" },
	{ NULL, NULL }
};
