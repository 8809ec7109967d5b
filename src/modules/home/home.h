/*
** modules/home/home.h: the 工作台 (one-stop home page), built from what every
** module of the list declares (module.h: counters, requests, figures).
*/
#ifndef HOUQIN_HOME_H
#define HOUQIN_HOME_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct actor;
struct arena;
struct db;
struct err;
struct home_request;

#define HOME_REQUESTS_MAX 20	/* "my open requests" shown, newest activity first */
#define HOME_NOTIFICATIONS 5	/* latest notifications shown */

/*
** The page for who at now: {"counters":[{"module","key","count"}],
** "my_requests":{"items":[{"kind","id","code","title","status","updated_at",
** "entity","module"}],"total"},"notifications":{"unread","items":[...]},
** "figures":[{"module","key","format","value","series":[7]}]}, holding only
** what who's roles may see (a user with no role gets empty lists). lang is
** for the notifications' texts (core/msg.h). New reference in *out.
*/
int home_workbench(struct db *db, struct arena *a, const struct actor *who, int64_t now,
		   int lang, json_t **out, struct err *e);

/*
** A module's "my open requests" (module.h, struct module_requests) from two
** static statements bound with :me and :agency (who's): count_sql gives the
** total, page_sql (also :limit) the rows as id, code, title, status,
** updated_at, newest first. kind names the rows and the entity they open.
*/
int home_requests_query(struct db *db, struct arena *a, const struct actor *who,
			const char *count_sql, const char *page_sql, const char *kind,
			int64_t limit, struct home_request **rows, size_t *n, int64_t *total,
			struct err *e);

#endif
