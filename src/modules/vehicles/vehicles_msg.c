/*
** modules/vehicles/vehicles_msg.c: English for the 公务用车 texts (core/msg.h).
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg vehicles_msg[] = {
	/* core/booking.c (the core has no module of its own) and the registry */
	{ "预订参数无效", "invalid booking request" },
	{ "结束时间应晚于开始时间", "the end must be after the start" },
	{ "暂留期限应晚于当前时间", "a hold must last beyond now" },
	{ "时间冲突：已被 %s #%lld 占用（%s 至 %s）",
	  "schedule conflict: booked by %s #%lld (%s to %s)" },
	{ "预订不存在", "booking not found" },
	{ "预订暂留已过期，请重新安排", "the hold has lapsed: please book again" },
	{ "车牌号格式不正确，应如 京A·12345 或 京A·D12345（新能源）",
	  "invalid plate: e.g. 京A·12345, or 京A·D12345 for a new-energy vehicle" },
	{ "日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD" },
	{ "车辆不存在", "vehicle not found" },
	{ "车牌号 %s 已登记", "plate %s is registered already" },
	{ "只有办公室可以维护车辆", "only the office can edit vehicles" },
	{ "里程不能小于当前读数 %lld 公里", "the odometer cannot go below its reading of %lld km" },
	{ "驾驶员不存在", "driver not found" },
	{ "只有办公室可以维护驾驶员", "only the office can edit drivers" },
	{ "驾驶员须为具有工勤人员角色的用户", "a driver must be a user with the worker role" },
	{ "时间应为 ISO-8601 格式", "times are ISO-8601" },
	{ "车辆", "the vehicle" },
	{ NULL, NULL }
};
