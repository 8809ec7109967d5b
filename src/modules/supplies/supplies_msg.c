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
	/* purchases*.c: purchasing 采购 */
	{ "采购单不存在", "purchase order not found" },
	{ "只有办公室可以采购", "only the office places purchase orders" },
	{ "只有办公室可以办理采购", "only the office handles purchase orders" },
	{ "只有办公室可以验收入库", "only the office receives purchases" },
	{ "请填写 1 至 %d 项采购明细", "enter 1 to %d order lines" },
	{ "请选择物品", "choose an item" },
	{ "同一物品只能写一行", "one line per item" },
	{ "采购金额应大于 0 且不超过预算上限", "the order total must be above 0 and within the budget limit" },
	{ "请选择供应商", "choose a supplier" },
	{ "支出分类应为 30201 办公费或 30218 专用材料费", "the class is 30201 office costs or 30218 special materials" },
	{ "供应商 %s 已停用", "supplier %s is inactive" },
	{ "本部门本年度没有支出分类 %s 的预算指标", "your department has no budget line of class %s this year" },
	{ "最多上传 %d 份报价", "at most %d quotes" },
	{ "采购金额超过 1 万元，须附三家供应商报价（已附 %zu 份）",
	  "an order above ¥10,000 needs quotes from three suppliers (%zu attached)" },
	{ "附件 #%lld 不存在或不是您上传的", "attachment #%lld does not exist or is not yours" },
	{ "采购单状态已变化，请刷新", "the order has changed; reload it" },
	{ "只有审批中或已批准未入库的采购单可以取消", "only a pending or approved order not yet received can be cancelled" },
	{ "只有已验收入库的采购单可以关闭", "only a received order can be closed" },
	{ "只有已批准的采购单可以验收入库", "only an approved order can be received" },
	{ "人员 #%lld 不存在或已停用", "user #%lld does not exist or is inactive" },
	{ "请选择 1 至 %d 名采购人", "choose 1 to %d purchasers" },
	{ "采购人不能重复", "a purchaser is listed twice" },
	{ "请选择验收人", "choose the acceptor" },
	{ "请填写发票号", "enter the invoice number" },
	{ "请填写 1 至 %d 项入库明细", "enter 1 to %d receipt lines" },
	{ "不是本采购单的物品，或重复", "not an item of this order, or listed twice" },
	{ "入库数量应为 0 至采购数量 %lld", "the quantity received is 0 to the %lld ordered" },
	{ "入库金额应大于 0", "the value received must be above 0" },
	{ "5 万元以上的采购须由两名采购人共同采购，且不能是申请人",
	  "above ¥50,000 two purchasers buy together, neither of them the requester" },
	{ "验收人不能是采购人", "the acceptor cannot be a purchaser" },
	{ "验收人不能是采购申请人", "the acceptor cannot be the requester" },
	{ "采购单已审批通过，可以采购", "Purchase order approved: go ahead and buy" },
	{ "采购单已被退回", "Purchase order rejected" },
	{ "应为整数", "must be an integer" },
	{ "应为 1 到 %d 项明细", "1 to %d lines" },
	{ "应为最多 %zu 个编号", "at most %zu ids" },
	{ "第 %zu 个编号无效", "id %zu is invalid" },
	{ "应为对象", "must be an object" },
	{ NULL, NULL }
};
