/*
** modules/calendar/calendar_msg.c: English for the calendar routes' texts (core/msg.h).
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg calendar_msg[] = {
	{ "日期应为 YYYY-MM-DD（%d–%d 年）", "date must be YYYY-MM-DD (years %d–%d)" },
	{ "工作时段应为 1 到 %d 段的列表", "working hours must be a list of 1 to %d periods" },
	{ "第 %zu 段应为 {\"start\":\"HH:MM\",\"end\":\"HH:MM\"}",
	  "period %zu must be {\"start\":\"HH:MM\",\"end\":\"HH:MM\"}" },
	{ NULL, NULL }
};
