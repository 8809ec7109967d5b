/*
** core/jw.h: one way to write a JSON value, two results. Code that describes a
** record once (wo_json) can build a jansson tree (for audit diffs, exports) or
** write the same JSON straight into a buffer (a list page: no tree of ~1000
** small objects to build, dump and free; issue #5). Text mode writes exactly
** what jdump_api would write for the tree: keys in order, jansson's escapes.
**
** Calls name the member's key inside an object and pass NULL inside an array.
** Errors (out of memory, too deep) stick: check jw_failed at the end.
*/
#ifndef HOUQIN_JW_H
#define HOUQIN_JW_H

#include <jansson.h>
#include <stdint.h>

struct buf;

#define JW_DEPTH 8

struct jw {
	struct buf *out;		/* text mode when set */
	json_t *stack[JW_DEPTH];	/* tree mode: open containers; [0] the root */
	int first[JW_DEPTH];		/* text mode: no member yet at this depth */
	char object[JW_DEPTH];		/* the container at this depth is an object */
	int depth, failed;
	json_t *root;
};

/* Start writing into b (text mode) or, with b NULL, building a tree. */
void jw_start(struct jw *w, struct buf *b);
/* Tree mode: the finished root (a new reference), NULL on failure. Frees on failure. */
json_t *jw_finish(struct jw *w);
int jw_failed(const struct jw *w);

void jw_object(struct jw *w, const char *key);
void jw_array(struct jw *w, const char *key);
void jw_end(struct jw *w);
void jw_int(struct jw *w, const char *key, int64_t v);
void jw_bool(struct jw *w, const char *key, int v);
void jw_null(struct jw *w, const char *key);
/* s NULL writes null. */
void jw_str(struct jw *w, const char *key, const char *s);
/* ISO-8601 +08:00 time, or null for 0 (as jtime). */
void jw_time(struct jw *w, const char *key, int64_t ms);
/* A jansson value (stolen; NULL writes null): set in a tree, dumped in text. */
void jw_json(struct jw *w, const char *key, json_t *v);

#endif
