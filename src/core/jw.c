/*
** core/jw.c: see jw.h. Text mode follows jansson's dump with jdump_api's
** encoding (jansson values inside are dumped by jdump_api_into): compact, insertion order,
** "\"" "\\" "\b\f\n\r\t" escaped short, other control characters as \u00XX, everything else
** as is (UTF-8 raw).
*/
#include "core/jw.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void
jw_start(struct jw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->out = b;
	w->first[0] = 1;
}

int
jw_failed(const struct jw *w)
{
	return w->failed;
}

json_t *
jw_finish(struct jw *w)
{
	json_t *r = w->root;

	w->root = NULL;
	if (w->failed || w->depth != 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}

static void
put(struct jw *w, const char *s, size_t n)
{
	if (!w->failed && buf_add(w->out, s, n))
		w->failed = 1;
}

/* 1: the byte ends a run of plain bytes (an escape, or the terminating NUL). */
static const unsigned char stops[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x00..0x1f */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

static void
put_string(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	put(w, "\"", 1);
	for (;;) {
		const char *run = s;
		while (!stops[(unsigned char)*s])
			s++;
		put(w, run, (size_t)(s - run));
		if (!*s)
			break;
		unsigned char c = (unsigned char)*s++;
		const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b" :
				  c == '\f' ? "\\f" : c == '\n' ? "\\n" : c == '\r' ? "\\r" :
				  c == '\t' ? "\\t" : NULL;
		char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
		put(w, esc ? esc : u, esc ? 2 : 6);
	}
	put(w, "\"", 1);
}

/* Text mode: the comma and key before a member. */
static void
member(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		put(w, ",", 1);
	w->first[w->depth] = 0;
	if (key) {
		put_string(w, key);
		put(w, ":", 1);
	}
}

/* Tree mode: add v (stolen) to the open container, or make it the root. */
static void
add(struct jw *w, const char *key, json_t *v)
{
	json_t *parent = w->depth ? w->stack[w->depth - 1] : NULL;
	int rc;

	if (!v || w->failed) {
		w->failed = 1;
		json_decref(v);
		return;
	}
	if (!parent) {
		json_decref(w->root);
		w->root = v;
		return;
	}
	rc = key ? json_object_set_new(parent, key, v) : json_array_append_new(parent, v);
	if (rc)
		w->failed = 1;
}

static void
open_container(struct jw *w, const char *key, int object)
{
	if (w->depth + 1 >= JW_DEPTH) {
		w->failed = 1;
		return;
	}
	if (w->out) {
		member(w, key);
		put(w, object ? "{" : "[", 1);
	} else {
		json_t *c = object ? json_object() : json_array();
		add(w, key, json_incref(c));
		w->stack[w->depth] = c;
		json_decref(c);	/* the parent (or root) holds it */
	}
	w->first[++w->depth] = 1;
	w->object[w->depth] = (char)object;
}

void
jw_object(struct jw *w, const char *key)
{
	open_container(w, key, 1);
}

void
jw_array(struct jw *w, const char *key)
{
	open_container(w, key, 0);
}

void
jw_end(struct jw *w)
{
	if (w->depth == 0) {
		w->failed = 1;
		return;
	}
	if (w->out)
		put(w, w->object[w->depth] ? "}" : "]", 1);
	w->depth--;
}

void
jw_int(struct jw *w, const char *key, int64_t v)
{
	char n[24];

	if (!w->out) {
		add(w, key, json_integer(v));
		return;
	}
	member(w, key);
	put(w, n, (size_t)snprintf(n, sizeof(n), "%" PRId64, v));
}

void
jw_bool(struct jw *w, const char *key, int v)
{
	if (!w->out) {
		add(w, key, json_boolean(v));
		return;
	}
	member(w, key);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void
jw_null(struct jw *w, const char *key)
{
	if (!w->out) {
		add(w, key, json_null());
		return;
	}
	member(w, key);
	put(w, "null", 4);
}

void
jw_str(struct jw *w, const char *key, const char *s)
{
	if (!s) {
		jw_null(w, key);
		return;
	}
	if (!w->out) {
		add(w, key, json_string(s));
		return;
	}
	member(w, key);
	put_string(w, s);
}

void
jw_time(struct jw *w, const char *key, int64_t ms)
{
	char iso[40];

	if (!ms) {
		jw_null(w, key);
		return;
	}
	ms_to_iso(ms, iso, sizeof(iso));
	jw_str(w, key, iso);
}

void
jw_json(struct jw *w, const char *key, json_t *v)
{
	if (!v) {
		jw_null(w, key);
		return;
	}
	if (!w->out) {
		add(w, key, v);
		return;
	}
	member(w, key);
	if (!w->failed && jdump_api_into(w->out, v))
		w->failed = 1;
	json_decref(v);
}
