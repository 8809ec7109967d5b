/*
** modules/notifications/notifications_home.c: 未读通知 on the 工作台, the
** total of GET /notifications?unread=true through notify_list itself.
*/
#include "core/auth.h"
#include "core/notify.h"
#include "module.h"

static int
count_unread(struct db *db, struct arena *a, const struct actor *who, int64_t now, int64_t *n,
	     struct err *e)
{
	struct notify_filter f = { .unread_only = 1, .limit = 0 };
	struct notification *items;
	size_t k;

	(void)now;
	return notify_list(db, a, who, &f, &items, &k, n, e);
}

/* everyone who holds a role: a user with none has an empty 工作台 */
const struct module_counter notifications_home_counters[] = {
	{ "notif_unread", ROLE_BUSINESS_READERS | ROLE_ADMINS, count_unread },
	{ 0 }
};
