/*
** modules/home/home.h: the 工作台 (one-stop home page), built from what every
** module of the list declares (module.h: counters, requests, figures).
*/
#ifndef HOUQIN_HOME_H
#define HOUQIN_HOME_H

#include <jansson.h>
#include <stdint.h>

struct actor;
struct arena;
struct db;
struct err;

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

#endif
