/*
** modules/home/home.c: the 工作台. It walks the module list (modules.h) and
** asks each module for the counters, open requests and figures its
** descriptor declares to who's roles; it names no module. Reads only.
*/
#include "modules/home/home.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "core/json.h"
#include "core/notify.h"
#include "db/db.h"
#include "module.h"
#include "modules.h"

#include <stdlib.h>
#include <string.h>

/* roles 0: every signed-in user */
static int
sees(const struct actor *who, unsigned roles)
{
	return !roles || actor_has(who, roles);
}

static int
nomem(struct err *e)
{
	return err_set(e, ERR_NOMEM, NULL, "out of memory");
}

static int
add_counters(struct db *db, struct arena *a, const struct actor *who, int64_t now,
	     json_t *arr, struct err *e)
{
	for (size_t m = 0; houqin_modules[m]; m++) {
		const struct module *mod = houqin_modules[m];

		for (const struct module_counter *c = mod->counters; c && c->key; c++) {
			int64_t n = 0;

			if (!sees(who, c->roles))
				continue;
			if (c->count(db, a, who, now, &n, e))
				return e->code;
			if (json_array_append_new(arr, json_pack("{s:s, s:s, s:I}", "module",
								 mod->name, "key", c->key,
								 "count", (json_int_t)n)))
				return nomem(e);
		}
	}
	return 0;
}

struct tagged {
	struct home_request r;
	const char *module;
};

static int
by_updated_desc(const void *x, const void *y)
{
	const struct tagged *p = x, *q = y;

	if (p->r.updated_at != q->r.updated_at)
		return p->r.updated_at < q->r.updated_at ? 1 : -1;
	return p->r.id < q->r.id ? 1 : p->r.id > q->r.id ? -1 : 0;
}

static json_t *
request_json(const struct tagged *t)
{
	return json_pack("{s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o}", "module", t->module, "kind",
			 t->r.kind, "id", (json_int_t)t->r.id, "code", jstr_or_null(t->r.code),
			 "title", jstr_or_null(t->r.title), "status", jstr_or_null(t->r.status),
			 "updated_at", jtime(t->r.updated_at), "entity",
			 jstr_or_null(t->r.entity));
}

/* Gathers up to HOME_REQUESTS_MAX of each module, keeps the newest HOME_REQUESTS_MAX. */
static int
gather_requests(struct db *db, struct arena *a, const struct actor *who, struct tagged **all,
		size_t *k, int64_t *total, struct err *e)
{
	size_t nmod = 0;

	for (; houqin_modules[nmod]; nmod++)
		;
	*all = arena_array(a, nmod * HOME_REQUESTS_MAX + 1, sizeof(**all));
	if (!*all)
		return nomem(e);
	for (size_t m = 0; m < nmod; m++) {
		const struct module_requests *q = houqin_modules[m]->requests;
		struct home_request *rows;
		size_t n = 0;
		int64_t t = 0;

		if (!q || !sees(who, q->roles))
			continue;
		if (q->list(db, a, who, HOME_REQUESTS_MAX, &rows, &n, &t, e))
			return e->code;
		for (size_t i = 0; i < n && i < HOME_REQUESTS_MAX; i++)
			(*all)[(*k)++] = (struct tagged){ rows[i], houqin_modules[m]->name };
		*total += t;
	}
	return 0;
}

static int
add_requests(struct db *db, struct arena *a, const struct actor *who, json_t *obj,
	     struct err *e)
{
	struct tagged *all;
	size_t k = 0;
	int64_t total = 0;
	json_t *items = json_array();

	if (!items || json_object_set_new(obj, "items", items))
		return nomem(e);
	if (gather_requests(db, a, who, &all, &k, &total, e))
		return e->code;
	qsort(all, k, sizeof(*all), by_updated_desc);
	for (size_t i = 0; i < k && i < HOME_REQUESTS_MAX; i++)
		if (json_array_append_new(items, request_json(&all[i])))
			return nomem(e);
	return json_object_set_new(obj, "total", json_integer(total)) ? nomem(e) : 0;
}

static int
add_notifications(struct db *db, struct arena *a, const struct actor *who, int lang,
		  json_t *obj, struct err *e)
{
	struct notify_filter f = { .limit = HOME_NOTIFICATIONS };
	struct notification *items;
	size_t n;
	int64_t total, unread;
	json_t *arr = json_array();

	if (!arr || json_object_set_new(obj, "items", arr))
		return nomem(e);
	if (!who->roles)
		return json_object_set_new(obj, "unread", json_integer(0)) ? nomem(e) : 0;
	if (notify_unread_count(db, who, &unread, e) ||
	    notify_list(db, a, who, &f, &items, &n, &total, e))
		return e->code;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(arr, notify_json(&items[i], lang)))
			return nomem(e);
	return json_object_set_new(obj, "unread", json_integer(unread)) ? nomem(e) : 0;
}

static json_t *
figure_json(const char *module, const struct module_figure *f, const struct home_figure *v)
{
	json_t *series = json_array();

	for (int d = 0; series && d < HOME_DAYS; d++)
		json_array_append_new(series, v->has[d] ? json_real(v->series[d]) : json_null());
	return json_pack("{s:s, s:s, s:s, s:o, s:o*}", "module", module, "key", f->key, "format",
			 f->format, "value", v->has_value ? json_real(v->value) : json_null(),
			 "series", series);
}

static int
add_figures(struct db *db, struct arena *a, const struct actor *who, int64_t now, json_t *arr,
	    struct err *e)
{
	for (size_t m = 0; houqin_modules[m]; m++) {
		const struct module *mod = houqin_modules[m];

		for (const struct module_figure *f = mod->figures; f && f->key; f++) {
			struct home_figure v;

			if (!sees(who, f->roles))
				continue;
			if (f->compute(db, a, who, now, &v, e))
				return e->code;
			if (json_array_append_new(arr, figure_json(mod->name, f, &v)))
				return nomem(e);
		}
	}
	return 0;
}

int
home_workbench(struct db *db, struct arena *a, const struct actor *who, int64_t now, int lang,
	       json_t **out, struct err *e)
{
	json_t *counters = json_array(), *mine = json_object(), *notes = json_object();
	json_t *figures = json_array();
	int rc;

	*out = json_pack("{s:o*, s:o*, s:o*, s:o*}", "counters", counters, "my_requests", mine,
			 "notifications", notes, "figures", figures);
	if (!*out || !counters || !mine || !notes || !figures)
		rc = nomem(e);
	else
		rc = add_counters(db, a, who, now, counters, e) ||
		     add_requests(db, a, who, mine, e) ||
		     add_notifications(db, a, who, lang, notes, e) ||
		     add_figures(db, a, who, now, figures, e) ? e->code : 0;
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static int
bind_me(struct stmt *st, const struct actor *who, struct err *e)
{
	return db_bind_i64(st, ":me", who->id, e) || db_bind_i64(st, ":agency", who->agency_id, e)
		       ? e->code : 0;
}

static int
count_requests(struct db *db, const struct actor *who, const char *sql, int64_t *total,
	       struct err *e)
{
	struct stmt st = { 0 };
	int rc = db_prepare(db, &st, sql, e) || bind_me(&st, who, e) || db_step_row(&st, e) ?
			 e->code : 0;

	*total = rc ? 0 : db_col_i64(&st, 0);
	db_finalize(&st);
	return rc;
}

int
home_requests_query(struct db *db, struct arena *a, const struct actor *who,
		    const char *count_sql, const char *page_sql, const char *kind, int64_t limit,
		    struct home_request **rows, size_t *n, int64_t *total, struct err *e)
{
	struct stmt st = { 0 };
	int rc;

	*n = 0;
	*rows = arena_array(a, (size_t)(limit > 0 ? limit : 1), sizeof(**rows));
	if (!*rows)
		return nomem(e);
	if (count_requests(db, who, count_sql, total, e))
		return e->code;
	rc = db_prepare(db, &st, page_sql, e) || bind_me(&st, who, e) ||
	     db_bind_i64(&st, ":limit", limit, e) ? e->code : 0;
	while (!rc && (int64_t)*n < limit && (rc = db_step(&st, e)) == 1) {
		(*rows)[(*n)++] = (struct home_request){ kind, db_col_i64(&st, 0),
							 db_col_text(&st, a, 1),
							 db_col_text(&st, a, 2),
							 db_col_text(&st, a, 3),
							 db_col_i64(&st, 4), kind };
		rc = 0;
	}
	db_finalize(&st);
	return rc < 0 ? rc : 0;
}
