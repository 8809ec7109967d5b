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
	/* part K: catalog.c, suppliers.c, stocktake.c, catalog_api.c */
	{ "最高库存须大于补货点", "the maximum stock must be above the reorder point" },
	{ "条码 %s 已被其他物品使用", "barcode %s is used by another item" },
	{ "物品编码 %s 已存在", "item code %s already exists" },
	{ "只有办公室可以维护物品目录", "only the office keeps the catalog" },
	{ "统一社会信用代码校验位不正确", "the unified social credit code's check character is wrong" },
	{ "统一社会信用代码 %s 的供应商已登记", "a supplier with credit code %s is already registered" },
	{ "只有办公室可以维护供应商", "only the office keeps the suppliers" },
	{ "盘点物品应为 1 至 %d 项", "a stocktake has 1 to %d items" },
	{ "物品重复", "the item is listed twice" },
	{ "只有办公室可以盘点", "only the office takes stock" },
	{ "盘点单不存在", "stocktake not found" },
	{ "请选择物品", "choose the item" },
	{ "请填写盘点数量", "enter the counted quantity" },
	{ "盘点 %s（%zu 项）", "Stocktake %s (%zu items)" },
	/* requisitions*.c, quotas.c: 领用申请 and 领用限额 */
	{ "只有部门人员可以申请领用", "only members of a department can requisition supplies" },
	{ "请选择 1 至 %d 种物品", "choose 1 to %d items" },
	{ "用途过长", "the purpose is too long" },
	{ "领用申请不存在", "requisition not found" },
	{ "领用申请当前状态不能%s", "the requisition cannot be %s in its status" },
	{ "您不能%s这个领用申请", "you cannot %s this requisition" },
	{ "领用申请已被他人处理，请刷新", "someone else has acted on the requisition; refresh" },
	{ "领用申请未获批准", "Requisition rejected" },
	{ "领用申请已批准，等待发放", "Requisition approved, waiting to be issued" },
	{ "有待发放的领用申请", "A requisition is waiting to be issued" },
	{ "领用物品已发放，请确认领取", "Supplies issued: please confirm receipt" },
	{ "领用申请已被办公室取消", "The office cancelled the requisition" },
	{ "请填写发放数量", "enter the quantities to issue" },
	{ "物品不在申请中或重复", "the item is not on the requisition, or listed twice" },
	{ "发放数量应为 1 至 %lld", "the quantity to issue is 1 to %lld" },
	{ "数量应为整数", "the quantity must be a whole number" },
	{ "用途应为文字", "the purpose must be text" },
	{ "年份应为 2000 至 2100", "the year is 2000 to 2100" },
	{ "月份应为 1 至 12", "the month is 1 to 12" },
	{ "限额过大", "the quota is too large" },
	{ "部门不存在", "department not found" },
	{ "领用限额", "the quota" },
	{ "办公用品领用", "office supplies requisition" },
	{ "发放", "issue" },
	{ "确认领取", "confirm receipt of" },
	{ NULL, NULL }
};
