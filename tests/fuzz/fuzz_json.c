/*
** tests/fuzz/fuzz_json.c: every JSON input spec. The input is a request body:
** req_json_fields (jansson parse with duplicate keys rejected, then
** val_object with the request arena) runs against the `body` spec of every
** route in modules_routes(), as the handlers do. On success the values written
** must satisfy the spec (strings valid UTF-8 within max characters, enums
** from their list, integers in range, ids positive).
*/
#include "fuzz/fuzz.h"

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/parse.h"
#include "http/req.h"
#include "modules.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define OUT_SIZE 8192

static alignas(max_align_t) unsigned char out[OUT_SIZE];

/* The out buffer must hold every spec's struct; val_bit has 32 bits. */
static void
check_specs(void)
{
	static int done;

	if (done)
		return;
	for (size_t i = 0; i < modules_routes()->n; i++) {
		const struct field *f = modules_routes()->routes[i].body;
		int n = 0;
		for (; f && f->name; f++, n++)
			if (f->off + sizeof(struct strlist) > OUT_SIZE || n >= 32)
				abort();
	}
	done = 1;
}

static void
check_values(const struct field *spec, uint32_t present)
{
	for (int i = 0; spec[i].name; i++) {
		const struct field *f = &spec[i];
		const unsigned char *dst = out + f->off;
		const char *s;
		int64_t v;

		if (!(present & (1u << i)))
			continue;
		switch (f->type) {
		case F_STR:
			memcpy(&s, dst, sizeof(s));
			if (s) {
				long c = utf8_chars(s, strlen(s));
				if (c < 0 || c < f->min || c > (f->max ? f->max : TEXT_MAX))
					abort();
			}
			break;
		case F_ENUM:
			memcpy(&s, dst, sizeof(s));
			if (s && !val_in(s, f->enums))
				abort();
			break;
		case F_INT:
			memcpy(&v, dst, sizeof(v));
			if (v < f->min || v > f->max)
				abort();
			break;
		case F_ID:
			memcpy(&v, dst, sizeof(v));
			if (v < 0)
				abort();
			break;
		default:
			break;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct req rq = { 0 };

	if (size > BODY_MAX)
		return 0;
	check_specs();
	a = arena_new(4096);
	if (!a)
		abort();
	rq.arena = a;
	rq.body = (const char *)data;
	rq.body_len = size;
	for (size_t i = 0; i < modules_routes()->n; i++) {
		const struct field *spec = modules_routes()->routes[i].body;
		struct err e = { 0 };
		uint32_t present = 0;
		int r;

		if (!spec)
			continue;
		memset(out, 0, sizeof(out));
		r = req_json_fields(&rq, spec, out, &present, &e);
		if (r == ERR_BAD_JSON)
			break;
		if (r == 0)
			check_values(spec, present);
		else if (r != ERR_INVALID || e.code != ERR_INVALID || e.nfields < 0 ||
			 e.nfields > ERR_FIELDS_MAX || !memchr(e.msg, '\0', sizeof(e.msg)))
			abort();
	}
	arena_free(a);
	return 0;
}
