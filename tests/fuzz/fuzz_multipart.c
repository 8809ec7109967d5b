/*
** tests/fuzz/fuzz_multipart.c: core/multipart.c. The input is a Content-Type
** value, a LF, then the body: mp_is_form_data and mp_boundary parse the first
** line; mp_parse splits the body with that boundary (or with a fixed one when
** the line is refused, so the body parser is reached either way). Every part
** must lie inside the body and carry a name.
*/
#include "fuzz/fuzz.h"

#include "core/arena.h"
#include "core/err.h"
#include "core/multipart.h"

#include <stdlib.h>
#include <string.h>

#define PARTS_MAX 8

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *nl = memchr(p, '\n', size);
	const char *boundary = NULL, *body, *ct;
	struct mp_part parts[PARTS_MAX];
	struct err e = { 0 };
	struct arena *a;
	size_t len;
	int n = -1;

	if (size > 256 * 1024)
		return 0;
	a = arena_new(4096);
	if (!a)
		abort();
	ct = arena_strndup(a, p, nl ? (size_t)(nl - p) : size);
	body = nl ? nl + 1 : p + size;
	len = nl ? size - (size_t)(nl - p) - 1 : 0;
	(void)mp_is_form_data(ct);
	if (mp_boundary(a, ct, &boundary, &e) == 0) {
		size_t bl = strlen(boundary);
		if (bl == 0 || bl > MP_BOUNDARY_MAX)
			abort();
	} else {
		boundary = "----hqfuzz";
	}
	/* a copy of exactly len bytes, so ASan sees any read past the body */
	char *copy = malloc(len ? len : 1);
	if (!copy)
		abort();
	memcpy(copy, body, len);
	err_clear(&e);
	if (mp_parse(a, copy, len, boundary, parts, PARTS_MAX, &n, &e) == 0) {
		if (n < 0 || n > PARTS_MAX)
			abort();
		for (int i = 0; i < n; i++) {
			const struct mp_part *pt = &parts[i];
			if (!pt->name || pt->data < copy || pt->len > len ||
			    pt->data + pt->len > copy + len)
				abort();
			/* a plain filename= is raw bytes (files.c checks UTF-8); read it all */
			if (pt->filename && strlen(pt->filename) > MP_LINE_MAX)
				abort();
		}
	}
	free(copy);
	arena_free(a);
	return 0;
}
