/*
** http/static.h: serves the built web UI (web/dist) with MIME types, ETag/304,
** gzip for text, long caching for hashed assets, SPA fallback to index.html,
** and no way out of the root (.., encoded dots, NUL, symlinks leaving it).
*/
#ifndef HOUQIN_STATIC_H
#define HOUQIN_STATIC_H

struct req;
struct resp;
struct static_root;
struct err;

/* root must exist; it is resolved with realpath once. */
int static_new(const char *root, struct static_root **out, struct err *e);
void static_free(struct static_root *s);
/* Serve rq->path (GET/HEAD) into rs; errors are rendered as JSON/HTML 404. */
void static_serve(struct static_root *s, struct req *rq, struct resp *rs);

#endif
