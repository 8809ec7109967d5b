/*
** core/json.c: jansson helpers.
*/
#include "core/json.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/err.h"

#include <stdlib.h>

static void
defer_decref(void *p)
{
	json_decref(p);
}

json_t *
jarena(struct arena *a, json_t *j)
{
	if (j && arena_defer(a, defer_decref, j))
		return NULL;	/* arena_defer already released j */
	return j;
}

json_t *
jtime(int64_t ms)
{
	char iso[40];

	if (!ms)
		return json_null();
	ms_to_iso(ms, iso, sizeof(iso));
	return json_string(iso);
}

json_t *
jdate(int yyyymmdd)
{
	char s[16];

	if (!yyyymmdd)
		return json_null();
	cal_format_date(yyyymmdd, s, sizeof(s));
	return json_string(s);
}

json_t *
jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
jid_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

static int
dump_to_buf(const char *s, size_t n, void *b)
{
	return buf_add(b, s, n) ? -1 : 0;
}

/* 12 significant digits: rates and means read 0.8832 and 62.8, not 17-digit binary noise */
#define API_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(12))

int
jdump_api_into(struct buf *b, const json_t *j)
{
	return json_dump_callback(j, dump_to_buf, b, API_FLAGS) ? ERR_NOMEM : 0;
}

/*
** Dumped straight into one buffer that the arena then owns: json_dumps would
** grow its own, copy it once more, and we would copy it into the arena again
** (a list page is ~24 KB).
*/
static char *
dump(struct arena *a, const json_t *j, size_t flags)
{
	struct buf b = BUF_INIT((size_t)-1);

	if (!j || json_dump_callback(j, dump_to_buf, &b, flags)) {
		buf_free(&b);
		return NULL;
	}
	return buf_to_arena(&b, a);
}

char *
jdump(struct arena *a, const json_t *j)
{
	return dump(a, j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

char *
jdump_api(struct arena *a, const json_t *j)
{
	return dump(a, j, API_FLAGS);
}
