/*
** http/req.h: the request as handlers see it. No MHD types: server.c fills
** it. Everything lives in rq->arena and dies when the request completes.
*/
#ifndef HOUQIN_REQ_H
#define HOUQIN_REQ_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/auth.h"
#include "core/limits.h"

struct arena;
struct db;
struct err;
struct field;

struct kv {
	const char *name, *value;
};

struct req {
	struct arena *arena;
	uint64_t id;		/* request id for logs */
	const char *method;
	const char *path;	/* decoded path, no query */
	const char *ip;
	struct kv *headers;
	int nheaders;
	struct kv *query;
	int nquery;
	const char *body;
	size_t body_len;
	json_t *json;		/* parsed body (borrowed from the arena), NULL until req_json */
	const char *params[PATH_PARAMS_MAX];	/* :param captures in pattern order */
	int nparams;
	struct db *db;		/* reader, or the writer inside the route's transaction */
	struct actor *user;	/* NULL on public routes without a session */
	int via_cookie;		/* authenticated by session cookie (CSRF applies) */
	const char *set_cookie;	/* session cookie to send (login/logout) */
	int export_format;	/* enum export_format: set by the router for ?format=csv|xlsx */
	int lang;		/* enum lang (core/msg.h): the user's saved choice, else Accept-Language */
	void *prep;		/* the route's prep result for its write handler (router.h) */
};

/* Case-insensitive header lookup; NULL if absent. */
const char *req_header(const struct req *rq, const char *name);
/* Query parameter (decoded); NULL if absent. */
const char *req_query(const struct req *rq, const char *name);
/* The language Accept-Language asks for (enum lang, core/msg.h); zh-CN by default. */
int req_lang(const struct req *rq);
/* Cookie value from the Cookie header, copied into the arena; NULL if absent. */
const char *req_cookie(const struct req *rq, const char *name);
/* i-th path capture as a positive id; ERR_NOT_FOUND when it is not one. */
int req_path_id(const struct req *rq, int i, int64_t *out, struct err *e);
/* Parse the body as JSON (object or array): ERR_BAD_JSON when malformed or empty. */
int req_json(struct req *rq, json_t **out, struct err *e);
/* req_json + val_object: the usual handler first step. */
int req_json_fields(struct req *rq, const struct field *spec, void *out, uint32_t *present,
		    struct err *e);
/*
** Optional integer query parameter in [min, max]; *out keeps its default when
** absent. ERR_INVALID naming the parameter when malformed.
*/
int req_query_i64(const struct req *rq, const char *name, int64_t min, int64_t max,
		  int64_t *out, struct err *e);

/*
** ?page=&per_page= with defaults 1 and PAGE_DEFAULT; per_page clamped to PAGE_MAX.
** In an export request (rq->export_format) page and per_page are ignored: page 1
** with per_page EXPORT_MAX, so the export holds every row the filters select.
*/
/*
** ?from=&to=, read the same way on every list: each is a date YYYY-MM-DD (a
** Shanghai day) or an ISO-8601 instant, and `to` is inclusive: a date means
** through the end of that day, an instant through that millisecond. Fills
** the half-open [*from_ms, *to_ms) for `at >= :from AND at < :to`; 0 where a
** parameter is absent. A bad value or to before from adds a field message
** and makes *e a 400 "invalid" naming the first; returns e->code, else 0.
*/
int req_time_range(const struct req *rq, int64_t *from_ms, int64_t *to_ms, struct err *e);

struct page {
	int64_t page, per_page, offset;
};
int req_page(const struct req *rq, struct page *pg, struct err *e);

#endif
