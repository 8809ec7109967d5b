/*
** http/resp.h: the response a handler fills. No MHD types: server.c turns it
** into an MHD response. Body memory belongs to the request arena.
*/
#ifndef HOUQIN_RESP_H
#define HOUQIN_RESP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

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
	/*
	** Exports: the router sets keep_json, and resp_json then keeps a 200
	** body in json (owned by the arena) unrendered for resp_export.
	*/
	int keep_json;
	json_t *json;
	int lang;	/* enum lang (core/msg.h): error texts are rendered in it */
};

/* Render j (stolen) as the JSON body with status. 0 or ERR_NOMEM. */
int resp_json(struct resp *rs, int status, json_t *j);
/*
** 200 with a list page, DESIGN §5: {"items":[...],"total","page","per_page"}.
** items is stolen. A list that is not paged passes n, 1, n.
*/
int resp_list(struct resp *rs, json_t *items, int64_t total, int64_t page, int64_t per_page);
/*
** resp_list with each of the n items (size bytes apart) written by write_item
** (core/jw.h): straight into the body, or as a tree when an export keeps the
** JSON. For long pages of wide records. 0 or ERR_NOMEM.
*/
struct jw;
/* status with one value written by write (core/jw.h), as text (or a tree an export keeps). */
int resp_write(struct resp *rs, int status, void (*write)(struct jw *w, const void *item),
	       const void *item);
int resp_list_items(struct resp *rs, void (*write_item)(struct jw *w, const void *item),
		    const void *items, size_t n, size_t size, int64_t total, int64_t page,
		    int64_t per_page);
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
/*
** Turn the kept list response ({"items":[...],"total":N}) into a download:
** format is EXPORT_CSV or EXPORT_XLSX, cols the route's columns, name the
** file name without extension (the route's Chinese summary). Sets
** Content-Type and Content-Disposition (RFC 6266/5987 UTF-8 name).
** ERR_RULE "export_too_large" when total exceeds EXPORT_MAX; ERR_DB when the
** handler kept no list; errors of export_csv/export_xlsx.
** The file and sheet are named after summary without a bracketed note.
*/
struct export_col;
int resp_export(struct resp *rs, int format, const struct export_col *cols, const char *name,
		struct err *e);
/* HTTP status for an error code. */
int resp_status_for(int code);

#endif
