/*
** modules/attachments/attachments_msg.c: English for the upload routes' texts (core/msg.h).
*/
#include "core/msg.h"

#include <stddef.h>

const struct msg attachments_msg[] = {
	{ "一次只能上传一个文件", "upload one file at a time" },
	{ "缺少名为 file 的文件", "no file named file" },
	{ "X-Filename 应为百分号编码的 UTF-8 文件名", "X-Filename must be a percent-encoded UTF-8 file name" },
	{ "缺少文件内容", "the file content is missing" },
	{ "请指定附件类别（photo 或 document）", "give the attachment kind (photo or document)" },
	{ NULL, NULL }
};
