/*
** modules/attachments/attachments_module.c: the HTTP face of attachments
** (core/files.h): upload, metadata and download, and the job that deletes
** uploads never attached to a record.
*/
#include "http/router.h"
#include "core/files.h"
#include "core/msg.h"
#include "module.h"

extern const struct route attachments_routes[];	/* attachments_api.c */
extern const struct msg attachments_msg[];	/* attachments_msg.c */

static int
expire(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *done,
       struct err *e)
{
	(void)cal;	/* a day is a calendar day: uploads do not wait for workdays */
	return files_expire(db, agency, now, done, e);
}

static int
sweep(struct db *db, int64_t agency, const struct cal *cal, int64_t now, int *done,
      struct err *e)
{
	(void)cal;
	return files_sweep_orphans(db, agency, now, done, e);
}

static const struct module_job jobs[] = {
	{ "attachment_expire", expire, "unattached uploads deleted" },
	{ "attachment_sweep", sweep, "unreferenced blobs removed" },
	{ 0 }
};

const struct module attachments_module = {
	.name = "attachments",
	.routes = attachments_routes,
	.messages = attachments_msg,
	.jobs = jobs,
};
