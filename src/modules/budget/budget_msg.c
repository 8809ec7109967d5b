/*
** modules/budget/budget_msg.c: English for the 经费 texts, the engine's
** (core/budget.c) included: it has no module of its own to register them.
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg budget_msg[] = {
	{ "预算指标不存在", "budget line not found" },
	{ "金额应大于 0 且不超过 %lld 分", "the amount must be more than 0 and at most %lld fen" },
	{ "超出预算指标 #%lld 的可用余额，缺口 %lld.%02lld 元",
	  "exceeds the available balance of budget line #%lld by ¥%lld.%02lld" },
	{ "该来源在此预算指标上只有 %lld 分未结的占用",
	  "this source has only %lld fen committed on this budget line" },
	{ "支出分类不存在", "expenditure class not found" },
	{ "只有财务人员可以维护预算", "only finance can edit budgets" },
	{ "支出分类编码已存在", "an expenditure class with this code already exists" },
	{ "部门不存在", "department not found" },
	{ "支出分类不存在或已停用", "the expenditure class does not exist or is inactive" },
	{ "该部门本年度已有此支出分类的预算指标",
	  "the department already has a budget line of this class for the year" },
	{ "%d 年 %d 月已结账，不能再记入该月", "%d-%02d is closed: nothing more can be dated in it" },
	{ "月份无效（须为本月或之前的月份）", "invalid month (it must be this month or earlier)" },
	{ "该月已结账", "this month is closed already" },
	{ "月份应为 yyyymm，如 202609", "the month must be yyyymm, e.g. 202609" },
	{ "月份无效", "invalid month" },
	{ "预算调整不存在", "budget adjustment not found" },
	{ "只有调剂需要指定调入的预算指标", "only a transfer names a target budget line" },
	{ "调剂须指定调入的预算指标", "a transfer needs the budget line it goes to" },
	{ "不能调剂到同一预算指标", "a transfer cannot go to the same budget line" },
	{ "调入的预算指标不存在", "the target budget line does not exist" },
	{ "只能在同一年度的预算指标之间调剂", "a transfer must stay within one year's budget lines" },
	{ "提醒日期应为 MM-DD，如 07-01（不可为 02-29）",
	  "the reminder date must be MM-DD, e.g. 07-01 (not 02-29)" },
	{ "预算超支预警：%s %s", "Budget overdraft warning: %s %s" },
	{ "预算指标 #%lld（%s，%s）已超支 %s 元。",
	  "Budget line #%lld (%s, %s) is overdrawn by ¥%s." },
	{ "预算执行已达 %d%%：%s %s", "Budget %d%% used: %s %s" },
	{ "预算 %s 元，已支出 %s 元，已占用 %s 元，可用 %s 元，已使用 %lld%%。",
	  "Budget ¥%s, spent ¥%s, committed ¥%s, available ¥%s, %lld%% used." },
	{ "%s：预算 %s 元，已支出 %s 元，已占用 %s 元，可用 %s 元，已使用 %lld%%。",
	  "%s: budget ¥%s, spent ¥%s, committed ¥%s, available ¥%s, %lld%% used." },
	{ "温馨提醒：%s %lld 年预算执行进度", "Reminder: %s's budget progress in %lld" },
	{ "预算调整", "budget adjustment" },
	{ "经费设置", "budget settings" },
	{ NULL, NULL }
};
