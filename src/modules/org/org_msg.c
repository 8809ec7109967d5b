/*
** modules/org/org_msg.c: English for the departments, users and login texts (core/msg.h).
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg org_msg[] = {
	{ "单位设置", "the agency settings" },
	{ "公开访问地址不能带查询参数（?）或片段（#）",
	  "the public base URL cannot carry a query (?) or a fragment (#)" },
	{ "公开访问地址应为 http:// 或 https:// 开头的网址，如 https://houqin.example.gov.cn",
	  "the public base URL must be an http:// or https:// address, e.g. https://houqin.example.gov.cn" },
	{ "请选择上级部门", "choose the parent department" },
	{ "未知角色", "unknown role" },
	{ "部门不存在", "department not found" },
	{ "同级部门中已有同名部门", "a sibling department already has this name" },
	{ "上级部门不存在", "parent department not found" },
	{ "机关（根部门）不能设置上级", "an agency (root department) cannot have a parent" },
	{ "不能把部门移到它自己或其下级之下", "a department cannot move under itself or its descendants" },
	{ "用户不存在", "user not found" },
	{ "登录名应为 2 到 32 个字符", "username must be 2 to 32 characters" },
	{ "登录名只能包含字母、数字、下划线、点和连字符",
	  "username may contain only letters, digits, underscores, dots and hyphens" },
	{ "登录名已被使用", "username already in use" },
	{ "本单位还没有部门", "your agency has no departments yet" },
	{ "系统管理员、安全管理员、审计管理员三员分立，不能兼任",
	  "system, security and audit administrator roles are separate and cannot be combined" },
	{ "至少保留一个角色", "keep at least one role" },
	{ "不能修改自己的角色", "you cannot change your own roles" },
	{ "原密码不正确", "the current password is wrong" },
	{ "登录失败次数过多，请 %lld 分钟后再试", "too many failed logins, try again in %lld minutes" },
	{ "用户名或密码错误", "wrong username or password" },
	{ "登录失败次数过多，请 %lld 秒后再试", "too many failed logins, try again in %lld seconds" },
	{ "登录请求须为 application/json", "a login request must be application/json" },
	{ "新密码不能与最近 %d 次使用过的密码相同", "the new password must differ from the last %d passwords" },
	{ "账号已被管理员锁定", "the account is locked by an administrator" },
	{ "连续登录失败次数过多，账号已锁定，请 %lld 分钟后再试",
	  "too many failed logins in a row, the account is locked: try again in %lld minutes" },
	{ "账号已停用", "the account is deactivated" },
	{ "纪检监察不能兼任后勤管理员、财务或维修工",
	  "the supervisor (discipline inspection) role cannot be combined with office, finance or worker" },
	{ "审计管理员不能兼任业务角色", "the audit administrator cannot hold a business role" },
	{ "不能通过管理功能修改自己的账号，请在个人中心操作",
	  "you cannot change your own account here: use your profile" },
	{ "管理员账号只能由安全管理员管理", "administrator accounts are managed by the security administrator only" },
	{ "业务用户账号由系统管理员管理", "business user accounts are managed by the system administrator" },
	{ "用户 %s 的密码已被重置", "the password of user %s was reset" },
	{ "%s 重置了用户 %s（%s）的密码", "%s reset the password of user %s (%s)" },
	/* http/router.c: a reset's one-time password must be changed first */
	{ "密码已被管理员重置，请先修改密码", "your password was reset by an administrator: change it first" },
	{ "API 令牌不能用来创建令牌，请登录后创建", "an API token cannot create tokens: log in to create one" },
	{ "有效期应为 1 到 365 天", "the validity must be 1 to 365 days" },
	{ "令牌不存在", "token not found" },
	{ NULL, NULL }
};
