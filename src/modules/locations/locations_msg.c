/*
** modules/locations/locations_msg.c: English for the location texts (core/msg.h).
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg locations_msg[] = {
	{ "位置不存在", "location not found" },
	{ "不能超过 %ld 个字符", "at most %ld characters" },
	{ "位置类型应为楼栋、楼层或房间", "location type must be building, floor or room" },
	{ "位置类型不能修改", "the location type cannot be changed" },
	{ "名称不能为空", "name must not be empty" },
	{ "排序号应在 0 到 %d 之间", "sort order must be from 0 to %d" },
	{ "楼栋不能有上级位置", "a building cannot have a parent" },
	{ "上级位置不存在", "parent location not found" },
	{ "上级位置已停用", "the parent location is inactive" },
	{ "同一上级下已有同名位置", "a location with this name already exists under this parent" },
	{ "位置编码已被使用", "location code already in use" },
	{ "只有后勤管理员或系统管理员可以维护位置", "only the office or a system administrator can edit locations" },
	{ "内容过长，无法生成二维码", "too long for a QR code" },
	/* chosen by a ternary, passed as "%s" */
	{ "请选择楼层所属的楼栋", "choose the building of the floor" },
	{ "请选择房间所属的楼层", "choose the floor of the room" },
	{ "楼层只能建在楼栋下", "a floor can only be under a building" },
	{ "房间只能建在楼层下", "a room can only be under a floor" },
	{ NULL, NULL }
};
