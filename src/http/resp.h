/*
** http/resp.h: the response a handler fills. No MHD types: server.c turns it
** into an MHD response. Body memory belongs to the request arena.
*/
#ifndef HOUQIN_RESP_H
#define HOUQIN_RESP_H

#include <jansson.h>
#include <stddef.h>

struct arena;
struct err;

#define RESP_HEADERS_MAX 12

struct resp {
	struct arena *arena;
	int status;
	const char *content_type;
	const char *body;
	size_t len;
	int nheaders;
	struct {
		const char *name, *value;
	} headers[RESP_HEADERS_MAX];
};

/* Render j (stolen) as the JSON body with status. 0 or ERR_NOMEM. */
int resp_json(struct resp *rs, int status, json_t *j);
/* Body from arena/static memory, borrowed until the request ends. */
int resp_body(struct resp *rs, int status, const char *content_type, const char *body, size_t len);
/* Add a header; name and value must outlive the request (arena or static). */
int resp_header(struct resp *rs, const char *name, const char *value);
/*
** Render e as {"error":{"code","message","fields"}} with its HTTP status.
** Handlers use it directly only when they must commit despite failing
** (e.g. a failed login records the attempt) and then return 0.
*/
int resp_error(struct resp *rs, const struct err *e);
/* HTTP status for an error code. */
int resp_status_for(int code);

#endif
