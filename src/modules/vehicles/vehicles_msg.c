/*
** modules/vehicles/vehicles_msg.c: English for the 公务用车 texts (core/msg.h).
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg vehicles_msg[] = {
	/* 用车申请 (trips*.c) */
	{ "请填写用车事由", "please give the purpose of the trip" },
	{ "请填写目的地", "please give the destination" },
	{ "乘车人数应为 1 到 %d", "passengers must be 1 to %d" },
	{ "预计里程应为 0 到 %d 公里", "the estimated distance must be 0 to %d km" },
	{ "请填写出发时间", "please give the start time" },
	{ "出发时间不能早于现在", "the start cannot be in the past" },
	{ "请填写返回时间", "please give the end time" },
	{ "返回时间应晚于出发时间", "the end must be after the start" },
	{ "单次用车不能超过 %d 天", "one trip cannot last more than %d days" },
	{ "只有部门人员可以申请用车", "only members of a department can request a vehicle" },
	{ "用车申请不存在", "trip request not found" },
	{ "用车申请当前状态不能%s", "the trip request cannot %s in its current status" },
	{ "您不能%s这个用车申请", "you may not %s this trip request" },
	{ "审批", "approve" },
	{ "驳回", "reject" },
	{ "派车", "dispatch" },
	{ "出车", "depart" },
	{ "还车", "return" },
	{ "评价", "rate" },
	{ "取消", "cancel" },
	{ "有待派车的用车申请", "a trip request waits for a vehicle" },
	{ "用车申请已批准，等待派车", "your trip request is approved and waits for a vehicle" },
	{ "用车申请未获批准", "your trip request was not approved" },
	{ "用车申请已被他人处理，请刷新", "someone else has just changed this trip request: please reload" },
	{ "评分应为 1 到 5", "the rating must be 1 to 5" },
	{ "派给您的出车任务已取消", "a trip assigned to you was cancelled" },
	{ "用车申请已取消", "your trip request was cancelled" },
	{ "用车申请已派车", "a vehicle and driver are assigned to your trip request" },
	{ "新的出车任务", "a new trip for you to drive" },
	{ "车辆不存在", "vehicle not found" },
	{ "驾驶员不存在", "driver not found" },
	{ "车辆 %s 已封存，不能派车", "vehicle %s is sealed and cannot be dispatched" },
	{ "车辆 %s 维修保养或已报废，不能派车",
	  "vehicle %s is in maintenance or retired and cannot be dispatched" },
	{ "车辆 %s 只有 %lld 座，乘车 %lld 人", "vehicle %s has only %lld seats for %lld passengers" },
	{ "车辆", "the vehicle" },
	{ "驾驶员", "the driver" },
	{ "（其他预约）", "(another booking)" },
	{ "%s该时段已有用车 %s（%s 至 %s），前后须间隔 %lld 分钟",
	  "%s is booked for %s (%s to %s); trips need %lld minutes between them" },
	{ "里程表读数 %lld 公里低于车辆 %s 上次读数 %lld 公里",
	  "the odometer reading of %lld km is below vehicle %s's last reading of %lld km" },
	{ "车辆 %s 正在出车中", "vehicle %s is out on another trip" },
	{ "加油量和费用不能为负", "fuel and costs cannot be negative" },
	{ "状态无效", "invalid status" },
	{ NULL, NULL }
};
