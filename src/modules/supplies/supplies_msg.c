/*
** modules/supplies/supplies_msg.c: English for the 办公用品 texts (core/msg.h).
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg supplies_msg[] = {
	/* stock.c: the ledger */
	{ "物品不存在", "item not found" },
	{ "物品 %s 已停用", "item %s is inactive" },
	{ "出入库类型不正确", "unknown movement reason" },
	{ "数量应为 1 至 %d", "the quantity is 1 to %d" },
	{ "单价不能为负或超过 100 万元", "the unit price is 0 to ¥1,000,000" },
	{ "报废或丢失须写明原因", "a scrap or loss needs its reason" },
	{ "库存数量超出上限", "the stock would exceed its limit" },
	{ "%s %s 库存只有 %lld %s，不足 %lld", "%s %s: only %lld %s in stock, %lld asked" },
	{ "盘点数量应为 0 至 %d", "the counted quantity is 0 to %d" },
	{ "库存不足：%s %s", "Low stock: %s %s" },
	{ "库存 %lld %s，已到补货点 %lld", "%lld %s in stock, at the reorder point %lld" },
	/* catalog.c, suppliers.c */
	{ "供应商不存在", "supplier not found" },
	{ NULL, NULL }
};
