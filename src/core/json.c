/*
** core/json.c: jansson helpers.
*/
#include "core/json.h"
#include "core/arena.h"
#include "core/clock.h"

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
jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
jid_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

static char *
dump(struct arena *a, const json_t *j, size_t flags)
{
	char *s, *copy;

	if (!j)
		return NULL;
	s = json_dumps(j, flags);
	if (!s)
		return NULL;
	copy = arena_strdup(a, s);
	free(s);
	return copy;
}

char *
jdump(struct arena *a, const json_t *j)
{
	return dump(a, j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

char *
jdump_api(struct arena *a, const json_t *j)
{
	/* 12 significant digits: rates and means read 0.8832 and 62.8, not 17-digit binary noise */
	return dump(a, j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
}
