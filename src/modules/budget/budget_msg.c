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
	{ NULL, NULL }
};
